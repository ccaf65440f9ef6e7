"""End to end: the demo through the CLI, failing and skipped stages, atomic report folders.

These execute real notebooks with papermill (a kernel start costs a few seconds each).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from stage_notebooks import write_stage_notebook

from crmkit.cli import main
from crmkit.pipeline import runner
from crmkit.pipeline.runner import run_assessment
from crmkit.pipeline.stages import notebooks_dir, templates_dir

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> tuple[Path, str]:
    """The demo at a small scale, run once through the CLI for every test of this module."""
    base = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(
        main,
        [
            "demo",
            "--scale",
            "0.05",
            "--client-dir",
            str(base / "demo"),
            "--output",
            str(base / "reports"),
        ],
    )
    assert result.exit_code == 0, result.output
    index = Path(result.output.strip().splitlines()[-1])
    return index.parent, result.output


def test_demo_prints_the_index_path_last(demo_run):
    report_dir, output = demo_run
    assert output.strip().splitlines()[-1].endswith("index.html")
    assert (report_dir / "index.html").is_file()
    assert report_dir.parent.name == "demo"  # reports/<client folder>/<run id>/


def test_report_folder_has_the_contract_files(demo_run):
    report_dir, _ = demo_run
    stems = [p.stem for p in sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))]
    for stem in stems:
        assert (report_dir / f"{stem}.html").is_file()
        executed = nbformat.read(report_dir / "notebooks" / f"{stem}.ipynb", as_version=4)
        assert any(c.get("outputs") for c in executed.cells if c.cell_type == "code")
    assert (report_dir / "results.json").is_file()
    assert (report_dir / "run.log").read_text().count("stage ") >= len(stems)
    for scratch in (
        "tables",
        "results",
        "cache",
    ):  # caches of client data are not part of the report
        assert not (report_dir / scratch).exists(), scratch
    assert not list(report_dir.parent.glob(".*.partial"))


def test_pages_are_self_contained(demo_run):
    report_dir, _ = demo_run
    for page in report_dir.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=", html), page.name
        assert not re.search(r"<link[^>]+href=[\"']https?:", html), page.name
        assert "@import" not in html and "url(http" not in html, page.name
        for src in re.findall(r"<img[^>]+src=[\"']([^\"']+)", html):
            assert src.startswith("data:image/"), (page.name, src[:40])
    stage_page = (report_dir / "02_data_quality.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in stage_page
    assert "open_stage(" not in stage_page  # code cells are hidden
    assert "<title>Data quality — Demo Manufacturing Co.</title>" in stage_page


def test_results_json_follows_the_contract(demo_run):
    report_dir, _ = demo_run
    text = (report_dir / "results.json").read_text(encoding="utf-8")
    assert "NaN" not in text
    results = json.loads(text)
    assert results["client"] == "Demo Manufacturing Co."
    assert results["params"]["go_live_date"] == "2025-01-01"
    assert re.fullmatch(r"\d+\.\d+\.\d+", results["crmkit_version"])
    stems = [p.stem.split("_", 1)[1] for p in sorted(notebooks_dir().glob("[0-9][0-9]_*.ipynb"))]
    assert list(results["stages"]) == stems
    assert {s["status"] for s in results["stages"].values()} == {"ok"}, results["stages"]
    quality = results["data_quality"]
    assert 0.5 < quality["overall_score"] <= 1
    assert set(quality["tables"]) >= {"orders", "customers", "tickets"}
    inventory = results["data_inventory"]
    assert inventory["orders"]["present"] and inventory["orders"]["rows"] > 1000
    assert results["run"]["stage_seconds"] >= results["run"]["compute_seconds"] > 0
    kpis = results["kpis"]
    assert {"win_rate", "average_order_value", "first_response_hours"} <= set(kpis)
    for name, entry in kpis.items():
        assert {"before", "after", "change", "change_pct", "test", "p_value", "p_adjusted", "ci_low",
                "ci_high", "effect_size", "n_before", "n_after", "verdict"} <= set(entry), name  # fmt: skip
        assert entry["verdict"] in {
            "improved",
            "worsened",
            "no detectable change",
            "insufficient data",
        }
    assert {"time_series", "difference_in_differences"} <= set(results["impact"])


def test_index_links_every_stage_and_shows_headlines(demo_run):
    report_dir, _ = demo_run
    index = (report_dir / "index.html").read_text(encoding="utf-8")
    for page in ("01_plan_and_scope.html", "02_data_quality.html", "results.json"):
        assert page in index
    assert "Demo Manufacturing Co." in index
    assert "Data quality" in index


def test_a_second_run_never_overwrites_the_first(demo_run, tmp_path):
    report_dir, _ = demo_run
    before = sorted(p.name for p in report_dir.parent.iterdir())
    client = report_dir.parent.parent.parent / "demo"
    second = run_assessment(client, output_root=report_dir.parent.parent, progress=False)
    after = sorted(p.name for p in report_dir.parent.iterdir())
    assert second.report_dir != report_dir
    assert set(before) < set(after) and len(after) == len(before) + 1


# --- failures and skips on a tiny client --------------------------------------------------


@pytest.fixture()
def tiny_client(tmp_path) -> Path:
    client = tmp_path / "tiny"
    shutil.copytree(templates_dir(), client)
    return client


def test_failing_stage_is_recorded_and_others_still_run(tiny_client, tmp_path):
    books = tmp_path / "notebooks"
    books.mkdir()
    write_stage_notebook(books / "01_fine.ipynb", "Fine", "from crmkit.pipeline.context import open_stage\n"
              "stage = open_stage('fine', client_dir=client_dir, run_dir=run_dir)\n"
              "stage.record('probe', {'rows': len(stage.tables['orders'])})")  # fmt: skip
    write_stage_notebook(
        books / "02_boom.ipynb", "Boom", "raise ValueError('the export has no amounts')"
    )
    write_stage_notebook(
        books / "03_needs_usage.ipynb", "Adoption", "pass", needs=["usage", "nonexistent"]
    )
    result = run_assessment(
        tiny_client, output_root=tmp_path / "reports", notebooks=books, progress=False
    )
    stages = result.results["stages"]
    assert stages["fine"]["status"] == "ok"
    assert result.results["probe"] == {"rows": 2}  # the template has two example orders
    assert stages["boom"]["status"] == "failed"
    assert "ValueError: the export has no amounts" in stages["boom"]["message"]
    assert stages["needs_usage"]["status"] == "skipped"
    assert stages["needs_usage"]["message"] == "needs nonexistent"
    assert not result.ok
    boom_page = (result.report_dir / "02_boom.html").read_text(encoding="utf-8")
    assert "the export has no amounts" in boom_page
    index = (result.report_dir / "index.html").read_text(encoding="utf-8")
    assert "failed" in index and "skipped" in index


def test_a_crash_leaves_no_half_written_report(tiny_client, tmp_path, monkeypatch):
    books = tmp_path / "notebooks"
    books.mkdir()
    write_stage_notebook(books / "01_fine.ipynb", "Fine", "x = 1")

    def disk_full(*args, **kwargs):
        raise OSError("disk full")

    # an index that cannot be rendered no longer costs the run (tests/test_report_safety.py);
    # a write that fails does
    monkeypatch.setattr(runner, "_write_report", disk_full)
    with pytest.raises(OSError, match="disk full"):
        run_assessment(
            tiny_client, output_root=tmp_path / "reports", notebooks=books, progress=False
        )
    assert list((tmp_path / "reports" / "tiny").iterdir()) == []


def test_cli_run_exits_1_when_a_stage_fails_but_writes_the_report(
    tiny_client, tmp_path, monkeypatch
):
    books = tmp_path / "notebooks"
    books.mkdir()
    write_stage_notebook(books / "01_boom.ipynb", "Boom", "1 / 0")
    monkeypatch.setattr("crmkit.pipeline.stages.notebooks_dir", lambda: books)
    result = CliRunner().invoke(
        main, ["run", str(tiny_client), "--output", str(tmp_path / "reports")]
    )
    assert result.exit_code == 1
    assert "ZeroDivisionError" in result.output
    assert Path(result.output.strip().splitlines()[-1]).is_file()
    # not a terminal (a log file, a pipe): plain lines, no progress bar redrawn with \r
    assert "\r" not in result.output and "stage/s" not in result.output


# --- the pages in a real browser ----------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (CI installs it)")
def test_pages_open_offline_in_a_browser(demo_run):
    from playwright.sync_api import sync_playwright

    report_dir, _ = demo_run
    flags = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=flags)
        page = browser.new_page()
        outside = []
        page.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(("file:", "data:"))
                else (outside.append(route.request.url), route.abort())
            ),
        )
        for html in sorted(report_dir.glob("*.html")):
            page.goto(html.as_uri())
            assert page.title(), html.name
            broken = page.evaluate(
                "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length"
            )
            assert broken == 0, html.name
            assert page.locator("a[href='index.html']").count() >= (
                0 if html.name == "index.html" else 1
            )
            assert len(page.screenshot(full_page=True)) > 10_000
        index = report_dir / "index.html"
        page.goto(index.as_uri())
        page.locator("a[href='02_data_quality.html']").first.click()
        assert page.url.endswith("02_data_quality.html")
        browser.close()
    assert outside == []  # nothing was fetched from the network


def test_a_client_with_only_the_required_columns_runs_every_stage(tmp_path):
    """Optional columns absent everywhere: KPIs are skipped with their reason, no stage fails."""
    from crmkit.data.schemas import TABLES

    client = tmp_path / "bare"
    shutil.copytree(templates_dir(), client)
    for name, schema in TABLES.items():
        path = client / "data" / f"{name}.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        header = lines[0].split(",")
        keep = [i for i, column in enumerate(header) if schema.column(column).required]
        rows = [",".join(line.split(",")[i] for i in keep) for line in lines]
        path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_assessment(client, output_root=tmp_path / "reports", progress=False)
    assert result.ok, {
        k: v["message"] for k, v in result.results["stages"].items() if v["status"] != "ok"
    }
    kpis = result.results["kpis"]
    assert (
        kpis["nps"]["status"] == "skipped" and kpis["nps"]["note"] == "needs column nps in surveys"
    )
    assert {k["status"] for k in kpis.values()} <= {"measured", "skipped"}


def test_a_client_whose_data_start_at_go_live_runs_every_stage(tmp_path):
    """No before window at all: every comparison says "insufficient data", no stage fails."""
    import pandas as pd

    from crmkit.demo.synth import generate_demo_client

    client = generate_demo_client(tmp_path / "late", scale=0.05)
    dated = {"orders": "order_date", "customers": "created_date", "tickets": "opened_at",
             "opportunities": "created_date", "surveys": "response_date", "campaigns": "start_date",
             "usage": "date", "user_survey": "response_date"}  # fmt: skip
    for table, column in dated.items():
        path = client / "data" / f"{table}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        frame.loc[frame[column] >= "2025-01-01"].to_csv(path, index=False)
    result = run_assessment(client, output_root=tmp_path / "reports", progress=False)
    assert result.ok, {
        k: v["message"] for k, v in result.results["stages"].items() if v["status"] == "failed"
    }
    assert result.results["kpis"]["average_order_value"]["verdict"] == "insufficient data"
    assert "time_series" in result.results["impact"]
