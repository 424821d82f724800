"""rnncourse.chars: the fixed alphabet, encoding round trips, the stream and the corpus."""

import numpy as np
import pytest

from rnncourse import chars


def test_alphabet_is_newline_printable_ascii_and_three_symbols():
    assert chars.ALPHABET[:3] == ("<pad>", "<end>", "<unk>")
    assert chars.VOCAB_SIZE == 3 + 1 + 95 and chars.NUM_SYMBOLS == chars.VOCAB_SIZE - 1
    assert len(set(chars.ALPHABET)) == chars.VOCAB_SIZE


def test_encode_decode_round_trip_of_printable_text():
    text = "A fine film!\nRated 9/10 ~ {really} `good` \"yes\" 'no' \\ |"
    ids = chars.encode(text)
    assert ids.dtype == np.int32 and ids.shape == (len(text),)
    assert chars.decode(ids) == text
    assert [chars.ALPHABET[i] for i in ids] == list(text)


def test_line_breaks_become_newlines_and_others_unknown():
    ids = chars.encode("Bien<br /><br/>été <BR>ok")
    assert chars.decode(ids) == "Bien\n\n\N{REPLACEMENT CHARACTER}t\N{REPLACEMENT CHARACTER} \nok"
    assert (ids == chars.UNKNOWN).sum() == 2
    assert chars.encode("").shape == (0,)


def test_decode_drops_padding_and_shows_the_end_of_a_review():
    ids = np.concatenate([chars.encode("ab"), [chars.END], chars.encode("c"), [chars.PAD] * 3])
    assert chars.decode(ids) == "ab\n\nc"


def test_stream_closes_every_review_with_end():
    reviews = [chars.encode("ab"), chars.encode(""), chars.encode("xyz")]
    joined = chars.stream(reviews)
    assert joined.dtype == np.int32
    assert list(joined == chars.END) == [False, False, True, True, False, False, False, True]
    assert chars.stream([]).shape == (0,)


class FakeSplits:
    fit_texts = [f"fit review {i}" for i in range(20)]
    fit_labels = np.arange(20) % 2
    val_texts = [f"val review {i}" for i in range(10)]
    val_labels = np.arange(10) % 2
    test_texts = [f"test review {i}" for i in range(15)]
    test_labels = np.arange(15) % 2


def test_corpus_samples_each_split_without_repeats_and_keeps_labels():
    corpus = chars.corpus(FakeSplits, num_fit=8, num_val=4, num_test=5, seed=3)
    assert (len(corpus.fit), len(corpus.val), len(corpus.test)) == (8, 4, 5)
    for reviews, labels, prefix in ((corpus.fit, corpus.fit_labels, "fit"),
                                    (corpus.val, corpus.val_labels, "val"),
                                    (corpus.test, corpus.test_labels, "test")):
        texts = [chars.decode(review) for review in reviews]
        assert len(set(texts)) == len(texts) and all(t.startswith(prefix) for t in texts)
        assert list(labels) == [int(t.split()[-1]) % 2 for t in texts]
    again = chars.corpus(FakeSplits, num_fit=8, num_val=4, num_test=5, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(corpus.fit, again.fit))
    other = chars.corpus(FakeSplits, num_fit=8, num_val=4, num_test=5, seed=4)
    assert [chars.decode(r) for r in other.fit] != [chars.decode(r) for r in corpus.fit]


def test_corpus_refuses_more_reviews_than_a_split_has():
    with pytest.raises(ValueError, match="num_val"):
        chars.corpus(FakeSplits, num_fit=8, num_val=11, num_test=5)


def test_the_fit_sample_does_not_depend_on_the_other_sets():
    full = chars.corpus(FakeSplits, num_fit=8, num_val=4, num_test=5, seed=3)
    fit_only = chars.corpus(FakeSplits, num_fit=8, num_val=0, num_test=0, seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(full.fit, fit_only.fit))
    assert fit_only.val == [] and fit_only.test == [] and len(fit_only.test_labels) == 0
