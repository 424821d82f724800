"""Shared test configuration.

`make test` runs one pytest session over the unit tests, every notebook (nbmake) and the
website checks. The website is built from the notebooks nbmake has just executed, so the
tests marked `site` must run last: we move them to the end of the session.
"""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(session, config, items):
    site = [item for item in items if item.get_closest_marker("site")]
    rest = [item for item in items if not item.get_closest_marker("site")]
    items[:] = rest + site


@pytest.fixture(scope="session")
def repo() -> Path:
    """The repository root."""
    return REPO
