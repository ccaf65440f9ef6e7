"""Next best activity: gaps, the action catalog and the client's table, benefit index, plan.

Every expected number is worked out by hand in the test, from the formulas of
:mod:`crmkit.synthesis.actions` and :mod:`crmkit.synthesis.action_value` (benefit index =
(effect − cost) / cost; money per unit of a KPI as in the finance stage's conventions).
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from crmkit.data import io
from crmkit.data.config import Finance, parse_params
from crmkit.data.exceptions import InputError
from crmkit.data.schemas import table_schema
from crmkit.data.validation import validate_client, validate_table
from crmkit.data.verdicts import Verdict
from crmkit.kpis import CATALOG as CATALOG_KPIS
from crmkit.report import plots
from crmkit.synthesis.action_catalog import (
    CATALOG,
    Action,
    ActionSource,
    CostDriver,
    CostTerm,
    merge_client_actions,
)
from crmkit.synthesis.action_value import (
    ClientSizes,
    action_cost,
    client_sizes,
    money_per_unit,
)
from crmkit.synthesis.actions import (
    Reason,
    action_plan,
    actions_results,
    find_gaps,
    plan_start,
    rank_candidates,
    unknown_action_kpis,
)
from crmkit.synthesis.status import ScoreStatus
from crmkit.words import actions as words

FINANCE = Finance(
    gross_margin=0.30, hourly_cost=100.0, handling_share=0.10, deal_hours_per_day=0.25
)


def _action(name: str, kpis: tuple[str, ...], effects=(0.05, 0.10, 0.20), hours=10.0, **kw):
    return Action(name, "", kpis, *effects, (CostTerm(CostDriver.FIXED, hours),), "Owner", 6, **kw)


def _gaps(**rows: tuple[float, str, tuple[Reason, ...]]) -> pd.DataFrame:
    """Gaps frame by hand: kpi=(actual, direction, reasons)."""
    return pd.DataFrame(
        {
            "label": list(rows),
            "perspective": "customer",
            "unit": "",
            "direction": [r[1] for r in rows.values()],
            "actual": [r[0] for r in rows.values()],
            "reasons": [r[2] for r in rows.values()],
        },
        index=pd.Index(list(rows), name="kpi"),
    )


# --- money per unit and cost ----------------------------------------------------------------


def test_money_of_a_churn_change_by_hand():
    # 1,000 active customers × 4 orders a year × 250 per order × 30 % margin = 300,000 a year
    # per unit of churn rate; 10 % better than a churn of 0.20 is 0.02 → 6,000 a year.
    sizes = ClientSizes(active_customers=1000.0)
    after = {"purchase_frequency": 4.0, "average_order_value": 250.0, "churn_rate_annual": 0.20}
    rate = money_per_unit("churn_rate_annual", sizes, after, FINANCE)
    assert rate == pytest.approx(300_000.0)
    action = _action("Retention", ("churn_rate_annual",), effects=(0.10, 0.10, 0.10))
    gaps = _gaps(churn_rate_annual=(0.20, "lower", (Reason.BEHIND_TARGET,)))
    results = pd.DataFrame({"after": after})
    ranked = rank_candidates([action], gaps, results, sizes, FINANCE)
    assert ranked.at[0, "expected_effect"] == pytest.approx(6_000.0)


def test_money_of_staff_time_needs_an_hourly_cost():
    # 2,000 tickets resolved a year × 10 % handling × 100 an hour = 20,000 per hour faster
    sizes = ClientSizes(tickets_resolved_per_year=2000.0)
    assert money_per_unit("resolution_hours", sizes, {}, FINANCE) == pytest.approx(20_000.0)
    assert money_per_unit("resolution_hours", sizes, {}, Finance(hourly_cost=None)) is None
    assert money_per_unit("nps", sizes, {}, FINANCE) is None  # never monetised


def test_cost_formula_by_hand_and_the_clients_figure_wins():
    # (8 h × 50 users + 40 h once) × 100 an hour = 44,000
    action = Action("Training", "", ("active_user_rate",), 0.05, 0.1, 0.2,
                    (CostTerm(CostDriver.CRM_USERS, 8.0), CostTerm(CostDriver.FIXED, 40.0)),
                    "Lead", 3)  # fmt: skip
    assert action_cost(action, ClientSizes(crm_users=50.0), FINANCE) == pytest.approx(44_000.0)
    assert action_cost(action, ClientSizes(), FINANCE) is None  # no usage table: no users
    assert action_cost(action, ClientSizes(crm_users=50.0), Finance(hourly_cost=None)) is None
    client = Action("Training", "", ("active_user_rate",), 0.1, 0.1, 0.1, (), "Lead", 3, cost=9e3)
    assert action_cost(client, ClientSizes(), Finance(hourly_cost=None)) == 9_000.0


def test_client_sizes_count_the_after_window_per_year():
    assessment = parse_params(
        {"client": "T", "go_live_date": dt.date(2025, 1, 1),
         "before": {"start": dt.date(2024, 1, 1), "end": dt.date(2024, 12, 31)},
         "after": {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)}}
    )  # fmt: skip
    orders = pd.DataFrame(
        {
            "order_id": ["1", "2", "3", "4"],
            "customer_id": ["A", "A", "B", "C"],
            "order_date": pd.to_datetime(["2024-06-01", "2025-02-01", "2025-03-01", "2025-11-30"]),
            "amount": [10.0, 20.0, 30.0, 40.0],
        }
    )
    sizes = client_sizes({"orders": orders}, assessment)
    # 3 orders in the after window of 365 days: 3 / (365 / 365.25) a year; customers A, B, C
    assert sizes.orders_per_year == pytest.approx(3 * 365.25 / 365)
    assert sizes.active_customers == 3.0
    assert sizes.tickets_per_year is None and sizes.crm_users is None


# --- benefit index and ranking --------------------------------------------------------------


def test_benefit_index_by_hand():
    # cost 10 h × 100 = 1,000. Sales cycle 50 days; a day is worth 100 deals × 0.25 h × 100
    # = 2,500 a year. Effects 5 / 10 / 20 % → 2.5 / 5 / 10 days → 6,250 / 12,500 / 25,000.
    # Index (12,500 − 1,000) / 1,000 = 11.5; low 5.25; high 24.
    action = _action("Coaching", ("sales_cycle_days",))
    gaps = _gaps(sales_cycle_days=(50.0, "lower", (Reason.WORSENED,)))
    ranked = rank_candidates(
        [action], gaps, pd.DataFrame(), ClientSizes(deals_won_per_year=100.0), FINANCE
    )
    row = ranked.iloc[0]
    assert (row["effect_low"], row["expected_effect"], row["effect_high"]) == pytest.approx(
        (6_250.0, 12_500.0, 25_000.0)
    )
    assert row["expected_cost"] == pytest.approx(1_000.0)
    assert (row["benefit_index_low"], row["benefit_index"], row["benefit_index_high"]) == (
        pytest.approx((5.25, 11.5, 24.0))
    )
    assert bool(row["monetised"]) and row["reasons"] == (Reason.WORSENED,)


def test_ranking_by_benefit_index_then_the_unmonetised_after():
    # revenue_monthly 1,000 a month: a unit is worth 12 × 0.3 = 3.6 a year.
    # A: 10 % → 100 × 3.6 = 360 against 100 (1 h) → index 2.6
    # B: 10 % → 360 against 200 (2 h) → index 0.8
    # C: 10 % → 360 against 400 (4 h) → index −0.1
    # D moves NPS only: not monetised, ranked last whatever its cost.
    gaps = _gaps(
        revenue_monthly=(1_000.0, "higher", (Reason.BEHIND_TARGET,)),
        nps=(20.0, "higher", (Reason.WORSE_THAN_BENCHMARK, Reason.WORSENED)),
    )
    flat = (0.10, 0.10, 0.10)
    acts = [
        _action("C", ("revenue_monthly",), flat, hours=4.0),
        _action("D", ("nps",), flat, hours=0.1),
        _action("A", ("revenue_monthly",), flat, hours=1.0),
        _action("B", ("revenue_monthly",), flat, hours=2.0),
        _action("E", ("win_rate",), flat),  # no gap: not a candidate
    ]
    ranked = rank_candidates(acts, gaps, pd.DataFrame(), ClientSizes(), FINANCE)
    assert ranked["action"].tolist() == ["A", "B", "C", "D"]
    assert ranked["rank"].tolist() == [1, 2, 3, 4]
    assert ranked["benefit_index"].iloc[:3].tolist() == pytest.approx([2.6, 0.8, -0.1])
    assert ranked["monetised"].tolist() == [True, True, True, False]
    assert np.isnan(ranked.at[3, "benefit_index"]) and np.isnan(ranked.at[3, "expected_effect"])


def test_an_action_on_several_gap_kpis_counts_the_largest_money_effect_only():
    # revenue 1,000 a month: 10 % = 100 × 12 × 0.3 = 360 a year.
    # order value 50 with 100 orders a year: 10 % = 5 × 100 × 0.3 = 150 a year.
    # Revenue holds order value: the effect is 360 (on revenue_monthly), not 510.
    gaps = _gaps(
        revenue_monthly=(1_000.0, "higher", (Reason.BEHIND_TARGET,)),
        average_order_value=(50.0, "higher", (Reason.WORSENED,)),
    )
    action = _action("Up-sell", ("average_order_value", "revenue_monthly"), (0.1, 0.1, 0.1))
    ranked = rank_candidates(
        [action], gaps, pd.DataFrame(), ClientSizes(orders_per_year=100.0), FINANCE
    )
    row = ranked.iloc[0]
    assert row["expected_effect"] == pytest.approx(360.0) and row["kpi"] == "revenue_monthly"
    assert row["kpis"] == ("average_order_value", "revenue_monthly")
    assert row["reasons"] == (Reason.BEHIND_TARGET, Reason.WORSENED)


# --- gaps from each reason -----------------------------------------------------------------


def _results(**verdicts: Verdict) -> pd.DataFrame:
    names = list(verdicts)
    return pd.DataFrame(
        {
            "label": [n.replace("_", " ") for n in names],
            "perspective": "customer",
            "unit": "share",
            "direction": "higher",
            "after": 0.5,
            "verdict": list(verdicts.values()),
        },
        index=names,
    )


def test_candidates_come_from_each_reason():
    results = _results(
        win_rate=Verdict.NO_CHANGE,
        nps=Verdict.NO_CHANGE,
        churn_rate_annual=Verdict.WORSENED,
        complaints_per_1000_orders=Verdict.NO_CHANGE,
        csat_top2_share=Verdict.IMPROVED,
    )
    card = pd.DataFrame(
        {"status": [ScoreStatus.BEHIND, ScoreStatus.MET, ScoreStatus.ON_TRACK], "actual": 0.5},
        index=["win_rate", "nps", "csat_top2_share"],
    )
    bench = pd.DataFrame({"standing": ["worse", "better"]}, index=["nps", "win_rate"])
    chain = pd.DataFrame(
        {
            "cause": ["resolution_hours", "active_user_rate"],
            "effect": ["complaints_per_1000_orders", "win_rate"],
            "status": ["not supported", "supported"],
        }
    )
    gaps = find_gaps(card, results, benchmarks=bench, chain=chain)
    assert gaps["reasons"].to_dict() == {
        "win_rate": (Reason.BEHIND_TARGET,),
        "nps": (Reason.WORSE_THAN_BENCHMARK,),
        "churn_rate_annual": (Reason.WORSENED,),
        "complaints_per_1000_orders": (Reason.WEAK_LINK,),
    }
    ranked = rank_candidates(CATALOG, gaps, results, ClientSizes(), FINANCE)
    reasons = dict(zip(ranked["action"], ranked["reasons"], strict=True))
    assert reasons["Sales-process coaching"] == (Reason.BEHIND_TARGET,)
    assert reasons["Survey follow-up"] == (Reason.WORSE_THAN_BENCHMARK,)
    assert reasons["Retention campaign"] == (Reason.WORSENED,)
    assert reasons["Complaint root-cause programme"] == (Reason.WEAK_LINK,)


def test_no_gaps_gives_empty_lists():
    results = _results(win_rate=Verdict.IMPROVED)
    gaps = find_gaps(None, results)
    assert gaps.empty
    ranked = rank_candidates(CATALOG, gaps, results, ClientSizes(), FINANCE)
    plan = action_plan(ranked, gaps, start=dt.date(2026, 1, 1))
    assert actions_results(ranked, plan) == {"candidates": [], "plan": []}
    assert "no action is called for" in words.actions_findings(gaps, ranked, currency="CNY")[0]


# --- the client's actions table -------------------------------------------------------------


def test_client_table_overrides_by_name_and_extends_the_catalog():
    client = pd.DataFrame(
        {
            "action": ["  retention CAMPAIGN ", "Key-account days"],
            "kpi": ["churn_rate_annual", "win_rate"],
            "expected_effect": [0.2, 0.04],
            "expected_cost": [5_000.0, 90_000.0],
            "owner": [None, "Head of Sales"],
            "horizon_months": [None, 4],
        }
    )
    merged = merge_client_actions(client)
    assert len(merged) == len(CATALOG) + 1
    names = [a.name for a in merged]
    position = [a.name for a in CATALOG].index("Retention campaign")
    override = merged[position]
    assert override.source is ActionSource.CLIENT and override.cost == 5_000.0
    assert (override.effect_low, override.effect_central, override.effect_high) == (0.2,) * 3
    assert override.owner == "Head of Customer Success" and override.horizon_months == 6
    assert "Retention campaign" not in names  # replaced, under the client's spelling
    added = merged[-1]
    assert (added.name, added.kpis, added.owner, added.horizon_months, added.cost) == (
        "Key-account days",
        ("win_rate",),
        "Head of Sales",
        4,
        90_000.0,
    )


def test_unknown_kpis_in_the_client_table_are_named_by_row():
    client = pd.DataFrame({"action": ["A", "B", "C"], "kpi": ["nps", "happiness", "win_rate"]})
    unknown = unknown_action_kpis(client)
    assert unknown.to_dict("records") == [{"row": 3, "action": "B", "kpi": "happiness"}]
    assert "rows 3" in words.unknown_kpis_text(unknown)


def test_unknown_kpis_in_the_client_table_are_a_validation_warning(template_client):
    path = template_client / "data" / "actions.csv"
    path.write_text(
        "action,kpi,expected_effect,expected_cost\n"
        "Training,active_user_rate,0.1,1000\nHappiness week,happiness,0.2,500\n",
        encoding="utf-8",
    )
    report = validate_client(template_client, known_kpis=[k.name for k in CATALOG_KPIS])
    found = [p for p in report.problems if p.rule == "unknown_kpi" and p.table == "actions"]
    assert len(found) == 1, report.summary()
    assert found[0].severity == "warning" and found[0].rows == (3,)
    assert "happiness" in found[0].message and found[0].file.endswith("actions.csv")


def _validate(frame: pd.DataFrame):
    schema = table_schema("actions")
    return validate_table(io.map_columns(frame, schema), schema, file="data/actions.csv")


GOOD = {"action": ["A", "B"], "kpi": ["nps", "win_rate"], "expected_effect": ["0.1", "0.05"]}


def test_actions_table_reads_horizon_as_horizon_months():
    typed, problems = _validate(
        pd.DataFrame({**GOOD, "expected_cost": ["100", "200"], "horizon": ["3", "6"]})
    )
    assert problems == []
    assert typed["horizon_months"].tolist() == [3, 6]


@pytest.mark.parametrize(
    ("cost", "rule", "column", "rows"),
    [
        (None, "missing_column", "expected_cost", ()),
        (["100", "lots"], "wrong_type", "expected_cost", (3,)),
        (["-5", "200"], "negative", "expected_cost", (2,)),
    ],
)
def test_bad_actions_input_gives_one_clear_message(cost, rule, column, rows):
    frame = pd.DataFrame(GOOD if cost is None else {**GOOD, "expected_cost": cost})
    _, problems = _validate(frame)
    assert [(p.rule, p.column, p.rows) for p in problems] == [(rule, column, rows)]
    assert problems[0].file == "data/actions.csv"


def test_an_unvalidated_table_is_refused_with_its_rows():
    with pytest.raises(InputError, match="missing column.*expected_cost"):
        merge_client_actions(pd.DataFrame({"action": ["A"], "kpi": ["nps"]}))
    bad = pd.DataFrame(
        {"action": ["A", "B"], "kpi": ["nps", "nps"], "expected_effect": [0.1, 0.1],
         "expected_cost": [10.0, -1.0]}
    )  # fmt: skip
    with pytest.raises(InputError) as info:
        merge_client_actions(bad)
    assert info.value.rows == [3]


# --- the plan and results.json --------------------------------------------------------------


def test_plan_targets_and_review_dates_by_hand():
    assessment = parse_params(
        {"client": "T", "go_live_date": dt.date(2025, 1, 1),
         "after": {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)}}
    )  # fmt: skip
    start = plan_start(assessment)
    assert start == dt.date(2026, 1, 1)  # the day after the after window
    candidates = pd.DataFrame(
        {
            "action": ["Coaching", "Survey follow-up"],
            "owner": ["Head of Sales", "CX"],
            "kpi": ["sales_cycle_days", "nps"],
            "relative_effect": [0.10, 0.05],
            "horizon_months": [6, 9],
        }
    )
    gaps = _gaps(
        sales_cycle_days=(50.0, "lower", (Reason.WORSENED,)),
        nps=(-20.0, "higher", (Reason.BEHIND_TARGET,)),
    )
    plan = action_plan(candidates, gaps, start=start)
    # 50 days 10 % shorter = 45; NPS −20 improved by 5 % of |−20| = −19
    assert plan["target"].tolist() == pytest.approx([45.0, -19.0])
    assert plan["review_date"].tolist() == [dt.date(2026, 7, 1), dt.date(2026, 10, 1)]


def test_results_are_plain_json_with_null_for_missing():
    action = _action("D", ("nps",), (0.1, 0.1, 0.1))
    gaps = _gaps(nps=(30.0, "higher", (Reason.WORSENED,)))
    ranked = rank_candidates([action], gaps, pd.DataFrame(), ClientSizes(), FINANCE)
    plan = action_plan(ranked, gaps, start=dt.date(2026, 1, 1))
    section = actions_results(ranked, plan)
    text = json.dumps(section, allow_nan=False)
    candidate = section["candidates"][0]
    assert candidate["benefit_index"] is None and candidate["monetised"] is False
    assert candidate["reasons"] == ["worsened"] and candidate["kpis"] == ["nps"]
    assert candidate["source"] == "catalog" and candidate["expected_cost"] == 1_000.0
    assert section["plan"][0] == {
        "action": "D", "owner": "Owner", "start": "2026-01-01", "kpi": "nps",
        "target": 33.0, "review_date": "2026-07-01",
    }  # fmt: skip
    assert "relative_effect" not in text


def test_ranking_chart_leaves_out_unvalued_actions_and_states_its_finding():
    frame = pd.DataFrame(
        {
            "action": ["A", "B"],
            "benefit_index": [1.5, np.nan],
            "benefit_index_low": [0.5, np.nan],
            "benefit_index_high": [3.0, np.nan],
            "monetised": [True, False],
        }
    )
    title = words.ranking_title(frame)
    assert title.startswith("A promises the best return") and "2.5 times" in title
    fig = plots.benefit_ranking_chart(frame, title=title)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["A"]


# --- end to end -----------------------------------------------------------------------------


@pytest.mark.slow
def test_demo_records_ranked_candidates_and_a_plan(tmp_path):
    from crmkit.demo.synth import generate_demo_client
    from crmkit.pipeline.runner import run_assessment

    client = generate_demo_client(tmp_path / "demo", scale=0.05)
    result = run_assessment(client, output_root=tmp_path / "reports", progress=False)
    assert result.results["stages"]["next_best_actions"]["status"] == "ok"
    section = result.results["actions"]
    candidates = section["candidates"]
    assert candidates and [c["rank"] for c in candidates] == list(range(1, len(candidates) + 1))
    indices = [c["benefit_index"] for c in candidates if c["monetised"]]
    assert indices == sorted(indices, reverse=True)
    assert all(c["reasons"] for c in candidates)
    assert len(section["plan"]) == len(candidates)


def test_recommendations_state_money_reasons_and_what_cannot_be_valued():
    gaps = _gaps(
        sales_cycle_days=(50.0, "lower", (Reason.WORSENED,)),
        nps=(20.0, "higher", (Reason.BEHIND_TARGET,)),
    )
    acts = [_action("Coaching", ("sales_cycle_days",)), _action("Follow-up", ("nps",))]
    ranked = rank_candidates(
        acts, gaps, pd.DataFrame(), ClientSizes(deals_won_per_year=100.0), FINANCE
    )
    text = words.recommendations(ranked, {"nps": "Net Promoter Score"}, currency="CNY")
    first, second = text.splitlines()
    # the figures of test_benefit_index_by_hand: 12,500 (6,250 to 25,000) for 1,000
    assert first.startswith("- **1. Coaching** (Owner, effect within 6 months)")
    assert "worsened after go-live" in first
    assert "CNY 12,500 a year (CNY 6,250 to CNY 25,000) for CNY 1,000" in first
    assert second.startswith("- **2. Follow-up**") and "Net Promoter Score" in second
    assert "cannot be put in money" in second
