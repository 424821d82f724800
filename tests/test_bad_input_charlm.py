"""Bad input to rnncourse.charlm: every wrong call fails clearly, naming the argument.

Each case is one wrong call (tests/bad_input.py classifies it).
"""

import functools
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from bad_input import Case, classify  # noqa: E402

from rnncourse import chars, charlm  # noqa: E402

TINY = charlm.Recipe(embedding_dim=4, num_units=8, seq_len=5, batch_size=2, num_steps=2)
LABELLED = TINY.replace(conditional=True)
REVIEWS = [chars.encode("A fine film."), chars.encode("Dull.")]
LABELS = np.array([1, 0])
CORPUS = chars.Corpus(REVIEWS, LABELS, REVIEWS, LABELS, REVIEWS, LABELS)


@functools.cache
def model(conditional=False):
    return charlm.build(LABELLED if conditional else TINY, seed=0)


def cases(function, argument, calls):
    """One Case per (call text, zero-argument function) of ``calls``."""
    return [Case("charlm", f"{function}({call})", argument, run) for call, run in calls]


CASES = [
    *cases("Recipe", "num_units", [
        ("num_units=0", lambda: charlm.Recipe(num_units=0)),
        ("num_units=2.5", lambda: charlm.Recipe(num_units=2.5)),
    ]),
    *cases("Recipe", "learning_rate", [
        ("learning_rate=-1", lambda: charlm.Recipe(learning_rate=-1.0)),
        ("learning_rate='fast'", lambda: charlm.Recipe(learning_rate="fast")),
    ]),
    *cases("Recipe", "carry_state", [
        ("carry_state=1", lambda: charlm.Recipe(carry_state=1)),
        ("carry_state='yes'", lambda: charlm.Recipe(carry_state="yes")),
    ]),
    *cases("Recipe", "label_dropout", [
        ("label_dropout=1.5", lambda: charlm.Recipe(label_dropout=1.5)),
        ("label_dropout=nan", lambda: charlm.Recipe(label_dropout=float("nan"))),
    ]),
    *cases("batches", "reviews", [
        ("reviews='a text'", lambda: charlm.batches("a text", None, TINY)),
        ("reviews=[[0, 5]] (PAD inside)",
         lambda: charlm.batches([np.array([0, 5])], None, TINY)),
        ("reviews=[[1.5]]", lambda: charlm.batches([np.array([1.5])], None, TINY)),
        ("reviews too short for one batch",
         lambda: charlm.batches([np.array([5, 6])], None, TINY)),
    ]),
    *cases("batches", "labels", [
        ("labels=None (conditional)", lambda: charlm.batches(REVIEWS, None, LABELLED)),
        ("labels=[1, 2] (2 is not a label)",
         lambda: charlm.batches(REVIEWS, np.array([1, 2]), LABELLED)),
        ("labels=[1] (one for two reviews)",
         lambda: charlm.batches(REVIEWS, np.array([1]), LABELLED)),
    ]),
    *cases("batches", "recipe", [
        ("recipe=None", lambda: charlm.batches(REVIEWS, None, None)),
    ]),
    *cases("batches", "seed", [
        ("seed=-1", lambda: charlm.batches(REVIEWS, None, TINY, seed=-1)),
    ]),
    *cases("build", "recipe", [
        ("recipe={'num_units': 8}", lambda: charlm.build({"num_units": 8})),
        ("recipe=None", lambda: charlm.build(None)),
    ]),
    *cases("build", "seed", [
        ("seed=1.5", lambda: charlm.build(TINY, seed=1.5)),
        ("seed=-2", lambda: charlm.build(TINY, seed=-2)),
    ]),
    *cases("step_model", "model", [
        ("model=None", lambda: charlm.step_model(None, TINY)),
        ("model of another recipe (16 units)",
         lambda: charlm.step_model(model(), TINY.replace(num_units=16))),
        ("model without labels for a conditional recipe",
         lambda: charlm.step_model(model(), LABELLED)),
    ]),
    *cases("step_model", "recipe", [
        ("recipe='tiny'", lambda: charlm.step_model(model(), "tiny")),
    ]),
    *cases("train", "corpus", [
        ("corpus=REVIEWS (a list)", lambda: charlm.train(model(), REVIEWS, TINY)),
        ("corpus=None", lambda: charlm.train(model(), None, TINY)),
    ]),
    *cases("train", "model", [
        ("model='gru'", lambda: charlm.train("gru", CORPUS, TINY)),
    ]),
    *cases("train", "every", [
        ("every=0", lambda: charlm.train(model(), CORPUS, TINY, every=0)),
    ]),
    *cases("train", "label", [
        ("label=3", lambda: charlm.train(model(), CORPUS, TINY, label=3)),
    ]),
    *cases("review_bits", "reviews", [
        ("reviews=[]", lambda: charlm.review_bits(model(), [], TINY)),
        ("reviews=[[1, 5]] (END inside)",
         lambda: charlm.review_bits(model(), [np.array([1, 5])], TINY)),
        ("reviews=[[99]] (beyond the alphabet)",
         lambda: charlm.review_bits(model(), [np.array([99])], TINY)),
    ]),
    *cases("review_bits", "labels", [
        ("labels for an unconditional model",
         lambda: charlm.review_bits(model(), REVIEWS, TINY, labels=LABELS)),
        ("labels=[0.5, 1]",
         lambda: charlm.review_bits(model(True), REVIEWS, LABELLED, np.array([0.5, 1]))),
    ]),
    *cases("review_bits", "batch_size", [
        ("batch_size=0", lambda: charlm.review_bits(model(), REVIEWS, TINY, batch_size=0)),
    ]),
    *cases("review_bits", "piece", [
        ("piece=None", lambda: charlm.review_bits(model(), REVIEWS, TINY, piece=None)),
    ]),
]


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_every_public_function_has_two_cases_or_more():
    called = [case.call.split("(")[0] for case in CASES]
    public = {name for name, value in vars(charlm).items()
              if callable(value) and not name.startswith("_")
              and getattr(value, "__module__", "") == charlm.__name__}
    for name in public:
        assert called.count(name) >= 2, f"charlm.{name}: fewer than 2 bad-input cases"
    assert isinstance(model(), keras.Model)
