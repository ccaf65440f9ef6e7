"""Observers of monthly totals: a table's rows per calendar month, or per sales rep.

Callable objects rather than functions, so that :func:`crmkit.kpis.monthly_panel` can read
what they total (which table, which date, which value).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from crmkit.data.config import Control, Window
from crmkit.kpis.definition import Tables
from crmkit.kpis.scope import rows_in_window
from crmkit.kpis.windows import fill_months, month_starts, window_months_length


@dataclass(frozen=True)
class MonthlyTotal:
    """Observer of a ``series`` KPI: a table's rows (or a column's sum) per calendar month.

    ``covered`` = True leaves out months outside the table's dated span (an export that starts
    or stops inside the window); False fills every month of the window (a month without a new
    customer is a fact, not a gap).
    """

    name: str
    table: str
    date_column: str
    value_column: str | None
    covered: bool = True

    def values(self, frame: pd.DataFrame) -> pd.Series:
        if self.value_column is None:
            return pd.Series(1.0, index=frame.index)
        return frame[self.value_column].astype("float64")

    def __call__(
        self, tables: Tables, window: Window, *, exclude: Control | None = None
    ) -> pd.Series:
        rows = rows_in_window(tables, self.table, self.date_column, window, exclude=exclude)
        per_month = self.values(rows).groupby(month_starts(rows[self.date_column])).sum()
        coverage = tables[self.table][self.date_column] if self.covered else None
        return fill_months(per_month, window, coverage, self.name)


@dataclass(frozen=True)
class PerRepMonth:
    """Observer of a ``paired`` KPI: a monthly total per sales rep, averaged over the window.

    Value per rep = the rep's total in the window / the window's length in months. Reps with
    no row in a window are absent from it (a rep who joined or left is not a zero).
    """

    total: MonthlyTotal

    def __call__(
        self, tables: Tables, window: Window, *, exclude: Control | None = None
    ) -> pd.Series:
        t = self.total
        rows = rows_in_window(tables, t.table, t.date_column, window, exclude=exclude)
        rows = rows.loc[rows["rep_id"].notna()]
        per_rep = t.values(rows).groupby(rows["rep_id"].to_numpy()).sum()
        per_rep = per_rep / window_months_length(window)
        per_rep.index.name = "rep_id"
        return per_rep.astype("float64").sort_index().rename(t.name)
