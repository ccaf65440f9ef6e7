"""What the rollout designs and the placebo go-lives add to a run.

Generates two clients of 12,000 customers with 36 months of orders (12 before the before
window, 12 before go-live, 12 after; about 140,000 orders each, every unit with its own
month-to-month swings):

- **staggered**: three regions, North live from the first go-live, South six months later,
  West never;
- **pilot**: twelve branches, B01 live on go-live, the other eleven never (the control group).

On each it times, in this process after one warm-up, what the rollout work costs on top of
the analyses a run makes anyway: the rollout design (``rollout_analysis``: the staggered
imputation estimator or the synthetic control, their inference and their placebo go-lives),
and the placebo go-lives of the revenue time series and of the control-group comparison
(each analysis with its placebos less the same analysis without them). CPU seconds, best of
``--repeat`` runs.

Usage::

    .venv/bin/python benchmarks/bench_rollout.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from crmkit.data.validation import validate_client
from crmkit.demo.shapes import write_client
from crmkit.demo.shapes.shape import ClientShape
from crmkit.measure.control import control_comparison
from crmkit.measure.rollout import rollout_analysis
from crmkit.measure.time_series import time_series

N_CUSTOMERS = 12_000
BRANCHES = tuple(f"B{i:02d}" for i in range(1, 13))


def _client(root: Path, name: str, regions: tuple[str, ...], control: tuple[str, ...],
            rollout: dict | None) -> Path:  # fmt: skip
    shape = ClientShape(
        name, "rollout benchmark", tables=("customers", "orders"), regions=regions,
        reps_per_region=1, control_regions=control, extra_history_months=12,
        n_customers=N_CUSTOMERS, effect=0.10, churn_annual=0.1,
    )  # fmt: skip
    folder = write_client(shape, root / name, seed=11)
    if rollout is not None:
        params_file = folder / "params.yaml"
        params = yaml.safe_load(params_file.read_text(encoding="utf-8"))
        params["rollout"] = rollout
        params_file.write_text(yaml.safe_dump(params, sort_keys=False), encoding="utf-8")
    return folder


def _cpu(work: Callable[[], object], repeat: int) -> float:
    work()  # warm-up: imports and caches
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (default 3)")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="crmkit-bench-rollout-"))
    clients = {
        "staggered": _client(
            root, "staggered", ("North", "South", "West"), ("West",),
            {"column": "region", "go_live": {"North": "2025-01-01", "South": "2025-07-01"}},
        ),
        "pilot": _client(root, "pilot", BRANCHES, BRANCHES[1:], None),
    }  # fmt: skip
    print(f"{'client':10}{'orders':>9}{'design':>20}{'rollout (s)':>13}"
          f"{'ITS placebos (s)':>18}{'DiD placebos (s)':>18}{'added (s)':>11}")  # fmt: skip
    for name, folder in clients.items():
        report = validate_client(folder).raise_if_failed()
        tables, assessment = report.tables, report.assessment
        design = rollout_analysis(tables, assessment)
        work = functools.partial
        rollout = _cpu(work(rollout_analysis, tables, assessment), args.repeat)
        its = _cpu(work(time_series, tables, assessment), args.repeat) - _cpu(
            work(time_series, tables, assessment, placebos=False), args.repeat
        )
        did = _cpu(work(control_comparison, tables, assessment), args.repeat) - _cpu(
            work(control_comparison, tables, assessment, placebos=False), args.repeat
        )
        label = "none" if design is None else str(design.design)
        print(f"{name:10}{len(tables['orders']):>9,}{label:>20}{rollout:13.2f}"
              f"{its:18.2f}{did:18.2f}{rollout + its + did:11.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
