"""Customer lifetime value (CLV) and customer segmentation.

What a consultant needs to say "which customers are worth what, and how should the company
treat each group": per-customer recency / frequency / monetary summaries, the probabilistic
"buy till you die" models of repeat buying and spend, a holdout check of those models, the
simple retention-based CLV formula, RFM scores and segments, CLV tiers with a relationship
strategy each, and the concentration of revenue across customers.

============================== ==================================================================
function / class               does
============================== ==================================================================
:func:`rfm_summary`            orders → one row per customer: frequency, recency, T, monetary
                               value (optionally split into calibration and holdout periods)
:class:`BetaGeoFitter`         BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005a)
:class:`GammaGammaFitter`      Gamma–Gamma model of spend per purchase (Fader, Hardie & Lee
                               2005b; Fader & Hardie 2013) and the discounted CLV
:func:`independence_check`     the Gamma–Gamma model's assumption: spend ⟂ frequency
:func:`customer_value_table`   both models applied: P(alive), expected purchases, value, CLV
:func:`holdout_validation`     fit on a calibration period, predict the holdout, compare
:func:`simple_clv`             m·r / (1 + d − r) (Gupta & Lehmann 2003)
:func:`simple_clv_table`       the same per customer
:func:`rfm_scores`             R / F / M scores (quintiles by default) and named segments
:func:`clv_tiers`              top 20 % / next 30 % / rest: size, revenue, CLV, strategy
:func:`concentration_curve`    share of customers vs cumulative share of value
:func:`gini_coefficient`       the Gini coefficient of a non-negative distribution
:func:`clv_findings`           a findings paragraph written from the numbers
:func:`customer_summary`       :func:`rfm_summary` in weeks up to the data's end
:func:`fit_value_models`       both models fitted to that summary, with the CLV horizon,
                               margin and monthly discount rate of the assessment
:func:`holdout_check`          :func:`holdout_validation` on the first two thirds of the history
:func:`simple_clv_summary`     the simple CLV's inputs and value per window (the KPI's average)
:func:`segment_table`          customers, revenue and value per RFM segment, with an action
:func:`clv_record`             the figures for results.json ``customers.clv``
============================== ==================================================================

The customer-value stage shows them through the report views at the end of the module:
tables with units (``*_view``, :class:`crmkit.data.quality.TableView`), the frames its charts draw
(``*_frame``), chart titles that state the finding (``*_title``) and "What it means" paragraphs
written from the numbers (``*_text``).

Time units
----------
The models work in whatever unit ``recency`` and ``T`` are given in. :func:`rfm_summary`
counts purchase *periods* of ``freq`` ("D": days, "W": weeks, "M": months), and divides ages
by ``freq_multiplier``: daily periods measured in weeks (as in the CDNOW studies) are
``freq="D", freq_multiplier=7``. :meth:`GammaGammaFitter.customer_lifetime_value` needs that
unit (its ``freq``) to turn months into model time: a month is 30 days, 4.345 weeks or 1
month, as in the lifetimes package.

Conventions
-----------
Every function is pure: no I/O, no printing, no state. Numbers are kept at full precision.
Bad arguments raise :class:`ValueError`; an orders table without a required column raises
:class:`crmkit.data.exceptions.InputError`. Model methods accept scalars, NumPy arrays or pandas
Series (Series passed together must share one index); they return a float for scalar inputs,
a Series on that index when any input is a Series, else an array.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005a). "Counting your customers" the easy way:
an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005b). RFM and CLV: using iso-value curves for
customer base analysis. *Journal of Marketing Research* 42(4), 415–430.

Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value. Note,
brucehardie.com.

Gupta, S. & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive Marketing*
17(1), 9–24.

Davidson-Pilon, C. et al. lifetimes: measure customer lifetime value in Python (the API the
fitters follow).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize, special, stats

from crmkit.data.config import Assessment
from crmkit.data.exceptions import InputError
from crmkit.data.io import jsonable
from crmkit.domains import customers as cu
from crmkit.stats import comparable
from crmkit.stats.impact import CHANGE_COLUMNS, change_row
from crmkit.stats.primitives import mde_z
from crmkit.words.formats import TableView, format_money, format_number, is_missing
from crmkit.words.phrases import WINDOW_LABELS, what_it_means

__all__ = [
    "HOLDOUT_COLUMNS",
    "compare_average_clv",
    "MONTH_IN_UNITS",
    "RFM_COLUMNS",
    "SEGMENTS",
    "SEGMENT_ACTIONS",
    "TIER_STRATEGIES",
    "TIME_UNIT",
    "VALIDATION_COLUMNS",
    "BetaGeoFitter",
    "GammaGammaFitter",
    "ValueModels",
    "alive_bands",
    "alive_title",
    "assign_clv_tiers",
    "calibration_end",
    "clv_findings",
    "clv_record",
    "clv_tiers",
    "concentration_curve",
    "concentration_text",
    "concentration_view",
    "concentration_title",
    "customer_summary",
    "customer_value_table",
    "fit_value_models",
    "gini_coefficient",
    "holdout_check",
    "holdout_validation",
    "independence_check",
    "independence_text",
    "model_text",
    "parameters_view",
    "prediction_text",
    "prediction_view",
    "rfm_scores",
    "rfm_summary",
    "segment_frame",
    "segment_table",
    "segment_text",
    "segment_title",
    "segment_view",
    "simple_clv",
    "simple_clv_frame",
    "simple_clv_summary",
    "simple_clv_table",
    "simple_clv_text",
    "simple_clv_view",
    "tier_frame",
    "tier_text",
    "tier_title",
    "tier_view",
    "top_customers_view",
    "validation_frame",
    "validation_text",
    "validation_title",
    "validation_view",
    "yearly_to_monthly",
]

RFM_COLUMNS: tuple[str, ...] = ("frequency", "recency", "T", "monetary_value", "revenue")
"""Columns of :func:`rfm_summary` (without a holdout split)."""

HOLDOUT_COLUMNS: tuple[str, ...] = ("frequency_holdout", "duration_holdout", "monetary_holdout")
"""Columns :func:`rfm_summary` adds when given ``calibration_end``."""

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

MONTH_IN_UNITS: dict[str, float] = {"H": 30.0 * 24.0, "D": 30.0, "W": 4.345, "M": 1.0}
"""One month in the models' time unit, by ``freq`` (the lifetimes convention)."""

SEGMENTS: dict[str, str] = {
    "new": "one purchase so far, made recently (R high, frequency 0)",
    "champions": "bought recently and often (R high, F high)",
    "loyal": "buy regularly (R and F at least middle, not both high)",
    "potential loyalist": "recent repeat buyers, not yet frequent (R high, F low)",
    "at risk": "used to buy often, not recently (R low, F middle or high)",
    "need attention": "middling recency, few purchases (R middle, F low)",
    "hibernating": "few purchases, long ago (R low, F low)",
}
"""The RFM segments of :func:`rfm_scores` and their rules, in the order they are tried."""

TIER_STRATEGIES: tuple[str, str, str] = (
    "Retain and grow: named account management, proactive service and priority support, "
    "loyalty benefits and early access; watch each customer's probability of being alive "
    "and act on the first sign of lapse.",
    "Develop: cross-sell and up-sell with personalised offers, regular planned contact and "
    "targeted campaigns that move customers into the top tier.",
    "Serve efficiently: low-cost digital and automated channels, occasional win-back or "
    "re-activation tests; spend on these customers only where a test shows a return.",
)
"""Suggested relationship strategy for the top, middle and bottom CLV tiers."""

_ArrayLike = float | int | Sequence[float] | npt.NDArray[np.float64] | pd.Series


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _index_of(*values: Any) -> pd.Index | None:
    """The index of the Series among ``values`` (all Series must share it), else None."""
    indexes = [value.index for value in values if isinstance(value, pd.Series)]
    if not indexes:
        return None
    if any(not index.equals(indexes[0]) for index in indexes[1:]):
        raise ValueError("Series arguments must share one index (same customers, same order)")
    return indexes[0]


def _arrays(*values: Any) -> list[npt.NDArray[np.float64]]:
    _index_of(*values)
    return list(np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in values)))


def _wrap(result: npt.NDArray[np.float64], *inputs: Any, name: str | None = None) -> Any:
    """Return ``result`` as a float, a Series or an array, matching the inputs."""
    index = _index_of(*inputs)
    if index is not None and result.ndim == 1 and len(index) == result.size:
        return pd.Series(result, index=index, name=name)
    if result.ndim == 0:
        return float(result)
    return result


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


def _timestamp(value: Any, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a date, got {value!r}") from error
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date, got {value!r}")
    return stamp


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


# ---------------------------------------------------------------------------------------------
# RFM summary
# ---------------------------------------------------------------------------------------------


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
    end = _timestamp(observation_end, "observation_end")
    cal = _timestamp(calibration_end, "calibration_end") if calibration_end is not None else None
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


# ---------------------------------------------------------------------------------------------
# fitters
# ---------------------------------------------------------------------------------------------


class _Fitter:
    """Common machinery: maximum likelihood on log parameters, standard errors, summary."""

    _param_names: tuple[str, ...] = ()

    def __init__(self, *, ci_level: float = 0.95) -> None:
        if not 0 < ci_level < 1:
            raise ValueError(f"ci_level must be in (0, 1), got {ci_level!r}")
        self.ci_level = ci_level

    # subclasses provide the per-customer log-likelihood and its gradient in natural params
    def _loglik_and_grad(
        self, params: npt.NDArray[np.float64], data: tuple[npt.NDArray[np.float64], ...]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        raise NotImplementedError

    def _maximise(
        self,
        data: tuple[npt.NDArray[np.float64], ...],
        weights: npt.NDArray[np.float64],
        initial: npt.NDArray[np.float64],
        tol: float,
        maxiter: int,
    ) -> None:
        total = float(weights.sum())

        def objective(log_params: npt.NDArray[np.float64]) -> tuple[float, Any]:
            params = np.exp(log_params)
            ll, grad = self._loglik_and_grad(params, data)
            value = -float(weights @ ll) / total
            gradient = -(grad @ weights) * params / total
            if not np.isfinite(value):
                return np.inf, np.zeros_like(log_params)
            return value, gradient

        def gradient_only(log_params: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
            return objective(log_params)[1]

        start = np.log(initial)
        bound = 30.0  # exp(±30): keeps a run-away parameter finite on degenerate data
        result = optimize.minimize(
            objective,
            start,
            jac=True,
            method="L-BFGS-B",
            bounds=[(-bound, bound)] * len(start),
            options={"gtol": tol, "ftol": 1e-15, "maxiter": maxiter, "maxcor": 20},
        )
        x = result.x
        # Newton steps with a numerical Hessian (of the analytic gradient) polish the optimum;
        # the Hessian also gives the standard errors
        hessian = _numeric_jacobian(gradient_only, x)
        for _ in range(5):
            g = gradient_only(x)
            if np.max(np.abs(g)) < 1e-12:
                break
            try:
                step = np.linalg.solve(hessian, g)
            except np.linalg.LinAlgError:
                break
            candidate = x - step
            if np.max(np.abs(candidate)) > bound or not (
                objective(candidate)[0] <= objective(x)[0] + 1e-15
            ):
                break
            x = candidate
        if not np.array_equal(x, result.x):
            hessian = _numeric_jacobian(gradient_only, x)
        value, grad = objective(x)
        self.converged_ = bool(np.all(np.abs(x) < bound - 1e-6) and np.max(np.abs(grad)) < 1e-5)
        self.params_ = pd.Series(np.exp(x), index=list(self._param_names), name="estimate")
        self.log_likelihood_ = -value * total
        self.n_ = int(round(total))
        try:
            cov_log = np.linalg.inv(hessian * total)
            if np.any(np.diag(cov_log) <= 0):
                raise np.linalg.LinAlgError
        except np.linalg.LinAlgError:
            cov_log = np.full((len(x), len(x)), np.nan)
        self._cov_log = cov_log

    @property
    def summary(self) -> pd.DataFrame:
        """Estimates with standard errors and confidence intervals, one row per parameter.

        Columns: ``estimate``, ``se`` (delta method from the inverse Hessian of the
        log-likelihood in log parameters), ``ci_low``, ``ci_high`` (Wald interval of level
        ``ci_level`` on the log scale, transformed back, so it stays positive).
        """
        self._require_fit()
        se_log = np.sqrt(np.diag(self._cov_log))
        estimate = self.params_.to_numpy()
        z = stats.norm.ppf(0.5 + self.ci_level / 2)
        return pd.DataFrame(
            {
                "estimate": estimate,
                "se": estimate * se_log,
                "ci_low": estimate * np.exp(-z * se_log),
                "ci_high": estimate * np.exp(z * se_log),
            },
            index=pd.Index(list(self._param_names), name="parameter"),
        )

    def _require_fit(self) -> None:
        if not hasattr(self, "params_"):
            raise ValueError(f"{type(self).__name__} is not fitted yet: call fit() first")

    def __repr__(self) -> str:
        if not hasattr(self, "params_"):
            return f"<{type(self).__name__}: not fitted>"
        shown = ", ".join(f"{k}: {v:.3g}" for k, v in self.params_.items())
        return f"<{type(self).__name__}: fitted with {self.n_} customers, {shown}>"


def _numeric_jacobian(func: Any, x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Central-difference Jacobian of the gradient ``func`` at ``x``, symmetrised."""
    n = len(x)
    out = np.empty((n, n))
    for j in range(n):
        h = 1e-5 * max(1.0, abs(x[j]))
        e = np.zeros(n)
        e[j] = h
        out[:, j] = (func(x + e) - func(x - e)) / (2 * h)
    return (out + out.T) / 2


class BetaGeoFitter(_Fitter):
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
        frequency: _ArrayLike,
        recency: _ArrayLike,
        T: _ArrayLike,
        *,
        weights: _ArrayLike | None = None,
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
        x, t_x, t = _arrays(frequency, recency, T)
        x, t_x, t = x.ravel(), t_x.ravel(), t.ravel()
        _check_rft(x, t_x, t)
        w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
        if w.shape != x.shape or np.any(w < 0) or not np.isfinite(w).all():
            raise ValueError("weights must be non-negative, one per customer")
        if not np.any((x > 0) & (w > 0)):
            raise ValueError(
                "no customer made a repeat purchase: the BG/NBD parameters cannot be estimated"
            )
        if initial_params is None:
            initial = np.array([1.0, max(float(np.mean(t)), 1e-3), 1.0, 1.0])
        else:
            initial = np.asarray(initial_params, dtype=float)
            if initial.shape != (4,) or np.any(initial <= 0):
                raise ValueError("initial_params must be 4 positive numbers (r, alpha, a, b)")
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
        self, frequency: _ArrayLike, recency: _ArrayLike, T: _ArrayLike
    ) -> Any:
        """Log-likelihood of each customer under the fitted parameters."""
        self._require_fit()
        x, t_x, t = _arrays(frequency, recency, T)
        r, alpha, a, b = self.params_.to_numpy()
        ll, _ = _bgnbd_loglik(r, alpha, a, b, x, t_x, t, gradient=False)
        return _wrap(ll, frequency, recency, T, name="log_likelihood")

    def log_likelihood(self, frequency: _ArrayLike, recency: _ArrayLike, T: _ArrayLike) -> float:
        """Total log-likelihood of the given customers under the fitted parameters."""
        return float(np.sum(self.individual_log_likelihood(frequency, recency, T)))

    def expected_number_of_purchases_up_to_time(self, t: _ArrayLike) -> Any:
        """Expected repeat purchases of a new customer in ``(0, t]`` (FHL 2005a, eq. 9).

        .. math::

            E[X(t)] = \\frac{a+b-1}{a-1}\\left[1 - \\left(\\frac{\\alpha}{\\alpha+t}\\right)^r
                      {}_2F_1\\left(r, b; a+b-1; \\frac{t}{\\alpha+t}\\right)\\right]
        """
        self._require_fit()
        (tt,) = _arrays(t)
        zero = np.zeros_like(tt)
        value = self._conditional_expectation(tt, zero, zero, zero)
        return _wrap(value, t, name="expected_purchases")

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: _ArrayLike, frequency: _ArrayLike, recency: _ArrayLike, T: _ArrayLike
    ) -> Any:
        """Expected purchases in the next ``t`` given the customer's history (FHL 2005a, eq. 10).

        .. math::

            E[Y(t) \\mid x, t_x, T] = \\frac{a+b+x-1}{a-1}
              \\left[1 - \\left(\\frac{\\alpha+T}{\\alpha+T+t}\\right)^{r+x}
              {}_2F_1\\left(r+x, b+x; a+b+x-1; \\frac{t}{\\alpha+T+t}\\right)\\right]
              \\times P(\\text{alive} \\mid x, t_x, T)
        """
        self._require_fit()
        tt, x, t_x, big_t = _arrays(t, frequency, recency, T)
        value = self._conditional_expectation(tt, x, t_x, big_t)
        return _wrap(value, t, frequency, recency, T, name="expected_purchases")

    def conditional_probability_alive(
        self, frequency: _ArrayLike, recency: _ArrayLike, T: _ArrayLike
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
        x, t_x, big_t = _arrays(frequency, recency, T)
        value = self._p_alive(x, t_x, big_t)
        return _wrap(value, frequency, recency, T, name="p_alive")

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


class GammaGammaFitter(_Fitter):
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
        frequency: _ArrayLike,
        monetary_value: _ArrayLike,
        *,
        weights: _ArrayLike | None = None,
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
        x, m = _arrays(frequency, monetary_value)
        x, m = x.ravel(), m.ravel()
        if x.size == 0:
            raise ValueError("no customers: frequency and monetary_value are empty")
        if not (np.isfinite(x).all() and np.isfinite(m).all()):
            raise ValueError("frequency and monetary_value must be finite")
        w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=float).ravel()
        if w.shape != x.shape or np.any(w < 0):
            raise ValueError("weights must be non-negative, one per customer")
        used = (x > 0) & (m > 0)
        if used.sum() < 3:
            raise ValueError(
                "the Gamma–Gamma model needs at least 3 customers with repeat purchases"
            )
        self.n_excluded_ = int(round(w[~used].sum()))
        self.independence_ = independence_check(x[used], m[used])
        initial = np.ones(3) if initial_params is None else np.asarray(initial_params, dtype=float)
        if initial.shape != (3,) or np.any(initial <= 0):
            raise ValueError("initial_params must be 3 positive numbers (p, q, v)")
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
        self, frequency: _ArrayLike, monetary_value: _ArrayLike
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
        x, m = _arrays(frequency, monetary_value)
        value = (p * v + p * x * m) / (p * x + q - 1)
        return _wrap(value, frequency, monetary_value, name="expected_average_value")

    def customer_lifetime_value(
        self,
        bgf: BetaGeoFitter,
        frequency: _ArrayLike,
        recency: _ArrayLike,
        T: _ArrayLike,
        monetary_value: _ArrayLike,
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
        x, t_x, big_t, m = _arrays(frequency, recency, T, monetary_value)
        value = np.asarray(self.conditional_expected_average_profit(x, m), dtype=float) * margin
        clv = np.zeros_like(value)
        previous = np.zeros_like(value)
        for month in range(1, int(time) + 1):
            cumulative = bgf._conditional_expectation(
                np.full_like(x, month * factor), x, t_x, big_t
            )
            clv += value * (cumulative - previous) / (1 + discount_rate) ** month
            previous = cumulative
        return _wrap(clv, frequency, recency, T, monetary_value, name="clv")


def independence_check(
    frequency: _ArrayLike, monetary_value: _ArrayLike, *, threshold: float = 0.3
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
        ``assumption_ok`` (``|pearson_r| < threshold``), ``note``.

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
        note = "insufficient data: fewer than 3 repeat customers or no variation"
    else:
        r, p_r = (float(v) for v in stats.pearsonr(x, m))
        rho, p_rho = (float(v) for v in stats.spearmanr(x, m))
        ok = abs(r) < threshold
        note = (
            f"spend and frequency are nearly uncorrelated (r = {r:.2f}); the Gamma–Gamma "
            "model's assumption is plausible"
            if ok
            else f"spend and frequency are correlated (r = {r:.2f}); Gamma–Gamma values are "
            "biased: read them with care"
        )
    return pd.DataFrame(
        {
            "n": [n],
            "pearson_r": [r],
            "pearson_p": [p_r],
            "spearman_rho": [rho],
            "spearman_p": [p_rho],
            "assumption_ok": [ok],
            "note": pd.array([note], dtype=object),
        }
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


# ---------------------------------------------------------------------------------------------
# holdout validation
# ---------------------------------------------------------------------------------------------


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
        raise ValueError("no customers bought in the calibration period")
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


# ---------------------------------------------------------------------------------------------
# simple CLV
# ---------------------------------------------------------------------------------------------


def simple_clv(margin_per_period: float, retention_rate: float, *, discount_rate: float) -> float:
    """The retention-based CLV of Gupta & Lehmann (2003): m · r / (1 + d − r).

    Parameters
    ----------
    margin_per_period : float
        Margin (profit, not revenue) a retained customer brings per period, constant.
    retention_rate : float
        Probability that a customer stays from one period to the next, constant, in [0, 1].
    discount_rate : float
        Discount rate per period (> −1; the same period as the margin and retention).

    Returns
    -------
    float
        Present value of the customer's future margins.

    Raises
    ------
    ValueError
        If retention is outside [0, 1] or 1 + d − r ≤ 0.

    Warnings
    --------
    Timing convention: the customer is already acquired today; margins arrive at the end of
    each period the customer survives, the first one after one period (so the first margin
    counts with weight r/(1+d)). Assumptions: constant margin and retention, an infinite
    horizon, no acquisition cost. The formula is the sum
    :math:`\\sum_{t\\geq 1} m r^t / (1+d)^t`.

    Notes
    -----
    With the margin multiple :math:`r/(1+d-r)`, e.g. r = 0.8 and d = 0.1 give a multiple of
    2.67: such a customer is worth about 2.7 years of margin.

    Examples
    --------
    >>> round(simple_clv(100.0, 0.8, discount_rate=0.1), 4)   # 100 · 0.8 / 0.3
    266.6667
    """
    if not 0 <= retention_rate <= 1:
        raise ValueError(f"retention_rate must be in [0, 1], got {retention_rate!r}")
    if discount_rate <= -1:
        raise ValueError(f"discount_rate must be > -1, got {discount_rate!r}")
    denominator = 1 + discount_rate - retention_rate
    if denominator <= 0:
        raise ValueError("1 + discount_rate − retention_rate must be positive (sum diverges)")
    return float(margin_per_period) * retention_rate / denominator


def simple_clv_table(
    table: pd.DataFrame,
    *,
    discount_rate: float,
    retention_rate: float | None = None,
    margin_column: str = "margin_per_period",
    retention_column: str = "retention_rate",
) -> pd.DataFrame:
    """:func:`simple_clv` for each row of ``table`` (one row per customer or segment).

    Parameters
    ----------
    table : DataFrame
        With a margin column and, unless ``retention_rate`` is given, a retention column.
    discount_rate : float
        Discount rate per period.
    retention_rate : float, optional
        One retention rate for every row (overrides the column).
    margin_column, retention_column : str
        Column names.

    Returns
    -------
    DataFrame
        On the table's index: ``margin_per_period``, ``retention_rate``, ``multiple``
        (r / (1 + d − r)) and ``clv``.

    Examples
    --------
    >>> t = pd.DataFrame({"margin_per_period": [100.0, 50.0]}, index=["a", "b"])
    >>> simple_clv_table(t, discount_rate=0.1, retention_rate=0.8)["clv"].round(2).tolist()
    [266.67, 133.33]
    """
    if margin_column not in table.columns:
        raise ValueError(f"table needs a {margin_column!r} column")
    if retention_rate is None:
        if retention_column not in table.columns:
            raise ValueError(f"table needs a {retention_column!r} column or retention_rate")
        retention = table[retention_column].to_numpy(dtype=float)
    else:
        retention = np.full(len(table), float(retention_rate))
    margin = table[margin_column].to_numpy(dtype=float)
    multiple = np.array([simple_clv(1.0, r, discount_rate=discount_rate) for r in retention])
    return pd.DataFrame(
        {
            "margin_per_period": margin,
            "retention_rate": retention,
            "multiple": multiple,
            "clv": margin * multiple,
        },
        index=table.index,
    )


# ---------------------------------------------------------------------------------------------
# RFM scores and segments
# ---------------------------------------------------------------------------------------------


def _score(values: pd.Series, bins: int) -> pd.Series:
    """1…bins by average-rank percentile: ceil(bins · rank / n); ties share a score."""
    pct = values.rank(method="average", pct=True)
    return np.ceil(pct * bins).clip(1, bins).astype(np.int64)


def rfm_scores(
    summary: pd.DataFrame,
    *,
    bins: int = 5,
    monetary: str = "revenue",
) -> pd.DataFrame:
    """Recency, frequency and monetary scores (quintiles by default) and named segments.

    Parameters
    ----------
    summary : DataFrame
        :func:`rfm_summary` output: ``frequency``, ``recency``, ``T`` and the ``monetary``
        column.
    bins : int
        Number of score levels (5: quintiles; at least 3).
    monetary : str
        Column for the M score: ``revenue`` (total spend, default) or ``monetary_value``.

    Returns
    -------
    DataFrame
        On the summary's index: ``time_since_last`` (T − recency, in the summary's unit),
        ``r_score``, ``f_score``, ``m_score`` (1 = worst … ``bins`` = best), ``rfm_code``
        (e.g. "545") and ``segment``.

    Notes
    -----
    Scores: each value's average-rank percentile :math:`p = \\text{rank}/n` gives the score
    :math:`\\lceil \\text{bins} \\cdot p \\rceil`; ties share a score. R ranks the
    *negated* time since the last purchase (recent = high), F the number of repeat purchases,
    M the monetary column.

    Segments, from R and F only (M is reported beside them), with levels *low*
    (score ≤ ⌊0.4 · bins⌋), *high* (score > ⌈0.6 · bins⌉) and *middle* between: with
    quintiles 1–2 low, 3 middle, 4–5 high; with terciles 1, 2, 3. A customer without repeat
    purchases has F level *low* whatever its score. The first rule that matches wins (see
    :data:`SEGMENTS`):

    ================== ==========================================
    new                frequency 0 and R high
    champions          R high and F high
    loyal              R ≥ middle and F ≥ middle
    potential loyalist R high (and F low)
    at risk            R low and F ≥ middle
    need attention     R middle (and F low)
    hibernating        R low and F low
    ================== ==========================================

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [0, 3, 1], "recency": [0.0, 50.0, 5.0],
    ...                   "T": [10.0, 60.0, 90.0], "revenue": [10.0, 90.0, 40.0]})
    >>> rfm_scores(s, bins=3)[["r_score", "f_score", "m_score", "segment"]]
       r_score  f_score  m_score    segment
    0        3        1        1        new
    1        3        3        3  champions
    2        1        2        2    at risk
    """
    if bins < 3:
        raise ValueError("bins must be ≥ 3 (low, middle and high levels)")
    for column in ("frequency", "recency", "T", monetary):
        if column not in summary.columns:
            raise ValueError(f"summary needs a {column!r} column (see rfm_summary)")
    since = (summary["T"] - summary["recency"]).astype(float)
    out = pd.DataFrame(index=summary.index)
    out["time_since_last"] = since
    if summary.empty:
        for column in ("r_score", "f_score", "m_score"):
            out[column] = pd.Series(dtype=np.int64)
        out["rfm_code"] = pd.Series(dtype=object)
        out["segment"] = pd.Series(dtype=object)
        return out
    out["r_score"] = _score(-since, bins)
    out["f_score"] = _score(summary["frequency"].astype(float), bins)
    out["m_score"] = _score(summary[monetary].astype(float), bins)
    out["rfm_code"] = (
        out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
    ).astype(object)

    low_max, high_min = math.floor(0.4 * bins), math.ceil(0.6 * bins) + 1

    def level(score: pd.Series) -> npt.NDArray[np.int64]:
        value = score.to_numpy()
        return np.where(value >= high_min, 2, np.where(value > low_max, 1, 0))

    r = level(out["r_score"])
    f = level(out["f_score"])
    one_time = summary["frequency"].to_numpy() == 0
    f = np.where(one_time, 0, f)
    conditions = [
        one_time & (r == 2),
        (r == 2) & (f == 2),
        (r >= 1) & (f >= 1),
        r == 2,
        (r == 0) & (f >= 1),
        r == 1,
    ]
    choices = ["new", "champions", "loyal", "potential loyalist", "at risk", "need attention"]
    out["segment"] = pd.array(np.select(conditions, choices, default="hibernating"), dtype=object)
    return out


# ---------------------------------------------------------------------------------------------
# CLV tiers and concentration
# ---------------------------------------------------------------------------------------------


def _tier_labels(cuts: Sequence[float]) -> list[str]:
    """ "top 20 %", "next 30 %", …, "rest 50 %"; middle tiers as ranges if names repeat."""
    bounds = [0.0, *cuts, 1.0]
    middle = list(zip(bounds[1:-2], bounds[2:-1], strict=True))
    labels = [f"top {cuts[0]:.0%}", *(f"next {hi - lo:.0%}" for lo, hi in middle)]
    labels.append(f"rest {1 - cuts[-1]:.0%}")
    if len(set(labels)) < len(labels):
        labels[1:-1] = [f"{lo:.0%}–{hi:.0%}" for lo, hi in middle]
    return [label.replace("%", " %") for label in labels]


def _check_cuts(cuts: Sequence[float]) -> list[float]:
    values = [float(c) for c in cuts]
    if not values or any(not 0 < c < 1 for c in values) or values != sorted(set(values)):
        raise ValueError("cuts must be increasing cumulative shares strictly between 0 and 1")
    return values


def assign_clv_tiers(clv: pd.Series, *, cuts: Sequence[float] = (0.2, 0.5)) -> pd.Series:
    """Each customer's CLV tier: the top 20 %, the next 30 %, the rest (by default).

    Customers are ranked by CLV, highest first (ties by index, for determinism); the first
    ``round(cut · n)`` customers (half rounded up) form the top tier, and so on.

    Returns
    -------
    Series
        Ordered categorical of tier labels ("top 20 %", "next 30 %", "rest 50 %") on
        ``clv``'s index.

    Examples
    --------
    >>> clv = pd.Series([5.0, 50.0, 1.0, 20.0, 9.0], index=list("abcde"))
    >>> assign_clv_tiers(clv).astype(str).tolist()
    ['rest 50 %', 'top 20 %', 'rest 50 %', 'next 30 %', 'next 30 %']
    """
    values = _check_cuts(cuts)
    clv = pd.Series(clv, dtype=float)
    if clv.isna().any():
        raise ValueError("clv has missing values")
    labels = _tier_labels(values)
    n = len(clv)
    order = np.lexsort((np.arange(n), -clv.to_numpy()))
    bounds = [int(math.floor(c * n + 0.5)) for c in values]
    position = np.empty(n, dtype=np.int64)
    position[order] = np.arange(n)
    tier = np.searchsorted(np.asarray(bounds), position, side="right")
    return pd.Series(
        pd.Categorical.from_codes(tier, categories=labels, ordered=True),
        index=clv.index,
        name="tier",
    )


def clv_tiers(
    clv: pd.Series,
    *,
    cuts: Sequence[float] = (0.2, 0.5),
    revenue: pd.Series | None = None,
) -> pd.DataFrame:
    """CLV tiers: size, revenue and CLV shares, and a relationship strategy for each.

    Parameters
    ----------
    clv : Series
        Predicted CLV per customer.
    cuts : sequence of float
        Cumulative customer shares where tiers end (default: top 20 %, next 30 %, rest).
    revenue : Series, optional
        Historical revenue per customer (same index); customers missing from it count 0.

    Returns
    -------
    DataFrame
        Indexed by ``tier`` (best first):

        ``customers``       customers in the tier
        ``customer_share``  their share of all customers
        ``clv_total``       predicted CLV of the tier
        ``clv_share``       its share of all predicted CLV
        ``clv_mean``        mean CLV per customer
        ``clv_min``         the lowest CLV in the tier (the tier's entry threshold)
        ``revenue_total``   historical revenue (NaN without ``revenue``)
        ``revenue_share``   its share of all revenue
        ``strategy``        the suggested relationship strategy (:data:`TIER_STRATEGIES`:
                            first tier, middle tiers, last tier)

    Examples
    --------
    >>> clv = pd.Series([5.0, 50.0, 1.0, 20.0, 9.0], index=list("abcde"))
    >>> clv_tiers(clv)[["customers", "clv_total", "clv_share"]]  # doctest: +NORMALIZE_WHITESPACE
               customers  clv_total  clv_share
    tier
    top 20 %           1       50.0   0.588235
    next 30 %          2       29.0   0.341176
    rest 50 %          2        6.0   0.070588
    """
    tier = assign_clv_tiers(clv, cuts=cuts)
    clv = pd.Series(clv, dtype=float)
    if revenue is None:
        rev = pd.Series(np.nan, index=clv.index)
    else:
        rev = pd.Series(revenue, dtype=float).reindex(clv.index).fillna(0.0)
    frame = pd.DataFrame({"tier": tier, "clv": clv, "revenue": rev})
    grouped = frame.groupby("tier", observed=False)
    out = pd.DataFrame(
        {
            "customers": grouped.size().astype(np.int64),
            "clv_total": grouped["clv"].sum(),
            "clv_mean": grouped["clv"].mean(),
            "clv_min": grouped["clv"].min(),
            "revenue_total": grouped["revenue"].sum(min_count=1),
        }
    )
    out.index = pd.Index([str(t) for t in out.index], name="tier")
    n = max(len(clv), 1)
    total_clv = clv.sum()
    total_rev = rev.sum(min_count=1)
    out.insert(1, "customer_share", out["customers"] / n)
    out.insert(3, "clv_share", out["clv_total"] / total_clv if total_clv else np.nan)
    out["revenue_share"] = (
        out["revenue_total"] / total_rev if pd.notna(total_rev) and total_rev else np.nan
    )
    k = len(out)
    strategies = [TIER_STRATEGIES[0]] + [TIER_STRATEGIES[1]] * (k - 2) + [TIER_STRATEGIES[2]]
    out["strategy"] = pd.array(strategies, dtype=object)
    return out[
        [
            "customers",
            "customer_share",
            "clv_total",
            "clv_share",
            "clv_mean",
            "clv_min",
            "revenue_total",
            "revenue_share",
            "strategy",
        ]
    ]


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


# ---------------------------------------------------------------------------------------------
# findings
# ---------------------------------------------------------------------------------------------


def _pct(value: float) -> str:
    """A share as a whole percentage, halves rounded up (0.625 → "63 %")."""
    return f"{math.floor(100 * value + 0.5 + 1e-9):.0f} %"


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
        :func:`clv_tiers` output.
    gini : float, optional
        :func:`gini_coefficient` of revenue per customer.
    segments : DataFrame, optional
        :func:`rfm_scores` output.
    validation : DataFrame, optional
        :func:`holdout_validation` output.
    independence : DataFrame, optional
        :func:`independence_check` output (``GammaGammaFitter.independence_``).
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
            f"customers) hold {_pct(top['clv_share'])} of the predicted value"
        )
        if pd.notna(top.get("revenue_share", np.nan)):
            text += f" and brought {_pct(top['revenue_share'])} of past revenue"
        text += f"; each is worth {top['clv_mean']:,.0f}{money} on average."
        sentences.append(text)
        last = tiers.iloc[-1]
        sentences.append(
            f"The {last.name} together hold {_pct(last['clv_share'])} of the predicted value: "
            "serve them through low-cost channels and focus relationship spending on the top "
            "tiers."
        )
    if gini is not None and np.isfinite(gini):
        degree = (
            "highly concentrated"
            if gini >= 0.6
            else "concentrated"
            if gini >= 0.4
            else "fairly evenly spread"
        )
        sentences.append(
            f"Revenue is {degree}: the Gini coefficient of revenue per customer is {gini:.2f} "
            "(0 = every customer buys the same, 1 = one customer buys everything)."
        )
    if segments is not None and "segment" in segments and len(segments):
        share = segments["segment"].value_counts(normalize=True)
        parts = [
            f"{_pct(share[name])} {name}"
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
            f"while active and a {_pct(a / (a + b))} average chance of dropping out after "
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
        sentences.append("Gamma–Gamma check: " + str(independence["note"].iloc[0]) + ".")
    return " ".join(sentences)


# ---------------------------------------------------------------------------------------------
# report views: what the customer-value stage shows
# ---------------------------------------------------------------------------------------------
#
# The functions below run the models above the way the customer-value stage needs them and
# turn their results into tables with units (:class:`crmkit.data.quality.TableView`), the frames
# its charts draw, chart titles that state the finding and "What it means" paragraphs.

#: Suggested action for each RFM segment (:data:`SEGMENTS`).
SEGMENT_ACTIONS: dict[str, str] = {
    "new": "Welcome and onboard; make the second purchase easy.",
    "champions": "Reward and involve them: early access, referrals, reviews.",
    "loyal": "Cross-sell and up-sell; loyalty benefits.",
    "potential loyalist": "Invite to a loyalty programme; recommend the next purchase.",
    "at risk": "Win back now: a personal contact and a reason to return.",
    "need attention": "Re-engage with offers based on what they bought.",
    "hibernating": "Low-cost reactivation only; no relationship spending.",
}

#: The models' time unit in the customer-value stage: weeks, counted to the day.
TIME_UNIT = "week"

_WEEK = 7.0
_ALIVE_BANDS = ((0.0, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 1.0000001))


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
    note : str or None
        Why the spend model is missing, when it is.
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
        note: str | None = None,
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
        self.note = note

    @property
    def has_clv(self) -> bool:
        """Whether per-customer CLV could be predicted (the spend model is fitted)."""
        return "clv" in self.predictions.columns


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
        end = _timestamp(observation_end, "observation_end")
    summary = rfm_summary(orders, observation_end=end, freq="D", freq_multiplier=_WEEK)
    summary.attrs["observation_end"] = pd.Timestamp(end)
    return summary


def fit_value_models(
    summary: pd.DataFrame,
    *,
    margin: float,
    yearly_discount_rate: float,
    horizon_months: int = 36,
) -> ValueModels | str:
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
    ValueModels or str
        The fitted models and per-customer predictions (P(alive), expected purchases over
        the horizon, expected spend per purchase, CLV of margin); or why the purchase model
        cannot be fitted (no customers, no repeat purchases). A spend model that cannot be
        fitted (fewer than 3 repeat customers, or q ≤ 1: mean spend undefined) leaves
        ``ggf`` None and says why in ``note``.

    Notes
    -----
    Time runs in weeks counted to the day, as in the CDNOW studies; a month is 4.345 weeks
    (:data:`MONTH_IN_UNITS`). The CLV of each customer is
    :meth:`GammaGammaFitter.customer_lifetime_value` with ``margin`` and the monthly rate.
    """
    if summary.empty:
        return "no customer bought in the period"
    end = summary.attrs.get("observation_end")
    try:
        bgf = BetaGeoFitter().fit(summary["frequency"], summary["recency"], summary["T"])
    except ValueError as error:
        return f"the purchase model cannot be fitted: {error}"
    ggf: GammaGammaFitter | None = None
    note = None
    try:
        ggf = GammaGammaFitter().fit(summary["frequency"], summary["monetary_value"])
        if ggf.params_["q"] <= 1:
            note = (
                f"the spend model's q is {ggf.params_['q']:.2f} (≤ 1): mean spend per purchase "
                "is undefined, so no CLV is predicted"
            )
            ggf = None
    except ValueError as error:
        note = f"the spend model cannot be fitted: {error}"
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
            note = (
                f"the lifetime value cannot be computed for {int(unusable.sum()):,} customers "
                "(the fitted purchase model's expectation is not finite), so no CLV is predicted"
            )
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
        note=note,
    )


_PARAMETER_MEANINGS = {
    ("BG/NBD", "r"): "shape of how purchase rates vary between customers",
    ("BG/NBD", "alpha"): "scale of the purchase rates (mean rate = r / α per week)",
    ("BG/NBD", "a"): "dropout: with b, the chance of leaving after a purchase (a / (a + b))",
    ("BG/NBD", "b"): "dropout: see a",
    ("Gamma–Gamma", "p"): "shape of the spend of one purchase",
    ("Gamma–Gamma", "q"): "how customers' average spends vary (larger = more alike)",
    ("Gamma–Gamma", "v"): "scale of spend (mean spend per purchase = p · v / (q − 1))",
}


def parameters_view(models: ValueModels) -> TableView:
    """The two models' parameters with their intervals and what each measures."""
    rows = []
    for model, fitter in (("BG/NBD", models.bgf), ("Gamma–Gamma", models.ggf)):
        if fitter is None:
            continue
        summary = fitter.summary
        for name, r in summary.iterrows():
            rows.append(
                {
                    "Model": model,
                    "Parameter": "γ (v)" if name == "v" else ("α" if name == "alpha" else name),
                    "Estimate": r["estimate"],
                    "Confidence interval": (
                        f"{format_number(r['ci_low'])} to {format_number(r['ci_high'])}"
                    ),
                    "What it measures": _PARAMETER_MEANINGS[(model, str(name))],
                }
            )
    frame = pd.DataFrame(rows)
    return TableView(
        frame,
        {"Estimate": "model units", "Confidence interval": "model units"},
        {"Estimate": "{:,.4g}"},
    )


def model_text(models: ValueModels, *, currency: str = "") -> str:
    """The "What it means" paragraph for the fitted models: purchase rate, dropout, spend.

    Examples
    --------
    >>> import numpy as np
    >>> class M:  # a stand-in with fitted parameters
    ...     bgf = type("B", (), {"params_": pd.Series({"r": 1.0, "alpha": 5.0, "a": 0.2, "b": 4.8})})()
    ...     ggf = type("G", (), {"params_": pd.Series({"p": 2.0, "q": 3.0, "v": 100.0})})()
    ...     note = None
    >>> print(model_text(M(), currency="CNY"))
    **What it means:** while they are active, customers buy on average 0.2 times a week (about once every 5.0 weeks), and after each purchase about 4 % of them stop buying for good. A purchase is worth CNY 100 on average, and customers who have bought more often get predictions closer to their own average spend.
    """
    r, alpha, a, b = (float(models.bgf.params_[k]) for k in ("r", "alpha", "a", "b"))
    rate = r / alpha
    text = (
        f"while they are active, customers buy on average {rate:.2g} times a week (about once "
        f"every {1 / rate:.1f} weeks), and after each purchase about "
        f"{_pct(a / (a + b))} of them stop buying for good."
    )
    if models.ggf is not None:
        p, q, v = (float(models.ggf.params_[k]) for k in ("p", "q", "v"))
        text += (
            f" A purchase is worth {format_money(p * v / (q - 1), currency)} on average, and customers "
            "who have bought more often get predictions closer to their own average spend."
        )
    elif models.note:
        text += f" No value per customer could be predicted: {models.note}."
    return what_it_means(text)


def holdout_check(
    orders: pd.DataFrame, *, fraction: float = 2 / 3, max_frequency: int = 7
) -> pd.DataFrame | str:
    """:func:`holdout_validation` on the first ``fraction`` of the history, or why it cannot run.

    The model is fitted in weeks (as :func:`fit_value_models`). ``attrs`` of the result add
    ``calibration_end`` and ``observation_end``.
    """
    if orders is None or orders.empty:
        return "there are no orders"
    end = pd.to_datetime(orders["order_date"]).max()
    cut = calibration_end(orders, fraction=fraction)
    if cut >= end:
        return "the order history is too short to hold a period out"
    try:
        table = holdout_validation(
            orders,
            calibration_end=cut,
            observation_end=end,
            freq="D",
            freq_multiplier=_WEEK,
            max_frequency=max_frequency,
        )
    except ValueError as error:
        return f"the purchase model cannot be fitted on the calibration period: {error}"
    table.attrs["calibration_end"] = cut
    table.attrs["observation_end"] = end
    return table


def _bucket_label(bucket: str) -> str:
    return f"{bucket} repeat" if bucket != "1" else "1 repeat"


def validation_frame(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`holdout_validation` as :func:`crmkit.report.plots.grouped_bar_chart` draws it.

    Returns
    -------
    pandas.DataFrame
        Index: calibration-period repeat purchases ("0", …, "7+"); columns "Predicted by the
        model" and "Actual": mean repeat purchases per customer in the holdout.
    """
    rows = table.drop(index="all", errors="ignore")
    return pd.DataFrame(
        {
            "Predicted by the model": rows["predicted_mean"].to_numpy(float),
            "Actual": rows["actual_mean"].to_numpy(float),
        },
        index=pd.Index(list(rows.index), name="repeat purchases in the calibration period"),
    )


def _period(table: pd.DataFrame) -> str:
    cut, end = table.attrs.get("calibration_end"), table.attrs.get("observation_end")
    if cut is None or end is None:
        return "the holdout period"
    return f"{pd.Timestamp(cut) + pd.Timedelta(days=1):%d %b %Y} to {pd.Timestamp(end):%d %b %Y}"


def validation_title(table: pd.DataFrame) -> str:
    """The holdout chart's title: predicted against observed repeat purchases in total.

    Examples
    --------
    >>> t = pd.DataFrame({"predicted_total": [63740.6], "actual_total": [64648.0],
    ...                   "error_pct": [-0.014]}, index=pd.Index(["all"], name="bucket"))
    >>> validation_title(t)
    'Held-out check: the model predicted 63,741 repeat purchases, 64,648 happened (−1.4 %)'
    """
    row = table.loc["all"]
    error = row["error_pct"]
    gap = "n/a" if is_missing(error) else f"{error * 100:+.1f} %".replace("-", "−")
    return (
        f"Held-out check: the model predicted {row['predicted_total']:,.0f} repeat purchases, "
        f"{row['actual_total']:,.0f} happened ({gap})"
    )


def validation_view(table: pd.DataFrame) -> TableView:
    """:func:`holdout_validation` as a table with units."""
    frame = pd.DataFrame(
        {
            "Repeat purchases in the calibration period": [
                "all customers" if b == "all" else str(b) for b in table.index
            ],
            "Customers": table["customers"].astype("Int64").to_numpy(),
            "Predicted per customer": table["predicted_mean"].to_numpy(float),
            "Actual per customer": table["actual_mean"].to_numpy(float),
            "Predicted in total": table["predicted_total"].to_numpy(float),
            "Actual in total": table["actual_total"].to_numpy(float),
            "Error": table["error_pct"].to_numpy(float) * 100,
            "Correlation per customer": table["correlation"].to_numpy(float),
        }
    )
    units = {
        "Customers": "count",
        "Predicted per customer": "purchases",
        "Actual per customer": "purchases",
        "Predicted in total": "purchases",
        "Actual in total": "purchases",
        "Error": "%",
        "Correlation per customer": "r",
    }
    formats = {
        "Customers": "{:,}",
        "Predicted per customer": "{:.2f}",
        "Actual per customer": "{:.2f}",
        "Predicted in total": "{:,.0f}",
        "Actual in total": "{:,.0f}",
        "Error": "{:+.1f}",
        "Correlation per customer": "{:.2f}",
    }
    return TableView(frame, units, formats)


def validation_text(table: pd.DataFrame) -> str:
    """The "What it means" paragraph for the holdout check: can the model's forecasts be trusted?

    Examples
    --------
    >>> t = pd.DataFrame({"predicted_total": [63740.5], "actual_total": [64648.0],
    ...     "error_pct": [-0.014], "correlation": [0.81], "customers": [15333]},
    ...     index=pd.Index(["all"], name="bucket"))
    >>> print(validation_text(t))
    **What it means:** fitted on the earlier orders only, the model forecast the purchases of the 15,333 customers in the holdout period (the holdout period) within 1.4 % in total, and it ranks customers well (correlation 0.81 between predicted and actual purchases per customer). Its forecasts of future purchases, and the CLV built on them, can be relied on for planning.
    """
    row = table.loc["all"]
    error, corr = row["error_pct"], row["correlation"]
    if is_missing(error):
        return what_it_means(
            "no repeat purchases happened in the holdout period to check the model on."
        )
    size = abs(error)
    quality = (
        "can be relied on for planning"
        if size < 0.1 and not is_missing(corr) and corr >= 0.5
        else "are a rough guide only"
        if size < 0.25
        else "should not be relied on"
    )
    ranking = (
        "it ranks customers well"
        if not is_missing(corr) and corr >= 0.5
        else "it ranks customers poorly"
    )
    return what_it_means(
        f"fitted on the earlier orders only, the model forecast the purchases of the "
        f"{int(row['customers']):,} customers in the holdout period ({_period(table)}) within "
        f"{size * 100:.1f} % in total, and {ranking} (correlation {corr:.2f} between predicted and "
        f"actual purchases per customer). Its forecasts of future purchases, and the CLV built "
        f"on them, {quality}."
    )


def independence_text(independence: pd.DataFrame) -> str:
    """The Gamma–Gamma assumption check in words, as a warning when it fails.

    Examples
    --------
    >>> c = pd.DataFrame({"n": [900], "pearson_r": [0.44], "assumption_ok": [False]})
    >>> print(independence_text(c))
    **Warning:** Customers who buy more often also spend more per purchase (correlation 0.44 over 900 repeat customers). The spend model assumes the two are unrelated, so it pulls the spend of customers with few purchases towards an average that the frequent buyers raise: the lifetime value of customers with few purchases is overstated. Rank customers by lifetime value with confidence; read the amounts of customers with few purchases with care.
    """
    row = independence.iloc[0]
    r = row["pearson_r"]
    if is_missing(r):
        return what_it_means(
            "too few repeat customers to check whether spend per purchase depends on how often "
            "customers buy."
        )
    if bool(row["assumption_ok"]):
        return what_it_means(
            f"how much customers spend per purchase hardly depends on how often they buy "
            f"(correlation {r:.2f} over {int(row['n']):,} repeat customers), as the spend model "
            "assumes: its values can be used as they are."
        )
    way, push, effect = (
        ("more", "raise", "overstated") if r > 0 else ("less", "lower", "understated")
    )
    return (
        f"**Warning:** Customers who buy more often also spend {way} per purchase (correlation "
        f"{r:.2f} over {int(row['n']):,} repeat customers). The spend model assumes the two are "
        "unrelated, so it pulls the spend of customers with few purchases towards an average "
        f"that the frequent buyers {push}: the lifetime value of customers with few purchases is "
        f"{effect}. Rank customers by lifetime value with confidence; read the amounts of "
        "customers with few purchases with care."
    )


def alive_bands(predictions: pd.DataFrame) -> pd.Series:
    """Share of customers by their probability of still being a customer (for a bar chart).

    Returns
    -------
    pandas.Series
        Index "below 25 %", "25–50 %", "50–75 %", "75 % or more"; values: percent of customers.

    Examples
    --------
    >>> alive_bands(pd.DataFrame({"p_alive": [0.1, 0.6, 0.9, 0.95]})).tolist()
    [25.0, 0.0, 25.0, 50.0]
    """
    p = predictions["p_alive"].to_numpy(float)
    labels = ["below 25 %", "25–50 %", "50–75 %", "75 % or more"]
    n = max(int(np.isfinite(p).sum()), 1)
    shares = [float(((p >= lo) & (p < hi)).sum()) / n * 100 for lo, hi in _ALIVE_BANDS]
    return pd.Series(shares, index=pd.Index(labels, name="probability still a customer"))


def alive_title(predictions: pd.DataFrame) -> str:
    """The P(alive) chart's title: how many customers have probably stopped buying.

    Examples
    --------
    >>> alive_title(pd.DataFrame({"p_alive": [0.1, 0.6, 0.9, 0.95]}))
    '25 % of customers have probably stopped buying (below 50 % chance they are still customers)'
    """
    p = predictions["p_alive"].to_numpy(float)
    share = float((p < 0.5).mean()) if p.size else math.nan
    return (
        f"{share * 100:.0f} % of customers have probably stopped buying (below 50 % chance they "
        "are still customers)"
    )


def prediction_view(models: ValueModels, *, currency: str = "") -> TableView:
    """Per-customer predictions summarised: mean, spread and total, one row per measure.

    Returns
    -------
    crmkit.data.quality.TableView
        Rows: probability of still being a customer (%), expected purchases over the horizon,
        and with the spend model expected spend per purchase and CLV (``currency``); columns
        Unit, Mean, 10th percentile, Median, 90th percentile, All customers (sum, for
        purchases and CLV), as text in each row's unit.
    """
    p = models.predictions
    months = models.horizon_months
    rows = [
        ("Probability of still being a customer", "%", p["p_alive"] * 100, False, "{:.1f}"),
        (
            f"Expected purchases in the next {months} months",
            "purchases",
            p["expected_purchases"],
            True,
            "{:,.1f}",
        ),
    ]
    if models.has_clv:
        rows.append(
            ("Expected spend per purchase", currency, p["expected_average_value"], False, "{:,.0f}")
        )
        rows.append(
            (
                f"Customer lifetime value ({months} months, margin, discounted)",
                currency,
                p["clv"],
                True,
                "{:,.0f}",
            )
        )
    records = []
    for name, unit, values, total, fmt in rows:
        v = values.to_numpy(float)
        records.append(
            {
                "Prediction per customer": name,
                "Unit": unit,
                "Mean": fmt.format(np.nanmean(v)),
                "10th percentile": fmt.format(np.nanpercentile(v, 10)),
                "Median": fmt.format(np.nanmedian(v)),
                "90th percentile": fmt.format(np.nanpercentile(v, 90)),
                "All customers": fmt.format(np.nansum(v)) if total else "",
            }
        )
    return TableView(pd.DataFrame(records), {}, {})


def prediction_text(models: ValueModels, *, currency: str = "") -> str:
    """The "What it means" paragraph for the per-customer predictions.

    Examples
    --------
    >>> class M:
    ...     predictions = pd.DataFrame({"p_alive": [0.1, 0.9, 0.95, 0.99],
    ...                                 "clv": [0.0, 100.0, 300.0, 600.0]})
    ...     has_clv = True
    ...     horizon_months = 36
    >>> print(prediction_text(M(), currency="CNY"))
    **What it means:** 1 of 4 customers (25 %) have probably stopped buying; they are where win-back effort pays only if cheap. The average customer is worth CNY 250 in margin over the next 36 months (discounted), the median one CNY 200: a few very valuable customers pull the average up.
    """
    p = models.predictions
    alive = p["p_alive"].to_numpy(float)
    gone = int((alive < 0.5).sum())
    text = (
        f"{gone:,} of {len(p):,} customers ({gone / max(len(p), 1) * 100:.0f} %) have probably "
        "stopped buying; they are where win-back effort pays only if cheap."
    )
    if models.has_clv:
        clv = p["clv"].to_numpy(float)
        mean, median = float(np.nanmean(clv)), float(np.nanmedian(clv))
        text += (
            f" The average customer is worth {format_money(mean, currency)} in margin over the next "
            f"{models.horizon_months} months (discounted), the median one {format_money(median, currency)}"
            + (
                ": a few very valuable customers pull the average up."
                if mean > 1.2 * median
                else "."
            )
        )
    return what_it_means(text)


def top_customers_view(
    models: ValueModels, *, show_ids: bool, n: int = 10, currency: str = ""
) -> TableView | None:
    """The ``n`` customers with the highest CLV, with their ids — only when ids may be shown.

    Parameters
    ----------
    models : ValueModels
        Fitted with CLV.
    show_ids : bool
        ``assessment.privacy.show_record_ids``; False gives None (no ids in the report).
    n : int, default 10
        How many customers.
    currency : str
        The client's currency code.
    """
    if not show_ids or not models.has_clv:
        return None
    top = models.predictions.sort_values("clv", ascending=False, kind="stable").head(n)
    frame = pd.DataFrame(
        {
            "Customer": [str(i) for i in top.index],
            "Repeat purchases": top["frequency"].astype("Int64").to_numpy(),
            "Weeks since the last purchase": (top["T"] - top["recency"]).to_numpy(float),
            "Probability still a customer": top["p_alive"].to_numpy(float) * 100,
            "Expected purchases": top["expected_purchases"].to_numpy(float),
            "Lifetime value": top["clv"].to_numpy(float),
        }
    )
    units = {
        "Repeat purchases": "count",
        "Weeks since the last purchase": "weeks",
        "Probability still a customer": "%",
        "Expected purchases": f"next {models.horizon_months} months",
        "Lifetime value": currency,
    }
    formats = {
        "Repeat purchases": "{:,}",
        "Weeks since the last purchase": "{:.1f}",
        "Probability still a customer": "{:.0f}",
        "Expected purchases": "{:.1f}",
        "Lifetime value": "{:,.0f}",
    }
    return TableView(frame, units, formats)


class _ClvInputs(NamedTuple):
    """Both windows' inputs of the average simple CLV, on comparable definitions."""

    table: pd.DataFrame  # one row per window, the columns of simple_clv_summary
    log_variance: np.ndarray  # Var(log CLV) per window (spend and retention)
    reason: str | None  # why the windows cannot be compared, or None


def _clv_inputs(
    orders: pd.DataFrame, customers: pd.DataFrame, assessment: Assessment
) -> _ClvInputs:
    f = assessment.finance
    rates = cu.churn_rates(customers, assessment, orders=orders)
    reason = rates["reason"].iloc[0] if not rates["comparable"].iloc[0] else None
    days = int(rates["observation_days"].iloc[0])
    scoped = orders.loc[orders["customer_id"].notna()]
    scoped = scoped.loc[cu.control_mask(scoped, assessment.control, customers=customers) == 0]
    order_day = np.floor(cu._days(scoped["order_date"]))
    first = pd.Series(order_day).groupby(scoped["customer_id"].to_numpy()).min()
    created = pd.Series(
        np.floor(cu._days(customers["created_date"])), index=customers["customer_id"].to_numpy()
    )
    created = created[~created.index.duplicated()]
    spend, bands = {}, {}
    for name, window in (("before", assessment.before), ("after", assessment.after)):
        start = cu._day(window.start)
        inside = (order_day >= start) & (order_day < start + max(days, 1))
        per_buyer = scoped.loc[inside].groupby("customer_id", sort=True)["amount"].sum()
        ids = per_buyer.index.to_numpy()
        seen = np.fmin(first.reindex(ids).to_numpy(), created.reindex(ids).to_numpy())
        spend[name] = per_buyer.to_numpy(dtype=float) * cu.DAYS_PER_YEAR / max(days, 1)
        bands[name] = comparable.age_bands(
            np.nan_to_num(start - seen, nan=0.0), inactivity_days=180
        )
    counts = [comparable.band_counts(bands[n]) for n in ("before", "after")]
    overlap = comparable.age_overlap(*counts)
    if reason is None and not overlap >= comparable.MIN_AGE_OVERLAP and len(spend["before"]):
        reason = (
            f"the buying customers differ in age: the two windows' age mixes share "
            f"{overlap:.0%} of their customers (at least {comparable.MIN_AGE_OVERLAP:.0%} needed)"
        )
    weights = comparable.overlap_weights(*counts)
    rows, log_variance = [], []
    for name, rate in zip(("before", "after"), rates.itertuples(), strict=True):
        mean, variance, _ = comparable.standardised_mean(spend[name], bands[name], weights)
        retention = float(rate.retention)
        try:
            multiple = simple_clv(1.0, retention, discount_rate=f.discount_rate)
        except ValueError:
            multiple = math.nan
        # d log M / dr = 1/r + 1/(1 + d − r); Var(r) = r² Var(λ) for r = exp(−λ)
        slope = 1 / retention + 1 / (1 + f.discount_rate - retention) if retention > 0 else np.nan
        var_r = retention**2 * float(rate.rate_variance)
        log_variance.append(variance / mean**2 + slope**2 * var_r if mean > 0 else np.nan)
        rows.append(
            {
                "window": name,
                "buyers": len(spend[name]),
                "spend_per_year": mean,
                "gross_margin": f.gross_margin,
                "margin_per_year": f.gross_margin * mean,
                "retention": retention,
                "discount_rate": f.discount_rate,
                "multiple": multiple,
                "clv": f.gross_margin * mean * multiple,
                "observation_days": days,
                "age_overlap": overlap,
                "comparable": reason is None,
                "reason": reason,
            }
        )
    table = pd.DataFrame(rows)
    if reason is not None:
        table[["retention", "multiple", "clv"]] = np.nan
    return _ClvInputs(table, np.array(log_variance, dtype=float), reason)


def simple_clv_summary(
    orders: pd.DataFrame, customers: pd.DataFrame, assessment: Assessment
) -> pd.DataFrame:
    """The simple CLV of a buying customer per window, on comparable definitions.

    Parameters
    ----------
    orders, customers : pandas.DataFrame
        The canonical tables (the CRM units' rows are used).
    assessment : Assessment
        Windows, control group, ``finance.gross_margin`` and ``finance.discount_rate``.

    Returns
    -------
    pandas.DataFrame
        One row per window: ``window``, ``buyers`` (customers with an order in the first
        ``observation_days`` of the window), ``spend_per_year`` (their mean spend over those
        days scaled to a year, standardised to the age mix the two windows share),
        ``gross_margin``, ``margin_per_year`` (their product), ``retention`` (annual,
        :func:`crmkit.domains.customers.churn_rates`), ``discount_rate``, ``multiple``
        (r / (1 + d − r)), ``clv`` (margin_per_year × multiple), ``observation_days``,
        ``age_overlap``, ``comparable`` and ``reason`` (when not comparable, retention,
        multiple and clv are NaN). The CLV is the ``average_clv`` KPI's value
        (:func:`compare_average_clv`).

    Notes
    -----
    :func:`simple_clv` per customer, averaged: the mean of m_i · r/(1+d−r) over buyers is the
    mean margin times the multiple. Both windows use the same observation length (that of
    :func:`crmkit.domains.customers.churn_rates`), the same retention definition and the same
    customer-age mix (:mod:`crmkit.stats.comparable`).
    """
    return _clv_inputs(orders, customers, assessment).table


def compare_average_clv(
    orders: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame,
    alpha: float = 0.05,
) -> pd.DataFrame:
    r"""Compare the average simple CLV of a buying customer before and after go-live.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``, ``amount`` (and the control column).
    assessment : Assessment
        Windows, control group and ``finance``.
    customers : pandas.DataFrame
        ``customer_id``, ``created_date`` (for churn and customer age).
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row with :data:`crmkit.stats.impact.CHANGE_COLUMNS`: ``before``, ``after`` the
        :func:`simple_clv_summary` CLVs; ``change``, ``change_pct`` and their intervals;
        ``test`` "z-test on the log ratio (delta method: spend and retention)",
        ``statistic`` z, ``p_value``; ``effect_size`` the ratio after / before;
        ``n_before``, ``n_after`` buyers. Declined (:func:`crmkit.stats.comparable.decline`, guard
        ``not_comparable``) when churn cannot be compared or the buyers' age mixes share
        less than :data:`crmkit.stats.comparable.MIN_AGE_OVERLAP`.

    Notes
    -----
    CLV = g · S · M(r) with S the standardised mean yearly spend, r the retention and
    :math:`M(r) = r/(1+d-r)`. The retention is estimated, not known, so
    :math:`\mathrm{Var}(\log \mathrm{CLV}) = \mathrm{Var}(S)/S^2 +
    (1/r + 1/(1+d-r))^2\,r^2\,\mathrm{Var}(λ)` (delta method, :math:`r = e^{-λ}`), and
    :math:`z = \log(\mathrm{CLV}_a/\mathrm{CLV}_b)/\sqrt{V_a + V_b}`. Ignoring the
    retention's noise would call a chance wobble of churn a change in value.
    """
    inputs = _clv_inputs(orders, customers, assessment)
    table = inputs.table.set_index("window")
    counts = {"n_before": int(table.loc["before", "buyers"]),
              "n_after": int(table.loc["after", "buyers"])}  # fmt: skip
    if inputs.reason is not None:
        return comparable.decline(inputs.reason, **counts)[list(CHANGE_COLUMNS)]
    before, after = float(table.loc["before", "clv"]), float(table.loc["after", "clv"])
    common = {
        "test": "z-test on the log ratio (delta method: spend and retention)",
        "effect_size_name": "CLV ratio after / before",
        "interval_method": "delta method on log CLV",
        **counts,
    }
    v_b, v_a = (float(v) for v in inputs.log_variance)
    if not (before > 0 and after > 0 and np.isfinite(v_b + v_a) and v_b + v_a > 0):
        return change_row(
            before=before, after=after, note="insufficient data: no positive CLV with a variance "
            "in both windows", **common,
        )[list(CHANGE_COLUMNS)]  # fmt: skip
    z = float(-special.ndtri(alpha / 2))
    se = math.sqrt(v_a + v_b)
    log_ratio = math.log(after / before)
    half = z * math.sqrt(after**2 * v_a + before**2 * v_b)
    change = after - before
    return change_row(
        before=before,
        after=after,
        change=change,
        change_pct=after / before - 1,
        ci_low=change - half,
        ci_high=change + half,
        change_pct_ci_low=math.expm1(log_ratio - z * se),
        change_pct_ci_high=math.expm1(log_ratio + z * se),
        statistic=log_ratio / se,
        p_value=float(2 * special.ndtr(-abs(log_ratio) / se)),
        effect_size=after / before,
        mde=mde_z(math.sqrt(after**2 * v_a + before**2 * v_b), alpha),
        note=f"{int(table.loc['before', 'observation_days'])} days of spend in each window, "
        "retention on the churn KPI's comparable definition, age mix standardised",
        **common,
    )[list(CHANGE_COLUMNS)]


def simple_clv_frame(summary: pd.DataFrame) -> pd.Series:
    """The simple CLV per window, for :func:`crmkit.report.plots.bar_chart` (index: the windows)."""
    return pd.Series(
        summary["clv"].to_numpy(float),
        index=pd.Index([WINDOW_LABELS.get(w, w) for w in summary["window"]], name="window"),
    )


def simple_clv_view(summary: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`simple_clv_summary` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [WINDOW_LABELS.get(w, w) for w in summary["window"]],
            "Buying customers": summary["buyers"].astype("Int64"),
            "Spend per customer per year": summary["spend_per_year"].to_numpy(float),
            "Gross margin": summary["gross_margin"].to_numpy(float) * 100,
            "Margin per customer per year": summary["margin_per_year"].to_numpy(float),
            "Annual retention": summary["retention"].to_numpy(float) * 100,
            "Discount rate": summary["discount_rate"].to_numpy(float) * 100,
            "Multiple r / (1 + d − r)": summary["multiple"].to_numpy(float),
            "Customer lifetime value": summary["clv"].to_numpy(float),
        }
    )
    units = {
        "Buying customers": "count",
        "Spend per customer per year": currency,
        "Gross margin": "%",
        "Margin per customer per year": currency,
        "Annual retention": "%",
        "Discount rate": "% per year",
        "Multiple r / (1 + d − r)": "years of margin",
        "Customer lifetime value": currency,
    }
    formats = {
        "Buying customers": "{:,}",
        "Spend per customer per year": "{:,.0f}",
        "Gross margin": "{:.0f}",
        "Margin per customer per year": "{:,.0f}",
        "Annual retention": "{:.1f}",
        "Discount rate": "{:.1f}",
        "Multiple r / (1 + d − r)": "{:.2f}",
        "Customer lifetime value": "{:,.0f}",
    }
    return TableView(frame, units, formats)


def simple_clv_text(summary: pd.DataFrame, *, currency: str = "") -> str:
    """The "What it means" paragraph for the simple CLV: which of its inputs moved it.

    Examples
    --------
    >>> s = pd.DataFrame({"window": ["before", "after"], "margin_per_year": [10000.0, 11000.0],
    ...     "retention": [0.82, 0.87], "multiple": [2.73, 3.78], "clv": [27300.0, 41580.0]})
    >>> print(simple_clv_text(s, currency="CNY"))
    **What it means:** a buying customer was worth CNY 27,300 before go-live and CNY 41,580 after (+52 %). Two things moved it: the margin a customer brings in a year (+10 %) and annual retention (82.0 % → 87.0 %), which multiplies it: a customer who stays is worth 3.78 years of margin instead of 2.73. Retention weighs most, because each point of it is earned again every year.
    """
    rows = summary.set_index("window")
    if not {"before", "after"} <= set(rows.index) or rows["clv"].isna().any():
        return what_it_means(
            "the data do not give both windows' retention and spend, so the simple CLV cannot be compared."
        )
    b, a = rows.loc["before"], rows.loc["after"]
    change = a["clv"] / b["clv"] - 1 if b["clv"] else math.nan
    margin_change = (
        a["margin_per_year"] / b["margin_per_year"] - 1 if b["margin_per_year"] else math.nan
    )
    text = (
        f"a buying customer was worth {format_money(b['clv'], currency)} before go-live and "
        f"{format_money(a['clv'], currency)} after ({_signed_pct(change)}). Two things moved it: the "
        f"margin a customer brings in a year ({_signed_pct(margin_change)}) and annual retention "
        f"({b['retention'] * 100:.1f} % → {a['retention'] * 100:.1f} %), which multiplies it: a "
        f"customer who stays is worth {a['multiple']:.2f} years of margin instead of "
        f"{b['multiple']:.2f}."
    )
    multiple_change = a["multiple"] / b["multiple"] - 1 if b["multiple"] else math.nan
    if abs(multiple_change) > abs(margin_change):
        text += " Retention weighs most, because each point of it is earned again every year."
    else:
        text += " Spend weighs most here."
    return what_it_means(text)


def _signed_pct(value: float) -> str:
    if is_missing(value):
        return "n/a"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value) * 100:.0f} %"


def segment_table(
    scores: pd.DataFrame, summary: pd.DataFrame, predictions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Customers, revenue and predicted value per RFM segment, with a suggested action.

    Parameters
    ----------
    scores : pandas.DataFrame
        :func:`rfm_scores`.
    summary : pandas.DataFrame
        :func:`rfm_summary` (its ``revenue``), on the same index.
    predictions : pandas.DataFrame, optional
        With a ``clv`` column (:func:`customer_value_table`), for the mean CLV per segment.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``segment`` in :data:`SEGMENTS` order (segments without customers left
        out): ``customers``, ``customer_share``, ``revenue``, ``revenue_share``,
        ``revenue_per_customer``, ``clv_mean`` (NaN without predictions), ``rule``
        (:data:`SEGMENTS`), ``action`` (:data:`SEGMENT_ACTIONS`).

    Examples
    --------
    >>> scores = pd.DataFrame({"segment": ["champions", "hibernating", "champions"]}, index=list("abc"))
    >>> summary = pd.DataFrame({"revenue": [60.0, 10.0, 30.0]}, index=list("abc"))
    >>> segment_table(scores, summary)[["customers", "revenue_share"]].to_dict("index")
    {'champions': {'customers': 2, 'revenue_share': 0.9}, 'hibernating': {'customers': 1, 'revenue_share': 0.1}}
    """
    revenue = summary["revenue"].reindex(scores.index).astype(float).fillna(0.0)
    frame = pd.DataFrame({"segment": scores["segment"].astype(str), "revenue": revenue})
    if predictions is not None and "clv" in predictions:
        frame["clv"] = predictions["clv"].reindex(scores.index).astype(float)
    else:
        frame["clv"] = np.nan
    grouped = frame.groupby("segment", sort=False)
    out = pd.DataFrame(
        {
            "customers": grouped.size().astype(np.int64),
            "revenue": grouped["revenue"].sum(),
            "clv_mean": grouped["clv"].mean(),
        }
    )
    order = [s for s in SEGMENTS if s in out.index]
    out = out.reindex(order)
    out.index.name = "segment"
    n, total = max(len(frame), 1), float(revenue.sum())
    out.insert(1, "customer_share", out["customers"] / n)
    out.insert(3, "revenue_share", out["revenue"] / total if total else np.nan)
    out.insert(4, "revenue_per_customer", out["revenue"] / out["customers"])
    out["rule"] = pd.array([SEGMENTS[s] for s in out.index], dtype=object)
    out["action"] = pd.array([SEGMENT_ACTIONS[s] for s in out.index], dtype=object)
    return out


def segment_frame(segments: pd.DataFrame) -> pd.DataFrame:
    """:func:`segment_table` as :func:`crmkit.report.plots.grouped_bar_chart` draws it (percent)."""
    return pd.DataFrame(
        {
            "Share of revenue": segments["revenue_share"].to_numpy(float) * 100,
            "Share of customers": segments["customer_share"].to_numpy(float) * 100,
        },
        index=pd.Index([s.capitalize() for s in segments.index], name="segment"),
    )


def segment_title(segments: pd.DataFrame) -> str:
    """The segment chart's title: the segment that brings the most revenue, and its size.

    Examples
    --------
    >>> s = pd.DataFrame({"customer_share": [0.24, 0.26], "revenue_share": [0.6, 0.05]},
    ...                  index=pd.Index(["champions", "hibernating"], name="segment"))
    >>> segment_title(s)
    'Champions are 24 % of customers and bring 60 % of revenue; hibernating customers (26 %) bring 5 %'
    """
    if segments.empty or segments["revenue_share"].isna().all():
        return "No revenue to split by RFM segment"
    top = segments["revenue_share"].idxmax()
    row = segments.loc[top]
    text = (
        f"{top.capitalize()} are {_pct(row['customer_share'])} of customers and bring "
        f"{_pct(row['revenue_share'])} of revenue"
    )
    if "hibernating" in segments.index and top != "hibernating":
        h = segments.loc["hibernating"]
        text += f"; hibernating customers ({_pct(h['customer_share'])}) bring {_pct(h['revenue_share'])}"
    return text


def segment_view(segments: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`segment_table` as a table with units."""
    frame = pd.DataFrame(
        {
            "Segment": [s.capitalize() for s in segments.index],
            "Customers": segments["customers"].astype("Int64").to_numpy(),
            "Share of customers": segments["customer_share"].to_numpy(float) * 100,
            "Revenue": segments["revenue"].to_numpy(float),
            "Share of revenue": segments["revenue_share"].to_numpy(float) * 100,
            "Mean lifetime value": segments["clv_mean"].to_numpy(float),
            "Who they are": segments["rule"].to_numpy(),
            "Suggested action": segments["action"].to_numpy(),
        }
    )
    units = {
        "Customers": "count",
        "Share of customers": "%",
        "Revenue": currency,
        "Share of revenue": "%",
        "Mean lifetime value": currency,
    }
    formats = {
        "Customers": "{:,}",
        "Share of customers": "{:.1f}",
        "Revenue": "{:,.0f}",
        "Share of revenue": "{:.1f}",
        "Mean lifetime value": "{:,.0f}",
    }
    return TableView(frame, units, formats)


def segment_text(segments: pd.DataFrame) -> str:
    """The "What it means" paragraph for the RFM segments: where the money is and who needs action.

    Examples
    --------
    >>> s = pd.DataFrame({"customer_share": [0.24, 0.14, 0.26], "revenue_share": [0.6, 0.1, 0.05]},
    ...                  index=pd.Index(["champions", "at risk", "hibernating"], name="segment"))
    >>> print(segment_text(s))
    **What it means:** champions (24 % of customers) bring 60 % of revenue: keep them close. The 14 % of customers at risk bought often but not lately and brought 10 % of revenue: a win-back contact for them is the most urgent retention action. The 26 % hibernating customers bring 5 %; spend little on them.
    """
    if segments.empty:
        return what_it_means("there are no customers to segment.")
    parts = []
    if "champions" in segments.index:
        c = segments.loc["champions"]
        parts.append(
            f"champions ({_pct(c['customer_share'])} of customers) bring "
            f"{_pct(c['revenue_share'])} of revenue: keep them close."
        )
    if "at risk" in segments.index:
        r = segments.loc["at risk"]
        parts.append(
            f"The {_pct(r['customer_share'])} of customers at risk bought often but not lately and "
            f"brought {_pct(r['revenue_share'])} of revenue: a win-back contact for them is the "
            "most urgent retention action."
        )
    if "hibernating" in segments.index:
        h = segments.loc["hibernating"]
        parts.append(
            f"The {_pct(h['customer_share'])} hibernating customers bring "
            f"{_pct(h['revenue_share'])}; spend little on them."
        )
    if not parts:
        top = segments["revenue_share"].idxmax()
        parts.append(f"{top} customers bring most of the revenue.")
    text = " ".join(parts)
    return what_it_means(text[0].lower() + text[1:])


def tier_frame(tiers: pd.DataFrame) -> pd.DataFrame:
    """:func:`clv_tiers` as :func:`crmkit.report.plots.grouped_bar_chart` draws it (percent)."""
    return pd.DataFrame(
        {
            "Predicted value": tiers["clv_share"].to_numpy(float) * 100,
            "Customers": tiers["customer_share"].to_numpy(float) * 100,
            "Past revenue": tiers["revenue_share"].to_numpy(float) * 100,
        },
        index=pd.Index([str(t) for t in tiers.index], name="tier"),
    )


def tier_title(tiers: pd.DataFrame) -> str:
    """The tier chart's title: how much of the predicted value the top tier holds.

    Examples
    --------
    >>> t = pd.DataFrame({"clv_share": [0.77, 0.18, 0.05], "revenue_share": [0.74, 0.14, 0.12]},
    ...                  index=pd.Index(["top 20 %", "next 30 %", "rest 50 %"], name="tier"))
    >>> tier_title(t)
    'The top 20 % of customers hold 77 % of the predicted lifetime value (and brought 74 % of past revenue)'
    """
    if tiers.empty:
        return "No customers to tier by lifetime value"
    top = tiers.iloc[0]
    text = f"The {tiers.index[0]} of customers hold {_pct(top['clv_share'])} of the predicted lifetime value"
    if not is_missing(top.get("revenue_share", math.nan)):
        text += f" (and brought {_pct(top['revenue_share'])} of past revenue)"
    return text


def tier_view(tiers: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`clv_tiers` as a table with units."""
    frame = pd.DataFrame(
        {
            "Tier": [str(t).capitalize() for t in tiers.index],
            "Customers": tiers["customers"].astype("Int64").to_numpy(),
            "Share of predicted value": tiers["clv_share"].to_numpy(float) * 100,
            "Mean lifetime value": tiers["clv_mean"].to_numpy(float),
            "Lifetime value from": tiers["clv_min"].to_numpy(float),
            "Share of past revenue": tiers["revenue_share"].to_numpy(float) * 100,
            "Suggested relationship strategy": tiers["strategy"].to_numpy(),
        }
    )
    units = {
        "Customers": "count",
        "Share of predicted value": "%",
        "Mean lifetime value": currency,
        "Lifetime value from": currency,
        "Share of past revenue": "%",
    }
    formats = {
        "Customers": "{:,}",
        "Share of predicted value": "{:.1f}",
        "Mean lifetime value": "{:,.0f}",
        "Lifetime value from": "{:,.0f}",
        "Share of past revenue": "{:.1f}",
    }
    return TableView(frame, units, formats)


def tier_text(tiers: pd.DataFrame, *, currency: str = "") -> str:
    """The "What it means" paragraph for the CLV tiers: where relationship spending belongs.

    Examples
    --------
    >>> t = pd.DataFrame({"customers": [3557, 5337, 8893], "clv_share": [0.77, 0.18, 0.05],
    ...     "clv_mean": [33919.0, 5278.0, 975.0], "clv_min": [11022.0, 2113.0, 0.0]},
    ...     index=pd.Index(["top 20 %", "next 30 %", "rest 50 %"], name="tier"))
    >>> print(tier_text(t, currency="CNY"))
    **What it means:** a top-tier customer is worth CNY 33,919 on average, 35 times a customer of the rest 50 % (CNY 975). Customers worth CNY 11,022 or more belong to the top tier: give them named account management and proactive service; develop the next 30 % with targeted offers; serve the rest 50 %, who hold 5 % of the value, through low-cost channels.
    """
    if len(tiers) < 2:
        return what_it_means("there are too few customers to tier by lifetime value.")
    top, last = tiers.iloc[0], tiers.iloc[-1]
    ratio = top["clv_mean"] / last["clv_mean"] if last["clv_mean"] > 0 else math.nan
    times = (
        ""
        if is_missing(ratio)
        else f", {ratio:,.0f} times a customer of the {tiers.index[-1]} ({format_money(last['clv_mean'], currency)})"
    )
    middle = ", ".join(str(t) for t in tiers.index[1:-1])
    develop = f"develop the {middle} with targeted offers; " if middle else ""
    return what_it_means(
        f"a top-tier customer is worth {format_money(top['clv_mean'], currency)} on average{times}. "
        f"Customers worth {format_money(top['clv_min'], currency)} or more belong to the top tier: give "
        f"them named account management and proactive service; {develop}serve the "
        f"{tiers.index[-1]}, who hold {_pct(last['clv_share'])} of the value, through low-cost "
        "channels."
    )


def concentration_title(curve: pd.DataFrame, gini: float, *, top: float = 0.2) -> str:
    """The concentration chart's title: the share of value the top customers hold, and Gini.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_share": [0.2, 1.0], "cumulative_share": [0.74, 1.0]})
    >>> concentration_title(c, 0.76)
    'The top 20 % of customers bring 74 % of revenue (Gini 0.76: highly concentrated)'
    """
    if curve.empty or is_missing(gini):
        return "No revenue to measure its concentration"
    x = np.r_[0.0, curve["customer_share"].to_numpy(float)]
    y = np.r_[0.0, curve["cumulative_share"].to_numpy(float)]
    held = float(np.interp(top, x, y))
    return (
        f"The top {top * 100:.0f} % of customers bring {held * 100:.0f} % of revenue "
        f"(Gini {gini:.2f}: {_concentration_degree(gini)})"
    )


def _concentration_degree(gini: float) -> str:
    return (
        "highly concentrated"
        if gini >= 0.6
        else "concentrated"
        if gini >= 0.4
        else "fairly evenly spread"
    )


def concentration_view(
    curve: pd.DataFrame, *, tops: Sequence[float] = (0.01, 0.05, 0.1, 0.2, 0.5)
) -> TableView:
    """The share of revenue the largest customers hold, as a table with units.

    Parameters
    ----------
    curve : pandas.DataFrame
        :func:`concentration_curve`.
    tops : sequence of float
        Shares of customers (largest first).

    Examples
    --------
    >>> c = pd.DataFrame({"customer_share": [0.5, 1.0], "cumulative_share": [0.8, 1.0]})
    >>> concentration_view(c, tops=[0.5]).frame.to_dict("list")
    {'Largest customers': ['top 50 %'], 'Customers': [1], 'Share of revenue': [80.0]}
    """
    x = np.r_[0.0, curve["customer_share"].to_numpy(float)]
    y = np.r_[0.0, curve["cumulative_share"].to_numpy(float)]
    n = len(curve)
    frame = pd.DataFrame(
        {
            "Largest customers": [f"top {t * 100:g} %" for t in tops],
            "Customers": [int(math.floor(t * n + 0.5)) for t in tops],
            "Share of revenue": [float(np.interp(t, x, y)) * 100 for t in tops],
        }
    )
    return TableView(
        frame,
        {"Customers": "count", "Share of revenue": "%"},
        {"Customers": "{:,}", "Share of revenue": "{:.1f}"},
    )


def concentration_text(curve: pd.DataFrame, gini: float) -> str:
    """The "What it means" paragraph for revenue concentration.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_share": [0.01, 0.2, 1.0], "cumulative_share": [0.1, 0.74, 1.0]})
    >>> print(concentration_text(c, 0.76))
    **What it means:** revenue is highly concentrated (Gini 0.76; 0 = every customer buys the same, 1 = one customer buys everything): the largest 1 % of customers bring 10 % of it. Losing a few large customers would hurt more than losing many small ones, so retention effort and service levels belong with the largest accounts first.
    """
    if curve.empty or is_missing(gini):
        return what_it_means("there is no revenue to measure its concentration.")
    x = np.r_[0.0, curve["customer_share"].to_numpy(float)]
    y = np.r_[0.0, curve["cumulative_share"].to_numpy(float)]
    one = float(np.interp(0.01, x, y))
    text = (
        f"revenue is {_concentration_degree(gini)} (Gini {gini:.2f}; 0 = every customer buys the "
        f"same, 1 = one customer buys everything): the largest 1 % of customers bring "
        f"{one * 100:.0f} % of it."
    )
    if gini >= 0.4:
        text += (
            " Losing a few large customers would hurt more than losing many small ones, so "
            "retention effort and service levels belong with the largest accounts first."
        )
    else:
        text += " No small group of customers dominates: the base is resilient to losing a few."
    return what_it_means(text)


def clv_record(
    *,
    models: ValueModels | None = None,
    validation: pd.DataFrame | None = None,
    simple: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
    tiers: pd.DataFrame | None = None,
    gini: float | None = None,
    curve: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The customer-value figures for results.json (``customers.clv``).

    Returns
    -------
    dict
        JSON-able (NaN → None) with the parts given: ``model`` {``time_unit``,
        ``horizon_months``, ``margin``, ``discount_rate_yearly``, ``discount_rate_monthly``,
        ``customers``, ``bgnbd`` {r, alpha, a, b}, ``gamma_gamma`` {p, q, v} or None,
        ``independence`` {``pearson_r``, ``assumption_ok``}, ``note``}; ``average_clv``,
        ``median_clv``, ``total_clv``, ``share_probably_lost``; ``holdout`` {``calibration_end``,
        ``observation_end``, ``customers``, ``predicted_total``, ``actual_total``,
        ``error_pct``, ``mae``, ``correlation``}; ``simple_clv`` {window: {``clv``,
        ``retention``, ``margin_per_year``, ``multiple``}}; ``rfm_segments`` {segment:
        {``customers``, ``customer_share``, ``revenue_share``}}; ``tiers`` {tier:
        {``customers``, ``clv_share``, ``revenue_share``, ``clv_mean``}}; ``gini``,
        ``top_20_revenue_share``.
    """
    out: dict[str, Any] = {}
    if models is not None:
        out["model"] = {
            "time_unit": TIME_UNIT,
            "horizon_months": models.horizon_months,
            "margin": models.margin,
            "discount_rate_yearly": models.yearly_discount_rate,
            "discount_rate_monthly": models.monthly_discount_rate,
            "customers": len(models.summary),
            "bgnbd": models.bgf.params_.to_dict(),
            "gamma_gamma": models.ggf.params_.to_dict() if models.ggf is not None else None,
            "independence": (
                {
                    "pearson_r": float(models.ggf.independence_["pearson_r"].iloc[0]),
                    "assumption_ok": bool(models.ggf.independence_["assumption_ok"].iloc[0]),
                }
                if models.ggf is not None
                else None
            ),
            "note": models.note,
        }
        p = models.predictions
        out["share_probably_lost"] = float((p["p_alive"] < 0.5).mean())
        if models.has_clv:
            out["average_clv"] = float(p["clv"].mean())
            out["median_clv"] = float(p["clv"].median())
            out["total_clv"] = float(p["clv"].sum())
    if validation is not None:
        row = validation.loc["all"]
        out["holdout"] = {
            "calibration_end": validation.attrs.get("calibration_end"),
            "observation_end": validation.attrs.get("observation_end"),
            "customers": row["customers"],
            "predicted_total": row["predicted_total"],
            "actual_total": row["actual_total"],
            "error_pct": row["error_pct"],
            "mae": row["mae"],
            "correlation": row["correlation"],
        }
    if simple is not None:
        out["simple_clv"] = {
            r["window"]: {
                "clv": r["clv"],
                "retention": r["retention"],
                "margin_per_year": r["margin_per_year"],
                "multiple": r["multiple"],
            }
            for r in simple.to_dict("records")
        }
    if segments is not None:
        out["rfm_segments"] = {
            str(s): {
                "customers": r["customers"],
                "customer_share": r["customer_share"],
                "revenue_share": r["revenue_share"],
            }
            for s, r in segments.iterrows()
        }
    if tiers is not None:
        out["tiers"] = {
            str(t): {
                "customers": r["customers"],
                "clv_share": r["clv_share"],
                "revenue_share": r["revenue_share"],
                "clv_mean": r["clv_mean"],
            }
            for t, r in tiers.iterrows()
        }
    if gini is not None:
        out["gini"] = gini
    if curve is not None and len(curve):
        x = np.r_[0.0, curve["customer_share"].to_numpy(float)]
        y = np.r_[0.0, curve["cumulative_share"].to_numpy(float)]
        out["top_20_revenue_share"] = float(np.interp(0.2, x, y))
    return jsonable(out)
