"""Time ``crmkit batch --jobs 2`` against a loop of ``crmkit run`` and the computations alone.

    .venv/bin/python benchmarks/bench_batch.py             # 100 clients (long)
    .venv/bin/python benchmarks/bench_batch.py --clients 6 # a quick check

Generates N small clients (the demo company at about 5,000 orders, every table; each with
its own seed) in a temporary folder, then runs, side by side in one invocation:

- ``crmkit run CLIENT`` for each client, one after another (a new process, and new kernels,
  per client);
- ``crmkit batch CLIENTS --jobs 2`` (two worker processes, each reusing one warm kernel
  for all its clients);
- compute-only: for the first ``--compute-clients`` clients, the same analyses in this one
  process without notebooks, kernels or pages: validation and the table cache as a run
  writes them, then every stage notebook's code cells executed with ``exec`` (figures drawn
  to PNG in memory and tables to HTML, as a notebook's display would, but nothing written).

It prints the seconds per client of each, the ratio of the loop to the batch, the batch's
overhead over compute-only (worker seconds per client: the batch's wall time times its
workers over the clients, less the compute-only seconds per client), and where a batch
client's time goes, from its report's run.log and results.json: validation, the table
cache, the cells' own time (papermill's cell durations), the notebook machinery around the
cells (kernel reset, parameters, writing the executed notebook), rendering the pages and
results.json / index.html.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ORDERS_PER_SCALE = 200_000  # the demo at scale 1 has about 200,000 orders
_LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) INFO (.*)$")


def _crmkit() -> list[str]:
    beside = Path(sys.executable).with_name("crmkit")
    return [str(beside)] if beside.is_file() else [sys.executable, "-c", "from crmkit.cli "
                                                   "import main; main()"]  # fmt: skip


# --------------------------------------------------------------------------- compute-only


_DISPLAY_SECONDS = [0.0]  # time spent drawing what the cells display, for compute_only


def _display(*objects: Any, raw: bool = False, **_: Any) -> None:
    """What a notebook's display costs, without a kernel: figures to PNG, tables to HTML."""
    from matplotlib.figure import Figure

    from crmkit.report.plots.png import figure_png

    started = time.perf_counter()
    for obj in objects:
        if raw:
            continue
        if isinstance(obj, Figure):
            figure_png(obj)  # as the kernels show it
        elif hasattr(obj, "_repr_html_"):
            obj._repr_html_()
    _DISPLAY_SECONDS[0] += time.perf_counter() - started


def compute_only(client_dir: Path, notebooks: Path | None, work: Path) -> dict[str, float]:
    """Run one client's analyses in this process, without notebooks; seconds per part.

    Returns
    -------
    dict
        ``validation`` (validate the folder), ``cache`` (the run's table cache, as
        ``crmkit run`` writes it), ``cells`` (every ready stage's code cells), ``display``
        (the part of ``cells`` spent drawing the figures and tables they display) and
        ``total``.
    """
    import IPython.core.display_functions
    import IPython.display
    import matplotlib.pyplot as plt
    import nbformat

    from crmkit.data.validation import validate_client
    from crmkit.kpis import CATALOG
    from crmkit.pipeline.context import write_run_inputs
    from crmkit.pipeline.stages import discover_stages, missing_tables

    IPython.display.display = IPython.core.display_functions.display = _display
    started = time.perf_counter()
    report = validate_client(client_dir, known_kpis=[k.name for k in CATALOG]).raise_if_failed()
    validated = time.perf_counter()
    run_dir = work / client_dir.name
    run_dir.mkdir(parents=True)
    write_run_inputs(run_dir, client_dir, report, history_dirs=[run_dir.parent])
    cached = time.perf_counter()
    _DISPLAY_SECONDS[0] = 0.0
    for stage in discover_stages(notebooks):
        if missing_tables(stage, set(report.tables)):
            continue
        nb = nbformat.read(stage.notebook, as_version=4)
        namespace: dict[str, Any] = {"__name__": "__main__"}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            exec(compile(cell.source, f"{stage.file_stem}.ipynb", "exec"), namespace)
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(client_dir=str(client_dir), run_dir=str(run_dir))
        plt.close("all")
    done = time.perf_counter()
    return {
        "validation": validated - started,
        "cache": cached - validated,
        "cells": done - cached,
        "display": _DISPLAY_SECONDS[0],
        "total": done - started,
    }


# --------------------------------------------------------------------------- breakdown


def _log_times(run_log: Path) -> list[tuple[float, str]]:
    times = []
    for line in run_log.read_text(encoding="utf-8").splitlines():
        match = _LOG_LINE.match(line)
        if match:
            moment = dt.datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f")
            times.append((moment.timestamp(), match.group(2)))
    return times


def client_breakdown(report_dir: Path) -> dict[str, float]:
    """Where one client's run went, in seconds, from its run.log and results.json.

    ``validation`` (before the run's log starts), ``cache`` (run inputs and the table
    cache), ``cells`` (papermill's cell durations), ``notebook machinery`` (the stages'
    time beyond their cells), ``pages and index`` (rendering, results.json, index.html) and
    ``run`` (the whole run).
    """
    results = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    run = results["run"]
    times = _log_times(report_dir / "run.log")
    first = times[0][0]
    stages_start = next(t for t, text in times if " stage(s) on " in text)
    stages_end = max(t for t, text in times if text.startswith("stage "))
    written = next(t for t, text in times if text.startswith("report written"))
    wall = float(run["wall_seconds"])
    return {
        "validation": wall - (written - first),
        "cache": stages_start - first,
        "cells": float(run["compute_seconds"]),
        "notebook machinery": (stages_end - stages_start) - float(run["compute_seconds"]),
        "pages and index": written - stages_end,
        "run": wall,
    }


def _mean(rows: list[dict[str, float]], key: str) -> float:
    return statistics.fmean(row[key] for row in rows) if rows else float("nan")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100, help="clients (default 100)")
    parser.add_argument("--orders", type=int, default=5_000, help="orders per client")
    parser.add_argument("--jobs", type=int, default=2, help="batch workers (default 2)")
    parser.add_argument(
        "--compute-clients",
        type=int,
        default=10,
        help="clients timed compute-only (the first ones; default 10, 0 for none)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    from crmkit.demo.synth import generate_demo_client

    work = Path(tempfile.mkdtemp(prefix="crmkit-bench-batch-"))
    clients = work / "clients"
    scale = args.orders / ORDERS_PER_SCALE
    started = time.perf_counter()
    for i in range(args.clients):
        generate_demo_client(clients / f"client_{i:03d}", scale=scale, seed=20250101 + i)
    print(f"generated {args.clients} clients (scale {scale:g}) in "
          f"{time.perf_counter() - started:.1f} s: {clients}", flush=True)  # fmt: skip
    folders = sorted(clients.iterdir())

    started = time.perf_counter()
    failed_runs = 0
    for folder in folders:
        done = subprocess.run(
            [*_crmkit(), "run", str(folder), "--output", str(work / "sequential")],
            capture_output=True,
            text=True,
        )
        failed_runs += done.returncode != 0
    sequential = time.perf_counter() - started

    started = time.perf_counter()
    done = subprocess.run(
        [*_crmkit(), "batch", str(clients), "--output", str(work / "batch"),
         "--jobs", str(args.jobs)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    batch = time.perf_counter() - started
    print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-500:])

    # Before compute-only: this process then holds the scientific stack, as a warm kernel
    # does, and keeps the collector off it (gc.freeze), as the kernel's preparation does.
    import gc

    import crmkit.measure  # noqa: F401
    import crmkit.pipeline.context  # noqa: F401
    import crmkit.report.plots  # noqa: F401

    gc.collect()
    gc.freeze()

    compute = [
        compute_only(folder, None, work / "compute")
        for folder in folders[: max(0, args.compute_clients)]
    ]
    runs = [
        client_breakdown(report)
        for folder in folders
        for report in sorted((work / "batch" / folder.name).glob("[0-9]*"))
        if (report / "results.json").is_file()
    ]

    n = args.clients
    worker = batch * args.jobs / n
    print(f"\n{'':36}{'total (s)':>12}{'per client (s)':>16}")
    print(f"{'crmkit run, one after another':36}{sequential:12.1f}{sequential / n:16.2f}"
          f"{'' if not failed_runs else f'   ({failed_runs} exited 1)'}")  # fmt: skip
    print(f"{f'crmkit batch --jobs {args.jobs}':36}{batch:12.1f}{batch / n:16.2f}"
          f"{'' if done.returncode == 0 else '   (exited 1)'}")  # fmt: skip
    print(f"{f'  worker time (x {args.jobs} workers)':36}{'':12}{worker:16.2f}")
    if compute:
        print(f"{f'compute-only, one process ({len(compute)})':36}{'':12}"
              f"{_mean(compute, 'total'):16.2f}")  # fmt: skip
    print(f"\nbatch is {sequential / batch:.2f} times as fast as the loop")
    if compute:
        over = worker - _mean(compute, "total")
        print(f"batch overhead over compute-only: {over:.2f} s per client "
              f"({over / _mean(compute, 'total'):.0%} of compute-only)")  # fmt: skip
        parts = ("validation", "cache", "cells", "display")
        print("compute-only per client: " + ", ".join(
            f"{key} {_mean(compute, key):.2f} s" for key in parts))  # fmt: skip
    if runs:
        print(f"\nwhere a batch client's run goes (mean of {len(runs)}, seconds):")
        for key in runs[0]:
            print(f"  {key:24}{_mean(runs, key):8.2f}")
        print(
            f"  {'between runs (worker)':24}{worker - _mean(runs, 'run'):8.2f}"
            "   (worker time per client less the run: start-up, kernel start, summary)"
        )
    if args.keep:
        print(f"\nkept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
