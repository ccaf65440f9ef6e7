"""Placebo go-lives of the revenue time series and of the control-group comparison.

Monthly revenue is written out one order a month (so the monthly series is the list of
amounts), the control-group clients one order per sales rep and month; the hand calculation
checks one fake date of a series that is exactly linear on either side of a level step.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from crmkit.data.config import Assessment, Control, Stats, Window
from crmkit.data.guards import Guard
from crmkit.measure.control import control_comparison, did_point_estimate
from crmkit.measure.placebo_kpis import KpiPlaceboStatus, moved_assessment, placebo_block
from crmkit.measure.results_json import impact_summary
from crmkit.measure.time_series import relative_effect, time_series
from crmkit.stats.impact import difference_in_differences
from crmkit.words import headlines
from crmkit.words.language import speaking
from crmkit.words.narrative import placebo as placebo_words
from crmkit.words.narrative import summary


def series_client(
    values, *, start: str, go_live: str, months: int = 12, alpha: float = 0.05
) -> tuple[dict[str, pd.DataFrame], Assessment]:
    """One order a month from ``start`` with the given amounts; windows of ``months`` months
    before and from the go-live month."""
    periods = pd.period_range(start, periods=len(values), freq="M")
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(len(values))],
            "customer_id": "C1",
            "order_date": periods.to_timestamp() + pd.Timedelta(days=14),
            "amount": np.asarray(values, dtype=float),
        }
    )
    go = pd.Period(go_live, "M")
    day = pd.Timedelta(days=1)
    assessment = Assessment(
        "Series",
        go.to_timestamp().date(),
        Window((go - months).to_timestamp().date(), (go.to_timestamp() - day).date()),
        Window(go.to_timestamp().date(), ((go + months).to_timestamp() - day).date()),
        stats=Stats(alpha=alpha),
    )
    return {"orders": orders}, assessment


def rep_client(
    seed: int, *, effect: float = 0.0, drift: float = 0.0
) -> tuple[dict[str, pd.DataFrame], Assessment]:
    """30 sales reps, one order each a month 2019-01 … 2024-12; West's 10 reps are the control
    group, go-live 2024-01. The CRM reps' revenue is multiplied by 1 + ``effect`` from go-live
    and grows by ``drift`` a month (log scale) over the whole history (no go-live needed)."""
    rng = np.random.default_rng(seed)
    months = pd.period_range("2019-01", "2024-12", freq="M")
    go = pd.Period("2024-01", "M")
    rows = []
    for rep in range(30):
        region = ("North", "South", "West")[rep % 3]
        crm = region != "West"
        level = rng.uniform(500, 1500)
        for k, month in enumerate(months):
            log_gain = rng.normal(0, 0.05)
            if crm:
                log_gain += drift * k + (math.log1p(effect) if month >= go else 0.0)
            rows.append(
                (f"O{rep}-{k}", f"C{rep}", month.to_timestamp() + pd.Timedelta(days=10),
                 level * math.exp(log_gain), f"R{rep:02d}", region)
            )  # fmt: skip
    orders = pd.DataFrame(
        rows, columns=["order_id", "customer_id", "order_date", "amount", "rep_id", "region"]
    )
    assessment = Assessment(
        "Reps", dt.date(2024, 1, 1), Window(dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)), control=Control("region", ("West",)),
    )  # fmt: skip
    return {"orders": orders}, assessment


def _shift(assessment: Assessment, go_live: str) -> int:
    return (pd.Period(go_live, "M") - pd.Period(assessment.go_live_date, "M")).n


# --- hand calculation ---------------------------------------------------------------------------


def _stepped_line():
    # Months 0 … 16 from 2023-01: 100 + 10 t, plus 20 from month 6 (2023-07, a step no CRM
    # made) and 50 from month 14 (2024-03, the real go-live). Windows of 3 months; at
    # alpha = 0.10 the check needs 9 fake dates: 2023-04 … 2023-12 are the dates whose
    # three months before start in the data and whose three months from it end before March.
    t = np.arange(17)
    values = 100 + 10 * t + 20 * (t >= 6) + 50 * (t >= 14)
    return series_client(values, start="2023-01", go_live="2024-03", months=3, alpha=0.10)


# An exact line has no residuals: the model's diagnostics take square roots of zero variances.
@pytest.mark.filterwarnings("ignore:invalid value encountered in sqrt:RuntimeWarning")
def test_placebo_effects_of_a_stepped_line_by_hand():
    tables, assessment = _stepped_line()
    analysis = time_series(tables, assessment)
    check = analysis.placebo
    assert check.status is KpiPlaceboStatus.OK
    effects = dict(
        zip(
            check.result.placebos["go_live"].astype(str),
            check.result.placebos["effect"],
            strict=True,
        )
    )
    assert list(effects) == [f"2023-{m:02d}" for m in range(4, 13)]
    # Fake go-live 2023-07: before 130, 140, 150 (a line), after 180, 190, 200; the line
    # projects 160, 170, 180, so the change is 20 a month against a mean projection of 170.
    assert effects["2023-07"] == pytest.approx(20 / 170, abs=1e-9)
    # Fake go-live 2023-11: months 2023-08 … 2024-01 all lie on 120 + 10 t: no change.
    assert effects["2023-11"] == pytest.approx(0.0, abs=1e-9)
    # The real go-live: 230, 240, 250 project 260, 270, 280; revenue is 310, 320, 330.
    assert analysis.row["change_pct"].iloc[0] == pytest.approx(50 / 270, abs=1e-9)
    assert check.result.real_effect == pytest.approx(50 / 270, abs=1e-9)
    # p = (1 + fake dates at least as large) / (n + 1), by the effects above
    larger = sum(abs(e) >= 50 / 270 for e in effects.values())
    assert check.result.p_value == pytest.approx((1 + larger) / 10)


def test_a_fake_dates_effect_is_the_time_series_run_at_that_date():
    # Independent path: the whole time series computed again on the moved assessment.
    rng = np.random.default_rng(5)
    t = np.arange(72)
    values = 1000 + 3 * t + rng.normal(0, 20, 72)
    tables, assessment = series_client(values, start="2019-01", go_live="2024-01")
    check = time_series(tables, assessment).placebo
    for go_live, effect in check.result.placebos.iloc[[0, 17, -1]].itertuples(index=False):
        moved = moved_assessment(assessment, _shift(assessment, str(go_live)))
        direct = time_series(tables, moved, placebos=False)
        assert effect == pytest.approx(relative_effect(direct), rel=1e-9)
        pct = direct.row["change_pct"].iloc[0]
        if pd.notna(pct):  # where no guard withholds the percentage, it is that ratio
            assert effect == pytest.approx(pct, rel=1e-9)


def test_did_point_estimate_of_a_two_by_two_by_hand():
    # Units a, b with the CRM, c and d without; one month before and one from go-live.
    panel = pd.DataFrame(
        {
            "unit": list("aabbccdd"),
            "month": pd.to_datetime(["2024-12-01", "2025-01-01"] * 4),
            "treated": [True] * 4 + [False] * 4,
            "value": [10.0, 15.0, 12.0, 16.0, 9.0, 10.0, 11.0, 13.0],
        }
    )
    # ((15 − 10) + (16 − 12)) / 2 − ((10 − 9) + (13 − 11)) / 2 = 4.5 − 1.5
    assert did_point_estimate(panel, "2025-01-01") == pytest.approx((3.0, 15.5))
    full = difference_in_differences(
        panel, outcome="value", unit="unit", time="month", treated="treated",
        go_live="2025-01-01",
    )  # fmt: skip
    assert full.estimate == pytest.approx(3.0)


# --- the time series ----------------------------------------------------------------------------


def test_a_true_level_shift_lies_outside_its_placebos_and_is_claimed():
    rng = np.random.default_rng(1)
    t = np.arange(72)
    values = 1000 + rng.normal(0, 15, 72) + 300 * (t >= 60)
    tables, assessment = series_client(values, start="2019-01", go_live="2024-01")
    analysis = time_series(tables, assessment)
    check = analysis.placebo
    assert check.status is KpiPlaceboStatus.OK and check.result.n == 37  # 2020-01 … 2023-01
    assert check.outside and analysis.guard is None
    assert check.result.p_value == pytest.approx(1 / 38)
    assert analysis.row["change_pct"].iloc[0] == pytest.approx(0.3, abs=0.03)
    assert "lies outside" in placebo_words.checked_series_finding(analysis)
    block = impact_summary(analysis, None)["time_series"]
    assert block["placebo"]["outside"] is True
    sentence = summary.summary_series(block, label="Revenue")
    assert sentence.endswith("more than chance explains.")


def test_a_slowing_growth_curve_is_claimed_by_the_model_but_withheld_by_its_placebos():
    # No go-live effect: revenue approaches a ceiling, 2000 − 1500 exp(−t / 30). A straight
    # line fitted to the 12 months before any date overshoots the 12 after it, so the model
    # finds a fall at go-live (its interval excludes zero), as it does at every fake date.
    rng = np.random.default_rng(3)
    t = np.arange(72)
    values = 2000 - 1500 * np.exp(-t / 30) + rng.normal(0, 4, 72)
    tables, assessment = series_client(values, start="2019-01", go_live="2024-01")
    analysis = time_series(tables, assessment)
    row = analysis.row.iloc[0]
    assert row["ci_high"] < 0  # the model alone would claim a fall
    assert analysis.placebo.withholds
    assert analysis.guard == Guard.INSIDE_PLACEBOS
    assert pd.notna(row["change_pct"])  # the number stays; the claim goes
    assert "not claimed" in placebo_words.checked_series_title(analysis)
    finding = placebo_words.checked_series_finding(analysis)
    assert "is not credited to the CRM" in finding and "more than" not in finding
    results = {"impact": impact_summary(analysis, None)}
    assert results["impact"]["time_series"]["guard"] == "inside_placebos"
    sentence = headlines.impact_sentences(results)[0]
    assert "which is not claimed" in sentence and "fake go-live dates" in sentence
    figure = headlines.impact_figures(results)[0]
    assert figure["value"] == "not claimed"


def test_a_short_history_keeps_the_claim_and_says_the_history_is_too_short():
    rng = np.random.default_rng(1)
    t = np.arange(24)
    values = 1000 + rng.normal(0, 15, 24) + 300 * (t >= 12)
    tables, assessment = series_client(values, start="2023-01", go_live="2024-01")
    analysis = time_series(tables, assessment)
    check = analysis.placebo
    assert check.status is KpiPlaceboStatus.HISTORY_TOO_SHORT and check.result is None
    assert (check.history_months, check.needed_months) == (12, 19 + 12 + 12 - 1)
    assert analysis.guard is None  # the claim stands, unchecked
    finding = placebo_words.checked_series_finding(analysis)
    assert "too little history to check its change against fake go-live dates" in finding
    assert "needs 42 months of data before go-live; there are 12" in finding
    assert placebo_words.impact_placebo_title(analysis).endswith(
        "too little history for placebo dates"
    )
    block = impact_summary(analysis, None)["time_series"]
    assert block["placebo"]["status"] == "history_too_short" and block["placebo"]["n"] == 0
    sentence = summary.summary_series(block, label="Revenue")
    assert "more than chance explains." in sentence
    assert "too little history to check its change" in sentence


def test_results_json_placebo_blocks_have_every_kpis_shape():
    tables, assessment = rep_client(3, effect=0.3)
    series, control = time_series(tables, assessment), control_comparison(tables, assessment)
    out = json.loads(json.dumps(impact_summary(series, control)))  # plain JSON
    keys = set(placebo_block(status="ok", n=0, p_value=0.5, outside=False))
    for design in ("time_series", "difference_in_differences"):
        block = out[design]["placebo"]
        assert set(block) == keys | {"history_months", "needed_months"}
        assert block["status"] == "ok" and block["reason"] is None
        assert len(block["effects_pct"]) == len(block["go_lives"]) == block["n"] == 37
        assert block["go_lives"][0] == "2020-01" and block["go_lives"][-1] == "2023-01"
        assert block["history_months"] == 60 and block["needed_months"] == 42
        assert 0 < block["p_value"] <= 1


# --- the control group --------------------------------------------------------------------------


def test_a_true_effect_against_the_control_group_lies_outside_its_placebos():
    tables, assessment = rep_client(3, effect=0.3)
    analysis = control_comparison(tables, assessment)
    assert analysis.unit_column == "rep_id"
    effect, low, high = analysis.relative_effect
    assert low > 0 and effect == pytest.approx(0.3, abs=0.03)
    check = analysis.placebo
    assert check.status is KpiPlaceboStatus.OK and check.result.n == 37
    assert check.outside and analysis.guard is None
    assert "lies outside" in placebo_words.checked_control_finding(analysis)
    block = impact_summary(None, analysis)["difference_in_differences"]
    assert summary.summary_control(block, label="Revenue").endswith("more than chance explains.")


def test_a_drift_of_the_crm_units_is_withheld_by_its_placebos():
    # No go-live effect: the CRM reps' revenue grows 1 % a month faster than the control
    # group's over the whole history, so any go-live date shows a "difference".
    tables, assessment = rep_client(3, drift=0.01)
    analysis = control_comparison(tables, assessment)
    _, low, _ = analysis.relative_effect
    assert low > 0  # the comparison alone would claim a rise
    assert analysis.placebo.withholds and analysis.guard == Guard.INSIDE_PLACEBOS
    assert "not claimed" in placebo_words.checked_control_title(analysis)
    results = {"impact": impact_summary(None, analysis)}
    assert results["impact"]["difference_in_differences"]["guard"] == "inside_placebos"
    assert "which is not claimed" in headlines.impact_sentences(results)[0]
    assert headlines.impact_figures(results)[0]["value"] == "not claimed"


def test_a_control_placebo_is_the_full_comparison_run_at_that_date():
    tables, assessment = rep_client(4, effect=0.1)
    check = control_comparison(tables, assessment).placebo
    for go_live, effect in check.result.placebos.iloc[[0, -1]].itertuples(index=False):
        moved = moved_assessment(assessment, _shift(assessment, str(go_live)))
        direct = control_comparison(tables, moved, placebos=False)
        assert effect == pytest.approx(direct.relative_effect[0], rel=1e-9, abs=1e-12)


def test_placebo_words_of_the_impact_designs_in_chinese():
    tables, assessment = rep_client(3, drift=0.01)
    analysis = control_comparison(tables, assessment)
    with speaking("zh"):
        title = str(placebo_words.checked_control_title(analysis))
        finding = str(placebo_words.checked_control_finding(analysis))
        chart = str(placebo_words.impact_placebo_title(analysis))
    assert "不予认定" in title and "37" in chart and "CRM" in finding


# --- the KPI gate's shared work -----------------------------------------------------------------


@pytest.mark.parametrize("name", ["repeat_purchase_rate", "purchase_interval_days"])
def test_a_shared_domain_comparison_is_the_kpis_own_measure(name):
    # The placebo check measures the loyalty KPIs in one domain call per fake date; it must be
    # the call measure_kpis makes for each KPI.
    from test_placebo_kpis import long_client

    from crmkit.measure.domain_kpis import DOMAIN_MEASURES
    from crmkit.measure.placebo_kpis import SharedWork

    tables, assessment = long_client(2, customers=300)
    moved = moved_assessment(assessment, -20)
    stats = assessment.stats
    own = DOMAIN_MEASURES[name](tables, moved, alpha=stats.alpha, seed=stats.seed)
    shared = SharedWork().comparison(name, tables, moved, -20, alpha=stats.alpha, seed=stats.seed)
    pd.testing.assert_frame_equal(shared, own, check_exact=True)
