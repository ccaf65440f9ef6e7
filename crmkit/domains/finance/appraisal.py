"""The headline appraisal of the CRM investment: NPV, ROI, IRR, MIRR and payback.

:func:`investment_summary` gives the risk-adjusted figures with the unadjusted ones beside
them, as an :class:`InvestmentSummary`; IRR and MIRR come from numpy-financial. End-of-year
timing throughout (see :mod:`crmkit.domains.finance`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import numpy_financial as npf
import pandas as pd

from crmkit.domains.finance.cash_flows import payback_months
from crmkit.domains.finance.inputs import (
    ROI_CONVENTIONS,
    RoiConvention,
    adjusted_amounts,
    check_choice,
    check_horizon,
    check_rate,
    clean_table,
    discount_factors,
    none_if_nan,
    per_year,
    ratio,
)

__all__ = ["IRR_MIN_OUTLAY_SHARE", "InvestmentSummary", "investment_summary"]

#: IRR is flagged as not meaningful when the initial outlay is below this share of the
#: present value of the later costs (see :func:`investment_summary`, Notes).
IRR_MIN_OUTLAY_SHARE = 0.10


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
    factors = discount_factors(rate, horizon)
    pv_costs = float(cost_years @ factors)
    pv_benefits = float(benefit_years @ factors)
    net = benefit_years - cost_years
    if roi_convention == "present_value":
        roi = ratio(pv_benefits - pv_costs, pv_costs)
    else:
        roi = ratio(benefit_years.sum() / horizon, cost_years[0])
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
        "irr": none_if_nan(irr),
        "mirr": none_if_nan(mirr),
        "irr_note": _irr_note(net, initial_outlay, later_costs_pv),
        "payback_months": payback_months(net),
        "discounted_payback_months": payback_months(net * factors),
        "breakeven_benefit_factor": ratio(pv_costs, pv_benefits),
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
                out[f.name] = none_if_nan(value)
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
    rate = check_rate(discount_rate)
    reinvest = rate if reinvest_rate is None else check_rate(reinvest_rate, "reinvest_rate")
    horizon = check_horizon(horizon_years)
    convention = check_choice(roi_convention, ROI_CONVENTIONS, "roi_convention")
    if flexibility is not None:
        if isinstance(flexibility, bool) or not isinstance(
            flexibility, int | float | np.integer | np.floating
        ):
            raise ValueError(f"flexibility must be a number or None, got {flexibility!r}")
        if not math.isfinite(float(flexibility)):
            raise ValueError(f"flexibility must be finite, got {flexibility!r}")
        flexibility = float(flexibility)
    c, cost_notes = clean_table(costs, "costs", horizon_years=horizon)
    b, benefit_notes = clean_table(benefits, "benefits", horizon_years=horizon)
    common = {
        "discount_rate": rate,
        "reinvest_rate": reinvest,
        "horizon_years": horizon,
        "roi_convention": convention,
        "flexibility": flexibility,
    }

    def figures(risk_adjusted: bool) -> dict[str, Any]:
        return _figures(
            per_year(c, adjusted_amounts(c, "costs", risk_adjusted), horizon),
            per_year(b, adjusted_amounts(b, "benefits", risk_adjusted), horizon),
            rate=rate,
            reinvest_rate=reinvest,
            roi_convention=convention,
        )

    unadjusted = InvestmentSummary(**figures(False), **common, risk_adjusted=False)
    return InvestmentSummary(
        **figures(True),
        **common,
        risk_adjusted=True,
        notes=tuple(cost_notes + benefit_notes),
        unadjusted=unadjusted,
    )
