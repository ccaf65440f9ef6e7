"""Data-quality measures (DESIGN stage 2): how far the client's tables can be trusted.

Validation (:mod:`crmkit.data.validation`) defines every rule once and reports each broken rule as
a problem; this module *measures*: it turns the typed tables and the problems into rates per
table and column, combines them into a score per table, lists the issues to raise with the
client and writes the findings in plain words. Nothing here redefines a validation rule: the
validity and consistency dimensions read the problems frame.

Dimensions (all fractions from 0 to 1, higher is better)
--------------------------------------------------------
============ =====================================================================
completeness share of cells filled, per column (:func:`completeness`)
validity     share of rows that break no type, range or label rule (:func:`validity`)
consistency  share of rows without contradictory dates or counts (:func:`consistency`)
uniqueness   share of identifiers that are distinct (:func:`uniqueness`)
integrity    share of references that find their parent row (:func:`referential_integrity`)
timeliness   share of the expected months or windows that have data (:func:`timeliness`)
============ =====================================================================

One story: the score and the issue list come from the same rules. :func:`issues_for_client`
turns every shortfall of a dimension into one issue with its ``deficit`` (how much it lowers
that dimension); :func:`quality_scores` computes each dimension as 1 − the deficits of its
issues and the table score as the equal-weight mean of the dimensions that apply, so a table
without an issue scores exactly 100 % and every issue lowers a score; :func:`score_impacts`
says by how much (``score_impact``, on the overall score; the impacts add up to
1 − overall score). What validation reports that measures no quality of the rows present (an
absent table, rows outside the window, how dates were read) is a note
(:func:`quality_notes`), listed apart. :func:`quality_summary` is what results.json records;
:func:`findings_text` and the ``*_finding`` functions state in words what the numbers mean.
:func:`assess_quality` computes everything at once for the stage notebook, and
:func:`table_view` prepares each table for display (headers a reader understands,
percentages, units).

Every function is pure: no I/O, no printing, no state.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment, Window
from crmkit.data.schemas import TABLES
from crmkit.words.formats import TableView

__all__ = [
    "CADENCE",
    "CONSISTENCY_RULES",
    "DIMENSIONS",
    "FAIR_SCORE",
    "GOOD_SCORE",
    "SCORED_RULES",
    "VALIDITY_RULES",
    "WEAK_COMPLETENESS",
    "DataQuality",
    "TableView",
    "assess_quality",
    "completeness",
    "completeness_finding",
    "consistency",
    "findings_text",
    "grade",
    "integrity_finding",
    "issues_finding",
    "issues_for_client",
    "quality_notes",
    "quality_scores",
    "quality_summary",
    "referential_integrity",
    "score_chart_title",
    "score_impacts",
    "score_series",
    "scores_finding",
    "table_view",
    "timeliness",
    "timeliness_finding",
    "uniqueness",
    "validity",
    "validity_finding",
]

#: Validation rules whose rows count as invalid (validity dimension).
VALIDITY_RULES = (
    "wrong_type",
    "unparseable_date",
    "ambiguous_date",
    "mixed_date_order",
    "negative",
    "out_of_range",
    "not_allowed",
)
#: Validation rules whose rows lower a dimension of the score (the others are notes).
SCORED_RULES = (
    "missing_value",
    *VALIDITY_RULES,
    "inconsistent",
    "duplicate_id",
    "unknown_reference",
)
#: Validation rules across fields or tables, counted by :func:`consistency`.
CONSISTENCY_RULES = ("inconsistent", "unknown_reference")
#: The score dimensions, in the order the scores table lists them.
DIMENSIONS = ("completeness", "validity", "consistency", "uniqueness", "integrity", "timeliness")
#: A score at or above this is graded "good".
GOOD_SCORE = 0.95
#: A score at or above this (and below GOOD_SCORE) is graded "fair"; below it "poor".
FAIR_SCORE = 0.85
#: An optional column filled in fewer rows than this is raised with the client.
WEAK_COMPLETENESS = 0.9

#: What time coverage each dated table is expected to have (see :func:`timeliness`).
CADENCE: Mapping[str, str] = {
    "customers": "history",
    "orders": "monthly",
    "opportunities": "monthly",
    "tickets": "monthly",
    "usage": "monthly_after",
    "surveys": "waves",
    "user_survey": "waves",
    "campaigns": "waves",
}
_EXPECTED_TEXT = {
    "monthly": "every month",
    "monthly_after": "every month from go-live",
    "waves": "before and after go-live",
    "history": "not expected (history)",
}

# Rows of a table in words: (one, many).
_NOUNS: Mapping[str, tuple[str, str]] = {
    "customers": ("customer", "customers"),
    "orders": ("order", "orders"),
    "opportunities": ("opportunity", "opportunities"),
    "tickets": ("ticket", "tickets"),
    "surveys": ("survey response", "survey responses"),
    "usage": ("usage record", "usage records"),
    "user_survey": ("user-survey response", "user-survey responses"),
    "campaigns": ("campaign", "campaigns"),
    "costs": ("cost line", "cost lines"),
    "benefits": ("benefit line", "benefit lines"),
    "benchmarks": ("benchmark", "benchmarks"),
}

# Columns in words and the results they feed: (table, column) -> (label, use).
_SUS_USE = "the System Usability Scale (SUS)"
_COLUMN_WORDS: Mapping[tuple[str, str], tuple[str, str]] = {
    ("customers", "segment"): ("segment", "results per customer segment"),
    ("customers", "region"): ("region", "results per region"),
    ("customers", "churned_date"): ("churn date", "retention and churn results"),
    ("orders", "quantity"): ("quantity", "units per transaction"),
    ("orders", "rep_id"): ("sales rep", "results per sales rep"),
    ("orders", "channel"): ("sales channel", "results per sales channel"),
    ("orders", "region"): ("region", "results per region"),
    ("opportunities", "closed_date"): ("closing date", "sales-cycle results"),
    ("opportunities", "amount"): ("deal value", "average deal size"),
    ("opportunities", "lead_source"): ("lead source", "results per lead source"),
    ("opportunities", "rep_id"): ("sales rep", "win rates per sales rep"),
    ("opportunities", "region"): ("region", "results per region"),
    ("tickets", "customer_id"): ("customer", "service results per customer"),
    ("tickets", "first_response_at"): ("first-response time", "response-time results"),
    ("tickets", "resolved_at"): ("resolution time", "resolution-time results"),
    ("tickets", "channel"): ("contact channel", "results per contact channel"),
    ("tickets", "is_complaint"): ("complaint flag", "complaint rates"),
    ("tickets", "satisfaction"): ("satisfaction rating", "ticket satisfaction"),
    ("surveys", "customer_id"): ("customer", "linking survey answers to customers"),
    ("surveys", "nps"): ("NPS answer", "the Net Promoter Score"),
    ("surveys", "csat"): ("CSAT answer", "customer satisfaction (CSAT)"),
    ("surveys", "ces"): ("CES answer", "the customer effort score (CES)"),
    ("usage", "sessions"): ("session count", "sessions per user"),
    ("usage", "actions"): ("action count", "actions per user"),
    ("usage", "feature"): ("feature", "feature use"),
    **{("user_survey", f"sus_{i}"): (f"SUS item {i}", _SUS_USE) for i in range(1, 11)},
    ("user_survey", "satisfaction"): ("satisfaction rating", "CRM user satisfaction"),
    ("campaigns", "channel"): ("marketing channel", "results per marketing channel"),
    ("campaigns", "contacts"): ("contact count", "campaign response rates"),
    ("campaigns", "responses"): ("response count", "campaign response and conversion rates"),
    ("campaigns", "conversions"): ("conversion count", "conversion rates and cost per acquisition"),
    ("campaigns", "revenue"): ("attributed revenue", "campaign ROI"),
    ("costs", "phase"): ("lifecycle phase", "costs by lifecycle phase"),
    ("costs", "risk_adjustment"): ("risk adjustment", "risk-adjusted costs"),
    ("benefits", "risk_adjustment"): ("risk adjustment", "risk-adjusted benefits"),
    ("benefits", "kpi"): ("supporting KPI", "linking benefits to measured KPI changes"),
    ("benchmarks", "source"): ("source", "citing benchmark sources"),
}

# Optional columns whose empty cells carry meaning: not scored for completeness.
_EMPTY_MEANS: Mapping[tuple[str, str], str] = {
    ("customers", "churned_date"): "not scored: empty while the customer is active",
    ("tickets", "resolved_at"): "not scored: empty while the ticket is open",
    ("tickets", "satisfaction"): "not scored: empty when the customer gave no rating",
}

_SEVERITY_RANK = {"error": 0, "warning": 1}
_PROBLEM_COLUMNS = (
    "severity",
    "rule",
    "message",
    "file",
    "table",
    "column",
    "rows",
    "count",
    "expected",
)
_BLOCKS = "the assessment cannot run until this is fixed"


# --- small helpers ---------------------------------------------------------------------------


def _ordered(names: Iterable[str]) -> list[str]:
    """Canonical table names among ``names``, in the schema's order."""
    present = set(names)
    return [name for name in TABLES if name in present]


def _noun(table: str, n: float | None = None) -> str:
    one, many = _NOUNS.get(table, (f"{table} row", f"{table} rows"))
    return one if n == 1 else many


def _count(n: int, table: str) -> str:
    return f"{n:,} {_noun(table, n)}"


def _label(table: str, column: str | None) -> str:
    if not column:
        return ""
    words = _COLUMN_WORDS.get((table, column))
    return words[0] if words else column.replace("_", " ")


def _use(table: str, column: str | None) -> str:
    words = _COLUMN_WORDS.get((table, column or ""))
    if words:
        return words[1]
    return TABLES[table].used_for if table in TABLES and TABLES[table].used_for else "the results"


def _description(table: str, column: str | None) -> str:
    try:
        return TABLES[table].column(column).description
    except KeyError:
        return column or ""


def _pct(x: float, digits: int = 1) -> str:
    """A fraction as a percentage for prose: 0.9712 -> '97.1 %'; never '100 %' below 1."""
    text = f"{x * 100:.{digits}f}"
    if x < 1 and float(text) >= 100:
        return f"> {100 - 10.0**-digits:.{digits}f} %"
    return f"{text} %"


def _share(x: float) -> str:
    """A share for prose, to whole percents unless that would round to 0 or 100 %."""
    whole = round(x * 100)
    if (whole == 0 and x > 0) or (whole == 100 and x < 1):
        return _pct(x) if 0.001 <= x else "< 0.1 %"
    return f"{whole} %"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _be(n: int) -> str:
    return "is" if n == 1 else "are"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _is_nan(value: Any) -> bool:
    try:
        return value is None or value is pd.NA or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _float(value: Any) -> float | None:
    """A Python float, or None for NaN / NA / None (JSON has no NaN)."""
    return None if _is_nan(value) else float(value)


def _frame(records: list[dict[str, Any]], columns: str, **dtypes: str) -> pd.DataFrame:
    """A frame of ``records`` with the space-separated ``columns``; ``dtypes`` maps a dtype
    (``int64=``, ``float64=``, ``Int64=``, ``bool=``, ``datetime=``) to the columns it types."""
    names = columns.split()
    frame = pd.DataFrame.from_records(records, columns=names)
    for dtype, cols in dtypes.items():
        target = "datetime64[ns]" if dtype == "datetime" else dtype
        frame = frame.astype(dict.fromkeys(cols.split(), target))
    return frame


def _problems(problems: pd.DataFrame | None) -> pd.DataFrame:
    """The problems frame with every column of Problem present and ``count`` an integer."""
    if problems is None or len(problems) == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _PROBLEM_COLUMNS}).astype(
            {"count": "int64"}
        )
    frame = problems.copy().reset_index(drop=True)
    for column in _PROBLEM_COLUMNS:
        if column not in frame:
            frame[column] = None
    frame["count"] = pd.to_numeric(frame["count"], errors="coerce").fillna(0).astype("int64")
    return frame


def _row_numbers(value: Any) -> list[int]:
    """Row numbers from a Problem's ``rows`` (a tuple, list or array after a round trip)."""
    if value is None or isinstance(value, str | float):
        return []
    try:
        return [int(v) for v in value]
    except (TypeError, ValueError):
        return []


def _rule_rows(problems: pd.DataFrame, rules: Iterable[str]) -> pd.Series:
    """Sum of ``count`` per table over problems of ``rules``."""
    hits = problems[problems["rule"].isin(list(rules)) & problems["table"].notna()]
    return hits.groupby("table")["count"].sum()


def grade(score: float | None) -> str:
    """The grade of a score: ``good`` (≥ 0.95), ``fair`` (≥ 0.85), ``poor``, or ``no data``.

    Examples
    --------
    >>> grade(0.97), grade(0.9), grade(0.5), grade(float("nan"))
    ('good', 'fair', 'poor', 'no data')
    """
    if _is_nan(score):
        return "no data"
    if score >= GOOD_SCORE:
        return "good"
    return "fair" if score >= FAIR_SCORE else "poor"


# --- the dimensions --------------------------------------------------------------------------


def _applies(table_name: str, column: str, table: pd.DataFrame) -> tuple[pd.Series, str]:
    """The rows a column should be filled in, and a note when that is not every row."""
    if (table_name, column) == ("opportunities", "closed_date") and "status" in table:
        return table["status"].isin(["won", "lost"]), "won and lost opportunities only"
    return pd.Series(True, index=table.index), _EMPTY_MEANS.get((table_name, column), "")


def completeness(
    tables: Mapping[str, pd.DataFrame], problems: pd.DataFrame | None = None
) -> pd.DataFrame:
    """How many cells of each schema column are filled.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The typed canonical tables (as :func:`crmkit.data.validation.validate_client` returns
        them). Absent tables and columns are validation's business and are not listed.
    problems : DataFrame, optional
        Validation problems: a value given but not readable (``wrong_type``,
        ``unparseable_date``) is a filled cell, counted against validity, not here.

    Returns
    -------
    DataFrame
        One row per table and schema column present, in schema order, with columns:

        - ``table`` (str): the canonical table.
        - ``column`` (str): the canonical column.
        - ``required`` (bool): whether the schema requires the column.
        - ``rows`` (int): the rows the column applies to (all rows, except where ``note``
          says otherwise).
        - ``filled`` (int): those rows with a value.
        - ``missing`` (int): ``rows - filled``.
        - ``completeness`` (float): ``filled / rows``; NaN when ``rows`` is 0.
        - ``scored`` (bool): whether the column enters the table's completeness score.
        - ``note`` (str): how the column is counted, when not plainly.

    Notes
    -----
    completeness = filled / rows. Some optional columns are empty on purpose: a customer's
    ``churned_date`` while the customer is active, a ticket's ``resolved_at`` while it is open
    and its ``satisfaction`` when the customer gave no rating (a response rate, not a gap in
    the data). They are listed but not scored, nor raised with the client.
    ``opportunities.closed_date`` is counted over won and lost opportunities only,
    since an open deal has no closing date. Text cells holding only spaces are empty
    (validation has already turned them into missing values). A value validation could not
    read (wrong type, unreadable date) is empty in the typed table but was given: with
    ``problems`` it counts as filled here and as invalid in :func:`validity`, so that one
    cell lowers one dimension only.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": ["O1", "O2"], "customer_id": ["C1", "C1"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-02-01"]),
    ...     "amount": [10.0, None]})
    >>> completeness({"orders": orders})[["column", "filled", "completeness"]]
            column  filled  completeness
    0     order_id       2           1.0
    1  customer_id       2           1.0
    2   order_date       2           1.0
    3       amount       1           0.5
    """
    p = _problems(problems)
    unread = (
        p[p["rule"].isin(["wrong_type", "unparseable_date"])]
        .groupby(["table", "column"])["count"]
        .sum()
    )
    records = []
    for name in _ordered(tables):
        table = tables[name]
        for column in TABLES[name].columns:
            if column.name not in table:
                continue
            applies, note = _applies(name, column.name, table)
            rows = int(applies.sum())
            filled = int((table[column.name].notna() & applies).sum())
            filled = min(rows, filled + int(unread.get((name, column.name), 0)))
            records.append(
                {
                    "table": name,
                    "column": column.name,
                    "required": column.required,
                    "rows": rows,
                    "filled": filled,
                    "missing": rows - filled,
                    "completeness": filled / rows if rows else math.nan,
                    "scored": (name, column.name) not in _EMPTY_MEANS,
                    "note": note,
                }
            )
    return _frame(
        records,
        "table column required rows filled missing completeness scored note",
        bool="required scored",
        int64="rows filled missing",
        float64="completeness",
    )


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
    p = _problems(problems)
    hits = _rule_rows(p, VALIDITY_RULES)
    n_problems = p[p["rule"].isin(VALIDITY_RULES)].groupby("table").size()
    records = []
    for name in _ordered(tables):
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
    return _frame(
        records,
        "table rows problems invalid_rows validity",
        int64="rows problems invalid_rows",
        float64="validity",
    )


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
    for name in _ordered(tables):
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
    return _frame(
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
    for name in _ordered(tables):
        table = tables[name]
        for ref in TABLES[name].references:
            parent = tables.get(ref.table)
            if parent is None or ref.column not in table or ref.target not in parent:
                continue
            values = table[ref.column].dropna()
            matched = int(values.isin(parent[ref.target].dropna()).sum())
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
    return _frame(
        records,
        "table column parent_table parent_column rows_with_value matched unmatched integrity",
        int64="rows_with_value matched unmatched",
        float64="integrity",
    )


def _month_runs(months: list[pd.Period]) -> str:
    """'2024-03, 2024-06 to 2024-08' from sorted monthly periods."""
    runs: list[list[pd.Period]] = []
    for month in months:
        if runs and month == runs[-1][-1] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]} to {run[-1]}" for run in runs)


def _in(dates: pd.Series, window: Window) -> pd.Series:
    start = pd.Timestamp(window.start)
    end = pd.Timestamp(window.end) + pd.Timedelta(days=1)
    return (dates >= start) & (dates < end)


def timeliness(tables: Mapping[str, pd.DataFrame], assessment: Assessment) -> pd.DataFrame:
    """Whether each dated table covers the assessment window, and how current it is.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The typed canonical tables.
    assessment : Assessment
        Supplies the before and after windows; the assessment window runs from the before
        window's start to the after window's end.

    Returns
    -------
    DataFrame
        One row per table present whose schema has a date column, in schema order, with
        columns:

        - ``table`` (str), ``date_column`` (str)
        - ``cadence`` (str): what coverage is expected (see Notes): ``monthly``,
          ``monthly_after``, ``waves`` or ``history``.
        - ``first_date``, ``last_date`` (datetime): the earliest and latest date; NaT if none.
        - ``rows_in_window``, ``rows_before``, ``rows_after`` (int): rows dated in the whole
          assessment window, the before window and the after window.
        - ``months_in_window`` (int): calendar months the assessment window touches.
        - ``months_expected`` (Int64): months that should have data; NA for ``waves`` and
          ``history``.
        - ``months_with_data`` (int): months of the window with at least one row.
        - ``coverage`` (float): share of what is expected that has data; NaN for ``history``.
        - ``gaps`` (int): expected months (or windows, for ``waves``) without data.
        - ``gap_periods`` (str): those months as ``"2024-03, 2024-06 to 2024-08"``, or the
          windows without data; empty when there is no gap.
        - ``days_stale`` (Int64): days from ``last_date`` to the window's end, 0 when the data
          reaches the end; NA without dates.

    Notes
    -----
    What is expected depends on what the table records (:data:`CADENCE`):

    - ``monthly`` (orders, opportunities, tickets): business goes on every month, so every
      month of the window should have rows. coverage = months_with_data / months_expected.
    - ``monthly_after`` (usage): the CRM's own usage log cannot predate go-live, so only the
      months of the after window are expected.
    - ``waves`` (surveys, user_survey, campaigns): surveys and campaigns come in waves, so an
      empty month is no gap; what the before/after comparison needs is rows in each window.
      coverage = windows with rows / 2.
    - ``history`` (customers): ``created_date`` is acquisition history, most of it usually
      before the window. A month without a new customer is a business fact, not missing
      data, so no month counts as a gap and the table gets no timeliness score (coverage is
      NaN); ``months_with_data`` is reported for information. Whether the customer list is
      complete shows in :func:`referential_integrity`.

    days_stale = max(0, window end − last_date) in days; it is reported for every table but
    only coverage enters the score (for monthly tables, trailing empty months are gaps).
    """
    window = assessment.window
    window_months = list(pd.period_range(window.start, window.end, freq="M"))
    after_months = set(pd.period_range(assessment.after.start, assessment.after.end, freq="M"))
    window_end = pd.Timestamp(window.end)
    records = []
    for name in _ordered(tables):
        column = TABLES[name].date_column
        table = tables[name]
        if not column or column not in table:
            continue
        cadence = CADENCE.get(name, "monthly")
        dates = pd.to_datetime(table[column], errors="coerce").dropna()
        in_window = dates[_in(dates, window)]
        with_data = set(in_window.dt.to_period("M"))
        rows_before = int(_in(dates, assessment.before).sum())
        rows_after = int(_in(dates, assessment.after).sum())
        months_expected: int | None = None
        coverage = math.nan
        gap_list = ""
        gaps = 0
        if cadence in ("monthly", "monthly_after"):
            expected = [m for m in window_months if cadence == "monthly" or m in after_months]
            missing = [m for m in expected if m not in with_data]
            months_expected = len(expected)
            coverage = 1 - len(missing) / len(expected) if expected else math.nan
            gaps, gap_list = len(missing), _month_runs(missing)
        elif cadence == "waves":
            empty = [
                f"{label} go-live ({w})"
                for label, w, n in (
                    ("before", assessment.before, rows_before),
                    ("after", assessment.after, rows_after),
                )
                if n == 0
            ]
            coverage = 1 - len(empty) / 2
            gaps, gap_list = len(empty), "; ".join(empty)
        last = dates.max() if len(dates) else pd.NaT
        stale = None if pd.isna(last) else max(0, (window_end - last.normalize()).days)
        records.append(
            {
                "table": name,
                "date_column": column,
                "cadence": cadence,
                "first_date": dates.min() if len(dates) else pd.NaT,
                "last_date": last,
                "rows_in_window": len(in_window),
                "rows_before": rows_before,
                "rows_after": rows_after,
                "months_in_window": len(window_months),
                "months_expected": months_expected,
                "months_with_data": len(with_data),
                "coverage": coverage,
                "gaps": gaps,
                "gap_periods": gap_list,
                "days_stale": stale,
            }
        )
    return _frame(
        records,
        "table date_column cadence first_date last_date rows_in_window rows_before rows_after "
        "months_in_window months_expected months_with_data coverage gaps gap_periods days_stale",
        datetime="first_date last_date",
        int64="rows_in_window rows_before rows_after months_in_window months_with_data gaps",
        Int64="months_expected days_stale",
        float64="coverage",
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
    p = _problems(problems)
    p = p[p["rule"].isin(CONSISTENCY_RULES) & p["table"].notna()]
    names = _ordered(tables) if tables is not None else _ordered(p["table"])
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
    return _frame(records, f"table {counts}", int64=counts)


# --- scores ------------------------------------------------------------------------------------


def _applies_to(
    *,
    completeness: pd.DataFrame,
    validity: pd.DataFrame,
    uniqueness: pd.DataFrame,
    integrity: pd.DataFrame,
    timeliness: pd.DataFrame,
) -> pd.DataFrame:
    """Which dimensions apply to which table (a bool frame: tables × :data:`DIMENSIONS`)."""
    tables = pd.Index(list(validity["table"]), name="table")
    has_rows = validity.set_index("table")["rows"].reindex(tables) > 0
    scored = completeness[completeness["scored"] & completeness["completeness"].notna()]
    with_values = integrity.groupby("table")["rows_with_value"].sum()
    applies = pd.DataFrame(
        {
            "completeness": tables.isin(scored["table"]),
            "validity": True,
            "consistency": True,
            "uniqueness": tables.isin(uniqueness.loc[uniqueness["rows_with_id"] > 0, "table"]),
            "integrity": tables.isin(with_values[with_values > 0].index),
            "timeliness": tables.isin(timeliness.loc[timeliness["coverage"].notna(), "table"]),
        },
        index=tables,
    )
    return applies[list(DIMENSIONS)] & has_rows.to_numpy()[:, None]


def quality_scores(
    issues: pd.DataFrame,
    *,
    completeness: pd.DataFrame,
    validity: pd.DataFrame,
    uniqueness: pd.DataFrame,
    integrity: pd.DataFrame,
    timeliness: pd.DataFrame,
) -> pd.DataFrame:
    """One quality score per table and an overall row, computed from the issues.

    Parameters
    ----------
    issues : DataFrame
        From :func:`issues_for_client`: each issue's ``table``, ``dimension`` and ``deficit``.
    completeness, validity, uniqueness, integrity, timeliness : DataFrame
        The outputs of :func:`completeness`, :func:`validity`, :func:`uniqueness`,
        :func:`referential_integrity` and :func:`timeliness`; they say which dimensions
        apply to which table. The tables scored are those of ``validity`` (every table
        present).

    Returns
    -------
    DataFrame
        One row per table in schema order, then a row with ``table == "overall"``; columns:

        - ``table`` (str)
        - ``rows`` (int): rows in the table (overall: all tables' rows).
        - ``completeness``, ``validity``, ``consistency``, ``uniqueness``, ``integrity``,
          ``timeliness`` (float): each dimension, ``1 − Σ deficit`` of the table's issues
          of that dimension; NaN where the dimension does not apply.
        - ``dimensions`` (int): how many dimensions apply (are not NaN).
        - ``score`` (float): the mean of the dimensions that apply; NaN for an empty table.
        - ``grade`` (str): ``good`` (score ≥ 0.95), ``fair`` (≥ 0.85), ``poor``, or
          ``no data``.

    Notes
    -----
    The score and the issue list come from the same rules: every shortfall of a dimension is
    an issue, and every issue lowers its dimension by its ``deficit`` (see
    :func:`issues_for_client`). For a table with k applicable dimensions,

        dimension_d = 1 − Σ_{issues i of d} deficit_i
        score_table = (1 / k) Σ_d dimension_d = 1 − Σ_{issues i of the table} deficit_i / k

    with equal weights, because each dimension is a different way the data can mislead and
    none is known to matter more in general. Completeness, validity and consistency apply to
    every table; uniqueness where the schema names an identifier; integrity where a foreign
    key's parent table is present; timeliness where the table is dated and expected to cover
    the window. A table without an issue scores exactly 1.

    The overall score is the *simple* mean of the T table scores (and, per dimension, of the
    tables where it applies), not weighted by rows: each table feeds its own results, and a
    ten-line costs table decides the ROI as much as a million orders decide revenue growth;
    weighting by rows would let the largest table hide a weak small one. Hence

        overall = 1 − Σ_i deficit_i / (k_table(i) · T) = 1 − Σ_i score_impact_i

    (:func:`score_impacts`).
    """
    applies = _applies_to(
        completeness=completeness,
        validity=validity,
        uniqueness=uniqueness,
        integrity=integrity,
        timeliness=timeliness,
    )
    tables = list(applies.index)
    rows = validity.set_index("table")["rows"].reindex(tables)
    lost = pd.DataFrame(0.0, index=applies.index, columns=list(DIMENSIONS))
    if len(issues):
        sums = issues.groupby(["table", "dimension"])["deficit"].sum().unstack()
        lost = lost.add(sums.reindex(index=applies.index, columns=lost.columns), fill_value=0)
    dims = (1 - lost).where(applies).astype("float64")
    result = dims.reset_index()
    result.insert(1, "rows", rows.to_numpy().astype("int64"))
    result["dimensions"] = dims.notna().sum(axis=1).to_numpy().astype("int64")
    result["score"] = dims.mean(axis=1, skipna=True).to_numpy()
    overall = {"table": "overall", "rows": int(rows.sum())}
    for name in DIMENSIONS:
        overall[name] = dims[name].mean(skipna=True) if dims[name].notna().any() else math.nan
    overall["dimensions"] = int(dims.notna().any().sum())
    overall["score"] = (
        result["score"].mean(skipna=True) if result["score"].notna().any() else math.nan
    )
    result = pd.concat([result, pd.DataFrame([overall])], ignore_index=True)
    result["grade"] = [grade(s) for s in result["score"]]
    columns = ["table", "rows", *DIMENSIONS, "dimensions", "score", "grade"]
    return result[columns].astype(
        {
            "rows": "int64",
            "dimensions": "int64",
            "score": "float64",
            **dict.fromkeys(DIMENSIONS, "float64"),
        }
    )


def score_impacts(issues: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """The issues with how much each lowered its table's score and the overall score.

    Parameters
    ----------
    issues : DataFrame
        From :func:`issues_for_client`.
    scores : DataFrame
        From :func:`quality_scores` over the same issues.

    Returns
    -------
    DataFrame
        ``issues`` with two more columns, most important first (errors, then the larger
        ``score_impact``, then schema order):

        - ``table_score_impact`` (float): ``deficit / k``, what the issue takes off its table's
          score (k: the dimensions that apply to the table).
        - ``score_impact`` (float): ``deficit / (k · T)``, what it takes off the overall score
          (T: the tables scored). Over all issues they sum to ``1 − overall score``.
    """
    per_table = scores[(scores["table"] != "overall") & scores["score"].notna()]
    k = per_table.set_index("table")["dimensions"].astype("float64")
    n_tables = len(per_table)
    result = issues.copy()
    result["table_score_impact"] = (result["deficit"] / result["table"].map(k)).astype("float64")
    result["score_impact"] = result["table_score_impact"] / n_tables if n_tables else math.nan
    if result.empty:
        return result
    order = pd.DataFrame(
        {
            "severity": result["severity"].map(_SEVERITY_RANK).fillna(2),
            "impact": -result["score_impact"].fillna(0.0),
            "table": result["table"].map({t: i for i, t in enumerate(TABLES)}).fillna(len(TABLES)),
        }
    )
    order = order.sort_values(["severity", "impact", "table"], kind="stable")
    return result.loc[order.index].reset_index(drop=True)


def score_series(scores: pd.DataFrame) -> pd.Series:
    """The scores for a chart: one value per table in schema order, then ``overall``.

    Tables without a score (empty tables) are left out.
    """
    series = scores.set_index("table")["score"].dropna()
    series.name = "score"
    return series


def score_chart_title(scores: pd.DataFrame) -> str:
    """The title of the score chart, stating which tables can be trusted.

    Examples
    --------
    >>> s = pd.DataFrame({"table": ["customers", "orders", "tickets", "overall"],
    ...                   "score": [0.99, 0.97, 0.88, 0.95]})
    >>> score_chart_title(s)
    'Customers and orders are reliable; tickets needs attention'
    """
    per_table = scores[(scores["table"] != "overall") & scores["score"].notna()]
    if per_table.empty:
        return "No table could be scored"
    good = list(per_table.loc[per_table["score"] >= GOOD_SCORE, "table"])
    weak = list(per_table.loc[per_table["score"] < GOOD_SCORE, "table"])

    def names(items: list[str]) -> str:
        return _join(items) if len(items) <= 3 else f"{len(items)} tables"

    if not weak:
        return (
            f"The {good[0]} table is reliable"
            if len(good) == 1
            else f"All {len(good)} tables are reliable (score ≥ {GOOD_SCORE * 100:.0f} %)"
        )
    weak_text = f"{names(weak)} {'needs' if len(weak) == 1 else 'need'} attention"
    if not good:
        return _cap(weak_text) if len(weak) <= 3 else f"All {len(weak)} tables need attention"
    good_text = f"{names(good)} {'is' if len(good) == 1 else 'are'} reliable"
    return f"{_cap(good_text)}; {weak_text}"


# --- issues for the client ---------------------------------------------------------------------


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


def _issue_words(p: pd.Series, files: Mapping[str, str]) -> tuple[str, str, str]:
    """(issue, impact, what_to_ask) for one validation problem, in plain words."""
    rule, table, column = p["rule"], p["table"], p["column"]
    table = table if isinstance(table, str) else ""
    column = column if isinstance(column, str) else None
    n = int(p["count"])
    file = p["file"] if isinstance(p["file"], str) else files.get(table, table)
    label = _label(table, column)
    desc = _description(table, column)
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
            f"{_count(n, table)} {'has' if n == 1 else 'have'} no {label}",
            _BLOCKS,
            f"Please fill in the {label} ({desc}) for the {_noun(table)} listed, "
            "or tell us whether they should be left out.",
        )
    if rule == "wrong_type":
        if kind == "bool":
            ask = f"Please re-export {table} with the {label} as true or false (or yes / no)."
        else:
            noun = "a whole number" if kind == "integer" else "a number"
            ask = (
                f"Please re-export {table} with the {label} as {noun}, "
                "without currency symbols, units or text."
            )
        return (f"{values} {_be(n)} not {expected}{_examples(message)}", _BLOCKS, ask)
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
            f"{_count(n, table)} {'has' if n == 1 else 'have'} a negative {label}",
            _BLOCKS,
            f"Please check the {_noun(table)} with a negative {label}: are they refunds, "
            "cancellations or typing errors? Send refunds and cancellations marked as such.",
        )
    if rule == "out_of_range":
        return (
            f"{values} {_be(n)} outside the scale ({expected})",
            _BLOCKS,
            f"Please check the {label} values outside {expected}: was another scale used "
            "(e.g. 1–10 instead of 0–10), or are they typing errors?",
        )
    if rule == "not_allowed":
        return (
            f"{values} {_be(n)} not {expected}{_examples(message)}",
            _BLOCKS,
            f"Please tell us how your {label} labels map onto {expected}, "
            "so that we can translate them.",
        )
    if rule == "duplicate_id":
        return (
            f"{_count(n, table)} share their {label} with another row",
            _BLOCKS,
            f"Please check whether the {_noun(table)} with a repeated {label} were duplicated "
            f"by the export (then send each once) or are different records that need their "
            f"own {label}.",
        )
    if rule == "unknown_reference":
        parent = _parent(table, column)
        one = _noun(parent, 1)
        return (
            f"{_count(n, table)} {'points' if n == 1 else 'point'} to a {one} that is not in "
            f"the {parent} table",
            f"these {_noun(table)} cannot be linked to a {one}'s segment, region or history",
            f"Please send the missing {one} records, or tell us whether the {parent} export "
            f"was filtered (e.g. to active {parent} only).",
        )
    if rule == "inconsistent":
        what = re.sub(r"^[\d,]+ (rows? )?", "", message)
        return (
            f"{_count(n, table)} {_be(n)} inconsistent: {what}",
            f"results computed from the {label} are unreliable for these {_noun(table)}",
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
            f"If you record {_noun(table)}, please send them as {table}.csv (the template "
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


def _problem_of(problems: pd.DataFrame, rule: str, table: str, column: str | None) -> Any:
    """The validation problem of ``rule`` on ``table.column`` (the first), or None."""
    match = problems[(problems["rule"] == rule) & (problems["table"] == table)]
    if column is not None:
        match = match[match["column"] == column]
    return match.iloc[0] if len(match) else None


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
            problem = _problem_of(problems, "missing_value", c.table, c.column)
            if problem is None:
                expected = TABLES[c.table].column(c.column).expected
                problem = _pseudo_problem(
                    "error", "missing_value", c.table, c.column, c.missing, expected
                )
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
        problem = _problem_of(problems, "duplicate_id", u.table, u.id_column)
        if problem is None:
            problem = _pseudo_problem(
                "error", "duplicate_id", u.table, u.id_column, u.duplicate_rows, "each once"
            )
        n = int(problem["count"])
        add(problem, "uniqueness", n, min(1.0, n / u.rows), u.duplicate_rows / u.rows_with_id)

    with_values = integrity.groupby("table")["rows_with_value"].sum()
    for r in integrity[integrity["unmatched"] > 0].itertuples(index=False):
        if r.table not in rows_of:
            continue
        problem = _problem_of(problems, "unknown_reference", r.table, r.column)
        if problem is None:
            problem = _pseudo_problem(
                "warning", "unknown_reference", r.table, r.column, r.unmatched
            )
        share = r.unmatched / rows_of[r.table]
        add(problem, "integrity", int(r.unmatched), share, r.unmatched / with_values[r.table])

    for t in timeliness[timeliness["coverage"].notna() & (timeliness["gaps"] > 0)].itertuples():
        if t.table not in rows_of:
            continue
        problem = _pseudo_problem("warning", "coverage_gap", t.table, t.date_column, 0)
        add(problem, "timeliness", None, 1 - t.coverage, 1 - t.coverage)
    return found


def _gap_words(t: Any) -> tuple[str, str, str]:
    """(issue, impact, what_to_ask) for months or windows of a table without data."""
    many = _noun(t.table)
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
    label, use = _label(c.table, c.column), _use(c.table, c.column)
    return (
        f"{_share(c.missing / c.rows)} of {_noun(c.table)} ({c.missing:,} of {c.rows:,}) "
        f"{'has' if c.missing == 1 else 'have'} no {label}",
        f"only {_share(c.completeness)} of {_noun(c.table)} inform {use}",
        f"Please fill in the {label} ({_description(c.table, c.column)}) where your system "
        f"records it; if it is not recorded, please tell us, so that we can state the limit.",
    )


def _example_rows(
    problem: pd.Series, tables: Mapping[str, pd.DataFrame] | None, completeness: pd.DataFrame
) -> list[int]:
    """Row numbers to show: the problem's, or the first empty rows of a weak column."""
    shown = _row_numbers(problem["rows"])
    if shown or problem["rule"] != "low_completeness" or tables is None:
        return shown
    table, column = problem["table"], problem["column"]
    if table not in tables or column not in tables[table]:
        return []
    frame = tables[table]
    applies, _ = _applies(table, column, frame)
    empty = np.flatnonzero((frame[column].isna() & applies).to_numpy())
    return [int(i) + 2 for i in empty[:5]]


_ISSUE_COLUMNS = (
    "severity rule dimension table file column issue impact rows_affected share_affected "
    "example_rows example_ids what_to_ask deficit"
)


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
        - ``issue`` (str): what is wrong, in plain words.
        - ``impact`` (str): what it means for the results.
        - ``rows_affected`` (Int64): rows concerned; NA for coverage gaps.
        - ``share_affected`` (float): rows_affected / the rows the rule applies to (for
          coverage gaps: the share of expected months or windows without data).
        - ``example_rows`` (str): the first row numbers as a spreadsheet shows them (the
          header is row 1), e.g. ``"2, 5, 17"``.
        - ``example_ids`` (str): the identifiers of those rows when ``show_record_ids`` and
          ``tables`` are given, otherwise empty.
        - ``what_to_ask`` (str): the request to the client, in plain words.
        - ``deficit`` (float): how much the issue lowers its dimension (0–1), always > 0.

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
    that cannot be read counts against validity only, not also as an empty cell. Issue texts
    never quote record ids; they quote at most the offending values of typed columns.
    """
    files = dict(files or {})
    p = _problems(problems)
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
        column = problem["column"] if isinstance(problem["column"], str) else None
        if problem["rule"] == "low_completeness":
            match = (completeness["table"] == table) & (completeness["column"] == column)
            words = _weak_column_words(next(completeness[match].itertuples(index=False)))
        elif problem["rule"] == "coverage_gap":
            match = timeliness["table"] == table
            words = _gap_words(next(timeliness[match].itertuples(index=False)))
        else:
            words = _issue_words(problem, files)
        shown = _example_rows(problem, tables, completeness)
        ids = ""
        if show_record_ids and tables is not None and table in tables and shown:
            id_column = TABLES[table].id_column
            frame = tables[table]
            if id_column and id_column in frame:
                positions = [r - 2 for r in shown if 0 <= r - 2 < len(frame)]
                ids = ", ".join(str(v) for v in frame[id_column].iloc[positions])
        issue, impact, ask = words
        records.append(
            {
                "severity": problem["severity"],
                "rule": problem["rule"],
                "dimension": found["dimension"],
                "table": table,
                "file": problem["file"] if isinstance(problem["file"], str) else files.get(table),
                "column": column,
                "issue": _cap(issue),
                "impact": impact,
                "rows_affected": found["rows_affected"],
                "share_affected": found["share_affected"],
                "example_rows": ", ".join(str(r) for r in shown),
                "example_ids": ids,
                "what_to_ask": ask,
                "deficit": found["deficit"],
            }
        )
    return _frame(records, _ISSUE_COLUMNS, Int64="rows_affected", float64="share_affected deficit")


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
        One row per note, with columns ``severity``, ``rule``, ``table``, ``file``,
        ``column``, ``note`` (what was found, in plain words), ``what_to_ask``,
        ``rows_affected`` (Int64) and ``example_rows`` (str).

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
    for _, p in _problems(problems).iterrows():
        if p["rule"] == "params":
            continue
        if p["rule"] in SCORED_RULES and p["table"] in scored:
            continue
        note, _, ask = _issue_words(p, files)
        table = p["table"] if isinstance(p["table"], str) else None
        records.append(
            {
                "severity": p["severity"],
                "rule": p["rule"],
                "table": table,
                "file": p["file"] if isinstance(p["file"], str) else files.get(table or ""),
                "column": p["column"] if isinstance(p["column"], str) else None,
                "note": _cap(note),
                "what_to_ask": ask,
                "rows_affected": int(p["count"]) or None,
                "example_rows": ", ".join(str(r) for r in _row_numbers(p["rows"])),
            }
        )
    notes = _frame(
        records,
        "severity rule table file column note what_to_ask rows_affected example_rows",
        Int64="rows_affected",
    )
    order = notes["severity"].map(_SEVERITY_RANK).fillna(2).sort_values(kind="stable")
    return notes.loc[order.index].reset_index(drop=True)


# --- summary and findings -----------------------------------------------------------------------


def quality_summary(
    scores: pd.DataFrame, issues: pd.DataFrame, notes: pd.DataFrame | None = None
) -> dict[str, Any]:
    """What results.json records for data quality: JSON-ready, no NaN.

    Parameters
    ----------
    scores : DataFrame
        From :func:`quality_scores`.
    issues : DataFrame
        From :func:`score_impacts`.
    notes : DataFrame, optional
        From :func:`quality_notes`.

    Returns
    -------
    dict
        - ``overall_score`` (float or None), ``overall_grade`` (str)
        - ``issues``: one mapping per issue, most important first: ``rule``, ``severity``,
          ``dimension``, ``table``, ``column``, ``rows`` (rows affected, or None),
          ``example_rows`` (spreadsheet row numbers), ``score_impact`` (what it took off the
          overall score, a fraction), ``table_score_impact`` (off its table's score) and
          ``message`` (the issue in plain words). The impacts add up to
          ``1 − overall_score``.
        - ``errors`` (int): issues and notes of severity error.
        - ``notes``: what lowers no score, each ``rule``, ``severity``, ``table``,
          ``column``, ``rows`` and ``message``.
        - ``tables``: per table ``score``, ``rows``, ``grade`` and each dimension.

        Scores are fractions 0–1; None where a score or dimension does not apply.
    """
    overall = scores[scores["table"] == "overall"]
    overall_score = _float(overall["score"].iloc[0]) if len(overall) else None
    per_table = {}
    for row in scores[scores["table"] != "overall"].to_dict("records"):
        per_table[str(row["table"])] = {
            "score": _float(row["score"]),
            "rows": int(row["rows"]),
            "grade": str(row["grade"]),
            **{name: _float(row[name]) for name in DIMENSIONS},
        }

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) else None

    def count(value: Any) -> int | None:
        return None if _is_nan(value) else int(value)

    listed = [
        {
            "rule": str(i["rule"]),
            "severity": str(i["severity"]),
            "dimension": str(i["dimension"]),
            "table": text(i["table"]),
            "column": text(i["column"]),
            "rows": count(i["rows_affected"]),
            "example_rows": [int(r) for r in str(i["example_rows"]).split(", ") if r],
            "score_impact": _float(i.get("score_impact")),
            "table_score_impact": _float(i.get("table_score_impact")),
            "message": str(i["issue"]),
        }
        for i in issues.to_dict("records")
    ]
    noted = [
        {
            "rule": str(n["rule"]),
            "severity": str(n["severity"]),
            "table": text(n["table"]),
            "column": text(n["column"]),
            "rows": count(n["rows_affected"]),
            "message": str(n["note"]),
        }
        for n in (notes.to_dict("records") if notes is not None else [])
    ]
    errors = sum(1 for item in [*listed, *noted] if item["severity"] == "error")
    return {
        "overall_score": overall_score,
        "overall_grade": grade(overall_score),
        "issues": listed,
        "errors": errors,
        "notes": noted,
        "tables": per_table,
    }


_TRUST = {
    "good": "the data can be trusted for the assessment",
    "fair": "the assessment can rely on it, with the caveats below",
    "poor": "conclusions should be read as indicative until the issues below are resolved",
}
_TRUST_MOSTLY = "most of the data can be trusted for the assessment, with the exceptions below"


def _gap_phrase(row: Any) -> str:
    """'orders for 2024-03' or 'surveys after go-live (…)' from a timeliness row."""
    return f"{row.table} {'' if row.cadence == 'waves' else 'for '}{row.gap_periods}"


def _reason(table: str, dimension: str, value: float, issues: pd.DataFrame) -> str:
    """Why ``table`` is weak on ``dimension``, from its most important issue of that dimension."""
    if len(issues):
        match = issues[(issues["table"] == table) & (issues["dimension"] == dimension)]
        if len(match):
            first = match.iloc[0]
            issue = first["issue"][:1].lower() + first["issue"][1:]
            if first["rule"] == "inconsistent":
                issue = f"in {table}, {issue}"
            return f"{issue}, so {first['impact']}"
    return f"its {dimension} is {_pct(value)}"


def findings_text(scores: pd.DataFrame, issues: pd.DataFrame, timeliness: pd.DataFrame) -> str:
    """A plain-language paragraph (markdown) on how far the data can be trusted.

    Parameters
    ----------
    scores : DataFrame
        From :func:`quality_scores`.
    issues : DataFrame
        From :func:`issues_for_client`.
    timeliness : DataFrame
        From :func:`timeliness`.

    Returns
    -------
    str
        The overall score and grade and what they mean for the assessment; the weakest table,
        its weakest dimension and what that means for the results; other tables below
        "good"; gaps in time coverage; the number of issues to raise with the client.

    Examples
    --------
    >>> s = pd.DataFrame({"table": ["orders", "overall"], "rows": [10, 10],
    ...     "completeness": [1.0, 1.0], "validity": [1.0, 1.0], "consistency": [1.0, 1.0],
    ...     "uniqueness": [1.0, 1.0], "integrity": [float("nan")] * 2,
    ...     "timeliness": [1.0, 1.0], "dimensions": [5, 5], "score": [1.0, 1.0],
    ...     "grade": ["good", "good"]})
    >>> findings_text(s, pd.DataFrame(columns=["severity"]), pd.DataFrame(columns=["gaps"]))
    'Overall data quality is good (100.0 % across 1 table): the data can be trusted for the assessment. There is nothing to raise with the client.'
    """
    per_table = scores[(scores["table"] != "overall") & scores["score"].notna()]
    if per_table.empty:
        return "No table could be scored: the client supplied no data rows."
    overall = float(per_table["score"].mean())
    overall_row = scores[scores["table"] == "overall"]
    if len(overall_row) and not _is_nan(overall_row["score"].iloc[0]):
        overall = float(overall_row["score"].iloc[0])
    g = grade(overall)
    n = len(per_table)
    explained = ""
    weak_tables = bool((per_table["score"] < GOOD_SCORE).any())
    sentences = [
        f"Overall data quality is {g} ({_pct(overall)} across {n} table{'s' if n != 1 else ''}): "
        f"{_TRUST_MOSTLY if g == 'good' and weak_tables else _TRUST[g]}."
    ]
    if n > 1:
        weakest = per_table.loc[per_table["score"].idxmin()]
        dims = weakest[list(DIMENSIONS)].astype("float64").dropna()
        if weakest["score"] >= GOOD_SCORE:
            sentences.append(
                f"Every table scores at least {GOOD_SCORE * 100:.0f} %; the weakest, {weakest['table']}, "
                f"scores {_pct(weakest['score'])}."
            )
        else:
            low_dim = str(dims.idxmin())
            reason = _reason(weakest["table"], low_dim, float(dims.min()), issues)
            explained = reason
            sentences.append(
                f"The {weakest['table']} table is weakest ({_pct(weakest['score'], 0)}, "
                f"{weakest['grade']}): {reason}."
            )
            others = per_table[
                (per_table["score"] < GOOD_SCORE) & (per_table["table"] != weakest["table"])
            ]
            if len(others):
                listed = [f"{r.table} ({_pct(r.score, 0)})" for r in others.itertuples()]
                sentences.append(f"Also below {GOOD_SCORE * 100:.0f} %: {_join(listed)}.")
    elif per_table["score"].iloc[0] < GOOD_SCORE:
        row = per_table.iloc[0]
        dims = row[list(DIMENSIONS)].astype("float64").dropna()
        reason = _reason(row["table"], str(dims.idxmin()), float(dims.min()), issues)
        explained = reason
        sentences.append(f"Its weakest point: {reason}.")
    if len(timeliness) and "gaps" in timeliness:
        said = timeliness.apply(
            lambda r: bool(explained) and r["gap_periods"] in explained, axis=1
        ).astype(bool)
        gaps = timeliness[(timeliness["gaps"] > 0) & ~said]
        if len(gaps):
            sentences.append(
                f"There is no data in {_join([_gap_phrase(r) for r in gaps.itertuples()])}; "
                "results for those periods rest on no data."
            )
    n_issues = len(issues)
    if n_issues:
        errors = int((issues["severity"] == "error").sum())
        blocking = f", {errors} of them blocking" if errors else ""
        top = issues.iloc[0]
        top_text = f"{top['issue'][:1].lower()}{top['issue'][1:]}"
        if top["impact"]:
            top_text += f", so {top['impact']}"
        most = "" if top_text in explained else f"; the most important: {top_text}"
        sentences.append(
            f"There {'is' if n_issues == 1 else 'are'} {n_issues} issue"
            f"{'s' if n_issues != 1 else ''} to raise with the client{blocking}{most}."
        )
    else:
        sentences.append("There is nothing to raise with the client.")
    return " ".join(sentences)


def scores_finding(scores: pd.DataFrame) -> str:
    """What the score table means: which tables fall below "good", and on which dimension.

    Examples
    --------
    >>> s = pd.DataFrame({"table": ["orders", "tickets", "overall"], "score": [0.99, 0.89, 0.94],
    ...     "completeness": [1.0, 0.94, 0.97], "validity": [1.0, 1.0, 1.0],
    ...     "consistency": [1.0, 0.92, 0.96], "uniqueness": [1.0, 1.0, 1.0],
    ...     "integrity": [0.98, 1.0, 0.99], "timeliness": [1.0, 0.5, 0.75]})
    >>> scores_finding(s)
    'Tickets scores below 95 % (89 %), weakest on timeliness (50 %); orders is good.'
    """
    per_table = scores[(scores["table"] != "overall") & scores["score"].notna()]
    if per_table.empty:
        return "No table has rows to score."
    weak = per_table[per_table["score"] < GOOD_SCORE]
    good = list(per_table.loc[per_table["score"] >= GOOD_SCORE, "table"])
    if weak.empty:
        return (
            f"Every table scores at least {GOOD_SCORE * 100:.0f} %: the data is fit for the "
            "assessment on every dimension measured."
        )
    parts = []
    for row in weak.to_dict("records"):
        dims = pd.Series({d: row[d] for d in DIMENSIONS}, dtype="float64").dropna()
        parts.append(
            f"{row['table']} scores below {GOOD_SCORE * 100:.0f} % ({_pct(row['score'], 0)}), "
            f"weakest on {dims.idxmin()} ({_pct(dims.min(), 0)})"
        )
    text = _cap("; ".join(parts))
    if good:
        text += f"; {_join(good)} {'is' if len(good) == 1 else 'are'} good"
    return text + "."


def completeness_finding(completeness: pd.DataFrame) -> str:
    """What the completeness table means, in one or two sentences."""
    scored = completeness[completeness["scored"] & (completeness["rows"] > 0)]
    below = scored[scored["completeness"] < 1]
    if scored.empty:
        return "There are no data rows to check."
    if below.empty:
        return "Every column the assessment uses is completely filled."
    weak = below[~below["required"] & (below["completeness"] < WEAK_COMPLETENESS)]
    required = below[below["required"]]
    parts = []
    if len(required):
        listed = [f"{r.table}.{r.column}" for r in required.itertuples()]
        parts.append(
            f"Required columns have empty cells ({_join(listed)}); those rows cannot be used."
        )
    if len(weak):
        listed = [
            f"{r.table}.{r.column} ({_share(r.completeness)} filled, used for "
            f"{_use(r.table, r.column)})"
            for r in weak.sort_values("completeness").itertuples()
        ]
        parts.append(
            f"{len(weak)} optional column{'s are' if len(weak) != 1 else ' is'} less than "
            f"{WEAK_COMPLETENESS * 100:.0f} % filled: {_join(listed)}; those results rest on fewer rows."
        )
    rest = len(below) - len(required) - len(weak)
    if rest:
        other = " other" if parts else ""
        parts.append(
            f"{rest}{other} column{'s are' if rest != 1 else ' is'} not completely but at least "
            f"{WEAK_COMPLETENESS * 100:.0f} % filled, enough for the results that use "
            f"{'them' if rest != 1 else 'it'}."
        )
    return " ".join(parts)


def validity_finding(
    validity: pd.DataFrame, uniqueness: pd.DataFrame, consistency: pd.DataFrame
) -> str:
    """What the validity, duplicates and consistency tables mean, in one or two sentences."""
    invalid = validity[validity["invalid_rows"] > 0]
    dup = uniqueness[uniqueness["duplicate_rows"] > 0]
    contra = consistency[consistency["inconsistent_rows"] > 0] if len(consistency) else consistency
    parts = []
    if len(invalid):
        listed = [_count(r.invalid_rows, r.table) for r in invalid.itertuples()]
        parts.append(
            f"Rows that break a type, range or label rule: at most {_join(listed)}; they cannot "
            "be used until corrected."
        )
    if len(dup):
        listed = [f"{_count(r.duplicate_rows, r.table)}" for r in dup.itertuples()]
        parts.append(
            f"Surplus copies of repeated identifiers: {_join(listed)}; they inflate counts and "
            "totals."
        )
    if len(contra):
        listed = [f"{_count(r.inconsistent_rows, r.table)}" for r in contra.itertuples()]
        parts.append(
            f"Rows whose dates or counts contradict each other: {_join(listed)}; durations and "
            "rates computed from them are unreliable."
        )
    if not parts:
        return (
            "Every value has the expected type, range and label, every identifier is unique, "
            "and no dates or counts contradict each other."
        )
    return " ".join(parts)


def integrity_finding(integrity: pd.DataFrame) -> str:
    """What the referential-integrity table means, in one sentence."""
    if integrity.empty:
        return (
            "No links between tables could be checked: the customers table, or the columns "
            "that refer to it, are absent."
        )
    broken = integrity[integrity["unmatched"] > 0]
    if broken.empty:
        children = _join(list(dict.fromkeys(integrity["table"])))
        return (
            f"Every customer referred to in {children} is in the customers table, so "
            "per-customer results see all of them."
        )
    listed = [
        f"{_share(r.unmatched / r.rows_with_value)} of {_noun(r.table)} ({r.unmatched:,})"
        for r in broken.itertuples()
    ]
    return (
        f"{_cap(_join(listed))} refer to customers missing from the customers table; they "
        "cannot be linked to a customer's segment, region or history, so per-customer results "
        "leave them out or understate them."
    )


def timeliness_finding(timeliness: pd.DataFrame) -> str:
    """What the timeliness table means, in one or two sentences."""
    scored = timeliness[timeliness["coverage"].notna()]
    if scored.empty:
        return "No dated table is expected to cover the assessment window."
    gaps = scored[scored["gaps"] > 0]
    if gaps.empty:
        return (
            f"All {len(scored)} dated tables cover what the assessment needs: every month "
            "for activity data, both windows for surveys and campaigns."
        )
    rest = len(scored) - len(gaps)
    text = (
        f"There is no data in {_join([_gap_phrase(r) for r in gaps.itertuples()])}; trends and before/after results for those "
        "periods rest on no data."
    )
    if rest:
        text += (
            f" The other {'dated table covers' if rest == 1 else f'{rest} dated tables cover'} "
            "what the assessment needs."
        )
    return text


def issues_finding(issues: pd.DataFrame) -> str:
    """What the issue list means, in one or two sentences."""
    if issues.empty:
        return "There is nothing to raise with the client: the data is fit for the assessment."
    errors = int((issues["severity"] == "error").sum())
    first = issues.iloc[0]
    head = (
        f"{len(issues)} issue{'s' if len(issues) != 1 else ''} to raise with the client"
        + (f", {errors} of them blocking the assessment" if errors else "")
        + "."
    )
    where = f" ({first['table']})" if isinstance(first["table"], str) else ""
    return f"{head} The most important{where}: {first['issue'][:1].lower()}{first['issue'][1:]}."


# --- everything at once, and display ---------------------------------------------------------


@dataclass(frozen=True)
class DataQuality:
    """Every data-quality measure of one assessment (see :func:`assess_quality`)."""

    completeness: pd.DataFrame
    validity: pd.DataFrame
    uniqueness: pd.DataFrame
    integrity: pd.DataFrame
    timeliness: pd.DataFrame
    consistency: pd.DataFrame
    scores: pd.DataFrame
    issues: pd.DataFrame
    notes: pd.DataFrame
    show_record_ids: bool = False


def assess_quality(
    tables: Mapping[str, pd.DataFrame],
    problems: pd.DataFrame,
    assessment: Assessment,
    *,
    files: Mapping[str, str] | None = None,
) -> DataQuality:
    """Compute every data-quality measure, the issues, the scores and the notes at once.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The typed canonical tables.
    problems : DataFrame
        Validation problems.
    assessment : Assessment
        The windows (timeliness) and ``privacy.show_record_ids`` (issues).
    files : mapping of str to str, optional
        Each table's file, relative to the client folder.

    Returns
    -------
    DataQuality
        The frames of :func:`completeness`, :func:`validity`, :func:`uniqueness`,
        :func:`referential_integrity`, :func:`timeliness`, :func:`consistency`,
        :func:`quality_scores`, :func:`issues_for_client` (with :func:`score_impacts`) and
        :func:`quality_notes`.
    """
    measures = {
        "completeness": completeness(tables, problems),
        "validity": validity(tables, problems),
        "uniqueness": uniqueness(tables),
        "integrity": referential_integrity(tables),
        "timeliness": timeliness(tables, assessment),
    }
    show_ids = assessment.privacy.show_record_ids
    found = issues_for_client(
        problems, **measures, tables=tables, files=files, show_record_ids=show_ids
    )
    scores = quality_scores(found, **measures)
    issues = score_impacts(found, scores)
    scored = scores.loc[(scores["table"] != "overall") & scores["score"].notna(), "table"]
    notes = quality_notes(problems, scored_tables=scored, files=files)
    consist = consistency(problems, tables=tables)
    return DataQuality(
        measures["completeness"],
        measures["validity"],
        measures["uniqueness"],
        measures["integrity"],
        measures["timeliness"],
        consist,
        scores,
        issues,
        notes,
        show_ids,
    )


def _percent_cell(value: float) -> str:
    """A percentage (fraction × 100) to one decimal that never shows 100.0 below 100.

    Examples
    --------
    >>> _percent_cell(99.97), _percent_cell(100.0), _percent_cell(95.04), _percent_cell(float("nan"))
    ('> 99.9', '100.0', '95.0', '–')
    """
    if _is_nan(value):
        return "–"
    text = f"{value:.1f}"
    return "> 99.9" if value < 100 and text == "100.0" else text


def _points(value: float) -> str:
    """Percentage points for the issue table: two decimals, "< 0.01" rather than "0.00"."""
    if _is_nan(value):
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
