"""Data-quality measures (DESIGN stage 2): how far the client's tables can be trusted.

Validation (:mod:`crmkit.data.validation`) defines every rule once and reports each broken rule as
a problem; this package *measures*: it turns the typed tables and the problems into rates per
table and column, combines them into a score per table and lists the issues to raise with the
client. Nothing here redefines a validation rule: the validity and consistency dimensions read
the problems frame. The words that state the findings, the issues and the tables for display
are in :mod:`crmkit.words.quality`.

Dimensions (all fractions from 0 to 1, higher is better)
--------------------------------------------------------
============ ====================================================== ============
dimension    share of …                                             module
============ ====================================================== ============
completeness cells filled, per column                               completeness
validity     rows that break no type, range or label rule           validity
consistency  rows without contradictory dates or counts             validity
uniqueness   identifiers that are distinct                          keys
integrity    references that find their parent row                  keys
timeliness   the expected months or windows that have data          timeliness
============ ====================================================== ============

Each function is named after its dimension (integrity: :func:`referential_integrity`). The rule
groups, dimensions, thresholds and cadences are in :mod:`~crmkit.data.quality.rules`.

One story: the score and the issue list come from the same rules. :func:`issues_for_client`
(:mod:`~crmkit.data.quality.issues`) turns every shortfall of a dimension into one issue with
its ``deficit`` (how much it lowers that dimension); :func:`quality_scores`
(:mod:`~crmkit.data.quality.scores`) computes each dimension as 1 − the deficits of its issues
and the table score as the equal-weight mean of the dimensions that apply, so a table without
an issue scores exactly 100 % and every issue lowers a score; :func:`score_impacts` says by how
much (``score_impact``, on the overall score; the impacts add up to 1 − overall score). What
validation reports that measures no quality of the rows present (an absent table, rows outside
the window, how dates were read) is a note (:func:`quality_notes`), listed apart.
:func:`assess_quality` computes everything at once for the stage notebook and
:func:`quality_summary` is what results.json records (:mod:`~crmkit.data.quality.summary`).
What a validation warning states (its message and what it expects) is read back as a typed
fact by :func:`~crmkit.data.quality.problem_facts.read_problem_text`
(:mod:`~crmkit.data.quality.problem_facts`), so that the report can say it in its language.

Every function is pure: no I/O, no printing, no state.
"""

from __future__ import annotations

from crmkit.data.quality.completeness import completeness
from crmkit.data.quality.issues import issues_for_client, quality_notes
from crmkit.data.quality.keys import referential_integrity, uniqueness
from crmkit.data.quality.rules import (
    CADENCE,
    CONSISTENCY_RULES,
    DIMENSIONS,
    FAIR_SCORE,
    GOOD_SCORE,
    SCORED_RULES,
    VALIDITY_RULES,
    WEAK_COMPLETENESS,
)
from crmkit.data.quality.scores import Grade, grade, quality_scores, score_impacts, score_series
from crmkit.data.quality.summary import DataQuality, assess_quality, quality_summary
from crmkit.data.quality.timeliness import timeliness
from crmkit.data.quality.validity import consistency, validity

__all__ = [
    "CADENCE",
    "CONSISTENCY_RULES",
    "DIMENSIONS",
    "FAIR_SCORE",
    "GOOD_SCORE",
    "SCORED_RULES",
    "VALIDITY_RULES",
    "WEAK_COMPLETENESS",
    "DataQuality",
    "Grade",
    "assess_quality",
    "completeness",
    "consistency",
    "grade",
    "issues_for_client",
    "quality_notes",
    "quality_scores",
    "quality_summary",
    "referential_integrity",
    "score_impacts",
    "score_series",
    "timeliness",
    "uniqueness",
    "validity",
]
