"""The KPI results as a page shows them: tables with formatted numbers, chart data in percent.

The measure layer (:mod:`crmkit.measure`) returns numbers; this module turns them into what a
reader sees: each KPI's row in its own unit with its verdict sentence
(:func:`results_table`), the channel mix (:func:`channel_mix_table`), the time series'
terms (:func:`coefficients_table`), chart frames and labels, and the scope of a KPI in words
(:func:`scope_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis, measure
from crmkit.data.config import Assessment, Control
from crmkit.measure.time_series import SeriesAnalysis
from crmkit.words.formats import (
    display_unit,
    format_change_pct,
    format_kpi_change,
    format_kpi_value,
    format_p_value,
    is_missing,
)
from crmkit.words.language import term, tr
from crmkit.words.narrative import kpi_verdict_text

__all__ = [
    "campaign_response_rates",
    "campaign_table",
    "channel_changes",
    "channel_mix_table",
    "coefficients_table",
    "in_percent",
    "results_table",
    "scope_of",
    "series_chart_frame",
]


def results_table(
    results: pd.DataFrame, *, currency: str = "", alpha: float = 0.05
) -> pd.DataFrame:
    """The result rows as a reader sees them: numbers formatted, each row in its KPI's unit.

    Parameters
    ----------
    results : DataFrame
        Rows of :func:`crmkit.measure.measure_kpis`.
    currency : str
        The client's currency code.
    alpha : float
        1 − the confidence level, for the intervals' column names.

    Returns
    -------
    DataFrame
        Columns KPI, Unit, Before, After, Change, Change (%), the confidence interval of the
        change, Adjusted p, Verdict, Test, Observations (before / after) — text, since the rows'
        units differ — and, when any KPI was measured on a control group, the change net of
        the control group's with its interval. Shares and ratios are in percent; their changes
        in percentage points. The verdict says what a KPI not measured needs ("not measured:
        needs tickets.csv") and why a guarded one is not claimed
        (:func:`crmkit.words.narrative.kpi_verdict_text`); a withheld percentage shows as missing.
    """
    confidence = f"{(1 - alpha) * 100:.0f}"
    level = tr("{confidence} % CI of the change", confidence=confidence)
    net = tr("Change net of the control group ({confidence} % CI)", confidence=confidence)
    with_control = "did_change" in results and results["did_change"].notna().any()
    rows = []
    for _, r in results.iterrows():
        unit = r["unit"]

        def value(v: float, unit: str = unit) -> str:
            return format_kpi_value(v, unit, currency, with_unit=False)

        def change(v: float, unit: str = unit) -> str:
            return format_kpi_change(v, unit, currency, with_unit=False)

        def interval(low: Any, high: Any) -> str:
            return (
                "–"
                if is_missing(low) or is_missing(high)
                else tr("{low} to {high}", low=change(low), high=change(high))
            )

        counts = (
            "–" if is_missing(r["n_before"]) else f"{int(r['n_before']):,} / {int(r['n_after']):,}"
        )
        row = {
            tr("KPI"): term(r["label"]),
            tr("Unit"): display_unit(unit, currency),
            tr("Before"): value(r["before"]),
            tr("After"): value(r["after"]),
            tr("Change"): change(r["change"]),
            tr("Change (%)"): format_change_pct(r["change_pct"]),
            level: interval(r["ci_low"], r["ci_high"]),
            tr("Adjusted p"): format_p_value(r["p_adjusted"]),
            tr("Verdict"): kpi_verdict_text(r),
            tr("Test"): term(r["test"]) if isinstance(r["test"], str) else "–",
            tr("Observations (before / after)"): counts,
        }
        if with_control:
            did = r["did_change"]
            row[net] = (
                "–"
                if is_missing(did)
                else f"{change(did)} ({interval(r['did_ci_low'], r['did_ci_high'])})"
            )
        rows.append(row)
    return pd.DataFrame(rows)


def coefficients_table(analysis: SeriesAnalysis, *, currency: str = "") -> pd.DataFrame:
    """The time series regression's terms as a reader sees them.

    In the KPI's unit per month; for a comparative series in percent of the control
    group's level (the model runs on the log ratio); for a log-linear model in percent
    (the first month's level in the KPI's unit).

    Parameters
    ----------
    analysis : SeriesAnalysis
        From :func:`crmkit.measure.time_series`.
    currency : str
        The client's currency code.
    """
    names = {
        "baseline_level": tr("Level in the first month"),
        "pre_slope": tr("Trend before go-live (per month)"),
        "level_change": tr("Jump at go-live"),
        "slope_change": tr("Change of trend from go-live (per month)"),
        "season_sin": tr("Yearly season (sine term)"),
        "season_cos": tr("Yearly season (cosine term)"),
    }
    c = analysis.its.coefficients
    if analysis.comparative:
        names["baseline_level"] = tr("Gap to the control group in the first month (log ratio)")

    def shown(v: float, term: str) -> str:
        if analysis.comparative or (analysis.model == "log-linear" and term != "baseline_level"):
            return format_change_pct(np.expm1(v))
        if analysis.model == "log-linear":
            return format_kpi_value(np.exp(v), analysis.kpi.unit, currency)
        return format_kpi_change(v, analysis.kpi.unit, currency)

    return pd.DataFrame(
        {
            tr("Term"): c["term"].map(names).fillna(c["term"]),
            **{
                heading: [shown(v, t) for v, t in zip(c[column], c["term"], strict=True)]
                for heading, column in (
                    (tr("Estimate"), "estimate"),
                    (tr("CI low"), "ci_low"),
                    (tr("CI high"), "ci_high"),
                )
            },
            "p": [format_p_value(v) for v in c["p_value"]],
        }
    )


def scope_of(kpi: kpis.KPI, tables: Mapping[str, pd.DataFrame], control: Control | None) -> str:
    """How the KPI's rows are restricted to the units that got the CRM, in words.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmkit.data.config import Control
    >>> tables = {"campaigns": pd.DataFrame(columns=["campaign_id", "start_date", "cost"])}
    >>> scope_of(kpis.get_kpi("campaign_roi"), tables, Control("region", ("West",)))
    'campaigns: company-wide (no link to region)'
    """
    if control is None:
        return tr("all units (no control group)")
    parts = []
    column, values = control.column, ", ".join(control.values)
    for name, route in kpis.control_routes(kpi, tables, control).items():
        what = {
            "own": tr("{column} of each row not in {values}", column=column, values=values),
            "customer": tr(
                "{column} of the row's customer not in {values}", column=column, values=values
            ),
            "rep_id": tr(
                "{column} of the rep's orders and opportunities not in {values}",
                column=column,
                values=values,
            ),
            "user_id": tr(
                "{column} of the user's orders and opportunities (as rep) not in {values}",
                column=column,
                values=values,
            ),
            None: tr("company-wide (no link to {column})", column=column),
        }[route]
        parts.append(tr("{table}: {scope}", table=name, scope=what))
    return tr("; ").join(parts)


def series_chart_frame(analysis: SeriesAnalysis) -> pd.DataFrame:
    """Columns "Actual" and "Expected without go-live", indexed by month, for the chart."""
    return pd.DataFrame(
        {tr("Actual"): analysis.series, tr("Expected without go-live"): analysis.expected}
    )


def channel_mix_table(mix: pd.DataFrame) -> pd.DataFrame:
    """The channel mix as a reader sees it: counts, shares and the change in points.

    ``mix`` is :func:`crmkit.measure.channel_mix`.
    """

    def points(v: float) -> str:
        return f"{v * 100:+.1f}"

    return pd.DataFrame(
        {
            tr("Channel"): mix["category"],
            tr("Tickets before"): mix["before_count"].map("{:,}".format),
            tr("Tickets after"): mix["after_count"].map("{:,}".format),
            tr("Share before (%)"): (mix["before_share"] * 100).map("{:.1f}".format),
            tr("Share after (%)"): (mix["after_share"] * 100).map("{:.1f}".format),
            tr("Change (points)"): mix["change"].map(points),
            tr("CI of the change (points)"): [
                tr("{low} to {high}", low=points(lo), high=points(hi))
                for lo, hi in zip(mix["ci_low"], mix["ci_high"], strict=True)
            ],
            tr("Mix changed? (chi-square p)"): mix["p_value"].map(format_p_value),
        }
    )


def campaign_table(tables: Mapping[str, pd.DataFrame], assessment: Assessment) -> pd.DataFrame:
    """Each campaign of the two windows with its response rate and its label, in start order.

    Returns
    -------
    DataFrame
        :func:`crmkit.measure.campaign_responses` with ``label`` (id and start month, e.g.
        "C1 (2024-01)") after ``start_date``.
    """
    campaigns = measure.campaign_responses(tables, assessment)
    label = campaigns["campaign_id"] + " (" + campaigns["start_date"].dt.strftime("%Y-%m") + ")"
    campaigns.insert(2, "label", label)
    return campaigns


def in_percent(values: pd.Series) -> pd.Series:
    """Fractions as percentages for a chart (0.25 → 25.0); the name and index are kept."""
    return values * 100


def channel_changes(mix: pd.DataFrame) -> pd.Series:
    """The change of each channel's share in percentage points, indexed by channel."""
    return in_percent(mix.set_index("category")["change"])


def campaign_response_rates(table: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """Each campaign's response rate in percent (by label) and the labels of campaigns from go-live.

    ``table`` is :func:`campaign_table`.
    """
    rates = in_percent(table.set_index("label")["response_rate"])
    return rates, table.loc[table["after"], "label"].tolist()
