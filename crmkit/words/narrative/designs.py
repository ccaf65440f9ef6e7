"""The impact designs in words: the interrupted time series and the control group.

Titles and findings of the time-series chart (:class:`crmkit.measure.SeriesAnalysis`) and of
the event study against the control group (:class:`crmkit.measure.ControlAnalysis`), and,
where a guard tripped, why the projection or the comparison cannot be claimed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmkit.data.guards import Guard
from crmkit.words.formats import (
    format_change_pct,
    format_kpi_change,
    format_p_statement,
    format_p_value,
    is_missing,
)

__all__ = [
    "assignment_sentence",
    "control_finding",
    "control_title",
    "guarded_control_finding",
    "guarded_control_title",
    "guarded_series_finding",
    "guarded_series_title",
    "no_control_comparison",
    "series_finding",
    "series_title",
]


def series_title(analysis: Any, *, currency: str = "") -> str:
    """The time-series chart's title: how far the KPI ran above or below its expected path.

    ``analysis`` is a :class:`crmkit.measure.SeriesAnalysis`.
    """
    row = analysis.row.iloc[0]
    label = analysis.kpi.label
    if is_missing(row["change"]):
        return f"{label}: too few months to separate a change at go-live from the trend"
    gap = format_change_pct(row["change_pct"])
    above = "above" if row["change"] > 0 else "below"
    path = (
        "the path the control group predicts" if analysis.comparative else "its pre-go-live trend"
    )
    if row["ci_low"] > 0 or row["ci_high"] < 0:
        return (
            f"{label} ran {gap.lstrip('+').replace(chr(0x2212), '')} {above} {path} after go-live"
        )
    return f"{label} stayed within chance of {path} after go-live ({gap})"


def series_finding(analysis: Any, *, currency: str = "", confidence: float = 0.95) -> str:
    """What the interrupted time series shows, in words, with its caveats (markdown)."""
    row = analysis.row.iloc[0]
    its = analysis.its
    kpi = analysis.kpi
    if is_missing(row["change"]):
        return (
            f"**What it means:** there are too few months on one side of go-live "
            f"({its.n_pre} before, {its.n_post} from go-live) to tell a change from the trend."
        )
    low = format_kpi_change(row["ci_low"], kpi.unit, currency)
    high = format_kpi_change(row["ci_high"], kpi.unit, currency)
    change = format_kpi_change(row["change"], kpi.unit, currency)
    if analysis.comparative:
        model = (
            f"Modelling the ratio of the CRM units to the control group over {its.n_pre} months "
            f"before go-live (its level and trend) and projecting it over the {its.n_post} months "
            "since — season and market move both groups and cancel in the ratio —"
        )
    else:
        model = (
            f"Fitted on {its.n_pre} months before go-live (level, trend"
            f"{' and yearly season' if its.seasonality else ''}) and projected over the "
            f"{its.n_post} months since,"
        )
    p_value = row["p_value"]
    text = (
        f"{model} {kpi.label.lower()} was on average {change} "
        f"({format_change_pct(row['change_pct'])}) away from the projection "
        f"({confidence * 100:.0f} % confidence interval {low} to {high}; "
        f"{format_p_statement(p_value)})."
    )
    if not analysis.comparative and its.n_pre < 24:
        text += (
            f" With {its.n_pre} months before go-live a season cannot be told apart from a "
            "trend, so the projection is fragile: rely on the comparison with the control group "
            "where there is one."
        )
    if its.ljung_box_p < 0.05:
        text += (
            " The model's residuals are autocorrelated (Ljung–Box p = "
            f"{format_p_value(its.ljung_box_p)}); the Newey–West errors allow for some of it, "
            "but read the interval as approximate."
        )
    significant = row["ci_low"] > 0 or row["ci_high"] < 0
    if analysis.comparative:
        basis = "the control group and the gap before it"
    else:
        basis = "the trend and season before it" if its.seasonality else "the trend before it"
    meaning = (
        f"the change that began at go-live is more than {basis} explain"
        if significant
        else f"the months after go-live are within what {basis}, and chance, explain"
    )
    caveat = (
        "It assumes that nothing else changed only in the CRM units at go-live."
        if analysis.comparative
        else "A projection assumes that nothing else changed at go-live."
    )
    return f"{text}\n\n**What it means:** {meaning}. {caveat}"


def control_title(analysis: Any) -> str:
    """The event-study chart's title (``analysis``: :class:`crmkit.measure.ControlAnalysis`)."""
    effect, low, high = analysis.relative_effect
    label = analysis.kpi.label
    if is_missing(effect):
        return f"{label}: too little data to compare with the control group"
    if low > 0 or high < 0:
        return f"{label} moved {format_change_pct(effect)} against the control group after go-live"
    return f"{label}: no detectable difference from the control group ({format_change_pct(effect)})"


def _units(analysis: Any) -> str:
    """'29 sales reps in CRM units with that of 7 reps in the control group', by customer or
    by region."""
    treated, control = analysis.treated_units, analysis.control_units
    if analysis.unit_column == "rep_id":
        return (
            f"{len(treated)} sales reps in CRM units with that of {len(control)} reps in the "
            "control group"
        )
    if analysis.unit_column == "customer_id":
        return (
            f"{len(treated):,} customers with the CRM with that of {len(control):,} customers "
            "in the control group"
        )
    column = analysis.unit_column
    return f"the {column}s {', '.join(treated)} with that of {', '.join(control)}"


#: How each level of assignment (params ``control.unit``) is named in a sentence.
_ASSIGNED = {
    "customer": ("customer by customer", "customers"),
    "region": ("by group (region, branch)", "groups"),
    "rep": ("by sales rep", "sales reps"),
}


def assignment_sentence(analysis: Any) -> str:
    """At which level the control group was assigned, and how many units each side has.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> analysis = SimpleNamespace(assignment="customer", unit_column="customer_id",
    ...                            treated_units=("a",) * 1430, control_units=("b",) * 1458)
    >>> print(assignment_sentence(analysis))
    The CRM was assigned customer by customer: 1,430 customers got it and 1,458 did not, each a unit (cluster) of the comparison.
    """
    level = str(getattr(analysis, "assignment", "region"))
    how, units = _ASSIGNED.get(level, _ASSIGNED["region"])
    treated, control = len(analysis.treated_units), len(analysis.control_units)
    if level == "region" and analysis.unit_column == "rep_id":
        return (
            f"The CRM was assigned {how}; the comparison's units are the sales reps within "
            f"them: {treated:,} with the CRM and {control:,} without, each a unit (cluster)."
        )
    return (
        f"The CRM was assigned {how}: {treated:,} {units} got it and {control:,} did not, "
        "each a unit (cluster) of the comparison."
    )


def control_finding(analysis: Any, *, confidence: float = 0.95) -> str:
    """What the difference-in-differences shows, in words, with its caveats (markdown)."""
    d = analysis.did
    effect, low, high = analysis.relative_effect
    label = analysis.kpi.label.lower()
    if is_missing(effect):
        return "**What it means:** the data cannot compare CRM units with the control group."
    text = (
        f"Comparing the change in {label} of {_units(analysis)}, the CRM units moved "
        f"{format_change_pct(effect)} "
        f"relative to what the control group's change predicts ({confidence * 100:.0f} % "
        f"confidence interval {format_change_pct(low)} to {format_change_pct(high)}; "
        f"{format_p_statement(d.p_value)}). "
        f"Inference: {d.inference}"
    )
    if not text.endswith("."):
        text += "."
    text += f" {assignment_sentence(analysis)}"
    if not is_missing(d.pre_trend_p):
        if d.pre_trend_p < 0.05:
            text += (
                " Before go-live the two groups did **not** move in parallel (pre-trend test "
                f"p = {format_p_value(d.pre_trend_p)}): the estimate may partly reflect "
                "differences that existed anyway."
            )
        else:
            text += (
                " Before go-live the two groups moved in parallel as far as the data can tell "
                f"(pre-trend test p = {format_p_value(d.pre_trend_p)}), the condition this "
                "comparison rests on."
            )
    significant = low > 0 or high < 0
    meaning = (
        "the change after go-live is larger where the CRM was introduced than where it was "
        "not, which is the strongest evidence this report has that the CRM caused it"
        if significant
        else "the CRM units did not change detectably differently from the control group, so "
        "the before/after changes cannot be credited to the CRM with confidence"
    )
    return f"{text}\n\n**What it means:** {meaning}."


def _projection_problem(analysis: Any) -> str:
    """Why a time series' projection is not trusted, from its numbers (guard tripped)."""
    its = analysis.its
    if its.n_post > its.n_pre:
        return (
            f"the {its.n_post} months from go-live are more than the {its.n_pre} months of "
            "history the trend was fitted to"
        )
    if its.model == "linear" and bool((its.counterfactual <= 0).any()):
        return "the trend before go-live, carried forward, falls to zero or below"
    return (
        "the trend before go-live, carried forward, runs further beyond the months before "
        "go-live than they ever moved (as after a one-off spike at the start of the history)"
    )


def guarded_series_title(analysis: Any, *, currency: str = "") -> str:
    """The time-series chart's title, saying so when the expected path cannot be trusted.

    ``analysis`` is a :class:`crmkit.measure.SeriesAnalysis`; without a claim guard this is
    :func:`series_title`.
    """
    if analysis.guard != Guard.COUNTERFACTUAL_IMPLAUSIBLE:
        return series_title(analysis, currency=currency)
    return (
        f"{analysis.kpi.label}: the expected path cannot be projected reliably, so no change "
        "against it is claimed"
    )


def guarded_series_finding(analysis: Any, *, currency: str = "", confidence: float = 0.95) -> str:
    """What the interrupted time series shows (markdown), or why its percentage is withheld."""
    if analysis.guard != Guard.COUNTERFACTUAL_IMPLAUSIBLE:
        return series_finding(analysis, currency=currency, confidence=confidence)
    row = analysis.row.iloc[0]
    kpi = analysis.kpi
    change = format_kpi_change(row["change"], kpi.unit, currency)
    model = "logarithm" if analysis.its.model == "log-linear" else "level"
    return (
        f"The model of the {model} of {kpi.label.lower()} estimates {change} a month against "
        f"its projection ({format_p_statement(row['p_value'])}), but {_projection_problem(analysis)}. "
        "A change measured against such a projection says more about the projection than "
        "about go-live, so it is not stated as a percentage and not counted as a finding."
        "\n\n**What it means:** the data cannot tell how this KPI would have moved without "
        "the CRM. A control group (units that did not get the CRM) or a longer history before "
        "go-live would let it."
    )


def guarded_control_title(analysis: Any) -> str:
    """The event-study chart's title, saying so when too few units allow no conclusion.

    ``analysis`` is a :class:`crmkit.measure.ControlAnalysis`; without the ``no_interval``
    guard this is :func:`control_title`.
    """
    if analysis.guard != Guard.NO_INTERVAL:
        return control_title(analysis)
    effect, _, _ = analysis.relative_effect
    return (
        f"{analysis.kpi.label}: {format_change_pct(effect)} against the control group, but too "
        "few units to tell it from chance"
    )


def guarded_control_finding(analysis: Any, *, confidence: float = 0.95) -> str:
    """What the difference-in-differences shows (markdown), or that the data cannot say."""
    if analysis.guard != Guard.NO_INTERVAL:
        return control_finding(analysis, confidence=confidence)
    effect, _, _ = analysis.relative_effect
    d = analysis.did
    return (
        f"Comparing the change in {analysis.kpi.label.lower()} of {_units(analysis)}, the CRM "
        f"units moved {format_change_pct(effect)} relative to what the control group's change "
        f"predicts. With {d.n_clusters} units, {d.n_treated_units} of them with the CRM, no "
        f"{confidence * 100:.0f} % confidence interval and no p-value can be computed that "
        "hold: there are too few ways to tell which units got the CRM for any test to "
        f"separate an effect from chance. {assignment_sentence(analysis)}"
        "\n\n**What it means:** cannot say. The comparison with the control group neither "
        "confirms nor rules out an effect of the CRM; more units (e.g. sales reps instead of "
        "regions, with `rep_id` in the orders) would let it."
    )


def no_control_comparison(control_column: str | None, rollout: Any = None) -> str:
    """Why monthly revenue has no difference-in-differences against a control group.

    ``rollout`` is results.json's ``impact.rollout`` (or None): a pilot the control group
    describes is compared by the synthetic control instead.

    Examples
    --------
    >>> no_control_comparison(None)
    '*No comparison: params.yaml names no control group.*'
    >>> no_control_comparison("region", {"design": "synthetic_control",
    ...                                  "units": {"treated": ["B01"], "never_treated": ["B02"]}})
    '*No difference-in-differences: 1 unit got the CRM (B01), too few to average over; the synthetic control above compares it with the 1 unit that did not.*'
    """
    if control_column is None:
        return "*No comparison: params.yaml names no control group.*"
    if isinstance(rollout, Mapping) and rollout.get("design") == "synthetic_control":
        units = rollout.get("units") or {}
        treated = list(units.get("treated") or [])
        never = list(units.get("never_treated") or [])
        return (
            f"*No difference-in-differences: {len(treated)} "
            f"{'unit' if len(treated) == 1 else 'units'} got the CRM ({', '.join(treated)}), "
            "too few to average over; the synthetic control above compares "
            f"{'it' if len(treated) == 1 else 'them'} with the {len(never)} "
            f"{'unit' if len(never) == 1 else 'units'} that did not.*"
        )
    return (
        f"*No comparison: the orders cannot be split by `{control_column}` into at least two "
        "units with the CRM and one without.*"
    )
