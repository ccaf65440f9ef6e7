"""Charts in a Chinese report: Chinese drawn with a CJK font, English where no CJK font is.

The expected texts are written out by hand below (the English of each template, and the
number it carries formatted as the English chart writes it).
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib import _text_helpers, font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from crmkit.data.verdicts import TEST_VERDICTS  # noqa: E402
from crmkit.report import plots  # noqa: E402

strategy_map_module = importlib.import_module("crmkit.report.plots.strategy_map")
from crmkit.report.plots import style  # noqa: E402
from crmkit.report.plots.intervals import _verdict_name  # noqa: E402
from crmkit.synthesis.status import ScoreStatus  # noqa: E402
from crmkit.words.language import speaking, tr  # noqa: E402

#: Tests of Chinese drawn in charts: without a CJK font, charts are drawn in English instead.
needs_cjk_font = pytest.mark.skipif(
    style.cjk_font() is None, reason="no CJK font installed (.ci/run installs fonts-wqy-microhei)"
)

#: Anything of the Latin alphabet: a Chinese chart's own words hold none.
LATIN = re.compile(r"[A-Za-z]")


def _forest_frame(labels: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": labels,
            "change_pct": [0.30, -0.10],
            "change_pct_ci_low": [0.20, -0.20],
            "change_pct_ci_high": [0.40, 0.05],
            "verdict": ["improved", "no detectable change"],
        }
    )


def _monthly() -> pd.DataFrame:
    months = pd.period_range("2024-01", periods=24, freq="M")
    return pd.DataFrame({"East": np.arange(24.0), "West": np.arange(24.0)[::-1]}, index=months)


def _drawn_texts(fig: Figure) -> list[str]:
    """Every non-empty text the figure draws, tick labels included (set while drawing)."""
    fig.canvas.draw()
    texts = list(fig.findobj(Text))
    for ax in fig.axes:
        texts += [*ax.get_xticklabels(), *ax.get_yticklabels()]
    return [text.get_text() for text in texts if text.get_text().strip()]


def _title(fig: Figure) -> Text:
    return fig.axes[0].title if fig.axes[0].get_title() else fig.axes[0]._left_title


def _font_files(text: Text) -> dict[str, str]:
    """Each character of ``text`` → the name of the font file that draws it: matplotlib's
    own glyph layout (as the Agg backend draws) over the text's font families."""
    properties = text.get_fontproperties()
    font = font_manager.get_font(font_manager.fontManager._find_fonts_by_props(properties))
    return {
        item.char: Path(item.ft_object.fname).name
        for item in _text_helpers.layout(text.get_text(), font)
    }


def _house_font_characters() -> set[str]:
    font = font_manager.get_font(font_manager.findfont(style.HOUSE_FONT))
    return {chr(code) for code in font.get_charmap()}


def test_a_chinese_title_is_drawn_with_the_installed_cjk_font():
    cjk = style.cjk_font()
    if cjk is None:
        pytest.skip("no CJK font installed (.ci/run installs fonts-wqy-microhei)")
    cjk_file = Path(
        font_manager.findfont(font_manager.FontProperties(family=cjk), fallback_to_default=False)
    ).name
    with speaking("zh"):
        fig = plots.forest_plot(_forest_frame(["East", "West"]), title=tr("No data to show"))
    title = _title(fig)
    assert title.get_text() == "无数据可显示"
    files = _font_files(title)
    assert set(files) == set("无数据可显示")
    assert set(files.values()) == {cjk_file}
    # digits keep the house font: the numbers of a Chinese chart look as in the English one
    (tick,) = [t for t in fig.axes[0].get_xticklabels() if t.get_text() == "+20 %"]
    assert _font_files(tick)["2"] == "DejaVuSans.ttf"


def test_without_a_cjk_font_a_chinese_chart_draws_the_english_texts(monkeypatch):
    monkeypatch.setattr(style, "CJK_FONTS", ())
    with speaking("zh"):
        title = tr("{window}\n(n = {n})", window=tr("After go-live"), n="1,200")
        verdict = tr("improved")  # a translated name inside a table loses its English
        fig = plots.forest_plot(_forest_frame([verdict, "East"]), title=title)
    texts = _drawn_texts(fig)
    # the English of each template, written out by hand
    for english in (
        "After go-live\n(n = 1,200)",
        "Change after go-live (%)",
        "improved",
        "no detectable change",
        "East",
        "+20 %",
    ):
        assert english in texts
    house = _house_font_characters()
    outside = {c for text in texts for c in text if c not in house and not c.isspace()}
    assert not outside, f"characters the house font cannot draw: {sorted(outside)}"


def test_without_a_cjk_font_dates_and_legends_are_english(monkeypatch):
    monkeypatch.setattr(style, "CJK_FONTS", ())
    with speaking("zh"):
        fig = plots.line_chart(
            _monthly(), title=tr("No data to show"), ylabel=tr("Share (%)"), go_live="2025-01-01"
        )
    texts = _drawn_texts(fig)
    assert {"No data to show", "Share (%)", "Go-live", "2025", "Apr"} <= set(texts)
    assert not [text for text in texts if re.search(r"[^\x00-\x7f\u00a0\u2212]", text)]


@needs_cjk_font
def test_a_chinese_line_chart_writes_years_and_months_in_chinese():
    with speaking("zh"):
        fig = plots.line_chart(
            _monthly(), title=tr("No data to show"), ylabel=tr("Share (%)"), go_live="2025-01-01"
        )
    texts = _drawn_texts(fig)
    # months of 2024-01 … 2025-12, a tick every third month (as the English "Apr", "Jul")
    assert {"2024年", "04月", "07月", "10月", "2025年", "上线", "占比（%）"} <= set(texts)
    english = plots.line_chart(_monthly(), title="t", ylabel="y", go_live="2025-01-01")
    assert {"2024", "Apr", "Jul", "Oct", "2025", "Go-live"} <= set(_drawn_texts(english))


@needs_cjk_font
def test_a_chinese_chart_carries_the_same_numbers_as_the_english_one():
    scores = pd.Series({"orders": 0.964, "tickets": 0.85})
    # the threshold 0.9 is written as 90 %; the scores as 96.4 % and 85.0 %
    english = _drawn_texts(plots.score_chart(scores, title="t"))
    assert {"Threshold 90 %", "96.4 %", "85.0 %", "Score (%)"} <= set(english)
    with speaking("zh"):
        chinese = _drawn_texts(plots.score_chart(scores, title="t"))
    assert {"阈值 90 %", "96.4 %", "85.0 %", "得分（%）", "达到或高于阈值", "低于阈值"} <= set(
        chinese
    )


@needs_cjk_font
def test_a_chinese_concentration_chart_marks_the_same_shares():
    # the top 20 % of customers hold 74 % (the curve's first point, read off directly)
    curve = pd.DataFrame({"customer_share": [0.2, 1.0], "cumulative_share": [0.74, 1.0]})
    english = _drawn_texts(plots.concentration_chart(curve, title="t"))
    assert "top 20 % of customers: 74 %" in english
    with speaking("zh"):
        chinese = _drawn_texts(plots.concentration_chart(curve, title="t"))
    assert "前 20 % 的客户：74 %" in chinese
    assert "累计收入占比（%）" in chinese


@needs_cjk_font
def test_a_chinese_distribution_chart_has_no_latin_words_of_its_own():
    before, after = pd.Series([1.0, 2.0, 3.0]), pd.Series([2.0, 3.0, 4.0, 5.0])
    with speaking("zh"):
        fig = plots.distribution_chart(before, after, title=tr("No data to show"), xlabel="天")
    texts = _drawn_texts(fig)
    # medians 2 and 3.5, written with three significant digits as in English
    assert {"中位数 2", "中位数 3.5", "上线前\n（n = 3）", "上线后\n（n = 4）"} <= set(texts)
    words = [LATIN.sub("", text.replace("n = ", "")) for text in texts]
    assert words == [text.replace("n = ", "") for text in texts]


def test_every_verdict_and_status_a_chart_names_has_a_chinese_name():
    # the names come from the typed values themselves: a new one without a name fails here
    names = {str(v): _verdict_name(v) for v in TEST_VERDICTS}
    names |= {str(s): strategy_map_module._status_name(str(s)) for s in ScoreStatus}
    assert set(plots.VERDICT_COLOURS) <= set(TEST_VERDICTS)
    assert set(strategy_map_module.STATUS_COLOURS) == {str(s) for s in ScoreStatus}
    with speaking("zh"):
        chinese = {str(v): _verdict_name(v) for v in TEST_VERDICTS}
        chinese |= {str(s): strategy_map_module._status_name(str(s)) for s in ScoreStatus}
        rows = strategy_map_module._row_names()
    assert names == {name: name for name in names}  # English as the values are spelled
    assert all(not LATIN.search(word) for word in chinese.values()), chinese
    assert rows == ("财务", "客户", "内部流程", "学习与成长")


@needs_cjk_font
def test_a_chinese_strategy_map_names_perspectives_and_statuses_in_chinese():
    kpis = pd.DataFrame(
        {"label": ["赢单率"], "perspective": ["internal_process"], "status": ["met"]},
        index=["win_rate"],
    )
    with speaking("zh"):
        texts = _drawn_texts(plots.strategy_map(kpis, title=tr("No data to show")))
    assert {
        "财务",
        "客户",
        "内部流程",
        "学习与成长",
        "已达成",
        "进展正常",
        "落后",
        "未测量",
    } <= set(texts)
    assert not [text for text in texts if LATIN.search(text)]
