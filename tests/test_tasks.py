"""Tests for rnncourse/tasks.py.

Reference answers: the definition of the adding problem that notebooks/02f_long_memory.md
derives inline (copied below, the same draws from the same seed), and the task's own
properties (two markers, one per half; y the marked sum).
"""

import numpy as np
import pytest

from rnncourse import tasks


def adding_problem_02f(num_sequences, lag, rng):
    """Copied from notebooks/02f_long_memory.md ("The adding problem"), unchanged."""
    values = rng.uniform(size=(num_sequences, lag))  # (sequences, time)
    markers = np.zeros((num_sequences, lag))  # (sequences, time)
    rows = np.arange(num_sequences)
    markers[rows, rng.integers(0, lag // 2, num_sequences)] = 1  # one in the first half
    markers[rows, rng.integers(lag // 2, lag, num_sequences)] = 1  # one in the second
    x = np.stack([values, markers], axis=-1).astype("float32")  # (sequences, time, 2)
    return x, (values * markers).sum(axis=1, keepdims=True).astype("float32")


@pytest.mark.parametrize("num_sequences, lag", [(1, 2), (5, 3), (64, 10), (200, 51)])
def test_shapes_and_dtypes(num_sequences, lag):
    x, y = tasks.adding_problem(num_sequences, lag, np.random.default_rng(0))
    assert x.shape == (num_sequences, lag, 2) and x.dtype == np.float32
    assert y.shape == (num_sequences, 1) and y.dtype == np.float32


@pytest.mark.parametrize("lag", [2, 3, 10, 51])
def test_two_markers_one_in_each_half(lag):
    x, _ = tasks.adding_problem(500, lag, np.random.default_rng(1))
    values, markers = x[..., 0], x[..., 1]  # (sequences, time) each
    assert set(np.unique(markers)) <= {0.0, 1.0}
    assert np.all(markers.sum(axis=1) == 2)
    assert np.all(markers[:, : lag // 2].sum(axis=1) == 1)  # the first half
    assert np.all(markers[:, lag // 2:].sum(axis=1) == 1)  # the second half
    assert values.min() >= 0 and values.max() < 1


def test_both_halves_are_used_in_full():
    """Over many sequences every step of each half carries a marker at least once."""
    lag = 8
    x, _ = tasks.adding_problem(2000, lag, np.random.default_rng(2))
    assert np.all(x[..., 1].sum(axis=0) > 0)


def test_y_is_the_marked_sum():
    x, y = tasks.adding_problem(300, 20, np.random.default_rng(3))
    values, markers = x[..., 0].astype(np.float64), x[..., 1]
    expected = np.array([values[i][markers[i] == 1].sum() for i in range(len(x))])
    np.testing.assert_allclose(y[:, 0], expected, rtol=1e-6)  # float32 roundings
    assert 0 <= y.min() and y.max() < 2


def test_a_seeded_rng_reproduces_the_data():
    first = tasks.adding_problem(50, 12, np.random.default_rng(4))
    again = tasks.adding_problem(50, 12, np.random.default_rng(4))
    other = tasks.adding_problem(50, 12, np.random.default_rng(5))
    for array, same, different in zip(first, again, other):
        np.testing.assert_array_equal(array, same)
        assert np.any(array != different)


@pytest.mark.parametrize("num_sequences, lag, seed", [(1, 2, 0), (16, 7, 1), (1600, 50, 2)])
def test_same_as_notebook_02f(num_sequences, lag, seed):
    ours = tasks.adding_problem(num_sequences, lag, np.random.default_rng(seed))
    reference = adding_problem_02f(num_sequences, lag, np.random.default_rng(seed))
    for array, expected in zip(ours, reference):
        assert array.dtype == expected.dtype
        np.testing.assert_array_equal(array, expected)


def test_same_draws_as_02f_when_called_twice_on_one_rng():
    """02f draws its train and test splits one after the other from one Generator."""
    rng, reference_rng = np.random.default_rng(7), np.random.default_rng(7)
    for size in (30, 20):
        ours = tasks.adding_problem(size, 9, rng)
        reference = adding_problem_02f(size, 9, reference_rng)
        for array, expected in zip(ours, reference):
            np.testing.assert_array_equal(array, expected)


def test_the_copy_is_still_what_02f_defines():
    """The reference above, line for line (its docstring aside), against the notebook."""
    import inspect
    from pathlib import Path

    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "02f_long_memory.md"
    defined = notebook.read_text().split("def adding_problem(", 1)[1].split("```", 1)[0]
    copied = inspect.getsource(adding_problem_02f).split("def adding_problem_02f(", 1)[1]
    body = [line for line in defined.splitlines()[2:] if line.strip()]
    assert body == [line for line in copied.splitlines()[2:] if line.strip()]
    assert defined.splitlines()[0] == copied.splitlines()[0]  # the same arguments
