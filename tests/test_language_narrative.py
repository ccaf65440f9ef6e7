"""The narrative (findings, executive summary) in Chinese: same numbers, Chinese words.

Each test builds a sentence in English and in Chinese from the same input and compares the
numbers both print with the figures written out here; outside the abbreviations a reader
knows (CRM, KPI, NPV, ROI, CI, p, currency codes) and the client's own names, no English word
is left in the Chinese.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd
import pytest

from crmkit.measure.rollout import Assumption, Claim, Design, DesignReason
from crmkit.synthesis.status import ScoreStatus
from crmkit.words import narrative
from crmkit.words.language import english, speaking
from crmkit.words.narrative.synthesis import SCORED

#: Latin words a Chinese sentence may keep: abbreviations, currency codes, params keys.
KEPT = {"CRM", "KPI", "NPV", "ROI", "IRR", "CNY", "p", "params", "yaml", "control", "rollout"}


def _latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z_]*", text)) - KEPT


def _has_chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def test_kpi_counts_and_strongest_improvement_keep_their_numbers():
    kpis = {
        "win_rate": {"label": "Win rate", "unit": "share", "verdict": "improved",
                     "before": 0.2, "after": 0.26, "change_pct": 0.3},
        "cycle": {"label": "Sales cycle", "unit": "days", "verdict": "no detectable change"},
    }  # fmt: skip
    english_text = narrative.summary_kpis(kpis)
    with speaking("zh"):
        chinese = narrative.summary_kpis(kpis)
    # (0.26 − 0.2) / 0.2 = +30.0 %; 2 KPIs, 1 improved, 0 worsened, 1 without change.
    assert english_text == [
        "Of 2 KPIs, after go-live 1 improved, 0 worsened and 1 shows no detectable change.",
        "The strongest improvements: Win rate (+30.0 %).",
    ]
    assert chinese == [
        "在 2 项 KPI 中，上线后：1 项改善、0 项恶化和1 项无显著变化。",
        "改善最明显的：赢单率（+30.0 %）。",
    ]
    assert english(chinese[1]) == english_text[1]


def test_financial_headline_prints_the_same_money():
    financial = {"basis": "declared", "npv": 8407400.0, "roi": 0.42, "payback_months": 20.4}
    with speaking("zh"):
        chinese = narrative.summary_financial(financial, currency="CNY")
    # NPV 8,407,400 with thousands separators; ROI 0.42 → 42 %; 20.4 months → 20.
    assert chinese == (
        "按客户申报并经风险调整的收益计算，CRM 的净现值为 CNY 8,407,400（ROI 42 %），"
        "20 个月收回投资。"
    )
    assert not _latin_words(chinese)


def test_scorecard_sentence_and_figure_in_chinese():
    card = {"overall": 0.54, "coverage": 0.3}
    with speaking("zh"):
        sentence = narrative.summary_scorecard(card)
        value, note = narrative.scorecard_figure_text(card)
        unmeasured = narrative.scorecard_figure_text({"overall": None, "coverage": 0.0})
    # 0.54 → "54 %" in the sentence, "54.0 %" as the figure; coverage 0.3 → "30 %".
    assert "54 %" in sentence and "30 %" in sentence and _has_chinese(sentence)
    assert not _latin_words(sentence)
    assert (value, note) == ("54.0 %", "仅基于 30 % 的权重：不到一半，不能作为结论")
    assert unmeasured == ("未测量", "没有任何维度能对照其目标进行测量")


def test_every_perspective_and_score_status_has_chinese_words():
    perspectives = ("financial", "customer", "internal_process", "learning_and_growth")
    with speaking("zh"):
        shown = [narrative.perspective_words(p) for p in perspectives]
        statuses = {s: narrative.score_status_words(s) for s in SCORED}
    assert shown == ["财务", "客户", "内部流程", "学习与成长"]
    assert statuses == {
        ScoreStatus.MET: "已达成目标",
        ScoreStatus.ON_TRACK: "进展正常",
        ScoreStatus.BEHIND: "落后于目标",
    }


@pytest.mark.parametrize("design", list(Design))
def test_every_design_reads_in_chinese(design):
    reasons = {
        Design.STAGGERED: DesignReason.STAGGERED_DATES,
        Design.DIFFERENCE_IN_DIFFERENCES: DesignReason.ONE_DATE,
        Design.SYNTHETIC_CONTROL: DesignReason.PILOT,
        Design.TIME_SERIES_ONLY: DesignReason.NO_COMPARISON,
    }
    rollout = {
        "design": design.value,
        "reason": reasons[design].value,
        "assumption": Assumption.PARALLEL_TRENDS.value,
        "unit": "region",
        "units": {"treated": ["North", "South"], "never_treated": ["West"]},
    }
    with speaking("zh"):
        text = narrative.rollout_design(rollout)
    lines = text.splitlines()
    # The markdown stays: a bold opening line, a blank line, three list items.
    assert lines[0].startswith("**设计：") and lines[1] == ""
    assert [line[:4] for line in lines[2:]] == ["- *原", "- *前", "- *如"]
    assert "North、South" in lines[0]
    assert not _latin_words(text) - {"region", "North", "South", "West"}


@pytest.mark.parametrize("claim", [c for c in Claim if c is not Claim.CLAIMED])
def test_every_reason_not_to_claim_is_chinese(claim):
    with speaking("zh"):
        reason = narrative.claim_reason(claim)
    assert _has_chinese(reason) and not _latin_words(reason)


def test_rollout_summary_keeps_effect_and_interval():
    rollout = {"design": "staggered", "claim": "claimed", "att_pct": 0.08,
               "ci_low_pct": 0.02, "ci_high_pct": 0.14}  # fmt: skip
    with speaking("zh"):
        chinese = narrative.summary_rollout(rollout)
    # 0.08 → +8.0 %; 95 % interval 0.02 to 0.14 → +2.0 % to +14.0 %.
    assert chinese == (
        "收入在上线 CRM 的地方相对尚未上线的单位变化了 +8.0 %（交错双重差分；95 % 置信区间 "
        "+2.0 % 至 +14.0 %）：超出偶然因素可解释的范围。"
    )


def test_trend_title_names_months_in_chinese():
    shares = pd.Series([0.42, 0.81], index=pd.to_datetime(["2025-01-01", "2025-03-01"]))
    with speaking("zh"):
        title = narrative.trend_title(shares, "CRM 活跃用户占比")
    assert title == "CRM 活跃用户占比从 2025年1月 的 42.0 % 上升到 2025年3月 的 81.0 %"
    assert english(title) == (
        "CRM 活跃用户占比 rose from 42.0 % in January 2025 to 81.0 % in March 2025"
    )


def test_finance_findings_in_chinese_with_the_same_figures():
    summary = SimpleNamespace(npv=1_250_000.0, pv_benefits=3_000_000.0, pv_costs=1_750_000.0,
                              roi=0.714, horizon_years=5, discount_rate=0.08,
                              payback_months=26.4, irr_note=None)  # fmt: skip
    appraisal = SimpleNamespace(summary=summary, headline="declared", simulation=None,
                                measured=None)  # fmt: skip
    english_text = narrative.finance_findings(appraisal, currency="CNY")
    with speaking("zh"):
        chinese = narrative.finance_findings(appraisal, currency="CNY")
    # ROI 0.714 → "71 %"; rate 0.08 → "8 %"; payback 26.4 months printed with one decimal.
    for figure in ("CNY 1,250,000", "CNY 3,000,000", "CNY 1,750,000", "71 %", "8 %", "26.4"):
        assert figure in english_text and figure in chinese
    assert "**这意味着什么：**" in chinese
    assert not _latin_words(chinese)


def test_money_cannot_show_follows_the_active_language():
    assert narrative.MONEY_CANNOT_SHOW.startswith("A financial appraisal counts")
    with speaking("zh"):
        assert narrative.MONEY_CANNOT_SHOW.startswith("财务评估只计算可以定价的部分")


def test_limitations_in_chinese_keep_the_window_lengths():
    results = pd.DataFrame(
        {
            "label": ["Win rate"],
            "status": ["measured"],
            "verdict": ["no detectable change"],
            "note": [""],
        }  # fmt: skip
    )
    with speaking("zh"):
        text = narrative.limitations(
            results, series=None, control=None, before_months=9, after_months=6,
            has_control_group=False,
        )  # fmt: skip
    items = text.splitlines()
    assert items[0].startswith("- **没有对照组。**")
    assert "上线前窗口有 9 个月，上线后窗口有 6 个月" in items[1]
    assert "有 1 项 KPI 无显著变化" in items[2]
    assert not _latin_words(text)
