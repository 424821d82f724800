"""Tests for rnncourse/cli.py: `python -m rnncourse fetch-data` and `python -m rnncourse doctor`."""

import functools
import subprocess
import sys
import tarfile
import types
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

from rnncourse import cli, data

PER_FOLDER = 2  # reviews per labeled folder in the small test dataset


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    """An empty cache in tmp_path, no RNNCOURSE_IMDB, small folders, quiet TensorFlow."""
    monkeypatch.setenv("RNNCOURSE_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("RNNCOURSE_IMDB", raising=False)
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "2")  # the doctor would set it for good
    monkeypatch.setattr(data, "REVIEWS_PER_FOLDER", PER_FOLDER)
    return tmp_path / "cache"


@pytest.fixture
def archive(tmp_path) -> Path:
    """A small .tar.gz laid out like the official IMDB archive."""
    folder = tmp_path / "tree" / "aclImdb"
    for name in data.LABELED_FOLDERS:
        (folder / name).mkdir(parents=True)
        for i in range(PER_FOLDER):
            (folder / name / f"{i}_5.txt").write_text(f"{name} review {i}")
    with tarfile.open(tmp_path / "imdb.tar.gz", "w:gz") as tar:
        tar.add(folder, arcname="aclImdb")
    return tmp_path / "imdb.tar.gz"


def test_python_m_rnncourse_help():
    result = subprocess.run([sys.executable, "-m", "rnncourse", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "fetch-data" in result.stdout and "doctor" in result.stdout
    assert "RNNCOURSE_DATA_DIR" in result.stdout and "RNNCOURSE_IMDB" in result.stdout


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as exit:
        cli.main([])
    assert exit.value.code == 2 and "COMMAND" in capsys.readouterr().err


@pytest.mark.parametrize("source", ["archive", "folder"])
def test_fetch_data_imports_a_local_copy(archive, cache, capsys, source):
    path = archive if source == "archive" else archive.parent / "tree"
    assert cli.main(["fetch-data", "--from", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"4 training and 4 test reviews (half positive, half negative) in {cache}" in out
    assert data.describe_imdb() == f"8 reviews in {cache / 'aclImdb'}"
    assert cli.main(["fetch-data"]) == 0  # found in the cache: no download
    assert str(cache / "aclImdb") in capsys.readouterr().out


def test_fetch_data_force_extracts_again(archive, cache):
    assert cli.main(["fetch-data", "--from", str(archive)]) == 0
    (cache / "aclImdb" / "sentinel").write_text("")
    assert cli.main(["fetch-data", "--from", str(archive), "--force"]) == 0
    assert not (cache / "aclImdb" / "sentinel").exists()


def test_fetch_data_reports_a_bad_archive_without_traceback(archive, capsys):
    archive.write_bytes(archive.read_bytes()[:100])
    assert cli.main(["fetch-data", "--from", str(archive)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Could not read the archive") and str(archive) in err
    assert "Traceback" not in err


def test_fetch_data_reports_a_failed_download(tmp_path, monkeypatch, capsys):
    missing = (tmp_path / "missing.tar.gz").as_uri()  # like a network failure, offline
    monkeypatch.setattr(data, "fetch_imdb", functools.partial(data.fetch_imdb, url=missing))
    assert cli.main(["fetch-data"]) == 1
    err = capsys.readouterr().err
    assert "Could not download" in err and "fetch-data --from PATH" in err
    assert "Traceback" not in err


def doctor_lines(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


def test_doctor_passes_when_everything_is_there(archive, capsys):
    assert cli.main(["fetch-data", "--from", str(archive)]) == 0
    capsys.readouterr()
    assert cli.main(["doctor"]) == 0
    lines = doctor_lines(capsys)
    assert all(line.startswith("[ok]") for line in lines[:-1]), lines
    assert lines[-1] == "All checks passed."
    assert any(line.startswith("[ok]   keras 3.") for line in lines)
    assert any(line.startswith("[ok]   Jupyter kernel python3") for line in lines)


def test_doctor_fails_without_the_data(capsys):
    assert cli.main(["doctor"]) == 1
    lines = doctor_lines(capsys)
    fail = [line for line in lines if line.startswith("[FAIL]")]
    assert len(fail) == 1 and fail[0].startswith("[FAIL] IMDB data: not found")
    assert "Fix: python -m rnncourse fetch-data" in fail[0]
    assert lines[-1] == "1 check(s) failed."


def test_doctor_reports_broken_data(archive, cache):
    assert cli.main(["fetch-data", "--from", str(archive)]) == 0
    (cache / "aclImdb" / "test" / "neg" / "0_5.txt").unlink()
    passed, found, fix = cli._check_imdb()
    assert not passed and "test/neg holds 1 reviews" in found


def test_doctor_reports_a_missing_kernel(monkeypatch):
    def no_kernel(self, name):
        raise NoSuchKernel(name)

    monkeypatch.setattr(KernelSpecManager, "get_kernel_spec", no_kernel)
    passed, found, fix = cli._check_kernel()
    assert not passed and "not registered" in found
    assert "python -m ipykernel install --sys-prefix --name python3" in fix


def test_doctor_rejects_keras_2(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", types.SimpleNamespace(__version__="2.15.0"))
    passed, found, fix = cli._check_package("keras", "keras")
    assert not passed and "needs Keras 3" in found


def test_doctor_reports_a_missing_package():
    passed, found, fix = cli._check_package("nothing", "rnncourse_no_such_module")
    assert not passed and "cannot be imported" in found and "requirements.txt" in fix
