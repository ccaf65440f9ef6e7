"""Pieces the satisfaction texts share: window and group names, signed changes, intervals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment
from crmkit.data.labels import is_label
from crmkit.data.verdicts import Verdict
from crmkit.domains.survey.changes import change_verdict
from crmkit.words.formats import is_missing
from crmkit.words.language import term, tr

__all__ = [
    "control_flags",
    "group_header",
    "group_names",
    "interval_column",
    "interval_range",
    "interval_text",
    "listed",
    "moved",
    "window_label",
]


def window_label(window: str, n: int | None = None) -> str:
    """The window as the report names it, with its number of answers when given.

    Examples
    --------
    >>> window_label("before"), window_label("after", 1200)
    ('Before go-live', 'After go-live (n = 1,200)')
    """
    if window == "before":
        label = tr("Before go-live")
    elif window == "after":
        label = tr("After go-live")
    else:
        label = str(window)
    return label if n is None else tr("{window} (n = {n})", window=label, n=f"{n:,}")


def interval_range(low: float, high: float, fmt: str = "{:.1f}") -> str:
    """An interval as "low to high" with true minus signs; "–" when a bound is missing.

    Examples
    --------
    >>> interval_range(-1.25, 3.0)
    '−1.2 to 3.0'
    """
    if is_missing(low) or is_missing(high):
        return "–"
    return tr(
        "{low} to {high}",
        low=fmt.format(low).replace("-", "−"),
        high=fmt.format(high).replace("-", "−"),
    )


def interval_column(
    low: pd.Series, high: pd.Series, fmt: str = "{:.1f}", *, scale: float = 1.0
) -> list[str]:
    """:func:`interval_range` of each row's bounds, times ``scale`` (100 for shares in %)."""
    return [interval_range(lo * scale, hi * scale, fmt) for lo, hi in zip(low, high, strict=True)]


def interval_text(low: float, high: float, fmt: Any, confidence: float) -> str:
    """ "95 % confidence interval low to high", each bound written by ``fmt``."""
    return tr(
        "{level} % confidence interval {low} to {high}",
        level=f"{confidence * 100:g}",
        low=fmt(low),
        high=fmt(high),
    )


def moved(row: Any, alpha: float) -> Verdict | None:
    """How a KPI went from before to after (improved, worsened or no detectable change);
    None when it was not compared."""
    verdict = change_verdict(row["change"], row["p_value"], alpha)
    return None if verdict == Verdict.INSUFFICIENT else verdict


def listed(items: list[str]) -> str:
    """Names in a list, separated as the report's language separates them ("a, b")."""
    return tr(", ").join(items)


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
        tr("{group} (no CRM)", group=value) if flag else str(value)
        for value, flag in zip(table[by], control, strict=True)
    ]


def group_header(by: str) -> str:
    """The header of a column of groups: the grouping column in words ("Region").

    Examples
    --------
    >>> group_header("lead_source"), group_header("Campaign Group")
    ('Lead source', 'Campaign group')
    """
    name = term(by)
    return by.replace("_", " ").capitalize() if name == by else name
