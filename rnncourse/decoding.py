"""Greedy decoding and beam search for any model that scores the next token.

    ids, log_prob = decoding.greedy(step, state, batch_size, bos, eos, max_len)
    best = decoding.beam_search(step, state, bos, eos, beam_width=4, max_len=12, alpha=1.0)
    best.ids, best.scores                       # (batch, <= max_len), (batch,)
    plain = decoding.rescore(decoding.beam_search(..., return_all=True), alpha=0.0)

``step(tokens, state) -> (log_probs, new_state)``: ``tokens`` (n,) int, the last token of each
hypothesis; ``log_probs`` (n, V) the log-probabilities of the next token; ``state`` an array
or a tuple/list of arrays, each with leading axis n (a Keras decoder may return tensors: they
are turned into NumPy arrays here, at the boundary). Beam search repeats each input's state
``beam_width`` times and gathers the surviving hypotheses' states by index.

A hypothesis y_1..y_K (without BOS; y_K = EOS when finished) scores
``log P(y) / K**alpha`` (``alpha = 0``: the plain log-probability; ``alpha = 1``: the mean
log-probability per token; a simpler form of the length penalty of Wu et al. 2016, who divide
by ((5 + K) / 6)**alpha). Beam search keeps the ``beam_width`` most probable live hypotheses;
a hypothesis that produces EOS is set aside, compared with the other finished ones by its
score, and its place in the beam is given up (the beam narrows by one, as in Koehn's and
Jurafsky & Martin's textbook version), so ``beam_width = 1`` is greedy decoding. The search
stops when every place is used or after ``max_len`` tokens. At ``max_len`` the live
hypotheses are kept as *unfinished* (no EOS, length ``max_len``): a finished hypothesis always
wins over them, and an input with none finished returns its best unfinished one, flagged
``finished = False``.
Hypotheses of probability zero (log-probability -inf) are discarded. Ties keep the lower
beam, then the lower token id. After EOS (or at the end of a shorter row) ids hold ``pad``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from rnncourse import _checks


class Beams(NamedTuple):
    ids: np.ndarray  # (batch, <= max_len) int64: the best hypothesis per input, pad after EOS
    scores: np.ndarray  # (batch,) its score, log P / length**alpha
    log_probs: np.ndarray  # (batch,) its log-probability
    finished: np.ndarray  # (batch,) bool: it ends with EOS (False: cut at max_len)
    hypotheses: list | None  # per input, every (ids, log_prob, score, finished), best first


def _map(fn, state):
    """``fn`` applied to the array ``state`` or to each array of a tuple/list ``state``."""
    if isinstance(state, (tuple, list)):
        return type(state)(fn(part) for part in state)
    return fn(state)


def _call(step, tokens: np.ndarray, state, eos: int):
    """(log_probs (n, V) float64, state as NumPy arrays) of one call of ``step``."""
    log_probs, state = step(tokens, state)
    log_probs, n = np.asarray(log_probs, dtype=np.float64), tokens.shape[0]  # (n, V)
    if log_probs.ndim != 2 or log_probs.shape[0] != n or np.isnan(log_probs).any() \
            or log_probs.shape[1] <= eos:
        raise ValueError(f"step must return log_probs of shape (n, V) = ({n}, V > eos = "
                         f"{eos}) without NaN; got {_checks.shown(log_probs)}")
    total = np.logaddexp.reduce(log_probs, axis=1)  # (n,) should be log 1 = 0
    worst = int(np.argmax(np.abs(total)))
    if not abs(total[worst]) <= 1e-3:
        raise ValueError("step must return log-probabilities (each row's exp sums to 1); "
                         f"row {worst} sums to {float(np.exp(total[worst])):.4g}")
    state = _map(np.asarray, state)
    parts = state if isinstance(state, (tuple, list)) else [state]
    if any(np.ndim(p) == 0 or np.shape(p)[0] != n for p in parts):
        raise ValueError(f"step must return a state with leading axis n = {n}; got leading "
                         f"sizes {[np.shape(p)[:1] for p in parts]}")
    return log_probs, state


def _state(state, batch: int | None) -> tuple:
    """(state as NumPy arrays, batch size): every array with the same leading axis."""
    parts = state if isinstance(state, (tuple, list)) else [state]
    if len(parts) == 0 or any(p is None or isinstance(p, (str, bytes, dict)) for p in parts):
        raise TypeError(f"state must be an array or a tuple/list of arrays with leading axis "
                        f"batch; got {_checks.shown(state)}")
    sizes = {np.shape(p)[0] if np.ndim(p) else None for p in parts}
    wanted = {batch} if batch is not None else sizes
    if None in sizes or len(sizes) != 1 or sizes != wanted or 0 in sizes:
        wanted = f"batch_size = {batch}" if batch is not None else "batch > 0"
        raise ValueError(f"state must have the same leading axis ({wanted}) in every array; "
                         f"got leading sizes {sorted(sizes, key=str)}")
    return _map(np.asarray, state), sizes.pop()


def _common(step, bos, eos, max_len, pad) -> tuple[int, int, int, int]:
    if not callable(step):
        raise TypeError(f"step must be a function (tokens, state) -> (log_probs, state); got "
                        f"{_checks.shown(step)}")
    bos, eos = _checks.integer("bos", bos, minimum=0), _checks.integer("eos", eos, minimum=0)
    pad = _checks.integer("pad", pad, minimum=0)
    if eos in (bos, pad):
        raise ValueError(f"eos must differ from bos and pad; got bos={bos}, eos={eos}, "
                         f"pad={pad}")
    return bos, eos, _checks.integer("max_len", max_len, minimum=1), pad


def greedy(step, state, batch_size: int, bos: int, eos: int, max_len: int,
           pad: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The most probable next token at every step, for a batch of inputs.

    Returns ``ids`` (batch, <= max_len) int64 (EOS included, ``pad`` after it; a row without
    EOS was cut at ``max_len``) and ``log_prob`` (batch,), the sum of the chosen tokens'
    log-probabilities (EOS included). Stops when every row has produced EOS.
    """
    bos, eos, max_len, pad = _common(step, bos, eos, max_len, pad)
    batch_size = _checks.integer("batch_size", batch_size, minimum=1)
    state, _ = _state(state, batch_size)
    tokens = np.full(batch_size, bos, dtype=np.int64)  # (batch,)
    done = np.zeros(batch_size, dtype=bool)  # (batch,) EOS produced
    log_prob, chosen = np.zeros(batch_size), []
    while len(chosen) < max_len and not done.all():
        log_probs, state = _call(step, tokens, state, eos)  # (batch, V)
        best = np.argmax(log_probs, axis=1)  # (batch,) ties: the lower id
        log_prob += np.where(done, 0.0, log_probs[np.arange(batch_size), best])
        chosen.append(np.where(done, pad, best))
        done |= best == eos
        tokens = np.where(done, eos, best)
    return np.stack(chosen, axis=1), log_prob  # (batch, steps), (batch,)


def _normalised(log_prob: np.ndarray, length, alpha: float) -> np.ndarray:
    """Score log P / length**alpha (alpha = 0: log P)."""
    return log_prob / np.power(np.asarray(length, dtype=np.float64), alpha)


def _expand(scores: np.ndarray, log_probs: np.ndarray, width: int, places: np.ndarray):
    """The ``places`` (batch,) best extensions per input: (parent beam, token, new score),
    each (batch, B), B = beam_width; the places beyond an input's share hold score -inf."""
    batch, vocab = scores.shape[0], log_probs.shape[1]
    candidates = scores[:, :, None] + log_probs.reshape(batch, width, vocab)  # (batch, B, V)
    flat = candidates.reshape(batch, width * vocab)  # (batch, B*V)
    order = np.argsort(-flat, axis=1, kind="stable")[:, :width]  # (batch, B) best first
    best = np.take_along_axis(flat, order, axis=1)  # (batch, B)
    best[np.arange(width)[None, :] >= places[:, None]] = -np.inf
    return order // vocab, order % vocab, best


def _set_aside(pool: list, rows, cols, history, log_prob, finished: bool):
    """Append the hypotheses at (rows, cols) of ``history`` (batch, B, k) to ``pool``."""
    for b, k in zip(rows, cols):
        pool[b].append((history[b, k].copy(), float(log_prob[b, k]), finished))


def beam_search(step, state, bos: int, eos: int, beam_width: int, max_len: int,
                alpha: float = 0.0, pad: int = 0, return_all: bool = False) -> Beams:
    """The best hypothesis per input by beam search (see the module docstring for the rule).

    ``state``: (batch, ...) array or tuple/list of them. ``alpha`` >= 0: length
    normalisation. ``return_all``: also every finished and unfinished hypothesis per input.
    """
    bos, eos, max_len, pad = _common(step, bos, eos, max_len, pad)
    width = _checks.integer("beam_width", beam_width, minimum=1)
    alpha = _checks.number("alpha", alpha, low=0)
    _checks.instance("return_all", return_all, bool, "True or False")
    state, batch = _state(state, None)
    state = _map(lambda part: np.repeat(part, width, axis=0), state)  # (batch*B, ...)
    scores = np.full((batch, width), -np.inf)  # (batch, B) log P of the live hypotheses
    scores[:, 0] = 0.0  # one live hypothesis per input at the start: BOS
    tokens = np.full(batch * width, bos, dtype=np.int64)  # (batch*B,)
    places = np.full(batch, width)  # (batch,) beam places not yet used by a finished one
    history = np.zeros((batch, width, 0), dtype=np.int64)  # (batch, B, k) tokens so far
    pool = [[] for _ in range(batch)]  # per input: the hypotheses set aside
    for _ in range(max_len):
        log_probs, state = _call(step, tokens, state, eos)  # (batch*B, V)
        parent, token, scores = _expand(scores, log_probs, width, places)
        history = np.concatenate([np.take_along_axis(history, parent[:, :, None], axis=1),
                                  token[:, :, None]], axis=2)  # (batch, B, k)
        ended = (token == eos) & np.isfinite(scores)  # (batch, B)
        _set_aside(pool, *np.nonzero(ended), history, scores, True)
        scores = np.where(ended, -np.inf, scores)  # the finished leave the beam
        places -= ended.sum(axis=1)
        rows = (np.arange(batch)[:, None] * width + parent).ravel()  # (batch*B,)
        state, tokens = _map(lambda part: part[rows], state), token.ravel()
        if not np.isfinite(scores).any():
            break
    _set_aside(pool, *np.nonzero(np.isfinite(scores)), history, scores, False)
    return _best(pool, alpha, pad, return_all)


def _best(pool: list, alpha: float, pad: int, return_all: bool) -> Beams:
    """The winner per input: finished before unfinished, then the higher score."""
    ranked = [sorted(((ids, lp, float(_normalised(lp, len(ids), alpha)), done)
                      for ids, lp, done in hyps), key=lambda h: (not h[3], -h[2]))
              for hyps in pool]
    best = [hyps[0] for hyps in ranked]
    ids = np.full((len(best), max(len(h[0]) for h in best)), pad, dtype=np.int64)
    for row, hyp in enumerate(best):
        ids[row, :len(hyp[0])] = hyp[0]
    return Beams(ids, np.array([h[2] for h in best]), np.array([h[1] for h in best]),
                 np.array([h[3] for h in best]), ranked if return_all else None)


def rescore(beams: Beams, alpha: float, pad: int = 0) -> Beams:
    """The winners under another ``alpha``, from the hypotheses a
    ``beam_search(..., return_all=True)`` set aside. The search itself does not depend on
    ``alpha`` (the hypotheses it ranks at one step all have the same length), so this equals
    running ``beam_search`` again with the new ``alpha``."""
    _checks.instance("beams", beams, Beams, "the Beams that beam_search returns")
    if beams.hypotheses is None:
        raise ValueError("beams must come from beam_search(..., return_all=True); these "
                         "have no hypotheses")
    alpha = _checks.number("alpha", alpha, low=0)
    pool = [[(ids, lp, done) for ids, lp, _, done in hyps] for hyps in beams.hypotheses]
    return _best(pool, alpha, _checks.integer("pad", pad, minimum=0), True)
