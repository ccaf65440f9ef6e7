"""Per-customer recency, frequency and monetary summaries of the orders: the models' input.

:func:`rfm_summary` turns an orders table into one row per customer (frequency, recency, T,
monetary value, revenue; optionally split into calibration and holdout periods), the way the
BTYD models expect them; :func:`customer_summary` is the same in weeks up to the data's end, as
the customer-value stage uses it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from crmkit.data.dates import as_timestamp
from crmkit.data.exceptions import InputError

__all__ = ["HOLDOUT_COLUMNS", "RFM_COLUMNS", "WEEK_IN_DAYS", "customer_summary", "rfm_summary"]

RFM_COLUMNS: tuple[str, ...] = ("frequency", "recency", "T", "monetary_value", "revenue")
"""Columns of :func:`rfm_summary` (without a holdout split)."""

HOLDOUT_COLUMNS: tuple[str, ...] = ("frequency_holdout", "duration_holdout", "monetary_holdout")
"""Columns :func:`rfm_summary` adds when given ``calibration_end``."""

#: ``freq_multiplier`` of daily purchase periods counted in weeks (as in the CDNOW studies).
WEEK_IN_DAYS = 7.0


def _ordinals(dates: pd.Series, freq: str) -> npt.NDArray[np.int64]:
    """Period numbers of ``dates`` at frequency ``freq`` (consecutive periods differ by 1)."""
    if freq == "D":  # fast path: whole days since the epoch
        values = dates.to_numpy(dtype="datetime64[ns]")
        return values.astype("datetime64[D]").astype(np.int64)
    return np.asarray(dates.dt.to_period(freq).array.asi8, dtype=np.int64)


def _day_after(stamp: pd.Timestamp) -> pd.Timestamp:
    """The first instant after ``stamp``'s day when it is a date (midnight), else just after it."""
    if stamp == stamp.normalize():
        return stamp + pd.Timedelta(days=1)
    return stamp + pd.Timedelta(1, unit="ns")


def _ordinal_of(stamp: pd.Timestamp, freq: str) -> int:
    return int(_ordinals(pd.Series([stamp]), freq)[0])


def rfm_summary(
    orders: pd.DataFrame,
    *,
    observation_end: Any,
    freq: str = "D",
    calibration_end: Any = None,
    freq_multiplier: float = 1.0,
    customer_column: str = "customer_id",
    date_column: str = "order_date",
    amount_column: str = "amount",
) -> pd.DataFrame:
    """Recency, frequency and monetary value per customer, as the BTYD models expect them.

    Orders are grouped into purchase periods of ``freq`` per customer (several orders on one
    day count as one purchase of their summed amount when ``freq="D"``). A customer's clock
    starts at the period of the first purchase.

    Parameters
    ----------
    orders : DataFrame
        The orders table: ``customer_id``, ``order_date`` (datetime64), ``amount``. Rows without
        a customer or a date are ignored; a missing amount counts as a purchase of 0.
    observation_end : date
        End of the observation period (inclusive: a date without a time includes its whole
        day); later orders are ignored.
    freq : {"D", "W", "M", ...}
        Length of a purchase period (a pandas period alias).
    calibration_end : date, optional
        If given, the summary columns describe the calibration period (orders up to and
        including this date, customers whose first purchase falls in it) and the holdout
        columns describe (calibration_end, observation_end]. With periods longer than a
        day, end both periods on a period's last day (a purchase period that straddles
        ``calibration_end`` counts on both sides).
    freq_multiplier : float
        Ages are counted in periods of ``freq`` divided by this: ``freq="D"`` with 7 gives
        weeks measured to the day, as in the CDNOW studies.
    customer_column, date_column, amount_column : str
        Column names, if not the canonical ones.

    Returns
    -------
    DataFrame
        Indexed by ``customer_id`` (sorted), one row per customer who bought in the period:

        ``frequency``         repeat purchases: distinct purchase periods − 1
        ``recency``           age at the last purchase (0 if only one purchase)
        ``T``                 age at ``observation_end`` (at ``calibration_end`` if given)
        ``monetary_value``    mean amount of the repeat purchases (excluding the first
                              purchase, as the Gamma–Gamma model expects); 0 if frequency 0
        ``revenue``           total amount of all purchases, the first included

        With ``calibration_end``, also:

        ``frequency_holdout`` purchase periods in the holdout
        ``duration_holdout``  length of the holdout, in the same unit as T
        ``monetary_holdout``  mean amount per holdout purchase (0 if none)

    Raises
    ------
    InputError
        If a required column is missing.
    ValueError
        If the dates are not dates, ``calibration_end`` is not before ``observation_end``,
        or ``freq_multiplier`` is not positive.

    Notes
    -----
    With ordinal period numbers :math:`o`, for a customer with purchase periods
    :math:`o_1 < \\dots < o_{x+1}` and end period :math:`o_e`: frequency :math:`= x`,
    recency :math:`= (o_{x+1} - o_1)/k`, :math:`T = (o_e - o_1)/k`, with :math:`k` the
    ``freq_multiplier``. This is the convention of lifetimes' ``summary_data_from_transaction_data``
    and of the CDNOW summary files.

    Examples
    --------
    >>> orders = pd.DataFrame({
    ...     "customer_id": ["a", "a", "a", "b"],
    ...     "order_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2025-01-11", "2025-01-21"]),
    ...     "amount": [10.0, 5.0, 30.0, 8.0]})
    >>> rfm_summary(orders, observation_end="2025-01-31")  # doctest: +NORMALIZE_WHITESPACE
                 frequency  recency     T  monetary_value  revenue
    customer_id
    a                    1     10.0  30.0            30.0     45.0
    b                    0      0.0  10.0             0.0      8.0
    """
    for column in (customer_column, date_column, amount_column):
        if column not in orders.columns:
            raise InputError(
                f"orders need a {column!r} column to summarise customers", column=column
            )
    if not freq_multiplier > 0:
        raise ValueError(f"freq_multiplier must be positive, got {freq_multiplier!r}")
    end = as_timestamp(observation_end, "observation_end")
    cal = as_timestamp(calibration_end, "calibration_end") if calibration_end is not None else None
    if cal is not None and not cal < end:
        raise ValueError("calibration_end must be before observation_end")

    dates = orders[date_column]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        try:
            dates = pd.to_datetime(dates)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{date_column} must hold dates") from error
    keep = dates.notna().to_numpy() & orders[customer_column].notna().to_numpy()
    keep &= (dates < _day_after(end)).to_numpy()
    kept_dates = dates[keep]
    holdout_side = (
        (kept_dates >= _day_after(cal)).to_numpy() if cal is not None else np.zeros(0, bool)
    )
    end_ordinal = _ordinal_of(end, freq)
    cal_ordinal = _ordinal_of(cal, freq) if cal is not None else end_ordinal

    codes, uniques = pd.factorize(orders[customer_column].to_numpy()[keep], sort=True)
    per_period = (
        pd.DataFrame(
            {
                "side": holdout_side if cal is not None else np.zeros(len(codes), dtype=bool),
                "code": codes,
                "period": _ordinals(kept_dates, freq),
                "amount": pd.to_numeric(orders[amount_column], errors="coerce")
                .fillna(0.0)
                .to_numpy(dtype=float)[keep],
            }
        )
        .groupby(["side", "code", "period"], sort=True)["amount"]
        .sum()
    )
    side = per_period.index.get_level_values(0).to_numpy()
    code = per_period.index.get_level_values(1).to_numpy()
    period = per_period.index.get_level_values(2).to_numpy()
    amount = per_period.to_numpy(dtype=float)

    in_cal = ~side
    columns = _rfm_from_periods(code[in_cal], period[in_cal], amount[in_cal], cal_ordinal)
    customers = columns.pop("code")
    result = pd.DataFrame(
        {
            "frequency": columns["frequency"],
            "recency": columns["recency"] / freq_multiplier,
            "T": columns["T"] / freq_multiplier,
            "monetary_value": columns["monetary_value"],
            "revenue": columns["revenue"],
        },
        index=pd.Index(np.asarray(uniques)[customers], name="customer_id"),
    )
    if cal is None:
        return result

    hold = ~in_cal
    n_hold = np.bincount(code[hold], minlength=len(uniques))[customers]
    sum_hold = np.bincount(code[hold], weights=amount[hold], minlength=len(uniques))[customers]
    result["frequency_holdout"] = n_hold.astype(np.int64)
    result["duration_holdout"] = (end_ordinal - cal_ordinal) / freq_multiplier
    result["monetary_holdout"] = np.divide(
        sum_hold, n_hold, out=np.zeros(len(n_hold), dtype=float), where=n_hold > 0
    )
    return result


def _rfm_from_periods(
    code: npt.NDArray[np.int64],
    period: npt.NDArray[np.int64],
    amount: npt.NDArray[np.float64],
    end_ordinal: int,
) -> dict[str, npt.NDArray[Any]]:
    """Per-customer RFM from one row per (customer, period), sorted by customer then period."""
    if code.size == 0:
        empty = np.empty(0)
        return {
            "code": np.empty(0, dtype=np.int64),
            "frequency": np.empty(0, dtype=np.int64),
            "recency": empty,
            "T": empty,
            "monetary_value": empty,
            "revenue": empty,
        }
    starts = np.flatnonzero(np.r_[True, code[1:] != code[:-1]])
    stops = np.r_[starts[1:], code.size]
    n = stops - starts
    first = period[starts]
    last = period[stops - 1]
    revenue = np.add.reduceat(amount, starts)
    repeat = revenue - amount[starts]
    frequency = n - 1
    monetary = np.divide(repeat, frequency, out=np.zeros(len(n), dtype=float), where=frequency > 0)
    return {
        "code": code[starts],
        "frequency": frequency.astype(np.int64),
        "recency": (last - first).astype(float),
        "T": (end_ordinal - first).astype(float),
        "monetary_value": monetary,
        "revenue": revenue,
    }


def customer_summary(orders: pd.DataFrame, *, observation_end: Any = None) -> pd.DataFrame:
    """Each customer's purchase history in weeks, up to the data's end: the models' input.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``, ``amount`` (all units: the whole customer base).
    observation_end : date, optional
        The data's last day (default: the last order date).

    Returns
    -------
    pandas.DataFrame
        :func:`rfm_summary` with daily purchase periods counted in weeks (``freq="D"``,
        ``freq_multiplier=7``, as in the CDNOW studies); ``attrs["observation_end"]`` holds
        the end used. Without any dated order, an empty summary (end None).

    Examples
    --------
    >>> o = pd.DataFrame({"customer_id": ["a", "a"], "amount": [10.0, 30.0],
    ...                   "order_date": pd.to_datetime(["2025-01-01", "2025-01-15"])})
    >>> customer_summary(o)[["frequency", "recency", "T"]].to_dict("list")
    {'frequency': [1], 'recency': [2.0], 'T': [2.0]}
    """
    dates = pd.to_datetime(orders["order_date"])
    if observation_end is None:
        if dates.dropna().empty:  # no orders: no customers to summarise
            empty = pd.DataFrame(
                {c: pd.Series(dtype=np.int64 if c == "frequency" else float) for c in RFM_COLUMNS},
                index=pd.Index([], name="customer_id"),
            )
            empty.attrs["observation_end"] = None
            return empty
        end = dates.max()
    else:
        end = as_timestamp(observation_end, "observation_end")
    summary = rfm_summary(orders, observation_end=end, freq="D", freq_multiplier=WEEK_IN_DAYS)
    summary.attrs["observation_end"] = pd.Timestamp(end)
    return summary
