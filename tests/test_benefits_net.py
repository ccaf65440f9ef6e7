"""Measured benefits net of the control group, guarded claims, and the null client's NPV.

References: hand arithmetic written out in each test; generated clients with no effect
(tests/null_clients.py) whose true benefit is zero, so the measured case must be
indistinguishable from the cost-only case.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from null_clients import assessment, constant_rate_client

from crmkit import measure
from crmkit.data.config import parse_params
from crmkit.domains import benefits, finance, valuation
from crmkit.words import valuation as valuation_words


def _assessment():
    return parse_params(
        {
            "client": "Acme",
            "go_live_date": "2025-01-01",
            "control": {"column": "region", "values": ["West"]},
            "finance": {"gross_margin": 0.30},
        }
    )


def _row(name, unit, before, after, low, high, **extra):
    return {"kpi": name, "label": name, "unit": unit, "status": "measured", "before": before,
            "after": after, "change": after - before, "ci_low": low, "ci_high": high,
            "p_adjusted": 0.001, "verdict": "improved", **extra}  # fmt: skip


def _tables():
    # 4 customers buying in 2025 in the CRM regions, 1 in the control region (left out)
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(5)],
            "customer_id": ["A", "B", "C", "D", "W"],
            "order_date": pd.to_datetime(["2025-03-01"] * 5),
            "amount": [100.0] * 5,
            "region": ["North", "North", "South", "South", "West"],
        }
    )
    return {"orders": orders}


def _results(churn):
    rows = [
        churn,
        _row("purchase_frequency", "orders per customer-year", 4.0, 4.0, -0.1, 0.1),
        _row("average_order_value", "currency", 250.0, 250.0, -5.0, 5.0),
    ]
    return pd.DataFrame(rows).set_index("kpi", drop=False).rename_axis(None)


def _retention(churn):
    rows = benefits.measured_benefits(_tables(), _assessment(), _results(churn))
    rows = valuation_words.describe_benefits(rows)
    return rows.set_index("benefit").loc["retained customers' margin"]


def test_a_churn_fall_the_control_group_shares_is_not_credited() -> None:
    # churn 0.40 → 0.26 in the CRM units, 0.43 → 0.29 in the control group: the same fall
    shared = _row(
        "churn_rate_annual", "share", 0.40, 0.26, -0.17, -0.11,
        control_before=0.43, control_after=0.29, control_change=-0.14,
        did_change=0.0, did_ci_low=-0.045, did_ci_high=0.045,
    )  # fmt: skip
    row = _retention(shared)
    # net of the control: 4 customers × (4 × 250) revenue a customer-year × 0.30 margin ×
    # (−0.0, −0.045 … +0.045): 0 central, ±54 — nothing like the plain change's 168
    assert row["central"] == pytest.approx(0.0, abs=1e-9)
    assert (row["low"], row["high"]) == pytest.approx((-0.045 * 1200, 0.045 * 1200))
    assert "net of the control group" in row["evidence"]
    # with the guard the measure step sets for such a change: no benefit at all
    row = _retention({**shared, "guard": "shared_with_control"})
    assert math.isnan(row["central"]) and "net of the control group" in row["note"]
    frame = benefits.measured_benefits(
        _tables(), _assessment(), _results({**shared, "guard": "shared_with_control"})
    )
    assert benefits.measured_benefits_table(frame, horizon_years=3).empty


def test_a_churn_fall_beyond_the_control_group_is_credited_net() -> None:
    # CRM units 0.40 → 0.26; control 0.43 → 0.39: net −0.10 (95 % CI −0.16 to −0.04)
    better = _row(
        "churn_rate_annual", "share", 0.40, 0.26, -0.17, -0.11,
        control_before=0.43, control_after=0.39, control_change=-0.04,
        did_change=-0.10, did_ci_low=-0.16, did_ci_high=-0.04,
    )  # fmt: skip
    row = _retention(better)
    # 4 customers × 1,000 revenue a customer-year × 0.30 = 1,200 per point of churn (×100)
    assert row["central"] == pytest.approx(0.10 * 1200)
    assert (row["low"], row["high"]) == pytest.approx((0.04 * 1200, 0.16 * 1200))
    assert "net of the control group's" in row["formula"]


def test_a_missing_net_interval_or_a_claim_guard_credits_nothing() -> None:
    no_interval = _row(
        "churn_rate_annual", "share", 0.40, 0.26, -0.17, -0.11,
        did_change=-0.10, did_ci_low=np.nan, did_ci_high=np.nan,
    )  # fmt: skip
    assert benefits.credited_change(no_interval)[0] is None
    for code in ("not_comparable", "confounded_ageing", "counterfactual_implausible"):
        change, why = benefits.credited_change({**no_interval, "guard": code})
        assert change is None and valuation_words.benefit_note(why).startswith(
            "not credited to the CRM"
        )
    # a percentage guard withholds only the percentage: the plain change is credited
    plain = _row("churn_rate_annual", "share", 0.40, 0.26, -0.17, -0.11, guard="base_near_zero")
    assert benefits.credited_change(plain) == ((pytest.approx(-0.14), -0.17, -0.11), "before/after")


def test_revenue_effect_falls_back_to_the_time_series_when_the_did_has_no_interval() -> None:
    # the no-churn client of the report: 3 regions, the DiD on regions has no interval; the
    # time series runs on the ratio to the control region and is used instead
    tables = constant_rate_client(1, rate_effect=1.12)
    a = assessment(control=True)
    control = measure.control_comparison(tables, a, "revenue_monthly")
    series = measure.time_series(tables, a, "revenue_monthly")
    assert not math.isfinite(control.relative_effect[2])
    effect, source = valuation.revenue_effect(control, series)
    assert effect is not None and all(math.isfinite(v) for v in effect)
    assert source == "interrupted time series on the ratio to the control group"
    assert effect[1] < 0.12 < effect[2]  # the injected +12 % lies inside the interval
    # with neither usable, the benefit says why instead of asking for data that exist
    effect, why = valuation.revenue_effect(control, None)
    assert effect is None and "no interval" in why
    results = measure.measure_kpis(tables, a)
    rows = benefits.measured_benefits(tables, a, results, revenue_effect=None, revenue_source=why)
    rows = valuation_words.describe_benefits(rows)
    row = rows.set_index("benefit").loc["incremental gross margin"]
    assert row["verdict"] == "skipped" and "no interval" in row["note"]


COSTS = pd.DataFrame(
    {
        "year": [0, 1, 2, 3],
        "category": ["licences", "operation", "operation", "operation"],
        "amount": [200_000.0, 60_000.0, 60_000.0, 60_000.0],
    }
)


@pytest.mark.parametrize("control", [True, False])
def test_null_clients_measured_npv_interval_includes_the_cost_only_case(control: bool) -> None:
    # no effect anywhere, nobody stops buying: the measured benefits' NPV (95 % simulation
    # interval) must include the NPV of the costs alone. Each seed's interval misses it with
    # about 5 % probability; 2 or more misses in 5 seeds would happen 2 % of the time. (Before
    # the churn and benefit fixes every such client showed an NPV well above the cost-only case.)
    a = assessment(control=control)
    cost_only = finance.investment_summary(COSTS, None, discount_rate=0.10, horizon_years=3).npv
    misses = 0
    for seed in range(100, 105):
        tables = {**constant_rate_client(seed, customers=800, control=control), "costs": COSTS}
        results = measure.measure_kpis(tables, a)
        appraisal = valuation.appraise(
            tables,
            a,
            results,
            control=measure.control_comparison(tables, a, "revenue_monthly"),
            series=measure.time_series(tables, a, "revenue_monthly"),
            simulations=2_000,
        )
        sim = appraisal.measured_simulation
        if sim is None:  # nothing measured as a gain: the measured case is the costs alone
            assert appraisal.measured.npv <= cost_only + 1e-6
            continue
        low, high = np.quantile(sim.npv, [0.025, 0.975])
        misses += not low <= cost_only <= high
    assert misses <= 1
