"""The financial appraisal in words: its headline, findings and chart titles, and the
executive summary's financial sentence (from results.json's ``financial`` section).

Built from :class:`crmkit.domains.finance.InvestmentSummary`, the appraisal and its
sensitivity and simulation tables; :func:`money_cannot_show` says where the money ends (also
read as the attribute ``MONEY_CANNOT_SHOW``, in the language active when it is read).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from crmkit.data.guards import claimable
from crmkit.words.formats import as_number, format_money, format_percent, is_missing
from crmkit.words.language import english, tr
from crmkit.words.narrative.naming import capitalized, in_order, joined, named

__all__ = [
    "breakeven_text",
    "cost_title",
    "finance_findings",
    "finance_title",
    "measured_benefits_established",
    "money_cannot_show",
    "simulation_title",
    "summary_financial",
    "tornado_title",
]


def finance_title(summary: Any, *, currency: str = "", basis: str = "declared") -> str:
    """The headline of the financial stage (``summary``: :class:`crmkit.domains.finance.InvestmentSummary`)."""

    npv = format_money(summary.npv, currency)
    years = summary.horizon_years
    what = (
        tr("risk-adjusted, declared benefits") if basis == "declared" else tr("measured benefits")
    )
    if summary.payback_months is None:
        return tr(
            "The CRM does not pay back within {years} years (NPV {npv}; {basis})",
            years=years,
            npv=npv,
            basis=what,
        )
    return tr(
        "The CRM pays back in {months} months; NPV {npv} over {years} years ({basis})",
        months=f"{summary.payback_months:.0f}",
        npv=npv,
        years=years,
        basis=what,
    )


def finance_findings(appraisal: Any, *, currency: str = "") -> str:
    """What the financial appraisal shows, in words, with its caveats (markdown)."""

    s = appraisal.summary
    basis = appraisal.headline
    figures = {
        "years": s.horizon_years,
        "rate": f"{s.discount_rate * 100:.0f} %",
        "npv": format_money(s.npv, currency),
        "benefits": format_money(s.pv_benefits, currency),
        "costs": format_money(s.pv_costs, currency),
        "roi": tr("not available") if s.roi is None else f"{s.roi * 100:,.0f} %",
    }
    if basis == "declared":
        opening = tr(
            "On the benefits the client declared, risk-adjusted, the CRM's net present value "
            "over {years} years at {rate} a year is {npv}: present benefits of {benefits} "
            "against present costs of {costs}, a return on investment of {roi}.",
            **figures,
        )
    else:
        opening = tr(
            "On the benefits measured in the data, the CRM's net present value over {years} "
            "years at {rate} a year is {npv}: present benefits of {benefits} against present "
            "costs of {costs}, a return on investment of {roi}.",
            **figures,
        )
    lines = [opening]
    if s.payback_months is not None:
        lines.append(
            tr(
                "Cumulative net benefits turn positive after {months} months.",
                months=f"{s.payback_months:.1f}",
            )
        )
    if s.irr_note:
        lines.append(
            tr("The internal rate of return is not a reliable guide here: {note}", note=s.irr_note)
        )
    sim = appraisal.simulation
    if sim is not None:
        lines.append(
            tr(
                "Letting every cost and benefit vary within its range, NPV is positive in "
                "{share} of {n} simulations (5th to 95th percentile {low} to {high}).",
                share=f"{sim.p_npv_positive * 100:.1f} %",
                n=f"{sim.n:,}",
                low=format_money(sim.npv_p5, currency),
                high=format_money(sim.npv_p95, currency),
            )
        )
        if basis == "declared" and s.npv < sim.npv_p5:
            lines.append(
                tr(
                    "The risk-adjusted NPV lies below most simulations because it takes every "
                    "benefit at its low end and every cost at its high end at the same time."
                )
            )
    if basis == "declared" and appraisal.measured is not None:
        ratio = appraisal.measured.pv_benefits / s.pv_benefits if s.pv_benefits else float("nan")
        lines.append(
            tr(
                "The benefits measured in the client's own data are worth {value} in present "
                "value, {ratio} times the declared ones; the table 'claimed against measured' "
                "shows which claims the data supports.",
                value=format_money(appraisal.measured.pv_benefits, currency),
                ratio=f"{ratio:.1f}",
            )
        )
    if s.npv > 0:
        meaning = tr(
            "\n\n**What it means:** the investment pays for itself within the horizon on these "
            "assumptions. Money is only part of the value: better data, faster service and "
            "happier staff also count, and the balanced scorecard weighs them beside the figures."
        )
    else:
        meaning = tr(
            "\n\n**What it means:** on these assumptions the investment does not pay for itself "
            "within the horizon. Money is only part of the value: better data, faster service "
            "and happier staff also count, and the balanced scorecard weighs them beside the "
            "figures."
        )
    return in_order(lines) + meaning


def money_cannot_show() -> str:
    """What a financial appraisal cannot show (the report says it where the money ends)."""
    return tr(
        "A financial appraisal counts what can be priced. It leaves out what the CRM changed that "
        "has no price in this data: the quality and completeness of customer records, how much "
        "staff trust and use the system, the knowledge that no longer leaves with an employee, "
        "the options the platform opens (new channels, analytics, automation), and customers' "
        "experience beyond what surveys measure. Benefits measured here also stop at the first "
        "year after go-live and are assumed to last; effects that build up or fade are not priced. "
        "The balanced scorecard of the assessment weighs these intangible gains beside the money."
    )


def __getattr__(name: str) -> str:
    """``MONEY_CANNOT_SHOW``: :func:`money_cannot_show` in the language active when read."""
    if name == "MONEY_CANNOT_SHOW":
        return money_cannot_show()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def cost_title(breakdown: pd.DataFrame, by: str) -> str:
    """A cost-breakdown chart's title: the largest share.

    Examples
    --------
    >>> b = pd.DataFrame({"phase": ["operation", "implementation"], "pv_share": [0.55, 0.45]})
    >>> cost_title(b, "phase")
    'Operation takes the largest share of the cost of ownership (55 %)'
    """
    if breakdown.empty:
        return tr("No costs to break down")
    top = breakdown.sort_values("pv_share", ascending=False, kind="stable").iloc[0]
    return tr(
        "{part} takes the largest share of the cost of ownership ({share})",
        part=capitalized(top[by]),
        share=f"{top['pv_share'] * 100:.0f} %",
    )


def tornado_title(sensitivity: pd.DataFrame) -> str:
    """The tornado's title: the inputs that move NPV most, and whether any turns it negative."""
    if sensitivity.empty:
        return tr("No inputs to vary")
    top = [named(t) for t in sensitivity["driver"].head(2)]
    inputs = joined(top)
    if (sensitivity["low_npv"] < 0).any() and (sensitivity["base_npv"] > 0).all():
        return tr(
            "{inputs} move NPV most; one input alone can turn it negative",
            inputs=_opening(inputs),
        )
    return tr("{inputs} move NPV most", inputs=_opening(inputs))


def _opening(text: str) -> str:
    """``text`` opening an English title: its first letter capitalized, the rest as it is
    written (English only: other languages have no case)."""
    return text.capitalize() if text == english(text) else text


def breakeven_text(factor: float | None) -> str:
    """The break-even level of benefits in words.

    Examples
    --------
    >>> breakeven_text(0.6)
    '**Break-even:** the benefits could fall by 40 % (to 60 % of their value) before the NPV turns negative.'
    """
    if factor is None or is_missing(factor):
        return tr("**Break-even:** there are no benefits to compare with the costs.")
    if factor <= 1:
        return tr(
            "**Break-even:** the benefits could fall by {drop} (to {level} of their value) "
            "before the NPV turns negative.",
            drop=f"{(1 - factor) * 100:.0f} %",
            level=f"{factor * 100:.0f} %",
        )
    return tr(
        "**Break-even:** the benefits would have to be {factor} times larger for the NPV to "
        "reach zero.",
        factor=f"{factor:.2f}",
    )


def simulation_title(simulation: Any) -> str:
    """The Monte Carlo histogram's title: the chance that NPV is positive."""
    return tr(
        "NPV is positive in {share} of {n} simulations",
        share=f"{simulation.p_npv_positive * 100:.1f} %",
        n=f"{simulation.n:,}",
    )


def measured_benefits_established(financial: Mapping[str, Any], kpis: Any) -> bool:
    """True when at least one measured benefit rests on a KPI that may be claimed.

    Each entry of ``financial["measured_benefits"]`` names its ``kpi``; the KPI's entry in
    ``results["kpis"]`` (or, without one, the benefit's own verdict and guard) must pass
    :func:`crmkit.data.guards.claimable`.
    """
    benefits = financial.get("measured_benefits")
    if not isinstance(benefits, Mapping):
        return False
    kpis = kpis if isinstance(kpis, Mapping) else {}
    for benefit in benefits.values():
        if not isinstance(benefit, Mapping):
            continue
        entry = kpis.get(str(benefit.get("kpi")))
        entry = entry if isinstance(entry, Mapping) else benefit
        if claimable(entry):
            return True
    return False


def _basis(basis: Any) -> str:
    """The basis of the financial headline in words."""
    if basis == "declared":
        return tr("the benefits the client declared, risk-adjusted")
    if basis == "measured":
        return tr("the benefits measured in the client's data")
    return tr("benefits of an unstated basis")


def summary_financial(financial: Any, *, kpis: Any = None, currency: str = "") -> str | None:
    """The financial headline, naming its basis; measured benefits resting on no claim say so.

    Examples
    --------
    >>> summary_financial({"basis": "declared", "npv": 8407400.0, "roi": 0.42,
    ...                    "payback_months": 20.4}, currency="CNY")
    "On the benefits the client declared, risk-adjusted, the CRM's net present value is CNY 8,407,400 (ROI 42 %), paying back in 20 months."
    """
    if not isinstance(financial, Mapping):
        return None
    basis = financial.get("basis")
    basis_text = _basis(basis)
    npv = as_number(financial.get("npv"))
    if npv is None:
        return tr("On {basis}, the CRM's net present value is not available.", basis=basis_text)
    sentence = tr(
        "On {basis}, the CRM's net present value is {npv}",
        basis=basis_text,
        npv=format_money(npv, currency),
    )
    roi = as_number(financial.get("roi"))
    if roi is not None:
        sentence += tr(" (ROI {roi})", roi=format_percent(roi, decimals=0))
    months = as_number(financial.get("payback_months"))
    if months is not None:
        sentence += tr(", paying back in {months} months", months=f"{months:.0f}")
    if basis == "measured" and not measured_benefits_established(financial, kpis):
        sentence += tr(
            "; but none of the KPIs these benefits rest on passed the tests and guards, so the "
            "measured benefits are not established"
        )
    return sentence + tr(".")
