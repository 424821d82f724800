"""Command line: ``python -m rnncourse fetch-data [--from PATH] [--force]``, ``... doctor`` and
``... hub-link --hub URL [--notebook NAME]``.

``fetch-data`` puts the IMDB reviews into the cache (see ``rnncourse.data``); ``doctor`` checks
that this computer is ready for the course, one ``[ok]`` or ``[FAIL]`` line per check;
``hub-link`` prints nbgitpuller links that open the course on a JupyterHub.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode

import rnncourse
from rnncourse import _checks, data, python_range

Check = tuple[bool, str, str]  # (passed, what was found, how to fix it)
PACKAGES = (  # (name on PyPI, module to import): what the notebooks import
    ("numpy", "numpy"),
    ("tensorflow", "tensorflow"),
    ("keras", "keras"),
    ("matplotlib", "matplotlib"),
    ("scikit-learn", "sklearn"),
    ("statsmodels", "statsmodels"),
)
INSTALL_FIX = "pip install -r requirements.txt (in the course's virtual environment)"
KERNEL_FIX = "python -m ipykernel install --sys-prefix --name python3 (with the course's Python)"
LAB_FIX = "make lab (in a clone of the repository), or pip install jupyterlab (course's Python)"
PYTHON_FIX = f"install Python {python_range.range_text()}, then make the virtual environment" \
    f" again: rm -rf .venv; make PYTHON=/path/to/python{python_range.newest()} venv"
# PLACEHOLDER, as repository.url in _config.yml (tests/test_cli.py keeps them equal).
REPOSITORY = "https://github.com/course-org/rnn-course"
BRANCH = "main"
PLAIN = r"(?!-)(?!.*\.\.)[\w.-]+(?:/[\w.-]+)*"  # a branch or path: no space, no .., no leading -
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"  # in a clone of the repository
# The notebooks of _toc.yml, in its order (tests/test_cli.py keeps them equal): hub-link knows
# them without the repository, e.g. after `pip install rnncourse`.
NOTEBOOK_NAMES = (
    "01_the_recurrence",
    "02a_forward_pass",
    "02b_backprop_through_time",
    "02c_vanishing_exploding",
    "02d_numpy_to_keras",
    "02e_gated_cells",
    "02f_long_memory",
    "03a_seed_recipes",
    "03b_baselines",
    "03c_fast_training",
    "03d_rnn_lstm_gru",
    "03e_multistep",
    "03f_real_series",
    "04a_imdb_data",
    "04b_imdb_text_to_tensors",
    "04c_imdb_baselines",
    "04d_imdb_recurrent",
    "04e_imdb_stronger_model",
    "04f_imdb_what_it_learned",
    "04g_imdb_bigrams",
    "05a_deeper_and_wider",
    "05b_regularisation_imdb",
    "05c_imdb_attention",
    "05d_seq2seq_teacher_forcing",
    "05e_anomaly_detection",
    "06a_next_character_numpy",
    "06b_char_baselines",
    "06c_char_model_keras",
    "06d_sampling",
    "06e_conditional_generation",
    "07a_dates_encoder_decoder",
    "07b_attention",
    "07c_beam_search",
    "07d_dates_rule_based_rival",
    "08a_linear_recurrence_scan",
    "08b_mingru",
    "08c_mingru_vs_gru",
)
INSTALL_PIN = re.compile(r"rnncourse==([\w.+!-]+)")  # in the install cell that opens each notebook
ENVIRONMENT_HELP = """\
environment variables:
  RNNCOURSE_DATA_DIR  the cache folder (default: $XDG_CACHE_HOME/rnncourse or ~/.cache/rnncourse)
  RNNCOURSE_IMDB      a local IMDB archive or aclImdb folder, used instead of the cache
"""


def main(argv: list[str] | None = None) -> int:
    """Run the command in ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m rnncourse",
        description="Helpers for the course"
        " 'Recurrent neural networks, from the equations to Keras'.",
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    fetch = commands.add_parser(
        "fetch-data",
        help="download or import the IMDB reviews into the cache",
        description="Download the IMDB movie reviews (84 MB, checksum verified) into the cache, or"
        " import a local copy with --from, check that all 50,000 labeled reviews are there and"
        " say where they are. The notebooks then load them without a network.",
        epilog=ENVIRONMENT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fetch.add_argument("--from", dest="source", metavar="PATH",
                       help="a local .tar.gz archive (aclImdb_v1.tar.gz or a repacked copy) or an"
                       " extracted aclImdb folder, imported instead of downloading")
    fetch.add_argument("--force", action="store_true",
                       help="download or extract again even if the data is already in the cache")
    fetch.set_defaults(run=_fetch_data)
    doctor = commands.add_parser(
        "doctor",
        help="check that this computer is ready for the course",
        description="Check Python, the libraries, JupyterLab, the helpers' version (in a clone:"
        " the one the notebooks install), CPU and GPU, the IMDB data and the Jupyter kernel;"
        " print one [ok] or [FAIL] line per check, with a fix for each failure."
        " Exit status 0 only if every check passes.",
    )
    doctor.set_defaults(run=_doctor)
    hub = commands.add_parser(
        "hub-link",
        help="print nbgitpuller links that open the course on a JupyterHub",
        description="Print links that copy (git pull) the course repository into the learner's"
        " home folder on a JupyterHub with nbgitpuller installed, then open a notebook. Without"
        " --notebook: the notebooks folder, then one link per notebook.",
    )
    hub.add_argument("--hub", required=True, metavar="URL",
                     help="the JupyterHub's address, e.g. https://hub.example.edu")
    hub.add_argument("--notebook", metavar="NAME",
                     help="a notebook name or its unique start, e.g. 02d or 02d_numpy_to_keras")
    hub.add_argument("--repo", default=REPOSITORY, metavar="URL",
                     help="the course repository's https:// git URL (default: %(default)s)")
    hub.add_argument("--branch", default=BRANCH, help="the branch to pull (default: %(default)s)")
    hub.set_defaults(run=_hub_link)
    return parser


def _fetch_data(args: argparse.Namespace) -> int:
    """Fetch or import the IMDB data; print where it is, or the error without a traceback."""
    try:
        if args.source is not None and not args.source.strip():
            raise ValueError("--from is empty: give the path of a .tar.gz archive or of an"
                             " aclImdb folder, or leave --from out to download the data")
        if args.source is not None:
            folder = data.import_imdb(args.source, force=args.force)
        else:
            folder = data.fetch_imdb(force=args.force)
    except ValueError as err:  # data.ImdbDataError and bad paths say how to fix them
        print(f"error: {err}", file=sys.stderr)
        return 1
    per_split = 2 * data.REVIEWS_PER_FOLDER
    print(f"IMDB data ready: {per_split:,} training and {per_split:,} test reviews"
          f" (half positive, half negative) in {folder}")
    return 0


def hub_link(hub: str, path: str = "notebooks", repo: str = REPOSITORY,
             branch: str = BRANCH) -> str:
    """The nbgitpuller link that pulls ``repo`` on the JupyterHub ``hub`` and opens ``path``.

    ``path`` is relative to the repository root. The clone's folder is passed as ``targetPath``
    (nbgitpuller would otherwise name it after the URL's last part, ``.git`` included), and
    ``urlpath`` opens ``path`` inside it in JupyterLab.
    """
    base, folder = _hub_base(hub), clone_folder(repo)
    branch = _checks.matches("--branch", branch, PLAIN,
                             "a plain branch name (letters, digits, ._-/)")
    path = _checks.matches("path", path, PLAIN, "a plain path in the repository, like notebooks")
    query = urlencode({"repo": repo, "branch": branch, "targetPath": folder,
                       "urlpath": f"lab/tree/{folder}/{path}"}, safe="/")
    return f"{base}/hub/user-redirect/git-pull?{query}"


def clone_folder(repo: str) -> str:
    """The folder ``git clone repo`` creates: the URL's last part, without ``.git``."""
    parts = _checks.url("--repo", repo, "https://github.com/OWNER/NAME")
    folder = parts.path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    if not re.fullmatch(r"[\w.-]+", folder) or not folder.strip("."):
        raise ValueError(f"--repo {repo!r} does not end with a repository name; expected a git"
                         " URL like https://github.com/OWNER/NAME")
    return folder


def _hub_base(hub: str) -> str:
    """``hub`` without a trailing ``/`` or ``/hub``: the address that ``/hub/...`` follows."""
    parts = _checks.url("--hub", hub, "https://hub.example.edu")
    path = parts.path.rstrip("/").removesuffix("/hub")
    if re.search(r"/(hub|user)(/|$)", path):
        raise ValueError(f"--hub {hub!r} goes past the hub's address; give the part before"
                         " /hub/ or /user/, like https://hub.example.edu")
    return f"{parts.scheme}://{parts.netloc}{path}"


def find_notebook(name: str, names: Sequence[str] = NOTEBOOK_NAMES) -> str:
    """``notebooks/NAME.ipynb`` for a notebook name or the unique start of one."""
    _checks.instance("--notebook", name, (str, os.PathLike), "a notebook name, e.g. 02d")
    names = _checks.items("names", names, str, "a notebook name (a str)")
    stem = Path(name).name.removesuffix(".ipynb").removesuffix(".md")
    matches = [known for known in names if known == stem] or \
        [known for known in names if known.startswith(stem)]
    if len(matches) != 1:
        found = "matches " + ", ".join(matches) if matches else "matches no notebook"
        raise ValueError(f"--notebook {name!r} {found}; the notebooks are: {', '.join(names)}")
    return f"notebooks/{matches[0]}.ipynb"


def _hub_link(args: argparse.Namespace) -> int:
    """Print one link (--notebook) or the folder's and every notebook's, each under its name."""
    try:
        if args.notebook is not None:
            print(hub_link(args.hub, find_notebook(args.notebook), args.repo, args.branch))
            return 0
        paths = ["notebooks"] + [f"notebooks/{name}.ipynb" for name in NOTEBOOK_NAMES]
        links = [hub_link(args.hub, path, args.repo, args.branch) for path in paths]
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for path, link in zip(paths, links):
        print(f"{path}\n  {link}")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    """Print one line per check; return 0 if all passed, else 1."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before TensorFlow is imported
    checks: list[Callable[[], Check]] = [_check_python]
    checks += [lambda name=name, module=module: _check_package(name, module)
               for name, module in PACKAGES]
    checks += [lambda: _check_package("jupyterlab", "jupyterlab", LAB_FIX), _check_helpers]
    checks += [_check_cpus, _check_gpus, _check_imdb, _check_kernel]
    failures = 0
    for check in checks:
        passed, found, fix = check()
        failures += not passed
        print(f"[ok]   {found}" if passed else f"[FAIL] {found}. Fix: {fix}", flush=True)
    print("All checks passed." if not failures else f"{failures} check(s) failed.")
    return 0 if not failures else 1


def _check_python() -> Check:
    found = f"Python {platform.python_version()} ({sys.executable})"
    if python_range.supported():
        return True, found, ""
    return False, f"{found}: the course needs Python {python_range.range_text()}", PYTHON_FIX


def _check_package(name: str, module: str, fix: str = INSTALL_FIX) -> Check:
    try:
        with _quiet_stderr():  # TensorFlow logs to stderr while it loads
            version = getattr(importlib.import_module(module), "__version__", "(no version)")
    except Exception as err:  # a broken install can fail in many ways
        return False, f"{name} cannot be imported ({type(err).__name__}: {err})", fix
    if module == "keras" and not version.startswith("3."):
        return False, f"keras {version}: the course needs Keras 3", INSTALL_FIX
    return True, f"{name} {version}", ""


def _check_helpers(folder: Path = NOTEBOOKS) -> Check:
    """The helpers are installed at their own version and, in a clone, at the notebooks' one."""
    version, where = rnncourse.__version__, Path(rnncourse.__file__).parent
    try:
        installed = metadata.version("rnncourse")
    except metadata.PackageNotFoundError:
        installed = None
    if installed != version:  # the notebooks' first cell would install another copy over it
        said = f"pip's record says {installed}" if installed else "pip does not know it"
        fix = "make venv (or pip install -e . with the course's Python)" if folder.is_dir() \
            else f"pip install rnncourse=={version} with the course's Python"
        return False, f"rnncourse {version} is imported from {where}, but {said}", fix
    if not folder.is_dir():
        return True, f"rnncourse {version} (installed; no clone of the course beside it)", ""
    pins = install_pins(folder)
    other = [f"{name} ({pin})" for name, pin in pins.items() if pin not in (None, version)]
    if other:
        listed = ", ".join(other[:3]) + (f" and {len(other) - 3} more" if len(other) > 3 else "")
        return False, f"rnncourse {version}, but the install cell of notebooks in {folder} asks" \
            f" for another version: {listed}", f"make sync (it writes rnncourse=={version} into" \
            " every notebook's install cell)"
    pinned = sum(pin is not None for pin in pins.values())
    return True, f"rnncourse {version}, the version the notebooks install ({pinned} of" \
        f" {len(pins)} notebooks have the install cell)", ""


def install_pins(folder: Path = NOTEBOOKS) -> dict[str, str | None]:
    """The ``rnncourse==X`` version in each ``*.ipynb``'s first code cell (None: no pin there)."""
    pins = {}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            code = next((cell["source"] for cell in cells if cell["cell_type"] == "code"), "")
        except (ValueError, KeyError, TypeError):  # not a notebook: nothing to compare
            code = ""
        match = INSTALL_PIN.search("".join(code))
        pins[path.stem] = match[1] if match else None
    return pins


def _check_cpus() -> Check:
    count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return True, f"CPU: {count} core(s) available", ""


def _check_gpus() -> Check:
    try:
        with _quiet_stderr():
            import tensorflow as tf

            gpus = tf.config.list_physical_devices("GPU")
    except Exception as err:
        return False, f"GPU: TensorFlow could not list devices ({err})", INSTALL_FIX
    if not gpus:
        return True, "GPU: none seen by TensorFlow, which is fine: every notebook runs on CPU", ""
    return True, f"GPU: {len(gpus)} seen by TensorFlow ({', '.join(g.name for g in gpus)})", ""


def _check_imdb() -> Check:
    """The data load_imdb() would use is there and reads as it would (every review, an archive
    to its end): a few seconds."""
    try:
        where = data.describe_imdb(thorough=True)
    except (ValueError, OSError) as err:  # data.ImdbDataError says how to fix it
        return False, f"IMDB data: {err}", "see the message above"
    if where is None:
        return False, f"IMDB data: not found in {data.data_dir()} and RNNCOURSE_IMDB is not set", \
            "python -m rnncourse fetch-data (downloads 84 MB), or fetch-data --from PATH"
    return True, f"IMDB data: {where}", ""


def _check_kernel() -> Check:
    """The ``python3`` Jupyter kernel exists and its Python can import rnncourse."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError as err:
        return False, f"Jupyter: jupyter_client cannot be imported ({err})", INSTALL_FIX
    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return False, "Jupyter kernel python3 is not registered", KERNEL_FIX
    python = spec.argv[0]
    if python in {"python", "python3", "python%d.%d" % sys.version_info[:2]}:
        python = sys.executable  # jupyter_client starts such kernels with its own Python
    try:
        command = [python, "-c", "import rnncourse"]
        result = subprocess.run(command, capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        return False, f"Jupyter kernel python3 ({spec.resource_dir}) cannot start {python}" \
            f" ({err})", KERNEL_FIX
    if result.returncode != 0:
        return False, f"Jupyter kernel python3 ({spec.resource_dir}) runs {python}, which cannot" \
            " import rnncourse", KERNEL_FIX
    return True, f"Jupyter kernel python3 runs {python}, which imports rnncourse", ""


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to a temporary file: C++ libraries log there directly."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
