"""The report's HTML exporter: made once per thread, and the same page as nbconvert's own.

:class:`crmkit.report.render.ReportExporter` skips what nbconvert's ``HTMLExporter`` repeats
on every page (registering two filters, a BeautifulSoup pass over the rendered page). The
reference here is nbconvert's own ``HTMLExporter`` with the same settings: the visible text,
the images and the markup's elements must be the same.
"""

from __future__ import annotations

import base64
import html
import re
import threading

import nbconvert.exporters.html
import pandas as pd
import pytest
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from crmkit.report import render

# A 1 x 1 white PNG.
PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408"
        "d763f8ffff3f0005fe02fea7356a810000000049454e44ae426082"
    )
).decode("ascii")


def _notebook():
    table = pd.DataFrame({"Revenue (USD)": [1200.5, -30.0], "Region": ["North & <East>", "西区"]})
    return new_notebook(
        cells=[
            new_markdown_cell("# Sales\n\nRevenue rose by **12 %** in the *North*.\n\n## Detail"),
            new_code_cell(
                "show(table)",
                execution_count=1,
                outputs=[
                    new_output(
                        "display_data",
                        data={"text/html": table.to_html(), "text/plain": str(table)},
                    ),
                    new_output("stream", name="stdout", text="3 rows\n"),
                ],
            ),
            new_code_cell(
                "chart()",
                execution_count=2,
                outputs=[new_output("display_data", data={"image/png": PNG, "text/plain": "F"})],
            ),
            new_code_cell(
                "1 / 0",
                execution_count=3,
                outputs=[
                    new_output(
                        "error",
                        ename="ZeroDivisionError",
                        evalue="division by zero",
                        traceback=["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"],
                    )
                ],
            ),
        ]
    )


def _nbconvert_reference(nb) -> str:
    """nbconvert's own HTMLExporter, configured as crmkit's, on the same prepared notebook."""
    ours = render.report_exporter()
    reference = HTMLExporter(
        config=ours.config,
        template_name="basic",
        template_file=str(render._template_dir() / "body.html.j2"),
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=False,
    )
    text, _ = reference.from_notebook_node(
        render._prepare(nb),
        resources={"metadata": {"name": "Sales"}, "crmkit_words": render.chrome_words()},
    )
    return text


def _visible(markup: str) -> list[str]:
    text = html.unescape(re.sub(r"<[^>]+>", "\n", markup))
    return [line.strip() for line in text.splitlines() if line.strip()]


def _elements(markup: str) -> list[str]:
    return re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", markup)


def test_the_body_is_nbconvert_s_page_without_its_second_pass():
    nb = _notebook()
    reference = _nbconvert_reference(nb)
    body = render.render_body(nb, title="Sales", exporter=render.report_exporter()).html
    assert _visible(render._mark_numeric_cells(render._headings(reference)[0])) == _visible(body)
    assert _elements(reference) == _elements(body)
    assert re.findall(r'src="data:image/png;base64,([^"]+)"', body) == [PNG]
    assert 'alt="Chart"' in body  # every image has its alt text before the template runs
    assert "North &amp; &lt;East&gt;" in body and "<East>" not in body


def test_rendering_never_parses_the_page_again(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the rendered page was parsed again")

    monkeypatch.setattr(nbconvert.exporters.html, "BeautifulSoup", refuse)
    body = render.render_body(_notebook(), title="Sales", exporter=render.report_exporter())
    assert "ZeroDivisionError" in body.html


def test_one_exporter_per_thread_and_its_templates_compiled_once():
    exporter = render.report_exporter()
    assert render.report_exporter() is exporter
    render.render_body(_notebook(), title="Sales", exporter=exporter)
    environment = exporter.environment
    compiled = dict(environment.cache or {})
    render.render_body(_notebook(), title="Sales", exporter=exporter)
    assert exporter.environment is environment
    assert dict(environment.cache or {}).keys() == compiled.keys()

    other: list[render.ReportExporter] = []
    thread = threading.Thread(target=lambda: other.append(render.report_exporter()))
    thread.start()
    thread.join()
    assert other and other[0] is not exporter


@pytest.mark.parametrize("threads", [2])
def test_threads_render_their_pages_side_by_side(threads):
    nb = _notebook()  # cell ids are random: one notebook for every page
    pages: list[str] = []
    errors: list[BaseException] = []

    def work():
        try:
            for _ in range(3):
                pages.append(render.render_body(nb, title="Sales").html)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert len(pages) == 3 * threads and len(set(pages)) == 1
