"""Control groups as clients define them: any column, inherited through customer_id, and the
level at which the CRM was assigned (``control.unit``).

References: calculations written out by hand in each test (the customer × month panel of four
customers, the two-way fixed-effects estimate of a balanced 2 × 2 design, which equals the
difference of the four cell means; group sizes counted by hand), and generated clients
(:mod:`crmkit.demo.shapes`) whose injected effect is known: +12 % on the purchase rate of the
test customers from go-live, nothing in the control group, nothing at all in the null client.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

from crmkit import measure
from crmkit.data.config import Assessment, Control, Window, parse_params
from crmkit.data.control_groups import AssignmentUnit, Found, locate_control
from crmkit.data.exceptions import ParamsError
from crmkit.data.guards import Guard
from crmkit.data.validation import validate_client
from crmkit.demo.shapes import ClientShape, write_client
from crmkit.pipeline.context import write_run_inputs
from crmkit.words import narrative

BASE = {"client": "Grocer", "go_live_date": "2024-01-01"}


# --- params ----------------------------------------------------------------------------------


def test_control_unit_is_parsed_and_defaults_to_none() -> None:
    given = parse_params({**BASE, "control": {"column": "Campaign Group", "values": ["Control"]}})
    assert given.control == Control("Campaign Group", ("Control",), None)
    unit = {**BASE, "control": {"column": "region", "values": "West", "unit": " Region "}}
    assert parse_params(unit).control == Control("region", ("West",), "region")


def test_a_bad_unit_gives_one_message_with_a_suggestion() -> None:
    raw = {**BASE, "control": {"column": "region", "values": ["West"], "unit": "custmer"}}
    with pytest.raises(ParamsError) as caught:
        parse_params(raw)
    lines = str(caught.value).splitlines()
    assert len(lines) == 1
    assert "control.unit" in lines[0] and "did you mean 'customer'?" in lines[0]
    assert "customer, region, rep" in lines[0] and "'custmer'" in lines[0]


def test_the_control_column_may_be_mapped_to_a_name_of_the_clients_choice() -> None:
    raw = {
        **BASE,
        "control": {"column": "pilot_group", "values": ["Control"]},
        "columns": {"customers": {"Campaign Group": "pilot_group"}},
    }
    assert parse_params(raw).columns == {"customers": {"Campaign Group": "pilot_group"}}
    other = {**raw, "columns": {"customers": {"Campaign Group": "cohort_label"}}}
    with pytest.raises(ParamsError, match="'cohort_label' is not a column of customers"):
        parse_params(other)


# --- where the group is found ----------------------------------------------------------------


def _four_customers() -> dict[str, pd.DataFrame]:
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D"],
            "created_date": pd.to_datetime(["2023-01-01"] * 4),
            "Campaign Group": ["Test", "Test", "Control", " control "],
        }
    )
    # two months before go-live (Nov, Dec 2023) and two after (Jan, Feb 2024)
    orders = pd.DataFrame(
        {
            "order_id": [f"O{k}" for k in range(1, 11)],
            "customer_id": ["A", "A", "A", "B", "B", "C", "C", "C", "D", "D"],
            "order_date": pd.to_datetime(
                [
                    "2023-11-03", "2024-01-10", "2024-02-14",  # A
                    "2023-12-05", "2024-02-01",  # B
                    "2023-11-20", "2023-12-20", "2024-01-20",  # C
                    "2023-11-11", "2024-02-11",  # D
                ]
            ),
            "amount": [100.0, 150.0, 130.0, 80.0, 120.0, 60.0, 60.0, 70.0, 40.0, 50.0],
        }
    )  # fmt: skip
    return {"customers": customers, "orders": orders}


FOUR = Assessment(
    "Grocer",
    dt.date(2024, 1, 1),
    Window(dt.date(2023, 11, 1), dt.date(2023, 12, 31)),
    Window(dt.date(2024, 1, 1), dt.date(2024, 2, 29)),
    control=Control("Campaign Group", ("Control",)),
)


def test_the_group_is_found_on_customers_and_inherited_by_orders() -> None:
    where = locate_control(_four_customers(), FOUR.control)
    assert where.holding == ("customers",) and where.inherited == ("orders",)
    assert where.unit == AssignmentUnit.CUSTOMER and not where.unit_given
    # by hand: C and D are "Control" (case and spaces ignored); their orders are 3 + 2
    counts = {c.table: (c.found, c.control_rows, c.crm_rows) for c in where.counts}
    assert counts == {"customers": (Found.OWN, 2, 2), "orders": (Found.CUSTOMER, 5, 5)}
    assert (where.control_customers, where.crm_customers) == (2, 2)


def test_the_default_unit_follows_the_columns_table() -> None:
    tables = _four_customers()
    tables["orders"]["region"] = "North"
    tables["orders"]["rep_id"] = "R1"
    assert locate_control(tables, Control("region", ("West",))).unit == AssignmentUnit.REGION
    assert locate_control(tables, Control("rep_id", ("R1",))).unit == AssignmentUnit.REP
    given = locate_control(tables, Control("Campaign Group", ("Control",), "region"))
    assert given.unit == AssignmentUnit.REGION and given.unit_given
    assert locate_control(tables, Control("Pilot", ("yes",))) is None


def test_hand_check_of_the_customer_month_panel_and_its_estimate() -> None:
    panel = measure.customer_panel(_four_customers(), FOUR)
    table = panel.assign(month=panel["month"].dt.strftime("%Y-%m")).pivot(
        index="unit", columns="month", values="value"
    )
    # written out from the orders above: one row per customer, every month it was a customer
    expected = pd.DataFrame(
        {
            "2023-11": [100.0, 0.0, 60.0, 40.0],
            "2023-12": [0.0, 80.0, 60.0, 0.0],
            "2024-01": [150.0, 0.0, 70.0, 0.0],
            "2024-02": [130.0, 120.0, 0.0, 50.0],
        },
        index=pd.Index(["A", "B", "C", "D"], name="unit"),
    )
    expected.columns.name = "month"
    pd.testing.assert_frame_equal(table, expected)
    assert panel.groupby("unit")["treated"].first().to_dict() == {
        "A": True, "B": True, "C": False, "D": False,
    }  # fmt: skip

    analysis = measure.control_comparison(_four_customers(), FOUR)
    assert analysis.unit_column == "customer_id" and analysis.assignment == "customer"
    assert not analysis.log_outcome  # customer-months without orders stay in, as 0
    assert analysis.did.n_clusters == 4
    assert (analysis.treated_units, analysis.control_units) == (("A", "B"), ("C", "D"))
    # balanced panel: the two-way fixed-effects estimate is the difference of cell means
    treated_before = (100 + 0 + 0 + 80) / 4  # 45
    treated_after = (150 + 130 + 0 + 120) / 4  # 100
    control_before = (60 + 60 + 40 + 0) / 4  # 40
    control_after = (70 + 0 + 0 + 50) / 4  # 30
    did = (treated_after - treated_before) - (control_after - control_before)  # 65
    assert analysis.did.estimate == pytest.approx(did)
    effect, _, _ = analysis.relative_effect
    assert effect == pytest.approx(did / (treated_after - did))  # 65 / 35


def test_a_customer_who_churned_leaves_the_panel_after_the_month_of_churn() -> None:
    tables = _four_customers()
    tables["customers"]["churned_date"] = pd.to_datetime([None, None, "2024-01-25", None])
    panel = measure.customer_panel(tables, FOUR)
    months = panel.loc[panel["unit"] == "C", "month"].dt.strftime("%Y-%m").tolist()
    assert months == ["2023-11", "2023-12", "2024-01"]


def test_words_say_the_level_and_the_units_of_each_side() -> None:
    analysis = measure.control_comparison(_four_customers(), FOUR)
    words = narrative.assignment_sentence(analysis)
    assert words == (
        "The CRM was assigned customer by customer: 2 customers got it and 2 did not, "
        "each a unit (cluster) of the comparison."
    )
    assert words in narrative.guarded_control_finding(analysis)


# --- validation of a client folder -----------------------------------------------------------


def _folder(tmp_path: Path, control: dict, columns: dict | None = None) -> Path:
    tables = _four_customers()
    data = tmp_path / "data"
    data.mkdir(parents=True)
    for name, frame in tables.items():
        frame.to_csv(data / f"{name}.csv", index=False, date_format="%Y-%m-%d")
    params = {
        "client": "Grocer",
        "go_live_date": "2024-01-01",
        "before": {"start": "2023-11-01", "end": "2023-12-31"},
        "after": {"start": "2024-01-01", "end": "2024-02-29"},
        "control": control,
    }
    if columns:
        params["columns"] = columns
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    return tmp_path


def _control_warnings(report) -> list[str]:
    return [p.message for p in report.problems if p.rule == "control_group"]


def test_a_non_canonical_customer_column_is_kept_and_counted(tmp_path: Path) -> None:
    report = validate_client(_folder(tmp_path, {"column": "Campaign Group", "values": ["Control"]}))
    assert report.ok and _control_warnings(report) == []
    assert "Campaign Group" in report.tables["customers"].columns
    assert "Campaign Group" in report.columns["customers"].extra
    assert "Campaign Group" not in report.columns["customers"].unused
    where = report.control_group
    assert (where.control_customers, where.crm_customers) == (2, 2)
    # through the run's table cache, with ids pseudonymised, the column and groups survive
    written = write_run_inputs(tmp_path / "run", tmp_path, report)
    customers = written.tables["customers"]
    assert customers["Campaign Group"].tolist() == ["Test", "Test", "Control", " control "]
    assert not customers["customer_id"].isin(["A", "B", "C", "D"]).any()
    assert measure.control_comparison(written.tables, written.assessment).did.n_clusters == 4


def test_the_column_mapped_to_a_name_of_the_clients_choice(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {"column": "pilot_group", "values": ["Control"]},
        columns={"customers": {"Campaign Group": "pilot_group"}},
    )
    report = validate_client(folder)
    assert report.ok and _control_warnings(report) == []
    assert report.tables["customers"]["pilot_group"].tolist()[:3] == ["Test", "Test", "Control"]
    assert measure.control_comparison(report.tables, report.assessment).did.n_clusters == 4


def test_a_column_in_no_table_is_named_with_a_suggestion(tmp_path: Path) -> None:
    report = validate_client(_folder(tmp_path, {"column": "Campaign Grp", "values": ["Control"]}))
    (message,) = _control_warnings(report)
    assert "'Campaign Grp' is a column of no table (customers, orders searched)" in message
    assert "did you mean 'Campaign Group'?" in message
    assert report.control_group is None


def test_values_absent_from_the_column_are_named_with_the_values_found(tmp_path: Path) -> None:
    report = validate_client(_folder(tmp_path, {"column": "Campaign Group", "values": ["Holdout"]}))
    (message,) = _control_warnings(report)
    assert "no row has Campaign Group = Holdout" in message
    assert "values found: Control, Test, control" in message


def test_a_bad_unit_stops_validation_with_one_params_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"column": "Campaign Group", "values": ["Control"], "unit": "shop"})
    report = validate_client(folder)
    assert not report.ok
    (error,) = report.errors
    assert error.rule == "params" and "control.unit" in error.message


def test_a_rep_unit_without_reps_in_the_orders_is_named(tmp_path: Path) -> None:
    folder = _folder(tmp_path, {"column": "Campaign Group", "values": ["Control"], "unit": "rep"})
    (message,) = _control_warnings(validate_client(folder))
    assert "control.unit rep needs rep_id in orders" in message


# --- generated clients -----------------------------------------------------------------------


def _campaign_client(folder: Path, effect: float, seed: int) -> Path:
    """~2,000 customers split by a customers column "Campaign Group" (Test / Control); the
    orders carry no group. The effect multiplies the test customers' purchase rate."""
    shape = ClientShape(
        "campaign_group",
        "a customer-level control group",
        tables=("customers", "orders"),
        order_columns=("quantity",),
        regions=("Test", "Control"),
        control_regions=("Control",),
        n_customers=2000,
        purchases_per_year=12.0,
        rate_shape=2.0,
        effect=effect,
    )
    root = write_client(shape, folder, seed=seed)
    customers = pd.read_csv(root / "data" / "customers.csv")
    customers.rename(columns={"region": "Campaign Group"}).to_csv(
        root / "data" / "customers.csv", index=False
    )
    params = yaml.safe_load((root / "params.yaml").read_text(encoding="utf-8"))
    params["control"] = {"column": "Campaign Group", "values": ["Control"]}
    (root / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    return root


@pytest.mark.slow
@pytest.mark.parametrize(("effect", "seed"), [(0.12, 2), (0.0, 2)])
def test_customer_level_assignment_recovers_the_injected_effect(
    tmp_path: Path, effect: float, seed: int
) -> None:
    report = validate_client(_campaign_client(tmp_path, effect, seed))
    assert report.ok and _control_warnings(report) == []
    assert "Campaign Group" not in report.tables["orders"].columns
    where = report.control_group
    assert where.unit == AssignmentUnit.CUSTOMER and where.inherited == ("orders",)
    analysis = measure.control_comparison(report.tables, report.assessment)
    assert analysis.unit_column == "customer_id" and analysis.assignment == "customer"
    assert (
        analysis.did.n_clusters >= 500
        and min(analysis.did.n_treated_units, analysis.did.n_control_units) >= 200
    )
    assert analysis.did.n_clusters == len(analysis.treated_units) + len(analysis.control_units)
    assert "cluster-robust t (CR1)" in analysis.did.inference
    estimate, low, high = analysis.relative_effect
    assert low <= effect <= high  # the interval covers the truth
    if effect:
        assert low > 0  # and excludes zero
    else:
        assert abs(estimate) < 0.1


@pytest.mark.slow
def test_region_level_assignment_has_three_clusters_and_cannot_say(tmp_path: Path) -> None:
    shape = ClientShape(
        "three_regions",
        "a region-level control group on the customers' regions",
        tables=("customers", "orders"),
        order_columns=("quantity",),
        n_customers=900,
        effect=0.12,
    )
    root = write_client(shape, tmp_path, seed=3)
    params = yaml.safe_load((root / "params.yaml").read_text(encoding="utf-8"))
    params["control"] = {"column": "region", "values": ["West"], "unit": "region"}
    (root / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    report = validate_client(root)
    assert report.ok and report.control_group.unit == AssignmentUnit.REGION
    analysis = measure.control_comparison(report.tables, report.assessment)
    assert analysis.unit_column == "region" and analysis.did.n_clusters == 3
    assert analysis.control_units == ("West",)
    # C(3, 2) = 3 arrangements of the treated regions < 1 / alpha = 20: no test can hold
    assert math.comb(3, 2) < 20 and analysis.guard == Guard.NO_INTERVAL
    assert math.isnan(analysis.did.p_value) and "cannot say" in analysis.did.inference
    words = narrative.guarded_control_finding(analysis)
    assert "cannot say" in words and "assigned by group (region, branch): 2 groups" in words


@pytest.mark.slow
def test_the_generated_column_mapped_to_the_clients_name(tmp_path: Path) -> None:
    root = _campaign_client(tmp_path, 0.12, 2)
    params = yaml.safe_load((root / "params.yaml").read_text(encoding="utf-8"))
    params["control"]["column"] = "test_or_control"
    params["columns"] = {"customers": {"Campaign Group": "test_or_control"}}
    (root / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    report = validate_client(root)
    assert report.ok and report.control_group.column == "test_or_control"
    analysis = measure.control_comparison(report.tables, report.assessment)
    assert analysis.unit_column == "customer_id" and analysis.did.n_clusters >= 500


@pytest.mark.slow
def test_end_to_end_the_impact_page_names_the_customer_level_assignment(tmp_path: Path) -> None:
    from robustness_checks import run_client

    root = _campaign_client(tmp_path / "campaign_group", 0.12, 2)
    outcome = run_client(root, tmp_path / "reports", jobs=1)
    assert outcome.exit_code == 0, outcome.stderr[-2000:]
    did = outcome.results["impact"]["difference_in_differences"]
    assert did["unit"] == "customer_id" and did["n_clusters"] >= 500
    assert len(did["treated_units"]) + len(did["control_units"]) == did["n_clusters"]
    page = next(outcome.report_dir.rglob("10_impact_overview*.html")).read_text(encoding="utf-8")
    assert "The CRM was assigned customer by customer" in page
