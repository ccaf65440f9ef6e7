"""The before/after comparison of two runs finds every changed number and word, and only those."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "compare_results.py"


@pytest.fixture(scope="module")
def compare():
    spec = importlib.util.spec_from_file_location("compare_results", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(folder: Path, run_id: str, results: dict, page: str) -> Path:
    run = folder / run_id
    run.mkdir(parents=True)
    document = {"run_id": run_id, "generated_at": run_id, "run": {"kernels": 1}, **results}
    (run / "results.json").write_text(json.dumps(document), encoding="utf-8")
    (run / "03_sales.html").write_text(page.replace("RUN_ID", run_id), encoding="utf-8")
    return run


PAGE = (
    "<html><style>p {color: red}</style><h1>Sales</h1><p>Win rate rose by 4.0 %</p>"
    '<img src="data:image/png;base64,AAAA"><a href="../RUN_ID/index.html">Run RUN_ID</a></html>'
)


def test_two_runs_of_the_same_inputs_agree(compare, tmp_path, capsys):
    results = {"kpis": {"win_rate": {"change": 0.04, "stage_seconds": 1.0}}}
    before = _run(tmp_path / "a", "20260101-000000", results, PAGE)
    other = {"kpis": {"win_rate": {"change": 0.04, "stage_seconds": 9.5}}}
    after = _run(tmp_path / "b", "20260102-120000", other, PAGE.replace("AAAA", "BBBB"))
    assert compare.main([str(before), str(after), "--pages"]) == 0
    assert "0 difference(s)" in capsys.readouterr().out


def test_a_changed_last_digit_and_a_changed_word_are_both_found(compare, tmp_path, capsys):
    results = {"kpis": {"win_rate": {"change": 0.04}}}
    before = _run(tmp_path / "a", "20260101-000000", results, PAGE)
    # 0.04 written with a different last digit, and one word of the page changed
    changed = {"kpis": {"win_rate": {"change": 0.04000000000000001}}}
    after = _run(tmp_path / "b", "20260102-120000", changed, PAGE.replace("rose", "grew"))
    assert compare.main([str(before), str(after), "--pages"]) == 1
    out = capsys.readouterr().out
    assert "kpis.win_rate.change: 0.04 != 0.04000000000000001" in out
    assert "03_sales.html: -Win rate rose by 4.0 % | +Win rate grew by 4.0 %" in out
    assert "2 difference(s)" in out
    # without --pages only the number counts
    assert compare.main([str(before), str(after)]) == 1
    assert "1 difference(s)" in capsys.readouterr().out
