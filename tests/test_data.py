"""Tests for rnncourse/data.py: the IMDB loader, on small archives built here (no network)."""

import hashlib
import io
import os
import shutil
import tarfile
from pathlib import Path

import numpy as np
import pytest

from rnncourse import data

PER_FOLDER = 3  # reviews per labeled folder in the small test datasets
SHARED_ARCHIVE = (
    Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "aclImdb_v1_labeled.tar.gz"
)
# Read before the fixture below removes it: the archive that `make` and CI name for the tests
# (CI sets it to the official archive that `python -m rnncourse fetch-data` downloaded).
IMDB_SOURCE = os.environ.get("RNNCOURSE_IMDB")


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache in tmp_path, no RNNCOURSE_IMDB, and small folders."""
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RNNCOURSE_IMDB", raising=False)
    monkeypatch.setattr(data, "REVIEWS_PER_FOLDER", PER_FOLDER)
    return tmp_path / "cache"


def make_tree(root: Path, counts: dict[str, int] | None = None, readme: str = "IMDB") -> Path:
    """Write ``root/aclImdb`` like the official dataset, with ``counts[folder]`` reviews."""
    counts = {name: PER_FOLDER for name in data.LABELED_FOLDERS} | (counts or {})
    folder = root / "aclImdb"
    for name, count in counts.items():
        (folder / name).mkdir(parents=True, exist_ok=True)
        for i in range(count):
            text = f"{name} review {i}.<br /><br />Café, naïve — fine."
            (folder / name / f"{i}_{7 if 'pos' in name else 2}.txt").write_text(text, "utf-8")
    (folder / "README").write_text(readme)
    (folder / "imdb.vocab").write_text("the\nand\n")
    (folder / "train" / "urls_pos.txt").write_text("http://www.imdb.com/title/tt0453418\n")
    (folder / "train" / "unsup").mkdir(parents=True, exist_ok=True)
    (folder / "train" / "unsup" / "0_0.txt").write_text("unlabeled")
    return folder


def make_archive(tmp_path: Path, counts=None, extra=(), name="imdb.tar.gz", readme="IMDB") -> Path:
    """A .tar.gz of ``make_tree``, with the TarInfo members ``extra`` appended at the end."""
    tree = make_tree(tmp_path / f"tree-{name}", counts, readme)
    archive = tmp_path / name
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tree, arcname="aclImdb")
        for member in extra:
            payload = b"evil" if member.isfile() else b""
            member.size = len(payload)
            tar.addfile(member, io.BytesIO(payload) if payload else None)
    return archive


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_small_dataset(splits):
    for (texts, labels), split in zip(splits, ("train", "test")):
        assert len(texts) == len(labels) == 2 * PER_FOLDER
        assert labels.dtype.kind == "i" and labels.sum() == PER_FOLDER
        for text, label in zip(texts, labels):
            assert text.startswith(f"{split}/{'pos' if label else 'neg'} review ")
            assert "<br /><br />Café, naïve — fine." in text  # raw text, read as UTF-8


def test_data_dir_follows_the_environment(monkeypatch, tmp_path):
    assert data.data_dir() == tmp_path / "cache"
    monkeypatch.delenv("RNNCOURSE_DATA_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert data.data_dir() == tmp_path / "xdg" / "rnncourse"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert data.data_dir() == tmp_path / "home" / ".cache" / "rnncourse"


def test_load_from_a_local_archive(tmp_path, cache):
    splits = data.load_imdb(make_archive(tmp_path))
    assert_small_dataset(splits)
    assert (cache / "aclImdb" / "README").is_file()
    assert (cache / "aclImdb" / "imdb.vocab").is_file()
    assert not (cache / "aclImdb" / "train" / "unsup").exists()  # only the labeled part
    assert not (cache / "aclImdb" / "train" / "urls_pos.txt").exists()
    assert sorted(p.name for p in cache.iterdir()) == ["aclImdb"]  # no temporary folder left


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
    assert_small_dataset(data.load_imdb())  # now from the cache, without a URL
    shutil.rmtree(folder)  # the kept archive is reused: no second download
    cached_archive = cache / data.ARCHIVE_NAME
    expected = f"archive {cached_archive}, not extracted yet (load_imdb() does it)"
    assert data.describe_imdb() == expected
    missing = (tmp_path / "missing.tar.gz").as_uri()
    assert data.fetch_imdb(url=missing, sha256=sha256(archive)) == folder


def test_extraction_also_uses_the_data_filter(tmp_path, monkeypatch):
    filters, extractall = [], tarfile.TarFile.extractall

    def spy(self, *args, **kwargs):
        filters.append(kwargs.get("filter"))
        return extractall(self, *args, **kwargs)

    monkeypatch.setattr(tarfile.TarFile, "extractall", spy)
    data.fetch_imdb(make_archive(tmp_path))
    assert filters == ["data"]


def test_checksum_mismatch_deletes_the_download(tmp_path, cache):
    archive = make_archive(tmp_path)
    with pytest.raises(data.ImdbDataError, match="corrupted or truncated") as error:
        data.fetch_imdb(url=archive.as_uri(), sha256="0" * 64)
    assert "0" * 64 in str(error.value) and sha256(archive) in str(error.value)
    assert "retry" in str(error.value)
    assert not (cache / data.ARCHIVE_NAME).exists()
    assert not (cache / "aclImdb").exists()


def test_unreachable_url_says_how_to_work_offline(tmp_path, cache):
    url = (tmp_path / "missing.tar.gz").as_uri()
    with pytest.raises(data.ImdbDataError) as error:
        data.fetch_imdb(url=url)
    message = str(error.value)
    assert url in message and "internet connection" in message
    assert "fetch-data --from" in message and "RNNCOURSE_IMDB" in message
    assert not (cache / data.ARCHIVE_NAME).exists()


@pytest.mark.parametrize("damage", ["truncated", "not an archive"])
def test_damaged_archive_is_reported_and_nothing_kept(tmp_path, cache, damage):
    archive = make_archive(tmp_path)
    content = archive.read_bytes()
    archive.write_bytes(content[: len(content) // 2] if damage == "truncated" else b"<html>")
    with pytest.raises(data.ImdbDataError, match="truncated or corrupted") as error:
        data.fetch_imdb(archive)
    assert str(archive) in str(error.value)
    assert not cache.exists() or list(cache.iterdir()) == []


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"test/neg": PER_FOLDER - 1}, r"test/neg holds 2 reviews \(\*\.txt\), expected 3"),
        ({"train/pos": PER_FOLDER + 1}, r"train/pos holds 4 reviews \(\*\.txt\), expected 3"),
    ],
)
def test_wrong_count_is_reported(tmp_path, cache, counts, expected):
    with pytest.raises(data.ImdbDataError, match=expected) as error:
        data.fetch_imdb(make_archive(tmp_path, counts))
    assert "fetch-data" in str(error.value)
    assert not cache.exists() or list(cache.iterdir()) == []  # temporary folder removed
    with pytest.raises(data.ImdbDataError, match=expected):
        data.load_imdb(make_tree(tmp_path / "folder", counts))


def test_missing_folder_is_reported(tmp_path):
    folder = make_tree(tmp_path / "data")
    for review in (folder / "test" / "pos").iterdir():
        review.unlink()
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


def test_describe_imdb_without_downloading(tmp_path, cache):
    assert data.describe_imdb() is None
    archive = make_archive(tmp_path)
    assert data.describe_imdb(archive).startswith(f"archive {archive}, not extracted yet")
    assert not cache.exists()
    data.fetch_imdb(archive)
    assert data.describe_imdb() == f"{4 * PER_FOLDER} reviews in {cache / 'aclImdb'}"
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
    assert_small_dataset(data.load_imdb())


def real_archive() -> Path | None:
    """The real IMDB data, checksummed: ../shared's labeled archive (against its SHA256SUMS),
    else the archive RNNCOURSE_IMDB names if it is the official one (against IMDB_SHA256)."""
    if SHARED_ARCHIVE.is_file():
        sums = dict(line.split()[::-1] for line in (SHARED_ARCHIVE.parent / "SHA256SUMS").open())
        assert sha256(SHARED_ARCHIVE) == sums[SHARED_ARCHIVE.name]
        return SHARED_ARCHIVE
    named = Path(IMDB_SOURCE).expanduser() if IMDB_SOURCE else None
    if named is not None and named.is_file():
        assert sha256(named) == data.IMDB_SHA256, \
            f"RNNCOURSE_IMDB={named} is not the official archive ({data.IMDB_URL})"
        return named
    return None


def test_real_imdb_archive(monkeypatch, tmp_path):
    """The real reviews, from ../shared/datasets (28 MB, labeled only) or the official archive
    (84 MB) that RNNCOURSE_IMDB names: 25,000 + 25,000 balanced reviews."""
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
