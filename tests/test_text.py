"""Tests for rnncourse/text.py against hand-written answers and Keras' own utilities."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from rnncourse import text  # noqa: E402

TOY = [np.array([5, 6, 7]), np.array([8, 9]), np.array([10, 11, 12, 13])]


def standardized(sentence: str) -> str:
    return text.standardize(tf.constant(sentence)).numpy().decode()


def test_standardize_removes_line_breaks_and_punctuation():
    assert standardized("The END.<br /><br />Good").split() == ["the", "end", "good"]
    assert standardized("a<br/>b<BR>c").split() == ["a", "b", "c"]
    assert standardized("Don't (really) 10/10!").split() == ["dont", "really", "10", "10"]


def test_standardize_keeps_shape():
    batch = tf.constant([["A b", "C<br />d"]])
    assert text.standardize(batch).shape == (1, 2)


@pytest.mark.parametrize("ragged", [False, True])
def test_to_sequences_matches_the_vectorizer_without_padding(ragged):
    vectorizer = keras.layers.TextVectorization(standardize=text.standardize, ragged=ragged)
    vectorizer.adapt(["a a a a b b b c c", "d"])  # ranks: a, b, c, d -> 2, 3, 4, 5
    sequences = text.to_sequences(vectorizer, ["a b", "c a<br />zz d", "b"], batch_size=2)
    assert [s.tolist() for s in sequences] == [[2, 3], [4, 2, 1, 5], [3]]
    assert all(s.dtype == np.int32 for s in sequences)


def test_keep_head_and_tail_on_arange():
    review = np.arange(1, 11)  # (10,)
    assert text.keep_head_and_tail([review], 6)[0].tolist() == [1, 2, 3, 8, 9, 10]
    assert text.keep_head_and_tail([review], 6, head_fraction=1)[0].tolist() == [1, 2, 3, 4, 5, 6]
    assert text.keep_head_and_tail([review], 4, head_fraction=0)[0].tolist() == [7, 8, 9, 10]
    assert text.keep_head_and_tail([review], 10)[0] is review  # short enough: untouched


@pytest.mark.parametrize("maxlen, fraction, message", [
    (0, 0.5, "maxlen must be an integer >= 1; got 0"),
    (5, 1.5, r"head_fraction must be a finite number in \[0, 1\]; got 1.5"),
    (5, -0.1, r"head_fraction must be a finite number in \[0, 1\]; got -0.1"),
])
def test_keep_head_and_tail_rejects_bad_arguments(maxlen, fraction, message):
    with pytest.raises(ValueError, match=message):
        text.keep_head_and_tail(TOY, maxlen, fraction)


@pytest.mark.parametrize("padding", ["post", "pre"])
def test_pad_matches_keras(padding):
    ours = text.pad(TOY, 6, padding)  # (3, 6)
    theirs = keras.utils.pad_sequences(TOY, maxlen=6, padding=padding)
    np.testing.assert_array_equal(ours, theirs)
    assert ours.dtype == np.int32


def test_pad_rejects_long_sequences_and_unknown_padding():
    with pytest.raises(ValueError, match=r"sequences\[2\] has 4 tokens, more than length=3"):
        text.pad(TOY, 3)
    with pytest.raises(ValueError, match="'middle'"):
        text.pad(TOY, 5, "middle")


@settings(max_examples=10, deadline=None)
@given(st.lists(st.integers(1, 60), min_size=1, max_size=40), st.integers(1, 8))
def test_length_batches_keep_every_review_once_with_little_padding(lengths, batch_size):
    sequences = [np.full(n, i + 1) for i, n in enumerate(lengths)]  # review i holds i + 1
    labels = np.arange(len(lengths))
    seen = []
    for ids, batch_labels in text.length_batches(sequences, labels, batch_size, seed=0,
                                                 bucket_width=10):
        ids, batch_labels = ids.numpy(), batch_labels.numpy()  # (batch, time), (batch,)
        assert len(batch_labels) <= batch_size
        row_lengths = (ids != 0).sum(axis=1)  # (batch,)
        assert ids.shape[1] == row_lengths.max()  # padded to the batch's longest only
        assert row_lengths.max() - row_lengths.min() < 10  # one bucket: similar lengths
        for row, label in zip(ids, batch_labels):
            np.testing.assert_array_equal(row[: lengths[label]], label + 1)  # post-padded
        seen += batch_labels.tolist()
    assert sorted(seen) == labels.tolist()


def test_length_batches_are_reshuffled_each_epoch_and_reproducible():
    sequences = [np.ones(5, dtype=int)] * 64  # token ids are integers
    dataset = text.length_batches(sequences, np.arange(64), 8, seed=3)
    first, second = ([y.numpy().tolist() for _, y in dataset] for _ in range(2))
    assert first != second
    again = text.length_batches(sequences, np.arange(64), 8, seed=3)
    assert [y.numpy().tolist() for _, y in again] == first


def test_length_batches_rejects_empty_reviews_and_bad_labels():
    with pytest.raises(ValueError, match=r"sequences\[1\] is empty; .* must be non-empty"):
        text.length_batches([np.array([1]), np.array([], dtype=int)], np.zeros(2), 2, seed=0)
    with pytest.raises(ValueError, match=r"labels must have 2 along .*; got shape \(3,\)"):
        text.length_batches(TOY[:2], np.zeros(3), 2, seed=0)


def test_predict_in_order_undoes_the_length_sort():
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                              keras.layers.Lambda(lambda ids: keras.ops.sum(ids, axis=1))])
    sequences = [np.array([3, 1, 4, 1, 5]), np.array([9]), np.array([2, 6, 5])]
    outputs = text.predict_in_order(model, sequences, batch_size=2)
    np.testing.assert_array_equal(outputs, [14, 9, 13])


def test_sorted_batches_with_labels_keep_pairs_together():
    sequences = [np.array([1, 2, 3]), np.array([4]), np.array([5, 6])]
    dataset, order = text.sorted_batches(sequences, 2, labels=np.array([30, 10, 20]))
    assert order.tolist() == [1, 2, 0]
    batches = [(ids.numpy().tolist(), labels.numpy().tolist()) for ids, labels in dataset]
    assert batches == [([[4, 0], [5, 6]], [10, 20]), ([[1, 2, 3]], [30])]



def test_bigram_vocabulary_keeps_the_most_frequent_pairs():
    reviews = [np.array([5, 6, 5, 6]), np.array([5, 6, 7])]  # pairs: (0,5) x2, (5,6) x3, ...
    codes = text.bigram_vocabulary(reviews, max_bigrams=2)
    assert codes.tolist() == sorted([(0 << 32) | 5, (5 << 32) | 6])
    assert text.bigram_vocabulary(reviews, 10, min_count=3).tolist() == [(5 << 32) | 6]
    with pytest.raises(ValueError, match="max_bigrams"):
        text.bigram_vocabulary(reviews, 0)


def test_add_bigrams_numbers_known_pairs_from_one():
    codes = text.bigram_vocabulary([np.array([5, 6, 5, 6]), np.array([5, 6, 7])], 2)
    rows = text.add_bigrams([np.array([5, 6, 7, 5])], codes)[0]  # pairs (0,5) (5,6) (6,7) (7,5)
    np.testing.assert_array_equal(rows, [[5, 1], [6, 2], [7, 0], [5, 0]])
    assert rows.dtype == np.int32
    with pytest.raises(ValueError, match="sorted codes"):
        text.add_bigrams([np.array([5, 6])], codes[::-1])
    with pytest.raises(ValueError, match="shape"):
        text.add_bigrams([np.ones((2, 2), dtype=int)], codes)


def test_pad_cut_and_batch_bigram_rows():
    codes = text.bigram_vocabulary(TOY, 10, min_count=1)
    rows = text.keep_head_and_tail(text.add_bigrams(TOY, codes), 3)  # (length <= 3, 2) each
    batch = text.pad(rows, 3)  # (3, 3, 2)
    assert batch.shape == (3, 3, 2)
    np.testing.assert_array_equal(batch[:, :, 0], text.pad(text.keep_head_and_tail(TOY, 3), 3))
    dataset, order = text.sorted_batches(rows, 2, np.arange(3))
    ids, labels = next(iter(dataset))
    assert ids.shape == (2, 3, 2) and labels.numpy().tolist() == order[:2].tolist()
    ids, _ = next(iter(text.length_batches(rows, np.arange(3), 8, seed=0)))
    assert ids.shape[-1] == 2


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, text.MAX_ID), min_size=1, max_size=20))
def test_bigram_codes_are_one_to_one_up_to_the_largest_id(ids):
    sequence = np.array(ids, dtype=np.int64)  # (length,)
    codes = text._pair_codes(sequence)  # (length,)
    assert np.all(codes >= 0) and np.all(codes <= text.MAX_CODE)
    np.testing.assert_array_equal(codes >> 32, np.concatenate([[0], sequence[:-1]]))
    np.testing.assert_array_equal(codes & 0xFFFFFFFF, sequence)


def test_the_largest_id_passes_through_pad_and_add_bigrams_unchanged():
    review = np.array([text.MAX_ID, 0, text.MAX_ID])  # (3,) int64
    np.testing.assert_array_equal(text.pad([review], 4), [[text.MAX_ID, 0, text.MAX_ID, 0]])
    codes = text.bigram_vocabulary([review], 5, min_count=1)
    rows = text.add_bigrams([review], codes)[0]  # (3, 2)
    np.testing.assert_array_equal(rows[:, 0], review)
    assert rows[:, 1].tolist() == [1, 2, 1] and rows.dtype == np.int32  # (0, MAX) twice


@pytest.mark.parametrize("bad", [-1, text.MAX_ID + 1, 3_000_000_000])
def test_ids_outside_int32_are_refused_not_wrapped(bad):
    with pytest.raises(ValueError, match=r"sequences\[1\] must hold values in \[0, 2147483647\]"):
        text.pad([np.array([1]), np.array([2, bad])], 3)


def test_labels_keep_their_dtype():
    _, labels = next(iter(text.length_batches(TOY, np.array([1, 0, 1]), 4, seed=0)))
    assert labels.dtype == tf.int64
