"""Tests of crmkit.data.quality and crmkit.words.quality: every expected number is worked out
by hand in a comment.

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

from crmkit.data import quality
from crmkit.data.config import parse_params
from crmkit.data.schemas import TABLES
from crmkit.data.validation import problems_frame, validate_client, validate_table
from crmkit.words import quality as quality_words

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
    return quality_words.with_words(
        quality.assess_quality(
            report.tables, report.problems_frame(), report.assessment, files=report.files
        )
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
    # orders: completeness 1 (the unreadable amount was given: it counts against validity only)
    #         validity 1 − 1/24 = 0.958333, consistency 1, uniqueness 1,
    #         integrity 23/24 = 0.958333, timeliness 24/24 = 1
    #         score = 1 − (1/24 + 1/24) / 6 = 1 − 1/72 = 0.986111
    assert s.loc["orders", "completeness"] == 1.0
    assert s.loc["orders", "validity"] == pytest.approx(0.958333, abs=1e-6)
    assert s.loc["orders", "score"] == pytest.approx(0.986111, abs=1e-6)
    # tickets: completeness (1 + 1 + 1 + 9/12) / 4 = 0.9375, validity 1,
    #          consistency 1 − 1/12 = 0.916667, uniqueness 1, integrity 1,
    #          timeliness 12 of 24 months = 0.5 → score 5.354167 / 6 = 0.892361 → fair
    assert s.loc["tickets", "completeness"] == pytest.approx(0.9375)
    assert s.loc["tickets", "consistency"] == pytest.approx(0.916667, abs=1e-6)
    assert s.loc["tickets", "timeliness"] == pytest.approx(0.5)
    assert s.loc["tickets", "score"] == pytest.approx(0.892361, abs=1e-6)
    assert s.loc["tickets", "grade"] == "fair"
    # overall: simple mean of the table scores (1 + 0.986111 + 0.892361) / 3 = 0.959491
    assert s.loc["overall", "score"] == pytest.approx(0.959491, abs=1e-6)
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
    assert quality_words.score_chart_title(result.scores) == (
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


def test_issues_put_errors_first_then_the_largest_score_impact(result):
    issues = result.issues
    assert issues["severity"].iloc[0] == "error"
    assert (issues["severity"] == "error").sum() == 1
    first = issues.iloc[0]
    assert (first["rule"], first["table"], first["column"]) == ("wrong_type", "orders", "amount")
    assert first["example_rows"] == "3"  # O02 is the second data row
    assert first["file"] == "data/orders.csv"
    assert "number" in first["what_to_ask"] and "currency" in first["what_to_ask"]
    # 3 tables scored; orders and tickets have 6 dimensions each. What each issue takes off
    # the overall score, deficit / (6 · 3):
    #   orders wrong_type          (1/24) / 18 = 0.0023148
    #   tickets coverage_gap        0.5   / 18 = 0.0277778  (12 of 24 months without tickets)
    #   tickets inconsistent       (1/12) / 18 = 0.0046296  (T01 answered before it opened)
    #   tickets low_completeness   (3/12 / 4 scored columns) / 18 = 0.0034722
    #   orders unknown_reference   (1/24) / 18 = 0.0023148  (O18 → C9)
    assert list(issues["rule"]) == [
        "wrong_type",
        "coverage_gap",
        "inconsistent",
        "low_completeness",
        "unknown_reference",
    ]
    assert issues["score_impact"].tolist() == pytest.approx(
        [1 / 24 / 18, 0.5 / 18, 1 / 12 / 18, 0.0625 / 18, 1 / 24 / 18]
    )
    assert issues["table_score_impact"].tolist() == pytest.approx(
        [1 / 24 / 6, 0.5 / 6, 1 / 12 / 6, 0.0625 / 6, 1 / 24 / 6]
    )
    weak = issues.iloc[3]
    assert weak["column"] == "first_response_at" and weak["dimension"] == "completeness"
    assert weak["rows_affected"] == 3
    assert weak["example_rows"] == "5, 8, 11"  # T04, T07, T10
    assert weak["issue"].startswith("25 % of tickets (3 of 12)")
    # absent tables lower no score: they are notes, listed apart
    assert set(result.notes["rule"]) == {"absent_table"} and len(result.notes) == 9


def test_issues_show_record_ids_only_when_allowed(report, result):
    assert (result.issues["example_ids"] == "").all()
    for column in ("issue", "impact", "what_to_ask", "example_rows"):
        assert not result.issues[column].str.contains("O02").any()
    shown = quality.issues_for_client(
        report.problems_frame(),
        completeness=result.completeness,
        validity=result.validity,
        uniqueness=result.uniqueness,
        integrity=result.integrity,
        timeliness=result.timeliness,
        tables=report.tables,
        show_record_ids=True,
    )
    assert shown.loc[shown["rule"] == "wrong_type", "example_ids"].item() == "O02"
    assert shown.loc[shown["rule"] == "low_completeness", "example_ids"].item() == "T04, T07, T10"


def test_problems_that_lower_no_score_are_notes_and_params_are_left_out(assessment):
    problems = pd.DataFrame(
        [
            {"severity": "warning", "rule": "outside_window", "message": "x", "table": "orders",
             "column": "order_date", "rows": (2,), "count": 1},
            {"severity": "error", "rule": "params", "message": "bad key"},
        ]
    )  # fmt: skip
    q = quality.assess_quality({}, problems, assessment)
    assert q.issues.empty
    assert q.notes["rule"].tolist() == ["outside_window"]
    assert q.notes["example_rows"].tolist() == ["2"]


# --- summary and findings -----------------------------------------------------------------------


def test_summary_is_json_without_nan(result):
    summary = quality.quality_summary(result.scores, result.issues, result.notes)
    text = json.dumps(summary, allow_nan=False)
    back = json.loads(text)
    assert back["overall_score"] == pytest.approx(0.959491, abs=1e-6)
    assert back["overall_grade"] == "good"
    assert len(back["issues"]) == len(result.issues) == 5
    assert back["issues"][0] == {
        "rule": "wrong_type",
        "severity": "error",
        "dimension": "validity",
        "table": "orders",
        "column": "amount",
        "rows": 1,
        "example_rows": [3],
        "score_impact": pytest.approx(1 / 24 / 18),
        "table_score_impact": pytest.approx(1 / 24 / 6),
        "message": result.issues["issue"].iloc[0],
    }
    assert back["issues"][1]["rows"] is None  # a coverage gap is about months, not rows
    # the score is what the issues leave of 1
    impacts = sum(i["score_impact"] for i in back["issues"])
    assert impacts == pytest.approx(1 - back["overall_score"], abs=1e-12)
    assert [n["rule"] for n in back["notes"]] == ["absent_table"] * 9
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
    text = quality_words.findings_text(result.scores, result.issues, result.timeliness)
    assert text.startswith("Overall data quality is good (95.9 %")  # 0.959491
    assert "most of the data can be trusted" in text  # good overall, but tickets is fair
    # tickets' lowest dimension is timeliness (0.5): its 2025 gap is the reason
    assert "The tickets table is weakest (89 %, fair)" in text
    assert "2025-01 to 2025-12" in text
    assert "1 of them blocking" in text


def test_section_findings_state_the_numbers(result):
    assert "tickets.first_response_at (75 % filled" in quality_words.completeness_finding(
        result.completeness
    )
    assert "4 % of orders (1)" in quality_words.integrity_finding(result.integrity)  # 1/24 = 4.2 %
    assert quality_words.timeliness_finding(result.timeliness).startswith(
        "There is no data in tickets for 2025-01 to 2025-12;"
    )
    validity_text = quality_words.validity_finding(
        result.validity, result.uniqueness, result.consistency
    )
    assert "rule: at most 1 order;" in validity_text
    assert "contradict each other: 1 ticket;" in validity_text
    assert quality_words.issues_finding(result.issues).startswith(
        f"{len(result.issues)} issues to raise with the client, 1 of them blocking"
    )


def test_no_data_at_all_degrades_gracefully(assessment):
    q = quality_words.with_words(quality.assess_quality({}, pd.DataFrame(), assessment))
    assert q.scores["table"].tolist() == ["overall"]
    assert quality_words.findings_text(q.scores, q.issues, q.timeliness).startswith("No table")
    json.dumps(quality.quality_summary(q.scores, q.issues, q.notes), allow_nan=False)
    sections = ("scores", "completeness", "validity", "integrity", "timeliness", "issues", "notes")
    for section in sections:
        quality_words.table_view(q, section)


def test_table_views_show_percent_with_units(result):
    view = quality_words.table_view(result, "scores")
    assert view.units["Score"] == "%"
    tickets = view.frame.set_index("Table").loc["tickets"]
    assert tickets["Timeliness"] == pytest.approx(50.0)  # 0.5 shown in percent
    assert list(view.frame.columns)[-2:] == ["Score", "Grade"]
    completeness = quality_words.table_view(result, "completeness").frame
    assert (completeness["Completeness"] < 100).all()
    issues = quality_words.table_view(result, "issues")
    assert "Record ids" not in issues.frame
    # each issue's score impact in percentage points: wrong_type (1/24) / 18 = 0.23 points
    assert issues.units["Lowers the score by"] == "points"
    assert issues.frame["Lowers the score by"].iloc[0] == pytest.approx(100 / 24 / 18)
    assert issues.formats["Lowers the score by"](100 / 24 / 18) == "0.23"
    assert list(quality_words.table_view(result, "notes").frame["Note"].str[:3]) == ["No "] * 9
    with pytest.raises(ValueError, match="unknown section"):
        quality_words.table_view(result, "nope")


# --- one story: the score is what the issues leave ---------------------------------------------


def orders_rows(customer=None, amount=None, channel=None) -> list[str]:
    """One order per month of 2024–2025 (O01 … O24), with cells changed by order number."""
    rows = []
    for i, month in enumerate(MONTHS_2024_2025, start=1):
        cust = (customer or {}).get(i, f"C{i % 3 + 1}")
        value = (amount or {}).get(i, "100")
        chan = (channel or {}).get(i, "web")
        rows.append(f"O{i:02d},{cust},{month}-15,{value},{chan}")
    return rows


def quality_of(folder: Path) -> quality.DataQuality:
    report = validate_client(folder)
    return quality_words.with_words(
        quality.assess_quality(
            report.tables, report.problems_frame(), report.assessment, files=report.files
        )
    )


def make_client(tmp_path: Path, customers: list[str], orders: list[str]) -> Path:
    (tmp_path / "params.yaml").write_text("client: Test Co\ngo_live_date: 2025-01-01\n")
    data = tmp_path / "data"
    data.mkdir()
    write_csv(data, "customers", "customer_id,created_date,segment", customers)
    write_csv(data, "orders", "order_id,customer_id,order_date,amount,channel", orders)
    return tmp_path


CUSTOMERS = ["C1,2023-01-01,SMB", "C2,2023-01-01,SMB", "C3,2023-03-01,Enterprise"]


def test_a_clean_client_scores_100_percent_with_no_issue(tmp_path):
    q = quality_of(make_client(tmp_path, CUSTOMERS, orders_rows()))
    assert q.issues.empty
    assert q.scores["score"].tolist() == [1.0, 1.0, 1.0]  # customers, orders, overall
    summary = quality.quality_summary(q.scores, q.issues, q.notes)
    assert summary["overall_score"] == 1.0 and summary["issues"] == []
    # the other nine tables are absent: said apart, and no score is lowered by them
    assert [n["rule"] for n in summary["notes"]] == ["absent_table"] * 10


def test_duplicates_missing_values_and_orphans_score_by_the_documented_formula(tmp_path):
    customers = [*CUSTOMERS[:2], "C2,2023-02-01,Enterprise", "C3,2023-03-01,"]
    orders = orders_rows(
        customer={5: "C8", 6: "C9"},  # two orphans
        amount={10: ""},  # an empty required cell
        channel={11: "", 12: "", 13: ""},  # three empty optional cells
    )
    q = quality_of(make_client(tmp_path, customers, orders))
    # By hand, from the formula of quality_scores (k = dimensions that apply, T = 2 tables):
    # customers (4 rows; completeness, validity, consistency, uniqueness: k = 4)
    #   segment empty in 1 of 4 rows, 3 scored columns: completeness deficit (1/4) / 3 = 1/12
    #   C2 twice: 3 distinct ids in 4 rows, uniqueness deficit 1/4
    #   score = 1 − (1/12 + 1/4) / 4 = 1 − 1/12 = 0.916667
    # orders (24 rows; all six dimensions apply: k = 6)
    #   amount empty in 1 row, channel in 3, 5 scored columns: (1/24 + 3/24) / 5 = 1/30
    #   C8, C9 not in customers: integrity deficit 2/24 = 1/12; one order every month
    #   score = 1 − (1/30 + 1/12) / 6 = 1 − 7/360 = 0.980556
    # overall = (0.916667 + 0.980556) / 2 = 0.948611
    s = q.scores.set_index("table")
    assert s.loc["customers", "score"] == pytest.approx(11 / 12)
    assert s.loc["orders", "score"] == pytest.approx(1 - 7 / 360)
    assert s.loc["overall", "score"] == pytest.approx((11 / 12 + 1 - 7 / 360) / 2)
    assert s.loc["customers", "uniqueness"] == pytest.approx(0.75)
    assert s.loc["orders", "integrity"] == pytest.approx(22 / 24)
    # each issue, what it took off the overall score: deficit / (k · T)
    got = {(i.table, i.rule, i.column): i.score_impact for i in q.issues.itertuples(index=False)}
    assert got == {
        ("customers", "duplicate_id", "customer_id"): pytest.approx(1 / 4 / 8),
        ("customers", "low_completeness", "segment"): pytest.approx(1 / 12 / 8),
        ("orders", "missing_value", "amount"): pytest.approx(1 / 120 / 12),
        ("orders", "low_completeness", "channel"): pytest.approx(3 / 120 / 12),
        ("orders", "unknown_reference", "customer_id"): pytest.approx(1 / 12 / 12),
    }
    dup = q.issues.set_index("rule").loc["duplicate_id"]
    assert dup["rows_affected"] == 2 and dup["example_rows"] == "3, 4"  # both rows of C2
    orphans = q.issues.set_index("rule").loc["unknown_reference"]
    assert orphans["rows_affected"] == 2 and orphans["example_rows"] == "6, 7"  # O05, O06
    assert list(q.issues["severity"].iloc[:2]) == ["error", "error"]  # blocking ones first


@pytest.mark.parametrize(
    "orders",
    [
        orders_rows(),
        orders_rows(amount={3: "-5"}),  # negative
        orders_rows(amount={3: "x", 4: "-1"}, channel={3: ""}),  # two rules, one row empty
        orders_rows(customer={1: "C7"}),  # an orphan
        orders_rows()[:20],  # four months without orders
        orders_rows(channel={i: "" for i in range(1, 25)}),  # a column never filled
        orders_rows()[:1] + orders_rows()[:1] * 3 + orders_rows()[1:],  # duplicated ids
    ],
    ids=["clean", "negative", "several", "orphan", "gap", "empty-column", "duplicates"],
)
def test_no_issue_leaves_the_score_unchanged_and_no_score_hides_an_issue(tmp_path, orders):
    q = quality_of(make_client(tmp_path, CUSTOMERS, orders))
    overall = q.scores.set_index("table").loc["overall", "score"]
    assert (q.issues["score_impact"] > 0).all()
    assert q.issues.empty == (overall == 1.0)
    assert q.issues["score_impact"].sum() == pytest.approx(1 - overall, abs=1e-12)
    per_table = q.issues.groupby("table")["table_score_impact"].sum()
    for row in q.scores[q.scores["table"] != "overall"].itertuples(index=False):
        assert per_table.get(row.table, 0.0) == pytest.approx(1 - row.score, abs=1e-12)
    # the dimensions rebuilt from the issues equal the measures computed on their own
    s = q.scores.set_index("table")
    scored = q.completeness[q.completeness["scored"]]
    assert s.loc["orders", "completeness"] == pytest.approx(
        scored.loc[scored["table"] == "orders", "completeness"].mean()
    )
    assert s.loc["orders", "validity"] == pytest.approx(
        q.validity.set_index("table").loc["orders", "validity"]
    )
    assert s.loc["orders", "timeliness"] == pytest.approx(
        q.timeliness.set_index("table").loc["orders", "coverage"]
    )


def test_an_unreadable_value_lowers_validity_not_also_completeness():
    raw = pd.DataFrame(
        {
            "order_id": ["O1", "O2"],
            "customer_id": ["C1", "C1"],
            "order_date": ["2024-01-05", "not a date"],
            "amount": ["12 EUR", None],
        }
    )
    table, problems = typed("orders", raw)
    c = quality.completeness({"orders": table}, problems).set_index("column")
    # order_date: given in both rows (one unreadable) → 2 of 2; amount: '12 EUR' given,
    # the second empty → 1 of 2
    assert c.loc["order_date", "filled"] == 2
    assert c.loc["amount", "completeness"] == pytest.approx(0.5)
    assert quality.completeness({"orders": table}).loc[2, "filled"] == 1  # without problems


# --- the notebook -------------------------------------------------------------------------------


def test_notebook_is_thin_parameterized_and_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["crmkit"] == {"title": "Data quality", "needs": []}
    assert nb.metadata["kernelspec"]["name"] == "python3"
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assert params[0].source.startswith('client_dir: str = "../data/demo"')
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


def test_a_score_just_below_100_percent_never_shows_as_100(tmp_path):
    # 1 empty channel in 24 orders: orders' completeness 1 − (1/24)/5, score 1 − 1/720
    q = quality_of(make_client(tmp_path, CUSTOMERS, orders_rows(channel={3: ""})))
    view = quality_words.table_view(q, "scores")
    shown = {
        row["Table"]: view.formats["Score"](row["Score"]) for row in view.frame.to_dict("records")
    }
    # orders 1 − 1/720 = 99.86 %; overall (1 + 0.998611) / 2 = 99.93 %
    assert shown == {"customers": "100.0", "orders": "99.9", "overall": "99.9"}
    # a score of 99.96 % would round to 100.0: it is shown as "> 99.9"
    assert view.formats["Score"](100 * (1 - 1 / 2400)) == "> 99.9"
