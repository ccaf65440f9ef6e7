"""The index page's words: its headline figures and the sections of its executive summary.

Each function reads one section of ``results.json`` (a mapping that may hold anything) and
returns the figures (``label``, ``value``, ``note``) or the sentences the index prints for it;
the sentences themselves are built in :mod:`crmkit.words.narrative`. The page's renderer
(:mod:`crmkit.report.render`) lists them in display order and computes each on its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from crmkit.data.guards import Guard
from crmkit.words.formats import (
    as_number,
    format_change_pct,
    format_money,
    format_percent,
    missing_text,
)
from crmkit.words.language import tr
from crmkit.words.narrative import (
    GUARD_REASONS,
    STANDINGS,
    guard_reason,
    issue_count,
    kpi_standing,
    measured_benefits_established,
    quality_score_text,
    rollout_figure,
    scorecard_figure_text,
    series_problem,
    summary_actions,
    summary_ageing,
    summary_control,
    summary_failed_stages,
    summary_financial,
    summary_history,
    summary_kpis,
    summary_purchase_rate,
    summary_quality,
    summary_rollout,
    summary_scorecard,
    summary_scorecard_extremes,
    summary_series,
    top_action_figure_text,
)
from crmkit.words.phrases import verdict_word

__all__ = [
    "action_figures",
    "action_sentences",
    "ageing_sentences",
    "data_quality_figures",
    "financial_figures",
    "financial_sentences",
    "history_sentences",
    "impact_figures",
    "impact_sentences",
    "kpi_figures",
    "kpi_sentences",
    "quality_sentences",
    "scorecard_extreme_sentences",
    "scorecard_figures",
    "scorecard_sentences",
    "stage_sentences",
]


# --------------------------------------------------------------------------- reading results


def _section(results: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = results.get(key)
    return value if isinstance(value, Mapping) else None


def _currency(results: Mapping[str, Any]) -> str:
    params = _section(results, "params") or {}
    currency = params.get("currency")
    return currency if isinstance(currency, str) else ""


def _alpha(results: Mapping[str, Any]) -> Any:
    params = _section(results, "params") or {}
    stats = params.get("stats")
    return stats.get("alpha", 0.05) if isinstance(stats, Mapping) else 0.05


def _has_control(results: Mapping[str, Any]) -> bool:
    params = _section(results, "params") or {}
    return bool(params.get("control"))


def _kpi_labels(results: Mapping[str, Any]) -> dict[str, str]:
    kpis = _section(results, "kpis") or {}
    labels = {}
    for name, entry in kpis.items():
        label = entry.get("label") if isinstance(entry, Mapping) else None
        labels[str(name)] = label if isinstance(label, str) and label else str(name)
    return labels


def _synthesis_labels(results: Mapping[str, Any]) -> dict[str, str]:
    """KPI name -> label: the scorecard's labels over those of ``kpis``."""
    labels = _kpi_labels(results)
    scorecard = _section(results, "scorecard") or {}
    kpis = scorecard.get("kpis")
    for name, entry in (kpis if isinstance(kpis, Mapping) else {}).items():
        label = entry.get("label") if isinstance(entry, Mapping) else None
        if isinstance(label, str) and label.strip():
            labels[str(name)] = label
    return labels


def _impact_label(results: Mapping[str, Any], design: Mapping[str, Any]) -> str:
    """The label of the KPI an impact design measured ("Revenue" when it names none)."""
    label = _kpi_labels(results).get(str(design.get("kpi")))
    return label or tr("Revenue")


# --------------------------------------------------------------------------- headline figures


def _figure(label: str, value: str, note: str = "") -> dict[str, str]:
    return {"label": label, "value": value, "note": note}


def data_quality_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    """The data-quality score and the number of open issues (``data_quality``)."""
    quality = _section(results, "data_quality")
    if quality is None:
        return []
    figures = []
    issues = quality.get("issues")
    if "overall_score" in quality:
        tables = quality.get("tables")
        n = len(tables) if isinstance(tables, Mapping | list | tuple) else 0
        if n == 1:
            note = tr("overall score across 1 table")
        elif n:
            note = tr("overall score across {n} tables", n=n)
        else:
            note = tr("overall score")
        score = quality["overall_score"]
        count = issue_count(issues)
        if count and (as_number(score) or 0) >= 1:
            note = tr(
                "{note}; the checks list {count} open issues that it does not reflect",
                note=note,
                count=count,
            )
        figures.append(_figure(tr("Data quality"), quality_score_text(score, issues), note))
    if "issues" in quality:
        count = issue_count(issues)
        value = missing_text() if count is None else f"{count:,}"
        figures.append(_figure(tr("Data-quality issues"), value, tr("found by the data checks")))
    return figures


def kpi_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    """How many KPIs improved after go-live, with the other standings counted (``kpis``)."""
    kpis = _section(results, "kpis")
    if not kpis:
        return []
    standings = Counter(
        kpi_standing(entry) for entry in kpis.values() if isinstance(entry, Mapping)
    )
    total = sum(standings.values())
    if not total:
        return []
    note = tr(", ").join(
        tr("{count} {standing}", count=standings[s], standing=verdict_word(s))
        for s in STANDINGS[1:]
        if standings[s]
    )
    value = tr("{improved} of {total}", improved=standings["improved"], total=total)
    return [_figure(tr("KPIs improved after go-live"), value, note)]


def _did_figure(did: Mapping[str, Any]) -> dict[str, str]:
    label = tr("Revenue effect against the control group")
    effect = as_number(did.get("effect_pct"))
    low, high = as_number(did.get("ci_low_pct")), as_number(did.get("ci_high_pct"))
    code = did.get("guard")
    if effect is None:
        return _figure(label, missing_text(), tr("difference-in-differences: no estimate"))
    if code == Guard.NO_INTERVAL.value or low is None or high is None:
        return _figure(
            label,
            tr("cannot say"),
            tr(
                "difference-in-differences {effect}, {reason}",
                effect=format_change_pct(effect),
                reason=GUARD_REASONS[Guard.NO_INTERVAL],
            ),
        )
    if code is not None:
        return _figure(
            label,
            tr("not claimed"),
            tr(
                "difference-in-differences {effect}: {reason}",
                effect=format_change_pct(effect),
                reason=guard_reason(code),
            ),
        )
    note = tr(
        "95 % CI {low} to {high}; difference-in-differences",
        low=format_change_pct(low),
        high=format_change_pct(high),
    )
    return _figure(label, format_change_pct(effect), note)


def impact_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    """The revenue effect: against the control group, else against its expected path."""
    impact = _section(results, "impact")
    if impact is None:
        return []
    rollout = impact.get("rollout")
    if isinstance(rollout, Mapping):
        return [rollout_figure(rollout)]
    did = impact.get("difference_in_differences")
    if isinstance(did, Mapping):
        return [_did_figure(did)]
    series = impact.get("time_series")
    if not isinstance(series, Mapping):
        return []
    label = tr("Revenue against its expected path")
    problem = series_problem(series)
    if problem is not None:
        note = tr("the data cannot give a reliable expected path: {problem}", problem=problem)
        return [_figure(label, missing_text(), note)]
    effect = format_change_pct(series.get("effect_pct"))
    if series.get("guard") == Guard.INSIDE_PLACEBOS.value:
        note = tr(
            "interrupted time series {effect}: {reason}",
            effect=effect,
            reason=guard_reason(Guard.INSIDE_PLACEBOS.value),
        )
        return [_figure(label, tr("not claimed"), note)]
    return [_figure(label, effect, tr("interrupted time series"))]


def financial_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    """NPV, ROI, IRR and payback as the index shows them, with their basis (``financial``)."""
    financial = _section(results, "financial")
    if financial is None:
        return []
    currency = _currency(results)
    basis = financial.get("basis")
    basis_note = {"declared": tr("declared benefits"), "measured": tr("measured benefits")}.get(
        basis if isinstance(basis, str) else "", ""
    )
    if basis == "measured" and not measured_benefits_established(financial, results.get("kpis")):
        basis_note = tr("measured benefits, not established")
    figures = []
    if "npv" in financial:
        rate = as_number(financial.get("discount_rate"))
        parts = [basis_note] if basis_note else []
        if rate is not None:
            parts.append(tr("discounted at {rate} a year", rate=format_percent(rate)))
        figures.append(
            _figure(
                tr("Net present value (NPV)"),
                format_money(financial["npv"], currency),
                tr("; ").join(parts),
            )
        )
    if "roi" in financial:
        simple = financial.get("roi_convention") == "simple"
        formula = (
            tr("average annual benefit / initial cost")
            if simple
            else tr("(PV benefits \u2212 PV costs) / PV costs")
        )
        figures.append(
            _figure(
                tr("Return on investment (ROI)"),
                format_percent(financial["roi"], decimals=0),
                formula,
            )
        )
    if "irr" in financial:
        note = financial.get("irr_note")
        figures.append(
            _figure(
                tr("Internal rate of return (IRR)"),
                format_percent(financial["irr"]),
                tr("read with care: {note}", note=note)
                if isinstance(note, str) and note.strip()
                else "",
            )
        )
    if "payback_months" in financial:
        months = as_number(financial["payback_months"])
        value = missing_text() if months is None else tr("{months} months", months=f"{months:,.1f}")
        figures.append(_figure(tr("Payback"), value, tr("cumulative net benefit turns positive")))
    return figures


def scorecard_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    """The balanced scorecard's overall attainment, with the weight it rests on in the note.

    "not measured" when no perspective could be measured (``scorecard.overall`` null); see
    :func:`crmkit.words.narrative.scorecard_figure_text`.
    """
    scorecard = _section(results, "scorecard")
    if scorecard is None or not ("overall" in scorecard or "status" in scorecard):
        return []
    value, note = scorecard_figure_text(scorecard)
    return [_figure(tr("Balanced scorecard"), value, note)]


def action_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    """The best action by benefit index, with its benefit index and KPIs in the note."""
    figure = top_action_figure_text(results.get("actions"), labels=_synthesis_labels(results))
    return [] if figure is None else [_figure(tr("Top action"), *figure)]


# --------------------------------------------------------------------------- executive summary


def scorecard_sentences(results: Mapping[str, Any]) -> list[str]:
    """The balanced scorecard's overall score with its coverage (``scorecard``)."""
    sentence = summary_scorecard(results.get("scorecard"))
    return [sentence] if sentence else []


def scorecard_extreme_sentences(results: Mapping[str, Any]) -> list[str]:
    """The strongest and weakest KPIs against their targets (``scorecard.kpis``)."""
    return summary_scorecard_extremes(results.get("scorecard"))


def action_sentences(results: Mapping[str, Any]) -> list[str]:
    """The top five actions by benefit index (``actions.candidates``)."""
    return summary_actions(results.get("actions"), labels=_synthesis_labels(results))


def history_sentences(results: Mapping[str, Any]) -> list[str]:
    """The change since the last assessment (``history``)."""
    sentence = summary_history(results.get("history"))
    return [sentence] if sentence else []


def kpi_sentences(results: Mapping[str, Any]) -> list[str]:
    """The summary's sentences on the KPIs (:func:`crmkit.words.narrative.summary_kpis`)."""
    impact = _section(results, "impact") or {}
    did = impact.get("difference_in_differences")
    has_did = isinstance(did, Mapping) and as_number(did.get("effect_pct")) is not None
    has_rollout = isinstance(impact.get("rollout"), Mapping)
    return summary_kpis(
        results.get("kpis"),
        currency=_currency(results),
        reported_elsewhere=("revenue_monthly",) if has_did or has_rollout else (),
    )


def impact_sentences(results: Mapping[str, Any]) -> list[str]:
    """The revenue effect in one sentence: the control group, else the time series; then
    the purchase rate customer by customer, when its rise (or fall) is claimed."""
    impact = _section(results, "impact")
    if impact is None:
        return []
    did = impact.get("difference_in_differences")
    rollout = impact.get("rollout")
    if isinstance(rollout, Mapping):  # the rollout's own design says what revenue did
        sentence = summary_rollout(rollout, alpha=_alpha(results))
    elif isinstance(did, Mapping):
        sentence = summary_control(did, label=_impact_label(results, did), alpha=_alpha(results))
    else:
        series = impact.get("time_series")
        sentence = (
            summary_series(series, label=_impact_label(results, series), alpha=_alpha(results))
            if isinstance(series, Mapping)
            else None
        )
    purchases = summary_purchase_rate(
        impact.get("purchase_rate"), confidence=1 - (as_number(_alpha(results)) or 0.05)
    )
    return [s for s in (sentence, purchases) if s]


def ageing_sentences(results: Mapping[str, Any]) -> list[str]:
    """The ageing customer base, said only when there is no control group."""
    impact = _section(results, "impact") or {}
    if _has_control(results):
        return []
    sentence = summary_ageing(impact.get("ageing_base"), labels=_kpi_labels(results))
    return [sentence] if sentence else []


def financial_sentences(results: Mapping[str, Any]) -> list[str]:
    """The financial headline with its basis."""
    sentence = summary_financial(
        results.get("financial"), kpis=results.get("kpis"), currency=_currency(results)
    )
    return [sentence] if sentence else []


def quality_sentences(results: Mapping[str, Any]) -> list[str]:
    """The data-quality score with its open issues."""
    sentence = summary_quality(results.get("data_quality"))
    return [sentence] if sentence else []


def stage_sentences(results: Mapping[str, Any]) -> list[str]:
    """The stages that failed and are to be rerun."""
    sentence = summary_failed_stages(results.get("stages"))
    return [sentence] if sentence else []
