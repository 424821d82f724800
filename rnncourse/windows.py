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

from rnncourse import _checks


def num_windows(length, past, horizon=1):
    """How many windows of ``past`` inputs and ``horizon`` targets fit in ``length`` steps.

    length - past - horizon + 1, at least 1: a series shorter than past + horizon raises
    ValueError, as :func:`make_windows` does (past and horizon are integers >= 1).
    """
    length = _checks.integer("length", length, minimum=0)
    past = _checks.integer("past", past, minimum=1)
    horizon = _checks.integer("horizon", horizon, minimum=1)
    if past + horizon > length:
        raise ValueError(
            f"a window of past={past} inputs plus horizon={horizon} targets needs at least "
            f"{past + horizon} time steps; the series has {length}"
        )
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
        ValueError, TypeError: series not 1-D, not real numbers, or with NaN/inf; past or
        horizon not a positive integer; past + horizon longer than the series.
    """
    array = np.asarray(_checks.array("series", series, axes=("time",)), dtype=np.float64)
    count = num_windows(len(array), past, horizon)  # checks past and horizon
    starts = np.arange(count)  # (windows,): first index of each window
    x = array[starts[:, None] + np.arange(past)][..., None]  # (windows, past, 1)
    y = array[starts[:, None] + past + np.arange(horizon)]  # (windows, horizon)
    return x, y
