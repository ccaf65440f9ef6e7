"""The words of the next-best-activity stage: gaps, ranked actions, recommendations, plan.

Numbers come from :mod:`crmkit.synthesis.actions`; this module only writes them. Client text
(action names, owners) is passed on as text: ``stage.show`` and ``stage.markdown`` escape it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from crmkit.synthesis.action_catalog import Action, CostDriver
from crmkit.synthesis.actions import Reason
from crmkit.words.formats import (
    MISSING,
    TableView,
    as_number,
    format_kpi_value,
    format_money,
    format_percent,
)
from crmkit.words.phrases import Findings, what_it_means

__all__ = [
    "NOT_VALUED",
    "REASON_WORDS",
    "assumptions_view",
    "candidates_view",
    "gaps_view",
    "actions_findings",
    "plan_view",
    "ranking_title",
    "reasons_text",
    "recommendations",
    "unknown_kpis_text",
    "what_gaps_mean",
    "what_plan_means",
    "what_ranking_means",
]

#: Each reason in words, as the tables print it.
REASON_WORDS: Mapping[Reason, str] = {
    Reason.BEHIND_TARGET: "behind its target",
    Reason.WORSE_THAN_BENCHMARK: "worse than the benchmark",
    Reason.WORSENED: "worsened after go-live",
    Reason.WEAK_LINK: "weak link in the cause-and-effect chain",
}

#: How the table shows the benefit index of an action not valued in money.
NOT_VALUED = "not valued in money"

#: Each cost driver in words ("8 h per CRM user").
_DRIVER_WORDS: Mapping[CostDriver, str] = {
    CostDriver.CRM_USERS: "per CRM user",
    CostDriver.SALES_REPS: "per sales rep",
    CostDriver.ACTIVE_CUSTOMERS: "per active customer",
    CostDriver.TICKETS_PER_YEAR: "per ticket a year",
    CostDriver.SURVEY_RESPONSES_PER_YEAR: "per survey response a year",
    CostDriver.CONTACTS_PER_YEAR: "per campaign contact a year",
    CostDriver.FIXED: "once",
}


def reasons_text(reasons: Iterable[Any]) -> str:
    """Reasons in words, joined by "; ".

    Examples
    --------
    >>> reasons_text([Reason.WORSENED, Reason.BEHIND_TARGET])
    'worsened after go-live; behind its target'
    """
    return "; ".join(REASON_WORDS.get(Reason(r), str(r)) for r in reasons)


def _label(kpi: Any, labels: Mapping[str, str]) -> str:
    return str(labels.get(str(kpi), kpi))


def gaps_view(gaps: pd.DataFrame, *, currency: str) -> TableView:
    """The gaps as a table: KPI, perspective, value after go-live in its unit, why it is a gap."""
    frame = pd.DataFrame(
        {
            "KPI": [str(v) for v in gaps["label"]],
            "perspective": [
                str(p).replace("_", " ") if p else MISSING for p in gaps["perspective"]
            ],
            "After go-live": [
                format_kpi_value(v, str(u or ""), currency)
                for v, u in zip(gaps["actual"], gaps["unit"], strict=True)
            ],
            "why_it_needs_action": [reasons_text(r) for r in gaps["reasons"]],
        }
    )
    return TableView(frame, {}, {})


def _index_text(value: Any) -> str:
    number = as_number(value)
    return MISSING if number is None else f"{number * 100:+,.0f} %"


def _range_text(low: Any, high: Any) -> str:
    """A low–high range of benefit indices, or "not available" when either end is missing.

    Examples
    --------
    >>> _range_text(0.5, 3.0), _range_text(None, 1.0)
    ('+50 % to +300 %', 'not available')
    """
    if as_number(low) is None or as_number(high) is None:
        return MISSING
    return f"{_index_text(low)} to {_index_text(high)}"


def candidates_view(
    candidates: pd.DataFrame, labels: Mapping[str, str], *, currency: str
) -> TableView:
    """The ranked candidates: money in ``currency`` a year, benefit index in percent."""
    money = ("expected_effect", "effect_low", "effect_high", "expected_cost")
    frame = pd.DataFrame(
        {
            "rank": candidates["rank"].to_numpy(),
            "action": [str(a) for a in candidates["action"]],
            "KPIs it moves": [
                ", ".join(_label(k, labels) for k in ks) for ks in candidates["kpis"]
            ],
            "proposed_because": [reasons_text(r) for r in candidates["reasons"]],
            "relative_effect": candidates["relative_effect"].to_numpy(),
            **{c: candidates[c].to_numpy() for c in money},
            "benefit_index": [
                _index_text(v) if valued else NOT_VALUED
                for v, valued in zip(
                    candidates["benefit_index"], candidates["monetised"], strict=True
                )
            ],
            "benefit_index_range": [
                _range_text(lo, hi)
                for lo, hi in zip(
                    candidates["benefit_index_low"], candidates["benefit_index_high"], strict=True
                )
            ],
            "owner": [str(o) for o in candidates["owner"]],
            "horizon": candidates["horizon_months"].to_numpy(),
            "source": [str(s) for s in candidates["source"]],
        }
    )
    units = {
        **dict.fromkeys(("expected_effect", "effect_low", "effect_high"), f"{currency} a year"),
        "expected_cost": currency,
        "relative_effect": "%",
        "horizon": "months",
    }
    formats = {
        **dict.fromkeys(money, lambda v: format_money(v)),
        "relative_effect": lambda v: format_percent(v, 0).removesuffix(" %"),
    }
    return TableView(frame, units, formats)


def ranking_title(candidates: pd.DataFrame) -> str:
    """The ranking chart's title: the best action and its benefit index, or why none ranks.

    Examples
    --------
    >>> c = pd.DataFrame({"action": ["Coaching"], "benefit_index": [1.5], "monetised": [True]})
    >>> ranking_title(c)
    'Coaching promises the best return: every unit spent comes back 2.5 times in a year'
    """
    monetised = candidates.loc[candidates["monetised"].astype(bool)]
    if monetised.empty:
        return "No action could be valued in money: the ranking rests on the reasons alone"
    best = monetised.iloc[0]
    index = float(best["benefit_index"])
    if index < 0:
        return f"Even the best-valued action, {best['action']}, would not repay its cost in a year"
    return (
        f"{best['action']} promises the best return: every unit spent comes back "
        f"{index + 1:,.1f} times in a year"
    )


def recommendations(
    candidates: pd.DataFrame, labels: Mapping[str, str], *, currency: str, top: int = 3
) -> str:
    """The recommendations for the client's manager, as a markdown list of the top actions."""
    if candidates.empty:
        return "No KPI calls for action: nothing to recommend beyond keeping the course."
    lines = []
    for _, c in candidates.head(top).iterrows():
        kpis = ", ".join(_label(k, labels) for k in c["kpis"])
        why = reasons_text(c["reasons"])
        if c["monetised"]:
            worth = (
                f"worth about {format_money(c['expected_effect'], currency)} a year "
                f"({format_money(c['effect_low'], currency)} to "
                f"{format_money(c['effect_high'], currency)}) for "
                f"{format_money(c['expected_cost'], currency)}"
            )
        else:
            worth = "its effect cannot be put in money, so weigh it by the reasons"
        owner = c["owner"] or "an owner still to be named"
        lines.append(
            f"- **{c['rank']}. {c['action']}** ({owner}, effect within "
            f"{int(c['horizon_months'])} months): {kpis} — {why}; {worth}."
        )
    return "\n".join(lines)


def plan_view(plan: pd.DataFrame, kpi_info: pd.DataFrame, *, currency: str) -> TableView:
    """The action plan: action, owner, start, the KPI to watch, its target, review date."""
    labels = kpi_info["label"].to_dict() if "label" in kpi_info else {}
    units = kpi_info["unit"].to_dict() if "unit" in kpi_info else {}
    frame = pd.DataFrame(
        {
            "action": [str(a) for a in plan["action"]],
            "owner": [str(o) if o else MISSING for o in plan["owner"]],
            "start": [d.isoformat() for d in plan["start"]],
            "KPI to watch": [_label(k, labels) for k in plan["kpi"]],
            "target": [
                format_kpi_value(t, str(units.get(k) or ""), currency)
                for t, k in zip(plan["target"], plan["kpi"], strict=True)
            ],
            "review_date": [d.isoformat() for d in plan["review_date"]],
        }
    )
    return TableView(frame, {}, {})


def _cost_formula(action: Action, currency: str) -> str:
    if action.cost is not None:
        return f"{format_money(action.cost, currency)} (client's figure)"
    terms = [f"{t.hours:g} h {_DRIVER_WORDS[t.driver]}" for t in action.cost_terms]
    return " + ".join(terms) + " × hourly cost"


def assumptions_view(
    actions: Iterable[Action], labels: Mapping[str, str], *, currency: str
) -> TableView:
    """The actions' assumed effects and cost formulas, as the report labels assumptions."""
    rows = [
        {
            "action": a.name,
            "KPIs it moves": ", ".join(_label(k, labels) for k in a.kpis),
            "assumed_effect": (
                format_percent(a.effect_central, 0)
                if a.effect_low == a.effect_high
                else f"{format_percent(a.effect_low, 0)} / {format_percent(a.effect_central, 0)}"
                f" / {format_percent(a.effect_high, 0)}"
            ),
            "assumed_cost": _cost_formula(a, currency),
            "owner": a.owner or MISSING,
            "horizon": a.horizon_months,
            "source": str(a.source),
        }
        for a in actions
    ]
    return TableView(pd.DataFrame(rows), {"horizon": "months"}, {})


def unknown_kpis_text(unknown: pd.DataFrame, *, file: str = "actions") -> str:
    """A warning naming the rows of the client's actions whose KPI crmkit does not know."""
    if unknown.empty:
        return ""
    rows = ", ".join(str(r) for r in unknown["row"])
    names = ", ".join(sorted({str(k) for k in unknown["kpi"]}))
    return (
        f"*Warning: {file}, rows {rows}: KPI name(s) {names} are not in the KPI catalog; "
        "these actions can never meet a gap and are left out.*"
    )


def actions_findings(gaps: pd.DataFrame, candidates: pd.DataFrame, *, currency: str) -> Findings:
    """The stage's findings: how many gaps, how many actions, the best, what is uncertain."""
    if gaps.empty:
        return Findings(
            "No KPI is behind its target, worse than its benchmark, worsened after go-live or "
            "a weak link of the cause-and-effect chain: no action is called for.",
            [],
        )
    n_gaps, n_cands = len(gaps), len(candidates)
    text = f"{n_gaps} KPI(s) call for action; {n_cands} action(s) address them."
    monetised = candidates.loc[candidates["monetised"].astype(bool)] if n_cands else candidates
    if not monetised.empty:
        best = monetised.iloc[0]
        text += (
            f" The best-valued is {best['action']}: a benefit index of "
            f"{_index_text(best['benefit_index'])} "
            f"({_range_text(best['benefit_index_low'], best['benefit_index_high'])} across its "
            "effect range)."
        )
        if float(best["benefit_index"]) < 0:
            text += " No action valued in money repays its cost within its first full year."
    limitations = [
        "Effects and costs of catalog actions are typical assumptions, not measurements of "
        "this client; the review dates in the plan are where they meet the data.",
        "Money effects are one year of the full effect against a one-off cost; effects on "
        "KPIs that cannot be valued in money are not counted.",
    ]
    not_valued = n_cands - len(monetised)
    if not_valued:
        limitations.append(
            f"{not_valued} action(s) could not be valued in money and are ranked by their "
            "reasons only."
        )
    return Findings(text, limitations)


def what_gaps_mean(gaps: pd.DataFrame) -> str:
    """The closing words of the gaps section."""
    if gaps.empty:
        return what_it_means("nothing measured here calls for corrective action now.")
    counts = pd.Series([r for reasons in gaps["reasons"] for r in reasons]).value_counts()
    parts = [f"{int(n)} {REASON_WORDS[Reason(r)]}" for r, n in counts.items()]
    return what_it_means(
        f"{len(gaps)} KPI(s) need attention ({', '.join(parts)}); the actions below are "
        "chosen for them."
    )


def what_ranking_means(candidates: pd.DataFrame) -> str:
    """The closing words of the ranking: how many actions repay their cost within a year."""
    if candidates.empty:
        return what_it_means("no action is proposed, as no KPI calls for one.")
    valued = candidates.loc[candidates["monetised"].astype(bool)]
    paying = int((valued["benefit_index"] > 0).sum())
    sure = int((valued["benefit_index_low"] > 0).sum())
    return what_it_means(
        f"of {len(valued)} action(s) valued in money, {paying} repay their cost within the "
        f"first full year of effect at the central assumption, {sure} even at the low end; "
        f"{len(candidates) - len(valued)} cannot be valued in money and follow them."
    )


def what_plan_means(plan: pd.DataFrame) -> str:
    """The closing words of the plan: when the first review falls."""
    if plan.empty:
        return what_it_means("there is nothing to plan until a KPI falls behind.")
    first = min(plan["review_date"])
    return what_it_means(
        f"each action has an owner and a KPI target; the first review falls on "
        f"{first.isoformat()}, when the next assessment shows whether the target was reached."
    )
