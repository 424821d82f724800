"""Tests for rnncourse/scan.py.

Reference answers: three steps of h_t = a_t h_{t-1} + b_t computed by hand (exact in
binary floating point), the loop itself for the three scans (Hillis–Steele, Blelloch, the
log-space form) on random sequences of many lengths, the algebra of the combine rule, and
the float64 limits of the closed form (its product of gates underflows).
"""

import math

import numpy as np
import pytest

from rnncourse import scan

# Hillis–Steele and Blelloch regroup the same products and sums: about log2(T) roundings
# per state, measured at most 4e-16 relative to max |h| up to T = 1000; a real bug (a step
# combined in the wrong order, h0 dropped, a padding step that is not the identity) is O(1).
SCAN_RTOL = 1e-12
LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 16, 31, 100, 1000]
SCANS = {"hillis_steele": scan.hillis_steele, "blelloch": scan.blelloch}


def random_sequence(batch_size, seq_len, num_units, seed):
    """a in (-1.1, 1.1) (signs of both kinds, some |a| > 1), b normal, h0 normal."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1.1, 1.1, size=(batch_size, seq_len, num_units))  # (batch, time, units)
    b = rng.normal(size=(batch_size, seq_len, num_units))  # (batch, time, units)
    h0 = rng.normal(size=(batch_size, num_units))  # (batch, units)
    return a, b, h0


def positive_sequence(batch_size, seq_len, num_units, seed):
    """a in (0.05, 1), b in (0.01, 1), h0 in (0.1, 2): what the log-space form needs."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.05, 1.0, size=(batch_size, seq_len, num_units))
    b = rng.uniform(0.01, 1.0, size=(batch_size, seq_len, num_units))
    h0 = rng.uniform(0.1, 2.0, size=(batch_size, num_units))
    return a, b, h0


def scaled_error(h, reference):
    """max |h - reference| / max |reference|."""
    return float(np.max(np.abs(h - reference)) / np.max(np.abs(reference)))


# ---------------------------------------------------------------- the loop, by hand


def test_loop_three_steps_by_hand():
    """Two units: a = (0.5, -2, 3) and (1, 0.25, -1), all values exact in binary."""
    a = np.array([[[0.5, 1.0], [-2.0, 0.25], [3.0, -1.0]]])  # (batch=1, time=3, units=2)
    b = np.array([[[1.0, -1.0], [2.0, 0.5], [-1.0, 4.0]]])
    h0 = np.array([[4.0, 8.0]])  # (batch=1, units=2)
    # unit 0: h1 = 0.5*4 + 1 = 3,  h2 = -2*3 + 2 = -4,   h3 = 3*(-4) - 1 = -13
    # unit 1: h1 = 1*8 - 1 = 7,    h2 = 0.25*7 + 0.5 = 2.25, h3 = -1*2.25 + 4 = 1.75
    expected = [[[3.0, 7.0], [-4.0, 2.25], [-13.0, 1.75]]]
    h, rounds = scan.loop(a, b, h0)
    np.testing.assert_array_equal(h, expected)
    assert rounds == 3
    for function in SCANS.values():
        np.testing.assert_array_equal(function(a, b, h0)[0], expected)


def test_loop_without_h0_starts_from_zero():
    a = np.array([[[0.5], [0.5], [0.5]]])  # (1, 3, 1)
    b = np.ones((1, 3, 1))
    h, rounds = scan.loop(a, b)
    np.testing.assert_array_equal(h[0, :, 0], [1.0, 1.5, 1.75])  # 1, 0.5 + 1, 0.75 + 1
    assert rounds == 3 and h.shape == (1, 3, 1) and h.dtype == np.float64


def test_nested_lists_are_accepted():
    h, _ = scan.loop([[[0.5], [2.0]]], [[[1.0], [1.0]]], h0=[[2.0]])
    np.testing.assert_array_equal(h, [[[2.0], [5.0]]])


# ---------------------------------------------------------------- the scans against the loop


@pytest.mark.parametrize("name", SCANS)
@pytest.mark.parametrize("seq_len", LENGTHS)
def test_scans_match_the_loop(name, seq_len):
    a, b, h0 = random_sequence(3, seq_len, 4, seed=seq_len)
    for start in (None, h0):
        expected, _ = scan.loop(a, b, start)
        h, _ = SCANS[name](a, b, start)
        assert h.shape == expected.shape == (3, seq_len, 4)
        assert scaled_error(h, expected) <= SCAN_RTOL, (name, seq_len, start is None)


@pytest.mark.parametrize("name", SCANS)
def test_h0_matters(name):
    a, b, h0 = random_sequence(2, 9, 3, seed=1)
    assert np.abs(SCANS[name](a, b, h0)[0] - SCANS[name](a, b)[0]).max() > 1e-3


@pytest.mark.parametrize("seq_len", [2, 3, 4, 5, 7, 8, 9, 100, 1000])
def test_round_counts(seq_len):
    a, b, _ = random_sequence(1, seq_len, 1, seed=0)
    levels = math.ceil(math.log2(seq_len))
    assert scan.loop(a, b)[1] == seq_len
    assert scan.hillis_steele(a, b)[1] == levels
    assert scan.blelloch(a, b)[1] == 2 * levels + 1  # up, down, and the last combine
    assert scan.closed_form(a, b)[1] == levels
    assert scan.log_space(np.log(np.abs(a)), np.log(np.abs(b)))[1] == levels


def test_round_counts_for_one_step():
    """T = 1: ceil(log2 1) = 0. Hillis–Steele does no round (the answer is b_1 + a_1 h0);
    Blelloch does only its last, inclusive round, 2 * 0 + 1 = 1; log_space and closed_form
    report 1 round, max(1, ceil(log2 T))."""
    a, b, h0 = random_sequence(2, 1, 3, seed=0)
    expected = a[:, 0] * h0 + b[:, 0]
    assert scan.loop(a, b, h0)[1] == 1
    for function, rounds in ((scan.hillis_steele, 0), (scan.blelloch, 1)):
        h, counted = function(a, b, h0)
        np.testing.assert_allclose(h[:, 0], expected, rtol=1e-15)
        assert counted == rounds, function.__name__
    assert scan.closed_form(a, b, h0)[1] == 1
    assert scan.log_space(np.log(np.abs(a)), np.log(np.abs(b)))[1] == 1


# ---------------------------------------------------------------- the combine rule


def apply(step, h):
    """The affine map of one step, h -> a h + b."""
    a, b = step
    return a * h + b


def random_steps(count, seed, shape=(5,)):
    rng = np.random.default_rng(seed)
    return [(rng.uniform(-2, 2, size=shape), rng.normal(size=shape)) for _ in range(count)]


def test_combine_is_first_then_second():
    first, second = random_steps(2, seed=0)
    h = np.random.default_rng(1).normal(size=5)
    np.testing.assert_allclose(apply(scan.combine(first, second), h),
                               apply(second, apply(first, h)), rtol=1e-13)


def test_combine_by_hand():
    a, b = scan.combine((2.0, 3.0), (5.0, 7.0))  # (2 * 5, 5 * 3 + 7)
    assert (float(a), float(b)) == (10.0, 22.0)


@pytest.mark.parametrize("seed", range(5))
def test_combine_is_associative(seed):
    e1, e2, e3 = random_steps(3, seed)
    left = scan.combine(scan.combine(e1, e2), e3)
    right = scan.combine(e1, scan.combine(e2, e3))
    for x, y in zip(left, right):
        np.testing.assert_allclose(x, y, rtol=1e-13, atol=1e-15)


def test_combine_is_not_commutative():
    e1, e2 = (2.0, 3.0), (5.0, 7.0)
    assert scan.combine(e1, e2) == (10.0, 22.0)
    assert scan.combine(e2, e1) == (10.0, 17.0)  # (5 * 2, 2 * 7 + 3): another map
    assert scan.combine(e1, e2) != scan.combine(e2, e1)


def test_combine_has_the_identity_one_zero():
    (step,) = random_steps(1, seed=2)
    for result in (scan.combine((1.0, 0.0), step), scan.combine(step, (1.0, 0.0))):
        np.testing.assert_array_equal(result[0], step[0])
        np.testing.assert_array_equal(result[1], step[1])


# ---------------------------------------------------------------- log space, closed form


# The log form sums T logs (A_t) and adds exponentials: measured 2e-13 relative for
# T = 1000 (4e-16 for T = 2); the tolerance leaves room, a wrong term is O(1).
LOG_RTOL = 1e-11


@pytest.mark.parametrize("seq_len", [1, 2, 7, 100, 1000])
def test_log_space_matches_the_loop(seq_len):
    a, b, h0 = positive_sequence(2, seq_len, 3, seed=seq_len)
    log_h, _ = scan.log_space(np.log(a), np.log(b))
    np.testing.assert_allclose(np.exp(log_h), scan.loop(a, b)[0], rtol=LOG_RTOL)
    log_h, _ = scan.log_space(np.log(a), np.log(b), np.log(h0))
    np.testing.assert_allclose(np.exp(log_h), scan.loop(a, b, h0)[0], rtol=LOG_RTOL)


def test_log_space_takes_b_zero_as_minus_infinity():
    a, b, h0 = positive_sequence(1, 6, 2, seed=3)
    b[:, ::2] = 0.0
    with np.errstate(divide="ignore"):
        log_b = np.log(b)
    log_h, _ = scan.log_space(np.log(a), log_b, np.log(h0))
    np.testing.assert_allclose(np.exp(log_h), scan.loop(a, b, h0)[0], rtol=1e-13)


def test_closed_form_matches_the_loop_on_short_sequences():
    a, b, h0 = positive_sequence(2, 20, 3, seed=4)
    a = 0.5 + 0.5 * a  # in (0.5, 1): P_20 stays far above the underflow
    np.testing.assert_allclose(scan.closed_form(a, b, h0)[0], scan.loop(a, b, h0)[0],
                               rtol=1e-10)
    a, b, h0 = random_sequence(2, 10, 3, seed=5)  # signs of both kinds are fine too
    np.testing.assert_allclose(scan.closed_form(a, b, h0)[0], scan.loop(a, b, h0)[0],
                               rtol=1e-8, atol=1e-10)


def test_closed_form_breaks_on_a_long_sequence_and_log_space_does_not():
    """a ~ 0.5 for 2,000 steps: P_t = prod a_k underflows (0.5**1075 = 0 in float64), then
    b_k / P_k = inf and h = 0 * inf = NaN; the log form stays finite and right."""
    rng = np.random.default_rng(6)
    a = rng.uniform(0.45, 0.55, size=(1, 2000, 2))  # (batch, time, units)
    b = rng.uniform(0.5, 1.0, size=(1, 2000, 2))
    closed, _ = scan.closed_form(a, b)
    assert not np.isfinite(closed).all()
    assert np.isfinite(closed[:, :100]).all()  # fine at the start
    expected, _ = scan.loop(a, b)
    np.testing.assert_allclose(np.exp(scan.log_space(np.log(a), np.log(b))[0]), expected,
                               rtol=LOG_RTOL)


# ---------------------------------------------------------------- the inputs stay as given


def test_inputs_are_not_modified():
    a, b, h0 = positive_sequence(2, 9, 3, seed=7)
    given = [array.copy() for array in (a, b, h0)]
    for function in (scan.loop, scan.hillis_steele, scan.blelloch, scan.closed_form):
        function(a, b, h0)
        for array, copy in zip((a, b, h0), given):
            np.testing.assert_array_equal(array, copy, err_msg=function.__name__)
    logs = [np.log(array) for array in (a, b, h0)]
    copies = [log.copy() for log in logs]
    scan.log_space(*logs)
    for log, copy in zip(logs, copies):
        np.testing.assert_array_equal(log, copy)
    first, second = (a, b), (a[::-1].copy(), b[::-1].copy())
    scan.combine(first, second)
    np.testing.assert_array_equal(a, given[0])
    np.testing.assert_array_equal(b, given[1])
