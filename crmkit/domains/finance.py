"""The financial value of the CRM investment: cash flows, NPV, ROI, IRR, payback, cost
structure, sensitivity and simulation (DESIGN §1 and §4).

Every function is pure: it takes the canonical ``costs`` and ``benefits`` tables (DESIGN §3)
as pandas DataFrames and returns a tidy DataFrame or a small frozen result object. Nothing
is printed, read or written, and no state is kept; the simulation draws from a generator
seeded by the caller. Numbers are kept at full precision; round only for display.

Timing convention
-----------------
As in total-economic-impact (TEI) studies::

    year        0 "Initial"     1 "Year 1"       2 "Year 2"      …   N "Year N"
    falls at    today           end of year 1    end of year 2       end of year N
    discount    1               1 / (1 + r)      1 / (1 + r)**2      1 / (1 + r)**N

- ``PV costs = Σ costs_t / (1 + r)**t``, ``PV benefits`` likewise, ``NPV = PV benefits − PV
  costs``; ``net benefits`` is the undiscounted total, a different figure (both reported).
- ``ROI = (PV benefits − PV costs) / PV costs`` (``roi_convention="present_value"``, the
  default) or ``average annual benefit / initial cost`` (``roi_convention="simple"``).
- Risk adjustment lowers each benefit to ``amount × (1 − risk_adjustment)`` and raises each
  cost to ``amount × (1 + risk_adjustment)``. The headline figures are risk-adjusted; the
  unadjusted ones are reported beside them.
- Payback is the month at which cumulative undiscounted net benefit turns positive: year
  0's net falls at month 0 all at once, each later year's net is spread evenly over its 12
  months, so the crossing is interpolated linearly (fractions of a month are kept).
- Costs are positive numbers in every table; net = benefits − costs.
- The horizon ends at year N: nothing after it (no terminal value) enters any figure.

Input rules
-----------
``costs`` and ``benefits`` need the columns ``year``, ``category`` and ``amount``;
``risk_adjustment`` (and, for costs, ``phase``) are optional, missing values meaning 0
(and "not stated"). A table may be ``None`` or empty (no costs, or no benefits). Rows whose
year lies beyond the horizon are left out of every figure; :func:`investment_summary` names
them in its ``notes``. Everything else that breaks a rule raises :class:`ValueError` with
one message per rule naming the table, column and row labels: a negative, fractional or
missing year, a negative or missing amount, a risk adjustment outside [0, 1], a negative
discount rate, a horizon below one year.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
import numpy_financial as npf
import pandas as pd
from scipy import special

__all__ = [
    "ECONOMIC_USES",
    "IRR_MIN_OUTLAY_SHARE",
    "InvestmentSummary",
    "MonteCarloResult",
    "breakeven_benefit_factor",
    "cash_flows",
    "cost_breakdown",
    "economic_use",
    "investment_summary",
    "monte_carlo",
    "payback_months",
    "present_values",
    "sensitivity",
    "summary_table",
]

RoiConvention = Literal["present_value", "simple"]
ROI_CONVENTIONS = ("present_value", "simple")

#: The economic uses a CRM's cost is broken down by (the method's cost structure).
ECONOMIC_USES = (
    "licences",
    "hardware",
    "implementation services",
    "training",
    "integration",
    "internal staff",
    "maintenance",
    "other",
)

#: IRR is flagged as not meaningful when the initial outlay is below this share of the
#: present value of the later costs (see :func:`investment_summary`, Notes).
IRR_MIN_OUTLAY_SHARE = 0.10

NOT_STATED = "not stated"
_Z_975 = 1.959963984540054  # the standard normal's 97.5 % quantile

# --------------------------------------------------------------------------- validation


def _check_rate(value: Any, name: str = "discount_rate") -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number such as 0.10 (10 % a year), got {value!r}")
    rate = float(value)
    if not math.isfinite(rate) or rate < 0:
        raise ValueError(f"{name} must be a finite number ≥ 0 such as 0.10, got {value!r}")
    return rate


def _check_horizon(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"horizon_years must be a whole number ≥ 1, got {value!r}")
    return int(value)


def _check_choice(value: Any, choices: tuple[str, ...], name: str) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _rows(labels: pd.Index) -> str:
    shown = ", ".join(str(label) for label in list(labels)[:10])
    return shown + (f" … ({len(labels)} rows)" if len(labels) > 10 else "")


def _clean(
    table: pd.DataFrame | None, name: str, *, horizon_years: int
) -> tuple[pd.DataFrame, list[str]]:
    """The table with canonical columns and dtypes, within the horizon, and its notes.

    Columns: year (int64), category, phase (str; "not stated" when missing), amount,
    risk_adjustment (float64; missing risk means 0).
    """
    columns = ["year", "category", "phase", "amount", "risk_adjustment"]
    if table is None:
        table = pd.DataFrame(columns=["year", "category", "amount"])
    if not isinstance(table, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in ("year", "category", "amount") if c not in table.columns]
    if missing:
        raise ValueError(
            f"{name}: missing column(s) {', '.join(missing)}; expected year, category, amount"
            " (optional: risk_adjustment" + (", phase)" if name == "costs" else ")")
        )
    problems = []
    year = pd.to_numeric(table["year"], errors="coerce").astype("float64")
    bad = ~np.isfinite(year) | (year < 0) | (year != np.floor(year))
    if bad.any():
        problems.append(
            f"{name}, column year, rows {_rows(table.index[bad.to_numpy()])}: expected a whole "
            "number ≥ 0 (0 = initial)"
        )
    amount = pd.to_numeric(table["amount"], errors="coerce").astype("float64")
    bad = ~np.isfinite(amount.to_numpy()) | (amount.to_numpy() < 0)
    if bad.any():
        problems.append(
            f"{name}, column amount, rows {_rows(table.index[bad])}: expected a number ≥ 0 "
            "in the client's currency"
        )
    if "risk_adjustment" in table.columns:
        raw_risk = table["risk_adjustment"]
        risk = pd.to_numeric(raw_risk, errors="coerce").astype("float64")
        bad = (risk.isna() & raw_risk.notna()) | (risk < 0) | (risk > 1)
        if bad.any():
            problems.append(
                f"{name}, column risk_adjustment, rows {_rows(table.index[bad.to_numpy()])}: "
                "expected a fraction from 0 to 1, e.g. 0.15"
            )
        risk = risk.fillna(0.0)
    else:
        risk = pd.Series(0.0, index=table.index)
    if problems:
        raise ValueError("\n".join(problems))

    def _text(column: str) -> pd.Series:
        if column not in table.columns:
            return pd.Series(NOT_STATED, index=table.index, dtype=object)
        values = table[column].astype(object)
        text = values.map(lambda v: str(v).strip() if pd.notna(v) else "")
        return text.where(text != "", NOT_STATED)

    clean = pd.DataFrame(
        {
            "year": year.astype("int64").to_numpy(),
            "category": _text("category").to_numpy(dtype=object),
            "phase": _text("phase").to_numpy(dtype=object),
            "amount": amount.to_numpy(),
            "risk_adjustment": risk.to_numpy(dtype="float64"),
        },
        columns=columns,
    )
    notes = []
    beyond = clean["year"] > horizon_years
    if beyond.any():
        years = sorted(set(clean.loc[beyond, "year"]))
        listed = ", ".join(str(y) for y in years)
        notes.append(
            f"{name}: {int(beyond.sum())} row(s) in year(s) {listed}, beyond the "
            f"{horizon_years}-year horizon, were left out (amount "
            f"{clean.loc[beyond, 'amount'].sum():,.0f})"
        )
        clean = clean.loc[~beyond].reset_index(drop=True)
    return clean, notes


def _adjusted(table: pd.DataFrame, kind: str, risk_adjusted: bool) -> np.ndarray:
    """Amounts, risk-adjusted if asked: benefits × (1 − risk), costs × (1 + risk)."""
    amount = table["amount"].to_numpy(dtype="float64")
    if not risk_adjusted:
        return amount
    sign = 1.0 if kind == "costs" else -1.0
    return amount * (1.0 + sign * table["risk_adjustment"].to_numpy(dtype="float64"))


def _per_year(table: pd.DataFrame, amounts: np.ndarray, horizon_years: int) -> np.ndarray:
    years = table["year"].to_numpy(dtype="int64")
    return np.bincount(years, weights=amounts, minlength=horizon_years + 1).astype("float64")


def _discount_factors(rate: float, horizon_years: int) -> np.ndarray:
    return 1.0 / (1.0 + rate) ** np.arange(horizon_years + 1)


def _labels(horizon_years: int) -> list[str]:
    return ["Initial"] + [f"Year {year}" for year in range(1, horizon_years + 1)]


def _none_if_nan(value: Any) -> Any:
    if isinstance(value, float | np.floating) and not math.isfinite(value):
        return None
    if isinstance(value, np.floating | np.integer):
        return value.item()
    return value


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if denominator == 0 else float(numerator / denominator)


# --------------------------------------------------------------------------- cash flows


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
    horizon = _check_horizon(horizon_years)
    c, _ = _clean(costs, "costs", horizon_years=horizon)
    b, _ = _clean(benefits, "benefits", horizon_years=horizon)
    return _flows_frame(
        _per_year(c, _adjusted(c, "costs", risk_adjusted), horizon),
        _per_year(b, _adjusted(b, "benefits", risk_adjusted), horizon),
    )


def _flows_frame(costs: np.ndarray, benefits: np.ndarray) -> pd.DataFrame:
    horizon = len(costs) - 1
    net = benefits - costs
    return pd.DataFrame(
        {
            "year": np.arange(horizon + 1, dtype="int64"),
            "label": pd.array(_labels(horizon), dtype=object),
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
    rate = _check_rate(discount_rate)
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


# --------------------------------------------------------------------------- summary


def _sign_changes(values: np.ndarray) -> int:
    signs = np.sign(values[values != 0])
    return int(np.count_nonzero(signs[1:] != signs[:-1]))


def _irr_note(net: np.ndarray, initial_outlay: float, later_costs_pv: float) -> str | None:
    changes = _sign_changes(net)
    if changes == 0:
        if not np.any(net):
            return "IRR is not defined: there are no cash flows."
        kind = "positive" if net[net != 0][0] > 0 else "negative"
        return f"IRR is not defined: the net cash flows are all {kind} (they never change sign)."
    if changes > 1:
        return (
            f"IRR is not meaningful: the net cash flows change sign {changes} times, so the "
            "IRR equation may have several solutions (the one closest to zero is shown). "
            "Judge the investment by NPV and MIRR."
        )
    if net[net != 0][0] > 0:
        return (
            "IRR is not meaningful as a return: the net cash flows start positive and turn "
            "negative, so the IRR is a borrowing rate (higher is worse). Judge the investment "
            "by NPV."
        )
    if initial_outlay < IRR_MIN_OUTLAY_SHARE * later_costs_pv:
        return (
            f"IRR is not meaningful: the initial outlay (present value {initial_outlay:,.0f}) "
            f"is less than {IRR_MIN_OUTLAY_SHARE:.0%} of the present value of the later costs "
            f"({later_costs_pv:,.0f}); most of the cost is paid as it goes, so the IRR "
            "overstates the return. Judge the investment by NPV and ROI."
        )
    return None


def _figures(
    cost_years: np.ndarray,
    benefit_years: np.ndarray,
    *,
    rate: float,
    reinvest_rate: float,
    roi_convention: str,
) -> dict[str, Any]:
    """The headline figures from yearly costs and benefits (index = year)."""
    horizon = len(cost_years) - 1
    factors = _discount_factors(rate, horizon)
    pv_costs = float(cost_years @ factors)
    pv_benefits = float(benefit_years @ factors)
    net = benefit_years - cost_years
    if roi_convention == "present_value":
        roi = _ratio(pv_benefits - pv_costs, pv_costs)
    else:
        roi = _ratio(benefit_years.sum() / horizon, cost_years[0])
    with np.errstate(all="ignore"):  # extreme flows (e.g. 1e-300) give no finite IRR
        try:
            irr = float(npf.irr(net)) if np.any(net) else math.nan
        except np.linalg.LinAlgError:
            irr = math.nan
        mirr = float(npf.mirr(net, rate, reinvest_rate))
    # the investment phase: the years before the first net inflow (year 0 in a TEI study)
    positive = np.flatnonzero(net > 0)
    first_inflow = int(positive[0]) if positive.size else len(net)
    initial_outlay = float(-(net[:first_inflow] @ factors[:first_inflow]))
    later_costs_pv = float(cost_years[first_inflow:] @ factors[first_inflow:])
    return {
        "pv_costs": pv_costs,
        "pv_benefits": pv_benefits,
        "npv": pv_benefits - pv_costs,
        "roi": roi,
        "net_benefits": float(net.sum()),
        "total_costs": float(cost_years.sum()),
        "total_benefits": float(benefit_years.sum()),
        "irr": _none_if_nan(irr),
        "mirr": _none_if_nan(mirr),
        "irr_note": _irr_note(net, initial_outlay, later_costs_pv),
        "payback_months": payback_months(net),
        "discounted_payback_months": payback_months(net * factors),
        "breakeven_benefit_factor": _ratio(pv_costs, pv_benefits),
    }


@dataclass(frozen=True)
class InvestmentSummary:
    """The headline financial figures of the CRM investment (see :func:`investment_summary`).

    Attributes
    ----------
    pv_costs, pv_benefits : float
        Present values of costs and benefits at ``discount_rate``.
    npv : float
        ``pv_benefits − pv_costs``.
    roi : float or None
        A fraction (3.29 is 329 %) by ``roi_convention``; None when its denominator is 0.
    net_benefits : float
        Undiscounted total benefits − total costs (not the NPV).
    total_costs, total_benefits : float
        Undiscounted totals over the horizon.
    irr, mirr : float or None
        Internal rate of return and modified IRR (numpy-financial) of the yearly net flows;
        None when undefined.
    irr_note : str or None
        Why the IRR is not meaningful here, or None when it is (rules: see
        :func:`investment_summary`).
    payback_months, discounted_payback_months : float or None
        See :func:`payback_months`; None when not reached within the horizon.
    breakeven_benefit_factor : float or None
        The factor by which every benefit must be multiplied for NPV = 0 (``pv_costs /
        pv_benefits``): 0.4 means benefits could fall by 60 % and still pay back.
    discount_rate, reinvest_rate : float
        The rates used (``reinvest_rate`` only enters the MIRR).
    horizon_years : int
    roi_convention : str
        "present_value" or "simple".
    risk_adjusted : bool
        Whether these figures use risk-adjusted amounts.
    flexibility : float or None
        The present value of future options the investment opens (TEI "flexibility"), as
        given; reported beside NPV and never added to it.
    notes : tuple of str
        What was left out (rows beyond the horizon).
    unadjusted : InvestmentSummary or None
        The same figures without risk adjustment (itself with ``unadjusted=None``).
    """

    pv_costs: float
    pv_benefits: float
    npv: float
    roi: float | None
    net_benefits: float
    total_costs: float
    total_benefits: float
    irr: float | None
    mirr: float | None
    irr_note: str | None
    payback_months: float | None
    discounted_payback_months: float | None
    breakeven_benefit_factor: float | None
    discount_rate: float
    reinvest_rate: float
    horizon_years: int
    roi_convention: str
    risk_adjusted: bool = True
    flexibility: float | None = None
    notes: tuple[str, ...] = ()
    unadjusted: InvestmentSummary | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The figures as results.json's ``financial.*`` keys (JSON-ready, NaN as None).

        Keys: every attribute above (``notes`` as a list), with ``unadjusted`` as a nested
        dict of the same keys (without its own ``unadjusted``, ``notes``, ``flexibility``).
        """
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "unadjusted":
                if value is not None:
                    inner = value.to_dict()
                    for key in ("unadjusted", "notes", "flexibility"):
                        inner.pop(key, None)
                    out[f.name] = inner
            elif f.name == "notes":
                out[f.name] = list(value)
            else:
                out[f.name] = _none_if_nan(value)
        return out


def investment_summary(
    costs: pd.DataFrame | None,
    benefits: pd.DataFrame | None,
    *,
    discount_rate: float = 0.10,
    horizon_years: int = 3,
    roi_convention: RoiConvention = "present_value",
    flexibility: float | None = None,
    reinvest_rate: float | None = None,
) -> InvestmentSummary:
    """NPV, ROI, IRR, MIRR and payback of the CRM investment, risk-adjusted and not.

    Parameters
    ----------
    costs, benefits : DataFrame or None
        The canonical tables; see the module docstring.
    discount_rate : float, default 0.10
        Per year, ≥ 0. Also the MIRR's finance rate.
    horizon_years : int, default 3
        Years after the initial one; rows beyond are left out (named in ``notes``).
    roi_convention : {"present_value", "simple"}
        "present_value": ``(PV benefits − PV costs) / PV costs`` (TEI studies);
        "simple": ``average annual benefit / initial cost``, where the average annual
        benefit is the total (undiscounted) benefit over the horizon divided by
        ``horizon_years`` and the initial cost is year 0's cost; running costs are not
        subtracted.
    flexibility : float, optional
        The present value of options the investment opens; reported, never added to NPV.
    reinvest_rate : float, optional
        The MIRR's reinvestment rate; defaults to ``discount_rate``.

    Returns
    -------
    InvestmentSummary
        The risk-adjusted figures, with the unadjusted ones in ``.unadjusted``;
        ``.to_dict()`` gives results.json's ``financial`` section.

    Warnings
    --------
    End-of-year timing: year 0 is not discounted, year n is discounted by ``(1 + r)**n``;
    IRR and MIRR use the yearly net flows with year 0 first, as numpy-financial does.

    Notes
    -----
    IRR is reported with a note (``irr_note``) when it is not a meaningful rate of return,
    by the first rule that applies:

    1. the net flows never change sign: no IRR exists (``irr`` is None);
    2. they change sign more than once: several IRRs (or none) may exist; numpy-financial
       returns the one closest to zero;
    3. they start positive and turn negative: the IRR is a borrowing rate;
    4. the initial outlay is below ``IRR_MIN_OUTLAY_SHARE`` (10 %) of the present value of
       the later costs: with so little paid up front, the IRR explodes and says little
       about the return (typical of subscription licences). The initial outlay is the
       present value of the net outflows before the first year with a net inflow (usually
       year 0's costs − benefits); the later costs are those of that year onwards.

    The MIRR (numpy-financial) compounds positive flows at ``reinvest_rate`` to the horizon
    and discounts negative flows at ``discount_rate`` (the finance rate).

    References
    ----------
    Forrester Research, *Total Economic Impact* methodology: risk-adjusted costs and
    benefits, PV at end-of-year timing, ROI = net PV / PV costs, payback.

    Examples
    --------
    >>> costs = pd.DataFrame({"year": [0], "category": "licences", "amount": [100.0]})
    >>> benefits = pd.DataFrame({"year": [1], "category": "sales", "amount": [120.0]})
    >>> s = investment_summary(costs, benefits)
    >>> round(s.npv, 4), round(s.roi, 4), round(s.irr, 4), s.payback_months, s.irr_note
    (9.0909, 0.0909, 0.2, 10.0, None)
    """
    rate = _check_rate(discount_rate)
    reinvest = rate if reinvest_rate is None else _check_rate(reinvest_rate, "reinvest_rate")
    horizon = _check_horizon(horizon_years)
    convention = _check_choice(roi_convention, ROI_CONVENTIONS, "roi_convention")
    if flexibility is not None:
        if isinstance(flexibility, bool) or not isinstance(
            flexibility, int | float | np.integer | np.floating
        ):
            raise ValueError(f"flexibility must be a number or None, got {flexibility!r}")
        if not math.isfinite(float(flexibility)):
            raise ValueError(f"flexibility must be finite, got {flexibility!r}")
        flexibility = float(flexibility)
    c, cost_notes = _clean(costs, "costs", horizon_years=horizon)
    b, benefit_notes = _clean(benefits, "benefits", horizon_years=horizon)
    common = {
        "discount_rate": rate,
        "reinvest_rate": reinvest,
        "horizon_years": horizon,
        "roi_convention": convention,
        "flexibility": flexibility,
    }
    unadjusted = InvestmentSummary(
        **_figures(
            _per_year(c, _adjusted(c, "costs", False), horizon),
            _per_year(b, _adjusted(b, "benefits", False), horizon),
            rate=rate,
            reinvest_rate=reinvest,
            roi_convention=convention,
        ),
        **common,
        risk_adjusted=False,
    )
    return InvestmentSummary(
        **_figures(
            _per_year(c, _adjusted(c, "costs", True), horizon),
            _per_year(b, _adjusted(b, "benefits", True), horizon),
            rate=rate,
            reinvest_rate=reinvest,
            roi_convention=convention,
        ),
        **common,
        risk_adjusted=True,
        notes=tuple(cost_notes + benefit_notes),
        unadjusted=unadjusted,
    )


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
    return _ratio(flows["pv_costs"].sum(), flows["pv_benefits"].sum())


# --------------------------------------------------------------------------- cost structure

# Words (lower case; Chinese as written) that identify an economic use, checked in order:
# the first use with a word inside the category's name wins.
_USE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("internal staff", ("internal", "staff", "employee", "personnel", "fte", "in-house",
                        "in house", "headcount", "内部", "人员", "员工", "人力")),
    ("training", ("training", "train", "education", "onboarding", "change management",
                  "coaching", "workshop", "培训")),
    ("integration", ("integration", "integrat", "interface", "api", "migration", "connector",
                     "middleware", "集成", "接口", "迁移")),
    ("maintenance", ("maintenance", "maintain", "support", "upgrade", "patch", "helpdesk",
                     "维护", "运维", "支持", "升级")),
    ("implementation services", ("implementation", "implement", "consult", "professional",
                                 "customi", "configur", "deployment", "set-up", "setup",
                                 "project", "partner", "实施", "咨询", "定制", "部署")),
    ("licences", ("licence", "license", "licens", "subscription", "saas", "seat", "software",
                  "user fee", "许可", "授权", "订阅", "软件")),
    ("hardware", ("hardware", "server", "infrastructure", "device", "equipment", "laptop",
                  "network", "hosting", "storage", "硬件", "服务器", "设备")),
)  # fmt: skip


def economic_use(category: Any) -> str:
    """The economic use a cost category belongs to, one of :data:`ECONOMIC_USES`.

    Parameters
    ----------
    category : str
        A cost category as the client wrote it ("Software licenses", "SI partner fees",
        "培训" …). Case, hyphens, underscores and extra spaces are ignored.

    Returns
    -------
    str
        "licences", "hardware", "implementation services", "training", "integration",
        "internal staff", "maintenance" or "other" (also for missing values).

    Notes
    -----
    A category is matched against word lists in this order: internal staff, training,
    integration, maintenance, implementation services, licences, hardware; the first hit
    wins ("internal staff training" is internal staff, "licence support" is maintenance).
    The exact name of a use always maps to itself.

    Examples
    --------
    >>> economic_use("Software Licenses"), economic_use("data_migration"), economic_use("Travel")
    ('licences', 'integration', 'other')
    """
    if not isinstance(category, str):
        return "other"
    text = re.sub(r"[\s_\-]+", " ", category.lower()).strip()
    if text in ECONOMIC_USES:
        return text
    for use, words in _USE_WORDS:
        if any(word in text for word in words):
            return use
    return "other"


def cost_breakdown(
    costs: pd.DataFrame | None,
    *,
    by: Literal["phase", "category", "economic_use"] = "phase",
    discount_rate: float = 0.10,
    horizon_years: int = 3,
    risk_adjusted: bool = True,
) -> pd.DataFrame:
    """The CRM's cost by lifecycle phase, by category or by economic use.

    Parameters
    ----------
    costs : DataFrame or None
        The canonical costs table.
    by : {"phase", "category", "economic_use"}, default "phase"
        What to group by; missing phases and categories are "not stated", and economic
        uses come from :func:`economic_use`.
    discount_rate : float, default 0.10
    horizon_years : int, default 3
    risk_adjusted : bool, default True
        Costs × (1 + risk_adjustment), so that the present values add up to the summary's
        ``pv_costs``.

    Returns
    -------
    DataFrame
        One row per group, largest amount first (ties by name): the group column (named
        after ``by``), ``economic_use`` (only when ``by="category"``), ``amount``
        (undiscounted total over the horizon), ``share`` (of the total amount),
        ``present_value``, ``pv_share`` (of the total present value).

    Warnings
    --------
    End-of-year timing: year 0 costs are not discounted, year n's by ``(1 + r)**n``.

    Examples
    --------
    >>> costs = pd.DataFrame({"year": [0, 1], "category": ["licences", "support"],
    ...                       "amount": [300.0, 110.0], "phase": ["implementation", None]})
    >>> cost_breakdown(costs)[["phase", "amount", "share", "present_value"]]
                phase  amount     share  present_value
    0  implementation   300.0  0.731707          300.0
    1      not stated   110.0  0.268293          100.0
    """
    choices = ("phase", "category", "economic_use")
    group = _check_choice(by, choices, "by")
    rate = _check_rate(discount_rate)
    horizon = _check_horizon(horizon_years)
    c, _ = _clean(costs, "costs", horizon_years=horizon)
    amount = _adjusted(c, "costs", risk_adjusted)
    frame = pd.DataFrame(
        {
            "phase": c["phase"],
            "category": c["category"],
            "economic_use": c["category"].map(economic_use),
            "amount": amount,
            "present_value": amount * _discount_factors(rate, horizon)[c["year"].to_numpy()],
        }
    )
    # a category's economic use is a function of its name: grouping by both keeps one row
    keys = [group, "economic_use"] if group == "category" else [group]
    out = frame.groupby(keys, sort=False, dropna=False)[["amount", "present_value"]].sum()
    out = out.reset_index()
    total, total_pv = out["amount"].sum(), out["present_value"].sum()
    out["share"] = out["amount"] / total if total > 0 else math.nan
    out["pv_share"] = out["present_value"] / total_pv if total_pv > 0 else math.nan
    out = out.sort_values(["amount", group], ascending=[False, True], kind="stable")
    out = out[[*keys, "amount", "share", "present_value", "pv_share"]].reset_index(drop=True)
    for key in keys:
        out[key] = out[key].astype(object)
    return out


# --------------------------------------------------------------------------- sensitivity


def sensitivity(
    costs: pd.DataFrame | None,
    benefits: pd.DataFrame | None,
    *,
    discount_rate: float = 0.10,
    horizon_years: int = 3,
    swing: float = 0.2,
    rate_swing: float = 0.05,
    risk_adjusted: bool = True,
) -> pd.DataFrame:
    """The tornado: how far NPV moves when one input moves and the others stay put.

    Each cost category's and each benefit category's amounts (all years together) are
    multiplied by ``1 − swing`` and ``1 + swing``; the discount rate moves by ``±
    rate_swing`` (not below 0).

    Parameters
    ----------
    costs, benefits : DataFrame or None
    discount_rate : float, default 0.10
    horizon_years : int, default 3
    swing : float, default 0.2
        Relative change of a category's amounts (0.2 = ±20 %), from 0 to 1.
    rate_swing : float, default 0.05
        Absolute change of the discount rate (0.05 = ±5 percentage points), ≥ 0.
    risk_adjusted : bool, default True
        Start from the risk-adjusted amounts (the headline NPV).

    Returns
    -------
    DataFrame
        One row per driver, the widest range first (ties by kind and driver): ``driver``
        (the category, or "discount rate"), ``kind`` ("cost", "benefit", "discount rate"),
        ``swing`` (the relative or absolute change applied), ``base_npv``,
        ``npv_if_lower`` / ``npv_if_higher`` (NPV with the driver lowered / raised),
        ``low_npv`` / ``high_npv`` (the smaller / larger of the two) and ``range``
        (``high_npv − low_npv``).

    Warnings
    --------
    End-of-year timing, as everywhere in this module.

    Notes
    -----
    NPV is linear in each amount, so a benefit category with present value ``PV`` gives
    ``range = 2 × swing × PV`` (a cost category likewise).

    Examples
    --------
    >>> costs = pd.DataFrame({"year": [0], "category": "licences", "amount": [100.0]})
    >>> benefits = pd.DataFrame({"year": [1], "category": "sales", "amount": [220.0]})
    >>> sensitivity(costs, benefits)[["driver", "kind", "range"]].round(2)
              driver           kind  range
    0          sales        benefit  80.00
    1       licences           cost  40.00
    2  discount rate  discount rate  18.22
    """
    rate = _check_rate(discount_rate)
    horizon = _check_horizon(horizon_years)
    swing = _check_rate(swing, "swing")
    if swing > 1:
        raise ValueError(f"swing must be a fraction from 0 to 1, got {swing!r}")
    rate_swing = _check_rate(rate_swing, "rate_swing")
    c, _ = _clean(costs, "costs", horizon_years=horizon)
    b, _ = _clean(benefits, "benefits", horizon_years=horizon)
    cost_amount = _adjusted(c, "costs", risk_adjusted)
    benefit_amount = _adjusted(b, "benefits", risk_adjusted)
    cost_years = _per_year(c, cost_amount, horizon)
    benefit_years = _per_year(b, benefit_amount, horizon)

    def npv_at(r: float) -> float:
        return float((benefit_years - cost_years) @ _discount_factors(r, horizon))

    base = npv_at(rate)
    factors = _discount_factors(rate, horizon)
    rows = []
    for kind, table, amount, sign in (
        ("cost", c, cost_amount, -1.0),
        ("benefit", b, benefit_amount, 1.0),
    ):
        pv = pd.Series(amount * factors[table["year"].to_numpy()]).groupby(
            table["category"].to_numpy(), sort=True
        )
        for category, category_pv in pv.sum().items():
            delta = sign * swing * float(category_pv)
            rows.append((category, kind, swing, base, base - delta, base + delta))
    rows.append(
        (
            "discount rate",
            "discount rate",
            rate_swing,
            base,
            npv_at(max(rate - rate_swing, 0.0)),
            npv_at(rate + rate_swing),
        )
    )
    out = pd.DataFrame(
        rows,
        columns=["driver", "kind", "swing", "base_npv", "npv_if_lower", "npv_if_higher"],
    )
    out["low_npv"] = out[["npv_if_lower", "npv_if_higher"]].min(axis=1)
    out["high_npv"] = out[["npv_if_lower", "npv_if_higher"]].max(axis=1)
    out["range"] = out["high_npv"] - out["low_npv"]
    out["driver"] = out["driver"].astype(object)
    out["kind"] = out["kind"].astype(object)
    out = out.sort_values(["range", "kind", "driver"], ascending=[False, True, True], kind="stable")
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- simulation


def _triangular_ppf(u: np.ndarray, low: Any, mode: Any, high: Any) -> np.ndarray:
    """The inverse distribution function of the triangular distribution (vectorised)."""
    low, mode, high = (np.asarray(x, dtype="float64") for x in (low, mode, high))
    width = high - low
    split = np.divide(mode - low, width, out=np.zeros_like(width), where=width > 0)
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(u < split, left, right)


def _check_ranges(ranges: pd.DataFrame, categories: set[str]) -> pd.DataFrame:
    if not isinstance(ranges, pd.DataFrame):
        raise ValueError(f"benefit_ranges must be a DataFrame, got {type(ranges).__name__}")
    missing = [c for c in ("category", "low", "central", "high") if c not in ranges.columns]
    if missing:
        raise ValueError(
            f"benefit_ranges: missing column(s) {', '.join(missing)}; expected category, "
            "low, central, high (optional: distribution)"
        )
    out = pd.DataFrame(
        {
            "category": ranges["category"].map(lambda v: str(v).strip()).to_numpy(object),
            **{
                col: pd.to_numeric(ranges[col], errors="coerce").to_numpy(dtype="float64")
                for col in ("low", "central", "high")
            },
            "distribution": (
                ranges["distribution"].fillna("triangular").astype(str).str.lower().to_numpy()
                if "distribution" in ranges.columns
                else "triangular"
            ),
        },
        index=ranges.index,
    )
    problems = []
    unknown = sorted(set(out["category"]) - categories)
    if unknown:
        problems.append(
            f"benefit_ranges, column category: {', '.join(unknown)} not in benefits "
            f"(categories: {', '.join(sorted(categories))})"
        )
    duplicated = out["category"].duplicated()
    if duplicated.any():
        problems.append(
            f"benefit_ranges, column category, rows {_rows(out.index[duplicated.to_numpy()])}:"
            " each category once"
        )
    values = out[["low", "central", "high"]].to_numpy()
    bad = (
        ~np.isfinite(values).all(axis=1)
        | (out["low"] > out["central"]).to_numpy()
        | (out["central"] > out["high"]).to_numpy()
        | (out["central"] <= 0).to_numpy()
    )
    if bad.any():
        problems.append(
            f"benefit_ranges, rows {_rows(out.index[bad])}: expected numbers with "
            "low ≤ central ≤ high and central > 0"
        )
    bad = ~out["distribution"].isin(["triangular", "normal"])
    if bad.any():
        problems.append(
            f"benefit_ranges, column distribution, rows {_rows(out.index[bad.to_numpy()])}: "
            "expected triangular or normal"
        )
    if problems:
        raise ValueError("\n".join(problems))
    return out.set_index("category")


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """The distribution of NPV and ROI over simulated draws (see :func:`monte_carlo`).

    Attributes
    ----------
    npv, roi : ndarray
        One value per draw (read-only); ``roi`` is NaN where its denominator is 0.
    n, seed : int
    p_npv_positive : float
        Share of draws with NPV > 0.
    npv_mean, npv_std : float
        Mean and standard deviation of the NPV draws (``npv_std / sqrt(n)`` is the Monte
        Carlo standard error of the mean).
    npv_p5, npv_p50, npv_p95 : float
        Percentiles of NPV.
    roi_mean, roi_p5, roi_p50, roi_p95 : float or None
        Likewise for ROI (None when ROI is never defined).
    discount_rate : float
    horizon_years : int
    roi_convention : str
    """

    npv: np.ndarray
    roi: np.ndarray
    n: int
    seed: int
    p_npv_positive: float
    npv_mean: float
    npv_std: float
    npv_p5: float
    npv_p50: float
    npv_p95: float
    roi_mean: float | None
    roi_p5: float | None
    roi_p50: float | None
    roi_p95: float | None
    discount_rate: float
    horizon_years: int
    roi_convention: str

    @property
    def draws(self) -> pd.DataFrame:
        """The draws as a DataFrame with columns ``draw``, ``npv``, ``roi``."""
        return pd.DataFrame({"draw": np.arange(self.n), "npv": self.npv, "roi": self.roi})

    def to_dict(self) -> dict[str, Any]:
        """The summary as results.json keys (no draws; NaN as None): n, seed,
        p_npv_positive, npv_mean, npv_std, npv_p5, npv_p50, npv_p95, roi_mean, roi_p5,
        roi_p50, roi_p95, discount_rate, horizon_years, roi_convention."""
        return {
            f.name: _none_if_nan(getattr(self, f.name))
            for f in fields(self)
            if f.name not in ("npv", "roi")
        }


def monte_carlo(
    costs: pd.DataFrame | None,
    benefits: pd.DataFrame | None,
    *,
    discount_rate: float = 0.10,
    horizon_years: int = 3,
    n: int = 10_000,
    seed: int = 0,
    benefit_ranges: pd.DataFrame | None = None,
    roi_convention: RoiConvention = "present_value",
) -> MonteCarloResult:
    """Simulate NPV and ROI under uncertain costs and benefits (vectorised, seeded).

    Parameters
    ----------
    costs, benefits : DataFrame or None
        The canonical tables; their *unadjusted* amounts and risk adjustments set the ranges.
    discount_rate : float, default 0.10
    horizon_years : int, default 3
    n : int, default 10_000
        Number of draws.
    seed : int, default 0
        Seed of the random generator (same seed, same draws).
    benefit_ranges : DataFrame, optional
        Evidence-based ranges per benefit category, columns ``category``, ``low``,
        ``central``, ``high`` and optionally ``distribution`` ("triangular", the default,
        with mode ``central``; or "normal" with mean ``central`` and ``low`` / ``high`` read
        as a 95 % interval, sd = (high − low) / (2 × 1.96)). The three numbers may be in any
        unit proportional to the benefit — money a year, or a KPI's estimated change and its
        confidence interval: each draw ``x`` multiplies every year's amount of the category by
        ``x / central``. Categories not listed use the default range.
    roi_convention : {"present_value", "simple"}
        As in :func:`investment_summary`.

    Returns
    -------
    MonteCarloResult

    Warnings
    --------
    End-of-year timing, as everywhere in this module.

    Notes
    -----
    Default ranges (triangular, mode at the stated amount):

    - a benefit between ``amount × (1 − risk)`` and ``amount × (1 + risk)`` — symmetric, so
      its mean is the unadjusted amount;
    - a cost between ``amount`` and ``amount × (1 + risk)`` — overruns only, mean
      ``amount × (1 + risk / 3)``.

    Draws are independent between categories and perfectly correlated across the years of
    one category (one uniform number per category and draw drives all its years: a benefit
    that falls short in year 1 falls short in every year). Benefits are drawn before costs,
    categories in sorted order, so a seed fixes every draw.

    The risk-adjusted NPV of :func:`investment_summary` takes every benefit at the low end
    of its range and every cost at the high end at once; it is a deliberately conservative
    case and usually lies below the simulation's 5th percentile.

    Examples
    --------
    >>> costs = pd.DataFrame({"year": [0], "category": "licences", "amount": [100.0]})
    >>> benefits = pd.DataFrame({"year": [1], "category": "sales", "amount": [220.0],
    ...                          "risk_adjustment": [0.2]})
    >>> result = monte_carlo(costs, benefits, n=1000, seed=1)
    >>> result.p_npv_positive
    1.0
    """
    rate = _check_rate(discount_rate)
    horizon = _check_horizon(horizon_years)
    convention = _check_choice(roi_convention, ROI_CONVENTIONS, "roi_convention")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a whole number ≥ 1, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number ≥ 0, got {seed!r}")
    n, seed = int(n), int(seed)
    c, _ = _clean(costs, "costs", horizon_years=horizon)
    b, _ = _clean(benefits, "benefits", horizon_years=horizon)
    factors = _discount_factors(rate, horizon)
    rng = np.random.default_rng(seed)

    # benefits: (n draws) × (rows) matrix of amounts
    b_categories, b_index = np.unique(b["category"].to_numpy(dtype=str), return_inverse=True)
    u = rng.random((n, len(b_categories)))[:, b_index]
    amount, risk = b["amount"].to_numpy(), b["risk_adjustment"].to_numpy()
    b_draws = _triangular_ppf(u, amount * (1 - risk), amount, amount * (1 + risk))
    if benefit_ranges is not None:
        ranges = _check_ranges(benefit_ranges, set(b_categories))
        for category, spec in ranges.iterrows():
            rows = np.flatnonzero(b["category"].to_numpy(dtype=str) == category)
            u_cat = u[:, rows[0]]  # every row of a category shares its uniform draw
            if spec["distribution"] == "normal":
                sd = (spec["high"] - spec["low"]) / (2 * _Z_975)
                draw = spec["central"] + sd * special.ndtri(np.clip(u_cat, 1e-12, 1 - 1e-12))
            else:
                draw = _triangular_ppf(u_cat, spec["low"], spec["central"], spec["high"])
            b_draws[:, rows] = np.outer(draw / spec["central"], amount[rows])

    c_categories, c_index = np.unique(c["category"].to_numpy(dtype=str), return_inverse=True)
    u = rng.random((n, len(c_categories)))[:, c_index]
    amount, risk = c["amount"].to_numpy(), c["risk_adjustment"].to_numpy()
    c_draws = _triangular_ppf(u, amount, amount, amount * (1 + risk))

    pv_benefits = b_draws @ factors[b["year"].to_numpy()]
    pv_costs = c_draws @ factors[c["year"].to_numpy()]
    npv = pv_benefits - pv_costs
    if convention == "present_value":
        numerator, denominator = npv, pv_costs
    else:
        numerator = b_draws.sum(axis=1) / horizon
        denominator = c_draws[:, c["year"].to_numpy() == 0].sum(axis=1)
    roi = np.divide(
        numerator,
        denominator,
        out=np.full(n, np.nan),
        where=denominator != 0,
    )
    npv.setflags(write=False)
    roi.setflags(write=False)
    npv_p = np.percentile(npv, [5, 50, 95])
    finite = roi[np.isfinite(roi)]
    roi_p = np.percentile(finite, [5, 50, 95]) if finite.size else [None] * 3
    return MonteCarloResult(
        npv=npv,
        roi=roi,
        n=n,
        seed=seed,
        p_npv_positive=float(np.mean(npv > 0)),
        npv_mean=float(npv.mean()),
        npv_std=float(npv.std(ddof=1)) if n > 1 else 0.0,
        npv_p5=float(npv_p[0]),
        npv_p50=float(npv_p[1]),
        npv_p95=float(npv_p[2]),
        roi_mean=float(finite.mean()) if finite.size else None,
        roi_p5=_none_if_nan(roi_p[0]),
        roi_p50=_none_if_nan(roi_p[1]),
        roi_p95=_none_if_nan(roi_p[2]),
        discount_rate=rate,
        horizon_years=horizon,
        roi_convention=convention,
    )
