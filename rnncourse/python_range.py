"""The Python versions the course supports, checked before anything is installed.

``make`` runs ``python3 rnncourse/python_range.py`` before it creates ``.venv``: silent, exit
status 0, on a supported Python; otherwise a plain message on stderr (which Python was found,
the supported range, what to do) and exit status 1. ``python -m rnncourse doctor`` uses the same
range, and pyproject.toml's ``requires-python`` states it (tests/test_python_range.py keeps them
equal). It must run on any Python, so it uses only the standard library and no f-strings.
"""

from __future__ import print_function

import platform
import sys

# The pinned packages (constraints.txt) install on these versions only: soupsieve needs 3.11.5
# (Debian 12's Python is 3.11.2), and neither 3.10 nor 3.14 resolves the pins.
LOWEST = (3, 11, 5)
FIRST_UNSUPPORTED = (3, 14)


def dotted(version):
    """``(3, 11, 5)`` -> ``"3.11.5"``."""
    return ".".join(str(part) for part in version)


def newest():
    """The newest supported minor version, e.g. ``"3.13"``."""
    return dotted((FIRST_UNSUPPORTED[0], FIRST_UNSUPPORTED[1] - 1))


def range_text():
    """The supported range in words: ``"3.11.5 to 3.13 (3.11.5 or newer, older than 3.14)"``."""
    return "%s to %s (%s or newer, older than %s)" % (
        dotted(LOWEST), newest(), dotted(LOWEST), dotted(FIRST_UNSUPPORTED))


def supported(version=None):
    """Whether ``version`` (default: the running Python's) is in the supported range."""
    version = tuple(sys.version_info[:3] if version is None else version)
    return LOWEST <= version < FIRST_UNSUPPORTED


def message():
    """What to tell someone whose Python is outside the range: found, needed, what to do."""
    return "\n".join([
        "error: the course needs Python %s." % range_text(),
        "Found Python %s at %s." % (platform.python_version(), sys.executable or "(unknown)"),
        "To fix it, install a supported Python (with your system's package manager, pyenv,",
        "or from https://www.python.org/downloads/), then give make its path, for example:",
        "    make PYTHON=/path/to/python%s book" % newest(),
        "If .venv was made with another Python, delete it first: rm -rf .venv",
    ])


def main():
    if supported():
        return 0
    print(message(), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
