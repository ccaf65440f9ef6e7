"""The words of the simple CLV: its chart per window, its table and which input moved it.

Built from :func:`crmkit.domains.clv.simple_clv_summary`.
"""

from __future__ import annotations

import math

import pandas as pd

from crmkit.words.clv.percentages import signed_percent
from crmkit.words.customers.readings import window_label
from crmkit.words.formats import TableView, format_money
from crmkit.words.language import tr
from crmkit.words.phrases import what_it_means

__all__ = ["simple_clv_frame", "simple_clv_text", "simple_clv_view"]


def simple_clv_frame(summary: pd.DataFrame) -> pd.Series:
    """The simple CLV per window, for :func:`crmkit.report.plots.bar_chart` (index: the windows)."""
    return pd.Series(
        summary["clv"].to_numpy(float),
        index=pd.Index([window_label(w) for w in summary["window"]], name="window"),
    )


def simple_clv_view(summary: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`crmkit.domains.clv.simple_clv_summary` as a table with units."""
    buyers, spend, margin = (
        tr("Buying customers"),
        tr("Spend per customer per year"),
        tr("Gross margin"),
    )
    margin_per_year, retention, discount = (
        tr("Margin per customer per year"),
        tr("Annual retention"),
        tr("Discount rate"),
    )
    multiple, clv = tr("Multiple r / (1 + d − r)"), tr("Customer lifetime value")
    frame = pd.DataFrame(
        {
            tr("Window"): [window_label(w) for w in summary["window"]],
            buyers: summary["buyers"].astype("Int64"),
            spend: summary["spend_per_year"].to_numpy(float),
            margin: summary["gross_margin"].to_numpy(float) * 100,
            margin_per_year: summary["margin_per_year"].to_numpy(float),
            retention: summary["retention"].to_numpy(float) * 100,
            discount: summary["discount_rate"].to_numpy(float) * 100,
            multiple: summary["multiple"].to_numpy(float),
            clv: summary["clv"].to_numpy(float),
        }
    )
    units = {
        buyers: tr("count"),
        spend: currency,
        margin: "%",
        margin_per_year: currency,
        retention: "%",
        discount: tr("% per year"),
        multiple: tr("years of margin"),
        clv: currency,
    }
    formats = {
        buyers: "{:,}",
        spend: "{:,.0f}",
        margin: "{:.0f}",
        margin_per_year: "{:,.0f}",
        retention: "{:.1f}",
        discount: "{:.1f}",
        multiple: "{:.2f}",
        clv: "{:,.0f}",
    }
    return TableView(frame, units, formats)


def simple_clv_text(summary: pd.DataFrame, *, currency: str = "") -> str:
    """The "What it means" paragraph for the simple CLV: which of its inputs moved it.

    Examples
    --------
    >>> s = pd.DataFrame({"window": ["before", "after"], "margin_per_year": [10000.0, 11000.0],
    ...     "retention": [0.82, 0.87], "multiple": [2.73, 3.78], "clv": [27300.0, 41580.0]})
    >>> print(simple_clv_text(s, currency="CNY"))
    **What it means:** a buying customer was worth CNY 27,300 before go-live and CNY 41,580 after (+52 %). Two things moved it: the margin a customer brings in a year (+10 %) and annual retention (82.0 % → 87.0 %), which multiplies it: a customer who stays is worth 3.78 years of margin instead of 2.73. Retention weighs most, because each point of it is earned again every year.
    """
    rows = summary.set_index("window")
    if not {"before", "after"} <= set(rows.index) or rows["clv"].isna().any():
        return what_it_means(
            tr(
                "the data do not give both windows' retention and spend, so the simple CLV "
                "cannot be compared."
            )
        )
    b, a = rows.loc["before"], rows.loc["after"]
    change = a["clv"] / b["clv"] - 1 if b["clv"] else math.nan
    margin_change = (
        a["margin_per_year"] / b["margin_per_year"] - 1 if b["margin_per_year"] else math.nan
    )
    text = tr(
        "a buying customer was worth {clv_before} before go-live and {clv_after} after "
        "({change}). Two things moved it: the margin a customer brings in a year "
        "({margin_change}) and annual retention ({retention_before} % → {retention_after} %), "
        "which multiplies it: a customer who stays is worth {multiple_after} years of margin "
        "instead of {multiple_before}.",
        clv_before=format_money(b["clv"], currency),
        clv_after=format_money(a["clv"], currency),
        change=signed_percent(change),
        margin_change=signed_percent(margin_change),
        retention_before=f"{b['retention'] * 100:.1f}",
        retention_after=f"{a['retention'] * 100:.1f}",
        multiple_after=f"{a['multiple']:.2f}",
        multiple_before=f"{b['multiple']:.2f}",
    )
    multiple_change = a["multiple"] / b["multiple"] - 1 if b["multiple"] else math.nan
    if abs(multiple_change) > abs(margin_change):
        text += tr(" Retention weighs most, because each point of it is earned again every year.")
    else:
        text += tr(" Spend weighs most here.")
    return what_it_means(text)
