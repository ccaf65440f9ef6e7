"""Tests for crmkit.report.render: self-contained stage pages and the index page."""

from __future__ import annotations

import base64
import copy
import io
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output  # noqa: E402

from crmkit.report import render  # noqa: E402
from crmkit.report.render import (  # noqa: E402
    format_money,
    format_percent,
    format_run_label,
    headline_figures,
    render_index,
    render_stage,
    report_exporter,
)

SECRET = "DISTINCTIVE_SOURCE_7f3a9"
CLIENT = "A&B <Ltd>"
RUN_LABEL = "2026-11-25 18:30 UTC"
# An IPython traceback as nbclient records it: ANSI colour codes included.
TRACEBACK = [
    "\x1b[0;31m---------------------------------------------------------------------------\x1b[0m",
    "\x1b[0;31mZeroDivisionError\x1b[0m                         Traceback (most recent call last)",
    "Cell \x1b[0;32mIn[4], line 1\x1b[0m\n\x1b[0;32m----> 1\x1b[0m ratio \x1b[38;5;241m=\x1b[39m "
    "\x1b[38;5;241m1\x1b[39m \x1b[38;5;241m/\x1b[39m \x1b[38;5;241m0\x1b[39m",
    "\x1b[0;31mZeroDivisionError\x1b[0m: division by zero",
]


def _png_base64() -> str:
    fig, ax = plt.subplots(figsize=(2, 1.5), dpi=50)
    ax.plot([1, 2, 3], [3, 1, 2])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


@pytest.fixture(scope="module")
def png() -> str:
    return _png_base64()


@pytest.fixture(scope="module")
def exporter():
    return report_exporter()


@pytest.fixture
def notebook(png: str) -> nbformat.NotebookNode:
    table = pd.DataFrame(
        {"Revenue (CNY)": [1234567.5, 2345.25], "Region": ["East", "West"]},
        index=pd.Index([2024, 2025], name="Year"),
    )
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("# Title\n\nWhat this stage does.\n\n## Section\n\nMore prose."),
        new_code_cell(
            f"{SECRET} = load_table()\n{SECRET}",
            execution_count=1,
            outputs=[
                new_output(
                    "execute_result",
                    data={"text/html": table._repr_html_(), "text/plain": str(table)},
                    execution_count=1,
                )
            ],
        ),
        new_code_cell(
            "chart()",
            execution_count=2,
            outputs=[
                new_output(
                    "display_data", data={"image/png": png, "text/plain": "<Figure size 200x150>"}
                )
            ],
        ),
        new_code_cell(
            "ratio = 1 / 0",
            execution_count=3,
            outputs=[
                new_output(
                    "error",
                    ename="ZeroDivisionError",
                    evalue="division by zero",
                    traceback=TRACEBACK,
                )
            ],
        ),
    ]
    return nb


@pytest.fixture
def page(notebook, exporter) -> str:
    return render_stage(
        notebook,
        title="Data quality",
        client=CLIENT,
        run_label=RUN_LABEL,
        status="failed",
        message="ZeroDivisionError in cell 4",
        exporter=exporter,
    )


# --------------------------------------------------------------------------- stage page


def test_stage_page_is_a_complete_html_document(page):
    assert page.lstrip().startswith("<!DOCTYPE html>")
    for tag in ("<html", "<head>", "</head>", "<body", "</body>", "</html>"):
        assert tag in page
    assert '<meta charset="utf-8">' in page


def test_title_is_stage_title_and_escaped_client(page):
    assert "<title>Data quality \u2014 A&amp;B &lt;Ltd&gt;</title>" in page


def test_client_name_is_escaped_everywhere(page):
    assert CLIENT not in page
    assert "A&amp;B &lt;Ltd&gt;" in page


def test_header_has_client_title_run_label_and_index_link(page):
    header = page[page.index("<header") : page.index("</header>")]
    assert "A&amp;B &lt;Ltd&gt;" in header
    assert "Data quality" in header
    assert RUN_LABEL in header
    assert 'href="index.html"' in header


def test_no_external_scripts_styles_or_fonts(page):
    assert "<script" not in page
    assert "<link" not in page
    assert "@font-face" not in page
    assert "@import" not in page
    for url in re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", page):
        assert not url.startswith(("http://", "https://", "//")), url
    assert "http://" not in page
    assert "https://" not in page


def test_styles_are_inline_and_small(page):
    assert page.count("<style>") == 1
    css = (render._template_dir() / "report.css").read_text(encoding="utf-8")
    assert css.strip() in page  # verbatim, not HTML-escaped
    assert len(css.encode("utf-8")) < 15 * 1024


def test_image_is_an_inline_data_uri(page, png):
    assert f'src="data:image/png;base64,{png}"' in page


def test_code_input_and_prompts_are_hidden(page):
    assert SECRET not in page
    assert "ratio = 1 / 0" not in page.split("output_error")[0]
    assert "In&nbsp;[" not in page
    assert "Out[" not in page


def test_error_traceback_stays_visible_without_ansi_codes(page):
    assert "ZeroDivisionError" in page
    assert "division by zero" in page
    assert "Traceback (most recent call last)" in page
    assert "\x1b[" not in page
    assert 'class="ansi-red-fg"' in page  # colours converted, styled by report.css


def test_failed_banner_with_message_links_to_the_error(page):
    banner = page[page.index('class="banner banner-failed"') :]
    banner = banner[: banner.index("</div>")]
    assert "This stage failed" in banner
    assert "ZeroDivisionError in cell 4" in banner
    assert 'href="#crmkit-error"' in banner
    assert 'id="crmkit-error"' in page
    assert page.index("banner-failed") < page.index('class="notebook"')


def test_toc_links_to_the_heading_ids(page):
    toc = page[page.index('<nav class="toc"') : page.index("</nav>")]
    assert '<a href="#Title">Title</a>' in toc
    assert '<a href="#Section">Section</a>' in toc
    assert '<h1 id="Title">' in page
    assert '<h2 id="Section">' in page


def test_small_page_stays_small(page):
    assert len(page.encode("utf-8")) < 40 * 1024


def test_numeric_table_cells_are_right_aligned(page):
    assert '<td class="num">1234567.50</td>' in page
    assert "<td>East</td>" in page


def test_message_and_title_are_escaped(notebook, exporter):
    html = render_stage(
        notebook,
        title="Costs <& benefits>",
        client="X",
        run_label="r",
        status="failed",
        message="<script>alert(1)</script>",
        exporter=exporter,
    )
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<title>Costs &lt;&amp; benefits&gt; \u2014 X</title>" in html


def test_ok_page_has_no_banner(notebook, exporter):
    html = render_stage(notebook, title="T", client="C", run_label="r", exporter=exporter)
    assert 'class="banner' not in html
    assert 'class="stage stage-ok"' in html


def test_skipped_stage_without_notebook(exporter):
    html = render_stage(
        None,
        title="Service",
        client="C",
        run_label="r",
        status="skipped",
        message="skipped: needs tickets.csv",
    )
    assert "banner-skipped" in html
    assert "This stage was skipped:</strong> needs tickets.csv" in html
    assert '<nav class="toc"' not in html


def test_unknown_status_is_rejected(notebook):
    with pytest.raises(ValueError, match="status must be one of"):
        render_stage(notebook, title="T", client="C", run_label="r", status="done")


def test_exporter_is_reusable_and_optional(notebook, exporter):
    kwargs = {"title": "T", "client": "C", "run_label": "r"}
    first = render_stage(notebook, exporter=exporter, **kwargs)
    second = render_stage(notebook, exporter=exporter, **kwargs)
    fresh = render_stage(notebook, **kwargs)
    assert first == second == fresh


def test_notebook_is_not_modified(notebook, exporter):
    before = copy.deepcopy(notebook)
    render_stage(notebook, title="T", client="C", run_label="r", exporter=exporter)
    assert notebook == before


def test_duplicate_headings_get_unique_ids(exporter):
    nb = new_notebook()
    nb.cells = [
        new_markdown_cell("## Notes\n\ntext\n\n## Notes\n\n### Sub & more"),
        new_code_cell(
            "x", outputs=[new_output("display_data", data={"text/html": "<h2>Made</h2>"})]
        ),
    ]
    html = render_stage(nb, title="T", client="C", run_label="r", exporter=exporter)
    ids = re.findall(r'<h[1-6] id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) == 4
    assert '<a href="#Notes">Notes</a>' in html
    assert '<a href="#Notes-2">Notes</a>' in html
    assert '<h2 id="Made">Made</h2>' in html
    assert ">Sub &amp; more</a>" in html


def test_papermill_error_markers_are_dropped(notebook, exporter):
    # papermill inserts these two tagged cells into a notebook whose execution failed
    marker = new_markdown_cell(
        '<span style="color:red">An Exception was encountered at '
        "'<a href=\"#papermill-error-cell\">In [3]</a>'.</span>"
    )
    anchor = new_markdown_cell('<span id="papermill-error-cell">stopped here</span>')
    for cell in (marker, anchor):
        cell.metadata["tags"] = ["papermill-error-cell-tag"]
    notebook.cells.insert(3, anchor)
    notebook.cells.insert(0, marker)
    html = render_stage(notebook, title="T", client="C", run_label="r", exporter=exporter)
    assert "An Exception was encountered" not in html
    assert "ZeroDivisionError" in html


def test_remove_tags_and_javascript_outputs(exporter):
    nb = new_notebook()
    hidden = new_code_cell("x", outputs=[new_output("stream", name="stdout", text="HIDDEN_1\n")])
    hidden.metadata["tags"] = ["remove-cell"]
    quiet = new_code_cell("y", outputs=[new_output("stream", name="stdout", text="HIDDEN_2\n")])
    quiet.metadata["tags"] = ["remove-output"]
    js = new_code_cell(
        "z",
        outputs=[
            new_output(
                "display_data",
                data={"application/javascript": "alert('HIDDEN_3')", "text/plain": "shown"},
            )
        ],
    )
    nb.cells = [hidden, quiet, js]
    html = render_stage(nb, title="T", client="C", run_label="r", exporter=exporter)
    for text in ("HIDDEN_1", "HIDDEN_2", "HIDDEN_3", "<script"):
        assert text not in html
    assert "shown" in html


def test_what_cells_write_to_stderr_stays_out_of_the_page(exporter):
    notice = "findfont: Failed to find font weight bold for WenQuanYi Micro Hei, now using 400.\n"
    nb = new_notebook()
    nb.cells = [
        new_code_cell(
            "c",
            outputs=[
                new_output("stream", name="stderr", text=notice),
                new_output("stream", name="stdout", text="Printed for the reader\n"),
            ],
        )
    ]
    html = render_stage(nb, title="T", client="C", run_label="r", exporter=exporter)
    assert "findfont" not in html
    assert "Printed for the reader" in html
    assert len(nb.cells[0].outputs) == 2  # the executed notebook keeps both


def test_svg_output_is_an_inline_data_uri(exporter):
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect/></svg>'
    nb = new_notebook()
    nb.cells = [
        new_code_cell("s", outputs=[new_output("display_data", data={"image/svg+xml": svg})])
    ]
    html = render_stage(nb, title="T", client="C", run_label="r", exporter=exporter)
    encoded = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    assert f'src="data:image/svg+xml;base64,{encoded}"' in html
    assert "http://" not in html


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0.25, 1, "25.0 %"),
        (0.964, 1, "96.4 %"),
        (3.29, 0, "329 %"),
        (-0.052, 1, "-5.2 %"),
        (None, 1, "not available"),
        (float("nan"), 1, "not available"),
    ],
)
def test_format_percent(value, decimals, expected):
    assert format_percent(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (1234567, "CNY", "CNY 1,234,567"),
        (1234567.49, "CNY", "CNY 1,234,567"),
        (-2500.0, "EUR", "EUR -2,500"),
        (-0.2, "EUR", "EUR 0"),
        (1000, None, "1,000"),
        (None, "CNY", "not available"),
    ],
)
def test_format_money(value, currency, expected):
    assert format_money(value, currency) == expected


def test_format_run_label():
    assert format_run_label("2026-11-25T18:30:00+00:00") == "2026-11-25 18:30 UTC"
    assert format_run_label("2026-11-25T18:30:00+08:00") == "2026-11-25 18:30 UTC+08:00"
    assert format_run_label("2026-11-25T18:30:00") == "2026-11-25 18:30"
    assert format_run_label("not a date") == "not a date"
    assert format_run_label(None) == ""


# --------------------------------------------------------------------------- index page


def _results(**sections) -> dict:
    results = {
        "client": "Demo Manufacturing Co.",
        "crmkit_version": "0.1.0",
        "generated_at": "2026-11-25T18:30:00+00:00",
        "run_id": "20261125-183000",
        "params": {"currency": "CNY", "go_live_date": "2025-01-01"},
        "stages": {
            "plan_and_scope": {
                "number": "01",
                "title": "Plan and scope",
                "status": "ok",
                "message": None,
                "html": "01_plan_and_scope.html",
                "notebook": "notebooks/01_plan_and_scope.ipynb",
                "seconds": 3.2,
            },
            "service": {
                "number": "02",
                "title": "Service & support",
                "status": "skipped",
                "message": "skipped: needs tickets.csv",
                "html": "02_service.html",
                "notebook": "notebooks/02_service.ipynb",
                "seconds": 0.4,
            },
            "financial": {
                "number": "03",
                "title": "Financial value",
                "status": "failed",
                "message": "ValueError in cell 5",
                "html": "03_financial.html",
                "notebook": "notebooks/03_financial.ipynb",
                "seconds": 12.0,
            },
        },
        "data_quality": {
            "overall_score": 0.964,
            "issues": 7,
            "tables": {"orders": {"score": 0.98, "rows": 200000}},
        },
    }
    results.update(sections)
    return results


FULL = {
    "kpis": {
        "win_rate": {"label": "Win rate", "before": 0.2, "after": 0.26, "verdict": "improved"},
        "aov": {"label": "Average order value", "verdict": "improved"},
        "cycle": {"label": "Sales cycle", "verdict": "worsened"},
        "nps": {"label": "NPS", "verdict": "no detectable change"},
        "csat": {"label": "CSAT", "verdict": "insufficient data"},
    },
    "financial": {
        "npv": 1234567.0,
        "roi": 3.29,
        "irr": 0.45,
        "payback_months": 14.5,
        "discount_rate": 0.1,
    },
    "scorecard": {"overall": 0.72},
}


def _by_label(figures: list[dict]) -> dict[str, dict]:
    return {figure["label"]: figure for figure in figures}


def test_headline_figures_formatting():
    figures = _by_label(headline_figures(_results(**FULL)))
    # expected strings written by hand from the numbers above
    assert figures["Data quality"]["value"] == "96.4 %"
    assert figures["Data quality"]["note"] == "overall score across 1 table"
    assert figures["Data-quality issues"]["value"] == "7"
    assert figures["KPIs improved after go-live"]["value"] == "2 of 5"
    assert figures["KPIs improved after go-live"]["note"] == (
        "1 worsened, 1 no detectable change, 1 insufficient data"
    )
    assert figures["Net present value (NPV)"]["value"] == "CNY 1,234,567"
    assert figures["Net present value (NPV)"]["note"] == "discounted at 10.0 % a year"
    assert figures["Return on investment (ROI)"]["value"] == "329 %"
    assert figures["Internal rate of return (IRR)"]["value"] == "45.0 %"
    assert figures["Payback"]["value"] == "14.5 months"
    assert figures["Balanced scorecard"]["value"] == "72.0 %"
    assert all(set(figure) == {"label", "value", "note"} for figure in figures.values())


def test_headline_figures_skip_absent_sections_and_show_nulls():
    assert [f["label"] for f in headline_figures(_results())] == [
        "Data quality",
        "Data-quality issues",
    ]
    assert headline_figures({}) == []
    assert headline_figures(_results(kpis={})) == headline_figures(_results())
    figures = _by_label(headline_figures({"financial": {"npv": -5000, "irr": None}}))
    assert figures["Net present value (NPV)"]["value"] == "-5,000"  # no currency in params
    assert figures["Internal rate of return (IRR)"]["value"] == "not available"
    assert "Return on investment (ROI)" not in figures


def test_index_page_full():
    html = render_index(_results(**FULL))
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert "<title>CRM value assessment \u2014 Demo Manufacturing Co.</title>" in html
    assert "Demo Manufacturing Co." in html
    assert "2026-11-25 18:30 UTC" in html
    assert "crmkit 0.1.0" in html
    assert '<a href="01_plan_and_scope.html">Plan and scope</a>' in html
    assert '<a href="02_service.html">Service &amp; support</a>' in html
    assert '<a href="03_financial.html">Financial value</a>' in html
    assert '<span class="status status-ok">ok</span>' in html
    assert '<span class="status status-skipped">skipped</span>' in html
    assert '<span class="status status-failed">failed</span>' in html
    assert "skipped: needs tickets.csv" in html
    assert '<td class="num">12.0</td>' in html
    assert "3 stages: 1 ok, 1 skipped, 1 failed." in html
    for value in ("96.4 %", "CNY 1,234,567", "329 %", "45.0 %", "14.5 months", "72.0 %", "2 of 5"):
        assert f'<div class="tile-value">{value}</div>' in html
    for href in ("results.json", "notebooks/", "run.log"):
        assert f'href="{href}"' in html
    assert "<script" not in html
    assert "http://" not in html and "https://" not in html


def test_index_page_without_kpis_and_financial():
    html = render_index(_results(), log_file="crmkit.log")
    assert '<div class="tile-value">96.4 %</div>' in html
    assert "Net present value" not in html
    assert "KPIs improved" not in html
    assert "Balanced scorecard" not in html
    assert 'href="crmkit.log"' in html
    assert html.count('class="tile"') == 2


def test_index_page_with_no_sections_and_no_stages():
    html = render_index({"client": "A&B <Ltd>", "stages": {}})
    assert "No headline figures were recorded in this run." in html
    assert "A&amp;B &lt;Ltd&gt;" in html and "A&B <Ltd>" not in html
    assert "0 stages." in html


def test_index_and_stage_pages_share_the_stylesheet(page):
    css = (render._template_dir() / "report.css").read_text(encoding="utf-8").strip()
    assert css in render_index(_results())
    assert css in page


def test_headline_figures_show_the_impact_against_the_control_group():
    impact = {
        "difference_in_differences": {
            "effect_pct": 0.184,
            "ci_low_pct": 0.113,
            "ci_high_pct": 0.259,
        },
        "time_series": {"effect_pct": 0.121},
    }
    figures = _by_label(headline_figures({"impact": impact}))
    figure = figures["Revenue effect against the control group"]
    assert figure["value"] == "+18.4 %"  # 0.184 as a signed percentage, written by hand
    assert figure["note"] == "95 % CI +11.3 % to +25.9 %; difference-in-differences"
    series = {"effect_pct": -0.05, "effect_per_month": -1200.0}
    only_series = _by_label(headline_figures({"impact": {"time_series": series}}))
    assert only_series["Revenue against its expected path"]["value"] == "\u22125.0 %"


def test_headline_roi_says_its_convention_and_irr_its_caveat():
    financial = {
        "roi": 1.5,
        "roi_convention": "simple",
        "irr": 0.9,
        "irr_note": "the initial outlay is tiny",
    }
    figures = _by_label(headline_figures({"financial": financial}))
    assert figures["Return on investment (ROI)"]["note"] == "average annual benefit / initial cost"
    assert (
        figures["Internal rate of return (IRR)"]["note"]
        == "read with care: the initial outlay is tiny"
    )


def test_executive_summary_speaks_from_the_results():
    results = {
        "params": {"currency": "CNY"},
        "kpis": {
            "win_rate": {"label": "Win rate", "verdict": "improved", "change_pct": 0.296},
            "aov": {"label": "Average order value", "verdict": "improved", "change_pct": 0.092},
            "ces": {"label": "Customer Effort Score", "verdict": "worsened", "change_pct": -0.01},
            "units": {
                "label": "Units per order",
                "verdict": "no detectable change",
                "change_pct": 0.0,
            },
            "usage": {
                "label": "Active CRM users",
                "verdict": "insufficient data",
                "change_pct": None,
            },
        },
        "impact": {
            "difference_in_differences": {
                "effect_pct": 0.184,
                "ci_low_pct": 0.113,
                "ci_high_pct": 0.259,
            }
        },
        "financial": {"basis": "declared", "npv": 8407400.0, "roi": 0.42, "payback_months": 20.4},
        "data_quality": {"overall_score": 0.8},
        "stages": {"sales": {"title": "Sales performance", "status": "failed"}},
    }
    summary = render.executive_summary(results)
    # expected sentences written by hand from the mapping above
    assert summary[0] == (
        "Of 5 KPIs, after go-live 2 improved, 1 worsened, 1 shows no detectable change and "
        "1 had too little data to compare."
    )
    assert summary[1] == (
        "The strongest improvements: Win rate (+29.6 %), Average order value (+9.2 %)."
    )
    assert summary[2] == "The strongest deteriorations: Customer Effort Score (\u22121.0 %)."
    assert summary[3].startswith("Revenue where the CRM went live moved +18.4 %")
    assert summary[3].endswith("more than chance explains.")
    assert summary[4] == (
        "On the benefits the client declared, risk-adjusted, the CRM's net present value is "
        "CNY 8,407,400 (ROI 42 %), paying back in 20 months."
    )
    assert (
        summary[5] == "The client's data scored 80.0 % on quality: usable with the caveats listed."
    )
    assert summary[6] == "Failed and to be rerun: Sales performance."
    assert "Executive summary" in render_index({**results, "client": "Acme"})


def test_missing_value_dashes_align_with_the_numbers():
    from crmkit.report.render import _mark_numeric_cells

    body = "<td>\u2013</td><td>\u2014</td><td>12.5 %</td><td>email</td>"
    assert _mark_numeric_cells(body) == (
        '<td class="num">\u2013</td><td class="num">\u2014</td><td class="num">12.5 %</td><td>email</td>'
    )
