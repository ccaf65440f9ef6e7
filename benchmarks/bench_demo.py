"""Benchmark: the demo assessment end to end — wall time, where it goes, and peak memory.

    .venv/bin/python benchmarks/bench_demo.py --scale 1      # about 200,000 orders
    .venv/bin/python benchmarks/bench_demo.py --scale 5      # about 1,000,000 orders

Runs, each in a fresh process: generating the demo client, validating it, and the whole
``crmkit run`` (validation, cache, every stage notebook, rendering). Peak memory is the
largest total resident memory of the process tree (crmkit and its kernels together), sampled
from /proc every 0.1 s. Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _tree_rss_bytes(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            with open(f"/proc/{entry}/statm") as f:
                pages = int(f.read().split()[1])
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(command: list[str]) -> tuple[float, int, str]:
    """Run ``command``; return wall seconds, peak tree RSS in bytes, and its standard output."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_bytes(proc.pid))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {proc.returncode}:\n{out}")
    return time.perf_counter() - started, peak, out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        client = Path(tmp) / "demo"
        gen_code = f"from crmkit.demo.synth import generate_demo_client; generate_demo_client({str(client)!r}, scale={args.scale})"
        gen_s, gen_mem, _ = measure([sys.executable, "-c", gen_code])
        val_s, val_mem, _ = measure([str(BIN / "crmkit"), "validate", str(client)])
        run_cmd = [str(BIN / "crmkit"), "run", str(client), "--output", str(Path(tmp) / "reports")]
        if args.jobs:
            run_cmd += ["--jobs", str(args.jobs)]
        run_s, run_mem, out = measure(run_cmd)
        index = Path(out.strip().splitlines()[-1])
        results = json.loads((index.parent / "results.json").read_text())
        rows = results["data_inventory"]["orders"]["rows"]
        stages = results["stages"]
    mib = 1024**2
    print(f"scale {args.scale:g}: {rows:,} orders, {os.cpu_count()} cores\n")
    print("| step | wall time (s) | peak memory (MiB) |")
    print("|---|---:|---:|")
    print(f"| generate the demo client | {gen_s:.1f} | {gen_mem / mib:,.0f} |")
    print(f"| `crmkit validate` | {val_s:.1f} | {val_mem / mib:,.0f} |")
    print(
        f"| `crmkit run` (validate, cache, stages, render) | {run_s:.1f} | {run_mem / mib:,.0f} |"
    )
    print("\n| stage | wall time incl. kernel start (s) | time in cells (s) |")
    print("|---|---:|---:|")
    for stage in stages.values():
        print(
            f"| {stage['number']} {stage['title']} | {stage['seconds']:.1f} | {stage['compute_seconds']:.1f} |"
        )
    run = results["run"]
    print(
        f"\nrun: {run_s:.1f} s in all; stages {run['stage_seconds']:.1f} s of wall time (in parallel), "
        f"of which {run['compute_seconds']:.1f} s inside cells"
    )


if __name__ == "__main__":
    main()
