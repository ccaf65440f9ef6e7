"""Survival (retention) analysis: the survival frame, Kaplan–Meier curves and the log-rank test.

Survival analysis uses statsmodels (``SurvfuncRight`` for Kaplan–Meier with Greenwood
standard errors, ``survdiff`` for the log-rank test), already a dependency; lifelines (the
field's other standard) requires pandas < 3 and so cannot be installed beside crmkit's
pandas. The tests check the results against published values (the Freireich 6-MP data) and
against lifelines' output.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from crmkit.data.config import Assessment
from crmkit.domains.customers.churn import _churn
from crmkit.domains.customers.inputs import (
    DAYS_PER_YEAR,
    _require,
    _window_days,
    _windows,
    day_number,
    day_numbers,
    to_dates,
)
from crmkit.domains.customers.scope import control_mask
from crmkit.stats.comparable import INACTIVITY_DAYS
from crmkit.stats.primitives import check_alpha as _check_alpha
from crmkit.stats.primitives import z_critical as _z


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
    start = day_number(assessment.before.start)
    stop = min(day_number(assessment.after.end) + 1, churn.horizon + 1)
    go_live = day_number(assessment.go_live_date)
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
            "entry_date": to_dates(entry),
            "exit_date": to_dates(exit_),
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
        opened = day_numbers(tickets["opened_at"])
        enter = np.append(day_numbers(out["entry_date"]), np.nan)[position]
        leave = np.append(day_numbers(out["exit_date"]), np.nan)[position]
        inside = (position >= 0) & (opened >= enter) & (opened < leave)
        n = len(out)
        out["tickets"] = np.bincount(position[inside], minlength=n)
        if "is_complaint" in tickets.columns:
            complaint = tickets["is_complaint"].fillna(False).to_numpy(dtype=bool)
            out["complaints"] = np.bincount(position[inside & complaint], minlength=n)
        if "first_response_at" in tickets.columns:
            hours = (day_numbers(tickets["first_response_at"]) - opened) * 24
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
    entry = np.floor(day_numbers(frame["entry_date"]))
    exit_ = np.floor(day_numbers(frame["exit_date"]))
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
                    "start_date": to_dates(start[keep]),
                    "stop_date": to_dates(stop[keep]),
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
