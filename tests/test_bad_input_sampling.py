"""Bad input to rnncourse.sampling: every wrong call fails clearly, naming the argument.

Each case is one wrong call (tests/bad_input.py classifies it); `python tests/bad_input.py`
prints the figures per module.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from bad_input import Case, classify, uncovered  # noqa: E402

from rnncourse import sampling  # noqa: E402

Z = np.zeros((2, 6))  # (batch, vocab) logits
RNG = np.random.default_rng  # a fresh generator per case
PROMPT = np.array([[3, 4], [5, 3]])  # (batch, time) ids
STATE = np.zeros((2, 3))  # (batch, units)


def uniform_step(inputs):
    """[ids (batch, 1), state] -> [uniform logits (batch, 6), state]."""
    return np.zeros((len(inputs[0]), 6)), inputs[1]


def one_input_model():
    """ids (batch, 1) -> logits (batch, 6): no state input."""
    ids = keras.Input((1,), dtype="int32")
    return keras.Model(ids, keras.layers.Flatten()(keras.layers.Embedding(6, 6)(ids)))


def cases(function, argument, calls):
    return [Case("sampling", f"{function}({call})", argument, run) for call, run in calls]


def generate(**changed):
    given = dict(step=uniform_step, prompt_ids=PROMPT, num_chars=5, rng=RNG(0), state=STATE)
    given.update(changed)
    return lambda: sampling.generate(**given)


CASES = [
    *cases("filtered_probabilities", "logits", [
        ("logits=[1.0, 2.0] (1-D)", lambda: sampling.filtered_probabilities([1.0, 2.0])),
        ("logits with a NaN", lambda: sampling.filtered_probabilities([[0.0, np.nan, 1.0]])),
        ("logits=[[0.5]] (PAD only)", lambda: sampling.filtered_probabilities([[0.5]])),
        ("logits='abc'", lambda: sampling.filtered_probabilities("abc")),
        ("logits of shape (0, 6)", lambda: sampling.filtered_probabilities(np.zeros((0, 6)))),
    ]),
    *cases("filtered_probabilities", "temperature", [
        ("temperature=-1", lambda: sampling.filtered_probabilities(Z, -1.0)),
        ("temperature='hot'", lambda: sampling.filtered_probabilities(Z, "hot")),
        ("temperature=inf", lambda: sampling.filtered_probabilities(Z, np.inf)),
    ]),
    *cases("filtered_probabilities", "top_k", [
        ("top_k=0", lambda: sampling.filtered_probabilities(Z, top_k=0)),
        ("top_k=2.5", lambda: sampling.filtered_probabilities(Z, top_k=2.5)),
    ]),
    *cases("filtered_probabilities", "top_p", [
        ("top_p=0", lambda: sampling.filtered_probabilities(Z, top_p=0.0)),
        ("top_p=1.5", lambda: sampling.filtered_probabilities(Z, top_p=1.5)),
        ("top_p='0.9'", lambda: sampling.filtered_probabilities(Z, top_p="0.9")),
    ]),
    *cases("next_ids", "rng", [
        ("rng=0", lambda: sampling.next_ids(Z, 0)),
        ("rng=np.random.RandomState(0)", lambda: sampling.next_ids(Z, np.random.RandomState(0))),
    ]),
    *cases("next_ids", "logits", [
        ("logits=None", lambda: sampling.next_ids(None, RNG(0))),
        ("logits of shape (2, 3, 6)", lambda: sampling.next_ids(np.zeros((2, 3, 6)), RNG(0))),
    ]),
    *cases("next_ids", "temperature", [
        ("temperature=None", lambda: sampling.next_ids(Z, RNG(0), temperature=None)),
    ]),
    *cases("next_ids", "top_p", [
        ("top_p=-0.1", lambda: sampling.next_ids(Z, RNG(0), top_p=-0.1)),
    ]),
    *cases("generate", "step", [
        ("step=None", generate(step=None)),
        ("step='model'", generate(step="model")),
    ]),
    *cases("generate", "prompt_ids", [
        ("prompt_ids=[3, 4] (1-D)", generate(prompt_ids=[3, 4])),
        ("prompt_ids with PAD", generate(prompt_ids=[[3, 0], [4, 5]])),
        ("prompt_ids of shape (2, 0)", generate(prompt_ids=np.zeros((2, 0), dtype=int))),
        ("prompt_ids=[[3.5, 4.0]]", generate(prompt_ids=[[3.5, 4.0]])),
        ("prompt_ids=[[3, 400]]", generate(prompt_ids=[[3, 400]], state=np.zeros((1, 3)))),
    ]),
    *cases("generate", "num_chars", [
        ("num_chars=0", generate(num_chars=0)),
        ("num_chars=2.0", generate(num_chars=2.0)),
    ]),
    *cases("generate", "rng", [
        ("rng=42", generate(rng=42)),
    ]),
    *cases("generate", "state", [
        ("state=None with a plain function", generate(state=None)),
        ("state of shape (3, 3) for 2 prompts", generate(state=np.zeros((3, 3)))),
        ("state of shape (2,)", generate(state=np.zeros(2))),
        ("state=None with a one-input keras.Model",
         generate(step=one_input_model(), state=None)),
    ]),
    *cases("generate", "labels", [
        ("labels=[1] for 2 prompts", generate(labels=[1])),
        ("labels=[0.5, 1.0]", generate(labels=[0.5, 1.0])),
    ]),
    *cases("generate", "stop_at_end", [
        ("stop_at_end='yes'", generate(stop_at_end="yes")),
    ]),
    *cases("generate", "temperature", [
        ("temperature=-0.5", generate(temperature=-0.5)),
    ]),
    *cases("generate", "top_k", [
        ("top_k=-3", generate(top_k=-3)),
    ]),
    *cases("generate", "temprature", [
        ("temprature=0.8 (misspelt)", generate(temprature=0.8)),
    ]),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_is_refused_clearly(case):
    outcome, what = classify(case)
    assert outcome == "clear", what


def test_every_public_function_has_cases():
    missing = uncovered(CASES, sampling)
    assert not missing, f"no bad-input case for {missing}"


def test_the_loop_checks_its_arguments_once(monkeypatch):
    """generate validates at its entry, not at every step of its loop."""
    checked = []
    real = sampling._checks.array
    monkeypatch.setattr(sampling._checks, "array",
                        lambda name, *args, **kwargs: checked.append(name) or real(name, *args,
                                                                                   **kwargs))
    sampling.generate(uniform_step, PROMPT, 40, RNG(0), STATE, stop_at_end=False)
    assert checked.count("logits") == 0 and checked.count("state") == 1
