"""Difference-in-differences of a count: Poisson regression with unit and period fixed effects.

For counts per unit and period (a customer's orders per month), the model

    E[y_it] = exp(α_i + λ_t + β · D_it),    D_it = 1 where unit i had the CRM in period t,

compares each customer with itself (α_i) and every month with itself across customers (λ_t);
exp(β) is the ratio of the purchase rate with the CRM to the rate without it, so the effect
is exp(β) − 1. The fit is Poisson pseudo-maximum likelihood (consistent whatever the
counts' dispersion, as long as the mean is right), by iteratively reweighted least squares
with both sets of fixed effects absorbed exactly at each step (the weighted two-way normal
equations reduced to the periods, :mod:`~crmkit.stats.rollout.fixed_effects`: no dummy
matrix, a few bincounts and one small solve per step for any number of customers). Units or periods whose
counts are all zero carry no information and are left out (their α or λ would be −∞).

Standard errors are cluster-robust by unit (CR1, as for a linear panel), the interval and
p-value from Student's t with clusters − 1 degrees of freedom. They are valid with many
clusters (customers), and only where the treated and untreated groups share their
month-to-month shocks: a shock of the treated region's own (a local campaign, a lost store)
is not in these errors. The placebo go-lives of the measure layer check exactly that.

Reference: Santos Silva and Tenreyro (2006), "The log of gravity"; Correia, Guimarães and
Zylkin (2020), "Fast Poisson estimation with high-dimensional fixed effects".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from crmkit.stats.primitives import check_alpha, t_critical, t_sf
from crmkit.stats.rollout.fixed_effects import TwoWayFixedEffects
from crmkit.stats.rollout.status import Inference

__all__ = ["POISSON_MIN_CLUSTERS", "POISSON_SUMMARY_COLUMNS", "PoissonDiD"]

#: Fewer clusters than this on either side (with and without the CRM) and the cluster-robust
#: errors are not trusted: the status is too_few_units.
POISSON_MIN_CLUSTERS = 20

#: The columns of :meth:`PoissonDiD.summary`.
POISSON_SUMMARY_COLUMNS = (
    "estimate_pct",
    "ci_low_pct",
    "ci_high_pct",
    "p_value",
    "rate_ratio",
    "beta",
    "se",
    "n_obs",
    "n_units",
    "n_clusters",
    "n_treated_clusters",
    "dropped_units",
    "iterations",
    "inference",
)

_TOLERANCE = 1e-10  # relative change of the deviance at which the fit stops
_MAX_ITERATIONS = 100
_COLLINEAR = 1e-10  # exposure left after the fixed effects, relative to all of it
_LARGEST_LOG_RATIO = 50.0  # a rate ratio beyond e^±50 is no estimate


class PoissonDiD:
    """Poisson difference-in-differences with unit and period fixed effects, clustered errors.

    Parameters
    ----------
    alpha : float
        The interval's level is 1 − alpha.
    min_clusters : int
        Fewest clusters with, and without, the CRM for the errors to be used
        (:data:`POISSON_MIN_CLUSTERS`).

    Attributes (after :meth:`fit`)
    -------------------------------
    beta_, se_ : float
        The log rate ratio and its cluster-robust standard error.
    fitted_ : np.ndarray
        The fitted means of the observations used (in the order of the rows kept).
    n_obs_, n_units_, n_clusters_, n_treated_clusters_, dropped_units_, iterations_ : int
        Observations and units used, clusters, clusters with an exposed observation, units
        left out (counts all zero), iterations of the fit.
    inference_ : Inference
        ok, too_few_units (fewer than ``min_clusters`` clusters with the CRM, or never with
        it) or no_estimate (no count with, or none without, the CRM; no convergence).

    Examples
    --------
    Two customers over two months; the first gets the CRM in month 2 and doubles its orders
    while the second's stay flat: the rate ratio is 2 exactly.

    >>> panel = pd.DataFrame({"unit": ["a", "a", "b", "b"], "period": [1, 2, 1, 2],
    ...                       "outcome": [3.0, 6.0, 5.0, 5.0], "exposed": [0, 1, 0, 0]})
    >>> fit = PoissonDiD(min_clusters=1).fit(panel)
    >>> round(fit.rate_ratio, 10)
    2.0
    """

    def __init__(self, *, alpha: float = 0.05, min_clusters: int = POISSON_MIN_CLUSTERS) -> None:
        check_alpha(alpha)
        self.alpha, self.min_clusters = alpha, min_clusters

    @property
    def rate_ratio(self) -> float:
        """exp(β): the count's rate with the CRM over its rate without."""
        return math.exp(self.beta_) if math.isfinite(self.beta_) else math.nan

    def fit(
        self,
        panel: pd.DataFrame,
        *,
        unit: str = "unit",
        period: str = "period",
        outcome: str = "outcome",
        exposed: str = "exposed",
        cluster: str | None = None,
    ) -> PoissonDiD:
        """Fit on a long panel: one row per unit and period.

        Parameters
        ----------
        panel : DataFrame
            ``unit``, ``period``, ``outcome`` (a non-negative count, or any non-negative
            number), ``exposed`` (true where the unit had the CRM in that period).
        cluster : str, optional
            The column of clusters (default: the unit).

        Returns
        -------
        PoissonDiD
            Self, fitted.

        Raises
        ------
        ValueError
            When a column is missing, or the outcome is negative or not finite.
        """
        missing = [c for c in (unit, period, outcome, exposed) if c not in panel]
        if missing:
            raise ValueError(f"panel: missing column(s) {', '.join(missing)}")
        y = panel[outcome].to_numpy(dtype="float64")
        if y.size and (not np.isfinite(y).all() or (y < 0).any()):
            raise ValueError(f"panel.{outcome}: expected non-negative finite counts")
        d = panel[exposed].to_numpy(dtype="float64")
        units = pd.factorize(panel[unit])[0]
        periods = pd.factorize(panel[period])[0]
        clusters = pd.factorize(panel[cluster if cluster else unit])[0]
        keep = _informative(y, units) & _informative(y, periods)
        self.dropped_units_ = int(len(np.unique(units)) - len(np.unique(units[keep])))
        y, d, units, periods, clusters = (a[keep] for a in (y, d, units, periods, clusters))
        units, periods, clusters = (pd.factorize(a)[0] for a in (units, periods, clusters))
        self.n_obs_ = int(y.size)
        self.n_units_ = int(units.max() + 1) if y.size else 0
        self.n_clusters_ = int(clusters.max() + 1) if y.size else 0
        self.n_treated_clusters_ = int(np.unique(clusters[d > 0]).size)
        never_exposed = self.n_clusters_ - self.n_treated_clusters_
        self.beta_ = self.se_ = math.nan
        self.iterations_ = 0
        self.fitted_ = np.full(y.size, np.nan)
        if not (y[d > 0].sum() > 0 and y[d <= 0].sum() > 0):
            self.inference_ = Inference.NO_ESTIMATE
            return self
        result = _irls(y, d, units, periods)
        if result is None:
            self.inference_ = Inference.NO_ESTIMATE
            return self
        self.beta_, mu, d_tilde, self.iterations_ = result
        if not abs(self.beta_) <= _LARGEST_LOG_RATIO:
            self.beta_ = math.nan
            self.inference_ = Inference.NO_ESTIMATE
            return self
        self.fitted_ = mu
        self.se_ = _cluster_se(y, mu, d_tilde, clusters, self.n_clusters_, int(periods.max()) + 1)
        enough = min(self.n_treated_clusters_, never_exposed) >= self.min_clusters
        self.inference_ = Inference.OK if enough else Inference.TOO_FEW_UNITS
        return self

    def summary(self) -> pd.DataFrame:
        """One row: the effect as a percentage change of the rate (fractions), its interval,
        p-value, rate ratio, β and its error, the counts and the inference status.

        Interval and p-value are NaN unless the status is ok.
        """
        beta, se = self.beta_, self.se_
        ok = self.inference_ is Inference.OK and math.isfinite(se) and se > 0
        df = self.n_clusters_ - 1
        if ok:
            half = t_critical(self.alpha, df) * se
            low, high = _expm1(beta - half), _expm1(beta + half)
            p = 2 * t_sf(abs(beta / se), df)
        else:
            low = high = p = math.nan
        row: dict[str, Any] = {
            "estimate_pct": math.expm1(beta) if math.isfinite(beta) else math.nan,
            "ci_low_pct": low,
            "ci_high_pct": high,
            "p_value": p,
            "rate_ratio": self.rate_ratio,
            "beta": beta,
            "se": se,
            "n_obs": self.n_obs_,
            "n_units": self.n_units_,
            "n_clusters": self.n_clusters_,
            "n_treated_clusters": self.n_treated_clusters_,
            "dropped_units": self.dropped_units_,
            "iterations": self.iterations_,
            "inference": self.inference_,
        }
        return pd.DataFrame([row], columns=list(POISSON_SUMMARY_COLUMNS))


def _expm1(x: float) -> float:
    """exp(x) − 1, infinite rather than an overflow error for a huge x."""
    return math.expm1(x) if x < 700 else math.inf


def _informative(y: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Rows of the levels whose counts are not all zero."""
    if not codes.size:
        return np.zeros(0, dtype=bool)
    totals = np.bincount(codes, weights=y)
    return totals[codes] > 0


def _residual_maker(
    weight: np.ndarray, units: np.ndarray, periods: np.ndarray
) -> Callable[[np.ndarray], np.ndarray]:
    """Values less their weighted least-squares fit on unit and period fixed effects (exact:
    :class:`~crmkit.stats.rollout.fixed_effects.TwoWayFixedEffects`)."""
    effects = TwoWayFixedEffects(
        units, periods, weight, int(units.max()) + 1, int(periods.max()) + 1
    )

    def residual(values: np.ndarray) -> np.ndarray:
        alpha, lam = effects.fit(values)
        return values - alpha[units] - lam[periods]

    return residual


def _irls(
    y: np.ndarray, d: np.ndarray, units: np.ndarray, periods: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray, int] | None:
    """β, the fitted means, the exposure with the fixed effects absorbed (final weights),
    the iterations; None when the fit does not converge."""
    mu = (y + y.mean()) / 2
    eta = np.log(mu)
    deviance = math.inf
    for iteration in range(1, _MAX_ITERATIONS + 1):
        z = eta + (y - mu) / mu
        residual = _residual_maker(mu, units, periods)
        z_tilde, d_tilde = residual(z), residual(d)
        denominator = float(np.sum(mu * d_tilde**2))
        if denominator <= _COLLINEAR * float(np.sum(mu * d**2)):
            return None  # the exposure is a combination of the fixed effects
        beta = float(np.sum(mu * d_tilde * z_tilde)) / denominator
        eta = z - (z_tilde - d_tilde * beta)
        mu = np.exp(np.clip(eta, -700, 700))
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
        new_deviance = 2 * float(terms.sum())
        if abs(new_deviance - deviance) / (0.1 + abs(new_deviance)) < _TOLERANCE:
            return beta, mu, _residual_maker(mu, units, periods)(d), iteration
        deviance = new_deviance
    return None


def _cluster_se(
    y: np.ndarray,
    mu: np.ndarray,
    d_tilde: np.ndarray,
    clusters: np.ndarray,
    n_clusters: int,
    n_periods: int,
) -> float:
    """CR1 standard error of β: sandwich of the Poisson score with the fixed effects
    absorbed, small-sample factor G / (G − 1) · (N − 1) / (N − K), K the coefficients not
    nested in the clusters: β, the constant and the periods' n_periods − 1 effects."""
    n = y.size
    k = n_periods + 1
    if n_clusters < 2 or n <= k:
        return math.nan
    bread = 1.0 / float(np.sum(mu * d_tilde**2))
    scores = np.bincount(clusters, weights=d_tilde * (y - mu), minlength=n_clusters)
    factor = n_clusters / (n_clusters - 1) * (n - 1) / (n - k)
    return math.sqrt(factor * bread**2 * float(np.sum(scores**2)))
