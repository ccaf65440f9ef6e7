"""Churn before and after go-live on comparable definitions (crmkit.domains.customers, crmkit.stats.comparable).

References: hand arithmetic written out in each test (day counts from the calendar), Garwood's
exact Poisson interval (χ² table values), and simulations of generated clients whose truth is
known (tests/null_clients.py: constant purchase rates, nobody stops buying unless told).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from null_clients import assessment, constant_rate_client

from crmkit.data.config import Assessment, Window
from crmkit.domains import customers as cu
from crmkit.stats import comparable
from crmkit.stats.impact import CHANGE_COLUMNS

ASSESSMENT = Assessment(
    "Acme",
    dt.date(2025, 1, 1),
    Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
)


def _dates(*values: str) -> list[pd.Timestamp]:
    return list(pd.to_datetime(list(values)))


def _hand_client() -> tuple[pd.DataFrame, pd.DataFrame]:
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D", "E"],
            "created_date": pd.to_datetime(
                ["2020-01-01", "2020-01-01", "2021-01-01", "2020-01-01", "2020-01-01"]
            ),
        }
    )
    rows = [
        ("A", ["2023-01-10", "2023-12-01", "2024-03-01", "2024-04-01"]),
        ("B", [f"{y}-{m:02d}-01" for y in (2023, 2024, 2025) for m in range(2, 13, 2)]),
        ("C", ["2024-11-01", "2025-02-01"]),
        ("D", ["2023-07-15", "2024-06-01", "2024-07-01", "2024-12-20", "2025-03-01"]),
        ("E", ["2023-01-20", "2023-02-01"]),
    ]
    orders = pd.DataFrame(
        [(c, d) for c, days in rows for d in days], columns=["customer_id", "order_date"]
    )
    orders["order_date"] = pd.to_datetime(orders["order_date"])
    return customers, orders


def test_inactivity_churn_on_one_definition_by_hand() -> None:
    customers, orders = _hand_client()
    rates = cu.churn_rates(customers, ASSESSMENT, orders=orders).set_index("window")
    # data end 2025-12-01 (B's last order); follow-up after go-live: 2025-12-01 − 2025-01-01
    # = 334 days, shorter than either window → L = 334 days in both
    assert rates["observation_days"].tolist() == [334, 334]
    # before (s = 2024-01-01): at risk = an order in the 180 days before s: A (1 Dec), B
    # (1 Dec), D (15 Jul 2023: 170 days before); not C (first order in Nov 2024: the time
    # before it is no lapse), not E (last order Feb 2023: lapsed before the window).
    # A lapses 180 days after 1 Apr 2024 = 28 Sep 2024 (day 271 of 2024) → 272 days at risk;
    # D: 15 Jul 2023 + 180 = 11 Jan 2024 (next order 1 Jun) → 11 days at risk; B stays 334
    before = rates.loc["before"]
    assert (before["customers_at_start"], before["churned"]) == (3, 2)
    assert before["customer_years"] == pytest.approx((272 + 11 + 334) / 365)
    # after (s = 2025-01-01): B, C (1 Nov 2024), D (20 Dec 2024); A lapsed in 2024.
    # C: 1 Feb 2025 + 180 = 31 Jul 2025 (day 211) → 212 days; D: 1 Mar 2025 + 180 =
    # 28 Aug 2025 (day 239) → 240 days; B 334
    after = rates.loc["after"]
    assert (after["customers_at_start"], after["churned"]) == (3, 2)
    assert after["customer_years"] == pytest.approx((212 + 240 + 334) / 365)
    # every customer created 2020/2021: one age band (≥ 720 days) in both windows
    assert rates["age_overlap"].tolist() == [1.0, 1.0] and rates["comparable"].all()
    rate_b, rate_a = 2 / ((272 + 11 + 334) / 365), 2 / ((212 + 240 + 334) / 365)
    assert rates["churn_rate"].tolist() == pytest.approx([rate_b, rate_a])
    assert rates["churn_probability"].tolist() == pytest.approx(
        [1 - math.exp(-rate_b), 1 - math.exp(-rate_a)]
    )
    row = cu.compare_churn(customers, ASSESSMENT, orders=orders).iloc[0]
    assert list(row.index) == list(CHANGE_COLUMNS)
    assert (row["n_before"], row["n_after"]) == (2, 2)
    # score test under one pooled rate: 4 events in (617 + 786) / 365 customer-years; each
    # window's variance term is the larger of Poisson (rate / T) and robust
    # (Σ (d_i − rate · t_i)² / T²)
    t_b, t_a = 617 / 365, 786 / 365
    pooled = 4 / (t_b + t_a)
    years_b = np.array([272, 11, 334]) / 365
    years_a = np.array([212, 240, 334]) / 365
    robust_b = ((np.array([1, 1, 0]) - pooled * years_b) ** 2).sum() / t_b**2
    robust_a = ((np.array([1, 1, 0]) - pooled * years_a) ** 2).sum() / t_a**2
    variance = max(pooled / t_b, robust_b) + max(pooled / t_a, robust_a)
    z = (rate_a - rate_b) / math.sqrt(variance)
    assert row["statistic"] == pytest.approx(z)
    assert row["effect_size"] == pytest.approx(rate_a / rate_b)
    assert row["change"] == pytest.approx(math.exp(-rate_b) - math.exp(-rate_a))


def test_register_churn_follows_the_customers_alive_at_the_start_by_hand() -> None:
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C"],
            "created_date": pd.to_datetime(["2023-01-01", "2023-06-01", "2024-07-01"]),
            "churned_date": pd.to_datetime(["2024-04-01", None, None]),
        }
    )
    out = cu.churn_rates(customers, ASSESSMENT, data_end="2025-12-31").set_index("window")
    before, after = out.loc["before"], out.loc["after"]
    # L = min(366, 365, 365) = 365 days. Before: A (created 365 days before: band ≥ 360) and
    # B (214 days: band 180–360) alive on 1 Jan 2024; C is acquired in the window and is
    # followed from the after window on. A churns 1 Apr: 91 + 1 days at risk; B 365.
    assert (before["customers_at_start"], before["acquired"], before["churned"]) == (2, 1, 1)
    assert before["customer_years"] == pytest.approx((92 + 365) / 365)
    # After: B (580 days: band ≥ 360) and C (184 days: band 180–360): the same mix, so each
    # band weighs 1·1/(1+1), normalised ½. Before's rate: ½ · 0 + ½ · 1 / (92/365)
    rate = 0.5 / (92 / 365)
    assert before["churn_rate"] == pytest.approx(rate)
    assert before["churn_probability"] == pytest.approx(1 - math.exp(-rate))
    # Fay–Feuer with one event in one weighted band is ½ × Garwood's interval of that band:
    # [χ²_{0.025}(2)/2, χ²_{0.975}(4)/2] / T, χ²_{0.025}(2) = −2 ln 0.975, χ²_{0.975}(4) =
    # 11.1433 (table)
    assert before["rate_ci_low"] == pytest.approx(0.5 * -math.log(0.975) / (92 / 365))
    assert before["rate_ci_high"] == pytest.approx(0.5 * 11.1433 / 2 / (92 / 365), rel=1e-5)
    assert (after["churned"], after["customer_years"]) == (0, pytest.approx(2.0))
    assert after["churn_probability"] == 0 and after["source"] == "churned_date"


def test_a_short_history_declines_the_comparison() -> None:
    customers, orders = _hand_client()
    late = orders.loc[orders["order_date"] >= "2023-08-01"]  # history starts 2023-12-01
    row = cu.compare_churn(customers, ASSESSMENT, orders=late).iloc[0]
    assert row["note"].startswith("not comparable: the order history before the before window")
    assert math.isnan(row["p_value"]) and math.isnan(row["change"]) and math.isnan(row["before"])
    if "guard" in CHANGE_COLUMNS:
        assert row["guard"] == "not_comparable"
    else:
        assert "not_comparable" in row["note"]
    rates = cu.churn_rates(customers, ASSESSMENT, orders=late)
    assert not rates["comparable"].any() and rates["retention"].isna().all()


def test_one_acquisition_cohort_is_not_compared() -> None:
    # every customer created in the first quarter of 2023: ages 276–365 days on 1 Jan 2024 and
    # 641–731 on 1 Jan 2025 — the age bands (edges 90, 180, 360, 720) barely overlap
    tables = constant_rate_client(3, customers=600, control=False)
    rng = np.random.default_rng(3)
    created = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 90, 600), unit="D")
    tables["customers"]["created_date"] = created
    tables["orders"] = tables["orders"].loc[
        tables["orders"]["order_date"].to_numpy()
        >= created[tables["orders"]["customer_id"].str[1:].astype(int)]
    ]
    rates = cu.churn_rates(tables["customers"], ASSESSMENT, orders=tables["orders"])
    assert rates["age_overlap"].iloc[0] < comparable.MIN_AGE_OVERLAP
    row = cu.compare_churn(tables["customers"], ASSESSMENT, orders=tables["orders"]).iloc[0]
    assert row["note"].startswith("not comparable: the customers at risk differ in age")


def test_age_overlap_rule_by_hand() -> None:
    # shares (½, ½, 0) and (¼, ¼, ½): in common min(½, ¼) + min(½, ¼) + 0 = ½
    assert comparable.age_overlap(np.array([2, 2, 0]), np.array([1, 1, 2])) == 0.5
    assert comparable.age_overlap(np.array([5, 0]), np.array([0, 5])) == 0.0
    assert math.isnan(comparable.age_overlap(np.array([0, 0]), np.array([1, 1])))
    assert comparable.age_bands(np.array([0, 179, 180, 719, 720]), inactivity_days=180).tolist() == [
        0, 1, 2, 3, 4,
    ]  # fmt: skip


def test_no_churn_clients_give_equal_churn_before_and_after() -> None:
    # constant purchase rates, nobody stops, customers acquired over three years: the old
    # definition's survivor selection made churn "fall" in every run. Over 120 seeds (60
    # with a control region, 60 without) the share of p < 0.05 stays near 5 %: a binomial
    # count of 12 or more of 120 at 5 % has probability 0.6 %.
    p_values, changes = [], []
    for seed in range(120):
        control = seed % 2 == 0
        tables = constant_rate_client(seed, customers=900, control=control)
        row = cu.compare_churn(
            tables["customers"], assessment(control=control), orders=tables["orders"]
        ).iloc[0]
        p_values.append(row["p_value"])
        changes.append(row["change"])
    p_values = np.array(p_values)
    assert not np.isnan(p_values).any()
    assert (p_values < 0.05).sum() < 12
    assert abs(np.mean(changes)) < 0.01  # churn equal within noise (sd of one change ≈ 0.05)


def test_injected_churn_after_go_live_is_recovered() -> None:
    # CRM customers stop buying for good with a hazard of 0.6 a year from go-live (true churn;
    # the control region does not): churn rises in the CRM units, not in the control group
    hits, control_moves = 0, 0
    for seed in range(10):
        tables = constant_rate_client(seed, customers=1500, stop_hazard=0.6)
        a = assessment(control=True)
        row = cu.compare_churn(tables["customers"], a, orders=tables["orders"]).iloc[0]
        hits += bool(row["p_value"] < 0.05 and row["change"] > 0)
        control = cu.compare_churn(
            tables["customers"], a, orders=tables["orders"], scope="control"
        ).iloc[0]
        control_moves += bool(control["p_value"] < 0.05)
    assert hits == 10
    assert control_moves <= 2
