"""The same client's earlier runs: each KPI and the scorecard across runs, targets reached.

Stage 4 of the method applies the results and assesses again. Each run of ``crmkit run``
writes a ``results.json``; this module compares this run with the earlier ones of the same
client. It is pure: the pipeline (:meth:`crmkit.pipeline.context.StageContext.earlier_results`)
finds and reads the files, :mod:`crmkit.synthesis.earlier_runs` picks this client's runs
among them (re-exported here), and :func:`build_history` compares them with this run.

What an earlier run contributes (keys of its ``results.json``):

- ``kpis.<kpi>.after``: the KPI's value at that assessment;
- ``scorecard.overall``: the scorecard's overall score (missing key → null);
- of the *latest* earlier run only, the targets it set: its ``scorecard.kpis.<kpi>.target``
  and its ``actions.plan`` rows ``{action, owner, start, kpi, target, review_date}``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from crmkit.data.guards import finite_number, percent_change
from crmkit.kpis import CATALOG
from crmkit.synthesis.earlier_runs import EarlierRuns, SkippedRun, SkipReason, earlier_runs

__all__ = [
    "THIS_RUN",
    "EarlierRuns",
    "History",
    "HistoryStatus",
    "Movement",
    "SkipReason",
    "SkippedRun",
    "TargetSource",
    "build_history",
    "earlier_runs",
    "movement",
    "target_reached",
]

#: The run id of this run when it has none yet (a stage opened by hand).
THIS_RUN = "this run"


class HistoryStatus(StrEnum):
    """Whether this run could be compared with earlier ones."""

    #: No earlier run of this client was found: the history starts with this run.
    STARTED = "started"
    #: At least one earlier run was found and compared.
    COMPARED = "compared"


class Movement(StrEnum):
    """Which way a KPI moved since the latest earlier run, in its good direction."""

    BETTER = "better"
    WORSE = "worse"
    LEVEL = "level"
    #: No value in this run or in the latest earlier one.
    NOT_MEASURED = "not measured"


def movement(delta: Any, direction: Any) -> Movement:
    """The :class:`Movement` of a change ``delta`` of a KPI whose ``direction`` is better.

    Examples
    --------
    >>> str(movement(-2.0, "lower")), str(movement(0.0, "higher")), str(movement(None, "higher"))
    ('better', 'level', 'not measured')
    """
    d = finite_number(delta)
    if d is None or direction not in ("higher", "lower"):
        return Movement.NOT_MEASURED
    if d == 0:
        return Movement.LEVEL
    return Movement.BETTER if (d > 0) == (direction == "higher") else Movement.WORSE


def _section(results: Mapping[str, Any], *keys: str) -> Any:
    """``results[k1][k2]…``, or None where a level is missing or not a mapping."""
    node: Any = results
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _run_id(results: Mapping[str, Any]) -> str:
    run_id = results.get("run_id")
    return str(run_id) if run_id is not None else str(results.get("generated_at"))


def target_reached(actual: Any, target: Any, direction: Any) -> bool | None:
    """Whether ``actual`` reaches ``target`` for a KPI whose ``direction`` is better.

    Parameters
    ----------
    actual, target : float or None
    direction : {'higher', 'lower'}
        Which way the KPI is better (the catalog's ``direction``).

    Returns
    -------
    bool or None
        ``actual >= target`` when higher is better, ``actual <= target`` when lower is; None
        when either value is missing or the direction is unknown.

    Examples
    --------
    >>> target_reached(0.30, 0.25, "higher"), target_reached(30.0, 25.0, "lower")
    (True, False)
    >>> target_reached(None, 0.25, "higher") is None
    True
    """
    a, t = finite_number(actual), finite_number(target)
    if a is None or t is None:
        return None
    if direction == "higher":
        return a >= t
    if direction == "lower":
        return a <= t
    return None


class TargetSource(StrEnum):
    """Where an earlier run set a target."""

    #: The balanced scorecard's target of the KPI (``scorecard.kpis.<kpi>.target``).
    SCORECARD = "scorecard"
    #: A row of the action plan (``actions.plan``).
    PLAN = "plan"


_CATALOG_DIRECTIONS = {kpi.name: kpi.direction for kpi in CATALOG}


@dataclass(frozen=True)
class History:
    """This run against the same client's earlier runs.

    Attributes
    ----------
    status : HistoryStatus
    runs : DataFrame
        The earlier runs used, oldest first: ``run_id``, ``generated_at`` (str, ISO).
    values : DataFrame
        One row per KPI and run (earlier runs, then this run): ``kpi``, ``run_id``,
        ``value`` (float, NaN when that run has no value).
    kpis : DataFrame
        Index: KPI name. ``label``, ``unit``, ``direction``, ``previous`` (the latest earlier
        run's value), ``current`` (this run's), ``delta`` (current − previous), ``delta_pct``
        (delta / previous, NaN when the base is near zero or the scale has no true zero, see
        :func:`crmkit.data.guards.percent_change`), ``pct_guard`` (the guard's code or None),
        ``movement`` (:class:`Movement`, direction-aware).
    scorecard : DataFrame
        One row per run, this run last: ``run_id``, ``overall`` (0..1, NaN when missing).
    targets : DataFrame
        The targets the latest earlier run set: ``kpi``, ``label``, ``source``
        (:class:`TargetSource`), ``action``, ``owner``, ``target``, ``set_in`` (run id),
        ``actual`` (this run's value), ``direction``, ``reached`` (True / False / None when
        not measured now), ``review_date`` (str or None), ``review_passed`` (True / False /
        None without a date).
    skipped : tuple of SkippedRun
    run_id : str
        This run's id.
    """

    status: HistoryStatus
    runs: pd.DataFrame
    values: pd.DataFrame
    kpis: pd.DataFrame
    scorecard: pd.DataFrame
    targets: pd.DataFrame
    skipped: tuple[SkippedRun, ...]
    run_id: str

    @property
    def overall_previous(self) -> float | None:
        """The latest earlier run's overall score (None without one)."""
        if len(self.scorecard) < 2:
            return None
        return finite_number(self.scorecard["overall"].iloc[-2])

    @property
    def scored_runs(self) -> int:
        """Runs (this one included) with an overall scorecard score."""
        return int(self.scorecard["overall"].notna().sum())

    @property
    def overall_current(self) -> float | None:
        """This run's overall score."""
        return finite_number(self.scorecard["overall"].iloc[-1]) if len(self.scorecard) else None

    def to_results(self) -> dict[str, Any]:
        """The ``history`` section of results.json (without ``tracking``, see
        :func:`crmkit.synthesis.tracking.tracking_results`): plain JSON, null for missing."""
        kpis: dict[str, Any] = {}
        for name, row in self.kpis.iterrows():
            rows = self.values.loc[self.values["kpi"] == name]
            kpis[str(name)] = {
                "values": [
                    {"run_id": r, "value": finite_number(v)}
                    for r, v in zip(rows["run_id"], rows["value"], strict=True)
                ],
                "previous": finite_number(row["previous"]),
                "current": finite_number(row["current"]),
                "delta": finite_number(row["delta"]),
                "delta_pct": finite_number(row["delta_pct"]),
            }
        previous, current = self.overall_previous, self.overall_current
        delta = current - previous if previous is not None and current is not None else None
        return {
            "status": str(self.status),
            "runs": [
                {"run_id": r, "generated_at": g}
                for r, g in zip(self.runs["run_id"], self.runs["generated_at"], strict=True)
            ],
            "kpis": kpis,
            "scorecard": {
                "values": [
                    {"run_id": r, "overall": finite_number(v)}
                    for r, v in zip(
                        self.scorecard["run_id"], self.scorecard["overall"], strict=True
                    )
                ],
                "previous": previous,
                "current": current,
                "delta": delta,
            },
            "targets": [
                {
                    "kpi": row["kpi"],
                    "target": finite_number(row["target"]),
                    "set_in": row["set_in"],
                    "actual": finite_number(row["actual"]),
                    "reached": row["reached"],
                    "source": str(row["source"]),
                    "action": row["action"],
                    "review_date": row["review_date"],
                    "review_passed": row["review_passed"],
                }
                for row in self.targets.to_dict("records")
            ],
            "skipped": [
                {"source": s.source, "reason": str(s.reason), "detail": s.detail}
                for s in self.skipped
            ],
        }


_TARGET_COLUMNS = [
    "kpi",
    "label",
    "source",
    "action",
    "owner",
    "target",
    "set_in",
    "actual",
    "direction",
    "reached",
    "review_date",
    "review_passed",
]


def _iso_date(value: Any) -> dt.date | None:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp.date()


def _targets(
    latest: Mapping[str, Any] | None,
    current: Mapping[str, float | None],
    labels: Mapping[str, str],
    directions: Mapping[str, str],
    as_of: dt.date,
) -> pd.DataFrame:
    """The targets the latest earlier run set, each checked against this run's value."""
    if latest is None:
        return pd.DataFrame(columns=_TARGET_COLUMNS)
    set_in = _run_id(latest)
    rows: list[dict[str, Any]] = []
    card = _section(latest, "scorecard", "kpis")
    for kpi, entry in (card if isinstance(card, Mapping) else {}).items():
        target = finite_number(_section(entry, "target"))
        if target is not None:
            rows.append({"kpi": str(kpi), "source": TargetSource.SCORECARD, "target": target})
    plan = _section(latest, "actions", "plan")
    for item in plan if isinstance(plan, list) else []:
        if not isinstance(item, Mapping) or item.get("kpi") is None:
            continue
        review = _iso_date(item.get("review_date"))
        rows.append(
            {
                "kpi": str(item["kpi"]),
                "source": TargetSource.PLAN,
                "action": item.get("action"),
                "owner": item.get("owner"),
                "target": finite_number(item.get("target")),
                "review_date": review.isoformat() if review else None,
                "review_passed": (review <= as_of) if review else None,
            }
        )
    for row in rows:
        kpi = row["kpi"]
        direction = directions.get(kpi) or _CATALOG_DIRECTIONS.get(kpi)
        row.update(
            label=labels.get(kpi, kpi),
            set_in=set_in,
            actual=current.get(kpi),
            direction=direction,
            reached=target_reached(current.get(kpi), row["target"], direction),
        )
        row.setdefault("action", None)
        row.setdefault("owner", None)
        row.setdefault("review_date", None)
        row.setdefault("review_passed", None)
    frame = pd.DataFrame(rows, columns=_TARGET_COLUMNS, dtype=object)
    return frame.astype({"target": "float64", "actual": "float64"}).astype(
        {"reached": "object", "review_passed": "object"}
    )


def build_history(
    earlier: Sequence[Mapping[str, Any]],
    kpi_results: pd.DataFrame,
    *,
    overall: float | None,
    run_id: str | None = None,
    as_of: dt.date,
    skipped: Sequence[SkippedRun] = (),
) -> History:
    """Compare this run with the earlier runs of the same client.

    Parameters
    ----------
    earlier : sequence of mapping
        The earlier runs' results.json contents, oldest first (:attr:`EarlierRuns.runs`).
    kpi_results : DataFrame
        This run's KPI results (:func:`crmkit.measure.measure_kpis`): index KPI name,
        columns ``label``, ``unit``, ``direction``, ``after``.
    overall : float or None
        This run's overall scorecard score (0..1).
    run_id : str, optional
        This run's id (default :data:`THIS_RUN`).
    as_of : date
        This run's date: a plan's review date on or before it has passed.
    skipped : sequence of SkippedRun
        Files not used, carried into the result.

    Returns
    -------
    History

    Notes
    -----
    The change is measured since the *latest* earlier run: ``delta = current − previous``,
    null when either is missing (a KPI the latest run did not measure has no change, even if
    an older run did). ``delta_pct`` is :func:`crmkit.data.guards.percent_change`.

    Examples
    --------
    >>> kr = pd.DataFrame({"label": ["Win rate"], "unit": ["share"], "direction": ["higher"],
    ...                    "after": [0.30]}, index=pd.Index(["win_rate"]))
    >>> one = {"client": "A", "run_id": "r1", "generated_at": "2025-01-01T00:00:00",
    ...        "kpis": {"win_rate": {"after": 0.25}}, "scorecard": {"overall": 0.5}}
    >>> h = build_history([one], kr, overall=0.6, run_id="r2", as_of=dt.date(2026, 1, 1))
    >>> row = h.kpis.loc["win_rate"]
    >>> round(float(row["delta"]), 4), round(float(row["delta_pct"]), 4), str(h.status)
    (0.05, 0.2, 'compared')
    """
    run_id = run_id or THIS_RUN
    labels = {str(k): str(v) for k, v in kpi_results.get("label", pd.Series()).items()}
    units = {str(k): v for k, v in kpi_results.get("unit", pd.Series()).items()}
    directions = {str(k): v for k, v in kpi_results.get("direction", pd.Series()).items()}
    after = kpi_results.get("after", pd.Series(dtype="float64"))
    current = {str(k): finite_number(v) for k, v in after.items()}
    names = [str(k) for k in kpi_results.index]
    for run in earlier:
        section = run.get("kpis")
        for name, entry in (section if isinstance(section, Mapping) else {}).items():
            if str(name) not in names:
                names.append(str(name))
                if isinstance(entry, Mapping):
                    labels.setdefault(str(name), str(entry.get("label") or name))
                    units.setdefault(str(name), entry.get("unit"))
                    directions.setdefault(str(name), entry.get("direction"))
    run_ids = [_run_id(r) for r in earlier]
    values = [
        {"kpi": name, "run_id": rid, "value": value}
        for name in names
        for rid, value in [
            *(
                (rid, finite_number(_section(run, "kpis", name, "after")))
                for rid, run in zip(run_ids, earlier, strict=True)
            ),
            (run_id, current.get(name)),
        ]
    ]
    values_frame = pd.DataFrame(values, columns=["kpi", "run_id", "value"]).astype(
        {"value": "float64"}
    )
    rows = []
    for name in names:
        previous = finite_number(_section(earlier[-1], "kpis", name, "after")) if earlier else None
        now = current.get(name)
        delta = now - previous if now is not None and previous is not None else None
        pct, guard = percent_change(previous, now, unit=units.get(name))
        rows.append(
            {
                "kpi": name,
                "label": labels.get(name, name),
                "unit": units.get(name),
                "direction": directions.get(name),
                "previous": previous,
                "current": now,
                "delta": delta,
                "delta_pct": pct,
                "pct_guard": str(guard) if guard is not None and delta is not None else None,
                "movement": movement(delta, directions.get(name)),
            }
        )
    kpis = pd.DataFrame(
        rows,
        columns=[
            "kpi",
            "label",
            "unit",
            "direction",
            "previous",
            "current",
            "delta",
            "delta_pct",
            "pct_guard",
            "movement",
        ],
    ).set_index("kpi")
    kpis = kpis.astype({c: "float64" for c in ("previous", "current", "delta", "delta_pct")})
    scorecard = pd.DataFrame(
        {
            "run_id": [*run_ids, run_id],
            "overall": [finite_number(_section(r, "scorecard", "overall")) for r in earlier]
            + [finite_number(overall)],
        }
    ).astype({"overall": "float64"})
    runs = pd.DataFrame(
        {"run_id": run_ids, "generated_at": [str(r.get("generated_at")) for r in earlier]},
        columns=["run_id", "generated_at"],
    )
    return History(
        status=HistoryStatus.COMPARED if earlier else HistoryStatus.STARTED,
        runs=runs,
        values=values_frame,
        kpis=kpis,
        scorecard=scorecard,
        targets=_targets(earlier[-1] if earlier else None, current, labels, directions, as_of),
        skipped=tuple(skipped),
        run_id=run_id,
    )
