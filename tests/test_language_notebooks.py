"""The stage notebooks in Chinese: every markdown cell has a translation of the same shape,
a rendered page shows the Chinese headings, and the notes the code cells print read in
Chinese with the same figures as in English.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from crmkit.kpis import get_kpi
from crmkit.report.render import render_body
from crmkit.words import stages
from crmkit.words.language import speaking, term, translate_markdown

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))

#: A heading line of a markdown cell: its level (number of #) and its text.
_HEADING = re.compile(r"^(#{1,6}) (.*)$", re.MULTILINE)

#: Latin words of three letters or more (abbreviations such as CRM, KPI, NPS are allowed).
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_KNOWN_ABBREVIATIONS = {"CRM", "KPI", "KPIs", "NPS", "SUS", "CSAT", "CES", "CLV", "RFM", "NPV"}


def _markdown_cells(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [cell.source for cell in nb.cells if cell.cell_type == "markdown"]


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= character <= "\u9fff" for character in text)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_markdown_cell_has_a_chinese_translation_with_the_same_headings(path):
    for source in _markdown_cells(path):
        translated = translate_markdown(source, "zh")
        assert translated != source, f"{path.name}: no zh translation of {source[:60]!r}"
        assert _has_chinese(translated), f"{path.name}: {translated[:60]!r}"
        english_levels = [level for level, _ in _HEADING.findall(source)]
        chinese_levels = [level for level, _ in _HEADING.findall(translated)]
        assert chinese_levels == english_levels, f"{path.name}: {source[:60]!r}"
        # paragraphs stay paragraphs: as many blank-line separated blocks as in English
        assert len(translated.strip().split("\n\n")) == len(source.strip().split("\n\n"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_chinese_headings_keep_no_english_words(path):
    for source in _markdown_cells(path):
        for _, heading in _HEADING.findall(translate_markdown(source, "zh")):
            words = set(_LATIN_WORD.findall(heading)) - _KNOWN_ABBREVIATIONS
            assert not words, f"{path.name}: {heading!r} keeps {sorted(words)}"


def test_a_rendered_page_shows_the_chinese_headings():
    # 11_financial_value: "# Financial value", "## The answer in figures", ..., "## Findings"
    nb = nbformat.read(NOTEBOOKS[10], as_version=4)
    assert nb.cells[0].source.startswith("# Financial value")
    with speaking("zh"):
        body = render_body(nb, title="11_financial_value")
    assert body.language == "zh-CN"
    headings = [entry["text"] for entry in body.toc]
    assert headings[:3] == ["财务价值", "用数字回答", "逐年的成本与收益"]
    assert headings[-1] == "结论"
    assert "The answer in figures" not in body.html


def test_the_english_page_is_unchanged():
    nb = nbformat.read(NOTEBOOKS[10], as_version=4)
    body = render_body(nb, title="11_financial_value")
    assert [entry["text"] for entry in body.toc[:2]] == ["Financial value", "The answer in figures"]
    assert "财务价值" not in body.html


def test_skip_notes_and_axis_labels_in_chinese_keep_their_values():
    with speaking("zh"):
        assert stages.needs_data() == "*已跳过：所需数据客户尚未提供。*"
        assert stages.skipped(stages.share_label()) == "*已跳过：占比（%）。*"
        assert stages.revenue_per_month_label("CNY") == "收入（CNY/月）"
        assert stages.npv_label("EUR") == "净现值 NPV（EUR）"
        assert stages.nps_by_skipped("region", "x") == "*已跳过（按地区的 NPS）：x。*"
        assert stages.nps_by_skipped("segment", "x") == "*已跳过（按客户细分的 NPS）：x。*"


def test_english_notes_read_as_the_notebooks_printed_them():
    assert stages.needs_data() == "*Skipped: needs data the client has not provided.*"
    assert stages.kpi_needs_data("average_order_value") == (
        "*Skipped: average order value needs data the client has not provided.*"
    )
    assert stages.revenue_per_month_label("CNY") == "Revenue (CNY per month)"
    assert stages.nps_by_skipped("channel", "no such column") == (
        "*Skipped (NPS by channel): no such column.*"
    )


def test_a_kpi_skip_note_names_the_kpi_by_its_translated_label_when_there_is_one():
    label = get_kpi("sales_cycle_days").label
    with speaking("zh"):
        shown = term(label)
        note = stages.kpi_needs_data("sales_cycle_days")
    expected = shown if shown != label else "sales cycle days"
    assert note == f"*已跳过：{expected}所需的数据客户尚未提供。*"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_stage_title_translates_as_the_first_heading(path):
    # The page header and the index name a stage by its metadata title (English in
    # results.json); translate_markdown gives the same words as the page's first heading.
    nb = nbformat.read(path, as_version=4)
    title = nb.metadata["crmkit"]["title"]
    first_heading = _HEADING.findall(translate_markdown(nb.cells[0].source, "zh"))[0]
    assert first_heading[0] == "#"
    assert translate_markdown(title, "zh") == first_heading[1]
    assert _has_chinese(first_heading[1])
