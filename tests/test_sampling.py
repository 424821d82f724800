"""rnncourse.sampling against reference answers: softmax from scipy, hand-made supports,
frequencies of many draws against the probabilities (a chi-square test), and the one-step
loop on hand-written Markov models whose next-symbol probabilities are known."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import special, stats  # noqa: E402

from rnncourse import chars, sampling  # noqa: E402

A, B, C = 3, 4, 5  # three ordinary symbols of a 6-id toy vocabulary (PAD, END, UNKNOWN, A..C)
VOCAB = 6
LOG = np.log  # logits = log-probabilities, so softmax gives the probabilities back


def markov(table):
    """A step function whose logits depend only on the last id: ``table`` (vocab, vocab)
    holds the next-symbol probabilities; the state counts the calls."""
    logits = LOG(np.maximum(np.asarray(table, dtype=float), 1e-300))  # (vocab, vocab)

    def step(inputs):
        ids, state = inputs[0], inputs[1]  # (batch, 1), (batch, units)
        return logits[np.asarray(ids)[:, 0]], np.asarray(state) + 1.0
    return step


def cycle_table(strength=0.6):
    """After A, B is most likely; after B, A; the rest spread over C and END."""
    table = np.full((VOCAB, VOCAB), 1e-3)
    table[:, chars.PAD] = 0.0
    for here, there in ((A, B), (B, A), (C, A), (chars.END, A)):
        table[here] = (1 - strength) / 3
        table[here, chars.PAD] = 0.0
        table[here, there] = strength
    return table / table.sum(axis=1, keepdims=True)


def random_logits(seed, batch=5, vocab=12):
    return np.random.default_rng(seed).normal(0, 2, size=(batch, vocab))


def softmax_without_pad(z):
    z = np.array(z, dtype=float)
    z[:, chars.PAD] = -np.inf
    return special.softmax(z, axis=1)


@pytest.mark.parametrize("temperature", [0.5, 1.0, 2.0])
def test_temperature_divides_the_logits(temperature):
    z = random_logits(0)
    probs = sampling.filtered_probabilities(z, temperature)
    np.testing.assert_allclose(probs, softmax_without_pad(z / temperature), atol=1e-12)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-12)
    assert np.all(probs[:, chars.PAD] == 0)


def test_temperature_towards_zero_is_one_hot_on_the_argmax():
    z = random_logits(1)
    z[:, chars.PAD] = 50.0  # the largest logit, yet never chosen
    best = np.argmax(z[:, 1:], axis=1) + 1
    np.testing.assert_array_equal(sampling.filtered_probabilities(z, 0.0),
                                  np.eye(z.shape[1])[best])
    np.testing.assert_allclose(sampling.filtered_probabilities(z, 1e-3),
                               np.eye(z.shape[1])[best], atol=1e-6)
    rng = np.random.default_rng(0)
    np.testing.assert_array_equal(sampling.next_ids(z, rng, temperature=0), best)


@pytest.mark.parametrize("k", [1, 3, 7])
def test_top_k_keeps_the_k_largest(k):
    z = random_logits(2)
    probs = sampling.filtered_probabilities(z, 1.0, top_k=k)
    full = softmax_without_pad(z)
    for row, kept in zip(full, probs):
        support = np.flatnonzero(kept)
        assert len(support) == k
        assert set(support) == set(np.argsort(-row)[:k])
        np.testing.assert_allclose(kept[support], row[support] / row[support].sum())
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9, 0.99, 1.0])
def test_the_nucleus_reaches_p_and_is_minimal(p):
    z = random_logits(3, batch=50)
    probs = sampling.filtered_probabilities(z, 1.0, top_p=p)
    full = softmax_without_pad(z)
    for row, kept in zip(full, probs):
        support = np.flatnonzero(kept)
        mass = row[support].sum()
        assert mass >= p - 1e-12  # reaches p
        assert mass - row[support].min() < p  # without its least likely symbol it does not
        assert row[support].min() >= np.delete(row, support).max()  # the most probable ones
        np.testing.assert_allclose(kept[support], row[support] / mass)


def test_the_nucleus_is_taken_after_top_k_and_temperature():
    z = random_logits(4, batch=20)
    probs = sampling.filtered_probabilities(z, 0.7, top_k=4, top_p=0.8)
    for row, kept in zip(softmax_without_pad(z / 0.7), probs):
        top = np.argsort(-row)[:4]
        renormalised = row[top] / row[top].sum()
        count = int(np.searchsorted(np.cumsum(renormalised), 0.8 - 1e-12)) + 1
        assert set(np.flatnonzero(kept)) == set(top[:count])


def test_sampling_frequencies_match_the_probabilities():
    """Chi-square goodness of fit over 20,000 draws: a fixed seed, so the p-value is
    fixed too; a wrong sampler (off by one id, not renormalised) gives p < 1e-10."""
    z = random_logits(5, batch=1, vocab=8)
    for how in ({}, {"temperature": 1.5}, {"top_k": 4}, {"top_p": 0.8}):
        probs = sampling.filtered_probabilities(z, **how)[0]
        rng = np.random.default_rng(0)
        draws = np.concatenate([sampling.next_ids(np.repeat(z, 1000, axis=0), rng, **how)
                                for _ in range(20)])
        counts = np.bincount(draws, minlength=len(probs))
        assert np.all(counts[probs == 0] == 0), how  # PAD and cut symbols never drawn
        support = probs > 0
        result = stats.chisquare(counts[support], probs[support] * len(draws))
        assert result.pvalue > 1e-3, (how, result)


def test_a_seed_reproduces_the_draws():
    z = random_logits(6, batch=100)
    first = sampling.next_ids(z, np.random.default_rng(7), temperature=1.2, top_p=0.9)
    again = sampling.next_ids(z, np.random.default_rng(7), temperature=1.2, top_p=0.9)
    other = sampling.next_ids(z, np.random.default_rng(8), temperature=1.2, top_p=0.9)
    np.testing.assert_array_equal(first, again)
    assert np.any(first != other)
    assert first.shape == (100,) and first.dtype == np.int32


def test_greedy_decoding_loops_on_a_two_cycle_model():
    step, prompt = markov(cycle_table()), np.array([[C], [A]])
    state = np.zeros((2, 1))
    greedy = sampling.generate(step, prompt, 12, np.random.default_rng(0), state,
                               temperature=0)
    np.testing.assert_array_equal(greedy[0], [A, B] * 6)  # after C comes A, then A B A B ...
    np.testing.assert_array_equal(greedy[1], [B, A] * 6)
    sampled = sampling.generate(step, prompt, 12, np.random.default_rng(0), state,
                                stop_at_end=False)
    assert np.any(sampled != greedy)  # sampling leaves the loop (40 % of the time per step)


def test_the_prompt_is_fed_first_and_its_last_logits_give_the_first_symbol():
    table = np.zeros((VOCAB, VOCAB))
    table[:, C] = 1.0
    table[B] = 0.0
    table[B, A] = 1.0  # after B comes A, after anything else C
    calls = []

    def step(inputs):
        calls.append(np.asarray(inputs[0])[:, 0].copy())
        return markov(table)(inputs)
    out = sampling.generate(step, [[A, B]], 3, np.random.default_rng(0), np.zeros((1, 2)))
    np.testing.assert_array_equal(out, [[A, C, C]])
    np.testing.assert_array_equal(np.concatenate(calls), [A, B, A, C])  # prompt, then output


def test_a_row_that_ends_is_padded_and_the_others_go_on():
    table = np.zeros((VOCAB, VOCAB))
    table[:, C] = 1.0
    table[A] = 0.0
    table[A, chars.END] = 1.0  # after A the review ends; after anything else comes C
    step = markov(table)
    prompt, state = np.array([[A], [B]]), np.zeros((2, 1))
    out = sampling.generate(step, prompt, 4, np.random.default_rng(0), state)
    np.testing.assert_array_equal(out, [[chars.END, chars.PAD, chars.PAD, chars.PAD],
                                        [C, C, C, C]])  # row 2 has no END: cut at 4
    on = sampling.generate(step, prompt, 4, np.random.default_rng(0), state,
                           stop_at_end=False)
    np.testing.assert_array_equal(on[0], [chars.END, C, C, C])
    stops = sampling.generate(step, [[A], [A]], 50, np.random.default_rng(0), state)
    assert stops.shape == (2, 50) and np.all(stops[:, 1:] == chars.PAD)


def test_labels_reach_the_step_function():
    def step(inputs):
        ids, state, labels = inputs  # (batch, 1) each but state
        logits = np.full((ids.shape[0], VOCAB), -9.0)
        logits[np.arange(ids.shape[0]), np.where(labels[:, 0] == 1, A, B)] = 0.0
        return logits, state
    out = sampling.generate(step, [[C], [C]], 3, np.random.default_rng(0), np.zeros((2, 1)),
                            labels=[1, 0], temperature=0)
    np.testing.assert_array_equal(out, [[A] * 3, [B] * 3])


def markov_model(table, units=3):
    """The Markov step as a keras.Model: [ids (batch, 1), state (batch, units)] ->
    [logits (batch, vocab), state]."""
    ids, state = keras.Input((1,), dtype="int32"), keras.Input((units,))
    embed = keras.layers.Embedding(VOCAB, VOCAB, trainable=False)
    logits = keras.layers.Flatten()(embed(ids))
    model = keras.Model([ids, state], [logits, keras.layers.Identity()(state)])
    embed.set_weights([LOG(np.maximum(table, 1e-30)).astype("float32")])
    return model


def test_a_keras_step_model_gives_the_same_samples_as_the_numpy_step():
    table = cycle_table(0.5)
    model, step = markov_model(table), markov(table)
    prompt = np.array([[A, B]] * 20)
    for how in ({"temperature": 0}, {"temperature": 1.0}, {"top_k": 2}, {"top_p": 0.7}):
        from_keras = sampling.generate(model, prompt, 30, np.random.default_rng(3), **how)
        from_numpy = sampling.generate(step, prompt, 30, np.random.default_rng(3),
                                       np.zeros((20, 3)), **how)
        np.testing.assert_array_equal(from_keras, from_numpy)
