"""The IMDB movie reviews (Large Movie Review Dataset, Maas et al. 2011) as raw text.

    from rnncourse.data import load_imdb
    (train_texts, train_labels), (test_texts, test_labels) = load_imdb()

Where the data comes from, first match wins:

1. the ``source`` argument: a local ``.tar.gz`` archive, or an extracted ``aclImdb`` folder
   (or the folder that holds it);
2. the ``RNNCOURSE_IMDB`` environment variable, with the same meaning;
3. the cache, ``data_dir() / "aclImdb"``;
4. a download of the official archive (84 MB) into the cache, checked against ``IMDB_SHA256``.

Nothing is used before it is checked. An archive is read to its end, so gzip's CRC covers every
byte; one named like a known archive (``KNOWN_ARCHIVES``) must have its sha256, any other (a
repacked copy) is accepted when it is intact and laid out like the dataset: ``REVIEWS_PER_FOLDER``
reviews in each labeled folder, each a regular file, not empty, UTF-8, at most
``MAX_REVIEW_BYTES``. Every member is checked before anything is written: paths leaving the
folder, links, devices, oversized members and surplus reviews are refused.

In the cache, ``aclImdb`` is a symbolic link to the version in use, ``.aclImdb-XXXX/aclImdb``.
An import builds a new version beside it and swaps the link in one step, so a reader always
finds the old data or the new; leftovers of killed imports and replaced versions are deleted
once ``STALE_SECONDS`` old. A failed download leaves the archive already there untouched.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import os
import re
import shutil
import stat
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import numpy as np

from rnncourse import _checks

IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
IMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"  # 84,125,825 B
# The labeled part alone (28 MB: no train/unsup, no feature files), repacked for machines
# without internet as aclImdb_v1_labeled.tar.gz; its sha256 as published with it (SHA256SUMS).
LABELED_SHA256 = "4726f9385e688aecc55328a5b37e873d3871df102bebce563bd74df500c3cf28"
ARCHIVE_NAME = "aclImdb_v1.tar.gz"  # the downloaded archive, kept in the cache
KNOWN_ARCHIVES = {ARCHIVE_NAME: IMDB_SHA256, "aclImdb_v1_labeled.tar.gz": LABELED_SHA256}
REVIEWS_PER_FOLDER = 12_500  # review files (*.txt) in each labeled folder
LABELED_FOLDERS = ("train/pos", "train/neg", "test/pos", "test/neg")  # under aclImdb/
# The movie of every review, one URL per line (line i: review i_*.txt), e.g.
# http://www.imdb.com/title/tt0453418/usercomments; what a validation split holds out whole.
MOVIE_LISTS = tuple(f"{folder.split('/')[0]}/urls_{folder.split('/')[1]}.txt"
                    for folder in LABELED_FOLDERS)
EXTRA_FILES = ("README", "imdb.vocab", *MOVIE_LISTS)  # also extracted; unsup/ etc. are skipped
MOVIE_URL = re.compile(rb"https?://www\.imdb\.com/title/(tt\d{1,10})/usercomments")
REVIEW_NAME = re.compile(r"[\w-][\w.-]{0,95}\.txt")  # e.g. 12345_9.txt, at most 100 characters
# Limits far above the real data (measured on the labeled archive), so that what is not the
# dataset is refused before it is written: the longest review has 13,704 bytes, imdb.vocab
# 845,980; the archive has 50,013 members, 94 MB unpacked (the official one, with unsup/ and
# the feature files, about 100,000 members and a few hundred MB).
MAX_REVIEW_BYTES = 1 << 20  # per review
MAX_EXTRA_BYTES = 16 << 20  # per extra file
MAX_MEMBERS = 250_000  # entries in an archive
MAX_UNPACKED_BYTES = 2 << 30  # all members and their headers
STALE_SECONDS = 30 * 60  # a .aclImdb-* leftover untouched this long is deleted
MARKER = ".rnncourse-source"  # file inside the cached folder: what it was made from
Split = tuple[list[str], np.ndarray]  # (texts, labels)
FIX = (
    "To fix it, download the official archive again with `python -m rnncourse fetch-data "
    "--force`, or import a complete copy with `python -m rnncourse fetch-data --from PATH --force`."
)
KINDS = {  # what a path that is not a regular file is, for error messages
    stat.S_IFDIR: "a folder", stat.S_IFLNK: "a symbolic link", stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device", stat.S_IFSOCK: "a socket",
}


class ImdbDataError(ValueError):
    """The IMDB data is missing, incomplete or unreadable; the message says how to fix it."""


class UnsafeArchiveError(ImdbDataError):
    """An archive member is a link or device, its path leaves the extraction folder, or it is
    misnamed or repeated."""


def data_dir() -> Path:
    """The cache folder: ``$RNNCOURSE_DATA_DIR``, else ``$XDG_CACHE_HOME/rnncourse``, else
    ``~/.cache/rnncourse``."""
    if os.environ.get("RNNCOURSE_DATA_DIR"):
        folder = Path(os.environ["RNNCOURSE_DATA_DIR"]).expanduser()
    else:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").expanduser()
        folder = folder / "rnncourse"
    if folder.exists() and not folder.is_dir():
        raise ImdbDataError(f"The cache folder {folder} is a file, not a folder: set"
                            " RNNCOURSE_DATA_DIR to a folder (it is created if missing).")
    return folder


def fetch_imdb(
    source: str | os.PathLike | None = None,
    *,
    force: bool = False,
    url: str = IMDB_URL,
    sha256: str = IMDB_SHA256,
) -> Path:
    """Return a checked ``aclImdb`` folder, extracting or downloading it if needed.

    source: a ``.tar.gz`` archive (extracted into the cache), or an ``aclImdb`` folder or its
        parent (used in place). Default: ``$RNNCOURSE_IMDB``, then the cache, then ``url``.
    force: extract again, and download again when the data comes from ``url``; what is in the
        cache stays there until the new copy has been checked.
    """
    path = _source(source)
    _checks.instance("force", force, bool, "True or False")
    _checks.matches("url", url, r"[a-z][a-z0-9+.-]*://\S+", "a URL such as https://...")
    _checks.matches("sha256", sha256, "[0-9a-f]{64}", "a sha256 sum: 64 hexadecimal digits")
    if path is not None:
        if path.is_dir():
            return _checked(_find_folder(path))
        return _install_archive(path, force, KNOWN_ARCHIVES.get(path.name))
    cached = data_dir() / "aclImdb"
    if cached.is_dir() and not force and _has_movie_lists(cached):
        _remove_stale(data_dir())
        return _checked_cache(cached)
    if cached.is_dir() and not force and not (data_dir() / ARCHIVE_NAME).is_file():
        _checked_cache(cached)  # made from a local copy by rnncourse 0.2: say how to redo it
    return _install_archive(_download(url, sha256, force), force, sha256)


def import_imdb(source: str | os.PathLike, *, force: bool = False) -> Path:
    """Copy a local archive or ``aclImdb`` folder into the cache, where ``load_imdb()`` looks by
    default, checking every file on the way; return the cached folder."""
    path = _source(_checks.path("source", source))
    _checks.instance("force", force, bool, "True or False")
    if path.is_file():
        return _install_archive(path, force, KNOWN_ARCHIVES.get(path.name))
    folder = _checked(_find_folder(path))
    cached = data_dir() / "aclImdb"
    marker = f"folder {folder.resolve()}"
    if cached.resolve() == folder.resolve() or (_marker(cached) == marker and not force):
        return _checked_cache(cached)
    return _install(marker, lambda target: _copy(folder, target), origin=folder)


def describe_imdb(source: str | os.PathLike | None = None, *, thorough: bool = False) -> str | None:
    """One line saying where the IMDB data is, without downloading, extracting or writing.

    thorough: also read what ``load_imdb()`` would read (every review, an archive to its end),
        so that this fails wherever ``load_imdb()`` would; seconds instead of milliseconds.
    Returns None when no data is available offline; raises ImdbDataError when it is broken.
    """
    path, cache = _source(source), data_dir()
    _checks.instance("thorough", thorough, bool, "True or False")
    total = f"{len(LABELED_FOLDERS) * REVIEWS_PER_FOLDER:,} reviews"
    if path is not None and path.is_dir():
        return f"{total} in {_verified(_find_folder(path), thorough)}"
    if path is not None:
        return _describe_archive(path, cache / "aclImdb", total, thorough)
    if (cache / "aclImdb").is_dir():
        _verified((cache / "aclImdb").resolve(), thorough)
        return f"{total} in {cache / 'aclImdb'}"
    if (cache / ARCHIVE_NAME).is_file():
        if thorough:
            _check_digest(cache / ARCHIVE_NAME, _sha256(cache / ARCHIVE_NAME), IMDB_SHA256)
            _read_archive(cache / ARCHIVE_NAME, IMDB_SHA256)
        return f"archive {cache / ARCHIVE_NAME}, not extracted yet (load_imdb() does it)"
    return None


def load_imdb(
    source: str | os.PathLike | None = None, *, seed: int | None = 0, movies: bool = False
) -> tuple[Split, Split]:
    """Load the labeled reviews: ``((train_texts, train_labels), (test_texts, test_labels))``.

    texts: list of ``str``, 25,000 per split, the raw review text (HTML ``<br />`` left in).
    labels: (25_000,) int64, 1 = positive, 0 = negative.
    Each split is shuffled with ``np.random.default_rng(seed)`` (a permutation), so a slice such
    as ``texts[:5000]`` is a random sample of both classes. ``seed=None`` returns the sorted
    order: all negatives, then all positives, by file name; never slice that one.
    movies: also return each review's movie, ``(texts, labels, movies)`` per split, movies a
    (25_000,) array of IMDB title ids (str, e.g. "tt0453418") from the dataset's
    ``urls_*.txt``, in the same order. The test split's movies are not in the training split;
    a validation split that holds out whole movies (``rnncourse.imdb``) keeps it that way.
    """
    if seed is not None:
        seed = _checks.integer("seed", seed, minimum=0)
    _checks.instance("movies", movies, bool, "True or False")
    folder = fetch_imdb(source).resolve()  # one version of the cache, even if it is replaced
    rng, splits = None if seed is None else np.random.default_rng(seed), []
    for split in ("train", "test"):  # one generator: train's permutation, then test's
        texts, labels, titles = _read_split(folder / split)
        order = np.arange(len(labels)) if rng is None else rng.permutation(len(labels))
        split = ([texts[i] for i in order], labels[order], titles[order])
        splits.append(split if movies else split[:2])
    return splits[0], splits[1]


def _read_split(folder: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Texts, labels and movie ids of ``folder/neg`` and ``folder/pos``, in file-name order."""
    texts, labels, titles = [], [], []
    for label, name in ((0, "neg"), (1, "pos")):
        paths = _reviews(folder / name)
        listed = _movie_ids((folder / f"urls_{name}.txt").read_bytes(), f"{folder}/urls_{name}.txt")
        texts += [_review_text(path.read_bytes(), str(path)) for path in paths]
        titles += [listed[_review_number(path)] for path in paths]
        labels += [label] * len(paths)
    return texts, np.array(labels, dtype=np.int64), np.array(titles)  # (reviews,) each


def _review_number(path: Path) -> int:
    """i of a review file i_rating.txt: its line in the movie list."""
    number = path.name.split("_")[0]
    if not number.isdigit() or int(number) >= REVIEWS_PER_FOLDER:
        raise ImdbDataError(f"{path} is not named like a review of the dataset (i_rating.txt,"
                            f" i from 0 to {REVIEWS_PER_FOLDER - 1:,}), so its movie is unknown."
                            f" {FIX}")
    return int(number)


def _reviews(folder: Path) -> list[Path]:
    """The reviews (``*.txt``) in ``folder``, sorted; each must be a regular file (not a link,
    a folder or a device) of at most MAX_REVIEW_BYTES."""
    with os.scandir(folder) as entries:
        found = sorted((entry for entry in entries if entry.name.endswith(".txt")),
                       key=lambda entry: entry.name)
    for entry in found:
        info = entry.stat(follow_symlinks=False)
        if not stat.S_ISREG(info.st_mode):
            raise ImdbDataError(f"{entry.path} is {_kind(info.st_mode)}, not a review file: a"
                                f" dataset holds only plain files (links could lead out of it)."
                                f" {FIX}")
        _check_size(entry.path, info.st_size, MAX_REVIEW_BYTES)
    return [Path(entry.path) for entry in found]


def _review_text(content: bytes, where: str) -> str:
    """The text of one review; ImdbDataError if it is empty or not UTF-8."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ImdbDataError(f"{where} is not UTF-8 text (byte {content[err.start]:#04x} at"
                            f" position {err.start}): the file is damaged. {FIX}") from None
    if not text.strip():
        raise ImdbDataError(f"{where} is empty: every IMDB review has text. {FIX}")
    return text


def _check_size(where: str, size: int, limit: int) -> None:
    if size > limit:
        raise ImdbDataError(f"{where} has {size:,} bytes, more than any file of the IMDB dataset"
                            f" (at most {limit:,} here): this is not the IMDB data. {FIX}")


def _checked(folder: Path, origin: Path | None = None) -> Path:
    """Check that each labeled folder is a folder (not a link) holding ``REVIEWS_PER_FOLDER``
    reviews; return ``folder``."""
    where = f"{origin}: aclImdb" if origin else str(folder)
    for name in LABELED_FOLDERS:
        for part in (name.split("/")[0], name):
            if (folder / part).is_symlink():
                raise ImdbDataError(f"{where}/{part} is a symbolic link: the IMDB folders must be"
                                    f" real folders inside the dataset. {FIX}")
        found = len(_reviews(folder / name)) if (folder / name).is_dir() else None
        _check_count(where, name, found)
    for name in MOVIE_LISTS:
        path = folder / name
        if path.is_symlink() or not path.is_file():
            raise ImdbDataError(f"{where}/{name} is missing or not a plain file: it names the movie"
                                " of each review, which the validation split needs. (Caches made"
                                f" by rnncourse 0.2 lack it.) {FIX}")
        _check_size(str(path), path.stat().st_size, MAX_EXTRA_BYTES)
        _movie_ids(path.read_bytes(), f"{where}/{name}")
    return folder


def _has_movie_lists(folder: Path) -> bool:
    return all((folder / name).is_file() for name in MOVIE_LISTS)


def _movie_ids(content: bytes, where: str) -> list[str]:
    """The IMDB title ids ("tt0453418") of a movie list, one per review; ImdbDataError unless
    it has REVIEWS_PER_FOLDER lines, each a movie's user-comments URL."""
    lines = content.splitlines()
    if len(lines) != REVIEWS_PER_FOLDER:
        raise ImdbDataError(f"{where} has {len(lines):,} lines, expected one per review"
                            f" ({REVIEWS_PER_FOLDER:,}): the file is damaged. {FIX}")
    ids = []
    for number, line in enumerate(lines, start=1):
        found = MOVIE_URL.fullmatch(line.strip())
        if found is None:
            raise ImdbDataError(f"{where}, line {number}: {line[:80]!r} is not an IMDB movie URL"
                                " like http://www.imdb.com/title/tt0453418/usercomments: the file"
                                f" is damaged. {FIX}")
        ids.append(found.group(1).decode())
    return ids


def _check_count(where: str, name: str, found: int | None) -> None:
    """ImdbDataError unless ``found`` (None: no such folder) is ``REVIEWS_PER_FOLDER``."""
    if not found:  # None or 0: probably not the IMDB dataset at all
        raise ImdbDataError(
            f"{where}/{name} is missing: expected the IMDB folders {', '.join(LABELED_FOLDERS)}"
            f" under aclImdb/, each with {REVIEWS_PER_FOLDER:,} reviews (*.txt). {FIX}"
        )
    if found != REVIEWS_PER_FOLDER:
        raise ImdbDataError(
            f"{where}/{name} holds {found:,} reviews (*.txt), expected {REVIEWS_PER_FOLDER:,}:"
            f" the data is incomplete or is not the labeled IMDB dataset. {FIX}"
        )


def _checked_cache(cached: Path) -> Path:
    """``cached`` (the cache's link), after checking the version it points to."""
    _checked(cached.resolve())
    return cached


def _verified(folder: Path, thorough: bool) -> Path:
    """``folder`` checked; with ``thorough``, every review read and checked as well."""
    _checked(folder)
    for split in ("train", "test") if thorough else ():
        _read_split(folder / split)
    return folder


def _describe_archive(archive: Path, cached: Path, total: str, thorough: bool) -> str:
    digest = _sha256(archive)
    _check_digest(archive, digest, KNOWN_ARCHIVES.get(archive.name))
    if _marker(cached) == f"archive-sha256 {digest}":
        _verified(cached.resolve(), thorough)
        return f"{total} in {cached} (extracted from {archive})"
    if thorough:
        _read_archive(archive, digest)
    return f"archive {archive}, not extracted yet (load_imdb() extracts it into {cached})"


def _install_archive(archive: Path, force: bool, expected: str | None) -> Path:
    """Extract the needed part of ``archive`` into the cache, unless it is there already.

    expected: the sha256 the archive must have (None: any, if it is intact and complete)."""
    digest, cached = _sha256(archive), data_dir() / "aclImdb"
    _check_digest(archive, digest, expected)
    marker = f"archive-sha256 {digest}"
    if _marker(cached) == marker and not force and _has_movie_lists(cached):
        return _checked_cache(cached)  # (rnncourse 0.2 extracted no movie lists: again)
    print(f"Checking every byte of {archive}, then extracting it into {cached} (once; about"
          " half a minute)...", flush=True)
    _read_archive(archive, digest)  # every member checked before anything is written
    return _install(marker, lambda target: _extract(archive, digest, target), archive)


def _extract(archive: Path, digest: str, target: Path) -> None:
    _read_archive(archive, digest, keep=lambda name, content: _write(target / name, content))


def _read_archive(archive: Path, digest: str,
                  keep: Callable[[str, bytes], object] = lambda name, content: None) -> None:
    """Read ``archive`` to its end, checking every member, and pass each wanted file to
    ``keep(path under aclImdb/, content)``; ImdbDataError if anything is wrong, or if its
    bytes are no longer those of sha256 ``digest`` (the sum computed before)."""
    hashed, seen = hashlib.sha256(), {folder: set() for folder in ("", *LABELED_FOLDERS)}
    try:
        with open(archive, "rb") as raw, \
                gzip.GzipFile(fileobj=_Hashed(raw, hashed), mode="rb") as stream, \
                tarfile.open(fileobj=stream, mode="r|") as tar:
            unpacked = 0
            for number, member in enumerate(tar, start=1):
                unpacked += tarfile.BLOCKSIZE + member.size
                _check_budget(archive, number, unpacked)
                name = _wanted(member, archive, seen)
                if name is not None:
                    keep(name, _content(tar, member, name, archive))
            while stream.read(1 << 20):  # to the end, where gzip checks the CRC and the length
                pass
    except (OSError, EOFError, tarfile.TarError, zlib.error) as err:  # BadGzipFile is an OSError
        raise _unreadable(archive, err) from err
    if hashed.hexdigest() != digest:
        raise ImdbDataError(f"The archive {archive} changed while it was being read; wait until"
                            " whatever writes it has finished, then run the command again.")
    for folder in LABELED_FOLDERS:
        _check_count(f"{archive}: aclImdb", folder, len(seen[folder]))


class _Hashed:
    """A binary file whose bytes go into ``digest`` (a hashlib object) as they are read."""

    def __init__(self, file, digest):
        self.file, self.digest = file, digest

    def read(self, size: int = -1) -> bytes:
        block = self.file.read(size)
        self.digest.update(block)
        return block


def _check_budget(archive: Path, members: int, unpacked: int) -> None:
    if members > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
        raise ImdbDataError(
            f"Refusing to extract {archive}: it unpacks to more than {MAX_MEMBERS:,} files or"
            f" {MAX_UNPACKED_BYTES:,} bytes, far more than the IMDB archive; it is not the IMDB"
            f" dataset. Use the official {ARCHIVE_NAME} from {IMDB_URL}."
        )


def _wanted(member: tarfile.TarInfo, archive: Path, seen: dict[str, set]) -> str | None:
    """Where ``member`` goes under aclImdb/, or None if it is not extracted (unsup/, feature
    files); raise if it is unsafe, oversized, misnamed, repeated or one review too many.

    seen: the file names kept so far in each labeled folder ("" for EXTRA_FILES)."""
    parts = PurePosixPath(member.name).parts  # ("aclImdb", "train", "pos", "0_9.txt")
    if member.name.startswith(("/", "\\")) or ".." in parts:
        _refuse(archive, member, "has an absolute path or a '..' component")
    if not (member.isfile() or member.isdir()):
        _refuse(archive, member, "is a link or a device file")
    name, folder = "/".join(parts[1:]), "/".join(parts[1:-1])
    if member.isdir() or parts[:1] != ("aclImdb",):
        return None
    if name in EXTRA_FILES:
        limit = MAX_EXTRA_BYTES
    elif folder in LABELED_FOLDERS and name.endswith(".txt"):
        limit = MAX_REVIEW_BYTES
        if not REVIEW_NAME.fullmatch(parts[-1]):
            _refuse(archive, member, "is not named like a review (e.g. 123_9.txt: letters,"
                    " digits, '_', '-' and '.', at most 100 characters)")
    else:
        return None
    _check_size(f"{archive}: member {member.name!r}", member.size, limit)
    group, item = ("", name) if name in EXTRA_FILES else (folder, parts[-1])
    if item in seen[group]:
        _refuse(archive, member, "is in the archive twice")
    if group and len(seen[group]) == REVIEWS_PER_FOLDER:
        raise ImdbDataError(
            f"{archive}: aclImdb/{folder} holds more than {REVIEWS_PER_FOLDER:,} reviews (*.txt),"
            f" e.g. {member.name!r}: this is not the labeled IMDB dataset. {FIX}"
        )
    seen[group].add(item)
    return name


def _refuse(archive: Path, member: tarfile.TarInfo, problem: str) -> None:
    raise UnsafeArchiveError(
        f"Refusing to extract {archive}: member {member.name!r} {problem}. The IMDB archive"
        f" holds only plain files and folders under aclImdb/; use the official {ARCHIVE_NAME}"
        f" from {IMDB_URL}."
    )


def _content(tar: tarfile.TarFile, member: tarfile.TarInfo, name: str, archive: Path) -> bytes:
    content = tar.extractfile(member).read()
    if name in MOVIE_LISTS:
        _movie_ids(content, f"{archive}: member {member.name!r}")
    elif name not in EXTRA_FILES:
        _review_text(content, f"{archive}: member {member.name!r}")
    return content


def _check_digest(archive: Path, actual: str, expected: str | None) -> None:
    """ImdbDataError if ``expected`` (the sum of the known archive of that name) is not None
    and is not ``actual``."""
    if expected is not None and actual != expected:
        raise ImdbDataError(
            f"The archive {archive} has sha256 {actual}, not {expected} (the sum of"
            f" {archive.name}): it is damaged or another file. Download it again ({IMDB_URL}) or"
            " run `python -m rnncourse fetch-data --force`; a repacked copy needs another name."
        )


def _unreadable(archive: Path, err: Exception) -> ImdbDataError:
    return ImdbDataError(
        f"Could not read the archive {archive} ({err}). Expected a .tar.gz archive of the IMDB"
        " dataset; this one is truncated or corrupted, e.g. by an interrupted download or copy."
        f" Download it again ({IMDB_URL}), or run `python -m rnncourse fetch-data`."
    )


def _install(marker: str, stage: Callable[[Path], object], origin: Path) -> Path:
    """Build ``aclImdb`` in a new version folder of the cache, check it, then switch to it."""
    cache = _writable_cache()
    _remove_stale(cache)
    version = Path(tempfile.mkdtemp(prefix=".aclImdb-", dir=cache))
    version.chmod(0o755)  # mkdtemp's folders are private; a cache may be shared (a JupyterHub)
    try:
        stage(version / "aclImdb")
        _checked(version / "aclImdb", origin)
        _write(version / "aclImdb" / MARKER, f"{marker}\n".encode())
        os.utime(version)  # fresh: no other import removes it as stale
    except BaseException:
        shutil.rmtree(version, ignore_errors=True)
        raise
    _switch(cache, version)
    return cache / "aclImdb"


def _switch(cache: Path, version: Path) -> None:
    """Point the link ``cache/aclImdb`` at ``version/aclImdb`` with one atomic rename, so a
    reader finds the old data or the new, never none; the old version is kept a while."""
    link, old = cache / "aclImdb", _version_in_use(cache)
    try:
        (version / "link").symlink_to(Path(version.name) / "aclImdb", target_is_directory=True)
    except OSError:  # no symbolic links here (Windows without developer mode): move folders
        _retire(link)
        (version / "aclImdb").rename(link)
        return
    if not link.is_symlink():
        _retire(link)  # a plain folder (rnncourse 0.2): the one moment without a cache
    os.replace(version / "link", link)
    if old is not None:  # readers still in the old version have STALE_SECONDS from now
        with contextlib.suppress(OSError):  # (unless someone removed it meanwhile)
            os.utime(cache / old)


def _retire(folder: Path) -> None:
    if folder.is_dir():
        folder.rename(Path(tempfile.mkdtemp(prefix=".aclImdb-", dir=folder.parent)) / "aclImdb")


def _version_in_use(cache: Path) -> str | None:
    """The name of the ``.aclImdb-*`` folder that ``cache/aclImdb`` links to, if it is a link."""
    link = cache / "aclImdb"
    return Path(os.readlink(link)).parts[0] if link.is_symlink() else None


def _remove_stale(cache: Path) -> None:
    """Delete the ``.aclImdb-*`` entries (killed imports and downloads, replaced versions) that
    nobody touched for STALE_SECONDS, except the version in use."""
    in_use, now = _version_in_use(cache), time.time()
    for entry in list(cache.glob(".aclImdb-*")):
        try:
            if entry.name == in_use or now - entry.lstat().st_mtime < STALE_SECONDS:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError:  # removed by another process meanwhile, or not ours to remove
            pass


def _writable_cache() -> Path:
    """``data_dir()``, created if needed; ImdbDataError if it cannot be written to."""
    cache = data_dir()
    try:
        cache.mkdir(parents=True, exist_ok=True)
        problem = None if os.access(cache, os.W_OK | os.X_OK) else "not writable"
    except OSError as err:
        problem = err.strerror or str(err)
    if problem:
        raise ImdbDataError(f"Cannot use the cache folder {cache} ({problem}): set"
                            " RNNCOURSE_DATA_DIR to a folder you can write to.")
    return cache


def _write(path: Path, content: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "xb") as file:
            file.write(content)
    except OSError as err:
        raise ImdbDataError(f"Could not write {path} ({err.strerror or err}): the cache needs"
                            " about 200 MB in a folder you can write to. Free some space, or set"
                            " RNNCOURSE_DATA_DIR to another folder.") from err


def _copy(folder: Path, target: Path) -> None:
    """Copy the reviews and extra files of ``folder``, each checked, into ``target``."""
    for name in LABELED_FOLDERS:
        for path in _reviews(folder / name):
            content = path.read_bytes()
            _review_text(content, str(path))
            _write(target / name / path.name, content)
    for path in (folder / name for name in EXTRA_FILES):
        if not (path.exists() or path.is_symlink()):
            continue
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise ImdbDataError(f"{path} is {_kind(info.st_mode)}, not a plain file. {FIX}")
        _check_size(str(path), info.st_size, MAX_EXTRA_BYTES)
        content = path.read_bytes()
        if path.name.startswith("urls_"):
            _movie_ids(content, str(path))
        _write(target / path.relative_to(folder), content)


def _download(url: str, sha256: str, force: bool) -> Path:
    """The archive in the cache: the one there if its sha256 is right (and not ``force``),
    else a new download, checked before it replaces the old one."""
    cache = _writable_cache()
    target = cache / ARCHIVE_NAME
    if not force and target.is_file() and _sha256(target) == sha256:
        return target
    _remove_stale(cache)
    partial = _fetch(url, cache)
    actual = _sha256(partial)
    if actual != sha256:
        partial.unlink()
        raise ImdbDataError(
            f"The download from {url} was corrupted or truncated: expected sha256 {sha256},"
            f" got {actual}. The bad file was deleted; run the command again to retry."
        )
    partial.chmod(0o644)  # mkstemp's files are private
    os.replace(partial, target)
    return target


def _fetch(url: str, cache: Path) -> Path:
    """Download ``url`` into a new ``.aclImdb-download-*`` file of ``cache`` with Keras (which
    shows a progress bar); return it."""
    from keras.utils import get_file  # imported here: importing Keras takes seconds

    handle, name = tempfile.mkstemp(prefix=".aclImdb-download-", suffix=".tar.gz", dir=cache)
    os.close(handle)
    try:
        get_file(fname=Path(name).name, origin=url, cache_dir=str(cache), cache_subdir="",
                 force_download=True)
    except Exception as err:  # Keras raises a bare Exception for network errors
        Path(name).unlink(missing_ok=True)
        raise ImdbDataError(
            f"Could not download the IMDB dataset from {url} ({err}). Check your internet"
            " connection and retry; or download the archive elsewhere and run `python -m"
            " rnncourse fetch-data --from PATH`, or set RNNCOURSE_IMDB=PATH (the .tar.gz archive"
            " or the extracted aclImdb folder). The data already in the cache is untouched."
        ) from err
    return Path(name)


def _source(source: str | os.PathLike | None) -> Path | None:
    """``source``, else ``$RNNCOURSE_IMDB``, as an existing file or folder; None if neither is
    set. Anything else (a named pipe, a device) is refused before it is opened."""
    if source is not None:
        name, path = "the source argument", _checks.path("source", source)
    elif os.environ.get("RNNCOURSE_IMDB"):
        name, path = "RNNCOURSE_IMDB", Path(os.environ["RNNCOURSE_IMDB"]).expanduser()
    else:
        return None
    try:
        mode = path.stat().st_mode  # of what a link points to
        problem = None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else f"is {_kind(mode)}"
    except OSError as err:
        problem = "does not exist" if isinstance(err, FileNotFoundError) else \
            f"cannot be read ({err.strerror or err})"
    if problem:
        raise ImdbDataError(
            f"The IMDB source {path} ({name}) {problem}. Expected a .tar.gz archive or an aclImdb"
            " folder: fix the path (argument, --from or RNNCOURSE_IMDB), or unset RNNCOURSE_IMDB"
            " to use the cache."
        )
    return path


def _kind(mode: int) -> str:
    return KINDS.get(stat.S_IFMT(mode), "a special file")


def _find_folder(path: Path) -> Path:
    return path / "aclImdb" if (path / "aclImdb").is_dir() else path


def _marker(folder: Path) -> str | None:
    marker = folder / MARKER
    return marker.read_text(encoding="utf-8").strip() if marker.is_file() else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as file:
            for block in iter(lambda: file.read(1 << 20), b""):
                digest.update(block)
    except OSError as err:
        raise _unreadable(path, err) from err
    return digest.hexdigest()
