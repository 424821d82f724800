"""Tests for rnncourse/cli.py: `python -m rnncourse fetch-data`, `... doctor` and `... hub-link`."""

import functools
import json
import shutil
import subprocess
import sys
import tarfile
import types
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

import rnncourse
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
        split, kind = name.split("/")  # one movie per review
        (folder / split / f"urls_{kind}.txt").write_text("".join(
            f"http://www.imdb.com/title/tt{i:07d}/usercomments\n" for i in range(PER_FOLDER)))
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
    fail = [line for line in lines if line.startswith("[FAIL] IMDB data")]
    assert len(fail) == 1 and fail[0].startswith("[FAIL] IMDB data: not found")
    assert "Fix: python -m rnncourse fetch-data" in fail[0]
    failed = sum(line.startswith("[FAIL]") for line in lines)
    assert lines[-1] == f"{failed} check(s) failed."


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


def test_doctor_checks_the_front_end(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "jupyterlab", None)  # import jupyterlab raises ImportError
    assert cli.main(["doctor"]) == 1
    fail = [line for line in doctor_lines(capsys) if line.startswith("[FAIL] jupyterlab")]
    assert len(fail) == 1 and fail[0].startswith("[FAIL] jupyterlab cannot be imported (")
    assert fail[0].endswith(f". Fix: {cli.LAB_FIX}")
    assert "make lab" in cli.LAB_FIX and "pip install jupyterlab" in cli.LAB_FIX
    monkeypatch.setitem(sys.modules, "jupyterlab", types.SimpleNamespace(__version__="4.9.0"))
    assert cli._check_package("jupyterlab", "jupyterlab", cli.LAB_FIX) == \
        (True, "jupyterlab 4.9.0", "")


def write_notebooks(folder: Path, first_cells: dict[str, str]) -> Path:
    """Notebooks ``folder/NAME.ipynb`` whose first code cell is ``first_cells[NAME]``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, code in first_cells.items():
        cells = [{"cell_type": "markdown", "metadata": {}, "source": ["# rnncourse==9.9.9"]},
                 {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                  "source": code.splitlines(keepends=True)},
                 {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                  "source": ["%pip install rnncourse==8.8.8"]}]
        notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook))
    return folder


def install_cell(version: str) -> str:
    """The install cell that opens every notebook, for ``version``."""
    return (f'from importlib import metadata\n\ntry:\n    helpers = metadata.version("rnncourse")\n'
            f'except metadata.PackageNotFoundError:\n    helpers = None\n'
            f'if helpers != "{version}":\n    %pip install rnncourse=={version}')


@pytest.fixture
def installed(monkeypatch) -> str:
    """pip's record of rnncourse says the version of the imported package, as after make venv."""
    monkeypatch.setattr(cli.metadata, "version", lambda name: rnncourse.__version__)
    return rnncourse.__version__


def test_install_pins_reads_the_first_code_cell(tmp_path):
    folder = write_notebooks(tmp_path, {"01_a": install_cell("1.2.3"), "02_b": "import numpy"})
    (folder / "03_broken.ipynb").write_text("not json")
    assert cli.install_pins(folder) == {"01_a": "1.2.3", "02_b": None, "03_broken": None}


@pytest.mark.parametrize("pins", [{}, {"01_a": None, "02_b": None}, {"01_a": "same"},
                                  {"01_a": "same", "02_b": None}])
def test_doctor_accepts_notebooks_that_install_this_version_or_nothing(tmp_path, installed, pins):
    cells = {name: install_cell(installed) if pin else "import numpy" for name, pin in pins.items()}
    passed, found, fix = cli._check_helpers(write_notebooks(tmp_path / "notebooks", cells))
    pinned = sum(pin is not None for pin in pins.values())
    assert passed and found == f"rnncourse {installed}, the version the notebooks install" \
        f" ({pinned} of {len(pins)} notebooks have the install cell)"


def test_doctor_fails_when_a_notebook_installs_another_version(tmp_path, installed):
    cells = {"01_a": install_cell(installed), "02_b": install_cell("0.0.1"), "03_c": "import numpy"}
    passed, found, fix = cli._check_helpers(write_notebooks(tmp_path / "notebooks", cells))
    assert not passed and found.endswith("asks for another version: 02_b (0.0.1)")
    assert found.startswith(f"rnncourse {installed}, but") and str(tmp_path) in found
    assert fix == f"make sync (it writes rnncourse=={installed} into every notebook's install cell)"


def test_doctor_outside_a_clone_reports_the_installed_version(tmp_path, installed):
    assert cli._check_helpers(tmp_path / "missing") == \
        (True, f"rnncourse {installed} (installed; no clone of the course beside it)", "")


@pytest.mark.parametrize("record", ["0.0.1", None])
def test_doctor_fails_when_pip_records_another_version(tmp_path, monkeypatch, record):
    """The notebooks' install cell reads pip's record: a stale one means a second install."""
    def version(name):
        if record is None:
            raise cli.metadata.PackageNotFoundError(name)
        return record

    monkeypatch.setattr(cli.metadata, "version", version)
    passed, found, fix = cli._check_helpers(tmp_path / "missing")
    said = f"pip's record says {record}" if record else "pip does not know it"
    assert not passed and found == f"rnncourse {rnncourse.__version__} is imported from" \
        f" {Path(rnncourse.__file__).parent}, but {said}"
    assert fix == f"pip install rnncourse=={rnncourse.__version__} with the course's Python"
    in_a_clone = cli._check_helpers(write_notebooks(tmp_path / "notebooks", {}))
    assert in_a_clone[2] == "make venv (or pip install -e . with the course's Python)"


def test_doctor_uses_the_supported_python_range(monkeypatch):
    from rnncourse import python_range

    assert cli._check_python()[0]
    monkeypatch.setattr(python_range, "LOWEST", (3, 99, 0))
    monkeypatch.setattr(python_range, "FIRST_UNSUPPORTED", (3, 100))
    passed, found, fix = cli._check_python()
    assert not passed and found.endswith("the course needs Python 3.99.0 to 3.99"
                                         " (3.99.0 or newer, older than 3.100)")
    assert "rm -rf .venv" in fix and "make PYTHON=" in fix


HUB = "https://hub.example.edu"


def query(link: str) -> dict[str, str]:
    return {key: value for key, [value] in parse_qs(urlsplit(link).query).items()}


def test_hub_link_has_the_nbgitpuller_format():
    link = cli.hub_link(HUB + "/hub/", "notebooks/01_the_recurrence.ipynb")
    assert link == (
        "https://hub.example.edu/hub/user-redirect/git-pull"
        "?repo=https%3A//github.com/course-org/rnn-course&branch=main&targetPath=rnn-course"
        "&urlpath=lab/tree/rnn-course/notebooks/01_the_recurrence.ipynb"
    )


@pytest.mark.parametrize(("repo", "folder"), [
    ("https://github.com/course-org/rnn-course", "rnn-course"),
    ("https://github.com/course-org/rnn-course.git", "rnn-course"),
    ("https://github.com/course-org/rnn-course/", "rnn-course"),
    ("https://gitlab.com/me/my-copy.git/", "my-copy"),
    ("http://git.example.edu:8080/teaching/rnn.course.git", "rnn.course"),
])
def test_hub_link_names_the_folder_it_opens(repo, folder):
    """nbgitpuller clones into targetPath; without it, into the URL's last part, ".git" kept."""
    params = query(cli.hub_link(HUB, "notebooks/02b.ipynb", repo=repo, branch="dev"))
    assert params == {"repo": repo, "branch": "dev", "targetPath": folder,
                      "urlpath": f"lab/tree/{folder}/notebooks/02b.ipynb"}


@pytest.mark.parametrize("hub", [HUB, HUB + "/", HUB + "/hub", HUB + "/hub/"])
def test_hub_link_accepts_the_hub_address_with_or_without_hub(hub):
    assert cli.hub_link(hub).startswith(f"{HUB}/hub/user-redirect/git-pull?")


def test_hub_link_keeps_a_hub_under_a_path_and_a_port():
    link = cli.hub_link("http://example.edu:8000/jupyter/hub/")
    assert link.startswith("http://example.edu:8000/jupyter/hub/user-redirect/git-pull?")


BAD_HUBS = [  # (address, what the error says)
    ("hub.example.edu", "is not an https:// (or http://) address"),
    ("ftp://hub.example.edu", "is not an https:// (or http://) address"),
    ("javascript:alert(1)", "is not an https:// (or http://) address"),
    ("https://", "is not an https:// (or http://) address"),
    ("https://[::1", "is not an https:// (or http://) address"),
    ("https://hub.example.edu?next=/x", "has a query (?...) or a fragment (#...)"),
    ("https://hub.example.edu/?", "has a query (?...) or a fragment (#...)"),
    ("https://hub.example.edu/#top", "has a query (?...) or a fragment (#...)"),
    ("https://alice:secret@hub.example.edu", "contains a user name or password"),
    ("https://alice@hub.example.edu", "contains a user name or password"),
    ("https://hub.example.edu\n", "contains a space, a line break"),
    ("https://hub.example.edu/\r\nX: y", "contains a space, a line break"),
    (" https://hub.example.edu", "contains a space, a line break"),
    ("https://hub.example.edu/my hub", "contains a space, a line break"),
    ("https://hub.example.edu:99999", "has an invalid port"),
    ("https://hub.example.edu:0", "has an invalid port"),
    ("https://hub.example.edu:http", "has an invalid port"),
    ("https://hub.example.edu/hub/login", "goes past the hub's address"),
    ("https://hub.example.edu/user/alice/lab", "goes past the hub's address"),
    ("https://hub<script>.example.edu", "has a host name with characters"),
    ("https://hub.example.edu\\@evil.example", "contains a user name or password"),
    ('https://hub.example.edu/"onmouseover=x', "has characters an address cannot hold"),
    ("https://hub.example.edu/{x}", "has characters an address cannot hold"),
]


@pytest.mark.parametrize(("hub", "problem"), BAD_HUBS, ids=[hub for hub, _ in BAD_HUBS])
def test_hub_link_rejects_a_bad_hub_address(hub, problem):
    with pytest.raises(ValueError) as error:
        cli.hub_link(hub)
    assert str(error.value).startswith(f"--hub {hub!r} {problem}")
    assert "https://hub.example.edu" in str(error.value)


BAD_REPOS = [
    ("javascript:alert(1)", "is not an https:// (or http://) address"),
    ("git@github.com:course-org/rnn-course.git", "is not an https:// (or http://) address"),
    ("ssh://github.com/course-org/rnn-course", "is not an https:// (or http://) address"),
    ("file:///home/me/rnn-course", "is not an https:// (or http://) address"),
    ("https://github.com", "does not end with a repository name"),
    ("https://github.com/course-org/..", "does not end with a repository name"),
    ("https://github.com/course-org/rnn%20course", "does not end with a repository name"),
    ("https://github.com/course-org/rnn-course?tab=readme", "has a query"),
    ("https://token@github.com/course-org/rnn-course", "contains a user name or password"),
    ("https://github.com/course-org/rnn-course\n", "contains a space, a line break"),
]


@pytest.mark.parametrize(("repo", "problem"), BAD_REPOS, ids=[repo for repo, _ in BAD_REPOS])
def test_hub_link_rejects_a_repository_that_is_not_an_http_git_url(repo, problem):
    with pytest.raises(ValueError) as error:
        cli.hub_link(HUB, repo=repo)
    assert str(error.value).startswith(f"--repo {repo!r} {problem}")


@pytest.mark.parametrize("branch", ["", "my branch", "-f", "a..b", "main\n"])
def test_hub_link_rejects_a_bad_branch(branch):
    with pytest.raises(ValueError, match=r"^--branch must be a plain branch name .*; got '"):
        cli.hub_link(HUB, branch=branch)


@pytest.mark.parametrize("path", ["../../etc/passwd", "/notebooks", "", "a b", "x?y=1", "x#y"])
def test_hub_link_rejects_a_path_that_is_not_plain(path):
    with pytest.raises(ValueError, match=r"^path must be a plain path in the repository"):
        cli.hub_link(HUB, path)


@pytest.mark.parametrize("arguments, name", [
    ({"hub": None}, "--hub"), ({"hub": HUB, "repo": 3}, "--repo"),
    ({"hub": HUB, "branch": None}, "--branch"), ({"hub": HUB, "path": None}, "path"),
])
def test_hub_link_refuses_what_is_not_a_str(arguments, name):
    with pytest.raises(TypeError, match=f"^{name} must be .*; got (None|3)$"):
        cli.hub_link(**arguments)


def test_cli_repository_is_the_book_repository(repo):
    config = yaml.safe_load((repo / "_config.yml").read_text())
    assert (cli.REPOSITORY, cli.BRANCH) == (config["repository"]["url"],
                                            config["repository"]["branch"])


def test_the_notebook_names_are_those_of_the_table_of_contents(repo):
    """hub-link knows the notebooks without the repository; they must not drift from _toc.yml."""
    toc = yaml.safe_load((repo / "_toc.yml").read_text())
    files = [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    in_toc = tuple(file.removeprefix("notebooks/") for file in files
                   if file.startswith("notebooks/"))
    assert cli.NOTEBOOK_NAMES == in_toc, "copy the notebooks of _toc.yml into cli.NOTEBOOK_NAMES"
    assert all((repo / "notebooks" / f"{name}.ipynb").is_file() for name in in_toc)


@pytest.mark.parametrize("name", ["02d", "02d_numpy_to_keras", "02d_numpy_to_keras.ipynb",
                                  "notebooks/02d_numpy_to_keras.ipynb", "02d_numpy_to_keras.md"])
def test_find_notebook_by_name_or_unique_start(name, repo):
    assert cli.find_notebook(name) == "notebooks/02d_numpy_to_keras.ipynb"
    assert (repo / cli.find_notebook(name)).is_file()


def test_find_notebook_reports_ambiguous_and_unknown_names():
    names = ("02a_one", "02b_two")
    with pytest.raises(ValueError, match="^--notebook '02' matches 02a_one, 02b_two"):
        cli.find_notebook("02", names)
    with pytest.raises(ValueError, match="'09' matches no notebook; the notebooks are: 02a_one"):
        cli.find_notebook("09", names)
    assert cli.find_notebook("02b", names) == "notebooks/02b_two.ipynb"


def test_hub_link_command_prints_one_link_per_notebook(capsys):
    assert cli.main(["hub-link", "--hub", HUB]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0::2] == ["notebooks"] + [f"notebooks/{name}.ipynb" for name in cli.NOTEBOOK_NAMES]
    assert lines[1::2] == [f"  {cli.hub_link(HUB, path)}" for path in lines[0::2]]
    assert cli.main(["hub-link", "--hub", HUB, "--notebook", "01"]) == 0
    assert capsys.readouterr().out == cli.hub_link(HUB, "notebooks/01_the_recurrence.ipynb") + "\n"


def test_hub_link_command_reports_errors_without_traceback(capsys):
    assert cli.main(["hub-link", "--hub", HUB, "--notebook", "0"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: --notebook '0' matches") and "Traceback" not in err
    assert cli.main(["hub-link", "--hub", "hub.example.edu"]) == 1
    assert capsys.readouterr().err.startswith("error: --hub 'hub.example.edu' is not an https://")
    assert cli.main(["hub-link", "--hub", HUB, "--repo", "javascript:alert(1)"]) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith("error: --repo 'javascript:alert(1)'") and not captured.out
    assert cli.main(["hub-link", "--hub", HUB, "--notebook", ""]) == 1  # not: every notebook
    captured = capsys.readouterr()
    assert captured.err.startswith("error: --notebook '' matches") and not captured.out


def test_hub_link_works_from_an_installed_package(tmp_path, repo):
    """As after a non-editable `pip install`: no notebooks/ beside the package or on the path."""
    site = tmp_path / "site-packages"
    shutil.copytree(repo / "rnncourse", site / "rnncourse",
                    ignore=shutil.ignore_patterns("__pycache__"))

    def run(*args: str) -> str:
        result = subprocess.run([sys.executable, *args], capture_output=True, text=True,
                                timeout=120, cwd=tmp_path, env={"PYTHONPATH": str(site)})
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert run("-c", "from rnncourse import cli; print(cli.__file__)") == \
        f"{site / 'rnncourse' / 'cli.py'}\n"
    link = run("-m", "rnncourse", "hub-link", "--hub", HUB, "--notebook", "02b")
    assert link == cli.hub_link(HUB, "notebooks/02b_backprop_through_time.ipynb") + "\n"
    assert not (site / "notebooks").exists()


def test_the_instructors_guide_shows_the_link_hub_link_prints(repo):
    page = (repo / "book" / "instructors" / "jupyterhub.md").read_text()
    assert cli.hub_link(HUB, cli.find_notebook("02b")) in page
