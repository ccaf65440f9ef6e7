"""Harrell's concordance index of a risk score with survival times, by dominance counting."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _count_lower_left(
    point_a: np.ndarray,
    point_b: np.ndarray,
    query_a: np.ndarray,
    query_b: np.ndarray,
    *,
    a_inclusive: bool,
    b_inclusive: bool,
) -> np.ndarray:
    """For each query, the points with a < query_a (≤ if inclusive) and b < query_b (≤).

    Offline 2-D dominance counting, vectorised by levels: the points are sorted by a, and the
    prefix of points below each query is cut into at most log2(n) aligned blocks (as a
    Fenwick tree does), each searched by a sorted (block, rank of b) key. O((n + q) log² n).
    """
    order = np.argsort(point_a, kind="stable")
    a_sorted = point_a[order]
    values = np.unique(np.concatenate([point_b, query_b]))
    rank_points = np.searchsorted(values, point_b[order])
    rank_query = np.searchsorted(values, query_b)
    width = np.int64(len(values) + 1)
    prefix = np.searchsorted(a_sorted, query_a, side="right" if a_inclusive else "left")
    n = len(a_sorted)
    counts = np.zeros(len(query_a), dtype=np.int64)
    index = np.arange(n, dtype=np.int64)
    for level in range(max(n.bit_length(), 1)):
        has = ((prefix >> level) & 1).astype(bool)
        if not has.any():
            continue
        keys = np.sort((index >> level) * width + rank_points)
        block = (prefix[has] >> level) - 1
        base = block * width
        low = np.searchsorted(keys, base, side="left")
        high = np.searchsorted(
            keys, base + rank_query[has], side="right" if b_inclusive else "left"
        )
        counts[has] += high - low
    return counts


def concordance_index(
    time: Any,
    event: Any,
    risk: Any,
    *,
    entry: Any | None = None,
) -> float:
    """Harrell's concordance index (C) of a risk score with survival times.

    Parameters
    ----------
    time : array-like of float
        Follow-up end of each row (the stop time of (start, stop] rows).
    event : array-like of bool
        Whether the row ends with the event.
    risk : array-like of float
        Higher = expected to leave sooner (e.g. a Cox model's linear predictor).
    entry : array-like of float, optional
        Start of each row's interval, for counting-process data (several rows per customer,
        with time-varying covariates); default 0.

    Returns
    -------
    float
        The share of comparable pairs that the risk orders correctly (ties in risk count
        one half): 0.5 is chance, 1 perfect. NaN without comparable pairs.

    Notes
    -----
    A pair is comparable when one row ends with an event at :math:`t_i` and the other is at
    risk beyond it (:math:`entry_j < t_i < t_j`); it is concordant when
    :math:`risk_i > risk_j`. Pairs tied in time are not comparable (as R's
    ``survival::concordance``). With counting-process rows each customer is at risk in one
    row at a time, so the comparison uses the risk at the event time. Vectorised
    dominance counting, O(n log² n).

    References
    ----------
    Harrell, F. E., Lee, K. L. & Mark, D. B. (1996). Multivariable prognostic models. Statistics
    in Medicine 15, 361–387.
    Therneau, T. & Atkinson, E. (2023). Concordance. Vignette of the R package survival.

    Examples
    --------
    >>> concordance_index([1, 2, 3, 4], [1, 1, 0, 1], [4, 3, 2, 1])
    1.0
    >>> concordance_index([1, 2, 3, 4], [1, 1, 0, 1], [1, 2, 3, 4])
    0.0
    """
    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=bool)
    r = np.asarray(risk, dtype=float)
    s = np.zeros_like(t) if entry is None else np.asarray(entry, dtype=float)
    if not (t.shape == e.shape == r.shape == s.shape):
        raise ValueError("time, event, risk (and entry) must have the same length")
    ok = ~(np.isnan(t) | np.isnan(r) | np.isnan(s))
    t, e, r, s = t[ok], e[ok], r[ok], s[ok]
    ti, ri = t[e], r[e]
    if ti.size == 0:
        return math.nan
    comparable = np.searchsorted(np.sort(s), ti, side="left") - np.searchsorted(
        np.sort(t), ti, side="right"
    )
    lower_start = _count_lower_left(s, r, ti, ri, a_inclusive=False, b_inclusive=False)
    lower_stop = _count_lower_left(t, r, ti, ri, a_inclusive=True, b_inclusive=False)
    atmost_start = _count_lower_left(s, r, ti, ri, a_inclusive=False, b_inclusive=True)
    atmost_stop = _count_lower_left(t, r, ti, ri, a_inclusive=True, b_inclusive=True)
    concordant = lower_start - lower_stop
    tied = (atmost_start - atmost_stop) - concordant
    total = comparable.sum()
    if total <= 0:
        return math.nan
    return float((concordant.sum() + 0.5 * tied.sum()) / total)
