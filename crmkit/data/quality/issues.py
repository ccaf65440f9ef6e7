"""Issues and notes: everything validation and the measures found, one row per cause."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.quality.completeness import column_applies
from crmkit.data.quality.frames import full_problems, row_numbers, typed_frame
from crmkit.data.quality.rules import SCORED_RULES, SEVERITY_RANK, VALIDITY_RULES
from crmkit.data.schemas import TABLES

__all__ = ["issues_for_client", "quality_notes"]


def _pseudo_problem(severity: str, rule: str, table: str, column: str | None, count: int,
                    expected: str = "") -> pd.Series:  # fmt: skip
    """A problem as validation would state it, for a shortfall measured on the tables."""
    return pd.Series(
        {
            "severity": severity,
            "rule": rule,
            "message": "",
            "file": None,
            "table": table,
            "column": column,
            "rows": (),
            "count": count,
            "expected": expected,
        }
    )


def _problem_or_stated(
    problems: pd.DataFrame,
    rule: str,
    table: str,
    column: str,
    *,
    severity: str,
    count: int,
    expected: str = "",
) -> pd.Series:
    """The validation problem of ``rule`` on ``table.column`` (the first), or, when validation
    reported none, the problem stated for the shortfall measured on the tables."""
    match = problems[
        (problems["rule"] == rule) & (problems["table"] == table) & (problems["column"] == column)
    ]
    if len(match):
        return match.iloc[0]
    return _pseudo_problem(severity, rule, table, column, count, expected)


def _deficits(
    problems: pd.DataFrame,
    *,
    completeness: pd.DataFrame,
    validity: pd.DataFrame,
    uniqueness: pd.DataFrame,
    integrity: pd.DataFrame,
    timeliness: pd.DataFrame,
) -> list[dict[str, Any]]:
    """Every shortfall of a dimension, one per cause: what lowers the score, and by how much.

    Each record holds the ``problem`` (a validation problem, or one stated here for a
    shortfall measured on the tables), its ``dimension``, ``rows_affected``,
    ``share_affected`` and ``deficit`` (how much it lowers its dimension, 0–1).
    """
    rows_of = validity.set_index("table")["rows"]
    rows_of = rows_of[rows_of > 0]
    found: list[dict[str, Any]] = []

    def add(problem, dimension, rows_affected, share, deficit):
        if deficit > 0:
            found.append(
                {
                    "problem": problem,
                    "dimension": dimension,
                    "rows_affected": rows_affected,
                    "share_affected": share,
                    "deficit": deficit,
                }
            )

    scored = completeness[completeness["scored"] & completeness["completeness"].notna()]
    columns_of = scored.groupby("table").size()
    for c in scored[scored["missing"] > 0].itertuples(index=False):
        if c.table not in rows_of:
            continue
        share = c.missing / c.rows
        if c.required:
            expected = TABLES[c.table].column(c.column).expected
            problem = _problem_or_stated(
                problems, "missing_value", c.table, c.column,
                severity="error", count=c.missing, expected=expected,
            )  # fmt: skip
        else:
            problem = _pseudo_problem("warning", "low_completeness", c.table, c.column, c.missing)
        add(problem, "completeness", int(c.missing), share, share / columns_of[c.table])

    for dimension, rules in (("validity", VALIDITY_RULES), ("consistency", ("inconsistent",))):
        hits = problems[problems["rule"].isin(rules) & problems["table"].isin(rows_of.index)]
        for table, group in hits.groupby("table", sort=False):
            rows = int(rows_of[table])
            total = int(group["count"].sum())
            cap = min(1.0, rows / total) if total else 0.0  # a row hit twice counts once
            for _, problem in group.iterrows():
                n = int(problem["count"])
                add(problem, dimension, n, min(1.0, n / rows), n / rows * cap)

    for u in uniqueness[uniqueness["duplicate_rows"] > 0].itertuples(index=False):
        if u.table not in rows_of:
            continue
        problem = _problem_or_stated(
            problems, "duplicate_id", u.table, u.id_column,
            severity="error", count=u.duplicate_rows, expected="each once",
        )  # fmt: skip
        n = int(problem["count"])
        add(problem, "uniqueness", n, min(1.0, n / u.rows), u.duplicate_rows / u.rows_with_id)

    with_values = integrity.groupby("table")["rows_with_value"].sum()
    for r in integrity[integrity["unmatched"] > 0].itertuples(index=False):
        if r.table not in rows_of:
            continue
        problem = _problem_or_stated(
            problems, "unknown_reference", r.table, r.column, severity="warning", count=r.unmatched
        )
        share = r.unmatched / rows_of[r.table]
        add(problem, "integrity", int(r.unmatched), share, r.unmatched / with_values[r.table])

    for t in timeliness[timeliness["coverage"].notna() & (timeliness["gaps"] > 0)].itertuples():
        if t.table not in rows_of:
            continue
        problem = _pseudo_problem("warning", "coverage_gap", t.table, t.date_column, 0)
        add(problem, "timeliness", None, 1 - t.coverage, 1 - t.coverage)
    return found


def _example_rows(
    problem: pd.Series, tables: Mapping[str, pd.DataFrame] | None, completeness: pd.DataFrame
) -> list[int]:
    """Row numbers to show: the problem's, or the first empty rows of a weak column."""
    shown = row_numbers(problem["rows"])
    if shown or problem["rule"] != "low_completeness" or tables is None:
        return shown
    table, column = problem["table"], problem["column"]
    if table not in tables or column not in tables[table]:
        return []
    frame = tables[table]
    applies, _ = column_applies(table, column, frame)
    empty = np.flatnonzero((frame[column].isna() & applies).to_numpy())
    return [int(i) + 2 for i in empty[:5]]


_ISSUE_COLUMNS = (
    "severity rule dimension table file column rows_affected share_affected example_rows "
    "example_ids deficit count expected message"
)
_NOTE_COLUMNS = "severity rule table file column rows_affected example_rows count expected message"


def _text(value: Any) -> str:
    """A problem's text field, or "" when it has none."""
    return value if isinstance(value, str) else ""


def _record_ids(table: str, shown: list[int], tables: Mapping[str, pd.DataFrame]) -> str:
    """The identifiers of the rows numbered ``shown`` (spreadsheet rows: the header is 1)."""
    id_column = TABLES[table].id_column if table in TABLES else None
    frame = tables.get(table)
    if frame is None or not id_column or id_column not in frame:
        return ""
    positions = [r - 2 for r in shown if 0 <= r - 2 < len(frame)]
    return ", ".join(str(v) for v in frame[id_column].iloc[positions])


def issues_for_client(
    problems: pd.DataFrame,
    *,
    completeness: pd.DataFrame,
    validity: pd.DataFrame,
    uniqueness: pd.DataFrame,
    integrity: pd.DataFrame,
    timeliness: pd.DataFrame,
    tables: Mapping[str, pd.DataFrame] | None = None,
    files: Mapping[str, str] | None = None,
    show_record_ids: bool = False,
) -> pd.DataFrame:
    """Everything that lowers a quality score, one issue per cause, to raise with the client.

    Parameters
    ----------
    problems : DataFrame
        Validation problems (:meth:`crmkit.data.validation.ValidationReport.problems_frame`).
    completeness, validity, uniqueness, integrity, timeliness : DataFrame
        The dimension measures (:func:`completeness` …); their every shortfall is an issue.
    tables : mapping of str to DataFrame, optional
        The typed tables; needed for example rows of weak columns and for record ids.
    files : mapping of str to str, optional
        Each table's file, for issues that no problem names a file for.
    show_record_ids : bool, default False
        Whether ``example_ids`` may show record identifiers (``privacy.show_record_ids``).
        Row numbers are always shown.

    Returns
    -------
    DataFrame
        One row per issue, in schema order of the tables, with columns:

        - ``severity`` (str): ``error`` (the assessment cannot run) or ``warning``.
        - ``rule`` (str): the validation rule, or ``low_completeness`` (an optional column
          with empty cells) / ``coverage_gap`` (months or windows without data).
        - ``dimension`` (str): the score dimension the issue lowers.
        - ``table``, ``file``, ``column`` (str or None)
        - ``rows_affected`` (Int64): rows concerned; NA for coverage gaps.
        - ``share_affected`` (float): rows_affected / the rows the rule applies to (for
          coverage gaps: the share of expected months or windows without data).
        - ``example_rows`` (str): the first row numbers as a spreadsheet shows them (the
          header is row 1), e.g. ``"2, 5, 17"``.
        - ``example_ids`` (str): the identifiers of those rows when ``show_record_ids`` and
          ``tables`` are given, otherwise empty.
        - ``deficit`` (float): how much the issue lowers its dimension (0–1), always > 0.
        - ``count`` (int), ``expected`` (str), ``message`` (str): the validation problem's
          count, expectation and message ("" and the shortfall's count for an issue measured
          on the tables), from which :func:`crmkit.words.quality.with_words` writes the
          issue, its impact and what to ask the client.

    Notes
    -----
    One issue per cause, each lowering one dimension by its deficit:

    ============ ======================== ===============================================
    dimension    issue (rule)             deficit
    ============ ======================== ===============================================
    completeness missing_value (required  (missing / rows) / m, m = the table's scored
                 column), low_completeness columns (completeness is their mean)
    validity     wrong_type, unparseable_ count / rows, scaled down when the table's counts
                 date, negative, …        add up to more than its rows
    consistency  inconsistent             as validity
    uniqueness   duplicate_id             surplus copies / rows with an identifier
    integrity    unknown_reference        unmatched / rows with a value, over the table's
                                          foreign keys
    timeliness   coverage_gap             1 − coverage
    ============ ======================== ===============================================

    Problems that lower no score (an absent or empty table, rows outside the window, how
    dates were read, a control group not found) are notes (:func:`quality_notes`). A value
    that cannot be read counts against validity only, not also as an empty cell. Only
    ``example_ids`` may show record ids, and only when ``show_record_ids`` allows it.
    """
    files = dict(files or {})
    p = full_problems(problems)
    records: list[dict[str, Any]] = []
    for found in _deficits(
        p,
        completeness=completeness,
        validity=validity,
        uniqueness=uniqueness,
        integrity=integrity,
        timeliness=timeliness,
    ):
        problem = found["problem"]
        table = problem["table"]
        shown = _example_rows(problem, tables, completeness)
        show_ids = show_record_ids and tables is not None and bool(shown)
        records.append(
            {
                "severity": problem["severity"],
                "rule": problem["rule"],
                "dimension": found["dimension"],
                "table": table,
                "file": problem["file"] if isinstance(problem["file"], str) else files.get(table),
                "column": problem["column"] if isinstance(problem["column"], str) else None,
                "rows_affected": found["rows_affected"],
                "share_affected": found["share_affected"],
                "example_rows": ", ".join(str(r) for r in shown),
                "example_ids": _record_ids(table, shown, tables) if show_ids else "",
                "deficit": found["deficit"],
                "count": int(problem["count"]),
                "expected": _text(problem["expected"]),
                "message": _text(problem["message"]),
            }
        )
    return typed_frame(
        records,
        _ISSUE_COLUMNS,
        Int64="rows_affected",
        float64="share_affected deficit",
        int64="count",
    )


def quality_notes(
    problems: pd.DataFrame,
    *,
    scored_tables: Iterable[str],
    files: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """What validation found that lowers no score: listed apart from the issues.

    Parameters
    ----------
    problems : DataFrame
        Validation problems.
    scored_tables : iterable of str
        The tables with rows (those :func:`quality_scores` scores).
    files : mapping of str to str, optional
        Each table's file.

    Returns
    -------
    DataFrame
        One row per note, errors first, with columns ``severity``, ``rule``, ``table``,
        ``file``, ``column``, ``rows_affected`` (Int64), ``example_rows`` (str), and the
        problem's ``count`` (int), ``expected`` and ``message`` (str), from which
        :func:`crmkit.words.quality.with_words` writes the note and what to ask the client.

    Notes
    -----
    A note is a problem of a rule that measures no quality of the rows present: an absent or
    empty table (the stages that need it are skipped, and say so), rows outside the
    assessment window (extra history), how ambiguous dates were read, a control group that
    is not in the data; and any problem of a table that could not be scored (a file that
    cannot be read, a required column missing). Problems of the rule ``params`` (the
    consultant's own file) are left out.
    """
    files = dict(files or {})
    scored = set(scored_tables)
    records = []
    for _, p in full_problems(problems).iterrows():
        if p["rule"] == "params":
            continue
        if p["rule"] in SCORED_RULES and p["table"] in scored:
            continue
        table = p["table"] if isinstance(p["table"], str) else None
        records.append(
            {
                "severity": p["severity"],
                "rule": p["rule"],
                "table": table,
                "file": p["file"] if isinstance(p["file"], str) else files.get(table or ""),
                "column": p["column"] if isinstance(p["column"], str) else None,
                "rows_affected": int(p["count"]) or None,
                "example_rows": ", ".join(str(r) for r in row_numbers(p["rows"])),
                "count": int(p["count"]),
                "expected": _text(p["expected"]),
                "message": _text(p["message"]),
            }
        )
    notes = typed_frame(records, _NOTE_COLUMNS, Int64="rows_affected", int64="count")
    order = notes["severity"].map(SEVERITY_RANK).fillna(2).sort_values(kind="stable")
    return notes.loc[order.index].reset_index(drop=True)
