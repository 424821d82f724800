"""Tests for rnncourse/rnn_numpy.py.

Reference answers: a case small enough to compute by hand with math.tanh,
Keras' SimpleRNN with the same weights loaded, and properties that must hold
for any shape (hypothesis).
"""

import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402

from rnncourse import rnn_numpy  # noqa: E402

# Keras runs the same float64 operations (matmul, add, tanh) but may sum in a
# different order (oneDNN/Eigen vs NumPy's BLAS). Each step adds a rounding error
# of about 1e-16, and tanh and an orthogonal W_hh do not amplify it, so a few
# steps stay far below 1e-12; a real bug (transposed weight, missing bias) is O(0.1).
KERAS_ATOL = 1e-12


def make_params(num_features, num_units, num_outputs, seed):
    """init_params plus nonzero biases, so that a bug in the bias shows up."""
    rng = np.random.default_rng(seed)
    params = rnn_numpy.init_params(num_features, num_units, num_outputs, rng)
    params["b_h"] = rng.normal(scale=0.5, size=num_units)
    params["b_y"] = rng.normal(scale=0.5, size=num_outputs)
    return params


def keras_states(params, x, h0=None, mask=None):
    """All hidden states of keras.layers.SimpleRNN loaded with params["W_xh", "W_hh", "b_h"]."""
    _, seq_len, num_features = x.shape
    num_units = params["W_hh"].shape[0]
    layer = keras.layers.SimpleRNN(num_units, return_sequences=True, dtype="float64")
    layer(keras.Input(shape=(seq_len, num_features), dtype="float64"))  # builds the weights
    # Keras order: kernel, recurrent_kernel, bias.
    layer.set_weights([params["W_xh"], params["W_hh"], params["b_h"]])
    # Call the layer directly: model.predict would round the inputs to float32 first.
    initial_state = None if h0 is None else [h0]
    h = layer(x, initial_state=initial_state, mask=mask)
    return keras.ops.convert_to_numpy(h)  # (batch, time, units)


# ---------------------------------------------------------------- hand-computed


def tiny_params():
    """1 feature, 1 unit, 1 output: every number can be checked on paper."""
    return {
        "W_xh": np.array([[0.5]]),
        "W_hh": np.array([[-1.0]]),
        "b_h": np.array([0.1]),
        "W_hy": np.array([[2.0]]),
        "b_y": np.array([-1.0]),
    }


def test_two_steps_by_hand():
    x = np.array([[[1.0], [2.0]]])  # (batch=1, time=2, features=1)
    h1 = math.tanh(0.5 * 1.0 + (-1.0) * 0.0 + 0.1)  # h0 = 0
    h2 = math.tanh(0.5 * 2.0 + (-1.0) * h1 + 0.1)
    h = rnn_numpy.rnn_forward(x, tiny_params())
    y = rnn_numpy.rnn_outputs(h, tiny_params())
    np.testing.assert_allclose(h[0, :, 0], [h1, h2], rtol=0, atol=1e-15)
    np.testing.assert_allclose(y[0, :, 0], [2 * h1 - 1, 2 * h2 - 1], rtol=0, atol=1e-15)


def test_two_steps_by_hand_with_h0_and_mask():
    x = np.array([[[1.0], [2.0]]])
    h0 = np.array([[0.3]])
    h1 = math.tanh(0.5 * 1.0 + (-1.0) * 0.3 + 0.1)
    h = rnn_numpy.rnn_forward(x, tiny_params(), h0=h0, mask=np.array([[True, False]]))
    np.testing.assert_allclose(h[0, :, 0], [h1, h1], rtol=0, atol=1e-15)  # step 2 carries h1 over


def test_count_params_formula():
    num_features, num_units, num_outputs = 3, 5, 2
    params = rnn_numpy.init_params(num_features, num_units, num_outputs, np.random.default_rng(0))
    recurrent = num_features * num_units + num_units * num_units + num_units  # W_xh, W_hh, b_h
    readout = num_units * num_outputs + num_outputs  # W_hy, b_y
    expected = recurrent + readout
    assert rnn_numpy.count_params(params) == expected
    assert rnn_numpy.count_params(tiny_params()) == 5


def test_init_params_shapes_and_scheme():
    num_features, num_units, num_outputs = 3, 6, 2
    params = rnn_numpy.init_params(num_features, num_units, num_outputs, np.random.default_rng(1))
    assert params["W_xh"].shape == (num_features, num_units)
    assert params["W_hh"].shape == (num_units, num_units)
    assert params["b_h"].shape == (num_units,)
    assert params["W_hy"].shape == (num_units, num_outputs)
    assert params["b_y"].shape == (num_outputs,)
    np.testing.assert_allclose(params["W_hh"].T @ params["W_hh"], np.eye(num_units), atol=1e-12)
    assert np.abs(params["W_xh"]).max() <= math.sqrt(6 / (num_features + num_units))
    assert not params["b_h"].any() and not params["b_y"].any()
    again = rnn_numpy.init_params(num_features, num_units, num_outputs, np.random.default_rng(1))
    for name in rnn_numpy.PARAM_NAMES:
        np.testing.assert_array_equal(params[name], again[name])


# ---------------------------------------------------------------- against Keras


@pytest.mark.parametrize(
    "batch_size, seq_len, num_features, num_units", [(1, 1, 1, 1), (4, 7, 3, 5), (2, 20, 6, 8)]
)
def test_matches_keras_simple_rnn(batch_size, seq_len, num_features, num_units):
    params = make_params(num_features, num_units, 1, seed=seq_len)
    x = np.random.default_rng(0).normal(size=(batch_size, seq_len, num_features))
    ours = rnn_numpy.rnn_forward(x, params)
    np.testing.assert_allclose(ours, keras_states(params, x), rtol=0, atol=KERAS_ATOL)


def test_matches_keras_with_mask():
    params = make_params(3, 4, 1, seed=2)
    x = np.random.default_rng(3).normal(size=(3, 6, 3))
    mask = np.array(
        [
            [True, True, True, False, False, False],  # post-padded, length 3
            [True, False, True, True, False, True],  # gaps in the middle
            [False, False, True, True, True, True],  # pre-padded (h0 = 0), length 4
        ]
    )
    ours = rnn_numpy.rnn_forward(x, params, mask=mask)
    np.testing.assert_allclose(ours, keras_states(params, x, mask=mask), rtol=0, atol=KERAS_ATOL)


def test_matches_keras_with_initial_state():
    params = make_params(2, 5, 1, seed=4)
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 8, 2))
    h0 = np.tanh(rng.normal(size=(3, 5)))
    ours = rnn_numpy.rnn_forward(x, params, h0=h0)
    np.testing.assert_allclose(ours, keras_states(params, x, h0=h0), rtol=0, atol=KERAS_ATOL)


def test_matches_keras_with_initial_state_and_mask():
    """States agree; the one documented difference is Keras' zeros before the first real step."""
    params = make_params(2, 3, 1, seed=6)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(2, 5, 2))
    h0 = np.tanh(rng.normal(size=(2, 3)))
    mask = np.array([[True, True, False, True, False], [False, True, True, True, True]])
    ours = rnn_numpy.rnn_forward(x, params, h0=h0, mask=mask)
    theirs = keras_states(params, x, h0=h0, mask=mask)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=0, atol=KERAS_ATOL)
    np.testing.assert_allclose(ours[1, 1:], theirs[1, 1:], rtol=0, atol=KERAS_ATOL)
    np.testing.assert_array_equal(ours[1, 0], h0[1])  # we carry h0 over the masked first step
    np.testing.assert_array_equal(theirs[1, 0], 0.0)  # Keras outputs zeros there


# ---------------------------------------------------------------- masks


def test_all_true_mask_is_no_mask_and_all_false_mask_keeps_h0():
    params = make_params(2, 3, 1, seed=8)
    rng = np.random.default_rng(9)
    x = rng.normal(size=(2, 4, 2))
    h0 = np.tanh(rng.normal(size=(2, 3)))
    np.testing.assert_array_equal(
        rnn_numpy.rnn_forward(x, params, h0=h0, mask=np.ones((2, 4), bool)),
        rnn_numpy.rnn_forward(x, params, h0=h0),
    )
    h = rnn_numpy.rnn_forward(x, params, h0=h0, mask=np.zeros((2, 4), bool))
    np.testing.assert_array_equal(h, np.broadcast_to(h0[:, None], h.shape))


# ---------------------------------------------------------------- bad input


def _bad_inputs():
    x = np.zeros((2, 3, 4))  # (batch, time, features)
    nan_x = x.copy()
    nan_x[0, 1, 2] = np.nan
    inf_x = x.copy()
    inf_x[1, 0, 0] = np.inf
    return [
        pytest.param(np.zeros((3, 4)), {}, "3-D", id="x-2d"),
        pytest.param(np.zeros((1, 2, 3, 4)), {}, "3-D", id="x-4d"),
        pytest.param(np.zeros((2, 3, 5)), {}, "W_xh", id="features-mismatch"),
        pytest.param(nan_x, {}, "finite", id="x-nan"),
        pytest.param(inf_x, {}, "finite", id="x-inf"),
        pytest.param(np.zeros((2, 0, 4)), {}, "empty time axis", id="empty-time"),
        pytest.param(x, {"h0": np.zeros((2, 6))}, "h0 must be", id="h0-units"),
        pytest.param(x, {"h0": np.zeros(5)}, "h0 must be", id="h0-rank"),
        pytest.param(x, {"h0": np.full((2, 5), np.nan)}, "h0 must be finite", id="h0-nan"),
        pytest.param(x, {"mask": np.ones((2, 4), bool)}, "mask must be", id="mask-time"),
        pytest.param(x, {"mask": np.ones((2, 3, 1), bool)}, "mask must be", id="mask-rank"),
    ]


@pytest.mark.parametrize("x, kwargs, message", _bad_inputs())
def test_bad_input_raises_value_error(x, kwargs, message):
    params = rnn_numpy.init_params(4, 5, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match=message):
        rnn_numpy.rnn_forward(x, params, **kwargs)


def test_rnn_outputs_rejects_wrong_units():
    params = rnn_numpy.init_params(4, 5, 2, np.random.default_rng(0))
    with pytest.raises(ValueError, match="h must be 3-D"):
        rnn_numpy.rnn_outputs(np.zeros((2, 3, 6)), params)
    with pytest.raises(ValueError, match="h must be 3-D"):
        rnn_numpy.rnn_outputs(np.zeros((2, 5)), params)


# ---------------------------------------------------------------- properties


@settings(max_examples=50, deadline=None)
@given(
    batch_size=st.integers(1, 4),
    seq_len=st.integers(1, 8),
    extra_steps=st.integers(1, 5),
    num_features=st.integers(1, 4),
    num_units=st.integers(1, 6),
    num_outputs=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_shapes_bounds_and_causality(
    batch_size, seq_len, extra_steps, num_features, num_units, num_outputs, seed
):
    rng = np.random.default_rng(seed)
    params = rnn_numpy.init_params(num_features, num_units, num_outputs, rng)
    x_long = rng.normal(size=(batch_size, seq_len + extra_steps, num_features))
    h_long = rnn_numpy.rnn_forward(x_long, params)
    h = rnn_numpy.rnn_forward(x_long[:, :seq_len], params)
    y = rnn_numpy.rnn_outputs(h, params)
    assert h.shape == (batch_size, seq_len, num_units)
    assert y.shape == (batch_size, seq_len, num_outputs)
    assert np.all(np.abs(h) < 1)  # tanh range
    # Causality: h_t depends on x_1..x_t only, so later inputs cannot change it.
    np.testing.assert_array_equal(h, h_long[:, :seq_len])
