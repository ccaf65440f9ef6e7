"""Checks of one ``crmkit run`` on a client the kit was not made for.

Used by ``benchmarks/robustness_matrix.py`` (every shape of :data:`crmkit.demo.shapes.SHAPES`)
and by ``tests/test_robustness.py`` and ``tests/test_real_data.py`` (a few clients): one
definition of what a run must satisfy, whatever the data:

- it ends with exit 0 and a complete report folder, or with exit 1, a clear validation
  error and no report folder (and which of the two is what the client's ``truth.json``
  expects, where it says);
- no traceback reaches the user;
- every number in results.json is finite or null;
- no KPI's relative change exceeds :data:`MAX_CHANGE_PCT` (900 %) unless a guard is set;
- a headline percentage has the sign of the estimate it comes from;
- no stage failed;
- the orders' dates were read as written (their first and last date, where known);
- the executive summary prints no percentage above 900 % and claims no guarded KPI.

Each check returns a list of problems in words (empty: passed). Nothing here runs in
crmkit's own pipeline.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmkit.data.guards import Guard

__all__ = [
    "MAX_CHANGE_PCT",
    "RunOutcome",
    "all_problems",
    "check_change_pct",
    "check_date_coverage",
    "check_headline_signs",
    "check_numbers_finite",
    "check_outcome",
    "check_stages",
    "check_summary",
    "crmkit_command",
    "percentages",
    "run_client",
    "summary_text",
]

#: The largest relative change (9 = +900 %) a KPI may show without a guard.
MAX_CHANGE_PCT = 9.0
TRACEBACK = "Traceback (most recent call last)"


@dataclass
class RunOutcome:
    """What one ``crmkit run`` did.

    Attributes
    ----------
    client_dir : Path
        The client folder run.
    exit_code : int
        The command's exit status.
    stdout, stderr : str
        What it printed.
    output_root : Path
        The ``--output`` folder; the report, if any, is under ``output_root/<client folder>``.
    report_dir : Path or None
        The report folder written, if any.
    seconds : float
        Wall time of the command.
    """

    client_dir: Path
    exit_code: int
    stdout: str
    stderr: str
    output_root: Path
    report_dir: Path | None
    seconds: float
    results: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def truth(self) -> dict[str, Any]:
        """The client's ``truth.json`` (empty for a client that has none)."""
        path = self.client_dir / "truth.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}

    @property
    def index_html(self) -> str:
        """The report's index.html, or "" when there is none."""
        if self.report_dir is None or not (self.report_dir / "index.html").is_file():
            return ""
        return (self.report_dir / "index.html").read_text(encoding="utf-8")


def crmkit_command() -> list[str]:
    """The installed ``crmkit`` command of the running Python environment."""
    beside = Path(sys.executable).with_name("crmkit")
    return [str(beside)] if beside.is_file() else ["crmkit"]


def run_client(
    client_dir: Path, output_root: Path, *, jobs: int | None = None, timeout: float = 1800
) -> RunOutcome:
    """Run ``crmkit run CLIENT_DIR --output OUTPUT_ROOT`` as a user would, in a subprocess."""
    command = [*crmkit_command(), "run", str(client_dir), "--output", str(output_root)]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    seconds = time.perf_counter() - started
    folder = output_root / client_dir.name
    runs = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    visible = [p for p in runs if not p.name.startswith(".")]
    report_dir = visible[-1] if visible else None
    results = None
    if report_dir is not None and (report_dir / "results.json").is_file():
        results = json.loads((report_dir / "results.json").read_text(encoding="utf-8"))
    return RunOutcome(
        client_dir,
        done.returncode,
        done.stdout,
        done.stderr,
        output_root,
        report_dir,
        seconds,
        results,
    )


def check_outcome(outcome: RunOutcome) -> list[str]:
    """Exit 0 and a complete report, or exit 1, a clear validation error and no report.

    Also: no traceback in what the command printed, and the outcome the client's
    ``truth.json`` expects ("report" or "rejected"), where it says.
    """
    problems = []
    printed = outcome.stdout + outcome.stderr
    if TRACEBACK in printed:
        problems.append("a traceback was printed, ending: " + _traceback_end(printed))
    folder = outcome.output_root / outcome.client_dir.name
    leftovers = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    expected = outcome.truth.get("expected")
    if outcome.exit_code == 0:
        if outcome.report_dir is None:
            return [*problems, "exit 0 but no report folder"]
        for name in ("index.html", "results.json"):
            if not (outcome.report_dir / name).is_file():
                problems.append(f"exit 0 but the report has no {name}")
        for stage, entry in ((outcome.results or {}).get("stages") or {}).items():
            page = entry.get("html")
            if entry.get("status") == "ok" and not (page and (outcome.report_dir / page).is_file()):
                problems.append(f"stage {stage} is ok but its page {page} is missing")
        if hidden := [n for n in leftovers if n.startswith(".")]:
            problems.append(f"half-written folders left beside the report: {hidden}")
        if expected == "rejected":
            problems.append("the client should have been stopped by validation, but ran")
    elif outcome.exit_code == 1 and outcome.report_dir is None:
        if leftovers:
            problems.append(f"validation failed but {folder} holds {leftovers}")
        if not re.search(r"(\.csv|\.xlsx|\.parquet|params)", outcome.stderr):
            problems.append("exit 1 without a message naming a file: " + outcome.stderr[-300:])
        if expected == "report":
            problems.append("exit 1 and no report for a client that should run: " + _last(outcome))
    elif outcome.exit_code == 1:
        failed = [
            f"{name} ({entry.get('message')})"
            for name, entry in ((outcome.results or {}).get("stages") or {}).items()
            if entry.get("status") == "failed"
        ]
        problems.append(
            "exit 1 after writing a report; failed stages: "
            + ("; ".join(failed) or "none recorded: " + outcome.stderr[-600:])
        )
    else:
        problems.append(f"exit {outcome.exit_code}: {outcome.stderr[-600:]}")
    return problems


def _last(outcome: RunOutcome, lines: int = 3) -> str:
    return " | ".join(outcome.stderr.strip().splitlines()[-lines:])


def _traceback_end(text: str) -> str:
    """The exception line of the first traceback in ``text`` (its last unindented line)."""
    lines = text[text.find(TRACEBACK) :].splitlines()[1:]
    for line in lines:
        if line and not line.startswith(" "):
            return line[:300]
    return lines[-1][:300] if lines else ""


def _walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for k, item in enumerate(value):
            yield from _walk(item, f"{path}[{k}]")
    else:
        yield path, value


def check_numbers_finite(results: Mapping[str, Any]) -> list[str]:
    """Every number of results.json finite or null (no NaN, no ±Infinity, not as text either).

    Examples
    --------
    >>> check_numbers_finite({"a": [1.0, None], "b": {"c": float("nan"), "d": "Infinity"}})
    ['b.c = nan', "b.d = 'Infinity'"]
    """
    bad = []
    for path, value in _walk(results):
        if isinstance(value, float) and not math.isfinite(value):
            bad.append(f"{path} = {value}")
        elif isinstance(value, str) and value.strip().lower() in {
            "nan",
            "inf",
            "-inf",
            "infinity",
            "-infinity",
        }:
            bad.append(f"{path} = {value!r}")
    return bad


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def check_change_pct(results: Mapping[str, Any], bound: float = MAX_CHANGE_PCT) -> list[str]:
    """No KPI's ``change_pct`` beyond ±``bound`` (a fraction) unless its ``guard`` is set.

    Examples
    --------
    >>> check_change_pct({"kpis": {"clv": {"change_pct": 545.3, "guard": None}}})
    ['kpis.clv.change_pct = 545.3 (+54,530 %) without a guard']
    >>> check_change_pct({"kpis": {"clv": {"change_pct": 545.3, "guard": "base_near_zero"}}})
    []
    """
    bad = []
    for name, entry in (results.get("kpis") or {}).items():
        change = _number((entry or {}).get("change_pct"))
        if change is not None and abs(change) > bound and not entry.get("guard"):
            bad.append(
                f"kpis.{name}.change_pct = {change:g} ({100 * change:+,.0f} %) without a guard"
            )
    return bad


def _opposite(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and a * b < 0


def check_headline_signs(results: Mapping[str, Any]) -> list[str]:
    """Each impact design's percentage has the sign of the estimate it comes from.

    ``impact.time_series.effect_pct`` against its ``effect_per_month``; the difference-in-
    differences' ``effect_pct`` against its absolute ``effect`` (where given) and inside
    its own interval's order (``ci_low_pct`` ≤ ``ci_high_pct``). A design whose ``guard``
    is set claims no percentage and is not checked for sign.

    Examples
    --------
    >>> check_headline_signs({"impact": {"time_series": {
    ...     "effect_pct": -1.552, "effect_per_month": 242649.0, "guard": None}}})
    ['impact.time_series: effect_pct -1.552 but effect_per_month 242649']
    """
    impact = results.get("impact") or {}
    bad = []
    series = impact.get("time_series") or {}
    pct, effect = _number(series.get("effect_pct")), _number(series.get("effect_per_month"))
    if _opposite(pct, effect) and not series.get("guard"):
        bad.append(f"impact.time_series: effect_pct {pct:g} but effect_per_month {effect:g}")
    did = impact.get("difference_in_differences") or {}
    pct = _number(did.get("effect_pct"))
    for key in ("effect", "effect_per_month"):
        effect = _number(did.get(key))
        if _opposite(pct, effect) and not did.get("guard"):
            bad.append(f"impact.difference_in_differences: effect_pct {pct:g} but {key} {effect:g}")
    low, high = _number(did.get("ci_low_pct")), _number(did.get("ci_high_pct"))
    if low is not None and high is not None and low > high:
        bad.append(f"impact.difference_in_differences: interval {low:g} to {high:g}")
    return bad


def check_stages(results: Mapping[str, Any]) -> list[str]:
    """No stage failed; every status is ok, skipped or failed."""
    bad = []
    for name, entry in (results.get("stages") or {}).items():
        status = (entry or {}).get("status")
        if status == "failed":
            bad.append(f"stage {name} failed: {entry.get('message')}")
        elif status not in ("ok", "skipped"):
            bad.append(f"stage {name} has status {status!r}")
    return bad


def check_date_coverage(results: Mapping[str, Any], truth: Mapping[str, Any]) -> list[str]:
    """The orders' first and last dates as the report read them equal those written."""
    written = truth.get("orders") or {}
    read = ((results.get("data_inventory") or {}).get("orders")) or {}
    bad = []
    for key in ("first_date", "last_date"):
        if written.get(key) and read.get(key) and str(read[key])[:10] != written[key]:
            bad.append(f"orders' {key} read as {read[key]}, written as {written[key]}")
    return bad


def summary_text(index_html: str) -> str:
    """The executive summary of an index page as plain text ("" when the page has none)."""
    match = re.search(
        r"<section[^>]*class=\"[^\"]*summary[^\"]*\"[^>]*>(.*?)</section>", index_html, re.S
    )
    if match is None:
        return ""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", match.group(1), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


_PERCENT = re.compile(r"([+\-−]?)\s?(\d{1,3}(?:[,\u202f\u2009 ]\d{3})+|\d+)(\.\d+)?\s?%")


def percentages(text: str) -> list[float]:
    """The percentages written in ``text``, in percent (thousands separators understood).

    Examples
    --------
    >>> percentages("NPS (+2,531.8 %), churn −38.6 %, 95 % CI, CLV +54 529.8%")
    [2531.8, -38.6, 95.0, 54529.8]
    """
    values = []
    for sign, whole, decimals in _PERCENT.findall(text):
        value = float(re.sub(r"[,\u202f\u2009 ]", "", whole) + (decimals or ""))
        values.append(-value if sign in ("-", "−") else value)
    return values


_CAVEAT = re.compile(r"not credited|not claimed|withheld|confound|caveat|cannot say", re.I)


def check_summary(index_html: str, results: Mapping[str, Any]) -> list[str]:
    """The executive summary: no percentage beyond 900 %, no claim on a guarded KPI.

    A KPI is guarded when its ``guard`` withholds the claim (:class:`crmkit.data.guards.Guard`);
    a sentence of the summary that names such a KPI and calls it improved or worsened (or
    lists it among the improvements) is a claim, unless the sentence states the caveat.
    """
    text = summary_text(index_html)
    bad = [
        f"the executive summary prints {value:+,.1f} %"
        for value in percentages(text)
        if abs(value) > 100 * MAX_CHANGE_PCT
    ]
    sentences = re.split(r"(?<=[.!?;])\s+", text)
    for name, entry in (results.get("kpis") or {}).items():
        code = (entry or {}).get("guard")
        try:
            withheld = code is not None and Guard(code).withholds_claim
        except ValueError:
            withheld = True
        label = (entry or {}).get("label")
        if not withheld or not label:
            continue
        for sentence in sentences:
            claims = re.search(r"improv|worsen", sentence, re.I)
            if label in sentence and claims and not _CAVEAT.search(sentence):
                bad.append(f"the summary claims {label} ({name}, guard {code}): {sentence!r}")
    return bad


def all_problems(outcome: RunOutcome) -> list[str]:
    """Every check of this module on one run."""
    problems = check_outcome(outcome)
    results = outcome.results
    if results is None:
        return problems
    problems += check_numbers_finite(results)
    problems += check_change_pct(results)
    problems += check_headline_signs(results)
    problems += check_stages(results)
    problems += check_date_coverage(results, outcome.truth)
    problems += check_summary(outcome.index_html, results)
    return problems
