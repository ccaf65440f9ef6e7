"""The financial stage's words: measured benefits, claims, figures and tables for the page.

Built from what :mod:`crmkit.domains.benefits`, :mod:`crmkit.domains.finance` and
:mod:`crmkit.domains.valuation` return: each benefit's formula with this run's numbers, the
evidence it rests on and why it has no value; the headline figures of both cases side by
side; the measured benefits, the claims, the cost breakdown and the year-by-year summary as
a reader sees them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from crmkit.data.guards import Guard
from crmkit.data.verdicts import Status
from crmkit.domains import finance
from crmkit.domains.benefits import Basis, Benefit, Gap
from crmkit.domains.valuation import Appraisal
from crmkit.words.formats import (
    TableView,
    format_change_pct,
    format_kpi_change,
    format_kpi_value,
    format_money,
    format_p_value,
    format_percent,
    is_missing,
)

__all__ = [
    "GAP_NOTES",
    "GUARD_REASONS",
    "benefit_evidence",
    "benefit_formula",
    "benefit_note",
    "benefits_table",
    "breakdown_table",
    "claims_table",
    "describe_benefits",
    "figures_table",
    "summary_view",
]

#: Why a guarded change is not credited, in the words of the benefit's note.
GUARD_REASONS = {
    Guard.COUNTERFACTUAL_IMPLAUSIBLE: "the projected counterfactual is implausible",
    Guard.CONFOUNDED_AGEING: "without a control group the change may be the customer base "
    "ageing, not the CRM",
    Guard.NOT_COMPARABLE: "the windows before and after go-live cannot be compared",
    Guard.SHARED_WITH_CONTROL: "net of the control group's change, what is left is within what "
    "chance explains",
    Guard.NO_INTERVAL: "the change net of the control group has no interval (too few control "
    "units): the data cannot say",
}

#: The note of a benefit the data cannot measure, or can count in hours only.
GAP_NOTES = {
    Gap.NO_REVENUE_EFFECT: "needs monthly revenue and a time series or control group",
    Gap.NO_RESOLUTION_TIMES: "needs resolution times",
    Gap.NO_SALES_CYCLES: "needs sales cycles",
    Gap.NO_COMPLAINTS: "needs complaints and resolution times",
    Gap.NO_CHURN_INPUTS: "needs the churn rate, purchase frequency and order value",
    Gap.NO_CAMPAIGNS: "needs campaigns with costs and conversions",
    Gap.HOURS_NOT_VALUED: "hours not valued: set finance.hourly_cost",
}


def benefit_note(reason: Guard | Gap | None, terms: Mapping[str, Any] | None = None) -> str | None:
    """Why a measured benefit has no value, or only hours (None when nothing is missing).

    Parameters
    ----------
    reason : Guard, Gap or None
        A row's ``reason`` (:func:`crmkit.domains.benefits.measured_benefits`) or the second
        item of :func:`crmkit.domains.benefits.credited_change` when nothing is credited.
    terms : mapping, optional
        The row's ``terms``: ``why`` (the revenue effect's reason), ``guard`` (the code).

    Examples
    --------
    >>> benefit_note(Guard.NO_INTERVAL)[:28]
    'not credited to the CRM: the'
    >>> benefit_note(Gap.HOURS_NOT_VALUED)
    'hours not valued: set finance.hourly_cost'
    """
    terms = terms or {}
    if reason is None or is_missing(reason):
        return None
    # a table may hold the code as plain text: Guard and Gap codes do not overlap
    reason = Guard(reason) if reason in Guard.__members__.values() else Gap(reason)
    if reason == Gap.UNKNOWN_GUARD:
        return f"not credited: unknown guard {terms.get('guard')!r}"
    if isinstance(reason, Guard):
        return f"not credited to the CRM: {GUARD_REASONS[reason]}"
    if reason == Gap.NO_REVENUE_EFFECT and terms.get("why"):
        return terms["why"]
    return GAP_NOTES[reason]


def _result_evidence(result: Mapping[str, Any], currency: str, basis: Basis) -> str:
    """A KPI's before, after, change and corrected p (and its change net of the control)."""
    unit = result["unit"]

    def change(column: str) -> str:
        return format_kpi_change(result[column], unit, currency)

    net = ""
    if basis == Basis.NET_OF_CONTROL:
        net = (
            f"; net of the control group {change('did_change')}, 95 % CI "
            f"{change('did_ci_low')} to {change('did_ci_high')}"
        )
    return (
        f"{result['label']}: {format_kpi_value(result['before'], unit, currency)} → "
        f"{format_kpi_value(result['after'], unit, currency)} (change {change('change')}, "
        f"95 % CI {change('ci_low')} to {change('ci_high')}; adjusted p "
        f"{format_p_value(result['p_adjusted'])}{net})"
    )


def benefit_evidence(row: Mapping[str, Any], *, currency: str = "") -> str | None:
    """The evidence a measured benefit rests on (None when the data cannot measure it)."""
    terms = row["terms"]
    if row["benefit"] == Benefit.REVENUE and "effect" in terms:
        effect = terms["effect"]
        return (
            f"revenue effect {format_change_pct(effect[0])} (95 % CI "
            f"{format_change_pct(effect[1])} to {format_change_pct(effect[2])}), {terms['source']}"
        )
    if "result" not in terms:
        return None
    return _result_evidence(terms["result"], currency, row["basis"])


def _revenue_formula(t: Mapping[str, Any], currency: str) -> str:
    return (
        f"{format_kpi_value(t['annual_revenue'], 'currency', currency)} revenue a year of the "
        f"CRM units after go-live × e/(1+e) with e = {format_change_pct(t['effect'][0])} "
        f"({t['source']}) × gross margin {format_percent(t['gross_margin'], 0)}"
    )


def _service_formula(t: Mapping[str, Any], currency: str) -> str:
    return (
        f"(median resolution before − after) {format_kpi_value(t['saved'], 'hours')} × handling "
        f"share {format_percent(t['handling_share'], 0)} × {t['per_year']:,.0f} tickets "
        "resolved a year"
    )


def _sales_formula(t: Mapping[str, Any], currency: str) -> str:
    return (
        f"(median cycle of won deals before − after) {format_kpi_value(t['saved'], 'days')} × "
        f"{t['deal_hours_per_day']:g} rep hours per deal-day × {t['per_year']:,.0f} deals won "
        "a year"
    )


def _complaints_formula(t: Mapping[str, Any], currency: str) -> str:
    return (
        "(complaints per 1,000 orders before − after) "
        f"{format_kpi_value(t['fall'], 'per 1,000 orders')} × {t['orders_per_year']:,.0f} "
        f"orders a year = {t['avoided']:,.0f} complaints avoided × "
        f"{format_kpi_value(t['hours_per_complaint'], 'hours')} of staff work each "
        "(median resolution × handling share)"
    )


def _retention_formula(t: Mapping[str, Any], currency: str, basis: Basis) -> str:
    what = (
        "annual churn before − after"
        if basis == Basis.BEFORE_AFTER
        else "fall of annual churn net of the control group's"
    )
    return (
        f"({what}) {t['fall'] * 100:+.1f} percentage points × {t['customers']:,.0f} customers × "
        f"{format_kpi_value(t['revenue_per_customer_year'], 'currency', currency)} revenue per "
        f"customer-year × gross margin {format_percent(t['gross_margin'], 0)}"
    )


def _acquisition_formula(t: Mapping[str, Any], currency: str) -> str:
    return (
        "(cost per acquisition before − after) "
        f"{format_kpi_value(t['saved'], 'currency', currency)} × {t['per_year']:,.0f} customers "
        "acquired by campaigns a year"
    )


_FORMULAS = {
    Benefit.REVENUE: _revenue_formula,
    Benefit.SERVICE: _service_formula,
    Benefit.SALES: _sales_formula,
    Benefit.COMPLAINTS: _complaints_formula,
    Benefit.ACQUISITION: _acquisition_formula,
}

#: The terms that show a benefit was computed (a row without them has no formula).
_COMPUTED = {
    Benefit.REVENUE: "effect",
    Benefit.SERVICE: "saved",
    Benefit.SALES: "saved",
    Benefit.COMPLAINTS: "avoided",
    Benefit.RETENTION: "customers",
    Benefit.ACQUISITION: "saved",
}


def benefit_formula(row: Mapping[str, Any], *, currency: str = "") -> str | None:
    """How a measured benefit is computed, with this run's numbers (None when it is not)."""
    benefit, terms = Benefit(row["benefit"]), row["terms"]
    if _COMPUTED[benefit] not in terms:
        return None
    if benefit == Benefit.RETENTION:
        return _retention_formula(terms, currency, row["basis"])
    formula = _FORMULAS[benefit](terms, currency)
    if terms.get("hourly_cost") is not None:
        formula += f" × {format_kpi_value(terms['hourly_cost'], 'currency', currency)} an hour"
    return formula


def describe_benefits(measured: pd.DataFrame, *, currency: str = "") -> pd.DataFrame:
    """The measured benefits with their words: ``formula``, ``evidence`` and ``note``.

    Parameters
    ----------
    measured : DataFrame
        :func:`crmkit.domains.benefits.measured_benefits`.
    currency : str
        The client's currency, for the money in the formula and the evidence.

    Returns
    -------
    DataFrame
        ``measured`` with three text columns added (None where a benefit has none).
    """
    rows = measured.to_dict("records")
    return measured.assign(
        formula=[benefit_formula(r, currency=currency) for r in rows],
        evidence=[benefit_evidence(r, currency=currency) for r in rows],
        note=[benefit_note(r["reason"], r["terms"]) for r in rows],
    )


def _money_text(value: Any, currency: str) -> str:

    return "n/a" if value is None or is_missing(value) else format_money(value, currency)


def figures_table(appraisal: Appraisal, *, currency: str = "") -> pd.DataFrame:
    """The headline figures of both cases side by side, formatted for the report.

    Columns: Figure, "Declared benefits, risk-adjusted", "Declared benefits, unadjusted",
    "Measured benefits" (a column is absent when its case is).
    """

    def months(v: Any) -> str:
        return "not within the horizon" if v is None or is_missing(v) else f"{v:,.1f}"

    def pct(v: Any, decimals: int = 0) -> str:
        return "n/a" if v is None or is_missing(v) else format_percent(v, decimals)

    def column(s: finance.InvestmentSummary, sim: finance.MonteCarloResult | None) -> list[str]:
        return [
            _money_text(s.pv_costs, currency),
            _money_text(s.pv_benefits, currency),
            _money_text(s.npv, currency),
            _money_text(s.net_benefits, currency),
            pct(s.roi),
            pct(s.irr, 1) + (" (see note)" if s.irr_note else ""),
            months(s.payback_months),
            months(s.discounted_payback_months),
            "–" if sim is None else pct(sim.p_npv_positive, 1),
            "–"
            if sim is None
            else f"{_money_text(sim.npv_p5, currency)} to {_money_text(sim.npv_p95, currency)}",
            "–" if s.flexibility is None else _money_text(s.flexibility, currency),
        ]

    figures = [
        "PV of costs",
        "PV of benefits",
        "Net present value (NPV)",
        "Net benefits, undiscounted",
        "Return on investment (ROI)",
        "Internal rate of return (IRR)",
        "Payback (months)",
        "Discounted payback (months)",
        "Chance that NPV > 0 (simulation)",
        "NPV, 5th to 95th percentile (simulation)",
        "Flexibility: future options (beside NPV, not in it)",
    ]
    table = {"Figure": figures}
    if appraisal.declared is not None:
        table["Declared benefits, risk-adjusted"] = column(
            appraisal.declared, appraisal.declared_simulation
        )
        table["Declared benefits, unadjusted"] = column(appraisal.declared.unadjusted, None)
    if appraisal.measured is not None:
        table["Measured benefits"] = column(appraisal.measured, appraisal.measured_simulation)
    return pd.DataFrame(table)


def benefits_table(measured: pd.DataFrame, *, currency: str = "") -> pd.DataFrame:
    """The measured benefits as a reader sees them: a year's value, its interval, its formula."""
    rows = []
    for r in describe_benefits(measured, currency=currency).itertuples():
        skipped = r.verdict == Status.SKIPPED
        hours = "–" if pd.isna(r.hours_central) else f"{r.hours_central:,.0f}"
        rows.append(
            {
                "Benefit": str(r.benefit),
                f"Per year ({currency})": "–" if skipped else _money_text(r.central, "").strip(),
                "95 % interval": "–"
                if skipped or pd.isna(r.low)
                else f"{_money_text(r.low, '')} to {_money_text(r.high, '')}",
                "Staff hours a year": hours,
                "How it is computed": r.note if skipped else r.formula,
                "Evidence": "–" if skipped else f"{r.evidence} — {r.verdict}",
            }
        )
    return pd.DataFrame(rows)


def claims_table(claims: pd.DataFrame, *, currency: str = "") -> pd.DataFrame:
    """Claimed against measured, per declared benefit, as a reader sees it."""

    return pd.DataFrame(
        {
            "Declared benefit": claims["category"],
            "KPI": claims["kpi"].fillna("–"),
            f"Claimed, year 1 ({currency})": claims["claimed_year1"].map(
                lambda v: _money_text(v, "")
            ),
            f"Measured a year ({currency})": claims["measured_central"].map(
                lambda v: _money_text(v, "")
            ),
            "Measured, 95 % interval": [
                "–" if pd.isna(lo) else f"{_money_text(lo, '')} to {_money_text(hi, '')}"
                for lo, hi in zip(claims["measured_low"], claims["measured_high"], strict=True)
            ],
            "Measured / claimed": claims["measured_share"].map(
                lambda v: "–" if pd.isna(v) else format_percent(v, 0)
            ),
            "Reading": claims["reading"].map(str),
        }
    )


def breakdown_table(breakdown: pd.DataFrame, by: str, *, currency: str = "") -> pd.DataFrame:
    """A cost breakdown (:func:`crmkit.domains.finance.cost_breakdown`) as a reader sees it."""

    names = {"phase": "Lifecycle phase", "category": "Category", "economic_use": "Economic use"}
    return pd.DataFrame(
        {
            names.get(by, by): breakdown[by].astype(str).str.replace("_", " "),
            f"Cost over the horizon ({currency})": breakdown["amount"].map("{:,.0f}".format),
            "Share of cost": breakdown["share"].map(format_percent),
            f"Present value ({currency})": breakdown["present_value"].map("{:,.0f}".format),
            "Share of present value": breakdown["pv_share"].map(format_percent),
        }
    )


def summary_view(
    costs: pd.DataFrame,
    declared: pd.DataFrame,
    settings: Any,
    *,
    risk_adjusted: bool,
    currency: str = "",
) -> Any:
    """The year-by-year summary table (:func:`crmkit.domains.finance.summary_table`) ready to show.

    ``settings`` is the assessment's ``finance`` (discount rate, horizon). Returns a
    :class:`crmkit.words.formats.TableView` with every money column in ``currency``.
    """

    table = finance.summary_table(
        costs,
        declared,
        discount_rate=settings.discount_rate,
        horizon_years=settings.horizon_years,
        risk_adjusted=risk_adjusted,
    ).reset_index()
    money = [c for c in table.columns if c != "line"]
    return TableView(
        table.rename(columns={"line": "Line"}),
        dict.fromkeys(money, currency),
        dict.fromkeys(money, "{:,.0f}"),
    )
