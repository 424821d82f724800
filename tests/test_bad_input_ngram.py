"""Bad input to the character n-gram models (rnncourse/ngram.py): every wrong call fails
clearly, naming the argument. Each case is one wrong call (tests/bad_input.py classifies it).
"""

import functools

import numpy as np
import pytest
from bad_input import Case, classify

from rnncourse import chars, ngram

N = "ngram"
STREAM = chars.stream([chars.encode("a fine film"), chars.encode("a bad one")])
REVIEWS = [chars.encode("a film"), chars.encode("fine")]


@functools.cache
def model(order=3):
    return ngram.kneser_ney(STREAM, order)


def cases(function, argument, calls):
    """One Case per (call text, zero-argument function) of ``calls``."""
    return [Case(N, f"{function}({call})", argument, run) for call, run in calls]


CASES = [
    *cases("unigram", "stream", [
        ("stream=None", lambda: ngram.unigram(None)),
        ("stream='a fine film' (a str)", lambda: ngram.unigram("a fine film")),
        ("stream=[] (empty)", lambda: ngram.unigram([])),
        ("stream with PAD", lambda: ngram.unigram(np.r_[STREAM, chars.PAD])),
        ("stream with id 99", lambda: ngram.unigram(np.r_[STREAM, chars.VOCAB_SIZE])),
        ("stream of floats", lambda: ngram.unigram(STREAM.astype(float))),
        ("stream 2-D", lambda: ngram.unigram(STREAM[None])),
    ]),
    *cases("kneser_ney", "stream", [
        ("stream=None", lambda: ngram.kneser_ney(None, 3)),
        ("stream=[-1, 5]", lambda: ngram.kneser_ney([-1, 5], 3)),
        ("stream=a list of reviews", lambda: ngram.kneser_ney(REVIEWS, 3)),
    ]),
    *cases("kneser_ney", "order", [
        (f"order={n!r}", lambda n=n: ngram.kneser_ney(STREAM, n))
        for n in (0, 2.0, None, True, ngram.MAX_ORDER + 1)
    ]),
    *cases("kneser_ney", "discount", [
        (f"discount={d!r}", lambda d=d: ngram.kneser_ney(STREAM, 3, discount=d))
        for d in (0, 1.5, -0.5, float("nan"), "0.75")
    ]),
    *cases("shorter", "model", [
        ("model=None", lambda: ngram.shorter(None, 2)),
        ("model=a unigram", lambda: ngram.shorter(ngram.unigram(STREAM), 1)),
    ]),
    *cases("shorter", "order", [
        ("order=4 > model.order", lambda: ngram.shorter(model(3), 4)),
        ("order=0", lambda: ngram.shorter(model(3), 0)),
        ("order=1.5", lambda: ngram.shorter(model(3), 1.5)),
    ]),
    *cases("probabilities", "model", [
        ("model=None", lambda: ngram.probabilities(None, [chars.END])),
        ("model=a dict", lambda: ngram.probabilities({"order": 3}, [chars.END])),
    ]),
    *cases("probabilities", "context", [
        ("context='The fil' (a str)", lambda: ngram.probabilities(model(), "The fil")),
        ("context=None", lambda: ngram.probabilities(model(), None)),
        ("context with PAD", lambda: ngram.probabilities(model(), [chars.END, chars.PAD])),
        ("context with id 120", lambda: ngram.probabilities(model(), [5, 120])),
        ("context of floats", lambda: ngram.probabilities(model(), [5.5])),
        ("context 2-D", lambda: ngram.probabilities(model(), [[5, 6]])),
    ]),
    *cases("bits", "model", [
        ("model=None", lambda: ngram.bits(None, REVIEWS)),
        ("model=the stream", lambda: ngram.bits(STREAM, REVIEWS)),
    ]),
    *cases("bits_per_character", "total_bits", [
        ("total_bits=None", lambda: ngram.bits_per_character(None, [5, 6])),
        ("total_bits negative", lambda: ngram.bits_per_character([-1.0, 3.0], [5, 6])),
        ("total_bits with NaN", lambda: ngram.bits_per_character([np.nan, 3.0], [5, 6])),
        ("one review", lambda: ngram.bits_per_character([3.0], [5])),
    ]),
    *cases("bits_per_character", "symbols", [
        ("symbols one shorter", lambda: ngram.bits_per_character([1.0, 3.0], [5])),
        ("symbols=[0, 6]", lambda: ngram.bits_per_character([1.0, 3.0], [0, 6])),
        ("symbols=[5.5, 6]", lambda: ngram.bits_per_character([1.0, 3.0], [5.5, 6])),
    ]),
    *cases("bits_per_character", "level", [
        ("level=95", lambda: ngram.bits_per_character([1.0, 3.0], [5, 6], level=95)),
    ]),
    *cases("bits", "reviews", [
        ("reviews=[] (none)", lambda: ngram.bits(model(), [])),
        ("reviews=None", lambda: ngram.bits(model(), None)),
        ("reviews='a film' (a str)", lambda: ngram.bits(model(), "a film")),
        ("reviews=[a review with END]",
         lambda: ngram.bits(model(), [np.r_[REVIEWS[0], chars.END]])),
        ("reviews=[a review with PAD]", lambda: ngram.bits(model(), [np.r_[5, chars.PAD]])),
        ("reviews=[[1.5, 2.5]]", lambda: ngram.bits(model(), [np.array([1.5, 2.5])])),
        ("reviews=[a 2-D review]", lambda: ngram.bits(model(), [np.ones((2, 2), int) * 5])),
    ]),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_every_public_function_has_two_cases():
    public = [name for name, value in vars(ngram).items() if callable(value)
              and not name.startswith("_") and not isinstance(value, type)
              and getattr(value, "__module__", "") == ngram.__name__]
    assert sorted(public) == ["bits", "bits_per_character", "kneser_ney", "probabilities",
                              "shorter", "unigram"]
    for function in public:
        count = sum(case.call.startswith(function + "(") for case in CASES)
        assert count >= 2, f"ngram.{function} has {count} bad-input cases"
