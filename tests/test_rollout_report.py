"""The rollout in params.yaml, its validation, its analysis, its words and its page.

Hand references: exact additive panels (revenue = unit level + month level + a known effect in
treated cells), whose imputation estimate is the injected effect by construction; a pilot that
is exactly 0.3·A + 0.7·B before go-live, whose synthetic weights are (0.3, 0.7); totals of a
few orders added by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from crmkit.data.config import Assessment, Rollout, load_params, parse_params
from crmkit.data.exceptions import ParamsError
from crmkit.data.validation import validate_client
from crmkit.kpis.scope import row_units
from crmkit.measure.rollout import (
    Claim,
    Design,
    DesignReason,
    choose_design,
    pilot_of_control,
    rollout_analysis,
    rollout_panel,
)
from crmkit.measure.rollout_results import (
    placebo_results,
    rollout_results,
    synthetic_control_results,
)
from crmkit.words.narrative.rollout import (
    rollout_design,
    rollout_figure,
    rollout_finding,
    summary_rollout,
)

BASE = {"client": "Acme", "go_live_date": "2025-01-01"}


# --- params.yaml -----------------------------------------------------------------------------


def test_rollout_is_parsed_sorted_and_round_trips_through_results_json():
    a = parse_params(
        {**BASE, "rollout": {"column": "region", "go_live": {"South": "2025-07-01",
                                                             "North": dt.date(2025, 1, 1)}}}
    )  # fmt: skip
    assert a.rollout == Rollout(
        "region", (("North", dt.date(2025, 1, 1)), ("South", dt.date(2025, 7, 1)))
    )
    assert a.to_dict()["rollout"] == {
        "column": "region",
        "go_live": {"North": "2025-01-01", "South": "2025-07-01"},
    }
    assert parse_params(a.to_dict()).rollout == a.rollout
    assert parse_params(BASE).rollout is None


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"column": "region"}, "give either go_live"),
        ({"column": "region", "go_live": {"N": "2025-01-01"}, "file": "r.csv"}, "not both"),
        ({"go_live": {"N": "2025-01-01"}}, "rollout.column: required"),
        ({"column": "region", "go_live": {"N": "2025-02-01"}}, "must be go_live_date"),
        ({"column": "region", "go_live": {"N": "soon"}}, "rollout.go_live.N: expected a date"),
        ({"column": "region", "go_live": ["N"]}, "expected a mapping unit: date"),
        ({"column": "region", "start": 1, "go_live": {"N": "2025-01-01"}}, "rollout.start"),
    ],
)
def test_rollout_params_errors_name_the_key(block, message):
    with pytest.raises(ParamsError, match=message):
        parse_params({**BASE, "rollout": block})


def test_rollout_file_is_read_from_the_client_folder(tmp_path):
    (tmp_path / "params.yaml").write_text(
        yaml.safe_dump({**BASE, "rollout": {"column": "rep_id", "file": "units.csv"}})
    )
    (tmp_path / "units.csv").write_text("Unit,go_live_date\nR2,2025-03-01\n R1 ,2025-01-01\n")
    rollout = load_params(tmp_path).rollout
    assert rollout.go_live == (("R1", dt.date(2025, 1, 1)), ("R2", dt.date(2025, 3, 1)))
    assert rollout.file is None  # read: the run folder's params list the units
    (tmp_path / "units.csv").write_text("unit,go_live_date\nR1,2025-01-01\nR1,2025-02-01\n")
    with pytest.raises(ParamsError, match="R1: this unit is listed twice"):
        load_params(tmp_path)
    (tmp_path / "units.csv").write_text("branch,date\nR1,2025-01-01\n")
    with pytest.raises(ParamsError, match="expected the columns unit and go_live_date"):
        load_params(tmp_path)
    (tmp_path / "units.csv").unlink()
    with pytest.raises(ParamsError, match="rollout.file names no file"):
        load_params(tmp_path)


# --- validation against the data ---------------------------------------------------------------


@pytest.fixture(scope="module")
def small_client(tmp_path_factory):
    from crmkit.demo.shapes import write_client
    from crmkit.demo.shapes.shape import ClientShape

    shape = ClientShape(
        "rollout_small", "", tables=("customers", "orders"), regions=("North", "South", "West"),
        reps_per_region=1, n_customers=300, extra_history_months=0,
    )  # fmt: skip
    return write_client(shape, tmp_path_factory.mktemp("rollout") / "client")


def _with_params(folder: Path, **changes) -> Path:
    params = yaml.safe_load((folder / "params.yaml").read_text())
    params.pop("control", None)
    params.update(changes)
    (folder / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    return folder


def _rollout_errors(folder: Path) -> list[str]:
    report = validate_client(folder)
    return [p.message for p in report.errors if p.rule == "rollout"]


def test_a_valid_rollout_validates(small_client):
    _with_params(small_client, rollout={"column": "region", "go_live": {"north": "2025-01-01",
                                                                        "South": "2025-07-01"}})  # fmt: skip
    assert _rollout_errors(small_client) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"rollout": {"column": "region", "go_live": {"North": "2025-01-01", "East": "2025-03-01"}}},
            "rollout.go_live names units that no row has in region: East",
        ),
        (
            {"rollout": {"column": "region", "go_live": {"North": "2025-01-01", "South": "2027-01-01"}}},
            "rollout.go_live has dates with no data before or after them: South (2027-01-01)",
        ),
        (
            {
                "control": {"column": "region", "values": ["West"]},
                "rollout": {"column": "region", "go_live": {"North": "2025-01-01", "West": "2025-06-01"}},
            },
            "units listed both in control.values (never got the CRM) and in rollout.go_live (got it): West",
        ),
        (
            {"rollout": {"column": "region", "go_live": dict.fromkeys(["North", "South", "West"], "2025-01-01")}},
            "every unit of region went live on the same day",
        ),
        (
            {"rollout": {"column": "branch", "go_live": {"North": "2025-01-01"}}},
            "rollout.column 'branch' is a column of no table",
        ),
    ],
)  # fmt: skip
def test_rollout_validation_messages(small_client, changes, message):
    _with_params(small_client, **changes)
    errors = _rollout_errors(small_client)
    assert len(errors) == 1 and errors[0].startswith(message), errors


def test_a_rollout_on_a_column_of_the_clients_own_export_is_kept_and_validates(small_client):
    """A rollout column that is not canonical (the export's "Branch" of customers) survives
    validation under the client's own name, and its units are checked against its values."""
    import shutil

    folder = small_client.parent / "branch_client"
    shutil.copytree(small_client, folder, dirs_exist_ok=True)
    customers = pd.read_csv(folder / "data" / "customers.csv")
    customers["Branch"] = np.where(customers.index % 3 == 0, "B01", "B02")
    customers.to_csv(folder / "data" / "customers.csv", index=False)
    _with_params(folder, rollout={"column": "Branch", "go_live": {"B01": "2025-01-01"}})
    report = validate_client(folder)
    assert [p.message for p in report.errors] == []
    assert set(report.tables["customers"]["Branch"]) == {"B01", "B02"}
    assert "Branch" not in report.columns["customers"].unused
    _with_params(folder, rollout={"column": "Branch", "go_live": {"B09": "2025-01-01"}})
    assert _rollout_errors(folder)[0].startswith(
        "rollout.go_live names units that no row has in Branch: B09"
    )


# --- units of rows ---------------------------------------------------------------------------------


def test_row_units_by_hand():
    customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "region": [" North", "", None]})
    orders = pd.DataFrame({"customer_id": ["C1", "C2"], "region": ["South", np.nan]})
    tickets = pd.DataFrame({"customer_id": ["C3", "C1", "C9", None]}, index=[10, 11, 12, 13])
    tables = {"customers": customers}
    assert row_units(orders, tables, "region").tolist() == ["South", None]  # own column wins
    units = row_units(tickets, tables, "region")
    assert units.tolist() == [None, "North", None, None] and list(units.index) == [10, 11, 12, 13]
    assert row_units(tickets, {}, "region").tolist() == [None] * 4  # no customers: unknown


# --- the analysis on exact panels ------------------------------------------------------------------


def _orders_of(levels: dict[str, float], months: pd.DatetimeIndex, effect) -> pd.DataFrame:
    """Two orders per unit-month (1st and last day) totalling level + month index·10 + effect."""
    rows = []
    for unit, level in levels.items():
        for t, month in enumerate(months):
            total = level + 10.0 * t + 3.0 * (t % 3) + effect(unit, month)
            end = month + pd.offsets.MonthEnd(0)
            rows += [(unit, month, total / 2), (unit, end, total / 2)]
    frame = pd.DataFrame(rows, columns=["region", "order_date", "amount"])
    frame["order_id"] = [f"O{i}" for i in range(len(frame))]
    return frame


def _assessment(go_live: dict[str, str], first: str = "2025-01-01") -> Assessment:
    return parse_params(
        {"client": "A", "go_live_date": first, "rollout": {"column": "region", "go_live": go_live}}
    )


def test_panel_totals_by_hand_and_partial_months_left_out():
    orders = pd.DataFrame(
        {
            "order_date": pd.to_datetime(["2024-01-03", "2024-02-01", "2024-02-29", "2024-03-10"]),
            "amount": [5.0, 10.0, 2.5, 7.0],
            "customer_id": ["C1", "C1", "C2", "C2"],
        }
    )
    customers = pd.DataFrame({"customer_id": ["C1", "C2"], "region": ["N", "S"]})
    panel = rollout_panel({"orders": orders, "customers": customers}, "region")
    # January starts on the 3rd and March ends on the 10th: only February is whole
    assert panel.to_dict("list") == {
        "unit": ["N", "S"],
        "month": [pd.Timestamp("2024-02-01")] * 2,
        "revenue": [10.0, 2.5],
    }


def test_staggered_effect_is_recovered_and_a_later_units_early_months_stay_before():
    months = pd.date_range("2024-01-01", periods=24, freq="MS")
    go = {"North": pd.Timestamp("2025-01-01"), "South": pd.Timestamp("2025-07-01")}
    effect = lambda unit, month: 100.0 if unit in go and month >= go[unit] else 0.0  # noqa: E731
    orders = _orders_of({"North": 1000.0, "South": 2000.0, "West": 1500.0}, months, effect)
    analysis = rollout_analysis(
        {"orders": orders}, _assessment({"North": "2025-01-01", "South": "2025-07-01"})
    )
    assert (analysis.design, analysis.reason) == (Design.STAGGERED, DesignReason.STAGGERED_DATES)
    # additive levels: imputation recovers exactly +100 per treated unit-month; had South's
    # January–June 2025 counted as "after", those cells (no effect) would pull it below 100
    assert analysis.overall.estimate == pytest.approx(100.0, abs=1e-6)
    cohorts = analysis.cohorts.set_index("go_live")
    assert cohorts.loc["2025-07-01", "units"] == ("South",)
    assert cohorts.loc["2025-07-01", "estimate"] == pytest.approx(100.0, abs=1e-6)
    # South's level over its 6 treated months (t = 18 … 23) without the effect:
    south_y0 = np.mean([2000.0 + 10.0 * t + 3.0 * (t % 3) for t in range(18, 24)])
    assert cohorts.loc["2025-07-01", "estimate_pct"] == pytest.approx(100.0 / south_y0, rel=1e-9)
    leads = analysis.event_study.query("kind == 'lead'")
    assert np.allclose(leads["estimate_pct"], 0.0, atol=1e-9)  # flat before go-live
    assert analysis.claim is Claim.TOO_FEW_UNITS  # 3 units: no p-value can reach 5 %
    result = rollout_results(analysis)
    assert result["ci_low_pct"] is None and result["claim"] == "too_few_units"
    assert result["kpi"] == "revenue_monthly" and result["unit"] == "region"
    assert result["att"] == pytest.approx(100.0, abs=1e-6)
    south = next(c for c in result["by_cohort"] if c["go_live"] == "2025-07-01")
    assert south["units"] == ["South"] and south["att"] == pytest.approx(100.0, abs=1e-6)
    assert all(e["effect_pct"] == pytest.approx(0.0, abs=1e-9) for e in result["event_time"]
               if e["k"] < 0)  # fmt: skip
    assert synthetic_control_results(analysis) is None
    placebo = placebo_results(analysis)
    assert (placebo["reason"], placebo["p_value"]) == ("history_too_short", None)
    assert placebo["n"] < 19 and len(placebo["go_lives"]) == placebo["n"]
    assert result["placebo"]["status"] == "history_too_short"  # 24 months: 7 fake dates < 19
    assert "NaN" not in json.dumps(result)


def test_a_pilot_gets_a_synthetic_control_with_the_hand_weights():
    months = pd.date_range("2023-01-01", periods=24, freq="MS")
    rng = np.random.default_rng(3)
    donors = {
        f"B{i:02d}": 1000.0 + 200.0 * rng.standard_normal(24).cumsum() / 5 for i in range(2, 8)
    }
    donors = {u: np.abs(v) + 500.0 for u, v in donors.items()}
    pilot = 0.3 * donors["B02"] + 0.7 * donors["B03"]
    pilot[12:] += 50.0  # go-live 2024-01: +50 a month
    frames = []
    for unit, path in {"B01": pilot, **donors}.items():
        frames.append(_orders_of({unit: 0.0}, months, lambda u, m, p=path, ms=list(months):
                                 p[ms.index(m)] - 10.0 * ms.index(m) - 3.0 * (ms.index(m) % 3)))  # fmt: skip
    orders = pd.concat(frames, ignore_index=True)
    analysis = rollout_analysis(
        {"orders": orders}, _assessment({"B01": "2024-01-01"}, first="2024-01-01")
    )
    assert analysis.design is Design.SYNTHETIC_CONTROL
    weights = analysis.synthetic["weights"].round(4).to_dict()
    assert weights["B02"] == 0.3 and weights["B03"] == 0.7
    assert analysis.overall.estimate == pytest.approx(50.0, abs=1e-3)
    synthetic_post = (0.3 * donors["B02"] + 0.7 * donors["B03"])[12:].mean()
    assert analysis.overall.estimate_pct == pytest.approx(50.0 / synthetic_post, rel=1e-4)
    # 6 donors: p = rank / 7, at best 1/7 > 0.05, so the effect is not claimed
    assert analysis.overall.p_value * 7 == pytest.approx(round(analysis.overall.p_value * 7))
    assert analysis.claim is Claim.TOO_FEW_UNITS
    synthetic = synthetic_control_results(analysis)
    assert synthetic["fit"] == "good" and synthetic["treated"] == ["B01"]
    assert synthetic["weights"]["B02"] == pytest.approx(0.3, abs=1e-4)
    assert synthetic["p_value"] == pytest.approx(analysis.overall.p_value)
    assert rollout_results(analysis)["method"] == "synthetic_control"


def test_choose_design_cases():
    assert choose_design({}, ["A"]) == (Design.TIME_SERIES_ONLY, DesignReason.NO_UNIT_DATA)
    assert choose_design({"A": 1, "B": 1}, []) == (
        Design.TIME_SERIES_ONLY,
        DesignReason.NO_COMPARISON,
    )
    assert choose_design({"A": 1}, ["B", "C", "D"])[0] is Design.DIFFERENCE_IN_DIFFERENCES
    assert choose_design({"A": 1}, ["B", "C", "D", "E"])[0] is Design.SYNTHETIC_CONTROL
    assert choose_design({"A": 1, "B": 2}, [])[0] is Design.STAGGERED  # not-yet-treated compare


def test_no_rollout_gives_none():
    assert rollout_analysis({}, parse_params(BASE)) is None
    assert rollout_results(None) is None


# --- words -------------------------------------------------------------------------------------


CLAIMED = {
    "design": "staggered",
    "reason": "staggered_dates",
    "assumption": "parallel_trends",
    "claim": "claimed",
    "unit": "region",
    "units": {"treated": ["North", "South"], "never_treated": ["West"]},
    "att_pct": 0.08,
    "ci_low_pct": 0.02,
    "ci_high_pct": 0.14,
    "p_value": 0.01,
    "pre_trend_p": 0.6,
    "pre_trend_status": "passed",
    "placebo": {"status": "ok", "n": 20, "p_value": 0.04, "outside": True},
}


def test_words_of_a_claimed_effect():
    assert "parallel trends" in rollout_design(CLAIMED)
    assert "no anticipation" in rollout_design(CLAIMED)
    finding = rollout_finding(CLAIMED)
    assert "+8.0 %" in finding and "95 % interval +2.0 % to +14.0 %" in finding
    assert "**More than chance explains**" in finding and "p = 0.600" in finding
    assert summary_rollout(CLAIMED).endswith("more than chance explains.")
    assert rollout_figure(CLAIMED)["value"] == "+8.0 %"


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        ("pre_trend_failed", "the pre-trend check failed"),
        ("too_few_units", "too few units"),
        ("no_interval", "cannot bound the effect"),
        ("placebo_inside", "fake go-live dates"),
        ("not_detected", "includes no change"),
    ],
)
def test_words_of_an_effect_not_claimed(claim, reason):
    rollout = {**CLAIMED, "claim": claim, "ci_low_pct": None, "ci_high_pct": None}
    for text in (rollout_finding(rollout), summary_rollout(rollout)):
        assert reason in text and "more than chance explains" not in text.lower()
    assert rollout_figure(rollout)["value"] == "not claimed"


def test_words_without_a_comparison_say_cannot_say():
    rollout = {**CLAIMED, "design": "time_series_only", "reason": "no_comparison",
               "assumption": "nothing_else_changed", "claim": "no_estimate", "att_pct": None}  # fmt: skip
    assert rollout_finding(rollout).startswith("**Cannot say**")
    assert "not claimed" in summary_rollout(rollout)
    assert "a unit (region, team or rep) that got the CRM later or never" in rollout_design(rollout)


# --- end to end: the three clients ----------------------------------------------------------


def _client(folder: Path, regions, control_regions, rollout, effect) -> Path:
    from crmkit.demo.shapes import write_client
    from crmkit.demo.shapes.shape import ClientShape

    shape = ClientShape(
        folder.name, "rollout", tables=("customers", "orders"), regions=regions,
        reps_per_region=1, control_regions=control_regions, extra_history_months=12,
        n_customers=2000, effect=effect, churn_annual=0.1,
    )  # fmt: skip
    write_client(shape, folder, seed=7)
    return _with_params(folder, rollout=rollout)


def _run(client: Path, output: Path):
    from crmkit.pipeline.runner import run_assessment

    result = run_assessment(client, output_root=output, progress=False)
    stages = result.results["stages"]
    assert all(s["status"] in ("ok", "skipped") for s in stages.values()), stages
    assert (result.report_dir / "index.html").is_file()
    for name, stage in stages.items():
        if stage["status"] == "ok":
            assert list(result.report_dir.glob(f"*{name}*.html")), name
    assert not (result.results.get("report") or {}).get("failed_sections")
    return result


def _impact_page(result) -> str:
    return next(result.report_dir.glob("*impact_overview*.html")).read_text(encoding="utf-8")


@pytest.mark.slow
def test_staggered_client_runs_to_a_complete_report(tmp_path):
    client = _client(
        tmp_path / "staggered", ("North", "South", "West"), ("West",),
        {"column": "region", "go_live": {"North": "2025-01-01", "South": "2025-07-01"}}, 0.0,
    )  # fmt: skip
    assert validate_client(client).ok
    result = _run(client, tmp_path / "reports")
    rollout = result.results["impact"]["rollout"]
    assert rollout["design"] == "staggered"
    assert rollout["units"] == {"treated": ["North", "South"], "never_treated": ["West"]}
    by_date = {c["go_live"]: c["units"] for c in rollout["by_cohort"]}
    assert by_date == {"2025-01-01": ["North"], "2025-07-01": ["South"]}
    assert "How the CRM was rolled out and what the data allow" in _impact_page(result)


@pytest.mark.slow
def test_pilot_branch_gets_a_synthetic_control_and_no_unearned_claim(tmp_path):
    branches = tuple(f"B{i:02d}" for i in range(1, 13))
    client = _client(
        tmp_path / "pilot", branches, branches[1:],
        {"column": "region", "go_live": {"B01": "2025-01-01"}}, 0.12,
    )  # fmt: skip
    result = _run(client, tmp_path / "reports")
    rollout = result.results["impact"]["rollout"]
    assert rollout["design"] == "synthetic_control"
    p = result.results["impact"]["synthetic_control"]["p_value"]
    assert p is not None and (p * 12) == pytest.approx(round(p * 12))  # rank / (11 donors + 1)
    index = (result.report_dir / "index.html").read_text(encoding="utf-8")
    if rollout["claim"] != "claimed":
        assert "not claimed" in index
        assert "Revenue (+" not in index  # revenue not among the strongest improvements


@pytest.mark.slow
def test_one_go_live_three_regions_says_cannot_say(tmp_path):
    client = _client(
        tmp_path / "one", ("North", "South", "West"), ("West",),
        {"column": "region", "go_live": {"North": "2025-01-01", "South": "2025-01-01"}}, 0.0,
    )  # fmt: skip
    result = _run(client, tmp_path / "reports")
    rollout = result.results["impact"]["rollout"]
    assert rollout["design"] == "difference_in_differences"
    assert rollout["claim"] == "too_few_units" and rollout["ci_low_pct"] is None
    placebo = result.results["kpis"]["revenue_monthly"]["placebo"]
    assert placebo["n"] == 0 and placebo["reason"] == "history_too_short"
    assert "Not claimed" in _impact_page(result)


def test_rollout_units_named_by_rep_id_follow_their_pseudonyms(small_client, tmp_path):
    from crmkit.pipeline.context import write_run_inputs

    _with_params(small_client, rollout={"column": "rep_id", "go_live": {"R101": "2025-01-01"}})
    report = validate_client(small_client)
    assert report.ok, report.summary()
    written = write_run_inputs(tmp_path, small_client, report)
    ((unit, _),) = written.assessment.rollout.go_live
    orders = written.tables["orders"]
    assert unit != "R101" and unit in set(orders["rep_id"])  # the pseudonym the tables hold
    analysis = rollout_analysis(written.tables, written.assessment)
    assert analysis.treated == (unit,)


def test_a_pilot_named_by_its_control_group_gets_the_synthetic_control(tmp_path):
    """One pilot branch of twelve, described only as a control group of the other eleven
    (no rollout block): the eleven are the pilot's donors, and the design is the synthetic
    control — never "no comparison"."""
    from crmkit.demo.shapes import SHAPES, write_client

    client = write_client(SHAPES["pilot_branch"], tmp_path / "pilot", seed=1)
    report = validate_client(client)
    assert report.ok and report.assessment.rollout is None
    pilot = pilot_of_control(report.tables, report.assessment)
    assert pilot.go_live == (("B01", report.assessment.go_live_date),)
    analysis = rollout_analysis(report.tables, report.assessment)
    assert (analysis.design, analysis.reason) == (Design.SYNTHETIC_CONTROL, DesignReason.PILOT)
    assert analysis.never_treated == tuple(f"B{i:02d}" for i in range(2, 13))
    p = analysis.synthetic["p_value"]
    assert p * 12 == pytest.approx(round(p * 12))  # rank among the pilot and 11 placebos
    assert analysis.claim is not Claim.CLAIMED  # p ≥ 1/12 > 0.05: never claimed
    result = rollout_results(analysis)
    assert "synthetic twin" in rollout_finding(result)


def test_a_control_group_of_several_units_on_each_side_is_not_a_pilot():
    a = parse_params(
        {**BASE, "control": {"column": "region", "values": ["West", "East", "Central"]}}
    )
    orders = pd.DataFrame({"region": ["North", "South", "West", "East", "Central", "Coast"]})
    assert pilot_of_control({"orders": orders}, a) is None  # 3 treated, 3 donors: a DiD
