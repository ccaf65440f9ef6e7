"""The interrupted time series of a monthly KPI, and its monthly values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data.config import Assessment
from crmkit.kpis.windows import window_months_length
from crmkit.measure.comparison import observations
from crmkit.stats import impact


@dataclass(frozen=True)
class SeriesAnalysis:
    """An interrupted time series of one monthly KPI (see :func:`time_series`).

    Attributes
    ----------
    kpi : KPI
    series : Series
        The KPI's actual monthly values over both windows (CRM units only).
    expected : Series
        What the model expects without go-live: its fit before go-live and its projection
        (the counterfactual) from go-live, in the KPI's unit.
    its : ITSResult
        The segmented regression (on the log ratio to the control group when ``comparative``;
        on the KPI or its logarithm otherwise, whichever fits the months before go-live
        better: :attr:`model`).
    comparative : bool
        True when the model ran on the ratio of the CRM units to the control group, so that
        season and shocks shared by both cancel.
    row : DataFrame
        The one-row comparison (:data:`crmkit.stats.impact.CHANGE_COLUMNS`, with ``label`` and
        ``unit``): ``change`` is the model's average monthly effect from go-live in the KPI's
        unit and ``change_pct`` the same effect relative to the expected path (both from one
        model and one counterfactual, so their signs agree); ``guard`` says when the
        percentage, or the claim, is withheld.
    """

    kpi: kpis.KPI
    series: pd.Series
    expected: pd.Series
    its: impact.ITSResult
    comparative: bool
    row: pd.DataFrame

    @property
    def model(self) -> str:
        """ "linear" or "log-linear" (a comparative series is log-linear in the ratio)."""
        return self.its.model

    @property
    def guard(self) -> str | None:
        """The guard code of the row (see :mod:`crmkit.data.guards`), or None."""
        code = self.row["guard"].iloc[0]
        return code if isinstance(code, str) else None


def time_series(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, kpi_name: str = "revenue_monthly"
) -> SeriesAnalysis | None:
    """Interrupted time series of a monthly KPI of the CRM units over both windows.

    With a control group whose monthly series is available and positive, the segmented
    regression runs on log(CRM units / control group) without a season term ("comparative
    interrupted time series"): the season, the market and anything else that moves both
    groups cancel, which a single year before go-live could never separate from a trend.
    Otherwise it runs on the KPI itself, with a season term when the data allow it: on its
    values, or — when every month is above zero and it fits the months before go-live better
    — on their logarithms (``model="auto"`` of :func:`crmkit.stats.impact.interrupted_time_series`).

    The row's ``guard`` is ``counterfactual_implausible`` (and ``change_pct`` NaN) when the
    projection crosses zero or runs beyond what the months before go-live support (the rules
    of :func:`crmkit.stats.impact.interrupted_time_series`).

    Returns None when the KPI's tables are absent.
    """
    kpi = kpis.get_kpi(kpi_name)
    if kpi.kind != "series":
        raise ValueError(f"{kpi_name} is not a monthly series KPI")
    found = observations(tables, assessment, kpi_name)
    if found is None:
        return None
    series = _joined(*found)
    go_live, alpha = assessment.go_live_date, assessment.stats.alpha
    first = _go_live_month(go_live)
    control = _control_series(tables, assessment, kpi_name)
    if control is not None:
        control = control.reindex(series.index)
    if control is None or not ((control > 0).all() and (series > 0).all()):
        its = impact.interrupted_time_series(series, go_live, model="auto", alpha=alpha)
        expected = _expected(its, first)
        row = its.to_row()
        comparative = False
    else:
        its = impact.interrupted_time_series(
            series / control, go_live, seasonality=False, model="log-linear", alpha=alpha
        )
        expected = control * _expected(its, first)
        row = _comparative_row(series, expected, its, first)
        comparative = True
    row.insert(0, "unit", kpi.unit)
    row.insert(0, "label", kpi.label)
    return SeriesAnalysis(kpi, series, expected.reindex(series.index), its, comparative, row)


def _expected(its: impact.ITSResult, first: pd.Timestamp) -> pd.Series:
    """The model's path without go-live: its fit before ``first``, its projection from it.

    Empty when the model could not be fitted (too few months on one side of go-live).
    """
    if not isinstance(its.fitted.index, pd.DatetimeIndex):
        return pd.Series(dtype="float64")
    return pd.concat([its.fitted.loc[its.fitted.index < first], its.counterfactual])


def _go_live_month(go_live: Any) -> pd.Timestamp:
    """The first month from go-live (the month that contains it), as the time series counts."""
    return pd.Timestamp(go_live).to_period("M").to_timestamp()


def _control_series(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, kpi_name: str
) -> pd.Series | None:
    """The control group's monthly totals of a KPI, or None when there is none to use."""
    if assessment.control is None:
        return None
    try:
        panel = kpis.monthly_panel(tables, assessment, kpi_name, unit=assessment.control.column)
    except ValueError:
        return None
    control = panel.loc[~panel["treated"]]
    if control.empty:
        return None
    return control.groupby("month")["value"].sum()


def _comparative_row(
    series: pd.Series, expected: pd.Series, its: impact.ITSResult, first: pd.Timestamp
) -> pd.DataFrame:
    """The one-row comparison of a comparative series, in the KPI's unit.

    ``its`` is the log-linear model of the ratio CRM units / control group. Its average effect
    (mean log gap from go-live) and interval become relative changes by exp(·) − 1; the
    absolute change and its interval are those relative changes times the mean expected level
    from go-live (control group × projected ratio), so ``change`` and ``change_pct`` come from
    one model and one counterfactual and agree in sign. The model's guard carries over; a
    guarded row keeps the absolute change and drops the percentage.
    """
    log_row = its.to_row()
    post = expected.index >= first
    level = float(expected[post].mean())
    ratio_level = float(its.counterfactual.mean())
    relative = [
        float(log_row[c].iloc[0]) / ratio_level for c in ("change", "ci_low", "ci_high", "mde")
    ]
    row = log_row.copy()
    row["before"] = float(series[~post].mean())
    row["after"] = float(series[post].mean())
    row["change"] = relative[0] * level
    row["ci_low"], row["ci_high"] = relative[1] * level, relative[2] * level
    row["mde"] = relative[3] * level
    if isinstance(row["guard"].iloc[0], str):
        row["change_pct"] = np.nan
        row["change_pct_ci_low"], row["change_pct_ci_high"] = np.nan, np.nan
    else:
        row["change_pct"] = relative[0]
        row["change_pct_ci_low"], row["change_pct_ci_high"] = relative[1], relative[2]
    row["effect_size_name"] = "effect / residual SD (log ratio)"
    row["test"] = "segmented regression on the ratio to the control group (Newey–West)"
    row["interval_method"] = f"{log_row['interval_method'].iloc[0]}, on the log ratio"
    return row


def _joined(before: pd.Series, after: pd.Series) -> pd.Series:
    series = pd.concat([before, after]).sort_index()
    return series[~series.index.duplicated(keep="last")]


def months(window: Any) -> float:
    """A window's length in months (average Gregorian months of 30.44 days).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Window
    >>> round(months(Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31))), 2)
    12.02
    """
    return window_months_length(window)


def monthly_values(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, kpi_name: str
) -> pd.Series | None:
    """A monthly series KPI over both windows (CRM units only), or None when it is skipped."""
    kpi = kpis.get_kpi(kpi_name)
    if kpi.kind != "series":
        raise ValueError(f"{kpi_name} is not a monthly series KPI")
    found = observations(tables, assessment, kpi_name)
    return None if found is None else _joined(*found).rename(kpi.label)
