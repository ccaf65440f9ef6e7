"""The executive summary's lead on the balanced scorecard, and its headline figure's words.

The synthesis stages are summed up in four parts, each built from one section of
``results.json`` (a mapping that may hold anything; every number goes through
:func:`crmkit.words.formats.as_number`, so what is not a finite number is left out or reads
"not available", never "0 %"). The first two are written here, the others in
:mod:`~crmkit.words.narrative.actions` and :mod:`~crmkit.words.narrative.history`:

- the balanced scorecard (``scorecard``): its overall attainment with the share of the weight
  it rests on; read first as a typed :class:`ScoreReading`, so that the sentence and the
  headline figure say the same, and a score on less than half the weight is never told as a
  verdict;
- its strongest and weakest KPIs (``scorecard.kpis``): the measured KPIs with the highest and
  the lowest attainment, none in both lists;
- the top actions by benefit index (``actions.candidates``);
- the change since the last assessment (``history``).

Client text (KPI labels, action names) is passed through as plain text with its whitespace
collapsed; the index page escapes it, and nothing here builds markup from it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from crmkit.synthesis.status import ScoreStatus
from crmkit.words.formats import as_number, format_percent, is_missing
from crmkit.words.language import tr
from crmkit.words.narrative.naming import named

__all__ = [
    "LOW_COVERAGE",
    "SCORED",
    "ScoreReading",
    "coverage_text",
    "perspective_words",
    "read_scorecard",
    "scorecard_extremes",
    "score_status_words",
    "scorecard_figure_text",
    "summary_scorecard",
    "summary_scorecard_extremes",
]

#: Below this share of the total weight measured, the overall score is not a verdict.
LOW_COVERAGE = 0.5

#: How many KPIs each of the strongest and weakest lists holds at most.
EXTREMES = 3

#: The statuses of a KPI measured against its target (the others are not measured).
SCORED = frozenset({ScoreStatus.MET, ScoreStatus.ON_TRACK, ScoreStatus.BEHIND})


def perspective_words(perspective: Any) -> str:
    """A perspective of the balanced scorecard in words; "" for anything but a string.

    Examples
    --------
    >>> perspective_words("internal_process"), perspective_words("client_own")
    ('internal process', 'client own')
    """
    if perspective == "financial":
        return tr("financial")
    if perspective == "customer":
        return tr("customer")
    if perspective == "internal_process":
        return tr("internal process")
    if perspective == "learning_and_growth":
        return tr("learning and growth")
    return _plain(perspective).replace("_", " ")


def score_status_words(status: ScoreStatus) -> str:
    """A measured KPI's standing against its target in words (a status in :data:`SCORED`).

    Examples
    --------
    >>> score_status_words(ScoreStatus.BEHIND)
    'behind target'
    """
    if status == ScoreStatus.MET:
        return tr("target met")
    if status == ScoreStatus.ON_TRACK:
        return tr("on track")
    return tr("behind target")


class ScoreReading(StrEnum):
    """How the summary may read the scorecard's overall score.

    Examples
    --------
    >>> read_scorecard({"overall": 0.54, "coverage": 0.3})[0] is ScoreReading.LOW_COVERAGE
    True
    """

    #: A score on at least :data:`LOW_COVERAGE` of the weight.
    MEASURED = "measured"
    #: A score on less than :data:`LOW_COVERAGE` of the weight: not a verdict on the whole.
    LOW_COVERAGE = "low coverage"
    #: A score whose coverage is not recorded (or not a share between 0 and 1).
    COVERAGE_UNKNOWN = "coverage unknown"
    #: No score: the overall is null, the status says so, or no weight could be measured.
    NOT_MEASURED = "not measured"
    #: A score that is not a share between 0 and 1 (a string, infinity, 7.5 …).
    NOT_AVAILABLE = "not available"


# --------------------------------------------------------------------------- reading


def _share(value: Any) -> float | None:
    """A finite number between 0 and 1, else None."""
    number = as_number(value)
    return number if number is not None and 0 <= number <= 1 else None


def _plain(value: Any) -> str:
    """Client text on one line (whitespace collapsed); empty for anything but a string."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def coverage_text(coverage: float) -> str:
    """A coverage as a whole percentage, rounded down: a score never seems to rest on more.

    Examples
    --------
    >>> coverage_text(0.85), coverage_text(0.499), coverage_text(0.29)
    ('85 %', '49 %', '29 %')
    """
    return f"{math.floor(coverage * 100 + 1e-9):.0f} %"


def read_scorecard(scorecard: Any) -> tuple[ScoreReading, float | None, float | None]:
    """The scorecard's overall score and coverage, and how the summary may read them.

    Parameters
    ----------
    scorecard : mapping
        ``results["scorecard"]`` (``overall``, ``coverage``, ``status`` …).

    Returns
    -------
    reading : ScoreReading
    overall : float or None
        The overall score (a fraction) when it may be printed.
    coverage : float or None
        The share of the weight measured, when recorded as a share.

    Examples
    --------
    >>> read_scorecard({"overall": 0.54, "coverage": 0.85, "status": "measured"})
    (<ScoreReading.MEASURED: 'measured'>, 0.54, 0.85)
    >>> read_scorecard({"overall": None, "coverage": 0.0, "status": "not measured"})[0]
    <ScoreReading.NOT_MEASURED: 'not measured'>
    """
    if not isinstance(scorecard, Mapping):
        return ScoreReading.NOT_AVAILABLE, None, None
    raw = scorecard.get("overall")
    coverage = _share(scorecard.get("coverage"))
    if is_missing(raw) or scorecard.get("status") == "not measured" or coverage == 0:
        return ScoreReading.NOT_MEASURED, None, coverage
    overall = _share(raw)
    if overall is None:
        return ScoreReading.NOT_AVAILABLE, None, coverage
    if coverage is None:
        return ScoreReading.COVERAGE_UNKNOWN, overall, None
    if coverage < LOW_COVERAGE:
        return ScoreReading.LOW_COVERAGE, overall, coverage
    return ScoreReading.MEASURED, overall, coverage


def _perspective_count(scorecard: Mapping[str, Any]) -> int:
    perspectives = scorecard.get("perspectives")
    return len(perspectives) if isinstance(perspectives, Mapping) else 0


# --------------------------------------------------------------------------- the scorecard


def summary_scorecard(scorecard: Any) -> str | None:
    """The balanced scorecard's overall score in one sentence, with the weight it rests on.

    Parameters
    ----------
    scorecard : mapping
        ``results["scorecard"]``; None (or anything but a mapping) gives None.

    Returns
    -------
    str or None

    Examples
    --------
    >>> summary_scorecard({"overall": 0.54, "coverage": 0.85})
    'The balanced scorecard stands at 54 % of its targets, on 85 % of the weight that could be measured.'
    >>> summary_scorecard({"overall": 0.54, "coverage": 0.3})
    'The balanced scorecard stands at 54 % of its targets on only 30 % of its weight, the part that could be measured: less than half, so this is no verdict on the scorecard as a whole.'
    >>> summary_scorecard({"overall": None, "coverage": 0.0, "perspectives": {"customer": {}}})
    'The balanced scorecard is not measured: none of its 1 perspective has a KPI that could be measured against its target.'
    """
    if not isinstance(scorecard, Mapping):
        return None
    reading, overall, coverage = read_scorecard(scorecard)
    if reading is ScoreReading.NOT_MEASURED:
        n = _perspective_count(scorecard)
        if n == 1:
            which = tr("its 1 perspective")
        elif n:
            which = tr("its {n} perspectives", n=n)
        else:
            which = tr("its perspectives")
        return tr(
            "The balanced scorecard is not measured: none of {which} has a KPI that could be "
            "measured against its target.",
            which=which,
        )
    if reading is ScoreReading.NOT_AVAILABLE or overall is None:
        return tr("The balanced scorecard's overall score is not available.")
    score = format_percent(overall, decimals=0)
    if reading is ScoreReading.COVERAGE_UNKNOWN or coverage is None:
        return tr(
            "The balanced scorecard stands at {score} of its targets; the share of its weight "
            "that could be measured is not available, so read it as partial.",
            score=score,
        )
    if reading is ScoreReading.LOW_COVERAGE:
        return tr(
            "The balanced scorecard stands at {score} of its targets on only {coverage} of its "
            "weight, the part that could be measured: less than half, so this is no verdict on "
            "the scorecard as a whole.",
            score=score,
            coverage=coverage_text(coverage),
        )
    if coverage >= 1:
        return tr(
            "The balanced scorecard stands at {score} of its targets, with all of its weight "
            "measured.",
            score=score,
        )
    return tr(
        "The balanced scorecard stands at {score} of its targets, on {coverage} of the weight "
        "that could be measured.",
        score=score,
        coverage=coverage_text(coverage),
    )


def scorecard_figure_text(scorecard: Any) -> tuple[str, str]:
    """The scorecard's headline figure: its value and its note.

    Examples
    --------
    >>> scorecard_figure_text({"overall": 0.54, "coverage": 0.85})
    ('54.0 %', 'weighted attainment of targets, on 85 % of the weight')
    >>> scorecard_figure_text({"overall": None, "coverage": 0.0})
    ('not measured', 'no perspective could be measured against its targets')
    """
    reading, overall, coverage = read_scorecard(scorecard)
    if reading is ScoreReading.NOT_MEASURED:
        return tr("not measured"), tr("no perspective could be measured against its targets")
    if reading is ScoreReading.NOT_AVAILABLE or overall is None:
        return tr("not available"), ""
    value = format_percent(overall)
    if reading is ScoreReading.COVERAGE_UNKNOWN or coverage is None:
        return value, tr(
            "weighted attainment of targets; the share of weight measured is not available"
        )
    if reading is ScoreReading.LOW_COVERAGE:
        return value, tr(
            "on only {coverage} of the weight: less than half, not a verdict",
            coverage=coverage_text(coverage),
        )
    return value, tr(
        "weighted attainment of targets, on {coverage} of the weight",
        coverage=coverage_text(coverage),
    )


# --------------------------------------------------------------------------- strongest, weakest


def _label(entry: Mapping[str, Any], name: Any) -> str:
    return named(_plain(entry.get("label")) or str(name))


def _measured_kpis(scorecard: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any], float]]:
    """(name, entry, attainment) of every KPI measured against its target."""
    kpis = scorecard.get("kpis")
    if not isinstance(kpis, Mapping):
        return []
    measured = []
    for name, entry in kpis.items():
        status = entry.get("status") if isinstance(entry, Mapping) else None
        if not isinstance(status, str) or status not in SCORED:
            continue
        attainment = _share(entry.get("attainment"))
        if attainment is not None:
            measured.append((str(name), entry, attainment))
    return measured


def scorecard_extremes(
    scorecard: Any, *, limit: int = EXTREMES
) -> tuple[list[tuple[str, Mapping[str, Any], float]], list[tuple[str, Mapping[str, Any], float]]]:
    """The strongest and the weakest KPIs against their targets, none in both lists.

    Only KPIs whose status is met, on track or behind and whose attainment is a share between
    0 and 1 take part. The strongest are those met or on track, ranked by attainment, highest
    first; the weakest those behind, lowest first (the KPI name breaks ties): a KPI behind its
    target is never called strong, nor one that met it weak.

    Returns
    -------
    strongest, weakest : list of (name, entry, attainment)

    Examples
    --------
    >>> card = {"kpis": {"a": {"status": "met", "attainment": 1.0},
    ...                  "b": {"status": "behind", "attainment": 0.2},
    ...                  "c": {"status": "on track", "attainment": 0.7}}}
    >>> [[name for name, _, _ in side] for side in scorecard_extremes(card)]
    [['a', 'c'], ['b']]
    """
    if not isinstance(scorecard, Mapping):
        return [], []
    measured = _measured_kpis(scorecard)
    ahead = [item for item in measured if item[1]["status"] != ScoreStatus.BEHIND]
    behind = [item for item in measured if item[1]["status"] == ScoreStatus.BEHIND]
    strongest = sorted(ahead, key=lambda item: (-item[2], item[0]))[:limit]
    weakest = sorted(behind, key=lambda item: (item[2], item[0]))[:limit]
    return strongest, weakest


def _standing_item(name: str, entry: Mapping[str, Any], attainment: float) -> str:
    words = perspective_words(entry.get("perspective"))
    status = score_status_words(ScoreStatus(entry["status"]))
    details = [words] if words else []
    details += [status, tr("{share} attained", share=format_percent(attainment, decimals=0))]
    return tr("{kpi} ({details})", kpi=_label(entry, name), details=tr(", ").join(details))


def summary_scorecard_extremes(scorecard: Any) -> list[str]:
    """The strongest and the weakest KPIs against their targets, one sentence each.

    Each KPI is named with its perspective, its standing and its attainment. Empty when no KPI
    was measured against its target.

    Examples
    --------
    >>> card = {"kpis": {
    ...     "win_rate": {"label": "Win rate", "perspective": "customer", "status": "met",
    ...                  "attainment": 1.0},
    ...     "cycle": {"label": "Sales cycle", "perspective": "internal_process",
    ...               "status": "behind", "attainment": 0.25}}}
    >>> for sentence in summary_scorecard_extremes(card):
    ...     print(sentence)
    Strongest against their targets: Win rate (customer, target met, 100 % attained).
    Weakest against their targets: Sales cycle (internal process, behind target, 25 % attained).
    """
    strongest, weakest = scorecard_extremes(scorecard)
    if len(strongest) == 1 and not weakest:
        return [
            tr(
                "Only one KPI could be measured against its target: {kpi}.",
                kpi=_standing_item(*strongest[0]),
            )
        ]
    sentences = []
    if strongest:
        items = tr("; ").join(_standing_item(*item) for item in strongest)
        sentences.append(tr("Strongest against their targets: {kpis}.", kpis=items))
    if weakest:
        items = tr("; ").join(_standing_item(*item) for item in weakest)
        sentences.append(tr("Weakest against their targets: {kpis}.", kpis=items))
    return sentences
