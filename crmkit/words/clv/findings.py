"""The findings paragraph of the customer-value stage, written from the numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.domains.clv import BetaGeoFitter
from crmkit.words.clv.concentration import concentration_degree
from crmkit.words.clv.models import independence_note
from crmkit.words.clv.percentages import whole_percent

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
        text = (
            f"The {top.name} of customers by predicted lifetime value ({int(top['customers']):,} "
            f"customers) hold {whole_percent(top['clv_share'])} of the predicted value"
        )
        if pd.notna(top.get("revenue_share", np.nan)):
            text += f" and brought {whole_percent(top['revenue_share'])} of past revenue"
        text += f"; each is worth {top['clv_mean']:,.0f}{money} on average."
        sentences.append(text)
        last = tiers.iloc[-1]
        sentences.append(
            f"The {last.name} together hold {whole_percent(last['clv_share'])} of the predicted value: "
            "serve them through low-cost channels and focus relationship spending on the top "
            "tiers."
        )
    if gini is not None and np.isfinite(gini):
        sentences.append(
            f"Revenue is {concentration_degree(gini)}: the Gini coefficient of revenue per customer is {gini:.2f} "
            "(0 = every customer buys the same, 1 = one customer buys everything)."
        )
    if segments is not None and "segment" in segments and len(segments):
        share = segments["segment"].value_counts(normalize=True)
        parts = [
            f"{whole_percent(share[name])} {name}"
            for name in ("champions", "loyal", "at risk", "hibernating")
            if name in share.index
        ]
        if parts:
            sentences.append("By RFM segment the customer base is " + ", ".join(parts) + ".")
        if "at risk" in share.index and share["at risk"] >= 0.1:
            sentences.append(
                "The customers at risk bought often but not lately: a win-back contact "
                "for them is the most urgent retention action."
            )
    if bgf is not None and hasattr(bgf, "params_"):
        r, alpha, a, b = bgf.params_.to_numpy()
        sentences.append(
            f"The BG/NBD model finds a mean purchase rate of {r / alpha:.3g} per {time_unit} "
            f"while active and a {whole_percent(a / (a + b))} average chance of dropping out after "
            "each purchase."
        )
    if validation is not None and "all" in validation.index:
        row = validation.loc["all"]
        sentences.append(
            f"Checked on a holdout period, the model predicted {row['predicted_total']:,.0f} "
            f"repeat purchases against {row['actual_total']:,.0f} observed "
            f"({100 * row['error_pct']:+.1f} %), with a per-customer correlation of "
            f"{row['correlation']:.2f}."
        )
    if independence is not None and len(independence):
        sentences.append("Gamma–Gamma check: " + independence_note(independence) + ".")
    return " ".join(sentences)
