"""The issues and notes in words: what is wrong, what it affects, what to ask the client."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from crmkit.data.quality import DataQuality
from crmkit.data.schemas import TABLES
from crmkit.words.language import tr
from crmkit.words.quality.problems import (
    inconsistency,
    problem_expected,
    problem_message,
    read_month_first,
)
from crmkit.words.quality.terms import (
    capitalized,
    column_description,
    column_label,
    column_use,
    counted,
    noun,
    share_text,
    used_for,
)

__all__ = ["with_words"]


def _blocks() -> str:
    """The impact of an error: the assessment waits for it."""
    return tr("the assessment cannot run until this is fixed")


def _examples(message: str) -> str:
    match = re.search(r"e\.g\. (.+)$", message or "")
    return tr(" (e.g. {examples})", examples=match.group(1)) if match else ""


def _parent(table: str, column: str | None) -> str:
    for ref in TABLES[table].references if table in TABLES else ():
        if ref.column == column:
            return ref.table
    return "parent"


def _issue_words(p: Mapping[str, Any]) -> tuple[str, str, str]:
    """(issue, impact, what_to_ask) for one issue or note of a validation problem."""
    rule, table, column = p["rule"], p["table"], p["column"]
    table = table if isinstance(table, str) else ""
    column = column if isinstance(column, str) else None
    n = int(p["count"])
    file = p["file"] if isinstance(p["file"], str) else table
    label = column_label(table, column)
    desc = column_description(table, column)
    expected = p["expected"] if isinstance(p["expected"], str) else ""
    message = p["message"] if isinstance(p["message"], str) else ""
    rows, many = counted(n, table), noun(table)
    count = f"{n:,}"
    kind = (
        TABLES[table].column(column).kind
        if table in TABLES and column in TABLES[table].column_names
        else ""
    )
    if rule == "missing_value":
        return (
            tr("{rows} has no {label}", rows=rows, label=label)
            if n == 1
            else tr("{rows} have no {label}", rows=rows, label=label),
            _blocks(),
            tr(
                "Please fill in the {label} ({description}) for the {rows} listed, or tell us "
                "whether they should be left out.",
                label=label,
                description=desc,
                rows=many,
            ),
        )
    if rule == "wrong_type":
        if kind == "bool":
            ask = tr(
                "Please re-export {table} with the {label} as true or false (or yes / no).",
                table=table,
                label=label,
            )
        elif kind == "integer":
            ask = tr(
                "Please re-export {table} with the {label} as a whole number, without currency "
                "symbols, units or text.",
                table=table,
                label=label,
            )
        else:
            ask = tr(
                "Please re-export {table} with the {label} as a number, without currency "
                "symbols, units or text.",
                table=table,
                label=label,
            )
        fields = {"n": count, "label": label, "expected": expected, "examples": _examples(message)}
        issue = (
            tr("{n} {label} value is not {expected}{examples}", **fields)
            if n == 1
            else tr("{n} {label} values are not {expected}{examples}", **fields)
        )
        return (issue, _blocks(), ask)
    if rule == "unparseable_date":
        fmt = (
            tr("YYYY-MM-DD HH:MM (e.g. 2025-01-31 14:05)")
            if kind == "datetime"
            else tr("YYYY-MM-DD (e.g. 2025-01-31)")
        )
        fields = {"n": count, "label": label, "examples": _examples(message)}
        return (
            tr("{n} {label} value cannot be read as dates{examples}", **fields)
            if n == 1
            else tr("{n} {label} values cannot be read as dates{examples}", **fields),
            _blocks(),
            tr(
                "Please re-export {table} with every {label} in one date format, preferably "
                "{format}.",
                table=table,
                label=label,
                format=fmt,
            ),
        )
    if rule in ("ambiguous_date", "mixed_date_order"):
        return (
            message,
            _blocks(),
            tr(
                "Please tell us whether the {label} in {file} is written day first (31/01/2025) "
                "or month first (01/31/2025), or re-export it as YYYY-MM-DD.",
                label=label,
                file=file,
            ),
        )
    if rule == "date_order":
        ask = (
            tr(
                "Please confirm that the {label} in {file} is written month first.",
                label=label,
                file=file,
            )
            if read_month_first(message)
            else tr(
                "Please confirm that the {label} in {file} is written day first.",
                label=label,
                file=file,
            )
        )
        return (problem_message(message), "", ask)
    if rule == "negative":
        return (
            tr("{rows} has a negative {label}", rows=rows, label=label)
            if n == 1
            else tr("{rows} have a negative {label}", rows=rows, label=label),
            _blocks(),
            tr(
                "Please check the {rows} with a negative {label}: are they refunds, "
                "cancellations or typing errors? Send refunds and cancellations marked as such.",
                rows=many,
                label=label,
            ),
        )
    if rule == "out_of_range":
        fields = {"n": count, "label": label, "expected": expected}
        return (
            tr("{n} {label} value is outside the scale ({expected})", **fields)
            if n == 1
            else tr("{n} {label} values are outside the scale ({expected})", **fields),
            _blocks(),
            tr(
                "Please check the {label} values outside {expected}: was another scale used "
                "(e.g. 1–10 instead of 0–10), or are they typing errors?",
                label=label,
                expected=expected,
            ),
        )
    if rule == "not_allowed":
        fields = {"n": count, "label": label, "expected": expected, "examples": _examples(message)}
        return (
            tr("{n} {label} value is not {expected}{examples}", **fields)
            if n == 1
            else tr("{n} {label} values are not {expected}{examples}", **fields),
            _blocks(),
            tr(
                "Please tell us how your {label} labels map onto {expected}, so that we can "
                "translate them.",
                label=label,
                expected=expected,
            ),
        )
    if rule == "duplicate_id":
        return (
            tr("{rows} share their {label} with another row", rows=rows, label=label),
            _blocks(),
            tr(
                "Please check whether the {rows} with a repeated {label} were duplicated by the "
                "export (then send each once) or are different records that need their own "
                "{label}.",
                rows=many,
                label=label,
            ),
        )
    if rule == "unknown_reference":
        parent = _parent(table, column)
        one = noun(parent, 1)
        fields = {"rows": rows, "one": one, "parent": parent}
        return (
            tr("{rows} points to a {one} that is not in the {parent} table", **fields)
            if n == 1
            else tr("{rows} point to a {one} that is not in the {parent} table", **fields),
            tr(
                "these {rows} cannot be linked to a {one}'s segment, region or history",
                rows=many,
                one=one,
            ),
            tr(
                "Please send the missing {one} records, or tell us whether the {parent} export "
                "was filtered (e.g. to active {parent} only).",
                one=one,
                parent=parent,
            ),
        )
    if rule == "inconsistent":
        what = inconsistency(message)
        return (
            tr("{rows} is inconsistent: {what}", rows=rows, what=what)
            if n == 1
            else tr("{rows} are inconsistent: {what}", rows=rows, what=what),
            tr(
                "results computed from the {label} are unreliable for these {rows}",
                label=label,
                rows=many,
            ),
            tr(
                "Please check the {label} in the rows listed (we expect {expected}): is it a "
                "default value, a time-zone shift or a typing error?",
                label=label,
                expected=problem_expected(expected),
            ),
        )
    if rule == "empty_table":
        return (
            tr("{file} has column headers but no rows", file=file),
            tr("the stages that need it are skipped"),
            tr("Please re-send {file} with its rows.", file=file),
        )
    if rule == "absent_table":
        return (
            tr("no {table} table was provided", table=table),
            tr("{results} cannot be assessed", results=used_for(table))
            if used_for(table)
            else tr("the stages that need it cannot be assessed"),
            tr(
                "If you record {rows}, please send them as {table}.csv (the template shows the "
                "columns); otherwise we will state that these results could not be assessed.",
                rows=many,
                table=table,
            ),
        )
    if rule == "missing_column":
        return (
            tr("{file} has no {column} column", file=file, column=column),
            tr("the {table} table cannot be used", table=table),
            tr(
                "Please re-export {table} with a {column} column ({description}), or tell us "
                "which of your columns holds it.",
                table=table,
                column=column,
                description=desc,
            ),
        )
    if rule == "unreadable":
        return (
            message,
            _blocks(),
            tr("Please re-send {file} as a CSV file (UTF-8) or an Excel workbook.", file=file),
        )
    if rule == "ambiguous_file":
        return (
            message,
            _blocks(),
            tr("Please tell us which file is the right one for {table}.", table=table),
        )
    ask = (
        tr(
            "Please check the rows listed: we expected {expected}.",
            expected=problem_expected(expected),
        )
        if expected
        else tr("Please check this.")
    )
    return (problem_message(message), _blocks() if p["severity"] == "error" else "", ask)


def _gap_words(t: Any) -> tuple[str, str, str]:
    """(issue, impact, what_to_ask) for months or windows of a table without data."""
    many = noun(t.table)
    if t.cadence == "waves":
        return (
            tr("no {rows} dated {periods}", rows=many, periods=t.gap_periods),
            tr("{rows} cannot be compared before and after go-live", rows=many),
            tr(
                "Please send the {rows} from {periods} if any were collected.",
                rows=many,
                periods=t.gap_periods,
            ),
        )
    return (
        tr(
            "no {rows} dated in {periods} ({gaps} of {expected} months)",
            rows=many,
            periods=t.gap_periods,
            gaps=t.gaps,
            expected=t.months_expected,
        ),
        tr("monthly {rows} series have no data in these months", rows=many),
        tr(
            "Please check whether the {table} export is missing {periods}; if there really were "
            "no {rows} then, please confirm it.",
            table=t.table,
            periods=t.gap_periods,
            rows=many,
        ),
    )


def _weak_column_words(c: Any) -> tuple[str, str, str]:
    """(issue, impact, what_to_ask) for an optional column with empty cells."""
    label, use = column_label(c.table, c.column), column_use(c.table, c.column)
    fields = {
        "share": share_text(c.missing / c.rows),
        "rows": noun(c.table),
        "missing": f"{c.missing:,}",
        "total": f"{c.rows:,}",
        "label": label,
    }
    return (
        tr("{share} of {rows} ({missing} of {total}) has no {label}", **fields)
        if c.missing == 1
        else tr("{share} of {rows} ({missing} of {total}) have no {label}", **fields),
        tr(
            "only {share} of {rows} inform {use}",
            share=share_text(c.completeness),
            rows=noun(c.table),
            use=use,
        ),
        tr(
            "Please fill in the {label} ({description}) where your system records it; if it "
            "is not recorded, please tell us, so that we can state the limit.",
            label=label,
            description=column_description(c.table, c.column),
        ),
    )


def _issue_texts(result: DataQuality) -> pd.DataFrame:
    """The issues with ``issue``, ``impact`` and ``what_to_ask`` in their places."""
    issues = result.issues
    texts = []
    for row in issues.to_dict("records"):
        table, column = row["table"], row["column"]
        if row["rule"] == "low_completeness":
            completeness = result.completeness
            match = (completeness["table"] == table) & (completeness["column"] == column)
            words = _weak_column_words(next(completeness[match].itertuples(index=False)))
        elif row["rule"] == "coverage_gap":
            timeliness = result.timeliness
            words = _gap_words(next(timeliness[timeliness["table"] == table].itertuples()))
        else:
            words = _issue_words(row)
        texts.append((capitalized(words[0]), words[1], words[2]))
    issue, impact, ask = (
        (list(column) for column in zip(*texts, strict=True)) if texts else ([], [], [])
    )
    worded = issues.copy()
    at = worded.columns.get_loc("column") + 1
    worded.insert(at, "issue", pd.Series(issue, index=issues.index, dtype=object))
    worded.insert(at + 1, "impact", pd.Series(impact, index=issues.index, dtype=object))
    at = worded.columns.get_loc("example_ids") + 1
    worded.insert(at, "what_to_ask", pd.Series(ask, index=issues.index, dtype=object))
    return worded


def _note_texts(notes: pd.DataFrame) -> pd.DataFrame:
    """The notes with ``note`` and ``what_to_ask`` after their ``column``."""
    texts = [_issue_words(row) for row in notes.to_dict("records")]
    worded = notes.copy()
    at = worded.columns.get_loc("column") + 1
    worded.insert(
        at, "note", pd.Series([capitalized(t[0]) for t in texts], index=notes.index, dtype=object)
    )
    worded.insert(
        at + 1, "what_to_ask", pd.Series([t[2] for t in texts], index=notes.index, dtype=object)
    )
    return worded


def with_words(result: DataQuality) -> DataQuality:
    """``result`` with the words of its issues and notes, for the page and results.json.

    Parameters
    ----------
    result : DataQuality
        From :func:`crmkit.data.quality.assess_quality`.

    Returns
    -------
    DataQuality
        A copy whose ``issues`` have three more columns, ``issue`` (what is wrong, in plain
        words), ``impact`` (what it means for the results) and ``what_to_ask`` (the request
        to the client), and whose ``notes`` have ``note`` and ``what_to_ask``. Issue texts
        never quote record ids; they quote at most the offending values of typed columns.
    """
    return dataclasses.replace(result, issues=_issue_texts(result), notes=_note_texts(result.notes))
