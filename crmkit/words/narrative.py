"""Plain-language findings generated from before/after results.

A client's manager reads the report, so each KPI's result is also said in words: what the KPI
was before and after go-live, whether the change is larger than chance explains, how large it
is with its confidence interval and, for "no detectable change", the smallest change the data
could have detected. The sentences are generated from the result rows of
:func:`crmkit.measure.measure_kpis` and never contain a number that is not in the row.

The phrasing every report text shares (the window labels, the "What it means" paragraph, the
findings with their limitations) is defined in :mod:`crmkit.words.phrases` and offered here too.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping
from typing import Any

import pandas as pd

from crmkit.data import verdicts
from crmkit.data.guards import Guard, claimable, percent_change, ratio_scale
from crmkit.data.verdicts import CLAIMED, Status, Verdict
from crmkit.words.formats import (
    MISSING,
    as_number,
    format_change_pct,
    format_kpi_change,
    format_kpi_value,
    format_money,
    format_p_value,
    format_percent,
    is_missing,
)
from crmkit.words.phrases import WINDOW_LABELS, findings_markdown, what_it_means

__all__ = [
    "GUARD_REASONS",
    "MONEY_CANNOT_SHOW",
    "STANDINGS",
    "WINDOW_LABELS",
    "area_findings",
    "breakeven_text",
    "change_title",
    "channel_title",
    "control_finding",
    "control_title",
    "cost_title",
    "describe_change",
    "finance_findings",
    "finance_title",
    "findings_markdown",
    "guard_reason",
    "issue_count",
    "kpi_change_text",
    "kpi_standing",
    "limitations",
    "measured_benefits_established",
    "overview_findings",
    "overview_title",
    "quality_score_text",
    "series_finding",
    "series_problem",
    "series_title",
    "simulation_title",
    "summary_ageing",
    "summary_control",
    "summary_failed_stages",
    "summary_financial",
    "summary_kpis",
    "summary_quality",
    "summary_series",
    "top_findings",
    "tornado_title",
    "trend_title",
    "verdict_counts",
    "what_it_means",
]

#: Every verdict, in the order reports list them (the one definition: crmkit.data.verdicts).
VERDICTS = verdicts.VERDICTS


def _moved(row: Mapping[str, Any]) -> str:
    change = row["change"]
    if is_missing(change) or change == 0:
        return "stayed at"
    return "rose" if change > 0 else "fell"


def describe_change(row: Mapping[str, Any], *, currency: str = "", confidence: float = 0.95) -> str:
    """One KPI's before/after result as one or two plain sentences.

    Parameters
    ----------
    row : mapping
        A result row with at least ``label``, ``unit``, ``before``, ``after``, ``change``,
        ``change_pct``, ``ci_low``, ``ci_high``, ``p_adjusted``, ``mde``, ``verdict`` and
        ``note`` (as :func:`crmkit.measure.measure_kpis` returns them).
    currency : str
        The client's currency code, for money KPIs.
    confidence : float
        The confidence level of the interval (1 − alpha).

    Returns
    -------
    str

    Examples
    --------
    >>> row = {"label": "Win rate", "unit": "share", "before": 0.20, "after": 0.26,
    ...        "change": 0.06, "change_pct": 0.30, "ci_low": 0.045, "ci_high": 0.075,
    ...        "p_adjusted": 0.0001, "mde": 0.012, "verdict": "improved", "note": None}
    >>> print(describe_change(row))
    Win rate rose from 20.0 % to 26.0 % (+6.0 percentage points, +30.0 %; 95 % confidence interval +4.5 to +7.5 percentage points). This is more than chance explains (p < 0.001 after correcting for the number of KPIs tested): an improvement.
    """
    label, unit = str(row["label"]), str(row["unit"])
    verdict = row["verdict"]
    if verdict == Verdict.NOT_MEASURED:
        return f"{label} was not measured: it needs {_needs(row)}."
    if verdict == Verdict.INSUFFICIENT:
        note = row.get("note")
        reason = (
            "too few observations in one of the windows" if is_missing(note) or not note else note
        )
        return f"{label} could not be compared: {reason}."
    before = format_kpi_value(row["before"], unit, currency)
    after = format_kpi_value(row["after"], unit, currency)
    change = format_kpi_change(row["change"], unit, currency)
    relative = "" if is_missing(row["change_pct"]) else f", {format_change_pct(row['change_pct'])}"
    interval = ""
    if not (is_missing(row["ci_low"]) or is_missing(row["ci_high"])):
        low = format_kpi_change(row["ci_low"], unit, currency)
        high = format_kpi_change(row["ci_high"], unit, currency)
        interval = f"; {confidence * 100:.0f} % confidence interval {_shared_unit(low, high)}"
    p_text = format_p_value(row["p_adjusted"])
    p_text = f"p {p_text}" if p_text.startswith("<") else f"p = {p_text}"
    moved = _moved(row)
    if moved == "stayed at" or before == after:
        opening = f"{label} stayed at {after}"
    else:
        opening = f"{label} {moved} from {before} to {after}"
    if verdict in CLAIMED:
        meaning = "an improvement" if verdict == Verdict.IMPROVED else "a deterioration"
        return (
            f"{opening} ({change}{relative}{interval}). This is more than chance explains "
            f"({p_text} after correcting for the number of KPIs tested): {meaning}."
        )
    detectable = ""
    if not is_missing(row.get("mde")):
        mde = format_kpi_change(row["mde"], unit, currency).lstrip("+\u2212\u00b1")
        detectable = (
            f" With this much data, a change of about {mde} or more would have been detected."
        )
    return (
        f"{opening} ({change}{relative}{interval}), a difference that chance alone could "
        f"produce ({p_text} after correction): no detectable change.{detectable}"
    )


def _shared_unit(low: str, high: str) -> str:
    """'+4.5 to +7.5 percentage points' rather than repeating the unit on both limits."""
    low_number, _, low_unit = low.partition(" ")
    high_number, _, high_unit = high.partition(" ")
    if low_unit and low_unit == high_unit and not low_number.lstrip("+\u2212\u00b1")[:1].isalpha():
        return f"{low_number} to {high_number} {low_unit}"
    return f"{low} to {high}"


def verdict_counts(results: pd.DataFrame) -> dict[str, int]:
    """How many KPIs got each verdict: improved, worsened, no change, insufficient, not measured.

    Examples
    --------
    >>> verdict_counts(pd.DataFrame({"verdict": ["improved", "improved", "worsened"]}))
    {'improved': 2, 'worsened': 1, 'no detectable change': 0, 'insufficient data': 0, 'not measured': 0}
    """
    counts = results["verdict"].value_counts()
    return {v.value: int(counts.get(v, 0)) for v in VERDICTS}


# --------------------------------------------------------------------------- executive summary
# The sentences of the index page's executive summary, each built from one section of
# results.json (a mapping that may hold anything: every number goes through
# crmkit.words.formats, which prints "not available" for what is not a finite number).

#: Why a guarded estimate is not claimed as it stands, in the words a report prints.
GUARD_REASONS: dict[Guard, str] = {
    Guard.BASE_NEAR_ZERO: (
        "its before value is zero or near zero, so a percentage change would mean nothing"
    ),
    Guard.NOT_A_RATIO_SCALE: "its scale has no true zero, so its change is given in points",
    Guard.COUNTERFACTUAL_IMPLAUSIBLE: (
        "the path projected from before go-live is implausible: it crosses zero or runs far "
        "beyond the history it was fitted on"
    ),
    Guard.CONFOUNDED_AGEING: (
        "the customer base ages and there is no control group to separate that from the CRM"
    ),
    Guard.NOT_COMPARABLE: (
        "the before and after windows do not measure the same customers in the same way"
    ),
    Guard.SHARED_WITH_CONTROL: (
        "net of the control group's change over the same windows, what is left is within "
        "what chance explains"
    ),
    Guard.NO_INTERVAL: "too few units to compute an interval",
}

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

_STANDING_WORDS = {
    "improved": "improved",
    "worsened": "worsened",
    "not claimed": "moved but {are} not claimed",
    "no detectable change": "show{s} no detectable change",
    "insufficient data": "had too little data to compare",
    "declined": "{were} not compared, because the two windows cannot measure {them} alike",
    "not measured": "{were} not measured ({their} data is absent)",
    "without a verdict": "have no verdict",
}


def guard_reason(code: Any) -> str | None:
    """The plain-words reason for a guard code of ``results.json``; None when there is none.

    Examples
    --------
    >>> guard_reason("confounded_ageing")
    'the customer base ages and there is no control group to separate that from the CRM'
    >>> guard_reason(None) is None, guard_reason("something new")
    (True, 'a check on the estimate failed (something new)')
    """
    if code is None or is_missing(code):
        return None
    if not isinstance(code, str):
        return "a check on the estimate failed"
    try:
        return GUARD_REASONS[Guard(code)]
    except ValueError:
        return f"a check on the estimate failed ({code})"


def _label(entry: Mapping[str, Any], name: Any) -> str:
    label = entry.get("label")
    return label if isinstance(label, str) and label.strip() else str(name)


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
        return f"{text} net of the control group" if text else ""
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


def _needs(entry: Mapping[str, Any]) -> str:
    needs = entry.get("needs")
    if isinstance(needs, str) and needs.strip():
        return needs.strip()
    note = entry.get("note")
    if isinstance(note, str) and note.startswith("needs "):
        return note.removeprefix("needs ").strip()
    return "the data it needs"


def _series_of(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


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
    parts = [f"{counts[Verdict.IMPROVED]} improved", f"{counts[Verdict.WORSENED]} worsened"]
    for standing in STANDINGS[2:]:
        n = counts[standing]
        if n:
            words = _STANDING_WORDS[standing].format(
                are="is" if n == 1 else "are",
                s="s" if n == 1 else "",
                were="was" if n == 1 else "were",
                their="its" if n == 1 else "their",
                them="it" if n == 1 else "them",
            )
            parts.append(f"{n} {words}")
    noun = "KPI" if len(entries) == 1 else "KPIs"
    sentences = [f"Of {len(entries)} {noun}, after go-live {_series_of(parts)}."]
    for standing, heading in (("improved", "improvements"), ("worsened", "deteriorations")):
        found = top_findings(entries, standing, reported_elsewhere=reported_elsewhere)
        if found:
            listed = []
            for name, entry in found:
                change = kpi_change_text(entry, currency=currency)
                listed.append(
                    f"{_label(entry, name)} ({change})" if change else _label(entry, name)
                )
            sentences.append(f"The strongest {heading}: {', '.join(listed)}.")
    by_reason: dict[str, list[str]] = {}
    for name, entry in entries.items():
        if kpi_standing(entry) == "not claimed" and name not in reported_elsewhere:
            reason = guard_reason(entry.get("guard")) or "a check on the estimate failed"
            by_reason.setdefault(reason, []).append(_label(entry, name))
    if by_reason:
        groups = [f"{_series_of(labels)} ({reason})" for reason, labels in by_reason.items()]
        sentences.append(f"Not claimed, although the numbers moved: {'; '.join(groups)}.")
    declined = [_label(e, name) for name, e in entries.items() if kpi_standing(e) == "declined"]
    if declined:
        sentences.append(
            f"Not compared: {_series_of(declined)} "
            f"({GUARD_REASONS[Guard.NOT_COMPARABLE]}; the loyalty and customer-value pages say why)."
        )
    by_need: dict[str, list[str]] = {}
    for name, entry in entries.items():
        if kpi_standing(entry) == "not measured":
            by_need.setdefault(_needs(entry), []).append(_label(entry, name))
    if by_need:
        groups = [f"for want of {need}: {', '.join(labels)}" for need, labels in by_need.items()]
        sentences.append(f"Not measured, {'; '.join(groups)}.")
    return sentences


def _confidence(alpha: Any) -> str:
    level = as_number(alpha)
    level = 0.05 if level is None or not 0 < level < 1 else level
    return f"{(1 - level) * 100:.0f} %"


def summary_control(did: Any, *, label: str = "Revenue", alpha: Any = 0.05) -> str | None:
    """The difference-in-differences in one sentence; "cannot say" when it has no interval.

    Examples
    --------
    >>> summary_control({"effect_pct": 0.155, "ci_low_pct": None, "ci_high_pct": 0.37})
    'Revenue where the CRM went live moved +15.5 % against the units that did not get it, but this data cannot say whether that is more than chance (too few units to compute an interval).'
    """
    if not isinstance(did, Mapping):
        return None
    effect = as_number(did.get("effect_pct"))
    if effect is None:
        return (
            "The data cannot compare the units that got the CRM with the control group, so "
            "it cannot say what the CRM did to "
            f"{label.lower()}."
        )
    subject = (
        f"{label} where the CRM went live moved {format_change_pct(effect)} against the units "
        "that did not get it"
    )
    code = did.get("guard")
    low, high = as_number(did.get("ci_low_pct")), as_number(did.get("ci_high_pct"))
    if code == Guard.NO_INTERVAL.value or low is None or high is None:
        return (
            f"{subject}, but this data cannot say whether that is more than chance "
            f"({GUARD_REASONS[Guard.NO_INTERVAL]})."
        )
    interval = f"{_confidence(alpha)} CI {format_change_pct(low)} to {format_change_pct(high)}"
    if code is not None:
        return f"{subject} ({interval}), which is not claimed: {guard_reason(code)}."
    if low > 0 or high < 0:
        return f"{subject} ({interval}): more than chance explains."
    return (
        f"{subject} ({interval}): within what chance explains, so this data cannot say "
        f"whether the CRM changed {label.lower()}."
    )


def series_problem(series: Any) -> str | None:
    """Why the interrupted time series cannot be reported, or None when it can.

    It is reported only when no guard tripped and the sign of its relative effect
    (``effect_pct``) agrees with the sign of the estimate it comes from (``effect_per_month``).

    Examples
    --------
    >>> series_problem({"effect_pct": -1.552, "effect_per_month": 242649.0, "guard": None})
    'the relative effect and the estimate it comes from disagree in sign'
    >>> series_problem({"effect_pct": 0.12, "effect_per_month": 3.0e5, "guard": None}) is None
    True
    """
    if not isinstance(series, Mapping):
        return "no time series was recorded"
    reason = guard_reason(series.get("guard"))
    if reason is not None:
        return reason
    pct, per_month = as_number(series.get("effect_pct")), as_number(series.get("effect_per_month"))
    if pct is None or per_month is None:
        return "too few months to project the path"
    if (pct > 0) - (pct < 0) != (per_month > 0) - (per_month < 0):
        return "the relative effect and the estimate it comes from disagree in sign"
    return None


def summary_series(series: Any, *, label: str = "Revenue", alpha: Any = 0.05) -> str | None:
    """The interrupted time series in one sentence, or why the data cannot give it.

    Examples
    --------
    >>> summary_series({"effect_pct": 0.121, "effect_per_month": 5.0e4, "ci_low": 1.0e4,
    ...                 "ci_high": 9.0e4, "p_value": 0.01})
    'Revenue ran +12.1 % against the path its months before go-live project: more than chance explains.'
    """
    if not isinstance(series, Mapping):
        return None
    problem = series_problem(series)
    if problem is not None:
        return (
            f"The time series of {label.lower()} is not reported: the data cannot give a "
            f"reliable expected path ({problem})."
        )
    subject = (
        f"{label} ran {format_change_pct(series.get('effect_pct'))} against the path its months "
        "before go-live project"
    )
    low, high = as_number(series.get("ci_low")), as_number(series.get("ci_high"))
    p_value, level = as_number(series.get("p_value")), as_number(alpha)
    level = 0.05 if level is None or not 0 < level < 1 else level
    if low is not None and high is not None:
        detected = low > 0 or high < 0
    elif p_value is not None:
        detected = p_value < level
    else:
        return f"{subject}, but this data cannot say whether that is more than chance."
    return f"{subject}: " + (
        "more than chance explains." if detected else "within what chance explains."
    )


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
    acquired = ""
    if share is not None and cohort:
        acquired = (
            f": {format_percent(share, decimals=0)} of its customers were acquired in {cohort}"
        )
    names = ageing.get("kpis")
    names = names if isinstance(names, list | tuple) else []
    names = [labels.get(n, n) for n in names if isinstance(n, str) and n]
    changes = (
        f"the before/after changes of {_series_of(names)}" if names else "before/after changes"
    )
    return (
        f"The customer base ages{acquired}, and there is no control group, so {changes} may "
        "come from the customers growing older rather than from the CRM."
    )


def issue_count(issues: Any) -> int | None:
    """How many data-quality issues a section records (a count, or a list of issues).

    Examples
    --------
    >>> issue_count(9), issue_count([{}, {}]), issue_count(None), issue_count(float("nan"))
    (9, 2, None, None)
    """
    if isinstance(issues, Mapping | list | tuple):
        return len(issues)
    number = as_number(issues)
    return None if number is None else max(int(number), 0)


def quality_score_text(score: Any, issues: Any) -> str:
    """The data-quality score as printed beside its issues: never "100.0 %" while any is open.

    With open issues the score is rounded down (99.997 % reads "99.9 %"); a score of exactly
    1 beside open issues is printed as it is, and the sentence says both plainly.

    Examples
    --------
    >>> quality_score_text(0.99997, 9), quality_score_text(0.99997, 0), quality_score_text(None, 3)
    ('99.9 %', '100.0 %', 'not available')
    """
    number, open_issues = as_number(score), issue_count(issues)
    if number is None or not open_issues or number >= 1:
        return format_percent(number)
    return format_percent(math.floor(number * 1000) / 1000)


def summary_quality(quality: Any) -> str | None:
    """The data-quality score with the number of issues from the same section.

    Examples
    --------
    >>> summary_quality({"overall_score": 0.99997, "issues": 9})
    "The client's data scored 99.9 % on quality, with 9 issues open: fit for the assessment once they are answered."
    """
    if not isinstance(quality, Mapping):
        return None
    score, issues = as_number(quality.get("overall_score")), issue_count(quality.get("issues"))
    if score is None and issues is None:
        return None
    count = "" if issues is None else f"{issues} issue{'' if issues == 1 else 's'}"
    if score is None:
        return f"The data checks found {count}; no overall quality score is available."
    if issues and score >= 1:
        return (
            f"The data-quality score is {format_percent(score)}, yet the data checks list {count}: "
            "the score does not reflect them; read the issues on the data-quality page before "
            "relying on the figures."
        )
    text = f"The client's data scored {quality_score_text(score, issues)} on quality"
    if issues:
        verdict = (
            "fit for the assessment once they are answered"
            if score >= 0.95
            else "usable with the caveats listed"
        )
        return f"{text}, with {count} open: {verdict}."
    verdict = "fit for the assessment" if score >= 0.95 else "usable with the caveats listed"
    return f"{text}{', with no issue open' if issues == 0 else ''}: {verdict}."


def measured_benefits_established(financial: Mapping[str, Any], kpis: Any) -> bool:
    """True when at least one measured benefit rests on a KPI that may be claimed.

    Each entry of ``financial["measured_benefits"]`` names its ``kpi``; the KPI's entry in
    ``results["kpis"]`` (or, without one, the benefit's own verdict and guard) must pass
    :func:`crmkit.data.guards.claimable`.
    """
    benefits = financial.get("measured_benefits")
    if not isinstance(benefits, Mapping):
        return False
    kpis = kpis if isinstance(kpis, Mapping) else {}
    for benefit in benefits.values():
        if not isinstance(benefit, Mapping):
            continue
        entry = kpis.get(str(benefit.get("kpi")))
        entry = entry if isinstance(entry, Mapping) else benefit
        if claimable(entry):
            return True
    return False


_BASIS = {
    "declared": "the benefits the client declared, risk-adjusted",
    "measured": "the benefits measured in the client's data",
}


def summary_financial(financial: Any, *, kpis: Any = None, currency: str = "") -> str | None:
    """The financial headline, naming its basis; measured benefits resting on no claim say so.

    Examples
    --------
    >>> summary_financial({"basis": "declared", "npv": 8407400.0, "roi": 0.42,
    ...                    "payback_months": 20.4}, currency="CNY")
    "On the benefits the client declared, risk-adjusted, the CRM's net present value is CNY 8,407,400 (ROI 42 %), paying back in 20 months."
    """
    if not isinstance(financial, Mapping):
        return None
    basis = financial.get("basis")
    basis_text = (
        _BASIS.get(basis, "benefits of an unstated basis")
        if isinstance(basis, str)
        else ("benefits of an unstated basis")
    )
    npv = as_number(financial.get("npv"))
    if npv is None:
        return f"On {basis_text}, the CRM's net present value is not available."
    sentence = f"On {basis_text}, the CRM's net present value is {format_money(npv, currency)}"
    roi = as_number(financial.get("roi"))
    if roi is not None:
        sentence += f" (ROI {format_percent(roi, decimals=0)})"
    months = as_number(financial.get("payback_months"))
    if months is not None:
        sentence += f", paying back in {months:.0f} months"
    if basis == "measured" and not measured_benefits_established(financial, kpis):
        sentence += (
            "; but none of the KPIs these benefits rest on passed the tests and guards, so the "
            "measured benefits are not established"
        )
    return sentence + "."


def summary_failed_stages(stages: Any) -> str | None:
    """The stages that failed (or whose page could not be rendered), to be rerun."""
    if not isinstance(stages, Mapping):
        return None
    failed = []
    for key, stage in stages.items():
        if isinstance(stage, Mapping) and stage.get("status") == "failed":
            title = stage.get("title")
            failed.append(title if isinstance(title, str) and title else str(key))
    return f"Failed and to be rerun: {', '.join(failed)}." if failed else None


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


def change_title(row: Mapping[str, Any], *, currency: str = "") -> str:
    """A chart title that states one KPI's finding.

    Examples
    --------
    >>> change_title({"label": "Win rate", "unit": "share", "before": 0.2, "after": 0.26,
    ...               "change": 0.06, "verdict": "improved"})
    'Win rate rose from 20.0 % to 26.0 % after go-live, more than chance explains'
    >>> change_title({"label": "Units per order", "unit": "units per order", "before": 4.84,
    ...               "after": 4.85, "change": 0.01, "verdict": "no detectable change"})
    'Units per order: no detectable change after go-live (4.84 units per order → 4.85 units per order)'
    """
    label, unit, verdict = str(row["label"]), str(row["unit"]), row["verdict"]
    before = format_kpi_value(row["before"], unit, currency)
    after = format_kpi_value(row["after"], unit, currency)
    if verdict == Verdict.INSUFFICIENT:
        return f"{label}: too little data to compare before and after go-live"
    if verdict in CLAIMED:
        return f"{label} {_moved(row)} from {before} to {after} after go-live, more than chance explains"
    return f"{label}: no detectable change after go-live ({before} \u2192 {after})"


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
        f"p {'< 0.001' if p_value < 0.001 else '= ' + format_p_value(p_value)})."
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
    """'29 sales reps in CRM units with that of 7 reps in the control group' or by region."""
    treated, control = analysis.treated_units, analysis.control_units
    if analysis.unit_column == "rep_id":
        return (
            f"{len(treated)} sales reps in CRM units with that of {len(control)} reps in the "
            "control group"
        )
    column = analysis.unit_column
    return f"the {column}s {', '.join(treated)} with that of {', '.join(control)}"


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
        f"p {'< 0.001' if d.p_value < 0.001 else '= ' + format_p_value(d.p_value)}). "
        f"Inference: {d.inference}"
    )
    if not text.endswith("."):
        text += "."
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


def finance_title(summary: Any, *, currency: str = "", basis: str = "declared") -> str:
    """The headline of the financial stage (``summary``: :class:`crmkit.domains.finance.InvestmentSummary`)."""
    from crmkit.words.formats import format_money

    npv = format_money(summary.npv, currency)
    years = summary.horizon_years
    what = "risk-adjusted, declared benefits" if basis == "declared" else "measured benefits"
    if summary.payback_months is None:
        return f"The CRM does not pay back within {years} years (NPV {npv}; {what})"
    return (
        f"The CRM pays back in {summary.payback_months:.0f} months; NPV {npv} over {years} years "
        f"({what})"
    )


def finance_findings(appraisal: Any, *, currency: str = "") -> str:
    """What the financial appraisal shows, in words, with its caveats (markdown)."""
    from crmkit.words.formats import format_money

    s = appraisal.summary
    basis = appraisal.headline
    roi = MISSING if s.roi is None else f"{s.roi * 100:,.0f} %"
    lines = [
        f"On the {'benefits the client declared, risk-adjusted' if basis == 'declared' else 'benefits measured in the data'}, "
        f"the CRM's net present value over {s.horizon_years} years at "
        f"{s.discount_rate * 100:.0f} % a year is {format_money(s.npv, currency)}: present "
        f"benefits of {format_money(s.pv_benefits, currency)} against present costs of "
        f"{format_money(s.pv_costs, currency)}, a return on investment of {roi}."
    ]
    if s.payback_months is not None:
        lines.append(f"Cumulative net benefits turn positive after {s.payback_months:.1f} months.")
    if s.irr_note:
        lines.append(f"The internal rate of return is not a reliable guide here: {s.irr_note}")
    sim = appraisal.simulation
    if sim is not None:
        lines.append(
            f"Letting every cost and benefit vary within its range, NPV is positive in "
            f"{sim.p_npv_positive * 100:.1f} % of {sim.n:,} simulations (5th to 95th "
            f"percentile {format_money(sim.npv_p5, currency)} to {format_money(sim.npv_p95, currency)})."
        )
        if basis == "declared" and s.npv < sim.npv_p5:
            lines.append(
                "The risk-adjusted NPV lies below most simulations because it takes every "
                "benefit at its low end and every cost at its high end at the same time."
            )
    if basis == "declared" and appraisal.measured is not None:
        ratio = appraisal.measured.pv_benefits / s.pv_benefits if s.pv_benefits else float("nan")
        lines.append(
            f"The benefits measured in the client's own data are worth "
            f"{format_money(appraisal.measured.pv_benefits, currency)} in present value, "
            f"{ratio:.1f} times the declared ones; the table 'claimed against measured' shows "
            "which claims the data supports."
        )
    lines.append(
        "\n\n**What it means:** "
        + (
            "the investment pays for itself within the horizon on these assumptions."
            if s.npv > 0
            else "on these assumptions the investment does not pay for itself within the horizon."
        )
        + " Money is only part of the value: better data, faster service and happier staff "
        "also count, and the balanced scorecard weighs them beside the figures."
    )
    return " ".join(lines[:-1]) + lines[-1]


#: What a financial appraisal cannot show (the report says it where the money ends).
MONEY_CANNOT_SHOW = (
    "A financial appraisal counts what can be priced. It leaves out what the CRM changed that "
    "has no price in this data: the quality and completeness of customer records, how much "
    "staff trust and use the system, the knowledge that no longer leaves with an employee, "
    "the options the platform opens (new channels, analytics, automation), and customers' "
    "experience beyond what surveys measure. Benefits measured here also stop at the first "
    "year after go-live and are assumed to last; effects that build up or fade are not priced. "
    "The balanced scorecard of the assessment weighs these intangible gains beside the money."
)


def cost_title(breakdown: pd.DataFrame, by: str) -> str:
    """A cost-breakdown chart's title: the largest share.

    Examples
    --------
    >>> b = pd.DataFrame({"phase": ["operation", "implementation"], "pv_share": [0.55, 0.45]})
    >>> cost_title(b, "phase")
    'Operation takes the largest share of the cost of ownership (55 %)'
    """
    if breakdown.empty:
        return "No costs to break down"
    top = breakdown.sort_values("pv_share", ascending=False, kind="stable").iloc[0]
    return (
        f"{str(top[by]).capitalize()} takes the largest share of the cost of ownership "
        f"({top['pv_share'] * 100:.0f} %)"
    )


def tornado_title(sensitivity: pd.DataFrame) -> str:
    """The tornado's title: the inputs that move NPV most, and whether any turns it negative."""
    if sensitivity.empty:
        return "No inputs to vary"
    top = sensitivity["driver"].head(2).tolist()
    title = " and ".join(str(t) for t in top).capitalize() + " move NPV most"
    if (sensitivity["low_npv"] < 0).any() and (sensitivity["base_npv"] > 0).all():
        return title + "; one input alone can turn it negative"
    return title


def breakeven_text(factor: float | None) -> str:
    """The break-even level of benefits in words.

    Examples
    --------
    >>> breakeven_text(0.6)
    '**Break-even:** the benefits could fall by 40 % (to 60 % of their value) before the NPV turns negative.'
    """
    if factor is None or is_missing(factor):
        return "**Break-even:** there are no benefits to compare with the costs."
    if factor <= 1:
        return (
            f"**Break-even:** the benefits could fall by {(1 - factor) * 100:.0f} % (to "
            f"{factor * 100:.0f} % of their value) before the NPV turns negative."
        )
    return (
        f"**Break-even:** the benefits would have to be {factor:.2f} times larger for the NPV to "
        "reach zero."
    )


def simulation_title(simulation: Any) -> str:
    """The Monte Carlo histogram's title: the chance that NPV is positive."""
    return f"NPV is positive in {simulation.p_npv_positive * 100:.1f} % of {simulation.n:,} simulations"


# --- time series and control-group guards (issue 9)


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
    if analysis.guard != "counterfactual_implausible":
        return series_title(analysis, currency=currency)
    return (
        f"{analysis.kpi.label}: the expected path cannot be projected reliably, so no change "
        "against it is claimed"
    )


def guarded_series_finding(analysis: Any, *, currency: str = "", confidence: float = 0.95) -> str:
    """What the interrupted time series shows (markdown), or why its percentage is withheld."""
    if analysis.guard != "counterfactual_implausible":
        return series_finding(analysis, currency=currency, confidence=confidence)
    row = analysis.row.iloc[0]
    kpi = analysis.kpi
    change = format_kpi_change(row["change"], kpi.unit, currency)
    model = "logarithm" if analysis.its.model == "log-linear" else "level"
    shown = format_p_value(row["p_value"])
    p_value = shown if shown.startswith("<") else f"= {shown}"
    return (
        f"The model of the {model} of {kpi.label.lower()} estimates {change} a month against "
        f"its projection (p {p_value}), but {_projection_problem(analysis)}. "
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
    if analysis.guard != "no_interval":
        return control_title(analysis)
    effect, _, _ = analysis.relative_effect
    return (
        f"{analysis.kpi.label}: {format_change_pct(effect)} against the control group, but too "
        "few units to tell it from chance"
    )


def guarded_control_finding(analysis: Any, *, confidence: float = 0.95) -> str:
    """What the difference-in-differences shows (markdown), or that the data cannot say."""
    if analysis.guard != "no_interval":
        return control_finding(analysis, confidence=confidence)
    effect, _, _ = analysis.relative_effect
    d = analysis.did
    return (
        f"Comparing the change in {analysis.kpi.label.lower()} of {_units(analysis)}, the CRM "
        f"units moved {format_change_pct(effect)} relative to what the control group's change "
        f"predicts. With {d.n_clusters} units, {d.n_treated_units} of them with the CRM, no "
        f"{confidence * 100:.0f} % confidence interval and no p-value can be computed that "
        "hold: there are too few ways to tell which units got the CRM for any test to "
        "separate an effect from chance."
        "\n\n**What it means:** cannot say. The comparison with the control group neither "
        "confirms nor rules out an effect of the CRM; more units (e.g. sales reps instead of "
        "regions, with `rep_id` in the orders) would let it."
    )


# --- KPI guards (issue 9)


def kpi_verdict_text(row: Mapping[str, Any]) -> str:
    """A KPI's verdict as the results table prints it, with its guard or what it needs.

    Parameters
    ----------
    row : mapping
        A result row of :func:`crmkit.measure.measure_kpis` (``status``, ``verdict``,
        ``guard``, ``needs``, ``note``).

    Examples
    --------
    >>> kpi_verdict_text({"status": "skipped", "verdict": "not measured",
    ...                   "needs": "tickets.csv", "note": "needs tickets", "guard": None})
    'not measured: needs tickets.csv'
    >>> kpi_verdict_text({"status": "measured", "verdict": "improved",
    ...                   "guard": "shared_with_control"})
    "improved (not claimed: net of the control group's change over the same windows, what is left is within what chance explains)"
    >>> kpi_verdict_text({"status": "measured", "verdict": "improved", "guard": "base_near_zero"})
    'improved (no percentage: its before value is zero or near zero, so a percentage change would mean nothing)'
    """
    status, verdict = row.get("status"), row.get("verdict")
    if status == Status.SKIPPED or verdict == Verdict.NOT_MEASURED:
        return f"not measured: needs {_needs(row)}"
    if status != Status.MEASURED:
        return f"{status}: {row.get('note')}"
    guard = row.get("guard")
    reason = guard_reason(guard)
    if reason is None:
        return str(verdict)
    withheld = not isinstance(guard, str) or guard not in set(Guard) or Guard(guard).withholds_claim
    if not withheld:
        prefix = "no percentage"
    elif verdict in CLAIMED:
        prefix = "not claimed"
    else:
        prefix = "read with care"
    return f"{verdict} ({prefix}: {reason})"


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
    from crmkit.words.formats import format_percent

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
