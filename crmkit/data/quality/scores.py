"""Scores: each dimension and each table's score from the issues, and each issue's impact."""

from __future__ import annotations

import math
from enum import StrEnum

import pandas as pd

from crmkit.data.quality.rules import DIMENSIONS, FAIR_SCORE, GOOD_SCORE, SEVERITY_RANK
from crmkit.data.schemas import TABLES

__all__ = ["Grade", "grade", "quality_scores", "score_impacts", "score_series"]


class Grade(StrEnum):
    """How far a table's data can be trusted, from its score (see :func:`grade`).

    A :class:`enum.StrEnum`: a member compares equal to its string and is written to
    ``results.json`` as it.
    """

    #: Score at or above :data:`~crmkit.data.quality.rules.GOOD_SCORE`.
    GOOD = "good"
    #: Score at or above :data:`~crmkit.data.quality.rules.FAIR_SCORE`, below GOOD_SCORE.
    FAIR = "fair"
    #: Score below FAIR_SCORE.
    POOR = "poor"
    #: No score: the table has no rows.
    NO_DATA = "no data"


def grade(score: float | None) -> Grade:
    """The grade of a score: ``good`` (≥ 0.95), ``fair`` (≥ 0.85), ``poor``, or ``no data``.

    Examples
    --------
    >>> [str(grade(s)) for s in (0.97, 0.9, 0.5, float("nan"))]
    ['good', 'fair', 'poor', 'no data']
    """
    if score is None or pd.isna(score):
        return Grade.NO_DATA
    if score >= GOOD_SCORE:
        return Grade.GOOD
    return Grade.FAIR if score >= FAIR_SCORE else Grade.POOR


def _applies_to(
    *,
    completeness: pd.DataFrame,
    validity: pd.DataFrame,
    uniqueness: pd.DataFrame,
    integrity: pd.DataFrame,
    timeliness: pd.DataFrame,
) -> pd.DataFrame:
    """Which dimensions apply to which table (a bool frame: tables × :data:`DIMENSIONS`)."""
    tables = pd.Index(list(validity["table"]), name="table")
    has_rows = validity.set_index("table")["rows"].reindex(tables) > 0
    scored = completeness[completeness["scored"] & completeness["completeness"].notna()]
    with_values = integrity.groupby("table")["rows_with_value"].sum()
    applies = pd.DataFrame(
        {
            "completeness": tables.isin(scored["table"]),
            "validity": True,
            "consistency": True,
            "uniqueness": tables.isin(uniqueness.loc[uniqueness["rows_with_id"] > 0, "table"]),
            "integrity": tables.isin(with_values[with_values > 0].index),
            "timeliness": tables.isin(timeliness.loc[timeliness["coverage"].notna(), "table"]),
        },
        index=tables,
    )
    return applies[list(DIMENSIONS)] & has_rows.to_numpy()[:, None]


def quality_scores(
    issues: pd.DataFrame,
    *,
    completeness: pd.DataFrame,
    validity: pd.DataFrame,
    uniqueness: pd.DataFrame,
    integrity: pd.DataFrame,
    timeliness: pd.DataFrame,
) -> pd.DataFrame:
    """One quality score per table and an overall row, computed from the issues.

    Parameters
    ----------
    issues : DataFrame
        From :func:`issues_for_client`: each issue's ``table``, ``dimension`` and ``deficit``.
    completeness, validity, uniqueness, integrity, timeliness : DataFrame
        The outputs of :func:`completeness`, :func:`validity`, :func:`uniqueness`,
        :func:`referential_integrity` and :func:`timeliness`; they say which dimensions
        apply to which table. The tables scored are those of ``validity`` (every table
        present).

    Returns
    -------
    DataFrame
        One row per table in schema order, then a row with ``table == "overall"``; columns:

        - ``table`` (str)
        - ``rows`` (int): rows in the table (overall: all tables' rows).
        - ``completeness``, ``validity``, ``consistency``, ``uniqueness``, ``integrity``,
          ``timeliness`` (float): each dimension, ``1 − Σ deficit`` of the table's issues
          of that dimension; NaN where the dimension does not apply.
        - ``dimensions`` (int): how many dimensions apply (are not NaN).
        - ``score`` (float): the mean of the dimensions that apply; NaN for an empty table.
        - ``grade`` (:class:`Grade`): ``good`` (score ≥ 0.95), ``fair`` (≥ 0.85), ``poor``, or
          ``no data``.

    Notes
    -----
    The score and the issue list come from the same rules: every shortfall of a dimension is
    an issue, and every issue lowers its dimension by its ``deficit`` (see
    :func:`issues_for_client`). For a table with k applicable dimensions,

        dimension_d = 1 − Σ_{issues i of d} deficit_i
        score_table = (1 / k) Σ_d dimension_d = 1 − Σ_{issues i of the table} deficit_i / k

    with equal weights, because each dimension is a different way the data can mislead and
    none is known to matter more in general. Completeness, validity and consistency apply to
    every table; uniqueness where the schema names an identifier; integrity where a foreign
    key's parent table is present; timeliness where the table is dated and expected to cover
    the window. A table without an issue scores exactly 1.

    The overall score is the *simple* mean of the T table scores (and, per dimension, of the
    tables where it applies), not weighted by rows: each table feeds its own results, and a
    ten-line costs table decides the ROI as much as a million orders decide revenue growth;
    weighting by rows would let the largest table hide a weak small one. Hence

        overall = 1 − Σ_i deficit_i / (k_table(i) · T) = 1 − Σ_i score_impact_i

    (:func:`score_impacts`).
    """
    applies = _applies_to(
        completeness=completeness,
        validity=validity,
        uniqueness=uniqueness,
        integrity=integrity,
        timeliness=timeliness,
    )
    tables = list(applies.index)
    rows = validity.set_index("table")["rows"].reindex(tables)
    lost = pd.DataFrame(0.0, index=applies.index, columns=list(DIMENSIONS))
    if len(issues):
        sums = issues.groupby(["table", "dimension"])["deficit"].sum().unstack()
        lost = lost.add(sums.reindex(index=applies.index, columns=lost.columns), fill_value=0)
    dims = (1 - lost).where(applies).astype("float64")
    result = dims.reset_index()
    result.insert(1, "rows", rows.to_numpy().astype("int64"))
    result["dimensions"] = dims.notna().sum(axis=1).to_numpy().astype("int64")
    result["score"] = dims.mean(axis=1, skipna=True).to_numpy()
    overall = {"table": "overall", "rows": int(rows.sum())}
    for name in DIMENSIONS:
        overall[name] = dims[name].mean(skipna=True) if dims[name].notna().any() else math.nan
    overall["dimensions"] = int(dims.notna().any().sum())
    overall["score"] = (
        result["score"].mean(skipna=True) if result["score"].notna().any() else math.nan
    )
    result = pd.concat([result, pd.DataFrame([overall])], ignore_index=True)
    result["grade"] = [grade(s) for s in result["score"]]
    columns = ["table", "rows", *DIMENSIONS, "dimensions", "score", "grade"]
    return result[columns].astype(
        {
            "rows": "int64",
            "dimensions": "int64",
            "score": "float64",
            **dict.fromkeys(DIMENSIONS, "float64"),
        }
    )


def score_impacts(issues: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """The issues with how much each lowered its table's score and the overall score.

    Parameters
    ----------
    issues : DataFrame
        From :func:`issues_for_client`.
    scores : DataFrame
        From :func:`quality_scores` over the same issues.

    Returns
    -------
    DataFrame
        ``issues`` with two more columns, most important first (errors, then the larger
        ``score_impact``, then schema order):

        - ``table_score_impact`` (float): ``deficit / k``, what the issue takes off its table's
          score (k: the dimensions that apply to the table).
        - ``score_impact`` (float): ``deficit / (k · T)``, what it takes off the overall score
          (T: the tables scored). Over all issues they sum to ``1 − overall score``.
    """
    per_table = scores[(scores["table"] != "overall") & scores["score"].notna()]
    k = per_table.set_index("table")["dimensions"].astype("float64")
    n_tables = len(per_table)
    result = issues.copy()
    result["table_score_impact"] = (result["deficit"] / result["table"].map(k)).astype("float64")
    result["score_impact"] = result["table_score_impact"] / n_tables if n_tables else math.nan
    if result.empty:
        return result
    order = pd.DataFrame(
        {
            "severity": result["severity"].map(SEVERITY_RANK).fillna(2),
            "impact": -result["score_impact"].fillna(0.0),
            "table": result["table"].map({t: i for i, t in enumerate(TABLES)}).fillna(len(TABLES)),
        }
    )
    order = order.sort_values(["severity", "impact", "table"], kind="stable")
    return result.loc[order.index].reset_index(drop=True)


def score_series(scores: pd.DataFrame) -> pd.Series:
    """The scores for a chart: one value per table in schema order, then ``overall``.

    Tables without a score (empty tables) are left out.
    """
    series = scores.set_index("table")["score"].dropna()
    series.name = "score"
    return series
