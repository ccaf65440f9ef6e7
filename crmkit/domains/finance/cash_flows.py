"""Yearly cash flows, their present values, payback, and the TEI summary table.

End-of-year timing: year 0 ("Initial") is today and not discounted, year n falls at the end
of year n and is discounted by ``(1 + r)**n`` (see :mod:`crmkit.domains.finance`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from crmkit.domains.finance.inputs import (
    adjusted_amounts,
    check_horizon,
    check_rate,
    clean_table,
    per_year,
    ratio,
    year_labels,
)

__all__ = [
    "breakeven_benefit_factor",
    "cash_flows",
    "payback_months",
    "present_values",
    "summary_table",
]


def cash_flows(
    costs: pd.DataFrame | None,
    benefits: pd.DataFrame | None,
    *,
    horizon_years: int = 3,
    risk_adjusted: bool = True,
) -> pd.DataFrame:
    """Costs, benefits and net benefit per year, from year 0 ("Initial") to the horizon.

    Parameters
    ----------
    costs, benefits : DataFrame or None
        The canonical tables (year, category, amount · risk_adjustment); see the module
        docstring for the rules. Rows beyond the horizon are left out.
    horizon_years : int, default 3
        The last year counted.
    risk_adjusted : bool, default True
        Benefits × (1 − risk_adjustment), costs × (1 + risk_adjustment).

    Returns
    -------
    DataFrame
        One row per year 0 … ``horizon_years``: ``year`` (int), ``label`` ("Initial",
        "Year 1" …), ``costs`` and ``benefits`` (positive amounts in the client's currency),
        ``net`` (benefits − costs), ``cumulative_net`` (running sum of ``net``).

    Warnings
    --------
    No discounting here: year 0 is today, year n falls at the end of year n; see
    :func:`present_values`.

    Examples
    --------
    >>> costs = pd.DataFrame({"year": [0, 1], "category": "licences", "amount": [100.0, 20.0]})
    >>> benefits = pd.DataFrame({"year": [1, 2], "category": "sales", "amount": [90.0, 90.0]})
    >>> cash_flows(costs, benefits, horizon_years=2)[["label", "net", "cumulative_net"]]
         label    net  cumulative_net
    0  Initial -100.0          -100.0
    1   Year 1   70.0           -30.0
    2   Year 2   90.0            60.0
    """
    horizon = check_horizon(horizon_years)
    c, _ = clean_table(costs, "costs", horizon_years=horizon)
    b, _ = clean_table(benefits, "benefits", horizon_years=horizon)
    return _flows_frame(
        per_year(c, adjusted_amounts(c, "costs", risk_adjusted), horizon),
        per_year(b, adjusted_amounts(b, "benefits", risk_adjusted), horizon),
    )


def _flows_frame(costs: np.ndarray, benefits: np.ndarray) -> pd.DataFrame:
    horizon = len(costs) - 1
    net = benefits - costs
    return pd.DataFrame(
        {
            "year": np.arange(horizon + 1, dtype="int64"),
            "label": pd.array(year_labels(horizon), dtype=object),
            "costs": costs,
            "benefits": benefits,
            "net": net,
            "cumulative_net": np.cumsum(net),
        }
    )


def present_values(flows: pd.DataFrame, *, discount_rate: float) -> pd.DataFrame:
    """Add discount factors and present values to the yearly cash flows.

    Parameters
    ----------
    flows : DataFrame
        As :func:`cash_flows` returns: at least ``year``, ``costs`` and ``benefits``.
    discount_rate : float
        Per year, as a fraction (0.10 is 10 %); must be ≥ 0.

    Returns
    -------
    DataFrame
        ``flows`` with added columns ``discount_factor`` (``1 / (1 + r)**year``),
        ``pv_costs``, ``pv_benefits``, ``pv_net`` (pv_benefits − pv_costs) and
        ``cumulative_pv_net``. The sum of ``pv_net`` is the NPV.

    Warnings
    --------
    End-of-year timing: year 0 is not discounted, year n is discounted by ``(1 + r)**n``.
    ``numpy_financial.npv(r, net)`` uses the same convention for a series starting at
    year 0; Excel's ``NPV`` instead discounts its first value by one period.

    Examples
    --------
    >>> flows = pd.DataFrame({"year": [0, 1], "costs": [100.0, 0.0], "benefits": [0.0, 121.0]})
    >>> float(present_values(flows, discount_rate=0.10)["pv_net"].sum())
    10.0
    """
    rate = check_rate(discount_rate)
    if not isinstance(flows, pd.DataFrame):
        raise ValueError(f"flows must be a pandas DataFrame, got {type(flows).__name__}")
    missing = [c for c in ("year", "costs", "benefits") if c not in flows.columns]
    if missing:
        raise ValueError(
            f"flows: missing column(s) {', '.join(missing)}; pass the result of cash_flows()"
        )
    out = flows.copy()
    out["discount_factor"] = 1.0 / (1.0 + rate) ** out["year"].to_numpy(dtype="float64")
    out["pv_costs"] = out["costs"] * out["discount_factor"]
    out["pv_benefits"] = out["benefits"] * out["discount_factor"]
    out["pv_net"] = out["pv_benefits"] - out["pv_costs"]
    out["cumulative_pv_net"] = out["pv_net"].cumsum()
    return out


def payback_months(net: Any) -> float | None:
    """The month at which the cumulative net benefit turns positive for good.

    Parameters
    ----------
    net : array_like
        Net benefit per year, ``net[0]`` for year 0 ("Initial") and ``net[n]`` for year n
        (undiscounted for payback, discounted for discounted payback).

    Returns
    -------
    float or None
        Months from the start (fractions kept); 0 when the cumulative net benefit is never
        negative; None when it is still negative at the end of the horizon or every flow is 0.

    Notes
    -----
    Year 0's net falls at month 0 all at once; year n's net accrues evenly over months
    ``12(n − 1)`` to ``12n``. The cumulative net benefit ``C(t)`` is therefore piecewise
    linear with ``C(12n) = net[0] + … + net[n]``, and the payback month is

    .. math:: t^* = 12k + 12 \\, \\frac{-C(12k)}{\\mathrm{net}_{k+1}}

    where ``k`` is the last year whose cumulative net is negative. Taking the *last* such
    year means that a cumulative net benefit that dips below zero again (a second
    investment) pays back only when it recovers for good.

    Examples
    --------
    >>> payback_months([-120.0, 60.0, 60.0, 60.0])
    24.0
    >>> payback_months([-100.0, 50.0, 30.0])  # not paid back within two years
    """
    values = np.asarray(net, dtype="float64")
    if values.ndim != 1 or values.size == 0 or not np.all(np.isfinite(values)):
        raise ValueError("net must be a non-empty 1-d sequence of finite numbers")
    if not np.any(values):
        return None
    cumulative = np.cumsum(values)
    negative = np.flatnonzero(cumulative < 0)
    if negative.size == 0:
        return 0.0
    k = int(negative[-1])
    if k == values.size - 1:
        return None
    return float(12 * k + 12 * (-cumulative[k]) / values[k + 1])


def summary_table(
    costs: pd.DataFrame | None,
    benefits: pd.DataFrame | None,
    *,
    discount_rate: float = 0.10,
    horizon_years: int = 3,
    risk_adjusted: bool = True,
) -> pd.DataFrame:
    """The cash-flow table readers of TEI studies know.

    Parameters
    ----------
    costs, benefits : DataFrame or None
        The canonical tables.
    discount_rate : float, default 0.10
    horizon_years : int, default 3
    risk_adjusted : bool, default True

    Returns
    -------
    DataFrame
        Index (named ``line``): "Total costs", "Total benefits", "Net benefits",
        "Cumulative net benefits". Columns: "Initial", "Year 1" … "Year N", "Total"
        (undiscounted sum) and "Present value". Costs are positive numbers; the cumulative
        line has no total or present value (NaN). The NPV is the "Net benefits" line's
        present value; ROI and payback are in :func:`investment_summary`.

    Warnings
    --------
    End-of-year timing: "Initial" is not discounted, "Year n" is discounted by
    ``(1 + r)**n``.

    Examples
    --------
    >>> costs = pd.DataFrame({"year": [0], "category": "licences", "amount": [100.0]})
    >>> benefits = pd.DataFrame({"year": [1], "category": "sales", "amount": [121.0]})
    >>> summary_table(costs, benefits, horizon_years=1)  # doctest: +NORMALIZE_WHITESPACE
                             Initial  Year 1  Total  Present value
    line
    Total costs                100.0     0.0  100.0          100.0
    Total benefits               0.0   121.0  121.0          110.0
    Net benefits              -100.0   121.0   21.0           10.0
    Cumulative net benefits   -100.0    21.0    NaN            NaN
    """
    flows = present_values(
        cash_flows(costs, benefits, horizon_years=horizon_years, risk_adjusted=risk_adjusted),
        discount_rate=discount_rate,
    )
    labels = list(flows["label"])
    lines = {
        "Total costs": ("costs", "pv_costs"),
        "Total benefits": ("benefits", "pv_benefits"),
        "Net benefits": ("net", "pv_net"),
    }
    rows = []
    for column, pv_column in lines.values():
        values = flows[column].to_numpy(dtype="float64")
        rows.append([*values, values.sum(), flows[pv_column].sum()])
    rows.append([*flows["cumulative_net"].to_numpy(dtype="float64"), math.nan, math.nan])
    index = pd.Index([*lines, "Cumulative net benefits"], name="line", dtype=object)
    return pd.DataFrame(
        rows, index=index, columns=pd.Index([*labels, "Total", "Present value"], dtype=object)
    )


def breakeven_benefit_factor(
    costs: pd.DataFrame | None,
    benefits: pd.DataFrame | None,
    *,
    discount_rate: float = 0.10,
    horizon_years: int = 3,
    risk_adjusted: bool = True,
) -> float | None:
    """The factor by which every benefit must be multiplied for the NPV to be 0.

    Parameters
    ----------
    costs, benefits : DataFrame or None
    discount_rate : float, default 0.10
    horizon_years : int, default 3
    risk_adjusted : bool, default True

    Returns
    -------
    float or None
        ``PV costs / PV benefits``: below 1 the investment has room to spare (0.4 means
        benefits could fall by 60 %), above 1 benefits must grow; None without benefits.

    Warnings
    --------
    End-of-year timing, as everywhere in this module.

    Examples
    --------
    >>> costs = pd.DataFrame({"year": [0], "category": "licences", "amount": [100.0]})
    >>> benefits = pd.DataFrame({"year": [1], "category": "sales", "amount": [220.0]})
    >>> round(breakeven_benefit_factor(costs, benefits), 6)
    0.5
    """
    flows = present_values(
        cash_flows(costs, benefits, horizon_years=horizon_years, risk_adjusted=risk_adjusted),
        discount_rate=discount_rate,
    )
    return ratio(flows["pv_costs"].sum(), flows["pv_benefits"].sum())
