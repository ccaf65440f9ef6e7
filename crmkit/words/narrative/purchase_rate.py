"""The purchase rate against the control group, customer by customer, in words for a manager.

Every function reads results.json's ``impact.purchase_rate``
(:func:`crmkit.measure.purchase_rate_results`, plain JSON), so the impact page and the
executive summary say the same. The claim is read from its typed value
(:class:`crmkit.measure.purchase_rate.PurchaseRateClaim`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmkit.measure.purchase_rate import MIN_PLACEBO_DATES, PurchaseRateClaim
from crmkit.words.formats import (
    TableView,
    as_number,
    format_change_pct,
    format_number,
    format_p_value,
    format_percent,
)
from crmkit.words.language import tr
from crmkit.words.phrases import what_it_means

__all__ = [
    "purchase_rate_finding",
    "purchase_rate_placebo_title",
    "purchase_rate_table",
    "summary_purchase_rate",
]


def _claim(result: Mapping[str, Any]) -> PurchaseRateClaim | None:
    try:
        return PurchaseRateClaim(result.get("claim"))
    except ValueError:
        return None


def purchase_rate_table(result: Mapping[str, Any]) -> TableView:
    """Orders per customer-month of the CRM's customers and the control group's, before and
    after go-live.

    Examples
    --------
    >>> view = purchase_rate_table({"rates": {"crm": {"before": 0.6, "after": 0.72},
    ...                                       "control": {"before": 0.6, "after": 0.63}}})
    >>> row = view.frame.iloc[0]
    >>> row["Customers"], round(float(row["Change"]), 6), view.units["Before"]
    ('With the CRM', 0.2, 'orders per customer-month')
    """
    import pandas as pd

    group_names = {"crm": tr("With the CRM"), "control": tr("Control group")}
    group, before, after, change = tr("Customers"), tr("Before"), tr("After"), tr("Change")
    rows = []
    rates = result.get("rates") if isinstance(result.get("rates"), Mapping) else {}
    for key, name in group_names.items():
        values = rates.get(key) if isinstance(rates.get(key), Mapping) else {}
        low, high = as_number(values.get("before")), as_number(values.get("after"))
        relative = high / low - 1 if low and high is not None and low > 0 else None
        rows.append({group: name, before: low, after: high, change: relative})
    frame = pd.DataFrame(rows, columns=[group, before, after, change])
    unit = tr("orders per customer-month")
    return TableView(
        frame=frame,
        units={before: unit, after: unit, change: "%"},
        formats={before: "{:.2f}", after: "{:.2f}", change: format_change_pct},
    )


def purchase_rate_placebo_title(result: Mapping[str, Any]) -> str:
    """The title of the placebo chart: whether the regression's error margins held.

    Examples
    --------
    >>> purchase_rate_placebo_title({"placebo": {"n": 13, "rejections": 1, "expected": 0.65,
    ...                                          "trusted": True}})
    'At 13 fake go-live dates the regression found a change 1 time(s), as chance would (0.65 expected)'
    """
    placebo = _placebo(result)
    n = int(as_number(placebo.get("n")) or 0)
    fields = {
        "n": n,
        "found": int(as_number(placebo.get("rejections")) or 0),
        "expected": format_number(round(as_number(placebo.get("expected")) or 0.0, 2)),
    }
    if _claim(result) is PurchaseRateClaim.HISTORY_TOO_SHORT or n == 0:
        return tr("Too little history before go-live to check the regression at fake dates")
    if placebo.get("trusted"):
        return tr(
            "At {n} fake go-live dates the regression found a change {found} time(s), as "
            "chance would ({expected} expected)",
            **fields,
        )
    return tr(
        "At {n} fake go-live dates the regression found a change {found} times, far more than "
        "chance ({expected} expected): its error margins are too narrow here",
        **fields,
    )


def _placebo(result: Mapping[str, Any]) -> Mapping[str, Any]:
    placebo = result.get("placebo")
    return placebo if isinstance(placebo, Mapping) else {}


def _fields(result: Mapping[str, Any], confidence: float) -> dict[str, Any]:
    placebo = _placebo(result)
    return {
        "effect": format_change_pct(result.get("effect_pct")),
        "size": format_percent(abs(as_number(result.get("effect_pct")) or 0.0)),
        "low": format_change_pct(result.get("ci_low_pct")),
        "high": format_change_pct(result.get("ci_high_pct")),
        "p": format_p_value(result.get("p_value")),
        "confidence": f"{confidence:.0%}",
        "crm": format_number(result.get("crm_customers")),
        "control": format_number(result.get("control_customers")),
        "n": int(as_number(placebo.get("n")) or 0),
        "found": int(as_number(placebo.get("rejections")) or 0),
        "expected": format_number(round(as_number(placebo.get("expected")) or 0.0, 2)),
        "window": int(as_number(placebo.get("window_months")) or 0),
        "needed": MIN_PLACEBO_DATES,
    }


def purchase_rate_finding(result: Mapping[str, Any] | None, *, confidence: float = 0.95) -> str:
    """The section's finding, ending with what it means in plain words.

    Examples
    --------
    >>> print(purchase_rate_finding(None))
    *No customer-level comparison: it needs orders with customer ids and a control group named in params.yaml (and no rollout, whose own designs apply).*
    """
    if not isinstance(result, Mapping):
        return tr(
            "*No customer-level comparison: it needs orders with customer ids and a control "
            "group named in params.yaml (and no rollout, whose own designs apply).*"
        )
    fields = _fields(result, confidence)
    claim = _claim(result)
    effect = as_number(result.get("effect_pct"))
    if claim is PurchaseRateClaim.CLAIMED and effect is not None and effect > 0:
        text = tr(
            "**The CRM's customers bought more often than the control group's.** Their "
            "purchase rate rose by {size} beyond the control group's change ({confidence} "
            "interval {low} to {high}; p = {p}), each of {crm} customers with the CRM and "
            "{control} without it compared with itself, month by month. At {n} fake go-live "
            "dates before the real one the same regression found a change {found} time(s), "
            "about what chance gives ({expected} expected): its error margins hold for this "
            "client.",
            **fields,
        )
        meaning = tr("customers with the CRM order more often than they would have without it.")
    elif claim is PurchaseRateClaim.CLAIMED:
        text = tr(
            "**The CRM's customers bought less often than the control group's.** Their "
            "purchase rate changed by {effect} beyond the control group's change ({confidence} "
            "interval {low} to {high}; p = {p}), each of {crm} customers with the CRM and "
            "{control} without it compared with itself, month by month. At {n} fake go-live "
            "dates before the real one the same regression found a change {found} time(s), "
            "about what chance gives ({expected} expected): its error margins hold for this "
            "client.",
            **fields,
        )
        meaning = tr(
            "customers with the CRM order less often than comparable customers without it; "
            "worth asking why before crediting the CRM with sales."
        )
    elif claim is PurchaseRateClaim.NOT_DETECTED:
        text = tr(
            "**No detectable change in how often customers buy, beyond the control group's.** "
            "The estimate is {effect} ({confidence} interval {low} to {high}), which includes "
            "no change ({crm} customers with the CRM, {control} without).",
            **fields,
        )
        meaning = tr(
            "the data do not show the CRM making customers buy more often; a change smaller "
            "than the interval's width may still exist."
        )
    elif claim is PurchaseRateClaim.TOO_FEW_CUSTOMERS:
        text = tr(
            "**Cannot say: too few customers on one side** ({crm} with the CRM, {control} "
            "without) for error margins clustered by customer.",
            **fields,
        )
        meaning = tr("this comparison needs at least twenty customers on each side.")
    elif claim is PurchaseRateClaim.HISTORY_TOO_SHORT:
        text = tr(
            "**Cannot say yet.** The estimate is {effect} ({confidence} interval {low} to "
            "{high}), but its error margins hold only if the CRM's customers and the control "
            "group's share their month-to-month swings, and the orders before the before-window "
            "are too few to check this: the check needs at least {needed} fake go-live dates, "
            "each with {window} months of orders on either side, before the real go-live "
            "({n} fit).",
            **fields,
        )
        meaning = tr(
            "the estimate is not claimed; with a longer order history (about two years before "
            "go-live) the same page can check it and say."
        )
    elif claim is PurchaseRateClaim.PLACEBOS_REJECT:
        text = tr(
            "**Cannot say.** At {n} fake go-live dates before the real one the same regression "
            "found a change {found} times where chance gives about {expected}: the CRM's "
            "customers and the control group's swing apart month to month on their own, so "
            "the regression's error margins are too narrow for this client. The estimate "
            "({effect}) is not claimed.",
            **fields,
        )
        meaning = tr(
            "the groups differ by more than the CRM; a comparison between many more units, or "
            "a control group closer to the CRM's customers, is needed."
        )
    else:
        text = tr(
            "**No estimate:** the orders of one side are missing in a window, or the "
            "regression did not settle."
        )
        meaning = tr("the purchase rate cannot be compared customer by customer here.")
    return tr("{text}\n\n{meaning}", text=text, meaning=what_it_means(meaning))


def summary_purchase_rate(result: Any, *, confidence: float = 0.95) -> str | None:
    """One sentence for the executive summary, only when the change is claimed.

    Examples
    --------
    >>> summary_purchase_rate({"claim": "not_detected"}) is None
    True
    """
    if not isinstance(result, Mapping) or _claim(result) is not PurchaseRateClaim.CLAIMED:
        return None
    fields = _fields(result, confidence)
    if (as_number(result.get("effect_pct")) or 0.0) > 0:
        return tr(
            "Customers with the CRM bought {size} more often than comparable customers "
            "without it ({confidence} interval {low} to {high}; checked at {n} fake go-live "
            "dates).",
            **fields,
        )
    return tr(
        "Customers with the CRM bought {size} less often than comparable customers without "
        "it ({confidence} interval {low} to {high}; checked at {n} fake go-live dates).",
        **fields,
    )
