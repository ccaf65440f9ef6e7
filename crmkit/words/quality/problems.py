"""Validation warnings in the report's language: their messages and what they expect.

Validation writes each problem in English (``crmkit validate`` prints it so); the facts of
:mod:`crmkit.data.quality.problem_facts` read a warning's text back, and the functions here
say it in the report's language with the same file, column, rows and numbers. In English
each says exactly what validation wrote; a text no fact reads is shown as written.

Examples
--------
>>> problem_message("1,204 rows closed before it was created")
'1,204 rows closed before it was created'
>>> from crmkit.words.language import speaking
>>> with speaking("zh"):
...     problem_message("1,204 rows closed before it was created")
'1,204 行在创建之前就已关闭'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from crmkit.data.control_groups import UNIT_EXPECTED, UnitNeedsColumn
from crmkit.data.quality import problem_facts as p
from crmkit.words.language import tr

__all__ = [
    "SAYINGS",
    "inconsistency",
    "problem_expected",
    "problem_message",
    "read_month_first",
    "unit_needs_column",
]


def _day(day: dt.date) -> str:
    """A day as validation writes it, "3 April 2024" (in Chinese 2024年4月3日)."""
    months = (
        tr("January"),
        tr("February"),
        tr("March"),
        tr("April"),
        tr("May"),
        tr("June"),
        tr("July"),
        tr("August"),
        tr("September"),
        tr("October"),
        tr("November"),
        tr("December"),
    )
    return tr("{day} {month} {year}", day=day.day, month=months[day.month - 1], year=day.year)


def _finding(finding: str) -> str:
    """What a contradiction within a table found (the rows' count aside)."""
    match finding:
        case "churned_before_created":
            return tr("churned before the customer was created")
        case "closed_before_created":
            return tr("closed before it was created")
        case "answered_before_opened":
            return tr("answered before the ticket was opened")
        case "resolved_before_opened":
            return tr("resolved before the ticket was opened")
        case "more_responses_than_contacts":
            return tr("more responses than contacts")
        case "more_conversions_than_responses":
            return tr("more conversions than responses")
    return p.CONTRADICTIONS.get(finding, finding)


def _order(order: str) -> str:
    return tr("day first") if order == "day first" else tr("month first")


def _dates_read(f: p.DateOrderFromParams | p.DateOrderFromData) -> str:
    fields = {
        "n": f"{f.count:,}",
        "example": f.example,
        "order": _order(f.order),
        "first": _day(f.first),
    }
    if f.count > 1:
        return tr("{n} dates such as {example} were read {order} ({first})", **fields)
    return tr("{n} date such as {example} was read {order} ({first})", **fields)


def _date_order_from_params(f: p.DateOrderFromParams) -> str:
    return tr(
        "{said}, as params dayfirst: {dayfirst} says",
        said=_dates_read(f),
        dayfirst=str(f.dayfirst).lower(),
    )


def _date_order_from_data(f: p.DateOrderFromData) -> str:
    fields = {
        "said": _dates_read(f),
        "k": f"{f.evidence:,}",
        "order": _order(f.order),
        "example": f.evidence_example,
    }
    if f.evidence > 1:
        return tr(
            "{said}, because {k} dates of the column can only be read {order}, e.g. {example}",
            **fields,
        )
    return tr(
        "{said}, because {k} date of the column can only be read {order}, e.g. {example}",
        **fields,
    )


def _numbers_read(f: p.NumbersReadFromData) -> str:
    fields = {"n": f"{f.count:,}", "example": f.example, "read": f.read, "written": f.written}
    said = (
        tr("{n} values such as {example} were read as {read} (written {written})", **fields)
        if f.count > 1
        else tr("{n} value such as {example} was read as {read} (written {written})", **fields)
    )
    because = {"said": said, "k": f"{f.evidence:,}", "example": f.evidence_example}
    if f.evidence > 1:
        return tr(
            "{said}, because {k} values of the column can only be read so, e.g. {example}",
            **because,
        )
    return tr(
        "{said}, because {k} value of the column can only be read so, e.g. {example}", **because
    )


def _unknown_kpis(f: p.UnknownKpiRows) -> str:
    if f.more:
        return tr(
            "{table} rows for {kpis} and more: not KPIs of the catalog, so these rows are ignored",
            table=f.table,
            kpis=f.kpis,
        )
    return tr(
        "{table} rows for {kpis}: not KPIs of the catalog, so these rows are ignored",
        table=f.table,
        kpis=f.kpis,
    )


def _control_column_not_found(f: p.ControlColumnNotFound) -> str:
    searched = f.searched or tr("no customers, orders or opportunities")
    if f.hint:
        return tr(
            "control.column {column} is a column of no table ({searched} searched); did you "
            "mean {hint}?: the control group cannot be used, and every comparison is before "
            "against after",
            column=f.column,
            searched=searched,
            hint=f.hint,
        )
    return tr(
        "control.column {column} is a column of no table ({searched} searched): the control "
        "group cannot be used, and every comparison is before against after",
        column=f.column,
        searched=searched,
    )


#: How each kind of fact is said (a function of the fact, in the active language).
SAYINGS: Mapping[type[p.ProblemFact], Callable[[Any], str]] = {
    p.ContradictoryRows: lambda f: tr(
        "{n} rows {finding}", n=f"{f.count:,}", finding=_finding(f.finding)
    ),
    p.OpenWithClosedDate: lambda f: tr(
        "{n} open opportunities have a closed_date", n=f"{f.count:,}"
    ),
    p.OrdersBeforeCustomerCreated: lambda f: tr(
        "{n} orders are dated before their customer was created", n=f"{f.count:,}"
    ),
    p.OutsideWindow: lambda f: tr(
        "{n} of {rows} rows are dated outside the assessment window {start} to {end}; "
        "before/after comparisons ignore them",
        n=f"{f.count:,}",
        rows=f"{f.rows:,}",
        start=f.start.isoformat(),
        end=f.end.isoformat(),
    ),
    p.DateOrderFromParams: _date_order_from_params,
    p.DateOrderFromData: _date_order_from_data,
    p.NumbersReadFromData: _numbers_read,
    p.UnknownKpiRows: _unknown_kpis,
    p.ControlColumnNotFound: _control_column_not_found,
    p.ControlGroupEmpty: lambda f: tr(
        "no row has {column} = {values}: the control group is empty, and every comparison is "
        "before against after (values found: {found})",
        column=f.column,
        values=f.values,
        found=f.found or tr("none"),
    ),
    p.NoUnitWithCrm: lambda f: tr(
        "every labelled row has {column} = {values}: no unit got the CRM, so nothing can be "
        "compared with the control group",
        column=f.column,
        values=f.values,
    ),
    p.ControlValuesNotFound: lambda f: tr(
        "control.values {values} occur in no row of {column} (values found: {found})",
        values=f.values,
        column=f.column,
        found=f.found,
    ),
    p.ControlColumnExpected: lambda f: tr(
        "a column of customers, orders or opportunities, as its header reads in the file (or "
        "mapped under columns: in params.yaml)"
    ),
    p.ValuesThatOccur: lambda f: tr("values of {column} that occur in the data", column=f.column),
    p.OtherValuesForCrmUnits: lambda f: tr(
        "other values of {column} for the units that got the CRM", column=f.column
    ),
    p.KpiNameExpected: lambda f: tr(
        "a KPI name of the catalog, e.g. {examples}", examples=f.examples
    ),
    p.ExpectedNotBefore: lambda f: tr(
        "{later} not before {earlier}", later=f.later, earlier=f.earlier
    ),
    p.ExpectedEarlierOrEqual: lambda f: tr(
        "{smaller} ≤ {larger}", smaller=f.smaller, larger=f.larger
    ),
    p.NoClosedDateWhileOpen: lambda f: tr("no closed_date while status is open"),
    p.OrderAfterCustomerCreated: lambda f: tr("order_date on or after the customer's created_date"),
    p.DatesInWindow: lambda f: tr(
        "a date from {start} to {end}", start=f.start.isoformat(), end=f.end.isoformat()
    ),
    p.DatesWrittenInOrder: lambda f: tr(
        "dates written {order}; otherwise correct the rows listed, or set dayfirst: {other} in "
        "params.yaml (for this table only: dayfirst: {setting})",
        order=_order(f.order),
        other=f.other,
        setting=f"{{{f.table}: {f.other}}}",
    ),
    p.NumbersWrittenInFormat: lambda f: tr(
        "numbers written {written}; otherwise correct the rows listed, or set number_format: "
        "{setting} in params.yaml",
        written=f.written,
        setting=f"{{{f.table}: {{{f.column}: '{f.other}'}}}}",
    ),
}


def unit_needs_column(fact: UnitNeedsColumn) -> str:
    """Why the orders do not allow ``control.unit``, in the report's language.

    Examples
    --------
    >>> unit_needs_column(UnitNeedsColumn(unit="customer", column="customer_id"))
    'control.unit customer needs customer_id in orders: the customer of each order'
    """
    fields = {"unit": fact.unit, "column": fact.column}
    if fact.column == "rep_id":
        return tr(
            "control.unit {unit} needs {column} in orders: the sales rep of each order", **fields
        )
    return tr("control.unit {unit} needs {column} in orders: the customer of each order", **fields)


def _assignment(text: Any) -> str | None:
    """The control group's assignment warning and what it expects, said; None for other text."""
    if text == UNIT_EXPECTED:
        return tr("control.unit customer, region or rep, as the orders allow")
    fact = UnitNeedsColumn.read(text)
    if fact is None:
        return None
    if text == fact.english():
        return unit_needs_column(fact)
    return tr(
        "{fact}; the revenue comparison with the control group is not made",
        fact=unit_needs_column(fact),
    )


def _said(text: Any) -> str | None:
    fact = p.read_problem_text(text)
    if fact is None:
        return _assignment(text)
    return SAYINGS[type(fact)](fact)


def problem_message(message: Any) -> str:
    """A validation problem's message in the report's language ("" when there is none)."""
    if not isinstance(message, str):
        return ""
    said = _said(message)
    return said if said is not None else message


def problem_expected(expected: Any) -> str:
    """What a validation problem expects, in the report's language ("" when nothing)."""
    return problem_message(expected)


def inconsistency(message: Any) -> str:
    """What an ``inconsistent`` problem found, without its count of rows.

    Examples
    --------
    >>> inconsistency("3 rows more responses than contacts")
    'more responses than contacts'
    >>> inconsistency("12 open opportunities have a closed_date")
    'open opportunities have a closed_date'
    """
    fact = p.read_problem_text(message)
    if isinstance(fact, p.ContradictoryRows):
        return _finding(fact.finding)
    if isinstance(fact, p.OpenWithClosedDate):
        return tr("open opportunities have a closed_date")
    if isinstance(fact, p.OrdersBeforeCustomerCreated):
        return tr("orders are dated before their customer was created")
    return re.sub(r"^[\d,]+ (rows? )?", "", message if isinstance(message, str) else "")


def read_month_first(message: Any) -> bool:
    """Whether a ``date_order`` problem says the dates were read month first."""
    fact = p.read_problem_text(message)
    if isinstance(fact, p.DateOrderFromParams | p.DateOrderFromData):
        return fact.order == "month first"
    return isinstance(message, str) and "read month first" in message
