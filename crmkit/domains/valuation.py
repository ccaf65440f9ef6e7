"""Did the CRM pay off? The financial stage's appraisal, from declared and measured benefits.

:func:`appraise` puts together what :mod:`crmkit.domains.finance` computes (present values, NPV,
ROI, IRR, payback, sensitivity, Monte Carlo) for two cases:

- **declared** — the client's ``costs`` and ``benefits`` tables, risk-adjusted, as
  total-economic-impact studies present them;
- **measured** — the same costs against the benefits this run measured in the data
  (:func:`crmkit.domains.benefits.measured_benefits`), with the statistical uncertainty of each KPI
  change carried into the NPV by simulation.

The headline (results.json ``financial.*``) is the declared case when the client declared
benefits, else the measured one; the other case sits beside it (``financial.measured`` or
``financial.declared``), never mixed into it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from crmkit.data import guards
from crmkit.data.config import Assessment
from crmkit.data.io import jsonable
from crmkit.domains import benefits, finance

__all__ = [
    "Appraisal",
    "appraise",
    "cost_series",
    "revenue_effect",
]


@dataclass(frozen=True)
class Appraisal:
    """Both cases of the financial appraisal (see :func:`appraise`).

    Attributes
    ----------
    headline : {'declared', 'measured'}
        Which case results.json reports at the top of ``financial``.
    declared, measured : InvestmentSummary or None
        The figures of each case (None when its benefits are absent).
    declared_simulation, measured_simulation : MonteCarloResult or None
        NPV and ROI distributions: declared benefits between their risk-adjusted and
        optimistic amounts; measured benefits across their confidence intervals. Costs
        between their amount and their risk-adjusted amount in both.
    sensitivity : DataFrame
        The tornado of the headline case (:func:`crmkit.domains.finance.sensitivity`).
    measured_benefits : DataFrame
        :func:`crmkit.domains.benefits.measured_benefits`.
    claims : DataFrame
        :func:`crmkit.domains.benefits.claimed_vs_measured`.
    measured_table : DataFrame
        The measured gains as a canonical benefits table (years 1 … horizon); measured
        losses are booked as costs of the measured case.
    """

    headline: str
    declared: finance.InvestmentSummary | None
    measured: finance.InvestmentSummary | None
    declared_simulation: finance.MonteCarloResult | None
    measured_simulation: finance.MonteCarloResult | None
    sensitivity: pd.DataFrame
    measured_benefits: pd.DataFrame
    claims: pd.DataFrame
    measured_table: pd.DataFrame

    @property
    def summary(self) -> finance.InvestmentSummary:
        """The headline case's figures."""
        return self.declared if self.headline == "declared" else self.measured

    @property
    def simulation(self) -> finance.MonteCarloResult | None:
        """The headline case's simulation."""
        return self.declared_simulation if self.headline == "declared" else self.measured_simulation

    def to_results(self) -> dict[str, Any]:
        """results.json's ``financial`` section (DESIGN §3 keys at the top level).

        The headline case's figures (pv_costs, pv_benefits, npv, roi, irr, payback_months,
        discount_rate …), its simulation's percentiles and ``p_npv_positive``, ``basis``
        (declared or measured), and the other case nested under its name.
        """
        out: dict[str, Any] = {"basis": self.headline, **self.summary.to_dict()}
        if self.simulation is not None:
            out.update(
                {
                    k: v
                    for k, v in self.simulation.to_dict().items()
                    if k.startswith(("npv_", "roi_", "p_"))
                }
            )
        other = "measured" if self.headline == "declared" else "declared"
        other_summary = self.measured if other == "measured" else self.declared
        other_sim = self.measured_simulation if other == "measured" else self.declared_simulation
        if other_summary is not None:
            nested = other_summary.to_dict()
            if other_sim is not None:
                nested.update(
                    {
                        k: v
                        for k, v in other_sim.to_dict().items()
                        if k.startswith(("npv_", "roi_", "p_"))
                    }
                )
            out[other] = nested
        out["measured_benefits"] = {
            row.benefit: {
                "low": row.low,
                "central": row.central,
                "high": row.high,
                "hours_central": row.hours_central,
                "kpi": row.kpi,
                "verdict": row.verdict,
            }
            for row in self.measured_benefits.itertuples()
        }
        return jsonable(out)


def _bounded(effect: tuple[float, float, float]) -> bool:
    """True when the effect and both ends of its interval are finite and above −100 %."""
    return all(math.isfinite(float(v)) and float(v) > -1.0 for v in effect)


#: The start of the reason :func:`revenue_effect` gives when a guard withholds the time
#: series' effect; the guard's code follows in parentheses.
SERIES_EFFECT_WITHHELD = "the time series' revenue effect is not usable"


def revenue_effect(
    control: Any | None, series: Any | None
) -> tuple[tuple[float, float, float] | None, str]:
    """The relative revenue effect attributable to the CRM, and where it comes from.

    The difference-in-differences against the control group when it has an interval; else
    the interrupted time series' effect relative to its projection (which runs on the ratio
    to the control group when there is one, :func:`crmkit.measure.time_series`), unless a
    claim guard tripped on it (``guard`` column of its row).

    Returns
    -------
    tuple
        ((central, low, high) or None, source in words — or, without an effect, why none of
        the estimates can be used; "" when there is none at all).

    Examples
    --------
    >>> class Did:
    ...     relative_effect = (0.124, -1.0, float("inf"))  # 3 regions: no interval
    >>> import pandas as pd
    >>> class Series:
    ...     comparative = True
    ...     row = pd.DataFrame({"change_pct": [0.17], "change_pct_ci_low": [-0.13],
    ...                         "change_pct_ci_high": [0.59]})
    >>> revenue_effect(Did(), Series())
    ((0.17, -0.13, 0.59), 'interrupted time series on the ratio to the control group')
    """
    reasons = []
    if control is not None:
        effect = tuple(float(v) for v in control.relative_effect)
        withheld = getattr(control, "guard", None) == guards.Guard.INSIDE_PLACEBOS
        if _bounded(effect) and not withheld:  # type: ignore[arg-type]
            return effect, "difference-in-differences against the control group"  # type: ignore[return-value]
        reasons.append(
            "the difference-in-differences' revenue effect lies inside the effects of fake "
            "go-live dates"
            if withheld
            else "the difference-in-differences on revenue has no interval (too few control units)"
        )
    if series is not None:
        row = series.row.iloc[0]
        effect = tuple(
            float(row[c]) for c in ("change_pct", "change_pct_ci_low", "change_pct_ci_high")
        )
        code = row.get("guard") if hasattr(row, "get") else None
        guarded = isinstance(code, str) and code and guards.Guard(code).withholds_claim
        if _bounded(effect) and not guarded:  # type: ignore[arg-type]
            source = (
                "interrupted time series on the ratio to the control group"
                if getattr(series, "comparative", False)
                else "interrupted time series against its projection"
            )
            return effect, source  # type: ignore[return-value]
        reasons.append(
            f"{SERIES_EFFECT_WITHHELD} ({code})"
            if guarded
            else "the time series' revenue effect has no usable interval"
        )
    return None, "; ".join(reasons)


def appraise(
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    results: pd.DataFrame,
    *,
    control: Any | None = None,
    series: Any | None = None,
    simulations: int = 10_000,
) -> Appraisal:
    """The financial appraisal of the CRM investment, declared and measured.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables; ``costs`` is required.
    assessment : Assessment
        ``finance`` (discount rate, horizon, ROI convention, the assumptions of the measured
        benefits) and ``stats.seed``.
    results : DataFrame
        The KPI rows of :func:`crmkit.measure.measure_kpis`.
    control, series : optional
        :func:`crmkit.measure.control_comparison` and :func:`crmkit.measure.time_series` of
        monthly revenue, for the revenue benefit.
    simulations : int
        Monte Carlo draws per case.

    Returns
    -------
    Appraisal

    Raises
    ------
    ValueError
        When ``costs`` is absent.
    """
    costs = tables.get("costs")
    if costs is None:
        raise ValueError("the financial appraisal needs the costs table")
    f, seed = assessment.finance, assessment.stats.seed
    common = {"discount_rate": f.discount_rate, "horizon_years": f.horizon_years}
    effect, source = revenue_effect(control, series)
    measured_rows = benefits.measured_benefits(
        tables, assessment, results, revenue_effect=effect, revenue_source=source
    )
    measured_table = benefits.measured_benefits_table(measured_rows, horizon_years=f.horizon_years)
    losses = benefits.measured_losses_table(measured_rows, horizon_years=f.horizon_years)
    measured_costs = pd.concat([costs, losses], ignore_index=True) if len(losses) else costs
    declared_table = tables.get("benefits")

    def case(
        case_costs: pd.DataFrame, case_benefits: pd.DataFrame, ranges: pd.DataFrame | None
    ) -> tuple[finance.InvestmentSummary, finance.MonteCarloResult]:
        summary = finance.investment_summary(
            case_costs,
            case_benefits,
            roi_convention=f.roi_convention,
            flexibility=f.flexibility,
            **common,
        )
        simulation = finance.monte_carlo(
            case_costs,
            case_benefits,
            n=simulations,
            seed=seed,
            benefit_ranges=ranges,
            roi_convention=f.roi_convention,
            **common,
        )
        return summary, simulation

    declared = measured = declared_sim = measured_sim = None
    if declared_table is not None and len(declared_table):
        declared, declared_sim = case(costs, declared_table, None)
    if len(measured_table):
        ranges = benefits.benefit_ranges(measured_rows)
        measured, measured_sim = case(measured_costs, measured_table, ranges)
    if declared is None and measured is None:
        measured = finance.investment_summary(
            costs, None, roi_convention=f.roi_convention, **common
        )
    headline = "declared" if declared is not None else "measured"
    headline_benefits = declared_table if headline == "declared" else measured_table
    return Appraisal(
        headline=headline,
        declared=declared,
        measured=measured,
        declared_simulation=declared_sim,
        measured_simulation=measured_sim,
        sensitivity=finance.sensitivity(costs, headline_benefits, **common),
        measured_benefits=measured_rows,
        claims=benefits.claimed_vs_measured(declared_table, measured_rows),
        measured_table=measured_table,
    )


def cost_series(breakdown: pd.DataFrame, by: str) -> pd.Series:
    """The present value of costs per phase or economic use, for a bar chart."""
    return breakdown.set_index(by)["present_value"]
