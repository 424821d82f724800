"""Honest numbers: an interval next to every score, a paired test behind every "better".

The Wilson interval of an accuracy, k right out of n (p = k / n, z = 1.96 at 95 %), holds the
accuracies that a z-test would not reject; unlike p ± z sqrt(p (1 - p)/n) it stays in [0, 1]
and is not empty at k = 0 or k = n::

    (p + z²/(2n) ± z sqrt(p (1 - p)/n + z²/(4n²))) / (1 + z²/n)

A paired comparison (:func:`paired_classifiers`, :func:`paired_forecasters`,
:func:`paired_losses`) scores both
models on the same examples and looks where they differ: far more sensitive than two
intervals that overlap. Every comparison word comes from :func:`verdict`.
"""

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import stats

from rnncourse import _checks


@dataclass(frozen=True)
class Interval:
    """An ``estimate`` (an accuracy) and its interval [low, high] at ``level``, from ``n``."""
    estimate: float
    low: float
    high: float
    level: float
    n: int

    def __str__(self) -> str:  # 0.905 (95% CI 0.901 to 0.909, n = 25000)
        places = _places((self.high - self.low) / 2)
        return (f"{self.estimate:.{places}f} ({_percent(self.level)} CI {self.low:.{places}f}"
                f" to {self.high:.{places}f}, n = {self.n})")


@dataclass(frozen=True)
class Comparison:
    """Model a against b on the same ``n`` examples (steps): ``difference`` (a - b), its interval
    [low, high] at ``level``, the ``test``'s two-sided p-value and statistic (McNemar: the
    examples only a got right; Diebold-Mariano: the corrected t), the ``verdict`` on a."""
    verdict: str
    difference: float
    low: float
    high: float
    p_value: float
    statistic: float
    level: float
    n: int
    test: str  # "McNemar", "Diebold-Mariano" or "paired t"
    quantity: str  # what difference is: "difference" (in accuracy) or "mean loss difference"

    def __str__(self) -> str:  # better (McNemar p = 0.003; difference +0.012, 95% CI ...)
        places = _places((self.high - self.low) / 2)
        return (f"{self.verdict} ({self.test} {_p(self.p_value)}; {self.quantity} "
                f"{self.difference:+z.{places}f}, {_percent(self.level)} CI "
                f"{self.low:+z.{places}f} to {self.high:+z.{places}f})")


@dataclass(frozen=True)
class Spread:
    """A score's ``mean`` and ``sd`` (ddof=1) over ``n`` seeds; [low, high]: the mean's t
    interval at ``level``."""
    mean: float
    sd: float
    low: float
    high: float
    level: float
    n: int

    def __str__(self) -> str:  # 0.905 ± 0.004 (sd over 3 seeds)
        places = _places(self.sd)
        return f"{self.mean:.{places}f} ± {self.sd:.{places}f} (sd over {self.n} seeds)"


def verdict(difference, *, p_value=None, interval=None, level=0.95, better="higher") -> str:
    """The word for model a against model b: "better", "worse" or "no clear difference".

    difference: a's score minus b's (accuracy a - b, or mean loss a - b). The evidence is
    either p_value, of a two-sided test of no difference (clear when p_value < 1 - level),
    or interval, (low, high) holding difference (clear when it excludes 0). better: "higher"
    if a higher score is better (accuracy), "lower" if a lower one is (a loss).
    """
    better = _checks.choice("better", better, ("higher", "lower"))
    level = _checks.fraction("level", level)
    if (p_value is None) == (interval is None):
        raise TypeError("verdict needs exactly one of p_value or interval as its evidence; "
                        f"got {'neither' if p_value is None else 'both'}")
    if interval is None:
        difference = _checks.number("difference", difference)
        p_value = _checks.number("p_value", p_value, low=0, high=1)
        clear = p_value + level < 1  # p < 1 - level, without rounding 1 - 0.95 to 0.05000...04
    else:
        low, high = _checks.bounds("interval", interval)
        difference = _checks.number("difference", difference, low=low, high=high)
        clear = not low <= 0 <= high
    if not clear or difference == 0:
        return "no clear difference"
    return "better" if (difference > 0) == (better == "higher") else "worse"


def accuracy_interval(correct, total=None, level=0.95) -> Interval:
    """The Wilson score interval (above) of an accuracy.

    correct: (examples,) booleans, True where the prediction was right (or 0/1); or, with
    total, the number of correct predictions out of ``total``. level: in (0, 1).
    """
    level = _checks.fraction("level", level)
    if total is None:
        flags = _correctness("correct", correct, {})  # (examples,)
        correct, total = int(flags.sum()), len(flags)
    else:
        total = _checks.integer("total", total, minimum=1)
        correct = _checks.integer("correct", correct, minimum=0, maximum=total)
    low, high = _wilson(correct, total, _z(level))
    return Interval(correct / total, low, high, level, total)


def paired_classifiers(correct_a, correct_b, level=0.95) -> Comparison:
    """Classifier a against classifier b on the same examples, by their accuracy.

    correct_a, correct_b: (examples,) booleans (or 0/1), True where a (b) got example i
    right. Only the discordant examples count: if a and b are equally good, each of them is
    a's with probability 1/2, and the exact McNemar test is a binomial test of that. The
    interval of the difference is Newcombe's (1998, method 10): the Wilson intervals of both
    accuracies, combined with their correlation. The verdict follows the test; at the edge
    of significance the interval may exclude 0 while the (conservative) test does not.
    """
    sizes = {}
    a = _correctness("correct_a", correct_a, sizes)  # (examples,)
    b = _correctness("correct_b", correct_b, sizes)  # (examples,)
    level = _checks.fraction("level", level)
    n, both, only_a, only_b = len(a), int((a & b).sum()), int((a & ~b).sum()), int((~a & b).sum())
    p_value = stats.binomtest(only_a, only_a + only_b).pvalue if only_a + only_b else 1.0
    difference = (only_a - only_b) / n  # accuracy of a - accuracy of b
    low, high = _newcombe(both, only_a, only_b, n, _z(level))
    return Comparison(verdict(difference, p_value=p_value, level=level), difference, low, high,
                      float(p_value), float(only_a), level, n, "McNemar", "difference")


def paired_forecasters(losses_a, losses_b, level=0.95, horizon=1) -> Comparison:
    """Forecaster a against forecaster b on the same targets, by their mean loss (lower wins).

    losses_a, losses_b: (time,) per-step losses >= 0, e.g. squared errors (y - y_hat)**2 of
    the forecasts ``horizon`` steps ahead. The Diebold-Mariano test is a t-test of the mean
    loss difference d = losses_a - losses_b with a HAC variance: h-step forecasts overlap, so
    d is autocorrelated up to lag h - 1, and its autocovariances up to that lag are added in
    (Newey-West's weights would take too little of them). Harvey, Leybourne & Newbold's (1997)
    factor corrects it for small T, and Student's t (T - 1 degrees of freedom) gives the
    p-value; for h = 1 this is exactly the paired t-test. The interval is that t interval of
    the mean difference, so it excludes 0 exactly when the test is clear.
    """
    sizes = {}
    loss_a, loss_b = _losses("losses_a", losses_a, sizes), _losses("losses_b", losses_b, sizes)
    level = _checks.fraction("level", level)
    h = _checks.integer("horizon", horizon, minimum=1)
    _checks.at_least("losses_a", loss_a, 2 * h, "steps", f" for horizon={h}")
    d = loss_a - loss_b  # (time,)
    T, d_mean = len(d), float(d.mean())
    hln = math.sqrt((T + 1 - 2 * h + h * (h - 1) / T) / T)  # Harvey et al. (1997)
    se = math.sqrt(_long_run_variance(d, h) / T) / hln
    return _t_comparison(d_mean, se, T, level, "Diebold-Mariano")


def paired_losses(losses_a, losses_b, level=0.95) -> Comparison:
    """Model a against model b on the same independent units, by their mean loss (lower wins).

    losses_a, losses_b: (units,) one loss >= 0 per unit, at least 2 units, e.g. each
    held-out review's bits per character under a language model. The units (reviews) are
    independent, so this is the paired t-test (scipy.stats.ttest_rel) of the mean difference
    d = losses_a - losses_b, Student's t with n - 1 degrees of freedom; the interval is its
    t interval, so it excludes 0 exactly when the test is clear.
    """
    return _paired_losses(("losses_a", "losses_b"), losses_a, losses_b, level)


def over_seeds(values, level=0.95) -> Spread:
    """Mean ± sd (ddof=1) of one score over runs that differ only by their seed, and the
    t interval of the mean (Student's t, n - 1 degrees of freedom).

    values: (seeds,) one finite score per seed, at least 2. level: in (0, 1).
    """
    values = _checks.array("values", values, axes=("seeds",))  # (seeds,)
    _checks.at_least("values", values, 2, "seeds", " (one score per seed) for a spread")
    level = _checks.fraction("level", level)
    n, mean, sd = len(values), float(values.mean()), float(values.std(ddof=1))
    half = float(stats.t.ppf((1 + level) / 2, n - 1)) * sd / math.sqrt(n)
    return Spread(mean, sd, mean - half, mean + half, level, n)


class SeededVerdict(NamedTuple):
    """What :func:`forecasters_over_seeds` (or :func:`losses_over_seeds`) finds: the
    ``verdict`` on a, the ``spread`` of the per-seed mean loss differences (None without
    seeds) and each seed's ``tests``."""
    verdict: str
    spread: Spread | None
    tests: list


def forecasters_over_seeds(losses_a, losses_b, level=0.95, horizon=1) -> SeededVerdict:
    """Forecaster a against b when one of them (or both) was trained once per seed.

    losses_a, losses_b: (time,) per-step losses of a forecast that no seed changes (a
    baseline), or (seeds, time), one row per seed; rows are paired seed by seed, and a
    (time,) side is compared with every row of the other. The verdict is "better" or
    "worse" only when the t interval of the per-seed mean loss differences (over_seeds)
    and the Diebold-Mariano test of every seed (paired_forecasters) all give that word;
    otherwise "no clear difference". With no seeds on either side: the one test's word.
    """
    return _seeded(("losses_a", "losses_b"), losses_a, losses_b, level, "time",
                   lambda a, b: paired_forecasters(a, b, level=level, horizon=horizon))


def losses_over_seeds(losses_a_by_seed, losses_b_by_seed, level=0.95) -> SeededVerdict:
    """Model a against b on independent units (reviews) when one of them (or both) was
    trained once per seed: the rule of :func:`forecasters_over_seeds`, with
    :func:`paired_losses` as each seed's test.

    losses_a_by_seed, losses_b_by_seed: (units,) per-unit losses of a model that no seed
    changes (a baseline), or (seeds, units), one row per seed, paired seed by seed.
    """
    names = ("losses_a_by_seed", "losses_b_by_seed")
    return _seeded(names, losses_a_by_seed, losses_b_by_seed, level, "units",
                   lambda a, b: _paired_losses(names, a, b, level))


def _seeded(names, losses_a, losses_b, level, axis, test) -> SeededVerdict:
    """The over-seeds rule for any paired ``test(row_a, row_b) -> Comparison`` of rows
    along ``axis``; ``names``: the two arguments' names, for the messages."""
    rows_a = np.atleast_2d(_checks.values(names[0], losses_a))  # (seeds or 1, axis)
    rows_b = np.atleast_2d(_checks.values(names[1], losses_b))  # (seeds or 1, axis)
    if rows_a.ndim != 2 or rows_b.ndim != 2 or 1 < len(rows_a) != len(rows_b) > 1:
        raise ValueError(f"{names[0]} and {names[1]} must be ({axis},) or (seeds, {axis}) "
                         f"with the same seeds; got shapes {np.shape(losses_a)} and "
                         f"{np.shape(losses_b)}")
    pairs = zip(*np.broadcast_arrays(rows_a, rows_b)) if rows_a.shape[1] == rows_b.shape[1] \
        else [(rows_a[0], rows_b[0])]  # the paired test names the mismatch
    tests = [test(a, b) for a, b in pairs]
    if len(rows_a) == len(rows_b) == 1:
        return SeededVerdict(tests[0].verdict, None, tests)
    spread = over_seeds(rows_a.mean(axis=1) - rows_b.mean(axis=1), level=level)  # (seeds,)
    word = verdict(spread.mean, interval=(spread.low, spread.high), level=level, better="lower")
    agree = all(test.verdict == word for test in tests)
    return SeededVerdict(word if agree else "no clear difference", spread, tests)


def _paired_losses(names, losses_a, losses_b, level):
    """:func:`paired_losses`, its arguments named ``names`` in the messages."""
    sizes = {}
    loss_a = _checks.within(names[0], _checks.sized(names[0], losses_a, ("units",), sizes), low=0)
    loss_b = _checks.within(names[1], _checks.sized(names[1], losses_b, ("units",), sizes), low=0)
    level = _checks.fraction("level", level)
    _checks.at_least(names[0], loss_a, 2, "units", " for a paired t-test")
    d = loss_a - loss_b  # (units,)
    return _t_comparison(float(d.mean()), float(d.std(ddof=1)) / math.sqrt(len(d)), len(d),
                         level, "paired t")


def _t_comparison(d_mean, se, n, level, test) -> Comparison:
    """The t-test (n - 1 degrees of freedom) of a mean loss difference d_mean with standard
    error se, its t interval at level and the verdict (lower loss wins)."""
    statistic = d_mean / se if se > 0 else 0.0 if d_mean == 0 else math.copysign(math.inf, d_mean)
    p_value = float(2 * stats.t.sf(abs(statistic), n - 1))
    half = float(stats.t.ppf((1 + level) / 2, n - 1)) * se
    return Comparison(verdict(d_mean, p_value=p_value, level=level, better="lower"), d_mean,
                      d_mean - half, d_mean + half, p_value, statistic, level, n, test,
                      "mean loss difference")


def _correctness(name, value, sizes):
    """value as a non-empty bool array (examples,), its length as in sizes."""
    return _checks.flags(name, value, ("examples",), sizes)


def _losses(name, value, sizes):
    """value as a float array (time,) of values >= 0, its length as in sizes."""
    return _checks.within(name, _checks.sized(name, value, ("time",), sizes), low=0)


def _z(level):
    return float(stats.norm.ppf((1 + level) / 2))  # 1.96 for level 0.95


def _wilson(k, n, z):
    """The Wilson interval (low, high) of k successes out of n (the formula above)."""
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    return (0.0 if k == 0 else centre - half), (1.0 if k == n else centre + half)  # exact ends


def _newcombe(both, only_a, only_b, n, z):
    """Newcombe's interval of p_a - p_b from the Wilson intervals (l, u) of p_a and p_b:
    p_a - p_b -/+ sqrt(x² - 2 phi x y + y²), x and y the two distances toward each side."""
    neither, right_a, right_b = n - both - only_a - only_b, both + only_a, both + only_b
    (l_a, u_a), (l_b, u_b) = _wilson(right_a, n, z), _wilson(right_b, n, z)
    p_a, p_b = right_a / n, right_b / n
    margins = right_a * (n - right_a) * right_b * (n - right_b)
    cross = both * neither - only_a * only_b  # > 0: a and b tend to be right together
    cross = cross - n / 2 if cross > n / 2 else min(cross, 0)  # Newcombe's correction
    phi = cross / math.sqrt(margins) if margins else 0.0
    below = (p_a - l_a) ** 2 - 2 * phi * (p_a - l_a) * (u_b - p_b) + (u_b - p_b) ** 2
    above = (u_a - p_a) ** 2 - 2 * phi * (u_a - p_a) * (p_b - l_b) + (p_b - l_b) ** 2
    return (max(p_a - p_b - math.sqrt(max(below, 0)), -1.0),
            min(p_a - p_b + math.sqrt(max(above, 0)), 1.0))


def _long_run_variance(d, h):
    """gamma_0 + 2 sum_{k=1}^{h-1} w_k gamma_k: T times the variance of mean(d), for d (T,)
    autocorrelated up to lag h - 1; gamma_k is its lag-k autocovariance (a sum over T). The
    weights w_k = 1 (Diebold & Mariano's window), or where that is not positive (it can be
    negative), Newey & West's w_k = 1 - k/h, which never is."""
    deviation = d - d.mean()  # (T,)
    gamma = np.array([deviation[k:] @ deviation[:len(d) - k] / len(d) for k in range(h)])  # (h,)
    window = gamma[0] + 2 * gamma[1:].sum()
    return window if window > 0 else gamma[0] + 2 * (1 - np.arange(1, h) / h) @ gamma[1:]


def _places(spread):
    """Decimal places that show ``spread`` (an sd, a half-width) to one significant digit
    (two if it starts with a 1), at least 2: 0.004 -> 3, 0.0012 -> 4, 0.3 -> 2."""
    if not 0 < spread < math.inf:
        return 3
    places = -math.floor(math.log10(spread))
    return max(places + (spread * 10.0**places < 2), 2)


def _percent(level):
    return f"{100 * level:g}%"  # 0.95 -> 95%, 0.975 -> 97.5%


def _p(p_value):
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.2g}"
