"""results.json's rollout sections from a :class:`crmkit.measure.rollout.RolloutAnalysis`.

The keys follow the results.json contract: ``impact.rollout`` (kpi, unit, method, att_pct,
ci_low_pct, ci_high_pct, p_value, by_cohort, event_time, pre_trend_p, and what the words need
besides: design, reason, assumption, claim, units, inference, pre_trend_status, placebo),
``impact.synthetic_control`` (one or a few treated units) and ``kpis.<kpi>.placebo``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.io import jsonable
from crmkit.measure.placebo_kpis import placebo_block
from crmkit.measure.rollout import RolloutAnalysis

__all__ = ["ROLLOUT_KPI", "placebo_results", "rollout_results", "synthetic_control_results"]

#: The KPI the rollout designs measure: monthly revenue per unit.
ROLLOUT_KPI = "revenue_monthly"


def _nan_to_none(value: Any) -> float | None:
    number = float(value) if value is not None else math.nan
    return number if math.isfinite(number) else None


def rollout_results(analysis: RolloutAnalysis | None) -> dict[str, Any] | None:
    """results.json ``impact.rollout``: plain JSON, fractions for rates, None for missing.

    Keys: kpi, unit (the column naming the units), method (the design), design, reason,
    assumption, claim, units {treated, never_treated}, att (currency per unit-month), att_pct,
    ci_low_pct, ci_high_pct, p_value, inference, by_cohort [{go_live, units, att, att_pct,
    ci_low_pct, ci_high_pct}], event_time [{k, effect_pct, ci_low_pct, ci_high_pct}] (k:
    months since each unit's own go-live, negative before it), pre_trend_p, pre_trend_status,
    placebo (the block of :func:`placebo_results`) or None.
    """
    if analysis is None:
        return None
    overall = analysis.overall

    def effect(name: str) -> float | None:
        return None if overall is None else _nan_to_none(getattr(overall, name))

    result = {
        "kpi": ROLLOUT_KPI,
        "unit": analysis.column,
        "method": str(analysis.design),
        "design": str(analysis.design),
        "reason": str(analysis.reason),
        "assumption": str(analysis.assumption),
        "claim": str(analysis.claim),
        "units": {"treated": list(analysis.treated), "never_treated": list(analysis.never_treated)},
        "att": effect("estimate"),
        "att_pct": effect("estimate_pct"),
        "ci_low_pct": effect("ci_low_pct"),
        "ci_high_pct": effect("ci_high_pct"),
        "p_value": effect("p_value"),
        "inference": None if overall is None else str(overall.inference),
        "by_cohort": [
            {
                "go_live": pd.Timestamp(row.go_live).date().isoformat(),
                "units": list(row.units),
                "att": _nan_to_none(row.estimate),
                "att_pct": _nan_to_none(row.estimate_pct),
                "ci_low_pct": _nan_to_none(row.ci_low_pct),
                "ci_high_pct": _nan_to_none(row.ci_high_pct),
            }
            for row in analysis.cohorts.itertuples()
        ],
        "event_time": [
            {
                "k": int(row.months),
                "effect_pct": _nan_to_none(row.estimate_pct),
                "ci_low_pct": _nan_to_none(row.ci_low_pct),
                "ci_high_pct": _nan_to_none(row.ci_high_pct),
            }
            for row in analysis.event_study.itertuples()
        ],
        "pre_trend_p": _nan_to_none(analysis.pre_trend_p),
        "pre_trend_status": str(analysis.pre_trend),
        "placebo": placebo_results(analysis),
    }
    return jsonable(result)


def synthetic_control_results(analysis: RolloutAnalysis | None) -> dict[str, Any] | None:
    """results.json ``impact.synthetic_control``, or None when the design is another.

    Keys: kpi, treated (units), weights {donor: weight}, effect_pct, ci_low_pct, ci_high_pct
    (None where the placebo ranks cannot bound it), p_value (placebo rank), pre_rmspe, fit
    ("good" or "poor").
    """
    if analysis is None or analysis.synthetic is None:
        return None
    synthetic = analysis.synthetic
    overall = analysis.overall
    return jsonable(
        {
            "kpi": ROLLOUT_KPI,
            "treated": list(analysis.treated),
            "weights": {str(k): float(v) for k, v in synthetic["weights"].items()},
            "effect_pct": _nan_to_none(synthetic["effect_pct"]),
            "ci_low_pct": None if overall is None else _nan_to_none(overall.ci_low_pct),
            "ci_high_pct": None if overall is None else _nan_to_none(overall.ci_high_pct),
            "p_value": _nan_to_none(synthetic["p_value"]),
            "pre_rmspe": _nan_to_none(synthetic["pre_rmspe"]),
            "fit": str(synthetic["fit"]),
        }
    )


def placebo_results(analysis: RolloutAnalysis | None) -> dict[str, Any] | None:
    """The rollout design's placebo go-lives as results.json's placebo block (``impact.rollout.
    placebo``): the same keys as every KPI's ``kpis.<kpi>.placebo``
    (:func:`crmkit.measure.placebo_kpis.placebo_block`): n, p_value, outside, status, reason,
    effects_pct, go_lives; ``n`` is 0 and ``reason`` the status when the history is too
    short for them to calibrate a verdict. None without a rollout."""
    if analysis is None or analysis.placebo is None:
        return None
    placebo = analysis.placebo
    dates = placebo.placebos
    finite = dates.loc[np.isfinite(dates["effect"].to_numpy(float))]
    return jsonable(
        placebo_block(
            status=placebo.status,
            n=placebo.n,
            p_value=placebo.p_value,
            outside=placebo.outside,
            go_lives=list(finite["go_live"]),
            effects_pct=list(finite["effect"]),
        )
    )
