"""Dates read the way the client wrote them: detected per column, never guessed in silence.

Reference dates are worked out by hand in the comments; Excel serial days are those Excel's
own ``=DATE(y, m, d)`` shows as a number (1900 date system).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from crmkit.cli import main
from crmkit.data.dates import check_date_format, read_dates
from crmkit.data.validation import validate_client

T = pd.Timestamp


def days(reading) -> list[str]:
    return [None if pd.isna(v) else f"{v:%Y-%m-%d %H:%M}" for v in reading.values]


# --- read_dates ------------------------------------------------------------------------------


def test_day_first_decided_by_one_unambiguous_row():
    r = read_dates(pd.Series(["03/04/2024", "11/12/2024", "25/03/2024"]))
    assert r.order == "day first" and r.decided_by == "data"
    # 3 April, 11 December, 25 March
    assert days(r) == ["2024-04-03 00:00", "2024-12-11 00:00", "2024-03-25 00:00"]
    assert r.day_first.tolist() == [False, False, True]
    assert r.resolved.tolist() == [True, True, False]
    assert not r.undecided and not r.contradictory and not r.bad.any()


def test_month_first_decided_by_one_unambiguous_row():
    r = read_dates(pd.Series(["03/04/2024", "03/25/2024"]))
    assert r.order == "month first" and r.decided_by == "data"
    assert days(r) == ["2024-03-04 00:00", "2024-03-25 00:00"]  # 4 March, 25 March


def test_all_days_twelve_or_less_is_undecided():
    r = read_dates(pd.Series(["03/04/2024", "12/01/2024", "07/07/2024", None]))
    assert r.undecided and r.order is None
    # 07/07 is the same day either way: not ambiguous
    assert r.ambiguous.tolist() == [True, True, False, False]
    assert not r.bad.any()


def test_rows_of_both_kinds_contradict():
    r = read_dates(pd.Series(["25/03/2024", "03/04/2024", "03/25/2024"]))
    assert r.contradictory and r.order is None and not r.undecided
    assert r.day_first.tolist() == [True, False, False]
    assert r.month_first.tolist() == [False, False, True]


@pytest.mark.parametrize(
    ("dayfirst", "expected"),
    [(True, ["2024-04-03 00:00", None]), (False, ["2024-03-04 00:00", "2024-03-25 00:00"])],
)
def test_params_dayfirst_decides_and_rows_against_it_are_not_read(dayfirst, expected):
    r = read_dates(pd.Series(["03/04/2024", "03/25/2024"]), dayfirst=dayfirst)
    assert r.decided_by == "params" and days(r) == expected
    # 03/25/2024 cannot be day first: with dayfirst true it is not read, never swapped
    assert r.contradicting.tolist() == [False, dayfirst]
    assert r.bad.tolist() == [False, dayfirst]


def test_dots_dashes_spaces_two_digit_years_and_times():
    r = read_dates(
        pd.Series(["4.3.2024", "25.3.2024", "04-03-24 10:05", "5 3 1999", "13/04/70 23:59:30"])
    )
    assert r.order == "day first"
    # %y: 24 → 2024, 70 → 1970 (strptime's pivot: 69–99 → 19xx, 00–68 → 20xx)
    assert days(r) == [
        "2024-03-04 00:00",
        "2024-03-25 00:00",
        "2024-03-04 10:05",
        "1999-03-05 00:00",
        "1970-04-13 23:59",
    ]


def test_yyyymmdd_as_text_and_as_integers():
    text = read_dates(pd.Series(["19970101", "19980630"]))
    numbers = read_dates(pd.Series([19970101, 19980630]))  # CDNOW's date column
    floats = read_dates(pd.Series([19970101.0, None]))  # an integer column with a gap
    assert days(text) == days(numbers) == ["1997-01-01 00:00", "1998-06-30 00:00"]
    assert days(floats) == ["1997-01-01 00:00", None] and not floats.bad.any()


def test_excel_serial_days():
    # Excel: =DATE(2024,1,1) is 45292; =DATE(2024,3,4) is 45292 + 31 + 29 + 3 = 45355;
    # .75 of a day is 18:00
    r = read_dates(pd.Series(["45292", "45355.75", 45355]))
    assert days(r) == ["2024-01-01 00:00", "2024-03-04 18:00", "2024-03-04 00:00"]


def test_iso_month_names_and_offsets_need_no_decision():
    r = read_dates(
        pd.Series(["2024-03-04", "2024-03-04T10:00:00+01:00", "4 March 2024", "Mar 4, 2024"])
    )
    assert r.order is None and r.decided_by == "" and not r.undecided
    assert days(r) == ["2024-03-04 00:00", "2024-03-04 10:00", "2024-03-04 00:00"] + [
        "2024-03-04 00:00"
    ]


def test_impossible_dates_are_bad_not_swapped():
    r = read_dates(pd.Series(["31/02/2024", "13/13/2024", "2024-02-30", "tomorrow", ""]))
    assert r.bad.tolist() == [True, True, True, True, False]


def test_date_format_reads_every_cell_by_its_pattern():
    r = read_dates(pd.Series(["03/04/2024", "2024-04-03", "25/03/2024"]), date_format="%d/%m/%Y")
    assert r.decided_by == "format"
    assert days(r) == ["2024-04-03 00:00", None, "2024-03-25 00:00"]
    assert r.bad.tolist() == [False, True, False]


def test_typed_dates_pass_through():
    r = read_dates(pd.Series(pd.to_datetime(["2024-03-04 10:00"]).tz_localize("Europe/Berlin")))
    assert days(r) == ["2024-03-04 10:00"]


@pytest.mark.parametrize(
    ("pattern", "ok"),
    [("%d/%m/%Y", True), ("%Y%m%d", True), ("%d.%m.%y %H:%M", True), ("%d/%m", False)],
)
def test_check_date_format(pattern, ok):
    assert (check_date_format(pattern) is None) is ok


# --- through validation ----------------------------------------------------------------------


def write_orders(folder: Path, dates: list, header: tuple = ("order_id", "order_date")) -> None:
    rows = [["order_id", "customer_id", "order_date", "amount"]]
    rows += [[f"O{i:04d}", "C0001", d, "100"] for i, d in enumerate(dates, start=1)]
    with (folder / "data" / "orders.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


# every day of the month 12 or less, written day first: 3 April, 5 June, 1 February, ...
DAY_FIRST = ["03/04/2024", "05/06/2024", "01/02/2024", "12/11/2024", "07/07/2024", "02/09/2024"]


def test_day_first_file_without_a_deciding_row_stops_with_one_clear_error(template_client):
    write_orders(template_client, DAY_FIRST)
    report = validate_client(template_client)
    assert not report.ok
    errors = [p for p in report.errors]
    assert [p.rule for p in errors] == ["ambiguous_date"]
    error = errors[0]
    assert (error.file, error.column) == ("data/orders.csv", "order_date")
    # spreadsheet rows (header = row 1): 07/07/2024 in row 6 reads the same either way
    assert error.rows == (2, 3, 4, 5, 7) and error.count == 5
    assert "'03/04/2024'" in error.message
    assert "day first (3 April 2024) or month first (4 March 2024)" in error.message
    assert "dayfirst: true" in error.expected and "dayfirst: false" in error.expected
    assert "dayfirst: {orders: true}" in error.expected and "date_format" in error.expected

    result = CliRunner().invoke(main, ["validate", str(template_client)])
    assert result.exit_code == 1
    assert "data/orders.csv, column order_date" in result.output
    assert "rows 2, 3, 4, 5, 7" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "params",
    [
        "dayfirst: true",
        "dayfirst: {orders: true}",
        "date_format: {orders: '%d/%m/%Y'}",
        "date_format: {orders: {order_date: '%d/%m/%Y'}}\ndayfirst: false",  # format wins
    ],
)
def test_day_first_file_with_the_param_reads_the_right_dates(template_client, params):
    write_orders(template_client, DAY_FIRST)
    path = template_client / "params.yaml"
    text = path.read_text(encoding="utf-8").replace("dayfirst: auto\n", "")
    path.write_text(text.replace("date_format: auto\n", "") + params + "\n", encoding="utf-8")
    report = validate_client(template_client)
    assert report.ok, report.summary()
    assert report.tables["orders"]["order_date"].tolist() == [
        T("2024-04-03"),
        T("2024-06-05"),
        T("2024-02-01"),
        T("2024-11-12"),
        T("2024-07-07"),
        T("2024-09-02"),
    ]


def test_one_unambiguous_row_decides_and_says_so(template_client):
    write_orders(template_client, [*DAY_FIRST, "25/03/2024"])
    report = validate_client(template_client)
    assert report.ok, report.summary()
    said = [p for p in report.problems if p.rule == "date_order"]
    assert len(said) == 1 and said[0].severity == "warning"
    assert said[0].rows == (8,)  # the row that decided: 25/03/2024
    assert "read day first (3 April 2024)" in said[0].message
    assert "'25/03/2024'" in said[0].message
    dates = report.tables["orders"]["order_date"]
    assert dates.iloc[0] == T("2024-04-03") and dates.iloc[-1] == T("2024-03-25")


def test_contradictory_rows_stop_with_both_named(template_client):
    write_orders(template_client, [*DAY_FIRST, "25/03/2024", "03/25/2024"])
    report = validate_client(template_client)
    assert [p.rule for p in report.errors] == ["mixed_date_order"]
    error = report.errors[0]
    assert error.rows == (8, 9)
    assert "'25/03/2024' in row 8" in error.message and "'03/25/2024' in row 9" in error.message


def test_contradicting_the_param_is_an_unreadable_date_not_a_swap(template_client):
    write_orders(template_client, [*DAY_FIRST, "03/25/2024"])
    report = validate_client(template_client, overrides={"dayfirst": "true"})
    assert [p.rule for p in report.errors] == ["unparseable_date"]
    assert report.errors[0].rows == (8,)
    assert "cannot be read day first" in report.errors[0].message


def test_dayfirst_per_table(template_client):
    write_orders(template_client, ["03/04/2024", "05/06/2024"])
    tickets = template_client / "data" / "tickets.csv"
    rows = list(csv.reader(tickets.open(encoding="utf-8")))
    rows[1][1], rows[2][1] = "03/04/2024 09:15", "05/06/2024 16:40"
    with tickets.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    report = validate_client(
        template_client, overrides={"dayfirst": "{orders: true, tickets: false}"}
    )
    assert report.ok, report.summary()
    assert report.tables["orders"]["order_date"].tolist() == [T("2024-04-03"), T("2024-06-05")]
    assert report.tables["tickets"]["opened_at"].tolist() == [
        T("2024-03-04 09:15"),
        T("2024-05-06 16:40"),
    ]


def test_cdnow_style_integer_dates_through_column_mapping(template_client):
    """CDNOW's master log: customer id, YYYYMMDD date, quantity, amount; no order id."""
    data = template_client / "data"
    (data / "orders.csv").write_text(
        "order_id,cust,date,qty,dollars\n1,00001,19970101,1,11.77\n2,00002,19970112,1,12.00\n",
        encoding="utf-8",
    )
    path = template_client / "params.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + "columns: {orders: {cust: customer_id, date: order_date, qty: quantity, "
        "dollars: amount}}\n",
        encoding="utf-8",
    )
    report = validate_client(template_client)
    orders = report.tables["orders"]
    assert orders["order_date"].tolist() == [T("1997-01-01"), T("1997-01-12")]
    assert report.ok, report.summary()
    # the only word on these dates: they lie outside the template's 2024–2025 window
    assert [p.rule for p in report.problems if p.column == "order_date"] == ["outside_window"]


def test_excel_workbook_with_serial_numbers_in_a_date_column(template_client):
    data = template_client / "data"
    (data / "orders.csv").unlink()
    frame = pd.DataFrame(
        {
            "order_id": ["O1", "O2"],
            "customer_id": ["C0001", "C0002"],
            "order_date": [45355, pd.Timestamp("2024-03-05")],  # a serial and a date cell
            "amount": [10.0, 20.0],
        }
    )
    frame.to_excel(data / "orders.xlsx", index=False)
    report = validate_client(template_client)
    assert report.tables["orders"]["order_date"].tolist() == [T("2024-03-04"), T("2024-03-05")]
    assert not [p for p in report.errors]
