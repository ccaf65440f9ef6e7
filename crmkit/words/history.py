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

from crmkit.synthesis.history import History, HistoryStatus, Movement, SkippedRun, SkipReason
from crmkit.synthesis.tracking import ControlLimits, TrackingFrequency
from crmkit.words.formats import (
    TableView,
    display_unit,
    format_change_pct,
    format_kpi_change,
    format_kpi_value,
    format_percent,
    missing_text,
)
from crmkit.words.language import term, tr
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
    "skipped_intro",
    "skipped_view",
    "targets_meaning",
    "targets_view",
    "tracking_meaning",
    "tracking_view",
]

#: What the page says when no earlier run was found (in English; :func:`history_intro`
#: says it in the report's language).
FIRST_ASSESSMENT = "First assessment: the history starts here."


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
        return tr("First assessment: the history starts here.")
    dates = [str(g)[:10] for g in history.runs["generated_at"]]
    if len(dates) == 1:
        return tr(
            "This assessment is compared with one earlier assessment of the same client "
            "({dates}); the latest is the base of each change.",
            dates=dates[0],
        )
    return tr(
        "This assessment is compared with {n} earlier assessments of the same client "
        "({dates}); the latest is the base of each change.",
        n=len(dates),
        dates=", ".join(dates),
    )


#: The sentence above the table of files not used as earlier runs (in English;
#: :func:`skipped_intro` in the report's language).
SKIPPED_INTRO = "These files beside the earlier runs were not used:"


def skipped_intro() -> str:
    """The sentence above the table of files not used as earlier runs."""
    return tr("These files beside the earlier runs were not used:")


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
            {"file": item.source, "reason": _skip_reason(item.reason), "detail": item.detail or ""}
            for item in skipped
        ],
        columns=["file", "reason", "detail"],
    )
    return TableView(frame, {}, {})


def _skip_reason(reason: Any) -> str:
    """Why a file was not used as an earlier run (:class:`SkipReason`), in the report's
    language."""
    words = {
        SkipReason.PARTIAL: tr("partial run"),
        SkipReason.UNREADABLE: tr("unreadable"),
        SkipReason.NOT_RESULTS: tr("not a results file"),
        SkipReason.OTHER_CLIENT: tr("another client"),
        SkipReason.DUPLICATE: tr("duplicate"),
    }
    return words.get(reason, str(reason))


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
        entry = {
            tr("KPI"): term(str(row["label"])),
            tr("Unit"): display_unit(str(unit or ""), currency),
        }
        for rid in run_ids:
            entry[str(rid)] = _value(values.get(rid), unit, currency)
        entry[tr("Change since last")] = format_kpi_change(
            row["delta"], str(unit or ""), currency, with_unit=False
        )
        entry[tr("Change since last (%)")] = format_change_pct(row["delta_pct"])
        entry[tr("Direction")] = _movement_word(row["movement"])
        rows.append(entry)
    frame = pd.DataFrame(rows)
    return TableView(frame, {}, {})


def scorecard_history_view(history: History) -> TableView:
    """The scorecard's overall score at each assessment (in %)."""
    frame = pd.DataFrame(
        {
            tr("Run"): history.scorecard["run_id"].astype(str),
            tr("Overall score"): [format_percent(v) for v in history.scorecard["overall"]],
        }
    )
    return TableView(frame, {tr("Overall score"): tr("% of target")}, {})


def _reached(value: Any) -> str:
    if value is True:
        return tr("yes")
    if value is False:
        return tr("no")
    return tr("not measured")


def _review(passed: Any) -> str:
    if passed is True:
        return tr("passed")
    if passed is False:
        return tr("not yet")
    return missing_text()


def _frequency_word(frequency: Any) -> str:
    """How often a KPI is watched (:class:`TrackingFrequency`) in the report's language."""
    if frequency == TrackingFrequency.MONTHLY:
        return tr("monthly")
    if frequency == TrackingFrequency.PER_ASSESSMENT:
        return tr("per assessment")
    return str(frequency)


def _movement_word(movement: Any) -> str:
    """A KPI's movement since the last run (:class:`Movement`) in the report's language."""
    words = {
        Movement.BETTER: tr("better"),
        Movement.WORSE: tr("worse"),
        Movement.LEVEL: tr("level"),
        Movement.NOT_MEASURED: tr("not measured"),
    }
    return words.get(movement, str(movement))


def targets_view(history: History, *, currency: str = "") -> TableView:
    """The targets the latest earlier run set, and whether this run's values reach them."""
    unit_of = dict(history.kpis["unit"]) if "unit" in history.kpis else {}
    rows = []
    for row in history.targets.to_dict("records"):
        unit = str(unit_of.get(row["kpi"]) or "")
        rows.append(
            {
                tr("KPI"): term(str(row["label"])),
                tr("Unit"): display_unit(unit, currency),
                tr("Set in"): row["source"] and f"{row['set_in']} ({row['source']})",
                tr("Action"): row["action"] if row["action"] is not None else "",
                tr("Target"): _value(row["target"], unit, currency),
                tr("Actual now"): _value(row["actual"], unit, currency),
                tr("Reached"): _reached(row["reached"]),
                tr("Review date"): row["review_date"] or missing_text(),
                tr("Review"): _review(row["review_passed"]),
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
                tr("KPI"): term(str(row["label"])),
                tr("Unit"): display_unit(unit, currency),
                tr("From table"): row["table"] or missing_text(),
                tr("How often"): _frequency_word(row["frequency"]),
                tr("Now"): _value(row["baseline"], unit, currency),
                tr("Lower limit"): _value(row["lower"], unit, currency) if monthly else "",
                tr("Centre"): _value(row["centre"], unit, currency) if monthly else "",
                tr("Upper limit"): _value(row["upper"], unit, currency) if monthly else "",
                tr("Months (count)"): int(row["n_months"]) if monthly else "",
                tr("Months outside (count)"): int(row["n_outside"]) if monthly else "",
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
    return tr("{label} ({unit})", label=term(str(label)), unit=shown) if shown else term(str(label))


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
        return tr(
            "{label} stayed within its control limits in all {n} months", label=term(label), n=n
        )
    return tr(
        "{label}: {outside} of {n} months outside its control limits — worth a look",
        label=term(label),
        outside=outside,
        n=n,
    )


def change_series(history: History) -> pd.Series:
    """Each KPI's change since the last assessment in percent, for a bar chart.

    Index: the KPI's label; values: the change in percent (``delta_pct`` × 100), largest
    first; KPIs without a percentage (not measured in one of the runs, a base near zero, a
    scale without a true zero) are left out.
    """
    kpis = history.kpis.dropna(subset=["delta_pct"])
    series = pd.Series(
        (kpis["delta_pct"] * 100).to_numpy(),
        index=[term(label) for label in kpis["label"].astype(str)],
    )
    return series.sort_values(ascending=False)


def better_labels(history: History) -> list[str]:
    """The labels of the KPIs that moved in their good direction since the last assessment."""
    kpis = history.kpis
    return [term(v) for v in kpis.loc[kpis["movement"] == Movement.BETTER, "label"].astype(str)]


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
    return tr(
        "{better} KPI(s) moved in their good direction and {worse} in their bad one since the "
        "last assessment",
        better=counts[Movement.BETTER],
        worse=counts[Movement.WORSE],
    )


def history_chart_title(history: History) -> str:
    """The title of the chart of the overall score across assessments."""
    previous, current = history.overall_previous, history.overall_current
    if previous is None or current is None:
        return tr("The scorecard's overall score across assessments")
    if current == previous:
        return tr("The scorecard's overall score held at {score}", score=format_percent(current))
    if current > previous:
        return tr(
            "The scorecard's overall score rose from {previous} to {current} since the last "
            "assessment",
            previous=format_percent(previous),
            current=format_percent(current),
        )
    return tr(
        "The scorecard's overall score fell from {previous} to {current} since the last assessment",
        previous=format_percent(previous),
        current=format_percent(current),
    )


def _movement_counts(history: History) -> dict[Movement, int]:
    counts = history.kpis["movement"].value_counts() if len(history.kpis) else {}
    return {m: int(counts.get(m, 0)) for m in Movement}


def history_meaning(history: History) -> str:
    """The "What it means" paragraph of the history across runs."""
    if history.status == HistoryStatus.STARTED:
        return what_it_means(
            tr(
                "there is nothing to compare yet. This run's values are the base the next "
                "assessment is compared with: run crmkit again on the same client folder, or "
                "point it at this report folder with --history."
            )
        )
    counts = _movement_counts(history)
    return what_it_means(
        tr(
            "since the last assessment {better} KPI(s) moved in their good direction and "
            "{worse} in their bad one; {level} stayed level and {unmeasured} could not be "
            "compared. A change between two assessments is not tested here: the stages above "
            "say whether each value differs from before go-live.",
            better=counts[Movement.BETTER],
            worse=counts[Movement.WORSE],
            level=counts[Movement.LEVEL],
            unmeasured=counts[Movement.NOT_MEASURED],
        )
    )


def targets_meaning(history: History) -> str:
    """The "What it means" paragraph of the targets set in the earlier plan."""
    targets = history.targets
    if history.status == HistoryStatus.STARTED or targets.empty:
        return what_it_means(
            tr(
                "no earlier run set targets to check; the targets and plan of this assessment "
                "are checked at the next one."
            )
        )
    reached = int((targets["reached"] == True).sum())  # noqa: E712 (object column)
    missed = int((targets["reached"] == False).sum())  # noqa: E712
    open_reviews = int((targets["review_passed"] == False).sum())  # noqa: E712
    text = tr(
        "{reached} of {total} target(s) set at the last assessment are reached now, "
        "{missed} are not, and {unchecked} cannot be checked (not measured now).",
        reached=reached,
        total=len(targets),
        missed=missed,
        unchecked=len(targets) - reached - missed,
    )
    if open_reviews:
        text += tr(
            " {open} review date(s) have not come yet: those targets may still be met.",
            open=open_reviews,
        )
    return what_it_means(text)


def tracking_meaning(plan: pd.DataFrame) -> str:
    """The "What it means" paragraph of the tracking plan."""
    monthly = plan.loc[plan["n_months"] > 0]
    if monthly.empty:
        return what_it_means(
            tr(
                "no KPI has enough monthly values for control limits yet; each is checked at "
                "the next assessment."
            )
        )
    return what_it_means(
        tr(
            "{n} KPI(s) can be watched every month: a month outside the limits is more than "
            "the usual month-to-month variation and worth a look; a month inside them is no "
            "news, up or down. The other KPIs are checked at the next assessment.",
            n=len(monthly),
        )
    )


def history_findings(history: History, plan: pd.DataFrame) -> Findings:
    """The stage's findings: what changed since the last run, targets, what to watch."""
    parts: list[str] = []
    limitations: list[str] = []
    if history.status == HistoryStatus.STARTED:
        parts.append(
            tr("This is the client's first assessment with crmkit: the history starts here.")
        )
    else:
        if history.overall_previous is not None and history.overall_current is not None:
            parts.append(tr("{title}.", title=history_chart_title(history)))
        counts = _movement_counts(history)
        parts.append(
            tr(
                "{better} KPI(s) improved and {worse} worsened since the last assessment.",
                better=counts[Movement.BETTER],
                worse=counts[Movement.WORSE],
            )
        )
        if not history.targets.empty:
            reached = int((history.targets["reached"] == True).sum())  # noqa: E712
            parts.append(
                tr(
                    "{reached} of {total} earlier target(s) are reached.",
                    reached=reached,
                    total=len(history.targets),
                )
            )
        limitations.append(
            tr(
                "Changes between assessments are differences of two estimates, not tested "
                "changes; assessments with different windows or parameters compare less well."
            )
        )
    watched = plan.loc[plan["n_months"] > 0]
    signals = watched.loc[watched["n_outside"] > 0]
    if not watched.empty:
        if signals.empty:
            parts.append(
                tr(
                    "{n} KPI(s) get monthly control limits for the next period.",
                    n=len(watched),
                )
            )
        else:
            parts.append(
                tr(
                    "{n} KPI(s) get monthly control limits for the next period; {labels} "
                    "already had months outside them.",
                    n=len(watched),
                    labels=tr(", ").join(term(str(v)) for v in signals["label"]),
                )
            )
    if history.skipped:
        limitations.append(
            tr(
                "{n} file(s) found beside the earlier runs were not used (see the list above).",
                n=len(history.skipped),
            )
        )
    return Findings(tr(" ").join(parts), limitations)
