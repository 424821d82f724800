"""Bad input to rnncourse.tasks: every wrong call fails clearly, naming the argument.

Each case is one wrong call (tests/bad_input.py classifies it); `python tests/bad_input.py`
prints the figures per module.
"""

import numpy as np
import pytest
from bad_input import Case, classify, uncovered

from rnncourse import tasks

RNG = np.random.default_rng  # a fresh generator per case


def cases(function, argument, calls):
    return [Case("tasks", f"{function}({call})", argument, run) for call, run in calls]


CASES = [
    *cases("adding_problem", "num_sequences", [
        ("num_sequences=0", lambda: tasks.adding_problem(0, 10, RNG(0))),
        ("num_sequences=2.5", lambda: tasks.adding_problem(2.5, 10, RNG(0))),
        ("num_sequences='100'", lambda: tasks.adding_problem("100", 10, RNG(0))),
        ("num_sequences=True", lambda: tasks.adding_problem(True, 10, RNG(0))),
    ]),
    *cases("adding_problem", "lag", [
        ("lag=1 (no second half)", lambda: tasks.adding_problem(5, 1, RNG(0))),
        ("lag=0", lambda: tasks.adding_problem(5, 0, RNG(0))),
        ("lag=10.0", lambda: tasks.adding_problem(5, 10.0, RNG(0))),
        ("lag=None", lambda: tasks.adding_problem(5, None, RNG(0))),
    ]),
    *cases("adding_problem", "rng", [
        ("rng=0", lambda: tasks.adding_problem(5, 10, 0)),
        ("rng=np.random.RandomState(0)",
         lambda: tasks.adding_problem(5, 10, np.random.RandomState(0))),
        ("rng=None", lambda: tasks.adding_problem(5, 10, None)),
    ]),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_every_public_function_has_cases():
    missing = uncovered(CASES, tasks)
    assert not missing, f"no bad-input case for {missing}"


def test_the_smallest_task_is_accepted():
    """lag = 2 and one sequence: the bounds the checks draw are the right ones."""
    x, y = tasks.adding_problem(1, 2, RNG(0))
    np.testing.assert_array_equal(x[0, :, 1], [1.0, 1.0])
    assert y[0, 0] == pytest.approx(x[0, :, 0].sum(), rel=1e-6)
