"""Two independent windows: the mean of an amount and the median of a duration.

:func:`compare_means` (Welch t, Mann–Whitney U as the check) and :func:`compare_medians`
(Mann–Whitney U, Welch on logs as the check) share their input handling, their row's common
columns and their bootstrap interval for small windows.

Library implementations: the Mann–Whitney U test is :func:`scipy.stats.mannwhitneyu` (exact or
asymptotic, chosen as R's ``wilcox.test`` chooses). The Welch t-test stays written out:
its standard error and degrees of freedom feed the interval and the minimum detectable
effect, and :func:`scipy.stats.ttest_ind` differs from it in the last digits (another
summation order of the variances); ``tests/test_impact.py`` checks the two agree.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special, stats

from crmkit.stats.impact.inputs import check_choice, check_int, finite_values
from crmkit.stats.impact.notes import (
    DroppedMissing,
    Note,
    NoVariation,
    ResampledNormalLimit,
    SmallSampleBootstrap,
    TooFewValues,
)
from crmkit.stats.impact.row import (
    dropped_missing,
    insufficient_row,
    log_ratio_interval,
    noted_row,
    percentile_interval,
    ratio_or_nan,
)
from crmkit.stats.primitives import check_alpha, mde_t, mde_z, t_critical, t_sf, z_critical

__all__ = ["SMALL_SAMPLE", "compare_means", "compare_medians"]

#: Below this many observations in a window, means and medians get a bootstrap interval.
SMALL_SAMPLE = 30

# Above this many values in a window, the bootstrap draws the resampled mean from its normal
# limit N(mean, variance / n) instead of resampling n values 2,000 times (the bootstrap
# distribution of a mean of more than 10,000 draws is normal to within Berry–Esseen error).
_RESAMPLE_MAX = 10_000
# Elements of the resampling index matrix drawn at once (bounds the memory of the bootstrap).
_CHUNK = 2_000_000

_WELCH = "Welch t-test"
_MANN_WHITNEY = "Mann–Whitney U"


# --- the two tests ---------------------------------------------------------------------------


class _Welch(NamedTuple):
    difference: float
    se: float
    df: float
    statistic: float
    p_value: float


def _welch(before: np.ndarray, after: np.ndarray) -> _Welch:
    """Welch's t-test of after − before: the difference, its SE, df, t and two-sided p."""
    n_x, n_y = before.size, after.size
    a = before.var(ddof=1) / n_x
    b = after.var(ddof=1) / n_y
    difference = float(after.mean() - before.mean())
    se = math.sqrt(a + b)
    if se == 0:
        # No variation within either window: t is 0/0 or ±inf. Equal constants are no change.
        return _Welch(difference, 0.0, math.nan, math.nan, 1.0 if difference == 0 else math.nan)
    df = (a + b) ** 2 / (a**2 / (n_x - 1) + b**2 / (n_y - 1))
    statistic = difference / se
    return _Welch(difference, se, df, statistic, 2 * t_sf(abs(statistic), df))


def _mann_whitney(before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
    """U of ``after`` (R's W of ``wilcox.test(after, before)``) and its two-sided p-value.

    As R: exact when both windows have fewer than 50 values and there are no ties; otherwise
    the normal approximation with tie and continuity correction (both
    :func:`scipy.stats.mannwhitneyu`). Without any variation U is n_b·n_a/2 and p = 1.
    """
    n_x, n_y = before.size, after.size
    combined = np.concatenate([after, before])
    if combined.min() == combined.max():
        return n_x * n_y / 2, 1.0
    exact = n_x < 50 and n_y < 50 and np.unique(combined).size == combined.size
    result = stats.mannwhitneyu(
        after, before, alternative="two-sided", method="exact" if exact else "asymptotic"
    )
    return float(result.statistic), float(result.pvalue)


# --- bootstrap -------------------------------------------------------------------------------


def _bootstrap_means(values: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``n_boot`` resamples (with replacement), drawn in chunks of index matrices."""
    n = values.size
    if n > _RESAMPLE_MAX:
        return rng.normal(values.mean(), values.std() / math.sqrt(n), size=n_boot)
    means = np.empty(n_boot)
    rows = max(1, _CHUNK // n)
    for start in range(0, n_boot, rows):
        stop = min(n_boot, start + rows)
        means[start:stop] = values[rng.integers(0, n, size=(stop - start, n))].mean(axis=1)
    return means


def _bootstrap_medians(ordered: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Medians of ``n_boot`` resamples of the sorted values, drawn exactly in O(n_boot).

    The k-th smallest of n resampled values is the empirical quantile at the k-th smallest of
    n uniforms, U(k) ~ Beta(k, n − k + 1); given U(k) = u, U(k+1) = u + (1 − u)·Beta(1, n − k).
    """
    n = ordered.size

    def at(u: np.ndarray) -> np.ndarray:
        return ordered[np.clip(np.ceil(n * u).astype(np.int64) - 1, 0, n - 1)]

    if n % 2:
        k = (n + 1) // 2
        return at(rng.beta(k, n - k + 1, size=n_boot))
    k = n // 2
    lower = rng.beta(k, n - k + 1, size=n_boot)
    upper = lower + (1 - lower) * rng.beta(1, n - k, size=n_boot)
    return (at(lower) + at(upper)) / 2


def _median_se(ordered: np.ndarray) -> float:
    """Bonett & Price (2002) distribution-free standard error of a sample median."""
    n = ordered.size
    a = max(1, round(n / 2 - math.sqrt(n)))
    z0 = float(-special.ndtri(special.bdtr(a - 1, n, 0.5)))
    return float(ordered[n - a] - ordered[a - 1]) / (2 * z0)


# --- what both comparisons share -------------------------------------------------------------


class _Windows(NamedTuple):
    """The two windows' finite values after the argument checks, and the checked options."""

    before: np.ndarray
    after: np.ndarray
    dropped: DroppedMissing | None  # missing values dropped
    n_boot: int
    seed: int
    min_n: int


def _two_windows(
    before: npt.ArrayLike | pd.Series,
    after: npt.ArrayLike | pd.Series,
    interval: str,
    intervals: tuple[str, ...],
    *,
    alpha: float,
    n_boot: int,
    seed: int,
    min_n: int,
) -> _Windows:
    """Check the options of a two-window comparison and keep each window's finite values."""
    check_alpha(alpha)
    n_boot = check_int(n_boot, "n_boot", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    min_n = check_int(min_n, "min_n", minimum=2)
    check_choice(interval, ("auto", *intervals), "interval")
    x, dropped_x = finite_values(before, "before")
    y, dropped_y = finite_values(after, "after")
    return _Windows(x, y, dropped_missing(dropped_x, dropped_y), n_boot, seed, min_n)


def _common_columns(before: float, after: float, windows: _Windows, **names: str) -> dict[str, Any]:
    """The row's columns known before any test: the two levels, their change, the names."""
    return {
        "before": before,
        "after": after,
        "change": after - before,
        "change_pct": ratio_or_nan(after - before, before),
        "n_before": windows.before.size,
        "n_after": windows.after.size,
        **names,
    }


def _too_few(windows: _Windows) -> TooFewValues | None:
    """Why the windows are too small for a test, or None."""
    n_x, n_y, min_n = windows.before.size, windows.after.size, windows.min_n
    if n_x < min_n or n_y < min_n:
        return TooFewValues(before=n_x, after=n_y, needed=min_n)
    return None


def _use_bootstrap(interval: str, windows: _Windows) -> bool:
    small = min(windows.before.size, windows.after.size) < SMALL_SAMPLE
    return interval == "bootstrap" or (interval == "auto" and small)


class _Interval(NamedTuple):
    """The interval of the change and of the relative change, and how they were computed."""

    change: tuple[float, float]
    relative: tuple[float, float]
    method: str

    def columns(self) -> dict[str, Any]:
        return {
            "ci_low": self.change[0],
            "ci_high": self.change[1],
            "change_pct_ci_low": self.relative[0],
            "change_pct_ci_high": self.relative[1],
            "interval_method": self.method,
        }


def _bootstrap_interval(
    windows: _Windows,
    draw: Callable[[np.ndarray, int, np.random.Generator], np.ndarray],
    alpha: float,
    *,
    relative: bool,
) -> _Interval:
    """Percentile intervals of the resampled difference and (when ``relative``) ratio − 1.

    ``draw`` gives the statistic of resamples of one window (before first, then after, from one
    generator seeded with the windows' seed); the ratio's interval is NaN unless ``relative``
    and every resampled statistic is positive.
    """
    rng = np.random.default_rng(windows.seed)
    boot_x = draw(windows.before, windows.n_boot, rng)
    boot_y = draw(windows.after, windows.n_boot, rng)
    change = percentile_interval(boot_y - boot_x, alpha)
    if relative and boot_x.min() > 0 and boot_y.min() > 0:
        ratio = percentile_interval(boot_y / boot_x - 1, alpha)
    else:
        ratio = (math.nan, math.nan)
    method = f"bootstrap percentile ({windows.n_boot:,} resamples, seed {windows.seed})"
    return _Interval(change, ratio, method)


# --- means -----------------------------------------------------------------------------------


def compare_means(
    before: npt.ArrayLike | pd.Series,
    after: npt.ArrayLike | pd.Series,
    *,
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: int = 0,
    interval: Literal["auto", "welch", "bootstrap"] = "auto",
    min_n: int = 2,
) -> pd.DataFrame:
    """Compare the mean of a (skewed) amount before and after go-live.

    Parameters
    ----------
    before, after : array-like of float
        One value per observation (order value, deal size …) in each window. Missing and
        infinite values are dropped (and counted in ``note``).
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.
    n_boot : int, default 2000
        Bootstrap resamples (used when the interval is a bootstrap).
    seed : int, default 0
        Seed of the bootstrap's random generator.
    interval : {"auto", "welch", "bootstrap"}, default "auto"
        "auto": Welch interval, or a bootstrap when a window has fewer than
        :data:`SMALL_SAMPLE` (30) values.
    min_n : int, default 2
        Fewer values than this in a window gives an "insufficient data" row.

    Returns
    -------
    pandas.DataFrame
        One row with :data:`CHANGE_COLUMNS`:

        - ``before``, ``after``: the mean in each window; ``change`` = after − before;
          ``change_pct`` = change / before (NaN when before is 0);
        - ``ci_low``, ``ci_high``: interval of the difference in means (Welch, or bootstrap
          percentile); ``change_pct_ci_low``, ``change_pct_ci_high``: interval of
          after / before − 1 (delta method on the log ratio, or bootstrap percentile; NaN
          unless both means are positive);
        - ``test`` "Welch t-test", ``statistic`` its t (positive when after is larger),
          ``p_value`` two-sided;
        - ``effect_size`` Hedges' g (``effect_size_name`` "Hedges' g");
        - ``n_before``, ``n_after``: values used;
        - ``mde``: minimum detectable difference in means at 80 % power;
        - ``check_test`` "Mann–Whitney U", ``check_p_value`` its two-sided p-value;
        - ``interval_method`` "Welch" or "bootstrap percentile (2,000 resamples, seed 0)";
        - ``note``: caveats (small sample, dropped values, no variation) or None.

    Notes
    -----
    Welch (1947): with sample variances :math:`s^2_b, s^2_a`,
    :math:`SE = \\sqrt{s^2_b/n_b + s^2_a/n_a}`, :math:`t = (\\bar a - \\bar b)/SE` on
    :math:`\\nu = SE^4 / (\\frac{(s^2_b/n_b)^2}{n_b-1} + \\frac{(s^2_a/n_a)^2}{n_a-1})` degrees of
    freedom; interval :math:`\\bar a - \\bar b \\pm t_{1-\\alpha/2,\\nu}\\,SE`.

    Bootstrap: each window is resampled with replacement ``n_boot`` times (vectorised index
    matrices, drawn in chunks); the interval holds the alpha/2 and 1 − alpha/2 quantiles of the
    resampled differences (and ratios). A window of more than 10,000 values has its resampled
    mean drawn from its normal limit N(mean, s²/n), which its bootstrap distribution equals to
    within Berry–Esseen error. The p-value stays Welch's, so it can disagree with a bootstrap
    interval near the boundary.

    Hedges' g: :math:`g = J \\cdot (\\bar a - \\bar b)/s_p`, pooled SD :math:`s_p`,
    :math:`J = 1 - 3/(4(n_a + n_b) - 9)`. Relative change: :math:`\\log(\\bar a/\\bar b)` has
    variance :math:`s^2_a/(n_a \\bar a^2) + s^2_b/(n_b \\bar b^2)` (delta method), normal
    quantiles. MDE: :math:`(t_{1-\\alpha/2,\\nu} + t_{0.8,\\nu})\\,SE`.

    Mann–Whitney U as R's ``wilcox.test``: exact when both windows have fewer than 50 values
    and no ties, otherwise normal with tie and continuity correction.

    When neither window varies, t is undefined: equal constants give p = 1 (no change),
    different constants give NaN with a note.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. Biometrika 34, 28–35.
    Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap. Chapman & Hall, ch. 13.
    Hedges, L. V. & Olkin, I. (1985). Statistical Methods for Meta-Analysis. Academic Press.
    Mann, H. B. & Whitney, D. R. (1947). Ann. Math. Statist. 18, 50–60.

    Examples
    --------
    >>> before = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    >>> after = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    >>> row = compare_means(before, after, interval="welch")
    >>> row[["change", "statistic", "p_value"]].round(4).iloc[0].tolist()
    [1.58, 1.8608, 0.0794]
    """
    options = {"alpha": alpha, "n_boot": n_boot, "seed": seed, "min_n": min_n}
    windows = _two_windows(before, after, interval, ("welch", "bootstrap"), **options)
    x, y = windows.before, windows.after
    n_x, n_y = x.size, y.size
    mean_x = float(x.mean()) if n_x else math.nan
    mean_y = float(y.mean()) if n_y else math.nan
    common = _common_columns(
        mean_x, mean_y, windows, test=_WELCH, effect_size_name="Hedges' g", check_test=_MANN_WHITNEY
    )
    reason = _too_few(windows)
    if reason is not None:
        return insufficient_row(reason, (windows.dropped,), **common)

    welch = _welch(x, y)
    var_x, var_y = float(x.var(ddof=1)), float(y.var(ddof=1))
    notes: list[Note | None] = [windows.dropped]
    if welch.se == 0:
        notes.append(NoVariation(test="t"))
    if _use_bootstrap(interval, windows):
        bounds = _bootstrap_interval(
            windows, _bootstrap_means, alpha, relative=mean_x > 0 and mean_y > 0
        )
        if interval == "auto":
            notes.append(SmallSampleBootstrap(threshold=SMALL_SAMPLE, welch_p=True))
        if max(n_x, n_y) > _RESAMPLE_MAX:
            notes.append(ResampledNormalLimit())
    else:
        half = t_critical(alpha, welch.df) * welch.se if welch.se > 0 else 0.0
        bounds = _Interval(
            (welch.difference - half, welch.difference + half),
            log_ratio_interval(mean_x, mean_y, var_x / n_x, var_y / n_y, 0.0, z_critical(alpha)),
            "Welch",
        )
    pooled = ((n_x - 1) * var_x + (n_y - 1) * var_y) / (n_x + n_y - 2)
    hedges = ratio_or_nan(welch.difference, math.sqrt(pooled)) * (1 - 3 / (4 * (n_x + n_y) - 9))
    _, check_p = _mann_whitney(x, y)
    return noted_row(
        tuple(notes),
        **common,
        **bounds.columns(),
        statistic=welch.statistic,
        p_value=welch.p_value,
        effect_size=hedges,
        mde=mde_t(welch.se, welch.df, alpha),
        check_p_value=check_p,
    )


# --- medians ---------------------------------------------------------------------------------


def compare_medians(
    before: npt.ArrayLike | pd.Series,
    after: npt.ArrayLike | pd.Series,
    *,
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: int = 0,
    interval: Literal["auto", "bonett-price", "bootstrap"] = "auto",
    min_n: int = 2,
) -> pd.DataFrame:
    """Compare the median of a skewed duration (hours to respond, days to close) before and after.

    Parameters
    ----------
    before, after : array-like of float
        One value per observation in each window; missing values are dropped (and counted in
        ``note``).
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.
    n_boot : int, default 2000
        Bootstrap resamples (used when the interval is a bootstrap).
    seed : int, default 0
        Seed of the bootstrap's random generator.
    interval : {"auto", "bonett-price", "bootstrap"}, default "auto"
        "auto": Bonett–Price, or a bootstrap when a window has fewer than
        :data:`SMALL_SAMPLE` (30) values.
    min_n : int, default 2
        Fewer values than this in a window gives an "insufficient data" row.

    Returns
    -------
    pandas.DataFrame
        One row with :data:`CHANGE_COLUMNS`:

        - ``before``, ``after``: the median in each window; ``change`` = after − before;
          ``change_pct`` = change / before (NaN when before is 0);
        - ``ci_low``, ``ci_high``: interval of the difference in medians (Bonett–Price, or
          bootstrap percentile); ``change_pct_ci_low``, ``change_pct_ci_high``: interval of
          the median ratio − 1 (delta method on the log ratio with the Bonett–Price standard
          errors, or bootstrap percentile; NaN unless both medians are positive);
        - ``test`` "Mann–Whitney U", ``statistic`` U of the after window (R's W of
          ``wilcox.test(after, before)``), ``p_value`` two-sided;
        - ``effect_size`` Cliff's delta = P(after > before) − P(after < before);
        - ``n_before``, ``n_after``: values used;
        - ``mde``: minimum detectable difference in medians at 80 % power (normal
          approximation with the Bonett–Price standard error);
        - ``check_test`` "Welch t-test on log values" when every value is positive, else
          "Welch t-test"; ``check_p_value`` its p-value;
        - ``interval_method`` "Bonett–Price" or "bootstrap percentile (…)";
        - ``note``: caveats or None.

    Notes
    -----
    Bonett & Price (2002): with the sorted values :math:`y_{(1)} \\le … \\le y_{(n)}`,
    :math:`c = \\max(1, \\mathrm{round}(n/2 - \\sqrt n))` and
    :math:`z_0 = \\Phi^{-1}(1 - P(\\mathrm{Bin}(n, 1/2) \\le c - 1))`, the standard error of the
    median is :math:`(y_{(n-c+1)} - y_{(c)}) / (2 z_0)`; the interval of the difference is
    :math:`\\tilde a - \\tilde b \\pm z_{1-\\alpha/2}\\sqrt{SE_a^2 + SE_b^2}` — as the authors'
    R package ``statpsych`` (``ci.median2``). It needs one sort: O(n log n).

    The bootstrap draws each resampled median exactly from the order-statistic distribution
    (the k-th smallest of n uniforms is Beta(k, n − k + 1)) instead of materialising the
    resamples: the same distribution as resampling, at O(n_boot) cost.

    Cliff's delta from U: :math:`\\delta = 2U_a/(n_a n_b) - 1`. Mann–Whitney U as R's
    ``wilcox.test`` (exact below 50 per window without ties; otherwise normal with tie and
    continuity correction).

    References
    ----------
    Bonett, D. G. & Price, R. M. (2002). Statistical inference for a linear function of
    medians: confidence intervals, hypothesis testing, and sample size requirements.
    Psychological Methods 7(3), 370–383.
    Cliff, N. (1993). Dominance statistics. Psychological Bulletin 114(3), 494–509.
    Mann, H. B. & Whitney, D. R. (1947). Ann. Math. Statist. 18, 50–60.

    Examples
    --------
    >>> before = [36, 44, 47, 42, 49, 39, 46, 31, 33, 48]
    >>> after = [32, 39, 26, 35, 43, 27, 40, 37, 34, 29]
    >>> row = compare_medians(before, after, interval="bonett-price")
    >>> row[["change", "ci_low", "ci_high"]].round(4).iloc[0].tolist()
    [-8.5, -16.9598, -0.0402]
    """
    options = {"alpha": alpha, "n_boot": n_boot, "seed": seed, "min_n": min_n}
    windows = _two_windows(before, after, interval, ("bonett-price", "bootstrap"), **options)
    x, y = np.sort(windows.before), np.sort(windows.after)
    n_x, n_y = x.size, y.size
    median_x = float(np.median(x)) if n_x else math.nan
    median_y = float(np.median(y)) if n_y else math.nan
    positive = n_x > 0 and n_y > 0 and x[0] > 0 and y[0] > 0
    common = _common_columns(
        median_x,
        median_y,
        windows,
        test=_MANN_WHITNEY,
        effect_size_name="Cliff's delta",
        check_test="Welch t-test on log values" if positive else _WELCH,
    )
    reason = _too_few(windows)
    if reason is not None:
        return insufficient_row(reason, (windows.dropped,), **common)

    u, p_value = _mann_whitney(x, y)
    se_x, se_y = _median_se(x), _median_se(y)
    se = math.sqrt(se_x**2 + se_y**2)
    z_crit = z_critical(alpha)
    difference = median_y - median_x
    notes: list[Note | None] = [windows.dropped]
    if _use_bootstrap(interval, windows):
        sorted_windows = windows._replace(before=x, after=y)
        bounds = _bootstrap_interval(sorted_windows, _bootstrap_medians, alpha, relative=positive)
        if interval == "auto":
            notes.append(SmallSampleBootstrap(threshold=SMALL_SAMPLE, welch_p=False))
    else:
        bounds = _Interval(
            (difference - z_crit * se, difference + z_crit * se),
            log_ratio_interval(median_x, median_y, se_x**2, se_y**2, 0.0, z_crit),
            "Bonett–Price",
        )
    check = _welch(np.log(x), np.log(y)) if positive else _welch(x, y)
    return noted_row(
        tuple(notes),
        **common,
        **bounds.columns(),
        statistic=u,
        p_value=p_value,
        effect_size=2 * u / (n_x * n_y) - 1,
        mde=mde_z(se, alpha),
        check_p_value=check.p_value,
    )
