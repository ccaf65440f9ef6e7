"""Both models fitted to a customer base, and each customer's predicted value.

:func:`customer_value_table` applies fitted BG/NBD and Gamma–Gamma models to an RFM summary;
:func:`fit_value_models` fits them as the customer-value stage needs (weeks, the assessment's
margin, horizon and discount rate) and returns :class:`ValueModels`, or why they cannot be
fitted. :func:`alive_shares` and :func:`share_probably_lost` summarise the customers'
probability of still being customers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from crmkit.domains.clv.fitters import MONTH_IN_UNITS, BetaGeoFitter, GammaGammaFitter
from crmkit.domains.clv.not_fitted import NoBuyers, NotFitted, PurchaseModelFailed

__all__ = [
    "ALIVE_BANDS",
    "TIME_UNIT",
    "ClvNotFinite",
    "SpendModelFailed",
    "SpendModelUndefined",
    "ValueModels",
    "alive_shares",
    "customer_value_table",
    "fit_value_models",
    "share_probably_lost",
    "yearly_to_monthly",
]


@dataclass(frozen=True)
class SpendModelUndefined:
    """The Gamma–Gamma fit has q ≤ 1: mean spend per purchase is undefined, no CLV."""

    q: float

    def english(self) -> str:
        """The fact in English, as results.json records it (``customers.clv.model.note``)."""
        return (
            f"the spend model's q is {self.q:.2f} (≤ 1): mean spend per purchase is undefined, "
            "so no CLV is predicted"
        )


@dataclass(frozen=True)
class SpendModelFailed:
    """The Gamma–Gamma model cannot be fitted; ``error`` is the fitter's own message."""

    error: str

    def english(self) -> str:
        """The fact in English, as results.json records it."""
        return f"the spend model cannot be fitted: {self.error}"


@dataclass(frozen=True)
class ClvNotFinite:
    """The lifetime value of ``customers`` customers is not finite: no CLV rather than holes."""

    customers: int

    def english(self) -> str:
        """The fact in English, as results.json records it."""
        return (
            f"the lifetime value cannot be computed for {self.customers:,} customers (the "
            "fitted purchase model's expectation is not finite), so no CLV is predicted"
        )


#: Why the spend model or the CLV per customer was dropped (:attr:`ValueModels.dropped`).
ClvDropped = SpendModelUndefined | SpendModelFailed | ClvNotFinite

#: The models' time unit in the customer-value stage: weeks, counted to the day.
TIME_UNIT = "week"

#: Bands of the probability of still being a customer, [low, high), as the report groups them.
ALIVE_BANDS: tuple[tuple[float, float], ...] = (
    (0.0, 0.25),
    (0.25, 0.5),
    (0.5, 0.75),
    (0.75, 1.0000001),
)


def customer_value_table(
    summary: pd.DataFrame,
    bgf: BetaGeoFitter,
    ggf: GammaGammaFitter,
    *,
    time: int = 12,
    discount_rate: float = 0.01,
    freq: str = "D",
    margin: float = 1.0,
) -> pd.DataFrame:
    """Both models applied to an RFM summary: the per-customer predictions a report shows.

    Parameters
    ----------
    summary : DataFrame
        :func:`rfm_summary` output (frequency, recency, T, monetary_value).
    bgf, ggf : BetaGeoFitter, GammaGammaFitter
        Fitted models.
    time, discount_rate, freq, margin
        As in :meth:`GammaGammaFitter.customer_lifetime_value`.

    Returns
    -------
    DataFrame
        The summary's columns plus ``p_alive``, ``expected_purchases`` (over ``time``
        months), ``expected_average_value`` and ``clv``, on the summary's index.
    """
    if freq not in MONTH_IN_UNITS:
        raise ValueError(f"freq must be one of {', '.join(MONTH_IN_UNITS)}, got {freq!r}")
    for column in ("frequency", "recency", "T", "monetary_value"):
        if column not in summary.columns:
            raise ValueError(f"summary needs a {column!r} column (see rfm_summary)")
    f, r, t, m = (summary[c] for c in ("frequency", "recency", "T", "monetary_value"))
    out = summary.copy()
    out["p_alive"] = bgf.conditional_probability_alive(f, r, t)
    out["expected_purchases"] = bgf.conditional_expected_number_of_purchases_up_to_time(
        time * MONTH_IN_UNITS[freq], f, r, t
    )
    out["expected_average_value"] = ggf.conditional_expected_average_profit(f, m)
    out["clv"] = ggf.customer_lifetime_value(
        bgf, f, r, t, m, time=time, discount_rate=discount_rate, freq=freq, margin=margin
    )
    return out


def yearly_to_monthly(rate: float) -> float:
    """The monthly discount rate equivalent to a yearly one: (1 + r)^(1/12) − 1.

    Compounding twelve months at the result gives the yearly rate back, so a customer's
    value discounted month by month equals the same value discounted by the year.

    Examples
    --------
    >>> round(yearly_to_monthly(0.10), 6)
    0.007974
    """
    if rate <= -1:
        raise ValueError(f"rate must be > -1, got {rate!r}")
    return (1 + rate) ** (1 / 12) - 1


class ValueModels:
    """The BG/NBD and Gamma–Gamma models fitted to a customer base, and their predictions.

    Attributes
    ----------
    summary : DataFrame
        :func:`rfm_summary` in weeks (daily purchase periods, ``freq_multiplier=7``).
    bgf : BetaGeoFitter
        The purchase model.
    ggf : GammaGammaFitter or None
        The spend model (None when it could not be fitted; see ``note``).
    predictions : DataFrame
        :func:`customer_value_table` (without ``expected_average_value`` and ``clv`` when
        the spend model is missing).
    observation_end : Timestamp or None
        The last day of the data (from the summary's ``attrs``).
    horizon_months : int
        The CLV horizon.
    monthly_discount_rate : float
        The discount rate per month (:func:`yearly_to_monthly` of the yearly rate).
    yearly_discount_rate : float
    margin : float
        The gross margin the CLV counts (a fraction of revenue).
    dropped : SpendModelUndefined, SpendModelFailed, ClvNotFinite or None
        Why the spend model (or the CLV per customer) is missing, when it is.
    note : str or None
        ``dropped`` in English (results.json's ``customers.clv.model.note``).
    """

    def __init__(
        self,
        summary: pd.DataFrame,
        bgf: BetaGeoFitter,
        ggf: GammaGammaFitter | None,
        predictions: pd.DataFrame,
        *,
        observation_end: pd.Timestamp,
        horizon_months: int,
        yearly_discount_rate: float,
        margin: float,
        dropped: ClvDropped | None = None,
    ) -> None:
        self.summary = summary
        self.bgf = bgf
        self.ggf = ggf
        self.predictions = predictions
        self.observation_end = observation_end
        self.horizon_months = horizon_months
        self.yearly_discount_rate = yearly_discount_rate
        self.monthly_discount_rate = yearly_to_monthly(yearly_discount_rate)
        self.margin = margin
        self.dropped = dropped
        self.note = dropped.english() if dropped is not None else None

    @property
    def has_clv(self) -> bool:
        """Whether per-customer CLV could be predicted (the spend model is fitted)."""
        return "clv" in self.predictions.columns


def fit_value_models(
    summary: pd.DataFrame,
    *,
    margin: float,
    yearly_discount_rate: float,
    horizon_months: int = 36,
) -> ValueModels | NotFitted:
    """Fit BG/NBD and Gamma–Gamma to a customer base and predict each customer's value.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`customer_summary` (weeks).
    margin : float
        Gross margin, the share of revenue that is profit (``finance.gross_margin``).
    yearly_discount_rate : float
        ``finance.discount_rate``; the CLV discounts month by month at
        :func:`yearly_to_monthly` of it.
    horizon_months : int, default 36
        The CLV horizon (the assessment's ``finance.horizon_years`` × 12).

    Returns
    -------
    ValueModels or NotFitted
        The fitted models and per-customer predictions (P(alive), expected purchases over
        the horizon, expected spend per purchase, CLV of margin); or why the purchase model
        cannot be fitted (:class:`NoBuyers`, or :class:`PurchaseModelFailed` with the
        fitter's reason, e.g. no repeat purchases). A spend model that cannot be
        fitted (fewer than 3 repeat customers, or q ≤ 1: mean spend undefined) leaves
        ``ggf`` None and says why in ``dropped`` (``note`` in English).

    Notes
    -----
    Time runs in weeks counted to the day, as in the CDNOW studies; a month is 4.345 weeks
    (:data:`MONTH_IN_UNITS`). The CLV of each customer is
    :meth:`GammaGammaFitter.customer_lifetime_value` with ``margin`` and the monthly rate.
    """
    if summary.empty:
        return NoBuyers()
    end = summary.attrs.get("observation_end")
    try:
        bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    except ValueError as error:
        return PurchaseModelFailed(error=str(error))
    ggf: GammaGammaFitter | None = None
    dropped: ClvDropped | None = None
    try:
        ggf = GammaGammaFitter().fit(summary["frequency"], summary["monetary_value"])
        if ggf.params_["q"] <= 1:
            dropped = SpendModelUndefined(q=float(ggf.params_["q"]))
            ggf = None
    except ValueError as error:
        dropped = SpendModelFailed(error=str(error))
    monthly = yearly_to_monthly(yearly_discount_rate)
    if ggf is not None:
        predictions = customer_value_table(
            summary,
            bgf,
            ggf,
            time=horizon_months,
            discount_rate=monthly,
            freq="W",
            margin=margin,
        )
        unusable = ~np.isfinite(predictions["clv"].to_numpy(dtype=float))
        if unusable.any():  # never a table with holes: no CLV rather than a partial one
            predictions = predictions.drop(columns=["expected_average_value", "clv"])
            dropped = ClvNotFinite(customers=int(unusable.sum()))
            ggf = None
    else:
        f, r, t = (summary[c] for c in ("frequency", "recency", "T"))
        predictions = summary.copy()
        predictions["p_alive"] = bgf.conditional_probability_alive(f, r, t)
        predictions["expected_purchases"] = bgf.conditional_expected_number_of_purchases_up_to_time(
            horizon_months * MONTH_IN_UNITS["W"], f, r, t
        )
    return ValueModels(
        summary,
        bgf,
        ggf,
        predictions,
        observation_end=pd.Timestamp(end) if end is not None else None,
        horizon_months=int(horizon_months),
        yearly_discount_rate=yearly_discount_rate,
        margin=margin,
        dropped=dropped,
    )


def alive_shares(predictions: pd.DataFrame) -> npt.NDArray[np.float64]:
    """Percent of customers in each band of :data:`ALIVE_BANDS` of their ``p_alive``.

    Examples
    --------
    >>> alive_shares(pd.DataFrame({"p_alive": [0.1, 0.6, 0.9, 0.95]})).tolist()
    [25.0, 0.0, 25.0, 50.0]
    """
    p = predictions["p_alive"].to_numpy(float)
    n = max(int(np.isfinite(p).sum()), 1)
    return np.array([float(((p >= lo) & (p < hi)).sum()) / n * 100 for lo, hi in ALIVE_BANDS])


def share_probably_lost(predictions: pd.DataFrame) -> float:
    """Share of customers whose probability of still being a customer is below 50 %.

    NaN without customers.

    Examples
    --------
    >>> share_probably_lost(pd.DataFrame({"p_alive": [0.1, 0.6, 0.9, 0.95]}))
    0.25
    """
    p = predictions["p_alive"].to_numpy(float)
    return float((p < 0.5).mean()) if p.size else float("nan")
