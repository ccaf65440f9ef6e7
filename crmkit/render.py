"""HTML rendering of crmkit reports: every stage page and the index page.

All HTML that crmkit writes is made here, in one place, with one stylesheet
(``report_template/report.css``) so that stage pages and the index look the same.

Pages are self-contained: the CSS is inlined in a ``<style>`` element, images are data
URIs (nbconvert embeds ``image/png`` and ``image/jpeg`` as base64; ``image/svg+xml`` is
embedded as a base64 data URI too), there is no JavaScript, no web font and no URL of
any script, style sheet or font, so a page opens offline from an e-mail attachment.

How a stage page is made
------------------------
1. :func:`report_exporter` configures one :class:`nbconvert.HTMLExporter` with crmkit's
   body template (``report_template/body.html.j2``, which extends nbconvert's
   ``classic/base.html.j2``, the markup of the ``basic`` template): code inputs and the
   ``In``/``Out`` prompts are excluded (``exclude_input``, ``exclude_input_prompt``,
   ``exclude_output_prompt``), but outputs are kept, and error outputs are outputs, so the
   traceback of a failed cell stays visible (ANSI colours converted to classes by
   nbconvert's ``ansi2html``). JavaScript and widget outputs are dropped.
2. :func:`render_stage` renders the notebook body with it, makes heading ids unique,
   collects the h1-h3 headings into a table of contents, marks numeric table cells for
   right alignment, and wraps the body in ``report_template/stage.html.j2`` (the header
   with client, stage title, run label and a link back to ``index.html``).

Cells tagged ``remove-cell`` are left out entirely, and cells tagged ``remove-output``
lose their outputs (nbconvert's ``TagRemovePreprocessor``). The marker cells papermill
inserts into a failed notebook are dropped: the page's own banner replaces them (their
``In [n]`` reference points at a prompt the page no longer shows).
"""

from __future__ import annotations

import copy
import html
import importlib.metadata
import re
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import nbformat
from markupsafe import Markup
from nbconvert import HTMLExporter
from traitlets.config import Config

from crmkit.formats import MISSING as _MISSING
from crmkit.formats import format_change_pct, format_money, format_percent
from crmkit.formats import is_missing as _is_missing

__all__ = [
    "STATUSES",
    "executive_summary",
    "format_money",
    "format_percent",
    "format_run_label",
    "headline_figures",
    "render_index",
    "render_stage",
    "report_exporter",
]

#: The statuses a stage can have, as recorded in ``results.json``.
STATUSES = ("ok", "skipped", "failed")

_TEMPLATE_DIR = "report_template"
_PAPERMILL_ERROR_TAG = "papermill-error-cell-tag"
_ERROR_ANCHOR = "crmkit-error"

# Display priority for reports: no JavaScript, widgets or mermaid (they need scripts that
# a page opened offline does not have); LaTeX only as a last resort (no MathJax either).
_DISPLAY_PRIORITY = [
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "text/plain",
    "text/latex",
]

_HEADING = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)
_ID_ATTR = re.compile(r"""\sid\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_ANCHOR_LINK = re.compile(r"<a\s[^>]*class=\"anchor-link\"[^>]*>.*?</a>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_CELL = re.compile(r"<td(\s[^>]*)?>([^<]*)</td>", re.IGNORECASE)
_NUMERIC = re.compile(
    r"""^\s*[-+\u2212]?\s*(?:[A-Z]{3}\s|[$\u20ac\u00a3\u00a5])?\s*[-+\u2212]?
        (?:\d[\d,\u00a0\u202f ]*(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?
        \s*(?:%|[a-zA-Z]{1,5})?\s*$
      |^\s*(?:nan|NaN|&lt;NA&gt;|NaT|None|inf|-inf|n/a|\u2013|\u2014|-)\s*$""",
    re.VERBOSE,
)
_FIRST_ERROR = 'class="output_subarea output_text output_error"'


# --------------------------------------------------------------------------- formatting


def format_run_label(generated_at: str | datetime | None) -> str:
    """The run label shown in every page header: the run's date and time.

    Parameters
    ----------
    generated_at : str or datetime or None
        ISO 8601 timestamp (``results["generated_at"]``).

    Returns
    -------
    str
        E.g. ``"2026-11-25 18:30 UTC"``; an unparsable string is returned unchanged.

    Examples
    --------
    >>> format_run_label("2026-11-25T18:30:00+00:00")
    '2026-11-25 18:30 UTC'
    >>> format_run_label("2026-11-25T18:30:00+08:00")
    '2026-11-25 18:30 UTC+08:00'
    """
    if generated_at is None:
        return ""
    if isinstance(generated_at, datetime):
        moment = generated_at
    else:
        try:
            moment = datetime.fromisoformat(str(generated_at))
        except ValueError:
            return str(generated_at)
    label = moment.strftime("%Y-%m-%d %H:%M")
    offset = moment.utcoffset()
    if offset is None:
        return label
    if not offset:
        return f"{label} UTC"
    zone = moment.strftime("%z")
    return f"{label} UTC{zone[:3]}:{zone[3:]}"


# --------------------------------------------------------------------------- headline figures


def _figure(label: str, value: str, note: str = "") -> dict[str, str]:
    return {"label": label, "value": value, "note": note}


def _data_quality_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    quality = results.get("data_quality")
    if not isinstance(quality, Mapping):
        return []
    figures = []
    if "overall_score" in quality:
        tables = quality.get("tables")
        n = len(tables) if isinstance(tables, Mapping | list | tuple) else 0
        note = f"overall score across {n} table{'s' if n != 1 else ''}" if n else "overall score"
        figures.append(_figure("Data quality", format_percent(quality["overall_score"]), note))
    if "issues" in quality:
        issues = quality["issues"]
        if isinstance(issues, list | tuple):
            issues = len(issues)
        value = _MISSING if _is_missing(issues) else f"{issues:,}"
        figures.append(_figure("Data-quality issues", value, "found by the data checks"))
    return figures


_VERDICT_ORDER = ("improved", "worsened", "no detectable change", "insufficient data")


def _kpi_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    kpis = results.get("kpis")
    if not isinstance(kpis, Mapping) or not kpis:
        return []
    verdicts = Counter(
        str(kpi["verdict"])
        for kpi in kpis.values()
        if isinstance(kpi, Mapping) and kpi.get("verdict") is not None
    )
    if not verdicts:
        return []
    total = sum(verdicts.values())
    others = [v for v in _VERDICT_ORDER[1:] if verdicts[v]]
    others += sorted(v for v in verdicts if v not in _VERDICT_ORDER)
    note = ", ".join(f"{verdicts[v]} {v}" for v in others)
    return [_figure("KPIs improved after go-live", f"{verdicts['improved']} of {total}", note)]


def _impact_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    impact = results.get("impact")
    if not isinstance(impact, Mapping):
        return []
    did = impact.get("difference_in_differences")
    if isinstance(did, Mapping) and not _is_missing(did.get("effect_pct")):
        low, high = did.get("ci_low_pct"), did.get("ci_high_pct")
        interval = (
            ""
            if _is_missing(low) or _is_missing(high)
            else (f"95 % CI {format_change_pct(low)} to {format_change_pct(high)}; ")
        )
        return [
            _figure(
                "Revenue effect against the control group",
                format_change_pct(did["effect_pct"]),
                f"{interval}difference-in-differences",
            )
        ]
    series = impact.get("time_series")
    if isinstance(series, Mapping) and not _is_missing(series.get("effect_pct")):
        return [
            _figure(
                "Revenue against its expected path",
                format_change_pct(series["effect_pct"]),
                "interrupted time series",
            )
        ]
    return []


def _financial_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    financial = results.get("financial")
    if not isinstance(financial, Mapping):
        return []
    params = results.get("params")
    currency = params.get("currency") if isinstance(params, Mapping) else None
    figures = []
    if "npv" in financial:
        rate = financial.get("discount_rate")
        note = "" if _is_missing(rate) else f"discounted at {format_percent(rate)} a year"
        figures.append(
            _figure("Net present value (NPV)", format_money(financial["npv"], currency), note)
        )
    if "roi" in financial:
        simple = financial.get("roi_convention") == "simple"
        formula = (
            "average annual benefit / initial cost"
            if simple
            else "(PV benefits \u2212 PV costs) / PV costs"
        )
        figures.append(
            _figure(
                "Return on investment (ROI)", format_percent(financial["roi"], decimals=0), formula
            )
        )
    if "irr" in financial:
        note = financial.get("irr_note")
        figures.append(
            _figure(
                "Internal rate of return (IRR)",
                format_percent(financial["irr"]),
                f"read with care: {note}" if note else "",
            )
        )
    if "payback_months" in financial:
        months = financial["payback_months"]
        value = _MISSING if _is_missing(months) else f"{months:,.1f} months"
        figures.append(_figure("Payback", value, "cumulative net benefit turns positive"))
    return figures


def _scorecard_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    scorecard = results.get("scorecard")
    if not isinstance(scorecard, Mapping) or "overall" not in scorecard:
        return []
    return [
        _figure(
            "Balanced scorecard",
            format_percent(scorecard["overall"]),
            "overall weighted attainment of targets",
        )
    ]


# The one place to add a headline figure: a function results -> list of figures, in the
# order the index shows them.
_HEADLINE_SOURCES: tuple[Callable[[Mapping[str, Any]], list[dict[str, str]]], ...] = (
    _data_quality_figures,
    _kpi_figures,
    _impact_figures,
    _financial_figures,
    _scorecard_figures,
)


def executive_summary(results: Mapping[str, Any]) -> list[str]:
    """The index page's executive summary: a few plain sentences from ``results.json``.

    Each sentence comes from one section when it is present: the KPIs' verdicts and the
    largest improvements, the revenue effect against the control group (or the time series),
    the financial headline, data quality, and stages that failed.

    Examples
    --------
    >>> executive_summary({"kpis": {"win_rate": {"label": "Win rate", "verdict": "improved",
    ...                                          "change_pct": 0.3}}})
    ['After go-live, 1 of 1 KPIs improved and 0 worsened; the largest improvements: Win rate (+30.0 %).']
    """
    sentences = []
    kpis = results.get("kpis")
    if isinstance(kpis, Mapping) and kpis:
        rows = [k for k in kpis.values() if isinstance(k, Mapping)]
        compared = [
            k for k in rows if k.get("verdict") in ("improved", "worsened", "no detectable change")
        ]
        improved = [k for k in compared if k.get("verdict") == "improved"]
        worsened = [k for k in compared if k.get("verdict") == "worsened"]
        sentence = (
            f"After go-live, {len(improved)} of {len(rows)} KPIs improved and {len(worsened)} "
            f"worsened"
        )
        if len(rows) > len(compared):
            sentence += f" ({len(rows) - len(compared)} had too little data to compare)"
        ranked = sorted(
            (k for k in improved if not _is_missing(k.get("change_pct"))),
            key=lambda k: -abs(k["change_pct"]),
        )[:3]
        if ranked:
            sentence += "; the largest improvements: " + ", ".join(
                f"{k.get('label')} ({format_change_pct(k['change_pct'])})" for k in ranked
            )
        if worsened:
            sentence += "; worse: " + ", ".join(str(k.get("label")) for k in worsened)
        sentences.append(sentence + ".")
    impact = results.get("impact")
    if isinstance(impact, Mapping):
        did = impact.get("difference_in_differences")
        if isinstance(did, Mapping) and not _is_missing(did.get("effect_pct")):
            low, high = did.get("ci_low_pct"), did.get("ci_high_pct")
            detected = not _is_missing(low) and (low > 0 or high < 0)
            sentences.append(
                f"Revenue where the CRM went live moved {format_change_pct(did['effect_pct'])} "
                f"against the units that did not get it (95 % CI {format_change_pct(low)} to "
                f"{format_change_pct(high)}): "
                + ("more than chance explains." if detected else "within what chance explains.")
            )
    financial = results.get("financial")
    if isinstance(financial, Mapping) and not _is_missing(financial.get("npv")):
        params = results.get("params")
        currency = params.get("currency") if isinstance(params, Mapping) else None
        basis = "declared, risk-adjusted" if financial.get("basis") == "declared" else "measured"
        sentence = (
            f"On {basis} benefits the CRM's net present value is "
            f"{format_money(financial['npv'], currency)}"
        )
        if not _is_missing(financial.get("roi")):
            sentence += f" (ROI {format_percent(financial['roi'], decimals=0)})"
        if not _is_missing(financial.get("payback_months")):
            sentence += f", paying back in {financial['payback_months']:.0f} months"
        sentences.append(sentence + ".")
    quality = results.get("data_quality")
    if isinstance(quality, Mapping) and not _is_missing(quality.get("overall_score")):
        score = quality["overall_score"]
        verdict = "fit for the assessment" if score >= 0.95 else "usable with the caveats listed"
        sentences.append(f"The client's data scored {format_percent(score)} on quality: {verdict}.")
    stages = results.get("stages")
    if isinstance(stages, Mapping):
        failed = [
            str(v.get("title") or k)
            for k, v in stages.items()
            if isinstance(v, Mapping) and v.get("status") == "failed"
        ]
        if failed:
            sentences.append(f"Failed and to be rerun: {', '.join(failed)}.")
    return sentences


def headline_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    """The headline figures of a run, formatted for the index page.

    Sections absent from ``results`` are skipped silently; a key that is present with a
    ``null`` value is shown as ``"n/a"``.

    Parameters
    ----------
    results : mapping
        The content of ``results.json``.

    Returns
    -------
    list of dict
        One dict per figure, in display order, with keys ``label``, ``value`` (the formatted
        string) and ``note`` (a short explanation, possibly empty). Sources, in order:
        ``data_quality.overall_score`` and ``.issues``; the count of
        ``kpis.*.verdict``; ``financial.npv``, ``.roi``, ``.irr``, ``.payback_months``;
        ``scorecard.overall``.

    Examples
    --------
    >>> headline_figures({"financial": {"roi": 3.29}})[0]["value"]
    '329 %'
    """
    figures: list[dict[str, str]] = []
    for source in _HEADLINE_SOURCES:
        figures.extend(source(results))
    return figures


# --------------------------------------------------------------------------- templates


def _template_dir() -> Path:
    return Path(__file__).with_name(_TEMPLATE_DIR)


def _page_environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_template_dir()),
        autoescape=True,
        trim_blocks=False,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def _css() -> Markup:
    # Markup: the page templates autoescape, and CSS must reach the page verbatim.
    return Markup((_template_dir() / "report.css").read_text(encoding="utf-8"))


def _crmkit_version() -> str:
    try:
        return importlib.metadata.version("crmkit")
    except importlib.metadata.PackageNotFoundError:
        return ""


# --------------------------------------------------------------------------- stage pages


def report_exporter() -> HTMLExporter:
    """An HTMLExporter configured for crmkit report pages.

    Create it once per process and pass it to every :func:`render_stage` call: creating an
    exporter and its template environment costs time; rendering with it does not change it.

    Returns
    -------
    nbconvert.HTMLExporter
        Renders the notebook body only (crmkit's ``body.html.j2`` over nbconvert's
        ``classic/base.html.j2``), with code inputs and prompts excluded, error outputs kept,
        no JavaScript or widget outputs, and ``remove-cell`` / ``remove-output`` cell tags
        honoured. Markdown images are embedded only as cell attachments (paste the image
        into the cell); a markdown image that refers to a file is not embedded.
    """
    config = Config()
    config.NbConvertBase.display_data_priority = list(_DISPLAY_PRIORITY)
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "remove_cell"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output", "remove_output"}
    config.CoalesceStreamsPreprocessor.enabled = True  # one block per cell's printed text
    # The pygments CSS it would compute goes into a <head> crmkit does not use.
    config.CSSHTMLHeaderPreprocessor.enabled = False
    return HTMLExporter(
        config=config,
        template_name="basic",
        template_file=str(_template_dir() / "body.html.j2"),
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=False,
    )


def _prepare(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without papermill's error markers and with alt text on every image."""
    nb = copy.deepcopy(nb)
    nb.cells = [
        cell for cell in nb.cells if _PAPERMILL_ERROR_TAG not in cell.metadata.get("tags", [])
    ]
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("image/png", "image/jpeg"):
                if mime in data:
                    meta = output.setdefault("metadata", nbformat.NotebookNode())
                    mime_meta = meta.setdefault(mime, nbformat.NotebookNode())
                    if not mime_meta.get("alt") and not cell.metadata.get("alt"):
                        mime_meta["alt"] = "Chart"
    return nb


def _heading_text(inner: str) -> str:
    text = _TAG.sub("", _ANCHOR_LINK.sub("", inner))
    return " ".join(html.unescape(text).split())


def _slug(text: str) -> str:
    slug = re.sub(r"[^\w\-]+", "-", text, flags=re.UNICODE).strip("-")
    return slug or "section"


def _headings(body: str) -> tuple[str, list[dict[str, Any]]]:
    """Give every heading a unique id; return the body and the h1-h3 table of contents."""
    seen: set[str] = set()
    toc: list[dict[str, Any]] = []

    def unique(wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate in seen:
            n += 1
            candidate = f"{wanted}-{n}"
        seen.add(candidate)
        return candidate

    # ids already used elsewhere in the body (outputs, papermill anchors) stay reserved
    for match in _ID_ATTR.finditer(_HEADING.sub("", body)):
        seen.add(html.unescape(match.group(1) or match.group(2) or ""))

    def replace(match: re.Match[str]) -> str:
        level, attrs, inner = int(match.group(1)), match.group(2) or "", match.group(3)
        text = _heading_text(inner)
        found = _ID_ATTR.search(attrs)
        old = html.unescape(found.group(1) or found.group(2) or "") if found else ""
        new = unique(old or _slug(text))
        new_attr = f' id="{html.escape(new, quote=True)}"'
        if found:
            attrs = attrs[: found.start()] + new_attr + attrs[found.end() :]
            if old != new:
                inner = inner.replace(
                    f'href="#{html.escape(old, quote=True)}"',
                    f'href="#{html.escape(new, quote=True)}"',
                )
        else:
            attrs = new_attr + attrs
        if level <= 3 and text:
            toc.append({"level": level, "id": new, "text": text})
        return f"<h{level}{attrs}>{inner}</h{level}>"

    return _HEADING.sub(replace, body), toc


def _mark_numeric_cells(body: str) -> str:
    """Add class ``num`` to table cells that hold a number, so CSS right-aligns them."""

    def replace(match: re.Match[str]) -> str:
        attrs, text = match.group(1) or "", match.group(2)
        if not text.strip() or not _NUMERIC.match(text):
            return match.group(0)
        if re.search(r"\sclass\s*=", attrs, re.IGNORECASE):
            attrs = re.sub(r'(\sclass\s*=\s*")', r"\1num ", attrs, count=1, flags=re.IGNORECASE)
        else:
            attrs += ' class="num"'
        return f"<td{attrs}>{text}</td>"

    return _CELL.sub(replace, body)


def render_stage(
    nb: nbformat.NotebookNode | None,
    *,
    title: str,
    client: str,
    run_label: str,
    status: str = "ok",
    message: str | None = None,
    exporter: HTMLExporter | None = None,
) -> str:
    """Render one executed stage notebook as one self-contained HTML page.

    Parameters
    ----------
    nb : NotebookNode or None
        The executed notebook (as papermill wrote it, outputs included). ``None`` renders
        the page with its header and banner only, e.g. for a stage skipped before running.
    title : str
        The stage title, e.g. ``"Data quality"``; plain text (escaped here).
    client : str
        The client's name; plain text (escaped here).
    run_label : str
        The run's label in the header, normally :func:`format_run_label` of
        ``results["generated_at"]``.
    status : {"ok", "skipped", "failed"}
        ``"failed"`` puts a red banner with ``message`` at the top and links it to the first
        error output; ``"skipped"`` an amber one.
    message : str, optional
        Plain text for the banner (shown as a note when ``status`` is ``"ok"``).
    exporter : HTMLExporter, optional
        From :func:`report_exporter`; pass one to reuse it across notebooks.

    Returns
    -------
    str
        A complete HTML document; ``<title>`` is ``"<title> — <client>"``.

    Raises
    ------
    ValueError
        If ``status`` is not one of :data:`STATUSES`.
    """
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}; got {status!r}")
    body, toc, error_anchor = "", [], None
    language = "en"
    if nb is not None:
        exporter = exporter if exporter is not None else report_exporter()
        body, _ = exporter.from_notebook_node(_prepare(nb), resources={"metadata": {"name": title}})
        body, toc = _headings(body)
        body = _mark_numeric_cells(body)
        if _FIRST_ERROR in body:
            body = body.replace(_FIRST_ERROR, f'id="{_ERROR_ANCHOR}" {_FIRST_ERROR}', 1)
            error_anchor = _ERROR_ANCHOR
        language = exporter.language_code
    template = _page_environment().get_template("stage.html.j2")
    return template.render(
        language=language,
        version=_crmkit_version(),
        page_title=f"{title} \u2014 {client}",
        css=_css(),
        body_class=f"stage stage-{status}",
        client=client,
        heading=title,
        meta=[f"Run {run_label}", _index_link()] if run_label else [_index_link()],
        run_label=run_label,
        status=status,
        message=_banner_message(status, message),
        error_anchor=error_anchor,
        toc=toc if len(toc) >= 2 else [],
        body=Markup(body),
    )


def _banner_message(status: str, message: str | None) -> str | None:
    """The message without a leading "skipped:" / "failed:" that the banner already says."""
    if not message:
        return None
    head, sep, rest = message.partition(":")
    if sep and head.strip().lower() == status and rest.strip():
        return rest.strip()
    return message


def _index_link() -> Markup:
    return Markup('<a href="index.html">\u2190 Report index</a>')


# --------------------------------------------------------------------------- index page


def _seconds(value: Any) -> str:
    if _is_missing(value):
        return ""
    try:
        return f"{float(value):,.1f}"
    except (TypeError, ValueError):
        return str(value)


def render_index(results: Mapping[str, Any], *, log_file: str | None = "run.log") -> str:
    """Render the run's index page: headline figures, the stages and the run's files.

    Parameters
    ----------
    results : mapping
        The content of ``results.json`` (``client``, ``crmkit_version``, ``generated_at``,
        ``run_id``, ``params``, ``stages`` in stage order, and the result sections).
    log_file : str or None, default "run.log"
        The run log's file name relative to the report folder; ``None`` leaves it out.

    Returns
    -------
    str
        A complete, self-contained HTML document using the same stylesheet as the stages.
    """
    client = str(results.get("client") or "")
    version = str(results.get("crmkit_version") or _crmkit_version())
    run_label = format_run_label(results.get("generated_at"))
    run_id = str(results.get("run_id") or "")

    stages = []
    notebook_dirs: list[str] = []
    raw_stages = results.get("stages") or {}
    for key, stage in raw_stages.items():
        stage = stage if isinstance(stage, Mapping) else {}
        stages.append(
            {
                "number": stage.get("number") or "",
                "title": stage.get("title") or key.replace("_", " ").capitalize(),
                "html": stage.get("html"),
                "status": str(stage.get("status") or "unknown"),
                "message": stage.get("message") or "",
                "seconds": _seconds(stage.get("seconds")),
            }
        )
        if stage.get("notebook"):
            parent = str(PurePosixPath(str(stage["notebook"])).parent)
            if parent not in (".", "") and parent not in notebook_dirs:
                notebook_dirs.append(parent)
    counts = Counter(stage["status"] for stage in stages)
    parts = [f"{counts[s]} {s}" for s in STATUSES if counts[s]]
    parts += [f"{n} {s}" for s, n in counts.items() if s not in STATUSES]
    noun = "stage" if len(stages) == 1 else "stages"
    stage_summary = f"{len(stages)} {noun}" + (f": {', '.join(parts)}." if parts else ".")

    files = [{"href": "results.json", "description": "all results, machine-readable"}]
    for folder in notebook_dirs or ["notebooks"]:
        files.append({"href": f"{folder}/", "description": "the executed notebooks"})
    if log_file:
        files.append({"href": log_file, "description": "the run log"})

    meta = [f"Run {run_label}" if run_label else "", f"Run ID {run_id}" if run_id else ""]
    meta.append(f"crmkit {version}" if version else "")
    template = _page_environment().get_template("index.html.j2")
    return template.render(
        language="en",
        version=version,
        page_title=f"CRM value assessment \u2014 {client}",
        css=_css(),
        body_class="index",
        client=client,
        heading="CRM value assessment",
        meta=[item for item in meta if item],
        figures=headline_figures(results),
        summary=executive_summary(results),
        stages=stages,
        stage_summary=stage_summary,
        files=files,
        run_id=run_id,
    )
