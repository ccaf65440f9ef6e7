"""The words of the RFM segments and the CLV tiers: charts, titles, tables, what they mean.

Built from :func:`crmkit.domains.clv.segment_table` and :func:`crmkit.domains.clv.clv_tiers`.
"""

from __future__ import annotations

import math

import pandas as pd

from crmkit.words.clv.percentages import whole_percent
from crmkit.words.formats import TableView, format_money, is_missing
from crmkit.words.phrases import what_it_means

__all__ = [
    "segment_frame",
    "segment_text",
    "segment_title",
    "segment_view",
    "tier_frame",
    "tier_text",
    "tier_title",
    "tier_view",
]


def segment_frame(segments: pd.DataFrame) -> pd.DataFrame:
    """The RFM segments as :func:`crmkit.report.plots.grouped_bar_chart` draws them (percent)."""
    return pd.DataFrame(
        {
            "Share of revenue": segments["revenue_share"].to_numpy(float) * 100,
            "Share of customers": segments["customer_share"].to_numpy(float) * 100,
        },
        index=pd.Index([s.capitalize() for s in segments.index], name="segment"),
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
        return "No revenue to split by RFM segment"
    top = segments["revenue_share"].idxmax()
    row = segments.loc[top]
    text = (
        f"{top.capitalize()} are {whole_percent(row['customer_share'])} of customers and bring "
        f"{whole_percent(row['revenue_share'])} of revenue"
    )
    if "hibernating" in segments.index and top != "hibernating":
        h = segments.loc["hibernating"]
        text += f"; hibernating customers ({whole_percent(h['customer_share'])}) bring {whole_percent(h['revenue_share'])}"
    return text


def segment_view(segments: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`crmkit.domains.clv.segment_table` as a table with units."""
    frame = pd.DataFrame(
        {
            "Segment": [s.capitalize() for s in segments.index],
            "Customers": segments["customers"].astype("Int64").to_numpy(),
            "Share of customers": segments["customer_share"].to_numpy(float) * 100,
            "Revenue": segments["revenue"].to_numpy(float),
            "Share of revenue": segments["revenue_share"].to_numpy(float) * 100,
            "Mean lifetime value": segments["clv_mean"].to_numpy(float),
            "Who they are": segments["rule"].to_numpy(),
            "Suggested action": segments["action"].to_numpy(),
        }
    )
    units = {
        "Customers": "count",
        "Share of customers": "%",
        "Revenue": currency,
        "Share of revenue": "%",
        "Mean lifetime value": currency,
    }
    formats = {
        "Customers": "{:,}",
        "Share of customers": "{:.1f}",
        "Revenue": "{:,.0f}",
        "Share of revenue": "{:.1f}",
        "Mean lifetime value": "{:,.0f}",
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
        return what_it_means("there are no customers to segment.")
    parts = []
    if "champions" in segments.index:
        c = segments.loc["champions"]
        parts.append(
            f"champions ({whole_percent(c['customer_share'])} of customers) bring "
            f"{whole_percent(c['revenue_share'])} of revenue: keep them close."
        )
    if "at risk" in segments.index:
        r = segments.loc["at risk"]
        parts.append(
            f"The {whole_percent(r['customer_share'])} of customers at risk bought often but not lately and "
            f"brought {whole_percent(r['revenue_share'])} of revenue: a win-back contact for them is the "
            "most urgent retention action."
        )
    if "hibernating" in segments.index:
        h = segments.loc["hibernating"]
        parts.append(
            f"The {whole_percent(h['customer_share'])} hibernating customers bring "
            f"{whole_percent(h['revenue_share'])}; spend little on them."
        )
    if not parts:
        top = segments["revenue_share"].idxmax()
        parts.append(f"{top} customers bring most of the revenue.")
    text = " ".join(parts)
    return what_it_means(text[0].lower() + text[1:])


def tier_frame(tiers: pd.DataFrame) -> pd.DataFrame:
    """The CLV tiers as :func:`crmkit.report.plots.grouped_bar_chart` draws them (percent)."""
    return pd.DataFrame(
        {
            "Predicted value": tiers["clv_share"].to_numpy(float) * 100,
            "Customers": tiers["customer_share"].to_numpy(float) * 100,
            "Past revenue": tiers["revenue_share"].to_numpy(float) * 100,
        },
        index=pd.Index([str(t) for t in tiers.index], name="tier"),
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
        return "No customers to tier by lifetime value"
    top = tiers.iloc[0]
    text = f"The {tiers.index[0]} of customers hold {whole_percent(top['clv_share'])} of the predicted lifetime value"
    if not is_missing(top.get("revenue_share", math.nan)):
        text += f" (and brought {whole_percent(top['revenue_share'])} of past revenue)"
    return text


def tier_view(tiers: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`crmkit.domains.clv.clv_tiers` as a table with units."""
    frame = pd.DataFrame(
        {
            "Tier": [str(t).capitalize() for t in tiers.index],
            "Customers": tiers["customers"].astype("Int64").to_numpy(),
            "Share of predicted value": tiers["clv_share"].to_numpy(float) * 100,
            "Mean lifetime value": tiers["clv_mean"].to_numpy(float),
            "Lifetime value from": tiers["clv_min"].to_numpy(float),
            "Share of past revenue": tiers["revenue_share"].to_numpy(float) * 100,
            "Suggested relationship strategy": tiers["strategy"].to_numpy(),
        }
    )
    units = {
        "Customers": "count",
        "Share of predicted value": "%",
        "Mean lifetime value": currency,
        "Lifetime value from": currency,
        "Share of past revenue": "%",
    }
    formats = {
        "Customers": "{:,}",
        "Share of predicted value": "{:.1f}",
        "Mean lifetime value": "{:,.0f}",
        "Lifetime value from": "{:,.0f}",
        "Share of past revenue": "{:.1f}",
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
        return what_it_means("there are too few customers to tier by lifetime value.")
    top, last = tiers.iloc[0], tiers.iloc[-1]
    ratio = top["clv_mean"] / last["clv_mean"] if last["clv_mean"] > 0 else math.nan
    times = (
        ""
        if is_missing(ratio)
        else f", {ratio:,.0f} times a customer of the {tiers.index[-1]} ({format_money(last['clv_mean'], currency)})"
    )
    middle = ", ".join(str(t) for t in tiers.index[1:-1])
    develop = f"develop the {middle} with targeted offers; " if middle else ""
    return what_it_means(
        f"a top-tier customer is worth {format_money(top['clv_mean'], currency)} on average{times}. "
        f"Customers worth {format_money(top['clv_min'], currency)} or more belong to the top tier: give "
        f"them named account management and proactive service; {develop}serve the "
        f"{tiers.index[-1]}, who hold {whole_percent(last['clv_share'])} of the value, through low-cost "
        "channels."
    )
