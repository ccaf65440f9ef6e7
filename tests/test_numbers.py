"""Numbers as exports write them: a table of written-out examples, read by hand.

Each expected value is the number a reader of the cell would write down, given the format
(``1,234.56``: decimal point, thousands by comma/space/apostrophe; ``1.234,56``: decimal
comma, thousands by point/space/apostrophe; CLDR number patterns of en-US and de-DE, fr-FR,
de-CH). None as format means the column's own values decide.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from crmkit.data.numbers import COMMA_DECIMAL, POINT_DECIMAL, parse_numbers
from crmkit.data.validation import validate_client

P, C = POINT_DECIMAL, COMMA_DECIMAL

# written, number_format, expected (the number as a reader reads it)
EXAMPLES = [
    ("1,234.50", None, 1234.5),
    ("$1,234.50", None, 1234.5),
    ("¥1,234", P, 1234.0),
    ("￥1,234", C, 1.234),
    ("1.234,50 €", None, 1234.5),
    ("€ 1.234,50", None, 1234.5),
    ("1 234,50", None, 1234.5),  # French: a space between thousands
    ("1\u202f234,50", None, 1234.5),  # ... a narrow no-break space, as Excel (fr-FR) writes it
    ("1\u00a0234.50", None, 1234.5),
    ("1'234.50", None, 1234.5),  # Swiss
    ("1.234.567,89", None, 1234567.89),
    ("12,345,678", None, 12345678.0),
    ("(123.00)", None, -123.0),  # accounting negative
    ("($1,234.50)", None, -1234.5),
    ("-1,234", P, -1234.0),
    ("-1,234", C, -1.234),
    ("1,234-", P, -1234.0),  # a trailing minus (SAP)
    ("1,234", P, 1234.0),
    ("1,234", C, 1.234),
    ("1.234", P, 1.234),
    ("1.234", C, 1234.0),
    ("10,000", P, 10000.0),
    ("10,000", C, 10.0),
    ("12,5", None, 12.5),
    ("0,125", None, 0.125),
    ("0.125", None, 0.125),
    ("380.5", None, 380.5),
    ("1234", None, 1234.0),
    ("1 234", None, 1234.0),  # the same both ways: no format needed
    ("007", None, 7.0),
    ("1.5e3", None, 1500.0),
    ("+42", None, 42.0),
]


@pytest.mark.parametrize(("written", "number_format", "expected"), EXAMPLES)
def test_a_number_as_exports_write_it(written, number_format, expected):
    reading = parse_numbers(pd.Series([written]), number_format=number_format)
    assert not reading.bad[0] and not reading.undecided
    assert reading.values[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("written", ["", "-", "–", "—"])
def test_blanks_and_dashes_are_missing_not_zero(written):
    reading = parse_numbers(pd.Series([written, "5"]))
    assert math.isnan(reading.values[0]) and not reading.bad[0]


# written, whether the column holds a fraction, expected (None: not a valid value)
RATES = [
    ("12.5%", True, 0.125),
    ("12,5 %", True, 0.125),
    ("100%", True, 1.0),
    ("0.125", True, 0.125),
    ("12.5%", False, None),  # 12.5 % is no amount of money
]


@pytest.mark.parametrize(("written", "fraction", "expected"), RATES)
def test_rates_written_as_percentages(written, fraction, expected):
    reading = parse_numbers(pd.Series([written]), fraction=fraction)
    if expected is None:
        assert reading.bad[0]
    else:
        assert reading.values[0] == pytest.approx(expected)


@pytest.mark.parametrize("written", ["abc", "12 EUR", "1,23,4", "1.234.56", "1,2.3", "--5"])
def test_what_no_format_reads_is_not_a_number(written):
    assert parse_numbers(pd.Series([written]), currency="USD").bad[0]


def test_the_runs_currency_code_is_dropped_and_no_other():
    reading = parse_numbers(
        pd.Series(["USD 1,200.00", "1,200.00 usd", "1,200 EUR"]), currency="USD"
    )
    assert reading.values.tolist()[:2] == [1200.0, 1200.0]
    assert reading.bad.tolist() == [False, False, True]


# A column: its cells, and how it is read (format, decided by, values) or that it is not.
COLUMNS = [
    # one cell written 1,234.56-only decides the ambiguous one
    (["1,234", "12,345.50"], P, "data", [1234.0, 12345.5]),
    (["1,234", "12,5"], C, "data", [1.234, 12.5]),
    (["1.234", "980", "0,5"], C, "data", [1234.0, 980.0, 0.5]),
    (["1 234", "980", "12"], None, "", [1234.0, 980.0, 12.0]),  # nothing needed deciding
]


@pytest.mark.parametrize(("cells", "number_format", "decided_by", "values"), COLUMNS)
def test_a_column_decides_its_own_format(cells, number_format, decided_by, values):
    reading = parse_numbers(pd.Series(cells))
    assert (reading.number_format, reading.decided_by) == (number_format, decided_by)
    assert reading.values.tolist() == pytest.approx(values)
    assert not reading.undecided and not reading.bad.any()


def test_every_value_ambiguous_leaves_the_column_undecided():
    reading = parse_numbers(pd.Series(["1,234", "2,500", "10,000"]))
    assert reading.undecided
    assert reading.ambiguous.tolist() == [True, True, True]


def test_a_count_is_not_ambiguous_when_one_reading_is_not_whole():
    # 1,234 contacts are 1234: 1.234 contacts is no count
    reading = parse_numbers(pd.Series(["1,234", "2,500"]), whole=True)
    assert not reading.undecided
    assert reading.values.tolist() == [1234.0, 2500.0]


def test_a_value_written_the_other_way_contradicts_the_column():
    reading = parse_numbers(pd.Series(["1,234.50", "1.234,50", "2,000.00", "5"]))
    assert reading.number_format == P  # two cells against one
    assert reading.contradicting.tolist() == [False, True, False, False]
    assert reading.bad.tolist() == [False, True, False, False]


def test_params_format_wins_and_names_the_cells_it_cannot_read():
    reading = parse_numbers(pd.Series(["1.234,50", "1,234.50"]), number_format=C)
    assert reading.decided_by == "params"
    assert reading.values[0] == 1234.5 and math.isnan(reading.values[1])
    assert reading.contradicting.tolist() == [False, True]


# --- in validation -------------------------------------------------------------------------


def write_orders(folder: Path, amounts: list[str]) -> None:
    rows = ["order_id,customer_id,order_date,amount,quantity,rep_id"]
    rows += [f'O{i},C0001,2024-0{i}-15,"{a}",1,R01' for i, a in enumerate(amounts, start=1)]
    (folder / "data" / "orders.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")


def test_ambiguous_amounts_are_one_error_naming_file_column_rows_and_the_param(template_client):
    write_orders(template_client, ["1,234", "2,500", "980", "12,000"])
    report = validate_client(template_client)
    [problem] = [p for p in report.errors]
    assert problem.rule == "ambiguous_number"
    assert (problem.file, problem.column) == ("data/orders.csv", "amount")
    assert (problem.rows, problem.count) == ((2, 3, 5), 3)
    assert problem.message == (
        "3 values such as '1,234' can be 1234 (the comma or point separating thousands, as in "
        "1,234.56) or 1.234 (the comma or point being the decimal mark, as in 1.234,56), and no "
        "value in the column decides which (none is written like 1,234.50 or 12,5)"
    )
    assert "number_format: '1,234.56'" in problem.expected
    assert "number_format: {orders: {amount: '1.234,56'}}" in problem.expected


@pytest.mark.parametrize(
    ("setting", "amounts"),
    [
        ("'1,234.56'", [1234.0, 2500.0, 980.0, 12000.0]),
        ("{orders: '1.234,56'}", [1.234, 2.5, 980.0, 12.0]),
        ("{orders: {amount: '1,234.56'}}", [1234.0, 2500.0, 980.0, 12000.0]),
    ],
)
def test_number_format_param_reads_them(template_client, setting, amounts):
    write_orders(template_client, ["1,234", "2,500", "980", "12,000"])
    report = validate_client(template_client, overrides={"number_format": setting})
    assert report.errors == [], report.summary()
    assert report.tables["orders"]["amount"].tolist() == pytest.approx(amounts)


def test_how_the_data_decided_is_said(template_client):
    write_orders(template_client, ["1.234", "2.500,75", "980"])
    report = validate_client(template_client)
    assert report.errors == []
    [note] = [p for p in report.warnings if p.rule == "number_format"]
    assert note.message == (
        "1 value such as '1.234' was read as 1234 (written 1.234,56), because 1 value of the "
        "column can only be read so, e.g. '2.500,75'"
    )
    assert note.rows == (3,)
    assert report.tables["orders"]["amount"].tolist() == [1234.0, 2500.75, 980.0]


def test_a_contradicting_value_is_a_wrong_type_that_says_why(template_client):
    write_orders(template_client, ["1,234.50", "2,000.00", "380,5"])
    [problem] = validate_client(template_client).errors
    assert (problem.rule, problem.rows) == ("wrong_type", (4,))
    assert problem.message == (
        "1 values of the wrong type, e.g. '380,5' (the column's numbers are written 1,234.56, "
        "e.g. '1,234.50', which cannot read them)"
    )


def test_an_unknown_number_format_is_a_params_error(template_client):
    report = validate_client(template_client, overrides={"number_format": "1 234,56"})
    [problem] = report.errors
    assert problem.rule == "params" and "number_format" in problem.message
    report = validate_client(
        template_client, overrides={"number_format": "{orders: {region: '1,234.56'}}"}
    )
    assert "not a number column of orders" in report.errors[0].message
