"""Simulation checks of the rollout designs' inference (seeded, a few seconds each).

Reference numbers: the binomial distribution of the number of false positives among n null
datasets at level alpha (scipy.stats.binom), and the injected effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmkit.stats.rollout import Inference, InferenceMethod, StaggeredDiD, placebo_go_lives

ALPHA = 0.05


def binomial_band(n: int, alpha: float = ALPHA, tail: float = 0.001) -> tuple[int, int]:
    """Counts of false positives outside which the rate is wrong (two-sided 0.2 % band)."""
    return int(stats.binom.ppf(tail, n, alpha)), int(stats.binom.isf(tail, n, alpha))


def branch_panel(
    rng: np.random.Generator,
    *,
    n_units: int,
    n_months: int,
    n_treated: int,
    effect: float = 0.0,
) -> tuple[pd.DataFrame, dict]:
    """Monthly revenue of branches: own level, common month shocks, 8 % cell noise.

    ``n_treated`` branches go live at months drawn between month 6 and month n_months − 3;
    their treated months are multiplied by 1 + effect.
    """
    months = pd.period_range("2024-01", periods=n_months, freq="M")
    names = [f"B{u:03d}" for u in range(n_units)]
    starts = rng.integers(6, n_months - 3, size=n_treated)
    go_live = {names[u]: months[s] for u, s in zip(rng.permutation(n_units), starts, strict=False)}
    first = np.array([go_live[n].ordinal if n in go_live else np.inf for n in names])
    ordinal = months.asi8
    level = rng.lognormal(np.log(40_000), 0.3, size=(n_units, 1))
    shock = rng.normal(0, 0.05, size=(1, n_months))
    y = level * (1 + shock) * (1 + rng.normal(0, 0.08, size=(n_units, n_months)))
    y = y * np.where(ordinal[None, :] >= first[:, None], 1 + effect, 1.0)
    frame = pd.DataFrame(
        {
            "unit": np.repeat(names, n_months),
            "period": pd.PeriodIndex(np.tile(months, n_units)),
            "outcome": y.ravel(),
        }
    )
    return frame, go_live


def test_false_positive_rate_with_many_units_is_near_alpha():
    rng = np.random.default_rng(20240601)
    n = 200
    false_positives = 0
    for _ in range(n):
        frame, go_live = branch_panel(rng, n_units=40, n_months=18, n_treated=20)
        fit = StaggeredDiD(leads=0, horizon=0).fit(frame, go_live)
        row = fit.summary().iloc[0]
        assert row["method"] == InferenceMethod.CLUSTER_ROBUST
        false_positives += row["p_value"] < ALPHA
    low, high = binomial_band(n)
    assert low <= false_positives <= high, false_positives


def test_injected_twelve_percent_is_recovered_with_power():
    rng = np.random.default_rng(7)
    detected = covered = 0
    for _ in range(20):
        frame, go_live = branch_panel(rng, n_units=40, n_months=18, n_treated=20, effect=0.12)
        row = StaggeredDiD(leads=0, horizon=0).fit(frame, go_live).summary().iloc[0]
        detected += row["p_value"] < ALPHA and row["ci_low_pct"] > 0
        covered += row["ci_low_pct"] <= 0.12 <= row["ci_high_pct"]
    assert detected >= 19
    # Coverage: 20 draws at 95 % — at least 16 (binomial 0.2 % tail).
    assert covered >= stats.binom.ppf(0.002, 20, 0.95)


def test_randomization_inference_with_eight_units_holds_its_level():
    # Eight branches, two treated at different months: 8 · 7 = 56 distinct assignments,
    # enumerated exactly; smallest p = 1/56 < 0.05.
    rng = np.random.default_rng(99)
    n = 60
    false_positives = 0
    for _ in range(n):
        frame, go_live = branch_panel(rng, n_units=8, n_months=14, n_treated=2)
        fit = StaggeredDiD(leads=0, horizon=0, max_exact=1000).fit(frame, go_live)
        row = fit.summary().iloc[0]
        assert row["method"] == InferenceMethod.RANDOMIZATION
        false_positives += row["p_value"] <= ALPHA
    assert false_positives <= binomial_band(n)[1]


def test_three_units_never_claim_even_with_a_real_effect():
    rng = np.random.default_rng(3)
    for _ in range(5):
        frame, go_live = branch_panel(rng, n_units=3, n_months=24, n_treated=2, effect=0.12)
        row = StaggeredDiD().fit(frame, go_live).summary().iloc[0]
        assert row["inference"] == Inference.TOO_FEW_UNITS
        assert np.isnan(row["ci_low_pct"]) and np.isnan(row["ci_high_pct"])
        assert row["p_value"] > ALPHA


def test_placebo_go_lives_call_null_effects_outside_at_about_alpha():
    rng = np.random.default_rng(5)
    n = 200
    months = pd.period_range("2015-01", periods=120, freq="M")
    outside = 0
    for _ in range(n):
        series = pd.Series(rng.normal(100, 10, 120), index=months)

        def before_after(go: pd.Period, before: int, after: int, series=series) -> float:
            position = (go - months[0]).n
            pre = series.iloc[position - before : position].mean()
            return series.iloc[position : position + after].mean() - pre

        result = placebo_go_lives(
            before_after,
            first_month=months[0],
            last_month=months[-1],
            go_live=months[108],
            before_months=6,
            after_months=6,
        )
        outside += result.outside
    low, high = binomial_band(n)
    assert low <= outside <= high, outside


@pytest.mark.parametrize("n_units", [3])
def test_too_few_units_is_not_an_error(n_units):
    rng = np.random.default_rng(1)
    frame, go_live = branch_panel(rng, n_units=n_units, n_months=12, n_treated=1)
    fit = StaggeredDiD().fit(frame, go_live)
    assert set(fit.summary()["inference"]) == {Inference.TOO_FEW_UNITS}
