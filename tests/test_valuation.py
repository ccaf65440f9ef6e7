"""Benefits measured from KPI changes, and the financial appraisal of both cases.

Hand calculations on tiny tables; the investment arithmetic itself is proven in
``test_finance.py``.
"""

from __future__ import annotations

import dataclasses
import json
import math

import pandas as pd
import pytest

from crmkit.data.config import parse_params
from crmkit.data.validation import validate_client
from crmkit.demo.synth import generate_demo_client
from crmkit.domains import benefits, valuation
from crmkit.words import valuation as valuation_words


def _assessment(**finance):
    return parse_params(
        {
            "client": "Acme",
            "go_live_date": "2025-01-01",
            "finance": {
                "gross_margin": 0.30,
                "hourly_cost": 100.0,
                "handling_share": 0.5,
                **finance,
            },
        }
    )


def _result(name, label, unit, before, after, low, high, verdict="improved"):
    return {"kpi": name, "label": label, "unit": unit, "status": "measured", "before": before,
            "after": after, "change": after - before, "ci_low": low, "ci_high": high,
            "p_adjusted": 0.001, "verdict": verdict}  # fmt: skip


def _results(*rows):
    return pd.DataFrame(rows).set_index("kpi", drop=False).rename_axis(None)


def test_revenue_benefit_by_hand():
    a = _assessment()
    results = _results(
        _result("revenue_monthly", "Monthly revenue", "currency per month", 900, 1000, 50, 150)
    )
    rows = benefits.measured_benefits(
        {}, a, results, revenue_effect=(0.25, 0.10, 0.40), revenue_source="DiD"
    )
    row = (
        valuation_words.describe_benefits(rows).set_index("benefit").loc["incremental gross margin"]
    )
    # a year's revenue 12 × 1,000 = 12,000; attributable 12,000 · e/(1+e); × margin 0.30
    assert row["central"] == pytest.approx(12_000 * 0.25 / 1.25 * 0.30)  # 720
    assert row["low"] == pytest.approx(12_000 * 0.10 / 1.10 * 0.30)  # 327.27
    assert row["high"] == pytest.approx(12_000 * 0.40 / 1.40 * 0.30)  # 1,028.57
    assert "e/(1+e) with e = +25.0 % (DiD)" in row["formula"]


def test_service_benefit_by_hand():
    a = _assessment()
    tickets = pd.DataFrame(
        {
            "ticket_id": ["T1", "T2", "T3", "T4"],
            "opened_at": pd.to_datetime(["2025-02-01", "2025-03-01", "2025-06-01", "2024-05-01"]),
            "resolved_at": pd.to_datetime(["2025-02-02", "2025-03-02", None, "2024-05-02"]),
        }
    )
    results = _results(
        _result("resolution_hours", "Resolution time", "hours", 30.0, 24.0, -8.0, -4.0)
    )
    row = (
        benefits.measured_benefits({"tickets": tickets}, a, results)
        .set_index("benefit")
        .loc["service efficiency"]
    )
    # 2 tickets opened and resolved in the after year (2025: 365 days = 365/365.25 years)
    per_year = 2 / (365 / 365.25)
    # 6 hours faster × handling share 0.5 × tickets a year; interval from the change's 4 to 8 hours
    assert row["hours_central"] == pytest.approx(6 * 0.5 * per_year)
    assert row["hours_low"] == pytest.approx(4 * 0.5 * per_year)
    assert row["hours_high"] == pytest.approx(8 * 0.5 * per_year)
    assert row["central"] == pytest.approx(6 * 0.5 * per_year * 100.0)  # × CNY 100 an hour


def test_staff_time_without_an_hourly_cost_is_counted_in_hours_only():
    a = dataclasses.replace(
        _assessment(), finance=dataclasses.replace(_assessment().finance, hourly_cost=None)
    )
    tickets = pd.DataFrame({"ticket_id": ["T1"], "opened_at": pd.to_datetime(["2025-02-01"]),
                            "resolved_at": pd.to_datetime(["2025-02-02"])})  # fmt: skip
    results = _results(
        _result("resolution_hours", "Resolution time", "hours", 30.0, 24.0, -8.0, -4.0)
    )
    row = (
        valuation_words.describe_benefits(
            benefits.measured_benefits({"tickets": tickets}, a, results)
        )
        .set_index("benefit")
        .loc["service efficiency"]
    )
    assert math.isnan(row["central"]) and row["hours_central"] > 0
    assert row["note"] == "hours not valued: set finance.hourly_cost"


def test_benefits_the_data_cannot_measure_are_skipped_with_a_reason():
    rows = benefits.measured_benefits(
        {}, _assessment(), _results(_result("win_rate", "Win rate", "share", 0.2, 0.26, 0.04, 0.08))
    )
    skipped = valuation_words.describe_benefits(rows).set_index("benefit")
    assert (skipped["verdict"] == "skipped").all()
    assert skipped.loc["incremental gross margin", "note"].startswith("needs monthly revenue")
    assert benefits.measured_benefits_table(rows, horizon_years=3).empty


def test_a_measured_loss_is_booked_as_a_cost():
    rows = pd.DataFrame(
        [
            {"benefit": "cheaper acquisition", "kpi": "cost_per_acquisition", "linked_kpis": "cost_per_acquisition",
             "low": -500.0, "central": -200.0, "high": 100.0, "verdict": "no detectable change"},
            {"benefit": "service efficiency", "kpi": "resolution_hours", "linked_kpis": "resolution_hours",
             "low": 50.0, "central": 80.0, "high": 110.0, "verdict": "improved"},
        ]
    )  # fmt: skip
    gains = benefits.measured_benefits_table(rows, horizon_years=2)
    losses = benefits.measured_losses_table(rows, horizon_years=2)
    assert gains[["year", "category", "amount"]].values.tolist() == [
        [1, "service efficiency", 80.0],
        [2, "service efficiency", 80.0],
    ]
    assert losses[["year", "category", "amount", "phase"]].values.tolist() == [
        [1, "loss: cheaper acquisition", 200.0, "operation"],
        [2, "loss: cheaper acquisition", 200.0, "operation"],
    ]
    ranges = benefits.benefit_ranges(rows)
    assert ranges.to_dict("records") == [
        {
            "category": "service efficiency",
            "low": 50.0,
            "central": 80.0,
            "high": 110.0,
            "distribution": "normal",
        }
    ]


def test_claimed_against_measured_readings():
    declared = pd.DataFrame(
        {
            "year": [1, 1, 1, 1, 2],
            "category": ["margin", "service", "sales", "churn", "margin"],
            "amount": [100.0, 100.0, 100.0, 100.0, 999.0],
            "kpi": ["revenue_monthly", "first_response_hours", "sales_cycle_days", "churn_rate_annual", "revenue_monthly"],
        }
    )  # fmt: skip
    measured = pd.DataFrame(
        [
            {"benefit": "incremental gross margin", "kpi": "revenue_monthly", "linked_kpis": "revenue_monthly",
             "low": 80.0, "central": 120.0, "high": 160.0, "verdict": "improved"},
            {"benefit": "service efficiency", "kpi": "resolution_hours", "linked_kpis": "resolution_hours, first_response_hours",
             "low": 20.0, "central": 40.0, "high": 60.0, "verdict": "improved"},
            {"benefit": "sales productivity", "kpi": "sales_cycle_days", "linked_kpis": "sales_cycle_days, win_rate",
             "low": -10.0, "central": 30.0, "high": 70.0, "verdict": "no detectable change"},
            {"benefit": "retained customers' margin", "kpi": "churn_rate_annual", "linked_kpis": "churn_rate_annual",
             "low": float("nan"), "central": float("nan"), "high": float("nan"), "verdict": "skipped"},
        ]
    )  # fmt: skip
    claims = benefits.claimed_vs_measured(declared, measured).set_index("category")
    assert claims.loc["margin", "claimed_year1"] == 100.0  # year 1 only
    assert claims.loc["margin", "reading"] == "supported"  # 80 to 160 reaches 100, above 0
    assert claims.loc["margin", "measured_share"] == pytest.approx(1.2)
    assert claims.loc["service", "reading"] == "partly supported"  # 20 to 60: above 0, below 100
    assert claims.loc["sales", "reading"] == "not supported by the data"  # includes 0
    assert claims.loc["churn", "reading"] == "not measured"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = generate_demo_client(tmp_path_factory.mktemp("valuation") / "demo", scale=0.5)
    report = validate_client(folder)
    from crmkit import measure

    results = measure.measure_kpis(report.tables, report.assessment)
    control = measure.control_comparison(report.tables, report.assessment)
    series = measure.time_series(report.tables, report.assessment)
    return report.tables, report.assessment, results, control, series


def test_appraisal_of_the_demo_has_both_cases_and_the_contract_keys(demo):
    tables, assessment, results, control, series = demo
    appraisal = valuation.appraise(
        tables, assessment, results, control=control, series=series, simulations=2_000
    )
    assert appraisal.headline == "declared" and appraisal.measured is not None
    section = appraisal.to_results()
    for key in ("pv_costs", "pv_benefits", "npv", "roi", "irr", "payback_months", "discount_rate",
                "npv_p5", "npv_p50", "npv_p95", "p_npv_positive"):  # fmt: skip
        assert key in section, key
    assert section["npv"] == pytest.approx(section["pv_benefits"] - section["pv_costs"])
    assert "measured" in section and section["measured"]["npv"] > 0
    json.dumps(section, allow_nan=False)
    figures = valuation_words.figures_table(appraisal, currency="CNY")
    assert list(figures.columns) == ["Figure", "Declared benefits, risk-adjusted",
                                     "Declared benefits, unadjusted", "Measured benefits"]  # fmt: skip
    assert not valuation_words.benefits_table(appraisal.measured_benefits, currency="CNY").empty


def test_without_declared_benefits_the_measured_case_is_the_headline(demo):
    tables, assessment, results, control, series = demo
    without = {k: v for k, v in tables.items() if k != "benefits"}
    appraisal = valuation.appraise(
        without, assessment, results, control=control, series=series, simulations=500
    )
    assert appraisal.headline == "measured" and appraisal.declared is None
    assert appraisal.to_results()["basis"] == "measured" and appraisal.claims.empty


def test_appraisal_needs_costs(demo):
    tables, assessment, results, _, _ = demo
    with pytest.raises(ValueError, match="needs the costs table"):
        valuation.appraise({k: v for k, v in tables.items() if k != "costs"}, assessment, results)


def test_revenue_effect_prefers_the_control_group(demo):
    _, _, _, control, series = demo
    effect, source = valuation.revenue_effect(control, series)
    assert effect == control.relative_effect and source.startswith("difference-in-differences")
    effect, source = valuation.revenue_effect(None, series)
    assert effect[0] == series.row["change_pct"].iloc[0] and source.startswith("interrupted")
    assert valuation.revenue_effect(None, None) == (None, "")


def test_flexibility_is_reported_beside_the_npv_never_in_it(demo):
    tables, assessment, results, control, series = demo
    base = valuation.appraise(
        tables, assessment, results, control=control, series=series, simulations=200
    )
    finance_params = dataclasses.replace(assessment.finance, flexibility=1_000_000.0)
    flexible = dataclasses.replace(assessment, finance=finance_params)
    with_options = valuation.appraise(
        tables, flexible, results, control=control, series=series, simulations=200
    )
    assert with_options.summary.npv == base.summary.npv
    assert with_options.to_results()["flexibility"] == 1_000_000.0
    figures = valuation_words.figures_table(with_options, currency="CNY").set_index("Figure")
    row = figures.loc["Flexibility: future options (beside NPV, not in it)"]
    assert row["Declared benefits, risk-adjusted"] == "CNY 1,000,000"


def test_breakdown_table_reads_as_a_reader_expects():
    breakdown = pd.DataFrame(
        {"economic_use": ["licences", "internal_staff"], "amount": [1500.0, 500.0],
         "share": [0.75, 0.25], "present_value": [1400.0, 450.0], "pv_share": [0.7568, 0.2432]}
    )  # fmt: skip
    table = valuation_words.breakdown_table(breakdown, "economic_use", currency="CNY")
    assert table.columns[0] == "Economic use" and table.iloc[1, 0] == "internal staff"
    assert table.loc[0, "Cost over the horizon (CNY)"] == "1,500"
    assert table.loc[0, "Share of cost"] == "75.0 %"


def test_summary_view_puts_the_currency_in_every_money_header():
    costs = pd.DataFrame(
        {"year": [0, 1], "category": ["licences", "licences"], "amount": [100.0, 50.0]}
    )
    declared = pd.DataFrame({"year": [1], "category": ["margin"], "amount": [200.0]})
    settings = _assessment().finance
    view = valuation_words.summary_view(
        costs, declared, settings, risk_adjusted=False, currency="CNY"
    )
    assert view.frame.columns[0] == "Line" and view.units["Initial"] == "CNY"
    net = view.frame.set_index("Line").loc["Net benefits"]
    assert net["Initial"] == -100.0 and net["Year 1"] == 150.0  # 200 − 50, by hand
    breakdown = pd.DataFrame({"phase": ["implementation"], "present_value": [100.0]})
    assert valuation.cost_series(breakdown, "phase").to_dict() == {"implementation": 100.0}


def test_every_guard_that_withholds_a_claim_has_the_reason_in_words():
    from crmkit.data.guards import Guard
    from crmkit.words.valuation import guard_reason_words

    for guard in Guard:
        if guard.withholds_claim:
            assert guard_reason_words(guard).strip(), guard
    assert "fake go-live dates" in guard_reason_words(Guard.INSIDE_PLACEBOS)
