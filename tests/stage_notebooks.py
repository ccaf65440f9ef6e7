"""A minimal stage notebook for the runner's tests: a title, a parameters cell and one cell."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def write_stage_notebook(
    path: Path, title: str, source: str, needs: list[str] | None = None
) -> None:
    """Write a stage notebook that runs ``source`` on the crmkit kernel."""
    params = new_code_cell('client_dir = ""\nrun_dir = ""')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(
        cells=[new_markdown_cell(f"# {title}"), params, new_code_cell(source)],
        metadata={
            "kernelspec": {
                "name": "crmkit",
                "display_name": "Python (crmkit)",
                "language": "python",
            },
            "crmkit": {"title": title, "needs": needs or []},
        },
    )
    nbformat.write(nb, path)
