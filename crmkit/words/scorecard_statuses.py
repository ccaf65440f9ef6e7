"""The balanced scorecard's vocabulary: perspectives, statuses, target bases, standings and
links in words, in the report's language.

The perspectives and score statuses are names defined as data below the words layer and
are translated as terms (``catalogs/<language>/terms_scorecard.json``); the other words are
sentence templates.
"""

from __future__ import annotations

from typing import Any

from crmkit.synthesis.benchmarks import Standing
from crmkit.synthesis.chain import ChainReason, LinkStatus
from crmkit.synthesis.scorecard import TargetBasis
from crmkit.synthesis.status import ScoreStatus
from crmkit.words.formats import as_number, format_percent
from crmkit.words.language import Translated, term, tr

__all__ = [
    "PERSPECTIVE_NAMES",
    "STATUS_WORDS",
    "chain_reason_words",
    "in_sentence",
    "link_words",
    "perspective_name",
    "score_text",
    "standing_count",
    "standing_words",
    "status_count",
    "status_words",
    "target_words",
]

#: How the report names each perspective.
PERSPECTIVE_NAMES = {
    "financial": "Financial",
    "customer": "Customer",
    "internal_process": "Internal process",
    "learning_and_growth": "Learning and growth",
}

#: A KPI's or perspective's standing as the report shows it (English; translated as terms).
STATUS_WORDS = {
    ScoreStatus.MET: "met",
    ScoreStatus.ON_TRACK: "on track",
    ScoreStatus.BEHIND: "behind",
    ScoreStatus.NOT_MEASURED: "not measured",
}


def target_words(basis: Any) -> str:
    """Where a target comes from, in words ("not available" for an unknown basis).

    Examples
    --------
    >>> target_words(TargetBasis.BENCHMARK)
    'industry benchmark'
    """
    words = {
        TargetBasis.ABSOLUTE: tr("set in params.yaml"),
        TargetBasis.RELATIVE: tr("change set in params.yaml"),
        TargetBasis.BENCHMARK: tr("industry benchmark"),
        TargetBasis.SIGNIFICANT: tr("improve significantly"),
    }
    return words.get(basis, tr("not available"))


def standing_words(standing: Any) -> str:
    """A KPI's standing against its benchmark, in words ("not available" when unknown).

    Examples
    --------
    >>> standing_words(Standing.WORSE)
    'worse than the benchmark'
    """
    words = {
        Standing.BETTER: tr("better than the benchmark"),
        Standing.WORSE: tr("worse than the benchmark"),
        Standing.LEVEL: tr("level with the benchmark"),
        Standing.NOT_MEASURED: term("not measured"),
    }
    return words.get(standing, tr("not available"))


def link_words(status: Any) -> str:
    """A link's status in words ("not available" when unknown)."""
    words = {
        LinkStatus.SUPPORTED: tr("supported"),
        LinkStatus.NOT_SUPPORTED: tr("not supported"),
        LinkStatus.NOT_TESTABLE: tr("not testable"),
    }
    return words.get(status, tr("not available"))


def chain_reason_words(reason: Any) -> str:
    """Why a link is not supported or not testable ("" when there is no reason)."""
    words = {
        ChainReason.NO_DATA: tr("a table it needs is absent"),
        ChainReason.NOT_PER_UNIT: tr("a KPI is measured for the company as a whole, not per unit"),
        ChainReason.NO_UNIT_KEY: tr("a table has no column naming the unit"),
        ChainReason.TOO_FEW_UNITS: tr("fewer than 4 units have values before and after go-live"),
        ChainReason.NOT_SIGNIFICANT: tr("the correlation is within what chance explains"),
        ChainReason.WRONG_SIGN: tr("the correlation runs the unexpected way"),
    }
    return words.get(reason, "") if reason else ""


def status_count(status: ScoreStatus, n: int) -> str:
    """How many KPIs have a status ("3 met")."""
    words = {
        ScoreStatus.MET: tr("{n} met", n=n),
        ScoreStatus.ON_TRACK: tr("{n} on track", n=n),
        ScoreStatus.BEHIND: tr("{n} behind", n=n),
        ScoreStatus.NOT_MEASURED: tr("{n} not measured", n=n),
    }
    return words[status]


def standing_count(standing: Standing, n: int) -> str:
    """How many KPIs stand so against their benchmark ("2 worse than the benchmark")."""
    words = {
        Standing.BETTER: tr("{n} better than the benchmark", n=n),
        Standing.WORSE: tr("{n} worse than the benchmark", n=n),
        Standing.LEVEL: tr("{n} level with the benchmark", n=n),
        Standing.NOT_MEASURED: tr("{n} not measured", n=n),
    }
    return words[standing]


def status_words(value: Any) -> str:
    try:
        return term(STATUS_WORDS[ScoreStatus(value)])
    except ValueError:
        return tr("not available")


def perspective_name(value: Any) -> str:
    return term(PERSPECTIVE_NAMES.get(str(value), str(value)))


def in_sentence(name: str) -> str:
    """A perspective's name inside a sentence: lower case in English, as translated else."""
    if isinstance(name, Translated):
        return Translated(str(name), name.english.lower())
    return name.lower()


def score_text(value: Any) -> str:
    return tr("not available") if as_number(value) is None else format_percent(value, decimals=0)
