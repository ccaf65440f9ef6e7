"""Statistical primitives shared by every test in crmkit, each defined once.

The significance-level and count checks, the two-sided critical values and the upper tail
probabilities of the normal and t distributions, the minimum detectable effect of a z-test and
of a t-test at the kit's power, and the Wilson score interval of a proportion (scalar and
vectorised). They sit at the bottom of the
statistics layer: the comparison tests (:mod:`crmkit.stats.impact`, :mod:`crmkit.stats.comparable`) and the
domains import them from here.

The critical values and tail probabilities come straight from :mod:`scipy.special`: the numbers scipy.stats' methods
give, without their per-call overhead (simulations call these thousands of times).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy import special

__all__ = [
    "POWER",
    "check_alpha",
    "check_count",
    "mde_t",
    "mde_z",
    "normal_sf",
    "t_critical",
    "t_sf",
    "wilson_interval",
    "wilson_intervals",
    "z_critical",
]

#: Power at which minimum detectable effects (``mde``) are computed.
POWER = 0.80


def check_alpha(alpha: float) -> None:
    """Raise ValueError unless ``alpha`` is a number strictly between 0 and 1.

    Parameters
    ----------
    alpha : float
        A significance level (booleans are refused although they are ints).

    Raises
    ------
    ValueError
        When ``alpha`` is not a real number in (0, 1).

    Examples
    --------
    >>> check_alpha(0.05)
    >>> check_alpha(1)
    Traceback (most recent call last):
    ...
    ValueError: alpha must be a number between 0 and 1 (exclusive), got 1
    """
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a number between 0 and 1 (exclusive), got {alpha!r}")


def check_count(value: Any, name: str) -> int:
    """A non-negative whole number given as int or integral float, as an int.

    Parameters
    ----------
    value : int or float
        The count to check.
    name : str
        The count's name, for the error message.

    Returns
    -------
    int
        ``value`` as a Python int.

    Raises
    ------
    ValueError
        When ``value`` is not a finite, non-negative whole number.

    Examples
    --------
    >>> check_count(12.0, "n")
    12
    >>> check_count(1.5, "n")
    Traceback (most recent call last):
    ...
    ValueError: n must be a non-negative whole number, got 1.5
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a non-negative whole number, got {value!r}") from None
    if not math.isfinite(number) or number < 0 or number != math.floor(number):
        raise ValueError(f"{name} must be a non-negative whole number, got {value!r}")
    return int(number)


def z_critical(alpha: float) -> float:
    """The two-sided critical value :math:`z_{1-\\alpha/2}` of the standard normal.

    Parameters
    ----------
    alpha : float
        Significance level.

    Returns
    -------
    float
        The quantile of N(0, 1) at 1 − alpha/2.

    Examples
    --------
    >>> round(z_critical(0.05), 6)
    1.959964
    """
    return float(-special.ndtri(alpha / 2))


def t_critical(alpha: float, df: float) -> float:
    """The two-sided critical value :math:`t_{1-\\alpha/2,\\,df}` of Student's t.

    Parameters
    ----------
    alpha : float
        Significance level.
    df : float
        Degrees of freedom (> 0).

    Returns
    -------
    float
        The quantile of t(df) at 1 − alpha/2.

    Examples
    --------
    >>> round(t_critical(0.05, 10), 6)
    2.228139
    """
    return float(-special.stdtrit(df, alpha / 2))


def normal_sf(x: float) -> float:
    """The upper tail probability :math:`P(Z > x)` of the standard normal.

    Parameters
    ----------
    x : float
        The point.

    Returns
    -------
    float
        :math:`1 - \\Phi(x)`, computed as :math:`\\Phi(-x)` (exact far in the upper tail).

    Examples
    --------
    >>> round(2 * normal_sf(1.959963984540054), 6)
    0.05
    """
    return float(special.ndtr(-x))


def t_sf(x: float, df: float) -> float:
    """The upper tail probability :math:`P(T > x)` of Student's t with ``df`` degrees of freedom.

    Parameters
    ----------
    x : float
        The point.
    df : float
        Degrees of freedom (> 0).

    Returns
    -------
    float
        :math:`P(T_{df} > x)`.

    Examples
    --------
    >>> round(2 * t_sf(2.228139, 10), 6)
    0.05
    """
    return float(special.stdtr(df, -x))


def mde_z(se: float, alpha: float) -> float:
    """Minimum detectable change at :data:`POWER` of a two-sided z-test with standard error se.

    Parameters
    ----------
    se : float
        Standard error of the estimated change.
    alpha : float
        Significance level.

    Returns
    -------
    float
        :math:`(z_{1-\\alpha/2} + z_{power})\\,se`; NaN when ``se`` is not positive and finite.

    Examples
    --------
    >>> round(mde_z(1.0, 0.05), 4)  # 1.96 + 0.8416
    2.8016
    >>> mde_z(0.0, 0.05)
    nan
    """
    if not (se > 0 and math.isfinite(se)):
        return math.nan
    return (z_critical(alpha) + float(special.ndtri(POWER))) * se


def mde_t(se: float, df: float, alpha: float) -> float:
    """Minimum detectable change at :data:`POWER` of a two-sided t-test on ``df`` degrees of freedom.

    Parameters
    ----------
    se : float
        Standard error of the estimated change.
    df : float
        Degrees of freedom of the test.
    alpha : float
        Significance level.

    Returns
    -------
    float
        :math:`(t_{1-\\alpha/2,\\,df} + t_{power,\\,df})\\,se`, the usual approximation to the
        noncentral t; NaN unless ``se`` is positive and finite and ``df`` positive.

    Examples
    --------
    >>> round(mde_t(1.0, 10, 0.05), 4)  # 2.2281 + 0.8791
    3.1072
    >>> mde_t(1.0, 0, 0.05)
    nan
    """
    if not (se > 0 and df > 0 and math.isfinite(se)):
        return math.nan
    return (t_critical(alpha, df) + float(special.stdtrit(df, POWER))) * se


def wilson_intervals(successes: Any, n: Any, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score intervals of many proportions at once (NaN where n is 0).

    Parameters
    ----------
    successes, n : array-like
        Successes and trials, element by element (0 ≤ successes ≤ n, not checked).
    alpha : float, default 0.05
        The intervals have level 1 − alpha.

    Returns
    -------
    tuple of numpy.ndarray
        (low, high), with the shape of the broadcast inputs.

    Notes
    -----
    With :math:`z = z_{1-\\alpha/2}`:

    .. math:: \\frac{x + z^2/2 \\pm z\\sqrt{x(n-x)/n + z^2/4}}{n + z^2}

    clipped to [0, 1], with the bound at 0 (x = 0) or 1 (x = n) exact.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical inference.
    JASA 22, 209–212.

    Examples
    --------
    >>> low, high = wilson_intervals([56, 0], [70, 0])
    >>> [round(float(v), 4) for v in low], [round(float(v), 4) for v in high]
    ([0.6918, nan], [0.877, nan])
    """
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = z_critical(alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (x + z * z / 2) / (n + z * z)
        half = z * np.sqrt(x * (n - x) / n + z * z / 4) / (n + z * z)
    low = np.where(x == 0, 0.0, np.maximum(0.0, centre - half))
    high = np.where(x == n, 1.0, np.minimum(1.0, centre + half))
    empty = n == 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def wilson_interval(successes: int, n: int, *, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval of one proportion.

    Parameters
    ----------
    successes : int
        Number of successes (0 ≤ successes ≤ n).
    n : int
        Number of trials.
    alpha : float, default 0.05
        The interval has level 1 − alpha.

    Returns
    -------
    tuple of float
        (low, high); (NaN, NaN) when n is 0.

    Raises
    ------
    ValueError
        When alpha is not in (0, 1), a count is not a whole number ≥ 0, or successes > n.

    Notes
    -----
    The formula of :func:`wilson_intervals`, checked inputs, Python floats out.

    Examples
    --------
    >>> [round(v, 4) for v in wilson_interval(56, 70)]
    [0.6918, 0.877]
    >>> wilson_interval(0, 10)[0], wilson_interval(10, 10)[1]
    (0.0, 1.0)
    """
    check_alpha(alpha)
    x, trials = check_count(successes, "successes"), check_count(n, "n")
    if x > trials:
        raise ValueError(f"successes ({x}) cannot exceed n ({trials})")
    if trials == 0:
        return math.nan, math.nan
    low, high = wilson_intervals(x, trials, alpha)
    return float(low), float(high)
