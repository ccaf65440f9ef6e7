"""The balanced scorecard's words: table views, the strategy map's title, sections, findings.

Built from what :mod:`crmkit.synthesis.scorecard`, :mod:`crmkit.synthesis.benchmarks` and
:mod:`crmkit.synthesis.chain` return; statuses are read from their typed values. Missing
numbers read "not available", an unmeasured score "not measured".
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.synthesis.benchmarks import Standing
from crmkit.synthesis.chain import LinkStatus
from crmkit.synthesis.scorecard import BalancedScorecard
from crmkit.synthesis.status import ScoreStatus
from crmkit.words.formats import (
    TableView,
    as_number,
    display_unit,
    format_change_pct,
    format_kpi_change,
    format_kpi_value,
    format_p_value,
    format_percent,
)
from crmkit.words.joining import listed, one_after_another
from crmkit.words.language import term, tr
from crmkit.words.phrases import Findings, what_it_means
from crmkit.words.scorecard_statuses import (
    PERSPECTIVE_NAMES,
    STATUS_WORDS,
    chain_reason_words,
    in_sentence,
    link_words,
    perspective_name,
    score_text,
    standing_count,
    standing_words,
    status_count,
    status_words,
    target_words,
)

__all__ = [
    "PERSPECTIVE_NAMES",
    "STATUS_WORDS",
    "benchmarks_meaning",
    "benchmarks_view",
    "chain_meaning",
    "chain_view",
    "findings",
    "intro",
    "kpis_meaning",
    "kpis_view",
    "overall_text",
    "perspectives_meaning",
    "perspectives_view",
    "strategy_map_title",
]


def intro() -> str:
    """The page's introduction after its title (markdown)."""
    return tr(
        "A balanced scorecard judges the CRM on four perspectives at once — financial, "
        "customer, internal process, and learning and growth — so that money is weighed beside "
        "what earns it. Each KPI gets a target: the one set in params.yaml (an absolute value, "
        "or a change relative to the value before go-live), else the client's industry "
        "benchmark, else *improve significantly*. Attainment runs from 0 to 1: the share of the "
        "way from the before value to the target that was covered (1 once the target is "
        "reached); without a target, 1 for a statistically supported improvement, 0 for a "
        "worsening and 0.5 otherwise. KPIs are weighted within their perspective (1 each unless "
        "params.yaml says otherwise), perspectives by the weights of params.yaml (equal by "
        "default). A KPI or a perspective without data is *not measured*: it is left out of "
        "the score, never counted as 0, and the coverage says how much of the weight was "
        "measurable."
    )


def overall_text(card: BalancedScorecard) -> str:
    """The overall score with its coverage, one sentence (markdown).

    Examples
    --------
    >>> import pandas as pd
    >>> empty = BalancedScorecard(pd.DataFrame(), pd.DataFrame(), None, 0.0)
    >>> overall_text(empty)
    '**Overall score: not measured.** No perspective has a measurable KPI.'
    """
    if card.overall is None:
        return tr("**Overall score: not measured.** No perspective has a measurable KPI.")
    return tr(
        "**Overall score: {score}** of the targets' attainment, over {coverage} of the "
        "scorecard's weight that the data could measure.",
        score=score_text(card.overall),
        coverage=format_percent(card.coverage, decimals=0),
    )


def perspectives_view(card: BalancedScorecard) -> TableView:
    """The perspectives table: weight, score, coverage, KPIs measured, status."""
    p = card.perspectives
    weight, score, coverage = tr("Weight"), tr("Score"), tr("Coverage")
    measured = tr("Kpis measured")
    frame = pd.DataFrame(
        {
            tr("Perspective"): [perspective_name(v) for v in p.index],
            weight: [format_percent(v, decimals=0) for v in p["weight"]],
            score: [score_text(v) for v in p["score"]],
            coverage: [format_percent(v, decimals=0) for v in p["coverage"]],
            measured: [
                tr("{measured} of {total}", measured=int(m), total=int(n))
                for m, n in zip(p["n_measured"], p["n_kpis"], strict=True)
            ],
            tr("Status"): [status_words(v) for v in p["status"]],
        }
    )
    units = {
        weight: "%",
        score: tr("% attained"),
        coverage: tr("% of weight"),
        measured: tr("count"),
    }
    return TableView(frame, units, {})


def _target(row: Any, unit: str, currency: str) -> str:
    if as_number(row["target"]) is None:
        return "–"
    return format_kpi_value(row["target"], unit, currency, with_unit=False)


def kpis_view(card: BalancedScorecard, *, currency: str = "") -> TableView:
    """The per-KPI table: before, actual, target (with its basis), attainment, status."""
    before, actual, target = tr("Before"), tr("Actual"), tr("Target")
    attainment, weight = tr("Attainment"), tr("Weight")
    rows = []
    for _, row in card.kpis.iterrows():
        unit = str(row["unit"])
        rows.append(
            {
                tr("Kpi"): term(row["label"]),
                tr("Perspective"): perspective_name(row["perspective"]),
                tr("Unit"): display_unit(unit, currency),
                before: format_kpi_value(row["before"], unit, currency, with_unit=False),
                actual: format_kpi_value(row["actual"], unit, currency, with_unit=False),
                target: _target(row, unit, currency),
                tr("Target basis"): target_words(row["target_basis"]),
                attainment: score_text(row["attainment"]),
                weight: f"{row['weight']:g}",
                tr("Supported"): tr("yes") if row["supported"] else tr("no"),
                tr("Status"): status_words(row["status"]),
            }
        )
    units = {
        before: tr("in the KPI's unit"),
        actual: tr("after go-live, in the KPI's unit"),
        target: tr("in the KPI's unit"),
        attainment: "%",
        weight: tr("within perspective"),
    }
    return TableView(pd.DataFrame(rows), units, {})


def benchmarks_view(comparison: pd.DataFrame, units: pd.Series, *, currency: str = "") -> TableView:
    """The benchmarks table: value, benchmark, gap (absolute and %), standing, source.

    ``units`` maps KPI name → catalog unit (``kpi_results["unit"]``).
    """
    columns = [
        tr("Kpi"),
        tr("Unit"),
        tr("Value"),
        tr("Benchmark"),
        tr("Gap"),
        tr("Gap pct"),
        tr("Standing"),
        tr("Source"),
    ]
    rows = []
    for name, row in comparison.iterrows():
        unit = str(units.get(name, ""))
        cells = [
            term(row["label"]),
            display_unit(unit, currency),
            format_kpi_value(row["value"], unit, currency, with_unit=False),
            format_kpi_value(row["benchmark"], unit, currency, with_unit=False),
            format_kpi_change(row["gap"], unit, currency, with_unit=False),
            format_change_pct(row["gap_pct"]),
            standing_words(row["standing"]),
            row["source"] if row["source"] else tr("not available"),
        ]
        rows.append(dict(zip(columns, cells, strict=True)))
    frame = pd.DataFrame(rows, columns=columns)
    value, benchmark, gap, gap_pct = columns[2:6]
    units_shown = {
        value: tr("after go-live, in the KPI's unit"),
        benchmark: tr("in the KPI's unit"),
        gap: tr("value − benchmark, points for %"),
        gap_pct: tr("% of benchmark"),
    }
    return TableView(frame, units_shown, {})


def _chain_unit(unit: Any) -> str:
    """The kind of unit a link is tested across, as the chain table names it."""
    if unit == "rep":
        return tr("sales rep")
    if unit == "region":
        return tr("region")
    return str(unit)


def _interval(row: Any) -> str:
    if as_number(row["ci_low"]) is None:
        return tr("not available")
    return tr("{low} to {high}", low=f"{row['ci_low']:+.2f}", high=f"{row['ci_high']:+.2f}")


def chain_view(chain: pd.DataFrame) -> TableView:
    """The chain's tests: cause → effect, unit, n, r with its interval, p-value, status."""
    columns = [
        tr("Cause"),
        tr("Effect"),
        tr("Unit"),
        tr("N"),
        tr("R"),
        tr("Interval"),
        tr("P value"),
        tr("Status"),
        tr("Why"),
    ]
    rows = []
    for _, row in chain.iterrows():
        r = as_number(row["r"])
        cells = [
            term(row["cause_label"]),
            term(row["effect_label"]),
            _chain_unit(row["unit"]),
            int(row["n"]),
            tr("not available") if r is None else f"{r:+.2f}",
            _interval(row),
            format_p_value(row["p_value"]),
            link_words(row["status"]),
            chain_reason_words(row["reason"]),
        ]
        rows.append(dict(zip(columns, cells, strict=True)))
    frame = pd.DataFrame(rows, columns=columns)
    n, r, interval = columns[3:6]
    units = {n: tr("units"), r: tr("Pearson"), interval: tr("95 %, Fisher z")}
    return TableView(frame, units, {})


def strategy_map_title(card: BalancedScorecard, chain: pd.DataFrame) -> str:
    """The strategy map's title: the strongest and weakest perspective and the chain's state.

    Examples
    --------
    >>> import pandas as pd
    >>> empty = BalancedScorecard(pd.DataFrame(), pd.DataFrame({"score": []}), None, 0.0)
    >>> strategy_map_title(empty, pd.DataFrame({"status": []}))
    'No perspective of the scorecard could be measured yet'
    """
    scores = card.perspectives["score"].dropna()
    if scores.empty:
        return tr("No perspective of the scorecard could be measured yet")
    best, worst = scores.idxmax(), scores.idxmin()
    supported = int((chain["status"] == LinkStatus.SUPPORTED).sum())
    if best == worst:
        return tr(
            "{perspective} scores {score}; {supported} of {links} links of the chain "
            "supported by the data",
            perspective=perspective_name(best),
            score=score_text(scores[best]),
            supported=supported,
            links=len(chain),
        )
    return tr(
        "{best} leads at {best_score}, {worst} trails at {worst_score}; {supported} of "
        "{links} links of the chain supported by the data",
        best=perspective_name(best),
        best_score=score_text(scores[best]),
        worst=in_sentence(perspective_name(worst)),
        worst_score=score_text(scores[worst]),
        supported=supported,
        links=len(chain),
    )


def perspectives_meaning(card: BalancedScorecard) -> str:
    """What the perspectives table means, one paragraph."""
    p = card.perspectives
    unmeasured = [in_sentence(perspective_name(n)) for n in p.index[p["score"].isna()]]
    behind = [in_sentence(perspective_name(n)) for n in p.index[p["status"] == ScoreStatus.BEHIND]]
    parts = []
    if card.overall is None:
        parts.append(tr("the data measure no perspective yet, so the scorecard cannot judge."))
    else:
        parts.append(
            tr(
                "the CRM reached {score} of what the scorecard asks, judged on {coverage} of "
                "the weight.",
                score=score_text(card.overall),
                coverage=format_percent(card.coverage, decimals=0),
            )
        )
    if behind:
        parts.append(tr("Behind: {perspectives}.", perspectives=listed(behind)))
    if unmeasured:
        parts.append(tr("Not measured (no data): {perspectives}.", perspectives=listed(unmeasured)))
    return what_it_means(one_after_another(parts))


def kpis_meaning(card: BalancedScorecard) -> str:
    """What the per-KPI table means, one paragraph."""
    counts = card.kpis["status"].value_counts()
    parts = [
        status_count(status, int(counts.get(status, 0)))
        for status in ScoreStatus
        if counts.get(status, 0)
    ]
    if not parts:
        return what_it_means(tr("no KPI could be judged."))
    return what_it_means(
        tr(
            "of {n} KPIs, {counts}. *On track* means short of the target but improving by more "
            "than chance explains.",
            n=len(card.kpis),
            counts=listed(parts),
        )
    )


def benchmarks_meaning(comparison: pd.DataFrame) -> str:
    """What the benchmarks table means, one paragraph."""
    if comparison.empty:
        return what_it_means(tr("the client gave no benchmarks, so none is compared."))
    counts = comparison["standing"].value_counts()
    parts = [standing_count(s, int(counts.get(s, 0))) for s in Standing if counts.get(s, 0)]
    return what_it_means(
        tr(
            "of {n} KPIs with a benchmark, {counts}. Benchmarks are as good as their source: "
            "read the source column before quoting them.",
            n=len(comparison),
            counts=listed(parts),
        )
    )


def chain_meaning(chain: pd.DataFrame) -> str:
    """What the chain's tests mean, one paragraph."""
    counts = chain["status"].value_counts()
    supported = int(counts.get(LinkStatus.SUPPORTED, 0))
    testable = len(chain) - int(counts.get(LinkStatus.NOT_TESTABLE, 0))
    numbers = {"testable": testable, "links": len(chain), "supported": supported}
    tested = (
        tr("{testable} of {links} links could be tested and {supported} is supported.", **numbers)
        if supported == 1
        else tr(
            "{testable} of {links} links could be tested and {supported} are supported.", **numbers
        )
    )
    caution = tr(
        "A link is supported when units whose cause improved more also saw their effect "
        "improve more, beyond chance; it is an association across units, not proof of cause."
    )
    return what_it_means(one_after_another([tested, caution]))


def findings(card: BalancedScorecard, comparison: pd.DataFrame, chain: pd.DataFrame) -> Findings:
    """The page's findings: the overall score, the perspectives, benchmarks and chain."""
    limitations = []
    if card.overall is None:
        return Findings(
            tr("The data measure no KPI of the scorecard, so no perspective can be judged."),
            [tr("Provide the client's tables (orders, tickets, usage, surveys …) to score it.")],
        )
    p = card.perspectives
    scored = p["score"].dropna()
    sentences = [
        tr(
            "The CRM reached {score} of its scorecard targets overall, measured on {coverage} "
            "of the weight.",
            score=score_text(card.overall),
            coverage=format_percent(card.coverage, decimals=0),
        ),
        tr(
            "{strongest} is strongest ({strongest_score}), {weakest} weakest ({weakest_score}).",
            strongest=perspective_name(scored.idxmax()),
            strongest_score=score_text(scored.max()),
            weakest=in_sentence(perspective_name(scored.idxmin())),
            weakest_score=score_text(scored.min()),
        ),
    ]
    met = card.kpis.index[card.kpis["status"] == ScoreStatus.MET]
    if len(met):
        sentences.append(tr("{n} KPIs met their targets.", n=len(met)))
    if not comparison.empty:
        worse = comparison.index[comparison["standing"] == Standing.WORSE]
        if len(worse):
            labels = listed([term(str(v)) for v in comparison.loc[worse, "label"]])
            sentences.append(tr("Worse than the industry benchmark: {kpis}.", kpis=labels))
    supported = chain[chain["status"] == LinkStatus.SUPPORTED]
    sentences.append(
        tr(
            "{supported} of {links} links of the cause-and-effect chain are supported.",
            supported=len(supported),
            links=len(chain),
        )
    )
    if card.coverage < 1:
        limitations.append(
            tr(
                "{share} of the scorecard's weight could not be measured; the overall score "
                "covers the rest only.",
                share=format_percent(1 - card.coverage, decimals=0),
            )
        )
    if (p["score"].isna()).any():
        names = listed([in_sentence(perspective_name(n)) for n in p.index[p["score"].isna()]])
        limitations.append(tr("Not measured: {perspectives}.", perspectives=names))
    if (chain["status"] == LinkStatus.NOT_TESTABLE).any():
        limitations.append(
            tr("Some links of the chain could not be tested: see the reasons in the chain table.")
        )
    return Findings(one_after_another(sentences), limitations)
