"""Printing report pages to PDF (``crmkit run --pdf``, :mod:`crmkit.report.pdf`).

Finding chromium and the atomic writing are checked with stand-in executables (no browser
needed); the PDFs themselves with the real chromium, skipped when it is absent.
"""

from __future__ import annotations

import re
import shutil
import stat
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from crmkit.report import pdf, render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (CI installs it)"
)

#: A4 is 210 x 297 mm; a PDF point is 1/72 inch = 25.4/72 mm, so the page is
#: 210 / 25.4 x 72 = 595.28 pt wide and 297 / 25.4 x 72 = 841.89 pt high.
A4_POINTS = (595.28, 841.89)


def _executable(path: Path, script: str = "#!/bin/sh\nexit 0\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(script, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _page_sizes(data: bytes) -> list[tuple[float, float]]:
    """The width and height in points of every page of a PDF (its page objects' MediaBox)."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


# --------------------------------------------------------------------------- finding chromium


def test_the_first_browser_name_on_path_is_taken(tmp_path):
    _executable(tmp_path / "google-chrome")
    wanted = _executable(tmp_path / "chromium-browser")
    assert pdf.find_chromium(str(tmp_path), playwright_roots=[]) == wanted


def test_playwrights_chromium_is_found_when_path_has_none(tmp_path):
    _executable(tmp_path / "ms-playwright" / "chromium-1100" / "chrome-linux" / "chrome")
    newer = _executable(tmp_path / "ms-playwright" / "chromium-1200" / "chrome-linux" / "chrome")
    found = pdf.find_chromium("", playwright_roots=[tmp_path / "ms-playwright"])
    assert found == newer


def test_no_browser_anywhere_is_none(tmp_path):
    (tmp_path / "chromium").write_text("not executable", encoding="utf-8")
    assert pdf.find_chromium(str(tmp_path), playwright_roots=[tmp_path]) is None


def test_without_chromium_nothing_is_written_and_the_outcome_says_why(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "find_chromium", lambda *args, **kwargs: None)
    (tmp_path / "index.html").write_text("<p>report</p>", encoding="utf-8")
    outcome = pdf.print_report(tmp_path)
    assert outcome == pdf.PdfOutcome(pdf.PdfStatus.NO_BROWSER)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]


# --------------------------------------------------------------------------- atomic writing

#: A stand-in browser that writes half a file where it was told to print, then fails.
HALF_WRITER = """#!/bin/sh
for arg in "$@"; do
  case "$arg" in --print-to-pdf=*) printf 'half a fi' > "${arg#--print-to-pdf=}";; esac
done
echo "the page crashed" >&2
exit 3
"""

#: A stand-in browser that writes a complete (tiny) PDF and succeeds.
PDF_WRITER = """#!/bin/sh
for arg in "$@"; do
  case "$arg" in --print-to-pdf=*) printf '%%PDF-1.4 stand-in' > "${arg#--print-to-pdf=}";; esac
done
"""


def test_a_browser_that_fails_half_way_leaves_no_pdf_and_no_partial_file(tmp_path):
    browser = _executable(tmp_path / "bin" / "chromium", HALF_WRITER)
    report = tmp_path / "report"
    report.mkdir()
    (report / "index.html").write_text("<p>report</p>", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"wrote no PDF \(exit code 3\): the page crashed"):
        pdf.print_page(report / "index.html", report / "index.pdf", browser=browser)
    assert sorted(p.name for p in report.iterdir()) == ["index.html"]
    outcome = pdf.print_report(report, browser=browser)
    assert outcome.status == pdf.PdfStatus.FAILED
    assert [name for name, _ in outcome.failed] == ["index.html"]
    assert sorted(p.name for p in report.iterdir()) == ["index.html"]


def test_every_page_gets_a_pdf_of_its_own_name_index_first(tmp_path):
    browser = _executable(tmp_path / "bin" / "chromium", PDF_WRITER)
    report = tmp_path / "report"
    report.mkdir()
    for name in ("03_sales_performance.html", "index.html", "01_plan_and_scope.html"):
        (report / name).write_text("<p>page</p>", encoding="utf-8")
    outcome = pdf.print_report(report, browser=browser)
    assert outcome.status == pdf.PdfStatus.WRITTEN
    assert [p.name for p in outcome.written] == [
        "index.pdf",
        "01_plan_and_scope.pdf",
        "03_sales_performance.pdf",
    ]
    assert sorted(p.name for p in report.glob("*.pdf")) == sorted(p.name for p in outcome.written)
    assert not list(report.glob(".*"))  # no temporary file left


def test_run_pdf_without_chromium_says_so_in_one_line_and_keeps_the_exit_code(
    tmp_path, monkeypatch
):
    from crmkit import cli
    from crmkit.pipeline import runner

    def fake_run(client_dir, **kwargs):
        assert kwargs["pdf"] is True
        return runner.RunResult(
            tmp_path, {"stages": {}}, [], pdf.PdfOutcome(pdf.PdfStatus.NO_BROWSER)
        )

    monkeypatch.setattr(runner, "run_assessment", fake_run)
    result = CliRunner().invoke(cli.main, ["run", str(tmp_path), "--pdf"])
    assert result.exit_code == 0
    lines = [line for line in result.output.splitlines() if line.startswith("No PDF")]
    assert lines == [
        "No PDF written: no headless chromium found (looked for chromium, chromium-browser, "
        "google-chrome on PATH and for playwright's chromium); the HTML report is complete."
    ]


# --------------------------------------------------------------------------- real chromium


def _long_table_notebook(rows: int) -> nbformat.NotebookNode:
    header = "".join(f"<th>Column {i} (CNY)</th>" for i in range(14))
    body = "".join(
        "<tr>" + "".join(f"<td>{r * 1000 + c:,}</td>" for c in range(14)) + "</tr>"
        for r in range(rows)
    )
    output = nbformat.v4.new_output(
        "display_data", data={"text/html": f"<table><thead><tr>{header}</tr></thead>{body}</table>"}
    )
    cell = nbformat.v4.new_code_cell("show()", outputs=[output])
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A table"), cell])


@needs_chromium
def test_pages_print_to_a4_pdfs_with_chromium(tmp_path):
    results = {"client": "Acme", "run_id": "20261206-120000", "stages": {}}
    (tmp_path / "index.html").write_text(render.render_index(results), encoding="utf-8")
    stage = render.render_stage(
        _long_table_notebook(rows=150),
        title="A long table",
        client="Acme",
        run_label="2026-12-06 12:00 UTC",
        run_id="20261206-120000",
    )
    (tmp_path / "03_long_table.html").write_text(stage, encoding="utf-8")
    outcome = pdf.print_report(tmp_path, browser=Path(CHROMIUM))
    assert outcome.status == pdf.PdfStatus.WRITTEN, outcome.failed
    pages = {}
    for name in ("index.pdf", "03_long_table.pdf"):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"%PDF")
        pages[name] = _page_sizes(data)
        for width, height in pages[name]:
            assert width == pytest.approx(A4_POINTS[0], abs=1.0)
            assert height == pytest.approx(A4_POINTS[1], abs=1.0)
    assert len(pages["index.pdf"]) == 1
    # 150 rows of about 4.5 mm (7.5 pt type, 1.3 line height, 2 px padding) need several pages
    assert len(pages["03_long_table.pdf"]) >= 3
    assert not list(tmp_path.glob(".*"))


@needs_chromium
@pytest.mark.slow
def test_crmkit_run_pdf_prints_every_page_of_the_report(tmp_path):
    from crmkit import cli
    from crmkit.demo.synth import generate_demo_client

    client = generate_demo_client(tmp_path / "demo", scale=0.02)
    result = CliRunner().invoke(
        cli.main, ["run", str(client), "--output", str(tmp_path / "reports"), "--pdf"]
    )
    assert result.exit_code == 0, result.output
    (report,) = (tmp_path / "reports" / "demo").iterdir()
    pages = sorted(p.stem for p in report.glob("*.html"))
    assert sorted(p.stem for p in report.glob("*.pdf")) == pages
    assert f"PDF: {len(pages)} of {len(pages)} pages printed" in result.output
    for page in report.glob("*.pdf"):
        data = page.read_bytes()
        assert data.startswith(b"%PDF")
        assert all(size == pytest.approx(A4_POINTS, abs=1.0) for size in _page_sizes(data)), (
            page.name
        )
    assert not list(report.glob(".*"))


@needs_chromium
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_every_printed_page_has_the_running_header_and_the_table_header(tmp_path):
    import subprocess

    stage = render.render_stage(
        _long_table_notebook(rows=150),
        title="A long table",
        client="Acme <b>&</b>",
        run_label="2026-12-06 12:00 UTC",
        run_id="20261206-120000",
    )
    (tmp_path / "03_long_table.html").write_text(stage, encoding="utf-8")
    (written,) = pdf.print_report(tmp_path, browser=Path(CHROMIUM)).written
    count = len(_page_sizes(written.read_bytes()))
    assert count >= 3
    for number in range(1, count + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(written), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        text = " ".join(text.split())  # a header cell's words may wrap to two lines
        assert "Acme <b>&</b> \u00b7 A long table" in text, number
        assert "Run 20261206-120000" in text, number
        assert re.search(rf"\b{number}\s*/\s*{count}\b", text), number  # the page number
        assert "Column 13 (CNY)" in text, number  # the header row, repeated on every page
