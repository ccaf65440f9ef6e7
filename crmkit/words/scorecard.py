"""The balanced scorecard's words: table views, the strategy map's title, sections, findings.

Built from what :mod:`crmkit.synthesis.scorecard`, :mod:`crmkit.synthesis.benchmarks` and
:mod:`crmkit.synthesis.chain` return; statuses are read from their typed values. Missing
numbers read "not available", an unmeasured score "not measured".
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.synthesis.benchmarks import Standing
from crmkit.synthesis.chain import ChainReason, LinkStatus
from crmkit.synthesis.scorecard import BalancedScorecard, TargetBasis
from crmkit.synthesis.status import ScoreStatus
from crmkit.words.formats import (
    MISSING,
    TableView,
    as_number,
    display_unit,
    format_change_pct,
    format_kpi_change,
    format_kpi_value,
    format_p_value,
    format_percent,
)
from crmkit.words.phrases import Findings, what_it_means

__all__ = [
    "CHAIN_REASONS",
    "INTRO",
    "LINK_WORDS",
    "PERSPECTIVE_NAMES",
    "STANDING_WORDS",
    "STATUS_WORDS",
    "TARGET_WORDS",
    "benchmarks_meaning",
    "benchmarks_view",
    "chain_meaning",
    "chain_view",
    "findings",
    "kpis_meaning",
    "kpis_view",
    "overall_text",
    "perspectives_meaning",
    "perspectives_view",
    "strategy_map_title",
]

#: How the report names each perspective.
PERSPECTIVE_NAMES = {
    "financial": "Financial",
    "customer": "Customer",
    "internal_process": "Internal process",
    "learning_and_growth": "Learning and growth",
}

#: A KPI's or perspective's standing in words.
STATUS_WORDS = {
    ScoreStatus.MET: "met",
    ScoreStatus.ON_TRACK: "on track",
    ScoreStatus.BEHIND: "behind",
    ScoreStatus.NOT_MEASURED: "not measured",
}

#: Where a target comes from, in words.
TARGET_WORDS = {
    TargetBasis.ABSOLUTE: "set in params.yaml",
    TargetBasis.RELATIVE: "change set in params.yaml",
    TargetBasis.BENCHMARK: "industry benchmark",
    TargetBasis.SIGNIFICANT: "improve significantly",
}

#: A KPI's standing against its benchmark, in words.
STANDING_WORDS = {
    Standing.BETTER: "better than the benchmark",
    Standing.WORSE: "worse than the benchmark",
    Standing.LEVEL: "level with the benchmark",
    Standing.NOT_MEASURED: "not measured",
}

#: A link's status in words.
LINK_WORDS = {
    LinkStatus.SUPPORTED: "supported",
    LinkStatus.NOT_SUPPORTED: "not supported",
    LinkStatus.NOT_TESTABLE: "not testable",
}

#: Why a link is not supported or not testable.
CHAIN_REASONS = {
    ChainReason.NO_DATA: "a table it needs is absent",
    ChainReason.NOT_PER_UNIT: "a KPI is measured for the company as a whole, not per unit",
    ChainReason.NO_UNIT_KEY: "a table has no column naming the unit",
    ChainReason.TOO_FEW_UNITS: "fewer than 4 units have values before and after go-live",
    ChainReason.NOT_SIGNIFICANT: "the correlation is within what chance explains",
    ChainReason.WRONG_SIGN: "the correlation runs the unexpected way",
}

#: The page's introduction after its title (markdown).
INTRO = (
    "A balanced scorecard judges the CRM on four perspectives at once — financial, customer, "
    "internal process, and learning and growth — so that money is weighed beside what earns "
    "it. Each KPI gets a target: the one set in params.yaml (an absolute value, or a change "
    "relative to the value before go-live), else the client's industry benchmark, else "
    "*improve significantly*. Attainment runs from 0 to 1: the share of the way from the "
    "before value to the target that was covered (1 once the target is reached); without a "
    "target, 1 for a statistically supported improvement, 0 for a worsening and 0.5 "
    "otherwise. KPIs are weighted within their perspective (1 each unless params.yaml says "
    "otherwise), perspectives by the weights of params.yaml (equal by default). A KPI or a "
    "perspective without data is *not measured*: it is left out of the score, never counted "
    "as 0, and the coverage says how much of the weight was measurable."
)


def _status(value: Any) -> str:
    try:
        return STATUS_WORDS[ScoreStatus(value)]
    except ValueError:
        return MISSING


def _perspective(value: Any) -> str:
    return PERSPECTIVE_NAMES.get(str(value), str(value))


def _score(value: Any) -> str:
    return MISSING if as_number(value) is None else format_percent(value, decimals=0)


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
        return "**Overall score: not measured.** No perspective has a measurable KPI."
    return (
        f"**Overall score: {_score(card.overall)}** of the targets' attainment, over "
        f"{format_percent(card.coverage, decimals=0)} of the scorecard's weight that the data "
        "could measure."
    )


def perspectives_view(card: BalancedScorecard) -> TableView:
    """The perspectives table: weight, score, coverage, KPIs measured, status."""
    p = card.perspectives
    frame = pd.DataFrame(
        {
            "perspective": [_perspective(v) for v in p.index],
            "weight": [format_percent(v, decimals=0) for v in p["weight"]],
            "score": [_score(v) for v in p["score"]],
            "coverage": [format_percent(v, decimals=0) for v in p["coverage"]],
            "kpis_measured": [
                f"{int(m)} of {int(n)}" for m, n in zip(p["n_measured"], p["n_kpis"], strict=True)
            ],
            "status": [_status(v) for v in p["status"]],
        }
    )
    units = {
        "weight": "%",
        "score": "% attained",
        "coverage": "% of weight",
        "kpis_measured": "count",
    }
    return TableView(frame, units, {})


def kpis_view(card: BalancedScorecard, *, currency: str = "") -> TableView:
    """The per-KPI table: before, actual, target (with its basis), attainment, status."""
    k = card.kpis
    rows = []
    for _, row in k.iterrows():
        unit = str(row["unit"])
        rows.append(
            {
                "kpi": row["label"],
                "perspective": _perspective(row["perspective"]),
                "unit": display_unit(unit, currency),
                "before": format_kpi_value(row["before"], unit, currency, with_unit=False),
                "actual": format_kpi_value(row["actual"], unit, currency, with_unit=False),
                "target": format_kpi_value(row["target"], unit, currency, with_unit=False)
                if as_number(row["target"]) is not None
                else "–",
                "target_basis": TARGET_WORDS.get(row["target_basis"], MISSING),
                "attainment": _score(row["attainment"]),
                "weight": f"{row['weight']:g}",
                "supported": "yes" if row["supported"] else "no",
                "status": _status(row["status"]),
            }
        )
    units = {
        "before": "in the KPI's unit",
        "actual": "after go-live, in the KPI's unit",
        "target": "in the KPI's unit",
        "attainment": "%",
        "weight": "within perspective",
    }
    return TableView(pd.DataFrame(rows), units, {})


def benchmarks_view(comparison: pd.DataFrame, units: pd.Series, *, currency: str = "") -> TableView:
    """The benchmarks table: value, benchmark, gap (absolute and %), standing, source.

    ``units`` maps KPI name → catalog unit (``kpi_results["unit"]``).
    """
    rows = []
    for name, row in comparison.iterrows():
        unit = str(units.get(name, ""))
        rows.append(
            {
                "kpi": row["label"],
                "unit": display_unit(unit, currency),
                "value": format_kpi_value(row["value"], unit, currency, with_unit=False),
                "benchmark": format_kpi_value(row["benchmark"], unit, currency, with_unit=False),
                "gap": format_kpi_change(row["gap"], unit, currency, with_unit=False),
                "gap_pct": format_change_pct(row["gap_pct"]),
                "standing": STANDING_WORDS.get(row["standing"], MISSING),
                "source": row["source"] if row["source"] else MISSING,
            }
        )
    frame = pd.DataFrame(
        rows, columns=["kpi", "unit", "value", "benchmark", "gap", "gap_pct", "standing", "source"]
    )
    units_shown = {
        "value": "after go-live, in the KPI's unit",
        "benchmark": "in the KPI's unit",
        "gap": "value − benchmark, points for %",
        "gap_pct": "% of benchmark",
    }
    return TableView(frame, units_shown, {})


def chain_view(chain: pd.DataFrame) -> TableView:
    """The chain's tests: cause → effect, unit, n, r with its interval, p-value, status."""
    rows = []
    for _, row in chain.iterrows():
        r = as_number(row["r"])
        rows.append(
            {
                "cause": row["cause_label"],
                "effect": row["effect_label"],
                "unit": "sales rep" if row["unit"] == "rep" else str(row["unit"]),
                "n": int(row["n"]),
                "r": MISSING if r is None else f"{r:+.2f}",
                "interval": MISSING
                if as_number(row["ci_low"]) is None
                else f"{row['ci_low']:+.2f} to {row['ci_high']:+.2f}",
                "p_value": format_p_value(row["p_value"]),
                "status": LINK_WORDS.get(row["status"], MISSING),
                "why": CHAIN_REASONS.get(row["reason"], "") if row["reason"] else "",
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["cause", "effect", "unit", "n", "r", "interval", "p_value", "status", "why"],
    )
    return TableView(frame, {"n": "units", "r": "Pearson", "interval": "95 %, Fisher z"}, {})


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
        return "No perspective of the scorecard could be measured yet"
    best, worst = scores.idxmax(), scores.idxmin()
    supported = int((chain["status"] == LinkStatus.SUPPORTED).sum())
    links = f"{supported} of {len(chain)} links of the chain supported by the data"
    if best == worst:
        return f"{_perspective(best)} scores {_score(scores[best])}; {links}"
    return (
        f"{_perspective(best)} leads at {_score(scores[best])}, {_perspective(worst).lower()} "
        f"trails at {_score(scores[worst])}; {links}"
    )


def perspectives_meaning(card: BalancedScorecard) -> str:
    """What the perspectives table means, one paragraph."""
    p = card.perspectives
    unmeasured = [_perspective(n).lower() for n in p.index[p["score"].isna()]]
    behind = [_perspective(n).lower() for n in p.index[p["status"] == ScoreStatus.BEHIND]]
    parts = []
    if card.overall is None:
        parts.append("the data measure no perspective yet, so the scorecard cannot judge.")
    else:
        parts.append(
            f"the CRM reached {_score(card.overall)} of what the scorecard asks, judged on "
            f"{format_percent(card.coverage, decimals=0)} of the weight."
        )
    if behind:
        parts.append(f"Behind: {', '.join(behind)}.")
    if unmeasured:
        parts.append(f"Not measured (no data): {', '.join(unmeasured)}.")
    return what_it_means(" ".join(parts))


def kpis_meaning(card: BalancedScorecard) -> str:
    """What the per-KPI table means, one paragraph."""
    counts = card.kpis["status"].value_counts()
    parts = [
        f"{int(counts.get(status, 0))} {STATUS_WORDS[status]}"
        for status in ScoreStatus
        if counts.get(status, 0)
    ]
    if not parts:
        return what_it_means("no KPI could be judged.")
    return what_it_means(
        f"of {len(card.kpis)} KPIs, {', '.join(parts)}. *On track* means short of the target "
        "but improving by more than chance explains."
    )


def benchmarks_meaning(comparison: pd.DataFrame) -> str:
    """What the benchmarks table means, one paragraph."""
    if comparison.empty:
        return what_it_means("the client gave no benchmarks, so none is compared.")
    counts = comparison["standing"].value_counts()
    parts = [f"{int(counts.get(s, 0))} {STANDING_WORDS[s]}" for s in Standing if counts.get(s, 0)]
    return what_it_means(
        f"of {len(comparison)} KPIs with a benchmark, {', '.join(parts)}. Benchmarks are as "
        "good as their source: read the source column before quoting them."
    )


def chain_meaning(chain: pd.DataFrame) -> str:
    """What the chain's tests mean, one paragraph."""
    counts = chain["status"].value_counts()
    supported = int(counts.get(LinkStatus.SUPPORTED, 0))
    testable = len(chain) - int(counts.get(LinkStatus.NOT_TESTABLE, 0))
    return what_it_means(
        f"{testable} of {len(chain)} links could be tested and {supported} is supported"
        if supported == 1
        else f"{testable} of {len(chain)} links could be tested and {supported} are supported"
    ) + (
        ". A link is supported when units whose cause improved more also saw their effect "
        "improve more, beyond chance; it is an association across units, not proof of cause."
    )


def findings(card: BalancedScorecard, comparison: pd.DataFrame, chain: pd.DataFrame) -> Findings:
    """The page's findings: the overall score, the perspectives, benchmarks and chain."""
    limitations = []
    if card.overall is None:
        return Findings(
            "The data measure no KPI of the scorecard, so no perspective can be judged.",
            ["Provide the client's tables (orders, tickets, usage, surveys …) to score it."],
        )
    p = card.perspectives
    scored = p["score"].dropna()
    sentences = [
        f"The CRM reached {_score(card.overall)} of its scorecard targets overall, measured on "
        f"{format_percent(card.coverage, decimals=0)} of the weight.",
        f"{_perspective(scored.idxmax())} is strongest ({_score(scored.max())}), "
        f"{_perspective(scored.idxmin()).lower()} weakest ({_score(scored.min())}).",
    ]
    met = card.kpis.index[card.kpis["status"] == ScoreStatus.MET]
    if len(met):
        sentences.append(f"{len(met)} KPIs met their targets.")
    if not comparison.empty:
        worse = comparison.index[comparison["standing"] == Standing.WORSE]
        if len(worse):
            labels = ", ".join(str(v) for v in comparison.loc[worse, "label"])
            sentences.append(f"Worse than the industry benchmark: {labels}.")
    supported = chain[chain["status"] == LinkStatus.SUPPORTED]
    sentences.append(
        f"{len(supported)} of {len(chain)} links of the cause-and-effect chain are supported."
    )
    if card.coverage < 1:
        limitations.append(
            f"{format_percent(1 - card.coverage, decimals=0)} of the scorecard's weight could "
            "not be measured; the overall score covers the rest only."
        )
    if (p["score"].isna()).any():
        names = ", ".join(_perspective(n).lower() for n in p.index[p["score"].isna()])
        limitations.append(f"Not measured: {names}.")
    if (chain["status"] == LinkStatus.NOT_TESTABLE).any():
        limitations.append(
            "Some links of the chain could not be tested: see the reasons in the chain table."
        )
    return Findings(" ".join(sentences), limitations)
