"""environment.yml (conda users) and pyproject.toml (pip users) list the same dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _normalised(requirement: str) -> tuple[str, str]:
    """('numpy-financial', '>=1.0') from 'numpy_financial >= 1.0'."""
    name, spec = _REQUIREMENT.match(requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), spec.replace(" ", "")


def test_environment_yml_lists_exactly_the_dependencies_of_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_normalised(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        wanted |= {_normalised(r) for r in extra}
    wanted.add(("python", ">=" + project["requires-python"].removeprefix(">=")))

    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    listed: set[tuple[str, str]] = set()
    for entry in env["dependencies"]:
        if isinstance(entry, dict):  # the pip: section
            listed |= {_normalised(r) for r in entry["pip"] if not r.startswith("-e")}
        elif entry != "pip":
            listed.add(_normalised(entry))
    assert listed - wanted == set(), "in environment.yml but not in pyproject.toml"
    assert wanted - listed == set(), "in pyproject.toml but not in environment.yml"


def test_environment_installs_crmkit_itself_in_editable_mode():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(e["pip"] for e in env["dependencies"] if isinstance(e, dict))
    assert "-e ." in pip
