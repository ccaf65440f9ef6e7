"""Running an assessment: validate once, execute the stage notebooks, write the report folder.

One client::

    validate (meanwhile the workers' warm kernels start and import the scientific stack)
             ─► RUN tmp folder: params.json, validation.json, tables/*.parquet (the cache)
             ─► in a thread of this process: the results several stages share (KPI results,
                monthly revenue's time series and control comparison, the chain's links)
                into RUN/cache, computed once from the validated tables
             ─► execute each ready stage, ``jobs`` workers at a time, each worker taking the
                next stage from one queue and keeping ONE warm kernel for all of them
                (:class:`crmkit.pipeline.engine.WarmKernel`; ``warm_kernels=False``: papermill with a
                fresh kernel per stage); see :mod:`crmkit.pipeline.workers`
             ─► render each executed notebook's body to HTML in this process as soon as its
                stage has run (one exporter), while the workers go on
             ─► results.json, pages, index.html, run.log ─► rename tmp folder to
                reports/CLIENT/RUN_ID

Nothing is written before validation passes, and the report folder appears only when it is
complete: a crash removes the temporary folder. A failed stage is recorded with its error and
the other stages still run. Batch mode is a loop over :func:`run_assessment`.

Warm kernels cut the fixed cost of a stage (a kernel start and the scientific imports, about
4 s) to one per worker; between stages the kernel is reset to a fresh kernel's state (see
:mod:`crmkit.pipeline.engine`), and a kernel that dies fails only its stage: the worker starts a new
one for its next stage. Fresh kernels (``crmkit run --fresh-kernels``) are the safe choice
for debugging a stage that seems to depend on what ran before it.

Kernels are started with this very Python interpreter (:class:`CrmkitKernelManager`), never
through whatever ``python3`` kernelspec the machine happens to have.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmkit.data import io
from crmkit.data.exceptions import ParamsError
from crmkit.data.validation import validate_client
from crmkit.kpis import CATALOG
from crmkit.pipeline.context import compute_shared_results, write_run_inputs
from crmkit.pipeline.engine import WarmKernel, read_executed
from crmkit.pipeline.inputs import inputs_hash
from crmkit.pipeline.results import (
    failed_sections,
    merge_results,
    record_failure,
    stage_results_path,
)
from crmkit.pipeline.stages import discover_stages
from crmkit.pipeline.workers import (
    CrmkitKernelManager,
    KernelWorkers,
    StageOutcome,
    run_stages,
    warm_kernel,
    worker_count,
)
from crmkit.report import pdf as report_pdf
from crmkit.report import render
from crmkit.version import __version__
from crmkit.words.language import speaking
from crmkit.words.stage_messages import PAGE_NOT_RENDERED

__all__ = [
    "CrmkitKernelManager",
    "RunResult",
    "StageOutcome",
    "new_run_id",
    "run_assessment",
    "warm_kernel",
]


@dataclass(frozen=True)
class RunResult:
    """The outcome of :func:`run_assessment`: the report folder and what it holds."""

    report_dir: Path
    results: dict[str, Any]
    outcomes: list[StageOutcome]
    pdf: report_pdf.PdfOutcome | None = None

    @property
    def ok(self) -> bool:
        """True when every stage ran or was skipped, every page was rendered and every part
        of the summary was computed (the exit code of ``crmkit run`` is 0 then, else 1)."""
        stages = self.results.get("stages")
        pages_ok = not isinstance(stages, Mapping) or all(
            not isinstance(entry, Mapping) or entry.get("status") != "failed"
            for entry in stages.values()
        )
        return (
            pages_ok
            and all(o.status != "failed" for o in self.outcomes)
            and not failed_sections(self.results)
        )

    @property
    def failures(self) -> list[str]:
        """One line per failed stage, page or report section, as the command line prints them."""
        lines = []
        stages = self.results.get("stages")
        for name, entry in (stages if isinstance(stages, Mapping) else {}).items():
            if isinstance(entry, Mapping) and entry.get("status") == "failed":
                lines.append(f"{name}: failed: {entry.get('message')}")
        for item in failed_sections(self.results):
            lines.append(f"{item.get('section')}: could not be computed: {item.get('message')}")
        return lines

    @property
    def index_html(self) -> Path:
        """The report's entry page."""
        return self.report_dir / "index.html"


def new_run_id(parent: Path, now: dt.datetime | None = None) -> str:
    """A run id from the time, unique in ``parent`` (``20251231-235959``, then ``-2`` …)."""
    base = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    run_id, n = base, 1
    while (parent / run_id).exists() or (parent / f".{run_id}.partial").exists():
        n += 1
        run_id = f"{base}-{n}"
    return run_id


def run_assessment(
    client_dir: str | Path,
    *,
    output_root: str | Path = "reports",
    overrides: Mapping[str, Any] | None = None,
    jobs: int | None = None,
    progress: bool = True,
    notebooks: Path | None = None,
    warm_kernels: bool = True,
    history: str | Path | None = None,
    kernel: WarmKernel | None = None,
    pdf: bool = False,
    workers: KernelWorkers | None = None,
) -> RunResult:
    """Run one client's whole assessment and write its report folder.

    Parameters
    ----------
    client_dir : path
        The client folder (params.yaml and data).
    output_root : path
        Reports go to ``output_root/<client folder name>/<run id>/``.
    overrides : mapping, optional
        Parameter overrides (dotted keys), as for :func:`crmkit.data.config.load_params`.
    jobs : int, optional
        Stages executed at once; default: the number of cores (at most 4).
    progress : bool
        Show a progress bar on standard error.
    notebooks : Path, optional
        The folder of stage notebooks (default: crmkit's own).
    warm_kernels : bool
        True (the default): each of the ``jobs`` workers starts one kernel and executes all
        its stages on it, resetting the kernel's state between them (namespace, figures,
        matplotlib and pandas options, warning filters, working directory; see
        :mod:`crmkit.pipeline.engine`). False: papermill starts a fresh kernel for every stage,
        slower by a kernel start and the imports per stage, but nothing can carry over
        from one stage to the next; use it to debug a stage
        (``crmkit run --fresh-kernels``).
    history : path, optional
        A folder holding earlier run folders (or results.json files) of this client, searched
        besides ``output_root/<client folder name>`` for the monitoring stage's comparison
        across runs (``crmkit run --history DIR``). Files of other clients, unreadable files
        and unfinished (``.partial``) runs are skipped, and the stage says which and why.
    kernel : WarmKernel, optional
        An existing warm kernel to execute every stage on, one after another in the calling
        thread, instead of starting kernels (``jobs`` and ``warm_kernels`` are then
        ignored). The run does not shut it down: its owner reuses it for the next run (a
        batch worker keeps one for all its clients) and a kernel that died is restarted at
        the next notebook.
    workers : KernelWorkers, optional
        Workers whose kernels the caller started already (the command line starts them
        before it imports the scientific stack); the run then uses them instead of starting
        its own, and owns them: they are ended when the run fails before its stages.
    pdf : bool
        Also print every page to a PDF beside it once the report folder is in place
        (:func:`crmkit.report.pdf.print_report`, each PDF written atomically); the outcome,
        including "no chromium found", is :attr:`RunResult.pdf`. The HTML report and the
        exit status do not depend on it.

    Returns
    -------
    RunResult

    Raises
    ------
    ValidationFailed
        When the client folder has errors; nothing is written then.
    ParamsError
        When ``history`` is not a folder; nothing is written then.
    """
    run_started = time.perf_counter()
    client_dir = Path(client_dir).resolve()
    if history is not None and not Path(history).is_dir():
        if workers is not None:
            workers.close()
        raise ParamsError(
            f"--history {history}: no such folder (expected a folder of earlier runs)"
        )
    known_kpis = [kpi.name for kpi in CATALOG]
    # The kernels start (and import the scientific stack) while the client is validated.
    early = workers
    if early is None and warm_kernels and kernel is None:
        early = KernelWorkers(worker_count(jobs))
    try:
        report = validate_client(
            client_dir, overrides=overrides, known_kpis=known_kpis
        ).raise_if_failed()
    except BaseException:
        if early is not None:
            early.close()
        raise
    assessment = report.assessment
    with speaking(assessment.language):  # every page and sentence in the report's language
        parent = Path(output_root).resolve() / client_dir.name
        parent.mkdir(parents=True, exist_ok=True)
        run_id = new_run_id(parent)
        tmp = parent / f".{run_id}.partial"
        tmp.mkdir()
        logger, handler = _run_logger(tmp / "run.log")
        try:
            logger.info(
                "crmkit %s: assessment of %s (%s), run %s",
                __version__,
                assessment.client,
                client_dir,
                run_id,
            )
            history_dirs = [parent, *([Path(history).resolve()] if history is not None else [])]
            # From here on, the tables, parameters and problems as a report may show them (privacy).
            report = write_run_inputs(
                tmp, client_dir, report, history_dirs=history_dirs, run_id=run_id
            )
            assessment = report.assessment
            logger.info("validation: %s", report.summary().replace("\n", "\n    "))
            shared = compute_shared_results(tmp, report.tables, assessment)
            stages = discover_stages(notebooks)
            exporter = render.report_exporter()
            bodies: dict[str, render.PageBody | Exception] = {}

            def render_now(outcome: StageOutcome) -> None:  # on this thread, as workers go on
                bodies[outcome.stage.name] = _render_body(tmp, outcome, exporter)

            outcomes = run_stages(
                stages,
                set(report.tables),
                tmp,
                client_dir,
                jobs,
                progress,
                logger,
                warm_kernels or kernel is not None,
                kernel,
                on_done=render_now,
                early=early,
            )
            shared.join()
            results = _write_report(
                tmp,
                assessment,
                run_id,
                outcomes,
                report,
                run_started,
                logger,
                warm_kernels or kernel is not None,
                inputs_hash(client_dir, assessment.data_dir),
                exporter=exporter,
                bodies=bodies,
            )
            logger.removeHandler(handler)
            handler.close()
            for scratch in (
                "tables",
                "results",
                "cache",
            ):  # the cache holds client data: not part of the report
                shutil.rmtree(tmp / scratch, ignore_errors=True)
            final = parent / run_id
            tmp.rename(final)
        except BaseException:
            if early is not None:
                early.close()  # when the stages never got to run on them
            logger.removeHandler(handler)
            handler.close()
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        printed = report_pdf.print_report(final) if pdf else None
        return RunResult(final, results, outcomes, printed)


def _run_logger(path: Path) -> tuple[logging.Logger, logging.Handler]:
    logger = logging.getLogger(f"crmkit.run.{path.parent.name}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    return logger, handler


def _write_report(
    run_dir: Path,
    assessment,
    run_id: str,
    outcomes: list[StageOutcome],
    report,
    run_started: float,
    logger: logging.Logger,
    warm_kernels: bool = True,
    inputs: str | None = None,
    *,
    exporter: Any = None,
    bodies: Mapping[str, render.PageBody | Exception] | None = None,
) -> dict[str, Any]:
    """Render every stage page, then results.json and index.html; never lose the run.

    Each page is rendered on its own: one that raises is recorded as failed (its entry in
    ``stages`` gets status ``failed`` and the message "the page could not be rendered: …";
    a page with its header and that message replaces it when that can be rendered). The
    summary and headline figures are computed section by section
    (:func:`crmkit.report.render.index_content`); failures go to ``report.failed_sections``. An
    index that cannot be rendered is replaced by a plain one (:func:`crmkit.report.render.fallback_index`).
    ``bodies`` holds the page bodies already rendered while the stages ran (or the error
    that rendering raised), by stage name; the others are rendered here.
    """
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0)
    run_label = render.format_run_label(generated.isoformat())
    exporter = exporter if exporter is not None else render.report_exporter()
    stages_section: dict[str, Any] = {}
    for o in outcomes:
        stages_section[o.stage.name] = _write_stage_page(
            run_dir,
            o,
            assessment.client,
            run_label,
            exporter,
            logger,
            (bodies or {}).get(o.stage.name),
            run_id=run_id,
        )
    wall = time.perf_counter() - run_started
    header = {
        "client": assessment.client,
        "crmkit_version": __version__,
        "generated_at": generated.isoformat(),
        "run_id": run_id,
        "params": assessment.to_dict(),
        "stages": stages_section,
        "validation": {"errors": len(report.errors), "warnings": len(report.warnings)},
        "run": {
            "wall_seconds": round(wall, 2),
            "stage_seconds": round(sum(o.seconds for o in outcomes), 2),
            "compute_seconds": round(sum(o.compute_seconds for o in outcomes), 2),
            "warm_kernels": warm_kernels,
            "kernels_started": sum(o.kernel_started for o in outcomes),
            "inputs_hash": inputs,
        },
        "report": {"failed_sections": []},
    }
    stage_files = [stage_results_path(run_dir, o.stage.name) for o in outcomes]
    results = merge_results(header, [p for p in stage_files if p.exists()])
    content = render.index_content(results)
    results["report"] = {"failed_sections": content.failed_sections}
    try:
        index = render.render_index(results, content=content)
    except Exception as error:  # the index must not cost the run: a plain page instead
        record_failure(results, "index page", render.error_text(error))
        index = render.fallback_index(results, failed_sections(results))
    for failure in failed_sections(results):
        logger.error("report section %s failed: %s", failure["section"], failure["message"])
    io.write_json(results, run_dir / "results.json")
    (run_dir / "index.html").write_text(index, encoding="utf-8")
    logger.info(
        "report written in %.1f s (stages %.1f s, of which cells %.1f s)",
        wall,
        header["run"]["stage_seconds"],
        header["run"]["compute_seconds"],
    )
    return results


def _write_stage_page(
    run_dir: Path,
    outcome: StageOutcome,
    client: str,
    run_label: str,
    exporter: Any,
    logger: logging.Logger,
    body: render.PageBody | Exception | None = None,
    *,
    run_id: str = "",
) -> dict[str, Any]:
    """Render one stage's page into ``run_dir``; its ``stages`` entry for results.json.

    ``body``: the page's body rendered earlier (:func:`_render_body`), or the error that
    raised; None renders it here.
    """
    stage = outcome.stage
    entry: dict[str, Any] = {
        "number": stage.number,
        "title": stage.title,
        "status": outcome.status,
        "message": outcome.message,
        "html": None,
        "notebook": None,
        "seconds": round(outcome.seconds, 2),
        "compute_seconds": round(outcome.compute_seconds, 2),
    }
    executed = run_dir / "notebooks" / stage.notebook.name
    if executed.exists():
        entry["notebook"] = f"notebooks/{executed.name}"
    page = f"{stage.file_stem}.html"
    try:
        if isinstance(body, Exception):
            raise body
        if body is None:
            body = _render_body(run_dir, outcome, exporter, catch=False)
        html = render.render_stage(
            None,
            title=stage.title,
            client=client,
            run_label=run_label,
            status=outcome.status,
            message=outcome.message,
            body=body,
            run_id=run_id,
        )
    except Exception as error:  # one page must not cost the others
        problem = PAGE_NOT_RENDERED + render.error_text(error)
        logger.error("stage %s: %s", stage.file_stem, problem)
        entry["status"] = "failed"
        entry["message"] = f"{outcome.message}; {problem}" if outcome.message else problem
        try:  # the header and the message alone, so that the index's link still opens
            html = render.render_stage(
                None,
                title=stage.title,
                client=client,
                run_label=run_label,
                status="failed",
                message=entry["message"],
                exporter=exporter,
                run_id=run_id,
            )
        except Exception:
            return entry
    (run_dir / page).write_text(html, encoding="utf-8")
    entry["html"] = page
    return entry


def _render_body(
    run_dir: Path, outcome: StageOutcome, exporter: Any, *, catch: bool = True
) -> render.PageBody | Exception:
    """The body of a stage's page from its executed notebook (empty when there is none).

    With ``catch``, an error is returned rather than raised: the page is written, and the
    error recorded, when the report is (see :func:`_write_stage_page`).
    """
    executed = run_dir / "notebooks" / outcome.stage.notebook.name
    try:
        nb = read_executed(executed) if executed.exists() else None
        return render.render_body(nb, title=outcome.stage.title, exporter=exporter)
    except Exception as error:
        if not catch:
            raise
        return error
