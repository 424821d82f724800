"""Synthetic sequence tasks shared by several chapters.

- :func:`adding_problem`: the long-memory task of chapter 2 (Hochreiter and Schmidhuber,
  1997), which 02f derives step by step and chapter 8 reuses to compare the minGRU with
  the GRU.
"""

import numpy as np

from rnncourse import _checks


def adding_problem(num_sequences, lag, rng):
    """The adding problem: x (sequences, lag, 2) float32 holds a value v_t ~ U[0, 1] and a
    marker m_t, 1 at one step of the first half and one of the second, 0 elsewhere; y
    (sequences, 1) float32 is the sum of the two marked values, sum_t m_t v_t.

    Draws from ``rng`` in the order 02f does: values, first markers, second markers.
    """
    num_sequences = _checks.integer("num_sequences", num_sequences, minimum=1)
    lag = _checks.integer("lag", lag, minimum=2)
    rng = _checks.generator("rng", rng)
    values = rng.uniform(size=(num_sequences, lag))  # (sequences, time)
    markers = np.zeros((num_sequences, lag))  # (sequences, time)
    rows = np.arange(num_sequences)
    markers[rows, rng.integers(0, lag // 2, num_sequences)] = 1  # one in the first half
    markers[rows, rng.integers(lag // 2, lag, num_sequences)] = 1  # one in the second
    x = np.stack([values, markers], axis=-1).astype("float32")  # (sequences, time, 2)
    return x, (values * markers).sum(axis=1, keepdims=True).astype("float32")
