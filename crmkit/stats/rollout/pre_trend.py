"""The pre-trend check of the imputation estimator (BJS 2024, test 1).

On untreated observations only, the outcome is regressed on unit and period fixed effects
plus one dummy per lead k = −K … −1 (the K periods before each treated unit's own go-live);
the leads are tested jointly. Under parallel trends and no anticipation they are zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from crmkit.stats.impact.clustered import cluster_ols, wald_bootstrap_p, wild_weights
from crmkit.stats.rollout.imputation import Imputation

__all__ = ["LeadTest", "test_leads"]

# Up to this many clusters the joint test is calibrated by a restricted wild cluster bootstrap;
# above it the cluster-robust Wald statistic with the Hotelling correction is F(q, G − q).
BOOTSTRAP_MAX_CLUSTERS = 100


@dataclass(frozen=True)
class LeadTest:
    """Lead coefficients and their joint test.

    ``leads`` has the columns event_time (−K … −1), estimate, se, ci_low, ci_high, p_value
    (CR1 by unit, t with G − 1 df), n_cells, level (mean outcome of those cells).
    """

    leads: pd.DataFrame
    p_value: float  #: joint test of all leads = 0, NaN when not testable
    test: str | None  #: "wild_bootstrap_wald" or "hotelling_f", None when not testable


LEAD_COLUMNS = ("event_time", "estimate", "se", "ci_low", "ci_high", "p_value", "n_cells", "level")


def test_leads(
    imputation: Imputation,
    n_leads: int,
    *,
    alpha: float,
    rng: np.random.Generator,
    n_boot: int = 999,
) -> LeadTest:
    """Estimate and jointly test ``n_leads`` leads on the untreated rows (unweighted OLS)."""
    empty = LeadTest(pd.DataFrame(columns=list(LEAD_COLUMNS)), math.nan, None)
    untreated = ~imputation.treated
    event = imputation.event_time[untreated]
    ks = np.arange(-n_leads, 0)
    present = np.array([np.any(event == k) for k in ks], dtype=bool)
    ks = ks[present]
    if n_leads < 1 or ks.size == 0:
        return empty
    y = imputation.panel.y[untreated]
    regressors = (event[:, None] == ks[None, :]).astype(float)
    unit = pd.factorize(imputation.panel.unit[untreated])[0]
    period = pd.factorize(imputation.period_code[untreated])[0]
    g = int(unit.max()) + 1
    k_absorbed = g + int(period.max())
    fit = cluster_ols(y, regressors, unit, period, unit, g, k_absorbed)
    estimable = np.sum(fit.x**2, axis=0) > 1e-10 * np.sum(regressors**2, axis=0)
    se = np.sqrt(np.clip(np.diag(fit.cov), 0, None))
    crit = stats.t.isf(alpha / 2, max(g - 1, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_single = 2 * stats.t.sf(np.abs(fit.beta / se), max(g - 1, 1))
    leads = pd.DataFrame(
        {
            "event_time": ks,
            "estimate": fit.beta,
            "se": se,
            "ci_low": fit.beta - crit * se,
            "ci_high": fit.beta + crit * se,
            "p_value": p_single,
            "n_cells": regressors.sum(axis=0).astype(int),
            "level": (regressors.T @ y) / regressors.sum(axis=0),
        }
    )[estimable].reset_index(drop=True)
    q = int(estimable.sum())
    if q == 0 or q > g - 1:
        return LeadTest(leads, math.nan, None)
    if g <= BOOTSTRAP_MAX_CLUSTERS:
        weights, _ = wild_weights(n_boot, g, rng)
        sub = cluster_ols(y, regressors[:, estimable], unit, period, unit, g, k_absorbed)
        lead_mask = np.ones(q, dtype=bool)
        return LeadTest(
            leads, wald_bootstrap_p(sub, lead_mask, unit, g, weights), "wild_bootstrap_wald"
        )
    beta = fit.beta[estimable]
    cov = fit.cov[np.ix_(estimable, estimable)]
    wald = float(beta @ np.linalg.pinv(cov) @ beta)
    f_stat = wald * (g - q) / (q * (g - 1))
    return LeadTest(leads, float(stats.f.sf(f_stat, q, g - q)), "hotelling_f")
