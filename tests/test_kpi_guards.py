"""Guards on the KPI results: sane percentages, "not measured", net of the control group.

Reference values are written out by hand in each test; the simulations generate clients of
their own (three regions, West without the CRM) with known effects.
"""

from __future__ import annotations

import dataclasses
import json
import math
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmkit import kpis, measure
from crmkit.data import guards
from crmkit.data.config import parse_params
from crmkit.stats import impact
from crmkit.words import kpi_tables

# --- the percentage guard, applied once for every KPI ------------------------------------------

_SURVEYS = pd.DataFrame(
    {
        "response_id": ["R1", "R2"],
        "response_date": pd.to_datetime(["2024-03-01", "2025-03-01"]),
        "nps": [9, 10],
    }
)
_OPPORTUNITIES = pd.DataFrame(
    {
        "opportunity_id": ["P1", "P2"],
        "created_date": pd.to_datetime(["2024-03-01", "2025-03-01"]),
        "status": ["won", "won"],
        "amount": [1.0, 2.0],
    }
)
_ASSESSMENT = parse_params({"client": "Acme", "go_live_date": "2025-01-01"})


def _measured_as(monkeypatch, name: str, **row) -> pd.Series:
    """The result row of KPI ``name`` when its measurement returns exactly ``row``."""
    real = kpis.get_kpi
    fixed = dataclasses.replace(real(name), observe=None, measured_by="survey")
    monkeypatch.setattr(kpis, "get_kpi", lambda n: fixed if n == name else real(n))
    monkeypatch.setitem(measure.DOMAIN_MEASURES, name, lambda *a, **k: impact.change_row(**row))
    tables = {"surveys": _SURVEYS, "opportunities": _OPPORTUNITIES}
    return measure.measure_kpis(tables, _ASSESSMENT, kpis_wanted=[name]).loc[name]


@pytest.mark.parametrize(
    ("name", "before", "after", "guard"),
    [
        ("average_deal_size", 0.025, 13.66, "base_near_zero"),  # CDNOW's CLV: +54,540 %
        ("nps", 1.0, 26.0, "not_a_ratio_scale"),  # points on −100…100: +2,500 %
        ("average_deal_size", -0.5, 0.3, "base_near_zero"),  # a base of the other sign (refunds)
        ("average_deal_size", 0.0, 5.0, "base_near_zero"),  # a zero base
    ],
)
def test_a_percentage_without_a_sane_base_is_withheld(monkeypatch, name, before, after, guard):
    change = after - before
    row = _measured_as(
        monkeypatch,
        name,
        before=before,
        after=after,
        change=change,
        change_pct=after / before - 1 if before else None,
        ci_low=change / 2,
        ci_high=change * 1.5,
        change_pct_ci_low=1.0,
        change_pct_ci_high=900.0,
        p_value=0.001,
    )
    assert row["guard"] == guard
    assert math.isnan(row["change_pct"]) and math.isnan(row["change_pct_ci_low"])
    assert math.isnan(row["change_pct_ci_high"])
    assert row["change"] == pytest.approx(change)  # the absolute change stands
    assert row["verdict"] in ("improved", "worsened")  # and so does the verdict
    assert guards.claimable({"verdict": row["verdict"], "guard": row["guard"]})
    entry = measure.kpis_for_results(row.to_frame().T)[name]
    assert entry["change_pct"] is None and entry["guard"] == guard
    json.dumps(entry, allow_nan=False)


def test_a_normal_percentage_stands(monkeypatch):
    row = _measured_as(
        monkeypatch,
        "average_deal_size",
        before=100.0,
        after=112.0,
        change=12.0,
        change_pct=0.12,
        ci_low=4.0,
        ci_high=20.0,
        p_value=0.001,
    )
    assert row["guard"] is None and row["change_pct"] == pytest.approx(0.12)  # 112 / 100 − 1
    assert row["verdict"] == "improved"


def test_a_change_against_a_counterfactual_is_checked_against_that_base(monkeypatch):
    # actual 50, effect +60 against the expected path: the counterfactual was 50 − 60 = −10
    row = _measured_as(
        monkeypatch,
        "average_deal_size",
        before=100.0,
        after=50.0,
        change=60.0,
        change_pct=-6.0,
        p_value=0.001,
    )
    assert row["guard"] == "base_near_zero" and math.isnan(row["change_pct"])


# --- not measured -------------------------------------------------------------------------------


def _tiny_client() -> tuple[dict[str, pd.DataFrame], object]:
    """Two CRM customers (North) and two without the CRM (West), orders tied by customer."""
    customers = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", "C4"],
            "created_date": pd.to_datetime(
                ["2023-02-01", "2023-05-01", "2023-08-01", "2023-11-01"]
            ),
            "region": ["North", "North", "West", "West"],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(1, 13)],
            "customer_id": ["C1", "C1", "C2", "C1", "C2", "C2", "C3", "C4", "C4", "C3", "C4", "C2"],
            "order_date": pd.to_datetime(
                [
                    "2024-02-01",
                    "2024-05-01",
                    "2024-08-01",
                    "2025-02-01",
                    "2025-05-01",
                    "2025-08-01",
                    "2024-03-01",
                    "2024-06-01",
                    "2024-09-01",
                    "2025-03-01",
                    "2025-06-01",
                    "2023-06-01",
                ]
            ),  # fmt: skip
            "amount": [
                100.0,
                200.0,
                300.0,
                300.0,
                300.0,
                400.0,
                100.0,
                100.0,
                200.0,
                200.0,
                200.0,
                50.0,
            ],  # fmt: skip
        }
    )
    assessment = parse_params(
        {"client": "Tiny", "go_live_date": "2025-01-01",
         "control": {"column": "region", "values": ["West"]}}
    )  # fmt: skip
    return {"customers": customers, "orders": orders}, assessment


def test_absent_tables_and_columns_are_not_measured_and_say_what_they_need():
    tables, assessment = _tiny_client()
    results = measure.measure_kpis(tables, assessment)
    # by hand: the catalog's KPIs that need a table other than orders and customers, or a
    # column the orders lack (quantity, rep_id)
    absent = {
        name for name in results.index if set(kpis.get_kpi(name).tables) - {"orders", "customers"}
    } | {"units_per_order", "revenue_per_rep"}
    assert set(results.index[results["verdict"] == "not measured"]) == absent
    # 35 KPIs in the catalog, 12 of them from orders and customers alone: 23, plus the 2
    assert len(absent) == 25
    assert results.loc["nps", "needs"] == "surveys.csv"
    assert results.loc["tickets_per_customer", "needs"] == "tickets.csv"
    assert results.loc["units_per_order", "needs"] == "column quantity of orders.csv"
    assert results.loc["revenue_per_rep", "needs"] == "column rep_id of orders.csv"
    assert (results.loc[list(absent), "status"] == "skipped").all()
    assert results.loc[list(absent), "p_adjusted"].isna().all()
    # the multiple-testing family is the KPIs measured only: the same p_adjusted without them
    measured = [n for n in results.index if n not in absent]
    alone = measure.measure_kpis(tables, assessment, kpis_wanted=measured)
    pd.testing.assert_series_equal(
        results.loc[measured, "p_adjusted"], alone["p_adjusted"], check_names=False
    )
    table = kpi_tables.results_table(results.loc[["nps", "units_per_order"]])
    assert table["Verdict"].tolist() == [
        "not measured: needs surveys.csv",
        "not measured: needs column quantity of orders.csv",
    ]
    entry = measure.kpis_for_results(results)["nps"]
    assert entry["verdict"] == "not measured" and entry["needs"] == "surveys.csv"


def test_a_column_without_values_is_not_measured():
    tickets = pd.DataFrame(
        {"ticket_id": ["T1"], "opened_at": pd.to_datetime(["2024-05-01"]), "is_complaint": [None]}
    )
    kpi = kpis.get_kpi("complaints_per_1000_orders")
    assert kpis.needs(kpi, {"tickets": tickets, "orders": pd.DataFrame()}) == (
        "values in column is_complaint of tickets.csv"
    )
    assert kpis.needs(kpi, {"tickets": tickets.drop(columns="is_complaint"), "orders": None}) == (
        "column is_complaint of tickets.csv"
    )
    assert kpis.needs(kpi, {"orders": None}) == "tickets.csv"
    assert kpis.needs(kpis.get_kpi("tickets_per_customer"), []) == "tickets.csv and customers.csv"


# --- net of the control group --------------------------------------------------------------------


def test_difference_in_differences_by_hand_on_a_tiny_table():
    tables, assessment = _tiny_client()
    row = measure.measure_kpis(tables, assessment, kpis_wanted=["average_order_value"]).iloc[0]
    # CRM (North): before 100 + 200 + 300 over 3 orders = 200; after 300 + 300 + 400 → 333.33
    assert row["before"] == pytest.approx(200.0) and row["after"] == pytest.approx(1000 / 3)
    # control (West): before 100 + 100 + 200 over 3 orders = 133.33; after 200 + 200 → 200
    assert row["control_before"] == pytest.approx(400 / 3)
    assert row["control_after"] == pytest.approx(200.0)
    assert row["control_change"] == pytest.approx(200 - 400 / 3)
    # (1000/3 − 200) − (200 − 400/3) = 400/3 − 200/3 = 200/3
    assert row["did_change"] == pytest.approx(200 / 3)
    assert row["did_ci_low"] < row["did_change"] < row["did_ci_high"]
    entry = measure.kpis_for_results(pd.DataFrame([row]))["average_order_value"]
    assert set(measure.CONTROL_COLUMNS) <= set(entry) and entry["did_change"] == pytest.approx(
        200 / 3
    )


def test_net_of_control_interval_and_p_value_by_hand():
    # 95 % intervals of half-width 1.96 → SE = 1.96 / z(0.975) = 1.000018 each
    crm = pd.DataFrame(
        {"before": [10.0], "after": [13.0], "change": [3.0], "ci_low": [1.04], "ci_high": [4.96]}
    )
    control = pd.DataFrame(
        {"before": [10.0], "after": [12.0], "change": [2.0], "ci_low": [0.04], "ci_high": [3.96]}
    )
    out = measure.net_of_control(crm, control).iloc[0]
    se = math.sqrt(2) * 1.96 / 1.959964
    assert out["did_change"] == pytest.approx(1.0)
    assert out["did_ci_low"] == pytest.approx(1 - 1.959964 * se, abs=1e-5)  # −1.7718
    assert out["did_ci_high"] == pytest.approx(1 + 1.959964 * se, abs=1e-5)  # +3.7718
    # z = 1 / 1.414239 = 0.70709; 2 · (1 − Φ(0.70709)) = 0.4795 (standard normal table)
    assert out["did_p_value"] == pytest.approx(0.4795, abs=1e-4)
    assert out["control_change"] == 2.0 and out["control_before"] == 10.0


def test_a_total_is_netted_relative_to_each_group_s_size():
    # revenue of a group four times larger: both grew 10 % → no difference
    crm = pd.DataFrame(
        {"kpi": ["revenue_monthly"], "kind": ["series"], "before": [1000.0], "after": [1100.0],
         "change": [100.0], "ci_low": [80.0], "ci_high": [120.0]}
    )  # fmt: skip
    control = pd.DataFrame(
        {"before": [250.0], "after": [275.0], "change": [25.0], "ci_low": [20.0],
         "ci_high": [30.0]}
    )  # fmt: skip
    out = measure.net_of_control(crm, control).iloc[0]
    assert out["did_change"] == pytest.approx(0.0)  # 100 − 25 × 1000 / 250
    z = NormalDist().inv_cdf(0.975)
    se = math.hypot(40 / (2 * z), 10 / (2 * z) * 4)  # the control's SE scaled alike
    assert out["did_ci_high"] == pytest.approx(z * se)


def test_without_a_control_group_the_control_columns_are_empty():
    tables, assessment = _tiny_client()
    alone = dataclasses.replace(assessment, control=None)
    results = measure.measure_kpis(tables, alone, kpis_wanted=["average_order_value"])
    assert results[list(measure.CONTROL_COLUMNS)].isna().all().all()


# --- simulations: clients with a control group ---------------------------------------------------

_GO_LIVE = pd.Timestamp("2025-01-01")
_START, _END = pd.Timestamp("2023-01-01"), pd.Timestamp("2025-12-31")
_SIMULATED = parse_params(
    {"client": "Sim", "go_live_date": "2025-01-01",
     "control": {"column": "region", "values": ["West"]}}
)  # fmt: skip


def _simulated_client(
    seed: int, *, crm_effect: float = 1.0, control_effect: float = 1.0, per_region: int = 200
) -> dict[str, pd.DataFrame]:
    """Customers of North, South (CRM) and West (control) who never stop buying.

    Each customer is acquired on a uniform day of 2022–2024 and buys as a Poisson process
    with a gamma-distributed rate (mean 6 orders a year) from the later of acquisition and
    the data's start (2023-01-01) to 2025-12-31; from go-live (2025-01-01) the rate is
    multiplied by ``crm_effect`` in North and South and by ``control_effect`` in West.
    Amounts are lognormal. No churn: any change in churn is the definition's.
    """
    rng = np.random.default_rng(seed)
    regions = np.repeat(np.array(["North", "South", "West"], dtype=object), per_region)
    n = len(regions)
    created = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, n), unit="D")
    rate = rng.gamma(2.0, 3.0, n) / 365.0
    effect = np.where(regions == "West", control_effect, crm_effect)
    first = np.maximum((created - _START).days.to_numpy(), 0)
    live, end = (_GO_LIVE - _START).days, (_END - _START).days + 1
    who, day = [], []
    for i in range(n):
        for low, high, r in ((first[i], live, rate[i]), (max(first[i], live), end, rate[i] * effect[i])):  # fmt: skip
            if high > low:
                k = rng.poisson(r * (high - low))
                day.append(rng.integers(low, high, k))
                who.append(np.full(k, i))
    who, day = np.concatenate(who), np.concatenate(day)
    ids = np.array([f"C{i:04d}" for i in range(n)], dtype=object)
    orders = pd.DataFrame(
        {
            "order_id": [f"O{j:06d}" for j in range(len(who))],
            "customer_id": ids[who],
            "order_date": _START + pd.to_timedelta(day, unit="D"),
            "amount": np.round(rng.lognormal(4.0, 0.5, len(who)), 2),
            "region": regions[who],
        }
    )
    customers = pd.DataFrame({"customer_id": ids, "created_date": created, "region": regions})
    return {"customers": customers, "orders": orders}


def test_no_effect_with_a_control_group_leaves_about_alpha_claimable():
    """Over 6 null clients, the KPIs left claimable stay within a binomial bound at alpha.

    The plain before/after comparison calls KPIs that trend in every region (revenue, new
    customers, the churn of a base that never churns): the control group shows the same, so
    they are guarded. Bound: with 60 tests at alpha = 0.05, P(X ≥ 8) < 0.01.
    """
    called = claimed = tests = 0
    for seed in range(6):
        results = measure.measure_kpis(_simulated_client(seed), _SIMULATED)
        rows = results.loc[results["status"] == "measured"]
        tests += len(rows)
        called += int(rows["verdict"].isin(["improved", "worsened"]).sum())
        claimed += sum(guards.claimable(row.to_dict()) for _, row in rows.iterrows())
    assert tests == 60
    bound = int(stats.binom.isf(0.01, tests, 0.05))  # smallest k with P(X > k) ≤ 0.01
    assert stats.binom.sf(bound, tests, 0.05) <= 0.01
    assert claimed <= bound, (claimed, bound)
    assert called - claimed >= 6  # trends shared with the control group: called, then guarded


@pytest.mark.parametrize("seed", [11, 12])
def test_an_effect_in_the_crm_units_only_is_kept(seed):
    results = measure.measure_kpis(_simulated_client(seed, crm_effect=1.3), _SIMULATED)
    row = results.loc["purchase_frequency"]
    assert row["verdict"] == "improved" and row["guard"] is None
    assert row["did_ci_low"] > 0
    assert guards.claimable(row.to_dict())


@pytest.mark.parametrize("seed", [11, 12])
def test_an_effect_in_both_groups_is_not_credited_to_the_crm(seed):
    client = _simulated_client(seed, crm_effect=1.3, control_effect=1.3)
    results = measure.measure_kpis(client, _SIMULATED)
    row = results.loc["purchase_frequency"]
    assert row["verdict"] == "improved" and row["guard"] == "shared_with_control"
    assert row["did_ci_low"] <= 0 <= row["did_ci_high"]
    assert not guards.claimable(row.to_dict())


def test_the_control_group_measured_alone_matches_a_hand_filtered_client():
    client = _simulated_client(3)
    results = measure.measure_kpis(client, _SIMULATED, kpis_wanted=["purchase_frequency"])
    west = {name: frame.loc[frame["region"] == "West"] for name, frame in client.items()}
    alone = dataclasses.replace(_SIMULATED, control=None)
    by_hand = measure.measure_kpis(west, alone, kpis_wanted=["purchase_frequency"])
    assert results["control_before"].iloc[0] == pytest.approx(by_hand["before"].iloc[0])
    assert results["control_after"].iloc[0] == pytest.approx(by_hand["after"].iloc[0])
