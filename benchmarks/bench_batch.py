"""Time ``crmkit batch --jobs 2`` against a sequential loop of ``crmkit run`` on the same clients.

    .venv/bin/python benchmarks/bench_batch.py             # 100 clients (long)
    .venv/bin/python benchmarks/bench_batch.py --clients 6 # a quick check

Generates N small clients (the demo company at about 5,000 orders, every table; each with
its own seed) in a temporary folder, then runs, side by side in one invocation:

- ``crmkit run CLIENT`` for each client, one after another (a new process, and new kernels,
  per client), and
- ``crmkit batch CLIENTS --jobs 2`` (two worker processes, each reusing one warm kernel
  for all its clients),

and prints the seconds per client of each and their ratio.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ORDERS_PER_SCALE = 200_000  # the demo at scale 1 has about 200,000 orders


def _crmkit() -> list[str]:
    beside = Path(sys.executable).with_name("crmkit")
    return [str(beside)] if beside.is_file() else [sys.executable, "-m", "crmkit.cli"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100, help="clients (default 100)")
    parser.add_argument("--orders", type=int, default=5_000, help="orders per client")
    parser.add_argument("--jobs", type=int, default=2, help="batch workers (default 2)")
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
          f"{time.perf_counter() - started:.1f} s: {clients}")  # fmt: skip

    started = time.perf_counter()
    failed_runs = 0
    for folder in sorted(clients.iterdir()):
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

    n = args.clients
    print(f"{'':32}{'total (s)':>12}{'per client (s)':>16}")
    print(f"{'crmkit run, one after another':32}{sequential:12.1f}{sequential / n:16.2f}"
          f"{'' if not failed_runs else f'   ({failed_runs} exited 1)'}")  # fmt: skip
    print(f"{f'crmkit batch --jobs {args.jobs}':32}{batch:12.1f}{batch / n:16.2f}"
          f"{'' if done.returncode == 0 else '   (exited 1)'}")  # fmt: skip
    print(f"batch is {sequential / batch:.2f} times as fast")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
