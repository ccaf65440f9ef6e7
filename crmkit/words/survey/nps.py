"""The Net Promoter Score in words: the mix per window, the score by group, and readings."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment
from crmkit.data.verdicts import CLAIMED, Verdict
from crmkit.domains.survey.changes import row_verdict
from crmkit.domains.survey.nps import nps_group_test
from crmkit.domains.survey.responses import SMALL_SAMPLE
from crmkit.words.formats import (
    TableView,
    format_p_statement,
    format_p_value,
    format_percent,
    format_signed,
    is_missing,
)
from crmkit.words.phrases import what_it_means
from crmkit.words.survey.fragments import (
    control_flags,
    group_names,
    interval_column,
    interval_range,
    window_label,
)

__all__ = [
    "nps_by_frame",
    "nps_by_text",
    "nps_by_title",
    "nps_by_view",
    "nps_mix",
    "nps_text",
    "nps_view",
]


def nps_mix(windows: pd.DataFrame) -> pd.DataFrame:
    """Promoters, passives and detractors per window, for a stacked share chart.

    Parameters
    ----------
    windows : pandas.DataFrame
        :func:`nps_windows`.

    Returns
    -------
    pandas.DataFrame
        Index: the window with its number of answers ("Before go-live (n = 3,585)"); columns
        "Promoters (9–10)", "Passives (7–8)", "Detractors (0–6)" as fractions.

    Examples
    --------
    >>> w = pd.DataFrame({"window": ["after"], "n": [10], "promoter_share": [0.5],
    ...                   "passive_share": [0.3], "detractor_share": [0.2]})
    >>> nps_mix(w).to_dict("index")
    {'After go-live (n = 10)': {'Promoters (9–10)': 0.5, 'Passives (7–8)': 0.3, 'Detractors (0–6)': 0.2}}
    """
    index = [window_label(w, int(n)) for w, n in zip(windows["window"], windows["n"], strict=True)]
    return pd.DataFrame(
        {
            "Promoters (9–10)": windows["promoter_share"].to_numpy(float),
            "Passives (7–8)": windows["passive_share"].to_numpy(float),
            "Detractors (0–6)": windows["detractor_share"].to_numpy(float),
        },
        index=pd.Index(index, name="window"),
    )


def nps_view(windows: pd.DataFrame, change: pd.DataFrame | None = None) -> TableView:
    """The NPS per window (and the change) as a table with units.

    Parameters
    ----------
    windows : pandas.DataFrame
        :func:`nps_windows`.
    change : pandas.DataFrame, optional
        :func:`survey_changes` (its ``nps`` row is used) or a one-row :func:`compare_nps`:
        adds a row "Change (after − before)" with its interval and p-value (not corrected
        for the number of KPIs).

    Returns
    -------
    crmkit.data.quality.TableView
        Columns Window, Answers (count), Promoters, Passives, Detractors (%), NPS, Standard
        error (points), Confidence interval (points), p-value.
    """
    frame = pd.DataFrame(
        {
            "Window": [window_label(w) for w in windows["window"]],
            "Answers": windows["n"].astype("Int64"),
            "Promoters": windows["promoter_share"].to_numpy(float) * 100,
            "Passives": windows["passive_share"].to_numpy(float) * 100,
            "Detractors": windows["detractor_share"].to_numpy(float) * 100,
            "NPS": ["–" if is_missing(v) else f"{v:.1f}" for v in windows["nps"]],
            "Standard error": windows["se"].to_numpy(float),
            "Confidence interval": interval_column(windows["ci_low"], windows["ci_high"]),
            "p-value": ["–"] * len(windows),
        }
    )
    if change is not None and "kpi" in change.columns:
        change = change.loc[change["kpi"] == "nps"]
    if change is not None and len(change):
        row = change.iloc[0]
        frame.loc[len(frame)] = {
            "Window": "Change (after − before)",
            "Answers": pd.NA,
            "Promoters": math.nan,
            "Passives": math.nan,
            "Detractors": math.nan,
            "NPS": format_signed(float(row["change"])),
            "Standard error": math.nan,
            "Confidence interval": interval_range(row["ci_low"], row["ci_high"], "{:+.1f}"),
            "p-value": format_p_value(row["p_value"]),
        }
    units = {
        "Answers": "count",
        "Promoters": "%",
        "Passives": "%",
        "Detractors": "%",
        "NPS": "points",
        "Standard error": "points",
        "Confidence interval": "points",
    }
    formats = {
        "Answers": "{:,}",
        **dict.fromkeys(["Promoters", "Passives", "Detractors"], "{:.1f}"),
    }
    formats |= {"Standard error": "{:.2f}"}
    return TableView(frame, units, formats)


def nps_text(windows: pd.DataFrame, row: Any, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for the NPS before and after go-live.

    Parameters
    ----------
    windows : pandas.DataFrame
        :func:`nps_windows`.
    row : mapping
        The NPS result row of the KPI catalog (:func:`crmkit.measure.measure_kpis`, with
        ``verdict``) or a :func:`compare_nps` row (with ``p_value``).
    alpha : float
        Significance level for a row without a verdict.

    Returns
    -------
    str
        A markdown paragraph starting "**What it means:**".

    Examples
    --------
    >>> w = pd.DataFrame({"window": ["before", "after"], "n": [900, 950], "nps": [20.0, 28.0],
    ...     "promoter_share": [0.45, 0.5], "detractor_share": [0.25, 0.22]})
    >>> print(nps_text(w, {"change": 8.0, "verdict": "improved"}))
    **What it means:** more customers would recommend the company after go-live: promoters went from 45.0 % to 50.0 % of answers and detractors from 25.0 % to 22.0 %, and the Net Promoter Score moved by +8.0 points, more than chance explains.
    """
    verdict = row_verdict(row, alpha)
    by = windows.set_index("window")
    if verdict == Verdict.INSUFFICIENT or not {"before", "after"} <= set(by.index):
        n = ", ".join(f"{int(by.loc[w, 'n'])} {w}" for w in by.index)
        return what_it_means(
            f"too few answers to say whether customers recommend the company more or less since "
            f"go-live ({n}); at least a few dozen answers per window are needed."
        )
    b, a = by.loc["before"], by.loc["after"]
    mix = (
        f"promoters went from {format_percent(b['promoter_share'])} to "
        f"{format_percent(a['promoter_share'])} of answers and detractors from "
        f"{format_percent(b['detractor_share'])} to {format_percent(a['detractor_share'])}"
    )
    change = float(row["change"])
    if verdict in CLAIMED:
        more = "more" if verdict == Verdict.IMPROVED else "fewer"
        return what_it_means(
            f"{more} customers would recommend the company after go-live: {mix}, and the Net "
            f"Promoter Score moved by {format_signed(change)} points, more than chance explains."
        )
    return what_it_means(
        f"customers' willingness to recommend the company has not changed detectably since "
        f"go-live ({mix}; {format_signed(change)} points, within what chance produces)."
    )


def nps_by_frame(
    table: pd.DataFrame, by: str, assessment: Assessment | None = None
) -> pd.DataFrame:
    """:func:`nps_by_window` as :func:`crmkit.report.plots.interval_chart` draws it.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``label`` (the group, marked "(no CRM)" when it is the control
        group), ``estimate`` (NPS), ``ci_low``, ``ci_high``, ``n``, ``crm`` (False for the
        control group's rows).
    """
    control = control_flags(table, by, assessment)
    return pd.DataFrame(
        {
            "label": group_names(table, by, assessment),
            "estimate": table["nps"].to_numpy(float),
            "ci_low": table["ci_low"].to_numpy(float),
            "ci_high": table["ci_high"].to_numpy(float),
            "n": table["n"].to_numpy(np.int64),
            "crm": ~control,
        }
    )


def nps_by_title(table: pd.DataFrame, by: str, *, alpha: float = 0.05) -> str:
    """A chart title that states where the NPS is highest and lowest, and whether it differs.

    Examples
    --------
    >>> t = pd.DataFrame({"region": ["East", "West"], "nps": [30.7, 23.0], "se": [1.6, 1.6],
    ...                   "n": [2000, 2100]})
    >>> nps_by_title(t, "region")
    'NPS by region: highest in East (30.7), lowest in West (23.0) — a gap larger than chance explains'
    """
    usable = table.loc[table["nps"].notna()]
    if len(usable) < 2:
        return f"NPS by {by}: too few groups with answers to compare"
    top = usable.loc[usable["nps"].idxmax()]
    bottom = usable.loc[usable["nps"].idxmin()]
    test = nps_group_test(usable).iloc[0]
    if is_missing(test["p_value"]):
        verdict = "too few answers to test the gap"
    elif test["p_value"] < alpha:
        verdict = "a gap larger than chance explains"
    else:
        verdict = "a gap within what chance produces"
    return (
        f"NPS by {by}: highest in {top[by]} ({top['nps']:.1f}), lowest in {bottom[by]} "
        f"({bottom['nps']:.1f}) — {verdict}"
    )


def nps_by_view(table: pd.DataFrame, by: str, assessment: Assessment | None = None) -> TableView:
    """:func:`nps_by_window` as a table with units."""
    frame = pd.DataFrame(
        {
            by.replace("_", " ").capitalize(): group_names(table, by, assessment),
            "Answers": table["n"].astype("Int64"),
            "Promoters": table["promoter_share"].to_numpy(float) * 100,
            "Detractors": table["detractor_share"].to_numpy(float) * 100,
            "NPS": table["nps"].to_numpy(float),
            "Confidence interval": interval_column(table["ci_low"], table["ci_high"]),
        }
    )
    units = {
        "Answers": "count",
        "Promoters": "%",
        "Detractors": "%",
        "NPS": "points",
        "Confidence interval": "points",
    }
    formats = {"Answers": "{:,}", "Promoters": "{:.1f}", "Detractors": "{:.1f}", "NPS": "{:.1f}"}
    return TableView(frame, units, formats)


def nps_by_text(table: pd.DataFrame, by: str, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for the NPS by group: where to look first, or that the groups agree."""
    usable = table.loc[table["nps"].notna()]
    test = nps_group_test(usable).iloc[0]
    if is_missing(test["p_value"]):
        return what_it_means(f"there are too few answers per {by} to compare them.")
    bottom = usable.loc[usable["nps"].idxmin()]
    p = format_p_statement(test["p_value"])
    small = usable.loc[usable["n"] < SMALL_SAMPLE, by].astype(str).tolist()
    caveat = (
        f" Groups with fewer than {SMALL_SAMPLE} answers ({', '.join(small)}) have wide intervals."
        if small
        else ""
    )
    if test["p_value"] < alpha:
        return what_it_means(
            f"customers' willingness to recommend differs by {by} (chi-square = "
            f"{test['statistic']:.1f}, df = {int(test['df'])}, {p}). {bottom[by]} has the lowest "
            f"score ({bottom['nps']:.1f}): start improvement work there.{caveat}"
        )
    return what_it_means(
        f"the {by}s do not differ by more than chance explains (chi-square = "
        f"{test['statistic']:.1f}, df = {int(test['df'])}, {p}): satisfaction is a company-wide "
        f"matter rather than one of a particular {by}.{caveat}"
    )
