"""Data quality in words: the issues to raise with the client, the findings, the tables shown.

The measures and scores are computed in :mod:`crmkit.data.quality`; this package states them
for the report: :func:`with_words` (:mod:`~crmkit.words.quality.issues`) writes each issue and
note (what is wrong, what it affects, what to ask the client); :func:`findings_text`, the
``*_finding`` functions and :func:`score_chart_title` (:mod:`~crmkit.words.quality.findings`)
say what the numbers mean; :func:`table_view` (:mod:`~crmkit.words.quality.views`) prepares
each table for display. How tables, columns and shares are named is in
:mod:`~crmkit.words.quality.terms`; validation's warnings (their messages and what they
expect) are said in the report's language by :mod:`~crmkit.words.quality.problems`.
"""

from __future__ import annotations

from crmkit.words.quality.findings import (
    completeness_finding,
    findings_text,
    integrity_finding,
    issues_finding,
    score_chart_title,
    scores_finding,
    timeliness_finding,
    validity_finding,
)
from crmkit.words.quality.issues import with_words
from crmkit.words.quality.views import table_view

__all__ = [
    "completeness_finding",
    "findings_text",
    "integrity_finding",
    "issues_finding",
    "score_chart_title",
    "scores_finding",
    "table_view",
    "timeliness_finding",
    "validity_finding",
    "with_words",
]
