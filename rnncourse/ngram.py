"""Character n-gram language models over ``chars`` ids: the baselines of chapter 6.

    from rnncourse import chars, ngram
    model = ngram.kneser_ney(chars.stream(corpus.fit), order=5)  # counts, once
    total_bits, symbols = ngram.bits(model, corpus.val)  # (reviews,) each
    ngram.bits_per_character(total_bits, symbols)  # bits per character, 95 % interval
    ngram.probabilities(model, chars.encode("The fil"))  # (VOCAB_SIZE,), sums to 1

An order-n model predicts a symbol from the n - 1 symbols before it. Interpolated Kneser-Ney
(Kneser & Ney 1995, in the interpolated form with one discount D that Chen & Goodman 1999 call
"interpolated Kneser-Ney"; not their modified variant with three discounts) mixes every order::

    p_k(w | h) = (max(c_k(h w) - D, 0) + D N_k(h) p_{k-1}(w | h')) / c_k(h)

h' is h without its first symbol, N_k(h) the number of distinct w seen after h and c_k(h)
the sum of c_k(h w) over w; an unseen h (c_k(h) = 0) leaves p_{k-1}. The highest order counts
occurrences; the lower ones count continuations, the number of distinct symbols seen just
before h w: a symbol that is frequent but follows few distinct contexts gains little as a
fallback. p_0 is uniform over the NUM_SYMBOLS predicted symbols, so none gets probability 0.

A review is read from the ``END`` before it and the context never reaches back past it: the
first symbols of a review have a shorter context, whose highest order counts occurrences (as
the start of text, which nothing precedes). Every n-gram is stored as (id of its first
n - 1 symbols in the table one order lower) * VOCAB_SIZE + last symbol, a small integer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from rnncourse import _checks
from rnncourse.chars import END, NUM_SYMBOLS, UNKNOWN, VOCAB_SIZE
from rnncourse.evaluate import Interval

MAX_ORDER = 20  # longest n-gram an order may ask for
CHUNK = 100  # reviews scored at a time by bits


@dataclass(frozen=True)
class Level:
    """The n-grams of one length k: ``keys`` (grams,) sorted codes (context id * VOCAB_SIZE +
    last symbol), their occurrence counts ``raw`` and continuation counts ``cont`` (None at
    the highest order fitted); per context id (contexts,): the sums of the counts
    (``raw_total``, ``cont_total``) and the distinct symbols after it (``*_types``)."""
    keys: np.ndarray
    raw: np.ndarray
    cont: np.ndarray | None
    raw_total: np.ndarray
    raw_types: np.ndarray
    cont_total: np.ndarray | None
    cont_types: np.ndarray | None


@dataclass(frozen=True)
class KneserNey:
    """An interpolated Kneser-Ney model: one :class:`Level` per n-gram length 1..order."""
    levels: tuple
    discount: float

    @property
    def order(self) -> int:
        return len(self.levels)


@dataclass(frozen=True)
class Unigram:
    """Add-one smoothed symbol frequencies: ``p`` (VOCAB_SIZE,), 0 for PAD."""
    p: np.ndarray


def unigram(stream) -> Unigram:
    """(count(w) + 1) / (length + NUM_SYMBOLS) for each predicted symbol w.

    stream: (length,) ids without PAD, e.g. ``chars.stream(corpus.fit)``."""
    ids = _stream("stream", stream)  # (length,)
    counts = np.bincount(ids, minlength=VOCAB_SIZE).astype(np.float64)  # (VOCAB_SIZE,)
    counts[1:] += 1
    counts[0] = 0.0  # PAD
    return Unigram(counts / counts.sum())


def kneser_ney(stream, order: int, discount: float = 0.75) -> KneserNey:
    """Count the n-grams of ``stream`` (read after an END) up to length ``order``.

    stream: (length,) ids without PAD, e.g. ``chars.stream(corpus.fit)``. order: n >= 1.
    discount: D in (0, 1], subtracted from every count."""
    ids = np.r_[END, _stream("stream", stream)]  # (length + 1,)
    order = _checks.integer("order", order, minimum=1, maximum=MAX_ORDER)
    discount = _checks.number("discount", discount, low=0, high=1, inclusive=(False, True))
    kind = np.int32 if len(ids) * VOCAB_SIZE < 2**31 else np.int64  # codes < L * VOCAB_SIZE
    ids = ids.astype(kind)
    gram_ids = np.zeros(len(ids), dtype=kind)  # id of the (k - 1)-gram ending at t
    levels, waiting = [], None  # waiting: the (k - 1)-grams, until their continuations
    for k in range(1, order + 1):
        codes = gram_ids[k - 2:-1] * VOCAB_SIZE + ids[k - 1:] if k > 1 else ids  # (L - k + 1,)
        keys, first, inverse, raw = np.unique(codes, return_index=True, return_inverse=True,
                                              return_counts=True)
        if k == 1:  # the END put before the stream is read, never predicted
            raw[np.searchsorted(keys, END)] -= 1
        else:  # continuations of each (k - 1)-gram: the distinct k-grams it ends
            cont = np.bincount(gram_ids[first + k - 1], minlength=len(waiting[0]))
            levels.append(_level(*waiting, cont))
        gram_ids = np.full(len(ids), -1, dtype=kind)
        gram_ids[k - 1:] = inverse.reshape(-1)
        del codes, first, inverse
        waiting = (keys, raw.astype(np.int32), len(waiting[0]) if waiting else 1)
    levels.append(_level(*waiting, None))  # the highest order counts occurrences only
    return KneserNey(tuple(levels), discount)


def shorter(model: KneserNey, order: int) -> KneserNey:
    """``model`` cut to ``order`` <= model.order: the same as fitting that order again."""
    _checks.instance("model", model, KneserNey, "a KneserNey model (ngram.kneser_ney)")
    order = _checks.integer("order", order, minimum=1, maximum=model.order)
    top = model.levels[order - 1]
    top = Level(top.keys, top.raw, None, top.raw_total, top.raw_types, None, None)
    return KneserNey(model.levels[:order - 1] + (top,), model.discount)


def probabilities(model, context) -> np.ndarray:
    """The model's distribution of the next symbol after ``context``: (VOCAB_SIZE,), PAD 0.

    context: (length,) ids without PAD, the text so far (it may be empty); the model reads
    it from its last END on, as it reads a review."""
    model = _model("model", model)
    context = _checks.array("context", context, axes=("time",), kind="int")
    context = _checks.within("context", context, END, VOCAB_SIZE - 1)  # (length,)
    if isinstance(model, Unigram):
        return model.p.copy()
    ends = np.flatnonzero(context == END)
    history = context[ends[-1]:] if len(ends) else context  # (history,)
    history = history[len(history) - min(len(history), model.order - 1):]  # what it reads
    ctx = _context_ids(model, history)[:, -1] if len(history) else \
        np.r_[0, np.full(model.order - 1, -1)]  # (order,)
    symbols = np.arange(VOCAB_SIZE)  # (VOCAB_SIZE,)
    ctx = np.broadcast_to(ctx[:, None], (len(ctx), VOCAB_SIZE))  # (levels, VOCAB_SIZE)
    top = np.full(VOCAB_SIZE, min(model.order, len(history) + 1))  # (VOCAB_SIZE,)
    p = _probability(model, ctx, symbols, top)
    p[0] = 0.0  # PAD is never predicted (its p is 0 already; exact)
    return p


def bits(model, reviews) -> tuple[np.ndarray, np.ndarray]:
    """-log2 p of every review read as END + review + END, each symbol after the first END
    predicted (the closing END too): ``(total bits (reviews,), symbols (reviews,))``.

    reviews: a list of (length,) id arrays without PAD or END (``chars.encode``)."""
    model = _model("model", model)
    reviews = _checks.ragged("reviews", reviews, kind="int", min_items=1)
    for index, review in enumerate(reviews):
        _checks.within(f"reviews[{index}]", review, UNKNOWN, VOCAB_SIZE - 1)
    symbols = np.array([len(r) + 1 for r in reviews])  # (reviews,)
    chunks = [_chunk_bits(model, reviews[i:i + CHUNK]) for i in range(0, len(reviews), CHUNK)]
    return np.concatenate(chunks), symbols


def _chunk_bits(model, reviews):
    """bits' total bits (reviews,), for a few reviews at a time (a bounded memory)."""
    ids = np.r_[END, np.concatenate([np.append(r, END) for r in reviews])].astype(np.int64)
    if isinstance(model, Unigram):
        p = model.p[ids[1:]]  # (symbols,)
    else:
        starts = np.maximum.accumulate(np.where(ids == END, np.arange(len(ids)), 0))  # (L,)
        history = np.arange(1, len(ids)) - starts[:-1]  # (symbols,) context length
        ctx = _context_ids(model, ids)[:, :-1]  # (levels, symbols)
        p = _probability(model, ctx, ids[1:], np.minimum(model.order, history + 1))
    review = np.repeat(np.arange(len(reviews)), [len(r) + 1 for r in reviews])  # (symbols,)
    return np.bincount(review, weights=-np.log2(p), minlength=len(reviews))


def bits_per_character(total_bits, symbols, level=0.95) -> Interval:
    """All the bits over all the symbols of held-out reviews, R = sum(bits) / sum(symbols),
    and its t interval over the reviews, the independent units (the delta method for a ratio:
    se = sd(bits_i - R symbols_i) / (sqrt(reviews) mean(symbols)), reviews - 1 df).

    total_bits, symbols: (reviews,) each, as :func:`bits` gives them; at least 2 reviews."""
    sizes = {}
    total = _checks.within("total_bits", _checks.sized("total_bits", total_bits, ("reviews",),
                                                       sizes), low=0)  # (reviews,)
    count = _checks.sized("symbols", symbols, ("reviews",), sizes, kind="int")  # (reviews,)
    count = _checks.within("symbols", count, low=1)
    _checks.at_least("total_bits", total, 2, "reviews", " for an interval")
    level, m = _checks.fraction("level", level), len(total)
    ratio = float(total.sum() / count.sum())
    se = float(np.std(total - ratio * count, ddof=1) / (np.sqrt(m) * count.mean()))
    half = float(stats.t.ppf((1 + level) / 2, m - 1)) * se
    return Interval(ratio, ratio - half, ratio + half, level, m)


def _probability(model, ctx, targets, top):
    """p(target | context) by the recursion above: ctx (order, n) context ids of each
    length 0..order-1 (-1 unseen), targets (n,), top (n,) the order each may use."""
    p = np.where(targets > 0, 1.0 / NUM_SYMBOLS, 0.0)  # (n,) p_0, uniform
    D = model.discount
    for k, level in enumerate(model.levels, start=1):
        c = ctx[k - 1]  # (n,) ids of the (k - 1)-symbol contexts
        raw = top == k  # (n,) the highest order: occurrence counts
        count = _lookup(level, c, targets, raw)  # (n,)
        seen = c >= 0
        safe = np.where(seen, c, 0)
        if level.cont is None:
            total, types = level.raw_total[safe], level.raw_types[safe]
        else:
            total = np.where(raw, level.raw_total[safe], level.cont_total[safe])
            types = np.where(raw, level.raw_types[safe], level.cont_types[safe])
        total, types = np.where(seen, total, 0), np.where(seen, types, 0)
        mixed = (np.maximum(count - D, 0) + D * types * p) / np.maximum(total, 1)
        p = np.where((k <= top) & (total > 0), mixed, p)
    return p


def _lookup(level, ctx, targets, raw):
    """The count of (context ctx, target) at ``level``: (n,), 0 where it is unseen."""
    codes = ctx * VOCAB_SIZE + targets  # (n,)
    index = np.minimum(np.searchsorted(level.keys, codes), len(level.keys) - 1)  # (n,)
    found = (ctx >= 0) & (level.keys[index] == codes)
    counts = level.raw[index] if level.cont is None else np.where(raw, level.raw[index],
                                                                   level.cont[index])
    return np.where(found, counts, 0)


def _context_ids(model, ids):
    """(order, L) ids of the grams of length 0..order-1 ending at each t of ids (-1 where
    unseen or longer than ids[:t + 1])."""
    result = np.full((model.order, len(ids)), -1, dtype=np.int64)
    result[0] = 0  # the empty context
    for k in range(1, model.order):
        keys, previous = model.levels[k - 1].keys, np.r_[-1 if k > 1 else 0, result[k - 1][:-1]]
        codes = previous * VOCAB_SIZE + ids  # (L,)
        index = np.minimum(np.searchsorted(keys, codes), len(keys) - 1)
        result[k] = np.where((previous >= 0) & (keys[index] == codes), index, -1)
    return result


def _level(keys, raw, contexts, cont) -> Level:
    """A :class:`Level` of ``keys`` with counts ``raw``, ``cont`` over ``contexts`` ids."""
    owner = keys // VOCAB_SIZE  # (grams,) context id of each gram
    sums = [np.bincount(owner, weights=raw, minlength=contexts), np.bincount(owner,
            weights=raw > 0, minlength=contexts)]  # occurrences and types per context
    if cont is not None:
        sums += [np.bincount(owner, weights=cont, minlength=contexts),
                 np.bincount(owner, weights=cont > 0, minlength=contexts)]
    small = [np.asarray(x, dtype=np.int32) for x in sums]  # counts < 2**31: 4 bytes each
    if cont is None:
        return Level(keys, raw, None, *small, None, None)
    return Level(keys, raw, cont.astype(np.int32), *small)


def _stream(name, value):
    ids = _checks.array(name, value, axes=("time",), kind="int", nonempty=("time",))
    return _checks.within(name, ids, END, VOCAB_SIZE - 1)  # no PAD


def _model(name, value):
    return _checks.instance(name, value, (KneserNey, Unigram),
                            "an n-gram model (ngram.kneser_ney or ngram.unigram)")
