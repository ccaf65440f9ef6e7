"""Rates: events per exposure (Poisson), and ratios of sums whose observations cluster in units.

:func:`compare_rates` (exact conditional test, Wald on the log rate ratio as the check) and
:func:`compare_ratio_of_sums` (linearization variance per unit, Welch-type t).

Library implementations: the exact conditional test is :func:`scipy.stats.binomtest`; its
Clopper–Pearson interval comes from the beta quantiles (:func:`scipy.special.betaincinv`),
as R's ``poisson.test``, because ``binomtest``'s root search stops near 1e-11
(``benchmarks/bench_exact_tests.py``). The Wald check is one line on the log rate ratio:
statsmodels' ``test_poisson_2indep(method="wald-log")`` computes the same statistic in
another order (equal to about 1e-15); ``tests/test_impact.py`` checks the two agree.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special, stats

from crmkit.stats.impact.notes import (
    ExposureNotPositive,
    FewUnitsOrNoExposure,
    NoEvents,
    NoEventsBefore,
    Note,
)
from crmkit.stats.impact.row import (
    change_row,
    insufficient_row,
    log_ratio_interval,
    noted_row,
    ratio_or_nan,
)
from crmkit.stats.primitives import check_alpha, check_count, mde_t, mde_z, normal_sf

__all__ = ["compare_rates", "compare_ratio_of_sums"]

_EXACT_RATES = "exact conditional test (binomial)"
_WALD_RATES = "Wald test on the log rate ratio"


# --- rates per exposure ----------------------------------------------------------------------


def compare_rates(
    events_before: int,
    exposure_before: float,
    events_after: int,
    exposure_after: float,
    *,
    per: float = 1.0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Compare an event rate per unit of exposure (complaints per 1,000 orders) before and after.

    Parameters
    ----------
    events_before, exposure_before : int, float
        Events counted before go-live and the exposure they came from (orders, customer-months,
        hours …).
    events_after, exposure_after : int, float
        The same after go-live.
    per : float, default 1.0
        Report rates per this much exposure (``per=1000``: per 1,000 orders).
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row with :data:`CHANGE_COLUMNS`:

        - ``before``, ``after``: events / exposure × ``per``; ``change`` = after − before in
          the same unit; ``change_pct`` = rate ratio − 1;
        - ``ci_low``, ``ci_high``: (rate-ratio interval − 1) × before rate, i.e. the
          rate-ratio interval expressed as a change from the before rate (the before rate is
          treated as known; NaN when it is 0); ``change_pct_ci_low``, ``change_pct_ci_high``:
          the exact rate-ratio interval − 1;
        - ``test`` "exact conditional test (binomial)", ``statistic`` the events after (the
          binomial count), ``p_value`` two-sided;
        - ``effect_size`` the rate ratio after / before (``effect_size_name`` "rate ratio");
        - ``n_before``, ``n_after``: events in each window;
        - ``mde``: minimum detectable change in the rate at 80 % power (normal
          approximation at the pooled rate);
        - ``check_test`` "Wald test on the log rate ratio" and its p-value (NaN when a window
          has no events);
        - ``interval_method`` "exact conditional (binomial)"; ``note``: caveats or None.

    Notes
    -----
    Given the total :math:`x_b + x_a`, the events after are
    :math:`\\mathrm{Bin}(x_b + x_a, \\pi)` with :math:`\\pi = t_a/(t_b + t_a)` when the rates
    are equal. The p-value is the two-sided binomial test (``scipy.stats.binomtest``) and the
    rate-ratio interval is the Clopper–Pearson interval :math:`(\\pi_L, \\pi_U)` (beta
    quantiles) transformed by :math:`RR = \\frac{\\pi}{1-\\pi}\\,\\frac{t_b}{t_a}` — as R's
    ``poisson.test(c(x_a, x_b), c(t_a, t_b))``. Wald check:
    :math:`z = \\log RR / \\sqrt{1/x_a + 1/x_b}`. MDE:
    :math:`(z_{1-\\alpha/2} + z_{0.8})\\sqrt{\\bar\\lambda (1/t_b + 1/t_a)}` × per, with the
    pooled rate :math:`\\bar\\lambda`.

    References
    ----------
    Lehmann, E. L. & Romano, J. P. (2005). Testing Statistical Hypotheses, 3rd ed., §4.6.
    Breslow, N. E. & Day, N. E. (1987). Statistical Methods in Cancer Research II. IARC, §3.
    Clopper, C. J. & Pearson, E. S. (1934). Biometrika 26, 404–413.

    Examples
    --------
    >>> row = compare_rates(21, 3011, 11, 800, per=1000)
    >>> row[["effect_size", "p_value"]].round(5).iloc[0].tolist()
    [1.97149, 0.07967]
    """
    check_alpha(alpha)
    x1, x2 = check_count(events_before, "events_before"), check_count(events_after, "events_after")
    t1, t2 = float(exposure_before), float(exposure_after)
    for name, value in (("exposure_before", t1), ("exposure_after", t2)):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    per = float(per)
    if not (math.isfinite(per) and per > 0):
        raise ValueError(f"per must be a positive number, got {per!r}")
    rate1 = x1 / t1 if t1 > 0 else math.nan
    rate2 = x2 / t2 if t2 > 0 else math.nan
    common = {
        "before": rate1 * per,
        "after": rate2 * per,
        "change": (rate2 - rate1) * per,
        "test": _EXACT_RATES,
        "effect_size_name": "rate ratio",
        "check_test": _WALD_RATES,
        "n_before": x1,
        "n_after": x2,
        "interval_method": "exact conditional (binomial)",
    }
    if t1 == 0 or t2 == 0:
        return insufficient_row(ExposureNotPositive(before=t1, after=t2), **common)
    total = x1 + x2
    if total == 0:
        return insufficient_row(NoEvents(), **common)

    share = t2 / (t1 + t2)
    p_value = float(stats.binomtest(x2, total, share).pvalue)
    # Clopper–Pearson by the beta quantiles (as R's qbeta in binom.test and poisson.test):
    # to about 1e-15, where binomtest's proportion_ci root search stops near 1e-11
    # (benchmarks/bench_exact_tests.py)
    pi_low = 0.0 if x2 == 0 else float(special.betaincinv(x2, total - x2 + 1, alpha / 2))
    pi_high = 1.0 if x2 == total else float(special.betainccinv(x2 + 1, total - x2, alpha / 2))
    rr = rate2 / rate1 if rate1 > 0 else math.inf
    rr_low = pi_low / (1 - pi_low) * t1 / t2
    rr_high = math.inf if pi_high == 1 else pi_high / (1 - pi_high) * t1 / t2
    notes: list[Note] = []
    if rate1 > 0:
        ci = ((rr_low - 1) * rate1 * per, (rr_high - 1) * rate1 * per)
    else:
        ci = (math.nan, math.nan)
        notes.append(NoEventsBefore())
    if x1 > 0 and x2 > 0:
        wald = math.log(rr) / math.sqrt(1 / x1 + 1 / x2)
        check_p = 2 * normal_sf(abs(wald))
    else:
        check_p = math.nan
    pooled = total / (t1 + t2)
    return noted_row(
        tuple(notes),
        **common,
        change_pct=rr - 1,
        ci_low=ci[0],
        ci_high=ci[1],
        change_pct_ci_low=rr_low - 1,
        change_pct_ci_high=rr_high - 1,
        statistic=x2,
        p_value=p_value,
        effect_size=rr,
        mde=mde_z(math.sqrt(pooled * (1 / t1 + 1 / t2)), alpha) * per,
        check_p_value=check_p,
    )


# --- ratios of sums over clustered units -----------------------------------------------------


def _ratio_of_sums(frame: pd.DataFrame, name: str) -> tuple[float, float, int]:
    """Σ events / Σ exposure over units, its linearization variance, and the units' count."""
    missing = {"events", "exposure"} - set(frame.columns)
    if missing:
        raise ValueError(f"{name} needs the columns events and exposure (per unit)")
    y = pd.to_numeric(frame["events"], errors="coerce").to_numpy(float)
    x = pd.to_numeric(frame["exposure"], errors="coerce").to_numpy(float)
    keep = np.isfinite(y) & np.isfinite(x)
    y, x = y[keep], x[keep]
    n = int(y.size)
    if np.any(x < 0):
        raise ValueError(f"{name}: exposure must not be negative")
    total = float(x.sum())
    if n < 2 or total <= 0:
        return ratio_or_nan(float(y.sum()), total), math.nan, n
    ratio = float(y.sum()) / total
    residual = y - ratio * x
    variance = n / (n - 1) * float(np.sum(residual**2)) / total**2
    return ratio, variance, n


def compare_ratio_of_sums(
    before: pd.DataFrame,
    after: pd.DataFrame,
    *,
    per: float = 1.0,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Compare a ratio of sums (Σ events / Σ exposure) whose observations cluster in units.

    For KPIs such as orders per customer-year (orders cluster in customers), the mean order
    value when a customer's orders resemble each other, or a campaign's responses per contact
    and cost per response (contacts and money cluster in campaigns): the unit, not the single
    event, is the independent observation.

    Parameters
    ----------
    before, after : pandas.DataFrame
        One row per unit (customer, campaign) with the columns ``events`` (the numerator's
        part: orders, responses, cost, net return) and ``exposure`` (the denominator's part:
        customer-years, contacts, responses, cost).
    per : float, default 1.0
        Scale of the ratio (1000 for "per 1,000 orders").
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row, :data:`CHANGE_COLUMNS`: ``before`` / ``after`` the ratios × per; ``change``
        their difference with a Welch-type t interval; ``test`` "Welch-type t-test on a ratio
        of sums (cluster-robust)"; ``effect_size`` the ratio after / before ("ratio of
        ratios"); ``change_pct`` and its interval by the delta method on the log ratio (NaN
        unless both ratios are positive); ``n_before`` / ``n_after`` the units; ``mde`` at 80 %
        power.

    Notes
    -----
    The ratio :math:`R = \\sum y_i / \\sum x_i` over n units has the linearization (Taylor)
    variance :math:`\\hat V(R) = \\frac{n}{n-1} \\sum (y_i - R x_i)^2 / (\\sum x_i)^2`, the
    cluster-robust variance of a ratio estimator (Cochran 1977, §6.4). The two windows are
    independent; the difference is compared with Student's t on Welch–Satterthwaite degrees
    of freedom from the per-unit counts, which matters when the units are few (campaigns).

    References
    ----------
    Cochran, W. G. (1977). *Sampling Techniques*, 3rd ed. Wiley, ch. 6.

    Examples
    --------
    >>> b = pd.DataFrame({"events": [2.0, 4.0, 6.0], "exposure": [1.0, 1.0, 1.0]})
    >>> a = pd.DataFrame({"events": [4.0, 6.0, 8.0], "exposure": [1.0, 1.0, 1.0]})
    >>> row = compare_ratio_of_sums(b, a)
    >>> float(row["before"].iloc[0]), float(row["after"].iloc[0]), float(row["change"].iloc[0])
    (4.0, 6.0, 2.0)
    """
    check_alpha(alpha)
    if not (per > 0):
        raise ValueError(f"per must be positive, got {per!r}")
    r0, v0, n0 = _ratio_of_sums(before, "before")
    r1, v1, n1 = _ratio_of_sums(after, "after")
    name = "Welch-type t-test on a ratio of sums (cluster-robust)"
    if not (math.isfinite(v0) and math.isfinite(v1)) or v0 + v1 <= 0:
        return insufficient_row(
            FewUnitsOrNoExposure(),
            before=r0 * per,
            after=r1 * per,
            change=(r1 - r0) * per,
            change_pct=ratio_or_nan(r1 - r0, r0),
            n_before=n0,
            n_after=n1,
            test=name,
        )
    se = math.sqrt(v0 + v1)
    df = (v0 + v1) ** 2 / (v0**2 / (n0 - 1) + v1**2 / (n1 - 1)) if v0 + v1 > 0 else math.inf
    statistic = (r1 - r0) / se
    p_value = float(2 * stats.t.sf(abs(statistic), df))
    crit = float(stats.t.isf(alpha / 2, df))
    low_pct, high_pct = log_ratio_interval(r0, r1, v0, v1, 0.0, crit)
    return change_row(
        before=r0 * per,
        after=r1 * per,
        change=(r1 - r0) * per,
        change_pct=ratio_or_nan(r1 - r0, r0),
        ci_low=(r1 - r0 - crit * se) * per,
        ci_high=(r1 - r0 + crit * se) * per,
        change_pct_ci_low=low_pct,
        change_pct_ci_high=high_pct,
        test=name,
        statistic=statistic,
        p_value=p_value,
        effect_size=ratio_or_nan(r1, r0) if r0 > 0 and r1 >= 0 else math.nan,
        effect_size_name="ratio of ratios",
        n_before=n0,
        n_after=n1,
        mde=mde_t(se, df, alpha) * per,
        interval_method=f"linearization (Taylor) variance per unit, t({df:.1f})",
        note=None,
    )
