"""Tests for rnncourse/cli.py: `python -m rnncourse fetch-data`, `... doctor` and `... hub-link`."""

import functools
import subprocess
import sys
import tarfile
import types
from pathlib import Path

import pytest
import yaml
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
    assert "hub-link" in result.stdout
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


HUB = "https://hub.example.edu"


def test_hub_link_has_the_nbgitpuller_format():
    link = cli.hub_link(HUB + "/hub/", "notebooks/01_the_recurrence.ipynb")
    assert link == (
        "https://hub.example.edu/hub/user-redirect/git-pull"
        "?repo=https%3A//github.com/course-org/rnn-course"
        "&urlpath=lab/tree/rnn-course/notebooks/01_the_recurrence.ipynb&branch=main"
    )


def test_hub_link_follows_the_repository_and_branch():
    link = cli.hub_link(HUB, "notebooks", repo="https://gitlab.com/me/my-copy.git/", branch="dev")
    assert "repo=https%3A//gitlab.com/me/my-copy.git/" in link
    assert "urlpath=lab/tree/my-copy/notebooks&branch=dev" in link


@pytest.mark.parametrize("hub", ["hub.example.edu", "ftp://hub.example.edu", "https://"])
def test_hub_link_rejects_an_address_without_scheme_or_host(hub):
    with pytest.raises(ValueError, match="expected the hub's address like https://"):
        cli.hub_link(hub)


def test_cli_repository_is_the_book_repository(repo):
    config = yaml.safe_load((repo / "_config.yml").read_text())
    assert (cli.REPOSITORY, cli.BRANCH) == (config["repository"]["url"],
                                            config["repository"]["branch"])


@pytest.mark.parametrize("name", ["02d", "02d_numpy_to_keras", "02d_numpy_to_keras.ipynb",
                                  "notebooks/02d_numpy_to_keras.ipynb"])
def test_find_notebook_by_name_or_unique_start(name, repo):
    assert cli.find_notebook(name) == "notebooks/02d_numpy_to_keras.ipynb"
    assert (repo / cli.find_notebook(name)).is_file()


def test_find_notebook_reports_ambiguous_and_unknown_names(tmp_path):
    for stem in ("02a_one", "02b_two"):
        (tmp_path / f"{stem}.ipynb").write_text("{}")
    with pytest.raises(ValueError, match="'02' matches 02a_one, 02b_two"):
        cli.find_notebook("02", tmp_path)
    with pytest.raises(ValueError, match="'09' matches no notebook; the notebooks are: 02a_one"):
        cli.find_notebook("09", tmp_path)
    assert cli.find_notebook("02b", tmp_path) == "notebooks/02b_two.ipynb"
    assert cli.find_notebook("03_new", tmp_path / "missing") == "notebooks/03_new.ipynb"


def test_hub_link_command_prints_one_link_per_notebook(capsys, repo):
    assert cli.main(["hub-link", "--hub", HUB]) == 0
    lines = capsys.readouterr().out.splitlines()
    notebooks = sorted(path.name for path in (repo / "notebooks").glob("*.ipynb"))
    assert lines[0::2] == ["notebooks"] + [f"notebooks/{name}" for name in notebooks]
    assert all(link.startswith(f"  {HUB}/hub/user-redirect/git-pull?") for link in lines[1::2])
    assert cli.main(["hub-link", "--hub", HUB, "--notebook", "01"]) == 0
    assert capsys.readouterr().out == cli.hub_link(HUB, "notebooks/01_the_recurrence.ipynb") + "\n"


def test_hub_link_command_reports_errors_without_traceback(capsys):
    assert cli.main(["hub-link", "--hub", HUB, "--notebook", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: '0' matches") and "Traceback" not in err
    assert cli.main(["hub-link", "--hub", "hub.example.edu"]) == 1
    assert "expected the hub's address" in capsys.readouterr().err


def test_the_instructors_guide_shows_the_link_hub_link_prints(repo):
    page = (repo / "book" / "instructors" / "jupyterhub.md").read_text()
    assert cli.hub_link(HUB, cli.find_notebook("02b")) in page
