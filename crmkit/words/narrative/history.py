"""The executive summary's sentence on the change since the last assessment (``history``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from crmkit.words.formats import as_number, format_percent, format_signed
from crmkit.words.language import tr
from crmkit.words.narrative.synthesis import _share

__all__ = ["summary_history"]


def _run_date(history: Mapping[str, Any]) -> str:
    """The date of the latest earlier run (``runs`` is oldest first), as yyyy-mm-dd, or ""."""
    runs = history.get("runs")
    if not isinstance(runs, list) or not runs or not isinstance(runs[-1], Mapping):
        return ""
    stamp = runs[-1].get("generated_at")
    try:
        return datetime.fromisoformat(stamp).date().isoformat() if isinstance(stamp, str) else ""
    except ValueError:
        return ""


def _targets_clause(targets: Any) -> str:
    """The targets set at the last assessment: how many of those checkable were reached."""
    if not isinstance(targets, list):
        return ""
    entries = [t for t in targets if isinstance(t, Mapping)]
    if not entries:
        return tr("; no target had been set then")
    reached = sum(1 for t in entries if t.get("reached") is True)
    checked = sum(1 for t in entries if isinstance(t.get("reached"), bool))
    unchecked = len(entries) - checked
    if not checked:
        if unchecked == 1:
            return tr("; the target set then could not be checked")
        return tr("; none of the {n} targets set then could be checked", n=unchecked)
    if checked == 1:
        if reached:
            clause = tr("; the target set then was reached")
        else:
            clause = tr("; the target set then was not reached")
    elif reached == 1:
        clause = tr("; 1 of the {checked} targets set then was reached", checked=checked)
    else:
        clause = tr(
            "; {reached} of the {checked} targets set then were reached",
            reached=reached,
            checked=checked,
        )
    if unchecked:
        clause += tr(" ({n} more could not be checked)", n=unchecked)
    return clause


def summary_history(history: Any) -> str | None:
    """The change since the last assessment: the scorecard's move and the targets reached.

    Examples
    --------
    >>> summary_history({"status": "compared",
    ...                  "runs": [{"run_id": "r1", "generated_at": "2025-11-30T09:00:00+00:00"}],
    ...                  "scorecard": {"previous": 0.48, "current": 0.54, "delta": 0.06},
    ...                  "targets": [{"reached": True}, {"reached": False}, {"reached": None}]})
    'Since the last assessment (2025-11-30), the balanced scorecard moved from 48 % to 54 % (+6.0 percentage points); 1 of the 2 targets set then was reached (1 more could not be checked).'
    >>> summary_history({"status": "started"})
    'This is the first assessment on record for this client; the next one will be compared with it.'
    """
    if not isinstance(history, Mapping):
        return None
    status = history.get("status")
    if status == "started":
        return tr(
            "This is the first assessment on record for this client; the next one will be "
            "compared with it."
        )
    if status != "compared":
        return None
    date = _run_date(history)
    since = (
        tr("Since the last assessment ({date})", date=date)
        if date
        else tr("Since the last assessment")
    )
    card = history.get("scorecard")
    card = card if isinstance(card, Mapping) else {}
    previous, current = _share(card.get("previous")), _share(card.get("current"))
    delta = as_number(card.get("delta"))
    if delta is None and previous is not None and current is not None:
        delta = current - previous
    if previous is not None and current is not None and delta is not None:
        move = tr(
            "the balanced scorecard moved from {previous} to {current} ({delta} percentage points)",
            previous=format_percent(previous, decimals=0),
            current=format_percent(current, decimals=0),
            delta=format_signed(delta, 100),
        )
    else:
        move = tr("the balanced scorecard's change is not available")
    return tr(
        "{since}, {move}{targets}.",
        since=since,
        move=move,
        targets=_targets_clause(history.get("targets")),
    )
