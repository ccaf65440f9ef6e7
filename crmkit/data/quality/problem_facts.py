"""What a validation warning says, as typed facts: the report says them in its language.

Validation states each problem in English (:class:`crmkit.data.exceptions.Problem`
``message`` and ``expected``): ``crmkit validate`` prints them, ``validation.json`` keeps
them, and every stage reads them back from there. The problems a report can show are the
warnings (an error stops the run before any page is written). For each kind of warning
this module holds a small frozen fact with the values it quotes, whose ``english()`` is the
text validation writes (:mod:`crmkit.data.validation` writes it through the fact), and
:func:`read_problem_text` finds the fact back in such a text, so that the words layer
(:mod:`crmkit.words.quality.problems`) says it in the report's language with the same
file, column, rows and numbers. A text no fact reads (an older run's, or a kind not listed
here) is shown as written.

Examples
--------
>>> fact = ContradictoryRows(count=1204, finding="closed_before_created")
>>> fact.english()
'1,204 rows closed before it was created'
>>> read_problem_text(fact.english()) == fact
True
>>> read_problem_text("something else") is None
True
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import ClassVar

__all__ = [
    "CONTRADICTIONS",
    "ContradictoryRows",
    "ControlColumnExpected",
    "ControlColumnNotFound",
    "ControlGroupEmpty",
    "ControlValuesNotFound",
    "DateOrderFromData",
    "DateOrderFromParams",
    "DatesInWindow",
    "DatesWrittenInOrder",
    "ExpectedEarlierOrEqual",
    "ExpectedNotBefore",
    "KpiNameExpected",
    "NoClosedDateWhileOpen",
    "NoUnitWithCrm",
    "OpenWithClosedDate",
    "NumbersReadFromData",
    "NumbersWrittenInFormat",
    "OrderAfterCustomerCreated",
    "OrdersBeforeCustomerCreated",
    "OtherValuesForCrmUnits",
    "OutsideWindow",
    "ProblemFact",
    "UnknownKpiRows",
    "ValuesThatOccur",
    "long_date",
    "read_problem_text",
]

#: What a contradiction within a table found (:class:`ContradictoryRows` ``finding``),
#: as validation says it after the count of rows.
CONTRADICTIONS: dict[str, str] = {
    "churned_before_created": "churned before the customer was created",
    "closed_before_created": "closed before it was created",
    "answered_before_opened": "answered before the ticket was opened",
    "resolved_before_opened": "resolved before the ticket was opened",
    "more_responses_than_contacts": "more responses than contacts",
    "more_conversions_than_responses": "more conversions than responses",
}

_COUNT = r"(?P<count>\d{1,3}(?:,\d{3})*)"
_QUOTED = r"(?P<{name}>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")"
_ORDER = r"(?P<order>day first|month first)"
_MONTHS = "January February March April May June July August September October November December"


def _count(text: str) -> int:
    return int(text.replace(",", ""))


#: How :meth:`ProblemFact.from_match` reads a group into a field, by the field's annotation.
_READ = {"int": _count, "dt.date": dt.date.fromisoformat}


def _plural(n: int, word: str) -> str:
    return f"{word}s" if n > 1 else word


def _were(n: int) -> str:
    return "were" if n > 1 else "was"


def long_date(day: dt.date) -> str:
    """A day as validation writes it: "3 April 2024".

    Examples
    --------
    >>> long_date(dt.date(2024, 4, 3))
    '3 April 2024'
    """
    return f"{day.day} {_MONTHS.split()[day.month - 1]} {day.year}"


def _read_long_date(text: str) -> dt.date | None:
    day, month, year = text.split(" ")
    names = _MONTHS.split()
    if month not in names:
        return None
    return dt.date(int(year), names.index(month) + 1, int(day))


@dataclass(frozen=True)
class ProblemFact:
    """One validation text as a fact; subclasses hold its values and read it back."""

    pattern: ClassVar[re.Pattern[str]]

    def english(self) -> str:
        """The text as validation writes it."""
        raise NotImplementedError

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ProblemFact | None:
        """The fact of a text its ``pattern`` matched (None when the values do not fit): by
        default the fact's fields are the pattern's groups of the same names, read as their
        annotation says (``int``: a count written with thousands separators; ``dt.date``: ISO
        8601; else the text)."""
        groups = match.groupdict()
        return cls(
            **{
                field.name: _READ.get(str(field.type), str)(groups[field.name])
                for field in dataclasses.fields(cls)  # type: ignore[arg-type]
                if field.name in groups
            }
        )


# --- messages ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContradictoryRows(ProblemFact):
    """Rows whose dates or counts contradict each other (``finding``: a key of
    :data:`CONTRADICTIONS`)."""

    count: int
    finding: str

    pattern: ClassVar = re.compile(
        rf"{_COUNT} rows (?P<finding>{'|'.join(map(re.escape, CONTRADICTIONS.values()))})"
    )

    def english(self) -> str:
        return f"{self.count:,} rows {CONTRADICTIONS[self.finding]}"

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ContradictoryRows:
        finding = next(k for k, v in CONTRADICTIONS.items() if v == match["finding"])
        return cls(count=_count(match["count"]), finding=finding)


@dataclass(frozen=True)
class OpenWithClosedDate(ProblemFact):
    """Open opportunities that have a closed_date."""

    count: int

    pattern: ClassVar = re.compile(rf"{_COUNT} open opportunities have a closed_date")

    def english(self) -> str:
        return f"{self.count:,} open opportunities have a closed_date"


@dataclass(frozen=True)
class OrdersBeforeCustomerCreated(ProblemFact):
    """Orders dated before their customer was created."""

    count: int

    pattern: ClassVar = re.compile(rf"{_COUNT} orders are dated before their customer was created")

    def english(self) -> str:
        return f"{self.count:,} orders are dated before their customer was created"


@dataclass(frozen=True)
class OutsideWindow(ProblemFact):
    """Rows dated outside the assessment window, which the comparisons ignore."""

    count: int
    rows: int
    start: dt.date
    end: dt.date

    pattern: ClassVar = re.compile(
        rf"{_COUNT} of (?P<rows>[\d,]+) rows are dated outside the assessment window "
        r"(?P<start>\d{4}-\d\d-\d\d) to (?P<end>\d{4}-\d\d-\d\d); before/after comparisons "
        "ignore them"
    )

    def english(self) -> str:
        return (
            f"{self.count:,} of {self.rows:,} rows are dated outside the assessment window "
            f"{self.start.isoformat()} to {self.end.isoformat()}; before/after comparisons "
            "ignore them"
        )


def _dates_read(count: int, example: str, order: str, first: dt.date) -> str:
    return (
        f"{count:,} {_plural(count, 'date')} such as {example} {_were(count)} read {order} "
        f"({long_date(first)})"
    )


_DATES_READ = (
    rf"{_COUNT} dates? such as {_QUOTED.format(name='example')} (?:were|was) read {_ORDER} "
    r"\((?P<first>\d{1,2} [A-Z][a-z]+ \d{4})\)"
)


@dataclass(frozen=True)
class DateOrderFromParams(ProblemFact):
    """Dates such as 03/04/2025 read day or month first as params ``dayfirst`` says.

    ``example`` is the cell as validation quotes it (with its quotes); ``first`` the first
    such date as read.
    """

    count: int
    example: str
    order: str
    first: dt.date
    dayfirst: bool

    pattern: ClassVar = re.compile(
        rf"{_DATES_READ}, as params dayfirst: (?P<dayfirst>true|false) says"
    )

    def english(self) -> str:
        said = _dates_read(self.count, self.example, self.order, self.first)
        return f"{said}, as params dayfirst: {str(self.dayfirst).lower()} says"

    @classmethod
    def from_match(cls, match: re.Match[str]) -> DateOrderFromParams | None:
        first = _read_long_date(match["first"])
        if first is None:
            return None
        return cls(
            count=_count(match["count"]),
            example=match["example"],
            order=match["order"],
            first=first,
            dayfirst=match["dayfirst"] == "true",
        )


@dataclass(frozen=True)
class DateOrderFromData(ProblemFact):
    """Dates such as 03/04/2025 read day or month first because other dates of the column
    can only be read so (``evidence`` of them, e.g. ``evidence_example``)."""

    count: int
    example: str
    order: str
    first: dt.date
    evidence: int
    evidence_example: str

    pattern: ClassVar = re.compile(
        rf"{_DATES_READ}, because (?P<evidence>[\d,]+) dates? of the column can only be read "
        rf"(?P=order), e\.g\. {_QUOTED.format(name='evidence_example')}"
    )

    def english(self) -> str:
        said = _dates_read(self.count, self.example, self.order, self.first)
        k = self.evidence
        return (
            f"{said}, because {k:,} {_plural(k, 'date')} of the column can only be read "
            f"{self.order}, e.g. {self.evidence_example}"
        )

    @classmethod
    def from_match(cls, match: re.Match[str]) -> DateOrderFromData | None:
        first = _read_long_date(match["first"])
        if first is None:
            return None
        return cls(
            count=_count(match["count"]),
            example=match["example"],
            order=match["order"],
            first=first,
            evidence=_count(match["evidence"]),
            evidence_example=match["evidence_example"],
        )


@dataclass(frozen=True)
class NumbersReadFromData(ProblemFact):
    """Numbers such as 1,234 read one way because other values of the column can only be
    read so (``written``: the format, "1,234.56" or "1.234,56"; ``read``: the first value
    as read, written with ten significant digits)."""

    count: int
    example: str
    read: str
    written: str
    evidence: int
    evidence_example: str

    pattern: ClassVar = re.compile(
        rf"{_COUNT} values? such as {_QUOTED.format(name='example')} (?:were|was) read as "
        r"(?P<read>\S+) \(written (?P<written>1,234\.56|1\.234,56)\), because "
        rf"(?P<evidence>[\d,]+) values? of the column can only be read so, e\.g\. "
        rf"{_QUOTED.format(name='evidence_example')}"
    )

    def english(self) -> str:
        n, k = self.count, self.evidence
        return (
            f"{n:,} {_plural(n, 'value')} such as {self.example} {_were(n)} read as {self.read} "
            f"(written {self.written}), because {k:,} {_plural(k, 'value')} of the column can "
            f"only be read so, e.g. {self.evidence_example}"
        )


@dataclass(frozen=True)
class UnknownKpiRows(ProblemFact):
    """Rows of benchmarks or actions naming KPIs the catalog does not have (``kpis``: the
    first names, as written; ``more``: whether there are others)."""

    table: str
    kpis: str
    more: bool

    pattern: ClassVar = re.compile(
        r"(?P<table>benchmarks|actions) rows for (?P<kpis>.+?)(?P<more> and more)?: not KPIs "
        "of the catalog, so these rows are ignored",
        re.DOTALL,
    )

    def english(self) -> str:
        more = " and more" if self.more else ""
        return (
            f"{self.table} rows for {self.kpis}{more}: not KPIs of the catalog, so these rows "
            "are ignored"
        )

    @classmethod
    def from_match(cls, match: re.Match[str]) -> UnknownKpiRows:
        return cls(table=match["table"], kpis=match["kpis"], more=bool(match["more"]))


# --- the control group of params.yaml ----------------------------------------------------------


@dataclass(frozen=True)
class ControlColumnNotFound(ProblemFact):
    """``control.column`` is a column of no table (``searched``: the tables looked in, joined
    by ", "; "" when none; ``hint``: the closest column name, or "")."""

    column: str
    searched: str
    hint: str

    pattern: ClassVar = re.compile(
        rf"control\.column {_QUOTED.format(name='column')} is a column of no table "
        rf"\((?P<searched>.+?) searched\)(?:; did you mean {_QUOTED.format(name='hint')}\?)?: "
        "the control group cannot be used, and every comparison is before against after",
        re.DOTALL,
    )

    def english(self) -> str:
        searched = self.searched or "no customers, orders or opportunities"
        hint = f"; did you mean {self.hint}?" if self.hint else ""
        return (
            f"control.column {self.column} is a column of no table ({searched} searched){hint}: "
            "the control group cannot be used, and every comparison is before against after"
        )

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ControlColumnNotFound:
        searched = match["searched"]
        none = searched == "no customers, orders or opportunities"
        return cls(
            column=match["column"], searched="" if none else searched, hint=match["hint"] or ""
        )


@dataclass(frozen=True)
class ControlGroupEmpty(ProblemFact):
    """No row has the control group's values (``found``: the values the column has, as
    listed; "" when none)."""

    column: str
    values: str
    found: str

    pattern: ClassVar = re.compile(
        r"no row has (?P<column>\S+) = (?P<values>.+?): the control group is empty, and every "
        r"comparison is before against after \(values found: (?P<found>.*)\)",
        re.DOTALL,
    )

    def english(self) -> str:
        return (
            f"no row has {self.column} = {self.values}: the control group is empty, and every "
            f"comparison is before against after (values found: {self.found or 'none'})"
        )

    @classmethod
    def from_match(cls, match: re.Match[str]) -> ControlGroupEmpty:
        found = "" if match["found"] == "none" else match["found"]
        return cls(column=match["column"], values=match["values"], found=found)


@dataclass(frozen=True)
class NoUnitWithCrm(ProblemFact):
    """Every labelled row is in the control group: no unit got the CRM."""

    column: str
    values: str

    pattern: ClassVar = re.compile(
        r"every labelled row has (?P<column>\S+) = (?P<values>.+?): no unit got the CRM, so "
        r"nothing can be compared with the control group",
        re.DOTALL,
    )

    def english(self) -> str:
        return (
            f"every labelled row has {self.column} = {self.values}: no unit got the CRM, so "
            "nothing can be compared with the control group"
        )


@dataclass(frozen=True)
class ControlValuesNotFound(ProblemFact):
    """Some of ``control.values`` occur in no row (``values``: those, ``found``: the values
    the column has, as listed)."""

    values: str
    column: str
    found: str

    pattern: ClassVar = re.compile(
        r"control\.values (?P<values>.+?) occur in no row of (?P<column>\S+) \(values found: "
        r"(?P<found>.*)\)",
        re.DOTALL,
    )

    def english(self) -> str:
        return (
            f"control.values {self.values} occur in no row of {self.column} "
            f"(values found: {self.found})"
        )


# --- what a warning expects ---------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedNotBefore(ProblemFact):
    """A date column that must not come before another (both column names)."""

    later: str
    earlier: str

    pattern: ClassVar = re.compile(r"(?P<later>[a-z_]+) not before (?P<earlier>[a-z_]+)")

    def english(self) -> str:
        return f"{self.later} not before {self.earlier}"


@dataclass(frozen=True)
class ExpectedEarlierOrEqual(ProblemFact):
    """A count that must not exceed another (``smaller`` ≤ ``larger``, column names)."""

    smaller: str
    larger: str

    pattern: ClassVar = re.compile(r"(?P<smaller>[a-z_]+) ≤ (?P<larger>[a-z_]+)")

    def english(self) -> str:
        return f"{self.smaller} ≤ {self.larger}"


@dataclass(frozen=True)
class NoClosedDateWhileOpen(ProblemFact):
    """An open opportunity has no closed_date."""

    pattern: ClassVar = re.compile(r"no closed_date while status is open")

    def english(self) -> str:
        return "no closed_date while status is open"


@dataclass(frozen=True)
class OrderAfterCustomerCreated(ProblemFact):
    """An order is dated on or after its customer's creation."""

    pattern: ClassVar = re.compile(r"order_date on or after the customer's created_date")

    def english(self) -> str:
        return "order_date on or after the customer's created_date"


@dataclass(frozen=True)
class DatesInWindow(ProblemFact):
    """A date within the assessment window."""

    start: dt.date
    end: dt.date

    pattern: ClassVar = re.compile(
        r"a date from (?P<start>\d{4}-\d\d-\d\d) to (?P<end>\d{4}-\d\d-\d\d)"
    )

    def english(self) -> str:
        return f"a date from {self.start.isoformat()} to {self.end.isoformat()}"

    @classmethod
    def from_match(cls, match: re.Match[str]) -> DatesInWindow:
        return cls(
            start=dt.date.fromisoformat(match["start"]), end=dt.date.fromisoformat(match["end"])
        )


@dataclass(frozen=True)
class DatesWrittenInOrder(ProblemFact):
    """Dates written day or month first; otherwise the rows corrected or ``dayfirst`` set."""

    order: str
    table: str

    pattern: ClassVar = re.compile(
        rf"dates written {_ORDER}; otherwise correct the rows listed, or set dayfirst: "
        r"(?P<other>true|false) in params\.yaml \(for this table only: dayfirst: "
        r"\{(?P<table>[a-z_]+): (?P=other)\}\)"
    )

    @property
    def other(self) -> str:
        """The ``dayfirst`` value that reads the dates the other way."""
        return "false" if self.order == "day first" else "true"

    def english(self) -> str:
        return (
            f"dates written {self.order}; otherwise correct the rows listed, or set "
            f"dayfirst: {self.other} in params.yaml (for this table only: "
            f"dayfirst: {{{self.table}: {self.other}}})"
        )


@dataclass(frozen=True)
class NumbersWrittenInFormat(ProblemFact):
    """Numbers written in one format; otherwise the rows corrected or ``number_format`` set."""

    written: str
    table: str
    column: str

    pattern: ClassVar = re.compile(
        r"numbers written (?P<written>1,234\.56|1\.234,56); otherwise correct the rows "
        r"listed, or set number_format: \{(?P<table>[a-z_]+): \{(?P<column>[^:{}]+): "
        r"'(?P<other>1,234\.56|1\.234,56)'\}\} in params\.yaml"
    )

    @property
    def other(self) -> str:
        """The other way of writing numbers."""
        return "1.234,56" if self.written == "1,234.56" else "1,234.56"

    def english(self) -> str:
        return (
            f"numbers written {self.written}; otherwise correct the rows listed, or set "
            f"number_format: {{{self.table}: {{{self.column}: '{self.other}'}}}} in params.yaml"
        )


@dataclass(frozen=True)
class ControlColumnExpected(ProblemFact):
    """The control group's column: one of customers, orders or opportunities."""

    pattern: ClassVar = re.compile(
        r"a column of customers, orders or opportunities, as its header reads in the file "
        r"\(or mapped under columns: in params\.yaml\)"
    )

    def english(self) -> str:
        return (
            "a column of customers, orders or opportunities, as its header reads in the file "
            "(or mapped under columns: in params.yaml)"
        )


@dataclass(frozen=True)
class ValuesThatOccur(ProblemFact):
    """Values of the control group's column that occur in the data."""

    column: str

    pattern: ClassVar = re.compile(r"values of (?P<column>\S+) that occur in the data")

    def english(self) -> str:
        return f"values of {self.column} that occur in the data"


@dataclass(frozen=True)
class OtherValuesForCrmUnits(ProblemFact):
    """Other values of the control group's column, for the units that got the CRM."""

    column: str

    pattern: ClassVar = re.compile(
        r"other values of (?P<column>\S+) for the units that got the CRM"
    )

    def english(self) -> str:
        return f"other values of {self.column} for the units that got the CRM"


@dataclass(frozen=True)
class KpiNameExpected(ProblemFact):
    """A KPI name of the catalog (``examples``: some, joined by ", ")."""

    examples: str

    pattern: ClassVar = re.compile(r"a KPI name of the catalog, e\.g\. (?P<examples>[a-z_, ]+)")

    def english(self) -> str:
        return f"a KPI name of the catalog, e.g. {self.examples}"


_FACTS: tuple[type[ProblemFact], ...] = (
    ContradictoryRows,
    OpenWithClosedDate,
    OrdersBeforeCustomerCreated,
    OutsideWindow,
    DateOrderFromParams,
    DateOrderFromData,
    NumbersReadFromData,
    UnknownKpiRows,
    ControlColumnNotFound,
    ControlGroupEmpty,
    NoUnitWithCrm,
    ControlValuesNotFound,
    ControlColumnExpected,
    ValuesThatOccur,
    OtherValuesForCrmUnits,
    KpiNameExpected,
    ExpectedNotBefore,
    ExpectedEarlierOrEqual,
    NoClosedDateWhileOpen,
    OrderAfterCustomerCreated,
    DatesInWindow,
    DatesWrittenInOrder,
    NumbersWrittenInFormat,
)


def read_problem_text(text: object) -> ProblemFact | None:
    """The fact a validation message or expectation states; None when no fact reads it.

    A fact is returned only when its English is ``text`` exactly, so that what the report
    says is what validation found.
    """
    if not isinstance(text, str) or not text:
        return None
    for kind in _FACTS:
        match = kind.pattern.fullmatch(text)
        if match is None:
            continue
        fact = kind.from_match(match)
        if fact is not None and fact.english() == text:
            return fact
    return None
