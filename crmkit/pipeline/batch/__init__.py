"""Many clients at once: ``crmkit batch CLIENTS_DIR``.

::

    discover (every subfolder with a params.yaml) ─► skip the unchanged (--skip-unchanged)
      ─► run the others: local worker processes (each with one warm kernel for all its
         clients) or Dask tasks ─► each client's report in OUTPUT/<client>/<run id>/
      ─► OUTPUT/batch-<batch id>/batch.html, batch.json, batch.csv

A client that fails (invalid params or data, a failing stage, a crash of its worker) never
stops the others; its outcome and message are in the summary, which is always written. The
batch succeeds (exit 0 of the command) only when every client ran successfully or was skipped
as unchanged.

Modules: :mod:`~crmkit.pipeline.batch.discovery` (clients, earlier runs),
:mod:`~crmkit.pipeline.batch.execution` (worker processes, Dask),
:mod:`~crmkit.pipeline.batch.summary` (rows, batch.json / .csv / .html),
:mod:`~crmkit.pipeline.batch.outcome` (a client's typed outcome and its plain record).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmkit.pipeline.batch.discovery import discover_clients, latest_successful_run
from crmkit.pipeline.batch.execution import ClientTask, execute_dask, execute_local
from crmkit.pipeline.batch.outcome import ClientOutcome, ClientStatus
from crmkit.pipeline.batch.summary import read_results, summary_row, write_summary
from crmkit.pipeline.inputs import inputs_hash
from crmkit.version import __version__
from crmkit.words import batch as words

__all__ = [
    "BatchResult",
    "ClientOutcome",
    "ClientStatus",
    "EXECUTORS",
    "discover_clients",
    "inputs_hash",
    "run_batch",
]

#: The ways a batch runs its clients.
EXECUTORS = ("local", "dask")


@dataclass(frozen=True)
class BatchResult:
    """The outcome of :func:`run_batch`.

    Attributes
    ----------
    batch_dir : Path
        The folder of batch.html, batch.json and batch.csv.
    outcomes : list of ClientOutcome
        One per client, in the clients' name order.
    interrupted : bool
        The batch was stopped (Ctrl-C) before every client finished.
    """

    batch_dir: Path
    outcomes: list[ClientOutcome]
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        """Every client succeeded or was skipped as unchanged (the command exits 0 then)."""
        return not self.interrupted and all(o.status.succeeded for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        """0 when :attr:`ok`, else 1."""
        return 0 if self.ok else 1

    @property
    def counts(self) -> dict[str, int]:
        """Clients per status."""
        return {str(s): sum(o.status == s for o in self.outcomes) for s in ClientStatus}

    @property
    def summary_html(self) -> Path:
        """The summary page."""
        return self.batch_dir / "batch.html"


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_batch(
    clients_dir: str | Path,
    *,
    output_root: str | Path = "reports",
    jobs: int | None = None,
    skip_unchanged: bool = False,
    executor: str = "local",
    scheduler: str | None = None,
    progress: bool | None = None,
    notebooks: str | Path | None = None,
    pdf: bool = False,
) -> BatchResult:
    """Assess every client of ``clients_dir``; write each report and the batch summary.

    Parameters
    ----------
    clients_dir : path
        Its subfolders that hold a ``params.yaml`` are the clients.
    output_root : path
        Reports go to ``output_root/<client folder>/<run id>/``, the summary to
        ``output_root/batch-<batch id>/`` (batch id: the start time, ``YYYYmmdd-HHMMSS``).
    jobs : int, optional
        Clients run at once (worker processes); default: the cores available.
    skip_unchanged : bool
        Skip a client whose params.yaml and data are those of its newest earlier successful
        run in ``output_root`` (recorded as ``skipped_unchanged`` with that run's report).
    executor : {'local', 'dask'}
        Local worker processes, or Dask distributed (a local cluster of ``jobs`` workers, or
        ``scheduler``'s cluster).
    scheduler : str, optional
        The address of an existing Dask scheduler; implies ``executor='dask'``.
    progress : bool, optional
        A progress bar over clients (True), a log line per client (False); default: a bar
        when standard error is a terminal.
    notebooks : path, optional
        The folder of stage notebooks (default: crmkit's own).
    pdf : bool
        Also print every page of each client's new report to a PDF beside it (each
        outcome's ``pdf`` says what was done; a skipped client keeps its earlier report
        as it is).

    Returns
    -------
    BatchResult

    Raises
    ------
    CrmkitError
        No client folder found, or ``executor='dask'`` without ``distributed`` installed.
    """
    clients = discover_clients(clients_dir)
    if scheduler is not None:
        executor = "dask"
    if executor not in EXECUTORS:
        raise ValueError(f"executor must be one of {EXECUTORS}, not {executor!r}")
    output_root = Path(output_root).resolve()
    output_root.mkdir(parents=True, exist_ok=True)
    jobs = jobs or default_jobs()
    now = dt.datetime.now()
    since = now.strftime("%Y%m%d-%H%M%S")
    batch_id, n = since, 1
    while (output_root / f"batch-{batch_id}").exists():
        n += 1
        batch_id = f"{since}-{n}"
    batch_dir = output_root / f"batch-{batch_id}"
    batch_dir.mkdir()

    records: dict[str, dict[str, Any]] = {}
    bar = _Progress(len(clients), progress)
    tasks = []
    for folder in clients:
        skipped = _skipped(folder, output_root) if skip_unchanged else None
        if skipped is not None:
            records[folder.name] = skipped
            bar.done(skipped)
        else:
            notebook_dir = str(Path(notebooks).resolve()) if notebooks else None
            tasks.append(ClientTask(str(folder), str(output_root), notebook_dir, pdf))

    def on_done(record: dict[str, Any]) -> None:
        records[record["client"]] = record
        bar.done(record)

    finished = True
    try:
        if tasks and executor == "dask":
            finished = execute_dask(
                tasks, jobs=jobs, on_done=on_done, since=since, scheduler=scheduler
            )
        elif tasks:
            finished = execute_local(tasks, jobs=jobs, on_done=on_done, since=since)
    finally:
        bar.close()
        outcomes = [
            ClientOutcome.from_record(records[f.name])
            if f.name in records
            else ClientOutcome(f.name, str(f), ClientStatus.INTERRUPTED)
            for f in clients
        ]
        rows = [summary_row(o, read_results(o.report_dir), batch_dir) for o in outcomes]
        meta = {
            "id": batch_id,
            "clients_dir": str(Path(clients_dir).resolve()),
            "output": str(output_root),
            "started_at": now.astimezone().replace(microsecond=0).isoformat(),
            "finished_at": dt.datetime.now().astimezone().replace(microsecond=0).isoformat(),
            "executor": executor,
            "scheduler": scheduler,
            "jobs": jobs,
            "skip_unchanged": skip_unchanged,
            "crmkit_version": __version__,
        }
        meta["interrupted"] = not finished or len(records) < len(clients)
        write_summary(batch_dir, rows, meta)
    return BatchResult(batch_dir, outcomes, interrupted=bool(meta["interrupted"]))


def _skipped(folder: Path, output_root: Path) -> dict[str, Any] | None:
    """The record of a client skipped as unchanged, or None when it must run."""
    earlier = latest_successful_run(output_root, folder.name)
    if earlier is None:
        return None
    report_dir, results = earlier
    run = results.get("run")
    recorded = run.get("inputs_hash") if isinstance(run, dict) else None
    current = inputs_hash(folder)
    if recorded != current:
        return None
    name = results.get("client")
    return ClientOutcome(
        folder.name,
        str(folder),
        ClientStatus.SKIPPED_UNCHANGED,
        name=name if isinstance(name, str) else None,
        message=words.skipped_message(report_dir.name),
        report_dir=str(report_dir),
        inputs_hash=current,
    ).to_record()


class _Progress:
    """A bar over clients on a terminal (tqdm), else one log line per finished client."""

    def __init__(self, total: int, progress: bool | None) -> None:
        from tqdm.auto import tqdm

        self.total, self.count = total, 0
        self.tty = sys.stderr.isatty() if progress is None else progress
        self.bar = tqdm(total=total, desc="clients", unit="client", file=sys.stderr,
                        disable=not self.tty)  # fmt: skip

    def done(self, record: dict[str, Any]) -> None:
        self.count += 1
        if self.tty:
            self.bar.update()
            self.bar.set_postfix_str(f"last: {record['client']}")
            return
        line = words.progress_line(
            self.count,
            self.total,
            str(record["client"]),
            str(record["status"]),
            record.get("stage"),
            float(record.get("seconds") or 0.0),
        )
        print(line, file=sys.stderr, flush=True)

    def close(self) -> None:
        self.bar.close()
