"""Bad input to chapter 7's encoder-decoder (rnncourse/translate.py): every wrong call fails
clearly, naming the argument (tests/bad_input.py classifies each case)."""

import functools
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from bad_input import Case, classify  # noqa: E402

from rnncourse import dates, translate  # noqa: E402

VOCAB = dates.Vocabulary.targets()
TINY = translate.Recipe(embedding_dim=4, num_units=4, attention_units=3, num_epochs=1)
IDS = np.array([[4, 5, 0]], dtype=np.int32)


@functools.cache
def model():
    return translate.build(TINY, len(VOCAB), len(VOCAB))


@functools.cache
def pairs():
    return translate.pairs(["12"], ["12"], VOCAB, VOCAB)


def other_model():
    ids = keras.Input((None,), dtype="int32")
    return keras.Model(ids, keras.layers.Embedding(5, 2)(ids))


def cases(function, argument, calls):
    return [Case("translate", f"{function}({call})", argument, run) for call, run in calls]


CASES = [
    *cases("Recipe", "num_units", [
        ("num_units=0", lambda: translate.Recipe(num_units=0)),
        ("num_units=12.5", lambda: translate.Recipe(num_units=12.5)),
    ]),
    *cases("Recipe", "learning_rate", [
        ("learning_rate=0", lambda: translate.Recipe(learning_rate=0)),
        ("learning_rate='fast'", lambda: translate.Recipe(learning_rate="fast")),
    ]),
    *cases("pairs", "targets", [
        ("targets with fewer strings", lambda: translate.pairs(["1", "2"], ["1"], VOCAB, VOCAB)),
        ("targets='12'", lambda: translate.pairs(["12"], "12", VOCAB, VOCAB)),
    ]),
    *cases("pairs", "source_vocab", [
        ("source_vocab=None", lambda: translate.pairs(["1"], ["1"], None, VOCAB)),
        ("source_vocab='0123'", lambda: translate.pairs(["1"], ["1"], "0123", VOCAB)),
    ]),
    *cases("build", "recipe", [
        ("recipe=None", lambda: translate.build(None, 10, 10)),
        ("recipe={'num_units': 8}", lambda: translate.build({"num_units": 8}, 10, 10)),
    ]),
    *cases("build", "source_vocab_size", [
        ("source_vocab_size=0", lambda: translate.build(TINY, 0, 10)),
        ("source_vocab_size=10.0", lambda: translate.build(TINY, 10.0, 10)),
    ]),
    *cases("build", "attention", [
        ("attention='yes'", lambda: translate.build(TINY, 10, 10, attention="yes")),
        ("attention=1", lambda: translate.build(TINY, 10, 10, attention=1)),
    ]),
    *cases("build", "seed", [
        ("seed=-1", lambda: translate.build(TINY, 10, 10, seed=-1)),
    ]),
    *cases("masked_loss", "targets", [
        ("targets of 3 steps, logits of 2",
         lambda: translate.masked_loss(np.ones((1, 3), "int32"), np.zeros((1, 2, 4)))),
        ("targets of shape (1, 2, 4), like the logits",
         lambda: translate.masked_loss(np.ones((1, 2, 4)), np.zeros((1, 2, 4)))),
    ]),
    *cases("train", "data", [
        ("data=pairs() (not a tuple)", lambda: translate.train(model(), pairs(), TINY)),
        ("data=(pairs(),)", lambda: translate.train(model(), (pairs(),), TINY)),
        ("data=(fit arrays, val arrays)",
         lambda: translate.train(model(), (IDS, IDS), TINY)),
    ]),
    *cases("train", "model", [
        ("model=None", lambda: translate.train(None, (pairs(), pairs()), TINY)),
    ]),
    *cases("train", "recipe", [
        ("recipe=None", lambda: translate.train(model(), (pairs(), pairs()), None)),
    ]),
    *cases("encoder_model", "model", [
        ("model=None", lambda: translate.encoder_model(None)),
        ("model=a model of other layers", lambda: translate.encoder_model(other_model())),
    ]),
    *cases("step_model", "model", [
        ("model='model'", lambda: translate.step_model("model")),
        ("model=a model of other layers", lambda: translate.step_model(other_model())),
    ]),
    *cases("greedy", "sources_ids", [
        ("sources_ids=[4, 5] (1-D)", lambda: translate.greedy(model(), [4, 5], 3)),
        ("sources_ids=[[1.5]]", lambda: translate.greedy(model(), [[1.5]], 3)),
        ("sources_ids=np.zeros((0, 3))",
         lambda: translate.greedy(model(), np.zeros((0, 3), int), 3)),
    ]),
    *cases("greedy", "max_len", [
        ("max_len=0", lambda: translate.greedy(model(), IDS, 0)),
        ("max_len=None", lambda: translate.greedy(model(), IDS, None)),
    ]),
    *cases("translate", "target_vocab", [
        ("target_vocab=None", lambda: translate.translate(model(), ["12"], VOCAB, None)),
    ]),
    *cases("translate", "texts", [
        ("texts='12'", lambda: translate.translate(model(), "12", VOCAB, VOCAB)),
    ]),
    *cases("exact_match", "predicted", [
        ("predicted of 1 string, targets of 2",
         lambda: translate.exact_match(["a"], ["a", "b"])),
        ("predicted=[1]", lambda: translate.exact_match([1], ["a"])),
    ]),
    *cases("exact_match", "targets", [
        ("targets='a'", lambda: translate.exact_match(["a"], "a")),
        ("targets=[]", lambda: translate.exact_match(["a"], [])),
    ]),
    *cases("chrf", "predicted", [
        ("predicted=None", lambda: translate.chrf(None, ["a"])),
        ("predicted of 2 strings, targets of 1", lambda: translate.chrf(["a", "b"], ["a"])),
    ]),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_bad_input_fails_clearly(case):
    outcome, message = classify(case)
    assert outcome == "clear", message
