"""Monte Carlo simulation of NPV and ROI under uncertain costs and benefits (seeded).

Each cost and benefit category is drawn within its range (triangular by default; a normal
distribution for evidence-based 95 % intervals), all years of a category moving together.
End-of-year timing throughout (see :mod:`crmkit.domains.finance`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from crmkit.domains.finance.inputs import (
    ROI_CONVENTIONS,
    RoiConvention,
    check_choice,
    check_horizon,
    check_rate,
    clean_table,
    discount_factors,
    none_if_nan,
    row_labels,
)

__all__ = ["MonteCarloResult", "monte_carlo"]

_Z_975 = 1.959963984540054  # the standard normal's 97.5 % quantile


def _triangular_ppf(u: np.ndarray, low: Any, mode: Any, high: Any) -> np.ndarray:
    """The inverse distribution function of the triangular distribution (vectorised)."""
    low, mode, high = (np.asarray(x, dtype="float64") for x in (low, mode, high))
    width = high - low
    split = np.divide(mode - low, width, out=np.zeros_like(width), where=width > 0)
    left = low + np.sqrt(u * width * (mode - low))
    right = high - np.sqrt((1.0 - u) * width * (high - mode))
    return np.where(u < split, left, right)


def _check_ranges(ranges: pd.DataFrame, categories: set[str]) -> pd.DataFrame:
    if not isinstance(ranges, pd.DataFrame):
        raise ValueError(f"benefit_ranges must be a DataFrame, got {type(ranges).__name__}")
    missing = [c for c in ("category", "low", "central", "high") if c not in ranges.columns]
    if missing:
        raise ValueError(
            f"benefit_ranges: missing column(s) {', '.join(missing)}; expected category, "
            "low, central, high (optional: distribution)"
        )
    out = pd.DataFrame(
        {
            "category": ranges["category"].map(lambda v: str(v).strip()).to_numpy(object),
            **{
                col: pd.to_numeric(ranges[col], errors="coerce").to_numpy(dtype="float64")
                for col in ("low", "central", "high")
            },
            "distribution": (
                ranges["distribution"].fillna("triangular").astype(str).str.lower().to_numpy()
                if "distribution" in ranges.columns
                else "triangular"
            ),
        },
        index=ranges.index,
    )
    problems = []
    unknown = sorted(set(out["category"]) - categories)
    if unknown:
        problems.append(
            f"benefit_ranges, column category: {', '.join(unknown)} not in benefits "
            f"(categories: {', '.join(sorted(categories))})"
        )
    duplicated = out["category"].duplicated()
    if duplicated.any():
        problems.append(
            f"benefit_ranges, column category, rows {row_labels(out.index[duplicated.to_numpy()])}:"
            " each category once"
        )
    values = out[["low", "central", "high"]].to_numpy()
    bad = (
        ~np.isfinite(values).all(axis=1)
        | (out["low"] > out["central"]).to_numpy()
        | (out["central"] > out["high"]).to_numpy()
        | (out["central"] <= 0).to_numpy()
    )
    if bad.any():
        problems.append(
            f"benefit_ranges, rows {row_labels(out.index[bad])}: expected numbers with "
            "low ≤ central ≤ high and central > 0"
        )
    bad = ~out["distribution"].isin(["triangular", "normal"])
    if bad.any():
        problems.append(
            f"benefit_ranges, column distribution, rows {row_labels(out.index[bad.to_numpy()])}: "
            "expected triangular or normal"
        )
    if problems:
        raise ValueError("\n".join(problems))
    return out.set_index("category")


@dataclass(frozen=True, eq=False)
class MonteCarloResult:
    """The distribution of NPV and ROI over simulated draws (see :func:`monte_carlo`).

    Attributes
    ----------
    npv, roi : ndarray
        One value per draw (read-only); ``roi`` is NaN where its denominator is 0.
    n, seed : int
    p_npv_positive : float
        Share of draws with NPV > 0.
    npv_mean, npv_std : float
        Mean and standard deviation of the NPV draws (``npv_std / sqrt(n)`` is the Monte
        Carlo standard error of the mean).
    npv_p5, npv_p50, npv_p95 : float
        Percentiles of NPV.
    roi_mean, roi_p5, roi_p50, roi_p95 : float or None
        Likewise for ROI (None when ROI is never defined).
    discount_rate : float
    horizon_years : int
    roi_convention : str
    """

    npv: np.ndarray
    roi: np.ndarray
    n: int
    seed: int
    p_npv_positive: float
    npv_mean: float
    npv_std: float
    npv_p5: float
    npv_p50: float
    npv_p95: float
    roi_mean: float | None
    roi_p5: float | None
    roi_p50: float | None
    roi_p95: float | None
    discount_rate: float
    horizon_years: int
    roi_convention: str

    @property
    def draws(self) -> pd.DataFrame:
        """The draws as a DataFrame with columns ``draw``, ``npv``, ``roi``."""
        return pd.DataFrame({"draw": np.arange(self.n), "npv": self.npv, "roi": self.roi})

    def to_dict(self) -> dict[str, Any]:
        """The summary as results.json keys (no draws; NaN as None): n, seed,
        p_npv_positive, npv_mean, npv_std, npv_p5, npv_p50, npv_p95, roi_mean, roi_p5,
        roi_p50, roi_p95, discount_rate, horizon_years, roi_convention."""
        return {
            f.name: none_if_nan(getattr(self, f.name))
            for f in fields(self)
            if f.name not in ("npv", "roi")
        }


def monte_carlo(
    costs: pd.DataFrame | None,
    benefits: pd.DataFrame | None,
    *,
    discount_rate: float = 0.10,
    horizon_years: int = 3,
    n: int = 10_000,
    seed: int = 0,
    benefit_ranges: pd.DataFrame | None = None,
    roi_convention: RoiConvention = "present_value",
) -> MonteCarloResult:
    """Simulate NPV and ROI under uncertain costs and benefits (vectorised, seeded).

    Parameters
    ----------
    costs, benefits : DataFrame or None
        The canonical tables; their *unadjusted* amounts and risk adjustments set the ranges.
    discount_rate : float, default 0.10
    horizon_years : int, default 3
    n : int, default 10_000
        Number of draws.
    seed : int, default 0
        Seed of the random generator (same seed, same draws).
    benefit_ranges : DataFrame, optional
        Evidence-based ranges per benefit category, columns ``category``, ``low``,
        ``central``, ``high`` and optionally ``distribution`` ("triangular", the default,
        with mode ``central``; or "normal" with mean ``central`` and ``low`` / ``high`` read
        as a 95 % interval, sd = (high − low) / (2 × 1.96)). The three numbers may be in any
        unit proportional to the benefit — money a year, or a KPI's estimated change and its
        confidence interval: each draw ``x`` multiplies every year's amount of the category by
        ``x / central``. Categories not listed use the default range.
    roi_convention : {"present_value", "simple"}
        As in :func:`investment_summary`.

    Returns
    -------
    MonteCarloResult

    Warnings
    --------
    End-of-year timing, as everywhere in this module.

    Notes
    -----
    Default ranges (triangular, mode at the stated amount):

    - a benefit between ``amount × (1 − risk)`` and ``amount × (1 + risk)`` — symmetric, so
      its mean is the unadjusted amount;
    - a cost between ``amount`` and ``amount × (1 + risk)`` — overruns only, mean
      ``amount × (1 + risk / 3)``.

    Draws are independent between categories and perfectly correlated across the years of
    one category (one uniform number per category and draw drives all its years: a benefit
    that falls short in year 1 falls short in every year). Benefits are drawn before costs,
    categories in sorted order, so a seed fixes every draw.

    The risk-adjusted NPV of :func:`investment_summary` takes every benefit at the low end
    of its range and every cost at the high end at once; it is a deliberately conservative
    case and usually lies below the simulation's 5th percentile.

    Examples
    --------
    >>> costs = pd.DataFrame({"year": [0], "category": "licences", "amount": [100.0]})
    >>> benefits = pd.DataFrame({"year": [1], "category": "sales", "amount": [220.0],
    ...                          "risk_adjustment": [0.2]})
    >>> result = monte_carlo(costs, benefits, n=1000, seed=1)
    >>> result.p_npv_positive
    1.0
    """
    rate = check_rate(discount_rate)
    horizon = check_horizon(horizon_years)
    convention = check_choice(roi_convention, ROI_CONVENTIONS, "roi_convention")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a whole number ≥ 1, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number ≥ 0, got {seed!r}")
    n, seed = int(n), int(seed)
    c, _ = clean_table(costs, "costs", horizon_years=horizon)
    b, _ = clean_table(benefits, "benefits", horizon_years=horizon)
    factors = discount_factors(rate, horizon)
    rng = np.random.default_rng(seed)

    # benefits: (n draws) × (rows) matrix of amounts
    b_categories, b_index = np.unique(b["category"].to_numpy(dtype=str), return_inverse=True)
    u = rng.random((n, len(b_categories)))[:, b_index]
    amount, risk = b["amount"].to_numpy(), b["risk_adjustment"].to_numpy()
    b_draws = _triangular_ppf(u, amount * (1 - risk), amount, amount * (1 + risk))
    if benefit_ranges is not None:
        ranges = _check_ranges(benefit_ranges, set(b_categories))
        for category, spec in ranges.iterrows():
            rows = np.flatnonzero(b["category"].to_numpy(dtype=str) == category)
            u_cat = u[:, rows[0]]  # every row of a category shares its uniform draw
            if spec["distribution"] == "normal":
                sd = (spec["high"] - spec["low"]) / (2 * _Z_975)
                draw = spec["central"] + sd * special.ndtri(np.clip(u_cat, 1e-12, 1 - 1e-12))
            else:
                draw = _triangular_ppf(u_cat, spec["low"], spec["central"], spec["high"])
            b_draws[:, rows] = np.outer(draw / spec["central"], amount[rows])

    c_categories, c_index = np.unique(c["category"].to_numpy(dtype=str), return_inverse=True)
    u = rng.random((n, len(c_categories)))[:, c_index]
    amount, risk = c["amount"].to_numpy(), c["risk_adjustment"].to_numpy()
    c_draws = _triangular_ppf(u, amount, amount, amount * (1 + risk))

    pv_benefits = b_draws @ factors[b["year"].to_numpy()]
    pv_costs = c_draws @ factors[c["year"].to_numpy()]
    npv = pv_benefits - pv_costs
    if convention == "present_value":
        numerator, denominator = npv, pv_costs
    else:
        numerator = b_draws.sum(axis=1) / horizon
        denominator = c_draws[:, c["year"].to_numpy() == 0].sum(axis=1)
    roi = np.divide(
        numerator,
        denominator,
        out=np.full(n, np.nan),
        where=denominator != 0,
    )
    npv.setflags(write=False)
    roi.setflags(write=False)
    npv_p = np.percentile(npv, [5, 50, 95])
    finite = roi[np.isfinite(roi)]
    roi_p = np.percentile(finite, [5, 50, 95]) if finite.size else [None] * 3
    return MonteCarloResult(
        npv=npv,
        roi=roi,
        n=n,
        seed=seed,
        p_npv_positive=float(np.mean(npv > 0)),
        npv_mean=float(npv.mean()),
        npv_std=float(npv.std(ddof=1)) if n > 1 else 0.0,
        npv_p5=float(npv_p[0]),
        npv_p50=float(npv_p[1]),
        npv_p95=float(npv_p[2]),
        roi_mean=float(finite.mean()) if finite.size else None,
        roi_p5=none_if_nan(roi_p[0]),
        roi_p50=none_if_nan(roi_p[1]),
        roi_p95=none_if_nan(roi_p[2]),
        discount_rate=rate,
        horizon_years=horizon,
        roi_convention=convention,
    )
