"""Tests for rnncourse/mingru.py.

Reference answers: rnncourse.mingru_numpy.forward (float64) with the same weights loaded
into the Keras layer, rnncourse.scan.loop for the two keras.ops scans, keras.layers.GRU's
and a built model's count_params for the weight counts, a brute-force search for
matching_units, and a saved and reloaded .keras file. Models stay tiny (a few units, a few
steps); no timing is asserted.
"""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402
from keras import ops  # noqa: E402

from rnncourse import mingru, mingru_numpy, scan  # noqa: E402

# float32 against float64: one rounding of each coefficient (2**-24 = 6e-8 relative) and
# about log2(T) more in the scan; measured 1.4e-7 relative to max |h| for T = 12 (and
# below 1e-7 for the two keras.ops scans against scan.loop), gradients within 3e-7 of
# mingru_numpy.backward. A wrong block order or gate convention is O(0.1).
FLOAT32_RTOL = 1e-5


def scaled_error(h, reference):
    return float(np.max(np.abs(np.asarray(h, np.float64) - reference))
                 / np.max(np.abs(reference)))


def problem(batch_size=3, seq_len=12, num_features=4, num_units=5, seed=0):
    """float64 params with a random bias, and float32 inputs (batch, time, features)."""
    rng = np.random.default_rng(seed)
    params = mingru_numpy.init_params(num_features, num_units, rng)
    params["b"] = params["b"] + rng.normal(scale=0.5, size=2 * num_units)
    x = rng.normal(size=(batch_size, seq_len, num_features)).astype("float32")
    return params, x


def loaded_layer(params, seq_len, **options):
    """MinGRU built on (seq_len, features) with params' weights (rounded to float32)."""
    num_features, two_units = params["W_x"].shape
    layer = mingru.MinGRU(two_units // 2, **options)
    layer.build((None, seq_len, num_features))
    layer.set_weights([params[name] for name in mingru_numpy.PARAM_NAMES])
    return layer


# ---------------------------------------------------------------- against NumPy


@pytest.mark.parametrize("return_sequences", [True, False])
@pytest.mark.parametrize("parallel", [True, False])
def test_layer_matches_mingru_numpy(parallel, return_sequences):
    params, x = problem()
    layer = loaded_layer(params, x.shape[1], parallel=parallel,
                         return_sequences=return_sequences)
    assert [w.shape for w in layer.get_weights()] == [params[n].shape
                                                       for n in mingru_numpy.PARAM_NAMES]
    h = ops.convert_to_numpy(layer(x))
    expected = mingru_numpy.forward(x.astype(np.float64), params)  # (batch, time, units)
    expected = expected if return_sequences else expected[:, -1]
    assert h.shape == expected.shape and h.dtype == np.float32
    assert scaled_error(h, expected) <= FLOAT32_RTOL


def test_both_scans_give_the_same_states():
    params, x = problem(seq_len=33, seed=1)
    parallel, sequential = (ops.convert_to_numpy(loaded_layer(
        params, 33, parallel=mode, return_sequences=True)(x)) for mode in (True, False))
    np.testing.assert_allclose(parallel, sequential, rtol=0,
                               atol=FLOAT32_RTOL * np.abs(sequential).max())


@pytest.mark.parametrize("seq_len", [1, 2, 3, 7, 8, 9, 33])
def test_keras_scans_match_scan_loop(seq_len):
    rng = np.random.default_rng(seq_len)
    a = rng.uniform(0, 1, size=(2, seq_len, 3)).astype("float32")  # (batch, time, units)
    b = rng.normal(size=(2, seq_len, 3)).astype("float32")
    expected, _ = scan.loop(a, b)  # float64, from h0 = 0
    for function in (mingru.hillis_steele, mingru.sequential):
        h = ops.convert_to_numpy(function(ops.convert_to_tensor(a), ops.convert_to_tensor(b)))
        assert h.shape == expected.shape, function.__name__
        assert scaled_error(h, expected) <= FLOAT32_RTOL, function.__name__


# ---------------------------------------------------------------- saving, masks, gradients


@pytest.mark.parametrize("parallel", [True, False])
def test_save_and_reload(tmp_path, parallel):
    params, x = problem(seq_len=6, seed=2)
    inputs = keras.Input((6, 4))
    layer = mingru.MinGRU(5, return_sequences=True, parallel=parallel, name="mingru")
    model = keras.Model(inputs, keras.layers.Dense(1)(layer(inputs)))
    layer.set_weights([params[name] for name in mingru_numpy.PARAM_NAMES])
    model.save(tmp_path / "model.keras")
    again = keras.models.load_model(tmp_path / "model.keras")
    reloaded = again.get_layer("mingru")
    assert isinstance(reloaded, mingru.MinGRU)
    assert (reloaded.units, reloaded.return_sequences, reloaded.parallel) == (5, True, parallel)
    np.testing.assert_array_equal(ops.convert_to_numpy(again(x)),
                                  ops.convert_to_numpy(model(x)))


def test_config_round_trip():
    layer = mingru.MinGRU(7, return_sequences=True, parallel=False, name="m")
    config = layer.get_config()
    assert {key: config[key] for key in ("units", "return_sequences", "parallel")} == {
        "units": 7, "return_sequences": True, "parallel": False}
    again = mingru.MinGRU.from_config(config)
    assert (again.units, again.return_sequences, again.parallel, again.name) == (7, True,
                                                                                 False, "m")


def test_a_mask_is_refused():
    params, x = problem(seq_len=4, seed=3)
    layer = loaded_layer(params, 4)
    with pytest.raises(ValueError, match="mask"):
        layer(x, mask=np.ones(x.shape[:2], dtype=bool))
    # Behind Embedding(mask_zero=True): refused when the model is built (a symbolic call
    # runs compute_output_spec, not call) and, eagerly, at the first call.
    ids = keras.Input((4,), dtype="int32")
    with pytest.raises(ValueError, match="mask"):
        mingru.MinGRU(2)(keras.layers.Embedding(10, 3, mask_zero=True)(ids))
    embedded = keras.layers.Embedding(10, 3, mask_zero=True)(np.array([[1, 2, 0, 0]]))
    with pytest.raises(ValueError, match="mask"):
        mingru.MinGRU(2)(embedded)


def gradients(params, x, parallel):
    """d sum(h * weights) / d (kernel, bias, x), by tf.GradientTape."""
    layer = loaded_layer(params, x.shape[1], parallel=parallel, return_sequences=True)
    x_var = tf.Variable(x)
    weights = np.random.default_rng(4).normal(size=(*x.shape[:2], layer.units))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x_var) * weights.astype("float32"))
    sources = [layer.kernel.value, layer.bias.value, x_var]
    return [grad.numpy() for grad in tape.gradient(loss, sources)]


def test_gradients_flow_and_agree_between_the_scans():
    params, x = problem(seq_len=10, seed=5)
    parallel, sequential = gradients(params, x, True), gradients(params, x, False)
    for name, one, other in zip(("kernel", "bias", "x"), parallel, sequential):
        assert np.isfinite(one).all() and np.abs(one).max() > 0, name
        np.testing.assert_allclose(one, other, rtol=0,
                                   atol=FLOAT32_RTOL * np.abs(other).max(), err_msg=name)


def test_gradients_match_mingru_numpy_backward():
    params, x = problem(seq_len=10, seed=5)
    kernel, bias, dx = gradients(params, x, True)
    x64 = x.astype(np.float64)
    dh = np.random.default_rng(4).normal(size=(*x.shape[:2], params["b"].size // 2))
    grads = mingru_numpy.backward(x64, mingru_numpy.forward(x64, params), params, dh)
    for name, ours in (("W_x", kernel), ("b", bias), ("x", dx)):
        assert scaled_error(ours, grads[name]) <= FLOAT32_RTOL, name


# ---------------------------------------------------------------- sizes


@pytest.mark.parametrize("num_features, num_units", [(1, 1), (3, 8), (7, 5)])
def test_gru_size_is_keras_count(num_features, num_units):
    layer = keras.layers.GRU(num_units)
    layer.build((None, None, num_features))
    assert mingru.gru_size(num_features, num_units) == layer.count_params()


@pytest.mark.parametrize("num_layers", [1, 2, 3])
def test_stack_size_is_the_built_stack(num_layers):
    num_features, num_units = 3, 6
    model = mingru.build("mingru", num_units, 5, num_features, num_layers)
    cells = [layer for layer in model.layers if isinstance(layer, mingru.MinGRU)]
    assert len(cells) == num_layers
    assert sum(layer.count_params() for layer in cells) == mingru.stack_size(
        num_features, num_units, num_layers)
    dense = num_units + 1  # Dense(1) on the last state
    assert model.count_params() == mingru.stack_size(num_features, num_units,
                                                     num_layers) + dense


@pytest.mark.parametrize("num_features, gru_units, num_layers",
                         [(1, 8, 1), (3, 16, 1), (3, 16, 2), (10, 4, 3), (2, 1, 1)])
def test_matching_units_is_the_closest(num_features, gru_units, num_layers):
    target = mingru.gru_size(num_features, gru_units)
    found = mingru.matching_units(num_features, gru_units, num_layers)
    gaps = {units: abs(mingru.stack_size(num_features, units, num_layers) - target)
            for units in range(1, 3000)}
    best = min(gaps.values())
    assert gaps[found] == best
    assert found == min(units for units, gap in gaps.items() if gap == best)  # ties: smaller


def test_matching_units_by_hand():
    # GRU(8) on 1 feature: 3 * 8 * (1 + 8 + 2) = 264 weights; MinGRU(u): 2u(1 + 1) = 4u,
    # so u = 66 matches exactly.
    assert mingru.gru_size(1, 8) == 264
    assert mingru.matching_units(1, 8) == 66
    assert mingru.stack_size(1, 66, 1) == 264


# ---------------------------------------------------------------- build and step_seconds


@pytest.mark.parametrize("cell", mingru.CELLS)
def test_build_gives_the_expected_model(cell):
    model = mingru.build(cell, 4, 6, 3, num_layers=2, num_outputs=2)
    assert model.input_shape == (None, 6, 3) and model.output_shape == (None, 2)
    cells = [layer for layer in model.layers
             if isinstance(layer, (keras.layers.GRU, mingru.MinGRU))]
    assert [layer.return_sequences for layer in cells] == [True, False]
    assert all(layer.units == 4 for layer in cells)
    if cell == "gru":
        assert all(type(layer) is keras.layers.GRU for layer in cells)
    else:
        assert all(layer.parallel == (cell == "mingru") for layer in cells)
    x = np.random.default_rng(6).normal(size=(5, 6, 3)).astype("float32")
    assert tuple(model(x).shape) == (5, 2)


def test_step_seconds_is_a_positive_float():
    model = mingru.build("mingru", 3, 5, 2)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(4, 5, 2)).astype("float32")
    y = rng.normal(size=(4, 1)).astype("float32")
    seconds = mingru.step_seconds(model, x, y, num_repeats=2)
    assert isinstance(seconds, float) and seconds > 0 and np.isfinite(seconds)
