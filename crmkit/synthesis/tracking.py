"""The KPI tracking plan for the next period, with control limits from the measured variation.

Stage 4 of the method tracks the KPIs after the assessment. For each measured KPI the plan
says how often to look at it (monthly when the catalog gives it monthly values, else at each
assessment), from which table, and — for monthly KPIs with enough months — between which
limits a month is ordinary variation: an individuals and moving-range (XmR) chart.

Notes
-----
XmR chart of individual values :math:`x_1 … x_n` (Wheeler; Montgomery §6.4):

- centre line :math:`\\bar x = \\frac1n \\sum x_t`;
- moving ranges :math:`MR_t = |x_t - x_{t-1}|`, :math:`t = 2…n`, and their mean
  :math:`\\overline{MR}`;
- natural process limits :math:`\\bar x \\pm 2.66\\,\\overline{MR}`, where
  :math:`2.66 = 3 / d_2` and :math:`d_2 = 1.128` for ranges of two values.

A month outside the limits is a signal worth a look: something other than the month-to-month
variation seen so far moved the KPI.

References
----------
D. J. Wheeler, *Understanding Variation*, 2nd ed., SPC Press, 2000, ch. 5.
D. C. Montgomery, *Introduction to Statistical Quality Control*, 6th ed., Wiley, 2009, §6.4.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from crmkit import kpis, measure
from crmkit.data.config import Assessment
from crmkit.data.guards import finite_number

__all__ = [
    "MIN_MONTHS",
    "XMR_FACTOR",
    "ControlLimits",
    "TrackingFrequency",
    "control_limits",
    "monthly_kpi_values",
    "tracking_plan",
    "tracking_results",
]

#: 3 / d2 with d2 = 1.128, the expected range of two normal values in standard deviations,
#: rounded as the textbooks print it.
XMR_FACTOR = 2.66

#: The fewest monthly values from which control limits are computed.
MIN_MONTHS = 8


class TrackingFrequency(StrEnum):
    """How often a KPI is looked at in the next period."""

    #: Every month: the catalog gives the KPI monthly values.
    MONTHLY = "monthly"
    #: At each assessment: the KPI is a value per window, not per month.
    PER_ASSESSMENT = "per assessment"


@dataclass(frozen=True)
class ControlLimits:
    """An individuals and moving-range (XmR) chart of one monthly series.

    Attributes
    ----------
    centre : float
        Mean of the individual values.
    mr_bar : float
        Mean moving range, mean of :math:`|x_t - x_{t-1}|`.
    lower, upper : float
        centre ∓ :data:`XMR_FACTOR` × mr_bar; a lower limit below zero is raised to zero
        when no value is negative (counts and amounts cannot fall below zero: Wheeler).
    points : DataFrame
        Index: month. ``value``, ``moving_range`` (NaN for the first month), ``outside``
        (bool: the value is below ``lower`` or above ``upper``).
    """

    centre: float
    mr_bar: float
    lower: float
    upper: float
    points: pd.DataFrame

    @property
    def n_months(self) -> int:
        """Months the limits were computed from."""
        return len(self.points)

    @property
    def n_outside(self) -> int:
        """Months outside the limits."""
        return int(self.points["outside"].sum())


def control_limits(values: pd.Series, *, min_months: int = MIN_MONTHS) -> ControlLimits | None:
    """XmR control limits of a monthly series (see the module notes for the formulas).

    Parameters
    ----------
    values : Series
        Monthly values in time order (index: month). Missing values are left out.
    min_months : int
        The fewest values needed; fewer give None.

    Returns
    -------
    ControlLimits or None

    Examples
    --------
    >>> limits = control_limits(pd.Series([10.0, 12.0, 11.0, 13.0, 12.0, 10.0, 11.0, 30.0]))
    >>> round(limits.centre, 3), round(limits.mr_bar, 3), limits.n_outside
    (13.625, 4.0, 1)
    """
    clean = pd.to_numeric(values, errors="coerce").astype("float64").dropna()
    if len(clean) < max(min_months, 2):
        return None
    moving = clean.diff().abs()
    centre = float(clean.mean())
    mr_bar = float(moving.iloc[1:].mean())
    lower, upper = centre - XMR_FACTOR * mr_bar, centre + XMR_FACTOR * mr_bar
    if lower < 0 <= clean.min():  # a quantity never below zero has no limit below it
        lower = 0.0
    points = pd.DataFrame(
        {"value": clean, "moving_range": moving, "outside": (clean < lower) | (clean > upper)}
    )
    return ControlLimits(centre, mr_bar, lower, upper, points)


def monthly_kpi_values(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> dict[str, pd.Series]:
    """The monthly values of every catalog KPI that has them, over the after window.

    The catalog's monthly series KPIs (``kind`` "series") as the measure layer computes them
    (:func:`crmkit.measure.monthly_values`), from the month of go-live on: the months that
    show the process as it runs with the CRM. KPIs whose tables are absent are left out.
    """
    start = pd.Timestamp(assessment.go_live_date).to_period("M").to_timestamp()
    found: dict[str, pd.Series] = {}
    for kpi in kpis.CATALOG:
        if kpi.kind != "series":
            continue
        series = measure.monthly_values(tables, assessment, kpi.name)
        if series is not None:
            found[kpi.name] = series.loc[pd.DatetimeIndex(series.index) >= start]
    return found


_PLAN_COLUMNS = [
    "label",
    "unit",
    "direction",
    "table",
    "frequency",
    "baseline",
    "centre",
    "lower",
    "upper",
    "n_months",
    "n_outside",
]


def tracking_plan(
    kpi_results: pd.DataFrame,
    monthly: Mapping[str, pd.Series],
    *,
    min_months: int = MIN_MONTHS,
) -> tuple[pd.DataFrame, dict[str, ControlLimits]]:
    """What to track in the next period: each measured KPI, how often, where, within what.

    Parameters
    ----------
    kpi_results : DataFrame
        This run's KPI results: index KPI name, columns ``label``, ``unit``, ``direction``,
        ``after``. KPIs without an after value (not measured) are left out.
    monthly : mapping of str to Series
        Monthly values per KPI name (:func:`monthly_kpi_values`).
    min_months : int
        The fewest months for control limits.

    Returns
    -------
    (DataFrame, dict of ControlLimits)
        The plan, index KPI name: ``label``, ``unit``, ``direction``, ``table`` (the catalog's
        tables, comma-separated), ``frequency`` (:class:`TrackingFrequency`), ``baseline``
        (this run's value), ``centre``, ``lower``, ``upper`` (the XmR chart's, NaN without
        one), ``n_months`` (months behind the limits, 0 without), ``n_outside`` (months
        outside them); and the control limits per KPI that has them.

    Examples
    --------
    >>> kr = pd.DataFrame({"label": ["Win rate"], "unit": ["share"], "direction": ["higher"],
    ...                    "after": [0.3]}, index=pd.Index(["win_rate"]))
    >>> plan, charts = tracking_plan(kr, {})
    >>> plan.loc["win_rate", "table"], str(plan.loc["win_rate", "frequency"])
    ('opportunities', 'per assessment')
    """
    rows: list[dict[str, Any]] = []
    charts: dict[str, ControlLimits] = {}
    for name, result in kpi_results.iterrows():
        baseline = finite_number(result.get("after"))
        if baseline is None:
            continue
        try:
            tables = ", ".join(kpis.get_kpi(str(name)).tables)
        except (KeyError, ValueError):
            tables = None
        series = monthly.get(str(name))
        limits = None if series is None else control_limits(series, min_months=min_months)
        if limits is not None:
            charts[str(name)] = limits
        rows.append(
            {
                "kpi": str(name),
                "label": result.get("label"),
                "unit": result.get("unit"),
                "direction": result.get("direction"),
                "table": tables,
                "frequency": TrackingFrequency.MONTHLY
                if series is not None
                else TrackingFrequency.PER_ASSESSMENT,
                "baseline": baseline,
                "centre": limits.centre if limits else math.nan,
                "lower": limits.lower if limits else math.nan,
                "upper": limits.upper if limits else math.nan,
                "n_months": limits.n_months if limits else 0,
                "n_outside": limits.n_outside if limits else 0,
            }
        )
    plan = pd.DataFrame(rows, columns=["kpi", *_PLAN_COLUMNS]).set_index("kpi")
    plan = plan.astype(
        {c: "float64" for c in ("baseline", "centre", "lower", "upper")}
        | {"n_months": "int64", "n_outside": "int64"}
    )
    return plan, charts


def tracking_results(plan: pd.DataFrame) -> list[dict[str, Any]]:
    """The ``history.tracking`` list of results.json: plain JSON, null for missing.

    Examples
    --------
    >>> kr = pd.DataFrame({"label": ["Win rate"], "unit": ["share"], "direction": ["higher"],
    ...                    "after": [0.3]}, index=pd.Index(["win_rate"]))
    >>> tracking_results(tracking_plan(kr, {})[0])[0]["centre"] is None
    True
    """
    return [
        {
            "kpi": str(name),
            "label": row["label"],
            "table": row["table"],
            "frequency": str(row["frequency"]),
            "centre": finite_number(row["centre"]),
            "lower": finite_number(row["lower"]),
            "upper": finite_number(row["upper"]),
            "n_months": int(row["n_months"]),
            "n_outside": int(row["n_outside"]),
            "baseline": finite_number(row["baseline"]),
        }
        for name, row in plan.iterrows()
    ]
