"""The financial appraisal in words: its headline, findings and chart titles.

Built from :class:`crmkit.domains.finance.InvestmentSummary`, the appraisal and its
sensitivity and simulation tables; :data:`MONEY_CANNOT_SHOW` says where the money ends.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.words.formats import MISSING, format_money, is_missing

__all__ = [
    "MONEY_CANNOT_SHOW",
    "breakeven_text",
    "cost_title",
    "finance_findings",
    "finance_title",
    "simulation_title",
    "tornado_title",
]


def finance_title(summary: Any, *, currency: str = "", basis: str = "declared") -> str:
    """The headline of the financial stage (``summary``: :class:`crmkit.domains.finance.InvestmentSummary`)."""

    npv = format_money(summary.npv, currency)
    years = summary.horizon_years
    what = "risk-adjusted, declared benefits" if basis == "declared" else "measured benefits"
    if summary.payback_months is None:
        return f"The CRM does not pay back within {years} years (NPV {npv}; {what})"
    return (
        f"The CRM pays back in {summary.payback_months:.0f} months; NPV {npv} over {years} years "
        f"({what})"
    )


def finance_findings(appraisal: Any, *, currency: str = "") -> str:
    """What the financial appraisal shows, in words, with its caveats (markdown)."""

    s = appraisal.summary
    basis = appraisal.headline
    roi = MISSING if s.roi is None else f"{s.roi * 100:,.0f} %"
    lines = [
        f"On the {'benefits the client declared, risk-adjusted' if basis == 'declared' else 'benefits measured in the data'}, "
        f"the CRM's net present value over {s.horizon_years} years at "
        f"{s.discount_rate * 100:.0f} % a year is {format_money(s.npv, currency)}: present "
        f"benefits of {format_money(s.pv_benefits, currency)} against present costs of "
        f"{format_money(s.pv_costs, currency)}, a return on investment of {roi}."
    ]
    if s.payback_months is not None:
        lines.append(f"Cumulative net benefits turn positive after {s.payback_months:.1f} months.")
    if s.irr_note:
        lines.append(f"The internal rate of return is not a reliable guide here: {s.irr_note}")
    sim = appraisal.simulation
    if sim is not None:
        lines.append(
            f"Letting every cost and benefit vary within its range, NPV is positive in "
            f"{sim.p_npv_positive * 100:.1f} % of {sim.n:,} simulations (5th to 95th "
            f"percentile {format_money(sim.npv_p5, currency)} to {format_money(sim.npv_p95, currency)})."
        )
        if basis == "declared" and s.npv < sim.npv_p5:
            lines.append(
                "The risk-adjusted NPV lies below most simulations because it takes every "
                "benefit at its low end and every cost at its high end at the same time."
            )
    if basis == "declared" and appraisal.measured is not None:
        ratio = appraisal.measured.pv_benefits / s.pv_benefits if s.pv_benefits else float("nan")
        lines.append(
            f"The benefits measured in the client's own data are worth "
            f"{format_money(appraisal.measured.pv_benefits, currency)} in present value, "
            f"{ratio:.1f} times the declared ones; the table 'claimed against measured' shows "
            "which claims the data supports."
        )
    lines.append(
        "\n\n**What it means:** "
        + (
            "the investment pays for itself within the horizon on these assumptions."
            if s.npv > 0
            else "on these assumptions the investment does not pay for itself within the horizon."
        )
        + " Money is only part of the value: better data, faster service and happier staff "
        "also count, and the balanced scorecard weighs them beside the figures."
    )
    return " ".join(lines[:-1]) + lines[-1]


#: What a financial appraisal cannot show (the report says it where the money ends).
MONEY_CANNOT_SHOW = (
    "A financial appraisal counts what can be priced. It leaves out what the CRM changed that "
    "has no price in this data: the quality and completeness of customer records, how much "
    "staff trust and use the system, the knowledge that no longer leaves with an employee, "
    "the options the platform opens (new channels, analytics, automation), and customers' "
    "experience beyond what surveys measure. Benefits measured here also stop at the first "
    "year after go-live and are assumed to last; effects that build up or fade are not priced. "
    "The balanced scorecard of the assessment weighs these intangible gains beside the money."
)


def cost_title(breakdown: pd.DataFrame, by: str) -> str:
    """A cost-breakdown chart's title: the largest share.

    Examples
    --------
    >>> b = pd.DataFrame({"phase": ["operation", "implementation"], "pv_share": [0.55, 0.45]})
    >>> cost_title(b, "phase")
    'Operation takes the largest share of the cost of ownership (55 %)'
    """
    if breakdown.empty:
        return "No costs to break down"
    top = breakdown.sort_values("pv_share", ascending=False, kind="stable").iloc[0]
    return (
        f"{str(top[by]).capitalize()} takes the largest share of the cost of ownership "
        f"({top['pv_share'] * 100:.0f} %)"
    )


def tornado_title(sensitivity: pd.DataFrame) -> str:
    """The tornado's title: the inputs that move NPV most, and whether any turns it negative."""
    if sensitivity.empty:
        return "No inputs to vary"
    top = sensitivity["driver"].head(2).tolist()
    title = " and ".join(str(t) for t in top).capitalize() + " move NPV most"
    if (sensitivity["low_npv"] < 0).any() and (sensitivity["base_npv"] > 0).all():
        return title + "; one input alone can turn it negative"
    return title


def breakeven_text(factor: float | None) -> str:
    """The break-even level of benefits in words.

    Examples
    --------
    >>> breakeven_text(0.6)
    '**Break-even:** the benefits could fall by 40 % (to 60 % of their value) before the NPV turns negative.'
    """
    if factor is None or is_missing(factor):
        return "**Break-even:** there are no benefits to compare with the costs."
    if factor <= 1:
        return (
            f"**Break-even:** the benefits could fall by {(1 - factor) * 100:.0f} % (to "
            f"{factor * 100:.0f} % of their value) before the NPV turns negative."
        )
    return (
        f"**Break-even:** the benefits would have to be {factor:.2f} times larger for the NPV to "
        "reach zero."
    )


def simulation_title(simulation: Any) -> str:
    """The Monte Carlo histogram's title: the chance that NPV is positive."""
    return f"NPV is positive in {simulation.p_npv_positive * 100:.1f} % of {simulation.n:,} simulations"
