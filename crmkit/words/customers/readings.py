"""How a comparison row of the customer domain reads: was a change detected, and by how much.

The two small readings every customer text shares: whether a row (a KPI result with its
verdict, or a comparison with only a p-value) shows a change, and a change in percentage
points with its sign.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from crmkit.data.verdicts import Verdict
from crmkit.words.formats import is_missing

__all__ = ["change_detected", "interval_cells", "signed_pp"]


def signed_pp(value: float) -> str:
    """A change of a share in percentage points with its sign: "+1.5", "−0.3", "±0.0".

    Examples
    --------
    >>> signed_pp(0.015), signed_pp(-0.003), signed_pp(0.0), signed_pp(float("nan"))
    ('+1.5', '−0.3', '±0.0', 'n/a')
    """
    if is_missing(value):
        return "n/a"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value) * 100:.1f}"


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
        "–" if is_missing(low) else f"{bound(low)} to {bound(high)}"
        for low, high in zip(lows, highs, strict=True)
    ]
