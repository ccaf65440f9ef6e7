"""Every KPI of the catalog measured before and after go-live, and its change tested.

:func:`measure_kpis` returns one tidy row per KPI of the catalog — the same rows for every
stage notebook, so the sales, service, adoption, marketing and overview pages, the scorecard
and results.json can never disagree — with the p-values corrected across the whole family of
KPIs measured (Holm by default). Which test serves which kind of KPI:
:mod:`crmkit.measure.comparison`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data.config import Assessment
from crmkit.data.guards import Guard, percent_change
from crmkit.data.verdicts import CLAIMED, COMPARED, Status, Verdict
from crmkit.domains import confounds
from crmkit.measure.comparison import empty_row, measure_one
from crmkit.measure.control import control_rows, net_of_control
from crmkit.measure.placebo_kpis import kpi_placebos, placebo_columns
from crmkit.stats import impact
from crmkit.stats.impact.notes import ComputationFailed, Note, write_notes

#: The catalog's columns each result row starts with.
DESCRIPTIVE_COLUMNS = (
    "kpi",
    "label",
    "unit",
    "direction",
    "perspective",
    "area",
    "kind",
    "observation",
    "definition",
    "status",
)


def _descriptive(kpi: kpis.KPI, status: Status) -> dict[str, Any]:
    return {
        "kpi": kpi.name,
        "label": kpi.label,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "perspective": kpi.perspective,
        "area": kpi.area,
        "kind": kpi.kind,
        "observation": kpi.observation,
        "definition": kpi.definition,
        "status": status,
    }


def measure_kpis(
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    *,
    kpis_wanted: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Every KPI before and after go-live, with its test, interval, effect size and verdict.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables present.
    assessment : Assessment
        Windows, go-live, control group (left out of the before/after comparison and measured
        on its own for the difference-in-differences), and ``stats``: alpha, the
        multiple-testing correction and the seed.
    kpis_wanted : iterable of str, optional
        KPI names (default: the whole catalog). The correction runs over the KPIs measured.

    Returns
    -------
    DataFrame
        One row per KPI, in catalog order, indexed by KPI name: :data:`DESCRIPTIVE_COLUMNS`
        (``status`` is ``measured``, ``skipped`` — its table or column is absent — or
        ``failed`` — the data broke its computation, the error in ``note``), the columns of
        :data:`crmkit.stats.impact.CHANGE_COLUMNS`, then

        - ``p_adjusted``, ``significant`` and ``verdict``: improved, worsened, no detectable
          change, insufficient data (it had data, too little to compare), or not measured
          (a skipped KPI: its table or column is absent; it is not in the multiple-testing
          family);
        - ``needs``: for a KPI not measured, the data that would add it ("tickets.csv",
          "column is_complaint of tickets.csv", :func:`crmkit.kpis.needs`); else None;
          ``note`` keeps the shorter reason ("needs tickets");
        - :data:`CONTROL_COLUMNS`: ``control_before``, ``control_after``, ``control_change``
          (the same KPI on the control group's units alone, same windows, same test) and
          ``did_change``, ``did_ci_low``, ``did_ci_high``, ``did_p_value`` (the change net of
          the control group's, see :func:`net_of_control`); NaN without a control group, or
          where the KPI's rows cannot be tied to it or the control group has none;
        - ``guard``: None or the :class:`crmkit.data.guards.Guard` code that withholds the
          percentage or the claim (see Notes);
        - :data:`crmkit.measure.placebo_kpis.PLACEBO_COLUMNS`: ``placebo_n`` (placebo dates
          used; 0 when the check did not run), ``placebo_p_value``, ``placebo_outside``,
          ``placebo_status`` (:class:`crmkit.measure.placebo_kpis.KpiPlaceboStatus`), the
          months of history there are and that the check needs, and the placebo dates with
          their effects (fractions).

    Notes
    -----
    Guards, applied here once for every KPI (those measured by a domain ``compare`` as well):

    - the percentage: :func:`crmkit.data.guards.percent_change` of the base (the before value, or
      ``after − change`` where the change was measured against a counterfactual) and the
      after value, with the KPI's unit; where it trips, ``change_pct`` and its interval are
      NaN, the absolute change and the verdict stand (``base_near_zero``,
      ``not_a_ratio_scale``);
    - the control group: an improved or worsened KPI whose difference-in-differences
      interval includes zero, or whose difference-in-differences has the other sign, is
      ``shared_with_control``; one the control group has data for but whose
      difference-in-differences has no interval is ``no_interval``;
    - the ageing base: without a control group, when the customer base is one ageing cohort
      (:func:`crmkit.domains.confounds.ageing_base`), every compared KPI of
      :data:`crmkit.kpis.AGE_SENSITIVE` is ``confounded_ageing``.

    One code is kept per row: the first that withholds the claim (a code the domain module
    set, then the control group's, then the ageing base's), else the percentage's.

    Placebo go-lives (:mod:`crmkit.measure.placebo_kpis`): an improved or worsened KPI whose
    history allows the check is claimed only if its relative change lies outside the
    changes of fake go-live dates before the real one, same windows; inside them its verdict
    becomes no detectable change with the code ``inside_placebos`` (unless another claim
    guard already withheld it, whose code is kept). Where the history is too short the
    verdict stands and ``placebo_status`` says so.
    """
    stats = assessment.stats
    chosen = kpis.CATALOG if kpis_wanted is None else [kpis.get_kpi(n) for n in kpis_wanted]
    frame = pd.concat([_measured_row(kpi, tables, assessment) for kpi in chosen], ignore_index=True)
    frame = impact.finalize(
        frame, direction=frame["direction"], alpha=stats.alpha, correction=stats.correction
    )
    skipped = (frame["status"] == Status.SKIPPED).to_numpy()
    frame.loc[skipped, "verdict"] = Verdict.NOT_MEASURED
    frame["needs"] = pd.Series(
        [
            kpis.needs(kpi, tables) if is_skipped else None
            for kpi, is_skipped in zip(chosen, skipped, strict=True)
        ],
        index=frame.index,
        dtype=object,
    )
    control, tied = control_rows(chosen, tables, assessment)
    frame = pd.concat([frame, net_of_control(frame, control, alpha=stats.alpha)], axis=1)
    ageing = confounds.ageing_base(tables, assessment)
    codes = _guards(frame, tied, ageing_kpis=() if ageing is None else ageing["kpis"])
    frame["guard"] = pd.Series(codes, index=frame.index, dtype=object)
    frame = _placebo_gate(frame, tables, assessment)
    withheld = _percent_guarded(frame).to_numpy()
    for column in ("change_pct", "change_pct_ci_low", "change_pct_ci_high"):
        frame[column] = frame[column].astype("float64").mask(withheld)
    return frame.set_index("kpi", drop=False).rename_axis(None)


def _measured_row(
    kpi: kpis.KPI, tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> pd.DataFrame:
    """One KPI's result row with its descriptive columns first."""
    try:
        row, status = measure_one(kpi, tables, assessment)
    except Exception as error:  # one KPI's unexpected data must not sink every stage
        failed = ComputationFailed(error=f"{type(error).__name__}: {error}")
        row, status = _noted_empty_row(failed), Status.FAILED
    else:
        gap = kpis.data_gap(kpi, tables) if status == Status.SKIPPED else None
        if gap is not None and row["note"].iloc[0] == gap.english():
            row = _noted_empty_row(gap)
    for column, value in reversed(_descriptive(kpi, status).items()):
        row.insert(0, column, value)
    return row


def _noted_empty_row(fact: Note) -> pd.DataFrame:
    """The row of a KPI without statistics: ``fact`` as its note, in English and as a fact."""
    row = empty_row(fact.english())
    row["note_facts"] = pd.Series([write_notes([fact])], index=row.index, dtype=object)
    return row


def _percent_base(row: Mapping[str, Any]) -> Any:
    """The value a row's change_pct is relative to: before, or after − change (counterfactual)."""
    try:
        before, after, change = (float(row[c]) for c in ("before", "after", "change"))
    except (TypeError, ValueError):
        return row.get("before")
    if not (np.isfinite(after) and np.isfinite(change)):
        return before
    counterfactual = after - change
    if np.isfinite(before) and np.isclose(counterfactual, before, rtol=1e-6, atol=1e-12):
        return before
    return counterfactual


def _percent_guarded(frame: pd.DataFrame) -> pd.Series:
    """True where the percentage guard trips (its code may be hidden by a claim guard)."""
    return pd.Series(
        [
            percent_change(_percent_base(row), row["after"], unit=row["unit"])[1] is not None
            for _, row in frame.iterrows()
        ],
        index=frame.index,
        dtype=bool,
    )


def _guards(
    frame: pd.DataFrame, tied: np.ndarray, *, ageing_kpis: Collection[str]
) -> list[str | None]:
    """The one guard code of each row (see :func:`measure_kpis`, Notes).

    ``tied`` says, row by row, whether the KPI was measured on the control group too.
    """
    codes: list[str | None] = []
    for i, (_, row) in enumerate(frame.iterrows()):
        found: list[Guard] = []
        existing = row.get("guard")
        if isinstance(existing, str) and existing in Guard._value2member_map_:
            found.append(Guard(existing))
        claimed = row["verdict"] in CLAIMED
        if claimed and tied[i]:
            low, high = row["did_ci_low"], row["did_ci_high"]
            if _missing(low) or _missing(high):
                found.append(Guard.NO_INTERVAL)
            elif low <= 0 <= high or np.sign(row["did_change"]) != np.sign(row["change"]):
                found.append(Guard.SHARED_WITH_CONTROL)
        compared = row["verdict"] in COMPARED
        if compared and row["kpi"] in ageing_kpis:
            found.append(Guard.CONFOUNDED_AGEING)
        percentage = percent_change(_percent_base(row), row["after"], unit=row["unit"])[1]
        if percentage is not None:
            found.append(percentage)
        claims = [g for g in found if g.withholds_claim]
        chosen = claims[0] if claims else (found[0] if found else None)
        codes.append(None if chosen is None else chosen.value)
    return codes


def _placebo_gate(
    frame: pd.DataFrame, tables: Mapping[str, pd.DataFrame], assessment: Assessment
) -> pd.DataFrame:
    """The placebo columns, and claimed changes inside their placebos withheld."""
    checks = kpi_placebos(frame, tables, assessment)
    columns = pd.DataFrame(
        [placebo_columns(checks[str(name)]) for name in frame["kpi"]], index=frame.index
    )
    frame = pd.concat([frame, columns], axis=1)
    for index, name in zip(frame.index, frame["kpi"], strict=True):
        if not checks[str(name)].withholds:
            continue
        frame.loc[index, "verdict"] = Verdict.NO_CHANGE
        existing = frame.loc[index, "guard"]
        if not (isinstance(existing, str) and Guard(existing).withholds_claim):
            frame.loc[index, "guard"] = Guard.INSIDE_PLACEBOS.value
    return frame


def _missing(value: Any) -> bool:
    try:
        return not np.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def area_results(results: pd.DataFrame, area: str) -> pd.DataFrame:
    """The rows of one report area (sales, service, adoption, marketing), in catalog order."""
    if area not in kpis.AREAS:
        raise ValueError(f"unknown area {area!r}; one of {', '.join(kpis.AREAS)}")
    return results.loc[results["area"] == area]


def measured_results(results: pd.DataFrame) -> pd.DataFrame:
    """The KPI rows that were measured (not skipped for lack of data, not failed)."""
    return results.loc[results["status"] == Status.MEASURED]
