"""Placebo go-lives for every KPI verdict (crmkit.measure.placebo_kpis).

The hand calculation writes out one KPI's placebo effects on a six-month table; the
simulations generate clients in the manner of tests/null_clients.py with a long history
(go-live after five years of orders) and check the gated verdicts.
"""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from crmkit import kpis, measure
from crmkit.data import guards
from crmkit.data.config import Assessment, Window
from crmkit.measure.placebo_kpis import KpiPlaceboStatus, kpi_placebo, placebo_block
from crmkit.words.language import speaking
from crmkit.words.narrative import kpi as narrative_kpi
from crmkit.words.narrative import placebo as placebo_words
from crmkit.words.narrative import summary

START = dt.date(2020, 1, 1)
GO_LIVE = dt.date(2025, 1, 1)
END = dt.date(2025, 12, 31)


def _day(date: dt.date) -> int:
    return (date - dt.date(1970, 1, 1)).days


def long_client(
    seed: int, *, customers: int = 1500, rate_effect: float = 1.0, monthly_rate: float = 0.6
) -> tuple[dict[str, pd.DataFrame], Assessment]:
    """Customers buying at constant gamma-distributed rates from 2020 to 2025, no control group.

    Customers are created uniformly over 2020-01 … 2025-11 (the base grows and ages, as in
    tests/null_clients.py); no control group is declared, so every region got the CRM, and
    from go-live 2025-01-01 every customer's purchase rate is multiplied by ``rate_effect``.
    """
    rng = np.random.default_rng(seed)
    n = customers
    first, go, stop = _day(START), _day(GO_LIVE), _day(END) + 1
    created = first + np.floor(rng.uniform(0, stop - 30 - first, n))
    region = np.array(["North", "South", "West"])[rng.integers(0, 3, n)]
    daily = rng.gamma(1.0, monthly_rate, n) / 30.4375
    factor = np.full(n, rate_effect)
    owners, days = [], []
    for low, high, scale in (
        (created, np.maximum(created, go), np.ones(n)),
        (np.maximum(created, go), np.full(n, float(stop)), factor),
    ):
        length = np.maximum(np.minimum(high, stop) - low, 0.0)
        count = rng.poisson(daily * scale * length)
        owner = np.repeat(np.arange(n), count)
        owners.append(owner)
        days.append(np.floor(low[owner] + rng.uniform(0, 1, owner.size) * length[owner]))
    owner, day = np.concatenate(owners), np.concatenate(days)
    order = np.lexsort((day, owner))
    owner, day = owner[order], day[order]
    ids = np.array([f"C{i:06d}" for i in range(n)])
    epoch = np.datetime64("1970-01-01", "D")
    customers_table = pd.DataFrame(
        {
            "customer_id": ids,
            "created_date": pd.to_datetime(epoch + created.astype("timedelta64[D]")),
            "region": region,
        }
    )
    orders_table = pd.DataFrame(
        {
            "order_id": [f"O{i:08d}" for i in range(owner.size)],
            "customer_id": ids[owner],
            "order_date": pd.to_datetime(epoch + day.astype("timedelta64[D]")),
            "amount": np.round(rng.lognormal(4.0, 0.8, owner.size), 2),
            "region": region[owner],
        }
    )
    assessment = Assessment(
        "Long client", GO_LIVE, Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        Window(GO_LIVE, END),
    )  # fmt: skip
    return {"customers": customers_table, "orders": orders_table}, assessment


# --- hand calculation --------------------------------------------------------------------------

#: Monthly revenue January … June 2024, one order a month; go-live June, windows of one month.
_REVENUE = {"2024-01": 100.0, "2024-02": 120.0, "2024-03": 90.0, "2024-04": 150.0,
            "2024-05": 130.0, "2024-06": 200.0}  # fmt: skip


def _six_months() -> tuple[dict[str, pd.DataFrame], Assessment]:
    months = list(_REVENUE)
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(6)],
            "customer_id": [f"C{i}" for i in range(6)],
            "order_date": pd.to_datetime([f"{m}-15" for m in months]),
            "amount": list(_REVENUE.values()),
        }
    )
    june = dt.date(2024, 6, 1)
    assessment = Assessment(
        "Six months", june, Window(dt.date(2024, 5, 1), dt.date(2024, 5, 31)),
        Window(june, dt.date(2024, 6, 30)),
    )  # fmt: skip
    return {"orders": orders}, assessment


@pytest.mark.parametrize("name", ["revenue_monthly", "average_order_value"])
def test_placebo_effects_of_six_months_by_hand(name):
    # Fake go-lives February … May (each with its one-month before window inside the data and
    # its one-month after window ending before June): the month's revenue over the previous
    # month's, less one. One order a month, so the average order value is the same series
    # (computed by observing the moved windows again rather than by sliding).
    hand = {"2024-02": 120 / 100 - 1, "2024-03": 90 / 120 - 1, "2024-04": 150 / 90 - 1,
            "2024-05": 130 / 150 - 1}  # fmt: skip
    real = 200 / 130 - 1
    tables, assessment = _six_months()
    check = kpi_placebo(kpis.get_kpi(name), tables, assessment, real_effect=real, min_placebos=4)
    assert check.status is KpiPlaceboStatus.OK
    assert (check.history_months, check.needed_months) == (5, 5)  # 4 dates + 1 + 1 − 1
    placebos = check.result.placebos
    assert [str(p) for p in placebos["go_live"]] == list(hand)
    assert placebos["effect"].tolist() == pytest.approx(list(hand.values()), rel=1e-12)
    # |150/90 − 1| = 0.667 ≥ 0.538: one placebo as large, p = (1 + 1) / (4 + 1)
    assert check.result.p_value == pytest.approx(2 / 5)
    assert not check.outside and check.withholds


def test_five_months_of_history_are_too_short_for_five_placebos():
    tables, assessment = _six_months()
    kpi = kpis.get_kpi("revenue_monthly")
    check = kpi_placebo(kpi, tables, assessment, real_effect=0.5, min_placebos=5)
    assert check.status is KpiPlaceboStatus.HISTORY_TOO_SHORT
    assert (check.history_months, check.needed_months) == (5, 6)  # 5 dates + 1 + 1 − 1
    assert check.result is None and not check.withholds


def test_placebo_block_is_plain_json():
    block = placebo_block(
        status=KpiPlaceboStatus.OK, n=3, p_value=0.25, outside=False,
        go_lives=[pd.Period("2021-01", "M"), "2021-02", "2021-03"],
        effects_pct=[0.1, float("nan"), -0.2],
    )  # fmt: skip
    assert block == {
        "n": 3, "p_value": 0.25, "outside": False, "status": "ok", "reason": None,
        "effects_pct": [0.1, None, -0.2], "go_lives": ["2021-01", "2021-02", "2021-03"],
    }  # fmt: skip
    json.dumps(block, allow_nan=False)


# --- the gate in measure_kpis, results.json and the summary -----------------------------------


def test_a_null_clients_revenue_rise_is_withheld_with_its_placebos_in_results_json():
    # The base grows (customers keep being created), so monthly revenue rises after go-live
    # without any effect; earlier fake go-lives show rises as large.
    tables, assessment = long_client(0)
    results = measure.measure_kpis(tables, assessment)
    row = results.loc["revenue_monthly"]
    assert row["change_pct"] > 0.1 and row["p_adjusted"] < 0.05  # the test alone would claim it
    assert row["placebo_status"] == KpiPlaceboStatus.OK
    # windows of 12 months, 60 months before go-live: fake dates 2021-01 … 2024-01
    assert row["placebo_n"] == 37 and row["placebo_history_months"] == 60
    assert row["placebo_p_value"] > 0.05 and not row["placebo_outside"]
    assert row["verdict"] == "no detectable change" and row["guard"] == "inside_placebos"
    entry = measure.kpis_for_results(results)["revenue_monthly"]
    block = entry["placebo"]
    assert block["go_lives"][0] == "2021-01" and block["go_lives"][-1] == "2024-01"
    assert len(block["effects_pct"]) == 37 and block["status"] == "ok"
    assert block["outside"] is False and block["reason"] is None
    json.dumps(measure.kpis_for_results(results), allow_nan=False)
    # the executive summary repeats only what passed the check
    sentences = " ".join(summary.summary_kpis(measure.kpis_for_results(results)))
    assert "Monthly revenue (+" not in sentences
    assert guards.claimable(entry) is False


def test_history_too_short_keeps_the_verdict_and_says_how_many_months_it_needs():
    tables, _ = long_client(1, customers=800)
    short = Assessment(
        "Short", GO_LIVE, Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        Window(GO_LIVE, END),
    )  # fmt: skip
    tables = {
        name: frame.loc[frame[column] >= pd.Timestamp("2023-01-01")]
        for (name, frame), column in zip(
            tables.items(), ("created_date", "order_date"), strict=True
        )
    }
    results = measure.measure_kpis(tables, short, kpis_wanted=["revenue_monthly"])
    row = results.loc["revenue_monthly"]
    assert row["placebo_status"] == KpiPlaceboStatus.HISTORY_TOO_SHORT
    # 19 dates + 12 + 12 − 1 = 42 months needed; 2023-01 … 2024-12 = 24 months there
    assert (row["placebo_needed_months"], row["placebo_history_months"]) == (42, 24)
    assert row["guard"] != "inside_placebos" and row["placebo_n"] == 0  # the verdict stands
    sentence = placebo_words.placebo_sentence(row)
    assert "needs 42 months of data before go-live; there are 24" in sentence
    with speaking("zh"):
        chinese = placebo_words.placebo_sentence(row)
    assert "需要上线前 42 个月的数据，现有 24 个月" in chinese


# --- simulation --------------------------------------------------------------------------------

#: Measured KPIs of a client with customers and orders only (the orders and loyalty KPIs).
_ALPHA = 0.05


def _claims(seed: int, **kwargs) -> tuple[pd.Series, pd.DataFrame]:
    tables, assessment = long_client(seed, **kwargs)
    results = measure.measure_kpis(tables, assessment)
    measured = results.loc[results["status"] == "measured"]
    return measured["verdict"].isin(["improved", "worsened"]), measured


def _null_calls(seeds: range) -> tuple[int, int, set[str]]:
    calls, measured_total, called = 0, 0, set()
    for seed in seeds:
        claimed, measured = _claims(seed)
        calls += int(claimed.sum())
        measured_total += len(measured)
        called |= set(measured.index[claimed.to_numpy()])
    return calls, measured_total, called


def _check_null(seeds: range) -> None:
    # Bound: on a null client a KPI is called only if its placebo p-value is at most alpha,
    # which (dates exchangeable) happens with probability at most alpha; over all measured
    # KPIs of all clients the expected number of calls is at most alpha × (KPIs measured).
    # The test allows that expectation plus one (a binomial's spread at these sizes).
    calls, measured_total, called = _null_calls(seeds)
    assert calls <= _ALPHA * measured_total + 1, (calls, measured_total, called)
    assert "churn_rate_annual" not in called and "average_clv" not in called


def test_null_clients_are_rarely_called_improved_or_worsened_fast_subset():
    _check_null(range(5))


@pytest.mark.slow
@pytest.mark.simulation
def test_null_clients_are_rarely_called_improved_or_worsened():
    _check_null(range(20))


def _check_effect(seeds: range) -> None:
    # +20 % purchase rate from go-live: orders per customer-year rise by about a fifth, more
    # than any fake go-live shows (they move by a few per cent), so the call stands.
    for seed in seeds:
        claimed, measured = _claims(seed, rate_effect=1.2)
        row = measured.loc["purchase_frequency"]
        assert row["change_pct"] == pytest.approx(0.2, abs=0.06)
        assert row["placebo_status"] == KpiPlaceboStatus.OK and row["placebo_outside"]
        assert row["verdict"] == "improved" and claimed["purchase_frequency"]


def test_an_injected_purchase_rate_effect_is_still_called_fast_subset():
    _check_effect(range(1))


@pytest.mark.slow
@pytest.mark.simulation
def test_an_injected_purchase_rate_effect_is_still_called():
    _check_effect(range(5))


# --- the words in Chinese ----------------------------------------------------------------------


def test_kpi_and_placebo_sentences_in_chinese_keep_the_numbers():
    row = {"label": "Win rate", "unit": "share", "before": 0.20, "after": 0.26, "change": 0.06,
           "change_pct": 0.30, "ci_low": 0.045, "ci_high": 0.075, "p_adjusted": 0.0001,
           "mde": 0.012, "verdict": "improved", "note": None}  # fmt: skip
    english = narrative_kpi.describe_change(row)
    assert english.startswith("Win rate rose from 20.0 % to 26.0 % (+6.0 percentage points")
    with speaking("zh"):
        chinese = narrative_kpi.describe_change(row)
        withheld = narrative_kpi.kpi_verdict_text(
            {"status": "measured", "verdict": "no detectable change", "guard": "inside_placebos"}
        )
    assert "从 20.0 % 升至 26.0 %" in chinese and "+30.0 %" in chinese and "改善" in chinese
    assert withheld.startswith("无显著变化（请谨慎解读：") and "虚拟上线日" in withheld
    placebo = {"label": "Win rate", "change_pct": -0.21, "placebo_status": "ok",
               "placebo_n": 37, "placebo_p_value": 0.42, "placebo_outside": False}  # fmt: skip
    with speaking("zh"):
        sentence = placebo_words.placebo_sentence(placebo)
    assert "−21.0 %" in sentence and "37 个虚拟上线日" in sentence and "p = 0.420" in sentence
    letters = set("".join(ch for ch in sentence.replace("Win rate", "") if ch.isascii()))
    assert not any(ch.isalpha() for ch in letters - {"p"})
