"""The Gamma–Gamma model of spend per purchase (FHL 2005b): :class:`GammaGammaFitter`.

With the BG/NBD model of :mod:`crmkit.domains.clv.fitters.beta_geo` it gives each customer's
discounted lifetime value; :func:`independence_check` tests the model's assumption that spend
per purchase does not depend on how often a customer buys.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import special, stats

from crmkit.domains.clv.fitters.base import (
    MONTH_IN_UNITS,
    ArrayLike,
    BaseFitter,
    as_arrays,
    wrap_like,
)
from crmkit.domains.clv.fitters.beta_geo import BetaGeoFitter

__all__ = ["GammaGammaFitter", "independence_check"]


class GammaGammaFitter(BaseFitter):
    """The Gamma–Gamma model of spend per purchase (Fader, Hardie & Lee 2005b).

    A customer's purchase amounts are Gamma(p, ν) with ν ~ Gamma(q, v) across customers, so
    each customer's mean spend is pulled towards the population mean in proportion to how
    few purchases it rests on. Fitted on the customers with at least one repeat purchase.

    Parameters
    ----------
    ci_level : float
        Level of the intervals in :attr:`summary`.

    Attributes
    ----------
    params_ : Series
        ``p``, ``q``, ``v`` (the papers' γ).
    log_likelihood_ : float
        The maximised log-likelihood.
    n_ : int
        Customers used (frequency > 0 and monetary value > 0).
    n_excluded_ : int
        Customers left out: no repeat purchase, or a non-positive mean spend.
    independence_ : DataFrame
        :func:`independence_check` of the customers used: the model assumes spend per
        purchase is independent of purchase frequency.
    converged_ : bool
        Whether the optimiser reached a stationary point.

    Notes
    -----
    The likelihood of a customer's mean spend :math:`m_x` over :math:`x` purchases
    (Fader & Hardie 2013, eq. 3):

    .. math::

        f(m_x \\mid p, q, v, x) = \\frac{\\Gamma(px+q)}{\\Gamma(px)\\Gamma(q)}
            \\frac{v^q m_x^{px-1} x^{px}}{(v + m_x x)^{px+q}}

    Examples
    --------
    >>> ggf = GammaGammaFitter().fit([1, 2, 3, 1, 4, 2, 5], [20.0, 35.0, 28.0, 15.0, 30.0, 50.0, 25.0])
    >>> list(ggf.params_.index)
    ['p', 'q', 'v']
    """

    _param_names = ("p", "q", "v")

    def fit(
        self,
        frequency: ArrayLike,
        monetary_value: ArrayLike,
        *,
        weights: ArrayLike | None = None,
        initial_params: Sequence[float] | None = None,
        tol: float = 1e-9,
        maxiter: int = 2000,
    ) -> GammaGammaFitter:
        """Fit the model by maximum likelihood on the customers with frequency > 0.

        Parameters
        ----------
        frequency : array-like
            Repeat purchases per customer.
        monetary_value : array-like
            Mean amount of those repeat purchases.
        weights : array-like, optional
            Number of customers with each (frequency, monetary_value).
        initial_params : sequence of 3 floats, optional
            Starting (p, q, v); default (1, 1, 1).
        tol, maxiter
            Optimiser settings, as in :meth:`BetaGeoFitter.fit`.

        Returns
        -------
        GammaGammaFitter
            ``self``, fitted.
        """
        x, m = as_arrays(frequency, monetary_value)
        x, m = x.ravel(), m.ravel()
        if x.size == 0:
            raise ValueError("no customers: frequency and monetary_value are empty")
        if not (np.isfinite(x).all() and np.isfinite(m).all()):
            raise ValueError("frequency and monetary_value must be finite")
        w = self._weights(weights, x)
        used = (x > 0) & (m > 0)
        if used.sum() < 3:
            raise ValueError(
                "the Gamma–Gamma model needs at least 3 customers with repeat purchases"
            )
        self.n_excluded_ = int(round(w[~used].sum()))
        self.independence_ = independence_check(x[used], m[used])
        initial = self._initial(initial_params, np.ones(3))
        self._maximise((x[used], m[used]), w[used], initial, tol, maxiter)
        return self

    def _loglik_and_grad(
        self, params: npt.NDArray[np.float64], data: tuple[npt.NDArray[np.float64], ...]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        p, q, v = params
        x, m = data
        px = p * x
        log_xm_v = np.log(x * m + v)
        ll = (
            special.gammaln(px + q)
            - special.gammaln(px)
            - special.gammaln(q)
            + q * np.log(v)
            + (px - 1) * np.log(m)
            + px * np.log(x)
            - (px + q) * log_xm_v
        )
        psi = special.digamma(px + q)
        d_p = x * (psi - special.digamma(px) + np.log(m) + np.log(x) - log_xm_v)
        d_q = psi - special.digamma(q) + np.log(v) - log_xm_v
        d_v = q / v - (px + q) / (x * m + v)
        return ll, np.vstack([d_p, d_q, d_v])

    def conditional_expected_average_profit(
        self, frequency: ArrayLike, monetary_value: ArrayLike
    ) -> Any:
        """Expected mean spend per purchase given the customer's history (FHL 2005b, eq. 5).

        .. math::

            E(M \\mid p, q, v, m_x, x) = \\frac{q-1}{px+q-1}\\frac{pv}{q-1}
                + \\frac{px}{px+q-1} m_x

        a weighted mean of the population mean :math:`pv/(q-1)` and the customer's own mean
        :math:`m_x`. For a customer without repeat purchases it is the population mean.
        Needs :math:`q > 1`.
        """
        self._require_fit()
        p, q, v = self.params_.to_numpy()
        if q <= 1:
            raise ValueError(f"the expected spend needs q > 1 (fitted q = {q:.3g})")
        x, m = as_arrays(frequency, monetary_value)
        value = (p * v + p * x * m) / (p * x + q - 1)
        return wrap_like(value, frequency, monetary_value, name="expected_average_value")

    def customer_lifetime_value(
        self,
        bgf: BetaGeoFitter,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        monetary_value: ArrayLike,
        *,
        time: int = 12,
        discount_rate: float = 0.01,
        freq: str = "D",
        margin: float = 1.0,
    ) -> Any:
        """Discounted value of each customer's expected purchases over the next ``time`` months.

        Parameters
        ----------
        bgf : BetaGeoFitter
            A fitted model of the purchases, in the time unit named by ``freq``.
        frequency, recency, T, monetary_value : array-like
            The customers' RFM summary (as for the models' fits).
        time : int
            Horizon in months.
        discount_rate : float
            Discount rate per month (0.01 a month ≈ 12.7 % a year).
        freq : {"D", "W", "M", "H"}
            The models' time unit: a month is 30 days, 4.345 weeks, 1 month or 720 hours.
        margin : float
            Fraction of the spend that is profit (1 = the CLV of revenue).

        Returns
        -------
        Series or array
            CLV per customer, in the currency of ``monetary_value``.

        Notes
        -----
        As in the lifetimes package: with :math:`k` units in a month,

        .. math::

            CLV = \\sum_{i=1}^{time} \\text{margin} \\cdot E(M) \\cdot
                  \\frac{E[Y(ik)] - E[Y((i-1)k)]}{(1+d)^i}

        each month's expected purchases discounted at the month's end.
        """
        if freq not in MONTH_IN_UNITS:
            raise ValueError(f"freq must be one of {', '.join(MONTH_IN_UNITS)}, got {freq!r}")
        if int(time) != time or time < 1:
            raise ValueError("time must be a whole number of months ≥ 1")
        if discount_rate <= -1:
            raise ValueError("discount_rate must be > -1")
        bgf._require_fit()
        factor = MONTH_IN_UNITS[freq]
        x, t_x, big_t, m = as_arrays(frequency, recency, T, monetary_value)
        value = np.asarray(self.conditional_expected_average_profit(x, m), dtype=float) * margin
        clv = np.zeros_like(value)
        previous = np.zeros_like(value)
        for month in range(1, int(time) + 1):
            cumulative = bgf._conditional_expectation(
                np.full_like(x, month * factor), x, t_x, big_t
            )
            clv += value * (cumulative - previous) / (1 + discount_rate) ** month
            previous = cumulative
        return wrap_like(clv, frequency, recency, T, monetary_value, name="clv")


def independence_check(
    frequency: ArrayLike, monetary_value: ArrayLike, *, threshold: float = 0.3
) -> pd.DataFrame:
    """Check the Gamma–Gamma assumption that spend per purchase is independent of frequency.

    Parameters
    ----------
    frequency, monetary_value : array-like
        Repeat purchases and mean repeat spend of the customers with frequency > 0.
    threshold : float
        Largest absolute Pearson correlation still called "near zero" (a rule of thumb:
        below 0.3 is a weak correlation in Cohen's terms).

    Returns
    -------
    DataFrame
        One row: ``n``, ``pearson_r``, ``pearson_p``, ``spearman_rho``, ``spearman_p``,
        ``assumption_ok`` (``|pearson_r| < threshold``; False without the data for a
        correlation: fewer than 3 repeat customers, or no variation).

    Notes
    -----
    The model treats a customer's spend per purchase as independent of how often the customer
    buys (Fader & Hardie 2013). The usual check, as in the lifetimes documentation, is the
    Pearson correlation of mean repeat spend and number of repeat purchases (0.11 on CDNOW's
    946 repeat customers); the Spearman correlation is reported beside it because spend is
    skewed.
    """
    x, m = (np.asarray(v, dtype=float).ravel() for v in (frequency, monetary_value))
    keep = (x > 0) & np.isfinite(m)
    x, m = x[keep], m[keep]
    n = int(x.size)
    if n < 3 or np.ptp(x) == 0 or np.ptp(m) == 0:
        r = p_r = rho = p_rho = math.nan
        ok = False
    else:
        r, p_r = (float(v) for v in stats.pearsonr(x, m))
        rho, p_rho = (float(v) for v in stats.spearmanr(x, m))
        ok = abs(r) < threshold
    return pd.DataFrame(
        {
            "n": [n],
            "pearson_r": [r],
            "pearson_p": [p_r],
            "spearman_rho": [rho],
            "spearman_p": [p_rho],
            "assumption_ok": [ok],
        }
    )
