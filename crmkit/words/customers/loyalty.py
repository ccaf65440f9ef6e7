"""The words of loyalty and of the revenue of relationships: repeat purchases and spend, revenue
from new, retained and won-back customers, and the campaign cost of a new customer.
"""

from __future__ import annotations

import pandas as pd

from crmkit.words.customers.readings import change_detected
from crmkit.words.formats import (
    TableView,
    format_money,
    format_percent,
    is_missing,
)
from crmkit.words.phrases import WINDOW_LABELS, what_it_means

_RELATIONSHIP_LABELS = {"retained": "Retained", "new": "New", "won_back": "Won back"}
_RELATIONSHIP_WORDS = {"retained": "retained", "new": "new", "won_back": "won-back"}


def loyalty_view(loyalty: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`loyalty_metrics` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [WINDOW_LABELS.get(w, w) for w in loyalty["window"]],
            "Buying customers": loyalty["buyers"].astype("Int64"),
            "Orders": loyalty["orders"].astype("Int64"),
            "Bought twice or more": loyalty["repeat_rate"].to_numpy(float) * 100,
            "Orders per buying customer": loyalty["orders_per_buyer"].to_numpy(float),
            "Spend per buying customer": loyalty["spend_per_buyer"].to_numpy(float),
            "Days between purchases (median)": loyalty["purchase_interval_days"].to_numpy(float),
        }
    )
    units = {
        "Buying customers": "count",
        "Orders": "count",
        "Bought twice or more": "%",
        "Orders per buying customer": "count",
        "Spend per buying customer": currency,
        "Days between purchases (median)": "days",
    }
    formats = {
        "Buying customers": "{:,}",
        "Orders": "{:,}",
        "Bought twice or more": "{:.1f}",
        "Orders per buying customer": "{:.2f}",
        "Spend per buying customer": "{:,.0f}",
        "Days between purchases (median)": "{:.1f}",
    }
    return TableView(frame, units, formats)


def loyalty_text(changes: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for the loyalty KPIs (repeat purchases, purchase interval, spend).

    Parameters
    ----------
    changes : pandas.DataFrame
        Rows with ``kpi``, ``change`` and ``verdict`` (KPI results) or ``p_value``
        (:func:`compare_loyalty`).

    Examples
    --------
    >>> c = pd.DataFrame({"kpi": ["repeat_purchase_rate", "spend_per_customer"],
    ...                   "change": [0.01, 5000.0], "verdict": ["no detectable change", "improved"]})
    >>> print(loyalty_text(c))
    **What it means:** buying customers spend more since go-live, by more than chance explains. The share who come back for a second purchase has not changed detectably.
    """
    rows = {r["kpi"]: r for r in changes.to_dict("records")}
    moved, flat = [], []
    phrases = {
        "spend_per_customer": ("buying customers spend more", "buying customers spend less"),
        "repeat_purchase_rate": (
            "more buying customers come back for a second purchase",
            "fewer buying customers come back for a second purchase",
        ),
        "purchase_interval_days": (
            "customers buy again sooner",
            "customers take longer to buy again",
        ),
    }
    unchanged = {
        "spend_per_customer": "spend per buying customer",
        "repeat_purchase_rate": "the share who come back for a second purchase",
        "purchase_interval_days": "the time between purchases",
    }
    for kpi in ("spend_per_customer", "repeat_purchase_rate", "purchase_interval_days"):
        if kpi not in rows:
            continue
        detected = change_detected(rows[kpi], alpha)
        if detected is None:
            continue
        if not detected:
            flat.append(unchanged[kpi])
            continue
        good = rows[kpi]["change"] > 0
        if kpi == "purchase_interval_days":
            good = not good
        moved.append(phrases[kpi][0 if good else 1])
    sentences = []
    if moved:
        sentences.append(" and ".join(moved) + " since go-live, by more than chance explains.")
    if flat:
        text = " and ".join(flat)
        verb = "have" if len(flat) > 1 else "has"
        sentences.append(f"{text[0].upper()}{text[1:]} {verb} not changed detectably.")
    if not sentences:
        return what_it_means("there are too few buying customers to compare the two windows.")
    text = " ".join(sentences)
    return what_it_means(text[0].lower() + text[1:])


def relationship_mix(revenue: pd.DataFrame) -> pd.DataFrame:
    """Revenue shares of retained, new and won-back customers per window, for a stacked chart.

    Returns
    -------
    pandas.DataFrame
        Index: the window with its revenue share base; columns "Retained", "New",
        "Won back" (fractions of the window's revenue).

    Examples
    --------
    >>> r = pd.DataFrame({"window": ["after"] * 3, "relationship": ["new", "retained", "won_back"],
    ...                   "revenue_share": [0.1, 0.85, 0.05]})
    >>> relationship_mix(r).to_dict("index")
    {'After go-live': {'Retained': 0.85, 'New': 0.1, 'Won back': 0.05}}
    """
    wide = revenue.pivot(index="window", columns="relationship", values="revenue_share")
    wide = wide.reindex([w for w in ("before", "after") if w in wide.index])
    wide = wide.reindex(columns=list(_RELATIONSHIP_LABELS)).rename(columns=_RELATIONSHIP_LABELS)
    wide.index = pd.Index([WINDOW_LABELS[w] for w in wide.index], name="window")
    wide.columns.name = None
    return wide


def relationship_title(revenue: pd.DataFrame) -> str:
    """The revenue-split chart's title: where revenue comes from after go-live, and what moved.

    Examples
    --------
    >>> r = pd.DataFrame({"window": ["before"] * 3 + ["after"] * 3,
    ...     "relationship": ["new", "retained", "won_back"] * 2,
    ...     "revenue_share": [0.13, 0.86, 0.01, 0.11, 0.85, 0.04]})
    >>> relationship_title(r)
    'After go-live 85 % of revenue came from retained customers; the share from won-back customers rose most (1 % → 4 %)'
    """
    wide = revenue.pivot(index="window", columns="relationship", values="revenue_share")
    if "after" not in wide.index or wide.loc["after"].isna().all():
        return "No revenue after go-live to split by customer relationship"
    after = wide.loc["after"]
    main = str(after.idxmax())
    text = (
        f"After go-live {after[main] * 100:.0f} % of revenue came from "
        f"{_RELATIONSHIP_WORDS[main]} customers"
    )
    if "before" in wide.index and not wide.loc["before"].isna().all():
        move = (after - wide.loc["before"]).dropna()
        if len(move):
            kind = str(move.abs().idxmax())
            way = "rose" if move[kind] > 0 else "fell"
            text += (
                f"; the share from {_RELATIONSHIP_WORDS[kind]} customers {way} most "
                f"({wide.loc['before', kind] * 100:.0f} % → {after[kind] * 100:.0f} %)"
            )
    return text


def relationship_view(revenue: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`revenue_by_relationship` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [WINDOW_LABELS.get(w, w) for w in revenue["window"]],
            "Customers": [_RELATIONSHIP_LABELS[r] for r in revenue["relationship"]],
            "Buying customers": revenue["customers"].astype("Int64"),
            "Orders": revenue["orders"].astype("Int64"),
            "Revenue": revenue["revenue"].to_numpy(float),
            "Share of revenue": revenue["revenue_share"].to_numpy(float) * 100,
            "Revenue per customer": revenue["revenue_per_customer"].to_numpy(float),
        }
    )
    units = {
        "Buying customers": "count",
        "Orders": "count",
        "Revenue": currency,
        "Share of revenue": "%",
        "Revenue per customer": currency,
    }
    formats = {
        "Buying customers": "{:,}",
        "Orders": "{:,}",
        "Revenue": "{:,.0f}",
        "Share of revenue": "{:.1f}",
        "Revenue per customer": "{:,.0f}",
    }
    return TableView(frame, units, formats)


def relationship_text(
    revenue: pd.DataFrame, acquisition: pd.DataFrame | None = None, *, currency: str = ""
) -> str:
    """The "What it means" paragraph for revenue by relationship and the cost of acquiring a customer.

    Examples
    --------
    >>> r = pd.DataFrame({"window": ["before"] * 3 + ["after"] * 3,
    ...     "relationship": ["new", "retained", "won_back"] * 2,
    ...     "revenue_share": [0.13, 0.86, 0.01, 0.11, 0.85, 0.04],
    ...     "revenue_per_customer": [24000.0, 40000.0, 3700.0, 25000.0, 57000.0, 6400.0]})
    >>> print(relationship_text(r, currency="CNY"))
    **What it means:** existing customers carry the business: 85 % of revenue after go-live came from customers who were already buying, and a retained customer brought CNY 57,000 on average against CNY 25,000 for a new one. Keeping customers is worth more than winning new ones.
    """
    rows = revenue.loc[revenue["window"] == "after"].set_index("relationship")
    if rows.empty or rows["revenue_share"].isna().all():
        return what_it_means("there is no revenue after go-live to split by relationship.")
    retained = rows.loc["retained"] if "retained" in rows.index else None
    new = rows.loc["new"] if "new" in rows.index else None
    text = ""
    if retained is not None and not is_missing(retained["revenue_share"]):
        lead = (
            "existing customers carry the business"
            if retained["revenue_share"] >= 0.5
            else ("new customers carry much of the business")
        )
        text = (
            f"{lead}: {format_percent(retained['revenue_share'], 0)} of revenue after go-live came "
            "from customers who were already buying"
        )
        if (
            new is not None
            and not is_missing(new["revenue_per_customer"])
            and not is_missing(retained["revenue_per_customer"])
        ):
            text += (
                f", and a retained customer brought {format_money(retained['revenue_per_customer'], currency)} "
                f"on average against {format_money(new['revenue_per_customer'], currency)} for a new one"
            )
            if retained["revenue_per_customer"] > new["revenue_per_customer"]:
                text += ". Keeping customers is worth more than winning new ones."
            else:
                text += "."
        else:
            text += "."
    if acquisition is not None and len(acquisition):
        acq = acquisition.set_index("window")
        if {"before", "after"} <= set(acq.index):
            b = acq.loc["before", "cost_per_new_customer"]
            a = acq.loc["after", "cost_per_new_customer"]
            if not (is_missing(a) or is_missing(b)):
                way = "more" if a > b else "less"
                text += (
                    f" Campaigns spent {format_money(a, currency)} per new customer after go-live, "
                    f"{way} than the {format_money(b, currency)} before."
                )
    return what_it_means(text.strip() or "the revenue split shows no clear pattern.")


def acquisition_view(acquisition: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`acquisition_cost` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [WINDOW_LABELS.get(w, w) for w in acquisition["window"]],
            "Campaigns": acquisition["campaigns"].astype("Int64"),
            "Campaign cost": acquisition["cost"].to_numpy(float),
            "New customers": acquisition["new_customers"].astype("Int64"),
            "Cost per new customer": acquisition["cost_per_new_customer"].to_numpy(float),
            "Conversions": acquisition["conversions"].to_numpy(float),
            "Cost per conversion": acquisition["cost_per_conversion"].to_numpy(float),
        }
    )
    units = {
        "Campaigns": "count",
        "Campaign cost": currency,
        "New customers": "count",
        "Cost per new customer": currency,
        "Conversions": "count",
        "Cost per conversion": currency,
    }
    formats = {
        "Campaigns": "{:,}",
        "Campaign cost": "{:,.0f}",
        "New customers": "{:,}",
        "Cost per new customer": "{:,.0f}",
        "Conversions": "{:,.0f}",
        "Cost per conversion": "{:,.0f}",
    }
    return TableView(frame, units, formats)
