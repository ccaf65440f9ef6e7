"""Placebo go-lives in words: how the check works, why a verdict was withheld, what it needs.

Reads result rows of :func:`crmkit.measure.measure_kpis` (their ``placebo_*`` columns, see
:mod:`crmkit.measure.placebo_kpis`) or the ``kpis.<name>`` entries of results.json (their
``placebo`` block); decides by the typed status, never by text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from crmkit.data.guards import Guard
from crmkit.data.verdicts import CLAIMED
from crmkit.words.formats import as_number, format_change_pct, format_p_value, is_missing
from crmkit.words.language import term, tr

__all__ = [
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
    lines = []
    for _, row in results.iterrows():
        if is_missing(row.get("placebo_status")):
            continue
        if row.get("verdict") not in CLAIMED and row.get("guard") != Guard.INSIDE_PLACEBOS:
            continue
        sentence = placebo_sentence(row)
        if sentence is not None:
            lines.append(tr("- {sentence}", sentence=sentence))
    return "\n".join(lines)
