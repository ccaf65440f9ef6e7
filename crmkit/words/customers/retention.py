"""The words of retention: churn per window, cohorts, and survival curves.

Tables with units (:class:`crmkit.words.formats.TableView`), the frames the charts draw, chart
titles that state the finding, and "What it means" paragraphs, built from the numbers of
:mod:`crmkit.domains.customers`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.guards import Guard
from crmkit.domains.customers import (
    ChurnSummary,
    cohort_matrix,
)
from crmkit.words.customers.readings import change_detected, interval_cells
from crmkit.words.formats import (
    TableView,
    format_p_statement,
    format_p_value,
    format_percent,
    format_signed,
    is_missing,
)
from crmkit.words.phrases import WINDOW_LABELS, what_it_means


def _percent(share: float) -> str:
    return f"{share * 100:.1f}"


def churn_frame(summary: ChurnSummary) -> pd.DataFrame:
    """Annual churn per window (and the control group's) as :func:`crmkit.report.plots.interval_chart` draws it.

    Parameters
    ----------
    summary : ChurnSummary
        :func:`churn_summary`.

    Returns
    -------
    pandas.DataFrame
        One row per window and group: ``label`` ("CRM units, before go-live" …; "Customers, …"
        without a control group), ``estimate``, ``ci_low``, ``ci_high`` (annual churn
        probability in percent), ``highlight`` (True for the CRM units after go-live).
    """
    main = "CRM units" if summary.control_rates is not None else "Customers"
    parts = [(main, summary.rates)]
    if summary.control_rates is not None:
        parts.append(("Control group (no CRM)", summary.control_rates))
    rows = []
    for group, frame in parts:
        for r in frame.to_dict("records"):
            rows.append(
                {
                    "label": f"{group}, {WINDOW_LABELS[r['window']].lower()}",
                    "estimate": r["churn_probability"] * 100,
                    "ci_low": r["ci_low"] * 100,
                    "ci_high": r["ci_high"] * 100,
                    "highlight": group == main and r["window"] == "after",
                }
            )
    return pd.DataFrame(rows, columns=["label", "estimate", "ci_low", "ci_high", "highlight"])


def churn_view(rates: pd.DataFrame) -> TableView:
    """:func:`churn_rates` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [WINDOW_LABELS.get(w, w) for w in rates["window"]],
            "Customers active at the start": rates["customers_at_start"].astype("Int64"),
            "Acquired (followed from the next window)": rates["acquired"].astype("Int64"),
            "Churned": rates["churned"].astype("Int64"),
            "Customer-years at risk": rates["customer_years"].to_numpy(float),
            "Annual churn": rates["churn_probability"].to_numpy(float) * 100,
            "Confidence interval": interval_cells(rates["ci_low"], rates["ci_high"], _percent),
            "Annual retention": rates["retention"].to_numpy(float) * 100,
        }
    )
    units = {
        "Customers active at the start": "count",
        "Acquired (followed from the next window)": "count",
        "Churned": "count",
        "Customer-years at risk": "years",
        "Annual churn": "%",
        "Confidence interval": "%",
        "Annual retention": "%",
    }
    formats = {
        "Customers active at the start": "{:,}",
        "Acquired (followed from the next window)": "{:,}",
        "Churned": "{:,}",
        "Customer-years at risk": "{:,.0f}",
        "Annual churn": "{:.1f}",
        "Annual retention": "{:.1f}",
    }
    return TableView(frame, units, formats)


def churn_text(row: Any, summary: ChurnSummary, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for churn before and after go-live, against the control group's.

    Parameters
    ----------
    row : mapping
        The churn KPI's result row (:func:`crmkit.measure.measure_kpis`, with ``verdict``) or
        the :func:`compare_churn` row.
    summary : ChurnSummary
        :func:`churn_summary` (where churn came from; the control group's change).
    alpha : float
        Significance level for rows without a verdict.

    Examples
    --------
    >>> rates = pd.DataFrame({"source": ["churned_date"] * 2})
    >>> row = {"before": 0.18, "after": 0.13, "change": -0.05, "verdict": "improved"}
    >>> print(churn_text(row, ChurnSummary(rates, None, None)))
    **What it means:** of every 100 customers, about 18 left within a year before go-live and 13 after: customers stay longer, by more than chance explains.
    """
    detected = change_detected(row, alpha)
    guard = row.get("guard") if hasattr(row, "get") else None
    if guard == Guard.NOT_COMPARABLE:
        reasons = summary.rates["reason"].dropna() if "reason" in summary.rates else []
        reason = str(reasons.iloc[0]) if len(reasons) else "the two windows do not compare"
        return what_it_means(
            f"churn before and after go-live is not compared: {reason}. A change measured on "
            "different customers would not be the CRM's."
        )
    if detected is None or is_missing(row["before"]) or is_missing(row["after"]):
        return what_it_means(
            "there are too few customers or churn events to compare the two windows."
        )
    opening = (
        f"of every 100 customers, about {row['before'] * 100:.0f} left within a year before "
        f"go-live and {row['after'] * 100:.0f} after"
    )
    if not detected:
        text = f"{opening}, a difference within what chance produces."
    else:
        better = row["change"] < 0
        text = (
            f"{opening}: customers {'stay longer' if better else 'leave sooner'}, by more than "
            "chance explains."
        )
    control = summary.control_change
    if control is not None and len(control):
        c = control.iloc[0]
        if not is_missing(c["p_value"]):
            moved = c["p_value"] < alpha
            text += (
                f" In the control group, which kept its old tools, churn went from "
                f"{format_percent(c['before'])} to {format_percent(c['after'])}"
                + (
                    " — it moved too, so part of the change is not the CRM's."
                    if moved
                    else ", no detectable change: the market did not move churn on its own."
                )
            )
    if str(summary.rates["source"].iloc[0]) == "inactivity":
        text += (
            " Churn here means no order for 180 days (the customers table records no churn "
            "dates), so a slow buyer can count as lost."
        )
    return what_it_means(text)


def cohort_view(cohorts: pd.DataFrame, *, periods: Sequence[int] = (0, 1, 3, 6, 12)) -> TableView:
    """Cohort retention as a table: each cohort's size and its share active k months on.

    Parameters
    ----------
    cohorts : pandas.DataFrame
        :func:`cohort_retention`.
    periods : sequence of int
        The periods since acquisition shown as columns.

    Returns
    -------
    crmkit.data.quality.TableView
        One row per cohort: Acquired in (month), Customers (count), then "Month k" (%) for
        each period, as whole percentages; blank where the period has not been observed yet.

    Examples
    --------
    >>> long = pd.DataFrame({"cohort": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01"]),
    ...                      "period": [0, 1, 0], "share": [1.0, 0.5, 0.25], "cohort_size": [2, 2, 4]})
    >>> cohort_view(long, periods=[0, 1]).frame.to_dict("list")
    {'Acquired in': ['2024-01', '2024-02'], 'Customers': [2, 4], 'Month 0': ['100', '25'], 'Month 1': ['50', '']}
    """
    matrix = cohort_matrix(cohorts) if len(cohorts) else pd.DataFrame()
    sizes = cohorts.groupby("cohort")["cohort_size"].first() if len(cohorts) else pd.Series()
    frame = pd.DataFrame(
        {
            "Acquired in": [f"{pd.Timestamp(c):%Y-%m}" for c in matrix.index],
            "Customers": [int(v) for v in sizes.reindex(matrix.index)],
        }
    )
    labels = []
    for k in periods:
        label = f"Month {k}"
        labels.append(label)
        values = matrix[k] if k in matrix.columns else pd.Series(np.nan, index=matrix.index)
        frame[label] = ["" if is_missing(v) else f"{v * 100:.0f}" for v in values]
    return TableView(
        frame, {"Customers": "count", **dict.fromkeys(labels, "%")}, {"Customers": "{:,}"}
    )


def cohort_title(compare: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """The heatmap's title: do customers acquired after go-live stay active more than before?

    Parameters
    ----------
    compare : pandas.DataFrame
        :func:`compare_cohorts` (the first period with a test decides the wording).

    Examples
    --------
    >>> c = pd.DataFrame({"period": [3], "before": [0.363], "after": [0.373], "p_value": [0.49]})
    >>> cohort_title(c)
    'Customers acquired after go-live are as active 3 months on as earlier ones (37 % vs 36 % ordered)'
    """
    usable = compare.loc[compare["p_value"].notna()] if len(compare) else compare
    if usable is None or usable.empty:
        return "Too few cohorts after go-live to compare their retention with earlier ones"
    row = usable.iloc[0]
    k = int(row["period"])
    figures = f"{row['after'] * 100:.0f} % vs {row['before'] * 100:.0f} % ordered"
    if row["p_value"] < alpha:
        way = "more" if row["after"] > row["before"] else "less"
        return (
            f"Customers acquired after go-live are {way} active {k} months on than earlier ones "
            f"({figures})"
        )
    return (
        f"Customers acquired after go-live are as active {k} months on as earlier ones ({figures})"
    )


def cohort_compare_view(compare: pd.DataFrame) -> TableView:
    """:func:`compare_cohorts` as a table with units."""
    frame = pd.DataFrame(
        {
            "Months after acquisition": compare["period"].astype("Int64"),
            "Cohorts before go-live": compare["before"].to_numpy(float) * 100,
            "Customers before": compare["n_before"].astype("Int64"),
            "Cohorts after go-live": compare["after"].to_numpy(float) * 100,
            "Customers after": compare["n_after"].astype("Int64"),
            "Change": compare["change"].to_numpy(float) * 100,
            "Confidence interval": interval_cells(
                compare["ci_low"], compare["ci_high"], lambda v: format_signed(v, 100)
            ),
            "p-value": compare["p_value"].map(format_p_value),
        }
    )
    units = {
        "Months after acquisition": "months",
        "Cohorts before go-live": "% active",
        "Customers before": "count",
        "Cohorts after go-live": "% active",
        "Customers after": "count",
        "Change": "percentage points",
        "Confidence interval": "percentage points",
    }
    formats = {
        "Cohorts before go-live": "{:.1f}",
        "Cohorts after go-live": "{:.1f}",
        "Customers before": "{:,}",
        "Customers after": "{:,}",
        "Change": "{:+.1f}",
    }
    return TableView(frame, units, formats)


def cohort_text(compare: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for the cohort comparison.

    Examples
    --------
    >>> c = pd.DataFrame({"period": [3, 6], "before": [0.36, 0.35], "after": [0.37, 0.36],
    ...                   "p_value": [0.49, 0.84], "n_after": [1995, 1348]})
    >>> print(cohort_text(c))
    **What it means:** customers won since go-live keep buying at the same rate as those won before it (3 months on: 37 % vs 36 % ordered; 6 months on: 36 % vs 35 %); the CRM has not yet changed how well new customers are kept. The later comparisons rest on fewer customers (1,348 after go-live at month 6), because recent cohorts have not reached them yet.
    """
    usable = compare.loc[compare["p_value"].notna()] if len(compare) else compare
    if usable is None or usable.empty:
        return what_it_means(
            "no cohort acquired after go-live has been followed long enough to compare it with "
            "the earlier ones yet."
        )
    parts = []
    for i, r in enumerate(usable.to_dict("records")):
        tail = " ordered" if i == 0 else ""
        parts.append(
            f"{int(r['period'])} months on: {r['after'] * 100:.0f} % vs {r['before'] * 100:.0f} %{tail}"
        )
    figures = "; ".join(parts)
    significant = usable.loc[usable["p_value"] < alpha]
    if significant.empty:
        text = (
            f"customers won since go-live keep buying at the same rate as those won before it "
            f"({figures}); the CRM has not yet changed how well new customers are kept."
        )
    else:
        better = (significant["after"] > significant["before"]).all()
        worse = (significant["after"] < significant["before"]).all()
        way = "better" if better else "worse" if worse else "differently"
        text = (
            f"customers won since go-live are kept {way} than those won before it "
            f"({figures}), by more than chance explains at "
            + ", ".join(f"month {int(k)}" for k in significant["period"])
            + "."
        )
    last = usable.iloc[-1]
    if len(usable) > 1 and "n_after" in usable:
        text += (
            f" The later comparisons rest on fewer customers ({int(last['n_after']):,} after "
            f"go-live at month {int(last['period'])}), because recent cohorts have not reached "
            "them yet."
        )
    return what_it_means(text)


def survival_labels(summary: pd.DataFrame) -> dict[str, str]:
    """Legend text of the window curves: "Before go-live (12,345 customers)".

    Examples
    --------
    >>> survival_labels(pd.DataFrame({"group": ["before"], "n": [1200]}))
    {'before': 'Before go-live (1,200 customers)'}
    """
    return {
        str(g): f"{WINDOW_LABELS.get(str(g), str(g))} ({int(n):,} customers)"
        for g, n in zip(summary["group"], summary["n"], strict=True)
    }


def survival_title(summary: pd.DataFrame, test: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """The survival chart's title: the share kept through the window, and the test's verdict.

    Parameters
    ----------
    summary : pandas.DataFrame
        :attr:`KaplanMeierResult.summary` of :func:`window_survival` grouped by ``window``.
    test : pandas.DataFrame
        :func:`logrank` of the same frame.

    Examples
    --------
    >>> s = pd.DataFrame({"group": ["before", "after"], "survival_at_horizon": [0.82, 0.87],
    ...                   "horizon": [365.0, 365.0]})
    >>> survival_title(s, pd.DataFrame({"p_value": [0.0001]}))
    'After go-live 87 % of customers stayed a full year, against 82 % before — a difference larger than chance explains'
    """
    rows = summary.set_index("group")
    if not {"before", "after"} <= set(rows.index):
        return "Too few customers in one of the windows to compare how long they stay"
    b, a = rows.loc["before", "survival_at_horizon"], rows.loc["after", "survival_at_horizon"]
    if is_missing(a) or is_missing(b):
        return "The data do not follow customers long enough to compare a year of retention"
    days = float(rows["horizon"].iloc[0])
    span = "a full year" if abs(days - 365) < 1 else f"{days:.0f} days"
    p = test["p_value"].iloc[0]
    verdict = (
        "too few churn events to test the difference"
        if is_missing(p)
        else "a difference larger than chance explains"
        if p < alpha
        else "a difference within what chance produces"
    )
    return (
        f"After go-live {a * 100:.0f} % of customers stayed {span}, against {b * 100:.0f} % "
        f"before — {verdict}"
    )


def survival_view(summary: pd.DataFrame) -> TableView:
    """:attr:`KaplanMeierResult.summary` as a table with units."""

    def days(v: float) -> str:
        return "not reached" if is_missing(v) else f"{v:,.0f}"

    frame = pd.DataFrame(
        {
            "Customers": [WINDOW_LABELS.get(str(g), str(g)) for g in summary["group"]],
            "At risk": summary["n"].astype("Int64"),
            "Churned": summary["events"].astype("Int64"),
            "Still active after the horizon": summary["survival_at_horizon"].to_numpy(float) * 100,
            "Confidence interval": interval_cells(
                summary["horizon_ci_low"], summary["horizon_ci_high"], _percent
            ),
            "Horizon": summary["horizon"].to_numpy(float),
            "Median time to churn": summary["median"].map(days),
        }
    )
    units = {
        "At risk": "count",
        "Churned": "count",
        "Still active after the horizon": "%",
        "Confidence interval": "%",
        "Horizon": "days",
        "Median time to churn": "days",
    }
    formats = {
        "At risk": "{:,}",
        "Churned": "{:,}",
        "Still active after the horizon": "{:.1f}",
        "Horizon": "{:.0f}",
    }
    return TableView(frame, units, formats)


def survival_text(summary: pd.DataFrame, test: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for the survival curves and the log-rank test.

    Examples
    --------
    >>> s = pd.DataFrame({"group": ["before", "after"], "survival_at_horizon": [0.82, 0.87],
    ...                   "median": [float("nan")] * 2, "horizon": [365.0, 365.0]})
    >>> t = pd.DataFrame({"statistic": [40.2], "df": [1], "p_value": [0.0001]})
    >>> print(survival_text(s, t))
    **What it means:** the curves show, day by day, the share of the customer base still with the company; after go-live it falls more slowly (log-rank chi-square = 40.2, df = 1, p < 0.001): customers stay longer. Half the customers were still there at the end of each window, so the median time to churn is not reached: churn is slow compared with the windows.
    """
    rows = summary.set_index("group")
    p = test["p_value"].iloc[0] if len(test) else math.nan
    if not {"before", "after"} <= set(rows.index) or is_missing(p):
        return what_it_means(
            "there are too few customers or churn events to compare how long customers stay."
        )
    stat = f"log-rank chi-square = {test['statistic'].iloc[0]:.1f}, df = {int(test['df'].iloc[0])}, {format_p_statement(p)}"
    b, a = rows.loc["before", "survival_at_horizon"], rows.loc["after", "survival_at_horizon"]
    if p < alpha and not is_missing(a) and not is_missing(b):
        way = "more slowly" if a > b else "faster"
        meaning = "customers stay longer" if a > b else "customers leave sooner"
        text = (
            "the curves show, day by day, the share of the customer base still with the company; "
            f"after go-live it falls {way} ({stat}): {meaning}."
        )
    else:
        text = (
            "the curves show, day by day, the share of the customer base still with the company; "
            f"the two windows' curves differ by no more than chance explains ({stat})."
        )
    if rows["median"].isna().all():
        text += (
            " Half the customers were still there at the end of each window, so the median time "
            "to churn is not reached: churn is slow compared with the windows."
        )
    return what_it_means(text)
