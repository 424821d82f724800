"""rnncourse.charlm on tiny recipes: the chunks continue each other, the labels sit on the
targets' reviews, the one-step model and the scorer agree with the training model."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # before keras imports TensorFlow

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from rnncourse import chars, charlm, ngram  # noqa: E402

TINY = charlm.Recipe(embedding_dim=4, num_units=8, seq_len=5, batch_size=3, num_steps=6)
RNG = np.random.default_rng(0)
REVIEWS = [chars.encode(f"Film {i}: " + "ab" * int(RNG.integers(1, 12))) for i in range(12)]
LABELS = np.arange(12) % 2  # (reviews,)


def stream_of(seed):
    order = np.random.default_rng(seed).permutation(len(REVIEWS))
    return order, np.r_[chars.END, chars.stream([REVIEWS[i] for i in order])]


def rows(dataset, part):
    """(batch, chunks * seq_len): each row's chunks joined in order."""
    return np.concatenate([part(element).numpy() for element in dataset], axis=1)


def test_chunks_continue_each_other_row_by_row():
    dataset = charlm.batches(REVIEWS, None, TINY, seed=3)
    _, ids = stream_of(3)
    inputs, targets = rows(dataset, lambda e: e[0]), rows(dataset, lambda e: e[1])
    row_len = inputs.shape[1]
    assert row_len % TINY.seq_len == 0 and row_len == (len(ids) - 1) // 3 // 5 * 5
    for b in range(TINY.batch_size):  # row b is the stream from b * row_len on
        np.testing.assert_array_equal(inputs[b], ids[b * row_len:(b + 1) * row_len])
        np.testing.assert_array_equal(targets[b], ids[b * row_len + 1:(b + 1) * row_len + 1])
    chunks = list(dataset)
    for k in range(len(chunks) - 1):  # chunk k + 1's first input is chunk k's last target
        np.testing.assert_array_equal(chunks[k + 1][0][:, 0], chunks[k][1][:, -1])
    assert chunks[0][0].dtype == tf.int32 and chunks[0][0].shape == (3, 5)


def test_labels_are_those_of_the_targets_reviews():
    recipe = TINY.replace(conditional=True, label_dropout=0.0)
    dataset = charlm.batches(REVIEWS, LABELS, recipe, seed=1)
    order, ids = stream_of(1)
    review = np.r_[0, np.repeat(np.arange(12), [len(REVIEWS[i]) + 1 for i in order])]  # (L,)
    inputs, labels = rows(dataset, lambda e: e[0][0]), rows(dataset, lambda e: e[0][1])
    row_len = inputs.shape[1]
    for b in range(recipe.batch_size):
        target_review = review[b * row_len + 1:(b + 1) * row_len + 1]
        np.testing.assert_array_equal(labels[b], LABELS[order][target_review])
    starts = inputs == chars.END  # the input END before a review's first character
    first = np.r_[0, np.cumsum([len(REVIEWS[i]) + 1 for i in order])][:-1]  # (reviews,)
    assert starts.any() and np.all(LABELS[order][review[first + 1]] == LABELS[order])
    hidden = charlm.batches(REVIEWS, LABELS, recipe.replace(label_dropout=1.0), seed=1)
    assert np.all(rows(hidden, lambda e: e[0][1]) == charlm.NO_LABEL)
    whole = recipe.replace(label_dropout=0.25, batch_size=1, seq_len=len(review) - 1)
    shown = rows(charlm.batches(REVIEWS, LABELS, whole, seed=1), lambda e: e[0][1])[0]
    per_review = [set(shown[review[1:] == r]) for r in range(12)]  # one label each
    assert all(len(s) == 1 for s in per_review)
    assert sum(s == {charlm.NO_LABEL} for s in per_review) == 3  # exactly 0.25 of 12


def test_step_model_matches_the_training_model_over_a_sequence():
    for recipe in (TINY, TINY.replace(conditional=True)):
        model = charlm.build(recipe, seed=0)
        step = charlm.step_model(model, recipe)
        ids = np.r_[chars.END, REVIEWS[0]][None].astype(np.int32)  # (1, time)
        label = np.ones_like(ids)
        extra = [label] if recipe.conditional else []
        state = np.zeros((1, recipe.num_units), np.float32)
        whole, last = model([ids, state, *extra])  # (1, time, VOCAB_SIZE)
        for t in range(ids.shape[1]):
            logits, state = step([tf.constant(ids[:, t:t + 1]), tf.constant(state),
                                  *[tf.constant(e[:, t:t + 1]) for e in extra]])
            np.testing.assert_allclose(logits, whole[:, t], atol=1e-5)
        np.testing.assert_allclose(state, last, atol=1e-5)


def direct_bits(model, review, label=None):
    """-log2 p of END + review + END in one unpadded pass (the reference)."""
    ids = np.r_[chars.END, review, chars.END].astype(np.int32)  # (length + 2,)
    extra = [np.full((1, len(ids) - 1), label, np.int32)] if label is not None else []
    logits, _ = model([ids[None, :-1], np.zeros((1, model.get_layer("gru").units)), *extra])
    logp = tf.nn.log_softmax(logits[0]).numpy()  # (length + 1, VOCAB_SIZE)
    return -logp[np.arange(len(ids) - 1), ids[1:]].sum() / np.log(2)


@pytest.mark.parametrize("batch_size, piece", [(1, 1000), (4, 3), (12, 7)])
def test_review_bits_are_exact_whatever_the_padding_and_pieces(batch_size, piece):
    model = charlm.build(TINY, seed=0)
    bits, counts = charlm.review_bits(model, REVIEWS, TINY, batch_size=batch_size, piece=piece)
    np.testing.assert_array_equal(counts, [len(r) + 1 for r in REVIEWS])
    np.testing.assert_allclose(bits, [direct_bits(model, r) for r in REVIEWS], rtol=1e-5)
    _, symbols = ngram.bits(ngram.unigram(chars.stream(REVIEWS)), REVIEWS)
    np.testing.assert_array_equal(counts, symbols)  # paired with the n-gram's reviews


def test_conditional_review_bits_use_each_reviews_label():
    recipe = TINY.replace(conditional=True)
    model = charlm.build(recipe, seed=0)
    bits, _ = charlm.review_bits(model, REVIEWS, recipe, LABELS, batch_size=5, piece=4)
    np.testing.assert_allclose(bits, [direct_bits(model, r, y) for r, y in
                                      zip(REVIEWS, LABELS)], rtol=1e-5)
    unlabelled, _ = charlm.review_bits(model, REVIEWS, recipe)
    np.testing.assert_allclose(unlabelled, [direct_bits(model, r, charlm.NO_LABEL)
                                            for r in REVIEWS], rtol=1e-5)


def test_untrained_model_is_near_uniform_and_training_lowers_the_loss(capsys):
    corpus = chars.Corpus(REVIEWS, LABELS, REVIEWS[:3], LABELS[:3], REVIEWS[:3], LABELS[:3])
    model = charlm.build(TINY, seed=0)
    bits, counts = charlm.review_bits(model, REVIEWS, TINY)
    assert abs(bits.sum() / counts.sum() - np.log2(chars.NUM_SYMBOLS)) < 0.1
    recipe = TINY.replace(num_steps=40, learning_rate=0.02)
    history = charlm.train(model, corpus, recipe, seed=0, label="tiny", every=10)
    assert history["step"] == [10, 20, 30, 40] and history["loss"][-1] < history["loss"][0]
    assert "tiny step 40/40" in capsys.readouterr().out
    after, _ = charlm.review_bits(model, REVIEWS, TINY)
    assert after.sum() < bits.sum()


def test_training_is_deterministic_and_carrying_changes_it():
    tf.config.experimental.enable_op_determinism()
    corpus = chars.Corpus(REVIEWS, LABELS, REVIEWS[:3], LABELS[:3], REVIEWS[:3], LABELS[:3])
    recipe = TINY.replace(num_steps=10)  # more than one pass: the state is reset between
    runs = [charlm.train(charlm.build(recipe, 0), corpus, recipe, 0, every=5)["loss"]
            for _ in range(2)]
    assert runs[0] == runs[1]
    reset = recipe.replace(carry_state=False)
    assert charlm.train(charlm.build(reset, 0), corpus, reset, 0, every=5)["loss"] != runs[0]
