"""Placebo go-lives for every KPI verdict: the same before/after effect at fake go-live months.

A before/after change that any go-live date would show (one cohort of customers ageing, the
survivors of a churn count) is not the CRM's. :func:`kpi_placebos` measures each KPI's
relative change — the row's ``change_pct``, from the KPI's own definition — at fake go-live
months before the real one, with the assessment's own window lengths (both windows moved by
whole months), every placebo's after window ending before the real go-live month
(:func:`crmkit.stats.rollout.placebo_go_lives`). Only the point effect is computed per date:
no test, no bootstrap.

How each KPI is moved (cost)
----------------------------
- ``series`` KPIs (revenue per month, new customers per month, active user rate) and the
  per-rep-month KPIs: their monthly totals are observed **once** over the whole history and
  the windows slide over them (:attr:`PlaceboMethod.SLIDING`); every admissible date is used.
- every other KPI (means, medians, proportions and rates observed per window; the KPIs a
  domain measures, such as annual churn and average CLV, which follow customers across both
  windows): their observations cannot be summed month by month, so they are observed again
  in each moved window (:attr:`PlaceboMethod.SHIFTED`). To keep the check cheap only
  :func:`crmkit.stats.rollout.minimum_placebos` dates (plus :data:`SPARE_DATES`), evenly
  spread over the admissible ones, are used; where one cannot be computed (a window without
  the KPI's data), the latest unused dates stand in. Each date costs about what the KPI's own
  measurement costs (its observations twice, or its domain's comparison).

The p-value is two-sided on the size of the change (:func:`placebo_go_lives`): a fall is
ranked against placebo rises as large.

Only claimed changes (improved, worsened) are checked: a change that is not claimed has
nothing to calibrate, and the check's cost is spent where it can change a verdict.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data.config import Assessment, Window
from crmkit.data.schemas import TABLES
from crmkit.data.verdicts import CLAIMED, Status
from crmkit.domains import customers, survey
from crmkit.kpis.monthly import MonthlyTotal, PerRepMonth
from crmkit.kpis.scope import rows_in_window
from crmkit.kpis.windows import month_starts, window_months, window_months_length
from crmkit.measure.domain_kpis import DOMAIN_MEASURES
from crmkit.stats import impact
from crmkit.stats.rollout import PlaceboResult, minimum_placebos, placebo_go_lives

__all__ = [
    "PLACEBO_COLUMNS",
    "SHARED_COMPARISONS",
    "SPARE_DATES",
    "SharedWork",
    "KpiPlacebo",
    "KpiPlaceboStatus",
    "PlaceboMethod",
    "kpi_placebo",
    "kpi_placebos",
    "checked_placebos",
    "first_data_month",
    "history_assessment",
    "placebo_check",
    "moved_assessment",
    "placebo_block",
    "placebo_columns",
    "placebo_method",
]

#: Dates beyond the minimum used for the KPIs observed again per date (a date may fail).
SPARE_DATES = 2

#: The columns :func:`crmkit.measure.measure_kpis` adds from :class:`KpiPlacebo`.
PLACEBO_COLUMNS = (
    "placebo_n",
    "placebo_p_value",
    "placebo_outside",
    "placebo_status",
    "placebo_history_months",
    "placebo_needed_months",
    "placebo_go_lives",
    "placebo_effects_pct",
)


class KpiPlaceboStatus(StrEnum):
    """Whether placebo go-lives calibrated a KPI's verdict, and if not, why."""

    #: Enough placebo dates: the verdict stands only if the effect lies outside them.
    OK = "ok"
    #: Fewer placebo dates fit in the history before the windows than the minimum.
    HISTORY_TOO_SHORT = "history_too_short"
    #: No change is claimed (no detectable change, insufficient data, not measured).
    NOT_CLAIMED = "not_claimed"
    #: The claimed change has no relative effect to compare (its base is zero or missing).
    NO_EFFECT = "no_effect"


class PlaceboMethod(StrEnum):
    """How the KPI is measured at a fake go-live (see the module docstring)."""

    SLIDING = "sliding"
    SHIFTED = "shifted"


@dataclass(frozen=True)
class KpiPlacebo:
    """One KPI's placebo check.

    Attributes
    ----------
    kpi : str
    status : KpiPlaceboStatus
    result : PlaceboResult or None
        The placebo distribution (effects as fractions); None when nothing was run.
    history_months : int
        Months of data before the real go-live month.
    needed_months : int
        Months of history the check needs: the minimum number of placebo dates plus the
        before and after window lengths, less one.
    """

    kpi: str
    status: KpiPlaceboStatus
    result: PlaceboResult | None
    history_months: int
    needed_months: int

    @property
    def outside(self) -> bool:
        """True when the check ran and the real effect lies outside the placebos."""
        return self.status is KpiPlaceboStatus.OK and bool(self.result and self.result.outside)

    @property
    def withholds(self) -> bool:
        """True when the check ran and the real effect lies inside the placebos."""
        return self.status is KpiPlaceboStatus.OK and not self.outside


def _month(value: Any) -> pd.Period:
    return pd.Period(pd.Timestamp(value), freq="M")


def _shift_day(day: Any, months: int) -> pd.Timestamp:
    return pd.Timestamp(day) + pd.DateOffset(months=months)


def _moved_window(window: Window, months: int) -> Window:
    """``window`` moved by whole months (its last day as the day before its moved end)."""
    start = _shift_day(window.start, months)
    end = _shift_day(pd.Timestamp(window.end) + pd.Timedelta(days=1), months)
    return Window(start.date(), (end - pd.Timedelta(days=1)).date())


def moved_assessment(assessment: Assessment, months: int) -> Assessment:
    """The assessment with its go-live and both windows moved by ``months`` (negative: earlier).

    Examples
    --------
    >>> from crmkit.data.config import parse_params
    >>> a = parse_params({"client": "A", "go_live_date": "2025-01-01"})
    >>> moved = moved_assessment(a, -13)
    >>> str(moved.before), str(moved.after), moved.go_live_date.isoformat()
    ('2022-12-01 to 2023-11-30', '2023-12-01 to 2024-11-30', '2023-12-01')
    """
    return dataclasses.replace(
        assessment,
        go_live_date=_shift_day(assessment.go_live_date, months).date(),
        before=_moved_window(assessment.before, months),
        after=_moved_window(assessment.after, months),
    )


#: KPIs a domain measures all in one call, both windows at once (the calls of
#: :data:`crmkit.measure.domain_kpis.DOMAIN_MEASURES`): at a fake date one call serves them all.
#: Name → (the table it reads, the domain function).
SHARED_COMPARISONS: dict[str, tuple[str, Callable[..., pd.DataFrame]]] = {
    **{
        name: ("orders", customers.compare_loyalty)
        for name in ("repeat_purchase_rate", "purchase_interval_days", "spend_per_customer")
    },
    **{name: ("surveys", survey.survey_changes) for name in ("nps", "csat_top2_share", "ces")},
}


class SharedWork:
    """What the placebo checks of one run measure more than once, kept for the others.

    A domain comparison at a moved assessment (:data:`SHARED_COMPARISONS`: the loyalty KPIs
    share one per date), and a KPI's observations in a window (two KPIs, or two dates whose
    windows meet, observe the same window once). Every value is the very call it replaces,
    so the results do not change.
    """

    def __init__(self) -> None:
        self._comparisons: dict[tuple[int, int], pd.DataFrame] = {}
        self._observations: dict[tuple[int, Window, Any], Any] = {}

    def comparison(
        self,
        name: str,
        tables: Mapping[str, pd.DataFrame],
        moved: Assessment,
        shift: int,
        *,
        alpha: float,
        seed: int,
    ) -> pd.DataFrame:
        """The one-row comparison of a KPI of :data:`SHARED_COMPARISONS` at ``moved``."""
        table, rows_of = SHARED_COMPARISONS[name]
        key = (id(rows_of), shift)
        if key not in self._comparisons:
            self._comparisons[key] = rows_of(
                tables[table], moved, customers=tables.get("customers"), alpha=alpha, seed=seed
            )
        rows = self._comparisons[key]
        return rows.loc[rows["kpi"] == name, list(impact.CHANGE_COLUMNS)].reset_index(drop=True)

    def observed(
        self, kpi: kpis.KPI, tables: Mapping[str, pd.DataFrame], window: Window, exclude: Any
    ) -> Any:
        """``kpi.observe(tables, window, exclude=exclude)``, once per observer and window."""
        key = (id(kpi.observe), window, exclude)
        if key not in self._observations:
            self._observations[key] = kpi.observe(tables, window, exclude=exclude)
        return self._observations[key]


#: Tables a domain reads besides the KPI's own (churn follows customers through their orders).
_DOMAIN_TABLES = {"customers": ("orders",), "clv": ("orders",)}


def _first_month(kpi: kpis.KPI, tables: Mapping[str, pd.DataFrame]) -> pd.Period | None:
    """The first month every table of the KPI covers (the latest of their first dates)."""
    firsts = []
    for name in (*kpi.tables, *_DOMAIN_TABLES.get(kpi.measured_by or "", ())):
        schema, frame = TABLES.get(name), tables.get(name)
        if schema is None or schema.date_column is None or frame is None:
            continue
        if schema.date_column not in frame:
            continue
        dates = pd.to_datetime(frame[schema.date_column], errors="coerce").dropna()
        if not dates.empty:
            firsts.append(_month(dates.min()))
    return max(firsts) if firsts else None


def placebo_method(kpi: kpis.KPI) -> PlaceboMethod:
    """SLIDING for KPIs whose monthly totals slide, SHIFTED for those observed again.

    >>> placebo_method(kpis.get_kpi("revenue_monthly")), placebo_method(kpis.get_kpi("win_rate"))
    (<PlaceboMethod.SLIDING: 'sliding'>, <PlaceboMethod.SHIFTED: 'shifted'>)
    """
    if kpi.kind == "series" or isinstance(kpi.observe, PerRepMonth):
        return PlaceboMethod.SLIDING
    return PlaceboMethod.SHIFTED


def _relative(before: float, after: float) -> float:
    if not (np.isfinite(before) and np.isfinite(after)) or before <= 0:
        return math.nan
    return after / before - 1.0


def _sliding_estimator(
    kpi: kpis.KPI, tables: Mapping[str, pd.DataFrame], assessment: Assessment, span: Window
) -> Callable[[Assessment], float]:
    """Monthly totals observed once over ``span``; each moved window's value from them."""
    exclude = assessment.control
    if isinstance(kpi.observe, PerRepMonth):
        total: MonthlyTotal = kpi.observe.total
        rows = rows_in_window(tables, total.table, total.date_column, span, exclude=exclude)
        rows = rows.loc[rows["rep_id"].notna()]
        per_rep = (
            pd.DataFrame(
                {
                    "rep": rows["rep_id"].to_numpy(),
                    "month": month_starts(rows[total.date_column]),
                    "value": total.values(rows).to_numpy(),
                }
            )
            .groupby(["rep", "month"])["value"]
            .sum()
        )

        def value(window: Window) -> float:
            months = per_rep.index.get_level_values("month")
            inside = per_rep[months.isin(window_months(window))]
            if inside.empty:
                return math.nan
            return float((inside.groupby(level="rep").sum() / window_months_length(window)).mean())

    else:
        monthly = kpi.observe(tables, span, exclude=exclude)

        def value(window: Window) -> float:
            inside = monthly.reindex(window_months(window)).dropna()
            return float(inside.mean()) if len(inside) else math.nan

    return lambda moved: _relative(value(moved.before), value(moved.after))


def _shifted_estimator(
    kpi: kpis.KPI,
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    shared: SharedWork,
) -> Callable[[Assessment], float]:
    """The KPI measured again in each moved window (its domain's measure, or observe)."""
    stats = assessment.stats
    real = _month(assessment.go_live_date)
    if kpi.name in SHARED_COMPARISONS:

        def shared_effect(moved: Assessment) -> float:
            shift = (_month(moved.go_live_date) - real).n
            row = shared.comparison(
                kpi.name, tables, moved, shift, alpha=stats.alpha, seed=stats.seed
            ).iloc[0]
            return _relative(float(row["before"]), float(row["after"]))

        return shared_effect
    if kpi.measured_by is not None:
        compare = DOMAIN_MEASURES[kpi.name]

        def domain_effect(moved: Assessment) -> float:
            row = compare(tables, moved, alpha=stats.alpha, seed=stats.seed).iloc[0]
            return _relative(float(row["before"]), float(row["after"]))

        return domain_effect

    def observed_effect(moved: Assessment) -> float:
        values = [
            kpis.kpi_value(kpi, shared.observed(kpi, tables, window, moved.control))
            for window in (moved.before, moved.after)
        ]
        return _relative(*values)

    return observed_effect


def _thinned_effects(
    dates: list[pd.Period], at: Callable[[pd.Period], float], wanted: int
) -> dict[pd.Period, float]:
    """Effects at ``wanted`` dates spread evenly over ``dates``; where one cannot be computed
    (a window without the KPI's data), the latest dates not yet used stand in for it."""
    effects = {dates[i]: at(dates[i]) for i in sorted(_spread(len(dates), wanted))}
    spare = [d for d in reversed(dates) if d not in effects]
    while sum(np.isfinite(v) for v in effects.values()) < wanted and spare:
        date = spare.pop(0)
        effects[date] = at(date)
    return effects


def _spread(count: int, wanted: int) -> set[int]:
    """``wanted`` indices spread evenly over ``range(count)``, the last always included."""
    if wanted >= count:
        return set(range(count))
    return {int(round(i)) for i in np.linspace(0, count - 1, wanted)}


def _window_lengths(assessment: Assessment) -> tuple[int, int]:
    """Months from the before window's first month to go-live, and from go-live to the end."""
    real = _month(assessment.go_live_date)
    before_months = max(1, (real - _month(assessment.before.start)).n)
    after_months = max(1, (_month(assessment.after.end) - real).n + 1)
    return before_months, after_months


def _history(
    kpi: kpis.KPI, tables: Mapping[str, pd.DataFrame], assessment: Assessment, needed: int
) -> tuple[pd.Period | None, int, int]:
    """The KPI's first month, its months of history before go-live, and the months needed."""
    before_months, after_months = _window_lengths(assessment)
    first = _first_month(kpi, tables)
    real = _month(assessment.go_live_date)
    history = 0 if first is None else max(0, (real - first).n)
    return first, history, needed + before_months + after_months - 1


def kpi_placebo(
    kpi: kpis.KPI,
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    *,
    real_effect: float,
    min_placebos: int | None = None,
    shared: SharedWork | None = None,
) -> KpiPlacebo:
    """One KPI's relative change at fake go-lives, and the real one's place among them.

    Parameters
    ----------
    kpi : KPI
    tables : mapping of str to DataFrame
    assessment : Assessment
        Its windows give the window lengths; its go-live the real date.
    real_effect : float
        The KPI's relative change as its result row reports it (a fraction).
    min_placebos : int, optional
        Fewer placebo dates give :attr:`KpiPlaceboStatus.HISTORY_TOO_SHORT`; default
        :func:`crmkit.stats.rollout.minimum_placebos` (19 at alpha = 0.05).
    shared : SharedWork, optional
        Work kept across the KPIs of one run (:func:`kpi_placebos` passes one); default a
        new one.

    Returns
    -------
    KpiPlacebo
    """
    first = _first_month(kpi, tables)
    shared = SharedWork() if shared is None else shared
    if placebo_method(kpi) is PlaceboMethod.SLIDING:

        def sliding() -> Callable[[Assessment], float]:
            span = Window(first.to_timestamp().date(), assessment.after.end)  # type: ignore[union-attr]
            return _sliding_estimator(kpi, tables, assessment, span)

        return placebo_check(
            kpi.name, sliding, assessment, first=first, real_effect=real_effect,
            min_placebos=min_placebos,
        )  # fmt: skip
    needed = minimum_placebos(assessment.stats.alpha) if min_placebos is None else min_placebos
    return placebo_check(
        kpi.name,
        lambda: _shifted_estimator(kpi, tables, assessment, shared),
        assessment,
        first=first,
        real_effect=real_effect,
        min_placebos=min_placebos,
        dates_wanted=needed + SPARE_DATES,
    )


def placebo_check(
    name: str,
    make_estimator: Callable[[], Callable[[Assessment], float]],
    assessment: Assessment,
    *,
    first: pd.Period | None,
    real_effect: float,
    min_placebos: int | None = None,
    dates_wanted: int | None = None,
) -> KpiPlacebo:
    """An estimate's effect at fake go-lives (the assessment moved by whole months).

    The one procedure behind every KPI's check (:func:`kpi_placebo`) and the impact designs'
    (the time series, :func:`crmkit.measure.time_series`; the control group,
    :func:`crmkit.measure.control_comparison`).

    Parameters
    ----------
    name : str
        What is checked (the KPI's name).
    make_estimator : callable
        Called once, only when the history allows the check: returns
        ``estimate(moved_assessment) -> float``, the relative effect with the go-live and both
        windows moved (:func:`moved_assessment`); NaN (or ValueError, KeyError,
        ZeroDivisionError, IndexError) where it cannot be computed.
    assessment : Assessment
        The real go-live and windows.
    first : pd.Period or None
        The first month of data (None: no data, the history is too short).
    real_effect : float
        The real effect (a fraction); NaN gives :attr:`KpiPlaceboStatus.NO_EFFECT`.
    min_placebos : int, optional
        Default :func:`crmkit.stats.rollout.minimum_placebos`.
    dates_wanted : int, optional
        Effects at this many dates spread evenly over the admissible ones (a date that cannot
        be computed replaced by the latest unused one); None: every admissible date.

    Returns
    -------
    KpiPlacebo
        Its result's placebos keep the dates with a finite effect only.
    """
    alpha = assessment.stats.alpha
    real = _month(assessment.go_live_date)
    before_months, after_months = _window_lengths(assessment)
    needed = minimum_placebos(alpha) if min_placebos is None else min_placebos
    history = 0 if first is None else max(0, (real - first).n)
    needed_months = needed + before_months + after_months - 1
    if not np.isfinite(real_effect):
        return KpiPlacebo(name, KpiPlaceboStatus.NO_EFFECT, None, history, needed_months)
    if first is None or history < needed_months:
        return KpiPlacebo(name, KpiPlaceboStatus.HISTORY_TOO_SHORT, None, history, needed_months)
    dates = [first + before_months + k for k in range(history - before_months - after_months + 1)]
    estimator = make_estimator()

    def at(date: pd.Period) -> float:
        try:
            return float(estimator(moved_assessment(assessment, (date - real).n)))
        except (ValueError, KeyError, ZeroDivisionError, IndexError):
            return math.nan

    if dates_wanted is None:
        effects = {date: at(date) for date in dates}
    else:
        effects = _thinned_effects(dates, at, dates_wanted)

    def estimate(date: pd.Period, _before: int, _after: int) -> float:
        return effects.get(date, math.nan)

    result = placebo_go_lives(
        estimate,
        first_month=first,
        last_month=max(real, _month(assessment.after.end)),
        go_live=real,
        before_months=before_months,
        after_months=after_months,
        alpha=alpha,
        min_placebos=needed,
        real_effect=float(real_effect),
    )
    finite = result.placebos.loc[np.isfinite(result.placebos["effect"].to_numpy(float))]
    result = dataclasses.replace(result, placebos=finite.reset_index(drop=True))
    return KpiPlacebo(name, KpiPlaceboStatus(str(result.status)), result, history, needed_months)


def first_data_month(kpi_name: str, tables: Mapping[str, pd.DataFrame]) -> pd.Period | None:
    """The first month every table of a KPI covers (None without dated rows)."""
    return _first_month(kpis.get_kpi(kpi_name), tables)


def history_assessment(assessment: Assessment, first: pd.Period) -> Assessment:
    """The assessment with its before window stretched back to ``first`` (whole history).

    Its before window runs from the first day of ``first`` to the day before the after
    window: what a monthly total or panel observes over it, cut to a moved assessment's
    months, is what that assessment's own windows observe (for windows of whole months).

    Examples
    --------
    >>> from crmkit.data.config import parse_params
    >>> a = parse_params({"client": "A", "go_live_date": "2025-01-01"})
    >>> str(history_assessment(a, pd.Period("2020-03", "M")).before)
    '2020-03-01 to 2024-12-31'
    """
    start = first.to_timestamp().date()
    end = (pd.Timestamp(assessment.after.start) - pd.Timedelta(days=1)).date()
    return dataclasses.replace(assessment, before=Window(start, end))


def kpi_placebos(
    rows: pd.DataFrame, tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> dict[str, KpiPlacebo]:
    """The placebo check of every KPI row (:func:`kpi_placebo` for claimed changes).

    ``rows`` are result rows of :func:`crmkit.measure.measure_kpis` before the percentage
    guard masks ``change_pct`` (columns kpi, status, verdict, change_pct, before, after). A
    measured KPI whose change is not claimed is not run: its status is
    :attr:`KpiPlaceboStatus.HISTORY_TOO_SHORT` where the history could not have checked it,
    else :attr:`KpiPlaceboStatus.NOT_CLAIMED` (so is a KPI not measured).
    """
    out = {}
    needed = minimum_placebos(assessment.stats.alpha)
    shared = SharedWork()
    for _, row in rows.iterrows():
        name = str(row["kpi"])
        if row["verdict"] not in CLAIMED:
            status, history, needed_months = KpiPlaceboStatus.NOT_CLAIMED, 0, 0
            if row.get("status") == Status.MEASURED:
                first, history, needed_months = _history(
                    kpis.get_kpi(name), tables, assessment, needed
                )
                if first is None or history < needed_months:
                    status = KpiPlaceboStatus.HISTORY_TOO_SHORT
            out[name] = KpiPlacebo(name, status, None, history, needed_months)
            continue
        effect = row.get("change_pct")
        effect = float(effect) if effect is not None and pd.notna(effect) else math.nan
        if not np.isfinite(effect):
            effect = _relative(float(row["before"]), float(row["after"]))
        out[name] = kpi_placebo(
            kpis.get_kpi(name), tables, assessment, real_effect=effect, shared=shared
        )
    return out


def placebo_columns(check: KpiPlacebo) -> dict[str, Any]:
    """The :data:`PLACEBO_COLUMNS` of one KPI's result row."""
    result = check.result
    ran = check.status is KpiPlaceboStatus.OK and result is not None
    placebos = result.placebos if result is not None else pd.DataFrame(columns=["go_live"])
    return {
        "placebo_n": int(result.n) if ran else 0,
        "placebo_p_value": float(result.p_value) if ran else math.nan,
        "placebo_outside": bool(check.outside) if ran else None,
        "placebo_status": check.status,
        "placebo_history_months": check.history_months,
        "placebo_needed_months": check.needed_months,
        "placebo_go_lives": tuple(str(p) for p in placebos["go_live"]),
        "placebo_effects_pct": tuple(float(e) for e in placebos.get("effect", [])),
    }


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def placebo_block(
    *,
    status: Any,
    n: int,
    p_value: Any,
    outside: Any,
    go_lives: Any = (),
    effects_pct: Any = (),
) -> dict[str, Any]:
    """results.json's ``placebo`` block, the one builder for every KPI and the rollout.

    Keys: n (placebo dates with an effect: those the p-value uses; when the history is too
    short, the fewer there were, 0 where none was computed), p_value
    (None then), outside (True/False, None when the check did not run), status, reason (None
    when the check ran, else the status), effects_pct (fractions, None for a missing one) and
    go_lives ("YYYY-MM") of the placebo dates, in date order.

    Examples
    --------
    >>> placebo_block(status="history_too_short", n=0, p_value=float("nan"), outside=None)
    {'n': 0, 'p_value': None, 'outside': None, 'status': 'history_too_short', 'reason': 'history_too_short', 'effects_pct': [], 'go_lives': []}
    >>> placebo_block(status="ok", n=19, p_value=0.05, outside=True,
    ...               go_lives=["2021-01"], effects_pct=[0.01])["reason"] is None
    True
    """
    ran = str(status) == KpiPlaceboStatus.OK
    return {
        "n": int(n),
        "p_value": _finite(p_value) if ran else None,
        "outside": bool(outside) if ran and outside is not None else None,
        "status": str(status),
        "reason": None if ran else str(status),
        "effects_pct": [_finite(e) for e in effects_pct],
        "go_lives": [str(pd.Period(g, freq="M")) for g in go_lives],
    }


def checked_placebos(results: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The KPIs whose placebo check ran, as the placebo chart draws them.

    Returns
    -------
    (DataFrame, DataFrame)
        ``placebos``: kpi, label, go_live ("YYYY-MM"), effect (a fraction), one row per KPI
        and fake date; ``real``: kpi, label, effect (the row's relative change), outside,
        p_value, n, one row per checked KPI in the results' order.

    Examples
    --------
    >>> rows = pd.DataFrame({"kpi": ["a", "b"], "label": ["A", "B"],
    ...     "change_pct": [0.3, 0.1], "before": [1.0, 1.0], "after": [1.3, 1.1],
    ...     "placebo_status": ["ok", "history_too_short"], "placebo_n": [2, 0],
    ...     "placebo_p_value": [1 / 3, float("nan")], "placebo_outside": [False, None],
    ...     "placebo_go_lives": [("2021-01", "2021-02"), ()],
    ...     "placebo_effects_pct": [(0.5, -0.1), ()]})
    >>> placebos, real = checked_placebos(rows)
    >>> placebos["effect"].tolist(), real[["kpi", "effect", "outside"]].values.tolist()
    ([0.5, -0.1], [['a', 0.3, False]])
    """
    empty = pd.DataFrame(columns=["kpi", "label", "go_live", "effect"])
    if "placebo_status" not in results:
        return empty, pd.DataFrame(columns=["kpi", "label", "effect", "outside", "p_value", "n"])
    checked = results.loc[results["placebo_status"] == KpiPlaceboStatus.OK]
    placebo_rows, real_rows = [], []
    for _, row in checked.iterrows():
        for go_live, effect in zip(
            row["placebo_go_lives"], row["placebo_effects_pct"], strict=True
        ):
            placebo_rows.append((row["kpi"], row["label"], go_live, effect))
        effect = row["change_pct"]
        if effect is None or not np.isfinite(float(effect)):
            effect = _relative(float(row["before"]), float(row["after"]))
        real_rows.append(
            (row["kpi"], row["label"], float(effect), bool(row["placebo_outside"]),
             float(row["placebo_p_value"]), int(row["placebo_n"]))
        )  # fmt: skip
    placebos = pd.DataFrame(placebo_rows, columns=list(empty.columns)) if placebo_rows else empty
    real = pd.DataFrame(real_rows, columns=["kpi", "label", "effect", "outside", "p_value", "n"])
    return placebos, real
