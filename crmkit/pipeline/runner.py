"""Running an assessment: validate once, execute the stage notebooks, write the report folder.

One client::

    validate ─► RUN tmp folder: params.json, validation.json, tables/*.parquet (the cache)
             ─► execute each ready stage, ``jobs`` workers at a time, each worker taking the
                next stage from one queue and keeping ONE warm kernel for all of them
                (:class:`crmkit.pipeline.engine.WarmKernel`; ``warm_kernels=False``: papermill with a
                fresh kernel per stage)
             ─► render each executed notebook to HTML in this process (one exporter)
             ─► results.json, index.html, run.log ─► rename tmp folder to reports/CLIENT/RUN_ID

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
import os
import queue
import shutil
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

from crmkit.data import io
from crmkit.data.exceptions import ParamsError
from crmkit.data.validation import validate_client
from crmkit.kpis import CATALOG
from crmkit.pipeline.context import compute_shared_results, write_run_inputs
from crmkit.pipeline.engine import CELL_TIMEOUT_SECONDS, WarmKernel
from crmkit.pipeline.inputs import inputs_hash
from crmkit.pipeline.results import (
    failed_sections,
    merge_results,
    record_failure,
    stage_results_path,
)
from crmkit.pipeline.stages import Stage, discover_stages, missing_tables
from crmkit.report import render
from crmkit.version import __version__

__all__ = [
    "CrmkitKernelManager",
    "RunResult",
    "StageOutcome",
    "new_run_id",
    "run_assessment",
    "warm_kernel",
]

KERNEL_DISPLAY_NAME = "Python (crmkit)"
# The kernel talks to this process over loopback only; its start-up warning about unencrypted
# TCP would only clutter the consultant's terminal. Errors are still shown.
_KERNEL_QUIET = ("--IPKernelApp.log_level=ERROR",)
# What a warm kernel imports once when it starts: the modules stage notebooks import, and
# through them the scientific stack (pandas, matplotlib, scipy, statsmodels).
_KERNEL_PRELOAD = ("crmkit.pipeline.context", "crmkit.measure", "crmkit.report.plots")


class CrmkitKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel always runs this interpreter, which has crmkit."""

    @property
    def kernel_spec(self) -> KernelSpec:
        if self._kernel_spec is None:
            self._kernel_spec = KernelSpec(
                argv=[
                    sys.executable,
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                    *_KERNEL_QUIET,
                ],
                display_name=KERNEL_DISPLAY_NAME,
                language="python",
            )
        return self._kernel_spec


@dataclass(frozen=True)
class StageOutcome:
    """How one stage went.

    Attributes
    ----------
    stage : Stage
    status : {'ok', 'skipped', 'failed'}
    message : str or None
        Why it was skipped or how it failed.
    seconds : float
        Wall time of the stage, kernel start included when it started one.
    compute_seconds : float
        Time spent inside the notebook's cells (papermill's per-cell durations).
    kernel_started : bool
        Whether a kernel was started for this stage (always, with fresh kernels).
    """

    stage: Stage
    status: str
    message: str | None = None
    seconds: float = 0.0
    compute_seconds: float = 0.0
    kernel_started: bool = False


@dataclass(frozen=True)
class RunResult:
    """The outcome of :func:`run_assessment`: the report folder and what it holds."""

    report_dir: Path
    results: dict[str, Any]
    outcomes: list[StageOutcome]

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


def _execute_stage(
    stage: Stage,
    run_dir: Path,
    client_dir: Path,
    kernel: WarmKernel | None = None,
    starts: int | None = None,
) -> StageOutcome:
    """Execute one stage notebook into ``run_dir/notebooks``, on ``kernel`` or a fresh one.

    ``starts``: the kernel starts already counted in earlier outcomes (default: all so far);
    the outcome says whether the kernel started since.
    """
    from papermill.exceptions import PapermillExecutionError

    output = run_dir / "notebooks" / stage.notebook.name
    output.parent.mkdir(exist_ok=True)
    parameters = {"client_dir": str(client_dir), "run_dir": str(run_dir)}
    if starts is None:
        starts = kernel.starts if kernel is not None else 0
    started = time.perf_counter()
    status, message = "ok", None
    try:
        if kernel is None:
            _execute_fresh(stage.notebook, output, parameters, run_dir)
        else:
            kernel.execute_notebook(stage.notebook, output, parameters=parameters, cwd=run_dir)
    except PapermillExecutionError as exc:
        status, message = "failed", f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
    except Exception as exc:  # a kernel that dies or does not start: record, go on
        status, message = "failed", f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - started
    kernel_started = kernel is None or kernel.starts > starts
    return StageOutcome(stage, status, message, seconds, _cell_seconds(output), kernel_started)


def _execute_fresh(notebook: Path, output: Path, parameters: dict[str, str], cwd: Path) -> None:
    """papermill's own way: a new kernel for this notebook alone."""
    import papermill

    papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters=parameters,
        kernel_name="python3",
        language="python",
        kernel_manager_class=CrmkitKernelManager,
        progress_bar=False,
        cwd=str(cwd),
        execution_timeout=CELL_TIMEOUT_SECONDS,
    )


def _cell_seconds(executed: Path) -> float:
    """The sum of papermill's per-cell durations in an executed notebook (0 when absent)."""
    if not executed.exists():
        return 0.0
    nb = nbformat.read(executed, as_version=4)
    return sum(
        (c.metadata.get("papermill", {}).get("duration") or 0.0)
        for c in nb.cells
        if c.cell_type == "code"
    )


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
        raise ParamsError(
            f"--history {history}: no such folder (expected a folder of earlier runs)"
        )
    known_kpis = [kpi.name for kpi in CATALOG]
    # The kernels start (and import the scientific stack) while the client is validated.
    early = _KernelWorkers(_worker_count(jobs)) if warm_kernels and kernel is None else None
    try:
        report = validate_client(
            client_dir, overrides=overrides, known_kpis=known_kpis
        ).raise_if_failed()
    except BaseException:
        if early is not None:
            early.close()
        raise
    assessment = report.assessment
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
        logger.info("validation: %s", report.summary().replace("\n", "\n    "))
        history_dirs = [parent, *([Path(history).resolve()] if history is not None else [])]
        write_run_inputs(tmp, client_dir, report, history_dirs=history_dirs, run_id=run_id)
        shared = compute_shared_results(tmp, report.tables, assessment)
        stages = discover_stages(notebooks)
        exporter = render.report_exporter()
        bodies: dict[str, render.PageBody | Exception] = {}

        def render_now(outcome: StageOutcome) -> None:  # on this thread, as workers go on
            bodies[outcome.stage.name] = _render_body(tmp, outcome, exporter)

        outcomes = _run_stages(
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
    return RunResult(final, results, outcomes)


def _run_logger(path: Path) -> tuple[logging.Logger, logging.Handler]:
    logger = logging.getLogger(f"crmkit.run.{path.parent.name}")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    return logger, handler


def _run_stages(
    stages: list[Stage],
    present: set[str],
    run_dir: Path,
    client_dir: Path,
    jobs: int | None,
    progress: bool,
    logger: logging.Logger,
    warm_kernels: bool = True,
    kernel: WarmKernel | None = None,
    on_done: Callable[[StageOutcome], None] | None = None,
    early: _KernelWorkers | None = None,
) -> list[StageOutcome]:
    """Skip the stages whose tables are absent; execute the others on ``jobs`` workers.

    With ``kernel``, the stages run one after another on it, in this thread (a kernel
    belongs to the thread that uses it), and it is left running for its owner.
    ``on_done`` is called on this thread with each executed stage's outcome as it comes in
    (while the workers go on with the next stages). ``early``: workers whose kernels were
    started beforehand, used instead of new ones.
    """
    from tqdm.auto import tqdm

    outcomes: dict[str, StageOutcome] = {}
    todo: queue.SimpleQueue[Stage] = queue.SimpleQueue()
    for stage in stages:
        reason = missing_tables(stage, present)
        if reason:
            outcomes[stage.name] = StageOutcome(stage, "skipped", reason)
            logger.info("stage %s skipped: %s", stage.file_stem, reason)
        else:
            todo.put(stage)
    ready = todo.qsize()
    if kernel is not None:
        logger.info("%d stage(s) on the caller's warm kernel", ready)
        bar = tqdm(total=ready, desc="stages", unit="stage", disable=not progress, file=sys.stderr)
        events: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        _stage_worker(todo, events, threading.Event(), kernel, run_dir, client_dir, own=False)
        _collect(events, 1, outcomes, bar, logger, on_done)
        bar.close()
        return [outcomes[s.name] for s in stages]
    if early is not None:
        return _run_on_early_workers(early, stages, todo, ready, run_dir, client_dir, outcomes,
                                     progress, logger, on_done)  # fmt: skip
    workers = max(1, min(_worker_count(jobs), ready or 1))
    kernels = [_warm_kernel() if warm_kernels else None for _ in range(workers)]
    logger.info(
        "%d stage(s) on %d worker(s), %s",
        ready,
        workers,
        "one warm kernel each" if warm_kernels else "a fresh kernel per stage",
    )
    bar = tqdm(total=ready, desc="stages", unit="stage", disable=not progress, file=sys.stderr)
    events = queue.SimpleQueue()
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="crmkit-stage") as pool:
        futures = [
            pool.submit(_stage_worker, todo, events, stop, kernel, run_dir, client_dir)
            for kernel in kernels
        ]
        try:
            _collect(events, workers, outcomes, bar, logger, on_done)
        except BaseException:  # Ctrl-C or a bug: stop the kernels, take no further stage
            stop.set()
            for kernel in kernels:
                if kernel is not None:
                    kernel.kill()
            raise
        for future in futures:
            future.result()  # a worker's own failure (a bug) surfaces here
    bar.close()
    return [outcomes[s.name] for s in stages]


def _worker_count(jobs: int | None) -> int:
    """Workers for a run: ``jobs``, by default the number of cores (at most 4)."""
    return max(1, jobs or min(os.cpu_count() or 1, 4))


class _KernelWorkers:
    """Worker threads that each start their warm kernel at once, then wait for the stages.

    The runner creates them before it validates the client, so that the kernels start and
    import the scientific stack meanwhile. :meth:`run` hands them the stages (a worker for
    which there is no stage shuts its kernel down); :meth:`close` stops workers that were
    never given stages. Each kernel is started, used and shut down by its own thread.
    """

    def __init__(self, workers: int) -> None:
        self.kernels = [_warm_kernel() for _ in range(workers)]
        self._jobs: list[queue.SimpleQueue[dict[str, Any] | None]] = [
            queue.SimpleQueue() for _ in range(workers)
        ]
        self._threads = [
            threading.Thread(target=self._work, args=(k, q), name=f"crmkit-stage-{i}", daemon=True)
            for i, (k, q) in enumerate(zip(self.kernels, self._jobs, strict=True))
        ]
        self._given = False
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _work(kernel: WarmKernel, jobs: queue.SimpleQueue[dict[str, Any] | None]) -> None:
        try:
            kernel.start(Path.cwd())
        except Exception:  # the first stage starts it again, and fails with the reason
            pass
        job = jobs.get()
        if job is None:
            kernel.shutdown()
            return
        _stage_worker(kernel=kernel, starts=0, **job)

    def run(self, workers: int, **job: Any) -> None:
        """Give the stages (``_stage_worker``'s arguments) to ``workers`` of the threads."""
        self._given = True
        for i, jobs in enumerate(self._jobs):
            jobs.put(job if i < workers else None)

    def close(self) -> None:
        """Stop workers never given stages, ending their kernels at once, and wait for them.

        A worker still waiting on its kernel's start is waited for a moment only: its kernel
        has been ended (and a kernel whose parent process has gone ends itself).
        """
        patience = None
        if not self._given:
            self._given = True
            patience = 2.0
            for kernel, jobs in zip(self.kernels, self._jobs, strict=True):
                kernel.kill()
                jobs.put(None)
        for thread in self._threads:
            thread.join(patience)


def _run_on_early_workers(
    early: _KernelWorkers,
    stages: list[Stage],
    todo: queue.SimpleQueue[Stage],
    ready: int,
    run_dir: Path,
    client_dir: Path,
    outcomes: dict[str, StageOutcome],
    progress: bool,
    logger: logging.Logger,
    on_done: Callable[[StageOutcome], None] | None,
) -> list[StageOutcome]:
    """:func:`_run_stages` on workers whose kernels were started beforehand."""
    from tqdm.auto import tqdm

    workers = max(1, min(len(early.kernels), ready or 1))
    logger.info("%d stage(s) on %d worker(s), one warm kernel each", ready, workers)
    bar = tqdm(total=ready, desc="stages", unit="stage", disable=not progress, file=sys.stderr)
    events: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
    stop = threading.Event()
    early.run(workers, todo=todo, events=events, stop=stop, run_dir=run_dir, client_dir=client_dir)
    try:
        _collect(events, workers, outcomes, bar, logger, on_done)
    except BaseException:  # Ctrl-C or a bug: stop the kernels, take no further stage
        stop.set()
        for kernel in early.kernels:
            kernel.kill()
        raise
    early.close()
    bar.close()
    return [outcomes[s.name] for s in stages]


def _warm_kernel() -> WarmKernel:
    return warm_kernel()


def warm_kernel() -> WarmKernel:
    """A new warm kernel as the runner's workers use (it starts at its first notebook)."""
    return WarmKernel(CrmkitKernelManager, preload=_KERNEL_PRELOAD)


def _stage_worker(
    todo: queue.SimpleQueue[Stage],
    events: queue.SimpleQueue[tuple[str, Any]],
    stop: threading.Event,
    kernel: WarmKernel | None,
    run_dir: Path,
    client_dir: Path,
    own: bool = True,
    starts: int | None = None,
) -> None:
    """Execute stages from ``todo`` until it is empty, all on ``kernel`` when there is one.

    Reports ``("start", stage)`` and ``("done", outcome)`` on ``events``, and
    ``("exit", None)`` when it stops, whatever the reason. The kernel is shut down at the
    end when the worker ``own``s it. ``starts``: the kernel's starts before this worker's
    first stage that its first outcome should not count (default: all so far; 0 counts a
    kernel started beforehand for this worker).
    """
    if starts is None:
        starts = kernel.starts if kernel is not None else 0
    try:
        while not stop.is_set():
            try:
                stage = todo.get_nowait()
            except queue.Empty:
                break
            events.put(("start", stage))
            events.put(("done", _execute_stage(stage, run_dir, client_dir, kernel, starts)))
            starts = kernel.starts if kernel is not None else 0
    finally:
        try:
            if kernel is not None and own:
                kernel.shutdown()
        finally:
            events.put(("exit", None))


def _collect(
    events: queue.SimpleQueue[tuple[str, Any]],
    workers: int,
    outcomes: dict[str, StageOutcome],
    bar: Any,
    logger: logging.Logger,
    on_done: Callable[[StageOutcome], None] | None = None,
) -> None:
    """Record the workers' outcomes and show progress until every worker has stopped."""
    running: dict[str, str] = {}
    while workers:
        kind, item = events.get()
        if kind == "exit":
            workers -= 1
            continue
        if kind == "start":
            running[item.name] = item.title
        else:
            running.pop(item.stage.name, None)
            outcomes[item.stage.name] = item
            bar.update()
            _log_outcome(logger, item)
            if on_done is not None:
                on_done(item)
        bar.set_postfix_str(("running: " + ", ".join(running.values())) if running else "")


def _log_outcome(logger: logging.Logger, outcome: StageOutcome) -> None:
    logger.info(
        "stage %s %s in %.1f s (cells %.1f s%s)%s",
        outcome.stage.file_stem,
        outcome.status,
        outcome.seconds,
        outcome.compute_seconds,
        ", kernel started" if outcome.kernel_started else "",
        f": {outcome.message}" if outcome.message else "",
    )


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
        )
    except Exception as error:  # one page must not cost the others
        problem = f"the page could not be rendered: {render.error_text(error)}"
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
        nb = nbformat.read(executed, as_version=4) if executed.exists() else None
        return render.render_body(nb, title=outcome.stage.title, exporter=exporter)
    except Exception as error:
        if not catch:
            raise
        return error
