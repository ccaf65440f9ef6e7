"""Completeness: how many cells of each schema column are filled."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from crmkit.data.quality.frames import full_problems, ordered_tables, typed_frame
from crmkit.data.quality.rules import EMPTY_MEANS
from crmkit.data.schemas import TABLES

__all__ = ["completeness"]


def column_applies(table_name: str, column: str, table: pd.DataFrame) -> tuple[pd.Series, str]:
    """The rows a column should be filled in, and a note when that is not every row."""
    if (table_name, column) == ("opportunities", "closed_date") and "status" in table:
        return table["status"].isin(["won", "lost"]), "won and lost opportunities only"
    return pd.Series(True, index=table.index), EMPTY_MEANS.get((table_name, column), "")


def completeness(
    tables: Mapping[str, pd.DataFrame], problems: pd.DataFrame | None = None
) -> pd.DataFrame:
    """How many cells of each schema column are filled.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The typed canonical tables (as :func:`crmkit.data.validation.validate_client` returns
        them). Absent tables and columns are validation's business and are not listed.
    problems : DataFrame, optional
        Validation problems: a value given but not readable (``wrong_type``,
        ``unparseable_date``) is a filled cell, counted against validity, not here.

    Returns
    -------
    DataFrame
        One row per table and schema column present, in schema order, with columns:

        - ``table`` (str): the canonical table.
        - ``column`` (str): the canonical column.
        - ``required`` (bool): whether the schema requires the column.
        - ``rows`` (int): the rows the column applies to (all rows, except where ``note``
          says otherwise).
        - ``filled`` (int): those rows with a value.
        - ``missing`` (int): ``rows - filled``.
        - ``completeness`` (float): ``filled / rows``; NaN when ``rows`` is 0.
        - ``scored`` (bool): whether the column enters the table's completeness score.
        - ``note`` (str): how the column is counted, when not plainly.

    Notes
    -----
    completeness = filled / rows. Some optional columns are empty on purpose: a customer's
    ``churned_date`` while the customer is active, a ticket's ``resolved_at`` while it is open
    and its ``satisfaction`` when the customer gave no rating (a response rate, not a gap in
    the data). They are listed but not scored, nor raised with the client.
    ``opportunities.closed_date`` is counted over won and lost opportunities only,
    since an open deal has no closing date. Text cells holding only spaces are empty
    (validation has already turned them into missing values). A value validation could not
    read (wrong type, unreadable date) is empty in the typed table but was given: with
    ``problems`` it counts as filled here and as invalid in :func:`validity`, so that one
    cell lowers one dimension only.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": ["O1", "O2"], "customer_id": ["C1", "C1"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-02-01"]),
    ...     "amount": [10.0, None]})
    >>> completeness({"orders": orders})[["column", "filled", "completeness"]]
            column  filled  completeness
    0     order_id       2           1.0
    1  customer_id       2           1.0
    2   order_date       2           1.0
    3       amount       1           0.5
    """
    p = full_problems(problems)
    unread = (
        p[p["rule"].isin(["wrong_type", "unparseable_date"])]
        .groupby(["table", "column"])["count"]
        .sum()
    )
    records = []
    for name in ordered_tables(tables):
        table = tables[name]
        for column in TABLES[name].columns:
            if column.name not in table:
                continue
            applies, note = column_applies(name, column.name, table)
            rows = int(applies.sum())
            filled = int((table[column.name].notna() & applies).sum())
            filled = min(rows, filled + int(unread.get((name, column.name), 0)))
            records.append(
                {
                    "table": name,
                    "column": column.name,
                    "required": column.required,
                    "rows": rows,
                    "filled": filled,
                    "missing": rows - filled,
                    "completeness": filled / rows if rows else math.nan,
                    "scored": (name, column.name) not in EMPTY_MEANS,
                    "note": note,
                }
            )
    return typed_frame(
        records,
        "table column required rows filled missing completeness scored note",
        bool="required scored",
        int64="rows filled missing",
        float64="completeness",
    )
