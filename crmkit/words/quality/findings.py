"""What the data-quality numbers mean: the score chart's title, each section's finding and
the closing paragraph."""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.data.quality import DIMENSIONS, GOOD_SCORE, WEAK_COMPLETENESS, Grade, grade
from crmkit.words.formats import is_missing
from crmkit.words.language import term, tr
from crmkit.words.quality.terms import (
    capitalized,
    column_use,
    counted,
    dimension_name,
    joined,
    joined_sentences,
    lowercase_first,
    noun,
    percent_text,
    share_text,
)

__all__ = [
    "completeness_finding",
    "findings_text",
    "integrity_finding",
    "issues_finding",
    "score_chart_title",
    "scores_finding",
    "timeliness_finding",
    "validity_finding",
]


def score_chart_title(scores: pd.DataFrame) -> str:
    """The title of the score chart, stating which tables can be trusted.

    Examples
    --------
    >>> s = pd.DataFrame({"table": ["customers", "orders", "tickets", "overall"],
    ...                   "score": [0.99, 0.97, 0.88, 0.95]})
    >>> score_chart_title(s)
    'Customers and orders are reliable; tickets needs attention'
    """
    per_table = scores[(scores["table"] != "overall") & scores["score"].notna()]
    if per_table.empty:
        return tr("No table could be scored")
    good = list(per_table.loc[per_table["score"] >= GOOD_SCORE, "table"])
    weak = list(per_table.loc[per_table["score"] < GOOD_SCORE, "table"])

    def names(items: list[str]) -> str:
        return joined(items) if len(items) <= 3 else tr("{n} tables", n=len(items))

    if not weak:
        return (
            tr("The {table} table is reliable", table=good[0])
            if len(good) == 1
            else tr(
                "All {n} tables are reliable (score ≥ {threshold} %)",
                n=len(good),
                threshold=f"{GOOD_SCORE * 100:.0f}",
            )
        )
    if not good:
        if len(weak) == 1:
            return tr("{Tables} needs attention", Tables=capitalized(weak[0]))
        if len(weak) <= 3:
            return tr("{Tables} need attention", Tables=capitalized(joined(weak)))
        return tr("All {n} tables need attention", n=len(weak))
    fields = {"Good": capitalized(names(good)), "weak": names(weak)}
    if len(good) == 1:
        if len(weak) == 1:
            return tr("{Good} is reliable; {weak} needs attention", **fields)
        return tr("{Good} is reliable; {weak} need attention", **fields)
    if len(weak) == 1:
        return tr("{Good} are reliable; {weak} needs attention", **fields)
    return tr("{Good} are reliable; {weak} need attention", **fields)


def _trust(overall: Grade, weak_tables: bool) -> str:
    """How far the assessment can trust the data, by its overall grade."""
    if overall == Grade.GOOD and weak_tables:
        return tr("most of the data can be trusted for the assessment, with the exceptions below")
    if overall == Grade.GOOD:
        return tr("the data can be trusted for the assessment")
    if overall == Grade.FAIR:
        return tr("the assessment can rely on it, with the caveats below")
    return tr("conclusions should be read as indicative until the issues below are resolved")


def _gap_phrase(row: Any) -> str:
    """'orders for 2024-03' or 'surveys after go-live (…)' from a timeliness row."""
    if row.cadence == "waves":
        return tr("{table} {periods}", table=row.table, periods=row.gap_periods)
    return tr("{table} for {periods}", table=row.table, periods=row.gap_periods)


def _reason(table: str, dimension: str, value: float, issues: pd.DataFrame) -> str:
    """Why ``table`` is weak on ``dimension``, from its most important issue of that dimension."""
    if len(issues):
        match = issues[(issues["table"] == table) & (issues["dimension"] == dimension)]
        if len(match):
            first = match.iloc[0]
            issue = lowercase_first(first["issue"])
            if first["rule"] == "inconsistent":
                issue = tr("in {table}, {issue}", table=table, issue=issue)
            return tr("{issue}, so {impact}", issue=issue, impact=first["impact"])
    return tr(
        "its {dimension} is {value}", dimension=dimension_name(dimension), value=percent_text(value)
    )


def findings_text(scores: pd.DataFrame, issues: pd.DataFrame, timeliness: pd.DataFrame) -> str:
    """A plain-language paragraph (markdown) on how far the data can be trusted.

    Parameters
    ----------
    scores : DataFrame
        From :func:`quality_scores`.
    issues : DataFrame
        From :func:`issues_for_client`.
    timeliness : DataFrame
        From :func:`timeliness`.

    Returns
    -------
    str
        The overall score and grade and what they mean for the assessment; the weakest table,
        its weakest dimension and what that means for the results; other tables below
        "good"; gaps in time coverage; the number of issues to raise with the client.

    Examples
    --------
    >>> s = pd.DataFrame({"table": ["orders", "overall"], "rows": [10, 10],
    ...     "completeness": [1.0, 1.0], "validity": [1.0, 1.0], "consistency": [1.0, 1.0],
    ...     "uniqueness": [1.0, 1.0], "integrity": [float("nan")] * 2,
    ...     "timeliness": [1.0, 1.0], "dimensions": [5, 5], "score": [1.0, 1.0],
    ...     "grade": ["good", "good"]})
    >>> no_issues, no_gaps = pd.DataFrame(columns=["severity"]), pd.DataFrame(columns=["gaps"])
    >>> print(findings_text(s, no_issues, no_gaps))  # doctest: +NORMALIZE_WHITESPACE
    Overall data quality is good (100.0 % across 1 table): the data can be trusted for the
    assessment. There is nothing to raise with the client.
    """
    per_table = scores[(scores["table"] != "overall") & scores["score"].notna()]
    if per_table.empty:
        return tr("No table could be scored: the client supplied no data rows.")
    overall = float(per_table["score"].mean())
    overall_row = scores[scores["table"] == "overall"]
    if len(overall_row) and not is_missing(overall_row["score"].iloc[0]):
        overall = float(overall_row["score"].iloc[0])
    g = grade(overall)
    n = len(per_table)
    explained = ""
    weak_tables = bool((per_table["score"] < GOOD_SCORE).any())
    fields = {
        "grade": term(str(g)),
        "score": percent_text(overall),
        "n": n,
        "trust": _trust(g, weak_tables),
    }
    sentences = [
        tr("Overall data quality is {grade} ({score} across {n} table): {trust}.", **fields)
        if n == 1
        else tr("Overall data quality is {grade} ({score} across {n} tables): {trust}.", **fields)
    ]
    if n > 1:
        weakest = per_table.loc[per_table["score"].idxmin()]
        dims = weakest[list(DIMENSIONS)].astype("float64").dropna()
        if weakest["score"] >= GOOD_SCORE:
            sentences.append(
                tr(
                    "Every table scores at least {threshold} %; the weakest, {table}, scores "
                    "{score}.",
                    threshold=f"{GOOD_SCORE * 100:.0f}",
                    table=weakest["table"],
                    score=percent_text(weakest["score"]),
                )
            )
        else:
            low_dim = str(dims.idxmin())
            reason = _reason(weakest["table"], low_dim, float(dims.min()), issues)
            explained = reason
            sentences.append(
                tr(
                    "The {table} table is weakest ({score}, {grade}): {reason}.",
                    table=weakest["table"],
                    score=percent_text(weakest["score"], 0),
                    grade=term(str(weakest["grade"])),
                    reason=reason,
                )
            )
            others = per_table[
                (per_table["score"] < GOOD_SCORE) & (per_table["table"] != weakest["table"])
            ]
            if len(others):
                listed = [
                    tr("{table} ({score})", table=r.table, score=percent_text(r.score, 0))
                    for r in others.itertuples()
                ]
                sentences.append(
                    tr(
                        "Also below {threshold} %: {tables}.",
                        threshold=f"{GOOD_SCORE * 100:.0f}",
                        tables=joined(listed),
                    )
                )
    elif per_table["score"].iloc[0] < GOOD_SCORE:
        row = per_table.iloc[0]
        dims = row[list(DIMENSIONS)].astype("float64").dropna()
        reason = _reason(row["table"], str(dims.idxmin()), float(dims.min()), issues)
        explained = reason
        sentences.append(tr("Its weakest point: {reason}.", reason=reason))
    if len(timeliness) and "gaps" in timeliness:
        said = timeliness.apply(
            lambda r: bool(explained) and r["gap_periods"] in explained, axis=1
        ).astype(bool)
        gaps = timeliness[(timeliness["gaps"] > 0) & ~said]
        if len(gaps):
            sentences.append(
                tr(
                    "There is no data in {gaps}; results for those periods rest on no data.",
                    gaps=joined([_gap_phrase(r) for r in gaps.itertuples()]),
                )
            )
    n_issues = len(issues)
    if n_issues:
        errors = int((issues["severity"] == "error").sum())
        blocking = tr(", {n} of them blocking", n=errors) if errors else ""
        top = issues.iloc[0]
        top_text = lowercase_first(top["issue"])
        if top["impact"]:
            top_text = tr("{issue}, so {impact}", issue=top_text, impact=top["impact"])
        most = "" if top_text in explained else tr("; the most important: {issue}", issue=top_text)
        fields = {"n": n_issues, "blocking": blocking, "most": most}
        sentences.append(
            tr("There is {n} issue to raise with the client{blocking}{most}.", **fields)
            if n_issues == 1
            else tr("There are {n} issues to raise with the client{blocking}{most}.", **fields)
        )
    else:
        sentences.append(tr("There is nothing to raise with the client."))
    return joined_sentences(sentences)


def scores_finding(scores: pd.DataFrame) -> str:
    """What the score table means: which tables fall below "good", and on which dimension.

    Examples
    --------
    >>> s = pd.DataFrame({"table": ["orders", "tickets", "overall"], "score": [0.99, 0.89, 0.94],
    ...     "completeness": [1.0, 0.94, 0.97], "validity": [1.0, 1.0, 1.0],
    ...     "consistency": [1.0, 0.92, 0.96], "uniqueness": [1.0, 1.0, 1.0],
    ...     "integrity": [0.98, 1.0, 0.99], "timeliness": [1.0, 0.5, 0.75]})
    >>> scores_finding(s)
    'Tickets scores below 95 % (89 %), weakest on timeliness (50 %); orders is good.'
    """
    per_table = scores[(scores["table"] != "overall") & scores["score"].notna()]
    if per_table.empty:
        return tr("No table has rows to score.")
    weak = per_table[per_table["score"] < GOOD_SCORE]
    good = list(per_table.loc[per_table["score"] >= GOOD_SCORE, "table"])
    threshold = f"{GOOD_SCORE * 100:.0f}"
    if weak.empty:
        return tr(
            "Every table scores at least {threshold} %: the data is fit for the assessment on "
            "every dimension measured.",
            threshold=threshold,
        )
    parts = []
    for row in weak.to_dict("records"):
        dims = pd.Series({d: row[d] for d in DIMENSIONS}, dtype="float64").dropna()
        parts.append(
            tr(
                "{table} scores below {threshold} % ({score}), weakest on {dimension} ({value})",
                table=row["table"],
                threshold=threshold,
                score=percent_text(row["score"], 0),
                dimension=dimension_name(str(dims.idxmin())),
                value=percent_text(dims.min(), 0),
            )
        )
    weak_text = capitalized(tr("; ").join(parts))
    if not good:
        return tr("{weak}.", weak=weak_text)
    if len(good) == 1:
        return tr("{weak}; {good} is good.", weak=weak_text, good=joined(good))
    return tr("{weak}; {good} are good.", weak=weak_text, good=joined(good))


def completeness_finding(completeness: pd.DataFrame) -> str:
    """What the completeness table means, in one or two sentences."""
    scored = completeness[completeness["scored"] & (completeness["rows"] > 0)]
    below = scored[scored["completeness"] < 1]
    if scored.empty:
        return tr("There are no data rows to check.")
    if below.empty:
        return tr("Every column the assessment uses is completely filled.")
    weak = below[~below["required"] & (below["completeness"] < WEAK_COMPLETENESS)]
    required = below[below["required"]]
    parts = []
    if len(required):
        listed = [f"{r.table}.{r.column}" for r in required.itertuples()]
        parts.append(
            tr(
                "Required columns have empty cells ({columns}); those rows cannot be used.",
                columns=joined(listed),
            )
        )
    threshold = f"{WEAK_COMPLETENESS * 100:.0f}"
    if len(weak):
        listed = [
            tr(
                "{column} ({share} filled, used for {use})",
                column=f"{r.table}.{r.column}",
                share=share_text(r.completeness),
                use=column_use(r.table, r.column),
            )
            for r in weak.sort_values("completeness").itertuples()
        ]
        fields = {"n": len(weak), "threshold": threshold, "columns": joined(listed)}
        parts.append(
            tr(
                "{n} optional column is less than {threshold} % filled: {columns}; those "
                "results rest on fewer rows.",
                **fields,
            )
            if len(weak) == 1
            else tr(
                "{n} optional columns are less than {threshold} % filled: {columns}; those "
                "results rest on fewer rows.",
                **fields,
            )
        )
    rest = len(below) - len(required) - len(weak)
    if rest:
        parts.append(_rest_filled(rest, threshold, other=bool(parts)))
    return joined_sentences(parts)


def _rest_filled(rest: int, threshold: str, *, other: bool) -> str:
    """The columns not completely but sufficiently filled, in a sentence."""
    if other and rest == 1:
        return tr(
            "{n} other column is not completely but at least {threshold} % filled, enough for "
            "the results that use it.",
            n=rest,
            threshold=threshold,
        )
    if other:
        return tr(
            "{n} other columns are not completely but at least {threshold} % filled, enough "
            "for the results that use them.",
            n=rest,
            threshold=threshold,
        )
    if rest == 1:
        return tr(
            "{n} column is not completely but at least {threshold} % filled, enough for the "
            "results that use it.",
            n=rest,
            threshold=threshold,
        )
    return tr(
        "{n} columns are not completely but at least {threshold} % filled, enough for the "
        "results that use them.",
        n=rest,
        threshold=threshold,
    )


def validity_finding(
    validity: pd.DataFrame, uniqueness: pd.DataFrame, consistency: pd.DataFrame
) -> str:
    """What the validity, duplicates and consistency tables mean, in one or two sentences."""
    invalid = validity[validity["invalid_rows"] > 0]
    dup = uniqueness[uniqueness["duplicate_rows"] > 0]
    contra = consistency[consistency["inconsistent_rows"] > 0] if len(consistency) else consistency
    parts = []
    if len(invalid):
        listed = [counted(r.invalid_rows, r.table) for r in invalid.itertuples()]
        parts.append(
            tr(
                "Rows that break a type, range or label rule: at most {rows}; they cannot be "
                "used until corrected.",
                rows=joined(listed),
            )
        )
    if len(dup):
        listed = [counted(r.duplicate_rows, r.table) for r in dup.itertuples()]
        parts.append(
            tr(
                "Surplus copies of repeated identifiers: {rows}; they inflate counts and totals.",
                rows=joined(listed),
            )
        )
    if len(contra):
        listed = [counted(r.inconsistent_rows, r.table) for r in contra.itertuples()]
        parts.append(
            tr(
                "Rows whose dates or counts contradict each other: {rows}; durations and rates "
                "computed from them are unreliable.",
                rows=joined(listed),
            )
        )
    if not parts:
        return tr(
            "Every value has the expected type, range and label, every identifier is unique, "
            "and no dates or counts contradict each other."
        )
    return joined_sentences(parts)


def integrity_finding(integrity: pd.DataFrame) -> str:
    """What the referential-integrity table means, in one sentence."""
    if integrity.empty:
        return tr(
            "No links between tables could be checked: the customers table, or the columns "
            "that refer to it, are absent."
        )
    broken = integrity[integrity["unmatched"] > 0]
    if broken.empty:
        return tr(
            "Every customer referred to in {tables} is in the customers table, so per-customer "
            "results see all of them.",
            tables=joined(list(dict.fromkeys(integrity["table"]))),
        )
    listed = [
        tr(
            "{share} of {rows} ({n})",
            share=share_text(r.unmatched / r.rows_with_value),
            rows=noun(r.table),
            n=f"{r.unmatched:,}",
        )
        for r in broken.itertuples()
    ]
    return tr(
        "{Rows} refer to customers missing from the customers table; they cannot be linked to "
        "a customer's segment, region or history, so per-customer results leave them out or "
        "understate them.",
        Rows=capitalized(joined(listed)),
    )


def timeliness_finding(timeliness: pd.DataFrame) -> str:
    """What the timeliness table means, in one or two sentences."""
    scored = timeliness[timeliness["coverage"].notna()]
    if scored.empty:
        return tr("No dated table is expected to cover the assessment window.")
    gaps = scored[scored["gaps"] > 0]
    if gaps.empty:
        return tr(
            "All {n} dated tables cover what the assessment needs: every month for activity "
            "data, both windows for surveys and campaigns.",
            n=len(scored),
        )
    rest = len(scored) - len(gaps)
    sentences = [
        tr(
            "There is no data in {gaps}; trends and before/after results for those periods rest "
            "on no data.",
            gaps=joined([_gap_phrase(r) for r in gaps.itertuples()]),
        )
    ]
    if rest == 1:
        sentences.append(tr("The other dated table covers what the assessment needs."))
    elif rest:
        sentences.append(tr("The other {n} dated tables cover what the assessment needs.", n=rest))
    return joined_sentences(sentences)


def issues_finding(issues: pd.DataFrame) -> str:
    """What the issue list means, in one or two sentences."""
    if issues.empty:
        return tr("There is nothing to raise with the client: the data is fit for the assessment.")
    errors = int((issues["severity"] == "error").sum())
    first = issues.iloc[0]
    n = len(issues)
    blocking = tr(", {n} of them blocking the assessment", n=errors) if errors else ""
    head = (
        tr("{n} issue to raise with the client{blocking}.", n=n, blocking=blocking)
        if n == 1
        else tr("{n} issues to raise with the client{blocking}.", n=n, blocking=blocking)
    )
    issue = lowercase_first(first["issue"])
    most = (
        tr("The most important ({table}): {issue}.", table=first["table"], issue=issue)
        if isinstance(first["table"], str)
        else tr("The most important: {issue}.", issue=issue)
    )
    return joined_sentences([head, most])
