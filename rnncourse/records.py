"""The benchmark records that notebooks quote, shipped inside the package.

    from rnncourse import records
    benchmark = records.load("forecast_speed")  # a dict, written by `make bench`

The benchmarks (``benchmarks/*.py`` in the repository) write their results to
``rnncourse/records/NAME.json`` with ``records.save``; the files are package data, so a
notebook finds them wherever the helpers are installed (Colab, Binder, a wheel), without
the repository beside it.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

NAME = re.compile(r"[a-z][a-z0-9_]*")  # a record's name: its file name without .json


def load(name: str) -> dict:
    """The record ``name`` (e.g. ``"forecast_speed"``), as the benchmark wrote it."""
    source = resources.files("rnncourse") / "records" / f"{_checked(name)}.json"
    if not source.is_file():
        known = sorted(entry.name.removesuffix(".json")
                       for entry in (resources.files("rnncourse") / "records").iterdir()
                       if entry.name.endswith(".json"))
        raise ValueError(f"name must be one of the records {known}; got {name!r}")
    return json.loads(source.read_text(encoding="utf-8"))


def save(name: str, record: dict) -> Path:
    """Write ``record`` as ``rnncourse/records/NAME.json`` in a checkout (for benchmarks)."""
    target = Path(__file__).resolve().parent / "records" / f"{_checked(name)}.json"
    target.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return target


def _checked(name: object) -> str:
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise ValueError(f"name must be a record name such as 'forecast_speed'; got {name!r}")
    return name
