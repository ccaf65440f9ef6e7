"""A run is never lost at the end: failing pages and summary sections are recorded, the other
pages and results.json are kept, the exit code says what happened, and the command line
prints one line (or, with --debug, the traceback) for an unexpected error."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from stage_notebooks import write_stage_notebook

from crmkit.cli import main
from crmkit.report import render


@pytest.fixture()
def three_stages(tmp_path, monkeypatch) -> Path:
    books = tmp_path / "notebooks"
    books.mkdir()
    for number, title in (("01", "One"), ("02", "Two"), ("03", "Three")):
        write_stage_notebook(
            books / f"{number}_{title.lower()}.ipynb", title, f"print('{title} ran')"
        )
    monkeypatch.setattr("crmkit.pipeline.stages.notebooks_dir", lambda: books)
    return books


def _run(client: Path, output: Path, *extra: str):
    return CliRunner().invoke(main, ["run", str(client), "--output", str(output), *extra])


def _report_dir(output: Path, client: Path) -> Path:
    (folder,) = (output / client.name).iterdir()
    return folder


@pytest.mark.slow
def test_a_page_that_cannot_be_rendered_fails_alone(template_client, tmp_path, three_stages,
                                                    monkeypatch):  # fmt: skip
    real = render.render_body  # where the runner has a notebook's outputs rendered

    def render_body(nb, **kwargs):
        if kwargs["title"] == "Two" and nb is not None:
            raise RuntimeError("the exporter broke")
        return real(nb, **kwargs)

    monkeypatch.setattr(render, "render_body", render_body)
    output = tmp_path / "reports"
    result = _run(template_client, output)
    assert result.exit_code == 1
    folder = _report_dir(output, template_client)
    assert Path(result.output.strip().splitlines()[-1]) == folder / "index.html"
    assert "two: failed: the page could not be rendered: RuntimeError: the exporter broke" in (
        result.output
    )
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    stages = results["stages"]
    assert stages["one"]["status"] == stages["three"]["status"] == "ok"
    assert stages["two"]["status"] == "failed"
    assert (
        stages["two"]["message"]
        == "the page could not be rendered: RuntimeError: the exporter broke"
    )
    assert results["report"]["failed_sections"] == []
    assert "One ran" in (folder / "01_one.html").read_text(encoding="utf-8")
    assert "Three ran" in (folder / "03_three.html").read_text(encoding="utf-8")
    # the failed page is replaced by its header and the message, so the index link opens
    two = (folder / "02_two.html").read_text(encoding="utf-8")
    assert "the exporter broke" in two and "Two ran" not in two
    assert (folder / "notebooks" / "02_two.ipynb").is_file()  # the executed notebook is kept
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "the page could not be rendered: RuntimeError: the exporter broke" in index
    assert "Failed and to be rerun: Two." in index
    assert not list((output / template_client.name).glob(".*partial"))


@pytest.mark.slow
def test_an_index_or_a_summary_section_that_raises_keeps_the_run(
    template_client, tmp_path, three_stages, monkeypatch
):
    def broken_section(results):
        raise ValueError("odd data")

    def broken_index(results, **kwargs):
        raise TypeError("'<' not supported between instances of 'NoneType' and 'int'")

    sections = dict(render._SUMMARY_SECTIONS)
    sections["data quality"] = broken_section
    monkeypatch.setattr(render, "_SUMMARY_SECTIONS", tuple(sections.items()))
    monkeypatch.setattr(render, "render_index", broken_index)
    output = tmp_path / "reports"
    result = _run(template_client, output)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    folder = _report_dir(output, template_client)
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert results["report"]["failed_sections"] == [
        {"section": "summary: data quality", "message": "ValueError: odd data"},
        {
            "section": "index page",
            "message": "TypeError: '<' not supported between instances of 'NoneType' and 'int'",
        },
    ]
    assert {s["status"] for s in results["stages"].values()} == {"ok"}
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "could not be rendered in full" in index
    assert "summary: data quality: ValueError: odd data" in index
    assert '<a href="01_one.html">One</a>' in index
    for page in ("01_one.html", "02_two.html", "03_three.html"):
        assert (folder / page).is_file()


def test_an_unexpected_error_prints_one_line_without_debug(template_client, monkeypatch):
    def boom(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("crmkit.pipeline.runner.run_assessment", boom)
    result = CliRunner().invoke(main, ["run", str(template_client)])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "crmkit stopped: ZeroDivisionError: division by zero "
        "(run again with --debug for the details)"
    )
    debug = CliRunner().invoke(main, ["run", str(template_client), "--debug"])
    assert isinstance(debug.exception, ZeroDivisionError)  # the traceback reaches the user


def test_validate_stops_cleanly_too(template_client, monkeypatch):
    def boom(*args, **kwargs):
        raise KeyError("orders")

    monkeypatch.setattr("crmkit.data.validation.validate_client", boom)
    result = CliRunner().invoke(main, ["validate", str(template_client)])
    assert result.exit_code == 1
    assert result.output.startswith("crmkit stopped: KeyError: 'orders' (run again with --debug")
    assert isinstance(
        CliRunner().invoke(main, ["validate", str(template_client), "--debug"]).exception,
        KeyError,
    )


def test_a_crmkit_error_keeps_its_one_clear_message(template_client, monkeypatch):
    from crmkit.data.exceptions import ParamsError

    def bad_params(*args, **kwargs):
        raise ParamsError("params.yaml: go_live_date is missing")

    monkeypatch.setattr("crmkit.pipeline.runner.run_assessment", bad_params)
    result = CliRunner().invoke(main, ["run", str(template_client), "--debug"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: params.yaml: go_live_date is missing"


def test_run_help_documents_the_exit_codes():
    text = CliRunner().invoke(main, ["run", "--help"]).output
    assert "Exit codes:" in text and "--debug" in text
    assert "a page or a part of the" in text


# --- the client of issue 9: orders with region but no rep_id, region West as control ------


@pytest.mark.slow
def test_a_control_group_without_rep_id_runs_to_a_complete_report(tmp_path):
    from crmkit.demo.synth import ensure_demo_client

    client = ensure_demo_client(tmp_path / "c1", scale=0.1)
    orders_file = client / "data" / "orders.csv"
    orders = pd.read_csv(orders_file, dtype=str, keep_default_na=False)
    orders.drop(columns=["rep_id"]).to_csv(orders_file, index=False)
    assert "control:\n  column: region" in (client / "params.yaml").read_text(encoding="utf-8")
    output = tmp_path / "reports"
    result = _run(client, output)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    folder = _report_dir(output, client)
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert {s["status"] for s in results["stages"].values()} == {"ok"}
    assert results["report"]["failed_sections"] == []
    for stage in results["stages"].values():
        assert (folder / stage["html"]).is_file()
        assert (folder / stage["notebook"]).is_file()
    did = results["impact"]["difference_in_differences"]
    assert did["unit"] == "region"
    summary = render.executive_summary(results)
    (sentence,) = [s for s in summary if "against the units that did not get it" in s]
    if did["ci_low_pct"] is None or did["ci_high_pct"] is None:
        assert "cannot say whether that is more than chance" in sentence
    else:  # the interval computed: the CRM's share of revenue is not clear either way
        assert did["ci_low_pct"] < 0 < did["ci_high_pct"]
        assert "cannot say whether the CRM changed" in sentence
    assert "more than chance explains" not in sentence
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "cannot say" in index
