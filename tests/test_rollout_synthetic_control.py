"""Synthetic control: a hand case, pysyncon on a generated and on a real panel.

pysyncon's synthetic control (Abadie, Diamond and Hainmueller 2010) solves the inner weight
problem with the pre-period outcomes as predictors and V = I: the same unweighted pre-period
squared gap as :func:`crmkit.stats.rollout.simplex_weights` minimises.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmkit.stats.rollout import Fit, Inference, SyntheticControl, simplex_weights


def test_exact_mixture_of_two_donors_by_hand():
    # The pilot is 0.3·A + 0.7·B before go-live (period 7) and +2 after it; C is far away.
    periods = np.arange(1, 11)
    a = np.array([10, 12, 11, 13, 15, 14, 16, 17, 16, 18], dtype=float)
    b = np.array([20, 19, 22, 21, 20, 23, 22, 24, 25, 23], dtype=float)
    c = np.array([40, 38, 45, 41, 39, 44, 42, 40, 43, 41], dtype=float)
    pilot = 0.3 * a + 0.7 * b + np.where(periods >= 7, 2.0, 0.0)
    panel = pd.DataFrame(
        {
            "unit": np.repeat(["pilot", "A", "B", "C"], 10),
            "period": np.tile(periods, 4),
            "outcome": np.concatenate([pilot, a, b, c]),
        }
    )
    fit = SyntheticControl().fit(panel, "pilot", go_live=7)
    assert fit.weights_.to_dict() == pytest.approx({"A": 0.3, "B": 0.7, "C": 0.0}, abs=1e-6)
    row = fit.summary().iloc[0]
    assert row["pre_rmspe"] == pytest.approx(0.0, abs=1e-6)
    assert row["effect"] == pytest.approx(2.0, abs=1e-6)
    # Synthetic post level: mean of 0.3·A + 0.7·B over periods 7–10 =
    # 0.3·(16 + 17 + 16 + 18)/4 + 0.7·(22 + 24 + 25 + 23)/4 = 0.3·16.75 + 0.7·23.5 = 21.475.
    assert row["effect_pct"] == pytest.approx(2.0 / 21.475, abs=1e-6)
    assert row["fit"] == Fit.GOOD
    # Three donors: the smallest placebo p is 1/4 > 0.05, so no claim can be made.
    assert row["inference"] == Inference.TOO_FEW_UNITS
    assert np.isnan(row["ci_low"])


def test_a_unit_outside_the_donors_range_is_a_poor_fit():
    rng = np.random.default_rng(0)
    paths = rng.normal(100, 5, size=(12, 5))
    pilot = paths[:, 0] * 3  # three times every donor: no convex combination comes close
    panel = pd.DataFrame(
        {
            "unit": np.repeat(["pilot", "A", "B", "C", "D"], 12),
            "period": np.tile(np.arange(12), 5),
            "outcome": np.concatenate([pilot, *paths[:, 1:].T]),
        }
    )
    fit = SyntheticControl().fit(panel, "pilot", go_live=8)
    assert fit.summary().iloc[0]["fit"] == Fit.POOR


def _pysyncon_weights(pre: pd.DataFrame, treated: str, donors: list[str]) -> np.ndarray:
    """pysyncon's inner problem (its ``w_optimize``, SLSQP on the simplex) with V = I.

    ``Synth.fit`` with a custom V stops at SLSQP's default tolerance (weights off by ~1e-2),
    so its solver is called with a tight one on the outcomes scaled to order one.
    """
    pysyncon = pytest.importorskip("pysyncon")
    scale = float(np.abs(pre.to_numpy()).max())
    x0, x1 = pre[donors].to_numpy() / scale, pre[treated].to_numpy() / scale
    weights, _ = pysyncon.Synth().w_optimize(
        V_mat=np.eye(len(pre)),
        X0=x0,
        X1=x1,
        qp_options={"maxiter": 10_000, "ftol": 1e-14},
    )
    return weights


def _compare_with_pysyncon(wide: pd.DataFrame, treated: str, go_live) -> None:
    long = wide.stack().rename("outcome").reset_index()
    long.columns = ["period", "unit", "outcome"]
    fit = SyntheticControl().fit(long, treated, go_live=go_live)
    donors = [name for name in wide.columns if name != treated]
    pre, post = wide[wide.index < go_live], wide[wide.index >= go_live]
    expected = _pysyncon_weights(pre, treated, donors)
    assert fit.weights_[donors].to_numpy() == pytest.approx(expected, abs=1e-3)
    # Placebo ratios and ranks from pysyncon's weights, each donor against the others.
    ratios = {}
    for unit in [treated, *donors]:
        others = [name for name in donors if name != unit]
        weights = _pysyncon_weights(pre, unit, others)
        gap_pre = pre[unit] - pre[others].to_numpy() @ weights
        gap_post = post[unit] - post[others].to_numpy() @ weights
        ratios[unit] = np.sqrt(np.mean(gap_post**2)) / np.sqrt(np.mean(gap_pre**2))
    values = np.array(list(ratios.values()))
    ranks = [int(np.sum(values >= v * (1 - 1e-9))) for v in values]
    assert fit.placebos_["rank"].tolist() == ranks
    row = fit.summary().iloc[0]
    assert row["p_value"] == pytest.approx(ranks[0] / len(ranks))


def test_weights_and_placebo_ranks_match_pysyncon_on_a_generated_panel():
    # Twelve branches' monthly revenue from three latent regional trends, a pilot mixing
    # branches 1–3, and a +12 % effect after go-live.
    rng = np.random.default_rng(11)
    months = pd.period_range("2023-01", periods=30, freq="M")
    factors = np.cumsum(rng.normal(0, 1, size=(30, 3)), axis=0) + 20
    loadings = rng.dirichlet(np.ones(3), size=11)
    donors = factors @ loadings.T * 1000 + rng.normal(0, 150, size=(30, 11))
    pilot = donors[:, :3] @ np.array([0.5, 0.3, 0.2]) + rng.normal(0, 100, 30)
    pilot[20:] *= 1.12
    wide = pd.DataFrame(
        np.column_stack([pilot, donors]),
        index=months,
        columns=["pilot"] + [f"B{i:02d}" for i in range(1, 12)],
    )
    _compare_with_pysyncon(wide, "pilot", months[20])


def test_weights_and_placebo_ranks_match_pysyncon_on_grunfeld():
    # Real data shipped with statsmodels: Grunfeld's investment of ten US firms, 1935–1954.
    # General Electric as if it had a programme from 1946 (a placebo study on real series).
    datasets = pytest.importorskip("statsmodels.datasets")
    data = datasets.grunfeld.load_pandas().data
    wide = data.pivot_table(index="year", columns="firm", values="invest").astype(float)
    wide.index = wide.index.astype(int)
    _compare_with_pysyncon(wide, "General Electric", 1946)


def test_simplex_weights_meet_their_constraints():
    rng = np.random.default_rng(2)
    donors = rng.normal(size=(15, 6))
    weights = simplex_weights(donors, rng.normal(size=15))
    assert weights.min() >= 0 and weights.sum() == pytest.approx(1.0, abs=1e-12)


def test_interval_is_the_set_of_constant_effects_the_rank_test_keeps():
    # 24 donors, alpha 0.10: the treated gap shifted by δ is ranked among the placebo ratios
    # by brute force on a grid; the reported interval is where p(δ) > alpha.
    rng = np.random.default_rng(5)
    factors = np.cumsum(rng.normal(0, 1, size=(36, 3)), axis=0) + 30
    donors = factors @ rng.dirichlet(np.ones(3), size=24).T + rng.normal(0, 0.3, (36, 24))
    pilot = donors[:, :4].mean(axis=1) + rng.normal(0, 0.3, 36)
    pilot[24:] += 1.5
    wide = pd.DataFrame(np.column_stack([pilot, donors]))
    wide.columns = ["pilot"] + [f"D{i:02d}" for i in range(24)]
    long = wide.stack().rename("outcome").reset_index()
    long.columns = ["period", "unit", "outcome"]
    fit = SyntheticControl(alpha=0.10).fit(long, "pilot", go_live=24)
    row = fit.summary().iloc[0]
    assert row["inference"] == Inference.OK
    gap = fit.path_["gap"].to_numpy()
    pre = np.sqrt(np.mean(gap[:24] ** 2))
    placebo = fit.placebos_["rmspe_ratio"].to_numpy()[1:]

    def p_value(delta: float) -> float:
        ratio = np.sqrt(np.mean((gap[24:] - delta) ** 2)) / pre
        return (1 + np.sum(placebo >= ratio)) / 25

    grid = np.linspace(row["effect"] - 10, row["effect"] + 10, 40001)
    kept = grid[[p_value(d) > 0.10 for d in grid]]
    assert row["ci_low"] == pytest.approx(kept.min(), abs=1e-3)
    assert row["ci_high"] == pytest.approx(kept.max(), abs=1e-3)
    assert row["ci_low"] < row["effect"] < row["ci_high"]


def test_a_covariate_decides_between_donors_with_the_same_path():
    # A and B have the same pre-period path as the pilot, so the path alone cannot choose;
    # the pilot's covariate 25 = 0.25 · 10 + 0.75 · 30 gives weights (0.25, 0.75), and the
    # far donor C (covariate 25 but another path) gets none.
    path = np.array([5.0, 6, 7, 6, 8, 9, 10, 11])
    panel = pd.DataFrame(
        {
            "unit": np.repeat(["pilot", "A", "B", "C"], 8),
            "period": np.tile(np.arange(8), 4),
            "outcome": np.concatenate([path + np.r_[np.zeros(6), 1, 1], path, path, path * 3]),
        }
    )
    covariates = pd.DataFrame(
        {"customers": [25.0, 10.0, 30.0, 25.0]}, index=["pilot", "A", "B", "C"]
    )
    fit = SyntheticControl().fit(panel, "pilot", go_live=6, covariates=covariates)
    assert fit.weights_.to_dict() == pytest.approx({"A": 0.25, "B": 0.75, "C": 0.0}, abs=1e-5)
    assert fit.summary().iloc[0]["effect"] == pytest.approx(1.0, abs=1e-5)
