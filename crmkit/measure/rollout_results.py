"""results.json ``impact.rollout`` from a :class:`crmkit.measure.rollout.RolloutAnalysis`."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from crmkit.data.io import jsonable
from crmkit.measure.rollout import RolloutAnalysis

__all__ = ["rollout_results"]


def _nan_to_none(value: Any) -> float | None:
    number = float(value) if value is not None else math.nan
    return number if math.isfinite(number) else None


def rollout_results(analysis: RolloutAnalysis | None) -> dict[str, Any] | None:
    """results.json ``impact.rollout``: plain JSON, fractions for rates, None for missing.

    Keys: design, reason, assumption, claim, column, units {treated, never_treated}, cohorts
    [{go_live, units, estimate, estimate_pct, ci_low_pct, ci_high_pct}], overall {estimate,
    estimate_pct, ci_low_pct, ci_high_pct, p_value, inference, status}, pre_trend {p_value,
    status}, event_study [{months, estimate_pct, ci_low_pct, ci_high_pct}],
    synthetic_control {weights, pre_rmspe, fit, p_value, effect_pct} or None, placebo
    {status, n, p_value, outside} or None.
    """
    if analysis is None:
        return None
    overall = analysis.overall
    synthetic = analysis.synthetic
    placebo = analysis.placebo
    result = {
        "design": str(analysis.design),
        "reason": str(analysis.reason),
        "assumption": str(analysis.assumption),
        "claim": str(analysis.claim),
        "column": analysis.column,
        "units": {"treated": list(analysis.treated), "never_treated": list(analysis.never_treated)},
        "cohorts": [
            {
                "go_live": pd.Timestamp(row.go_live).date().isoformat(),
                "units": list(row.units),
                "estimate": _nan_to_none(row.estimate),
                "estimate_pct": _nan_to_none(row.estimate_pct),
                "ci_low_pct": _nan_to_none(row.ci_low_pct),
                "ci_high_pct": _nan_to_none(row.ci_high_pct),
            }
            for row in analysis.cohorts.itertuples()
        ],
        "overall": None
        if overall is None
        else {
            "estimate": _nan_to_none(overall.estimate),
            "estimate_pct": _nan_to_none(overall.estimate_pct),
            "ci_low_pct": _nan_to_none(overall.ci_low_pct),
            "ci_high_pct": _nan_to_none(overall.ci_high_pct),
            "p_value": _nan_to_none(overall.p_value),
            "inference": str(overall.inference),
            "status": str(analysis.claim),
        },
        "pre_trend": {
            "p_value": _nan_to_none(analysis.pre_trend_p),
            "status": str(analysis.pre_trend),
        },
        "event_study": [
            {
                "months": int(row.months),
                "estimate_pct": _nan_to_none(row.estimate_pct),
                "ci_low_pct": _nan_to_none(row.ci_low_pct),
                "ci_high_pct": _nan_to_none(row.ci_high_pct),
            }
            for row in analysis.event_study.itertuples()
        ],
        "synthetic_control": None
        if synthetic is None
        else {
            "weights": {str(k): float(v) for k, v in synthetic["weights"].items()},
            "pre_rmspe": _nan_to_none(synthetic["pre_rmspe"]),
            "fit": str(synthetic["fit"]),
            "p_value": _nan_to_none(synthetic["p_value"]),
            "effect_pct": _nan_to_none(synthetic["effect_pct"]),
        },
        "placebo": None
        if placebo is None
        else {
            "status": str(placebo.status),
            "n": int(placebo.n),
            "p_value": _nan_to_none(placebo.p_value),
            "outside": bool(placebo.outside),
        },
    }
    return jsonable(result)
