"""Tests of crmkit.kpis: the KPI catalog and each KPI's observations per window.

Every formula is checked by a hand calculation written out beside a tiny hand-made table;
the catalog is then checked against the synthetic demo client's true (data-generating) KPI
values in ``truth.json`` (see :mod:`crmkit.demo.synth`), within a stated sampling tolerance.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import doctest
import json
import math
import re

import numpy as np
import pandas as pd
import pytest

import crmkit.kpis as kpis_module
from crmkit.data.config import Control, Window, parse_params
from crmkit.data.validation import validate_client
from crmkit.demo.synth import generate_demo_client
from crmkit.kpis import (
    AREAS,
    CATALOG,
    DIRECTIONS,
    KINDS,
    PERSPECTIVES,
    Proportion,
    Rate,
    available,
    catalog_frame,
    channel_counts,
    display_unit,
    get_kpi,
    kpi_value,
    monthly_panel,
    observation_count,
    observe_windows,
    sus_scores,
    window_aggregate,
)
from crmkit.kpis.windows import in_window
from crmkit.words.kpi_tables import scope_of

WEST = Control("region", ("West",))
Q1 = Window(dt.date(2024, 1, 1), dt.date(2024, 3, 31))  # 31 + 29 + 31 = 91 days
JAN = Window(dt.date(2024, 1, 1), dt.date(2024, 1, 31))
MONTH_DAYS = 365.25 / 12  # an average month, as per-rep KPIs count window length


def ts(*values: str | None) -> pd.Series:
    """Dates or times (None: missing) as datetime64[ns], as validation types them."""
    return pd.Series(pd.to_datetime(list(values))).astype("datetime64[ns]")


def observe(name: str, tables: dict, window: Window = Q1, exclude: Control | None = WEST):
    kpi = get_kpi(name)
    observations = kpi.observe(tables, window, exclude=exclude)
    return observations, kpi_value(kpi, observations)


# ---------------------------------------------------------------------------------------------
# Sales
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def orders() -> pd.DataFrame:
    """Three CRM orders of 100, 200, 300 in Q1 2024, one control order, two outside Q1."""
    return pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
            "customer_id": ["C1", "C1", "C2", "C3", "C4", "C1"],
            "order_date": ts(
                "2023-12-31",  # the day before the window: out
                "2024-01-01",  # the window's first day: in
                "2024-02-15",
                "2024-03-31",  # the window's last day: in
                "2024-02-10",  # control (written "west "): out
                "2024-04-01",  # the day after the window: out
            ),
            "amount": [999.0, 100.0, 200.0, 300.0, 5000.0, 999.0],
            "quantity": [1.0, 1.0, 2.0, np.nan, 9.0, 1.0],
            "rep_id": ["R1", "R1", "R1", "R2", "R3", "R1"],
            "region": ["North", "North", "North", "South", "west ", "North"],
        }
    )


def test_average_order_value_is_revenue_over_orders_inside_the_inclusive_window(orders):
    obs, value = observe("average_order_value", {"orders": orders})
    # (100 + 200 + 300) / 3 = 200; 2023-12-31 and 2024-04-01 are outside, "west " is control
    assert sorted(obs) == [100.0, 200.0, 300.0]
    assert value == pytest.approx(200.0)


def test_without_a_control_group_every_row_counts(orders):
    _, value = observe("average_order_value", {"orders": orders}, exclude=None)
    assert value == pytest.approx((100 + 200 + 300 + 5000) / 4)  # 1,400


def test_units_per_order_leaves_out_orders_without_quantity(orders):
    obs, value = observe("units_per_order", {"orders": orders})
    assert list(obs) == [1.0, 2.0]  # O4's quantity is missing
    assert value == pytest.approx(1.5)  # (1 + 2) / 2


def test_revenue_monthly_sums_each_month_and_is_valued_per_month(orders):
    kpi = get_kpi("revenue_monthly")
    obs, value = observe("revenue_monthly", {"orders": orders})
    assert list(obs.index) == list(pd.date_range("2024-01-01", periods=3, freq="MS"))
    assert list(obs) == [100.0, 200.0, 300.0]
    assert value == pytest.approx(200.0)  # (100 + 200 + 300) / 3 months: revenue per month
    assert window_aggregate(kpi, obs) == pytest.approx(600.0)  # the window's revenue


def test_revenue_monthly_fills_empty_months_with_zero_but_not_months_the_data_miss():
    orders = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3"],
            "customer_id": ["C1", "C1", "C1"],
            "order_date": ts("2024-01-10", "2024-03-10", "2024-04-10"),
            "amount": [100.0, 300.0, 50.0],
        }
    )
    half_year = Window(dt.date(2024, 1, 1), dt.date(2024, 6, 30))
    obs, value = observe("revenue_monthly", {"orders": orders}, half_year, exclude=None)
    # February had no order inside the data's span: 0. May and June come after the last order
    # (2024-04-10), so the export does not cover them: left out, not 0.
    assert obs.to_dict() == {
        pd.Timestamp("2024-01-01"): 100.0,
        pd.Timestamp("2024-02-01"): 0.0,
        pd.Timestamp("2024-03-01"): 300.0,
        pd.Timestamp("2024-04-01"): 50.0,
    }
    assert value == pytest.approx(450 / 4)


@pytest.fixture
def base() -> dict[str, pd.DataFrame]:
    """Customers with known active days in Q1 2024 and their orders."""
    customers = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
            "created_date": ts(
                "2023-01-01", "2024-02-01", "2024-03-02", "2023-01-01", "2023-06-01", "2024-05-01"
            ),
            "region": ["North", "North", "South", "West", "East", "North"],
            "churned_date": ts(None, None, None, None, "2024-01-11", None),
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(1, 9)],
            "customer_id": ["C1", "C1", "C2", "C3", "C4", "C4", "C4", "C1"],
            "order_date": ts(
                "2024-01-05",
                "2024-03-10",
                "2024-02-20",
                "2024-03-15",
                "2024-01-05",
                "2024-02-05",
                "2024-03-05",
                "2024-04-02",  # outside Q1
            ),
            "amount": [10.0] * 8,
            "region": ["North", "North", "North", "South", "West", "West", "West", "North"],
        }
    )
    return {"customers": customers, "orders": orders}


def test_purchase_frequency_is_orders_per_active_customer_year(base):
    obs, value = observe("purchase_frequency", base)
    # Active days in Q1 (created inclusive, churned exclusive): C1 all 91; C2 from 1 Feb: 29 +
    # 31 = 60; C3 from 2 Mar: 30; C5 churned 11 Jan: 1..10 Jan = 10; C4 is West; C6 joins in
    # May. Orders in Q1 of those customers: C1 2, C2 1, C3 1 = 4.
    assert obs.events == 4
    assert obs.exposure == pytest.approx((91 + 60 + 30 + 10) / 365)
    assert value == pytest.approx(4 * 365 / 191)  # 7.644 orders per customer-year
    assert obs.by_unit.loc["C5"].tolist() == pytest.approx([0.0, 10 / 365])
    assert sorted(obs.by_unit.index) == ["C1", "C2", "C3", "C5"]
    assert observation_count(get_kpi("purchase_frequency"), obs) == 4  # customers


def test_orders_per_buyer_counts_orders_of_each_customer_who_bought(base):
    obs, value = observe("orders_per_buyer", base)
    assert obs.to_dict() == {"C1": 2.0, "C2": 1.0, "C3": 1.0}  # C4 is West
    assert value == pytest.approx(4 / 3)


def test_new_customers_monthly_counts_every_month_of_the_window():
    customers = pd.DataFrame(
        {
            "customer_id": ["C1", "C2", "C3", "C4", "C5"],
            "created_date": ts(
                "2024-01-02", "2024-01-20", "2024-03-01", "2024-02-10", "2023-12-31"
            ),
            "region": ["North", "South", "North", "West", "North"],
        }
    )
    kpi = get_kpi("new_customers_monthly")
    obs, value = observe("new_customers_monthly", {"customers": customers})
    assert list(obs) == [2.0, 0.0, 1.0]  # February's only new customer is West's
    assert value == pytest.approx(1.0)
    assert window_aggregate(kpi, obs) == 3.0


@pytest.fixture
def opportunities() -> pd.DataFrame:
    """Opportunities whose maturity cutoff falls on 2 March 2024.

    Observed durations: won 20, 30, 10 days (sorted 10, 20, 30: 95th percentile by linear
    interpolation = 20 + 0.9 × 10 = 29 days); lost 10, 10, 6 (95th percentile 10). Horizon
    = the slower outcome's, 29 days; the data end on 31 March (latest date), so only
    opportunities created on or before 2 March count.
    """
    return pd.DataFrame(
        {
            "opportunity_id": ["P1", "P2", "P3", "P4", "P5", "P6", "P7"],
            "created_date": ts(
                "2024-01-01",
                "2024-01-01",
                "2024-02-01",
                "2024-02-01",
                "2024-01-15",
                "2024-03-25",  # created after the cutoff: too young to count
                "2024-02-01",
            ),
            "status": ["won", "lost", "lost", "open", "won", "lost", "won"],
            "closed_date": ts(
                "2024-01-21",
                "2024-01-11",
                "2024-02-11",
                None,
                "2024-02-14",
                "2024-03-31",
                "2024-02-11",
            ),
            "amount": [50_000.0, 10_000.0, 20_000.0, 30_000.0, 70_000.0, 40_000.0, 99_000.0],
            "rep_id": ["R1", "R1", "R2", "R2", "R2", "R2", "R3"],
            "region": ["North", "North", "South", "South", "South", "North", "West"],
        }
    )


def test_win_rate_is_won_over_closed_in_the_mature_cohort(opportunities):
    obs, value = observe("win_rate", {"opportunities": opportunities})
    # mature CRM opportunities: P1 won, P2 lost, P3 lost, P4 open (excluded), P5 won;
    # P6 is too young, P7 is West. 2 / (2 + 2) = 0.5 (counting P6 would give 2 / 5).
    assert obs == Proportion(successes=2, n=4)
    assert value == pytest.approx(0.5)


def test_win_rate_without_closing_dates_cannot_cut_young_cohorts(opportunities):
    _, value = observe("win_rate", {"opportunities": opportunities.drop(columns="closed_date")})
    assert value == pytest.approx(2 / 5)  # P1, P5 won; P2, P3, P6 lost


def test_average_deal_size_and_sales_cycle_of_won_deals(opportunities):
    tables = {"opportunities": opportunities}
    deals, size = observe("average_deal_size", tables)
    cycles, cycle = observe("sales_cycle_days", tables)
    assert sorted(deals) == [50_000.0, 70_000.0]  # P1, P5 (P7 is West)
    assert size == pytest.approx(60_000.0)
    assert sorted(cycles) == [20.0, 30.0]  # 1 → 21 Jan; 15 Jan → 14 Feb
    assert cycle == pytest.approx(25.0)  # the median of 20 and 30


def test_opportunities_and_revenue_per_rep_are_paired_by_rep(opportunities, orders):
    months = 91 / MONTH_DAYS  # Q1 2024 is 91 days = 2.99 average months
    obs, value = observe("opportunities_per_rep", {"opportunities": opportunities})
    # created in Q1, CRM regions, no maturity needed: R1 P1, P2; R2 P3, P4, P5, P6
    assert obs.index.name == "rep_id"
    assert obs.to_dict() == pytest.approx({"R1": 2 / months, "R2": 4 / months})
    assert value == pytest.approx(3 / months)
    revenue, _ = observe("revenue_per_rep", {"orders": orders})
    assert revenue.to_dict() == pytest.approx({"R1": 300 / months, "R2": 300 / months})


# ---------------------------------------------------------------------------------------------
# Service
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def service() -> dict[str, pd.DataFrame]:
    customers = pd.DataFrame(
        {
            "customer_id": ["C1", "C2"],
            "created_date": ts("2023-01-01", "2023-01-01"),
            "region": ["North", "West"],
        }
    )
    tickets = pd.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(1, 9)],
            "opened_at": ts(
                "2024-01-10 09:00",
                "2024-01-11 09:00",
                "2024-01-12 09:00",
                "2024-01-31 23:30",  # the last day of January, late: in
                "2024-01-14 09:00",  # C2 is West: out
                "2023-12-31 23:59",  # out
                "2024-02-01 00:00",  # out
                "2024-03-01 09:00",  # out; sets the data's end well after January
            ),
            "customer_id": ["C1", "C1", "C1", "C1", "C2", "C1", "C1", "C1"],
            "first_response_at": ts(
                "2024-01-10 10:00",  # 1 h
                "2024-01-11 11:00",  # 2 h
                "2024-01-12 13:00",  # 4 h
                None,
                "2024-01-14 09:30",
                None,
                None,
                "2024-03-01 10:00",
            ),
            "resolved_at": ts(
                "2024-01-10 19:00",  # 10 h
                "2024-01-12 05:00",  # 20 h
                "2024-01-13 15:00",  # 30 h
                None,  # unresolved
                "2024-01-14 10:00",
                None,
                None,
                "2024-03-02 09:00",
            ),
            "channel": ["email", "phone", "email", "chat", "email", "email", "email", None],
            "is_complaint": pd.array(
                [False, True, True, None, True, True, True, False], dtype="boolean"
            ),
            "satisfaction": [5.0, 4.0, np.nan, 3.0, 1.0, 1.0, 1.0, 5.0],
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3", "O4", "O5"],
            "customer_id": ["C1", "C1", "C1", "C1", "C2"],
            "order_date": ts("2024-01-02", "2024-01-09", "2024-01-16", "2024-01-31", "2024-01-20"),
            "amount": [10.0] * 5,
            "region": ["North", "North", "North", "North", "West"],
        }
    )
    return {"customers": customers, "tickets": tickets, "orders": orders}


def test_first_response_and_resolution_are_medians_of_known_durations(service):
    first, first_median = observe("first_response_hours", service, JAN)
    resolution, resolution_median = observe("resolution_hours", service, JAN)
    assert sorted(first) == [1.0, 2.0, 4.0]  # T4 has no first response; T5 is West's
    assert first_median == pytest.approx(2.0)
    assert sorted(resolution) == [10.0, 20.0, 30.0]  # T4 is unresolved: left out
    assert resolution_median == pytest.approx(20.0)


def test_share_resolved_counts_unresolved_mature_tickets_as_not_resolved(service):
    obs, value = observe("ticket_resolved_share", service, JAN)
    assert obs == Proportion(successes=3, n=4)  # T1, T2, T3 of T1..T4
    assert value == pytest.approx(0.75)


def test_tickets_opened_too_close_to_the_data_end_are_not_judged_yet():
    # 20 tickets, one a day at 09:00; all but the last resolved 10 h later. Data end = the
    # last ticket's opening (20 Jan 09:00); horizon = 95th percentile of 10 h = 10 h; cutoff
    # 19 Jan 23:00, so the 20 Jan ticket cannot have been resolved yet and does not count.
    opened = pd.date_range("2024-01-01 09:00", periods=20, freq="D")
    resolved = pd.Series(opened + pd.Timedelta(hours=10)).where(np.arange(20) < 19)
    tickets = pd.DataFrame(
        {
            "ticket_id": [f"T{i}" for i in range(20)],
            "opened_at": pd.Series(opened).astype("datetime64[ns]"),
            "resolved_at": resolved.astype("datetime64[ns]"),
        }
    )
    obs, value = observe("ticket_resolved_share", {"tickets": tickets}, JAN, exclude=None)
    assert obs == Proportion(successes=19, n=19)  # not 19 / 20
    assert value == 1.0


def test_complaints_per_1000_orders_is_a_rate(service):
    obs, value = observe("complaints_per_1000_orders", service, JAN)
    # complaints opened in January by CRM customers: T2, T3 (T4's flag is empty: not a
    # complaint; T5 is West's); CRM orders in January: O1..O4. 2 / 4 × 1,000 = 500.
    assert obs == Rate(events=2.0, exposure=4.0, per=1000.0)
    assert value == pytest.approx(500.0)


def test_complaints_stay_like_for_like_when_tickets_cannot_be_scoped(service):
    unlinked = {**service, "tickets": service["tickets"].drop(columns="customer_id")}
    obs, value = observe("complaints_per_1000_orders", unlinked, JAN)
    # tickets cannot be tied to a region: T2, T3, T5 complain among all 5 January orders
    assert obs == Rate(events=3.0, exposure=5.0, per=1000.0)
    assert value == pytest.approx(600.0)


def test_ticket_satisfaction_is_the_mean_rating(service):
    obs, value = observe("ticket_satisfaction", service, JAN)
    assert sorted(obs) == [3.0, 4.0, 5.0]  # T3 unrated
    assert value == pytest.approx(4.0)


def test_tickets_per_customer_is_tickets_per_active_customer_year(service):
    # churn recorded in the register (C2 leaves in June): C1 is a customer all January
    churned = service["customers"].assign(churned_date=ts(None, "2024-06-30"))
    obs, value = observe("tickets_per_customer", {**service, "customers": churned}, JAN)
    assert obs.events == 4  # T1..T4 of C1
    assert obs.exposure == pytest.approx(31 / 365)  # C1 is active all January; C2 is West
    assert value == pytest.approx(4 * 365 / 31)


def test_channel_counts_is_the_channel_mix_of_crm_tickets(service):
    counts = channel_counts(service, JAN, exclude=WEST)
    assert counts.to_dict() == {"email": 2, "chat": 1, "phone": 1}  # ties by name
    assert counts.index.name == "channel"
    orders = channel_counts(service, JAN, exclude=WEST, table="orders")
    assert orders.to_dict() == {"(not recorded)": 4}


def test_tickets_reach_the_control_group_through_their_customer(service):
    assert scope_of(get_kpi("ticket_satisfaction"), service, WEST) == (
        "tickets: region of the row's customer not in West"
    )
    everyone, _ = observe("ticket_satisfaction", service, JAN, exclude=None)
    assert sorted(everyone) == [1.0, 3.0, 4.0, 5.0]  # T5 (West) counts without a control


# ---------------------------------------------------------------------------------------------
# Adoption
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def adoption() -> dict[str, pd.DataFrame]:
    usage = pd.DataFrame(
        {
            "user_id": ["U1", "U1", "U1", "U1", "U2", "U3"],
            "date": ts(
                "2024-01-03", "2024-01-03", "2024-01-04", "2024-02-07", "2024-02-08", "2024-03-05"
            ),
            "sessions": [2.0, 2.0, 3.0, 1.0, 4.0, 5.0],
            "feature": ["contacts", "quotes", "contacts", "contacts", "tickets", "contacts"],
        }
    )
    # U1 sells in North, U3 in West (so U3 is a control user); U2 is in no sales table
    orders = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3"],
            "customer_id": ["C1", "C2", "C3"],
            "order_date": ts("2024-01-05", "2024-01-06", "2024-01-07"),
            "amount": [1.0, 1.0, 1.0],
            "rep_id": ["U1", "U3", "U3"],
            "region": ["North", "West", "West"],
        }
    )
    survey = pd.DataFrame(
        [
            ["U1", "2024-11-05", *[3] * 10, 4],  # all items 3 → 50
            ["U2", "2024-11-06", 4, 2, 4, 1, 5, 2, 4, 1, 5, 2, 2],  # → 85
            ["U3", "2024-11-07", 5, 1, 5, 1, 5, 1, 5, 1, 5, 1, 5],  # West → out
            ["U1", "2024-11-08", 4, 2, 4, 2, None, 2, 4, 2, 4, 2, None],  # sus_5 missing
        ],
        columns=["user_id", "response_date", *[f"sus_{i}" for i in range(1, 11)], "satisfaction"],
    )
    survey["response_date"] = ts(*survey["response_date"])
    survey = survey.astype({f"sus_{i}": "float64" for i in range(1, 11)})
    return {"usage": usage, "orders": orders, "user_survey": survey.astype({"satisfaction": float})}


def test_active_user_rate_is_active_users_over_users_seen_in_the_log(adoption):
    obs, value = observe("active_user_rate", adoption)
    # CRM users seen in the log: U1, U2 (U3 is West's). January: U1 → 1/2; February: U1, U2
    # → 2/2; March: only U3 was active → 0/2. Mean over the three months = 0.5.
    assert list(obs) == [0.5, 1.0, 0.0]
    assert value == pytest.approx(0.5)
    assert window_aggregate(get_kpi("active_user_rate"), obs) == pytest.approx(0.5)


def test_sessions_and_features_per_active_user_month(adoption):
    sessions, mean_sessions = observe("sessions_per_active_user", adoption)
    # U1 January: 3 Jan (2 sessions, repeated on its two feature rows) + 4 Jan (3) = 5;
    # U1 February 1; U2 February 4. Mean = 10 / 3.
    assert sorted(sessions) == [1.0, 4.0, 5.0]
    assert mean_sessions == pytest.approx(10 / 3)
    features, mean_features = observe("features_per_active_user", adoption)
    assert sorted(features) == [1.0, 1.0, 2.0]  # U1 January: contacts and quotes
    assert mean_features == pytest.approx(4 / 3)


def test_adoption_before_the_log_starts_is_empty_not_zero(adoption):
    year_before = Window(dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    for name in ("active_user_rate", "sessions_per_active_user", "features_per_active_user"):
        obs, value = observe(name, adoption, year_before)
        assert len(obs) == 0 and math.isnan(value)
        assert observation_count(get_kpi(name), obs) == 0


def test_sus_by_brookes_rule():
    items = [f"sus_{i}" for i in range(1, 11)]
    responses = pd.DataFrame(
        [
            [3] * 10,  # every contribution 2: 10 × 2 × 2.5 = 50
            [5, 1] * 5,  # best: odd 5 − 1 = 4, even 5 − 1 = 4: 40 × 2.5 = 100
            [1, 5] * 5,  # worst: 0
            # odd items 4, 4, 5, 4, 5 → 3 + 3 + 4 + 3 + 4 = 17; even 2, 1, 2, 1, 2 → 3 + 4 + 3 +
            # 4 + 3 = 17; (17 + 17) × 2.5 = 85
            [4, 2, 4, 1, 5, 2, 4, 1, 5, 2],
        ],
        columns=items,
    )
    assert sus_scores(responses).tolist() == [50.0, 100.0, 0.0, 85.0]


def test_sus_score_and_user_satisfaction_of_crm_users(adoption):
    window = Window(dt.date(2024, 11, 1), dt.date(2024, 11, 30))
    scores, sus = observe("sus_score", adoption, window)
    assert sorted(scores) == [50.0, 85.0]  # U3 is West's; the last response lacks sus_5
    assert sus == pytest.approx(67.5)
    _, satisfaction = observe("user_satisfaction", adoption, window)
    assert satisfaction == pytest.approx(3.0)  # (4 + 2) / 2
    assert "user's orders and opportunities" in scope_of(get_kpi("sus_score"), adoption, WEST)


# ---------------------------------------------------------------------------------------------
# Marketing
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def campaigns() -> dict[str, pd.DataFrame]:
    return {
        "campaigns": pd.DataFrame(
            {
                "campaign_id": ["M1", "M2", "M3", "M4"],
                "start_date": ts("2024-01-10", "2024-02-10", "2023-12-31", "2024-03-01"),
                "cost": [6_000.0, 9_000.0, 1e6, 500.0],
                "contacts": [1_000.0, 3_000.0, 1e6, np.nan],
                "responses": [30.0, 60.0, 1e5, 10.0],
                "conversions": [3.0, 12.0, 1e4, 1.0],
                "revenue": [12_000.0, 36_000.0, 1e7, 0.0],
            }
        )
    }


def test_campaign_kpis_are_ratios_of_sums_over_campaigns(campaigns):
    response, response_rate = observe("campaign_response_rate", campaigns)
    # M3 started before the window; M4 has no contacts, so it is left out of this one only
    assert (response.successes, response.n) == (90, 4_000)  # 30 + 60 of 1,000 + 3,000
    assert response_rate == pytest.approx(0.0225)
    assert response.by_unit.to_dict("index") == {
        "M1": {"successes": 30, "n": 1_000},
        "M2": {"successes": 60, "n": 3_000},
    }
    _, conversion = observe("campaign_conversion_rate", campaigns)
    assert conversion == pytest.approx(16 / 100)  # (3 + 12 + 1) / (30 + 60 + 10)
    _, per_response = observe("cost_per_response", campaigns)
    assert per_response == pytest.approx(15_500 / 100)  # 155
    _, per_acquisition = observe("cost_per_acquisition", campaigns)
    assert per_acquisition == pytest.approx(15_500 / 16)  # 968.75
    roi_obs, roi = observe("campaign_roi", campaigns)
    assert roi == pytest.approx((48_000 - 15_500) / 15_500)  # 2.097, i.e. 210 %
    assert observation_count(get_kpi("campaign_roi"), roi_obs) == 3  # campaigns
    assert scope_of(get_kpi("campaign_roi"), campaigns, WEST) == (
        "campaigns: company-wide (no link to region)"
    )


# ---------------------------------------------------------------------------------------------
# Values, availability, the catalog
# ---------------------------------------------------------------------------------------------


def test_kpi_value_has_no_value_without_observations():
    assert math.isnan(kpi_value(get_kpi("win_rate"), Proportion(0, 0)))
    assert math.isnan(kpi_value(get_kpi("complaints_per_1000_orders"), Rate(3.0, 0.0, 1000.0)))
    assert math.isnan(kpi_value(get_kpi("average_order_value"), pd.Series([], dtype=float)))
    assert math.isnan(kpi_value(get_kpi("revenue_monthly"), pd.Series([], dtype=float)))
    with pytest.raises(ValueError, match="successes <= n"):
        Proportion(successes=5, n=4)
    with pytest.raises(ValueError, match="only series"):
        window_aggregate(get_kpi("average_order_value"), pd.Series([1.0]))


def test_available_names_the_missing_table_or_column(orders):
    assert available(get_kpi("complaints_per_1000_orders"), ["orders"]) == "needs tickets"
    assert available(get_kpi("complaints_per_1000_orders"), []) == "needs tickets and orders"
    units = get_kpi("units_per_order")
    assert available(units, {"orders": orders}) is None
    assert available(units, {"orders": orders.drop(columns="quantity")}) == (
        "needs column quantity in orders"
    )
    assert available(units, {"orders": orders.assign(quantity=np.nan)}) == (
        "needs values in column quantity of orders"
    )
    assert available(units, ["orders"]) is None  # names only: columns cannot be checked
    survey = pd.DataFrame(columns=["user_id", "response_date", "sus_1", "satisfaction"])
    assert available(get_kpi("sus_score"), {"user_survey": survey}) == (
        "needs columns sus_2, sus_3, sus_4, sus_5, sus_6, sus_7, sus_8, sus_9, sus_10 in user_survey"
    )


def test_catalog_names_are_unique_snake_case_and_every_field_is_filled():
    names = [k.name for k in CATALOG]
    assert len(names) == len(set(names))
    frame = catalog_frame()
    assert frame["name"].tolist() == names
    descriptive = [
        "name",
        "label",
        "unit",
        "direction",
        "perspective",
        "area",
        "tables",
        "kind",
        "observation",
        "definition",
    ]
    assert frame[descriptive].notna().all().all()
    assert (frame[descriptive].map(lambda v: str(v).strip() != "")).all().all()
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", n) for n in names)
    assert set(frame["kind"]) <= set(KINDS) and set(frame["direction"]) <= set(DIRECTIONS)
    assert set(frame["perspective"]) == set(PERSPECTIVES) and set(frame["area"]) == set(AREAS)
    is_series = frame["kind"] == "series"
    assert frame.loc[is_series, "aggregate"].isin(["sum", "mean"]).all()
    assert frame.loc[~is_series, "aggregate"].isna().all()
    assert get_kpi("revenue_monthly") is CATALOG[0]
    with pytest.raises(KeyError, match="did you mean 'win_rate'"):
        get_kpi("winrate")


def test_display_unit_names_the_client_currency():
    assert display_unit(get_kpi("average_order_value"), "CNY") == "CNY"
    assert display_unit(get_kpi("revenue_per_rep"), "EUR") == "EUR per rep-month"
    assert display_unit(get_kpi("win_rate"), "EUR") == "share"


def test_monthly_panel_of_revenue_by_region_and_by_rep():
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(1, 8)],
            "customer_id": ["C1"] * 7,
            "order_date": ts(
                "2024-01-10",
                "2025-01-10",
                "2024-01-15",
                "2024-02-15",
                "2025-01-15",
                "2025-02-15",
                "2023-06-01",  # outside both windows
            ),
            "amount": [100.0, 300.0, 50.0, 70.0, 80.0, 90.0, 1.0],
            "rep_id": ["R1", "R1", "R1", "R2", "R2", "R2", "R2"],
            "region": ["North", "North", "West", "West", "West", "West", "West"],
        }
    )
    assessment = parse_params(
        {
            "client": "Acme",
            "go_live_date": "2025-01-01",
            "before": {"start": "2024-01-01", "end": "2024-02-29"},
            "after": {"start": "2025-01-01", "end": "2025-02-28"},
            "control": {"column": "region", "values": ["West"]},
        }
    )
    panel = monthly_panel({"orders": orders}, assessment, "revenue_monthly", unit="region")
    assert list(panel.columns) == ["unit", "month", "value", "treated", "after"]
    rows = {
        (r.unit, r.month.strftime("%Y-%m")): (r.value, r.treated, r.after)
        for r in panel.itertuples()
    }
    # North's rows run from January 2024 to January 2025: February 2024 is an empty month
    # (0), February 2025 is after North's last row (left out).
    assert rows == {
        ("North", "2024-01"): (100.0, True, False),
        ("North", "2024-02"): (0.0, True, False),
        ("North", "2025-01"): (300.0, True, True),
        ("West", "2024-01"): (50.0, False, False),
        ("West", "2024-02"): (70.0, False, False),
        ("West", "2025-01"): (80.0, False, True),
        ("West", "2025-02"): (90.0, False, True),
    }
    by_rep = monthly_panel({"orders": orders}, assessment, "revenue_per_rep", unit="rep")
    # R1 has 2 North rows and 1 West row: mostly CRM, so treated; R2's rows are all West's
    assert by_rep.groupby("unit")["treated"].first().to_dict() == {"R1": True, "R2": False}
    r1 = by_rep[by_rep["unit"] == "R1"].set_index("month")["value"]
    assert r1[pd.Timestamp("2024-01-01")] == 150.0  # 100 (North) + 50 (West)
    with pytest.raises(ValueError, match="supports revenue_monthly"):
        monthly_panel({"orders": orders}, assessment, "win_rate", unit="region")
    with pytest.raises(ValueError, match="no column segment"):
        monthly_panel({"orders": orders}, assessment, "revenue_monthly", unit="segment")


def test_docstring_examples_run():
    assert doctest.testmod(kpis_module).failed == 0


# ---------------------------------------------------------------------------------------------
# The demo client: observations against the true values of truth.json
# ---------------------------------------------------------------------------------------------

Z = 4.0  # tolerance in standard errors: a correct estimator fails about once in 16,000 checks
TRUTH_NOT_HERE = {"nps", "csat_top2_share", "churn_rate_annual", "ces"}  # survey, customers


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = generate_demo_client(tmp_path_factory.mktemp("kpis") / "demo", scale=0.2)
    report = validate_client(folder)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return report.tables, report.assessment, truth["kpis"]


def _ratio_se(by_unit: pd.DataFrame, top: str, bottom: str) -> float:
    """Standard error of Σ top / Σ bottom over independent units (the ratio estimator)."""
    n = len(by_unit)
    ratio = by_unit[top].sum() / by_unit[bottom].sum()
    residuals = by_unit[top] - ratio * by_unit[bottom]
    return math.sqrt(n / (n - 1) * (residuals**2).sum()) / by_unit[bottom].sum()


def _within_sampling_error(name, obs, truth_value, tables, window, assessment) -> bool:
    kpi = get_kpi(name)
    value = kpi_value(kpi, obs)
    if kpi.kind == "median":  # distribution-free: truth between the order statistics
        x, n = np.sort(obs.to_numpy()), len(obs)
        low = max(int(n / 2 - Z * math.sqrt(n) / 2), 0)
        high = min(int(math.ceil(n / 2 + Z * math.sqrt(n) / 2)), n - 1)
        return x[low] <= truth_value <= x[high]
    if kpi.kind == "mean":  # clustered in the index's units (e.g. orders in customers)
        clusters = obs.groupby(level=0).agg(["sum", "count"])
        se = _ratio_se(clusters, "sum", "count")
    elif kpi.kind == "proportion" and obs.by_unit is None:
        se = math.sqrt(truth_value * (1 - truth_value) / obs.n)
    elif kpi.kind in ("proportion", "rate") and obs.by_unit is not None:
        top, bottom = ("successes", "n") if kpi.kind == "proportion" else ("events", "exposure")
        se = _ratio_se(obs.by_unit, top, bottom) * getattr(obs, "per", 1.0)
    elif kpi.kind == "rate":  # Poisson counts of events
        se = math.sqrt(truth_value * obs.exposure / obs.per) / obs.exposure * obs.per
    elif name == "revenue_monthly":  # customers are the independent units of revenue
        orders = tables["orders"]
        rows = orders[in_window(orders["order_date"], window)]
        rows = rows[~rows["region"].isin(assessment.control.values)]
        per_customer = rows.groupby("customer_id")["amount"].sum()
        se = math.sqrt(len(per_customer)) * per_customer.std() / len(obs)
    else:  # pragma: no cover - a KPI of truth.json without a rule here
        raise AssertionError(f"no sampling error for {name}")
    return abs(value - truth_value) <= Z * se


def test_catalog_covers_truths_kpis_by_their_names(demo):
    _, _, truth = demo
    covered = set(truth) - TRUTH_NOT_HERE
    assert covered <= {k.name for k in CATALOG}
    assert covered == {
        "average_order_value",
        "revenue_monthly",
        "purchase_frequency",
        "win_rate",
        "sales_cycle_days",
        "first_response_hours",
        "resolution_hours",
        "complaints_per_1000_orders",
        "units_per_order",
        "ticket_satisfaction",
        "campaign_response_rate",
        "average_deal_size",
        "sus_score",
        "user_satisfaction",
    }
    for name in covered:  # the same statistic where truth names one
        if truth[name]["statistic"] in ("mean", "median"):
            assert get_kpi(name).kind == truth[name]["statistic"], name


def test_demo_kpis_match_the_true_values_within_sampling_error(demo):
    tables, assessment, truth = demo
    names = sorted(set(truth) - TRUTH_NOT_HERE)
    observed = observe_windows(tables, assessment, names)
    misses = []
    for name in names:
        for label, window, obs in zip(
            ("before", "after"), (assessment.before, assessment.after), observed[name], strict=True
        ):
            true_value = truth[name][label]
            if not _within_sampling_error(name, obs, true_value, tables, window, assessment):
                misses.append(
                    f"{name} {label}: {kpi_value(get_kpi(name), obs):.4g} vs {true_value}"
                )
    assert not misses


def test_demo_effects_point_the_injected_way(demo):
    tables, assessment, truth = demo
    for name in (
        "average_order_value",
        "win_rate",
        "first_response_hours",
        "resolution_hours",
        "complaints_per_1000_orders",
        "sales_cycle_days",
    ):
        kpi = get_kpi(name)
        before, after = observe_windows(tables, assessment, [name])[name]
        change = kpi_value(kpi, after) - kpi_value(kpi, before)
        assert np.sign(change) == np.sign(truth[name]["effect"]), name


def test_demo_observe_windows_skips_kpis_whose_tables_are_absent(demo):
    tables, assessment, _ = demo
    without_tickets = {k: v for k, v in tables.items() if k != "tickets"}
    observed = observe_windows(without_tickets, assessment)
    assert observed["first_response_hours"] == "needs tickets"
    assert observed["complaints_per_1000_orders"] == "needs tickets"
    # every KPI with observations is there; the rest are measured by their domain
    assert set(observed) == {k.name for k in CATALOG if k.observe is not None}
    assert {k.name for k in CATALOG if k.observe is None} >= {"nps", "churn_rate_annual"}
    # the CRM's usage log starts at go-live: its KPIs' before windows are empty, not zero
    before, after = observed["active_user_rate"]
    assert before.empty and len(after) == 12


def test_demo_panel_agrees_with_the_kpi_it_breaks_down(demo):
    tables, assessment, _ = demo
    panel = monthly_panel(tables, assessment, "revenue_monthly", unit="region")
    assert set(panel.loc[~panel["treated"], "unit"]) == {"West"}
    crm = panel[panel["treated"] & panel["after"]].groupby("month")["value"].sum()
    series = get_kpi("revenue_monthly").observe(
        tables, assessment.after, exclude=assessment.control
    )
    pd.testing.assert_series_equal(crm, series, check_names=False, check_freq=False)


def test_purchase_frequency_without_recorded_churn_counts_active_days_by_hand():
    """Customers who leave without a word stop counting 180 days after their last activity.

    Orders' history begins 2024-01-01 (H). A was created before H, so its activity is known
    only from H + 180 days = 2024-06-29: its order of 2024-01-01 and the days before are left
    out; its order of 2024-09-01 keeps it active until 2025-02-28, i.e. 122 days of 2024.
    B was created 2024-03-01: active 31 days until its order of 2024-04-01, then 180 days:
    211 days. Before window: 2 orders in (122 + 211) / 365 customer-years.
    """
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B"],
            "created_date": pd.to_datetime(["2020-01-01", "2024-03-01"]),
        }
    )
    orders = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3"],
            "customer_id": ["A", "A", "B"],
            "order_date": pd.to_datetime(["2024-01-01", "2024-09-01", "2024-04-01"]),
            "amount": [10.0, 20.0, 30.0],
        }
    )
    window = Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    kpi = kpis_module.get_kpi("purchase_frequency")
    rate = kpi.observe({"customers": customers, "orders": orders}, window)
    assert rate.events == 2
    assert rate.exposure == pytest.approx((122 + 211) / 365)
    # with a churned_date column that records churn, the register decides instead
    recorded = customers.assign(churned_date=pd.to_datetime(["2024-07-01", None]))
    rate = kpi.observe({"customers": recorded, "orders": orders}, window)
    assert rate.events == 3
    assert rate.exposure == pytest.approx((182 + 306) / 365)


def test_a_kpi_is_measured_either_from_observations_or_by_one_named_domain():
    nps = get_kpi("nps")
    assert nps.observe is None and nps.measured_by == "survey"
    win_rate = get_kpi("win_rate")
    assert win_rate.observe is not None and win_rate.measured_by is None
    with pytest.raises(ValueError, match="exactly one of observe and measured_by"):
        dataclasses.replace(win_rate, measured_by="customers")  # both
    with pytest.raises(ValueError, match="exactly one of observe and measured_by"):
        dataclasses.replace(nps, measured_by=None)  # neither
    with pytest.raises(ValueError, match="measured_by must be one of"):
        dataclasses.replace(nps, measured_by="astrology")
