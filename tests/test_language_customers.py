"""The loyalty-and-retention and customer-value pages in Chinese (params ``language: zh``).

Each check builds a small input by hand, writes the numbers the sentence must contain from
that input (not from the code's output), and compares the English and the Chinese sentence:
same numbers, Chinese words, no English word left besides the abbreviations a reader knows.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from crmkit.domains.clv import SEGMENT_ACTIONS, SEGMENTS, TIER_STRATEGIES
from crmkit.domains.customers import ChurnDrivers, ChurnSummary
from crmkit.words import clv as clv_words
from crmkit.words import customers as cw
from crmkit.words.language import english, speaking, term

#: Abbreviations and symbols a Chinese reader knows, allowed in a Chinese sentence.
_KNOWN = re.compile(r"\b(CRM|CNY|KPI|CLV|RFM|BG/NBD|Gamma–Gamma|Gini|log-rank|CI|p|r|df)\b")


def _english_words_left(text: str) -> list[str]:
    """The runs of Latin letters in ``text`` once the known abbreviations are taken out."""
    body = text.split("**", 2)[-1] if text.startswith("**") else text
    return re.findall(r"[A-Za-z]+", _KNOWN.sub("", body))


def _has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def test_churn_paragraph_reads_the_same_numbers_in_chinese():
    # 0.18 and 0.13 annual churn: 18 and 13 customers of every 100.
    row = {"before": 0.18, "after": 0.13, "change": -0.05, "verdict": "improved"}
    summary = ChurnSummary(pd.DataFrame({"source": ["churned_date"]}), None, None)
    assert cw.churn_text(row, summary).endswith(
        "of every 100 customers, about 18 left within a year before go-live and 13 after: "
        "customers stay longer, by more than chance explains."
    )
    with speaking("zh"):
        zh = cw.churn_text(row, summary)
    assert zh.endswith(
        "每 100 位客户中，上线前约有 18 位在一年内流失，上线后约为 13 位：客户留存时间更长，"
        "超出了随机波动所能解释的范围。"
    )
    assert not _english_words_left(zh.split("**")[-1])


def test_survival_title_in_chinese_keeps_the_shares():
    # 0.87 and 0.82 of customers kept through a 365-day horizon; p = 0.0001 < 0.05.
    s = pd.DataFrame(
        {"group": ["before", "after"], "survival_at_horizon": [0.82, 0.87], "horizon": [365.0] * 2}
    )
    test = pd.DataFrame({"p_value": [0.0001]})
    with speaking("zh"):
        title = cw.survival_title(s, test)
    assert (
        title == "上线后 87 % 的客户留存了整整一年，上线前为 82 %——差异超出随机波动所能解释的范围"
    )
    assert english(title) == (
        "After go-live 87 % of customers stayed a full year, against 82 % before — a difference "
        "larger than chance explains"
    )


def test_concentration_title_in_chinese_has_no_english_word_left():
    # The top 20 % of customers hold 74 % of revenue; Gini 0.76 ≥ 0.6 is "highly concentrated".
    curve = pd.DataFrame({"customer_share": [0.2, 1.0], "cumulative_share": [0.74, 1.0]})
    with speaking("zh"):
        title = clv_words.concentration_title(curve, 0.76)
    assert title == "前 20 % 的客户贡献了 74 % 的收入（基尼系数 0.76：高度集中）"
    assert not _english_words_left(title)


def test_tier_text_in_chinese_has_the_amounts_and_the_ratio():
    # 33,919 / 975 = 34.8 → "35" times; the top tier starts at CNY 11,022; the rest hold 5 %.
    tiers = pd.DataFrame(
        {
            "customers": [3557, 5337, 8893],
            "clv_share": [0.77, 0.18, 0.05],
            "clv_mean": [33919.0, 5278.0, 975.0],
            "clv_min": [11022.0, 2113.0, 0.0],
        },
        index=pd.Index(["top 20 %", "next 30 %", "rest 50 %"], name="tier"),
    )
    with speaking("zh"):
        text = clv_words.tier_text(tiers, currency="CNY")
    body = text.split("**")[-1]
    for figure in ("CNY 33,919", "CNY 975", "35 倍", "CNY 11,022", "其次 30 %", "其余 50 %", "5 %"):
        assert figure in body, figure
    assert not _english_words_left(body)


def test_segment_table_in_chinese_names_segments_rules_and_actions():
    segments = pd.DataFrame(
        {
            "customers": [24, 26],
            "customer_share": [0.48, 0.52],
            "revenue": [900.0, 100.0],
            "revenue_share": [0.9, 0.1],
            "clv_mean": [50.0, 5.0],
            "rule": [SEGMENTS["champions"], SEGMENTS["hibernating"]],
            "action": [SEGMENT_ACTIONS["champions"], SEGMENT_ACTIONS["hibernating"]],
        },
        index=pd.Index(["champions", "hibernating"], name="segment"),
    )
    with speaking("zh"):
        view = clv_words.segment_view(segments, currency="CNY")
        title = clv_words.segment_title(segments)
    assert list(view.frame.iloc[:, 0]) == ["冠军客户", "沉睡客户"]
    assert all(_has_chinese(str(c)) for c in view.frame.columns)
    assert all(_has_chinese(v) for v in view.frame.iloc[:, -2:].to_numpy().ravel())
    # 0.48 → 48 %, 0.9 → 90 %; hibernating 0.52 → 52 %, 0.1 → 10 %.
    assert title == "冠军客户占客户的 48 %，贡献了 90 % 的收入；沉睡客户（52 %）贡献 10 %"


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_unit_and_format_names_a_column_of_its_table(language):
    rates = pd.DataFrame(
        {
            "window": ["before", "after"],
            "customers_at_start": [100, 110],
            "acquired": [10, 12],
            "churned": [20, 15],
            "customer_years": [90.0, 95.0],
            "churn_probability": [0.2, 0.14],
            "ci_low": [0.15, 0.1],
            "ci_high": [0.25, 0.18],
            "retention": [0.8, 0.86],
        }
    )
    concentration = pd.DataFrame({"customer_share": [0.5, 1.0], "cumulative_share": [0.8, 1.0]})
    with speaking(language):
        views = [cw.churn_view(rates), clv_words.concentration_view(concentration, tops=[0.5])]
    for view in views:
        assert set(view.units) <= set(view.frame.columns), view.units
        assert set(view.formats) <= set(view.frame.columns), view.formats
    if language == "zh":
        assert views[0].units["年流失率"] == "%"
        assert views[0].frame["置信区间"].tolist() == ["15.0 至 25.0", "10.0 至 18.0"]


def _drivers(p_did: float) -> ChurnDrivers:
    table = pd.DataFrame(
        {
            "term": ["crm_after_go_live", "complaints"],
            "covariate": ["crm_after_go_live", "complaints"],
            "kind": ["binary", "numeric"],
            "level": [None, None],
            "reference": [None, None],
            "hazard_ratio": [0.70, 1.50],
            "ci_low": [0.55, 1.20],
            "ci_high": [0.89, 1.88],
            "p_value": [p_did, 0.001],
        }
    )
    return ChurnDrivers(table, 0.65, 500, 120, 500, "efron", None)


def test_the_crm_effect_on_churn_is_found_by_its_term_in_both_languages():
    # Hazard ratio 0.70 of the CRM units after go-live: the CRM lowered the hazard by 30 %.
    drivers = _drivers(0.004)
    assert "the CRM lowered the hazard of leaving by 30 %" in cw.drivers_text(drivers)
    with speaking("zh"):
        zh = cw.drivers_text(drivers)
    assert "CRM 使流失风险降低了 30 %" in zh
    # Complaints: 1.50 → "+50 %", raised; concordance 0.65 → "65.0 %", a fair part.
    assert "与更快流失明确相关的因素：截至目前的每次投诉" in zh
    assert "模型对 65.0 % 的客户对正确排出了谁先流失" in zh
    assert "这些因素能解释相当一部分流失" in zh


def test_results_json_keeps_the_drivers_english_in_a_chinese_report():
    drivers = _drivers(0.004)
    with speaking("zh"):
        record = cw.retention_record(drivers=drivers)
        shown = cw.driver_readings(drivers)
    top = record["churn_drivers"]["top"]
    # Largest |log HR| first: |log 1.5| = 0.405 > |log 0.7| = 0.357.
    assert [t["driver"] for t in top] == [
        "Each complaint so far",
        "CRM units after go-live (the CRM's effect)",
    ]
    assert top[0]["reading"] == (
        "each extra complaint raises the hazard of leaving by 50 % (95 % CI +20 % to +88 %)"
    )
    assert shown[1] == "每多一次投诉，流失风险提高 50 %（95 % 置信区间 +20 % 至 +88 %）"


def test_holdout_period_dates_read_in_chinese():
    table = pd.DataFrame(
        {
            "predicted_total": [100.0],
            "actual_total": [110.0],
            "error_pct": [-0.0909],
            "correlation": [0.8],
            "customers": [50],
        },
        index=pd.Index(["all"], name="bucket"),
    )
    table.attrs.update(calibration_end="2025-04-30", observation_end="2025-12-31")
    assert "(01 May 2025 to 31 Dec 2025)" in clv_words.validation_text(table)
    with speaking("zh"):
        zh = clv_words.validation_text(table)
    # |−0.0909| → "9.1 %" in total, below 10 %, and correlation 0.8 ≥ 0.5: fit for planning.
    assert "（2025年5月01日 至 2025年12月31日）内购买总量的预测误差在 9.1 % 以内" in zh
    assert zh.endswith("可用于规划。")


def test_every_segment_rule_action_and_tier_strategy_has_a_chinese_term():
    names = [*SEGMENTS, *SEGMENTS.values(), *SEGMENT_ACTIONS.values(), *TIER_STRATEGIES]
    with speaking("zh"):
        missing = [name for name in names if term(name) == name or not _has_chinese(term(name))]
    assert not missing, f"no zh term for: {missing}"
