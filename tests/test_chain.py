"""The cause-and-effect chain: the correlation interval, per-unit changes, link statuses; and
the demo's stage 12 end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy import stats

from crmkit.cli import main
from crmkit.data.config import parse_params
from crmkit.synthesis.chain import (
    ChainReason,
    Link,
    LinkStatus,
    chain_results,
    correlation_interval,
    evaluate_chain,
    unit_changes,
)

ASSESSMENT = parse_params({"client": "Acme", "go_live_date": "2025-01-01"})


def exactly_correlated(r: float, n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """x and y whose sample correlation is exactly ``r`` (orthogonalised normal draws)."""
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n), rng.normal(size=n)
    a = (a - a.mean()) / np.linalg.norm(a - a.mean())
    b = b - b.mean()
    b = b - (b @ a) * a
    b = b / np.linalg.norm(b)
    return a, r * a + math.sqrt(1 - r * r) * b


def test_fisher_interval_matches_the_textbook_value():
    # r = 0.50, n = 50: 95 % CI 0.257 to 0.683 (e.g. Howell, Statistical Methods for
    # Psychology, Fisher's r-to-z: z = 0.549 ± 1.96 / √47)
    x, y = exactly_correlated(0.5, 50)
    n, r, low, high, p = correlation_interval(x, y)
    assert n == 50 and r == pytest.approx(0.5)
    assert low == pytest.approx(0.2574, abs=5e-4)
    assert high == pytest.approx(0.6833, abs=5e-4)
    # t = r √(n − 2) / √(1 − r²) = 0.5 × √48 / √0.75 = 4.0 on 48 df
    assert p == pytest.approx(2 * stats.t.sf(4.0, 48))


def test_interval_and_p_value_match_scipy():
    rng = np.random.default_rng(7)
    x = rng.normal(size=12)
    y = 0.4 * x + rng.normal(size=12)
    reference = stats.pearsonr(x, y)  # independent computation
    ci = reference.confidence_interval(confidence_level=0.95)
    n, r, low, high, p = correlation_interval(x, y)
    assert (n, r, p) == (12, pytest.approx(reference.statistic), pytest.approx(reference.pvalue))
    assert (low, high) == (pytest.approx(ci.low), pytest.approx(ci.high))


def test_too_few_pairs_or_a_constant_give_no_correlation():
    n, r, *_ = correlation_interval([1.0, 2.0, np.nan, 4.0], [1.0, 3.0, 2.0, np.nan])
    assert n == 2 and math.isnan(r)
    assert math.isnan(correlation_interval([1, 2, 3, 4], [5, 5, 5, 5])[1])


def regional_orders(steps: dict[str, float]) -> pd.DataFrame:
    """One order of 100 a month per region in 2024; of 100 + step a month in 2025."""
    rows = []
    months = pd.date_range("2024-01-01", "2025-12-01", freq="MS") + pd.Timedelta(days=14)
    for region, step in steps.items():
        for month in months:
            amount = 100.0 + (step if month.year == 2025 else 0.0)
            rows.append((f"O{len(rows):05d}", f"C-{region}", month, amount, region))
    return pd.DataFrame(rows, columns=["order_id", "customer_id", "order_date", "amount", "region"])


def test_unit_changes_by_hand():
    orders = regional_orders({"North": 0.0, "South": 10.0, "East": 30.0})
    changes = unit_changes({"orders": orders}, ASSESSMENT, "average_order_value", unit="region")
    # each region: mean order 100 before, 100 + step after
    assert changes.to_dict() == {"East": 30.0, "North": 0.0, "South": 10.0}


def test_rows_without_a_unit_are_left_out_of_every_unit():
    orders = regional_orders({"North": 0.0, "South": 10.0})
    orders["region"] = orders["region"].astype("string[pyarrow]")
    orders.loc[orders.index[:3], "region"] = pd.NA  # three North orders of 2024 lose their region
    changes = unit_changes({"orders": orders}, ASSESSMENT, "average_order_value", unit="region")
    assert changes.to_dict() == {"North": 0.0, "South": 10.0}


def test_a_link_whose_changes_move_together_is_supported():
    steps = {"R1": 0.0, "R2": 10.0, "R3": 20.0, "R4": 30.0, "R5": 45.0}
    link = Link("average_order_value", "revenue_monthly", "region")
    out = evaluate_chain({"orders": regional_orders(steps)}, ASSESSMENT, links=(link,))
    row = out.iloc[0]
    # one order a month: the revenue per month changes by exactly the order value's change
    assert (row["n"], row["r"]) == (5, pytest.approx(1.0))
    assert row["status"] is LinkStatus.SUPPORTED and row["reason"] is None


def test_a_significant_correlation_of_the_wrong_sign_is_not_supported():
    # average order value (higher is better) against the sales cycle (lower is better): a
    # positive correlation of their changes runs against the chain's expectation
    steps = {"R1": 0.0, "R2": 10.0, "R3": 20.0, "R4": 30.0, "R5": 45.0}
    orders = regional_orders(steps)
    rows = []
    for region, step in steps.items():
        for year, cycle in ((2024, 50), (2025, 50 + step)):
            for i in range(3):
                created = pd.Timestamp(f"{year}-03-01") + pd.Timedelta(days=30 * i)
                rows.append(
                    (f"P{len(rows):04d}", created, "won", created + pd.Timedelta(days=cycle),
                     region)
                )  # fmt: skip
    opportunities = pd.DataFrame(
        rows, columns=["opportunity_id", "created_date", "status", "closed_date", "region"]
    )
    link = Link("average_order_value", "sales_cycle_days", "region")
    out = evaluate_chain(
        {"orders": orders, "opportunities": opportunities}, ASSESSMENT, links=(link,)
    )
    assert out.at[0, "r"] == pytest.approx(1.0)
    assert out.at[0, "status"] is LinkStatus.NOT_SUPPORTED
    assert out.at[0, "reason"] is ChainReason.WRONG_SIGN


def test_links_that_cannot_be_tested_say_why():
    orders = regional_orders({"R1": 0.0, "R2": 10.0, "R3": 20.0})
    links = (
        Link("average_order_value", "revenue_monthly", "region"),  # 3 regions only
        Link("churn_rate_annual", "revenue_monthly", "region"),  # measured by its domain
        Link("win_rate", "revenue_monthly", "region"),  # no opportunities table
        Link("average_order_value", "revenue_monthly", "rep"),  # orders without rep_id
    )
    out = evaluate_chain({"orders": orders}, ASSESSMENT, links=links)
    assert (out["status"] == LinkStatus.NOT_TESTABLE).all()
    assert list(out["reason"]) == [
        ChainReason.TOO_FEW_UNITS,
        ChainReason.NOT_PER_UNIT,
        ChainReason.NO_DATA,
        ChainReason.NO_UNIT_KEY,
    ]
    records = chain_results(out)
    assert records[0]["n"] == 3 and records[0]["r"] is None
    assert records[1]["status"] == "not testable" and records[1]["reason"] == "not_per_unit"
    json.dumps(records, allow_nan=False)


@pytest.mark.slow
def test_the_demo_records_a_scorecard_with_all_four_perspectives(tmp_path_factory):
    base = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(
        main,
        [
            "demo", "--scale", "0.05", "--client-dir", str(base / "demo"),
            "--output", str(base / "reports"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report_dir = Path(result.output.strip().splitlines()[-1]).parent
    results = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    assert results["stages"]["balanced_scorecard"]["status"] == "ok"
    card = results["scorecard"]
    assert list(card["perspectives"]) == [
        "financial", "customer", "internal_process", "learning_and_growth",
    ]  # fmt: skip
    for entry in card["perspectives"].values():
        assert set(entry) == {"weight", "score", "coverage", "status", "n_kpis", "n_measured"}
    assert card["status"] == "measured" and 0 <= card["overall"] <= 1
    assert card["chain"] and {"cause", "effect", "r", "status"} <= set(card["chain"][0])
    assert results["benchmarks"]["win_rate"]["standing"] in ("better", "worse", "level")
    assert (report_dir / "12_balanced_scorecard.html").is_file()
