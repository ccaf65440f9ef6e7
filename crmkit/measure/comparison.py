"""One KPI measured: its observations in both windows, and the test that fits its kind.

This is where the KPI catalog (:mod:`crmkit.kpis`: what each KPI is and what its
observations are) meets the statistics (:mod:`crmkit.stats.impact`: which test fits which
kind of observation).

Which test for which kind of KPI
--------------------------------
=========== ====================================================================================
kind        test (see :mod:`crmkit.stats.impact`)
=========== ====================================================================================
mean        Welch t-test on the means (Mann–Whitney U as a check); observations that cluster in
            units (orders of one customer) as a ratio of per-unit sums, Welch as the check
median      Mann–Whitney U with a Bonett–Price interval of the difference in medians
proportion  two-proportion z-test or Fisher's exact test, Newcombe interval; clustered trials
            (the contacts of one campaign) are compared as a ratio of per-unit sums
rate        exact conditional (Poisson) rate-ratio test; rates whose events cluster in units
            (orders of one customer, money of one campaign) as a ratio of per-unit sums
paired      paired t-test over the units seen in both windows (Wilcoxon as a check)
series      paired t-test of each month against the same calendar month of the other window
            (season removed; trend included); the interrupted time series of
            :func:`crmkit.measure.time_series` separates the trend
(domain)    KPIs measured by their domain module (NPS, churn, loyalty, CLV: see
            :attr:`crmkit.kpis.KPI.measured_by` and
            :data:`crmkit.measure.DOMAIN_MEASURES`), with the same one-row result
=========== ====================================================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data.config import Assessment
from crmkit.data.verdicts import Status
from crmkit.measure.domain_kpis import DOMAIN_MEASURES
from crmkit.stats import impact
from crmkit.stats.impact.notes import MonthsPairedByCalendarMonth, ObservationsClustered, noted


def compare_observations(
    kpi: kpis.KPI,
    before: Any,
    after: Any,
    *,
    go_live: Any,
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """Test the change of one KPI between its before and after observations.

    Parameters
    ----------
    kpi : KPI
        The KPI, whose ``kind`` picks the test (see the module docstring).
    before, after
        What ``kpi.observe`` returned for each window.
    go_live : date-like
        The go-live date (for series KPIs).
    alpha : float
        1 − the confidence level of the intervals.
    seed : int
        Seed of the bootstrap resampling, where one is used.

    Returns
    -------
    DataFrame
        One row with the columns of :data:`crmkit.stats.impact.CHANGE_COLUMNS`.
    """
    kind = kpi.kind
    if kind == "mean":
        if _clustered(before) or _clustered(after):
            return _clustered_mean(before, after, alpha=alpha)
        return impact.compare_means(before, after, alpha=alpha, seed=seed)
    if kind == "median":
        return impact.compare_medians(before, after, alpha=alpha, seed=seed)
    if kind == "paired":
        return impact.compare_paired(before, after, alpha=alpha)
    if kind == "series":
        return _same_months(before, after, alpha=alpha)
    if kind == "proportion":
        if before.by_unit is not None and after.by_unit is not None:
            return impact.compare_ratio_of_sums(
                before.by_unit.set_axis(["events", "exposure"], axis=1),
                after.by_unit.set_axis(["events", "exposure"], axis=1),
                alpha=alpha,
            )
        return impact.compare_proportions(
            before.successes, before.n, after.successes, after.n, alpha=alpha
        )
    if kind == "rate":
        if before.by_unit is not None and after.by_unit is not None:
            return impact.compare_ratio_of_sums(
                before.by_unit, after.by_unit, per=before.per, alpha=alpha
            )
        return impact.compare_rates(
            before.events,
            before.exposure,
            after.events,
            after.exposure,
            per=before.per,
            alpha=alpha,
        )
    raise ValueError(f"KPI {kpi.name} has an unknown kind {kind!r}")


def _same_months(before: pd.Series, after: pd.Series, *, alpha: float) -> pd.DataFrame:
    """A monthly series compared month by month with the same calendar month a year earlier.

    Pairing January with January removes the season, which a comparison of all months would
    mistake for noise (or, with windows of unequal seasons, for an effect). The change is the
    mean monthly difference; it includes any trend (a growing customer base): the time series
    and the control-group comparison of the impact overview separate that.
    """

    def by_calendar_month(values: pd.Series) -> pd.Series:
        values = values.dropna()
        return values.groupby(pd.DatetimeIndex(values.index).month).mean()

    row = impact.compare_paired(by_calendar_month(before), by_calendar_month(after), alpha=alpha)
    # A row without a p-value is what impact.finalize calls "insufficient data".
    if not pd.isna(row["p_value"].iloc[0]):
        row["test"] = "paired t-test on the same calendar months"
        row[["note", "note_facts"]] = list(noted(MonthsPairedByCalendarMonth()).values())
    return row


def _clustered(values: pd.Series) -> bool:
    """True when several observations share a unit (the index repeats: orders of a customer)."""
    return isinstance(values, pd.Series) and not values.index.is_unique


def _clustered_mean(before: pd.Series, after: pd.Series, *, alpha: float) -> pd.DataFrame:
    """A mean whose observations cluster in units, as a ratio of per-unit sums.

    The mean of orders is Σ amounts / Σ orders; summed per customer, it is a ratio of sums
    whose variance allows for customers whose orders resemble each other. Welch's t-test,
    which treats every order as independent, is reported beside it as the check.
    """

    def per_unit(values: pd.Series) -> pd.DataFrame:
        values = values.dropna()
        grouped = values.groupby(level=0, sort=False)
        return pd.DataFrame({"events": grouped.sum(), "exposure": grouped.size().astype(float)})

    row = impact.compare_ratio_of_sums(per_unit(before), per_unit(after), alpha=alpha)
    from scipy import stats

    b, a = before.dropna().to_numpy(float), after.dropna().to_numpy(float)
    if b.size > 1 and a.size > 1:
        row["check_test"] = "Welch t-test (observations as independent)"
        row["check_p_value"] = float(stats.ttest_ind(a, b, equal_var=False).pvalue)
    unit = before.index.name or "unit"
    if row["note"].iloc[0] is None:
        row[["note", "note_facts"]] = list(noted(ObservationsClustered(unit=str(unit))).values())
    return row


def empty_row(note: str) -> pd.DataFrame:
    row = pd.DataFrame([dict.fromkeys(impact.CHANGE_COLUMNS, np.nan)])
    row["note"] = note
    row["test"] = None
    return row


def measure_one(
    kpi: kpis.KPI, tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> tuple[pd.DataFrame, Status]:
    """One KPI's result row and its status: measured, or skipped with the reason."""
    stats = assessment.stats
    reason = kpis.available(kpi, tables)
    if reason is not None:
        return empty_row(reason), Status.SKIPPED
    if kpi.measured_by is not None:  # measured by its domain module, both windows at once
        compare = DOMAIN_MEASURES[kpi.name]
        return compare(tables, assessment, alpha=stats.alpha, seed=stats.seed), Status.MEASURED
    before, after = kpis.observe_windows(tables, assessment, [kpi])[kpi.name]
    row = compare_observations(
        kpi, before, after, go_live=assessment.go_live_date, alpha=stats.alpha, seed=stats.seed
    )
    return row, Status.MEASURED


def observations(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, kpi_name: str
) -> tuple[Any, Any] | None:
    """One KPI's before and after observations (CRM units only), or None when it is skipped."""
    found = kpis.observe_windows(tables, assessment, [kpi_name])[kpi_name]
    return None if isinstance(found, str) else found
