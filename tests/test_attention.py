"""Tests for rnncourse/attention.py.

Reference answers: the equations of the module docstring written out in NumPy (float64) with
the layer's own weights; a hand-computed two-step case; properties for any shape (hypothesis);
a model saved to .keras and loaded back.
"""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402

from rnncourse.attention import BahdanauAttention  # noqa: E402

# The layer runs in float32: a score is a sum of `units` products of values of order 1, so its
# rounding error is a few float32 eps (1.2e-7) times that; softmax and the weighted average
# keep it at that level. 1e-5 leaves room and still catches a real bug (a missing bias, tanh
# dropped, a transposed weight), which changes the results by O(0.1).
FLOAT32_ATOL = 1e-5


def numpy_attention(values, W, b, v, mask=None):
    """The module's equations in float64 NumPy: (context (batch, features), weights (batch, time))."""
    scores = np.tanh(values @ W + b) @ v  # (batch, time)
    if mask is None:
        mask = np.ones(scores.shape, dtype=bool)  # (batch, time)
    exp = np.where(mask, np.exp(scores - scores.max(axis=1, keepdims=True)), 0.0)  # (batch, time)
    weights = exp / exp.sum(axis=1, keepdims=True)  # (batch, time)
    context = np.einsum("bt,btf->bf", weights, values)  # (batch, features)
    return context, weights


def built_layer(num_features, units, seed):
    """A built BahdanauAttention with random weights (a nonzero bias too)."""
    rng = np.random.default_rng(seed)
    layer = BahdanauAttention(units)
    layer.build((None, None, num_features))
    W = rng.normal(size=(num_features, units))  # (features, units)
    b = rng.normal(scale=0.5, size=units)  # (units,)
    v = rng.normal(size=units)  # (units,)
    layer.set_weights([W, b, v])
    return layer, W, b, v


def random_mask(batch_size, seq_len, rng):
    """Post-padding mask: each row keeps a random number (at least 1) of leading steps."""
    lengths = rng.integers(1, seq_len + 1, size=batch_size)  # (batch,)
    return np.arange(seq_len) < lengths[:, None]  # (batch, time)


def test_shapes_and_weight_names():
    layer, *_ = built_layer(num_features=6, units=4, seed=0)
    context, weights = layer(np.zeros((3, 5, 6), dtype="float32"))
    assert tuple(context.shape) == (3, 6)
    assert tuple(weights.shape) == (3, 5)
    assert [w.shape for w in layer.get_weights()] == [(6, 4), (4,), (4,)]
    assert layer.count_params() == 6 * 4 + 4 + 4


def test_symbolic_shapes_in_a_functional_model():
    inputs = keras.Input(shape=(None, 6))
    context, weights = BahdanauAttention(4)(inputs)
    assert tuple(context.shape) == (None, 6)
    assert tuple(weights.shape) == (None, None)


def test_two_steps_by_hand():
    # One feature, one unit, W = 1, b = 0, v = 1: scores tanh(0) = 0 and tanh(big) ~ 1.
    layer = BahdanauAttention(1)
    layer.build((None, None, 1))
    layer.set_weights([np.ones((1, 1)), np.zeros(1), np.ones(1)])
    values = np.array([[[0.0], [20.0]]], dtype="float32")  # (1, 2, 1)
    context, weights = layer(values)
    expected = np.array([1.0, np.e]) / (1.0 + np.e)  # softmax of scores (0, 1)
    np.testing.assert_allclose(weights[0], expected, rtol=0, atol=FLOAT32_ATOL)
    np.testing.assert_allclose(context[0, 0], 20.0 * expected[1], rtol=1e-6)


@pytest.mark.parametrize("use_mask", [False, True])
def test_equals_numpy_reference(use_mask):
    rng = np.random.default_rng(1)
    layer, W, b, v = built_layer(num_features=5, units=7, seed=2)
    values = rng.normal(size=(4, 9, 5))  # (batch, time, features)
    mask = random_mask(4, 9, rng) if use_mask else None
    context, weights = layer(values.astype("float32"), mask=mask)
    ref_context, ref_weights = numpy_attention(values, W, b, v, mask)
    np.testing.assert_allclose(weights, ref_weights, rtol=0, atol=FLOAT32_ATOL)
    np.testing.assert_allclose(context, ref_context, rtol=0, atol=FLOAT32_ATOL)


@pytest.mark.filterwarnings("ignore:You are using a softmax over axis -1:UserWarning")  # seq_len 1
@settings(deadline=None, max_examples=20)
@given(
    batch_size=st.integers(1, 4),
    seq_len=st.integers(1, 12),
    num_features=st.integers(1, 6),
    units=st.integers(1, 6),
    seed=st.integers(0, 2**16),
)
def test_weights_sum_to_one_and_masked_steps_get_zero(batch_size, seq_len, num_features, units, seed):
    rng = np.random.default_rng(seed)
    layer, *_ = built_layer(num_features, units, seed)
    values = rng.normal(scale=3.0, size=(batch_size, seq_len, num_features)).astype("float32")
    mask = random_mask(batch_size, seq_len, rng)  # (batch, time)
    context, weights = (np.asarray(a) for a in layer(values, mask=mask))
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=0, atol=FLOAT32_ATOL)
    assert np.all(weights[~mask] == 0.0)
    assert np.all(weights >= 0.0)
    # The context is a convex combination of the unmasked states: within their range.
    masked_values = np.where(mask[..., None], values, np.nan)  # (batch, time, features)
    assert np.all(context <= np.nanmax(masked_values, axis=1) + FLOAT32_ATOL)
    assert np.all(context >= np.nanmin(masked_values, axis=1) - FLOAT32_ATOL)


def test_mask_from_an_embedding_reaches_the_layer():
    tokens = keras.Input(shape=(None,), dtype="int32")
    embedded = keras.layers.Embedding(10, 3, mask_zero=True)(tokens)
    context, weights = BahdanauAttention(2)(embedded)
    model = keras.Model(tokens, [context, weights])
    batch = np.array([[4, 5, 0, 0], [1, 2, 3, 0]])  # (batch, time), 0 = padding
    _, weights_out = model(batch)
    np.testing.assert_array_equal(np.asarray(weights_out) == 0.0, batch == 0)


def test_fully_masked_row_gives_zero_weights_and_context():
    layer, *_ = built_layer(num_features=3, units=2, seed=3)
    values = np.ones((2, 4, 3), dtype="float32")  # (batch, time, features)
    mask = np.array([[True, True, False, False], [False] * 4])  # (batch, time)
    context, weights = (np.asarray(a) for a in layer(values, mask=mask))
    np.testing.assert_array_equal(weights[1], 0.0)
    np.testing.assert_array_equal(context[1], 0.0)
    np.testing.assert_allclose(weights[0], [0.5, 0.5, 0.0, 0.0], rtol=0, atol=FLOAT32_ATOL)


# Keras' own saving code (not ours) converts its variables with np.array(x, copy=False).
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy:DeprecationWarning")
def test_save_and_load_round_trip(tmp_path):
    inputs = keras.Input(shape=(None, 4))
    context, weights = BahdanauAttention(3, name="attention")(inputs)
    model = keras.Model(inputs, [keras.layers.Dense(1)(context), weights])
    values = np.random.default_rng(4).normal(size=(2, 5, 4)).astype("float32")
    path = tmp_path / "attention.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)  # no custom_objects: the class is registered
    assert isinstance(loaded.get_layer("attention"), BahdanauAttention)
    assert loaded.get_layer("attention").units == 3
    for before, after in zip(model(values), loaded(values), strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(before),
                                      keras.ops.convert_to_numpy(after))


@pytest.mark.parametrize("units, error, message", [
    (0, ValueError, "units must be an integer >= 1; got 0"),
    (-1, ValueError, "units must be an integer >= 1; got -1"),
    (2.5, TypeError, "units must be an integer; got 2.5"),
    (True, TypeError, "units must be an integer; got True"),
    ("4", TypeError, "units must be an integer; got '4'"),
])
def test_bad_units_raise(units, error, message):
    with pytest.raises(error, match=message):
        BahdanauAttention(units)


@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 4, 5)])
def test_bad_input_rank_raises(shape):
    with pytest.raises(ValueError, match=r"\(batch, time, features\).*" + str(shape[-1])):
        BahdanauAttention(2)(np.zeros(shape, dtype="float32"))


@pytest.mark.parametrize("mask", [np.array([[1.0, 0.5, 0.0]]), np.array([[1, 1, 0]])])
def test_a_mask_that_is_not_boolean_raises(mask):
    with pytest.raises(TypeError, match="mask must be booleans"):
        BahdanauAttention(2)(np.zeros((1, 3, 2), dtype="float32"), mask=mask)
