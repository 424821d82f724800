"""The dates task (rnncourse/dates.py): targets are the dates, splits are disjoint, the
held-out format stays out of training, no string stands for two dates, Babel's names are used."""

import datetime

import numpy as np
import pytest

from rnncourse import dates

NUMERIC = [f for f in dates.FORMATS if f.name.endswith(("short", "first", "'21"))
           or f.name == "de medium"]  # formats with numbers or a two-digit year


@pytest.fixture(scope="module")
def split():
    return dates.split_dates(seed=0)


def test_split_is_disjoint_and_complete(split):
    fit, val, test = (set(part) for part in split)
    assert not fit & val and not fit & test and not val & test
    assert len(fit | val | test) == (dates.END - dates.START).days + 1
    assert abs(len(fit) / len(fit | val | test) - 0.8) < 1e-3
    assert dates.split_dates(seed=0) == split and dates.split_dates(seed=1) != split


def test_targets_are_the_dates_in_iso_8601(split):
    sources, targets, names = dates.examples(split[1][:500], dates.FORMATS, seed=0, per_date=3)
    assert len(sources) == len(targets) == len(names) == 1500
    for date, target in zip(np.repeat(split[1][:500], 3), targets):
        assert datetime.date.fromisoformat(target) == date and len(target) == 10


def test_held_out_format_never_in_fit_or_validation(split):
    assert dates.HELD_OUT_FORMAT not in dates.TRAINED_FORMATS
    assert len(dates.TRAINED_FORMATS) == len(dates.FORMATS) - 1
    for part in split[:2]:
        _, _, names = dates.examples(part, seed=0, per_date=2)
        assert dates.HELD_OUT_FORMAT.name not in names
        assert len(set(names)) == len(dates.TRAINED_FORMATS)  # every trained format drawn


def test_no_string_stands_for_two_dates():
    """Every format on every day of six years (all month and day combinations, a leap day)
    and the numeric and two-digit-year formats on every day of the whole range."""
    years = (1950, 1951, 1999, 2000, 2021, 2049)
    every_day = [dates.START + datetime.timedelta(days=i)
                 for i in range((dates.END - dates.START).days + 1)]
    meaning = {}
    for formats, days in ((dates.FORMATS, [d for d in every_day if d.year in years]),
                          (NUMERIC, every_day)):
        for fmt in formats:
            for day in days:
                assert meaning.setdefault(fmt.write(day), day) == day, (fmt.name, day)
    assert len(meaning) > 9 * len(every_day)  # the numeric formats alone: 7 per day


def test_numeric_formats_put_the_day_first():
    day = datetime.date(2021, 4, 3)  # 3 April: a month-first format would write 4 first
    for fmt in NUMERIC:
        if fmt.name != "year first" and "'" not in fmt.name:
            assert fmt.write(day).lstrip("0").startswith("3"), fmt.name


def test_babel_names_are_used():
    day = datetime.date(2021, 3, 3)  # a Wednesday
    written = {fmt.name: fmt.write(day) for fmt in dates.FORMATS}
    assert written["fr long"] == "3 mars 2021" and "mercredi" in written["fr full"]
    assert "März" in written["de long"] and "Mittwoch" in written["de full"]
    assert written["es full"] == "miércoles, 3 de marzo de 2021"
    assert "março" in written["pt long"] and "maart" in written["nl long"]
    assert written["Mar 3 '21"] == "Mar 3 '21" and written["3rd of March, 2021"] == \
        "3rd of March, 2021" and written["March 3rd, 2021"] == "March 3rd, 2021"
    assert written["el 3 de marzo de 2021"] == "el 3 de marzo de 2021"


@pytest.mark.parametrize("day, expected", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"),
                                           (11, "11th"), (12, "12th"), (13, "13th"),
                                           (21, "21st"), (22, "22nd"), (23, "23rd"),
                                           (31, "31st")])
def test_ordinal(day, expected):
    assert dates.ordinal(day) == expected


def test_examples_are_seeded(split):
    first = dates.examples(split[0][:200], seed=3, per_date=2)
    assert first == dates.examples(split[0][:200], seed=3, per_date=2)
    assert first != dates.examples(split[0][:200], seed=4, per_date=2)
    names = first[2]
    assert all(a != b for a, b in zip(names[::2], names[1::2]))  # two different formats


def test_vocabulary_round_trip():
    vocab = dates.Vocabulary.from_texts(["3 mars 2021", "el 3"])
    assert vocab.tokens[:4] == ("<pad>", "<bos>", "<eos>", "<unk>")
    assert (vocab.PAD, vocab.BOS, vocab.EOS, vocab.UNKNOWN) == (0, 1, 2, 3)
    ids = vocab.encode(["3 mars", "el"], add_bos_eos=True)
    assert ids.dtype == np.int32 and ids.shape == (2, 8)
    assert ids[0, 0] == vocab.BOS and ids[0, 7] == vocab.EOS
    assert ids[1].tolist()[3:] == [vocab.EOS, 0, 0, 0, 0]
    assert vocab.decode(ids) == ["3 mars", "el"]
    assert vocab.decode(vocab.encode(["mars?x"])) == ["mars??"]  # '?', 'x' unknown
    assert vocab.encode(["el"], length=5).tolist() == [[vocab.ids["e"], vocab.ids["l"], 0, 0, 0]]


def test_decode_stops_at_the_first_eos():
    vocab = dates.Vocabulary.targets()
    assert len(vocab) == 4 + 11
    ids = vocab.encode(["2021-03-03"], add_bos_eos=True)
    tail = np.array([[vocab.ids["9"], vocab.EOS, vocab.ids["1"]]])
    assert vocab.decode(np.concatenate([ids, tail], axis=1)) == ["2021-03-03"]
    assert vocab.decode([[vocab.ids["1"], vocab.ids["-"]]]) == ["1-"]  # no EOS: all of it


def test_dataset_is_the_notebooks_construction():
    data = dates.dataset(num_fit=500, seed=3)
    fit_dates, val_dates, test_dates = dates.split_dates(seed=3)
    rng = np.random.default_rng(3)
    picked = sorted(rng.choice(fit_dates, 500, replace=False))
    assert (data.fit_sources, data.fit_targets, data.fit_formats) == \
        tuple(dates.examples(picked, seed=3))
    assert (data.val_sources, data.val_targets, data.val_formats) == \
        tuple(dates.examples(val_dates, seed=4))
    assert (data.test_sources, data.test_targets, data.test_formats) == \
        tuple(dates.examples(test_dates, seed=5))
    assert data.held_sources == dates.examples(test_dates, [dates.HELD_OUT_FORMAT])[0]
    assert dates.HELD_OUT_FORMAT.name not in set(data.fit_formats) | set(data.val_formats)
    assert not set(data.fit_targets) & set(data.test_targets)
