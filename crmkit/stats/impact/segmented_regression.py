"""One segmented regression of a monthly KPI, with its effect's inference and diagnostics.

OLS with Newey–West errors (statsmodels), the AR(1) sieve bootstrap of the effect's t, the
residual autocorrelation checks (Durbin–Watson, Ljung–Box) and the plausibility rules of the
projected counterfactual. :func:`crmkit.stats.impact.interrupted_time_series` fits one or two
of these (levels, logs) and chooses.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy import special, stats
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.diagnostic import acorr_ljungbox
from statsmodels.stats.stattools import durbin_watson

from crmkit.data.guards import Guard
from crmkit.stats.impact.notes import (
    Note,
    ProjectionLeavesRange,
    ProjectionNotPositive,
    ProjectionTooLong,
)
from crmkit.stats.primitives import POWER, t_sf

__all__ = ["ITSFit", "counterfactual_guard", "fit_segmented", "linear_pct_interval"]


def _ljung_box_p(resid: np.ndarray, lags: int) -> float:
    """Ljung–Box p-value of ``resid`` at ``lags`` (NaN without lags or without variation)."""
    if lags < 1 or float(np.ptp(resid)) == 0:
        return math.nan
    return float(acorr_ljungbox(resid, lags=[lags])["lb_pvalue"].iloc[0])


def _sieve_bootstrap_t(
    resid: np.ndarray,
    influence: np.ndarray,
    annihilator: np.ndarray,
    lags: int,
    factor: float,
    n_boot: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Bootstrap distribution of the Newey–West t of a contrast, errors from an AR(1) sieve.

    The residuals' lag-1 autocorrelation ρ̂ (Yule–Walker, kept in [−0.95, 0.95]) and centred
    innovations e_t − ρ̂ e_{t−1} generate AR(1) error series (50 burn-in steps, innovations
    resampled with replacement); for each, the contrast's estimate is g'e* (g: the contrast's
    influence vector X(X'X)⁻¹c) and its Newey–West variance
    Σ_{t,s} w_{|t−s|} g_t r*_t g_s r*_s · factor with r* = M e*. Vectorised over draws (the
    only loop runs over time steps).
    """
    n = resid.size
    denominator = float(resid @ resid)
    rho = float(np.clip(resid[1:] @ resid[:-1] / denominator, -0.95, 0.95))
    innovations = resid[1:] - rho * resid[:-1]
    innovations = innovations - innovations.mean()
    burn = 50
    errors = innovations[rng.integers(0, n - 1, size=(n + burn, n_boot))]
    for step in range(1, n + burn):
        errors[step] += rho * errors[step - 1]
    errors = errors[burn:]
    gap = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    weights = np.clip(1 - gap / (lags + 1), 0, None)
    scores = influence[:, None] * (annihilator @ errors)
    variances = np.sum((weights @ scores) * scores, axis=0) * factor
    with np.errstate(divide="ignore", invalid="ignore"):
        return (influence @ errors) / np.sqrt(variances)


class ITSFit(NamedTuple):
    """One segmented regression on one scale (levels, or logs), with its effect's inference."""

    beta: np.ndarray
    cov: np.ndarray
    se: np.ndarray
    t_crit: float  # t_{1−α/2, T−k}, for the coefficient table
    coefficient_p: np.ndarray
    fitted: np.ndarray
    counterfactual: np.ndarray  # every month, level and slope change set to zero
    df: int
    lags: int
    effect: float  # contrast'β: the average effect over the post months, on this scale
    effect_se: float
    statistic: float
    t_p_value: float
    p_value: float  # sieve-bootstrap p-value of the effect
    crit: float  # bootstrap-t critical value of |t| (t_{1−α/2} when there is no bootstrap)
    mde: float
    sigma: float
    durbin_watson: float
    ljung_box_p: float


def fit_segmented(
    y: np.ndarray,
    design: np.ndarray,
    post: np.ndarray,
    contrast: np.ndarray,
    *,
    alpha: float,
    hac_lags: int | None,
    n_boot: int,
    seed: int,
) -> ITSFit:
    """OLS of ``y`` on the segmented design, Newey–West errors, sieve-bootstrap effect test."""
    n, k = design.shape
    df = n - k
    lags = hac_lags if hac_lags is not None else max(1, math.floor(4 * (n / 100) ** (2 / 9)))
    lags = min(lags, n - 1)
    ols = OLS(y, design).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    beta, fitted, resid = ols.params, ols.fittedvalues, ols.resid
    cov = ols.cov_params()
    t_crit = float(stats.t.isf(alpha / 2, df))
    counterfactual_design = design.copy()
    counterfactual_design[:, 2:4] = 0
    effect = float(contrast @ beta)
    effect_se = math.sqrt(max(float(contrast @ cov @ contrast), 0.0))
    crit = t_crit
    if effect_se > 0:
        statistic = effect / effect_se
        t_p_value = 2 * t_sf(abs(statistic), df)
        influence = design @ np.linalg.solve(design.T @ design, contrast)
        annihilator = np.eye(n) - design @ np.linalg.pinv(design)
        rng = np.random.default_rng(seed)
        t_star = np.abs(
            _sieve_bootstrap_t(resid, influence, annihilator, lags, n / df, n_boot, rng)
        )
        t_star = t_star[np.isfinite(t_star)]
        if t_star.size:
            p_value = float(np.mean(t_star >= abs(statistic) * (1 - 1e-9)))
            crit = float(np.quantile(t_star, 1 - alpha))
        else:
            p_value = math.nan
    else:
        statistic, t_p_value = math.nan, math.nan
        p_value = 1.0 if effect == 0 else math.nan
    mde = (crit + float(special.stdtrit(df, POWER))) * effect_se if effect_se > 0 else math.nan
    return ITSFit(
        beta=beta,
        cov=cov,
        se=ols.bse,
        t_crit=t_crit,
        coefficient_p=ols.pvalues,
        fitted=fitted,
        counterfactual=counterfactual_design @ beta,
        df=df,
        lags=lags,
        effect=effect,
        effect_se=effect_se,
        statistic=statistic,
        t_p_value=t_p_value,
        p_value=p_value,
        crit=crit,
        mde=mde,
        sigma=math.sqrt(float(resid @ resid) / df),
        durbin_watson=float(durbin_watson(resid)) if resid @ resid > 0 else math.nan,
        ljung_box_p=_ljung_box_p(resid, min(6, n // 4)),
    )


def linear_pct_interval(
    design: np.ndarray, fit: ITSFit, post: np.ndarray, crit: float
) -> tuple[float, float]:
    """Interval of mean fitted / mean counterfactual − 1 over the post months (linear model).

    Delta method on log(mean fitted / mean counterfactual), with the effect's critical value;
    NaN unless both means are positive.
    """
    fit_row = design[post].mean(axis=0)
    cf_row = fit_row.copy()
    cf_row[2:4] = 0
    fit_mean, cf_mean = float(fit_row @ fit.beta), float(cf_row @ fit.beta)
    if not (fit_mean > 0 and cf_mean > 0):
        return math.nan, math.nan
    gradient = fit_row / fit_mean - cf_row / cf_mean
    spread = crit * math.sqrt(max(float(gradient @ fit.cov @ gradient), 0.0))
    log_ratio = math.log(fit_mean / cf_mean)
    return math.expm1(log_ratio - spread), math.expm1(log_ratio + spread)


def counterfactual_guard(
    before: np.ndarray,
    trend: np.ndarray,
    counterfactual: np.ndarray,
    n_pre: int,
    n_post: int,
    *,
    log_scale: bool,
) -> tuple[Guard | None, Note | None]:
    """Whether a projected counterfactual goes beyond what the months before go-live support,
    and why (a fact of :mod:`crmkit.stats.impact.notes`).

    ``before`` are the months before go-live and ``trend`` the projection over the months
    from go-live, both on the model's scale (levels, or logs for a log-linear model) with the
    fitted season taken out; ``counterfactual`` is the projection with its season. The rules,
    in order (see :func:`interrupted_time_series`):

    1. the after window is longer than the before window;
    2. on the level scale, the projection is zero or below in some month;
    3. the projection without season leaves the band [min − S, max + S] of the months before
       go-live without season in some month, where S = (max − min) · n_pre / (n_pre − 1) is
       their range stretched to the window's full length (n months span n − 1 steps).
    """
    if n_post > n_pre:
        return Guard.COUNTERFACTUAL_IMPLAUSIBLE, ProjectionTooLong(
            months_after=n_post, months_before=n_pre
        )
    if not log_scale and np.any(counterfactual <= 0):
        below = int(np.sum(counterfactual <= 0))
        return Guard.COUNTERFACTUAL_IMPLAUSIBLE, ProjectionNotPositive(months=below, of=n_post)
    low, high = float(np.min(before)), float(np.max(before))
    spread = (high - low) * n_pre / (n_pre - 1)
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    if np.any(trend < low - spread - slack) or np.any(trend > high + spread + slack):
        return Guard.COUNTERFACTUAL_IMPLAUSIBLE, ProjectionLeavesRange()
    return None, None
