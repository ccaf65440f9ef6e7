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

from crmkit.data import io

__all__ = [
    "failed_sections",
    "merge_results",
    "record_failure",
    "record_section",
    "stage_results_path",
]

RESERVED = {"client", "crmkit_version", "generated_at", "run_id", "params", "stages", "report"}


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
    winning on the same key. Always present: ``kpis`` (possibly empty). A stage file that
    cannot be read is left out and recorded under ``report.failed_sections``.
    """
    results: dict[str, Any] = dict(header)
    results.setdefault("kpis", {})
    for path in stage_files:
        try:
            sections = io.read_json(path)
            if not isinstance(sections, dict):
                raise ValueError("its content is not a mapping of sections")
        except (OSError, ValueError) as error:
            record_failure(
                results, f"results of stage {path.stem}", f"{type(error).__name__}: {error}"
            )
            continue
        for section, data in sections.items():
            results[section] = _deep_merge(results.get(section, {}), data)
    return io.jsonable(results)


def failed_sections(results: Mapping[str, Any]) -> list[dict[str, str]]:
    """The parts of a run's report that could not be computed (``report.failed_sections``)."""
    report = results.get("report")
    recorded = report.get("failed_sections") if isinstance(report, Mapping) else None
    return [dict(item) for item in recorded or [] if isinstance(item, Mapping)]


def record_failure(results: dict[str, Any], section: str, message: str) -> None:
    """Add one part that could not be computed to ``results["report"]["failed_sections"]``."""
    report = results.get("report")
    if not isinstance(report, dict):
        report = results["report"] = {}
    listed = report.get("failed_sections")
    if not isinstance(listed, list):
        listed = report["failed_sections"] = []
    listed.append({"section": section, "message": message})
