"""Data quality in words: the findings, the issues to raise with the client, the tables shown.

The measures and scores are computed in :mod:`crmkit.data.quality`; this module states them
for the report: :func:`with_words` writes each issue and note (what is wrong, what it affects,
what to ask the client), :func:`findings_text` and the ``*_finding`` functions say what the
numbers mean, :func:`score_chart_title` titles the score chart and :func:`table_view`
prepares each table for display (headers a reader understands, percentages, units).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from crmkit.data.quality import (
    DIMENSIONS,
    GOOD_SCORE,
    WEAK_COMPLETENESS,
    DataQuality,
    Grade,
    grade,
)
from crmkit.data.schemas import TABLES
from crmkit.words.formats import TableView, is_missing

__all__ = [
    "completeness_finding",
    "findings_text",
    "integrity_finding",
    "issues_finding",
    "score_chart_title",
    "scores_finding",
    "table_view",
    "timeliness_finding",
    "validity_finding",
    "with_words",
]

#: What time coverage each cadence expects, as the timeliness table says it.
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

_BLOCKS = "the assessment cannot run until this is fixed"


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


# --- issues and notes ------------------------------------------------------------------------


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
        texts.append((_cap(words[0]), words[1], words[2]))
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
        at, "note", pd.Series([_cap(t[0]) for t in texts], index=notes.index, dtype=object)
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


# --- titles and findings ---------------------------------------------------------------------


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


_TRUST = {
    Grade.GOOD: "the data can be trusted for the assessment",
    Grade.FAIR: "the assessment can rely on it, with the caveats below",
    Grade.POOR: "conclusions should be read as indicative until the issues below are resolved",
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
    >>> no_issues, no_gaps = pd.DataFrame(columns=["severity"]), pd.DataFrame(columns=["gaps"])
    >>> print(findings_text(s, no_issues, no_gaps))  # doctest: +NORMALIZE_WHITESPACE
    Overall data quality is good (100.0 % across 1 table): the data can be trusted for the
    assessment. There is nothing to raise with the client.
    """
    per_table = scores[(scores["table"] != "overall") & scores["score"].notna()]
    if per_table.empty:
        return "No table could be scored: the client supplied no data rows."
    overall = float(per_table["score"].mean())
    overall_row = scores[scores["table"] == "overall"]
    if len(overall_row) and not is_missing(overall_row["score"].iloc[0]):
        overall = float(overall_row["score"].iloc[0])
    g = grade(overall)
    n = len(per_table)
    explained = ""
    weak_tables = bool((per_table["score"] < GOOD_SCORE).any())
    sentences = [
        f"Overall data quality is {g} ({_pct(overall)} across {n} table{'s' if n != 1 else ''}): "
        f"{_TRUST_MOSTLY if g == Grade.GOOD and weak_tables else _TRUST[g]}."
    ]
    if n > 1:
        weakest = per_table.loc[per_table["score"].idxmin()]
        dims = weakest[list(DIMENSIONS)].astype("float64").dropna()
        if weakest["score"] >= GOOD_SCORE:
            sentences.append(
                f"Every table scores at least {GOOD_SCORE * 100:.0f} %; the weakest, "
                f"{weakest['table']}, scores {_pct(weakest['score'])}."
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
            f"{WEAK_COMPLETENESS * 100:.0f} % filled: {_join(listed)}; those results rest on "
            "fewer rows."
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
        f"There is no data in {_join([_gap_phrase(r) for r in gaps.itertuples()])}; trends and "
        "before/after results for those periods rest on no data."
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


# --- tables for display ----------------------------------------------------------------------


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
