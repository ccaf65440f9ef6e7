"""How the CRM was rolled out, and what the data allow, in words for a manager.

Every function reads results.json's ``impact.rollout`` (:func:`crmkit.measure.rollout_results`,
plain JSON), so the impact page and the executive summary say the same. Statuses are read
from their typed values (:class:`crmkit.measure.rollout.Design`, :class:`~crmkit.measure.
rollout.Claim`, …); unit names come from the client and are escaped by the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmkit.measure.rollout import Assumption, Claim, Design, DesignReason
from crmkit.stats.rollout import Fit, PlaceboStatus, PreTrend
from crmkit.words.formats import as_number, format_change_pct, format_p_value

__all__ = [
    "CLAIM_REASONS",
    "design_without_rollout",
    "placebo_title",
    "rollout_chart_title",
    "rollout_design",
    "rollout_figure",
    "rollout_finding",
    "summary_rollout",
]

_DESIGN_NAMES = {
    Design.STAGGERED: "a staggered difference-in-differences",
    Design.DIFFERENCE_IN_DIFFERENCES: "a difference-in-differences",
    Design.SYNTHETIC_CONTROL: "a synthetic control",
    Design.TIME_SERIES_ONLY: "a time series only (no comparison between units)",
}

_REASONS = {
    DesignReason.STAGGERED_DATES: (
        "the units went live on different dates, so each unit is compared, month by month, "
        "with the units that did not have the CRM yet or never got it; units already on the "
        "CRM are never used as the comparison"
    ),
    DesignReason.ONE_DATE: (
        "the units that got the CRM went live on one date, and other units never got it, so "
        "the change where it went live is compared with the change where it did not"
    ),
    DesignReason.PILOT: (
        "the CRM went live in a pilot only, and several units never got it; a weighted mix of "
        "those units (its synthetic twin) is built to follow the pilot before go-live, and "
        "the pilot is compared with its twin afterwards"
    ),
    DesignReason.NO_COMPARISON: (
        "every unit went live on the same day, so no unit without the CRM is left to compare "
        "with; only each KPI's path over time can be read"
    ),
    DesignReason.NO_UNIT_DATA: (
        "the orders cannot be tied to the units the rollout names, so no unit can be compared "
        "with another"
    ),
}

_ASSUMPTIONS = {
    Assumption.PARALLEL_TRENDS: (
        "without the CRM, revenue in the units that got it would have moved in parallel with "
        "the others (parallel trends), and nobody changed how they worked before their own "
        "go-live (no anticipation)"
    ),
    Assumption.PRE_PERIOD_FIT: (
        "the synthetic twin tracked the pilot closely before go-live (a good pre-period fit), "
        "so it shows what the pilot would have done without the CRM"
    ),
    Assumption.NOTHING_ELSE_CHANGED: (
        "nothing but the CRM changed at go-live: no market, price or season effect that a "
        "comparison group would have caught"
    ),
}

_STRONGER = {
    Design.STAGGERED: (
        "more units (teams or reps rather than regions) with their own go-live dates, a unit "
        "that never gets the CRM, and a longer history before the first go-live"
    ),
    Design.DIFFERENCE_IN_DIFFERENCES: (
        "more units (teams or reps rather than regions), go-lives staggered over time, and a "
        "longer history before go-live"
    ),
    Design.SYNTHETIC_CONTROL: (
        "more units that never got the CRM (at least 19 for a p-value below 5 %), and a longer "
        "history before go-live for the twin to learn from"
    ),
    Design.TIME_SERIES_ONLY: (
        "a unit (region, team or rep) that got the CRM later or never, named in params.yaml "
        "under `rollout`"
    ),
}

#: Why the overall effect is not claimed, for each :class:`Claim` other than claimed.
CLAIM_REASONS = {
    Claim.NOT_DETECTED: "its interval includes no change",
    Claim.PRE_TREND_FAILED: (
        "the units did not move in parallel before go-live (the pre-trend check failed)"
    ),
    Claim.POOR_FIT: "the synthetic twin does not track the pilot closely before go-live",
    Claim.TOO_FEW_UNITS: (
        "there are too few units for any interval or p-value to reach the significance level"
    ),
    Claim.NO_INTERVAL: "the data cannot bound the effect on both sides",
    Claim.PLACEBO_INSIDE: "fake go-live dates before the real one give effects as large",
    Claim.NO_ESTIMATE: "no effect could be estimated",
}


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


def _interval(overall: Mapping[str, Any], confidence: float) -> str | None:
    low, high = as_number(overall.get("ci_low_pct")), as_number(overall.get("ci_high_pct"))
    if low is None or high is None:
        return None
    return (
        f"{confidence * 100:.0f} % interval {format_change_pct(low)} to {format_change_pct(high)}"
    )


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
    shown = ", ".join(map(str, treated[:8])) + (", …" if len(treated) > 8 else "")
    others = ", ".join(map(str, never[:8])) + (", …" if len(never) > 8 else "")
    count = (
        f"{len(treated)} got the CRM ({shown}), {len(never)} never did"
        + (f" ({others})" if never else "")
        + "."
    )
    lines = [
        f"**Design: {_DESIGN_NAMES[design]}** over the units of `{rollout.get('unit')}`: " + count,
        "",
        f"- *Why:* {_REASONS[reason]}.",
        f"- *It assumes:* {_ASSUMPTIONS[assumption]}.",
        f"- *Stronger with:* {_STRONGER[design]}.",
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
        lines = [
            f"**Design: {_DESIGN_NAMES[design]}**: every unit went live on the go-live date, "
            "and params.yaml names no control group.",
            "",
            "- *Why:* no unit without the CRM is left to compare with; each KPI is compared "
            "before and after go-live, and monthly revenue with the path its history predicts.",
            f"- *It assumes:* {_ASSUMPTIONS[Assumption.NOTHING_ELSE_CHANGED]}.",
            f"- *Stronger with:* {_STRONGER[design]}, or a control group (`control`).",
        ]
        return "\n".join(lines)
    design = Design.DIFFERENCE_IN_DIFFERENCES
    shown = ", ".join(map(str, control_values[:8])) + (", …" if len(control_values) > 8 else "")
    lines = [
        f"**Design: {_DESIGN_NAMES[design]}** against the control group "
        f"(`{control_column}`: {shown}), which never got the CRM.",
        "",
        f"- *Why:* {_REASONS[DesignReason.ONE_DATE]}.",
        f"- *It assumes:* {_ASSUMPTIONS[Assumption.PARALLEL_TRENDS]}.",
        f"- *Stronger with:* {_STRONGER[design]}.",
    ]
    return "\n".join(lines)


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
        subject = f"The pilot ran {moved} against its synthetic twin"
        if claim is Claim.POOR_FIT:
            return f"{subject}, not claimed: the twin does not track it before go-live"
    else:
        subject = f"Revenue moved {moved} after each unit's own go-live"
        if claim is Claim.PRE_TREND_FAILED:
            return f"{subject}, not claimed: the months before go-live were not flat"
    if effect is None:
        return "No effect of the CRM on revenue could be estimated"
    if claim is Claim.CLAIMED:
        return f"{subject}: more than chance explains"
    return f"{subject}: this data cannot say it is the CRM"


def placebo_title(rollout: Mapping[str, Any]) -> str:
    """The title of the placebo chart: where the real effect lies among fake go-lives.

    Examples
    --------
    >>> placebo_title({"placebo": {"status": "history_too_short", "n": 13}})
    'Too little history before go-live for placebo go-lives (13 fake dates, 19 needed)'
    """
    placebo = rollout.get("placebo")
    if not isinstance(placebo, Mapping):
        return "No placebo go-lives: no comparison between units"
    n = int(as_number(placebo.get("n")) or 0)
    if placebo.get("status") == PlaceboStatus.HISTORY_TOO_SHORT:
        return f"Too little history before go-live for placebo go-lives ({n} fake dates, 19 needed)"
    if placebo.get("outside"):
        return f"The real effect lies outside {n} fake go-lives before it"
    return f"Fake go-live dates give effects as large as the real one (of {n})"


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
        return (
            "**Cannot say** from a comparison between units: "
            + _REASONS[DesignReason(rollout["reason"])]
            + ". The sections below read each KPI before against after go-live."
        )
    overall = _overall(rollout)
    effect = as_number(overall.get("estimate_pct"))
    if effect is None:
        return f"**Cannot say:** {CLAIM_REASONS[Claim.NO_ESTIMATE]}."
    interval = _interval(overall, confidence)
    detail = interval if interval is not None else f"p = {format_p_value(overall.get('p_value'))}"
    against = "its synthetic twin" if design is Design.SYNTHETIC_CONTROL else "the comparison"
    sentence = (
        f"Where the CRM went live, monthly revenue moved {format_change_pct(effect)} against "
        f"{against} ({detail})."
    )
    if claim is Claim.CLAIMED:
        verdict = " **More than chance explains**, and fake go-live dates do not produce it."
    else:
        verdict = f" **Not claimed:** {CLAIM_REASONS[claim]}."
    parts = [sentence + verdict]
    if (
        design is not Design.SYNTHETIC_CONTROL
        and rollout.get("pre_trend_status") == PreTrend.PASSED
    ):
        parts.append(
            "Before each go-live the units moved in parallel (pre-trend check p = "
            f"{format_p_value(rollout.get('pre_trend_p'))})."
        )
    if isinstance(synthetic, Mapping) and synthetic.get("fit") == Fit.GOOD:
        parts.append(
            "The synthetic twin tracked the pilot closely before go-live; the pilot's gap "
            f"ranks with p = {format_p_value(synthetic.get('p_value'))} among the placebo units."
        )
    placebo = rollout.get("placebo")
    if isinstance(placebo, Mapping) and placebo.get("status") == PlaceboStatus.HISTORY_TOO_SHORT:
        parts.append(
            "The history before go-live is too short to check the effect against fake "
            "go-live dates."
        )
    return " ".join(parts)


def summary_rollout(rollout: Any, *, label: str = "Revenue", alpha: Any = 0.05) -> str | None:
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
    if not isinstance(rollout, Mapping):
        return None
    try:
        design = Design(rollout.get("design"))
    except ValueError:
        return None
    claim = _claim(rollout)
    if design is Design.TIME_SERIES_ONLY:
        return (
            f"The rollout leaves no unit without the CRM to compare with, so the effect on "
            f"{label.lower()} is not claimed."
        )
    overall = _overall(rollout)
    effect = as_number(overall.get("estimate_pct"))
    if effect is None:
        return f"{label}: the rollout's effect is not claimed ({CLAIM_REASONS[Claim.NO_ESTIMATE]})."
    where = {
        Design.SYNTHETIC_CONTROL: "in the pilot against its synthetic twin",
        Design.STAGGERED: "where the CRM went live against the units without it yet",
        Design.DIFFERENCE_IN_DIFFERENCES: "where the CRM went live against the units without it",
    }[design]
    method = _DESIGN_NAMES[design].removeprefix("a ")
    level = as_number(alpha)
    level = 0.05 if level is None or not 0 < level < 1 else level
    interval = _interval(overall, 1 - level)
    basis = method if interval is None else f"{method}; {interval.replace(' interval', ' CI')}"
    subject = f"{label} moved {format_change_pct(effect)} {where} ({basis})"
    if claim is Claim.CLAIMED:
        return f"{subject}: more than chance explains."
    return f"{subject}, not claimed: {CLAIM_REASONS[claim]}."


def rollout_figure(rollout: Mapping[str, Any]) -> dict[str, str]:
    """The index page's headline figure of the rollout: the effect if claimed, else why not.

    Examples
    --------
    >>> rollout_figure({"design": "staggered", "claim": "pre_trend_failed",
    ...                 "att_pct": 0.1})["value"]
    'not claimed'
    """
    label = "Revenue effect of the rollout"
    try:
        design = Design(rollout.get("design"))
    except ValueError:
        return {"label": label, "value": "not available", "note": ""}
    method = _DESIGN_NAMES[design].removeprefix("a ")
    claim = _claim(rollout)
    if claim is Claim.CLAIMED:
        value = format_change_pct(_overall(rollout).get("estimate_pct"))
        return {"label": label, "value": value, "note": method}
    reason = CLAIM_REASONS.get(claim, "no comparison between units")
    if design is Design.TIME_SERIES_ONLY:
        reason = "no unit without the CRM to compare with"
    return {"label": label, "value": "not claimed", "note": f"{method}: {reason}"}
