"""Acquisition cohorts: the share of each month's (or quarter's) new customers still active k
periods on, and the comparison of cohorts acquired after go-live with those before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment
from crmkit.domains.customers.churn import _churn
from crmkit.domains.customers.inputs import (
    _require,
    _window_days,
    _windows,
    day_number,
    day_numbers,
    to_dates,
)
from crmkit.domains.customers.scope import Scope, _check_scope, _in_scope
from crmkit.stats.comparable import INACTIVITY_DAYS
from crmkit.stats.impact import (
    compare_proportions,
)
from crmkit.stats.primitives import check_alpha as _check_alpha
from crmkit.stats.primitives import wilson_intervals as _wilson


def _period_ordinal(days: np.ndarray, freq: str) -> np.ndarray:
    """Calendar month (or quarter) number of each day number (NaN stays NaN)."""
    ok = ~np.isnan(days)
    out = np.full(days.shape, np.nan)
    months = to_dates(days[ok]).astype("datetime64[M]").astype(np.int64)
    out[ok] = months if freq == "M" else months // 3
    return out


def _period_start(ordinal: np.ndarray, freq: str) -> np.ndarray:
    months = np.asarray(ordinal, dtype=np.int64) * (1 if freq == "M" else 3)
    return months.astype("datetime64[M]").astype("datetime64[ns]")


def _period_end_day(ordinal: np.ndarray, freq: str) -> np.ndarray:
    """Day number of the last day of each period."""
    step = 1 if freq == "M" else 3
    months = (np.asarray(ordinal, dtype=np.int64) + 1) * step
    first_next = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return first_next.astype(float) - 1


class _Cohorts(NamedTuple):
    cohort: np.ndarray  # acquisition period ordinal per customer (NaN: no creation date)
    observed: np.ndarray  # per customer: created on or after the data's history starts
    last: float  # the last fully observed period
    who: np.ndarray  # "ordered": customer positions of the (customer, period) pairs ordered in
    k: np.ndarray  # "ordered": periods since acquisition of those pairs
    gone: np.ndarray  # "retained": churn day per customer (inf while active)
    freq: str
    measure: str

    def active(self, period: int) -> np.ndarray:
        """Per customer: active in ``period`` periods after its acquisition period."""
        if self.measure == "retained":
            return self.gone > _period_end_day(np.nan_to_num(self.cohort) + period, self.freq)
        flags = np.zeros(len(self.cohort), dtype=bool)
        flags[self.who[self.k == period]] = True
        return flags


def _history_start(customers: pd.DataFrame, orders: pd.DataFrame | None) -> float:
    """First day the data follow customers: the first order, else the first churn recorded."""
    if orders is not None and len(orders):
        return float(np.nanmin(np.floor(day_numbers(orders["order_date"]))))
    if "churned_date" in customers.columns and customers["churned_date"].notna().any():
        return float(np.nanmin(np.floor(day_numbers(customers["churned_date"]))))
    return float(np.nanmin(np.floor(day_numbers(customers["created_date"]))))


def _last_full_period(end: float, freq: str) -> float:
    last = _period_ordinal(np.array([end]), freq)[0]
    if _period_end_day(np.array([last]), freq)[0] > end:
        last -= 1
    return float(last)


def _cohorts(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None,
    *,
    freq: str,
    measure: str,
    data_end: Any,
    inactivity_days: int,
    source: str,
) -> _Cohorts:
    if freq not in ("M", "Q"):
        raise ValueError(f"freq must be 'M' (months) or 'Q' (quarters), got {freq!r}")
    if measure not in ("ordered", "retained"):
        raise ValueError(f"measure must be 'ordered' or 'retained', got {measure!r}")
    customers = customers.drop_duplicates("customer_id")
    created = np.floor(day_numbers(customers["created_date"]))
    cohort = _period_ordinal(created, freq)
    observed = created >= _history_start(customers, orders)
    empty = np.array([], dtype=float)
    if measure == "retained":
        churn = _churn(
            customers, orders, inactivity_days=inactivity_days, source=source, data_end=data_end
        )
        gone = np.where(np.isnan(churn.churn), np.inf, churn.churn)
        last = _last_full_period(churn.horizon, freq)
        return _Cohorts(cohort, observed, last, empty.astype(np.int64), empty, gone, freq, measure)
    orders = _require(orders, "orders", ("customer_id", "order_date"))
    order_day = np.floor(day_numbers(orders["order_date"]))
    end = day_number(data_end) if data_end is not None else float(np.nanmax(order_day))
    position = pd.Index(customers["customer_id"]).get_indexer(orders["customer_id"].to_numpy())
    period = _period_ordinal(order_day, freq)
    ok = (position >= 0) & ~np.isnan(period)
    offset = period[ok] - cohort[position[ok]]
    good = (offset >= 0) & ~np.isnan(offset)
    pairs = np.unique(position[ok][good].astype(np.int64) * 100_000 + offset[good].astype(np.int64))
    return _Cohorts(
        cohort,
        observed,
        _last_full_period(end, freq),
        pairs // 100_000,
        (pairs % 100_000).astype(float),
        np.full(len(cohort), np.inf),
        freq,
        measure,
    )


def cohort_retention(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None = None,
    *,
    freq: Literal["M", "Q"] = "M",
    measure: Literal["ordered", "retained"] = "ordered",
    data_end: dt.date | str | None = None,
    inactivity_days: int = INACTIVITY_DAYS,
    source: Literal["auto", "churned_date", "inactivity"] = "auto",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Acquisition cohorts × periods since acquisition: the share of each cohort still active.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id``, ``created_date`` (filter it to the units wanted first).
    orders : pandas.DataFrame, optional
        ``customer_id``, ``order_date``; needed for ``measure="ordered"`` and for inactivity
        churn.
    freq : {"M", "Q"}, default "M"
        Cohorts and periods are calendar months or quarters.
    measure : {"ordered", "retained"}, default "ordered"
        "ordered": the share of the cohort that placed an order in period k after its
        acquisition period (k = 0 is the acquisition period) — purchase activity;
        "retained": the share still a customer (not churned, :func:`churn_dates`) at the end
        of period k — the relationship.
    data_end : date, optional
        The data's last day; only periods that ended by then are shown (default: the latest
        order date, or for "retained" the end of churn follow-up).
    inactivity_days, source
        As :func:`churn_dates` (``measure="retained"`` only).
    alpha : float, default 0.05
        The Wilson intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        Long form, one row per cohort and period that is fully observed, sorted:

        - ``cohort``: first day of the acquisition month (quarter);
        - ``period``: periods since acquisition (0, 1, 2 …);
        - ``cohort_size``: customers acquired in the cohort;
        - ``active``: of them, those that ordered in (or were still customers at the end of)
          the period; ``share`` = active / cohort_size; ``ci_low``, ``ci_high``: Wilson;
        - ``measure``: "ordered" or "retained".

        :func:`cohort_matrix` pivots it into a cohort × period table for a heatmap.

    Notes
    -----
    Period k of a customer acquired in month c is calendar month c + k, whatever the day of
    acquisition, as the usual cohort tables count it; a customer acquired late in a month has
    less of period 0 to order in.

    Only customers acquired on or after the first day of the data's history (the first order,
    or without orders the first recorded churn) are counted: for older customers the early
    periods are not in the data, and a customers table exported today usually holds only
    the old customers who were still there when the history began, which would overstate
    their retention.

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. Journal of
    Interactive Marketing 21, 76–90.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...     "created_date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03"])})
    >>> orders = pd.DataFrame({"customer_id": ["A", "B", "A", "C"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-01-25", "2024-02-10", "2024-03-01"])})
    >>> cohort_retention(customers, orders, data_end="2024-03-31")[["period", "cohort_size", "active"]].to_dict("list")
    {'period': [0, 1, 2, 0, 1], 'cohort_size': [2, 2, 2, 1, 1], 'active': [2, 1, 0, 0, 1]}
    """
    _check_alpha(alpha)
    _require(customers, "customers", ("customer_id", "created_date"))
    data = _cohorts(
        customers,
        orders,
        freq=freq,
        measure=measure,
        data_end=data_end,
        inactivity_days=inactivity_days,
        source=source,
    )
    cohort, last = data.cohort, data.last
    valid = data.observed & (cohort <= last)
    cohorts, sizes = np.unique(cohort[valid], return_counts=True)
    spans = (last - cohorts + 1).astype(np.int64)
    grid_cohort = np.repeat(cohorts, spans)
    grid_period = (np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)).astype(
        float
    )
    grid_size = np.repeat(sizes, spans)
    slot = np.repeat(np.arange(len(cohorts)), spans)  # index of each grid row's cohort
    if measure == "ordered":
        pairs = pd.Series(1, index=pd.MultiIndex.from_arrays([cohort[data.who], data.k]))
        counts = pairs.groupby(level=[0, 1]).sum()
        key = pd.MultiIndex.from_arrays([grid_cohort, grid_period])
        active = counts.reindex(key, fill_value=0).to_numpy(dtype=np.int64)
    else:
        # active = cohort size − customers of the cohort churned by the period's last day
        member = np.searchsorted(cohorts, cohort[valid])
        width = 10.0**7  # day numbers stay far below this
        gone = np.minimum(data.gone[valid], width - 1)
        keys = np.sort(member * width + gone)
        ends = _period_end_day(grid_cohort + grid_period, freq)
        churned = np.searchsorted(keys, slot * width + ends, side="right") - np.searchsorted(
            keys, slot * width, side="left"
        )
        active = (grid_size - churned).astype(np.int64)
    low, high = _wilson(active, grid_size, alpha)
    return pd.DataFrame(
        {
            "cohort": _period_start(grid_cohort, freq),
            "period": grid_period.astype(np.int64),
            "cohort_size": grid_size.astype(np.int64),
            "active": active,
            "share": active / grid_size,
            "ci_low": low,
            "ci_high": high,
            "measure": measure,
        }
    )


def cohort_matrix(cohorts: pd.DataFrame, *, value: str = "share") -> pd.DataFrame:
    """Pivot :func:`cohort_retention`'s long form into cohort × period (for a heatmap).

    Parameters
    ----------
    cohorts : pandas.DataFrame
        The result of :func:`cohort_retention`.
    value : str, default "share"
        The column shown in the cells ("share", "active", "ci_low" …).

    Returns
    -------
    pandas.DataFrame
        Index ``cohort`` (first day of the acquisition period), columns ``period`` (0, 1, …),
        cells ``value``; NaN where the period has not been observed yet (the triangle).

    Examples
    --------
    >>> long = pd.DataFrame({"cohort": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01"]),
    ...                      "period": [0, 1, 0], "share": [1.0, 0.5, 0.0]})
    >>> cohort_matrix(long).to_numpy().tolist()
    [[1.0, 0.5], [0.0, nan]]
    """
    return cohorts.pivot(index="cohort", columns="period", values=value)


def compare_cohorts(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None,
    assessment: Assessment,
    *,
    periods: Sequence[int] = (3, 6),
    freq: Literal["M", "Q"] = "M",
    measure: Literal["ordered", "retained"] = "ordered",
    scope: Scope = "crm",
    data_end: dt.date | str | None = None,
    inactivity_days: int = INACTIVITY_DAYS,
    source: Literal["auto", "churned_date", "inactivity"] = "auto",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Retention k periods after acquisition: customers acquired after go-live vs before.

    Parameters
    ----------
    customers, orders
        As :func:`cohort_retention` (the whole tables; ``scope`` selects the units).
    assessment : Assessment
        Customers created in the before window form the "before" cohorts, those created in
        the after window the "after" cohorts.
    periods : sequence of int, default (3, 6)
        The periods since acquisition compared (month 3 and month 6).
    freq, measure, data_end, inactivity_days, source
        As :func:`cohort_retention`.
    scope : {"crm", "control", "all"}, default "crm"
        Which customers (see the module docstring).
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period``, then :data:`crmkit.stats.impact.CHANGE_COLUMNS` from
        :func:`crmkit.stats.impact.compare_proportions` on (customers active in period k) /
        (customers of the window's cohorts whose period k has been observed). A period not
        yet observed for any after cohort gives an "insufficient data" row.

    Notes
    -----
    Only cohorts whose period k ended by the data's end count, so late after-window cohorts
    drop out of the longer periods and those comparisons rest on fewer customers; and the
    two windows' cohorts then reach period k in different calendar months, so seasonality
    can pass for a change. Cohorts acquired before the data's history begins are left out
    (see :func:`cohort_retention`).

    References
    ----------
    Newcombe, R. G. (1998). Statistics in Medicine 17, 873–890 (the interval of the
    difference).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> customers = pd.DataFrame({"customer_id": ["A", "B", "C", "D"],
    ...     "created_date": pd.to_datetime(["2024-01-05", "2024-02-01", "2025-01-10", "2025-02-01"])})
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "C", "D"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-04-02", "2025-04-20", "2025-05-03"])})
    >>> compare_cohorts(customers, orders, a, periods=[3], data_end="2025-12-31")[["period", "before", "after"]].to_dict("list")
    {'period': [3], 'before': [0.5], 'after': [1.0]}
    """
    _check_alpha(alpha)
    _check_scope(scope)
    _require(customers, "customers", ("customer_id", "created_date"))
    keep = _in_scope(customers, assessment.control, scope, orders=orders)
    scoped = customers.loc[keep].drop_duplicates("customer_id")
    data = _cohorts(
        scoped,
        orders,
        freq=freq,
        measure=measure,
        data_end=data_end,
        inactivity_days=inactivity_days,
        source=source,
    )
    created = np.floor(day_numbers(scoped["created_date"]))
    frames = []
    for period in periods:
        active = data.active(int(period))
        counts = []
        for _, window in _windows(assessment):
            start, stop = _window_days(window)
            member = (created >= start) & (created < stop) & data.observed
            member &= data.cohort + period <= data.last
            counts.append((int((member & active).sum()), int(member.sum())))
        (x_b, n_b), (x_a, n_a) = counts
        row = compare_proportions(x_b, n_b, x_a, n_a, alpha=alpha)
        frames.append(pd.concat([pd.DataFrame({"period": [int(period)]}), row], axis=1))
    return pd.concat(frames, ignore_index=True)
