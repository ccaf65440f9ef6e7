"""Multi-item scales in words: their names, each item's fit, and whether the total can be used."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmkit.domains.survey.reliability import (
    ACCEPTABLE_ALPHA,
    WEAK_ITEM_CORRELATION,
    alpha_reading,
    item_number,
)
from crmkit.words.formats import TableView, is_missing
from crmkit.words.phrases import what_it_means

__all__ = [
    "item_frame",
    "item_labels",
    "item_view",
    "reliability_text",
    "reliability_title",
    "scale_name",
]


def scale_name(prefix: str) -> str:
    """How the report calls a scale found by :func:`item_scales`.

    Examples
    --------
    >>> scale_name("loyalty"), scale_name("brand_trust")
    ('loyalty scale', 'brand trust scale')
    """
    return f"{prefix.replace('_', ' ').strip()} scale"


def item_labels(items: Sequence[str], prefix: str) -> list[str]:
    """Items as a reader sees them: "Loyalty item 1" for ``loyalty_1``.

    Examples
    --------
    >>> item_labels(["loyalty_1", "loyalty_2"], "loyalty")
    ['Loyalty item 1', 'Loyalty item 2']
    """
    words = prefix.replace("_", " ").strip().capitalize()
    numbers = [item_number(item) for item in items]
    return [
        str(item) if number is None else f"{words} item {number}"
        for item, number in zip(items, numbers, strict=True)
    ]


def reliability_title(reliability: pd.DataFrame, items: pd.DataFrame, prefix: str) -> str:
    """A chart title that states the scale's reliability and whether every item fits.

    Parameters
    ----------
    reliability : pandas.DataFrame
        :func:`cronbach_alpha` of the scale.
    items : pandas.DataFrame
        :func:`item_analysis` of the scale.
    prefix : str
        The scale's prefix (a key of :func:`item_scales`).

    Examples
    --------
    >>> rel = pd.DataFrame({"alpha": [0.80]})
    >>> items = pd.DataFrame({"item": ["loyalty_1", "loyalty_2"], "item_total_correlation": [0.61, 0.62]})
    >>> reliability_title(rel, items, "loyalty")
    "The loyalty scale is good in reliability (Cronbach's alpha 0.80); every item fits (item–rest correlations 0.61 to 0.62)"
    """
    name = scale_name(prefix)
    value = float(reliability["alpha"].iloc[0])
    if is_missing(value):
        return f"The {name}'s reliability cannot be estimated from these answers"
    r = items["item_total_correlation"].to_numpy(float)
    weak = item_labels(
        items.loc[items["item_total_correlation"] < WEAK_ITEM_CORRELATION, "item"]
        .astype(str)
        .tolist(),
        prefix,
    )
    fit = (
        f"every item fits (item–rest correlations {np.nanmin(r):.2f} to {np.nanmax(r):.2f})"
        if not weak
        else f"{', '.join(weak)} fit{'s' if len(weak) == 1 else ''} poorly"
    )
    return (
        f"The {name} is {alpha_reading(value)} in reliability (Cronbach's alpha {value:.2f}); {fit}"
    )


def item_frame(items: pd.DataFrame, prefix: str) -> pd.Series:
    """Each item's correlation with the rest of its scale, for :func:`crmkit.report.plots.bar_chart`.

    Examples
    --------
    >>> item_frame(pd.DataFrame({"item": ["loyalty_1"], "item_total_correlation": [0.61]}), "loyalty")
    item
    Loyalty item 1    0.61
    Name: item_total_correlation, dtype: float64
    """
    return pd.Series(
        items["item_total_correlation"].to_numpy(float),
        index=pd.Index(item_labels(items["item"].tolist(), prefix), name="item"),
        name="item_total_correlation",
    )


def item_view(items: pd.DataFrame, prefix: str) -> TableView:
    """:func:`item_analysis` as a table with units."""
    frame = pd.DataFrame(
        {
            "Item": item_labels(items["item"].tolist(), prefix),
            "Respondents": items["n"].astype("Int64"),
            "Mean": items["mean"].to_numpy(float),
            "Standard deviation": items["sd"].to_numpy(float),
            "Correlation with the other items": items["item_total_correlation"].to_numpy(float),
            "Cronbach's alpha without the item": items["alpha_if_deleted"].to_numpy(float),
        }
    )
    units = {
        "Respondents": "count",
        "Mean": "score",
        "Standard deviation": "score",
        "Correlation with the other items": "r, −1 to 1",
        "Cronbach's alpha without the item": "0 to 1",
    }
    formats = {"Respondents": "{:,}"} | {c: "{:.2f}" for c in list(units)[1:]}
    return TableView(frame, units, formats)


def reliability_text(
    reliability: pd.DataFrame, items: pd.DataFrame, prefix: str, *, confidence: float = 0.95
) -> str:
    """The "What it means" paragraph for a scale's reliability: can its total score be used?

    ``reliability`` and ``items`` are :func:`cronbach_alpha` and :func:`item_analysis` of the
    scale ``prefix`` (a key of :func:`item_scales`); ``confidence`` is the level of the interval
    in ``reliability`` (1 − the ``alpha`` given to :func:`cronbach_alpha`).

    Examples
    --------
    >>> rel = pd.DataFrame({"alpha": [0.80], "ci_low": [0.79], "ci_high": [0.81], "n": [900], "k": [4]})
    >>> items = pd.DataFrame({"item": ["loyalty_1", "loyalty_2"], "item_total_correlation": [0.61, 0.62],
    ...                       "alpha_if_deleted": [0.75, 0.74]})
    >>> print(reliability_text(rel, items, "loyalty"))
    **What it means:** the loyalty scale's 4 items measure one thing consistently (Cronbach's alpha 0.80, good; 95 % confidence interval 0.79 to 0.81, 900 respondents), so their total or mean score can be tracked as one figure. No item would raise alpha if it were dropped.
    """
    name = scale_name(prefix)
    row = reliability.iloc[0]
    value = float(row["alpha"])
    if is_missing(value):
        return what_it_means(
            f"the {name}'s reliability cannot be estimated (too few complete answers, or answers "
            "that do not vary); do not use its total score yet."
        )
    reading = alpha_reading(value)
    interval = (
        f"{confidence * 100:g} % confidence interval {float(row['ci_low']):.2f} to {float(row['ci_high']):.2f}, "
        f"{int(row['n']):,} respondents"
    )
    better = item_labels(
        items.loc[items["alpha_if_deleted"] > value, "item"].astype(str).tolist(), prefix
    )
    drop = (
        f" Dropping {', '.join(better)} would raise alpha: "
        f"{'it measures' if len(better) == 1 else 'they measure'} something else."
        if better
        else " No item would raise alpha if it were dropped."
    )
    if value >= ACCEPTABLE_ALPHA:
        return what_it_means(
            f"the {name}'s {int(row['k'])} items measure one thing consistently (Cronbach's alpha "
            f"{value:.2f}, {reading}; {interval}), so their total or mean score can be tracked as "
            f"one figure.{drop}"
        )
    return what_it_means(
        f"the {name}'s items do not hang together well enough (Cronbach's alpha {value:.2f}, "
        f"{reading}, below the usual 0.7; {interval}): read the items one by one rather than "
        f"their total.{drop}"
    )
