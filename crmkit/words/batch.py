"""Every sentence and table header of a batch: its summary page, its CSV and its terminal lines.

A client's status arrives as its code (the values of
:class:`crmkit.pipeline.batch.ClientStatus`: ``ok``, ``skipped_unchanged``,
``failed_validation``, ``failed_stage``, ``failed``, ``interrupted``); numbers arrive as
plain values and a missing one reads "not available".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from crmkit.words.formats import (
    MISSING,
    as_number,
    format_change_pct,
    format_money,
    format_percent,
)

__all__ = [
    "CSV_HEADERS",
    "HEADLINE_KPIS",
    "KPI_HEADER",
    "TABLE_HEADERS",
    "batch_heading",
    "clients_heading",
    "counts_line",
    "dask_failure_message",
    "final_line",
    "kpi_cell",
    "kpi_effect_sentence",
    "link_text",
    "money_cell",
    "number_cell",
    "percent_cell",
    "portfolio_heading",
    "progress_line",
    "roi_axis_label",
    "roi_chart_title",
    "roi_sentence",
    "skipped_message",
    "status_text",
    "worker_crash_message",
]

#: The KPIs whose change the batch summary shows for each client, when measured.
HEADLINE_KPIS = ("revenue_monthly", "win_rate", "churn_rate_annual", "nps")

_STATUS_WORDS = {
    "ok": "ok",
    "skipped_unchanged": "skipped: unchanged",
    "failed_validation": "failed at validation",
    "failed_stage": "failed in a stage",
    "failed": "failed",
    "interrupted": "interrupted",
}

#: Column headers of the clients table on batch.html (units in the headers).
TABLE_HEADERS = {
    "client": "Client",
    "status": "Status",
    "message": "Note",
    "seconds": "Run time (s)",
    "npv": "NPV (currency)",
    "roi": "ROI (%)",
    "payback_months": "Payback (months)",
    "scorecard_overall": "Scorecard (0–100 %)",
    "kpis": "Headline KPI changes (relative, with verdict)",
    "report": "Report",
}

#: Column headers of batch.csv, in order; ``{kpi}`` columns follow for each headline KPI.
CSV_HEADERS = (
    "client",
    "name",
    "status",
    "stage",
    "message",
    "seconds",
    "currency",
    "npv",
    "roi",
    "payback_months",
    "scorecard_overall",
)

#: The header of a headline KPI's columns in batch.csv: its relative change and its verdict.
KPI_HEADER = ("{kpi}_change_pct", "{kpi}_verdict")


def status_text(status: str, stage: str | None = None) -> str:
    """A client's status in words.

    Examples
    --------
    >>> status_text("failed_stage", "03_sales_performance")
    'failed in stage 03_sales_performance'
    >>> status_text("skipped_unchanged")
    'skipped: unchanged'
    """
    if status == "failed_stage" and stage:
        return f"failed in stage {stage}"
    return _STATUS_WORDS.get(str(status), str(status))


def worker_crash_message(exit_code: int | None) -> str:
    """Why a client whose worker process died has no report.

    Examples
    --------
    >>> worker_crash_message(-9)
    'its worker process stopped unexpectedly (signal 9); the other clients were not affected'
    """
    if exit_code is None:
        how = ""
    elif exit_code < 0:
        how = f" (signal {-exit_code})"
    else:
        how = f" (exit code {exit_code})"
    return f"its worker process stopped unexpectedly{how}; the other clients were not affected"


def dask_failure_message(error: str, text: str) -> str:
    """Why a client whose Dask task was lost has no report."""
    detail = " ".join(str(text).split())
    return f"its Dask task did not return ({error}{': ' + detail if detail else ''})"


def skipped_message(run_id: str) -> str:
    """Why a client was not run again.

    Examples
    --------
    >>> skipped_message("20250101-120000")
    'params.yaml and data unchanged since the successful run 20250101-120000'
    """
    return f"params.yaml and data unchanged since the successful run {run_id}"


def kpi_cell(label: str, change_pct: Any, verdict: str | None) -> str:
    """One headline KPI's change as the clients table shows it.

    Examples
    --------
    >>> kpi_cell("Win rate", 0.12, "improved")
    'Win rate: +12.0 % (improved)'
    >>> kpi_cell("NPS", None, None)
    'NPS: not available'
    """
    text = f"{label}: {format_change_pct(change_pct)}"
    return f"{text} ({verdict})" if verdict else text


def money_cell(value: Any, currency: str | None) -> str:
    """An amount of money in its currency, or "not available"."""
    return format_money(value, currency or None)


def number_cell(value: Any, decimals: int = 1) -> str:
    """A plain number (run time, payback months), or "not available"."""
    number = as_number(value)
    return MISSING if number is None else f"{number:,.{decimals}f}"


def percent_cell(value: Any) -> str:
    """A fraction as a percentage (ROI, scorecard), or "not available"."""
    return format_percent(value, decimals=0)


def progress_line(done: int, total: int, client: str, status: str, stage: str | None,
                  seconds: float) -> str:  # fmt: skip
    """The log line of one finished client (when the terminal shows no progress bar).

    Examples
    --------
    >>> progress_line(2, 4, "acme", "ok", None, 12.34)
    '[2/4] acme: ok (12.3 s)'
    """
    return f"[{done}/{total}] {client}: {status_text(status, stage)} ({seconds:.1f} s)"


def counts_line(counts: Mapping[str, int]) -> str:
    """The clients counted by status, e.g. ``"3 ok, 1 failed at validation"``.

    Examples
    --------
    >>> counts_line({"ok": 3, "failed_validation": 1, "failed": 0})
    '4 clients: 3 ok, 1 failed at validation'
    """
    total = sum(counts.values())
    parts = [f"{n} {_STATUS_WORDS.get(s, s)}" for s, n in counts.items() if n]
    noun = "client" if total == 1 else "clients"
    return f"{total} {noun}: " + ", ".join(parts) if parts else f"{total} {noun}"


def final_line(counts: Mapping[str, int], summary: str, *, interrupted: bool = False) -> str:
    """The batch's last line: the counts and where the summary is."""
    stopped = "Batch interrupted. " if interrupted else ""
    return f"{stopped}{counts_line(counts)}. Summary: {summary}"


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def roi_sentence(rois: Sequence[Any]) -> str:
    """The distribution of ROI across clients in one sentence.

    Examples
    --------
    >>> roi_sentence([0.5, 1.5, None, -0.2])
    'ROI ranges from −20 % to 150 % across 3 clients (median 50 %); 1 of 3 is negative.'
    >>> roi_sentence([None])
    'No client has an ROI.'
    """
    values = [v for v in (as_number(r) for r in rois) if v is not None]
    if not values:
        return "No client has an ROI."
    if len(values) == 1:
        return f"One client has an ROI: {_percent(values[0])}."
    negative = sum(v < 0 for v in values)
    return (
        f"ROI ranges from {_percent(min(values))} to {_percent(max(values))} across "
        f"{len(values)} clients (median {_percent(_median(values))}); "
        f"{negative} of {len(values)} {'is' if negative == 1 else 'are'} negative."
    )


def _percent(value: float) -> str:
    return format_percent(value, decimals=0).replace("-", "\u2212")


def kpi_effect_sentence(label: str, changes: Sequence[Any], verdicts: Sequence[Any]) -> str:
    """One headline KPI across clients: the median change and the verdicts counted.

    Examples
    --------
    >>> kpi_effect_sentence("Win rate", [0.1, 0.3, None], ["improved", "no detectable change", None])
    'Win rate: measured for 2 clients, median change +20.0 %; 1 improved, 1 no detectable change.'
    """
    values = [v for v in (as_number(c) for c in changes) if v is not None and math.isfinite(v)]
    counted: dict[str, int] = {}
    for verdict in verdicts:
        if isinstance(verdict, str) and verdict:
            counted[verdict] = counted.get(verdict, 0) + 1
    if not values and not counted:
        return f"{label}: not measured for any client."
    median = format_change_pct(_median(values)) if values else MISSING
    n = max(len(values), sum(counted.values()))
    verdict_words = ", ".join(f"{k} {v}" for v, k in sorted(counted.items(), key=lambda i: -i[1]))
    noun = "client" if n == 1 else "clients"
    return f"{label}: measured for {n} {noun}, median change {median}" + (
        f"; {verdict_words}." if verdict_words else "."
    )


def roi_chart_title(rois: Sequence[Any]) -> str:
    """The ROI chart's title, stating its finding.

    Examples
    --------
    >>> roi_chart_title([0.5, 1.5, -0.2])
    '2 of 3 clients have a positive ROI'
    """
    values = [v for v in (as_number(r) for r in rois) if v is not None]
    if not values:
        return "No client has an ROI to show"
    positive = sum(v > 0 for v in values)
    noun = "client has" if len(values) == 1 else "clients have"
    return f"{positive} of {len(values)} {noun} a positive ROI"


def roi_axis_label() -> str:
    """The ROI chart's value axis."""
    return "ROI (%)"


def batch_heading() -> str:
    """The batch page's heading."""
    return "CRM value assessment: batch of clients"


def portfolio_heading() -> str:
    """The heading of the cross-client view."""
    return "Across clients"


def clients_heading() -> str:
    """The heading of the clients table."""
    return "Clients"


def link_text() -> str:
    """The text of a link to a client's report."""
    return "report"
