"""The plan-and-scope stage's words: the assessment at a glance and what the inventory says.

Built from what :mod:`crmkit.domains.plan` returns: the objectives' SMART gaps, the data
inventory, the readiness per stage.
"""

from __future__ import annotations

import pandas as pd

from crmkit.data.config import Assessment

__all__ = [
    "assessment_overview",
    "coverage_title",
    "inventory_findings",
    "objectives_findings",
    "readiness_findings",
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
    """A plain-language verdict on the objectives (from :func:`crmkit.domains.plan.objectives_table`).

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
