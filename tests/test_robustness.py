"""Clients the kit was not made for: the shapes themselves, a fast subset of the robustness
matrix end to end, and null clients on which every verdict of change is a false positive.

The whole matrix (every shape, several seeds) is ``benchmarks/robustness_matrix.py``; the
end-to-end part here runs the four shapes that cover the paths on which runs were lost:
a control region without reps (difference-in-differences without an interval), data that
start at go-live, a handful of rows, and one acquisition cohort without a control group.
"""

from __future__ import annotations

import dataclasses
import math
import re
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from robustness_checks import all_problems, check_change_pct, check_headline_signs, run_client
from scipy import stats

from crmkit.data.guards import claimable
from crmkit.data.validation import validate_client
from crmkit.demo.shapes import (
    HOSTILE_TEXTS,
    SHAPES,
    crm_regions,
    generate_tables,
    timeline,
    write_client,
)
from crmkit.measure import kpis_for_results, measure_kpis

DAYS_PER_YEAR = 365.25


def _read_csv(folder: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(folder / "data" / f"{table}.csv", dtype=str, keep_default_na=False)


# ---------------------------------------------------------------------------------------------
# The shapes: each promises a property of its tables; checked here by hand-made rules.
# ---------------------------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_other_data(tmp_path):
    shape = SHAPES["west_control"]
    first = write_client(shape, tmp_path / "a", seed=7)
    again = write_client(shape, tmp_path / "b", seed=7)
    other = write_client(shape, tmp_path / "c", seed=8)
    for path in sorted((first / "data").glob("*.csv")) + [first / "params.yaml"]:
        relative = path.relative_to(first)
        assert path.read_bytes() == (again / relative).read_bytes(), relative
    assert (first / "data/orders.csv").read_bytes() != (other / "data/orders.csv").read_bytes()


def test_catalogue_covers_the_shapes_the_matrix_needs():
    by = SHAPES
    assert len(by) >= 25
    assert any(s.control_column is None for s in by.values())
    assert any(s.control_column == "rep_id" for s in by.values())
    assert any(s.go_live.day != 1 for s in by.values())
    assert any(s.before_months != s.after_months for s in by.values())
    assert any(s.before_months <= 3 for s in by.values())
    assert min(s.n_customers for s in by.values()) <= 10
    assert max(s.n_customers for s in by.values()) >= 10_000
    assert any(s.data_start == "go_live" for s in by.values())
    assert any(s.one_cohort and s.control_column is None for s in by.values())
    assert any(s.refund_share > 0 for s in by.values())
    assert any(s.duplicate_order_ids > 0 for s in by.values())
    assert any(s.amount_ties and s.zero_amount_share > 0 for s in by.values())
    assert any(s.hostile_text for s in by.values())
    assert {s.dayfirst for s in by.values()} >= {"mixed", "ambiguous"}
    assert any(s.churn_annual == 0 and s.effect > 0 for s in by.values())
    assert any(s.effect_in_control for s in by.values())
    assert any("rep_id" not in s.order_columns and "region" in s.order_columns for s in by.values())
    for shape in by.values():
        assert shape.stresses.strip(), shape.name


def test_one_cohort_places_every_first_order_in_one_quarter():
    shape = SHAPES["one_cohort_no_control"]
    orders = generate_tables(shape, seed=3)["orders"]
    first = orders.groupby("customer_id")["order_date"].min()
    quarters = first.dt.to_period("Q").unique()
    assert len(quarters) == 1
    assert quarters[0] == pd.Period(timeline(shape).data_start, "Q")
    assert len(first) == shape.n_customers  # every customer orders at creation


def test_one_cohort_decays_while_a_constant_rate_client_does_not():
    """Orders of the first and last 12 months of 2 years, for customers there throughout.

    With constant rates and nobody leaving, given the total N of both years the count of
    the first year (366 days, 2024) is Binomial(N, 366/731): a two-sided exact test must not
    reject. One cohort that loses 60 % a year must (its second year has about 40 % of the
    first year's orders).
    """
    flat = SHAPES["no_churn_null"]  # no churn, no new customers, no effect, constant rates
    orders = generate_tables(flat, seed=5)["orders"]
    first_year = int((orders["order_date"] < "2025-01-01").sum())
    total = len(orders)
    assert stats.binomtest(first_year, total, 366 / 731).pvalue > 0.001

    cohort = dataclasses.replace(
        SHAPES["one_cohort_no_control"], before_months=12, after_months=12, n_customers=2000
    )
    orders = generate_tables(cohort, seed=5)["orders"]
    t = timeline(cohort)
    second_year_start = pd.Timestamp(t.data_start) + pd.DateOffset(years=1)
    later = orders["order_date"] >= second_year_start
    # the first year also holds the 2,000 orders at creation; compare the repeat orders
    ratio = later.sum() / ((~later).sum() - cohort.n_customers)
    assert 0.25 < ratio < 0.65


def test_no_churn_client_orders_at_its_expected_total():
    """Expected orders = n x rate x years; the variance adds the gamma spread of the rates.

    n = 600 customers, mean rate 4 a year, gamma shape 1.5, 731 days: E = 600 x 4 x 731/365.25
    = 4,803.3; Var = E + (731/365.25)^2 x 600 x 4^2 / 1.5 (Poisson, then the spread of the
    customers' rates); four standard deviations either side.
    """
    shape = SHAPES["no_churn_null"]
    years = 731 / DAYS_PER_YEAR
    expected = 600 * 4 * years
    sd = math.sqrt(expected + years**2 * 600 * 4**2 / 1.5)
    for seed in (1, 2, 3):
        n = len(generate_tables(shape, seed=seed)["orders"])
        assert abs(n - expected) < 4 * sd, (seed, n, expected, sd)


def test_stationary_base_keeps_its_size_without_an_effect():
    """Customers leaving at 20 % a year and new ones replacing them: the yearly order counts
    of 2024 and 2025 agree (within about 4 % here: 5,000 customers, ~20,000 orders a year)."""
    shape = dataclasses.replace(SHAPES["null_with_control"], n_customers=5000, tables=("orders",))
    orders = generate_tables(shape, seed=11)["orders"]
    before = (orders["order_date"] < "2025-01-01").sum() / 366
    after = (orders["order_date"] >= "2025-01-01").sum() / 365
    assert after / before == pytest.approx(1.0, abs=0.04)


def test_injected_effect_shows_net_of_the_control_regions():
    """Orders after / before in the CRM regions over the same in the control region: 1.12.

    Both groups grow alike (new customers at 15 % a year, nobody leaves), so the ratio of
    ratios isolates the +12 %. 5,000 customers give about 20,000 orders per cell; the
    tolerance (±0.05) is about four standard errors of the log ratio of ratios.
    """
    shape = dataclasses.replace(SHAPES["no_churn_effect_control"], n_customers=5000)
    orders = generate_tables(shape, seed=2)["orders"]
    crm = orders["region"].isin(crm_regions(shape))
    after = orders["order_date"] >= "2025-01-01"
    ratio_crm = (crm & after).sum() / (crm & ~after).sum()
    ratio_control = (~crm & after).sum() / (~crm & ~after).sum()
    assert ratio_crm / ratio_control == pytest.approx(1.12, abs=0.05)


def test_amounts_are_lognormal_around_the_segment_median():
    """Consumers' orders: median 120; the sample median's standard error is about
    1.2533 x 0.8 x 120 / sqrt(n) (a lognormal's median, sigma 0.8)."""
    tables = generate_tables(SHAPES["null_with_control"], seed=4)
    orders = tables["orders"].merge(tables["customers"][["customer_id", "segment"]])
    consumer = orders.loc[orders["segment"] == "Consumer", "amount"]
    se = 1.2533 * 0.8 * 120 / math.sqrt(len(consumer))
    assert abs(consumer.median() - 120) < 4 * se


def test_ties_zeros_refunds_and_duplicates_are_in_the_files(tmp_path):
    ties = _read_csv(write_client(SHAPES["ties_and_zeros"], tmp_path / "t", 1), "orders")
    amounts = ties["amount"].astype(float)
    assert amounts.nunique() < 60  # quantity x 4 list prices
    assert (amounts == 0).mean() == pytest.approx(0.10, abs=0.02)

    refunds = _read_csv(write_client(SHAPES["refunds"], tmp_path / "r", 1), "orders")
    amount = refunds["amount"].astype(float)
    negative = refunds[amount < 0]
    assert len(negative) > 0
    originals = set(zip(refunds["customer_id"], amount.round(2), strict=True))
    for customer, value in zip(negative["customer_id"], amount[amount < 0], strict=True):
        assert (customer, round(-value, 2)) in originals  # each refunds an order of its own

    dups = _read_csv(write_client(SHAPES["duplicated_ids"], tmp_path / "d", 1), "orders")
    counts = dups["order_id"].value_counts()
    assert (counts == 2).sum() == 3 and counts.max() == 2


def test_region_without_rep_and_pilot_branch_are_as_named(tmp_path):
    folder = write_client(SHAPES["region_without_rep_control"], tmp_path / "r", 1)
    header = (folder / "data/orders.csv").read_text().splitlines()[0].split(",")
    assert "rep_id" not in header and "region" in header
    params = (folder / "params.yaml").read_text()
    assert re.search(r"control:\s*\n\s+column: region\s*\n\s+values:\s*\n\s+- West", params)

    pilot = SHAPES["pilot_branch"]
    assert pilot.regions == tuple(f"B{k:02d}" for k in range(1, 13))
    assert crm_regions(pilot) == ("B01",)
    orders = generate_tables(pilot, seed=1)["orders"]
    assert set(orders["region"]) == set(pilot.regions)


def test_data_start_at_go_live_leaves_the_before_window_empty():
    shape = SHAPES["starts_at_go_live"]
    tables = generate_tables(shape, seed=1)
    for name, column in (("orders", "order_date"), ("tickets", "opened_at")):
        assert tables[name][column].min() >= pd.Timestamp(shape.go_live), name
    assert (tables["customers"]["created_date"] < pd.Timestamp(shape.go_live)).any()


def test_windows_are_short_unequal_and_mid_month_as_named():
    t = timeline(SHAPES["mid_month_go_live"])
    assert (t.before_start, t.after_start) == (pd.Timestamp("2024-03-15").date(), t.go_live)
    t = timeline(SHAPES["unequal_windows"])
    assert (t.after_end - t.after_start).days + 1 == 151  # 2025-01-01 .. 2025-05-31
    t = timeline(SHAPES["short_windows"])
    assert (t.before_end - t.before_start).days + 1 == 92  # 2024-10-01 .. 2024-12-31


def test_tiny_client_is_a_handful_of_rows():
    tables = generate_tables(SHAPES["tiny_handful"], seed=1)
    assert 3 <= len(tables["customers"]) <= 12
    assert 3 <= len(tables["orders"]) <= 40


def test_hostile_text_reaches_every_text_column_and_the_params(tmp_path):
    folder = write_client(SHAPES["hostile_text"], tmp_path / "h", 1)
    text_columns = {
        "customers": ["segment", "region"],
        "orders": ["channel", "region"],
        "opportunities": ["lead_source", "region"],
        "tickets": ["channel"],
        "usage": ["feature"],
        "campaigns": ["channel"],
        "costs": ["category", "phase"],
        "benefits": ["category"],
        "benchmarks": ["kpi", "source"],
    }
    for table, columns in text_columns.items():
        frame = _read_csv(folder, table)
        for column in columns:
            assert frame[column].isin(HOSTILE_TEXTS).any(), (table, column)
    params = (folder / "params.yaml").read_text(encoding="utf-8")
    assert "<script>" in params.split("client:")[1].splitlines()[0]


def test_day_first_dates_as_written(tmp_path):
    mixed = _read_csv(write_client(SHAPES["dayfirst_mixed"], tmp_path / "m", 1), "orders")
    parts = mixed["order_date"].str.extract(r"^(\d\d)/(\d\d)/(\d{4})$").astype(int)
    assert parts.notna().all().all()
    assert (parts[0] > 12).any() and (parts[1] <= 12).all()  # day, month, year

    ambiguous = _read_csv(write_client(SHAPES["dayfirst_ambiguous"], tmp_path / "a", 1), "orders")
    days = ambiguous["order_date"].str.slice(0, 2).astype(int)
    assert days.between(1, 12).all()
    assert ambiguous["order_date"].str.slice(3, 5).astype(int).nunique() == 12


def test_validation_stops_exactly_the_clients_that_must_be_stopped(tmp_path):
    """Refunds, duplicated ids and ambiguous day-first dates stop at validation; every other
    shape passes it. (Validation only: the notebooks run in the matrix.)"""
    wrong, misread = [], []
    for name, shape in SHAPES.items():
        if shape.n_customers > 5000:
            continue
        folder = write_client(shape, tmp_path / name, 1)
        report = validate_client(folder)
        outcome = "report" if report.ok else "rejected"
        if outcome != shape.expected:
            wrong.append((name, outcome, [str(p) for p in report.errors][:2]))
        if report.ok and "orders" in report.tables:
            written = generate_tables(shape, 1)["orders"].set_index("order_id")["order_date"]
            read = report.tables["orders"].set_index("order_id")["order_date"]
            moved = (read.reindex(written.index) != written).sum()
            if moved:
                misread.append((name, f"{moved} of {len(written)} order dates moved"))
    assert not wrong
    assert not misread  # every date read as written


# ---------------------------------------------------------------------------------------------
# The checks the matrix applies, on hand-made results
# ---------------------------------------------------------------------------------------------


def test_checks_catch_the_numbers_of_the_cdnow_report():
    results = {
        "kpis": {
            "average_clv": {"change_pct": 545.298, "guard": None},
            "nps": {"change_pct": 25.318, "guard": "not_a_ratio_scale"},
            "revenue_monthly": {"change_pct": -0.667, "guard": None},
        },
        "impact": {
            "time_series": {"effect_pct": -1.552, "effect_per_month": 242_649.0, "guard": None},
            "difference_in_differences": {"effect_pct": 0.124, "ci_low_pct": None},
        },
    }
    assert check_change_pct(results) == [
        "kpis.average_clv.change_pct = 545.298 (+54,530 %) without a guard"
    ]
    assert len(check_headline_signs(results)) == 1
    results["impact"]["time_series"]["guard"] = "counterfactual_implausible"
    assert check_headline_signs(results) == []


# ---------------------------------------------------------------------------------------------
# End to end: the fast subset of the matrix
# ---------------------------------------------------------------------------------------------

FAST_SHAPES = (
    "region_without_rep_control",
    "starts_at_go_live",
    "tiny_handful",
    "one_cohort_no_control",
)


@pytest.fixture(scope="module")
def fast_runs(tmp_path_factory):
    """The four shapes through ``crmkit run``, two at a time."""
    root = tmp_path_factory.mktemp("matrix")

    def run(name: str):
        client = write_client(SHAPES[name], root / "clients" / name, seed=1)
        return name, run_client(client, root / "reports", jobs=1)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, FAST_SHAPES))


@pytest.mark.slow
@pytest.mark.parametrize("name", FAST_SHAPES)
def test_shape_runs_end_to_end_and_passes_every_check(fast_runs, name):
    outcome = fast_runs[name]
    assert all_problems(outcome) == []


# ---------------------------------------------------------------------------------------------
# Null clients: no effect anywhere, so every claimable verdict is a false positive
# ---------------------------------------------------------------------------------------------

NULL_SEEDS = range(1, 21)


def _null_rows(name: str, seed: int, folder: Path) -> list[dict]:
    """One null client written, read back through crmkit's validation, every KPI measured."""
    report = validate_client(write_client(SHAPES[name], folder, seed))
    assert report.ok, report.summary()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        results = measure_kpis(report.tables, report.assessment)
    return [
        {"seed": seed, "kpi": kpi, "called": claimable(entry)}
        for kpi, entry in kpis_for_results(results).items()
        if entry["verdict"] in ("improved", "worsened", "no detectable change")
    ]


@pytest.fixture(scope="module")
def null_calls(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """Per null shape: one row per (seed, KPI tested) with whether it was called.

    The tables are written as client folders and read back through crmkit's validation,
    so the types are those a run sees. A KPI counts as tested when it had data to compare
    (verdict improved, worsened or no detectable change); as called when
    :func:`crmkit.data.guards.claimable` allows its verdict as a finding.
    """
    root = tmp_path_factory.mktemp("null")
    names = ("null_with_control", "null_without_control")
    jobs = [(name, seed, root / f"{name}-{seed}") for name in names for seed in NULL_SEEDS]
    with ProcessPoolExecutor(max_workers=2) as pool:
        rows = list(pool.map(_null_rows, *zip(*jobs, strict=True)))
    return {
        name: pd.DataFrame(
            [row for (n, *_), part in zip(jobs, rows, strict=True) if n == name for row in part]
        )
        for name in names
    }


def _binomial_limit(n: int, alpha: float, level: float = 0.999) -> int:
    """The largest count of false calls among ``n`` tests that a rate of ``alpha`` explains
    (the ``level`` quantile of Binomial(n, alpha))."""
    return int(stats.binom.ppf(level, n, alpha))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["null_with_control", "null_without_control"])
def test_null_client_false_calls_stay_near_alpha(null_calls, name):
    """Over 20 seeds the share of KPIs called improved or worsened stays near alpha = 0.05.

    Each KPI's verdict rests on a p-value corrected across the family (Holm), so under no
    effect each call has probability at most alpha. Treating the N tests as independent,
    the count of calls stays at or below the 99.9 % quantile of Binomial(N, 0.05) (for
    N = 400 that is 35, a share of 8.75 %); dependence between KPIs of one client only
    widens the spread a little, and Holm makes the true rate far lower than alpha.
    """
    frame = null_calls[name]
    assert len(frame) >= 20 * 15  # most KPIs had data in every seed
    calls = int(frame["called"].sum())
    assert calls <= _binomial_limit(len(frame), 0.05), frame[frame["called"]]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["null_with_control", "null_without_control"])
def test_null_client_no_kpi_is_called_in_most_seeds(null_calls, name):
    """A KPI called in more than half of 20 null clients is an artefact of its definition,
    not chance: under no effect its count is Binomial(20, ≤ 0.05), and P(X > 10) < 1e-8."""
    frame = null_calls[name]
    per_kpi = frame.groupby("kpi")["called"].sum()
    assert per_kpi.max() <= len(NULL_SEEDS) // 2, per_kpi[per_kpi > 0].to_dict()
