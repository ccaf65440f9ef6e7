"""Pieces the satisfaction texts share: window and group names, signed changes, intervals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment
from crmkit.data.labels import is_label
from crmkit.data.verdicts import CLAIMED, Verdict
from crmkit.domains.survey.changes import change_verdict
from crmkit.words.formats import is_missing
from crmkit.words.phrases import WINDOW_LABELS

__all__ = [
    "control_flags",
    "group_names",
    "interval_column",
    "interval_range",
    "interval_text",
    "moved_from",
    "window_label",
]

#: How a survey KPI's change reads in the findings, by its verdict.
_MOVED = {
    Verdict.IMPROVED: "rose",
    Verdict.WORSENED: "fell",
    Verdict.NO_CHANGE: "shows no detectable change",
}


def window_label(window: str, n: int | None = None) -> str:
    """The window as the report names it, with its number of answers when given."""
    label = WINDOW_LABELS.get(window, str(window))
    return label if n is None else f"{label} (n = {n:,})"


def interval_range(low: float, high: float, fmt: str = "{:.1f}") -> str:
    """An interval as "low to high" with true minus signs; "–" when a bound is missing."""
    if is_missing(low) or is_missing(high):
        return "–"
    return f"{fmt.format(low)} to {fmt.format(high)}".replace("-", "−")


def interval_column(
    low: pd.Series, high: pd.Series, fmt: str = "{:.1f}", *, scale: float = 1.0
) -> list[str]:
    """:func:`interval_range` of each row's bounds, times ``scale`` (100 for shares in %)."""
    return [interval_range(lo * scale, hi * scale, fmt) for lo, hi in zip(low, high, strict=True)]


def interval_text(low: float, high: float, fmt: Any, confidence: float) -> str:
    return f"{confidence * 100:g} % confidence interval {fmt(low)} to {fmt(high)}"


def moved_from(row: Any, alpha: float) -> str | None:
    """How a KPI went from before to after ("rose from", …); None when it was not compared."""
    verdict = change_verdict(row["change"], row["p_value"], alpha)
    if verdict == Verdict.INSUFFICIENT:
        return None
    moved = _MOVED[verdict]
    return f"{moved} from" if verdict in CLAIMED else f"{moved}: it went from"


def control_flags(table: pd.DataFrame, by: str, assessment: Assessment | None) -> np.ndarray:
    """True for the groups of ``table`` that are the assessment's control group."""
    control = assessment.control if assessment is not None else None
    if control is None or control.column != by:
        return np.zeros(len(table), dtype=bool)
    return is_label(table[by], control.values)


def group_names(table: pd.DataFrame, by: str, assessment: Assessment | None) -> list[str]:
    """The groups' names, the control group's marked "(no CRM)"."""
    control = control_flags(table, by, assessment)
    return [
        f"{value} (no CRM)" if flag else str(value)
        for value, flag in zip(table[by], control, strict=True)
    ]
