"""Stage 1 functions (plan.py), stage discovery (stages.py) and results merging (results.py)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_notebook

from crmkit.data.config import parse_params
from crmkit.domains import plan
from crmkit.pipeline.results import merge_results, record_section, stage_results_path
from crmkit.pipeline.stages import Stage, discover_stages, missing_tables, notebooks_dir
from crmkit.words import plan as plan_words


@pytest.fixture()
def assessment():
    return parse_params(
        {
            "client": "Acme Ltd",
            "go_live_date": "2025-01-01",
            "objectives": [
                {
                    "name": "Win more deals",
                    "kpi": "win_rate",
                    "target": 0.25,
                    "deadline": "2025-12-31",
                    "owner": "Sales",
                },
                {"name": "Happier customers", "kpi": "nps"},
            ],
            "team": [{"name": "Ann", "role": "Lead"}],
        }
    )


def test_objectives_name_what_is_missing(assessment):
    table = plan.objectives_table(assessment)
    assert list(table["missing"]) == ["", "target, deadline, owner"]
    text = plan_words.objectives_findings(table)
    assert text.startswith("2 objectives are stated; 1 is fully SMART.")
    assert "Happier customers: no target, deadline, owner" in text


def test_no_objectives_says_so(assessment):
    text = plan_words.objectives_findings(
        plan.objectives_table(parse_params({"client": "A", "go_live_date": "2025-01-01"}))
    )
    assert "No objectives" in text


def test_inventory_counts_rows_per_window(assessment):
    orders = pd.DataFrame(
        {
            "order_id": ["1", "2", "3", "4", "5"],
            # before window is 2024-01-01..2024-12-31, after 2025-01-01..2025-12-31:
            # 2023-12-31 is in neither, 2024-12-31 is the last day before, 2025-12-31 the last day after
            "order_date": pd.to_datetime(
                ["2023-12-31", "2024-06-01", "2024-12-31", "2025-01-01", "2025-12-31"]
            ),
        }
    )
    stages = [Stage("03", "sales", "Sales", Path("x"), needs_any=("orders", "opportunities"))]
    inventory = plan.data_inventory(
        {"orders": orders}, {"orders": "data/orders.csv"}, assessment, stages
    )
    row = inventory.set_index("table").loc["orders"]
    assert (row["rows"], row["rows_before"], row["rows_after"]) == (5, 2, 2)
    assert row["first_date"] == pd.Timestamp("2023-12-31") and row["stages"] == "Sales"
    tickets = inventory.set_index("table").loc["tickets"]
    assert not tickets["present"] and tickets["rows"] == 0
    assert len(inventory) == 12  # every canonical table is listed
    record = plan.inventory_record(inventory)
    json.dumps(record, allow_nan=False)
    assert record["orders"]["last_date"] == "2025-12-31" and record["tickets"]["first_date"] is None
    assert plan_words.inventory_findings(inventory).startswith(
        "The client supplied 1 of 12 tables (5 rows)."
    )


def test_coverage_title_names_one_sided_tables(assessment):
    usage = pd.DataFrame({"user_id": ["u"], "date": pd.to_datetime(["2025-03-01"])})
    orders = pd.DataFrame(
        {"order_id": ["1", "2"], "order_date": pd.to_datetime(["2024-03-01", "2025-03-01"])}
    )
    inventory = plan.data_inventory({"usage": usage, "orders": orders}, {}, assessment)
    assert (
        plan_words.coverage_title(inventory)
        == "1 of 2 dated tables cover both windows; usage lacks the before window"
    )


def test_readiness_and_missing_tables():
    stages = [
        Stage("01", "plan", "Plan", Path("x")),
        Stage("03", "service", "Service", Path("x"), needs=("tickets",)),
    ]
    readiness = plan.stage_readiness(stages, ["orders"], missing=missing_tables)
    assert list(readiness["ready"]) == [True, False]
    assert readiness.loc[1, "reason"] == "needs tickets"
    assert (
        plan_words.readiness_findings(readiness)
        == "1 of 2 stages have the data they need. Skipped: 03 Service (needs tickets)."
    )
    both = Stage("04", "x", "X", Path("x"), needs=("a", "b"), needs_any=("c", "d"))
    assert missing_tables(both, {"a"}) == "needs b; needs c or d"


def test_discover_stages_reads_order_and_metadata(tmp_path):
    for name, meta in [
        ("02_second", {"title": "Second", "needs": ["orders"]}),
        ("01_first", {}),
        ("notes", {}),
    ]:
        nbformat.write(new_notebook(metadata={"crmkit": meta}), tmp_path / f"{name}.ipynb")
    stages = discover_stages(tmp_path)
    assert [(s.number, s.name, s.title, s.needs) for s in stages] == [
        ("01", "first", "First", ()),
        ("02", "second", "Second", ("orders",)),
    ]


def test_shipped_notebooks_are_stages_without_outputs():
    stages = discover_stages(notebooks_dir())
    assert [s.name for s in stages][:2] == ["plan_and_scope", "data_quality"]
    for stage in stages:
        nb = nbformat.read(stage.notebook, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), stage.notebook.name
        params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1 and 'client_dir: str = "../data/demo"' in params[0].source
        assert nb.metadata["kernelspec"]["name"] == "python3"


def test_record_and_merge_results(tmp_path):
    record_section(tmp_path, "sales", "kpis", {"win_rate": {"before": 0.2, "after": float("nan")}})
    record_section(tmp_path, "service", "kpis", {"first_response_hours": {"before": 5.0}})
    record_section(tmp_path, "sales", "kpis", {"win_rate": {"p_value": 0.01}})
    files = [stage_results_path(tmp_path, s) for s in ("sales", "service")]
    merged = merge_results({"client": "A", "stages": {}}, files)
    assert merged["kpis"] == {
        "win_rate": {"before": 0.2, "after": None, "p_value": 0.01},
        "first_response_hours": {"before": 5.0},
    }
    with pytest.raises(ValueError, match="written by the runner"):
        record_section(tmp_path, "sales", "stages", {})
