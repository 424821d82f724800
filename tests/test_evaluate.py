"""Tests for rnncourse/evaluate.py.

Reference answers: statsmodels (Wilson interval, exact McNemar test, HAC standard error of a
mean), scipy (the paired t-test that Diebold-Mariano becomes at horizon 1, t intervals), a
published Newcombe interval, and hand-worked cases. Properties (hypothesis): swapping a and b
flips the verdict and the sign, intervals hold their estimate and widen with the level.
"""

import math

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from rnncourse import evaluate

Z95 = 1.959963984540054  # the normal quantile at 0.975


def pairs(both, only_a, only_b, neither):
    """correct_a, correct_b (examples,) with the four counts of a 2x2 paired table."""
    a = np.repeat([True, True, False, False], [both, only_a, only_b, neither])
    b = np.repeat([True, False, True, False], [both, only_a, only_b, neither])
    return a, b


def table(both, only_a, only_b, neither):
    return [[both, only_a], [only_b, neither]]  # rows: a right, wrong; columns: b right, wrong


def ma_losses(length, horizon, seed, shift=0.0):
    """Two loss series (time,) whose difference is MA(horizon - 1) around ``shift``."""
    rng = np.random.default_rng(seed)
    shocks = rng.standard_normal(length + horizon - 1)
    difference = np.convolve(shocks, np.ones(horizon) / horizon, mode="valid") + shift
    losses_b = 10.0 + rng.random(length)  # >= 10: losses_a stays >= 0 (d would need -10 sd)
    return losses_b + difference, losses_b


# ---------------------------------------------------------------- accuracy_interval


@pytest.mark.parametrize("correct, total", [(0, 1), (1, 1), (0, 10), (3, 10), (10, 10),
                                            (81, 263), (905, 1000), (22_612, 25_000)])
@pytest.mark.parametrize("level", [0.5, 0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels(correct, total, level):
    result = evaluate.accuracy_interval(correct, total, level=level)
    low, high = proportion_confint(correct, total, alpha=1 - level, method="wilson")
    np.testing.assert_allclose([result.low, result.high], [low, high], rtol=0, atol=1e-12)
    assert (result.estimate, result.level, result.n) == (correct / total, level, total)


def test_wilson_at_none_and_all_correct_by_hand():
    # k = 0: [0, z²/(n + z²)]; k = n: [n/(n + z²), 1]
    none, every = evaluate.accuracy_interval(0, 10), evaluate.accuracy_interval(10, 10)
    assert none.low == pytest.approx(0, abs=1e-15)
    assert none.high == pytest.approx(Z95**2 / (10 + Z95**2), rel=1e-12)  # 0.2775
    assert every.low == pytest.approx(10 / (10 + Z95**2), rel=1e-12)
    assert every.high == pytest.approx(1, abs=1e-15)


def test_accuracy_interval_from_flags_equals_the_counts():
    flags = np.random.default_rng(0).random(500) < 0.8
    from_flags = evaluate.accuracy_interval(flags)
    assert from_flags == evaluate.accuracy_interval(int(flags.sum()), 500)
    assert evaluate.accuracy_interval(flags.astype(int)) == from_flags  # 0/1 works too


def test_wilson_covers_about_level_of_the_time():
    # 4000 test sets of 50 examples at accuracy 0.8; Monte Carlo error of the rate ~ 0.004
    draws = np.random.default_rng(1).binomial(50, 0.8, size=4000)
    covered = [evaluate.accuracy_interval(int(k), 50).low <= 0.8
               <= evaluate.accuracy_interval(int(k), 50).high for k in draws]
    assert 0.93 <= np.mean(covered) <= 0.97


@settings(max_examples=60, deadline=None)
@given(total=st.integers(1, 5000), share=st.floats(0, 1),
       levels=st.tuples(st.floats(0.5, 0.999), st.floats(0.5, 0.999)))
def test_wilson_holds_the_estimate_and_widens_with_the_level(total, share, levels):
    correct, (lower, higher) = round(share * total), sorted(levels)
    narrow = evaluate.accuracy_interval(correct, total, level=lower)
    wide = evaluate.accuracy_interval(correct, total, level=higher)
    assert 0 <= wide.low <= narrow.low <= narrow.estimate <= narrow.high <= wide.high <= 1


def test_interval_reads_as_prose():
    assert str(evaluate.accuracy_interval(905, 1000)) == "0.905 (95% CI 0.885 to 0.922, n = 1000)"
    assert "97.5% CI" in str(evaluate.accuracy_interval(905, 1000, level=0.975))


# ---------------------------------------------------------------- paired_classifiers


def test_mcnemar_eight_to_two_by_hand():
    # 10 discordant pairs, 8 won by a: p = 2 (1 + 10 + 45) / 2**10 = 0.109375
    result = evaluate.paired_classifiers(*pairs(30, 8, 2, 10))
    assert result.p_value == pytest.approx(0.109375, rel=1e-12)
    assert result.difference == pytest.approx(6 / 50, rel=1e-12)
    assert result.statistic == 8 and result.n == 50
    assert result.verdict == "no clear difference"


@pytest.mark.parametrize("counts", [(30, 8, 2, 10), (0, 0, 0, 5), (4, 0, 0, 0), (5, 3, 3, 5),
                                    (59, 6, 16, 80), (900, 40, 12, 48), (0, 0, 20, 0),
                                    (10_000, 350, 290, 1500), (7, 1, 0, 2)])
def test_mcnemar_matches_statsmodels(counts):
    result = evaluate.paired_classifiers(*pairs(*counts))
    reference = mcnemar(table(*counts), exact=True)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-10, abs=1e-300)


def test_newcombe_matches_the_published_interval():
    # Cavo et al. (2012), complete response before/after consolidation therapy, as in
    # Fagerland, Lydersen & Laake (2017), chapter 8: -0.0621 (95% CI -0.1186 to -0.0046)
    result = evaluate.paired_classifiers(*pairs(59, 6, 16, 80))
    np.testing.assert_allclose([result.difference, result.low, result.high],
                               [-0.0621, -0.1186, -0.0046], rtol=0, atol=5e-5)
    # the documented edge: the interval excludes 0, the exact test (p = 0.052) does not
    assert result.p_value == pytest.approx(0.0524788, abs=1e-7)
    assert result.verdict == "no clear difference"


def test_paired_classifiers_clear_better_worse_and_tie():
    better = evaluate.paired_classifiers(*pairs(800, 120, 60, 20))
    assert better.verdict == "better" and better.difference == pytest.approx(0.06)
    assert better.low > 0 and better.p_value < 1e-4
    assert evaluate.paired_classifiers(*pairs(800, 60, 120, 20)).verdict == "worse"
    same = np.random.default_rng(0).random(1000) < 0.9
    tie = evaluate.paired_classifiers(same, same)
    assert (tie.verdict, tie.difference, tie.p_value) == ("no clear difference", 0.0, 1.0)
    assert tie.low < 0 < tie.high


@settings(max_examples=60, deadline=None)
@given(counts=st.tuples(*[st.integers(0, 300)] * 4).filter(lambda c: sum(c) > 0),
       level=st.floats(0.5, 0.999))
def test_swapping_the_classifiers_flips_the_verdict(counts, level):
    both, only_a, only_b, neither = counts
    forward = evaluate.paired_classifiers(*pairs(*counts), level=level)
    backward = evaluate.paired_classifiers(*pairs(both, only_b, only_a, neither), level=level)
    flipped = {"better": "worse", "worse": "better", "no clear difference": "no clear difference"}
    assert backward.verdict == flipped[forward.verdict]
    assert backward.difference == pytest.approx(-forward.difference, abs=1e-15)
    np.testing.assert_allclose([backward.low, backward.high], [-forward.high, -forward.low],
                               atol=1e-12)
    assert backward.p_value == pytest.approx(forward.p_value, rel=1e-9)
    assert -1 <= forward.low <= forward.difference <= forward.high <= 1


@settings(max_examples=60, deadline=None)
@given(counts=st.tuples(*[st.integers(0, 300)] * 4).filter(lambda c: sum(c) > 0),
       levels=st.tuples(st.floats(0.5, 0.999), st.floats(0.5, 0.999)))
def test_newcombe_widens_with_the_level(counts, levels):
    lower, higher = sorted(levels)
    narrow = evaluate.paired_classifiers(*pairs(*counts), level=lower)
    wide = evaluate.paired_classifiers(*pairs(*counts), level=higher)
    assert wide.low <= narrow.low + 1e-12 and narrow.high <= wide.high + 1e-12


def test_comparison_reads_as_prose():
    result = evaluate.Comparison("better", 0.012, 0.004, 0.020, 0.003, 130.0, 0.95, 25_000,
                                 "McNemar", "difference")
    assert str(result) == "better (McNemar p = 0.003; difference +0.012, 95% CI +0.004 to +0.020)"
    tie = evaluate.paired_classifiers(*pairs(30, 8, 2, 10))
    assert str(tie) == ("no clear difference (McNemar p = 0.11; difference +0.12, "
                        "95% CI -0.01 to +0.24)")
    assert "p < 0.001" in str(evaluate.paired_classifiers(*pairs(800, 120, 60, 20)))


# ---------------------------------------------------------------- paired_forecasters


def test_diebold_mariano_at_horizon_one_is_the_paired_t_test():
    losses_a, losses_b = ma_losses(300, 1, seed=0, shift=0.1)
    result = evaluate.paired_forecasters(losses_a, losses_b, level=0.9)
    reference = stats.ttest_rel(losses_a, losses_b)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-10)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-10)
    interval = reference.confidence_interval(0.9)
    np.testing.assert_allclose([result.low, result.high], [interval.low, interval.high],
                               rtol=1e-10)


@pytest.mark.parametrize("horizon", [2, 3, 6])
def hac_t(losses_a, losses_b, horizon, kernel):
    """statsmodels' t of the mean loss difference: OLS of d on a constant, HAC covariance
    with lag h - 1 and no df correction, times HLN's factor; and its p-value."""
    d, T, h = np.subtract(losses_a, losses_b), len(losses_a), horizon
    fit = sm.OLS(d, np.ones(T)).fit(cov_type="HAC", cov_kwds={
        "maxlags": h - 1, "kernel": kernel, "use_correction": False})
    corrected = fit.tvalues[0] * math.sqrt((T + 1 - 2 * h + h * (h - 1) / T) / T)
    return corrected, 2 * stats.t.sf(abs(corrected), T - 1)


@pytest.mark.parametrize("horizon", [2, 3, 6])
def test_diebold_mariano_matches_a_hac_regression_on_a_constant(horizon):
    losses_a, losses_b = ma_losses(250, horizon, seed=horizon, shift=0.05)
    statistic, p_value = hac_t(losses_a, losses_b, horizon, "uniform")
    result = evaluate.paired_forecasters(losses_a, losses_b, horizon=horizon)
    assert result.statistic == pytest.approx(statistic, rel=1e-10)
    assert result.p_value == pytest.approx(p_value, rel=1e-9)
    assert result.difference == pytest.approx(np.mean(losses_a - losses_b), rel=1e-12)


def test_diebold_mariano_falls_back_to_newey_west_when_the_window_is_negative():
    # d alternates: gamma_1 ~ -gamma_0, so the plain window gamma_0 + 2 gamma_1 < 0
    d = np.tile([1.0, -1.0], 30) + 0.01 * np.random.default_rng(0).standard_normal(60)
    result = evaluate.paired_forecasters(2 + d, np.full(60, 2.0), horizon=2)
    statistic, p_value = hac_t(2 + d, np.full(60, 2.0), 2, "bartlett")
    assert result.statistic == pytest.approx(statistic, rel=1e-10)
    assert result.p_value == pytest.approx(p_value, rel=1e-9)


def test_diebold_mariano_tiny_case_by_hand():
    # d = 1, 2, 3, 4, h = 2: mean 2.5, gamma_0 = 1.25, gamma_1 = 0.3125, V = 1.25 + 2 *
    # 0.3125 = 1.875; DM² = 2.5² / (V / 4) = 40/3, HLN factor² = 1.5 / 4: statistic sqrt(5)
    result = evaluate.paired_forecasters([1, 2, 3, 4], [0, 0, 0, 0], horizon=2)
    assert result.statistic == pytest.approx(math.sqrt(5), rel=1e-12)
    assert result.difference == 2.5 and result.n == 4
    assert result.p_value == pytest.approx(2 * stats.t.sf(math.sqrt(5), 3), rel=1e-12)
    assert result.verdict == "no clear difference"  # p = 0.11 with 3 degrees of freedom


def test_paired_forecasters_clear_better_worse_and_tie():
    losses_a, losses_b = ma_losses(400, 3, seed=1, shift=-0.5)  # a's losses 0.5 lower
    better = evaluate.paired_forecasters(losses_a, losses_b, horizon=3)
    assert better.verdict == "better" and better.high < 0
    assert evaluate.paired_forecasters(losses_b, losses_a, horizon=3).verdict == "worse"
    tie = evaluate.paired_forecasters(losses_b, losses_b)
    assert (tie.verdict, tie.difference, tie.p_value, tie.low, tie.high) == (
        "no clear difference", 0.0, 1.0, 0.0, 0.0)
    assert str(tie).startswith("no clear difference (Diebold-Mariano p = 1; mean loss")


def test_the_hac_variance_keeps_the_test_honest_at_horizon_three():
    # Under no difference, MA(2) loss differences: about 5 % rejections at level 0.95, where
    # the horizon-1 variance (which ignores the autocorrelation) rejects far more often.
    # (Newey-West weights 1 - k/h with lag h - 1 would reject 14 %.)
    results = [(evaluate.paired_forecasters(*ma_losses(200, 3, seed), horizon=3).p_value,
                evaluate.paired_forecasters(*ma_losses(200, 3, seed), horizon=1).p_value)
               for seed in range(400)]  # Monte Carlo error of a 5 % rate ~ 0.011
    honest, naive = np.mean(np.array(results) < 0.05, axis=0)
    assert 0.02 <= honest <= 0.09 and naive > 0.15  # measured: 0.05 and 0.27 (1000 seeds)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), horizon=st.integers(1, 4), shift=st.floats(-0.3, 0.3),
       level=st.floats(0.5, 0.999))
def test_swapping_the_forecasters_flips_the_verdict(seed, horizon, shift, level):
    losses_a, losses_b = ma_losses(60, horizon, seed, shift)
    forward = evaluate.paired_forecasters(losses_a, losses_b, level=level, horizon=horizon)
    backward = evaluate.paired_forecasters(losses_b, losses_a, level=level, horizon=horizon)
    flipped = {"better": "worse", "worse": "better", "no clear difference": "no clear difference"}
    assert backward.verdict == flipped[forward.verdict]
    assert backward.difference == pytest.approx(-forward.difference, rel=1e-12)
    assert backward.p_value == pytest.approx(forward.p_value, rel=1e-9)
    assert forward.low <= forward.difference <= forward.high
    # the interval is the test inverted: it excludes 0 exactly when the p-value is clear
    by_interval = evaluate.verdict(forward.difference, interval=(forward.low, forward.high),
                                   better="lower")
    assert by_interval == forward.verdict
    wider = evaluate.paired_forecasters(losses_a, losses_b, level=(1 + level) / 2,
                                        horizon=horizon)
    assert wider.low <= forward.low and forward.high <= wider.high


# ---------------------------------------------------------------- over_seeds


def test_over_seeds_by_hand_and_against_scipy_and_statsmodels():
    spread = evaluate.over_seeds([1.0, 2.0, 3.0])  # mean 2, sd 1, t_{2, 0.975} = 4.3027
    assert (spread.mean, spread.sd, spread.n, spread.level) == (2.0, 1.0, 3, 0.95)
    np.testing.assert_allclose([spread.low, spread.high],
                               [2 - 4.302652729749464 / math.sqrt(3),
                                2 + 4.302652729749464 / math.sqrt(3)], rtol=1e-12)
    values = np.random.default_rng(3).normal(0.9, 0.01, size=7)
    spread = evaluate.over_seeds(values, level=0.9)
    reference = stats.t.interval(0.9, 6, loc=values.mean(), scale=stats.sem(values))
    np.testing.assert_allclose([spread.low, spread.high], reference, rtol=1e-12)
    np.testing.assert_allclose([spread.low, spread.high],
                               DescrStatsW(values).tconfint_mean(alpha=0.1), rtol=1e-12)


def test_over_seeds_reads_as_prose():
    assert str(evaluate.over_seeds([0.901, 0.905, 0.909])) == "0.905 ± 0.004 (sd over 3 seeds)"
    assert str(evaluate.over_seeds([0.0123, 0.0135])) == "0.0129 ± 0.0008 (sd over 2 seeds)"
    assert str(evaluate.over_seeds([0.5, 0.5])) == "0.500 ± 0.000 (sd over 2 seeds)"


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=20),
       levels=st.tuples(st.floats(0.5, 0.999), st.floats(0.5, 0.999)))
def test_over_seeds_interval_holds_the_mean_and_widens(values, levels):
    lower, higher = sorted(levels)
    narrow = evaluate.over_seeds(values, level=lower)
    wide = evaluate.over_seeds(values, level=higher)
    assert wide.low <= narrow.low <= narrow.mean <= narrow.high <= wide.high


# ---------------------------------------------------------------- verdict


@pytest.mark.parametrize("difference, evidence, better, word", [
    (0.01, {"p_value": 0.001}, "higher", "better"),
    (-0.01, {"p_value": 0.001}, "higher", "worse"),
    (-0.01, {"p_value": 0.001}, "lower", "better"),
    (0.01, {"p_value": 0.001}, "lower", "worse"),
    (0.01, {"p_value": 0.3}, "higher", "no clear difference"),
    (0.01, {"p_value": 0.05}, "higher", "no clear difference"),  # p = 1 - level: not below
    (0.01, {"p_value": 0.0499}, "higher", "better"),
    (0.0, {"p_value": 0.0}, "higher", "no clear difference"),
    (0.01, {"interval": (0.002, 0.018)}, "higher", "better"),
    (0.01, {"interval": (0.002, 0.018)}, "lower", "worse"),
    (-0.01, {"interval": (-0.018, -0.002)}, "lower", "better"),
    (0.01, {"interval": (-0.002, 0.022)}, "higher", "no clear difference"),
    (0.01, {"interval": (0.0, 0.02)}, "higher", "no clear difference"),  # 0 is inside
    (0.01, {"interval": (0.01, 0.01)}, "higher", "better"),
])
def test_verdict(difference, evidence, better, word):
    assert evaluate.verdict(difference, **evidence, better=better) == word


def test_verdict_at_another_level():
    assert evaluate.verdict(0.01, p_value=0.03, level=0.99) == "no clear difference"
    assert evaluate.verdict(0.01, p_value=0.03, level=0.9) == "better"


def test_forecasters_over_seeds_needs_the_interval_and_every_seed_to_agree():
    rng = np.random.default_rng(0)
    baseline = rng.exponential(1.0, 200)  # (time,) losses of a forecast no seed changes
    clearly = np.stack([baseline * 0.5 + rng.exponential(0.05, 200) for _ in range(3)])
    found = evaluate.forecasters_over_seeds(clearly, baseline)
    assert found.verdict == "better" and len(found.tests) == 3 and found.spread.n == 3
    assert all(test.verdict == "better" for test in found.tests)
    gaps = clearly.mean(axis=1) - baseline.mean()  # (seeds,)
    assert found.spread == evaluate.over_seeds(gaps)
    assert found.tests[1] == evaluate.paired_forecasters(clearly[1], baseline)
    assert evaluate.forecasters_over_seeds(baseline, clearly).verdict == "worse"
    mixed = clearly.copy()
    mixed[2] = baseline  # one seed no better than the baseline: its test says so
    assert evaluate.forecasters_over_seeds(mixed, baseline).verdict == "no clear difference"
    alone = evaluate.forecasters_over_seeds(clearly[0], baseline)  # no seeds: the one test
    assert alone.spread is None and alone.verdict == alone.tests[0].verdict == "better"
    word, spread, tests = evaluate.forecasters_over_seeds(clearly, clearly[::-1])  # unpacks
    assert len(tests) == 3 and spread.n == 3


def test_forecasters_over_seeds_refuses_unpaired_seeds():
    with pytest.raises(ValueError, match=r"same seeds; got shapes \(2, 10\) and \(3, 10\)"):
        evaluate.forecasters_over_seeds(np.ones((2, 10)), np.ones((3, 10)))
    with pytest.raises(ValueError, match="losses_b"):
        evaluate.forecasters_over_seeds(np.ones((2, 10)), np.ones(9))


# ---------------------------------------------------------------- paired_losses


def review_losses(reviews, seed, shift=0.0):
    """Per-review losses (reviews,) of two models, their difference N(shift, 0.3²)."""
    rng = np.random.default_rng(seed)
    losses_b = 2.0 + rng.random(reviews)  # bits per character, >= 2
    return losses_b + shift + 0.3 * rng.standard_normal(reviews), losses_b


@pytest.mark.parametrize("reviews, shift, level", [(300, -0.05, 0.95), (40, 0.1, 0.9),
                                                   (2, 0.0, 0.95), (1000, 0.0, 0.99)])
def test_paired_losses_is_scipys_paired_t_test(reviews, shift, level):
    losses_a, losses_b = review_losses(reviews, seed=reviews, shift=shift)
    result = evaluate.paired_losses(losses_a, losses_b, level=level)
    reference = stats.ttest_rel(losses_a, losses_b)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-10)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-10)
    interval = reference.confidence_interval(level)
    np.testing.assert_allclose([result.low, result.high], [interval.low, interval.high],
                               rtol=1e-10)
    assert result.difference == pytest.approx(np.mean(losses_a - losses_b), rel=1e-12)
    assert (result.n, result.level, result.test) == (reviews, level, "paired t")
    assert result.quantity == "mean loss difference"
    word = evaluate.verdict(result.difference, p_value=reference.pvalue, level=level,
                            better="lower")
    assert result.verdict == word


def test_paired_losses_clear_better_worse_and_tie():
    losses_a, losses_b = review_losses(300, seed=1, shift=-0.1)  # a has lower losses
    better = evaluate.paired_losses(losses_a, losses_b)
    assert better.verdict == "better" and better.high < 0 and better.p_value < 1e-6
    assert evaluate.paired_losses(losses_b, losses_a).verdict == "worse"
    tie = evaluate.paired_losses(losses_b, losses_b)
    assert (tie.verdict, tie.difference, tie.p_value) == ("no clear difference", 0.0, 1.0)
    assert str(better).startswith("better (paired t p < 0.001; mean loss difference -0.09")


def test_paired_losses_tiny_case_by_hand():
    # d = (0.1, 0.3): mean 0.2, sd sqrt(0.02), se 0.1, t = 2 on 1 degree of freedom
    result = evaluate.paired_losses([1.1, 1.3], [1.0, 1.0])
    assert result.statistic == pytest.approx(2.0, rel=1e-12)
    assert result.p_value == pytest.approx(1 - 2 * math.atan(2) / math.pi, rel=1e-12)
    assert result.high - result.difference == pytest.approx(12.706204736 * 0.1, rel=1e-8)


def test_losses_over_seeds_follows_the_forecasters_rule():
    rng = np.random.default_rng(2)
    baseline = 2.0 + rng.random(300)  # (reviews,) a baseline no seed changes
    clearly = np.stack([baseline - 0.2 + 0.1 * rng.standard_normal(300) for _ in range(3)])
    found = evaluate.losses_over_seeds(clearly, baseline)
    assert found.verdict == "better" and len(found.tests) == 3
    assert found.spread == evaluate.over_seeds(clearly.mean(axis=1) - baseline.mean())
    assert found.tests[2] == evaluate.paired_losses(clearly[2], baseline)
    assert evaluate.losses_over_seeds(baseline, clearly).verdict == "worse"
    mixed = clearly.copy()
    mixed[1] = baseline + 0.01 * rng.standard_normal(300)  # one seed ties the baseline
    assert evaluate.losses_over_seeds(mixed, baseline).verdict == "no clear difference"
    alone = evaluate.losses_over_seeds(clearly[0], baseline)
    assert alone.spread is None and alone.verdict == alone.tests[0].verdict == "better"
    with pytest.raises(ValueError, match=r"losses_a_by_seed and losses_b_by_seed must be "
                                         r"\(units,\) or \(seeds, units\)"):
        evaluate.losses_over_seeds(np.ones((2, 10)), np.ones((3, 10)))
