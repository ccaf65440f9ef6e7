"""The findings of a report area (sales, service …) and of the impact overview.

A count of verdicts with one sentence per KPI and what it means for an area; for the impact
overview its chart title, its closing paragraph, what the run's data cannot show, and the
confound of an ageing customer base; the titles of the channel-mix and monthly trend charts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from crmkit.data.guards import Guard
from crmkit.data.verdicts import Status, Verdict
from crmkit.words.formats import format_change_pct, format_percent, is_missing
from crmkit.words.language import tr
from crmkit.words.narrative.kpi import VERDICTS, describe_change, verdict_counts
from crmkit.words.narrative.naming import capitalized, in_order, in_sentence, listed, named
from crmkit.words.notes import row_notes

__all__ = [
    "ageing_caveat",
    "area_findings",
    "channel_title",
    "limitations",
    "overview_findings",
    "overview_title",
    "trend_title",
]


def area_findings(
    results: pd.DataFrame, *, area: str, currency: str = "", confidence: float = 0.95
) -> str:
    """The findings paragraph of one report area (sales, service …) in markdown.

    Parameters
    ----------
    results : DataFrame
        The area's result rows (see :func:`describe_change` for the columns needed).
    area : str
        How the area is named in the text, e.g. "sales".
    currency : str
        The client's currency code.
    confidence : float
        The confidence level of the intervals.

    Returns
    -------
    str
        A count of verdicts, then one bullet per KPI (improvements and deteriorations first),
        then what it means.
    """
    if results.empty:
        return tr("No {area} KPI could be measured with the data provided.", area=named(area))
    counts = verdict_counts(results)
    measured = len(results) - counts[Verdict.INSUFFICIENT] - counts[Verdict.NOT_MEASURED]
    tally = {
        "area": named(area),
        "improved": counts[Verdict.IMPROVED],
        "worsened": counts[Verdict.WORSENED],
        "flat": counts[Verdict.NO_CHANGE],
    }
    if measured == 1:
        summary = tr(
            "Of the 1 {area} KPI that could be compared, {improved} improved, {worsened} "
            "worsened and {flat} show no detectable change.",
            **tally,
        )
    else:
        summary = tr(
            "Of the {measured} {area} KPIs that could be compared, {improved} improved, "
            "{worsened} worsened and {flat} show no detectable change.",
            measured=measured,
            **tally,
        )
    if counts[Verdict.INSUFFICIENT]:
        summary += tr(" {n} could not be compared.", n=counts[Verdict.INSUFFICIENT])
    if counts[Verdict.NOT_MEASURED]:
        summary += tr(
            " {n} could not be measured: their data is absent.", n=counts[Verdict.NOT_MEASURED]
        )
    order = {v: i for i, v in enumerate(VERDICTS)}
    ranked = results.assign(_order=results["verdict"].map(order)).sort_values(
        "_order", kind="stable"
    )
    bullets = [
        f"- {describe_change(row, currency=currency, confidence=confidence)}"
        for _, row in ranked.iterrows()
    ]
    return "\n".join([summary, "", *bullets, "", _meaning(counts, area)])


def _meaning(counts: Mapping[str, int], area: str) -> str:
    improved, worsened = counts[Verdict.IMPROVED], counts[Verdict.WORSENED]
    if improved and not worsened:
        return tr(
            "**What it means:** {Area} performance is measurably better after go-live on the "
            "KPIs marked improved. A before/after comparison alone does not prove that the CRM "
            "caused it; the comparison with units that did not get the CRM (where the data has "
            "one) and the limits listed in the impact overview say how far it can be credited.",
            Area=capitalized(area),
        )
    if worsened and not improved:
        return tr(
            "**What it means:** {Area} performance is measurably worse after go-live on the "
            "KPIs marked worsened; find out why before crediting the CRM with value in this "
            "area.",
            Area=capitalized(area),
        )
    if improved and worsened:
        return tr(
            "**What it means:** the picture in {area} is mixed: some KPIs improved and others "
            "worsened after go-live. Look at the worsened ones first; they may be the price of "
            "the changes that improved the others, or a separate problem.",
            area=named(area),
        )
    return tr(
        "**What it means:** no {area} KPI changed by more than chance explains. Either the CRM "
        "has not moved these KPIs yet, or its effect is smaller than this data can detect (the "
        "smallest detectable change is given for each).",
        area=named(area),
    )


def limitations(
    results: pd.DataFrame,
    *,
    series: Any | None,
    control: Any | None,
    before_months: float,
    after_months: float,
    has_control_group: bool,
) -> str:
    """What this run's data cannot show, as a markdown list generated from the results.

    Parameters
    ----------
    results : DataFrame
        All KPI rows of :func:`crmkit.measure.measure_kpis`.
    series : SeriesAnalysis or None
        The headline time series.
    control : ControlAnalysis or None
        The headline comparison with the control group.
    before_months, after_months : float
        Lengths of the windows in months.
    has_control_group : bool
        Whether params name a control group.
    """
    items = []
    if not has_control_group:
        items.append(
            tr(
                "**No control group.** Every comparison is before against after; anything else that "
                "changed at the same time (prices, the market, a new product, staff) is mixed into "
                "the changes. Name the units that did not get the CRM in params.yaml (`control`) "
                "to separate the CRM's effect from the rest."
            )
        )
    elif control is None:
        items.append(
            tr(
                "**The control group could not be used** for the headline series (its table has no "
                "such column, or one group has no data): the before/after changes may include "
                "effects that are not the CRM's."
            )
        )
    else:
        items.append(
            tr(
                "**Confounders.** The control group removes what affected all units alike; it cannot "
                "remove what changed only in the CRM units at the same time (a new manager, a "
                "campaign, a price change there)."
            )
        )
        if control.did.n_clusters < 10:
            items.append(
                tr(
                    "**Few units.** The comparison with the control group rests on {n} units "
                    "({column} values); its interval comes from a wild cluster bootstrap, which "
                    "stays honest with few units but is wide.",
                    n=control.did.n_clusters,
                    column=control.unit_column,
                )
            )
    if round(min(before_months, after_months)) < 12:
        items.append(
            tr(
                "**Short windows.** The before window has {before} months and the after window "
                "{after}; with less than a year on either side, seasons can pass for effects, "
                "and effects that take time to build up are missed.",
                before=f"{before_months:.0f}",
                after=f"{after_months:.0f}",
            )
        )
    if series is not None and series.its.ljung_box_p < 0.05:
        items.append(
            tr(
                "**Autocorrelated months.** The monthly series' residuals are autocorrelated, so "
                "its intervals are approximate."
            )
        )
    skipped = results.loc[results["status"] == Status.SKIPPED]
    if len(skipped):
        names = listed(
            tr("{kpi} ({note})", kpi=named(r["label"]), note=row_notes(r) or r["note"])
            for _, r in skipped.iterrows()
        )
        items.append(tr("**Not measured** for lack of data: {kpis}.", kpis=names))
    insufficient = results.loc[
        (results["status"] == Status.MEASURED) & (results["verdict"] == Verdict.INSUFFICIENT)
    ]
    if len(insufficient):
        items.append(
            tr(
                "**Too little data to compare**: {kpis} (e.g. a table that starts at go-live has "
                "no before window).",
                kpis=listed(named(label) for label in insufficient["label"]),
            )
        )
    flat = results.loc[results["verdict"] == Verdict.NO_CHANGE]
    if len(flat):
        items.append(
            tr(
                "**Low power is not proof of no effect.** {n} KPIs show no detectable change; "
                "each row of the tables gives the smallest change the data could have detected, "
                "and effects below it may exist.",
                n=len(flat),
            )
        )
    items.append(
        tr(
            "**Many KPIs, one question.** With many KPIs tested, some would look significant by "
            "chance; the p-values are therefore corrected across all of them, which makes each "
            "verdict more conservative."
        )
    )
    return "\n".join(f"- {item}" for item in items)


def channel_title(mix: pd.DataFrame) -> str:
    """The channel-mix chart's title: whether the mix changed and the largest move."""
    if mix.empty or mix["change"].isna().all():
        return tr("The contact-channel mix cannot be compared: one window has no tickets")
    largest = mix.loc[mix["change"].abs().idxmax()]
    move = tr(
        "{channel} {change} points",
        channel=named(largest["category"]),
        change=f"{largest['change'] * 100:+.1f}",
    )
    if mix["p_value"].iloc[0] < 0.05:
        return tr("The contact-channel mix changed after go-live (largest move: {move})", move=move)
    return tr("The contact-channel mix did not change detectably after go-live ({move})", move=move)


def trend_title(series: pd.Series, subject: str) -> str:
    """A monthly trend chart's title: from the first to the last month with data.

    Examples
    --------
    >>> s = pd.Series([0.42, 0.55, 0.81], index=pd.date_range("2025-01-01", periods=3, freq="MS"))
    >>> trend_title(s, "The share of active CRM users")
    'The share of active CRM users rose from 42.0 % in January 2025 to 81.0 % in March 2025'
    """
    values = series.dropna()
    if values.empty:
        return tr("{subject}: no months with data", subject=subject)
    first, last = values.iloc[0], values.iloc[-1]
    path = {
        "subject": subject,
        "first": f"{first * 100:.1f} %",
        "last": f"{last * 100:.1f} %",
        "start": _month(values.index[0]),
        "end": _month(values.index[-1]),
    }
    if last > first:
        return tr("{subject} rose from {first} in {start} to {last} in {end}", **path)
    if last < first:
        return tr("{subject} fell from {first} in {start} to {last} in {end}", **path)
    return tr("{subject} stayed from {first} in {start} to {last} in {end}", **path)


def _month(when: Any) -> str:
    """A month as a title names it ("January 2025").

    Examples
    --------
    >>> _month(pd.Timestamp("2025-03-01"))
    'March 2025'
    """
    month = pd.Timestamp(when)
    return tr("{month} {year}", month=_MONTH_NAMES[month.month - 1](), year=month.year)


#: The names of the months, January first.
_MONTH_NAMES = (
    lambda: tr("January"),
    lambda: tr("February"),
    lambda: tr("March"),
    lambda: tr("April"),
    lambda: tr("May"),
    lambda: tr("June"),
    lambda: tr("July"),
    lambda: tr("August"),
    lambda: tr("September"),
    lambda: tr("October"),
    lambda: tr("November"),
    lambda: tr("December"),
)


def overview_title(results: pd.DataFrame) -> str:
    """The forest plot's title: how many KPIs improved, worsened, or did not move."""
    counts = verdict_counts(results.loc[results["status"] == Status.MEASURED])
    improved, worsened = counts[Verdict.IMPROVED], counts[Verdict.WORSENED]
    return tr(
        "{improved} KPIs improved and {worsened} worsened after go-live; {flat} show no "
        "detectable change",
        improved=improved,
        worsened=worsened,
        flat=counts[Verdict.NO_CHANGE],
    )


def overview_findings(
    results: pd.DataFrame, *, series: Any | None, control: Any | None, currency: str = ""
) -> str:
    """The impact overview's closing paragraph (markdown)."""
    measured = results.loc[results["status"] == Status.MEASURED]
    counts = verdict_counts(measured)
    improved = [named(x) for x in measured.loc[measured["verdict"] == Verdict.IMPROVED, "label"]]
    worsened = [named(x) for x in measured.loc[measured["verdict"] == Verdict.WORSENED, "label"]]
    lines = [
        tr(
            "Of {n} KPIs measured before and after go-live, {improved} improved, {worsened} "
            "worsened, {flat} show no detectable change and {insufficient} had too little data.",
            n=len(measured),
            improved=counts[Verdict.IMPROVED],
            worsened=counts[Verdict.WORSENED],
            flat=counts[Verdict.NO_CHANGE],
            insufficient=counts[Verdict.INSUFFICIENT],
        )
    ]
    if improved:
        lines.append(tr("Improved: {kpis}.", kpis=listed(improved)))
    if worsened:
        lines.append(tr("Worsened: {kpis}.", kpis=listed(worsened)))
    evidence = tr("a before/after comparison only")
    if control is not None:
        effect, low, high = control.relative_effect
        if control.guard == Guard.INSIDE_PLACEBOS:
            evidence = tr(
                "a comparison with the control group, where {kpi} moved {change} relative to "
                "it; fake go-live dates before the real one show changes as large, so the CRM "
                "cannot be credited with it",
                kpi=in_sentence(control.kpi.label),
                change=format_change_pct(effect),
            )
        elif not is_missing(effect) and (low > 0 or high < 0):
            evidence = tr(
                "a comparison with the control group, where {kpi} moved {change} relative to it",
                kpi=in_sentence(control.kpi.label),
                change=format_change_pct(effect),
            )
        else:
            evidence = tr("a comparison with the control group that shows no detectable difference")
    elif series is not None and not is_missing(series.row["change"].iloc[0]):
        if series.comparative or series.its.n_pre >= 24:
            evidence = tr("the time series against its own pre-go-live trend")
        else:
            evidence = tr(
                "a before/after comparison; with one year of history the time series cannot "
                "separate trend from season"
            )
    lines.append(
        tr(
            "\n**What it means:** the strongest evidence this data offers is {evidence}. KPIs "
            "that improved are candidates for the value the CRM delivered; the financial stage "
            "turns the measured changes into money, and the list above says what the data "
            "cannot show.",
            evidence=evidence,
        )
    )
    return in_order(lines[:-1]) + "\n" + lines[-1]


def ageing_caveat(ageing: Mapping[str, Any] | None, results: pd.DataFrame) -> str:
    """The confound of an ageing customer base in words (markdown), or "" when there is none.

    Parameters
    ----------
    ageing : mapping or None
        ``impact.ageing_base`` (:func:`crmkit.domains.confounds.ageing_base`).
    results : DataFrame
        The KPI rows (:func:`crmkit.measure.measure_kpis`), for the affected KPIs' labels.

    Examples
    --------
    >>> rows = pd.DataFrame({"label": ["Monthly revenue"]}, index=["revenue_monthly"])
    >>> print(ageing_caveat({"dominant_cohort": "1997Q1", "dominant_cohort_share": 1.0,
    ...     "new_customer_share": 0.0, "kpis": ["revenue_monthly"]}, rows))
    **The customer base only ages.** 100.0 % of the customers who bought before go-live were acquired in one quarter (1997Q1), and 0.0 % of those who bought after it were new. In one acquisition cohort, buying falls with the customers' age whatever the CRM does, and there is no control group to separate the two: the before/after changes of monthly revenue are not credited to the CRM.
    """

    if not ageing:
        return ""
    labels = [
        in_sentence(results.loc[name, "label"]) if name in results.index else name
        for name in ageing.get("kpis") or []
    ]
    new = ageing.get("new_customer_share")
    after = (
        tr("and {share} of those who bought after it were new", share=format_percent(new))
        if not is_missing(new)
        else tr("and nobody bought after it")
    )
    text = tr(
        "**The customer base only ages.** {share} of the customers who bought before go-live "
        "were acquired in one quarter ({cohort}), {after}. In one acquisition cohort, buying "
        "falls with the customers' age whatever the CRM does, and there is no control group to "
        "separate the two",
        share=format_percent(ageing.get("dominant_cohort_share")),
        cohort=ageing.get("dominant_cohort"),
        after=after,
    )
    if labels:
        text += tr(
            ": the before/after changes of {kpis} are not credited to the CRM",
            kpis=listed(labels),
        )
    return text + tr(".")
