"""Reading client tables from disk and the run's columnar cache; nothing else does file I/O.

A client's table ``orders`` is the file ``orders.csv``, ``orders.xlsx`` or ``orders.parquet``
in the client's data folder. CSV files may be UTF-8 (with or without BOM), GB18030/GBK (common
in Chinese exports) or Windows-1252; the encoding is detected unless params give it, and the
separator (comma, semicolon, tab) is detected from the header line. CSV and Excel cells are read
as text so that validation can name every cell that does not parse; Parquet keeps its types.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
import os
import re
import threading
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.exceptions import InputError
from crmkit.data.schemas import TABLES, TableSchema

__all__ = [
    "SUFFIXES",
    "detect_encoding",
    "find_table_files",
    "jsonable",
    "map_columns",
    "read_cache",
    "read_frame",
    "read_json",
    "read_table_file",
    "write_cache",
    "write_frame",
    "write_json",
]

SUFFIXES = (".csv", ".xlsx", ".parquet")
ENCODINGS = ("utf-8", "gb18030", "cp1252")
MISSING_MARKERS = ["", "NULL", "null", "NaN", "nan", "N/A", "n/a", "#N/A", "NA", "None"]


def find_table_files(data_dir: Path) -> dict[str, list[Path]]:
    """Map each canonical table name to the files in ``data_dir`` that hold it.

    A table with more than one file (``orders.csv`` and ``orders.xlsx``) is returned with
    all of them so that the caller can report the ambiguity. Other files are ignored.
    """
    found: dict[str, list[Path]] = {}
    if not data_dir.is_dir():
        return found
    for path in sorted(data_dir.iterdir()):
        if path.is_file() and path.suffix.lower() in SUFFIXES and path.stem in TABLES:
            found.setdefault(path.stem, []).append(path)
    return found


def detect_encoding(raw: bytes) -> str:
    """The first of UTF-8 (BOM honoured), GB18030 and Windows-1252 that decodes ``raw``.

    Examples
    --------
    >>> detect_encoding("客户".encode("gbk"))
    'gb18030'
    >>> detect_encoding("\\ufeffid".encode("utf-8"))
    'utf-8-sig'
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ENCODINGS:
        if _decodes(raw, encoding):
            if encoding == "gb18030" and _looks_western(raw) and _decodes(raw, "cp1252"):
                return "cp1252"
            return encoding
    return "latin-1"


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


# A GB18030 character: four bytes (lead, digit, lead, digit) or two (lead, trail).
_GB_CHAR = re.compile(
    rb"[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]|[\x81-\xfe][\x40-\x7e\x80-\xfe]"
)


def _looks_western(raw: bytes) -> bool:
    """Whether bytes that decode as both GB18030 and Windows-1252 are Western text.

    Chinese text is nearly all in GB2312, whose two bytes are both 0xA1 or above; an accented
    Latin letter (``ü`` in ``Müller``) is one high byte followed by an ASCII letter, which
    GB18030 would also accept as a rare character. Many such pairs mean Western text.
    """
    chars = _GB_CHAR.findall(raw[:262144])
    ascii_trail = sum(1 for c in chars if len(c) == 2 and c[1] < 0x80)
    return bool(chars) and ascii_trail / len(chars) > 0.25


def _separator(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (",", ";", "\t", "|")}
    return max(counts, key=counts.get) if max(counts.values()) > 0 else ","


def read_table_file(
    path: Path, *, encoding: str = "auto", label: str | None = None
) -> pd.DataFrame:
    """Read one table file; CSV and Excel cells as text, Parquet with its own types.

    Parameters
    ----------
    path : Path
        A ``.csv``, ``.xlsx`` or ``.parquet`` file.
    encoding : str
        For CSV: ``auto`` to detect, or a Python codec name such as ``gb18030``.
    label : str, optional
        How error messages name the file (default: the path).

    Raises
    ------
    InputError
        When the file cannot be read, naming the file and the reason.
    """
    label = label or str(path)
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            raw = path.read_bytes()
            if encoding == "auto":
                encoding = detect_encoding(raw)
            text_head = raw[:65536].decode(encoding, errors="replace")
            sep = _separator(text_head.lstrip("\ufeff").split("\n", 1)[0])
            with warnings.catch_warnings():
                # a row longer than the header: pandas would drop its extra cells with a
                # warning (or, without index_col=False, silently shift it into the index)
                warnings.simplefilter("error", pd.errors.ParserWarning)
                try:
                    frame = pd.read_csv(
                        path,
                        sep=sep,
                        dtype=str,
                        encoding=encoding,
                        keep_default_na=False,
                        na_values=MISSING_MARKERS,
                        skip_blank_lines=False,
                        index_col=False,
                    )
                except (pd.errors.ParserError, pd.errors.ParserWarning):
                    _raise_if_ragged(path, encoding, sep, label)
                    raise
            frame = _drop_empty_rows(frame)
        elif suffix == ".xlsx":
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, na_values=MISSING_MARKERS)
            frame = _drop_empty_rows(frame)
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        else:
            raise InputError(
                f"unsupported file type {suffix}; expected one of {SUFFIXES}", file=label
            )
    except InputError:
        raise
    except (UnicodeDecodeError, LookupError) as exc:
        raise InputError(
            f"cannot decode the file with encoding {encoding!r} ({exc})", file=label
        ) from None
    except pd.errors.EmptyDataError:
        raise InputError(
            "the file is empty; expected a header row with column names", file=label
        ) from None
    except Exception as exc:  # parser errors of three libraries: report them as one thing
        raise InputError(f"cannot read the file: {exc}", file=label) from None
    frame.columns = [str(c).strip().lstrip("\ufeff") for c in frame.columns]
    return frame


def _raise_if_ragged(path: Path, encoding: str, sep: str, label: str) -> None:
    """Raise :class:`InputError` naming the rows that have more cells than the header."""
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=sep)
        header = next(reader, [])
        rows = [n for n, row in enumerate(reader, start=2) if len(row) > len(header)]
    if rows:  # the rows go into the error's ``rows``; validation lists the first few
        many = len(rows) > 1
        raise InputError(
            f"{len(rows):,} row{'s' if many else ''} {'have' if many else 'has'} more cells than "
            f"the header has columns ({len(header)}); is the separator {sep!r} inside a value "
            "that is not quoted, as in 1,234.50?",
            file=label,
            rows=rows,
        )


def _drop_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Leave out rows with no value at all (blank lines, ``,,,,``), keeping the index.

    The index stays the row's position in the file (0 = first row under the header), so that
    validation names rows as a spreadsheet shows them even when empty rows were left out.
    """
    empty = frame.isna().all(axis=1)
    return frame[~empty] if empty.any() else frame


def map_columns(
    frame: pd.DataFrame, schema: TableSchema, mapping: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Rename a client's columns to canonical names.

    ``mapping`` (from params ``columns.<table>``) is applied first; then any header that
    equals a canonical name apart from case, spaces or hyphens is renamed to it, so that
    ``Order ID`` and ``order-id`` become ``order_id`` without configuration; so does a
    column's alias (:attr:`crmkit.data.schemas.Column.aliases`).
    """
    renamed = frame.rename(columns=dict(mapping or {}))
    canonical = {_normalise(name): name for name in schema.column_names}
    canonical |= {_normalise(a): c.name for c in schema.columns for a in c.aliases}
    automatic = {
        col: canonical[_normalise(col)]
        for col in renamed.columns
        if col not in schema.column_names and _normalise(col) in canonical
    }
    taken = set(renamed.columns)
    unique: dict[str, str] = {}
    for col, name in automatic.items():  # the first of "Order ID" and "order-id" wins
        if name not in taken:
            unique[col] = name
            taken.add(name)
    return renamed.rename(columns=unique)


def _normalise(name: str) -> str:
    return "_".join(str(name).strip().lower().replace("-", " ").split())


def write_cache(tables: Mapping[str, pd.DataFrame], folder: Path) -> None:
    """Write validated tables as Parquet files ``folder/<table>.parquet``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def read_cache(folder: Path) -> dict[str, pd.DataFrame]:
    """Read every table written by :func:`write_cache`."""
    return {path.stem: pd.read_parquet(path) for path in sorted(folder.glob("*.parquet"))}


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` (with its index) as Parquet, atomically: readers never see half a file.

    Stages running in parallel may write the same file; the last complete one wins.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.partial")
    frame.to_parquet(partial, index=True)
    os.replace(partial, path)


def read_frame(path: Path) -> pd.DataFrame:
    """Read a frame written by :func:`write_frame`.

    Text columns come back as Python objects with None where a value is missing, as a frame
    built in memory holds them (Parquet would otherwise turn None into NaN).
    """
    frame = pd.read_parquet(path)
    for column in frame.columns:
        if pd.api.types.is_string_dtype(frame[column]) or frame[column].dtype == object:
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return frame


def jsonable(value: Any) -> Any:
    """``value`` with NaN and NaT as None, numpy scalars as Python numbers, dates as ISO text.

    Examples
    --------
    >>> jsonable({"a": float("nan"), "b": np.int64(3), "c": [np.float64(0.5)]})
    {'a': None, 'b': 3, 'c': [0.5]}
    """
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [jsonable(v) for v in value.tolist()]
    if isinstance(value, np.datetime64 | np.timedelta64):
        value = pd.Timestamp(value) if isinstance(value, np.datetime64) else pd.Timedelta(value)
    elif isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dt.datetime | dt.date | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, dt.timedelta):  # pd.Timedelta too: ISO 8601 duration, e.g. P1DT0H0M0S
        return pd.Timedelta(value).isoformat()
    if isinstance(value, bool | int | str):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def write_json(data: Any, path: Path) -> None:
    """Write ``data`` as UTF-8 JSON, atomically; NaN becomes null (see :func:`jsonable`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(jsonable(data), indent=2, ensure_ascii=False, allow_nan=False)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    tmp.replace(path)


def read_json(path: Path) -> Any:
    """Read a JSON file written by :func:`write_json`."""
    return json.loads(path.read_text(encoding="utf-8"))
