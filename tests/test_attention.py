"""Tests for rnncourse/attention.py.

Reference answers: the equations of the module docstring written out in NumPy (float64) with
the layer's own weights (for DecoderAttention as loops over batch, output and source steps); a
hand-computed two-step case; DecoderAttention with U = 0 against BahdanauAttention;
properties for any shape (hypothesis); a model saved to .keras and loaded back.
"""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402

from rnncourse.attention import BahdanauAttention, DecoderAttention  # noqa: E402

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


# DecoderAttention: one context per output step ------------------------------------------


def loop_decoder_attention(query, values, W, U, b, v, mask=None):
    """e_ts = v . tanh(h_s W + q_t U + b), softmax over the real s, context_t = sum_s a_ts h_s,
    written as loops over batch, output step and source step (float64)."""
    batch_size, num_out, _ = query.shape
    num_in, num_features = values.shape[1:]
    mask = np.ones((batch_size, num_in), dtype=bool) if mask is None else mask
    weights = np.zeros((batch_size, num_out, num_in))  # (batch, T_out, T_in)
    context = np.zeros((batch_size, num_out, num_features))  # (batch, T_out, features)
    for i in range(batch_size):
        real = [s for s in range(num_in) if mask[i, s]]
        for t in range(num_out):
            scores = [v @ np.tanh(values[i, s] @ W + query[i, t] @ U + b) for s in real]
            exp = np.exp(np.array(scores) - max(scores))
            for s, weight in zip(real, exp / exp.sum()):
                weights[i, t, s] = weight
                context[i, t] += weight * values[i, s]
    return context, weights


def built_decoder_layer(query_features, num_features, units, seed):
    """A built DecoderAttention with random weights W, U, b (nonzero), v."""
    rng = np.random.default_rng(seed)
    layer = DecoderAttention(units)
    layer.build((None, None, query_features), (None, None, num_features))
    W = rng.normal(size=(num_features, units))  # (features, units)
    U = rng.normal(size=(query_features, units))  # (d_q, units)
    b = rng.normal(scale=0.5, size=units)  # (units,)
    v = rng.normal(size=units)  # (units,)
    layer.set_weights([W, U, b, v])
    return layer, (W, U, b, v)


def test_decoder_shapes_and_weight_names():
    layer, _ = built_decoder_layer(query_features=3, num_features=6, units=4, seed=0)
    context, weights = layer(np.zeros((2, 5, 3), "float32"), np.zeros((2, 7, 6), "float32"))
    assert tuple(context.shape) == (2, 5, 6)
    assert tuple(weights.shape) == (2, 5, 7)
    assert [w.path.split("/")[-1] for w in layer.weights] == ["W", "U", "b", "v"]
    assert layer.count_params() == 6 * 4 + 3 * 4 + 4 + 4


def test_decoder_symbolic_shapes_in_a_functional_model():
    query, values = keras.Input(shape=(None, 3)), keras.Input(shape=(11, 6))
    context, weights = DecoderAttention(4)(query, values)
    assert tuple(context.shape) == (None, None, 6)
    assert tuple(weights.shape) == (None, None, 11)


@pytest.mark.parametrize("num_out", [1, 4])  # T_out = 1: one step of greedy decoding
@pytest.mark.parametrize("use_mask", [False, True])
def test_decoder_equals_loop_reference(num_out, use_mask):
    rng = np.random.default_rng(5)
    layer, weights_list = built_decoder_layer(query_features=3, num_features=5, units=7, seed=6)
    query = rng.normal(size=(4, num_out, 3))  # (batch, T_out, d_q)
    values = rng.normal(size=(4, 9, 5))  # (batch, T_in, features)
    mask = random_mask(4, 9, rng) if use_mask else None
    context, weights = layer(query.astype("float32"), values.astype("float32"), mask=mask)
    ref_context, ref_weights = loop_decoder_attention(query, values, *weights_list, mask=mask)
    np.testing.assert_allclose(weights, ref_weights, rtol=0, atol=FLOAT32_ATOL)
    np.testing.assert_allclose(context, ref_context, rtol=0, atol=FLOAT32_ATOL)
    if use_mask:
        assert np.all(np.asarray(weights)[np.broadcast_to(~mask[:, None], ref_weights.shape)]
                      == 0.0)


def test_decoder_by_hand():
    # One feature, one unit, W = 1, U = 1, b = 0, v = 1; query 0: scores tanh(0), tanh(20).
    layer = DecoderAttention(1)
    layer.build((None, None, 1), (None, None, 1))
    layer.set_weights([np.ones((1, 1)), np.ones((1, 1)), np.zeros(1), np.ones(1)])
    values = np.array([[[0.0], [20.0]]], dtype="float32")  # (1, 2, 1)
    query = np.array([[[0.0], [-20.0]]], dtype="float32")  # (1, T_out = 2, 1)
    _, weights = layer(query, values)
    first = np.array([1.0, np.e]) / (1.0 + np.e)  # softmax of (tanh 0, tanh 20) = (0, 1)
    second = np.array([np.e**-1, 1.0]) / (np.e**-1 + 1.0)  # softmax of (tanh -20, tanh 0)
    np.testing.assert_allclose(weights[0], [first, second], rtol=0, atol=FLOAT32_ATOL)


def test_decoder_with_a_constant_query_is_the_pooling_layer():
    # U = 0: the query drops out, and every output step pools like BahdanauAttention.
    pooling, W, b, v = built_layer(num_features=5, units=3, seed=7)
    layer = DecoderAttention(3)
    layer.build((None, None, 2), (None, None, 5))
    layer.set_weights([W, np.zeros((2, 3)), b, v])
    rng = np.random.default_rng(8)
    values = rng.normal(size=(3, 6, 5)).astype("float32")  # (batch, T_in, features)
    mask = random_mask(3, 6, rng)  # (batch, T_in)
    context, weights = layer(rng.normal(size=(3, 2, 2)).astype("float32"), values, mask=mask)
    pooled, pooled_weights = pooling(values, mask=mask)
    for t in range(2):
        np.testing.assert_allclose(weights[:, t], pooled_weights, rtol=0, atol=FLOAT32_ATOL)
        np.testing.assert_allclose(context[:, t], pooled, rtol=0, atol=FLOAT32_ATOL)


@pytest.mark.filterwarnings("ignore:You are using a softmax over axis -1:UserWarning")  # T_in 1
@settings(deadline=None, max_examples=20)
@given(batch_size=st.integers(1, 3), num_out=st.integers(1, 4), num_in=st.integers(1, 8),
       units=st.integers(1, 5), seed=st.integers(0, 2**16))
def test_decoder_weights_sum_to_one_over_real_steps(batch_size, num_out, num_in, units, seed):
    rng = np.random.default_rng(seed)
    layer, _ = built_decoder_layer(query_features=2, num_features=3, units=units, seed=seed)
    query = rng.normal(scale=3.0, size=(batch_size, num_out, 2)).astype("float32")
    values = rng.normal(scale=3.0, size=(batch_size, num_in, 3)).astype("float32")
    mask = random_mask(batch_size, num_in, rng)  # (batch, T_in)
    _, weights = layer(query, values, mask=mask)
    weights = np.asarray(weights)  # (batch, T_out, T_in)
    np.testing.assert_allclose(weights.sum(axis=2), 1.0, rtol=0, atol=FLOAT32_ATOL)
    assert np.all(weights[np.broadcast_to(~mask[:, None], weights.shape)] == 0.0)
    assert np.all(weights >= 0.0)


def test_decoder_fully_masked_row_gives_zeros():
    layer, _ = built_decoder_layer(query_features=2, num_features=3, units=2, seed=9)
    mask = np.array([[True, False, False], [False] * 3])  # (batch, T_in)
    context, weights = (np.asarray(a) for a in layer(
        np.ones((2, 2, 2), "float32"), np.ones((2, 3, 3), "float32"), mask=mask))
    np.testing.assert_array_equal(weights[1], 0.0)
    np.testing.assert_array_equal(context[1], 0.0)
    np.testing.assert_array_equal(weights[0], [[1.0, 0.0, 0.0]] * 2)


def encoder_decoder_with_attention():
    """Source ids -> embedding (mask_zero) -> GRU states; target ids -> GRU; attention; Dense."""
    source = keras.Input(shape=(None,), dtype="int32")
    target = keras.Input(shape=(None,), dtype="int32")
    states = keras.layers.GRU(4, return_sequences=True)(
        keras.layers.Embedding(10, 3, mask_zero=True)(source))  # (batch, T_in, 4)
    decoded = keras.layers.GRU(5, return_sequences=True)(
        keras.layers.Embedding(10, 3)(target))  # (batch, T_out, 5)
    source_mask = keras.ops.not_equal(source, 0)  # (batch, T_in)
    context, weights = DecoderAttention(3, name="attention")(decoded, states, mask=source_mask)
    logits = keras.layers.Dense(10)(keras.layers.Concatenate()([decoded, context]))
    return keras.Model([source, target], [logits, weights])


def test_decoder_mask_from_the_source_ids_in_a_model():
    model = encoder_decoder_with_attention()
    source = np.array([[4, 5, 0, 0], [1, 2, 3, 0]])  # (batch, T_in), 0 = padding
    _, weights = model([source, np.ones((2, 3), "int32")])
    weights = np.asarray(weights)  # (batch, T_out, T_in)
    np.testing.assert_array_equal(weights == 0.0, np.broadcast_to(source[:, None] == 0,
                                                                  weights.shape))


@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy:DeprecationWarning")
def test_decoder_save_and_load_round_trip(tmp_path):
    model = encoder_decoder_with_attention()
    inputs = [np.array([[4, 5, 0], [1, 2, 3]]), np.array([[1, 2], [3, 4]])]
    path = tmp_path / "decoder_attention.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)  # no custom_objects: the class is registered
    assert isinstance(loaded.get_layer("attention"), DecoderAttention)
    assert loaded.get_layer("attention").get_config()["units"] == 3
    for before, after in zip(model(inputs), loaded(inputs), strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(before),
                                      keras.ops.convert_to_numpy(after))
