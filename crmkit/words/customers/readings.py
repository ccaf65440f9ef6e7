"""How a comparison row of the customer domain reads: was a change detected, and by how much.

The small readings every customer text shares: whether a row (a KPI result with its
verdict, or a comparison with only a p-value) shows a change, an interval as cells, a window's
name, and several readings joined in one sentence (in the report's language).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from crmkit.data.verdicts import Verdict
from crmkit.words.formats import is_missing
from crmkit.words.language import tr

__all__ = ["change_detected", "interval_cells", "listing", "series", "window_label"]


def change_detected(row: Any, alpha: float) -> bool | None:
    """Whether the row shows a change: its own verdict (a KPI result row), else its p-value.

    Returns
    -------
    bool or None
        None when the data are too few (:attr:`Verdict.INSUFFICIENT`, or no p-value); False
        for :attr:`Verdict.NO_CHANGE` (or p ≥ alpha); True otherwise — the caller reads the
        direction from the row's ``change``.

    Examples
    --------
    >>> change_detected({"verdict": "improved"}, 0.05), change_detected({"p_value": 0.2}, 0.05)
    (True, False)
    >>> print(change_detected({"p_value": float("nan")}, 0.05))
    None
    """
    verdict = row.get("verdict") if hasattr(row, "get") else None
    if isinstance(verdict, str):
        if verdict == Verdict.INSUFFICIENT:
            return None
        return verdict != Verdict.NO_CHANGE
    p = row["p_value"]
    if is_missing(p):
        return None
    return bool(p < alpha)


def interval_cells(
    lows: Iterable[Any], highs: Iterable[Any], bound: Callable[[float], str]
) -> list[str]:
    """A table's "Confidence interval" column: "low to high" per row, "–" without a low end.

    Examples
    --------
    >>> interval_cells([0.1, float("nan")], [0.2, 0.3], lambda v: f"{v * 100:.1f}")
    ['10.0 to 20.0', '–']
    """
    return [
        "–" if is_missing(low) else tr("{low} to {high}", low=bound(low), high=bound(high))
        for low, high in zip(lows, highs, strict=True)
    ]


def window_label(window: str) -> str:
    """A window as a table or chart names it: "Before go-live", "After go-live" (others as
    written).

    Examples
    --------
    >>> window_label("after"), window_label("pilot")
    ('After go-live', 'pilot')
    """
    if window == "before":
        return tr("Before go-live")
    if window == "after":
        return tr("After go-live")
    return window


def listing(items: Iterable[str]) -> str:
    """Several readings in one sentence, separated by semicolons.

    Examples
    --------
    >>> listing(["Region: West (vs North)", "Each complaint so far"])
    'Region: West (vs North); Each complaint so far'
    """
    joined = ""
    for item in items:
        joined = tr("{earlier}; {later}", earlier=joined, later=item) if joined else item
    return joined


def series(items: Iterable[str]) -> str:
    """Several short items in one sentence, separated by commas.

    Examples
    --------
    >>> series(["month 3", "month 6"])
    'month 3, month 6'
    """
    joined = ""
    for item in items:
        joined = tr("{earlier}, {later}", earlier=joined, later=item) if joined else item
    return joined
