"""Reading client tables: encodings, separators, Excel, Parquet, column mapping, JSON."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest

from crmkit.data.exceptions import InputError
from crmkit.data.io import (
    detect_encoding,
    find_table_files,
    jsonable,
    map_columns,
    read_json,
    read_table_file,
    write_json,
)
from crmkit.data.schemas import TABLES
from crmkit.data.validation import validate_client

ORDERS = TABLES["orders"]

# --- encodings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"order_id,amount\nO1,12.5\n", "utf-8"),
        ("客户编号,金额\n张三,100\n".encode(), "utf-8"),
        ("\ufeffcustomer_id,城市\nC1,北京\n".encode(), "utf-8-sig"),
        ("客户编号,客户名称,城市\nC001,张三,北京\nC002,李四,上海\n".encode("gbk"), "gb18030"),
        # 镕 is in GBK but not GB2312; one rare character among common ones is still Chinese
        ("客户名称,城市\n朱镕基,北京\n".encode("gbk"), "gb18030"),
        ("客户,金额\n王五,1€\n".encode("gb18030"), "gb18030"),
        ("Société,Prix\nCafé,3\n".encode("cp1252"), "cp1252"),
        # accented letters followed by ASCII letters also decode as GB18030: still cp1252
        ("Kunde,Ort\nMüller,Zürich\nStraße,Größe\n".encode("cp1252"), "cp1252"),
        ("name\nJosé Muñoz 10€\n".encode("cp1252"), "cp1252"),
    ],
)
def test_detect_encoding(raw, expected):
    assert detect_encoding(raw) == expected


def test_read_gbk_csv_with_chinese_headers_mapped_through_params(template_client):
    text = (
        "订单号,客户编号,下单日期,金额\n"
        "O0001,C0001,2024-03-15,1250.0\n"
        "O0002,C0002,2025-02-01,380.5\n"
    )
    (template_client / "data" / "orders.csv").write_bytes(text.encode("gbk"))
    params = template_client / "params.yaml"
    params.write_text(
        params.read_text(encoding="utf-8")
        + "columns:\n  orders: {订单号: order_id, 客户编号: customer_id, "
        "下单日期: order_date, 金额: amount}\n",
        encoding="utf-8",
    )
    report = validate_client(template_client)
    assert report.problems == []
    orders = report.tables["orders"]
    assert list(orders.columns) == ["order_id", "customer_id", "order_date", "amount"]
    assert orders["order_id"].tolist() == ["O0001", "O0002"]
    assert orders["amount"].tolist() == [1250.0, 380.5]
    assert orders["order_date"].tolist() == [pd.Timestamp("2024-03-15"), pd.Timestamp("2025-02-01")]


def test_chinese_cell_values_survive(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes("customer_id,created_date,segment\nC1,2024-01-01,大客户\n".encode("gb18030"))
    frame = read_table_file(path)
    assert frame["segment"].tolist() == ["大客户"]


def test_encoding_given_in_params_wins_over_detection(tmp_path):
    path = tmp_path / "customers.csv"
    path.write_bytes("customer_id,segment\nC1,Müller\n".encode("cp1252"))
    # latin-1 and cp1252 agree on ü; gb18030 would read "Müller" as Chinese
    assert read_table_file(path, encoding="latin-1")["segment"].tolist() == ["Müller"]
    assert read_table_file(path)["segment"].tolist() == ["Müller"]


def test_wrong_encoding_given_names_the_file(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_bytes("客户,金额\n张三,100\n".encode("gbk"))
    with pytest.raises(InputError) as info:
        read_table_file(path, encoding="utf-8", label="data/orders.csv")
    assert info.value.file == "data/orders.csv"
    assert str(info.value).startswith("data/orders.csv: cannot decode the file with encoding")


def test_unknown_encoding_name(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="encoding 'no-such-codec'"):
        read_table_file(path, encoding="no-such-codec")


# --- separators and cells ------------------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_separators_are_detected(tmp_path, sep):
    path = tmp_path / "orders.csv"
    lines = ["order_id", "amount", "note"], ["007", "1,5", "a b"], ["008", "", "x"]
    if sep == ",":  # a comma inside a cell must be quoted when commas separate
        lines = ["order_id", "amount", "note"], ["007", '"1,5"', "a b"], ["008", "", "x"]
    path.write_text("\n".join(sep.join(row) for row in lines) + "\n", encoding="utf-8")
    frame = read_table_file(path)
    assert list(frame.columns) == ["order_id", "amount", "note"]
    assert frame["order_id"].tolist() == ["007", "008"]  # text: leading zeros kept
    assert frame["amount"].iloc[0] == "1,5"
    assert pd.isna(frame["amount"].iloc[1])


def test_missing_markers_and_header_whitespace(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text(
        "\ufeff order_id ,amount\nO1,NULL\nO2,N/A\nO3,#N/A\nO4,none\n", encoding="utf-8"
    )
    frame = read_table_file(path)
    assert list(frame.columns) == ["order_id", "amount"]
    assert frame["amount"].isna().tolist() == [True, True, True, False]  # "none" is text


def test_empty_rows_are_left_out_and_keep_their_place(tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("order_id,amount\nO1,1\n\nO2,2\n,\nO3,3\n\n", encoding="utf-8")
    frame = read_table_file(path)
    assert frame["order_id"].tolist() == ["O1", "O2", "O3"]
    # file rows: header 1, O1 2, blank 3, O2 4, "," 5, O3 6 → index = row - 2
    assert frame.index.tolist() == [0, 2, 4]


def test_xlsx_is_read_as_text(tmp_path):
    path = tmp_path / "orders.xlsx"
    pd.DataFrame(
        {
            "Order ID": ["007", "008", None, "009"],
            "amount": [1250.5, 3, None, 7],
            "order_date": [dt.datetime(2024, 3, 15), dt.datetime(2025, 2, 1), None, None],
        }
    ).to_excel(path, index=False)
    frame = read_table_file(path)
    assert list(frame.columns) == ["Order ID", "amount", "order_date"]
    assert frame["Order ID"].tolist() == ["007", "008", "009"]
    assert frame["amount"].tolist() == ["1250.5", "3", "7"]
    assert frame["order_date"].iloc[0].startswith("2024-03-15")
    assert frame.index.tolist() == [0, 1, 3]  # the empty spreadsheet row 4 is left out


def test_xlsx_client_validates(template_client):
    data = template_client / "data"
    frame = pd.read_csv(data / "orders.csv", dtype=str)
    frame["amount"] = frame["amount"].astype(float)
    frame.to_excel(data / "orders.xlsx", index=False)
    (data / "orders.csv").unlink()
    report = validate_client(template_client)
    assert report.problems == []
    assert report.files["orders"] == "data/orders.xlsx"
    assert report.tables["orders"]["amount"].tolist() == [1250.0, 380.5]


def test_parquet_keeps_its_types_and_validates(template_client):
    data = template_client / "data"
    typed = pd.DataFrame(
        {
            "order_id": ["O0001", "O0002"],
            "customer_id": ["C0001", "C0002"],
            "order_date": pd.to_datetime(["2024-03-15", "2025-02-01"]),
            "amount": [1250.0, 380.5],
            "quantity": np.array([3, 1], dtype="int64"),
        }
    )
    typed.to_parquet(data / "orders.parquet", index=False)
    (data / "orders.csv").unlink()
    frame = read_table_file(data / "orders.parquet")
    assert pd.api.types.is_datetime64_any_dtype(frame["order_date"])
    assert frame["quantity"].dtype == np.int64
    assert frame["amount"].dtype == np.float64
    report = validate_client(template_client)
    assert report.problems == []
    orders = report.tables["orders"]
    assert orders["order_date"].tolist() == [pd.Timestamp("2024-03-15"), pd.Timestamp("2025-02-01")]
    assert orders["quantity"].tolist() == [3.0, 1.0]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("orders.xlsx", b"this is not a workbook", "cannot read the file"),
        ("orders.parquet", b"PAR1 nonsense", "cannot read the file"),
        ("orders.csv", b"", "the file is empty"),
        ("orders.csv", b'a,b\n"1,2\n', "cannot read the file"),  # a quote never closed
        ("orders.txt", b"a,b\n", "unsupported file type .txt"),
    ],
)
def test_unreadable_files_raise_input_error_naming_the_file(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_table_file(path, label=f"data/{name}")
    assert info.value.file == f"data/{name}"
    assert str(info.value).startswith(f"data/{name}: ")
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        # pandas would silently turn the first row's extra cells into an index
        ("order_id,amount\nO1,1,234.50\nO2,5\n", [2]),
        ('order_id,amount\nO1,5\nO2,1,234.50\n"O\n3",6\nO4,7,8\n', [3, 5]),
    ],
)
def test_rows_longer_than_the_header_are_named(tmp_path, text, rows):
    path = tmp_path / "orders.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_table_file(path, label="data/orders.csv")
    assert info.value.rows == rows  # row numbers as a spreadsheet shows them (header = 1)
    assert "more cells than the header has columns (2)" in str(info.value)
    assert "1,234.50" in str(info.value)


def test_find_table_files(tmp_path):
    for name in ("orders.csv", "orders.XLSX", "customers.parquet", "notes.csv", "costs.txt"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "usage.csv").mkdir()  # a folder is not a table
    found = find_table_files(tmp_path)
    assert set(found) == {"orders", "customers"}
    assert [p.name for p in found["orders"]] == ["orders.XLSX", "orders.csv"]
    assert find_table_files(tmp_path / "absent") == {}


# --- column mapping ------------------------------------------------------------------------


def test_map_columns_explicit():
    frame = pd.DataFrame(columns=["Order Number", "Customer", "Date", "Net Amount", "Notes"])
    mapped = map_columns(
        frame,
        ORDERS,
        {
            "Order Number": "order_id",
            "Customer": "customer_id",
            "Date": "order_date",
            "Net Amount": "amount",
        },
    )
    assert list(mapped.columns) == ["order_id", "customer_id", "order_date", "amount", "Notes"]


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("Order ID", "order_id"),
        ("order-id", "order_id"),
        ("ORDER_ID", "order_id"),
        ("  Order   Date ", "order_date"),
        ("Rep-ID", "rep_id"),
    ],
)
def test_map_columns_automatic(header, canonical):
    mapped = map_columns(pd.DataFrame(columns=[header, "Other"]), ORDERS)
    assert list(mapped.columns) == [canonical, "Other"]


def test_map_columns_never_makes_duplicates():
    # a canonical column already present is not overwritten by a look-alike
    mapped = map_columns(pd.DataFrame(columns=["order_id", "Order ID"]), ORDERS)
    assert list(mapped.columns) == ["order_id", "Order ID"]
    # two look-alikes: the first takes the name
    mapped = map_columns(pd.DataFrame(columns=["Order ID", "order-id"]), ORDERS)
    assert list(mapped.columns) == ["order_id", "order-id"]


def test_map_columns_explicit_mapping_comes_first():
    # "Amount" would map itself to amount; the mapping sends "Gross" there instead
    frame = pd.DataFrame(columns=["Gross", "Amount"])
    mapped = map_columns(frame, ORDERS, {"Gross": "amount"})
    assert list(mapped.columns) == ["amount", "Amount"]


# --- JSON ----------------------------------------------------------------------------------


def test_jsonable_converts_missing_and_numpy_values():
    data = {
        "nan": float("nan"),
        "inf": float("inf"),
        "np_nan": np.float64("nan"),
        "nat": pd.NaT,
        "na": pd.NA,
        "none": None,
        "int": np.int64(3),
        "float": np.float32(0.5),
        "bool": np.bool_(True),
        "array": np.array([1.5, np.nan]),
        "tuple": (np.int32(1), "x"),
        "date": dt.date(2025, 1, 31),
        "timestamp": pd.Timestamp("2025-01-31 14:05"),
        "datetime64": np.datetime64("2025-01-31T00:00:00", "ns"),
        "nat64": np.datetime64("NaT"),
        "timedelta": pd.Timedelta(days=1, hours=2),
        1: "key made text",
    }
    out = jsonable(data)
    assert out == {
        "nan": None,
        "inf": None,
        "np_nan": None,
        "nat": None,
        "na": None,
        "none": None,
        "int": 3,
        "float": 0.5,
        "bool": True,
        "array": [1.5, None],
        "tuple": [1, "x"],
        "date": "2025-01-31",
        "timestamp": "2025-01-31T14:05:00",
        "datetime64": "2025-01-31T00:00:00",
        "nat64": None,
        "timedelta": "P1DT2H0M0S",
        "1": "key made text",
    }
    assert type(out["int"]) is int and type(out["bool"]) is bool and type(out["float"]) is float


def test_write_json_writes_strict_utf8_json(tmp_path):
    path = tmp_path / "run" / "results.json"
    data = {"client": "上海某公司", "roi": np.float64("nan"), "n": np.int64(7), "at": pd.NaT}
    write_json(data, path)
    text = path.read_text(encoding="utf-8")
    assert "NaN" not in text and "上海某公司" in text
    loaded = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))
    assert loaded == {"client": "上海某公司", "roi": None, "n": 7, "at": None}
    assert read_json(path) == loaded
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]  # no temporary file left


def test_write_json_replaces_an_old_file(tmp_path):
    path = tmp_path / "results.json"
    write_json({"a": 1, "b": 2}, path)
    write_json({"a": math.pi}, path)
    assert read_json(path) == {"a": math.pi}


def test_write_frame_round_trips_a_results_frame_with_missing_text(tmp_path):
    from crmkit.data.io import read_frame, write_frame

    frame = pd.DataFrame(
        {
            "before": [1.5, float("nan")],
            "test": ["Welch t-test", None],
            "significant": [True, False],
        },
        index=["win_rate", "nps"],
    )
    path = tmp_path / "cache" / "kpi_results.parquet"
    write_frame(frame, path)
    back = read_frame(path)
    assert list(back.index) == ["win_rate", "nps"]
    assert back.loc["nps", "test"] is None and back.loc["win_rate", "test"] == "Welch t-test"
    assert math.isnan(back.loc["nps", "before"]) and bool(back.loc["win_rate", "significant"])
    assert [p.name for p in path.parent.iterdir()] == [
        "kpi_results.parquet"
    ]  # no partial file left
