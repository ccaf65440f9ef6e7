"""The balanced scorecard: each KPI against its target, weighted into perspectives and overall.

Definitions
-----------
Per KPI (``d`` = +1 for a higher-is-better KPI, −1 for a lower-is-better one):

- **actual**: the after value, when usable (:func:`crmkit.synthesis.benchmarks.after_values`).
- **measured**: the KPI has a usable after value and its verdict is a test's (improved,
  worsened, no detectable change); "insufficient data", "not measured", a skipped or a failed
  KPI is *not measured*.
- **supported**: the verdict is "improved" and no guard withholds the claim
  (:func:`crmkit.data.guards.claimable`).
- **target** and its basis (:class:`TargetBasis`): the absolute target of params.yaml; else
  the relative one, before + change × \\|before\\| × d (10 % better, whatever the sign of the
  before value); else the client's benchmark; else none ("significant improvement").
- **attainment** (0..1): 1 when the target is met (d × (actual − target) ≥ 0); otherwise the
  progress from before towards the target, d × (actual − before) / (d × (target − before)),
  clipped to [0, 1] (0 when the target lay behind the before value already, or the before
  value is missing). With no target ("significant improvement"): 1 for a supported
  improvement, 0 for a claimable worsening, 0.5 otherwise. NaN when not measured.
- **status** (:class:`~crmkit.synthesis.status.ScoreStatus`): not measured; met (the
  target is reached; with no target: a supported improvement); on track (short, but a
  supported improvement); behind.

Per perspective: score = Σ wᵢ aᵢ / Σ wᵢ over its measured KPIs (wᵢ the KPI weight, 1 unless
params.yaml sets one), coverage = Σ wᵢ (measured) / Σ wᵢ (all its KPIs). No measured KPI: score
NaN and status not measured — never 0 or 100 %. Its status: met when every measured KPI is
met, behind when KPIs behind carry more than half the measured weight, else on track.

Overall: score = Σ Wₚ sₚ / Σ Wₚ over the measured perspectives (Wₚ the normalised perspective
weights, renormalised over those measured); coverage = Σ Wₚ × coverageₚ over all perspectives
(the share of the total weight that was measurable). None when no perspective is measured.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import pandas as pd

from crmkit.data.config import Scorecard
from crmkit.data.guards import claimable
from crmkit.data.verdicts import COMPARED, Verdict
from crmkit.kpis import PERSPECTIVES
from crmkit.synthesis.benchmarks import after_values, plain
from crmkit.synthesis.status import ScoreStatus

__all__ = [
    "KPI_COLUMNS",
    "PERSPECTIVE_COLUMNS",
    "BalancedScorecard",
    "TargetBasis",
    "attainment",
    "build_scorecard",
]

#: The columns of :attr:`BalancedScorecard.kpis`.
KPI_COLUMNS = (
    "label",
    "perspective",
    "unit",
    "direction",
    "before",
    "actual",
    "change",
    "supported",
    "target",
    "target_basis",
    "attainment",
    "weight",
    "status",
)

#: The columns of :attr:`BalancedScorecard.perspectives`.
PERSPECTIVE_COLUMNS = ("weight", "score", "coverage", "status", "n_kpis", "n_measured")


class TargetBasis(StrEnum):
    """Where a KPI's target comes from.

    Examples
    --------
    >>> [str(b) for b in TargetBasis]
    ['absolute', 'relative', 'benchmark', 'significant improvement']
    """

    #: An absolute value in params.yaml.
    ABSOLUTE = "absolute"
    #: A relative change from the before value in params.yaml.
    RELATIVE = "relative"
    #: The client's industry benchmark (no target in params.yaml).
    BENCHMARK = "benchmark"
    #: No target: a statistically supported improvement is the aim.
    SIGNIFICANT = "significant improvement"


def attainment(
    before: float, actual: float, target: float, direction: str, *, supported: bool = False,
    worsened: bool = False,
) -> float:  # fmt: skip
    """How far a KPI got towards its target, from 0 to 1 (see the module's definitions).

    Parameters
    ----------
    before, actual : float
        The KPI's before and after values (NaN when missing).
    target : float
        The target; NaN for "significant improvement".
    direction : {'higher', 'lower'}
        Which way is better.
    supported, worsened : bool
        Whether the change is a supported improvement / a claimable worsening (used only
        without a target).

    Returns
    -------
    float
        In [0, 1]; NaN when ``actual`` is missing.

    Examples
    --------
    Win rate from 20 % to 23 % against a target of 25 %: 3 of the 5 points needed.

    >>> round(attainment(0.20, 0.23, 0.25, "higher"), 6)
    0.6
    >>> attainment(10.0, 7.0, 8.0, "lower")   # the cycle time fell below its target
    1.0
    >>> attainment(10.0, 12.0, 8.0, "lower")  # it rose instead: clipped at 0
    0.0
    >>> attainment(10.0, 11.0, float("nan"), "higher", supported=True)
    1.0
    """
    if not math.isfinite(actual):
        return float("nan")
    if not math.isfinite(target):
        return 1.0 if supported else (0.0 if worsened else 0.5)
    sign = 1.0 if direction == "higher" else -1.0
    if sign * (actual - target) >= 0:
        return 1.0
    needed = sign * (target - before)
    if not math.isfinite(before) or needed <= 0:
        return 0.0
    return float(min(max(sign * (actual - before) / needed, 0.0), 1.0))


@dataclass(frozen=True)
class BalancedScorecard:
    """The balanced scorecard of one assessment (:func:`build_scorecard`).

    Attributes
    ----------
    kpis : DataFrame
        Index KPI name; columns :data:`KPI_COLUMNS`.
    perspectives : DataFrame
        Index perspective (financial, customer, internal_process, learning_and_growth);
        columns :data:`PERSPECTIVE_COLUMNS`.
    overall : float or None
        Weighted score over the measured perspectives.
    coverage : float
        Share of the total weight that was measurable.
    """

    kpis: pd.DataFrame
    perspectives: pd.DataFrame
    overall: float | None
    coverage: float

    @property
    def measured(self) -> bool:
        """True when at least one perspective was measured."""
        return self.overall is not None

    def to_results(self) -> dict[str, Any]:
        """The results.json section ``scorecard`` (without ``chain``), plain JSON values."""
        return {
            "overall": plain(self.overall),
            "coverage": plain(self.coverage),
            "status": "measured" if self.measured else "not measured",
            "perspectives": {
                str(name): {column: plain(row[column]) for column in PERSPECTIVE_COLUMNS}
                for name, row in self.perspectives.iterrows()
            },
            "kpis": {
                str(name): {column: plain(row[column]) for column in KPI_COLUMNS}
                for name, row in self.kpis.iterrows()
            },
        }


def _targets(
    kpi_results: pd.DataFrame, params: Scorecard, benchmarks: pd.DataFrame | None
) -> tuple[dict[str, float], dict[str, TargetBasis]]:
    """Each KPI's target and its basis (see the module's definitions)."""
    bench: Mapping[str, Any] = {}
    if benchmarks is not None and not benchmarks.empty and {"kpi", "value"} <= set(benchmarks):
        named = benchmarks.assign(kpi=benchmarks["kpi"].astype("string").str.strip())
        named = named.drop_duplicates("kpi", keep="first")
        bench = dict(zip(named["kpi"], pd.to_numeric(named["value"], errors="coerce"), strict=True))
    targets: dict[str, float] = {}
    bases: dict[str, TargetBasis] = {}
    for name, row in kpi_results.iterrows():
        sign = 1.0 if row["direction"] == "higher" else -1.0
        before = float(pd.to_numeric(pd.Series([row["before"]]), errors="coerce")[0])
        if name in params.targets:
            targets[name], bases[name] = float(params.targets[name]), TargetBasis.ABSOLUTE
        elif name in params.changes:
            change = float(params.changes[name])
            targets[name] = before + sign * change * abs(before)
            bases[name] = TargetBasis.RELATIVE
        elif name in bench and math.isfinite(float(bench[name])):
            targets[name], bases[name] = float(bench[name]), TargetBasis.BENCHMARK
        else:
            targets[name], bases[name] = float("nan"), TargetBasis.SIGNIFICANT
    return targets, bases


def _kpi_rows(
    kpi_results: pd.DataFrame, params: Scorecard, benchmarks: pd.DataFrame | None
) -> pd.DataFrame:
    targets, bases = _targets(kpi_results, params, benchmarks)
    actual = after_values(kpi_results)
    before = pd.to_numeric(kpi_results["before"], errors="coerce").astype("float64")
    rows = []
    for name, row in kpi_results.iterrows():
        verdict = row.get("verdict")
        guard = row.get("guard")
        entry = {"verdict": None if verdict is None else str(verdict), "guard": plain(guard)}
        supported = verdict == Verdict.IMPROVED and claimable(entry)
        worsened = verdict == Verdict.WORSENED and claimable(entry)
        value = float(actual[name])
        measured = math.isfinite(value) and verdict in COMPARED
        target = targets[name]
        score = (
            attainment(
                float(before[name]), value, target, str(row["direction"]),
                supported=supported, worsened=worsened,
            )
            if measured
            else float("nan")
        )  # fmt: skip
        if not measured:
            status = ScoreStatus.NOT_MEASURED
        elif math.isfinite(target):
            met = (value - target) * (1.0 if row["direction"] == "higher" else -1.0) >= 0
            status = (
                ScoreStatus.MET
                if met
                else (ScoreStatus.ON_TRACK if supported else ScoreStatus.BEHIND)
            )
        else:
            status = ScoreStatus.MET if supported else ScoreStatus.BEHIND
        rows.append(
            {
                "label": row["label"],
                "perspective": row["perspective"],
                "unit": row["unit"],
                "direction": row["direction"],
                "before": float(before[name]),
                "actual": value,
                "change": value - float(before[name]),
                "supported": bool(supported),
                "target": target,
                "target_basis": bases[name],
                "attainment": score,
                "weight": params.kpi_weight(str(name)),
                "status": status,
            }
        )
    frame = pd.DataFrame(rows, index=kpi_results.index.copy(), columns=list(KPI_COLUMNS))
    return _typed(frame, rows, ("supported", "target_basis", "status"))


def _typed(
    frame: pd.DataFrame, rows: list[dict[str, Any]], columns: tuple[str, ...]
) -> pd.DataFrame:
    """Keep the enum members and bools of ``columns`` (pandas would store plain strings and
    numpy bools)."""
    for column in columns:
        frame[column] = pd.Series([row[column] for row in rows], index=frame.index, dtype=object)
    return frame


def _perspective_status(kpis: pd.DataFrame) -> ScoreStatus:
    measured = kpis[kpis["status"] != ScoreStatus.NOT_MEASURED]
    if measured.empty:
        return ScoreStatus.NOT_MEASURED
    if (measured["status"] == ScoreStatus.MET).all():
        return ScoreStatus.MET
    behind = measured.loc[measured["status"] == ScoreStatus.BEHIND, "weight"].sum()
    if behind > 0.5 * measured["weight"].sum():
        return ScoreStatus.BEHIND
    return ScoreStatus.ON_TRACK


def build_scorecard(
    kpi_results: pd.DataFrame, params: Scorecard, *, benchmarks: pd.DataFrame | None = None
) -> BalancedScorecard:
    """The balanced scorecard of this run's KPI results.

    Parameters
    ----------
    kpi_results : DataFrame
        :func:`crmkit.measure.measure_kpis` (index KPI name; columns label, unit, direction,
        perspective, status, before, after, verdict and guard are used).
    params : Scorecard
        ``assessment.scorecard``: targets, KPI weights, perspective weights (normalised).
    benchmarks : DataFrame, optional
        The client's benchmarks table (``kpi``, ``value``): a KPI without a target in
        params.yaml takes its benchmark as its target.

    Returns
    -------
    BalancedScorecard
        See the module's definitions for every figure.

    Raises
    ------
    ValueError
        When ``kpi_results`` lacks a column the scorecard needs.

    Examples
    --------
    >>> from crmkit.data.config import Scorecard
    >>> results = pd.DataFrame({"label": ["Win rate"], "unit": ["share"],
    ...     "direction": ["higher"], "perspective": ["internal_process"],
    ...     "status": ["measured"], "before": [0.20], "after": [0.23],
    ...     "verdict": ["improved"], "guard": [None]}, index=["win_rate"])
    >>> card = build_scorecard(results, Scorecard(targets={"win_rate": 0.25}))
    >>> round(float(card.kpis.at["win_rate", "attainment"]), 6), card.kpis.at["win_rate", "status"]
    (0.6, <ScoreStatus.ON_TRACK: 'on track'>)
    >>> round(card.overall, 6), card.coverage
    (0.6, 0.25)
    """
    needed = {"label", "unit", "direction", "perspective", "status", "before", "after", "verdict"}
    missing = needed - set(kpi_results.columns)
    if missing:
        raise ValueError(
            f"kpi_results: the columns {sorted(missing)} are missing; expected the frame of "
            "crmkit.measure.measure_kpis"
        )
    if "guard" not in kpi_results.columns:
        kpi_results = kpi_results.assign(guard=None)
    kpis = _kpi_rows(kpi_results, params, benchmarks)
    rows = []
    for perspective in PERSPECTIVES:
        members = kpis[kpis["perspective"] == perspective]
        measured = members[members["status"] != ScoreStatus.NOT_MEASURED]
        total_weight = float(members["weight"].sum())
        measured_weight = float(measured["weight"].sum())
        score = (
            float((measured["weight"] * measured["attainment"]).sum() / measured_weight)
            if measured_weight > 0
            else float("nan")
        )
        rows.append(
            {
                "weight": float(params.weights.get(perspective, 0.0)),
                "score": score,
                "coverage": measured_weight / total_weight if total_weight > 0 else 0.0,
                "status": _perspective_status(members)
                if math.isfinite(score)
                else ScoreStatus.NOT_MEASURED,
                "n_kpis": len(members),
                "n_measured": len(measured),
            }
        )
    perspectives = pd.DataFrame(
        rows, index=pd.Index(PERSPECTIVES, name="perspective"), columns=list(PERSPECTIVE_COLUMNS)
    )
    perspectives = _typed(perspectives, rows, ("status",))
    weights = perspectives["weight"] / perspectives["weight"].sum()
    scored = perspectives["score"].notna() & (weights > 0)
    overall = (
        float((weights[scored] * perspectives.loc[scored, "score"]).sum() / weights[scored].sum())
        if scored.any()
        else None
    )
    coverage = float((weights * perspectives["coverage"]).sum())
    return BalancedScorecard(
        kpis=kpis, perspectives=perspectives, overall=overall, coverage=coverage
    )
