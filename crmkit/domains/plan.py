"""Stage 1, plan and prepare: objectives, scope, team, the data inventory and readiness.

Pure functions over the parameters and tables; the plan-and-scope notebook shows them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from crmkit.data.config import Assessment
from crmkit.data.schemas import TABLES
from crmkit.pipeline.stages import Stage, missing_tables

__all__ = [
    "assessment_overview",
    "data_inventory",
    "inventory_record",
    "inventory_findings",
    "coverage_title",
    "objectives_findings",
    "objectives_table",
    "readiness_findings",
    "stage_readiness",
    "team_table",
]


def assessment_overview(assessment: Assessment) -> pd.DataFrame:
    """The assessment's design in one table: ``item`` and ``value`` (text), one row per fact."""
    a = assessment
    control = f"{a.control.column} = {', '.join(a.control.values)}" if a.control else "none"
    rows = [
        ("Client", a.client),
        ("CRM go-live", a.go_live_date.isoformat()),
        ("Before window", str(a.before)),
        ("After window", str(a.after)),
        ("Control group (no CRM)", control),
        ("Currency", a.currency),
        ("Significance level", f"{a.stats.alpha:g}"),
        ("Multiple-testing correction", a.stats.correction),
        ("Discount rate per year", f"{a.finance.discount_rate:.1%}"),
        ("Financial horizon", f"{a.finance.horizon_years} years"),
        ("Scope", a.scope.description or "not stated"),
        ("In scope", ", ".join(a.scope.included) or "not stated"),
        ("Out of scope", ", ".join(a.scope.excluded) or "nothing excluded"),
    ]
    return pd.DataFrame(rows, columns=["item", "value"])


def objectives_findings(objectives: pd.DataFrame) -> str:
    """A plain-language verdict on the objectives (from :func:`objectives_table`).

    Examples
    --------
    >>> objectives_findings(pd.DataFrame({"objective": ["Win more"], "missing": ["deadline"]}))
    '1 objective is stated; 0 are fully SMART. Win more: no deadline.'
    """
    if objectives.empty:
        return (
            "No objectives are stated in params.yaml. Without them the assessment can measure "
            "change but cannot say whether the CRM met its goals: agree SMART objectives with the client."
        )
    complete = int((objectives["missing"] == "").sum())
    n = len(objectives)
    text = f"{n} objective{'s are' if n != 1 else ' is'} stated; {complete} {'is' if complete == 1 else 'are'} fully SMART."
    gaps = [f"{r.objective}: no {r.missing}" for r in objectives.itertuples() if r.missing]
    return text + (" " + "; ".join(gaps) + "." if gaps else "")


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
    stages: Sequence[Stage] = (),
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
    stages : sequence of Stage
        The assessment's stages; a table feeds those that name it in ``needs`` or ``needs_any``.

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


def coverage_title(inventory: pd.DataFrame) -> str:
    """The coverage chart's title, stating the finding.

    Examples
    --------
    >>> inv = pd.DataFrame({"table": ["orders", "usage"], "present": [True, True],
    ...                     "rows_before": [10, 0], "rows_after": [12, 40]})
    >>> coverage_title(inv)
    '1 of 2 dated tables cover both windows; usage lacks the before window'
    """
    dated = inventory[inventory["present"] & inventory["rows_before"].notna()]
    both = dated[(dated["rows_before"] > 0) & (dated["rows_after"] > 0)]
    title = f"{len(both)} of {len(dated)} dated tables cover both windows"
    if len(both) == len(dated):
        return title
    lacking = dated[(dated["rows_before"] == 0) | (dated["rows_after"] == 0)]
    parts = [
        f"{r.table} lacks the {'before' if r.rows_before == 0 else 'after'} window"
        for r in lacking.itertuples()
    ]
    return title + "; " + ", ".join(parts)


def stage_readiness(stages: Sequence[Stage], present: Sequence[str]) -> pd.DataFrame:
    """Whether each stage can run with the tables present.

    Returns
    -------
    DataFrame
        One row per stage: ``stage`` (number and title), ``ready`` (bool), ``reason``
        (why it will be skipped; empty when ready).
    """
    rows = []
    for stage in stages:
        reason = missing_tables(stage, present)
        rows.append(
            {
                "stage": f"{stage.number} {stage.title}",
                "ready": reason is None,
                "reason": reason or "",
            }
        )
    return pd.DataFrame(rows, columns=["stage", "ready", "reason"])


def inventory_findings(inventory: pd.DataFrame) -> str:
    """A plain-language paragraph on what data the client supplied and what is missing.

    Examples
    --------
    >>> inv = pd.DataFrame({"table": ["orders", "tickets"], "present": [True, False],
    ...                     "rows": [1200, 0], "rows_before": [600, pd.NA], "rows_after": [600, pd.NA],
    ...                     "used_for": ["sales KPIs", "service times"]})
    >>> print(inventory_findings(inv))
    The client supplied 1 of 2 tables (1,200 rows). Missing: tickets (needed for service times).
    """
    present = inventory[inventory["present"]]
    absent = inventory[~inventory["present"]]
    text = f"The client supplied {len(present)} of {len(inventory)} tables ({int(present['rows'].sum()):,} rows)."
    if len(absent):
        missing = "; ".join(f"{r.table} (needed for {r.used_for})" for r in absent.itertuples())
        text += f" Missing: {missing}."
    one_sided = present[(present["rows_before"] == 0) | (present["rows_after"] == 0)].dropna(
        subset=["rows_before"]
    )
    for r in one_sided.itertuples():
        side = "before" if r.rows_before == 0 else "after"
        text += (
            f" The {r.table} table has no rows in the {side} window, so its measures can be "
            "tracked but not compared before and after go-live."
        )
    return text


def readiness_findings(readiness: pd.DataFrame) -> str:
    """A plain-language sentence on which stages will run and which are skipped."""
    ready = readiness[readiness["ready"]]
    skipped = readiness[~readiness["ready"]]
    text = f"{len(ready)} of {len(readiness)} stages have the data they need."
    if len(skipped):
        text += (
            " Skipped: " + "; ".join(f"{r.stage} ({r.reason})" for r in skipped.itertuples()) + "."
        )
    return text
