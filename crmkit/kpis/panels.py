"""Monthly values of a KPI per unit (region, rep, ...), for difference-in-differences."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment
from crmkit.kpis.catalog import CATALOG, get_kpi
from crmkit.kpis.definition import KPI, Tables
from crmkit.kpis.monthly import MonthlyTotal, PerRepMonth
from crmkit.kpis.scope import control_flags
from crmkit.kpis.windows import as_ns, in_window, window_months


def _panel_source(kpi: KPI) -> MonthlyTotal:
    observer = kpi.observe
    if isinstance(observer, PerRepMonth):
        return observer.total
    if isinstance(observer, MonthlyTotal):
        return observer
    supported = ", ".join(
        k.name for k in CATALOG if isinstance(k.observe, MonthlyTotal | PerRepMonth)
    )
    raise ValueError(f"monthly_panel has no panel for {kpi.name}; it supports {supported}")


def monthly_panel(
    tables: Tables, assessment: Assessment, kpi_name: str, *, unit: str, count: bool = False
) -> pd.DataFrame:
    """Monthly values of a KPI per unit (region, rep, …), for difference-in-differences.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables.
    assessment : Assessment
        Supplies the windows and the control group.
    kpi_name : str
        A KPI whose observations are monthly totals: ``revenue_monthly``,
        ``new_customers_monthly``, ``revenue_per_rep``, ``opportunities_per_rep``.
    unit : str
        The column that names the units: a column of the KPI's table (``region``,
        ``rep_id`` — also spelled ``rep`` —, ``channel``), or a column of customers reached
        through ``customer_id`` (e.g. ``segment``).
    count : bool
        Count the KPI's rows per unit and month (orders, for ``revenue_monthly``) instead of
        totalling its values.

    Returns
    -------
    DataFrame
        One row per unit and month of the before and after windows, sorted by unit, month:
        ``unit`` (str), ``month`` (month start), ``value`` (float: the month's total within
        the window; 0 for a month without rows), ``treated`` (bool: the unit is not in the
        control group; for a unit other than the control column, when at most half of its
        rows are the control group's; all True without a control group), ``after`` (bool:
        the row belongs to the after window; a month split by go-live appears once per
        window). Months before a unit's first or after its last row in the whole table are
        left out (the unit did not exist yet, or any more).

    Raises
    ------
    ValueError
        When the KPI has no monthly panel or ``unit`` is not a column it can reach.
    """
    source = _panel_source(get_kpi(kpi_name))
    unit_column = "rep_id" if unit == "rep" else unit
    frame = tables[source.table]
    if unit_column in frame:
        units = frame[unit_column]
    elif (
        "customer_id" in frame
        and "customers" in tables
        and unit_column in tables["customers"]
        and "customer_id" in tables["customers"]
    ):
        customers = tables["customers"].drop_duplicates("customer_id")
        units = frame["customer_id"].map(customers.set_index("customer_id")[unit_column])
    else:
        raise ValueError(f"{source.table} has no column {unit_column} to group {kpi_name} by")
    work = pd.DataFrame(
        {
            "unit": units.astype("str").to_numpy(),
            "date": as_ns(frame[source.date_column]),
            "value": 1.0 if count else source.values(frame).to_numpy(),
        }
    )
    has_unit = units.notna().to_numpy()
    if assessment.control is None:
        control = np.zeros(len(frame), dtype=bool)
    else:
        control = control_flags(frame, tables, assessment.control)
    work["control"] = control
    work = work.loc[has_unit & work["date"].notna().to_numpy()]
    work["month"] = work["date"].to_numpy().astype("datetime64[M]").astype("datetime64[ns]")
    per_unit = work.groupby("unit").agg(
        first=("month", "min"), last=("month", "max"), control=("control", "mean")
    )
    treated = per_unit["control"] <= 0.5
    panels = []
    for is_after, window in ((False, assessment.before), (True, assessment.after)):
        rows = work.loc[in_window(work["date"], window)]
        totals = rows.groupby(["unit", "month"])["value"].sum()
        grid = pd.MultiIndex.from_product(
            [per_unit.index, window_months(window)], names=["unit", "month"]
        )
        panel = totals.reindex(grid, fill_value=0.0).rename("value").reset_index()
        span = per_unit.loc[panel["unit"]]
        alive = (panel["month"].to_numpy() >= span["first"].to_numpy()) & (
            panel["month"].to_numpy() <= span["last"].to_numpy()
        )
        panel = panel.loc[alive]
        panel["treated"] = treated.reindex(panel["unit"]).to_numpy(dtype=bool)
        panel["after"] = is_after
        panels.append(panel)
    out = pd.concat(panels, ignore_index=True)
    out["value"] = out["value"].astype("float64")
    return out.sort_values(["unit", "month", "after"], kind="stable").reset_index(drop=True)
