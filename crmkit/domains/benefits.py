"""Benefits measured in the client's own data: KPI changes turned into money per year.

Total-economic-impact studies take their benefits from interviews. crmkit derives them from
this run's before/after results (:func:`crmkit.measure.measure_kpis`), each with its formula,
its assumptions (from ``params.yaml``, section ``finance``) and a low / central / high value
from the confidence interval of the change it rests on:

================================ ===========================================================
benefit                          per year
================================ ===========================================================
incremental gross margin         revenue of the CRM units in the after window, a year's worth,
                                 × e / (1 + e), e the relative revenue effect (against the
                                 control group when there is one, else against the time
                                 series' projection) × gross margin
service efficiency               hours by which resolution got faster × handling share
                                 × tickets resolved a year × hourly cost
sales productivity               days by which won deals closed faster × deal hours per day
                                 × deals won a year × hourly cost
fewer complaints handled         complaints avoided a year (change of complaints per 1,000
                                 orders × orders) × hours a complaint takes (median resolution
                                 × handling share) × hourly cost
retained customers' margin       fall of the annual churn rate × customers × revenue per
                                 customer-year × gross margin (needs a churn-rate KPI)
cheaper acquisition              fall of the cost per acquisition × customers acquired a year
================================ ===========================================================

A benefit whose KPI did not improve detectably keeps its central value (an honest expected
value, possibly negative) and its interval; its ``verdict`` says so, and the Monte Carlo of
:func:`crmkit.domains.finance.monte_carlo` carries the uncertainty into the NPV. Staff time is always
counted in hours; it is money only when ``finance.hourly_cost`` is given.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data.config import Assessment
from crmkit.data.guards import Guard
from crmkit.data.verdicts import Status, Verdict

__all__ = [
    "BENEFIT_COLUMNS",
    "DID_COLUMNS",
    "Basis",
    "Benefit",
    "Gap",
    "Reading",
    "benefit_ranges",
    "claimed_vs_measured",
    "credited_change",
    "measured_benefits",
    "measured_benefits_table",
    "measured_losses_table",
]


class Benefit(StrEnum):
    """The benefits the data can measure (the ``benefit`` column and results.json keys)."""

    REVENUE = "incremental gross margin"
    RETENTION = "retained customers' margin"
    SALES = "sales productivity"
    SERVICE = "service efficiency"
    COMPLAINTS = "fewer complaints handled"
    ACQUISITION = "cheaper acquisition"


class Basis(StrEnum):
    """The change a benefit rests on: the plain before/after one, or net of the control group."""

    BEFORE_AFTER = "before/after"
    NET_OF_CONTROL = "net of the control group"


class Reading(StrEnum):
    """How far the data supports a declared benefit (:func:`claimed_vs_measured`)."""

    #: The measured interval reaches the claim and excludes zero.
    SUPPORTED = "supported"
    #: The interval lies above zero but short of the claim.
    PARTLY_SUPPORTED = "partly supported"
    #: The interval includes zero or less.
    NOT_SUPPORTED = "not supported by the data"
    #: Nothing in the data measures it.
    NOT_MEASURED = "not measured"


class Gap(StrEnum):
    """Why a benefit has no value, or only hours (the row's ``reason`` when not a Guard)."""

    #: No monthly revenue, or no usable effect from a time series or control group.
    NO_REVENUE_EFFECT = "no_revenue_effect"
    NO_RESOLUTION_TIMES = "no_resolution_times"
    NO_SALES_CYCLES = "no_sales_cycles"
    NO_COMPLAINTS = "no_complaints"
    NO_CHURN_INPUTS = "no_churn_inputs"
    NO_CAMPAIGNS = "no_campaigns"
    #: The result names a guard this version does not know.
    UNKNOWN_GUARD = "unknown_guard"
    #: Staff hours are counted, but no hourly cost values them.
    HOURS_NOT_VALUED = "hours_not_valued"


#: The columns of :func:`measured_benefits`, one row per benefit.
BENEFIT_COLUMNS = (
    "benefit",
    "kpi",
    "linked_kpis",
    "low",
    "central",
    "high",
    "hours_low",
    "hours_central",
    "hours_high",
    "basis",
    "verdict",
    "reason",
    "terms",
)

#: The columns of a KPI result row holding its change net of the control group's.
DID_COLUMNS = ("did_change", "did_ci_low", "did_ci_high")

#: The fields of a KPI result row a benefit's evidence quotes (kept in its ``terms``).
_EVIDENCE_FIELDS = (
    "label",
    "unit",
    "before",
    "after",
    "change",
    "ci_low",
    "ci_high",
    "p_adjusted",
    *DID_COLUMNS,
)


def _years(window: Any) -> float:
    return ((window.end - window.start).days + 1) / 365.25


def _row(benefit: Benefit, linked: tuple[str, ...], **values: Any) -> dict[str, Any]:
    row = dict.fromkeys(BENEFIT_COLUMNS, np.nan)
    row.update(benefit=benefit, kpi=linked[0], linked_kpis=", ".join(linked))
    row.update(basis=None, verdict=None, reason=None, terms={})
    row.update(values)
    return row


def _skipped(benefit: Benefit, linked: tuple[str, ...], gap: Gap, **terms: Any) -> dict[str, Any]:
    return _row(benefit, linked, verdict=Status.SKIPPED, reason=gap, terms=terms)


def _evidence_terms(result: pd.Series) -> dict[str, Any]:
    """The KPI result's numbers a benefit's evidence quotes."""
    return {"result": {k: result[k] for k in _EVIDENCE_FIELDS if k in result.index}}


def _usable(results: pd.DataFrame, name: str) -> pd.Series | None:
    if name not in results.index:
        return None
    row = results.loc[name]
    if row["status"] != Status.MEASURED or not _finite(row["change"]):
        return None
    return row


def _finite(value: Any) -> bool:
    try:
        return bool(np.isfinite(float(value)))
    except (TypeError, ValueError):
        return False


def credited_change(
    result: Mapping[str, Any],
) -> tuple[tuple[float, float, float] | None, Basis | Guard | Gap]:
    """The change of a KPI that a benefit may rest on: (central, low, high) and its basis.

    Parameters
    ----------
    result : mapping
        A KPI result row (:func:`crmkit.measure.measure_kpis`): ``change``, ``ci_low``,
        ``ci_high``, ``verdict``, and where present ``guard`` and the difference-in-differences
        columns :data:`DID_COLUMNS`.

    Returns
    -------
    (tuple or None, Basis or Guard or Gap)
        The change net of the control group's (``did_change`` and its interval,
        :attr:`Basis.NET_OF_CONTROL`) when the row has one, else the plain before/after
        change (:attr:`Basis.BEFORE_AFTER`); or None and why nothing is credited: the claim
        guard that tripped (:func:`crmkit.data.guards.claimable` semantics: a change the
        control group showed as well, a base that only ages, windows that cannot be
        compared …), :attr:`Guard.NO_INTERVAL` when a control group exists but the net
        change has no interval, or :attr:`Gap.UNKNOWN_GUARD`.

    Examples
    --------
    >>> row = {"change": -0.14, "ci_low": -0.17, "ci_high": -0.11, "verdict": "improved",
    ...        "did_change": -0.01, "did_ci_low": -0.05, "did_ci_high": 0.03}
    >>> credited_change(row)
    ((-0.01, -0.05, 0.03), <Basis.NET_OF_CONTROL: 'net of the control group'>)
    >>> credited_change({**row, "guard": "shared_with_control"})[0] is None
    True
    """
    code = result.get("guard")
    if isinstance(code, str) and code:
        try:
            guard = Guard(code)
        except ValueError:
            return None, Gap.UNKNOWN_GUARD
        if guard.withholds_claim:
            return None, guard
    if _finite(result.get("did_change")):
        values = tuple(float(result[c]) if _finite(result[c]) else np.nan for c in DID_COLUMNS)
        if not all(np.isfinite(values)):
            return None, Guard.NO_INTERVAL
        return values, Basis.NET_OF_CONTROL  # type: ignore[return-value]
    values = tuple(float(result[c]) for c in ("change", "ci_low", "ci_high"))
    return values, Basis.BEFORE_AFTER  # type: ignore[return-value]


def _not_credited(
    benefit: Benefit, linked: tuple[str, ...], result: pd.Series, why: Guard | Gap
) -> dict[str, Any]:
    return _row(
        benefit,
        linked,
        basis=Basis.BEFORE_AFTER,
        verdict=result["verdict"],
        reason=why,
        terms={**_evidence_terms(result), "guard": result.get("guard")},
    )


def _effect_verdict(effect: tuple[float, float, float]) -> Verdict:
    """Improved when the whole interval of the effect lies above 0, worsened when below."""
    if effect[1] > 0:
        return Verdict.IMPROVED
    return Verdict.WORSENED if effect[2] < 0 else Verdict.NO_CHANGE


def _revenue_benefit(
    assessment: Assessment,
    results: pd.DataFrame,
    effect: tuple[float, float, float] | None,
    source: str,
) -> dict[str, Any]:
    linked = ("revenue_monthly",)
    revenue = _usable(results, "revenue_monthly")
    if revenue is None or effect is None or not np.all(np.isfinite(effect)):
        # the estimates exist but none can be credited: the source says why
        why = source if revenue is not None and effect is None and source else None
        return _skipped(Benefit.REVENUE, linked, Gap.NO_REVENUE_EFFECT, why=why)
    margin = assessment.finance.gross_margin
    annual = revenue["after"] * 12.0  # the KPI is revenue per month of the CRM units
    central, low, high = (annual * e / (1 + e) * margin for e in effect)
    terms = {"annual_revenue": annual, "effect": effect, "source": source, "gross_margin": margin}
    return _row(Benefit.REVENUE, linked, low=low, central=central, high=high,
                verdict=_effect_verdict(effect), terms=terms)  # fmt: skip


def _credited(
    benefit: Benefit, linked: tuple[str, ...], result: pd.Series, gap: Gap
) -> tuple[tuple[float, float, float] | None, Basis, dict[str, Any] | None]:
    """The credited change of ``result`` and its basis, or the row saying why there is none."""
    if result is None:
        return None, Basis.BEFORE_AFTER, _skipped(benefit, linked, gap)
    change, basis = credited_change(result)
    if change is None:
        return None, Basis.BEFORE_AFTER, _not_credited(benefit, linked, result, basis)
    return change, basis, None


def _fall(change: tuple[float, float, float]) -> tuple[float, float, float]:
    """A fall as (central, low, high) from a change (central, low, high)."""
    return (-change[0], -change[2], -change[1])


def _staff_time_row(
    benefit: Benefit,
    linked: tuple[str, ...],
    hours: tuple[float, ...],
    terms: dict[str, Any],
    result: pd.Series,
    assessment: Assessment,
    basis: Basis,
) -> dict[str, Any]:
    """A benefit of staff time saved: hours (central, low, high) a year, valued if possible."""
    hourly = assessment.finance.hourly_cost
    money = (np.nan, np.nan, np.nan) if hourly is None else tuple(h * hourly for h in hours)
    return _row(
        benefit, linked, low=money[1], central=money[0], high=money[2],
        hours_low=hours[1], hours_central=hours[0], hours_high=hours[2], basis=basis,
        verdict=result["verdict"], reason=None if hourly is not None else Gap.HOURS_NOT_VALUED,
        terms={**terms, **_evidence_terms(result), "hourly_cost": hourly},
    )  # fmt: skip


def _after_rows(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, table: str, date: str
) -> pd.DataFrame:
    """The rows of ``table`` dated in the after window, in the CRM units only."""
    return kpis.rows_in_window(tables, table, date, assessment.after, exclude=assessment.control)


def _per_year(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, table: str, date: str, count: Any
) -> float:
    """``count`` of the after window's rows of ``table`` (CRM units only), per year."""
    rows = _after_rows(tables, assessment, table, date)
    return float(count(rows)) / _years(assessment.after)


def _time_saved_benefit(
    benefit: Benefit,
    linked: tuple[str, ...],
    gap: Gap,
    events: tuple[str, str, Any],
    assumption: str,
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    results: pd.DataFrame,
) -> dict[str, Any]:
    """Staff time saved when a duration KPI fell: units saved × hours per unit × events a year.

    ``events`` names the table, its date column and how to count its events in the after
    window (tickets resolved, deals won); ``assumption`` is the ``finance`` setting that
    turns a unit saved into staff hours.
    """
    result = _usable(results, linked[0])
    change, basis, row = _credited(benefit, linked, result, gap)
    if row is not None:
        return row
    hours_per_unit = getattr(assessment.finance, assumption)
    per_year = _per_year(tables, assessment, *events)
    saved = _fall(change)
    hours = tuple(s * hours_per_unit * per_year for s in saved)
    terms = {"saved": saved[0], "per_year": per_year, assumption: hours_per_unit}
    return _staff_time_row(benefit, linked, hours, terms, result, assessment, basis)


#: The benefits of staff time saved by a faster process, each as :func:`_time_saved_benefit`
#: takes it: the benefit, its KPIs (the duration first), why it is skipped, the events it
#: counts a year, and the assumption that turns a unit saved into hours.
_TIME_SAVED = (
    (Benefit.SALES, ("sales_cycle_days", "win_rate"), Gap.NO_SALES_CYCLES,
     ("opportunities", "closed_date", lambda o: (o["status"] == "won").sum()),
     "deal_hours_per_day"),
    (Benefit.SERVICE, ("resolution_hours", "first_response_hours"), Gap.NO_RESOLUTION_TIMES,
     ("tickets", "opened_at", lambda t: t["resolved_at"].notna().sum()), "handling_share"),
)  # fmt: skip


def _complaints_benefit(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, results: pd.DataFrame
) -> dict[str, Any]:
    linked = ("complaints_per_1000_orders",)
    resolution = _usable(results, "resolution_hours")
    result = _usable(results, linked[0]) if resolution is not None else None
    change, basis, row = _credited(Benefit.COMPLAINTS, linked, result, Gap.NO_COMPLAINTS)
    if row is not None:
        return row
    orders_per_year = _per_year(tables, assessment, "orders", "order_date", len)
    avoided = tuple(-c / 1000.0 * orders_per_year for c in (change[0], change[2], change[1]))
    per_complaint = resolution["after"] * assessment.finance.handling_share
    hours = tuple(a * per_complaint for a in avoided)
    terms = {"fall": -change[0], "orders_per_year": orders_per_year, "avoided": avoided[0],
             "hours_per_complaint": per_complaint}  # fmt: skip
    return _staff_time_row(Benefit.COMPLAINTS, linked, hours, terms, result, assessment, basis)


def _retention_benefit(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, results: pd.DataFrame
) -> dict[str, Any]:
    linked = ("churn_rate_annual",)
    inputs = [_usable(results, k) for k in (*linked, "purchase_frequency", "average_order_value")]
    churn, frequency, value = inputs
    usable = churn if all(r is not None for r in inputs) else None
    change, basis, row = _credited(Benefit.RETENTION, linked, usable, Gap.NO_CHURN_INPUTS)
    if row is not None:
        return row
    f = assessment.finance
    active = float(_after_rows(tables, assessment, "orders", "order_date")["customer_id"].nunique())
    revenue_per_customer_year = frequency["after"] * value["after"]
    fall = _fall(change)
    money = tuple(d * active * revenue_per_customer_year * f.gross_margin for d in fall)
    terms = {"fall": fall[0], "customers": active, "gross_margin": f.gross_margin,
             "revenue_per_customer_year": revenue_per_customer_year, **_evidence_terms(churn)}  # fmt: skip
    return _row(Benefit.RETENTION, linked, low=money[1], central=money[0], high=money[2],
                basis=basis, verdict=churn["verdict"], terms=terms)  # fmt: skip


def _acquisition_benefit(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, results: pd.DataFrame
) -> dict[str, Any]:
    linked = ("cost_per_acquisition",)
    result = _usable(results, linked[0])
    change, basis, row = _credited(Benefit.ACQUISITION, linked, result, Gap.NO_CAMPAIGNS)
    if row is not None:
        return row
    per_year = _per_year(tables, assessment, "campaigns", "start_date",
                         lambda c: c["conversions"].sum())  # fmt: skip
    saved = _fall(change)
    money = tuple(s * per_year for s in saved)
    terms = {"saved": saved[0], "per_year": per_year, **_evidence_terms(result)}
    return _row(Benefit.ACQUISITION, linked, low=money[1], central=money[0], high=money[2],
                basis=basis, verdict=result["verdict"], terms=terms)  # fmt: skip


def measured_benefits(
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    results: pd.DataFrame,
    *,
    revenue_effect: tuple[float, float, float] | None = None,
    revenue_source: str = "",
) -> pd.DataFrame:
    """Each benefit the data can measure, per year, with its interval and the terms of its formula.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables.
    assessment : Assessment
        Windows, control group, currency and the ``finance`` assumptions.
    results : DataFrame
        The KPI rows of :func:`crmkit.measure.measure_kpis`.
    revenue_effect : tuple of float, optional
        The relative revenue effect attributable to the CRM and its interval (central, low,
        high), e.g. :attr:`crmkit.measure.ControlAnalysis.relative_effect`; without it the
        revenue benefit is skipped.
    revenue_source : str
        Where the revenue effect comes from, for the formula ("difference-in-differences");
        without an effect, why none could be used (kept in the row's ``terms["why"]``).

    Returns
    -------
    DataFrame
        One row per benefit, :data:`BENEFIT_COLUMNS`: ``low``, ``central``, ``high`` per year
        in the client's currency (NaN when not valued); ``hours_*`` staff hours a year for
        the time benefits; ``basis`` (:class:`Basis`: the change the value rests on);
        ``verdict`` of that KPI (:attr:`Status.SKIPPED` when the data cannot measure it);
        ``reason`` why there is no value or only hours (a claim :class:`Guard`, a
        :class:`Gap`, or None); ``terms``, a dict of this run's numbers that enter the
        formula and of the KPI result it rests on (key ``result``). The words of the
        formula, the evidence and the note are :func:`crmkit.words.valuation.describe_benefits`.
    """
    rows = [
        _revenue_benefit(assessment, results, revenue_effect, revenue_source),
        _retention_benefit(tables, assessment, results),
        *(_time_saved_benefit(*spec, tables, assessment, results) for spec in _TIME_SAVED),
        _complaints_benefit(tables, assessment, results),
        _acquisition_benefit(tables, assessment, results),
    ]
    frame = pd.DataFrame(rows, columns=list(BENEFIT_COLUMNS))
    for column in ("low", "central", "high", "hours_low", "hours_central", "hours_high"):
        frame[column] = frame[column].astype("float64")
    return frame


def _valued(benefits: pd.DataFrame) -> pd.DataFrame:
    return benefits.loc[(benefits["verdict"] != Status.SKIPPED) & benefits["central"].notna()]


def _gains(benefits: pd.DataFrame) -> pd.DataFrame:
    valued = _valued(benefits)
    return valued.loc[valued["central"] > 0]


def measured_benefits_table(benefits: pd.DataFrame, *, horizon_years: int) -> pd.DataFrame:
    """The measured gains as a canonical ``benefits`` table, central value every year.

    The same yearly amount in years 1 … ``horizon_years`` (the effect measured in the first
    year after go-live, assumed to last), no risk adjustment (the uncertainty is in
    :func:`benefit_ranges`), ready for :func:`crmkit.domains.finance.investment_summary`. Benefits
    whose central value is a loss are not here: :func:`measured_losses_table` books them as
    costs.
    """
    return _yearly(_gains(benefits), horizon_years, "benefit")


def measured_losses_table(benefits: pd.DataFrame, *, horizon_years: int) -> pd.DataFrame:
    """Measured "benefits" whose central value is a loss, as rows of a ``costs`` table.

    E.g. campaigns that acquired customers at a higher cost after go-live: the extra cost
    each year, category "loss: <benefit>", phase "operation".
    """
    valued = _valued(benefits)
    losses = valued.loc[valued["central"] < 0].assign(central=lambda v: -v["central"])
    return _yearly(losses, horizon_years, "cost")


def _yearly(rows: pd.DataFrame, horizon_years: int, kind: str) -> pd.DataFrame:
    years = np.arange(1, horizon_years + 1)
    categories = rows["benefit"].to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "year": np.repeat(years, len(rows)),
            "category": np.tile(
                categories if kind == "benefit" else "loss: " + categories, len(years)
            ),
            "amount": np.tile(rows["central"].to_numpy(dtype=float), len(years)),
            "risk_adjustment": 0.0,
        }
    )
    if kind == "benefit":
        frame["kpi"] = np.tile(rows["kpi"].to_numpy(dtype=object), len(years))
    else:
        frame["phase"] = "operation"
    return frame


def benefit_ranges(benefits: pd.DataFrame) -> pd.DataFrame:
    """Low / central / high of each measured gain, for :func:`crmkit.domains.finance.monte_carlo`.

    Each range is a 95 % confidence interval, so it is drawn from a normal distribution.
    """
    gains = _gains(benefits)
    return pd.DataFrame(
        {
            "category": gains["benefit"].to_numpy(),
            "low": gains["low"].to_numpy(),
            "central": gains["central"].to_numpy(),
            "high": gains["high"].to_numpy(),
            "distribution": "normal",
        }
    )


def claimed_vs_measured(declared: pd.DataFrame | None, benefits: pd.DataFrame) -> pd.DataFrame:
    """The client's declared benefits beside what the data measured for the same KPIs.

    Parameters
    ----------
    declared : DataFrame or None
        The canonical ``benefits`` table (year, category, amount · risk_adjustment, kpi).
    benefits : DataFrame
        :func:`measured_benefits`.

    Returns
    -------
    DataFrame
        One row per declared category: ``category``, ``kpi``, ``claimed_year1`` (the
        declared amount of the first year), ``measured_low``, ``measured_central``,
        ``measured_high`` (per year, of the measured benefit resting on that KPI; NaN when
        none), ``measured_share`` (central / claimed) and ``reading``, a :class:`Reading`.
    """
    columns = ["category", "kpi", "claimed_year1", "measured_low", "measured_central",
               "measured_high", "measured_share", "reading"]  # fmt: skip
    if declared is None or declared.empty:
        return pd.DataFrame(columns=columns)
    first = declared.loc[declared["year"] == declared.loc[declared["year"] > 0, "year"].min()]
    rows = []
    for category, group in first.groupby("category", sort=True):
        kpi = (
            group["kpi"].dropna().iloc[0] if "kpi" in group and group["kpi"].notna().any() else None
        )
        claimed = float(group["amount"].sum())
        linked = [kpi in str(ks).split(", ") for ks in benefits["linked_kpis"]]
        match = _valued(benefits.loc[linked])
        if match.empty:
            rows.append(
                [category, kpi, claimed, np.nan, np.nan, np.nan, np.nan, Reading.NOT_MEASURED]
            )
            continue
        low, central, high = (float(match[c].iloc[0]) for c in ("low", "central", "high"))
        if high >= claimed and low > 0:
            reading = Reading.SUPPORTED
        elif low > 0:
            reading = Reading.PARTLY_SUPPORTED
        else:
            reading = Reading.NOT_SUPPORTED
        share = central / claimed if claimed else np.nan
        rows.append([category, kpi, claimed, low, central, high, share, reading])
    return pd.DataFrame(rows, columns=columns)
