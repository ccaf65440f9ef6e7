"""Printing a report's pages to PDF with headless chromium (``crmkit run --pdf``).

Each HTML page of a report folder (``index.html`` and every stage page) is printed to a PDF
of the same name beside it (``index.pdf``, ``03_sales_performance.pdf`` …), as the browser's
"print to PDF" would: the page's print stylesheet decides the paper (A4), the running header
with the client and the run, the page numbers, and how tables and charts break across pages.

Chromium is found on ``PATH`` (``chromium``, ``chromium-browser``, ``google-chrome``,
``google-chrome-stable``, ``chrome``) or, when the ``playwright`` package is installed, as
the chromium that ``playwright install chromium`` downloaded. Nothing else is needed: the
binary alone prints with ``--headless --print-to-pdf``. Without it no PDF is written and
:func:`print_report` says so (:attr:`PdfStatus.NO_BROWSER`); the HTML report is complete
either way.

Every PDF is written under a hidden temporary name and renamed into place only once chromium
has finished it and it starts with ``%PDF``: a report folder never holds a half-written PDF,
whatever happens while printing.
"""

from __future__ import annotations

import enum
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BROWSER_NAMES",
    "PdfOutcome",
    "PdfStatus",
    "find_chromium",
    "print_page",
    "print_report",
    "report_pages",
]

#: The chromium executables looked for on ``PATH``, in this order.
BROWSER_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)

#: Seconds one page may take to print before it is given up.
PAGE_TIMEOUT = 120.0

_PDF_MAGIC = b"%PDF"


class PdfStatus(enum.StrEnum):
    """What the PDF step of a run did."""

    WRITTEN = "written"  # every page was printed
    PARTLY_WRITTEN = "partly written"  # some pages could not be printed
    NO_BROWSER = "no browser"  # no chromium found: nothing was printed
    FAILED = "failed"  # chromium was found but no page could be printed


@dataclass(frozen=True)
class PdfOutcome:
    """The PDFs of one report folder.

    Attributes
    ----------
    status : PdfStatus
    browser : Path or None
        The chromium that printed them.
    written : tuple of Path
        The PDFs written, in page order.
    failed : tuple of (str, str)
        Each page that could not be printed: its file name and why.
    """

    status: PdfStatus
    browser: Path | None = None
    written: tuple[Path, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()


def _playwright_roots() -> list[Path]:
    """Where ``playwright install`` puts its browsers on this system."""
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if configured and configured != "0":
        return [Path(configured)]
    home = Path.home()
    if sys.platform == "darwin":
        return [home / "Library" / "Caches" / "ms-playwright"]
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return [Path(local) / "ms-playwright"] if local else []
    cache = os.environ.get("XDG_CACHE_HOME")
    return [Path(cache) / "ms-playwright" if cache else home / ".cache" / "ms-playwright"]


_PLAYWRIGHT_BINARIES = (
    "chromium-*/chrome-linux*/chrome",
    "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
    "chromium-*/chrome-mac*/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
    "chromium-*/chrome-win*/chrome.exe",
    "chromium_headless_shell-*/chrome-*/headless_shell",
    "chromium_headless_shell-*/chrome-*/chrome-headless-shell",
    "chromium_headless_shell-*/chrome-*/headless_shell.exe",
)


def _playwright_chromium(roots: Sequence[Path]) -> Path | None:
    for root in roots:
        for pattern in _PLAYWRIGHT_BINARIES:
            found = sorted(root.glob(pattern), reverse=True)  # the newest revision first
            for binary in found:
                if binary.is_file() and os.access(binary, os.X_OK):
                    return binary
    return None


def find_chromium(
    search_path: str | None = None,
    *,
    playwright_roots: Sequence[Path] | None = None,
) -> Path | None:
    """The headless chromium to print with, or None when there is none.

    Parameters
    ----------
    search_path : str, optional
        The ``PATH`` to search for :data:`BROWSER_NAMES` (default: the environment's).
    playwright_roots : sequence of Path, optional
        The folders of playwright's browsers, searched after ``PATH`` (default: playwright's
        own folder for this system, searched only when the ``playwright`` package is
        installed; an empty sequence searches none).

    Returns
    -------
    Path or None

    Examples
    --------
    >>> find_chromium(search_path="", playwright_roots=[]) is None
    True
    """
    for name in BROWSER_NAMES:
        found = shutil.which(name, path=search_path)
        if found:
            return Path(found)
    if playwright_roots is None:
        if importlib.util.find_spec("playwright") is None:
            return None
        playwright_roots = _playwright_roots()
    return _playwright_chromium(playwright_roots)


def _command(browser: Path, page: Path, target: Path, profile: str) -> list[str]:
    command = [
        str(browser),
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-sync",
        "--disable-background-networking",
        "--no-pdf-header-footer",
        f"--user-data-dir={profile}",
        f"--print-to-pdf={target}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--no-sandbox")  # chromium refuses to start as root with its sandbox
    return [*command, page.resolve().as_uri()]


def print_page(page: Path, pdf: Path, *, browser: Path, timeout: float = PAGE_TIMEOUT) -> Path:
    """Print one HTML page to ``pdf`` with headless chromium, atomically.

    Chromium writes to a hidden temporary file beside ``pdf``, which replaces ``pdf`` only
    when it is complete and starts with ``%PDF``; on any failure it is removed.

    Parameters
    ----------
    page : Path
        The HTML page.
    pdf : Path
        Where the PDF goes.
    browser : Path
        The chromium executable (:func:`find_chromium`).
    timeout : float
        Seconds before chromium is stopped and the page given up.

    Returns
    -------
    Path
        ``pdf``.

    Raises
    ------
    RuntimeError
        When chromium fails, times out or writes no PDF (the message says which).
    """
    partial = pdf.with_name(f".{pdf.name}.partial")
    try:
        with tempfile.TemporaryDirectory(prefix="crmkit-chromium-") as profile:
            try:
                finished = subprocess.run(
                    _command(browser, page, partial, profile),
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    timeout=timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"chromium took longer than {timeout:.0f} s") from None
            except OSError as error:
                raise RuntimeError(f"chromium could not be started: {error}") from None
        head = partial.read_bytes()[: len(_PDF_MAGIC)] if partial.exists() else b""
        if head != _PDF_MAGIC:
            lines = finished.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = f": {lines[-1]}" if lines else ""
            raise RuntimeError(f"chromium wrote no PDF (exit code {finished.returncode}){detail}")
        os.replace(partial, pdf)
    finally:
        partial.unlink(missing_ok=True)
    return pdf


def report_pages(report_dir: Path) -> list[Path]:
    """The pages of a report folder to print: ``index.html`` first, then the others by name."""
    pages = sorted(Path(report_dir).glob("*.html"))
    return sorted(pages, key=lambda page: (page.name != "index.html", page.name))


def print_report(
    report_dir: Path,
    *,
    browser: Path | None = None,
    jobs: int = 2,
    timeout: float = PAGE_TIMEOUT,
) -> PdfOutcome:
    """Print every page of a report folder to a PDF beside it; never raises for a page.

    Parameters
    ----------
    report_dir : Path
        The report folder (``index.html`` and the stage pages).
    browser : Path, optional
        The chromium to use (default: :func:`find_chromium`).
    jobs : int
        Pages printed at once (each by its own chromium process).
    timeout : float
        Seconds one page may take.

    Returns
    -------
    PdfOutcome
        :attr:`PdfStatus.NO_BROWSER` without chromium (nothing written); else the PDFs
        written and the pages that could not be printed, with why.
    """
    browser = browser if browser is not None else find_chromium()
    if browser is None:
        return PdfOutcome(PdfStatus.NO_BROWSER)
    pages = report_pages(Path(report_dir))

    def one(page: Path) -> Path | str:
        try:
            return print_page(page, page.with_suffix(".pdf"), browser=browser, timeout=timeout)
        except Exception as error:  # one page must not cost the others
            return " ".join(str(error).split()) or type(error).__name__

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        done = list(pool.map(one, pages))
    written = tuple(item for item in done if isinstance(item, Path))
    failed = tuple(
        (page.name, item) for page, item in zip(pages, done, strict=True) if isinstance(item, str)
    )
    if not failed:
        status = PdfStatus.WRITTEN
    else:
        status = PdfStatus.PARTLY_WRITTEN if written else PdfStatus.FAILED
    return PdfOutcome(status, browser, written, failed)
