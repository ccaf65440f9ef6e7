"""The data-quality tables for display: headers a reader understands, percentages, units."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from crmkit.data.quality import DIMENSIONS, DataQuality
from crmkit.words.formats import TableView, is_missing

__all__ = ["table_view"]

#: What time coverage each cadence expects, as the timeliness table says it.
_EXPECTED_TEXT = {
    "monthly": "every month",
    "monthly_after": "every month from go-live",
    "waves": "before and after go-live",
    "history": "not expected (history)",
}


def _percent_cell(value: float) -> str:
    """A percentage (fraction × 100) to one decimal that never shows 100.0 below 100.

    Examples
    --------
    >>> [_percent_cell(v) for v in (99.97, 100.0, 95.04, float("nan"))]
    ['> 99.9', '100.0', '95.0', '–']
    """
    if is_missing(value):
        return "–"
    text = f"{value:.1f}"
    return "> 99.9" if value < 100 and text == "100.0" else text


def _points(value: float) -> str:
    """Percentage points for the issue table: two decimals, "< 0.01" rather than "0.00"."""
    if is_missing(value):
        return "–"
    return "< 0.01" if 0 < value < 0.005 else f"{value:.2f}"


def _percent(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        frame[column] = frame[column].astype("float64") * 100
    return frame


def table_view(result: DataQuality, section: str) -> TableView:
    """One of the data-quality tables, with headers a reader understands, for display.

    Parameters
    ----------
    result : DataQuality
        From :func:`assess_quality`.
    section : {'scores', 'completeness', 'validity', 'integrity', 'timeliness', 'issues', \
'notes'}
        Which table.

    Returns
    -------
    TableView
        ``frame`` with reader-facing column names; shares are shown in percent (the frame
        holds fraction × 100, for display only), with ``units`` naming them ``(%)``;
        ``formats`` for every numeric column. ``completeness`` lists only columns below
        100 %, least complete first; ``issues`` leaves out ``example_ids`` unless record ids
        may be shown.
    """
    if section == "scores":
        s = _percent(result.scores, [*DIMENSIONS, "score"])
        names = {"table": "Table", "rows": "Rows"}
        names |= {d: d.capitalize() for d in DIMENSIONS} | {"score": "Score", "grade": "Grade"}
        frame = s[list(names)].rename(columns=names)
        pct = [d.capitalize() for d in DIMENSIONS] + ["Score"]
        return TableView(
            frame, dict.fromkeys(pct, "%"), {"Rows": "{:,}"} | dict.fromkeys(pct, _percent_cell)
        )
    if section == "completeness":
        c = result.completeness
        c = c[c["completeness"] < 1].sort_values(["completeness", "table"], kind="stable")
        c = _percent(c, ["completeness"])
        c = c.assign(required=c["required"].map({True: "yes", False: "no"}))
        names = {
            "table": "Table",
            "column": "Column",
            "required": "Required",
            "rows": "Rows",
            "filled": "Filled",
            "completeness": "Completeness",
            "note": "Note",
        }
        frame = c[list(names)].rename(columns=names).reset_index(drop=True)
        return TableView(
            frame,
            {"Completeness": "%"},
            {"Rows": "{:,}", "Filled": "{:,}", "Completeness": _percent_cell},
        )
    if section == "validity":
        v = result.validity.merge(
            result.uniqueness[["table", "duplicate_rows", "uniqueness"]], on="table", how="left"
        ).merge(result.consistency[["table", "inconsistent_rows"]], on="table", how="left")
        consist = result.scores.set_index("table")["consistency"]
        v["consistency"] = v["table"].map(consist)
        v = _percent(v, ["validity", "uniqueness", "consistency"])
        names = {
            "table": "Table",
            "rows": "Rows",
            "invalid_rows": "Invalid rows",
            "validity": "Validity",
            "duplicate_rows": "Duplicate rows",
            "uniqueness": "Uniqueness",
            "inconsistent_rows": "Contradictory rows",
            "consistency": "Consistency",
        }
        frame = v[list(names)].rename(columns=names)
        pct = ["Validity", "Uniqueness", "Consistency"]
        counts = ["Rows", "Invalid rows", "Duplicate rows", "Contradictory rows"]
        return TableView(
            frame,
            dict.fromkeys(pct, "%"),
            dict.fromkeys(counts, "{:,.0f}") | dict.fromkeys(pct, _percent_cell),
        )
    if section == "integrity":
        i = _percent(result.integrity, ["integrity"])
        i = i.assign(refers_to=i["parent_table"] + "." + i["parent_column"])
        names = {
            "table": "Table",
            "column": "Column",
            "refers_to": "Refers to",
            "rows_with_value": "Rows with a value",
            "unmatched": "Not found",
            "integrity": "Integrity",
        }
        frame = i[list(names)].rename(columns=names)
        return TableView(
            frame,
            {"Integrity": "%"},
            {"Rows with a value": "{:,}", "Not found": "{:,}", "Integrity": _percent_cell},
        )
    if section == "timeliness":
        t = _percent(result.timeliness, ["coverage"])
        t = t.assign(expected=t["cadence"].map(_EXPECTED_TEXT))
        names = {
            "table": "Table",
            "date_column": "Date column",
            "expected": "Data expected",
            "first_date": "First date",
            "last_date": "Last date",
            "months_with_data": "Months with data",
            "months_expected": "Months expected",
            "coverage": "Coverage",
            "gap_periods": "Gaps",
            "days_stale": "Staleness",
        }
        frame = t[list(names)].rename(columns=names)
        return TableView(
            frame,
            {"Coverage": "%", "Staleness": "days"},
            {
                "First date": "{:%Y-%m-%d}",
                "Last date": "{:%Y-%m-%d}",
                "Months with data": "{:,}",
                "Months expected": "{:,}",
                "Coverage": _percent_cell,
                "Staleness": "{:,}",
            },
        )
    if section == "issues":
        names = {
            "severity": "Severity",
            "table": "Table",
            "file": "File",
            "column": "Column",
            "issue": "Issue",
            "impact": "What it affects",
            "rows_affected": "Rows affected",
            "score_impact": "Lowers the score by",
            "example_rows": "Example rows",
            "example_ids": "Record ids",
            "what_to_ask": "What to ask",
        }
        if not result.show_record_ids:
            names.pop("example_ids")
        frame = result.issues.assign(score_impact=result.issues["score_impact"] * 100)
        frame = frame[list(names)].rename(columns=names)
        return TableView(
            frame,
            {"Lowers the score by": "points"},
            {"Rows affected": "{:,}", "Lowers the score by": _points},
        )
    if section == "notes":
        names = {
            "severity": "Severity",
            "table": "Table",
            "file": "File",
            "column": "Column",
            "note": "Note",
            "rows_affected": "Rows affected",
            "example_rows": "Example rows",
            "what_to_ask": "What to ask",
        }
        frame = result.notes[list(names)].rename(columns=names)
        return TableView(frame, {}, {"Rows affected": "{:,}"})
    raise ValueError(
        f"unknown section {section!r}; expected scores, completeness, validity, integrity, "
        "timeliness, issues or notes"
    )
