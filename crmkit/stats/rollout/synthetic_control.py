"""Synthetic control for a pilot unit (or the average of a few treated units).

Donor weights w ≥ 0 with Σw = 1 minimise Σ_pre (Y_1t − Σ_j w_j Y_jt)² over the pre-period
outcome path (optionally with covariate rows, each scaled to the outcome's spread); the
synthetic path is Σ_j w_j Y_jt, the gap Y_1t − synthetic_t, the effect the mean post-period
gap. Inference is by placebos in space: each donor is treated as if it had gone live and is
refitted on the other donors; the treated unit's post/pre RMSPE ratio is ranked among all
(rank 1 = largest) and p = rank / (donors + 1) (Abadie, Diamond and Hainmueller 2010); the
interval holds the constant effects that test does not reject (Firpo and Possebom 2018).

References
----------
Abadie, A., Diamond, A. and Hainmueller, J. (2010). Synthetic control methods for comparative
case studies. Journal of the American Statistical Association 105(490), 493–505.
Abadie, A. (2021). Using synthetic controls. Journal of Economic Literature 59(2), 391–425.
Firpo, S. and Possebom, V. (2018). Synthetic control method: inference, sensitivity analysis
and confidence sets. Journal of Causal Inference 6(2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

from crmkit.stats.primitives import check_alpha
from crmkit.stats.rollout.status import Fit, Inference, InferenceMethod

__all__ = [
    "POOR_FIT_RELATIVE_RMSPE",
    "SYNTHETIC_SUMMARY_COLUMNS",
    "SyntheticControl",
    "placebo_interval",
    "simplex_weights",
]

#: A pre-period RMSPE above this fraction of the treated unit's mean absolute pre-period
#: level is a poor fit (:attr:`Fit.POOR`): the synthetic unit does not track the treated one
#: closely enough before go-live for its post-period gap to be read as an effect.
POOR_FIT_RELATIVE_RMSPE = 0.10

#: Columns of :meth:`SyntheticControl.summary`.
SYNTHETIC_SUMMARY_COLUMNS: tuple[str, ...] = (
    "treated",
    "effect",
    "synthetic_post_mean",
    "effect_pct",
    "ci_low",
    "ci_high",
    "ci_low_pct",
    "ci_high_pct",
    "pre_rmspe",
    "relative_pre_rmspe",
    "post_rmspe",
    "rmspe_ratio",
    "fit",
    "rank",
    "n_donors",
    "p_value",
    "method",
    "inference",
)


def simplex_weights(donors: np.ndarray, target: np.ndarray) -> np.ndarray:
    """argmin ||target − donors @ w||² subject to w ≥ 0, Σ w = 1 (SLSQP from an NNLS start).

    Examples
    --------
    >>> a, b = np.array([1.0, 2.0, 4.0]), np.array([3.0, 1.0, 2.0])
    >>> np.round(simplex_weights(np.column_stack([a, b]), 0.3 * a + 0.7 * b), 6).tolist()
    [0.3, 0.7]
    """
    n = donors.shape[1]
    if n == 1:
        return np.ones(1)
    scale = max(float(np.abs(target).max()), float(np.abs(donors).max()), 1e-300)
    x0, x1 = donors / scale, target / scale
    penalty = 1e3 * math.sqrt(max(x1.size, 1))
    start, _ = optimize.nnls(
        np.vstack([x0, penalty * np.ones((1, n))]), np.append(x1, penalty), maxiter=50 * n
    )
    start = start / start.sum() if start.sum() > 0 else np.full(n, 1.0 / n)
    gram, linear = x0.T @ x0, x0.T @ x1
    result = optimize.minimize(
        lambda w: 0.5 * w @ gram @ w - linear @ w,
        start,
        jac=lambda w: gram @ w - linear,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * n,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones(n)}],
        options={"maxiter": 1000, "ftol": 1e-15},
    )
    weights = np.clip(result.x, 0.0, None)
    return weights / weights.sum()


def placebo_interval(
    post_gap: np.ndarray, pre_rmspe: float, placebo_ratios: np.ndarray, alpha: float
) -> tuple[float, float]:
    """Constant post-period effects δ not rejected by the placebo rank test (an interval).

    Under H0: the effect is δ in every post period, the treated gap without it is g − δ and
    its post/pre RMSPE ratio r(δ) = RMSPE(g − δ) / pre_rmspe (the weights, fitted on the
    pre-period, do not change; the placebos, fitted on donors only, do not either). δ is kept
    when p(δ) = (1 + #{placebo ratios ≥ r(δ)}) / (J + 1) > alpha, i.e. when r(δ) ≤ c, the
    m-th largest placebo ratio with m the smallest count for which the p-value exceeds alpha.
    r(δ) ≤ c is a quadratic inequality: δ ∈ ḡ ± √(c² pre_rmspe² − var(g)), var with divisor
    n (Firpo and Possebom 2018, test inversion). NaN, NaN when no δ is kept.

    Examples
    --------
    >>> lo, hi = placebo_interval(np.array([2.0, 4.0]), 1.0, np.array([3.0, 1.5]), 0.34)
    >>> round(lo, 6), round(hi, 6)  # 3 ± √(3² · 1 − 1)
    (0.171573, 5.828427)
    """
    n = placebo_ratios.size
    # the smallest count with (1 + count) / (n + 1) > alpha (1e-9 guards alpha · (n + 1) = 1)
    m = math.floor(alpha * (n + 1) - 1 + 1e-9) + 1
    m = max(m, 0)
    if m > n or not (pre_rmspe > 0) or post_gap.size == 0:
        return math.nan, math.nan
    if m == 0:
        return -math.inf, math.inf
    bound = np.sort(placebo_ratios)[::-1][m - 1]
    centre = float(post_gap.mean())
    room = (bound * pre_rmspe) ** 2 - float(post_gap.var())
    if not room >= 0:
        return math.nan, math.nan
    return centre - math.sqrt(room), centre + math.sqrt(room)


def _rmspe(gap: np.ndarray) -> float:
    return math.sqrt(float(np.mean(gap**2))) if gap.size else math.nan


class SyntheticControl:
    """Synthetic control of one treated unit, or of the average of a few, with placebos.

    Parameters
    ----------
    alpha : float
        Significance level; with fewer than 1/alpha − 1 donors no placebo rank can reach it
        (:attr:`Inference.TOO_FEW_UNITS`).
    max_relative_rmspe : float
        Threshold of :attr:`Fit.POOR` (default :data:`POOR_FIT_RELATIVE_RMSPE`).

    Attributes (after :meth:`fit`)
    -------------------------------
    weights_ : Series
        Donor → weight (non-negative, sum 1).
    path_ : DataFrame
        period, treated, synthetic, gap, post (bool): the treated (average) path and its
        synthetic counterpart.
    placebos_ : DataFrame
        unit, is_treated, pre_rmspe, post_rmspe, rmspe_ratio, rank (1 = largest ratio).
    placebo_gaps_ : DataFrame
        unit, is_treated, period, gap: every unit's gap path, for a chart.

    Examples
    --------
    >>> periods = list(range(1, 7))
    >>> a, b, c = [1.0, 2, 3, 4, 5, 6], [2.0, 2, 1, 3, 2, 2], [5.0, 4, 4, 2, 3, 1]
    >>> pilot = [0.3 * x + 0.7 * y for x, y in zip(a, b)]
    >>> pilot[4:] = [v + 1 for v in pilot[4:]]
    >>> panel = pd.DataFrame({"unit": ["P"] * 6 + ["A"] * 6 + ["B"] * 6 + ["C"] * 6,
    ...                       "period": periods * 4, "outcome": pilot + a + b + c})
    >>> fit = SyntheticControl().fit(panel, "P", go_live=5)
    >>> fit.weights_.round(6).to_dict()
    {'A': 0.3, 'B': 0.7, 'C': 0.0}
    >>> round(float(fit.summary().loc[0, "effect"]), 6)
    1.0
    """

    def __init__(
        self, *, alpha: float = 0.05, max_relative_rmspe: float = POOR_FIT_RELATIVE_RMSPE
    ) -> None:
        check_alpha(alpha)
        self.alpha, self.max_relative_rmspe = alpha, max_relative_rmspe

    def fit(
        self,
        panel: pd.DataFrame,
        treated: Any | Sequence[Any],
        go_live: Any,
        *,
        unit: str = "unit",
        period: str = "period",
        outcome: str = "outcome",
        donors: Sequence[Any] | None = None,
        covariates: pd.DataFrame | None = None,
    ) -> SyntheticControl:
        """Fit the synthetic control and its placebos in space.

        Parameters
        ----------
        panel : DataFrame
            Long panel with columns ``unit``, ``period`` (sortable: pd.Period, timestamps or
            integers) and ``outcome``; every unit used needs an outcome in every period.
        treated : label or sequence of labels
            The pilot unit, or several treated units whose average path is the target.
        go_live : same kind as the period column
            First treated period; earlier periods are the pre-period.
        donors : sequence, optional
            Untreated units to draw from (default: every other unit).
        covariates : DataFrame, optional
            Indexed by unit, numeric columns; each is matched besides the pre-period path
            after scaling to the outcome's spread.
        """
        for name in (unit, period, outcome):
            if name not in panel.columns:
                raise ValueError(f"panel has no column {name!r}; it has {list(panel.columns)}")
        treated_units = (
            list(treated) if isinstance(treated, (list, tuple, set, pd.Index)) else [treated]
        )
        wide = panel.pivot_table(index=period, columns=unit, values=outcome, aggfunc="mean")
        wide = wide.sort_index()
        missing = [name for name in treated_units if name not in wide.columns]
        if missing:
            raise ValueError(f"treated unit(s) {missing} are not in the panel's {unit!r} column")
        pool = [
            name
            for name in (donors if donors is not None else wide.columns)
            if name not in treated_units
        ]
        gaps = [name for name in treated_units + pool if wide[name].isna().any()]
        if gaps:
            raise ValueError(
                f"units {gaps[:10]} lack an outcome in some periods; every period is needed"
            )
        post = np.asarray(wide.index >= go_live)
        if post.all() or not post.any():
            raise ValueError(
                f"go_live {go_live!r} leaves no pre-period or no post-period in the panel"
            )
        if len(pool) < 1:
            raise ValueError("synthetic control needs at least one donor unit")
        self.treated_ = treated_units
        target = wide[treated_units].mean(axis=1).to_numpy()
        donor_paths = wide[pool].to_numpy()
        extra = self._covariate_rows(covariates, treated_units, pool, target[~post])
        weights, gap = self._fit_one(target, donor_paths, post, extra)
        self.weights_ = pd.Series(weights, index=pd.Index(pool, name=unit), name="weight")
        synthetic = target - gap
        self.path_ = pd.DataFrame(
            {
                "period": wide.index,
                "treated": target,
                "synthetic": synthetic,
                "gap": gap,
                "post": post,
            }
        )
        rows, paths = [self._placebo_row("treated", True, gap, post)], [("treated", True, gap)]
        for index, name in enumerate(pool):
            others = [j for j in range(len(pool)) if j != index]
            if not others:
                continue
            sub_extra = None
            if extra is not None:
                sub_extra = (extra[1][:, index], extra[1][:, others])
            _, placebo_gap = self._fit_one(
                donor_paths[:, index], donor_paths[:, others], post, sub_extra
            )
            rows.append(self._placebo_row(name, False, placebo_gap, post))
            paths.append((name, False, placebo_gap))
        placebos = pd.DataFrame(rows)
        placebos.loc[0, "unit"] = ", ".join(map(str, treated_units))
        ratio = placebos["rmspe_ratio"].to_numpy()
        placebos["rank"] = [int(np.sum(ratio >= value * (1 - 1e-12))) for value in ratio]
        self.placebos_ = placebos
        self.placebo_gaps_ = pd.DataFrame(
            [
                {"unit": name, "is_treated": flag, "period": when, "gap": value}
                for name, flag, path in paths
                for when, value in zip(wide.index, path, strict=True)
            ]
        )
        self.placebo_gaps_.loc[self.placebo_gaps_["is_treated"], "unit"] = placebos.loc[0, "unit"]
        self.summary_ = self._summarize(target, synthetic, gap, post, len(placebos) - 1)
        return self

    def _covariate_rows(
        self,
        covariates: pd.DataFrame | None,
        treated: list[Any],
        pool: list[Any],
        pre_target: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray] | None:
        if covariates is None or covariates.shape[1] == 0:
            return None
        absent = [name for name in treated + pool if name not in covariates.index]
        if absent:
            raise ValueError(f"covariates lack the unit(s) {absent[:10]}")
        values = covariates.loc[treated + pool].apply(pd.to_numeric).to_numpy(dtype=float)
        spread = values.std(axis=0)
        spread[spread == 0] = 1.0
        scaled = values / spread * max(float(np.std(pre_target)), 1e-12)
        return scaled[: len(treated)].mean(axis=0), scaled[len(treated) :].T

    @staticmethod
    def _fit_one(
        target: np.ndarray,
        donors: np.ndarray,
        post: np.ndarray,
        extra: tuple[np.ndarray, np.ndarray] | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        x1, x0 = target[~post], donors[~post]
        if extra is not None:
            x1, x0 = np.append(x1, extra[0]), np.vstack([x0, extra[1]])
        weights = simplex_weights(x0, x1)
        return weights, target - donors @ weights

    @staticmethod
    def _placebo_row(
        name: Any, is_treated: bool, gap: np.ndarray, post: np.ndarray
    ) -> dict[str, Any]:
        pre_rmspe, post_rmspe = _rmspe(gap[~post]), _rmspe(gap[post])
        ratio = post_rmspe / pre_rmspe if pre_rmspe > 0 else math.inf
        return {
            "unit": name,
            "is_treated": is_treated,
            "pre_rmspe": pre_rmspe,
            "post_rmspe": post_rmspe,
            "rmspe_ratio": ratio,
        }

    def _summarize(
        self,
        target: np.ndarray,
        synthetic: np.ndarray,
        gap: np.ndarray,
        post: np.ndarray,
        n_donors: int,
    ) -> pd.DataFrame:
        effect = float(gap[post].mean())
        level = float(synthetic[post].mean())
        pre_rmspe = _rmspe(gap[~post])
        pre_level = float(np.mean(np.abs(target[~post])))
        relative = pre_rmspe / pre_level if pre_level > 0 else math.inf
        fit = Fit.POOR if not relative <= self.max_relative_rmspe else Fit.GOOD
        rank = int(self.placebos_.loc[0, "rank"])
        p_value = rank / (n_donors + 1)
        inference = Inference.TOO_FEW_UNITS if 1 / (n_donors + 1) > self.alpha else Inference.OK
        low, high = math.nan, math.nan
        if inference is Inference.OK:
            placebo_ratios = self.placebos_["rmspe_ratio"].to_numpy()[1:]
            low, high = placebo_interval(gap[post], pre_rmspe, placebo_ratios, self.alpha)
        row = {
            "treated": ", ".join(map(str, self.treated_)),
            "effect": effect,
            "synthetic_post_mean": level,
            "effect_pct": effect / level if level != 0 else math.nan,
            "ci_low": low,
            "ci_high": high,
            "ci_low_pct": low / level if level != 0 else math.nan,
            "ci_high_pct": high / level if level != 0 else math.nan,
            "pre_rmspe": pre_rmspe,
            "relative_pre_rmspe": relative,
            "post_rmspe": float(self.placebos_.loc[0, "post_rmspe"]),
            "rmspe_ratio": float(self.placebos_.loc[0, "rmspe_ratio"]),
            "fit": fit,
            "rank": rank,
            "n_donors": n_donors,
            "p_value": p_value,
            "method": InferenceMethod.PLACEBO_RANK,
            "inference": inference,
        }
        return pd.DataFrame([row], columns=list(SYNTHETIC_SUMMARY_COLUMNS))

    def summary(self) -> pd.DataFrame:
        """One row: the effect and how far it can be trusted.

        Returns
        -------
        DataFrame
            treated (labels joined by ", "); effect (mean post-period gap, outcome units);
            synthetic_post_mean; effect_pct (effect / synthetic_post_mean, a fraction);
            ci_low, ci_high, ci_low_pct, ci_high_pct (the constant effects the placebo
            rank test does not reject, :func:`placebo_interval`; NaN when too few donors or
            when every constant effect is rejected); pre_rmspe, relative_pre_rmspe (over the treated unit's mean
            absolute pre-period level), post_rmspe, rmspe_ratio (post / pre); fit
            (:class:`Fit`); rank (of the treated ratio among treated + placebos, 1 =
            largest); n_donors (placebos run); p_value (rank / (n_donors + 1)); method
            (:attr:`InferenceMethod.PLACEBO_RANK`); inference (:class:`Inference`).
        """
        return self.summary_.copy()
