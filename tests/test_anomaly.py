"""Tests for rnncourse/anomaly.py.

Reference answers: pandas' rolling mean and standard deviation shifted by one step, a series
computed by hand, and properties for any series (hypothesis).
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnncourse.anomaly import event_recall, label_segments, precision_event_recall, rolling_zscore


def test_rolling_zscore_by_hand():
    series = np.array([1.0, 3.0, 1.0, 3.0, 6.0])  # windows of 2: mean 2, std 1 at t = 2, 3, 4
    z = rolling_zscore(series, window=2)
    np.testing.assert_array_equal(z[:2], [np.nan, np.nan])
    np.testing.assert_allclose(z[2:], [-1.0, 1.0, 4.0])


@settings(deadline=None, max_examples=50)
@given(
    values=st.lists(st.floats(-100, 100), min_size=3, max_size=60),
    window=st.integers(2, 10),
)
def test_rolling_zscore_matches_pandas(values, window):
    series = np.array(values) + np.arange(len(values))  # a trend: no window has std near 0
    if window >= len(series):
        window = len(series) - 1
        if window < 2:
            return
    rolling = pd.Series(series).rolling(window)
    mean, std = rolling.mean().shift(1), rolling.std(ddof=0).shift(1)  # the window before t
    expected = ((series - mean) / std).to_numpy()  # (time,)
    np.testing.assert_allclose(rolling_zscore(series, window), expected, rtol=1e-6, atol=1e-6)


def test_rolling_zscore_uses_only_the_past():
    series = np.arange(20.0)
    changed = series.copy()
    changed[15:] = -100.0  # the future changes ...
    np.testing.assert_array_equal(  # ... but not the scores before it
        rolling_zscore(series, 5)[:15], rolling_zscore(changed, 5)[:15]
    )


def test_constant_window():
    z = rolling_zscore([2.0, 2.0, 2.0, 2.0, 5.0], window=3)
    assert z[3] == 0.0 and z[4] == np.inf


@pytest.mark.parametrize(
    "series, window, error, message",
    [
        (np.zeros((4, 2)), 2, ValueError, r"series must be 1-D \(time\); got shape \(4, 2\)"),
        ([0.0, np.nan, 1.0, 2.0], 2, ValueError, "NaN or inf"),
        ([0.0, 1.0, 2.0], 3, ValueError,
         r"window \(3\) must be shorter than the series \(3 steps\)"),
        ([0.0, 1.0, 2.0], 1, ValueError, "window must be an integer >= 2"),
        ([0.0, 1.0, 2.0], 2.0, TypeError, "window must be an integer"),
    ],
)
def test_rolling_zscore_bad_input(series, window, error, message):
    with pytest.raises(error, match=message):
        rolling_zscore(series, window)


def test_label_segments():
    labels = np.array([1, 1, 0, 0, 1, 0, 1, 1, 1], dtype=bool)
    assert label_segments(labels) == [(0, 2), (4, 5), (6, 9)]
    assert label_segments(np.zeros(5, dtype=bool)) == []
    with pytest.raises(ValueError, match=r"labels must be 1-D \(time\)"):
        label_segments(np.zeros((2, 2), dtype=bool))
    with pytest.raises(TypeError, match="labels must hold booleans"):
        label_segments(np.array([0.2, 0.9, 0.0]))  # scores are not labels


def test_event_recall():
    labels = np.array([0, 1, 1, 0, 0, 1, 1, 0, 1], dtype=bool)  # three segments
    flags = np.array([1, 0, 1, 0, 1, 0, 0, 0, 0], dtype=bool)  # hits the first only
    assert event_recall(labels, flags) == pytest.approx(1 / 3)
    assert event_recall(labels, labels) == 1.0
    with pytest.raises(ValueError, match=r"flags must be \(time\) with time=9 as in labels"):
        event_recall(labels, flags[:-1])
    with pytest.raises(TypeError, match="flags must hold booleans"):
        event_recall(labels, flags * 0.7)  # scores, not flags
    with pytest.raises(ValueError, match="no anomaly"):
        event_recall(np.zeros(4, dtype=bool), np.ones(4, dtype=bool))


def test_precision_event_recall():
    labels = np.array([0, 1, 1, 0, 0, 1, 1, 0, 1], dtype=bool)  # three segments
    flags = np.array([1, 0, 1, 0, 1, 0, 0, 0, 1], dtype=bool)  # 2 of 4 flags are anomalous
    assert precision_event_recall(labels, flags) == (0.5, pytest.approx(2 / 3))
    assert precision_event_recall(labels, np.zeros(9, dtype=bool)) == (1.0, 0.0)
    with pytest.raises(ValueError, match=r"flags must be \(time\) with time=9 as in labels"):
        precision_event_recall(labels, flags[:3])
    with pytest.raises(ValueError, match=r"labels must hold only True/False \(or 0/1\)"):
        precision_event_recall(labels * 2, flags)
