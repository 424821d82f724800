"""rnncourse.records: the benchmark records ship with the package and load from anywhere."""

import json
from pathlib import Path

import pytest

from rnncourse import records

RECORDS = Path(records.__file__).resolve().parent / "records"


def test_every_record_loads_as_its_file_says(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # far from the repository: found inside the package
    names = sorted(path.stem for path in RECORDS.glob("*.json"))
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


@pytest.mark.parametrize("name", ["no_such_record", "forecast_speed.json", "../pyproject",
                                  "", None, 3])
def test_bad_names_are_refused_with_the_known_names(name):
    with pytest.raises(ValueError, match="name must be"):
        records.load(name)
