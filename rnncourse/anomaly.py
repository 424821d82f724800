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


def _check_series(series, name="series"):
    """A finite 1-D float64 array, or ValueError."""
    array = np.asarray(series, dtype=float)
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (time,), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or inf")
    return array


def rolling_zscore(series, window):
    """Trailing rolling z-score of ``series (time,)``; ``(time,)``, NaN for the first ``window``.

    The mean and (population, ddof=0) standard deviation of ``series[t-window:t]`` standardise
    ``series[t]``; a window with zero spread gives z = 0 where the value equals the mean and
    +-inf elsewhere.
    """
    x = _check_series(series)  # (time,)
    if not isinstance(window, int | np.integer) or window < 2:
        raise ValueError(f"window must be an integer >= 2, got {window!r}")
    if window >= len(x):
        raise ValueError(f"window ({window}) must be shorter than the series ({len(x)} steps)")
    windows = np.lib.stride_tricks.sliding_window_view(x[:-1], window)  # (time - window, window)
    mean = windows.mean(axis=1)  # (time - window,)
    std = windows.std(axis=1)  # (time - window,)
    deviation = x[window:] - mean  # (time - window,)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(deviation == 0, 0.0, deviation / std)  # (time - window,)
    return np.concatenate([np.full(window, np.nan), z])  # (time,)


def label_segments(labels):
    """The ``(start, stop)`` pairs (stop exclusive) of the runs of True in ``labels (time,)``."""
    flags = np.asarray(labels)
    if flags.ndim != 1:
        raise ValueError(f"labels must be 1-D (time,), got shape {flags.shape}")
    padded = np.concatenate([[False], flags.astype(bool), [False]])  # (time + 2,)
    edges = np.flatnonzero(padded[1:] != padded[:-1])  # starts and stops, alternating
    return [(int(start), int(stop)) for start, stop in zip(edges[::2], edges[1::2])]


def event_recall(labels, flags):
    """Fraction of anomalous segments of ``labels (time,)`` with at least one flagged step."""
    labels, flags = np.asarray(labels, dtype=bool), np.asarray(flags, dtype=bool)
    if labels.shape != flags.shape or labels.ndim != 1:
        raise ValueError(
            f"labels and flags must be 1-D of the same length, got {labels.shape} and {flags.shape}"
        )
    segments = label_segments(labels)
    if not segments:
        raise ValueError("labels contain no anomaly: event recall is undefined")
    return float(np.mean([flags[start:stop].any() for start, stop in segments]))


def precision_event_recall(labels, flags):
    """(point precision, event recall) of ``flags (time,)`` against ``labels (time,)``.

    Point precision is the share of flagged steps that are anomalous (1.0 when nothing is
    flagged: no false alarm was raised); event recall is :func:`event_recall`.
    """
    recall = event_recall(labels, flags)  # checks shapes and that there is an anomaly
    labels, flags = np.asarray(labels, dtype=bool), np.asarray(flags, dtype=bool)
    precision = float(labels[flags].mean()) if flags.any() else 1.0
    return precision, recall
