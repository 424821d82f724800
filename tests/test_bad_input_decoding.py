"""Bad input to decoding.greedy and decoding.beam_search: every wrong call fails clearly,
naming the argument (tests/bad_input.py classifies each case)."""

import numpy as np
import pytest
from bad_input import Case, classify, uncovered

from rnncourse import decoding

BOS, EOS = 1, 2
V = 4  # PAD, BOS, EOS, one symbol
UNIFORM = np.log(np.full(V, 1 / V))  # (V,) a valid next-token distribution
STATE = np.zeros((2, 3))  # (batch, units)


def good(tokens, state):
    return np.tile(UNIFORM, (len(tokens), 1)), state


def returns(log_probs=None, state=None):
    """A step that returns ``log_probs`` (given rows) and/or ``state`` instead of good ones."""
    def step(tokens, given):
        probs, kept = good(tokens, given)
        return (probs if log_probs is None else log_probs(len(tokens))), \
            (kept if state is None else state)
    return step


def greedy(**changed):
    kwargs = dict(step=good, state=STATE, batch_size=2, bos=BOS, eos=EOS, max_len=3)
    return decoding.greedy(**{**kwargs, **changed})


def beam(**changed):
    kwargs = dict(step=good, state=STATE, bos=BOS, eos=EOS, beam_width=2, max_len=3)
    return decoding.beam_search(**{**kwargs, **changed})


def cases(function, argument, calls):
    return [Case("decoding", f"{function}({call})", argument, run) for call, run in calls]


SHARED = [  # (argument, call text, changed keyword arguments): wrong for both functions
    ("step", "step=None", dict(step=None)),
    ("step", "step returning probabilities", dict(step=returns(lambda n: np.full((n, V),
                                                                                 1 / V)))),
    ("step", "step returning (n, 3) with eos=3", dict(step=returns(lambda n: np.log(
        np.full((n, 3), 1 / 3))), eos=3)),
    ("step", "step returning NaN", dict(step=returns(lambda n: np.full((n, V), np.nan)))),
    ("step", "step returning (n + 1, V)", dict(step=returns(lambda n: np.tile(UNIFORM,
                                                                             (n + 1, 1))))),
    ("step", "step returning a state of leading axis 7",
     dict(step=returns(state=np.zeros((7, 3))))),
    ("state", "state=None", dict(state=None)),
    ("state", "state='h'", dict(state="h")),
    ("state", "state=(zeros(2, 3), zeros(3, 3))", dict(state=(STATE, np.zeros((3, 3))))),
    ("state", "state=()", dict(state=())),
    ("state", "state=np.zeros(0, 3)", dict(state=np.zeros((0, 3)))),
    ("bos", "bos=-1", dict(bos=-1)),
    ("bos", "bos=1.5", dict(bos=1.5)),
    ("eos", "eos=None", dict(eos=None)),
    ("eos", "eos=bos", dict(eos=BOS)),
    ("max_len", "max_len=0", dict(max_len=0)),
    ("max_len", "max_len=2.0", dict(max_len=2.0)),
    ("pad", "pad=-1", dict(pad=-1)),
]

CASES = [
    *[case for argument, call, changed in SHARED for case in cases(
        "greedy", argument, [(call, lambda changed=changed: greedy(**changed))])],
    *[case for argument, call, changed in SHARED for case in cases(
        "beam_search", argument, [(call, lambda changed=changed: beam(**changed))])],
    *cases("greedy", "batch_size", [
        ("batch_size=0", lambda: greedy(batch_size=0)),
        ("batch_size=3 with a state of batch 2", lambda: greedy(batch_size=3)),
        ("batch_size=True", lambda: greedy(batch_size=True)),
    ]),
    *cases("beam_search", "beam_width", [
        ("beam_width=0", lambda: beam(beam_width=0)),
        ("beam_width=2.5", lambda: beam(beam_width=2.5)),
    ]),
    *cases("beam_search", "alpha", [
        ("alpha=-1", lambda: beam(alpha=-1.0)),
        ("alpha=nan", lambda: beam(alpha=float("nan"))),
        ("alpha='1'", lambda: beam(alpha="1")),
    ]),
    *cases("beam_search", "return_all", [
        ("return_all='yes'", lambda: beam(return_all="yes")),
        ("return_all=None", lambda: beam(return_all=None)),
    ]),
    *cases("rescore", "beams", [
        ("beams=None", lambda: decoding.rescore(None, 1.0)),
        ("beams without hypotheses (return_all=False)", lambda: decoding.rescore(beam(), 1.0)),
        ("beams=(ids, scores)", lambda: decoding.rescore(tuple(beam()[:2]), 1.0)),
    ]),
    *cases("rescore", "alpha", [
        ("alpha=-0.5", lambda: decoding.rescore(beam(return_all=True), -0.5)),
        ("alpha=None", lambda: decoding.rescore(beam(return_all=True), None)),
    ]),
    *cases("rescore", "pad", [
        ("pad=-2", lambda: decoding.rescore(beam(return_all=True), 1.0, pad=-2)),
        ("pad=0.5", lambda: decoding.rescore(beam(return_all=True), 1.0, pad=0.5)),
    ]),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_every_public_function_has_cases():
    missing = uncovered(CASES, decoding)
    assert not missing, f"no bad-input case for {missing}"
