"""Tests for what a stage shows: tables and text from client data are shown as written."""

from __future__ import annotations

from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from crmkit.pipeline.context import StageContext, literal_markdown, table_styler
from crmkit.report import render

SCRIPT = "<script>window.__x=1</script>"
IMAGE = '"><img src=x onerror="window.__x=2">'
FORMULA = r"$\frac{a}{b}$ and $unbalanced"
LINK = "[link](javascript:window.__x=3)"
PICTURE = "![pixel](http://example.invalid/p.png)"
ENTITY = "&amp;lt;"
ADDRESS = "http://example.invalid/x"
BACKSLASH = r"a\$b\\ and \[c\]"
CJK = "华东区客户"
HOSTILE = (SCRIPT, IMAGE, FORMULA, LINK, PICTURE, ENTITY, ADDRESS, BACKSLASH, CJK)


class _Page(HTMLParser):
    """The elements and the visible text of an HTML fragment, as a browser parses it."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.source = markup
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks).strip()

    def cells(self, tag: str) -> list[str]:
        """The text of each ``tag`` element (``td`` or ``th``), in order."""
        found, depth, current = [], 0, []
        parser = HTMLParser(convert_charrefs=True)

        def start(name, _attrs):
            nonlocal depth
            if name == tag:
                depth += 1
                current.clear()

        def end(name):
            nonlocal depth
            if name == tag and depth:
                depth -= 1
                found.append("".join(current))

        def data(text):
            if depth:
                current.append(text)

        parser.handle_starttag, parser.handle_endtag, parser.handle_data = start, end, data
        parser.feed(self.source)
        return found


def _no_active_markup(page: _Page) -> None:
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "img" not in names and "a" not in names, names
    for _tag, attrs in page.tags:
        assert not any(name.startswith("on") for name in attrs), attrs


# --------------------------------------------------------------------------- tables


def test_table_cells_and_labels_are_shown_as_written():
    frame = pd.DataFrame(
        {"segment": list(HOSTILE), "orders": np.arange(len(HOSTILE)) * 1000},
        index=pd.Index(HOSTILE, name=SCRIPT),
    )
    frame[IMAGE] = frame["segment"]  # a column named by client data
    page = _Page(table_styler(frame, formats={"orders": "{:,}"}, index=True).to_html())
    _no_active_markup(page)
    body = page.cells("td")
    assert body[0::3] == list(HOSTILE)  # the segment column, as written
    assert body[1::3] == [
        "0",
        "1,000",
        "2,000",
        "3,000",
        "4,000",
        "5,000",
        "6,000",
        "7,000",
        "8,000",
    ]
    assert body[2::3] == list(HOSTILE)
    headers = page.cells("th")
    assert {"Segment", "Orders", IMAGE, SCRIPT} <= set(headers)
    assert set(HOSTILE) <= set(headers)  # the index labels


def test_table_escapes_what_a_format_function_makes_of_client_data():
    """A formatter may build text from several values: its output is escaped, once."""
    frame = pd.DataFrame({"examples": [[SCRIPT, "x & y"], []], "share": [0.25, np.nan]})
    styler = table_styler(frame, formats={"examples": lambda v: ", ".join(v) or "none"})
    page = _Page(styler.to_html())
    _no_active_markup(page)
    assert page.cells("td") == [f"{SCRIPT}, x & y", "0.250000", "none", "\u2013"]


def test_table_formats_yes_no_dates_and_missing_values():
    frame = pd.DataFrame(
        {
            "present": [True, False],
            "first_date": [pd.Timestamp("2024-03-05"), pd.NaT],
            "rows": [1234, 5],
            "name": ["Tom & Jerry", None],
        }
    )
    page = _Page(table_styler(frame, units={"rows": "count"}, formats={"rows": "{:,}"}).to_html())
    assert page.cells("th") == ["Present", "First date", "Rows (count)", "Name"]
    assert page.cells("td") == ["yes", "2024-03-05", "1,234", "Tom & Jerry"] + [
        "no",
        "\u2013",
        "5",
        "\u2013",
    ]


def test_table_is_not_typeset_as_math_in_jupyterlab():
    styler = table_styler(pd.DataFrame({"a": [FORMULA]}))
    (table,) = [attrs for tag, attrs in _Page(styler.to_html()).tags if tag == "table"]
    assert set(table["class"].split()) >= {"tex2jax_ignore", "mathjax_ignore"}


# --------------------------------------------------------------------------- text


def _rendered(markdown: str) -> _Page:
    """How a stage page shows a text a stage displayed (nbconvert, as crmkit renders pages)."""
    cell = new_code_cell("stage.markdown(text)")
    cell.outputs = [
        new_output("display_data", data={"text/markdown": markdown, "text/plain": "text"})
    ]
    body, _ = render.report_exporter().from_notebook_node(new_notebook(cells=[cell]))
    start = body.index("output_markdown")
    fragment = body[body.index(">", start) + 1 : body.index("</div>", start)]
    return _Page(fragment)


@pytest.mark.parametrize("client_text", HOSTILE)
def test_client_text_in_findings_shows_as_written(client_text):
    words = f"**What it means:** segment {client_text} grew most (p < 0.05)."
    page = _rendered(literal_markdown(words))
    _no_active_markup(page)
    assert page.text == f"What it means: segment {client_text} grew most (p < 0.05)."


def test_client_text_without_escaping_would_act():
    """The check above can fail: the same text unescaped becomes markup."""
    for client_text, tag in ((SCRIPT, "script"), (IMAGE, "img"), (LINK, "a"), (ADDRESS, "a")):
        page = _rendered(f"segment {client_text}")
        assert tag in [name for name, _ in page.tags], client_text
    assert _rendered(f"segment {ENTITY}").text == "segment &lt;"


def test_crmkit_markdown_keeps_its_emphasis_lists_and_code():
    words = (
        "**Findings**\n\n- *Revenue* rose.\n- Name the control group in params.yaml (`control`)."
    )
    page = _rendered(literal_markdown(words))
    assert [tag for tag, _ in page.tags] == ["p", "strong", "ul", "li", "em", "li", "code"]
    assert "(control)" in page.text and "Revenue rose." in page.text


def test_stage_markdown_displays_the_escaped_text_and_fetches_nothing(monkeypatch, tmp_path):
    """IPython's Markdown object would download a text starting with "http" and read a text
    naming a file; the stage displays its text as data instead."""
    shown = []
    monkeypatch.setattr(
        "IPython.display.display", lambda *objs, **kwargs: shown.append((objs, kwargs))
    )
    stage = StageContext(
        name="x",
        assessment=None,
        tables={},
        files={},
        problems=pd.DataFrame(),
        client_dir=tmp_path,
    )
    secret = tmp_path / "secret.txt"
    secret.write_text("do not show", encoding="utf-8")
    for text in (ADDRESS, str(secret)):
        stage.markdown(text)
    assert shown == [
        (
            (({"text/markdown": "http\\://example.invalid/x", "text/plain": ADDRESS}),),
            {"raw": True},
        ),
        (({"text/markdown": str(secret), "text/plain": str(secret)},), {"raw": True}),
    ]


def test_literal_markdown_escapes_in_one_pass():
    # reference written out by hand: backslash first, then entities, then markdown escapes
    assert literal_markdown(r"\$ <a> & [b] https://x") == (r"\\\$ &lt;a&gt; &amp; \[b\] https\://x")


def _counting(monkeypatch, module, name, value, calls, delay=0.0):
    """Replace ``module.name`` by a function that records its call and returns ``value``."""
    import time

    def fake(*args, **kwargs):
        calls.append(name)
        time.sleep(delay)
        return value

    monkeypatch.setattr(module, name, fake)


def test_a_stage_computes_the_chain_links_once_a_run(monkeypatch, tmp_path):
    from crmkit.synthesis import chain

    links = pd.DataFrame({"cause": ["win_rate"], "r": [0.5]})
    calls: list[str] = []
    _counting(monkeypatch, chain, "evaluate_chain", links, calls)

    def stage(name, run_dir):
        return StageContext(name, None, {}, {}, pd.DataFrame(), tmp_path, run_dir=run_dir)

    first = stage("balanced_scorecard", tmp_path).chain_links()
    second = stage("next_best_actions", tmp_path).chain_links()
    assert calls == ["evaluate_chain"]  # the second stage read the run folder's copy
    pd.testing.assert_frame_equal(first, links)
    pd.testing.assert_frame_equal(second, links)
    stage("by_hand", None).chain_links()  # no run folder: computed again
    assert calls == ["evaluate_chain", "evaluate_chain"]


def test_stages_wait_for_the_results_the_runner_computes(monkeypatch, tmp_path):
    from crmkit import measure
    from crmkit.pipeline.context import compute_shared_results
    from crmkit.synthesis import chain

    kpis = pd.DataFrame({"before": [1.0], "after": [2.0]}, index=["win_rate"])
    links = pd.DataFrame({"cause": ["win_rate"], "r": [0.5]})
    calls: list[str] = []
    # slow enough that the stage below asks while the runner is still computing
    _counting(monkeypatch, measure, "measure_kpis", kpis, calls, delay=0.3)
    _counting(monkeypatch, measure, "time_series", {"series": [1, 2]}, calls)
    _counting(monkeypatch, measure, "control_comparison", None, calls)
    _counting(monkeypatch, chain, "evaluate_chain", links, calls)
    thread = compute_shared_results(tmp_path, {}, None)
    stage = StageContext("sales_performance", None, {}, {}, pd.DataFrame(), tmp_path, tmp_path)
    pd.testing.assert_frame_equal(stage.kpi_results(), kpis)
    assert stage.time_series("revenue_monthly") == {"series": [1, 2]}
    assert stage.control_comparison("revenue_monthly") is None
    pd.testing.assert_frame_equal(stage.chain_links(), links)
    thread.join()
    assert calls == ["measure_kpis", "time_series", "control_comparison", "evaluate_chain"]


def test_a_stage_reads_a_cached_table_when_it_first_uses_it(monkeypatch, tmp_path):
    from crmkit.data import io
    from crmkit.pipeline.context import CachedTables

    io.write_cache(
        {"orders": pd.DataFrame({"amount": [1.5, 2.0]}), "tickets": pd.DataFrame({"n": [1]})},
        tmp_path,
    )
    read: list[str] = []
    real = pd.read_parquet
    monkeypatch.setattr(pd, "read_parquet", lambda path, **k: read.append(path.stem) or real(path))
    tables = CachedTables(tmp_path)
    assert sorted(tables) == ["orders", "tickets"] and "orders" in tables and read == []
    assert tables["orders"]["amount"].tolist() == [1.5, 2.0]
    assert tables.get("orders") is tables["orders"]  # read once
    assert read == ["orders"] and tables.get("usage") is None
