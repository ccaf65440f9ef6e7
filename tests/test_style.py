"""The code passes the project's linter and formatter (ruff, configured in pyproject.toml).

The stage notebooks are held to the same rules: ruff reads the code cells of ``.ipynb`` files,
so ``ruff check`` and ``ruff format --check`` look at them with the package's settings, and
their lines keep to the line length without exception. Each notebook's ``parameters`` cell
declares typed, commented values, so that ``papermill --help-notebook`` documents them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHECKED = ["crmkit", "tests", "benchmarks", "kit.py", "notebooks"]


def _ruff(*args: str, paths: list[str] = CHECKED) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *paths], cwd=ROOT, capture_output=True, text=True
    )


def test_ruff_finds_no_problem():
    result = _ruff("check", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted():
    result = _ruff("format", "--check", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr


# --- the notebooks -----------------------------------------------------------------------------


def test_ruff_reads_every_notebook():
    """The two checks above cover the notebooks only if ruff does not skip ``.ipynb`` files."""
    assert NOTEBOOKS, "no notebook found"
    result = _ruff("check", "--show-files", paths=["notebooks"])
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {Path(line.strip()).name for line in result.stdout.splitlines() if line.strip()}
    assert {path.name for path in NOTEBOOKS} <= listed, result.stdout


def test_no_notebook_line_is_longer_than_the_line_length():
    """Unlike the package (long messages allowed), a notebook cell wraps every line at 100."""
    result = _ruff("check", "--quiet", "--extend-select", "E501", paths=["notebooks"])
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_notebook_is_stored_as_nbformat_writes_it_without_outputs(path):
    """Formatting leaves no outputs, execution counts or serialisation churn behind."""
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    assert nb.nbformat == 4
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
    assert text == nbformat.writes(nb) + "\n"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_papermill_infers_a_type_and_a_help_text_for_every_parameter(path):
    parameters = papermill.inspect_notebook(str(path))
    assert set(parameters) == {"client_dir", "run_dir"}
    for name, parameter in parameters.items():
        # papermill reports a parameter without annotation as "None" ("Unknown type" in --help)
        declared = parameter["inferred_type_name"]
        assert declared != "None", f"{name} has no type annotation"
        default = ast.literal_eval(parameter["default"])
        assert type(default).__name__ == declared, f"{name}: {declared} = {default!r}"
        assert parameter["help"].strip(), f"{name} has no comment to serve as help"
    assert "crmkit run" in parameters["run_dir"]["help"]
