"""Timeliness: whether each dated table covers the assessment window, and how current it is."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from crmkit.data.config import Assessment, Window
from crmkit.data.quality.frames import ordered_tables, typed_frame
from crmkit.data.quality.rules import CADENCE
from crmkit.data.schemas import TABLES

__all__ = ["timeliness"]


def _month_runs(months: list[pd.Period]) -> str:
    """'2024-03, 2024-06 to 2024-08' from sorted monthly periods."""
    runs: list[list[pd.Period]] = []
    for month in months:
        if runs and month == runs[-1][-1] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs)


def _in(dates: pd.Series, window: Window) -> pd.Series:
    start = pd.Timestamp(window.start)
    end = pd.Timestamp(window.end) + pd.Timedelta(days=1)
    return (dates >= start) & (dates < end)


def timeliness(tables: Mapping[str, pd.DataFrame], assessment: Assessment) -> pd.DataFrame:
    """Whether each dated table covers the assessment window, and how current it is.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The typed canonical tables.
    assessment : Assessment
        Supplies the before and after windows; the assessment window runs from the before
        window's start to the after window's end.

    Returns
    -------
    DataFrame
        One row per table present whose schema has a date column, in schema order, with
        columns:

        - ``table`` (str), ``date_column`` (str)
        - ``cadence`` (str): what coverage is expected (see Notes): ``monthly``,
          ``monthly_after``, ``waves`` or ``history``.
        - ``first_date``, ``last_date`` (datetime): the earliest and latest date; NaT if none.
        - ``rows_in_window``, ``rows_before``, ``rows_after`` (int): rows dated in the whole
          assessment window, the before window and the after window.
        - ``months_in_window`` (int): calendar months the assessment window touches.
        - ``months_expected`` (Int64): months that should have data; NA for ``waves`` and
          ``history``.
        - ``months_with_data`` (int): months of the window with at least one row.
        - ``coverage`` (float): share of what is expected that has data; NaN for ``history``.
        - ``gaps`` (int): expected months (or windows, for ``waves``) without data.
        - ``gap_periods`` (str): those months as ``"2024-03, 2024-06 to 2024-08"``, or the
          windows without data; empty when there is no gap.
        - ``days_stale`` (Int64): days from ``last_date`` to the window's end, 0 when the data
          reaches the end; NA without dates.

    Notes
    -----
    What is expected depends on what the table records (:data:`CADENCE`):

    - ``monthly`` (orders, opportunities, tickets): business goes on every month, so every
      month of the window should have rows. coverage = months_with_data / months_expected.
    - ``monthly_after`` (usage): the CRM's own usage log cannot predate go-live, so only the
      months of the after window are expected.
    - ``waves`` (surveys, user_survey, campaigns): surveys and campaigns come in waves, so an
      empty month is no gap; what the before/after comparison needs is rows in each window.
      coverage = windows with rows / 2.
    - ``history`` (customers): ``created_date`` is acquisition history, most of it usually
      before the window. A month without a new customer is a business fact, not missing
      data, so no month counts as a gap and the table gets no timeliness score (coverage is
      NaN); ``months_with_data`` is reported for information. Whether the customer list is
      complete shows in :func:`referential_integrity`.

    days_stale = max(0, window end − last_date) in days; it is reported for every table but
    only coverage enters the score (for monthly tables, trailing empty months are gaps).
    """
    window = assessment.window
    window_months = list(pd.period_range(window.start, window.end, freq="M"))
    after_months = set(pd.period_range(assessment.after.start, assessment.after.end, freq="M"))
    window_end = pd.Timestamp(window.end)
    records = []
    for name in ordered_tables(tables):
        column = TABLES[name].date_column
        table = tables[name]
        if not column or column not in table:
            continue
        cadence = CADENCE.get(name, "monthly")
        dates = pd.to_datetime(table[column], errors="coerce").dropna()
        in_window = dates[_in(dates, window)]
        with_data = set(in_window.dt.to_period("M").unique())  # each month boxed once
        rows_before = int(_in(dates, assessment.before).sum())
        rows_after = int(_in(dates, assessment.after).sum())
        months_expected: int | None = None
        coverage = math.nan
        gap_list = ""
        gaps = 0
        if cadence in ("monthly", "monthly_after"):
            expected = [m for m in window_months if cadence == "monthly" or m in after_months]
            missing = [m for m in expected if m not in with_data]
            months_expected = len(expected)
            coverage = 1 - len(missing) / len(expected) if expected else math.nan
            gaps, gap_list = len(missing), _month_runs(missing)
        elif cadence == "waves":
            empty = [
                f"{label} go-live ({w})"
                for label, w, n in (
                    ("before", assessment.before, rows_before),
                    ("after", assessment.after, rows_after),
                )
                if n == 0
            ]
            coverage = 1 - len(empty) / 2
            gaps, gap_list = len(empty), "; ".join(empty)
        last = dates.max() if len(dates) else pd.NaT
        stale = None if pd.isna(last) else max(0, (window_end - last.normalize()).days)
        records.append(
            {
                "table": name,
                "date_column": column,
                "cadence": cadence,
                "first_date": dates.min() if len(dates) else pd.NaT,
                "last_date": last,
                "rows_in_window": len(in_window),
                "rows_before": rows_before,
                "rows_after": rows_after,
                "months_in_window": len(window_months),
                "months_expected": months_expected,
                "months_with_data": len(with_data),
                "coverage": coverage,
                "gaps": gaps,
                "gap_periods": gap_list,
                "days_stale": stale,
            }
        )
    return typed_frame(
        records,
        "table date_column cadence first_date last_date rows_in_window rows_before rows_after "
        "months_in_window months_expected months_with_data coverage gaps gap_periods days_stale",
        datetime="first_date last_date",
        int64="rows_in_window rows_before rows_after months_in_window months_with_data gaps",
        Int64="months_expected days_stale",
        float64="coverage",
    )
