"""Day numbers, the assessment's windows as day ranges, and the columns a table must have.

Dates become day numbers (days since 1970-01-01, floats) so that a million orders are
compared as arrays; a window is the half-open range from its first day to the day after its
last. A customer-year is 365 days, as :mod:`crmkit.kpis` counts it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment, Window

#: Days in a customer-year.
DAYS_PER_YEAR = 365.0

_NS_PER_DAY = 86_400 * 10**9


def _check_days(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a whole number of days ≥ 1, got {value!r}")
    return int(value)


def _require(frame: pd.DataFrame | None, table: str, columns: Iterable[str]) -> pd.DataFrame:
    if frame is None:
        raise ValueError(f"the {table} table is needed")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the {table} table has no column(s) {missing}")
    return frame


def day_numbers(values: Any) -> np.ndarray:
    """Days since 1970-01-01 as floats (fractional for times of day); NaN for missing.

    Examples
    --------
    >>> day_numbers(["1970-01-02 12:00", None]).tolist()
    [1.5, nan]
    """
    ns = pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[ns]")
    out = ns.astype(np.int64).astype(float) / _NS_PER_DAY
    out[np.isnat(ns)] = np.nan
    return out


def day_number(date: Any) -> float:
    """A date's day number (days since 1970-01-01, whole days).

    Examples
    --------
    >>> day_number("1970-01-11")
    10.0
    """
    return float(pd.Timestamp(date).value // _NS_PER_DAY)


def to_dates(days: np.ndarray) -> np.ndarray:
    """Whole-day numbers back to datetime64[ns] (NaN → NaT).

    Examples
    --------
    >>> to_dates(np.array([1.5, np.nan])).astype(str).tolist()
    ['1970-01-02T00:00:00.000000000', 'NaT']
    """
    days = np.asarray(days, dtype=float)
    out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = ~np.isnan(days)
    out[ok] = (np.floor(days[ok]).astype(np.int64) * _NS_PER_DAY).astype("datetime64[ns]")
    return out


def _windows(assessment: Assessment) -> list[tuple[str, Window]]:
    return [("before", assessment.before), ("after", assessment.after)]


def _window_days(window: Window) -> tuple[float, float]:
    """First day and the day after the last (half-open)."""
    return day_number(window.start), day_number(window.end) + 1
