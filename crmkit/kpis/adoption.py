"""Observers of the adoption KPIs: the usage log and the staff's usability survey."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.data.config import Control, Window
from crmkit.kpis.definition import Tables
from crmkit.kpis.scope import crm_rows, rows_in_window
from crmkit.kpis.windows import as_ns, clustered_values, fill_months, in_window, month_starts

#: The ten items of the System Usability Scale, columns of ``user_survey``.
SUS_ITEMS = tuple(f"sus_{i}" for i in range(1, 11))


def observe_active_user_rate(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    usage = crm_rows(tables["usage"], tables, exclude)
    users = usage["user_id"].nunique()
    rows = usage.loc[in_window(usage["date"], window)]
    active = rows.groupby(month_starts(rows["date"]))["user_id"].nunique()
    rate = active / users if users else active.astype("float64")
    return fill_months(rate, window, tables["usage"]["date"], "active_user_rate")


def _usage_rows(
    tables: Tables, window: Window, exclude: Control | None, column: str
) -> pd.DataFrame:
    rows = rows_in_window(tables, "usage", "date", window, exclude=exclude)
    return rows.loc[rows["user_id"].notna() & rows[column].notna()]


def observe_sessions_per_active_user(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _usage_rows(tables, window, exclude, "sessions")
    # a day's sessions once, even where the log repeats them on each feature row of the day
    per_day = rows["sessions"].groupby([rows["user_id"].to_numpy(), as_ns(rows["date"])]).max()
    months = per_day.index.get_level_values(1).to_numpy().astype("datetime64[M]")
    users = per_day.index.get_level_values(0)
    per_month = per_day.groupby([users, months.astype("datetime64[ns]")]).sum()
    per_month.index.names = ["user_id", "month"]
    return per_month.astype("float64").rename("sessions_per_active_user")


def observe_features_per_active_user(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _usage_rows(tables, window, exclude, "feature")
    keys = [rows["user_id"].to_numpy(), month_starts(rows["date"])]
    per_month = rows["feature"].groupby(keys).nunique()
    per_month.index.names = ["user_id", "month"]
    return per_month.astype("float64").rename("features_per_active_user")


def sus_scores(items: pd.DataFrame) -> pd.Series:
    """System Usability Scale score (0–100) of each response, by Brooke's rule.

    Parameters
    ----------
    items : DataFrame
        Columns ``sus_1`` … ``sus_10``, each 1–5 (strongly disagree … strongly agree).

    Returns
    -------
    Series of float
        One score per row, same index; NaN where any item is missing.

    Notes
    -----
    Odd items are positively worded and contribute (response − 1); even items are negatively
    worded and contribute (5 − response); score = 2.5 × the sum of the ten contributions.

    References
    ----------
    Brooke, J. (1996). SUS: a "quick and dirty" usability scale. In P. W. Jordan et al.
    (eds.), *Usability Evaluation in Industry*, 189–194. Taylor & Francis.

    Examples
    --------
    >>> import pandas as pd
    >>> sus_scores(pd.DataFrame([[3] * 10], columns=[f"sus_{i}" for i in range(1, 11)]))
    0    50.0
    dtype: float64
    """
    values = items[list(SUS_ITEMS)].to_numpy(dtype="float64")
    contributions = np.where(np.arange(10) % 2 == 0, values - 1.0, 5.0 - values)
    return pd.Series(contributions.sum(axis=1) * 2.5, index=items.index)  # NaN propagates


def observe_sus_score(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = rows_in_window(tables, "user_survey", "response_date", window, exclude=exclude)
    return clustered_values(sus_scores(rows), rows["user_id"], "sus_score")


def observe_user_satisfaction(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = rows_in_window(tables, "user_survey", "response_date", window, exclude=exclude)
    return clustered_values(rows["satisfaction"], rows["user_id"], "user_satisfaction")
