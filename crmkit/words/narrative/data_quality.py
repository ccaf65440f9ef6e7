"""The executive summary's sentence on data quality: the score beside its open issues.

Built from results.json's ``quality`` section (a mapping that may hold anything: the score
goes through :mod:`crmkit.words.formats`, which prints "not available" for what is not a
finite number). A score is never printed as "100.0 %" while an issue is open.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from crmkit.words.formats import as_number, format_percent
from crmkit.words.language import tr

__all__ = ["issue_count", "quality_score_text", "summary_quality"]


def issue_count(issues: Any) -> int | None:
    """How many data-quality issues a section records (a count, or a list of issues).

    Examples
    --------
    >>> issue_count(9), issue_count([{}, {}]), issue_count(None), issue_count(float("nan"))
    (9, 2, None, None)
    """
    if isinstance(issues, Mapping | list | tuple):
        return len(issues)
    number = as_number(issues)
    return None if number is None else max(int(number), 0)


def quality_score_text(score: Any, issues: Any) -> str:
    """The data-quality score as printed beside its issues: never "100.0 %" while any is open.

    With open issues the score is rounded down (99.997 % reads "99.9 %"); a score of exactly
    1 beside open issues is printed as it is, and the sentence says both plainly.

    Examples
    --------
    >>> quality_score_text(0.99997, 9), quality_score_text(0.99997, 0), quality_score_text(None, 3)
    ('99.9 %', '100.0 %', 'not available')
    """
    number, open_issues = as_number(score), issue_count(issues)
    if number is None or not open_issues or number >= 1:
        return format_percent(number)
    return format_percent(math.floor(number * 1000) / 1000)


def summary_quality(quality: Any) -> str | None:
    """The data-quality score with the number of issues from the same section.

    Examples
    --------
    >>> summary_quality({"overall_score": 0.99997, "issues": 9})
    "The client's data scored 99.9 % on quality, with 9 issues open: fit for the assessment once they are answered."
    """
    if not isinstance(quality, Mapping):
        return None
    score, issues = as_number(quality.get("overall_score")), issue_count(quality.get("issues"))
    if score is None and issues is None:
        return None
    if issues is None:
        count = ""
    elif issues == 1:
        count = tr("{n} issue", n=issues)
    else:
        count = tr("{n} issues", n=issues)
    if score is None:
        return tr(
            "The data checks found {count}; no overall quality score is available.", count=count
        )
    if issues and score >= 1:
        return tr(
            "The data-quality score is {score}, yet the data checks list {count}: the score "
            "does not reflect them; read the issues on the data-quality page before relying on "
            "the figures.",
            score=format_percent(score),
            count=count,
        )
    shown = quality_score_text(score, issues)
    fit = score >= 0.95
    if issues:
        if fit:
            return tr(
                "The client's data scored {score} on quality, with {count} open: fit for the "
                "assessment once they are answered.",
                score=shown,
                count=count,
            )
        return tr(
            "The client's data scored {score} on quality, with {count} open: usable with the "
            "caveats listed.",
            score=shown,
            count=count,
        )
    if issues == 0:
        if fit:
            return tr(
                "The client's data scored {score} on quality, with no issue open: fit for the "
                "assessment.",
                score=shown,
            )
        return tr(
            "The client's data scored {score} on quality, with no issue open: usable with the "
            "caveats listed.",
            score=shown,
        )
    if fit:
        return tr(
            "The client's data scored {score} on quality: fit for the assessment.", score=shown
        )
    return tr(
        "The client's data scored {score} on quality: usable with the caveats listed.", score=shown
    )
