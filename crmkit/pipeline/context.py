"""What a stage notebook works with: parameters, validated tables, problems, and recording.

A notebook's first code cell is one call::

    stage = open_stage("data_quality", client_dir=client_dir, run_dir=run_dir)

Under ``crmkit run`` the runner has validated the client folder once and cached the typed
tables as Parquet in the run folder (``run_dir``); the stage reads that cache. Opened by hand
in JupyterLab (``run_dir`` empty), the stage validates ``client_dir`` itself, and when that is
the demo client and it does not exist yet, generates it first. Either way the notebook sees the
same :class:`StageContext`.

Run-folder layout the runner writes and stages read::

    RUN_DIR/params.json        the assessment's parameters (Assessment.to_dict())
    RUN_DIR/validation.json    {"files": {table: file}, "problems": [Problem, ...]}
    RUN_DIR/history.json       {"run_id": ..., "search": [folder, ...]}: where earlier runs
                               of this client are looked for (see earlier_results)
    RUN_DIR/tables/*.parquet   the validated tables
    RUN_DIR/results/*.json     what each stage records
    RUN_DIR/cache/             results several stages share, computed once a run: the KPI
                               results (kpi_results.parquet), the monthly revenue's time
                               series and control comparison, the chain's links, the
                               rollout's analysis (*.pickle);
                               the runner computes them while the first
                               stages run (compute_shared_results), a stage that asks earlier
                               waits for them
"""

from __future__ import annotations

import contextlib
import html
import pickle
import re
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from crmkit.data import io
from crmkit.data.config import Assessment, parse_params
from crmkit.data.privacy import (
    client_salt,
    private_assessment,
    private_tables,
    pseudonym,
    pseudonym_prefix,
    scrub_text,
)
from crmkit.data.validation import Problem, problems_frame, validate_client
from crmkit.kpis import CATALOG
from crmkit.pipeline import results
from crmkit.pipeline.stages import PROJECT_ROOT
from crmkit.synthesis.earlier_runs import EarlierRuns, SkippedRun, SkipReason, earlier_runs
from crmkit.words.language import set_language, term, tr

__all__ = [
    "CachedTables",
    "StageContext",
    "column_header",
    "compute_shared_results",
    "demo_client_dir",
    "find_earlier_results",
    "literal_markdown",
    "open_stage",
    "table_styler",
    "write_run_inputs",
]


def demo_client_dir() -> Path:
    """Where ``crmkit demo`` keeps the synthetic demo client: ``data/demo`` in the project."""
    return PROJECT_ROOT / "data" / "demo"


class CachedTables(Mapping[str, pd.DataFrame]):
    """The run folder's validated tables (``RUN_DIR/tables/*.parquet``), each read when first
    used: a stage reads only the tables it works with, once.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> io.write_cache({"orders": pd.DataFrame({"amount": [1.5]})}, folder)
    >>> tables = CachedTables(folder)
    >>> list(tables), "orders" in tables, tables["orders"]["amount"].tolist()
    (['orders'], True, [1.5])
    """

    def __init__(self, folder: Path) -> None:
        self._paths = {path.stem: path for path in sorted(Path(folder).glob("*.parquet"))}
        self._read: dict[str, pd.DataFrame] = {}

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._read:
            self._read[name] = pd.read_parquet(self._paths[name])
        return self._read[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def __contains__(self, name: object) -> bool:
        return name in self._paths

    def __repr__(self) -> str:
        return f"CachedTables({', '.join(self._paths)})"


@dataclass
class StageContext:
    """A stage's view of one assessment.

    Attributes
    ----------
    name : str
        The stage's name (its key in results.json ``stages``).
    assessment : Assessment
        The validated parameters.
    tables : mapping of str to DataFrame
        The typed canonical tables that are present (under ``crmkit run`` a
        :class:`CachedTables`, which reads each table when first used).
    files : dict of str
        Each table's file, relative to the client folder.
    problems : DataFrame
        Validation problems, one per row (columns of :class:`crmkit.data.validation.Problem`).
    client_dir : Path
    run_dir : Path or None
        The run folder under ``crmkit run``; None when opened by hand.
    recorded : dict
        Everything recorded so far (also written to the run folder when there is one).
    """

    name: str
    assessment: Assessment
    tables: Mapping[str, pd.DataFrame]
    files: dict[str, str]
    problems: pd.DataFrame
    client_dir: Path
    run_dir: Path | None = None
    recorded: dict[str, Any] = field(default_factory=dict)

    def table(self, name: str) -> pd.DataFrame | None:
        """The table ``name``, or None when the client did not provide it."""
        return self.tables.get(name)

    def kpi_results(self) -> pd.DataFrame:
        """Every KPI before and after go-live (:func:`crmkit.measure.measure_kpis`), once a run.

        Several stages show the same KPI results (each its area, the overview all of them).
        Under ``crmkit run`` the first stage to ask computes them and leaves them in the run
        folder (``RUN_DIR/cache/kpi_results.parquet``) for the others; the computation is
        deterministic, so a stage running at the same time that computes them too gets the
        same rows. Opened by hand, the stage computes them itself.
        """
        from crmkit import measure

        compute = lambda: measure.measure_kpis(self.tables, self.assessment)  # noqa: E731
        if self.run_dir is None:
            return compute()
        return _shared(self.run_dir / "cache" / KPI_RESULTS_FILE, compute)

    def chain_links(self) -> pd.DataFrame:
        """The chain's links tested across units (:func:`crmkit.synthesis.chain.evaluate_chain`),
        once a run.

        The scorecard and the actions both use them; under ``crmkit run`` they are computed
        once and kept in the run folder (``RUN_DIR/cache/chain_links.pickle``), as
        :meth:`kpi_results` are. Opened by hand, the stage computes them itself.
        """
        from crmkit.synthesis.chain import evaluate_chain

        compute = lambda: evaluate_chain(self.tables, self.assessment)  # noqa: E731
        if self.run_dir is None:
            return compute()
        return _shared(self.run_dir / "cache" / CHAIN_LINKS_FILE, compute)

    def time_series(self, kpi_name: str = "revenue_monthly") -> Any:
        """The interrupted time series of a monthly KPI (:func:`crmkit.measure.time_series`),
        once a run (``RUN_DIR/cache/time_series_<kpi>.pickle``), as :meth:`kpi_results`."""
        from crmkit import measure

        compute = lambda: measure.time_series(self.tables, self.assessment, kpi_name)  # noqa: E731
        if self.run_dir is None:
            return compute()
        return _shared(self.run_dir / "cache" / _time_series_file(kpi_name), compute)

    def control_comparison(self, kpi_name: str = "revenue_monthly") -> Any:
        """The difference-in-differences of a monthly KPI against the control group
        (:func:`crmkit.measure.control_comparison`), once a run
        (``RUN_DIR/cache/control_comparison_<kpi>.pickle``), as :meth:`kpi_results`."""
        from crmkit import measure

        compute = lambda: measure.control_comparison(  # noqa: E731
            self.tables, self.assessment, kpi_name
        )
        if self.run_dir is None:
            return compute()
        return _shared(self.run_dir / "cache" / _control_comparison_file(kpi_name), compute)

    def rollout(self) -> Any:
        """The rollout's design and verdict on monthly revenue
        (:func:`crmkit.measure.rollout_analysis`; None without ``rollout:`` in params), once a
        run (``RUN_DIR/cache/rollout.pickle``), as :meth:`kpi_results`."""
        from crmkit import measure

        compute = lambda: measure.rollout_analysis(self.tables, self.assessment)  # noqa: E731
        if self.run_dir is None:
            return compute()
        return _shared(self.run_dir / "cache" / ROLLOUT_FILE, compute)

    def earlier_results(self) -> EarlierRuns:
        """The same client's earlier runs (their results.json contents), oldest first.

        Under ``crmkit run`` the runner lists the folders to search in ``RUN_DIR/history.json``
        (the client's report folder ``OUTPUT/<client folder name>``, and the folder given with
        ``--history``); opened by hand, the project's ``reports/<client folder name>`` is
        searched. See :func:`find_earlier_results` for what is used and what is skipped.

        Returns
        -------
        crmkit.synthesis.history.EarlierRuns
            ``runs`` oldest first by ``generated_at``, ``skipped`` with the reason of each,
            ``this_run`` the id of this run (None when opened by hand).
        """
        if self.run_dir is None:
            folders = [PROJECT_ROOT / "reports" / self.client_dir.name]
            return find_earlier_results(folders, client=self.assessment.client)
        path = self.run_dir / HISTORY_FILE
        spec = io.read_json(path) if path.exists() else {}
        folders = [Path(p) for p in spec.get("search", [self.run_dir.parent])]
        return find_earlier_results(
            folders,
            client=self.assessment.client,
            exclude=self.run_dir,
            this_run=spec.get("run_id"),
        )

    def record(self, section: str, data: Mapping[str, Any]) -> None:
        """Add ``data`` under ``section`` of results.json (e.g. ``"data_quality"``)."""
        self.recorded[section] = {**self.recorded.get(section, {}), **data}
        if self.run_dir is not None:
            results.record_section(self.run_dir, self.name, section, data)

    def show(
        self,
        frame: pd.DataFrame,
        *,
        units: Mapping[str, str] | None = None,
        formats: Mapping[str, Any] | None = None,
        index: bool = False,
    ) -> None:
        """Display a table, with units in its column headers and numbers formatted.

        Every cell, column label and index label is shown literally (HTML-escaped after
        formatting, see :func:`table_styler`): client data never acts as markup.

        Parameters
        ----------
        frame : DataFrame
            The table; snake_case column names are shown as words (``rows_before`` →
            "Rows before"), true/false as yes/no, dates as YYYY-MM-DD.
        units : mapping, optional
            Column → unit, shown as ``"Rows before (count)"``.
        formats : mapping, optional
            Column → format string or function, e.g. ``{"completeness": "{:.1%}"}``.
        index : bool
            Whether to show the index.
        """
        from IPython.display import display

        display(table_styler(frame, units=units, formats=formats, index=index))

    def markdown(self, text: str) -> None:
        """Display generated text (findings, verdicts) as formatted markdown.

        The text goes through :func:`literal_markdown` first: crmkit's own emphasis, lists
        and code spans stay, while raw HTML, math, links, images and web addresses, which can
        only come from client data, show as plain text.
        """
        from IPython.display import display

        # Raw MIME data, not IPython's Markdown object: that one fetches a text starting with
        # "http" as a URL and reads a text naming an existing file from disk.
        display({"text/markdown": literal_markdown(text), "text/plain": text}, raw=True)


#: How a missing cell reads in a displayed table.
_MISSING_CELL = "\u2013"

#: The characters that make markdown act (HTML, math, links), which crmkit's own words never
#: use as markup, each with its escaped form. The backslash comes first, so the escapes added
#: after it are not escaped again.
_MARKDOWN_ESCAPES = (
    ("\\", "\\\\"),  # a client backslash must not escape what follows it
    ("&", "&amp;"),  # entities show as written (``&amp;lt;`` stays ``&amp;lt;``)
    ("<", "&lt;"),  # no raw HTML, no <autolinks>
    (">", "&gt;"),
    ("$", "\\$"),  # no math
    ("[", "\\["),  # no links, images or link references
    ("]", "\\]"),
    ("://", "\\://"),  # no bare web addresses turned into links
)


def literal_markdown(text: str) -> str:
    """Markdown in which nothing can act but emphasis, lists and code spans.

    Stage text is built by the words layer from crmkit's own sentences and client strings
    (segment, region, campaign and category names ...). crmkit's own sentences use only
    emphasis, lists and code spans, never raw HTML, math, links or images; so every such
    construct in a text can only come from client data, and this function makes each show
    literally: HTML special characters become entities, ``$``, ``[``, ``]`` and backslashes
    are backslash-escaped, and ``://`` is broken so no web address is turned into a link.

    Parameters
    ----------
    text : str
        Markdown from the words layer.

    Returns
    -------
    str
        Markdown that renders to the same words, with client text shown as written.

    Notes
    -----
    Inside a code span backslash escapes and entities are shown as written; crmkit's code
    spans hold identifiers only (``control``), never these characters.

    Examples
    --------
    >>> literal_markdown("**East** <b>x</b> [a](javascript:alert(1))")
    '**East** &lt;b&gt;x&lt;/b&gt; \\\\[a\\\\](javascript:alert(1))'
    """
    for character, escaped in _MARKDOWN_ESCAPES:
        text = text.replace(character, escaped)
    return text


def _plain_text(value: Any) -> str:
    """A cell value as text, as pandas' Styler shows it by default (floats to 6 decimals)."""
    if isinstance(value, float | np.floating):
        return f"{value:.{pd.get_option('styler.format.precision')}f}"
    return str(value)


def _escaped(formatter: Any) -> Callable[[Any], str]:
    """A cell formatter (format string, function or None) whose text is HTML-escaped."""
    if formatter is None:
        base = _plain_text
    elif isinstance(formatter, str):
        base = formatter.format
    elif callable(formatter):
        base = formatter
    else:
        raise TypeError(f"a format must be a format string or a function, got {formatter!r}")
    return lambda value: html.escape(str(base(value)), quote=True)


def _escaped_label(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _escaped_name(name: Any) -> Any:
    """An index or columns name, escaped (the Styler writes names as they are)."""
    return None if name is None else _escaped_label(name)


def table_styler(
    frame: pd.DataFrame,
    *,
    units: Mapping[str, str] | None = None,
    formats: Mapping[str, Any] | None = None,
    index: bool = False,
) -> Styler:
    """The styled table :meth:`StageContext.show` displays.

    Parameters
    ----------
    frame, units, formats, index
        As for :meth:`StageContext.show`.

    Returns
    -------
    pandas.io.formats.style.Styler
        Every cell is formatted first (its format, yes/no for true/false, YYYY-MM-DD for
        dates, "–" when missing) and the resulting text HTML-escaped; column and index
        labels and their names are escaped too, so a client's ``<script>`` shows as text. The table is marked
        for MathJax to ignore (a ``$`` in client text is no formula in JupyterLab either).

    Examples
    --------
    >>> html_text = table_styler(pd.DataFrame({"segment": ["<b>East</b>"]})).to_html()
    >>> "&lt;b&gt;East&lt;/b&gt;" in html_text and "<b>" not in html_text
    True
    """
    formats = dict(formats or {})
    for name in frame.columns:
        if name in formats:
            continue
        if pd.api.types.is_bool_dtype(frame[name]):
            formats[name] = lambda v: (
                _MISSING_CELL if pd.isna(v) else (tr("yes") if v else tr("no"))
            )
        elif pd.api.types.is_datetime64_any_dtype(frame[name]):
            formats[name] = lambda v: _MISSING_CELL if pd.isna(v) else f"{v:%Y-%m-%d}"
    headers = {name: column_header(name, (units or {}).get(name)) for name in frame.columns}
    frame = frame.rename(columns=headers).rename_axis(
        index=[_escaped_name(n) for n in frame.index.names],
        columns=[_escaped_name(n) for n in frame.columns.names],
    )
    formats = {headers[c]: f for c, f in formats.items() if c in headers}
    styler = frame.style.format(
        {name: _escaped(formats.get(name)) for name in frame.columns}, na_rep=_MISSING_CELL
    )
    styler = styler.format_index(_escaped_label, axis="columns")
    styler = styler.format_index(_escaped_label, axis="index")
    styler = styler.set_table_attributes('class="tex2jax_ignore mathjax_ignore"')
    if not index:
        styler = styler.hide(axis="index")
    return styler


#: A lowercase name of words (crmkit's snake_case column names): shown as words; a name with
#: any other character (a client's label, say) is shown as written.
_SNAKE_CASE = re.compile(r"[a-z][a-z0-9_ \-]*")


def column_header(name: str, unit: str | None = None) -> str:
    """A column name as a reader sees it: lowercase snake_case as words (in the report's
    language: :func:`crmkit.words.language.term`), others as written.

    Examples
    --------
    >>> column_header("rows_before", "count")
    'Rows before (count)'
    >>> column_header("Revenue (CNY)")
    'Revenue (CNY)'
    >>> column_header("east/west_ratio")
    'east/west_ratio'
    """
    text = str(name)
    if _SNAKE_CASE.fullmatch(text):
        text = term(text.replace("_", " ").capitalize())
    return tr("{label} ({unit})", label=text, unit=term(unit)) if unit else text


#: The run folder's cached results that several stages share (in ``RUN_DIR/cache``).
KPI_RESULTS_FILE = "kpi_results.parquet"
CHAIN_LINKS_FILE = "chain_links.pickle"


#: The run-folder cache of the rollout's analysis (:meth:`StageContext.rollout`).
ROLLOUT_FILE = "rollout.pickle"


def _time_series_file(kpi_name: str) -> str:
    return f"time_series_{kpi_name}.pickle"


def _control_comparison_file(kpi_name: str) -> str:
    return f"control_comparison_{kpi_name}.pickle"


@contextlib.contextmanager
def _cache_lock(path: Path) -> Iterator[None]:
    """Hold the lock of the cached file ``path`` (one computation of it at a time in a run)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(f".{path.name}.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_shared(path: Path) -> Any:
    if path.suffix == ".parquet":
        return io.read_frame(path)
    with open(path, "rb") as handle:
        return pickle.load(handle)


def _write_shared(value: Any, path: Path) -> None:
    if path.suffix == ".parquet":
        io.write_frame(value, path)
        return
    partial = path.with_name(f".{path.name}.{threading.get_ident()}.partial")
    with open(partial, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)


def _shared(path: Path, compute: Callable[[], Any]) -> Any:
    """The cached result at ``path``, computed (and written) by the first to ask for it.

    Whoever asks while another computes it waits for that computation, then reads its copy.
    """
    if not path.exists():
        with _cache_lock(path):
            if not path.exists():
                value = compute()
                _write_shared(value, path)
                return value
    return _read_shared(path)


def compute_shared_results(
    run_dir: Path, tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> threading.Thread:
    """Start computing the results stages share into the run folder: KPI results, the
    monthly revenue's time series and control comparison, the chain's links.

    The runner calls this once the table cache is written, with the tables it validated, and
    runs the stages meanwhile: a stage asking for a result before it is written waits for it
    (:meth:`StageContext.kpi_results`, :meth:`StageContext.time_series`,
    :meth:`StageContext.control_comparison`, :meth:`StageContext.chain_links`). A computation that
    fails leaves no file: each stage then computes it itself, and shows the error.

    Returns
    -------
    threading.Thread
        The computation, already started (join it before the run folder is removed).
    """
    from crmkit import measure
    from crmkit.synthesis.chain import evaluate_chain

    cache = run_dir / "cache"
    jobs = [
        (cache / KPI_RESULTS_FILE, lambda: measure.measure_kpis(tables, assessment)),
        (
            cache / _time_series_file("revenue_monthly"),
            lambda: measure.time_series(tables, assessment, "revenue_monthly"),
        ),
        (
            cache / _control_comparison_file("revenue_monthly"),
            lambda: measure.control_comparison(tables, assessment, "revenue_monthly"),
        ),
        (cache / CHAIN_LINKS_FILE, lambda: evaluate_chain(tables, assessment)),
        (cache / ROLLOUT_FILE, lambda: measure.rollout_analysis(tables, assessment)),
    ]
    held = []
    for path, _ in jobs:  # taken here, so that no stage starts the same computation meanwhile
        lock = contextlib.ExitStack()
        lock.enter_context(_cache_lock(path))
        held.append(lock)

    def work() -> None:
        for (path, compute), lock in zip(jobs, held, strict=True):
            with lock:  # released as soon as this result is written, or has failed
                with contextlib.suppress(Exception):
                    _write_shared(compute(), path)

    thread = threading.Thread(target=work, name="crmkit-shared-results", daemon=True)
    thread.start()
    return thread


#: The run-folder file that tells stages where the client's earlier runs are.
HISTORY_FILE = "history.json"

#: The file of a run folder that holds the run's results.
RESULTS_FILE = "results.json"


def _read_candidate(path: Path) -> tuple[str, Any]:
    try:
        return str(path), io.read_json(path)
    except (OSError, ValueError) as error:
        detail = f"{type(error).__name__}: {error}"
        return str(path), SkippedRun(str(path), SkipReason.UNREADABLE, detail)


def _candidates(folder: Path, exclude: Path | None) -> Iterator[tuple[str, Any]]:
    """Every results file in ``folder``: its run folders' results.json and its JSON files."""
    if (folder / RESULTS_FILE).is_file():  # the folder is itself a run folder
        yield _read_candidate(folder / RESULTS_FILE)
    for child in sorted(folder.iterdir()):
        if child.is_dir():
            if exclude is not None and child.resolve() == exclude:
                continue
            found = child / RESULTS_FILE
            if not found.is_file():
                continue
            if child.name.startswith(".") and child.name.endswith(".partial"):
                yield str(found), SkippedRun(str(found), SkipReason.PARTIAL)
            else:
                yield _read_candidate(found)
        elif child.suffix == ".json" and child.is_file():
            yield _read_candidate(child)


def find_earlier_results(
    folders: Sequence[Path],
    *,
    client: str,
    exclude: Path | None = None,
    this_run: str | None = None,
) -> EarlierRuns:
    """Read the earlier runs of ``client`` from ``folders``.

    Each folder is searched for run folders holding a ``results.json`` (``folder/*/results.json``)
    and for JSON files (``folder/*.json``); a folder that is itself a run folder counts too.
    Folders that do not exist are passed over, a folder named twice is searched once.

    Skipped, each with its reason (:class:`crmkit.synthesis.history.SkipReason`): run folders
    still named ``.<run id>.partial``, unreadable files, JSON that is not a results file,
    another client's results, and the same run found twice. ``exclude`` (this run's folder)
    is passed over silently.

    Returns
    -------
    crmkit.synthesis.history.EarlierRuns
    """
    exclude = exclude.resolve() if exclude is not None else None
    seen: set[Path] = set()
    found: list[tuple[str, Any]] = []
    for folder in folders:
        folder = Path(folder).resolve()
        if folder in seen or not folder.is_dir():
            continue
        seen.add(folder)
        found.extend(_candidates(folder, exclude))
    runs = earlier_runs(found, client=client)
    return EarlierRuns(runs.runs, runs.skipped, this_run=this_run)


def write_run_inputs(
    run_dir: Path,
    client_dir: Path,
    report: Any,
    *,
    history_dirs: Sequence[Path] = (),
    run_id: str | None = None,
) -> Any:
    """Write what stages read (params, validation, table cache, history) into ``run_dir``.

    ``report`` is a :class:`crmkit.data.validation.ValidationReport` that passed;
    ``history_dirs`` are the folders where earlier runs of this client are looked for
    (``RUN_DIR/history.json``, with this run's ``run_id``; default: the run folder's parent).

    What is written is what a report may show (``privacy`` of params.yaml,
    :mod:`crmkit.data.privacy`): person ids are pseudonymised with the client's salt
    (``client_dir/.crmkit-salt``, created at the first run) and free-text columns dropped,
    in the tables, in the control values that name such ids, and in the validation
    problems' messages that quote them.

    Returns
    -------
    crmkit.data.validation.ValidationReport
        ``report`` as written: its tables, parameters and problems as every stage sees them
        (what the run computes and logs from here on).
    """
    assessment = report.assessment
    privacy = assessment.privacy
    salt = client_salt(client_dir) if privacy.pseudonymise else b""
    control, rollout = assessment.control, assessment.rollout
    keep = (control.column,) if control else ()
    keep += (rollout.column,) if rollout and rollout.column not in keep else ()
    private = private_tables(report.tables, privacy, salt, keep=keep, control=control)
    assessment = _private_rollout(private_assessment(assessment, private, salt), private, salt)
    problems = [
        replace(
            p,
            message=scrub_text(p.message, private.pseudonyms),
            expected=scrub_text(p.expected, private.pseudonyms),
        )
        for p in report.problems
    ]
    search = [str(Path(p).resolve()) for p in history_dirs or [run_dir.parent]]
    io.write_json({"run_id": run_id, "search": search}, run_dir / HISTORY_FILE)
    io.write_json({**assessment.to_dict(), "client_dir": str(client_dir)}, run_dir / "params.json")
    io.write_json(
        {"files": report.files, "problems": [asdict(p) for p in problems]},
        run_dir / "validation.json",
    )
    io.write_cache(private.tables, run_dir / "tables")
    return replace(report, assessment=assessment, tables=private.tables, problems=problems)


def _private_rollout(assessment: Assessment, private: Any, salt: bytes) -> Assessment:
    """``assessment`` with its rollout units pseudonymised when their column was (rep_id)."""
    rollout = assessment.rollout
    columns = {c for names in private.pseudonymised.values() for c in names}
    if rollout is None or rollout.column not in columns:
        return assessment
    prefix = pseudonym_prefix(rollout.column)
    pairs = tuple((pseudonym(unit, salt, prefix), day) for unit, day in rollout.go_live)
    return replace(assessment, rollout=replace(rollout, go_live=pairs))


def open_stage(name: str, *, client_dir: str | Path, run_dir: str | Path = "") -> StageContext:
    """Open a stage: parameters, validated tables and problems, and set the house style.

    In a notebook, figures are then displayed with :func:`crmkit.report.plots.png.figure_png`
    (laid out and drawn once).

    Parameters
    ----------
    name : str
        The stage's name, e.g. ``"data_quality"``.
    client_dir : path
        The client folder.
    run_dir : path, optional
        The run folder written by ``crmkit run``; empty to validate ``client_dir`` here.

    Raises
    ------
    ValidationFailed
        When opened by hand on a client folder with errors (the runner validates first).
    """
    from IPython import get_ipython

    from crmkit.report.plots import apply_house_style
    from crmkit.report.plots.png import show_figures_as_png

    apply_house_style()
    show_figures_as_png(get_ipython())
    pd.set_option("display.max_columns", 50)
    client_dir = Path(client_dir).resolve()
    if run_dir:
        run_dir = Path(run_dir)
        raw = io.read_json(run_dir / "params.json")
        raw.pop("client_dir", None)
        validation = io.read_json(run_dir / "validation.json")
        problems = [Problem(**{**p, "rows": tuple(p["rows"])}) for p in validation["problems"]]
        assessment = parse_params(raw, source=str(run_dir / "params.json"))
        set_language(assessment.language)
        return StageContext(
            name=name,
            assessment=assessment,
            tables=CachedTables(run_dir / "tables"),
            files=validation["files"],
            problems=problems_frame(problems),
            client_dir=client_dir,
            run_dir=run_dir,
        )
    if client_dir == demo_client_dir().resolve() and not (client_dir / "params.yaml").exists():
        from crmkit.demo.synth import generate_demo_client

        generate_demo_client(client_dir)
    report = validate_client(client_dir, known_kpis=[kpi.name for kpi in CATALOG]).raise_if_failed()
    set_language(report.assessment.language)
    return StageContext(
        name=name,
        assessment=report.assessment,
        tables=report.tables,
        files=report.files,
        problems=report.problems_frame(),
        client_dir=client_dir,
    )
