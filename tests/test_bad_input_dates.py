"""Bad input to the dates task (rnncourse/dates.py): every wrong call fails clearly, naming
the argument (tests/bad_input.py classifies each case)."""

import datetime

import numpy as np
import pytest
from bad_input import Case, classify

from rnncourse import dates

DAY = datetime.date(2021, 3, 3)
VOCAB = dates.Vocabulary("abc")


def cases(function, argument, calls):
    return [Case("dates", f"{function}({call})", argument, run) for call, run in calls]


CASES = [
    *cases("split_dates", "start", [
        ("start='1950-01-01'", lambda: dates.split_dates("1950-01-01")),
        ("start=None", lambda: dates.split_dates(None)),
    ]),
    *cases("split_dates", "end", [
        ("end=2049", lambda: dates.split_dates(end=2049)),
        ("end before start", lambda: dates.split_dates(DAY, DAY)),
    ]),
    *cases("split_dates", "fractions", [
        ("fractions=(0.5, 0.5)", lambda: dates.split_dates(fractions=(0.5, 0.5))),
        ("fractions=(0.8, 0.1, 0.2)", lambda: dates.split_dates(fractions=(0.8, 0.1, 0.2))),
        ("fractions=(1, 0, 0)", lambda: dates.split_dates(fractions=(1, 0, 0))),
        ("fractions='abc'", lambda: dates.split_dates(fractions="abc")),
        ("fractions=(nan, 0.5, 0.5)",
         lambda: dates.split_dates(fractions=(float("nan"), 0.5, 0.5))),
    ]),
    *cases("split_dates", "seed", [
        ("seed=-1", lambda: dates.split_dates(seed=-1)),
        ("seed=1.5", lambda: dates.split_dates(seed=1.5)),
    ]),
    *cases("examples", "dates", [
        ("dates=[]", lambda: dates.examples([])),
        ("dates=['2021-03-03']", lambda: dates.examples(["2021-03-03"])),
        ("dates=DAY (not a list)", lambda: dates.examples(DAY)),
    ]),
    *cases("examples", "formats", [
        ("formats=()", lambda: dates.examples([DAY], ())),
        ("formats=['fr long']", lambda: dates.examples([DAY], ["fr long"])),
        ("formats=dates.HELD_OUT_FORMAT (not a list)",
         lambda: dates.examples([DAY], dates.HELD_OUT_FORMAT)),
    ]),
    *cases("examples", "seed", [
        ("seed=None", lambda: dates.examples([DAY], seed=None)),
        ("seed=-3", lambda: dates.examples([DAY], seed=-3)),
    ]),
    *cases("examples", "per_date", [
        ("per_date=0", lambda: dates.examples([DAY], per_date=0)),
        ("per_date=99 (more than the formats)", lambda: dates.examples([DAY], per_date=99)),
        ("per_date=1.0", lambda: dates.examples([DAY], per_date=1.0)),
    ]),
    *cases("Vocabulary", "characters", [
        ("characters=''", lambda: dates.Vocabulary("")),
        ("characters='aab'", lambda: dates.Vocabulary("aab")),
        ("characters=['a', 'b']", lambda: dates.Vocabulary(["a", "b"])),
    ]),
    *cases("Vocabulary.from_texts", "texts", [
        ("texts='abc'", lambda: dates.Vocabulary.from_texts("abc")),
        ("texts=[]", lambda: dates.Vocabulary.from_texts([])),
        ("texts=[1, 2]", lambda: dates.Vocabulary.from_texts([1, 2])),
    ]),
    *cases("Vocabulary.encode", "texts", [
        ("texts='abc'", lambda: VOCAB.encode("abc")),
        ("texts=[]", lambda: VOCAB.encode([])),
        ("texts=['a', None]", lambda: VOCAB.encode(["a", None])),
    ]),
    *cases("Vocabulary.encode", "add_bos_eos", [
        ("add_bos_eos='yes'", lambda: VOCAB.encode(["a"], add_bos_eos="yes")),
        ("add_bos_eos=1", lambda: VOCAB.encode(["a"], add_bos_eos=1)),
    ]),
    *cases("Vocabulary.encode", "length", [
        ("length=2 for a text of 3", lambda: VOCAB.encode(["abc"], length=2)),
        ("length=2.5", lambda: VOCAB.encode(["a"], length=2.5)),
    ]),
    *cases("Vocabulary.decode", "ids", [
        ("ids=[1, 2] (1-D)", lambda: VOCAB.decode([1, 2])),
        ("ids=[[1.5]]", lambda: VOCAB.decode([[1.5]])),
        ("ids=[[99]] (beyond the vocabulary)", lambda: VOCAB.decode([[99]])),
        ("ids=[[-1]]", lambda: VOCAB.decode([[-1]])),
        ("ids='abc'", lambda: VOCAB.decode("abc")),
    ]),
    *cases("dataset", "num_fit", [
        ("num_fit=0", lambda: dates.dataset(num_fit=0)),
        ("num_fit=10**6 (more than the fit days)", lambda: dates.dataset(num_fit=10**6)),
        ("num_fit=2.5", lambda: dates.dataset(num_fit=2.5)),
    ]),
    *cases("dataset", "seed", [
        ("seed=-1", lambda: dates.dataset(num_fit=10, seed=-1)),
        ("seed='0'", lambda: dates.dataset(num_fit=10, seed="0")),
    ]),
    *cases("Format.write", "date", [
        ("date='2021-03-03'", lambda: dates.FORMATS[0].write("2021-03-03")),
        ("date=None (informal writer)", lambda: dates.HELD_OUT_FORMAT.write(None)),
    ]),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_fails_clearly(case):
    outcome, message = classify(case)
    assert outcome == "clear", message


def test_good_input_still_works():
    assert VOCAB.decode(VOCAB.encode(["abc", "a"], add_bos_eos=True)) == ["abc", "a"]
    assert np.asarray(dates.split_dates(DAY, DAY + datetime.timedelta(days=9))[0]).size == 8
