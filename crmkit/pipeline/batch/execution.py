"""Running a batch's clients: local worker processes, or Dask distributed.

Locally (:func:`execute_local`), clients run in ``jobs`` worker processes
(:class:`concurrent.futures.ProcessPoolExecutor`, spawn context); each process runs its
clients one after another through :func:`crmkit.pipeline.runner.run_assessment` on ONE warm
kernel, started at its first notebook and reused for every client (a kernel that died is
restarted at the next notebook). A worker process that crashes breaks the pool: the clients
it was running are recorded as failed, every other unfinished client is resubmitted to a
fresh pool. Ctrl-C stops the workers (their kernels are killed), removes the unfinished
report folders of the batch's clients and records the clients that did not finish as
interrupted.

With Dask (:func:`execute_dask`), each client is one task (:func:`run_client_task`), on a
local cluster of ``jobs`` single-threaded worker processes or on an existing scheduler;
each worker thread keeps one warm kernel for its tasks. A task never raises: it returns its
client's plain outcome record; a task whose worker died is recorded as failed.

Either way a client's outcome is a plain record (:meth:`ClientOutcome.to_record`).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import shutil
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from multiprocessing import util as mp_util
from pathlib import Path
from typing import Any

from crmkit.data.exceptions import CrmkitError, InputError, ParamsError, ValidationFailed
from crmkit.pipeline.batch.outcome import ClientOutcome, ClientStatus
from crmkit.pipeline.inputs import inputs_hash

__all__ = [
    "ClientTask",
    "execute_dask",
    "execute_local",
    "remove_partial_runs",
    "run_client",
    "run_client_task",
]

#: Called with each finished client's record, in the batch's process.
OnDone = Callable[[dict[str, Any]], None]

# Per worker thread: the warm kernel its clients share (a kernel belongs to one thread).
# This is worker-process state by design: it lives only in the processes that run clients.
_worker = threading.local()
_process_kernels: list[Any] = []  # every kernel of this process, for killing them at the end


@dataclass(frozen=True)
class ClientTask:
    """One client to run: plain values only, so that it pickles for any worker.

    Attributes
    ----------
    client_dir : str
        The client folder, absolute.
    output_root : str
        Reports go to ``output_root/<client folder>/<run id>/``.
    notebooks : str or None
        The folder of stage notebooks (default: crmkit's own).
    pdf : bool
        Also print every page of the client's report to a PDF beside it.
    """

    client_dir: str
    output_root: str
    notebooks: str | None = None
    pdf: bool = False

    @property
    def client(self) -> str:
        """The client's key in the batch: its folder's name."""
        return Path(self.client_dir).name


def run_client(task: ClientTask, kernel: Any = None) -> dict[str, Any]:
    """Run one client's assessment; its outcome record. Never raises an ``Exception``.

    Parameters
    ----------
    task : ClientTask
    kernel : WarmKernel, optional
        The warm kernel to execute the stages on (kept running for the next client).

    Returns
    -------
    dict
        :meth:`ClientOutcome.to_record` of the client's outcome.
    """
    from crmkit.pipeline.runner import run_assessment

    started = time.perf_counter()
    client_dir = Path(task.client_dir)
    fields: dict[str, Any] = {"client": task.client, "client_dir": str(client_dir)}
    try:
        fields["inputs_hash"] = inputs_hash(client_dir)
        result = run_assessment(
            client_dir,
            output_root=task.output_root,
            jobs=1,
            progress=False,
            notebooks=Path(task.notebooks) if task.notebooks else None,
            kernel=kernel,
            pdf=task.pdf,
        )
    except (ValidationFailed, ParamsError, InputError) as exc:
        status, stage, message, report_dir, name = (
            ClientStatus.FAILED_VALIDATION,
            None,
            str(exc),
            None,
            None,
        )
    except Exception as exc:  # an unexpected error costs this client only
        status, stage, name, report_dir = ClientStatus.FAILED, None, None, None
        message = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
    else:
        report_dir, name = str(result.report_dir), result.results.get("client")
        if result.pdf is not None:
            fields["pdf"] = str(result.pdf.status)
            fields["pdf_pages"] = len(result.pdf.written)
        failures = result.failures
        if result.ok:
            status, stage, message = ClientStatus.OK, None, None
        else:
            status = ClientStatus.FAILED_STAGE
            stage = failures[0].partition(":")[0] if failures else None
            message = "\n".join(failures) or "a stage failed"
    return ClientOutcome(
        status=status,
        name=name if isinstance(name, str) else None,
        stage=stage,
        message=message,
        seconds=round(time.perf_counter() - started, 2),
        report_dir=report_dir,
        **fields,
    ).to_record()


def run_client_task(task: ClientTask) -> dict[str, Any]:
    """Run one client on this worker thread's warm kernel (started once, then reused).

    The top-level function a worker process or a Dask worker executes per client.
    """
    return run_client(task, kernel=_thread_kernel())


def _thread_kernel() -> Any:
    kernel = getattr(_worker, "kernel", None)
    if kernel is None:
        from crmkit.pipeline.runner import warm_kernel

        kernel = _worker.kernel = warm_kernel()
        _process_kernels.append(kernel)
        # Shut it down when the worker process ends normally.
        mp_util.Finalize(kernel, kernel.shutdown, exitpriority=10)
    return kernel


def _kill_thread_kernels() -> None:
    """End this process's warm kernels at once (safe from any thread)."""
    for kernel in _process_kernels:
        with contextlib.suppress(Exception):
            kernel.kill()


# --------------------------------------------------------------------------- local processes


def _init_worker(started: Any) -> None:
    """Initializer of a local worker process: its signals, its kernel, its start reports."""
    _worker.started = started
    # Ctrl-C reaches every process of the terminal: the batch's process alone decides, and
    # ends its workers with SIGTERM, which kills the kernel and leaves at once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminate_worker)
    # tqdm's default lock is a named semaphore shared between processes; a worker that is
    # stopped cannot remove it, and Python then warns of a "leaked semaphore" on the
    # terminal. A worker shows no progress bar: a lock for its own threads is enough.
    from tqdm import tqdm

    tqdm.set_lock(threading.RLock())
    _thread_kernel()


def _terminate_worker(signum: int, frame: Any) -> None:
    with contextlib.suppress(Exception):
        _kill_thread_kernels()
    os._exit(128 + signum)


def _local_task(task: ClientTask) -> dict[str, Any]:
    """A local worker's task: say which process holds the client, then run it."""
    started = getattr(_worker, "started", None)
    if started is not None:
        started.put((task.client, os.getpid()))
    return run_client_task(task)


def execute_local(
    tasks: Sequence[ClientTask],
    *,
    jobs: int,
    on_done: OnDone,
    since: str,
) -> bool:
    """Run ``tasks`` on ``jobs`` local worker processes; report each record to ``on_done``.

    Parameters
    ----------
    tasks : sequence of ClientTask
    jobs : int
        Worker processes (at most one per client).
    on_done : callable
        Receives each client's record as soon as it is known, in this process.
    since : str
        The batch's start as a run id (``YYYYmmdd-HHMMSS``): unfinished report folders of
        the batch's clients from then on are removed after a crash or an interruption.

    Returns
    -------
    bool
        False when the batch was interrupted (Ctrl-C); the clients that did not finish are
        then reported as interrupted.
    """
    pending = list(tasks)
    rounds = 0
    while pending:
        rounds += 1
        if rounds > len(tasks) + 1:  # crashes that name no client: stop retrying
            for task in pending:
                on_done(_not_finished(task, ClientStatus.FAILED, None))
            break
        context = multiprocessing.get_context("spawn")
        started = context.Queue()
        pool = ProcessPoolExecutor(
            max_workers=max(1, min(jobs, len(pending))),
            mp_context=context,
            initializer=_init_worker,
            initargs=(started,),
        )
        futures = {pool.submit(_local_task, task): task for task in pending}
        processes = dict(getattr(pool, "_processes", None) or {})
        holders: dict[str, int] = {}
        done_keys: set[str] = set()
        try:
            not_done = set(futures)
            while not_done:
                finished, not_done = wait(not_done, timeout=0.5, return_when=FIRST_COMPLETED)
                processes.update(getattr(pool, "_processes", None) or {})
                for future in finished:
                    task = futures[future]
                    try:
                        record = future.result()
                    except BrokenProcessPool:
                        continue
                    done_keys.add(task.client)
                    on_done(record)
        except KeyboardInterrupt:  # Ctrl-C: stop every worker, leave no half-written folder
            _stop_pool(pool, processes)
            unfinished = [t for t in pending if t.client not in done_keys]
            remove_partial_runs(unfinished, since)
            for task in unfinished:
                on_done(_not_finished(task, ClientStatus.INTERRUPTED, None))
            return False
        except BaseException:  # a defect of the batch itself: stop the workers, then raise
            _stop_pool(pool, processes)
            remove_partial_runs([t for t in pending if t.client not in done_keys], since)
            raise
        pool.shutdown(wait=True)
        _drain(started, holders)
        unfinished = [t for t in pending if t.client not in done_keys]
        if not unfinished:
            break
        # The pool broke: a worker process died. Its clients failed; the others go again.
        crashed = {
            pid: p.exitcode
            for pid, p in processes.items()
            if p.exitcode not in (None, 0, -signal.SIGTERM, 128 + signal.SIGTERM)
        }
        remove_partial_runs(unfinished, since)
        pending = []
        for task in unfinished:
            pid = holders.get(task.client)
            if pid in crashed or (not crashed and pid is not None):
                code = crashed.get(pid)
                on_done(_not_finished(task, ClientStatus.FAILED, code))
            else:
                pending.append(task)
    return True


def _stop_pool(pool: ProcessPoolExecutor, processes: dict[int, Any]) -> None:
    for process in processes.values():
        with contextlib.suppress(Exception):
            process.terminate()  # the worker kills its kernel and leaves
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes.values():
        with contextlib.suppress(Exception):
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


def _drain(started: Any, holders: dict[str, int]) -> None:
    """Which process took which client, from the workers' start reports."""
    while True:
        try:
            client, pid = started.get(timeout=0.05)
        except (queue.Empty, OSError, ValueError, EOFError):
            return
        holders[client] = pid


def _not_finished(task: ClientTask, status: ClientStatus, exit_code: int | None) -> dict:
    from crmkit.words.batch import worker_crash_message

    message = worker_crash_message(exit_code) if status == ClientStatus.FAILED else None
    return ClientOutcome(task.client, task.client_dir, status, message=message).to_record()


def remove_partial_runs(tasks: Sequence[ClientTask], since: str) -> None:
    """Remove the unfinished report folders (``.RUNID.partial``) of ``tasks``' clients.

    Only those of runs started at or after ``since`` (a run id): an earlier one may belong
    to a run that is still going on elsewhere.
    """
    for task in tasks:
        parent = Path(task.output_root) / task.client
        if not parent.is_dir():
            continue
        for partial in parent.glob(".*.partial"):
            run_id = partial.name[1 : -len(".partial")]
            if run_id >= since:
                shutil.rmtree(partial, ignore_errors=True)


# --------------------------------------------------------------------------- Dask


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise CrmkitError(
            "--executor dask needs the 'distributed' package, which is not installed: "
            "pip install 'crmkit[distributed]'"
        ) from None
    return distributed


def execute_dask(
    tasks: Sequence[ClientTask],
    *,
    jobs: int,
    on_done: OnDone,
    since: str,
    scheduler: str | None = None,
) -> bool:
    """Run ``tasks`` as Dask tasks, one per client; report each record to ``on_done``.

    Parameters
    ----------
    tasks, jobs, on_done, since
        As for :func:`execute_local`; ``jobs`` is the number of worker processes of the
        local cluster (ignored with ``scheduler``).
    scheduler : str, optional
        The address of an existing scheduler (``tcp://host:8786``); its workers must see the
        client folders and the output folder at the same paths. Default: a local cluster
        of ``jobs`` single-threaded worker processes, closed at the end.

    Returns
    -------
    bool
        False when the batch was interrupted (Ctrl-C).
    """
    distributed = _distributed()
    cluster = None
    if scheduler is None:
        cluster = distributed.LocalCluster(
            n_workers=max(1, min(jobs, len(tasks))),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=40,  # logging.ERROR: no worker chatter on the terminal
        )
    client = distributed.Client(cluster if cluster is not None else scheduler)
    futures = {
        client.submit(run_client_task, task, pure=False, key=f"crmkit-batch-{task.client}-{since}"):
            task
        for task in tasks
    }  # fmt: skip
    done_keys: set[str] = set()
    try:
        for future in distributed.as_completed(list(futures)):
            task = futures[future]
            try:
                record = future.result()
            except Exception as exc:  # the worker died (KilledWorker) or the task was lost
                from crmkit.words.batch import dask_failure_message

                record = ClientOutcome(
                    task.client,
                    task.client_dir,
                    ClientStatus.FAILED,
                    message=dask_failure_message(type(exc).__name__, str(exc)),
                ).to_record()
            done_keys.add(task.client)
            on_done(record)
    except KeyboardInterrupt:
        client.cancel(list(futures))
        _close_dask(client, cluster)
        unfinished = [t for t in tasks if t.client not in done_keys]
        remove_partial_runs(unfinished, since)
        for task in unfinished:
            on_done(_not_finished(task, ClientStatus.INTERRUPTED, None))
        return False
    _close_dask(client, cluster)
    return True


def _close_dask(client: Any, cluster: Any) -> None:
    """Close the client; with our own cluster, kill its kernels and close it too.

    The kernels of an existing scheduler's workers stay warm for the next batch.
    """
    with contextlib.suppress(Exception):
        if cluster is not None:
            client.run(_kill_thread_kernels)
    with contextlib.suppress(Exception):
        client.close()
    if cluster is not None:
        with contextlib.suppress(Exception):
            cluster.close()
