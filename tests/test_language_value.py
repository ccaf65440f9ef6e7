"""The scorecard, next-best-action and financial value words in Chinese (``language: zh``).

Each check builds a small input by hand, writes it in English and in Chinese, and compares
with the sentence written out here: the numbers are the same formatted figures in both
languages, the words around them are the catalog's.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from crmkit.data.guards import Guard
from crmkit.data.verdicts import Verdict
from crmkit.domains.benefits import Benefit, Reading
from crmkit.domains.finance import ECONOMIC_USES
from crmkit.synthesis.actions import Reason
from crmkit.synthesis.chain import LinkStatus
from crmkit.synthesis.scorecard import BalancedScorecard
from crmkit.synthesis.status import ScoreStatus
from crmkit.words import actions as action_words
from crmkit.words import language
from crmkit.words import scorecard as scorecard_words
from crmkit.words import valuation as valuation_words
from crmkit.words.language import english, speaking

ZH = language.CATALOGS / "zh"

#: Where a revenue effect comes from, or why none is usable, as the valuation domain writes it.
REVENUE_SOURCES = (
    "difference-in-differences against the control group",
    "interrupted time series on the ratio to the control group",
    "interrupted time series against its projection",
    "the difference-in-differences on revenue has no interval (too few control units)",
    "the time series' revenue effect has no usable interval",
    "the difference-in-differences' revenue effect lies inside the effects of fake go-live dates",
)

#: Lifecycle phases the costs schema names, and the phase of a cost without one.
PHASES = ("planning", "implementation", "operation", "not stated")

#: The verdicts a measured benefit's evidence shows.
MEASURED_VERDICTS = (Verdict.IMPROVED, Verdict.WORSENED, Verdict.NO_CHANGE, Verdict.INSUFFICIENT)


def _terms(name: str) -> dict[str, str]:
    return json.loads((ZH / name).read_text(encoding="utf-8"))


def _has_latin_letters(text: str) -> bool:
    return re.search("[A-Za-z]", text) is not None


def test_every_perspective_and_score_status_has_a_chinese_term_and_no_other():
    names = set(scorecard_words.PERSPECTIVE_NAMES.values())
    names |= {scorecard_words.STATUS_WORDS[s] for s in ScoreStatus}
    assert set(_terms("terms_scorecard.json")) == names


def test_every_valuation_name_shown_has_a_chinese_term_and_no_other():
    names = {str(b) for b in Benefit} | {str(r) for r in Reading}
    names |= {str(v) for v in MEASURED_VERDICTS} | set(ECONOMIC_USES) | set(PHASES)
    names |= set(REVENUE_SOURCES)
    assert set(_terms("terms_valuation.json")) == names


def _card() -> BalancedScorecard:
    perspectives = pd.DataFrame(
        {
            "weight": [0.5, 0.5],
            "score": [0.8, 0.4],
            "coverage": [1.0, 0.5],
            "n_measured": [2, 1],
            "n_kpis": [2, 2],
            "status": [ScoreStatus.MET, ScoreStatus.BEHIND],
        },
        index=pd.Index(["financial", "customer"], name="perspective"),
    )
    return BalancedScorecard(pd.DataFrame(), perspectives, 0.6, 0.75)


CHAIN = pd.DataFrame({"status": [LinkStatus.SUPPORTED, LinkStatus.NOT_SUPPORTED]})


def test_strategy_map_title_in_chinese_has_the_same_scores_and_remembers_its_english():
    english_title = scorecard_words.strategy_map_title(_card(), CHAIN)
    assert english_title == (
        "Financial leads at 80 %, customer trails at 40 %; 1 of 2 links of the chain "
        "supported by the data"
    )
    with speaking("zh"):
        title = scorecard_words.strategy_map_title(_card(), CHAIN)
    assert title == "财务领先（80 %），客户落后（40 %）；因果链 2 个环节中有 1 个得到数据支持"
    assert not _has_latin_letters(title)
    # a chart without a Chinese font draws the English, lower case as the English report
    assert english(title) == english_title


def test_perspectives_table_in_chinese_translates_headers_units_and_cells():
    with speaking("zh"):
        view = scorecard_words.perspectives_view(_card())
        meaning = scorecard_words.perspectives_meaning(_card())
    assert list(view.frame.columns) == ["视角", "权重", "得分", "覆盖率", "已测量 KPI", "状态"]
    assert view.frame.iloc[1].tolist() == ["客户", "50 %", "40 %", "50 %", "1 / 2", "落后"]
    assert view.units["得分"] == "% 达成"
    assert meaning.endswith("CRM 达到了计分卡要求的 60 %，评价基于 75 % 的权重。落后：客户。")


def test_reasons_and_ranking_title_in_chinese():
    frame = pd.DataFrame({"action": ["Coaching"], "benefit_index": [1.5], "monetised": [True]})
    with speaking("zh"):
        reasons = action_words.reasons_text([Reason.WORSENED, Reason.BEHIND_TARGET])
        title = action_words.ranking_title(frame)
    assert reasons == "上线后恶化；未达目标"
    # 1.5 benefit index: every unit spent comes back 1 + 1.5 = 2.5 times
    assert title == "“Coaching”回报最高：每投入 1 个单位，一年内可收回 2.5 倍"


def test_what_gaps_mean_counts_each_reason_in_chinese():
    gaps = pd.DataFrame(
        {"reasons": [[Reason.BEHIND_TARGET], [Reason.BEHIND_TARGET, Reason.WORSENED]]}
    )
    with speaking("zh"):
        text = action_words.what_gaps_mean(gaps)
    assert "2 个 KPI 需要关注（2 个未达目标、1 个上线后恶化）" in text


def test_guarded_benefit_note_in_chinese():
    with speaking("zh"):
        note = valuation_words.benefit_note(Guard.NO_INTERVAL)
    assert note == (
        "未计入 CRM 的收益：扣除对照组后的变化没有置信区间（对照单位太少）：数据无法判断"
    )


def test_cost_breakdown_in_chinese_keeps_the_numbers():
    # 300 of 410 = 73.2 %; present value 300 of 400 = 75.0 %
    breakdown = pd.DataFrame(
        {
            "phase": ["implementation", "not stated"],
            "amount": [300.0, 110.0],
            "share": [300 / 410, 110 / 410],
            "present_value": [300.0, 100.0],
            "pv_share": [0.75, 0.25],
        }
    )
    with speaking("zh"):
        table = valuation_words.breakdown_table(breakdown, "phase", currency="CNY")
    assert list(table.columns) == [
        "生命周期阶段", "评估期内成本（CNY）", "成本占比", "现值（CNY）", "现值占比",
    ]  # fmt: skip
    assert table.iloc[0].tolist() == ["实施", "300", "73.2 %", "300", "75.0 %"]
    assert table.iloc[1, 0] == "未注明"


def test_year_by_year_summary_in_chinese_has_the_same_present_values():
    costs = pd.DataFrame({"year": [0], "category": ["licences"], "amount": [100.0]})
    benefits = pd.DataFrame({"year": [1], "category": ["sales"], "amount": [121.0]})
    settings = SimpleNamespace(discount_rate=0.10, horizon_years=1)
    with speaking("zh"):
        view = valuation_words.summary_view(
            costs, benefits, settings, risk_adjusted=False, currency="CNY"
        )
    assert list(view.frame.columns) == ["项目", "初始", "第 1 年", "合计", "现值"]
    assert view.frame["项目"].tolist() == ["总成本", "总收益", "净收益", "累计净收益"]
    # 121 in year 1 at 10 %: 121 / 1.1 = 110; net present value 110 − 100 = 10
    assert view.frame["现值"].tolist()[:3] == pytest.approx([100.0, 110.0, 10.0])
    assert view.units["第 1 年"] == "CNY"


def test_english_tables_keep_their_headers():
    view = scorecard_words.perspectives_view(_card())
    assert list(view.frame.columns) == [
        "Perspective", "Weight", "Score", "Coverage", "Kpis measured", "Status",
    ]  # fmt: skip
    assert view.frame.iloc[1].tolist() == ["Customer", "50 %", "40 %", "50 %", "1 of 2", "behind"]


def test_every_catalog_action_owner_and_source_has_a_chinese_term():
    from crmkit.synthesis.action_catalog import CATALOG, ActionSource
    from crmkit.words.language import speaking, term

    names = {a.name for a in CATALOG} | {a.owner for a in CATALOG} | {str(s) for s in ActionSource}
    with speaking("zh"):
        missing = sorted(n for n in names if term(n) == n)
    assert not missing, f"no zh term for {missing}"
