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
    TableView,
    as_number,
    format_kpi_value,
    format_money,
    format_percent,
)
from crmkit.words.joining import listed, listed_by_semicolons, one_after_another
from crmkit.words.language import term, tr
from crmkit.words.phrases import Findings, what_it_means
from crmkit.words.scorecard_statuses import in_sentence, perspective_name

__all__ = [
    "NOT_VALUED",
    "assumptions_view",
    "candidates_view",
    "not_valued",
    "reason_words",
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

#: How the table shows the benefit index of an action not valued in money (English; use
#: :func:`not_valued` for the report's language).
NOT_VALUED = "not valued in money"


def reason_words(reason: Any) -> str:
    """A reason in words, as the tables print it (the code as written when unknown).

    Examples
    --------
    >>> reason_words(Reason.WEAK_LINK)
    'weak link in the cause-and-effect chain'
    """
    words = {
        Reason.BEHIND_TARGET: tr("behind its target"),
        Reason.WORSE_THAN_BENCHMARK: tr("worse than the benchmark"),
        Reason.WORSENED: tr("worsened after go-live"),
        Reason.WEAK_LINK: tr("weak link in the cause-and-effect chain"),
    }
    return words.get(Reason(reason), str(reason))


def _reason_count(reason: Reason, n: int) -> str:
    """How many gaps have a reason ("2 behind its target")."""
    words = {
        Reason.BEHIND_TARGET: tr("{n} behind its target", n=n),
        Reason.WORSE_THAN_BENCHMARK: tr("{n} worse than the benchmark", n=n),
        Reason.WORSENED: tr("{n} worsened after go-live", n=n),
        Reason.WEAK_LINK: tr("{n} weak link in the cause-and-effect chain", n=n),
    }
    return words[reason]


def not_valued() -> str:
    """The benefit index of an action not valued in money, as the table shows it."""
    return tr("not valued in money")


def _cost_term(hours: float, driver: CostDriver) -> str:
    """One term of an action's cost formula ("8 h per CRM user")."""
    words = {
        CostDriver.CRM_USERS: tr("{hours} h per CRM user", hours=f"{hours:g}"),
        CostDriver.SALES_REPS: tr("{hours} h per sales rep", hours=f"{hours:g}"),
        CostDriver.ACTIVE_CUSTOMERS: tr("{hours} h per active customer", hours=f"{hours:g}"),
        CostDriver.TICKETS_PER_YEAR: tr("{hours} h per ticket a year", hours=f"{hours:g}"),
        CostDriver.SURVEY_RESPONSES_PER_YEAR: tr(
            "{hours} h per survey response a year", hours=f"{hours:g}"
        ),
        CostDriver.CONTACTS_PER_YEAR: tr(
            "{hours} h per campaign contact a year", hours=f"{hours:g}"
        ),
        CostDriver.FIXED: tr("{hours} h once", hours=f"{hours:g}"),
    }
    return words[driver]


def reasons_text(reasons: Iterable[Any]) -> str:
    """Reasons in words, joined by "; ".

    Examples
    --------
    >>> reasons_text([Reason.WORSENED, Reason.BEHIND_TARGET])
    'worsened after go-live; behind its target'
    """
    return listed_by_semicolons([reason_words(r) for r in reasons])


def _label(kpi: Any, labels: Mapping[str, str]) -> str:
    return term(str(labels.get(str(kpi), kpi)))


def _missing() -> str:
    return tr("not available")


def gaps_view(gaps: pd.DataFrame, *, currency: str) -> TableView:
    """The gaps as a table: KPI, perspective, value after go-live in its unit, why it is a gap."""
    frame = pd.DataFrame(
        {
            tr("KPI"): [term(str(v)) for v in gaps["label"]],
            tr("Perspective"): [
                in_sentence(perspective_name(p)) if p else _missing() for p in gaps["perspective"]
            ],
            tr("After go-live"): [
                format_kpi_value(v, str(u or ""), currency)
                for v, u in zip(gaps["actual"], gaps["unit"], strict=True)
            ],
            tr("Why it needs action"): [reasons_text(r) for r in gaps["reasons"]],
        }
    )
    return TableView(frame, {}, {})


def _index_text(value: Any) -> str:
    number = as_number(value)
    return _missing() if number is None else f"{number * 100:+,.0f} %"


def _range_text(low: Any, high: Any) -> str:
    """A low–high range of benefit indices, or "not available" when either end is missing.

    Examples
    --------
    >>> _range_text(0.5, 3.0), _range_text(None, 1.0)
    ('+50 % to +300 %', 'not available')
    """
    if as_number(low) is None or as_number(high) is None:
        return _missing()
    return tr("{low} to {high}", low=_index_text(low), high=_index_text(high))


def candidates_view(
    candidates: pd.DataFrame, labels: Mapping[str, str], *, currency: str
) -> TableView:
    """The ranked candidates: money in ``currency`` a year, benefit index in percent."""
    money = {
        "expected_effect": tr("Expected effect"),
        "effect_low": tr("Effect low"),
        "effect_high": tr("Effect high"),
        "expected_cost": tr("Expected cost"),
    }
    relative, horizon = tr("Relative effect"), tr("Horizon")
    frame = pd.DataFrame(
        {
            tr("Rank"): candidates["rank"].to_numpy(),
            tr("Action"): [term(str(a)) for a in candidates["action"]],
            tr("KPIs it moves"): [
                listed([_label(k, labels) for k in ks]) for ks in candidates["kpis"]
            ],
            tr("Proposed because"): [reasons_text(r) for r in candidates["reasons"]],
            relative: candidates["relative_effect"].to_numpy(),
            **{shown: candidates[c].to_numpy() for c, shown in money.items()},
            tr("Benefit index"): [
                _index_text(v) if valued else not_valued()
                for v, valued in zip(
                    candidates["benefit_index"], candidates["monetised"], strict=True
                )
            ],
            tr("Benefit index range"): [
                _range_text(lo, hi)
                for lo, hi in zip(
                    candidates["benefit_index_low"], candidates["benefit_index_high"], strict=True
                )
            ],
            tr("Owner"): [term(str(o)) for o in candidates["owner"]],
            horizon: candidates["horizon_months"].to_numpy(),
            tr("Source"): [term(str(s)) for s in candidates["source"]],
        }
    )
    a_year = tr("{currency} a year", currency=currency)
    units = {
        **dict.fromkeys(
            (money["expected_effect"], money["effect_low"], money["effect_high"]), a_year
        ),
        money["expected_cost"]: currency,
        relative: "%",
        horizon: tr("months"),
    }
    formats = {
        **dict.fromkeys(money.values(), lambda v: format_money(v)),
        relative: lambda v: format_percent(v, 0).removesuffix(" %"),
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
        return tr("No action could be valued in money: the ranking rests on the reasons alone")
    best = monetised.iloc[0]
    index = float(best["benefit_index"])
    if index < 0:
        return tr(
            "Even the best-valued action, {action}, would not repay its cost in a year",
            action=term(str(best["action"])),
        )
    return tr(
        "{action} promises the best return: every unit spent comes back {times} times in a year",
        action=term(str(best["action"])),
        times=f"{index + 1:,.1f}",
    )


def _worth(c: Any, currency: str) -> str:
    """What an action is worth, in the words of a recommendation."""
    if not c["monetised"]:
        return tr("its effect cannot be put in money, so weigh it by the reasons")
    return tr(
        "worth about {effect} a year ({low} to {high}) for {cost}",
        effect=format_money(c["expected_effect"], currency),
        low=format_money(c["effect_low"], currency),
        high=format_money(c["effect_high"], currency),
        cost=format_money(c["expected_cost"], currency),
    )


def recommendations(
    candidates: pd.DataFrame, labels: Mapping[str, str], *, currency: str, top: int = 3
) -> str:
    """The recommendations for the client's manager, as a markdown list of the top actions."""
    if candidates.empty:
        return tr("No KPI calls for action: nothing to recommend beyond keeping the course.")
    lines = []
    for _, c in candidates.head(top).iterrows():
        lines.append(
            tr(
                "- **{rank}. {action}** ({owner}, effect within {months} months): {kpis} — "
                "{why}; {worth}.",
                rank=c["rank"],
                action=term(str(c["action"])),
                owner=term(str(c["owner"])) if c["owner"] else tr("an owner still to be named"),
                months=int(c["horizon_months"]),
                kpis=listed([_label(k, labels) for k in c["kpis"]]),
                why=reasons_text(c["reasons"]),
                worth=_worth(c, currency),
            )
        )
    return "\n".join(lines)


def plan_view(plan: pd.DataFrame, kpi_info: pd.DataFrame, *, currency: str) -> TableView:
    """The action plan: action, owner, start, the KPI to watch, its target, review date."""
    labels = kpi_info["label"].to_dict() if "label" in kpi_info else {}
    units = kpi_info["unit"].to_dict() if "unit" in kpi_info else {}
    frame = pd.DataFrame(
        {
            tr("Action"): [term(str(a)) for a in plan["action"]],
            tr("Owner"): [term(str(o)) if o else _missing() for o in plan["owner"]],
            tr("Start"): [d.isoformat() for d in plan["start"]],
            tr("KPI to watch"): [_label(k, labels) for k in plan["kpi"]],
            tr("Target"): [
                format_kpi_value(t, str(units.get(k) or ""), currency)
                for t, k in zip(plan["target"], plan["kpi"], strict=True)
            ],
            tr("Review date"): [d.isoformat() for d in plan["review_date"]],
        }
    )
    return TableView(frame, {}, {})


def _cost_formula(action: Action, currency: str) -> str:
    if action.cost is not None:
        return tr("{cost} (client's figure)", cost=format_money(action.cost, currency))
    text = ""
    for cost_term in action.cost_terms:
        words = _cost_term(cost_term.hours, cost_term.driver)
        text = tr("{earlier} + {later}", earlier=text, later=words) if text else words
    return tr("{terms} × hourly cost", terms=text)


def _assumed_effect(action: Action) -> str:
    if action.effect_low == action.effect_high:
        return format_percent(action.effect_central, 0)
    low, central, high = (
        format_percent(e, 0) for e in (action.effect_low, action.effect_central, action.effect_high)
    )
    return f"{low} / {central} / {high}"


def assumptions_view(
    actions: Iterable[Action], labels: Mapping[str, str], *, currency: str
) -> TableView:
    """The actions' assumed effects and cost formulas, as the report labels assumptions."""
    columns = {
        "action": tr("Action"),
        "kpis": tr("KPIs it moves"),
        "effect": tr("Assumed effect"),
        "cost": tr("Assumed cost"),
        "owner": tr("Owner"),
        "horizon": tr("Horizon"),
        "source": tr("Source"),
    }
    rows = [
        {
            columns["action"]: term(a.name),
            columns["kpis"]: listed([_label(k, labels) for k in a.kpis]),
            columns["effect"]: _assumed_effect(a),
            columns["cost"]: _cost_formula(a, currency),
            columns["owner"]: term(a.owner) if a.owner else _missing(),
            columns["horizon"]: a.horizon_months,
            columns["source"]: term(str(a.source)),
        }
        for a in actions
    ]
    return TableView(pd.DataFrame(rows), {columns["horizon"]: tr("months")}, {})


def unknown_kpis_text(unknown: pd.DataFrame, *, file: str = "actions") -> str:
    """A warning naming the rows of the client's actions whose KPI crmkit does not know."""
    if unknown.empty:
        return ""
    return tr(
        "*Warning: {file}, rows {rows}: KPI name(s) {names} are not in the KPI catalog; these "
        "actions can never meet a gap and are left out.*",
        file=file,
        rows=", ".join(str(r) for r in unknown["row"]),
        names=", ".join(sorted({str(k) for k in unknown["kpi"]})),
    )


def actions_findings(gaps: pd.DataFrame, candidates: pd.DataFrame, *, currency: str) -> Findings:
    """The stage's findings: how many gaps, how many actions, the best, what is uncertain."""
    if gaps.empty:
        return Findings(
            tr(
                "No KPI is behind its target, worse than its benchmark, worsened after go-live "
                "or a weak link of the cause-and-effect chain: no action is called for."
            ),
            [],
        )
    n_gaps, n_cands = len(gaps), len(candidates)
    sentences = [
        tr(
            "{gaps} KPI(s) call for action; {actions} action(s) address them.",
            gaps=n_gaps,
            actions=n_cands,
        )
    ]
    monetised = candidates.loc[candidates["monetised"].astype(bool)] if n_cands else candidates
    if not monetised.empty:
        best = monetised.iloc[0]
        sentences.append(
            tr(
                "The best-valued is {action}: a benefit index of {index} ({range} across its "
                "effect range).",
                action=term(str(best["action"])),
                index=_index_text(best["benefit_index"]),
                range=_range_text(best["benefit_index_low"], best["benefit_index_high"]),
            )
        )
        if float(best["benefit_index"]) < 0:
            sentences.append(
                tr("No action valued in money repays its cost within its first full year.")
            )
    limitations = [
        tr(
            "Effects and costs of catalog actions are typical assumptions, not measurements of "
            "this client; the review dates in the plan are where they meet the data."
        ),
        tr(
            "Money effects are one year of the full effect against a one-off cost; effects on "
            "KPIs that cannot be valued in money are not counted."
        ),
    ]
    not_valued_count = n_cands - len(monetised)
    if not_valued_count:
        limitations.append(
            tr(
                "{n} action(s) could not be valued in money and are ranked by their reasons only.",
                n=not_valued_count,
            )
        )
    return Findings(one_after_another(sentences), limitations)


def what_gaps_mean(gaps: pd.DataFrame) -> str:
    """The closing words of the gaps section."""
    if gaps.empty:
        return what_it_means(tr("nothing measured here calls for corrective action now."))
    counts = pd.Series([r for reasons in gaps["reasons"] for r in reasons]).value_counts()
    parts = [_reason_count(Reason(r), int(n)) for r, n in counts.items()]
    return what_it_means(
        tr(
            "{n} KPI(s) need attention ({reasons}); the actions below are chosen for them.",
            n=len(gaps),
            reasons=listed(parts),
        )
    )


def what_ranking_means(candidates: pd.DataFrame) -> str:
    """The closing words of the ranking: how many actions repay their cost within a year."""
    if candidates.empty:
        return what_it_means(tr("no action is proposed, as no KPI calls for one."))
    valued = candidates.loc[candidates["monetised"].astype(bool)]
    return what_it_means(
        tr(
            "of {valued} action(s) valued in money, {paying} repay their cost within the first "
            "full year of effect at the central assumption, {sure} even at the low end; "
            "{unvalued} cannot be valued in money and follow them.",
            valued=len(valued),
            paying=int((valued["benefit_index"] > 0).sum()),
            sure=int((valued["benefit_index_low"] > 0).sum()),
            unvalued=len(candidates) - len(valued),
        )
    )


def what_plan_means(plan: pd.DataFrame) -> str:
    """The closing words of the plan: when the first review falls."""
    if plan.empty:
        return what_it_means(tr("there is nothing to plan until a KPI falls behind."))
    first = min(plan["review_date"])
    return what_it_means(
        tr(
            "each action has an owner and a KPI target; the first review falls on {date}, when "
            "the next assessment shows whether the target was reached.",
            date=first.isoformat(),
        )
    )
