"""Placebo go-lives: the same estimator at fake go-live dates before the real one.

A before/after estimate is only worth a verdict if go-live dates without a go-live do not
produce effects like it. :func:`placebo_go_lives` runs an estimator at every fake go-live
month d whose whole windows fit in the history before the real go-live
(first month ≤ d − before_months and d + after_months ≤ real go-live), and places the real
effect in that placebo distribution.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmkit.stats.primitives import check_alpha
from crmkit.stats.rollout.status import PlaceboStatus

__all__ = ["PlaceboResult", "minimum_placebos", "placebo_go_lives"]


def minimum_placebos(alpha: float) -> int:
    """The fewest placebo dates with which the real effect can lie outside at level alpha.

    With n placebos the smallest two-sided empirical p-value is 1 / (n + 1), so n must be at
    least ⌈1 / alpha⌉ − 1 (19 at alpha = 0.05).

    >>> minimum_placebos(0.05), minimum_placebos(0.10)
    (19, 9)
    """
    check_alpha(alpha)
    return max(math.ceil(1 / alpha - 1e-9) - 1, 1)


@dataclass(frozen=True)
class PlaceboResult:
    """The placebo distribution of an estimate and the real effect's place in it."""

    status: PlaceboStatus
    real_effect: float
    placebos: pd.DataFrame  #: go_live (pd.Period, monthly), effect: one row per fake date
    n: int  #: placebo dates with a finite effect
    p_value: float  #: (1 + #{|placebo| ≥ |real|}) / (n + 1); NaN when the status is not ok
    outside: bool  #: p_value ≤ alpha (False when the status is not ok)
    min_placebos: int  #: the minimum used for the status


def _month(value: Any) -> pd.Period:
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    return pd.Period(pd.Timestamp(value), freq="M")


def placebo_go_lives(
    estimate: Callable[[pd.Period, int, int], float],
    *,
    first_month: Any,
    last_month: Any,
    go_live: Any,
    before_months: int,
    after_months: int,
    alpha: float = 0.05,
    min_placebos: int | None = None,
    real_effect: float | None = None,
) -> PlaceboResult:
    """Run ``estimate`` at fake go-lives and rank the real effect among them.

    Parameters
    ----------
    estimate : callable
        ``estimate(go_live, before_months, after_months) -> float``, the effect of a go-live
        in that month (a monthly pd.Period) with those window lengths; NaN when it cannot be
        computed (those dates are left out).
    first_month, last_month : date or pd.Period
        The first and last month with data.
    go_live : date or pd.Period
        The real go-live month.
    before_months, after_months : int
        Window lengths, the same for the real and the fake dates.
    alpha : float
        Level of the "outside" call.
    min_placebos : int, optional
        Fewer usable placebo dates give :attr:`PlaceboStatus.HISTORY_TOO_SHORT`; default
        :func:`minimum_placebos` (19 at alpha = 0.05).
    real_effect : float, optional
        The real effect if already computed (else ``estimate`` at the real go-live).

    Returns
    -------
    PlaceboResult

    Notes
    -----
    Placebo windows of neighbouring months overlap, so the placebo effects are correlated;
    the empirical p-value is exact only under exchangeability of the dates and approximate
    otherwise. Only placebos whose after-window ends before the real go-live are used, so no
    placebo contains any of the real effect.

    Examples
    --------
    >>> series = {pd.Period("2020-01", "M") + k: float(k % 3) for k in range(60)}
    >>> def before_after(go, before, after):
    ...     pre = [series[go - j] for j in range(1, before + 1)]
    ...     post = [series[go + j] + (5.0 if go + j >= pd.Period("2024-06", "M") else 0.0)
    ...             for j in range(after)]
    ...     return sum(post) / after - sum(pre) / before
    >>> result = placebo_go_lives(before_after, first_month="2020-01", last_month="2024-12",
    ...                           go_live="2024-06", before_months=3, after_months=3)
    >>> result.n, round(result.real_effect, 6), result.outside, str(result.status)  # 2020-04 … 2024-03
    (48, 5.0, True, 'ok')
    """
    check_alpha(alpha)
    if before_months < 1 or after_months < 1:
        raise ValueError(
            f"window lengths must be at least one month, got {before_months}, {after_months}"
        )
    first, last, real = _month(first_month), _month(last_month), _month(go_live)
    if not first <= real <= last:
        raise ValueError(f"go_live {real} lies outside the data's months {first} … {last}")
    needed = minimum_placebos(alpha) if min_placebos is None else min_placebos
    effect = estimate(real, before_months, after_months) if real_effect is None else real_effect
    start, stop = first + before_months, real - after_months
    dates = [start + k for k in range((stop - start).n + 1)] if stop >= start else []
    values = np.array([estimate(date, before_months, after_months) for date in dates], dtype=float)
    placebos = pd.DataFrame({"go_live": pd.PeriodIndex(dates, freq="M"), "effect": values})
    finite = values[np.isfinite(values)]
    n = int(finite.size)
    if n < needed or not np.isfinite(effect):
        return PlaceboResult(
            PlaceboStatus.HISTORY_TOO_SHORT, float(effect), placebos, n, math.nan, False, needed
        )
    p_value = (1 + int(np.sum(np.abs(finite) >= abs(effect) * (1 - 1e-12)))) / (n + 1)
    return PlaceboResult(
        PlaceboStatus.OK, float(effect), placebos, n, p_value, p_value <= alpha, needed
    )
