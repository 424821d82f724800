"""Tests for rnncourse/data.py: the IMDB loader, on small archives built here (no network)."""

import functools
import gzip
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from rnncourse import cli, data

PER_FOLDER = 3  # reviews per labeled folder in the small test datasets
SHARED_ARCHIVE = (
    Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "aclImdb_v1_labeled.tar.gz"
)
# Read before the fixture below removes it: the archive that `make` and CI name for the tests
# (CI sets it to the official archive that `python -m rnncourse fetch-data` downloaded).
IMDB_SOURCE = os.environ.get("RNNCOURSE_IMDB")
FLIPS = 200  # single-bit flips tried on a small archive


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache in tmp_path, no RNNCOURSE_IMDB, and small folders."""
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RNNCOURSE_IMDB", raising=False)
    monkeypatch.setattr(data, "REVIEWS_PER_FOLDER", PER_FOLDER)
    return tmp_path / "cache"


def make_tree(root: Path, counts: dict[str, int] | None = None, readme: str = "IMDB",
              note: str = "") -> Path:
    """Write ``root/aclImdb`` like the official dataset, with ``counts[folder]`` reviews, each
    ending with ``note``."""
    counts = {name: PER_FOLDER for name in data.LABELED_FOLDERS} | (counts or {})
    folder = root / "aclImdb"
    for name, count in counts.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        for i in range(count):
            text = f"{name} review {i}.<br /><br />Café, naïve — fine.{note}"
            (folder / name / f"{i}_{7 if 'pos' in name else 2}.txt").write_text(text, "utf-8")
    (folder / "README").write_text(readme)
    (folder / "imdb.vocab").write_text("the\nand\n")
    for name in data.LABELED_FOLDERS:  # movie i // 2 + 1 for review i: two reviews a movie
        split, kind = name.split("/")
        urls = [f"http://www.imdb.com/title/tt{i // 2 + 1:07d}/usercomments"
                for i in range(PER_FOLDER)]
        (folder / split / f"urls_{kind}.txt").write_text("\n".join(urls) + "\n")
    (folder / "train" / "unsup").mkdir(parents=True, exist_ok=True)
    (folder / "train" / "unsup" / "0_0.txt").write_text("unlabeled")
    return folder


def make_archive(tmp_path: Path, counts=None, extra=(), name="imdb.tar.gz", readme="IMDB",
                 note="", edit=None) -> Path:
    """A .tar.gz of ``make_tree``, changed by ``edit(folder)`` if given, with the members
    ``extra`` appended at the end: each a TarInfo (b"evil" if a file) or (TarInfo, payload)."""
    tree = make_tree(tmp_path / f"tree-{name}", counts, readme, note)
    if edit is not None:
        edit(tree)
    archive = tmp_path / name
    # The same bytes on every run (no file times, owners or gzip time), so that tests which
    # damage chosen bytes of it damage the same data each time.
    with open(archive, "wb") as raw, \
            gzip.GzipFile(name.removesuffix(".gz"), "wb", fileobj=raw, mtime=0) as packed, \
            tarfile.open(fileobj=packed, mode="w") as tar:
        tar.add(tree, arcname="aclImdb", filter=fixed_metadata)
        for member in extra:
            member, payload = member if isinstance(member, tuple) else \
                (member, b"evil" if member.isfile() else b"")
            member.size = len(payload)
            tar.addfile(member, io.BytesIO(payload) if payload else None)
    return archive


def fixed_metadata(member: tarfile.TarInfo) -> tarfile.TarInfo:
    member.mtime, member.uid, member.gid, member.uname, member.gname = 0, 0, 0, "", ""
    return member


def review(name: str, payload: bytes) -> tuple[tarfile.TarInfo, bytes]:
    return tarfile.TarInfo(name), payload


def first_review(folder: Path) -> Path:
    return folder / "train" / "pos" / "0_7.txt"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_small_dataset(splits):
    for (texts, labels), split in zip(splits, ("train", "test")):
        assert len(texts) == len(labels) == 2 * PER_FOLDER
        assert labels.dtype.kind == "i" and labels.sum() == PER_FOLDER
        for text, label in zip(texts, labels):
            assert text.startswith(f"{split}/{'pos' if label else 'neg'} review ")
            assert "<br /><br />Café, naïve — fine." in text  # raw text, read as UTF-8


def assert_nothing_written(cache: Path):
    assert not cache.exists() or list(cache.iterdir()) == []


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    assert data.data_dir() == tmp_path / "cache"
    monkeypatch.delenv("RNNCOURSE_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data.data_dir() == tmp_path / "xdg" / "rnncourse"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data.data_dir() == tmp_path / "home" / ".cache" / "rnncourse"


def test_data_dir_that_is_a_file_is_reported(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path / "file"))
    with pytest.raises(data.ImdbDataError, match="is a file, not a folder: set RNNCOURSE_DATA_DIR"):
        data.load_imdb(make_archive(tmp_path))


def test_load_from_a_local_archive(tmp_path, cache):
    splits = data.load_imdb(make_archive(tmp_path))
    assert_small_dataset(splits)
    assert (cache / "aclImdb" / "README").is_file()
    assert (cache / "aclImdb" / "imdb.vocab").is_file()
    assert not (cache / "aclImdb" / "train" / "unsup").exists()  # only the labeled part
    assert (cache / "aclImdb" / "train" / "urls_pos.txt").is_file()  # the movie of each review
    version = data._version_in_use(cache)  # the cache is a link to the version in use
    assert sorted(p.name for p in cache.iterdir()) == sorted([version, "aclImdb"])
    assert (cache / "aclImdb").resolve() == (cache / version / "aclImdb").resolve()


def test_extraction_writes_only_the_checked_plain_files(tmp_path, cache):
    data.fetch_imdb(make_archive(tmp_path))
    version = (cache / "aclImdb").resolve()
    written = {path.relative_to(version).as_posix(): path for path in version.rglob("*")}
    reviews = {f"{name}/{i}_{7 if 'pos' in name else 2}.txt" for name in data.LABELED_FOLDERS
               for i in range(PER_FOLDER)}
    files = {name for name, path in written.items() if not path.is_dir()}
    assert files == reviews | {"README", "imdb.vocab", *data.MOVIE_LISTS, data.MARKER}
    assert all(path.is_file() and not path.is_symlink() for path in written.values()
               if not path.is_dir())


@pytest.mark.parametrize("where", ["aclImdb", "parent"])
def test_load_from_a_folder_in_place(tmp_path, cache, where):
    folder = make_tree(tmp_path / "data")
    assert_small_dataset(data.load_imdb(folder if where == "aclImdb" else folder.parent))
    assert not cache.exists()  # a folder is read where it is


def test_rnncourse_imdb_variable_is_the_default_source(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_IMDB", str(make_archive(tmp_path)))
    assert_small_dataset(data.load_imdb())


def test_shuffle_is_a_reproducible_permutation(tmp_path):
    archive = make_archive(tmp_path)
    (train_texts, train_labels), _ = data.load_imdb(archive, seed=0)
    again_texts, again_labels = data.load_imdb(archive, seed=0)[0]
    other_texts, _ = data.load_imdb(archive, seed=1)[0]
    assert again_texts == train_texts and np.array_equal(again_labels, train_labels)
    assert other_texts != train_texts
    (sorted_texts, sorted_labels), _ = data.load_imdb(archive, seed=None)
    assert sorted(train_texts) == sorted(sorted_texts)  # nothing lost, nothing repeated
    assert train_labels.sum() == sorted_labels.sum() == PER_FOLDER
    labels_by_text = dict(zip(sorted_texts, sorted_labels))
    assert all(labels_by_text[text] == label for text, label in zip(train_texts, train_labels))


def test_seed_none_gives_the_sorted_order(tmp_path):
    (texts, labels), _ = data.load_imdb(make_archive(tmp_path), seed=None)
    assert labels.tolist() == [0] * PER_FOLDER + [1] * PER_FOLDER
    assert [text.split(".")[0] for text in texts[:PER_FOLDER]] == [
        f"train/neg review {i}" for i in range(PER_FOLDER)
    ]


def test_second_call_does_not_extract_again(tmp_path, monkeypatch):
    archive = make_archive(tmp_path)
    folder = data.fetch_imdb(archive)

    def fail(*args, **kwargs):
        raise AssertionError("the archive was opened again")

    with monkeypatch.context() as patch:
        patch.setattr(tarfile, "open", fail)
        assert data.fetch_imdb(archive) == folder
        assert data.describe_imdb(archive).startswith(f"{4 * PER_FOLDER} reviews in {folder}")
    (folder / "sentinel").write_text("")
    assert data.fetch_imdb(archive, force=True) == folder
    assert not (folder / "sentinel").exists()  # force extracts again


def test_another_archive_replaces_the_cached_data(tmp_path):
    data.fetch_imdb(make_archive(tmp_path, name="first.tar.gz"))
    second = make_archive(tmp_path, name="second.tar.gz", readme="second")
    folder = data.fetch_imdb(second)
    assert (folder / "README").read_text() == "second"
    assert (folder / data.MARKER).read_text().split() == ["archive-sha256", sha256(second)]


def test_download_with_keras_from_a_file_url(tmp_path, cache):
    archive = make_archive(tmp_path)
    folder = data.fetch_imdb(url=archive.as_uri(), sha256=sha256(archive))
    assert folder == cache / "aclImdb"
    assert sha256(cache / data.ARCHIVE_NAME) == sha256(archive)
    assert not list(cache.glob(".aclImdb-download-*"))  # renamed into place
    assert_small_dataset(data.load_imdb())  # now from the cache, without a URL
    folder.unlink()  # the link: the kept archive is reused, no second download
    cached_archive = cache / data.ARCHIVE_NAME
    expected = f"archive {cached_archive}, not extracted yet (load_imdb() does it)"
    assert data.describe_imdb() == expected
    missing = (tmp_path / "missing.tar.gz").as_uri()
    assert data.fetch_imdb(url=missing, sha256=sha256(archive)) == folder


def test_checksum_mismatch_deletes_the_download(tmp_path, cache):
    archive = make_archive(tmp_path)
    with pytest.raises(data.ImdbDataError, match="corrupted or truncated") as error:
        data.fetch_imdb(url=archive.as_uri(), sha256="0" * 64)
    assert "0" * 64 in str(error.value) and sha256(archive) in str(error.value)
    assert "retry" in str(error.value)
    assert not (cache / data.ARCHIVE_NAME).exists()
    assert not (cache / "aclImdb").exists()
    assert not list(cache.glob(".aclImdb-download-*"))


def test_unreachable_url_says_how_to_work_offline(tmp_path, cache):
    url = (tmp_path / "missing.tar.gz").as_uri()
    with pytest.raises(data.ImdbDataError) as error:
        data.fetch_imdb(url=url)
    message = str(error.value)
    assert url in message and "internet connection" in message
    assert "fetch-data --from" in message and "RNNCOURSE_IMDB" in message
    assert not (cache / data.ARCHIVE_NAME).exists()
    assert not list(cache.glob(".aclImdb-*"))


def test_a_failed_refresh_keeps_the_good_copy(tmp_path, cache, monkeypatch, capsys):
    """`fetch-data --force` offline, or with a bad download, must not lose the verified data."""
    archive = make_archive(tmp_path)
    good = sha256(archive)
    data.fetch_imdb(url=archive.as_uri(), sha256=good)
    offline = (tmp_path / "missing.tar.gz").as_uri()
    with pytest.raises(data.ImdbDataError, match="Could not download") as error:
        data.fetch_imdb(force=True, url=offline, sha256=good)
    assert "The data already in the cache is untouched." in str(error.value)
    other = make_archive(tmp_path, name="other.tar.gz", readme="other")
    with pytest.raises(data.ImdbDataError, match="corrupted or truncated"):
        data.fetch_imdb(force=True, url=other.as_uri(), sha256=good)
    monkeypatch.setattr(data, "fetch_imdb", functools.partial(data.fetch_imdb, url=offline,
                                                              sha256=good))
    assert cli.main(["fetch-data", "--force"]) == 1
    assert "Could not download" in capsys.readouterr().err
    assert sha256(cache / data.ARCHIVE_NAME) == good  # the archive, unchanged
    assert not list(cache.glob(".aclImdb-download-*"))
    assert_small_dataset(data.load_imdb())  # and the extracted data


@pytest.mark.parametrize("damage", ["truncated", "not an archive", "empty file"])
def test_damaged_archive_is_reported_and_nothing_kept(tmp_path, cache, damage):
    archive = make_archive(tmp_path)
    content = archive.read_bytes()
    broken = {"truncated": content[: len(content) // 2], "not an archive": b"<html>",
              "empty file": b""}
    archive.write_bytes(broken[damage])
    with pytest.raises(data.ImdbDataError, match="truncated or corrupted") as error:
        data.fetch_imdb(archive)
    assert str(archive) in str(error.value)
    assert_nothing_written(cache)


def gzip_trailer(content: bytes, crc: int | None = None, size: int | None = None) -> bytes:
    """``content`` (one gzip member) with its trailer's CRC-32 and length replaced."""
    old_crc, old_size = np.frombuffer(content[-8:], dtype="<u4")
    new = np.array([old_crc if crc is None else crc, old_size if size is None else size], "<u4")
    return content[:-8] + new.tobytes()


@pytest.mark.parametrize("damage", ["no trailer", "half a trailer", "wrong CRC", "wrong length",
                                    "garbage after the end"])
def test_the_gzip_trailer_is_checked(tmp_path, cache, damage):
    """tarfile stops at the end-of-archive blocks: the archive must be read to its very end."""
    archive = make_archive(tmp_path)
    content = archive.read_bytes()
    crc, size = np.frombuffer(content[-8:], dtype="<u4")
    broken = {"no trailer": content[:-8], "half a trailer": content[:-4],
              "wrong CRC": gzip_trailer(content, crc=int(crc) ^ 1),
              "wrong length": gzip_trailer(content, size=int(size) + 512),
              "garbage after the end": content + b"garbage"}
    archive.write_bytes(broken[damage])
    with pytest.raises(data.ImdbDataError, match="Could not read the archive"):
        data.load_imdb(archive)
    assert_nothing_written(cache)


def gzip_header_size(content: bytes) -> int:
    """The gzip header's bytes: 10, then the file name that tarfile writes (flag FNAME)."""
    assert content[3] == gzip.FNAME
    return content.index(b"\0", 10) + 1


def test_single_bit_flips_are_rejected_unless_they_change_nothing(tmp_path, monkeypatch):
    """FLIPS flips: the whole gzip header and trailer, and random bytes of the compressed body.

    The CRC-32 and length in the trailer cover every byte of the payload, so a flip there is
    refused. The flips accepted are in header fields that decompressors ignore (time, OS,
    name, text flag), or rare ones in the compressed body that decode to the very same bytes
    (the unused bits after the final block, a code for a symbol never used): the data is the same.
    """
    archive = make_archive(tmp_path)
    content, expected = archive.read_bytes(), data.load_imdb(archive, seed=None)
    header, trailer = gzip_header_size(content), len(content) - 8
    rng = np.random.default_rng(0)
    body = rng.choice(np.arange(header, trailer), FLIPS - header - 8, replace=False)
    positions = [*range(header), *sorted(body.tolist()), *range(trailer, len(content))]
    flipped, accepted = tmp_path / "flipped.tar.gz", []
    for number, position in enumerate(positions):
        damaged = bytearray(content)
        damaged[position] ^= 1 << int(rng.integers(8))
        flipped.write_bytes(damaged)
        monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path / f"cache-{number}"))
        try:
            splits = data.load_imdb(flipped, seed=None)
        except data.ImdbDataError:
            continue
        assert all(texts == expected_texts and np.array_equal(labels, expected_labels)
                   for (texts, labels), (expected_texts, expected_labels)
                   in zip(splits, expected)), f"a flip at byte {position} changed the data"
        accepted.append(position)
    assert len(positions) == FLIPS
    in_body = [position for position in accepted if header <= position < trailer]
    assert len(in_body) <= 0.05 * len(body), in_body  # flips that decode to the same bytes
    print(f"{FLIPS} flips tried, {FLIPS - len(accepted)} rejected; accepted, the data unchanged:"
          f" bytes {accepted} (gzip header: bytes 0-{header - 1}, trailer: {trailer}-)")


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"test/neg": PER_FOLDER - 1}, r"test/neg holds 2 reviews \(\*\.txt\), expected 3"),
        ({"train/pos": PER_FOLDER + 1}, r"train/pos holds (4|more than 3) reviews \(\*\.txt\)"),
    ],
)
def test_wrong_count_is_reported(tmp_path, cache, counts, expected):
    with pytest.raises(data.ImdbDataError, match=expected) as error:
        data.fetch_imdb(make_archive(tmp_path, counts))
    assert "fetch-data" in str(error.value)
    assert_nothing_written(cache)  # found while reading, before writing
    with pytest.raises(data.ImdbDataError, match=expected):
        data.load_imdb(make_tree(tmp_path / "folder", counts))


def test_too_many_files_are_refused_before_any_is_written(tmp_path, cache, monkeypatch):
    with pytest.raises(data.ImdbDataError, match="train/pos holds more than 3 reviews"):
        data.fetch_imdb(make_archive(tmp_path, {"train/pos": 2_000}))
    assert_nothing_written(cache)
    monkeypatch.setattr(data, "MAX_MEMBERS", 20)  # unsup/ and feature files count too
    with pytest.raises(data.ImdbDataError, match="more than 20 files"):
        data.fetch_imdb(make_archive(tmp_path, extra=[review(f"aclImdb/train/unsup/{i}_0.txt",
                                                             b"x") for i in range(20)]))
    assert_nothing_written(cache)


def test_oversized_members_are_refused_before_reading_them(tmp_path, cache, monkeypatch):
    big = review("aclImdb/train/pos/9_9.txt", b"a" * (data.MAX_REVIEW_BYTES + 1))
    with pytest.raises(data.ImdbDataError, match="9_9.txt' has 1,048,577 bytes, more than any"):
        data.fetch_imdb(make_archive(tmp_path, extra=[big]))
    claim = tarfile.TarInfo("aclImdb/train/pos/0_7.txt")
    claim.size = 3 << 29  # a header alone: reading its data would fail with another message
    archive = tmp_path / "claim.tar.gz"
    archive.write_bytes(gzip.compress(claim.tobuf() + bytes(2 * tarfile.BLOCKSIZE)))
    with pytest.raises(data.ImdbDataError, match="has 1,610,612,736 bytes"):
        data.fetch_imdb(archive)
    monkeypatch.setattr(data, "MAX_UNPACKED_BYTES", 100_000)  # skipped members count too
    unsup = review("aclImdb/train/unsupBow.feat", bytes(200_000))
    with pytest.raises(data.ImdbDataError, match="unpacks to more than .* 100,000 bytes"):
        data.fetch_imdb(make_archive(tmp_path, extra=[unsup]))
    assert_nothing_written(cache)


def test_long_duplicate_or_odd_member_names_are_refused(tmp_path, cache):
    long_name = review(f"aclImdb/train/pos/{'9' * 296}.txt", b"long")
    with pytest.raises(data.UnsafeArchiveError, match="is not named like a review"):
        data.fetch_imdb(make_archive(tmp_path, extra=[long_name]))
    twice = review("aclImdb/test/neg/0_2.txt", b"again")
    with pytest.raises(data.UnsafeArchiveError, match="0_2.txt' is in the archive twice"):
        data.fetch_imdb(make_archive(tmp_path, extra=[twice]))
    assert_nothing_written(cache)
    skipped = review(f"aclImdb/train/unsup/{'9' * 296}.txt", b"not extracted")
    assert_small_dataset(data.load_imdb(make_archive(tmp_path, extra=[skipped])))


BAD_REVIEWS = {"not UTF-8": (b"caf\xe9 (Latin-1)", "is not UTF-8 text .byte 0xe9 at position 3"),
               "zero bytes": (b"", "is empty"), "blank": (b" \n\t", "is empty")}


@pytest.mark.parametrize("kind", BAD_REVIEWS)
@pytest.mark.parametrize("route", ["archive", "folder in place", "folder import"])
def test_a_bad_review_is_refused_naming_its_file(tmp_path, cache, kind, route):
    content, message = BAD_REVIEWS[kind]
    if route == "archive":
        source = make_archive(tmp_path, edit=lambda tree: first_review(tree).write_bytes(content))
        where = f"{source}: member 'aclImdb/train/pos/0_7.txt'"
    else:
        source = make_tree(tmp_path / "data")
        first_review(source).write_bytes(content)
        where = str(first_review(source))
    with pytest.raises(data.ImdbDataError, match=message) as error:
        data.import_imdb(source) if route == "folder import" else data.load_imdb(source)
    assert str(error.value).startswith(f"{where} ") and "fetch-data" in str(error.value)
    assert_nothing_written(cache)


def test_missing_folder_is_reported(tmp_path):
    folder = make_tree(tmp_path / "data")
    for path in (folder / "test" / "pos").iterdir():
        path.unlink()
    (folder / "test" / "pos").rmdir()
    with pytest.raises(data.ImdbDataError, match=r"test/pos is missing.*fetch-data"):
        data.fetch_imdb(folder)


def unsafe_member(kind: str, outside: Path) -> tarfile.TarInfo:
    names = {"absolute": str(outside / "evil.txt"), "dotdot": "aclImdb/../../evil.txt"}
    member = tarfile.TarInfo(names.get(kind, "aclImdb/train/pos/evil.txt"))
    member.type = {"symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
                   "device": tarfile.CHRTYPE, "fifo": tarfile.FIFOTYPE}.get(kind, tarfile.REGTYPE)
    member.linkname = str(outside / "target") if kind == "symlink" else "aclImdb/README"
    return member


@pytest.mark.parametrize("kind", ["absolute", "dotdot", "symlink", "hardlink", "device", "fifo"])
def test_unsafe_archive_is_refused_before_writing(tmp_path, cache, kind):
    outside = tmp_path / "outside"
    member = unsafe_member(kind, outside)
    archive = make_archive(tmp_path, extra=[member])
    with pytest.raises(data.UnsafeArchiveError, match=f"member {member.name!r}"):
        data.fetch_imdb(archive)
    assert not outside.exists()
    assert not [path for path in tmp_path.rglob("evil*")]
    assert not cache.exists()  # nothing written at all


@pytest.mark.parametrize("link", ["a review", "a labeled folder", "the README"])
def test_links_in_a_folder_source_are_refused(tmp_path, cache, link):
    """A folder source must not lead out of the dataset (nor copy what is outside into it)."""
    folder, secret = make_tree(tmp_path / "data"), tmp_path / "secret"
    secret.mkdir()
    (secret / "0_7.txt").write_text("secret review")
    (secret / "README").write_text("secret")
    path = {"a review": first_review(folder), "a labeled folder": folder / "test" / "neg",
            "the README": folder / "README"}[link]
    target = secret / path.name if link != "a labeled folder" else secret
    if path.is_dir():
        for review_path in path.iterdir():
            review_path.unlink()
        path.rmdir()
    else:
        path.unlink()
    path.symlink_to(target)
    with pytest.raises(data.ImdbDataError, match="symbolic link"):
        data.import_imdb(folder)
    assert_nothing_written(cache)
    if link != "the README":  # the README is not read in place
        with pytest.raises(data.ImdbDataError, match="symbolic link"):
            data.load_imdb(folder)


def test_a_folder_named_like_a_review_is_refused(tmp_path):
    folder = make_tree(tmp_path / "data")
    first_review(folder).unlink()
    first_review(folder).mkdir()
    with pytest.raises(data.ImdbDataError, match="0_7.txt is a folder, not a review file"):
        data.load_imdb(folder)


def test_an_archive_named_like_a_known_one_must_have_its_checksum(tmp_path, cache):
    repack = make_archive(tmp_path)
    official = repack.rename(tmp_path / data.ARCHIVE_NAME)
    with pytest.raises(data.ImdbDataError, match=f"not {data.IMDB_SHA256}.*another name"):
        data.load_imdb(official)
    assert_nothing_written(cache)
    assert_small_dataset(data.load_imdb(official.rename(tmp_path / "my-repack.tar.gz")))


def test_describe_imdb_without_downloading(tmp_path, cache):
    assert data.describe_imdb() is None
    archive = make_archive(tmp_path)
    assert data.describe_imdb(archive).startswith(f"archive {archive}, not extracted yet")
    assert data.describe_imdb(archive, thorough=True).startswith(f"archive {archive}, not")
    assert not cache.exists()
    data.fetch_imdb(archive)
    assert data.describe_imdb() == f"{4 * PER_FOLDER} reviews in {cache / 'aclImdb'}"
    assert data.describe_imdb(thorough=True) == data.describe_imdb()
    (cache / "aclImdb" / "train" / "pos" / "0_7.txt").unlink()
    with pytest.raises(data.ImdbDataError, match="train/pos holds 2 reviews"):
        data.describe_imdb()


def test_missing_source_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_IMDB", str(tmp_path / "nowhere"))
    with pytest.raises(data.ImdbDataError, match="does not exist.*RNNCOURSE_IMDB"):
        data.load_imdb()


def test_import_a_folder_into_the_cache(tmp_path, cache):
    folder = make_tree(tmp_path / "data")
    cached = data.import_imdb(folder.parent)
    assert cached == cache / "aclImdb" and not (cached / "train" / "unsup").exists()
    assert (cached / "README").read_text() == "IMDB"
    assert_small_dataset(data.load_imdb())


def test_a_cache_made_by_rnncourse_0_2_is_used_then_replaced(tmp_path, cache):
    """rnncourse 0.2 kept a plain ``aclImdb`` folder in the cache, not a link to a version."""
    archive = make_archive(tmp_path)
    plain = make_tree(cache)
    (plain / data.MARKER).write_text(f"archive-sha256 {sha256(archive)}\n")
    assert_small_dataset(data.load_imdb())  # used as it is
    assert data.fetch_imdb(archive) == plain and not plain.is_symlink()  # not extracted again
    data.fetch_imdb(archive, force=True)
    assert plain.is_symlink() and data._version_in_use(cache).startswith(".aclImdb-")
    assert len(list(cache.glob(".aclImdb-*"))) == 2  # the old folder, kept a while
    assert_small_dataset(data.load_imdb())


def stale(path: Path) -> None:
    """Make ``path`` look untouched for longer than data.STALE_SECONDS."""
    then = time.time() - data.STALE_SECONDS - 60
    os.utime(path, (then, then))


def test_leftovers_are_removed_once_stale(tmp_path, cache):
    data.import_imdb(make_archive(tmp_path, name="a.tar.gz"))
    dead, running = cache / ".aclImdb-killed", cache / ".aclImdb-running"
    for leftover in (dead, running):
        (leftover / "aclImdb" / "train").mkdir(parents=True)
    (cache / ".aclImdb-download-x.tar.gz").write_bytes(b"half a download")
    stale(dead), stale(cache / ".aclImdb-download-x.tar.gz")
    stale(cache / data._version_in_use(cache))  # in use: kept however old
    data.import_imdb(make_archive(tmp_path, name="b.tar.gz", readme="b"))
    left = sorted(path.name for path in cache.iterdir())
    assert ".aclImdb-killed" not in left and ".aclImdb-download-x.tar.gz" not in left
    assert ".aclImdb-running" in left  # could be an import still running
    assert len([name for name in left if name.startswith(".aclImdb-")]) == 3  # + old, new
    assert (cache / "aclImdb" / "README").read_text() == "b"


KILLED_IMPORT = """
import sys, time
from pathlib import Path
from rnncourse import data

archive, per_folder, started = sys.argv[1:]
data.REVIEWS_PER_FOLDER, write = int(per_folder), data._write

def slow_write(path, content):
    write(path, content)
    if path.suffix == ".txt":
        Path(started).touch()  # reviews are being written: the test kills this process now
        time.sleep(0.1)

data._write = slow_write
data.import_imdb(archive, force=True)
"""


def test_an_import_killed_midway_keeps_the_old_data(tmp_path, cache):
    data.import_imdb(make_archive(tmp_path, name="old.tar.gz", note=" old"))
    new, started = make_archive(tmp_path, name="new.tar.gz", note=" new"), tmp_path / "started"
    process = subprocess.Popen([sys.executable, "-c", KILLED_IMPORT, str(new), str(PER_FOLDER),
                                str(started)])
    deadline = time.monotonic() + 60
    while not started.exists():
        assert process.poll() is None and time.monotonic() < deadline, "it never started"
        time.sleep(0.01)
    process.kill()
    assert process.wait(timeout=60) != 0
    (texts, _), _ = data.load_imdb(seed=None)
    assert all(text.endswith(" old") for text in texts)  # the old data, complete
    in_use = data._version_in_use(cache)
    [leftover] = [path for path in cache.glob(".aclImdb-*") if path.name != in_use]
    assert 0 < len(list(leftover.rglob("*.txt"))) < 4 * PER_FOLDER  # killed halfway
    stale(leftover)
    assert data.fetch_imdb() == cache / "aclImdb"  # the next use removes it
    assert not leftover.exists()


def test_readers_never_find_no_data_while_imports_replace_it(tmp_path, cache, monkeypatch):
    """Two reader threads load the cache while it is replaced 20 times (`fetch-data --from
    ... --force`): each read sees the old or the new data, complete, and never downloads."""
    archives = [make_archive(tmp_path, name=f"{note}.tar.gz", note=f" {note}")
                for note in ("A", "B")]
    data.import_imdb(archives[0])

    def no_download(*args, **kwargs):
        raise AssertionError("a reader started a download")

    monkeypatch.setattr(data, "_download", no_download)
    errors, reads, done = [], [], threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                assert data.describe_imdb() is not None and data.fetch_imdb()
                (train_texts, _), (test_texts, _) = data.load_imdb(seed=None)
                notes = {text.rsplit(" ", 1)[-1] for text in train_texts + test_texts}
                assert notes in ({"A"}, {"B"}) and len(train_texts) == 2 * PER_FOLDER, notes
                reads.append(notes.pop())
            except Exception as err:  # noqa: BLE001 - reported by the main thread
                errors.append(err)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    for number in range(20):
        data.import_imdb(archives[(number + 1) % 2], force=True)
        before, deadline = len(reads), time.monotonic() + 10
        while len(reads) == before and not errors and time.monotonic() < deadline:
            time.sleep(0.001)  # a reader is busy with the new version before the next import
    done.set()
    for reader in readers:
        reader.join(timeout=60)
    assert not errors, errors[:3]
    assert len(reads) >= 10 and set(reads) == {"A", "B"}


def offline(url: str, cache: Path) -> Path:
    raise data.ImdbDataError(f"Could not download {url} (offline)")


@pytest.mark.parametrize("setup", ["text file", "truncated archive", "truncated download",
                                   "bad review in a folder", "FIFO"])
def test_doctor_fails_wherever_load_imdb_would(tmp_path, cache, monkeypatch, setup):
    archive = make_archive(tmp_path)
    truncated = archive.read_bytes()[:-100]
    if setup == "truncated download":
        cache.mkdir()
        (cache / data.ARCHIVE_NAME).write_bytes(truncated)
        monkeypatch.setattr(data, "_fetch", offline)
    else:
        source = tmp_path / "source"
        if setup == "text file":
            source.write_text("not an archive\n")
        elif setup == "truncated archive":
            source.write_bytes(truncated)
        elif setup == "FIFO":
            os.mkfifo(source)
        else:
            source = make_tree(tmp_path / "data")
            first_review(source).write_bytes(b"\xff\xfe")
        monkeypatch.setenv("RNNCOURSE_IMDB", str(source))
    passed, found, fix = cli._check_imdb()
    assert not passed and found.startswith("IMDB data: ") and fix
    with pytest.raises(data.ImdbDataError):
        data.load_imdb()


def test_doctor_passes_an_intact_archive_not_extracted_yet(tmp_path, monkeypatch):
    monkeypatch.setenv("RNNCOURSE_IMDB", str(make_archive(tmp_path)))
    passed, found, fix = cli._check_imdb()
    assert passed and "not extracted yet" in found


def real_archive() -> Path | None:
    """The real IMDB data, checksummed: ../shared's labeled archive (against its SHA256SUMS),
    else the archive RNNCOURSE_IMDB names if it is the official one (against IMDB_SHA256)."""
    if SHARED_ARCHIVE.is_file():
        sums = dict(line.split()[::-1] for line in (SHARED_ARCHIVE.parent / "SHA256SUMS").open())
        assert sha256(SHARED_ARCHIVE) == sums[SHARED_ARCHIVE.name] == data.LABELED_SHA256
        assert data.KNOWN_ARCHIVES[SHARED_ARCHIVE.name] == data.LABELED_SHA256
        return SHARED_ARCHIVE
    named = Path(IMDB_SOURCE).expanduser() if IMDB_SOURCE else None
    if named is not None and named.is_file():
        assert sha256(named) == data.IMDB_SHA256, \
            f"RNNCOURSE_IMDB={named} is not the official archive ({data.IMDB_URL})"
        return named
    return None


def test_real_imdb_archive(monkeypatch, tmp_path):
    """The real reviews, from ../shared/datasets (28 MB, labeled only) or the official archive
    (84 MB) that RNNCOURSE_IMDB names: 25,000 + 25,000 balanced reviews, read to the end."""
    archive = real_archive()
    if archive is None:
        where = f"{SHARED_ARCHIVE}, nor RNNCOURSE_IMDB naming the official archive" \
            " (python -m rnncourse fetch-data downloads it into the cache)"
        if os.environ.get("CI"):
            pytest.fail(f"neither {where}; CI needs one of them")
        pytest.skip(f"neither {where}")
    monkeypatch.setattr(data, "REVIEWS_PER_FOLDER", 12_500)
    for texts, labels in data.load_imdb(archive):
        assert len(texts) == len(labels) == 25_000
        assert labels.sum() == 12_500 and 400 < labels[:1000].sum() < 600  # shuffled
        assert all(text.strip() for text in texts)
        assert max(len(text.encode()) for text in texts) < data.MAX_REVIEW_BYTES / 50


def test_movies_follow_their_reviews_through_the_shuffle(tmp_path):
    archive = make_archive(tmp_path)
    (texts, labels, movies), (test_texts, _, test_movies) = data.load_imdb(archive, movies=True)
    assert movies.shape == labels.shape and test_movies.shape == (len(test_texts),)
    for review, movie in zip(texts, movies):  # review i of a folder is movie i // 2 + 1
        number = int(review.split(" review ")[1].split(".")[0])
        assert movie == f"tt{number // 2 + 1:07d}"
    (same_texts, same_labels), _ = data.load_imdb(archive)
    assert same_texts == texts and np.array_equal(same_labels, labels)  # the same order


@pytest.mark.parametrize(("damage", "expected"), [
    (lambda urls: urls.write_text(urls.read_text() + "http://www.imdb.com/title/tt1/usercomments"),
     r"urls_pos.txt'? has 4 lines, expected one per review \(3\)"),
    (lambda urls: urls.write_text(urls.read_text().replace("imdb.com/title", "example.com", 1)),
     r"urls_pos.txt'?, line 1: .* is not an IMDB movie URL"),
    (lambda urls: urls.unlink(), r"urls_pos.txt is missing .* the validation split needs"),
])
def test_a_damaged_movie_list_is_refused(tmp_path, cache, damage, expected):
    archive = make_archive(tmp_path, edit=lambda tree: damage(tree / "train" / "urls_pos.txt"))
    with pytest.raises(data.ImdbDataError, match=expected):
        data.load_imdb(archive)
    assert not (cache / "aclImdb").exists()  # nothing half-made is left in use


def test_a_cache_without_movie_lists_is_extracted_again(tmp_path, cache):
    """rnncourse 0.2 extracted no urls_*.txt: the same archive is extracted once more."""
    archive = make_archive(tmp_path)
    data.fetch_imdb(archive)
    for name in data.MOVIE_LISTS:
        (cache / "aclImdb" / name).unlink()
    _, movies = data.load_imdb(archive, movies=True)[0][1:]  # extracted again, movies read
    assert all((cache / "aclImdb" / name).is_file() for name in data.MOVIE_LISTS)
    assert movies[0].startswith("tt")
