"""Poisson difference-in-differences with unit and period fixed effects (PoissonDiD).

References: the closed form of a 2 × 2 table (β = log of the ratio of ratios), an
independent implementation (pyfixest's fepois with CRV1 by unit) on the same data, and
simulations: false positives near alpha on null panels, an injected rise recovered.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from crmkit.stats.primitives import t_critical, t_sf
from crmkit.stats.rollout import Inference
from crmkit.stats.rollout.poisson import PoissonDiD


def customer_panel(
    rng: np.random.Generator,
    *,
    customers: int = 300,
    months: int = 12,
    effect: float = 1.0,
    go_live: int = 6,
    treated_share: float = 2 / 3,
) -> pd.DataFrame:
    """Orders per customer and month: gamma-distributed rates, a common monthly swing, the
    CRM's customers multiplying their rate by ``effect`` from ``go_live`` on."""
    unit = np.repeat(np.arange(customers), months)
    month = np.tile(np.arange(months), customers)
    treated = rng.random(customers) < treated_share
    rate = rng.gamma(1.0, 0.6, customers)[unit] * (1 + 0.2 * np.sin(month))
    exposed = treated[unit] & (month >= go_live)
    orders = rng.poisson(rate * np.where(exposed, effect, 1.0))
    return pd.DataFrame(
        {"unit": unit, "period": month, "outcome": orders.astype(float), "exposed": exposed}
    )


def test_two_by_two_is_the_log_of_the_ratio_of_ratios():
    # a: 4 → 10 orders with the CRM; b: 5 → 8 without. β = log((10/4) / (8/5)) = log(1.5625).
    panel = pd.DataFrame(
        {
            "unit": ["a", "a", "b", "b"],
            "period": [1, 2, 1, 2],
            "outcome": [4.0, 10.0, 5.0, 8.0],
            "exposed": [False, True, False, False],
        }
    )
    fit = PoissonDiD(min_clusters=1).fit(panel)
    assert fit.beta_ == pytest.approx(math.log(1.5625), abs=1e-9)
    assert fit.rate_ratio == pytest.approx(1.5625, abs=1e-9)
    assert fit.fitted_ == pytest.approx([4.0, 10.0, 5.0, 8.0], abs=1e-8)  # saturated


def test_estimate_and_clustered_error_equal_pyfixest_fepois():
    pf = pytest.importorskip("pyfixest")
    panel = customer_panel(np.random.default_rng(11), customers=600, months=16, effect=1.15)
    fit = PoissonDiD().fit(panel)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = pf.fepois(
            "outcome ~ exposed | unit + period",
            data=panel.assign(exposed=panel["exposed"].astype(float)),
            vcov={"CRV1": "unit"},
        ).tidy()
    assert fit.beta_ == pytest.approx(reference.loc["exposed", "Estimate"], rel=1e-7)
    assert fit.se_ == pytest.approx(reference.loc["exposed", "Std. Error"], rel=1e-5)
    # Interval and p-value: Student's t with clusters − 1 degrees of freedom, by hand.
    row = fit.summary().iloc[0]
    df = fit.n_clusters_ - 1
    assert row["p_value"] == pytest.approx(2 * t_sf(abs(fit.beta_ / fit.se_), df), rel=1e-12)
    half = t_critical(0.05, df) * fit.se_
    assert row["ci_low_pct"] == pytest.approx(math.exp(fit.beta_ - half) - 1, rel=1e-12)
    assert row["ci_high_pct"] == pytest.approx(math.exp(fit.beta_ + half) - 1, rel=1e-12)


def test_customers_without_any_order_are_left_out_and_counted():
    panel = customer_panel(np.random.default_rng(2), customers=100)
    silent = pd.DataFrame(
        {"unit": 999, "period": range(12), "outcome": 0.0, "exposed": [False] * 6 + [True] * 6}
    )
    with_silent = PoissonDiD().fit(pd.concat([panel, silent], ignore_index=True))
    without = PoissonDiD().fit(panel)
    assert with_silent.dropped_units_ == without.dropped_units_ + 1
    assert with_silent.beta_ == pytest.approx(without.beta_, rel=1e-9)


def test_few_customers_on_a_side_cannot_say_and_print_no_interval():
    panel = customer_panel(np.random.default_rng(3), customers=40, treated_share=0.2)
    fit = PoissonDiD().fit(panel)  # about 8 customers with the CRM: below 20
    assert fit.inference_ is Inference.TOO_FEW_UNITS
    row = fit.summary().iloc[0]
    assert math.isfinite(row["estimate_pct"])
    assert math.isnan(row["ci_low_pct"]) and math.isnan(row["p_value"])


def test_no_order_with_the_crm_is_no_estimate_not_an_error():
    panel = customer_panel(np.random.default_rng(4), customers=60)
    panel.loc[panel["exposed"], "outcome"] = 0.0
    fit = PoissonDiD().fit(panel)
    assert fit.inference_ is Inference.NO_ESTIMATE
    assert math.isnan(fit.summary().iloc[0]["estimate_pct"])


def test_negative_counts_are_refused_with_the_column_named():
    panel = customer_panel(np.random.default_rng(5), customers=30)
    panel.loc[0, "outcome"] = -1.0
    with pytest.raises(ValueError, match="panel.outcome: expected non-negative"):
        PoissonDiD().fit(panel)


def _rejections(
    effect: float, replications: int, seed: int, customers: int = 300
) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    rejected, ratios = 0, []
    for _ in range(replications):
        panel = customer_panel(rng, effect=effect, customers=customers)
        row = PoissonDiD().fit(panel).summary().iloc[0]
        rejected += bool(row["p_value"] < 0.05)
        ratios.append(row["rate_ratio"])
    return rejected / replications, float(np.mean(ratios))


def test_false_positive_rate_on_null_panels_is_near_alpha():
    # 200 null panels: the rejection rate's 99.9 % binomial range around 0.05 is 0.5 %–10.5 %.
    rate, mean_ratio = _rejections(1.0, 200, seed=20250101)
    assert 0.005 <= rate <= 0.105
    assert mean_ratio == pytest.approx(1.0, abs=0.02)


def test_an_injected_twelve_percent_rise_is_recovered():
    # 1,000 customers (about 670 with the CRM) at 0.6 orders a month, 6 months on each side:
    # the log rate ratio's error is about 0.045, so +12 % (0.113) is found about 70 % of the
    # time.
    rate, mean_ratio = _rejections(1.12, 60, seed=7, customers=1000)
    assert mean_ratio == pytest.approx(1.12, abs=0.02)
    assert rate >= 0.5


@pytest.mark.slow
@pytest.mark.simulation
def test_false_positive_rate_on_one_thousand_null_panels():
    rate, _ = _rejections(1.0, 1000, seed=99)
    assert 0.032 <= rate <= 0.068  # 99.9 % binomial range around 0.05


def test_exposure_that_the_fixed_effects_absorb_is_no_estimate():
    # Every observation of the CRM's customers is exposed (no month before go-live): the
    # exposure is the customers' own effect, so nothing is left to estimate.
    panel = customer_panel(np.random.default_rng(6), customers=80)
    treated = panel.groupby("unit")["exposed"].transform("any")
    panel["exposed"] = treated
    fit = PoissonDiD().fit(panel)
    assert fit.inference_ is Inference.NO_ESTIMATE
    row = fit.summary().iloc[0]
    assert math.isnan(row["estimate_pct"]) and math.isnan(row["rate_ratio"])
