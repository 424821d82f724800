"""Tests for rnncourse/ngram.py.

Reference answers: Kneser-Ney probabilities of a five-symbol corpus worked out by hand from
its counts, the order-1 formula, -log2 of the probabilities taken one symbol at a time, the
axioms (every distribution sums to 1, PAD gets exactly 0, nothing else gets 0), and scipy's
t interval for the bits per character.
"""

import numpy as np
import pytest
from scipy import stats

from rnncourse import chars, ngram

D = 0.75  # the default discount
U = 1 / chars.NUM_SYMBOLS  # the uniform p_0
A, B, E = chars.encode("a")[0], chars.encode("b")[0], chars.END
TINY = chars.stream([chars.encode("abaa")])  # a b a a END, read after an END: E a b a a E


def text_stream(seed, length=3000):
    """A stream of reviews in a small alphabet, so that contexts repeat."""
    rng = np.random.default_rng(seed)
    letters = chars.encode("abcde .")
    reviews = [rng.choice(letters, size=rng.integers(0, 40)) for _ in range(length // 20)]
    return chars.stream(reviews), reviews


def one_by_one(model, review):
    """-log2 of the product of p(symbol | the text before it), END + review + END."""
    ids = np.r_[E, review, E]
    return sum(-np.log2(ngram.probabilities(model, ids[:t])[ids[t]]) for t in range(1, len(ids)))


# ---------------------------------------------------------------- the tiny corpus by hand
# Occurrences (the END put before the stream is never predicted): a 3, b 1, END 1; bigrams
# Ea ab ba aa aE once each; trigrams Eab aba baa aaE once each. Continuations (distinct
# symbols just before): a 3 (E, b, a), b 1 (a), END 1 (a): 5 in all, 3 types; ab, ba, aa,
# aE 1 each and Ea 0 (nothing precedes the first END).

def p1(w):  # the continuation unigram: (max(N(.w) - D, 0) + D * 3 types * U) / 5
    return (max({A: 3, B: 1, E: 1}.get(w, 0) - D, 0) + D * 3 * U) / 5


def test_kneser_ney_order_1_is_its_definition():
    model = ngram.kneser_ney(TINY, 1)
    counts = {A: 3, B: 1, E: 1}  # occurrences: 5 symbols, 3 types
    expected = [(max(counts.get(w, 0) - D, 0) + D * 3 * U) / 5 if w else 0.0
                for w in range(chars.VOCAB_SIZE)]
    np.testing.assert_allclose(ngram.probabilities(model, [E]), expected, rtol=1e-12, atol=0)


def test_kneser_ney_order_2_by_hand():
    model = ngram.kneser_ney(TINY, 2)
    after_a = ngram.probabilities(model, [A])  # a was followed by b, a, END: 3 of 3 types
    for w in (A, B, E, chars.encode("z")[0]):
        seen = 1 if w in (A, B, E) else 0
        assert after_a[w] == pytest.approx((max(seen - D, 0) + D * 3 * p1(w)) / 3, rel=1e-12)
    after_b = ngram.probabilities(model, [B])  # only ba: one type
    assert after_b[A] == pytest.approx((1 - D) + D * p1(A), rel=1e-12)
    assert after_b[B] == pytest.approx(D * p1(B), rel=1e-12)


def test_kneser_ney_order_3_by_hand():
    model = ngram.kneser_ney(TINY, 3)
    # after "ab": aba once (occurrences), falling back to the continuation bigram after b
    # (ba, once, preceded by a), then to p1
    p2_a_after_b = (1 - D) + D * 1 * p1(A)
    assert ngram.probabilities(model, [A, B])[A] == pytest.approx((1 - D) + D * p2_a_after_b,
                                                                  rel=1e-12)
    # the start of a review, context END only: the bigram level counts occurrences (Ea once)
    assert ngram.probabilities(model, [E])[A] == pytest.approx((1 - D) + D * p1(A), rel=1e-12)


def test_an_unseen_context_falls_back_to_the_next_lower_order():
    model, z = ngram.kneser_ney(TINY, 3), chars.encode("z")[0]
    p2_after_b = (np.array([max((w == A) - D, 0) + D * p1(w) for w in range(chars.VOCAB_SIZE)])
                  * (np.arange(chars.VOCAB_SIZE) > 0))  # the continuation bigram after b
    np.testing.assert_allclose(ngram.probabilities(model, [B, B]), p2_after_b, rtol=1e-12)
    never = ngram.probabilities(model, [z, z])  # nothing known: the continuation unigram
    np.testing.assert_allclose(never[1:], [p1(w) for w in range(1, chars.VOCAB_SIZE)],
                               rtol=1e-12)


def test_unigram_is_add_one_over_the_predicted_symbols():
    model = ngram.unigram(TINY)  # a 3, b 1, END 1 of 5
    p = ngram.probabilities(model, [A, B])  # (VOCAB_SIZE,), no context used
    assert p[chars.PAD] == 0
    assert p[A] == pytest.approx(4 / (5 + chars.NUM_SYMBOLS), rel=1e-12)
    assert p[chars.encode("z")[0]] == pytest.approx(1 / (5 + chars.NUM_SYMBOLS), rel=1e-12)


# ---------------------------------------------------------------- axioms and scoring


@pytest.mark.parametrize("order", [1, 2, 3, 5, 8])
def test_every_distribution_sums_to_one_and_gives_pad_zero(order):
    stream, _ = text_stream(0)
    rng = np.random.default_rng(order)
    models = [ngram.kneser_ney(stream, order), ngram.kneser_ney(stream, order, discount=1.0),
              ngram.unigram(stream)]
    letters = chars.encode("abcde .xyz")  # x, y, z never occur: unseen contexts
    for model in models:
        for _ in range(100):
            size = rng.integers(0, 12)
            context = rng.choice(np.r_[letters, E, rng.integers(1, chars.VOCAB_SIZE, 3)], size)
            p = ngram.probabilities(model, context)
            assert p.shape == (chars.VOCAB_SIZE,)
            assert abs(p.sum() - 1) < 1e-9
            assert p[chars.PAD] == 0 and (p[1:] > 0).all()


@pytest.mark.parametrize("order", [1, 2, 4, 6])
def test_bits_equal_minus_log2_of_the_probabilities_one_by_one(order):
    stream, _ = text_stream(1)
    _, held_out = text_stream(2, length=200)
    held_out = held_out[:6] + [chars.encode("xyz abc")]  # unseen symbols too
    for model in (ngram.kneser_ney(stream, order), ngram.unigram(stream)):
        total, symbols = ngram.bits(model, held_out)
        np.testing.assert_allclose(total, [one_by_one(model, r) for r in held_out], rtol=1e-12)
        np.testing.assert_array_equal(symbols, [len(r) + 1 for r in held_out])


def test_a_review_does_not_see_the_review_before_it():
    stream, reviews = text_stream(3)
    model = ngram.kneser_ney(stream, 5)
    together, _ = ngram.bits(model, reviews[:5])
    alone = [ngram.bits(model, [review])[0][0] for review in reviews[:5]]
    np.testing.assert_allclose(together, alone, rtol=1e-12)


def test_shorter_equals_fitting_the_lower_order():
    stream, reviews = text_stream(4)
    big = ngram.kneser_ney(stream, 6)
    for order in (1, 3, 6):
        np.testing.assert_allclose(ngram.bits(ngram.shorter(big, order), reviews[:20])[0],
                                   ngram.bits(ngram.kneser_ney(stream, order), reviews[:20])[0],
                                   rtol=1e-12)


def test_more_context_helps_on_text_with_structure():
    # a repeated sentence: order 4 knows what comes next, the unigram does not
    review = chars.encode("the cat sat on the mat. ")
    reviews = [np.tile(review, 20) for _ in range(5)]
    stream = chars.stream(reviews)
    per_char = [ngram.bits(m, reviews[:1])[0][0] / (len(reviews[0]) + 1)
                for m in (ngram.unigram(stream), ngram.kneser_ney(stream, 2),
                          ngram.kneser_ney(stream, 4))]
    assert per_char[0] > per_char[1] > per_char[2]
    assert per_char[2] < 0.5  # bits per character


# ---------------------------------------------------------------- bits_per_character


def test_bits_per_character_is_all_bits_over_all_symbols():
    total, symbols = np.array([10.0, 30.0, 20.0]), np.array([5, 10, 10])
    result = ngram.bits_per_character(total, symbols)
    assert result.estimate == pytest.approx(60 / 25, rel=1e-12) and result.n == 3
    # residuals 10 - 2.4*5 = -2, 30 - 24 = 6, 20 - 24 = -4: sd sqrt(28), se sqrt(28/3)/(25/3)
    se = np.sqrt(28 / 3) / (25 / 3)
    assert result.high - result.estimate == pytest.approx(4.302652729911275 * se, rel=1e-9)


def test_bits_per_character_with_equal_lengths_is_the_t_interval_of_the_reviews():
    rng = np.random.default_rng(5)
    total, symbols = 2.0 * 400 + 40 * rng.standard_normal(50), np.full(50, 400)
    result = ngram.bits_per_character(total, symbols, level=0.9)
    per_review = total / 400
    low, high = stats.t.interval(0.9, 49, loc=per_review.mean(), scale=stats.sem(per_review))
    np.testing.assert_allclose([result.low, result.high], [low, high], rtol=1e-12)


def test_bits_per_character_covers_about_level_of_the_time():
    # 1000 held-out sets of 40 reviews, true rate 2 bits per symbol; Monte Carlo error ~ 0.007
    rng, covered = np.random.default_rng(6), []
    for _ in range(1000):
        symbols = rng.integers(50, 2000, size=40)
        total = rng.gamma(shape=symbols, scale=2.0)  # mean 2 * symbols
        result = ngram.bits_per_character(total, symbols)
        covered.append(result.low <= 2.0 <= result.high)
    assert 0.92 <= np.mean(covered) <= 0.975
