"""Warm kernels: execute notebook after notebook on one kernel that stays alive.

papermill starts a kernel for every notebook, and the kernel then imports the scientific
stack again: about 4 s per stage before its first line of analysis. A :class:`WarmKernel`
starts once, imports that stack once, and executes one notebook after another, resetting
the kernel's state between them::

    WarmKernel.execute_notebook(input, output, parameters=..., cwd=RUN_DIR)
      ├─ first call (or after the kernel died): start the kernel, then inside it
      │    prepare_kernel(): import the preload modules, capture the baseline,
      │    register the %crmkit_reset magic
      ├─ %crmkit_reset RUN_DIR   reset_kernel(): the state a fresh kernel would have
      ├─ papermill: load_notebook_node, parameterize_notebook ("injected-parameters" cell),
      │    prepare_notebook_metadata, NotebookExecutionManager (per-cell start, end, duration,
      │    status), PapermillNotebookClient cell by cell on the warm kernel
      └─ papermill: raise_for_execution_errors → PapermillExecutionError on a cell error

The executed notebook is the one papermill writes, with the same metadata and the same
execution counts (the counter restarts at 1 for each notebook), and a failing cell raises
the same :class:`papermill.exceptions.PapermillExecutionError`.

What the reset restores (:func:`reset_kernel`): the user namespace and IPython's input and
output history (``%reset -f``), the execution counter, pyplot figures (all closed),
matplotlib's rcParams (the matplotlibrc defaults plus the inline backend's) and the inline
figure formats, pandas options, warning filters, ``sys.path`` and ``os.environ`` (as they
were when the kernel had started and imported the preload modules), and the working
directory (the ``cwd`` of the notebook).

What it leaves alone, on purpose: ``sys.modules`` (imported modules stay imported, which is
the point) and therefore any state kept inside imported modules: caches, the global random
generators of ``random`` and ``numpy.random``, logging handlers, loaded IPython extensions.
Stage notebooks must seed their own random generators, and crmkit keeps no module-level
state. A module first imported by one notebook keeps what its import did to warning
filters or environment variables only for that notebook; list such modules in ``preload``.

A kernel that dies while a cell runs (a crash, ``os._exit``, too little memory), or a cell
that runs longer than the cell timeout, fails that notebook like an error in the cell
(``DeadKernelError`` or ``CellTimeoutError`` in the cell's output, then
``PapermillExecutionError``); the kernel is discarded and the next notebook gets a new one.

Thread safety: a :class:`WarmKernel` belongs to the thread that uses it (its messages run on
that thread's event loop); only :meth:`WarmKernel.kill` may be called from another thread.

This module imports papermill, nbclient and nbformat only inside the functions that use
them: the kernel imports it for :func:`prepare_kernel`, and papermill alone costs more than
a second to import.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import os
import signal
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from crmkit.data.exceptions import KernelError

if TYPE_CHECKING:  # pragma: no cover
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbformat import NotebookNode

__all__ = [
    "CELL_TIMEOUT_SECONDS",
    "KernelError",
    "RESET_MAGIC",
    "WarmKernel",
    "prepare_kernel",
    "read_executed",
    "reset_kernel",
    "write_executed",
]

#: The longest a single cell may run before its notebook is failed (30 minutes).
CELL_TIMEOUT_SECONDS = 1800
#: Seconds to wait for a new kernel to answer.
STARTUP_TIMEOUT_SECONDS = 60
#: The line magic, registered in a warm kernel, that resets it for the next notebook.
RESET_MAGIC = "crmkit_reset"

_log = logging.getLogger(__name__)

#: How the kernels' inline backend saves a figure it shows (its default is a tight box).
_PRINT_FIGURE_KWARGS = MappingProxyType({"bbox_inches": None})


# --------------------------------------------------------------------------- inside the kernel


@dataclass(frozen=True)
class _Baseline:
    """What a kernel looked like once started and preloaded: what each reset restores."""

    warning_filters: tuple[tuple[Any, ...], ...]
    sys_path: tuple[str, ...]
    environ: Mapping[str, str]

    @classmethod
    def capture(cls) -> _Baseline:
        return cls(
            warning_filters=tuple(warnings.filters),
            sys_path=tuple(sys.path),
            environ=MappingProxyType(dict(os.environ)),
        )


def prepare_kernel(shell: Any, preload: Sequence[str] = ()) -> None:
    """Make a newly started kernel reusable. Runs inside the kernel, once.

    Imports the ``preload`` modules (an import error is ignored here: the notebook that
    imports the module shows it) and loads pyplot's backend, moves every object alive at
    that point out of the garbage collector's sight (``gc.freeze``), captures the baseline
    that every reset restores, and registers the line magic ``%crmkit_reset CWD``, which
    calls :func:`reset_kernel`.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell
        The kernel's shell (``get_ipython()``).
    preload : sequence of str
        Modules to import before the baseline is captured, so that what their import does
        (warning filters, environment variables) is part of every notebook's start state.
    """
    for name in preload:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    _load_pyplot_backend()
    # The preloaded stack lives as long as the kernel: keep the garbage collector from
    # scanning its few hundred thousand objects again at every collection (each reset's
    # collections fall from about 250 ms to 1 ms, and the notebooks' own get faster too).
    gc.collect()
    gc.freeze()
    baseline = _Baseline.capture()

    def crmkit_reset(line: str) -> None:
        """Reset this kernel for the next notebook, whose working directory is ``line``."""
        reset_kernel(shell, line.strip(), baseline=baseline)

    shell.register_magic_function(crmkit_reset, magic_kind="line", magic_name=RESET_MAGIC)


def reset_kernel(shell: Any, cwd: str | Path, *, baseline: _Baseline | None = None) -> None:
    """Give the kernel the state a fresh one would have, keeping its imported modules.

    Runs inside the kernel, before each notebook. Clears the user namespace and the input and
    output history (IPython's ``%reset -f``), restarts the execution counter at 1, closes all
    pyplot figures, restores matplotlib's rcParams and the inline figure formats, pandas
    options and, from ``baseline``, the warning filters, ``sys.path`` and ``os.environ``;
    then changes to ``cwd``. ``sys.modules`` is left alone.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell
        The kernel's shell.
    cwd : path
        The next notebook's working directory.
    baseline : _Baseline, optional
        Captured by :func:`prepare_kernel`; without it, warning filters, ``sys.path`` and
        the environment are left as they are.
    """
    shell.reset(new_session=False)
    shell.execution_count = 1
    _reset_matplotlib(shell)
    _reset_pandas()
    if baseline is not None:
        _restore_warning_filters(baseline.warning_filters)
        sys.path[:] = baseline.sys_path
        _restore_environ(baseline.environ)
    os.chdir(cwd)
    gc.collect()


def _load_pyplot_backend() -> None:
    """Load pyplot's backend now, as the first figure would, when pyplot is imported.

    Loading IPython's inline backend switches matplotlib's interactive mode on, for good: it
    must stay on or later figures are not shown. Loading it up front gives every notebook on
    the kernel the same start, the first one included.
    """
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        with contextlib.suppress(Exception):
            pyplot.switch_backend(pyplot.get_backend())
    inline = sys.modules.get("matplotlib_inline.config")
    if inline is not None and inline.InlineBackend.initialized():
        # Figures are shown as laid out, without the inline backend's default tight
        # bounding box (one more drawing of each figure to measure it). crmkit's own charts
        # are shown by crmkit.report.plots.png (registered when a stage opens), which draws
        # each of them once.
        inline.InlineBackend.instance().print_figure_kwargs = dict(_PRINT_FIGURE_KWARGS)


def _reset_matplotlib(shell: Any) -> None:
    """Close every pyplot figure; restore rcParams and the inline backend's figure formats.

    ``rc_file_defaults`` rather than ``rcdefaults``: a fresh kernel starts from the
    matplotlibrc file, which may differ from matplotlib's built-in defaults. Neither touches
    the backend or ``interactive`` (which the inline backend switched on when it loaded).
    """
    mpl = sys.modules.get("matplotlib")
    if mpl is None:
        return
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mpl.rc_file_defaults()
    inline = sys.modules.get("matplotlib_inline.config")
    if inline is not None and inline.InlineBackend.initialized():
        from IPython.core.pylabtools import select_figure_formats

        config = inline.InlineBackend.instance()
        mpl.rcParams.update(config.rc)
        select_figure_formats(shell, config.figure_formats, **config.print_figure_kwargs)


def _reset_pandas() -> None:
    """Every pandas option back to its default (quietly: some options are deprecated)."""
    pd = sys.modules.get("pandas")
    if pd is None:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd.reset_option("all")


def _restore_warning_filters(filters: Sequence[tuple[Any, ...]]) -> None:
    """``warnings.resetwarnings()``, then exactly ``filters`` again, in their order.

    The filters are put back as they were (not through ``filterwarnings``, which would
    compile Python's own ``'__main__'`` module filter into a regular expression).
    ``resetwarnings`` has already invalidated the warning registries' "once" caches.
    """
    warnings.resetwarnings()
    warnings.filters.extend(filters)


def _restore_environ(environ: Mapping[str, str]) -> None:
    for key in set(os.environ) - set(environ):
        del os.environ[key]
    for key, value in environ.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


# --------------------------------------------------------------------------- the client side


class WarmKernel:
    """One kernel that executes notebook after notebook, reset between them.

    The kernel starts at the first :meth:`execute_notebook` and again after it died or a
    cell timed out. Use as a context manager, or call :meth:`shutdown` when done.

    Parameters
    ----------
    kernel_manager_class : type of jupyter_client.manager.AsyncKernelManager
        Starts the kernel (crmkit's runner passes its ``CrmkitKernelManager``).
    kernel_name : str
        The kernel's name, as papermill would be given it.
    language : str
        The notebooks' language (papermill writes the parameters in it).
    preload : sequence of str
        Modules the kernel imports once when it starts (see :func:`prepare_kernel`).
    timeout : float
        Longest a cell may run, in seconds.
    startup_timeout : float
        Longest the kernel may take to start, in seconds.

    Attributes
    ----------
    starts : int
        How many kernels this object has started so far.

    Examples
    --------
    >>> from crmkit.pipeline.runner import CrmkitKernelManager
    >>> with WarmKernel(CrmkitKernelManager) as kernel:  # doctest: +SKIP
    ...     kernel.execute_notebook("a.ipynb", "out/a.ipynb", parameters={"x": 1}, cwd="out")
    ...     kernel.execute_notebook("b.ipynb", "out/b.ipynb", parameters={"x": 2}, cwd="out")
    """

    def __init__(
        self,
        kernel_manager_class: type[KernelManager],
        *,
        kernel_name: str = "python3",
        language: str = "python",
        preload: Sequence[str] = (),
        timeout: float = CELL_TIMEOUT_SECONDS,
        startup_timeout: float = STARTUP_TIMEOUT_SECONDS,
    ) -> None:
        self.kernel_manager_class = kernel_manager_class
        self.kernel_name = kernel_name
        self.language = language
        self.preload = tuple(preload)
        self.timeout = timeout
        self.startup_timeout = startup_timeout
        self.starts = 0
        self._client: NotebookClient | None = None  # owns the running kernel's km and kc
        self._killed = False

    def __enter__(self) -> WarmKernel:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()

    def execute_notebook(
        self,
        input_path: str | Path,
        output_path: str | Path,
        *,
        parameters: Mapping[str, Any],
        cwd: str | Path,
    ) -> NotebookNode:
        """Execute one notebook on the warm kernel, as ``papermill.execute_notebook`` would.

        Parameters
        ----------
        input_path, output_path : path
            The notebook, and where the executed notebook is written (also on failure).
        parameters : mapping
            Injected after the cell tagged ``parameters``, papermill's way.
        cwd : path
            The notebook's working directory.

        Returns
        -------
        NotebookNode
            The executed notebook.

        Raises
        ------
        papermill.exceptions.PapermillExecutionError
            A cell raised, the kernel died, or a cell timed out; the executed notebook is
            written with the error in that cell's output.
        KernelError
            The kernel could not be reset (nothing of the notebook ran).
        """
        from papermill.execute import raise_for_execution_errors

        output_path = str(output_path)
        if self._client is None or not self._kernel_alive():
            self._start(cwd)
        try:
            self._reset(cwd)
        except KernelError:  # a kernel that cannot be reset is replaced, once
            self._start(cwd)
            self._reset(cwd)
        nb = self._parameterized(input_path, output_path, parameters)
        nb = self._execute_cells(nb, output_path)
        raise_for_execution_errors(nb, output_path)
        write_executed(nb, output_path)
        return nb

    def start(self, cwd: str | Path) -> None:
        """Start the kernel now, unless it is running (else the first notebook starts it).

        Lets the kernel start, and import its preload modules, while the caller does
        something else (the runner validates the client meanwhile). Call it from the thread
        that will use the kernel.

        Raises
        ------
        KernelError
            The kernel started but could not be prepared.
        """
        if self._client is None or not self._kernel_alive():
            self._start(cwd)

    def shutdown(self, *, now: bool = True) -> None:
        """Stop the kernel, if there is one (a new one starts at the next notebook).

        Parameters
        ----------
        now : bool
            True (the default): end the kernel's process group at once; a kernel between
            notebooks has nothing left to save. False: ask the kernel to shut down and wait
            for it (up to 5 s, and longer when a notebook left it in a state, e.g. warnings
            turned into errors, in which its shutdown handler fails).
        """
        client, self._client = self._client, None
        if client is not None and client.km is not None:
            if now:
                client.shutdown_kernel = "immediate"
            try:
                client._cleanup_kernel()
            except Exception as exc:  # a kernel that is already gone: nothing to stop
                _log.debug("kernel cleanup: %s", exc)

    def kill(self) -> None:
        """End the kernel process at once and start no other; safe from any thread.

        Meant for an interrupted run: the notebook running on the kernel fails quickly
        instead of running to its end. :meth:`shutdown` must still be called, by the
        kernel's own thread, to release its resources.
        """
        self._killed = True
        client = self._client
        provisioner = getattr(client.km if client is not None else None, "provisioner", None)
        process = getattr(provisioner, "process", None)
        if process is None or process.poll() is not None:
            return
        pgid = getattr(provisioner, "pgid", None)
        with contextlib.suppress(ProcessLookupError):
            if pgid and hasattr(os, "killpg"):
                os.killpg(pgid, signal.SIGKILL)  # the kernel and whatever it started
            else:
                process.kill()

    # ----------------------------------------------------------------------- helpers

    def _kernel_alive(self) -> bool:
        from jupyter_core.utils import ensure_async, run_sync

        km = self._client.km if self._client is not None else None
        if km is None:
            return False

        async def alive() -> bool:
            return bool(await ensure_async(km.is_alive()))

        return run_sync(alive)()

    def _start(self, cwd: str | Path) -> None:
        """Start a new kernel (discarding the old one) and prepare it for reuse."""
        from nbclient import NotebookClient
        from nbformat.v4 import new_notebook

        self.shutdown()
        if self._killed:
            raise KernelError("the run was stopped: no new kernel is started")
        km = self.kernel_manager_class(kernel_name=self.kernel_name)
        client = NotebookClient(
            new_notebook(),
            km=km,
            kernel_name=self.kernel_name,
            timeout=self.timeout,
            startup_timeout=self.startup_timeout,
        )
        self._client = client
        client.start_new_kernel(cwd=str(cwd))
        self.starts += 1
        if self._killed:  # stopped while the process was being started
            self.kill()
            raise KernelError("the run was stopped: no new kernel is started")
        client.start_new_kernel_client()
        self._run_quietly(
            "from crmkit.pipeline.engine import prepare_kernel\n"
            f"prepare_kernel(get_ipython(), {list(self.preload)!r})",
            "prepared",
        )

    def _reset(self, cwd: str | Path) -> None:
        self._run_quietly(
            f"get_ipython().find_line_magic({RESET_MAGIC!r})({str(Path(cwd).resolve())!r})",
            "reset for the next notebook",
        )

    def _run_quietly(self, code: str, purpose: str) -> None:
        """Execute ``code`` outside any notebook and history; KernelError when it fails."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from nbformat.v4 import new_code_cell

        client = self._client
        assert client is not None and client.kc is not None
        try:
            msg_id = client.kc.execute(code, store_history=False, stop_on_error=False)
            reply = client.wait_for_reply(msg_id, new_code_cell(code))
        except (DeadKernelError, CellTimeoutError) as exc:
            self.shutdown()
            raise KernelError(f"the kernel could not be {purpose}: {exc}") from exc
        content = (reply or {}).get("content", {})
        if content.get("status") != "ok":
            self.shutdown()
            detail = f"{content.get('ename')}: {content.get('evalue')}" if content else "no reply"
            raise KernelError(f"the kernel could not be {purpose}: {detail}")

    def _parameterized(
        self, input_path: str | Path, output_path: str, parameters: Mapping[str, Any]
    ) -> NotebookNode:
        """The notebook as ``papermill.execute_notebook`` prepares it for its engine."""
        from papermill.execute import prepare_notebook_metadata, remove_error_markers
        from papermill.iorw import load_notebook_node
        from papermill.parameterize import parameterize_notebook

        nb = load_notebook_node(str(input_path))
        if parameters:
            nb = parameterize_notebook(
                nb, dict(parameters), kernel_name=self.kernel_name, language=self.language
            )
        nb = prepare_notebook_metadata(nb, str(input_path), output_path)
        return remove_error_markers(nb)

    def _execute_cells(self, nb: NotebookNode, output_path: str) -> NotebookNode:
        """papermill's engine loop (``Engine.execute_notebook``) on the warm kernel."""
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from papermill.clientwrap import PapermillNotebookClient
        from papermill.engines import NotebookExecutionManager
        from papermill.log import logger

        assert self._client is not None
        # No output path: papermill would rewrite (and validate) the whole notebook after
        # every cell; it is written once, when it has run (or failed).
        nb_man = NotebookExecutionManager(nb, output_path=None, progress_bar=False)
        nb_man.notebook_start()
        try:
            client = PapermillNotebookClient(
                nb_man,
                km=self._client.km,
                kernel_name=self.kernel_name,
                timeout=self.timeout,
                startup_timeout=self.startup_timeout,
                log=logger,
            )
            client.kc = self._client.kc
            client.execute()
        except DeadKernelError:
            self.shutdown()
            _record_cell_failure(
                nb_man,
                "DeadKernelError",
                "the kernel died while this cell ran (its process ended: a crash, os._exit() "
                "or too little memory); the cells after it did not run",
            )
        except CellTimeoutError:
            self.shutdown()
            _record_cell_failure(
                nb_man,
                "CellTimeoutError",
                f"the cell ran longer than {self.timeout:g} s and was stopped; "
                "the cells after it did not run",
            )
        except BaseException:  # the kernel's state is unknown: do not reuse it
            self.shutdown()
            raise
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb


def write_executed(nb: NotebookNode, path: str | Path) -> None:
    """Write an executed notebook as papermill would, without validating it again.

    papermill validates the whole notebook against the nbformat schema at every write, which
    costs more than writing it once the figures are in; a notebook that papermill and
    nbclient built needs no check.
    """
    from nbformat.v4 import writes

    Path(path).write_text(writes(nb), encoding="utf-8")


def read_executed(path: str | Path) -> NotebookNode:
    """Read an executed notebook (format 4) written by :func:`write_executed` or papermill.

    The counterpart of :func:`write_executed`: parsed, not validated again.
    """
    from nbformat.v4 import reads

    return reads(Path(path).read_text(encoding="utf-8"))


def _record_cell_failure(nb_man: Any, ename: str, evalue: str) -> None:
    """Mark the last cell that started as failed, with ``ename: evalue`` as its error output."""
    from nbformat.v4 import new_output

    started = [
        (i, c) for i, c in enumerate(nb_man.nb.cells) if c.metadata.papermill.get("start_time")
    ]
    if not started:
        return
    index, cell = started[-1]
    if cell.get("execution_count") is None:  # the kernel died before it said which
        counts = [c.get("execution_count") or 0 for c in nb_man.nb.cells[:index]]
        cell.execution_count = max(counts, default=0) + 1
    cell.setdefault("outputs", []).append(
        new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])
    )
    nb_man.cell_exception(cell, cell_index=index)
