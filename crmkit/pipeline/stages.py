"""The assessment's stages: one notebook each, discovered from the notebooks folder.

A stage is the notebook ``notebooks/NN_name.ipynb``; its metadata says what it is::

    "crmkit": {"title": "Data quality", "needs": ["orders"], "needs_any": ["orders", "opportunities"]}

``needs`` lists tables that must all be present, ``needs_any`` tables of which at least one
must be. A stage whose tables are absent is skipped, never failed. Adding a stage is adding a
notebook: the runner, the index page and results.json pick it up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "PROJECT_ROOT",
    "Stage",
    "discover_stages",
    "missing_tables",
    "notebooks_dir",
    "templates_dir",
]

_STAGE_FILE = re.compile(r"^(\d{2})_([a-z0-9_]+)\.ipynb$")
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def notebooks_dir() -> Path:
    """The folder of stage notebooks shipped with crmkit (``notebooks/`` in the project)."""
    return PROJECT_ROOT / "notebooks"


def templates_dir() -> Path:
    """The folder of client-folder templates (``templates/`` in the project)."""
    return PROJECT_ROOT / "templates"


@dataclass(frozen=True)
class Stage:
    """One assessment stage.

    Attributes
    ----------
    number : str
        Two digits giving the order, e.g. ``"02"``.
    name : str
        snake_case name, e.g. ``"data_quality"``; the key in results.json ``stages``.
    title : str
        Shown in the report.
    notebook : Path
        The stage's notebook.
    needs : tuple of str
        Tables that must all be present.
    needs_any : tuple of str
        Tables of which at least one must be present (empty: no such condition).
    """

    number: str
    name: str
    title: str
    notebook: Path
    needs: tuple[str, ...] = ()
    needs_any: tuple[str, ...] = ()

    @property
    def file_stem(self) -> str:
        """``NN_name``, the stem of the stage's notebook and HTML page."""
        return f"{self.number}_{self.name}"


def discover_stages(folder: Path | None = None) -> list[Stage]:
    """The stages in ``folder`` (default: crmkit's notebooks), in their numbered order."""
    folder = folder or notebooks_dir()
    stages = []
    for path in sorted(folder.glob("*.ipynb")):
        match = _STAGE_FILE.match(path.name)
        if not match:
            continue
        # The notebook's JSON read directly: nbformat (and its schema validator) stays out
        # of the kernels, which import this module through the run context.
        notebook = json.loads(path.read_text(encoding="utf-8"))
        meta = notebook.get("metadata", {}).get("crmkit", {})
        number, name = match.groups()
        stages.append(
            Stage(
                number=number,
                name=name,
                title=meta.get("title", name.replace("_", " ").capitalize()),
                notebook=path,
                needs=tuple(meta.get("needs", ())),
                needs_any=tuple(meta.get("needs_any", ())),
            )
        )
    return stages


def missing_tables(stage: Stage, present: Collection[str]) -> str | None:
    """Why ``stage`` cannot run with the ``present`` tables, or None when it can.

    Examples
    --------
    >>> s = Stage("03", "sales", "Sales", Path("03_sales.ipynb"), needs_any=("orders", "opportunities"))
    >>> missing_tables(s, {"customers"})
    'needs orders or opportunities'
    >>> missing_tables(s, {"orders"}) is None
    True
    """
    absent = [t for t in stage.needs if t not in present]
    reasons = []
    if absent:
        reasons.append("needs " + " and ".join(absent))
    if stage.needs_any and not any(t in present for t in stage.needs_any):
        reasons.append("needs " + " or ".join(stage.needs_any))
    return "; ".join(reasons) or None
