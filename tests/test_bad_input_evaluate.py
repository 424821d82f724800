"""Bad input to the statistics helpers (rnncourse.evaluate): every wrong call fails clearly.

One Case per wrong call (tests/bad_input.py): correctness that is not boolean (scores,
labels 0..2, NaN), paired arrays of different lengths, empty or 2-D arrays, NaN, inf or
negative losses, a horizon too long for the series, one seed, a level of 0, 1 or 1.5,
counts out of range, missing or contradictory evidence for a verdict. A clear error is a
ValueError or TypeError whose message names the argument. The property tests at the end
draw the bad value at random (the lengths, the position of a NaN).
"""

import numpy as np
import pytest
from bad_input import Case, classify
from hypothesis import given, settings
from hypothesis import strategies as st

from rnncourse import evaluate

E = "evaluate"
RIGHT = np.array([True, False, True, True, False, True])  # (examples,) a's correctness
OTHER = np.array([True, True, False, True, False, False])  # (examples,) b's correctness
LOSSES = np.array([0.2, 0.5, 0.1, 0.4, 0.3, 0.6, 0.2, 0.1])  # (time,) squared errors
SEEDS = [0.901, 0.905, 0.909]  # (seeds,) one score per seed


def with_value(array, index, value):
    """A float copy of ``array`` with ``value`` at position ``index``."""
    bad = np.array(array, dtype=float)
    bad[index] = value
    return bad


ACCURACY_CASES = [
    Case(E, "accuracy_interval(correct='yes')", "correct",
         lambda: evaluate.accuracy_interval("yes")),
    Case(E, "accuracy_interval(correct=None)", "correct",
         lambda: evaluate.accuracy_interval(None)),
    Case(E, "accuracy_interval(correct are scores 0.1..0.9)", "correct",
         lambda: evaluate.accuracy_interval(np.linspace(0.1, 0.9, 6))),
    Case(E, "accuracy_interval(correct are labels 0..2)", "correct",
         lambda: evaluate.accuracy_interval(np.array([0, 1, 2, 1]))),
    Case(E, "accuracy_interval(correct [])", "correct", lambda: evaluate.accuracy_interval([])),
    Case(E, "accuracy_interval(correct 2-D)", "correct",
         lambda: evaluate.accuracy_interval(RIGHT.reshape(2, 3))),
    Case(E, "accuracy_interval(correct=905, no total)", "correct",
         lambda: evaluate.accuracy_interval(905)),
    Case(E, "accuracy_interval(correct=11, total=10)", "correct",
         lambda: evaluate.accuracy_interval(11, 10)),
    Case(E, "accuracy_interval(correct=-1, total=10)", "correct",
         lambda: evaluate.accuracy_interval(-1, 10)),
    Case(E, "accuracy_interval(correct=9.5, total=10)", "correct",
         lambda: evaluate.accuracy_interval(9.5, 10)),
    Case(E, "accuracy_interval(correct=True, total=10)", "correct",
         lambda: evaluate.accuracy_interval(True, 10)),
    Case(E, "accuracy_interval(correct an array, total=6)", "correct",
         lambda: evaluate.accuracy_interval(RIGHT, 6)),
    Case(E, "accuracy_interval(total=0)", "total", lambda: evaluate.accuracy_interval(0, 0)),
    Case(E, "accuracy_interval(total=10.0)", "total", lambda: evaluate.accuracy_interval(5, 10.0)),
    Case(E, "accuracy_interval(total='10')", "total", lambda: evaluate.accuracy_interval(5, "10")),
    Case(E, "accuracy_interval(level=0)", "level",
         lambda: evaluate.accuracy_interval(RIGHT, level=0)),
    Case(E, "accuracy_interval(level=1)", "level",
         lambda: evaluate.accuracy_interval(RIGHT, level=1)),
    Case(E, "accuracy_interval(level=1.5)", "level",
         lambda: evaluate.accuracy_interval(5, 10, level=1.5)),
    Case(E, "accuracy_interval(level=95)", "level",
         lambda: evaluate.accuracy_interval(5, 10, level=95)),
    Case(E, "accuracy_interval(level=nan)", "level",
         lambda: evaluate.accuracy_interval(5, 10, level=float("nan"))),
    Case(E, "accuracy_interval(level='95%')", "level",
         lambda: evaluate.accuracy_interval(5, 10, level="95%")),
]

CLASSIFIER_CASES = [
    Case(E, "paired_classifiers(correct_b one example shorter)", "correct_b",
         lambda: evaluate.paired_classifiers(RIGHT, OTHER[:-1])),
    Case(E, "paired_classifiers(correct_a longer)", "correct_b",
         lambda: evaluate.paired_classifiers(np.r_[RIGHT, RIGHT], OTHER)),
    Case(E, "paired_classifiers(correct_a are probabilities)", "correct_a",
         lambda: evaluate.paired_classifiers(np.linspace(0, 1, 6), OTHER)),
    Case(E, "paired_classifiers(correct_b are labels 0..2)", "correct_b",
         lambda: evaluate.paired_classifiers(RIGHT, np.array([0, 1, 2, 0, 1, 2]))),
    Case(E, "paired_classifiers(correct_a with NaN)", "correct_a",
         lambda: evaluate.paired_classifiers(with_value(RIGHT, 2, np.nan), OTHER)),
    Case(E, "paired_classifiers(empty correct_a and correct_b)", "correct_a",
         lambda: evaluate.paired_classifiers([], [])),
    Case(E, "paired_classifiers(correct_a a 0-d array)", "correct_a",
         lambda: evaluate.paired_classifiers(np.array(True), OTHER)),
    Case(E, "paired_classifiers(correct_b an empty bool array)", "correct_b",
         lambda: evaluate.paired_classifiers(RIGHT, np.zeros(0, bool))),
    Case(E, "paired_classifiers(correct_a 2-D)", "correct_a",
         lambda: evaluate.paired_classifiers(RIGHT[None], OTHER[None])),
    Case(E, "paired_classifiers(correct_b=None)", "correct_b",
         lambda: evaluate.paired_classifiers(RIGHT, None)),
    Case(E, "paired_classifiers(correct_a a string)", "correct_a",
         lambda: evaluate.paired_classifiers("TFTTFT", OTHER)),
    Case(E, "paired_classifiers(correct_b strings)", "correct_b",
         lambda: evaluate.paired_classifiers(RIGHT, np.full(6, "yes"))),
    Case(E, "paired_classifiers(level=0)", "level",
         lambda: evaluate.paired_classifiers(RIGHT, OTHER, level=0)),
    Case(E, "paired_classifiers(level=1)", "level",
         lambda: evaluate.paired_classifiers(RIGHT, OTHER, level=1)),
    Case(E, "paired_classifiers(level=1.5)", "level",
         lambda: evaluate.paired_classifiers(RIGHT, OTHER, level=1.5)),
    Case(E, "paired_classifiers(level=None)", "level",
         lambda: evaluate.paired_classifiers(RIGHT, OTHER, level=None)),
]

FORECASTER_CASES = [
    Case(E, "paired_forecasters(losses_a with NaN)", "losses_a",
         lambda: evaluate.paired_forecasters(with_value(LOSSES, 3, np.nan), LOSSES)),
    Case(E, "paired_forecasters(losses_b with inf)", "losses_b",
         lambda: evaluate.paired_forecasters(LOSSES, with_value(LOSSES, 0, np.inf))),
    Case(E, "paired_forecasters(losses_a are signed errors)", "losses_a",
         lambda: evaluate.paired_forecasters(LOSSES - 0.3, LOSSES)),
    Case(E, "paired_forecasters(losses_b one step shorter)", "losses_b",
         lambda: evaluate.paired_forecasters(LOSSES, LOSSES[:-1])),
    Case(E, "paired_forecasters(empty losses_a and losses_b)", "losses_a",
         lambda: evaluate.paired_forecasters([], [])),
    Case(E, "paired_forecasters(one step)", "losses_a",
         lambda: evaluate.paired_forecasters([0.1], [0.2])),
    Case(E, "paired_forecasters(3 steps, horizon=2)", "horizon",
         lambda: evaluate.paired_forecasters(LOSSES[:3], LOSSES[:3], horizon=2)),
    Case(E, "paired_forecasters(losses_a 2-D)", "losses_a",
         lambda: evaluate.paired_forecasters(LOSSES.reshape(2, 4), LOSSES.reshape(2, 4))),
    Case(E, "paired_forecasters(losses_a a string)", "losses_a",
         lambda: evaluate.paired_forecasters("0.1 0.2", LOSSES)),
    Case(E, "paired_forecasters(losses_b=None)", "losses_b",
         lambda: evaluate.paired_forecasters(LOSSES, None)),
    Case(E, "paired_forecasters(horizon=0)", "horizon",
         lambda: evaluate.paired_forecasters(LOSSES, LOSSES, horizon=0)),
    Case(E, "paired_forecasters(horizon=1.5)", "horizon",
         lambda: evaluate.paired_forecasters(LOSSES, LOSSES, horizon=1.5)),
    Case(E, "paired_forecasters(horizon=True)", "horizon",
         lambda: evaluate.paired_forecasters(LOSSES, LOSSES, horizon=True)),
    Case(E, "paired_forecasters(level=0)", "level",
         lambda: evaluate.paired_forecasters(LOSSES, LOSSES, level=0)),
    Case(E, "paired_forecasters(level=1.5)", "level",
         lambda: evaluate.paired_forecasters(LOSSES, LOSSES, level=1.5)),
]

SEED_CASES = [
    Case(E, "over_seeds(one seed)", "values", lambda: evaluate.over_seeds([0.9])),
    Case(E, "over_seeds(values [])", "values", lambda: evaluate.over_seeds([])),
    Case(E, "over_seeds(values with NaN)", "values",
         lambda: evaluate.over_seeds([0.9, float("nan"), 0.91])),
    Case(E, "over_seeds(values with inf)", "values",
         lambda: evaluate.over_seeds([0.9, float("inf")])),
    Case(E, "over_seeds(values 2-D)", "values", lambda: evaluate.over_seeds([SEEDS, SEEDS])),
    Case(E, "over_seeds(values a string)", "values", lambda: evaluate.over_seeds("0.9, 0.91")),
    Case(E, "over_seeds(values=None)", "values", lambda: evaluate.over_seeds(None)),
    Case(E, "over_seeds(values ragged)", "values", lambda: evaluate.over_seeds([[0.9], [1, 2]])),
    Case(E, "over_seeds(level=1)", "level", lambda: evaluate.over_seeds(SEEDS, level=1)),
    Case(E, "over_seeds(level=-0.5)", "level", lambda: evaluate.over_seeds(SEEDS, level=-0.5)),
]

SEEDED_CASES = [
    Case(E, "forecasters_over_seeds(2 seeds against 3)", "losses_a",
         lambda: evaluate.forecasters_over_seeds(np.tile(LOSSES, (2, 1)), np.tile(LOSSES, (3, 1)))),
    Case(E, "forecasters_over_seeds(losses_b shorter)", "losses_b",
         lambda: evaluate.forecasters_over_seeds(np.tile(LOSSES, (2, 1)), LOSSES[:5])),
    Case(E, "forecasters_over_seeds(losses_a with NaN)", "losses_a",
         lambda: evaluate.forecasters_over_seeds(with_value(LOSSES, 3, np.nan), LOSSES)),
    Case(E, "forecasters_over_seeds(losses_b=None)", "losses_b",
         lambda: evaluate.forecasters_over_seeds(LOSSES, None)),
    Case(E, "forecasters_over_seeds(losses_a 3-D)", "losses_a",
         lambda: evaluate.forecasters_over_seeds(np.ones((2, 2, 8)), LOSSES)),
    Case(E, "forecasters_over_seeds(level=2)", "level",
         lambda: evaluate.forecasters_over_seeds(np.tile(LOSSES, (2, 1)), LOSSES, level=2)),
]

LOSS_CASES = [
    Case(E, "paired_losses(losses_a with NaN)", "losses_a",
         lambda: evaluate.paired_losses(with_value(LOSSES, 3, np.nan), LOSSES)),
    Case(E, "paired_losses(losses_b one review shorter)", "losses_b",
         lambda: evaluate.paired_losses(LOSSES, LOSSES[:-1])),
    Case(E, "paired_losses(losses_a negative)", "losses_a",
         lambda: evaluate.paired_losses(LOSSES - 0.3, LOSSES)),
    Case(E, "paired_losses(one review)", "losses_a", lambda: evaluate.paired_losses([2.1], [2.0])),
    Case(E, "paired_losses(losses_a 2-D)", "losses_a",
         lambda: evaluate.paired_losses(LOSSES.reshape(2, 4), LOSSES.reshape(2, 4))),
    Case(E, "paired_losses(losses_b=None)", "losses_b",
         lambda: evaluate.paired_losses(LOSSES, None)),
    Case(E, "paired_losses(level=1)", "level",
         lambda: evaluate.paired_losses(LOSSES, LOSSES, level=1)),
    Case(E, "losses_over_seeds(2 seeds against 3)", "losses_a_by_seed",
         lambda: evaluate.losses_over_seeds(np.tile(LOSSES, (2, 1)), np.tile(LOSSES, (3, 1)))),
    Case(E, "losses_over_seeds(losses_b_by_seed shorter)", "losses_b_by_seed",
         lambda: evaluate.losses_over_seeds(np.tile(LOSSES, (2, 1)), LOSSES[:5])),
    Case(E, "losses_over_seeds(losses_a_by_seed with inf)", "losses_a_by_seed",
         lambda: evaluate.losses_over_seeds(with_value(LOSSES, 1, np.inf), LOSSES)),
    Case(E, "losses_over_seeds(losses_b_by_seed negative)", "losses_b_by_seed",
         lambda: evaluate.losses_over_seeds(np.tile(LOSSES, (2, 1)), LOSSES - 1)),
    Case(E, "losses_over_seeds(losses_a_by_seed 3-D)", "losses_a_by_seed",
         lambda: evaluate.losses_over_seeds(np.ones((2, 2, 8)), LOSSES)),
    Case(E, "losses_over_seeds(level=0)", "level",
         lambda: evaluate.losses_over_seeds(np.tile(LOSSES, (2, 1)), LOSSES, level=0)),
]

VERDICT_CASES = [
    Case(E, "verdict(no p_value and no interval)", "p_value", lambda: evaluate.verdict(0.01)),
    Case(E, "verdict(both p_value and interval)", "interval",
         lambda: evaluate.verdict(0.01, p_value=0.01, interval=(0.0, 0.02))),
    Case(E, "verdict(p_value=1.5)", "p_value", lambda: evaluate.verdict(0.01, p_value=1.5)),
    Case(E, "verdict(p_value=-0.01)", "p_value", lambda: evaluate.verdict(0.01, p_value=-0.01)),
    Case(E, "verdict(p_value=nan)", "p_value",
         lambda: evaluate.verdict(0.01, p_value=float("nan"))),
    Case(E, "verdict(p_value='0.01')", "p_value", lambda: evaluate.verdict(0.01, p_value="0.01")),
    Case(E, "verdict(interval=(0.02, 0.01), reversed)", "interval",
         lambda: evaluate.verdict(0.015, interval=(0.02, 0.01))),
    Case(E, "verdict(interval of 3 numbers)", "interval",
         lambda: evaluate.verdict(0.01, interval=(0.0, 0.01, 0.02))),
    Case(E, "verdict(interval with NaN)", "interval",
         lambda: evaluate.verdict(0.01, interval=(float("nan"), 0.02))),
    Case(E, "verdict(interval='0 to 1')", "interval",
         lambda: evaluate.verdict(0.01, interval="0 to 1")),
    Case(E, "verdict(difference outside its interval)", "difference",
         lambda: evaluate.verdict(0.5, interval=(0.01, 0.02))),
    Case(E, "verdict(difference=nan)", "difference",
         lambda: evaluate.verdict(float("nan"), p_value=0.01)),
    Case(E, "verdict(difference='+0.01')", "difference",
         lambda: evaluate.verdict("+0.01", p_value=0.01)),
    Case(E, "verdict(difference an array)", "difference",
         lambda: evaluate.verdict(np.array([0.01, 0.02]), p_value=0.01)),
    Case(E, "verdict(better='up')", "better",
         lambda: evaluate.verdict(0.01, p_value=0.01, better="up")),
    Case(E, "verdict(better='lower loss')", "better",
         lambda: evaluate.verdict(0.01, p_value=0.01, better="lower loss")),
    Case(E, "verdict(level=1)", "level", lambda: evaluate.verdict(0.01, p_value=0.01, level=1)),
    Case(E, "verdict(level=5, with an interval)", "level",
         lambda: evaluate.verdict(0.01, interval=(0.0, 0.02), level=5)),
]

CASES = (ACCURACY_CASES + CLASSIFIER_CASES + FORECASTER_CASES + SEED_CASES + SEEDED_CASES
         + LOSS_CASES + VERDICT_CASES)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_the_suite_covers_every_public_function():
    """Each public function of rnncourse.evaluate has at least two cases."""
    public = [name for name, value in vars(evaluate).items() if callable(value)
              and not name.startswith("_") and not isinstance(value, type)
              and getattr(value, "__module__", "") == evaluate.__name__]
    assert len(public) == 8, public
    for function in public:
        count = sum(case.call.startswith(function + "(") for case in CASES)
        assert count >= 2, f"evaluate.{function} has {count} bad-input cases"


# ---------------------------------------------------------------- properties


def assert_clear(call, argument, run):
    outcome, what = classify(Case(E, call, argument, run))
    assert outcome == "clear", f"{call}: {what}"


@settings(max_examples=30, deadline=None)
@given(length_a=st.integers(1, 40), length_b=st.integers(1, 40))
def test_paired_arrays_of_different_lengths_are_named(length_a, length_b):
    if length_a == length_b:
        length_b += 1
    flags_a, flags_b = np.ones(length_a, bool), np.zeros(length_b, bool)
    assert_clear(f"paired_classifiers({length_a} and {length_b} examples)", "correct_b",
                 lambda: evaluate.paired_classifiers(flags_a, flags_b))
    losses_a, losses_b = np.ones(length_a), np.ones(length_b)
    assert_clear(f"paired_forecasters({length_a} and {length_b} steps)", "losses_b",
                 lambda: evaluate.paired_forecasters(losses_a, losses_b))


@settings(max_examples=30, deadline=None)
@given(position=st.integers(0, 7), bad=st.sampled_from([np.nan, np.inf, -np.inf, -1e-9]),
       which=st.sampled_from(["losses_a", "losses_b"]))
def test_a_bad_loss_anywhere_is_named(position, bad, which):
    bad_losses = with_value(LOSSES, position, bad)
    pair = (bad_losses, LOSSES) if which == "losses_a" else (LOSSES, bad_losses)
    assert_clear(f"paired_forecasters({which}[{position}] = {bad})", which,
                 lambda: evaluate.paired_forecasters(*pair))


@settings(max_examples=30, deadline=None)
@given(level=st.one_of(st.floats(max_value=0), st.floats(min_value=1), st.just(float("nan"))))
def test_a_level_outside_zero_one_is_named(level):
    for name, run in [("accuracy_interval", lambda: evaluate.accuracy_interval(RIGHT, level=level)),
                      ("paired_classifiers",
                       lambda: evaluate.paired_classifiers(RIGHT, OTHER, level=level)),
                      ("over_seeds", lambda: evaluate.over_seeds(SEEDS, level=level))]:
        assert_clear(f"{name}(level={level})", "level", run)
