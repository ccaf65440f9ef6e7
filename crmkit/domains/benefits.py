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
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data.config import Assessment
from crmkit.data.guards import Guard
from crmkit.words.formats import format_change_pct, format_kpi_value, format_percent

__all__ = [
    "BENEFIT_COLUMNS",
    "DID_COLUMNS",
    "GUARD_REASONS",
    "claimed_vs_measured",
    "credited_change",
    "measured_benefits",
    "measured_benefits_table",
    "measured_losses_table",
    "benefit_ranges",
]

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
    "formula",
    "evidence",
    "verdict",
    "note",
)

_SKIP = "skipped"


def _years(window: Any) -> float:
    return ((window.end - window.start).days + 1) / 365.25


def _row(benefit: str, kpi: str, linked: tuple[str, ...], **values: Any) -> dict[str, Any]:
    row = dict.fromkeys(BENEFIT_COLUMNS, np.nan)
    row.update(benefit=benefit, kpi=kpi, linked_kpis=", ".join(linked), note=None, formula=None)
    row.update(evidence=None, verdict=None)
    row.update(values)
    return row


def _evidence(result: pd.Series, currency: str, basis: str = "before/after") -> str:
    from crmkit.words.formats import format_kpi_change, format_p_value

    unit = result["unit"]
    net = ""
    if basis == "net of the control group":
        net = (
            f"; net of the control group {format_kpi_change(result['did_change'], unit, currency)}"
            f", 95 % CI {format_kpi_change(result['did_ci_low'], unit, currency)} to "
            f"{format_kpi_change(result['did_ci_high'], unit, currency)}"
        )
    return (
        f"{result['label']}: {format_kpi_value(result['before'], unit, currency)} → "
        f"{format_kpi_value(result['after'], unit, currency)} (change "
        f"{format_kpi_change(result['change'], unit, currency)}, 95 % CI "
        f"{format_kpi_change(result['ci_low'], unit, currency)} to "
        f"{format_kpi_change(result['ci_high'], unit, currency)}; adjusted p "
        f"{format_p_value(result['p_adjusted'])}{net})"
    )


def _usable(results: pd.DataFrame, name: str) -> pd.Series | None:
    if name not in results.index:
        return None
    row = results.loc[name]
    if row["status"] != "measured" or not _finite(row["change"]):
        return None
    return row


def _not_credited(name: str, kpi: str, linked: tuple[str, ...], result: pd.Series, why: str,
                  currency: str) -> dict[str, Any]:  # fmt: skip
    return _row(
        name, kpi, linked, evidence=_evidence(result, currency), verdict=result["verdict"], note=why
    )


#: The columns of a KPI result row holding its change net of the control group's.
DID_COLUMNS = ("did_change", "did_ci_low", "did_ci_high")


def _finite(value: Any) -> bool:
    try:
        return bool(np.isfinite(float(value)))
    except (TypeError, ValueError):
        return False


def credited_change(result: Mapping[str, Any]) -> tuple[tuple[float, float, float] | None, str]:
    """The change of a KPI that a benefit may rest on: (central, low, high) and its basis.

    Parameters
    ----------
    result : mapping
        A KPI result row (:func:`crmkit.measure.measure_kpis`): ``change``, ``ci_low``,
        ``ci_high``, ``verdict``, and where present ``guard`` and the difference-in-differences
        columns :data:`DID_COLUMNS`.

    Returns
    -------
    (tuple or None, str)
        The change net of the control group's (``did_change`` and its interval) when the row
        has one, else the plain before/after change; or None and why nothing is credited:
        a claim guard tripped (:func:`crmkit.data.guards.claimable` semantics: a change the
        control group showed as well, a base that only ages, windows that cannot be
        compared …), or a control group exists but the net change has no interval.

    Examples
    --------
    >>> row = {"change": -0.14, "ci_low": -0.17, "ci_high": -0.11, "verdict": "improved",
    ...        "did_change": -0.01, "did_ci_low": -0.05, "did_ci_high": 0.03}
    >>> credited_change(row)
    ((-0.01, -0.05, 0.03), 'net of the control group')
    >>> credited_change({**row, "guard": "shared_with_control"})[0] is None
    True
    """
    code = result.get("guard")
    if isinstance(code, str) and code:
        try:
            guard = Guard(code)
        except ValueError:
            return None, f"not credited: unknown guard {code!r}"
        if guard.withholds_claim:
            return None, f"not credited to the CRM: {GUARD_REASONS[guard]}"
    if _finite(result.get("did_change")):
        values = tuple(float(result[c]) if _finite(result[c]) else np.nan for c in DID_COLUMNS)
        if not all(np.isfinite(values)):
            return None, f"not credited to the CRM: {GUARD_REASONS[Guard.NO_INTERVAL]}"
        return values, "net of the control group"  # type: ignore[return-value]
    values = tuple(float(result[c]) for c in ("change", "ci_low", "ci_high"))
    return values, "before/after"  # type: ignore[return-value]


#: Why a guarded change is not credited, in the words of the benefit's note.
GUARD_REASONS = {
    Guard.COUNTERFACTUAL_IMPLAUSIBLE: "the projected counterfactual is implausible",
    Guard.CONFOUNDED_AGEING: "without a control group the change may be the customer base "
    "ageing, not the CRM",
    Guard.NOT_COMPARABLE: "the windows before and after go-live cannot be compared",
    Guard.SHARED_WITH_CONTROL: "net of the control group's change, what is left is within what "
    "chance explains",
    Guard.NO_INTERVAL: "the change net of the control group has no interval (too few control "
    "units): the data cannot say",
}


def _money(hours: tuple[float, float, float], hourly_cost: float | None) -> tuple[float, ...]:
    if hourly_cost is None:
        return (np.nan, np.nan, np.nan)
    return tuple(h * hourly_cost for h in hours)


def _ordered(values: tuple[float, float, float]) -> tuple[float, float, float]:
    low, central, high = values
    return (min(low, high), central, max(low, high))


def _revenue_benefit(
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    results: pd.DataFrame,
    effect: tuple[float, float, float] | None,
    source: str,
) -> dict[str, Any]:
    linked = ("revenue_monthly",)
    name = "incremental gross margin"
    revenue = _usable(results, "revenue_monthly")
    if revenue is None or effect is None or not np.all(np.isfinite(effect)):
        why = "needs monthly revenue and a time series or control group"
        if revenue is not None and effect is None and source:
            why = source  # the estimates exist but none can be credited: why
        return _row(name, "revenue_monthly", linked, verdict=_SKIP, note=why)
    currency, margin = assessment.currency, assessment.finance.gross_margin
    annual = revenue["after"] * 12.0  # the KPI is revenue per month of the CRM units
    central, low, high = (annual * e / (1 + e) * margin for e in effect)
    formula = (
        f"{format_kpi_value(annual, 'currency', currency)} revenue a year of the CRM units "
        f"after go-live × e/(1+e) with e = {format_change_pct(effect[0])} ({source}) "
        f"× gross margin {format_percent(margin, 0)}"
    )
    return _row(
        name, "revenue_monthly", linked, low=low, central=central, high=high, formula=formula,
        evidence=f"revenue effect {format_change_pct(effect[0])} (95 % CI {format_change_pct(effect[1])} to {format_change_pct(effect[2])}), {source}",
        verdict="improved" if effect[1] > 0 else ("worsened" if effect[2] < 0 else "no detectable change"),
    )  # fmt: skip


def _staff_time_row(
    name: str,
    kpi: str,
    linked: tuple[str, ...],
    hours: tuple[float, float, float],
    formula: str,
    result: pd.Series,
    assessment: Assessment,
    basis: str,
) -> dict[str, Any]:
    """A benefit of staff time saved: hours (central, low, high) a year, valued if possible."""
    hourly = assessment.finance.hourly_cost
    money = _money(hours, hourly)
    if hourly is not None:
        formula += f" × {format_kpi_value(hourly, 'currency', assessment.currency)} an hour"
    return _row(
        name, kpi, linked, low=money[1], central=money[0], high=money[2],
        hours_low=hours[1], hours_central=hours[0], hours_high=hours[2], formula=formula,
        evidence=_evidence(result, assessment.currency, basis), verdict=result["verdict"],
        note=None if hourly is not None else "hours not valued: set finance.hourly_cost",
    )  # fmt: skip


def _service_benefit(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, results: pd.DataFrame
) -> dict[str, Any]:
    linked = ("resolution_hours", "first_response_hours")
    name = "service efficiency"
    result = _usable(results, "resolution_hours")
    if result is None:
        return _row(name, "resolution_hours", linked, verdict=_SKIP, note="needs resolution times")
    change, basis = credited_change(result)
    if change is None:
        return _not_credited(name, "resolution_hours", linked, result, basis, assessment.currency)
    f, window = assessment.finance, assessment.after
    tickets = kpis.rows_in_window(
        tables, "tickets", "opened_at", window, exclude=assessment.control
    )
    per_year = float(tickets["resolved_at"].notna().sum()) / _years(window)
    saved = (-change[0], -change[2], -change[1])  # hours faster
    hours = tuple(h * f.handling_share * per_year for h in saved)
    formula = (
        f"(median resolution before − after) {format_kpi_value(saved[0], 'hours')} × handling "
        f"share {format_percent(f.handling_share, 0)} × {per_year:,.0f} tickets resolved a year"
    )
    return _staff_time_row(
        name, "resolution_hours", linked, hours, formula, result, assessment, basis
    )


def _sales_benefit(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, results: pd.DataFrame
) -> dict[str, Any]:
    linked = ("sales_cycle_days", "win_rate")
    name = "sales productivity"
    result = _usable(results, "sales_cycle_days")
    if result is None:
        return _row(name, "sales_cycle_days", linked, verdict=_SKIP, note="needs sales cycles")
    change, basis = credited_change(result)
    if change is None:
        return _not_credited(name, "sales_cycle_days", linked, result, basis, assessment.currency)
    f, window = assessment.finance, assessment.after
    closed = kpis.rows_in_window(
        tables, "opportunities", "closed_date", window, exclude=assessment.control
    )
    per_year = float((closed["status"] == "won").sum()) / _years(window)
    saved = (-change[0], -change[2], -change[1])  # days faster
    hours = tuple(d * f.deal_hours_per_day * per_year for d in saved)
    formula = (
        f"(median cycle of won deals before − after) {format_kpi_value(saved[0], 'days')} × "
        f"{f.deal_hours_per_day:g} rep hours per deal-day × {per_year:,.0f} deals won a year"
    )
    return _staff_time_row(
        name, "sales_cycle_days", linked, hours, formula, result, assessment, basis
    )


def _complaints_benefit(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, results: pd.DataFrame
) -> dict[str, Any]:
    linked = ("complaints_per_1000_orders",)
    name = "fewer complaints handled"
    result = _usable(results, "complaints_per_1000_orders")
    resolution = _usable(results, "resolution_hours")
    if result is None or resolution is None:
        return _row(
            name, linked[0], linked, verdict=_SKIP, note="needs complaints and resolution times"
        )
    change, basis = credited_change(result)
    if change is None:
        return _not_credited(name, linked[0], linked, result, basis, assessment.currency)
    f, window = assessment.finance, assessment.after
    orders = kpis.rows_in_window(tables, "orders", "order_date", window, exclude=assessment.control)
    orders_per_year = len(orders) / _years(window)
    avoided = tuple(-c / 1000.0 * orders_per_year for c in (change[0], change[2], change[1]))
    per_complaint = resolution["after"] * f.handling_share
    hours = tuple(a * per_complaint for a in avoided)
    formula = (
        f"(complaints per 1,000 orders before − after) {format_kpi_value(-change[0], 'per 1,000 orders')} "
        f"× {orders_per_year:,.0f} orders a year = {avoided[0]:,.0f} complaints avoided × "
        f"{format_kpi_value(per_complaint, 'hours')} of staff work each "
        f"(median resolution × handling share)"
    )  # fmt: skip
    return _staff_time_row(name, linked[0], linked, hours, formula, result, assessment, basis)


def _retention_benefit(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, results: pd.DataFrame
) -> dict[str, Any]:
    linked = ("churn_rate_annual",)
    name = "retained customers' margin"
    churn = _usable(results, "churn_rate_annual")
    frequency = _usable(results, "purchase_frequency")
    value = _usable(results, "average_order_value")
    if churn is None or frequency is None or value is None:
        return _row(
            name,
            linked[0],
            linked,
            verdict=_SKIP,
            note="needs the churn rate, purchase frequency and order value",
        )
    change, basis = credited_change(churn)
    if change is None:
        return _not_credited(name, linked[0], linked, churn, basis, assessment.currency)
    f, window = assessment.finance, assessment.after
    customers = kpis.rows_in_window(
        tables, "orders", "order_date", window, exclude=assessment.control
    )
    active = float(customers["customer_id"].nunique())
    revenue_per_customer_year = frequency["after"] * value["after"]
    fall = (-change[0], -change[2], -change[1])
    money = tuple(d * active * revenue_per_customer_year * f.gross_margin for d in fall)
    what = (
        "fall of annual churn net of the control group's"
        if basis != "before/after"
        else ("annual churn before − after")
    )
    formula = (
        f"({what}) {fall[0] * 100:+.1f} percentage points × {active:,.0f} "
        f"customers × {format_kpi_value(revenue_per_customer_year, 'currency', assessment.currency)} "
        f"revenue per customer-year × gross margin {format_percent(f.gross_margin, 0)}"
    )
    return _row(
        name, linked[0], linked, low=money[1], central=money[0], high=money[2], formula=formula,
        evidence=_evidence(churn, assessment.currency, basis), verdict=churn["verdict"],
    )  # fmt: skip


def _acquisition_benefit(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, results: pd.DataFrame
) -> dict[str, Any]:
    linked = ("cost_per_acquisition",)
    name = "cheaper acquisition"
    result = _usable(results, "cost_per_acquisition")
    if result is None:
        return _row(
            name,
            linked[0],
            linked,
            verdict=_SKIP,
            note="needs campaigns with costs and conversions",
        )
    change, basis = credited_change(result)
    if change is None:
        return _not_credited(name, linked[0], linked, result, basis, assessment.currency)
    window = assessment.after
    campaigns = kpis.rows_in_window(
        tables, "campaigns", "start_date", window, exclude=assessment.control
    )
    per_year = float(campaigns["conversions"].sum()) / _years(window)
    saved = (-change[0], -change[2], -change[1])
    money = tuple(s * per_year for s in saved)
    formula = (
        f"(cost per acquisition before − after) {format_kpi_value(saved[0], 'currency', assessment.currency)} "
        f"× {per_year:,.0f} customers acquired by campaigns a year"
    )
    return _row(
        name, linked[0], linked, low=money[1], central=money[0], high=money[2], formula=formula,
        evidence=_evidence(result, assessment.currency, basis), verdict=result["verdict"],
    )  # fmt: skip


def measured_benefits(
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    results: pd.DataFrame,
    *,
    revenue_effect: tuple[float, float, float] | None = None,
    revenue_source: str = "",
) -> pd.DataFrame:
    """Each benefit the data can measure, per year, with its formula and interval.

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
        without an effect, why none could be used (the benefit's note).

    Returns
    -------
    DataFrame
        One row per benefit, :data:`BENEFIT_COLUMNS`: ``low``, ``central``, ``high`` per year
        in the client's currency (NaN when not valued); ``hours_*`` staff hours a year for
        the time benefits; ``formula`` with this run's numbers; ``evidence`` (the KPI's
        before, after, change and corrected p); ``verdict`` of that KPI ("skipped" when the
        data cannot measure it, with the reason in ``note``).
    """
    rows = [
        _revenue_benefit(tables, assessment, results, revenue_effect, revenue_source),
        _retention_benefit(tables, assessment, results),
        _sales_benefit(tables, assessment, results),
        _service_benefit(tables, assessment, results),
        _complaints_benefit(tables, assessment, results),
        _acquisition_benefit(tables, assessment, results),
    ]
    frame = pd.DataFrame(rows, columns=list(BENEFIT_COLUMNS))
    for column in ("low", "central", "high", "hours_low", "hours_central", "hours_high"):
        frame[column] = frame[column].astype("float64")
    return frame


def _valued(benefits: pd.DataFrame) -> pd.DataFrame:
    return benefits.loc[(benefits["verdict"] != _SKIP) & benefits["central"].notna()]


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
        none), ``measured_share`` (central / claimed) and ``reading``: "supported" (the
        interval reaches the claim and excludes zero), "partly supported" (below the claim but above zero),
        "not supported by the data" (the interval includes zero or less), or "not measured".
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
            rows.append([category, kpi, claimed, np.nan, np.nan, np.nan, np.nan, "not measured"])
            continue
        low, central, high = (float(match[c].iloc[0]) for c in ("low", "central", "high"))
        if high >= claimed and low > 0:
            reading = "supported"
        elif low > 0:
            reading = "partly supported"
        else:
            reading = "not supported by the data"
        share = central / claimed if claimed else np.nan
        rows.append([category, kpi, claimed, low, central, high, share, reading])
    return pd.DataFrame(rows, columns=columns)
