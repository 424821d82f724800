"""Bad input to rnncourse.scan: every wrong call fails clearly, naming the argument.

Each case is one wrong call (tests/bad_input.py classifies it); `python tests/bad_input.py`
prints the figures per module.
"""

import numpy as np
import pytest
from bad_input import Case, classify, uncovered

from rnncourse import scan

A = np.full((2, 5, 3), 0.5)  # (batch, time, units)
B = np.ones((2, 5, 3))
H0 = np.zeros((2, 3))  # (batch, units)
LOG_A, LOG_B = np.log(A), np.log(B)
STEP = (np.ones(3), np.zeros(3))  # one (a, b) pair


def cases(function, argument, calls):
    return [Case("scan", f"{function}({call})", argument, run) for call, run in calls]


def with_nan(array, index=(0, 1, 2)):
    array = np.array(array, dtype=float)
    array[index] = np.nan
    return array


def three_ways(function):
    """The cases shared by loop, hillis_steele, blelloch and closed_form (one checker).
    One-letter names are matched with the verb after them ("a must"), so that a message
    that only contains the letter (as "array" contains "a") does not count as naming it."""
    run = getattr(scan, function)
    return [
        *cases(function, "a must", [
            ("a of shape (5, 3) (2-D)", lambda: run(A[0], B)),
            ("a with a NaN", lambda: run(with_nan(A), B)),
            ("a='abc'", lambda: run("abc", B)),
            ("a a ragged list", lambda: run([[[0.5]], [[0.5], [0.5]]], B)),
        ]),
        *cases(function, "a has", [
            ("a of shape (2, 0, 3) (no steps)", lambda: run(np.zeros((2, 0, 3)), B[:, :0])),
        ]),
        *cases(function, "b must", [
            ("b of shape (2, 4, 3) for a of 5 steps", lambda: run(A, B[:, :4])),
            ("b=None", lambda: run(A, None)),
            ("b with an inf", lambda: run(A, B * np.inf)),
        ]),
        *cases(function, "h0", [
            ("h0 of shape (2, 4) for 3 units", lambda: run(A, B, np.zeros((2, 4)))),
            ("h0 of shape (3,) (1-D)", lambda: run(A, B, np.zeros(3))),
            ("h0 of shape (1, 3) for a batch of 2", lambda: run(A, B, np.zeros((1, 3)))),
        ]),
    ]


CASES = [
    *cases("combine", "first", [
        ("first=None", lambda: scan.combine(None, STEP)),
        ("first=(1, 2, 3) (not a pair)", lambda: scan.combine((1, 2, 3), STEP)),
        ("first=('a', 1.0)", lambda: scan.combine(("a", 1.0), STEP)),
        ("first=(None, 1.0)", lambda: scan.combine((None, 1.0), STEP)),
        ("first of shape (2,) and second of shape (3,)",
         lambda: scan.combine((np.ones(2), np.ones(2)), STEP)),
    ]),
    *cases("combine", "second", [
        ("second='ab'", lambda: scan.combine(STEP, "ab")),
        ("second={'a': 1, 'b': 0}", lambda: scan.combine(STEP, {"a": 1, "b": 0})),
        ("second=(1.0, 'b')", lambda: scan.combine(STEP, (1.0, "b"))),
    ]),
    *three_ways("loop"),
    *three_ways("hillis_steele"),
    *three_ways("blelloch"),
    *three_ways("closed_form"),
    *cases("log_space", "log_a", [
        ("log_a with a NaN", lambda: scan.log_space(with_nan(LOG_A), LOG_B)),
        ("log_a with -inf (a = 0)", lambda: scan.log_space(LOG_A - np.inf, LOG_B)),
        ("log_a of shape (5, 3) (2-D)", lambda: scan.log_space(LOG_A[0], LOG_B)),
        ("log_a=None", lambda: scan.log_space(None, LOG_B)),
    ]),
    *cases("log_space", "log_b", [
        ("log_b with a NaN", lambda: scan.log_space(LOG_A, with_nan(LOG_B))),
        ("log_b with +inf", lambda: scan.log_space(LOG_A, LOG_B + np.inf)),
        ("log_b of shape (2, 5, 4) for 3 units",
         lambda: scan.log_space(LOG_A, np.zeros((2, 5, 4)))),
    ]),
    *cases("log_space", "log_h0", [
        ("log_h0 with a NaN", lambda: scan.log_space(LOG_A, LOG_B, with_nan(H0, (0, 1)))),
        ("log_h0 with +inf", lambda: scan.log_space(LOG_A, LOG_B, H0 + np.inf)),
        ("log_h0 of shape (2, 5) for 3 units",
         lambda: scan.log_space(LOG_A, LOG_B, np.zeros((2, 5)))),
        ("log_h0='0'", lambda: scan.log_space(LOG_A, LOG_B, "0")),
    ]),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_every_public_function_has_cases():
    missing = uncovered(CASES, scan)
    assert not missing, f"no bad-input case for {missing}"


def test_log_space_still_takes_minus_infinity_for_a_zero_h0():
    """The new log_h0 check refuses NaN and +inf only: -inf (h0 = 0) is the default."""
    h0 = np.array([[0.0, 2.0, 0.5], [1.0, 0.0, 3.0]])
    with np.errstate(divide="ignore"):
        log_h, _ = scan.log_space(LOG_A, LOG_B, np.log(h0))
    np.testing.assert_allclose(np.exp(log_h), scan.loop(A, B, h0)[0], rtol=1e-13)
