"""The batch's summary: one row per client, a cross-client view, batch.json / .csv / .html.

A row (:func:`summary_row`) joins a client's outcome to its report's results.json: status,
run time, NPV, ROI, payback, the scorecard's overall score, the headline KPIs' changes with
their verdicts, and the link to its index.html relative to the batch folder. Every value is
plain JSON; a missing one is null (None), never NaN.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from crmkit.data.guards import finite_number
from crmkit.pipeline.batch.outcome import ClientOutcome, ClientStatus
from crmkit.words.batch import CSV_HEADERS, HEADLINE_KPIS, KPI_HEADER

__all__ = ["portfolio", "read_results", "summary_row", "write_summary"]


def _section(results: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = results.get(key)
    return value if isinstance(value, Mapping) else {}


def _verdict(entry: Mapping[str, Any]) -> str | None:
    """The verdict a summary may state: an improvement or worsening only when no guard holds it."""
    verdict = entry.get("verdict")
    if not isinstance(verdict, str) or not verdict:
        return None
    if verdict in ("improved", "worsened") and entry.get("guard"):
        return "not claimed"
    return verdict


def summary_row(
    outcome: ClientOutcome, results: Mapping[str, Any] | None, batch_dir: str | Path
) -> dict[str, Any]:
    """One client's row of the batch summary.

    Parameters
    ----------
    outcome : ClientOutcome
    results : mapping or None
        The content of the client's results.json (None when it has no report).
    batch_dir : path
        The folder of batch.html: the report link is relative to it.

    Returns
    -------
    dict
        ``client``, ``name``, ``status``, ``stage``, ``message``, ``seconds``, ``run_id``,
        ``currency``, ``npv``, ``roi``, ``payback_months``, ``scorecard_overall``, ``kpis``
        (``{kpi: {label, unit, change, change_pct, verdict}}`` for the headline KPIs
        present), ``report`` (relative link to index.html, or None), ``inputs_hash``, and
        ``pdf`` / ``pdf_pages`` (with ``--pdf``: what printing the pages did, the PDFs
        written; None and 0 otherwise).

    Examples
    --------
    >>> outcome = ClientOutcome("acme", "/c/acme", ClientStatus.OK, report_dir="/r/acme/1")
    >>> row = summary_row(outcome, {"financial": {"npv": 1000.0, "roi": float("nan")}}, "/r/b")
    >>> row["npv"], row["roi"], row["report"]
    (1000.0, None, '../acme/1/index.html')
    """
    results = results if isinstance(results, Mapping) else {}
    financial = _section(results, "financial")
    params = _section(results, "params")
    kpis: dict[str, dict[str, Any]] = {}
    for name in HEADLINE_KPIS:
        entry = _section(_section(results, "kpis"), name)
        if not entry:
            continue
        label = entry.get("label")
        kpis[name] = {
            "label": label if isinstance(label, str) and label else name,
            "unit": entry.get("unit") if isinstance(entry.get("unit"), str) else None,
            "change": finite_number(entry.get("change")),
            "change_pct": finite_number(entry.get("change_pct")),
            "verdict": _verdict(entry),
        }
    report = None
    if outcome.report_dir and results:
        index = Path(outcome.report_dir) / "index.html"
        report = Path(os.path.relpath(index, Path(batch_dir).resolve())).as_posix()
    name = results.get("client") if isinstance(results.get("client"), str) else outcome.name
    currency = params.get("currency")
    return {
        "client": outcome.client,
        "name": name,
        "status": str(outcome.status),
        "stage": outcome.stage,
        "message": outcome.message,
        "seconds": finite_number(outcome.seconds),
        "run_id": results.get("run_id") if isinstance(results.get("run_id"), str) else None,
        "currency": currency if isinstance(currency, str) else None,
        "npv": finite_number(financial.get("npv")),
        "roi": finite_number(financial.get("roi")),
        "payback_months": finite_number(financial.get("payback_months")),
        "scorecard_overall": finite_number(_section(results, "scorecard").get("overall")),
        "kpis": kpis,
        "report": report,
        "inputs_hash": outcome.inputs_hash,
        "pdf": outcome.pdf,
        "pdf_pages": outcome.pdf_pages,
    }


def read_results(report_dir: str | Path | None) -> dict[str, Any] | None:
    """A report folder's results.json, or None when it has none that can be read."""
    if not report_dir:
        return None
    try:
        results = json.loads((Path(report_dir) / "results.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return results if isinstance(results, dict) else None


def portfolio(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The cross-client view: ROI and each headline KPI's change across clients.

    Examples
    --------
    >>> rows = [{"roi": 0.5, "kpis": {"nps": {"label": "NPS", "change_pct": 0.1,
    ...          "verdict": "improved"}}}, {"roi": None, "kpis": {}}]
    >>> view = portfolio(rows)
    >>> view["roi"]["n"], view["roi"]["median"], view["kpis"]["nps"]["improved"]
    (1, 0.5, 1)
    """
    rois = [r["roi"] for r in rows if finite_number(r.get("roi")) is not None]
    view: dict[str, Any] = {"roi": _distribution(rois), "kpis": {}}
    for name in HEADLINE_KPIS:
        entries = [r["kpis"][name] for r in rows if name in (r.get("kpis") or {})]
        if not entries:
            continue
        changes = [
            e["change_pct"] for e in entries if finite_number(e.get("change_pct")) is not None
        ]
        summary = {"label": entries[0].get("label") or name, **_distribution(changes)}
        for entry in entries:
            verdict = entry.get("verdict")
            if isinstance(verdict, str):
                summary[verdict] = summary.get(verdict, 0) + 1
        view["kpis"][name] = summary
    return view


def _distribution(values: Sequence[float]) -> dict[str, Any]:
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return {"n": 0, "min": None, "median": None, "max": None, "values": []}
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return {"n": n, "min": ordered[0], "median": median, "max": ordered[-1], "values": ordered}


def counts(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Clients per status, in the order of :class:`ClientStatus`."""
    return {str(s): sum(r.get("status") == s for r in rows) for s in ClientStatus}


def write_summary(
    batch_dir: str | Path, rows: Sequence[Mapping[str, Any]], meta: Mapping[str, Any]
) -> dict[str, Path]:
    """Write batch.json, batch.csv and batch.html into ``batch_dir``; their paths.

    batch.json holds ``batch`` (``meta`` and the counts per status), ``clients`` (the rows)
    and ``portfolio`` (:func:`portfolio`). batch.csv has one line per client: the columns of
    :data:`crmkit.words.batch.CSV_HEADERS`, then each headline KPI's relative change and
    verdict, then the report link; empty cells for nulls. The page is rendered by
    :func:`crmkit.report.batch_page.render_batch_page`; if that fails, a plain page says so
    and links batch.json and batch.csv, and the run's other files stand.
    """
    from crmkit.report.batch_page import plain_batch_page, render_batch_page

    batch_dir = Path(batch_dir)
    batch_dir.mkdir(parents=True, exist_ok=True)
    view = portfolio(rows)
    document = {
        "batch": {**meta, "counts": counts(rows)},
        "clients": list(rows),
        "portfolio": view,
    }
    paths = {
        "json": batch_dir / "batch.json",
        "csv": batch_dir / "batch.csv",
        "html": batch_dir / "batch.html",
    }
    paths["json"].write_text(
        json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n",
        encoding="utf-8",
    )
    _write_csv(paths["csv"], rows)
    try:
        page = render_batch_page(rows, view, document["batch"])
    except Exception as error:  # the page must not cost the batch its summary
        page = plain_batch_page(rows, f"{type(error).__name__}: {error}")
    paths["html"].write_text(page, encoding="utf-8")
    return paths


def _write_csv(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    header = list(CSV_HEADERS)
    for name in HEADLINE_KPIS:
        header += [h.format(kpi=name) for h in KPI_HEADER]
    header.append("report")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            line = [_cell(row.get(key)) for key in CSV_HEADERS]
            for name in HEADLINE_KPIS:
                entry = (row.get("kpis") or {}).get(name) or {}
                line += [_cell(entry.get("change_pct")), _cell(entry.get("verdict"))]
            line.append(_cell(row.get("report")))
            writer.writerow(line)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    # A spreadsheet runs a cell that starts with = + - @ as a formula: client text is data.
    if isinstance(value, str) and text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
