"""The imputation estimator of staggered difference-in-differences (Borusyak, Jaravel, Spiess).

Unit and period fixed effects are fitted on the untreated observations only (never-treated
units, and treated units before their own go-live), Y(0) is imputed for every treated
observation, τ_it = Y_it − Ŷ_it(0), and an estimand is a weighted mean of τ over a set of
treated observations (all of them, one go-live cohort, one horizon since go-live).

The estimator is linear in Y: τ̂_ω = Σ v_it Y_it with v = ω on the estimand's cells and
v_it = −w_it z_itᵀ (Z₀ᵀ W₀ Z₀)⁻¹ Z₁ᵀ ω on the untreated ones. Its conservative variance
(BJS 2024, Theorem 3) is Σ_units (Σ_t v_it ε̃_it)², with ε̃ the fixed-effects residual on
untreated observations and, on treated ones, τ̂_it minus the v²-weighted mean of τ̂ over the
other units at the same horizon (the leave-out version of BJS's appendix: without it a unit
alone in its cohort would get a zero residual and the variance would be too small).

References
----------
Borusyak, K., Jaravel, X. and Spiess, J. (2024). Revisiting event-study designs: robust and
efficient estimation. Review of Economic Studies 91(6), 3253–3285.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crmkit.stats.rollout.fixed_effects import TwoWayFixedEffects
from crmkit.stats.rollout.panel import Panel

__all__ = ["Imputation", "Term", "impute"]


@dataclass(frozen=True)
class Term:
    """One estimand: all treated cells, one cohort (first treated ordinal), or one horizon."""

    kind: str  #: "overall", "cohort" or "event_time"
    value: float = np.nan  #: the cohort's first treated ordinal, or the horizon k


@dataclass(frozen=True)
class Imputation:
    """Row-level result of one imputation."""

    panel: Panel
    period_code: np.ndarray  #: period code (0 … n_periods − 1) of each row
    event_time: np.ndarray  #: period − first treated period of the row's unit (NaN: never)
    cohort: np.ndarray  #: first treated ordinal of the row's unit (NaN: never)
    treated: np.ndarray  #: bool, the row is treated
    imputable: np.ndarray  #: bool, treated and its Y(0) could be imputed
    y0_hat: np.ndarray  #: imputed Y(0) (fitted value on untreated rows), NaN if unidentified
    fixed_effects: TwoWayFixedEffects

    @property
    def tau(self) -> np.ndarray:
        """τ = Y − Ŷ(0) on imputable treated rows, NaN elsewhere."""
        return np.where(self.imputable, self.panel.y - self.y0_hat, np.nan)

    def mask(self, term: Term) -> np.ndarray:
        """The imputable treated rows of an estimand."""
        if term.kind == "overall":
            return self.imputable
        if term.kind == "cohort":
            return self.imputable & (self.cohort == term.value)
        if term.kind == "event_time":
            return self.imputable & (self.event_time == term.value)
        raise ValueError(f"unknown term kind {term.kind!r}")

    def estimates(self, terms: list[Term], y: np.ndarray | None = None) -> np.ndarray:
        """terms × 2 array: weighted mean of τ and of Ŷ(0) over each term's cells.

        With ``y`` another outcome on the same rows, τ is that outcome minus its own imputation
        (used for the randomization test's inversion).
        """
        if y is None:
            y, y0 = self.panel.y, self.y0_hat
        else:
            y0 = self._impute(y)
        w = np.where(self.imputable, self.panel.weight, 0.0)
        tau = np.where(self.imputable, y - y0, 0.0)
        level = np.where(self.imputable, y0, 0.0)
        out = np.full((len(terms), 2), np.nan)
        for kind, key in (
            ("overall", None),
            ("cohort", self.cohort),
            ("event_time", self.event_time),
        ):
            index = [i for i, term in enumerate(terms) if term.kind == kind]
            if not index:
                continue
            if key is None:
                slot = np.zeros(w.size, dtype=np.int64)
                hit = self.imputable
            else:
                values = np.array([terms[i].value for i in index])
                order = np.argsort(values)
                index, values = [index[j] for j in order], values[order]
                slot = np.searchsorted(values, np.nan_to_num(key, nan=-np.inf))
                slot = np.minimum(slot, values.size - 1)
                hit = self.imputable & (values[slot] == key)
            slot = np.where(hit, slot, 0)
            total = np.bincount(slot, np.where(hit, w, 0.0), len(index))
            sums = np.bincount(slot, np.where(hit, w * tau, 0.0), len(index))
            levels = np.bincount(slot, np.where(hit, w * level, 0.0), len(index))
            with np.errstate(divide="ignore", invalid="ignore"):
                out[index, 0] = np.where(total > 0, sums / total, np.nan)
                out[index, 1] = np.where(total > 0, levels / total, np.nan)
        return out

    def _impute(self, y: np.ndarray) -> np.ndarray:
        fit = ~self.treated
        alpha, lam = self.fixed_effects.fit(y[fit])
        return alpha[self.panel.unit] + lam[self.period_code]

    def variance(self, term: Term) -> float:
        """BJS conservative cluster-robust (by unit) variance of a term's estimate."""
        panel, fe = self.panel, self.fixed_effects
        rows = self.mask(term)
        total = panel.weight[rows].sum()
        if total <= 0:
            return np.nan
        omega = np.where(rows, panel.weight / total, 0.0)
        alpha, lam = fe.solve(
            np.bincount(panel.unit, omega, panel.n_units),
            np.bincount(self.period_code, omega, fe.n_periods),
        )
        untreated = ~self.treated
        v = omega.copy()
        v[untreated] = -panel.weight[untreated] * (
            alpha[panel.unit[untreated]] + lam[self.period_code[untreated]]
        )
        residual = np.zeros_like(v)
        residual[untreated] = panel.y[untreated] - self.y0_hat[untreated]
        tau = np.where(rows, panel.y - self.y0_hat, 0.0)
        residual[rows] = tau[rows] - _leave_out_means(
            tau[rows], v[rows] ** 2, panel.unit[rows], self.event_time[rows]
        )
        by_unit = np.bincount(panel.unit, np.nan_to_num(v * residual), panel.n_units)
        return float(by_unit @ by_unit)


def _leave_out_means(
    tau: np.ndarray, weight: np.ndarray, unit: np.ndarray, horizon: np.ndarray
) -> np.ndarray:
    """Each treated cell's v²-weighted mean τ over the other units at the same horizon.

    Leaving the cell's own unit out keeps its deviation (a unit alone in its group would
    otherwise get a zero residual and the variance would be understated); where no other
    unit shares the horizon, the mean over the other units at all horizons is used, and the
    cell's own τ where the term has a single unit.
    """
    _, h = np.unique(horizon, return_inverse=True)
    _, u = np.unique(unit, return_inverse=True)
    cell = h * (u.max() + 1) + u
    by_h_sum, by_h_w = np.bincount(h, weight * tau), np.bincount(h, weight)
    by_c_sum, by_c_w = np.bincount(cell, weight * tau), np.bincount(cell, weight)
    by_u_sum, by_u_w = np.bincount(u, weight * tau), np.bincount(u, weight)
    out_sum = by_h_sum[h] - by_c_sum[cell]
    out_w = by_h_w[h] - by_c_w[cell]
    all_sum = weight @ tau - by_u_sum[u]
    all_w = weight.sum() - by_u_w[u]
    tiny = 1e-12 * max(float(weight.sum()), 1e-300)
    return np.where(
        out_w > tiny,
        out_sum / np.where(out_w > tiny, out_w, 1.0),
        np.where(all_w > tiny, all_sum / np.where(all_w > tiny, all_w, 1.0), tau),
    )


def impute(panel: Panel) -> Imputation:
    """Fit unit and period effects on the untreated rows and impute Y(0) for every row.

    A treated row is imputable when its unit and its period both have untreated rows (a unit
    treated from its first observed period, or a period in which every unit is treated,
    cannot be imputed and is left out of every estimand).
    """
    periods, period_code = np.unique(panel.period, return_inverse=True)
    cohort = panel.first_treated[panel.unit]
    event_time = panel.period - cohort
    treated = event_time >= 0
    untreated = ~treated
    fe = TwoWayFixedEffects(
        panel.unit[untreated],
        period_code[untreated],
        panel.weight[untreated],
        panel.n_units,
        periods.size,
    )
    alpha, lam = fe.fit(panel.y[untreated])
    y0_hat = alpha[panel.unit] + lam[period_code]
    imputable = treated & np.isfinite(y0_hat)
    return Imputation(panel, period_code, event_time, cohort, treated, imputable, y0_hat, fe)
