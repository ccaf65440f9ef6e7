"""The tornado: how far NPV moves when one input moves and the others stay put."""

from __future__ import annotations

import pandas as pd

from crmkit.domains.finance.inputs import (
    adjusted_amounts,
    check_horizon,
    check_rate,
    clean_table,
    discount_factors,
    per_year,
)

__all__ = ["sensitivity"]


def sensitivity(
    costs: pd.DataFrame | None,
    benefits: pd.DataFrame | None,
    *,
    discount_rate: float = 0.10,
    horizon_years: int = 3,
    swing: float = 0.2,
    rate_swing: float = 0.05,
    risk_adjusted: bool = True,
) -> pd.DataFrame:
    """The tornado: how far NPV moves when one input moves and the others stay put.

    Each cost category's and each benefit category's amounts (all years together) are
    multiplied by ``1 − swing`` and ``1 + swing``; the discount rate moves by ``±
    rate_swing`` (not below 0).

    Parameters
    ----------
    costs, benefits : DataFrame or None
    discount_rate : float, default 0.10
    horizon_years : int, default 3
    swing : float, default 0.2
        Relative change of a category's amounts (0.2 = ±20 %), from 0 to 1.
    rate_swing : float, default 0.05
        Absolute change of the discount rate (0.05 = ±5 percentage points), ≥ 0.
    risk_adjusted : bool, default True
        Start from the risk-adjusted amounts (the headline NPV).

    Returns
    -------
    DataFrame
        One row per driver, the widest range first (ties by kind and driver): ``driver``
        (the category, or "discount rate"), ``kind`` ("cost", "benefit", "discount rate"),
        ``swing`` (the relative or absolute change applied), ``base_npv``,
        ``npv_if_lower`` / ``npv_if_higher`` (NPV with the driver lowered / raised),
        ``low_npv`` / ``high_npv`` (the smaller / larger of the two) and ``range``
        (``high_npv − low_npv``).

    Warnings
    --------
    End-of-year timing, as everywhere in this module.

    Notes
    -----
    NPV is linear in each amount, so a benefit category with present value ``PV`` gives
    ``range = 2 × swing × PV`` (a cost category likewise).

    Examples
    --------
    >>> costs = pd.DataFrame({"year": [0], "category": "licences", "amount": [100.0]})
    >>> benefits = pd.DataFrame({"year": [1], "category": "sales", "amount": [220.0]})
    >>> sensitivity(costs, benefits)[["driver", "kind", "range"]].round(2)
              driver           kind  range
    0          sales        benefit  80.00
    1       licences           cost  40.00
    2  discount rate  discount rate  18.22
    """
    rate = check_rate(discount_rate)
    horizon = check_horizon(horizon_years)
    swing = check_rate(swing, "swing")
    if swing > 1:
        raise ValueError(f"swing must be a fraction from 0 to 1, got {swing!r}")
    rate_swing = check_rate(rate_swing, "rate_swing")
    c, _ = clean_table(costs, "costs", horizon_years=horizon)
    b, _ = clean_table(benefits, "benefits", horizon_years=horizon)
    cost_amount = adjusted_amounts(c, "costs", risk_adjusted)
    benefit_amount = adjusted_amounts(b, "benefits", risk_adjusted)
    cost_years = per_year(c, cost_amount, horizon)
    benefit_years = per_year(b, benefit_amount, horizon)

    def npv_at(r: float) -> float:
        return float((benefit_years - cost_years) @ discount_factors(r, horizon))

    base = npv_at(rate)
    factors = discount_factors(rate, horizon)
    rows = []
    for kind, table, amount, sign in (
        ("cost", c, cost_amount, -1.0),
        ("benefit", b, benefit_amount, 1.0),
    ):
        pv = pd.Series(amount * factors[table["year"].to_numpy()]).groupby(
            table["category"].to_numpy(), sort=True
        )
        for category, category_pv in pv.sum().items():
            delta = sign * swing * float(category_pv)
            rows.append((category, kind, swing, base, base - delta, base + delta))
    rows.append(
        (
            "discount rate",
            "discount rate",
            rate_swing,
            base,
            npv_at(max(rate - rate_swing, 0.0)),
            npv_at(rate + rate_swing),
        )
    )
    out = pd.DataFrame(
        rows,
        columns=["driver", "kind", "swing", "base_npv", "npv_if_lower", "npv_if_higher"],
    )
    out["low_npv"] = out[["npv_if_lower", "npv_if_higher"]].min(axis=1)
    out["high_npv"] = out[["npv_if_lower", "npv_if_higher"]].max(axis=1)
    out["range"] = out["high_npv"] - out["low_npv"]
    out["driver"] = out["driver"].astype(object)
    out["kind"] = out["kind"].astype(object)
    out = out.sort_values(["range", "kind", "driver"], ascending=[False, True, True], kind="stable")
    return out.reset_index(drop=True)
