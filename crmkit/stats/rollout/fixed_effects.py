"""Unit and period fixed effects fitted by weighted least squares, exactly.

The normal equations of y_it = α_i + λ_t + ε_it (weights w_it) are

    D_u α + B λ = s_u,    Bᵀ α + D_t λ = s_t,

with D_u, D_t the weight totals per unit and per period, B the unit × period weight totals
and s_u, s_t the weighted sums of y. Eliminating α leaves the periods × periods system
(D_t − Bᵀ D_u⁻¹ B) λ = s_t − Bᵀ D_u⁻¹ s_u, solved once (one period's λ fixed at 0), so a
panel of any number of units costs one small dense solve and a few bincounts: no dummy
matrix and no iteration. Units (periods) without an observation get α (λ) = NaN.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

__all__ = ["TwoWayFixedEffects"]


class TwoWayFixedEffects:
    """The normal equations of unit + period fixed effects on a set of observations.

    Parameters
    ----------
    unit, period : np.ndarray
        Integer codes (0 … n − 1) of the observations used in the fit.
    weight : np.ndarray
        Their weights.
    n_units, n_periods : int
        Number of unit and period codes in the whole panel.

    Examples
    --------
    >>> fe = TwoWayFixedEffects(np.array([0, 0, 1]), np.array([0, 1, 0]), np.ones(3), 2, 2)
    >>> alpha, lam = fe.fit(np.array([1.0, 3.0, 5.0]))
    >>> (alpha + lam[1]).tolist()  # fitted values in period 1: 3 for unit 0, 7 for unit 1
    [3.0, 7.0]
    """

    def __init__(
        self,
        unit: np.ndarray,
        period: np.ndarray,
        weight: np.ndarray,
        n_units: int,
        n_periods: int,
    ) -> None:
        self.unit, self.period, self.weight = unit, period, weight
        self.n_units, self.n_periods = n_units, n_periods
        self.unit_total = np.bincount(unit, weight, n_units)
        self.period_total = np.bincount(period, weight, n_periods)
        cells = np.bincount(unit * n_periods + period, weight, n_units * n_periods)
        self.cross = cells.reshape(n_units, n_periods)
        self.unit_seen = self.unit_total > 0
        self.period_seen = self.period_total > 0
        self.inv_unit = np.divide(1.0, self.unit_total, out=np.zeros(n_units), where=self.unit_seen)
        seen = np.flatnonzero(self.period_seen)
        self.free = seen[1:]  # the first observed period is the reference, λ = 0
        reduced = self.cross[:, self.free]
        schur = np.diag(self.period_total[self.free]) - reduced.T @ (
            self.inv_unit[:, None] * reduced
        )
        self._factor = None
        self._pinv = None
        if self.free.size:
            try:  # positive definite when the untreated observations connect all units
                self._factor = linalg.cho_factor(schur)
            except linalg.LinAlgError:  # disconnected: the minimum-norm solution
                self._pinv = np.linalg.pinv(schur)

    def solve(
        self, unit_sums: np.ndarray, period_sums: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Solve the normal equations for given right-hand sides (Z₀ᵀ W₀ y in the fit)."""
        lam = np.zeros(self.n_periods)
        if self.free.size:
            reduced = self.cross[:, self.free]
            rhs = period_sums[self.free] - reduced.T @ (self.inv_unit * unit_sums)
            if self._factor is not None:
                lam[self.free] = linalg.cho_solve(self._factor, rhs)
            else:
                lam[self.free] = self._pinv @ rhs
        alpha = self.inv_unit * (unit_sums - self.cross @ lam)
        alpha[~self.unit_seen] = np.nan
        lam[~self.period_seen] = np.nan
        return alpha, lam

    def fit(self, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Unit effects α (per unit code) and period effects λ (per period code) of y."""
        weighted = self.weight * y
        return self.solve(
            np.bincount(self.unit, weighted, self.n_units),
            np.bincount(self.period, weighted, self.n_periods),
        )
