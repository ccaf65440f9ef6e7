"""The survey KPIs before vs after go-live, one comparison row per KPI, and their verdicts.

The comparisons return the one-row format of :mod:`crmkit.stats.impact`
(:data:`crmkit.stats.impact.CHANGE_COLUMNS`), without verdicts: the measure stage corrects a
family's p-values and gives the verdicts (:func:`crmkit.stats.impact.finalize`).
:func:`row_verdict` reads a row's verdict, or gives one from its own p-value.
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from crmkit.data.config import Assessment
from crmkit.data.verdicts import Verdict
from crmkit.domains.survey.nps import compare_nps
from crmkit.domains.survey.responses import (
    CES_SCALE,
    CSAT_SCALE,
    scoped_responses,
    valid_scores,
    window_responses,
)
from crmkit.kpis import get_kpi
from crmkit.stats.impact import CHANGE_COLUMNS, compare_means, compare_proportions
from crmkit.stats.primitives import check_alpha

__all__ = ["CSAT_MEAN", "change_verdict", "row_verdict", "survey_changes"]

#: Label, unit and direction of the CSAT mean, shown beside the catalog's top-2-box share;
#: the other survey KPIs are described by the KPI catalog (:func:`crmkit.kpis.get_kpi`).
CSAT_MEAN: tuple[str, str, str] = ("CSAT mean", "score (1–5)", "higher")


def survey_changes(
    surveys: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Literal["crm", "control", "all"] = "crm",
    alpha: float = 0.05,
    seed: int = 0,
) -> pd.DataFrame:
    """NPS, CSAT and CES before vs after go-live, one row per KPI.

    Parameters
    ----------
    surveys : pandas.DataFrame
        The survey table: ``response_date`` and any of ``nps``, ``csat``, ``ces``; with
        ``customer_id`` when the control group is found through the customers table.
    assessment : Assessment
        Supplies the before / after windows (responses dated in them) and the control group.
    customers : pandas.DataFrame, optional
        The customers table, to place responses in the control group through their customer
        (the survey table usually has no region).
    scope : {"crm", "control", "all"}, default "crm"
        Responses of the units that got the CRM (the control group left out; responses whose
        unit is unknown are kept), of the control group only, or all.
    alpha : float, default 0.05
        Significance level of each test (not corrected across KPIs).
    seed : int, default 0
        Seed of any bootstrap interval (small samples; see :func:`crmkit.stats.impact.compare_means`).

    Returns
    -------
    pandas.DataFrame
        One row per KPI whose column is present, in this order: ``nps``
        (:func:`compare_nps`), ``csat_top2_share`` (:func:`crmkit.stats.impact.compare_proportions`),
        ``csat_mean`` and ``ces`` (:func:`crmkit.stats.impact.compare_means`). Columns: ``kpi``,
        ``label``, ``unit``, ``direction`` ("higher" is better for all four), then
        :data:`crmkit.stats.impact.CHANGE_COLUMNS`.

    Notes
    -----
    Each response is one observation; a customer who answered several times counts several
    times. The CSAT mean and CES are means of ordinal answers, reported because managers use
    them; the top-2-box share is the primary CSAT figure.

    References
    ----------
    See :func:`compare_nps`, :func:`crmkit.stats.impact.compare_proportions` and
    :func:`crmkit.stats.impact.compare_means`.

    Examples
    --------
    >>> from crmkit.data.config import Assessment, Window
    >>> import datetime as dt
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> surveys = pd.DataFrame({
    ...     "response_date": pd.to_datetime(["2024-03-01"] * 4 + ["2025-03-01"] * 4),
    ...     "nps": [10, 6, 8, 9, 10, 9, 8, 10]})
    >>> survey_changes(surveys, a)[["kpi", "before", "after"]].to_dict("list")
    {'kpi': ['nps'], 'before': [25.0], 'after': [75.0]}
    """
    check_alpha(alpha)
    if scope not in ("crm", "control", "all"):
        raise ValueError(f"scope must be 'crm', 'control' or 'all', got {scope!r}")
    if "response_date" not in surveys.columns:
        raise ValueError("the survey table has no column 'response_date'")
    rows = scoped_responses(surveys, assessment, customers, scope)
    before, after = window_responses(rows, assessment)
    results: list[tuple[str, pd.DataFrame]] = []
    if "nps" in rows.columns:
        results.append(("nps", compare_nps(before["nps"], after["nps"], alpha=alpha)))
    if "csat" in rows.columns:
        xb = valid_scores(before["csat"], "csat", CSAT_SCALE)
        xa = valid_scores(after["csat"], "csat", CSAT_SCALE)
        top_b, top_a = int((xb >= 4).sum()), int((xa >= 4).sum())
        results.append(
            ("csat_top2_share", compare_proportions(top_b, xb.size, top_a, xa.size, alpha=alpha))
        )
        results.append(("csat_mean", compare_means(xb, xa, alpha=alpha, seed=seed)))
    if "ces" in rows.columns:
        xb = valid_scores(before["ces"], "ces", CES_SCALE)
        xa = valid_scores(after["ces"], "ces", CES_SCALE)
        results.append(("ces", compare_means(xb, xa, alpha=alpha, seed=seed)))
    if not results:
        raise ValueError("the survey table has none of the columns nps, csat, ces")
    frames = []
    for kpi, row in results:
        if kpi == "csat_mean":
            label, unit, direction = CSAT_MEAN
        else:
            entry = get_kpi(kpi)
            label, unit, direction = entry.label, entry.unit, entry.direction
        head = pd.DataFrame(
            {"kpi": [kpi], "label": [label], "unit": [unit], "direction": [direction]},
            dtype=object,
        )
        frames.append(pd.concat([head, row[list(CHANGE_COLUMNS)]], axis=1))
    return pd.concat(frames, ignore_index=True)


def change_verdict(change: float, p_value: Any, alpha: float) -> Verdict:
    """The verdict of one survey KPI's comparison, from its own (uncorrected) p-value.

    Every survey KPI is better higher, so a significant rise is :attr:`Verdict.IMPROVED`.

    Examples
    --------
    >>> change_verdict(8.0, 0.01, 0.05), change_verdict(8.0, 0.2, 0.05)
    (<Verdict.IMPROVED: 'improved'>, <Verdict.NO_CHANGE: 'no detectable change'>)
    >>> change_verdict(-3.0, 0.01, 0.05), change_verdict(1.0, float("nan"), 0.05)
    (<Verdict.WORSENED: 'worsened'>, <Verdict.INSUFFICIENT: 'insufficient data'>)
    """
    if p_value is None or pd.isna(p_value):
        return Verdict.INSUFFICIENT
    if p_value >= alpha:
        return Verdict.NO_CHANGE
    return Verdict.IMPROVED if change > 0 else Verdict.WORSENED


def row_verdict(row: Any, alpha: float) -> Verdict:
    """A result row's verdict: its own (a KPI result row), else :func:`change_verdict`.

    Parameters
    ----------
    row : mapping
        A KPI result row of :func:`crmkit.measure.measure_kpis` (with ``verdict``) or a row of
        :func:`survey_changes` (with ``change`` and ``p_value``).
    alpha : float
        Significance level for a row without a verdict.

    Examples
    --------
    >>> row_verdict({"change": 8.0, "verdict": "improved"}, 0.05)
    <Verdict.IMPROVED: 'improved'>
    >>> row_verdict({"change": 1.0, "p_value": 0.4}, 0.05)
    <Verdict.NO_CHANGE: 'no detectable change'>
    """
    verdict = row.get("verdict")
    if isinstance(verdict, str):
        return Verdict(verdict)
    return change_verdict(row["change"], row.get("p_value"), alpha)
