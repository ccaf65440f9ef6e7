"""The data-quality tables for display: headers a reader understands, percentages, units."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from crmkit.data.quality import DIMENSIONS, DataQuality
from crmkit.words.formats import TableView, is_missing
from crmkit.words.language import term, tr
from crmkit.words.quality.terms import capitalized, dimension_name

__all__ = ["table_view"]


def _expected_text(cadence: str) -> str | None:
    """What time coverage a cadence expects, as the timeliness table says it."""
    texts = {
        "monthly": tr("every month"),
        "monthly_after": tr("every month from go-live"),
        "waves": tr("before and after go-live"),
        "history": tr("not expected (history)"),
    }
    return texts.get(cadence)


def _in_words(values: pd.Series) -> pd.Series:
    """Grades, severities and notes ("good", "error") as the report's language names them."""
    return values.map(lambda value: term(value) if isinstance(value, str) else value)


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
        s = s.assign(
            grade=_in_words(s["grade"]),
            table=s["table"].map(lambda table: tr("overall") if table == "overall" else table),
        )
        rows = tr("Rows")
        dimensions = {d: capitalized(dimension_name(d)) for d in DIMENSIONS}
        names = {"table": tr("Table"), "rows": rows}
        names |= dimensions | {"score": tr("Score"), "grade": tr("Grade")}
        frame = s[list(names)].rename(columns=names)
        pct = [*dimensions.values(), names["score"]]
        return TableView(
            frame, dict.fromkeys(pct, "%"), {rows: "{:,}"} | dict.fromkeys(pct, _percent_cell)
        )
    if section == "completeness":
        c = result.completeness
        c = c[c["completeness"] < 1].sort_values(["completeness", "table"], kind="stable")
        c = _percent(c, ["completeness"])
        c = c.assign(
            required=c["required"].map({True: tr("yes"), False: tr("no")}),
            note=_in_words(c["note"]),
        )
        names = {
            "table": tr("Table"),
            "column": tr("Column"),
            "required": tr("Required"),
            "rows": tr("Rows"),
            "filled": tr("Filled"),
            "completeness": capitalized(dimension_name("completeness")),
            "note": tr("Note"),
        }
        frame = c[list(names)].rename(columns=names).reset_index(drop=True)
        return TableView(
            frame,
            {names["completeness"]: "%"},
            {
                names["rows"]: "{:,}",
                names["filled"]: "{:,}",
                names["completeness"]: _percent_cell,
            },
        )
    if section == "validity":
        v = result.validity.merge(
            result.uniqueness[["table", "duplicate_rows", "uniqueness"]], on="table", how="left"
        ).merge(result.consistency[["table", "inconsistent_rows"]], on="table", how="left")
        consist = result.scores.set_index("table")["consistency"]
        v["consistency"] = v["table"].map(consist)
        v = _percent(v, ["validity", "uniqueness", "consistency"])
        names = {
            "table": tr("Table"),
            "rows": tr("Rows"),
            "invalid_rows": tr("Invalid rows"),
            "validity": capitalized(dimension_name("validity")),
            "duplicate_rows": tr("Duplicate rows"),
            "uniqueness": capitalized(dimension_name("uniqueness")),
            "inconsistent_rows": tr("Contradictory rows"),
            "consistency": capitalized(dimension_name("consistency")),
        }
        frame = v[list(names)].rename(columns=names)
        pct = [names[d] for d in ("validity", "uniqueness", "consistency")]
        counts = [names[c] for c in ("rows", "invalid_rows", "duplicate_rows", "inconsistent_rows")]
        return TableView(
            frame,
            dict.fromkeys(pct, "%"),
            dict.fromkeys(counts, "{:,.0f}") | dict.fromkeys(pct, _percent_cell),
        )
    if section == "integrity":
        i = _percent(result.integrity, ["integrity"])
        i = i.assign(refers_to=i["parent_table"] + "." + i["parent_column"])
        names = {
            "table": tr("Table"),
            "column": tr("Column"),
            "refers_to": tr("Refers to"),
            "rows_with_value": tr("Rows with a value"),
            "unmatched": tr("Not found"),
            "integrity": capitalized(dimension_name("integrity")),
        }
        frame = i[list(names)].rename(columns=names)
        return TableView(
            frame,
            {names["integrity"]: "%"},
            {
                names["rows_with_value"]: "{:,}",
                names["unmatched"]: "{:,}",
                names["integrity"]: _percent_cell,
            },
        )
    if section == "timeliness":
        t = _percent(result.timeliness, ["coverage"])
        t = t.assign(expected=t["cadence"].map(_expected_text))
        names = {
            "table": tr("Table"),
            "date_column": tr("Date column"),
            "expected": tr("Data expected"),
            "first_date": tr("First date"),
            "last_date": tr("Last date"),
            "months_with_data": tr("Months with data"),
            "months_expected": tr("Months expected"),
            "coverage": tr("Coverage"),
            "gap_periods": tr("Gaps"),
            "days_stale": tr("Staleness"),
        }
        frame = t[list(names)].rename(columns=names)
        return TableView(
            frame,
            {names["coverage"]: "%", names["days_stale"]: tr("days")},
            {
                names["first_date"]: "{:%Y-%m-%d}",
                names["last_date"]: "{:%Y-%m-%d}",
                names["months_with_data"]: "{:,}",
                names["months_expected"]: "{:,}",
                names["coverage"]: _percent_cell,
                names["days_stale"]: "{:,}",
            },
        )
    if section == "issues":
        names = {
            "severity": tr("Severity"),
            "table": tr("Table"),
            "file": tr("File"),
            "column": tr("Column"),
            "issue": tr("Issue"),
            "impact": tr("What it affects"),
            "rows_affected": tr("Rows affected"),
            "score_impact": tr("Lowers the score by"),
            "example_rows": tr("Example rows"),
            "example_ids": tr("Record ids"),
            "what_to_ask": tr("What to ask"),
        }
        if not result.show_record_ids:
            names.pop("example_ids")
        frame = result.issues.assign(
            score_impact=result.issues["score_impact"] * 100,
            severity=_in_words(result.issues["severity"]),
        )
        frame = frame[list(names)].rename(columns=names)
        return TableView(
            frame,
            {names["score_impact"]: tr("points")},
            {names["rows_affected"]: "{:,}", names["score_impact"]: _points},
        )
    if section == "notes":
        names = {
            "severity": tr("Severity"),
            "table": tr("Table"),
            "file": tr("File"),
            "column": tr("Column"),
            "note": tr("Note"),
            "rows_affected": tr("Rows affected"),
            "example_rows": tr("Example rows"),
            "what_to_ask": tr("What to ask"),
        }
        notes = result.notes.assign(severity=_in_words(result.notes["severity"]))
        frame = notes[list(names)].rename(columns=names)
        return TableView(frame, {}, {names["rows_affected"]: "{:,}"})
    raise ValueError(
        f"unknown section {section!r}; expected scores, completeness, validity, integrity, "
        "timeliness, issues or notes"
    )
