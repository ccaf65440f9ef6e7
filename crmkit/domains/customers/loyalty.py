"""Purchase loyalty per window: repeat-purchase rate, time between purchases, spend per buyer.

The unit of observation is the buying customer, not the order.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment, Control, Window
from crmkit.domains.customers.inputs import (
    _require,
    _window_days,
    _windows,
    day_numbers,
)
from crmkit.domains.customers.scope import Scope, _check_scope, _in_scope
from crmkit.kpis import get_kpi
from crmkit.stats.impact import (
    CHANGE_COLUMNS,
    compare_means,
    compare_medians,
    compare_proportions,
)
from crmkit.stats.primitives import check_alpha as _check_alpha
from crmkit.stats.primitives import wilson_interval


def _window_orders(
    orders: pd.DataFrame,
    window: Window,
    control: Control | None,
    scope: str,
    customers: pd.DataFrame | None,
) -> pd.DataFrame:
    days = day_numbers(orders["order_date"])
    start, stop = _window_days(window)
    keep = (days >= start) & (days < stop) & orders["customer_id"].notna().to_numpy()
    keep &= _in_scope(orders, control, scope, customers=customers)
    return orders.loc[keep]


def _per_customer(rows: pd.DataFrame) -> pd.DataFrame:
    """Orders, spend, and median days between consecutive order days, per customer."""
    codes, ids = pd.factorize(rows["customer_id"])
    n = len(ids)
    amount = rows["amount"].to_numpy(dtype=float, na_value=np.nan) if "amount" in rows else None
    orders = np.bincount(codes, minlength=n)
    spend = (
        np.bincount(codes, weights=np.nan_to_num(amount), minlength=n)
        if amount is not None
        else np.full(n, np.nan)
    )
    day = np.floor(day_numbers(rows["order_date"]))
    key = np.unique(codes.astype(np.int64) * 10**6 + day.astype(np.int64))  # distinct days
    code_u, day_u = key // 10**6, key % 10**6
    same = code_u[1:] == code_u[:-1]
    gaps = pd.Series((day_u[1:] - day_u[:-1])[same].astype(float))
    interval = gaps.groupby(code_u[1:][same]).median().reindex(np.arange(n)).to_numpy()
    return pd.DataFrame(
        {"customer_id": ids, "orders": orders, "spend": spend, "interval_days": interval}
    )


def loyalty_metrics(
    orders: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Scope = "crm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Purchase loyalty per window: repeat-purchase rate, purchase interval, spend per customer.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``, ``amount`` (and the control column, e.g. ``region``).
    assessment : Assessment
        Supplies the windows and the control group.
    customers : pandas.DataFrame, optional
        To place orders in the control group through their customer.
    scope : {"crm", "control", "all"}, default "crm"
        Which orders (see the module docstring).
    alpha : float, default 0.05
        The repeat rate's interval has level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row per window ("before", "after"):

        - ``window``, ``start``, ``end``;
        - ``buyers``: customers with at least one order in the window; ``orders``;
          ``revenue``: their sum of ``amount``;
        - ``repeat_buyers``: buyers with two or more orders; ``repeat_rate`` =
          repeat_buyers / buyers; ``repeat_rate_ci_low``, ``repeat_rate_ci_high``: Wilson;
        - ``orders_per_buyer`` = orders / buyers; ``spend_per_buyer`` = revenue / buyers;
        - ``purchase_interval_days``: the median, over customers who bought on at least two
          different days, of each customer's median number of days between consecutive
          order days in the window; ``interval_customers``: how many such customers.

    Notes
    -----
    Orders placed on the same day count as separate orders for the repeat rate but as one
    purchase day for the interval (so split deliveries do not make zero-day intervals). The
    interval only sees gaps that fit in the window, so compare windows of equal length.

    References
    ----------
    Kumar, V. & Reinartz, W. (2018). Customer Relationship Management, 3rd ed. Springer,
    ch. 6 (loyalty: purchase frequency, recency, spend).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "B", "A", "B", "B"],
    ...     "order_date": pd.to_datetime(["2024-01-10", "2024-03-10", "2024-05-01",
    ...                                   "2025-02-01", "2025-02-01", "2025-04-02"]),
    ...     "amount": [100.0, 50.0, 30.0, 80.0, 20.0, 40.0]})
    >>> loyalty_metrics(orders, a)[["window", "buyers", "repeat_rate", "purchase_interval_days"]].to_dict("list")
    {'window': ['before', 'after'], 'buyers': [2, 2], 'repeat_rate': [0.5, 0.5], 'purchase_interval_days': [60.0, 60.0]}
    """
    _check_alpha(alpha)
    _check_scope(scope)
    _require(orders, "orders", ("customer_id", "order_date", "amount"))
    rows = []
    for name, window in _windows(assessment):
        per = _per_customer(_window_orders(orders, window, assessment.control, scope, customers))
        buyers = len(per)
        repeat = int((per["orders"] >= 2).sum())
        low, high = wilson_interval(repeat, buyers, alpha=alpha)
        n_orders = int(per["orders"].sum())
        revenue = float(per["spend"].sum())
        intervals = per["interval_days"].dropna()
        rows.append(
            {
                "window": name,
                "start": pd.Timestamp(window.start),
                "end": pd.Timestamp(window.end),
                "buyers": buyers,
                "orders": n_orders,
                "revenue": revenue,
                "repeat_buyers": repeat,
                "repeat_rate": repeat / buyers if buyers else math.nan,
                "repeat_rate_ci_low": low,
                "repeat_rate_ci_high": high,
                "orders_per_buyer": n_orders / buyers if buyers else math.nan,
                "spend_per_buyer": revenue / buyers if buyers else math.nan,
                "purchase_interval_days": float(intervals.median()) if len(intervals) else math.nan,
                "interval_customers": len(intervals),
            }
        )
    return pd.DataFrame(rows)


def compare_loyalty(
    orders: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Scope = "crm",
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """Repeat-purchase rate, purchase interval and spend per customer, before vs after go-live.

    Parameters
    ----------
    orders, assessment, customers, scope
        As :func:`loyalty_metrics`.
    alpha : float, default 0.05
        Significance level of each test (not corrected across KPIs).
    seed : int, default 0
        Seed of any bootstrap interval (small samples).

    Returns
    -------
    pandas.DataFrame
        Three rows, ``kpi`` = "repeat_purchase_rate"
        (:func:`crmkit.stats.impact.compare_proportions` on repeat buyers / buyers),
        "purchase_interval_days" (:func:`crmkit.stats.impact.compare_medians` on each customer's
        median interval) and "spend_per_customer" (:func:`crmkit.stats.impact.compare_means` on each
        buyer's spend in the window). Columns: ``kpi``, ``label``, ``unit``, ``direction``
        ("higher", "lower", "higher"), then :data:`crmkit.stats.impact.CHANGE_COLUMNS`.

    Notes
    -----
    The unit of observation is the customer, not the order, so a few large customers who
    order often do not pass for many independent observations.

    References
    ----------
    See :func:`crmkit.stats.impact.compare_proportions`, :func:`crmkit.stats.impact.compare_medians`
    and :func:`crmkit.stats.impact.compare_means`.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> orders = pd.DataFrame({"customer_id": list("AABCAABBC"),
    ...     "order_date": pd.to_datetime(["2024-01-10", "2024-03-10", "2024-05-01", "2024-06-01",
    ...                                   "2025-02-01", "2025-03-01", "2025-02-01", "2025-04-02", "2025-05-05"]),
    ...     "amount": [100.0, 50.0, 30.0, 10.0, 80.0, 20.0, 40.0, 60.0, 15.0]})
    >>> compare_loyalty(orders, a)[["kpi", "before", "after"]].round(4).to_dict("list")
    {'kpi': ['repeat_purchase_rate', 'purchase_interval_days', 'spend_per_customer'], 'before': [0.3333, 60.0, 63.3333], 'after': [0.6667, 44.0, 71.6667]}
    """
    _check_alpha(alpha)
    _check_scope(scope)
    _require(orders, "orders", ("customer_id", "order_date", "amount"))
    per = [
        _per_customer(_window_orders(orders, w, assessment.control, scope, customers))
        for _, w in _windows(assessment)
    ]
    b, a = per
    results = {
        "repeat_purchase_rate": compare_proportions(
            int((b["orders"] >= 2).sum()),
            len(b),
            int((a["orders"] >= 2).sum()),
            len(a),
            alpha=alpha,
        ),
        "purchase_interval_days": compare_medians(
            b["interval_days"].dropna(), a["interval_days"].dropna(), alpha=alpha, seed=seed
        ),
        "spend_per_customer": compare_means(b["spend"], a["spend"], alpha=alpha, seed=seed),
    }
    frames = []
    for name, row in results.items():
        kpi = get_kpi(name)
        head = pd.DataFrame(
            {
                "kpi": [kpi.name],
                "label": [kpi.label],
                "unit": [kpi.unit],
                "direction": [kpi.direction],
            },
            dtype=object,
        )
        frames.append(pd.concat([head, row[list(CHANGE_COLUMNS)]], axis=1))
    return pd.concat(frames, ignore_index=True)


def buyer_values(
    orders: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Scope = "crm",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each buying customer's orders, spend and purchase interval, before and after go-live.

    The observations behind :func:`compare_loyalty` (one per customer and window).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The before window's buyers and the after window's: ``customer_id``, ``orders``,
        ``spend`` (sum of ``amount``), ``interval_days`` (median days between the customer's
        consecutive order days in the window; NaN with one order day).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> o = pd.DataFrame({"customer_id": ["A", "A", "B"], "amount": [10.0, 20.0, 5.0],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-11", "2025-02-01"])})
    >>> before, after = buyer_values(o, a)
    >>> before[["customer_id", "spend", "interval_days"]].to_dict("list")
    {'customer_id': ['A'], 'spend': [30.0], 'interval_days': [10.0]}
    """
    _check_scope(scope)
    _require(orders, "orders", ("customer_id", "order_date", "amount"))
    before, after = (
        _per_customer(_window_orders(orders, window, assessment.control, scope, customers))
        for _, window in _windows(assessment)
    )
    return before, after
