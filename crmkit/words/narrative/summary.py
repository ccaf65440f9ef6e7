"""The sentences of the index page's executive summary.

Each is built from one section of ``results.json`` (a mapping that may hold anything: every
number goes through :mod:`crmkit.words.formats`, which prints "not available" for what is not
a finite number): the KPIs by standing, the revenue effect against the control group or its
expected path, the ageing customer base, failed stages. The data-quality sentence is in
:mod:`~crmkit.words.narrative.data_quality`, the financial one in
:mod:`~crmkit.words.narrative.finance`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any

from crmkit.data.guards import Guard, claimable, percent_change, ratio_scale
from crmkit.data.verdicts import CLAIMED, Status, Verdict
from crmkit.words.formats import (
    as_number,
    format_change_pct,
    format_kpi_change,
    format_percent,
)
from crmkit.words.language import tr
from crmkit.words.narrative.kpi import GUARD_REASONS, _needs, guard_reason
from crmkit.words.narrative.naming import in_sentence, joined, listed, named
from crmkit.words.narrative.placebo import placebo_sentence

__all__ = [
    "STANDINGS",
    "kpi_change_text",
    "kpi_standing",
    "series_problem",
    "summary_ageing",
    "summary_control",
    "summary_failed_stages",
    "summary_kpis",
    "summary_series",
    "top_findings",
]


#: How each standing of a KPI is counted in the summary, in the order it is printed.
STANDINGS = (
    "improved",
    "worsened",
    "not claimed",
    "no detectable change",
    "insufficient data",
    "declined",
    "not measured",
    "without a verdict",
)


def _standing_count(standing: str, n: int) -> str:
    """How many KPIs stand so, in words ("2 show no detectable change")."""
    one = n == 1
    if standing == "improved":
        return tr("{n} improved", n=n)
    if standing == "worsened":
        return tr("{n} worsened", n=n)
    if standing == "not claimed":
        return (
            tr("{n} moved but is not claimed", n=n)
            if one
            else tr("{n} moved but are not claimed", n=n)
        )
    if standing == "no detectable change":
        return (
            tr("{n} shows no detectable change", n=n)
            if one
            else tr("{n} show no detectable change", n=n)
        )
    if standing == "insufficient data":
        return tr("{n} had too little data to compare", n=n)
    if standing == "declined":
        if one:
            return tr("{n} was not compared, because the two windows cannot measure it alike", n=n)
        return tr("{n} were not compared, because the two windows cannot measure them alike", n=n)
    if standing == "not measured":
        if one:
            return tr("{n} was not measured (its data is absent)", n=n)
        return tr("{n} were not measured (their data is absent)", n=n)
    return tr("{n} have no verdict", n=n)


def _label(entry: Mapping[str, Any], name: Any) -> str:
    label = entry.get("label")
    return named(label if isinstance(label, str) and label.strip() else name)


def kpi_standing(entry: Mapping[str, Any]) -> str:
    """Where one ``kpis.<kpi>`` entry of ``results.json`` stands in the summary (:data:`STANDINGS`).

    "improved" and "worsened" only when :func:`crmkit.data.guards.claimable` allows the claim;
    a verdict that a claim guard withholds is "not claimed". A KPI whose table or column is
    absent (verdict "not measured", or status "skipped") is "not measured".

    Examples
    --------
    >>> kpi_standing({"verdict": "improved", "guard": "confounded_ageing"})
    'not claimed'
    >>> kpi_standing({"verdict": "insufficient data", "status": "skipped"})
    'not measured'
    >>> kpi_standing({"verdict": "insufficient data", "guard": "not_comparable"})
    'declined'
    """
    verdict = entry.get("verdict")
    if verdict == Verdict.NOT_MEASURED or entry.get("status") == Status.SKIPPED:
        return "not measured"
    if verdict in CLAIMED:
        return str(verdict) if claimable(entry) else "not claimed"
    if entry.get("guard") == Guard.NOT_COMPARABLE.value:
        return "declined"
    if verdict in (Verdict.NO_CHANGE, Verdict.INSUFFICIENT):
        return str(verdict)
    return "without a verdict"


def kpi_change_text(entry: Mapping[str, Any], *, currency: str = "") -> str:
    """A KPI's change as the summary prints it: a percentage only where its base is sane.

    The relative change is printed when it is recorded, no percentage guard tripped and its
    before value is a sane base (:func:`crmkit.data.guards.percent_change`); otherwise the absolute
    change in the KPI's unit (NPS in points). Empty when neither is available.

    Examples
    --------
    >>> kpi_change_text({"unit": "share", "before": 0.2, "after": 0.26, "change": 0.06,
    ...                  "change_pct": 0.3})
    '+30.0 %'
    >>> kpi_change_text({"unit": "points (−100–100)", "before": 1.0, "after": 26.3,
    ...                  "change": 25.3, "change_pct": 25.3})
    '+25.3 points'

    Where the KPI was also measured on the control group, the change printed is the one net of
    the control group's change (``did_change``), relative to the before value:

    >>> kpi_change_text({"unit": "share", "before": 0.2, "after": 0.26, "change": 0.06,
    ...                  "change_pct": 0.3, "did_change": 0.04})
    '+20.0 % net of the control group'
    """
    unit = entry.get("unit")
    unit = unit if isinstance(unit, str) else ""
    net = as_number(entry.get("did_change"))
    if net is not None:
        before = as_number(entry.get("before"))
        plain = {"unit": unit, "change": net, "guard": entry.get("guard"), "before": before}
        if before is not None:
            plain.update(after=before + net, change_pct=net / before if before else None)
        text = kpi_change_text(plain, currency=currency)
        return tr("{change} net of the control group", change=text) if text else ""
    pct = as_number(entry.get("change_pct"))
    code = entry.get("guard")
    sane = code not in (Guard.BASE_NEAR_ZERO.value, Guard.NOT_A_RATIO_SCALE.value)
    before, after = as_number(entry.get("before")), as_number(entry.get("after"))
    if before is not None and after is not None:
        sane = sane and percent_change(before, after, unit=unit)[1] is None
    elif not ratio_scale(unit):
        sane = False
    if pct is not None and sane:
        return format_change_pct(pct)
    change = as_number(entry.get("change"))
    return "" if change is None else format_kpi_change(change, unit, currency)


def _finding_rank(entry: Mapping[str, Any]) -> tuple[float, float]:
    """Significance as the report prints it (p < 0.001 ties), then the practical size."""
    p = as_number(entry.get("p_adjusted"))
    tier = math.inf if p is None else (0.0 if p < 0.001 else round(p, 3))
    size = as_number(entry.get("effect_size"))
    if size is None:
        size = as_number(entry.get("change_pct"))
    return tier, -abs(size) if size is not None else 0.0


def top_findings(
    kpis: Mapping[str, Any],
    standing: str,
    *,
    limit: int = 3,
    reported_elsewhere: Collection[str] = (),
) -> list[tuple[str, Mapping[str, Any]]]:
    """The ``limit`` strongest KPIs of one standing ("improved" or "worsened"), best first.

    Ranked by the corrected p-value (all below 0.001 alike), then by the size of the effect:
    ``|effect_size|`` where recorded, else ``|change_pct|``; the KPI name breaks ties. KPIs in
    ``reported_elsewhere`` (told by a design of their own) are left out.
    """
    chosen = [
        (str(name), entry)
        for name, entry in kpis.items()
        if isinstance(entry, Mapping)
        and kpi_standing(entry) == standing
        and name not in reported_elsewhere
    ]
    chosen.sort(key=lambda item: (*_finding_rank(item[1]), item[0]))
    return chosen[:limit]


def _series_of(items: list[str]) -> str:
    return joined(items)


def summary_kpis(
    kpis: Any, *, currency: str = "", reported_elsewhere: Collection[str] = ()
) -> list[str]:
    """The summary's sentences on the KPIs: counts, top findings, what is not claimed or measured.

    Parameters
    ----------
    kpis : mapping
        ``results["kpis"]``: KPI name → entry (label, unit, before, after, change,
        change_pct, p_adjusted, effect_size, verdict, guard, needs …).
    currency : str
        The client's currency code.
    reported_elsewhere : collection of str
        KPIs that a design of their own reports in the summary (monthly revenue against the
        control group): counted, but not listed again among the findings or "not claimed".

    Returns
    -------
    list of str
        Empty when there are no KPI entries.

    Examples
    --------
    >>> summary_kpis({"win_rate": {"label": "Win rate", "unit": "share", "verdict": "improved",
    ...                            "before": 0.2, "after": 0.26, "change_pct": 0.3}})
    ['Of 1 KPI, after go-live 1 improved and 0 worsened.', 'The strongest improvements: Win rate (+30.0 %).']
    """
    if not isinstance(kpis, Mapping):
        return []
    entries = {name: e for name, e in kpis.items() if isinstance(e, Mapping)}
    if not entries:
        return []
    counts = Counter(kpi_standing(e) for e in entries.values())
    parts = [_standing_count(standing, counts[standing]) for standing in STANDINGS[:2]]
    parts += [_standing_count(s, counts[s]) for s in STANDINGS[2:] if counts[s]]
    if len(entries) == 1:
        sentences = [tr("Of 1 KPI, after go-live {standings}.", standings=joined(parts))]
    else:
        sentences = [
            tr("Of {n} KPIs, after go-live {standings}.", n=len(entries), standings=joined(parts))
        ]
    for standing in ("improved", "worsened"):
        found = top_findings(entries, standing, reported_elsewhere=reported_elsewhere)
        if found:
            shown = []
            for name, entry in found:
                change = kpi_change_text(entry, currency=currency)
                label = _label(entry, name)
                shown.append(tr("{kpi} ({change})", kpi=label, change=change) if change else label)
            if standing == "improved":
                sentences.append(tr("The strongest improvements: {kpis}.", kpis=listed(shown)))
            else:
                sentences.append(tr("The strongest deteriorations: {kpis}.", kpis=listed(shown)))
    by_reason: dict[str, list[str]] = {}
    for name, entry in entries.items():
        if kpi_standing(entry) == "not claimed" and name not in reported_elsewhere:
            reason = guard_reason(entry.get("guard")) or tr("a check on the estimate failed")
            by_reason.setdefault(reason, []).append(_label(entry, name))
    if by_reason:
        groups = [
            tr("{kpis} ({reason})", kpis=_series_of(labels), reason=reason)
            for reason, labels in by_reason.items()
        ]
        sentences.append(
            tr("Not claimed, although the numbers moved: {groups}.", groups=tr("; ").join(groups))
        )
    declined = [_label(e, name) for name, e in entries.items() if kpi_standing(e) == "declined"]
    if declined:
        sentences.append(
            tr(
                "Not compared: {kpis} ({reason}; the loyalty and customer-value pages say why).",
                kpis=_series_of(declined),
                reason=GUARD_REASONS[Guard.NOT_COMPARABLE],
            )
        )
    by_need: dict[str, list[str]] = {}
    for name, entry in entries.items():
        if kpi_standing(entry) == "not measured":
            by_need.setdefault(_needs(entry), []).append(_label(entry, name))
    if by_need:
        groups = [
            tr("for want of {need}: {kpis}", need=need, kpis=listed(labels))
            for need, labels in by_need.items()
        ]
        sentences.append(tr("Not measured, {groups}.", groups=tr("; ").join(groups)))
    return sentences


def _confidence(alpha: Any) -> str:
    level = as_number(alpha)
    level = 0.05 if level is None or not 0 < level < 1 else level
    return f"{(1 - level) * 100:.0f} %"


def summary_control(did: Any, *, label: str | None = None, alpha: Any = 0.05) -> str | None:
    """The difference-in-differences in one sentence; "cannot say" when it has no interval.

    Examples
    --------
    >>> summary_control({"effect_pct": 0.155, "ci_low_pct": None, "ci_high_pct": 0.37})
    'Revenue where the CRM went live moved +15.5 % against the units that did not get it, but this data cannot say whether that is more than chance (too few units to compute an interval).'
    """
    label = tr("Revenue") if label is None else label
    if not isinstance(did, Mapping):
        return None
    effect = as_number(did.get("effect_pct"))
    if effect is None:
        return tr(
            "The data cannot compare the units that got the CRM with the control group, so "
            "it cannot say what the CRM did to {kpi}.",
            kpi=in_sentence(label),
        )
    subject = tr(
        "{kpi} where the CRM went live moved {change} against the units that did not get it",
        kpi=named(label),
        change=format_change_pct(effect),
    )
    code = did.get("guard")
    low, high = as_number(did.get("ci_low_pct")), as_number(did.get("ci_high_pct"))
    if code == Guard.NO_INTERVAL.value or low is None or high is None:
        return tr(
            "{subject}, but this data cannot say whether that is more than chance ({reason}).",
            subject=subject,
            reason=GUARD_REASONS[Guard.NO_INTERVAL],
        )
    interval = tr(
        "{level} CI {low} to {high}",
        level=_confidence(alpha),
        low=format_change_pct(low),
        high=format_change_pct(high),
    )
    if code is not None:
        return tr(
            "{subject} ({interval}), which is not claimed: {reason}.",
            subject=subject,
            interval=interval,
            reason=guard_reason(code),
        )
    if low > 0 or high < 0:
        return _placebo_unchecked(
            tr(
                "{subject} ({interval}): more than chance explains.",
                subject=subject,
                interval=interval,
            ),
            did,
            label=tr("{kpi} against the control group", kpi=named(label)),
        )
    return tr(
        "{subject} ({interval}): within what chance explains, so this data cannot say "
        "whether the CRM changed {kpi}.",
        subject=subject,
        interval=interval,
        kpi=in_sentence(label),
    )


def _placebo_unchecked(sentence: str, design: Mapping[str, Any], *, label: str) -> str:
    """A claimed impact sentence, followed where the history was too short for placebo dates
    by the sentence that says so (the design's ``placebo`` block in results.json)."""
    block = design.get("placebo")
    if not isinstance(block, Mapping) or block.get("status") != "history_too_short":
        return sentence
    unchecked = placebo_sentence(
        {
            "label": label,
            "placebo_status": block.get("status"),
            "placebo_history_months": block.get("history_months"),
            "placebo_needed_months": block.get("needed_months"),
        }
    )
    return tr("{sentence} {unchecked}", sentence=sentence, unchecked=unchecked)


def series_problem(series: Any) -> str | None:
    """Why the interrupted time series cannot be reported, or None when it can.

    It is reported only when no guard tripped and the sign of its relative effect
    (``effect_pct``) agrees with the sign of the estimate it comes from (``effect_per_month``).
    The guard ``inside_placebos`` is no problem of the expected path: the series is reported,
    its claim withheld (:func:`summary_series`).

    Examples
    --------
    >>> series_problem({"effect_pct": -1.552, "effect_per_month": 242649.0, "guard": None})
    'the relative effect and the estimate it comes from disagree in sign'
    >>> series_problem({"effect_pct": 0.12, "effect_per_month": 3.0e5, "guard": None}) is None
    True
    """
    if not isinstance(series, Mapping):
        return tr("no time series was recorded")
    code = series.get("guard")
    reason = None if code == Guard.INSIDE_PLACEBOS.value else guard_reason(code)
    if reason is not None:
        return reason
    pct, per_month = as_number(series.get("effect_pct")), as_number(series.get("effect_per_month"))
    if pct is None or per_month is None:
        return tr("too few months to project the path")
    if (pct > 0) - (pct < 0) != (per_month > 0) - (per_month < 0):
        return tr("the relative effect and the estimate it comes from disagree in sign")
    return None


def summary_series(series: Any, *, label: str | None = None, alpha: Any = 0.05) -> str | None:
    """The interrupted time series in one sentence, or why the data cannot give it.

    Examples
    --------
    >>> summary_series({"effect_pct": 0.121, "effect_per_month": 5.0e4, "ci_low": 1.0e4,
    ...                 "ci_high": 9.0e4, "p_value": 0.01})
    'Revenue ran +12.1 % against the path its months before go-live project: more than chance explains.'
    """
    label = tr("Revenue") if label is None else label
    if not isinstance(series, Mapping):
        return None
    problem = series_problem(series)
    if problem is not None:
        return tr(
            "The time series of {kpi} is not reported: the data cannot give a reliable "
            "expected path ({problem}).",
            kpi=in_sentence(label),
            problem=problem,
        )
    subject = tr(
        "{kpi} ran {change} against the path its months before go-live project",
        kpi=named(label),
        change=format_change_pct(series.get("effect_pct")),
    )
    if series.get("guard") == Guard.INSIDE_PLACEBOS.value:
        return tr(
            "{subject}, which is not claimed: {reason}.",
            subject=subject,
            reason=guard_reason(Guard.INSIDE_PLACEBOS.value),
        )
    low, high = as_number(series.get("ci_low")), as_number(series.get("ci_high"))
    p_value, level = as_number(series.get("p_value")), as_number(alpha)
    level = 0.05 if level is None or not 0 < level < 1 else level
    if low is not None and high is not None:
        detected = low > 0 or high < 0
    elif p_value is not None:
        detected = p_value < level
    else:
        return tr(
            "{subject}, but this data cannot say whether that is more than chance.", subject=subject
        )
    if detected:
        return _placebo_unchecked(
            tr("{subject}: more than chance explains.", subject=subject),
            series,
            label=tr("{kpi} against its expected path", kpi=named(label)),
        )
    return tr("{subject}: within what chance explains.", subject=subject)


def summary_ageing(ageing: Any, *, labels: Mapping[str, str] | None = None) -> str | None:
    """One sentence naming the ageing-base confound (use it only without a control group).

    Examples
    --------
    >>> summary_ageing({"dominant_cohort_share": 1.0, "dominant_cohort": "1997-Q1",
    ...                 "kpis": ["churn_rate_annual"]}, labels={"churn_rate_annual": "Annual churn"})
    'The customer base ages: 100 % of its customers were acquired in 1997-Q1, and there is no control group, so the before/after changes of Annual churn may come from the customers growing older rather than from the CRM.'
    """
    if not isinstance(ageing, Mapping):
        return None
    labels = labels or {}
    share = as_number(ageing.get("dominant_cohort_share"))
    cohort = ageing.get("dominant_cohort")
    if not isinstance(cohort, str):
        cohort = None if as_number(cohort) is None else f"{as_number(cohort):g}"
    names = ageing.get("kpis")
    names = names if isinstance(names, list | tuple) else []
    names = [named(labels.get(n, n)) for n in names if isinstance(n, str) and n]
    changes = (
        tr("the before/after changes of {kpis}", kpis=_series_of(names))
        if names
        else tr("before/after changes")
    )
    if share is not None and cohort:
        return tr(
            "The customer base ages: {share} of its customers were acquired in {cohort}, and "
            "there is no control group, so {changes} may come from the customers growing older "
            "rather than from the CRM.",
            share=format_percent(share, decimals=0),
            cohort=cohort,
            changes=changes,
        )
    return tr(
        "The customer base ages, and there is no control group, so {changes} may come from the "
        "customers growing older rather than from the CRM.",
        changes=changes,
    )


def summary_failed_stages(stages: Any) -> str | None:
    """The stages that failed (or whose page could not be rendered), to be rerun."""
    if not isinstance(stages, Mapping):
        return None
    failed = []
    for key, stage in stages.items():
        if isinstance(stage, Mapping) and stage.get("status") == "failed":
            title = stage.get("title")
            failed.append(title if isinstance(title, str) and title else str(key))
    return tr("Failed and to be rerun: {stages}.", stages=listed(failed)) if failed else None
