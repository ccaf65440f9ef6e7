"""Comparable windows: the same customer-age mix before and after go-live, or no comparison.

A before/after comparison of a customer KPI (churn, lifetime value) means something only when
the two windows look at alike customer bases. Customers of different ages behave differently
(new customers lapse more often, a single acquisition cohort buys less as it ages), so a base
that is older after go-live than before shows a change that is the base's age, not the CRM.
This module holds the one rule for that, used by :mod:`crmkit.domains.customers` (churn) and
:mod:`crmkit.domains.clv` (average lifetime value):

- each customer of a window's population gets an *age band* at the window's start
  (:func:`age_bands`: edges at half, one, two and four times the inactivity threshold);
- the two windows' band mixes must overlap by at least :data:`MIN_AGE_OVERLAP`
  (:func:`age_overlap`: the share of customers the two mixes have in common, one minus the
  total-variation distance), else the comparison is declined with
  :attr:`crmkit.data.guards.Guard.NOT_COMPARABLE` (:func:`decline`);
- where it is made, both windows are *standardised* to one age mix, the bands weighted by
  their overlap :math:`w_k \\propto n_{b,k} n_{a,k} / (n_{b,k} + n_{a,k})`
  (:func:`overlap_weights`; a band that one window lacks weighs nothing), so a difference
  in age mix cannot show as a change.

Nothing here prints; every function is pure.

References
----------
Fay, M. P. & Feuer, E. J. (1997). Confidence intervals for directly standardized rates: a
method based on the gamma distribution. Statistics in Medicine 16, 791–801.
Breslow, N. E. & Day, N. E. (1987). Statistical Methods in Cancer Research II. IARC, ch. 2–3.
Li, F., Morgan, K. L. & Zaslavsky, A. M. (2018). Balancing covariates via propensity score
weighting. JASA 113, 390–400 (overlap weights).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import special, stats

from crmkit.data.guards import Guard
from crmkit.stats.impact.notes import NotComparable, Note, noted
from crmkit.stats.impact.row import CHANGE_COLUMNS, change_row

__all__ = [
    "MIN_AGE_OVERLAP",
    "Spread",
    "StandardisedRate",
    "age_bands",
    "age_overlap",
    "band_counts",
    "decline",
    "overlap_weights",
    "standardised_mean",
    "standardised_rate",
    "standardised_rate_test",
]

#: The two windows' customer-age mixes must have at least this share of customers in common
#: (:func:`age_overlap`); below it the comparison is declined (``not_comparable``). The
#: standardised comparison is fair on any overlap, but below a quarter it speaks for a small
#: corner of each customer base; a growing base acquired evenly over the history shares about
#: half, one acquisition cohort a few percent.
MIN_AGE_OVERLAP = 0.25

#: A customer without a recorded churn date has lapsed once this many days pass without an
#: order (or since their creation): the one threshold of churn, retention and the exposure of
#: the per-customer-year KPIs.
INACTIVITY_DAYS = 180

#: Age-band edges as multiples of the inactivity threshold.
_EDGE_MULTIPLES = (0.5, 1.0, 2.0, 4.0)


def age_bands(age_days: np.ndarray, *, inactivity_days: int) -> np.ndarray:
    """Each customer's age band (0, 1, …, 4) from their age in days at the window's start.

    The edges are ½, 1, 2 and 4 times ``inactivity_days`` (90, 180, 360, 720 days for the
    default 180): under constant purchase rates a customer younger than the threshold is
    active whatever their rate, an older one with a probability that depends only on it, so
    the threshold is where the mix of buying rates among active customers changes.

    Examples
    --------
    >>> age_bands(np.array([0.0, 89.0, 90.0, 200.0, 5000.0]), inactivity_days=180).tolist()
    [0, 0, 1, 2, 4]
    """
    edges = np.asarray(_EDGE_MULTIPLES) * float(inactivity_days)
    return np.searchsorted(edges, np.asarray(age_days, dtype=float), side="right")


def band_counts(bands: np.ndarray) -> np.ndarray:
    """Customers per age band (length 5)."""
    return np.bincount(np.asarray(bands, dtype=np.int64), minlength=len(_EDGE_MULTIPLES) + 1)


def age_overlap(counts_before: np.ndarray, counts_after: np.ndarray) -> float:
    """Share of customers the two age mixes have in common: Σ_k min(share_b,k, share_a,k).

    1 when the mixes are equal, 0 when no band has customers in both windows; NaN when a
    window has no customers.

    Examples
    --------
    >>> age_overlap(np.array([50, 50, 0]), np.array([25, 25, 50]))
    0.5
    """
    b = np.asarray(counts_before, dtype=float)
    a = np.asarray(counts_after, dtype=float)
    if b.sum() == 0 or a.sum() == 0:
        return math.nan
    return float(np.minimum(b / b.sum(), a / a.sum()).sum())


def overlap_weights(counts_before: np.ndarray, counts_after: np.ndarray) -> np.ndarray:
    """Band weights n_b n_a / (n_b + n_a), normalised to sum 1 (zeros where a window lacks it).

    Examples
    --------
    >>> overlap_weights(np.array([10, 10, 0]), np.array([10, 30, 5])).round(4).tolist()
    [0.4, 0.6, 0.0]
    """
    b = np.asarray(counts_before, dtype=float)
    a = np.asarray(counts_after, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.where((b > 0) & (a > 0), b * a / (b + a), 0.0)
    total = raw.sum()
    return raw / total if total > 0 else raw


class StandardisedRate(NamedTuple):
    """A directly standardised event rate with its variance and Fay–Feuer interval."""

    rate: float
    variance: float
    ci_low: float
    ci_high: float


def _band_variance(exposure: np.ndarray, rate: np.ndarray, spread: Spread | None) -> np.ndarray:
    """Var(d_k / T_k) at band rates λ_k: the larger of Poisson λ_k / T_k and the robust form.

    The robust (sandwich) variance :math:`Σ_i (d_i − λ_k t_i)^2 / T_k^2` allows for customers
    who differ in hazard; with few customers in a band it can fall below the Poisson variance
    (to 0 for one customer), so the larger of the two is used.
    """
    poisson = rate / exposure
    if spread is None:
        return poisson
    # Σ (d − λt)² = Σ d² − 2λ Σ dt + λ² Σ t²
    squares = spread.squared_events - 2 * rate * spread.cross + rate**2 * spread.squared_exposure
    return np.maximum(poisson, np.maximum(squares, 0.0) / exposure**2)


class Spread(NamedTuple):
    """Per-band sums over customers for the robust (sandwich) variance of a rate d / T.

    ``squared_events`` Σ d_i², ``cross`` Σ d_i t_i, ``squared_exposure`` Σ t_i², where d_i
    are a customer's events and t_i their exposure.
    """

    squared_events: np.ndarray
    cross: np.ndarray
    squared_exposure: np.ndarray

    def part(self, used: np.ndarray) -> Spread:
        """The sums of the bands in ``used``."""
        return Spread(self.squared_events[used], self.cross[used], self.squared_exposure[used])


def standardised_rate(
    events: np.ndarray,
    exposure: np.ndarray,
    weights: np.ndarray,
    *,
    spread: Spread | None = None,
    alpha: float = 0.05,
) -> StandardisedRate:
    """Σ_k w_k d_k / T_k with its variance and the gamma interval.

    Parameters
    ----------
    events, exposure : numpy.ndarray
        Events and exposure per band.
    weights : numpy.ndarray
        Band weights summing to 1 (bands with weight 0 are ignored).
    spread : Spread, optional
        Per-customer sums for the robust variance :math:`Σ_i (d_i − λ_k t_i)^2 / T_k^2` of
        each band's rate, used where it exceeds the Poisson variance :math:`d_k / T_k^2`
        (customers differ in hazard, which the Poisson variance ignores).
    alpha : float
        The interval has level 1 − alpha.

    Notes
    -----
    Fay & Feuer (1997): with :math:`y = Σ w_k d_k/T_k`, :math:`v = Σ w_k^2 d_k/T_k^2` and
    :math:`w_M = \\max_k w_k/T_k`, the interval is
    :math:`[\\frac{v}{2y}\\chi^2_{α/2}(2y^2/v),\\ \\frac{v + w_M^2}{2(y + w_M)}
    \\chi^2_{1-α/2}(2(y + w_M)^2/(v + w_M^2))]` (lower 0 when no event). With one band it is
    Garwood's exact Poisson interval.

    Examples
    --------
    >>> r = standardised_rate(np.array([1.0]), np.array([641 / 365]), np.array([1.0]))
    >>> round(r.rate, 6), round(r.ci_high, 4)  # Garwood: χ²_{0.975}(4) / 2 / T
    (0.569423, 3.1726)
    """
    d = np.asarray(events, dtype=float)
    t = np.asarray(exposure, dtype=float)
    w = np.asarray(weights, dtype=float)
    used = w > 0
    if not used.any() or (t[used] <= 0).any():
        return StandardisedRate(math.nan, math.nan, math.nan, math.nan)
    d, t, w = d[used], t[used], w[used]
    band_rate = d / t
    rate = float((w * band_rate).sum())
    part = spread.part(used) if spread is not None else None
    variance = float((w**2 * _band_variance(t, band_rate, part)).sum())
    w_max = float((w / t).max())
    if rate > 0 and variance > 0:
        low = variance / (2 * rate) * stats.chi2.ppf(alpha / 2, 2 * rate**2 / variance)
    else:
        low = 0.0
    shape = 2 * (rate + w_max) ** 2 / (variance + w_max**2)
    high = (variance + w_max**2) / (2 * (rate + w_max)) * stats.chi2.ppf(1 - alpha / 2, shape)
    return StandardisedRate(rate, variance, float(low), float(high))


def standardised_rate_test(
    events_before: np.ndarray,
    exposure_before: np.ndarray,
    events_after: np.ndarray,
    exposure_after: np.ndarray,
    weights: np.ndarray,
    *,
    spread_before: Spread | None = None,
    spread_after: Spread | None = None,
) -> tuple[float, float, float]:
    """Score test of equal band rates: (z, two-sided p, standard error under the null).

    Notes
    -----
    Under the null each band has one rate, estimated pooled,
    :math:`\\hat λ_k = (d_{b,k} + d_{a,k}) / (T_{b,k} + T_{a,k})`; the difference of the two
    standardised rates then has variance :math:`Σ w_k^2 \\hat λ_k (1/T_{b,k} + 1/T_{a,k})`
    and :math:`z = (y_a − y_b) / \\sqrt{V_0}`. With one band this is the usual score test of
    two Poisson rates. Given per-customer sums (``spread_before``, ``spread_after``) each
    window's term is the larger of that and the robust
    :math:`Σ_i (d_i − \\hat λ_k t_i)^2 / T_{w,k}^2`. NaN when no band has an event.

    Examples
    --------
    >>> z, p, se = standardised_rate_test(np.array([10.0]), np.array([100.0]),
    ...                                   np.array([20.0]), np.array([100.0]), np.array([1.0]))
    >>> round(z, 4), round(p, 4)  # (0.2 − 0.1) / sqrt(0.15 · 2 / 100)
    (1.8257, 0.0679)
    """
    w = np.asarray(weights, dtype=float)
    used = w > 0
    d_b = np.asarray(events_before, dtype=float)[used]
    t_b = np.asarray(exposure_before, dtype=float)[used]
    d_a = np.asarray(events_after, dtype=float)[used]
    t_a = np.asarray(exposure_after, dtype=float)[used]
    w = w[used]
    if not used.any() or (t_b <= 0).any() or (t_a <= 0).any():
        return math.nan, math.nan, math.nan
    pooled = (d_b + d_a) / (t_b + t_a)
    parts = [x.part(used) if x is not None else None for x in (spread_before, spread_after)]
    band = _band_variance(t_b, pooled, parts[0]) + _band_variance(t_a, pooled, parts[1])
    variance = float((w**2 * band).sum())
    if variance <= 0:
        return math.nan, math.nan, math.nan
    se = math.sqrt(variance)
    z = float(((w * d_a / t_a).sum() - (w * d_b / t_b).sum()) / se)
    return z, float(2 * special.ndtr(-abs(z))), se


def standardised_mean(
    values: np.ndarray, bands: np.ndarray, weights: np.ndarray
) -> tuple[float, float, int]:
    """Σ_k w_k mean_k and its variance Σ_k w_k² s_k² / n_k, with the customers used.

    Bands with one customer contribute their value with the pooled within-band variance of
    the others (a band's own variance needs two values). NaN when a weighted band is empty.

    Examples
    --------
    >>> m, v, n = standardised_mean(np.array([1.0, 3.0, 10.0, 14.0]), np.array([0, 0, 1, 1]),
    ...                             np.array([0.5, 0.5]))
    >>> m, v, n  # 0.5·2 + 0.5·12; 0.25·2/2 + 0.25·8/2
    (7.0, 1.25, 4)
    """
    x = np.asarray(values, dtype=float)
    b = np.asarray(bands, dtype=np.int64)
    w = np.asarray(weights, dtype=float)
    frame = pd.DataFrame({"band": b, "x": x})
    grouped = frame.groupby("band")["x"]
    means = grouped.mean().reindex(range(len(w)))
    variances = grouped.var(ddof=1).reindex(range(len(w)))
    counts = grouped.size().reindex(range(len(w))).fillna(0).to_numpy(dtype=float)
    used = w > 0
    if not used.any() or (counts[used] == 0).any():
        return math.nan, math.nan, 0
    var = variances.to_numpy(dtype=float)
    known = var[used][np.isfinite(var[used])]
    pooled = float(known.mean()) if len(known) else math.nan
    var = np.where(np.isnan(var), pooled, var)
    mean = float((w[used] * means.to_numpy(dtype=float)[used]).sum())
    variance = float((w[used] ** 2 * var[used] / counts[used]).sum())
    return mean, variance, int(counts[used].sum())


def decline(reason: Note | str, **values: float | str | None) -> pd.DataFrame:
    """A comparison row declined as not comparable: no change, interval or p-value.

    The row's ``guard`` is ``not_comparable`` where the comparison columns have one, and its
    note always says why ("not comparable: …"); ``before``, ``after`` and the counts given
    in ``values`` stay for the tables. A ``reason`` given as a fact
    (:mod:`crmkit.stats.impact.notes`) is kept as the row's ``note_facts`` too
    (:class:`~crmkit.stats.impact.notes.NotComparable`), so that the report says it in its
    language.

    Examples
    --------
    >>> row = decline("the history is too short", before=0.4, after=0.3)
    >>> row["note"].iloc[0].startswith("not comparable: the history is too short")
    True
    >>> bool(row["p_value"].isna().iloc[0]), float(row["before"].iloc[0])
    (True, 0.4)
    """
    if isinstance(reason, Note):
        values.update(noted(NotComparable(reason)))
        note = values["note"]
    else:
        note = f"not comparable: {reason}"
    if "guard" in CHANGE_COLUMNS:
        values["guard"] = Guard.NOT_COMPARABLE.value
    else:
        note += f" (guard {Guard.NOT_COMPARABLE.value})"
        values["note_facts"] = None
    values["note"] = note
    return change_row(**values)
