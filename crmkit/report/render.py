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
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import nbformat
from markupsafe import Markup
from nbconvert import HTMLExporter
from nbconvert.exporters import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from traitlets.config import Config

from crmkit.words import headlines
from crmkit.words.formats import (
    as_number,
    format_money,
    format_percent,
    is_missing,
    missing_text,
)
from crmkit.words.language import html_language, term, tr, translate_markdown
from crmkit.words.stage_messages import stage_message

__all__ = [
    "STATUSES",
    "IndexContent",
    "chrome_words",
    "css_string",
    "error_text",
    "executive_summary",
    "format_money",
    "format_percent",
    "fallback_index",
    "format_run_label",
    "headline_figures",
    "index_content",
    "PageBody",
    "ReportExporter",
    "print_header",
    "render_body",
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
      |^\s*(?:nan|NaN|&lt;NA&gt;|NaT|None|inf|-inf|n/a|not\ available|\u2013|\u2014|-)\s*$""",
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


# The one place to add a headline figure: a named function results -> list of figures, in
# the order the index shows them. Each is computed on its own (see index_content).
_HEADLINE_SOURCES: tuple[tuple[str, Callable[[Mapping[str, Any]], list[dict[str, str]]]], ...] = (
    ("scorecard figures", headlines.scorecard_figures),
    ("top action figures", headlines.action_figures),
    ("data-quality figures", headlines.data_quality_figures),
    ("KPI figures", headlines.kpi_figures),
    ("impact figures", headlines.impact_figures),
    ("financial figures", headlines.financial_figures),
)


# The executive summary's sections, in the order the index prints them; each is computed
# on its own, and one that raises is left out and listed as failed (see index_content).
_SUMMARY_SECTIONS: tuple[tuple[str, Callable[[Mapping[str, Any]], list[str]]], ...] = (
    ("balanced scorecard", headlines.scorecard_sentences),
    ("strongest and weakest KPIs", headlines.scorecard_extreme_sentences),
    ("top actions", headlines.action_sentences),
    ("since the last assessment", headlines.history_sentences),
    ("KPI findings", headlines.kpi_sentences),
    ("revenue effect", headlines.impact_sentences),
    ("ageing customer base", headlines.ageing_sentences),
    ("financial value", headlines.financial_sentences),
    ("data quality", headlines.quality_sentences),
    ("failed stages", headlines.stage_sentences),
)


@dataclass(frozen=True)
class IndexContent:
    """What the index page says above its stage table.

    Attributes
    ----------
    summary : list of str
        The executive summary's sentences.
    figures : list of dict
        The headline figures (``label``, ``value``, ``note``).
    failed_sections : list of dict
        Each part that could not be computed: ``section`` and ``message`` (as
        ``results.json`` records them under ``report.failed_sections``), including those
        already recorded there by the run.
    """

    summary: list[str]
    figures: list[dict[str, str]]
    failed_sections: list[dict[str, str]]


def error_text(error: BaseException) -> str:
    """An exception as one line: ``"KeyError: 'npv'"``."""
    message = " ".join(str(error).split())
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _recorded_failures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    report = results.get("report")
    recorded = report.get("failed_sections") if isinstance(report, Mapping) else None
    if not isinstance(recorded, list | tuple):
        return []
    return [
        {"section": str(item.get("section")), "message": str(item.get("message"))}
        for item in recorded
        if isinstance(item, Mapping)
    ]


def index_content(results: Mapping[str, Any]) -> IndexContent:
    """The executive summary and headline figures, each part computed on its own.

    A summary section or a headline source that raises is left out; it is listed in
    ``failed_sections`` with its error, after any failures ``results["report"]`` already
    records. Never raises for any content of ``results``.
    """
    results = results if isinstance(results, Mapping) else {}
    failed = _recorded_failures(results)
    summary: list[str] = []
    for name, section in _SUMMARY_SECTIONS:
        try:
            summary.extend(str(sentence) for sentence in section(results))
        except Exception as error:  # one section's odd data must not cost the others
            failed.append({"section": f"summary: {name}", "message": error_text(error)})
    figures: list[dict[str, str]] = []
    for name, source in _HEADLINE_SOURCES:
        try:
            figures.extend(source(results))
        except Exception as error:
            failed.append({"section": f"headline: {name}", "message": error_text(error)})
    return IndexContent(summary, figures, failed)


def executive_summary(results: Mapping[str, Any]) -> list[str]:
    """The index page's executive summary: a few plain sentences from ``results.json``.

    Each section comes from one part of the results when it is present, in this order: the
    balanced scorecard's overall score with the share of the weight it rests on; its strongest
    and weakest KPIs against their targets; the top five actions by benefit index; the change
    since the last assessment; the KPIs (counted by standing, the strongest claimable improvements and deteriorations, what
    is not claimed and why, what was not measured and which data would add it); the revenue
    effect against the control group (or else the time series, when it is reliable); the
    ageing customer base without a control group; the financial headline with its basis; data
    quality with its issues; stages that failed. The sentences are built in
    :mod:`crmkit.words.narrative`. A section that cannot be computed is left out (see
    :func:`index_content` for the list of such sections).

    Examples
    --------
    >>> executive_summary({"kpis": {"win_rate": {"label": "Win rate", "verdict": "improved",
    ...                                          "change_pct": 0.3}}})[1]
    'The strongest improvements: Win rate (+30.0 %).'
    """
    return index_content(results).summary


def headline_figures(results: Mapping[str, Any]) -> list[dict[str, str]]:
    """The headline figures of a run, formatted for the index page.

    Sections absent from ``results`` are skipped silently; a key that is present with a
    ``null`` (or non-finite, or non-numeric) value is shown as ``"not available"``.

    Parameters
    ----------
    results : mapping
        The content of ``results.json``.

    Returns
    -------
    list of dict
        One dict per figure, in display order, with keys ``label``, ``value`` (the formatted
        string) and ``note`` (a short explanation, possibly empty). Sources, in order:
        ``scorecard.overall`` with its coverage; the top action of ``actions.candidates``;
        ``data_quality.overall_score`` and ``.issues``; the KPIs counted by standing;
        the revenue effect (difference-in-differences, else a reliable time series);
        ``financial.npv``, ``.roi``, ``.irr``, ``.payback_months``.

    Examples
    --------
    >>> headline_figures({"financial": {"roi": 3.29}})[0]["value"]
    '329 %'
    """
    return index_content(results).figures


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


def css_string(text: str) -> Markup:
    r"""``text`` as a quoted CSS string that is safe inside a ``<style>`` element.

    Every character other than an ASCII letter, digit, space, ``-``, ``.``, ``_`` or ``:`` is
    written as a CSS escape (a backslash, its code in hex, a space), so no client text can
    close the string, the rule or the ``<style>`` element.

    Examples
    --------
    >>> print(css_string('Acme </style> "x"'))
    "Acme \3c \2f style\3e  \22 x\22 "
    """
    escaped = "".join(
        char if (char.isascii() and char.isalnum()) or char in _CSS_PLAIN else f"\\{ord(char):x} "
        for char in str(text)
    )
    return Markup(f'"{escaped}"')


_CSS_PLAIN = frozenset(" -._:")


def print_header(left: str, right: str) -> dict[str, Markup]:
    """The running header of a printed page: ``left`` and ``right`` as CSS strings.

    ``page.html.j2`` puts them in the top-left and top-right margin boxes of every printed
    page (CSS paged media); the page number is in the bottom-right box (``report.css``).

    Examples
    --------
    >>> print(print_header("Acme", "Run 20261206-224606")["right"])
    "Run 20261206-224606"
    """
    return {"left": css_string(left), "right": css_string(right)}


def _crmkit_version() -> str:
    try:
        return importlib.metadata.version("crmkit")
    except importlib.metadata.PackageNotFoundError:
        return ""


# --------------------------------------------------------------------------- stage pages


class ReportExporter(HTMLExporter):
    """nbconvert's HTMLExporter without the work it repeats on every page.

    ``HTMLExporter.from_notebook_node`` registers two filters on every notebook (the code
    highlighter and the chooser of an output's format), then parses the page it has just
    rendered with BeautifulSoup, only to give alt text to images without it and a
    ``tabindex`` to JupyterLab's cell wrappers, and writes the page out again: about a
    third of a page's rendering time. A crmkit page needs neither (:func:`_prepare` gives
    every image its alt text; the classic markup has no JupyterLab wrappers), so the two
    filters come with the template environment, made once, and the page is returned as the
    template rendered it.
    """

    def default_filters(self):
        """nbconvert's filters, with the two that HTMLExporter registers per notebook."""
        yield from super().default_filters()
        yield "highlight_code", Highlight2HTML(pygments_lexer="ipython3", parent=self)
        yield "filter_data_type", WidgetsDataTypeFilter(notebook_metadata={}, parent=self)

    def from_notebook_node(self, nb, resources=None, **kw):
        """The page body as the template renders it, and the resources (as nbconvert's)."""
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


_EXPORTERS = threading.local()  # one exporter per thread: rendering fills its caches


def report_exporter() -> ReportExporter:
    """The HTMLExporter configured for crmkit report pages, made once per thread.

    Making an exporter (its template environment, with every template compiled at first
    use) costs more than rendering a page with it; rendering does not change it, so every
    run of a process (a batch worker runs many) reuses the thread's exporter.

    Returns
    -------
    ReportExporter
        Renders the notebook body only (crmkit's ``body.html.j2`` over nbconvert's
        ``classic/base.html.j2``), with code inputs and prompts excluded, error outputs kept,
        no JavaScript or widget outputs, and ``remove-cell`` / ``remove-output`` cell tags
        honoured. Markdown images are embedded only as cell attachments (paste the image
        into the cell); a markdown image that refers to a file is not embedded.
    """
    exporter = getattr(_EXPORTERS, "exporter", None)
    if exporter is None:
        exporter = _EXPORTERS.exporter = _new_report_exporter()
    return exporter


def _new_report_exporter() -> ReportExporter:
    config = Config()
    config.NbConvertBase.display_data_priority = list(_DISPLAY_PRIORITY)
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {"remove-cell", "remove_cell"}
    config.TagRemovePreprocessor.remove_all_outputs_tags = {"remove-output", "remove_output"}
    config.CoalesceStreamsPreprocessor.enabled = True  # one block per cell's printed text
    # The pygments CSS it would compute goes into a <head> crmkit does not use.
    config.CSSHTMLHeaderPreprocessor.enabled = False
    # Validate the notebook once, after the preprocessors, not after each of them.
    config.Exporter.optimistic_validation = True
    return ReportExporter(
        config=config,
        template_name="basic",
        template_file=str(_template_dir() / "body.html.j2"),
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        sanitize_html=False,
    )


def _is_stderr(output: Mapping[str, Any]) -> bool:
    return output.get("output_type") == "stream" and output.get("name") == "stderr"


def _prepare(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy without papermill's error markers and without what the cells wrote to stderr,
    with its markdown cells in the report's language and alt text on every image."""
    nb = copy.deepcopy(nb)
    nb.cells = [
        cell for cell in nb.cells if _PAPERMILL_ERROR_TAG not in cell.metadata.get("tags", [])
    ]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source)
        if "outputs" in cell:
            # Warnings and log lines of the libraries (a font without bold, a deprecation)
            # are written for whoever runs the notebook, not for the client's reader; the
            # executed notebook keeps them.
            cell.outputs = [output for output in cell.outputs if not _is_stderr(output)]
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("image/png", "image/jpeg"):
                if mime in data:
                    meta = output.setdefault("metadata", nbformat.NotebookNode())
                    mime_meta = meta.setdefault(mime, nbformat.NotebookNode())
                    if not mime_meta.get("alt") and not cell.metadata.get("alt"):
                        mime_meta["alt"] = tr("Chart")
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
        numeric = _NUMERIC.match(text) or text.strip() == missing_text()
        if not text.strip() or not numeric:
            return match.group(0)
        if re.search(r"\sclass\s*=", attrs, re.IGNORECASE):
            attrs = re.sub(r'(\sclass\s*=\s*")', r"\1num ", attrs, count=1, flags=re.IGNORECASE)
        else:
            attrs += ' class="num"'
        return f"<td{attrs}>{text}</td>"

    return _CELL.sub(replace, body)


@dataclass(frozen=True)
class PageBody:
    """A stage page's body: the notebook's outputs as HTML, before the page around it.

    Attributes
    ----------
    html : str
        The body (empty without a notebook).
    toc : list of dict
        The headings, for the page's table of contents.
    error_anchor : str or None
        The id of the first error output, when there is one.
    language : str
        The page's language code.
    """

    html: str = ""
    toc: list[dict[str, Any]] = field(default_factory=list)
    error_anchor: str | None = None
    language: str = "en"


def render_body(
    nb: nbformat.NotebookNode | None, *, title: str, exporter: HTMLExporter | None = None
) -> PageBody:
    """Render an executed stage notebook's outputs (the costly part of :func:`render_stage`).

    Parameters
    ----------
    nb : NotebookNode or None
        The executed notebook; None gives an empty body.
    title : str
        The stage title (the notebook's name for the exporter).
    exporter : HTMLExporter, optional
        From :func:`report_exporter`.

    Returns
    -------
    PageBody
    """
    if nb is None:
        return PageBody()
    exporter = exporter if exporter is not None else report_exporter()
    resources = {"metadata": {"name": title}, "crmkit_words": chrome_words()}
    text, _ = exporter.from_notebook_node(_prepare(nb), resources=resources)
    text, toc = _headings(text)
    text = _mark_numeric_cells(text)
    error_anchor = None
    if _FIRST_ERROR in text:
        text = text.replace(_FIRST_ERROR, f'id="{_ERROR_ANCHOR}" {_FIRST_ERROR}', 1)
        error_anchor = _ERROR_ANCHOR
    return PageBody(text, toc, error_anchor, html_language())


def render_stage(
    nb: nbformat.NotebookNode | None,
    *,
    title: str,
    client: str,
    run_label: str,
    status: str = "ok",
    message: str | None = None,
    exporter: HTMLExporter | None = None,
    body: PageBody | None = None,
    run_id: str = "",
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
    body : PageBody, optional
        The notebook's body already rendered by :func:`render_body` (``nb`` and ``exporter``
        are then not used): the runner renders each body as soon as its stage has run.
    run_id : str, optional
        The run's id, printed in the header of every printed page with the client's name
        (the run label stands in for it when empty).

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
    if body is None:
        body = render_body(nb, title=title, exporter=exporter)
    title = term(title)
    run = tr("Run {label}", label=run_label)
    template = _page_environment().get_template("stage.html.j2")
    return template.render(
        language=body.language,
        words=chrome_words(),
        version=_crmkit_version(),
        page_title=f"{title} \u2014 {client}",
        css=_css(),
        body_class=f"stage stage-{status}",
        client=client,
        heading=title,
        meta=[run, _index_link()] if run_label else [_index_link()],
        run_label=run_label,
        status=status,
        message=stage_message(_banner_message(status, message)),
        error_anchor=body.error_anchor,
        toc=body.toc if len(body.toc) >= 2 else [],
        body=Markup(body.html),
        print_header=print_header(
            f"{client} \u00b7 {title}",
            tr("Run {label}", label=run_id or run_label) if run_id or run_label else "",
        ),
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
    return Markup('<a class="nav" href="index.html">\u2190 {}</a>').format(tr("Report index"))


# --------------------------------------------------------------------------- index page


def _seconds(value: Any) -> str:
    number = as_number(value)
    return "" if number is None else f"{number:,.1f}"


_SAFE_HREF = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*(?:/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*/?$")


def _safe_href(value: Any) -> str | None:
    """A link target inside the report folder, or None for anything else.

    Only relative paths of plain file names pass (no scheme such as ``javascript:``, no
    ``..``, no query): a results mapping cannot make the index link elsewhere.
    """
    if not isinstance(value, str) or ".." in value or not _SAFE_HREF.match(value):
        return None
    return value


def _text(value: Any, default: str = "") -> str:
    """A value from results.json as plain text for a template (which escapes it)."""
    if value is None or is_missing(value):
        return default
    return value if isinstance(value, str) else str(value)


def render_index(
    results: Mapping[str, Any],
    *,
    log_file: str | None = "run.log",
    content: IndexContent | None = None,
) -> str:
    """Render the run's index page: summary, headline figures, the stages and the run's files.

    Every text taken from ``results`` (client, KPI labels, stage titles, messages …) is
    HTML-escaped by the template; links are kept only when they point inside the report
    folder.

    Parameters
    ----------
    results : mapping
        The content of ``results.json`` (``client``, ``crmkit_version``, ``generated_at``,
        ``run_id``, ``params``, ``stages`` in stage order, and the result sections).
    log_file : str or None, default "run.log"
        The run log's file name relative to the report folder; ``None`` leaves it out.
    content : IndexContent, optional
        The summary and headline figures when already computed (:func:`index_content`);
        computed here otherwise. Its ``failed_sections`` are listed on the page.

    Returns
    -------
    str
        A complete, self-contained HTML document using the same stylesheet as the stages.
    """
    results = results if isinstance(results, Mapping) else {}
    content = content if content is not None else index_content(results)
    client = _text(results.get("client"))
    version = _text(results.get("crmkit_version")) or _crmkit_version()
    run_label = format_run_label(results.get("generated_at"))
    run_id = _text(results.get("run_id"))

    stages = []
    notebook_dirs: list[str] = []
    raw_stages = results.get("stages")
    raw_stages = raw_stages if isinstance(raw_stages, Mapping) else {}
    for key, stage in raw_stages.items():
        stage = stage if isinstance(stage, Mapping) else {}
        status = _text(stage.get("status"), "unknown")
        stages.append(
            {
                "number": _text(stage.get("number")),
                "title": term(_text(stage.get("title"))) or str(key).replace("_", " ").capitalize(),
                "html": _safe_href(stage.get("html")),
                "status": status,
                "status_text": _status_word(status),
                "status_class": status if status in STATUSES else "unknown",
                "message": stage_message(_text(stage.get("message"))) or "",
                "seconds": _seconds(stage.get("seconds")),
            }
        )
        notebook = _safe_href(stage.get("notebook"))
        if notebook:
            parent = str(PurePosixPath(notebook).parent)
            if parent not in (".", "") and parent not in notebook_dirs:
                notebook_dirs.append(parent)
    counts = Counter(stage["status"] for stage in stages)
    parts = [
        tr("{count} {status}", count=counts[s], status=_status_word(s))
        for s in STATUSES
        if counts[s]
    ]
    parts += [
        tr("{count} {status}", count=n, status=_status_word(s))
        for s, n in counts.items()
        if s not in STATUSES
    ]
    stage_summary = _stage_summary(len(stages), parts)

    files = [{"href": "results.json", "description": tr("all results, machine-readable")}]
    for folder in notebook_dirs or ["notebooks"]:
        files.append({"href": f"{folder}/", "description": tr("the executed notebooks")})
    if log_file and _safe_href(log_file):
        files.append({"href": log_file, "description": tr("the run log")})

    meta = [
        tr("Run {label}", label=run_label) if run_label else "",
        tr("Run ID {run_id}", run_id=run_id) if run_id else "",
    ]
    meta.append(f"crmkit {version}" if version else "")
    heading = tr("CRM value assessment")
    template = _page_environment().get_template("index.html.j2")
    return template.render(
        language=html_language(),
        words=chrome_words(),
        version=version,
        page_title=f"{heading} \u2014 {client}",
        css=_css(),
        body_class="index",
        client=client,
        heading=heading,
        meta=[item for item in meta if item],
        figures=content.figures,
        summary=content.summary,
        failed_sections=content.failed_sections,
        stages=stages,
        stage_summary=stage_summary,
        files=files,
        run_id=run_id,
        print_header=print_header(
            f"{client} \u00b7 {heading}", tr("Run {label}", label=run_id) if run_id else ""
        ),
    )


def _stage_summary(n: int, parts: list[str]) -> str:
    """The line above the stage table: the stages counted, by status."""
    if n == 1:
        total = tr("1 stage")
    else:
        total = tr("{n} stages", n=n)
    if not parts:
        return tr("{total}.", total=total)
    return tr("{total}: {counts}.", total=total, counts=tr(", ").join(parts))


def _status_word(status: str) -> str:
    """A stage's status (:data:`STATUSES`) as the index shows it."""
    words = {"ok": tr("ok"), "skipped": tr("skipped"), "failed": tr("failed")}
    return words.get(status, tr("unknown") if status == "unknown" else status)


def chrome_words() -> dict[str, str]:
    """The words of the pages around the report's content, in the report's language.

    The page templates (``report_template/*.html.j2``) print these (``words.<key>``), so that
    every word a page shows goes through :func:`crmkit.words.language.tr`.

    Examples
    --------
    >>> chrome_words()["contents"]
    'Contents'
    """
    return {
        "contents": tr("Contents"),
        "stage_failed": tr("This stage failed:"),
        "stage_failed_plain": tr("This stage failed."),
        "show_where": tr("Show where it stopped"),
        "incomplete": tr(
            "Results from this stage are incomplete; the other stages are unaffected."
        ),
        "stage_skipped": tr("This stage was skipped:"),
        "stage_skipped_plain": tr("This stage was skipped."),
        "back_to_index": tr("Back to the report index"),
        "stopped_here": tr("the stage stopped here"),
        "summary": tr("Executive summary"),
        "not_shown": tr("Not shown: parts of this report that could not be computed."),
        "rest_stands": Markup(
            html.escape(
                tr("The rest of the report stands; {file} lists them under {key}."),
                quote=False,
            )
        ).format(
            file=Markup("<code>results.json</code>"),
            key=Markup("<code>report.failed_sections</code>"),
        ),
        "headline": tr("Headline figures"),
        "no_figures": tr("No headline figures were recorded in this run."),
        "stages": tr("Assessment stages"),
        "number": tr("No."),
        "stage": tr("Stage"),
        "status": tr("Status"),
        "note": tr("Note"),
        "time": tr("Time (s)"),
        "files": tr("Files of this run"),
        "run": tr("run"),
        "batch": tr("batch"),
        "batch_files": tr("Files of this batch"),
        "batch_json": tr("every figure of this page, machine-readable"),
        "batch_csv": tr("one line per client, for a spreadsheet"),
        "missing": missing_text(),
    }


def fallback_index(results: Mapping[str, Any], failures: list[dict[str, str]]) -> str:
    """A plain index page for when :func:`render_index` itself fails: links and what failed.

    Built without templates, every text escaped, so that a run whose index cannot be rendered
    still opens on a page that says what went wrong and links the stage pages.
    """
    results = results if isinstance(results, Mapping) else {}
    client = html.escape(_text(results.get("client")))
    raw_stages = results.get("stages")
    items = []
    for key, stage in (raw_stages if isinstance(raw_stages, Mapping) else {}).items():
        stage = stage if isinstance(stage, Mapping) else {}
        title = html.escape(term(_text(stage.get("title"))) or str(key))
        status = html.escape(_status_word(_text(stage.get("status"), "unknown")))
        href = _safe_href(stage.get("html"))
        link = f'<a href="{html.escape(href, quote=True)}">{title}</a>' if href else title
        items.append(f"<li>{link}: {status}</li>")
    failed = "".join(
        f"<li>{html.escape(str(item.get('section')))}: {html.escape(str(item.get('message')))}</li>"
        for item in failures
    )
    heading = html.escape(tr("CRM value assessment"))
    could_not = html.escape(tr("The index page could not be rendered in full; what failed:"))
    stages_heading = html.escape(tr("Stages"))
    holds = Markup(html.escape(tr("{file} holds every figure."), quote=False)).format(
        file=Markup('<a href="results.json">results.json</a>')
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{html_language()}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{heading} \u2014 {client}</title>\n</head>\n<body>\n"
        f"<h1>{heading} \u2014 {client}</h1>\n"
        f"<p>{could_not}</p>\n"
        f"<ul>{failed}</ul>\n<h2>{stages_heading}</h2>\n<ul>{''.join(items)}</ul>\n"
        f"<p>{holds}</p>\n</body>\n</html>\n"
    )
