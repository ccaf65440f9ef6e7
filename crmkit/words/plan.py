"""The plan-and-scope stage's words: the assessment at a glance and what the inventory says.

Built from what :mod:`crmkit.domains.plan` returns: the objectives' SMART gaps, the data
inventory, the readiness per stage.
"""

from __future__ import annotations

import pandas as pd

from crmkit.data.config import Assessment
from crmkit.domains.plan import TablesMissing
from crmkit.words.formats import TableView
from crmkit.words.language import term, tr
from crmkit.words.stage_messages import tables_missing

__all__ = [
    "assessment_overview",
    "coverage_title",
    "inventory_findings",
    "inventory_view",
    "objectives_findings",
    "readiness_findings",
    "readiness_view",
]


def assessment_overview(assessment: Assessment) -> pd.DataFrame:
    """The assessment's design in one table: "Item" and "Value" (text), one row per fact."""
    a = assessment
    control = f"{a.control.column} = {', '.join(a.control.values)}" if a.control else tr("none")
    rows = [
        (tr("Client"), a.client),
        (tr("CRM go-live"), a.go_live_date.isoformat()),
        (tr("Before window"), str(a.before)),
        (tr("After window"), str(a.after)),
        (tr("Control group (no CRM)"), control),
        (tr("Currency"), a.currency),
        (tr("Significance level"), f"{a.stats.alpha:g}"),
        (tr("Multiple-testing correction"), a.stats.correction),
        (tr("Discount rate per year"), f"{a.finance.discount_rate:.1%}"),
        (tr("Financial horizon"), tr("{years} years", years=a.finance.horizon_years)),
        (tr("Scope"), a.scope.description or tr("not stated")),
        (tr("In scope"), ", ".join(a.scope.included) or tr("not stated")),
        (tr("Out of scope"), ", ".join(a.scope.excluded) or tr("nothing excluded")),
    ]
    return pd.DataFrame(rows, columns=[tr("Item"), tr("Value")])


def objectives_findings(objectives: pd.DataFrame) -> str:
    """A plain-language verdict on the objectives (from :func:`crmkit.domains.plan.objectives_table`).

    Examples
    --------
    >>> objectives_findings(pd.DataFrame({"objective": ["Win more"], "missing": ["deadline"]}))
    '1 objective is stated; 0 are fully SMART. Win more: no deadline.'
    """
    if objectives.empty:
        return tr(
            "No objectives are stated in params.yaml. Without them the assessment can measure "
            "change but cannot say whether the CRM met its goals: agree SMART objectives with "
            "the client."
        )
    complete = int((objectives["missing"] == "").sum())
    n = len(objectives)
    if n == 1:
        stated = tr("1 objective is stated;")
    else:
        stated = tr("{n} objectives are stated;", n=n)
    if complete == 1:
        smart = tr("1 is fully SMART.")
    else:
        smart = tr("{complete} are fully SMART.", complete=complete)
    text = tr("{stated} {smart}", stated=stated, smart=smart)
    gaps = [
        tr("{objective}: no {missing}", objective=r.objective, missing=_lacking(r.missing))
        for r in objectives.itertuples()
        if r.missing
    ]
    return text + (tr(" {gaps}.", gaps=tr("; ").join(gaps)) if gaps else "")


def _lacking(missing: str) -> str:
    """The SMART elements an objective lacks (``"deadline, owner"``), in the report's language."""
    return tr(", ").join(term(element) for element in missing.split(", ")) if missing else ""


def objectives_view(objectives: pd.DataFrame) -> pd.DataFrame:
    """The objectives table (:func:`crmkit.domains.plan.objectives_table`) as a page shows it:
    what each objective lacks in the report's language.

    Examples
    --------
    >>> from crmkit.words.language import speaking
    >>> with speaking("zh"):
    ...     objectives_view(pd.DataFrame({"missing": ["deadline, owner", ""]}))["missing"].tolist()
    ['截止日期、负责人', '']
    """
    view = objectives.copy()
    view["missing"] = [_lacking(str(missing)) for missing in objectives["missing"]]
    return view


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
    title = tr(
        "{covering} of {dated} dated tables cover both windows",
        covering=len(both),
        dated=len(dated),
    )
    if len(both) == len(dated):
        return title
    lacking = dated[(dated["rows_before"] == 0) | (dated["rows_after"] == 0)]
    parts = [
        tr("{table} lacks the before window", table=r.table)
        if r.rows_before == 0
        else tr("{table} lacks the after window", table=r.table)
        for r in lacking.itertuples()
    ]
    return title + tr("; ") + tr(", ").join(parts)


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
    text = tr(
        "The client supplied {present} of {total} tables ({rows} rows).",
        present=len(present),
        total=len(inventory),
        rows=f"{int(present['rows'].sum()):,}",
    )
    if len(absent):
        missing = tr("; ").join(
            tr(
                "{table} (needed for {use})",
                table=r.table,
                use=term(r.used_for) if isinstance(r.used_for, str) else r.used_for,
            )
            for r in absent.itertuples()
        )
        text += tr(" Missing: {missing}.", missing=missing)
    one_sided = present[(present["rows_before"] == 0) | (present["rows_after"] == 0)].dropna(
        subset=["rows_before"]
    )
    for r in one_sided.itertuples():
        if r.rows_before == 0:
            text += tr(
                " The {table} table has no rows in the before window, so its measures can be "
                "tracked but not compared before and after go-live.",
                table=r.table,
            )
        else:
            text += tr(
                " The {table} table has no rows in the after window, so its measures can be "
                "tracked but not compared before and after go-live.",
                table=r.table,
            )
    return text


def _stage_label(stage: str) -> str:
    """A stage as ``stage_readiness`` names it ("03 Sales performance"), its title in the
    report's language."""
    number, _, title = stage.partition(" ")
    return f"{number} {term(title)}" if title else stage


def _readiness_reason(reason: str) -> str:
    """Why a stage will be skipped, in the report's language where it names missing tables."""
    fact = TablesMissing.read(reason)
    return tables_missing(fact) if fact is not None else reason


def readiness_view(readiness: pd.DataFrame) -> pd.DataFrame:
    """The stage readiness as the page shows it: stage titles and reasons in the report's
    language.

    Examples
    --------
    >>> readiness = pd.DataFrame({"stage": ["04 Service and interaction"], "ready": [False],
    ...                           "reason": ["needs tickets"]})
    >>> readiness_view(readiness)[["stage", "reason"]].iloc[0].tolist()
    ['04 Service and interaction', 'needs tickets']
    """
    view = readiness.copy()
    view["stage"] = [_stage_label(str(s)) for s in readiness["stage"]]
    view["reason"] = [_readiness_reason(str(r)) if r else r for r in readiness["reason"]]
    return view


def readiness_findings(readiness: pd.DataFrame) -> str:
    """A plain-language sentence on which stages will run and which are skipped."""
    ready = readiness[readiness["ready"]]
    skipped = readiness[~readiness["ready"]]
    text = tr(
        "{ready} of {total} stages have the data they need.",
        ready=len(ready),
        total=len(readiness),
    )
    if len(skipped):
        reasons = tr("; ").join(
            tr(
                "{stage} ({reason})",
                stage=_stage_label(r.stage),
                reason=_readiness_reason(r.reason),
            )
            for r in skipped.itertuples()
        )
        text += tr(" Skipped: {reasons}.", reasons=reasons)
    return text


def inventory_view(inventory: pd.DataFrame) -> TableView:
    """The data inventory as the page shows it: what each table feeds in the report's
    language, row counts with their unit, dates as days.

    Parameters
    ----------
    inventory : DataFrame
        :func:`crmkit.domains.plan.data_inventory`.

    Examples
    --------
    >>> inv = pd.DataFrame({"table": ["orders"], "present": [True], "rows": [3],
    ...                     "used_for": ["revenue"], "stages": [["sales"]]})
    >>> view = inventory_view(inv)
    >>> list(view.frame.columns), view.units
    (['table', 'present', 'rows', 'used_for'], {'rows': 'count'})
    """
    frame = inventory.drop(columns="stages", errors="ignore").copy()
    if "used_for" in frame:
        frame["used_for"] = [term(str(u)) if isinstance(u, str) else u for u in frame["used_for"]]
    counts = [c for c in ("rows", "rows_before", "rows_after") if c in frame]
    dates = [c for c in ("first_date", "last_date") if c in frame]
    return TableView(
        frame=frame,
        units={c: "count" for c in counts},
        formats={**{c: "{:,}" for c in counts}, **{c: "{:%Y-%m-%d}" for c in dates}},
    )
