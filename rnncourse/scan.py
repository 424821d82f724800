"""The linear recurrence h_t = a_t * h_{t-1} + b_t, computed four ways, in NumPy.

Batch first, elementwise over the units: ``a, b: (batch, time, units)``, ``h0: (batch,
units)`` (zeros if None) and the result ``h: (batch, time, units)`` with ``h[:, t]`` the
state after step t. Each step is an affine map of the state, ``h -> a * h + b``; doing
(a, b) first and then (a', b') is again one:

    (a, b) o (a', b') = (a * a', a' * b + b')                      # combine

``combine`` is associative (not commutative), so the prefixes ``e_1 o ... o e_t`` can be
grouped in any order: that is what lets a scan compute all T states in about log2(T)
rounds of work done in parallel, instead of T rounds one after the other.

- :func:`loop`: the recurrence itself, T sequential steps.
- :func:`hillis_steele`: round d combines each element with the one 2**d before it;
  L = ceil(log2 T) rounds, L*T - (2**L - 1) combines in all, about T log2 T (Hillis and
  Steele, 1986).
- :func:`blelloch`: an up-sweep and a down-sweep over a balanced tree, then one inclusive
  round; 2 ceil(log2 T) + 1 rounds and 2(2**L - 1) + T combines on the length padded to
  2**L, a multiple of T instead of a multiple of T log2 T (Blelloch, 1990): the
  "work-efficient" scan.
- :func:`log_space`: for a > 0 and b > 0, log h_t = A_t + logcumsumexp_k(log b_k - A_k)
  with A_t = sum_{k<=t} log a_k, a form that neither underflows nor overflows;
  :func:`closed_form` is the same sum without logs, h_t = P_t (h0 + sum_k b_k / P_k) with
  P_t = prod_{k<=t} a_k, which does.

Each scan returns ``(h, rounds)``: the states and the number of sequential rounds.
"""

import math

import numpy as np

from rnncourse import _checks

AXES = ("batch", "time", "units")


def _checked(a, b, h0):
    """a, b (batch, time, units) of one shape; h0 (batch, units) or zeros."""
    sizes = {}
    a = _checks.sized("a", a, AXES, sizes, nonempty=("batch", "time", "units"))
    b = _checks.sized("b", b, AXES, sizes)
    h0 = _checks.initial_state("h0", h0, ("batch", "units"), sizes)
    return np.asarray(a, np.float64), np.asarray(b, np.float64), h0


def combine(first, second):
    """(a, b) o (a', b') = (a * a', a' * b + b'): the step ``first``, then ``second``.

    Args:
        first, second: pairs (a, b) of arrays that broadcast together.

    Returns:
        the pair (a * a', a' * b + b').
    """
    for name, pair in (("first", first), ("second", second)):
        if not isinstance(pair, (tuple, list)) or len(pair) != 2:
            raise TypeError(f"{name} must be a pair (a, b) of arrays; got "
                            f"{_checks.shown(pair)}")
        for value in pair:
            if np.asarray(value).dtype.kind not in "biufc":
                raise TypeError(f"{name} must be a pair (a, b) of arrays of numbers; got "
                                f"{_checks.shown(value)}")
    (a, b), (a_next, b_next) = ([np.asarray(value) for value in pair]
                                for pair in (first, second))
    try:
        np.broadcast_shapes(a.shape, b.shape, a_next.shape, b_next.shape)
    except ValueError:
        raise ValueError(f"first and second must hold arrays that broadcast together; got "
                         f"shapes {a.shape}, {b.shape} and {a_next.shape}, "
                         f"{b_next.shape}") from None
    return a * a_next, a_next * b + b_next


def loop(a, b, h0=None):
    """h_t = a_t * h_{t-1} + b_t for t = 1..T, one step after the other: (h, T)."""
    a, b, h_prev = _checked(a, b, h0)
    h = np.empty_like(b)  # (batch, time, units)
    for t in range(b.shape[1]):
        h_prev = a[:, t] * h_prev + b[:, t]  # (batch, units)
        h[:, t] = h_prev
    return h, b.shape[1]


def hillis_steele(a, b, h0=None):
    """The inclusive scan in ceil(log2 T) rounds: (h, rounds).

    Round d replaces element t (for t >= 2**d) by (element t - 2**d) o (element t), all
    t at once; after the rounds element t holds e_1 o ... o e_t, whose b is h_t for h0 = 0.
    The initial state enters as a first step (0, h0).
    """
    a, b, h0 = _checked(a, b, h0)
    a, b = a.copy(), b.copy()
    b[:, 0] += a[:, 0] * h0  # (batch, units): the step from h0 folded into the first
    rounds, shift = 0, 1
    while shift < b.shape[1]:
        earlier = (a[:, :-shift], b[:, :-shift])  # (batch, time - shift, units) each
        a[:, shift:], b[:, shift:] = combine(earlier, (a[:, shift:], b[:, shift:]))
        rounds, shift = rounds + 1, 2 * shift
    return b, rounds


def blelloch(a, b, h0=None):
    """The work-efficient scan: an up-sweep and a down-sweep, 2 ceil(log2 T) + 1 rounds.

    The sequence is padded to a power of two with identity steps (1, 0). The up-sweep
    leaves each tree node's total in its right end; the down-sweep turns those totals
    into exclusive prefixes; one last combine with each element makes them inclusive.
    Returns (h, rounds); the last combine is counted as a round.
    """
    a, b, h0 = _checked(a, b, h0)
    b = b.copy()
    b[:, 0] += a[:, 0] * h0  # (batch, units): the step from h0 folded into the first
    seq_len, levels = b.shape[1], math.ceil(math.log2(b.shape[1]))
    pad = ((0, 0), (0, 2**levels - seq_len), (0, 0))
    tree_a, tree_b = np.pad(a, pad, constant_values=1), np.pad(b, pad)  # (batch, 2**L, u)
    for level in range(levels):  # up-sweep: node totals
        right = np.arange(2 ** (level + 1) - 1, 2**levels, 2 ** (level + 1))
        left = right - 2**level
        tree_a[:, right], tree_b[:, right] = combine(
            (tree_a[:, left], tree_b[:, left]), (tree_a[:, right], tree_b[:, right]))
    tree_a[:, -1], tree_b[:, -1] = 1.0, 0.0  # the identity: nothing comes before
    for level in reversed(range(levels)):  # down-sweep: exclusive prefixes
        right = np.arange(2 ** (level + 1) - 1, 2**levels, 2 ** (level + 1))
        left = right - 2**level
        total = tree_a[:, left].copy(), tree_b[:, left].copy()  # the left half's total
        prefix = tree_a[:, right].copy(), tree_b[:, right].copy()  # what came before
        tree_a[:, left], tree_b[:, left] = prefix
        tree_a[:, right], tree_b[:, right] = combine(prefix, total)
    _, h = combine((tree_a[:, :seq_len], tree_b[:, :seq_len]), (a, b))
    return h, 2 * levels + 1


def log_space(log_a, log_b, log_h0=None):
    """log h for positive a, b (and h0 >= 0), from their logs: (log h, rounds).

    log h_t = A_t + log(h0 + sum_{k<=t} exp(log b_k - A_k)), A_t = sum_{k<=t} log a_k,
    computed with a cumulative sum and a cumulative log-sum-exp (each a scan). log_h0:
    (batch, units), -inf for h0 = 0 (the default).
    """
    sizes = {}
    log_a = _checks.sized("log_a", log_a, AXES, sizes, nonempty=("batch", "time", "units"))
    log_b = _checks.sized("log_b", log_b, AXES, sizes, finite=False)
    if np.isnan(log_b).any() or np.isposinf(log_b).any():
        raise ValueError("log_b must be finite or -inf (b = 0); it has NaN or +inf values")
    start = np.full((len(log_a), 1, log_a.shape[2]), -np.inf)  # (batch, 1, units)
    if log_h0 is not None:
        start[:, 0] = _checks.sized("log_h0", log_h0, ("batch", "units"), sizes,
                                    finite=False)
        if np.isnan(start).any() or np.isposinf(start).any():
            raise ValueError("log_h0 must be finite or -inf (h0 = 0); it has NaN or +inf values")
    log_a_star = np.cumsum(log_a, axis=1)  # (batch, time, units): A_t
    terms = np.concatenate([start, log_b - log_a_star], axis=1)  # (batch, 1 + time, units)
    total = np.logaddexp.accumulate(terms, axis=1)[:, 1:]  # (batch, time, units)
    return log_a_star + total, max(1, math.ceil(math.log2(log_a.shape[1])))


def closed_form(a, b, h0=None):
    """h_t = P_t (h0 + sum_{k<=t} b_k / P_k), P_t = prod_{k<=t} a_k, without logs.

    Exact in real numbers, and what a scan of products and sums would give; in floating
    point P_t underflows to 0 after a few hundred steps of a < 1 (or overflows for a > 1),
    and then b_k / P_k is inf and h is NaN. :func:`log_space` is the fix. Returns (h, rounds).
    """
    a, b, h0 = _checked(a, b, h0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore", under="ignore"):
        product = np.cumprod(a, axis=1)  # (batch, time, units): P_t
        h = product * (h0[:, None] + np.cumsum(b / product, axis=1))  # (batch, time, units)
    return h, max(1, math.ceil(math.log2(a.shape[1])))
