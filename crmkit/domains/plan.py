"""Stage 1, plan and prepare: objectives, team, the data inventory and readiness.

Pure functions over the parameters and tables; the plan-and-scope notebook shows them, with
the words of :mod:`crmkit.words.plan`. The stages arrive as a parameter (the notebook passes
the pipeline's stage list and its rule for missing tables), so this module knows no pipeline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from crmkit.data.config import Assessment
from crmkit.data.schemas import TABLES

__all__ = [
    "StageNeeds",
    "TablesMissing",
    "data_inventory",
    "inventory_record",
    "objectives_table",
    "stage_readiness",
    "team_table",
]


class StageNeeds(Protocol):
    """What this module reads of a stage (:class:`crmkit.pipeline.stages.Stage` has it)."""

    number: str
    title: str
    needs: tuple[str, ...]
    needs_any: tuple[str, ...]


@dataclass(frozen=True)
class TablesMissing:
    """Why a stage cannot run: tables it needs all of (``all_of``) or one of (``any_of``).

    ``english()`` is the reason as the run records it (``results.json``
    ``stages.<stage>.message``, :func:`crmkit.pipeline.stages.missing_tables`), and
    :meth:`read` finds the fact back in that text, so that the report can say it in its
    language.

    Examples
    --------
    >>> fact = TablesMissing(all_of=("tickets",), any_of=("orders", "opportunities"))
    >>> fact.english()
    'needs tickets; needs orders or opportunities'
    >>> TablesMissing.read(fact.english()) == fact
    True
    >>> TablesMissing.read("KeyError: 'x' (cell 4)") is None
    True
    """

    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()

    def english(self) -> str:
        """The reason in English: "needs a and b; needs c or d"."""
        parts = []
        if self.all_of:
            parts.append("needs " + " and ".join(self.all_of))
        if self.any_of:
            parts.append("needs " + " or ".join(self.any_of))
        return "; ".join(parts)

    @classmethod
    def read(cls, text: object) -> TablesMissing | None:
        """The fact whose English is ``text``; None when ``text`` says something else."""
        if not isinstance(text, str):
            return None
        match = _TABLES_MISSING.fullmatch(text)
        if match is None:
            return None
        all_of = tuple(match["all"].split(" and ")) if match["all"] else ()
        any_of = tuple(match["any"].split(" or ")) if match["any"] else ()
        if not all_of and not any_of:
            return None
        fact = cls(all_of=all_of, any_of=any_of)
        return fact if fact.english() == text else None


_TABLE = r"[a-z_]+"
_TABLES_MISSING = re.compile(
    rf"(?:needs (?P<all>{_TABLE}(?: and {_TABLE})*))?"
    rf"(?:(?:; )?needs (?P<any>{_TABLE}(?: or {_TABLE})+))?"
)


def objectives_table(assessment: Assessment) -> pd.DataFrame:
    """The SMART objectives with a check of what each one still lacks.

    Returns
    -------
    DataFrame
        One row per objective: ``objective``, ``kpi``, ``target``, ``unit``, ``deadline``,
        ``owner``, ``missing`` (the SMART elements that are not stated: "measure" when no KPI,
        "target", "deadline" (time-bound), "owner" (accountable); empty text when complete).
    """
    rows = []
    for o in assessment.objectives:
        lacking = [
            label
            for label, value in (
                ("measure", o.kpi),
                ("target", o.target),
                ("deadline", o.deadline),
                ("owner", o.owner),
            )
            if value is None
        ]
        rows.append(
            {
                "objective": o.name,
                "kpi": o.kpi,
                "target": o.target,
                "unit": o.unit,
                "deadline": o.deadline,
                "owner": o.owner,
                "missing": ", ".join(lacking),
            }
        )
    columns = ["objective", "kpi", "target", "unit", "deadline", "owner", "missing"]
    return pd.DataFrame(rows, columns=columns)


def team_table(assessment: Assessment) -> pd.DataFrame:
    """The assessment team: ``name``, ``role``, ``responsibility``, one row per member."""
    return pd.DataFrame(
        [(m.name, m.role, m.responsibility) for m in assessment.team],
        columns=["name", "role", "responsibility"],
    )


def data_inventory(
    tables: Mapping[str, pd.DataFrame],
    files: Mapping[str, str],
    assessment: Assessment,
    stages: Sequence[StageNeeds] = (),
) -> pd.DataFrame:
    """Every canonical table: present or not, size, date coverage, and what it feeds.

    Parameters
    ----------
    tables : mapping of DataFrame
        The typed tables present.
    files : mapping of str
        Each present table's file.
    assessment : Assessment
        Supplies the before and after windows.
    stages : sequence of StageNeeds
        The assessment's stages (:func:`crmkit.pipeline.stages.discover_stages`); a table feeds those that name it in ``needs`` or ``needs_any``.

    Returns
    -------
    DataFrame
        One row per canonical table, in schema order: ``table``, ``present`` (bool),
        ``file``, ``rows``, ``first_date``, ``last_date``, ``rows_before`` and ``rows_after``
        (rows dated in each window; NA for tables without a date), ``used_for``, ``stages``.
    """
    before, after = assessment.before, assessment.after
    rows = []
    for name, schema in TABLES.items():
        table = tables.get(name)
        feeds = ", ".join(s.title for s in stages if name in s.needs or name in s.needs_any)
        row = {
            "table": name,
            "present": table is not None,
            "file": files.get(name),
            "rows": len(table) if table is not None else 0,
            "first_date": pd.NaT,
            "last_date": pd.NaT,
            "rows_before": pd.NA,
            "rows_after": pd.NA,
            "used_for": schema.used_for,
            "stages": feeds,
        }
        if table is not None and schema.date_column in table:
            dates = table[schema.date_column]
            row["first_date"], row["last_date"] = dates.min(), dates.max()
            row["rows_before"] = int(before.contains(dates).sum())
            row["rows_after"] = int(after.contains(dates).sum())
        rows.append(row)
    frame = pd.DataFrame(rows)
    for col in ("rows_before", "rows_after"):
        frame[col] = frame[col].astype("Int64")
    return frame


def inventory_record(inventory: pd.DataFrame) -> dict:
    """The inventory for results.json: ``{table: {present, file, rows, first_date, last_date}}``."""
    return {
        r.table: {
            "present": bool(r.present),
            "file": None if pd.isna(r.file) else r.file,
            "rows": int(r.rows),
            "first_date": None if pd.isna(r.first_date) else r.first_date.date().isoformat(),
            "last_date": None if pd.isna(r.last_date) else r.last_date.date().isoformat(),
        }
        for r in inventory.itertuples()
    }


def stage_readiness(
    stages: Sequence[StageNeeds],
    present: Collection[str],
    *,
    missing: Callable[[StageNeeds, Collection[str]], str | None],
) -> pd.DataFrame:
    """Whether each stage can run with the tables present.

    Parameters
    ----------
    stages : sequence of StageNeeds
        The assessment's stages (:func:`crmkit.pipeline.stages.discover_stages`).
    present : collection of str
        The tables the client supplied.
    missing : callable
        Why a stage cannot run with the tables present, or None when it can: the runner's
        rule, :func:`crmkit.pipeline.stages.missing_tables`, so that the readiness shown
        here is the one the run applies.

    Returns
    -------
    DataFrame
        One row per stage: ``stage`` (number and title), ``ready`` (bool), ``reason``
        (why it will be skipped; empty when ready).
    """
    rows = []
    for stage in stages:
        reason = missing(stage, present)
        rows.append(
            {
                "stage": f"{stage.number} {stage.title}",
                "ready": reason is None,
                "reason": reason or "",
            }
        )
    return pd.DataFrame(rows, columns=["stage", "ready", "reason"])
