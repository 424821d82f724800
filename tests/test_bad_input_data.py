"""Bad input and damaged data for rnncourse/data.py and the `fetch-data` and `doctor` commands:
every case fails clearly, with an error that names the argument, the file or the problem.

Each case is one wrong call (tests/bad_input.py classifies it), run in a sandbox of its own: an
empty cache, no RNNCOURSE_IMDB and small folders, so `python tests/bad_input.py` can run the
cases without pytest's fixtures. A command prints its error and returns 1 instead of raising;
`command()` turns that into a ValueError carrying what it printed.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bad_input import Case, classify
from test_data import PER_FOLDER, first_review, make_archive, make_tree, review

from rnncourse import cli, data

SETTINGS = ("RNNCOURSE_DATA_DIR", "RNNCOURSE_IMDB")


@contextlib.contextmanager
def sandbox() -> Iterator[Path]:
    """A temporary folder with an empty cache in it, no RNNCOURSE_IMDB, and small folders."""
    saved, per_folder = {name: os.environ.get(name) for name in SETTINGS}, data.REVIEWS_PER_FOLDER
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RNNCOURSE_DATA_DIR"] = str(Path(tmp) / "cache")
        os.environ.pop("RNNCOURSE_IMDB", None)
        data.REVIEWS_PER_FOLDER = PER_FOLDER
        try:
            yield Path(tmp)
        finally:
            data.REVIEWS_PER_FOLDER = per_folder
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def boxed(call: Callable[[Path], object], **environment: Callable[[Path], object]):
    """A case's run: ``call(tmp)`` in a sandbox, each ``environment[NAME](tmp)`` set first."""
    def run():
        with sandbox() as tmp:
            os.environ.update({name: str(make(tmp)) for name, make in environment.items()})
            return call(tmp)
    return run


def command(*argv: str) -> int:
    """``python -m rnncourse ARGV`` in this process: 0, or a ValueError with what it printed."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(argv))
    if code != 0:
        raise ValueError(err.getvalue() or out.getvalue())
    return code


def doctor() -> str:
    """The doctor's IMDB check (the whole `doctor` also imports TensorFlow: too slow here)."""
    passed, found, fix = cli._check_imdb()
    if not passed:
        raise ValueError(f"[FAIL] {found}. Fix: {fix}")
    return found


def fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "fifo")
    return tmp / "fifo"


def text_file(tmp: Path) -> Path:
    (tmp / "notes.txt").write_text("not an archive\n")
    return tmp / "notes.txt"


def changed(tmp: Path, change: Callable[[bytes], bytes]) -> Path:
    """make_archive's archive with its bytes passed through ``change``."""
    archive = make_archive(tmp)
    archive.write_bytes(change(archive.read_bytes()))
    return archive


def flip(content: bytes) -> bytes:
    middle = bytearray(content)
    middle[len(content) // 2] ^= 0x10
    return bytes(middle)


def with_review(tmp: Path, payload: bytes) -> Path:
    """An archive whose first review is ``payload``."""
    return make_archive(tmp, edit=lambda tree: first_review(tree).write_bytes(payload))


def bad_folder(tmp: Path, damage: str) -> Path:
    """A dataset folder with one thing wrong."""
    folder = make_tree(tmp / "data")
    review_path = first_review(folder)
    if damage == "non-UTF-8 review":
        review_path.write_bytes(b"caf\xe9")
    elif damage == "empty review":
        review_path.write_bytes(b"")
    elif damage == "review linked outside":
        (tmp / "secret.txt").write_text("a secret")
        review_path.unlink()
        review_path.symlink_to(tmp / "secret.txt")
    elif damage == "labeled folder linked":
        linked = folder / "test" / "neg"
        linked.rename(tmp / "elsewhere")
        linked.symlink_to(tmp / "elsewhere")
    elif damage == "folder named like a review":
        review_path.unlink()
        review_path.mkdir()
    elif damage == "folder missing":
        for path in (folder / "test" / "pos").iterdir():
            path.unlink()
        (folder / "test" / "pos").rmdir()
    return folder


def claim(tmp: Path) -> Path:
    """An archive whose first header claims a review of 1.5 GB (and holds no data)."""
    header = tarfile.TarInfo("aclImdb/train/pos/0_7.txt")
    header.size = 3 << 29
    (tmp / "claim.tar.gz").write_bytes(gzip.compress(header.tobuf() + bytes(1024)))
    return tmp / "claim.tar.gz"


def file_in(tmp: Path) -> Path:
    (tmp / "a-file").write_text("")
    return tmp / "a-file"


def truncated_download(tmp: Path) -> Path:
    (tmp / "cache").mkdir()
    (tmp / "cache" / data.ARCHIVE_NAME).write_bytes(make_archive(tmp).read_bytes()[:-100])
    return tmp / "cache"


def link_member() -> tarfile.TarInfo:
    member = tarfile.TarInfo("aclImdb/train/pos/9_9.txt")
    member.type, member.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return member


def load(make: Callable[[Path], object]):
    return boxed(lambda tmp: data.load_imdb(make(tmp)))


ARGUMENTS = [
    Case("data", "load_imdb(source=42)", "source", load(lambda tmp: 42)),
    Case("data", "load_imdb(source='')", "source", load(lambda tmp: "")),
    Case("data", "load_imdb(source=b'/tmp')", "source", load(lambda tmp: b"/tmp")),
    Case("data", "load_imdb(seed=-1)", "seed", boxed(lambda tmp: data.load_imdb(seed=-1))),
    Case("data", "load_imdb(seed=0.5)", "seed", boxed(lambda tmp: data.load_imdb(seed=0.5))),
    Case("data", "load_imdb(seed='0')", "seed", boxed(lambda tmp: data.load_imdb(seed="0"))),
    Case("data", "fetch_imdb(force='yes')", "force",
         boxed(lambda tmp: data.fetch_imdb(force="yes"))),
    Case("data", "fetch_imdb(url='')", "url", boxed(lambda tmp: data.fetch_imdb(url=""))),
    Case("data", "fetch_imdb(url=None)", "url", boxed(lambda tmp: data.fetch_imdb(url=None))),
    Case("data", "fetch_imdb(sha256='abc')", "sha256",
         boxed(lambda tmp: data.fetch_imdb(sha256="abc"))),
    Case("data", "fetch_imdb(sha256=IMDB_SHA256.upper())", "sha256",
         boxed(lambda tmp: data.fetch_imdb(sha256=data.IMDB_SHA256.upper()))),
    Case("data", "import_imdb(None)", "source", boxed(lambda tmp: data.import_imdb(None))),
    Case("data", "import_imdb(archive, force=1)", "force",
         boxed(lambda tmp: data.import_imdb(make_archive(tmp), force=1))),
    Case("data", "describe_imdb(thorough='yes')", "thorough",
         boxed(lambda tmp: data.describe_imdb(thorough="yes"))),
]

SOURCES = [  # paths that are not the dataset, refused before they are opened or written
    Case("data", "load_imdb(<missing path>)", "does not exist",
         load(lambda tmp: tmp / "nowhere")),
    Case("data", "load_imdb(<a FIFO>)", "named pipe (FIFO)", load(fifo)),
    Case("data", "describe_imdb(<a FIFO>)", "named pipe (FIFO)",
         boxed(lambda tmp: data.describe_imdb(fifo(tmp)))),
    Case("data", "load_imdb() with RNNCOURSE_IMDB=<a FIFO>", "(RNNCOURSE_IMDB) is a named pipe",
         boxed(lambda tmp: data.load_imdb(), RNNCOURSE_IMDB=fifo)),
    Case("data", "describe_imdb() with RNNCOURSE_IMDB=/dev/zero", "is a character device",
         boxed(lambda tmp: data.describe_imdb(), RNNCOURSE_IMDB=lambda tmp: "/dev/zero")),
    Case("data", "load_imdb('/dev/zero')", "is a character device", load(lambda tmp: "/dev/zero")),
    Case("data", "load_imdb(<a text file>)", "Could not read the archive", load(text_file)),
    Case("data", "load_imdb(<an empty file>)", "Could not read the archive",
         load(lambda tmp: changed(tmp, lambda content: b""))),
    Case("data", "load_imdb(archive) with RNNCOURSE_DATA_DIR=<a file>", "RNNCOURSE_DATA_DIR",
         boxed(lambda tmp: data.load_imdb(make_archive(tmp)), RNNCOURSE_DATA_DIR=file_in)),
    Case("data", "data_dir() with RNNCOURSE_DATA_DIR=<a file>", "RNNCOURSE_DATA_DIR",
         boxed(lambda tmp: data.data_dir(), RNNCOURSE_DATA_DIR=file_in)),
]

ARCHIVES = [  # damaged archives and archives that are not the dataset
    Case("data", "load_imdb(<archive cut in half>)", "truncated or corrupted",
         load(lambda tmp: changed(tmp, lambda content: content[: len(content) // 2]))),
    Case("data", "load_imdb(<archive without its gzip trailer>)", "Could not read the archive",
         load(lambda tmp: changed(tmp, lambda content: content[:-8]))),
    Case("data", "load_imdb(<archive with a wrong CRC>)", "Could not read the archive",
         load(lambda tmp: changed(tmp, lambda content: content[:-8] + bytes([content[-8] ^ 1])
                                  + content[-7:]))),
    Case("data", "load_imdb(<archive with one bit flipped>)", "Could not read the archive",
         load(lambda tmp: changed(tmp, flip))),
    Case("data", "load_imdb(<archive with a 2 MB review>)", "bytes, more than any file",
         load(lambda tmp: make_archive(tmp, extra=[review("aclImdb/train/pos/9_9.txt",
                                                          bytes(2 << 20))]))),
    Case("data", "load_imdb(<archive claiming a 1.5 GB review>)", "1,610,612,736 bytes",
         load(claim)),
    Case("data", "load_imdb(<archive with 20 reviews too many>)", "holds more than 3 reviews",
         load(lambda tmp: make_archive(tmp, {"train/neg": PER_FOLDER + 20}))),
    Case("data", "load_imdb(<archive with a review twice>)", "is in the archive twice",
         load(lambda tmp: make_archive(tmp, extra=[review("aclImdb/test/neg/0_2.txt",
                                                          b"again")]))),
    Case("data", "load_imdb(<archive with a 300-byte member name>)", "not named like a review",
         load(lambda tmp: make_archive(tmp, extra=[review(f"aclImdb/test/pos/{'1' * 296}.txt",
                                                          b"long")]))),
    Case("data", "load_imdb(<archive with a non-UTF-8 review>)", "is not UTF-8 text",
         load(lambda tmp: with_review(tmp, b"caf\xe9"))),
    Case("data", "load_imdb(<archive with a zero-byte review>)", "is empty",
         load(lambda tmp: with_review(tmp, b""))),
    Case("data", "load_imdb(<archive with a symbolic link member>)", "is a link",
         load(lambda tmp: make_archive(tmp, extra=[link_member()]))),
    Case("data", "load_imdb(<archive with too few reviews>)", "holds 2 reviews",
         load(lambda tmp: make_archive(tmp, {"test/pos": PER_FOLDER - 1}))),
    Case("data", "load_imdb(<an archive named aclImdb_v1.tar.gz, another sha256>)", "sha256",
         load(lambda tmp: make_archive(tmp, name=data.ARCHIVE_NAME))),
]

FOLDERS = [  # folder sources
    Case("data", f"{call}(<folder with a {damage}>)", expected,
         boxed(lambda tmp, call=call, damage=damage: getattr(data, call)(bad_folder(tmp, damage))))
    for call, damage, expected in [
        ("load_imdb", "non-UTF-8 review", "is not UTF-8 text"),
        ("import_imdb", "non-UTF-8 review", "is not UTF-8 text"),
        ("load_imdb", "empty review", "is empty"),
        ("import_imdb", "empty review", "is empty"),
        ("load_imdb", "review linked outside", "is a symbolic link"),
        ("import_imdb", "review linked outside", "is a symbolic link"),
        ("import_imdb", "labeled folder linked", "test/neg is a symbolic link"),
        ("load_imdb", "folder named like a review", "0_7.txt is a folder, not a review file"),
        ("load_imdb", "folder missing", "test/pos is missing"),
    ]
]

COMMANDS = [  # python -m rnncourse fetch-data / doctor
    Case("cli", "fetch-data --from ''", "--from is empty",
         boxed(lambda tmp: command("fetch-data", "--from", ""))),
    Case("cli", "fetch-data --from ' '", "--from is empty",
         boxed(lambda tmp: command("fetch-data", "--from", " "))),
    Case("cli", "fetch-data --from <a FIFO>", "named pipe (FIFO)",
         boxed(lambda tmp: command("fetch-data", "--from", str(fifo(tmp))))),
    Case("cli", "fetch-data --from /dev/zero", "is a character device",
         boxed(lambda tmp: command("fetch-data", "--from", "/dev/zero"))),
    Case("cli", "fetch-data --from <a text file>", "Could not read the archive",
         boxed(lambda tmp: command("fetch-data", "--from", str(text_file(tmp))))),
    Case("cli", "fetch-data --from <archive without its trailer>", "Could not read the archive",
         boxed(lambda tmp: command("fetch-data", "--from",
                                   str(changed(tmp, lambda content: content[:-8]))))),
    Case("cli", "fetch-data --from <folder with a review linked outside>", "symbolic link",
         boxed(lambda tmp: command("fetch-data", "--from",
                                   str(bad_folder(tmp, "review linked outside"))))),
    Case("cli", "fetch-data --from archive with RNNCOURSE_DATA_DIR=<a file>",
         "RNNCOURSE_DATA_DIR", boxed(lambda tmp: command("fetch-data", "--from",
                                                         str(make_archive(tmp))),
                                     RNNCOURSE_DATA_DIR=file_in)),
    Case("cli", "doctor with RNNCOURSE_IMDB=<a text file>", "Could not read the archive",
         boxed(lambda tmp: doctor(), RNNCOURSE_IMDB=text_file)),
    Case("cli", "doctor with RNNCOURSE_IMDB=<a FIFO>", "named pipe (FIFO)",
         boxed(lambda tmp: doctor(), RNNCOURSE_IMDB=fifo)),
    Case("cli", "doctor with RNNCOURSE_IMDB=/dev/zero", "is a character device",
         boxed(lambda tmp: doctor(), RNNCOURSE_IMDB=lambda tmp: "/dev/zero")),
    Case("cli", "doctor with RNNCOURSE_IMDB=<a truncated archive>", "Could not read the archive",
         boxed(lambda tmp: doctor(), RNNCOURSE_IMDB=lambda tmp: changed(
             tmp, lambda content: content[:-100]))),
    Case("cli", "doctor with a truncated download in the cache", "sha256",
         boxed(lambda tmp: doctor(), RNNCOURSE_DATA_DIR=truncated_download)),
    Case("cli", "doctor with RNNCOURSE_IMDB=<folder with a non-UTF-8 review>",
         "is not UTF-8 text", boxed(lambda tmp: doctor(), RNNCOURSE_IMDB=lambda tmp: bad_folder(
             tmp, "non-UTF-8 review"))),
    Case("cli", "doctor with RNNCOURSE_DATA_DIR=<a file>", "RNNCOURSE_DATA_DIR",
         boxed(lambda tmp: doctor(), RNNCOURSE_DATA_DIR=file_in)),
]


CASES = ARGUMENTS + SOURCES + ARCHIVES + FOLDERS + COMMANDS


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_the_sandbox_restores_the_settings():
    before = ({name: os.environ.get(name) for name in SETTINGS}, data.REVIEWS_PER_FOLDER)
    for case in CASES[:3]:
        classify(case)
    assert ({name: os.environ.get(name) for name in SETTINGS}, data.REVIEWS_PER_FOLDER) == before
