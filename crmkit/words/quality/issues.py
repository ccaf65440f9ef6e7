"""The issues and notes in words: what is wrong, what it affects, what to ask the client."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from crmkit.data.quality import DataQuality
from crmkit.data.schemas import TABLES
from crmkit.words.quality.terms import (
    capitalized,
    column_description,
    column_label,
    column_use,
    counted,
    noun,
    share_text,
    verb_be,
)

__all__ = ["with_words"]

_BLOCKS = "the assessment cannot run until this is fixed"


def _examples(message: str) -> str:
    match = re.search(r"e\.g\. (.+)$", message or "")
    return f" (e.g. {match.group(1)})" if match else ""


def _parent(table: str, column: str | None) -> str:
    for ref in TABLES[table].references if table in TABLES else ():
        if ref.column == column:
            return ref.table
    return "parent"


def _order_in(message: str) -> str:
    """'day first' or 'month first', as a date_order problem's message says the dates were read."""
    return "month first" if "read month first" in message else "day first"


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
    values = f"{n:,} {label} value{'' if n == 1 else 's'}"
    kind = (
        TABLES[table].column(column).kind
        if table in TABLES and column in TABLES[table].column_names
        else ""
    )
    if rule == "missing_value":
        return (
            f"{counted(n, table)} {'has' if n == 1 else 'have'} no {label}",
            _BLOCKS,
            f"Please fill in the {label} ({desc}) for the {noun(table)} listed, "
            "or tell us whether they should be left out.",
        )
    if rule == "wrong_type":
        if kind == "bool":
            ask = f"Please re-export {table} with the {label} as true or false (or yes / no)."
        else:
            number = "a whole number" if kind == "integer" else "a number"
            ask = (
                f"Please re-export {table} with the {label} as {number}, "
                "without currency symbols, units or text."
            )
        return (f"{values} {verb_be(n)} not {expected}{_examples(message)}", _BLOCKS, ask)
    if rule == "unparseable_date":
        fmt = (
            "YYYY-MM-DD HH:MM (e.g. 2025-01-31 14:05)"
            if kind == "datetime"
            else "YYYY-MM-DD (e.g. 2025-01-31)"
        )
        return (
            f"{values} cannot be read as dates{_examples(message)}",
            _BLOCKS,
            f"Please re-export {table} with every {label} in one date format, preferably {fmt}.",
        )
    if rule in ("ambiguous_date", "mixed_date_order"):
        return (
            message,
            _BLOCKS,
            f"Please tell us whether the {label} in {file} is written day first (31/01/2025) "
            "or month first (01/31/2025), or re-export it as YYYY-MM-DD.",
        )
    if rule == "date_order":
        return (
            message,
            "",
            f"Please confirm that the {label} in {file} is written {_order_in(message)}.",
        )
    if rule == "negative":
        return (
            f"{counted(n, table)} {'has' if n == 1 else 'have'} a negative {label}",
            _BLOCKS,
            f"Please check the {noun(table)} with a negative {label}: are they refunds, "
            "cancellations or typing errors? Send refunds and cancellations marked as such.",
        )
    if rule == "out_of_range":
        return (
            f"{values} {verb_be(n)} outside the scale ({expected})",
            _BLOCKS,
            f"Please check the {label} values outside {expected}: was another scale used "
            "(e.g. 1–10 instead of 0–10), or are they typing errors?",
        )
    if rule == "not_allowed":
        return (
            f"{values} {verb_be(n)} not {expected}{_examples(message)}",
            _BLOCKS,
            f"Please tell us how your {label} labels map onto {expected}, "
            "so that we can translate them.",
        )
    if rule == "duplicate_id":
        return (
            f"{counted(n, table)} share their {label} with another row",
            _BLOCKS,
            f"Please check whether the {noun(table)} with a repeated {label} were duplicated "
            f"by the export (then send each once) or are different records that need their "
            f"own {label}.",
        )
    if rule == "unknown_reference":
        parent = _parent(table, column)
        one = noun(parent, 1)
        return (
            f"{counted(n, table)} {'points' if n == 1 else 'point'} to a {one} that is not in "
            f"the {parent} table",
            f"these {noun(table)} cannot be linked to a {one}'s segment, region or history",
            f"Please send the missing {one} records, or tell us whether the {parent} export "
            f"was filtered (e.g. to active {parent} only).",
        )
    if rule == "inconsistent":
        what = re.sub(r"^[\d,]+ (rows? )?", "", message)
        return (
            f"{counted(n, table)} {verb_be(n)} inconsistent: {what}",
            f"results computed from the {label} are unreliable for these {noun(table)}",
            f"Please check the {label} in the rows listed (we expect {expected}): "
            "is it a default value, a time-zone shift or a typing error?",
        )
    if rule == "empty_table":
        return (
            f"{file} has column headers but no rows",
            "the stages that need it are skipped",
            f"Please re-send {file} with its rows.",
        )
    if rule == "absent_table":
        used = TABLES[table].used_for if table in TABLES else ""
        return (
            f"no {table} table was provided",
            f"{used or 'the stages that need it'} cannot be assessed",
            f"If you record {noun(table)}, please send them as {table}.csv (the template "
            "shows the columns); otherwise we will state that these results could not be "
            "assessed.",
        )
    if rule == "missing_column":
        return (
            f"{file} has no {column} column",
            f"the {table} table cannot be used",
            f"Please re-export {table} with a {column} column ({desc}), "
            "or tell us which of your columns holds it.",
        )
    if rule == "unreadable":
        return (
            message,
            _BLOCKS,
            f"Please re-send {file} as a CSV file (UTF-8) or an Excel workbook.",
        )
    if rule == "ambiguous_file":
        return (message, _BLOCKS, f"Please tell us which file is the right one for {table}.")
    ask = (
        f"Please check the rows listed: we expected {expected}."
        if expected
        else "Please check this."
    )
    return (message, _BLOCKS if p["severity"] == "error" else "", ask)


def _gap_words(t: Any) -> tuple[str, str, str]:
    """(issue, impact, what_to_ask) for months or windows of a table without data."""
    many = noun(t.table)
    if t.cadence == "waves":
        return (
            f"no {many} dated {t.gap_periods}",
            f"{many} cannot be compared before and after go-live",
            f"Please send the {many} from {t.gap_periods} if any were collected.",
        )
    return (
        f"no {many} dated in {t.gap_periods} ({t.gaps} of {t.months_expected} months)",
        f"monthly {many} series have no data in these months",
        f"Please check whether the {t.table} export is missing {t.gap_periods}; if "
        f"there really were no {many} then, please confirm it.",
    )


def _weak_column_words(c: Any) -> tuple[str, str, str]:
    """(issue, impact, what_to_ask) for an optional column with empty cells."""
    label, use = column_label(c.table, c.column), column_use(c.table, c.column)
    return (
        f"{share_text(c.missing / c.rows)} of {noun(c.table)} ({c.missing:,} of {c.rows:,}) "
        f"{'has' if c.missing == 1 else 'have'} no {label}",
        f"only {share_text(c.completeness)} of {noun(c.table)} inform {use}",
        f"Please fill in the {label} ({column_description(c.table, c.column)}) where your system "
        f"records it; if it is not recorded, please tell us, so that we can state the limit.",
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
