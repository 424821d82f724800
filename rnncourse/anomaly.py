"""Anomaly scores and event-level counts for a univariate time series.

The baseline score is the trailing rolling z-score: each value compared with the mean and
standard deviation of the ``window`` values just before it (not including it)::

    z_t = (x_t - mean(x_{t-window} .. x_{t-1})) / std(x_{t-window} .. x_{t-1})

An anomaly is usually a segment of consecutive steps, not one point, so besides point-wise
precision and recall we count events: a segment is detected when at least one of its steps is
flagged (:func:`event_recall`). :func:`precision_event_recall` gives the pair used to compare
detectors: which share of the flagged steps are anomalous, and which share of the anomalies were
found.
"""

import numpy as np

from rnncourse import _checks


def rolling_zscore(series, window):
    """Trailing rolling z-score of ``series (time,)``; ``(time,)``, NaN for the first ``window``.

    The mean and (population, ddof=0) standard deviation of ``series[t-window:t]`` standardise
    ``series[t]``; a window with zero spread gives z = 0 where the value equals the mean and
    +-inf elsewhere. ``window`` is an integer, 2 <= window < time.
    """
    x = np.asarray(_checks.array("series", series, axes=("time",)), dtype=np.float64)
    window = _checks.integer("window", window, minimum=2)
    if window >= len(x):
        raise ValueError(f"window ({window}) must be shorter than the series ({len(x)} steps)")
    windows = np.lib.stride_tricks.sliding_window_view(x[:-1], window)  # (time - window, window)
    mean = windows.mean(axis=1)  # (time - window,)
    std = windows.std(axis=1)  # (time - window,)
    deviation = x[window:] - mean  # (time - window,)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(deviation == 0, 0.0, deviation / std)  # (time - window,)
    return np.concatenate([np.full(window, np.nan), z])  # (time,)


def _labels(name, value, sizes):
    """value as a non-empty bool array (time,), True/False or 0/1, its length as in sizes."""
    return _checks.sized(name, value, ("time",), sizes, kind="bool", nonempty=("time",))


def label_segments(labels):
    """The ``(start, stop)`` pairs (stop exclusive) of the runs of True in ``labels (time,)``.

    labels: True/False (or 0/1) per step.
    """
    flags = _labels("labels", labels, {})  # (time,)
    padded = np.concatenate([[False], flags, [False]])  # (time + 2,)
    edges = np.flatnonzero(padded[1:] != padded[:-1])  # starts and stops, alternating
    return [(int(start), int(stop)) for start, stop in zip(edges[::2], edges[1::2])]


def _check_pair(labels, flags):
    """labels and flags as bool arrays of one length (time,), with at least one anomaly."""
    sizes = {}
    labels, flags = _labels("labels", labels, sizes), _labels("flags", flags, sizes)
    if not labels.any():
        raise ValueError("labels contain no anomaly: event recall is undefined")
    return labels, flags


def event_recall(labels, flags):
    """Fraction of anomalous segments of ``labels (time,)`` with at least one flagged step.

    labels, flags: True/False (or 0/1) per step, the same length; labels has an anomaly.
    """
    labels, flags = _check_pair(labels, flags)  # (time,) each
    segments = label_segments(labels)
    return float(np.mean([flags[start:stop].any() for start, stop in segments]))


def precision_event_recall(labels, flags):
    """(point precision, event recall) of ``flags (time,)`` against ``labels (time,)``.

    Point precision is the share of flagged steps that are anomalous (1.0 when nothing is
    flagged: no false alarm was raised); event recall is :func:`event_recall`.
    """
    labels, flags = _check_pair(labels, flags)  # (time,) each
    precision = float(labels[flags].mean()) if flags.any() else 1.0
    return precision, event_recall(labels, flags)
