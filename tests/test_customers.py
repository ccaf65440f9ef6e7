"""crmkit.domains.customers: churn, retention, loyalty, cohorts, survival, revenue split, findings.

Every reference value names its source: the Freireich 6-MP leukaemia data as printed in the
survival textbooks and by R, lifelines 0.30.3 run once on the deterministic data below
(lifelines needs pandas < 3, so it cannot be installed beside crmkit: its output is pasted),
a textbook implementation written out in this file, arithmetic on tiny hand-made tables, or
the demo client's injected truth.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmkit.data.config import Assessment, Control, Window
from crmkit.data.validation import validate_client
from crmkit.demo.synth import generate_demo_client
from crmkit.domains import customers as cu
from crmkit.domains.customers.drivers import _counting_process
from crmkit.stats.impact import CHANGE_COLUMNS, compare_rates, wilson_interval
from crmkit.words import customers as customer_words
from crmkit.words.phrases import findings_markdown

Z975 = 1.959963984540054

ASSESSMENT = Assessment(
    "Acme",
    dt.date(2025, 1, 1),
    Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
)


def _dates(*values: str | None) -> pd.Series:
    return pd.Series(pd.to_datetime(list(values)))


# --- reference data --------------------------------------------------------------------------

# Freireich et al. (1963), the 6-MP remission data (weeks; censored marked 0), as printed in
# Kleinbaum & Klein (2012), Survival Analysis: A Self-Learning Text, 3rd ed., ch. 1-2.
MP6_TIME = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
MP6_EVENT = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
PLACEBO_TIME = [1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23]


def _leukaemia() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "duration": MP6_TIME + PLACEBO_TIME,
            "event": np.array(MP6_EVENT + [1] * 21, dtype=bool),
            "rx": pd.Categorical(["6-MP"] * 21 + ["placebo"] * 21, categories=["6-MP", "placebo"]),
        }
    )


def _lcg(n: int, seed: int) -> np.ndarray:
    """Park–Miller minimal standard generator: the same numbers on every platform."""
    x, out = seed, []
    for _ in range(n):
        x = (x * 48271) % 2147483647
        out.append(x / 2147483647)
    return np.array(out)


def _synthetic() -> pd.DataFrame:
    """150 customers, two covariates, three groups, whole-day times (many ties), censoring."""
    n = 150
    u1, u2, u3, u4, u5 = (_lcg(n, s) for s in (11, 22, 33, 44, 55))
    x1 = (u1 - 0.5) * 2
    x2 = (u2 < 0.4).astype(float)
    group = np.where(u3 < 1 / 3, "a", np.where(u3 < 2 / 3, "b", "c"))
    latent = -np.log(u4) * 30 * np.exp(-(0.7 * x1 + 0.5 * x2 + 0.4 * (group == "c")))
    censor = 10 + u5 * 60
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(n)],
            "duration": np.ceil(np.minimum(latent, censor)),
            "event": latent <= censor,
            "x1": x1,
            "x2": x2,
            "group": pd.Categorical(group, categories=["a", "b", "c"]),
            "continuous": np.minimum(latent, censor),
        }
    )


def _km_by_hand(time: np.ndarray, event: np.ndarray) -> pd.DataFrame:
    """Kaplan & Meier (1958) with Greenwood's variance, written out as in the textbooks."""
    rows, survival, greenwood = [], 1.0, 0.0
    for t in sorted(set(time[event])):
        at_risk = int((time >= t).sum())
        deaths = int(((time == t) & event).sum())
        survival *= 1 - deaths / at_risk
        greenwood += deaths / (at_risk * (at_risk - deaths)) if at_risk > deaths else math.inf
        rows.append((t, at_risk, deaths, survival, survival * math.sqrt(greenwood)))
    return pd.DataFrame(rows, columns=["time", "at_risk", "events", "survival", "se"])


def _logrank_by_hand(time: np.ndarray, event: np.ndarray, group: np.ndarray) -> float:
    """Mantel (1966) log-rank chi-square for k groups: U'V⁻¹U over the first k − 1 groups."""
    labels = sorted(set(group))
    k = len(labels)
    observed_minus_expected = np.zeros(k)
    covariance = np.zeros((k, k))
    for t in sorted(set(time[event])):
        at_risk = np.array([((time >= t) & (group == g)).sum() for g in labels], dtype=float)
        deaths = np.array([((time == t) & event & (group == g)).sum() for g in labels], dtype=float)
        n, d = at_risk.sum(), deaths.sum()
        observed_minus_expected += deaths - d * at_risk / n
        if n > 1:
            factor = d * (n - d) / (n * n * (n - 1))
            covariance += factor * (np.diag(at_risk) * n - np.outer(at_risk, at_risk))
    u = observed_minus_expected[:-1]
    return float(u @ np.linalg.solve(covariance[:-1, :-1], u))


def _harrell_by_hand(time, event, risk, entry=None) -> float:
    """Harrell's C by its definition, pair by pair (R survival's rule for tied times)."""
    entry = np.zeros(len(time)) if entry is None else entry
    good = tied = total = 0.0
    for i in range(len(time)):
        if not event[i]:
            continue
        for j in range(len(time)):
            if entry[j] < time[i] < time[j]:
                total += 1
                good += risk[i] > risk[j]
                tied += risk[i] == risk[j]
    return (good + 0.5 * tied) / total


# --- Kaplan–Meier, log-rank, Cox: published values -------------------------------------------


def test_kaplan_meier_reproduces_the_6mp_textbook_table() -> None:
    km = cu.kaplan_meier(_leukaemia(), group="rx")
    mp6 = km.curve.loc[km.curve["group"] == "6-MP"].iloc[1:]  # row 0 is time 0, S = 1
    # Kleinbaum & Klein (2012), table 2.1 (6-MP group)
    assert mp6["time"].tolist() == [6, 7, 10, 13, 16, 22, 23]
    assert mp6["at_risk"].tolist() == [21, 17, 15, 12, 11, 7, 6]
    assert mp6["events"].tolist() == [3, 1, 1, 1, 1, 1, 1]
    assert mp6["survival"].tolist() == pytest.approx(
        [0.8571, 0.8067, 0.7529, 0.6902, 0.6275, 0.5378, 0.4482], abs=5e-5
    )
    # R: summary(survfit(Surv(time, cens) ~ treat, data = MASS::gehan)), std.err column
    assert mp6["se"].tolist() == pytest.approx(
        [0.0764, 0.0869, 0.0963, 0.1068, 0.1141, 0.1282, 0.1346], abs=5e-5
    )
    # lifelines 0.30.3 KaplanMeierFitter (log(−log) interval): 0.619718–0.951552, 0.563147–0.922809
    assert (mp6["ci_low"].iloc[0], mp6["ci_high"].iloc[0]) == pytest.approx(
        (0.619718, 0.951552), abs=1e-6
    )
    assert (mp6["ci_low"].iloc[1], mp6["ci_high"].iloc[1]) == pytest.approx(
        (0.563147, 0.922809), abs=1e-6
    )
    # medians (Kleinbaum & Klein): 23 weeks on 6-MP, 8 on placebo
    summary = km.summary.set_index("group")
    assert summary.loc["6-MP", "median"] == 23 and summary.loc["placebo", "median"] == 8
    assert summary["n"].tolist() == [21, 21] and summary["events"].tolist() == [9, 21]


def test_logrank_reproduces_the_6mp_chi_square() -> None:
    # R: survdiff(Surv(time, cens) ~ treat, data = MASS::gehan) → Chisq = 16.8 on 1 df,
    # p = 4e-05; lifelines 0.30.3 logrank_test: 16.792940989216547, p 4.168809109334511e-05
    row = cu.logrank(_leukaemia(), group="rx").iloc[0]
    assert row["statistic"] == pytest.approx(16.792940989216547, rel=1e-9)
    assert row["p_value"] == pytest.approx(4.168809109334511e-05, rel=1e-6)
    assert (row["df"], row["n"], row["events"], row["groups"]) == (1, 42, 30, 2)


def test_cox_reproduces_the_6mp_hazard_ratio() -> None:
    frame = _leukaemia()
    # R (Efron ties): coxph(Surv(time, cens) ~ treat, data = MASS::gehan): coef 1.572,
    # exp(coef) 4.817, se 0.412, p 0.00014; lifelines 0.30.3: 1.572125, se 0.412397
    efron = cu.churn_drivers(frame, ["rx"]).table.iloc[0]
    assert efron["term"] == "rx[placebo]" and efron["reference"] == "6-MP"
    assert efron["coef"] == pytest.approx(1.572125, abs=1e-6)
    assert efron["se"] == pytest.approx(0.412397, abs=1e-6)
    assert efron["hazard_ratio"] == pytest.approx(4.816873, abs=1e-5)
    assert (efron["ci_low"], efron["ci_high"]) == pytest.approx((2.146508, 10.809307), abs=1e-5)
    assert efron["p_value"] == pytest.approx(0.000138, abs=1e-6)
    # Breslow ties (Stata's default): coef 1.509, HR 4.523 (Kleinbaum & Klein 2012, ch. 3)
    breslow = cu.churn_drivers(frame, ["rx"], ties="breslow").table.iloc[0]
    assert breslow["hazard_ratio"] == pytest.approx(4.523, abs=5e-4)
    assert "382 % higher hazard of leaving than rx = 6-MP" in customer_words.driver_reading(efron)


# --- independent implementations: textbook code and lifelines --------------------------------


def test_kaplan_meier_matches_a_textbook_implementation_and_lifelines() -> None:
    data = _synthetic()
    time, event = data["duration"].to_numpy(), data["event"].to_numpy()
    curve = cu.kaplan_meier(data).curve.iloc[1:].reset_index(drop=True)
    expected = _km_by_hand(time, event)
    assert curve["time"].tolist() == expected["time"].tolist()
    assert curve["at_risk"].tolist() == expected["at_risk"].tolist()
    assert curve["survival"].to_numpy() == pytest.approx(expected["survival"].to_numpy(), rel=1e-12)
    assert curve["se"].to_numpy() == pytest.approx(expected["se"].to_numpy(), rel=1e-9)
    # lifelines 0.30.3 KaplanMeierFitter on the same data: S(t) and its interval at t = 5, 10,
    # 20, 30, and the median 14
    lifelines = {
        5.0: (0.7533333333333336, 0.6761400267477571, 0.8146445269714899),
        10.0: (0.5733333333333333, 0.4901814575593561, 0.6478911958005217),
        20.0: (0.4060395503938511, 0.3251690360491019, 0.4852403386389723),
        30.0: (0.2678948655859845, 0.1945997886770923, 0.34647837065749043),
    }
    for t, values in lifelines.items():
        row = curve.loc[curve["time"] <= t].iloc[-1]
        assert (row["survival"], row["ci_low"], row["ci_high"]) == pytest.approx(values, rel=1e-9)
    assert cu.kaplan_meier(data).summary["median"].iloc[0] == 14


def test_logrank_matches_a_textbook_implementation_and_lifelines() -> None:
    data = _synthetic()
    row = cu.logrank(data, group="group").iloc[0]
    by_hand = _logrank_by_hand(
        data["duration"].to_numpy(), data["event"].to_numpy(), data["group"].astype(str).to_numpy()
    )
    assert row["statistic"] == pytest.approx(by_hand, rel=1e-9)
    # lifelines 0.30.3 multivariate_logrank_test: 8.509167226235883, p 0.01419900179293588
    assert row["statistic"] == pytest.approx(8.509167226235883, rel=1e-9)
    assert row["p_value"] == pytest.approx(0.01419900179293588, rel=1e-7)
    assert row["df"] == 2


def test_cox_matches_lifelines_with_ties_and_categories() -> None:
    data = _synthetic()
    fit = cu.churn_drivers(data, ["x1", "x2", "group"])
    table = fit.table.set_index("term")
    # lifelines 0.30.3 CoxPHFitter (Efron), dummies b, c against a; to 1e-5, the two
    # optimisers' convergence tolerance
    assert table.loc[["x1", "x2", "group[b]", "group[c]"], "coef"].tolist() == pytest.approx(
        [1.76340325, 0.67947473, -0.91645652, 0.20541526], abs=1e-5
    )
    assert table.loc[["x1", "x2", "group[b]", "group[c]"], "se"].tolist() == pytest.approx(
        [0.2446522, 0.21163184, 0.27280724, 0.24208427], abs=1e-5
    )
    assert (fit.n, fit.events, fit.intervals) == (150, 115, 150)
    risk = data[["x1", "x2"]].to_numpy() @ table.loc[["x1", "x2"], "coef"].to_numpy()
    risk = risk + table.loc["group[b]", "coef"] * (data["group"] == "b").to_numpy()
    risk = risk + table.loc["group[c]", "coef"] * (data["group"] == "c").to_numpy()
    assert fit.concordance == pytest.approx(
        _harrell_by_hand(data["duration"].to_numpy(), data["event"].to_numpy(), risk), rel=1e-12
    )


def test_time_varying_complaints_match_lifelines_counting_process_fit() -> None:
    data = _synthetic()
    n = len(data)
    u6, u7 = _lcg(n, 66), _lcg(n, 77)
    first = np.floor(u6 * data["duration"]) + 0.5  # complaints at noon, never tied with churn
    second = np.floor(u7 * data["duration"]) + 0.5
    entry = pd.Timestamp("2024-01-01")
    keep_first, keep_second = u6 < 0.6, u7 < 0.35
    offsets = np.concatenate([first[keep_first], second[keep_second]])
    ids = np.concatenate([data["customer_id"][keep_first], data["customer_id"][keep_second]])
    tickets = pd.DataFrame(
        {
            "customer_id": ids,
            "opened_at": entry + pd.to_timedelta(offsets, unit="D"),
            "is_complaint": True,
        }
    )
    frame = data.assign(entry_date=entry)
    fit = cu.churn_drivers(frame, ["x1", "complaints"], tickets=tickets)
    table = fit.table.set_index("term")
    # lifelines 0.30.3 CoxTimeVaryingFitter on the same (start, stop] rows: complaints
    # 0.35589337 (se 0.1398528), x1 1.1406267 (se 0.19546017). Its input had 287 rows, 8 of
    # them empty (two complaints at the same moment), which churn_drivers merges: 279
    assert fit.intervals == 279
    assert table.loc["complaints", "coef"] == pytest.approx(0.35589337, abs=1e-6)
    assert table.loc["complaints", "se"] == pytest.approx(0.1398528, abs=1e-6)
    assert table.loc["x1", "coef"] == pytest.approx(1.1406267, abs=1e-6)
    assert table.loc["x1", "se"] == pytest.approx(0.19546017, abs=1e-6)
    assert customer_words.driver_reading(table.loc["complaints"]).startswith(
        "each extra complaint raises the hazard of leaving by 43 %"
    )


def test_counting_process_split_by_hand() -> None:
    # one customer followed 10 days: complaints on days 3 (two) and 7, one on day 0 and one
    # after the end → intervals (0, 3], (3, 7], (7, 10] with counts 1, 3, 4; event at the end
    row, start, stop, event, values = _counting_process(
        np.array([10.0]),
        np.array([True]),
        np.array([0, 0, 0, 0, 0]),
        np.array([3.0, 3.0, 7.0, 0.0, 12.0]),
        np.array([0, 0, 0, 0, 0]),
        np.ones(5),
        1,
    )
    assert row.tolist() == [0, 0, 0]
    assert start.tolist() == [0, 3, 7] and stop.tolist() == [3, 7, 10]
    assert event.tolist() == [False, False, True]
    assert values[:, 0].tolist() == [1, 3, 4]


def test_concordance_matches_its_definition_with_ties_and_entry() -> None:
    rng = np.random.default_rng(5)
    time = rng.integers(1, 30, 200).astype(float)  # many tied times
    event = rng.random(200) < 0.7
    risk = rng.integers(0, 8, 200).astype(float)  # many tied risks
    assert cu.concordance_index(time, event, risk) == pytest.approx(
        _harrell_by_hand(time, event, risk), rel=1e-12
    )
    entry = np.floor(time * rng.random(200))
    assert cu.concordance_index(time, event, risk, entry=entry) == pytest.approx(
        _harrell_by_hand(time, event, risk, entry), rel=1e-12
    )
    # lifelines 0.30.3 utils.concordance_index on untied times: 0.7627737226277372
    data = _synthetic()
    risk = 0.7 * data["x1"] + 0.5 * data["x2"]
    value = cu.concordance_index(data["continuous"], data["event"], risk)
    assert value == pytest.approx(0.7627737226277372, rel=1e-12)


# --- churn, retention, loyalty on tiny hand-made tables -------------------------------------


def test_inactivity_churn_by_hand() -> None:
    customers = pd.DataFrame(
        {"customer_id": ["A", "B", "C"], "created_date": _dates(*["2024-01-01"] * 3)}
    )
    orders = pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "B", "B", "B", "B"],
            "order_date": _dates(
                "2024-01-10", "2024-03-01", "2024-12-01",  # A: 275 days after 1 Mar > 180
                "2024-02-01", "2024-06-01", "2024-10-01", "2025-03-01",  # B: gaps ≤ 151 days
            ),
        }
    )  # fmt: skip
    dates = cu.churn_dates(customers, orders, inactivity_days=180, data_end="2025-06-30")
    # A lapses after its order of 1 Mar 2024; B's last order + 180 days is after the data's
    # end (still active); C never ordered: the order history begins on 10 Jan 2024, C was
    # created before it and so counts as active that day, then lapses → churn 10 Jan 2024
    assert dates["churn_date"].tolist()[0] == pd.Timestamp("2024-03-01")
    assert pd.isna(dates["churn_date"].iloc[1])
    assert dates["churn_date"].iloc[2] == pd.Timestamp("2024-01-10")
    # follow-up ends 180 days before the data's end: 30 Jun 2025 − 180 days = 1 Jan 2025
    assert dates["observed_until"].iloc[0] == pd.Timestamp("2025-01-01")
    assert (dates["source"] == "inactivity").all()
    assert cu.churn_rates(customers, ASSESSMENT, orders=orders, source="auto")["source"].iloc[
        0
    ] == ("inactivity")


def test_register_and_inactivity_are_never_mixed() -> None:
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B"],
            "created_date": _dates("2024-01-01", "2024-01-01"),
            "churned_date": _dates("2024-06-01", None),
        }
    )
    orders = pd.DataFrame(
        {"customer_id": ["A", "B"], "order_date": _dates("2024-01-02", "2024-01-02")}
    )
    dates = cu.churn_dates(customers, orders)  # B has not ordered for a year: still active
    assert dates["churned"].tolist() == [True, False]
    with pytest.raises(ValueError, match="inactivity_days"):
        cu.churn_dates(customers, orders, inactivity_days=0)
    with pytest.raises(ValueError, match="source"):
        cu.churn_dates(customers, orders, source="guess")


def test_compare_churn_by_hand() -> None:
    # (the comparable definitions themselves: tests/test_churn_windows.py)
    churned = ["2024-03-01", "2024-06-01", "2024-09-01", "2025-05-01", None, None, None, None]
    customers = pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(8)],
            "created_date": _dates(*["2020-01-01"] * 8),
            "churned_date": _dates(*churned),
        }
    )
    row = cu.compare_churn(customers, ASSESSMENT, data_end="2025-12-31").iloc[0]
    # 365 days followed in each window; days at risk count the churn day.
    # 2024: 60 + 1, 152 + 1, 244 + 1 for the three 2024 churners, 5 × 365 for the rest →
    # 2,284 days, 3 churns; 2025: 120 + 1 for the May churner + 4 × 365 → 1,581 days, 1 churn
    t_b, t_a = 2284 / 365, 1581 / 365
    r_b, r_a = 3 / t_b, 1 / t_a
    p_b, p_a = 1 - math.exp(-r_b), 1 - math.exp(-r_a)
    assert (row["before"], row["after"]) == pytest.approx((p_b, p_a))
    assert row["change"] == pytest.approx(p_a - p_b)
    assert row["change_pct"] == pytest.approx(p_a / p_b - 1)
    # the check is crmkit.stats.impact's exact conditional test on events per customer-year
    rates = compare_rates(3, t_b, 1, t_a).iloc[0]
    assert row["check_p_value"] == pytest.approx(rates["p_value"])
    assert row["effect_size"] == pytest.approx(r_a / r_b)
    assert (row["n_before"], row["n_after"]) == (3, 1)
    assert row["ci_low"] < row["change"] < row["ci_high"]
    assert list(cu.compare_churn(customers, ASSESSMENT, data_end="2025-12-31").columns) == list(
        CHANGE_COLUMNS
    )


ORDERS = pd.DataFrame(
    {
        "customer_id": ["A", "A", "A", "B", "C", "A", "A", "B", "B", "B", "D"],
        "order_date": _dates(
            "2024-01-10", "2024-03-10", "2024-03-10", "2024-05-01", "2024-06-01",
            "2025-02-01", "2025-03-01", "2025-02-01", "2025-04-02", "2025-04-02", "2025-05-05",
        ),
        "amount": [100.0, 50.0, 25.0, 30.0, 10.0, 80.0, 20.0, 40.0, 60.0, 5.0, 15.0],
        "region": ["North"] * 10 + ["West"],
    }
)  # fmt: skip


def test_loyalty_metrics_by_hand() -> None:
    a = Assessment(
        "Acme", ASSESSMENT.go_live_date, ASSESSMENT.before, ASSESSMENT.after,
        control=Control("region", ("West",)),
    )  # fmt: skip
    out = cu.loyalty_metrics(ORDERS, a).set_index("window")
    before, after = out.loc["before"], out.loc["after"]
    # 2024: buyers A (3 orders), B (1), C (1) → repeat rate 1/3; A's order days 10 Jan, 10 Mar
    # (two orders that day count as one purchase day) → one interval of 60 days
    assert (before["buyers"], before["orders"], before["repeat_buyers"]) == (3, 5, 1)
    assert before["repeat_rate"] == pytest.approx(1 / 3)
    assert before["purchase_interval_days"] == 60 and before["interval_customers"] == 1
    assert before["spend_per_buyer"] == pytest.approx((100 + 50 + 25 + 30 + 10) / 3)
    # 2025 (D is West, left out): A 1 Feb → 1 Mar (28 days), B 1 Feb → 2 Apr (60 days)
    # → median of the customers' medians = 44
    assert (after["buyers"], after["repeat_buyers"], after["orders"]) == (2, 2, 5)
    assert after["purchase_interval_days"] == pytest.approx(44.0)
    assert after["orders_per_buyer"] == pytest.approx(2.5)
    compared = cu.compare_loyalty(ORDERS, a).set_index("kpi")
    assert compared.loc["repeat_purchase_rate", "before"] == pytest.approx(1 / 3)
    assert compared.loc["repeat_purchase_rate", "after"] == pytest.approx(1.0)
    assert compared.loc["spend_per_customer", "after"] == pytest.approx((100 + 105) / 2)
    everyone = cu.loyalty_metrics(ORDERS, a, scope="all").set_index("window")
    assert everyone.loc["after", "buyers"] == 3


def test_revenue_by_relationship_by_hand() -> None:
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "created_date": _dates("2023-05-01", "2023-01-01", "2024-06-01", "2025-05-01"),
        }
    )
    out = cu.revenue_by_relationship(customers, ORDERS, ASSESSMENT, inactivity_days=180)
    after = out.loc[out["window"] == "after"].set_index("relationship")
    # 2025: A last ordered 10 Mar 2024 → first 2025 order 1 Feb 2025 is 328 days later:
    # won back (80 + 20); B: 1 May 2024 → 1 Feb 2025, 276 days: won back (40 + 60 + 5);
    # D created 2025: new (15)
    assert after["revenue"].to_dict() == {"new": 15.0, "retained": 0.0, "won_back": 205.0}
    assert after["customers"].to_dict() == {"new": 1, "retained": 0, "won_back": 2}
    before = out.loc[out["window"] == "before"].set_index("relationship")
    # 2024 (history starts 10 Jan 2024): A, B created before it and their first 2024 orders
    # come within 180 days of the history's start → retained; C created 2024 → new
    assert before["revenue"].to_dict() == {"new": 10.0, "retained": 205.0, "won_back": 0.0}
    assert before["revenue_share"].sum() == pytest.approx(1.0)


def test_acquisition_cost_by_hand() -> None:
    campaigns = pd.DataFrame(
        {
            "start_date": _dates("2024-03-01", "2024-09-01", "2025-03-01"),
            "cost": [1000.0, 500.0, 1500.0],
            "conversions": [10, 5, 6],
        }
    )
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "created_date": _dates("2023-04-01", "2024-04-01", "2024-05-01", "2025-06-01"),
        }
    )
    out = cu.acquisition_cost(campaigns, customers, ASSESSMENT).set_index("window")
    assert out.loc["before", "cost_per_new_customer"] == pytest.approx(1500 / 2)
    assert out.loc["after", "cost_per_new_customer"] == pytest.approx(1500 / 1)
    assert out.loc["before", "cost_per_conversion"] == pytest.approx(1500 / 15)


def test_cohort_retention_by_hand() -> None:
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C"],
            "created_date": _dates("2024-01-05", "2024-01-20", "2024-02-03"),
            "churned_date": _dates(None, "2024-02-15", None),
        }
    )
    orders = pd.DataFrame(
        {
            "customer_id": ["A", "B", "A", "C"],
            "order_date": _dates("2024-01-05", "2024-01-25", "2024-02-10", "2024-03-01"),
        }
    )
    ordered = cu.cohort_retention(customers, orders, data_end="2024-03-31")
    # January cohort (A, B): ordered in Jan 2/2, Feb 1/2 (A), Mar 0/2; February cohort (C):
    # Feb 0/1, Mar 1/1
    assert ordered["cohort"].dt.strftime("%Y-%m").tolist() == ["2024-01"] * 3 + ["2024-02"] * 2
    assert ordered["period"].tolist() == [0, 1, 2, 0, 1]
    assert ordered["active"].tolist() == [2, 1, 0, 0, 1]
    assert ordered["share"].tolist() == pytest.approx([1, 0.5, 0, 0, 1])
    matrix = cu.cohort_matrix(ordered)
    assert matrix.shape == (2, 3) and math.isnan(matrix.iloc[1, 2])
    # "retained": still a customer at each month's end; B churned 15 Feb
    retained = cu.cohort_retention(customers, orders, measure="retained", data_end="2024-03-31")
    assert retained["active"].tolist() == [2, 1, 1, 1, 1]
    assert (retained["measure"] == "retained").all()
    low, high = retained["ci_low"].iloc[1], retained["ci_high"].iloc[1]
    assert (low, high) == pytest.approx(wilson_interval(1, 2))


def test_compare_cohorts_by_hand() -> None:
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "created_date": _dates("2024-01-05", "2024-02-01", "2025-01-10", "2025-02-01"),
        }
    )
    orders = pd.DataFrame(
        {
            "customer_id": ["A", "A", "C", "D"],
            "order_date": _dates("2024-01-05", "2024-04-02", "2025-04-20", "2025-05-03"),
        }
    )
    out = cu.compare_cohorts(customers, orders, ASSESSMENT, periods=[3], data_end="2025-12-31")
    row = out.iloc[0]
    # month 3 after acquisition: A ordered in April 2024 (1 of 2 before); C in April and D in
    # May 2025 (2 of 2 after)
    assert (row["period"], row["before"], row["after"]) == (3, 0.5, 1.0)
    assert (row["n_before"], row["n_after"]) == (2, 2)


def test_survival_frame_by_hand() -> None:
    a = Assessment(
        "Acme", ASSESSMENT.go_live_date, ASSESSMENT.before, ASSESSMENT.after,
        control=Control("region", ("West",)),
    )  # fmt: skip
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "created_date": _dates("2023-01-01", "2025-03-01", "2022-01-01", "2024-02-01"),
            "churned_date": _dates("2024-04-10", None, "2023-06-01", None),
            "segment": ["SMB", "SMB", "Consumer", "Enterprise"],
            "region": ["North", "West", "North", "North"],
        }
    )
    tickets = pd.DataFrame(
        {
            "customer_id": ["A", "A", "D", "D", "B"],
            "opened_at": pd.to_datetime(
                [
                    "2024-02-01 10:00",
                    "2024-05-01 10:00",
                    "2024-03-01 09:00",
                    "2025-01-01 09:00",
                    "2025-04-01 08:00",
                ]
            ),
            "first_response_at": pd.to_datetime(
                [
                    "2024-02-01 14:00",
                    "2024-05-01 11:00",
                    "2024-03-01 11:00",
                    "2025-01-01 15:00",
                    None,
                ]
            ),
            "is_complaint": [True, True, False, True, False],
        }
    )
    frame = cu.survival_frame(customers, None, a, tickets=tickets, data_end="2025-12-31")
    # C churned before the study: not at risk. A: entry 1 Jan 2024, churn 10 Apr 2024 →
    # 100 days; B: acquired 1 Mar 2025 (after go-live, West) → censored at 1 Jan 2026, 306
    # days; D: acquired 1 Feb 2024, censored → 700 days
    assert frame["customer_id"].tolist() == ["A", "B", "D"]
    assert frame["duration"].tolist() == [100.0, 306.0, 700.0]
    assert frame["event"].tolist() == [True, False, False]
    assert frame["cohort"].astype(str).tolist() == ["before", "after", "before"]
    assert frame["arm"].astype(str).tolist() == ["crm", "control", "crm"]
    assert frame["tenure_years"].tolist() == pytest.approx([365 / 365, 0.0, 0.0])
    # A's complaint of 1 May is after its churn; D's two tickets: one complaint
    assert frame["tickets"].tolist() == [1, 1, 2]
    assert frame["complaints"].tolist() == [1, 0, 1]
    assert frame["first_response_hours"].iloc[0] == pytest.approx(4.0)
    assert math.isnan(frame["first_response_hours"].iloc[1])
    assert frame["first_response_hours"].iloc[2] == pytest.approx(4.0)  # median of 2 and 6


def test_control_mask_routes() -> None:
    control = Control("region", ("West",))
    customers = pd.DataFrame({"customer_id": ["A", "B"], "region": [" west ", "North"]})
    assert cu.control_mask(customers, control).tolist() == [True, False]
    tickets = pd.DataFrame({"customer_id": ["B", "A", "Z", None]})
    assert cu.control_mask(tickets, control, customers=customers).tolist() == [
        False, True, False, False,
    ]  # fmt: skip
    # through the orders: a customer is West when most of its orders are
    bare = pd.DataFrame({"customer_id": ["A", "B"]})
    orders = pd.DataFrame({"customer_id": ["A", "A", "B"], "region": ["West", "West", "North"]})
    assert cu.control_mask(bare, control, customers=bare, orders=orders).tolist() == [True, False]
    assert not cu.control_mask(bare, None).any()


# --- the demo client -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Assessment, dict]:
    folder = tmp_path_factory.mktemp("customers_demo")
    generate_demo_client(folder, scale=0.3)
    report = validate_client(folder)
    truth = json.loads((Path(folder) / "truth.json").read_text(encoding="utf-8"))["kpis"]
    return report.tables, report.assessment, truth


def test_demo_churn_is_close_to_the_injected_truth(demo: tuple[dict, Assessment, dict]) -> None:
    tables, assessment, truth = demo
    rates = cu.churn_rates(tables["customers"], assessment, orders=tables["orders"], alpha=0.01)
    true = truth["churn_rate_annual"]  # 0.18 → 0.13 in the CRM regions
    # tolerance: the 99 % interval holds the truth (±0.02 here)
    for row in rates.itertuples():
        assert row.ci_low < true[row.window] < row.ci_high
        assert abs(row.churn_probability - true[row.window]) < 0.02
    assert (rates["source"] == "churned_date").all()
    row = cu.compare_churn(
        tables["customers"], assessment, orders=tables["orders"], alpha=0.01
    ).iloc[0]
    assert row["ci_low"] < true["after"] - true["before"] < row["ci_high"]
    assert row["p_value"] < 0.01 and row["change"] < 0
    # the West region kept its old tools: churn 0.18 in both windows (truth.json "control"),
    # and no change is detected there
    control = cu.compare_churn(
        tables["customers"], assessment, orders=tables["orders"], scope="control", alpha=0.01
    ).iloc[0]
    assert control["ci_low"] < 0 < control["ci_high"]


def test_demo_cox_recovers_the_crm_effect_and_shows_the_complaint_bias(
    demo: tuple[dict, Assessment, dict],
) -> None:
    tables, assessment, _ = demo
    frame = cu.survival_frame(
        tables["customers"], tables["orders"], assessment, tickets=tables["tickets"]
    )
    assert frame["customer_id"].is_unique and len(frame) == 6000
    fit = cu.churn_drivers(
        frame,
        ["arm", "after_go_live", "crm_after_go_live", "complaints"],
        tickets=tables["tickets"],
        go_live=assessment.go_live_date,
    )
    table = fit.table.set_index("term")
    # synth.py: the hazard in the CRM regions falls from −ln(0.82) to −ln(0.87) per year at
    # go-live, the control's stays: difference-in-differences hazard ratio
    # ln(0.87)/ln(0.82) = 0.7017, inside the interval
    did = table.loc["crm_after_go_live"]
    assert did["ci_low"] < math.log(0.87) / math.log(0.82) < did["ci_high"]
    # complaints do not drive churn in the demo: the time-varying count's HR covers 1 ...
    assert table.loc["complaints", "ci_low"] < 1 < table.loc["complaints", "ci_high"]
    assert fit.intervals > fit.n
    # ... while the fixed count over the whole follow-up looks strongly protective (the bias
    # churn_drivers documents)
    biased = cu.churn_drivers(frame, ["complaints"]).table.iloc[0]
    assert biased["ci_high"] < 0.8
    # Kaplan–Meier: CRM customers entering before go-live keep about 1 − 0.18 after a year
    # (most of that year is the before window)
    km = cu.kaplan_meier(frame, group=["arm", "cohort"]).summary.set_index("group")
    assert 0.78 < km.loc["crm · before", "survival_at_horizon"] < 0.88
    assert cu.logrank(frame, group="arm").iloc[0]["groups"] == 2


def test_demo_loyalty_revenue_and_cohorts(demo: tuple[dict, Assessment, dict]) -> None:
    tables, assessment, _ = demo
    loyalty = cu.compare_loyalty(tables["orders"], assessment, customers=tables["customers"])
    rows = loyalty.set_index("kpi")
    # synth.py: order value × 1.08 and frequency × 1.05 in the CRM regions → spend rises
    assert rows.loc["spend_per_customer", "change"] > 0
    assert rows.loc["spend_per_customer", "p_value"] < 0.05
    revenue = cu.revenue_by_relationship(tables["customers"], tables["orders"], assessment)
    total = revenue.groupby("window")["revenue"].sum()
    crm_orders = tables["orders"].loc[tables["orders"]["region"] != "West"]
    assert total["after"] == pytest.approx(
        crm_orders.loc[crm_orders["order_date"].dt.year == 2025, "amount"].sum()
    )
    cohorts = cu.cohort_retention(tables["customers"], tables["orders"])
    assert cohorts["cohort"].min() == pd.Timestamp("2024-01-01")  # no pre-history cohorts
    assert (cohorts["active"] <= cohorts["cohort_size"]).all()


def test_customer_findings_say_the_numbers_in_words(demo: tuple[dict, Assessment, dict]) -> None:
    tables, assessment, _ = demo
    churn = cu.compare_churn(tables["customers"], assessment, orders=tables["orders"])
    rates = cu.churn_rates(tables["customers"], assessment, orders=tables["orders"])
    findings = customer_words.customer_findings(
        churn=churn,
        rates=rates,
        loyalty=cu.compare_loyalty(tables["orders"], assessment, customers=tables["customers"]),
        revenue=cu.revenue_by_relationship(tables["customers"], tables["orders"], assessment),
        currency="CNY",
    )
    row = churn.iloc[0]
    assert findings.paragraph.startswith(
        f"Annual churn fell from {row['before'] * 100:.1f} % to {row['after'] * 100:.1f} %"
    )
    assert "Spend per buying customer rose" in findings.paragraph
    assert "won-back customers" in findings.paragraph
    assert any("not corrected" in item for item in findings.limitations)


# --- report views of the loyalty stage ------------------------------------------------------

CONTROLLED = Assessment(
    "Acme",
    ASSESSMENT.go_live_date,
    ASSESSMENT.before,
    ASSESSMENT.after,
    control=Control("region", ("West",)),
)


def _register() -> pd.DataFrame:
    """Six customers with a churn register: four in CRM regions, two in the West (control)."""
    return pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D", "W1", "W2"],
            "created_date": _dates(
                "2023-01-01", "2023-06-01", "2024-07-01", "2025-03-01", "2023-01-01", "2023-01-01"
            ),
            "churned_date": _dates("2024-04-01", None, "2025-01-01", None, "2025-07-01", None),
            "region": ["North", "North", "East", "East", "West", "West"],
        }
    )


def test_findings_markdown_lists_the_limitations() -> None:
    text = findings_markdown("Churn fell.", ["Few customers.", "No control group."])
    assert text == "Churn fell.\n\n**Limitations**\n\n- Few customers.\n- No control group."
    assert findings_markdown("", []) == "The data allow no findings on this yet."
    findings = customer_words.CustomerFindings("Churn fell.", ["Few customers."])
    assert findings.markdown().endswith("- Few customers.")


def test_scoped_customers_and_churn_summary_split_the_control_group() -> None:
    customers = _register()
    assert cu.scoped_customers(customers, CONTROLLED)["customer_id"].tolist() == [
        "A",
        "B",
        "C",
        "D",
    ]
    assert cu.scoped_customers(customers, CONTROLLED, scope="control")["customer_id"].tolist() == [
        "W1",
        "W2",
    ]
    summary = cu.churn_summary(customers, CONTROLLED)
    expected = cu.churn_rates(customers, CONTROLLED)
    pd.testing.assert_frame_equal(summary.rates, expected)
    control = cu.churn_rates(customers, CONTROLLED, scope="control")
    pd.testing.assert_frame_equal(summary.control_rates, control)
    assert summary.control_change["n_after"].iloc[0] == 1  # W1 churned in 2025
    frame = customer_words.churn_frame(summary)
    assert frame["label"].tolist() == [
        "CRM units, before go-live",
        "CRM units, after go-live",
        "Control group (no CRM), before go-live",
        "Control group (no CRM), after go-live",
    ]
    assert frame["highlight"].tolist() == [False, True, False, False]
    assert frame["estimate"].iloc[0] == pytest.approx(expected["churn_probability"].iloc[0] * 100)
    plain = cu.churn_summary(customers, ASSESSMENT)
    assert plain.control_rates is None and plain.control_change is None
    assert customer_words.churn_frame(plain)["label"].iloc[0] == "Customers, before go-live"
    view = customer_words.churn_view(summary.rates)
    assert view.units["Annual churn"] == "%" and view.units["Customer-years at risk"] == "years"


def test_churn_text_reads_the_change_against_the_control_group() -> None:
    rates = pd.DataFrame({"source": ["churned_date"] * 2})
    control = pd.DataFrame({"before": [0.18], "after": [0.19], "p_value": [0.6]})
    summary = cu.ChurnSummary(rates, rates, control)
    row = {"before": 0.18, "after": 0.13, "change": -0.05, "verdict": "improved"}
    text = customer_words.churn_text(row, summary)
    assert "about 18 left within a year before go-live and 13 after" in text
    assert "customers stay longer" in text
    assert "churn went from 18.0 % to 19.0 %, no detectable change" in text
    moved = cu.ChurnSummary(rates, rates, control.assign(p_value=0.001))
    assert "part of the change is not the CRM's" in customer_words.churn_text(row, moved)
    inactive = cu.ChurnSummary(pd.DataFrame({"source": ["inactivity"]}), None, None)
    assert "no order for 180 days" in customer_words.churn_text(row, inactive)
    flat = {"before": 0.18, "after": 0.17, "change": -0.01, "p_value": 0.5}
    assert "within what chance produces" in customer_words.churn_text(flat, inactive)
    missing = {
        "before": float("nan"),
        "after": 0.1,
        "change": float("nan"),
        "p_value": float("nan"),
    }
    assert "too few customers" in customer_words.churn_text(missing, inactive)


def test_buyer_values_and_loyalty_views() -> None:
    orders = pd.DataFrame(
        {
            "customer_id": ["A", "A", "B", "A", "W1"],
            "order_date": _dates(
                "2024-01-01", "2024-01-11", "2024-03-01", "2025-02-01", "2025-03-01"
            ),
            "amount": [10.0, 20.0, 5.0, 7.0, 100.0],
            "region": ["North", "North", "East", "North", "West"],
        }
    )
    before, after = cu.buyer_values(orders, CONTROLLED)
    assert before.set_index("customer_id")["spend"].to_dict() == {"A": 30.0, "B": 5.0}
    assert before.set_index("customer_id")["interval_days"].to_dict()["A"] == 10.0
    assert after["customer_id"].tolist() == ["A"]  # W1 is in the control group
    loyalty = cu.loyalty_metrics(orders, CONTROLLED)
    view = customer_words.loyalty_view(loyalty, currency="CNY")
    assert view.frame["Bought twice or more"].tolist() == pytest.approx([50.0, 0.0])
    assert view.units["Spend per buying customer"] == "CNY"
    changes = pd.DataFrame(
        {
            "kpi": ["spend_per_customer", "repeat_purchase_rate", "purchase_interval_days"],
            "change": [100.0, 0.02, -3.0],
            "verdict": ["improved", "no detectable change", "improved"],
        }
    )
    text = customer_words.loyalty_text(changes)
    assert "buying customers spend more and customers buy again sooner since go-live" in text
    assert "The share who come back for a second purchase has not changed detectably." in text
    assert "too few buying customers" in customer_words.loyalty_text(
        changes.assign(verdict="insufficient data")
    )


def test_cohort_views_by_hand() -> None:
    compare = pd.DataFrame(
        {
            "period": [3, 6],
            "before": [0.36, 0.35],
            "after": [0.45, 0.36],
            "change": [0.09, 0.01],
            "ci_low": [0.03, -0.02],
            "ci_high": [0.15, 0.04],
            "p_value": [0.004, 0.84],
            "n_before": [2746, 2746],
            "n_after": [1995, 1348],
        }
    )
    assert customer_words.cohort_title(compare) == (
        "Customers acquired after go-live are more active 3 months on than earlier ones "
        "(45 % vs 36 % ordered)"
    )
    text = customer_words.cohort_text(compare)
    assert "kept better than those won before it" in text and "at month 3" in text
    assert "1,348 after go-live at month 6" in text
    view = customer_words.cohort_compare_view(compare)
    assert view.frame["Change"].tolist() == pytest.approx([9.0, 1.0])
    assert view.frame["Confidence interval"].iloc[0] == "+3.0 to +15.0"
    assert view.units["Change"] == "percentage points"
    unknown = compare.assign(p_value=float("nan"))
    assert customer_words.cohort_title(unknown).startswith("Too few cohorts after go-live")
    assert "followed long enough" in customer_words.cohort_text(unknown)


def test_window_survival_splits_follow_up_at_the_windows_by_hand() -> None:
    frame = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "event": [True, False, True, True],
            "entry_date": _dates("2024-01-01", "2024-07-01", "2025-03-01", "2024-01-01"),
            "exit_date": _dates("2025-03-01", "2026-01-01", "2025-03-11", "2025-01-01"),
        }
    )
    out = cu.window_survival(frame, ASSESSMENT)
    rows = [
        tuple(r)
        for r in out[["customer_id", "window", "duration", "event"]].itertuples(index=False)
    ]
    assert rows == [
        ("A", "before", 366.0, False),  # through all of 2024 (a leap year), censored at its end
        ("A", "after", 59.0, True),  # churns 1 March 2025: 59 days into the after window
        ("B", "before", 184.0, False),  # acquired 1 July 2024
        ("B", "after", 365.0, False),
        ("C", "after", 10.0, True),  # acquired after go-live: only an after spell
        ("D", "before", 366.0, False),  # churns on the first day of the after window …
        ("D", "after", 0.0, True),  # … which counts there
    ]
    assert out["window"].cat.categories.tolist() == ["before", "after"]


def test_window_survival_follows_each_window(demo) -> None:
    tables, assessment, _ = demo
    analysis = cu.survival_analysis(tables["customers"], tables["orders"], assessment)
    rates = cu.churn_rates(tables["customers"], assessment, orders=tables["orders"]).set_index(
        "window"
    )
    # the register's churn, followed from each window's start, agrees with the survival spells
    # of the customers alive at the start (the spells also follow those acquired later)
    spells = analysis.spells
    for window in ("before", "after"):
        part = spells.loc[spells["window"] == window]
        assert int(part["event"].sum()) >= rates.loc[window, "churned"]
    # synth.py: annual churn 0.18 before, 0.13 after in the CRM regions → a year's survival
    # of about 0.82 and 0.87, and a log-rank test that tells them apart
    summary = analysis.km.summary.set_index("group")
    assert abs(summary.loc["before", "survival_at_horizon"] - 0.82) < 0.025
    assert abs(summary.loc["after", "survival_at_horizon"] - 0.87) < 0.025
    assert summary.loc["after", "horizon"] == 365.0
    assert analysis.test["p_value"].iloc[0] < 0.01
    assert (analysis.frame["arm"] == "control").any()  # the churn model sees every customer
    title = customer_words.survival_title(analysis.km.summary, analysis.test)
    assert title.startswith("After go-live 8") and title.endswith("larger than chance explains")
    assert "customers stay longer" in customer_words.survival_text(
        analysis.km.summary, analysis.test
    )
    labels = customer_words.survival_labels(analysis.km.summary)
    assert labels["before"].startswith("Before go-live (") and labels["after"].endswith(
        "customers)"
    )
    view = customer_words.survival_view(analysis.km.summary)
    assert view.frame["Median time to churn"].tolist() == ["not reached", "not reached"]


def test_survival_title_and_text_without_enough_follow_up() -> None:
    summary = pd.DataFrame(
        {
            "group": ["before", "after"],
            "survival_at_horizon": [float("nan"), 0.9],
            "median": [float("nan")] * 2,
            "horizon": [365.0] * 2,
        }
    )
    test = pd.DataFrame({"statistic": [1.0], "df": [1], "p_value": [0.3]})
    assert "do not follow customers long enough" in customer_words.survival_title(summary, test)
    assert "differ by no more than chance" in customer_words.survival_text(summary, test)
    one = summary.iloc[:1]
    assert customer_words.survival_title(one, test).startswith("Too few customers")
    assert "too few customers" in customer_words.survival_text(
        one, test.assign(p_value=float("nan"))
    )


def test_driver_covariates_and_the_churn_model_on_the_demo(demo) -> None:
    tables, assessment, _ = demo
    frame = cu.survival_frame(
        tables["customers"], tables["orders"], assessment, tickets=tables["tickets"]
    )
    covariates = cu.driver_covariates(frame, assessment, tickets=tables["tickets"])
    # region is in the model, so the control arm is not added again (it would be aliased)
    assert covariates == [
        "segment",
        "region",
        "tenure_years",
        "complaints",
        "after_go_live",
        "crm_after_go_live",
    ]
    assert "arm" in cu.driver_covariates(frame.drop(columns="region"), assessment)
    fit = cu.fit_churn_drivers(frame, assessment, tickets=tables["tickets"])
    assert isinstance(fit, cu.ChurnDrivers)
    drawn = customer_words.drivers_frame(fit).set_index("label")
    # synth.py: the CRM lowers the hazard from −ln 0.82 to −ln 0.87 a year: HR 0.70
    crm = drawn.loc["CRM units after go-live (the CRM's effect)"]
    assert crm["ci_low"] < math.log(0.87) / math.log(0.82) < crm["ci_high"]
    assert not drawn.loc["Each complaint so far", "significant"]
    assert (
        "Segment: SMB (vs Consumer)" in drawn.index or "Segment: Consumer (vs SMB)" in drawn.index
    )
    assert customer_words.drivers_text(fit).startswith("**What it means:** a hazard ratio above 1")
    assert customer_words.drivers_view(fit).units["Hazard ratio"] == "× hazard"
    few = frame.assign(event=False)
    assert customer_words.not_fitted_reason(cu.fit_churn_drivers(few, assessment)) == (
        "only 0 churn event(s); at least 10 are needed to model churn"
    )


def test_drivers_title_picks_the_largest_clear_effect() -> None:
    table = pd.DataFrame(
        {
            "term": ["region[West]", "complaints", "tenure_years"],
            "covariate": ["region", "complaints", "tenure_years"],
            "level": ["West", None, None],
            "reference": ["North", None, None],
            "hazard_ratio": [1.18, 1.5, 0.95],
            "ci_low": [1.1, 0.9, 0.9],
            "ci_high": [1.27, 2.5, 0.99],
            "p_value": [0.001, 0.2, 0.03],
            "reading": ["…", "…; not distinguishable from no effect (p = 0.200)", "…"],
        }
    )
    fit = cu.ChurnDrivers(table, 0.72, 100, 40, 100, "efron", None)
    # complaints has the largest ratio but is not clear; West (ln 1.18 = 0.17) beats tenure
    assert customer_words.drivers_title(fit) == (
        "What drives churn: Region: West (vs North) raises the hazard of leaving by 18 %"
    )
    frame = customer_words.drivers_frame(fit)
    assert frame["label"].tolist() == [
        "Region: West (vs North)",
        "Each complaint so far",
        "Each year as a customer",
    ]
    assert frame["significant"].tolist() == [True, False, True]
    text = customer_words.drivers_text(fit)
    assert "faster: Region: West (vs North)" in text and "slower: Each year as a customer" in text
    assert "the factors predict well who leaves" in text
    did = table.assign(
        term="crm_after_go_live",
        covariate="crm_after_go_live",
        level=None,
        reference=None,
        hazard_ratio=0.7,
        p_value=0.001,
        reading="…",
    ).iloc[:1]
    effect = customer_words.drivers_text(cu.ChurnDrivers(did, 0.55, 100, 40, 100, "efron", None))
    assert "the CRM lowered the hazard of leaving by 30 %" in effect
    assert "churn is hard to predict from these factors alone" in effect
    none = cu.ChurnDrivers(table.iloc[1:2], float("nan"), 100, 40, 100, "efron", None)
    assert customer_words.drivers_title(none) == "No factor in the data is clearly linked to churn"


def test_relationship_views_by_hand() -> None:
    revenue = pd.DataFrame(
        {
            "window": ["before"] * 3 + ["after"] * 3,
            "relationship": ["new", "retained", "won_back"] * 2,
            "customers": [2, 8, 1, 2, 7, 3],
            "orders": [4, 60, 1, 4, 66, 8],
            "revenue": [13.0, 86.0, 1.0, 11.0, 85.0, 4.0],
            "revenue_share": [0.13, 0.86, 0.01, 0.11, 0.85, 0.04],
            "revenue_per_customer": [6.5, 10.75, 1.0, 5.5, 12.14, 1.33],
        }
    )
    mix = customer_words.relationship_mix(revenue)
    assert mix.index.tolist() == ["Before go-live", "After go-live"]
    assert mix.columns.tolist() == ["Retained", "New", "Won back"]
    assert mix.loc["After go-live"].tolist() == [0.85, 0.11, 0.04]
    assert customer_words.relationship_title(revenue) == (
        "After go-live 85 % of revenue came from retained customers; the share from won-back "
        "customers rose most (1 % → 4 %)"
    )
    acquisition = pd.DataFrame(
        {
            "window": ["before", "after"],
            "campaigns": [2, 1],
            "cost": [1500.0, 1500.0],
            "new_customers": [2, 1],
            "cost_per_new_customer": [750.0, 1500.0],
            "conversions": [15.0, 6.0],
            "cost_per_conversion": [100.0, 250.0],
        }
    )
    text = customer_words.relationship_text(revenue, acquisition, currency="CNY")
    assert "85 % of revenue after go-live came from customers who were already buying" in text
    assert "Keeping customers is worth more than winning new ones." in text
    assert "CNY 1,500 per new customer after go-live, more than the CNY 750 before" in text
    assert customer_words.relationship_view(revenue, currency="CNY").units["Revenue"] == "CNY"
    assert customer_words.acquisition_view(acquisition, currency="CNY").frame[
        "Cost per new customer"
    ].tolist() == [750.0, 1500.0]


def test_retention_record_is_json_ready(demo) -> None:
    tables, assessment, _ = demo
    customers, orders = tables["customers"], tables["orders"]
    churn = cu.churn_summary(customers, assessment, orders=orders)
    record = customer_words.retention_record(
        churn=churn,
        change=cu.compare_churn(customers, assessment, orders=orders),
        cohorts=cu.compare_cohorts(customers, orders, assessment),
        survival=cu.survival_analysis(customers, orders, assessment),
        drivers="too few churn events",
        revenue=cu.revenue_by_relationship(customers, orders, assessment),
        acquisition=cu.acquisition_cost(tables["campaigns"], customers, assessment),
        loyalty=cu.loyalty_metrics(orders, assessment, customers=customers),
    )
    text = json.dumps(record, allow_nan=False)
    assert "NaN" not in text
    assert record["churn_source"] == "churned_date"
    before = record["churn_rate_annual"]["before"]["churn_probability"]
    assert before == pytest.approx(churn.rates["churn_probability"].iloc[0])
    assert set(record["control_churn_rate_annual"]) == {"before", "after"}
    assert set(record["cohort_retention"]) == {"month_3", "month_6"}
    assert record["survival"]["before"]["median_days"] is None  # not reached
    assert record["survival"]["logrank_p_value"] < 0.01
    assert "churn_drivers" not in record  # a reason string records nothing
    assert set(record["revenue_by_relationship"]["after"]) == {"new", "retained", "won_back"}
