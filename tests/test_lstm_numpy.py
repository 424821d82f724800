"""Tests for rnncourse/lstm_numpy.py.

Reference answers: a one-unit case computed by hand with the math module,
Keras' LSTMCell and LSTM with the same weights loaded, and properties that must
hold for any shape (hypothesis); for the backward pass, finite differences and
tf.GradientTape through Keras' LSTM.
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

from rnncourse import lstm_numpy, rnn_numpy  # noqa: E402
from bad_input import checks_run  # noqa: E402  (tests/bad_input.py)
from test_rnn_numpy import FD_RTOL, FD_STEP, numerical_grads, rel_error  # noqa: E402

# Keras runs the same float64 operations (matmuls, add, sigmoid, tanh, products)
# but may sum in a different order and uses its own sigmoid kernel. Each step adds
# a rounding error of about 1e-16; the gates lie in (0, 1) and tanh has slope at
# most 1, so the error does not grow over the few dozen steps tested here
# (measured: a few 1e-16). 1e-12 leaves room for that and still catches any real
# bug (swapped gate blocks, a transposed weight, a missing bias), which is O(0.1).
KERAS_ATOL = 1e-12


def make_params(num_features, num_units, seed):
    """lstm_init_params plus a random bias, so that a bug in any bias block shows up."""
    rng = np.random.default_rng(seed)
    params = lstm_numpy.lstm_init_params(num_features, num_units, rng)
    params["b"] = params["b"] + rng.normal(scale=0.5, size=4 * num_units)
    return params


def random_states(batch_size, num_units, seed):
    """Nonzero initial states: h0 in (-1, 1) like a real hidden state, c0 unbounded."""
    rng = np.random.default_rng(seed)
    h0 = np.tanh(rng.normal(size=(batch_size, num_units)))  # (batch, units)
    c0 = rng.normal(scale=2.0, size=(batch_size, num_units))  # (batch, units)
    return h0, c0


def keras_lstm(params, x, h0=None, c0=None):
    """(all h, last h, last c) of keras.layers.LSTM loaded with params, in float64."""
    _, seq_len, num_features = x.shape
    num_units = params["W_h"].shape[0]
    layer = keras.layers.LSTM(
        num_units, return_sequences=True, return_state=True, dtype="float64"
    )
    layer(keras.Input(shape=(seq_len, num_features), dtype="float64"))  # builds the weights
    layer.set_weights([params[name] for name in lstm_numpy.PARAM_NAMES])
    # Call the layer directly: model.predict would round the inputs to float32 first.
    initial_state = None if h0 is None else [h0, c0]
    outputs = layer(x, initial_state=initial_state)
    return tuple(keras.ops.convert_to_numpy(array) for array in outputs)


# ---------------------------------------------------------------- hand-computed


def sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def tiny_params():
    """1 feature, 1 unit: one weight per gate, blocks in Keras order i, f, c, o."""
    return {
        "W_x": np.array([[0.5, -0.3, 0.8, 0.2]]),  # (features=1, 4*units=4)
        "W_h": np.array([[0.1, 0.4, -0.6, 0.3]]),  # (units=1, 4*units=4)
        "b": np.array([0.0, 1.0, -0.2, 0.1]),  # (4*units=4,)
    }


def hand_step(x, h, c):
    """One LSTM step for tiny_params(), written with floats and the math module."""
    i = sigmoid(0.5 * x + 0.1 * h + 0.0)
    f = sigmoid(-0.3 * x + 0.4 * h + 1.0)
    c_tilde = math.tanh(0.8 * x - 0.6 * h - 0.2)
    o = sigmoid(0.2 * x + 0.3 * h + 0.1)
    c_new = f * c + i * c_tilde
    return o * math.tanh(c_new), c_new


def test_three_steps_by_hand():
    inputs = [1.0, -2.0, 0.5]
    h_prev, c_prev = 0.3, -0.7  # nonzero initial state
    expected_h, expected_c = [], []
    for x_value in inputs:
        h_prev, c_prev = hand_step(x_value, h_prev, c_prev)
        expected_h.append(h_prev)
        expected_c.append(c_prev)
    x = np.array(inputs).reshape(1, 3, 1)  # (batch=1, time=3, features=1)
    h, c = lstm_numpy.lstm_forward(x, tiny_params(), h0=[[0.3]], c0=[[-0.7]])
    np.testing.assert_allclose(h[0, :, 0], expected_h, rtol=0, atol=1e-15)
    np.testing.assert_allclose(c[0, :, 0], expected_c, rtol=0, atol=1e-15)


def test_step_by_hand_with_zero_state():
    zero = np.zeros((1, 1))  # (batch=1, units=1)
    h_t, c_t = lstm_numpy.lstm_step(np.array([[2.0]]), zero, zero, tiny_params())
    expected_h, expected_c = hand_step(2.0, 0.0, 0.0)
    np.testing.assert_allclose([h_t[0, 0], c_t[0, 0]], [expected_h, expected_c], rtol=0, atol=1e-15)


def test_open_forget_gate_and_closed_input_gate_keep_the_cell():
    """f = 1, i = 0 (saturated biases): c_t = c_{t-1} exactly, the 'constant error carousel'."""
    params = make_params(2, 3, seed=0)
    params["b"][:3] = -60.0  # input gate: sigmoid(-60) ~ 1e-26
    params["b"][3:6] = 60.0  # forget gate: sigmoid(60) rounds to 1.0
    x = np.random.default_rng(1).normal(size=(2, 10, 2))
    h0, c0 = random_states(2, 3, seed=2)
    _, c = lstm_numpy.lstm_forward(x, params, h0=h0, c0=c0)
    np.testing.assert_allclose(c, np.broadcast_to(c0[:, None], c.shape), rtol=0, atol=1e-15)


# ---------------------------------------------------------------- init


def test_init_params_keras_scheme():
    num_features, num_units = 3, 5
    params = lstm_numpy.lstm_init_params(num_features, num_units, np.random.default_rng(1))
    assert params["W_x"].shape == (num_features, 4 * num_units)
    assert params["W_h"].shape == (num_units, 4 * num_units)
    assert params["b"].shape == (4 * num_units,)
    assert np.abs(params["W_x"]).max() <= math.sqrt(6 / (num_features + 4 * num_units))
    np.testing.assert_allclose(params["W_h"] @ params["W_h"].T, np.eye(num_units), atol=1e-12)
    expected_b = np.concatenate([np.zeros(num_units), np.ones(num_units), np.zeros(2 * num_units)])
    np.testing.assert_array_equal(params["b"], expected_b)  # unit_forget_bias=True
    again = lstm_numpy.lstm_init_params(num_features, num_units, np.random.default_rng(1))
    for name in lstm_numpy.PARAM_NAMES:
        np.testing.assert_array_equal(params[name], again[name])


def test_keras_default_bias_and_parameter_count_agree():
    num_features, num_units = 3, 4
    layer = keras.layers.LSTM(num_units)
    layer.build((None, None, num_features))
    ours = lstm_numpy.lstm_init_params(num_features, num_units, np.random.default_rng(0))
    np.testing.assert_array_equal(layer.get_weights()[2], ours["b"])
    assert [w.shape for w in layer.get_weights()] == [ours[k].shape for k in lstm_numpy.PARAM_NAMES]
    simple = num_features * num_units + num_units * num_units + num_units
    assert layer.count_params() == rnn_numpy.count_params(ours) == 4 * simple
    assert layer.recurrent_activation is keras.activations.sigmoid  # not hard_sigmoid


# ---------------------------------------------------------------- against Keras


def test_one_step_matches_keras_cell():
    num_features, num_units, batch_size = 3, 5, 4
    params = make_params(num_features, num_units, seed=3)
    x_t = np.random.default_rng(4).normal(size=(batch_size, num_features))
    h_prev, c_prev = random_states(batch_size, num_units, seed=5)
    cell = keras.layers.LSTMCell(num_units, dtype="float64")
    cell.build((None, num_features))
    cell.set_weights([params[name] for name in lstm_numpy.PARAM_NAMES])
    _, (keras_h, keras_c) = cell(x_t, [h_prev, c_prev])
    h_t, c_t = lstm_numpy.lstm_step(x_t, h_prev, c_prev, params)
    np.testing.assert_allclose(h_t, keras.ops.convert_to_numpy(keras_h), rtol=0, atol=KERAS_ATOL)
    np.testing.assert_allclose(c_t, keras.ops.convert_to_numpy(keras_c), rtol=0, atol=KERAS_ATOL)


@pytest.mark.parametrize(
    "batch_size, seq_len, num_features, num_units", [(1, 1, 1, 1), (4, 7, 3, 5), (2, 30, 6, 8)]
)
def test_sequence_matches_keras_lstm(batch_size, seq_len, num_features, num_units):
    params = make_params(num_features, num_units, seed=seq_len)
    x = np.random.default_rng(0).normal(size=(batch_size, seq_len, num_features))
    h, c = lstm_numpy.lstm_forward(x, params)
    keras_h, keras_h_last, keras_c_last = keras_lstm(params, x)
    np.testing.assert_allclose(h, keras_h, rtol=0, atol=KERAS_ATOL)
    np.testing.assert_allclose(h[:, -1], keras_h_last, rtol=0, atol=KERAS_ATOL)
    np.testing.assert_allclose(c[:, -1], keras_c_last, rtol=0, atol=KERAS_ATOL)


def test_sequence_matches_keras_with_initial_state():
    batch_size, seq_len, num_features, num_units = 3, 9, 2, 4
    params = make_params(num_features, num_units, seed=6)
    x = np.random.default_rng(7).normal(size=(batch_size, seq_len, num_features))
    h0, c0 = random_states(batch_size, num_units, seed=8)
    h, c = lstm_numpy.lstm_forward(x, params, h0=h0, c0=c0)
    keras_h, keras_h_last, keras_c_last = keras_lstm(params, x, h0, c0)
    np.testing.assert_allclose(h, keras_h, rtol=0, atol=KERAS_ATOL)
    np.testing.assert_allclose(h[:, -1], keras_h_last, rtol=0, atol=KERAS_ATOL)
    np.testing.assert_allclose(c[:, -1], keras_c_last, rtol=0, atol=KERAS_ATOL)
    # The initial state matters: without it the states differ by far more than rounding.
    assert np.abs(h - lstm_numpy.lstm_forward(x, params)[0]).max() > 1e-3


# ---------------------------------------------------------------- bad input


def _bad_forward_inputs():
    x = np.zeros((2, 3, 4))  # (batch, time, features)
    nan_x = x.copy()
    nan_x[0, 1, 2] = np.nan
    inf_x = x.copy()
    inf_x[1, 0, 0] = -np.inf
    return [
        pytest.param(np.zeros((3, 4)), {}, "3-D", id="x-2d"),
        pytest.param(np.zeros((1, 2, 3, 4)), {}, "3-D", id="x-4d"),
        pytest.param(np.zeros((2, 3, 5)), {}, "features=4", id="features-mismatch"),
        pytest.param(np.zeros((2, 0, 4)), {}, "x has an empty time axis", id="empty-time"),
        pytest.param(nan_x, {}, "finite", id="x-nan"),
        pytest.param(inf_x, {}, "finite", id="x-inf"),
        pytest.param(x, {"h0": np.zeros((2, 6))}, "h0 must be", id="h0-units"),
        pytest.param(x, {"h0": np.zeros(5)}, "h0 must be", id="h0-rank"),
        pytest.param(x, {"c0": np.zeros((3, 5))}, "c0 must be", id="c0-batch"),
        pytest.param(x, {"c0": np.full((2, 5), np.nan)}, "c0 must be finite", id="c0-nan"),
    ]


@pytest.mark.parametrize("x, kwargs, message", _bad_forward_inputs())
def test_bad_forward_input_raises_value_error(x, kwargs, message):
    params = lstm_numpy.lstm_init_params(4, 5, np.random.default_rng(0))
    with pytest.raises(ValueError, match=message):
        lstm_numpy.lstm_forward(x, params, **kwargs)


def test_bad_step_input_raises_value_error():
    params = lstm_numpy.lstm_init_params(4, 5, np.random.default_rng(0))
    state = np.zeros((2, 5))  # (batch, units)
    with pytest.raises(ValueError, match="x_t must be"):
        lstm_numpy.lstm_step(np.zeros((2, 3)), state, state, params)
    with pytest.raises(ValueError, match="x_t must be"):
        lstm_numpy.lstm_step(np.zeros(4), state, state, params)
    with pytest.raises(ValueError, match="c_prev must be"):
        lstm_numpy.lstm_step(np.zeros((2, 4)), state, np.zeros((2, 4)), params)
    with pytest.raises(ValueError, match="h_prev must be finite"):
        lstm_numpy.lstm_step(np.zeros((2, 4)), np.full((2, 5), np.inf), state, params)


def test_params_that_do_not_fit_raise_value_error():
    good = lstm_numpy.lstm_init_params(4, 5, np.random.default_rng(0))
    x = np.zeros((2, 3, 4))
    simple_rnn_shaped = {"W_x": np.zeros((4, 5)), "W_h": np.zeros((5, 5)), "b": np.zeros(5)}
    for params in (
        simple_rnn_shaped,  # one block instead of four
        dict(good, b=np.zeros(19)),
        dict(good, W_h=np.zeros((5, 5 * 4, 1))),
        dict(good, W_x=np.zeros((4, 24))),
    ):
        with pytest.raises(ValueError, match="4\\*units"):
            lstm_numpy.lstm_forward(x, params)


def test_nan_in_a_weight_is_blamed_on_the_weight():
    params = lstm_numpy.lstm_init_params(4, 5, np.random.default_rng(0))
    params["W_x"][1, 2] = np.nan
    with pytest.raises(ValueError, match=r"params\['W_x'\] must be finite"):
        lstm_numpy.lstm_forward(np.zeros((2, 3, 4)), params)
    with pytest.raises(ValueError, match=r"params\['W_x'\] must be finite"):
        lstm_numpy.lstm_step(np.zeros((2, 4)), None, None, params)


def test_forward_checks_its_arguments_once_not_at_every_step(monkeypatch):
    params = lstm_numpy.lstm_init_params(4, 5, np.random.default_rng(0))
    one_step, forty_steps = (
        checks_run(monkeypatch, lstm_numpy, lambda: lstm_numpy.lstm_forward(np.zeros((2, steps, 4)), params))
        for steps in (1, 40))
    assert forty_steps == one_step  # the same checks for 40 steps as for one


# ---------------------------------------------------------------- properties


@settings(max_examples=50, deadline=None)
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
    h0, c0 = random_states(batch_size, num_units, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, even when the gates saturate
        h, c = lstm_numpy.lstm_forward(x_long[:, :seq_len], params, h0=h0, c0=c0)
        h_long, c_long = lstm_numpy.lstm_forward(x_long, params, h0=h0, c0=c0)
    assert h.shape == c.shape == (batch_size, seq_len, num_units)
    assert np.all(np.abs(h) <= 1)  # h = o * tanh(c) with o in (0, 1)
    assert np.all(np.abs(h) <= np.abs(np.tanh(c)))
    # |c_t| <= f |c_{t-1}| + i |c~| <= |c_{t-1}| + 1, so |c_t| <= |c_0| + t.
    # With saturated gates (f = i = 1.0 in float64) the bound is met with
    # equality, so allow the rounding of the t additions that reach it.
    steps = np.arange(1, seq_len + 1)[None, :, None]  # (1, time, 1)
    bound = np.abs(c0)[:, None] + steps
    assert np.all(np.abs(c) <= bound * (1 + 4 * steps * np.finfo(float).eps))
    # Causality: the states after step t depend on x_1..x_t only.
    np.testing.assert_array_equal(h, h_long[:, :seq_len])
    np.testing.assert_array_equal(c, c_long[:, :seq_len])


# ================================================================ backward pass
#
# Reference answers: central finite differences of a linear loss (the helpers of
# tests/test_rnn_numpy.py: step 1e-6, relative error max|a - n| / max(|a| + |n|), measured
# ~1e-10 here, so FD_RTOL = 1e-7 is far from both rounding and any bug, which is O(1)),
# Keras' LSTM under tf.GradientTape in float64, and a one-unit step by hand.

TF_RTOL = 1e-12  # Keras/TensorFlow in float64: the same operations, another summation order


def linear_loss(arrays, dh, dh_T=None, dc_T=None):
    """sum(dh * h) + sum(dh_T * h_T) + sum(dc_T * c_T): its gradients w.r.t. Keras' three
    outputs (every h_t, the returned h_T and c_T) are dh, dh_T and dc_T."""
    params = {name: arrays[name] for name in lstm_numpy.PARAM_NAMES}
    h, c = lstm_numpy.lstm_forward(arrays["x"], params, h0=arrays["h0"], c0=arrays["c0"])
    loss = np.sum(dh * h)
    if dh_T is not None:
        loss += np.sum(dh_T * h[:, -1]) + np.sum(dc_T * c[:, -1])
    return float(loss)


def random_problem(batch_size, seq_len, num_features, num_units, seed):
    """Parameters with a random bias, x, nonzero h0 and c0, and random dh, dh_T, dc_T."""
    rng = np.random.default_rng(seed)
    params = make_params(num_features, num_units, seed)
    x = rng.normal(size=(batch_size, seq_len, num_features))  # (batch, time, features)
    h0, c0 = random_states(batch_size, num_units, seed + 1)  # (batch, units) each
    dh = rng.normal(size=(batch_size, seq_len, num_units))  # (batch, time, units)
    dh_T, dc_T = rng.normal(size=(2, batch_size, num_units))  # (batch, units) each
    return params, x, h0, c0, dh, dh_T, dc_T


def backward(params, x, h0, c0, dh, dh_T=None, dc_T=None):
    """lstm_forward(return_gates=True), then lstm_backward, as a learner calls them."""
    h, c, gates = lstm_numpy.lstm_forward(x, params, h0=h0, c0=c0, return_gates=True)
    return lstm_numpy.lstm_backward(x, h, c, gates, params, dh, h0=h0, c0=c0, dh_T=dh_T,
                                    dc_T=dc_T)


def test_return_gates_keeps_the_states_and_rebuilds_them():
    params, x, h0, c0, *_ = random_problem(3, 6, 2, 4, seed=30)
    h, c, gates = lstm_numpy.lstm_forward(x, params, h0=h0, c0=c0, return_gates=True)
    h_plain, c_plain = lstm_numpy.lstm_forward(x, params, h0=h0, c0=c0)
    np.testing.assert_array_equal(h, h_plain)
    np.testing.assert_array_equal(c, c_plain)
    i, f, c_tilde, o = np.split(gates, 4, axis=2)  # (batch, time, units) each
    c_prev = np.concatenate([c0[:, None], c[:, :-1]], axis=1)  # (batch, time, units)
    np.testing.assert_array_equal(c, f * c_prev + i * c_tilde)
    np.testing.assert_array_equal(h, o * np.tanh(c))
    assert np.all((0 < i) & (i < 1) & (0 < f) & (f < 1) & (0 < o) & (o < 1))
    assert np.all(np.abs(c_tilde) < 1)


@pytest.mark.parametrize("case", ["many-to-many", "many-to-one", "final-states", "zero-h0-c0"])
def test_backward_matches_finite_differences(case):
    """Every parameter, x, h0 and c0."""
    params, x, h0, c0, dh, dh_T, dc_T = random_problem(2, 5, 3, 4, seed=31)
    if case == "many-to-one":
        dh[:, :-1], dh_T, dc_T = 0.0, None, None
    elif case == "final-states":
        dh[:] = 0.0  # only the returned h_T and c_T reach the loss
    elif case == "zero-h0-c0":
        h0, c0 = np.zeros_like(h0), np.zeros_like(c0)
    grads = backward(params, x, None if case == "zero-h0-c0" else h0,
                     None if case == "zero-h0-c0" else c0, dh, dh_T, dc_T)
    arrays = dict(params, x=x.copy(), h0=h0.copy(), c0=c0.copy())
    numeric = numerical_grads(lambda a: linear_loss(a, dh, dh_T, dc_T), arrays)
    assert list(grads) == ["W_x", "W_h", "b", "x", "h0", "c0"]
    for name, expected in numeric.items():
        assert grads[name].shape == expected.shape and grads[name].dtype == np.float64
        assert rel_error(grads[name], expected) <= FD_RTOL, name


def keras_gradients(params, x, h0, c0, dh, dh_T, dc_T):
    """Gradients of the linear loss through keras.layers.LSTM (float64), by GradientTape."""
    import tensorflow as tf

    _, seq_len, num_features = x.shape
    layer = keras.layers.LSTM(params["W_h"].shape[0], return_sequences=True,
                              return_state=True, dtype="float64")
    layer(keras.Input(shape=(seq_len, num_features), dtype="float64"))  # builds the weights
    layer.set_weights([params[name] for name in lstm_numpy.PARAM_NAMES])
    x_var, h0_var, c0_var = tf.Variable(x), tf.Variable(h0), tf.Variable(c0)
    with tf.GradientTape() as tape:
        h, h_last, c_last = layer(x_var, initial_state=[h0_var, c0_var])
        loss = tf.reduce_sum(dh * h) + tf.reduce_sum(dh_T * h_last) + tf.reduce_sum(dc_T * c_last)
    sources = [w.value for w in layer.trainable_weights] + [x_var, h0_var, c0_var]
    names = list(lstm_numpy.PARAM_NAMES) + ["x", "h0", "c0"]
    return {name: grad.numpy() for name, grad in zip(names, tape.gradient(loss, sources))}


def test_backward_matches_keras_gradient_tape():
    params, x, h0, c0, dh, dh_T, dc_T = random_problem(3, 12, 3, 5, seed=32)
    ours = backward(params, x, h0, c0, dh, dh_T, dc_T)
    theirs = keras_gradients(params, x, h0, c0, dh, dh_T, dc_T)
    for name in theirs:
        assert rel_error(ours[name], theirs[name]) <= TF_RTOL, name


def test_backward_by_hand_one_step():
    """tiny_params, one step from h0 = 0.3, c0 = -0.7, loss = h_1: the chain rule in floats."""
    x_value, h_prev, c_prev = 1.5, 0.3, -0.7
    i = sigmoid(0.5 * x_value + 0.1 * h_prev + 0.0)
    f = sigmoid(-0.3 * x_value + 0.4 * h_prev + 1.0)
    c_tilde = math.tanh(0.8 * x_value - 0.6 * h_prev - 0.2)
    o = sigmoid(0.2 * x_value + 0.3 * h_prev + 0.1)
    tanh_c = math.tanh(f * c_prev + i * c_tilde)
    dc = o * (1 - tanh_c**2)  # dh_1/dc_1
    db = [dc * c_tilde * i * (1 - i), dc * c_prev * f * (1 - f),
          dc * i * (1 - c_tilde**2), tanh_c * o * (1 - o)]  # blocks i, f, c, o
    x, h0, c0 = np.array([[[x_value]]]), np.array([[h_prev]]), np.array([[c_prev]])
    grads = backward(tiny_params(), x, h0, c0, np.ones((1, 1, 1)))
    np.testing.assert_allclose(grads["b"], db, rtol=0, atol=1e-15)
    np.testing.assert_allclose(grads["W_x"][0], np.multiply(x_value, db), rtol=0, atol=1e-15)
    np.testing.assert_allclose(grads["W_h"][0], np.multiply(h_prev, db), rtol=0, atol=1e-15)
    assert grads["x"][0, 0, 0] == pytest.approx(np.dot(db, [0.5, -0.3, 0.8, 0.2]), abs=1e-15)
    assert grads["h0"][0, 0] == pytest.approx(np.dot(db, [0.1, 0.4, -0.6, 0.3]), abs=1e-15)
    assert grads["c0"][0, 0] == pytest.approx(dc * f, abs=1e-15)


def test_backward_checks_its_arguments_once_not_at_every_step(monkeypatch):
    checked = []
    sized = lstm_numpy._checks.sized
    monkeypatch.setattr(lstm_numpy._checks, "sized",
                        lambda name, *args, **kwargs: checked.append(name) or sized(name, *args,
                                                                                    **kwargs))
    for seq_len in (1, 40):
        params, x, h0, c0, dh, dh_T, dc_T = random_problem(2, seq_len, 3, 4, seed=33)
        h, c, gates = lstm_numpy.lstm_forward(x, params, h0=h0, c0=c0, return_gates=True)
        checked.clear()
        lstm_numpy.lstm_backward(x, h, c, gates, params, dh, h0, c0, dh_T, dc_T)
        if seq_len == 1:
            one_step = list(checked)
    assert checked == one_step  # the same checks for 40 steps as for one


# ---------------------------------------------------------------- backward: properties


def directional_error(loss, arrays, grads, seed):
    """Relative error of sum(grad * v) against central differences of loss along v.

    v is one random direction in all of ``arrays`` at once: two loss evaluations, however
    many parameters, so a property test can check the whole gradient for any shape.
    """
    rng = np.random.default_rng(seed)
    direction = {name: rng.normal(size=np.shape(value)) for name, value in arrays.items()}
    moved = [{name: value + sign * FD_STEP * direction[name] for name, value in arrays.items()}
             for sign in (1, -1)]
    numeric = (loss(moved[0]) - loss(moved[1])) / (2 * FD_STEP)
    terms = [grads[name] * direction[name] for name in arrays]
    scale = sum(np.sum(np.abs(term)) for term in terms)
    return abs(sum(np.sum(term) for term in terms) - numeric) / scale


backward_shapes = dict(
    batch_size=st.integers(1, 3),
    seq_len=st.integers(1, 6),
    num_features=st.integers(1, 3),
    num_units=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)


@settings(max_examples=20, deadline=None)
@given(last_loss_step=st.integers(0, 5), **backward_shapes)
def test_backward_directional_derivative_linearity_and_causality(
    last_loss_step, batch_size, seq_len, num_features, num_units, seed
):
    params, x, h0, c0, dh, dh_T, dc_T = random_problem(
        batch_size, seq_len, num_features, num_units, seed)
    arrays = dict(params, x=x, h0=h0, c0=c0)
    grads = backward(params, x, h0, c0, dh, dh_T, dc_T)
    error = directional_error(lambda a: linear_loss(a, dh, dh_T, dc_T), arrays, grads, seed)
    assert error <= FD_RTOL
    # Linear in (dh, dh_T, dc_T): the gradients of two losses add up.
    only_sequence = backward(params, x, h0, c0, dh)
    only_final = backward(params, x, h0, c0, np.zeros_like(dh), dh_T, dc_T)
    for name, grad in grads.items():
        np.testing.assert_allclose(only_sequence[name] + only_final[name], grad,
                                   rtol=1e-12, atol=1e-14 * np.abs(grad).max(initial=1.0))
    # Causality: a loss on h_1..h_s sends nothing to the inputs after step s.
    last = min(last_loss_step, seq_len - 1)
    dh[:, last + 1:] = 0.0
    assert not backward(params, x, h0, c0, dh)["x"][:, last + 1:].any()
