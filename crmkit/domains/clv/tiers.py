"""Customer-lifetime-value tiers: the top 20 %, the next 30 %, the rest, and how to treat each.

:func:`assign_clv_tiers` places each customer in a tier by predicted CLV; :func:`clv_tiers`
gives each tier's size, revenue and CLV shares and the relationship strategy of
:data:`TIER_STRATEGIES`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["TIER_STRATEGIES", "assign_clv_tiers", "clv_tiers"]

TIER_STRATEGIES: tuple[str, str, str] = (
    "Retain and grow: named account management, proactive service and priority support, "
    "loyalty benefits and early access; watch each customer's probability of being alive "
    "and act on the first sign of lapse.",
    "Develop: cross-sell and up-sell with personalised offers, regular planned contact and "
    "targeted campaigns that move customers into the top tier.",
    "Serve efficiently: low-cost digital and automated channels, occasional win-back or "
    "re-activation tests; spend on these customers only where a test shows a return.",
)
"""Suggested relationship strategy for the top, middle and bottom CLV tiers."""


def _tier_labels(cuts: Sequence[float]) -> list[str]:
    """ "top 20 %", "next 30 %", …, "rest 50 %"; middle tiers as ranges if names repeat."""
    bounds = [0.0, *cuts, 1.0]
    middle = list(zip(bounds[1:-2], bounds[2:-1], strict=True))
    labels = [f"top {cuts[0]:.0%}", *(f"next {hi - lo:.0%}" for lo, hi in middle)]
    labels.append(f"rest {1 - cuts[-1]:.0%}")
    if len(set(labels)) < len(labels):
        labels[1:-1] = [f"{lo:.0%}–{hi:.0%}" for lo, hi in middle]
    return [label.replace("%", " %") for label in labels]


def _check_cuts(cuts: Sequence[float]) -> list[float]:
    values = [float(c) for c in cuts]
    if not values or any(not 0 < c < 1 for c in values) or values != sorted(set(values)):
        raise ValueError("cuts must be increasing cumulative shares strictly between 0 and 1")
    return values


def assign_clv_tiers(clv: pd.Series, *, cuts: Sequence[float] = (0.2, 0.5)) -> pd.Series:
    """Each customer's CLV tier: the top 20 %, the next 30 %, the rest (by default).

    Customers are ranked by CLV, highest first (ties by index, for determinism); the first
    ``round(cut · n)`` customers (half rounded up) form the top tier, and so on.

    Returns
    -------
    Series
        Ordered categorical of tier labels ("top 20 %", "next 30 %", "rest 50 %") on
        ``clv``'s index.

    Examples
    --------
    >>> clv = pd.Series([5.0, 50.0, 1.0, 20.0, 9.0], index=list("abcde"))
    >>> assign_clv_tiers(clv).astype(str).tolist()
    ['rest 50 %', 'top 20 %', 'rest 50 %', 'next 30 %', 'next 30 %']
    """
    values = _check_cuts(cuts)
    clv = pd.Series(clv, dtype=float)
    if clv.isna().any():
        raise ValueError("clv has missing values")
    labels = _tier_labels(values)
    n = len(clv)
    order = np.lexsort((np.arange(n), -clv.to_numpy()))
    bounds = [int(math.floor(c * n + 0.5)) for c in values]
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    tier = np.searchsorted(np.asarray(bounds), position, side="right")
    return pd.Series(
        pd.Categorical.from_codes(tier, categories=labels, ordered=True),
        index=clv.index,
        name="tier",
    )


def clv_tiers(
    clv: pd.Series,
    *,
    cuts: Sequence[float] = (0.2, 0.5),
    revenue: pd.Series | None = None,
) -> pd.DataFrame:
    """CLV tiers: size, revenue and CLV shares, and a relationship strategy for each.

    Parameters
    ----------
    clv : Series
        Predicted CLV per customer.
    cuts : sequence of float
        Cumulative customer shares where tiers end (default: top 20 %, next 30 %, rest).
    revenue : Series, optional
        Historical revenue per customer (same index); customers missing from it count 0.

    Returns
    -------
    DataFrame
        Indexed by ``tier`` (best first):

        ``customers``       customers in the tier
        ``customer_share``  their share of all customers
        ``clv_total``       predicted CLV of the tier
        ``clv_share``       its share of all predicted CLV
        ``clv_mean``        mean CLV per customer
        ``clv_min``         the lowest CLV in the tier (the tier's entry threshold)
        ``revenue_total``   historical revenue (NaN without ``revenue``)
        ``revenue_share``   its share of all revenue
        ``strategy``        the suggested relationship strategy (:data:`TIER_STRATEGIES`:
                            first tier, middle tiers, last tier)

    Examples
    --------
    >>> clv = pd.Series([5.0, 50.0, 1.0, 20.0, 9.0], index=list("abcde"))
    >>> clv_tiers(clv)[["customers", "clv_total", "clv_share"]]  # doctest: +NORMALIZE_WHITESPACE
               customers  clv_total  clv_share
    tier
    top 20 %           1       50.0   0.588235
    next 30 %          2       29.0   0.341176
    rest 50 %          2        6.0   0.070588
    """
    tier = assign_clv_tiers(clv, cuts=cuts)
    clv = pd.Series(clv, dtype=float)
    if revenue is None:
        rev = pd.Series(np.nan, index=clv.index)
    else:
        rev = pd.Series(revenue, dtype=float).reindex(clv.index).fillna(0.0)
    frame = pd.DataFrame({"tier": tier, "clv": clv, "revenue": rev})
    grouped = frame.groupby("tier", observed=False)
    out = pd.DataFrame(
        {
            "customers": grouped.size().astype(np.int64),
            "clv_total": grouped["clv"].sum(),
            "clv_mean": grouped["clv"].mean(),
            "clv_min": grouped["clv"].min(),
            "revenue_total": grouped["revenue"].sum(min_count=1),
        }
    )
    out.index = pd.Index([str(t) for t in out.index], name="tier")
    n = max(len(clv), 1)
    total_clv = clv.sum()
    total_rev = rev.sum(min_count=1)
    out.insert(1, "customer_share", out["customers"] / n)
    out.insert(3, "clv_share", out["clv_total"] / total_clv if total_clv else np.nan)
    out["revenue_share"] = (
        out["revenue_total"] / total_rev if pd.notna(total_rev) and total_rev else np.nan
    )
    k = len(out)
    strategies = [TIER_STRATEGIES[0]] + [TIER_STRATEGIES[1]] * (k - 2) + [TIER_STRATEGIES[2]]
    out["strategy"] = pd.array(strategies, dtype=object)
    return out[
        [
            "customers",
            "customer_share",
            "clv_total",
            "clv_share",
            "clv_mean",
            "clv_min",
            "revenue_total",
            "revenue_share",
            "strategy",
        ]
    ]
