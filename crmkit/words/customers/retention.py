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
from crmkit.stats.impact.notes import read_notes
from crmkit.words.customers.readings import (
    change_detected,
    interval_cells,
    listing,
    series,
    window_label,
)
from crmkit.words.formats import (
    TableView,
    format_p_statement,
    format_p_value,
    format_percent,
    format_signed,
    is_missing,
)
from crmkit.words.language import tr
from crmkit.words.notes import say_notes
from crmkit.words.phrases import what_it_means


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
    main = "crm" if summary.control_rates is not None else "customers"
    parts = [(main, summary.rates)]
    if summary.control_rates is not None:
        parts.append(("control", summary.control_rates))
    rows = []
    for group, frame in parts:
        for r in frame.to_dict("records"):
            rows.append(
                {
                    "label": _churn_label(group, r["window"]),
                    "estimate": r["churn_probability"] * 100,
                    "ci_low": r["ci_low"] * 100,
                    "ci_high": r["ci_high"] * 100,
                    "highlight": group == main and r["window"] == "after",
                }
            )
    return pd.DataFrame(rows, columns=["label", "estimate", "ci_low", "ci_high", "highlight"])


def _churn_label(group: str, window: str) -> str:
    """A bar of the churn chart: a group ("crm", "control", "customers") in a window."""
    before = window == "before"
    if group == "crm":
        return tr("CRM units, before go-live") if before else tr("CRM units, after go-live")
    if group == "control":
        return (
            tr("Control group (no CRM), before go-live")
            if before
            else tr("Control group (no CRM), after go-live")
        )
    return tr("Customers, before go-live") if before else tr("Customers, after go-live")


def churn_view(rates: pd.DataFrame) -> TableView:
    """:func:`churn_rates` as a table with units."""
    active, acquired = (
        tr("Customers active at the start"),
        tr("Acquired (followed from the next window)"),
    )
    churned, years = tr("Churned"), tr("Customer-years at risk")
    churn, interval, retention = (
        tr("Annual churn"),
        tr("Confidence interval"),
        tr("Annual retention"),
    )
    frame = pd.DataFrame(
        {
            tr("Window"): [window_label(w) for w in rates["window"]],
            active: rates["customers_at_start"].astype("Int64"),
            acquired: rates["acquired"].astype("Int64"),
            churned: rates["churned"].astype("Int64"),
            years: rates["customer_years"].to_numpy(float),
            churn: rates["churn_probability"].to_numpy(float) * 100,
            interval: interval_cells(rates["ci_low"], rates["ci_high"], _percent),
            retention: rates["retention"].to_numpy(float) * 100,
        }
    )
    count = tr("count")
    units = {
        active: count,
        acquired: count,
        churned: count,
        years: tr("years"),
        churn: "%",
        interval: "%",
        retention: "%",
    }
    formats = {
        active: "{:,}",
        acquired: "{:,}",
        churned: "{:,}",
        years: "{:,.0f}",
        churn: "{:.1f}",
        retention: "{:.1f}",
    }
    return TableView(frame, units, formats)


def _not_comparable_reason(rates: pd.DataFrame) -> str:
    """Why the churn windows do not compare, in the report's language.

    Said from the table's ``reason_facts`` (:func:`crmkit.domains.customers.churn_rates`);
    a reason written only as text is shown as written.
    """
    for column in ("reason_facts", "reason"):
        if column not in rates:
            continue
        for value in rates[column]:
            if column == "reason_facts":
                facts = read_notes(value)
                if facts:
                    return say_notes(facts) or ""
            elif isinstance(value, str) and value:
                return value
    return tr("the two windows do not compare")


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
        reason = _not_comparable_reason(summary.rates)
        return what_it_means(
            tr(
                "churn before and after go-live is not compared: {reason}. A change measured on "
                "different customers would not be the CRM's.",
                reason=reason,
            )
        )
    if detected is None or is_missing(row["before"]) or is_missing(row["after"]):
        return what_it_means(
            tr("there are too few customers or churn events to compare the two windows.")
        )
    figures = {"before": f"{row['before'] * 100:.0f}", "after": f"{row['after'] * 100:.0f}"}
    if not detected:
        text = tr(
            "of every 100 customers, about {before} left within a year before go-live and "
            "{after} after, a difference within what chance produces.",
            **figures,
        )
    elif row["change"] < 0:
        text = tr(
            "of every 100 customers, about {before} left within a year before go-live and "
            "{after} after: customers stay longer, by more than chance explains.",
            **figures,
        )
    else:
        text = tr(
            "of every 100 customers, about {before} left within a year before go-live and "
            "{after} after: customers leave sooner, by more than chance explains.",
            **figures,
        )
    control = summary.control_change
    if control is not None and len(control):
        c = control.iloc[0]
        if not is_missing(c["p_value"]):
            went = {"before": format_percent(c["before"]), "after": format_percent(c["after"])}
            text += (
                tr(
                    " In the control group, which kept its old tools, churn went from {before} "
                    "to {after} — it moved too, so part of the change is not the CRM's.",
                    **went,
                )
                if c["p_value"] < alpha
                else tr(
                    " In the control group, which kept its old tools, churn went from {before} "
                    "to {after}, no detectable change: the market did not move churn on its own.",
                    **went,
                )
            )
    if str(summary.rates["source"].iloc[0]) == "inactivity":
        text += tr(
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
    customers = tr("Customers")
    frame = pd.DataFrame(
        {
            tr("Acquired in"): [f"{pd.Timestamp(c):%Y-%m}" for c in matrix.index],
            customers: [int(v) for v in sizes.reindex(matrix.index)],
        }
    )
    labels = []
    for k in periods:
        label = tr("Month {k}", k=k)
        labels.append(label)
        values = matrix[k] if k in matrix.columns else pd.Series(np.nan, index=matrix.index)
        frame[label] = ["" if is_missing(v) else f"{v * 100:.0f}" for v in values]
    return TableView(
        frame, {customers: tr("count"), **dict.fromkeys(labels, "%")}, {customers: "{:,}"}
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
        return tr("Too few cohorts after go-live to compare their retention with earlier ones")
    row = usable.iloc[0]
    fields = {
        "k": int(row["period"]),
        "after": f"{row['after'] * 100:.0f}",
        "before": f"{row['before'] * 100:.0f}",
    }
    if row["p_value"] < alpha and row["after"] > row["before"]:
        return tr(
            "Customers acquired after go-live are more active {k} months on than earlier ones "
            "({after} % vs {before} % ordered)",
            **fields,
        )
    if row["p_value"] < alpha:
        return tr(
            "Customers acquired after go-live are less active {k} months on than earlier ones "
            "({after} % vs {before} % ordered)",
            **fields,
        )
    return tr(
        "Customers acquired after go-live are as active {k} months on as earlier ones "
        "({after} % vs {before} % ordered)",
        **fields,
    )


def cohort_compare_view(compare: pd.DataFrame) -> TableView:
    """:func:`compare_cohorts` as a table with units."""
    months, before, n_before = (
        tr("Months after acquisition"),
        tr("Cohorts before go-live"),
        tr("Customers before"),
    )
    after, n_after, change, interval = (
        tr("Cohorts after go-live"),
        tr("Customers after"),
        tr("Change"),
        tr("Confidence interval"),
    )
    frame = pd.DataFrame(
        {
            months: compare["period"].astype("Int64"),
            before: compare["before"].to_numpy(float) * 100,
            n_before: compare["n_before"].astype("Int64"),
            after: compare["after"].to_numpy(float) * 100,
            n_after: compare["n_after"].astype("Int64"),
            change: compare["change"].to_numpy(float) * 100,
            interval: interval_cells(
                compare["ci_low"], compare["ci_high"], lambda v: format_signed(v, 100)
            ),
            tr("p-value"): compare["p_value"].map(format_p_value),
        }
    )
    units = {
        months: tr("months"),
        before: tr("% active"),
        n_before: tr("count"),
        after: tr("% active"),
        n_after: tr("count"),
        change: tr("percentage points"),
        interval: tr("percentage points"),
    }
    formats = {
        before: "{:.1f}",
        after: "{:.1f}",
        n_before: "{:,}",
        n_after: "{:,}",
        change: "{:+.1f}",
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
            tr(
                "no cohort acquired after go-live has been followed long enough to compare it "
                "with the earlier ones yet."
            )
        )
    parts = []
    for i, r in enumerate(usable.to_dict("records")):
        fields = {
            "k": int(r["period"]),
            "after": f"{r['after'] * 100:.0f}",
            "before": f"{r['before'] * 100:.0f}",
        }
        parts.append(
            tr("{k} months on: {after} % vs {before} % ordered", **fields)
            if i == 0
            else tr("{k} months on: {after} % vs {before} %", **fields)
        )
    figures = listing(parts)
    significant = usable.loc[usable["p_value"] < alpha]
    if significant.empty:
        text = tr(
            "customers won since go-live keep buying at the same rate as those won before it "
            "({figures}); the CRM has not yet changed how well new customers are kept.",
            figures=figures,
        )
    else:
        months = series(tr("month {k}", k=int(k)) for k in significant["period"])
        fields = {"figures": figures, "months": months}
        if (significant["after"] > significant["before"]).all():
            text = tr(
                "customers won since go-live are kept better than those won before it "
                "({figures}), by more than chance explains at {months}.",
                **fields,
            )
        elif (significant["after"] < significant["before"]).all():
            text = tr(
                "customers won since go-live are kept worse than those won before it "
                "({figures}), by more than chance explains at {months}.",
                **fields,
            )
        else:
            text = tr(
                "customers won since go-live are kept differently than those won before it "
                "({figures}), by more than chance explains at {months}.",
                **fields,
            )
    last = usable.iloc[-1]
    if len(usable) > 1 and "n_after" in usable:
        text += tr(
            " The later comparisons rest on fewer customers ({n} after go-live at month {k}), "
            "because recent cohorts have not reached them yet.",
            n=f"{int(last['n_after']):,}",
            k=int(last["period"]),
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
        str(g): tr("{window} ({n} customers)", window=window_label(str(g)), n=f"{int(n):,}")
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
        return tr("Too few customers in one of the windows to compare how long they stay")
    b, a = rows.loc["before", "survival_at_horizon"], rows.loc["after", "survival_at_horizon"]
    if is_missing(a) or is_missing(b):
        return tr("The data do not follow customers long enough to compare a year of retention")
    days = float(rows["horizon"].iloc[0])
    span = tr("a full year") if abs(days - 365) < 1 else tr("{days} days", days=f"{days:.0f}")
    p = test["p_value"].iloc[0]
    verdict = (
        tr("too few churn events to test the difference")
        if is_missing(p)
        else tr("a difference larger than chance explains")
        if p < alpha
        else tr("a difference within what chance produces")
    )
    return tr(
        "After go-live {after} % of customers stayed {span}, against {before} % before — {verdict}",
        after=f"{a * 100:.0f}",
        before=f"{b * 100:.0f}",
        span=span,
        verdict=verdict,
    )


def survival_view(summary: pd.DataFrame) -> TableView:
    """:attr:`KaplanMeierResult.summary` as a table with units."""

    def days(v: float) -> str:
        return tr("not reached") if is_missing(v) else f"{v:,.0f}"

    at_risk, churned, still = tr("At risk"), tr("Churned"), tr("Still active after the horizon")
    interval, horizon, median = (
        tr("Confidence interval"),
        tr("Horizon"),
        tr("Median time to churn"),
    )
    frame = pd.DataFrame(
        {
            tr("Customers"): [window_label(str(g)) for g in summary["group"]],
            at_risk: summary["n"].astype("Int64"),
            churned: summary["events"].astype("Int64"),
            still: summary["survival_at_horizon"].to_numpy(float) * 100,
            interval: interval_cells(
                summary["horizon_ci_low"], summary["horizon_ci_high"], _percent
            ),
            horizon: summary["horizon"].to_numpy(float),
            median: summary["median"].map(days),
        }
    )
    units = {
        at_risk: tr("count"),
        churned: tr("count"),
        still: "%",
        interval: "%",
        horizon: tr("days"),
        median: tr("days"),
    }
    formats = {
        at_risk: "{:,}",
        churned: "{:,}",
        still: "{:.1f}",
        horizon: "{:.0f}",
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
            tr("there are too few customers or churn events to compare how long customers stay.")
        )
    stat = tr(
        "log-rank chi-square = {statistic}, df = {df}, {p}",
        statistic=f"{test['statistic'].iloc[0]:.1f}",
        df=int(test["df"].iloc[0]),
        p=format_p_statement(p),
    )
    b, a = rows.loc["before", "survival_at_horizon"], rows.loc["after", "survival_at_horizon"]
    if p < alpha and not is_missing(a) and not is_missing(b) and a > b:
        text = tr(
            "the curves show, day by day, the share of the customer base still with the company; "
            "after go-live it falls more slowly ({stat}): customers stay longer.",
            stat=stat,
        )
    elif p < alpha and not is_missing(a) and not is_missing(b):
        text = tr(
            "the curves show, day by day, the share of the customer base still with the company; "
            "after go-live it falls faster ({stat}): customers leave sooner.",
            stat=stat,
        )
    else:
        text = tr(
            "the curves show, day by day, the share of the customer base still with the company; "
            "the two windows' curves differ by no more than chance explains ({stat}).",
            stat=stat,
        )
    if rows["median"].isna().all():
        text += tr(
            " Half the customers were still there at the end of each window, so the median time "
            "to churn is not reached: churn is slow compared with the windows."
        )
    return what_it_means(text)
