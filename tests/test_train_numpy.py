"""Tests for rnncourse/train_numpy.py.

Reference answers: hand-computed updates, keras.optimizers.Adam applied to keras.Variables
with the same gradients, finite differences of the loss, and a toy task the loop must learn.
"""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402

from rnncourse import rnn_numpy, train_numpy  # noqa: E402

# Keras keeps the learning rate in a float32 variable, and converts the Python floats
# beta_1, beta_2 (and possibly epsilon) to float32 before casting them to float64. With
# hyperparameters that float32 represents exactly (powers of two and sums of a few),
# both sides run the same float64 formula and differ by rounding only: ~1e-16 per
# operation, so ADAM_ATOL = 1e-12 is a generous bound.
# With Keras' defaults, beta_2 = 0.999 becomes 0.99900001287 in Keras' bias correction
# sqrt(1 - beta_2**n), a relative change of ~1e-5 for small n; each step moves a weight
# by at most ~learning_rate, so we allow DEFAULTS_RTOL * learning_rate per step.
ADAM_ATOL = 1e-12
DEFAULTS_RTOL = 1e-5
LEARNING_RATE = 2.0**-7  # 0.0078125, exact in float32
EXACT_HYPERPARAMETERS = dict(beta_1=0.875, beta_2=1 - 2.0**-10, epsilon=2.0**-23)  # float32-exact


def shapes_params(seed):
    rng = np.random.default_rng(seed)
    return {
        "W_xh": rng.normal(size=(3, 4)),
        "W_hh": rng.normal(size=(4, 4)),
        "b_h": rng.normal(size=4),
        "W_hy": rng.normal(size=(4, 2)),
        "b_y": rng.normal(size=2),
    }


def test_sgd_update_by_hand():
    params = {"w": np.array([1.0, -2.0]), "b": np.array(0.5)}
    grads = {"w": np.array([0.5, 1.0]), "b": np.array(-1.0), "x": np.zeros(3)}  # "x" ignored
    new = train_numpy.sgd_update(params, grads, learning_rate=0.1)
    np.testing.assert_allclose(new["w"], [0.95, -2.1], rtol=0, atol=1e-15)
    np.testing.assert_allclose(new["b"], 0.6, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(params["w"], [1.0, -2.0])  # input untouched
    assert set(new) == {"w", "b"}


def run_both_adams(params, grads_per_step, learning_rate, **kwargs):
    """Our adam_update and keras.optimizers.Adam on keras.Variables, same gradients."""
    variables = {name: keras.Variable(value, dtype="float64") for name, value in params.items()}
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate, **kwargs)
    state = train_numpy.adam_init(params)
    for grads in grads_per_step:
        optimizer.apply_gradients([(grads[name], variables[name]) for name in params])
        params, state = train_numpy.adam_update(params, grads, state, learning_rate, **kwargs)
    assert state["step"] == len(grads_per_step)
    return params, {name: variable.numpy() for name, variable in variables.items()}


def random_gradients(params, num_steps, seed):
    rng = np.random.default_rng(seed)
    return [
        {name: rng.normal(size=value.shape) for name, value in params.items()}
        for _ in range(num_steps)
    ]


@pytest.mark.parametrize("num_steps", [1, 5])
def test_adam_matches_keras_exactly_representable_hyperparameters(num_steps):
    params = shapes_params(0)
    grads_per_step = random_gradients(params, num_steps, seed=1)
    ours, theirs = run_both_adams(params, grads_per_step, LEARNING_RATE, **EXACT_HYPERPARAMETERS)
    for name in params:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=0, atol=ADAM_ATOL)


@pytest.mark.parametrize("num_steps", [1, 5])
def test_adam_matches_keras_defaults(num_steps):
    params = shapes_params(2)
    grads_per_step = random_gradients(params, num_steps, seed=3)
    ours, theirs = run_both_adams(params, grads_per_step, LEARNING_RATE)
    tolerance = DEFAULTS_RTOL * LEARNING_RATE * num_steps
    for name in params:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=0, atol=tolerance)


def test_adam_does_not_mutate_its_arguments():
    params = shapes_params(3)
    grads = shapes_params(4)
    state = train_numpy.adam_init(params)
    copies = {name: value.copy() for name, value in params.items()}
    train_numpy.adam_update(params, grads, state, LEARNING_RATE)
    assert state["step"] == 0 and not any(m.any() for m in state["m"].values())
    for name in params:
        np.testing.assert_array_equal(params[name], copies[name])


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), scale=st.sampled_from([1e-3, 1.0, 1e3]))
def test_first_adam_step_has_size_learning_rate(seed, scale):
    """Step 1: m = (1-b1) g and sqrt(v) = sqrt(1-b2) |g|, so after the bias correction each
    entry moves by lr * g / (|g| + eps / sqrt(1-b2)): about lr * sign(g), whatever |g|."""
    params = shapes_params(seed % 1000)
    grads = {name: scale * value for name, value in shapes_params(seed % 997 + 1).items()}
    new, _ = train_numpy.adam_update(params, grads, train_numpy.adam_init(params), LEARNING_RATE)
    damping = 1e-7 / np.sqrt(1 - 0.999)  # epsilon / sqrt(1 - beta_2), Keras' defaults
    for name, grad in grads.items():
        expected = LEARNING_RATE * grad / (np.abs(grad) + damping)  # shape of the parameter
        np.testing.assert_allclose(params[name] - new[name], expected, rtol=1e-9, atol=1e-15)


@pytest.mark.parametrize("many_to_one", [True, False])
def test_loss_and_grads_matches_finite_differences(many_to_one):
    rng = np.random.default_rng(5)
    params = rnn_numpy.init_params(2, 3, 1, rng)
    x = rng.normal(size=(4, 5, 2))
    y = rng.normal(size=(4, 1) if many_to_one else (4, 5, 1))
    loss, grads = train_numpy.loss_and_grads(params, x, y, many_to_one)
    step = 1e-6  # central differences, float64: error ~1e-10 relative
    for name, value in params.items():
        numeric = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            shifted = [dict(params), dict(params)]
            for sign, trial in zip((1, -1), shifted):
                trial[name] = value.copy()
                trial[name][index] += sign * step
            plus, minus = (train_numpy.loss_and_grads(p, x, y, many_to_one)[0] for p in shifted)
            numeric[index] = (plus - minus) / (2 * step)
        scale = np.max(np.abs(grads[name]) + np.abs(numeric))  # relative error as in test_rnn_numpy
        error = np.max(np.abs(grads[name] - numeric)) / scale
        assert error <= 1e-7, name


def counting_task(seq_len=5, num_sequences=40, scale=50.0):
    """Windows of consecutive integers -> the next one, all divided by scale."""
    starts = np.arange(num_sequences)  # (samples,)
    series = starts[:, None] + np.arange(seq_len + 1)  # (samples, time + 1)
    x = series[:, :seq_len, None] / scale  # (samples, time, 1)
    y = series[:, seq_len:] / scale  # (samples, 1)
    return x, y


def test_fit_learns_the_counting_task():
    x, y = counting_task()
    params = rnn_numpy.init_params(1, 8, 1, np.random.default_rng(6))
    trained, losses = train_numpy.fit(params, x, y, epochs=1000, learning_rate=0.03)
    assert len(losses) == 1000
    assert losses[-1] < 1e-5 < 1e-3 * losses[0]  # MSE on the scaled targets
    h = rnn_numpy.rnn_forward(x, trained)
    prediction = rnn_numpy.rnn_outputs(h, trained)[:, -1] * 50.0  # back to integers
    np.testing.assert_allclose(prediction, y * 50.0, rtol=0, atol=0.5)  # nearest integer is right


def test_fit_minibatches_sgd_clip_and_many_to_many_are_deterministic():
    x, y = counting_task()
    y_seq = np.concatenate([x[:, 1:], y[:, None]], axis=1)  # (samples, time, 1): next value
    params = rnn_numpy.init_params(1, 6, 1, np.random.default_rng(7))
    kwargs = dict(epochs=30, learning_rate=0.05, optimizer="sgd", batch_size=8,
                  many_to_one=False, truncate=2, clip_norm=0.5)
    first = train_numpy.fit(params, x, y_seq, rng=np.random.default_rng(8), **kwargs)
    again = train_numpy.fit(params, x, y_seq, rng=np.random.default_rng(8), **kwargs)
    assert first[1] == again[1]
    assert first[1][-1] < first[1][0]


def test_fit_with_a_large_clip_norm_is_fit_without_clipping():
    x, y = counting_task()
    params = rnn_numpy.init_params(1, 4, 1, np.random.default_rng(9))
    _, clipped = train_numpy.fit(params, x, y, epochs=10, learning_rate=0.01, clip_norm=1e9)
    _, plain = train_numpy.fit(params, x, y, epochs=10, learning_rate=0.01)
    assert clipped == plain


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(epochs=0), ValueError, "epochs must be"),
        (dict(epochs=2.5), TypeError, "epochs must be"),
        (dict(optimizer="rmsprop"), ValueError, "optimizer must be"),
        (dict(batch_size=0), ValueError, "batch_size must be"),
        (dict(batch_size=True), TypeError, "batch_size must be"),
        (dict(learning_rate=0.0), ValueError, "learning_rate must be"),
        (dict(learning_rate=-1.0), ValueError, "learning_rate must be"),
        (dict(clip_norm=0.0), ValueError, "clip_norm must be"),
        (dict(truncate=0), ValueError, "truncate must be"),
        (dict(rng=0), TypeError, "rng must be"),
        (dict(many_to_one="yes"), TypeError, "many_to_one must be"),
    ],
)
def test_fit_bad_arguments(kwargs, error, message):
    x, y = counting_task()
    params = rnn_numpy.init_params(1, 4, 1, np.random.default_rng(10))
    arguments = dict(epochs=1, learning_rate=0.01) | kwargs
    with pytest.raises(error, match=message):
        train_numpy.fit(params, x, y, **arguments)


def test_fit_bad_data():
    x, y = counting_task()
    params = rnn_numpy.init_params(1, 4, 1, np.random.default_rng(11))
    with pytest.raises(ValueError, match="x must be 3-D"):
        train_numpy.fit(params, x[..., 0], y, epochs=1, learning_rate=0.01)
    with pytest.raises(ValueError, match=r"y must be 2-D \(samples, outputs\)"):
        train_numpy.fit(params, x, y[:, 0], epochs=1, learning_rate=0.01)
    with pytest.raises(ValueError, match=r"y must be \(samples, outputs\) with samples=40"):
        train_numpy.fit(params, x, y[:-1], epochs=1, learning_rate=0.01)  # no sample dropped
    with pytest.raises(ValueError, match="x has an empty samples axis"):
        train_numpy.fit(params, x[:0], y[:0], epochs=1, learning_rate=0.01)


def test_updates_reject_mismatched_gradients():
    params = shapes_params(12)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    with pytest.raises(ValueError, match="grads has no gradient for parameter 'b_y'"):
        train_numpy.sgd_update(params, {k: v for k, v in grads.items() if k != "b_y"}, 0.1)
    with pytest.raises(ValueError, match=r"grads\['W_hh'\] must have the parameter's shape"):
        train_numpy.adam_update(params, dict(grads, W_hh=np.zeros((4, 3))),
                                train_numpy.adam_init(params), 0.1)
    with pytest.raises(ValueError, match="finite"):
        train_numpy.sgd_update(params, dict(grads, b_h=np.full(4, np.nan)), 0.1)
    with pytest.raises(ValueError, match=r"params\['W_hh'\] must be finite"):
        train_numpy.sgd_update(dict(params, W_hh=np.full((4, 4), np.inf)), grads, 0.1)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(beta_1=1.0), "beta_1 must be a finite number in \\[0, 1\\)"),
        (dict(beta_2=1.5), "beta_2 must be"),
        (dict(epsilon=0.0), "epsilon must be a finite number > 0"),
        (dict(learning_rate=-0.1), "learning_rate must be"),
    ],
)
def test_adam_refuses_hyperparameters_that_give_nan(kwargs, message):
    params = shapes_params(13)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    arguments = dict(learning_rate=0.1) | kwargs
    with pytest.raises(ValueError, match=message):
        train_numpy.adam_update(params, grads, train_numpy.adam_init(params), **arguments)


def test_adam_checks_its_state():
    params = shapes_params(14)
    grads = {name: np.zeros_like(value) for name, value in params.items()}
    state = train_numpy.adam_init(params)
    with pytest.raises(ValueError, match=r"state\['step'\] must be an integer >= 0"):
        train_numpy.adam_update(params, grads, dict(state, step=-1), 0.1)
    with pytest.raises(ValueError, match="state must have the keys step, m, v; missing v"):
        train_numpy.adam_update(params, grads, {"step": 0, "m": state["m"]}, 0.1)
    negative = dict(state["v"], b_h=-np.ones(4))
    with pytest.raises(ValueError, match=r"state\['v'\]\['b_h'\] must be >= 0"):
        train_numpy.adam_update(params, grads, dict(state, v=negative), 0.1)
