"""The words of loyalty and of the revenue of relationships: repeat purchases and spend, revenue
from new, retained and won-back customers, and the campaign cost of a new customer.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from crmkit.words.customers.readings import change_detected, window_label
from crmkit.words.formats import (
    TableView,
    format_money,
    format_percent,
    is_missing,
)
from crmkit.words.language import tr
from crmkit.words.phrases import what_it_means

#: The relationships of :func:`crmkit.domains.customers.revenue_by_relationship`, in order.
_RELATIONSHIPS = ("retained", "new", "won_back")


def _relationship_label(relationship: str) -> str:
    """A relationship as a table or chart names it: "Retained", "New", "Won back"."""
    if relationship == "retained":
        return tr("Retained")
    if relationship == "new":
        return tr("New")
    if relationship == "won_back":
        return tr("Won back")
    return relationship


def _relationship_customers(relationship: str) -> str:
    """Customers of a relationship as a sentence names them: "won-back customers"."""
    if relationship == "retained":
        return tr("retained customers")
    if relationship == "new":
        return tr("new customers")
    if relationship == "won_back":
        return tr("won-back customers")
    return relationship


def loyalty_view(loyalty: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`loyalty_metrics` as a table with units."""
    buyers, orders, twice = tr("Buying customers"), tr("Orders"), tr("Bought twice or more")
    per_buyer, spend = tr("Orders per buying customer"), tr("Spend per buying customer")
    interval = tr("Days between purchases (median)")
    frame = pd.DataFrame(
        {
            tr("Window"): [window_label(w) for w in loyalty["window"]],
            buyers: loyalty["buyers"].astype("Int64"),
            orders: loyalty["orders"].astype("Int64"),
            twice: loyalty["repeat_rate"].to_numpy(float) * 100,
            per_buyer: loyalty["orders_per_buyer"].to_numpy(float),
            spend: loyalty["spend_per_buyer"].to_numpy(float),
            interval: loyalty["purchase_interval_days"].to_numpy(float),
        }
    )
    units = {
        buyers: tr("count"),
        orders: tr("count"),
        twice: "%",
        per_buyer: tr("count"),
        spend: currency,
        interval: tr("days"),
    }
    formats = {
        buyers: "{:,}",
        orders: "{:,}",
        twice: "{:.1f}",
        per_buyer: "{:.2f}",
        spend: "{:,.0f}",
        interval: "{:.1f}",
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
    for kpi in ("spend_per_customer", "repeat_purchase_rate", "purchase_interval_days"):
        if kpi not in rows:
            continue
        detected = change_detected(rows[kpi], alpha)
        if detected is None:
            continue
        if not detected:
            flat.append(kpi)
            continue
        good = rows[kpi]["change"] > 0
        if kpi == "purchase_interval_days":
            good = not good
        moved.append(_loyalty_move(kpi, good))
    if not moved and not flat:
        return what_it_means(tr("there are too few buying customers to compare the two windows."))
    text = ""
    if moved:
        text = tr(
            "{moves} since go-live, by more than chance explains.",
            moves=_joined_with_and(moved),
        )
    if flat:
        unchanged = _joined_with_and(_loyalty_unchanged(kpi) for kpi in flat)
        sentence = (
            tr("{measures} have not changed detectably.", measures=unchanged)
            if len(flat) > 1
            else tr("{measure} has not changed detectably.", measure=unchanged)
        )
        text = (
            tr("{earlier} {later}", earlier=text, later=_capitalized(sentence))
            if text
            else sentence
        )
    return what_it_means(text[0].lower() + text[1:])


def _loyalty_move(kpi: str, good: bool) -> str:
    """A loyalty KPI that moved, as a clause ("buying customers spend more")."""
    if kpi == "spend_per_customer":
        return tr("buying customers spend more") if good else tr("buying customers spend less")
    if kpi == "repeat_purchase_rate":
        return (
            tr("more buying customers come back for a second purchase")
            if good
            else tr("fewer buying customers come back for a second purchase")
        )
    return tr("customers buy again sooner") if good else tr("customers take longer to buy again")


def _loyalty_unchanged(kpi: str) -> str:
    """A loyalty KPI that did not move, as the subject of a sentence."""
    if kpi == "spend_per_customer":
        return tr("spend per buying customer")
    if kpi == "repeat_purchase_rate":
        return tr("the share who come back for a second purchase")
    return tr("the time between purchases")


def _joined_with_and(items: Iterable[str]) -> str:
    """Clauses joined with "and" ("A and B and C")."""
    joined = ""
    for item in items:
        joined = tr("{earlier} and {later}", earlier=joined, later=item) if joined else item
    return joined


def _capitalized(text: str) -> str:
    """A sentence with a capital first letter (unchanged where the language has none)."""
    return text[0].upper() + text[1:] if text[:1].islower() else text


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
    wide = wide.reindex(columns=list(_RELATIONSHIPS))
    wide.columns = pd.Index([_relationship_label(r) for r in wide.columns])
    wide.index = pd.Index([window_label(w) for w in wide.index], name="window")
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
        return tr("No revenue after go-live to split by customer relationship")
    after = wide.loc["after"]
    main = str(after.idxmax())
    text = tr(
        "After go-live {share} % of revenue came from {customers}",
        share=f"{after[main] * 100:.0f}",
        customers=_relationship_customers(main),
    )
    if "before" in wide.index and not wide.loc["before"].isna().all():
        move = (after - wide.loc["before"]).dropna()
        if len(move):
            kind = str(move.abs().idxmax())
            fields = {
                "main": text,
                "customers": _relationship_customers(kind),
                "before": f"{wide.loc['before', kind] * 100:.0f}",
                "after": f"{after[kind] * 100:.0f}",
            }
            text = (
                tr(
                    "{main}; the share from {customers} rose most ({before} % → {after} %)",
                    **fields,
                )
                if move[kind] > 0
                else tr(
                    "{main}; the share from {customers} fell most ({before} % → {after} %)",
                    **fields,
                )
            )
    return text


def relationship_view(revenue: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`revenue_by_relationship` as a table with units."""
    buyers, orders, income = tr("Buying customers"), tr("Orders"), tr("Revenue")
    share, per_customer = tr("Share of revenue"), tr("Revenue per customer")
    frame = pd.DataFrame(
        {
            tr("Window"): [window_label(w) for w in revenue["window"]],
            tr("Customers"): [_relationship_label(r) for r in revenue["relationship"]],
            buyers: revenue["customers"].astype("Int64"),
            orders: revenue["orders"].astype("Int64"),
            income: revenue["revenue"].to_numpy(float),
            share: revenue["revenue_share"].to_numpy(float) * 100,
            per_customer: revenue["revenue_per_customer"].to_numpy(float),
        }
    )
    units = {
        buyers: tr("count"),
        orders: tr("count"),
        income: currency,
        share: "%",
        per_customer: currency,
    }
    formats = {
        buyers: "{:,}",
        orders: "{:,}",
        income: "{:,.0f}",
        share: "{:.1f}",
        per_customer: "{:,.0f}",
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
        return what_it_means(tr("there is no revenue after go-live to split by relationship."))
    retained = rows.loc["retained"] if "retained" in rows.index else None
    new = rows.loc["new"] if "new" in rows.index else None
    text = ""
    if retained is not None and not is_missing(retained["revenue_share"]):
        share = format_percent(retained["revenue_share"], 0)
        leading = retained["revenue_share"] >= 0.5
        if (
            new is not None
            and not is_missing(new["revenue_per_customer"])
            and not is_missing(retained["revenue_per_customer"])
        ):
            fields = {
                "share": share,
                "retained": format_money(retained["revenue_per_customer"], currency),
                "new": format_money(new["revenue_per_customer"], currency),
            }
            worth_more = retained["revenue_per_customer"] > new["revenue_per_customer"]
            if leading and worth_more:
                text = tr(
                    "existing customers carry the business: {share} of revenue after go-live "
                    "came from customers who were already buying, and a retained customer "
                    "brought {retained} on average against {new} for a new one. Keeping "
                    "customers is worth more than winning new ones.",
                    **fields,
                )
            elif leading:
                text = tr(
                    "existing customers carry the business: {share} of revenue after go-live "
                    "came from customers who were already buying, and a retained customer "
                    "brought {retained} on average against {new} for a new one.",
                    **fields,
                )
            elif worth_more:
                text = tr(
                    "new customers carry much of the business: {share} of revenue after go-live "
                    "came from customers who were already buying, and a retained customer "
                    "brought {retained} on average against {new} for a new one. Keeping "
                    "customers is worth more than winning new ones.",
                    **fields,
                )
            else:
                text = tr(
                    "new customers carry much of the business: {share} of revenue after go-live "
                    "came from customers who were already buying, and a retained customer "
                    "brought {retained} on average against {new} for a new one.",
                    **fields,
                )
        else:
            text = (
                tr(
                    "existing customers carry the business: {share} of revenue after go-live "
                    "came from customers who were already buying.",
                    share=share,
                )
                if leading
                else tr(
                    "new customers carry much of the business: {share} of revenue after go-live "
                    "came from customers who were already buying.",
                    share=share,
                )
            )
    if acquisition is not None and len(acquisition):
        acq = acquisition.set_index("window")
        if {"before", "after"} <= set(acq.index):
            b = acq.loc["before", "cost_per_new_customer"]
            a = acq.loc["after", "cost_per_new_customer"]
            if not (is_missing(a) or is_missing(b)):
                fields = {"after": format_money(a, currency), "before": format_money(b, currency)}
                text += (
                    tr(
                        " Campaigns spent {after} per new customer after go-live, more than the "
                        "{before} before.",
                        **fields,
                    )
                    if a > b
                    else tr(
                        " Campaigns spent {after} per new customer after go-live, less than the "
                        "{before} before.",
                        **fields,
                    )
                )
    return what_it_means(text.strip() or tr("the revenue split shows no clear pattern."))


def acquisition_view(acquisition: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`acquisition_cost` as a table with units."""
    campaigns, cost, new = tr("Campaigns"), tr("Campaign cost"), tr("New customers")
    per_new, conversions = tr("Cost per new customer"), tr("Conversions")
    per_conversion = tr("Cost per conversion")
    frame = pd.DataFrame(
        {
            tr("Window"): [window_label(w) for w in acquisition["window"]],
            campaigns: acquisition["campaigns"].astype("Int64"),
            cost: acquisition["cost"].to_numpy(float),
            new: acquisition["new_customers"].astype("Int64"),
            per_new: acquisition["cost_per_new_customer"].to_numpy(float),
            conversions: acquisition["conversions"].to_numpy(float),
            per_conversion: acquisition["cost_per_conversion"].to_numpy(float),
        }
    )
    units = {
        campaigns: tr("count"),
        cost: currency,
        new: tr("count"),
        per_new: currency,
        conversions: tr("count"),
        per_conversion: currency,
    }
    formats = {
        campaigns: "{:,}",
        cost: "{:,.0f}",
        new: "{:,}",
        per_new: "{:,.0f}",
        conversions: "{:,.0f}",
        per_conversion: "{:,.0f}",
    }
    return TableView(frame, units, formats)
