"""Monitoring across runs: earlier runs found and skipped, deltas, targets, ``--history``."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from crmkit.cli import main
from crmkit.data.exceptions import ParamsError
from crmkit.pipeline.context import StageContext, find_earlier_results
from crmkit.synthesis import history
from crmkit.synthesis.history import HistoryStatus, Movement, SkipReason
from crmkit.words import history as history_words

AS_OF = dt.date(2026, 3, 1)


def _kpi_results() -> pd.DataFrame:
    """This run: revenue 1,200 per month, win rate 30 %, sales cycle 40 days, NPS 20 points."""
    return pd.DataFrame(
        {
            "label": ["Monthly revenue", "Win rate", "Sales cycle", "Net Promoter Score"],
            "unit": ["currency per month", "share", "days", "points (−100–100)"],
            "direction": ["higher", "higher", "lower", "higher"],
            "after": [1200.0, 0.30, 40.0, 20.0],
        },
        index=pd.Index(["revenue_monthly", "win_rate", "sales_cycle_days", "nps"]),
    )


def _run(run_id: str, when: str, kpis: dict, **sections) -> dict:
    return {
        "client": "Acme Ltd",
        "run_id": run_id,
        "generated_at": when,
        "kpis": {name: {"after": value} for name, value in kpis.items()},
        **sections,
    }


FIRST = _run(
    "r1",
    "2025-01-15T10:00:00+00:00",
    {"revenue_monthly": 900.0, "win_rate": 0.20, "sales_cycle_days": 50.0, "nps": 10.0},
    scorecard={"overall": 0.40},
)
SECOND = _run(
    "r2",
    "2025-07-15T10:00:00+00:00",
    # no sales cycle this time; the NPS is missing as a null
    {"revenue_monthly": 1000.0, "win_rate": 0.25, "nps": None},
    scorecard={
        "overall": 0.50,
        "kpis": {
            "win_rate": {"target": 0.28},
            "sales_cycle_days": {"target": 35.0},
            "revenue_monthly": {"target": None},
        },
    },
    actions={
        "plan": [
            {
                "action": "Lead scoring",
                "owner": "Sales",
                "start": "2025-08-01",
                "kpi": "revenue_monthly",
                "target": 1500.0,
                "review_date": "2026-01-31",
            },
            {
                "action": "Service desk",
                "owner": "Service",
                "start": "2025-08-01",
                "kpi": "first_response_hours",
                "target": 2.0,
                "review_date": "2026-06-30",
            },
        ]
    },
)


def _history(earlier, **kwargs) -> history.History:
    options = {"overall": 0.65, "run_id": "r3", "as_of": AS_OF, **kwargs}
    return history.build_history(earlier, _kpi_results(), **options)


# --- values and changes across runs -----------------------------------------------------------


def test_deltas_are_taken_against_the_latest_earlier_run():
    h = _history([FIRST, SECOND])
    assert h.status == HistoryStatus.COMPARED
    revenue = h.kpis.loc["revenue_monthly"]
    # by hand: 1,200 − 1,000 = 200; 200 / 1,000 = +20 %
    assert revenue["previous"] == 1000.0 and revenue["current"] == 1200.0
    assert revenue["delta"] == pytest.approx(200.0)
    assert revenue["delta_pct"] == pytest.approx(0.20)
    win = h.kpis.loc["win_rate"]
    # 0.30 − 0.25 = 0.05 (5 points); 0.05 / 0.25 = +20 %
    assert win["delta"] == pytest.approx(0.05) and win["delta_pct"] == pytest.approx(0.20)
    assert win["movement"] == Movement.BETTER


def test_a_kpi_missing_in_the_latest_run_has_no_change():
    h = _history([FIRST, SECOND])
    cycle = h.kpis.loc["sales_cycle_days"]
    # measured in r1 (50 days) but not in r2: the change since the last run is unknown
    assert math.isnan(cycle["previous"]) and math.isnan(cycle["delta"])
    assert cycle["movement"] == Movement.NOT_MEASURED
    values = h.values.loc[h.values["kpi"] == "sales_cycle_days"]
    assert values["run_id"].tolist() == ["r1", "r2", "r3"]
    assert values["value"].tolist()[0] == 50.0 and math.isnan(values["value"].tolist()[1])


def test_a_lower_is_better_kpi_that_fell_moved_in_its_good_direction():
    h = _history([FIRST])
    cycle = h.kpis.loc["sales_cycle_days"]
    # 40 − 50 = −10 days, −20 %; lower is better
    assert cycle["delta"] == pytest.approx(-10.0) and cycle["delta_pct"] == pytest.approx(-0.2)
    assert cycle["movement"] == Movement.BETTER


def test_no_percentage_on_a_scale_without_a_true_zero():
    h = _history([FIRST])
    nps = h.kpis.loc["nps"]
    assert nps["delta"] == pytest.approx(10.0)  # 20 − 10 points
    assert math.isnan(nps["delta_pct"]) and nps["pct_guard"] == "not_a_ratio_scale"


def test_the_overall_score_across_runs_and_its_change():
    no_card = _run("r0", "2024-07-01T00:00:00+00:00", {"win_rate": 0.1})  # no scorecard key
    h = _history([no_card, FIRST, SECOND])
    assert h.scorecard["run_id"].tolist() == ["r0", "r1", "r2", "r3"]
    assert math.isnan(h.scorecard["overall"].iloc[0])
    section = h.to_results()["scorecard"]
    assert section["values"][0] == {"run_id": "r0", "overall": None}
    # 0.65 − 0.50 = 0.15
    assert section["previous"] == 0.50 and section["current"] == 0.65
    assert section["delta"] == pytest.approx(0.15)


def test_results_section_follows_the_contract_and_is_plain_json():
    section = _history([FIRST, SECOND]).to_results()
    assert {"status", "runs", "kpis", "scorecard", "targets"} <= set(section)
    json.dumps(section, allow_nan=False)
    assert section["status"] == "compared"
    assert section["runs"] == [
        {"run_id": "r1", "generated_at": "2025-01-15T10:00:00+00:00"},
        {"run_id": "r2", "generated_at": "2025-07-15T10:00:00+00:00"},
    ]
    assert section["kpis"]["win_rate"]["values"] == [
        {"run_id": "r1", "value": 0.20},
        {"run_id": "r2", "value": 0.25},
        {"run_id": "r3", "value": 0.30},
    ]
    assert section["kpis"]["nps"]["previous"] is None
    assert set(section["kpis"]["win_rate"]) == {
        "values", "previous", "current", "delta", "delta_pct"
    }  # fmt: skip


def test_a_first_run_starts_the_history():
    h = _history([])
    assert h.status == HistoryStatus.STARTED
    section = h.to_results()
    assert section["status"] == "started" and section["runs"] == [] and section["targets"] == []
    assert section["kpis"]["win_rate"]["values"] == [{"run_id": "r3", "value": 0.30}]
    assert section["kpis"]["win_rate"]["delta"] is None
    assert history_words.history_intro(h) == history_words.FIRST_ASSESSMENT


# --- targets set in the earlier plan ----------------------------------------------------------


def test_targets_of_the_latest_run_are_checked_direction_aware():
    h = _history([FIRST, SECOND])
    targets = h.targets.set_index(["kpi", "source"])
    # win rate: higher is better, 0.30 ≥ 0.28 → reached
    assert targets.loc[("win_rate", "scorecard"), "reached"] is True
    # sales cycle: lower is better, target 35 days; this run 40 days > 35 → not reached
    assert targets.loc[("sales_cycle_days", "scorecard"), "reached"] is False
    # revenue: the plan's 1,500 is not reached by 1,200; its review date 2026-01-31 has passed
    plan_row = targets.loc[("revenue_monthly", "plan")]
    assert plan_row["reached"] is False and plan_row["action"] == "Lead scoring"
    assert plan_row["review_passed"] is True
    # first response: not measured in this run → unknown; review 2026-06-30 still to come
    response = targets.loc[("first_response_hours", "plan")]
    assert response["reached"] is None and response["review_passed"] is False
    # a null scorecard target sets nothing
    assert ("revenue_monthly", "scorecard") not in targets.index
    assert set(h.targets["set_in"]) == {"r2"}


def test_target_reached_by_direction():
    assert history.target_reached(40.0, 35.0, "lower") is False
    assert history.target_reached(30.0, 35.0, "lower") is True
    assert history.target_reached(35.0, 35.0, "higher") is True
    assert history.target_reached(float("nan"), 35.0, "higher") is None
    assert history.target_reached(30.0, 35.0, None) is None


def test_only_the_latest_runs_targets_count():
    h = _history([SECOND, FIRST | {"generated_at": "2025-12-01T00:00:00+00:00"}])
    assert h.targets.empty  # the latest (FIRST, re-dated) set no target


# --- finding earlier runs ---------------------------------------------------------------------


def _write(path: Path, content) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def report_parent(tmp_path) -> Path:
    """A client's report folder with two runs, a partial one, a foreign one and junk."""
    parent = tmp_path / "reports" / "acme"
    _write(parent / "20250715-100000" / "results.json", SECOND)
    _write(parent / "20250115-100000" / "results.json", FIRST)
    _write(parent / ".20251001-100000.partial" / "results.json", FIRST | {"run_id": "p"})
    _write(parent / "other" / "results.json", FIRST | {"client": "Other plc"})
    _write(parent / "broken" / "results.json", "{not json")
    _write(parent / "notes.json", ["a list, not results"])
    (parent / "no-results").mkdir()
    return parent


def test_earlier_runs_are_found_oldest_first_and_the_others_skipped_with_reasons(report_parent):
    found = find_earlier_results([report_parent], client="Acme Ltd")
    assert [r["run_id"] for r in found.runs] == ["r1", "r2"]
    reasons = {
        Path(s.source).parent.name + "/" + Path(s.source).name: s.reason for s in found.skipped
    }
    assert reasons == {
        ".20251001-100000.partial/results.json": SkipReason.PARTIAL,
        "other/results.json": SkipReason.OTHER_CLIENT,
        "broken/results.json": SkipReason.UNREADABLE,
        "acme/notes.json": SkipReason.NOT_RESULTS,
    }
    other = next(s for s in found.skipped if s.reason == SkipReason.OTHER_CLIENT)
    assert other.detail == "Other plc"


def test_this_runs_folder_a_missing_folder_and_a_second_copy_are_not_runs(report_parent, tmp_path):
    copy = tmp_path / "elsewhere"
    shutil.copytree(report_parent / "20250115-100000", copy / "old")
    found = find_earlier_results(
        [report_parent, report_parent, tmp_path / "nowhere", copy],
        client="Acme Ltd",
        exclude=report_parent / "20250715-100000",
        this_run="r9",
    )
    assert [r["run_id"] for r in found.runs] == ["r1"]
    assert [s.reason for s in found.skipped].count(SkipReason.DUPLICATE) == 1
    assert found.this_run == "r9"


def test_a_folder_of_plain_results_files_is_searched(tmp_path):
    folder = tmp_path / "history"
    _write(folder / "spring.json", FIRST)
    _write(folder / "autumn.json", SECOND)
    found = find_earlier_results([folder], client="Acme Ltd")
    assert [r["run_id"] for r in found.runs] == ["r1", "r2"] and found.skipped == ()


def test_the_stage_reads_where_to_look_from_the_run_folder(report_parent, tmp_path):
    run_dir = report_parent / ".20260301-090000.partial"
    _write(run_dir / "history.json", {"run_id": "20260301-090000", "search": [str(report_parent)]})
    stage = StageContext(
        name="monitoring",
        assessment=None,  # type: ignore[arg-type]  # only the client's name is read
        tables={},
        files={},
        problems=pd.DataFrame(),
        client_dir=tmp_path / "acme",
        run_dir=run_dir,
    )
    stage.assessment = type("A", (), {"client": "Acme Ltd"})()
    found = stage.earlier_results()
    assert [r["run_id"] for r in found.runs] == ["r1", "r2"]
    assert found.this_run == "20260301-090000"
    # this run's own folder is neither a run nor a skipped file
    assert all(".20260301-090000.partial" not in s.source for s in found.skipped)


def test_skipped_files_are_listed_in_a_table(report_parent):
    found = find_earlier_results([report_parent], client="Acme Ltd")
    frame = history_words.skipped_view(found.skipped).frame.set_index("reason")
    assert frame.loc["another client", "detail"] == "Other plc"
    assert frame.loc["partial run", "file"].endswith(".20251001-100000.partial/results.json")
    assert history_words.skipped_view(()).frame.empty


def test_history_that_is_not_a_folder_stops_before_anything_is_written(template_client, tmp_path):
    from crmkit.pipeline.runner import run_assessment

    output = tmp_path / "out"
    with pytest.raises(ParamsError, match="--history .*no such folder"):
        run_assessment(template_client, output_root=output, history=tmp_path / "missing")
    assert not output.exists()


def test_cli_rejects_a_history_folder_that_does_not_exist(template_client, tmp_path):
    result = CliRunner().invoke(
        main, ["run", str(template_client), "--history", str(tmp_path / "missing")]
    )
    assert result.exit_code == 2 and "--history" in result.output


# --- words ------------------------------------------------------------------------------------


def test_tables_and_titles_in_words():
    h = _history([FIRST, SECOND])
    view = history_words.kpi_history_view(h, currency="CNY")
    revenue = view.frame.set_index("KPI").loc["Monthly revenue"]
    assert revenue["Unit"] == "CNY per month"
    assert (revenue["r1"], revenue["r2"], revenue["r3"]) == ("900", "1,000", "1,200")
    assert revenue["Change since last"] == "+200" and revenue["Change since last (%)"] == "+20.0 %"
    assert history_words.history_chart_title(h) == (
        "The scorecard's overall score rose from 50.0 % to 65.0 % since the last assessment"
    )
    targets = history_words.targets_view(h, currency="CNY").frame
    assert targets["Reached"].tolist() == ["yes", "no", "no", "not measured"]
    changes = history_words.change_series(h)
    # NPS (no true zero) and the sales cycle (not measured in r2) have no percentage
    assert changes.to_dict() == pytest.approx({"Monthly revenue": 20.0, "Win rate": 20.0})
    assert history_words.better_labels(h) == ["Monthly revenue", "Win rate"]  # NPS: null in r2
    findings = history_words.history_findings(h, pd.DataFrame({"n_months": [], "n_outside": []}))
    assert "1 of 4 earlier target(s) are reached" in findings.paragraph


# --- end to end -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_stages(tmp_path_factory) -> Path:
    """The stages that record ``kpis`` (impact overview) and ``history`` (monitoring) only."""
    from crmkit.pipeline.stages import notebooks_dir

    folder = tmp_path_factory.mktemp("notebooks")
    for name in ("10_impact_overview.ipynb", "14_monitoring.ipynb"):
        shutil.copy(notebooks_dir() / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def demo_client(tmp_path_factory) -> Path:
    from crmkit.demo.synth import generate_demo_client

    return generate_demo_client(tmp_path_factory.mktemp("client") / "demo", scale=0.05)


@pytest.mark.slow
def test_a_second_run_is_compared_with_the_first(demo_client, small_stages, tmp_path):
    from crmkit.pipeline.runner import run_assessment

    output = tmp_path / "reports"
    first = run_assessment(demo_client, output_root=output, progress=False, notebooks=small_stages)
    assert first.ok, first.failures
    assert first.results["history"]["status"] == "started"
    second = run_assessment(
        demo_client,
        output_root=output,
        overrides={"after.end": "2025-09-30"},  # a shorter after window: other after values
        progress=False,
        notebooks=small_stages,
    )
    assert second.ok, second.failures
    section = json.loads((second.report_dir / "results.json").read_text())["history"]
    assert section["status"] == "compared"
    assert [r["run_id"] for r in section["runs"]] == [first.report_dir.name]
    before, after = first.results["kpis"], second.results["kpis"]
    compared = 0
    for name, entry in section["kpis"].items():
        old, new = before.get(name, {}).get("after"), after.get(name, {}).get("after")
        if old is None or new is None:
            assert entry["delta"] is None, name
            continue
        assert entry["delta"] == pytest.approx(new - old), name
        compared += 1
    assert compared >= 10
    assert any(entry["delta"] for entry in section["kpis"].values())  # the window mattered


@pytest.mark.slow
def test_cli_history_points_at_a_folder_elsewhere(demo_client, small_stages, tmp_path, monkeypatch):
    from crmkit.pipeline import stages
    from crmkit.pipeline.runner import run_assessment

    archive = tmp_path / "archive"
    earlier = run_assessment(
        demo_client, output_root=tmp_path / "old", progress=False, notebooks=small_stages
    )
    shutil.copytree(earlier.report_dir, archive / earlier.report_dir.name)
    monkeypatch.setattr(stages, "notebooks_dir", lambda: small_stages)
    output = tmp_path / "new"
    result = CliRunner().invoke(
        main, ["run", str(demo_client), "--output", str(output), "--history", str(archive)]
    )
    assert result.exit_code == 0, result.output
    (run,) = (output / demo_client.name).iterdir()
    section = json.loads((run / "results.json").read_text())["history"]
    assert section["status"] == "compared"
    assert [r["run_id"] for r in section["runs"]] == [earlier.report_dir.name]
    # same data, same parameters: every change is zero
    deltas = [e["delta"] for e in section["kpis"].values() if e["delta"] is not None]
    assert deltas and all(d == pytest.approx(0.0) for d in deltas)
