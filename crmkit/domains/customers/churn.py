"""Churn dates: from the churn register or inferred from inactivity.

``source="auto"`` takes the churn register when the customers table has a ``churned_date``
column holding at least one date: a customer churns on that date, and a customer without one
is active. Otherwise churn is inferred from inactivity: a customer lapses when more than
``inactivity_days`` (default 180) pass after an activity (the creation date, or an order)
without another order; the churn date is that last activity (back-dated, so the churn falls
in the window where the customer actually stopped), and only lapses complete by the data's
end can be seen, so follow-up for inactivity churn ends ``inactivity_days`` before the data's
end. A customer created before the order history begins counts as active on its first day.
The first lapse ends the relationship for churn; a customer who comes back later is "won
back" in :func:`crmkit.domains.customers.revenue_by_relationship`. The two sources are never
mixed per customer: in a register, a customer without a ``churned_date`` is active, however
long they went without ordering.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from crmkit.domains.customers.inputs import (
    _check_days,
    _require,
    day_number,
    day_numbers,
    to_dates,
)
from crmkit.stats.comparable import INACTIVITY_DAYS

#: Where churn comes from: ``auto`` (register if present, else inactivity) or either one.
CHURN_SOURCES = ("auto", "churned_date", "inactivity")


def _data_end(
    customers: pd.DataFrame, orders: pd.DataFrame | None, source: str, data_end: Any
) -> float:
    if data_end is not None:
        return day_number(data_end)
    candidates = []
    if orders is not None and len(orders):
        candidates.append(np.nanmax(day_numbers(orders["order_date"])))
    if source == "churned_date":
        for column in ("created_date", "churned_date"):
            if column in customers.columns and customers[column].notna().any():
                candidates.append(np.nanmax(day_numbers(customers[column])))
    if not candidates:
        raise ValueError("cannot tell where the data end: give data_end or an orders table")
    return float(np.floor(max(candidates)))


def _resolve_source(customers: pd.DataFrame, orders: pd.DataFrame | None, source: str) -> str:
    if source not in CHURN_SOURCES:
        raise ValueError(
            f"source must be one of {', '.join(map(repr, CHURN_SOURCES))}, got {source!r}"
        )
    if source == "auto":
        has_register = (
            "churned_date" in customers.columns and customers["churned_date"].notna().any()
        )
        source = "churned_date" if has_register else "inactivity"
    if source == "churned_date" and "churned_date" not in customers.columns:
        raise ValueError("the customers table has no column 'churned_date'")
    if source == "inactivity":
        _require(orders, "orders", ("customer_id", "order_date"))
    return source


class _Churn(NamedTuple):
    ids: np.ndarray  # customer_id, one per customer (first occurrence)
    created: np.ndarray  # day numbers
    churn: np.ndarray  # day numbers, NaN when not churned by the horizon
    horizon: float  # last day on which a churn can be seen
    source: str


class _Base(NamedTuple):
    customers: pd.DataFrame  # one row per customer (first occurrence)
    ids: np.ndarray  # customer_id
    created: np.ndarray  # day numbers
    end: float  # the data's last day
    inactivity_days: int
    source: str  # "churned_date" or "inactivity"

    def register(self) -> np.ndarray:
        """The register's churn days (NaN when none, or after the data's end)."""
        churn = np.floor(day_numbers(self.customers["churned_date"]))
        churn[churn > self.end] = np.nan
        return churn


def _base(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None,
    *,
    inactivity_days: int,
    source: str,
    data_end: Any,
) -> _Base:
    """The customers, their creation days and the data's end, with the checked options."""
    _require(customers, "customers", ("customer_id", "created_date"))
    inactivity_days = _check_days(inactivity_days, "inactivity_days")
    source = _resolve_source(customers, orders, source)
    unique = customers.drop_duplicates("customer_id")
    ids = unique["customer_id"].to_numpy()
    created = np.floor(day_numbers(unique["created_date"]))
    end = _data_end(unique, orders, source, data_end)
    return _Base(unique, ids, created, end, inactivity_days, source)


def _churn(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None,
    *,
    inactivity_days: int,
    source: str,
    data_end: Any,
) -> _Churn:
    base = _base(
        customers, orders, inactivity_days=inactivity_days, source=source, data_end=data_end
    )
    ids, created, end, inactivity_days = base.ids, base.created, base.end, base.inactivity_days
    if base.source == "churned_date":
        return _Churn(ids, created, base.register(), end, base.source)

    if orders is None:  # unreachable: _resolve_source requires orders for inactivity
        raise ValueError("inactivity churn needs the orders table")
    position = pd.Index(ids).get_indexer(orders["customer_id"].to_numpy())
    order_day = np.floor(day_numbers(orders["order_date"]))
    known = (position >= 0) & ~np.isnan(order_day)
    start = float(np.nanmin(order_day[known])) if known.any() else end
    n = len(ids)
    anchor = np.maximum(created, start)  # existing customers: active when the history begins
    code = np.concatenate([np.arange(n), position[known]])
    day = np.concatenate([anchor, order_day[known]])
    valid = ~np.isnan(day)
    valid[n:] &= day[n:] >= anchor[code[n:]]  # orders dated before the customer's anchor
    code, day = code[valid], day[valid]
    order = np.lexsort((day, code))
    code, day = code[order], day[order]
    distinct = np.r_[True, (code[1:] != code[:-1]) | (day[1:] != day[:-1])]
    code, day = code[distinct], day[distinct]
    same_next = np.r_[code[1:] == code[:-1], False]
    next_day = np.where(same_next, np.r_[day[1:], np.inf], np.inf)
    lapse = np.where(
        np.isinf(next_day), day + inactivity_days <= end, next_day - day > inactivity_days
    )
    first = pd.Series(day[lapse]).groupby(code[lapse]).min()
    churn = np.full(n, np.nan)
    churn[first.index.to_numpy()] = first.to_numpy()
    return _Churn(ids, created, churn, end - inactivity_days, base.source)


def churn_dates(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None = None,
    *,
    inactivity_days: int = INACTIVITY_DAYS,
    source: Literal["auto", "churned_date", "inactivity"] = "auto",
    data_end: dt.date | str | None = None,
) -> pd.DataFrame:
    """Each customer's churn date, from the churn register or from inactivity.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id``, ``created_date`` and, for the register, ``churned_date``.
    orders : pandas.DataFrame, optional
        ``customer_id``, ``order_date``; needed for inactivity churn.
    inactivity_days : int, default 180
        A customer lapses when more than this many days pass after an activity without an
        order (inactivity churn only). Choose it well above the usual time between a
        customer's purchases (e.g. its 90th percentile, :func:`loyalty_metrics`), or slow
        buyers count as lost.
    source : {"auto", "churned_date", "inactivity"}, default "auto"
        See the module docstring: the register when ``churned_date`` holds any date, else
        inactivity.
    data_end : date, optional
        The data's last day (the export date). Default: the latest order date (and, for the
        register, the latest created or churned date).

    Returns
    -------
    pandas.DataFrame
        One row per customer (first occurrence of each ``customer_id``):

        - ``customer_id``, ``created_date``;
        - ``churn_date``: the churn date (NaT while active, or when the churn is not yet
          observable);
        - ``churned``: whether a churn date was found;
        - ``observed_until``: the last day a churn can be seen (the data's end for the
          register; ``inactivity_days`` earlier for inactivity), the same on every row;
        - ``source``: "churned_date" or "inactivity".

    Notes
    -----
    Inactivity: with a customer's activity days :math:`a_1 < a_2 < …` (its creation day, or
    the first day of the order history if it was created earlier, then its order days), the
    churn date is the first :math:`a_j` with :math:`a_{j+1} - a_j >` ``inactivity_days``, or
    with no next order and :math:`a_j +` ``inactivity_days`` :math:`\\le` the data's end.

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2009). Probability models for customer-base analysis.
    Journal of Interactive Marketing 23, 61–69 (why "lapsed" is a definition in non-contractual
    settings).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": ["A", "B"],
    ...     "created_date": pd.to_datetime(["2024-01-01", "2024-01-01"])})
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "B", "B"],
    ...     "order_date": pd.to_datetime(["2024-02-01", "2024-12-01", "2024-03-01", "2024-05-01"])})
    >>> out = churn_dates(customers, orders, inactivity_days=180, data_end="2025-06-30")
    >>> out["churn_date"].dt.strftime("%Y-%m-%d").fillna("active").tolist()
    ['2024-02-01', '2024-05-01']
    """
    churn = _churn(
        customers, orders, inactivity_days=inactivity_days, source=source, data_end=data_end
    )
    n = len(churn.ids)
    return pd.DataFrame(
        {
            "customer_id": churn.ids,
            "created_date": to_dates(churn.created),
            "churn_date": to_dates(churn.churn),
            "churned": ~np.isnan(churn.churn),
            "observed_until": np.repeat(to_dates(np.array([churn.horizon])), n),
            "source": [churn.source] * n,
        }
    )
