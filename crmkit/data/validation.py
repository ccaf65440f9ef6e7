"""Validation of a client folder: parameters and every table, all problems at once.

Each rule is defined here once. A problem names the file, the column, the offending rows
(row numbers as a spreadsheet shows them: the header is row 1, the first data row is row 2)
and what was expected. Severity decides whether the assessment can run:

=================== ======== ==================================================================
rule                severity what it means
=================== ======== ==================================================================
params              error    params.yaml is missing or a parameter is invalid
unreadable          error    a table file cannot be read or decoded
internal_error      error    crmkit failed while checking a file (a bug: please report it)
ambiguous_file      error    a table is given twice (``orders.csv`` and ``orders.xlsx``)
missing_column      error    a required column is absent (after column mapping)
missing_value       error    a required column has empty cells
wrong_type          error    a value is not a number, whole number or true/false as expected
ambiguous_number    error    numbers such as 1,234 and nothing to say which mark is the decimal
unparseable_date    error    a date or time cannot be read
ambiguous_date      error    dates such as 03/04/2025 and nothing to say day or month first
mixed_date_order    error    one column holds day-first (25/03) and month-first (03/25) dates
negative            error    an amount, count or duration below zero
out_of_range        error    a value outside its scale (nps 0–10, csat 1–5, …)
not_allowed         error    a label outside its list (status not won / lost / open)
duplicate_id        error    an identifier that must be unique appears more than once
absent_table        warning  a table is missing: the stages that need it are skipped
empty_table         warning  a table has a header but no rows
unknown_reference   warning  a row points to an id its parent table does not have
outside_window      warning  a date outside the assessment window: ignored by comparisons
inconsistent        warning  dates or counts that contradict each other
control_group       warning  the control group of params.yaml is in no table, empty, or unusable
rollout             error    the rollout of params.yaml names units or dates the data lack, a
                             control unit, or leaves no unit without the CRM to compare with
date_order          warning  how dates such as 03/04/2025 were read, and what decided it
number_format       warning  how numbers such as 1,234 were read, and what decided it
unknown_kpi         warning  a benchmarks or actions row names a KPI the catalog does not have: ignored
=================== ======== ==================================================================

The warnings a report can show are written through the facts of
:mod:`crmkit.data.quality.problem_facts` (their ``english()`` is the message), so that the
report reads them back and says them in its language; ``crmkit validate`` prints the English.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data import io
from crmkit.data.config import Assessment, load_params
from crmkit.data.control_groups import (
    CONTROL_TABLES,
    ControlPlacement,
    assignment_problems,
    locate_control,
)
from crmkit.data.dates import DAY_MONTH, DateReading, read_dates
from crmkit.data.exceptions import InputError, ParamsError, Problem, Severity, ValidationFailed
from crmkit.data.numbers import NumberReading, parse_number, parse_numbers
from crmkit.data.presets import (
    ColumnMapping,
    recognisable_headers,
    recognise_columns,
    translate_values,
)
from crmkit.data.quality.problem_facts import (
    ContradictoryRows,
    ControlColumnExpected,
    ControlColumnNotFound,
    ControlGroupEmpty,
    ControlValuesNotFound,
    DateOrderFromData,
    DateOrderFromParams,
    DatesInWindow,
    DatesWrittenInOrder,
    ExpectedEarlierOrEqual,
    ExpectedNotBefore,
    KpiNameExpected,
    NoClosedDateWhileOpen,
    NoUnitWithCrm,
    NumbersReadFromData,
    NumbersWrittenInFormat,
    OpenWithClosedDate,
    OrderAfterCustomerCreated,
    OrdersBeforeCustomerCreated,
    OtherValuesForCrmUnits,
    OutsideWindow,
    UnknownKpiRows,
    ValuesThatOccur,
)
from crmkit.data.schemas import TABLES, Column, TableSchema, found_in

__all__ = [
    "Problem",
    "ValidationReport",
    "coerce_column",
    "problems_frame",
    "validate_client",
    "validate_table",
]

ROWS_SHOWN = 5
_TRUE = {"true", "1", "yes", "y", "t", "1.0"}
_FALSE = {"false", "0", "no", "n", "f", "0.0"}


@dataclass
class ValidationReport:
    """The outcome of :func:`validate_client`.

    Attributes
    ----------
    assessment : Assessment or None
        The parameters, None when params.yaml is invalid.
    tables : dict of DataFrame
        Every table read, with canonical column names and types.
    files : dict of str
        Each table's file, relative to the client folder.
    problems : list of Problem
        Errors first, then warnings, each group in table order.
    columns : dict of ColumnMapping
        Per table read, how its headers were recognised (:func:`crmkit.data.presets.recognise_columns`).
    control_group : ControlPlacement or None
        Where the control column of params.yaml was found, the level of the assignment and
        each group's size (:func:`crmkit.data.control_groups.locate_control`); None without a
        control group or when no table holds its column.
    """

    client_dir: Path
    assessment: Assessment | None
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    columns: dict[str, ColumnMapping] = field(default_factory=dict)
    control_group: ControlPlacement | None = None

    @property
    def errors(self) -> list[Problem]:
        """The problems that stop the assessment."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems that are reported but do not stop it."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when the assessment can run."""
        return not self.errors

    def raise_if_failed(self) -> ValidationReport:
        """Raise :class:`ValidationFailed` listing every error; return self otherwise."""
        if not self.ok:
            raise ValidationFailed(self.problems)
        return self

    def problems_frame(self) -> pd.DataFrame:
        """The problems as a tidy DataFrame, one row per problem (columns as in Problem)."""
        return problems_frame(self.problems)

    def summary(self) -> str:
        """Every problem, one per line, and a closing verdict."""
        lines = [f"ERROR    {p}" for p in self.errors] + [f"warning  {p}" for p in self.warnings]
        n_err, n_warn = len(self.errors), len(self.warnings)
        verdict = (
            f"{n_err} error(s), {n_warn} warning(s): fix the errors before running the assessment."
            if n_err
            else f"No errors, {n_warn} warning(s): the assessment can run."
        )
        return "\n".join([*lines, verdict])


def problems_frame(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a tidy DataFrame, one row per problem, the columns of :class:`Problem`."""
    columns = list(Problem.__dataclass_fields__)
    return pd.DataFrame([asdict(p) for p in problems], columns=columns)


# --- rows ----------------------------------------------------------------------------------


def _row_numbers(index: pd.Index) -> np.ndarray:
    """Each row's number as a spreadsheet shows it (header = row 1, first data row = row 2).

    :func:`crmkit.data.io.read_table_file` leaves out empty rows but keeps each row's position in
    the file as its index; any other index is numbered by position.
    """
    if (
        pd.api.types.is_integer_dtype(index)
        and index.is_monotonic_increasing
        and index.is_unique
        and (len(index) == 0 or index[0] >= 0)
    ):
        return np.asarray(index, dtype=np.int64) + 2
    return np.arange(len(index), dtype=np.int64) + 2


def _rows(
    mask: np.ndarray | pd.Series, numbers: np.ndarray | None = None
) -> tuple[tuple[int, ...], int]:
    """First row numbers (header = row 1) and the count of True values in ``mask``.

    ``numbers`` gives each row's number (see :func:`_row_numbers`); default: by position.
    """
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    shown = positions[:ROWS_SHOWN]
    rows = numbers[shown] if numbers is not None else shown + 2
    return tuple(int(r) for r in rows), int(positions.size)


# --- coercion ------------------------------------------------------------------------------


def coerce_column(
    values: pd.Series,
    column: Column,
    *,
    dayfirst: bool | None = None,
    date_format: str | None = None,
    number_format: str | None = None,
) -> tuple[pd.Series, np.ndarray]:
    """Convert raw values to the column's type.

    Parameters
    ----------
    values : Series
        Raw values: text from CSV or Excel, or typed values from Parquet.
    column : Column
        The canonical column, whose ``kind`` decides the type.
    dayfirst : bool, optional
        Read ambiguous dates such as 03/04/2025 as day first (True) or month first (False);
        None lets the column's unambiguous dates decide (:func:`crmkit.data.dates.read_dates`).
    date_format : str, optional
        A strftime pattern that every date of the column is read by.
    number_format : {'1,234.56', '1.234,56'}, optional
        How numbers are written; None lets the column's values decide
        (:func:`crmkit.data.numbers.parse_numbers`).

    Returns
    -------
    typed : Series
        ``str`` for id, text and category (categories lower-cased), ``datetime64`` for dates,
        ``float64`` for numbers and whole numbers, nullable ``boolean`` for bool.
    bad : ndarray of bool
        True where a value was given but could not be converted.
    """
    given = values.notna().to_numpy()
    kind = column.kind
    if kind in ("id", "text", "category"):
        if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
            values = values.astype("Int64")
        typed = values.astype("str").str.strip().where(values.notna())
        typed = typed.where(typed != "")
        if kind == "category":
            typed = typed.str.lower()
        return typed, np.zeros(len(values), dtype=bool)
    if kind in ("date", "datetime"):
        reading = read_dates(values, dayfirst=dayfirst, date_format=date_format)
        return _dates_of(reading, kind), reading.bad
    if kind in ("number", "integer"):
        reading = _numbers_of(values, column, number_format)
        typed, bad = reading.values, reading.bad
        if reading.undecided:
            bad = bad | reading.ambiguous
        if kind == "integer":
            bad |= typed.notna().to_numpy() & (typed.to_numpy() % 1 != 0)
        return typed, bad
    if kind == "bool":
        if pd.api.types.is_bool_dtype(values):
            return values.astype("boolean"), np.zeros(len(values), dtype=bool)
        text = values.astype("str").str.strip().str.lower()
        typed = pd.Series(pd.NA, index=values.index, dtype="boolean")
        typed[text.isin(_TRUE).to_numpy()] = True
        typed[text.isin(_FALSE).to_numpy()] = False
        return typed, given & typed.isna().to_numpy()
    raise ValueError(f"unknown column kind {kind!r}")


def _numbers_of(
    values: pd.Series, column: Column, number_format: str | None, currency: str | None = None
) -> NumberReading:
    """A number column read as :func:`crmkit.data.numbers.parse_numbers` reads it."""
    return parse_numbers(
        values,
        number_format=number_format,
        fraction=column.fraction,
        whole=column.kind == "integer",
        currency=currency,
    )


def _number_format_problems(
    raw: pd.Series, reading: NumberReading, *, table: str, column: str, currency: str | None
) -> list[tuple[str, str, str, np.ndarray, str]]:
    """How a column's numbers such as 1,234 were read, or why they cannot be: the problems.

    Returns (severity, rule, message, mask, expected) for each problem.
    """
    text = raw.astype("str").str.strip()

    def example(mask: np.ndarray) -> str:
        return text[mask].iloc[0]

    def both_ways(cell: str) -> str:
        point, comma, _ = parse_number(cell, currency=currency) or (None, None, False)
        if point is None or comma is None:
            return ""
        return (
            f" can be {point:.10g} (the comma or point separating thousands, as in 1,234.56) "
            f"or {comma:.10g} (the comma or point being the decimal mark, as in 1.234,56)"
        )

    if reading.undecided:
        n = int(reading.ambiguous.sum())
        cell = example(reading.ambiguous)
        settings = (
            "params.yaml to say how numbers are written: number_format: '1,234.56' (decimal "
            "point) or number_format: '1.234,56' (decimal comma); for this table only, "
            f"number_format: {{{table}: '1.234,56'}}; for this column only, "
            f"number_format: {{{table}: {{{column}: '1.234,56'}}}}"
        )
        return [
            (
                "error",
                "ambiguous_number",
                f"{n:,} value{'s' if n > 1 else ''} such as {cell!r}{both_ways(cell)}, and no "
                "value in the column decides which (none is written like 1,234.50 or 12,5)",
                reading.ambiguous,
                settings,
            )
        ]
    resolved = reading.ambiguous & ~reading.bad
    if reading.decided_by != "data" or not resolved.any():
        return []
    read = reading.values[resolved].iloc[0]
    found = NumbersReadFromData(
        count=int(resolved.sum()),
        example=repr(example(resolved)),
        read=f"{read:.10g}",
        written=str(reading.number_format),
        evidence=int(reading.evidence.sum()),
        evidence_example=repr(example(reading.evidence)),
    )
    wanted = NumbersWrittenInFormat(written=str(reading.number_format), table=table, column=column)
    return [("warning", "number_format", found.english(), reading.evidence, wanted.english())]


def _dates_of(reading: DateReading, kind: str) -> pd.Series:
    """The dates of a reading as the column's kind holds them (``date``: midnight)."""
    typed = reading.values.astype("datetime64[ns]")
    return typed.dt.normalize() if kind == "date" else typed


def _long_date(day: pd.Timestamp) -> str:
    """3 April 2024."""
    return f"{day.day} {day:%B %Y}"


def _date_order_problems(
    raw: pd.Series,
    reading: DateReading,
    *,
    table: str,
    column: str,
    dayfirst: bool | None,
    numbers: np.ndarray,
) -> list[tuple[str, str, str, np.ndarray | None, str]]:
    """How a column's day-month dates were read, or why they cannot be: the problems.

    Returns (severity, rule, message, mask, expected) for each problem, in the order a user
    should read them.
    """
    found: list[tuple[str, str, str, np.ndarray | None, str]] = []
    text = raw.astype("str").str.strip()

    def example(mask: np.ndarray) -> str:
        return repr(text[mask].iloc[0])

    def rows(mask: np.ndarray, shown: int = 3) -> str:
        listed, count = _rows(mask, numbers)
        more = f" and {count - len(listed[:shown]):,} more" if count > shown else ""
        many = "s" if count > 1 else ""
        return f"row{many} {', '.join(str(r) for r in listed[:shown])}{more}"

    def both_ways(mask: np.ndarray) -> str:
        match = DAY_MONTH.match(text[mask].iloc[0])
        day = reading.values[mask].iloc[0]
        if match is None or pd.isna(day):
            return ""
        first, second = int(match.group(1)), int(match.group(3))
        as_day_first = _long_date(day.replace(month=second, day=first))
        as_month_first = _long_date(day.replace(month=first, day=second))
        return f" can be day first ({as_day_first}) or month first ({as_month_first})"

    settings = (
        "params.yaml to say how the dates are written: dayfirst: true (day first) or "
        f"dayfirst: false (month first); for this table only, dayfirst: {{{table}: true}}; "
        f"or a date_format such as date_format: {{{table}: {{{column}: '%d/%m/%Y'}}}}"
    )
    if reading.contradictory:
        both = reading.day_first | reading.month_first
        found.append(
            (
                "error",
                "mixed_date_order",
                f"the column mixes day-first dates ({int(reading.day_first.sum()):,}, e.g. "
                f"{example(reading.day_first)} in {rows(reading.day_first)}) and month-first "
                f"dates ({int(reading.month_first.sum()):,}, e.g. "
                f"{example(reading.month_first)} in {rows(reading.month_first)}), so no "
                "setting reads it right",
                both,
                "every date of the column written the same way; please re-export it, "
                "preferably as YYYY-MM-DD",
            )
        )
    elif reading.undecided:
        n = int(reading.ambiguous.sum())
        found.append(
            (
                "error",
                "ambiguous_date",
                f"{n:,} date{'s' if n > 1 else ''} such as {example(reading.ambiguous)}"
                f"{both_ways(reading.ambiguous)}, and no date in the column decides which "
                "(none has a day above 12)",
                reading.ambiguous,
                settings,
            )
        )
    elif reading.resolved.any():
        said = {
            "count": int(reading.resolved.sum()),
            "example": example(reading.resolved),
            "order": str(reading.order),
            "first": reading.values[reading.resolved].iloc[0].date(),
        }
        if reading.decided_by == "params":
            message = DateOrderFromParams(**said, dayfirst=bool(dayfirst)).english()
            mask, wanted = reading.resolved, ""
        else:
            evidence = reading.day_first if reading.order == "day first" else reading.month_first
            message = DateOrderFromData(
                **said, evidence=int(evidence.sum()), evidence_example=example(evidence)
            ).english()
            mask = evidence
            wanted = DatesWrittenInOrder(order=str(reading.order), table=table).english()
        found.append(("warning", "date_order", message, mask, wanted))
    if reading.contradicting.any():
        n = int(reading.contradicting.sum())
        found.append(
            (
                "error",
                "unparseable_date",
                f"{n:,} date{'s' if n > 1 else ''} such as {example(reading.contradicting)} "
                f"cannot be read {reading.order}, as params dayfirst: "
                f"{str(bool(dayfirst)).lower()} says",
                reading.contradicting,
                f"every date of the column written {reading.order}, or dayfirst set to what "
                "the file holds",
            )
        )
    return found


# --- one table -----------------------------------------------------------------------------


def validate_table(
    frame: pd.DataFrame,
    schema: TableSchema,
    *,
    file: str,
    assessment: Assessment | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """Check one table against its schema and return it typed, with its problems.

    Parameters
    ----------
    frame : DataFrame
        The table as read, with canonical column names (see :func:`crmkit.data.io.map_columns`).
    schema : TableSchema
        The canonical table.
    file : str
        How messages name the file.
    assessment : Assessment, optional
        Supplies the assessment window and date order; without it no window check is made.

    Returns
    -------
    typed : DataFrame
        Schema columns in schema order (absent optional columns left out), then any extra
        columns the schema allows, converted to their types; the row order is kept.
    problems : list of Problem
    """
    problems: list[Problem] = []
    numbers = _row_numbers(frame.index)

    def add(severity: Severity, rule: str, message: str, *, column=None, mask=None, expected=None):
        rows, count = _rows(mask, numbers) if mask is not None else ((), 0)
        problems.append(
            Problem(severity, rule, message, file, schema.name, column, rows, count, expected)
        )

    missing = [c for c in schema.required if c not in frame.columns]
    for name in missing:
        unknown = [c for c in frame.columns if c not in schema.column_names]
        found = ", ".join(map(str, frame.columns)) or "none"
        hint = (
            f"; if one of {', '.join(unknown)} holds it, map it in params.yaml under "
            f"columns: {{{schema.name}: {{'<client column>': {name}}}}}"
            if unknown
            else ""
        )
        add(
            "error",
            "missing_column",
            f"required column is missing (columns found: {found}){hint}",
            column=name,
            expected=schema.column(name).expected,
        )
    if missing:
        return frame, problems
    if frame.empty:
        add("warning", "empty_table", "the table has a header but no rows")

    dayfirst = assessment.dayfirst_for(schema.name) if assessment else None
    typed: dict[str, pd.Series] = {}
    for column in schema.columns:
        if column.name not in frame.columns:
            continue
        raw = frame[column.name]
        if isinstance(raw, pd.DataFrame):
            add("error", "ambiguous_file", "the column appears more than once", column=column.name)
            continue
        expected = column.expected
        unread = np.zeros(len(raw), dtype=bool)  # given, not read, reported by another rule
        contrary = ""  # why numbers written the other way (1.234,5 among 1,234.5) are wrong
        if column.kind in ("date", "datetime"):
            date_format = (
                assessment.date_format_for(schema.name, column.name) if assessment else None
            )
            reading = read_dates(raw, dayfirst=dayfirst, date_format=date_format)
            values, bad = _dates_of(reading, column.kind), reading.bad & ~reading.contradicting
            unread = reading.contradicting
            for severity, rule, message, mask, wanted in _date_order_problems(
                raw, reading, table=schema.name, column=column.name, dayfirst=dayfirst,
                numbers=numbers,
            ):  # fmt: skip
                add(severity, rule, message, column=column.name, mask=mask, expected=wanted)
            if date_format is not None:
                expected = f"a date written as {date_format} (params date_format)"
        elif column.kind in ("number", "integer"):
            number_format = (
                assessment.number_format_for(schema.name, column.name) if assessment else None
            )
            reading = _numbers_of(
                raw, column, number_format, assessment.currency if assessment else None
            )
            values, bad = reading.values, reading.bad.copy()
            if column.kind == "integer":
                bad |= values.notna().to_numpy() & (values.to_numpy() % 1 != 0)
            if reading.undecided:
                unread = reading.ambiguous  # reported as ambiguous_number
            for severity, rule, message, mask, wanted in _number_format_problems(
                raw,
                reading,
                table=schema.name,
                column=column.name,
                currency=assessment.currency if assessment else None,
            ):
                add(severity, rule, message, column=column.name, mask=mask, expected=wanted)
            if number_format is not None:
                expected = f"{expected}, written {number_format} (params number_format)"
            if reading.contradicting.any() and reading.decided_by == "data":
                evidence = reading.comma_decimal | reading.point_decimal
                evidence &= ~reading.contradicting
                written = raw[evidence].astype(str).str.strip().iloc[0] if evidence.any() else ""
                contrary = (
                    f" (the column's numbers are written {reading.number_format}"
                    + (f", e.g. {written!r}" if written else "")
                    + ", which cannot read them)"
                )
        else:
            values, bad = coerce_column(raw, column)
        typed[column.name] = values
        if bad.any():
            rule = "unparseable_date" if column.kind in ("date", "datetime") else "wrong_type"
            what = (
                "dates that cannot be read"
                if rule == "unparseable_date"
                else "values of the wrong type"
            )
            examples = ", ".join(repr(v) for v in raw[bad].astype(str).unique()[:3])
            add(
                "error",
                rule,
                f"{int(bad.sum()):,} {what}, e.g. {examples}{contrary}",
                column=column.name,
                mask=bad,
                expected=expected,
            )
        if column.required:
            empty = values.isna().to_numpy() & ~bad & ~unread
            if empty.any():
                add(
                    "error",
                    "missing_value",
                    f"{int(empty.sum()):,} empty cells in a required column",
                    column=column.name,
                    mask=empty,
                    expected=expected,
                )
        if column.kind in ("number", "integer") and (
            column.minimum is not None or column.maximum is not None
        ):
            low = -np.inf if column.minimum is None else column.minimum
            high = np.inf if column.maximum is None else column.maximum
            with np.errstate(invalid="ignore"):
                outside = (values.to_numpy() < low) | (values.to_numpy() > high)
            if outside.any():
                if column.minimum == 0 and column.maximum is None:
                    rule, what = "negative", "negative values"
                else:
                    rule, what = "out_of_range", f"values outside {low:g}–{high:g}"
                add(
                    "error",
                    rule,
                    f"{int(outside.sum()):,} {what}",
                    column=column.name,
                    mask=outside,
                    expected=column.expected,
                )
        if column.kind == "category" and column.allowed:
            wrong = values.notna().to_numpy() & ~values.isin(column.allowed).to_numpy()
            if wrong.any():
                examples = ", ".join(repr(v) for v in raw[wrong].astype(str).unique()[:3])
                add(
                    "error",
                    "not_allowed",
                    f"{int(wrong.sum()):,} values not allowed, e.g. {examples}",
                    column=column.name,
                    mask=wrong,
                    expected=column.expected,
                )

    if schema.id_column and schema.id_column in typed:
        ids = typed[schema.id_column]
        dup = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
        if dup.any():
            n_ids = ids[dup].nunique()
            add(
                "error",
                "duplicate_id",
                f"{n_ids:,} identifiers appear more than once, in {int(dup.sum()):,} rows",
                column=schema.id_column,
                mask=dup,
                expected="each identifier once",
            )

    extras = [c for c in frame.columns if c not in schema.column_names]
    result = pd.DataFrame(typed, index=frame.index)
    if schema.extra_columns_allowed:  # e.g. survey items: numbers where every value is one
        for name in extras:
            numbers = pd.to_numeric(frame[name], errors="coerce")
            all_numeric = numbers.notna().sum() == frame[name].notna().sum()
            result[name] = numbers if all_numeric else frame[name]
    for column in _kept_assignment_columns(schema, extras, assessment):
        result[column] = frame[column]  # the control group or rollout, under the client's name
    result = result.reset_index(drop=True)

    if assessment is not None and schema.date_column in result and schema.name != "customers":
        window = assessment.window
        dates = result[schema.date_column]
        outside = (
            dates.notna()
            & (
                (dates < pd.Timestamp(window.start))
                | (dates >= pd.Timestamp(window.end) + pd.Timedelta(days=1))
            )
        ).to_numpy()
        if outside.any():
            add(
                "warning",
                "outside_window",
                OutsideWindow(
                    count=int(outside.sum()), rows=len(dates), start=window.start, end=window.end
                ).english(),
                column=schema.date_column,
                mask=outside,
                expected=DatesInWindow(start=window.start, end=window.end).english(),
            )
    problems.extend(_consistency(result, schema, file, numbers))
    return result, problems


def _consistency(
    table: pd.DataFrame, schema: TableSchema, file: str, numbers: np.ndarray | None = None
) -> list[Problem]:
    """Dates and counts within one table that contradict each other (warnings)."""
    rules: list[tuple[str, str, str]] = {
        "customers": [("churned_date", "created_date", "churned_before_created")],
        "opportunities": [("closed_date", "created_date", "closed_before_created")],
        "tickets": [
            ("first_response_at", "opened_at", "answered_before_opened"),
            ("resolved_at", "opened_at", "resolved_before_opened"),
        ],
        "campaigns": [
            ("contacts", "responses", "more_responses_than_contacts"),
            ("responses", "conversions", "more_conversions_than_responses"),
        ],
    }.get(schema.name, [])
    problems = []
    for later, earlier, finding in rules:
        if later in table and earlier in table:
            with np.errstate(invalid="ignore"):
                wrong = (table[later] < table[earlier]).fillna(False).to_numpy(dtype=bool)
            if wrong.any():
                rows, count = _rows(wrong, numbers)
                problems.append(
                    Problem(
                        "warning",
                        "inconsistent",
                        ContradictoryRows(count=count, finding=finding).english(),
                        file,
                        schema.name,
                        later,
                        rows,
                        count,
                        ExpectedNotBefore(later=later, earlier=earlier).english()
                        if "date" in later or "_at" in later
                        else ExpectedEarlierOrEqual(smaller=earlier, larger=later).english(),
                    )
                )
    if schema.name == "opportunities" and "closed_date" in table:
        open_closed = ((table["status"] == "open") & table["closed_date"].notna()).to_numpy()
        if open_closed.any():
            rows, count = _rows(open_closed, numbers)
            problems.append(
                Problem(
                    "warning",
                    "inconsistent",
                    OpenWithClosedDate(count=count).english(),
                    file,
                    schema.name,
                    "closed_date",
                    rows,
                    count,
                    NoClosedDateWhileOpen().english(),
                )
            )
    return problems


#: Tables with a ``kpi`` column that must name a KPI of the catalog.
KPI_TABLES = ("benchmarks", "actions")


def _unknown_kpis(
    frame: pd.DataFrame,
    known_kpis: Collection[str],
    *,
    table: str,
    file: str,
    numbers: np.ndarray,
) -> list[Problem]:
    """A warning naming the rows of ``table`` whose ``kpi`` is not a KPI of the catalog.

    Examples
    --------
    >>> frame = pd.DataFrame({"kpi": ["win_rate", "winrate", "nps"], "value": [0.2, 0.2, 30]})
    >>> [p.rows for p in _unknown_kpis(frame, ["win_rate", "nps"], table="benchmarks",
    ...                                 file="data/benchmarks.csv", numbers=np.array([2, 3, 4]))]
    [(3,)]
    """
    names = frame["kpi"].astype("string").str.strip()
    unknown = ~names.isin(set(known_kpis)).to_numpy(dtype=bool)
    if not unknown.any():
        return []
    if len(numbers) != len(frame):  # rows were dropped: number them by position
        numbers = np.arange(len(frame)) + 2
    rows = tuple(int(r) for r in numbers[unknown])
    shown = sorted({str(v) for v in names[unknown].dropna()})
    return [
        Problem(
            "warning",
            "unknown_kpi",
            UnknownKpiRows(
                table=table, kpis=", ".join(shown[:ROWS_SHOWN]), more=len(shown) > ROWS_SHOWN
            ).english(),
            file=file,
            table=table,
            column="kpi",
            rows=rows[:ROWS_SHOWN],
            count=len(rows),
            expected=KpiNameExpected(examples="win_rate, nps, churn_rate_annual").english(),
        )
    ]


def _assignment_columns(assessment: Assessment | None) -> tuple[str, ...]:
    """The columns params.yaml assigns units by: the control group's and the rollout's."""
    if assessment is None:
        return ()
    named = (
        assessment.control.column if assessment.control is not None else None,
        assessment.rollout.column if getattr(assessment, "rollout", None) is not None else None,
    )
    return tuple(dict.fromkeys(c for c in named if c))


def _kept_assignment_columns(
    schema: TableSchema, extras: list[str], assessment: Assessment | None
) -> list[str]:
    """The control and rollout columns of params.yaml among ``extras`` of a table that may
    hold them (kept under the client's own name)."""
    if schema.name not in CONTROL_TABLES:
        return []
    return [c for c in _assignment_columns(assessment) if c in extras]


def _control_column_kept(how: ColumnMapping, assessment: Assessment) -> ColumnMapping:
    """``how`` with the control and rollout columns listed as kept under their own names,
    not as unused."""
    kept = [c for c in _assignment_columns(assessment) if c in how.unused]
    if how.table not in CONTROL_TABLES or not kept:
        return how
    unused = tuple(c for c in how.unused if c not in kept)
    return replace(how, unused=unused, extra=(*how.extra, *kept))


def _control_group(
    tables: Mapping[str, pd.DataFrame],
    assessment: Any,
    headers: Mapping[str, ColumnMapping] | None = None,
) -> list[Problem]:
    """Warnings when the control group named in params.yaml cannot be used as it stands."""
    control = assessment.control
    if control is None or not tables:
        return []
    placement = locate_control(tables, control)
    if placement is None:
        present = [name for name in CONTROL_TABLES if name in tables]
        columns = {str(c) for name in present for c in tables[name].columns}
        columns |= {c for name in present if name in (headers or {}) for c in headers[name].unused}
        columns = sorted(columns)
        hint = difflib.get_close_matches(control.column, columns, n=1, cutoff=0.6)
        return [
            Problem(
                "warning",
                "control_group",
                ControlColumnNotFound(
                    column=repr(control.column),
                    searched=", ".join(present),
                    hint=repr(hint[0]) if hint else "",
                ).english(),
                expected=ControlColumnExpected().english(),
            )
        ]
    problems = []
    wanted = {v.strip().casefold() for v in control.values}
    seen = {
        str(v).strip()
        for name in placement.holding
        for v in tables[name][control.column].dropna().unique()
    }
    found_values = {v.casefold() for v in seen}
    if not wanted & found_values:
        shown = ", ".join(sorted(seen)[:8]) + (", …" if len(seen) > 8 else "")
        problems.append(
            Problem(
                "warning",
                "control_group",
                ControlGroupEmpty(
                    column=control.column, values=", ".join(control.values), found=shown
                ).english(),
                table=placement.holding[0],
                column=control.column,
                expected=ValuesThatOccur(column=control.column).english(),
            )
        )
    elif found_values <= wanted:
        problems.append(
            Problem(
                "warning",
                "control_group",
                NoUnitWithCrm(column=control.column, values=", ".join(control.values)).english(),
                table=placement.holding[0],
                column=control.column,
                expected=OtherValuesForCrmUnits(column=control.column).english(),
            )
        )
    else:
        missing = sorted(v for v in control.values if v.strip().casefold() not in found_values)
        if missing:
            problems.append(
                Problem(
                    "warning",
                    "control_group",
                    ControlValuesNotFound(
                        values=", ".join(missing),
                        column=control.column,
                        found=", ".join(sorted(seen)[:8]),
                    ).english(),
                    table=placement.holding[0],
                    column=control.column,
                    expected=ValuesThatOccur(column=control.column).english(),
                )
            )
    for message in assignment_problems(placement, tables):
        problems.append(
            Problem(
                "warning",
                "control_group",
                f"{message}; the revenue comparison with the control group is not made",
                table="orders",
                expected="control.unit customer, region or rep, as the orders allow",
            )
        )
    return problems


def _rollout_values(tables: Mapping[str, pd.DataFrame], column: str) -> dict[str, str]:
    """Every value of ``column`` in the tables, by its case-folded, stripped form."""
    values: dict[str, str] = {}
    for frame in tables.values():
        if column in frame.columns:
            for value in frame[column].dropna().unique():
                values.setdefault(str(value).strip().casefold(), str(value).strip())
    return values


def _data_span(tables: Mapping[str, pd.DataFrame]) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The first and last order date (else opportunity date): the months a rollout can use."""
    for name, column in (("orders", "order_date"), ("opportunities", "created_date")):
        frame = tables.get(name)
        if frame is not None and column in frame and frame[column].notna().any():
            dates = pd.to_datetime(frame[column])
            return dates.min().normalize(), dates.max().normalize()
    return None


def _rollout(tables: Mapping[str, pd.DataFrame], assessment: Any) -> list[Problem]:
    """Errors in the rollout of params.yaml, checked against the data (one per kind)."""
    rollout = assessment.rollout
    if rollout is None or not tables:
        return []
    column, dates = rollout.column, rollout.dates()
    seen = _rollout_values(tables, column)
    if not seen:
        return [
            Problem(
                "error",
                "rollout",
                f"rollout.column {column!r} is a column of no table: no row can be tied to a unit",
                expected="a column such as region in orders or customers (or map one in columns)",
            )
        ]
    problems = []
    unknown = [unit for unit in dates if unit.strip().casefold() not in seen]
    if unknown:
        known = ", ".join(sorted(seen.values())[:10])
        problems.append(
            Problem(
                "error",
                "rollout",
                f"rollout.go_live names units that no row has in {column}: "
                + ", ".join(unknown[:10]),
                column=column,
                count=len(unknown),
                expected=f"values of {column} that occur in the data, e.g. {known}",
            )
        )
    span = _data_span(tables)
    if span is not None:
        first, last = span
        outside = [
            f"{unit} ({day})"
            for unit, day in dates.items()
            if not first < pd.Timestamp(day) <= last
        ]
        if outside:
            problems.append(
                Problem(
                    "error",
                    "rollout",
                    "rollout.go_live has dates with no data before or after them: "
                    + ", ".join(outside[:10]),
                    column=column,
                    count=len(outside),
                    expected=f"go-live dates after {first:%Y-%m-%d} and up to {last:%Y-%m-%d}",
                )
            )
    control = assessment.control
    if control is not None and control.column == column:
        wanted = {v.strip().casefold() for v in control.values}
        both = [unit for unit in dates if unit.strip().casefold() in wanted]
        if both:
            problems.append(
                Problem(
                    "error",
                    "rollout",
                    "units listed both in control.values (never got the CRM) and in "
                    "rollout.go_live (got it): " + ", ".join(both[:10]),
                    column=column,
                    count=len(both),
                    expected="each unit either in control.values or in rollout.go_live",
                )
            )
    listed = {unit.strip().casefold() for unit in dates}
    never = set(seen) - listed
    if not never and len(set(dates.values())) < 2:
        problems.append(
            Problem(
                "error",
                "rollout",
                f"every unit of {column} went live on the same day: no unit without the CRM "
                "(never or not yet) is left to compare with",
                column=column,
                expected="at least one unit that never got the CRM, or a later go-live for some",
            )
        )
    return problems


def _references(
    tables: Mapping[str, pd.DataFrame],
    files: Mapping[str, str],
    numbers: Mapping[str, np.ndarray] | None = None,
) -> list[Problem]:
    """Rows that point to ids their parent table lacks, or predate their customer (warnings)."""
    numbers = numbers or {}
    problems = []
    for name, table in tables.items():
        for ref in TABLES[name].references:
            parent = tables.get(ref.table)
            if parent is None or ref.column not in table or ref.target not in parent:
                continue
            unknown = table[ref.column].notna().to_numpy() & ~found_in(
                table[ref.column], parent[ref.target]
            )
            if unknown.any():
                rows, count = _rows(unknown, numbers.get(name))
                problems.append(
                    Problem(
                        "warning",
                        "unknown_reference",
                        f"{count:,} rows point to a {ref.target} that {files[ref.table]} does not have",
                        files[name],
                        name,
                        ref.column,
                        rows,
                        count,
                        f"a {ref.target} listed in {ref.table}",
                    )
                )
    orders, customers = tables.get("orders"), tables.get("customers")
    if (
        orders is not None
        and customers is not None
        and {"customer_id", "order_date"} <= set(orders.columns)
        and {"customer_id", "created_date"} <= set(customers.columns)
    ):
        # a customer listed twice (a duplicate_id error) counts from its earliest creation
        first_created = customers.groupby("customer_id")["created_date"].min()
        created = orders["customer_id"].map(first_created).astype("datetime64[ns]")
        early = (orders["order_date"] < created).fillna(False).to_numpy(dtype=bool)
        if early.any():
            rows, count = _rows(early, numbers.get("orders"))
            problems.append(
                Problem(
                    "warning",
                    "inconsistent",
                    OrdersBeforeCustomerCreated(count=count).english(),
                    files["orders"],
                    "orders",
                    "order_date",
                    rows,
                    count,
                    OrderAfterCustomerCreated().english(),
                )
            )
    return problems


# --- the client folder ---------------------------------------------------------------------


def _relative(path: Path, client_dir: Path) -> str:
    """``path`` as messages name it: relative to the client folder when it is inside it."""
    try:
        return str(path.relative_to(client_dir))
    except ValueError:  # data_dir points outside the client folder
        return str(path)


def validate_client(
    client_dir: str | Path,
    *,
    overrides: Mapping[str, Any] | None = None,
    known_kpis: Collection[str] | None = None,
) -> ValidationReport:
    """Validate a client folder: params.yaml and every table in its data folder.

    Parameters
    ----------
    client_dir : path
        The client folder (``params.yaml`` and the data folder it names).
    overrides : mapping, optional
        Parameter overrides, as for :func:`crmkit.data.config.load_params`.
    known_kpis : collection of str, optional
        The KPI catalog's names (passed by the caller: this layer cannot read the catalog).
        With them, the scorecard's targets and the benchmarks table's ``kpi`` column are
        checked against the catalog; None checks neither.

    Returns
    -------
    ValidationReport
        All problems, and the typed tables. Nothing is written anywhere.
    """
    client_dir = Path(client_dir)
    try:
        assessment = load_params(client_dir, overrides=overrides, known_kpis=known_kpis)
    except ParamsError as exc:
        problems = [Problem("error", "params", line) for line in str(exc).splitlines()]
        return ValidationReport(client_dir, None, problems=problems)

    report = ValidationReport(client_dir, assessment)
    data_dir = client_dir / assessment.data_dir
    if not data_dir.is_dir():
        report.problems.append(
            Problem(
                "error",
                "params",
                f"the data folder {data_dir} does not exist",
                expected="a folder with the client's tables (data_dir in params.yaml)",
            )
        )
        return report
    found = io.find_table_files(data_dir)
    problems: list[Problem] = []
    numbers: dict[str, np.ndarray] = {}
    for name, schema in TABLES.items():
        paths = found.get(name, [])
        if not paths:
            problems.append(
                Problem(
                    "warning",
                    "absent_table",
                    f"no {name} table ({name}.csv, .xlsx or .parquet in {assessment.data_dir}/): "
                    "the stages that need it are skipped",
                    table=name,
                )
            )
            continue
        label = _relative(paths[0], client_dir)
        if len(paths) > 1:
            problems.append(
                Problem(
                    "error",
                    "ambiguous_file",
                    f"the {name} table is given {len(paths)} times: "
                    + ", ".join(_relative(p, client_dir) for p in paths),
                    file=label,
                    table=name,
                    expected="one file per table",
                )
            )
            continue
        system = assessment.source_system
        try:
            raw = io.read_table_file(
                paths[0],
                encoding=assessment.encoding_for(name),
                label=label,
                sheet=assessment.sheet_for(name),
                header_row=assessment.header_row_for(name),
                known_headers=recognisable_headers(schema, assessment.columns.get(name), system),
            )
        except InputError as exc:
            message = str(exc).removeprefix(f"{label}: ")
            problems.append(
                Problem(
                    "error",
                    "unreadable",
                    message,
                    file=label,
                    table=name,
                    rows=tuple(exc.rows[:ROWS_SHOWN]),
                    count=len(exc.rows),
                )
            )
            continue
        try:
            raw, report.columns[name] = recognise_columns(
                raw, schema, assessment.columns.get(name), system
            )
            report.columns[name] = _control_column_kept(report.columns[name], assessment)
            raw = translate_values(raw, name, system)
            table, table_problems = validate_table(raw, schema, file=label, assessment=assessment)
        except Exception as exc:  # a bug must not hide the other tables' problems
            problems.append(
                Problem(
                    "error",
                    "internal_error",
                    f"crmkit could not check this file ({type(exc).__name__}: {exc}); "
                    "please report this with the file's header and a few rows",
                    file=label,
                    table=name,
                )
            )
            continue
        problems.extend(table_problems)
        if not any(p.rule == "missing_column" for p in table_problems):
            report.tables[name] = table
            report.files[name] = label
            numbers[name] = _row_numbers(raw.index)
    problems.extend(_references(report.tables, report.files, numbers))
    problems.extend(_control_group(report.tables, assessment, report.columns))
    if assessment.control is not None:
        report.control_group = locate_control(report.tables, assessment.control)
    problems.extend(_rollout(report.tables, assessment))
    for table in KPI_TABLES if known_kpis is not None else ():
        if table in report.tables:
            problems.extend(
                _unknown_kpis(
                    report.tables[table],
                    known_kpis,
                    table=table,
                    file=report.files[table],
                    numbers=numbers[table],
                )
            )
    report.problems = [p for p in problems if p.severity == "error"] + [
        p for p in problems if p.severity == "warning"
    ]
    return report
