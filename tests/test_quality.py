"""Tests of crmkit.quality: every expected number is worked out by hand in a comment.

Tables reach the functions as the stages see them: typed by ``validate_table`` or
``validate_client``, with the validation problems as a frame.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from crmkit import quality
from crmkit.config import parse_params
from crmkit.schemas import TABLES
from crmkit.validation import problems_frame, validate_client, validate_table

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "02_data_quality.ipynb"


@pytest.fixture
def assessment():
    # go-live 2025-01-01 → before 2024-01-01..2024-12-31, after 2025-01-01..2025-12-31:
    # a 24-month window
    return parse_params({"client": "Test Co", "go_live_date": "2025-01-01"})


def typed(name: str, frame: pd.DataFrame, assessment=None):
    table, problems = validate_table(
        frame, TABLES[name], file=f"data/{name}.csv", assessment=assessment
    )
    return table, problems_frame(problems)


def write_csv(folder: Path, name: str, header: str, rows: list[str]) -> None:
    (folder / f"{name}.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")


MONTHS_2024_2025 = [str(m) for m in pd.period_range("2024-01", "2025-12", freq="M")]


@pytest.fixture
def client(tmp_path):
    """customers (good), orders (one bad amount, one unknown customer), tickets (weak)."""
    (tmp_path / "params.yaml").write_text("client: Test Co\ngo_live_date: 2025-01-01\n")
    data = tmp_path / "data"
    data.mkdir()
    write_csv(
        data,
        "customers",
        "customer_id,created_date,segment",
        ["C1,2023-01-01,SMB", "C2,2023-02-01,Enterprise", "C3,2023-06-01,SMB", "C4,2023-09-01,SMB"],
    )
    orders = []
    for i, month in enumerate(MONTHS_2024_2025):  # one order per month, O01 … O24
        customer = "C9" if i == 17 else f"C{i % 4 + 1}"  # O18 (2025-06): unknown customer
        amount = "12 EUR" if i == 1 else "100"  # O02 (row 3): not a number
        orders.append(f"O{i + 1:02d},{customer},{month}-15,{amount}")
    write_csv(data, "orders", "order_id,customer_id,order_date,amount", orders)
    tickets = []
    for i, month in enumerate(MONTHS_2024_2025[:12]):  # 2024 only: 2025 is a gap
        if i in (3, 6, 9):  # T04, T07, T10 (rows 5, 8, 11): no first response
            response = ""
        elif i == 0:  # T01: answered the day before it was opened
            response = "2024-01-09 09:00"
        else:
            response = f"{month}-10 11:00"
        tickets.append(f"T{i + 1:02d},{month}-10 09:00,C{i % 4 + 1},{response}")
    write_csv(data, "tickets", "ticket_id,opened_at,customer_id,first_response_at", tickets)
    return tmp_path


@pytest.fixture
def report(client):
    return validate_client(client)


@pytest.fixture
def result(report):
    return quality.assess_quality(
        report.tables, report.problems_frame(), report.assessment, files=report.files
    )


# --- completeness ------------------------------------------------------------------------


def test_completeness_counts_filled_cells_per_column():
    raw = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3", "O4"],
            "customer_id": ["C1", "C1", "C2", "C3"],
            "order_date": ["2024-01-05", "2024-02-05", "2024-03-05", "2024-04-05"],
            "amount": ["10", "20", "30", "40"],
            "quantity": ["1", None, None, "2"],
            "channel": ["web", "web", "  ", "shop"],  # blank text is empty
        }
    )
    table, _ = typed("orders", raw)
    c = quality.completeness({"orders": table}).set_index("column")
    assert list(c.index) == [
        "order_id",
        "customer_id",
        "order_date",
        "amount",
        "quantity",
        "channel",
    ]
    assert c.loc["quantity", "filled"] == 2
    assert c.loc["quantity", "completeness"] == pytest.approx(0.5)  # 2 of 4 quantities
    assert c.loc["channel", "completeness"] == pytest.approx(0.75)  # 3 of 4 channels
    assert c.loc["channel", "missing"] == 1
    assert c.loc["amount", "completeness"] == 1.0  # 4 of 4
    assert c.loc["amount", "required"] and not c.loc["quantity", "required"]


def test_completeness_counts_closing_dates_over_closed_deals_and_skips_churn_dates():
    opportunities, _ = typed(
        "opportunities",
        pd.DataFrame(
            {
                "opportunity_id": ["P1", "P2", "P3", "P4"],
                "created_date": ["2024-01-01"] * 4,
                "status": ["won", "lost", "open", "won"],
                "closed_date": ["2024-02-01", None, None, "2024-03-01"],
            }
        ),
    )
    customers, _ = typed(
        "customers",
        pd.DataFrame(
            {
                "customer_id": ["C1", "C2"],
                "created_date": ["2023-01-01", "2023-01-01"],
                "churned_date": [None, "2024-05-01"],
            }
        ),
    )
    c = quality.completeness({"opportunities": opportunities, "customers": customers})
    closed = c[c["column"] == "closed_date"].iloc[0]
    # won, lost, won are closed: 3 rows; 2 of them have a date → 2/3 (the open deal is fine)
    assert closed["rows"] == 3 and closed["filled"] == 2
    assert closed["completeness"] == pytest.approx(2 / 3)
    churned = c[c["column"] == "churned_date"].iloc[0]
    assert churned["completeness"] == pytest.approx(0.5)  # 1 of 2, but empty = still active
    assert not churned["scored"]
    assert list(c["table"].unique()) == ["customers", "opportunities"]  # schema order


# --- validity, uniqueness -----------------------------------------------------------------


def test_validity_counts_rows_named_by_type_range_and_date_problems():
    raw = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3", "O4", "O5"],
            "customer_id": ["C1"] * 5,
            "order_date": ["2024-01-05", "2024-01-06", "2024-01-07", "31/31/2024", "2024-01-09"],
            "amount": ["10", "12 EUR", "-5", "20", "abc"],
        }
    )
    table, problems = typed("orders", raw)
    assert set(problems["rule"]) == {"wrong_type", "negative", "unparseable_date"}
    v = quality.validity({"orders": table}, problems).iloc[0]
    # wrong_type: O2, O5 (2) + negative: O3 (1) + unparseable_date: O4 (1) = 4 of 5 rows
    assert v["rows"] == 5
    assert v["problems"] == 3
    assert v["invalid_rows"] == 4
    assert v["validity"] == pytest.approx(0.2)  # 1 − 4/5


def test_validity_is_capped_when_rules_hit_the_same_rows():
    raw = pd.DataFrame(
        {
            "order_id": ["O1", "O2"],
            "customer_id": ["C1", "C1"],
            "order_date": ["2024-01-05", "bad date"],
            "amount": ["x", "y"],
            "quantity": ["-1", "-2"],
        }
    )
    table, problems = typed("orders", raw)
    # wrong_type 2 + negative 2 + unparseable_date 1 = 5 counted, but the table has 2 rows
    v = quality.validity({"orders": table}, problems).iloc[0]
    assert v["invalid_rows"] == 2
    assert v["validity"] == 0.0


def test_uniqueness_counts_surplus_copies_of_ids():
    raw = pd.DataFrame(
        {
            "order_id": ["O1", "O1", "O2", "O3"],
            "customer_id": ["C1"] * 4,
            "order_date": ["2024-01-05"] * 4,
            "amount": ["1"] * 4,
        }
    )
    table, problems = typed("orders", raw)
    u = quality.uniqueness({"orders": table}).iloc[0]
    # ids O1, O1, O2, O3: 3 distinct of 4 → 1 surplus copy, uniqueness 0.75
    assert (u["rows_with_id"], u["distinct_ids"], u["duplicate_rows"]) == (4, 3, 1)
    assert u["uniqueness"] == pytest.approx(0.75)
    # validation names both rows that share O1
    assert problems.loc[problems["rule"] == "duplicate_id", "count"].item() == 2


def test_uniqueness_skips_tables_without_an_id_column():
    usage, _ = typed("usage", pd.DataFrame({"user_id": ["U1", "U1"], "date": ["2025-01-01"] * 2}))
    assert quality.uniqueness({"usage": usage}).empty


# --- integrity and consistency --------------------------------------------------------------


def test_referential_integrity_finds_the_unknown_customer(report):
    i = quality.referential_integrity(report.tables).set_index("table")
    assert list(i.index) == ["orders", "tickets"]  # surveys absent: not listed
    # 24 orders with a customer; O18 points to C9 → 23 of 24 matched
    assert i.loc["orders", "rows_with_value"] == 24
    assert i.loc["orders", "unmatched"] == 1
    assert i.loc["orders", "integrity"] == pytest.approx(23 / 24)
    assert i.loc["tickets", "integrity"] == 1.0  # 12 of 12


def test_referential_integrity_ignores_empty_references_and_absent_parents():
    tickets, _ = typed(
        "tickets",
        pd.DataFrame(
            {
                "ticket_id": ["T1", "T2", "T3", "T4"],
                "opened_at": ["2024-01-01 09:00"] * 4,
                "customer_id": ["C1", None, "C9", "C2"],
            }
        ),
    )
    customers, _ = typed(
        "customers",
        pd.DataFrame({"customer_id": ["C1", "C2"], "created_date": ["2023-01-01"] * 2}),
    )
    i = quality.referential_integrity({"tickets": tickets, "customers": customers}).iloc[0]
    # 3 tickets name a customer (T2 none); C1, C2 found, C9 not → 2 of 3
    assert (i["rows_with_value"], i["matched"], i["unmatched"]) == (3, 2, 1)
    assert i["integrity"] == pytest.approx(2 / 3)
    assert quality.referential_integrity({"tickets": tickets}).empty  # no customers table


def test_consistency_reads_cross_field_and_cross_table_problems(report):
    c = quality.consistency(report.problems_frame(), tables=report.tables).set_index("table")
    assert list(c.index) == ["customers", "orders", "tickets"]
    assert c.loc["tickets", "inconsistent"] == 1  # T01 answered before it was opened
    assert c.loc["tickets", "inconsistent_rows"] == 1
    assert c.loc["orders", "unknown_reference_rows"] == 1  # O18 → C9
    assert c.loc["customers"].sum() == 0
    # without tables: only the tables that have such problems
    assert list(quality.consistency(report.problems_frame())["table"]) == ["orders", "tickets"]


# --- timeliness ------------------------------------------------------------------------------


def test_timeliness_finds_gap_months_and_staleness(assessment):
    gaps = {"2024-03", "2024-06", "2024-07"}
    months = [m for m in MONTHS_2024_2025 if m not in gaps]
    raw = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(len(months))],
            "customer_id": ["C1"] * len(months),
            "order_date": [f"{m}-15" for m in months],
            "amount": ["1"] * len(months),
        }
    )
    orders, _ = typed("orders", raw, assessment)
    t = quality.timeliness({"orders": orders}, assessment).iloc[0]
    assert t["cadence"] == "monthly"
    assert t["months_in_window"] == 24 and t["months_expected"] == 24
    assert t["months_with_data"] == 21  # 24 − 3 empty months
    assert t["coverage"] == pytest.approx(21 / 24)  # 0.875
    assert t["gaps"] == 3
    assert t["gap_periods"] == "2024-03, 2024-06 to 2024-07"
    assert t["last_date"] == pd.Timestamp("2025-12-15")
    assert t["days_stale"] == 16  # 2025-12-31 − 2025-12-15
    assert (t["rows_before"], t["rows_after"]) == (9, 12)  # 12 − 3 months of 2024; 12 of 2025


def test_timeliness_expectations_per_kind_of_table(assessment):
    usage, _ = typed(
        "usage",
        pd.DataFrame({"user_id": ["U1"] * 12, "date": [f"{m}-03" for m in MONTHS_2024_2025[12:]]}),
        assessment,
    )
    surveys, _ = typed(
        "surveys",
        pd.DataFrame({"response_id": ["S1", "S2"], "response_date": ["2024-06-30", "2024-06-30"]}),
        assessment,
    )
    customers, _ = typed(
        "customers",
        pd.DataFrame({"customer_id": ["C1", "C2"], "created_date": ["2020-01-01", "2024-05-01"]}),
        assessment,
    )
    t = quality.timeliness(
        {"usage": usage, "surveys": surveys, "customers": customers}, assessment
    ).set_index("table")
    # usage: the CRM's log starts at go-live → 12 months of 2025 expected, all have data
    assert t.loc["usage", "months_expected"] == 12
    assert t.loc["usage", "coverage"] == 1.0
    # surveys: a wave before go-live, none after → 1 of 2 windows
    assert t.loc["surveys", "coverage"] == 0.5
    assert t.loc["surveys", "gaps"] == 1
    assert t.loc["surveys", "gap_periods"].startswith("after go-live")
    # customers: acquisition history, reported but not scored; 1 month in the window (2024-05)
    assert math.isnan(t.loc["customers", "coverage"])
    assert t.loc["customers", "gaps"] == 0
    assert t.loc["customers", "months_with_data"] == 1
    assert t.loc["customers", "first_date"] == pd.Timestamp("2020-01-01")


# --- scores -----------------------------------------------------------------------------------


def test_quality_scores_combine_the_dimensions_that_apply(result):
    s = result.scores.set_index("table")
    assert list(s.index) == ["customers", "orders", "tickets", "overall"]
    # customers: completeness 1, validity 1, consistency 1, uniqueness 1 (no key, undated)
    assert s.loc["customers", "dimensions"] == 4
    assert s.loc["customers", "score"] == pytest.approx(1.0)
    # orders: completeness (1 + 1 + 1 + 23/24) / 4 = 0.989583 (the unreadable amount is empty)
    #         validity 1 − 1/24 = 0.958333, consistency 1, uniqueness 1,
    #         integrity 23/24 = 0.958333, timeliness 24/24 = 1
    #         score = 5.906250 / 6 = 0.984375
    assert s.loc["orders", "completeness"] == pytest.approx(0.989583, abs=1e-6)
    assert s.loc["orders", "validity"] == pytest.approx(0.958333, abs=1e-6)
    assert s.loc["orders", "score"] == pytest.approx(0.984375, abs=1e-6)
    # tickets: completeness (1 + 1 + 1 + 9/12) / 4 = 0.9375, validity 1,
    #          consistency 1 − 1/12 = 0.916667, uniqueness 1, integrity 1,
    #          timeliness 12 of 24 months = 0.5 → score 5.354167 / 6 = 0.892361 → fair
    assert s.loc["tickets", "completeness"] == pytest.approx(0.9375)
    assert s.loc["tickets", "consistency"] == pytest.approx(0.916667, abs=1e-6)
    assert s.loc["tickets", "timeliness"] == pytest.approx(0.5)
    assert s.loc["tickets", "score"] == pytest.approx(0.892361, abs=1e-6)
    assert s.loc["tickets", "grade"] == "fair"
    # overall: simple mean of the table scores (1 + 0.984375 + 0.892361) / 3 = 0.958912
    assert s.loc["overall", "score"] == pytest.approx(0.958912, abs=1e-6)
    assert s.loc["overall", "grade"] == "good"
    assert s.loc["overall", "rows"] == 4 + 24 + 12
    values = result.scores[[*quality.DIMENSIONS, "score"]].to_numpy().ravel()
    values = values[~pd.isna(values)]
    assert ((values >= 0) & (values <= 1)).all()


def test_grades_follow_the_thresholds():
    assert [quality.grade(x) for x in (1.0, 0.95, 0.9499, 0.85, 0.8499)] == [
        "good",
        "good",
        "fair",
        "fair",
        "poor",
    ]


def test_score_chart_title_names_reliable_and_weak_tables(result):
    assert quality.score_chart_title(result.scores) == (
        "Customers and orders are reliable; tickets needs attention"
    )
    series = quality.score_series(result.scores)
    assert list(series.index) == ["customers", "orders", "tickets", "overall"]


def test_an_empty_table_gets_no_score(assessment):
    orders, problems = typed(
        "orders",
        pd.DataFrame(columns=["order_id", "customer_id", "order_date", "amount"]),
        assessment,
    )
    q = quality.assess_quality({"orders": orders}, problems, assessment)
    row = q.scores.set_index("table").loc["orders"]
    assert math.isnan(row["score"]) and row["grade"] == "no data"
    assert quality.quality_summary(q.scores, q.issues)["overall_score"] is None


# --- issues for the client ---------------------------------------------------------------------


def test_issues_put_errors_first_then_the_largest_share(result):
    issues = result.issues
    assert issues["severity"].iloc[0] == "error"
    assert (issues["severity"] == "error").sum() == 1
    first = issues.iloc[0]
    assert (first["rule"], first["table"], first["column"]) == ("wrong_type", "orders", "amount")
    assert first["example_rows"] == "3"  # O02 is the second data row
    assert first["file"] == "data/orders.csv"
    assert "number" in first["what_to_ask"] and "currency" in first["what_to_ask"]
    # warnings by share of the table: tickets' 2025 gap 12/24 = 0.5, first_response_at
    # 3/12 = 0.25, inconsistent 1/12, unknown customer 1/24, then absent tables
    rules = list(issues["rule"].iloc[1:5])
    assert rules == ["coverage_gap", "low_completeness", "inconsistent", "unknown_reference"]
    weak = issues.iloc[2]
    assert weak["column"] == "first_response_at"
    assert weak["rows_affected"] == 3
    assert weak["example_rows"] == "5, 8, 11"  # T04, T07, T10
    assert weak["issue"].startswith("25 % of tickets (3 of 12)")
    assert set(issues["rule"].iloc[5:]) == {"absent_table"}


def test_issues_show_record_ids_only_when_allowed(report, result):
    assert (result.issues["example_ids"] == "").all()
    for column in ("issue", "impact", "what_to_ask", "example_rows"):
        assert not result.issues[column].str.contains("O02").any()
    shown = quality.issues_for_client(
        report.problems_frame(),
        result.scores,
        result.completeness,
        tables=report.tables,
        show_record_ids=True,
    )
    assert shown.loc[shown["rule"] == "wrong_type", "example_ids"].item() == "O02"
    assert shown.loc[shown["rule"] == "low_completeness", "example_ids"].item() == "T04, T07, T10"


def test_issues_leave_out_params_and_outside_window_problems(assessment):
    problems = pd.DataFrame(
        [
            {"severity": "warning", "rule": "outside_window", "message": "x", "table": "orders",
             "column": "order_date", "rows": (2,), "count": 1},
            {"severity": "error", "rule": "params", "message": "bad key"},
        ]
    )  # fmt: skip
    q = quality.assess_quality({}, problems, assessment)
    assert q.issues.empty


# --- summary and findings -----------------------------------------------------------------------


def test_summary_is_json_without_nan(result):
    summary = quality.quality_summary(result.scores, result.issues)
    text = json.dumps(summary, allow_nan=False)
    back = json.loads(text)
    assert back["overall_score"] == pytest.approx(0.958912, abs=1e-6)
    assert back["overall_grade"] == "good"
    assert back["issues"] == len(result.issues)
    assert back["errors"] == 1
    assert back["tables"]["tickets"] == {
        "score": pytest.approx(0.892361, abs=1e-6),
        "rows": 12,
        "grade": "fair",
        "completeness": 0.9375,
        "validity": 1.0,
        "consistency": pytest.approx(11 / 12),
        "uniqueness": 1.0,
        "integrity": 1.0,
        "timeliness": 0.5,
    }
    assert back["tables"]["customers"]["integrity"] is None  # no foreign key
    assert type(summary["tables"]["orders"]["rows"]) is int


def test_findings_name_the_weakest_table_and_why(result):
    text = quality.findings_text(result.scores, result.issues, result.timeliness)
    assert text.startswith("Overall data quality is good (95.9 %")
    assert "most of the data can be trusted" in text  # good overall, but tickets is fair
    # tickets' lowest dimension is timeliness (0.5): its 2025 gap is the reason
    assert "The tickets table is weakest (89 %, fair)" in text
    assert "2025-01 to 2025-12" in text
    assert "1 of them blocking" in text


def test_section_findings_state_the_numbers(result):
    assert "tickets.first_response_at (75 % filled" in quality.completeness_finding(
        result.completeness
    )
    assert "4 % of orders (1)" in quality.integrity_finding(result.integrity)  # 1/24 = 4.2 %
    assert quality.timeliness_finding(result.timeliness).startswith(
        "There is no data in tickets for 2025-01 to 2025-12;"
    )
    validity_text = quality.validity_finding(result.validity, result.uniqueness, result.consistency)
    assert "rule: at most 1 order;" in validity_text
    assert "contradict each other: 1 ticket;" in validity_text
    assert quality.issues_finding(result.issues).startswith(
        f"{len(result.issues)} issues to raise with the client, 1 of them blocking"
    )


def test_no_data_at_all_degrades_gracefully(assessment):
    q = quality.assess_quality({}, pd.DataFrame(), assessment)
    assert q.scores["table"].tolist() == ["overall"]
    assert quality.findings_text(q.scores, q.issues, q.timeliness).startswith("No table")
    json.dumps(quality.quality_summary(q.scores, q.issues), allow_nan=False)
    for section in ("scores", "completeness", "validity", "integrity", "timeliness", "issues"):
        quality.table_view(q, section)


def test_table_views_show_percent_with_units(result):
    view = quality.table_view(result, "scores")
    assert view.units["Score"] == "%"
    tickets = view.frame.set_index("Table").loc["tickets"]
    assert tickets["Timeliness"] == pytest.approx(50.0)  # 0.5 shown in percent
    assert list(view.frame.columns)[-2:] == ["Score", "Grade"]
    completeness = quality.table_view(result, "completeness").frame
    assert (completeness["Completeness"] < 100).all()
    assert "Record ids" not in quality.table_view(result, "issues").frame
    with pytest.raises(ValueError, match="unknown section"):
        quality.table_view(result, "nope")


# --- the notebook -------------------------------------------------------------------------------


def test_notebook_is_thin_parameterized_and_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["crmkit"] == {"title": "Data quality", "needs": []}
    assert nb.metadata["kernelspec"]["name"] == "crmkit"
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assert params[0].source.startswith('client_dir = "../data/demo"')
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            assert len(cell.source.splitlines()) <= 12
    assert 'stage.record("data_quality"' in nb.cells[-1].source


def test_papermill_documents_the_parameters():
    papermill = pytest.importorskip("papermill")
    params = papermill.inspect_notebook(str(NOTEBOOK))
    assert set(params) == {"client_dir", "run_dir"}
    assert "crmkit run" in params["run_dir"]["help"]


@pytest.mark.slow
def test_notebook_executes_on_a_small_client(client, tmp_path):
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "out.ipynb"
    # the fixture client has an error (a bad amount); fix it so that the stage can open
    orders = client / "data" / "orders.csv"
    orders.write_text(orders.read_text().replace("12 EUR", "12"))
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(out),
        parameters={"client_dir": str(client), "run_dir": ""},
        kernel_name="python3",
        cwd=str(NOTEBOOK.parent),
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    text = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "tickets table is weakest" in text
