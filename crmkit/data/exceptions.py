"""The errors crmkit raises, one type per kind of failure, each carrying its facts.

::

    CrmkitError                  base of every crmkit error
    ├── ParamsError              params.yaml is missing, unreadable or invalid
    ├── InputError               the client's data breaks a rule (file, column, rows, rule)
    ├── ValidationFailed         validation found fatal problems; carries all of them
    ├── StageError               a stage notebook failed (stage, cell, message)
    └── KernelError              a warm kernel could not be prepared or reset (not reused)

:class:`Problem` is one validation finding (``ValidationFailed`` carries them); it lives here,
at the bottom of the data layer, so that validation imports it with the errors and this
module imports nothing of crmkit. ``crmkit.data.validation.Problem`` names the same class.

A command-line user sees ``str(error)``: one clear message, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CrmkitError",
    "InputError",
    "KernelError",
    "ParamsError",
    "Problem",
    "StageError",
    "ValidationFailed",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One validation finding.

    Attributes
    ----------
    severity : {'error', 'warning'}
        Errors stop the assessment; warnings are reported and the run goes on.
    rule : str
        The rule broken (the rules are listed in :mod:`crmkit.data.validation`).
    message : str
        What was found.
    file : str, optional
        The file, relative to the client folder.
    table, column : str, optional
        The canonical table and column.
    rows : tuple of int
        The first few offending row numbers (header = row 1).
    count : int
        How many rows are affected in all.
    expected : str, optional
        What the rule expects.
    """

    severity: Severity
    rule: str
    message: str
    file: str | None = None
    table: str | None = None
    column: str | None = None
    rows: tuple[int, ...] = ()
    count: int = 0
    expected: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            p for p in (self.file, f"column {self.column}" if self.column else None) if p
        )
        text = f"{where}: {self.message}" if where else self.message
        if self.rows:
            shown = ", ".join(str(r) for r in self.rows)
            more = (
                f" and {self.count - len(self.rows):,} more" if self.count > len(self.rows) else ""
            )
            text += f" (row{'s' if self.count > 1 else ''} {shown}{more})"
        if self.expected:
            text += f"; expected {self.expected}"
        return text


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
