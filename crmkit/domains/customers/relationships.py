"""Revenue from new, retained and won-back customers, and the campaign cost of a new customer."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment
from crmkit.domains.customers.inputs import (
    _check_days,
    _require,
    _window_days,
    _windows,
    day_numbers,
)
from crmkit.domains.customers.scope import Scope, _check_scope, _in_scope
from crmkit.stats.comparable import INACTIVITY_DAYS

#: The kinds of customer relationship that revenue is split into.
RELATIONSHIPS = ("new", "retained", "won_back")


def revenue_by_relationship(
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    assessment: Assessment,
    *,
    inactivity_days: int = INACTIVITY_DAYS,
    scope: Scope = "crm",
) -> pd.DataFrame:
    """Revenue per window from new, retained and won-back customers.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id``, ``created_date`` (and the control column).
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``, ``amount`` — the whole history, so that the orders
        before a window can tell a returning customer.
    assessment : Assessment
        Supplies the windows and the control group.
    inactivity_days : int, default 180
        A customer whose first order in the window comes more than this many days after its
        previous activity is "won back".
    scope : {"crm", "control", "all"}, default "crm"
        Which orders (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        Three rows per window (``relationship`` in :data:`RELATIONSHIPS`):

        - ``window``, ``relationship``;
        - ``customers``: buyers of that kind in the window; ``orders``; ``revenue``;
        - ``revenue_share``: of the window's revenue; ``revenue_per_customer``.

    Notes
    -----
    Per buyer and window: "new" when ``created_date`` falls in the window; otherwise
    "won_back" when the first order in the window comes more than ``inactivity_days`` after
    the customer's previous order (or creation), otherwise "retained". Before the order
    history begins the activity is unknown, so a gap is counted only from the history's
    first day: a customer is won back only when the data show the long gap. Orders of
    customers missing from the customers table are never "new".

    References
    ----------
    Blattberg, R. C., Getz, G. & Thomas, J. S. (2001). Customer Equity. Harvard Business
    School Press (acquisition, retention and add-on selling / win-back revenue).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> customers = pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...     "created_date": pd.to_datetime(["2023-05-01", "2024-01-01", "2025-03-01"])})
    >>> orders = pd.DataFrame({"customer_id": ["A", "B", "A", "B", "C"],
    ...     "order_date": pd.to_datetime(["2024-09-01", "2024-02-01", "2025-01-10", "2025-11-01", "2025-03-02"]),
    ...     "amount": [10.0, 20.0, 30.0, 40.0, 50.0]})
    >>> out = revenue_by_relationship(customers, orders, a)
    >>> out.loc[out["window"] == "after", ["relationship", "revenue"]].to_dict("list")
    {'relationship': ['new', 'retained', 'won_back'], 'revenue': [50.0, 30.0, 40.0]}
    """
    _require(customers, "customers", ("customer_id", "created_date"))
    _require(orders, "orders", ("customer_id", "order_date", "amount"))
    inactivity_days = _check_days(inactivity_days, "inactivity_days")
    _check_scope(scope)
    keep = _in_scope(orders, assessment.control, scope, customers=customers)
    keep &= orders["customer_id"].notna().to_numpy()
    rows = orders.loc[keep]
    codes, ids = pd.factorize(rows["customer_id"])
    day = np.floor(day_numbers(rows["order_date"]))
    amount = np.nan_to_num(rows["amount"].to_numpy(dtype=float, na_value=np.nan))
    lookup = customers.drop_duplicates("customer_id").set_index("customer_id")["created_date"]
    created = np.floor(day_numbers(lookup.reindex(ids)))
    history_start = float(np.nanmin(day)) if len(day) else math.nan
    order = np.lexsort((day, codes))
    codes, day, amount = codes[order], day[order], amount[order]
    out = []
    for name, window in _windows(assessment):
        start, stop = _window_days(window)
        inside = (day >= start) & (day < stop)
        positions = np.flatnonzero(inside)
        buyer_codes, first_index = np.unique(codes[inside], return_index=True)
        first = positions[first_index]
        prev_ok = (first > 0) & (codes[np.maximum(first - 1, 0)] == buyer_codes)
        previous = np.where(prev_ok, day[np.maximum(first - 1, 0)], created[buyer_codes])
        reference = np.fmax(previous, history_start)  # NaN creation → the history's first day
        is_new = (created[buyer_codes] >= start) & (created[buyer_codes] < stop)
        won_back = ~is_new & (day[first] - reference > inactivity_days)
        kind = np.where(is_new, 0, np.where(won_back, 2, 1))
        kind_of_code = np.full(len(ids), -1)
        kind_of_code[buyer_codes] = kind
        row_kind = kind_of_code[codes[inside]]
        revenue = np.bincount(row_kind, weights=amount[inside], minlength=3)
        n_orders = np.bincount(row_kind, minlength=3)
        n_customers = np.bincount(kind, minlength=3)
        total = revenue.sum()
        for j, relationship in enumerate(RELATIONSHIPS):
            out.append(
                {
                    "window": name,
                    "relationship": relationship,
                    "customers": int(n_customers[j]),
                    "orders": int(n_orders[j]),
                    "revenue": float(revenue[j]),
                    "revenue_share": float(revenue[j] / total) if total > 0 else math.nan,
                    "revenue_per_customer": (
                        float(revenue[j] / n_customers[j]) if n_customers[j] else math.nan
                    ),
                }
            )
    return pd.DataFrame(out)


def acquisition_cost(
    campaigns: pd.DataFrame,
    customers: pd.DataFrame,
    assessment: Assessment,
) -> pd.DataFrame:
    """Marketing cost per new customer in each window.

    Parameters
    ----------
    campaigns : pandas.DataFrame
        ``start_date``, ``cost`` (and ``conversions`` when recorded).
    customers : pandas.DataFrame
        ``customer_id``, ``created_date``.
    assessment : Assessment
        Supplies the windows.

    Returns
    -------
    pandas.DataFrame
        One row per window ("before", "after"):

        - ``window``; ``campaigns``: campaigns started in the window; ``cost``: their cost;
        - ``new_customers``: customers created in the window;
          ``cost_per_new_customer`` = cost / new_customers;
        - ``conversions``, ``cost_per_conversion``: from the campaigns' own counts (NaN when
          the column is absent).

    Notes
    -----
    Campaigns are company-wide (the table has no region), so every new customer counts,
    control group included, and the cost is the campaigns', not the whole sales effort's:
    a lower bound of the cost of acquiring a customer.

    References
    ----------
    Farris, P. W. et al. (2010). Marketing Metrics, 2nd ed. Pearson, ch. 5 (average
    acquisition cost).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> campaigns = pd.DataFrame({"start_date": pd.to_datetime(["2024-03-01", "2025-03-01"]),
    ...                           "cost": [1000.0, 1500.0]})
    >>> customers = pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...     "created_date": pd.to_datetime(["2024-04-01", "2024-05-01", "2025-06-01"])})
    >>> acquisition_cost(campaigns, customers, a)["cost_per_new_customer"].tolist()
    [500.0, 1500.0]
    """
    _require(campaigns, "campaigns", ("start_date", "cost"))
    _require(customers, "customers", ("customer_id", "created_date"))
    started = day_numbers(campaigns["start_date"])
    created = day_numbers(customers.drop_duplicates("customer_id")["created_date"])
    cost = campaigns["cost"].to_numpy(dtype=float, na_value=np.nan)
    conversions = (
        campaigns["conversions"].to_numpy(dtype=float, na_value=np.nan)
        if "conversions" in campaigns.columns
        else None
    )
    rows = []
    for name, window in _windows(assessment):
        start, stop = _window_days(window)
        inside = (started >= start) & (started < stop)
        spent = float(np.nansum(cost[inside]))
        new = int(((created >= start) & (created < stop)).sum())
        conv = float(np.nansum(conversions[inside])) if conversions is not None else math.nan
        rows.append(
            {
                "window": name,
                "campaigns": int(inside.sum()),
                "cost": spent,
                "new_customers": new,
                "cost_per_new_customer": spent / new if new else math.nan,
                "conversions": conv,
                "cost_per_conversion": spent / conv if conv and conv == conv else math.nan,
            }
        )
    return pd.DataFrame(rows)
