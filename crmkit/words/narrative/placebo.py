"""Placebo go-lives in words: how the check works, why a verdict was withheld, what it needs.

Reads result rows of :func:`crmkit.measure.measure_kpis` (their ``placebo_*`` columns, see
:mod:`crmkit.measure.placebo_kpis`) or the ``kpis.<name>`` entries of results.json (their
``placebo`` block), and the placebo checks of the impact designs (the time series'
:class:`crmkit.measure.SeriesAnalysis` and the control group's
:class:`crmkit.measure.ControlAnalysis`, their ``placebo``); decides by the typed status,
never by text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from crmkit.data.guards import Guard
from crmkit.data.verdicts import CLAIMED
from crmkit.words.formats import as_number, format_change_pct, format_p_value, is_missing
from crmkit.words.language import term, tr
from crmkit.words.narrative.designs import (
    guarded_control_finding,
    guarded_control_title,
    guarded_series_finding,
    guarded_series_title,
)
from crmkit.words.narrative.naming import listed, named

__all__ = [
    "checked_control_finding",
    "checked_control_title",
    "checked_series_finding",
    "checked_series_title",
    "impact_placebo_sentence",
    "impact_placebo_title",
    "inside_placebos_reason",
    "placebo_chart_title",
    "placebo_explainer",
    "placebo_findings",
    "placebo_sentence",
]

_OK, _TOO_SHORT = "ok", "history_too_short"


def inside_placebos_reason() -> str:
    """The plain-words reason of the guard ``inside_placebos``.

    >>> inside_placebos_reason()
    'fake go-live dates before the real one show changes as large with the same windows, so any date would show as much'
    """
    return tr(
        "fake go-live dates before the real one show changes as large with the same windows, "
        "so any date would show as much"
    )


def placebo_explainer() -> str:
    """How the placebo check works, for a manager (one paragraph)."""
    return tr(
        "**How the check works.** A change after go-live is only the CRM's if go-live dates "
        "without a go-live do not show changes like it. So each improved or worsened KPI is "
        "measured again as if the CRM had gone live in earlier months, with the same "
        "before and after windows, every fake window ending before the real go-live. A "
        "change is claimed only if it is larger than nearly all of these placebo changes; "
        "where it is not, the verdict becomes no detectable change. This catches changes "
        "that any date would show, such as a customer base that only grows older. At least "
        "{needed} fake dates are needed, so the check needs a long history before the "
        "before window.",
        needed=19,
    )


def _field(row: Mapping[str, Any], key: str) -> Any:
    """A placebo field of a result row (``placebo_<key>``) or of a results.json entry."""
    block = row.get("placebo")
    if isinstance(block, Mapping):
        return block.get({"outside": "outside", "n": "n", "p_value": "p_value"}.get(key, key))
    return row.get(f"placebo_{key}")


def placebo_sentence(row: Mapping[str, Any]) -> str | None:
    """What the placebo check found for one KPI, or None where there is nothing to say.

    Parameters
    ----------
    row : mapping
        A result row (``label``, ``change_pct``, ``placebo_status``, ``placebo_n``,
        ``placebo_p_value``, ``placebo_outside``, ``placebo_history_months``,
        ``placebo_needed_months``).

    Examples
    --------
    >>> row = {"label": "Annual churn rate", "change_pct": -0.21, "placebo_status": "ok",
    ...        "placebo_n": 37, "placebo_p_value": 0.42, "placebo_outside": False}
    >>> print(placebo_sentence(row))
    Annual churn rate: its change of −21.0 % lies inside the changes of 37 fake go-live dates before the real one (p = 0.420), so it is not claimed.
    >>> print(placebo_sentence({"label": "Win rate", "placebo_status": "history_too_short",
    ...                         "placebo_history_months": 24, "placebo_needed_months": 42}))
    Win rate: too little history to check its change against fake go-live dates (the check needs 42 months of data before go-live; there are 24), so its verdict stands unchecked.
    """
    status = _field(row, "status")
    label = term(str(row.get("label")))
    if status == _TOO_SHORT:
        needed, there = row.get("placebo_needed_months"), row.get("placebo_history_months")
        if as_number(needed) is None or as_number(there) is None:
            return tr(
                "{label}: too little history to check its change against fake go-live dates, "
                "so its verdict stands unchecked.",
                label=label,
            )
        return tr(
            "{label}: too little history to check its change against fake go-live dates (the "
            "check needs {needed} months of data before go-live; there are {there}), so its "
            "verdict stands unchecked.",
            label=label,
            needed=int(as_number(needed)),
            there=int(as_number(there)),
        )
    if status != _OK:
        return None
    change = format_change_pct(row.get("change_pct"))
    n, p = int(as_number(_field(row, "n")) or 0), format_p_value(_field(row, "p_value"))
    if _field(row, "outside"):
        return tr(
            "{label}: its change of {change} lies outside the changes of {n} fake go-live "
            "dates before the real one (p = {p}).",
            label=label,
            change=change,
            n=n,
            p=p,
        )
    return tr(
        "{label}: its change of {change} lies inside the changes of {n} fake go-live dates "
        "before the real one (p = {p}), so it is not claimed.",
        label=label,
        change=change,
        n=n,
        p=p,
    )


def placebo_chart_title(real: pd.DataFrame) -> str:
    """The placebo chart's title: how many checked changes lie outside their placebos.

    ``real`` is the second frame of :func:`crmkit.measure.checked_placebos`.

    >>> placebo_chart_title(pd.DataFrame({"outside": [True, False, False]}))
    '1 of 3 checked changes lies outside what fake go-live dates show; 2 are not claimed'
    >>> placebo_chart_title(pd.DataFrame({"outside": [False]}))
    'The checked change lies inside what fake go-live dates show: it is not claimed'
    """
    total = len(real)
    outside = int(real["outside"].astype(bool).sum()) if total else 0
    if total == 0:
        return tr("No change could be checked against fake go-live dates")
    if total == 1:
        if outside:
            return tr("The checked change lies outside what fake go-live dates show")
        return tr("The checked change lies inside what fake go-live dates show: it is not claimed")
    if outside == total:
        return tr(
            "All {total} checked changes lie outside what fake go-live dates show", total=total
        )
    if outside == 0:
        return tr(
            "None of {total} checked changes lies outside what fake go-live dates show: none "
            "is claimed",
            total=total,
        )
    if outside == 1:
        return tr(
            "1 of {total} checked changes lies outside what fake go-live dates show; "
            "{inside} are not claimed",
            total=total,
            inside=total - outside,
        )
    return tr(
        "{outside} of {total} checked changes lie outside what fake go-live dates show; "
        "{inside} not claimed",
        outside=outside,
        total=total,
        inside=total - outside,
    )


def placebo_findings(results: pd.DataFrame) -> str:
    """Markdown: one line per improved or worsened KPI the check withheld, calibrated, or could
    not check (too little history). Empty when there is none.
    """
    if "placebo_status" not in results:
        return ""
    lines: list[str] = []
    too_short: dict[tuple[Any, Any], list[Mapping[str, Any]]] = {}
    for _, row in results.iterrows():
        if is_missing(row.get("placebo_status")):
            continue
        if row.get("verdict") not in CLAIMED and row.get("guard") != Guard.INSIDE_PLACEBOS:
            continue
        if _field(row, "status") == _TOO_SHORT:
            needed, there = row.get("placebo_needed_months"), row.get("placebo_history_months")
            if as_number(needed) is not None and as_number(there) is not None:
                key = (int(as_number(needed)), int(as_number(there)))
                if key not in too_short:
                    lines.append("")  # the group's line, filled in below, where it first shows
                too_short.setdefault(key, []).append(row)
                continue
        sentence = placebo_sentence(row)
        if sentence is not None:
            lines.append(tr("- {sentence}", sentence=sentence))
    groups = iter(too_short.items())
    return "\n".join(line or _too_short_line(*next(groups)) for line in lines)


def _too_short_line(months: tuple[int, int], rows: list[Mapping[str, Any]]) -> str:
    """One line for the KPIs whose history was too short for the same check (one KPI: its
    sentence of :func:`placebo_sentence`)."""
    if len(rows) == 1:
        return tr("- {sentence}", sentence=placebo_sentence(rows[0]))
    needed, there = months
    return tr(
        "- {labels}: too little history to check their changes against fake go-live dates (the "
        "check needs {needed} months of data before go-live; there are {there}), so their "
        "verdicts stand unchecked.",
        labels=listed([term(str(row.get("label"))) for row in rows]),
        needed=needed,
        there=there,
    )


# --------------------------------------------------------------------------- impact designs


def _design_label(analysis: Any) -> str:
    """What the design measures: "Revenue against its expected path" (time series) or
    "Revenue against the control group" (difference-in-differences)."""
    kpi = named(analysis.kpi.label)
    if hasattr(analysis, "its"):
        return tr("{kpi} against its expected path", kpi=kpi)
    return tr("{kpi} against the control group", kpi=kpi)


def _design_effect(analysis: Any) -> Any:
    """The design's relative effect at the real go-live (the one its placebos are ranked by)."""
    if hasattr(analysis, "its"):
        return analysis.row["change_pct"].iloc[0]
    return analysis.relative_effect[0]


def impact_placebo_row(analysis: Any) -> dict[str, Any] | None:
    """A design's placebo check as a result row of :func:`placebo_sentence` (None: no check)."""
    check = getattr(analysis, "placebo", None)
    if check is None:
        return None
    result = check.result
    ran = str(check.status) == _OK and result is not None
    return {
        "label": _design_label(analysis),
        "change_pct": _design_effect(analysis),
        "placebo_status": str(check.status),
        "placebo_n": result.n if ran else 0,
        "placebo_p_value": result.p_value if ran else None,
        "placebo_outside": check.outside if ran else None,
        "placebo_history_months": check.history_months,
        "placebo_needed_months": check.needed_months,
    }


def impact_placebo_sentence(analysis: Any) -> str | None:
    """What the placebo go-lives found for a design: outside, inside (not claimed), or too
    little history for placebo dates; None where there was no check (no effect to rank).

    ``analysis`` is a :class:`crmkit.measure.SeriesAnalysis` or
    :class:`crmkit.measure.ControlAnalysis`; the sentences are :func:`placebo_sentence`'s.
    """
    row = impact_placebo_row(analysis)
    return None if row is None else placebo_sentence(row)


def impact_placebo_title(analysis: Any) -> str:
    """The title of a design's placebo chart: where its real effect lies among fake dates.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> import pandas as pd
    >>> check = SimpleNamespace(status="ok", outside=True, result=SimpleNamespace(n=37))
    >>> series = SimpleNamespace(kpi=SimpleNamespace(label="Revenue"), its=None,
    ...     row=pd.DataFrame({"change_pct": [0.31]}), placebo=check)
    >>> impact_placebo_title(series)
    'Revenue against its expected path: +31.0 % lies outside the changes of 37 fake go-live dates'
    """
    check = analysis.placebo
    label = _design_label(analysis)
    change = format_change_pct(_design_effect(analysis))
    status = None if check is None else str(check.status)
    if status == _TOO_SHORT:
        return tr("{label}: too little history for placebo dates", label=label)
    if status != _OK or check.result is None:
        return tr("{label}: not checked against fake go-live dates", label=label)
    n = int(check.result.n)
    if check.outside:
        return tr(
            "{label}: {change} lies outside the changes of {n} fake go-live dates",
            label=label,
            change=change,
            n=n,
        )
    return tr(
        "{label}: {n} fake go-live dates show changes as large as {change}, so it is not claimed",
        label=label,
        change=change,
        n=n,
    )


def _withheld_finding(analysis: Any) -> str:
    """The finding of a design whose claimed change lies inside its placebos (markdown)."""
    return tr(
        "{sentence}\n\n**What it means:** the change after go-live is no larger than the "
        "changes the same comparison finds at fake go-live dates before the real one, when "
        "nothing went live; so it is not credited to the CRM: {reason}.",
        sentence=impact_placebo_sentence(analysis),
        reason=inside_placebos_reason(),
    )


def _with_placebo(finding: str, analysis: Any) -> str:
    sentence = impact_placebo_sentence(analysis)
    if not sentence:
        return finding
    return tr("{finding}\n\n{sentence}", finding=finding, sentence=sentence)


def checked_series_title(analysis: Any, *, currency: str = "") -> str:
    """The time series chart's title, saying so when its claimed change lies inside the
    placebos (guard ``inside_placebos``); else
    :func:`crmkit.words.narrative.designs.guarded_series_title`."""
    if analysis.guard != Guard.INSIDE_PLACEBOS:
        return guarded_series_title(analysis, currency=currency)
    return tr(
        "{kpi} ran {change} against its expected path after go-live, but fake go-live dates "
        "show as much: not claimed",
        kpi=named(analysis.kpi.label),
        change=format_change_pct(analysis.row["change_pct"].iloc[0]),
    )


def checked_series_finding(analysis: Any, *, currency: str = "", confidence: float = 0.95) -> str:
    """What the time series shows (markdown), with what its placebo go-lives found; the
    claim withheld where its change lies inside them."""
    if analysis.guard == Guard.INSIDE_PLACEBOS:
        return _withheld_finding(analysis)
    finding = guarded_series_finding(analysis, currency=currency, confidence=confidence)
    return _with_placebo(finding, analysis)


def checked_control_title(analysis: Any) -> str:
    """The control comparison's chart title, saying so when its claimed effect lies inside
    the placebos; else :func:`crmkit.words.narrative.designs.guarded_control_title`."""
    if analysis.guard != Guard.INSIDE_PLACEBOS:
        return guarded_control_title(analysis)
    return tr(
        "{kpi} moved {change} against the control group after go-live, but fake go-live "
        "dates show as much: not claimed",
        kpi=named(analysis.kpi.label),
        change=format_change_pct(analysis.relative_effect[0]),
    )


def checked_control_finding(analysis: Any, *, confidence: float = 0.95) -> str:
    """What the difference-in-differences shows (markdown), with what its placebo go-lives
    found; the claim withheld where its effect lies inside them."""
    if analysis.guard == Guard.INSIDE_PLACEBOS:
        return _withheld_finding(analysis)
    return _with_placebo(guarded_control_finding(analysis, confidence=confidence), analysis)
