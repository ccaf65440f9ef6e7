"""Keys: identifiers that are unique (uniqueness) and references that find their parent
row (referential integrity)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

from crmkit.data.quality.frames import ordered_tables, typed_frame
from crmkit.data.schemas import TABLES, found_in

__all__ = ["referential_integrity", "uniqueness"]


def uniqueness(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """How many identifiers are distinct, per table with an identifier column.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The typed canonical tables.

    Returns
    -------
    DataFrame
        One row per table present whose schema has an ``id_column`` that the table holds, in
        schema order, with columns:

        - ``table`` (str)
        - ``id_column`` (str): the column that must be unique.
        - ``rows`` (int): rows in the table.
        - ``rows_with_id`` (int): rows whose identifier is filled.
        - ``distinct_ids`` (int): different identifiers.
        - ``duplicate_rows`` (int): ``rows_with_id - distinct_ids``, the surplus copies (the
          rows that would have to go for every identifier to appear once).
        - ``uniqueness`` (float): ``distinct_ids / rows_with_id``; NaN without identifiers.

    Notes
    -----
    uniqueness = distinct_ids / rows_with_id. Identifiers A, A, B, C give 3 distinct ids in 4
    rows: duplicate_rows = 1, uniqueness = 0.75 (validation's ``duplicate_id`` problem counts
    the 2 rows that share A). Empty identifiers are validity's concern (missing_value), so
    they are not counted again here.
    """
    records = []
    for name in ordered_tables(tables):
        id_column = TABLES[name].id_column
        table = tables[name]
        if not id_column or id_column not in table:
            continue
        ids = table[id_column].dropna()
        distinct = int(ids.nunique())
        records.append(
            {
                "table": name,
                "id_column": id_column,
                "rows": len(table),
                "rows_with_id": len(ids),
                "distinct_ids": distinct,
                "duplicate_rows": len(ids) - distinct,
                "uniqueness": distinct / len(ids) if len(ids) else math.nan,
            }
        )
    return typed_frame(
        records,
        "table id_column rows rows_with_id distinct_ids duplicate_rows uniqueness",
        int64="rows rows_with_id distinct_ids duplicate_rows",
        float64="uniqueness",
    )


def referential_integrity(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """How many references find their parent row, per foreign key of the schemas.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The typed canonical tables.

    Returns
    -------
    DataFrame
        One row per foreign key (``orders.customer_id → customers.customer_id``, and the same
        for tickets and surveys) whose child column and parent table are present, in schema
        order, with columns:

        - ``table`` (str): the child table, holding the reference.
        - ``column`` (str): the referencing column.
        - ``parent_table`` (str), ``parent_column`` (str): what it refers to.
        - ``rows_with_value`` (int): child rows whose reference is filled.
        - ``matched`` (int): those whose value exists in the parent column.
        - ``unmatched`` (int): ``rows_with_value - matched``.
        - ``integrity`` (float): ``matched / rows_with_value``; NaN when no row has a value.

    Notes
    -----
    integrity = matched / rows_with_value. Keys whose parent table is absent are skipped (there
    is nothing to match against); empty references (a ticket without a customer) are
    completeness's concern, not integrity's.
    """
    records = []
    for name in ordered_tables(tables):
        table = tables[name]
        for ref in TABLES[name].references:
            parent = tables.get(ref.table)
            if parent is None or ref.column not in table or ref.target not in parent:
                continue
            values = table[ref.column].dropna()
            matched = int(found_in(values, parent[ref.target].dropna()).sum())
            records.append(
                {
                    "table": name,
                    "column": ref.column,
                    "parent_table": ref.table,
                    "parent_column": ref.target,
                    "rows_with_value": len(values),
                    "matched": matched,
                    "unmatched": len(values) - matched,
                    "integrity": matched / len(values) if len(values) else math.nan,
                }
            )
    return typed_frame(
        records,
        "table column parent_table parent_column rows_with_value matched unmatched integrity",
        int64="rows_with_value matched unmatched",
        float64="integrity",
    )
