"""Recording results from stage notebooks and merging them into results.json.

A stage records sections (``data_quality``, ``kpis``, ``financial`` …) with
:func:`record_section`; each stage writes its own file ``RUN_DIR/results/<stage>.json`` so
stages running in parallel never write the same file. :func:`merge_results` builds the run's
``results.json`` (DESIGN §3) from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from crmkit import io

__all__ = ["record_section", "merge_results", "stage_results_path"]

RESERVED = {"client", "crmkit_version", "generated_at", "run_id", "params", "stages"}


def stage_results_path(run_dir: Path, stage: str) -> Path:
    """Where ``stage`` records its results in a run folder."""
    return run_dir / "results" / f"{stage}.json"


def record_section(run_dir: Path, stage: str, section: str, data: Mapping[str, Any]) -> None:
    """Add ``data`` under ``section`` in the stage's results file (merging with earlier calls).

    Raises
    ------
    ValueError
        When ``section`` is one of the keys the runner owns (client, params, stages …).
    """
    if section in RESERVED:
        raise ValueError(f"results section {section!r} is written by the runner, not by stages")
    path = stage_results_path(run_dir, stage)
    current = io.read_json(path) if path.exists() else {}
    current[section] = _deep_merge(current.get(section, {}), io.jsonable(data))
    io.write_json(current, path)


def _deep_merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _deep_merge(base.get(key), value) if key in base else value
        return merged
    return extra


def merge_results(header: Mapping[str, Any], stage_files: list[Path]) -> dict[str, Any]:
    """results.json: the runner's ``header`` (client, params, stages …) and every stage's sections.

    Sections recorded by several stages (e.g. ``kpis``) are merged key by key, later stages
    winning on the same key. Always present: ``kpis`` (possibly empty).
    """
    results: dict[str, Any] = dict(header)
    results.setdefault("kpis", {})
    for path in stage_files:
        for section, data in io.read_json(path).items():
            results[section] = _deep_merge(results.get(section, {}), data)
    return io.jsonable(results)
