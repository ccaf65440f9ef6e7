"""Compare two runs' results.json to the last digit, ignoring what changes from run to run.

A restructuring of crmkit must not change a single number. Run the demo before and after the
change and compare the two::

    .venv/bin/crmkit demo --scale 0.3 --output /tmp/before     # on the old code
    .venv/bin/crmkit demo --scale 0.3 --output /tmp/after      # on the new code
    .venv/bin/python benchmarks/compare_results.py /tmp/before /tmp/after --pages

Each argument is a results.json file or a folder holding one (searched recursively; with
several, the most recently written). Ignored: ``generated_at``, ``run_id``, the ``run``
section (timings, kernels started) and every key ending in ``seconds`` (stage timings), and
the run id wherever it appears inside a text (e.g. a page's path). Everything else (numbers,
texts, nulls, key order aside) must be equal; floats are compared exactly, not with a
tolerance. Prints each difference with its path and exits with status 1 when there is one,
0 when the two runs agree.

With ``--pages``, the visible text of every page beside the two results.json is compared too
(scripts, styles and embedded images left out; run ids, run times and the index's stage
timings ignored), so that a change of wording shows as well as a change of number.
"""

from __future__ import annotations

import argparse
import difflib
import html
import json
import re
import sys
from pathlib import Path
from typing import Any

#: Top-level keys that differ between two runs of the same inputs.
VOLATILE_TOP = frozenset({"generated_at", "run_id", "run"})


def find_results(path: Path) -> Path:
    """The results.json at ``path``: the file itself or the newest one under the folder.

    Raises
    ------
    FileNotFoundError
        When there is none.
    """
    if path.is_file():
        return path
    found = sorted(path.rglob("results.json"), key=lambda p: p.stat().st_mtime)
    if not found:
        raise FileNotFoundError(f"no results.json under {path}")
    return found[-1]


def _volatile(key: str, depth: int) -> bool:
    return (depth == 0 and key in VOLATILE_TOP) or key.endswith("seconds")


def differences(
    old: Any, new: Any, *, run_ids: tuple[str, str] = ("", ""), path: str = "", depth: int = 0
) -> list[str]:
    """Where ``new`` differs from ``old``, as ``path: old != new`` lines (empty when equal).

    Parameters
    ----------
    old, new : Any
        Two parsed results.json documents (or parts of them).
    run_ids : tuple of str
        The two runs' ids; in texts the new one is read as the old one.
    path : str
        Where in the document ``old`` and ``new`` sit (for the messages).
    depth : int
        Nesting depth (0 at the top, where ``generated_at``, ``run_id`` and ``run`` are skipped).

    Examples
    --------
    >>> differences({"a": 1.0, "run_id": "x"}, {"a": 1.0, "run_id": "y"})
    []
    >>> differences({"a": {"b": 0.3}}, {"a": {"b": 0.1 + 0.2}})
    ['a.b: 0.3 != 0.30000000000000004']
    >>> differences([1, 2], [1])
    [': list of 2 != list of 1']
    """
    if isinstance(old, dict) and isinstance(new, dict):
        lines = []
        for key in sorted(set(old) | set(new), key=str):
            if _volatile(str(key), depth):
                continue
            where = f"{path}.{key}" if path else str(key)
            if key not in old or key not in new:
                lines.append(f"{where}: {'missing before' if key not in old else 'missing after'}")
                continue
            lines += differences(old[key], new[key], run_ids=run_ids, path=where, depth=depth + 1)
        return lines
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{path}: list of {len(old)} != list of {len(new)}"]
        lines = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            lines += differences(a, b, run_ids=run_ids, path=f"{path}[{i}]", depth=depth + 1)
        return lines
    if isinstance(old, str) and isinstance(new, str) and all(run_ids):
        new = new.replace(run_ids[1], run_ids[0])
    if type(old) is not type(new) or old != new:
        return [f"{path}: {old!r} != {new!r}"]
    return []


_HIDDEN = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
_IMAGE = re.compile(r"data:image/[^\"')]+")
_TAG = re.compile(r"<[^>]+>")
_RUN_TIME = re.compile(r"\d{8}-\d{6}|\d{4}-\d\d-\d\d \d\d:\d\d UTC")


def page_text(markup: str) -> list[str]:
    """The visible lines of an HTML page, with run ids and run times masked.

    Examples
    --------
    >>> page_text("<h1>Churn &amp; retention</h1><script>x()</script><p>Run 20261206-045936</p>")
    ['Churn & retention', 'Run RUN']
    """
    text = _TAG.sub("\n", _IMAGE.sub("IMAGE", _HIDDEN.sub(" ", markup)))
    text = _RUN_TIME.sub("RUN", html.unescape(text))
    return [line.strip() for line in text.splitlines() if line.strip()]


def page_differences(before: Path, after: Path) -> list[str]:
    """The pages of two report folders whose visible text differs, with the first lines changed.

    The index is compared without the stage timings of its run table (numbers of seconds).
    """
    lines = []
    for page in sorted(before.glob("*.html")):
        other = after / page.name
        if not other.exists():
            lines.append(f"{page.name}: missing after")
            continue
        old, new = (page_text(p.read_text(encoding="utf-8")) for p in (page, other))
        if page.name == "index.html":
            old, new = ([re.sub(r"^\d+(\.\d+)?$", "SECONDS", s) for s in x] for x in (old, new))
        if old != new:
            diff = [d for d in difflib.unified_diff(old, new, lineterm="", n=0) if d[:1] in "+-"]
            lines.append(f"{page.name}: " + " | ".join(diff[2:8]))
    return lines


def main(argv: list[str] | None = None) -> int:
    """Compare the two results.json named on the command line; 1 when they differ."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="results.json or a folder holding one")
    parser.add_argument("after", type=Path, help="results.json or a folder holding one")
    parser.add_argument("--pages", action="store_true", help="compare every page's text too")
    args = parser.parse_args(argv)
    paths = [find_results(args.before), find_results(args.after)]
    old, new = (json.loads(p.read_text(encoding="utf-8")) for p in paths)
    run_ids = (str(old.get("run_id") or ""), str(new.get("run_id") or ""))
    lines = differences(old, new, run_ids=run_ids)
    if args.pages:
        lines += page_differences(paths[0].parent, paths[1].parent)
    for line in lines:
        print(line)
    print(f"{paths[0]} vs {paths[1]}: {len(lines)} difference(s)")
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
