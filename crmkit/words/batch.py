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
    as_number,
    format_change_pct,
    format_money,
    format_percent,
    missing_text,
)
from crmkit.words.language import term, tr
from crmkit.words.phrases import verdict_word

__all__ = [
    "CSV_HEADERS",
    "HEADLINE_KPIS",
    "KPI_HEADER",
    "TABLE_HEADERS",
    "batch_heading",
    "batch_meta",
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
    "table_headers",
    "unrendered_page_text",
    "worker_crash_message",
]

#: The KPIs whose change the batch summary shows for each client, when measured.
HEADLINE_KPIS = ("revenue_monthly", "win_rate", "churn_rate_annual", "nps")


def _status_word(status: str) -> str:
    words = {
        "ok": tr("ok"),
        "skipped_unchanged": tr("skipped: unchanged"),
        "failed_validation": tr("failed at validation"),
        "failed_stage": tr("failed in a stage"),
        "failed": tr("failed"),
        "interrupted": tr("interrupted"),
    }
    return words.get(str(status), str(status))


def table_headers() -> dict[str, str]:
    """Column headers of the clients table on batch.html (units in the headers), by key."""
    return {
        "client": tr("Client"),
        "status": tr("Status"),
        "message": tr("Note"),
        "seconds": tr("Run time (s)"),
        "npv": tr("NPV (currency)"),
        "roi": tr("ROI (%)"),
        "payback_months": tr("Payback (months)"),
        "scorecard_overall": tr("Scorecard (0–100 %)"),
        "kpis": tr("Headline KPI changes (relative, with verdict)"),
        "report": tr("Report"),
    }


#: Column headers of the clients table on batch.html, in English (:func:`table_headers`
#: gives them in the report's language).
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
        return tr("failed in stage {stage}", stage=stage)
    return _status_word(status)


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
    label, change = term(label), format_change_pct(change_pct)
    if verdict:
        return tr(
            "{label}: {change} ({verdict})",
            label=label,
            change=change,
            verdict=verdict_word(verdict),
        )
    return tr("{label}: {change}", label=label, change=change)


def money_cell(value: Any, currency: str | None) -> str:
    """An amount of money in its currency, or "not available"."""
    return format_money(value, currency or None)


def number_cell(value: Any, decimals: int = 1) -> str:
    """A plain number (run time, payback months), or "not available"."""
    number = as_number(value)
    return missing_text() if number is None else f"{number:,.{decimals}f}"


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
    parts = [
        tr("{count} {status}", count=n, status=_status_word(s)) for s, n in counts.items() if n
    ]
    clients = tr("1 client") if total == 1 else tr("{n} clients", n=total)
    if not parts:
        return clients
    return tr("{clients}: {counts}", clients=clients, counts=tr(", ").join(parts))


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
        return tr("No client has an ROI.")
    if len(values) == 1:
        return tr("One client has an ROI: {roi}.", roi=_percent(values[0]))
    negative = sum(v < 0 for v in values)
    fields = {
        "low": _percent(min(values)),
        "high": _percent(max(values)),
        "n": len(values),
        "median": _percent(_median(values)),
        "negative": negative,
    }
    if negative == 1:
        return tr(
            "ROI ranges from {low} to {high} across {n} clients (median {median}); "
            "{negative} of {n} is negative.",
            **fields,
        )
    return tr(
        "ROI ranges from {low} to {high} across {n} clients (median {median}); "
        "{negative} of {n} are negative.",
        **fields,
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
    label = term(label)
    if not values and not counted:
        return tr("{label}: not measured for any client.", label=label)
    median = format_change_pct(_median(values)) if values else missing_text()
    n = max(len(values), sum(counted.values()))
    verdict_words = tr(", ").join(
        tr("{count} {verdict}", count=k, verdict=verdict_word(v))
        for v, k in sorted(counted.items(), key=lambda i: -i[1])
    )
    if n == 1:
        measured = tr(
            "{label}: measured for 1 client, median change {median}", label=label, median=median
        )
    else:
        measured = tr(
            "{label}: measured for {n} clients, median change {median}",
            label=label,
            n=n,
            median=median,
        )
    if verdict_words:
        return tr("{measured}; {verdicts}.", measured=measured, verdicts=verdict_words)
    return tr("{measured}.", measured=measured)


def roi_chart_title(rois: Sequence[Any]) -> str:
    """The ROI chart's title, stating its finding.

    Examples
    --------
    >>> roi_chart_title([0.5, 1.5, -0.2])
    '2 of 3 clients have a positive ROI'
    """
    values = [v for v in (as_number(r) for r in rois) if v is not None]
    if not values:
        return tr("No client has an ROI to show")
    positive = sum(v > 0 for v in values)
    if len(values) == 1:
        return tr("{positive} of 1 client has a positive ROI", positive=positive)
    return tr("{positive} of {n} clients have a positive ROI", positive=positive, n=len(values))


def roi_axis_label() -> str:
    """The ROI chart's value axis."""
    return tr("ROI (%)")


def batch_heading() -> str:
    """The batch page's heading."""
    return tr("CRM value assessment: batch of clients")


def portfolio_heading() -> str:
    """The heading of the cross-client view."""
    return tr("Across clients")


def clients_heading() -> str:
    """The heading of the clients table."""
    return tr("Clients")


def link_text() -> str:
    """The text of a link to a client's report."""
    return tr("report")


def batch_meta(started: str, version: str) -> list[str]:
    """The batch page's header line: when the batch started and crmkit's version."""
    meta = [tr("Batch {started}", started=started) if started else "", f"crmkit {version}"]
    return [item for item in meta if item]


def unrendered_page_text(problem: str) -> str:
    """What the plain batch page says when the full page could not be drawn (plain text)."""
    return tr("The page could not be drawn in full: {problem}.", problem=problem)
