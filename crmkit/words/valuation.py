"""The financial stage's words: measured benefits, claims, figures and tables for the page.

Built from what :mod:`crmkit.domains.benefits`, :mod:`crmkit.domains.finance` and
:mod:`crmkit.domains.valuation` return: each benefit's formula with this run's numbers, the
evidence it rests on and why it has no value; the headline figures of both cases side by
side; the measured benefits, the claims, the cost breakdown and the year-by-year summary as
a reader sees them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from crmkit.data.guards import Guard
from crmkit.data.verdicts import Status
from crmkit.domains import finance
from crmkit.domains.benefits import Basis, Benefit, Gap
from crmkit.domains.valuation import SERIES_EFFECT_WITHHELD, Appraisal
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
from crmkit.words.joining import listed_by_semicolons
from crmkit.words.language import term, tr
from crmkit.words.narrative.placebo import inside_placebos_reason

__all__ = [
    "benefit_evidence",
    "benefit_formula",
    "benefit_note",
    "benefits_table",
    "breakdown_table",
    "claims_table",
    "describe_benefits",
    "figures_table",
    "gap_note",
    "guard_reason_words",
    "summary_view",
]

#: The label of a year's column in the year-by-year summary ("Year 2").
_YEAR = re.compile(r"Year (\d+)")


def guard_reason_words(guard: Guard) -> str:
    """Why a guarded change is not credited, in the words of the benefit's note.

    Examples
    --------
    >>> guard_reason_words(Guard.NOT_COMPARABLE)
    'the windows before and after go-live cannot be compared'
    """
    words = {
        Guard.COUNTERFACTUAL_IMPLAUSIBLE: tr("the projected counterfactual is implausible"),
        Guard.CONFOUNDED_AGEING: tr(
            "without a control group the change may be the customer base ageing, not the CRM"
        ),
        Guard.NOT_COMPARABLE: tr("the windows before and after go-live cannot be compared"),
        Guard.SHARED_WITH_CONTROL: tr(
            "net of the control group's change, what is left is within what chance explains"
        ),
        Guard.NO_INTERVAL: tr(
            "the change net of the control group has no interval (too few control units): the "
            "data cannot say"
        ),
        Guard.INSIDE_PLACEBOS: inside_placebos_reason(),
    }
    return words[guard]


def gap_note(gap: Gap) -> str:
    """The note of a benefit the data cannot measure, or can count in hours only."""
    words = {
        Gap.NO_REVENUE_EFFECT: tr("needs monthly revenue and a time series or control group"),
        Gap.NO_RESOLUTION_TIMES: tr("needs resolution times"),
        Gap.NO_SALES_CYCLES: tr("needs sales cycles"),
        Gap.NO_COMPLAINTS: tr("needs complaints and resolution times"),
        Gap.NO_CHURN_INPUTS: tr("needs the churn rate, purchase frequency and order value"),
        Gap.NO_CAMPAIGNS: tr("needs campaigns with costs and conversions"),
        Gap.HOURS_NOT_VALUED: tr("hours not valued: set finance.hourly_cost"),
    }
    return words[gap]


_WITHHELD_SERIES = re.compile(re.escape(SERIES_EFFECT_WITHHELD) + r" \((\w+)\)$")


def _source_words(text: Any) -> str:
    """Where a revenue effect comes from, or why none could be used (each reason a term, or
    the time series' effect withheld by a guard, said with the guard's reason).

    Examples
    --------
    >>> _source_words("the time series' revenue effect is not usable (inside_placebos)")[:47]
    "the time series' revenue effect is not claimed:"
    """
    return listed_by_semicolons([_reason_words(part) for part in str(text).split("; ")])


def _reason_words(part: str) -> str:
    withheld = _WITHHELD_SERIES.match(part)
    if withheld is not None and withheld.group(1) in Guard.__members__.values():
        return tr(
            "the time series' revenue effect is not claimed: {reason}",
            reason=guard_reason_words(Guard(withheld.group(1))),
        )
    return term(part)


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
        return tr("not credited: unknown guard {guard}", guard=repr(terms.get("guard")))
    if isinstance(reason, Guard):
        return tr("not credited to the CRM: {reason}", reason=guard_reason_words(reason))
    if reason == Gap.NO_REVENUE_EFFECT and terms.get("why"):
        return _source_words(terms["why"])
    return gap_note(reason)


def _result_evidence(result: Mapping[str, Any], currency: str, basis: Basis) -> str:
    """A KPI's before, after, change and corrected p (and its change net of the control)."""
    unit = result["unit"]

    def change(column: str) -> str:
        return format_kpi_change(result[column], unit, currency)

    numbers = {
        "kpi": term(str(result["label"])),
        "before": format_kpi_value(result["before"], unit, currency),
        "after": format_kpi_value(result["after"], unit, currency),
        "change": change("change"),
        "low": change("ci_low"),
        "high": change("ci_high"),
        "p": format_p_value(result["p_adjusted"]),
    }
    if basis == Basis.NET_OF_CONTROL:
        return tr(
            "{kpi}: {before} → {after} (change {change}, 95 % CI {low} to {high}; adjusted p "
            "{p}; net of the control group {net}, 95 % CI {net_low} to {net_high})",
            net=change("did_change"),
            net_low=change("did_ci_low"),
            net_high=change("did_ci_high"),
            **numbers,
        )
    return tr(
        "{kpi}: {before} → {after} (change {change}, 95 % CI {low} to {high}; adjusted p {p})",
        **numbers,
    )


def benefit_evidence(row: Mapping[str, Any], *, currency: str = "") -> str | None:
    """The evidence a measured benefit rests on (None when the data cannot measure it)."""
    terms = row["terms"]
    if row["benefit"] == Benefit.REVENUE and "effect" in terms:
        effect = terms["effect"]
        return tr(
            "revenue effect {effect} (95 % CI {low} to {high}), {source}",
            effect=format_change_pct(effect[0]),
            low=format_change_pct(effect[1]),
            high=format_change_pct(effect[2]),
            source=_source_words(terms["source"]),
        )
    if "result" not in terms:
        return None
    return _result_evidence(terms["result"], currency, row["basis"])


def _revenue_formula(t: Mapping[str, Any], currency: str) -> str:
    return tr(
        "{revenue} revenue a year of the CRM units after go-live × e/(1+e) with e = {effect} "
        "({source}) × gross margin {margin}",
        revenue=format_kpi_value(t["annual_revenue"], "currency", currency),
        effect=format_change_pct(t["effect"][0]),
        source=_source_words(t["source"]),
        margin=format_percent(t["gross_margin"], 0),
    )


def _service_formula(t: Mapping[str, Any], currency: str) -> str:
    return tr(
        "(median resolution before − after) {saved} × handling share {share} × {tickets} "
        "tickets resolved a year",
        saved=format_kpi_value(t["saved"], "hours"),
        share=format_percent(t["handling_share"], 0),
        tickets=f"{t['per_year']:,.0f}",
    )


def _sales_formula(t: Mapping[str, Any], currency: str) -> str:
    return tr(
        "(median cycle of won deals before − after) {saved} × {hours} rep hours per deal-day × "
        "{deals} deals won a year",
        saved=format_kpi_value(t["saved"], "days"),
        hours=f"{t['deal_hours_per_day']:g}",
        deals=f"{t['per_year']:,.0f}",
    )


def _complaints_formula(t: Mapping[str, Any], currency: str) -> str:
    return tr(
        "(complaints per 1,000 orders before − after) {fall} × {orders} orders a year = "
        "{avoided} complaints avoided × {hours} of staff work each (median resolution × "
        "handling share)",
        fall=format_kpi_value(t["fall"], "per 1,000 orders"),
        orders=f"{t['orders_per_year']:,.0f}",
        avoided=f"{t['avoided']:,.0f}",
        hours=format_kpi_value(t["hours_per_complaint"], "hours"),
    )


def _retention_formula(t: Mapping[str, Any], currency: str, basis: Basis) -> str:
    numbers = {
        "points": f"{t['fall'] * 100:+.1f}",
        "customers": f"{t['customers']:,.0f}",
        "revenue": format_kpi_value(t["revenue_per_customer_year"], "currency", currency),
        "margin": format_percent(t["gross_margin"], 0),
    }
    if basis == Basis.BEFORE_AFTER:
        return tr(
            "(annual churn before − after) {points} percentage points × {customers} customers "
            "× {revenue} revenue per customer-year × gross margin {margin}",
            **numbers,
        )
    return tr(
        "(fall of annual churn net of the control group's) {points} percentage points × "
        "{customers} customers × {revenue} revenue per customer-year × gross margin {margin}",
        **numbers,
    )


def _acquisition_formula(t: Mapping[str, Any], currency: str) -> str:
    return tr(
        "(cost per acquisition before − after) {saved} × {customers} customers acquired by "
        "campaigns a year",
        saved=format_kpi_value(t["saved"], "currency", currency),
        customers=f"{t['per_year']:,.0f}",
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
        formula = tr(
            "{formula} × {cost} an hour",
            formula=formula,
            cost=format_kpi_value(terms["hourly_cost"], "currency", currency),
        )
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
    if value is None or is_missing(value):
        return tr("n/a")
    return format_money(value, currency)


def _range(low: str, high: str) -> str:
    return tr("{low} to {high}", low=low, high=high)


def _figure_names() -> list[str]:
    return [
        tr("PV of costs"),
        tr("PV of benefits"),
        tr("Net present value (NPV)"),
        tr("Net benefits, undiscounted"),
        tr("Return on investment (ROI)"),
        tr("Internal rate of return (IRR)"),
        tr("Payback (months)"),
        tr("Discounted payback (months)"),
        tr("Chance that NPV > 0 (simulation)"),
        tr("NPV, 5th to 95th percentile (simulation)"),
        tr("Flexibility: future options (beside NPV, not in it)"),
    ]


def figures_table(appraisal: Appraisal, *, currency: str = "") -> pd.DataFrame:
    """The headline figures of both cases side by side, formatted for the report.

    Columns: Figure, "Declared benefits, risk-adjusted", "Declared benefits, unadjusted",
    "Measured benefits" (a column is absent when its case is).
    """

    def months(v: Any) -> str:
        return tr("not within the horizon") if v is None or is_missing(v) else f"{v:,.1f}"

    def pct(v: Any, decimals: int = 0) -> str:
        return tr("n/a") if v is None or is_missing(v) else format_percent(v, decimals)

    def irr(s: finance.InvestmentSummary) -> str:
        return tr("{irr} (see note)", irr=pct(s.irr, 1)) if s.irr_note else pct(s.irr, 1)

    def column(s: finance.InvestmentSummary, sim: finance.MonteCarloResult | None) -> list[str]:
        return [
            _money_text(s.pv_costs, currency),
            _money_text(s.pv_benefits, currency),
            _money_text(s.npv, currency),
            _money_text(s.net_benefits, currency),
            pct(s.roi),
            irr(s),
            months(s.payback_months),
            months(s.discounted_payback_months),
            "–" if sim is None else pct(sim.p_npv_positive, 1),
            "–"
            if sim is None
            else _range(_money_text(sim.npv_p5, currency), _money_text(sim.npv_p95, currency)),
            "–" if s.flexibility is None else _money_text(s.flexibility, currency),
        ]

    table = {tr("Figure"): _figure_names()}
    if appraisal.declared is not None:
        table[tr("Declared benefits, risk-adjusted")] = column(
            appraisal.declared, appraisal.declared_simulation
        )
        table[tr("Declared benefits, unadjusted")] = column(appraisal.declared.unadjusted, None)
    if appraisal.measured is not None:
        table[tr("Measured benefits")] = column(appraisal.measured, appraisal.measured_simulation)
    return pd.DataFrame(table)


def _evidence(r: Any) -> str:
    return tr("{evidence} — {verdict}", evidence=r.evidence, verdict=term(str(r.verdict)))


def benefits_table(measured: pd.DataFrame, *, currency: str = "") -> pd.DataFrame:
    """The measured benefits as a reader sees them: a year's value, its interval, its formula."""
    rows = []
    for r in describe_benefits(measured, currency=currency).itertuples():
        skipped = r.verdict == Status.SKIPPED
        hours = "–" if pd.isna(r.hours_central) else f"{r.hours_central:,.0f}"
        rows.append(
            {
                tr("Benefit"): term(str(r.benefit)),
                tr("Per year ({currency})", currency=currency): "–"
                if skipped
                else _money_text(r.central, "").strip(),
                tr("95 % interval"): "–"
                if skipped or pd.isna(r.low)
                else _range(_money_text(r.low, ""), _money_text(r.high, "")),
                tr("Staff hours a year"): hours,
                tr("How it is computed"): r.note if skipped else r.formula,
                tr("Evidence"): "–" if skipped else _evidence(r),
            }
        )
    return pd.DataFrame(rows)


def claims_table(claims: pd.DataFrame, *, currency: str = "") -> pd.DataFrame:
    """Claimed against measured, per declared benefit, as a reader sees it."""

    return pd.DataFrame(
        {
            tr("Declared benefit"): claims["category"].map(lambda v: term(str(v))),
            tr("KPI"): claims["kpi"].fillna("–"),
            tr("Claimed, year 1 ({currency})", currency=currency): claims["claimed_year1"].map(
                lambda v: _money_text(v, "")
            ),
            tr("Measured a year ({currency})", currency=currency): claims["measured_central"].map(
                lambda v: _money_text(v, "")
            ),
            tr("Measured, 95 % interval"): [
                "–" if pd.isna(lo) else _range(_money_text(lo, ""), _money_text(hi, ""))
                for lo, hi in zip(claims["measured_low"], claims["measured_high"], strict=True)
            ],
            tr("Measured / claimed"): claims["measured_share"].map(
                lambda v: "–" if pd.isna(v) else format_percent(v, 0)
            ),
            tr("Reading"): claims["reading"].map(lambda v: term(str(v))),
        }
    )


def _group_header(by: str) -> str:
    names = {
        "phase": tr("Lifecycle phase"),
        "category": tr("Category"),
        "economic_use": tr("Economic use"),
    }
    return names.get(by, by)


def breakdown_table(breakdown: pd.DataFrame, by: str, *, currency: str = "") -> pd.DataFrame:
    """A cost breakdown (:func:`crmkit.domains.finance.cost_breakdown`) as a reader sees it."""

    groups = breakdown[by].astype(str).str.replace("_", " ")
    return pd.DataFrame(
        {
            _group_header(by): groups.map(term),
            tr("Cost over the horizon ({currency})", currency=currency): breakdown["amount"].map(
                "{:,.0f}".format
            ),
            tr("Share of cost"): breakdown["share"].map(format_percent),
            tr("Present value ({currency})", currency=currency): breakdown["present_value"].map(
                "{:,.0f}".format
            ),
            tr("Share of present value"): breakdown["pv_share"].map(format_percent),
        }
    )


def _line_name(line: str) -> str:
    """A line of the year-by-year summary in the report's language."""
    names = {
        "Total costs": tr("Total costs"),
        "Total benefits": tr("Total benefits"),
        "Net benefits": tr("Net benefits"),
        "Cumulative net benefits": tr("Cumulative net benefits"),
    }
    return names.get(line, line)


def _year_column(name: str) -> str:
    """A column of the year-by-year summary ("Initial", "Year 2", "Total") in the report's
    language."""
    year = _YEAR.fullmatch(str(name))
    if year:
        return tr("Year {n}", n=year.group(1))
    names = {"Initial": tr("Initial"), "Total": tr("Total"), "Present value": tr("Present value")}
    return names.get(name, name)


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
    table["line"] = table["line"].map(_line_name)
    table = table.rename(
        columns={"line": tr("Line"), **{c: _year_column(c) for c in table.columns if c != "line"}}
    )
    money = list(table.columns[1:])
    return TableView(
        table,
        dict.fromkeys(money, currency),
        dict.fromkeys(money, "{:,.0f}"),
    )
