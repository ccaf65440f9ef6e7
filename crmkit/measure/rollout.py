"""A rollout (``rollout:`` of params.yaml) measured: the design its units allow, and its verdict.

The monthly revenue of each unit (:func:`rollout_panel`) is analysed with the design the
units allow (:func:`choose_design`):

- several go-live dates: staggered difference-in-differences (the imputation estimator,
  :class:`crmkit.stats.rollout.StaggeredDiD`, which never uses already-treated units as
  controls), with its event study and pre-trend test;
- one date, one to :data:`SYNTHETIC_MAX_TREATED` treated units among at least
  :data:`SYNTHETIC_MIN_DONORS` that never got the CRM: synthetic control
  (:class:`crmkit.stats.rollout.SyntheticControl`, placebos in space);
- one date otherwise: difference-in-differences (the same estimator, one cohort);
- no unit to compare with: time series only, said as such.

The monthly revenue estimate is also run at placebo go-lives before the real one
(:func:`crmkit.stats.rollout.placebo_go_lives`, windows of :data:`PLACEBO_WINDOW_MONTHS`).
:func:`rollout_analysis` returns numbers and typed statuses only (:class:`Design`,
:class:`DesignReason`, :class:`Assumption`, :class:`Claim`); the words are in
:mod:`crmkit.words.narrative.rollout`; :func:`rollout_results` is results.json's
``impact.rollout`` (:mod:`crmkit.measure.rollout_results`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment, Rollout
from crmkit.kpis.scope import row_units
from crmkit.stats.rollout import (
    Fit,
    Inference,
    PlaceboResult,
    PlaceboStatus,
    PreTrend,
    StaggeredDiD,
    SyntheticControl,
    placebo_go_lives,
    simplex_weights,
)
from crmkit.stats.rollout.imputation import Term, impute
from crmkit.stats.rollout.panel import prepare_panel

__all__ = [
    "PLACEBO_WINDOW_MONTHS",
    "SYNTHETIC_MAX_TREATED",
    "SYNTHETIC_MIN_DONORS",
    "Assumption",
    "Claim",
    "Design",
    "DesignReason",
    "RolloutAnalysis",
    "choose_design",
    "pilot_of_control",
    "rollout_analysis",
    "rollout_panel",
]

#: Synthetic control is chosen for at most this many treated units going live on one day …
SYNTHETIC_MAX_TREATED = 3
#: … among at least this many units that never got the CRM (its donors and placebos).
SYNTHETIC_MIN_DONORS = 4
#: Months before and after each placebo go-live (the real one measured alike), at most the
#: assessment's own window lengths.
PLACEBO_WINDOW_MONTHS = 6


class Design(StrEnum):
    """The comparison the rollout allows."""

    TIME_SERIES_ONLY = "time_series_only"
    DIFFERENCE_IN_DIFFERENCES = "difference_in_differences"
    STAGGERED = "staggered"
    SYNTHETIC_CONTROL = "synthetic_control"


class DesignReason(StrEnum):
    """Why that design."""

    #: Units went live on different dates.
    STAGGERED_DATES = "staggered_dates"
    #: One date; several treated units and units that never got the CRM.
    ONE_DATE = "one_date"
    #: One date; a pilot (or a few units) among several units that never got the CRM.
    PILOT = "pilot"
    #: Every unit went live on the same day: nothing to compare with.
    NO_COMPARISON = "no_comparison"
    #: The orders cannot be tied to the rollout's units (or there are none).
    NO_UNIT_DATA = "no_unit_data"


class Assumption(StrEnum):
    """What the design's estimate rests on."""

    #: Without the CRM, treated and other units would have moved in parallel, and nobody
    #: changed behaviour before their own go-live (no anticipation).
    PARALLEL_TRENDS = "parallel_trends"
    #: A weighted mix of untreated units tracks the pilot closely before go-live.
    PRE_PERIOD_FIT = "pre_period_fit"
    #: Nothing but the CRM changed at go-live (no comparison group checks it).
    NOTHING_ELSE_CHANGED = "nothing_else_changed"


class Claim(StrEnum):
    """Whether the overall effect on monthly revenue can be claimed, and if not, why."""

    CLAIMED = "claimed"
    #: The interval includes no change.
    NOT_DETECTED = "not_detected"
    #: The units before go-live did not move in parallel (pre-trend test failed).
    PRE_TREND_FAILED = "pre_trend_failed"
    #: The synthetic twin does not track the pilot before go-live.
    POOR_FIT = "poor_fit"
    #: So few units that no interval or p-value can reach the significance level.
    TOO_FEW_UNITS = "too_few_units"
    #: The data bound the effect on neither or one side only.
    NO_INTERVAL = "no_interval"
    #: Fake go-live dates before the real one give effects as large.
    PLACEBO_INSIDE = "placebo_inside"
    #: No effect could be estimated (no comparison, or no usable month).
    NO_ESTIMATE = "no_estimate"


_ASSUMPTION = {
    Design.STAGGERED: Assumption.PARALLEL_TRENDS,
    Design.DIFFERENCE_IN_DIFFERENCES: Assumption.PARALLEL_TRENDS,
    Design.SYNTHETIC_CONTROL: Assumption.PRE_PERIOD_FIT,
    Design.TIME_SERIES_ONLY: Assumption.NOTHING_ELSE_CHANGED,
}

#: Columns of :attr:`RolloutAnalysis.event_study`.
EVENT_STUDY_COLUMNS = ("months", "kind", "estimate_pct", "ci_low_pct", "ci_high_pct")


@dataclass(frozen=True)
class Effect:
    """The overall effect on monthly revenue (currency per unit-month and a fraction)."""

    estimate: float
    estimate_pct: float
    ci_low_pct: float
    ci_high_pct: float
    p_value: float
    inference: Inference


@dataclass(frozen=True)
class RolloutAnalysis:
    """The rollout's design and what it shows (:func:`rollout_analysis`).

    Attributes
    ----------
    design, reason, assumption : Design, DesignReason, Assumption
    column : str
        The column that names the units.
    go_live : dict
        Treated unit → first treated month (month-start Timestamp).
    never_treated : tuple of str
    panel : DataFrame
        unit, month (month start), revenue: the monthly revenue of each unit.
    overall : Effect or None
    cohorts : DataFrame
        go_live, units (tuple), estimate, estimate_pct, ci_low_pct, ci_high_pct.
    event_study : DataFrame
        :data:`EVENT_STUDY_COLUMNS`: months since each unit's go-live; ``kind`` "lead" for
        the pre-trend check (months < 0), "horizon" after.
    pre_trend_p : float
    pre_trend : PreTrend
    synthetic : dict or None
        The synthetic control's summary row, with ``weights`` (Series), ``path`` and
        ``placebo_gaps`` (frames of :class:`SyntheticControl`).
    placebo : PlaceboResult or None
        The windowed estimate at fake go-lives (effects as fractions).
    claim : Claim
    """

    design: Design
    reason: DesignReason
    assumption: Assumption
    column: str
    go_live: dict[str, pd.Timestamp]
    never_treated: tuple[str, ...]
    panel: pd.DataFrame
    overall: Effect | None
    cohorts: pd.DataFrame
    event_study: pd.DataFrame
    pre_trend_p: float
    pre_trend: PreTrend
    synthetic: dict[str, Any] | None
    placebo: PlaceboResult | None
    claim: Claim

    @property
    def treated(self) -> tuple[str, ...]:
        """The units that got the CRM, by go-live then name."""
        return tuple(sorted(self.go_live, key=lambda unit: (self.go_live[unit], unit)))


def _month(value: Any) -> pd.Timestamp:
    return pd.Timestamp(value).to_period("M").to_timestamp()


def rollout_panel(tables: Mapping[str, pd.DataFrame], column: str) -> pd.DataFrame:
    """The monthly revenue of each unit of ``column``: one row per unit and month.

    Orders are tied to units by :func:`crmkit.kpis.scope.row_units` (their own column, else
    their customer's); orders without a unit are left out. The months run from the first to
    the last month with orders, less a first or last month the orders cover only in part
    (the first order after its 1st day, the last before its final day); a unit-month without
    orders is 0.

    Returns
    -------
    DataFrame
        unit (str), month (month-start Timestamp), revenue (float), sorted by unit, month;
        empty when no order can be tied to a unit.
    """
    orders = tables.get("orders")
    empty = pd.DataFrame({"unit": [], "month": pd.to_datetime([]), "revenue": []})
    if orders is None or not {"order_date", "amount"} <= set(orders.columns) or orders.empty:
        return empty
    units = row_units(orders, tables, column)
    dates = pd.to_datetime(orders["order_date"])
    keep = (units.notna() & dates.notna()).to_numpy()
    if not keep.any():
        return empty
    first, last = dates[keep].min(), dates[keep].max()
    start = _month(first) if first.day == 1 else _month(first) + pd.offsets.MonthBegin(1)
    stop = _month(last) if last.is_month_end else _month(last) - pd.offsets.MonthBegin(1)
    work = pd.DataFrame(
        {
            "unit": units[keep].to_numpy(),
            "month": dates[keep].dt.to_period("M").dt.to_timestamp().to_numpy(),
            "revenue": pd.to_numeric(orders["amount"][keep]).to_numpy(dtype=float),
        }
    )
    totals = work.groupby(["unit", "month"])["revenue"].sum()
    grid = pd.MultiIndex.from_product(
        [sorted(work["unit"].unique()), pd.date_range(start, stop, freq="MS")],
        names=["unit", "month"],
    )
    return totals.reindex(grid, fill_value=0.0).reset_index()


def choose_design(
    treated_dates: Mapping[str, Any], never_treated: Any
) -> tuple[Design, DesignReason]:
    """The design a rollout's units allow, and why (see the module docstring).

    Examples
    --------
    >>> choose_design({"North": "2025-01", "South": "2025-07"}, ["West"])
    (<Design.STAGGERED: 'staggered'>, <DesignReason.STAGGERED_DATES: 'staggered_dates'>)
    >>> choose_design({"B01": "2025-01"}, [f"B{i:02d}" for i in range(2, 13)])[0]
    <Design.SYNTHETIC_CONTROL: 'synthetic_control'>
    >>> choose_design({"North": "2025-01", "South": "2025-01"}, ["West"])[0]
    <Design.DIFFERENCE_IN_DIFFERENCES: 'difference_in_differences'>
    >>> choose_design({"North": "2025-01"}, [])[1]
    <DesignReason.NO_COMPARISON: 'no_comparison'>
    """
    n_dates, n_never = len(set(treated_dates.values())), len(list(never_treated))
    if not treated_dates:
        return Design.TIME_SERIES_ONLY, DesignReason.NO_UNIT_DATA
    if n_dates >= 2:
        return Design.STAGGERED, DesignReason.STAGGERED_DATES
    if n_never == 0:
        return Design.TIME_SERIES_ONLY, DesignReason.NO_COMPARISON
    if len(treated_dates) <= SYNTHETIC_MAX_TREATED and n_never >= SYNTHETIC_MIN_DONORS:
        return Design.SYNTHETIC_CONTROL, DesignReason.PILOT
    return Design.DIFFERENCE_IN_DIFFERENCES, DesignReason.ONE_DATE


def _claim(
    design: Design,
    overall: Effect | None,
    pre_trend: PreTrend,
    fit: Fit | None,
    placebo: PlaceboResult | None,
) -> Claim:
    """The overall verdict: guards first, then the interval, then the placebo go-lives."""
    if overall is None or not math.isfinite(overall.estimate_pct):
        return Claim.NO_ESTIMATE
    if pre_trend is PreTrend.FAILED:
        return Claim.PRE_TREND_FAILED
    if fit is Fit.POOR:
        return Claim.POOR_FIT
    if overall.inference is Inference.TOO_FEW_UNITS:
        return Claim.TOO_FEW_UNITS
    low, high = overall.ci_low_pct, overall.ci_high_pct
    if overall.inference is not Inference.OK or not (math.isfinite(low) and math.isfinite(high)):
        return Claim.NO_INTERVAL
    if low <= 0 <= high:
        return Claim.NOT_DETECTED
    if (
        placebo is not None
        and placebo.n
        and placebo.status is PlaceboStatus.OK
        and not placebo.outside
    ):
        return Claim.PLACEBO_INSIDE
    return Claim.CLAIMED


def _staggered(
    panel: pd.DataFrame, go_live: dict[str, pd.Timestamp], alpha: float, seed: int
) -> tuple[Effect | None, pd.DataFrame, pd.DataFrame, float, PreTrend]:
    fit = StaggeredDiD(alpha=alpha, leads=6, seed=seed).fit(
        panel, go_live, period="month", outcome="revenue"
    )
    summary = fit.summary()
    row = summary.loc[summary["term"] == "overall"].iloc[0]
    overall = Effect(
        float(row["estimate"]),
        float(row["estimate_pct"]),
        float(row["ci_low_pct"]),
        float(row["ci_high_pct"]),
        float(row["p_value"]),
        Inference(row["inference"]),
    )
    rows = summary.loc[summary["term"] == "cohort"]
    cohorts = pd.DataFrame(
        {
            "go_live": pd.to_datetime(rows["cohort"].to_numpy()),
            "units": [
                tuple(sorted(u for u, g in go_live.items() if g == pd.Timestamp(c)))
                for c in rows["cohort"]
            ],
            "estimate": rows["estimate"].to_numpy(float),
            "estimate_pct": rows["estimate_pct"].to_numpy(float),
            "ci_low_pct": rows["ci_low_pct"].to_numpy(float),
            "ci_high_pct": rows["ci_high_pct"].to_numpy(float),
        }
    )
    study = fit.event_study().rename(columns={"event_time": "months"})
    study["kind"] = study["kind"].astype(str)
    p = float(fit.pre_trend_.p_value)
    return overall, cohorts, study[list(EVENT_STUDY_COLUMNS)], p, fit.pre_trend_status_


def _synthetic(
    panel: pd.DataFrame, go_live: dict[str, pd.Timestamp], alpha: float
) -> tuple[Effect, pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    first = min(go_live.values())
    fit = SyntheticControl(alpha=alpha).fit(
        panel, sorted(go_live), first, period="month", outcome="revenue"
    )
    row = fit.summary().iloc[0]
    overall = Effect(
        float(row["effect"]),
        float(row["effect_pct"]),
        float(row["ci_low_pct"]),
        float(row["ci_high_pct"]),
        float(row["p_value"]),
        Inference(row["inference"]),
    )
    cohorts = pd.DataFrame(
        {
            "go_live": [first],
            "units": [tuple(sorted(go_live))],
            "estimate": [overall.estimate],
            "estimate_pct": [overall.estimate_pct],
            "ci_low_pct": [overall.ci_low_pct],
            "ci_high_pct": [overall.ci_high_pct],
        }
    )
    path = fit.path_
    months = (path["period"].dt.year - first.year) * 12 + (path["period"].dt.month - first.month)
    ratio = path["gap"] / path["synthetic"].where(path["synthetic"] != 0)
    study = pd.DataFrame(
        {
            "months": months.to_numpy(int),
            "kind": np.where(path["post"], "horizon", "lead"),
            "estimate_pct": ratio.to_numpy(float),
            "ci_low_pct": np.nan,
            "ci_high_pct": np.nan,
        }
    )
    details = {
        **row.to_dict(),
        "weights": fit.weights_,
        "path": path,
        "placebo_gaps": fit.placebo_gaps_,
    }
    return overall, cohorts, study, details


def _windowed_effect(
    panel: pd.DataFrame,
    go_live: dict[str, pd.Timestamp],
    design: Design,
    date: pd.Period,
    before: int,
    after: int,
) -> float:
    """The relative effect of a go-live moved to ``date`` (every unit by the same shift),
    measured on ``before`` months before and ``after`` months from it (NaN if it cannot)."""
    first = pd.Period(min(go_live.values()), freq="M")
    shift = (first - date).n
    start, stop = (date - before).to_timestamp(), (date + after).to_timestamp()
    window = panel.loc[(panel["month"] >= start) & (panel["month"] < stop)]
    moved = {unit: (pd.Period(g, freq="M") - shift).to_timestamp() for unit, g in go_live.items()}
    try:
        if design is Design.SYNTHETIC_CONTROL:
            wide = window.pivot_table(index="month", columns="unit", values="revenue")
            post = np.asarray(wide.index >= date.to_timestamp())
            target = wide[sorted(go_live)].mean(axis=1).to_numpy()
            donors = wide[[u for u in wide.columns if u not in go_live]].to_numpy()
            weights = simplex_weights(donors[~post], target[~post])
            synthetic = donors[post] @ weights
            return float((target[post] - synthetic).mean() / synthetic.mean())
        imputation = impute(
            prepare_panel(window, moved, unit="unit", period="month", outcome="revenue")
        )
        estimate, level = imputation.estimates([Term("overall")])[0]
        return float(estimate / level) if level else math.nan
    except (ValueError, ZeroDivisionError, KeyError, IndexError):
        return math.nan


def _placebos(
    panel: pd.DataFrame,
    go_live: dict[str, pd.Timestamp],
    design: Design,
    assessment: Assessment,
) -> PlaceboResult:
    before = max(1, min(PLACEBO_WINDOW_MONTHS, _window_months(assessment.before)))
    after = max(1, min(PLACEBO_WINDOW_MONTHS, _window_months(assessment.after)))
    return placebo_go_lives(
        lambda date, b, a: _windowed_effect(panel, go_live, design, date, b, a),
        first_month=panel["month"].min(),
        last_month=panel["month"].max(),
        go_live=min(go_live.values()),
        before_months=before,
        after_months=after,
        alpha=assessment.stats.alpha,
    )


def _window_months(window: Any) -> int:
    return int(round((window.end - window.start).days / 30.44))


def pilot_of_control(tables: Mapping[str, pd.DataFrame], assessment: Assessment) -> Rollout | None:
    """A pilot that params.yaml describes through its control group, as a rollout.

    A control group that leaves one to :data:`SYNTHETIC_MAX_TREATED` units with the CRM
    against at least :data:`SYNTHETIC_MIN_DONORS` without it (one pilot branch among
    twelve) is the synthetic control's case, whether or not ``rollout`` names it: the units
    outside ``control.values`` went live on ``go_live_date``. Other control groups (several
    units on each side) are compared by the difference-in-differences of
    :func:`crmkit.measure.control_comparison`; None then, and without a control group.

    Examples
    --------
    >>> from crmkit.data.config import parse_params
    >>> a = parse_params({"client": "A", "go_live_date": "2025-01-01",
    ...                   "control": {"column": "region", "values": ["B2", "B3", "B4", "B5"]}})
    >>> orders = pd.DataFrame({"region": ["B1", "B2", "B3", "B4", "B5"]})
    >>> pilot_of_control({"orders": orders}, a).go_live
    (('B1', datetime.date(2025, 1, 1)),)
    """
    control = assessment.control
    if control is None or assessment.rollout is not None:
        return None
    units: set[str] = set()
    for name in ("orders", "customers"):
        frame = tables.get(name)
        if frame is not None and not frame.empty:
            labels = row_units(frame, tables, control.column).dropna().astype(str)
            units |= set(labels.str.strip()) - {""}
    wanted = {value.strip().casefold() for value in control.values}
    treated = sorted(u for u in units if u.casefold() not in wanted)
    donors = [u for u in units if u.casefold() in wanted]
    if not (1 <= len(treated) <= SYNTHETIC_MAX_TREATED and len(donors) >= SYNTHETIC_MIN_DONORS):
        return None
    return Rollout(control.column, tuple((u, assessment.go_live_date) for u in treated))


def rollout_analysis(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> RolloutAnalysis | None:
    """The rollout of ``assessment`` measured on monthly revenue; None without a rollout
    (or a pilot named by the control group, see :func:`pilot_of_control`).

    Go-live months are the months holding each unit's go-live day (a unit is treated from
    that month on; its earlier months are untreated, never "after"). Units of the panel not
    listed in the rollout never got the CRM. See the module docstring for the designs.
    """
    rollout = assessment.rollout or pilot_of_control(tables, assessment)
    if rollout is None:
        return None
    panel = rollout_panel(tables, rollout.column)
    present = {str(u).casefold(): str(u) for u in panel["unit"].unique()}
    months = panel["month"]
    go_live = {}
    for unit, day in rollout.go_live:
        name, month = present.get(unit.strip().casefold()), _month(day)
        if name is not None and months.min() < month <= months.max():
            go_live[name] = month
    never = tuple(sorted(u for u in present.values() if u not in go_live))
    design, reason = choose_design(go_live, never)
    overall, synthetic, placebo = None, None, None
    cohorts = pd.DataFrame(
        columns=["go_live", "units", "estimate", "estimate_pct", "ci_low_pct", "ci_high_pct"]
    )
    study = pd.DataFrame(columns=list(EVENT_STUDY_COLUMNS))
    pre_p, pre_trend = math.nan, PreTrend.NOT_TESTABLE
    alpha, seed = assessment.stats.alpha, assessment.stats.seed
    if design is Design.SYNTHETIC_CONTROL:
        overall, cohorts, study, synthetic = _synthetic(panel, go_live, alpha)
    elif design is not Design.TIME_SERIES_ONLY:
        overall, cohorts, study, pre_p, pre_trend = _staggered(panel, go_live, alpha, seed)
    if design is not Design.TIME_SERIES_ONLY:
        placebo = _placebos(panel, go_live, design, assessment)
    fit = Fit(synthetic["fit"]) if synthetic is not None else None
    return RolloutAnalysis(
        design=design,
        reason=reason,
        assumption=_ASSUMPTION[design],
        column=rollout.column,
        go_live=go_live,
        never_treated=never,
        panel=panel,
        overall=overall,
        cohorts=cohorts,
        event_study=study,
        pre_trend_p=pre_p,
        pre_trend=pre_trend,
        synthetic=synthetic,
        placebo=placebo,
        claim=_claim(design, overall, pre_trend, fit, placebo),
    )
