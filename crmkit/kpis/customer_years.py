"""Exposure in active customer-years, and events per customer-year.

The denominator of the per-customer rates (purchase frequency, tickets per customer): a
customer counts for the days of the window on which they were a customer, so a growing or
churning base does not move the rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.data.config import Control, Window
from crmkit.kpis.definition import Rate, Tables
from crmkit.kpis.scope import crm_rows
from crmkit.kpis.windows import as_ns, in_window
from crmkit.stats.comparable import INACTIVITY_DAYS

_DAYS_PER_YEAR = 365.0  # customer-years, as the demo's truth counts them


def _churn_recorded(customers: pd.DataFrame) -> bool:
    return "churned_date" in customers and bool(customers["churned_date"].notna().any())


def _customer_years(
    tables: Tables, window: Window, exclude: Control | None
) -> tuple[pd.Series, pd.Series | None]:
    """Each CRM customer's years active in the window (index customer_id; only > 0).

    Returns the years and, where activity is judged by inactivity, the first day on which each
    customer's activity can be known (else None).

    Active from ``created_date`` (inclusive) until ``churned_date`` (exclusive; empty: still
    active), clipped to the window's days; years of 365 days. Where the customers table records
    no churn at all (no ``churned_date`` column, or every cell empty) and orders are given, a
    customer is active on the days within :data:`~crmkit.stats.comparable.INACTIVITY_DAYS` after
    their creation or one of their orders — the churn KPI's rule — so that customers who left
    without a word do not count as customers for ever (which would make every per-customer
    rate fall as the history grows, whatever the CRM does). For a customer created before the
    orders' history begins, activity can be known only from ``INACTIVITY_DAYS`` after that
    beginning: days and events before it are left out of the rate, in both windows alike
    (otherwise the days before their first order seen would be missing from the exposure and
    the first window's rate would be too high).
    """
    customers = crm_rows(tables["customers"], tables, exclude)
    start = np.datetime64(pd.Timestamp(window.start), "ns")
    stop = np.datetime64(pd.Timestamp(window.end) + pd.Timedelta(days=1), "ns")
    orders = tables.get("orders")
    if not _churn_recorded(tables["customers"]) and orders is not None and len(orders):
        return _active_years_by_inactivity(customers, orders, start, stop)
    begins = np.maximum(as_ns(customers["created_date"]), start)
    if "churned_date" in customers:
        churned = as_ns(customers["churned_date"])
        ends = np.where(np.isnat(churned), stop, np.minimum(churned, stop))
    else:
        ends = np.full(len(customers), stop)
    days = (ends - begins) / np.timedelta64(1, "D")
    years = pd.Series(days / _DAYS_PER_YEAR, index=customers["customer_id"].to_numpy())
    years = years[years > 0]
    years.index.name = "customer_id"
    return years.groupby(level=0).sum(), None


def _active_years_by_inactivity(
    customers: pd.DataFrame, orders: pd.DataFrame, start: np.datetime64, stop: np.datetime64
) -> tuple[pd.Series, pd.Series]:
    """Years each customer is active in [start, stop) by the inactivity rule, and from when.

    Every activity a_j (creation or order, sorted per customer) opens the interval
    [a_j, min(a_j + INACTIVITY_DAYS, a_(j+1))); the intervals are disjoint, and their parts
    inside the window, from the day the customer's activity can be known, add up to the
    customer's active days.
    """
    history = as_ns(orders["order_date"])
    history_start = history[~np.isnat(history)].min()
    created = as_ns(customers["created_date"])
    lapse_days = np.timedelta64(INACTIVITY_DAYS, "D")
    known = np.where(created < history_start, history_start + lapse_days, created)
    known_from = pd.Series(known, index=pd.Index(customers["customer_id"], name="customer_id"))
    known_from = known_from.groupby(level=0, sort=False).min()
    ids = customers["customer_id"]
    linked = orders["customer_id"].isin(ids)
    events = pd.DataFrame(
        {
            "customer_id": np.concatenate(
                [ids.to_numpy(object), orders.loc[linked, "customer_id"].to_numpy(object)]
            ),
            "day": np.concatenate([created, as_ns(orders.loc[linked, "order_date"])]),
        }
    )
    events = events.loc[~np.isnat(events["day"].to_numpy("datetime64[ns]"))]
    events = events.sort_values(["customer_id", "day"], kind="stable")
    day = events["day"].to_numpy("datetime64[ns]")
    same = events["customer_id"].to_numpy(object)
    following = np.empty_like(day)
    following[:-1] = day[1:]
    last = np.ones(len(day), dtype=bool)
    last[:-1] = same[1:] != same[:-1]
    lapse = day + lapse_days
    ends = np.minimum(np.where(last, lapse, np.minimum(lapse, following)), stop)
    first_known = known_from.reindex(same).to_numpy("datetime64[ns]")
    begins = np.maximum(np.maximum(day, start), first_known)
    days = np.maximum((ends - begins) / np.timedelta64(1, "D"), 0.0)
    years = pd.Series(days / _DAYS_PER_YEAR, index=pd.Index(same, name="customer_id"))
    years = years.groupby(level=0, sort=False).sum()
    return years[years > 0], known_from


def per_customer_year(
    tables: Tables, window: Window, exclude: Control | None, table: str, date_column: str
) -> Rate:
    """Rows of ``table`` dated in the window per active customer-year of the CRM customers."""
    exposure, known_from = _customer_years(tables, window, exclude)
    frame = tables[table]
    rows = frame.loc[in_window(frame[date_column], window), ["customer_id", date_column]]
    if known_from is not None:  # events before a customer's activity can be known are left out
        first = known_from.reindex(rows["customer_id"]).to_numpy("datetime64[ns]")
        rows = rows.loc[~(as_ns(rows[date_column]) < first)]
    positions = exposure.index.get_indexer(rows["customer_id"].to_numpy())
    events = np.bincount(positions[positions >= 0], minlength=len(exposure))
    by_customer = pd.DataFrame(
        {"events": events.astype("float64"), "exposure": exposure.to_numpy()},
        index=exposure.index,
    )
    return Rate(
        events=float(by_customer["events"].sum()),
        exposure=float(by_customer["exposure"].sum()),
        per=1.0,
        by_unit=by_customer,
    )
