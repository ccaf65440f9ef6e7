"""The interrupted time series of a monthly KPI, its placebo go-lives, and its monthly values."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data.config import Assessment
from crmkit.data.guards import Guard
from crmkit.kpis.windows import window_months, window_months_length
from crmkit.measure.comparison import observations
from crmkit.measure.placebo_kpis import (
    KpiPlacebo,
    first_data_month,
    history_assessment,
    placebo_check,
)
from crmkit.stats import impact

#: Bootstrap draws of the model at a placebo date: only its point estimate is used there.
_PLACEBO_DRAWS = 1


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
        percentage, or the claim, is withheld (``inside_placebos`` when a change the model
        claims lies inside its placebo distribution).
    placebo : KpiPlacebo or None
        The same model's relative effect at fake go-lives before the real one
        (:func:`series_placebo`); None when it was not asked for.
    """

    kpi: kpis.KPI
    series: pd.Series
    expected: pd.Series
    its: impact.ITSResult
    comparative: bool
    row: pd.DataFrame
    placebo: KpiPlacebo | None = None

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
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    kpi_name: str = "revenue_monthly",
    *,
    placebos: bool = True,
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

    With ``placebos`` the same model also runs at fake go-lives before the real one
    (:func:`series_placebo`); a change the model claims (its interval excludes zero) that lies
    inside that placebo distribution gets the guard ``inside_placebos`` (unless another guard
    already withholds it), its numbers unchanged.

    Returns None when the KPI's tables are absent.
    """
    kpi = kpis.get_kpi(kpi_name)
    if kpi.kind != "series":
        raise ValueError(f"{kpi_name} is not a monthly series KPI")
    found = observations(tables, assessment, kpi_name)
    if found is None:
        return None
    series = _joined(*found)
    control = _control_series(tables, assessment, kpi_name)
    analysis = _analysis(kpi, series, control, assessment.go_live_date, assessment.stats.alpha)
    if not placebos:
        return analysis
    check = series_placebo(analysis, tables, assessment)
    row = analysis.row
    if check.withholds and _claims(row) and not _claim_guarded(row):
        row = row.assign(guard=Guard.INSIDE_PLACEBOS.value)
    return dataclasses.replace(analysis, row=row, placebo=check)


def _analysis(
    kpi: kpis.KPI,
    series: pd.Series,
    control: pd.Series | None,
    go_live: Any,
    alpha: float,
    *,
    n_boot: int | None = None,
) -> SeriesAnalysis:
    """The model of :func:`time_series` on the KPI's monthly ``series`` (and the control
    group's, when usable); ``n_boot`` bootstrap draws (default: the model's own)."""
    options = {} if n_boot is None else {"n_boot": n_boot}
    first = _go_live_month(go_live)
    if control is not None:
        control = control.reindex(series.index)
    if control is None or not ((control > 0).all() and (series > 0).all()):
        its = impact.interrupted_time_series(series, go_live, model="auto", alpha=alpha, **options)
        expected = _expected(its, first)
        row = its.to_row()
        comparative = False
    else:
        its = impact.interrupted_time_series(
            series / control,
            go_live,
            seasonality=False,
            model="log-linear",
            alpha=alpha,
            **options,
        )
        expected = control * _expected(its, first)
        row = _comparative_row(series, expected, its, first)
        comparative = True
    row.insert(0, "unit", kpi.unit)
    row.insert(0, "label", kpi.label)
    return SeriesAnalysis(kpi, series, expected.reindex(series.index), its, comparative, row)


def _claims(row: pd.DataFrame) -> bool:
    """True when the model's interval of the change excludes zero."""
    low, high = float(row["ci_low"].iloc[0]), float(row["ci_high"].iloc[0])
    return low > 0 or high < 0


def _claim_guarded(row: pd.DataFrame) -> bool:
    code = row["guard"].iloc[0]
    return isinstance(code, str) and Guard(code).withholds_claim


def relative_effect(analysis: SeriesAnalysis) -> float:
    """The model's average effect from go-live relative to its expected path (a fraction).

    ``change`` over the mean expected level from go-live: the row's ``change_pct`` where a
    guard does not withhold it (both come from one model and one counterfactual), and the
    same ratio where one does; NaN when the model gave no estimate or the expected level is
    not above zero.

    Examples
    --------
    >>> import datetime as dt
    >>> months = pd.date_range("2024-01-01", periods=6, freq="MS")
    >>> series = pd.Series([100.0, 110.0, 120.0, 160.0, 170.0, 180.0], index=months)
    >>> fit = _analysis(kpis.get_kpi("revenue_monthly"), series, None, dt.date(2024, 4, 1), 0.05)
    >>> round(relative_effect(fit), 6)  # 30 over the projected 130, 140, 150: 30 / 140
    0.214286
    """
    change = float(analysis.row["change"].iloc[0])
    post = analysis.its.counterfactual.index
    if analysis.expected.empty or post.empty or not math.isfinite(change):
        return math.nan
    level = float(analysis.expected.reindex(post).mean())
    return change / level if level > 0 else math.nan


def series_placebo(
    analysis: SeriesAnalysis, tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> KpiPlacebo:
    """The time series' relative effect at fake go-lives before the real one.

    The KPI's monthly series (and the control group's) is observed once over the whole
    history; at every fake go-live month whose moved windows fit before the real go-live
    (:func:`crmkit.measure.placebo_kpis.moved_assessment`, the assessment's window lengths),
    the same model (:func:`time_series`: comparative with a usable control group, else the
    better of linear and log-linear, with a season term from 24 months before go-live) is
    fitted to those windows' months, point estimate only (no bootstrap). Every admissible
    date is used: a fit costs a few small regressions.

    The effect compared is :func:`relative_effect`: the real one is the row's ``change_pct``;
    at a fake date a guard that withholds the percentage there (a projection the months
    before it cannot support) does not leave the date out, since a date where the model runs
    wild is as much part of what the model does at any date.

    Returns
    -------
    KpiPlacebo
        ``kpi`` the KPI's name; status ``no_effect`` when the real row has no ``change_pct``.
    """
    name = analysis.kpi.name
    first = first_data_month(name, tables)
    real = analysis.row["change_pct"].iloc[0]
    real = float(real) if pd.notna(real) else math.nan

    def make_estimator() -> Callable[[Assessment], float]:
        whole = history_assessment(assessment, first)  # type: ignore[arg-type]
        found = observations(tables, whole, name)
        if found is None:
            return lambda moved: math.nan
        history = _joined(*found)
        control = _control_series(tables, whole, name)
        alpha = assessment.stats.alpha

        def estimate(moved: Assessment) -> float:
            months = window_months(moved.before).union(window_months(moved.after))
            series = history.reindex(months).dropna()
            fit = _analysis(
                analysis.kpi, series, control, moved.go_live_date, alpha, n_boot=_PLACEBO_DRAWS
            )
            return relative_effect(fit)

        return estimate

    return placebo_check(name, make_estimator, assessment, first=first, real_effect=real)


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
