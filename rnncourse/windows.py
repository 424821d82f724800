"""Cut a time series into input windows and forecast targets.

Window ``i`` holds the ``past`` values ``series[i : i + past]`` and its target holds
the ``horizon`` values that follow, ``series[i + past : i + past + horizon]``.
With ``horizon=1`` this is the next-value task of chapters 2 and 3; with a larger
horizon it is the direct multi-step task (predict the next ``horizon`` values at
once), and ``y[:, -1]`` alone is the value ``horizon`` steps after the window.

The same windows come out of ``keras.utils.timeseries_dataset_from_array`` (see
tests/test_windows.py); this version returns plain NumPy arrays, batch first.
"""

import numpy as np


def _check_series(series):
    """series as a float64 array of shape (time,), or a ValueError saying what is wrong."""
    array = np.asarray(series)
    if array.ndim != 1:
        raise ValueError(
            f"series must be 1-D, shape (time,); got shape {array.shape}. "
            "For a (time, 1) array pass series[:, 0]."
        )
    if not np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError(f"series must hold real numbers; got dtype {array.dtype}")
    array = array.astype(np.float64)
    if not np.all(np.isfinite(array)):
        bad = np.flatnonzero(~np.isfinite(array))
        raise ValueError(
            f"series must be finite; it has {bad.size} NaN or inf values, first at index {bad[0]}"
        )
    return array


def _check_count(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")


def num_windows(length, past, horizon=1):
    """How many windows of ``past`` inputs and ``horizon`` targets fit in ``length`` steps."""
    return length - past - horizon + 1


def make_windows(series, past, horizon=1):
    """Every window of ``past`` values with the ``horizon`` values that follow it.

    Args:
        series: array-like of shape (time,), finite real numbers.
        past: number of input time steps per window (a positive int).
        horizon: number of target steps after each window (a positive int).

    Returns:
        x: (windows, past, 1), with x[i, :, 0] = series[i : i + past]
        y: (windows, horizon), with y[i] = series[i + past : i + past + horizon]
        where windows = time - past - horizon + 1, in time order.

    Raises:
        ValueError: series not 1-D, not numeric, or with NaN/inf; past or horizon not a
        positive integer; past + horizon longer than the series.
    """
    array = _check_series(series)  # (time,)
    _check_count("past", past)
    _check_count("horizon", horizon)
    count = num_windows(len(array), past, horizon)
    if count < 1:
        raise ValueError(
            f"a window of past={past} inputs plus horizon={horizon} targets needs at least "
            f"{past + horizon} time steps; the series has {len(array)}"
        )
    starts = np.arange(count)  # (windows,): first index of each window
    x = array[starts[:, None] + np.arange(past)][..., None]  # (windows, past, 1)
    y = array[starts[:, None] + past + np.arange(horizon)]  # (windows, horizon)
    return x, y
