"""rnncourse.records: the benchmark records ship with the package and load from anywhere."""

import json
from pathlib import Path

import pytest

from rnncourse import records

RECORDS = Path(records.__file__).resolve().parent / "records"


def test_every_record_loads_as_its_file_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # far from the repository: found inside the package
    # zz_test_record is the scratch record the save tests below write and delete; under
    # pytest-xdist they may run at the same time in another worker, so it is not a record.
    names = sorted(path.stem for path in RECORDS.glob("*.json") if path.stem != "zz_test_record")
    assert {"forecast_speed", "imdb_speed"} <= set(names)
    for name in names:
        assert records.load(name) == json.loads((RECORDS / f"{name}.json").read_text())


def test_the_forecast_record_has_what_chapter_3_reads():
    record = records.load("forecast_speed")
    assert set(record["goals"]) == {"SimpleRNN", "LSTM"}
    assert record["recipe_a"]["epochs"] == 50 and record["recipe_a"]["batch_size"] == 1


def test_save_then_load_round_trips(monkeypatch, tmp_path):
    target = RECORDS / "zz_test_record.json"
    try:
        assert records.save("zz_test_record", {"a": [1, 2.5]}) == target
        assert records.load("zz_test_record") == {"a": [1, 2.5]}
    finally:
        target.unlink(missing_ok=True)


@pytest.mark.parametrize("name, error, message", [
    ("no_such_record", ValueError, r"name must be one of the records \[.*'forecast_speed'"),
    ("forecast_speed.json", ValueError, "name must be a record name such as 'forecast_speed'"),
    ("../pyproject", ValueError, "name must be a record name such as 'forecast_speed'"),
    ("", ValueError, "name must be a record name such as 'forecast_speed'; got ''"),
    (None, TypeError, r"name must be a record name such as 'forecast_speed' \(a str\)"),
    (3, TypeError, r"name must be a record name such as 'forecast_speed' \(a str\); got 3"),
])
def test_bad_names_are_refused_with_the_known_names(name, error, message):
    with pytest.raises(error, match=message):
        records.load(name)


@pytest.mark.parametrize("content, problem", [
    (b'{"a": 1', "not valid JSON"), (b"[1, 2]", r"not a JSON object but \[1, 2\]"),
    (b'{"a": "\xff"}', "not valid JSON"),
])
def test_a_damaged_record_is_reported_with_its_file(content, problem):
    target = RECORDS / "zz_damaged_record.json"
    target.write_bytes(content)
    try:
        with pytest.raises(ValueError, match=f"name='zz_damaged_record' .*zz_damaged_record.json"
                                             f".* damaged.*{problem}.*make bench"):
            records.load("zz_damaged_record")
    finally:
        target.unlink(missing_ok=True)


def test_save_refuses_what_json_cannot_hold_and_writes_nothing():
    target = RECORDS / "zz_test_record.json"
    for record, error in [([1, 2], "record must be a dict"), ({"a": {1, 2}}, "only JSON values")]:
        with pytest.raises(TypeError, match=error):
            records.save("zz_test_record", record)
    assert not target.exists()
