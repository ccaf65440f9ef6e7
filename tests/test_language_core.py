"""Chinese reports, the core words: numbers, verdicts, headlines, tables, the page chrome.

Each check writes out the Chinese a reader sees, with the same formatted number as the
English report; the terms test walks the names defined below the words layer (every KPI's
label, unit and area, every stage title) so that none is shown in English.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from crmkit import kpis
from crmkit.cli import DEMO_LANGUAGES, set_params_language
from crmkit.data.config import LANGUAGES
from crmkit.kpis.definition import AREAS
from crmkit.report import batch_page, render
from crmkit.words import batch, headlines, plan
from crmkit.words.formats import (
    display_unit,
    format_kpi_change,
    format_kpi_value,
    format_percent,
    format_signed,
)
from crmkit.words.language import speaking, term
from crmkit.words.phrases import WINDOW_LABELS, findings_markdown, verdict_word

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"

#: ASCII letters a Chinese text may keep: abbreviations a manager reads as they are.
_ALLOWED_WORDS = {"KPI", "KPIs", "CRM", "NPV", "ROI", "IRR", "CLV", "CNY", "SUS", "NPS", "CES"}
_ALLOWED_WORDS |= {"CSAT", "SMART", "p"}


def _english_words(text: str) -> set[str]:
    """The runs of ASCII letters in ``text`` that are not allowed abbreviations."""
    return set(re.findall(r"[A-Za-z]+", text)) - _ALLOWED_WORDS


def _units_as_printed(unit: str) -> list[str]:
    """The unit words :func:`display_unit` and :func:`format_kpi_value` print for ``unit``."""
    return [display_unit(unit, "CNY"), format_kpi_value(12.5, unit, "CNY")]


@pytest.mark.parametrize("kpi", kpis.CATALOG, ids=lambda k: k.name)
def test_every_catalog_kpi_has_a_chinese_label_and_unit(kpi):
    with speaking("zh"):
        label = term(kpi.label)
        units = _units_as_printed(kpi.unit)
    assert label != kpi.label, f"no zh term for the KPI label {kpi.label!r}"
    assert not _english_words(label), label
    for shown in units:
        assert not _english_words(shown), f"{kpi.unit!r} prints {shown!r} in zh"


def test_every_area_and_stage_title_has_a_chinese_term():
    titles = [
        json.loads(path.read_text(encoding="utf-8"))["metadata"]["crmkit"]["title"]
        for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    ]
    assert len(titles) >= 14
    with speaking("zh"):
        missing = [name for name in (*AREAS, *titles) if term(name) == name]
    assert not missing, f"no zh term for {missing}"


def test_numbers_read_the_same_and_the_words_around_them_change():
    assert format_kpi_change(0.0612, "share") == "+6.1 percentage points"
    assert format_kpi_value(3.581, "score (1–5)") == "3.58 of 5"
    with speaking("zh"):
        assert format_kpi_change(0.0612, "share") == "+6.1 个百分点"
        assert format_kpi_value(3.581, "score (1–5)") == "3.58（满分 5）"
        assert format_kpi_change(0.42, "score (1–5)") == "+0.42 分（1–5 分制）"
        # 5528.3 CNY a month: the amount is printed as in English, the unit in Chinese
        assert format_kpi_value(5528.3, "currency per month", "CNY") == "CNY 5,528/月"
        assert format_kpi_value(-9.0, "days") == "-9.00天"
        assert display_unit("currency per month", "CNY") == "CNY/月"
        assert format_percent(None) == "不可用"
        assert format_percent(0.964) == "96.4 %"
        assert format_signed(None) == "不适用"


def test_verdicts_windows_and_findings_in_chinese():
    with speaking("zh"):
        assert [verdict_word(v) for v in ("improved", "worsened", "no detectable change")] == [
            "改善",
            "恶化",
            "无显著变化",
        ]
        assert verdict_word("insufficient data") == "数据不足"
        assert verdict_word("not measured") == "未测量"
        assert WINDOW_LABELS["before"] == "上线前"
        assert WINDOW_LABELS.get("after") == "上线后"
        assert findings_markdown("", ["少量客户。"]) == (
            "现有数据尚不足以得出这方面的结论。\n\n**局限性**\n\n- 少量客户。"
        )
    assert WINDOW_LABELS["before"] == "Before go-live"


def test_headline_figures_carry_the_english_numbers():
    results = {
        "params": {"currency": "CNY"},
        "financial": {"npv": 1234567.4, "roi": 3.29, "payback_months": 14.25},
        "kpis": {
            "win_rate": {"label": "Win rate", "verdict": "improved", "change_pct": 0.3},
            "nps": {"label": "Net Promoter Score", "verdict": "worsened", "change_pct": -0.1},
        },
    }
    english = headlines.financial_figures(results)
    with speaking("zh"):
        chinese = headlines.financial_figures(results)
        counted = headlines.kpi_figures(results)
    assert [f["value"] for f in english] == ["CNY 1,234,567", "329 %", "14.2 months"]
    assert [f["label"] for f in chinese] == ["净现值（NPV）", "投资回报率（ROI）", "回收期"]
    assert [f["value"] for f in chinese] == ["CNY 1,234,567", "329 %", "14.2 个月"]
    # 1 of 2 KPIs improved, 1 worsened
    assert counted == [{"label": "上线后改善的 KPI", "value": "2 项中 1 项", "note": "恶化 1 项"}]


def test_plan_sentences_in_chinese():
    objectives = pd.DataFrame({"objective": ["Win more"], "missing": ["deadline"]})
    with speaking("zh"):
        text = plan.objectives_findings(objectives)
    assert text == "已列出 1 个目标；其中 0 个完全符合 SMART 原则。Win more：缺少 截止日期。"


def test_batch_sentences_in_chinese():
    rois = [0.5, 1.5, None, -0.2]
    with speaking("zh"):
        sentence = batch.roi_sentence(rois)
        title = batch.roi_chart_title(rois)
        cell = batch.kpi_cell("Win rate", 0.12, "improved")
    # ROI −20 % to 150 % over 3 clients, median 50 %, 1 negative (as in English)
    assert sentence == "3 个客户的 ROI 介于 −20 % 至 150 % 之间（中位数 50 %）；其中 1 个为负。"
    assert title == "3 个客户中有 2 个 ROI 为正"
    assert cell == "赢单率：+12.0 %（改善）"


def test_index_page_in_chinese_has_chinese_chrome_and_the_same_npv():
    results = {
        "client": "Acme",
        "run_id": "20260101-120000",
        "generated_at": "2026-01-01T12:00:00+00:00",
        "params": {"currency": "CNY"},
        "financial": {"npv": 1234567.4},
        "stages": {
            "plan": {"number": "01", "title": "Plan and scope", "status": "ok", "seconds": 2.0}
        },
    }
    english = render.render_index(results)
    with speaking("zh"):
        chinese = render.render_index(results)
    assert "CNY 1,234,567" in english and "CNY 1,234,567" in chinese
    assert '<html lang="zh-CN">' in chinese
    for heading in ("CRM 价值评估", "关键数据", "评估阶段", "本次运行的文件", "规划与范围"):
        assert heading in chinese, heading
    assert "1 个阶段：完成 1 个。" in chinese
    assert "Headline figures" in english and "Headline figures" not in chinese


def test_stage_page_and_batch_page_chrome_in_chinese():
    with speaking("zh"):
        page = render.render_stage(
            None, title="Data quality", client="Acme", run_label="2026-01-01 12:00 UTC",
            status="skipped", message="needs tickets.csv",
        )  # fmt: skip
        plain = batch_page.plain_batch_page([], "boom")
        words = render.chrome_words()
    assert '<h1 class="page-title">数据质量</h1>' in page
    assert "本阶段已跳过：" in page and "运行 2026-01-01 12:00 UTC" in page
    assert "返回报告目录" in page
    assert "页面未能完整生成：boom。" in plain
    for key, text in words.items():
        assert not _english_words(re.sub(r"<[^>]+>|results\.json|report\.\w+", "", text)), key


def test_demo_language_option_writes_params(tmp_path):
    assert set(DEMO_LANGUAGES) == set(LANGUAGES)
    params = tmp_path / "params.yaml"
    params.write_text("client: Demo\nlanguage: en\ncurrency: CNY\n", encoding="utf-8")
    set_params_language(params, "zh")
    assert params.read_text(encoding="utf-8") == "client: Demo\ncurrency: CNY\nlanguage: zh\n"


def test_monitoring_words_in_chinese():
    import datetime as dt

    from crmkit.synthesis.earlier_runs import SkippedRun, SkipReason
    from crmkit.synthesis.history import build_history
    from crmkit.synthesis.tracking import control_limits
    from crmkit.words import history

    first = build_history([], pd.DataFrame(), overall=None, as_of=dt.date(2026, 1, 1))
    # 8 months, the last far above the others: 1 of 8 outside the limits
    limits = control_limits(pd.Series([10.0, 12.0, 11.0, 13.0, 12.0, 10.0, 11.0, 30.0]))
    skipped = [SkippedRun("r/results.json", SkipReason.OTHER_CLIENT, "Other plc")]
    with speaking("zh"):
        assert history.history_intro(first) == "首次评估：历史记录从此开始。"
        assert history.control_chart_title("Monthly revenue", limits) == (
            "月收入：8 个月中有 1 个月超出控制限——值得关注"
        )
        assert history.chart_unit("Win rate", "share") == "赢单率（%）"
        reasons = history.skipped_view(skipped).frame["reason"].tolist()
    assert reasons == ["其他客户"]


def test_a_failed_cell_is_labelled_in_chinese():
    import nbformat

    cell = nbformat.v4.new_code_cell("1 / 0")
    cell.outputs = [
        nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="", traceback=["x"])
    ]
    nb = nbformat.v4.new_notebook(cells=[cell])
    with speaking("zh"):
        body = render.render_body(nb, title="t")
    assert '<p class="error-label">ZeroDivisionError: 阶段在此中止</p>' in body.html
    assert body.language == "zh-CN"


def test_the_kpi_table_in_chinese_keeps_the_numbers():
    from crmkit.words import kpi_tables

    row = {
        "label": "Win rate", "unit": "share", "before": 0.168, "after": 0.257,
        "change": 0.089, "change_pct": 0.5298, "ci_low": 0.019, "ci_high": 0.164,
        "p_adjusted": 0.285, "verdict": "no detectable change", "test": "two-proportion z-test",
        "n_before": 405, "n_after": 187, "status": "measured",
    }  # fmt: skip
    frame = pd.DataFrame([row], index=["win_rate"])
    english = kpi_tables.results_table(frame).iloc[0]
    with speaking("zh"):
        chinese = kpi_tables.results_table(frame).iloc[0]
    # 0.089 is +8.9 percentage points; its interval +1.9 to +16.4; 405 / 187 observations
    assert english["Change"] == chinese["变化"] == "+8.9"
    assert english["95 % CI of the change"] == "+1.9 to +16.4"
    assert chinese["变化的 95 % 置信区间"] == "+1.9 至 +16.4"
    assert chinese["KPI"] == "赢单率" and chinese["检验方法"] == "两比例 z 检验"
    assert chinese["观测数（上线前 / 上线后）"] == "405 / 187"
