"""The code passes the project's linter and formatter (ruff, configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["crmkit", "tests", "benchmarks", "kit.py"]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *CHECKED], cwd=ROOT, capture_output=True, text=True
    )


def test_ruff_finds_no_problem():
    result = _ruff("check", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_formatted():
    result = _ruff("format", "--check", "--quiet")
    assert result.returncode == 0, result.stdout + result.stderr
