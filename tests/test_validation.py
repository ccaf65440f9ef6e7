"""Validation of client folders: each rule on a folder broken in exactly one place.

Row numbers are as a spreadsheet shows them: the header is row 1, the first data row row 2.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from crmkit.cli import main
from crmkit.data import validation
from crmkit.data.exceptions import ValidationFailed
from crmkit.data.validation import Problem, problems_frame, validate_client

ORDER_COLUMNS = ["order_id", "customer_id", "order_date", "amount", "quantity", "rep_id"]


def write_rows(folder: Path, table: str, rows: list[list[str]]) -> None:
    path = folder / "data" / f"{table}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def read_rows(folder: Path, table: str) -> list[list[str]]:
    with (folder / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def set_cells(folder: Path, table: str, cells: dict[tuple[int, str], str]) -> None:
    """Change cells given as (spreadsheet row, column name): value."""
    rows = read_rows(folder, table)
    for (row, column), value in cells.items():
        rows[row - 1][rows[0].index(column)] = value
    write_rows(folder, table, rows)


def drop_columns(folder: Path, table: str, *columns: str) -> None:
    rows = read_rows(folder, table)
    keep = [i for i, name in enumerate(rows[0]) if name not in columns]
    write_rows(folder, table, [[row[i] for i in keep] for row in rows])


def only(report: validation.ValidationReport, rule: str) -> Problem:
    found = [p for p in report.problems if p.rule == rule]
    assert len(found) == 1, report.summary()
    return found[0]


@pytest.fixture
def client(template_client: Path) -> Path:
    """The template client with eight valid orders (rows 2–9), all of customer C0001."""
    rows = [ORDER_COLUMNS] + [
        [f"O{i:04d}", "C0001", f"2024-0{i}-15", f"{100 * i}.0", str(i), "R01"] for i in range(1, 9)
    ]
    write_rows(template_client, "orders", rows)
    return template_client


def test_the_base_client_is_valid(client):
    report = validate_client(client)
    assert report.problems == []
    assert report.ok
    assert report.tables["orders"]["order_id"].tolist() == [f"O{i:04d}" for i in range(1, 9)]


# --- one rule at a time ----------------------------------------------------------------------

E, W = "error", "warning"
CASES = [
    # id, table, cells, rule, severity, column, rows, count, words in message, expected
    (
        "wrong_type",
        "orders",
        {(4, "amount"): "abc", (7, "amount"): "12 EUR"},
        ("wrong_type", E, "amount", (4, 7), 2, ["2 values of the wrong type", "'abc', '12 EUR'"]),
        "a number ≥ 0",
    ),
    (
        "decimal_comma_is_not_read_as_thousands",
        "orders",
        {(3, "amount"): "380,5"},
        ("wrong_type", E, "amount", (3,), 1, ["'380,5'"]),
        "a number ≥ 0",
    ),
    (
        "unparseable_date",
        "orders",
        {(5, "order_date"): "2024-13-45", (6, "order_date"): "yesterday"},
        ("unparseable_date", E, "order_date", (5, 6), 2, ["2 dates that cannot be read"]),
        "a date such as 2025-01-31",
    ),
    (
        "date_beyond_the_calendar_pandas_holds",
        "orders",
        {(9, "order_date"): "3024-01-01"},
        ("unparseable_date", E, "order_date", (9,), 1, ["'3024-01-01'"]),
        "a date such as 2025-01-31",
    ),
    (
        "negative_amount",
        "orders",
        {(2, "amount"): "-5"},
        ("negative", E, "amount", (2,), 1, ["1 negative values"]),
        "a number ≥ 0",
    ),
    (
        "negative_optional_quantity",
        "orders",
        {(8, "quantity"): "-1"},
        ("negative", E, "quantity", (8,), 1, ["negative"]),
        "a number ≥ 0",
    ),
    (
        "nps_above_10",
        "surveys",
        {(3, "nps"): "11"},
        ("out_of_range", E, "nps", (3,), 1, ["values outside 0–10"]),
        "a whole number from 0 to 10",
    ),
    (
        "nps_below_0",
        "surveys",
        {(2, "nps"): "-1"},
        ("out_of_range", E, "nps", (2,), 1, ["values outside 0–10"]),
        "a whole number from 0 to 10",
    ),
    (
        "csat_outside_1_to_5",
        "surveys",
        {(2, "csat"): "0", (3, "csat"): "6"},
        ("out_of_range", E, "csat", (2, 3), 2, ["2 values outside 1–5"]),
        "a whole number from 1 to 5",
    ),
    (
        "csat_not_whole",
        "surveys",
        {(3, "csat"): "2.5"},
        ("wrong_type", E, "csat", (3,), 1, ["'2.5'"]),
        "a whole number from 1 to 5",
    ),
    (
        "status_not_allowed",
        "opportunities",
        {(3, "status"): "pending"},
        ("not_allowed", E, "status", (3,), 1, ["1 values not allowed", "'pending'"]),
        "one of won / lost / open",
    ),
    (
        "bool_maybe",
        "tickets",
        {(2, "is_complaint"): "maybe"},
        ("wrong_type", E, "is_complaint", (2,), 1, ["'maybe'"]),
        "true or false (also 1 / 0, yes / no)",
    ),
    (
        "duplicate_ids",
        "orders",
        {(6, "order_id"): "O0002"},
        ("duplicate_id", E, "order_id", (3, 6), 2, ["1 identifiers appear more than once, in 2"]),
        "each identifier once",
    ),
    (
        "empty_required_cells",
        "orders",
        {(4, "customer_id"): "", (9, "customer_id"): "NULL"},
        ("missing_value", E, "customer_id", (4, 9), 2, ["2 empty cells in a required column"]),
        "an identifier",
    ),
    (
        "order_of_an_unknown_customer",
        "orders",
        {(5, "customer_id"): "C9999"},
        ("unknown_reference", W, "customer_id", (5,), 1, ["data/customers.csv does not have"]),
        "a customer_id listed in customers",
    ),
    (
        "outside_the_assessment_window",
        "orders",
        # the window is 2024-01-01 to 2025-12-31, both ends included
        {(2, "order_date"): "2024-01-01", (7, "order_date"): "2023-12-31"}
        | {(8, "order_date"): "2026-01-01", (9, "order_date"): "2025-12-31"},
        ("outside_window", W, "order_date", (7, 8), 2, ["2 of 8 rows", "2024-01-01 to 2025-12-31"]),
        "a date from 2024-01-01 to 2025-12-31",
    ),
    (
        "closed_before_created",
        "opportunities",
        {(2, "closed_date"): "2024-01-15"},
        ("inconsistent", W, "closed_date", (2,), 1, ["closed before it was created"]),
        "closed_date not before created_date",
    ),
    (
        "open_with_a_closed_date",
        "opportunities",
        {(3, "status"): "Open"},
        ("inconsistent", W, "closed_date", (3,), 1, ["open opportunities have a closed_date"]),
        "no closed_date while status is open",
    ),
    (
        "resolved_before_opened",
        "tickets",
        {(2, "resolved_at"): "2024-05-02 09:00"},
        ("inconsistent", W, "resolved_at", (2,), 1, ["resolved before the ticket was opened"]),
        "resolved_at not before opened_at",
    ),
    (
        "more_responses_than_contacts",
        "campaigns",
        {(3, "responses"): "1300"},
        ("inconsistent", W, "contacts", (3,), 1, ["more responses than contacts"]),
        "responses ≤ contacts",
    ),
    (
        "order_before_its_customer_was_created",
        "orders",
        {(6, "customer_id"): "C0002"},  # C0002 was created 2024-11-20; the order is 2024-05-15
        ("inconsistent", W, "order_date", (6,), 1, ["dated before their customer was created"]),
        "order_date on or after the customer's created_date",
    ),
]


@pytest.mark.parametrize(
    ("table", "cells", "found", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_one_broken_rule(client, table, cells, found, expected):
    rule, severity, column, rows, count, words = found
    set_cells(client, table, cells)
    report = validate_client(client)
    problem = only(report, rule)
    assert report.problems == [problem]  # the one thing broken, nothing else
    assert problem.severity == severity
    assert problem.file == f"data/{table}.csv"
    assert problem.table == table
    assert problem.column == column
    assert problem.rows == rows
    assert problem.count == count
    assert problem.expected == expected
    for word in words:
        assert word in problem.message
    assert report.ok is (severity == W)


def test_first_five_rows_and_the_count(client):
    set_cells(client, "orders", {(row, "amount"): "-1" for row in range(2, 9)})
    problem = only(validate_client(client), "negative")
    assert problem.rows == (2, 3, 4, 5, 6)
    assert problem.count == 7
    assert str(problem) == (
        "data/orders.csv, column amount: 7 negative values (rows 2, 3, 4, 5, 6 and 2 more); "
        "expected a number ≥ 0"
    )


def test_a_problem_reads_as_one_line(client):
    set_cells(client, "orders", {(2, "amount"): "-5"})
    problem = only(validate_client(client), "negative")
    assert str(problem) == (
        "data/orders.csv, column amount: 1 negative values (row 2); expected a number ≥ 0"
    )


def test_rows_are_counted_across_empty_lines(client):
    rows = read_rows(client, "orders")
    rows[5][3] = "-5"  # O0005, on row 6 of the file as written
    text = "\n".join(",".join(r) for r in rows[:3]) + "\n\n,,,,,\n"  # rows 4 and 5 are empty
    text += "\n".join(",".join(r) for r in rows[3:]) + "\n"
    (client / "data" / "orders.csv").write_text(text, encoding="utf-8")
    report = validate_client(client)
    problem = only(report, "negative")
    assert problem.rows == (8,)  # header 1, O0001 2, O0002 3, empty 4–5, O0003 6, … O0005 8
    assert report.problems == [problem]  # empty rows are not missing values
    assert len(report.tables["orders"]) == 8
    assert report.tables["orders"].index.tolist() == list(range(8))


def test_missing_required_column(client):
    drop_columns(client, "orders", "amount")
    report = validate_client(client)
    problem = only(report, "missing_column")
    assert report.problems == [problem]
    assert (problem.severity, problem.file, problem.column) == (E, "data/orders.csv", "amount")
    assert (problem.rows, problem.count) == ((), 0)
    assert problem.expected == "a number ≥ 0"
    assert "columns found: order_id, customer_id, order_date, quantity, rep_id" in problem.message
    assert "map it in params.yaml" not in problem.message  # no unknown column could hold it
    assert "orders" not in report.tables
    assert "customers" in report.tables  # the other tables are still checked


def test_missing_column_suggests_a_mapping(client):
    rows = read_rows(client, "orders")
    rows[0][rows[0].index("amount")] = "Net Amount (EUR)"
    write_rows(client, "orders", rows)
    problem = only(validate_client(client), "missing_column")
    assert problem.column == "amount"
    assert "if one of Net Amount (EUR) holds it, map it in params.yaml" in problem.message
    assert "columns: {orders: {'<client column>': amount}}" in problem.message


def test_every_missing_required_column_is_reported(client):
    drop_columns(client, "orders", "order_id", "order_date")
    report = validate_client(client)
    missing = [p for p in report.problems if p.rule == "missing_column"]
    assert [p.column for p in missing] == ["order_id", "order_date"]


def test_orders_given_twice(client):
    pd.read_csv(client / "data" / "orders.csv", dtype=str).to_excel(
        client / "data" / "orders.xlsx", index=False
    )
    report = validate_client(client)
    problem = only(report, "ambiguous_file")
    assert report.problems == [problem]
    assert (problem.severity, problem.file, problem.table) == (E, "data/orders.csv", "orders")
    assert "given 2 times: data/orders.csv, data/orders.xlsx" in problem.message
    assert problem.expected == "one file per table"
    assert "orders" not in report.tables


def test_unreadable_file(client):
    (client / "data" / "customers.csv").unlink()
    (client / "data" / "customers.xlsx").write_bytes(b"not a workbook")
    report = validate_client(client)
    problem = only(report, "unreadable")
    assert (problem.severity, problem.file, problem.table) == (
        E,
        "data/customers.xlsx",
        "customers",
    )
    assert str(problem).startswith("data/customers.xlsx: cannot read the file")
    assert str(problem).count("data/customers.xlsx") == 1
    # orders are still checked, but not against a customers table that could not be read
    assert [p.rule for p in report.problems] == ["unreadable"]


def test_row_with_an_unquoted_separator(client):
    text = (client / "data" / "orders.csv").read_text(encoding="utf-8")
    (client / "data" / "orders.csv").write_text(
        text.replace("O0003,C0001,2024-03-15,300.0", "O0003,C0001,2024-03-15,1,300.0"),
        encoding="utf-8",
    )
    problem = only(validate_client(client), "unreadable")
    assert (problem.rows, problem.count) == ((4,), 1)
    assert "more cells than the header has columns (6)" in problem.message


@pytest.mark.parametrize("table", ["usage", "orders", "customers"])
def test_absent_table_is_a_warning(client, table):
    (client / "data" / f"{table}.csv").unlink()
    report = validate_client(client)
    problem = only(report, "absent_table")
    assert report.problems == [problem]  # orphans are not checked without a parent table
    assert (problem.severity, problem.table, problem.file) == (W, table, None)
    assert f"{table}.csv, .xlsx or .parquet in data/" in problem.message
    assert "skipped" in problem.message
    assert report.ok


def test_empty_table_is_a_warning(client):
    write_rows(client, "usage", [read_rows(client, "usage")[0]])
    report = validate_client(client)
    problem = only(report, "empty_table")
    assert report.problems == [problem]
    assert (problem.severity, problem.file) == (W, "data/usage.csv")
    assert report.ok and len(report.tables["usage"]) == 0


def test_invalid_params_stop_before_the_data(client):
    (client / "params.yaml").write_text("client: Acme\ncurency: EUR\n", encoding="utf-8")
    report = validate_client(client)
    assert report.assessment is None and report.tables == {}
    assert [p.rule for p in report.problems] == ["params", "params"]
    text = " | ".join(p.message for p in report.problems)
    assert "curency: unknown key; did you mean 'currency'?" in text
    assert "go_live_date: required" in text
    assert not report.ok


def test_missing_data_folder(client):
    shutil.rmtree(client / "data")
    report = validate_client(client)
    problem = only(report, "params")
    assert "data folder" in problem.message and "does not exist" in problem.message
    assert not report.ok


def test_data_folder_outside_the_client_folder(client, tmp_path):
    shutil.move(client / "data", tmp_path / "shared-data")
    params = client / "params.yaml"
    text = params.read_text(encoding="utf-8").replace(
        "data_dir: data", f"data_dir: {tmp_path / 'shared-data'}"
    )
    params.write_text(text, encoding="utf-8")
    report = validate_client(client)
    assert report.problems == []
    assert report.files["orders"] == str(tmp_path / "shared-data" / "orders.csv")


# --- what is accepted ----------------------------------------------------------------------


def test_thousands_separators_are_accepted(client):
    set_cells(
        client,
        "orders",
        {(2, "amount"): "1,234.50", (3, "amount"): "12,345,678", (4, "amount"): " 1 234 "},
    )
    report = validate_client(client)
    assert report.problems == []
    assert report.tables["orders"]["amount"].tolist()[:4] == [1234.5, 12345678.0, 1234.0, 400.0]


@pytest.mark.parametrize(
    ("dayfirst", "expected"), [("false", "2025-03-04"), ("true", "2025-04-03")]
)
def test_dayfirst_dates(client, dayfirst, expected):
    set_cells(client, "orders", {(9, "order_date"): "03/04/2025"})
    report = validate_client(client, overrides={"dayfirst": dayfirst})
    # how the ambiguous date was read is said, not guessed in silence
    said = only(report, "date_order")
    assert said.severity == "warning" and said.rows == (9,)
    assert f"as params dayfirst: {dayfirst} says" in said.message
    assert report.ok
    assert report.tables["orders"]["order_date"].iloc[7] == pd.Timestamp(expected)


def test_dayfirst_in_params_file(client):
    params = client / "params.yaml"
    params.write_text(
        params.read_text(encoding="utf-8").replace("dayfirst: auto", "dayfirst: true"),
        encoding="utf-8",
    )
    set_cells(client, "orders", {(9, "order_date"): "13/02/2025", (8, "order_date"): "01/02/2025"})
    orders = validate_client(client).tables["orders"]
    assert orders["order_date"].iloc[6:].tolist() == [
        pd.Timestamp("2025-02-01"),
        pd.Timestamp("2025-02-13"),
    ]


def test_timestamps_with_utc_offsets_keep_their_local_time(client):
    set_cells(
        client,
        "tickets",
        {(2, "opened_at"): "2024-05-02T09:15:00+02:00", (3, "opened_at"): "2025-01-20T16:40Z"},
    )
    report = validate_client(client)
    assert report.problems == []
    assert report.tables["tickets"]["opened_at"].tolist() == [
        pd.Timestamp("2024-05-02 09:15"),
        pd.Timestamp("2025-01-20 16:40"),
    ]


def test_labels_ids_and_booleans(client):
    set_cells(
        client,
        "opportunities",
        {(2, "status"): " WON ", (3, "status"): "Lost", (2, "opportunity_id"): "007"},
    )
    set_cells(client, "tickets", {(2, "is_complaint"): "No", (3, "is_complaint"): "1"})
    report = validate_client(client)
    assert report.problems == []
    opportunities = report.tables["opportunities"]
    assert opportunities["status"].tolist() == ["won", "lost"]
    assert opportunities["opportunity_id"].tolist() == ["007", "P0002"]
    assert report.tables["tickets"]["is_complaint"].tolist() == [False, True]


def test_client_column_names_mapped_in_params(client):
    rows = read_rows(client, "orders")
    rows[0] = ["Order Number", "Customer", "Order Date", "Net Amount", "Qty", "rep-id"]
    write_rows(client, "orders", rows)
    params = client / "params.yaml"
    params.write_text(
        params.read_text(encoding="utf-8")
        + "columns:\n  orders: {Order Number: order_id, Customer: customer_id, "
        "Net Amount: amount, Qty: quantity}\n",
        encoding="utf-8",
    )
    report = validate_client(client)
    assert report.problems == []
    assert (
        list(report.tables["orders"].columns) == ORDER_COLUMNS
    )  # Order Date, rep-id by themselves


def test_mapping_onto_a_column_that_exists_is_reported_not_a_crash(client):
    rows = read_rows(client, "orders")
    rows[0][rows[0].index("rep_id")] = "Customer"
    write_rows(client, "orders", rows)
    params = client / "params.yaml"
    params.write_text(
        params.read_text(encoding="utf-8") + "columns: {orders: {Customer: customer_id}}\n",
        encoding="utf-8",
    )
    report = validate_client(client)
    assert not report.ok
    problem = report.errors[0]
    assert (problem.file, problem.column) == ("data/orders.csv", "customer_id")
    assert "more than once" in problem.message


def test_a_bug_in_one_table_does_not_hide_the_others(client, monkeypatch):
    real = validation.validate_table

    def broken(frame, schema, **kwargs):
        if schema.name == "orders":
            raise RuntimeError("boom")
        return real(frame, schema, **kwargs)

    monkeypatch.setattr(validation, "validate_table", broken)
    set_cells(client, "surveys", {(2, "nps"): "11"})
    report = validate_client(client)
    assert [(p.rule, p.file) for p in report.errors] == [
        ("internal_error", "data/orders.csv"),
        ("out_of_range", "data/surveys.csv"),
    ]
    assert "RuntimeError: boom" in report.errors[0].message


# --- everything at once, and the command ---------------------------------------------------


def break_several(client: Path) -> None:
    set_cells(client, "orders", {(3, "amount"): "-10", (5, "customer_id"): "C9999"})
    set_cells(client, "surveys", {(3, "nps"): "11"})
    set_cells(client, "opportunities", {(2, "status"): "pending"})
    (client / "data" / "usage.csv").unlink()


def test_all_problems_are_reported_at_once(client):
    break_several(client)
    report = validate_client(client)
    found = [(p.severity, p.rule, p.file, p.column, p.rows) for p in report.problems]
    assert found == [  # errors first, then warnings, each in table order
        (E, "negative", "data/orders.csv", "amount", (3,)),
        (E, "not_allowed", "data/opportunities.csv", "status", (2,)),
        (E, "out_of_range", "data/surveys.csv", "nps", (3,)),
        (W, "absent_table", None, None, ()),
        (W, "unknown_reference", "data/orders.csv", "customer_id", (5,)),
    ]
    frame = problems_frame(report.problems)
    assert list(frame.columns) == [
        "severity", "rule", "message", "file", "table", "column", "rows", "count", "expected",
    ]  # fmt: skip
    assert len(frame) == 5
    with pytest.raises(ValidationFailed) as info:
        report.raise_if_failed()
    message = str(info.value)
    assert message.startswith("3 problem(s) stop the assessment:")
    assert "data/surveys.csv, column nps" in message
    assert "absent" not in message and "C9999" not in message  # warnings are not listed there


def test_cli_validate_prints_every_problem_and_exits_1(client):
    break_several(client)
    result = CliRunner().invoke(main, ["validate", str(client)])
    assert result.exit_code == 1
    out = result.output
    assert "ERROR    data/orders.csv, column amount: 1 negative values (row 3)" in out
    assert "ERROR    data/opportunities.csv, column status: 1 values not allowed" in out
    assert "ERROR    data/surveys.csv, column nps: 1 values outside 0–10 (row 3)" in out
    assert "warning  no usage table" in out
    assert "warning  data/orders.csv, column customer_id: 1 rows point to a customer_id" in out
    assert out.rstrip().endswith(
        "3 error(s), 2 warning(s): fix the errors before running the assessment."
    )
    assert "Traceback" not in out
    assert isinstance(result.exception, SystemExit)


def test_cli_validate_exits_0_when_the_assessment_can_run(template_client):
    result = CliRunner().invoke(main, ["validate", str(template_client)])
    assert result.exit_code == 0
    assert result.output == "No errors, 0 warning(s): the assessment can run.\n"


def test_cli_validate_warnings_do_not_fail(client):
    set_cells(client, "orders", {(5, "customer_id"): "C9999"})
    (client / "data" / "usage.csv").unlink()
    result = CliRunner().invoke(main, ["validate", str(client)])
    assert result.exit_code == 0
    assert "No errors, 2 warning(s)" in result.output


@pytest.mark.parametrize(
    ("params", "words"),
    [
        (None, "no params.yaml here"),
        ("client: Acme\ngo_live_date: 2025-13-01\n", "a value cannot be read (line 2)"),
        ("client: [Acme\n", "not valid YAML"),
    ],
)
def test_cli_validate_params_problems(tmp_path, params, words):
    folder = tmp_path / "c"
    folder.mkdir()
    if params is not None:
        (folder / "params.yaml").write_text(params, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1
    assert words in result.output
    assert "Traceback" not in result.output


def test_console_entry_point_shows_no_traceback(client):
    break_several(client)
    set_cells(client, "orders", {(4, "order_date"): "3024-01-01"})
    crmkit = Path(sys.executable).parent / "crmkit"
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    done = subprocess.run(
        [str(crmkit), "validate", str(client)], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "data/orders.csv, column order_date: 1 dates that cannot be read" in done.stdout
    assert "4 error(s), 2 warning(s)" in done.stdout


def test_run_assessment_on_a_broken_folder_writes_nothing(client, tmp_path):
    from crmkit.pipeline.runner import run_assessment

    break_several(client)
    output = tmp_path / "reports"
    with pytest.raises(ValidationFailed) as info:
        run_assessment(client, output_root=output, progress=False)
    assert {p.rule for p in info.value.problems if p.severity == E} == {
        "negative",
        "not_allowed",
        "out_of_range",
    }
    assert not output.exists() or not any(output.rglob("*"))


@pytest.mark.parametrize(
    ("control", "words"),
    [
        ("{column: team, values: [A]}", "control.column 'team' is a column of no table"),
        (
            "{column: region, values: [Mars]}",
            "no row has region = Mars: the control group is empty",
        ),
    ],
)
def test_a_control_group_the_data_does_not_hold_is_a_warning(client, control, words):
    params = client / "params.yaml"
    params.write_text(
        params.read_text(encoding="utf-8") + f"\ncontrol: {control}\n", encoding="utf-8"
    )
    report = validate_client(client)
    found = [p for p in report.problems if p.rule == "control_group"]
    assert len(found) == 1 and found[0].severity == "warning" and words in found[0].message
    assert report.ok  # the assessment still runs, before against after


def test_a_control_group_found_in_the_data_raises_nothing(client):
    params = client / "params.yaml"
    params.write_text(
        params.read_text(encoding="utf-8") + "\ncontrol: {column: region, values: [west]}\n",
        encoding="utf-8",
    )
    assert not [p for p in validate_client(client).problems if p.rule == "control_group"]


def test_a_customer_listed_twice_still_checks_orders_against_its_first_creation(client):
    # C0001 twice, created 2024-03-01 and 2023-01-01: its orders (2024-01-15 …) are checked
    # against the earlier date, so none is "before its customer was created"
    write_rows(
        client,
        "customers",
        [
            ["customer_id", "created_date"],
            ["C0001", "2024-03-01"],
            ["C0001", "2023-01-01"],
            ["C0002", "2024-01-01"],
        ],
    )
    report = validate_client(client)
    assert [p.rule for p in report.errors] == ["duplicate_id"]
    assert not [p for p in report.problems if p.rule == "inconsistent"]
