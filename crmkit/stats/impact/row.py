"""The comparison row every before/after test returns, and the pieces the tests fill it with.

One row per KPI with the columns :data:`CHANGE_COLUMNS` (described in :mod:`crmkit.stats.impact`):
:func:`change_row` builds it with stable dtypes, :func:`insufficient_row` is the row of a test
that had too little data (NaN statistics, a note starting "insufficient data:"), :func:`noted_row` the row of a
test with its typed notes (:mod:`crmkit.stats.impact.notes`), and the interval helpers give ``change_pct``'s interval by the delta method or a bootstrap.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.guards import Guard
from crmkit.stats.impact.notes import DroppedMissing, Insufficient, Note, noted

__all__ = [
    "CHANGE_COLUMNS",
    "change_row",
    "dropped_missing",
    "insufficient_row",
    "join_notes",
    "noted_row",
    "log_ratio_interval",
    "percentile_interval",
    "ratio_or_nan",
]

#: The columns of every one-row comparison, in order (see :mod:`crmkit.stats.impact`).
CHANGE_COLUMNS: tuple[str, ...] = (
    "before",
    "after",
    "change",
    "change_pct",
    "ci_low",
    "ci_high",
    "change_pct_ci_low",
    "change_pct_ci_high",
    "test",
    "statistic",
    "p_value",
    "effect_size",
    "effect_size_name",
    "n_before",
    "n_after",
    "mde",
    "check_test",
    "check_p_value",
    "interval_method",
    "note",
    "note_facts",
    "guard",
)

_TEXT_COLUMNS = frozenset(
    {"test", "effect_size_name", "check_test", "interval_method", "note", "guard", "note_facts"}
)
_COUNT_COLUMNS = frozenset({"n_before", "n_after"})


def join_notes(*parts: str | None) -> str | None:
    """The non-empty parts joined by "; ", or None when there is none."""
    kept = [part for part in parts if part]
    return "; ".join(kept) if kept else None


def dropped_missing(before: int, after: int) -> DroppedMissing | None:
    """The fact of missing values dropped from the two windows, or None when none was."""
    if before == 0 and after == 0:
        return None
    return DroppedMissing(before=before, after=after)


def ratio_or_nan(numerator: float, denominator: float) -> float:
    """numerator / denominator, NaN when the denominator is 0 or either is NaN."""
    if denominator == 0 or not (math.isfinite(numerator) and math.isfinite(denominator)):
        return math.nan
    return numerator / denominator


def change_row(**values: Any) -> pd.DataFrame:
    """The one-row comparison frame; columns not given are NaN (numbers) or None (text).

    Text columns have object dtype (str or None), numbers float64, the counts int64, so rows
    stack with stable dtypes.
    """
    unknown = set(values).difference(CHANGE_COLUMNS)
    if unknown:
        raise TypeError(f"unknown comparison columns: {sorted(unknown)}")
    data: dict[str, Any] = {}
    for column in CHANGE_COLUMNS:
        value = values.get(column)
        if column == "guard" and value is not None:
            data[column] = pd.Series([Guard(value).value], dtype=object)
        elif column in _TEXT_COLUMNS:
            data[column] = pd.Series([value], dtype=object)
        elif column in _COUNT_COLUMNS:
            data[column] = np.array([int(value or 0)], dtype=np.int64)
        else:
            data[column] = np.array([math.nan if value is None else float(value)])
    return pd.DataFrame(data, copy=False)


def noted_row(notes: tuple[Note | str | None, ...] = (), **values: Any) -> pd.DataFrame:
    """The one-row comparison with ``notes`` as its ``note`` and ``note_facts`` columns.

    ``notes`` are typed facts (:mod:`crmkit.stats.impact.notes`); a part still written as
    text keeps the note English only (no ``note_facts``).
    """
    return change_row(**noted(*notes), **values)


def insufficient_row(
    reason: Note, notes: tuple[Note | str | None, ...] = (), **values: Any
) -> pd.DataFrame:
    """The row of a test that had too little data: no statistics, notes giving the reason.

    The first note is :class:`~crmkit.stats.impact.notes.Insufficient` (its English starts
    with the verdict such a row gets, :attr:`Verdict.INSUFFICIENT`) with ``reason``, then
    the other ``notes``.
    """
    return noted_row((Insufficient(reason), *notes), **values)


def percentile_interval(draws: np.ndarray, alpha: float) -> tuple[float, float]:
    """The alpha/2 and 1 − alpha/2 quantiles of bootstrap draws."""
    low, high = np.quantile(draws, [alpha / 2, 1 - alpha / 2])
    return float(low), float(high)


def log_ratio_interval(
    base: float, new: float, var_base: float, var_new: float, cov: float, crit: float
) -> tuple[float, float]:
    """Interval of new / base − 1 by the delta method on log(new / base); NaN unless both > 0."""
    if not (base > 0 and new > 0):
        return math.nan, math.nan
    variance = var_new / new**2 + var_base / base**2 - 2 * cov / (base * new)
    spread = crit * math.sqrt(max(variance, 0.0))
    centre = math.log(new / base)
    return math.expm1(centre - spread), math.expm1(centre + spread)
