"""The ``crmkit`` command: a thin layer over the library; errors are one clear message.

Exit codes of ``run`` and ``demo``: 0 when every stage ran (or was skipped for lack of data),
every page was rendered and every part of the summary was computed; 1 when validation
failed (nothing is written), when a stage, a page or a part of the summary failed (the
report is written and says which), or when crmkit stopped on an unexpected error. Without
``--debug`` an unexpected error prints one line; with it, the traceback.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from crmkit.data.exceptions import CrmkitError, ValidationFailed
from crmkit.version import __version__

if TYPE_CHECKING:
    from crmkit.data.validation import ValidationReport
    from crmkit.pipeline.batch.outcome import ClientOutcome
    from crmkit.pipeline.workers import KernelWorkers
    from crmkit.report.pdf import PdfOutcome

__all__ = ["main"]


def _overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.BadParameter(
                f"{pair!r}: expected KEY=VALUE, e.g. stats.alpha=0.01", param_hint="--set"
            )
        result[key.strip()] = value.strip()
    return result


_debug_option = click.option(
    "--debug",
    is_flag=True,
    help="On an unexpected error, print the full traceback instead of one line.",
)


@contextlib.contextmanager
def _stop_cleanly(debug: bool) -> Iterator[None]:
    """Turn errors into one clear line and exit 1; ``debug`` lets unexpected ones through.

    A :class:`CrmkitError` says what is wrong in its message; any other exception is a
    defect or an environment problem: one line names it, and ``--debug`` shows where.
    """
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise
    except CrmkitError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:
        if debug:
            raise
        message = " ".join(str(exc).split())
        click.echo(
            f"crmkit stopped: {type(exc).__name__}: {message} "
            "(run again with --debug for the details)",
            err=True,
        )
        sys.exit(1)


_set_option = click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="Override a parameter of params.yaml, e.g. --set stats.alpha=0.01 (repeatable).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="crmkit")
def main() -> None:
    """Assess the value a company's CRM system has delivered.

    Put the client's exports and a params.yaml in a client folder (crmkit init makes one),
    check it with crmkit validate, and produce the HTML report with crmkit run.
    """


@main.command()
@click.argument("name")
@click.option(
    "--root", default="clients", show_default=True, help="Folder that holds client folders."
)
@click.option("--client", "display", default=None, help="The client's name as reports show it.")
def init(name: str, root: str, display: str | None) -> None:
    """Create the client folder ROOT/NAME: a commented params.yaml and template tables."""
    from crmkit.pipeline.scaffold import init_client

    try:
        folder = init_client(name, root=root, client=display)
    except CrmkitError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Created {folder}: edit {folder / 'params.yaml'} and replace the files in {folder / 'data'}."
    )
    click.echo(f"Then check it with: crmkit validate {folder}")


@main.command()
@click.argument("client_dir", type=click.Path(file_okay=False, path_type=Path))
@_set_option
@_debug_option
def validate(client_dir: Path, settings: tuple[str, ...], debug: bool) -> None:
    """Check CLIENT_DIR's params.yaml and data; list every problem; exit 1 if any is fatal."""
    from crmkit.data.validation import validate_client
    from crmkit.kpis import CATALOG

    with _stop_cleanly(debug):
        known_kpis = [kpi.name for kpi in CATALOG]
        report = validate_client(client_dir, overrides=_overrides(settings), known_kpis=known_kpis)
        for line in [*_columns_read(report), *_control_group_read(report)]:
            click.echo(line)
        click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


def _columns_read(report: ValidationReport) -> list[str]:
    """Lines saying, per table read, which headers were recognised, how, and which not used
    (none for a table whose headers are all canonical names)."""
    from crmkit.data.presets import MappingSource

    lines = []
    for table, how in report.columns.items():
        as_named = all(found.header == found.column for found in how.recognised)
        if as_named and not how.unused and how.header_row == 1:
            continue  # every header is a canonical name: nothing to say
        where = [report.files.get(table) or table]
        if how.sheet is not None:
            where.append(f"sheet {how.sheet!r}")
        if how.header_row != 1:
            where.append(f"header on row {how.header_row}")
        lines.append(f"  {table} ({', '.join(where)}):")
        source_words = {
            MappingSource.PARAMS: "params.yaml columns",
            MappingSource.PRESET: f"{how.system_label} preset",
            MappingSource.COMMON: "common Chinese header",
            MappingSource.NAME: "by name",
        }
        for found in how.recognised:
            lines.append(f"    {found.header} → {found.column} ({source_words[found.source]})")
        if how.extra:
            lines.append(f"    kept under their own names: {', '.join(how.extra)}")
        if how.unused:
            lines.append(f"    not used: {', '.join(how.unused)}")
    if lines:
        system = next(iter(report.columns.values())).system_label
        lines.insert(0, f"Columns recognised (source_system: {system}):")
        lines.append("")
    return lines


def _control_group_read(report: ValidationReport) -> list[str]:
    """Lines naming the control column, where it was found, the level of the assignment and
    how many rows and customers fall in each group (none without a control group in data)."""
    where = report.control_group
    if where is None:
        return []
    control = report.assessment.control
    how = "params.yaml" if where.unit_given else "default for where the column is"
    lines = [
        f"Control group: {where.column} = {', '.join(control.values)}, found in "
        f"{', '.join(where.holding)}; assigned by {where.unit} ({how})",
    ]
    if where.control_customers is not None:
        lines.append(
            f"  customers: {where.control_customers:,} in the control group, "
            f"{where.crm_customers:,} with the CRM"
        )
    for count in where.counts:
        unlabelled = (
            f" ({count.unlabelled_rows:,} without a group)" if count.unlabelled_rows else ""
        )
        lines.append(
            f"  {count.table} ({count.found}): {count.control_rows:,} rows in the control "
            f"group, {count.crm_rows:,} with the CRM{unlabelled}"
        )
    return [*lines, ""]


_fresh_kernels_option = click.option(
    "--fresh-kernels",
    is_flag=True,
    help="Start a new kernel for every stage instead of reusing one warm kernel per worker "
    "(slower; for debugging a stage that seems to depend on what ran before it).",
)


@contextlib.contextmanager
def _kernels_starting(jobs: int | None, fresh_kernels: bool) -> Iterator[KernelWorkers | None]:
    """The run's warm kernels, starting now: before this process imports the scientific
    stack, which the kernels import too, so that both imports share the cores. Whoever
    uses them (:func:`crmkit.pipeline.runner.run_assessment`) owns them; they are ended here
    when the block fails before that (a demo client that cannot be written, Ctrl-C)."""
    if fresh_kernels:
        yield None
        return
    from crmkit.pipeline.workers import KernelWorkers, worker_count

    workers = KernelWorkers(worker_count(jobs))
    try:
        yield workers
    except BaseException:
        workers.close()
        raise


def _run_and_report(
    client_dir: Path,
    output: Path,
    settings: tuple[str, ...],
    jobs: int | None,
    fresh_kernels: bool = False,
    debug: bool = False,
    history: Path | None = None,
    pdf: bool = False,
    workers: KernelWorkers | None = None,
) -> None:
    started = time.perf_counter()
    with _stop_cleanly(debug):
        from crmkit.pipeline.runner import run_assessment

        try:
            result = run_assessment(
                client_dir,
                output_root=output,
                overrides=_overrides(settings),
                jobs=jobs,
                warm_kernels=not fresh_kernels,
                history=history,
                pdf=pdf,
                progress=sys.stderr.isatty(),  # a bar on a terminal; none in a log file
                workers=workers,
            )
        except ValidationFailed as exc:
            click.echo(str(exc), err=True)
            click.echo(
                "No report was written. Run `crmkit validate` to see warnings too.", err=True
            )
            sys.exit(1)
    for outcome in result.outcomes:
        if outcome.status == "skipped":
            click.echo(f"  {outcome.stage.file_stem}: skipped: {outcome.message}", err=True)
    for line in result.failures:
        click.echo(f"  {line}", err=True)
    if result.pdf is not None:
        _echo_pdf(result.pdf)
    click.echo(f"Report written in {time.perf_counter() - started:.0f} s:")
    click.echo(str(result.index_html))
    sys.exit(0 if result.ok else 1)


_NO_CHROMIUM = (
    "No PDF written: no headless chromium found (looked for chromium, chromium-browser, "
    "google-chrome on PATH and for playwright's chromium); {what} complete."
)


def _echo_pdf(outcome: PdfOutcome) -> None:
    """What ``--pdf`` did, in one line (and one per page that could not be printed)."""
    from crmkit.report.pdf import PdfStatus

    if outcome.status == PdfStatus.NO_BROWSER:
        click.echo(_NO_CHROMIUM.format(what="the HTML report is"), err=True)
        return
    for page, reason in outcome.failed:
        click.echo(f"  {page}: no PDF: {reason}", err=True)
    click.echo(
        f"PDF: {len(outcome.written)} of {len(outcome.written) + len(outcome.failed)} "
        f"pages printed beside the HTML pages (with {outcome.browser})."
    )


def _echo_batch_pdf(outcomes: Sequence[ClientOutcome]) -> None:
    """What ``batch --pdf`` did: one line, and one per client whose pages were not all printed."""
    from crmkit.report.pdf import PdfStatus

    asked = [o for o in outcomes if o.pdf is not None]
    if any(o.pdf == PdfStatus.NO_BROWSER for o in asked):
        click.echo(_NO_CHROMIUM.format(what="the HTML reports are"), err=True)
        return
    for outcome in asked:
        if outcome.pdf != PdfStatus.WRITTEN:
            click.echo(f"  {outcome.client}: PDF {outcome.pdf}", err=True)
    printed = sum(o.pdf == PdfStatus.WRITTEN for o in asked)
    click.echo(
        f"PDF: every page printed for {printed} of {len(asked)} new reports "
        f"({sum(o.pdf_pages for o in asked)} PDFs beside the HTML pages)."
    )


_pdf_option = click.option(
    "--pdf",
    is_flag=True,
    help="Also print every page to a PDF beside it (index.pdf, 03_sales_performance.pdf ...) "
    "with headless chromium, when it is installed.",
)


@main.command()
@click.argument("client_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Reports go to OUTPUT/<client folder>/<run id>/.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Stages run at once (default: cores, at most 4).",
)
@click.option(
    "--history",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="A folder of earlier run folders (or results.json files) of this client, compared "
    "with this run besides those in OUTPUT/<client folder>.",
)
@_set_option
@_fresh_kernels_option
@_pdf_option
@_debug_option
def run(
    client_dir: Path,
    output: Path,
    jobs: int | None,
    history: Path | None,
    settings: tuple[str, ...],
    fresh_kernels: bool,
    pdf: bool,
    debug: bool,
) -> None:
    """Run the whole assessment of CLIENT_DIR and write its report folder.

    Prints the path of the report's index.html last. Each worker reuses one warm kernel for
    its stages, reset between them; --fresh-kernels starts a new kernel per stage instead.
    --pdf prints each page to a PDF beside it with headless chromium (a one-line message
    when there is none; the HTML report is complete and the exit code the same either way).

    \b
    Exit codes:
      0  every stage ran or was skipped for lack of data, every page was rendered and every
         part of the summary was computed
      1  validation failed (nothing is written); or a stage, a page or a part of the
         summary failed (the report is written: its index and results.json say which); or
         crmkit stopped on an unexpected error (one line; --debug shows the traceback)
    """
    with _kernels_starting(jobs, fresh_kernels) as workers:
        _run_and_report(
            client_dir, output, settings, jobs, fresh_kernels, debug, history, pdf, workers
        )


#: The report languages ``demo --language`` offers: :data:`crmkit.data.config.LANGUAGES`,
#: written out so that the command line starts without loading pandas.
DEMO_LANGUAGES = ("en", "zh")


def set_params_language(params_file: Path, language: str) -> None:
    """Set ``language:`` in a params.yaml, keeping its other lines as written.

    A top-level ``language:`` line is replaced; without one, the line is appended.
    """
    lines = params_file.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("language:")]
    kept.append(f"language: {language}")
    params_file.write_text("\n".join(kept) + "\n", encoding="utf-8")


@main.command()
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Reports go to OUTPUT/demo/<run id>/.",
)
@click.option(
    "--scale",
    type=click.FloatRange(min=0.01, max=20),
    default=1.0,
    show_default=True,
    help="Size of the demo client: 1 ≈ 20,000 customers and 200,000 orders; 5 ≈ 1,000,000 orders.",
)
@click.option(
    "--client-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the demo client (default: data/demo in the project).",
)
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Stages run at once.")
@click.option(
    "--language",
    type=click.Choice(DEMO_LANGUAGES),
    default=None,
    help="Write `language: LANGUAGE` into the demo's params.yaml (the report's language).",
)
@_fresh_kernels_option
@_debug_option
def demo(
    output: Path,
    scale: float,
    client_dir: Path | None,
    jobs: int | None,
    fresh_kernels: bool,
    debug: bool,
    language: str | None = None,
) -> None:
    """Generate the synthetic demo client (if needed) and run its assessment.

    Exit codes as for crmkit run.
    """
    with _kernels_starting(jobs, fresh_kernels) as workers:
        with _stop_cleanly(debug):
            from crmkit.demo.synth import ensure_demo_client
            from crmkit.pipeline.context import demo_client_dir

            folder = ensure_demo_client(client_dir or demo_client_dir(), scale=scale)
            if language is not None:
                set_params_language(folder / "params.yaml", language)
        click.echo(f"Demo client: {folder}")
        _run_and_report(folder, output, (), jobs, fresh_kernels, debug, workers=workers)


@main.command()
@click.argument("clients_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Reports go to OUTPUT/<client folder>/<run id>/, the summary to OUTPUT/batch-<time>/.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Clients run at once, each worker with one warm kernel (default: the cores available).",
)
@click.option(
    "--skip-unchanged",
    is_flag=True,
    help="Skip a client whose params.yaml and data have not changed since its newest "
    "successful run in OUTPUT (the summary links that run's report).",
)
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="local: worker processes on this machine; dask: Dask distributed (a local cluster "
    "of --jobs workers; needs pip install 'crmkit[distributed]').",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Run on an existing Dask scheduler, e.g. tcp://host:8786 (implies --executor dask; "
    "its workers must see the client and output folders at the same paths).",
)
@_pdf_option
@_debug_option
def batch(
    clients_dir: Path,
    output: Path,
    jobs: int | None,
    skip_unchanged: bool,
    executor: str,
    scheduler: str | None,
    pdf: bool,
    debug: bool,
) -> None:
    """Assess every client folder of CLIENTS_DIR (each subfolder with a params.yaml).

    One client's failure (invalid params or data, a failing stage, a crashed worker) never
    stops the others. Writes batch.html, batch.json and batch.csv (one row per client:
    status, run time, NPV, ROI, payback, scorecard, headline KPI changes, link to its report)
    and prints the summary's path last.

    \b
    Exit codes:
      0  every client ran successfully, or was skipped as unchanged
      1  a client failed, the batch was interrupted, or crmkit stopped on an unexpected
         error; the summary is written whenever a client was started
    """
    from crmkit.pipeline.batch import run_batch
    from crmkit.words.batch import final_line

    with _stop_cleanly(debug):
        result = run_batch(
            clients_dir,
            output_root=output,
            jobs=jobs,
            skip_unchanged=skip_unchanged,
            executor=executor,
            scheduler=scheduler,
            pdf=pdf,
        )
    if pdf:
        _echo_batch_pdf(result.outcomes)
    for outcome in result.outcomes:
        if not outcome.status.succeeded and outcome.message:
            first = outcome.message.splitlines()[0]
            click.echo(f"  {outcome.client}: {first}", err=True)
    click.echo(final_line(result.counts, str(result.summary_html), interrupted=result.interrupted))
    sys.exit(result.exit_code)
