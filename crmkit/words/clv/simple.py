"""The words of the simple CLV: its chart per window, its table and which input moved it.

Built from :func:`crmkit.domains.clv.simple_clv_summary`.
"""

from __future__ import annotations

import math

import pandas as pd

from crmkit.words.clv.percentages import signed_percent
from crmkit.words.formats import TableView, format_money
from crmkit.words.phrases import WINDOW_LABELS, what_it_means

__all__ = ["simple_clv_frame", "simple_clv_text", "simple_clv_view"]


def simple_clv_frame(summary: pd.DataFrame) -> pd.Series:
    """The simple CLV per window, for :func:`crmkit.report.plots.bar_chart` (index: the windows)."""
    return pd.Series(
        summary["clv"].to_numpy(float),
        index=pd.Index([WINDOW_LABELS.get(w, w) for w in summary["window"]], name="window"),
    )


def simple_clv_view(summary: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`crmkit.domains.clv.simple_clv_summary` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [WINDOW_LABELS.get(w, w) for w in summary["window"]],
            "Buying customers": summary["buyers"].astype("Int64"),
            "Spend per customer per year": summary["spend_per_year"].to_numpy(float),
            "Gross margin": summary["gross_margin"].to_numpy(float) * 100,
            "Margin per customer per year": summary["margin_per_year"].to_numpy(float),
            "Annual retention": summary["retention"].to_numpy(float) * 100,
            "Discount rate": summary["discount_rate"].to_numpy(float) * 100,
            "Multiple r / (1 + d − r)": summary["multiple"].to_numpy(float),
            "Customer lifetime value": summary["clv"].to_numpy(float),
        }
    )
    units = {
        "Buying customers": "count",
        "Spend per customer per year": currency,
        "Gross margin": "%",
        "Margin per customer per year": currency,
        "Annual retention": "%",
        "Discount rate": "% per year",
        "Multiple r / (1 + d − r)": "years of margin",
        "Customer lifetime value": currency,
    }
    formats = {
        "Buying customers": "{:,}",
        "Spend per customer per year": "{:,.0f}",
        "Gross margin": "{:.0f}",
        "Margin per customer per year": "{:,.0f}",
        "Annual retention": "{:.1f}",
        "Discount rate": "{:.1f}",
        "Multiple r / (1 + d − r)": "{:.2f}",
        "Customer lifetime value": "{:,.0f}",
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
            "the data do not give both windows' retention and spend, so the simple CLV cannot be compared."
        )
    b, a = rows.loc["before"], rows.loc["after"]
    change = a["clv"] / b["clv"] - 1 if b["clv"] else math.nan
    margin_change = (
        a["margin_per_year"] / b["margin_per_year"] - 1 if b["margin_per_year"] else math.nan
    )
    text = (
        f"a buying customer was worth {format_money(b['clv'], currency)} before go-live and "
        f"{format_money(a['clv'], currency)} after ({signed_percent(change)}). Two things moved it: the "
        f"margin a customer brings in a year ({signed_percent(margin_change)}) and annual retention "
        f"({b['retention'] * 100:.1f} % → {a['retention'] * 100:.1f} %), which multiplies it: a "
        f"customer who stays is worth {a['multiple']:.2f} years of margin instead of "
        f"{b['multiple']:.2f}."
    )
    multiple_change = a["multiple"] / b["multiple"] - 1 if b["multiple"] else math.nan
    if abs(multiple_change) > abs(margin_change):
        text += " Retention weighs most, because each point of it is earned again every year."
    else:
        text += " Spend weighs most here."
    return what_it_means(text)
