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
from crmkit.words.language import term, tr
from crmkit.words.phrases import what_it_means
from crmkit.words.survey.fragments import listed

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
    return tr("{name} scale", name=prefix.replace("_", " ").strip())


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
        str(item) if number is None else tr("{scale} item {number}", scale=words, number=number)
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
        return tr("The {scale}'s reliability cannot be estimated from these answers", scale=name)
    r = items["item_total_correlation"].to_numpy(float)
    weak = item_labels(
        items.loc[items["item_total_correlation"] < WEAK_ITEM_CORRELATION, "item"]
        .astype(str)
        .tolist(),
        prefix,
    )
    fields = {"scale": name, "reading": term(str(alpha_reading(value))), "alpha": f"{value:.2f}"}
    if not weak:
        return tr(
            "The {scale} is {reading} in reliability (Cronbach's alpha {alpha}); every item fits "
            "(item–rest correlations {low} to {high})",
            low=f"{np.nanmin(r):.2f}",
            high=f"{np.nanmax(r):.2f}",
            **fields,
        )
    if len(weak) == 1:
        return tr(
            "The {scale} is {reading} in reliability (Cronbach's alpha {alpha}); {items} fits "
            "poorly",
            items=weak[0],
            **fields,
        )
    return tr(
        "The {scale} is {reading} in reliability (Cronbach's alpha {alpha}); {items} fit poorly",
        items=listed(weak),
        **fields,
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
    respondents, mean, sd = tr("Respondents"), tr("Mean"), tr("Standard deviation")
    correlation = tr("Correlation with the other items")
    without = tr("Cronbach's alpha without the item")
    frame = pd.DataFrame(
        {
            tr("Item"): item_labels(items["item"].tolist(), prefix),
            respondents: items["n"].astype("Int64"),
            mean: items["mean"].to_numpy(float),
            sd: items["sd"].to_numpy(float),
            correlation: items["item_total_correlation"].to_numpy(float),
            without: items["alpha_if_deleted"].to_numpy(float),
        }
    )
    units = {
        respondents: tr("count"),
        mean: tr("score"),
        sd: tr("score"),
        correlation: tr("r, −1 to 1"),
        without: tr("0 to 1"),
    }
    formats = {respondents: "{:,}"} | {c: "{:.2f}" for c in list(units)[1:]}
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
            tr(
                "the {scale}'s reliability cannot be estimated (too few complete answers, or "
                "answers that do not vary); do not use its total score yet.",
                scale=name,
            )
        )
    better = item_labels(
        items.loc[items["alpha_if_deleted"] > value, "item"].astype(str).tolist(), prefix
    )
    if not better:
        drop = tr(" No item would raise alpha if it were dropped.")
    elif len(better) == 1:
        drop = tr(
            " Dropping {items} would raise alpha: it measures something else.", items=better[0]
        )
    else:
        drop = tr(
            " Dropping {items} would raise alpha: they measure something else.",
            items=listed(better),
        )
    fields = {
        "scale": name,
        "alpha": f"{value:.2f}",
        "reading": term(str(alpha_reading(value))),
        "interval": tr(
            "{level} % confidence interval {low} to {high}, {n} respondents",
            level=f"{confidence * 100:g}",
            low=f"{float(row['ci_low']):.2f}",
            high=f"{float(row['ci_high']):.2f}",
            n=f"{int(row['n']):,}",
        ),
        "drop": drop,
    }
    if value >= ACCEPTABLE_ALPHA:
        return what_it_means(
            tr(
                "the {scale}'s {k} items measure one thing consistently (Cronbach's alpha "
                "{alpha}, {reading}; {interval}), so their total or mean score can be tracked as "
                "one figure.{drop}",
                k=int(row["k"]),
                **fields,
            )
        )
    return what_it_means(
        tr(
            "the {scale}'s items do not hang together well enough (Cronbach's alpha {alpha}, "
            "{reading}, below the usual 0.7; {interval}): read the items one by one rather than "
            "their total.{drop}",
            **fields,
        )
    )
