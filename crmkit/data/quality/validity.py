"""Validity and consistency: the rows validation found breaking a rule, counted per table.

The rules are defined once, in :mod:`crmkit.data.validation`; these measures only count the
problems it reports.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from crmkit.data.quality.frames import full_problems, ordered_tables, rows_per_table, typed_frame
from crmkit.data.quality.rules import CONSISTENCY_RULES, VALIDITY_RULES

__all__ = ["consistency", "validity"]


def validity(tables: Mapping[str, pd.DataFrame], problems: pd.DataFrame) -> pd.DataFrame:
    """The share of each table's rows that break no type, range or label rule.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The typed canonical tables.
    problems : DataFrame
        Validation problems (:meth:`crmkit.data.validation.ValidationReport.problems_frame`).

    Returns
    -------
    DataFrame
        One row per table present, in schema order, with columns:

        - ``table`` (str)
        - ``rows`` (int): rows in the table.
        - ``problems`` (int): validation problems of the rules in :data:`VALIDITY_RULES`.
        - ``invalid_rows`` (int): rows those problems name, at most ``rows``.
        - ``validity`` (float): ``1 - invalid_rows / rows``; NaN when ``rows`` is 0.

    Notes
    -----
    invalid_rows = min(rows, Σ count) over the table's problems of the rules in
    :data:`VALIDITY_RULES` (wrong_type, unparseable_date, ambiguous_date, mixed_date_order,
    negative, out_of_range, not_allowed), of either severity. Empty required cells
    (missing_value) are completeness's concern, not counted again here.
    A problem lists only its first few row numbers but counts every row, so the counts are
    summed; a row that breaks two rules is counted twice, which makes ``invalid_rows`` an
    upper bound (and ``validity`` a lower bound) when several rules hit the same rows.
    """
    p = full_problems(problems)
    hits = rows_per_table(p, VALIDITY_RULES)
    n_problems = p[p["rule"].isin(VALIDITY_RULES)].groupby("table").size()
    records = []
    for name in ordered_tables(tables):
        rows = len(tables[name])
        invalid = min(rows, int(hits.get(name, 0)))
        records.append(
            {
                "table": name,
                "rows": rows,
                "problems": int(n_problems.get(name, 0)),
                "invalid_rows": invalid,
                "validity": 1 - invalid / rows if rows else math.nan,
            }
        )
    return typed_frame(
        records,
        "table rows problems invalid_rows validity",
        int64="rows problems invalid_rows",
        float64="validity",
    )


def consistency(
    problems: pd.DataFrame, *, tables: Mapping[str, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """Contradictions within and across tables, as validation found them.

    The cross-field and cross-table rules are defined once, in :mod:`crmkit.data.validation`
    (``inconsistent``: e.g. a ticket resolved before it was opened; ``unknown_reference``: an
    order for a customer the customers table does not have); this function only counts them.

    Parameters
    ----------
    problems : DataFrame
        Validation problems (:meth:`crmkit.data.validation.ValidationReport.problems_frame`).
    tables : mapping of str to DataFrame, optional
        When given, every table in it gets a row (zeros where nothing was found), and row
        counts are capped at the table's length.

    Returns
    -------
    DataFrame
        One row per table, in schema order, with columns:

        - ``table`` (str)
        - ``inconsistent`` (int): ``inconsistent`` problems.
        - ``inconsistent_rows`` (int): rows they name (summed; an upper bound when two rules
          hit the same row).
        - ``unknown_reference`` (int): ``unknown_reference`` problems.
        - ``unknown_reference_rows`` (int): rows they name.
    """
    p = full_problems(problems)
    p = p[p["rule"].isin(CONSISTENCY_RULES) & p["table"].notna()]
    names = ordered_tables(tables) if tables is not None else ordered_tables(p["table"])
    records = []
    for name in names:
        mine = p[p["table"] == name]
        limit = len(tables[name]) if tables is not None else None
        record: dict[str, Any] = {"table": name}
        for rule in CONSISTENCY_RULES:
            hits = mine[mine["rule"] == rule]
            rows = int(hits["count"].sum())
            record[rule] = len(hits)
            record[f"{rule}_rows"] = min(rows, limit) if limit is not None else rows
        records.append(record)
    counts = "inconsistent inconsistent_rows unknown_reference unknown_reference_rows"
    return typed_frame(records, f"table {counts}", int64=counts)
