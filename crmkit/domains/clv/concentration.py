"""How concentrated value is across customers: the concentration curve and the Gini coefficient.

:func:`concentration_curve` gives the cumulative share of value held by the largest customers,
:func:`top_share` reads it at any share of customers, :func:`gini_coefficient` sums the
inequality up in one number.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["concentration_curve", "gini_coefficient", "top_share"]


def _non_negative(values: Any) -> pd.Series:
    series = pd.Series(values, dtype=float)
    if series.isna().any():
        raise ValueError("values have missing entries")
    if (series < 0).any():
        raise ValueError("values must be ≥ 0 (revenue or CLV per customer)")
    return series


def concentration_curve(values: Any) -> pd.DataFrame:
    """Share of customers against cumulative share of value, best customers first.

    Parameters
    ----------
    values : Series or array-like
        Non-negative value per customer (revenue, CLV).

    Returns
    -------
    DataFrame
        One row per customer, sorted by value descending (ties by original order):
        ``customer`` (the index label), ``value``, ``customer_share`` (i / n for the i-th
        customer) and ``cumulative_share`` (the top i customers' share of the total). The
        curve starts at (0, 0), which is not a row.

    Examples
    --------
    >>> concentration_curve(pd.Series([10.0, 60.0, 30.0], index=["a", "b", "c"]))
      customer  value  customer_share  cumulative_share
    0        b   60.0        0.333333               0.6
    1        c   30.0        0.666667               0.9
    2        a   10.0        1.000000               1.0
    """
    series = _non_negative(values)
    n = len(series)
    order = np.lexsort((np.arange(n), -series.to_numpy()))
    ordered = series.iloc[order]
    total = ordered.sum()
    cumulative = ordered.cumsum().to_numpy() / total if total > 0 else np.full(n, np.nan)
    return pd.DataFrame(
        {
            "customer": ordered.index.to_numpy(),
            "value": ordered.to_numpy(),
            "customer_share": np.arange(1, n + 1) / n if n else np.empty(0),
            "cumulative_share": cumulative,
        }
    )


def gini_coefficient(values: Any) -> float:
    """Gini coefficient of a non-negative distribution (0 = equal, → 1 = one holds all).

    Notes
    -----
    The population (mean absolute difference) definition:

    .. math::

        G = \\frac{\\sum_i \\sum_j |x_i - x_j|}{2 n^2 \\bar{x}}
          = \\frac{2 \\sum_{i=1}^n i\\, x_{(i)}}{n \\sum_i x_i} - \\frac{n+1}{n}

    with :math:`x_{(i)}` sorted ascending. NaN when all values are 0 or there are none.

    Examples
    --------
    >>> gini_coefficient([1.0, 2.0, 3.0, 4.0])   # 20 / (2 · 16 · 2.5)
    0.25
    """
    x = np.sort(_non_negative(values).to_numpy())
    n = x.size
    total = x.sum()
    if n == 0 or total == 0:
        return math.nan
    i = np.arange(1, n + 1)
    return float(2 * np.sum(i * x) / (n * total) - (n + 1) / n)


def top_share(curve: pd.DataFrame, share: Any) -> Any:
    """The share of value the largest ``share`` of customers hold, read off the curve.

    Parameters
    ----------
    curve : pandas.DataFrame
        :func:`concentration_curve`.
    share : float or array-like
        Shares of customers, largest first (0.2: the top 20 %).

    Returns
    -------
    float or numpy.ndarray
        Linear interpolation of the curve, which starts at (0, 0), at ``share``; a float for
        a float.

    Examples
    --------
    >>> curve = concentration_curve(pd.Series([60.0, 30.0, 10.0]))
    >>> top_share(curve, 0.5)   # halfway between the first (60 %) and the second (90 %)
    0.75
    """
    x = np.r_[0.0, curve["customer_share"].to_numpy(float)]
    y = np.r_[0.0, curve["cumulative_share"].to_numpy(float)]
    held: npt.NDArray[np.float64] = np.interp(share, x, y)
    return float(held) if np.ndim(held) == 0 else held
