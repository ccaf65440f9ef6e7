"""The KPI catalog: every KPI defined once, and its observations in an assessment window.

The package reads from the bottom up: :mod:`~crmkit.kpis.definition` (what a KPI is, the kinds
of observation), :mod:`~crmkit.kpis.windows` (dates, months, the maturity rule),
:mod:`~crmkit.kpis.scope` (the units that got the CRM), the observers of each area
(:mod:`~crmkit.kpis.sales`, :mod:`~crmkit.kpis.service`, :mod:`~crmkit.kpis.adoption`,
:mod:`~crmkit.kpis.marketing`, with :mod:`~crmkit.kpis.monthly` and
:mod:`~crmkit.kpis.customer_years`), :mod:`~crmkit.kpis.catalog` (the KPIs themselves),
:mod:`~crmkit.kpis.values` (a KPI's value, availability and observations per window) and
:mod:`~crmkit.kpis.panels` (monthly values per unit). It imports no domain module.

Examples
--------
>>> import pandas as pd
>>> from crmkit.data.config import Window
>>> orders = pd.DataFrame({
...     "order_id": ["O1", "O2", "O3"], "customer_id": ["C1", "C2", "C1"],
...     "order_date": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-03-01"]),
...     "amount": [100.0, 200.0, 300.0]})
>>> aov = get_kpi("average_order_value")
>>> obs = aov.observe({"orders": orders}, Window(pd.Timestamp("2024-01-01").date(),
...                   pd.Timestamp("2024-12-31").date()), exclude=None)
>>> kpi_value(aov, obs)
200.0
"""

from __future__ import annotations

from crmkit.kpis.adoption import sus_scores
from crmkit.kpis.catalog import AGE_SENSITIVE, CATALOG, catalog_frame, get_kpi
from crmkit.kpis.definition import (
    AGGREGATES,
    AREAS,
    DIRECTIONS,
    KINDS,
    KPI,
    MEASURING_DOMAINS,
    PERSPECTIVES,
    Proportion,
    Rate,
)
from crmkit.kpis.panels import monthly_panel
from crmkit.kpis.scope import control_routes, control_view, row_units, rows_in_window
from crmkit.kpis.service import channel_counts
from crmkit.kpis.values import (
    available,
    data_gap,
    display_unit,
    kpi_value,
    needs,
    observation_count,
    observe_windows,
    read_needs,
    window_aggregate,
)
from crmkit.kpis.windows import MATURITY_QUANTILE

__all__ = [
    "AGE_SENSITIVE",
    "AGGREGATES",
    "AREAS",
    "CATALOG",
    "DIRECTIONS",
    "KINDS",
    "KPI",
    "MATURITY_QUANTILE",
    "MEASURING_DOMAINS",
    "PERSPECTIVES",
    "Proportion",
    "Rate",
    "available",
    "data_gap",
    "catalog_frame",
    "channel_counts",
    "control_routes",
    "control_view",
    "row_units",
    "display_unit",
    "get_kpi",
    "kpi_value",
    "monthly_panel",
    "needs",
    "observation_count",
    "observe_windows",
    "read_needs",
    "rows_in_window",
    "sus_scores",
    "window_aggregate",
]
