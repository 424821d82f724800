"""Bad input to rnncourse.chars: every wrong call fails clearly, naming the argument."""

import numpy as np
import pytest
from bad_input import Case, classify, uncovered

from rnncourse import chars


class Splits:
    fit_texts, fit_labels = ["a", "b"], np.array([0, 1])
    val_texts, val_labels = ["c"], np.array([1])
    test_texts, test_labels = ["d"], np.array([0])


CASES = [
    Case("chars", "clean(text=b'bytes')", "text", lambda: chars.clean(b"bytes")),
    Case("chars", "clean(text=None)", "text", lambda: chars.clean(None)),
    Case("chars", "encode(text=3)", "text", lambda: chars.encode(3)),
    Case("chars", "encode(text=['a'])", "text", lambda: chars.encode(["a"])),
    Case("chars", "decode(ids=[1, 99])", "ids", lambda: chars.decode([1, 99])),
    Case("chars", "decode(ids=[-1])", "ids", lambda: chars.decode([-1])),
    Case("chars", "decode(ids=[[1, 2]])", "ids", lambda: chars.decode([[1, 2]])),
    Case("chars", "stream(reviews='abc')", "reviews", lambda: chars.stream("abc")),
    Case("chars", "stream(reviews=[[1, 2]])", "reviews", lambda: chars.stream([[1, 2]])),
    Case("chars", "corpus(num_fit=3)", "num_fit", lambda: chars.corpus(Splits, num_fit=3)),
    Case("chars", "corpus(num_test=-1)", "num_test",
         lambda: chars.corpus(Splits, num_fit=1, num_val=1, num_test=-1)),
    Case("chars", "corpus(seed=-1)", "seed",
         lambda: chars.corpus(Splits, num_fit=1, num_val=1, num_test=1, seed=-1)),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_every_public_function_has_cases():
    missing = uncovered(CASES, chars)
    assert not missing, f"no bad-input case for {missing}"
