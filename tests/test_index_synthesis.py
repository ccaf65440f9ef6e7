"""The index page's executive summary leads with the synthesis: the balanced scorecard with the
weight it rests on, its strongest and weakest KPIs, the top actions by benefit index and the
change since the last assessment; each guarded, each computed on its own, all client text
escaped on the page.

Every expected sentence below is written by hand from the mapping it is built from.
"""

from __future__ import annotations

import math
import re

import pytest

from crmkit.report import render
from crmkit.report.render import executive_summary, headline_figures, index_content, render_index
from crmkit.words.narrative import (
    ScoreReading,
    benefit_index_text,
    read_scorecard,
    scorecard_extremes,
    summary_actions,
    summary_history,
    summary_scorecard,
    summary_scorecard_extremes,
)

PERSPECTIVES = {
    name: {"weight": 0.25, "score": 0.5, "coverage": 1.0, "status": "on track"}
    for name in ("financial", "customer", "internal_process", "learning_and_growth")
}


def _card_kpi(label, perspective, status, attainment, **extra):
    return {
        "label": label,
        "perspective": perspective,
        "status": status,
        "attainment": attainment,
        **extra,
    }


SCORECARD_KPIS = {
    "win_rate": _card_kpi("Win rate", "customer", "met", 1.0),
    "aov": _card_kpi("Average order value", "financial", "met", 0.9),
    "nps": _card_kpi("Net Promoter Score", "customer", "on track", 0.8),
    "revenue_growth": _card_kpi("Revenue growth", "financial", "on track", 0.75),
    "cycle": _card_kpi("Sales cycle", "internal_process", "behind", 0.4),
    "adoption": _card_kpi("Active CRM users", "learning_and_growth", "behind", 0.3),
    "accuracy": _card_kpi("Data accuracy", "internal_process", "behind", 0.1),
    # not measured: never among the strongest or the weakest, whatever its attainment says
    "backlog": _card_kpi("Ticket backlog", "internal_process", "not measured", 0.0),
    "csat": _card_kpi("CSAT", "customer", "behind", math.nan),
}


def _action(name, kpi, index, *, monetised=True, kpis=None, rank=None):
    return {
        "rank": rank,
        "action": name,
        "description": f"{name}, described",
        "kpi": kpi,
        "kpis": kpis if kpis is not None else [kpi],
        "reasons": ["behind_target"],
        "owner": "Head of sales",
        "benefit_index": index,
        "monetised": monetised,
        "source": "catalog",
    }


CANDIDATES = [
    _action("Coach the reps on qualification", "win_rate", 2.24, rank=1),
    _action(
        "Clean duplicate accounts",
        "accuracy",
        None,
        monetised=False,
        kpis=["accuracy", "cycle"],
        rank=2,
    ),  # fmt: skip
    _action("Onboarding refresher", "adoption", 0.5, rank=3),
    _action("Service playbook", "nps", math.nan, rank=4),
    _action("Discount review", "aov", -0.42, rank=5),
    _action("Sixth action", "cycle", -1.0, rank=6),
]

HISTORY = {
    "status": "compared",
    "runs": [
        {"run_id": "r0", "generated_at": "2024-12-31T10:00:00+00:00"},
        {"run_id": "r1", "generated_at": "2025-06-30T10:00:00+00:00"},
    ],
    "scorecard": {"values": [], "previous": 0.48, "current": 0.54, "delta": 0.06},
    "targets": [
        {"kpi": "win_rate", "reached": True},
        {"kpi": "nps", "reached": True},
        {"kpi": "cycle", "reached": False},
        {"kpi": "csat", "reached": None},
    ],
}


def _results(**overrides):
    results = {
        "client": "Demo Co.",
        "params": {"currency": "CNY"},
        "kpis": {"win_rate": {"label": "Win rate", "verdict": "improved", "change_pct": 0.3}},
        "scorecard": {
            "overall": 0.54,
            "coverage": 0.85,
            "status": "measured",
            "perspectives": PERSPECTIVES,
            "kpis": SCORECARD_KPIS,
            "chain": [],
        },
        "actions": {"candidates": CANDIDATES, "plan": []},
        "history": HISTORY,
    }
    results.update(overrides)
    return results


def _scorecard(**overrides):
    return {**_results()["scorecard"], **overrides}


# --------------------------------------------------------------------------- the main case

SCORECARD_SENTENCE = (
    "The balanced scorecard stands at 54 % of its targets, on 85 % of the weight that could be "
    "measured."
)
STRONGEST_SENTENCE = (
    "Strongest against their targets: Win rate (customer, target met, 100 % attained); "
    "Average order value (financial, target met, 90 % attained); "
    "Net Promoter Score (customer, on track, 80 % attained)."
)
WEAKEST_SENTENCE = (
    "Weakest against their targets: Data accuracy (internal process, behind target, "
    "10 % attained); Active CRM users (learning and growth, behind target, 30 % attained); "
    "Sales cycle (internal process, behind target, 40 % attained)."
)
ACTIONS_SENTENCE = (
    "The top 5 actions by benefit index (the net gain per unit of cost, estimated from typical effects and costs, not measured): "
    "(1) Coach the reps on qualification, for Win rate: net gain 2.2 times its cost; "
    "(2) Clean duplicate accounts, for Data accuracy and Sales cycle: effect not expressed in "
    "money; "
    "(3) Onboarding refresher, for Active CRM users: net gain 0.5 times its cost; "
    "(4) Service playbook, for Net Promoter Score: benefit index not available; "
    "(5) Discount review, for Average order value: net loss 0.4 times its cost."
)
HISTORY_SENTENCE = (
    "Since the last assessment (2025-06-30), the balanced scorecard moved from 48 % to 54 % "
    "(+6.0 percentage points); 2 of the 3 targets set then were reached (1 more could not be "
    "checked)."
)


def test_the_summary_leads_with_the_scorecard_then_the_actions_then_the_history():
    summary = executive_summary(_results())
    assert summary[:5] == [
        SCORECARD_SENTENCE,
        STRONGEST_SENTENCE,
        WEAKEST_SENTENCE,
        ACTIONS_SENTENCE,
        HISTORY_SENTENCE,
    ]
    # the KPI findings that used to lead come after the synthesis
    assert summary[5] == "Of 1 KPI, after go-live 1 improved and 0 worsened."


def test_the_headline_figures_lead_with_the_scorecard_and_the_top_action():
    figures = headline_figures(_results())
    assert figures[0] == {
        "label": "Balanced scorecard",
        "value": "54.0 %",
        "note": "weighted attainment of targets, on 85 % of the weight",
    }
    assert figures[1] == {
        "label": "Top action",
        "value": "Coach the reps on qualification",
        "note": "net gain 2.2 times its cost; moves Win rate",
    }


def test_the_index_page_prints_the_lead_sentences_in_order():
    page = render_index(_results())
    summary = page.split('<section class="summary">')[1].split("</section>")[0]
    positions = [summary.find("The balanced scorecard stands at 54 %"),
                 summary.find("Strongest against their targets"),
                 summary.find("The top 5 actions by benefit index"),
                 summary.find("Since the last assessment"),
                 summary.find("Of 1 KPI")]  # fmt: skip
    assert -1 not in positions and positions == sorted(positions)
    assert '<div class="tile-value">54.0 %</div>' in page


# --------------------------------------------------------------------------- scorecard guards


def test_a_null_overall_is_not_measured_and_says_why():
    card = _scorecard(overall=None, coverage=0.0, status="not measured")
    assert summary_scorecard(card) == (
        "The balanced scorecard is not measured: none of its 4 perspectives has a KPI that "
        "could be measured against its target."
    )
    figure = headline_figures(_results(scorecard=card))[0]
    assert figure["value"] == "not measured"
    assert figure["note"] == "no perspective could be measured against its targets"


@pytest.mark.parametrize("overall", [0.0, 0.6])
def test_a_score_on_no_coverage_is_not_measured_never_zero_percent(overall):
    card = _scorecard(overall=overall, coverage=0.0)
    assert read_scorecard(card)[0] is ScoreReading.NOT_MEASURED
    sentence = summary_scorecard(card)
    assert sentence.startswith("The balanced scorecard is not measured:")
    assert "0 %" not in sentence and "60 %" not in sentence
    assert headline_figures(_results(scorecard=card))[0]["value"] == "not measured"


def test_a_nan_overall_is_not_measured():
    card = _scorecard(overall=math.nan)
    assert read_scorecard(card)[0] is ScoreReading.NOT_MEASURED
    assert "nan" not in summary_scorecard(card).lower()


@pytest.mark.parametrize(
    ("coverage", "shown"),
    [(0.3, "30 %"), (0.499, "49 %")],  # rounded down: 49.9 % never reads as half
)
def test_a_low_coverage_score_is_said_to_rest_on_less_than_half(coverage, shown):
    card = _scorecard(coverage=coverage)
    assert summary_scorecard(card) == (
        f"The balanced scorecard stands at 54 % of its targets on only {shown} of its weight, "
        "the part that could be measured: less than half, so this is no verdict on the "
        "scorecard as a whole."
    )
    figure = headline_figures(_results(scorecard=card))[0]
    assert figure["value"] == "54.0 %"
    assert figure["note"] == f"on only {shown} of the weight: less than half, not a verdict"


def test_half_the_weight_is_enough_and_full_coverage_says_so():
    assert read_scorecard(_scorecard(coverage=0.5))[0] is ScoreReading.MEASURED
    assert summary_scorecard(_scorecard(coverage=1.0)) == (
        "The balanced scorecard stands at 54 % of its targets, with all of its weight measured."
    )


@pytest.mark.parametrize("overall", ["0.54", math.inf, 1.7, -0.2, True, [0.5]])
def test_an_odd_overall_is_not_available(overall):
    card = _scorecard(overall=overall)
    assert summary_scorecard(card) == "The balanced scorecard's overall score is not available."
    assert headline_figures(_results(scorecard=card))[0]["value"] == "not available"


@pytest.mark.parametrize("coverage", [None, math.nan, "85 %", 8.5])
def test_a_score_without_a_usable_coverage_is_read_as_partial(coverage):
    card = _scorecard(coverage=coverage)
    assert summary_scorecard(card) == (
        "The balanced scorecard stands at 54 % of its targets; the share of its weight that "
        "could be measured is not available, so read it as partial."
    )


# --------------------------------------------------------------------------- strongest, weakest


def test_fewer_than_six_kpis_are_shared_out_without_repeating_one():
    four = {name: SCORECARD_KPIS[name] for name in ("win_rate", "aov", "cycle", "accuracy")}
    strongest, weakest = scorecard_extremes({"kpis": four})
    # a top three and a bottom three of four KPIs would share two; they are split 2 / 2
    assert [name for name, _, _ in strongest] == ["win_rate", "aov"]
    assert [name for name, _, _ in weakest] == ["accuracy", "cycle"]
    three = {name: SCORECARD_KPIS[name] for name in ("win_rate", "nps", "cycle")}
    strongest, weakest = scorecard_extremes({"kpis": three})
    assert [name for name, _, _ in strongest] == ["win_rate", "nps"]
    assert [name for name, _, _ in weakest] == ["cycle"]


def test_two_kpis_give_one_strongest_and_one_weakest():
    two = {name: SCORECARD_KPIS[name] for name in ("nps", "adoption")}
    assert summary_scorecard_extremes({"kpis": two}) == [
        "Strongest against their targets: Net Promoter Score (customer, on track, 80 % attained).",
        "Weakest against their targets: Active CRM users (learning and growth, behind target, "
        "30 % attained).",
    ]


def test_a_single_kpi_is_named_alone():
    one = {"win_rate": SCORECARD_KPIS["win_rate"], "backlog": SCORECARD_KPIS["backlog"]}
    assert summary_scorecard_extremes({"kpis": one}) == [
        "Only one KPI could be measured against its target: Win rate (customer, target met, "
        "100 % attained)."
    ]


def test_only_measured_kpis_with_a_finite_attainment_take_part():
    odd = {
        "a": _card_kpi("A", "customer", "not measured", 1.0),
        "b": _card_kpi("B", "customer", "behind", math.nan),
        "c": _card_kpi("C", "customer", "behind", "0.2"),
        "d": _card_kpi("D", "customer", ["met"], 1.0),
        "e": _card_kpi("E", "customer", "something else", 1.0),
        "f": "not an entry",
    }
    assert summary_scorecard_extremes({"kpis": odd}) == []
    assert index_content(_results(scorecard=_scorecard(kpis=odd))).failed_sections == []


def test_ties_are_broken_by_the_kpi_name():
    tied = {name: _card_kpi(name.upper(), "customer", "met", 1.0) for name in "dcab"}
    tied |= {name: _card_kpi(name.upper(), "customer", "behind", 0.5) for name in "zyx"}
    strongest, weakest = scorecard_extremes({"kpis": tied})
    assert [name for name, _, _ in strongest] == ["a", "b", "c"]
    assert [name for name, _, _ in weakest] == ["x", "y", "z"]


def test_a_kpi_behind_its_target_is_never_called_strong_nor_a_met_one_weak():
    card = {"kpis": {"met": _card_kpi("Met", "customer", "met", 1.0),
                     "behind": _card_kpi("Behind", "customer", "behind", 0.5)}}  # fmt: skip
    assert [[n for n, _, _ in side] for side in scorecard_extremes(card)] == [["met"], ["behind"]]
    only_met = {"kpis": {n: _card_kpi(n, "customer", "met", 1.0) for n in ("a", "b")}}
    assert scorecard_extremes(only_met)[1] == []
    only_behind = {"kpis": {"b": _card_kpi("B", "customer", "behind", 0.5)}}
    assert scorecard_extremes(only_behind)[0] == []
    assert summary_scorecard_extremes(only_behind) == [
        "Weakest against their targets: B (customer, behind target, 50 % attained)."
    ]


# --------------------------------------------------------------------------- actions


def test_fewer_than_five_actions_are_all_listed():
    two = {"candidates": CANDIDATES[:2]}
    labels = {"win_rate": "Win rate", "accuracy": "Data accuracy"}
    assert summary_actions(two, labels=labels) == [
        "The top 2 actions by benefit index (the net gain per unit of cost, estimated from typical effects and costs, not measured): "
        "(1) Coach the reps on qualification, for Win rate: net gain 2.2 times its cost; "
        "(2) Clean duplicate accounts, for Data accuracy and cycle: effect not expressed in "
        "money."
    ]
    assert summary_actions({"candidates": CANDIDATES[:1]}, labels=labels) == [
        "The top action by benefit index (the net gain per unit of cost, estimated from typical effects and costs, not measured): "
        "Coach the reps on qualification, for Win rate: net gain 2.2 times its cost."
    ]


def test_an_empty_list_of_candidates_says_no_action_is_proposed():
    assert summary_actions({"candidates": []}) == [
        "No improvement action is proposed: no gap in the KPIs called for one."
    ]
    assert headline_figures(_results(actions={"candidates": []}))[1]["label"] != "Top action"


@pytest.mark.parametrize("candidates", [None, "none", 3, {"a": 1}])
def test_no_list_of_candidates_says_nothing(candidates):
    assert summary_actions({"candidates": candidates}) == []
    assert summary_actions(None) == []


@pytest.mark.parametrize(
    ("index", "monetised", "expected"),
    [
        (3.2, True, "net gain 3.2 times its cost"),
        (0.04, True, "breaks even"),  # rounds to 0.0
        (-1.0, True, "net loss 1.0 times its cost"),
        (math.nan, True, "benefit index not available"),
        (math.inf, None, "benefit index not available"),
        ("2.2", True, "benefit index not available"),
        (2.2, False, "effect not expressed in money"),
    ],
)
def test_the_benefit_index_in_words(index, monetised, expected):
    assert benefit_index_text({"benefit_index": index, "monetised": monetised}) == expected


def test_an_action_without_a_name_or_kpi_still_reads():
    sentence = summary_actions({"candidates": [{"benefit_index": 1.0, "kpi": None}]})
    assert sentence == [
        "The top action by benefit index (the net gain per unit of cost, estimated from typical effects and costs, not measured): unnamed action: "
        "net gain 1.0 times its cost."
    ]


# --------------------------------------------------------------------------- history


def test_a_first_assessment_says_so_in_one_short_sentence():
    assert summary_history({"status": "started", "runs": []}) == (
        "This is the first assessment on record for this client; the next one will be "
        "compared with it."
    )


def test_a_comparison_without_scorecard_values_or_checkable_targets():
    history = {
        "status": "compared",
        "runs": [{"run_id": "r1", "generated_at": "not a date"}],
        "scorecard": {"previous": None, "current": 0.5, "delta": None},
        "targets": [{"reached": None}, {"reached": "yes"}],
    }
    assert summary_history(history) == (
        "Since the last assessment, the balanced scorecard's change is not available; none of "
        "the 2 targets set then could be checked."
    )
    history.update(targets=[], scorecard={"previous": 0.6, "current": 0.5})
    assert summary_history(history) == (
        "Since the last assessment, the balanced scorecard moved from 60 % to 50 % "
        "(\u221210.0 percentage points); no target had been set then."
    )


@pytest.mark.parametrize(
    ("targets", "clause"),
    [
        ([{"reached": True}], "the target set then was reached"),
        ([{"reached": False}, {"reached": None}],
         "the target set then was not reached (1 more could not be checked)"),
        ([{"reached": None}], "the target set then could not be checked"),
        ([{"reached": True}, {"reached": False}, {"reached": False}],
         "1 of the 3 targets set then was reached"),
    ],
)  # fmt: skip
def test_targets_set_at_the_last_assessment_are_counted(targets, clause):
    history = {**HISTORY, "runs": [], "targets": targets}
    assert summary_history(history) == (
        "Since the last assessment, the balanced scorecard moved from 48 % to 54 % "
        f"(+6.0 percentage points); {clause}."
    )


@pytest.mark.parametrize("history", [None, {}, {"status": "unknown"}, {"status": ["compared"]}])
def test_an_unknown_history_says_nothing(history):
    assert summary_history(history) is None


# --------------------------------------------------------------------------- each on its own


def test_a_synthesis_section_that_raises_is_listed_and_the_others_stand(monkeypatch):
    def broken(results):
        raise KeyError("candidates")

    sections = dict(render._SUMMARY_SECTIONS)
    sections["top actions"] = broken
    monkeypatch.setattr(render, "_SUMMARY_SECTIONS", tuple(sections.items()))
    content = index_content(_results())
    assert content.failed_sections == [
        {"section": "summary: top actions", "message": "KeyError: 'candidates'"}
    ]
    assert content.summary[:4] == [
        SCORECARD_SENTENCE,
        STRONGEST_SENTENCE,
        WEAKEST_SENTENCE,
        HISTORY_SENTENCE,
    ]


_ZERO_PERCENT = re.compile(r"(?<![\d.,])0(?:\.0)? %")


@pytest.mark.parametrize("value", [None, math.nan, math.inf, -math.inf, "12", True, [], {}])
def test_any_odd_value_in_the_synthesis_sections_never_raises_or_prints_nan(value):
    keys = ["overall", "coverage", "status", "perspectives", "kpis", "label", "perspective",
            "attainment", "action", "kpi", "benefit_index", "monetised", "candidates", "runs",
            "scorecard", "targets", "previous", "current", "delta", "reached", "generated_at"]  # fmt: skip
    section = dict.fromkeys(keys, value)
    results = {
        "scorecard": {**section, "kpis": {"a": section}},
        "actions": {"candidates": [section, section]},
        "history": {**section, "status": "compared", "runs": [section], "targets": [section]},
    }
    content = index_content(results)
    assert content.failed_sections == [], (value, content.failed_sections)
    text = " ".join(content.summary) + str(content.figures)
    assert "nan" not in text.lower() and "inf" not in text.lower()
    assert not _ZERO_PERCENT.search(text), text
    render_index(results)


# --------------------------------------------------------------------------- hostile text

SCRIPT = "<script>alert(1)</script>"
MARKDOWN = "**bold** [link](javascript:x)"


def test_hostile_labels_and_action_names_are_escaped_on_the_index():
    kpis = {
        "a": _card_kpi(SCRIPT, "customer", "met", 1.0),
        "b": _card_kpi(MARKDOWN, f"<b>{MARKDOWN}</b>", "behind", 0.2),
    }
    candidates = [
        {**_action(SCRIPT, "a", 2.0), "owner": SCRIPT, "description": SCRIPT},
        {**_action(MARKDOWN, "b", 1.0), "owner": MARKDOWN},
        _action("Third", SCRIPT, None, monetised=False, kpis=[SCRIPT]),
    ]
    results = _results(
        scorecard=_scorecard(kpis=kpis),
        actions={"candidates": candidates},
        history={**HISTORY, "runs": [{"run_id": SCRIPT, "generated_at": SCRIPT}]},
    )
    content = index_content(results)
    assert content.failed_sections == []
    # the sentences carry the client's text as it is written, as plain text
    assert any(SCRIPT in sentence and MARKDOWN in sentence for sentence in content.summary)
    page = render_index(results, content=content)
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>" not in page and "&lt;b&gt;" in page
    # markdown-special characters stay characters: no bold, no link
    assert "**bold** [link](javascript:x)" in page
    assert "<strong>bold" not in page
    assert "javascript:x" not in re.sub(r"\[link\]\(javascript:x\)", "", page)
    assert 'href="javascript' not in page
    tile = page.split('<section class="headline">')[1].split("</section>")[0]
    assert '<div class="tile-value">&lt;script&gt;alert(1)&lt;/script&gt;</div>' in tile
