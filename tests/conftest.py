"""Shared fixtures. Keep this small: each fixture serves tests in several files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@pytest.fixture
def template_client(tmp_path: Path) -> Path:
    """A copy of ``templates/`` (a valid tiny client folder) that a test may break."""
    folder = tmp_path / "acme"
    shutil.copytree(TEMPLATES, folder)
    return folder
