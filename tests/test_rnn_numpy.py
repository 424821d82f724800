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
from bad_input import checks_run  # noqa: E402  (tests/bad_input.py)

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
    with pytest.raises(ValueError, match=r"h must be \(batch, time, units\) with units=5"):
        rnn_numpy.rnn_outputs(np.zeros((2, 3, 6)), params)
    with pytest.raises(ValueError, match=r"h must be 3-D \(batch, time, units\)"):
        rnn_numpy.rnn_outputs(np.zeros((2, 5)), params)
    with pytest.raises(ValueError, match=r"params\['b_y'\] must be \(outputs\) with outputs=2"):
        rnn_numpy.rnn_outputs(np.zeros((2, 3, 5)), dict(params, b_y=np.zeros(3)))


def test_nan_in_a_weight_is_refused_not_propagated():
    params = rnn_numpy.init_params(4, 5, 2, np.random.default_rng(0))
    params["W_hh"][2, 3] = np.nan
    with pytest.raises(ValueError, match=r"params\['W_hh'\] must be finite"):
        rnn_numpy.rnn_forward(np.zeros((2, 3, 4)), params)
    with pytest.raises(ValueError, match=r"params\['W_hh'\] must be finite"):
        rnn_numpy.rnn_step(np.zeros((2, 4)), np.zeros((2, 5)), params)


def test_step_uses_one_input_row_for_a_batch_of_states():
    """02c bumps each unit of h_prev in turn: x_t (1, features) against h_prev (units, units)."""
    params = make_params(3, 4, 1, seed=21)
    x_t, h_prev = np.ones((1, 3)), np.random.default_rng(22).normal(size=(4, 4))
    expected = np.tanh(x_t @ params["W_xh"] + h_prev @ params["W_hh"] + params["b_h"])
    np.testing.assert_array_equal(rnn_numpy.rnn_step(x_t, h_prev, params), expected)
    with pytest.raises(ValueError, match=r"h_prev must be \(batch, units\) with batch=2"):
        rnn_numpy.rnn_step(np.ones((2, 3)), h_prev, params)


def test_forward_checks_its_arguments_once_not_at_every_step(monkeypatch):
    params = rnn_numpy.init_params(4, 5, 2, np.random.default_rng(0))
    one_step, forty_steps = (
        checks_run(monkeypatch, rnn_numpy, lambda: rnn_numpy.rnn_forward(np.zeros((2, steps, 4)), params))
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


# ================================================================ backward pass
#
# Reference answers: central finite differences of the loss, Keras (tf.GradientTape
# through SimpleRNN + Dense with the same weights), tf.clip_by_global_norm.
#
# Relative error of a computed gradient a against a reference n (arrays of one shape):
#     rel_error(a, n) = max|a - n| / max(|a| + |n|)     (0 when both are zero)
# Central differences with step FD_STEP in float64 have a truncation error ~ step**2
# and a rounding error ~ 1e-16 / step, both ~1e-10 relative here; a bug is O(1).
FD_STEP = 1e-6
FD_RTOL = 1e-7
TF_RTOL = 1e-12  # Keras/TensorFlow in float64: same operations, other summation order


def rel_error(a, n):
    scale = np.max(np.abs(a) + np.abs(n))
    return 0.0 if scale == 0 else float(np.max(np.abs(a - n)) / scale)


def numerical_grads(loss, arrays):
    """Central differences of loss(arrays) with respect to every entry of every array."""
    grads = {}
    for name, array in arrays.items():
        grads[name] = np.zeros_like(array)
        for index in np.ndindex(array.shape):
            original = array[index]
            array[index] = original + FD_STEP
            loss_plus = loss(arrays)
            array[index] = original - FD_STEP
            loss_minus = loss(arrays)
            array[index] = original
            grads[name][index] = (loss_plus - loss_minus) / (2 * FD_STEP)
    return grads


def linear_loss(arrays, dy):
    """sum(dy * y) for y = rnn_outputs(rnn_forward(x, params, h0)): its gradient w.r.t. y is dy."""
    params = {name: arrays[name] for name in rnn_numpy.PARAM_NAMES}
    h = rnn_numpy.rnn_forward(arrays["x"], params, h0=arrays["h0"])
    return float(np.sum(dy * rnn_numpy.rnn_outputs(h, params)))


def truncated_linear_loss(arrays, dy, truncate, h_held):
    """Slow reference for truncated BPTT, written from the definition.

    sum_t sum(dy_t * y_t), where y_t (0-based t) is computed by running the recurrence
    over steps t-truncate+1, ..., t only, starting from the constant h_held[:, t-truncate]
    (states of the unperturbed forward pass, so no gradient flows into them); a loss with
    t < truncate starts from h0 at step 0, as in the full network.
    """
    params = {name: arrays[name] for name in rnn_numpy.PARAM_NAMES}
    x, total = arrays["x"], 0.0
    for t in range(x.shape[1]):
        first = max(t - truncate + 1, 0)
        h_t = arrays["h0"] if first == 0 else h_held[:, first - 1]
        for s in range(first, t + 1):
            h_t = rnn_numpy.rnn_step(x[:, s], h_t, params)
        total += np.sum(dy[:, t] * (h_t @ params["W_hy"] + params["b_y"]))
    return float(total)


def random_problem(batch_size, seq_len, num_features, num_units, num_outputs, seed, many_to_one):
    """Parameters with nonzero biases, x, a nonzero h0 and a random dy."""
    rng = np.random.default_rng(seed)
    params = make_params(num_features, num_units, num_outputs, seed)
    x = rng.normal(size=(batch_size, seq_len, num_features))
    h0 = np.tanh(rng.normal(size=(batch_size, num_units)))
    dy = rng.normal(size=(batch_size, seq_len, num_outputs))
    if many_to_one:
        dy[:, :-1] = 0.0
    return params, x, h0, dy


@pytest.mark.parametrize("many_to_one", [False, True], ids=["many-to-many", "many-to-one"])
@pytest.mark.parametrize("truncate", [None, 1, 2, 4, 6, 9])
def test_backward_matches_finite_differences(many_to_one, truncate):
    """Every parameter, x and h0; truncated gradients against their own definition."""
    params, x, h0, dy = random_problem(2, 6, 3, 4, 2, seed=10, many_to_one=many_to_one)
    h = rnn_numpy.rnn_forward(x, params, h0=h0)
    grads = rnn_numpy.rnn_backward(x, h, params, dy, h0=h0, truncate=truncate)
    arrays = dict(params, x=x.copy(), h0=h0.copy())
    if truncate is None:
        numeric = numerical_grads(lambda a: linear_loss(a, dy), arrays)
    else:
        numeric = numerical_grads(lambda a: truncated_linear_loss(a, dy, truncate, h), arrays)
    assert set(grads) == set(arrays)
    for name, expected in numeric.items():
        assert grads[name].shape == expected.shape
        assert rel_error(grads[name], expected) <= FD_RTOL, name


def test_truncated_reference_is_the_full_loss_when_truncate_covers_the_sequence():
    params, x, h0, dy = random_problem(2, 5, 3, 4, 2, seed=11, many_to_one=False)
    arrays = dict(params, x=x, h0=h0)
    h = rnn_numpy.rnn_forward(x, params, h0=h0)
    full = linear_loss(arrays, dy)
    assert truncated_linear_loss(arrays, dy, 5, h) == pytest.approx(full, rel=1e-14)
    assert truncated_linear_loss(arrays, dy, 2, h) == pytest.approx(full, rel=1e-14)  # value only


def test_truncation_changes_the_recurrent_gradient():
    """A check that the truncated tests above can fail: k=1 differs from full BPTT."""
    params, x, h0, dy = random_problem(2, 6, 3, 4, 2, seed=12, many_to_one=False)
    h = rnn_numpy.rnn_forward(x, params, h0=h0)
    full = rnn_numpy.rnn_backward(x, h, params, dy, h0=h0)
    short = rnn_numpy.rnn_backward(x, h, params, dy, h0=h0, truncate=1)
    assert rel_error(short["W_hh"], full["W_hh"]) > 1e-3
    np.testing.assert_array_equal(short["W_hy"], full["W_hy"])  # the readout is not recurrent
    np.testing.assert_array_equal(short["b_y"], full["b_y"])


def keras_gradients(params, x, h0, dy):
    """Gradients of sum(dy * y) through Keras SimpleRNN + Dense (float64) with GradientTape."""
    import tensorflow as tf

    seq_len, num_features = x.shape[1:]
    num_units, num_outputs = params["W_hy"].shape
    rnn = keras.layers.SimpleRNN(num_units, return_sequences=True, dtype="float64")
    dense = keras.layers.Dense(num_outputs, dtype="float64")
    dense(rnn(keras.Input(shape=(seq_len, num_features), dtype="float64")))  # builds the weights
    rnn.set_weights([params["W_xh"], params["W_hh"], params["b_h"]])
    dense.set_weights([params["W_hy"], params["b_y"]])
    x_var, h0_var = tf.Variable(x), tf.Variable(h0)
    weights = rnn.trainable_weights + dense.trainable_weights  # kernel, recurrent, bias, W, b
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(dy * dense(rnn(x_var, initial_state=[h0_var])))
    grads = tape.gradient(loss, [w.value for w in weights] + [x_var, h0_var])
    names = list(rnn_numpy.PARAM_NAMES) + ["x", "h0"]
    return {name: grad.numpy() for name, grad in zip(names, grads)}


def test_backward_matches_keras_gradient_tape():
    params, x, h0, dy = random_problem(3, 12, 3, 5, 2, seed=13, many_to_one=False)
    h = rnn_numpy.rnn_forward(x, params, h0=h0)
    ours = rnn_numpy.rnn_backward(x, h, params, dy, h0=h0)
    theirs = keras_gradients(params, x, h0, dy)
    for name in theirs:
        assert rel_error(ours[name], theirs[name]) <= TF_RTOL, name


def test_backward_by_hand_one_unit():
    """1 feature, 1 unit, 1 output, two steps, loss = y_2 (many-to-one, dy = [0, 1])."""
    p = tiny_params()
    x = np.array([[[1.0], [2.0]]])
    h1 = math.tanh(0.5 * 1.0 + 0.1)
    h2 = math.tanh(0.5 * 2.0 - 1.0 * h1 + 0.1)
    dh2_raw = 2.0 * (1 - h2**2)  # dy_2 * W_hy through tanh
    dh1_raw = dh2_raw * (-1.0) * (1 - h1**2)  # through W_hh = -1 and tanh
    grads = rnn_numpy.rnn_backward(x, np.array([[[h1], [h2]]]), p, np.array([[[0.0], [1.0]]]))
    assert grads["W_xh"][0, 0] == pytest.approx(1.0 * dh1_raw + 2.0 * dh2_raw, abs=1e-15)
    assert grads["W_hh"][0, 0] == pytest.approx(0.0 * dh1_raw + h1 * dh2_raw, abs=1e-15)
    assert grads["b_h"][0] == pytest.approx(dh1_raw + dh2_raw, abs=1e-15)
    assert grads["W_hy"][0, 0] == pytest.approx(h2, abs=1e-15)
    assert grads["b_y"][0] == pytest.approx(1.0, abs=1e-15)
    assert grads["h0"][0, 0] == pytest.approx(dh1_raw * (-1.0), abs=1e-15)


def test_backward_float32_stays_float32_and_is_close_to_float64():
    params, x, h0, dy = random_problem(4, 10, 3, 6, 1, seed=14, many_to_one=True)
    h = rnn_numpy.rnn_forward(x, params, h0=h0)
    grads64 = rnn_numpy.rnn_backward(x, h, params, dy, h0=h0)
    params32 = {name: value.astype(np.float32) for name, value in params.items()}
    x32, h0_32, dy32 = x.astype(np.float32), h0.astype(np.float32), dy.astype(np.float32)
    h32 = rnn_numpy.rnn_forward(x32, params32, h0=h0_32)
    assert h32.dtype == np.float32
    grads32 = rnn_numpy.rnn_backward(x32, h32, params32, dy32, h0=h0_32)
    for name, grad in grads32.items():
        assert grad.dtype == np.float32, name
        assert rel_error(grad, grads64[name]) <= 1e-5, name  # float32 rounding, ~1e-7 per op


# ---------------------------------------------------------------- loss


def test_mse_loss_value_and_gradient():
    y_pred = np.array([[1.0, 2.0], [3.0, 5.0]])
    y_true = np.array([[1.0, 0.0], [3.0, 2.0]])
    loss, dy = rnn_numpy.mse_loss(y_pred, y_true)
    assert loss == (0 + 4 + 0 + 9) / 4
    np.testing.assert_allclose(dy, 2 * (y_pred - y_true) / 4, rtol=0, atol=0)
    numeric = numerical_grads(lambda a: rnn_numpy.mse_loss(a["y"], y_true)[0], {"y": y_pred.copy()})
    assert rel_error(dy, numeric["y"]) <= FD_RTOL


def test_mse_loss_matches_keras():
    rng = np.random.default_rng(15)
    y_pred, y_true = rng.normal(size=(2, 6, 3, 2))  # two (batch, time, outputs) arrays
    keras_loss = keras.losses.MeanSquaredError(dtype="float64")(y_true, y_pred)
    loss, _ = rnn_numpy.mse_loss(y_pred, y_true)
    assert loss == pytest.approx(float(keras_loss), rel=1e-12)


# ---------------------------------------------------------------- clipping


def random_grads(seed, scale):
    rng = np.random.default_rng(seed)
    shapes = {"W_xh": (3, 4), "W_hh": (4, 4), "b_h": (4,), "W_hy": (4, 2), "b_y": (2,)}
    return {name: scale * rng.normal(size=shape) for name, shape in shapes.items()}


def test_clip_leaves_small_gradients_unchanged():
    grads = random_grads(16, scale=0.01)
    clipped, norm = rnn_numpy.clip_by_global_norm(grads, max_norm=1.0)
    assert norm < 1.0
    for name in grads:
        np.testing.assert_array_equal(clipped[name], grads[name])


def test_clip_rescales_to_max_norm_and_keeps_direction():
    grads = random_grads(17, scale=10.0)
    max_norm = 1.5
    clipped, norm = rnn_numpy.clip_by_global_norm(grads, max_norm)
    flat = np.concatenate([g.ravel() for g in grads.values()])
    flat_clipped = np.concatenate([g.ravel() for g in clipped.values()])
    assert norm == pytest.approx(np.linalg.norm(flat), rel=1e-14)
    assert np.linalg.norm(flat_clipped) == pytest.approx(max_norm, rel=1e-14)
    np.testing.assert_allclose(flat_clipped, flat * (max_norm / norm), rtol=1e-14)  # direction
    assert grads["W_xh"] is not clipped["W_xh"]  # a new dict of new arrays; grads untouched


@pytest.mark.parametrize("scale", [0.01, 10.0])
def test_clip_matches_tensorflow(scale):
    import tensorflow as tf

    grads = random_grads(18, scale)
    clipped, norm = rnn_numpy.clip_by_global_norm(grads, max_norm=1.0)
    tf_clipped, tf_norm = tf.clip_by_global_norm([tf.constant(g) for g in grads.values()], 1.0)
    assert norm == pytest.approx(float(tf_norm), rel=1e-14)
    for name, tf_grad in zip(grads, tf_clipped):
        np.testing.assert_allclose(clipped[name], tf_grad.numpy(), rtol=1e-14, atol=0)


@pytest.mark.parametrize("max_norm", [0.0, -1.0, np.nan, np.inf])
def test_clip_rejects_bad_max_norm(max_norm):
    with pytest.raises(ValueError, match="max_norm must be a finite number > 0"):
        rnn_numpy.clip_by_global_norm(random_grads(19, 1.0), max_norm)


@pytest.mark.parametrize("max_norm", ["1", True, None])
def test_clip_rejects_a_max_norm_that_is_not_a_number(max_norm):
    with pytest.raises(TypeError, match="max_norm must be a real number"):
        rnn_numpy.clip_by_global_norm(random_grads(19, 1.0), max_norm)


def test_clip_rejects_nan_gradient():
    grads = random_grads(20, 1.0)
    grads["b_h"][1] = np.nan
    with pytest.raises(ValueError, match="b_h.*finite"):
        rnn_numpy.clip_by_global_norm(grads, 1.0)


# ---------------------------------------------------------------- backward: bad input


H_MESSAGE = r"h must be (3-D )?\(batch, time, units\)"


def _bad_backward_inputs():
    batch, time, units, outputs = 2, 3, 5, 2  # x is (2, 3, 4), params from init_params(4, 5, 2)
    h, dy = np.zeros((batch, time, units)), np.zeros((batch, time, outputs))
    nan_dy = dy.copy()
    nan_dy[0, 0, 0] = np.nan
    return [
        pytest.param({"h": np.zeros((batch, time, 6))}, ValueError, H_MESSAGE, id="h-units"),
        pytest.param({"h": np.zeros((batch, units))}, ValueError, H_MESSAGE, id="h-2d"),
        pytest.param({"dy": np.zeros((batch, outputs))}, ValueError,
                     r"dy must be 3-D \(batch, time, outputs\)", id="dy-2d"),
        pytest.param({"dy": np.zeros((batch, time, 3))}, ValueError, "dy must be",
                     id="dy-outputs"),
        pytest.param({"dy": nan_dy}, ValueError, "dy must be finite", id="dy-nan"),
        pytest.param({"h0": np.zeros((batch, 4))}, ValueError, "h0 must be", id="h0"),
        pytest.param({"truncate": 0}, ValueError, "truncate must be", id="truncate-0"),
        pytest.param({"truncate": -2}, ValueError, "truncate must be", id="truncate-negative"),
        pytest.param({"truncate": 1.5}, TypeError, "truncate must be", id="truncate-float"),
        pytest.param({"truncate": True}, TypeError, "truncate must be", id="truncate-bool"),
        pytest.param({"x": np.zeros((batch, time, 3))}, ValueError, "W_xh", id="x-features"),
        pytest.param({"params": dict(rnn_numpy.init_params(4, 5, 2, np.random.default_rng(0)),
                                     W_hh=np.full((5, 5), np.nan))}, ValueError,
                     r"params\['W_hh'\] must be finite", id="W_hh-nan"),
    ]


@pytest.mark.parametrize("changes, error, message", _bad_backward_inputs())
def test_backward_bad_input_raises_value_error(changes, error, message):
    params = rnn_numpy.init_params(4, 5, 2, np.random.default_rng(0))
    args = {"x": np.zeros((2, 3, 4)), "h": np.zeros((2, 3, 5)), "dy": np.zeros((2, 3, 2)),
            "params": params}
    args.update(changes)
    with pytest.raises(error, match=message):
        rnn_numpy.rnn_backward(**args)


@pytest.mark.parametrize(
    "y_pred, y_true, message",
    [
        (np.zeros((2, 3)), np.zeros((3, 2)), "y_true must have the shape"),
        (np.zeros((0, 1)), np.zeros((0, 1)), "empty"),
        (np.full((2, 1), np.inf), np.zeros((2, 1)), "y_pred must be finite"),
        (np.zeros((2, 1)), np.full((2, 1), np.nan), "y_true must be finite"),
    ],
)
def test_mse_loss_bad_input(y_pred, y_true, message):
    with pytest.raises(ValueError, match=message):
        rnn_numpy.mse_loss(y_pred, y_true)


# ---------------------------------------------------------------- backward: properties

problem_shapes = dict(
    batch_size=st.integers(1, 3),
    seq_len=st.integers(1, 7),
    num_features=st.integers(1, 3),
    num_units=st.integers(1, 5),
    num_outputs=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
)


@settings(max_examples=40, deadline=None)
@given(truncate=st.integers(1, 9), **problem_shapes)
def test_gradient_shapes_and_full_truncation(
    truncate, batch_size, seq_len, num_features, num_units, num_outputs, seed
):
    shape = (batch_size, seq_len, num_features, num_units, num_outputs)
    params, x, h0, dy = random_problem(*shape, seed, many_to_one=False)
    h = rnn_numpy.rnn_forward(x, params, h0=h0)
    grads = rnn_numpy.rnn_backward(x, h, params, dy, h0=h0, truncate=truncate)
    for name in rnn_numpy.PARAM_NAMES:
        assert grads[name].shape == params[name].shape
    assert grads["x"].shape == x.shape and grads["h0"].shape == h0.shape
    # The truncated loop with a window that covers the sequence is full BPTT.
    full, covering = ({name: np.zeros_like(g) for name, g in grads.items()} for _ in range(2))
    rnn_numpy._bptt_full(full, x, h, h0, dy, params)
    rnn_numpy._bptt_truncated(covering, x, h, h0, dy, params, seq_len + truncate - 1)
    for name in full:
        np.testing.assert_allclose(covering[name], full[name], rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(truncate=st.sampled_from([None, 1, 2, 3]), **problem_shapes)
def test_gradients_are_linear_in_dy(
    truncate, batch_size, seq_len, num_features, num_units, num_outputs, seed
):
    shape = (batch_size, seq_len, num_features, num_units, num_outputs)
    params, x, h0, dy = random_problem(*shape, seed, many_to_one=False)
    dy_other = np.random.default_rng(seed + 1).normal(size=dy.shape)
    h = rnn_numpy.rnn_forward(x, params, h0=h0)

    def backward(d):
        return rnn_numpy.rnn_backward(x, h, params, d, h0=h0, truncate=truncate)

    combined = backward(2.0 * dy - 3.0 * dy_other)
    first, second = backward(dy), backward(dy_other)
    for name, grad in combined.items():
        np.testing.assert_allclose(grad, 2.0 * first[name] - 3.0 * second[name],
                                   rtol=1e-10, atol=1e-12)
