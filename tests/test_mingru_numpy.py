"""Tests for rnncourse/mingru_numpy.py.

Reference answers: three steps of one unit computed by hand with the math module (both
branches of g), the step loop against the log-space scan, central finite differences for
the backward pass, and Keras' Glorot-uniform bound for the initial weights.
"""

import math
import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # test_rnn_numpy imports keras

from rnncourse import mingru_numpy, scan  # noqa: E402
from bad_input import checks_run  # noqa: E402  (tests/bad_input.py)
from test_rnn_numpy import numerical_grads, rel_error  # noqa: E402

# The log-space scan adds T logs and exponentials where the loop multiplies: measured
# 8e-15 relative for T = 50 (2e-16 for T = 1); a wrong coefficient (z for 1 - z, g for
# tanh) is O(0.1).
PARALLEL_RTOL = 1e-12
FD_RTOL = 1e-6  # central differences with a 1e-6 step in float64: measured <= 7e-10


def sigmoid(k):
    return 1.0 / (1.0 + math.exp(-k))


def make_params(num_features, num_units, seed):
    """init_params plus a random bias, so that a bug in either block shows up."""
    rng = np.random.default_rng(seed)
    params = mingru_numpy.init_params(num_features, num_units, rng)
    params["b"] = params["b"] + rng.normal(scale=0.5, size=2 * num_units)
    return params


def random_problem(batch_size, seq_len, num_features, num_units, seed):
    """params, x (batch, time, features), a positive h0 (batch, units), dh like h."""
    rng = np.random.default_rng(seed)
    params = make_params(num_features, num_units, seed)
    x = rng.normal(size=(batch_size, seq_len, num_features))
    h0 = rng.uniform(0.1, 1.5, size=(batch_size, num_units))
    dh = rng.normal(size=(batch_size, seq_len, num_units))
    return params, x, h0, dh


# ---------------------------------------------------------------- hand-computed


TINY = {"W_x": np.array([[0.5, -0.8]]), "b": np.array([0.2, 0.3])}  # 1 feature, 1 unit


def hand_step(x, h):
    """One minGRU step for TINY, with floats and the math module."""
    k_z, k_h = 0.5 * x + 0.2, -0.8 * x + 0.3
    z = sigmoid(k_z)
    h_tilde = k_h + 0.5 if k_h >= 0 else sigmoid(k_h)
    return z * h + (1 - z) * h_tilde


def test_three_steps_by_hand():
    """x = 1, -2, 0.5: k_h = -0.5 (the sigmoid branch), 1.9 (the linear one), -0.1."""
    inputs, h_prev, expected = [1.0, -2.0, 0.5], 0.3, []
    for x_value in inputs:
        h_prev = hand_step(x_value, h_prev)
        expected.append(h_prev)
    x = np.array(inputs).reshape(1, 3, 1)  # (batch=1, time=3, features=1)
    for parallel in (False, True):
        h = mingru_numpy.forward(x, TINY, h0=[[0.3]], parallel=parallel)
        np.testing.assert_allclose(h[0, :, 0], expected, rtol=0, atol=1e-14)


def test_coefficients_by_hand():
    a, b, z, k_h = mingru_numpy.coefficients(np.array([[[1.0]]]), TINY)
    assert k_h[0, 0, 0] == pytest.approx(-0.5, abs=1e-15)
    assert z[0, 0, 0] == pytest.approx(sigmoid(0.7), abs=1e-15)
    assert a[0, 0, 0] == z[0, 0, 0]
    assert b[0, 0, 0] == pytest.approx((1 - sigmoid(0.7)) * sigmoid(-0.5), abs=1e-15)


def test_the_coefficients_give_the_states_through_the_scan():
    params, x, h0, _ = random_problem(2, 7, 3, 4, seed=0)
    a, b, _, _ = mingru_numpy.coefficients(x, params)
    np.testing.assert_array_equal(mingru_numpy.forward(x, params, h0), scan.loop(a, b, h0)[0])


# ---------------------------------------------------------------- g


def test_g_by_hand_and_continuous_at_zero():
    np.testing.assert_allclose(mingru_numpy.g(np.array([-2.0, 0.0, 3.0])),
                               [sigmoid(-2.0), 0.5, 3.5], rtol=1e-15)
    assert mingru_numpy.g(0.0) == 0.5 == sigmoid(0.0)  # both branches give 1/2 at 0
    for step in (1e-3, 1e-6, 1e-9):
        gap = abs(mingru_numpy.g(step) - mingru_numpy.g(-step))  # slopes 1 and 1/4
        assert gap == pytest.approx(1.25 * step, rel=1e-3)


def test_g_is_positive_and_increasing():
    k = np.linspace(-30, 30, 6001)
    values = mingru_numpy.g(k)
    assert np.all(values > 0)
    assert np.all(np.diff(values) > 0)
    np.testing.assert_array_equal(values[k >= 0], k[k >= 0] + 0.5)


def test_g_stays_positive_far_below_zero():
    assert mingru_numpy.g(np.array([-40.0, -100.0, -700.0])).min() > 0


# ---------------------------------------------------------------- loop against parallel


@pytest.mark.parametrize("seq_len", [1, 2, 7, 50])
def test_forward_loop_matches_parallel(seq_len):
    params, x, h0, _ = random_problem(3, seq_len, 4, 5, seed=seq_len)
    for start in (None, h0):
        loop = mingru_numpy.forward(x, params, start)
        parallel = mingru_numpy.forward(x, params, start, parallel=True)
        assert loop.shape == parallel.shape == (3, seq_len, 5)
        np.testing.assert_allclose(parallel, loop, rtol=PARALLEL_RTOL)
    assert np.all(loop > 0)  # h0 > 0 and g > 0: every state is positive


def test_forward_parallel_with_a_zero_h0_entry():
    params, x, h0, _ = random_problem(2, 6, 2, 3, seed=1)
    h0[0, 1] = 0.0
    with np.errstate(divide="ignore"):  # log 0 = -inf, as the scan expects
        parallel = mingru_numpy.forward(x, params, h0, parallel=True)
    np.testing.assert_allclose(parallel, mingru_numpy.forward(x, params, h0),
                               rtol=PARALLEL_RTOL)


def test_forward_parallel_refuses_a_negative_h0():
    params, x, h0, _ = random_problem(2, 6, 2, 3, seed=2)
    h0[1, 0] = -0.5
    assert np.isfinite(mingru_numpy.forward(x, params, h0)).all()  # the loop is fine
    with pytest.raises(ValueError, match="h0"):
        mingru_numpy.forward(x, params, h0, parallel=True)


def test_forward_parallel_with_a_saturated_gate():
    x = np.full((1, 3, 1), -100.0)  # k_z = -100: the gate lets the candidate through
    params = {"W_x": np.array([[1.0, 1.0]]), "b": np.zeros(2)}
    np.testing.assert_allclose(mingru_numpy.forward(x, params, parallel=True),
                               mingru_numpy.forward(x, params), atol=1e-15)


def test_forward_checks_its_arguments_once_not_at_every_step(monkeypatch):
    params = mingru_numpy.init_params(4, 5, np.random.default_rng(0))
    for parallel in (False, True):
        one_step, forty_steps = (
            checks_run(monkeypatch, mingru_numpy, lambda: mingru_numpy.forward(
                np.zeros((2, steps, 4)), params, parallel=parallel))
            for steps in (1, 40))
        assert forty_steps == one_step


# ---------------------------------------------------------------- backward


def linear_loss(arrays, dh):
    """sum(dh * h): its gradient with respect to h is dh."""
    params = {name: arrays[name] for name in mingru_numpy.PARAM_NAMES}
    return float(np.sum(dh * mingru_numpy.forward(arrays["x"], params, arrays["h0"])))


@pytest.mark.parametrize("case", ["every-step", "last-step", "zero-h0"])
def test_backward_matches_finite_differences(case):
    params, x, h0, dh = random_problem(2, 5, 3, 4, seed=10)
    _, _, _, k_h = mingru_numpy.coefficients(x, params)
    assert np.abs(k_h).min() > 1e-4  # no difference step crosses g's kink at 0
    if case == "last-step":
        dh[:, :-1] = 0.0
    if case == "zero-h0":
        h0 = np.zeros_like(h0)
    h = mingru_numpy.forward(x, params, h0)
    grads = mingru_numpy.backward(x, h, params, dh, None if case == "zero-h0" else h0)
    numeric = numerical_grads(lambda arrays: linear_loss(arrays, dh),
                              dict(params, x=x.copy(), h0=h0.copy()))
    assert sorted(grads) == sorted(numeric) == ["W_x", "b", "h0", "x"]
    for name, expected in numeric.items():
        assert grads[name].shape == expected.shape and grads[name].dtype == np.float64
        assert rel_error(grads[name], expected) <= FD_RTOL, name


def test_backward_one_step_by_hand():
    """TINY, one step from h0 = 0.3, loss = h_1 (k_h = -0.5 < 0: the sigmoid branch)."""
    x_value, h_prev = 1.0, 0.3
    z, h_tilde = sigmoid(0.7), sigmoid(-0.5)
    dk_z = (h_prev - h_tilde) * z * (1 - z)
    dk_h = (1 - z) * h_tilde * (1 - h_tilde)
    x = np.array([[[x_value]]])
    h = mingru_numpy.forward(x, TINY, [[h_prev]])
    grads = mingru_numpy.backward(x, h, TINY, np.ones((1, 1, 1)), [[h_prev]])
    np.testing.assert_allclose(grads["b"], [dk_z, dk_h], rtol=0, atol=1e-15)
    np.testing.assert_allclose(grads["W_x"], [[x_value * dk_z, x_value * dk_h]], atol=1e-15)
    assert grads["x"][0, 0, 0] == pytest.approx(0.5 * dk_z - 0.8 * dk_h, abs=1e-15)
    assert grads["h0"][0, 0] == pytest.approx(z, abs=1e-15)


def test_backward_with_states_from_the_parallel_forward():
    params, x, h0, dh = random_problem(2, 8, 3, 4, seed=11)
    from_loop = mingru_numpy.backward(x, mingru_numpy.forward(x, params, h0), params, dh, h0)
    h = mingru_numpy.forward(x, params, h0, parallel=True)
    from_parallel = mingru_numpy.backward(x, h, params, dh, h0)
    for name, grad in from_loop.items():
        np.testing.assert_allclose(from_parallel[name], grad, rtol=1e-10, atol=1e-12)


def test_backward_is_causal():
    """A loss on h_1..h_3 sends nothing to the inputs after step 3."""
    params, x, h0, dh = random_problem(2, 7, 3, 4, seed=12)
    dh[:, 3:] = 0.0
    grads = mingru_numpy.backward(x, mingru_numpy.forward(x, params, h0), params, dh, h0)
    assert not grads["x"][:, 3:].any()
    assert np.abs(grads["x"][:, :3]).min() > 0


# ---------------------------------------------------------------- init


def test_init_params_shapes_and_keras_glorot_bound():
    num_features, num_units = 20, 30
    params = mingru_numpy.init_params(num_features, num_units, np.random.default_rng(1))
    assert list(params) == list(mingru_numpy.PARAM_NAMES) == ["W_x", "b"]
    assert params["W_x"].shape == (num_features, 2 * num_units)
    assert params["b"].shape == (2 * num_units,)
    # Keras' GlorotUniform on a (fan_in, fan_out) kernel: U[-limit, limit],
    # limit = sqrt(6 / (fan_in + fan_out)), here fan_out = 2 * units (blocks z, h).
    limit = math.sqrt(6 / (num_features + 2 * num_units))
    assert np.abs(params["W_x"]).max() <= limit
    assert np.abs(params["W_x"]).max() >= 0.99 * limit  # 1200 draws reach the bound
    assert params["W_x"].var() == pytest.approx(limit**2 / 3, rel=0.1)  # uniform variance
    np.testing.assert_array_equal(params["b"], 0.0)
    again = mingru_numpy.init_params(num_features, num_units, np.random.default_rng(1))
    for name in mingru_numpy.PARAM_NAMES:
        np.testing.assert_array_equal(params[name], again[name])
