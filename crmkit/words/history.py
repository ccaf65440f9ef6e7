"""The monitoring stage in words: history across runs, targets reached, the tracking plan.

Built from :class:`crmkit.synthesis.history.History` and the tracking plan of
:func:`crmkit.synthesis.tracking.tracking_plan`; every table comes as a
:class:`~crmkit.words.formats.TableView` (units in its headers) and every chart title states
what the chart shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from crmkit.synthesis.history import History, HistoryStatus, Movement, SkippedRun
from crmkit.synthesis.tracking import ControlLimits, TrackingFrequency
from crmkit.words.formats import (
    MISSING,
    TableView,
    display_unit,
    format_change_pct,
    format_kpi_change,
    format_kpi_value,
    format_percent,
)
from crmkit.words.phrases import Findings, what_it_means

__all__ = [
    "FIRST_ASSESSMENT",
    "change_chart_title",
    "change_series",
    "chart_unit",
    "control_chart_title",
    "better_labels",
    "history_chart_title",
    "history_findings",
    "history_intro",
    "history_meaning",
    "kpi_history_view",
    "scorecard_history_view",
    "SKIPPED_INTRO",
    "skipped_view",
    "targets_meaning",
    "targets_view",
    "tracking_meaning",
    "tracking_view",
]

#: What the page says when no earlier run was found.
FIRST_ASSESSMENT = "First assessment: the history starts here."


def _runs_text(n: int) -> str:
    return "one earlier assessment" if n == 1 else f"{n} earlier assessments"


def history_intro(history: History) -> str:
    """The opening sentence: the first assessment, or how many earlier runs are compared.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.synthesis.history import build_history
    >>> h = build_history([], pd.DataFrame(), overall=None, as_of=dt.date(2026, 1, 1))
    >>> history_intro(h)
    'First assessment: the history starts here.'
    """
    if history.status == HistoryStatus.STARTED:
        return FIRST_ASSESSMENT
    dates = [str(g)[:10] for g in history.runs["generated_at"]]
    return (
        f"This assessment is compared with {_runs_text(len(dates))} of the same client "
        f"({', '.join(dates)}); the latest is the base of each change."
    )


#: The sentence above the table of files not used as earlier runs.
SKIPPED_INTRO = "These files beside the earlier runs were not used:"


def skipped_view(skipped: Sequence[SkippedRun]) -> TableView:
    """The files not used as earlier runs, each with its reason, as a table.

    A table, not a sentence: file names and other clients' names are shown as written.

    Examples
    --------
    >>> from crmkit.synthesis.history import SkipReason
    >>> view = skipped_view([SkippedRun("r/results.json", SkipReason.OTHER_CLIENT, "Other plc")])
    >>> view.frame.to_dict("records")
    [{'file': 'r/results.json', 'reason': 'another client', 'detail': 'Other plc'}]
    """
    frame = pd.DataFrame(
        [
            {"file": item.source, "reason": str(item.reason), "detail": item.detail or ""}
            for item in skipped
        ],
        columns=["file", "reason", "detail"],
    )
    return TableView(frame, {}, {})


def _value(value: Any, unit: Any, currency: str) -> str:
    return format_kpi_value(value, str(unit or ""), currency, with_unit=False)


def kpi_history_view(history: History, *, currency: str = "") -> TableView:
    """Each KPI at every assessment, and its change since the latest earlier one.

    Columns: KPI, unit, one column per run (its id; this run last), change since the last
    run in the KPI's unit (shares in percentage points), change in percent, and whether that
    is better or worse. Only KPIs with a value in some run are listed.
    """
    run_ids = list(dict.fromkeys(history.values["run_id"]))
    wide = history.values.pivot(index="kpi", columns="run_id", values="value")
    rows = []
    for name, row in history.kpis.iterrows():
        values = wide.loc[name, run_ids] if name in wide.index else pd.Series(dtype=float)
        if values.isna().all():
            continue
        unit = row["unit"]
        entry = {"KPI": row["label"], "Unit": display_unit(str(unit or ""), currency)}
        for rid in run_ids:
            entry[str(rid)] = _value(values.get(rid), unit, currency)
        entry["Change since last"] = format_kpi_change(
            row["delta"], str(unit or ""), currency, with_unit=False
        )
        entry["Change since last (%)"] = format_change_pct(row["delta_pct"])
        entry["Direction"] = str(row["movement"])
        rows.append(entry)
    frame = pd.DataFrame(rows)
    return TableView(frame, {}, {})


def scorecard_history_view(history: History) -> TableView:
    """The scorecard's overall score at each assessment (in %)."""
    frame = pd.DataFrame(
        {
            "run": history.scorecard["run_id"].astype(str),
            "overall_score": [format_percent(v) for v in history.scorecard["overall"]],
        }
    )
    return TableView(frame, {"overall_score": "% of target"}, {})


def _reached(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "not measured"


def _review(passed: Any) -> str:
    if passed is True:
        return "passed"
    if passed is False:
        return "not yet"
    return MISSING


def targets_view(history: History, *, currency: str = "") -> TableView:
    """The targets the latest earlier run set, and whether this run's values reach them."""
    unit_of = dict(history.kpis["unit"]) if "unit" in history.kpis else {}
    rows = []
    for row in history.targets.to_dict("records"):
        unit = str(unit_of.get(row["kpi"]) or "")
        rows.append(
            {
                "KPI": row["label"],
                "Unit": display_unit(unit, currency),
                "Set in": row["source"] and f"{row['set_in']} ({row['source']})",
                "Action": row["action"] if row["action"] is not None else "",
                "Target": _value(row["target"], unit, currency),
                "Actual now": _value(row["actual"], unit, currency),
                "Reached": _reached(row["reached"]),
                "Review date": row["review_date"] or MISSING,
                "Review": _review(row["review_passed"]),
            }
        )
    return TableView(pd.DataFrame(rows), {}, {})


def tracking_view(plan: pd.DataFrame, *, currency: str = "") -> TableView:
    """The tracking plan: KPI, table, how often, this run's value and the control limits."""
    rows = []
    for _, row in plan.iterrows():
        unit = str(row["unit"] or "")
        monthly = row["frequency"] == TrackingFrequency.MONTHLY
        rows.append(
            {
                "KPI": row["label"],
                "Unit": display_unit(unit, currency),
                "From table": row["table"] or MISSING,
                "How often": str(row["frequency"]),
                "Now": _value(row["baseline"], unit, currency),
                "Lower limit": _value(row["lower"], unit, currency) if monthly else "",
                "Centre": _value(row["centre"], unit, currency) if monthly else "",
                "Upper limit": _value(row["upper"], unit, currency) if monthly else "",
                "Months (count)": int(row["n_months"]) if monthly else "",
                "Months outside (count)": int(row["n_outside"]) if monthly else "",
            }
        )
    return TableView(pd.DataFrame(rows), {}, {})


def chart_unit(label: str, unit: str | None, currency: str = "") -> str:
    """A chart's axis label: the KPI's label and its unit.

    Examples
    --------
    >>> chart_unit("Revenue", "currency per month", "CNY"), chart_unit("Active users", "share")
    ('Revenue (CNY per month)', 'Active users (%)')
    """
    shown = display_unit(str(unit or ""), currency)
    return f"{label} ({shown})" if shown else str(label)


def control_chart_title(label: str, limits: ControlLimits) -> str:
    """The control chart's title: how many months fell outside the limits.

    Examples
    --------
    >>> from crmkit.synthesis.tracking import control_limits
    >>> limits = control_limits(pd.Series([10.0, 12.0, 11.0, 13.0, 12.0, 10.0, 11.0, 30.0]))
    >>> control_chart_title("Revenue", limits)
    'Revenue: 1 of 8 months outside its control limits — worth a look'
    """
    n, outside = limits.n_months, limits.n_outside
    if outside == 0:
        return f"{label} stayed within its control limits in all {n} months"
    return f"{label}: {outside} of {n} months outside its control limits — worth a look"


def change_series(history: History) -> pd.Series:
    """Each KPI's change since the last assessment in percent, for a bar chart.

    Index: the KPI's label; values: the change in percent (``delta_pct`` × 100), largest
    first; KPIs without a percentage (not measured in one of the runs, a base near zero, a
    scale without a true zero) are left out.
    """
    kpis = history.kpis.dropna(subset=["delta_pct"])
    series = pd.Series(
        (kpis["delta_pct"] * 100).to_numpy(), index=kpis["label"].astype(str).to_numpy()
    )
    return series.sort_values(ascending=False)


def better_labels(history: History) -> list[str]:
    """The labels of the KPIs that moved in their good direction since the last assessment."""
    kpis = history.kpis
    return kpis.loc[kpis["movement"] == Movement.BETTER, "label"].astype(str).tolist()


def change_chart_title(history: History) -> str:
    """The title of the chart of each KPI's change since the last assessment.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.synthesis.history import build_history
    >>> kr = pd.DataFrame({"label": ["Win rate"], "unit": ["share"], "direction": ["higher"],
    ...                    "after": [0.30]}, index=pd.Index(["win_rate"]))
    >>> one = {"run_id": "r1", "generated_at": "2025-01-01", "kpis": {"win_rate": {"after": 0.25}}}
    >>> change_chart_title(build_history([one], kr, overall=None, as_of=dt.date(2026, 1, 1)))
    '1 KPI(s) moved in their good direction and 0 in their bad one since the last assessment'
    """
    counts = _movement_counts(history)
    return (
        f"{counts[Movement.BETTER]} KPI(s) moved in their good direction and "
        f"{counts[Movement.WORSE]} in their bad one since the last assessment"
    )


def history_chart_title(history: History) -> str:
    """The title of the chart of the overall score across assessments."""
    previous, current = history.overall_previous, history.overall_current
    if previous is None or current is None:
        return "The scorecard's overall score across assessments"
    if current == previous:
        return f"The scorecard's overall score held at {format_percent(current)}"
    verb = "rose" if current > previous else "fell"
    return (
        f"The scorecard's overall score {verb} from {format_percent(previous)} "
        f"to {format_percent(current)} since the last assessment"
    )


def _movement_counts(history: History) -> dict[Movement, int]:
    counts = history.kpis["movement"].value_counts() if len(history.kpis) else {}
    return {m: int(counts.get(m, 0)) for m in Movement}


def history_meaning(history: History) -> str:
    """The "What it means" paragraph of the history across runs."""
    if history.status == HistoryStatus.STARTED:
        return what_it_means(
            "there is nothing to compare yet. This run's values are the base the next "
            "assessment is compared with: run crmkit again on the same client folder, or "
            "point it at this report folder with --history."
        )
    counts = _movement_counts(history)
    return what_it_means(
        f"since the last assessment {counts[Movement.BETTER]} KPI(s) moved in their good "
        f"direction and {counts[Movement.WORSE]} in their bad one; "
        f"{counts[Movement.LEVEL]} stayed level and {counts[Movement.NOT_MEASURED]} could not "
        "be compared. A change between two assessments is not tested here: the stages above "
        "say whether each value differs from before go-live."
    )


def targets_meaning(history: History) -> str:
    """The "What it means" paragraph of the targets set in the earlier plan."""
    targets = history.targets
    if history.status == HistoryStatus.STARTED or targets.empty:
        return what_it_means(
            "no earlier run set targets to check; the targets and plan of this assessment "
            "are checked at the next one."
        )
    reached = int((targets["reached"] == True).sum())  # noqa: E712 (object column)
    missed = int((targets["reached"] == False).sum())  # noqa: E712
    open_reviews = int((targets["review_passed"] == False).sum())  # noqa: E712
    text = (
        f"{reached} of {len(targets)} target(s) set at the last assessment are reached now, "
        f"{missed} are not, and {len(targets) - reached - missed} cannot be checked (not "
        "measured now)."
    )
    if open_reviews:
        text += f" {open_reviews} review date(s) have not come yet: those targets may still be met."
    return what_it_means(text)


def tracking_meaning(plan: pd.DataFrame) -> str:
    """The "What it means" paragraph of the tracking plan."""
    monthly = plan.loc[plan["n_months"] > 0]
    if monthly.empty:
        return what_it_means(
            "no KPI has enough monthly values for control limits yet; each is checked at "
            "the next assessment."
        )
    return what_it_means(
        f"{len(monthly)} KPI(s) can be watched every month: a month outside the limits is "
        "more than the usual month-to-month variation and worth a look; a month inside them "
        "is no news, up or down. The other KPIs are checked at the next assessment."
    )


def history_findings(history: History, plan: pd.DataFrame) -> Findings:
    """The stage's findings: what changed since the last run, targets, what to watch."""
    parts: list[str] = []
    limitations: list[str] = []
    if history.status == HistoryStatus.STARTED:
        parts.append("This is the client's first assessment with crmkit: the history starts here.")
    else:
        if history.overall_previous is not None and history.overall_current is not None:
            parts.append(history_chart_title(history) + ".")
        counts = _movement_counts(history)
        parts.append(
            f"{counts[Movement.BETTER]} KPI(s) improved and {counts[Movement.WORSE]} "
            "worsened since the last assessment."
        )
        if not history.targets.empty:
            reached = int((history.targets["reached"] == True).sum())  # noqa: E712
            parts.append(f"{reached} of {len(history.targets)} earlier target(s) are reached.")
        limitations.append(
            "Changes between assessments are differences of two estimates, not tested "
            "changes; assessments with different windows or parameters compare less well."
        )
    watched = plan.loc[plan["n_months"] > 0]
    signals = watched.loc[watched["n_outside"] > 0]
    if not watched.empty:
        parts.append(
            f"{len(watched)} KPI(s) get monthly control limits for the next period"
            + (
                f"; {', '.join(str(v) for v in signals['label'])} already had months outside them."
                if not signals.empty
                else "."
            )
        )
    if history.skipped:
        limitations.append(
            f"{len(history.skipped)} file(s) found beside the earlier runs were not used "
            "(see the list above)."
        )
    return Findings(" ".join(parts), limitations)
