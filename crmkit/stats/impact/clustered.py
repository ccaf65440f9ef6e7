"""Regression on a panel clustered by unit: absorbed fixed effects, CR1, wild cluster bootstrap.

The building blocks of :func:`crmkit.stats.impact.difference_in_differences` and its event
study: OLS with two sets of fixed effects absorbed by alternating projections, the CR1
cluster-robust covariance, and the restricted wild cluster bootstrap of a t (with its
interval by test inversion) or of a joint Wald statistic.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy import sparse

__all__ = [
    "ClusterFit",
    "cluster_ols",
    "wald_bootstrap_p",
    "wild_cluster_bootstrap",
    "wild_weights",
    "data_ranks",
]

# Below this many clusters the wild bootstrap uses Webb's six-point weights (Webb 2023): with
# two-point (Rademacher) weights there would be only 2**G distinct bootstrap samples.
_WEBB_BELOW = 12
# Alternating projections (fixed effects) stop when the group means fall below this, relative
# to the largest absolute value absorbed, or after _MAX_SWEEPS sweeps.
_ABSORB_TOL = 1e-13
_MAX_SWEEPS = 10_000


def _indicator(codes: np.ndarray, levels: int) -> sparse.csr_array:
    """Sparse levels × rows 0/1 matrix: ``indicator @ values`` sums values per level."""
    n = codes.size
    return sparse.csr_array((np.ones(n), (codes, np.arange(n))), shape=(levels, n))


def _absorber(first: np.ndarray, second: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    """Residual maker of two sets of dummies (two-way fixed effects).

    Alternating projections (demean by the first factor, then the second, until the first's
    group means vanish): exact after one sweep in a balanced panel, a few sweeps otherwise.
    """
    factors = []
    for codes in (first, second):
        levels = int(codes.max()) + 1
        counts = np.bincount(codes, minlength=levels).astype(float)
        factors.append((codes, _indicator(codes, levels), counts))
    (codes_a, ind_a, counts_a), (codes_b, ind_b, counts_b) = factors

    def absorb(values: np.ndarray) -> np.ndarray:
        out = np.array(values, dtype=float)
        flat = out.ndim == 1
        if flat:
            out = out[:, None]
        if out.size == 0:
            return out[:, 0] if flat else out
        tolerance = _ABSORB_TOL * max(1.0, float(np.abs(out).max()))
        means_a = (ind_a @ out) / counts_a[:, None]
        for _ in range(_MAX_SWEEPS):
            out -= means_a[codes_a]
            out -= ((ind_b @ out) / counts_b[:, None])[codes_b]
            means_a = (ind_a @ out) / counts_a[:, None]
            if np.abs(means_a).max() <= tolerance:
                break
        return out[:, 0] if flat else out

    return absorb


class ClusterFit(NamedTuple):
    """An OLS fit with two-way fixed effects absorbed and its CR1 cluster-robust covariance."""

    beta: np.ndarray
    cov: np.ndarray
    x: np.ndarray  # regressors with the fixed effects absorbed (rows × q)
    y: np.ndarray  # outcome with the fixed effects absorbed
    scale: float  # CR1 factor G/(G − 1) · (N − 1)/(N − K)
    absorb: Callable[[np.ndarray], np.ndarray]


def cluster_ols(
    y: np.ndarray,
    regressors: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    cluster: np.ndarray,
    n_clusters: int,
    k_absorbed: int,
) -> ClusterFit:
    """OLS of y on regressors + two-way fixed effects (FWL), CR1 cluster-robust covariance."""
    absorb = _absorber(first, second)
    y_tilde = absorb(y)
    x_tilde = absorb(regressors)
    bread = np.linalg.pinv(x_tilde.T @ x_tilde)
    beta = bread @ (x_tilde.T @ y_tilde)
    resid = y_tilde - x_tilde @ beta
    scores = _indicator(cluster, n_clusters) @ (x_tilde * resid[:, None])
    n, q = x_tilde.shape
    k = q + k_absorbed
    if n > k and n_clusters > 1:
        scale = n_clusters / (n_clusters - 1) * (n - 1) / (n - k)
    else:
        scale = math.nan
    cov = scale * bread @ (scores.T @ scores) @ bread
    return ClusterFit(beta, cov, x_tilde, y_tilde, scale, absorb)


def data_ranks(cluster: np.ndarray, n_clusters: int, y: np.ndarray) -> np.ndarray:
    """Each cluster's rank among the clusters by its data, not by its name.

    Wild bootstrap draws are columns; handing column ``data_ranks[g]`` to cluster ``g`` makes
    the bootstrap's result depend on the data alone: renaming the units (a client's new
    codes, pseudonymised ids) changes no p-value and no interval. Clusters are ordered by
    their number of rows, then the sum and the sum of squares of ``y`` (to 10 significant
    digits, so that the order of the rows within a cluster cannot change it); clusters with
    identical data keep their code order.

    Parameters
    ----------
    cluster : numpy.ndarray of int
        Cluster code of each row, 0 … n_clusters − 1.
    n_clusters : int
        Number of clusters.
    y : numpy.ndarray of float
        The outcome of each row.

    Returns
    -------
    numpy.ndarray of int
        A permutation of 0 … n_clusters − 1.

    Examples
    --------
    >>> data_ranks(np.array([0, 0, 1, 2]), 3, np.array([5.0, 1.0, 9.0, 2.0])).tolist()
    [2, 1, 0]
    """
    rows = np.bincount(cluster, minlength=n_clusters)
    sums = [
        _significant(np.bincount(cluster, weights=values, minlength=n_clusters))
        for values in (y, y * y)
    ]
    order = np.lexsort((np.arange(n_clusters), sums[1], sums[0], rows))
    ranks = np.empty(n_clusters, dtype=np.int64)
    ranks[order] = np.arange(n_clusters)
    return ranks


def _significant(values: np.ndarray, digits: int = 10) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits (0 and non-finite kept)."""
    finite = np.isfinite(values) & (values != 0)
    magnitude = np.zeros_like(values)
    magnitude[finite] = np.floor(np.log10(np.abs(values[finite])))
    scale = 10.0 ** (digits - 1 - magnitude)
    return np.where(finite, np.round(values * scale) / scale, values)


def wild_weights(n_boot: int, n_clusters: int, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """Cluster weights of ``n_boot`` wild bootstrap draws, and their name.

    Webb's six-point weights below 12 clusters, Rademacher (±1) weights otherwise.
    """
    if n_clusters < _WEBB_BELOW:
        six = np.sqrt(np.array([1.5, 1.0, 0.5]))
        points = np.concatenate([-six, six])
        return points[rng.integers(0, 6, size=(n_boot, n_clusters))], "Webb six-point"
    return 2.0 * rng.integers(0, 2, size=(n_boot, n_clusters)) - 1.0, "Rademacher"


def wild_cluster_bootstrap(
    fit: ClusterFit,
    cluster: np.ndarray,
    n_clusters: int,
    weights: np.ndarray,
    alpha: float,
    *,
    interval: bool = True,
) -> tuple[float, float, float]:
    """Restricted (null-imposed) wild cluster bootstrap of the CR1 t: p-value and interval.

    With the fixed effects absorbed (FWL), d the absorbed treatment indicator, y the absorbed
    outcome and the null δ = δ0, the restricted residuals are y − δ0·d and one bootstrap draw
    with cluster weights v gives (Roodman et al. 2019)

    - δ* − δ0 = Σ_g v_g a_g / S with a_g = Σ_{i∈g} d_i (y_i − δ0 d_i) and S = d'd;
    - cluster scores s*_h = Σ_g C_hg v_g − (Σ_{i∈h} d_i²)(δ* − δ0), where
      C_hg = Σ_{i∈g} (M d_h)_i (y_i − δ0 d_i) and d_h is d restricted to cluster h
      (M: the fixed-effects residual maker).

    Everything is affine in δ0, so the p-value at any δ0 costs O(draws) and the interval is
    found by inverting the test (bisection on each side). Only clusters × clusters matrices and
    draws × clusters products are formed: no loop over draws or rows.
    """
    d, y = fit.x[:, 0], fit.y
    n = d.size
    ss_d = float(d @ d)
    estimate = float(fit.beta[0])
    se = math.sqrt(fit.cov[0, 0])
    masked = np.zeros((n, n_clusters))
    masked[np.arange(n), cluster] = d
    m_masked = fit.absorb(masked)
    by_cluster = _indicator(cluster, n_clusters)
    c_y = (by_cluster @ (m_masked * y[:, None])).T
    c_d = (by_cluster @ (m_masked * d[:, None])).T
    a_y = by_cluster @ (d * y)
    d2 = by_cluster @ (d * d)
    n0 = weights @ a_y / ss_d
    n1 = weights @ d2 / ss_d
    q0 = weights @ c_y.T - n0[:, None] * d2
    q1 = weights @ c_d.T - n1[:, None] * d2
    quad_a = np.sum(q0 * q0, axis=1)
    quad_b = np.sum(q0 * q1, axis=1)
    quad_c = np.sum(q1 * q1, axis=1)
    factor = ss_d**2 / fit.scale

    def p_value(delta0: float) -> float:
        numerator = n0 - delta0 * n1
        sum_sq = np.clip(quad_a - 2 * delta0 * quad_b + delta0**2 * quad_c, 0, None)
        with np.errstate(divide="ignore", invalid="ignore"):
            t_star2 = numerator**2 * factor / sum_sq
        t_obs2 = (estimate - delta0) ** 2 / se**2
        return float(np.mean(t_star2 >= t_obs2 * (1 - 1e-9)))

    def bound(direction: float) -> float:
        scale = max(se, 1e-12 * max(1.0, abs(estimate)))
        inner, step = estimate, scale
        outer = estimate + direction * step
        while p_value(outer) > alpha:
            inner, step = outer, step * 2
            if step > 1e8 * scale:
                return direction * math.inf
            outer = estimate + direction * step
        for _ in range(200):
            middle = (inner + outer) / 2
            if p_value(middle) > alpha:
                inner = middle
            else:
                outer = middle
            if abs(outer - inner) <= 1e-10 * scale:
                break
        return (inner + outer) / 2

    if not interval:
        return p_value(0.0), math.nan, math.nan
    return p_value(0.0), bound(-1.0), bound(1.0)


def wald_bootstrap_p(
    fit: ClusterFit,
    lead: np.ndarray,
    cluster: np.ndarray,
    n_clusters: int,
    weights: np.ndarray,
) -> float:
    """Restricted wild cluster bootstrap p-value of the joint Wald test that β[lead] = 0.

    The restricted model drops the lead columns; a draw with cluster weights v gives
    y* = X_R β_R + M(v ⊙ e_R). Its coefficients and cluster scores are linear in v:
    β* = β_A + P v with P = (X'X)⁻¹ X' E, E the absorbed cluster-masked restricted residuals,
    and the scores of cluster h are s*_h = L_h v with L_h = X_h' E_h − X_h' X_h P. So every
    draw's CR1 covariance and Wald statistic come from clusters × clusters arrays (one loop
    over clusters to build L, none over draws or rows).
    """
    x, y = fit.x, fit.y
    n, q = x.shape
    bread = np.linalg.pinv(x.T @ x)
    keep = ~lead
    fitted = x[:, keep] @ np.linalg.lstsq(x[:, keep], y, rcond=None)[0] if keep.any() else 0.0
    masked = np.zeros((n, n_clusters))
    masked[np.arange(n), cluster] = y - fitted
    absorbed = fit.absorb(masked)
    loading = bread @ (x.T @ absorbed)
    order = np.argsort(cluster, kind="stable")
    bounds = np.searchsorted(cluster[order], np.arange(n_clusters + 1))
    scores = np.empty((n_clusters, q, n_clusters))
    for h in range(n_clusters):
        rows = order[bounds[h] : bounds[h + 1]]
        x_h = x[rows]
        scores[h] = x_h.T @ absorbed[rows] - (x_h.T @ x_h) @ loading
    beta_lead = fit.beta[lead]
    observed = float(beta_lead @ np.linalg.pinv(fit.cov[np.ix_(lead, lead)]) @ beta_lead)
    bread_lead = bread[lead]
    draws = []
    for start in range(0, len(weights), 250):
        v = weights[start : start + 250]
        beta_star = v @ loading[lead].T
        projected = np.einsum("hqg,bg->bhq", scores, v) @ bread_lead.T
        cov_star = fit.scale * np.einsum("bhq,bhr->bqr", projected, projected)
        draws.append(np.einsum("bq,bqr,br->b", beta_star, np.linalg.pinv(cov_star), beta_star))
    return float(np.mean(np.concatenate(draws) >= observed * (1 - 1e-9)))
