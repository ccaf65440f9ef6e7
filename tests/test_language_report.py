"""End to end: the demo in English and in Chinese reports the same numbers in other words.

One small demo client, run twice through the CLI (``crmkit demo --language en`` then
``--language zh``): the Chinese index page has the Chinese headings and the same net present
value as the English one, both equal to the NPV of results.json formatted by hand.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from crmkit.cli import main

pytestmark = pytest.mark.slow

_TILE = re.compile(
    r'<div class="tile-label">(?P<label>[^<]*)</div>\s*<div class="tile-value">(?P<value>[^<]*)</div>'
)


def _demo(base: Path, language: str) -> Path:
    """The report folder of one demo run in ``language``."""
    result = CliRunner().invoke(
        main,
        [
            "demo",
            "--scale",
            "0.03",
            "--client-dir",
            str(base / "demo"),
            "--output",
            str(base / f"reports-{language}"),
            "--language",
            language,
        ],
    )
    assert result.exit_code == 0, result.output
    return Path(result.output.strip().splitlines()[-1]).parent


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("language")
    return {language: _demo(base, language) for language in ("en", "zh")}


def _tiles(report_dir: Path) -> dict[str, str]:
    page = (report_dir / "index.html").read_text(encoding="utf-8")
    return {html.unescape(m["label"]): html.unescape(m["value"]) for m in _TILE.finditer(page)}


def _results(report_dir: Path) -> dict:
    return json.loads((report_dir / "results.json").read_text(encoding="utf-8"))


def test_the_chinese_index_has_chinese_headings(runs):
    page = (runs["zh"] / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page
    for heading in ("CRM 价值评估", "执行摘要", "关键数据", "评估阶段", "本次运行的文件"):
        assert f">{heading}</" in page, heading
    english = (runs["en"] / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and ">Headline figures</h2>" in english
    assert ">关键数据</h2>" not in english


def test_the_npv_is_the_same_in_both_languages(runs):
    results = {language: _results(folder) for language, folder in runs.items()}
    assert results["zh"]["params"]["language"] == "zh"
    assert results["en"]["financial"]["npv"] == results["zh"]["financial"]["npv"]
    # the NPV of results.json as the report prints money: the currency code, then the
    # amount rounded to whole units with thousands separators
    npv = results["en"]["financial"]["npv"]
    expected = f"{results['en']['params']['currency']} {npv:,.0f}"
    assert _tiles(runs["en"])["Net present value (NPV)"] == expected
    assert _tiles(runs["zh"])["净现值（NPV）"] == expected


def test_the_chinese_stage_pages_have_chinese_chrome(runs):
    page = (runs["zh"] / "11_financial_value.html").read_text(encoding="utf-8")
    assert '<h1 class="page-title">财务价值</h1>' in page
    assert "返回报告目录" in page and "Back to the report index" not in page
