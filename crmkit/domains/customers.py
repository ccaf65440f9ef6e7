"""Customers: loyalty, churn and retention, cohorts, survival, and the revenue of relationships.

Every function is pure (no I/O, no printing, no state), vectorised (a million orders take
seconds), and returns a tidy DataFrame whose columns are listed in its docstring, or a small
frozen result holding such frames. Numbers stay at full precision (round only for display).

Definitions used throughout
---------------------------
Windows
    The assessment's ``before`` and ``after`` windows, inclusive dates. A customer-year is 365
    days, as :mod:`crmkit.kpis` counts it.
Scope
    ``scope="crm"`` (the default) keeps the units that got the CRM: rows of the control group
    (:class:`crmkit.data.config.Control`) are left out, found by the row's own control column (an
    order's ``region``), else through its customer (``customer_id`` →
    ``customers.<column>``), else through the customer's orders (a customer whose orders are
    mostly in the control group). Rows whose unit cannot be told are kept. ``"control"``
    keeps only the control group, ``"all"`` everything (:func:`control_mask`).
Churn (:func:`churn_dates`)
    ``source="auto"`` takes the churn register when the customers table has a
    ``churned_date`` column holding at least one date: a customer churns on that date, and a
    customer without one is active. Otherwise churn is inferred from inactivity: a customer
    lapses when more than ``inactivity_days`` (default 180) pass after an activity (the
    creation date, or an order) without another order; the churn date is that last activity
    (back-dated, so the churn falls in the window where the customer actually stopped), and
    only lapses complete by the data's end can be seen, so follow-up for inactivity churn
    ends ``inactivity_days`` before the data's end. A customer created before the order
    history begins counts as active on its first day. The first lapse ends the relationship
    for churn; a customer who comes back later is "won back" in :func:`revenue_by_relationship`.
    The two sources are never mixed per customer: in a register, a customer without a
    ``churned_date`` is active, however long they went without ordering.
At risk in a window
    Customers created before the window and not churned before it, plus those acquired in
    it, from max(created, window start) to the earlier of churn, window end and the end of
    follow-up.

Survival analysis uses statsmodels (``SurvfuncRight`` for Kaplan–Meier with Greenwood
standard errors, ``survdiff`` for the log-rank test, ``PHReg`` for the Cox model with Efron
ties), already a dependency; lifelines (the field's other standard) requires pandas < 3 and so
cannot be installed beside crmkit's pandas. The tests check the results against published
values (the Freireich 6-MP data) and against lifelines' output.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import special
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from crmkit.data.config import Assessment, Control, Window
from crmkit.data.io import jsonable
from crmkit.data.labels import is_label, lookup
from crmkit.kpis import get_kpi
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
from crmkit.stats.impact import (
    CHANGE_COLUMNS,
    change_row,
    compare_means,
    compare_medians,
    compare_proportions,
    compare_rates,
)
from crmkit.stats.primitives import check_alpha as _check_alpha
from crmkit.stats.primitives import mde_z as _mde_z
from crmkit.stats.primitives import wilson_interval
from crmkit.stats.primitives import wilson_intervals as _wilson
from crmkit.stats.primitives import z_critical as _z
from crmkit.words.formats import (
    TableView,
    format_change_pct,
    format_money,
    format_number,
    format_p_value,
    format_percent,
    is_missing,
)
from crmkit.words.phrases import WINDOW_LABELS, findings_markdown, what_it_means

__all__ = [
    "CHURN_SOURCES",
    "DAYS_PER_YEAR",
    "MIN_DRIVER_EVENTS",
    "RELATIONSHIPS",
    "WINDOW_LABELS",
    "ChurnDrivers",
    "ChurnSummary",
    "CustomerFindings",
    "KaplanMeierResult",
    "SurvivalAnalysis",
    "acquisition_cost",
    "acquisition_view",
    "buyer_values",
    "churn_dates",
    "churn_drivers",
    "churn_frame",
    "churn_rates",
    "churn_summary",
    "churn_text",
    "churn_view",
    "cohort_compare_view",
    "cohort_matrix",
    "cohort_retention",
    "cohort_text",
    "cohort_title",
    "cohort_view",
    "compare_churn",
    "compare_cohorts",
    "compare_loyalty",
    "concordance_index",
    "control_mask",
    "customer_findings",
    "driver_covariates",
    "drivers_frame",
    "drivers_text",
    "drivers_title",
    "drivers_view",
    "findings_markdown",
    "fit_churn_drivers",
    "kaplan_meier",
    "logrank",
    "loyalty_metrics",
    "loyalty_text",
    "loyalty_view",
    "relationship_mix",
    "relationship_text",
    "relationship_title",
    "relationship_view",
    "retention_record",
    "revenue_by_relationship",
    "scoped_customers",
    "survival_analysis",
    "survival_frame",
    "survival_labels",
    "survival_text",
    "survival_title",
    "survival_view",
    "what_it_means",
    "window_survival",
]

#: Days in a customer-year.
DAYS_PER_YEAR = 365.0
#: Where churn comes from: ``auto`` (register if present, else inactivity) or either one.
CHURN_SOURCES = ("auto", "churned_date", "inactivity")
#: The kinds of customer relationship that revenue is split into.
RELATIONSHIPS = ("new", "retained", "won_back")

Scope = Literal["crm", "control", "all"]

_NS_PER_DAY = 86_400 * 10**9
_SCOPES = ("crm", "control", "all")
_TIME_VARYING = ("after_go_live", "crm_after_go_live")
_UNITS = {
    "complaints": "complaint",
    "tickets": "ticket",
    "first_response_hours": "hour of first-response time",
    "tenure_years": "year of tenure",
    "orders": "order",
}


# --- small helpers ---------------------------------------------------------------------------


def _kpi_info(name: str) -> tuple[str, str, str, str]:
    """Name, label, unit and direction of a loyalty KPI, from the one KPI catalog."""
    kpi = get_kpi(name)
    return kpi.name, kpi.label, kpi.unit, kpi.direction


def _check_scope(scope: str) -> None:
    if scope not in _SCOPES:
        raise ValueError(f"scope must be one of {', '.join(map(repr, _SCOPES))}, got {scope!r}")


def _check_days(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a whole number of days ≥ 1, got {value!r}")
    return int(value)


def _require(frame: pd.DataFrame | None, table: str, columns: Iterable[str]) -> pd.DataFrame:
    if frame is None:
        raise ValueError(f"the {table} table is needed")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the {table} table has no column(s) {missing}")
    return frame


def _days(values: Any) -> np.ndarray:
    """Days since 1970-01-01 as floats (fractional for times of day); NaN for missing."""
    ns = pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[ns]")
    out = ns.astype(np.int64).astype(float) / _NS_PER_DAY
    out[np.isnat(ns)] = np.nan
    return out


def _day(date: Any) -> float:
    return float(pd.Timestamp(date).value // _NS_PER_DAY)


def _dates(days: np.ndarray) -> np.ndarray:
    """Whole-day numbers back to datetime64[ns] (NaN → NaT)."""
    days = np.asarray(days, dtype=float)
    out = np.full(days.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = ~np.isnan(days)
    out[ok] = (np.floor(days[ok]).astype(np.int64) * _NS_PER_DAY).astype("datetime64[ns]")
    return out


def _windows(assessment: Assessment) -> list[tuple[str, Window]]:
    return [("before", assessment.before), ("after", assessment.after)]


def _window_days(window: Window) -> tuple[float, float]:
    """First day and the day after the last (half-open)."""
    return _day(window.start), _day(window.end) + 1


def _customer_control(
    customers: pd.DataFrame | None, control: Control, orders: pd.DataFrame | None
) -> pd.Series | None:
    """Whether each customer (index customer_id) is in the control group; None if unknown."""
    if customers is not None and {"customer_id", control.column} <= set(customers.columns):
        flags = pd.Series(
            is_label(customers[control.column], control.values),
            index=customers["customer_id"].to_numpy(),
        )
        return flags[~flags.index.duplicated()]
    if orders is not None and {"customer_id", control.column} <= set(orders.columns):
        known = orders["customer_id"].notna().to_numpy()
        flags = pd.Series(is_label(orders[control.column], control.values)[known]).astype(float)
        share = flags.groupby(orders["customer_id"].to_numpy()[known]).mean()
        return share > 0.5
    return None


def control_mask(
    frame: pd.DataFrame,
    control: Control | None,
    *,
    customers: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
) -> np.ndarray:
    """Which rows of a table belong to the control group (the units that did NOT get the CRM).

    Parameters
    ----------
    frame : pandas.DataFrame
        Any table: orders, customers, tickets, surveys …
    control : Control or None
        The control group (``Assessment.control``); None: no row is in it.
    customers : pandas.DataFrame, optional
        The customers table, to place rows through their ``customer_id``.
    orders : pandas.DataFrame, optional
        The orders table, to place customers whose table lacks the control column: a customer
        is in the control group when more than half of its orders are.

    Returns
    -------
    numpy.ndarray of bool
        True for rows known to be in the control group. The row's own control column is used
        first, then its customer's; rows whose unit cannot be told are False (kept in the CRM
        scope). Labels are compared ignoring case and surrounding spaces.

    Examples
    --------
    >>> from crmkit.data.config import Control
    >>> surveys = pd.DataFrame({"customer_id": ["C1", "C2", "C3"]})
    >>> customers = pd.DataFrame({"customer_id": ["C1", "C2"], "region": ["West", "north"]})
    >>> control_mask(surveys, Control("region", ("west",)), customers=customers).tolist()
    [True, False, False]
    """
    if control is None:
        return np.zeros(len(frame), dtype=bool)
    if control.column in frame.columns:
        return is_label(frame[control.column], control.values)
    if "customer_id" in frame.columns:
        flags = _customer_control(customers, control, orders)
        if flags is not None:
            return lookup(frame["customer_id"], flags, False).astype(bool)
    return np.zeros(len(frame), dtype=bool)


def _in_scope(
    frame: pd.DataFrame,
    control: Control | None,
    scope: str,
    *,
    customers: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
) -> np.ndarray:
    if scope == "all" or control is None:
        return np.ones(len(frame), dtype=bool) if scope != "control" else np.zeros(len(frame), bool)
    flags = control_mask(frame, control, customers=customers, orders=orders)
    return ~flags if scope == "crm" else flags


# --- churn -----------------------------------------------------------------------------------


def _data_end(
    customers: pd.DataFrame, orders: pd.DataFrame | None, source: str, data_end: Any
) -> float:
    if data_end is not None:
        return _day(data_end)
    candidates = []
    if orders is not None and len(orders):
        candidates.append(np.nanmax(_days(orders["order_date"])))
    if source == "churned_date":
        for column in ("created_date", "churned_date"):
            if column in customers.columns and customers[column].notna().any():
                candidates.append(np.nanmax(_days(customers[column])))
    if not candidates:
        raise ValueError("cannot tell where the data end: give data_end or an orders table")
    return float(np.floor(max(candidates)))


def _resolve_source(customers: pd.DataFrame, orders: pd.DataFrame | None, source: str) -> str:
    if source not in CHURN_SOURCES:
        raise ValueError(
            f"source must be one of {', '.join(map(repr, CHURN_SOURCES))}, got {source!r}"
        )
    if source == "auto":
        has_register = (
            "churned_date" in customers.columns and customers["churned_date"].notna().any()
        )
        source = "churned_date" if has_register else "inactivity"
    if source == "churned_date" and "churned_date" not in customers.columns:
        raise ValueError("the customers table has no column 'churned_date'")
    if source == "inactivity":
        _require(orders, "orders", ("customer_id", "order_date"))
    return source


class _Churn(NamedTuple):
    ids: np.ndarray  # customer_id, one per customer (first occurrence)
    created: np.ndarray  # day numbers
    churn: np.ndarray  # day numbers, NaN when not churned by the horizon
    horizon: float  # last day on which a churn can be seen
    source: str


def _churn(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None,
    *,
    inactivity_days: int,
    source: str,
    data_end: Any,
) -> _Churn:
    _require(customers, "customers", ("customer_id", "created_date"))
    inactivity_days = _check_days(inactivity_days, "inactivity_days")
    source = _resolve_source(customers, orders, source)
    customers = customers.drop_duplicates("customer_id")
    ids = customers["customer_id"].to_numpy()
    created = np.floor(_days(customers["created_date"]))
    end = _data_end(customers, orders, source, data_end)
    if source == "churned_date":
        churn = np.floor(_days(customers["churned_date"]))
        churn[churn > end] = np.nan
        return _Churn(ids, created, churn, end, source)

    if orders is None:  # unreachable: _resolve_source requires orders for inactivity
        raise ValueError("inactivity churn needs the orders table")
    position = pd.Index(ids).get_indexer(orders["customer_id"].to_numpy())
    order_day = np.floor(_days(orders["order_date"]))
    known = (position >= 0) & ~np.isnan(order_day)
    start = float(np.nanmin(order_day[known])) if known.any() else end
    n = len(ids)
    anchor = np.maximum(created, start)  # existing customers: active when the history begins
    code = np.concatenate([np.arange(n), position[known]])
    day = np.concatenate([anchor, order_day[known]])
    valid = ~np.isnan(day)
    valid[n:] &= day[n:] >= anchor[code[n:]]  # orders dated before the customer's anchor
    code, day = code[valid], day[valid]
    order = np.lexsort((day, code))
    code, day = code[order], day[order]
    distinct = np.r_[True, (code[1:] != code[:-1]) | (day[1:] != day[:-1])]
    code, day = code[distinct], day[distinct]
    same_next = np.r_[code[1:] == code[:-1], False]
    next_day = np.where(same_next, np.r_[day[1:], np.inf], np.inf)
    lapse = np.where(
        np.isinf(next_day), day + inactivity_days <= end, next_day - day > inactivity_days
    )
    first = pd.Series(day[lapse]).groupby(code[lapse]).min()
    churn = np.full(n, np.nan)
    churn[first.index.to_numpy()] = first.to_numpy()
    return _Churn(ids, created, churn, end - inactivity_days, source)


def churn_dates(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None = None,
    *,
    inactivity_days: int = INACTIVITY_DAYS,
    source: Literal["auto", "churned_date", "inactivity"] = "auto",
    data_end: dt.date | str | None = None,
) -> pd.DataFrame:
    """Each customer's churn date, from the churn register or from inactivity.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id``, ``created_date`` and, for the register, ``churned_date``.
    orders : pandas.DataFrame, optional
        ``customer_id``, ``order_date``; needed for inactivity churn.
    inactivity_days : int, default 180
        A customer lapses when more than this many days pass after an activity without an
        order (inactivity churn only). Choose it well above the usual time between a
        customer's purchases (e.g. its 90th percentile, :func:`loyalty_metrics`), or slow
        buyers count as lost.
    source : {"auto", "churned_date", "inactivity"}, default "auto"
        See the module docstring: the register when ``churned_date`` holds any date, else
        inactivity.
    data_end : date, optional
        The data's last day (the export date). Default: the latest order date (and, for the
        register, the latest created or churned date).

    Returns
    -------
    pandas.DataFrame
        One row per customer (first occurrence of each ``customer_id``):

        - ``customer_id``, ``created_date``;
        - ``churn_date``: the churn date (NaT while active, or when the churn is not yet
          observable);
        - ``churned``: whether a churn date was found;
        - ``observed_until``: the last day a churn can be seen (the data's end for the
          register; ``inactivity_days`` earlier for inactivity), the same on every row;
        - ``source``: "churned_date" or "inactivity".

    Notes
    -----
    Inactivity: with a customer's activity days :math:`a_1 < a_2 < …` (its creation day, or
    the first day of the order history if it was created earlier, then its order days), the
    churn date is the first :math:`a_j` with :math:`a_{j+1} - a_j >` ``inactivity_days``, or
    with no next order and :math:`a_j +` ``inactivity_days`` :math:`\\le` the data's end.

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2009). Probability models for customer-base analysis.
    Journal of Interactive Marketing 23, 61–69 (why "lapsed" is a definition in non-contractual
    settings).

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": ["A", "B"],
    ...     "created_date": pd.to_datetime(["2024-01-01", "2024-01-01"])})
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "B", "B"],
    ...     "order_date": pd.to_datetime(["2024-02-01", "2024-12-01", "2024-03-01", "2024-05-01"])})
    >>> out = churn_dates(customers, orders, inactivity_days=180, data_end="2025-06-30")
    >>> out["churn_date"].dt.strftime("%Y-%m-%d").fillna("active").tolist()
    ['2024-02-01', '2024-05-01']
    """
    churn = _churn(
        customers, orders, inactivity_days=inactivity_days, source=source, data_end=data_end
    )
    n = len(churn.ids)
    return pd.DataFrame(
        {
            "customer_id": churn.ids,
            "created_date": _dates(churn.created),
            "churn_date": _dates(churn.churn),
            "churned": ~np.isnan(churn.churn),
            "observed_until": np.repeat(_dates(np.array([churn.horizon])), n),
            "source": [churn.source] * n,
        }
    )


def _scoped_churn(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None,
    control: Control | None,
    scope: str,
    **options: Any,
) -> _Churn:
    _check_scope(scope)
    churn = _churn(customers, orders, **options)
    keep = _in_scope(
        pd.DataFrame({"customer_id": churn.ids}), control, scope, customers=customers, orders=orders
    )
    return churn._replace(ids=churn.ids[keep], created=churn.created[keep], churn=churn.churn[keep])


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


def _order_spells(
    customers: pd.DataFrame, orders: pd.DataFrame, ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, float]:
    """Distinct (customer code, order day) pairs sorted, and the first day of the history."""
    position = pd.Index(ids).get_indexer(orders["customer_id"].to_numpy())
    order_day = np.floor(_days(orders["order_date"]))
    known = (position >= 0) & ~np.isnan(order_day)
    code, day = position[known], order_day[known]
    history_start = float(day.min()) if len(day) else math.nan
    order = np.lexsort((day, code))
    code, day = code[order], day[order]
    distinct = np.r_[True, (code[1:] != code[:-1]) | (day[1:] != day[:-1])]
    return code[distinct], day[distinct], history_start


def _comparable_churn(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None,
    assessment: Assessment,
    *,
    scope: str,
    inactivity_days: int,
    source: str,
    data_end: Any,
) -> _ComparableChurn:
    """Each window's population at risk, churn events and exposure on one definition."""
    _check_scope(scope)
    _require(customers, "customers", ("customer_id", "created_date"))
    inactivity = _check_days(inactivity_days, "inactivity_days")
    source = _resolve_source(customers, orders, source)
    unique = customers.drop_duplicates("customer_id")
    ids = unique["customer_id"].to_numpy()
    created = np.floor(_days(unique["created_date"]))
    end = _data_end(unique, orders, source, data_end)
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
            reasons.append(
                f"the order history before the before window is shorter than the inactivity "
                f"threshold ({inactivity} days), so who was active at its start cannot be told"
            )
        same_next = np.r_[code[1:] == code[:-1], False]
        next_day = np.where(same_next, np.r_[day[1:], np.inf], np.inf)
        lapse_day = np.where(next_day - day > inactivity, day + inactivity, np.nan)
    else:
        churn = np.floor(_days(unique["churned_date"]))
        churn[churn > end] = np.nan
        first_seen = created
        follow_up = end - a_start + 1
    days = int(min(b_stop - b_start, a_stop - a_start, follow_up))
    if days < 1:
        reasons.append("the data end before the after window begins")
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
            f"the customers at risk differ in age: the two windows' age mixes share "
            f"{overlap:.0%} of their customers (at least {_MIN_AGE_OVERLAP:.0%} needed)"
        )
    return _ComparableChurn(
        windows, _overlap_weights(before, after), overlap, "; ".join(reasons) or None, source
    )


def churn_rates(
    customers: pd.DataFrame,
    assessment: Assessment,
    *,
    orders: pd.DataFrame | None = None,
    inactivity_days: int = INACTIVITY_DAYS,
    source: Literal["auto", "churned_date", "inactivity"] = "auto",
    scope: Scope = "crm",
    data_end: dt.date | str | None = None,
    alpha: float = 0.05,
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
          then the rate columns are NaN;
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
    churn = _comparable_churn(
        customers,
        orders,
        assessment,
        scope=scope,
        inactivity_days=inactivity_days,
        source=source,
        data_end=data_end,
    )
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
                "observed_until": _dates(np.array([part.start + max(part.days, 1) - 1]))[0],
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
                "source": churn.source,
            }
        )
    return pd.DataFrame(rows)


def compare_churn(
    customers: pd.DataFrame,
    assessment: Assessment,
    *,
    orders: pd.DataFrame | None = None,
    inactivity_days: int = INACTIVITY_DAYS,
    source: Literal["auto", "churned_date", "inactivity"] = "auto",
    scope: Scope = "crm",
    data_end: dt.date | str | None = None,
    alpha: float = 0.05,
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
    churn = _comparable_churn(
        customers,
        orders,
        assessment,
        scope=scope,
        inactivity_days=inactivity_days,
        source=source,
        data_end=data_end,
    )
    b, a = churn.windows["before"], churn.windows["after"]
    counts = {"n_before": int(b.events.sum()), "n_after": int(a.events.sum())}
    if churn.reason is not None:
        return _decline(churn.reason, **counts)[list(CHANGE_COLUMNS)]
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
        "note": f"churn from {churn.source}; the same population rule, {b.days} days "
        f"followed in each window, age mix standardised ({churn.overlap:.0%} shared)",
        **counts,
    }
    if math.isnan(rate_b.rate) or math.isnan(rate_a.rate):
        return change_row(
            **{
                **common,
                "note": "insufficient data: no customer at risk in a window of the shared age mix",
            }
        )[list(CHANGE_COLUMNS)]
    r_b, r_a = rate_b.rate, rate_a.rate
    p_b, p_a = -math.expm1(-r_b), -math.expm1(-r_a)
    z_stat, p_value, se0 = _standardised_rate_test(
        b.events, b.exposure, a.events, a.exposure, w, spread_before=b.spread, spread_after=a.spread
    )
    if math.isnan(p_value):
        return change_row(
            before=p_b,
            after=p_a,
            change=p_a - p_b,
            **{**common, "note": "insufficient data: no churn event in either window"},
        )[list(CHANGE_COLUMNS)]
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
    return change_row(
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


# --- loyalty: repeat purchase, purchase interval, spend --------------------------------------


def _window_orders(
    orders: pd.DataFrame,
    window: Window,
    control: Control | None,
    scope: str,
    customers: pd.DataFrame | None,
) -> pd.DataFrame:
    days = _days(orders["order_date"])
    start, stop = _window_days(window)
    keep = (days >= start) & (days < stop) & orders["customer_id"].notna().to_numpy()
    keep &= _in_scope(orders, control, scope, customers=customers)
    return orders.loc[keep]


def _per_customer(rows: pd.DataFrame) -> pd.DataFrame:
    """Orders, spend, and median days between consecutive order days, per customer."""
    codes, ids = pd.factorize(rows["customer_id"])
    n = len(ids)
    amount = rows["amount"].to_numpy(dtype=float, na_value=np.nan) if "amount" in rows else None
    orders = np.bincount(codes, minlength=n)
    spend = (
        np.bincount(codes, weights=np.nan_to_num(amount), minlength=n)
        if amount is not None
        else np.full(n, np.nan)
    )
    day = np.floor(_days(rows["order_date"]))
    key = np.unique(codes.astype(np.int64) * 10**6 + day.astype(np.int64))  # distinct days
    code_u, day_u = key // 10**6, key % 10**6
    same = code_u[1:] == code_u[:-1]
    gaps = pd.Series((day_u[1:] - day_u[:-1])[same].astype(float))
    interval = gaps.groupby(code_u[1:][same]).median().reindex(np.arange(n)).to_numpy()
    return pd.DataFrame(
        {"customer_id": ids, "orders": orders, "spend": spend, "interval_days": interval}
    )


def loyalty_metrics(
    orders: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Scope = "crm",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Purchase loyalty per window: repeat-purchase rate, purchase interval, spend per customer.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``, ``amount`` (and the control column, e.g. ``region``).
    assessment : Assessment
        Supplies the windows and the control group.
    customers : pandas.DataFrame, optional
        To place orders in the control group through their customer.
    scope : {"crm", "control", "all"}, default "crm"
        Which orders (see the module docstring).
    alpha : float, default 0.05
        The repeat rate's interval has level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row per window ("before", "after"):

        - ``window``, ``start``, ``end``;
        - ``buyers``: customers with at least one order in the window; ``orders``;
          ``revenue``: their sum of ``amount``;
        - ``repeat_buyers``: buyers with two or more orders; ``repeat_rate`` =
          repeat_buyers / buyers; ``repeat_rate_ci_low``, ``repeat_rate_ci_high``: Wilson;
        - ``orders_per_buyer`` = orders / buyers; ``spend_per_buyer`` = revenue / buyers;
        - ``purchase_interval_days``: the median, over customers who bought on at least two
          different days, of each customer's median number of days between consecutive
          order days in the window; ``interval_customers``: how many such customers.

    Notes
    -----
    Orders placed on the same day count as separate orders for the repeat rate but as one
    purchase day for the interval (so split deliveries do not make zero-day intervals). The
    interval only sees gaps that fit in the window, so compare windows of equal length.

    References
    ----------
    Kumar, V. & Reinartz, W. (2018). Customer Relationship Management, 3rd ed. Springer,
    ch. 6 (loyalty: purchase frequency, recency, spend).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "B", "A", "B", "B"],
    ...     "order_date": pd.to_datetime(["2024-01-10", "2024-03-10", "2024-05-01",
    ...                                   "2025-02-01", "2025-02-01", "2025-04-02"]),
    ...     "amount": [100.0, 50.0, 30.0, 80.0, 20.0, 40.0]})
    >>> loyalty_metrics(orders, a)[["window", "buyers", "repeat_rate", "purchase_interval_days"]].to_dict("list")
    {'window': ['before', 'after'], 'buyers': [2, 2], 'repeat_rate': [0.5, 0.5], 'purchase_interval_days': [60.0, 60.0]}
    """
    _check_alpha(alpha)
    _check_scope(scope)
    _require(orders, "orders", ("customer_id", "order_date", "amount"))
    rows = []
    for name, window in _windows(assessment):
        per = _per_customer(_window_orders(orders, window, assessment.control, scope, customers))
        buyers = len(per)
        repeat = int((per["orders"] >= 2).sum())
        low, high = wilson_interval(repeat, buyers, alpha=alpha)
        n_orders = int(per["orders"].sum())
        revenue = float(per["spend"].sum())
        intervals = per["interval_days"].dropna()
        rows.append(
            {
                "window": name,
                "start": pd.Timestamp(window.start),
                "end": pd.Timestamp(window.end),
                "buyers": buyers,
                "orders": n_orders,
                "revenue": revenue,
                "repeat_buyers": repeat,
                "repeat_rate": repeat / buyers if buyers else math.nan,
                "repeat_rate_ci_low": low,
                "repeat_rate_ci_high": high,
                "orders_per_buyer": n_orders / buyers if buyers else math.nan,
                "spend_per_buyer": revenue / buyers if buyers else math.nan,
                "purchase_interval_days": float(intervals.median()) if len(intervals) else math.nan,
                "interval_customers": len(intervals),
            }
        )
    return pd.DataFrame(rows)


def compare_loyalty(
    orders: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Scope = "crm",
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """Repeat-purchase rate, purchase interval and spend per customer, before vs after go-live.

    Parameters
    ----------
    orders, assessment, customers, scope
        As :func:`loyalty_metrics`.
    alpha : float, default 0.05
        Significance level of each test (not corrected across KPIs).
    seed : int, default 0
        Seed of any bootstrap interval (small samples).

    Returns
    -------
    pandas.DataFrame
        Three rows, ``kpi`` = "repeat_purchase_rate"
        (:func:`crmkit.stats.impact.compare_proportions` on repeat buyers / buyers),
        "purchase_interval_days" (:func:`crmkit.stats.impact.compare_medians` on each customer's
        median interval) and "spend_per_customer" (:func:`crmkit.stats.impact.compare_means` on each
        buyer's spend in the window). Columns: ``kpi``, ``label``, ``unit``, ``direction``
        ("higher", "lower", "higher"), then :data:`crmkit.stats.impact.CHANGE_COLUMNS`.

    Notes
    -----
    The unit of observation is the customer, not the order, so a few large customers who
    order often do not pass for many independent observations.

    References
    ----------
    See :func:`crmkit.stats.impact.compare_proportions`, :func:`crmkit.stats.impact.compare_medians`
    and :func:`crmkit.stats.impact.compare_means`.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> orders = pd.DataFrame({"customer_id": list("AABCAABBC"),
    ...     "order_date": pd.to_datetime(["2024-01-10", "2024-03-10", "2024-05-01", "2024-06-01",
    ...                                   "2025-02-01", "2025-03-01", "2025-02-01", "2025-04-02", "2025-05-05"]),
    ...     "amount": [100.0, 50.0, 30.0, 10.0, 80.0, 20.0, 40.0, 60.0, 15.0]})
    >>> compare_loyalty(orders, a)[["kpi", "before", "after"]].round(4).to_dict("list")
    {'kpi': ['repeat_purchase_rate', 'purchase_interval_days', 'spend_per_customer'], 'before': [0.3333, 60.0, 63.3333], 'after': [0.6667, 44.0, 71.6667]}
    """
    _check_alpha(alpha)
    _check_scope(scope)
    _require(orders, "orders", ("customer_id", "order_date", "amount"))
    per = [
        _per_customer(_window_orders(orders, w, assessment.control, scope, customers))
        for _, w in _windows(assessment)
    ]
    b, a = per
    results = [
        (
            *_kpi_info("repeat_purchase_rate"),
            compare_proportions(
                int((b["orders"] >= 2).sum()),
                len(b),
                int((a["orders"] >= 2).sum()),
                len(a),
                alpha=alpha,
            ),
        ),
        (
            *_kpi_info("purchase_interval_days"),
            compare_medians(
                b["interval_days"].dropna(), a["interval_days"].dropna(), alpha=alpha, seed=seed
            ),
        ),
        (
            *_kpi_info("spend_per_customer"),
            compare_means(b["spend"], a["spend"], alpha=alpha, seed=seed),
        ),
    ]
    frames = []
    for kpi, label, unit, direction, row in results:
        head = pd.DataFrame(
            {"kpi": [kpi], "label": [label], "unit": [unit], "direction": [direction]}, dtype=object
        )
        frames.append(pd.concat([head, row[list(CHANGE_COLUMNS)]], axis=1))
    return pd.concat(frames, ignore_index=True)


# --- cohorts ---------------------------------------------------------------------------------


def _period_ordinal(days: np.ndarray, freq: str) -> np.ndarray:
    """Calendar month (or quarter) number of each day number (NaN stays NaN)."""
    ok = ~np.isnan(days)
    out = np.full(days.shape, np.nan)
    months = _dates(days[ok]).astype("datetime64[M]").astype(np.int64)
    out[ok] = months if freq == "M" else months // 3
    return out


def _period_start(ordinal: np.ndarray, freq: str) -> np.ndarray:
    months = np.asarray(ordinal, dtype=np.int64) * (1 if freq == "M" else 3)
    return months.astype("datetime64[M]").astype("datetime64[ns]")


def _period_end_day(ordinal: np.ndarray, freq: str) -> np.ndarray:
    """Day number of the last day of each period."""
    step = 1 if freq == "M" else 3
    months = (np.asarray(ordinal, dtype=np.int64) + 1) * step
    first_next = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return first_next.astype(float) - 1


class _Cohorts(NamedTuple):
    cohort: np.ndarray  # acquisition period ordinal per customer (NaN: no creation date)
    observed: np.ndarray  # per customer: created on or after the data's history starts
    last: float  # the last fully observed period
    who: np.ndarray  # "ordered": customer positions of the (customer, period) pairs ordered in
    k: np.ndarray  # "ordered": periods since acquisition of those pairs
    gone: np.ndarray  # "retained": churn day per customer (inf while active)
    freq: str
    measure: str

    def active(self, period: int) -> np.ndarray:
        """Per customer: active in ``period`` periods after its acquisition period."""
        if self.measure == "retained":
            return self.gone > _period_end_day(np.nan_to_num(self.cohort) + period, self.freq)
        flags = np.zeros(len(self.cohort), dtype=bool)
        flags[self.who[self.k == period]] = True
        return flags


def _history_start(customers: pd.DataFrame, orders: pd.DataFrame | None) -> float:
    """First day the data follow customers: the first order, else the first churn recorded."""
    if orders is not None and len(orders):
        return float(np.nanmin(np.floor(_days(orders["order_date"]))))
    if "churned_date" in customers.columns and customers["churned_date"].notna().any():
        return float(np.nanmin(np.floor(_days(customers["churned_date"]))))
    return float(np.nanmin(np.floor(_days(customers["created_date"]))))


def _last_full_period(end: float, freq: str) -> float:
    last = _period_ordinal(np.array([end]), freq)[0]
    if _period_end_day(np.array([last]), freq)[0] > end:
        last -= 1
    return float(last)


def _cohorts(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None,
    *,
    freq: str,
    measure: str,
    data_end: Any,
    inactivity_days: int,
    source: str,
) -> _Cohorts:
    if freq not in ("M", "Q"):
        raise ValueError(f"freq must be 'M' (months) or 'Q' (quarters), got {freq!r}")
    if measure not in ("ordered", "retained"):
        raise ValueError(f"measure must be 'ordered' or 'retained', got {measure!r}")
    customers = customers.drop_duplicates("customer_id")
    created = np.floor(_days(customers["created_date"]))
    cohort = _period_ordinal(created, freq)
    observed = created >= _history_start(customers, orders)
    empty = np.array([], dtype=float)
    if measure == "retained":
        churn = _churn(
            customers, orders, inactivity_days=inactivity_days, source=source, data_end=data_end
        )
        gone = np.where(np.isnan(churn.churn), np.inf, churn.churn)
        last = _last_full_period(churn.horizon, freq)
        return _Cohorts(cohort, observed, last, empty.astype(np.int64), empty, gone, freq, measure)
    orders = _require(orders, "orders", ("customer_id", "order_date"))
    order_day = np.floor(_days(orders["order_date"]))
    end = _day(data_end) if data_end is not None else float(np.nanmax(order_day))
    position = pd.Index(customers["customer_id"]).get_indexer(orders["customer_id"].to_numpy())
    period = _period_ordinal(order_day, freq)
    ok = (position >= 0) & ~np.isnan(period)
    offset = period[ok] - cohort[position[ok]]
    good = (offset >= 0) & ~np.isnan(offset)
    pairs = np.unique(position[ok][good].astype(np.int64) * 100_000 + offset[good].astype(np.int64))
    return _Cohorts(
        cohort,
        observed,
        _last_full_period(end, freq),
        pairs // 100_000,
        (pairs % 100_000).astype(float),
        np.full(len(cohort), np.inf),
        freq,
        measure,
    )


def cohort_retention(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None = None,
    *,
    freq: Literal["M", "Q"] = "M",
    measure: Literal["ordered", "retained"] = "ordered",
    data_end: dt.date | str | None = None,
    inactivity_days: int = INACTIVITY_DAYS,
    source: Literal["auto", "churned_date", "inactivity"] = "auto",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Acquisition cohorts × periods since acquisition: the share of each cohort still active.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id``, ``created_date`` (filter it to the units wanted first).
    orders : pandas.DataFrame, optional
        ``customer_id``, ``order_date``; needed for ``measure="ordered"`` and for inactivity
        churn.
    freq : {"M", "Q"}, default "M"
        Cohorts and periods are calendar months or quarters.
    measure : {"ordered", "retained"}, default "ordered"
        "ordered": the share of the cohort that placed an order in period k after its
        acquisition period (k = 0 is the acquisition period) — purchase activity;
        "retained": the share still a customer (not churned, :func:`churn_dates`) at the end
        of period k — the relationship.
    data_end : date, optional
        The data's last day; only periods that ended by then are shown (default: the latest
        order date, or for "retained" the end of churn follow-up).
    inactivity_days, source
        As :func:`churn_dates` (``measure="retained"`` only).
    alpha : float, default 0.05
        The Wilson intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        Long form, one row per cohort and period that is fully observed, sorted:

        - ``cohort``: first day of the acquisition month (quarter);
        - ``period``: periods since acquisition (0, 1, 2 …);
        - ``cohort_size``: customers acquired in the cohort;
        - ``active``: of them, those that ordered in (or were still customers at the end of)
          the period; ``share`` = active / cohort_size; ``ci_low``, ``ci_high``: Wilson;
        - ``measure``: "ordered" or "retained".

        :func:`cohort_matrix` pivots it into a cohort × period table for a heatmap.

    Notes
    -----
    Period k of a customer acquired in month c is calendar month c + k, whatever the day of
    acquisition, as the usual cohort tables count it; a customer acquired late in a month has
    less of period 0 to order in.

    Only customers acquired on or after the first day of the data's history (the first order,
    or without orders the first recorded churn) are counted: for older customers the early
    periods are not in the data, and a customers table exported today usually holds only
    the old customers who were still there when the history began, which would overstate
    their retention.

    References
    ----------
    Fader, P. S. & Hardie, B. G. S. (2007). How to project customer retention. Journal of
    Interactive Marketing 21, 76–90.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...     "created_date": pd.to_datetime(["2024-01-05", "2024-01-20", "2024-02-03"])})
    >>> orders = pd.DataFrame({"customer_id": ["A", "B", "A", "C"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-01-25", "2024-02-10", "2024-03-01"])})
    >>> cohort_retention(customers, orders, data_end="2024-03-31")[["period", "cohort_size", "active"]].to_dict("list")
    {'period': [0, 1, 2, 0, 1], 'cohort_size': [2, 2, 2, 1, 1], 'active': [2, 1, 0, 0, 1]}
    """
    _check_alpha(alpha)
    _require(customers, "customers", ("customer_id", "created_date"))
    data = _cohorts(
        customers,
        orders,
        freq=freq,
        measure=measure,
        data_end=data_end,
        inactivity_days=inactivity_days,
        source=source,
    )
    cohort, last = data.cohort, data.last
    valid = data.observed & (cohort <= last)
    cohorts, sizes = np.unique(cohort[valid], return_counts=True)
    spans = (last - cohorts + 1).astype(np.int64)
    grid_cohort = np.repeat(cohorts, spans)
    grid_period = (np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)).astype(
        float
    )
    grid_size = np.repeat(sizes, spans)
    slot = np.repeat(np.arange(len(cohorts)), spans)  # index of each grid row's cohort
    if measure == "ordered":
        pairs = pd.Series(1, index=pd.MultiIndex.from_arrays([cohort[data.who], data.k]))
        counts = pairs.groupby(level=[0, 1]).sum()
        key = pd.MultiIndex.from_arrays([grid_cohort, grid_period])
        active = counts.reindex(key, fill_value=0).to_numpy(dtype=np.int64)
    else:
        # active = cohort size − customers of the cohort churned by the period's last day
        member = np.searchsorted(cohorts, cohort[valid])
        width = 10.0**7  # day numbers stay far below this
        gone = np.minimum(data.gone[valid], width - 1)
        keys = np.sort(member * width + gone)
        ends = _period_end_day(grid_cohort + grid_period, freq)
        churned = np.searchsorted(keys, slot * width + ends, side="right") - np.searchsorted(
            keys, slot * width, side="left"
        )
        active = (grid_size - churned).astype(np.int64)
    low, high = _wilson(active, grid_size, alpha)
    return pd.DataFrame(
        {
            "cohort": _period_start(grid_cohort, freq),
            "period": grid_period.astype(np.int64),
            "cohort_size": grid_size.astype(np.int64),
            "active": active,
            "share": active / grid_size,
            "ci_low": low,
            "ci_high": high,
            "measure": measure,
        }
    )


def cohort_matrix(cohorts: pd.DataFrame, *, value: str = "share") -> pd.DataFrame:
    """Pivot :func:`cohort_retention`'s long form into cohort × period (for a heatmap).

    Parameters
    ----------
    cohorts : pandas.DataFrame
        The result of :func:`cohort_retention`.
    value : str, default "share"
        The column shown in the cells ("share", "active", "ci_low" …).

    Returns
    -------
    pandas.DataFrame
        Index ``cohort`` (first day of the acquisition period), columns ``period`` (0, 1, …),
        cells ``value``; NaN where the period has not been observed yet (the triangle).

    Examples
    --------
    >>> long = pd.DataFrame({"cohort": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01"]),
    ...                      "period": [0, 1, 0], "share": [1.0, 0.5, 0.0]})
    >>> cohort_matrix(long).to_numpy().tolist()
    [[1.0, 0.5], [0.0, nan]]
    """
    return cohorts.pivot(index="cohort", columns="period", values=value)


def compare_cohorts(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None,
    assessment: Assessment,
    *,
    periods: Sequence[int] = (3, 6),
    freq: Literal["M", "Q"] = "M",
    measure: Literal["ordered", "retained"] = "ordered",
    scope: Scope = "crm",
    data_end: dt.date | str | None = None,
    inactivity_days: int = INACTIVITY_DAYS,
    source: Literal["auto", "churned_date", "inactivity"] = "auto",
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Retention k periods after acquisition: customers acquired after go-live vs before.

    Parameters
    ----------
    customers, orders
        As :func:`cohort_retention` (the whole tables; ``scope`` selects the units).
    assessment : Assessment
        Customers created in the before window form the "before" cohorts, those created in
        the after window the "after" cohorts.
    periods : sequence of int, default (3, 6)
        The periods since acquisition compared (month 3 and month 6).
    freq, measure, data_end, inactivity_days, source
        As :func:`cohort_retention`.
    scope : {"crm", "control", "all"}, default "crm"
        Which customers (see the module docstring).
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period``, then :data:`crmkit.stats.impact.CHANGE_COLUMNS` from
        :func:`crmkit.stats.impact.compare_proportions` on (customers active in period k) /
        (customers of the window's cohorts whose period k has been observed). A period not
        yet observed for any after cohort gives an "insufficient data" row.

    Notes
    -----
    Only cohorts whose period k ended by the data's end count, so late after-window cohorts
    drop out of the longer periods and those comparisons rest on fewer customers; and the
    two windows' cohorts then reach period k in different calendar months, so seasonality
    can pass for a change. Cohorts acquired before the data's history begins are left out
    (see :func:`cohort_retention`).

    References
    ----------
    Newcombe, R. G. (1998). Statistics in Medicine 17, 873–890 (the interval of the
    difference).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> customers = pd.DataFrame({"customer_id": ["A", "B", "C", "D"],
    ...     "created_date": pd.to_datetime(["2024-01-05", "2024-02-01", "2025-01-10", "2025-02-01"])})
    >>> orders = pd.DataFrame({"customer_id": ["A", "A", "C", "D"],
    ...     "order_date": pd.to_datetime(["2024-01-05", "2024-04-02", "2025-04-20", "2025-05-03"])})
    >>> compare_cohorts(customers, orders, a, periods=[3], data_end="2025-12-31")[["period", "before", "after"]].to_dict("list")
    {'period': [3], 'before': [0.5], 'after': [1.0]}
    """
    _check_alpha(alpha)
    _check_scope(scope)
    _require(customers, "customers", ("customer_id", "created_date"))
    keep = _in_scope(customers, assessment.control, scope, orders=orders)
    scoped = customers.loc[keep].drop_duplicates("customer_id")
    data = _cohorts(
        scoped,
        orders,
        freq=freq,
        measure=measure,
        data_end=data_end,
        inactivity_days=inactivity_days,
        source=source,
    )
    created = np.floor(_days(scoped["created_date"]))
    frames = []
    for period in periods:
        active = data.active(int(period))
        counts = []
        for _, window in _windows(assessment):
            start, stop = _window_days(window)
            member = (created >= start) & (created < stop) & data.observed
            member &= data.cohort + period <= data.last
            counts.append((int((member & active).sum()), int(member.sum())))
        (x_b, n_b), (x_a, n_a) = counts
        row = compare_proportions(x_b, n_b, x_a, n_a, alpha=alpha)
        frames.append(pd.concat([pd.DataFrame({"period": [int(period)]}), row], axis=1))
    return pd.concat(frames, ignore_index=True)


# --- revenue by relationship and acquisition cost ---------------------------------------------


def revenue_by_relationship(
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    assessment: Assessment,
    *,
    inactivity_days: int = INACTIVITY_DAYS,
    scope: Scope = "crm",
) -> pd.DataFrame:
    """Revenue per window from new, retained and won-back customers.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id``, ``created_date`` (and the control column).
    orders : pandas.DataFrame
        ``customer_id``, ``order_date``, ``amount`` — the whole history, so that the orders
        before a window can tell a returning customer.
    assessment : Assessment
        Supplies the windows and the control group.
    inactivity_days : int, default 180
        A customer whose first order in the window comes more than this many days after its
        previous activity is "won back".
    scope : {"crm", "control", "all"}, default "crm"
        Which orders (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        Three rows per window (``relationship`` in :data:`RELATIONSHIPS`):

        - ``window``, ``relationship``;
        - ``customers``: buyers of that kind in the window; ``orders``; ``revenue``;
        - ``revenue_share``: of the window's revenue; ``revenue_per_customer``.

    Notes
    -----
    Per buyer and window: "new" when ``created_date`` falls in the window; otherwise
    "won_back" when the first order in the window comes more than ``inactivity_days`` after
    the customer's previous order (or creation), otherwise "retained". Before the order
    history begins the activity is unknown, so a gap is counted only from the history's
    first day: a customer is won back only when the data show the long gap. Orders of
    customers missing from the customers table are never "new".

    References
    ----------
    Blattberg, R. C., Getz, G. & Thomas, J. S. (2001). Customer Equity. Harvard Business
    School Press (acquisition, retention and add-on selling / win-back revenue).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> customers = pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...     "created_date": pd.to_datetime(["2023-05-01", "2024-01-01", "2025-03-01"])})
    >>> orders = pd.DataFrame({"customer_id": ["A", "B", "A", "B", "C"],
    ...     "order_date": pd.to_datetime(["2024-09-01", "2024-02-01", "2025-01-10", "2025-11-01", "2025-03-02"]),
    ...     "amount": [10.0, 20.0, 30.0, 40.0, 50.0]})
    >>> out = revenue_by_relationship(customers, orders, a)
    >>> out.loc[out["window"] == "after", ["relationship", "revenue"]].to_dict("list")
    {'relationship': ['new', 'retained', 'won_back'], 'revenue': [50.0, 30.0, 40.0]}
    """
    _require(customers, "customers", ("customer_id", "created_date"))
    _require(orders, "orders", ("customer_id", "order_date", "amount"))
    inactivity_days = _check_days(inactivity_days, "inactivity_days")
    _check_scope(scope)
    keep = _in_scope(orders, assessment.control, scope, customers=customers)
    keep &= orders["customer_id"].notna().to_numpy()
    rows = orders.loc[keep]
    codes, ids = pd.factorize(rows["customer_id"])
    day = np.floor(_days(rows["order_date"]))
    amount = np.nan_to_num(rows["amount"].to_numpy(dtype=float, na_value=np.nan))
    lookup = customers.drop_duplicates("customer_id").set_index("customer_id")["created_date"]
    created = np.floor(_days(lookup.reindex(ids)))
    history_start = float(np.nanmin(day)) if len(day) else math.nan
    order = np.lexsort((day, codes))
    codes, day, amount = codes[order], day[order], amount[order]
    out = []
    for name, window in _windows(assessment):
        start, stop = _window_days(window)
        inside = (day >= start) & (day < stop)
        positions = np.flatnonzero(inside)
        buyer_codes, first_index = np.unique(codes[inside], return_index=True)
        first = positions[first_index]
        prev_ok = (first > 0) & (codes[np.maximum(first - 1, 0)] == buyer_codes)
        previous = np.where(prev_ok, day[np.maximum(first - 1, 0)], created[buyer_codes])
        reference = np.fmax(previous, history_start)  # NaN creation → the history's first day
        is_new = (created[buyer_codes] >= start) & (created[buyer_codes] < stop)
        won_back = ~is_new & (day[first] - reference > inactivity_days)
        kind = np.where(is_new, 0, np.where(won_back, 2, 1))
        kind_of_code = np.full(len(ids), -1)
        kind_of_code[buyer_codes] = kind
        row_kind = kind_of_code[codes[inside]]
        revenue = np.bincount(row_kind, weights=amount[inside], minlength=3)
        n_orders = np.bincount(row_kind, minlength=3)
        n_customers = np.bincount(kind, minlength=3)
        total = revenue.sum()
        for j, relationship in enumerate(RELATIONSHIPS):
            out.append(
                {
                    "window": name,
                    "relationship": relationship,
                    "customers": int(n_customers[j]),
                    "orders": int(n_orders[j]),
                    "revenue": float(revenue[j]),
                    "revenue_share": float(revenue[j] / total) if total > 0 else math.nan,
                    "revenue_per_customer": (
                        float(revenue[j] / n_customers[j]) if n_customers[j] else math.nan
                    ),
                }
            )
    return pd.DataFrame(out)


def acquisition_cost(
    campaigns: pd.DataFrame,
    customers: pd.DataFrame,
    assessment: Assessment,
) -> pd.DataFrame:
    """Marketing cost per new customer in each window.

    Parameters
    ----------
    campaigns : pandas.DataFrame
        ``start_date``, ``cost`` (and ``conversions`` when recorded).
    customers : pandas.DataFrame
        ``customer_id``, ``created_date``.
    assessment : Assessment
        Supplies the windows.

    Returns
    -------
    pandas.DataFrame
        One row per window ("before", "after"):

        - ``window``; ``campaigns``: campaigns started in the window; ``cost``: their cost;
        - ``new_customers``: customers created in the window;
          ``cost_per_new_customer`` = cost / new_customers;
        - ``conversions``, ``cost_per_conversion``: from the campaigns' own counts (NaN when
          the column is absent).

    Notes
    -----
    Campaigns are company-wide (the table has no region), so every new customer counts,
    control group included, and the cost is the campaigns', not the whole sales effort's:
    a lower bound of the cost of acquiring a customer.

    References
    ----------
    Farris, P. W. et al. (2010). Marketing Metrics, 2nd ed. Pearson, ch. 5 (average
    acquisition cost).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> campaigns = pd.DataFrame({"start_date": pd.to_datetime(["2024-03-01", "2025-03-01"]),
    ...                           "cost": [1000.0, 1500.0]})
    >>> customers = pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...     "created_date": pd.to_datetime(["2024-04-01", "2024-05-01", "2025-06-01"])})
    >>> acquisition_cost(campaigns, customers, a)["cost_per_new_customer"].tolist()
    [500.0, 1500.0]
    """
    _require(campaigns, "campaigns", ("start_date", "cost"))
    _require(customers, "customers", ("customer_id", "created_date"))
    started = _days(campaigns["start_date"])
    created = _days(customers.drop_duplicates("customer_id")["created_date"])
    cost = campaigns["cost"].to_numpy(dtype=float, na_value=np.nan)
    conversions = (
        campaigns["conversions"].to_numpy(dtype=float, na_value=np.nan)
        if "conversions" in campaigns.columns
        else None
    )
    rows = []
    for name, window in _windows(assessment):
        start, stop = _window_days(window)
        inside = (started >= start) & (started < stop)
        spent = float(np.nansum(cost[inside]))
        new = int(((created >= start) & (created < stop)).sum())
        conv = float(np.nansum(conversions[inside])) if conversions is not None else math.nan
        rows.append(
            {
                "window": name,
                "campaigns": int(inside.sum()),
                "cost": spent,
                "new_customers": new,
                "cost_per_new_customer": spent / new if new else math.nan,
                "conversions": conv,
                "cost_per_conversion": spent / conv if conv and conv == conv else math.nan,
            }
        )
    return pd.DataFrame(rows)


# --- survival ---------------------------------------------------------------------------------


def survival_frame(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None,
    assessment: Assessment,
    *,
    tickets: pd.DataFrame | None = None,
    inactivity_days: int = INACTIVITY_DAYS,
    source: Literal["auto", "churned_date", "inactivity"] = "auto",
    data_end: dt.date | str | None = None,
) -> pd.DataFrame:
    """One row per customer for survival analysis: time at risk, churn, group, covariates.

    Parameters
    ----------
    customers : pandas.DataFrame
        ``customer_id``, ``created_date`` (``churned_date``, ``segment``, ``region`` and the
        control column when present).
    orders : pandas.DataFrame or None
        Needed for inactivity churn (and to place customers in the control group when their
        table lacks the control column).
    assessment : Assessment
        Supplies the study period (before start to after end), go-live and the control group.
    tickets : pandas.DataFrame, optional
        ``customer_id``, ``opened_at`` (``is_complaint``, ``first_response_at``) for the
        service covariates.
    inactivity_days, source, data_end
        As :func:`churn_dates`.

    Returns
    -------
    pandas.DataFrame
        One row per customer at risk on the first day of the before window or acquired
        until the after window's end (sorted by ``customer_id``):

        - ``customer_id``;
        - ``cohort``: "before" when the customer entered (was at risk at the before window's
          start, or was acquired) before go-live, else "after" (ordered categorical);
        - ``arm``: "control" for the control group's customers, else "crm" (ordered
          categorical; all "crm" without a control group);
        - ``entry_date``: max(created, before window's start); ``exit_date``: churn date, or
          the end of follow-up (the earlier of the after window's end and the data's end,
          :func:`churn_dates`) for customers still active;
        - ``duration``: days from entry to exit; ``event``: True if the customer churned;
        - ``segment``, ``region``: as in customers (when present);
        - ``tenure_years``: years from creation to entry (0 for customers acquired in the
          study period);
        - ``tickets``, ``complaints``: tickets (complaints: ``is_complaint`` true) opened
          between entry and exit; ``first_response_hours``: median hours to first response
          of those tickets (NaN without tickets). Omitted without ``tickets``.

    Notes
    -----
    The ticket counts grow with the time a customer stays, so as fixed covariates they make
    complaints look protective; :func:`churn_drivers` with ``tickets`` uses the complaints as
    a time-varying count instead. The time axis is days since entry.

    References
    ----------
    Klein, J. P. & Moeschberger, M. L. (2003). Survival Analysis, 2nd ed. Springer, ch. 3
    (censoring and truncation).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> customers = pd.DataFrame({"customer_id": ["A", "B"],
    ...     "created_date": pd.to_datetime(["2023-01-01", "2025-03-01"]),
    ...     "churned_date": pd.to_datetime(["2024-04-10", None])})
    >>> survival_frame(customers, None, a, data_end="2025-12-31")[["cohort", "duration", "event"]].to_dict("list")
    {'cohort': ['before', 'after'], 'duration': [100.0, 306.0], 'event': [True, False]}
    """
    churn = _churn(
        customers, orders, inactivity_days=inactivity_days, source=source, data_end=data_end
    )
    start = _day(assessment.before.start)
    stop = min(_day(assessment.after.end) + 1, churn.horizon + 1)
    go_live = _day(assessment.go_live_date)
    created, gone = churn.created, churn.churn
    entry = np.maximum(created, start)
    keep = (entry < stop) & (np.isnan(gone) | (gone >= start)) & ~np.isnan(created)
    event = keep & ~np.isnan(gone) & (gone < stop)
    exit_ = np.where(event, gone, stop)
    table = customers.drop_duplicates("customer_id").reset_index(drop=True)
    in_control = control_mask(table, assessment.control, orders=orders)
    out = pd.DataFrame(
        {
            "customer_id": churn.ids,
            "cohort": pd.Categorical(
                np.where(entry < go_live, "before", "after"),
                categories=["before", "after"],
                ordered=True,
            ),
            "arm": pd.Categorical(
                np.where(in_control, "control", "crm"), categories=["control", "crm"], ordered=True
            ),
            "entry_date": _dates(entry),
            "exit_date": _dates(exit_),
            "duration": exit_ - entry,
            "event": event,
        }
    )
    for column in ("segment", "region"):
        if column in table.columns:
            out[column] = table[column].to_numpy()
    out["tenure_years"] = (entry - created) / DAYS_PER_YEAR
    out = out.loc[keep].reset_index(drop=True)
    if tickets is not None:
        _require(tickets, "tickets", ("customer_id", "opened_at"))
        position = pd.Index(out["customer_id"]).get_indexer(tickets["customer_id"].to_numpy())
        opened = _days(tickets["opened_at"])
        enter = np.append(_days(out["entry_date"]), np.nan)[position]
        leave = np.append(_days(out["exit_date"]), np.nan)[position]
        inside = (position >= 0) & (opened >= enter) & (opened < leave)
        n = len(out)
        out["tickets"] = np.bincount(position[inside], minlength=n)
        if "is_complaint" in tickets.columns:
            complaint = tickets["is_complaint"].fillna(False).to_numpy(dtype=bool)
            out["complaints"] = np.bincount(position[inside & complaint], minlength=n)
        if "first_response_at" in tickets.columns:
            hours = (_days(tickets["first_response_at"]) - opened) * 24
            ok = inside & ~np.isnan(hours)
            median = pd.Series(hours[ok]).groupby(position[ok]).median()
            out["first_response_hours"] = median.reindex(np.arange(n)).to_numpy()
    return out.sort_values("customer_id", kind="stable").reset_index(drop=True)


def _group_labels(frame: pd.DataFrame, group: str | Sequence[str] | None) -> np.ndarray:
    if group is None:
        return np.full(len(frame), "all", dtype=object)
    keys = [group] if isinstance(group, str) else list(group)
    missing = [k for k in keys if k not in frame.columns]
    if missing:
        raise ValueError(f"the survival frame has no column(s) {missing}")
    labels = frame[keys[0]].astype(str).to_numpy(dtype=object)
    for key in keys[1:]:
        labels = labels + " · " + frame[key].astype(str).to_numpy(dtype=object)
    return labels


def _group_order(
    frame: pd.DataFrame, group: str | Sequence[str] | None, labels: np.ndarray
) -> list:
    """Group labels in the order of the grouping columns' categories (or sorted)."""
    if group is None:
        return ["all"]
    keys = [group] if isinstance(group, str) else list(group)
    ordered = frame[keys].drop_duplicates()
    ordered = ordered.sort_values(keys)
    seen = _group_labels(ordered, keys)
    present = set(labels)
    return [g for g in seen if g in present]


def _survival_arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    _require(frame, "survival", ("duration", "event"))
    time = frame["duration"].to_numpy(dtype=float, na_value=np.nan)
    event = frame["event"].astype(bool).to_numpy()
    if np.isnan(time).any() or (time < 0).any():
        raise ValueError("duration must be a non-negative number on every row")
    return time, event


def _loglog_interval(
    survival: np.ndarray, se: np.ndarray, alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """Kalbfleisch–Prentice log(−log) interval from S and its Greenwood standard error."""
    z = _z(alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = se / (survival * np.abs(np.log(survival)))
        low = survival ** np.exp(z * sigma)
        high = survival ** np.exp(-z * sigma)
    one = survival >= 1
    zero = survival <= 0
    low = np.where(one, 1.0, np.where(zero, np.nan, low))
    high = np.where(one, 1.0, np.where(zero, np.nan, high))
    return low, high


@dataclass(frozen=True)
class KaplanMeierResult:
    """Kaplan–Meier curves and their summary.

    Attributes
    ----------
    curve : pandas.DataFrame
        ``group``, ``time``, ``at_risk``, ``events``, ``survival``, ``se``, ``ci_low``,
        ``ci_high`` (see :func:`kaplan_meier`).
    summary : pandas.DataFrame
        ``group``, ``n``, ``events``, ``median``, ``median_ci_low``, ``median_ci_high``,
        ``horizon``, ``survival_at_horizon``, ``horizon_ci_low``, ``horizon_ci_high``.
    """

    curve: pd.DataFrame
    summary: pd.DataFrame


def kaplan_meier(
    frame: pd.DataFrame,
    *,
    group: str | Sequence[str] | None = None,
    alpha: float = 0.05,
    horizon: float = 365.0,
) -> KaplanMeierResult:
    """Kaplan–Meier survival (retention) curves with Greenwood log(−log) intervals.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``duration`` (days) and ``event`` per customer, as :func:`survival_frame`.
    group : str or sequence of str, optional
        Column(s) to draw one curve per value (e.g. "cohort", ["arm", "cohort"]); None: one
        curve, group "all".
    alpha : float, default 0.05
        Intervals have level 1 − alpha.
    horizon : float, default 365
        The time (days) at which ``survival_at_horizon`` is read: with 365, the one-year
        retention of customers from entry.

    Returns
    -------
    KaplanMeierResult
        ``curve``: one row per group and time 0 plus each event time, in group order:
        ``group`` (the labels, joined by " · " for several columns), ``time``,
        ``at_risk`` (customers at risk just before ``time``), ``events``, ``survival``,
        ``se`` (Greenwood), ``ci_low``, ``ci_high``.

        ``summary``: one row per group: ``group``, ``n``, ``events``, ``median`` (the first
        time survival is at most 0.5; NaN if never), ``median_ci_low``, ``median_ci_high``
        (Brookmeyer–Crowley with the log(−log) transform; NaN: not reached), ``horizon``,
        ``survival_at_horizon`` and its interval (NaN when follow-up is shorter than the
        horizon).

    Notes
    -----
    :math:`\\hat S(t) = \\prod_{t_j \\le t} (1 - d_j/n_j)`; Greenwood:
    :math:`\\widehat{\\mathrm{Var}}\\,\\hat S(t) = \\hat S(t)^2 \\sum_{t_j \\le t} d_j / (n_j(n_j - d_j))`.
    Interval on :math:`\\log(-\\log S)` (Kalbfleisch & Prentice), which stays inside (0, 1):
    :math:`\\hat S^{\\exp(\\pm z\\,\\sigma)}` with
    :math:`\\sigma = SE(\\hat S) / (\\hat S\\,|\\log \\hat S|)` — as SAS PROC LIFETEST's and
    lifelines' defaults. Computed by statsmodels' ``SurvfuncRight``.

    References
    ----------
    Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete observations.
    JASA 53, 457–481.
    Kalbfleisch, J. D. & Prentice, R. L. (2002). The Statistical Analysis of Failure Time
    Data, 2nd ed. Wiley, §1.4.
    Brookmeyer, R. & Crowley, J. (1982). A confidence interval for the median survival time.
    Biometrics 38, 29–41.

    Examples
    --------
    >>> frame = pd.DataFrame({"duration": [6, 6, 6, 6, 7, 9, 10], "event": [1, 1, 1, 0, 1, 0, 1]})
    >>> km = kaplan_meier(frame)
    >>> km.curve[["time", "at_risk", "survival"]].round(4).to_dict("list")
    {'time': [0.0, 6.0, 7.0, 10.0], 'at_risk': [7, 7, 3, 1], 'survival': [1.0, 0.5714, 0.381, 0.0]}
    """
    _check_alpha(alpha)
    time, event = _survival_arrays(frame)
    labels = _group_labels(frame, group)
    curves, summaries = [], []
    for name in _group_order(frame, group, labels):
        mask = labels == name
        t, e = time[mask], event[mask]
        n = int(mask.sum())
        if e.any():
            fit = SurvfuncRight(t, e.astype(float))
            times = np.asarray(fit.surv_times, dtype=float)
            surv = np.asarray(fit.surv_prob, dtype=float)
            se = np.asarray(fit.surv_prob_se, dtype=float)
            risk = np.asarray(fit.n_risk, dtype=np.int64)
            events = np.asarray(fit.n_events, dtype=np.int64)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                median = float(fit.quantile(0.5))
                med_low, med_high = (
                    float(v) for v in fit.quantile_ci(0.5, alpha=alpha, method="cloglog")
                )
        else:
            times = surv = se = np.array([], dtype=float)
            risk = events = np.array([], dtype=np.int64)
            median, med_low, med_high = math.nan, math.nan, math.nan
        if not (surv.size and surv.min() <= 0.5):
            median = math.nan
        med_low = med_low if math.isfinite(med_low) else math.nan
        med_high = med_high if math.isfinite(med_high) else math.nan
        # a first row at time 0 with everyone at risk, so the curve starts at 1
        all_times = np.r_[0.0, times]
        surv = np.r_[1.0, surv]
        se = np.r_[0.0, se]
        risk = np.r_[n, risk]
        events = np.r_[0, events]
        low, high = _loglog_interval(surv, se, alpha)
        curves.append(
            pd.DataFrame(
                {
                    "group": name,
                    "time": all_times,
                    "at_risk": risk,
                    "events": events,
                    "survival": surv,
                    "se": se,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        )
        if n and t.max() >= horizon:
            at = np.searchsorted(all_times, horizon, side="right") - 1
            s_h, lo_h, hi_h = surv[at], low[at], high[at]
        else:
            s_h = lo_h = hi_h = math.nan
        summaries.append(
            {
                "group": name,
                "n": n,
                "events": int(e.sum()),
                "median": median,
                "median_ci_low": med_low,
                "median_ci_high": med_high,
                "horizon": float(horizon),
                "survival_at_horizon": s_h,
                "horizon_ci_low": lo_h,
                "horizon_ci_high": hi_h,
            }
        )
    curve = pd.concat(curves, ignore_index=True)
    curve["group"] = curve["group"].astype(object)
    return KaplanMeierResult(curve, pd.DataFrame(summaries))


def logrank(frame: pd.DataFrame, *, group: str | Sequence[str]) -> pd.DataFrame:
    """Log-rank test: do the groups' survival (retention) curves differ?

    Parameters
    ----------
    frame : pandas.DataFrame
        ``duration`` and ``event`` per customer, as :func:`survival_frame`.
    group : str or sequence of str
        Column(s) defining the groups (e.g. "cohort", "arm").

    Returns
    -------
    pandas.DataFrame
        One row: ``test`` ("log-rank"), ``statistic`` (chi-square), ``df`` (groups − 1),
        ``p_value``, ``n``, ``events``, ``groups``. NaN statistics with fewer than two groups
        or no events.

    Notes
    -----
    At each event time :math:`t_j` with :math:`d_j` events among :math:`n_j` at risk, group g
    expects :math:`E_{gj} = d_j n_{gj} / n_j`; with :math:`U = \\sum_j (O_j - E_j)` over the
    first G − 1 groups and its hypergeometric covariance V,
    :math:`X^2 = U^T V^{-1} U \\sim \\chi^2_{G-1}` (statsmodels' ``survdiff``). The test weighs
    all times equally and has most power when the hazards are proportional. A customer counts
    in one group only, so the groups must not overlap.

    References
    ----------
    Mantel, N. (1966). Evaluation of survival data and two new rank order statistics arising
    in its consideration. Cancer Chemotherapy Reports 50, 163–170.
    Peto, R. & Peto, J. (1972). Asymptotically efficient rank invariant test procedures. JRSS A
    135, 185–207.

    Examples
    --------
    >>> frame = pd.DataFrame({"duration": [1, 2, 3, 4, 5, 6, 7, 8], "event": [1] * 8,
    ...                       "group": ["a"] * 4 + ["b"] * 4})
    >>> round(float(logrank(frame, group="group")["statistic"].iloc[0]), 4)
    7.3444
    """
    time, event = _survival_arrays(frame)
    labels = _group_labels(frame, group)
    codes, uniques = pd.factorize(labels, sort=True)
    k = len(uniques)
    if k < 2 or not event.any():
        statistic, p_value = math.nan, math.nan
    else:
        statistic, p_value = (float(v) for v in survdiff(time, event.astype(float), codes))
    return pd.DataFrame(
        {
            "test": ["log-rank"],
            "statistic": [statistic],
            "df": [k - 1],
            "p_value": [p_value],
            "n": [len(frame)],
            "events": [int(event.sum())],
            "groups": [k],
        }
    )


# --- concordance and the Cox model ----------------------------------------------------------


def _count_lower_left(
    point_a: np.ndarray,
    point_b: np.ndarray,
    query_a: np.ndarray,
    query_b: np.ndarray,
    *,
    a_inclusive: bool,
    b_inclusive: bool,
) -> np.ndarray:
    """For each query, the points with a < query_a (≤ if inclusive) and b < query_b (≤).

    Offline 2-D dominance counting, vectorised by levels: the points are sorted by a, and the
    prefix of points below each query is cut into at most log2(n) aligned blocks (as a
    Fenwick tree does), each searched by a sorted (block, rank of b) key. O((n + q) log² n).
    """
    order = np.argsort(point_a, kind="stable")
    a_sorted = point_a[order]
    values = np.unique(np.concatenate([point_b, query_b]))
    rank_points = np.searchsorted(values, point_b[order])
    rank_query = np.searchsorted(values, query_b)
    width = np.int64(len(values) + 1)
    prefix = np.searchsorted(a_sorted, query_a, side="right" if a_inclusive else "left")
    n = len(a_sorted)
    counts = np.zeros(len(query_a), dtype=np.int64)
    index = np.arange(n, dtype=np.int64)
    for level in range(max(n.bit_length(), 1)):
        has = ((prefix >> level) & 1).astype(bool)
        if not has.any():
            continue
        keys = np.sort((index >> level) * width + rank_points)
        block = (prefix[has] >> level) - 1
        base = block * width
        low = np.searchsorted(keys, base, side="left")
        high = np.searchsorted(
            keys, base + rank_query[has], side="right" if b_inclusive else "left"
        )
        counts[has] += high - low
    return counts


def concordance_index(
    time: Any,
    event: Any,
    risk: Any,
    *,
    entry: Any | None = None,
) -> float:
    """Harrell's concordance index (C) of a risk score with survival times.

    Parameters
    ----------
    time : array-like of float
        Follow-up end of each row (the stop time of (start, stop] rows).
    event : array-like of bool
        Whether the row ends with the event.
    risk : array-like of float
        Higher = expected to leave sooner (e.g. a Cox model's linear predictor).
    entry : array-like of float, optional
        Start of each row's interval, for counting-process data (several rows per customer,
        with time-varying covariates); default 0.

    Returns
    -------
    float
        The share of comparable pairs that the risk orders correctly (ties in risk count
        one half): 0.5 is chance, 1 perfect. NaN without comparable pairs.

    Notes
    -----
    A pair is comparable when one row ends with an event at :math:`t_i` and the other is at
    risk beyond it (:math:`entry_j < t_i < t_j`); it is concordant when
    :math:`risk_i > risk_j`. Pairs tied in time are not comparable (as R's
    ``survival::concordance``). With counting-process rows each customer is at risk in one
    row at a time, so the comparison uses the risk at the event time. Vectorised
    dominance counting, O(n log² n).

    References
    ----------
    Harrell, F. E., Lee, K. L. & Mark, D. B. (1996). Multivariable prognostic models. Statistics
    in Medicine 15, 361–387.
    Therneau, T. & Atkinson, E. (2023). Concordance. Vignette of the R package survival.

    Examples
    --------
    >>> concordance_index([1, 2, 3, 4], [1, 1, 0, 1], [4, 3, 2, 1])
    1.0
    >>> concordance_index([1, 2, 3, 4], [1, 1, 0, 1], [1, 2, 3, 4])
    0.0
    """
    t = np.asarray(time, dtype=float)
    e = np.asarray(event, dtype=bool)
    r = np.asarray(risk, dtype=float)
    s = np.zeros_like(t) if entry is None else np.asarray(entry, dtype=float)
    if not (t.shape == e.shape == r.shape == s.shape):
        raise ValueError("time, event, risk (and entry) must have the same length")
    ok = ~(np.isnan(t) | np.isnan(r) | np.isnan(s))
    t, e, r, s = t[ok], e[ok], r[ok], s[ok]
    ti, ri = t[e], r[e]
    if ti.size == 0:
        return math.nan
    comparable = np.searchsorted(np.sort(s), ti, side="left") - np.searchsorted(
        np.sort(t), ti, side="right"
    )
    lower_start = _count_lower_left(s, r, ti, ri, a_inclusive=False, b_inclusive=False)
    lower_stop = _count_lower_left(t, r, ti, ri, a_inclusive=True, b_inclusive=False)
    atmost_start = _count_lower_left(s, r, ti, ri, a_inclusive=False, b_inclusive=True)
    atmost_stop = _count_lower_left(t, r, ti, ri, a_inclusive=True, b_inclusive=True)
    concordant = lower_start - lower_stop
    tied = (atmost_start - atmost_stop) - concordant
    total = comparable.sum()
    if total <= 0:
        return math.nan
    return float((concordant.sum() + 0.5 * tied.sum()) / total)


@dataclass(frozen=True)
class ChurnDrivers:
    """A Cox proportional-hazards model of churn.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per term (see :func:`churn_drivers`).
    concordance : float
        Harrell's C of the fitted risk score.
    n : int
        Customers (rows of the survival frame) used.
    events : int
        Churn events among them.
    intervals : int
        Rows of the fitted data (more than ``n`` with time-varying covariates).
    ties : str
        How tied event times were handled ("efron" or "breslow").
    note : str or None
        Caveats (rows dropped, constant covariates, convergence).
    """

    table: pd.DataFrame
    concordance: float
    n: int
    events: int
    intervals: int
    ties: str
    note: str | None


class _Design(NamedTuple):
    columns: list[np.ndarray]
    terms: list[dict[str, Any]]


def _fixed_design(frame: pd.DataFrame, covariates: Sequence[str]) -> _Design:
    columns: list[np.ndarray] = []
    terms: list[dict[str, Any]] = []
    for name in covariates:
        series = frame[name]
        dtype = series.dtype
        if pd.api.types.is_bool_dtype(dtype):
            columns.append(series.astype(float).to_numpy())
            terms.append(
                {
                    "term": name,
                    "covariate": name,
                    "level": "true",
                    "reference": "false",
                    "kind": "binary",
                }
            )
        elif pd.api.types.is_numeric_dtype(dtype):
            columns.append(series.to_numpy(dtype=float, na_value=np.nan))
            terms.append(
                {
                    "term": name,
                    "covariate": name,
                    "level": None,
                    "reference": None,
                    "kind": "numeric",
                }
            )
        else:
            values = series.astype(object).where(series.notna(), None)
            if isinstance(dtype, pd.CategoricalDtype):
                levels = [c for c in dtype.categories if (series == c).any()]
            else:
                counts = series.value_counts()
                levels = sorted(counts.index, key=lambda v: (-counts[v], str(v)))
            if not levels:
                continue
            reference = levels[0]
            for level in levels[1:]:
                column = (values == level).to_numpy(dtype=float)
                column[series.isna().to_numpy()] = np.nan
                columns.append(column)
                terms.append(
                    {
                        "term": f"{name}[{level}]",
                        "covariate": name,
                        "level": str(level),
                        "reference": str(reference),
                        "kind": "level",
                    }
                )
    return _Design(columns, terms)


def _counting_process(
    duration: np.ndarray,
    event: np.ndarray,
    cut_row: np.ndarray,
    cut_offset: np.ndarray,
    cut_var: np.ndarray,
    cut_increment: np.ndarray,
    n_vars: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split each row's (0, duration] at its cut times; time-varying values are cumulative sums.

    Returns (row index, start, stop, event, values[n_intervals, n_vars]).
    """
    n = len(duration)
    initial = np.zeros((n, n_vars))
    early = cut_offset <= 0
    np.add.at(initial, (cut_row[early], cut_var[early]), cut_increment[early])
    inside = (cut_offset > 0) & (cut_offset < duration[cut_row])
    row, offset, var, inc = (
        cut_row[inside],
        cut_offset[inside],
        cut_var[inside],
        cut_increment[inside],
    )
    order = np.lexsort((offset, row))
    row, offset, var, inc = row[order], offset[order], var[order], inc[order]
    m = len(row)
    steps = np.zeros((m, n_vars))
    steps[np.arange(m), var] = inc
    cumulative = np.cumsum(steps, axis=0)
    first = np.r_[True, row[1:] != row[:-1]] if m else np.array([], dtype=bool)
    first_index = (
        np.maximum.accumulate(np.where(first, np.arange(m), 0))
        if m
        else np.array([], dtype=np.int64)
    )
    before_first = np.where(
        (first_index > 0)[:, None], cumulative[np.maximum(first_index - 1, 0)], 0.0
    )
    cumulative -= before_first
    last = (
        np.r_[(row[1:] != row[:-1]) | (offset[1:] != offset[:-1]), True]
        if m
        else np.array([], dtype=bool)
    )
    row, offset, cumulative = row[last], offset[last], cumulative[last]
    cuts_per_row = np.bincount(row, minlength=n)
    size = cuts_per_row + 1
    begin = np.cumsum(size) - size
    total = int(size.sum())
    out_row = np.repeat(np.arange(n), size)
    start = np.zeros(total)
    values = np.repeat(initial, size, axis=0)
    if len(row):
        rank = np.arange(len(row)) - (np.cumsum(cuts_per_row) - cuts_per_row)[row]
        where = begin[row] + rank + 1
        start[where] = offset
        values[where] += cumulative
    stop = np.r_[start[1:], 0.0]
    ends = begin + size - 1
    stop[ends] = duration
    out_event = np.zeros(total, dtype=bool)
    out_event[ends] = event
    return out_row, start, stop, out_event, values


def _aliased(exog: np.ndarray) -> np.ndarray:
    """Columns that are linear combinations of earlier ones (with an intercept), as R's NA.

    Checked in column order on the centred, scaled matrix: a column whose residual on the
    earlier kept columns is (numerically) zero is aliased.
    """
    k = exog.shape[1]
    flags = np.zeros(k, dtype=bool)
    if k == 0 or len(exog) == 0:
        return flags
    centred = exog - exog.mean(axis=0)
    scale = np.linalg.norm(centred, axis=0)
    centred = centred / np.where(scale > 0, scale, 1.0)
    kept: list[int] = []
    for j in range(k):  # one pass per term (a handful), not per row
        residual = centred[:, j]
        if kept:
            basis = centred[:, kept]
            coef, *_ = np.linalg.lstsq(basis, residual, rcond=None)
            residual = residual - basis @ coef
        if np.linalg.norm(residual) < 1e-8:
            flags[j] = True
        else:
            kept.append(j)
    return flags


def _reading(
    term: dict[str, Any],
    hr: float,
    low: float,
    high: float,
    p: float,
    alpha: float,
    confidence: float,
) -> str:
    if not math.isfinite(hr):
        return "not estimable"
    change = format_change_pct(hr - 1, decimals=0).replace("+", "").replace("−", "")
    way = "raises" if hr > 1 else "lowers"
    more = "higher" if hr > 1 else "lower"
    ci = f"{confidence * 100:g} % CI {format_change_pct(low - 1, 0)} to {format_change_pct(high - 1, 0)}"
    name = term["covariate"]
    if name == "after_go_live":
        text = f"after go-live the hazard of leaving is {change} {more} than before ({ci})"
    elif name == "crm_after_go_live":
        text = (
            f"in the CRM units after go-live the hazard of leaving is {change} {more} than the "
            f"control group's change predicts ({ci}): the CRM's estimated effect on churn"
        )
    elif term["kind"] == "numeric":
        unit = _UNITS.get(name, f"unit of {name}")
        text = f"each extra {unit} {way} the hazard of leaving by {change} ({ci})"
    elif term["kind"] == "binary":
        text = f"customers with {name} have a {change} {more} hazard of leaving than those without ({ci})"
    else:
        text = (
            f"customers with {name} = {term['level']} have a {change} {more} hazard of leaving "
            f"than {name} = {term['reference']} ({ci})"
        )
    if not p < alpha:
        text += f"; not distinguishable from no effect (p {_p_text(p)})"
    return text


def _p_text(p: float) -> str:
    text = format_p_value(p)
    return text if text.startswith("<") else f"= {text}"


def churn_drivers(
    frame: pd.DataFrame,
    covariates: Sequence[str],
    *,
    tickets: pd.DataFrame | None = None,
    go_live: dt.date | str | None = None,
    alpha: float = 0.05,
    ties: Literal["efron", "breslow"] = "efron",
) -> ChurnDrivers:
    """What drives churn? A Cox proportional-hazards model with hazard ratios in plain words.

    Parameters
    ----------
    frame : pandas.DataFrame
        A survival frame (:func:`survival_frame`): ``duration``, ``event``, the covariate
        columns, and for the time-varying covariates ``customer_id``, ``entry_date`` (and
        ``arm``).
    covariates : sequence of str
        Columns of ``frame``: numbers (per-unit effect), booleans, and labels (one dummy per
        level against a reference: the first category of a categorical column, else the most
        frequent label). Three names are special:

        - "complaints" with ``tickets``: the number of complaints so far, rising at each
          complaint (time-varying); without ``tickets`` the frame's fixed count is used,
          which is biased (see Notes);
        - "after_go_live" (needs ``go_live``): 0 before go-live, 1 from go-live;
        - "crm_after_go_live" (needs ``go_live`` and ``arm``): 1 for CRM customers from
          go-live. With "arm" and "after_go_live" in the model its hazard ratio is the
          difference-in-differences estimate of the CRM's effect on churn.
    tickets : pandas.DataFrame, optional
        ``customer_id``, ``opened_at``, ``is_complaint``: makes "complaints" time-varying.
    go_live : date, optional
        Go-live date (``Assessment.go_live_date``) for the two go-live covariates.
    alpha : float, default 0.05
        Intervals have level 1 − alpha; terms with p ≥ alpha read "not distinguishable from
        no effect".
    ties : {"efron", "breslow"}, default "efron"
        Handling of tied churn days (Efron: R's ``coxph`` default, closer to the exact
        likelihood with many ties).

    Returns
    -------
    ChurnDrivers
        ``table``: one row per term with ``term``, ``covariate``, ``level``, ``reference``,
        ``coef`` (log hazard ratio), ``se``, ``hazard_ratio``, ``ci_low``, ``ci_high`` (of the
        hazard ratio), ``z``, ``p_value`` (Wald), ``reading`` (e.g. "each extra complaint
        raises the hazard of leaving by 23 % (95 % CI +10 % to +38 %)"); plus
        ``concordance``, ``n``, ``events``, ``intervals``, ``ties``, ``note``. Rows with a
        missing covariate are left out (counted in ``note``).

    Notes
    -----
    :math:`h(t \\mid x) = h_0(t)\\exp(x^T\\beta)`, fitted by maximum partial likelihood
    (statsmodels ``PHReg``); a hazard ratio :math:`e^{\\beta}` of 1.23 means 23 % more
    customers leaving per unit of time at any tenure. Wald interval
    :math:`\\exp(\\hat\\beta \\pm z\\,SE)`. Time-varying covariates use the counting-process
    form (Andersen & Gill): each customer's follow-up is split into (start, stop] intervals
    at each change, which keeps every customer once in each risk set.

    Counting all of a customer's complaints as a fixed covariate would give customers who
    stay longer more time to complain, so complaints would look protective; the
    time-varying count compares, at each moment, customers by the complaints they have made
    so far. ``first_response_hours`` (median over the follow-up) has a milder form of the same
    issue. The model assumes proportional hazards; check the Kaplan–Meier curves cross
    nowhere.

    References
    ----------
    Cox, D. R. (1972). Regression models and life-tables. JRSS B 34, 187–220.
    Efron, B. (1977). The efficiency of Cox's likelihood function for censored data. JASA 72,
    557–565.
    Andersen, P. K. & Gill, R. D. (1982). Cox's regression model for counting processes.
    Annals of Statistics 10, 1100–1120.

    Examples
    --------
    >>> frame = pd.DataFrame({"duration": [5, 8, 12, 3, 9, 15, 20, 7, 11, 4],
    ...                       "event": [1, 1, 0, 1, 1, 0, 0, 1, 1, 0],
    ...                       "complaints": [2, 1, 0, 3, 0, 1, 1, 2, 0, 1]})
    >>> fit = churn_drivers(frame, ["complaints"])
    >>> round(float(fit.table["hazard_ratio"].iloc[0]), 2), round(fit.concordance, 3)
    (4.62, 0.794)
    >>> fit.table["reading"].iloc[0]
    'each extra complaint raises the hazard of leaving by 362 % (95 % CI +7 % to +1,895 %)'
    """
    _check_alpha(alpha)
    if ties not in ("efron", "breslow"):
        raise ValueError(f"ties must be 'efron' or 'breslow', got {ties!r}")
    covariates = list(covariates)
    if not covariates:
        raise ValueError("name at least one covariate")
    time, event = _survival_arrays(frame)
    varying = [c for c in covariates if c in _TIME_VARYING]
    complaints_tv = "complaints" in covariates and tickets is not None
    if complaints_tv:
        varying.append("complaints")
    fixed = [c for c in covariates if c not in varying]
    missing = [c for c in fixed if c not in frame.columns]
    if missing:
        raise ValueError(f"the survival frame has no column(s) {missing}")
    if any(c in _TIME_VARYING for c in varying) and go_live is None:
        raise ValueError("after_go_live and crm_after_go_live need go_live")
    if varying:
        _require(frame, "survival", ("customer_id", "entry_date"))
        if not frame["customer_id"].is_unique:
            raise ValueError(
                "time-varying covariates need one row per customer (customer_id repeats)"
            )
    if "crm_after_go_live" in varying:
        _require(frame, "survival", ("arm",))
    notes: list[str] = []
    if "complaints" in fixed:
        notes.append(
            "complaints counted over the whole follow-up (no tickets given): customers who stay "
            "longer have more time to complain, which biases its hazard ratio downwards"
        )
    design = _fixed_design(frame, fixed)
    fixed_matrix = np.column_stack(design.columns) if design.columns else np.zeros((len(frame), 0))
    usable = ~np.isnan(fixed_matrix).any(axis=1)
    dropped = int((~usable).sum())
    if dropped:
        notes.append(f"{dropped} customer(s) with a missing covariate left out")
        if "first_response_hours" in fixed:
            notes.append(
                "first_response_hours is missing for customers without tickets during their "
                "follow-up: keeping only customers with tickets selects on what happened after "
                "entry and biases the other hazard ratios"
            )
    rows = np.flatnonzero(usable)
    # time-varying covariates: counting-process rows
    terms = list(design.terms)
    if varying:
        entry = np.floor(_days(frame["entry_date"]))[rows]
        cut_row, cut_offset, cut_var, cut_inc = [], [], [], []
        for j, name in enumerate(varying):
            if name in _TIME_VARYING:
                offset = _day(go_live) - entry
                increment = np.ones(len(rows))
                if name == "crm_after_go_live":
                    increment = (frame["arm"].astype(str).to_numpy()[rows] == "crm").astype(float)
                cut_row.append(np.arange(len(rows)))
                cut_offset.append(offset)
                cut_inc.append(increment)
                cut_var.append(np.full(len(rows), j))
                terms.append(
                    {
                        "term": name,
                        "covariate": name,
                        "level": None,
                        "reference": None,
                        "kind": "binary",
                    }
                )
            else:
                tickets = _require(tickets, "tickets", ("customer_id", "opened_at", "is_complaint"))
                complaint = tickets["is_complaint"].fillna(False).to_numpy(dtype=bool)
                position = pd.Index(frame["customer_id"].to_numpy()[rows]).get_indexer(
                    tickets["customer_id"].to_numpy()[complaint]
                )
                opened = _days(tickets["opened_at"])[complaint]
                ok = (position >= 0) & ~np.isnan(opened)
                cut_row.append(position[ok])
                cut_offset.append(opened[ok] - entry[position[ok]])
                cut_inc.append(np.ones(int(ok.sum())))
                cut_var.append(np.full(int(ok.sum()), j))
                terms.append(
                    {
                        "term": name,
                        "covariate": name,
                        "level": None,
                        "reference": None,
                        "kind": "numeric",
                    }
                )
        index, start, stop, status, values = _counting_process(
            time[rows],
            event[rows],
            np.concatenate(cut_row).astype(np.int64),
            np.concatenate(cut_offset),
            np.concatenate(cut_var).astype(np.int64),
            np.concatenate(cut_inc),
            len(varying),
        )
        exog = np.column_stack([fixed_matrix[rows][index], values])
    else:
        start = np.zeros(len(rows))
        stop, status = time[rows], event[rows]
        exog = fixed_matrix[rows]
    varies = exog.std(axis=0) > 0 if len(exog) else np.zeros(exog.shape[1], dtype=bool)
    if not varies.all():
        constant = [t["term"] for t, v in zip(terms, varies, strict=True) if not v]
        notes.append(f"left out for lack of variation: {', '.join(constant)}")
        exog = exog[:, varies]
        terms = [t for t, v in zip(terms, varies, strict=True) if v]
    aliased = _aliased(exog)
    if aliased.any():
        names = [t["term"] for t, a in zip(terms, aliased, strict=True) if a]
        notes.append(f"left out as a combination of earlier terms (aliased): {', '.join(names)}")
        exog = exog[:, ~aliased]
        terms = [t for t, a in zip(terms, aliased, strict=True) if not a]
    n, events = len(rows), int(event[rows].sum())
    columns = [
        "term",
        "covariate",
        "level",
        "reference",
        "coef",
        "se",
        "hazard_ratio",
        "ci_low",
        "ci_high",
        "z",
        "p_value",
        "reading",
    ]
    if not terms or events == 0:
        notes.append("nothing to estimate: no varying covariate or no churn event")
        return ChurnDrivers(
            pd.DataFrame(columns=columns), math.nan, n, events, len(stop), ties, "; ".join(notes)
        )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = PHReg(
            stop, exog, status=status.astype(float), entry=start if varying else None, ties=ties
        )
        result = model.fit()
        coef = np.asarray(result.params, dtype=float)
        se = np.asarray(result.bse, dtype=float)
    for message in {str(w.message) for w in caught}:
        notes.append(f"statsmodels: {message}")
    with np.errstate(divide="ignore", invalid="ignore"):
        zscore = coef / se
    p_value = 2 * special.ndtr(-np.abs(zscore))
    z_crit = _z(alpha)
    with np.errstate(over="ignore"):
        low, high = np.exp(coef - z_crit * se), np.exp(coef + z_crit * se)
        hr = np.exp(coef)
    confidence = 1 - alpha
    table = pd.DataFrame(
        {
            "term": [t["term"] for t in terms],
            "covariate": [t["covariate"] for t in terms],
            "level": pd.Series([t["level"] for t in terms], dtype=object),
            "reference": pd.Series([t["reference"] for t in terms], dtype=object),
            "coef": coef,
            "se": se,
            "hazard_ratio": hr,
            "ci_low": low,
            "ci_high": high,
            "z": zscore,
            "p_value": p_value,
            "reading": [
                _reading(t, hr[i], low[i], high[i], p_value[i], alpha, confidence)
                for i, t in enumerate(terms)
            ],
        }
    )
    concordance = concordance_index(stop, status, exog @ coef, entry=start)
    return ChurnDrivers(table, concordance, n, events, len(stop), ties, "; ".join(notes) or None)


# --- findings ---------------------------------------------------------------------------------


class CustomerFindings(NamedTuple):
    """Plain-language findings: one paragraph, and the limitations as sentences."""

    paragraph: str
    limitations: list[str]

    def markdown(self) -> str:
        """The paragraph and a bulleted list of the limitations, as markdown."""
        return findings_markdown(self.paragraph, self.limitations)


def _pp(value: float) -> str:
    if is_missing(value):
        return "n/a"
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value) * 100:.1f}"


def customer_findings(
    *,
    churn: pd.DataFrame | None = None,
    rates: pd.DataFrame | None = None,
    loyalty: pd.DataFrame | None = None,
    drivers: ChurnDrivers | None = None,
    revenue: pd.DataFrame | None = None,
    acquisition: pd.DataFrame | None = None,
    currency: str = "",
    alpha: float = 0.05,
    has_control_group: bool = True,
) -> CustomerFindings:
    """Retention, loyalty and churn drivers in plain words: a paragraph and the limitations.

    Parameters
    ----------
    churn : pandas.DataFrame, optional
        The row of :func:`compare_churn`.
    rates : pandas.DataFrame, optional
        The result of :func:`churn_rates` (says where churn came from and the exposure).
    loyalty : pandas.DataFrame, optional
        The rows of :func:`compare_loyalty`.
    drivers : ChurnDrivers, optional
        The result of :func:`churn_drivers`.
    revenue : pandas.DataFrame, optional
        The result of :func:`revenue_by_relationship`.
    acquisition : pandas.DataFrame, optional
        The result of :func:`acquisition_cost`.
    currency : str
        The client's currency code, for money.
    alpha : float, default 0.05
        Significance level used in the words and the intervals' level (1 − alpha).
    has_control_group : bool, default True
        Whether the comparisons left out a control group (only changes the limitations).

    Returns
    -------
    CustomerFindings
        ``paragraph`` and ``limitations`` (one sentence each). Every number comes from the
        inputs, rounded only here.

    Examples
    --------
    >>> churn = pd.DataFrame({"before": [0.18], "after": [0.13], "change": [-0.05],
    ...     "ci_low": [-0.07], "ci_high": [-0.03], "p_value": [0.0001]})
    >>> customer_findings(churn=churn).paragraph
    'Annual churn fell from 18.0 % to 13.0 % (−5.0 percentage points; 95 % confidence interval −7.0 to −3.0; p < 0.001), so annual retention went from 82.0 % to 87.0 %.'
    """
    _check_alpha(alpha)
    confidence = f"{(1 - alpha) * 100:g} %"
    sentences: list[str] = []
    limitations: list[str] = []
    if churn is not None and len(churn):
        row = churn.iloc[0]
        p = row["p_value"]
        if is_missing(p):
            sentences.append("Churn could not be compared before and after go-live.")
        else:
            moved = "fell" if row["change"] < 0 else "rose"
            verb = moved if p < alpha else f"shows no detectable change ({moved} slightly)"
            sentences.append(
                f"Annual churn {verb} from {format_percent(row['before'])} to "
                f"{format_percent(row['after'])} ({_pp(row['change'])} percentage points; "
                f"{confidence} confidence interval {_pp(row['ci_low'])} to {_pp(row['ci_high'])}; "
                f"p {_p_text(p)}), so annual retention went from {format_percent(1 - row['before'])} "
                f"to {format_percent(1 - row['after'])}."
            )
    if rates is not None and len(rates):
        source = str(rates["source"].iloc[0])
        if source == "inactivity":
            limitations.append(
                "Churn is inferred from inactivity (no order for a set number of days), not "
                "recorded: slow buyers count as lost and the last months of data cannot show "
                "churn yet."
            )
        years = rates["customer_years"].sum()
        if years < 100:
            limitations.append(
                f"Churn rests on only {format_number(years)} customer-years of exposure; its "
                "intervals are wide."
            )
        if (pd.to_datetime(rates["observed_until"]) < pd.to_datetime(rates["end"])).any():
            limitations.append(
                "The data stop before the end of a window, so that window's churn covers only "
                "part of it."
            )
    if loyalty is not None and len(loyalty):
        for row in loyalty.to_dict("records"):
            p = row["p_value"]
            if is_missing(p):
                continue
            moved = "rose" if row["change"] > 0 else "fell"
            verb = moved if p < alpha else "shows no detectable change"
            if row["kpi"] == "repeat_purchase_rate":
                sentences.append(
                    f"The share of buying customers who bought at least twice {verb} "
                    f"({format_percent(row['before'])} before, {format_percent(row['after'])} after; "
                    f"p {_p_text(p)})."
                )
            elif row["kpi"] == "purchase_interval_days":
                sentences.append(
                    f"The median time between a customer's purchases {verb} "
                    f"({format_number(row['before'])} days before, {format_number(row['after'])} "
                    f"after; p {_p_text(p)})."
                )
            elif row["kpi"] == "spend_per_customer":
                sentences.append(
                    f"Spend per buying customer {verb} ({format_money(row['before'], currency)} "
                    f"before, {format_money(row['after'], currency)} after; p {_p_text(p)})."
                )
    if drivers is not None and len(drivers.table):
        strong = drivers.table.loc[drivers.table["p_value"] < alpha]
        if len(strong):
            readings = "; ".join(strong["reading"])
            sentences.append(f"In the churn model, {readings}.")
        else:
            sentences.append("None of the churn model's factors is distinguishable from no effect.")
        if not is_missing(drivers.concordance):
            sentences.append(
                f"The model ranks who leaves first correctly for {format_percent(drivers.concordance)} "
                "of comparable pairs of customers (50 % is chance)."
            )
        limitations.append(
            "The churn model shows associations, not causes (except the go-live terms against "
            "the control group), and assumes each factor's effect is the same at every tenure."
        )
        if drivers.note:
            limitations.append(f"Churn model: {drivers.note}.")
    if revenue is not None and len(revenue):
        after = revenue.loc[revenue["window"] == "after"]
        if len(after) and after["revenue"].sum() > 0:
            parts = [
                f"{format_percent(r['revenue_share'])} from {r['relationship'].replace('_', '-')} customers"
                for r in after.to_dict("records")
            ]
            sentences.append("After go-live, revenue came " + ", ".join(parts) + ".")
    if acquisition is not None and len(acquisition):
        rows = acquisition.set_index("window")
        if {"before", "after"} <= set(rows.index):
            sentences.append(
                f"Campaign cost per new customer was {format_money(rows.loc['before', 'cost_per_new_customer'], currency)} "
                f"before and {format_money(rows.loc['after', 'cost_per_new_customer'], currency)} after go-live."
            )
        limitations.append(
            "Acquisition cost counts campaign spend only (not sales time) and all new "
            "customers, whatever brought them."
        )
    if not has_control_group:
        limitations.append(
            "Without a control group the changes are before-after only: anything else that "
            "changed at go-live is mixed into them."
        )
    limitations.append(
        "The p-values here are not corrected for the number of KPIs tested; the impact "
        "overview corrects them across the whole family."
    )
    return CustomerFindings(" ".join(sentences), limitations)


# --- report views: tables, chart data, titles and readings for the loyalty stage ------------
#
# The functions below turn the results above into what the loyalty-and-retention stage shows:
# tables with units in their headers (:class:`crmkit.data.quality.TableView`), the frames its charts
# draw, chart titles that state the finding, and "What it means" paragraphs from the numbers.

#: Fewer churn events than this and the churn model is not fitted.
MIN_DRIVER_EVENTS = 10

_RELATIONSHIP_LABELS = {"retained": "Retained", "new": "New", "won_back": "Won back"}
_RELATIONSHIP_WORDS = {"retained": "retained", "new": "new", "won_back": "won-back"}


def _verdict(row: Any, alpha: float) -> str:
    """The row's verdict (a KPI result row) or one from its p-value (a comparison row)."""
    verdict = row.get("verdict") if hasattr(row, "get") else None
    if isinstance(verdict, str):
        return verdict
    p = row["p_value"]
    if is_missing(p):
        return "insufficient data"
    return "no detectable change" if p >= alpha else "significant"


def scoped_customers(
    customers: pd.DataFrame,
    assessment: Assessment,
    *,
    orders: pd.DataFrame | None = None,
    scope: Scope = "crm",
) -> pd.DataFrame:
    """The customers of the CRM units (default), of the control group, or all.

    Parameters
    ----------
    customers : pandas.DataFrame
        The customers table.
    assessment : Assessment
        Supplies the control group.
    orders : pandas.DataFrame, optional
        To place customers whose table lacks the control column (see :func:`control_mask`).
    scope : {"crm", "control", "all"}, default "crm"
        Which customers (see the module docstring).

    Returns
    -------
    pandas.DataFrame
        The rows of ``customers`` in scope.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Control, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)), control=Control("region", ("West",)))
    >>> c = pd.DataFrame({"customer_id": ["A", "B"], "region": ["North", "West"]})
    >>> scoped_customers(c, a)["customer_id"].tolist()
    ['A']
    """
    _check_scope(scope)
    return customers.loc[_in_scope(customers, assessment.control, scope, orders=orders)]


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


def churn_frame(summary: ChurnSummary) -> pd.DataFrame:
    """Annual churn per window (and the control group's) as :func:`crmkit.report.plots.interval_chart` draws it.

    Parameters
    ----------
    summary : ChurnSummary
        :func:`churn_summary`.

    Returns
    -------
    pandas.DataFrame
        One row per window and group: ``label`` ("CRM units, before go-live" …; "Customers, …"
        without a control group), ``estimate``, ``ci_low``, ``ci_high`` (annual churn
        probability in percent), ``highlight`` (True for the CRM units after go-live).
    """
    main = "CRM units" if summary.control_rates is not None else "Customers"
    parts = [(main, summary.rates)]
    if summary.control_rates is not None:
        parts.append(("Control group (no CRM)", summary.control_rates))
    rows = []
    for group, frame in parts:
        for r in frame.to_dict("records"):
            rows.append(
                {
                    "label": f"{group}, {WINDOW_LABELS[r['window']].lower()}",
                    "estimate": r["churn_probability"] * 100,
                    "ci_low": r["ci_low"] * 100,
                    "ci_high": r["ci_high"] * 100,
                    "highlight": group == main and r["window"] == "after",
                }
            )
    return pd.DataFrame(rows, columns=["label", "estimate", "ci_low", "ci_high", "highlight"])


def churn_view(rates: pd.DataFrame) -> TableView:
    """:func:`churn_rates` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [WINDOW_LABELS.get(w, w) for w in rates["window"]],
            "Customers active at the start": rates["customers_at_start"].astype("Int64"),
            "Acquired (followed from the next window)": rates["acquired"].astype("Int64"),
            "Churned": rates["churned"].astype("Int64"),
            "Customer-years at risk": rates["customer_years"].to_numpy(float),
            "Annual churn": rates["churn_probability"].to_numpy(float) * 100,
            "Confidence interval": [
                "–" if is_missing(lo) else f"{lo * 100:.1f} to {hi * 100:.1f}"
                for lo, hi in zip(rates["ci_low"], rates["ci_high"], strict=True)
            ],
            "Annual retention": rates["retention"].to_numpy(float) * 100,
        }
    )
    units = {
        "Customers active at the start": "count",
        "Acquired (followed from the next window)": "count",
        "Churned": "count",
        "Customer-years at risk": "years",
        "Annual churn": "%",
        "Confidence interval": "%",
        "Annual retention": "%",
    }
    formats = {
        "Customers active at the start": "{:,}",
        "Acquired (followed from the next window)": "{:,}",
        "Churned": "{:,}",
        "Customer-years at risk": "{:,.0f}",
        "Annual churn": "{:.1f}",
        "Annual retention": "{:.1f}",
    }
    return TableView(frame, units, formats)


def churn_text(row: Any, summary: ChurnSummary, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for churn before and after go-live, against the control group's.

    Parameters
    ----------
    row : mapping
        The churn KPI's result row (:func:`crmkit.measure.measure_kpis`, with ``verdict``) or
        the :func:`compare_churn` row.
    summary : ChurnSummary
        :func:`churn_summary` (where churn came from; the control group's change).
    alpha : float
        Significance level for rows without a verdict.

    Examples
    --------
    >>> rates = pd.DataFrame({"source": ["churned_date"] * 2})
    >>> row = {"before": 0.18, "after": 0.13, "change": -0.05, "verdict": "improved"}
    >>> print(churn_text(row, ChurnSummary(rates, None, None)))
    **What it means:** of every 100 customers, about 18 left within a year before go-live and 13 after: customers stay longer, by more than chance explains.
    """
    verdict = _verdict(row, alpha)
    note = row.get("note") if hasattr(row, "get") else None
    if isinstance(note, str) and note.startswith("not comparable: "):
        reason = note.removeprefix("not comparable: ").split(" (guard ")[0]
        return what_it_means(
            f"churn before and after go-live is not compared: {reason}. A change measured on "
            "different customers would not be the CRM's."
        )
    if verdict == "insufficient data" or is_missing(row["before"]) or is_missing(row["after"]):
        return what_it_means(
            "there are too few customers or churn events to compare the two windows."
        )
    opening = (
        f"of every 100 customers, about {row['before'] * 100:.0f} left within a year before "
        f"go-live and {row['after'] * 100:.0f} after"
    )
    if verdict == "no detectable change":
        text = f"{opening}, a difference within what chance produces."
    else:
        better = row["change"] < 0
        text = (
            f"{opening}: customers {'stay longer' if better else 'leave sooner'}, by more than "
            "chance explains."
        )
    control = summary.control_change
    if control is not None and len(control):
        c = control.iloc[0]
        if not is_missing(c["p_value"]):
            moved = c["p_value"] < alpha
            text += (
                f" In the control group, which kept its old tools, churn went from "
                f"{format_percent(c['before'])} to {format_percent(c['after'])}"
                + (
                    " — it moved too, so part of the change is not the CRM's."
                    if moved
                    else ", no detectable change: the market did not move churn on its own."
                )
            )
    if str(summary.rates["source"].iloc[0]) == "inactivity":
        text += (
            " Churn here means no order for 180 days (the customers table records no churn "
            "dates), so a slow buyer can count as lost."
        )
    return what_it_means(text)


def buyer_values(
    orders: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Scope = "crm",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each buying customer's orders, spend and purchase interval, before and after go-live.

    The observations behind :func:`compare_loyalty` (one per customer and window).

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The before window's buyers and the after window's: ``customer_id``, ``orders``,
        ``spend`` (sum of ``amount``), ``interval_days`` (median days between the customer's
        consecutive order days in the window; NaN with one order day).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> o = pd.DataFrame({"customer_id": ["A", "A", "B"], "amount": [10.0, 20.0, 5.0],
    ...     "order_date": pd.to_datetime(["2024-01-01", "2024-01-11", "2025-02-01"])})
    >>> before, after = buyer_values(o, a)
    >>> before[["customer_id", "spend", "interval_days"]].to_dict("list")
    {'customer_id': ['A'], 'spend': [30.0], 'interval_days': [10.0]}
    """
    _check_scope(scope)
    _require(orders, "orders", ("customer_id", "order_date", "amount"))
    before, after = (
        _per_customer(_window_orders(orders, window, assessment.control, scope, customers))
        for _, window in _windows(assessment)
    )
    return before, after


def loyalty_view(loyalty: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`loyalty_metrics` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [WINDOW_LABELS.get(w, w) for w in loyalty["window"]],
            "Buying customers": loyalty["buyers"].astype("Int64"),
            "Orders": loyalty["orders"].astype("Int64"),
            "Bought twice or more": loyalty["repeat_rate"].to_numpy(float) * 100,
            "Orders per buying customer": loyalty["orders_per_buyer"].to_numpy(float),
            "Spend per buying customer": loyalty["spend_per_buyer"].to_numpy(float),
            "Days between purchases (median)": loyalty["purchase_interval_days"].to_numpy(float),
        }
    )
    units = {
        "Buying customers": "count",
        "Orders": "count",
        "Bought twice or more": "%",
        "Orders per buying customer": "count",
        "Spend per buying customer": currency,
        "Days between purchases (median)": "days",
    }
    formats = {
        "Buying customers": "{:,}",
        "Orders": "{:,}",
        "Bought twice or more": "{:.1f}",
        "Orders per buying customer": "{:.2f}",
        "Spend per buying customer": "{:,.0f}",
        "Days between purchases (median)": "{:.1f}",
    }
    return TableView(frame, units, formats)


def loyalty_text(changes: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for the loyalty KPIs (repeat purchases, purchase interval, spend).

    Parameters
    ----------
    changes : pandas.DataFrame
        Rows with ``kpi``, ``change`` and ``verdict`` (KPI results) or ``p_value``
        (:func:`compare_loyalty`).

    Examples
    --------
    >>> c = pd.DataFrame({"kpi": ["repeat_purchase_rate", "spend_per_customer"],
    ...                   "change": [0.01, 5000.0], "verdict": ["no detectable change", "improved"]})
    >>> print(loyalty_text(c))
    **What it means:** buying customers spend more since go-live, by more than chance explains. The share who come back for a second purchase has not changed detectably.
    """
    rows = {r["kpi"]: r for r in changes.to_dict("records")}
    moved, flat = [], []
    phrases = {
        "spend_per_customer": ("buying customers spend more", "buying customers spend less"),
        "repeat_purchase_rate": (
            "more buying customers come back for a second purchase",
            "fewer buying customers come back for a second purchase",
        ),
        "purchase_interval_days": (
            "customers buy again sooner",
            "customers take longer to buy again",
        ),
    }
    unchanged = {
        "spend_per_customer": "spend per buying customer",
        "repeat_purchase_rate": "the share who come back for a second purchase",
        "purchase_interval_days": "the time between purchases",
    }
    for kpi in ("spend_per_customer", "repeat_purchase_rate", "purchase_interval_days"):
        if kpi not in rows:
            continue
        verdict = _verdict(rows[kpi], alpha)
        if verdict == "insufficient data":
            continue
        if verdict == "no detectable change":
            flat.append(unchanged[kpi])
            continue
        good = rows[kpi]["change"] > 0
        if kpi == "purchase_interval_days":
            good = not good
        moved.append(phrases[kpi][0 if good else 1])
    sentences = []
    if moved:
        sentences.append(" and ".join(moved) + " since go-live, by more than chance explains.")
    if flat:
        text = " and ".join(flat)
        verb = "have" if len(flat) > 1 else "has"
        sentences.append(f"{text[0].upper()}{text[1:]} {verb} not changed detectably.")
    if not sentences:
        return what_it_means("there are too few buying customers to compare the two windows.")
    text = " ".join(sentences)
    return what_it_means(text[0].lower() + text[1:])


def cohort_view(cohorts: pd.DataFrame, *, periods: Sequence[int] = (0, 1, 3, 6, 12)) -> TableView:
    """Cohort retention as a table: each cohort's size and its share active k months on.

    Parameters
    ----------
    cohorts : pandas.DataFrame
        :func:`cohort_retention`.
    periods : sequence of int
        The periods since acquisition shown as columns.

    Returns
    -------
    crmkit.data.quality.TableView
        One row per cohort: Acquired in (month), Customers (count), then "Month k" (%) for
        each period, as whole percentages; blank where the period has not been observed yet.

    Examples
    --------
    >>> long = pd.DataFrame({"cohort": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01"]),
    ...                      "period": [0, 1, 0], "share": [1.0, 0.5, 0.25], "cohort_size": [2, 2, 4]})
    >>> cohort_view(long, periods=[0, 1]).frame.to_dict("list")
    {'Acquired in': ['2024-01', '2024-02'], 'Customers': [2, 4], 'Month 0': ['100', '25'], 'Month 1': ['50', '']}
    """
    matrix = cohort_matrix(cohorts) if len(cohorts) else pd.DataFrame()
    sizes = cohorts.groupby("cohort")["cohort_size"].first() if len(cohorts) else pd.Series()
    frame = pd.DataFrame(
        {
            "Acquired in": [f"{pd.Timestamp(c):%Y-%m}" for c in matrix.index],
            "Customers": [int(v) for v in sizes.reindex(matrix.index)],
        }
    )
    labels = []
    for k in periods:
        label = f"Month {k}"
        labels.append(label)
        values = matrix[k] if k in matrix.columns else pd.Series(np.nan, index=matrix.index)
        frame[label] = ["" if is_missing(v) else f"{v * 100:.0f}" for v in values]
    return TableView(
        frame, {"Customers": "count", **dict.fromkeys(labels, "%")}, {"Customers": "{:,}"}
    )


def cohort_title(compare: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """The heatmap's title: do customers acquired after go-live stay active more than before?

    Parameters
    ----------
    compare : pandas.DataFrame
        :func:`compare_cohorts` (the first period with a test decides the wording).

    Examples
    --------
    >>> c = pd.DataFrame({"period": [3], "before": [0.363], "after": [0.373], "p_value": [0.49]})
    >>> cohort_title(c)
    'Customers acquired after go-live are as active 3 months on as earlier ones (37 % vs 36 % ordered)'
    """
    usable = compare.loc[compare["p_value"].notna()] if len(compare) else compare
    if usable is None or usable.empty:
        return "Too few cohorts after go-live to compare their retention with earlier ones"
    row = usable.iloc[0]
    k = int(row["period"])
    figures = f"{row['after'] * 100:.0f} % vs {row['before'] * 100:.0f} % ordered"
    if row["p_value"] < alpha:
        way = "more" if row["after"] > row["before"] else "less"
        return (
            f"Customers acquired after go-live are {way} active {k} months on than earlier ones "
            f"({figures})"
        )
    return (
        f"Customers acquired after go-live are as active {k} months on as earlier ones ({figures})"
    )


def cohort_compare_view(compare: pd.DataFrame) -> TableView:
    """:func:`compare_cohorts` as a table with units."""
    frame = pd.DataFrame(
        {
            "Months after acquisition": compare["period"].astype("Int64"),
            "Cohorts before go-live": compare["before"].to_numpy(float) * 100,
            "Customers before": compare["n_before"].astype("Int64"),
            "Cohorts after go-live": compare["after"].to_numpy(float) * 100,
            "Customers after": compare["n_after"].astype("Int64"),
            "Change": compare["change"].to_numpy(float) * 100,
            "Confidence interval": [
                "–" if is_missing(lo) else f"{_pp(lo)} to {_pp(hi)}"
                for lo, hi in zip(compare["ci_low"], compare["ci_high"], strict=True)
            ],
            "p-value": compare["p_value"].map(format_p_value),
        }
    )
    units = {
        "Months after acquisition": "months",
        "Cohorts before go-live": "% active",
        "Customers before": "count",
        "Cohorts after go-live": "% active",
        "Customers after": "count",
        "Change": "percentage points",
        "Confidence interval": "percentage points",
    }
    formats = {
        "Cohorts before go-live": "{:.1f}",
        "Cohorts after go-live": "{:.1f}",
        "Customers before": "{:,}",
        "Customers after": "{:,}",
        "Change": "{:+.1f}",
    }
    return TableView(frame, units, formats)


def cohort_text(compare: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for the cohort comparison.

    Examples
    --------
    >>> c = pd.DataFrame({"period": [3, 6], "before": [0.36, 0.35], "after": [0.37, 0.36],
    ...                   "p_value": [0.49, 0.84], "n_after": [1995, 1348]})
    >>> print(cohort_text(c))
    **What it means:** customers won since go-live keep buying at the same rate as those won before it (3 months on: 37 % vs 36 % ordered; 6 months on: 36 % vs 35 %); the CRM has not yet changed how well new customers are kept. The later comparisons rest on fewer customers (1,348 after go-live at month 6), because recent cohorts have not reached them yet.
    """
    usable = compare.loc[compare["p_value"].notna()] if len(compare) else compare
    if usable is None or usable.empty:
        return what_it_means(
            "no cohort acquired after go-live has been followed long enough to compare it with "
            "the earlier ones yet."
        )
    parts = []
    for i, r in enumerate(usable.to_dict("records")):
        tail = " ordered" if i == 0 else ""
        parts.append(
            f"{int(r['period'])} months on: {r['after'] * 100:.0f} % vs {r['before'] * 100:.0f} %{tail}"
        )
    figures = "; ".join(parts)
    significant = usable.loc[usable["p_value"] < alpha]
    if significant.empty:
        text = (
            f"customers won since go-live keep buying at the same rate as those won before it "
            f"({figures}); the CRM has not yet changed how well new customers are kept."
        )
    else:
        better = (significant["after"] > significant["before"]).all()
        worse = (significant["after"] < significant["before"]).all()
        way = "better" if better else "worse" if worse else "differently"
        text = (
            f"customers won since go-live are kept {way} than those won before it "
            f"({figures}), by more than chance explains at "
            + ", ".join(f"month {int(k)}" for k in significant["period"])
            + "."
        )
    last = usable.iloc[-1]
    if len(usable) > 1 and "n_after" in usable:
        text += (
            f" The later comparisons rest on fewer customers ({int(last['n_after']):,} after "
            f"go-live at month {int(last['period'])}), because recent cohorts have not reached "
            "them yet."
        )
    return what_it_means(text)


def window_survival(frame: pd.DataFrame, assessment: Assessment) -> pd.DataFrame:
    """Each customer's time at risk in the before window and in the after window.

    Splits the follow-up of :func:`survival_frame` at the windows: the customer base of each
    window, followed from the window's start (or the customer's acquisition) to churn or the
    window's end. Kaplan–Meier curves of the two windows then show how many customers of the
    base stayed through each year, and the log-rank test whether they differ.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`survival_frame` (filter it to the units wanted, e.g. ``arm == "crm"``).
    assessment : Assessment
        Supplies the windows.

    Returns
    -------
    pandas.DataFrame
        One row per customer and window at risk in it: ``customer_id``, ``window`` (ordered
        categorical "before", "after"), ``start_date``, ``stop_date``, ``duration`` (days
        from start to stop), ``event`` (the customer churned in the window).

    Notes
    -----
    A customer active in both windows contributes one spell to each. The log-rank test then
    treats the two spells as independent, which holds when the hazard depends on the window
    (the calendar), not on the customer's past — the assumption of the churn rates per
    window too. Churn on the first day of the after window counts in the after window.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> f = pd.DataFrame({"customer_id": ["A", "B"], "event": [True, False],
    ...     "entry_date": pd.to_datetime(["2024-01-01", "2024-07-01"]),
    ...     "exit_date": pd.to_datetime(["2025-03-01", "2026-01-01"])})
    >>> window_survival(f, a)[["customer_id", "window", "duration", "event"]].to_dict("list")
    {'customer_id': ['A', 'A', 'B', 'B'], 'window': ['before', 'after', 'before', 'after'], 'duration': [366.0, 59.0, 184.0, 365.0], 'event': [False, True, False, False]}
    """
    _require(frame, "survival", ("customer_id", "entry_date", "exit_date", "event"))
    entry = np.floor(_days(frame["entry_date"]))
    exit_ = np.floor(_days(frame["exit_date"]))
    event = frame["event"].astype(bool).to_numpy()
    ids = frame["customer_id"].to_numpy()
    parts = []
    for order, (name, window) in enumerate(_windows(assessment)):
        start_w, stop_w = _window_days(window)
        start = np.maximum(entry, start_w)
        stop = np.minimum(exit_, stop_w)
        churned = event & (exit_ >= start_w) & (exit_ < stop_w)
        keep = (entry < stop_w) & (exit_ >= start_w) & ((stop > start) | churned)
        parts.append(
            pd.DataFrame(
                {
                    "customer_id": ids[keep],
                    "window": name,
                    "_order": order,
                    "start_date": _dates(start[keep]),
                    "stop_date": _dates(stop[keep]),
                    "duration": (stop - start)[keep],
                    "event": churned[keep],
                }
            )
        )
    out = pd.concat(parts, ignore_index=True)
    out = out.sort_values(["customer_id", "_order"], kind="stable").drop(columns="_order")
    out["window"] = pd.Categorical(out["window"], categories=["before", "after"], ordered=True)
    return out.reset_index(drop=True)


class SurvivalAnalysis(NamedTuple):
    """The survival analysis of the loyalty stage.

    Attributes
    ----------
    frame : pandas.DataFrame
        :func:`survival_frame` of all customers (control group included), for the churn model.
    spells : pandas.DataFrame
        :func:`window_survival` of the CRM units' customers.
    km : KaplanMeierResult
        :func:`kaplan_meier` of the spells by window, read at ``horizon`` days.
    test : pandas.DataFrame
        :func:`logrank` of the spells by window.
    """

    frame: pd.DataFrame
    spells: pd.DataFrame
    km: KaplanMeierResult
    test: pd.DataFrame


def survival_analysis(
    customers: pd.DataFrame,
    orders: pd.DataFrame | None,
    assessment: Assessment,
    *,
    tickets: pd.DataFrame | None = None,
    inactivity_days: int = INACTIVITY_DAYS,
) -> SurvivalAnalysis:
    """Survival (retention) curves of the CRM units' customers in each window, and their test.

    Parameters
    ----------
    customers, orders, assessment, inactivity_days
        As :func:`survival_frame`.
    tickets : pandas.DataFrame, optional
        Used when it has ``customer_id`` and ``opened_at`` (ticket covariates of the frame).

    Returns
    -------
    SurvivalAnalysis
        The curves are read at the shorter window's length in days (365 for calendar years):
        ``km.summary["survival_at_horizon"]`` is the share of the window's customer base that
        stayed through it.
    """
    usable = (
        tickets if tickets is not None and {"customer_id", "opened_at"} <= set(tickets) else None
    )
    frame = survival_frame(
        customers, orders, assessment, tickets=usable, inactivity_days=inactivity_days
    )
    spells = window_survival(frame.loc[frame["arm"] == "crm"], assessment)
    horizon = float(min((w.end - w.start).days + 1 for w in (assessment.before, assessment.after)))
    km = kaplan_meier(spells, group="window", alpha=assessment.stats.alpha, horizon=horizon)
    return SurvivalAnalysis(frame, spells, km, logrank(spells, group="window"))


def survival_labels(summary: pd.DataFrame) -> dict[str, str]:
    """Legend text of the window curves: "Before go-live (12,345 customers)".

    Examples
    --------
    >>> survival_labels(pd.DataFrame({"group": ["before"], "n": [1200]}))
    {'before': 'Before go-live (1,200 customers)'}
    """
    return {
        str(g): f"{WINDOW_LABELS.get(str(g), str(g))} ({int(n):,} customers)"
        for g, n in zip(summary["group"], summary["n"], strict=True)
    }


def survival_title(summary: pd.DataFrame, test: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """The survival chart's title: the share kept through the window, and the test's verdict.

    Parameters
    ----------
    summary : pandas.DataFrame
        :attr:`KaplanMeierResult.summary` of :func:`window_survival` grouped by ``window``.
    test : pandas.DataFrame
        :func:`logrank` of the same frame.

    Examples
    --------
    >>> s = pd.DataFrame({"group": ["before", "after"], "survival_at_horizon": [0.82, 0.87],
    ...                   "horizon": [365.0, 365.0]})
    >>> survival_title(s, pd.DataFrame({"p_value": [0.0001]}))
    'After go-live 87 % of customers stayed a full year, against 82 % before — a difference larger than chance explains'
    """
    rows = summary.set_index("group")
    if not {"before", "after"} <= set(rows.index):
        return "Too few customers in one of the windows to compare how long they stay"
    b, a = rows.loc["before", "survival_at_horizon"], rows.loc["after", "survival_at_horizon"]
    if is_missing(a) or is_missing(b):
        return "The data do not follow customers long enough to compare a year of retention"
    days = float(rows["horizon"].iloc[0])
    span = "a full year" if abs(days - 365) < 1 else f"{days:.0f} days"
    p = test["p_value"].iloc[0]
    verdict = (
        "too few churn events to test the difference"
        if is_missing(p)
        else "a difference larger than chance explains"
        if p < alpha
        else "a difference within what chance produces"
    )
    return (
        f"After go-live {a * 100:.0f} % of customers stayed {span}, against {b * 100:.0f} % "
        f"before — {verdict}"
    )


def survival_view(summary: pd.DataFrame) -> TableView:
    """:attr:`KaplanMeierResult.summary` as a table with units."""

    def days(v: float) -> str:
        return "not reached" if is_missing(v) else f"{v:,.0f}"

    frame = pd.DataFrame(
        {
            "Customers": [WINDOW_LABELS.get(str(g), str(g)) for g in summary["group"]],
            "At risk": summary["n"].astype("Int64"),
            "Churned": summary["events"].astype("Int64"),
            "Still active after the horizon": summary["survival_at_horizon"].to_numpy(float) * 100,
            "Confidence interval": [
                "–" if is_missing(lo) else f"{lo * 100:.1f} to {hi * 100:.1f}"
                for lo, hi in zip(
                    summary["horizon_ci_low"], summary["horizon_ci_high"], strict=True
                )
            ],
            "Horizon": summary["horizon"].to_numpy(float),
            "Median time to churn": summary["median"].map(days),
        }
    )
    units = {
        "At risk": "count",
        "Churned": "count",
        "Still active after the horizon": "%",
        "Confidence interval": "%",
        "Horizon": "days",
        "Median time to churn": "days",
    }
    formats = {
        "At risk": "{:,}",
        "Churned": "{:,}",
        "Still active after the horizon": "{:.1f}",
        "Horizon": "{:.0f}",
    }
    return TableView(frame, units, formats)


def survival_text(summary: pd.DataFrame, test: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for the survival curves and the log-rank test.

    Examples
    --------
    >>> s = pd.DataFrame({"group": ["before", "after"], "survival_at_horizon": [0.82, 0.87],
    ...                   "median": [float("nan")] * 2, "horizon": [365.0, 365.0]})
    >>> t = pd.DataFrame({"statistic": [40.2], "df": [1], "p_value": [0.0001]})
    >>> print(survival_text(s, t))
    **What it means:** the curves show, day by day, the share of the customer base still with the company; after go-live it falls more slowly (log-rank chi-square = 40.2, df = 1, p < 0.001): customers stay longer. Half the customers were still there at the end of each window, so the median time to churn is not reached: churn is slow compared with the windows.
    """
    rows = summary.set_index("group")
    p = test["p_value"].iloc[0] if len(test) else math.nan
    if not {"before", "after"} <= set(rows.index) or is_missing(p):
        return what_it_means(
            "there are too few customers or churn events to compare how long customers stay."
        )
    stat = f"log-rank chi-square = {test['statistic'].iloc[0]:.1f}, df = {int(test['df'].iloc[0])}, p {_p_text(p)}"
    b, a = rows.loc["before", "survival_at_horizon"], rows.loc["after", "survival_at_horizon"]
    if p < alpha and not is_missing(a) and not is_missing(b):
        way = "more slowly" if a > b else "faster"
        meaning = "customers stay longer" if a > b else "customers leave sooner"
        text = (
            "the curves show, day by day, the share of the customer base still with the company; "
            f"after go-live it falls {way} ({stat}): {meaning}."
        )
    else:
        text = (
            "the curves show, day by day, the share of the customer base still with the company; "
            f"the two windows' curves differ by no more than chance explains ({stat})."
        )
    if rows["median"].isna().all():
        text += (
            " Half the customers were still there at the end of each window, so the median time "
            "to churn is not reached: churn is slow compared with the windows."
        )
    return what_it_means(text)


def driver_covariates(
    frame: pd.DataFrame, assessment: Assessment, *, tickets: pd.DataFrame | None = None
) -> list[str]:
    """The churn drivers the data hold, for :func:`churn_drivers`.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`survival_frame` (all customers, control group included).
    assessment : Assessment
        Supplies go-live and the control group.
    tickets : pandas.DataFrame, optional
        The tickets table; with ``is_complaint`` the complaints so far become a driver.

    Returns
    -------
    list of str
        In this order, those that apply: "segment", "region" (with two or more values),
        "tenure_years" (when it varies), "complaints" (tickets with customer_id and
        is_complaint), "after_go_live" (follow-up on both sides of go-live), and with a control
        group "arm" (unless its column is already in the model) and "crm_after_go_live" (the
        CRM's own effect on churn, difference-in-differences). Response times are left out:
        they exist only for customers who raised a ticket, and keeping only those would bias
        the model (see :func:`churn_drivers`).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> f = pd.DataFrame({"segment": ["A", "B"], "region": ["N", "N"], "tenure_years": [0.0, 1.0],
    ...     "entry_date": pd.to_datetime(["2024-01-01", "2024-01-01"]),
    ...     "exit_date": pd.to_datetime(["2025-06-01", "2024-06-01"])})
    >>> driver_covariates(f, a)
    ['segment', 'tenure_years', 'after_go_live']
    """
    out = [c for c in ("segment", "region") if c in frame and frame[c].nunique(dropna=True) > 1]
    if "tenure_years" in frame and frame["tenure_years"].std() > 0:
        out.append("tenure_years")
    if tickets is not None and {"customer_id", "opened_at", "is_complaint"} <= set(tickets):
        out.append("complaints")
    go_live = _day(assessment.go_live_date)
    spans = (np.floor(_days(frame["entry_date"])) < go_live) & (
        np.floor(_days(frame["exit_date"])) > go_live
    )
    if spans.any():
        out.append("after_go_live")
        control = assessment.control
        if control is not None and "arm" in frame and frame["arm"].nunique() > 1:
            if control.column not in out:
                out.append("arm")
            out.append("crm_after_go_live")
    return out


def fit_churn_drivers(
    frame: pd.DataFrame,
    assessment: Assessment,
    *,
    tickets: pd.DataFrame | None = None,
    min_events: int = MIN_DRIVER_EVENTS,
) -> ChurnDrivers | str:
    """The churn model on the drivers the data hold, or why it cannot be fitted.

    Parameters
    ----------
    frame : pandas.DataFrame
        :func:`survival_frame` (all customers).
    assessment : Assessment
        Supplies go-live, the control group and alpha.
    tickets : pandas.DataFrame, optional
        The tickets table (complaints as a time-varying driver).
    min_events : int, default :data:`MIN_DRIVER_EVENTS`
        Fewer churn events than this and the model is not fitted.

    Returns
    -------
    ChurnDrivers or str
        :func:`churn_drivers` on :func:`driver_covariates`, or the reason it was not fitted.
    """
    covariates = driver_covariates(frame, assessment, tickets=tickets)
    events = int(frame["event"].sum()) if "event" in frame else 0
    if events < min_events:
        return f"only {events} churn event(s); at least {min_events} are needed to model churn"
    if not covariates:
        return "the data hold no characteristic of the customers to relate churn to"
    return churn_drivers(
        frame,
        covariates,
        tickets=tickets if "complaints" in covariates else None,
        go_live=assessment.go_live_date,
        alpha=assessment.stats.alpha,
    )


def _driver_label(term: dict[str, Any]) -> str:
    name = str(term["covariate"])
    special_names = {
        "after_go_live": "After go-live (all units)",
        "crm_after_go_live": "CRM units after go-live (the CRM's effect)",
        "complaints": "Each complaint so far",
        "tenure_years": "Each year as a customer",
        "arm": "CRM units (vs control)",
    }
    if name in special_names and name != "arm":
        return special_names[name]
    if name == "arm":
        return special_names["arm"]
    level, reference = term.get("level"), term.get("reference")
    if level is not None and not is_missing(level) and reference is not None:
        return f"{name.replace('_', ' ').capitalize()}: {level} (vs {reference})"
    return name.replace("_", " ").capitalize()


def drivers_frame(drivers: ChurnDrivers) -> pd.DataFrame:
    """The churn model's hazard ratios as :func:`crmkit.report.plots.interval_chart` draws them.

    Returns
    -------
    pandas.DataFrame
        One row per term: ``label`` (in words: "Segment: SMB (vs Consumer)"), ``estimate``
        (hazard ratio), ``ci_low``, ``ci_high``, ``significant`` (p below the model's alpha,
        read from the reading's wording).
    """
    table = drivers.table
    return pd.DataFrame(
        {
            "label": [_driver_label(t) for t in table.to_dict("records")],
            "estimate": table["hazard_ratio"].to_numpy(float),
            "ci_low": table["ci_low"].to_numpy(float),
            "ci_high": table["ci_high"].to_numpy(float),
            "significant": ~table["reading"].str.contains("not distinguishable").to_numpy(bool),
        }
    )


def drivers_title(drivers: ChurnDrivers) -> str:
    """The hazard-ratio chart's title: the strongest clear driver of churn.

    Examples
    --------
    >>> t = pd.DataFrame({"term": ["region[West]"], "covariate": ["region"], "level": ["West"],
    ...     "reference": ["North"], "hazard_ratio": [1.18], "ci_low": [1.1], "ci_high": [1.27],
    ...     "p_value": [0.001], "reading": ["customers with region = West have ..."]})
    >>> drivers_title(ChurnDrivers(t, 0.53, 100, 40, 100, "efron", None))
    'What drives churn: Region: West (vs North) raises the hazard of leaving by 18 %'
    """
    frame = drivers_frame(drivers)
    clear = frame.loc[frame["significant"] & frame["estimate"].notna()]
    if clear.empty:
        return "No factor in the data is clearly linked to churn"
    size = np.abs(np.log(clear["estimate"].to_numpy(float)))
    row = clear.iloc[int(np.argmax(size))]
    hr = float(row["estimate"])
    way = "raises" if hr > 1 else "lowers"
    return (
        f"What drives churn: {row['label']} {way} the hazard of leaving by "
        f"{abs(hr - 1) * 100:.0f} %"
    )


def drivers_view(drivers: ChurnDrivers) -> TableView:
    """The churn model as a table: hazard ratios with intervals and their readings."""
    table = drivers.table
    frame = pd.DataFrame(
        {
            "Driver": [_driver_label(t) for t in table.to_dict("records")],
            "Hazard ratio": table["hazard_ratio"].to_numpy(float),
            "Confidence interval": [
                "–" if is_missing(lo) else f"{lo:.2f} to {hi:.2f}"
                for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)
            ],
            "p-value": table["p_value"].map(format_p_value),
            "Reading": table["reading"].astype(str),
        }
    )
    return TableView(
        frame,
        {"Hazard ratio": "× hazard", "Confidence interval": "× hazard"},
        {"Hazard ratio": "{:.2f}"},
    )


def drivers_text(drivers: ChurnDrivers) -> str:
    """The "What it means" paragraph for the churn model.

    Examples
    --------
    >>> t = pd.DataFrame({"term": ["complaints"], "covariate": ["complaints"], "level": [None],
    ...     "reference": [None], "hazard_ratio": [1.0], "ci_low": [0.9], "ci_high": [1.1],
    ...     "p_value": [0.9], "reading": ["each extra complaint ...; not distinguishable from no effect (p = 0.900)"]})
    >>> print(drivers_text(ChurnDrivers(t, 0.53, 100, 40, 100, "efron", None)))
    **What it means:** a hazard ratio above 1 means customers with that trait leave faster (1.20 = 20 % more leave in any given month), below 1 slower. None of the factors in the data is clearly linked to churn. The model ranks who leaves first correctly for 53.0 % of pairs of customers (50 % is chance): churn is hard to predict from these factors alone.
    """
    frame = drivers_frame(drivers)
    clear = frame.loc[frame["significant"] & frame["estimate"].notna()]
    text = (
        "a hazard ratio above 1 means customers with that trait leave faster (1.20 = 20 % more "
        "leave in any given month), below 1 slower. "
    )
    if clear.empty:
        text += "None of the factors in the data is clearly linked to churn."
    else:
        faster = clear.loc[clear["estimate"] > 1, "label"].tolist()
        slower = clear.loc[clear["estimate"] < 1, "label"].tolist()
        parts = []
        if faster:
            parts.append("faster: " + "; ".join(faster))
        if slower:
            parts.append("slower: " + "; ".join(slower))
        text += "Clearly linked to leaving " + ", and ".join(parts) + "."
        did = frame.loc[frame["label"].str.startswith("CRM units after go-live")]
        if len(did) and bool(did["significant"].iloc[0]):
            hr = float(did["estimate"].iloc[0])
            text += (
                f" Against the control group, the CRM {'lowered' if hr < 1 else 'raised'} the "
                f"hazard of leaving by {abs(hr - 1) * 100:.0f} %: the clearest evidence here of "
                "the CRM's own effect on churn."
            )
    c = drivers.concordance
    if not is_missing(c):
        strength = (
            "churn is hard to predict from these factors alone"
            if c < 0.6
            else "the factors explain a fair part of who leaves"
            if c < 0.7
            else "the factors predict well who leaves"
        )
        text += (
            f" The model ranks who leaves first correctly for {format_percent(c)} of pairs of "
            f"customers (50 % is chance): {strength}."
        )
    return what_it_means(text)


def relationship_mix(revenue: pd.DataFrame) -> pd.DataFrame:
    """Revenue shares of retained, new and won-back customers per window, for a stacked chart.

    Returns
    -------
    pandas.DataFrame
        Index: the window with its revenue share base; columns "Retained", "New",
        "Won back" (fractions of the window's revenue).

    Examples
    --------
    >>> r = pd.DataFrame({"window": ["after"] * 3, "relationship": ["new", "retained", "won_back"],
    ...                   "revenue_share": [0.1, 0.85, 0.05]})
    >>> relationship_mix(r).to_dict("index")
    {'After go-live': {'Retained': 0.85, 'New': 0.1, 'Won back': 0.05}}
    """
    wide = revenue.pivot(index="window", columns="relationship", values="revenue_share")
    wide = wide.reindex([w for w in ("before", "after") if w in wide.index])
    wide = wide.reindex(columns=list(_RELATIONSHIP_LABELS)).rename(columns=_RELATIONSHIP_LABELS)
    wide.index = pd.Index([WINDOW_LABELS[w] for w in wide.index], name="window")
    wide.columns.name = None
    return wide


def relationship_title(revenue: pd.DataFrame) -> str:
    """The revenue-split chart's title: where revenue comes from after go-live, and what moved.

    Examples
    --------
    >>> r = pd.DataFrame({"window": ["before"] * 3 + ["after"] * 3,
    ...     "relationship": ["new", "retained", "won_back"] * 2,
    ...     "revenue_share": [0.13, 0.86, 0.01, 0.11, 0.85, 0.04]})
    >>> relationship_title(r)
    'After go-live 85 % of revenue came from retained customers; the share from won-back customers rose most (1 % → 4 %)'
    """
    wide = revenue.pivot(index="window", columns="relationship", values="revenue_share")
    if "after" not in wide.index or wide.loc["after"].isna().all():
        return "No revenue after go-live to split by customer relationship"
    after = wide.loc["after"]
    main = str(after.idxmax())
    text = (
        f"After go-live {after[main] * 100:.0f} % of revenue came from "
        f"{_RELATIONSHIP_WORDS[main]} customers"
    )
    if "before" in wide.index and not wide.loc["before"].isna().all():
        move = (after - wide.loc["before"]).dropna()
        if len(move):
            kind = str(move.abs().idxmax())
            way = "rose" if move[kind] > 0 else "fell"
            text += (
                f"; the share from {_RELATIONSHIP_WORDS[kind]} customers {way} most "
                f"({wide.loc['before', kind] * 100:.0f} % → {after[kind] * 100:.0f} %)"
            )
    return text


def relationship_view(revenue: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`revenue_by_relationship` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [WINDOW_LABELS.get(w, w) for w in revenue["window"]],
            "Customers": [_RELATIONSHIP_LABELS[r] for r in revenue["relationship"]],
            "Buying customers": revenue["customers"].astype("Int64"),
            "Orders": revenue["orders"].astype("Int64"),
            "Revenue": revenue["revenue"].to_numpy(float),
            "Share of revenue": revenue["revenue_share"].to_numpy(float) * 100,
            "Revenue per customer": revenue["revenue_per_customer"].to_numpy(float),
        }
    )
    units = {
        "Buying customers": "count",
        "Orders": "count",
        "Revenue": currency,
        "Share of revenue": "%",
        "Revenue per customer": currency,
    }
    formats = {
        "Buying customers": "{:,}",
        "Orders": "{:,}",
        "Revenue": "{:,.0f}",
        "Share of revenue": "{:.1f}",
        "Revenue per customer": "{:,.0f}",
    }
    return TableView(frame, units, formats)


def relationship_text(
    revenue: pd.DataFrame, acquisition: pd.DataFrame | None = None, *, currency: str = ""
) -> str:
    """The "What it means" paragraph for revenue by relationship and the cost of acquiring a customer.

    Examples
    --------
    >>> r = pd.DataFrame({"window": ["before"] * 3 + ["after"] * 3,
    ...     "relationship": ["new", "retained", "won_back"] * 2,
    ...     "revenue_share": [0.13, 0.86, 0.01, 0.11, 0.85, 0.04],
    ...     "revenue_per_customer": [24000.0, 40000.0, 3700.0, 25000.0, 57000.0, 6400.0]})
    >>> print(relationship_text(r, currency="CNY"))
    **What it means:** existing customers carry the business: 85 % of revenue after go-live came from customers who were already buying, and a retained customer brought CNY 57,000 on average against CNY 25,000 for a new one. Keeping customers is worth more than winning new ones.
    """
    rows = revenue.loc[revenue["window"] == "after"].set_index("relationship")
    if rows.empty or rows["revenue_share"].isna().all():
        return what_it_means("there is no revenue after go-live to split by relationship.")
    retained = rows.loc["retained"] if "retained" in rows.index else None
    new = rows.loc["new"] if "new" in rows.index else None
    text = ""
    if retained is not None and not is_missing(retained["revenue_share"]):
        lead = (
            "existing customers carry the business"
            if retained["revenue_share"] >= 0.5
            else ("new customers carry much of the business")
        )
        text = (
            f"{lead}: {format_percent(retained['revenue_share'], 0)} of revenue after go-live came "
            "from customers who were already buying"
        )
        if (
            new is not None
            and not is_missing(new["revenue_per_customer"])
            and not is_missing(retained["revenue_per_customer"])
        ):
            text += (
                f", and a retained customer brought {format_money(retained['revenue_per_customer'], currency)} "
                f"on average against {format_money(new['revenue_per_customer'], currency)} for a new one"
            )
            if retained["revenue_per_customer"] > new["revenue_per_customer"]:
                text += ". Keeping customers is worth more than winning new ones."
            else:
                text += "."
        else:
            text += "."
    if acquisition is not None and len(acquisition):
        acq = acquisition.set_index("window")
        if {"before", "after"} <= set(acq.index):
            b = acq.loc["before", "cost_per_new_customer"]
            a = acq.loc["after", "cost_per_new_customer"]
            if not (is_missing(a) or is_missing(b)):
                way = "more" if a > b else "less"
                text += (
                    f" Campaigns spent {format_money(a, currency)} per new customer after go-live, "
                    f"{way} than the {format_money(b, currency)} before."
                )
    return what_it_means(text.strip() or "the revenue split shows no clear pattern.")


def acquisition_view(acquisition: pd.DataFrame, *, currency: str = "") -> TableView:
    """:func:`acquisition_cost` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [WINDOW_LABELS.get(w, w) for w in acquisition["window"]],
            "Campaigns": acquisition["campaigns"].astype("Int64"),
            "Campaign cost": acquisition["cost"].to_numpy(float),
            "New customers": acquisition["new_customers"].astype("Int64"),
            "Cost per new customer": acquisition["cost_per_new_customer"].to_numpy(float),
            "Conversions": acquisition["conversions"].to_numpy(float),
            "Cost per conversion": acquisition["cost_per_conversion"].to_numpy(float),
        }
    )
    units = {
        "Campaigns": "count",
        "Campaign cost": currency,
        "New customers": "count",
        "Cost per new customer": currency,
        "Conversions": "count",
        "Cost per conversion": currency,
    }
    formats = {
        "Campaigns": "{:,}",
        "Campaign cost": "{:,.0f}",
        "New customers": "{:,}",
        "Cost per new customer": "{:,.0f}",
        "Conversions": "{:,.0f}",
        "Cost per conversion": "{:,.0f}",
    }
    return TableView(frame, units, formats)


def retention_record(
    *,
    churn: ChurnSummary | None = None,
    change: pd.DataFrame | None = None,
    cohorts: pd.DataFrame | None = None,
    survival: SurvivalAnalysis | None = None,
    drivers: ChurnDrivers | str | None = None,
    revenue: pd.DataFrame | None = None,
    acquisition: pd.DataFrame | None = None,
    loyalty: pd.DataFrame | None = None,
    alpha: float = 0.05,
    top_drivers: int = 3,
) -> dict[str, Any]:
    """The retention figures for results.json (``customers.retention``).

    Parameters
    ----------
    churn : ChurnSummary, optional
        :func:`churn_summary`.
    change : pandas.DataFrame, optional
        The churn KPI's row (or :func:`compare_churn`): the change and its interval.
    cohorts : pandas.DataFrame, optional
        :func:`compare_cohorts`.
    survival : SurvivalAnalysis, optional
        :func:`survival_analysis`.
    drivers : ChurnDrivers or str, optional
        :func:`fit_churn_drivers` (a reason string records nothing).
    revenue : pandas.DataFrame, optional
        :func:`revenue_by_relationship`.
    acquisition : pandas.DataFrame, optional
        :func:`acquisition_cost`.
    loyalty : pandas.DataFrame, optional
        :func:`loyalty_metrics`.
    alpha : float
        Drivers with p below it are "clear".
    top_drivers : int, default 3
        How many clear drivers to list, largest effect first.

    Returns
    -------
    dict
        JSON-able (NaN → None): ``churn_source``; ``churn_rate_annual`` {window:
        {``churn_probability``, ``ci_low``, ``ci_high``, ``retention``, ``churned``,
        ``customer_years``}}; ``churn_change`` {``change``, ``ci_low``, ``ci_high``,
        ``p_value``, ``hazard_ratio``}; ``control_churn_rate_annual`` (as the first);
        ``cohort_retention`` {``month_<k>``: {``before``, ``after``, ``change``, ``ci_low``,
        ``ci_high``, ``p_value``, ``n_before``, ``n_after``}}; ``survival`` {window:
        {``n``, ``events``, ``median_days``, ``retained_at_horizon``, ``horizon_days``},
        ``logrank_chi_square``, ``logrank_p_value``}; ``churn_drivers`` {``concordance``,
        ``n``, ``events``, ``top`` [{``driver``, ``term``, ``hazard_ratio``, ``ci_low``,
        ``ci_high``, ``p_value``, ``reading``}]}; ``revenue_by_relationship`` {window:
        {relationship: {``revenue``, ``revenue_share``, ``customers``}}};
        ``acquisition_cost`` {window: {``cost``, ``new_customers``,
        ``cost_per_new_customer``}}; ``loyalty`` {window: {``buyers``, ``repeat_rate``,
        ``purchase_interval_days``, ``spend_per_buyer``}}.
    """
    out: dict[str, Any] = {}

    def per_window(frame: pd.DataFrame) -> dict[str, Any]:
        return {
            r["window"]: {
                "churn_probability": r["churn_probability"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "retention": r["retention"],
                "churned": r["churned"],
                "customer_years": r["customer_years"],
            }
            for r in frame.to_dict("records")
        }

    if churn is not None:
        out["churn_source"] = str(churn.rates["source"].iloc[0])
        out["churn_rate_annual"] = per_window(churn.rates)
        if churn.control_rates is not None:
            out["control_churn_rate_annual"] = per_window(churn.control_rates)
    if change is not None and len(change):
        r = change.iloc[0]
        out["churn_change"] = {
            "change": r["change"],
            "ci_low": r["ci_low"],
            "ci_high": r["ci_high"],
            "p_value": r["p_value"],
            "hazard_ratio": r["effect_size"],
        }
    if cohorts is not None and len(cohorts):
        out["cohort_retention"] = {
            f"month_{int(r['period'])}": {
                k: r[k]
                for k in (
                    "before",
                    "after",
                    "change",
                    "ci_low",
                    "ci_high",
                    "p_value",
                    "n_before",
                    "n_after",
                )
            }
            for r in cohorts.to_dict("records")
        }
    if survival is not None:
        test = survival.test
        part: dict[str, Any] = {
            str(r["group"]): {
                "n": r["n"],
                "events": r["events"],
                "median_days": r["median"],
                "retained_at_horizon": r["survival_at_horizon"],
                "horizon_days": r["horizon"],
            }
            for r in survival.km.summary.to_dict("records")
        }
        if len(test):
            part["logrank_chi_square"] = test["statistic"].iloc[0]
            part["logrank_p_value"] = test["p_value"].iloc[0]
        out["survival"] = part
    if isinstance(drivers, ChurnDrivers):
        table = drivers.table
        clear = table.loc[table["p_value"] < alpha].copy()
        clear["size"] = np.abs(np.log(clear["hazard_ratio"].astype(float)))
        clear = clear.sort_values("size", ascending=False, kind="stable").head(top_drivers)
        out["churn_drivers"] = {
            "concordance": drivers.concordance,
            "n": drivers.n,
            "events": drivers.events,
            "top": [
                {
                    "driver": _driver_label(t),
                    "term": t["term"],
                    "hazard_ratio": t["hazard_ratio"],
                    "ci_low": t["ci_low"],
                    "ci_high": t["ci_high"],
                    "p_value": t["p_value"],
                    "reading": t["reading"],
                }
                for t in clear.to_dict("records")
            ],
        }
    if revenue is not None and len(revenue):
        split: dict[str, Any] = {}
        for r in revenue.to_dict("records"):
            split.setdefault(r["window"], {})[r["relationship"]] = {
                "revenue": r["revenue"],
                "revenue_share": r["revenue_share"],
                "customers": r["customers"],
            }
        out["revenue_by_relationship"] = split
    if acquisition is not None and len(acquisition):
        out["acquisition_cost"] = {
            r["window"]: {
                "cost": r["cost"],
                "new_customers": r["new_customers"],
                "cost_per_new_customer": r["cost_per_new_customer"],
            }
            for r in acquisition.to_dict("records")
        }
    if loyalty is not None and len(loyalty):
        out["loyalty"] = {
            r["window"]: {
                "buyers": r["buyers"],
                "repeat_rate": r["repeat_rate"],
                "purchase_interval_days": r["purchase_interval_days"],
                "spend_per_buyer": r["spend_per_buyer"],
            }
            for r in loyalty.to_dict("records")
        }
    return jsonable(out)
