"""Observers of the service KPIs (tickets), and the contact-channel mix."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from crmkit.data.config import Control, Window
from crmkit.kpis.customer_years import per_customer_year
from crmkit.kpis.definition import Proportion, Rate, Tables
from crmkit.kpis.scope import control_route, crm_rows, rows_in_window
from crmkit.kpis.windows import clustered_values, hours_between, in_window, mature

_NOT_RECORDED = "(not recorded)"


def _ticket_ids(rows: pd.DataFrame) -> pd.Series:
    """The unit tickets cluster in: their customer where known, else the ticket itself."""
    return rows["customer_id"] if "customer_id" in rows else rows["ticket_id"]


def _tickets_in(
    tables: Tables, window: Window, exclude: Control | None, *, outcome: str | None = None
) -> pd.DataFrame:
    """Tickets opened in the window, of CRM units; mature for ``outcome`` when given."""
    tickets = tables["tickets"]
    keep = in_window(tickets["opened_at"], window)
    if outcome is not None:
        keep &= mature(tickets, "opened_at", outcome)
    return crm_rows(tickets.loc[keep], tables, exclude)


def ticket_hours(outcome: str, name: str) -> Callable[..., pd.Series]:
    """Observer of hours from ``opened_at`` to ``outcome``, per mature ticket of CRM units.

    ``outcome`` is a time column of tickets (``first_response_at``, ``resolved_at``); tickets
    without it are left out, and only tickets old enough for it to be known count (see
    :mod:`crmkit.kpis.windows`). The values are indexed by the ticket's customer.
    """

    def observe(tables: Tables, window: Window, *, exclude: Control | None = None) -> pd.Series:
        rows = _tickets_in(tables, window, exclude, outcome=outcome)
        hours = hours_between(rows[outcome], rows["opened_at"])
        return clustered_values(hours, _ticket_ids(rows), name)

    return observe


def observe_ticket_resolved_share(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> Proportion:
    rows = _tickets_in(tables, window, exclude, outcome="resolved_at")
    return Proportion(successes=int(rows["resolved_at"].notna().sum()), n=len(rows))


def observe_complaints_per_1000_orders(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> Rate:
    if exclude is not None and control_route(tables["tickets"].columns, tables, exclude) is None:
        exclude = None  # tickets cannot be scoped: count orders company-wide too, like them
    tickets = _tickets_in(tables, window, exclude)
    complaints = tickets["is_complaint"].astype("boolean").fillna(False).astype(bool).sum()
    orders = rows_in_window(tables, "orders", "order_date", window, exclude=exclude)
    return Rate(events=float(complaints), exposure=float(len(orders)), per=1000.0)


def observe_ticket_satisfaction(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _tickets_in(tables, window, exclude)
    return clustered_values(rows["satisfaction"], _ticket_ids(rows), "ticket_satisfaction")


def observe_tickets_per_customer(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> Rate:
    return per_customer_year(tables, window, exclude, "tickets", "opened_at")


def channel_counts(
    tables: Tables, window: Window, *, exclude: Control | None = None, table: str = "tickets"
) -> pd.Series:
    """How many tickets (or orders) of the CRM units came through each channel in the window.

    A distribution, not a KPI: the channel mix of the interaction-effectiveness analysis.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables; ``table`` must be among them.
    window : Window
        Inclusive dates; tickets count by ``opened_at``, orders by ``order_date``.
    exclude : Control, optional
        The control group, whose rows are left out.
    table : {'tickets', 'orders'}
        Whose channel to count.

    Returns
    -------
    Series of int
        Index ``channel`` (rows without a channel, or a table without the column, count under
        "(not recorded)"), sorted by count (largest first) then name; named ``table``.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmkit.data.config import Window
    >>> t = pd.DataFrame({"ticket_id": ["T1", "T2", "T3"],
    ...     "opened_at": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"]),
    ...     "channel": ["email", "phone", "email"]})
    >>> w = Window(pd.Timestamp("2024-01-01").date(), pd.Timestamp("2024-01-31").date())
    >>> channel_counts({"tickets": t}, w).to_dict()
    {'email': 2, 'phone': 1}
    """
    dates = {"tickets": "opened_at", "orders": "order_date"}
    if table not in dates:
        raise ValueError(f"channel_counts counts tickets or orders, not {table!r}")
    date_column = dates[table]
    rows = rows_in_window(tables, table, date_column, window, exclude=exclude)
    if "channel" in rows:
        channel = rows["channel"].astype("str").fillna(_NOT_RECORDED)
    else:
        channel = pd.Series(_NOT_RECORDED, index=rows.index, dtype="str")
    counts = channel.value_counts().rename(table)
    counts.index.name = "channel"
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")  # ties by name
    return counts.astype("int64")
