"""The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005a): :class:`BetaGeoFitter`.

Its log-likelihood and gradient (:func:`_bgnbd_loglik`), evaluated for all customers at once,
and the series that keeps the conditional expectation finite when the fit finds almost no
dropout (:func:`_pfaff_series`). References: see :mod:`crmkit.domains.clv`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import special

from crmkit.domains.clv.fitters.base import ArrayLike, BaseFitter, as_arrays, wrap_like

#: The error when no customer bought twice: there is nothing to estimate the model from.
NO_REPEAT_PURCHASE = "no customer made a repeat purchase: the BG/NBD parameters cannot be estimated"

__all__ = ["NO_REPEAT_PURCHASE", "BetaGeoFitter"]


def _check_rft(
    frequency: npt.NDArray[np.float64],
    recency: npt.NDArray[np.float64],
    T: npt.NDArray[np.float64],
) -> None:
    if frequency.size == 0:
        raise ValueError("no customers: frequency, recency and T are empty")
    for name, arr in (("frequency", frequency), ("recency", recency), ("T", T)):
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} must be finite (found NaN or infinity)")
        if np.any(arr < 0):
            raise ValueError(f"{name} must be ≥ 0")
    if np.any(np.abs(frequency - np.round(frequency)) > 1e-9):
        raise ValueError("frequency must be a whole number of repeat purchases")
    if np.any(recency > T * (1 + 1e-12) + 1e-12):
        raise ValueError("recency (age at last purchase) cannot exceed T (age at the end)")


class BetaGeoFitter(BaseFitter):
    """The BG/NBD model of repeat buying (Fader, Hardie & Lee 2005a).

    While alive, a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each
    purchase the customer drops out with probability p ~ Beta(a, b). Fitted by maximum
    likelihood on the customers' (frequency, recency, T).

    Parameters
    ----------
    ci_level : float
        Level of the intervals in :attr:`summary`.

    Attributes
    ----------
    params_ : Series
        ``r``, ``alpha``, ``a``, ``b``.
    log_likelihood_ : float
        The maximised log-likelihood (of the data in the units given).
    n_ : int
        Number of customers (sum of the weights).
    converged_ : bool
        Whether the optimiser reached a stationary point.

    Notes
    -----
    The likelihood of a customer with :math:`x` repeat purchases, the last at age
    :math:`t_x`, observed to age :math:`T` (FHL 2005a, eq. 6):

    .. math::

        L = \\frac{B(a, b+x)}{B(a, b)} \\frac{\\Gamma(r+x)\\alpha^r}{\\Gamma(r)(\\alpha+T)^{r+x}}
          + \\delta_{x>0} \\frac{B(a+1, b+x-1)}{B(a, b)}
            \\frac{\\Gamma(r+x)\\alpha^r}{\\Gamma(r)(\\alpha+t_x)^{r+x}}

    evaluated in logs (``gammaln``, ``betaln``, ``logaddexp``) for all customers at once, and
    maximised over the log parameters with an analytic gradient (L-BFGS-B, then Newton
    steps on a numerical Hessian of that gradient, whose inverse gives the standard errors).

    References
    ----------
    Fader, Hardie & Lee (2005a), see the module docstring.

    Examples
    --------
    >>> bgf = BetaGeoFitter().fit([0, 2, 5, 1, 0, 3], [0.0, 20.0, 35.0, 5.0, 0.0, 30.0],
    ...                           [38.0, 38.0, 38.0, 30.0, 25.0, 36.0])
    >>> list(bgf.params_.index)
    ['r', 'alpha', 'a', 'b']
    >>> bool(bgf.conditional_probability_alive(0, 0.0, 38.0) == 1.0)
    True
    """

    _param_names = ("r", "alpha", "a", "b")

    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        *,
        weights: ArrayLike | None = None,
        initial_params: Sequence[float] | None = None,
        tol: float = 1e-9,
        maxiter: int = 2000,
    ) -> BetaGeoFitter:
        """Fit the model by maximum likelihood.

        Parameters
        ----------
        frequency, recency, T : array-like
            Repeat purchases, age at last purchase, age at the end (one value per customer).
        weights : array-like, optional
            Number of customers with each (frequency, recency, T) (default 1 each).
        initial_params : sequence of 4 floats, optional
            Starting (r, alpha, a, b); default (1, mean T, 1, 1).
        tol : float
            Gradient tolerance of the optimiser (on the mean log-likelihood).
        maxiter : int
            Iteration limit of the optimiser.

        Returns
        -------
        BetaGeoFitter
            ``self``, fitted.
        """
        x, t_x, t = as_arrays(frequency, recency, T)
        x, t_x, t = x.ravel(), t_x.ravel(), t.ravel()
        _check_rft(x, t_x, t)
        w = self._weights(weights, x)
        if not np.any((x > 0) & (w > 0)):
            raise ValueError(NO_REPEAT_PURCHASE)
        initial = self._initial(
            initial_params, np.array([1.0, max(float(np.mean(t)), 1e-3), 1.0, 1.0])
        )
        # identical customers count once with their weight; terms that depend on x alone
        # are computed once per distinct x (few) instead of once per customer
        rows, inverse = np.unique(np.column_stack([x, t_x, t]), axis=0, return_inverse=True)
        w = np.bincount(inverse.ravel(), weights=w, minlength=len(rows))
        x_unique, x_index = np.unique(rows[:, 0], return_inverse=True)
        data = (rows[:, 0], rows[:, 1], rows[:, 2], x_unique, x_index.ravel())
        self._maximise(data, w, initial, tol, maxiter)
        return self

    def _loglik_and_grad(
        self, params: npt.NDArray[np.float64], data: tuple[npt.NDArray[np.float64], ...]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        r, alpha, a, b = params
        x, t_x, t, x_unique, x_index = data
        return _bgnbd_loglik(
            r, alpha, a, b, x, t_x, t, gradient=True, x_unique=x_unique, x_index=x_index
        )

    def individual_log_likelihood(
        self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> Any:
        """Log-likelihood of each customer under the fitted parameters."""
        self._require_fit()
        x, t_x, t = as_arrays(frequency, recency, T)
        r, alpha, a, b = self.params_.to_numpy()
        ll, _ = _bgnbd_loglik(r, alpha, a, b, x, t_x, t, gradient=False)
        return wrap_like(ll, frequency, recency, T, name="log_likelihood")

    def log_likelihood(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> float:
        """Total log-likelihood of the given customers under the fitted parameters."""
        return float(np.sum(self.individual_log_likelihood(frequency, recency, T)))

    def expected_number_of_purchases_up_to_time(self, t: ArrayLike) -> Any:
        """Expected repeat purchases of a new customer in ``(0, t]`` (FHL 2005a, eq. 9).

        .. math::

            E[X(t)] = \\frac{a+b-1}{a-1}\\left[1 - \\left(\\frac{\\alpha}{\\alpha+t}\\right)^r
                      {}_2F_1\\left(r, b; a+b-1; \\frac{t}{\\alpha+t}\\right)\\right]
        """
        self._require_fit()
        (tt,) = as_arrays(t)
        zero = np.zeros_like(tt)
        value = self._conditional_expectation(tt, zero, zero, zero)
        return wrap_like(value, t, name="expected_purchases")

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> Any:
        """Expected purchases in the next ``t`` given the customer's history (FHL 2005a, eq. 10).

        .. math::

            E[Y(t) \\mid x, t_x, T] = \\frac{a+b+x-1}{a-1}
              \\left[1 - \\left(\\frac{\\alpha+T}{\\alpha+T+t}\\right)^{r+x}
              {}_2F_1\\left(r+x, b+x; a+b+x-1; \\frac{t}{\\alpha+T+t}\\right)\\right]
              \\times P(\\text{alive} \\mid x, t_x, T)
        """
        self._require_fit()
        tt, x, t_x, big_t = as_arrays(t, frequency, recency, T)
        value = self._conditional_expectation(tt, x, t_x, big_t)
        return wrap_like(value, t, frequency, recency, T, name="expected_purchases")

    def conditional_probability_alive(
        self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> Any:
        """Probability that the customer is still alive at age T.

        From FHL 2005a, as written out in Fader, Hardie & Lee's note "Computing P(alive)
        using the BG/NBD model":

        .. math::

            P(\\text{alive} \\mid x, t_x, T) = \\left[1 + \\delta_{x>0}\\frac{a}{b+x-1}
                \\left(\\frac{\\alpha+T}{\\alpha+t_x}\\right)^{r+x}\\right]^{-1}

        A customer without repeat purchases is alive with probability 1: in the BG/NBD model
        dropping out can only happen just after a purchase.
        """
        self._require_fit()
        x, t_x, big_t = as_arrays(frequency, recency, T)
        value = self._p_alive(x, t_x, big_t)
        return wrap_like(value, frequency, recency, T, name="p_alive")

    def _p_alive(
        self,
        x: npt.NDArray[np.float64],
        t_x: npt.NDArray[np.float64],
        big_t: npt.NDArray[np.float64],
    ) -> npt.NDArray[np.float64]:
        r, alpha, a, b = self.params_.to_numpy()
        repeat = x > 0
        safe_x = np.where(repeat, x, 1.0)
        log_odds = (
            np.log(a)
            - np.log(b + safe_x - 1)
            + (r + safe_x) * (np.log(alpha + big_t) - np.log(alpha + t_x))
        )
        return np.where(repeat, special.expit(-log_odds), 1.0)

    def _conditional_expectation(
        self,
        t: npt.NDArray[np.float64],
        x: npt.NDArray[np.float64],
        t_x: npt.NDArray[np.float64],
        big_t: npt.NDArray[np.float64],
    ) -> npt.NDArray[np.float64]:
        r, alpha, a, b = self.params_.to_numpy()
        if np.any(t < 0):
            raise ValueError("t must be ≥ 0")
        if abs(a - 1) < 1e-10:
            raise ValueError("the expectation's closed form needs a ≠ 1")
        # Euler's transformation: ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; c; z)
        #   = ((α+T)/(α+T+t))^(a-1) 2F1(a+b-1-r, a-1; c; z),  z = t/(α+T+t),
        # whose upper parameters do not grow with x (no overflow for frequent buyers).
        c = a + b + x - 1
        z = t / (alpha + big_t + t)
        log_u = np.log(alpha + big_t) - np.log(alpha + big_t + t)
        with np.errstate(all="ignore"):
            hyp = special.hyp2f1(a + b - 1 - r, a - 1, c, z)
            scaled = np.exp((a - 1) * log_u) * hyp
        # with (almost) no dropout the fit drives a and b to huge values, where hyp2f1
        # overflows although u^(a−1)·2F1 stays bounded; Pfaff's transformation gives that
        # product as 2F1(a−1, r+x; c; z/(z−1)), whose series shrinks fast when c is huge
        bad = ~np.isfinite(scaled) & np.ones_like(z, bool)
        if bad.any():
            scaled = np.array(scaled, dtype=float)
            scaled[bad] = _pfaff_series(
                a - 1,
                np.broadcast_to(r + x, z.shape)[bad],
                np.broadcast_to(np.asarray(c, dtype=float), z.shape)[bad],
                z[bad],
            )
        first = c / (a - 1) * (1 - scaled)
        return first * self._p_alive(x, t_x, big_t)


def _pfaff_series(
    upper_a: float,
    upper_b: npt.NDArray[np.float64],
    lower: npt.NDArray[np.float64],
    z: npt.NDArray[np.float64],
    *,
    max_terms: int = 500,
) -> npt.NDArray[np.float64]:
    """2F1(A, B; C; z/(z−1)) by its series, for C much larger than A·B (NaN where it fails).

    With :math:`w = z/(z-1) \\le 0` the terms alternate, each the last times
    :math:`\\frac{(A+k)(B+k)}{(C+k)(k+1)} w`; the sum stops when a term falls below 1e-15 of
    the total. Where the terms stop shrinking first (C not large enough), the result is
    NaN rather than a wrong number.

    Examples
    --------
    >>> z = np.array([0.3, 0.6])
    >>> ref = special.hyp2f1(2.1, 5.3, 9e4, z / (z - 1))  # Pfaff form, well inside scipy's range
    >>> np.allclose(_pfaff_series(2.1, np.array([5.3, 5.3]), np.array([9e4, 9e4]), z), ref)
    True
    """
    w = z / (z - 1.0)
    term = np.ones(z.shape)
    total = np.ones(z.shape)
    done = np.zeros(z.shape, dtype=bool)
    failed = np.zeros(z.shape, dtype=bool)
    for k in range(max_terms):
        ratio = (upper_a + k) * (upper_b + k) / ((lower + k) * (k + 1)) * w
        failed |= ~done & (np.abs(ratio) >= 1)
        term = np.where(done, 0.0, term * ratio)
        total = total + term
        done |= np.abs(term) < 1e-15 * np.abs(total)
        if (done | failed).all():
            break
    return np.where(done & ~failed, total, np.nan)


def _bgnbd_loglik(
    r: float,
    alpha: float,
    a: float,
    b: float,
    x: npt.NDArray[np.float64],
    t_x: npt.NDArray[np.float64],
    t: npt.NDArray[np.float64],
    *,
    gradient: bool,
    x_unique: npt.NDArray[np.float64] | None = None,
    x_index: npt.NDArray[np.intp] | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Per-customer BG/NBD log-likelihood and (optionally) its gradient in (r, α, a, b).

    ``x_unique[x_index]`` must equal ``x`` when given: the special functions, which depend on
    x alone, are then evaluated once per distinct x.
    """
    if x_unique is None or x_index is None:
        x_unique, x_index = np.unique(x, return_inverse=True)
        x_index = x_index.reshape(x.shape)
    u = x_unique
    u_repeat = u > 0
    u_bx1 = np.where(u_repeat, b + u - 1, 1.0)
    beta_ab = special.betaln(a, b)
    # per distinct x
    common_u = special.gammaln(r + u) - special.gammaln(r) + r * np.log(alpha)
    beta1_u = special.betaln(a, b + u) - beta_ab
    beta2_u = np.where(u_repeat, special.betaln(a + 1, u_bx1) - beta_ab, -np.inf)

    repeat = x > 0
    log_alpha_t = np.log(alpha + t)
    log_alpha_tx = np.log(alpha + t_x)
    b1 = beta1_u[x_index] - (r + x) * log_alpha_t
    b2 = np.where(repeat, beta2_u[x_index] - (r + x) * log_alpha_tx, -np.inf)
    log_mix = np.logaddexp(b1, b2)
    ll = common_u[x_index] + log_mix
    if not gradient:
        return ll, np.empty(0)
    w1 = np.exp(b1 - log_mix)
    w2 = 1.0 - w1
    psi_ab = special.digamma(a + b)
    psi_b = special.digamma(b)
    psi_abx_u = special.digamma(a + b + u)
    d_common_r_u = special.digamma(r + u) - special.digamma(r) + np.log(alpha)
    d1a_u = psi_ab - psi_abx_u
    d2a_u = special.digamma(a + 1) - special.digamma(a) + psi_ab - psi_abx_u
    d1b_u = special.digamma(b + u) - psi_abx_u - psi_b + psi_ab
    d2b_u = np.where(u_repeat, special.digamma(u_bx1) - psi_abx_u - psi_b + psi_ab, 0.0)
    d_r = d_common_r_u[x_index] - w1 * log_alpha_t - np.where(repeat, w2 * log_alpha_tx, 0.0)
    d_alpha = r / alpha - w1 * (r + x) / (alpha + t) - w2 * (r + x) / (alpha + t_x)
    d_a = w1 * d1a_u[x_index] + w2 * d2a_u[x_index]
    d_b = w1 * d1b_u[x_index] + w2 * d2b_u[x_index]
    return ll, np.vstack([d_r, d_alpha, d_a, d_b])
