"""batch.html: the clients of a batch side by side, and what they show together.

The page uses the reports' template (``report_template/batch.html.j2`` extends the page
every report shares) and stylesheet; it is self-contained like them (the chart is a PNG
data URI). Every text from a client (names, messages) is escaped by the template's
autoescaping; links are kept only when they are relative paths.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from markupsafe import Markup

from crmkit.report import render
from crmkit.report.plots import bar_chart
from crmkit.words import batch as words
from crmkit.words.formats import missing_text
from crmkit.words.language import html_language, tr

__all__ = ["plain_batch_page", "render_batch_page", "roi_chart_png"]

_NUMERIC = {"seconds", "npv", "roi", "payback_months", "scorecard_overall"}
_STATUS_CLASS = {
    "ok": "ok",
    "skipped_unchanged": "skipped",
    "interrupted": "skipped",
}


def roi_chart_png(rows: Sequence[Mapping[str, Any]]) -> str | None:
    """The ROI of each client as a bar chart, a base64 PNG; None when no client has one.

    The title states the finding (:func:`crmkit.words.batch.roi_chart_title`).
    """
    rois = pd.Series(
        {str(r.get("client")): r.get("roi") for r in rows if r.get("roi") is not None},
        dtype=float,
    )
    if rois.empty:
        return None
    rois = rois.sort_values(ascending=False) * 100
    figure = bar_chart(
        rois,
        title=words.roi_chart_title(list(rois / 100)),
        xlabel=words.roi_axis_label(),
        value_format="{:,.0f} %",
    )
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _row(row: Mapping[str, Any]) -> dict[str, Any]:
    status = str(row.get("status"))
    message = row.get("message")
    kpis = row.get("kpis") or {}
    return {
        "client": str(row.get("client") or ""),
        "name": row.get("name") if isinstance(row.get("name"), str) else None,
        "status": words.status_text(status, row.get("stage")),
        "status_class": _STATUS_CLASS.get(status, "failed"),
        "message": str(message).splitlines() if message else [],
        "seconds": words.number_cell(row.get("seconds")),
        "npv": words.money_cell(row.get("npv"), row.get("currency")),
        "roi": words.percent_cell(row.get("roi")),
        "payback": words.number_cell(row.get("payback_months")),
        "scorecard": words.percent_cell(row.get("scorecard_overall")),
        "kpis": [
            words.kpi_cell(str(e.get("label")), e.get("change_pct"), e.get("verdict"))
            for e in kpis.values()
        ],
        "report": _relative_href(row.get("report")),
    }


def _relative_href(value: Any) -> str | None:
    """A relative link, or None (no scheme, no absolute path)."""
    if not isinstance(value, str) or not value or ":" in value or value.startswith(("/", "\\")):
        return None
    return value


def render_batch_page(
    rows: Sequence[Mapping[str, Any]], view: Mapping[str, Any], meta: Mapping[str, Any]
) -> str:
    """The batch summary page.

    Parameters
    ----------
    rows : sequence of mapping
        One per client (:func:`crmkit.pipeline.batch.summary.summary_row`).
    view : mapping
        The cross-client view (:func:`crmkit.pipeline.batch.summary.portfolio`).
    meta : mapping
        The batch's ``id``, ``started_at``, ``counts`` (clients per status) …

    Returns
    -------
    str
        A complete, self-contained HTML document.
    """
    sentences = [words.roi_sentence([r.get("roi") for r in rows])]
    for name, kpi in (view.get("kpis") or {}).items():
        entries = [(r.get("kpis") or {}).get(name) for r in rows]
        entries = [e for e in entries if e]
        sentences.append(
            words.kpi_effect_sentence(
                str(kpi.get("label") or name),
                [e.get("change_pct") for e in entries],
                [e.get("verdict") for e in entries],
            )
        )
    chart = roi_chart_png(rows)
    headers = [
        {"text": text, "numeric": key in _NUMERIC} for key, text in words.table_headers().items()
    ]
    version = render._crmkit_version()
    started = render.format_run_label(meta.get("started_at"))
    template = render._page_environment().get_template("batch.html.j2")
    return template.render(
        language=html_language(),
        words=render.chrome_words(),
        version=version,
        page_title=words.batch_heading(),
        css=render._css(),
        body_class="index",
        client=str(meta.get("clients_dir") or ""),
        heading=words.batch_heading(),
        meta=words.batch_meta(started, version),
        portfolio_heading=words.portfolio_heading(),
        sentences=sentences,
        chart=chart,
        chart_title=words.roi_chart_title([r.get("roi") for r in rows]),
        clients_heading=words.clients_heading(),
        counts=words.counts_line(meta.get("counts") or {}),
        headers=headers,
        rows=[_row(r) for r in rows],
        missing=missing_text(),
        link_text=words.link_text(),
        batch_id=str(meta.get("id") or ""),
    )


def plain_batch_page(rows: Sequence[Mapping[str, Any]], problem: str) -> str:
    """A plain page for when :func:`render_batch_page` fails: each client, its status, its link."""
    items = []
    for row in rows:
        text = html.escape(
            f"{row.get('client')}: {words.status_text(str(row.get('status')), row.get('stage'))}"
        )
        href = _relative_href(row.get("report"))
        link = f' — <a href="{html.escape(href)}">{words.link_text()}</a>' if href else ""
        items.append(f"<li>{text}{link}</li>")
    return (
        f'<!DOCTYPE html>\n<html lang="{html_language()}"><head><meta charset="utf-8">'
        f"<title>{html.escape(words.batch_heading())}</title></head><body>"
        f"<h1>{html.escape(words.batch_heading())}</h1>"
        f"<p>{html.escape(words.unrendered_page_text(problem))} "
        f"{_see_files()}</p>"
        f"<ul>{''.join(items)}</ul></body></html>\n"
    )


def _see_files() -> Markup:
    """Where the batch's figures are when its page could not be drawn: two links."""
    return Markup(html.escape(tr("See {json} and {csv}."), quote=False)).format(
        json=Markup('<a href="batch.json">batch.json</a>'),
        csv=Markup('<a href="batch.csv">batch.csv</a>'),
    )
