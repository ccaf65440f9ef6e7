"""The customer-value figures the stage writes to results.json (``customers.clv``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.data.io import jsonable
from crmkit.domains.clv.concentration import top_share
from crmkit.domains.clv.value_models import TIME_UNIT, ValueModels, share_probably_lost

__all__ = ["clv_record"]


def clv_record(
    *,
    models: ValueModels | None = None,
    validation: pd.DataFrame | None = None,
    simple: pd.DataFrame | None = None,
    segments: pd.DataFrame | None = None,
    tiers: pd.DataFrame | None = None,
    gini: float | None = None,
    curve: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The customer-value figures for results.json (``customers.clv``).

    Returns
    -------
    dict
        JSON-able (NaN → None) with the parts given: ``model`` {``time_unit``,
        ``horizon_months``, ``margin``, ``discount_rate_yearly``, ``discount_rate_monthly``,
        ``customers``, ``bgnbd`` {r, alpha, a, b}, ``gamma_gamma`` {p, q, v} or None,
        ``independence`` {``pearson_r``, ``assumption_ok``}, ``note``}; ``average_clv``,
        ``median_clv``, ``total_clv``, ``share_probably_lost``; ``holdout`` {``calibration_end``,
        ``observation_end``, ``customers``, ``predicted_total``, ``actual_total``,
        ``error_pct``, ``mae``, ``correlation``}; ``simple_clv`` {window: {``clv``,
        ``retention``, ``margin_per_year``, ``multiple``}}; ``rfm_segments`` {segment:
        {``customers``, ``customer_share``, ``revenue_share``}}; ``tiers`` {tier:
        {``customers``, ``clv_share``, ``revenue_share``, ``clv_mean``}}; ``gini``,
        ``top_20_revenue_share``.
    """
    out: dict[str, Any] = {}
    if models is not None:
        out["model"] = {
            "time_unit": TIME_UNIT,
            "horizon_months": models.horizon_months,
            "margin": models.margin,
            "discount_rate_yearly": models.yearly_discount_rate,
            "discount_rate_monthly": models.monthly_discount_rate,
            "customers": len(models.summary),
            "bgnbd": models.bgf.params_.to_dict(),
            "gamma_gamma": models.ggf.params_.to_dict() if models.ggf is not None else None,
            "independence": (
                {
                    "pearson_r": float(models.ggf.independence_["pearson_r"].iloc[0]),
                    "assumption_ok": bool(models.ggf.independence_["assumption_ok"].iloc[0]),
                }
                if models.ggf is not None
                else None
            ),
            "note": models.note,
        }
        p = models.predictions
        out["share_probably_lost"] = share_probably_lost(p)
        if models.has_clv:
            out["average_clv"] = float(p["clv"].mean())
            out["median_clv"] = float(p["clv"].median())
            out["total_clv"] = float(p["clv"].sum())
    if validation is not None:
        row = validation.loc["all"]
        out["holdout"] = {
            "calibration_end": validation.attrs.get("calibration_end"),
            "observation_end": validation.attrs.get("observation_end"),
            "customers": row["customers"],
            "predicted_total": row["predicted_total"],
            "actual_total": row["actual_total"],
            "error_pct": row["error_pct"],
            "mae": row["mae"],
            "correlation": row["correlation"],
        }
    if simple is not None:
        out["simple_clv"] = {
            r["window"]: {
                "clv": r["clv"],
                "retention": r["retention"],
                "margin_per_year": r["margin_per_year"],
                "multiple": r["multiple"],
            }
            for r in simple.to_dict("records")
        }
    if segments is not None:
        out["rfm_segments"] = {
            str(s): {
                "customers": r["customers"],
                "customer_share": r["customer_share"],
                "revenue_share": r["revenue_share"],
            }
            for s, r in segments.iterrows()
        }
    if tiers is not None:
        out["tiers"] = {
            str(t): {
                "customers": r["customers"],
                "clv_share": r["clv_share"],
                "revenue_share": r["revenue_share"],
                "clv_mean": r["clv_mean"],
            }
            for t, r in tiers.iterrows()
        }
    if gini is not None:
        out["gini"] = gini
    if curve is not None and len(curve):
        out["top_20_revenue_share"] = top_share(curve, 0.2)
    return jsonable(out)
