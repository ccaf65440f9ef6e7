"""Benchmark: the whole before/after impact computation on a large demo client.

    .venv/bin/python benchmarks/bench_impact.py --scale 5    # about 1,000,000 orders

Generates the demo client (not timed), validates it (timed apart), then times each step of
the impact computation the stage notebooks run: every KPI of the catalog in both windows with
its test and the family correction (:func:`crmkit.measure.measure_kpis`), the headline time
series, the difference-in-differences against the control group, and the channel mix. Memory:
the resident size with the validated tables loaded, and the peak during the computation
(the kernel's high-water mark, reset after loading). Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from memory import peak_mib, reset_peak, resident_mib

from crmkit import measure
from crmkit.data.validation import validate_client
from crmkit.demo.synth import generate_demo_client


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = generate_demo_client(Path(tmp) / "demo", scale=args.scale)
        started = time.perf_counter()
        report = validate_client(folder)
        validate_s = time.perf_counter() - started
    tables, assessment = report.tables, report.assessment
    loaded = resident_mib()
    reset_peak()
    steps = {
        "every KPI before and after, tested and corrected": lambda: measure.measure_kpis(
            tables, assessment
        ),
        "time series of monthly revenue": lambda: measure.time_series(tables, assessment),
        "difference-in-differences by rep": lambda: measure.control_comparison(tables, assessment),
        "contact-channel mix": lambda: measure.channel_mix(tables, assessment),
    }
    timings = {}
    for name, step in steps.items():
        started = time.perf_counter()
        step()
        timings[name] = time.perf_counter() - started
    print(
        f"scale {args.scale:g}: {len(tables['orders']):,} orders, {len(tables['tickets']):,} tickets, "
        f"{len(tables['opportunities']):,} opportunities, {os.cpu_count()} cores\n"
    )
    print("| step | time (s) |")
    print("|---|---:|")
    print(f"| validate the client folder (once per run) | {validate_s:.2f} |")
    for name, seconds in timings.items():
        print(f"| {name} | {seconds:.2f} |")
    print(f"| **impact computation in all** | **{sum(timings.values()):.2f}** |")
    print(
        f"\nmemory: {loaded:,.0f} MiB resident with the tables loaded; peak {peak_mib():,.0f} MiB during the computation"
    )


if __name__ == "__main__":
    main()
