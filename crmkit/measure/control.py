"""The control group: each KPI net of its change, and the difference-in-differences of a
monthly KPI between the CRM units and the units that did not get the CRM, with its placebo
go-lives."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data import guards
from crmkit.data.config import Assessment
from crmkit.data.control_groups import AssignmentUnit, ControlPlacement, locate_control
from crmkit.kpis.windows import window_months
from crmkit.measure.comparison import measure_one
from crmkit.measure.placebo_kpis import (
    KpiPlacebo,
    first_data_month,
    history_assessment,
    placebo_check,
)
from crmkit.stats import impact
from crmkit.stats.impact.clustered import cluster_ols

#: The columns of the control group's comparison (see :func:`crmkit.measure.measure_kpis`),
#: NaN without a control group or where the KPI cannot be measured on it.
CONTROL_COLUMNS = (
    "control_before",
    "control_after",
    "control_change",
    "did_change",
    "did_ci_low",
    "did_ci_high",
    "did_p_value",
)


def control_rows(
    chosen: Sequence[kpis.KPI], tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> tuple[pd.DataFrame, np.ndarray]:
    """Each KPI measured on the control group's units alone, and whether it could be.

    The control group's rows of every table (:func:`crmkit.kpis.control_view`) go through the
    very same path as the CRM units' (observations and test, or the domain ``compare``), with
    no control group left to exclude. A KPI is *tied* to the control group when each of its
    tables can be tied to it and holds at least one of its rows (the CRM's usage log has no
    rows of units without the CRM: nothing to net); its row is then the control group's
    result (possibly "insufficient data": NaN), else all NaN. The windows are the
    assessment's; only what each view derives from its own rows (the data's end for
    censoring, the maturity horizon) may differ by a few days.

    Returns
    -------
    (DataFrame, ndarray of bool)
        One row per KPI of ``chosen`` (:data:`crmkit.stats.impact.CHANGE_COLUMNS`), and ``tied``.
    """
    empty = pd.DataFrame([dict.fromkeys(impact.CHANGE_COLUMNS, np.nan)])
    tied = np.zeros(len(chosen), dtype=bool)
    if assessment.control is None:
        return pd.concat([empty] * len(chosen), ignore_index=True), tied
    view = kpis.control_view(tables, assessment.control)
    alone = dataclasses.replace(assessment, control=None)
    rows = []
    for i, kpi in enumerate(chosen):
        tied[i] = kpis.available(kpi, view) is None and all(len(view[t]) for t in kpi.tables)
        row = empty
        if tied[i]:
            try:
                row = measure_one(kpi, view, alone)[0]
            except Exception:  # the control group's data broke the computation: no netting
                row = empty
        rows.append(row)
    return pd.concat(rows, ignore_index=True), tied


def net_of_control(
    crm: pd.DataFrame, control: pd.DataFrame, *, alpha: float = 0.05
) -> pd.DataFrame:
    """Each KPI's change net of the control group's change: a difference-in-differences.

    Parameters
    ----------
    crm : DataFrame
        Result rows of the CRM units (``before``, ``after``, ``change``, ``ci_low``,
        ``ci_high``; for totals also ``kind`` and ``kpi``).
    control : DataFrame
        The same KPIs measured on the control group's units alone over the same windows, in
        the same row order (NaN rows where none).
    alpha : float
        1 − the confidence level of the intervals of both.

    Returns
    -------
    DataFrame
        Row for row: :data:`CONTROL_COLUMNS` — ``control_before``, ``control_after``,
        ``control_change`` (the control group's own values and change), ``did_change``,
        ``did_ci_low``, ``did_ci_high``, ``did_p_value`` (in the KPI's unit; NaN where
        either change or its interval is missing).

    Notes
    -----
    The two changes come from disjoint units, so they are independent:

    .. math::

        \\hat\\delta = \\Delta_\\text{CRM} - \\Delta_\\text{control},\\qquad
        SE(\\hat\\delta) = \\sqrt{SE_\\text{CRM}^2 + SE_\\text{control}^2}

    Each change's standard error is recovered from its own interval and the normal critical
    value: :math:`SE = (\\text{ci\\_high} - \\text{ci\\_low}) / (2 z_{1-\\alpha/2})`. That is exact
    for Wald intervals; for a t interval it is slightly larger than the t-based SE (so
    conservative); for an asymmetric interval (Newcombe, Bonett–Price, bootstrap) it is its
    mean half-width over z. The interval is :math:`\\hat\\delta \\pm z_{1-\\alpha/2} SE` and
    ``did_p_value`` = :math:`2(1 - \\Phi(|\\hat\\delta| / SE))`. It is not corrected for
    multiplicity: it only decides whether the plain change is credited (see
    :func:`crmkit.measure.measure_kpis`), never adds a finding.

    A total of the group (a ``series`` KPI summed over it: monthly revenue, new customers)
    grows with the group's size, so the control group's change is taken relative to its own
    before value and applied to the CRM units' before value:
    :math:`\\Delta_\\text{control} \\cdot \\text{before}_\\text{CRM} / \\text{before}_\\text{control}`
    (its SE scaled alike); ``control_change`` stays the control group's own.

    Examples
    --------
    >>> crm = pd.DataFrame({"before": [10.0], "after": [13.0], "change": [3.0],
    ...                     "ci_low": [1.04], "ci_high": [4.96]})
    >>> ctl = pd.DataFrame({"before": [10.0], "after": [12.0], "change": [2.0],
    ...                     "ci_low": [0.04], "ci_high": [3.96]})
    >>> out = net_of_control(crm, ctl)
    >>> round(float(out["did_change"].iloc[0]), 6), round(float(out["did_ci_high"].iloc[0]), 3)
    (1.0, 3.772)
    """
    z = NormalDist().inv_cdf(1 - alpha / 2)

    def column(frame: pd.DataFrame, name: str) -> np.ndarray:
        return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64")

    change, ctl_change = column(crm, "change"), column(control, "change")
    se = (column(crm, "ci_high") - column(crm, "ci_low")) / (2 * z)
    ctl_se = (column(control, "ci_high") - column(control, "ci_low")) / (2 * z)
    scale = np.ones(len(crm))
    if "kind" in crm and "kpi" in crm:
        totals = np.array(
            [
                kind == "series" and kpis.get_kpi(name).aggregate == "sum"
                for kind, name in zip(crm["kind"], crm["kpi"], strict=True)
            ],
            dtype=bool,
        )
        ctl_before = column(control, "before")
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(ctl_before > 0, column(crm, "before") / ctl_before, np.nan)
        scale = np.where(totals, ratio, 1.0)
    did = change - ctl_change * scale
    did_se = np.sqrt(se**2 + (ctl_se * scale) ** 2)
    valid = np.isfinite(did) & np.isfinite(did_se) & (did_se >= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.abs(did) / did_se
    p = np.array(
        [
            2 * (1 - NormalDist().cdf(t)) if np.isfinite(t) else (0.0 if d else 1.0)
            for t, d in zip(statistic, did, strict=True)
        ]
    )
    nan = np.full(len(crm), np.nan)
    return pd.DataFrame(
        {
            "control_before": column(control, "before"),
            "control_after": column(control, "after"),
            "control_change": ctl_change,
            "did_change": np.where(np.isfinite(did), did, nan),
            "did_ci_low": np.where(valid, did - z * did_se, nan),
            "did_ci_high": np.where(valid, did + z * did_se, nan),
            "did_p_value": np.where(valid, p, nan),
        },
        index=crm.index,
    )


@dataclass(frozen=True)
class ControlAnalysis:
    """A difference-in-differences of one monthly KPI against the control group.

    Attributes
    ----------
    kpi : KPI
    did : DiDResult
    log_outcome : bool
        True when the outcome was log-transformed: the effect is then relative,
        ``exp(estimate) − 1``.
    unit_column : str
        The column whose values are the units (``region``, ``rep_id``, ``customer_id``, or
        the client's own control column such as ``Campaign Group``).
    treated_units, control_units : tuple of str
    assignment : str
        The level at which the CRM was assigned (:class:`crmkit.data.control_groups.AssignmentUnit`:
        ``customer``, ``region`` or ``rep``), as params.yaml says or its default.
    placebo : KpiPlacebo or None
        The same difference-in-differences' relative effect at fake go-lives before the real
        one (:func:`control_placebo`); None when it was not asked for.
    """

    kpi: kpis.KPI
    did: impact.DiDResult
    log_outcome: bool
    unit_column: str
    treated_units: tuple[str, ...]
    control_units: tuple[str, ...]
    assignment: str = AssignmentUnit.REGION
    placebo: KpiPlacebo | None = None

    @property
    def relative_effect(self) -> tuple[float, float, float]:
        """The effect as a fraction of the counterfactual, with its interval.

        ``exp(·) − 1`` of the estimate and its bounds for a log outcome; otherwise the
        estimate over the treated units' counterfactual level, by the rule of
        :func:`crmkit.data.guards.percent_change` (NaN when that level is not a sane base). A
        bound the data cannot give (guard ``no_interval``) is NaN, never ±100 %.
        """
        d = self.did
        after = float(d.comparison["after"].iloc[0])
        effect = _relative(d.estimate, after, self.log_outcome)
        if not math.isfinite(effect):
            return math.nan, math.nan, math.nan
        if not self.log_outcome:
            level = after - d.estimate
            return effect, d.ci_low / level, d.ci_high / level
        return effect, float(np.expm1(d.ci_low)), float(np.expm1(d.ci_high))

    @property
    def claims(self) -> bool:
        """True when the relative effect's interval excludes zero (a change is claimed)."""
        _, low, high = self.relative_effect
        return bool(low > 0 or high < 0)

    @property
    def guard(self) -> str | None:
        """Why the comparison is not claimed as it stands (a :mod:`crmkit.data.guards` code), or None.

        ``no_interval`` when the data cannot bound the effect (too few units);
        ``inside_placebos`` when a claimed effect lies inside the effects of fake go-live dates
        (:attr:`placebo`); for an outcome in the KPI's unit also ``base_near_zero`` when the
        percentage has no sane base.
        """
        if self.did.guard == guards.Guard.NO_INTERVAL:
            return self.did.guard
        if self.placebo is not None and self.placebo.withholds and self.claims:
            return guards.Guard.INSIDE_PLACEBOS.value
        if not self.log_outcome:
            after = float(self.did.comparison["after"].iloc[0])
            _, code = guards.percent_change(after - self.did.estimate, after)
            return None if code is None else code.value
        return None

    def event_study_frame(self) -> pd.DataFrame:
        """The event study in percent (log outcome) or the KPI's unit, for the chart."""
        es = self.did.event_study
        if not self.log_outcome:
            return es
        return es.assign(**{c: np.expm1(es[c]) * 100 for c in ("estimate", "ci_low", "ci_high")})


def customer_panel(
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    kpi_name: str = "revenue_monthly",
    *,
    count: bool = False,
) -> pd.DataFrame:
    """The customer × month panel of a monthly KPI: each customer on every month it was a customer.

    :func:`crmkit.kpis.monthly_panel` by ``customer_id`` keeps a unit's months from its first to
    its last row; a customer's months are rather those from its ``created_date`` (or the
    window's start) to its ``churned_date`` (or the window's end), from customers, with 0 for
    a month without orders. Only customers with at least one row of the KPI's table are units
    (their group is known from those rows); without created dates in customers, the span of
    their rows is kept. ``count=True`` counts the KPI's rows (a customer's orders per month)
    instead of totalling their values.

    Returns
    -------
    DataFrame
        As :func:`crmkit.kpis.monthly_panel`: ``unit``, ``month``, ``value``, ``treated``,
        ``after``, sorted by unit, month.

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Control, Window
    >>> customers = pd.DataFrame({"customer_id": ["A", "B"], "group": ["test", "control"],
    ...     "created_date": pd.to_datetime(["2023-01-01", "2023-01-01"]),
    ...     "churned_date": pd.to_datetime([None, "2024-01-20"])})
    >>> orders = pd.DataFrame({"order_id": ["1", "2", "3"], "customer_id": ["A", "A", "B"],
    ...     "order_date": pd.to_datetime(["2023-11-05", "2024-02-10", "2023-12-01"]),
    ...     "amount": [10.0, 30.0, 5.0]})
    >>> a = Assessment("x", dt.date(2024, 1, 1),
    ...     Window(dt.date(2023, 11, 1), dt.date(2023, 12, 31)),
    ...     Window(dt.date(2024, 1, 1), dt.date(2024, 2, 29)),
    ...     control=Control("group", ("control",)))
    >>> p = customer_panel({"customers": customers, "orders": orders}, a)
    >>> p = p.assign(month=p["month"].dt.strftime("%Y-%m"))
    >>> print(p[["unit", "month", "value", "treated"]].to_string(index=False))
    unit   month  value  treated
       A 2023-11   10.0     True
       A 2023-12    0.0     True
       A 2024-01    0.0     True
       A 2024-02   30.0     True
       B 2023-11    0.0    False
       B 2023-12    5.0    False
       B 2024-01    0.0    False
    """
    panel = kpis.monthly_panel(tables, assessment, kpi_name, unit="customer_id", count=count)
    customers = tables.get("customers")
    if customers is None or not {"customer_id", "created_date"} <= set(customers.columns):
        return panel
    known = customers.drop_duplicates("customer_id").set_index("customer_id")
    treated = panel.drop_duplicates("unit").set_index("unit")["treated"]
    units = treated.index
    ids = known.index.astype("str")
    created = pd.Series(pd.to_datetime(known["created_date"]).to_numpy(), index=ids)
    churned = (
        pd.Series(pd.to_datetime(known["churned_date"]).to_numpy(), index=ids)
        if "churned_date" in known
        else pd.Series(pd.NaT, index=ids)
    )
    first = created.reindex(units).dt.to_period("M").dt.to_timestamp()
    last = churned.reindex(units).dt.to_period("M").dt.to_timestamp()
    rows = panel.groupby("unit")["month"]  # customers missing from customers: their rows' span
    first = first.fillna(rows.min().reindex(units)) if first.isna().any() else first
    starts = first.to_numpy(dtype="datetime64[ns]")
    ends = last.to_numpy(dtype="datetime64[ns]")
    codes_of_rows = units.get_indexer(panel["unit"])
    row_months = panel["month"].to_numpy(dtype="datetime64[ns]")
    row_after = panel["after"].to_numpy(dtype=bool)
    row_values = panel["value"].to_numpy(dtype="float64")
    parts = []
    for is_after, window in ((False, assessment.before), (True, assessment.after)):
        months = window_months(window).to_numpy()
        # Every customer × month of the window (integer codes; the panel's own rows, one per
        # unit and month, written into a dense table), kept where the customer existed.
        dense = np.zeros((len(units), len(months)))
        mine = row_after == is_after
        at = np.searchsorted(months, row_months[mine])
        inside = at < len(months)
        dense[codes_of_rows[mine][inside], at[inside]] = row_values[mine][inside]
        unit_code = np.repeat(np.arange(len(units)), len(months))
        month_at = np.tile(np.arange(len(months)), len(units))
        month = months[month_at]
        alive = month >= starts[unit_code]  # NaT: never
        alive &= np.isnat(ends[unit_code]) | (month <= ends[unit_code])
        unit_code, month_at = unit_code[alive], month_at[alive]
        parts.append((unit_code, months[month_at], dense[unit_code, month_at], is_after))
    unit_code = np.concatenate([p[0] for p in parts])
    month = np.concatenate([p[1] for p in parts])
    after = np.concatenate([np.full(p[0].size, p[3]) for p in parts])
    order = np.lexsort((after, month, unit_code))  # by unit, month, window
    unit_code = unit_code[order]
    return pd.DataFrame(
        {
            "unit": units.take(unit_code),
            "month": month[order],
            "value": np.concatenate([p[2] for p in parts])[order],
            "treated": treated.to_numpy(dtype=bool)[unit_code],
            "after": after[order],
        }
    )


def _unit_candidates(placement: ControlPlacement, log_outcome: bool) -> list[tuple[str, bool]]:
    """The units to try, in order, with whether the outcome is logged, for the assignment.

    A customer-level assignment: customers, in levels (most customer-months have no order, so
    a logarithm would keep only the months with one and miss a change in how often customers
    buy). A rep-level one: the reps. A group-level one given in params.yaml: the column's
    values. Left to the default for a column of orders: the sales reps where each lies on one
    side, else the column's values.
    """
    if placement.unit == AssignmentUnit.CUSTOMER:
        return [("customer_id", False)]
    if placement.unit == AssignmentUnit.REP:
        return [("rep", log_outcome)]
    if placement.unit_given:
        return [(placement.column, log_outcome)]
    return [("rep", log_outcome), (placement.column, log_outcome)]


def control_comparison(
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    kpi_name: str = "revenue_monthly",
    *,
    log_outcome: bool = True,
    placebos: bool = True,
) -> ControlAnalysis | None:
    """Difference-in-differences of a monthly KPI between CRM units and the control group.

    The units (and so the clusters) follow the level at which the CRM was assigned
    (``control.unit``, or its default from where the control column is found, see
    :func:`crmkit.data.control_groups.locate_control`):

    - ``customer``: each customer is a unit, the panel is customer × month of the KPI's rows
      joined to their customer's group through ``customer_id`` (hundreds of clusters); the
      outcome stays in the KPI's unit (zeros kept), the effect is relative to the CRM
      customers' counterfactual mean;
    - ``rep``: the sales reps (a rep belongs to the control group when most of their rows do);
    - ``region``: the values of the control column (regions, branches); left to the default,
      the sales reps when the KPI's table names them and each lies on one side, else the
      column's values.

    On the log scale (``log_outcome``, for reps and groups) the estimate is a relative effect,
    ``exp(estimate) − 1``, which does not depend on how large each unit is; unit-months
    without activity are left out then.

    With ``placebos`` the same estimate is also computed at fake go-lives before the real one
    (:func:`control_placebo`, point estimates only); a claimed effect that lies inside that
    placebo distribution gets the guard ``inside_placebos`` (:attr:`ControlAnalysis.guard`).

    Returns None without a control group, when the KPI's tables are absent, when no table
    holds the control column, or when the units do not split into at least two treated and
    one control unit.
    """
    control = assessment.control
    kpi = kpis.get_kpi(kpi_name)
    if control is None or kpis.available(kpi, tables) is not None:
        return None
    placement = locate_control(tables, control)
    if placement is None:
        return None
    for unit, logged in _unit_candidates(placement, log_outcome):
        try:
            panel = _panel(tables, assessment, kpi_name, unit, logged)
        except ValueError:
            continue
        units = panel.drop_duplicates("unit")
        if units["treated"].sum() >= 2 and (~units["treated"]).sum() >= 1:
            break
    else:
        return None
    did = impact.difference_in_differences(
        panel,
        outcome="value",
        unit="unit",
        time="month",
        treated="treated",
        go_live=assessment.go_live_date,
        alpha=assessment.stats.alpha,
        seed=assessment.stats.seed,
    )
    analysis = ControlAnalysis(
        kpi,
        did,
        logged,
        "rep_id" if unit == "rep" else unit,
        tuple(sorted(units.loc[units["treated"], "unit"])),
        tuple(sorted(units.loc[~units["treated"], "unit"])),
        placement.unit,
    )
    if not placebos:
        return analysis
    check = control_placebo(analysis, tables, assessment, unit=unit)
    return dataclasses.replace(analysis, placebo=check)


def _panel(
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    kpi_name: str,
    unit: str,
    logged: bool,
) -> pd.DataFrame:
    """The unit × month panel of :func:`control_comparison` (logarithms of the months with
    activity when ``logged``)."""
    if unit == "customer_id":
        panel = customer_panel(tables, assessment, kpi_name)
    else:
        panel = kpis.monthly_panel(tables, assessment, kpi_name, unit=unit)
    if logged:
        panel = panel.loc[panel["value"] > 0].assign(value=lambda p: np.log(p["value"]))
    return panel


def _relative(estimate: float, after: float, log_outcome: bool) -> float:
    """A difference-in-differences estimate as a fraction of the counterfactual (NaN if none).

    ``exp(estimate) − 1`` for a log outcome; else the estimate over the treated units'
    counterfactual level ``after − estimate``, by :func:`crmkit.data.guards.percent_change`.
    """
    if not (math.isfinite(estimate) and math.isfinite(after)):
        return math.nan
    if log_outcome:
        return float(np.expm1(estimate))
    effect, _ = guards.percent_change(after - estimate, after)
    return math.nan if effect is None else float(effect)


def did_point_estimate(panel: pd.DataFrame, go_live: Any) -> tuple[float, float]:
    """The two-way fixed-effects estimate of :func:`crmkit.stats.impact.difference_in_differences`
    alone (no interval, no event study), and the treated units' mean from go-live.

    Parameters
    ----------
    panel : DataFrame
        ``unit``, ``month`` (month starts), ``value``, ``treated`` (bool).
    go_live : date-like
        Its month is the first month after go-live.

    Returns
    -------
    (float, float)
        The estimate δ of value ~ δ · treated · after + unit effects + month effects, and the
        treated units' mean value from go-live; NaN where the estimate has no data (no treated
        or control row on a side of go-live, no residual degree of freedom, the treatment
        collinear with the fixed effects).

    Examples
    --------
    >>> panel = pd.DataFrame({"unit": ["a", "a", "b", "b", "c", "c"],
    ...     "month": pd.to_datetime(["2024-12-01", "2025-01-01"] * 3),
    ...     "treated": [True, True, True, True, False, False],
    ...     "value": [10.0, 15.0, 12.0, 17.0, 9.0, 10.0]})
    >>> did_point_estimate(panel, "2025-01-01")  # (15 + 17 − 10 − 12) / 2 − (10 − 9), after 16
    (4.0, 16.0)
    """
    data = panel.loc[np.isfinite(panel["value"].to_numpy(dtype="float64"))]
    y = data["value"].to_numpy(dtype="float64")
    treated = data["treated"].to_numpy(dtype=bool)
    stamps = pd.DatetimeIndex(data["month"])
    go = pd.Timestamp(go_live)
    post = np.asarray(stamps.year * 12 + stamps.month >= go.year * 12 + go.month)
    nan = (math.nan, math.nan)
    cells = (treated & post, treated & ~post, ~treated & post, ~treated & ~post)
    if not all(cell.any() for cell in cells):
        return nan
    unit_codes, unit_labels = pd.factorize(data["unit"], sort=True)
    time_codes, time_labels = pd.factorize(data["month"], sort=True)
    n_units, n_times = len(unit_labels), len(time_labels)
    if y.size - (n_units + n_times - 1) - 1 < 1:
        return nan
    treatment = (treated & post).astype(float)[:, None]
    fit = cluster_ols(y, treatment, unit_codes, time_codes, unit_codes, n_units, n_times)
    if float(fit.x[:, 0] @ fit.x[:, 0]) <= 1e-10 * float(treatment[:, 0] @ treatment[:, 0]):
        return nan
    return float(fit.beta[0]), float(y[treated & post].mean())


def control_placebo(
    analysis: ControlAnalysis,
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    *,
    unit: str,
) -> KpiPlacebo:
    """The difference-in-differences' relative effect at fake go-lives before the real one.

    The panel of the comparison's units (``unit``, logged as the comparison is) is built once
    over the whole history; at every fake go-live month whose moved windows fit before the
    real go-live (:func:`crmkit.measure.placebo_kpis.moved_assessment`, the assessment's window
    lengths) its months of those windows get the two-way fixed-effects point estimate
    (:func:`did_point_estimate`; no bootstrap, no event study), as a fraction like
    :attr:`ControlAnalysis.relative_effect`. A customer is a unit at a date only where its
    orders span the moved windows, as :func:`customer_panel` keeps it. A date whose windows
    do not hold two treated units and one control unit has no effect. Every admissible date
    is used.

    Returns
    -------
    KpiPlacebo
        ``kpi`` the KPI's name; status ``no_effect`` when the real relative effect is NaN.
    """
    name = analysis.kpi.name
    first = first_data_month(name, tables)
    real = analysis.relative_effect[0]

    def make_estimator() -> Callable[[Assessment], float]:
        whole = history_assessment(assessment, first)  # type: ignore[arg-type]
        panel = _panel(tables, whole, name, unit, analysis.log_outcome)
        months = panel["month"].to_numpy(dtype="datetime64[ns]")
        spans = None
        if unit == "customer_id":  # each customer's months with orders, from first to last
            rows = kpis.monthly_panel(tables, whole, name, unit="customer_id")
            by_unit = rows.groupby("unit")["month"]
            spans = (
                by_unit.min().reindex(panel["unit"]).to_numpy(dtype="datetime64[ns]"),
                by_unit.max().reindex(panel["unit"]).to_numpy(dtype="datetime64[ns]"),
            )

        def estimate(moved: Assessment) -> float:
            start = window_months(moved.before)[0].to_datetime64()
            end = window_months(moved.after)[-1].to_datetime64()
            keep = (months >= start) & (months <= end)
            if spans is not None:
                keep &= (spans[0] <= end) & (spans[1] >= start)
            window = panel.loc[keep]
            units = window.drop_duplicates("unit")["treated"].to_numpy(dtype=bool)
            if units.sum() < 2 or (~units).sum() < 1:
                return math.nan
            estimate, after = did_point_estimate(window, moved.go_live_date)
            return _relative(estimate, after, analysis.log_outcome)

        return estimate

    return placebo_check(name, make_estimator, assessment, first=first, real_effect=real)
