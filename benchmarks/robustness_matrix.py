"""The robustness matrix: ``crmkit run`` on every shape of client, and what each run must hold.

Each shape of :data:`crmkit.demo.shapes.SHAPES` (and each seed) is written as a client folder and
run through the installed ``crmkit`` command, as a user would. Every run is checked by
``tests/robustness_checks.py`` (exit 0 and a complete report, or exit 1 with a clear
validation error and no report; no traceback; every results.json number finite or null;
no change above 900 % without a guard; headline signs that agree with their estimates; no
failed stage; dates read as written; a summary without absurd percentages or guarded
claims). One line per run, a table at the end; exit 1 if any check failed.

Usage::

    .venv/bin/python benchmarks/robustness_matrix.py                  # every shape, seed 1
    .venv/bin/python benchmarks/robustness_matrix.py --shapes tiny_handful,hostile_text
    .venv/bin/python benchmarks/robustness_matrix.py --seeds 1,2,3 --jobs 2 --keep /tmp/m
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from robustness_checks import all_problems, run_client  # noqa: E402

from crmkit.demo.shapes import SHAPES, write_client  # noqa: E402


def _one(name: str, seed: int, root: Path, stage_jobs: int | None) -> tuple[str, int, str, list]:
    client = write_client(SHAPES[name], root / "clients" / f"{name}-s{seed}", seed)
    outcome = run_client(client, root / "reports", jobs=stage_jobs)
    if outcome.exit_code == 0:
        result = "report"
    elif outcome.report_dir is None:
        result = "rejected"
    else:
        result = f"exit {outcome.exit_code}"
    problems = all_problems(outcome)
    verdict = "PASS" if not problems else "FAIL"
    print(f"{verdict} {name} seed {seed}: {result} in {outcome.seconds:.0f} s", flush=True)
    for problem in problems:
        print(f"     - {problem}", flush=True)
    return name, seed, f"{result} ({outcome.seconds:.0f} s)", problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default="", help="comma-separated shape names (default: all)")
    parser.add_argument("--seeds", default="1", help="comma-separated seeds (default: 1)")
    parser.add_argument("--jobs", type=int, default=1, help="clients run at once (default: 1)")
    parser.add_argument(
        "--stage-jobs", type=int, default=None, help="crmkit run --jobs for each client"
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep clients and reports here")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.shapes.split(",") if n.strip()] or list(SHAPES)
    unknown = [n for n in names if n not in SHAPES]
    if unknown:
        parser.error(f"unknown shapes {unknown}; known: {', '.join(SHAPES)}")
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    root = args.keep or Path(tempfile.mkdtemp(prefix="crmkit-matrix-"))
    root.mkdir(parents=True, exist_ok=True)
    runs = [(name, seed) for name in names for seed in seeds]
    try:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            rows = list(pool.map(lambda r: _one(*r, root, args.stage_jobs), runs))
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    width = max(len(name) for name, *_ in rows)
    print(f"\n{'shape':<{width}}  seed  {'outcome':<18}  checks")
    for name, seed, result, problems in rows:
        checks = "pass" if not problems else f"{len(problems)} failed: {problems[0][:70]}"
        print(f"{name:<{width}}  {seed:>4}  {result:<18}  {checks}")
    failed = sum(1 for *_, problems in rows if problems)
    print(f"\n{len(rows) - failed} of {len(rows)} runs passed every check.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
