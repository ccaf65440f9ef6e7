"""How data quality names things: tables' rows, columns and what they feed, shares, lists."""

from __future__ import annotations

from crmkit.data.schemas import TABLES
from crmkit.words.language import (
    SOURCE_LANGUAGE,
    Translated,
    active_language,
    english,
    term,
    tr,
)

__all__ = [
    "capitalized",
    "column_description",
    "column_label",
    "column_use",
    "counted",
    "dimension_name",
    "joined",
    "joined_sentences",
    "lowercase_first",
    "noun",
    "percent_text",
    "share_text",
    "used_for",
]


def _table_nouns() -> dict[str, tuple[str, str]]:
    """Rows of a table in words: table -> (one, many), in the report's language."""
    return {
        "customers": (tr("customer"), tr("customers")),
        "orders": (tr("order"), tr("orders")),
        "opportunities": (tr("opportunity"), tr("opportunities")),
        "tickets": (tr("ticket"), tr("tickets")),
        "surveys": (tr("survey response"), tr("survey responses")),
        "usage": (tr("usage record"), tr("usage records")),
        "user_survey": (tr("user-survey response"), tr("user-survey responses")),
        "campaigns": (tr("campaign"), tr("campaigns")),
        "costs": (tr("cost line"), tr("cost lines")),
        "benefits": (tr("benefit line"), tr("benefit lines")),
        "benchmarks": (tr("benchmark"), tr("benchmarks")),
        "actions": (tr("action"), tr("actions")),
    }


def _column_words() -> dict[tuple[str, str], tuple[str, str]]:
    """Columns in words and the results they feed: (table, column) -> (label, use)."""
    sus_use = tr("the System Usability Scale (SUS)")
    return {
        ("customers", "segment"): (tr("segment"), tr("results per customer segment")),
        ("customers", "region"): (tr("region"), tr("results per region")),
        ("customers", "churned_date"): (tr("churn date"), tr("retention and churn results")),
        ("orders", "quantity"): (tr("quantity"), tr("units per transaction")),
        ("orders", "rep_id"): (tr("sales rep"), tr("results per sales rep")),
        ("orders", "channel"): (tr("sales channel"), tr("results per sales channel")),
        ("orders", "region"): (tr("region"), tr("results per region")),
        ("opportunities", "closed_date"): (tr("closing date"), tr("sales-cycle results")),
        ("opportunities", "amount"): (tr("deal value"), tr("average deal size")),
        ("opportunities", "lead_source"): (tr("lead source"), tr("results per lead source")),
        ("opportunities", "rep_id"): (tr("sales rep"), tr("win rates per sales rep")),
        ("opportunities", "region"): (tr("region"), tr("results per region")),
        ("tickets", "customer_id"): (tr("customer"), tr("service results per customer")),
        ("tickets", "first_response_at"): (
            tr("first-response time"),
            tr("response-time results"),
        ),
        ("tickets", "resolved_at"): (tr("resolution time"), tr("resolution-time results")),
        ("tickets", "channel"): (tr("contact channel"), tr("results per contact channel")),
        ("tickets", "is_complaint"): (tr("complaint flag"), tr("complaint rates")),
        ("tickets", "satisfaction"): (tr("satisfaction rating"), tr("ticket satisfaction")),
        ("surveys", "customer_id"): (tr("customer"), tr("linking survey answers to customers")),
        ("surveys", "nps"): (tr("NPS answer"), tr("the Net Promoter Score")),
        ("surveys", "csat"): (tr("CSAT answer"), tr("customer satisfaction (CSAT)")),
        ("surveys", "ces"): (tr("CES answer"), tr("the customer effort score (CES)")),
        ("usage", "sessions"): (tr("session count"), tr("sessions per user")),
        ("usage", "actions"): (tr("action count"), tr("actions per user")),
        ("usage", "feature"): (tr("feature"), tr("feature use")),
        **{
            ("user_survey", f"sus_{i}"): (tr("SUS item {number}", number=i), sus_use)
            for i in range(1, 11)
        },
        ("user_survey", "satisfaction"): (tr("satisfaction rating"), tr("CRM user satisfaction")),
        ("campaigns", "channel"): (tr("marketing channel"), tr("results per marketing channel")),
        ("campaigns", "contacts"): (tr("contact count"), tr("campaign response rates")),
        ("campaigns", "responses"): (
            tr("response count"),
            tr("campaign response and conversion rates"),
        ),
        ("campaigns", "conversions"): (
            tr("conversion count"),
            tr("conversion rates and cost per acquisition"),
        ),
        ("campaigns", "revenue"): (tr("attributed revenue"), tr("campaign ROI")),
        ("costs", "phase"): (tr("lifecycle phase"), tr("costs by lifecycle phase")),
        ("costs", "risk_adjustment"): (tr("risk adjustment"), tr("risk-adjusted costs")),
        ("benefits", "risk_adjustment"): (tr("risk adjustment"), tr("risk-adjusted benefits")),
        ("benefits", "kpi"): (
            tr("supporting KPI"),
            tr("linking benefits to measured KPI changes"),
        ),
        ("benchmarks", "source"): (tr("source"), tr("citing benchmark sources")),
    }


def noun(table: str, n: float | None = None) -> str:
    """What a row of ``table`` is called: one (``n`` = 1) or many.

    Examples
    --------
    >>> noun("orders", 1), noun("orders"), noun("leads", 2)
    ('order', 'orders', 'leads rows')
    """
    one, many = _table_nouns().get(
        table, (tr("{table} row", table=table), tr("{table} rows", table=table))
    )
    return one if n == 1 else many


def counted(n: int, table: str) -> str:
    """``n`` rows of ``table`` in words ("1,200 orders")."""
    return tr("{n} {rows}", n=f"{n:,}", rows=noun(table, n))


def column_label(table: str, column: str | None) -> str:
    if not column:
        return ""
    words = _column_words().get((table, column))
    return words[0] if words else term(column.replace("_", " "))


def column_use(table: str, column: str | None) -> str:
    words = _column_words().get((table, column or ""))
    if words:
        return words[1]
    return used_for(table) or tr("the results")


def used_for(table: str) -> str:
    """What the results of ``table`` feed, as its schema says ("" when it says nothing)."""
    used = TABLES[table].used_for if table in TABLES else ""
    return term(used) if used else ""


def dimension_name(dimension: str) -> str:
    """A quality dimension ("completeness", …) as the report's language names it."""
    return term(dimension)


def column_description(table: str, column: str | None) -> str:
    try:
        return term(TABLES[table].column(column).description)
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
    """Items as a reader lists them: "a, b and c".

    Examples
    --------
    >>> joined(["orders"]), joined(["orders", "tickets", "surveys"])
    ('orders', 'orders, tickets and surveys')
    """
    if len(items) <= 1:
        return "".join(items)
    return tr("{items} and {last}", items=tr(", ").join(items[:-1]), last=items[-1])


def joined_sentences(sentences: list[str]) -> str:
    """Sentences one after the other: a space after a sentence ending in ASCII punctuation,
    none after one ending in a full-width mark (Chinese "。").

    Examples
    --------
    >>> joined_sentences(["Churn fell.", "Revenue rose."])
    'Churn fell. Revenue rose.'
    >>> joined_sentences(["流失率下降。", "收入上升。"])
    '流失率下降。收入上升。'
    """
    text = ""
    for sentence in sentences:
        gap = "" if not text or text.endswith(_FULL_WIDTH_ENDS) else " "
        text += gap + sentence
    return text


#: Sentence ends after which no space follows.
_FULL_WIDTH_ENDS = ("。", "！", "？", "；", "：", "）")


def capitalized(text: str) -> str:
    """``text`` with its first letter uppercased, to start a sentence.

    Sentence case is a rule of the English templates: in another language the text (a table
    name, a client's category) is kept as written.
    """
    if active_language() != SOURCE_LANGUAGE:
        source = english(text)
        return Translated(text, source[:1].upper() + source[1:])
    return text[:1].upper() + text[1:]


def lowercase_first(text: str) -> str:
    """``text`` with its first letter lowercased, to continue an English sentence (kept as
    written in another language).

    Examples
    --------
    >>> lowercase_first("There are few answers.")
    'there are few answers.'
    """
    if active_language() != SOURCE_LANGUAGE:
        return text
    return text[:1].lower() + text[1:]
