"""Tests for rnncourse/gru_numpy.py.

Reference answers: a one-unit case computed by hand with the math module, Keras' GRUCell
and GRU (reset_after=True, the default) with the same weights loaded, finite differences
and tf.GradientTape through Keras' GRU for the backward pass, and properties that must
hold for any shape (hypothesis).
"""

import math
import os
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402

from rnncourse import gru_numpy, rnn_numpy  # noqa: E402
from bad_input import checks_run  # noqa: E402  (tests/bad_input.py)
from test_lstm_numpy import TF_RTOL, directional_error  # noqa: E402
from test_rnn_numpy import FD_RTOL, numerical_grads, rel_error  # noqa: E402

# As for the LSTM (tests/test_lstm_numpy.py): the same float64 operations in another
# summation order, gates in (0, 1) and tanh of slope <= 1, so rounding does not grow over
# the steps tested (measured: about 1e-16); any real bug (swapped blocks, the reset gate
# applied before W_h, a missing bias row) is O(0.1).
KERAS_ATOL = 1e-12


def make_params(num_features, num_units, seed):
    """gru_init_params plus random bias rows, so that a bug in either row shows up."""
    rng = np.random.default_rng(seed)
    params = gru_numpy.gru_init_params(num_features, num_units, rng)
    params["b"] = params["b"] + rng.normal(scale=0.5, size=(2, 3 * num_units))
    return params


def random_state(batch_size, num_units, seed):
    """A nonzero initial state in (-1, 1), like a real hidden state: (batch, units)."""
    return np.tanh(np.random.default_rng(seed).normal(size=(batch_size, num_units)))


def keras_gru(params, x, h0=None):
    """(all h, last h) of keras.layers.GRU loaded with params, in float64."""
    _, seq_len, num_features = x.shape
    layer = keras.layers.GRU(params["W_h"].shape[0], return_sequences=True,
                             return_state=True, dtype="float64")
    layer(keras.Input(shape=(seq_len, num_features), dtype="float64"))  # builds the weights
    layer.set_weights([params[name] for name in gru_numpy.PARAM_NAMES])
    # Call the layer directly: model.predict would round the inputs to float32 first.
    outputs = layer(x, initial_state=None if h0 is None else [h0])
    return tuple(keras.ops.convert_to_numpy(array) for array in outputs)


# ---------------------------------------------------------------- hand-computed


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def tiny_params():
    """1 feature, 1 unit: one weight per gate, blocks in Keras order z, r, h."""
    return {
        "W_x": np.array([[0.5, -0.3, 0.8]]),  # (features=1, 3*units=3)
        "W_h": np.array([[0.1, 0.4, -0.6]]),  # (units=1, 3*units=3)
        "b": np.array([[0.2, 0.0, -0.1],  # b_in
                       [-0.3, 0.5, 0.4]]),  # b_rec
    }


def hand_step(x, h):
    """One GRU step for tiny_params(), written with floats and the math module."""
    z = sigmoid((0.5 * x + 0.2) + (0.1 * h - 0.3))
    r = sigmoid((-0.3 * x + 0.0) + (0.4 * h + 0.5))
    h_tilde = math.tanh((0.8 * x - 0.1) + r * (-0.6 * h + 0.4))  # reset after W_h and b_rec
    return z * h + (1 - z) * h_tilde


def test_three_steps_by_hand():
    inputs, h_prev, expected = [1.0, -2.0, 0.5], 0.3, []
    for x_value in inputs:
        h_prev = hand_step(x_value, h_prev)
        expected.append(h_prev)
    x = np.array(inputs).reshape(1, 3, 1)  # (batch=1, time=3, features=1)
    h = gru_numpy.gru_forward(x, tiny_params(), h0=[[0.3]])
    np.testing.assert_allclose(h[0, :, 0], expected, rtol=0, atol=1e-15)


def test_step_by_hand_with_zero_state():
    h_t = gru_numpy.gru_step(np.array([[2.0]]), None, tiny_params())
    assert h_t.shape == (1, 1)
    assert h_t[0, 0] == pytest.approx(hand_step(2.0, 0.0), abs=1e-15)


def test_closed_update_gate_keeps_the_state():
    """z = 1 (saturated bias): h_t = h_{t-1} exactly, whatever the input."""
    params = make_params(2, 3, seed=0)
    params["b"][0, :3] = 60.0  # update gate: sigmoid(60 + ...) rounds to 1.0
    x = np.random.default_rng(1).normal(size=(2, 10, 2))
    h0 = random_state(2, 3, seed=2)
    h = gru_numpy.gru_forward(x, params, h0=h0)
    np.testing.assert_array_equal(h, np.broadcast_to(h0[:, None], h.shape))


# ---------------------------------------------------------------- init


def test_init_params_keras_scheme():
    num_features, num_units = 3, 5
    params = gru_numpy.gru_init_params(num_features, num_units, np.random.default_rng(1))
    assert params["W_x"].shape == (num_features, 3 * num_units)
    assert params["W_h"].shape == (num_units, 3 * num_units)
    assert params["b"].shape == (2, 3 * num_units)
    assert np.abs(params["W_x"]).max() <= math.sqrt(6 / (num_features + 3 * num_units))
    np.testing.assert_allclose(params["W_h"] @ params["W_h"].T, np.eye(num_units), atol=1e-12)
    np.testing.assert_array_equal(params["b"], 0.0)
    again = gru_numpy.gru_init_params(num_features, num_units, np.random.default_rng(1))
    for name in gru_numpy.PARAM_NAMES:
        np.testing.assert_array_equal(params[name], again[name])


def test_keras_default_layout_and_parameter_count_agree():
    num_features, num_units = 3, 4
    layer = keras.layers.GRU(num_units)
    layer.build((None, None, num_features))
    ours = gru_numpy.gru_init_params(num_features, num_units, np.random.default_rng(0))
    assert layer.cell.reset_after  # Keras 3's default: two bias rows
    assert layer.recurrent_activation is keras.activations.sigmoid
    assert [w.shape for w in layer.get_weights()] == [ours[k].shape for k in gru_numpy.PARAM_NAMES]
    np.testing.assert_array_equal(layer.get_weights()[2], ours["b"])
    simple = num_features * num_units + num_units * num_units + num_units
    assert layer.count_params() == rnn_numpy.count_params(ours) == 3 * (simple + num_units)


# ---------------------------------------------------------------- against Keras


def test_one_step_matches_keras_cell():
    num_features, num_units, batch_size = 3, 5, 4
    params = make_params(num_features, num_units, seed=3)
    x_t = np.random.default_rng(4).normal(size=(batch_size, num_features))
    h_prev = random_state(batch_size, num_units, seed=5)
    cell = keras.layers.GRUCell(num_units, dtype="float64")
    cell.build((None, num_features))
    cell.set_weights([params[name] for name in gru_numpy.PARAM_NAMES])
    keras_h, _ = cell(x_t, h_prev)
    h_t = gru_numpy.gru_step(x_t, h_prev, params)
    np.testing.assert_allclose(h_t, keras.ops.convert_to_numpy(keras_h), rtol=0, atol=KERAS_ATOL)


@pytest.mark.parametrize(
    "batch_size, seq_len, num_features, num_units", [(1, 1, 1, 1), (4, 7, 3, 5), (2, 30, 6, 8)]
)
def test_sequence_matches_keras_gru(batch_size, seq_len, num_features, num_units):
    params = make_params(num_features, num_units, seed=seq_len)
    x = np.random.default_rng(0).normal(size=(batch_size, seq_len, num_features))
    h = gru_numpy.gru_forward(x, params)
    keras_h, keras_h_last = keras_gru(params, x)
    np.testing.assert_allclose(h, keras_h, rtol=0, atol=KERAS_ATOL)
    np.testing.assert_allclose(h[:, -1], keras_h_last, rtol=0, atol=KERAS_ATOL)


def test_sequence_matches_keras_with_initial_state():
    batch_size, seq_len, num_features, num_units = 3, 9, 2, 4
    params = make_params(num_features, num_units, seed=6)
    x = np.random.default_rng(7).normal(size=(batch_size, seq_len, num_features))
    h0 = random_state(batch_size, num_units, seed=8)
    h = gru_numpy.gru_forward(x, params, h0=h0)
    keras_h, keras_h_last = keras_gru(params, x, h0)
    np.testing.assert_allclose(h, keras_h, rtol=0, atol=KERAS_ATOL)
    np.testing.assert_allclose(h[:, -1], keras_h_last, rtol=0, atol=KERAS_ATOL)
    assert np.abs(h - gru_numpy.gru_forward(x, params)).max() > 1e-3  # h0 matters


def test_forward_checks_its_arguments_once_not_at_every_step(monkeypatch):
    params = gru_numpy.gru_init_params(4, 5, np.random.default_rng(0))
    one_step, forty_steps = (
        checks_run(monkeypatch, gru_numpy, lambda: gru_numpy.gru_forward(np.zeros((2, steps, 4)), params))
        for steps in (1, 40))
    assert forty_steps == one_step  # the same checks for 40 steps as for one


@settings(max_examples=30, deadline=None)
@given(
    batch_size=st.integers(1, 4),
    seq_len=st.integers(1, 8),
    extra_steps=st.integers(1, 5),
    num_features=st.integers(1, 4),
    num_units=st.integers(1, 6),
    input_scale=st.floats(0.1, 1000.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_shapes_bounds_and_causality(
    batch_size, seq_len, extra_steps, num_features, num_units, input_scale, seed
):
    rng = np.random.default_rng(seed)
    params = make_params(num_features, num_units, seed)
    x_long = input_scale * rng.normal(size=(batch_size, seq_len + extra_steps, num_features))
    h0 = random_state(batch_size, num_units, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, even when the gates saturate
        h, gates = gru_numpy.gru_forward(x_long[:, :seq_len], params, h0=h0, return_gates=True)
        h_long = gru_numpy.gru_forward(x_long, params, h0=h0)
    assert h.shape == (batch_size, seq_len, num_units)
    assert gates.shape == (batch_size, seq_len, 3 * num_units)
    # h_t = z h_{t-1} + (1 - z) h~ lies between h_{t-1} and h~, so |h_t| <= 1 when |h0| < 1.
    assert np.all(np.abs(h) <= 1)
    z, _, h_tilde = np.split(gates, 3, axis=2)  # (batch, time, units) each
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)  # (batch, time, units)
    np.testing.assert_array_equal(h, z * h_prev + (1 - z) * h_tilde)
    np.testing.assert_array_equal(h, h_long[:, :seq_len])  # h_t depends on x_1..x_t only


# ================================================================ backward pass


def linear_loss(arrays, dh, dh_T=None):
    """sum(dh * h) + sum(dh_T * h_T): its gradients w.r.t. Keras' two outputs are dh, dh_T."""
    params = {name: arrays[name] for name in gru_numpy.PARAM_NAMES}
    h = gru_numpy.gru_forward(arrays["x"], params, h0=arrays["h0"])
    return float(np.sum(dh * h) + (0.0 if dh_T is None else np.sum(dh_T * h[:, -1])))


def random_problem(batch_size, seq_len, num_features, num_units, seed):
    """Parameters with random bias rows, x, a nonzero h0, and random dh and dh_T."""
    rng = np.random.default_rng(seed)
    params = make_params(num_features, num_units, seed)
    x = rng.normal(size=(batch_size, seq_len, num_features))  # (batch, time, features)
    h0 = random_state(batch_size, num_units, seed + 1)  # (batch, units)
    dh = rng.normal(size=(batch_size, seq_len, num_units))  # (batch, time, units)
    dh_T = rng.normal(size=(batch_size, num_units))  # (batch, units)
    return params, x, h0, dh, dh_T


def backward(params, x, h0, dh, dh_T=None):
    """gru_forward(return_gates=True), then gru_backward, as a learner calls them."""
    h, gates = gru_numpy.gru_forward(x, params, h0=h0, return_gates=True)
    return gru_numpy.gru_backward(x, h, gates, params, dh, h0=h0, dh_T=dh_T)


@pytest.mark.parametrize("case", ["many-to-many", "many-to-one", "final-state", "zero-h0"])
def test_backward_matches_finite_differences(case):
    """Every parameter (both bias rows), x and h0."""
    params, x, h0, dh, dh_T = random_problem(2, 5, 3, 4, seed=40)
    if case == "many-to-one":
        dh[:, :-1], dh_T = 0.0, None
    elif case == "final-state":
        dh[:] = 0.0  # only the returned h_T reaches the loss
    elif case == "zero-h0":
        h0 = np.zeros_like(h0)
    grads = backward(params, x, None if case == "zero-h0" else h0, dh, dh_T)
    numeric = numerical_grads(lambda a: linear_loss(a, dh, dh_T),
                              dict(params, x=x.copy(), h0=h0.copy()))
    assert list(grads) == ["W_x", "W_h", "b", "x", "h0"]
    for name, expected in numeric.items():
        assert grads[name].shape == expected.shape and grads[name].dtype == np.float64
        assert rel_error(grads[name], expected) <= FD_RTOL, name


def keras_gradients(params, x, h0, dh, dh_T):
    """Gradients of the linear loss through keras.layers.GRU (float64), by GradientTape."""
    import tensorflow as tf

    _, seq_len, num_features = x.shape
    layer = keras.layers.GRU(params["W_h"].shape[0], return_sequences=True,
                             return_state=True, dtype="float64")
    layer(keras.Input(shape=(seq_len, num_features), dtype="float64"))  # builds the weights
    layer.set_weights([params[name] for name in gru_numpy.PARAM_NAMES])
    x_var, h0_var = tf.Variable(x), tf.Variable(h0)
    with tf.GradientTape() as tape:
        h, h_last = layer(x_var, initial_state=[h0_var])
        loss = tf.reduce_sum(dh * h) + tf.reduce_sum(dh_T * h_last)
    sources = [w.value for w in layer.trainable_weights] + [x_var, h0_var]
    names = list(gru_numpy.PARAM_NAMES) + ["x", "h0"]
    return {name: grad.numpy() for name, grad in zip(names, tape.gradient(loss, sources))}


def test_backward_matches_keras_gradient_tape():
    params, x, h0, dh, dh_T = random_problem(3, 12, 3, 5, seed=41)
    ours = backward(params, x, h0, dh, dh_T)
    theirs = keras_gradients(params, x, h0, dh, dh_T)
    for name in theirs:
        assert rel_error(ours[name], theirs[name]) <= TF_RTOL, name


def test_backward_by_hand_one_step():
    """tiny_params, one step from h0 = 0.3, loss = h_1: the chain rule in floats."""
    x_value, h_prev = 1.5, 0.3
    z = sigmoid((0.5 * x_value + 0.2) + (0.1 * h_prev - 0.3))
    r = sigmoid((-0.3 * x_value + 0.0) + (0.4 * h_prev + 0.5))
    recurrent_h = -0.6 * h_prev + 0.4
    h_tilde = math.tanh((0.8 * x_value - 0.1) + r * recurrent_h)
    dh_tilde_raw = (1 - z) * (1 - h_tilde**2)
    dz_raw = (h_prev - h_tilde) * z * (1 - z)
    dr_raw = dh_tilde_raw * recurrent_h * r * (1 - r)
    grads = backward(tiny_params(), np.array([[[x_value]]]), np.array([[h_prev]]),
                     np.ones((1, 1, 1)))
    db = [[dz_raw, dr_raw, dh_tilde_raw], [dz_raw, dr_raw, dh_tilde_raw * r]]  # b_in, b_rec
    np.testing.assert_allclose(grads["b"], db, rtol=0, atol=1e-15)
    np.testing.assert_allclose(grads["W_x"][0], np.multiply(x_value, db[0]), rtol=0, atol=1e-15)
    np.testing.assert_allclose(grads["W_h"][0], np.multiply(h_prev, db[1]), rtol=0, atol=1e-15)
    assert grads["x"][0, 0, 0] == pytest.approx(np.dot(db[0], [0.5, -0.3, 0.8]), abs=1e-15)
    assert grads["h0"][0, 0] == pytest.approx(z + np.dot(db[1], [0.1, 0.4, -0.6]), abs=1e-15)


def test_backward_checks_its_arguments_once_not_at_every_step(monkeypatch):
    checked = []
    sized = gru_numpy._checks.sized
    monkeypatch.setattr(gru_numpy._checks, "sized",
                        lambda name, *args, **kwargs: checked.append(name) or sized(name, *args,
                                                                                    **kwargs))
    for seq_len in (1, 40):
        params, x, h0, dh, dh_T = random_problem(2, seq_len, 3, 4, seed=42)
        h, gates = gru_numpy.gru_forward(x, params, h0=h0, return_gates=True)
        checked.clear()
        gru_numpy.gru_backward(x, h, gates, params, dh, h0, dh_T)
        if seq_len == 1:
            one_step = list(checked)
    assert checked == one_step  # the same checks for 40 steps as for one


@settings(max_examples=20, deadline=None)
@given(
    last_loss_step=st.integers(0, 5),
    batch_size=st.integers(1, 3),
    seq_len=st.integers(1, 6),
    num_features=st.integers(1, 3),
    num_units=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_backward_directional_derivative_linearity_and_causality(
    last_loss_step, batch_size, seq_len, num_features, num_units, seed
):
    params, x, h0, dh, dh_T = random_problem(batch_size, seq_len, num_features, num_units, seed)
    arrays = dict(params, x=x, h0=h0)
    grads = backward(params, x, h0, dh, dh_T)
    assert directional_error(lambda a: linear_loss(a, dh, dh_T), arrays, grads, seed) <= FD_RTOL
    # Linear in (dh, dh_T): the gradients of two losses add up.
    only_sequence = backward(params, x, h0, dh)
    only_final = backward(params, x, h0, np.zeros_like(dh), dh_T)
    for name, grad in grads.items():
        np.testing.assert_allclose(only_sequence[name] + only_final[name], grad,
                                   rtol=1e-12, atol=1e-14 * np.abs(grad).max(initial=1.0))
    # Causality: a loss on h_1..h_s sends nothing to the inputs after step s.
    last = min(last_loss_step, seq_len - 1)
    dh[:, last + 1:] = 0.0
    assert not backward(params, x, h0, dh)["x"][:, last + 1:].any()
