"""The errors crmkit raises, one type per kind of failure, each carrying its facts.

::

    CrmkitError                  base of every crmkit error
    ├── ParamsError              params.yaml is missing, unreadable or invalid
    ├── InputError               the client's data breaks a rule (file, column, rows, rule)
    ├── ValidationFailed         validation found fatal problems; carries all of them
    ├── StageError               a stage notebook failed (stage, cell, message)
    └── KernelError              a warm kernel could not be prepared or reset (not reused)

A command-line user sees ``str(error)``: one clear message, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from crmkit.validation import Problem

__all__ = [
    "CrmkitError",
    "InputError",
    "KernelError",
    "ParamsError",
    "StageError",
    "ValidationFailed",
]


class CrmkitError(Exception):
    """Base class of every error crmkit raises on purpose."""


class ParamsError(CrmkitError):
    """The parameters file is missing, unreadable or invalid."""


class InputError(CrmkitError):
    """A client's table cannot be read or breaks a rule.

    Parameters
    ----------
    message : str
        What was found and what was expected.
    file : str, optional
        The file, relative to the client folder.
    column : str, optional
        The column concerned.
    rows : sequence of int, optional
        Row numbers as a spreadsheet shows them (the header is row 1).
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        column: str | None = None,
        rows: Sequence[int] = (),
    ) -> None:
        self.file = file
        self.column = column
        self.rows = list(rows)
        where = ", ".join(p for p in (file, f"column {column}" if column else None) if p)
        super().__init__(f"{where}: {message}" if where else message)


class ValidationFailed(CrmkitError):
    """Validation found at least one fatal problem; ``problems`` holds all of them."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [f"{len(errors)} problem(s) stop the assessment:"]
        lines += [f"  - {p}" for p in errors]
        super().__init__("\n".join(lines))


class StageError(CrmkitError):
    """A stage notebook raised an exception.

    Parameters
    ----------
    stage : str
        The stage's name, e.g. ``data_quality``.
    message : str
        The error's name and value as the notebook raised it.
    cell : int, optional
        Index of the failing cell in the notebook.
    """

    def __init__(self, stage: str, message: str, *, cell: int | None = None) -> None:
        self.stage = stage
        self.cell = cell
        self.message = message
        where = f" (cell {cell})" if cell is not None else ""
        super().__init__(f"stage {stage} failed{where}: {message}")


class KernelError(CrmkitError):
    """A warm kernel could not be prepared or reset for a notebook; it is not reused."""
