"""Dates, windows and months; the maturity rule for outcomes not known yet.

The small pieces every observer shares: which rows fall on a window's days, the calendar
months a window covers, observations indexed by the unit they cluster in, and which rows are
old enough for their outcome to be known.

Censoring (outcomes not known yet at the export date)
-----------------------------------------------------
Opportunities still open and tickets not yet answered or resolved when the data were exported
are right-censored. Deals that close fast (lost ones, in most pipelines) would otherwise be
over-represented in the latest cohorts. The rule, :data:`MATURITY_QUANTILE`: the data's end is
the latest date in the table; the maturity horizon is the 95th percentile of the observed
durations (created → closed, taken for won and for lost deals and the longer of the two kept;
opened → first response; opened → resolved); only rows started at least one horizon before the
data's end count towards the outcome KPIs (win rate, deal size, sales cycle, first response,
resolution, share resolved). A window that ended long before the export loses nothing; the
last months of an after window that ends at the export are left out. Within that mature
cohort, still-open rows are excluded (win rate: won / (won + lost)) or, for share resolved,
count as not resolved. What remains is small but not nil: the slowest ~5 % of the youngest
mature cohorts are still unknown, which shortens a median duration by a few per cent (about
−2 % for the demo's sales cycle after go-live); the survival methods of the statistics stage
remove it where it matters.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.data.config import Window

#: Quantile of observed durations that sets the maturity horizon (see the module docstring).
MATURITY_QUANTILE = 0.95
DAYS_PER_MONTH = 365.25 / 12.0  # an average Gregorian month


def as_ns(dates: pd.Series) -> np.ndarray:
    return dates.to_numpy(dtype="datetime64[ns]")


def in_window(dates: pd.Series, window: Window) -> np.ndarray:
    """True where a date or time falls on a day of the inclusive window (NaT: False)."""
    return window.contains(dates)


def month_starts(dates: pd.Series) -> np.ndarray:
    """Each date's month start as datetime64[ns] (NaT stays NaT)."""
    return as_ns(dates).astype("datetime64[M]").astype("datetime64[ns]")


def window_months(window: Window) -> pd.DatetimeIndex:
    first = pd.Timestamp(window.start).to_period("M").to_timestamp()
    months = pd.date_range(first, pd.Timestamp(window.end), freq="MS", name="month")
    return months.as_unit("ns")


def window_months_length(window: Window) -> float:
    """The window's length in average months (365.25 / 12 days)."""
    return ((window.end - window.start).days + 1) / DAYS_PER_MONTH


def fill_months(
    per_month: pd.Series, window: Window, coverage: pd.Series | None, name: str
) -> pd.Series:
    """``per_month`` on every month of the window that ``coverage`` spans, 0 where absent."""
    months = window_months(window)
    if coverage is not None:
        known = coverage.dropna()
        if known.empty:
            months = months[:0]
        else:
            first = known.min().to_period("M").to_timestamp()
            last = known.max().to_period("M").to_timestamp()
            months = months[(months >= first) & (months <= last)]
    out = per_month.astype("float64").reindex(months, fill_value=0.0)
    out.index.name = "month"
    return out.rename(name)


def maturity_cutoff(
    started: pd.Series, ended: pd.Series, outcome: pd.Series | None = None
) -> pd.Timestamp | None:
    """The latest start whose outcome the data can be expected to show (see the module docstring).

    data end = latest date in ``started`` or ``ended``; horizon = the
    :data:`MATURITY_QUANTILE` of the observed durations ``ended - started`` (with ``outcome``,
    the largest of that quantile per outcome, e.g. won and lost: the slower outcome sets the
    horizon); cutoff = data end - horizon. None when no duration is observed (nothing can be
    said, nothing is cut).
    """
    durations = ended - started
    known = durations.notna() & (durations >= pd.Timedelta(0))
    if not known.any():
        return None
    if outcome is None:
        horizon = durations[known].quantile(MATURITY_QUANTILE)
    else:
        horizon = durations[known].groupby(outcome[known]).quantile(MATURITY_QUANTILE).max()
    data_end = max(started.max(), ended.max())
    return data_end - horizon


def mature(frame: pd.DataFrame, started: str, ended: str, outcome: str | None = None) -> np.ndarray:
    """True for rows started early enough to have an observable outcome."""
    if ended not in frame:
        return np.ones(len(frame), dtype=bool)
    by = frame[outcome] if outcome is not None else None
    cutoff = maturity_cutoff(frame[started], frame[ended], by)
    if cutoff is None:
        return np.ones(len(frame), dtype=bool)
    return (frame[started] <= cutoff).to_numpy(dtype=bool)


def clustered_values(values: pd.Series, ids: pd.Series, name: str) -> pd.Series:
    """Float values indexed by the unit they cluster in, without missing values.

    ``values`` and ``ids`` are columns of the same rows (aligned by position).
    """
    out = pd.Series(
        values.to_numpy(dtype="float64", na_value=np.nan),
        index=pd.Index(ids.to_numpy(), name=ids.name),
        name=name,
    )
    return out[out.notna().to_numpy()]


def hours_between(later: pd.Series, earlier: pd.Series) -> pd.Series:
    hours = (later - earlier) / pd.Timedelta(hours=1)
    return hours.where(hours >= 0)  # a negative duration is a data error (validation warns)
