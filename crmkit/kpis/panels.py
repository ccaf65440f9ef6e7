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
    # Units as integer codes (in sorted order), months as positions in each window: the
    # panel is a few bincounts, whatever the number of units.
    codes, names = pd.factorize(work["unit"], sort=True)
    month = work["month"].to_numpy()
    values = work["value"].to_numpy(dtype="float64")
    per_unit = pd.DataFrame({"code": codes, "month": month, "control": work["control"]}).groupby(
        "code"
    )
    starts = per_unit["month"].min().to_numpy()
    ends = per_unit["month"].max().to_numpy()
    treated = (per_unit["control"].mean() <= 0.5).to_numpy()
    n_units = len(names)
    parts = []
    for window in (assessment.before, assessment.after):
        months = window_months(window).to_numpy()
        inside = np.asarray(in_window(work["date"], window), dtype=bool)
        at = np.searchsorted(months, month[inside])
        totals = np.bincount(
            codes[inside] * len(months) + at,
            weights=values[inside],
            minlength=n_units * len(months),
        )
        unit_code = np.repeat(np.arange(n_units), len(months))
        month_at = np.tile(np.arange(len(months)), n_units)
        shown = months[month_at]
        alive = (shown >= starts[unit_code]) & (shown <= ends[unit_code])
        parts.append(
            (unit_code[alive], shown[alive], totals[(unit_code * len(months) + month_at)[alive]])
        )
    unit_code = np.concatenate([p[0] for p in parts])
    shown = np.concatenate([p[1] for p in parts])
    after = np.concatenate([np.full(p[0].size, i == 1) for i, p in enumerate(parts)])
    order = np.lexsort((after, shown, unit_code))  # by unit, month, window
    unit_code = unit_code[order]
    return pd.DataFrame(
        {
            "unit": names.take(unit_code),
            "month": shown[order],
            "value": np.concatenate([p[2] for p in parts])[order].astype("float64"),
            "treated": treated[unit_code],
            "after": after[order],
        }
    )
