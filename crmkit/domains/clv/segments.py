"""RFM scores, the named segments they define, and each segment's customers and value.

:func:`rfm_scores` scores recency, frequency and monetary value (quintiles by default) and names
each customer's segment by the rules of :data:`SEGMENTS`; :func:`segment_table` sums customers,
revenue and predicted value per segment, with the suggested action of :data:`SEGMENT_ACTIONS`.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["SEGMENTS", "SEGMENT_ACTIONS", "rfm_scores", "segment_table"]

SEGMENTS: dict[str, str] = {
    "new": "one purchase so far, made recently (R high, frequency 0)",
    "champions": "bought recently and often (R high, F high)",
    "loyal": "buy regularly (R and F at least middle, not both high)",
    "potential loyalist": "recent repeat buyers, not yet frequent (R high, F low)",
    "at risk": "used to buy often, not recently (R low, F middle or high)",
    "need attention": "middling recency, few purchases (R middle, F low)",
    "hibernating": "few purchases, long ago (R low, F low)",
}
"""The RFM segments of :func:`rfm_scores` and their rules, in the order they are tried."""

#: Suggested action for each RFM segment (:data:`SEGMENTS`).
SEGMENT_ACTIONS: dict[str, str] = {
    "new": "Welcome and onboard; make the second purchase easy.",
    "champions": "Reward and involve them: early access, referrals, reviews.",
    "loyal": "Cross-sell and up-sell; loyalty benefits.",
    "potential loyalist": "Invite to a loyalty programme; recommend the next purchase.",
    "at risk": "Win back now: a personal contact and a reason to return.",
    "need attention": "Re-engage with offers based on what they bought.",
    "hibernating": "Low-cost reactivation only; no relationship spending.",
}


def _score(values: pd.Series, bins: int) -> pd.Series:
    """1…bins by average-rank percentile: ceil(bins · rank / n); ties share a score."""
    pct = values.rank(method="average", pct=True)
    return np.ceil(pct * bins).clip(1, bins).astype(np.int64)


def rfm_scores(
    summary: pd.DataFrame,
    *,
    bins: int = 5,
    monetary: str = "revenue",
) -> pd.DataFrame:
    """Recency, frequency and monetary scores (quintiles by default) and named segments.

    Parameters
    ----------
    summary : DataFrame
        :func:`rfm_summary` output: ``frequency``, ``recency``, ``T`` and the ``monetary``
        column.
    bins : int
        Number of score levels (5: quintiles; at least 3).
    monetary : str
        Column for the M score: ``revenue`` (total spend, default) or ``monetary_value``.

    Returns
    -------
    DataFrame
        On the summary's index: ``time_since_last`` (T − recency, in the summary's unit),
        ``r_score``, ``f_score``, ``m_score`` (1 = worst … ``bins`` = best), ``rfm_code``
        (e.g. "545") and ``segment``.

    Notes
    -----
    Scores: each value's average-rank percentile :math:`p = \\text{rank}/n` gives the score
    :math:`\\lceil \\text{bins} \\cdot p \\rceil`; ties share a score. R ranks the
    *negated* time since the last purchase (recent = high), F the number of repeat purchases,
    M the monetary column.

    Segments, from R and F only (M is reported beside them), with levels *low*
    (score ≤ ⌊0.4 · bins⌋), *high* (score > ⌈0.6 · bins⌉) and *middle* between: with
    quintiles 1–2 low, 3 middle, 4–5 high; with terciles 1, 2, 3. A customer without repeat
    purchases has F level *low* whatever its score. The first rule that matches wins (see
    :data:`SEGMENTS`):

    ================== ==========================================
    new                frequency 0 and R high
    champions          R high and F high
    loyal              R ≥ middle and F ≥ middle
    potential loyalist R high (and F low)
    at risk            R low and F ≥ middle
    need attention     R middle (and F low)
    hibernating        R low and F low
    ================== ==========================================

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [0, 3, 1], "recency": [0.0, 50.0, 5.0],
    ...                   "T": [10.0, 60.0, 90.0], "revenue": [10.0, 90.0, 40.0]})
    >>> rfm_scores(s, bins=3)[["r_score", "f_score", "m_score", "segment"]]
       r_score  f_score  m_score    segment
    0        3        1        1        new
    1        3        3        3  champions
    2        1        2        2    at risk
    """
    if bins < 3:
        raise ValueError("bins must be ≥ 3 (low, middle and high levels)")
    for column in ("frequency", "recency", "T", monetary):
        if column not in summary.columns:
            raise ValueError(f"summary needs a {column!r} column (see rfm_summary)")
    since = (summary["T"] - summary["recency"]).astype(float)
    out = pd.DataFrame(index=summary.index)
    out["time_since_last"] = since
    if summary.empty:
        for column in ("r_score", "f_score", "m_score"):
            out[column] = pd.Series(dtype=np.int64)
        out["rfm_code"] = pd.Series(dtype=object)
        out["segment"] = pd.Series(dtype=object)
        return out
    out["r_score"] = _score(-since, bins)
    out["f_score"] = _score(summary["frequency"].astype(float), bins)
    out["m_score"] = _score(summary[monetary].astype(float), bins)
    out["rfm_code"] = (
        out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
    ).astype(object)

    low_max, high_min = math.floor(0.4 * bins), math.ceil(0.6 * bins) + 1

    def level(score: pd.Series) -> npt.NDArray[np.int64]:
        value = score.to_numpy()
        return np.where(value >= high_min, 2, np.where(value > low_max, 1, 0))

    r = level(out["r_score"])
    f = level(out["f_score"])
    one_time = summary["frequency"].to_numpy() == 0
    f = np.where(one_time, 0, f)
    conditions = [
        one_time & (r == 2),
        (r == 2) & (f == 2),
        (r >= 1) & (f >= 1),
        r == 2,
        (r == 0) & (f >= 1),
        r == 1,
    ]
    choices = ["new", "champions", "loyal", "potential loyalist", "at risk", "need attention"]
    out["segment"] = pd.array(np.select(conditions, choices, default="hibernating"), dtype=object)
    return out


def segment_table(
    scores: pd.DataFrame, summary: pd.DataFrame, predictions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Customers, revenue and predicted value per RFM segment, with a suggested action.

    Parameters
    ----------
    scores : pandas.DataFrame
        :func:`rfm_scores`.
    summary : pandas.DataFrame
        :func:`rfm_summary` (its ``revenue``), on the same index.
    predictions : pandas.DataFrame, optional
        With a ``clv`` column (:func:`customer_value_table`), for the mean CLV per segment.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``segment`` in :data:`SEGMENTS` order (segments without customers left
        out): ``customers``, ``customer_share``, ``revenue``, ``revenue_share``,
        ``revenue_per_customer``, ``clv_mean`` (NaN without predictions), ``rule``
        (:data:`SEGMENTS`), ``action`` (:data:`SEGMENT_ACTIONS`).

    Examples
    --------
    >>> scores = pd.DataFrame({"segment": ["champions", "hibernating", "champions"]}, index=list("abc"))
    >>> summary = pd.DataFrame({"revenue": [60.0, 10.0, 30.0]}, index=list("abc"))
    >>> segment_table(scores, summary)[["customers", "revenue_share"]].to_dict("index")
    {'champions': {'customers': 2, 'revenue_share': 0.9}, 'hibernating': {'customers': 1, 'revenue_share': 0.1}}
    """
    revenue = summary["revenue"].reindex(scores.index).astype(float).fillna(0.0)
    frame = pd.DataFrame({"segment": scores["segment"].astype(str), "revenue": revenue})
    if predictions is not None and "clv" in predictions:
        frame["clv"] = predictions["clv"].reindex(scores.index).astype(float)
    else:
        frame["clv"] = np.nan
    grouped = frame.groupby("segment", sort=False)
    out = pd.DataFrame(
        {
            "customers": grouped.size().astype(np.int64),
            "revenue": grouped["revenue"].sum(),
            "clv_mean": grouped["clv"].mean(),
        }
    )
    order = [s for s in SEGMENTS if s in out.index]
    out = out.reindex(order)
    out.index.name = "segment"
    n, total = max(len(frame), 1), float(revenue.sum())
    out.insert(1, "customer_share", out["customers"] / n)
    out.insert(3, "revenue_share", out["revenue"] / total if total else np.nan)
    out.insert(4, "revenue_per_customer", out["revenue"] / out["customers"])
    out["rule"] = pd.array([SEGMENTS[s] for s in out.index], dtype=object)
    out["action"] = pd.array([SEGMENT_ACTIONS[s] for s in out.index], dtype=object)
    return out
