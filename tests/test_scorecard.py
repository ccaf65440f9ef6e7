"""The balanced scorecard, the benchmarks comparison and the ``scorecard:`` block of params.

Every expected figure is worked out by hand in the test from the definitions of
:mod:`crmkit.synthesis.scorecard`.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from crmkit.data import validation
from crmkit.data.config import Scorecard, parse_params
from crmkit.data.exceptions import ParamsError
from crmkit.kpis import CATALOG
from crmkit.synthesis.benchmarks import Standing, benchmark_results, compare_benchmarks
from crmkit.synthesis.scorecard import TargetBasis, attainment, build_scorecard
from crmkit.synthesis.status import ScoreStatus

MINIMAL = {"client": "Acme Ltd", "go_live_date": "2025-01-01"}
KNOWN = [kpi.name for kpi in CATALOG]
NAN = float("nan")


def results_frame(rows: dict[str, tuple]) -> pd.DataFrame:
    """KPI results as measure_kpis returns them, from (perspective, direction, unit, status,
    before, after, verdict, guard) per KPI."""
    columns = ["perspective", "direction", "unit", "status", "before", "after", "verdict", "guard"]
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    return frame.assign(label=[f"KPI {name}" for name in frame.index])


# A: financial, higher, 100 → 110, improved;         target 120 (absolute)
# B: financial, lower,  10 → 8, no change;            target 9 (absolute), weight 3
# C: customer, higher, 0.20 → 0.18, worsened;         no target
# D: customer, higher, 50 → 60, improved but withheld (confounded_ageing); no target
# E: internal_process, lower, 5 → 4, improved;        target 10 % better (relative)
# F: internal_process, higher, 1 → 3, no change;      benchmark 5
# G: learning_and_growth, skipped (no data)
RESULTS = results_frame(
    {
        "A": ("financial", "higher", "currency", "measured", 100.0, 110.0, "improved", None),
        "B": ("financial", "lower", "days", "measured", 10.0, 8.0, "no detectable change", None),
        "C": ("customer", "higher", "share", "measured", 0.20, 0.18, "worsened", None),
        "D": ("customer", "higher", "points", "measured", 50.0, 60.0, "improved",
              "confounded_ageing"),
        "E": ("internal_process", "lower", "hours", "measured", 5.0, 4.0, "improved", None),
        "F": ("internal_process", "higher", "ratio", "measured", 1.0, 3.0,
              "no detectable change", None),
        "G": ("learning_and_growth", "higher", "share", "skipped", NAN, NAN, "not measured", None),
    }
)  # fmt: skip
PARAMS = Scorecard(
    targets={"A": 120.0, "B": 9.0},
    changes={"E": 0.10},
    kpi_weights={"B": 3.0},
    weights={
        "financial": 0.4,
        "customer": 0.2,
        "internal_process": 0.2,
        "learning_and_growth": 0.2,
    },
)
BENCHMARKS = pd.DataFrame({"kpi": ["F", "A"], "value": [5.0, 999.0], "source": ["s", "s"]})


@pytest.fixture(scope="module")
def card():
    return build_scorecard(RESULTS, PARAMS, benchmarks=BENCHMARKS)


def test_targets_and_their_basis(card):
    k = card.kpis
    assert k.at["A", "target"] == 120.0 and k.at["A", "target_basis"] is TargetBasis.ABSOLUTE
    # E: lower is better, 10 % better than 5 → 5 − 0.10 × 5 = 4.5
    assert k.at["E", "target"] == pytest.approx(4.5)
    assert k.at["E", "target_basis"] is TargetBasis.RELATIVE
    # F has no target in params: its benchmark (5) is the target; A keeps its own (120)
    assert k.at["F", "target"] == 5.0 and k.at["F", "target_basis"] is TargetBasis.BENCHMARK
    assert math.isnan(k.at["C", "target"])
    assert k.at["C", "target_basis"] is TargetBasis.SIGNIFICANT


def test_attainment_and_status_per_kpi(card):
    k = card.kpis
    expected = {
        # (110 − 100) / (120 − 100) = 0.5; short, but a supported improvement
        "A": (0.5, ScoreStatus.ON_TRACK, True),
        # lower is better: 8 ≤ 9 reaches the target
        "B": (1.0, ScoreStatus.MET, False),
        # no target, worsened: 0
        "C": (0.0, ScoreStatus.BEHIND, False),
        # no target, improvement withheld by its guard: not supported, 0.5
        "D": (0.5, ScoreStatus.BEHIND, False),
        # 4 ≤ 4.5 reaches the target
        "E": (1.0, ScoreStatus.MET, True),
        # (3 − 1) / (5 − 1) = 0.5, no supported change
        "F": (0.5, ScoreStatus.BEHIND, False),
    }
    for name, (score, status, supported) in expected.items():
        assert k.at[name, "attainment"] == pytest.approx(score), name
        assert k.at[name, "status"] is status, name
        assert k.at[name, "supported"] is supported, name
    assert math.isnan(k.at["G", "attainment"])
    assert k.at["G", "status"] is ScoreStatus.NOT_MEASURED


def test_perspective_scores_weights_and_coverage(card):
    p = card.perspectives
    assert list(p.index) == ["financial", "customer", "internal_process", "learning_and_growth"]
    # financial: A (weight 1, 0.5) and B (weight 3, 1.0): (0.5 + 3) / 4 = 0.875
    assert p.at["financial", "score"] == pytest.approx(0.875)
    # customer: (0 + 0.5) / 2; internal process: (1 + 0.5) / 2
    assert p.at["customer", "score"] == pytest.approx(0.25)
    assert p.at["internal_process", "score"] == pytest.approx(0.75)
    assert p.at["financial", "coverage"] == 1.0
    # no measurable KPI: not measured, never 0
    assert math.isnan(p.at["learning_and_growth", "score"])
    assert p.at["learning_and_growth", "coverage"] == 0.0
    assert p.at["learning_and_growth", "status"] is ScoreStatus.NOT_MEASURED
    assert (p.at["learning_and_growth", "n_kpis"], p.at["learning_and_growth", "n_measured"]) == (
        1,
        0,
    )
    # financial: one on track, none behind; customer: all behind; internal process: behind
    # weight 1 of 2, not more than half
    assert p.at["financial", "status"] is ScoreStatus.ON_TRACK
    assert p.at["customer", "status"] is ScoreStatus.BEHIND
    assert p.at["internal_process", "status"] is ScoreStatus.ON_TRACK


def test_overall_renormalises_over_measured_perspectives(card):
    # (0.4 × 0.875 + 0.2 × 0.25 + 0.2 × 0.75) / (0.4 + 0.2 + 0.2) = 0.55 / 0.8
    assert card.overall == pytest.approx(0.6875)
    # coverage: 0.4 × 1 + 0.2 × 1 + 0.2 × 1 + 0.2 × 0
    assert card.coverage == pytest.approx(0.8)


def test_to_results_is_plain_json(card):
    section = card.to_results()
    text = json.dumps(section, allow_nan=False)
    assert json.loads(text)["status"] == "measured"
    assert section["perspectives"]["learning_and_growth"]["score"] is None
    assert section["perspectives"]["learning_and_growth"]["status"] == "not measured"
    assert section["kpis"]["E"]["target_basis"] == "relative"
    assert set(section["kpis"]["A"]) == {
        "label", "perspective", "unit", "direction", "before", "actual", "change", "supported",
        "target", "target_basis", "attainment", "weight", "status",
    }  # fmt: skip


def test_no_data_leaves_every_perspective_not_measured():
    results = results_frame(
        {
            name: (perspective, "higher", "share", "skipped", NAN, NAN, "not measured", None)
            for name, perspective in [("a", "financial"), ("b", "customer")]
        }
    )
    card = build_scorecard(results, Scorecard())
    assert card.overall is None and card.coverage == 0.0
    assert (card.perspectives["status"] == ScoreStatus.NOT_MEASURED).all()
    section = card.to_results()
    assert section["overall"] is None and section["status"] == "not measured"
    json.dumps(section, allow_nan=False)


def test_insufficient_data_is_not_measured():
    results = results_frame(
        {"a": ("customer", "higher", "share", "measured", 0.2, 0.3, "insufficient data", None)}
    )
    card = build_scorecard(results, Scorecard(targets={"a": 0.25}))
    assert card.kpis.at["a", "status"] is ScoreStatus.NOT_MEASURED
    assert math.isnan(card.perspectives.at["customer", "score"])


@pytest.mark.parametrize(
    ("before", "actual", "target", "direction", "expected"),
    [
        (0.20, 0.23, 0.25, "higher", 0.6),  # 0.03 of 0.05 needed
        (0.20, 0.30, 0.25, "higher", 1.0),  # beyond the target: 1, not 2
        (0.20, 0.15, 0.25, "higher", 0.0),  # moved away: clipped at 0, not −1
        (70.0, 65.0, 60.0, "lower", 0.5),  # lower is better: 5 of the 10 days needed
        (70.0, 75.0, 60.0, "lower", 0.0),
        (0.30, 0.28, 0.25, "higher", 1.0),  # the target was below the before value already
        (0.20, 0.22, 0.30, "higher", 0.2),
    ],
)
def test_attainment_is_direction_aware_and_clipped(before, actual, target, direction, expected):
    assert attainment(before, actual, target, direction) == pytest.approx(expected)


def test_relative_target_of_a_negative_before_value():
    # NPS −10, 10 % better: −10 + 0.10 × |−10| = −9 (not −11, which is worse)
    results = results_frame(
        {"nps": ("customer", "higher", "points", "measured", -10.0, -9.5, "improved", None)}
    )
    card = build_scorecard(results, Scorecard(changes={"nps": 0.10}))
    assert card.kpis.at["nps", "target"] == pytest.approx(-9.0)
    # (−9.5 − −10) / (−9 − −10) = 0.5
    assert card.kpis.at["nps", "attainment"] == pytest.approx(0.5)


def test_missing_kpi_results_column_is_one_clear_message():
    with pytest.raises(ValueError, match=r"kpi_results: the columns \['verdict'\] are missing"):
        build_scorecard(RESULTS.drop(columns="verdict"), Scorecard())


# --- benchmarks ----------------------------------------------------------------------------


def test_benchmark_gap_and_standing_by_hand():
    results = results_frame(
        {
            "win": ("internal_process", "higher", "share", "measured", 0.2, 0.25, "improved", None),
            "cycle": ("internal_process", "lower", "days", "measured", 70, 80.0, "worsened", None),
            "aov": ("financial", "higher", "currency", "measured", 90, 100.5, "improved", None),
            "gone": ("customer", "higher", "share", "skipped", NAN, NAN, "not measured", None),
            "zero": ("customer", "lower", "count", "measured", 1.0, 2.0, "worsened", None),
        }
    )
    bench = pd.DataFrame(
        {
            "kpi": ["cycle", "win", "aov", "gone", "zero", "nonsense"],
            "value": [70.0, 0.20, 100.0, 0.5, 0.0, 1.0],
            "source": ["A", "B", None, "D", "E", "F"],
        }
    )
    out = compare_benchmarks(results, bench)
    assert list(out.index) == ["win", "cycle", "aov", "gone", "zero"]  # results' order
    # higher is better: 0.25 − 0.20 = 0.05, 0.05 / 0.20 = 25 %: better
    assert out.at["win", "gap"] == pytest.approx(0.05)
    assert out.at["win", "gap_pct"] == pytest.approx(0.25)
    assert out.at["win", "standing"] is Standing.BETTER
    # lower is better: 80 − 70 = +10 days, 10 / 70: worse
    assert out.at["cycle", "gap"] == pytest.approx(10.0)
    assert out.at["cycle", "gap_pct"] == pytest.approx(10 / 70)
    assert out.at["cycle", "standing"] is Standing.WORSE
    # 100.5 against 100: within 1 % of the benchmark: level
    assert out.at["aov", "standing"] is Standing.LEVEL
    assert out.at["aov", "source"] is None
    assert out.at["gone", "standing"] is Standing.NOT_MEASURED
    assert math.isnan(out.at["gone", "value"])
    # a benchmark of 0 has no relative gap
    assert out.at["zero", "gap"] == 2.0 and math.isnan(out.at["zero", "gap_pct"])
    section = benchmark_results(out)
    assert section["gone"]["value"] is None and section["win"]["standing"] == "better"
    json.dumps(section, allow_nan=False)


def test_no_benchmarks_give_an_empty_comparison():
    assert compare_benchmarks(RESULTS, None).empty
    with pytest.raises(ValueError, match=r"benchmarks: the columns \['value'\] are missing"):
        compare_benchmarks(RESULTS, pd.DataFrame({"kpi": ["A"]}))


def test_unknown_benchmark_kpi_is_a_warning_naming_the_row(template_client: Path):
    path = template_client / "data" / "benchmarks.csv"
    path.write_text(
        "kpi,value,source\nwin_rate,0.22,survey\nwinrate,0.2,survey\nnps,35,report\n",
        encoding="utf-8",
    )
    report = validation.validate_client(template_client, known_kpis=KNOWN)
    found = [p for p in report.problems if p.rule == "unknown_kpi"]
    assert len(found) == 1, report.summary()
    assert found[0].severity == "warning" and found[0].rows == (3,)
    assert "winrate" in found[0].message
    # without the catalog's names nothing is checked
    unchecked = validation.validate_client(template_client)
    assert not [p for p in unchecked.problems if p.rule == "unknown_kpi"]


# --- params.yaml -----------------------------------------------------------------------------


def problems(card: dict, known=KNOWN) -> list[str]:
    with pytest.raises(ParamsError) as info:
        parse_params({**MINIMAL, "scorecard": card}, known_kpis=known)
    return str(info.value).splitlines()


def test_scorecard_block_shapes_and_normalised_weights():
    a = parse_params(
        {
            **MINIMAL,
            "scorecard": {
                "targets": {
                    "win_rate": 0.25,
                    "nps": {"change": 0.10},
                    "churn_rate_annual": {"value": 0.12, "weight": 2},
                },
                "weights": {"financial": 2, "customer": 1, "internal_process": 1,
                            "learning_and_growth": 0},
            },
        },
        known_kpis=KNOWN,
    )  # fmt: skip
    s = a.scorecard
    assert dict(s.targets) == {"win_rate": 0.25, "churn_rate_annual": 0.12}
    assert dict(s.changes) == {"nps": 0.10}
    assert s.kpi_weight("churn_rate_annual") == 2.0 and s.kpi_weight("win_rate") == 1.0
    # 2, 1, 1, 0 over their sum 4
    assert dict(s.weights) == {
        "financial": 0.5,
        "customer": 0.25,
        "internal_process": 0.25,
        "learning_and_growth": 0.0,
    }
    # the block survives the run's params.json
    again = parse_params({**MINIMAL, "scorecard": a.to_dict()["scorecard"]})
    assert again.scorecard == s


def test_default_scorecard_has_equal_weights_and_no_targets():
    s = parse_params(MINIMAL).scorecard
    assert dict(s.weights) == dict.fromkeys(
        ["financial", "customer", "internal_process", "learning_and_growth"], 0.25
    )
    assert not s.targets and not s.changes


@pytest.mark.parametrize(
    ("card", "key", "words"),
    [
        ({"targets": {"winrate": 0.2}}, "scorecard.targets.winrate", "did you mean 'win_rate'"),
        ({"weights": {"customer": -0.5}}, "scorecard.weights.customer", "zero or more"),
        (
            {"weights": dict.fromkeys(
                ["financial", "customer", "internal_process", "learning_and_growth"], 0)},
            "scorecard.weights",
            "all perspective weights are zero",
        ),
        ({"weights": {"people": 0.5}}, "scorecard.weights.people", "unknown perspective"),
        ({"targets": {"nps": {"value": 30, "change": 0.1}}}, "scorecard.targets.nps",
         "expected a number"),
        ({"targets": {"nps": "high"}}, "scorecard.targets.nps", "{change: fraction}"),
        ({"targets": {"nps": {"goal": 30}}}, "scorecard.targets.nps", "{value: number}"),
        ({"targets": {"nps": {"change": 0.1, "weight": -1}}}, "scorecard.targets.nps.weight",
         "zero or more"),
        ({"targets": [0.2]}, "scorecard.targets", "mapping of KPI"),
    ],
)  # fmt: skip
def test_bad_scorecard_input_is_one_clear_message(card, key, words):
    found = problems(card)
    assert len(found) == 1, found
    assert f", {key}: " in found[0] and words in found[0], found[0]
