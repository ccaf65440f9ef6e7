"""The findings of a report area (sales, service …) and of the impact overview.

A count of verdicts with one sentence per KPI and what it means for an area; for the impact
overview its chart title, its closing paragraph, what the run's data cannot show, and the
confound of an ageing customer base; the titles of the channel-mix and monthly trend charts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from crmkit.data.verdicts import Status, Verdict
from crmkit.words.formats import format_change_pct, format_percent, is_missing
from crmkit.words.narrative.kpi import VERDICTS, describe_change, verdict_counts

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
        return f"No {area} KPI could be measured with the data provided."
    counts = verdict_counts(results)
    measured = len(results) - counts[Verdict.INSUFFICIENT] - counts[Verdict.NOT_MEASURED]
    parts = [f"{counts[Verdict.IMPROVED]} improved", f"{counts[Verdict.WORSENED]} worsened"]
    parts.append(f"{counts[Verdict.NO_CHANGE]} show no detectable change")
    noun = "KPI" if measured == 1 else "KPIs"
    summary = f"Of the {measured} {area} {noun} that could be compared, " + ", ".join(parts[:-1])
    summary += f" and {parts[-1]}."
    if counts[Verdict.INSUFFICIENT]:
        summary += f" {counts[Verdict.INSUFFICIENT]} could not be compared."
    if counts[Verdict.NOT_MEASURED]:
        summary += f" {counts[Verdict.NOT_MEASURED]} could not be measured: their data is absent."
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
        text = (
            f"**What it means:** {area.capitalize()} performance is measurably better after go-live "
            "on the KPIs marked improved. A before/after comparison alone does not prove that the "
            "CRM caused it; the comparison with units that did not get the CRM (where the data "
            "has one) and the limits listed in the impact overview say how far it can be credited."
        )
    elif worsened and not improved:
        text = (
            f"**What it means:** {area.capitalize()} performance is measurably worse after "
            "go-live on the KPIs marked worsened; find out why before crediting the CRM with value "
            "in this area."
        )
    elif improved and worsened:
        text = (
            f"**What it means:** the picture in {area} is mixed: some KPIs improved and others "
            "worsened after go-live. Look at the worsened ones first; they may be the price of "
            "the changes that improved the others, or a separate problem."
        )
    else:
        text = (
            f"**What it means:** no {area} KPI changed by more than chance explains. Either the "
            "CRM has not moved these KPIs yet, or its effect is smaller than this data can detect "
            "(the smallest detectable change is given for each)."
        )
    return text


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
            "**No control group.** Every comparison is before against after; anything else that "
            "changed at the same time (prices, the market, a new product, staff) is mixed into "
            "the changes. Name the units that did not get the CRM in params.yaml (`control`) "
            "to separate the CRM's effect from the rest."
        )
    elif control is None:
        items.append(
            "**The control group could not be used** for the headline series (its table has no "
            "such column, or one group has no data): the before/after changes may include "
            "effects that are not the CRM's."
        )
    else:
        items.append(
            "**Confounders.** The control group removes what affected all units alike; it cannot "
            "remove what changed only in the CRM units at the same time (a new manager, a "
            "campaign, a price change there)."
        )
        if control.did.n_clusters < 10:
            items.append(
                f"**Few units.** The comparison with the control group rests on "
                f"{control.did.n_clusters} units ({control.unit_column} values); its interval "
                "comes from a wild cluster bootstrap, which stays honest with few units but is "
                "wide."
            )
    if round(min(before_months, after_months)) < 12:
        items.append(
            f"**Short windows.** The before window has {before_months:.0f} months and the after "
            f"window {after_months:.0f}; with less than a year on either side, seasons can pass "
            "for effects, and effects that take time to build up are missed."
        )
    if series is not None and series.its.ljung_box_p < 0.05:
        items.append(
            "**Autocorrelated months.** The monthly series' residuals are autocorrelated, so its "
            "intervals are approximate."
        )
    skipped = results.loc[results["status"] == Status.SKIPPED]
    if len(skipped):
        names = ", ".join(f"{r.label} ({r.note})" for r in skipped.itertuples())
        items.append(f"**Not measured** for lack of data: {names}.")
    insufficient = results.loc[
        (results["status"] == Status.MEASURED) & (results["verdict"] == Verdict.INSUFFICIENT)
    ]
    if len(insufficient):
        names = ", ".join(insufficient["label"])
        items.append(
            f"**Too little data to compare**: {names} (e.g. a table that starts at go-live has "
            "no before window)."
        )
    flat = results.loc[results["verdict"] == Verdict.NO_CHANGE]
    if len(flat):
        items.append(
            f"**Low power is not proof of no effect.** {len(flat)} KPIs show no detectable "
            "change; each row of the tables gives the smallest change the data could have "
            "detected, and effects below it may exist."
        )
    items.append(
        "**Many KPIs, one question.** With many KPIs tested, some would look significant by "
        "chance; the p-values are therefore corrected across all of them, which makes each "
        "verdict more conservative."
    )
    return "\n".join(f"- {item}" for item in items)


def channel_title(mix: pd.DataFrame) -> str:
    """The channel-mix chart's title: whether the mix changed and the largest move."""
    if mix.empty or mix["change"].isna().all():
        return "The contact-channel mix cannot be compared: one window has no tickets"
    largest = mix.loc[mix["change"].abs().idxmax()]
    move = f"{largest['category']} {largest['change'] * 100:+.1f} points"
    if mix["p_value"].iloc[0] < 0.05:
        return f"The contact-channel mix changed after go-live (largest move: {move})"
    return f"The contact-channel mix did not change detectably after go-live ({move})"


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
        return f"{subject}: no months with data"
    first, last = values.iloc[0], values.iloc[-1]
    moved = "rose" if last > first else ("fell" if last < first else "stayed")
    when = [f"{pd.Timestamp(i):%B %Y}" for i in (values.index[0], values.index[-1])]
    return f"{subject} {moved} from {first * 100:.1f} % in {when[0]} to {last * 100:.1f} % in {when[1]}"


def overview_title(results: pd.DataFrame) -> str:
    """The forest plot's title: how many KPIs improved, worsened, or did not move."""
    counts = verdict_counts(results.loc[results["status"] == Status.MEASURED])
    improved, worsened = counts[Verdict.IMPROVED], counts[Verdict.WORSENED]
    return (
        f"{improved} KPIs improved and {worsened} worsened after go-live; "
        f"{counts[Verdict.NO_CHANGE]} show no detectable change"
    )


def overview_findings(
    results: pd.DataFrame, *, series: Any | None, control: Any | None, currency: str = ""
) -> str:
    """The impact overview's closing paragraph (markdown)."""
    measured = results.loc[results["status"] == Status.MEASURED]
    counts = verdict_counts(measured)
    improved = measured.loc[measured["verdict"] == Verdict.IMPROVED, "label"].tolist()
    worsened = measured.loc[measured["verdict"] == Verdict.WORSENED, "label"].tolist()
    lines = [
        f"Of {len(measured)} KPIs measured before and after go-live, {counts[Verdict.IMPROVED]} "
        f"improved, {counts[Verdict.WORSENED]} worsened, {counts[Verdict.NO_CHANGE]} show no "
        f"detectable change and {counts[Verdict.INSUFFICIENT]} had too little data."
    ]
    if improved:
        lines.append("Improved: " + ", ".join(improved) + ".")
    if worsened:
        lines.append("Worsened: " + ", ".join(worsened) + ".")
    evidence = "a before/after comparison only"
    if control is not None:
        effect, low, high = control.relative_effect
        if not is_missing(effect) and (low > 0 or high < 0):
            evidence = (
                f"a comparison with the control group, where {control.kpi.label.lower()} moved "
                f"{format_change_pct(effect)} relative to it"
            )
        else:
            evidence = "a comparison with the control group that shows no detectable difference"
    elif series is not None and not is_missing(series.row["change"].iloc[0]):
        if series.comparative or series.its.n_pre >= 24:
            evidence = "the time series against its own pre-go-live trend"
        else:
            evidence = (
                "a before/after comparison; with one year of history the time series cannot "
                "separate trend from season"
            )
    lines.append(
        f"\n**What it means:** the strongest evidence this data offers is {evidence}. "
        "KPIs that improved are candidates for the value the CRM delivered; the financial stage "
        "turns the measured changes into money, and the list above says what the data cannot show."
    )
    return " ".join(lines[:-1]) + "\n" + lines[-1]


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
        str(results.loc[name, "label"]).lower() if name in results.index else name
        for name in ageing.get("kpis") or []
    ]
    new = ageing.get("new_customer_share")
    joined = (
        f"and {format_percent(new)} of those who bought after it were new"
        if not is_missing(new)
        else "and nobody bought after it"
    )
    share = format_percent(ageing.get("dominant_cohort_share"))
    text = (
        f"**The customer base only ages.** {share} of the customers who bought before go-live "
        f"were acquired in one quarter ({ageing.get('dominant_cohort')}), {joined}. In one "
        "acquisition cohort, buying falls with the customers' age whatever the CRM does, and "
        "there is no control group to separate the two"
    )
    if labels:
        text += f": the before/after changes of {', '.join(labels)} are not credited to the CRM"
    return text + "."
