"""The satisfaction and data-quality words in Chinese: same numbers, Chinese sentences.

Each check writes out by hand the Chinese a manager reads for a small input, with the numbers
formatted exactly as in the English report of the same input; the English is checked beside it
where the two share numbers. Names shown from data below the words layer (quality dimensions,
grades, severities, what each table feeds, column descriptions, Cronbach's alpha readings)
each have a Chinese term.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from crmkit.data import quality
from crmkit.data.quality import DIMENSIONS, Grade
from crmkit.data.quality.rules import EMPTY_MEANS, SEVERITY_RANK
from crmkit.data.schemas import TABLES
from crmkit.data.validation import validate_client
from crmkit.domains.survey.reliability import AlphaReading
from crmkit.words import quality as quality_words
from crmkit.words import survey as survey_words
from crmkit.words.language import english, speaking, term

#: What may stay in Latin letters in a Chinese sentence: abbreviations a reader knows,
#: statistics' symbols, and the client's own names and identifiers used in the inputs below.
KEPT = re.compile(
    r"NPS|CSAT|CES|CRM|KPI|Cronbach's alpha|alpha|Cohen's w|df|\bp\b|\bn\b|"
    r"SMB|Enterprise|loyalty|orders|tickets|customers|amount|customer_id|\.csv"
)


def latin_left(text: str) -> list[str]:
    """The Latin words of ``text`` that are neither abbreviations nor client names."""
    return re.findall(r"[A-Za-z]+", KEPT.sub("", text))


NPS_CHANGE = pd.DataFrame(
    {
        "kpi": ["nps"],
        "before": [20.0],
        "after": [28.0],
        "change": [8.0],
        "ci_low": [2.0],
        "ci_high": [14.0],
        "p_value": [0.009],
        "n_before": [900],
        "n_after": [950],
        "note": [None],
    }
)

# Respondents 50 % SMB / 50 % Enterprise against customers 80 % / 20 %.
MIX = pd.DataFrame(
    {
        "variable": ["segment"] * 2,
        "category": ["SMB", "Enterprise"],
        "respondent_share": [0.5, 0.5],
        "customer_share": [0.8, 0.2],
        "residual": [-5.0, 8.0],
        "statistic": [40.0] * 2,
        "df": [1] * 2,
        "p_value": [0.0001] * 2,
        "effect_size": [0.45] * 2,
        "too_small": [False] * 2,
        "unrepresentative": [True] * 2,
        "flag": [True] * 2,
    }
)


def test_nps_finding_reads_in_chinese_with_the_english_numbers():
    english_text = survey_words.survey_findings(NPS_CHANGE).paragraph
    with speaking("zh"):
        chinese = survey_words.survey_findings(NPS_CHANGE).paragraph
    assert english_text.startswith("The Net Promoter Score rose from 20.0 to 28.0 (+8.0 points")
    assert chinese == (
        "净推荐值（NPS）从 20.0 升至 28.0（+8.0 分；95 % 置信区间 +2.0 至 +14.0；p = 0.009；"
        "上线前后分别有 900 份和 950 份回答）。"
    )
    assert latin_left(chinese) == []


def test_a_fall_and_no_change_are_their_own_chinese_sentences():
    fell = NPS_CHANGE.assign(after=12.0, change=-8.0, ci_low=-14.0, ci_high=-2.0)
    flat = NPS_CHANGE.assign(after=21.0, change=1.0, ci_low=-5.0, ci_high=7.0, p_value=0.74)
    with speaking("zh"):
        fell_text = survey_words.survey_findings(fell).paragraph
        flat_text = survey_words.survey_findings(flat).paragraph
    assert fell_text.startswith("净推荐值（NPS）从 20.0 降至 12.0（−8.0 分；")
    assert flat_text.startswith("净推荐值（NPS）无显著变化：从 20.0 变为 21.0（+1.0 分；")


def test_unrepresentative_respondents_in_chinese():
    with speaking("zh"):
        message = survey_words.representativeness_message(MIX)
        title = survey_words.representativeness_title(MIX)
    # chi-square 40.0, df 1, p < 0.001, w 0.45; Enterprise 50 % of respondents vs 20 %
    assert message == (
        "按客户细分看，受访者的构成与客户群不一致（卡方 = 40.0，df = 1，p < 0.001，"
        "Cohen's w = 0.45）：Enterprise 占比偏高（占受访者的 50.0 %，占客户的 20.0 %）；"
        "SMB 占比偏低（占受访者的 50.0 %，占客户的 80.0 %）。请按客户细分对结果加权，或谨慎解读。"
    )
    # a chart title: it keeps its English for a machine without a Chinese font
    assert (
        title
        == "按客户细分看，受访者与客户的构成不一致：Enterprise 占受访者的 50 %，而占客户的 20 %"
    )
    assert english(title) == (
        "Respondents do not mirror the customers by segment: Enterprise make up 50 % of "
        "respondents but 20 % of customers"
    )


def test_csat_and_ces_paragraph_in_chinese():
    changes = pd.DataFrame(
        {
            "kpi": ["csat_top2_share", "ces"],
            "change": [0.05, -0.05],
            "verdict": ["improved", "no detectable change"],
        }
    )
    with speaking("zh"):
        text = survey_words.csat_text(changes)
    # +0.05 as percentage points: +5.0; no space between two Chinese sentences
    assert text.endswith(
        "自上线以来，对所购产品满意的客户增多（打 4 或 5 分的比例变动 +5.0 个百分点），"
        "超出偶然可解释的范围。客户与本公司打交道的难易程度没有显著变化。"
    )


def test_scale_reliability_in_chinese_uses_the_chinese_reading():
    rel = pd.DataFrame({"alpha": [0.80], "ci_low": [0.79], "ci_high": [0.81], "n": [900], "k": [4]})
    items = pd.DataFrame(
        {
            "item": ["loyalty_1", "loyalty_2"],
            "item_total_correlation": [0.61, 0.62],
            "alpha_if_deleted": [0.75, 0.74],
        }
    )
    with speaking("zh"):
        title = survey_words.reliability_title(rel, items, "loyalty")
        labels = survey_words.item_labels(["loyalty_1", "loyalty_2"], "loyalty")
    # alpha 0.80 is "good" (George & Mallery): 良好
    assert title == (
        "loyalty 量表的信度为良好（Cronbach's alpha 0.80）；所有题目拟合良好"
        "（题目与其余题目的相关系数 0.61 至 0.62）"
    )
    assert labels == ["Loyalty 第 1 题", "Loyalty 第 2 题"]


def test_nps_table_headers_and_units_in_chinese_key_the_same_columns():
    windows = pd.DataFrame(
        {
            "window": ["before", "after"],
            "n": [900, 950],
            "promoter_share": [0.45, 0.5],
            "passive_share": [0.30, 0.28],
            "detractor_share": [0.25, 0.22],
            "nps": [20.0, 28.0],
            "se": [2.5, 2.4],
            "ci_low": [15.1, 23.3],
            "ci_high": [24.9, 32.7],
        }
    )
    with speaking("zh"):
        view = survey_words.nps_view(windows, NPS_CHANGE)
    assert list(view.frame.columns) == [
        "时段", "回答数", "推荐者", "被动者", "贬损者", "NPS", "标准误", "置信区间", "p 值"
    ]  # fmt: skip
    assert set(view.units) <= set(view.frame.columns)
    assert set(view.formats) <= set(view.frame.columns)
    assert view.units["回答数"] == "个" and view.units["NPS"] == "分"
    assert view.frame["时段"].tolist() == ["上线前", "上线后", "变化（上线后 − 上线前）"]
    assert view.frame["置信区间"].tolist() == ["15.1 至 24.9", "23.3 至 32.7", "+2.0 至 +14.0"]


SCORES = pd.DataFrame(
    {
        "table": ["orders", "tickets", "overall"],
        "score": [0.99, 0.89, 0.94],
        "completeness": [1.0, 0.94, 0.97],
        "validity": [1.0, 1.0, 1.0],
        "consistency": [1.0, 0.92, 0.96],
        "uniqueness": [1.0, 1.0, 1.0],
        "integrity": [0.98, 1.0, 0.99],
        "timeliness": [1.0, 0.5, 0.75],
    }
)


def test_quality_scores_in_chinese_name_the_dimension_in_chinese():
    english_text = quality_words.scores_finding(SCORES)
    with speaking("zh"):
        chinese = quality_words.scores_finding(SCORES)
        title = quality_words.score_chart_title(SCORES)
    assert english_text == (
        "Tickets scores below 95 % (89 %), weakest on timeliness (50 %); orders is good."
    )
    # table names are the client's tables, kept as written (not capitalized in Chinese)
    assert chinese == "tickets 的得分低于 95 %（89 %），最弱的维度是及时性（50 %）；orders 良好。"
    assert title == "orders 可靠；tickets 需要关注"
    assert english(title) == "Orders is reliable; tickets needs attention"


def write_client(folder: Path) -> Path:
    """customers C1–C3; 24 monthly orders, O05 and O06 of unknown customers C8 and C9, O10
    with a negative amount."""
    (folder / "params.yaml").write_text("client: Test Co\ngo_live_date: 2025-01-01\n")
    data = folder / "data"
    data.mkdir()
    (data / "customers.csv").write_text(
        "customer_id,created_date,segment\n"
        "C1,2023-01-01,SMB\nC2,2023-01-01,SMB\nC3,2023-03-01,Enterprise\n"
    )
    rows = []
    for i, month in enumerate(pd.period_range("2024-01", "2025-12", freq="M"), start=1):
        customer = {5: "C8", 6: "C9"}.get(i, f"C{i % 3 + 1}")
        amount = "-5" if i == 10 else "100"
        rows.append(f"O{i:02d},{customer},{month}-15,{amount}")
    (data / "orders.csv").write_text(
        "order_id,customer_id,order_date,amount\n" + "\n".join(rows) + "\n"
    )
    return folder


@pytest.fixture
def measured(tmp_path):
    report = validate_client(write_client(tmp_path))
    return quality.assess_quality(
        report.tables, report.problems_frame(), report.assessment, files=report.files
    )


def test_issues_to_raise_with_the_client_in_chinese(measured):
    in_english = quality_words.with_words(measured).issues.set_index("rule")
    with speaking("zh"):
        worded = quality_words.with_words(measured)
        view = quality_words.table_view(worded, "issues")
    issues = worded.issues.set_index("rule")
    assert in_english.loc["unknown_reference", "issue"] == (
        "2 orders point to a customer that is not in the customers table"
    )
    assert issues.loc["unknown_reference", "issue"] == "2 个订单指向 customers 表中不存在的客户"
    assert issues.loc["negative", "issue"] == "1 个订单的金额为负数"
    for column in ("issue", "impact", "what_to_ask"):
        for text in issues[column]:
            assert latin_left(text) == [], text
    assert list(view.frame.columns[:5]) == ["严重程度", "表", "文件", "列", "问题"]
    assert set(view.frame["严重程度"]) <= {"错误", "警告"}
    assert view.units == {"得分降低": "分"}


def test_a_warning_keeps_its_bold_in_chinese_markdown():
    # CommonMark closes ** only when not followed by a letter after punctuation: the colon
    # goes after the closing **, so 警告 renders bold
    small = MIX.assign(too_small=True, n=2, min_n=100, expected=10.0, min_expected=5.0)
    with speaking("zh"):
        text = survey_words.representativeness_text(small)
    assert text.startswith("**警告**：受访者太少，无法按客户细分判断其能否代表客户群：")
    assert "仅有 2 位受访者（至少需要 100 位）" in text


def test_quality_paragraph_in_chinese_joins_sentences_without_spaces(measured):
    with speaking("zh"):
        worded = quality_words.with_words(measured)
        text = quality_words.findings_text(worded.scores, worded.issues, worded.timeliness)
    assert text.startswith("整体数据质量")
    assert "。 " not in text
    assert latin_left(text) == [], text


def test_every_name_shown_from_data_below_the_words_layer_has_a_chinese_term():
    names = {*DIMENSIONS, *(str(g) for g in Grade), *SEVERITY_RANK}
    names |= {str(r) for r in AlphaReading}
    names |= {t.used_for for t in TABLES.values() if t.used_for}
    names |= {c.description for t in TABLES.values() for c in t.columns}
    names |= {"segment", "region"}  # the groups NPS is compared by
    names |= {"nps", "csat_top2_share", "ces"}  # the survey KPIs named in the limitations
    # the completeness table's notes (crmkit.data.quality.completeness.column_applies)
    names |= {*EMPTY_MEANS.values(), "won and lost opportunities only"}
    with speaking("zh"):
        untranslated = sorted(name for name in names if term(name) == name)
    assert untranslated == []
