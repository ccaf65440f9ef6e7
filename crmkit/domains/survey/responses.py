"""The survey table's responses: the scales, answer checks, scopes and windows, and counts.

The other survey modules read their answers through these functions: :func:`valid_scores`
checks that the answers lie on their scale, :func:`scoped_responses` keeps the responses of the
CRM units, of the control group or of all, and :func:`window_responses` splits them by the
assessment's before and after windows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment
from crmkit.domains.customers import control_mask

__all__ = [
    "CES_SCALE",
    "CSAT_SCALE",
    "NPS_SCALE",
    "SMALL_SAMPLE",
    "WINDOWS",
    "response_counts",
    "scoped_responses",
    "scoped_windows",
    "valid_scores",
    "window_responses",
    "with_customer_columns",
]

#: Inclusive bounds of each survey scale.
NPS_SCALE: tuple[int, int] = (0, 10)
CSAT_SCALE: tuple[int, int] = (1, 5)
CES_SCALE: tuple[int, int] = (1, 7)

#: The two windows of an assessment, in report order.
WINDOWS: tuple[str, str] = ("before", "after")

#: Fewer answers than this in a window make a small sample: intervals are rough.
SMALL_SAMPLE = 30


def valid_scores(values: Any, name: str, scale: tuple[int, int]) -> np.ndarray:
    """The non-missing answers as floats; ValueError if any is off the scale or fractional."""
    if isinstance(values, pd.DataFrame):
        raise ValueError(f"{name} must be one-dimensional (a Series, array or list), got a table")
    try:
        array = pd.Series(values).to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must hold numbers: {error}") from None
    array = array[~np.isnan(array)]
    low, high = scale
    bad = (array < low) | (array > high) | (array != np.floor(array))
    if bad.any():
        examples = ", ".join(f"{v:g}" for v in np.unique(array[bad])[:5])
        raise ValueError(
            f"{name} must be whole numbers from {low} to {high}; found {examples} "
            f"({int(bad.sum())} value(s))"
        )
    return array


def scoped_responses(
    surveys: pd.DataFrame, assessment: Assessment, customers: pd.DataFrame | None, scope: str
) -> pd.DataFrame:
    """The responses of the CRM units, of the control group, or all.

    See :func:`crmkit.domains.survey.changes.survey_changes` for the scopes.
    """
    if scope not in ("crm", "control", "all"):
        raise ValueError(f"scope must be 'crm', 'control' or 'all', got {scope!r}")
    if scope == "all" or assessment.control is None:
        return surveys
    flags = control_mask(surveys, assessment.control, customers=customers)
    return surveys.loc[~flags if scope == "crm" else flags]


def window_responses(
    rows: pd.DataFrame, assessment: Assessment
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The responses dated in the before window and in the after window."""
    if "response_date" not in rows.columns:
        raise ValueError("the survey table has no column 'response_date'")
    return (
        rows.loc[assessment.before.contains(rows["response_date"])],
        rows.loc[assessment.after.contains(rows["response_date"])],
    )


def scoped_windows(
    surveys: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: str = "crm",
) -> dict[str, pd.DataFrame]:
    """The responses of ``scope`` (:func:`scoped_responses`) dated in each window.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{"before": …, "after": …}``, in that order.
    """
    rows = scoped_responses(surveys, assessment, customers, scope)
    return dict(zip(WINDOWS, window_responses(rows, assessment), strict=True))


def with_customer_columns(
    frame: pd.DataFrame, columns: Sequence[str], customers: pd.DataFrame | None
) -> pd.DataFrame:
    """``frame`` with ``columns`` it lacks looked up from ``customers`` through customer_id."""
    missing = [c for c in columns if c not in frame.columns]
    if not missing:
        return frame
    if customers is None or "customer_id" not in frame.columns:
        raise ValueError(
            f"column(s) {missing} are not in the survey table; pass customers (with "
            "customer_id) to look them up through the responding customer"
        )
    absent = [c for c in missing if c not in customers.columns]
    if absent:
        raise ValueError(f"column(s) {absent} are in neither the survey nor the customers table")
    lookup = customers.drop_duplicates("customer_id").set_index("customer_id")
    out = frame.copy()
    for column in missing:
        out[column] = lookup[column].reindex(frame["customer_id"].to_numpy()).to_numpy()
    return out


def response_counts(
    surveys: pd.DataFrame,
    assessment: Assessment,
    *,
    customers: pd.DataFrame | None = None,
    scope: Literal["crm", "control", "all"] = "crm",
) -> pd.DataFrame:
    """Responses and respondents per window, and how many answered each score.

    Returns
    -------
    pandas.DataFrame
        Two rows (``window`` "before", "after"): ``responses``; ``respondents`` (distinct
        customers; NaN without ``customer_id``); ``nps_answers``, ``csat_answers``,
        ``ces_answers`` (answers given, 0 for a score the survey lacks).

    Examples
    --------
    >>> import datetime as dt
    >>> from crmkit.data.config import Window
    >>> a = Assessment("Acme", dt.date(2025, 1, 1), Window(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    ...                Window(dt.date(2025, 1, 1), dt.date(2025, 12, 31)))
    >>> s = pd.DataFrame({"response_date": pd.to_datetime(["2024-03-01", "2024-05-01", "2025-01-02"]),
    ...                   "customer_id": ["A", "A", "B"], "nps": [9, None, 7]})
    >>> response_counts(s, a)[["responses", "respondents", "nps_answers"]].to_dict("list")
    {'responses': [2, 1], 'respondents': [1.0, 1.0], 'nps_answers': [1, 1]}
    """
    rows = []
    for name, part in scoped_windows(surveys, assessment, customers=customers, scope=scope).items():
        rows.append(
            {
                "window": name,
                "responses": len(part),
                "respondents": (
                    float(part["customer_id"].dropna().nunique())
                    if "customer_id" in part
                    else math.nan
                ),
                **{
                    f"{score}_answers": int(part[score].notna().sum()) if score in part else 0
                    for score in ("nps", "csat", "ces")
                },
            }
        )
    return pd.DataFrame(rows)
