"""What data quality measures: the rule groups, the dimensions, the thresholds and the cadence.

The validation rules (:mod:`crmkit.data.validation`) are grouped here by the dimension they
lower; the grades' thresholds and what time coverage each dated table is expected to have
are stated once, for the measures and for the words that describe them.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "CADENCE",
    "CONSISTENCY_RULES",
    "DIMENSIONS",
    "EMPTY_MEANS",
    "FAIR_SCORE",
    "GOOD_SCORE",
    "SCORED_RULES",
    "SEVERITY_RANK",
    "VALIDITY_RULES",
    "WEAK_COMPLETENESS",
]

#: Validation rules whose rows count as invalid (validity dimension).
VALIDITY_RULES = (
    "wrong_type",
    "unparseable_date",
    "ambiguous_date",
    "mixed_date_order",
    "negative",
    "out_of_range",
    "not_allowed",
)
#: Validation rules whose rows lower a dimension of the score (the others are notes).
SCORED_RULES = (
    "missing_value",
    *VALIDITY_RULES,
    "inconsistent",
    "duplicate_id",
    "unknown_reference",
)
#: Validation rules across fields or tables, counted by :func:`consistency`.
CONSISTENCY_RULES = ("inconsistent", "unknown_reference")
#: The score dimensions, in the order the scores table lists them.
DIMENSIONS = ("completeness", "validity", "consistency", "uniqueness", "integrity", "timeliness")
#: A score at or above this is graded "good".
GOOD_SCORE = 0.95
#: A score at or above this (and below GOOD_SCORE) is graded "fair"; below it "poor".
FAIR_SCORE = 0.85
#: An optional column filled in fewer rows than this is raised with the client.
WEAK_COMPLETENESS = 0.9

#: What time coverage each dated table is expected to have (see :func:`timeliness`).
CADENCE: Mapping[str, str] = {
    "customers": "history",
    "orders": "monthly",
    "opportunities": "monthly",
    "tickets": "monthly",
    "usage": "monthly_after",
    "surveys": "waves",
    "user_survey": "waves",
    "campaigns": "waves",
}

#: Optional columns whose empty cells carry meaning: not scored for completeness, with the
#: note the completeness table gives them.
EMPTY_MEANS: Mapping[tuple[str, str], str] = {
    ("customers", "churned_date"): "not scored: empty while the customer is active",
    ("tickets", "resolved_at"): "not scored: empty while the ticket is open",
    ("tickets", "satisfaction"): "not scored: empty when the customer gave no rating",
}

#: How issues and notes are ordered: errors first.
SEVERITY_RANK = {"error": 0, "warning": 1}
