"""The words of the RFM segments and the CLV tiers: charts, titles, tables, what they mean.

Built from :func:`crmkit.domains.clv.segment_table` and :func:`crmkit.domains.clv.clv_tiers`.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from crmkit.words.clv.percentages import whole_percent
from crmkit.words.customers.readings import series
from crmkit.words.formats import TableView, format_money, is_missing
from crmkit.words.language import term, tr
from crmkit.words.phrases import what_it_means

__all__ = [
    "segment_name",
    "segment_frame",
    "segment_text",
    "segment_title",
    "segment_view",
    "tier_frame",
    "tier_label",
    "tier_text",
    "tier_title",
    "tier_view",
]

#: A tier's label as :func:`crmkit.domains.clv.clv_tiers` writes it: "top 20 %", "rest 50 %".
_TIER_LABEL = re.compile(r"(top|next|rest) (.+)")


def segment_name(segment: str, *, capital: bool = False) -> str:
    """An RFM segment as the report names it ("champions"; "Champions" at a sentence's start).

    A segment :data:`crmkit.domains.clv.SEGMENTS` does not define stays as written.

    Examples
    --------
    >>> segment_name("at risk"), segment_name("at risk", capital=True)
    ('at risk', 'At risk')
    """
    shown = term(segment)
    return shown.capitalize() if capital and shown == segment else shown


def tier_label(label: str, *, capital: bool = False) -> str:
    """A CLV tier as the report names it: "top 20 %", "next 30 %", "rest 50 %" (a range as
    written).

    Examples
    --------
    >>> tier_label("rest 50 %"), tier_label("top 20 %", capital=True), tier_label("20 %–50 %")
    ('rest 50 %', 'Top 20 %', '20 %–50 %')
    """
    match = _TIER_LABEL.fullmatch(str(label))
    if match is None:
        return str(label)
    kind, share = match.groups()
    if kind == "top":
        return tr("Top {share}", share=share) if capital else tr("top {share}", share=share)
    if kind == "next":
        return tr("Next {share}", share=share) if capital else tr("next {share}", share=share)
    return tr("Rest {share}", share=share) if capital else tr("rest {share}", share=share)


def segment_frame(segments: pd.DataFrame) -> pd.DataFrame:
    """The RFM segments as :func:`crmkit.report.plots.grouped_bar_chart` draws them (percent)."""
    return pd.DataFrame(
        {
            tr("Share of revenue"): segments["revenue_share"].to_numpy(float) * 100,
            tr("Share of customers"): segments["customer_share"].to_numpy(float) * 100,
        },
        index=pd.Index([segment_name(s, capital=True) for s in segments.index], name="segment"),
    )


def segment_title(segments: pd.DataFrame) -> str:
    """The segment chart's title: the segment that brings the most revenue, and its size.

    Examples
    --------
    >>> s = pd.DataFrame({"customer_share": [0.24, 0.26], "revenue_share": [0.6, 0.05]},
    ...                  index=pd.Index(["champions", "hibernating"], name="segment"))
    >>> segment_title(s)
    'Champions are 24 % of customers and bring 60 % of revenue; hibernating customers (26 %) bring 5 %'
    """
    if segments.empty or segments["revenue_share"].isna().all():
        return tr("No revenue to split by RFM segment")
    top = segments["revenue_share"].idxmax()
    row = segments.loc[top]
    text = tr(
        "{segment} are {customers} of customers and bring {revenue} of revenue",
        segment=segment_name(top, capital=True),
        customers=whole_percent(row["customer_share"]),
        revenue=whole_percent(row["revenue_share"]),
    )
    if "hibernating" in segments.index and top != "hibernating":
        h = segments.loc["hibernating"]
        text = tr(
            "{main}; hibernating customers ({customers}) bring {revenue}",
            main=text,
            customers=whole_percent(h["customer_share"]),
            revenue=whole_percent(h["revenue_share"]),
        )
    return text


def segment_view(segments: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`crmkit.domains.clv.segment_table` as a table with units."""
    customers, customer_share, revenue = (
        tr("Customers"),
        tr("Share of customers"),
        tr("Revenue"),
    )
    revenue_share, value = tr("Share of revenue"), tr("Mean lifetime value")
    frame = pd.DataFrame(
        {
            tr("Segment"): [segment_name(s, capital=True) for s in segments.index],
            customers: segments["customers"].astype("Int64").to_numpy(),
            customer_share: segments["customer_share"].to_numpy(float) * 100,
            revenue: segments["revenue"].to_numpy(float),
            revenue_share: segments["revenue_share"].to_numpy(float) * 100,
            value: segments["clv_mean"].to_numpy(float),
            tr("Who they are"): [term(rule) for rule in segments["rule"]],
            tr("Suggested action"): [term(action) for action in segments["action"]],
        }
    )
    units = {
        customers: tr("count"),
        customer_share: "%",
        revenue: currency,
        revenue_share: "%",
        value: currency,
    }
    formats = {
        customers: "{:,}",
        customer_share: "{:.1f}",
        revenue: "{:,.0f}",
        revenue_share: "{:.1f}",
        value: "{:,.0f}",
    }
    return TableView(frame, units, formats)


def segment_text(segments: pd.DataFrame) -> str:
    """The "What it means" paragraph for the RFM segments: where the money is and who needs action.

    Examples
    --------
    >>> s = pd.DataFrame({"customer_share": [0.24, 0.14, 0.26], "revenue_share": [0.6, 0.1, 0.05]},
    ...                  index=pd.Index(["champions", "at risk", "hibernating"], name="segment"))
    >>> print(segment_text(s))
    **What it means:** champions (24 % of customers) bring 60 % of revenue: keep them close. The 14 % of customers at risk bought often but not lately and brought 10 % of revenue: a win-back contact for them is the most urgent retention action. The 26 % hibernating customers bring 5 %; spend little on them.
    """
    if segments.empty:
        return what_it_means(tr("there are no customers to segment."))
    parts = []

    def shares(segment: str) -> dict[str, str]:
        row = segments.loc[segment]
        return {
            "customers": whole_percent(row["customer_share"]),
            "revenue": whole_percent(row["revenue_share"]),
        }

    if "champions" in segments.index:
        parts.append(
            tr(
                "champions ({customers} of customers) bring {revenue} of revenue: keep them close.",
                **shares("champions"),
            )
        )
    if "at risk" in segments.index:
        parts.append(
            tr(
                "The {customers} of customers at risk bought often but not lately and brought "
                "{revenue} of revenue: a win-back contact for them is the most urgent retention "
                "action.",
                **shares("at risk"),
            )
        )
    if "hibernating" in segments.index:
        parts.append(
            tr(
                "The {customers} hibernating customers bring {revenue}; spend little on them.",
                **shares("hibernating"),
            )
        )
    if not parts:
        top = segments["revenue_share"].idxmax()
        parts.append(
            tr("{segment} customers bring most of the revenue.", segment=segment_name(top))
        )
    text = parts[0]
    for part in parts[1:]:
        text = tr("{earlier} {later}", earlier=text, later=part)
    return what_it_means(text[0].lower() + text[1:])


def tier_frame(tiers: pd.DataFrame) -> pd.DataFrame:
    """The CLV tiers as :func:`crmkit.report.plots.grouped_bar_chart` draws them (percent)."""
    return pd.DataFrame(
        {
            tr("Predicted value"): tiers["clv_share"].to_numpy(float) * 100,
            tr("Customers"): tiers["customer_share"].to_numpy(float) * 100,
            tr("Past revenue"): tiers["revenue_share"].to_numpy(float) * 100,
        },
        index=pd.Index([tier_label(t) for t in tiers.index], name="tier"),
    )


def tier_title(tiers: pd.DataFrame) -> str:
    """The tier chart's title: how much of the predicted value the top tier holds.

    Examples
    --------
    >>> t = pd.DataFrame({"clv_share": [0.77, 0.18, 0.05], "revenue_share": [0.74, 0.14, 0.12]},
    ...                  index=pd.Index(["top 20 %", "next 30 %", "rest 50 %"], name="tier"))
    >>> tier_title(t)
    'The top 20 % of customers hold 77 % of the predicted lifetime value (and brought 74 % of past revenue)'
    """
    if tiers.empty:
        return tr("No customers to tier by lifetime value")
    top = tiers.iloc[0]
    fields = {"tier": tier_label(tiers.index[0]), "value": whole_percent(top["clv_share"])}
    if not is_missing(top.get("revenue_share", math.nan)):
        return tr(
            "The {tier} of customers hold {value} of the predicted lifetime value (and brought "
            "{revenue} of past revenue)",
            revenue=whole_percent(top["revenue_share"]),
            **fields,
        )
    return tr("The {tier} of customers hold {value} of the predicted lifetime value", **fields)


def tier_view(tiers: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`crmkit.domains.clv.clv_tiers` as a table with units."""
    customers, value_share, mean = (
        tr("Customers"),
        tr("Share of predicted value"),
        tr("Mean lifetime value"),
    )
    lowest, revenue_share = tr("Lifetime value from"), tr("Share of past revenue")
    frame = pd.DataFrame(
        {
            tr("Tier"): [tier_label(t, capital=True) for t in tiers.index],
            customers: tiers["customers"].astype("Int64").to_numpy(),
            value_share: tiers["clv_share"].to_numpy(float) * 100,
            mean: tiers["clv_mean"].to_numpy(float),
            lowest: tiers["clv_min"].to_numpy(float),
            revenue_share: tiers["revenue_share"].to_numpy(float) * 100,
            tr("Suggested relationship strategy"): [term(s) for s in tiers["strategy"]],
        }
    )
    units = {
        customers: tr("count"),
        value_share: "%",
        mean: currency,
        lowest: currency,
        revenue_share: "%",
    }
    formats = {
        customers: "{:,}",
        value_share: "{:.1f}",
        mean: "{:,.0f}",
        lowest: "{:,.0f}",
        revenue_share: "{:.1f}",
    }
    return TableView(frame, units, formats)


def tier_text(tiers: pd.DataFrame, *, currency: str = "") -> str:
    """The "What it means" paragraph for the CLV tiers: where relationship spending belongs.

    Examples
    --------
    >>> t = pd.DataFrame({"customers": [3557, 5337, 8893], "clv_share": [0.77, 0.18, 0.05],
    ...     "clv_mean": [33919.0, 5278.0, 975.0], "clv_min": [11022.0, 2113.0, 0.0]},
    ...     index=pd.Index(["top 20 %", "next 30 %", "rest 50 %"], name="tier"))
    >>> print(tier_text(t, currency="CNY"))
    **What it means:** a top-tier customer is worth CNY 33,919 on average, 35 times a customer of the rest 50 % (CNY 975). Customers worth CNY 11,022 or more belong to the top tier: give them named account management and proactive service; develop the next 30 % with targeted offers; serve the rest 50 %, who hold 5 % of the value, through low-cost channels.
    """
    if len(tiers) < 2:
        return what_it_means(tr("there are too few customers to tier by lifetime value."))
    top, last = tiers.iloc[0], tiers.iloc[-1]
    ratio = top["clv_mean"] / last["clv_mean"] if last["clv_mean"] > 0 else math.nan
    rest = tier_label(tiers.index[-1])
    mean = format_money(top["clv_mean"], currency)
    worth = (
        tr("a top-tier customer is worth {mean} on average.", mean=mean)
        if is_missing(ratio)
        else tr(
            "a top-tier customer is worth {mean} on average, {ratio} times a customer of the "
            "{rest} ({rest_mean}).",
            mean=mean,
            ratio=f"{ratio:,.0f}",
            rest=rest,
            rest_mean=format_money(last["clv_mean"], currency),
        )
    )
    middle = series(tier_label(t) for t in tiers.index[1:-1])
    fields = {
        "threshold": format_money(top["clv_min"], currency),
        "rest": rest,
        "share": whole_percent(last["clv_share"]),
    }
    plan = (
        tr(
            " Customers worth {threshold} or more belong to the top tier: give them named "
            "account management and proactive service; develop the {middle} with targeted "
            "offers; serve the {rest}, who hold {share} of the value, through low-cost channels.",
            middle=middle,
            **fields,
        )
        if middle
        else tr(
            " Customers worth {threshold} or more belong to the top tier: give them named "
            "account management and proactive service; serve the {rest}, who hold {share} of "
            "the value, through low-cost channels.",
            **fields,
        )
    )
    return what_it_means(worth + plan)
