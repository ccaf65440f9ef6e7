"""Staggered difference-in-differences: the imputation estimator with honest inference.

:class:`StaggeredDiD` fits the imputation estimator (:mod:`crmkit.stats.rollout.imputation`)
and reports the overall effect, the effect per go-live cohort and by periods since each unit's
own go-live, with the pre-trend test (:mod:`crmkit.stats.rollout.pre_trend`). Inference:

- many units (at least :data:`ASYMPTOTIC_MIN_UNITS` units of which at least
  :data:`ASYMPTOTIC_MIN_TREATED` treated): BJS conservative cluster-robust standard errors,
  normal intervals;
- fewer: randomization inference over the assignment of go-live dates to units
  (:mod:`crmkit.stats.rollout.randomization`); when even that cannot reach alpha the status is
  :attr:`Inference.TOO_FEW_UNITS` and the interval is NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from crmkit.stats.primitives import check_alpha
from crmkit.stats.rollout.imputation import Imputation, Term, impute
from crmkit.stats.rollout.panel import Panel, prepare_panel
from crmkit.stats.rollout.pre_trend import LeadTest, test_leads
from crmkit.stats.rollout.randomization import RandomizationResult, randomization_inference
from crmkit.stats.rollout.status import Inference, InferenceMethod, PreTrend

__all__ = [
    "ASYMPTOTIC_MIN_TREATED",
    "ASYMPTOTIC_MIN_UNITS",
    "SUMMARY_COLUMNS",
    "StaggeredDiD",
]

#: Cluster-robust (asymptotic) inference needs at least this many units (clusters) …
ASYMPTOTIC_MIN_UNITS = 30
#: … of which at least this many treated; otherwise randomization inference is used.
ASYMPTOTIC_MIN_TREATED = 10

#: Columns of :meth:`StaggeredDiD.summary`.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "term",
    "cohort",
    "event_time",
    "estimate",
    "y0_mean",
    "estimate_pct",
    "se",
    "ci_low",
    "ci_high",
    "ci_low_pct",
    "ci_high_pct",
    "p_value",
    "n_cells",
    "n_units",
    "method",
    "inference",
)


class StaggeredDiD:
    """Imputation estimator of a staggered rollout (Borusyak, Jaravel and Spiess 2024).

    Parameters
    ----------
    alpha : float
        Level of the intervals is 1 − alpha; the pre-trend test fails below alpha.
    horizon : int or None
        Largest number of periods since go-live in the event study (0 … horizon); None: all.
    leads : int
        Periods before each unit's go-live tested for a pre-trend (BJS test 1).
    inference : {"auto", "cluster_robust", "randomization"}
        "auto" picks cluster-robust errors with many units, randomization inference otherwise.
    max_exact, n_permutations, seed
        Randomization inference: enumerate every distinct assignment up to ``max_exact``, else
        draw ``n_permutations`` with this seed (the pre-trend bootstrap uses it too).

    Attributes (after :meth:`fit`)
    -------------------------------
    imputation_ : Imputation
        Row-level fit (imputed Y(0), τ).
    method_ : InferenceMethod
    pre_trend_ : LeadTest
    pre_trend_status_ : PreTrend
    randomization_ : RandomizationResult or None

    Notes
    -----
    τ_it = Y_it − α̂_i − λ̂_t with α, λ fitted on untreated observations only (never-treated
    units and not-yet-treated periods; already-treated observations are never controls). An
    estimate is the weighted mean of τ over its cells, ``estimate_pct`` = estimate / mean of
    Ŷ(0) over the same cells (its interval divides the effect's interval by that mean).
    Treated cells whose unit or period has no untreated observation cannot be imputed and are
    left out (``n_cells`` counts those used).

    Examples
    --------
    >>> panel = pd.DataFrame({"unit": ["a"] * 3 + ["b"] * 3, "period": [1, 2, 3] * 2,
    ...                       "outcome": [1.0, 2.0, 6.0, 2.0, 3.0, 4.0]})
    >>> fit = StaggeredDiD(inference="randomization").fit(panel, {"a": 3})
    >>> round(float(fit.summary().loc[0, "estimate"]), 12)  # 6 − (1.5 + 4 − 2.5)
    3.0
    >>> str(fit.summary().loc[0, "inference"])
    'too_few_units'
    """

    def __init__(
        self,
        *,
        alpha: float = 0.05,
        horizon: int | None = None,
        leads: int = 3,
        inference: str = "auto",
        max_exact: int = 2000,
        n_permutations: int = 999,
        seed: int = 0,
    ) -> None:
        check_alpha(alpha)
        if inference not in ("auto", *InferenceMethod):
            raise ValueError(
                f"inference must be 'auto', 'cluster_robust' or 'randomization', got {inference!r}"
            )
        self.alpha, self.horizon, self.leads, self.inference = alpha, horizon, leads, inference
        self.max_exact, self.n_permutations, self.seed = max_exact, n_permutations, seed

    def fit(
        self,
        panel: pd.DataFrame,
        go_live: Mapping[Any, Any],
        *,
        unit: str = "unit",
        period: str = "period",
        outcome: str = "outcome",
        weight: str | None = None,
    ) -> StaggeredDiD:
        """Fit on a long panel.

        Parameters
        ----------
        panel : DataFrame
            One row per unit and period (several rows per cell are allowed): columns
            ``unit``, ``period`` (pd.Period, month-start timestamps or integers),
            ``outcome`` (numeric; rows where it is missing are dropped) and optionally
            ``weight`` (non-negative, e.g. customers in the cell).
        go_live : mapping
            Unit → first treated period (a date, a pd.Period or an integer like the period
            column). Units absent or mapped to None/NaT never got the treatment.
        """
        self.panel_: Panel = prepare_panel(
            panel, go_live, unit=unit, period=period, outcome=outcome, weight=weight
        )
        self.imputation_: Imputation = impute(self.panel_)
        self.terms_ = self._terms(self.imputation_)
        self.method_ = self._method(self.imputation_)
        rng = np.random.default_rng(self.seed)
        self.pre_trend_: LeadTest = test_leads(
            self.imputation_, self.leads, alpha=self.alpha, rng=rng
        )
        p = self.pre_trend_.p_value
        self.pre_trend_status_ = (
            PreTrend.NOT_TESTABLE
            if not np.isfinite(p)
            else PreTrend.FAILED
            if p < self.alpha
            else PreTrend.PASSED
        )
        self.randomization_: RandomizationResult | None = None
        if self.method_ is InferenceMethod.RANDOMIZATION:
            self.randomization_ = randomization_inference(
                self.panel_,
                self.terms_,
                alpha=self.alpha,
                max_exact=self.max_exact,
                n_permutations=self.n_permutations,
                seed=self.seed,
            )
        self.summary_ = self._summarize()
        return self

    def _terms(self, imputation: Imputation) -> list[Term]:
        cohorts = np.unique(imputation.cohort[imputation.imputable])
        horizons = np.unique(imputation.event_time[imputation.imputable])
        if self.horizon is not None:
            horizons = horizons[horizons <= self.horizon]
        return (
            [Term("overall")]
            + [Term("cohort", float(g)) for g in cohorts]
            + [Term("event_time", float(k)) for k in horizons]
        )

    def _method(self, imputation: Imputation) -> InferenceMethod:
        if self.inference != "auto":
            return InferenceMethod(self.inference)
        n_units = self.panel_.n_units
        n_treated = np.unique(self.panel_.unit[imputation.imputable]).size
        many = n_units >= ASYMPTOTIC_MIN_UNITS and n_treated >= ASYMPTOTIC_MIN_TREATED
        return InferenceMethod.CLUSTER_ROBUST if many else InferenceMethod.RANDOMIZATION

    def _summarize(self) -> pd.DataFrame:
        imputation, terms = self.imputation_, self.terms_
        values = imputation.estimates(terms)
        rows = []
        z = stats.norm.isf(self.alpha / 2)
        for index, term in enumerate(terms):
            estimate, y0_mean = values[index]
            mask = imputation.mask(term)
            se = math.nan
            if not np.isfinite(estimate):
                status, p, low, high = Inference.NO_ESTIMATE, math.nan, math.nan, math.nan
            elif self.randomization_ is not None:
                r = self.randomization_
                status, p = r.status[index], float(r.p_value[index])
                low, high = float(r.ci_low[index]), float(r.ci_high[index])
            else:
                se = math.sqrt(imputation.variance(term))
                low, high = estimate - z * se, estimate + z * se
                p = float(2 * stats.norm.sf(abs(estimate / se))) if se > 0 else math.nan
                status = Inference.OK
            ratio = 1.0 / y0_mean if y0_mean not in (0.0,) and np.isfinite(y0_mean) else math.nan
            rows.append(
                {
                    "term": term.kind,
                    "cohort": self.panel_.label(term.value) if term.kind == "cohort" else None,
                    "event_time": int(term.value) if term.kind == "event_time" else None,
                    "estimate": estimate,
                    "y0_mean": y0_mean,
                    "estimate_pct": estimate * ratio,
                    "se": se,
                    "ci_low": low,
                    "ci_high": high,
                    "ci_low_pct": low * ratio,
                    "ci_high_pct": high * ratio,
                    "p_value": p,
                    "n_cells": int(mask.sum()),
                    "n_units": int(np.unique(self.panel_.unit[mask]).size),
                    "method": self.method_,
                    "inference": status,
                }
            )
        return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))

    def summary(self) -> pd.DataFrame:
        """One row per estimand: the overall effect, each cohort, each horizon 0 … H.

        Returns
        -------
        DataFrame
            term ("overall", "cohort", "event_time"); cohort (go-live period label, None
            otherwise); event_time (periods since go-live, None otherwise); estimate (mean τ,
            outcome units); y0_mean (mean imputed Y(0)); estimate_pct (fraction of y0_mean);
            se (cluster-robust, NaN under randomization inference); ci_low, ci_high and their
            ``_pct`` fractions (NaN when the status is not ok); p_value (two-sided, H0: no
            effect); n_cells, n_units (treated observations and units used); method
            (:class:`InferenceMethod`); inference (:class:`Inference`).
        """
        return self.summary_.copy()

    def event_study(self) -> pd.DataFrame:
        """Leads (pre-trend, k < 0) and horizons (k ≥ 0) in one frame for a chart.

        Columns: event_time, estimate, ci_low, ci_high, p_value, n_cells, kind ("lead" or
        "horizon"), estimate_pct, ci_low_pct, ci_high_pct (leads: relative to the mean
        outcome of their cells).
        """
        leads = self.pre_trend_.leads
        lead_frame = pd.DataFrame(
            {
                "event_time": leads["event_time"].astype(int),
                "estimate": leads["estimate"],
                "ci_low": leads["ci_low"],
                "ci_high": leads["ci_high"],
                "p_value": leads["p_value"],
                "n_cells": leads["n_cells"].astype(int),
                "kind": "lead",
                "estimate_pct": leads["estimate"] / leads["level"],
                "ci_low_pct": leads["ci_low"] / leads["level"],
                "ci_high_pct": leads["ci_high"] / leads["level"],
            }
        )
        post = self.summary_[self.summary_["term"] == "event_time"]
        post_frame = pd.DataFrame(
            {
                "event_time": post["event_time"].astype(int),
                "estimate": post["estimate"],
                "ci_low": post["ci_low"],
                "ci_high": post["ci_high"],
                "p_value": post["p_value"],
                "n_cells": post["n_cells"],
                "kind": "horizon",
                "estimate_pct": post["estimate_pct"],
                "ci_low_pct": post["ci_low_pct"],
                "ci_high_pct": post["ci_high_pct"],
            }
        )
        frames = [frame for frame in (lead_frame, post_frame) if len(frame)]
        if not frames:
            return lead_frame
        return pd.concat(frames, ignore_index=True)
