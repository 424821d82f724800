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
from importlib import resources
from pathlib import Path

from rnncourse import _checks

NAME = r"[a-z][a-z0-9_]*"  # a record's name: its file name without .json
NAMED = "a record name such as 'forecast_speed'"  # what NAME matches, for the message
RESTORE = "run its benchmark again (make bench), or restore the file with git"


def load(name: str) -> dict:
    """The record ``name`` (e.g. ``"forecast_speed"``), as the benchmark wrote it."""
    name = _checks.matches("name", name, NAME, NAMED)
    source = resources.files("rnncourse") / "records" / f"{name}.json"
    if not source.is_file():
        known = sorted(entry.name.removesuffix(".json")
                       for entry in (resources.files("rnncourse") / "records").iterdir()
                       if entry.name.endswith(".json"))
        raise ValueError(f"name must be one of the records {known}; got {name!r}")
    try:
        record = json.loads(source.read_text(encoding="utf-8"))
    except ValueError as err:  # also a file that is not UTF-8
        raise ValueError(f"the record name={name!r} ({source}) is damaged, not valid JSON "
                         f"({err}); {RESTORE}") from None
    if not isinstance(record, dict):
        raise ValueError(f"the record name={name!r} ({source}) is damaged: not a JSON object"
                         f" but {_checks.shown(record)}; {RESTORE}")
    return record


def save(name: str, record: dict) -> Path:
    """Write ``record`` (a dict of JSON values) as ``rnncourse/records/NAME.json`` in a
    checkout (for benchmarks)."""
    name = _checks.matches("name", name, NAME, NAMED)
    _checks.instance("record", record, dict, "a dict of JSON values")
    target = Path(__file__).resolve().parent / "records" / f"{name}.json"
    try:
        text = json.dumps(record, indent=2) + "\n"
    except (TypeError, ValueError) as err:  # e.g. a NumPy array, or a loop
        raise TypeError(f"record must hold only JSON values (str, numbers, True/False, None, "
                        f"lists and dicts with str keys); {err}") from None
    target.write_text(text, encoding="utf-8")
    return target
