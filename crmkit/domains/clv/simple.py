"""The simple, retention-based customer lifetime value and its before/after comparison.

:func:`simple_clv` is Gupta & Lehmann's m · r / (1 + d − r), :func:`simple_clv_table` the same
per row; :func:`simple_clv_summary` gives its inputs and value per window on comparable
definitions, and :func:`compare_average_clv` tests the change of the ``average_clv`` KPI.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import special

from crmkit.data.config import Assessment
from crmkit.domains import customers as cu
from crmkit.stats import comparable
from crmkit.stats.impact import CHANGE_COLUMNS
from crmkit.stats.impact.notes import (
    AgeMixesDiffer,
    NoPositiveClv,
    Note,
    SpendWindowDays,
    read_notes,
)
from crmkit.stats.impact.row import insufficient_row, noted_row
from crmkit.stats.primitives import mde_z, z_critical

__all__ = ["compare_average_clv", "simple_clv", "simple_clv_summary", "simple_clv_table"]


def simple_clv(margin_per_period: float, retention_rate: float, *, discount_rate: float) -> float:
    """The retention-based CLV of Gupta & Lehmann (2003): m · r / (1 + d − r).

    Parameters
    ----------
    margin_per_period : float
        Margin (profit, not revenue) a retained customer brings per period, constant.
    retention_rate : float
        Probability that a customer stays from one period to the next, constant, in [0, 1].
    discount_rate : float
        Discount rate per period (> −1; the same period as the margin and retention).

    Returns
    -------
    float
        Present value of the customer's future margins.

    Raises
    ------
    ValueError
        If retention is outside [0, 1] or 1 + d − r ≤ 0.

    Warnings
    --------
    Timing convention: the customer is already acquired today; margins arrive at the end of
    each period the customer survives, the first one after one period (so the first margin
    counts with weight r/(1+d)). Assumptions: constant margin and retention, an infinite
    horizon, no acquisition cost. The formula is the sum
    :math:`\\sum_{t\\geq 1} m r^t / (1+d)^t`.

    Notes
    -----
    With the margin multiple :math:`r/(1+d-r)`, e.g. r = 0.8 and d = 0.1 give a multiple of
    2.67: such a customer is worth about 2.7 years of margin.

    Examples
    --------
    >>> round(simple_clv(100.0, 0.8, discount_rate=0.1), 4)   # 100 · 0.8 / 0.3
    266.6667
    """
    if not 0 <= retention_rate <= 1:
        raise ValueError(f"retention_rate must be in [0, 1], got {retention_rate!r}")
    if discount_rate <= -1:
        raise ValueError(f"discount_rate must be > -1, got {discount_rate!r}")
    denominator = 1 + discount_rate - retention_rate
    if denominator <= 0:
        raise ValueError("1 + discount_rate − retention_rate must be positive (sum diverges)")
    return float(margin_per_period) * retention_rate / denominator


def simple_clv_table(
    table: pd.DataFrame,
    *,
    discount_rate: float,
    retention_rate: float | None = None,
    margin_column: str = "margin_per_period",
    retention_column: str = "retention_rate",
) -> pd.DataFrame:
    """:func:`simple_clv` for each row of ``table`` (one row per customer or segment).

    Parameters
    ----------
    table : DataFrame
        With a margin column and, unless ``retention_rate`` is given, a retention column.
    discount_rate : float
        Discount rate per period.
    retention_rate : float, optional
        One retention rate for every row (overrides the column).
    margin_column, retention_column : str
        Column names.

    Returns
    -------
    DataFrame
        On the table's index: ``margin_per_period``, ``retention_rate``, ``multiple``
        (r / (1 + d − r)) and ``clv``.

    Examples
    --------
    >>> t = pd.DataFrame({"margin_per_period": [100.0, 50.0]}, index=["a", "b"])
    >>> simple_clv_table(t, discount_rate=0.1, retention_rate=0.8)["clv"].round(2).tolist()
    [266.67, 133.33]
    """
    if margin_column not in table.columns:
        raise ValueError(f"table needs a {margin_column!r} column")
    if retention_rate is None:
        if retention_column not in table.columns:
            raise ValueError(f"table needs a {retention_column!r} column or retention_rate")
        retention = table[retention_column].to_numpy(dtype=float)
    else:
        retention = np.full(len(table), float(retention_rate))
    margin = table[margin_column].to_numpy(dtype=float)
    multiple = np.array([simple_clv(1.0, r, discount_rate=discount_rate) for r in retention])
    return pd.DataFrame(
        {
            "margin_per_period": margin,
            "retention_rate": retention,
            "multiple": multiple,
            "clv": margin * multiple,
        },
        index=table.index,
    )


class _ClvInputs(NamedTuple):
    """Both windows' inputs of the average simple CLV, on comparable definitions."""

    table: pd.DataFrame  # one row per window, the columns of simple_clv_summary
    log_variance: np.ndarray  # Var(log CLV) per window (spend and retention)
    reason: Note | str | None  # why the windows cannot be compared (a fact), or None


def _clv_inputs(
    orders: pd.DataFrame, customers: pd.DataFrame, assessment: Assessment
) -> _ClvInputs:
    f = assessment.finance
    rates = cu.churn_rates(customers, assessment, orders=orders)
    reason: Note | str | None = None
    if not rates["comparable"].iloc[0]:
        facts = read_notes(rates["reason_facts"].iloc[0])
        reason = facts[0] if facts else rates["reason"].iloc[0]
    days = int(rates["observation_days"].iloc[0])
    scoped = orders.loc[orders["customer_id"].notna()]
    scoped = scoped.loc[cu.control_mask(scoped, assessment.control, customers=customers) == 0]
    order_day = np.floor(cu._days(scoped["order_date"]))
    first = pd.Series(order_day).groupby(scoped["customer_id"].to_numpy()).min()
    created = pd.Series(
        np.floor(cu._days(customers["created_date"])), index=customers["customer_id"].to_numpy()
    )
    created = created[~created.index.duplicated()]
    spend, bands = {}, {}
    for name, window in (("before", assessment.before), ("after", assessment.after)):
        start = cu._day(window.start)
        inside = (order_day >= start) & (order_day < start + max(days, 1))
        per_buyer = scoped.loc[inside].groupby("customer_id", sort=True)["amount"].sum()
        ids = per_buyer.index.to_numpy()
        seen = np.fmin(first.reindex(ids).to_numpy(), created.reindex(ids).to_numpy())
        spend[name] = per_buyer.to_numpy(dtype=float) * cu.DAYS_PER_YEAR / max(days, 1)
        bands[name] = comparable.age_bands(
            np.nan_to_num(start - seen, nan=0.0), inactivity_days=180
        )
    counts = [comparable.band_counts(bands[n]) for n in ("before", "after")]
    overlap = comparable.age_overlap(*counts)
    if reason is None and not overlap >= comparable.MIN_AGE_OVERLAP and len(spend["before"]):
        reason = AgeMixesDiffer(
            customers="buying", shared=float(overlap), needed=comparable.MIN_AGE_OVERLAP
        )
    weights = comparable.overlap_weights(*counts)
    rows, log_variance = [], []
    for name, rate in zip(("before", "after"), rates.itertuples(), strict=True):
        mean, variance, _ = comparable.standardised_mean(spend[name], bands[name], weights)
        retention = float(rate.retention)
        try:
            multiple = simple_clv(1.0, retention, discount_rate=f.discount_rate)
        except ValueError:
            multiple = math.nan
        # d log M / dr = 1/r + 1/(1 + d − r); Var(r) = r² Var(λ) for r = exp(−λ)
        slope = 1 / retention + 1 / (1 + f.discount_rate - retention) if retention > 0 else np.nan
        var_r = retention**2 * float(rate.rate_variance)
        log_variance.append(variance / mean**2 + slope**2 * var_r if mean > 0 else np.nan)
        rows.append(
            {
                "window": name,
                "buyers": len(spend[name]),
                "spend_per_year": mean,
                "gross_margin": f.gross_margin,
                "margin_per_year": f.gross_margin * mean,
                "retention": retention,
                "discount_rate": f.discount_rate,
                "multiple": multiple,
                "clv": f.gross_margin * mean * multiple,
                "observation_days": days,
                "age_overlap": overlap,
                "comparable": reason is None,
                "reason": reason.english() if isinstance(reason, Note) else reason,
            }
        )
    table = pd.DataFrame(rows)
    if reason is not None:
        table[["retention", "multiple", "clv"]] = np.nan
    return _ClvInputs(table, np.array(log_variance, dtype=float), reason)


def simple_clv_summary(
    orders: pd.DataFrame, customers: pd.DataFrame, assessment: Assessment
) -> pd.DataFrame:
    """The simple CLV of a buying customer per window, on comparable definitions.

    Parameters
    ----------
    orders, customers : pandas.DataFrame
        The canonical tables (the CRM units' rows are used).
    assessment : Assessment
        Windows, control group, ``finance.gross_margin`` and ``finance.discount_rate``.

    Returns
    -------
    pandas.DataFrame
        One row per window: ``window``, ``buyers`` (customers with an order in the first
        ``observation_days`` of the window), ``spend_per_year`` (their mean spend over those
        days scaled to a year, standardised to the age mix the two windows share),
        ``gross_margin``, ``margin_per_year`` (their product), ``retention`` (annual,
        :func:`crmkit.domains.customers.churn_rates`), ``discount_rate``, ``multiple``
        (r / (1 + d − r)), ``clv`` (margin_per_year × multiple), ``observation_days``,
        ``age_overlap``, ``comparable`` and ``reason`` (when not comparable, retention,
        multiple and clv are NaN). The CLV is the ``average_clv`` KPI's value
        (:func:`compare_average_clv`).

    Notes
    -----
    :func:`simple_clv` per customer, averaged: the mean of m_i · r/(1+d−r) over buyers is the
    mean margin times the multiple. Both windows use the same observation length (that of
    :func:`crmkit.domains.customers.churn_rates`), the same retention definition and the same
    customer-age mix (:mod:`crmkit.stats.comparable`).
    """
    return _clv_inputs(orders, customers, assessment).table


def compare_average_clv(
    orders: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame,
    alpha: float = 0.05,
) -> pd.DataFrame:
    r"""Compare the average simple CLV of a buying customer before and after go-live.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``, ``amount`` (and the control column).
    assessment : Assessment
        Windows, control group and ``finance``.
    customers : pandas.DataFrame
        ``customer_id``, ``created_date`` (for churn and customer age).
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row with :data:`crmkit.stats.impact.CHANGE_COLUMNS`: ``before``, ``after`` the
        :func:`simple_clv_summary` CLVs; ``change``, ``change_pct`` and their intervals;
        ``test`` "z-test on the log ratio (delta method: spend and retention)",
        ``statistic`` z, ``p_value``; ``effect_size`` the ratio after / before;
        ``n_before``, ``n_after`` buyers. Declined (:func:`crmkit.stats.comparable.decline`, guard
        ``not_comparable``) when churn cannot be compared or the buyers' age mixes share
        less than :data:`crmkit.stats.comparable.MIN_AGE_OVERLAP`.

    Notes
    -----
    CLV = g · S · M(r) with S the standardised mean yearly spend, r the retention and
    :math:`M(r) = r/(1+d-r)`. The retention is estimated, not known, so
    :math:`\mathrm{Var}(\log \mathrm{CLV}) = \mathrm{Var}(S)/S^2 +
    (1/r + 1/(1+d-r))^2\,r^2\,\mathrm{Var}(λ)` (delta method, :math:`r = e^{-λ}`), and
    :math:`z = \log(\mathrm{CLV}_a/\mathrm{CLV}_b)/\sqrt{V_a + V_b}`. Ignoring the
    retention's noise would call a chance wobble of churn a change in value.
    """
    inputs = _clv_inputs(orders, customers, assessment)
    table = inputs.table.set_index("window")
    counts = {"n_before": int(table.loc["before", "buyers"]),
              "n_after": int(table.loc["after", "buyers"])}  # fmt: skip
    if inputs.reason is not None:
        return comparable.decline(inputs.reason, **counts)[list(CHANGE_COLUMNS)]
    before, after = float(table.loc["before", "clv"]), float(table.loc["after", "clv"])
    common = {
        "test": "z-test on the log ratio (delta method: spend and retention)",
        "effect_size_name": "CLV ratio after / before",
        "interval_method": "delta method on log CLV",
        **counts,
    }
    v_b, v_a = (float(v) for v in inputs.log_variance)
    if not (before > 0 and after > 0 and np.isfinite(v_b + v_a) and v_b + v_a > 0):
        return insufficient_row(NoPositiveClv(), before=before, after=after, **common)[
            list(CHANGE_COLUMNS)
        ]
    z = z_critical(alpha)
    se = math.sqrt(v_a + v_b)
    log_ratio = math.log(after / before)
    half = z * math.sqrt(after**2 * v_a + before**2 * v_b)
    change = after - before
    days = int(table.loc["before", "observation_days"])
    return noted_row(
        (SpendWindowDays(days=days),),
        before=before,
        after=after,
        change=change,
        change_pct=after / before - 1,
        ci_low=change - half,
        ci_high=change + half,
        change_pct_ci_low=math.expm1(log_ratio - z * se),
        change_pct_ci_high=math.expm1(log_ratio + z * se),
        statistic=log_ratio / se,
        p_value=float(2 * special.ndtr(-abs(log_ratio) / se)),
        effect_size=after / before,
        mde=mde_z(math.sqrt(after**2 * v_a + before**2 * v_b), alpha),
        **common,
    )[list(CHANGE_COLUMNS)]
