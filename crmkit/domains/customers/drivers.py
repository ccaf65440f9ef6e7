"""What drives churn: a Cox proportional-hazards model (statsmodels ``PHReg``, Efron ties).

Fixed covariates (numbers, booleans, labels as dummies) and time-varying ones in the
counting-process form (complaints so far, go-live, the CRM units after go-live); the results
are numbers (hazard ratios, intervals, p-values); :mod:`crmkit.words.customers` reads them.
"""

from __future__ import annotations

import datetime as dt
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import special
from statsmodels.duration.hazard_regression import PHReg

from crmkit.data.config import Assessment
from crmkit.domains.customers.concordance import concordance_index
from crmkit.domains.customers.inputs import (
    _require,
    day_number,
    day_numbers,
)
from crmkit.domains.customers.survival import _survival_arrays
from crmkit.stats.primitives import check_alpha as _check_alpha
from crmkit.stats.primitives import z_critical as _z

#: Fewer churn events than this and the churn model is not fitted.
MIN_DRIVER_EVENTS = 10

_TIME_VARYING = ("after_go_live", "crm_after_go_live")


@dataclass(frozen=True)
class DriverCaveat:
    """A caveat of the churn model (:attr:`ChurnDrivers.caveats`); subclasses name it."""

    def english(self) -> str:
        """The caveat in English (:attr:`ChurnDrivers.note` joins them)."""
        raise NotImplementedError


@dataclass(frozen=True)
class ComplaintsOverFollowUp(DriverCaveat):
    """Complaints counted over the whole follow-up (no tickets given): a biased hazard ratio."""

    def english(self) -> str:
        return (
            "complaints counted over the whole follow-up (no tickets given): customers who stay "
            "longer have more time to complain, which biases its hazard ratio downwards"
        )


@dataclass(frozen=True)
class CustomersLeftOut(DriverCaveat):
    """Customers with a missing covariate, left out of the model."""

    customers: int

    def english(self) -> str:
        return f"{self.customers} customer(s) with a missing covariate left out"


@dataclass(frozen=True)
class FirstResponseSelection(DriverCaveat):
    """Keeping only customers with tickets (first_response_hours known) selects on the outcome."""

    def english(self) -> str:
        return (
            "first_response_hours is missing for customers without tickets during their "
            "follow-up: keeping only customers with tickets selects on what happened after "
            "entry and biases the other hazard ratios"
        )


@dataclass(frozen=True)
class TermsWithoutVariation(DriverCaveat):
    """Model terms dropped because they do not vary."""

    terms: tuple[str, ...]

    def english(self) -> str:
        return f"left out for lack of variation: {', '.join(self.terms)}"


@dataclass(frozen=True)
class AliasedTerms(DriverCaveat):
    """Model terms dropped as combinations of earlier terms."""

    terms: tuple[str, ...]

    def english(self) -> str:
        return f"left out as a combination of earlier terms (aliased): {', '.join(self.terms)}"


@dataclass(frozen=True)
class NothingToEstimate(DriverCaveat):
    """No varying covariate or no churn event: the model estimates nothing."""

    def english(self) -> str:
        return "nothing to estimate: no varying covariate or no churn event"


@dataclass(frozen=True)
class FitterWarning(DriverCaveat):
    """A warning of the model fitter, its own (English) message as it gave it."""

    message: str

    def english(self) -> str:
        return f"statsmodels: {self.message}"


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
        Caveats (rows dropped, constant covariates, convergence) in English: ``caveats``
        joined by "; ".
    alpha : float, default 0.05
        The model's significance level: the intervals have level 1 − alpha, and a term with
        p below it is clear (:attr:`significant`).
    caveats : tuple of DriverCaveat
        The caveats as typed facts (:mod:`crmkit.words.customers` says them).
    """

    table: pd.DataFrame
    concordance: float
    n: int
    events: int
    intervals: int
    ties: str
    note: str | None
    alpha: float = 0.05
    caveats: tuple[DriverCaveat, ...] = ()

    @property
    def significant(self) -> np.ndarray:
        """Per term: whether its p-value is below the model's alpha (NaN: False).

        Examples
        --------
        >>> table = pd.DataFrame({"p_value": [0.01, 0.2, float("nan")]})
        >>> ChurnDrivers(table, 0.6, 10, 5, 10, "efron", None).significant.tolist()
        [True, False, False]
        """
        return (self.table["p_value"].to_numpy(dtype=float) < self.alpha).astype(bool)


class NotFittedReason(StrEnum):
    """Why the churn model was not fitted."""

    #: The assessment has no customers table.
    NO_CUSTOMERS = "no_customers"
    #: Fewer churn events than the model needs.
    FEW_EVENTS = "few_events"
    #: The data hold no characteristic of the customers to relate churn to.
    NO_COVARIATES = "no_covariates"


@dataclass(frozen=True)
class DriversNotFitted:
    """The churn model was not fitted: why, and the churn events against those needed.

    Attributes
    ----------
    reason : NotFittedReason
        Why.
    events : int
        Churn events in the data.
    min_events : int
        Churn events the model needs.
    """

    reason: NotFittedReason
    events: int = 0
    min_events: int = MIN_DRIVER_EVENTS


def _term(
    covariate: str, kind: str, *, level: str | None = None, reference: str | None = None
) -> dict[str, Any]:
    """A model term: its name (``covariate[level]`` for a label's level) and how it reads."""
    term = f"{covariate}[{level}]" if kind == "level" else covariate
    return {
        "term": term,
        "covariate": covariate,
        "level": level,
        "reference": reference,
        "kind": kind,
    }


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
            terms.append(_term(name, "binary", level="true", reference="false"))
        elif pd.api.types.is_numeric_dtype(dtype):
            columns.append(series.to_numpy(dtype=float, na_value=np.nan))
            terms.append(_term(name, "numeric"))
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
                terms.append(_term(name, "level", level=str(level), reference=str(reference)))
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
        hazard ratio), ``z``, ``p_value`` (Wald), ``kind`` ("numeric":
        per unit, "binary": with against without, "level": a label against the reference);
        plus ``concordance``, ``n``, ``events``, ``intervals``, ``ties``, ``note`` and
        ``alpha``. Rows with a missing covariate are left out (counted in ``note``).
        :func:`crmkit.words.customers.driver_readings` reads each term in words.

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
    notes: list[DriverCaveat] = []
    if "complaints" in fixed:
        notes.append(ComplaintsOverFollowUp())
    design = _fixed_design(frame, fixed)
    fixed_matrix = np.column_stack(design.columns) if design.columns else np.zeros((len(frame), 0))
    usable = ~np.isnan(fixed_matrix).any(axis=1)
    dropped = int((~usable).sum())
    if dropped:
        notes.append(CustomersLeftOut(customers=dropped))
        if "first_response_hours" in fixed:
            notes.append(FirstResponseSelection())
    rows = np.flatnonzero(usable)
    # time-varying covariates: counting-process rows
    terms = list(design.terms)
    if varying:
        entry = np.floor(day_numbers(frame["entry_date"]))[rows]
        cut_row, cut_offset, cut_var, cut_inc = [], [], [], []
        for j, name in enumerate(varying):
            if name in _TIME_VARYING:
                offset = day_number(go_live) - entry
                increment = np.ones(len(rows))
                if name == "crm_after_go_live":
                    increment = (frame["arm"].astype(str).to_numpy()[rows] == "crm").astype(float)
                cut_row.append(np.arange(len(rows)))
                cut_offset.append(offset)
                cut_inc.append(increment)
                cut_var.append(np.full(len(rows), j))
                terms.append(_term(name, "binary"))
            else:
                tickets = _require(tickets, "tickets", ("customer_id", "opened_at", "is_complaint"))
                complaint = tickets["is_complaint"].fillna(False).to_numpy(dtype=bool)
                position = pd.Index(frame["customer_id"].to_numpy()[rows]).get_indexer(
                    tickets["customer_id"].to_numpy()[complaint]
                )
                opened = day_numbers(tickets["opened_at"])[complaint]
                ok = (position >= 0) & ~np.isnan(opened)
                cut_row.append(position[ok])
                cut_offset.append(opened[ok] - entry[position[ok]])
                cut_inc.append(np.ones(int(ok.sum())))
                cut_var.append(np.full(int(ok.sum()), j))
                terms.append(_term(name, "numeric"))
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
        notes.append(TermsWithoutVariation(terms=tuple(constant)))
        exog = exog[:, varies]
        terms = [t for t, v in zip(terms, varies, strict=True) if v]
    aliased = _aliased(exog)
    if aliased.any():
        names = [t["term"] for t, a in zip(terms, aliased, strict=True) if a]
        notes.append(AliasedTerms(terms=tuple(names)))
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
        "kind",
    ]
    if not terms or events == 0:
        notes.append(NothingToEstimate())
        return ChurnDrivers(
            pd.DataFrame(columns=columns),
            math.nan,
            n,
            events,
            len(stop),
            ties,
            _english(notes),
            alpha,
            tuple(notes),
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
        notes.append(FitterWarning(message=message))
    with np.errstate(divide="ignore", invalid="ignore"):
        zscore = coef / se
    p_value = 2 * special.ndtr(-np.abs(zscore))
    z_crit = _z(alpha)
    with np.errstate(over="ignore"):
        low, high = np.exp(coef - z_crit * se), np.exp(coef + z_crit * se)
        hr = np.exp(coef)
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
            "kind": [t["kind"] for t in terms],
        }
    )
    concordance = concordance_index(stop, status, exog @ coef, entry=start)
    return ChurnDrivers(
        table, concordance, n, events, len(stop), ties, _english(notes), alpha, tuple(notes)
    )


def _english(caveats: Sequence[DriverCaveat]) -> str | None:
    """The caveats in English joined by "; ", or None when there is none."""
    return "; ".join(c.english() for c in caveats) or None


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
    go_live = day_number(assessment.go_live_date)
    spans = (np.floor(day_numbers(frame["entry_date"])) < go_live) & (
        np.floor(day_numbers(frame["exit_date"])) > go_live
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
) -> ChurnDrivers | DriversNotFitted:
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
    ChurnDrivers or DriversNotFitted
        :func:`churn_drivers` on :func:`driver_covariates`, or why it was not fitted
        (:func:`crmkit.words.customers.not_fitted_reason` says it in words).
    """
    covariates = driver_covariates(frame, assessment, tickets=tickets)
    events = int(frame["event"].sum()) if "event" in frame else 0
    if events < min_events:
        return DriversNotFitted(NotFittedReason.FEW_EVENTS, events, min_events)
    if not covariates:
        return DriversNotFitted(NotFittedReason.NO_COVARIATES, events, min_events)
    return churn_drivers(
        frame,
        covariates,
        tickets=tickets if "complaints" in covariates else None,
        go_live=assessment.go_live_date,
        alpha=assessment.stats.alpha,
    )
