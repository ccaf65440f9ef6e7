"""The holdout check of the purchase model: fit on a calibration period, predict the rest.

:func:`holdout_validation` compares, per number of calibration-period repeat purchases, the
BG/NBD model's expected holdout purchases with those that happened (Fader, Hardie & Lee 2005a,
fig. 4); :func:`holdout_check` runs it on the first two thirds of the order history
(:func:`calibration_end`) in weeks, as the customer-value stage does.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from crmkit.domains.clv.fitters import BetaGeoFitter
from crmkit.domains.clv.not_fitted import (
    NO_CALIBRATION_BUYERS,
    CalibrationFitFailed,
    HistoryTooShort,
    NoOrders,
    NotFitted,
)
from crmkit.domains.clv.summary import WEEK_IN_DAYS, rfm_summary

__all__ = [
    "VALIDATION_COLUMNS",
    "calibration_end",
    "holdout_check",
    "holdout_validation",
]

VALIDATION_COLUMNS: tuple[str, ...] = (
    "customers",
    "actual_mean",
    "predicted_mean",
    "actual_total",
    "predicted_total",
    "error_total",
    "error_pct",
    "mae",
    "correlation",
)
"""Columns of :func:`holdout_validation`."""


def holdout_validation(
    orders: pd.DataFrame,
    *,
    calibration_end: Any,
    observation_end: Any,
    freq: str = "D",
    freq_multiplier: float = 1.0,
    max_frequency: int = 7,
) -> pd.DataFrame:
    """Fit BG/NBD on a calibration period and compare its holdout predictions with the facts.

    Parameters
    ----------
    orders : DataFrame
        The orders table (customer_id, order_date, amount).
    calibration_end, observation_end : date
        The calibration period ends at ``calibration_end`` (inclusive); the holdout runs to
        ``observation_end``.
    freq, freq_multiplier
        As in :func:`rfm_summary`.
    max_frequency : int
        Calibration frequencies of this or more share the last bucket ("7+").

    Returns
    -------
    DataFrame
        Indexed by ``bucket`` ("0", "1", …, "7+", then "all"), with columns

        ``customers``        customers in the bucket
        ``actual_mean``      mean holdout repeat purchases per customer
        ``predicted_mean``   mean of the model's conditional expectations
        ``actual_total``     holdout repeat purchases of the bucket
        ``predicted_total``  the model's expected total
        ``error_total``      predicted_total − actual_total
        ``error_pct``        error_total / actual_total (NaN if actual_total is 0)
        ``mae``              mean absolute error per customer
        ``correlation``      Pearson correlation of predicted and actual per customer

        ``attrs["params"]`` holds the fitted (r, alpha, a, b) and ``attrs["log_likelihood"]``
        the calibration log-likelihood.

    Notes
    -----
    This is the check of Fader, Hardie & Lee (2005a, fig. 4): customers grouped by the
    number of repeat purchases in the calibration period, the mean of the model's
    conditional expectation for the holdout against the mean actually observed.
    """
    if max_frequency < 1:
        raise ValueError("max_frequency must be ≥ 1")
    data = rfm_summary(
        orders,
        observation_end=observation_end,
        calibration_end=calibration_end,
        freq=freq,
        freq_multiplier=freq_multiplier,
    )
    if data.empty:
        raise ValueError(NO_CALIBRATION_BUYERS)
    bgf = BetaGeoFitter().fit(data["frequency"], data["recency"], data["T"])
    predicted = np.asarray(
        bgf.conditional_expected_number_of_purchases_up_to_time(
            data["duration_holdout"], data["frequency"], data["recency"], data["T"]
        ),
        dtype=float,
    )
    actual = data["frequency_holdout"].to_numpy(dtype=float)
    bucket = np.minimum(data["frequency"].to_numpy(), max_frequency)
    labels = [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"]
    rows = []
    for k, label in enumerate(labels):
        mask = bucket == k
        rows.append(_validation_row(label, actual[mask], predicted[mask]))
    rows.append(_validation_row("all", actual, predicted))
    table = pd.DataFrame(rows).set_index("bucket")
    table.attrs["params"] = bgf.params_.to_dict()
    table.attrs["log_likelihood"] = bgf.log_likelihood_
    return table


def _validation_row(
    label: str, actual: npt.NDArray[np.float64], predicted: npt.NDArray[np.float64]
) -> dict[str, Any]:
    n = int(actual.size)
    total_a, total_p = float(actual.sum()), float(predicted.sum())
    if n >= 2 and np.ptp(actual) > 0 and np.ptp(predicted) > 0:
        corr = float(np.corrcoef(actual, predicted)[0, 1])
    else:
        corr = math.nan
    return {
        "bucket": label,
        "customers": n,
        "actual_mean": total_a / n if n else math.nan,
        "predicted_mean": total_p / n if n else math.nan,
        "actual_total": total_a,
        "predicted_total": total_p,
        "error_total": total_p - total_a,
        "error_pct": (total_p - total_a) / total_a if total_a > 0 else math.nan,
        "mae": float(np.mean(np.abs(predicted - actual))) if n else math.nan,
        "correlation": corr,
    }


def calibration_end(orders: pd.DataFrame, *, fraction: float = 2 / 3) -> pd.Timestamp:
    """Where the holdout check's calibration period ends: ``fraction`` of the order history.

    Parameters
    ----------
    orders : pandas.DataFrame
        The orders table (``order_date``).
    fraction : float, default 2/3
        Share of the history (first to last order day) used to fit the model; the rest is
        the holdout.

    Returns
    -------
    pandas.Timestamp
        The last day of the calibration period.

    Examples
    --------
    >>> o = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-01", "2024-01-31"])})
    >>> calibration_end(o)
    Timestamp('2024-01-21 00:00:00')
    """
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction!r}")
    dates = pd.to_datetime(orders["order_date"]).dropna()
    if dates.empty:
        raise ValueError("the orders have no dates")
    first, last = dates.min().normalize(), dates.max().normalize()
    return first + pd.Timedelta(days=math.floor((last - first).days * fraction))


def holdout_check(
    orders: pd.DataFrame, *, fraction: float = 2 / 3, max_frequency: int = 7
) -> pd.DataFrame | NotFitted:
    """:func:`holdout_validation` on the first ``fraction`` of the history, or why it cannot run
    (:class:`NoOrders`, :class:`HistoryTooShort` or :class:`CalibrationFitFailed`).

    The model is fitted in weeks (as :func:`fit_value_models`). ``attrs`` of the result add
    ``calibration_end`` and ``observation_end``.
    """
    if orders is None or orders.empty:
        return NoOrders()
    end = pd.to_datetime(orders["order_date"]).max()
    cut = calibration_end(orders, fraction=fraction)
    if cut >= end:
        return HistoryTooShort()
    try:
        table = holdout_validation(
            orders,
            calibration_end=cut,
            observation_end=end,
            freq="D",
            freq_multiplier=WEEK_IN_DAYS,
            max_frequency=max_frequency,
        )
    except ValueError as error:
        return CalibrationFitFailed(error=str(error))
    table.attrs["calibration_end"] = cut
    table.attrs["observation_end"] = end
    return table
