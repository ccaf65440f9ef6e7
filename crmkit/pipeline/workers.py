"""Executing the stage notebooks: workers, each with a warm kernel (or a fresh one per stage).

:func:`run_stages` skips the stages whose tables are absent and executes the others on
``jobs`` workers, each taking the next stage from one queue and keeping ONE warm kernel for
all of them (:class:`crmkit.pipeline.engine.WarmKernel`). :class:`KernelWorkers` start their
kernels before the stages are known, so that the kernels start while the runner validates the
client. See :mod:`crmkit.pipeline.runner` for the run as a whole.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

from crmkit.pipeline.engine import CELL_TIMEOUT_SECONDS, WarmKernel, read_executed
from crmkit.pipeline.stages import Stage, missing_tables

__all__ = [
    "CrmkitKernelManager",
    "KERNEL_DISPLAY_NAME",
    "KernelWorkers",
    "StageOutcome",
    "run_stages",
    "warm_kernel",
    "worker_count",
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
    nb = read_executed(executed)
    return sum(
        (c.metadata.get("papermill", {}).get("duration") or 0.0)
        for c in nb.cells
        if c.cell_type == "code"
    )


def run_stages(
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
    early: KernelWorkers | None = None,
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
    workers = max(1, min(worker_count(jobs), ready or 1))
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


def worker_count(jobs: int | None) -> int:
    """Workers for a run: ``jobs``, by default the number of cores (at most 4)."""
    return max(1, jobs or min(os.cpu_count() or 1, 4))


class KernelWorkers:
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
        self._closed = False
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
        has been ended (and a kernel whose parent process has gone ends itself). Closing
        again does nothing.
        """
        if self._closed:
            return
        self._closed = True
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
    early: KernelWorkers,
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
    """:func:`run_stages` on workers whose kernels were started beforehand."""
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
