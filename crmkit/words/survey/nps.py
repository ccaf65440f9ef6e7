"""The Net Promoter Score in words: the mix per window, the score by group, and readings."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment
from crmkit.data.verdicts import Verdict
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
from crmkit.words.language import term, tr
from crmkit.words.phrases import what_it_means
from crmkit.words.survey.fragments import (
    control_flags,
    group_header,
    group_names,
    interval_column,
    interval_range,
    listed,
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
            tr("Promoters (9–10)"): windows["promoter_share"].to_numpy(float),
            tr("Passives (7–8)"): windows["passive_share"].to_numpy(float),
            tr("Detractors (0–6)"): windows["detractor_share"].to_numpy(float),
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
    window, answers, interval = tr("Window"), tr("Answers"), tr("Confidence interval")
    promoters, passives, detractors = tr("Promoters"), tr("Passives"), tr("Detractors")
    se, p_value = tr("Standard error"), tr("p-value")
    frame = pd.DataFrame(
        {
            window: [window_label(w) for w in windows["window"]],
            answers: windows["n"].astype("Int64"),
            promoters: windows["promoter_share"].to_numpy(float) * 100,
            passives: windows["passive_share"].to_numpy(float) * 100,
            detractors: windows["detractor_share"].to_numpy(float) * 100,
            "NPS": ["–" if is_missing(v) else f"{v:.1f}" for v in windows["nps"]],
            se: windows["se"].to_numpy(float),
            interval: interval_column(windows["ci_low"], windows["ci_high"]),
            p_value: ["–"] * len(windows),
        }
    )
    if change is not None and "kpi" in change.columns:
        change = change.loc[change["kpi"] == "nps"]
    if change is not None and len(change):
        row = change.iloc[0]
        frame.loc[len(frame)] = {
            window: tr("Change (after − before)"),
            answers: pd.NA,
            promoters: math.nan,
            passives: math.nan,
            detractors: math.nan,
            "NPS": format_signed(float(row["change"])),
            se: math.nan,
            interval: interval_range(row["ci_low"], row["ci_high"], "{:+.1f}"),
            p_value: format_p_value(row["p_value"]),
        }
    count, points = tr("count"), tr("points")
    units = {
        answers: count,
        promoters: "%",
        passives: "%",
        detractors: "%",
        "NPS": points,
        se: points,
        interval: points,
    }
    formats = {
        answers: "{:,}",
        **dict.fromkeys([promoters, passives, detractors], "{:.1f}"),
    }
    formats |= {se: "{:.2f}"}
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
        counts = listed([_answers_in(w, int(by.loc[w, "n"])) for w in by.index])
        return what_it_means(
            tr(
                "too few answers to say whether customers recommend the company more or less "
                "since go-live ({counts}); at least a few dozen answers per window are needed.",
                counts=counts,
            )
        )
    b, a = by.loc["before"], by.loc["after"]
    mix = tr(
        "promoters went from {promoters_before} to {promoters_after} of answers and detractors "
        "from {detractors_before} to {detractors_after}",
        promoters_before=format_percent(b["promoter_share"]),
        promoters_after=format_percent(a["promoter_share"]),
        detractors_before=format_percent(b["detractor_share"]),
        detractors_after=format_percent(a["detractor_share"]),
    )
    change = format_signed(float(row["change"]))
    if verdict == Verdict.IMPROVED:
        return what_it_means(
            tr(
                "more customers would recommend the company after go-live: {mix}, and the Net "
                "Promoter Score moved by {change} points, more than chance explains.",
                mix=mix,
                change=change,
            )
        )
    if verdict == Verdict.WORSENED:
        return what_it_means(
            tr(
                "fewer customers would recommend the company after go-live: {mix}, and the Net "
                "Promoter Score moved by {change} points, more than chance explains.",
                mix=mix,
                change=change,
            )
        )
    return what_it_means(
        tr(
            "customers' willingness to recommend the company has not changed detectably since "
            "go-live ({mix}; {change} points, within what chance produces).",
            mix=mix,
            change=change,
        )
    )


def _answers_in(window: str, n: int) -> str:
    """ "12 before": a window's number of answers, for a list in a sentence."""
    if window == "before":
        return tr("{n} before", n=n)
    if window == "after":
        return tr("{n} after", n=n)
    return f"{n} {window}"


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
        return tr("NPS by {by}: too few groups with answers to compare", by=term(by))
    top = usable.loc[usable["nps"].idxmax()]
    bottom = usable.loc[usable["nps"].idxmin()]
    test = nps_group_test(usable).iloc[0]
    fields = {
        "by": term(by),
        "top": top[by],
        "top_nps": f"{top['nps']:.1f}",
        "bottom": bottom[by],
        "bottom_nps": f"{bottom['nps']:.1f}",
    }
    if is_missing(test["p_value"]):
        return tr(
            "NPS by {by}: highest in {top} ({top_nps}), lowest in {bottom} ({bottom_nps}) — "
            "too few answers to test the gap",
            **fields,
        )
    if test["p_value"] < alpha:
        return tr(
            "NPS by {by}: highest in {top} ({top_nps}), lowest in {bottom} ({bottom_nps}) — "
            "a gap larger than chance explains",
            **fields,
        )
    return tr(
        "NPS by {by}: highest in {top} ({top_nps}), lowest in {bottom} ({bottom_nps}) — "
        "a gap within what chance produces",
        **fields,
    )


def nps_by_view(table: pd.DataFrame, by: str, assessment: Assessment | None = None) -> TableView:
    """:func:`nps_by_window` as a table with units."""
    answers, interval = tr("Answers"), tr("Confidence interval")
    promoters, detractors = tr("Promoters"), tr("Detractors")
    frame = pd.DataFrame(
        {
            group_header(by): group_names(table, by, assessment),
            answers: table["n"].astype("Int64"),
            promoters: table["promoter_share"].to_numpy(float) * 100,
            detractors: table["detractor_share"].to_numpy(float) * 100,
            "NPS": table["nps"].to_numpy(float),
            interval: interval_column(table["ci_low"], table["ci_high"]),
        }
    )
    units = {
        answers: tr("count"),
        promoters: "%",
        detractors: "%",
        "NPS": tr("points"),
        interval: tr("points"),
    }
    formats = {answers: "{:,}", promoters: "{:.1f}", detractors: "{:.1f}", "NPS": "{:.1f}"}
    return TableView(frame, units, formats)


def nps_by_text(table: pd.DataFrame, by: str, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for the NPS by group: where to look first, or that the groups agree."""
    usable = table.loc[table["nps"].notna()]
    test = nps_group_test(usable).iloc[0]
    if is_missing(test["p_value"]):
        return what_it_means(tr("there are too few answers per {by} to compare them.", by=term(by)))
    bottom = usable.loc[usable["nps"].idxmin()]
    small = usable.loc[usable["n"] < SMALL_SAMPLE, by].astype(str).tolist()
    caveat = (
        tr(
            " Groups with fewer than {n} answers ({groups}) have wide intervals.",
            n=SMALL_SAMPLE,
            groups=listed(small),
        )
        if small
        else ""
    )
    fields = {
        "by": term(by),
        "statistic": f"{test['statistic']:.1f}",
        "df": int(test["df"]),
        "p": format_p_statement(test["p_value"]),
        "caveat": caveat,
    }
    if test["p_value"] < alpha:
        return what_it_means(
            tr(
                "customers' willingness to recommend differs by {by} (chi-square = {statistic}, "
                "df = {df}, {p}). {lowest} has the lowest score ({nps}): start improvement work "
                "there.{caveat}",
                lowest=bottom[by],
                nps=f"{bottom['nps']:.1f}",
                **fields,
            )
        )
    return what_it_means(
        tr(
            "the {by}s do not differ by more than chance explains (chi-square = {statistic}, "
            "df = {df}, {p}): satisfaction is a company-wide matter rather than one of a "
            "particular {by}.{caveat}",
            **fields,
        )
    )
