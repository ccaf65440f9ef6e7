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
    (:class:`crmkit.config.Control`) are left out, found by the row's own control column (an
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
from scipy import special, stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from crmkit.config import Assessment, Control, Window
from crmkit.formats import (
    format_change_pct,
    format_money,
    format_number,
    format_p_value,
    format_percent,
    is_missing,
)
from crmkit.impact import (
    CHANGE_COLUMNS,
    compare_means,
    compare_medians,
    compare_proportions,
    compare_rates,
    wilson_interval,
)

__all__ = [
    "CHURN_SOURCES",
    "DAYS_PER_YEAR",
    "RELATIONSHIPS",
    "ChurnDrivers",
    "CustomerFindings",
    "KaplanMeierResult",
    "acquisition_cost",
    "churn_dates",
    "churn_drivers",
    "churn_rates",
    "cohort_matrix",
    "cohort_retention",
    "compare_churn",
    "compare_cohorts",
    "compare_loyalty",
    "concordance_index",
    "control_mask",
    "customer_findings",
    "kaplan_meier",
    "logrank",
    "loyalty_metrics",
    "revenue_by_relationship",
    "survival_frame",
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


def _check_alpha(alpha: float) -> None:
    if isinstance(alpha, bool) or not isinstance(alpha, int | float) or not 0 < alpha < 1:
        raise ValueError(f"alpha must be a number between 0 and 1 (exclusive), got {alpha!r}")


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


def _z(alpha: float) -> float:
    return float(-special.ndtri(alpha / 2))


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


def _is_label(labels: pd.Series, values: Iterable[str]) -> np.ndarray:
    """True where a label is one of ``values`` (ignoring case and surrounding spaces)."""
    wanted = {str(v).strip().casefold() for v in values}
    codes, uniques = pd.factorize(labels)
    hit = pd.Index(uniques).astype(str).str.strip().str.casefold().isin(wanted)
    return np.append(np.asarray(hit, dtype=bool), False)[codes]


def _lookup(keys: pd.Series, values: pd.Series, fill: Any) -> np.ndarray:
    """``values[key]`` for each key (``fill`` where missing or unknown)."""
    positions = pd.Index(values.index).get_indexer(keys.to_numpy())
    array = values.to_numpy()
    out = np.append(array, np.array([fill], dtype=array.dtype))
    return out[positions]


def _wilson(x: np.ndarray, n: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised Wilson interval (NaN where n = 0), as :func:`crmkit.impact.wilson_interval`."""
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    z = _z(alpha)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (x + z * z / 2) / (n + z * z)
        half = z * np.sqrt(x * (n - x) / n + z * z / 4) / (n + z * z)
    low = np.where(x == 0, 0.0, np.maximum(0.0, centre - half))
    high = np.where(x == n, 1.0, np.minimum(1.0, centre + half))
    bad = n == 0
    return np.where(bad, np.nan, low), np.where(bad, np.nan, high)


# --- scope: the units that got the CRM -------------------------------------------------------


def _customer_control(
    customers: pd.DataFrame | None, control: Control, orders: pd.DataFrame | None
) -> pd.Series | None:
    """Whether each customer (index customer_id) is in the control group; None if unknown."""
    if customers is not None and {"customer_id", control.column} <= set(customers.columns):
        flags = pd.Series(
            _is_label(customers[control.column], control.values),
            index=customers["customer_id"].to_numpy(),
        )
        return flags[~flags.index.duplicated()]
    if orders is not None and {"customer_id", control.column} <= set(orders.columns):
        known = orders["customer_id"].notna().to_numpy()
        flags = pd.Series(_is_label(orders[control.column], control.values)[known]).astype(float)
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
    >>> from crmkit.config import Control
    >>> surveys = pd.DataFrame({"customer_id": ["C1", "C2", "C3"]})
    >>> customers = pd.DataFrame({"customer_id": ["C1", "C2"], "region": ["West", "north"]})
    >>> control_mask(surveys, Control("region", ("west",)), customers=customers).tolist()
    [True, False, False]
    """
    if control is None:
        return np.zeros(len(frame), dtype=bool)
    if control.column in frame.columns:
        return _is_label(frame[control.column], control.values)
    if "customer_id" in frame.columns:
        flags = _customer_control(customers, control, orders)
        if flags is not None:
            return _lookup(frame["customer_id"], flags, False).astype(bool)
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
    inactivity_days: int = 180,
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


def _exposure(churn: _Churn, window: Window) -> dict[str, Any]:
    """At-risk counts, churn events and customer-years of one window."""
    start, stop = _window_days(window)
    stop = min(stop, churn.horizon + 1)
    created, gone = churn.created, churn.churn
    alive_at_start = np.isnan(gone) | (gone >= start)
    at_start = (created < start) & alive_at_start
    acquired = (created >= start) & (created < stop)
    at_risk = at_start | acquired
    entry = np.maximum(created, start)
    exit_ = np.where(np.isnan(gone), stop, np.minimum(gone, stop))
    years = np.where(at_risk, np.maximum(exit_ - entry, 0.0), 0.0).sum() / DAYS_PER_YEAR
    events = int((at_risk & (gone >= start) & (gone < stop)).sum())
    return {
        "customers_at_start": int(at_start.sum()),
        "acquired": int(acquired.sum()),
        "churned": events,
        "customer_years": float(years) if stop > start else 0.0,
        "observed_until": _dates(np.array([stop - 1]))[0],
    }


def churn_rates(
    customers: pd.DataFrame,
    assessment: Assessment,
    *,
    orders: pd.DataFrame | None = None,
    inactivity_days: int = 180,
    source: Literal["auto", "churned_date", "inactivity"] = "auto",
    scope: Scope = "crm",
    data_end: dt.date | str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Annual churn rate, churn probability and retention per assessment window.

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

        - ``window``, ``start``, ``end``; ``observed_until``: the window's last day with
          follow-up (earlier than ``end`` when the data stop sooner);
        - ``customers_at_start``: customers at risk on the first day; ``acquired``: customers
          created in the window; ``churned``: churn events in the window;
        - ``customer_years``: exposure (days at risk / 365);
        - ``churn_rate``: churned / customer_years (hazard per customer-year);
          ``rate_ci_low``, ``rate_ci_high``: exact Poisson interval;
        - ``churn_probability``: 1 − exp(−churn_rate), the annual churn probability;
          ``ci_low``, ``ci_high``: the same transform of the rate interval;
        - ``retention``: 1 − churn_probability, the annual retention;
        - ``source``: where churn came from.

    Notes
    -----
    With a constant hazard λ the probability of churning within a year is
    :math:`1 - e^{-\\lambda}`; :math:`\\hat\\lambda = d / T` with d events in T customer-years.
    Exact (Garwood) interval: :math:`[\\chi^2_{\\alpha/2}(2d)/2T,\\ \\chi^2_{1-\\alpha/2}(2d+2)/2T]`.
    Using exposure, not "churned / customers at start", counts customers acquired during the
    window for the time they were at risk, and windows of different length compare fairly.

    References
    ----------
    Garwood, F. (1936). Fiducial limits for the Poisson distribution. Biometrika 28, 437–442.
    Breslow, N. E. & Day, N. E. (1987). Statistical Methods in Cancer Research II. IARC, ch. 2.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.config import Assessment, Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> customers = pd.DataFrame({"customer_id": ["A", "B", "C"],
    ...     "created_date": pd.to_datetime(["2023-01-01", "2023-06-01", "2024-07-01"]),
    ...     "churned_date": pd.to_datetime(["2024-04-01", None, None])})
    >>> churn_rates(customers, a, data_end="2025-12-31")[["window", "churned", "customer_years"]].round(4).to_dict("list")
    {'window': ['before', 'after'], 'churned': [1, 0], 'customer_years': [1.7562, 2.0]}
    """
    _check_alpha(alpha)
    churn = _scoped_churn(
        customers,
        orders,
        assessment.control,
        scope,
        inactivity_days=inactivity_days,
        source=source,
        data_end=data_end,
    )
    rows = []
    for name, window in _windows(assessment):
        row = {"window": name, "start": pd.Timestamp(window.start), "end": pd.Timestamp(window.end)}
        row.update(_exposure(churn, window))
        rows.append(row)
    out = pd.DataFrame(rows)
    d = out["churned"].to_numpy(dtype=float)
    t = out["customer_years"].to_numpy(dtype=float)
    with np.errstate(all="ignore"):
        rate = np.where(t > 0, d / t, np.nan)
        low = np.where(d > 0, stats.chi2.ppf(alpha / 2, 2 * d) / 2, 0.0) / t
        high = stats.chi2.ppf(1 - alpha / 2, 2 * d + 2) / 2 / t
    low = np.where(t > 0, low, np.nan)
    high = np.where(t > 0, high, np.nan)
    out = out[
        [
            "window",
            "start",
            "end",
            "observed_until",
            "customers_at_start",
            "acquired",
            "churned",
            "customer_years",
        ]
    ]
    out["churn_rate"] = rate
    out["rate_ci_low"] = low
    out["rate_ci_high"] = high
    out["churn_probability"] = -np.expm1(-rate)
    out["ci_low"] = -np.expm1(-low)
    out["ci_high"] = -np.expm1(-high)
    out["retention"] = np.exp(-rate)
    out["source"] = churn.source
    return out


def compare_churn(
    customers: pd.DataFrame,
    assessment: Assessment,
    *,
    orders: pd.DataFrame | None = None,
    inactivity_days: int = 180,
    source: Literal["auto", "churned_date", "inactivity"] = "auto",
    scope: Scope = "crm",
    data_end: dt.date | str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Compare the annual churn probability before and after go-live.

    Parameters
    ----------
    customers, assessment, orders, inactivity_days, source, scope, data_end
        As :func:`churn_rates`.
    alpha : float, default 0.05
        Significance level; intervals have level 1 − alpha.

    Returns
    -------
    pandas.DataFrame
        One row with :data:`crmkit.impact.CHANGE_COLUMNS` (no verdict):

        - ``before``, ``after``: the annual churn probability 1 − exp(−rate) in each window;
          ``change`` = after − before (a fraction: −0.05 is 5 percentage points less churn);
          ``change_pct`` = after / before − 1;
        - ``ci_low``, ``ci_high``, ``change_pct_ci_low``, ``change_pct_ci_high``: delta-method
          intervals with the Poisson variance of both windows' events;
        - ``test``, ``statistic``, ``p_value``, ``check_test``, ``check_p_value``, ``mde``
          (on the probability scale): from :func:`crmkit.impact.compare_rates` on churn
          events per customer-year — the exact conditional test of equal hazards, which is
          the same hypothesis as equal probabilities;
        - ``effect_size``: the hazard (rate) ratio after / before;
        - ``n_before``, ``n_after``: churn events;
        - ``interval_method``, ``note``.

    Notes
    -----
    With :math:`p = 1 - e^{-\\lambda}` and :math:`\\hat\\lambda = d/T`,
    :math:`\\mathrm{Var}(\\hat p) \\approx e^{-2\\lambda} d / T^2`, so the change's interval is
    :math:`\\Delta \\pm z\\sqrt{V_a + V_b}` and that of :math:`\\log(p_a/p_b)` uses
    :math:`V/p^2`. Retention = 1 − churn probability, so its change is the negative of this one.

    References
    ----------
    Breslow, N. E. & Day, N. E. (1987). Statistical Methods in Cancer Research II. IARC, §3.
    Lehmann, E. L. & Romano, J. P. (2005). Testing Statistical Hypotheses, 3rd ed., §4.6.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.config import Assessment, Window
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
    rates = churn_rates(
        customers,
        assessment,
        orders=orders,
        inactivity_days=inactivity_days,
        source=source,
        scope=scope,
        data_end=data_end,
        alpha=alpha,
    )
    d_b, d_a = (int(v) for v in rates["churned"])
    t_b, t_a = (float(v) for v in rates["customer_years"])
    row = compare_rates(d_b, t_b, d_a, t_a, alpha=alpha)
    r_b = d_b / t_b if t_b > 0 else math.nan
    r_a = d_a / t_a if t_a > 0 else math.nan
    p_b, p_a = -math.expm1(-r_b), -math.expm1(-r_a)
    z = _z(alpha)
    v_b = math.exp(-2 * r_b) * d_b / t_b**2 if t_b > 0 else math.nan
    v_a = math.exp(-2 * r_a) * d_a / t_a**2 if t_a > 0 else math.nan
    change = p_a - p_b
    half = z * math.sqrt(v_a + v_b) if not math.isnan(v_a + v_b) else math.nan
    if d_b > 0 and d_a > 0:
        log_se = math.sqrt(v_a / p_a**2 + v_b / p_b**2)
        centre = math.log(p_a / p_b)
        pct = (math.expm1(centre - z * log_se), math.expm1(centre + z * log_se))
    else:
        pct = (math.nan, math.nan)
    pooled = (d_b + d_a) / (t_b + t_a) if t_b + t_a > 0 else math.nan
    out = row.copy()
    out.loc[0, "before"] = p_b
    out.loc[0, "after"] = p_a
    out.loc[0, "change"] = change
    out.loc[0, "change_pct"] = p_a / p_b - 1 if p_b > 0 else math.nan
    out.loc[0, "ci_low"] = change - half
    out.loc[0, "ci_high"] = change + half
    out.loc[0, "change_pct_ci_low"] = pct[0]
    out.loc[0, "change_pct_ci_high"] = pct[1]
    out.loc[0, "mde"] = (
        float(row["mde"].iloc[0]) * math.exp(-pooled) if pooled == pooled else math.nan
    )
    out.loc[0, "effect_size_name"] = "hazard (rate) ratio after / before"
    out.loc[0, "interval_method"] = "delta method on the annual churn probability (Poisson counts)"
    notes = [n for n in (row["note"].iloc[0], f"churn from {rates['source'].iloc[0]}") if n]
    out.loc[0, "note"] = "; ".join(notes)
    return out[list(CHANGE_COLUMNS)]


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
    >>> from crmkit.config import Assessment, Window
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
        (:func:`crmkit.impact.compare_proportions` on repeat buyers / buyers),
        "purchase_interval_days" (:func:`crmkit.impact.compare_medians` on each customer's
        median interval) and "spend_per_customer" (:func:`crmkit.impact.compare_means` on each
        buyer's spend in the window). Columns: ``kpi``, ``label``, ``unit``, ``direction``
        ("higher", "lower", "higher"), then :data:`crmkit.impact.CHANGE_COLUMNS`.

    Notes
    -----
    The unit of observation is the customer, not the order, so a few large customers who
    order often do not pass for many independent observations.

    References
    ----------
    See :func:`crmkit.impact.compare_proportions`, :func:`crmkit.impact.compare_medians`
    and :func:`crmkit.impact.compare_means`.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.config import Assessment, Window
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
            "repeat_purchase_rate",
            "Repeat-purchase rate",
            "share",
            "higher",
            compare_proportions(
                int((b["orders"] >= 2).sum()),
                len(b),
                int((a["orders"] >= 2).sum()),
                len(a),
                alpha=alpha,
            ),
        ),
        (
            "purchase_interval_days",
            "Days between purchases (median)",
            "days",
            "lower",
            compare_medians(
                b["interval_days"].dropna(), a["interval_days"].dropna(), alpha=alpha, seed=seed
            ),
        ),
        (
            "spend_per_customer",
            "Spend per buying customer",
            "currency",
            "higher",
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
    inactivity_days: int = 180,
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
    inactivity_days: int = 180,
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
        One row per period: ``period``, then :data:`crmkit.impact.CHANGE_COLUMNS` from
        :func:`crmkit.impact.compare_proportions` on (customers active in period k) /
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
    >>> from crmkit.config import Assessment, Window
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
    inactivity_days: int = 180,
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
    >>> from crmkit.config import Assessment, Window
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
    >>> from crmkit.config import Assessment, Window
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
    inactivity_days: int = 180,
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
    >>> from crmkit.config import Assessment, Window
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
