"""Churn per window and its change at go-live, on definitions comparable in both windows.

At risk in a window: the customers alive at the window's first day by one rule (see
:func:`churn_rates`), followed for the same number of days in both windows, with the
customers' ages weighted alike (:mod:`crmkit.stats.comparable`). :func:`churn_summary` gathers
the CRM units' churn and the control group's.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Literal, NamedTuple, TypedDict, Unpack

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment
from crmkit.domains.customers.churn import _base
from crmkit.domains.customers.inputs import (
    DAYS_PER_YEAR,
    _window_days,
    _windows,
    day_numbers,
    to_dates,
)
from crmkit.domains.customers.scope import Scope, _check_scope, _in_scope
from crmkit.stats.comparable import INACTIVITY_DAYS
from crmkit.stats.comparable import MIN_AGE_OVERLAP as _MIN_AGE_OVERLAP
from crmkit.stats.comparable import Spread as _Spread
from crmkit.stats.comparable import age_bands as _age_bands
from crmkit.stats.comparable import age_overlap as _age_overlap
from crmkit.stats.comparable import band_counts as _band_counts
from crmkit.stats.comparable import decline as _decline
from crmkit.stats.comparable import overlap_weights as _overlap_weights
from crmkit.stats.comparable import standardised_rate as _standardised_rate
from crmkit.stats.comparable import standardised_rate_test as _standardised_rate_test
from crmkit.stats.impact import CHANGE_COLUMNS, compare_rates
from crmkit.stats.impact.notes import (
    AgeMixesDiffer,
    ChurnDefinition,
    DataEndBeforeAfterWindow,
    NoChurnEvent,
    NoCustomerAtRisk,
    Note,
    ShortOrderHistory,
    joined_reasons,
    write_notes,
)
from crmkit.stats.impact.row import insufficient_row, noted_row
from crmkit.stats.primitives import check_alpha as _check_alpha
from crmkit.stats.primitives import mde_z as _mde_z
from crmkit.stats.primitives import z_critical as _z


class _WindowChurn(NamedTuple):
    """One window's closed population at risk, by customer-age band."""

    start: float  # first day (day number)
    days: int  # observation length L
    customers: np.ndarray  # at risk at the start, per band
    events: np.ndarray  # lapses (or register churns) within L days, per band
    exposure: np.ndarray  # customer-years at risk, per band
    acquired: int  # customers first seen in the window (at risk from the next window on)
    spread: _Spread  # per-customer sums for the robust variance


class _ComparableChurn(NamedTuple):
    windows: dict[str, _WindowChurn]
    weights: np.ndarray
    overlap: float
    reason: str | None  # why the windows are not comparable, or None
    source: str
    reason_fact: Note | None = None  # the same reason as a fact


def _order_spells(
    customers: pd.DataFrame, orders: pd.DataFrame, ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """Distinct (customer code, order day) pairs sorted, and the first day of the history."""
    position = pd.Index(ids).get_indexer(orders["customer_id"].to_numpy())
    order_day = np.floor(day_numbers(orders["order_date"]))
    known = (position >= 0) & ~np.isnan(order_day)
    code, day = position[known], order_day[known]
    history_start = float(day.min()) if len(day) else math.nan
    order = np.lexsort((day, code))
    code, day = code[order], day[order]
    distinct = np.r_[True, (code[1:] != code[:-1]) | (day[1:] != day[:-1])]
    return code[distinct], day[distinct], history_start


class ChurnOptions(TypedDict, total=False):
    """How churn is measured, shared by :func:`churn_rates` and :func:`compare_churn`.

    ``orders`` (default None), ``inactivity_days`` (default 180), ``source`` (default
    "auto") and ``data_end`` (default: from the data) as :func:`churn_dates`; ``scope``
    (default "crm"), which customers.
    """

    orders: pd.DataFrame | None
    inactivity_days: int
    source: Literal["auto", "churned_date", "inactivity"]
    scope: Scope
    data_end: dt.date | str | None


def _comparable_churn(
    customers: pd.DataFrame,
    assessment: Assessment,
    *,
    orders: pd.DataFrame | None = None,
    inactivity_days: int = INACTIVITY_DAYS,
    source: str = "auto",
    scope: str = "crm",
    data_end: Any = None,
) -> _ComparableChurn:
    """Each window's population at risk, churn events and exposure on one definition."""
    _check_scope(scope)
    base = _base(
        customers, orders, inactivity_days=inactivity_days, source=source, data_end=data_end
    )
    unique, ids, created, end = base.customers, base.ids, base.created, base.end
    inactivity, source = base.inactivity_days, base.source
    in_scope = _in_scope(
        pd.DataFrame({"customer_id": ids}),
        assessment.control,
        scope,
        customers=customers,
        orders=orders,
    )
    (b_start, b_stop), (a_start, a_stop) = (_window_days(w) for _, w in _windows(assessment))
    reasons = []
    if source == "inactivity":
        code, day, history_start = _order_spells(unique, orders, ids)  # type: ignore[arg-type]
        keep = in_scope[code]
        code, day = code[keep], day[keep]
        first_order = pd.Series(day).groupby(code).min()
        first_seen = created.copy()
        first_seen[first_order.index.to_numpy()] = np.fmin(
            created[first_order.index.to_numpy()], first_order.to_numpy()
        )
        follow_up = end - a_start  # a lapse on day λ is seen when the data reach λ + 1
        if not history_start <= b_start - inactivity:
            reasons.append(ShortOrderHistory(inactivity_days=int(inactivity)))
        same_next = np.r_[code[1:] == code[:-1], False]
        next_day = np.where(same_next, np.r_[day[1:], np.inf], np.inf)
        lapse_day = np.where(next_day - day > inactivity, day + inactivity, np.nan)
    else:
        churn = base.register()
        first_seen = created
        follow_up = end - a_start + 1
    days = int(min(b_stop - b_start, a_stop - a_start, follow_up))
    if days < 1:
        reasons.append(DataEndBeforeAfterWindow())
        days = 0

    windows: dict[str, _WindowChurn] = {}
    for name, start in (("before", b_start), ("after", a_start)):
        stop = start + days
        if source == "inactivity":
            recent = (day >= start - inactivity) & (day < start)
            at_risk = np.zeros(len(ids), dtype=bool)
            at_risk[code[recent]] = True
            counted = (day >= start - inactivity) & (lapse_day < stop)
            first_lapse = pd.Series(lapse_day[counted]).groupby(code[counted]).min()
            exit_day = np.full(len(ids), np.nan)
            exit_day[first_lapse.index.to_numpy()] = first_lapse.to_numpy()
        else:
            at_risk = in_scope & (created < start) & (np.isnan(churn) | (churn >= start))
            exit_day = np.where(churn < stop, churn, np.nan)
        at_risk &= in_scope
        event = at_risk & ~np.isnan(exit_day)
        exposure_days = np.where(event, exit_day - start + 1, days)
        age = start - first_seen
        bands = _age_bands(np.where(np.isnan(age), 0.0, age), inactivity_days=inactivity)
        group = bands[at_risk]
        size = len(_band_counts(np.array([], dtype=np.int64)))
        years = exposure_days[at_risk] / DAYS_PER_YEAR
        hits = event[at_risk].astype(float)
        windows[name] = _WindowChurn(
            start=start,
            days=days,
            customers=np.bincount(group, minlength=size),
            events=np.bincount(bands[event], minlength=size),
            exposure=np.bincount(group, weights=exposure_days[at_risk], minlength=size)
            / DAYS_PER_YEAR,
            acquired=int((in_scope & (first_seen >= start) & (first_seen < stop)).sum()),
            spread=_Spread(
                np.bincount(group, weights=hits, minlength=size),
                np.bincount(group, weights=hits * years, minlength=size),
                np.bincount(group, weights=years**2, minlength=size),
            ),
        )
    before, after = windows["before"].customers, windows["after"].customers
    overlap = _age_overlap(before, after)
    if not reasons and overlap < _MIN_AGE_OVERLAP:
        reasons.append(
            AgeMixesDiffer(customers="at_risk", shared=float(overlap), needed=_MIN_AGE_OVERLAP)
        )
    fact = joined_reasons(reasons)
    return _ComparableChurn(
        windows,
        _overlap_weights(before, after),
        overlap,
        fact.english() if fact is not None else None,
        source,
        fact,
    )


def churn_rates(
    customers: pd.DataFrame,
    assessment: Assessment,
    *,
    alpha: float = 0.05,
    **options: Unpack[ChurnOptions],
) -> pd.DataFrame:
    """Annual churn rate, churn probability and retention per window, on comparable definitions.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id``, ``created_date`` (and ``churned_date`` for the register; the control
        column, e.g. ``region``).
    assessment : Assessment
        Supplies the windows and the control group.
    orders : pandas.DataFrame, optional
        Needed for inactivity churn (and to place customers in the control group when their
        table lacks the control column).
    inactivity_days, source, data_end
        As :func:`churn_dates`.
    scope : {"crm", "control", "all"}, default "crm"
        Which customers (see the module docstring).
    alpha : float, default 0.05
        The intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row per window ("before", "after"):

        - ``window``, ``start``, ``end``; ``observed_until``: the last day followed (the
          window's start + ``observation_days`` − 1); ``observation_days``: the same in both
          windows;
        - ``customers_at_start``: the population at risk (see Notes); ``acquired``: customers
          first seen in the observed part of the window (at risk from the next window on);
          ``churned``: churn events among the population within the observation;
        - ``customer_years``: its exposure (days at risk / 365);
        - ``churn_rate``: churn events per customer-year, standardised to the age mix the
          two windows share; ``rate_variance``: its variance (the larger of Poisson and
          robust per age band); ``rate_ci_low``, ``rate_ci_high``: Fay–Feuer gamma interval
          (Garwood's exact Poisson interval when one age band is used);
        - ``churn_probability``: 1 − exp(−churn_rate), the annual churn probability;
          ``ci_low``, ``ci_high``: the same transform of the rate interval;
        - ``retention``: 1 − churn_probability, the annual retention;
        - ``age_overlap``: the share of customers the two windows' age mixes have in common;
        - ``comparable`` and ``reason``: False, and why, when the comparison is declined —
          then the rate columns are NaN; ``reason_facts``: the same reason as a typed fact
          (JSON text of :func:`crmkit.stats.impact.notes.write_notes`, read back with
          :func:`~crmkit.stats.impact.notes.read_notes`), which the words layer says in the
          report's language; None when the windows compare;
        - ``source``: where churn came from.

    Notes
    -----
    One definition in both windows, so that nothing but a change of behaviour can move it:

    - *the same population at risk*: the customers alive at the window's first day s by
      one rule — for inactivity churn, those with an order in the ``inactivity_days`` before
      s (a customer who lapsed earlier is simply not at risk, in both windows alike, and the
      time before a customer's first order is never a lapse); for the register, those
      created before s and not churned before it. Customers acquired during the window
      enter the next window's population, not this one's;
    - *the same observation length* L in both windows: the shorter window, cut to what the
      data can show after go-live;
    - *the same event*: for inactivity, a lapse happens on the day ``inactivity_days`` have
      passed since an order without another (:math:`a + D` for an order on day a and no
      order until day :math:`a + D`); an event counts when it falls in
      :math:`[s, s + L)`; only the first per customer and window;
    - *the same customer-age mix*: the age bands of :func:`crmkit.stats.comparable.age_bands`,
      standardised to their overlap weights (:func:`crmkit.stats.comparable.overlap_weights`).

    The comparison is declined (rates NaN, ``reason`` set) when the order history before the
    before window is shorter than ``inactivity_days`` (who was active at its start cannot be
    told), when the data end before the after window, or when the two windows' age mixes
    share less than :data:`crmkit.stats.comparable.MIN_AGE_OVERLAP` of their customers.

    With a constant hazard λ the probability of churning within a year is
    :math:`1 - e^{-λ}`; :math:`\\hat λ = Σ_k w_k d_k / T_k` with :math:`d_k` events in
    :math:`T_k` customer-years in age band k.

    References
    ----------
    Fay, M. P. & Feuer, E. J. (1997). Statistics in Medicine 16, 791–801.
    Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28, 437–442.
    Breslow, N. E. & Day, N. E. (1987). Statistical Methods in Cancer Research II. IARC, ch. 2.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> customers = pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...     "created_date": pd.to_datetime(["2023-01-01", "2023-06-01", "2023-07-01"]),
    ...     "churned_date": pd.to_datetime(["2024-04-01", None, None])})
    >>> churn_rates(customers, a, data_end="2025-12-31")[["window", "churned", "customer_years"]].round(4).to_dict("list")
    {'window': ['before', 'after'], 'churned': [1, 0], 'customer_years': [2.2521, 2.0]}
    """
    _check_alpha(alpha)
    churn = _comparable_churn(customers, assessment, **options)
    rows = []
    for name, window in _windows(assessment):
        part = churn.windows[name]
        rate = _standardised_rate(
            part.events, part.exposure, churn.weights, spread=part.spread, alpha=alpha
        )
        if churn.reason is not None:
            rate = rate._replace(rate=math.nan, ci_low=math.nan, ci_high=math.nan)
        rows.append(
            {
                "window": name,
                "start": pd.Timestamp(window.start),
                "end": pd.Timestamp(window.end),
                "observed_until": to_dates(np.array([part.start + max(part.days, 1) - 1]))[0],
                "observation_days": part.days,
                "customers_at_start": int(part.customers.sum()),
                "acquired": part.acquired,
                "churned": int(part.events.sum()),
                "customer_years": float(part.exposure.sum()),
                "churn_rate": rate.rate,
                "rate_variance": rate.variance if churn.reason is None else math.nan,
                "rate_ci_low": rate.ci_low,
                "rate_ci_high": rate.ci_high,
                "churn_probability": -math.expm1(-rate.rate),
                "ci_low": -math.expm1(-rate.ci_low),
                "ci_high": -math.expm1(-rate.ci_high),
                "retention": math.exp(-rate.rate),
                "age_overlap": churn.overlap,
                "comparable": churn.reason is None,
                "reason": churn.reason,
                "reason_facts": write_notes([churn.reason_fact]) if churn.reason_fact else None,
                "source": churn.source,
            }
        )
    return pd.DataFrame(rows)


def compare_churn(
    customers: pd.DataFrame,
    assessment: Assessment,
    *,
    alpha: float = 0.05,
    **options: Unpack[ChurnOptions],
) -> pd.DataFrame:
    """Compare the annual churn probability before and after go-live, on comparable definitions.

    Parameters
    ----------
    customers, assessment, orders, inactivity_days, source, scope, data_end
        As :func:`churn_rates`.
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row with :data:`crmkit.stats.impact.CHANGE_COLUMNS` (no verdict):

        - ``before``, ``after``: the age-standardised annual churn probability
          1 − exp(−rate) of each window (:func:`churn_rates`); ``change`` = after − before
          (a fraction: −0.05 is 5 percentage points less churn); ``change_pct`` =
          after / before − 1;
        - ``ci_low``, ``ci_high``, ``change_pct_ci_low``, ``change_pct_ci_high``: delta-method
          intervals with the Poisson variance of both windows' events;
        - ``test`` "score test of equal age-standardised churn hazards", ``statistic`` z,
          ``p_value`` two-sided; ``check_test``, ``check_p_value``: the exact conditional
          test of equal crude hazards (:func:`crmkit.stats.impact.compare_rates`); ``mde`` on the
          probability scale at 80 % power;
        - ``effect_size``: the hazard (rate) ratio after / before;
        - ``n_before``, ``n_after``: churn events;
        - ``interval_method``, ``note``.

        Where the windows are not comparable (:func:`churn_rates`' ``reason``) the row is
        declined (:func:`crmkit.stats.comparable.decline`): no change, interval or p-value, the
        note says why and the guard is ``not_comparable``.

    Notes
    -----
    With :math:`p = 1 - e^{-λ}`, :math:`\\mathrm{Var}(\\hat p) \\approx e^{-2λ}
    \\mathrm{Var}(\\hat λ)` with :math:`\\mathrm{Var}(\\hat λ) = Σ_k w_k^2 d_k / T_k^2`, so
    the change's interval is :math:`Δ ± z\\sqrt{V_a + V_b}` and that of
    :math:`\\log(p_a/p_b)` uses :math:`V/p^2`. The test is
    :func:`crmkit.stats.comparable.standardised_rate_test`. Retention = 1 − churn probability, so
    its change is the negative of this one.

    References
    ----------
    Breslow, N. E. & Day, N. E. (1987). Statistical Methods in Cancer Research II. IARC, §3.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> customers = pd.DataFrame({"customer_id": [f"C{i}" for i in range(8)],
    ...     "created_date": pd.to_datetime(["2023-01-01"] * 8),
    ...     "churned_date": pd.to_datetime(["2024-03-01", "2024-06-01", "2024-09-01", "2025-05-01"]
    ...                                    + [None] * 4)})
    >>> compare_churn(customers, a, data_end="2025-12-31")[["n_before", "n_after"]].iloc[0].tolist()
    [3, 1]
    """
    _check_alpha(alpha)
    churn = _comparable_churn(customers, assessment, **options)
    b, a = churn.windows["before"], churn.windows["after"]
    counts = {"n_before": int(b.events.sum()), "n_after": int(a.events.sum())}
    if churn.reason is not None:
        return _decline(churn.reason_fact or churn.reason, **counts)[list(CHANGE_COLUMNS)]
    w = churn.weights
    rate_b = _standardised_rate(b.events, b.exposure, w, spread=b.spread, alpha=alpha)
    rate_a = _standardised_rate(a.events, a.exposure, w, spread=a.spread, alpha=alpha)
    check = compare_rates(
        counts["n_before"],
        float(b.exposure.sum()),
        counts["n_after"],
        float(a.exposure.sum()),
        alpha=alpha,
    ).iloc[0]
    common = {
        "test": "score test of equal age-standardised churn hazards",
        "effect_size_name": "hazard (rate) ratio after / before",
        "check_test": str(check["test"]),
        "check_p_value": float(check["p_value"]),
        "interval_method": "delta method on the age-standardised annual churn probability",
        **counts,
    }
    definition = ChurnDefinition(source=str(churn.source), days=int(b.days), shared=churn.overlap)
    if math.isnan(rate_b.rate) or math.isnan(rate_a.rate):
        return insufficient_row(NoCustomerAtRisk(), **common)[list(CHANGE_COLUMNS)]
    r_b, r_a = rate_b.rate, rate_a.rate
    p_b, p_a = -math.expm1(-r_b), -math.expm1(-r_a)
    z_stat, p_value, se0 = _standardised_rate_test(
        b.events, b.exposure, a.events, a.exposure, w, spread_before=b.spread, spread_after=a.spread
    )
    if math.isnan(p_value):
        return insufficient_row(NoChurnEvent(), before=p_b, after=p_a, change=p_a - p_b, **common)[
            list(CHANGE_COLUMNS)
        ]
    z = _z(alpha)
    v_b = math.exp(-2 * r_b) * rate_b.variance
    v_a = math.exp(-2 * r_a) * rate_a.variance
    change = p_a - p_b
    half = z * math.sqrt(v_a + v_b)
    if p_b > 0 and p_a > 0:
        log_se = math.sqrt(v_a / p_a**2 + v_b / p_b**2)
        centre = math.log(p_a / p_b)
        pct = (math.expm1(centre - z * log_se), math.expm1(centre + z * log_se))
    else:
        pct = (math.nan, math.nan)
    pooled = (b.events.sum() + a.events.sum()) / (b.exposure.sum() + a.exposure.sum())
    return noted_row(
        (definition,),
        before=p_b,
        after=p_a,
        change=change,
        change_pct=p_a / p_b - 1 if p_b > 0 else math.nan,
        ci_low=change - half,
        ci_high=change + half,
        change_pct_ci_low=pct[0],
        change_pct_ci_high=pct[1],
        statistic=z_stat,
        p_value=p_value,
        effect_size=r_a / r_b if r_b > 0 else math.nan,
        mde=_mde_z(se0, alpha) * math.exp(-pooled),
        **common,
    )[list(CHANGE_COLUMNS)]


class ChurnSummary(NamedTuple):
    """Churn per window of the CRM units, and of the control group when there is one.

    Attributes
    ----------
    rates : pandas.DataFrame
        :func:`churn_rates` of the CRM units (all customers without a control group).
    control_rates : pandas.DataFrame or None
        :func:`churn_rates` of the control group.
    control_change : pandas.DataFrame or None
        :func:`compare_churn` of the control group.
    """

    rates: pd.DataFrame
    control_rates: pd.DataFrame | None
    control_change: pd.DataFrame | None


def churn_summary(
    customers: pd.DataFrame,
    assessment: Assessment,
    *,
    orders: pd.DataFrame | None = None,
    inactivity_days: int = INACTIVITY_DAYS,
) -> ChurnSummary:
    """Churn per window of the CRM units and of the control group (see :class:`ChurnSummary`).

    Parameters
    ----------
    customers, orders, inactivity_days
        As :func:`churn_rates`.
    assessment : Assessment
        Supplies the windows, the control group and alpha.
    """
    alpha = assessment.stats.alpha
    options = {"orders": orders, "inactivity_days": inactivity_days, "alpha": alpha}
    rates = churn_rates(customers, assessment, **options)
    if assessment.control is None:
        return ChurnSummary(rates, None, None)
    control = churn_rates(customers, assessment, scope="control", **options)
    if control["customers_at_start"].sum() + control["acquired"].sum() == 0:
        return ChurnSummary(rates, None, None)
    change = compare_churn(customers, assessment, scope="control", **options)
    return ChurnSummary(rates, control, change)
