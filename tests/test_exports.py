"""Files as exports come: workbooks with several sheets, a title block above the header,
Chinese headers. Row numbers in messages stay those a spreadsheet shows."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from crmkit.data.io import find_header_row
from crmkit.data.presets import MappingSource
from crmkit.data.validation import validate_client

HEADER = ["order_id", "customer_id", "order_date", "amount", "quantity", "rep_id"]
ORDERS = [
    ["O1", "C0001", "2024-03-15", "1,250.00", "3", "R01"],
    ["O2", "C0001", "2024-05-02", "380.50", "1", "R07"],
    ["O3", "C0002", "2025-02-01", "2,400.00", "2", "R01"],
]


def write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def use_xlsx(client: Path, sheets: dict[str, list[list[object]]]) -> None:
    (client / "data" / "orders.csv").unlink()
    write_workbook(client / "data" / "orders.xlsx", sheets)


SUMMARY = [["Total", "4,030.50"], ["Orders", "3"]]
TWO_SHEETS = {"Summary": SUMMARY, "Orders 2024": [HEADER, *ORDERS]}


def test_a_workbook_of_several_sheets_and_no_sheet_param_is_one_error(template_client):
    use_xlsx(template_client, TWO_SHEETS)
    [problem] = validate_client(template_client).errors
    assert (problem.rule, problem.file, problem.table) == (
        "unreadable",
        "data/orders.xlsx",
        "orders",
    )
    assert problem.message == (
        "the workbook has 2 sheets ('Summary', 'Orders 2024'); say which one holds the orders "
        "table in params.yaml, e.g. sheet: {orders: 'Summary'} (a name, or a number counted "
        "from 1)"
    )


@pytest.mark.parametrize("sheet", ["'Orders 2024'", "2"])
def test_the_sheet_param_names_the_sheet_by_name_or_number(template_client, sheet):
    use_xlsx(template_client, TWO_SHEETS)
    report = validate_client(template_client, overrides={"sheet": f"{{orders: {sheet}}}"})
    assert report.errors == [], report.summary()
    assert report.tables["orders"]["order_id"].tolist() == ["O1", "O2", "O3"]
    assert report.tables["orders"]["amount"].tolist() == [1250.0, 380.5, 2400.0]
    assert report.columns["orders"].sheet == "Orders 2024"


@pytest.mark.parametrize(
    ("sheet", "words"),
    [
        ("Order", "params sheet: 'Order' is not a sheet of the workbook; its sheets: 'Summary', "),
        ("3", "params sheet: 3 but the workbook has 2 sheets ('Summary', 'Orders 2024')"),
    ],
)
def test_a_sheet_the_workbook_lacks_is_named_with_the_sheets_it_has(template_client, sheet, words):
    use_xlsx(template_client, TWO_SHEETS)
    [problem] = validate_client(template_client, overrides={"sheet": f"{{orders: {sheet}}}"}).errors
    assert words in problem.message


TITLE = [["Orders report"], ["Exported 2025-01-31 by J. Doe"], []]


def test_a_header_on_row_4_under_a_title_block_is_found_in_a_workbook(template_client):
    rows = [*TITLE, HEADER, *(list(row) for row in ORDERS)]
    rows[5][3] = "abc"  # sheet row 6: header on row 4, data from row 5
    use_xlsx(template_client, {"Orders": rows})
    report = validate_client(template_client)
    [problem] = report.errors
    assert (problem.rule, problem.column, problem.rows) == ("wrong_type", "amount", (6,))
    assert report.columns["orders"].header_row == 4


def test_a_header_on_row_4_under_a_title_block_is_found_in_a_csv(template_client):
    lines = ["Orders report", "Exported 2025-01-31 by J. Doe", "", ",".join(HEADER)]
    lines += [",".join(f'"{cell}"' for cell in row) for row in ORDERS]
    lines[6] = lines[6].replace("2,400.00", "-5")  # file row 7
    (template_client / "data" / "orders.csv").write_text("\n".join(lines) + "\n")
    report = validate_client(template_client)
    [problem] = report.errors
    assert (problem.rule, problem.rows) == ("negative", (7,))
    assert report.tables["orders"]["amount"].tolist() == [1250.0, 380.5, -5.0]
    assert report.columns["orders"].header_row == 4


def test_the_header_row_param_says_where_the_header_is(template_client):
    # a title row that holds two canonical names would fool the search: the param decides
    rows = [["order_id and amount by customer_id"], ["amount", "order_id"], [], HEADER, *ORDERS]
    use_xlsx(template_client, {"Orders": rows})
    report = validate_client(template_client, overrides={"header_row": "{orders: 4}"})
    assert report.errors == [], report.summary()
    assert report.tables["orders"]["order_id"].tolist() == ["O1", "O2", "O3"]


def test_find_header_row_takes_the_row_with_most_known_headers():
    known = {"order_id", "amount", "order_date"}
    assert find_header_row([["Report"], ["x", "y"], ["Order ID", "Amount"]], known) == 2
    assert (
        find_header_row([["order_id", "amount"], ["Order ID", "Amount", "Order date"]], known) == 1
    )
    assert find_header_row([["Order ID", "x"], ["1", "2"]], known) == 0  # one is not enough
    assert find_header_row([["Order ID", "Amount"], ["Amount", "Order ID"]], known) == 0


CHINESE = """\
订单编号,客户编号,下单日期,金额,数量,销售渠道
D0001,C0001,2024-03-15,"¥1,250.00",3,线上
D0002,C0002,2024-07-20,"¥380.50",1,门店
D0003,C0001,2025-02-01,"¥2,400.00",2,线上
"""


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_chinese_headers_common_ones_by_default_others_through_columns(template_client, encoding):
    (template_client / "data" / "orders.csv").write_bytes(CHINESE.encode(encoding))
    report = validate_client(
        template_client, overrides={"columns": "{orders: {数量: quantity, 销售渠道: channel}}"}
    )
    assert report.errors == [], report.summary()
    orders = report.tables["orders"]
    assert orders["order_id"].tolist() == ["D0001", "D0002", "D0003"]
    assert orders["amount"].tolist() == [1250.0, 380.5, 2400.0]
    assert orders["quantity"].tolist() == [3.0, 1.0, 2.0]
    assert orders["channel"].tolist() == ["线上", "门店", "线上"]
    sources = {c.header: c.source for c in report.columns["orders"].recognised}
    assert sources == {
        "订单编号": MappingSource.COMMON,
        "客户编号": MappingSource.COMMON,
        "下单日期": MappingSource.COMMON,
        "金额": MappingSource.COMMON,
        "数量": MappingSource.PARAMS,
        "销售渠道": MappingSource.PARAMS,
    }


def test_a_chinese_header_under_a_title_block(template_client):
    text = "订单明细\n导出日期 2025-01-31\n" + CHINESE
    (template_client / "data" / "orders.csv").write_text(text, encoding="utf-8")
    report = validate_client(template_client)
    assert report.errors == [], report.summary()
    assert report.columns["orders"].header_row == 3
    assert report.columns["orders"].unused == ("数量", "销售渠道")


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        (
            "sheet",
            "{orders: 0}",
            "sheet.orders: expected a sheet name or a sheet number counted from 1",
        ),
        ("sheet", "{order: Orders}", "sheet.order: unknown table; did you mean 'orders'?"),
        ("header_row", "{orders: 0}", "header_row.orders: expected a whole number from 1"),
    ],
)
def test_sheet_and_header_row_params_are_checked(template_client, key, value, words):
    [problem] = validate_client(template_client, overrides={key: value}).errors
    assert problem.rule == "params" and words in problem.message
