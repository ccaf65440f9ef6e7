"""Finding a batch's clients, and the earlier runs a re-run may keep.

Every subfolder of the clients folder that holds a ``params.yaml`` is one client, named by
its folder (its reports go to ``OUTPUT/<folder name>/<run id>/``, as ``crmkit run`` writes
them). Hidden folders (``.name``) are left out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crmkit.data.exceptions import CrmkitError
from crmkit.pipeline.results import failed_sections

__all__ = ["discover_clients", "latest_successful_run", "run_succeeded"]


def discover_clients(clients_dir: str | Path) -> list[Path]:
    """The client folders of ``clients_dir``, sorted by name.

    Parameters
    ----------
    clients_dir : path
        A folder whose subfolders are client folders.

    Returns
    -------
    list of Path
        Each subfolder (absolute) that holds a ``params.yaml`` file.

    Raises
    ------
    CrmkitError
        When ``clients_dir`` is not a folder, or holds no client folder.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> for name in ("beta", "alpha", "notes", ".hidden"):
    ...     (root / name).mkdir()
    >>> for name in ("beta", "alpha", ".hidden"):
    ...     _ = (root / name / "params.yaml").write_text("client: X\\n")
    >>> [p.name for p in discover_clients(root)]
    ['alpha', 'beta']
    """
    root = Path(clients_dir)
    if not root.is_dir():
        raise CrmkitError(f"{root}: no such folder (expected a folder of client folders)")
    clients = sorted(
        (
            p.resolve()
            for p in root.iterdir()
            if p.is_dir() and not p.name.startswith(".") and (p / "params.yaml").is_file()
        ),
        key=lambda p: p.name,
    )
    if not clients:
        raise CrmkitError(
            f"{root}: no client folder found (expected subfolders that hold a params.yaml; "
            "crmkit init NAME --root FOLDER makes one)"
        )
    return clients


def run_succeeded(results: Mapping[str, Any]) -> bool:
    """Whether a run's results.json says it succeeded: no failed stage, page or section.

    Examples
    --------
    >>> run_succeeded({"stages": {"a": {"status": "ok"}, "b": {"status": "skipped"}}})
    True
    >>> run_succeeded({"stages": {"a": {"status": "failed", "message": "x"}}})
    False
    """
    stages = results.get("stages")
    stages = stages if isinstance(stages, Mapping) else {}
    return all(
        not isinstance(entry, Mapping) or entry.get("status") != "failed"
        for entry in stages.values()
    ) and not failed_sections(results)


def latest_successful_run(
    output_root: str | Path, client: str
) -> tuple[Path, Mapping[str, Any]] | None:
    """The newest successful run of ``client`` in ``output_root``, with its results.

    Run folders are ``output_root/<client>/<run id>/`` whose names sort in time order (see
    :func:`crmkit.pipeline.runner.new_run_id`); unfinished (``.…partial``) folders and
    folders without a readable ``results.json`` are passed over.

    Returns
    -------
    (Path, mapping) or None
        The report folder and its results; None when the client has no successful run.
    """
    parent = Path(output_root) / client
    if not parent.is_dir():
        return None
    runs = sorted(
        (p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=_run_order,
        reverse=True,
    )
    for run in runs:
        try:
            results = json.loads((run / "results.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(results, Mapping) and run_succeeded(results):
            return run.resolve(), results
    return None


def _run_order(run: Path) -> tuple[str, int]:
    """``20251231-235959-2`` after ``20251231-235959``, and ``-10`` after ``-9``."""
    parts = run.name.split("-")
    if len(parts) == 3 and parts[2].isdigit():
        return "-".join(parts[:2]), int(parts[2])
    return run.name, 1
