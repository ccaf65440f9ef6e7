"""Everything at once for the stage, and what results.json records."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from crmkit.data.config import Assessment
from crmkit.data.quality.completeness import completeness
from crmkit.data.quality.frames import json_float
from crmkit.data.quality.issues import issues_for_client, quality_notes
from crmkit.data.quality.keys import referential_integrity, uniqueness
from crmkit.data.quality.rules import DIMENSIONS
from crmkit.data.quality.scores import grade, quality_scores, score_impacts
from crmkit.data.quality.timeliness import timeliness
from crmkit.data.quality.validity import consistency, validity

__all__ = ["DataQuality", "assess_quality", "quality_summary"]


@dataclass(frozen=True)
class DataQuality:
    """Every data-quality measure of one assessment (see :func:`assess_quality`).

    The issues and notes hold numbers and the facts of each problem;
    :func:`crmkit.words.quality.with_words` returns a copy with their words added.
    """

    completeness: pd.DataFrame
    validity: pd.DataFrame
    uniqueness: pd.DataFrame
    integrity: pd.DataFrame
    timeliness: pd.DataFrame
    consistency: pd.DataFrame
    scores: pd.DataFrame
    issues: pd.DataFrame
    notes: pd.DataFrame
    show_record_ids: bool = False


def assess_quality(
    tables: Mapping[str, pd.DataFrame],
    problems: pd.DataFrame,
    assessment: Assessment,
    *,
    files: Mapping[str, str] | None = None,
) -> DataQuality:
    """Compute every data-quality measure, the issues, the scores and the notes at once.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The typed canonical tables.
    problems : DataFrame
        Validation problems.
    assessment : Assessment
        The windows (timeliness) and ``privacy.show_record_ids`` (issues).
    files : mapping of str to str, optional
        Each table's file, relative to the client folder.

    Returns
    -------
    DataQuality
        The frames of :func:`completeness`, :func:`validity`, :func:`uniqueness`,
        :func:`referential_integrity`, :func:`timeliness`, :func:`consistency`,
        :func:`quality_scores`, :func:`issues_for_client` (with :func:`score_impacts`) and
        :func:`quality_notes`.
    """
    measures = {
        "completeness": completeness(tables, problems),
        "validity": validity(tables, problems),
        "uniqueness": uniqueness(tables),
        "integrity": referential_integrity(tables),
        "timeliness": timeliness(tables, assessment),
    }
    show_ids = assessment.privacy.show_record_ids
    found = issues_for_client(
        problems, **measures, tables=tables, files=files, show_record_ids=show_ids
    )
    scores = quality_scores(found, **measures)
    issues = score_impacts(found, scores)
    scored = scores.loc[(scores["table"] != "overall") & scores["score"].notna(), "table"]
    notes = quality_notes(problems, scored_tables=scored, files=files)
    consist = consistency(problems, tables=tables)
    return DataQuality(
        measures["completeness"],
        measures["validity"],
        measures["uniqueness"],
        measures["integrity"],
        measures["timeliness"],
        consist,
        scores,
        issues,
        notes,
        show_ids,
    )


def quality_summary(
    scores: pd.DataFrame, issues: pd.DataFrame, notes: pd.DataFrame | None = None
) -> dict[str, Any]:
    """What results.json records for data quality: JSON-ready, no NaN.

    Parameters
    ----------
    scores : DataFrame
        From :func:`quality_scores`.
    issues : DataFrame
        From :func:`score_impacts`, with its words (the ``issue`` column that
        :func:`crmkit.words.quality.with_words` adds is each issue's ``message``).
    notes : DataFrame, optional
        From :func:`quality_notes`, with its words (the ``note`` column).

    Returns
    -------
    dict
        - ``overall_score`` (float or None), ``overall_grade`` (str)
        - ``issues``: one mapping per issue, most important first: ``rule``, ``severity``,
          ``dimension``, ``table``, ``column``, ``rows`` (rows affected, or None),
          ``example_rows`` (spreadsheet row numbers), ``score_impact`` (what it took off the
          overall score, a fraction), ``table_score_impact`` (off its table's score) and
          ``message`` (the issue in plain words). The impacts add up to
          ``1 − overall_score``.
        - ``errors`` (int): issues and notes of severity error.
        - ``notes``: what lowers no score, each ``rule``, ``severity``, ``table``,
          ``column``, ``rows`` and ``message``.
        - ``tables``: per table ``score``, ``rows``, ``grade`` and each dimension.

        Scores are fractions 0–1; None where a score or dimension does not apply.
    """
    overall = scores[scores["table"] == "overall"]
    overall_score = json_float(overall["score"].iloc[0]) if len(overall) else None
    per_table = {}
    for row in scores[scores["table"] != "overall"].to_dict("records"):
        per_table[str(row["table"])] = {
            "score": json_float(row["score"]),
            "rows": int(row["rows"]),
            "grade": str(row["grade"]),
            **{name: json_float(row[name]) for name in DIMENSIONS},
        }

    def text(value: Any) -> str | None:
        return value if isinstance(value, str) else None

    def count(value: Any) -> int | None:
        return None if pd.isna(value) else int(value)

    listed = [
        {
            "rule": str(i["rule"]),
            "severity": str(i["severity"]),
            "dimension": str(i["dimension"]),
            "table": text(i["table"]),
            "column": text(i["column"]),
            "rows": count(i["rows_affected"]),
            "example_rows": [int(r) for r in str(i["example_rows"]).split(", ") if r],
            "score_impact": json_float(i.get("score_impact")),
            "table_score_impact": json_float(i.get("table_score_impact")),
            "message": str(i["issue"]),
        }
        for i in issues.to_dict("records")
    ]
    noted = [
        {
            "rule": str(n["rule"]),
            "severity": str(n["severity"]),
            "table": text(n["table"]),
            "column": text(n["column"]),
            "rows": count(n["rows_affected"]),
            "message": str(n["note"]),
        }
        for n in (notes.to_dict("records") if notes is not None else [])
    ]
    errors = sum(1 for item in [*listed, *noted] if item["severity"] == "error")
    return {
        "overall_score": overall_score,
        "overall_grade": str(grade(overall_score)),
        "issues": listed,
        "errors": errors,
        "notes": noted,
        "tables": per_table,
    }
