"""Observers of the sales KPIs: orders, buying customers and opportunities."""

from __future__ import annotations

import pandas as pd

from crmkit.data.config import Control, Window
from crmkit.kpis.customer_years import per_customer_year
from crmkit.kpis.definition import Proportion, Rate, Tables
from crmkit.kpis.scope import crm_rows, rows_in_window
from crmkit.kpis.windows import clustered_values, in_window, mature


def observe_average_order_value(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = rows_in_window(tables, "orders", "order_date", window, exclude=exclude)
    return clustered_values(rows["amount"], rows["customer_id"], "average_order_value")


def observe_units_per_order(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = rows_in_window(tables, "orders", "order_date", window, exclude=exclude)
    return clustered_values(rows["quantity"], rows["customer_id"], "units_per_order")


def observe_orders_per_buyer(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = rows_in_window(tables, "orders", "order_date", window, exclude=exclude)
    counts = rows["customer_id"].value_counts().astype("float64")  # missing ids left out
    counts.index.name = "customer_id"
    return counts.sort_index().rename("orders_per_buyer")


def observe_purchase_frequency(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> Rate:
    return per_customer_year(tables, window, exclude, "orders", "order_date")


def _mature_opportunities(tables: Tables, window: Window, exclude: Control | None) -> pd.DataFrame:
    """Opportunities created in the window, mature (:mod:`crmkit.kpis.windows`), of CRM units."""
    opps = tables["opportunities"]
    keep = in_window(opps["created_date"], window) & mature(
        opps, "created_date", "closed_date", "status"
    )
    rows = crm_rows(opps.loc[keep], tables, exclude)
    return rows.assign(status=rows["status"].astype("str").str.strip().str.lower())


def observe_win_rate(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> Proportion:
    status = _mature_opportunities(tables, window, exclude)["status"]
    won, lost = int((status == "won").sum()), int((status == "lost").sum())
    return Proportion(successes=won, n=won + lost)


def observe_average_deal_size(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _mature_opportunities(tables, window, exclude)
    won = rows.loc[rows["status"] == "won"]
    return clustered_values(won["amount"], won["opportunity_id"], "average_deal_size")


def observe_sales_cycle_days(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _mature_opportunities(tables, window, exclude)
    won = rows.loc[rows["status"] == "won"]
    days = (won["closed_date"] - won["created_date"]) / pd.Timedelta(days=1)
    return clustered_values(days.where(days >= 0), won["opportunity_id"], "sales_cycle_days")
