"""The frames data quality reads and writes: the validation problems, and typed result frames."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from crmkit.data.schemas import TABLES

__all__ = [
    "PROBLEM_COLUMNS",
    "full_problems",
    "json_float",
    "ordered_tables",
    "row_numbers",
    "rows_per_table",
    "typed_frame",
]

#: The columns of a validation problem (:class:`crmkit.data.validation.Problem`).
PROBLEM_COLUMNS = (
    "severity",
    "rule",
    "message",
    "file",
    "table",
    "column",
    "rows",
    "count",
    "expected",
)


def ordered_tables(names: Iterable[str]) -> list[str]:
    """Canonical table names among ``names``, in the schema's order."""
    present = set(names)
    return [name for name in TABLES if name in present]


def json_float(value: Any) -> float | None:
    """A Python float, or None for NaN / NA / None (JSON has no NaN).

    Examples
    --------
    >>> json_float(0.5), json_float(float("nan")), json_float(pd.NA), json_float(None)
    (0.5, None, None, None)
    """
    return None if pd.isna(value) else float(value)


def typed_frame(records: list[dict[str, Any]], columns: str, **dtypes: str) -> pd.DataFrame:
    """A frame of ``records`` with the space-separated ``columns``; ``dtypes`` maps a dtype
    (``int64=``, ``float64=``, ``Int64=``, ``bool=``, ``datetime=``) to the columns it types."""
    names = columns.split()
    frame = pd.DataFrame.from_records(records, columns=names)
    for dtype, cols in dtypes.items():
        target = "datetime64[ns]" if dtype == "datetime" else dtype
        frame = frame.astype(dict.fromkeys(cols.split(), target))
    return frame


def full_problems(problems: pd.DataFrame | None) -> pd.DataFrame:
    """The problems frame with every column of Problem present and ``count`` an integer."""
    if problems is None or len(problems) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PROBLEM_COLUMNS}).astype(
            {"count": "int64"}
        )
    frame = problems.copy().reset_index(drop=True)
    for column in PROBLEM_COLUMNS:
        if column not in frame:
            frame[column] = None
    frame["count"] = pd.to_numeric(frame["count"], errors="coerce").fillna(0).astype("int64")
    return frame


def row_numbers(value: Any) -> list[int]:
    """Row numbers from a Problem's ``rows`` (a tuple, list or array after a round trip)."""
    if value is None or isinstance(value, str | float):
        return []
    try:
        return [int(v) for v in value]
    except (TypeError, ValueError):
        return []


def rows_per_table(problems: pd.DataFrame, rules: Iterable[str]) -> pd.Series:
    """Sum of ``count`` per table over problems of ``rules``."""
    hits = problems[problems["rule"].isin(list(rules)) & problems["table"].notna()]
    return hits.groupby("table")["count"].sum()
