"""The findings paragraph of the customer-value stage, written from the numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.domains.clv import BetaGeoFitter
from crmkit.words.clv.concentration import concentration_degree
from crmkit.words.clv.models import independence_note
from crmkit.words.clv.percentages import whole_percent
from crmkit.words.clv.segments import segment_name, tier_label
from crmkit.words.customers.readings import series
from crmkit.words.language import tr

__all__ = ["clv_findings"]


def clv_findings(
    *,
    tiers: pd.DataFrame | None = None,
    gini: float | None = None,
    segments: pd.DataFrame | None = None,
    validation: pd.DataFrame | None = None,
    independence: pd.DataFrame | None = None,
    bgf: BetaGeoFitter | None = None,
    currency: str = "",
    time_unit: str = "time unit",
) -> str:
    """A findings paragraph written from the numbers (each part only if its input is given).

    Parameters
    ----------
    tiers : DataFrame, optional
        :func:`crmkit.domains.clv.clv_tiers` output.
    gini : float, optional
        :func:`crmkit.domains.clv.gini_coefficient` of revenue per customer.
    segments : DataFrame, optional
        :func:`crmkit.domains.clv.rfm_scores` output.
    validation : DataFrame, optional
        :func:`crmkit.domains.clv.holdout_validation` output.
    independence : DataFrame, optional
        :func:`crmkit.domains.clv.independence_check` output (``GammaGammaFitter.independence_``).
    bgf : BetaGeoFitter, optional
        The fitted purchase model, for the mean purchase rate and dropout.
    currency : str
        Written after money amounts.
    time_unit : str
        The unit of the model's time ("day", "week"), for the purchase rate.

    Returns
    -------
    str
        Plain-English sentences, numbers rounded for reading.

    Examples
    --------
    >>> print(clv_findings(gini=0.45))
    Revenue is concentrated: the Gini coefficient of revenue per customer is 0.45 (0 = every customer buys the same, 1 = one customer buys everything).
    """
    money = f" {currency}" if currency else ""
    sentences: list[str] = []
    if tiers is not None and len(tiers) >= 2:
        top = tiers.iloc[0]
        fields = {
            "tier": tier_label(top.name),
            "customers": f"{int(top['customers']):,}",
            "value": whole_percent(top["clv_share"]),
            "mean": f"{top['clv_mean']:,.0f}{money}",
        }
        if pd.notna(top.get("revenue_share", np.nan)):
            sentences.append(
                tr(
                    "The {tier} of customers by predicted lifetime value ({customers} customers) "
                    "hold {value} of the predicted value and brought {revenue} of past revenue; "
                    "each is worth {mean} on average.",
                    revenue=whole_percent(top["revenue_share"]),
                    **fields,
                )
            )
        else:
            sentences.append(
                tr(
                    "The {tier} of customers by predicted lifetime value ({customers} customers) "
                    "hold {value} of the predicted value; each is worth {mean} on average.",
                    **fields,
                )
            )
        last = tiers.iloc[-1]
        sentences.append(
            tr(
                "The {tier} together hold {value} of the predicted value: serve them through "
                "low-cost channels and focus relationship spending on the top tiers.",
                tier=tier_label(last.name),
                value=whole_percent(last["clv_share"]),
            )
        )
    if gini is not None and np.isfinite(gini):
        sentences.append(
            tr(
                "Revenue is {degree}: the Gini coefficient of revenue per customer is {gini} "
                "(0 = every customer buys the same, 1 = one customer buys everything).",
                degree=concentration_degree(gini),
                gini=f"{gini:.2f}",
            )
        )
    if segments is not None and "segment" in segments and len(segments):
        share = segments["segment"].value_counts(normalize=True)
        parts = [
            tr("{share} {segment}", share=whole_percent(share[name]), segment=segment_name(name))
            for name in ("champions", "loyal", "at risk", "hibernating")
            if name in share.index
        ]
        if parts:
            sentences.append(
                tr("By RFM segment the customer base is {parts}.", parts=series(parts))
            )
        if "at risk" in share.index and share["at risk"] >= 0.1:
            sentences.append(
                tr(
                    "The customers at risk bought often but not lately: a win-back contact for "
                    "them is the most urgent retention action."
                )
            )
    if bgf is not None and hasattr(bgf, "params_"):
        r, alpha, a, b = bgf.params_.to_numpy()
        sentences.append(
            tr(
                "The BG/NBD model finds a mean purchase rate of {rate} per {time_unit} while "
                "active and a {dropout} average chance of dropping out after each purchase.",
                rate=f"{r / alpha:.3g}",
                time_unit=_time_unit(time_unit),
                dropout=whole_percent(a / (a + b)),
            )
        )
    if validation is not None and "all" in validation.index:
        row = validation.loc["all"]
        sentences.append(
            tr(
                "Checked on a holdout period, the model predicted {predicted} repeat purchases "
                "against {actual} observed ({error} %), with a per-customer correlation of "
                "{correlation}.",
                predicted=f"{row['predicted_total']:,.0f}",
                actual=f"{row['actual_total']:,.0f}",
                error=f"{100 * row['error_pct']:+.1f}",
                correlation=f"{row['correlation']:.2f}",
            )
        )
    if independence is not None and len(independence):
        sentences.append(tr("Gamma–Gamma check: {note}.", note=independence_note(independence)))
    paragraph = ""
    for sentence in sentences:
        paragraph = (
            tr("{earlier} {later}", earlier=paragraph, later=sentence) if paragraph else sentence
        )
    return paragraph


def _time_unit(unit: str) -> str:
    """The unit of the purchase model's time ("week") in the report's language."""
    if unit == "week":
        return tr("week")
    if unit == "day":
        return tr("day")
    if unit == "time unit":
        return tr("time unit")
    return unit
