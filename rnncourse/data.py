"""The IMDB movie reviews (Large Movie Review Dataset, Maas et al. 2011) as raw text.

    from rnncourse.data import load_imdb
    (train_texts, train_labels), (test_texts, test_labels) = load_imdb()

Where the data comes from, first match wins:

1. the ``source`` argument: a local ``.tar.gz`` archive, or an extracted ``aclImdb`` folder
   (or the folder that holds it);
2. the ``RNNCOURSE_IMDB`` environment variable, with the same meaning;
3. the cache, ``data_dir() / "aclImdb"``;
4. a download of the official archive (84 MB) into the cache, checked against ``IMDB_SHA256``.

A local archive is not checksummed (repacked copies are fine); its layout is checked instead:
``REVIEWS_PER_FOLDER`` reviews in each labeled folder. Archives are extracted into the cache
safely: paths leaving the folder, links and device files are refused before anything is written.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath

import numpy as np

IMDB_URL = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
IMDB_SHA256 = "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe"
REVIEWS_PER_FOLDER = 12_500  # review files (*.txt) in each labeled folder
LABELED_FOLDERS = ("train/pos", "train/neg", "test/pos", "test/neg")  # under aclImdb/
EXTRA_FILES = ("README", "imdb.vocab")  # also extracted; unsup/ and feature files are skipped
ARCHIVE_NAME = "aclImdb_v1.tar.gz"  # the downloaded archive, kept in the cache
MARKER = ".rnncourse-source"  # file inside the cached folder: what it was made from
Split = tuple[list[str], np.ndarray]  # (texts, labels)
FIX = (
    "To fix it, download the official archive again with `python -m rnncourse fetch-data "
    "--force`, or import a complete copy with `python -m rnncourse fetch-data --from PATH --force`."
)


class ImdbDataError(ValueError):
    """The IMDB data is missing, incomplete or unreadable; the message says how to fix it."""


class UnsafeArchiveError(ImdbDataError):
    """An archive member is a link or device, or its path leaves the extraction folder."""


def data_dir() -> Path:
    """The cache folder: ``$RNNCOURSE_DATA_DIR``, else ``$XDG_CACHE_HOME/rnncourse``, else
    ``~/.cache/rnncourse``."""
    if os.environ.get("RNNCOURSE_DATA_DIR"):
        return Path(os.environ["RNNCOURSE_DATA_DIR"]).expanduser()
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home).expanduser() / "rnncourse"


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
    force: extract again, and download again when the data comes from ``url``.
    """
    path = _source(source)
    if path is not None:
        return _checked(_find_folder(path)) if path.is_dir() else _install_archive(path, force)
    cached = data_dir() / "aclImdb"
    if cached.is_dir() and not force:
        return _checked(cached)
    return _install_archive(_download(url, sha256, force), force)


def import_imdb(source: str | os.PathLike, *, force: bool = False) -> Path:
    """Copy a local archive or ``aclImdb`` folder into the cache, where ``load_imdb()`` looks by
    default; return the cached folder."""
    path = _source(source)
    if path.is_file():
        return _install_archive(path, force)
    folder = _checked(_find_folder(path))
    cached = data_dir() / "aclImdb"
    marker = f"folder {folder.resolve()}"
    if cached.resolve() == folder.resolve() or (_marker(cached) == marker and not force):
        return _checked(cached)
    return _install(marker, lambda tmp: _copy(folder, tmp / "aclImdb"), origin=folder)


def describe_imdb(source: str | os.PathLike | None = None) -> str | None:
    """One line saying where the IMDB data is, without downloading, extracting or reading it.

    Returns None when no data is available offline; raises ImdbDataError when it is broken.
    """
    path, cached = _source(source), data_dir() / "aclImdb"
    total = f"{len(LABELED_FOLDERS) * REVIEWS_PER_FOLDER:,} reviews"
    if path is not None and path.is_dir():
        return f"{total} in {_checked(_find_folder(path))}"
    if path is not None and _marker(cached) == f"archive-sha256 {_sha256(path)}":
        return f"{total} in {_checked(cached)} (extracted from {path})"
    if path is not None:
        return f"archive {path}, not extracted yet (load_imdb() extracts it into {cached})"
    if cached.is_dir():
        return f"{total} in {_checked(cached)}"
    if (data_dir() / ARCHIVE_NAME).is_file():
        return f"archive {data_dir() / ARCHIVE_NAME}, not extracted yet (load_imdb() does it)"
    return None


def load_imdb(
    source: str | os.PathLike | None = None, *, seed: int | None = 0
) -> tuple[Split, Split]:
    """Load the labeled reviews: ``((train_texts, train_labels), (test_texts, test_labels))``.

    texts: list of ``str``, 25,000 per split, the raw review text (HTML ``<br />`` left in).
    labels: (25_000,) int64, 1 = positive, 0 = negative.
    Each split is shuffled with ``np.random.default_rng(seed)`` (a permutation), so a slice such
    as ``texts[:5000]`` is a random sample of both classes. ``seed=None`` returns the sorted
    order: all negatives, then all positives, by file name; never slice that one.
    """
    folder = fetch_imdb(source)
    rng = None if seed is None else np.random.default_rng(seed)
    return _read_split(folder / "train", rng), _read_split(folder / "test", rng)


def _read_split(folder: Path, rng: np.random.Generator | None) -> Split:
    """Texts and labels of ``folder/neg`` and ``folder/pos``, shuffled by ``rng`` if given."""
    texts, labels = [], []
    for label, name in ((0, "neg"), (1, "pos")):
        paths = _reviews(folder / name)
        texts += [path.read_text(encoding="utf-8") for path in paths]
        labels += [label] * len(paths)
    labels = np.array(labels, dtype=np.int64)  # (reviews,)
    if rng is None:
        return texts, labels
    order = rng.permutation(len(labels))  # (reviews,)
    return [texts[i] for i in order], labels[order]


def _reviews(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.txt"))


def _checked(folder: Path, origin: Path | None = None) -> Path:
    """Check that each labeled folder holds ``REVIEWS_PER_FOLDER`` reviews; return ``folder``."""
    where = f"{origin}: aclImdb" if origin else str(folder)
    for name in LABELED_FOLDERS:
        if not (folder / name).is_dir():
            raise ImdbDataError(
                f"{where}/{name} is missing: expected the IMDB folders {', '.join(LABELED_FOLDERS)}"
                f" under aclImdb/, each with {REVIEWS_PER_FOLDER:,} reviews (*.txt). {FIX}"
            )
        found = len(_reviews(folder / name))
        if found != REVIEWS_PER_FOLDER:
            raise ImdbDataError(
                f"{where}/{name} holds {found:,} reviews (*.txt), expected {REVIEWS_PER_FOLDER:,}:"
                f" the data is incomplete or is not the labeled IMDB dataset. {FIX}"
            )
    return folder


def _install_archive(archive: Path, force: bool) -> Path:
    """Extract the needed part of ``archive`` into the cache, unless it is there already."""
    marker, cached = f"archive-sha256 {_sha256(archive)}", data_dir() / "aclImdb"
    if _marker(cached) == marker and not force:
        return _checked(cached)
    try:
        with tarfile.open(archive, "r:*") as tar:
            members = _safe_members(tar, archive)
            print(f"Extracting {archive} into {cached} (once; about half a minute)...", flush=True)
            safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}  # Python 3.10.12+
            return _install(marker, lambda tmp: tar.extractall(tmp, members, **safe), archive)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as err:
        raise ImdbDataError(
            f"Could not read the archive {archive} ({err}). Expected a .tar.gz archive of the IMDB"
            " dataset; this one is truncated or corrupted, e.g. by an interrupted download or copy."
            f" Download it again ({IMDB_URL}), or run `python -m rnncourse fetch-data`."
        ) from err


def _safe_members(tar: tarfile.TarFile, archive: Path) -> list[tarfile.TarInfo]:
    """The members to extract; raise UnsafeArchiveError if any member at all is unsafe."""
    wanted = []
    for member in tar.getmembers():
        parts = PurePosixPath(member.name).parts  # ("aclImdb", "train", "pos", "0_9.txt")
        if member.name.startswith(("/", "\\")) or ".." in parts:
            problem = "has an absolute path or a '..' component"
        elif not (member.isfile() or member.isdir()):
            problem = "is a link or a device file"
        else:
            labeled = len(parts) == 4 and "/".join(parts[1:3]) in LABELED_FOLDERS
            extra = "/".join(parts[1:]) in EXTRA_FILES
            if member.isfile() and parts[:1] == ("aclImdb",) and (labeled or extra):
                wanted.append(member)
            continue
        raise UnsafeArchiveError(
            f"Refusing to extract {archive}: member {member.name!r} {problem}. The IMDB archive"
            f" holds only plain files and folders under aclImdb/; use the official {ARCHIVE_NAME}"
            f" from {IMDB_URL}."
        )
    return wanted


def _install(marker: str, stage: Callable[[Path], object], origin: Path) -> Path:
    """Build ``aclImdb`` in a temporary folder of the cache, check it, then move it into place."""
    cache = data_dir()
    cache.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".aclImdb-", dir=cache))
    try:
        stage(tmp)
        staged = _checked(tmp / "aclImdb", origin)
        (staged / MARKER).write_text(marker + "\n", encoding="utf-8")
        if (cache / "aclImdb").exists():
            (cache / "aclImdb").rename(tmp / "previous")
        staged.rename(cache / "aclImdb")
        return cache / "aclImdb"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _copy(folder: Path, target: Path) -> None:
    for name in LABELED_FOLDERS:
        shutil.copytree(folder / name, target / name)
    for name in EXTRA_FILES:
        if (folder / name).is_file():
            shutil.copy2(folder / name, target / name)


def _download(url: str, sha256: str, force: bool) -> Path:
    """Download the archive into the cache with Keras (progress bar, checksum); return it."""
    from keras.utils import get_file  # imported here: importing Keras takes seconds

    cache = data_dir()
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / ARCHIVE_NAME
    try:
        return Path(get_file(fname=ARCHIVE_NAME, origin=url, file_hash=sha256,
                             cache_dir=str(cache), cache_subdir="", force_download=force))
    except Exception as err:  # Keras raises a bare Exception for network errors
        if isinstance(err, ValueError) and target.is_file():  # checksum mismatch
            actual = _sha256(target)
            target.unlink()
            raise ImdbDataError(
                f"The download from {url} was corrupted or truncated: expected sha256 {sha256},"
                f" got {actual}. The bad file was deleted; run the command again to retry."
            ) from err
        raise ImdbDataError(
            f"Could not download the IMDB dataset from {url} ({err}). Check your internet"
            " connection and retry; or download the archive elsewhere and run `python -m"
            " rnncourse fetch-data --from PATH`, or set RNNCOURSE_IMDB=PATH (the .tar.gz archive"
            " or the extracted aclImdb folder)."
        ) from err


def _source(source: str | os.PathLike | None) -> Path | None:
    """``source``, else ``$RNNCOURSE_IMDB``, as an existing path; None if neither is set."""
    source = source if source is not None else os.environ.get("RNNCOURSE_IMDB") or None
    if source is None:
        return None
    path = Path(source).expanduser()
    if not path.exists():
        raise ImdbDataError(
            f"IMDB source {path} does not exist. Expected a .tar.gz archive or an extracted aclImdb"
            " folder: fix the path (argument, --from or RNNCOURSE_IMDB), or unset RNNCOURSE_IMDB"
            " to use the cache."
        )
    return path


def _find_folder(path: Path) -> Path:
    return path / "aclImdb" if (path / "aclImdb").is_dir() else path


def _marker(folder: Path) -> str | None:
    marker = folder / MARKER
    return marker.read_text(encoding="utf-8").strip() if marker.is_file() else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
