"""decoding.greedy and decoding.beam_search against tiny models of known probabilities.

The models are hand-written NumPy steps: a first-order Markov chain (a table of next-token
probabilities given the last token) and prefix models whose state is the prefix itself, so
that beam search must gather the right state for each surviving hypothesis. Vocabulary:
PAD 0, BOS 1, EOS 2 and the symbols A 3, B 4, C 5 (PAD and BOS never come out).
"""

import itertools

import numpy as np
import pytest

from rnncourse import decoding

PAD, BOS, EOS, A, B, C = range(6)
V = 6  # vocabulary size
SYMBOLS = (A, B, C)  # what a hypothesis may hold before EOS
TOL = 1e-12  # log-probabilities are sums of a few float64 logs


def log(p):
    with np.errstate(divide="ignore"):
        return np.log(np.asarray(p, dtype=np.float64))


def dist(**probs) -> np.ndarray:
    """A next-token distribution (V,) from e.g. dist(EOS=0.4, A=0.6)."""
    out = np.zeros(V)
    for name, p in probs.items():
        out[globals()[name]] = p
    assert abs(out.sum() - 1) < 1e-12
    return out


def prefix_model(probs_of, width: int = 8):
    """A step whose state is (seed (n,), history (n, width)): the row's seed and the symbols
    produced so far (-1 = empty); probs_of(seed, prefix) is the next-token distribution."""
    def step(tokens, state):
        seed, history = state
        history = history.copy()
        for row, token in enumerate(tokens):
            if token != BOS:
                history[row, np.argmax(history[row] < 0)] = token  # append
        probs = np.array([probs_of(s, tuple(h[h >= 0])) for s, h in zip(seed, history)])
        return log(probs), (seed, history)
    return step


def start(seeds, width: int = 8):
    return (np.asarray(seeds), np.full((len(seeds), width), -1))


def random_probs(seed, prefix):
    """A fixed random distribution over EOS, A, B, C for every (seed, prefix)."""
    rng = np.random.default_rng([seed, len(prefix), *prefix])
    out = np.zeros(V)
    out[[EOS, *SYMBOLS]] = rng.dirichlet(np.ones(4))
    return out


def markov(table: np.ndarray):
    """A first-order Markov chain: table (V, V), row = last token; the state is unused."""
    return lambda tokens, state: (log(table[tokens]), state)


def exhaustive(probs_of, seed, max_len, alpha):
    """Every hypothesis by brute force: (ids, log P, score, finished), best first."""
    hyps = []
    for length in range(max_len + 1):
        for body in itertools.product(SYMBOLS, repeat=length):
            ends = [(body + (EOS,), True)] if length < max_len else [(body, False)]
            for ids, finished in ends:
                lp = sum(log(probs_of(seed, ids[:t]))[ids[t]] for t in range(len(ids)))
                if np.isfinite(lp):
                    hyps.append((ids, lp, lp / len(ids) ** alpha, finished))
    return sorted(hyps, key=lambda h: (not h[3], -h[2]))


# BOS -> A 0.6 | B 0.4; after A: EOS 0.4; after B: EOS 0.9; after two symbols: EOS.
TRAP = {(): dist(A=0.6, B=0.4), (A,): dist(EOS=0.4, A=0.3, B=0.3),
        (B,): dist(EOS=0.9, A=0.05, B=0.05)}


def trap_probs(seed, prefix):
    return TRAP.get(prefix, dist(EOS=1.0))


def test_greedy_follows_the_argmax_of_a_markov_chain():
    table = np.tile(dist(EOS=1.0), (V, 1))  # (V, V) rows PAD, BOS, EOS unused but valid
    table[BOS] = dist(A=0.5, B=0.3, C=0.2)
    table[A] = dist(B=0.6, EOS=0.1, C=0.3)
    table[B] = dist(C=0.7, EOS=0.3)
    table[C] = dist(EOS=0.8, A=0.2)
    ids, lp = decoding.greedy(markov(table), np.zeros((2, 1)), 2, BOS, EOS, max_len=10)
    path = [A, B, C, EOS]  # the argmax at every step, by hand
    np.testing.assert_array_equal(ids, [path, path])
    np.testing.assert_allclose(lp, np.log(0.5 * 0.6 * 0.7 * 0.8), atol=TOL)


def test_greedy_is_not_the_most_probable_and_width_two_finds_it():
    step, state = prefix_model(trap_probs), start([0])
    ids, lp = decoding.greedy(step, state, 1, BOS, EOS, max_len=3)
    np.testing.assert_array_equal(ids, [[A, EOS]])  # 0.6 * 0.4 = 0.24
    np.testing.assert_allclose(lp, np.log(0.24), atol=TOL)
    best = decoding.beam_search(step, state, BOS, EOS, beam_width=2, max_len=3)
    np.testing.assert_array_equal(best.ids, [[B, EOS]])  # 0.4 * 0.9 = 0.36 > 0.24
    np.testing.assert_allclose(best.log_probs, np.log(0.36), atol=TOL)
    assert best.finished.all()
    top = exhaustive(trap_probs, 0, 3, 0.0)[0]
    assert top[0] == (B, EOS) and abs(top[1] - np.log(0.36)) < TOL


def test_width_one_is_greedy():
    step, state = prefix_model(random_probs), start(range(20))
    ids, lp = decoding.greedy(step, state, 20, BOS, EOS, max_len=6)
    best = decoding.beam_search(step, state, BOS, EOS, beam_width=1, max_len=6)
    np.testing.assert_array_equal(best.ids, ids)
    np.testing.assert_allclose(best.log_probs, lp, atol=TOL)


@pytest.mark.parametrize("alpha", [0.0, 0.7, 1.0])
def test_a_beam_as_wide_as_all_sequences_is_exhaustive_search(alpha):
    max_len, seeds = 3, [0, 1, 2, 3]
    best = decoding.beam_search(prefix_model(random_probs), start(seeds), BOS, EOS,
                                beam_width=V ** max_len, max_len=max_len, alpha=alpha,
                                return_all=True)
    for row, seed in enumerate(seeds):
        truth = exhaustive(random_probs, seed, max_len, alpha)
        found = best.hypotheses[row]
        assert sorted(tuple(h[0]) for h in found) == sorted(h[0] for h in truth)
        assert tuple(best.ids[row][best.ids[row] != PAD]) == truth[0][0]
        assert abs(best.scores[row] - truth[0][2]) < TOL
        assert abs(best.log_probs[row] - truth[0][1]) < TOL


# BOS -> A 0.6 | B 0.4; A -> EOS 0.6 | B 0.4; AB -> EOS; B -> B 0.95 | EOS 0.05;
# BB -> B 0.9 | EOS 0.1; BBB -> EOS. "A EOS" 0.36 (2 tokens); "B B B EOS" 0.342 (4 tokens).
LONG = {(): dist(A=0.6, B=0.4), (A,): dist(EOS=0.6, B=0.4), (B,): dist(B=0.95, EOS=0.05),
        (B, B): dist(B=0.9, EOS=0.1)}


def long_probs(seed, prefix):
    return LONG.get(prefix, dist(EOS=1.0))


def test_length_normalisation_changes_the_winner():
    step, state = prefix_model(long_probs), start([0])
    plain = decoding.beam_search(step, state, BOS, EOS, beam_width=2, max_len=4)
    np.testing.assert_array_equal(plain.ids, [[A, EOS]])
    np.testing.assert_allclose(plain.scores, np.log(0.36), atol=TOL)
    per_token = decoding.beam_search(step, state, BOS, EOS, beam_width=2, max_len=4,
                                     alpha=1.0)
    np.testing.assert_array_equal(per_token.ids, [[B, B, B, EOS]])
    np.testing.assert_allclose(per_token.scores, np.log(0.4 * 0.95 * 0.9) / 4, atol=TOL)
    assert np.log(0.36) / 2 < np.log(0.342) / 4  # the hand check: -0.51 < -0.27
    assert exhaustive(long_probs, 0, 4, 1.0)[0][0] == (B, B, B, EOS)


@pytest.mark.parametrize("width", [1, 3])
def test_batch_rows_are_independent(width):
    seeds = [5, 6, 7]
    together = decoding.beam_search(prefix_model(random_probs), start(seeds), BOS, EOS,
                                    beam_width=width, max_len=5, alpha=0.5)
    for row, seed in enumerate(seeds):
        alone = decoding.beam_search(prefix_model(random_probs), start([seed]), BOS, EOS,
                                     beam_width=width, max_len=5, alpha=0.5)
        kept = together.ids[row][: alone.ids.shape[1]]
        np.testing.assert_array_equal(kept, alone.ids[0])
        assert (together.ids[row][alone.ids.shape[1]:] == PAD).all()
        np.testing.assert_allclose(together.scores[row], alone.scores[0], atol=TOL)
    ids, lp = decoding.greedy(prefix_model(random_probs), start(seeds), 3, BOS, EOS, 5)
    alone_ids, alone_lp = decoding.greedy(prefix_model(random_probs), start([6]), 1, BOS,
                                          EOS, 5)
    np.testing.assert_array_equal(ids[1][: alone_ids.shape[1]], alone_ids[0])
    np.testing.assert_allclose(lp[1], alone_lp[0], atol=TOL)


def test_at_max_len_the_unfinished_are_returned_and_flagged():
    table = np.tile(dist(EOS=1.0), (V, 1))
    table[[BOS, A, B]] = dist(A=0.5, B=0.49, EOS=0.01)  # EOS almost never
    ids, lp = decoding.greedy(markov(table), np.zeros((1, 1)), 1, BOS, EOS, max_len=3)
    np.testing.assert_array_equal(ids, [[A, A, A]])  # cut at max_len, no EOS
    np.testing.assert_allclose(lp, 3 * np.log(0.5), atol=TOL)
    best = decoding.beam_search(markov(table), np.zeros((1, 1)), BOS, EOS, 2, max_len=3,
                                return_all=True)
    assert not best.finished[0] and best.ids.shape == (1, 3)
    np.testing.assert_allclose(best.log_probs, 3 * np.log(0.5), atol=TOL)
    assert len(best.hypotheses[0]) == 2  # both live beams kept, none dropped


def test_a_finished_hypothesis_beats_an_unfinished_one():
    table = np.tile(dist(EOS=1.0), (V, 1))
    table[BOS] = dist(A=0.7, EOS=0.3)
    table[[A, EOS]] = dist(A=0.99, EOS=0.01)  # (the row of EOS is never used)
    best = decoding.beam_search(markov(table), np.zeros((1, 1)), BOS, EOS, 2, max_len=2)
    np.testing.assert_array_equal(best.ids, [[EOS]])  # 0.3, though "A A" has 0.693
    assert best.finished[0]


def steered_probs(seed, prefix):
    """Seed 0 ends at once (EOS 0.9); seed 1 goes A (0.8), A (0.8), EOS."""
    if seed == 0:
        return dist(EOS=0.9, A=0.1)
    return dist(A=0.8, EOS=0.2) if len(prefix) < 2 else dist(EOS=1.0)


def test_greedy_pads_rows_that_finished_early():
    step = prefix_model(steered_probs)
    ids, lp = decoding.greedy(step, start([0, 1]), 2, BOS, EOS, max_len=4)
    np.testing.assert_array_equal(ids, [[EOS, PAD, PAD], [A, A, EOS]])
    np.testing.assert_allclose(lp, [np.log(0.9), 2 * np.log(0.8)], atol=TOL)


def test_a_state_may_be_one_array_and_step_may_return_lists():
    table = np.tile(dist(EOS=1.0), (V, 1))
    table[BOS] = dist(A=0.5, B=0.3, C=0.2)

    def step(tokens, state):  # state (n, 2): an array, gathered by beam like a tuple
        return log(table[tokens]).tolist(), state + 1
    best = decoding.beam_search(step, np.zeros((2, 2)), BOS, EOS, 2, max_len=3)
    np.testing.assert_array_equal(best.ids, [[A, EOS], [A, EOS]])
    np.testing.assert_allclose(best.log_probs, np.log(0.5), atol=TOL)


@pytest.mark.parametrize("alpha", [0.0, 0.6, 1.0, 2.0])
def test_rescore_equals_searching_again_with_the_new_alpha(alpha):
    step, state = prefix_model(random_probs), start(range(12))
    searched = decoding.beam_search(step, state, BOS, EOS, beam_width=3, max_len=5,
                                    alpha=alpha)
    once = decoding.beam_search(step, state, BOS, EOS, beam_width=3, max_len=5,
                                return_all=True)
    again = decoding.rescore(once, alpha)
    np.testing.assert_array_equal(again.ids, searched.ids)
    np.testing.assert_allclose(again.scores, searched.scores, atol=TOL)
    long_once = decoding.beam_search(prefix_model(long_probs), start([0]), BOS, EOS, 2, 4,
                                     return_all=True)
    longer_wins = np.log(0.4 * 0.95 * 0.9) / 4 ** alpha > np.log(0.36) / 2 ** alpha
    winner = [B, B, B, EOS] if longer_wins else [A, EOS]
    np.testing.assert_array_equal(decoding.rescore(long_once, alpha).ids[0][:len(winner)],
                                  winner)
