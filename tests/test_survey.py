"""crmkit.domains.survey: NPS, CSAT, CES, representativeness, Cronbach's alpha, findings.

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

from crmkit.data.config import Assessment, Control, Window
from crmkit.data.validation import validate_client
from crmkit.demo.synth import generate_demo_client
from crmkit.domains import survey
from crmkit.stats.impact import CHANGE_COLUMNS, compare_means, compare_proportions, wilson_interval
from crmkit.words import survey as survey_words
from crmkit.words.formats import format_p_value

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
    assert "Enterprise under-represented" in survey_words.representativeness_message(out)


def test_representativeness_flags_too_few_respondents() -> None:
    customers = _base()
    matching = pd.DataFrame({"segment": ["SMB"] * 30 + ["Enterprise"] * 20})
    out = survey.representativeness(matching, customers)
    assert out["statistic"].iloc[0] == pytest.approx(0.0)
    assert out["too_small"].all() and out["flag"].all() and not out["unrepresentative"].any()
    assert "only 50 respondents" in survey_words.representativeness_message(out)
    tiny_cell = survey.representativeness(
        pd.DataFrame({"segment": ["SMB"] * 196 + ["Enterprise"] * 4}), _base(990, 10)
    )
    assert tiny_cell["too_small"].all()  # expected Enterprise = 200 × 0.01 = 2 < 5
    assert "expected counts below 5 in Enterprise" in survey_words.representativeness_message(
        tiny_cell
    )


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
    # the rows are crmkit.stats.impact's comparisons of the CRM regions' answers in each year
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
    findings = survey_words.survey_findings(
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


# --- report views of the satisfaction stage --------------------------------------------------

ACME = Assessment(
    "Acme",
    dt.date(2025, 1, 1),
    Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    control=Control("region", ("West",)),
)


def _small() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ten answers: four before go-live (CRM units), four after, two from the West (control)."""
    surveys = pd.DataFrame(
        {
            "response_id": [f"R{i}" for i in range(10)],
            "response_date": pd.to_datetime(
                ["2024-02-01", "2024-03-01", "2024-04-01", "2024-05-01"]
                + ["2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01"]
                + ["2025-06-01", "2025-07-01"]
            ),
            "customer_id": ["A", "B", "C", "A", "A", "B", "C", "D", "W1", "W2"],
            "nps": [10, 9, 6, 8, 10, 10, 9, 3, 0, 2],
            "csat": [5, 4, 3, 1, 5, 5, 4, 2, 1, 1],
            "ces": [7, 5, np.nan, np.nan, 6, 6, 7, 5, 1, 1],
        }
    )
    customers = pd.DataFrame(
        {
            "customer_id": ["A", "B", "C", "D", "W1", "W2"],
            "segment": ["SMB", "SMB", "Enterprise", "SMB", "SMB", "Enterprise"],
            "region": ["North", "North", "East", "East", "West", "West"],
        }
    )
    return surveys, customers


def test_nps_windows_mix_and_view_by_hand() -> None:
    surveys, customers = _small()
    windows = survey.nps_windows(surveys, ACME, customers=customers)
    # before: 10, 9, 6, 8 → 2 promoters, 1 detractor of 4 → 25; after (West left out):
    # 10, 10, 9, 3 → 3 promoters, 1 detractor → 50
    assert windows["window"].tolist() == ["before", "after"]
    assert windows["n"].tolist() == [4, 4]
    assert windows["nps"].tolist() == pytest.approx([25.0, 50.0])
    mix = survey_words.nps_mix(windows)
    assert mix.index.tolist() == ["Before go-live (n = 4)", "After go-live (n = 4)"]
    assert mix.iloc[1].tolist() == pytest.approx(
        [0.75, 0.0, 0.25]
    )  # promoters, passives, detractors
    changes = survey.survey_changes(surveys, ACME, customers=customers)
    view = survey_words.nps_view(windows, changes)
    frame = view.frame
    assert frame["Window"].tolist() == [
        "Before go-live",
        "After go-live",
        "Change (after − before)",
    ]
    assert frame["NPS"].tolist() == ["25.0", "50.0", "+25.0"]
    assert frame["Promoters"].iloc[0] == pytest.approx(50.0)  # percent
    assert view.units["NPS"] == "points" and view.units["Promoters"] == "%"
    assert frame["p-value"].iloc[2] == format_p_value(
        changes.set_index("kpi").loc["nps", "p_value"]
    )
    everyone = survey.nps_windows(surveys, ACME, customers=customers, scope="all")
    assert everyone["n"].tolist() == [4, 6]
    with pytest.raises(ValueError, match="nps"):
        survey.nps_windows(surveys.drop(columns="nps"), ACME)


def test_nps_text_follows_the_verdict() -> None:
    windows = pd.DataFrame(
        {
            "window": ["before", "after"],
            "n": [900, 950],
            "nps": [20.0, 28.0],
            "promoter_share": [0.45, 0.5],
            "detractor_share": [0.25, 0.22],
        }
    )
    improved = survey_words.nps_text(windows, {"change": 8.0, "verdict": "improved"})
    assert improved.startswith("**What it means:** more customers would recommend")
    assert "45.0 % to 50.0 %" in improved and "+8.0 points" in improved
    flat = survey_words.nps_text(windows, {"change": 1.0, "p_value": 0.4}, alpha=0.05)
    assert "has not changed detectably" in flat
    few = survey_words.nps_text(
        windows.assign(n=[1, 1]), {"change": 8.0, "verdict": "insufficient data"}
    )
    assert "too few answers" in few and "1 before, 1 after" in few


def test_nps_by_window_marks_the_control_group_and_gives_reasons() -> None:
    surveys, customers = _small()
    table = survey.nps_by_window(surveys, "region", ACME, customers=customers)
    # after go-live, all units: East 9, 3 → 0; North 10, 10 → 100; West 0, 2 → −100
    assert table["region"].tolist() == ["East", "North", "West"]
    assert table["nps"].tolist() == pytest.approx([0.0, 100.0, -100.0])
    frame = survey_words.nps_by_frame(table, "region", ACME)
    assert frame["label"].tolist() == ["East", "North", "West (no CRM)"]
    assert frame["crm"].tolist() == [True, True, False]
    view = survey_words.nps_by_view(table, "region", ACME)
    assert view.frame.columns[0] == "Region" and view.units["NPS"] == "points"
    before = survey.nps_by_window(surveys, "segment", ACME, customers=customers, window="before")
    assert before["n"].sum() == 4
    assert "cannot be linked to a segment" in survey.nps_by_window(surveys, "segment", ACME)
    assert survey.nps_by_window(surveys.drop(columns="nps"), "region", ACME) == (
        "the survey table has no NPS answers"
    )
    late = surveys.assign(response_date=pd.Timestamp("2023-01-01"))
    assert survey.nps_by_window(late, "region", ACME, customers=customers) == (
        "no NPS answers in the after window"
    )


def test_nps_group_test_by_hand_and_against_the_two_sample_z() -> None:
    # three groups: NPS 20, 30, 40 with SE 5, 5, 10 → weights 0.04, 0.04, 0.01, pooled
    # 2.4 / 0.09 = 26.67; Q = 0.04·6.67² + 0.04·3.33² + 0.01·13.33² = 4.0 on 2 df (Cochran 1954)
    table = pd.DataFrame({"nps": [20.0, 30.0, 40.0], "se": [5.0, 5.0, 10.0], "n": [100, 100, 30]})
    row = survey.nps_group_test(table).iloc[0]
    assert row["pooled_nps"] == pytest.approx(2.4 / 0.09)
    assert row["statistic"] == pytest.approx(4.0)
    assert (row["df"], row["groups"]) == (2, 3)
    assert row["p_value"] == pytest.approx(math.exp(-2.0))  # chi-square(2) survival = e^(−x/2)
    # two groups: Q is the square of compare_nps's z
    a = [10] * 30 + [8] * 40 + [3] * 30
    b = [10] * 45 + [8] * 35 + [3] * 20
    groups = survey.nps_by(pd.DataFrame({"nps": a + b, "g": ["a"] * 100 + ["b"] * 100}), "g")
    z = survey.compare_nps(a, b)["statistic"].iloc[0]
    assert survey.nps_group_test(groups)["statistic"].iloc[0] == pytest.approx(z**2)
    lonely = survey.nps_group_test(table.iloc[:1]).iloc[0]
    assert math.isnan(lonely["p_value"]) and lonely["groups"] == 1


def test_nps_by_title_and_text_state_the_gap() -> None:
    table = pd.DataFrame(
        {"region": ["East", "West"], "nps": [30.7, 23.0], "se": [1.6, 1.6], "n": [2000, 2100]}
    )
    title = survey_words.nps_by_title(table, "region")
    assert title.startswith("NPS by region: highest in East (30.7), lowest in West (23.0)")
    assert title.endswith("larger than chance explains")  # z = 7.7 / 2.26 = 3.4
    text = survey_words.nps_by_text(table, "region")
    assert "differs by region" in text and "West has the lowest score (23.0)" in text
    close = table.assign(nps=[25.0, 24.0])
    assert survey_words.nps_by_title(close, "region").endswith("within what chance produces")
    assert "do not differ by more than chance" in survey_words.nps_by_text(close, "region")
    assert "too few groups" in survey_words.nps_by_title(table.iloc[:1], "region")


def test_csat_windows_mix_and_text_by_hand() -> None:
    surveys, customers = _small()
    windows = survey.csat_windows(surveys, ACME, customers=customers).set_index("window")
    # before: csat 5, 4, 3, 1 → top-2 2 of 4 = 0.5, mean 3.25; ces 7, 5 → mean 6
    before = windows.loc["before"]
    assert (before["csat_n"], before["top2_share"], before["csat_mean"]) == (4, 0.5, 3.25)
    assert (before["top2_ci_low"], before["top2_ci_high"]) == pytest.approx(wilson_interval(2, 4))
    assert (before["ces_n"], before["ces_mean"]) == (2, 6.0)
    # t interval of the ces mean: 6 ± t(0.975, 1) · √2 / √2
    assert before["ces_ci_high"] - 6.0 == pytest.approx(stats.t.ppf(0.975, 1) * 1.0)
    mix = survey_words.csat_mix(survey.csat_shares(surveys, ACME, customers=customers))
    assert mix.iloc[0].tolist() == [0.5, 0.25, 0.25]
    assert mix.iloc[1].tolist() == [0.75, 0.0, 0.25]  # after: 5, 5, 4, 2
    assert survey_words.csat_mix(survey.csat_shares(surveys.drop(columns="csat"), ACME)).empty
    view = survey_words.csat_view(windows.reset_index())
    assert view.units["Satisfied (4–5)"] == "%" and view.units["CES mean"].startswith("score 1–7")
    rows = pd.DataFrame(
        {
            "kpi": ["csat_top2_share", "ces"],
            "change": [0.05, 0.4],
            "verdict": ["improved", "improved"],
        }
    )
    text = survey_words.csat_text(rows)
    assert "more customers are satisfied" in text and "easier" in text
    assert "too few CSAT answers" in survey_words.csat_text(
        rows.assign(verdict="insufficient data")
    )
    assert "no CSAT or CES answers" in survey_words.csat_text(rows.iloc[:0])


def test_response_counts_and_representativeness_views() -> None:
    surveys, customers = _small()
    counts = survey.response_counts(surveys, ACME, customers=customers)
    assert counts["responses"].tolist() == [4, 4]  # the West's two answers are left out
    assert counts["respondents"].tolist() == [3.0, 4.0]  # A answered twice before go-live
    assert counts["ces_answers"].tolist() == [2, 4]
    view = survey_words.counts_view(counts)
    assert set(view.units.values()) == {"count"}
    # customers lack nothing: the check takes the first of segment, region
    mix = survey.representativeness_check(surveys, customers)
    assert mix["variable"].iloc[0] == "segment"
    assert mix["too_small"].all()  # 6 respondents
    by_region = survey.representativeness_check(surveys, customers.drop(columns="segment"))
    assert by_region["variable"].iloc[0] == "region"
    assert "no customers table" in survey.representativeness_check(surveys, None)
    assert "neither" in survey.representativeness_check(surveys, customers[["customer_id"]])
    assert survey_words.representativeness_title(mix).startswith("Too few respondents")
    assert survey_words.representativeness_text(mix).startswith("**Warning:** Too few respondents")
    frame = survey_words.representativeness_frame(mix)
    assert frame.columns.tolist() == ["Respondents", "Customers"]
    # 6 respondents: Enterprise C, W2 (2 of 6), SMB A, B, D, W1 (4 of 6); customers 2 of 6, 4 of 6
    assert frame.loc["Enterprise"].tolist() == pytest.approx([100 * 2 / 6, 100 * 2 / 6])
    assert survey_words.representativeness_view(mix).units["Share of respondents"] == "%"


def test_representativeness_title_and_text_of_a_skewed_sample() -> None:
    customers = _base()
    ids = [f"C{i}" for i in range(150)] + [f"C{i}" for i in range(600, 650)]
    mix = survey.representativeness(pd.DataFrame({"customer_id": ids}), customers)
    # Enterprise: 50 of 200 respondents (25 %) against 400 of 1,000 customers (40 %)
    assert survey_words.representativeness_title(mix) == (
        "Respondents do not mirror the customers by segment: Enterprise make up 25 % of "
        "respondents but 40 % of customers"
    )
    assert survey_words.representativeness_text(mix).startswith(
        "**Warning:** The respondents do not"
    )
    fair = survey.representativeness(
        pd.DataFrame({"customer_id": [f"C{i}" for i in range(0, 1000, 5)]}), customers
    )
    assert survey_words.representativeness_title(fair).startswith(
        "Respondents mirror the customers"
    )
    assert survey_words.representativeness_text(fair).startswith("**What it means:**")


def test_item_scales_are_found_by_prefix_and_number() -> None:
    surveys = pd.DataFrame(
        {
            "response_id": ["R1"],
            "nps": [9.0],
            "loyalty_2": [3.0],
            "loyalty_1": [4.0],
            "loyalty_10": [2.0],
            "trust1": [5.0],
            "trust2": [5.0],
            "q1": [1.0],
            "flag_1": [True],
            "flag_2": [False],
            "note_1": ["a"],
            "note_2": ["b"],
        }
    )
    assert survey.item_scales(surveys) == {
        "loyalty": ["loyalty_1", "loyalty_2", "loyalty_10"],
        "trust": ["trust1", "trust2"],
    }
    assert survey.item_scales(surveys, min_items=3) == {
        "loyalty": ["loyalty_1", "loyalty_2", "loyalty_10"]
    }
    assert survey_words.scale_name("brand_trust") == "brand trust scale"
    assert survey_words.item_labels(["trust1", "other"], "trust") == ["Trust item 1", "other"]


def test_reliability_title_and_text_name_the_item_that_does_not_fit() -> None:
    items = pd.DataFrame(
        {
            "fit_1": [1, 2, 3, 4, 5, 2, 4],
            "fit_2": [2, 2, 3, 5, 4, 1, 4],
            "fit_3": [1, 3, 3, 4, 5, 2, 5],
            "fit_4": [5, 1, 4, 2, 3, 3, 1],  # unrelated to the others
        }
    )
    reliability = survey.cronbach_alpha(items)
    analysis = survey.item_analysis(items)
    # independent check: item 4's correlation with the sum of the other three is negative
    rest = items[["fit_1", "fit_2", "fit_3"]].sum(axis=1)
    assert np.corrcoef(items["fit_4"], rest)[0, 1] < 0.3
    title = survey_words.reliability_title(reliability, analysis, "fit")
    assert "Fit item 4 fits poorly" in title
    text = survey_words.reliability_text(reliability, analysis, "fit")
    assert "Dropping Fit item 4 would raise alpha" in text
    series = survey_words.item_frame(analysis, "fit")
    assert series.index.tolist() == ["Fit item 1", "Fit item 2", "Fit item 3", "Fit item 4"]
    good = items[["fit_1", "fit_2", "fit_3"]]
    text = survey_words.reliability_text(
        survey.cronbach_alpha(good), survey.item_analysis(good), "fit"
    )
    assert "measure one thing consistently" in text
    assert survey_words.item_view(analysis, "fit").frame["Item"].iloc[0] == "Fit item 1"


def test_satisfaction_record_is_json_ready() -> None:
    surveys, customers = _small()
    changes = survey.survey_changes(surveys, ACME, customers=customers)
    windows = survey.nps_windows(surveys, ACME, customers=customers)
    table = survey.nps_by_window(surveys, "region", ACME, customers=customers)
    record = survey.satisfaction_record(
        changes=changes,
        windows=windows,
        by_group={"region": table},
        representativeness=survey.representativeness_check(surveys, customers),
        scales={
            "loyalty": pd.DataFrame(
                {"alpha": [0.8], "ci_low": [0.7], "ci_high": [0.9], "n": [50], "k": [4]}
            )
        },
        counts=survey.response_counts(surveys, ACME, customers=customers),
    )
    text = json.dumps(record, allow_nan=False)  # NaN became null
    assert record["nps"]["before"]["nps"] == 25.0 and record["nps"]["change"] == 25.0
    assert record["csat_top2_share"]["n_before"] == 4
    assert record["nps_by_region"]["West"]["nps"] == -100.0
    assert record["representativeness"]["flag"] is True
    assert record["reliability"]["loyalty"]["reading"] == "good"
    assert record["responses"]["after"]["responses"] == 4
    assert "NaN" not in text
    assert survey.satisfaction_record(representativeness="no customers table") == {}
