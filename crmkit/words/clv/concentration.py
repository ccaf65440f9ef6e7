"""The words of revenue concentration: the chart's title, the top customers' shares, what it means.

Built from :func:`crmkit.domains.clv.concentration_curve` and
:func:`crmkit.domains.clv.gini_coefficient`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from crmkit.domains.clv import top_share
from crmkit.words.formats import TableView, is_missing
from crmkit.words.language import tr
from crmkit.words.phrases import what_it_means

__all__ = [
    "concentration_degree",
    "concentration_text",
    "concentration_title",
    "concentration_view",
]


def concentration_title(curve: pd.DataFrame, gini: float, *, top: float = 0.2) -> str:
    """The concentration chart's title: the share of value the top customers hold, and Gini.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_share": [0.2, 1.0], "cumulative_share": [0.74, 1.0]})
    >>> concentration_title(c, 0.76)
    'The top 20 % of customers bring 74 % of revenue (Gini 0.76: highly concentrated)'
    """
    if curve.empty or is_missing(gini):
        return tr("No revenue to measure its concentration")
    held = top_share(curve, top)
    return tr(
        "The top {top} % of customers bring {held} % of revenue (Gini {gini}: {degree})",
        top=f"{top * 100:.0f}",
        held=f"{held * 100:.0f}",
        gini=f"{gini:.2f}",
        degree=concentration_degree(gini),
    )


def concentration_degree(gini: float) -> str:
    """How concentrated a Gini coefficient says value is, in words.

    Examples
    --------
    >>> concentration_degree(0.76), concentration_degree(0.5), concentration_degree(0.2)
    ('highly concentrated', 'concentrated', 'fairly evenly spread')
    """
    return (
        tr("highly concentrated")
        if gini >= 0.6
        else tr("concentrated")
        if gini >= 0.4
        else tr("fairly evenly spread")
    )


def concentration_view(
    curve: pd.DataFrame, *, tops: Sequence[float] = (0.01, 0.05, 0.1, 0.2, 0.5)
) -> TableView:
    """The share of revenue the largest customers hold, as a table with units.

    Parameters
    ----------
    curve : pandas.DataFrame
        :func:`crmkit.domains.clv.concentration_curve`.
    tops : sequence of float
        Shares of customers (largest first).

    Examples
    --------
    >>> c = pd.DataFrame({"customer_share": [0.5, 1.0], "cumulative_share": [0.8, 1.0]})
    >>> concentration_view(c, tops=[0.5]).frame.to_dict("list")
    {'Largest customers': ['top 50 %'], 'Customers': [1], 'Share of revenue': [80.0]}
    """
    n = len(curve)
    customers, share = tr("Customers"), tr("Share of revenue")
    frame = pd.DataFrame(
        {
            tr("Largest customers"): [tr("top {share} %", share=f"{t * 100:g}") for t in tops],
            customers: [int(math.floor(t * n + 0.5)) for t in tops],
            share: [top_share(curve, t) * 100 for t in tops],
        }
    )
    return TableView(
        frame,
        {customers: tr("count"), share: "%"},
        {customers: "{:,}", share: "{:.1f}"},
    )


def concentration_text(curve: pd.DataFrame, gini: float) -> str:
    """The "What it means" paragraph for revenue concentration.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_share": [0.01, 0.2, 1.0], "cumulative_share": [0.1, 0.74, 1.0]})
    >>> print(concentration_text(c, 0.76))
    **What it means:** revenue is highly concentrated (Gini 0.76; 0 = every customer buys the same, 1 = one customer buys everything): the largest 1 % of customers bring 10 % of it. Losing a few large customers would hurt more than losing many small ones, so retention effort and service levels belong with the largest accounts first.
    """
    if curve.empty or is_missing(gini):
        return what_it_means(tr("there is no revenue to measure its concentration."))
    one = top_share(curve, 0.01)
    text = tr(
        "revenue is {degree} (Gini {gini}; 0 = every customer buys the same, 1 = one customer "
        "buys everything): the largest 1 % of customers bring {share} % of it.",
        degree=concentration_degree(gini),
        gini=f"{gini:.2f}",
        share=f"{one * 100:.0f}",
    )
    if gini >= 0.4:
        text += tr(
            " Losing a few large customers would hurt more than losing many small ones, so "
            "retention effort and service levels belong with the largest accounts first."
        )
    else:
        text += tr(" No small group of customers dominates: the base is resilient to losing a few.")
    return what_it_means(text)
