"""crmkit.survey: NPS, CSAT, CES, representativeness, Cronbach's alpha, findings.

Every reference value names its source: arithmetic written out from the published formula,
a textbook table, pingouin's documented output, or the demo client's injected truth.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmkit import survey
from crmkit.config import Assessment, Control, Window
from crmkit.impact import CHANGE_COLUMNS, compare_means, compare_proportions
from crmkit.synth import generate_demo_client
from crmkit.validation import validate_client

Z975 = 1.959963984540054  # z_{0.975}


# --- NPS -------------------------------------------------------------------------------------


def test_nps_and_its_standard_error_by_hand() -> None:
    # 10 answers: promoters 10, 9, 9, 10, 9 (5); passives 8, 7 (2); detractors 6, 3, 5 (3)
    row = survey.nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 5]).iloc[0]
    assert (row["n"], row["promoters"], row["passives"], row["detractors"]) == (10, 5, 2, 3)
    # NPS = 100 (0.5 − 0.3) = 20
    assert row["nps"] == pytest.approx(20.0)
    # Var of one answer's +1/0/−1 score = p_P + p_D − (p_P − p_D)² = 0.5 + 0.3 − 0.2² = 0.76
    # SE = 100 √(0.76 / 10) = 27.5681 (Rocks 2016, eq. 1)
    assert row["se"] == pytest.approx(100 * math.sqrt(0.76 / 10))
    assert row["se"] == pytest.approx(27.5681, abs=1e-4)
    # Wald interval 20 ± 1.96 × 27.5681 = (−34.03, 74.03)
    assert row["ci_low"] == pytest.approx(20 - Z975 * 27.56810, abs=1e-4)
    assert row["ci_high"] == pytest.approx(20 + Z975 * 27.56810, abs=1e-4)
    assert list(survey.nps([9]).columns) == list(survey.NPS_COLUMNS)


def test_nps_interval_is_clipped_to_the_scale_and_missing_answers_are_dropped() -> None:
    row = survey.nps([10, 10, 9, 10, np.nan, 6]).iloc[0]
    assert row["n"] == 5
    assert row["nps"] == pytest.approx(60.0)  # 4 promoters, 1 detractor of 5
    assert row["ci_high"] <= 100.0
    empty = survey.nps([]).iloc[0]
    assert empty["n"] == 0 and math.isnan(empty["nps"]) and math.isnan(empty["se"])


@pytest.mark.parametrize("bad", [[11], [-1], [7.5], ["high"]])
def test_nps_rejects_answers_off_the_scale(bad: list) -> None:
    with pytest.raises(ValueError, match="nps|scores|numbers"):
        survey.nps(bad)


def test_nps_by_groups_and_looks_up_customer_columns() -> None:
    surveys = pd.DataFrame(
        {"customer_id": ["A", "B", "C", "D", "E", "F"], "nps": [10, 9, 3, 8, 10, 0]}
    )
    customers = pd.DataFrame(
        {"customer_id": list("ABCDEF"), "region": ["N", "N", "N", "S", "S", "S"]}
    )
    out = survey.nps_by(surveys, "region", customers=customers)
    assert out["region"].tolist() == ["N", "S"]
    # N: 2 promoters, 1 detractor of 3 → 33.33; S: 1 promoter, 1 passive, 1 detractor → 0
    assert out["nps"].tolist() == pytest.approx([100 / 3, 0.0])
    for region, scores in (("N", [10, 9, 3]), ("S", [8, 10, 0])):
        expected = survey.nps(scores).iloc[0]
        got = out.loc[out["region"] == region].iloc[0]
        assert got["se"] == pytest.approx(expected["se"])
    with pytest.raises(ValueError, match="customers"):
        survey.nps_by(surveys, "region")


def test_compare_nps_by_hand() -> None:
    before = [10] * 30 + [8] * 40 + [3] * 30  # P 0.30, D 0.30 → NPS 0
    after = [10] * 45 + [8] * 35 + [3] * 20  # P 0.45, D 0.20 → NPS 25
    row = survey.compare_nps(before, after)
    assert list(row.columns) == list(CHANGE_COLUMNS)
    r = row.iloc[0]
    se_b = 100 * math.sqrt((0.30 + 0.30 - 0.0**2) / 100)  # 7.74597
    se_a = 100 * math.sqrt((0.45 + 0.20 - 0.25**2) / 100)  # 7.66485
    se = math.sqrt(se_b**2 + se_a**2)  # √(60 + 58.75) = 10.89725
    assert se == pytest.approx(10.89725, abs=1e-5)
    assert (r["before"], r["after"], r["change"]) == pytest.approx((0.0, 25.0, 25.0))
    assert r["statistic"] == pytest.approx(25 / se)  # z = 2.29416
    assert r["statistic"] == pytest.approx(2.29416, abs=1e-5)
    assert r["p_value"] == pytest.approx(2 * stats.norm.sf(25 / se))  # 0.02178
    assert r["ci_low"] == pytest.approx(25 - Z975 * se)
    assert r["ci_high"] == pytest.approx(25 + Z975 * se)
    assert r["mde"] == pytest.approx((Z975 + stats.norm.ppf(0.8)) * se)
    # effect size: Cohen's d of the +1/0/−1 scores, pooled SD with n − 1
    pooled = (0.60 * 100 / 99 + 0.5875 * 100 / 99) / 2
    assert r["effect_size"] == pytest.approx(0.25 / math.sqrt(pooled))
    # check test: Pearson chi-square of [[30, 40, 30], [45, 35, 20]]; expected 37.5/37.5/25 per
    # row → X² = 2 (7.5²/37.5 + 2.5²/37.5 + 5²/25) = 5.3333 on 2 df, p = exp(−X²/2) = 0.06948
    assert r["check_p_value"] == pytest.approx(math.exp(-5.333333 / 2), abs=1e-6)
    assert math.isnan(r["change_pct"])  # NPS before is 0: relative change is meaningless
    assert r["n_before"] == 100 and r["n_after"] == 100


def test_compare_nps_relative_change_and_insufficient_data() -> None:
    r = survey.compare_nps([10] * 60 + [3] * 40, [10] * 70 + [3] * 30).iloc[0]
    assert r["change_pct"] == pytest.approx(40 / 20 - 1)  # NPS 20 → 40
    assert r["change_pct_ci_low"] < 1.0 < r["change_pct_ci_high"]
    short = survey.compare_nps([10], [9, 9, 3]).iloc[0]
    assert math.isnan(short["p_value"]) and short["note"].startswith("insufficient data")


def test_compare_nps_keeps_its_false_positive_rate_near_alpha() -> None:
    # DESIGN §5: on data with no effect the test rejects about alpha of the time
    rng = np.random.default_rng(20250101)
    probabilities = np.array([0.05, 0.05, 0.05, 0.05, 0.05, 0.05, 0.10, 0.15, 0.15, 0.15, 0.15])
    rejections = 0
    runs = 1000
    for _ in range(runs):
        before = rng.choice(11, size=150, p=probabilities)
        after = rng.choice(11, size=150, p=probabilities)
        rejections += survey.compare_nps(before, after)["p_value"].iloc[0] < 0.05
    assert 0.03 <= rejections / runs <= 0.07  # ± 3 binomial SE (0.0069) around 0.05


# --- CSAT and CES ----------------------------------------------------------------------------


def test_csat_top2_share_wilson_and_mean_t_interval_by_hand() -> None:
    r = survey.csat([5, 4, 4, 3, 2, 5, 4, 1, 5, 4]).iloc[0]
    assert (r["n"], r["top2"], r["top2_share"]) == (10, 7, pytest.approx(0.7))
    # Wilson (1927): (x + z²/2 ± z √(x(n − x)/n + z²/4)) / (n + z²), x = 7, n = 10
    z2 = Z975**2
    centre = (7 + z2 / 2) / (10 + z2)
    half = Z975 * math.sqrt(7 * 3 / 10 + z2 / 4) / (10 + z2)
    assert (r["top2_ci_low"], r["top2_ci_high"]) == pytest.approx((centre - half, centre + half))
    assert (r["top2_ci_low"], r["top2_ci_high"]) == pytest.approx((0.39678, 0.89221), abs=1e-5)
    # mean 3.7; squared deviations sum to 16.1 → s² = 16.1 / 9; t_{0.975, 9} = 2.262157 (table)
    sd = math.sqrt(16.1 / 9)
    assert (r["mean"], r["sd"]) == pytest.approx((3.7, sd))
    assert r["mean_ci_low"] == pytest.approx(3.7 - 2.262157 * sd / math.sqrt(10), abs=1e-6)
    assert r["mean_ci_high"] == pytest.approx(3.7 + 2.262157 * sd / math.sqrt(10), abs=1e-6)
    with pytest.raises(ValueError):
        survey.csat([0, 5])


def test_ces_and_t_interval_by_hand() -> None:
    r = survey.ces([7, 6, 5, 6, 4]).iloc[0]
    # mean 5.6; squared deviations 1.96 + 0.16 + 0.36 + 0.16 + 2.56 = 5.2 → s² = 1.3
    # t_{0.975, 4} = 2.776445 (table): 5.6 ± 2.776445 √(1.3 / 5) = (4.18428, 7.01572)
    assert (r["mean"], r["sd"]) == pytest.approx((5.6, math.sqrt(1.3)))
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((4.18428, 7.01572), abs=1e-5)
    with pytest.raises(ValueError):
        survey.ces([8])


# --- representativeness ----------------------------------------------------------------------


def _base(n_smb: int = 600, n_ent: int = 400) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"C{i}" for i in range(n_smb + n_ent)],
            "segment": ["SMB"] * n_smb + ["Enterprise"] * n_ent,
        }
    )


def test_representativeness_chi_square_by_hand() -> None:
    customers = _base()
    ids = [f"C{i}" for i in range(150)] + [f"C{i}" for i in range(600, 650)]
    respondents = pd.DataFrame({"customer_id": ids + ids[:10]})  # repeat answers count once
    out = survey.representativeness(respondents, customers)
    assert out["category"].tolist() == ["Enterprise", "SMB"]
    assert out["respondents"].tolist() == [50, 150]
    assert out["expected"].tolist() == pytest.approx([80.0, 120.0])  # 200 × 0.4, 200 × 0.6
    # X² = 30²/80 + 30²/120 = 11.25 + 7.5 = 18.75 on 1 df (Pearson 1900)
    assert out["statistic"].iloc[0] == pytest.approx(18.75)
    assert out["p_value"].iloc[0] == pytest.approx(stats.chi2.sf(18.75, 1))
    assert out["effect_size"].iloc[0] == pytest.approx(math.sqrt(18.75 / 200))  # Cohen's w
    assert out["residual"].tolist() == pytest.approx([-30 / math.sqrt(80), 30 / math.sqrt(120)])
    assert out["unrepresentative"].all() and out["flag"].all() and not out["too_small"].any()
    assert "Enterprise under-represented" in out["message"].iloc[0]


def test_representativeness_flags_too_few_respondents() -> None:
    customers = _base()
    matching = pd.DataFrame({"segment": ["SMB"] * 30 + ["Enterprise"] * 20})
    out = survey.representativeness(matching, customers)
    assert out["statistic"].iloc[0] == pytest.approx(0.0)
    assert out["too_small"].all() and out["flag"].all() and not out["unrepresentative"].any()
    assert "only 50 respondents" in out["message"].iloc[0]
    tiny_cell = survey.representativeness(
        pd.DataFrame({"segment": ["SMB"] * 196 + ["Enterprise"] * 4}), _base(990, 10)
    )
    assert tiny_cell["too_small"].all()  # expected Enterprise = 200 × 0.01 = 2 < 5
    assert "expected counts below 5 in Enterprise" in tiny_cell["message"].iloc[0]


# --- Cronbach's alpha ------------------------------------------------------------------------

# pingouin's dataset "cronbach_wide_missing" (raphaelvallat/pingouin, src/pingouin/datasets)
PINGOUIN_ITEMS = """Q1,Q2,Q3,Q4,Q5,Q6,Q7,Q8,Q9,Q10,Q11
1,1,1,1,1,1,1,1,1,1,1
1,1,1,1,1,1,1,1,0,1,0
,0,1,1,,1,1,1,1,0,0
1,1,1,0,1,1,0,1,1,0,0
1,1,1,1,1,0,0,0,1,0,0
0,1,,0,1,1,1,1,0,0,0
1,1,1,1,0,0,1,0,0,0,0
1,1,1,1,1,0,0,0,0,0,0
0,1,0,1,1,0,0,0,0,1,0
1,0,0,1,0,1,0,0,,0,0
1,1,1,0,0,0,0,0,0,0,0
1,0,0,1,0,0,0,0,0,0,0
"""


def test_cronbach_alpha_matches_pingouins_documented_values() -> None:
    data = pd.read_csv(io.StringIO(PINGOUIN_ITEMS))
    # pingouin.cronbach_alpha docstring: (0.8016949152542373, [0.533, 0.947]) listwise,
    # psych::alpha(data[complete.cases(data), ]) in R
    listwise = survey.cronbach_alpha(data).iloc[0]
    assert listwise["alpha"] == pytest.approx(0.8016949152542373, abs=1e-12)
    assert (listwise["ci_low"], listwise["ci_high"]) == pytest.approx((0.533, 0.947), abs=5e-4)
    assert (listwise["n"], listwise["k"]) == (9, 11)
    # pingouin default (pairwise), psych::alpha(data, use="pairwise"): 0.732660835214447,
    # [0.435, 0.909]
    pairwise = survey.cronbach_alpha(data, nan_policy="pairwise").iloc[0]
    assert pairwise["alpha"] == pytest.approx(0.732660835214447, abs=1e-12)
    assert (pairwise["ci_low"], pairwise["ci_high"]) == pytest.approx((0.435, 0.909), abs=5e-4)
    # median-imputed: 0.7380191693290734, [0.447, 0.911]
    imputed = survey.cronbach_alpha(data.fillna(data.median())).iloc[0]
    assert imputed["alpha"] == pytest.approx(0.7380191693290734, abs=1e-12)
    assert (imputed["ci_low"], imputed["ci_high"]) == pytest.approx((0.447, 0.911), abs=5e-4)


SMALL_ITEMS = pd.DataFrame({"q1": [1, 2, 3, 4, 5], "q2": [2, 2, 3, 5, 4], "q3": [1, 3, 3, 4, 5]})


def test_cronbach_alpha_and_feldt_interval_by_hand() -> None:
    # item variances (n − 1): q1 10/4 = 2.5, q2 6.8/4 = 1.7, q3 8.8/4 = 2.2, sum 6.4;
    # totals 4, 7, 9, 13, 14: variance 69.2/4 = 17.3
    # α = k/(k − 1) (1 − Σσ²ᵢ/σ²_total) = 1.5 (1 − 6.4/17.3) = 0.945087 (Cronbach 1951)
    value = 1.5 * (1 - 6.4 / 17.3)
    row = survey.cronbach_alpha(SMALL_ITEMS).iloc[0]
    assert row["alpha"] == pytest.approx(value)
    assert row["alpha"] == pytest.approx(0.945087, abs=1e-6)
    # Feldt (1965): df1 = n − 1 = 4, df2 = (n − 1)(k − 1) = 8; F tables:
    # F_{0.975}(4, 8) = 5.05, F_{0.025}(4, 8) = 1 / F_{0.975}(8, 4) = 1 / 8.98
    upper_q, lower_q = stats.f.isf(0.025, 4, 8), stats.f.isf(0.975, 4, 8)
    assert upper_q == pytest.approx(5.05, abs=0.005)
    assert lower_q == pytest.approx(1 / 8.98, abs=0.0005)
    # c_L = 1 − (1 − α) F_{0.975} = 0.7225, c_U = 1 − (1 − α) F_{0.025} = 0.9939
    assert row["ci_low"] == pytest.approx(1 - (1 - value) * upper_q)
    assert row["ci_high"] == pytest.approx(1 - (1 - value) * lower_q)
    assert row["ci_low"] == pytest.approx(0.7225, abs=5e-4)
    assert row["ci_high"] == pytest.approx(0.9939, abs=5e-4)


def test_item_analysis_by_hand() -> None:
    out = survey.item_analysis(SMALL_ITEMS)
    assert out["item"].tolist() == ["q1", "q2", "q3"]
    # without q1: items q2, q3 (variances 1.7, 2.2), total q2 + q3 = 3, 5, 6, 9, 9 with
    # variance 27.2/4 = 6.8 → α = 2 (1 − 3.9/6.8) = 0.852941
    assert out["alpha_if_deleted"].iloc[0] == pytest.approx(2 * (1 - 3.9 / 6.8))
    # corrected item-total: cov(q1, rest) = 16/4 = 4, var(q1) = 2.5, var(rest) = 6.8
    assert out["item_total_correlation"].iloc[0] == pytest.approx(4 / math.sqrt(2.5 * 6.8))
    # consistency: each alpha-if-deleted is the alpha of the other two items
    for i, item in enumerate(SMALL_ITEMS.columns):
        rest = survey.cronbach_alpha(SMALL_ITEMS.drop(columns=item))["alpha"].iloc[0]
        assert out["alpha_if_deleted"].iloc[i] == pytest.approx(rest)
        other = SMALL_ITEMS.drop(columns=item).sum(axis=1)
        assert out["item_total_correlation"].iloc[i] == pytest.approx(
            np.corrcoef(SMALL_ITEMS[item], other)[0, 1]
        )


def test_alpha_reading_follows_george_and_mallery() -> None:
    # George & Mallery (2003), p. 231: ≥ .9 excellent, ≥ .8 good, ≥ .7 acceptable,
    # ≥ .6 questionable, ≥ .5 poor, < .5 unacceptable
    values = [0.95, 0.9, 0.85, 0.7, 0.65, 0.5, 0.49, -0.2]
    words = ["excellent", "excellent", "good", "acceptable", "questionable", "poor"]
    words += ["unacceptable", "unacceptable"]
    assert [survey.alpha_reading(v) for v in values] == words
    assert survey.alpha_reading(float("nan")) == "not available"


# --- before/after and findings on the demo client -------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Assessment, dict]:
    folder = tmp_path_factory.mktemp("survey_demo")
    generate_demo_client(folder, scale=0.3)
    report = validate_client(folder)
    truth = json.loads((Path(folder) / "truth.json").read_text(encoding="utf-8"))["kpis"]
    return report.tables, report.assessment, truth


def test_survey_changes_recover_the_demo_truth(demo: tuple[dict, Assessment, dict]) -> None:
    tables, assessment, truth = demo
    changes = survey.survey_changes(tables["surveys"], assessment, customers=tables["customers"])
    assert changes["kpi"].tolist() == ["nps", "csat_top2_share", "csat_mean", "ces"]
    assert list(changes.columns) == ["kpi", "label", "unit", "direction", *CHANGE_COLUMNS]
    rows = changes.set_index("kpi")
    # tolerance: the estimate lies within 3 standard errors of the injected truth
    nps = rows.loc["nps"]
    for window, n in (("before", nps["n_before"]), ("after", nps["n_after"])):
        se = 100 * math.sqrt(0.75 / n)  # ≥ the NPS SE at these shares (p_P + p_D − diff² < 0.75)
        assert abs(nps[window] - truth["nps"][window]) < 3 * se
    assert nps["ci_low"] < truth["nps"]["after"] - truth["nps"]["before"] < nps["ci_high"]
    csat = rows.loc["csat_top2_share"]
    for window, n in (("before", csat["n_before"]), ("after", csat["n_after"])):
        p = truth["csat_top2_share"][window]
        assert abs(csat[window] - p) < 3 * math.sqrt(p * (1 - p) / n)
    true_change = truth["csat_top2_share"]["after"] - truth["csat_top2_share"]["before"]
    assert csat["ci_low"] < true_change < csat["ci_high"]
    # CES: no injected effect, and none detected
    ces = rows.loc["ces"]
    assert ces["p_value"] > 0.05 and ces["ci_low"] < 0 < ces["ci_high"]
    assert abs(ces["before"] - truth["ces"]["before"]) < 0.1  # 3 SE: 3 × 1.2/√1100 ≈ 0.11
    # the control region (West) got nothing: no detectable NPS change there
    control = survey.survey_changes(
        tables["surveys"], assessment, customers=tables["customers"], scope="control"
    ).set_index("kpi")
    assert control.loc["nps", "p_value"] > 0.05
    # the rows are crmkit.impact's comparisons of the CRM regions' answers in each year
    before = _crm_surveys(tables, 2024)["ces"]
    assert rows.loc["ces", "n_before"] == before.notna().sum()
    assert rows.loc["ces", "before"] == pytest.approx(before.mean())
    expected = compare_means(before.dropna(), _crm_surveys(tables, 2025)["ces"].dropna())
    assert rows.loc["ces", "p_value"] == pytest.approx(expected["p_value"].iloc[0])
    csat_b = _crm_surveys(tables, 2024)["csat"].dropna()
    csat_a = _crm_surveys(tables, 2025)["csat"].dropna()
    expected = compare_proportions(
        (csat_b >= 4).sum(), csat_b.size, (csat_a >= 4).sum(), csat_a.size
    )
    assert rows.loc["csat_top2_share", "p_value"] == pytest.approx(expected["p_value"].iloc[0])


def _crm_surveys(tables: dict, year: int) -> pd.DataFrame:
    surveys, customers = tables["surveys"], tables["customers"]
    west = customers.loc[customers["region"] == "West", "customer_id"]
    keep = surveys["response_date"].dt.year.eq(year) & ~surveys["customer_id"].isin(west)
    return surveys.loc[keep]


def test_demo_respondents_over_represent_enterprise(demo: tuple[dict, Assessment, dict]) -> None:
    # synth.py: surveys follow orders, and Enterprise customers order 3× as often
    tables, _, _ = demo
    by_segment = survey.representativeness(tables["surveys"], tables["customers"])
    assert by_segment["flag"].all()
    enterprise = by_segment.set_index("category").loc["Enterprise"]
    assert enterprise["respondent_share"] > enterprise["customer_share"]
    by_region = survey.representativeness(tables["surveys"], tables["customers"], by="region")
    assert not by_region["flag"].any()  # regions are drawn independently of ordering


def test_demo_loyalty_scale_is_reliable(demo: tuple[dict, Assessment, dict]) -> None:
    # synth.py: four loyalty items loading 0.85 on one factor with noise 0.75 (+ rounding):
    # inter-item r ≈ 0.85² / (0.85² + 0.75²) ≈ 0.56 → α = 4r / (1 + 3r) ≈ 0.84 before rounding
    tables, _, _ = demo
    items = tables["surveys"].filter(regex=r"^loyalty_\d+$")
    row = survey.cronbach_alpha(items).iloc[0]
    assert 0.78 < row["alpha"] < 0.86 and row["ci_low"] < row["alpha"] < row["ci_high"]
    assert survey.alpha_reading(row["alpha"]) == "good"


def test_survey_findings_say_the_numbers_in_words(demo: tuple[dict, Assessment, dict]) -> None:
    tables, assessment, _ = demo
    changes = survey.survey_changes(tables["surveys"], assessment, customers=tables["customers"])
    findings = survey.survey_findings(
        changes,
        representativeness=survey.representativeness(tables["surveys"], tables["customers"]),
        reliability=survey.cronbach_alpha(tables["surveys"].filter(regex=r"^loyalty_\d+$")),
    )
    nps = changes.set_index("kpi").loc["nps"]
    text = findings.paragraph
    assert f"The Net Promoter Score rose from {nps['before']:.1f} to {nps['after']:.1f}" in text
    assert "Customer Effort Score" in text and "no detectable change" in text
    assert "do not mirror the customer base by segment" in text
    assert "Cronbach's alpha" in text and "good" in text
    assert any("may not represent" in item for item in findings.limitations)
    assert any("not corrected" in item for item in findings.limitations)


def test_survey_changes_window_and_scope_arguments() -> None:
    a = Assessment(
        "Acme",
        dt.date(2025, 1, 1),
        Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        control=Control("region", ("West",)),
    )
    surveys = pd.DataFrame(
        {
            "response_date": pd.to_datetime(
                ["2024-05-01", "2024-06-01", "2025-05-01", "2026-01-01"]
            ),
            "customer_id": ["A", "B", "A", "A"],
            "nps": [10, 0, 9, 0],
        }
    )
    customers = pd.DataFrame({"customer_id": ["A", "B"], "region": ["North", "west"]})
    crm = survey.survey_changes(surveys, a, customers=customers).iloc[0]
    assert (crm["n_before"], crm["n_after"]) == (1, 1)  # B is West; 2026 is outside
    everyone = survey.survey_changes(surveys, a, customers=customers, scope="all").iloc[0]
    assert everyone["n_before"] == 2
    with pytest.raises(ValueError, match="scope"):
        survey.survey_changes(surveys, a, scope="west")
