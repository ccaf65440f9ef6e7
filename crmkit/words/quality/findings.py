"""What the data-quality numbers mean: the score chart's title, each section's finding and
the closing paragraph."""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.data.quality import DIMENSIONS, GOOD_SCORE, WEAK_COMPLETENESS, Grade, grade
from crmkit.words.formats import is_missing
from crmkit.words.quality.terms import (
    capitalized,
    column_use,
    counted,
    joined,
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
        return "No table could be scored"
    good = list(per_table.loc[per_table["score"] >= GOOD_SCORE, "table"])
    weak = list(per_table.loc[per_table["score"] < GOOD_SCORE, "table"])

    def names(items: list[str]) -> str:
        return joined(items) if len(items) <= 3 else f"{len(items)} tables"

    if not weak:
        return (
            f"The {good[0]} table is reliable"
            if len(good) == 1
            else f"All {len(good)} tables are reliable (score ≥ {GOOD_SCORE * 100:.0f} %)"
        )
    weak_text = f"{names(weak)} {'needs' if len(weak) == 1 else 'need'} attention"
    if not good:
        return (
            capitalized(weak_text) if len(weak) <= 3 else f"All {len(weak)} tables need attention"
        )
    good_text = f"{names(good)} {'is' if len(good) == 1 else 'are'} reliable"
    return f"{capitalized(good_text)}; {weak_text}"


_TRUST = {
    Grade.GOOD: "the data can be trusted for the assessment",
    Grade.FAIR: "the assessment can rely on it, with the caveats below",
    Grade.POOR: "conclusions should be read as indicative until the issues below are resolved",
}
_TRUST_MOSTLY = "most of the data can be trusted for the assessment, with the exceptions below"


def _gap_phrase(row: Any) -> str:
    """'orders for 2024-03' or 'surveys after go-live (…)' from a timeliness row."""
    return f"{row.table} {'' if row.cadence == 'waves' else 'for '}{row.gap_periods}"


def _reason(table: str, dimension: str, value: float, issues: pd.DataFrame) -> str:
    """Why ``table`` is weak on ``dimension``, from its most important issue of that dimension."""
    if len(issues):
        match = issues[(issues["table"] == table) & (issues["dimension"] == dimension)]
        if len(match):
            first = match.iloc[0]
            issue = first["issue"][:1].lower() + first["issue"][1:]
            if first["rule"] == "inconsistent":
                issue = f"in {table}, {issue}"
            return f"{issue}, so {first['impact']}"
    return f"its {dimension} is {percent_text(value)}"


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
        return "No table could be scored: the client supplied no data rows."
    overall = float(per_table["score"].mean())
    overall_row = scores[scores["table"] == "overall"]
    if len(overall_row) and not is_missing(overall_row["score"].iloc[0]):
        overall = float(overall_row["score"].iloc[0])
    g = grade(overall)
    n = len(per_table)
    explained = ""
    weak_tables = bool((per_table["score"] < GOOD_SCORE).any())
    sentences = [
        f"Overall data quality is {g} ({percent_text(overall)} across "
        f"{n} table{'s' if n != 1 else ''}): "
        f"{_TRUST_MOSTLY if g == Grade.GOOD and weak_tables else _TRUST[g]}."
    ]
    if n > 1:
        weakest = per_table.loc[per_table["score"].idxmin()]
        dims = weakest[list(DIMENSIONS)].astype("float64").dropna()
        if weakest["score"] >= GOOD_SCORE:
            sentences.append(
                f"Every table scores at least {GOOD_SCORE * 100:.0f} %; the weakest, "
                f"{weakest['table']}, scores {percent_text(weakest['score'])}."
            )
        else:
            low_dim = str(dims.idxmin())
            reason = _reason(weakest["table"], low_dim, float(dims.min()), issues)
            explained = reason
            sentences.append(
                f"The {weakest['table']} table is weakest ({percent_text(weakest['score'], 0)}, "
                f"{weakest['grade']}): {reason}."
            )
            others = per_table[
                (per_table["score"] < GOOD_SCORE) & (per_table["table"] != weakest["table"])
            ]
            if len(others):
                listed = [f"{r.table} ({percent_text(r.score, 0)})" for r in others.itertuples()]
                sentences.append(f"Also below {GOOD_SCORE * 100:.0f} %: {joined(listed)}.")
    elif per_table["score"].iloc[0] < GOOD_SCORE:
        row = per_table.iloc[0]
        dims = row[list(DIMENSIONS)].astype("float64").dropna()
        reason = _reason(row["table"], str(dims.idxmin()), float(dims.min()), issues)
        explained = reason
        sentences.append(f"Its weakest point: {reason}.")
    if len(timeliness) and "gaps" in timeliness:
        said = timeliness.apply(
            lambda r: bool(explained) and r["gap_periods"] in explained, axis=1
        ).astype(bool)
        gaps = timeliness[(timeliness["gaps"] > 0) & ~said]
        if len(gaps):
            sentences.append(
                f"There is no data in {joined([_gap_phrase(r) for r in gaps.itertuples()])}; "
                "results for those periods rest on no data."
            )
    n_issues = len(issues)
    if n_issues:
        errors = int((issues["severity"] == "error").sum())
        blocking = f", {errors} of them blocking" if errors else ""
        top = issues.iloc[0]
        top_text = f"{top['issue'][:1].lower()}{top['issue'][1:]}"
        if top["impact"]:
            top_text += f", so {top['impact']}"
        most = "" if top_text in explained else f"; the most important: {top_text}"
        sentences.append(
            f"There {'is' if n_issues == 1 else 'are'} {n_issues} issue"
            f"{'s' if n_issues != 1 else ''} to raise with the client{blocking}{most}."
        )
    else:
        sentences.append("There is nothing to raise with the client.")
    return " ".join(sentences)


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
        return "No table has rows to score."
    weak = per_table[per_table["score"] < GOOD_SCORE]
    good = list(per_table.loc[per_table["score"] >= GOOD_SCORE, "table"])
    if weak.empty:
        return (
            f"Every table scores at least {GOOD_SCORE * 100:.0f} %: the data is fit for the "
            "assessment on every dimension measured."
        )
    parts = []
    for row in weak.to_dict("records"):
        dims = pd.Series({d: row[d] for d in DIMENSIONS}, dtype="float64").dropna()
        parts.append(
            f"{row['table']} scores below {GOOD_SCORE * 100:.0f} % "
            f"({percent_text(row['score'], 0)}), "
            f"weakest on {dims.idxmin()} ({percent_text(dims.min(), 0)})"
        )
    text = capitalized("; ".join(parts))
    if good:
        text += f"; {joined(good)} {'is' if len(good) == 1 else 'are'} good"
    return text + "."


def completeness_finding(completeness: pd.DataFrame) -> str:
    """What the completeness table means, in one or two sentences."""
    scored = completeness[completeness["scored"] & (completeness["rows"] > 0)]
    below = scored[scored["completeness"] < 1]
    if scored.empty:
        return "There are no data rows to check."
    if below.empty:
        return "Every column the assessment uses is completely filled."
    weak = below[~below["required"] & (below["completeness"] < WEAK_COMPLETENESS)]
    required = below[below["required"]]
    parts = []
    if len(required):
        listed = [f"{r.table}.{r.column}" for r in required.itertuples()]
        parts.append(
            f"Required columns have empty cells ({joined(listed)}); those rows cannot be used."
        )
    if len(weak):
        listed = [
            f"{r.table}.{r.column} ({share_text(r.completeness)} filled, used for "
            f"{column_use(r.table, r.column)})"
            for r in weak.sort_values("completeness").itertuples()
        ]
        parts.append(
            f"{len(weak)} optional column{'s are' if len(weak) != 1 else ' is'} less than "
            f"{WEAK_COMPLETENESS * 100:.0f} % filled: {joined(listed)}; those results rest on "
            "fewer rows."
        )
    rest = len(below) - len(required) - len(weak)
    if rest:
        other = " other" if parts else ""
        parts.append(
            f"{rest}{other} column{'s are' if rest != 1 else ' is'} not completely but at least "
            f"{WEAK_COMPLETENESS * 100:.0f} % filled, enough for the results that use "
            f"{'them' if rest != 1 else 'it'}."
        )
    return " ".join(parts)


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
            f"Rows that break a type, range or label rule: at most {joined(listed)}; they cannot "
            "be used until corrected."
        )
    if len(dup):
        listed = [f"{counted(r.duplicate_rows, r.table)}" for r in dup.itertuples()]
        parts.append(
            f"Surplus copies of repeated identifiers: {joined(listed)}; they inflate counts and "
            "totals."
        )
    if len(contra):
        listed = [f"{counted(r.inconsistent_rows, r.table)}" for r in contra.itertuples()]
        parts.append(
            f"Rows whose dates or counts contradict each other: {joined(listed)}; durations and "
            "rates computed from them are unreliable."
        )
    if not parts:
        return (
            "Every value has the expected type, range and label, every identifier is unique, "
            "and no dates or counts contradict each other."
        )
    return " ".join(parts)


def integrity_finding(integrity: pd.DataFrame) -> str:
    """What the referential-integrity table means, in one sentence."""
    if integrity.empty:
        return (
            "No links between tables could be checked: the customers table, or the columns "
            "that refer to it, are absent."
        )
    broken = integrity[integrity["unmatched"] > 0]
    if broken.empty:
        children = joined(list(dict.fromkeys(integrity["table"])))
        return (
            f"Every customer referred to in {children} is in the customers table, so "
            "per-customer results see all of them."
        )
    listed = [
        f"{share_text(r.unmatched / r.rows_with_value)} of {noun(r.table)} ({r.unmatched:,})"
        for r in broken.itertuples()
    ]
    return (
        f"{capitalized(joined(listed))} refer to customers missing from the customers table; they "
        "cannot be linked to a customer's segment, region or history, so per-customer results "
        "leave them out or understate them."
    )


def timeliness_finding(timeliness: pd.DataFrame) -> str:
    """What the timeliness table means, in one or two sentences."""
    scored = timeliness[timeliness["coverage"].notna()]
    if scored.empty:
        return "No dated table is expected to cover the assessment window."
    gaps = scored[scored["gaps"] > 0]
    if gaps.empty:
        return (
            f"All {len(scored)} dated tables cover what the assessment needs: every month "
            "for activity data, both windows for surveys and campaigns."
        )
    rest = len(scored) - len(gaps)
    text = (
        f"There is no data in {joined([_gap_phrase(r) for r in gaps.itertuples()])}; trends and "
        "before/after results for those periods rest on no data."
    )
    if rest:
        text += (
            f" The other {'dated table covers' if rest == 1 else f'{rest} dated tables cover'} "
            "what the assessment needs."
        )
    return text


def issues_finding(issues: pd.DataFrame) -> str:
    """What the issue list means, in one or two sentences."""
    if issues.empty:
        return "There is nothing to raise with the client: the data is fit for the assessment."
    errors = int((issues["severity"] == "error").sum())
    first = issues.iloc[0]
    head = (
        f"{len(issues)} issue{'s' if len(issues) != 1 else ''} to raise with the client"
        + (f", {errors} of them blocking the assessment" if errors else "")
        + "."
    )
    where = f" ({first['table']})" if isinstance(first["table"], str) else ""
    return f"{head} The most important{where}: {first['issue'][:1].lower()}{first['issue'][1:]}."
