"""Tests of crmkit.demo.synth: the synthetic demo client and its known injected effects."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
import yaml

from crmkit.demo.synth import (
    CONTROL_REGIONS,
    DEMO_GO_LIVE,
    TABLES,
    TREATED_REGIONS,
    demo_truth,
    generate_demo_client,
    generate_tables,
)

SMALL = 0.03
START, GO_LIVE, END = (
    pd.Timestamp("2024-01-01"),
    pd.Timestamp(DEMO_GO_LIVE),
    pd.Timestamp("2026-01-01"),
)  # END is exclusive: the export date is 2025-12-31

COLUMNS = {
    "customers": ["customer_id", "created_date", "segment", "region", "churned_date"],
    "orders": [
        "order_id",
        "customer_id",
        "order_date",
        "amount",
        "quantity",
        "rep_id",
        "channel",
        "region",
    ],
    "opportunities": [
        "opportunity_id",
        "created_date",
        "status",
        "closed_date",
        "amount",
        "lead_source",
        "rep_id",
        "region",
    ],
    "tickets": [
        "ticket_id",
        "opened_at",
        "customer_id",
        "first_response_at",
        "resolved_at",
        "channel",
        "is_complaint",
        "satisfaction",
    ],
    "surveys": ["response_id", "response_date", "customer_id", "nps", "csat", "ces"]
    + [f"loyalty_{i}" for i in range(1, 5)],
    "usage": ["user_id", "date", "sessions", "actions", "feature"],
    "user_survey": ["user_id", "response_date"]
    + [f"sus_{i}" for i in range(1, 11)]
    + ["satisfaction"],
    "campaigns": [
        "campaign_id",
        "start_date",
        "cost",
        "channel",
        "contacts",
        "responses",
        "conversions",
        "revenue",
    ],
    "costs": ["year", "category", "amount", "phase", "risk_adjustment"],
    "benefits": ["year", "category", "amount", "risk_adjustment", "kpi"],
    "benchmarks": ["kpi", "value", "source"],
    "actions": ["action", "kpi", "expected_effect", "expected_cost", "owner", "horizon_months"],
}
ID_COLUMN = {
    "customers": "customer_id",
    "orders": "order_id",
    "opportunities": "opportunity_id",
    "tickets": "ticket_id",
    "surveys": "response_id",
    "campaigns": "campaign_id",
    "benchmarks": "kpi",
}


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return generate_tables(scale=SMALL)


@pytest.fixture(scope="module")
def full() -> dict[str, pd.DataFrame]:
    """The default demo client (scale 1.0, default seed) with helper columns added."""
    t = generate_tables(scale=1.0)
    region = t["customers"].set_index("customer_id")["region"]
    for name in ("tickets", "surveys"):
        t[name] = t[name].assign(region=t[name]["customer_id"].map(region))
    date_of = {
        "orders": "order_date",
        "opportunities": "created_date",
        "tickets": "opened_at",
        "surveys": "response_date",
    }
    for name, date_col in date_of.items():
        t[name] = t[name].assign(
            treated=t[name]["region"].isin(TREATED_REGIONS).to_numpy(),
            after=(t[name][date_col] >= GO_LIVE).to_numpy(),
        )
    return t


@pytest.fixture(scope="module")
def truth() -> dict:
    return demo_truth(scale=1.0)


def _cell(frame: pd.DataFrame, treated: bool, after: bool) -> pd.DataFrame:
    return frame[(frame["treated"] == treated) & (frame["after"] == after)]


# --- determinism ------------------------------------------------------------------------------


def test_same_seed_gives_identical_tables(small):
    again = generate_tables(scale=SMALL)
    assert list(again) == list(small)
    for name in TABLES:
        pd.testing.assert_frame_equal(again[name], small[name])


def test_different_seed_gives_different_tables(small):
    other = generate_tables(scale=SMALL, seed=7)
    assert not other["orders"]["amount"].equals(small["orders"]["amount"])
    assert not other["customers"]["created_date"].equals(small["customers"]["created_date"])


def test_scale_must_be_positive():
    for bad in (0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="scale"):
            generate_tables(scale=bad)


# --- structure and validity -------------------------------------------------------------------


def test_every_table_has_exactly_the_canonical_columns(small):
    assert set(small) == set(TABLES) == set(COLUMNS)
    for name, frame in small.items():
        assert list(frame.columns) == COLUMNS[name], name
        assert len(frame) >= 3, name


def test_ids_unique_and_sorted(small):
    for name, col in ID_COLUMN.items():
        ids = small[name][col]
        assert ids.is_unique, name
        assert ids.is_monotonic_increasing, name
    assert small["customers"]["customer_id"].iloc[0] == "C000001"
    assert small["orders"]["order_id"].iloc[0] == "O0000001"
    usage = small["usage"]
    assert not usage.duplicated(["user_id", "date", "feature"]).any()
    key = list(zip(usage["user_id"], usage["date"], usage["feature"], strict=True))
    assert key == sorted(key)
    survey_key = list(
        zip(small["user_survey"]["user_id"], small["user_survey"]["response_date"], strict=True)
    )
    assert survey_key == sorted(survey_key)


def test_foreign_keys_and_order_dates(small):
    cust = small["customers"].set_index("customer_id")
    orders = small["orders"]
    for name in ("orders", "tickets", "surveys"):
        assert small[name]["customer_id"].isin(cust.index).all(), name
    created = orders["customer_id"].map(cust["created_date"])
    churned = orders["customer_id"].map(cust["churned_date"])
    assert (orders["order_date"] >= created).all()
    assert (churned.isna() | (orders["order_date"] < churned)).all()
    assert (orders["region"] == orders["customer_id"].map(cust["region"])).all()
    assert (cust["churned_date"].isna() | (cust["churned_date"] >= cust["created_date"])).all()
    # reps of orders and opportunities belong to the row's region
    reps = pd.concat([orders[["rep_id", "region"]], small["opportunities"][["rep_id", "region"]]])
    assert reps.groupby("rep_id")["region"].nunique().max() == 1


def test_value_ranges(small):
    o = small["orders"]
    assert (o["amount"] > 0).all() and (o["quantity"] >= 1).all()
    assert set(o["channel"]) <= {"online", "phone", "field", "partner"}
    c = small["customers"]
    assert set(c["segment"]) <= {"Enterprise", "SMB", "Consumer"}
    assert set(c["region"]) == set(TREATED_REGIONS) | set(CONTROL_REGIONS)
    opp = small["opportunities"]
    assert set(opp["status"]) <= {"won", "lost", "open"}
    assert (opp["status"] == "open").eq(opp["closed_date"].isna()).all()
    closed = opp.dropna(subset=["closed_date"])
    assert (closed["closed_date"] >= closed["created_date"]).all()
    assert (opp["amount"] > 0).all()
    t = small["tickets"]
    for col in ("first_response_at", "resolved_at"):
        ok = t[col].isna() | (t[col] >= t["opened_at"])
        assert ok.all(), col
        assert t[col].isna().any(), col  # some missing (unresolved / censored)
    both = t.dropna(subset=["first_response_at", "resolved_at"])
    assert (both["first_response_at"] <= both["resolved_at"]).all()
    assert t["is_complaint"].dtype == bool
    assert set(t["channel"]) <= {"email", "phone", "chat", "portal"}
    sat = t["satisfaction"].dropna()
    assert sat.between(1, 5).all() and t["satisfaction"].isna().any()
    s = small["surveys"]
    assert s["nps"].between(0, 10).all() and s["csat"].between(1, 5).all()
    assert s["ces"].between(1, 7).all()
    for i in range(1, 5):
        assert s[f"loyalty_{i}"].between(1, 5).all()
    us = small["user_survey"]
    for i in range(1, 11):
        assert us[f"sus_{i}"].between(1, 5).all()
    assert us["satisfaction"].between(1, 5).all()
    u = small["usage"]
    assert (u["sessions"] >= 1).all() and (u["actions"] >= u["sessions"]).all()
    camp = small["campaigns"]
    assert (camp["responses"] <= camp["contacts"]).all()
    assert (camp["conversions"] <= camp["responses"]).all()
    assert (camp["cost"] > 0).all() and (camp["revenue"] >= 0).all()
    costs = small["costs"]
    assert set(costs["year"]) == {0, 1, 2, 3}
    assert set(costs["phase"]) <= {"planning", "implementation", "operation"}
    assert costs["risk_adjustment"].between(0, 1).all() and (costs["amount"] > 0).all()
    benefits = small["benefits"]
    assert set(benefits["year"]) == {1, 2, 3}
    assert set(benefits["kpi"]) <= set(demo_truth(scale=SMALL)["kpis"])


def test_event_dates_inside_the_window(small):
    events = {
        "orders": ["order_date"],
        "opportunities": ["created_date", "closed_date"],
        "tickets": ["opened_at", "first_response_at", "resolved_at"],
        "surveys": ["response_date"],
        "usage": ["date"],
        "user_survey": ["response_date"],
        "campaigns": ["start_date"],
        "customers": ["churned_date"],
    }
    for name, cols in events.items():
        for col in cols:
            d = small[name][col].dropna()
            assert ((d >= START) & (d < END)).all(), (name, col)
    assert small["customers"]["created_date"].max() < END
    assert small["customers"]["created_date"].min() >= pd.Timestamp("2021-01-01")


def test_usage_only_after_go_live_and_only_in_treated_regions(small):
    usage = small["usage"]
    assert (usage["date"] >= GO_LIVE).all()
    reps = pd.concat([small["orders"], small["opportunities"]])[["rep_id", "region"]]
    west_reps = set(reps.loc[reps["region"].isin(CONTROL_REGIONS), "rep_id"])
    treated_reps = set(reps.loc[reps["region"].isin(TREATED_REGIONS), "rep_id"])
    assert west_reps and not west_reps & set(usage["user_id"])
    assert not west_reps & set(small["user_survey"]["user_id"])
    assert treated_reps & set(usage["user_id"])
    waves = small["user_survey"]["response_date"].dt.year.value_counts()
    assert set(waves.index) == {2024, 2025}


def test_tiny_scale_still_gives_valid_tables():
    tables = generate_tables(scale=0.001, seed=3)
    for name, frame in tables.items():
        assert len(frame) >= 3, name
        assert list(frame.columns) == COLUMNS[name]


# --- truth ------------------------------------------------------------------------------------


def test_truth_document_is_complete_and_consistent(truth):
    assert truth["go_live_date"] == "2025-01-01"
    assert truth["treated_regions"] == ["North", "South", "East"]
    assert truth["control_regions"] == ["West"]
    json.dumps(truth, allow_nan=False)  # plain JSON, no NaN
    required = {
        "average_order_value",
        "revenue_monthly",
        "win_rate",
        "sales_cycle_days",
        "first_response_hours",
        "resolution_hours",
        "complaints_per_1000_orders",
        "nps",
        "csat_top2_share",
        "churn_rate_annual",
        "sus_score",
        "units_per_order",
        "ticket_satisfaction",
        "campaign_response_rate",
        "ces",
        "average_deal_size",
    }
    assert required <= set(truth["kpis"])
    no_effect = {
        "units_per_order",
        "ticket_satisfaction",
        "campaign_response_rate",
        "ces",
        "average_deal_size",
    }
    keys = {"label", "injected", "unit", "scope", "before", "after", "effect"}
    keys |= {"relative_effect", "effect_kind", "note"}
    for name, k in truth["kpis"].items():
        assert keys <= set(k), name
        assert k["injected"] == (name not in no_effect), name
        assert k["effect"] == pytest.approx(k["after"] - k["before"], abs=1e-5)
        assert k["relative_effect"] == pytest.approx(k["effect"] / k["before"], abs=1e-5)
        if not k["injected"]:
            assert k["effect_kind"] == "none" and k["effect"] == 0
    kp = truth["kpis"]
    assert kp["average_order_value"]["relative_effect"] == pytest.approx(0.08)
    assert (kp["win_rate"]["before"], kp["win_rate"]["after"]) == (0.20, 0.26)
    assert kp["sales_cycle_days"]["relative_effect"] == pytest.approx(-0.15)
    assert kp["resolution_hours"]["relative_effect"] == pytest.approx(-0.20)
    assert kp["first_response_hours"]["relative_effect"] == pytest.approx(-0.30, abs=0.01)
    assert kp["complaints_per_1000_orders"]["relative_effect"] == pytest.approx(-0.25)
    assert kp["nps"]["effect"] == pytest.approx(8.0, abs=1e-6)
    assert (kp["churn_rate_annual"]["before"], kp["churn_rate_annual"]["after"]) == (0.18, 0.13)
    assert (kp["sus_score"]["before"], kp["sus_score"]["after"]) == (55.0, 72.0)
    assert kp["csat_top2_share"]["effect"] > 0
    # revenue: causal effect = 1.08 x 1.05 x (larger active base) - 1; the raw change adds growth
    rev = kp["revenue_monthly"]
    assert 1.08 * 1.05 - 1 < rev["causal_relative_effect"] < 0.25
    assert rev["relative_effect"] > rev["causal_relative_effect"]
    assert rev["control"]["after"] > rev["control"]["before"]  # customer-base growth
    # lognormal mean of the deal size: exp(mu + sigma^2 / 2)
    assert kp["average_deal_size"]["before"] == pytest.approx(60_000 * math.exp(0.5), rel=1e-6)


def test_truth_scales_only_revenue():
    a, b = demo_truth(scale=1.0), demo_truth(scale=0.5)
    for name in a["kpis"]:
        if name != "revenue_monthly":
            assert a["kpis"][name]["before"] == b["kpis"][name]["before"], name
    ratio = a["kpis"]["revenue_monthly"]["before"] / b["kpis"]["revenue_monthly"]["before"]
    assert ratio == pytest.approx(2.0, rel=1e-3)


# --- the injected effects are recovered at scale 1.0 -------------------------------------------


def test_full_scale_sizes(full):
    assert len(full["customers"]) == 20_000
    assert 190_000 <= len(full["orders"]) <= 210_000
    assert len(full["opportunities"]) == 20_000
    assert len(full["surveys"]) == 10_000


def test_average_order_value_effect(full, truth):
    o = full["orders"]
    cells = [(tr, af) for tr in (True, False) for af in (True, False)]
    aov = {(tr, af): _cell(o, tr, af)["amount"].mean() for tr, af in cells}
    treated_ratio = aov[True, True] / aov[True, False]
    west_ratio = aov[False, True] / aov[False, False]
    true_ratio = 1 + truth["kpis"]["average_order_value"]["relative_effect"]
    assert abs(treated_ratio / true_ratio - 1) < 0.03
    # West: no effect; SE of a ratio of two independent means by the delta method
    cv2 = [
        (_cell(o, False, af)["amount"].std() / aov[False, af]) ** 2 / len(_cell(o, False, af))
        for af in (True, False)
    ]
    assert abs(west_ratio - 1) < 4 * math.sqrt(sum(cv2))
    # the level of the AOV is close to its lognormal-mixture truth too
    assert aov[True, False] == pytest.approx(truth["kpis"]["average_order_value"]["before"], 0.05)


def test_units_per_order_has_no_effect(full, truth):
    o = full["orders"]
    true_units = truth["kpis"]["units_per_order"]["before"]
    for treated in (True, False):
        before, after = _cell(o, treated, False), _cell(o, treated, True)
        assert after["quantity"].mean() / before["quantity"].mean() == pytest.approx(1, abs=0.03)
        assert before["quantity"].mean() == pytest.approx(true_units, rel=0.05)


def test_monthly_revenue_effect(full, truth):
    o = full["orders"]
    rev = truth["kpis"]["revenue_monthly"]
    customers = full["customers"]
    # revenue per customer and year; customers are the sampling units (their segment and
    # order frailty persist), so standard errors are computed over customers
    per_customer = (
        o.groupby(["customer_id", o["order_date"].dt.year])["amount"]
        .sum()
        .unstack(fill_value=0.0)
        .reindex(customers["customer_id"], fill_value=0.0)
    )
    n = len(per_customer)
    for group, before, after in (
        (TREATED_REGIONS, rev["before"], rev["after"]),
        (CONTROL_REGIONS, rev["control"]["before"], rev["control"]["after"]),
    ):
        in_group = customers["region"].isin(group).to_numpy()
        y24 = per_customer[2024].to_numpy() * in_group
        y25 = per_customer[2025].to_numpy() * in_group
        # level: SE of a total over n i.i.d. customers = sqrt(n var(y))
        se_level = math.sqrt(n * y24.var(ddof=1)) / 12
        assert abs(y24.sum() / 12 - before) < 4 * se_level
        # ratio after / before: delta-method SE sqrt(sum (y25 - R y24)^2) / sum(y24)
        ratio = y25.sum() / y24.sum()
        se_ratio = math.sqrt(((y25 - ratio * y24) ** 2).sum()) / y24.sum()
        assert abs(ratio - after / before) < 4 * se_ratio
    # seasonality: December peak, February dip
    by_month = o.groupby(o["order_date"].dt.month).size()
    assert by_month.idxmax() == 12 and by_month.idxmin() == 2


def test_win_rate_effect(full, truth):
    opp = full["opportunities"]
    # mature cohorts (created January-June) so that nearly all deals are closed by the export
    mature = opp[(opp["created_date"].dt.month <= 6) & (opp["status"] != "open")]
    for treated, after, key in ((True, False, "before"), (True, True, "after")):
        cell = _cell(mature, treated, after)
        n = len(cell)
        p_hat = (cell["status"] == "won").mean()
        p_true = truth["kpis"]["win_rate"][key]
        # binomial standard error sqrt(p (1 - p) / n) at the true p; allow 3.5 SE plus 0.005
        # for the small censoring bias of the mature cohort (faster-closing lost deals)
        se = math.sqrt(p_true * (1 - p_true) / n)
        assert abs(p_hat - p_true) < 3.5 * se + 0.005, (key, p_hat, p_true, n)
    west = mature[~mature["treated"]]
    p_west = west.groupby("after")["status"].apply(lambda s: (s == "won").mean())
    se_diff = math.sqrt(2 * 0.2 * 0.8 / (len(west) / 2))
    assert abs(p_west[True] - p_west[False]) < 3.5 * se_diff


def test_sales_cycle_effect(full, truth):
    opp = full["opportunities"]
    # Won deals with a cycle of at most 180 days, of cohorts that cannot be censored at that
    # cap: all of 2024 (closed by mid-2025) and January-June 2025 (closed by December 2025).
    # The median of a lognormal truncated at the cap is computed exactly.
    won = opp[(opp["status"] == "won") & opp["treated"]]
    won = won[(won["created_date"] < pd.Timestamp("2025-07-01"))]
    days = (won["closed_date"] - won["created_date"]).dt.days
    won = won[days <= 180].assign(days=days[days <= 180])
    k = truth["kpis"]["sales_cycle_days"]

    def truncated_median(median: float, sigma: float = 0.8, cap: float = 180.5) -> float:
        p_cap = 0.5 * (1 + math.erf(math.log(cap / median) / (sigma * math.sqrt(2))))
        lo, hi = -10.0, 10.0  # the normal quantile of p_cap / 2, by bisection
        for _ in range(100):
            mid = (lo + hi) / 2
            if 0.5 * (1 + math.erf(mid / math.sqrt(2))) < p_cap / 2:
                lo = mid
            else:
                hi = mid
        return median * math.exp(sigma * lo)

    medians, ses = {}, {}
    for after, key in ((False, "before"), (True, "after")):
        cell = won[won["after"] == after]
        medians[key] = cell["days"].median()
        # SE of a sample median ~ 1.2533 sd / sqrt(n) on the log scale (sigma 0.8)
        ses[key] = 1.2533 * 0.8 / math.sqrt(len(cell))
        assert abs(math.log(medians[key] / truncated_median(k[key]))) < 4 * ses[key], key
    log_ratio = math.log(medians["after"] / medians["before"])
    true_log_ratio = math.log(truncated_median(k["after"]) / truncated_median(k["before"]))
    assert abs(log_ratio - true_log_ratio) < 4 * math.hypot(ses["before"], ses["after"])
    assert log_ratio < 0


def test_service_time_effects(full, truth):
    t = full["tickets"]
    first = (t["first_response_at"] - t["opened_at"]).dt.total_seconds() / 3600
    resolve = (t["resolved_at"] - t["opened_at"]).dt.total_seconds() / 3600
    t = t.assign(first=first, resolve=resolve)
    # 2024 tickets are all resolved before the export (no censoring), so medians are unbiased;
    # for 2025 use tickets opened before November (censoring at the export date is negligible)
    t = t[t["opened_at"] < pd.Timestamp("2025-11-01")]
    for col, kpi, sigma in (
        ("first", "first_response_hours", 1.0),
        ("resolve", "resolution_hours", 0.9),
    ):
        k = truth["kpis"][kpi]
        for treated, after, key in ((True, False, "before"), (True, True, "after")):
            cell = _cell(t, treated, after)[col].dropna()
            tol = 4 * 1.2533 * sigma / math.sqrt(len(cell))  # on the log scale
            assert abs(math.log(cell.median() / k[key])) < tol, (kpi, key)
        west = [_cell(t, False, af)[col].median() for af in (False, True)]
        n_west = len(t[~t["treated"]]) / 2
        assert abs(math.log(west[1] / west[0])) < 4 * 1.2533 * sigma * math.sqrt(2 / n_west)


def test_complaints_per_1000_orders_effect(full, truth):
    o, t = full["orders"], full["tickets"]
    k = truth["kpis"]["complaints_per_1000_orders"]
    for treated, after, key in ((True, False, "before"), (True, True, "after")):
        n_orders = len(_cell(o, treated, after))
        complaints = int(_cell(t, treated, after)["is_complaint"].sum())
        expected = k[key] / 1000 * n_orders
        assert abs(complaints - expected) < 4 * math.sqrt(expected)  # Poisson SE
    west = [int(_cell(t, False, af)["is_complaint"].sum()) for af in (False, True)]
    west_orders = [len(_cell(o, False, af)) for af in (False, True)]
    rates = [c / n for c, n in zip(west, west_orders, strict=True)]
    se = math.sqrt(sum(c / n**2 for c, n in zip(west, west_orders, strict=True)))
    assert abs(rates[1] - rates[0]) < 4 * se


def test_ticket_satisfaction_has_no_effect(full, truth):
    t = full["tickets"]
    true_mean = truth["kpis"]["ticket_satisfaction"]["before"]
    for treated in (True, False):
        for after in (False, True):
            sat = _cell(t, treated, after)["satisfaction"].dropna().astype(float)
            assert abs(sat.mean() - true_mean) < 4 * sat.std() / math.sqrt(len(sat))


def _nps(scores: pd.Series) -> float:
    return 100 * ((scores >= 9).mean() - (scores <= 6).mean())


def test_survey_effects(full, truth):
    s = full["surveys"]
    k = truth["kpis"]
    for treated in (True, False):
        b, a = _cell(s, treated, False), _cell(s, treated, True)
        # NPS standard error: 100 sqrt((p + d - (p - d)^2) / n)
        se = [
            100
            * math.sqrt(
                ((x["nps"] >= 9).mean() + (x["nps"] <= 6).mean() - (_nps(x["nps"]) / 100) ** 2)
                / len(x)
            )
            for x in (b, a)
        ]
        diff = _nps(a["nps"]) - _nps(b["nps"])
        expected = k["nps"]["effect"] if treated else 0.0
        assert abs(diff - expected) < 4 * math.hypot(*se)
        top2 = [(x["csat"] >= 4).mean() for x in (b, a)]
        expected = k["csat_top2_share"]["effect"] if treated else 0.0
        assert abs(top2[1] - top2[0] - expected) < 4 * math.sqrt(0.22 / len(b) + 0.22 / len(a))
        ces_sd = s["ces"].std()
        assert abs(a["ces"].mean() - b["ces"].mean()) < 4 * ces_sd * math.sqrt(
            1 / len(a) + 1 / len(b)
        )
    assert _nps(_cell(s, True, False)["nps"]) == pytest.approx(k["nps"]["before"], abs=6)
    assert s["ces"].mean() == pytest.approx(k["ces"]["before"], abs=0.05)


def test_loyalty_scale_reliability(full):
    items = full["surveys"][[f"loyalty_{i}" for i in range(1, 5)]].astype(float)
    k = items.shape[1]
    alpha = k / (k - 1) * (1 - items.var(ddof=1).sum() / items.sum(axis=1).var(ddof=1))
    assert 0.75 <= alpha <= 0.85


def test_churn_effect(full, truth):
    c = full["customers"]
    start = c["created_date"].clip(lower=START)
    end = c["churned_date"].fillna(END)
    treated = c["region"].isin(TREATED_REGIONS)
    k = truth["kpis"]["churn_rate_annual"]
    for lo, hi, key in ((START, GO_LIVE, "before"), (GO_LIVE, END, "after")):
        exposure = ((end.clip(upper=hi) - start.clip(lower=lo)).dt.days.clip(lower=0)) / 365
        events = (c["churned_date"] >= lo) & (c["churned_date"] < hi)
        for group, true_rate in ((treated, k[key]), (~treated, k["control"][key])):
            n_events = int(events[group].sum())
            hazard = n_events / exposure[group].sum()
            true_hazard = -math.log(1 - true_rate)
            # Poisson: SE(hazard) = hazard / sqrt(events)
            assert abs(hazard - true_hazard) < 4 * true_hazard / math.sqrt(n_events)


def test_sus_effect(full, truth):
    us = full["user_survey"]
    odd = us[[f"sus_{i}" for i in (1, 3, 5, 7, 9)]].sum(axis=1) - 5
    even = 25 - us[[f"sus_{i}" for i in (2, 4, 6, 8, 10)]].sum(axis=1)
    us = us.assign(sus=2.5 * (odd + even), wave=us["response_date"].dt.year)
    paired = us.pivot(index="user_id", columns="wave", values="sus").dropna()
    diff = paired[2025] - paired[2024]
    k = truth["kpis"]["sus_score"]
    assert abs(diff.mean() - k["effect"]) < 4 * diff.std() / math.sqrt(len(diff))
    assert diff.mean() > 8


def test_usage_adoption_ramps_up(full):
    u = full["usage"]
    active = u.groupby(u["date"].dt.month)["user_id"].nunique()
    assert active[1] < active[6] <= active[12]
    assert u["date"].min() >= GO_LIVE


def test_campaign_response_rate_near_truth(full, truth):
    camp = full["campaigns"]
    rate = camp["responses"].sum() / camp["contacts"].sum()
    # few unequal campaigns: only check the order of magnitude
    assert rate == pytest.approx(truth["kpis"]["campaign_response_rate"]["before"], rel=0.3)


# --- the client folder ------------------------------------------------------------------------


def test_generate_demo_client_writes_a_round_tripping_folder(tmp_path, small):
    root = generate_demo_client(tmp_path / "demo", scale=SMALL)
    assert root == tmp_path / "demo"
    params = yaml.safe_load((root / "params.yaml").read_text(encoding="utf-8"))
    assert params["client"] == "Demo Manufacturing Co." and params["currency"] == "CNY"
    assert str(params["go_live_date"]) == "2025-01-01"
    assert params["control"] == {"column": "region", "values": ["West"]}
    assert params["stats"] == {"alpha": 0.05, "correction": "holm"}
    assert params["finance"] == {
        "discount_rate": 0.10,
        "horizon_years": 3,
        "gross_margin": 0.30,
        "hourly_cost": 120.0,
    }
    assert len(params["objectives"]) == 3
    for obj in params["objectives"]:
        assert set(obj) == {"name", "kpi", "target", "unit", "deadline", "owner"}
    assert all(set(m) == {"name", "role", "responsibility"} for m in params["team"])
    assert params["scope"]["included"] and params["scope"]["excluded"]

    data = root / "data"
    files = sorted(p.name for p in data.iterdir())
    assert files == sorted([f"{n}.csv" for n in TABLES if n != "costs"] + ["costs.xlsx"])
    for name in TABLES:
        if name == "costs":
            back = pd.read_excel(data / "costs.xlsx")
            pd.testing.assert_frame_equal(back, small["costs"], check_dtype=False)
            continue
        back = pd.read_csv(data / f"{name}.csv", keep_default_na=False, dtype=str)
        assert list(back.columns) == COLUMNS[name]
        assert len(back) == len(small[name]), name
    tickets = pd.read_csv(data / "tickets.csv", dtype=str, keep_default_na=False)
    assert tickets["opened_at"].str.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d").all()
    assert (tickets["resolved_at"] == "").any()
    customers = pd.read_csv(data / "customers.csv", dtype=str, keep_default_na=False)
    assert customers["created_date"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    orders = pd.read_csv(data / "orders.csv", parse_dates=["order_date"])
    pd.testing.assert_series_equal(orders["amount"], small["orders"]["amount"], check_dtype=False)

    written = json.loads((root / "truth.json").read_text(encoding="utf-8"))
    assert written == json.loads(json.dumps(demo_truth(scale=SMALL)))


def test_generate_demo_client_is_byte_identical(tmp_path):
    a = generate_demo_client(tmp_path / "a", scale=0.01, seed=5)
    b = generate_demo_client(tmp_path / "b", scale=0.01, seed=5)
    names = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in names:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
