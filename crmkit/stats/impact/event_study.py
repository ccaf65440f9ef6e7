"""The event study of a difference-in-differences panel and its pre-trend test."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from crmkit.stats.impact.clustered import (
    cluster_ols,
    data_ranks,
    wald_bootstrap_p,
    wild_cluster_bootstrap,
    wild_weights,
)

__all__ = ["EVENT_STUDY_COLUMNS", "fit_event_study", "relative_periods"]

#: The columns of :attr:`crmkit.stats.impact.DiDResult.event_study`.
EVENT_STUDY_COLUMNS: tuple[str, ...] = (
    "relative_period",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "p_value",
)

# Up to this many clusters the pre-trend test is calibrated by a wild cluster bootstrap.
_PRETREND_BOOTSTRAP_MAX = 100


def relative_periods(time: pd.Series, go: Any, is_datetime: bool) -> np.ndarray:
    """Months from go-live's month (dates) or positions among the distinct periods (numbers);
    0 is the first post period."""
    if is_datetime:
        stamps = pd.DatetimeIndex(time)
        month = stamps.year * 12 + stamps.month - 1
        return np.asarray(month - (go.year * 12 + go.month - 1), dtype=np.int64)
    values = time.to_numpy(dtype=float)
    distinct = np.unique(values)
    first_post = int(np.searchsorted(distinct, go, side="left"))
    return np.searchsorted(distinct, values).astype(np.int64) - first_post


def fit_event_study(
    y: np.ndarray,
    is_treated: np.ndarray,
    relative: np.ndarray,
    first: np.ndarray,
    time_codes: np.ndarray,
    cluster: np.ndarray,
    n_clusters: int,
    k_absorbed: int,
    alpha: float,
    rng: np.random.Generator,
    n_boot: int,
) -> tuple[pd.DataFrame, float, str | None]:
    """Event-study coefficients and the pre-trend test.

    y ~ fixed effects + Σ_{r ≠ ref} β_r · treated · [relative period = r], CR1 covariance,
    t intervals with G − 1 df. Pre-trend test of the q leads (r < ref):

    - q ≤ G − 1 and G ≤ 100: joint Wald test, p-value by restricted wild cluster bootstrap
      (the cluster-robust Wald is far too liberal when q is not small against G);
    - q ≤ G − 1 and G > 100: joint Wald with the Hotelling small-sample correction,
      W (G − q) / (q (G − 1)) ~ F(q, G − q);
    - q > G − 1 (the cluster-robust covariance of the leads is singular): a test of one
      differential linear trend before go-live (wild bootstrap up to 100 clusters, else t).
    """
    empty = pd.DataFrame({column: pd.Series(dtype=float) for column in EVENT_STUDY_COLUMNS})
    pre = relative < 0
    reference = int(relative[pre & is_treated].max())
    periods = np.array(sorted(set(relative[is_treated].tolist()) - {reference}), dtype=np.int64)
    if periods.size == 0:
        return empty, math.nan, None
    regressors = (is_treated[:, None] & (relative[:, None] == periods[None, :])).astype(float)
    fit = cluster_ols(y, regressors, first, time_codes, cluster, n_clusters, k_absorbed)
    estimable = np.sum(fit.x**2, axis=0) > 1e-10 * np.sum(regressors**2, axis=0)
    se = np.sqrt(np.clip(np.diag(fit.cov), 0, None))
    df = n_clusters - 1
    crit = stats.t.isf(alpha / 2, df)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_values = fit.beta / se
    frame = pd.DataFrame(
        {
            "relative_period": periods,
            "estimate": fit.beta,
            "se": se,
            "ci_low": fit.beta - crit * se,
            "ci_high": fit.beta + crit * se,
            "p_value": 2 * stats.t.sf(np.abs(t_values), df),
        }
    )[estimable].reset_index(drop=True)
    lead = (periods < reference) & estimable
    q = int(lead.sum())
    if q == 0:
        return frame, math.nan, None
    bootstrap = n_clusters <= _PRETREND_BOOTSTRAP_MAX
    if bootstrap:
        draws, weight_name = wild_weights(n_boot, n_clusters, rng)
        weights = draws[:, data_ranks(cluster, n_clusters, y)]
        how = f"wild cluster bootstrap, {weight_name}, {n_boot:,} draws"
    if q <= n_clusters - 1:
        name = f"joint Wald test of {q} pre-period leads"
        if bootstrap:
            p_value = wald_bootstrap_p(fit, lead, cluster, n_clusters, weights)
            return frame, p_value, f"{name} ({how})"
        beta_lead = fit.beta[lead]
        wald = float(beta_lead @ np.linalg.pinv(fit.cov[np.ix_(lead, lead)]) @ beta_lead)
        f_stat = wald * (n_clusters - q) / (q * (n_clusters - 1))
        p_value = float(stats.f.sf(f_stat, q, n_clusters - q))
        return frame, p_value, f"{name} (Hotelling-corrected F({q}, {n_clusters - q}))"
    # More leads than the cluster-robust covariance can support: one linear pre-trend instead.
    sub_cluster = pd.factorize(cluster[pre])[0]
    sub_g = int(sub_cluster.max()) + 1
    sub_time = pd.factorize(time_codes[pre])[0]
    k_sub = k_absorbed - (int(time_codes.max()) + 1) + int(sub_time.max()) + 1
    trend = (is_treated[pre] * relative[pre]).astype(float)[:, None]
    sub_first = pd.factorize(first[pre])[0]
    sub = cluster_ols(y[pre], trend, sub_first, sub_time, sub_cluster, sub_g, k_sub)
    se_trend = math.sqrt(max(float(sub.cov[0, 0]), 0.0))
    if not (se_trend > 0 and sub_g > 1):
        return frame, math.nan, None
    name = "test of a differential linear pre-trend"
    if bootstrap:
        p_value, _, _ = wild_cluster_bootstrap(
            sub,
            sub_cluster,
            sub_g,
            draws[:, :sub_g][:, data_ranks(sub_cluster, sub_g, y[pre])],
            alpha,
            interval=False,
        )
        return frame, p_value, f"{name} ({how})"
    t_trend = float(sub.beta[0]) / se_trend
    return frame, float(2 * stats.t.sf(abs(t_trend), sub_g - 1)), f"{name} (CR1 t)"
