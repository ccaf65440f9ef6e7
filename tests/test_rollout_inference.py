"""The variance, the pre-trend leads and the randomization interval, computed independently.

References: the BJS (2024, Theorem 3) variance written out with dense matrices (the
imputation weights v = −W₀Z₀(Z₀ᵀW₀Z₀)⁻¹Z₁ᵀω solved by numpy's pseudo-inverse); the pre-trend
leads fitted by pyfixest's ``feols``; randomization p-values recomputed by brute force.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from test_rollout_staggered import crm_panel

from crmkit.stats.rollout import InferenceMethod, StaggeredDiD


def _dummies(frame: pd.DataFrame) -> np.ndarray:
    unit = pd.factorize(frame["unit"], sort=True)[0]
    month = pd.factorize(frame["time"], sort=True)[0]
    z = np.zeros((len(frame), unit.max() + 1 + month.max()))
    z[np.arange(len(frame)), unit] = 1.0
    later = month > 0
    z[np.flatnonzero(later), unit.max() + month[later]] = 1.0
    return z


def test_conservative_variance_written_out_with_dense_matrices():
    frame, go_live = crm_panel(21, n_units=14, n_months=12, effect=0.05, drop_share=0.05)
    frame["w"] = np.random.default_rng(4).integers(10, 60, len(frame)).astype(float)
    fit = StaggeredDiD(inference="cluster_robust", leads=0).fit(frame, go_live, weight="w")
    z, y, w = _dummies(frame), frame["outcome"].to_numpy(), frame["w"].to_numpy()
    treated = frame["treat"].to_numpy()
    z0, w0 = z[~treated], w[~treated]
    omega = w[treated] / w[treated].sum()
    # Imputation weights of the untreated observations.
    v = np.zeros(len(frame))
    v[treated] = omega
    v[~treated] = -w0 * (z0 @ np.linalg.pinv(z0.T @ (w0[:, None] * z0)) @ (z[treated].T @ omega))
    overall = fit.summary().iloc[0]
    assert overall["estimate"] == pytest.approx(v @ y, rel=1e-10)  # the estimator is Σ v·Y
    # Residuals: fixed-effects residuals on untreated cells; on treated cells τ minus the
    # v²-weighted mean τ of the other units at the same horizon.
    beta = np.linalg.lstsq(np.sqrt(w0)[:, None] * z0, np.sqrt(w0) * y[~treated], rcond=None)[0]
    residual = y - z @ beta
    tau = residual[treated]
    units = frame["unit"].to_numpy()[treated]
    horizon = frame["rel"].to_numpy()[treated]
    v2 = omega**2
    centred = np.empty_like(tau)
    for i in range(tau.size):
        others = (horizon == horizon[i]) & (units != units[i])
        if not others.any():
            others = units != units[i]
        centred[i] = tau[i] - v2[others] @ tau[others] / v2[others].sum()
    residual[treated] = centred
    by_unit = pd.Series(v * residual).groupby(frame["unit"].to_numpy()).sum()
    assert overall["se"] ** 2 == pytest.approx(float(by_unit @ by_unit), rel=1e-9)
    assert overall["method"] == InferenceMethod.CLUSTER_ROBUST


def test_pre_trend_leads_match_pyfixest_feols_on_untreated_cells():
    pf = pytest.importorskip("pyfixest")
    frame, go_live = crm_panel(8, n_units=40, n_months=24)
    fit = StaggeredDiD(leads=3).fit(frame, go_live)
    untreated = frame[~frame["treat"]].copy()
    for k in (1, 2, 3):
        untreated[f"lead{k}"] = (untreated["rel"] == -k).astype(float)
    reference = pf.feols("outcome ~ lead3 + lead2 + lead1 | unit + time", data=untreated)
    leads = fit.pre_trend_.leads.set_index("event_time")["estimate"]
    expected = reference.coef()
    scale = float(frame["outcome"].std())
    for k in (1, 2, 3):
        assert leads[-k] == pytest.approx(float(expected[f"lead{k}"]), abs=1e-6 * scale)
    assert 0 <= fit.pre_trend_.p_value <= 1


def test_randomization_p_value_and_interval_by_brute_force():
    # Five units, two periods, two treated (A, B) in period 2: 10 assignments of the two
    # go-lives. With two periods the estimate is mean Δ(treated) − mean Δ(untreated),
    # Δ = period 2 − period 1, so every assignment's statistic is written out directly.
    delta = {"A": 9.0, "B": 7.0, "C": 1.0, "D": -2.0, "E": 3.0}
    panel = pd.DataFrame(
        {
            "unit": [u for u in delta for _ in (1, 2)],
            "period": [1, 2] * 5,
            "outcome": [x for u in delta for x in (10.0, 10.0 + delta[u])],
        }
    )
    fit = StaggeredDiD(leads=0, alpha=0.2).fit(panel, {"A": 2, "B": 2})
    row = fit.summary().iloc[0]
    names = list(delta)
    observed = {"A", "B"}

    def statistic(treated: set, shift: float) -> float:
        # Outcome without the effect δ under H0: Δ − δ on the observed treated units.
        d = {u: delta[u] - (shift if u in observed else 0.0) for u in names}
        inside = [d[u] for u in treated]
        outside = [d[u] for u in names if u not in treated]
        return np.mean(inside) - np.mean(outside)

    def p_value(shift: float) -> float:
        t_obs = abs(statistic(observed, shift))
        draws = [abs(statistic(set(pair), shift)) for pair in itertools.combinations(names, 2)]
        return np.mean([d >= t_obs * (1 - 1e-9) for d in draws])

    assert row["estimate"] == pytest.approx(8.0 - 2.0 / 3.0)
    assert row["p_value"] == pytest.approx(p_value(0.0))  # 1/10: A, B is the most extreme
    assert row["p_value"] == pytest.approx(0.1)
    low, high = row["ci_low"], row["ci_high"]
    for inside in np.linspace(low, high, 7)[1:-1]:
        assert p_value(inside) > 0.2
    for outside in (low - 1e-6, high + 1e-6):
        assert p_value(outside) <= 0.2
