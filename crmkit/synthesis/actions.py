"""Next best activity: the gaps, the actions they call for, their benefit index, and the plan.

1. :func:`find_gaps` lists the KPIs that need action, each with its :class:`Reason`\\ s:
   behind its scorecard target, worse than its industry benchmark, worsened after go-live, or
   the effect of a link of the cause-and-effect chain that the data do not support (its cause
   does not carry through to it, so it is acted on directly).
2. :func:`rank_candidates` pairs each action of the catalog (merged with the client's
   ``actions`` table, :mod:`~crmkit.synthesis.action_catalog`) with the gap KPIs it moves,
   values its effect and cost (:mod:`~crmkit.synthesis.action_value`) and ranks them by

   benefit index = (expected effect − expected cost) / expected cost,

   with a low and a high index from the low and high end of the effect range. An action
   moving several gap KPIs is valued on the one it is worth most on: their effects overlap
   (revenue holds order value), so they are not added.
3. :func:`action_plan` turns the ranked candidates into a plan: owner, start, the KPI to
   watch, its target and the review date.

Time basis
----------
The expected effect is **one year of the full effect**, reached after the action's horizon,
against the action's one-off cost: a benefit index of 0.5 means the first full year of effect
returns the cost and half as much again. The plan uses the same horizon: the review date is
the start plus the horizon, when the target (the KPI's after value improved by the central
effect) should be reached. An action whose effect or cost cannot be put in money has no
benefit index (``monetised`` false) and is ranked after every monetised one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data.config import Assessment, Finance
from crmkit.data.guards import finite_number
from crmkit.data.verdicts import Verdict
from crmkit.synthesis.action_catalog import Action
from crmkit.synthesis.action_value import ClientSizes, action_cost, money_per_unit
from crmkit.synthesis.status import ScoreStatus

__all__ = [
    "CANDIDATE_COLUMNS",
    "GAP_COLUMNS",
    "PLAN_COLUMNS",
    "Reason",
    "action_plan",
    "actions_results",
    "find_gaps",
    "plan_start",
    "rank_candidates",
    "unknown_action_kpis",
]


class Reason(StrEnum):
    """Why a KPI calls for action (a candidate carries those of the KPIs it moves)."""

    BEHIND_TARGET = "behind_target"
    WORSE_THAN_BENCHMARK = "worse_than_benchmark"
    WORSENED = "worsened"
    WEAK_LINK = "weak_link"


#: The benchmark standing and the chain status that make a gap (values of the benchmarks and
#: chain frames, see the module docstring of :mod:`crmkit.synthesis`).
WORSE_STANDING = "worse"
NOT_SUPPORTED = "not supported"

#: The columns of :func:`find_gaps` (index: KPI name).
GAP_COLUMNS = ("label", "perspective", "unit", "direction", "actual", "reasons")

#: The columns of :func:`rank_candidates`.
CANDIDATE_COLUMNS = (
    "rank", "action", "description", "kpi", "kpis", "reasons", "owner", "horizon_months",
    "relative_effect", "expected_effect", "effect_low", "effect_high", "expected_cost",
    "benefit_index", "benefit_index_low", "benefit_index_high", "monetised", "source",
)  # fmt: skip

#: The columns of :func:`action_plan`.
PLAN_COLUMNS = ("action", "owner", "start", "kpi", "target", "review_date")


def _flagged(frame: pd.DataFrame | None, column: str, value: Any) -> set[str]:
    if frame is None or frame.empty or column not in frame:
        return set()
    return {str(k) for k, v in frame[column].items() if isinstance(v, str) and v == value}


def find_gaps(
    scorecard_kpis: pd.DataFrame | None,
    kpi_results: pd.DataFrame,
    *,
    benchmarks: pd.DataFrame | None = None,
    chain: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The KPIs that call for action, and why.

    Parameters
    ----------
    scorecard_kpis : DataFrame or None
        The scorecard's KPI frame (index KPI name; ``status`` a
        :class:`~crmkit.synthesis.status.ScoreStatus`, ``actual``).
    kpi_results : DataFrame
        :func:`crmkit.measure.measure_kpis` (index KPI name; label, perspective, unit,
        direction, after, verdict).
    benchmarks : DataFrame, optional
        Index KPI name; ``standing`` "worse" marks a gap.
    chain : DataFrame, optional
        One row per link: ``cause``, ``effect``, ``status``; the effect of a link whose status
        is "not supported" is a weak link.

    Returns
    -------
    DataFrame
        Index KPI name (catalog order of ``kpi_results``), :data:`GAP_COLUMNS`: ``actual``
        the after value, ``reasons`` a tuple of :class:`Reason` in the enum's order. Only
        KPIs with at least one reason.

    Examples
    --------
    >>> results = pd.DataFrame({"label": ["Win rate"], "perspective": ["internal_process"],
    ...     "unit": ["share"], "direction": ["higher"], "after": [0.2],
    ...     "verdict": [Verdict.WORSENED]}, index=["win_rate"])
    >>> find_gaps(None, results)["reasons"].tolist()
    [(<Reason.WORSENED: 'worsened'>,)]
    """
    flagged = {
        Reason.BEHIND_TARGET: _flagged(scorecard_kpis, "status", ScoreStatus.BEHIND),
        Reason.WORSE_THAN_BENCHMARK: _flagged(benchmarks, "standing", WORSE_STANDING),
        Reason.WORSENED: _flagged(kpi_results, "verdict", Verdict.WORSENED),
        Reason.WEAK_LINK: set(),
    }
    if chain is not None and not chain.empty and {"effect", "status"} <= set(chain.columns):
        weak = chain.loc[chain["status"].map(lambda s: isinstance(s, str) and s == NOT_SUPPORTED)]
        flagged[Reason.WEAK_LINK] = {str(k) for k in weak["effect"]}
    order = [str(k) for k in kpi_results.index]
    extra = sorted(set().union(*flagged.values()) - set(order))
    rows = {}
    for kpi in order + extra:
        reasons = tuple(r for r in Reason if kpi in flagged[r])
        if not reasons:
            continue
        rows[kpi] = _gap_row(kpi, reasons, scorecard_kpis, kpi_results)
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=list(GAP_COLUMNS))
    frame["actual"] = pd.to_numeric(frame["actual"], errors="coerce").astype("float64")
    return frame.rename_axis("kpi")


def _value(frame: pd.DataFrame | None, kpi: str, column: str) -> Any:
    if frame is None or kpi not in frame.index or column not in frame:
        return None
    value = frame.at[kpi, column]
    return None if isinstance(value, float) and np.isnan(value) else value


def _gap_row(
    kpi: str, reasons: tuple[Reason, ...], card: pd.DataFrame | None, results: pd.DataFrame
) -> dict[str, Any]:
    def first(column: str, fallback: str | None = None) -> Any:
        value = _value(card, kpi, column)
        if value is None:
            value = _value(results, kpi, fallback or column)
        return value

    return {
        "label": first("label") or kpi,
        "perspective": first("perspective"),
        "unit": first("unit"),
        "direction": first("direction"),
        "actual": first("actual", "after"),
        "reasons": reasons,
    }


def _index(effect: float, cost: float) -> float:
    return (effect - cost) / cost


def _candidate(
    action: Action,
    gaps: pd.DataFrame,
    after: Mapping[str, Any],
    sizes: ClientSizes,
    finance: Finance,
) -> dict[str, Any] | None:
    moved = [k for k in action.kpis if k in gaps.index]
    if not moved:
        return None
    money: dict[str, tuple[float, float, float]] = {}
    for kpi in moved:
        rate, base = (
            money_per_unit(kpi, sizes, after, finance),
            finite_number(gaps.at[kpi, "actual"]),
        )
        if rate is not None and base is not None:
            effects = (action.effect_central, action.effect_low, action.effect_high)
            money[kpi] = tuple(e * abs(base) * rate for e in effects)  # type: ignore[assignment]
    primary = max(money, key=lambda k: money[k][0]) if money else moved[0]
    reasons = tuple(r for r in Reason if any(r in gaps.at[k, "reasons"] for k in moved))
    # the KPIs' money effects overlap (revenue holds order value; win rate and deal size both
    # feed revenue), so only the largest counts, never their sum
    central, low, high = money[primary] if money else (None, None, None)
    cost = action_cost(action, sizes, finance)
    monetised = central is not None and cost is not None and cost > 0
    return {
        "action": action.name,
        "description": action.description,
        "kpi": primary,
        "kpis": tuple(moved),
        "reasons": reasons,
        "owner": action.owner,
        "horizon_months": int(action.horizon_months),
        "relative_effect": float(action.effect_central),
        "expected_effect": central,
        "effect_low": low,
        "effect_high": high,
        "expected_cost": cost,
        "benefit_index": _index(central, cost) if monetised else None,
        "benefit_index_low": _index(low, cost) if monetised else None,
        "benefit_index_high": _index(high, cost) if monetised else None,
        "monetised": monetised,
        "source": str(action.source),
    }


def rank_candidates(
    actions: Iterable[Action],
    gaps: pd.DataFrame,
    kpi_results: pd.DataFrame,
    sizes: ClientSizes,
    finance: Finance,
) -> pd.DataFrame:
    """The actions that address a gap, valued and ranked by benefit index, best first.

    Parameters
    ----------
    actions : iterable of Action
        The catalog merged with the client's table
        (:func:`~crmkit.synthesis.action_catalog.merge_client_actions`).
    gaps : DataFrame
        :func:`find_gaps`.
    kpi_results : DataFrame
        The KPI results (their ``after`` values enter some money formulas).
    sizes : ClientSizes
        :func:`~crmkit.synthesis.action_value.client_sizes`.
    finance : Finance
        The ``finance`` parameters.

    Returns
    -------
    DataFrame
        One row per action that moves at least one gap KPI, :data:`CANDIDATE_COLUMNS`:
        ``kpi`` the gap KPI it is worth most on (else the first it moves), ``kpis`` every gap
        KPI it moves, ``reasons`` theirs (tuple of :class:`Reason`), ``relative_effect`` the
        central relative improvement, ``expected_effect`` / ``effect_low`` / ``effect_high``
        a year of the effect in money on ``kpi`` (central, low, high relative effect ×
        |after value| × :func:`money_per_unit`; the effects on several KPIs overlap, so
        they are not added), ``expected_cost``
        in money, ``benefit_index`` (and low, high) = (effect − cost) / cost, ``monetised``
        true when effect and a positive cost are both in money. Missing numbers are NaN.
        Ranked: monetised first by benefit index, then by expected effect, then by name;
        the others after, by number of reasons, then by name. ``rank`` counts from 1.

    Examples
    --------
    >>> from crmkit.synthesis.action_catalog import CostDriver, CostTerm
    >>> act = Action("Coaching", "", ("sales_cycle_days",), 0.05, 0.1, 0.2,
    ...              (CostTerm(CostDriver.FIXED, 10.0),), "Head of Sales", 6)
    >>> gaps = pd.DataFrame({"actual": [50.0], "reasons": [(Reason.WORSENED,)]},
    ...                     index=["sales_cycle_days"])
    >>> ranked = rank_candidates([act], gaps, pd.DataFrame(), ClientSizes(deals_won_per_year=100.0),
    ...                          Finance(hourly_cost=100.0))
    >>> float(ranked.at[0, "expected_effect"]), float(ranked.at[0, "benefit_index"])
    (12500.0, 11.5)
    """
    after = {str(k): v for k, v in kpi_results["after"].items()} if "after" in kpi_results else {}
    rows = [r for a in actions if (r := _candidate(a, gaps, after, sizes, finance)) is not None]
    frame = pd.DataFrame(rows, columns=[c for c in CANDIDATE_COLUMNS if c != "rank"])
    money = ["expected_effect", "effect_low", "effect_high", "expected_cost", "benefit_index",
             "benefit_index_low", "benefit_index_high", "relative_effect"]  # fmt: skip
    for column in money:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["monetised"] = frame["monetised"].astype(bool)
    frame["horizon_months"] = frame["horizon_months"].astype("int64")
    frame["_n_reasons"] = frame["reasons"].map(len)
    monetised = frame.loc[frame["monetised"]].sort_values(
        ["benefit_index", "expected_effect", "action"],
        ascending=[False, False, True],
        kind="stable",
    )
    others = frame.loc[~frame["monetised"]].sort_values(
        ["_n_reasons", "action"], ascending=[False, True], kind="stable"
    )
    ranked = pd.concat([monetised, others]).drop(columns="_n_reasons").reset_index(drop=True)
    ranked.insert(0, "rank", np.arange(1, len(ranked) + 1, dtype="int64"))
    return ranked


def plan_start(assessment: Assessment) -> dt.date:
    """The day the plan starts: the day after the after window ends."""
    return assessment.after.end + dt.timedelta(days=1)


def action_plan(candidates: pd.DataFrame, gaps: pd.DataFrame, *, start: dt.date) -> pd.DataFrame:
    """The action plan: who does what from when, which KPI to watch, its target and review.

    Parameters
    ----------
    candidates : DataFrame
        :func:`rank_candidates`, in its order.
    gaps : DataFrame
        :func:`find_gaps` (``actual`` and ``direction`` of each KPI).
    start : datetime.date
        When every action starts (:func:`plan_start`).

    Returns
    -------
    DataFrame
        :data:`PLAN_COLUMNS`, one row per candidate: ``kpi`` the candidate's KPI, ``target``
        its after value moved by the central relative effect in its good direction (after
        + e × |after| for "higher", − for "lower"; NaN when there is no after value),
        ``review_date`` = start + the action's horizon in months.

    Examples
    --------
    >>> cands = pd.DataFrame({"action": ["Coaching"], "owner": ["Head of Sales"],
    ...     "kpi": ["sales_cycle_days"], "relative_effect": [0.1], "horizon_months": [6]})
    >>> gaps = pd.DataFrame({"actual": [50.0], "direction": ["lower"]}, index=["sales_cycle_days"])
    >>> plan = action_plan(cands, gaps, start=dt.date(2026, 1, 1))
    >>> float(plan.at[0, "target"]), plan.at[0, "review_date"]
    (45.0, datetime.date(2026, 7, 1))
    """
    rows = []
    for _, c in candidates.iterrows():
        base = finite_number(_value(gaps, c["kpi"], "actual"))
        sign = -1.0 if _value(gaps, c["kpi"], "direction") == "lower" else 1.0
        target = np.nan if base is None else base + sign * c["relative_effect"] * abs(base)
        review = (pd.Timestamp(start) + pd.DateOffset(months=int(c["horizon_months"]))).date()
        rows.append([c["action"], c["owner"], start, c["kpi"], target, review])
    frame = pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
    frame["target"] = frame["target"].astype("float64")
    return frame


def _plain(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()[:10]
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return None if value is None else str(value)


def actions_results(candidates: pd.DataFrame, plan: pd.DataFrame) -> dict[str, list[dict]]:
    """The results.json section ``actions``: ``candidates`` and ``plan``, plain JSON values.

    Examples
    --------
    >>> plan = pd.DataFrame({"action": ["A"], "owner": ["B"], "start": [dt.date(2026, 1, 1)],
    ...     "kpi": ["nps"], "target": [float("nan")], "review_date": [dt.date(2026, 7, 1)]})
    >>> actions_results(pd.DataFrame(columns=list(CANDIDATE_COLUMNS)), plan)["plan"][0]["target"]
    """
    keys = [c for c in CANDIDATE_COLUMNS if c != "relative_effect"]
    return {
        "candidates": [
            {k: _plain(row[k]) for k in keys} for row in candidates.to_dict(orient="records")
        ],
        "plan": [{k: _plain(row[k]) for k in PLAN_COLUMNS} for row in plan.to_dict("records")],
    }


def unknown_action_kpis(
    client: pd.DataFrame | None, known: Iterable[str] | None = None
) -> pd.DataFrame:
    """Rows of the client's ``actions`` table whose KPI is not in the KPI catalog.

    ``known`` defaults to the names of :data:`crmkit.kpis.CATALOG`.

    Returns
    -------
    DataFrame
        ``row`` (as a spreadsheet numbers it: the header is row 1), ``action``, ``kpi``;
        empty when every KPI is known. Such actions can never meet a gap.

    Examples
    --------
    >>> table = pd.DataFrame({"action": ["A", "B"], "kpi": ["nps", "happiness"]})
    >>> unknown_action_kpis(table, ["nps"]).to_dict("records")
    [{'row': 3, 'action': 'B', 'kpi': 'happiness'}]
    """
    columns = ["row", "action", "kpi"]
    if client is None or client.empty or "kpi" not in client:
        return pd.DataFrame(columns=columns)
    names = set(known) if known is not None else {k.name for k in kpis.CATALOG}
    unknown = ~client["kpi"].astype(str).str.strip().isin(names)
    frame = client.loc[unknown, ["action", "kpi"]].copy()
    frame.insert(0, "row", np.arange(len(client))[unknown.to_numpy()] + 2)
    return frame.reset_index(drop=True)[columns]
