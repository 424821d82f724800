"""The encoder-decoder of chapter 7 (rnncourse/translate.py): the decoding step run in a loop
gives the teacher-forced model's outputs, the loss ignores padding, a tiny model learns to copy."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy.special import log_softmax  # noqa: E402

from rnncourse import dates, translate  # noqa: E402

TINY = translate.Recipe(embedding_dim=4, num_units=8, attention_units=5)
VOCAB = dates.Vocabulary.targets()  # 15 ids: specials, digits, '-'


def toy_pairs(num, seed=0, length=(1, 6)):
    """Random digit strings (sources) and the same strings (targets)."""
    rng = np.random.default_rng(seed)
    texts = ["".join(rng.choice(list("0123456789"), rng.integers(*length)))
             for _ in range(num)]
    return texts, translate.pairs(texts, texts, VOCAB, VOCAB)


@pytest.mark.parametrize("attention", [False, True])
def test_step_model_in_a_loop_equals_teacher_forcing(attention):
    _, pairs = toy_pairs(6)
    assert (pairs.sources == 0).any()  # some sources are padded
    model = translate.build(TINY, len(VOCAB), len(VOCAB), attention=attention, seed=1)
    logits = model([pairs.sources, pairs.decoder_inputs]).numpy()  # (n, T_out, V)
    states, state, mask = (np.asarray(x) for x in translate.encoder_model(model)(pairs.sources))
    assert np.array_equal(mask, pairs.sources != 0)
    for t in range(pairs.decoder_inputs.shape[1]):
        log_probs, state, weights = (np.asarray(x) for x in translate.step_model(model)(
            [pairs.decoder_inputs[:, t], state, states, mask]))
        np.testing.assert_allclose(log_probs, log_softmax(logits[:, t], axis=-1), atol=2e-5)
        if attention:
            np.testing.assert_allclose(weights.sum(axis=1), 1, atol=1e-5)
            assert np.all(weights[pairs.sources == 0] == 0)
        else:
            assert np.all(weights == 0)


def test_pairs_shift_by_one_step():
    pairs = translate.pairs(["ab"], ["2021-03-03"], dates.Vocabulary("ab"), VOCAB)
    assert pairs.decoder_inputs[0, 0] == VOCAB.BOS and pairs.decoder_targets[0, -1] == VOCAB.EOS
    assert np.array_equal(pairs.decoder_inputs[0, 1:], pairs.decoder_targets[0, :-1])
    assert VOCAB.decode(pairs.decoder_targets) == ["2021-03-03"]


def test_masked_loss_ignores_padding():
    rng = np.random.default_rng(0)
    targets = np.array([[5, 6, 2, 0, 0], [7, 2, 0, 0, 0]], dtype=np.int32)  # (2, 5)
    logits = rng.normal(size=(2, 5, len(VOCAB))).astype(np.float32)
    real = targets != 0
    by_hand = -log_softmax(logits, axis=-1)[np.arange(2)[:, None], np.arange(5), targets]
    loss = float(translate.masked_loss(targets, logits))
    assert loss == pytest.approx(by_hand[real].mean(), rel=1e-5)
    changed = logits.copy()
    changed[~real] = 100 * rng.normal(size=changed[~real].shape)  # nonsense where padded
    assert float(translate.masked_loss(targets, changed)) == pytest.approx(loss, rel=1e-6)


def test_a_tiny_model_learns_to_copy():
    fit_texts, fit = toy_pairs(3000, seed=0, length=(1, 4))
    val_texts, val = toy_pairs(200, seed=1, length=(1, 4))
    recipe = translate.Recipe(embedding_dim=16, num_units=48, num_epochs=8, batch_size=32,
                              learning_rate=1e-2)
    model = translate.build(recipe, len(VOCAB), len(VOCAB), attention=True)
    history = translate.train(model, (fit, val), recipe, seed=0)
    assert history["val_loss"][-1] < history["val_loss"][0]
    predicted = translate.translate(model, val_texts, VOCAB, VOCAB, max_len=5)
    assert translate.exact_match(predicted, val_texts).mean() > 0.9


def test_greedy_is_deterministic_and_ends_with_eos():
    _, pairs = toy_pairs(5)
    model = translate.build(TINY, len(VOCAB), len(VOCAB), seed=0)
    first = translate.greedy(model, pairs.sources, max_len=7)
    assert first.shape == (5, 7) and first.dtype == np.int32
    assert np.array_equal(first, translate.greedy(model, pairs.sources, 7, batch_size=2))
    for row in first:  # after the first EOS, only EOS
        ends = np.flatnonzero(row == VOCAB.EOS)
        assert not len(ends) or np.all(row[ends[0]:] == VOCAB.EOS)


def test_build_is_seeded():
    a = translate.build(TINY, 20, len(VOCAB), attention=True, seed=3).get_weights()
    b = translate.build(TINY, 20, len(VOCAB), attention=True, seed=3).get_weights()
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert {"attention", "with_context"} <= {layer.name for layer in translate.build(
        TINY, 20, len(VOCAB), attention=True).layers}


def test_exact_match_and_chrf():
    assert translate.exact_match(["2021-03-03", "2021-03-04"],
                                 ["2021-03-03", "2021-03-05"]).tolist() == [True, False]
    assert translate.chrf(["2021-03-03"], ["2021-03-03"]) == pytest.approx(100)
    near = translate.chrf(["2021-03-04"], ["2021-03-03"])
    far = translate.chrf(["1950-11-28"], ["2021-03-03"])
    assert 0 <= far < near < 100
    assert isinstance(keras.Model, type)
