"""How the CRM was rolled out, and what the data allow, in words for a manager.

Every function reads results.json's ``impact.rollout`` (:func:`crmkit.measure.rollout_results`,
plain JSON), so the impact page and the executive summary say the same. Statuses are read
from their typed values (:class:`crmkit.measure.rollout.Design`, :class:`~crmkit.measure.
rollout.Claim`, …); unit names come from the client and are escaped by the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from crmkit.measure.rollout import Assumption, Claim, Design, DesignReason
from crmkit.stats.rollout import Fit, PlaceboStatus, PreTrend
from crmkit.words.formats import as_number, format_change_pct, format_p_value
from crmkit.words.language import tr
from crmkit.words.narrative.naming import in_order, in_sentence, listed, named

__all__ = [
    "claim_reason",
    "design_without_rollout",
    "placebo_title",
    "rollout_chart_title",
    "rollout_design",
    "rollout_figure",
    "rollout_finding",
    "summary_rollout",
]

#: Each design named in a sentence, and as a method beside a figure (without the article).
_DESIGN_NAMES: dict[Design, Callable[[], str]] = {
    Design.STAGGERED: lambda: tr("a staggered difference-in-differences"),
    Design.DIFFERENCE_IN_DIFFERENCES: lambda: tr("a difference-in-differences"),
    Design.SYNTHETIC_CONTROL: lambda: tr("a synthetic control"),
    Design.TIME_SERIES_ONLY: lambda: tr("a time series only (no comparison between units)"),
}
_METHODS: dict[Design, Callable[[], str]] = {
    Design.STAGGERED: lambda: tr("staggered difference-in-differences"),
    Design.DIFFERENCE_IN_DIFFERENCES: lambda: tr("difference-in-differences"),
    Design.SYNTHETIC_CONTROL: lambda: tr("synthetic control"),
    Design.TIME_SERIES_ONLY: lambda: tr("time series only (no comparison between units)"),
}

_REASONS: dict[DesignReason, Callable[[], str]] = {
    DesignReason.STAGGERED_DATES: lambda: tr(
        "the units went live on different dates, so each unit is compared, month by month, "
        "with the units that did not have the CRM yet or never got it; units already on the "
        "CRM are never used as the comparison"
    ),
    DesignReason.ONE_DATE: lambda: tr(
        "the units that got the CRM went live on one date, and other units never got it, so "
        "the change where it went live is compared with the change where it did not"
    ),
    DesignReason.PILOT: lambda: tr(
        "the CRM went live in a pilot only, and several units never got it; a weighted mix of "
        "those units (its synthetic twin) is built to follow the pilot before go-live, and "
        "the pilot is compared with its twin afterwards"
    ),
    DesignReason.NO_COMPARISON: lambda: tr(
        "every unit went live on the same day, so no unit without the CRM is left to compare "
        "with; only each KPI's path over time can be read"
    ),
    DesignReason.NO_UNIT_DATA: lambda: tr(
        "the orders cannot be tied to the units the rollout names, so no unit can be compared "
        "with another"
    ),
}

_ASSUMPTIONS: dict[Assumption, Callable[[], str]] = {
    Assumption.PARALLEL_TRENDS: lambda: tr(
        "without the CRM, revenue in the units that got it would have moved in parallel with "
        "the others (parallel trends), and nobody changed how they worked before their own "
        "go-live (no anticipation)"
    ),
    Assumption.PRE_PERIOD_FIT: lambda: tr(
        "the synthetic twin tracked the pilot closely before go-live (a good pre-period fit), "
        "so it shows what the pilot would have done without the CRM"
    ),
    Assumption.NOTHING_ELSE_CHANGED: lambda: tr(
        "nothing but the CRM changed at go-live: no market, price or season effect that a "
        "comparison group would have caught"
    ),
}

_STRONGER: dict[Design, Callable[[], str]] = {
    Design.STAGGERED: lambda: tr(
        "more units (teams or reps rather than regions) with their own go-live dates, a unit "
        "that never gets the CRM, and a longer history before the first go-live"
    ),
    Design.DIFFERENCE_IN_DIFFERENCES: lambda: tr(
        "more units (teams or reps rather than regions), go-lives staggered over time, and a "
        "longer history before go-live"
    ),
    Design.SYNTHETIC_CONTROL: lambda: tr(
        "more units that never got the CRM (at least 19 for a p-value below 5 %), and a longer "
        "history before go-live for the twin to learn from"
    ),
    Design.TIME_SERIES_ONLY: lambda: tr(
        "a unit (region, team or rep) that got the CRM later or never, named in params.yaml "
        "under `rollout`"
    ),
}

#: Why the overall effect is not claimed, for each :class:`Claim` other than claimed.
_CLAIM_REASONS: dict[Claim, Callable[[], str]] = {
    Claim.NOT_DETECTED: lambda: tr("its interval includes no change"),
    Claim.PRE_TREND_FAILED: lambda: tr(
        "the units did not move in parallel before go-live (the pre-trend check failed)"
    ),
    Claim.POOR_FIT: lambda: tr(
        "the synthetic twin does not track the pilot closely before go-live"
    ),
    Claim.TOO_FEW_UNITS: lambda: tr(
        "there are too few units for any interval or p-value to reach the significance level"
    ),
    Claim.NO_INTERVAL: lambda: tr("the data cannot bound the effect on both sides"),
    Claim.PLACEBO_INSIDE: lambda: tr(
        "fake go-live dates before the real one give effects as large"
    ),
    Claim.NO_ESTIMATE: lambda: tr("no effect could be estimated"),
}


def claim_reason(claim: Claim) -> str:
    """Why the overall effect is not claimed, for a :class:`Claim` other than claimed.

    Examples
    --------
    >>> claim_reason(Claim.NOT_DETECTED)
    'its interval includes no change'
    """
    reason = _CLAIM_REASONS.get(claim)
    return reason() if reason is not None else tr("no comparison between units")


def _claim(rollout: Mapping[str, Any]) -> Claim:
    try:
        return Claim(rollout.get("claim"))
    except ValueError:
        return Claim.NO_ESTIMATE


def _overall(rollout: Mapping[str, Any]) -> Mapping[str, Any]:
    """The overall effect's figures under the words' names (results.json calls the
    effect ``att_pct``)."""
    return {
        "estimate_pct": rollout.get("att_pct"),
        "ci_low_pct": rollout.get("ci_low_pct"),
        "ci_high_pct": rollout.get("ci_high_pct"),
        "p_value": rollout.get("p_value"),
    }


def _interval(overall: Mapping[str, Any], confidence: float, *, short: bool = False) -> str | None:
    """The overall effect's interval ("95 % interval +2.0 % to +14.0 %"; ``short``: "CI")."""
    low, high = as_number(overall.get("ci_low_pct")), as_number(overall.get("ci_high_pct"))
    if low is None or high is None:
        return None
    bounds = {
        "level": f"{confidence * 100:.0f} %",
        "low": format_change_pct(low),
        "high": format_change_pct(high),
    }
    if short:
        return tr("{level} CI {low} to {high}", **bounds)
    return tr("{level} interval {low} to {high}", **bounds)


def rollout_design(rollout: Mapping[str, Any]) -> str:
    """The design, why, the assumption it rests on and what data would make it stronger.

    Examples
    --------
    >>> text = rollout_design({"design": "staggered", "reason": "staggered_dates",
    ...     "assumption": "parallel_trends", "unit": "region",
    ...     "units": {"treated": ["North", "South"], "never_treated": ["West"]}})
    >>> text.splitlines()[0]
    '**Design: a staggered difference-in-differences** over the units of `region`: 2 got the CRM (North, South), 1 never did (West).'
    """
    design, reason = Design(rollout["design"]), DesignReason(rollout["reason"])
    assumption = Assumption(rollout["assumption"])
    units = rollout.get("units") or {}
    treated, never = list(units.get("treated") or []), list(units.get("never_treated") or [])
    shown, others = _first_units(treated), _first_units(never)
    units_of = {
        "design": _DESIGN_NAMES[design](),
        "unit": rollout.get("unit"),
        "treated": len(treated),
        "shown": shown,
        "never": len(never),
    }
    if never:
        opening = tr(
            "**Design: {design}** over the units of `{unit}`: {treated} got the CRM ({shown}), "
            "{never} never did ({others}).",
            others=others,
            **units_of,
        )
    else:
        opening = tr(
            "**Design: {design}** over the units of `{unit}`: {treated} got the CRM ({shown}), "
            "{never} never did.",
            **units_of,
        )
    return _design_lines(
        opening, _REASONS[reason](), _ASSUMPTIONS[assumption](), _STRONGER[design]()
    )


def _first_units(units: list[Any]) -> str:
    """The first eight units, "…" after them when there are more."""
    return listed([*map(str, units[:8]), *(["…"] if len(units) > 8 else [])])


def _design_lines(opening: str, why: str, assumes: str, stronger: str) -> str:
    """The design's opening line, then why it was chosen, what it assumes, what would help."""
    lines = [
        opening,
        "",
        tr("- *Why:* {why}.", why=why),
        tr("- *It assumes:* {assumes}.", assumes=assumes),
        tr("- *Stronger with:* {stronger}.", stronger=stronger),
    ]
    return "\n".join(lines)


def design_without_rollout(control_column: str | None, control_values: list[str]) -> str:
    """The design when params.yaml says nothing of a rollout: the control group's, or none.

    Parameters
    ----------
    control_column : str or None
        The control group's column (params.yaml ``control.column``); None without one.
    control_values : list of str
        Its values that never got the CRM.

    Examples
    --------
    >>> design_without_rollout(None, []).splitlines()[0]
    '**Design: a time series only (no comparison between units)**: every unit went live on the go-live date, and params.yaml names no control group.'
    >>> design_without_rollout("region", ["West"]).splitlines()[0]
    '**Design: a difference-in-differences** against the control group (`region`: West), which never got the CRM.'
    """
    if control_column is None:
        design = Design.TIME_SERIES_ONLY
        return _design_lines(
            tr(
                "**Design: {design}**: every unit went live on the go-live date, and params.yaml "
                "names no control group.",
                design=_DESIGN_NAMES[design](),
            ),
            tr(
                "no unit without the CRM is left to compare with; each KPI is compared before "
                "and after go-live, and monthly revenue with the path its history predicts"
            ),
            _ASSUMPTIONS[Assumption.NOTHING_ELSE_CHANGED](),
            tr("{stronger}, or a control group (`control`)", stronger=_STRONGER[design]()),
        )
    design = Design.DIFFERENCE_IN_DIFFERENCES
    return _design_lines(
        tr(
            "**Design: {design}** against the control group (`{column}`: {units}), which never "
            "got the CRM.",
            design=_DESIGN_NAMES[design](),
            column=control_column,
            units=_first_units(control_values),
        ),
        _REASONS[DesignReason.ONE_DATE](),
        _ASSUMPTIONS[Assumption.PARALLEL_TRENDS](),
        _STRONGER[design](),
    )


def rollout_chart_title(rollout: Mapping[str, Any]) -> str:
    """The title of the event-study or synthetic-control chart: its finding.

    Examples
    --------
    >>> rollout_chart_title({"design": "synthetic_control", "claim": "poor_fit",
    ...                      "att_pct": 0.12})
    'The pilot ran +12.0 % against its synthetic twin, not claimed: the twin does not track it before go-live'
    """
    design, claim = Design(rollout["design"]), _claim(rollout)
    effect = as_number(_overall(rollout).get("estimate_pct"))
    moved = format_change_pct(effect)
    if design is Design.SYNTHETIC_CONTROL:
        subject = tr("The pilot ran {change} against its synthetic twin", change=moved)
        if claim is Claim.POOR_FIT:
            return tr(
                "{subject}, not claimed: the twin does not track it before go-live",
                subject=subject,
            )
    else:
        subject = tr("Revenue moved {change} after each unit's own go-live", change=moved)
        if claim is Claim.PRE_TREND_FAILED:
            return tr(
                "{subject}, not claimed: the months before go-live were not flat", subject=subject
            )
    if effect is None:
        return tr("No effect of the CRM on revenue could be estimated")
    if claim is Claim.CLAIMED:
        return tr("{subject}: more than chance explains", subject=subject)
    return tr("{subject}: this data cannot say it is the CRM", subject=subject)


def placebo_title(rollout: Mapping[str, Any]) -> str:
    """The title of the placebo chart: where the real effect lies among fake go-lives.

    Examples
    --------
    >>> placebo_title({"placebo": {"status": "history_too_short", "n": 13}})
    'Too little history before go-live for placebo go-lives (13 fake dates, 19 needed)'
    """
    placebo = rollout.get("placebo")
    if not isinstance(placebo, Mapping):
        return tr("No placebo go-lives: no comparison between units")
    n = int(as_number(placebo.get("n")) or 0)
    if placebo.get("status") == PlaceboStatus.HISTORY_TOO_SHORT:
        return tr(
            "Too little history before go-live for placebo go-lives ({n} fake dates, 19 needed)",
            n=n,
        )
    if placebo.get("outside"):
        return tr("The real effect lies outside {n} fake go-lives before it", n=n)
    return tr("Fake go-live dates give effects as large as the real one (of {n})", n=n)


def rollout_finding(
    rollout: Mapping[str, Any],
    *,
    confidence: float = 0.95,
    synthetic: Mapping[str, Any] | None = None,
) -> str:
    """What the rollout shows about monthly revenue, in plain words (markdown).

    A missing interval is never compared with zero: the text then says why there is none.
    ``synthetic`` is results.json's ``impact.synthetic_control`` when the design is one.

    Examples
    --------
    >>> rollout_finding({"design": "difference_in_differences", "claim": "too_few_units",
    ...     "att_pct": -0.057, "ci_low_pct": None, "ci_high_pct": None,
    ...     "p_value": 0.667}).split(". ")[0]
    'Where the CRM went live, monthly revenue moved −5.7 % against the comparison (p = 0.667)'
    """
    design, claim = Design(rollout["design"]), _claim(rollout)
    if design is Design.TIME_SERIES_ONLY:
        return tr(
            "**Cannot say** from a comparison between units: {reason}. The sections below read "
            "each KPI before against after go-live.",
            reason=_REASONS[DesignReason(rollout["reason"])](),
        )
    overall = _overall(rollout)
    effect = as_number(overall.get("estimate_pct"))
    if effect is None:
        return tr("**Cannot say:** {reason}.", reason=claim_reason(Claim.NO_ESTIMATE))
    interval = _interval(overall, confidence)
    detail = (
        interval
        if interval is not None
        else tr("p = {p}", p=format_p_value(overall.get("p_value")))
    )
    if design is Design.SYNTHETIC_CONTROL:
        sentence = tr(
            "Where the CRM went live, monthly revenue moved {change} against its synthetic twin "
            "({detail}).",
            change=format_change_pct(effect),
            detail=detail,
        )
    else:
        sentence = tr(
            "Where the CRM went live, monthly revenue moved {change} against the comparison "
            "({detail}).",
            change=format_change_pct(effect),
            detail=detail,
        )
    if claim is Claim.CLAIMED:
        verdict = tr(" **More than chance explains**, and fake go-live dates do not produce it.")
    else:
        verdict = tr(" **Not claimed:** {reason}.", reason=claim_reason(claim))
    parts = [sentence + verdict]
    if (
        design is not Design.SYNTHETIC_CONTROL
        and rollout.get("pre_trend_status") == PreTrend.PASSED
    ):
        parts.append(
            tr(
                "Before each go-live the units moved in parallel (pre-trend check p = {p}).",
                p=format_p_value(rollout.get("pre_trend_p")),
            )
        )
    if isinstance(synthetic, Mapping) and synthetic.get("fit") == Fit.GOOD:
        parts.append(
            tr(
                "The synthetic twin tracked the pilot closely before go-live; the pilot's gap "
                "ranks with p = {p} among the placebo units.",
                p=format_p_value(synthetic.get("p_value")),
            )
        )
    placebo = rollout.get("placebo")
    if isinstance(placebo, Mapping) and placebo.get("status") == PlaceboStatus.HISTORY_TOO_SHORT:
        parts.append(
            tr(
                "The history before go-live is too short to check the effect against fake "
                "go-live dates."
            )
        )
    return in_order(parts)


def summary_rollout(rollout: Any, *, label: str | None = None, alpha: Any = 0.05) -> str | None:
    """The rollout's effect on revenue in one sentence for the executive summary.

    Examples
    --------
    >>> summary_rollout({"design": "staggered", "claim": "claimed",
    ...     "att_pct": 0.08, "ci_low_pct": 0.02, "ci_high_pct": 0.14})
    'Revenue moved +8.0 % where the CRM went live against the units without it yet (staggered difference-in-differences; 95 % CI +2.0 % to +14.0 %): more than chance explains.'
    >>> summary_rollout({"design": "synthetic_control", "claim": "too_few_units",
    ...     "att_pct": 0.12})
    'Revenue moved +12.0 % in the pilot against its synthetic twin (synthetic control), not claimed: there are too few units for any interval or p-value to reach the significance level.'
    """
    label = tr("Revenue") if label is None else label
    if not isinstance(rollout, Mapping):
        return None
    try:
        design = Design(rollout.get("design"))
    except ValueError:
        return None
    claim = _claim(rollout)
    if design is Design.TIME_SERIES_ONLY:
        return tr(
            "The rollout leaves no unit without the CRM to compare with, so the effect on {kpi} "
            "is not claimed.",
            kpi=in_sentence(label),
        )
    overall = _overall(rollout)
    effect = as_number(overall.get("estimate_pct"))
    if effect is None:
        return tr(
            "{kpi}: the rollout's effect is not claimed ({reason}).",
            kpi=named(label),
            reason=claim_reason(Claim.NO_ESTIMATE),
        )
    method = _METHODS[design]()
    level = as_number(alpha)
    level = 0.05 if level is None or not 0 < level < 1 else level
    interval = _interval(overall, 1 - level, short=True)
    basis = (
        method if interval is None else tr("{method}; {interval}", method=method, interval=interval)
    )
    moved = {"kpi": named(label), "change": format_change_pct(effect), "basis": basis}
    if design is Design.SYNTHETIC_CONTROL:
        subject = tr(
            "{kpi} moved {change} in the pilot against its synthetic twin ({basis})", **moved
        )
    elif design is Design.STAGGERED:
        subject = tr(
            "{kpi} moved {change} where the CRM went live against the units without it yet "
            "({basis})",
            **moved,
        )
    else:
        subject = tr(
            "{kpi} moved {change} where the CRM went live against the units without it ({basis})",
            **moved,
        )
    if claim is Claim.CLAIMED:
        return tr("{subject}: more than chance explains.", subject=subject)
    return tr("{subject}, not claimed: {reason}.", subject=subject, reason=claim_reason(claim))


def rollout_figure(rollout: Mapping[str, Any]) -> dict[str, str]:
    """The index page's headline figure of the rollout: the effect if claimed, else why not.

    Examples
    --------
    >>> rollout_figure({"design": "staggered", "claim": "pre_trend_failed",
    ...                 "att_pct": 0.1})["value"]
    'not claimed'
    """
    label = tr("Revenue effect of the rollout")
    try:
        design = Design(rollout.get("design"))
    except ValueError:
        return {"label": label, "value": tr("not available"), "note": ""}
    method = _METHODS[design]()
    claim = _claim(rollout)
    if claim is Claim.CLAIMED:
        value = format_change_pct(_overall(rollout).get("estimate_pct"))
        return {"label": label, "value": value, "note": method}
    reason = claim_reason(claim)
    if design is Design.TIME_SERIES_ONLY:
        reason = tr("no unit without the CRM to compare with")
    note = tr("{method}: {reason}", method=method, reason=reason)
    return {"label": label, "value": tr("not claimed"), "note": note}
