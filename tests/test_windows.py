"""Tests for rnncourse/windows.py.

Reference answers: np.arange series, where every value equals its index, so each
window's alignment can be written down; and keras.utils.timeseries_dataset_from_array
building the same windows.
"""

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402

from rnncourse import windows  # noqa: E402


def keras_windows(series, past, horizon):
    """x (windows, past, 1) and y (windows, horizon) from Keras' windows of past + horizon."""
    dataset = keras.utils.timeseries_dataset_from_array(
        series, None, sequence_length=past + horizon, batch_size=len(series), shuffle=False
    )
    both = np.concatenate([keras.ops.convert_to_numpy(batch) for batch in dataset])
    return both[:, :past, None], both[:, past:]  # (windows, past, 1), (windows, horizon)


def test_arange_alignment_by_hand():
    x, y = windows.make_windows(np.arange(6), past=3, horizon=2)
    np.testing.assert_array_equal(x[:, :, 0], [[0, 1, 2], [1, 2, 3]])
    np.testing.assert_array_equal(y, [[3, 4], [4, 5]])
    assert x.shape == (2, 3, 1) and y.shape == (2, 2)
    assert x.dtype == y.dtype == np.float64


@pytest.mark.parametrize("past, horizon", [(1, 1), (3, 1), (10, 1), (4, 3), (1, 5)])
def test_arange_every_window(past, horizon):
    length = 20
    x, y = windows.make_windows(np.arange(length), past, horizon)
    i = np.arange(windows.num_windows(length, past, horizon))  # (windows,): window number
    assert len(x) == len(y) == len(i) == length - past - horizon + 1
    np.testing.assert_array_equal(x[:, :, 0], i[:, None] + np.arange(past))
    np.testing.assert_array_equal(y, i[:, None] + past + np.arange(horizon))


def test_last_window_ends_at_the_last_value():
    series = np.arange(15.0)
    _, y = windows.make_windows(series, past=4, horizon=2)
    assert y[-1, -1] == series[-1]


def test_window_exactly_as_long_as_the_series():
    x, y = windows.make_windows(np.arange(5.0), past=3, horizon=2)
    assert x.shape == (1, 3, 1) and y.shape == (1, 2)


@pytest.mark.parametrize("past, horizon", [(1, 1), (10, 1), (5, 4)])
def test_same_windows_as_keras(past, horizon):
    series = np.sin(np.linspace(0.0, 20.0, 97))  # (time,)
    x, y = windows.make_windows(series, past, horizon)
    keras_x, keras_y = keras_windows(series, past, horizon)
    np.testing.assert_array_equal(x, keras_x)
    np.testing.assert_array_equal(y, keras_y)


def keras_next_value(inputs, targets, past):
    dataset = keras.utils.timeseries_dataset_from_array(
        inputs, targets, sequence_length=past, batch_size=100, shuffle=False
    )
    keras_x, keras_y = (keras.ops.convert_to_numpy(a) for a in next(iter(dataset)))
    return keras_x, keras_y  # (windows, past), (windows,)


def test_next_value_targets_with_keras_targets_argument():
    """Inputs series[:-1], targets series[past:]: Keras pairs target i with window i."""
    series, past = np.arange(30.0), 7
    keras_x, keras_y = keras_next_value(series[:-1], series[past:], past)
    x, y = windows.make_windows(series, past, horizon=1)
    np.testing.assert_array_equal(x[:, :, 0], keras_x)
    np.testing.assert_array_equal(y[:, 0], keras_y)


def test_keras_docs_recipe_keeps_fewer_windows():
    """The Keras docs' recipe (inputs data[:-past], targets data[past:]) aligns the targets
    right but drops the last past - 1 windows: it is a prefix of ours."""
    series, past = np.arange(30.0), 7
    keras_x, keras_y = keras_next_value(series[:-past], series[past:], past)
    x, y = windows.make_windows(series, past, horizon=1)
    assert len(x) - len(keras_x) == past - 1
    np.testing.assert_array_equal(x[: len(keras_x), :, 0], keras_x)
    np.testing.assert_array_equal(y[: len(keras_y), 0], keras_y)


@settings(max_examples=50, deadline=None)
@given(
    length=st.integers(2, 60),
    past=st.integers(1, 30),
    horizon=st.integers(1, 10),
)
def test_windows_are_slices_of_the_series(length, past, horizon):
    series = np.arange(length) * 0.5 - 3.0
    if past + horizon > length:
        with pytest.raises(ValueError, match="needs at least"):
            windows.make_windows(series, past, horizon)
        return
    x, y = windows.make_windows(series, past, horizon)
    for i in (0, len(x) - 1):
        np.testing.assert_array_equal(x[i, :, 0], series[i : i + past])
        np.testing.assert_array_equal(y[i], series[i + past : i + past + horizon])


def test_window_longer_than_series():
    with pytest.raises(ValueError, match=r"needs at least 12 time steps; the series has 10"):
        windows.make_windows(np.arange(10.0), past=10, horizon=2)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values(bad):
    series = np.arange(10.0)
    series[4] = bad
    with pytest.raises(ValueError, match=r"series must be finite; .* first at index \(4,\)"):
        windows.make_windows(series, past=3)


@pytest.mark.parametrize("shape", [(), (10, 1), (2, 5, 1)])
def test_wrong_rank(shape):
    with pytest.raises(ValueError, match=r"series must be 1-D \(time\); got shape"):
        windows.make_windows(np.zeros(shape), past=1)


@pytest.mark.parametrize("series", [np.array(["a", "b", "c"]), np.array([True, False, True])])
def test_not_numbers(series):
    with pytest.raises(TypeError, match="series must hold real numbers"):
        windows.make_windows(series, past=1)


@pytest.mark.parametrize("name, value, error", [("past", 0, ValueError), ("past", 2.5, TypeError),
                                                ("horizon", -1, ValueError),
                                                ("horizon", True, TypeError)])
def test_bad_past_or_horizon(name, value, error):
    kwargs = {"past": 2, "horizon": 1, name: value}
    with pytest.raises(error, match=f"{name} must be an integer"):
        windows.make_windows(np.arange(10.0), **kwargs)


def test_num_windows_counts_or_refuses():
    assert windows.num_windows(10, 3, 2) == 6 == len(windows.make_windows(np.arange(10), 3, 2)[0])
    assert windows.num_windows(5, 4) == 1
    with pytest.raises(ValueError, match=r"needs at least 11 time steps; the series has 5"):
        windows.num_windows(5, 10)  # never a negative count
    with pytest.raises(ValueError, match="length must be an integer >= 0"):
        windows.num_windows(-1, 1)


def test_accepts_lists_and_integers():
    x, y = windows.make_windows([1, 2, 3, 4], past=np.int64(2))
    np.testing.assert_array_equal(x[:, :, 0], [[1, 2], [2, 3]])
    np.testing.assert_array_equal(y, [[3], [4]])
