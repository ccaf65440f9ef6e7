"""The impact designs in words: the interrupted time series and the control group.

Titles and findings of the time-series chart (:class:`crmkit.measure.SeriesAnalysis`) and of
the event study against the control group (:class:`crmkit.measure.ControlAnalysis`), and,
where a guard tripped, why the projection or the comparison cannot be claimed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from crmkit.data.guards import Guard
from crmkit.stats.impact import DidInference
from crmkit.words.formats import (
    format_change_pct,
    format_kpi_change,
    format_p_statement,
    format_p_value,
    is_missing,
)
from crmkit.words.language import tr
from crmkit.words.narrative.naming import in_order, in_sentence, listed, named

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
    label = named(analysis.kpi.label)
    if is_missing(row["change"]):
        return tr("{kpi}: too few months to separate a change at go-live from the trend", kpi=label)
    gap = format_change_pct(row["change_pct"])
    path = (
        tr("the path the control group predicts")
        if analysis.comparative
        else tr("its pre-go-live trend")
    )
    if row["ci_low"] > 0 or row["ci_high"] < 0:
        size = gap.lstrip("+").replace(chr(0x2212), "")
        if row["change"] > 0:
            return tr("{kpi} ran {gap} above {path} after go-live", kpi=label, gap=size, path=path)
        return tr("{kpi} ran {gap} below {path} after go-live", kpi=label, gap=size, path=path)
    return tr(
        "{kpi} stayed within chance of {path} after go-live ({gap})", kpi=label, path=path, gap=gap
    )


def series_finding(analysis: Any, *, currency: str = "", confidence: float = 0.95) -> str:
    """What the interrupted time series shows, in words, with its caveats (markdown)."""
    row = analysis.row.iloc[0]
    its = analysis.its
    kpi = analysis.kpi
    if is_missing(row["change"]):
        return tr(
            "**What it means:** there are too few months on one side of go-live ({before} "
            "before, {after} from go-live) to tell a change from the trend.",
            before=its.n_pre,
            after=its.n_post,
        )
    low = format_kpi_change(row["ci_low"], kpi.unit, currency)
    high = format_kpi_change(row["ci_high"], kpi.unit, currency)
    change = format_kpi_change(row["change"], kpi.unit, currency)
    months = {"before": its.n_pre, "after": its.n_post}
    if analysis.comparative:
        model = tr(
            "Modelling the ratio of the CRM units to the control group over {before} months "
            "before go-live (its level and trend) and projecting it over the {after} months "
            "since — season and market move both groups and cancel in the ratio —",
            **months,
        )
    elif its.seasonality:
        model = tr(
            "Fitted on {before} months before go-live (level, trend and yearly season) and "
            "projected over the {after} months since,",
            **months,
        )
    else:
        model = tr(
            "Fitted on {before} months before go-live (level, trend) and projected over the "
            "{after} months since,",
            **months,
        )
    text = tr(
        "{model} {kpi} was on average {change} ({change_pct}) away from the projection "
        "({level} confidence interval {low} to {high}; {p}).",
        model=model,
        kpi=in_sentence(kpi.label),
        change=change,
        change_pct=format_change_pct(row["change_pct"]),
        level=f"{confidence * 100:.0f} %",
        low=low,
        high=high,
        p=format_p_statement(row["p_value"]),
    )
    if not analysis.comparative and its.n_pre < 24:
        text += tr(
            " With {before} months before go-live a season cannot be told apart from a trend, "
            "so the projection is fragile: rely on the comparison with the control group where "
            "there is one.",
            before=its.n_pre,
        )
    if its.ljung_box_p < 0.05:
        text += tr(
            " The model's residuals are autocorrelated (Ljung–Box p = {p}); the Newey–West "
            "errors allow for some of it, but read the interval as approximate.",
            p=format_p_value(its.ljung_box_p),
        )
    significant = row["ci_low"] > 0 or row["ci_high"] < 0
    if analysis.comparative:
        basis = tr("the control group and the gap before it")
    elif its.seasonality:
        basis = tr("the trend and season before it")
    else:
        basis = tr("the trend before it")
    meaning = (
        tr("the change that began at go-live is more than {basis} explain", basis=basis)
        if significant
        else tr(
            "the months after go-live are within what {basis}, and chance, explain", basis=basis
        )
    )
    caveat = (
        tr("It assumes that nothing else changed only in the CRM units at go-live.")
        if analysis.comparative
        else tr("A projection assumes that nothing else changed at go-live.")
    )
    return tr(
        "{text}\n\n**What it means:** {meaning}. {caveat}",
        text=text,
        meaning=meaning,
        caveat=caveat,
    )


def control_title(analysis: Any) -> str:
    """The event-study chart's title (``analysis``: :class:`crmkit.measure.ControlAnalysis`)."""
    effect, low, high = analysis.relative_effect
    label = named(analysis.kpi.label)
    if is_missing(effect):
        return tr("{kpi}: too little data to compare with the control group", kpi=label)
    if low > 0 or high < 0:
        return tr(
            "{kpi} moved {change} against the control group after go-live",
            kpi=label,
            change=format_change_pct(effect),
        )
    return tr(
        "{kpi}: no detectable difference from the control group ({change})",
        kpi=label,
        change=format_change_pct(effect),
    )


def _units(analysis: Any) -> str:
    """'29 sales reps in CRM units with that of 7 reps in the control group', by customer or
    by region."""
    treated, control = analysis.treated_units, analysis.control_units
    if analysis.unit_column == "rep_id":
        return tr(
            "{treated} sales reps in CRM units with that of {control} reps in the control group",
            treated=len(treated),
            control=len(control),
        )
    if analysis.unit_column == "customer_id":
        return tr(
            "{treated} customers with the CRM with that of {control} customers in the control "
            "group",
            treated=f"{len(treated):,}",
            control=f"{len(control):,}",
        )
    return tr(
        "the {column}s {treated} with that of {control}",
        column=analysis.unit_column,
        treated=listed(map(str, treated)),
        control=listed(map(str, control)),
    )


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
    counts = {
        "treated": f"{len(analysis.treated_units):,}",
        "control": f"{len(analysis.control_units):,}",
    }
    if level == "customer":
        return tr(
            "The CRM was assigned customer by customer: {treated} customers got it and "
            "{control} did not, each a unit (cluster) of the comparison.",
            **counts,
        )
    if level == "rep":
        return tr(
            "The CRM was assigned by sales rep: {treated} sales reps got it and {control} did "
            "not, each a unit (cluster) of the comparison.",
            **counts,
        )
    if analysis.unit_column == "rep_id":
        return tr(
            "The CRM was assigned by group (region, branch); the comparison's units are the "
            "sales reps within them: {treated} with the CRM and {control} without, each a unit "
            "(cluster).",
            **counts,
        )
    return tr(
        "The CRM was assigned by group (region, branch): {treated} groups got it and {control} "
        "did not, each a unit (cluster) of the comparison.",
        **counts,
    )


def did_inference_words(d: Any) -> str:
    """How a difference-in-differences got its interval, and why, ending with a full stop.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> d = SimpleNamespace(inference_kind=DidInference.CLUSTER_ROBUST, n_clusters=40)
    >>> did_inference_words(d)
    'cluster-robust t (CR1) with 39 degrees of freedom, 40 clusters.'
    """
    kind = DidInference(d.inference_kind)
    if kind is DidInference.TOO_FEW_ARRANGEMENTS:
        return tr(
            "cannot say: {n} units, {treated} of them with the CRM, can be split that way in "
            "only {arrangements} ways, too few for any test over units at the {alpha} level "
            "(at least {needed} needed); the wild cluster bootstrap rejects a true null too "
            "often on so few units (MacKinnon & Webb 2017).",
            n=d.n_clusters,
            treated=d.n_treated_units,
            arrangements=d.arrangements,
            alpha=f"{d.alpha:g}",
            needed=math.ceil(1 / d.alpha - 1e-9),
        )
    if kind is DidInference.WILD_CLUSTER_BOOTSTRAP:
        weights = {"Webb six-point": tr("Webb six-point"), "Rademacher": tr("Rademacher")}
        return tr(
            "wild cluster bootstrap-t ({weights} weights, {draws} draws, seed {seed}; null "
            "imposed, interval by test inversion): {n} clusters are too few for cluster-robust "
            "t inference (Cameron, Gelbach & Miller 2008).",
            weights=weights.get(d.bootstrap_weights, d.bootstrap_weights),
            draws=f"{d.bootstrap_draws:,}",
            seed=d.bootstrap_seed,
            n=d.n_clusters,
        )
    if kind is DidInference.CLUSTER_ROBUST:
        return tr(
            "cluster-robust t (CR1) with {df} degrees of freedom, {n} clusters.",
            df=d.n_clusters - 1,
            n=d.n_clusters,
        )
    return tr("too little data for an interval.")


def control_finding(analysis: Any, *, confidence: float = 0.95) -> str:
    """What the difference-in-differences shows, in words, with its caveats (markdown)."""
    d = analysis.did
    effect, low, high = analysis.relative_effect
    if is_missing(effect):
        return tr("**What it means:** the data cannot compare CRM units with the control group.")
    text = tr(
        "Comparing the change in {kpi} of {units}, the CRM units moved {change} relative to "
        "what the control group's change predicts ({level} confidence interval {low} to "
        "{high}; {p}). Inference: {inference}",
        kpi=in_sentence(analysis.kpi.label),
        units=_units(analysis),
        change=format_change_pct(effect),
        level=f"{confidence * 100:.0f} %",
        low=format_change_pct(low),
        high=format_change_pct(high),
        p=format_p_statement(d.p_value),
        inference=did_inference_words(d),
    )
    text = in_order([text, assignment_sentence(analysis)])
    if not is_missing(d.pre_trend_p):
        if d.pre_trend_p < 0.05:
            text += tr(
                " Before go-live the two groups did **not** move in parallel (pre-trend test "
                "p = {p}): the estimate may partly reflect differences that existed anyway.",
                p=format_p_value(d.pre_trend_p),
            )
        else:
            text += tr(
                " Before go-live the two groups moved in parallel as far as the data can tell "
                "(pre-trend test p = {p}), the condition this comparison rests on.",
                p=format_p_value(d.pre_trend_p),
            )
    if low > 0 or high < 0:
        meaning = tr(
            "\n\n**What it means:** the change after go-live is larger where the CRM was "
            "introduced than where it was not, which is the strongest evidence this report has "
            "that the CRM caused it."
        )
    else:
        meaning = tr(
            "\n\n**What it means:** the CRM units did not change detectably differently from "
            "the control group, so the before/after changes cannot be credited to the CRM with "
            "confidence."
        )
    return text + meaning


def _projection_problem(analysis: Any) -> str:
    """Why a time series' projection is not trusted, from its numbers (guard tripped)."""
    its = analysis.its
    if its.n_post > its.n_pre:
        return tr(
            "the {after} months from go-live are more than the {before} months of history the "
            "trend was fitted to",
            after=its.n_post,
            before=its.n_pre,
        )
    if its.model == "linear" and bool((its.counterfactual <= 0).any()):
        return tr("the trend before go-live, carried forward, falls to zero or below")
    return tr(
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
    return tr(
        "{kpi}: the expected path cannot be projected reliably, so no change against it is claimed",
        kpi=named(analysis.kpi.label),
    )


def guarded_series_finding(analysis: Any, *, currency: str = "", confidence: float = 0.95) -> str:
    """What the interrupted time series shows (markdown), or why its percentage is withheld."""
    if analysis.guard != Guard.COUNTERFACTUAL_IMPLAUSIBLE:
        return series_finding(analysis, currency=currency, confidence=confidence)
    row = analysis.row.iloc[0]
    kpi = analysis.kpi
    fields = {
        "kpi": in_sentence(kpi.label),
        "change": format_kpi_change(row["change"], kpi.unit, currency),
        "p": format_p_statement(row["p_value"]),
        "problem": _projection_problem(analysis),
    }
    if analysis.its.model == "log-linear":
        return tr(
            "The model of the logarithm of {kpi} estimates {change} a month against its "
            "projection ({p}), but {problem}. "
            "A change measured against such a projection says more about the projection than "
            "about go-live, so it is not stated as a percentage and not counted as a finding."
            "\n\n**What it means:** the data cannot tell how this KPI would have moved without "
            "the CRM. A control group (units that did not get the CRM) or a longer history before "
            "go-live would let it.",
            **fields,
        )
    return tr(
        "The model of the level of {kpi} estimates {change} a month against its "
        "projection ({p}), but {problem}. "
        "A change measured against such a projection says more about the projection than "
        "about go-live, so it is not stated as a percentage and not counted as a finding."
        "\n\n**What it means:** the data cannot tell how this KPI would have moved without "
        "the CRM. A control group (units that did not get the CRM) or a longer history before "
        "go-live would let it.",
        **fields,
    )


def guarded_control_title(analysis: Any) -> str:
    """The event-study chart's title, saying so when too few units allow no conclusion.

    ``analysis`` is a :class:`crmkit.measure.ControlAnalysis`; without the ``no_interval``
    guard this is :func:`control_title`.
    """
    if analysis.guard != Guard.NO_INTERVAL:
        return control_title(analysis)
    effect, _, _ = analysis.relative_effect
    return tr(
        "{kpi}: {change} against the control group, but too few units to tell it from chance",
        kpi=named(analysis.kpi.label),
        change=format_change_pct(effect),
    )


def guarded_control_finding(analysis: Any, *, confidence: float = 0.95) -> str:
    """What the difference-in-differences shows (markdown), or that the data cannot say."""
    if analysis.guard != Guard.NO_INTERVAL:
        return control_finding(analysis, confidence=confidence)
    effect, _, _ = analysis.relative_effect
    d = analysis.did
    return tr(
        "Comparing the change in {kpi} of {units}, the CRM units moved {change} relative to "
        "what the control group's change predicts. With {n} units, {treated} of them with the "
        "CRM, no {level} confidence interval and no p-value can be computed that hold: there "
        "are too few ways to tell which units got the CRM for any test to separate an effect "
        "from chance. {assignment}"
        "\n\n**What it means:** cannot say. The comparison with the control group neither "
        "confirms nor rules out an effect of the CRM; more units (e.g. sales reps instead of "
        "regions, with `rep_id` in the orders) would let it.",
        kpi=in_sentence(analysis.kpi.label),
        units=_units(analysis),
        change=format_change_pct(effect),
        n=d.n_clusters,
        treated=d.n_treated_units,
        level=f"{confidence * 100:.0f} %",
        assignment=assignment_sentence(analysis),
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
        return tr("*No comparison: params.yaml names no control group.*")
    if isinstance(rollout, Mapping) and rollout.get("design") == "synthetic_control":
        units = rollout.get("units") or {}
        treated = list(units.get("treated") or [])
        never = list(units.get("never_treated") or [])
        got = (
            tr("{n} unit got the CRM ({units})", n=1, units=listed(map(str, treated)))
            if len(treated) == 1
            else tr(
                "{n} units got the CRM ({units})", n=len(treated), units=listed(map(str, treated))
            )
        )
        if len(treated) == 1:
            others = (
                tr("it with the {n} unit that did not", n=1)
                if len(never) == 1
                else tr("it with the {n} units that did not", n=len(never))
            )
        else:
            others = (
                tr("them with the {n} unit that did not", n=1)
                if len(never) == 1
                else tr("them with the {n} units that did not", n=len(never))
            )
        return tr(
            "*No difference-in-differences: {got}, too few to average over; the synthetic "
            "control above compares {others}.*",
            got=got,
            others=others,
        )
    return tr(
        "*No comparison: the orders cannot be split by `{column}` into at least two units with "
        "the CRM and one without.*",
        column=control_column,
    )
