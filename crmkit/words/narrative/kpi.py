"""One KPI's before/after result in words: its change, its verdict and its guard.

A client's manager reads the report, so each KPI's result is also said in words: what the KPI
was before and after go-live, whether the change is larger than chance explains, how large it
is with its confidence interval and, for "no detectable change", the smallest change the data
could have detected. The sentences are generated from the result rows of
:func:`crmkit.measure.measure_kpis` and never contain a number that is not in the row. Why a
guard withholds a claim is said here too (:data:`GUARD_REASONS`), once for every report text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pandas as pd

from crmkit.data import verdicts
from crmkit.data.guards import Guard
from crmkit.data.verdicts import CLAIMED, Status, Verdict
from crmkit.kpis import read_needs
from crmkit.stats.impact.notes import (
    ColumnEmpty,
    ColumnsAbsent,
    TablesAbsent,
    english_note,
    read_notes,
)
from crmkit.words.formats import (
    as_number,
    format_change_pct,
    format_kpi_change,
    format_kpi_value,
    format_p_statement,
    is_missing,
)
from crmkit.words.language import term, tr
from crmkit.words.narrative.placebo import inside_placebos_reason
from crmkit.words.notes import data_needed, said_notes, shown_notes

__all__ = [
    "GUARD_REASONS",
    "VERDICTS",
    "change_title",
    "describe_change",
    "guard_reason",
    "kpi_verdict_text",
    "verdict_counts",
]


#: Every verdict, in the order reports list them (the one definition: crmkit.data.verdicts).
VERDICTS = verdicts.VERDICTS


def _moved(row: Mapping[str, Any]) -> str:
    """ "stayed at", "rose" or "fell": which sentence a change takes (never printed as such)."""
    change = row["change"]
    if is_missing(change) or change == 0:
        return "stayed at"
    return "rose" if change > 0 else "fell"


def describe_change(row: Mapping[str, Any], *, currency: str = "", confidence: float = 0.95) -> str:
    """One KPI's before/after result as one or two plain sentences.

    Parameters
    ----------
    row : mapping
        A result row with at least ``label``, ``unit``, ``before``, ``after``, ``change``,
        ``change_pct``, ``ci_low``, ``ci_high``, ``p_adjusted``, ``mde``, ``verdict`` and
        ``note`` (as :func:`crmkit.measure.measure_kpis` returns them).
    currency : str
        The client's currency code, for money KPIs.
    confidence : float
        The confidence level of the interval (1 − alpha).

    Returns
    -------
    str

    Examples
    --------
    >>> row = {"label": "Win rate", "unit": "share", "before": 0.20, "after": 0.26,
    ...        "change": 0.06, "change_pct": 0.30, "ci_low": 0.045, "ci_high": 0.075,
    ...        "p_adjusted": 0.0001, "mde": 0.012, "verdict": "improved", "note": None}
    >>> print(describe_change(row))
    Win rate rose from 20.0 % to 26.0 % (+6.0 percentage points, +30.0 %; 95 % confidence interval +4.5 to +7.5 percentage points). This is more than chance explains (p < 0.001 after correcting for the number of KPIs tested): an improvement.
    """
    label, unit = term(str(row["label"])), str(row["unit"])
    verdict = row["verdict"]
    if verdict == Verdict.NOT_MEASURED:
        return tr("{label} was not measured: it needs {needs}.", label=label, needs=_needs(row))
    if verdict == Verdict.INSUFFICIENT:
        return tr(
            "{label} could not be compared: {reason}.", label=label, reason=_insufficient(row)
        )
    before = format_kpi_value(row["before"], unit, currency)
    after = format_kpi_value(row["after"], unit, currency)
    details = format_kpi_change(row["change"], unit, currency)
    if not is_missing(row["change_pct"]):
        details = tr(
            "{change}, {relative}", change=details, relative=format_change_pct(row["change_pct"])
        )
    if not (is_missing(row["ci_low"]) or is_missing(row["ci_high"])):
        low = format_kpi_change(row["ci_low"], unit, currency)
        high = format_kpi_change(row["ci_high"], unit, currency)
        details = tr(
            "{details}; {confidence} % confidence interval {interval}",
            details=details,
            confidence=f"{confidence * 100:.0f}",
            interval=_shared_unit(low, high),
        )
    p_text = format_p_statement(row["p_adjusted"])
    moved = _moved(row)
    if moved == "stayed at" or before == after:
        opening = tr("{label} stayed at {after}", label=label, after=after)
    elif moved == "rose":
        opening = tr(
            "{label} rose from {before} to {after}", label=label, before=before, after=after
        )
    else:
        opening = tr(
            "{label} fell from {before} to {after}", label=label, before=before, after=after
        )
    if verdict == Verdict.IMPROVED:
        return tr(
            "{opening} ({details}). This is more than chance explains ({p} after correcting "
            "for the number of KPIs tested): an improvement.",
            opening=opening,
            details=details,
            p=p_text,
        )
    if verdict == Verdict.WORSENED:
        return tr(
            "{opening} ({details}). This is more than chance explains ({p} after correcting "
            "for the number of KPIs tested): a deterioration.",
            opening=opening,
            details=details,
            p=p_text,
        )
    sentence = tr(
        "{opening} ({details}), a difference that chance alone could produce ({p} after "
        "correction): no detectable change.",
        opening=opening,
        details=details,
        p=p_text,
    )
    if is_missing(row.get("mde")):
        return sentence
    mde = format_kpi_change(row["mde"], unit, currency).lstrip("+\u2212\u00b1")
    detectable = tr(
        "With this much data, a change of about {mde} or more would have been detected.",
        mde=mde,
    )
    return tr("{sentence} {detectable}", sentence=sentence, detectable=detectable)


def _shared_unit(low: str, high: str) -> str:
    """'+4.5 to +7.5 percentage points' rather than repeating the unit on both limits."""
    low_number, _, low_unit = low.partition(" ")
    high_number, _, high_unit = high.partition(" ")
    if low_unit and low_unit == high_unit and not low_number.lstrip("+\u2212\u00b1")[:1].isalpha():
        return tr("{low} to {high} {unit}", low=low_number, high=high_number, unit=low_unit)
    return tr("{low} to {high}", low=low, high=high)


def verdict_counts(results: pd.DataFrame) -> dict[str, int]:
    """How many KPIs got each verdict: improved, worsened, no change, insufficient, not measured.

    Examples
    --------
    >>> verdict_counts(pd.DataFrame({"verdict": ["improved", "improved", "worsened"]}))
    {'improved': 2, 'worsened': 1, 'no detectable change': 0, 'insufficient data': 0, 'not measured': 0}
    """
    counts = results["verdict"].value_counts()
    return {v.value: int(counts.get(v, 0)) for v in VERDICTS}


def change_title(row: Mapping[str, Any], *, currency: str = "") -> str:
    """A chart title that states one KPI's finding.

    Examples
    --------
    >>> change_title({"label": "Win rate", "unit": "share", "before": 0.2, "after": 0.26,
    ...               "change": 0.06, "verdict": "improved"})
    'Win rate rose from 20.0 % to 26.0 % after go-live, more than chance explains'
    >>> change_title({"label": "Units per order", "unit": "units per order", "before": 4.84,
    ...               "after": 4.85, "change": 0.01, "verdict": "no detectable change"})
    'Units per order: no detectable change after go-live (4.84 units per order → 4.85 units per order)'
    """
    label, unit, verdict = term(str(row["label"])), str(row["unit"]), row["verdict"]
    before = format_kpi_value(row["before"], unit, currency)
    after = format_kpi_value(row["after"], unit, currency)
    if verdict == Verdict.INSUFFICIENT:
        return tr("{label}: too little data to compare before and after go-live", label=label)
    if verdict in CLAIMED:
        if _moved(row) == "rose":
            return tr(
                "{label} rose from {before} to {after} after go-live, more than chance explains",
                label=label,
                before=before,
                after=after,
            )
        if _moved(row) == "fell":
            return tr(
                "{label} fell from {before} to {after} after go-live, more than chance explains",
                label=label,
                before=before,
                after=after,
            )
        return tr(
            "{label} stayed at {after} after go-live, more than chance explains",
            label=label,
            after=after,
        )
    return tr(
        "{label}: no detectable change after go-live ({before} \u2192 {after})",
        label=label,
        before=before,
        after=after,
    )


def _guard_text(guard: Guard) -> str:
    """Why ``guard`` withholds a percentage or a claim, in the active language."""
    match guard:
        case Guard.BASE_NEAR_ZERO:
            return tr(
                "its before value is zero or near zero, so a percentage change would mean nothing"
            )
        case Guard.NOT_A_RATIO_SCALE:
            return tr("its scale has no true zero, so its change is given in points")
        case Guard.COUNTERFACTUAL_IMPLAUSIBLE:
            return tr(
                "the path projected from before go-live is implausible: it crosses zero or runs "
                "far beyond the history it was fitted on"
            )
        case Guard.CONFOUNDED_AGEING:
            return tr(
                "the customer base ages and there is no control group to separate that from the CRM"
            )
        case Guard.NOT_COMPARABLE:
            return tr(
                "the before and after windows do not measure the same customers in the same way"
            )
        case Guard.SHARED_WITH_CONTROL:
            return tr(
                "net of the control group's change over the same windows, what is left is "
                "within what chance explains"
            )
        case Guard.NO_INTERVAL:
            return tr("too few units to compute an interval")
        case Guard.INSIDE_PLACEBOS:
            return inside_placebos_reason()
    raise ValueError(f"no words for guard {guard!r}")


class _GuardReasons(Mapping[Guard, str]):
    """Guard → its reason, read in the active language each time it is looked up."""

    def __getitem__(self, guard: Guard) -> str:
        return _guard_text(Guard(guard))

    def __iter__(self) -> Iterator[Guard]:
        return iter(Guard)

    def __len__(self) -> int:
        return len(Guard)


#: Why a guarded estimate is not claimed as it stands, in the words a report prints (in the
#: language active when a reason is looked up).
GUARD_REASONS: Mapping[Guard, str] = _GuardReasons()


def _insufficient(row: Mapping[str, Any]) -> str:
    """Why a KPI had too little data to compare.

    The statistics record their reason as typed facts (:mod:`crmkit.words.notes` says them);
    a row whose note is only text is shown as written in English, and in another language
    said with the row's counts.
    """
    shown = shown_notes(row)
    if shown is not None:
        return shown
    before, after = as_number(row.get("n_before")), as_number(row.get("n_after"))
    if before is None or after is None:
        return tr("too few observations in one of the windows")
    return tr(
        "too few observations in one of the windows ({before} before go-live, {after} after)",
        before=f"{before:,.0f}",
        after=f"{after:,.0f}",
    )


def guard_reason(code: Any) -> str | None:
    """The plain-words reason for a guard code of ``results.json``; None when there is none.

    Examples
    --------
    >>> guard_reason("confounded_ageing")
    'the customer base ages and there is no control group to separate that from the CRM'
    >>> guard_reason(None) is None, guard_reason("something new")
    (True, 'a check on the estimate failed (something new)')
    """
    if code is None or is_missing(code):
        return None
    if not isinstance(code, str):
        return tr("a check on the estimate failed")
    try:
        guard = Guard(code)
    except ValueError:
        return tr("a check on the estimate failed ({code})", code=code)
    return GUARD_REASONS[guard]


def _data_gap(entry: Mapping[str, Any]) -> TablesAbsent | ColumnsAbsent | ColumnEmpty | None:
    """The fact of the data a skipped KPI lacks: its row's ``note_facts``, else its ``needs``."""
    facts = read_notes(entry.get("note_facts"))
    if facts is None or len(facts) != 1 or english_note(facts) != entry.get("note"):
        return read_needs(entry.get("needs"))  # a results.json entry: its needs read back
    fact = facts[0]
    return fact if isinstance(fact, TablesAbsent | ColumnsAbsent | ColumnEmpty) else None


def _needs(entry: Mapping[str, Any]) -> str:
    needs = entry.get("needs")
    gap = _data_gap(entry)
    if gap is not None and (not isinstance(needs, str) or needs.strip() == gap.files()):
        return data_needed(gap)
    if isinstance(needs, str) and needs.strip():
        return needs.strip()
    note = entry.get("note")
    if isinstance(note, str) and note.startswith("needs "):
        return note.removeprefix("needs ").strip()
    return tr("the data it needs")


def _failure_note(row: Mapping[str, Any]) -> Any:
    """Why a KPI's computation failed: said from its facts, or the note as written."""
    said = said_notes(row)
    return said if said is not None else row.get("note")


def kpi_verdict_text(row: Mapping[str, Any]) -> str:
    """A KPI's verdict as the results table prints it, with its guard or what it needs.

    Parameters
    ----------
    row : mapping
        A result row of :func:`crmkit.measure.measure_kpis` (``status``, ``verdict``,
        ``guard``, ``needs``, ``note``).

    Examples
    --------
    >>> kpi_verdict_text({"status": "skipped", "verdict": "not measured",
    ...                   "needs": "tickets.csv", "note": "needs tickets", "guard": None})
    'not measured: needs tickets.csv'
    >>> kpi_verdict_text({"status": "measured", "verdict": "improved",
    ...                   "guard": "shared_with_control"})
    "improved (not claimed: net of the control group's change over the same windows, what is left is within what chance explains)"
    >>> kpi_verdict_text({"status": "measured", "verdict": "improved", "guard": "base_near_zero"})
    'improved (no percentage: its before value is zero or near zero, so a percentage change would mean nothing)'
    """
    status, verdict = row.get("status"), row.get("verdict")
    if status == Status.SKIPPED or verdict == Verdict.NOT_MEASURED:
        return tr("not measured: needs {needs}", needs=_needs(row))
    if status != Status.MEASURED:
        return tr("{status}: {note}", status=_status_word(status), note=_failure_note(row))
    guard = row.get("guard")
    reason = guard_reason(guard)
    shown = _verdict_word(verdict)
    if reason is None:
        return shown
    withheld = not isinstance(guard, str) or guard not in set(Guard) or Guard(guard).withholds_claim
    if not withheld:
        return tr("{verdict} (no percentage: {reason})", verdict=shown, reason=reason)
    if verdict in CLAIMED:
        return tr("{verdict} (not claimed: {reason})", verdict=shown, reason=reason)
    return tr("{verdict} (read with care: {reason})", verdict=shown, reason=reason)


def _verdict_word(verdict: Any) -> str:
    """A verdict as the report prints it (an unknown value as written)."""
    match verdict:
        case Verdict.IMPROVED:
            return tr("improved")
        case Verdict.WORSENED:
            return tr("worsened")
        case Verdict.NO_CHANGE:
            return tr("no detectable change")
        case Verdict.INSUFFICIENT:
            return tr("insufficient data")
        case Verdict.NOT_MEASURED:
            return tr("not measured")
    return str(verdict)


def _status_word(status: Any) -> str:
    """A measurement status as the report prints it (an unknown value as written)."""
    if status == Status.FAILED:
        return tr("failed")
    return str(status)
