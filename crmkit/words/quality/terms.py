"""How data quality names things: tables' rows, columns and what they feed, shares, lists."""

from __future__ import annotations

from collections.abc import Mapping

from crmkit.data.schemas import TABLES

__all__ = [
    "COLUMN_WORDS",
    "TABLE_NOUNS",
    "capitalized",
    "column_description",
    "column_label",
    "column_use",
    "counted",
    "joined",
    "noun",
    "percent_text",
    "share_text",
    "verb_be",
]

# Rows of a table in words: (one, many).
TABLE_NOUNS: Mapping[str, tuple[str, str]] = {
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
    "actions": ("action", "actions"),
}

# Columns in words and the results they feed: (table, column) -> (label, use).
_SUS_USE = "the System Usability Scale (SUS)"
COLUMN_WORDS: Mapping[tuple[str, str], tuple[str, str]] = {
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


def noun(table: str, n: float | None = None) -> str:
    one, many = TABLE_NOUNS.get(table, (f"{table} row", f"{table} rows"))
    return one if n == 1 else many


def counted(n: int, table: str) -> str:
    return f"{n:,} {noun(table, n)}"


def column_label(table: str, column: str | None) -> str:
    if not column:
        return ""
    words = COLUMN_WORDS.get((table, column))
    return words[0] if words else column.replace("_", " ")


def column_use(table: str, column: str | None) -> str:
    words = COLUMN_WORDS.get((table, column or ""))
    if words:
        return words[1]
    return TABLES[table].used_for if table in TABLES and TABLES[table].used_for else "the results"


def column_description(table: str, column: str | None) -> str:
    try:
        return TABLES[table].column(column).description
    except KeyError:
        return column or ""


def percent_text(x: float, digits: int = 1) -> str:
    """A fraction as a percentage for prose: 0.9712 -> '97.1 %'; never '100 %' below 1."""
    text = f"{x * 100:.{digits}f}"
    if x < 1 and float(text) >= 100:
        return f"> {100 - 10.0**-digits:.{digits}f} %"
    return f"{text} %"


def share_text(x: float) -> str:
    """A share for prose, to whole percents unless that would round to 0 or 100 %."""
    whole = round(x * 100)
    if (whole == 0 and x > 0) or (whole == 100 and x < 1):
        return percent_text(x) if 0.001 <= x else "< 0.1 %"
    return f"{whole} %"


def joined(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def verb_be(n: int) -> str:
    return "is" if n == 1 else "are"


def capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
