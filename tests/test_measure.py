"""Every KPI measured before and after go-live on the demo client, against the known truth.

The demo client (:mod:`crmkit.demo.synth`) injects effects on some KPIs of the CRM regions and
none on others, and writes what it injected to ``truth.json``. These tests check that the
whole chain — catalog, tests, correction, verdicts — recovers the injected effects inside
their intervals and stays quiet where nothing was injected. Reference values of the tests
themselves are checked in ``test_impact.py``; the KPI formulas in ``test_kpis.py``.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest

from crmkit import kpis, measure
from crmkit.data.validation import validate_client
from crmkit.demo.synth import generate_demo_client
from crmkit.stats import impact
from crmkit.words import kpi_tables


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The default-size demo client (about 200,000 orders): tables, params, truth, results."""
    folder = generate_demo_client(tmp_path_factory.mktemp("measure") / "demo")
    report = validate_client(folder)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    results = measure.measure_kpis(report.tables, report.assessment)
    return report.tables, report.assessment, truth, results


def _truth_kpis(truth, results):
    return {name: t for name, t in truth["kpis"].items() if name in results.index}


def test_one_row_per_catalog_kpi_in_catalog_order(demo):
    _, _, _, results = demo
    assert list(results.index) == [k.name for k in kpis.CATALOG]
    assert set(impact.CHANGE_COLUMNS) <= set(results.columns)
    assert {"p_adjusted", "significant", "verdict"} <= set(results.columns)
    assert set(results["verdict"]) <= set(impact.VERDICTS)


def test_the_truth_covers_enough_kpis(demo):
    _, _, truth, results = demo
    covered = _truth_kpis(truth, results)
    assert len([t for t in covered.values() if t["injected"]]) >= 10
    assert len([t for t in covered.values() if not t["injected"]]) >= 4


def test_injected_effects_are_inside_their_intervals(demo):
    """Simultaneous intervals (Bonferroni, 95 % for the family) cover every injected effect.

    With a dozen 95 % intervals, one of them would miss its truth about every other seed;
    at level 1 − 0.05 / k the family covers all k truths with probability ≥ 95 %.
    """
    tables, assessment, truth, results = demo
    injected = {n: t for n, t in _truth_kpis(truth, results).items() if t["injected"]}
    family = dataclasses.replace(
        assessment, stats=dataclasses.replace(assessment.stats, alpha=0.05 / len(injected))
    )
    wide = measure.measure_kpis(tables, family, kpis_wanted=list(injected))
    for name, t in injected.items():
        row = wide.loc[name]
        # sales cycles are whole days (the demo rounds them): a median moves in steps of a day
        resolution = 1.0 if row["unit"] == "days" else 0.0
        low, high = row["ci_low"] - resolution, row["ci_high"] + resolution
        assert low <= t["effect"] <= high, (name, t["effect"], row["ci_low"], row["ci_high"])
        narrow = results.loc[name]  # the report's own 95 % interval is inside the wide one
        assert row["ci_low"] <= narrow["ci_low"] and narrow["ci_high"] <= row["ci_high"], name


def test_injected_effects_are_detected_with_the_right_sign(demo):
    _, _, truth, results = demo
    for name, t in _truth_kpis(truth, results).items():
        if not t["injected"]:
            continue
        row = results.loc[name]
        better = (t["effect"] > 0) == (row["direction"] == "higher")
        assert np.sign(row["change"]) == np.sign(t["effect"]), name
        if row["mde"] <= abs(t["effect"]):  # the data has the power to see it
            assert row["verdict"] == ("improved" if better else "worsened"), (
                name,
                row["p_adjusted"],
            )
        else:  # too few observations (the staff survey): the report says how much it could see
            assert row["verdict"] == "no detectable change", name


def test_kpis_without_an_injected_effect_are_not_reported_as_changed(demo):
    _, _, truth, results = demo
    for name, t in _truth_kpis(truth, results).items():
        if not t["injected"]:
            assert results.loc[name, "verdict"] == "no detectable change", name


def test_truth_values_before_and_after_are_close_to_the_measured_ones(demo):
    _, _, truth, results = demo
    for name, t in _truth_kpis(truth, results).items():
        row = results.loc[name]
        # the truth is a population value: the sample estimate is within a few of its
        # standard errors, here bounded by the minimum detectable effect (2.8 SE)
        assert abs(row["before"] - t["before"]) <= row["mde"], (name, row["before"], t["before"])


def test_usage_only_after_go_live_is_insufficient_data_not_an_error(demo):
    _, _, _, results = demo
    row = results.loc["active_user_rate"]
    assert row["verdict"] == "insufficient data" and row["status"] == "measured"
    assert "insufficient data" in row["note"]


def test_time_series_against_the_control_group_recovers_the_causal_effect(demo):
    tables, assessment, truth, _ = demo
    analysis = measure.time_series(tables, assessment, "revenue_monthly")
    assert analysis.comparative
    row = analysis.row.iloc[0]
    causal = truth["kpis"]["revenue_monthly"]["causal_relative_effect"]  # 0.167
    assert row["change_pct_ci_low"] <= causal <= row["change_pct_ci_high"]
    assert row["change_pct_ci_low"] > 0  # detected
    frame = kpi_tables.series_chart_frame(analysis)
    assert list(frame.columns) == ["Actual", "Expected without go-live"]
    assert len(frame) == 24 and frame.notna().all().all()


def test_time_series_without_a_control_group_uses_its_own_trend(demo):
    tables, assessment, _, _ = demo
    alone = dataclasses.replace(assessment, control=None)
    analysis = measure.time_series(tables, alone, "revenue_monthly")
    assert not analysis.comparative
    assert analysis.its.n_pre == 12 and analysis.its.n_post == 12
    from crmkit.words import narrative

    text = narrative.series_finding(analysis, currency="CNY")
    assert "a season cannot be told apart from a trend" in text
    assert "per month a month" not in text and "season before it" not in text


def test_difference_in_differences_by_rep_recovers_the_causal_effect(demo):
    tables, assessment, truth, _ = demo
    analysis = measure.control_comparison(tables, assessment, "revenue_monthly")
    assert analysis.unit_column == "rep_id"
    assert analysis.did.n_clusters == len(analysis.treated_units) + len(analysis.control_units)
    effect, low, high = analysis.relative_effect
    causal = truth["kpis"]["revenue_monthly"]["causal_relative_effect"]
    assert low <= causal <= high and low > 0
    assert analysis.did.pre_trend_p > 0.05  # the demo's groups move in parallel before go-live


def test_no_control_group_no_difference_in_differences(demo):
    tables, assessment, _, _ = demo
    assert measure.control_comparison(tables, dataclasses.replace(assessment, control=None)) is None


def test_units_without_the_crm_show_no_change_where_there_is_no_trend(demo):
    """The control region got no CRM: assessed alone, its KPIs must not look improved.

    Revenue, revenue per rep and new customers grow with the customer base in every region
    (a trend, not an effect), so they are left out; every other KPI must be quiet.
    """
    tables, assessment, _, _ = demo
    west = set(tables["customers"].loc[tables["customers"]["region"] == "West", "customer_id"])
    only_west = {
        name: (frame.loc[frame["customer_id"].isin(west)] if "customer_id" in frame else frame)
        for name, frame in tables.items()
    }
    only_west["opportunities"] = tables["opportunities"].loc[
        tables["opportunities"]["region"] == "West"
    ]
    results = measure.measure_kpis(only_west, dataclasses.replace(assessment, control=None))
    trending = {
        "revenue_monthly",
        "revenue_per_rep",
        "new_customers_monthly",
        "opportunities_per_rep",
    }
    adoption = results["area"].isin(
        ["adoption", "marketing"]
    )  # staff and campaigns are not regional
    quiet = results.loc[~results.index.isin(trending) & ~adoption]
    assert (quiet["verdict"].isin(["no detectable change", "insufficient data"])).all(), quiet.loc[
        ~quiet["verdict"].isin(["no detectable change", "insufficient data"]),
        ["change", "p_adjusted"],
    ]


def test_a_skipped_kpi_says_which_table_it_needs(demo):
    tables, assessment, _, _ = demo
    without_tickets = {k: v for k, v in tables.items() if k != "tickets"}
    results = measure.measure_kpis(without_tickets, assessment)
    row = results.loc["first_response_hours"]
    assert row["status"] == "skipped" and row["note"] == "needs tickets"
    assert row["verdict"] == "not measured" and math.isnan(row["p_adjusted"])
    assert row["needs"] == "tickets.csv"
    assert results.loc["win_rate", "status"] == "measured"
    assert results.loc["win_rate", "needs"] is None


def test_results_json_section_has_the_contract_keys(demo):
    _, _, _, results = demo
    section = measure.kpis_for_results(results)
    contract = {"before", "after", "change", "change_pct", "test", "p_value", "p_adjusted",
                "ci_low", "ci_high", "effect_size", "n_before", "n_after", "verdict"}  # fmt: skip
    for name, entry in section.items():
        assert contract <= set(entry), name
        assert all(not (isinstance(v, float) and math.isnan(v)) for v in entry.values()), name
    json.dumps(section, allow_nan=False)


def test_results_table_formats_each_row_in_its_unit(demo):
    _, assessment, _, results = demo
    table = kpi_tables.results_table(
        results.loc[["win_rate", "average_order_value"]], currency="CNY"
    )
    win, aov = table.iloc[0], table.iloc[1]
    assert win["Unit"] == "%" and win["Before"] == f"{results.loc['win_rate', 'before'] * 100:.1f}"
    assert aov["Unit"] == "CNY" and "," in aov["Before"]
    assert list(table.columns)[6] == "95 % CI of the change"


def test_same_calendar_months_are_paired():
    # hand calculation: after − before per calendar month = 10, 20, 30 → mean 20
    months_before = pd.date_range("2024-01-01", periods=3, freq="MS")
    months_after = pd.date_range("2025-01-01", periods=3, freq="MS")
    before = pd.Series([100.0, 200.0, 300.0], index=months_before)
    after = pd.Series([110.0, 220.0, 330.0], index=months_after)
    kpi = kpis.get_kpi("revenue_monthly")
    row = measure.compare_observations(kpi, before, after, go_live="2025-01-01").iloc[0]
    assert row["change"] == pytest.approx(20.0)
    assert row["n_before"] == 3 and row["test"] == "paired t-test on the same calendar months"
    # t = mean(d) / (sd(d) / sqrt(3)) with d = 10, 20, 30: sd = 10, t = 20 / (10 / sqrt 3)
    assert row["statistic"] == pytest.approx(20 / (10 / math.sqrt(3)))


def test_clustered_means_are_compared_per_unit():
    # orders of two customers per window; the mean order value is Σ amounts / Σ orders
    before = pd.Series(
        [10.0, 20.0, 30.0, 40.0], index=pd.Index(["a", "a", "b", "b"], name="customer_id")
    )
    after = pd.Series(
        [20.0, 30.0, 40.0, 50.0, 60.0, 70.0], index=pd.Index(list("aabbcc"), name="customer_id")
    )
    row = measure.compare_observations(
        kpis.get_kpi("average_order_value"), before, after, go_live="2025-01-01"
    ).iloc[0]
    assert row["before"] == pytest.approx(25.0) and row["after"] == pytest.approx(45.0)
    assert row["n_before"] == 2 and row["n_after"] == 3  # customers, not orders
    assert row["test"].endswith("(cluster-robust)")
    assert row["note"] == "observations clustered by customer_id"


def test_a_run_computes_the_kpi_results_once_and_shares_them(demo, tmp_path, monkeypatch):
    from crmkit.pipeline.context import StageContext

    tables, assessment, _, results = demo
    calls = []
    real = measure.measure_kpis
    monkeypatch.setattr(measure, "measure_kpis", lambda *a, **k: calls.append(1) or real(*a, **k))

    def stage(name: str) -> StageContext:
        return StageContext(
            name, assessment, tables, {}, pd.DataFrame(), tmp_path, run_dir=tmp_path
        )

    first = stage("sales_performance").kpi_results()
    second = stage("service_and_interaction").kpi_results()
    assert len(calls) == 1  # the second stage read the run folder's copy
    pd.testing.assert_frame_equal(first, results, check_dtype=False, check_index_type=False)
    pd.testing.assert_frame_equal(second, results, check_dtype=False, check_index_type=False)
    by_hand = StageContext("x", assessment, tables, {}, pd.DataFrame(), tmp_path).kpi_results()
    assert len(calls) == 2 and list(by_hand.index) == list(results.index)  # no run folder: computed


def test_a_kpi_whose_computation_breaks_is_reported_not_raised(demo, monkeypatch):
    tables, assessment, _, _ = demo
    monkeypatch.setitem(measure.DOMAIN_MEASURES, "average_clv", lambda *a, **k: 1 / 0)
    results = measure.measure_kpis(tables, assessment, kpis_wanted=["average_clv", "win_rate"])
    row = results.loc["average_clv"]
    assert row["status"] == "failed" and row["verdict"] == "insufficient data"
    assert row["note"] == "could not be computed: ZeroDivisionError: division by zero"
    assert results.loc["win_rate", "status"] == "measured"
    table = kpi_tables.results_table(results)
    assert table.loc[0, "Verdict"].startswith("failed: could not be computed")


def test_every_kpi_the_catalog_leaves_to_a_domain_has_its_measuring_function():
    by_domain = {k.name: k.measured_by for k in kpis.CATALOG if k.measured_by is not None}
    assert set(measure.DOMAIN_MEASURES) == set(by_domain)
    # written out from the catalog's definitions: survey scores, customer behaviour, CLV
    assert by_domain == {
        "nps": "survey",
        "csat_top2_share": "survey",
        "ces": "survey",
        "churn_rate_annual": "customers",
        "repeat_purchase_rate": "customers",
        "purchase_interval_days": "customers",
        "spend_per_customer": "customers",
        "average_clv": "clv",
    }


def test_chart_data_helpers_by_hand():
    mix = pd.DataFrame({"category": ["email", "chat"], "change": [-0.007, 0.005]})
    assert kpi_tables.channel_changes(mix).to_dict() == {
        "email": pytest.approx(-0.7),
        "chat": pytest.approx(0.5),
    }
    table = pd.DataFrame(
        {
            "label": ["C1 (2024-01)", "C2 (2025-02)"],
            "response_rate": [0.021, 0.264],
            "after": [False, True],
        }
    )
    rates, from_go_live = kpi_tables.campaign_response_rates(table)
    assert rates.to_dict() == {
        "C1 (2024-01)": pytest.approx(2.1),
        "C2 (2025-02)": pytest.approx(26.4),
    }
    assert from_go_live == ["C2 (2025-02)"]
    assert kpi_tables.in_percent(pd.Series([0.25])).tolist() == [25.0]
    rows = pd.DataFrame({"status": ["measured", "skipped", "failed"]}, index=["a", "b", "c"])
    assert list(measure.measured_results(rows).index) == ["a"]
