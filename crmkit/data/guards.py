"""Guards: checks that a number means something before a report claims it.

A statistical estimate can be computed and still say nothing: a percentage of a base near
zero, a counterfactual that projects negative revenue, a before/after change in a customer
base that only ages, a fall in churn that the control group shows as well. Each such check
has a code here (:class:`Guard`); estimators attach the code of the first guard that trips
to their result (column ``guard`` of a comparison row, key ``guard`` in ``results.json``),
and the words layer (:mod:`crmkit.words.narrative`) says what it means. Nothing here prints.

Two kinds of guard:

- the *percentage* guards (:attr:`Guard.BASE_NEAR_ZERO`, :attr:`Guard.NOT_A_RATIO_SCALE`)
  withhold only the relative change: the absolute change and the verdict stand;
- the *claim* guards (every other code) withhold the claim itself: the estimate stays in
  the tables with its caveat, but no summary, finding or monetised benefit rests on it.
"""

from __future__ import annotations

import decimal
import math
import numbers
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

import numpy as np

__all__ = [
    "finite_number",
    "MIN_BASE_SHARE",
    "Guard",
    "claimable",
    "percent_change",
    "ratio_scale",
]

#: A percentage is printed only when its base is positive and at least this share of the
#: larger of |base| and |new value|; so no printed relative change exceeds +900 % or falls
#: below −90 % of a base that has the other sign.
MIN_BASE_SHARE = 0.1


class Guard(StrEnum):
    """Why a number is not claimed as it stands (the value stored in ``results.json``)."""

    #: The base of a percentage is zero, near zero relative to the values compared, or of the
    #: other sign: the relative change is withheld, the absolute change is shown.
    BASE_NEAR_ZERO = "base_near_zero"
    #: The KPI's scale has no true zero (NPS runs from −100 to +100): changes are in points.
    NOT_A_RATIO_SCALE = "not_a_ratio_scale"
    #: The projected counterfactual crosses zero or extrapolates far beyond the pre-period.
    COUNTERFACTUAL_IMPLAUSIBLE = "counterfactual_implausible"
    #: No control group and a customer base that ages (one dominant acquisition cohort or a
    #: strong pre-trend): the before/after change may be the base's age, not the CRM.
    CONFOUNDED_AGEING = "confounded_ageing"
    #: The two windows do not measure the same thing (observation length, population at
    #: risk, customer age): the comparison is declined.
    NOT_COMPARABLE = "not_comparable"
    #: Net of the control group's change over the same windows (difference-in-differences), the
    #: change is within chance: the control group, without the CRM, changed about as much.
    SHARED_WITH_CONTROL = "shared_with_control"
    #: The interval could not be computed (e.g. too few clusters): the data cannot say.
    NO_INTERVAL = "no_interval"
    #: The change lies inside the changes that fake go-live dates before the real one give
    #: with the same windows (placebo go-lives): any date would show as much.
    INSIDE_PLACEBOS = "inside_placebos"

    @property
    def withholds_claim(self) -> bool:
        """True when the guard withholds the claim, not only its percentage."""
        return self not in (Guard.BASE_NEAR_ZERO, Guard.NOT_A_RATIO_SCALE)


_SCALE_BOUNDS = re.compile(r"\(\s*([−-]?\d[\d,.]*)\s*[–-]\s*([−-]?\d[\d,.]*)\s*\)")


def ratio_scale(unit: str | None) -> bool:
    """False when a KPI's unit is a bounded scale whose lower end is negative (no true zero).

    Examples
    --------
    >>> ratio_scale("points (−100–100)"), ratio_scale("score (1–5)"), ratio_scale("currency")
    (False, True, True)
    """
    match = _SCALE_BOUNDS.search(unit or "")
    if match is None:
        return True
    low = float(match.group(1).replace("−", "-").replace(",", ""))
    return low >= 0


def finite_number(value: Any) -> float | None:
    """``value`` as a finite float when it is a real number, else None.

    Python and numpy integers and floats and decimals are numbers; booleans, text, None, NaN,
    ±inf and ``pd.NA`` are not. Read a figure from a frame or from a results.json with it
    before doing arithmetic on it.

    Examples
    --------
    >>> finite_number(3), finite_number(float("nan")), finite_number(True), finite_number("7")
    (3.0, None, None, None)
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real | decimal.Decimal):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError, decimal.InvalidOperation):
        return None
    return number if math.isfinite(number) else None


def percent_change(
    base: Any, new: Any, *, unit: str | None = None
) -> tuple[float | None, Guard | None]:
    """The relative change ``new / base − 1`` when it means something, else ``None`` and why.

    Parameters
    ----------
    base : float
        The value changed from (the before value, or the counterfactual).
    new : float
        The value changed to.
    unit : str, optional
        The KPI's unit; a scale without a true zero (:func:`ratio_scale`) has no percentage.

    Returns
    -------
    (float or None, Guard or None)
        The fraction (0.25 = +25 %) and ``None``; or ``None`` and the guard that tripped;
        ``(None, None)`` when either value is missing.

    Notes
    -----
    The base must be positive, the new value not negative, and the base at least
    :data:`MIN_BASE_SHARE` of ``max(|base|, |new|)``. A churn of 0.999 → 0.74 passes
    (−25.9 %); a CLV of 0.025 → 13.66 does not (the base is 0.2 % of the new value).

    Examples
    --------
    >>> round(percent_change(0.999, 0.74)[0], 4)
    -0.2593
    >>> percent_change(0.025, 13.66)
    (None, <Guard.BASE_NEAR_ZERO: 'base_near_zero'>)
    >>> percent_change(1.0, 26.0, unit="points (−100–100)")
    (None, <Guard.NOT_A_RATIO_SCALE: 'not_a_ratio_scale'>)
    """
    b, n = finite_number(base), finite_number(new)
    if b is None or n is None:
        return None, None
    if not ratio_scale(unit):
        return None, Guard.NOT_A_RATIO_SCALE
    if b <= 0 or n < 0 or b < MIN_BASE_SHARE * max(abs(b), abs(n)):
        return None, Guard.BASE_NEAR_ZERO
    return n / b - 1.0, None


def claimable(entry: Mapping[str, Any]) -> bool:
    """True when a KPI entry of ``results.json`` may be stated as a finding.

    Its verdict is "improved" or "worsened" and no claim guard tripped.

    Examples
    --------
    >>> claimable({"verdict": "improved", "guard": None})
    True
    >>> claimable({"verdict": "improved", "guard": "confounded_ageing"})
    False
    >>> claimable({"verdict": "improved", "guard": "base_near_zero"})
    True
    """
    if entry.get("verdict") not in ("improved", "worsened"):
        return False
    code = entry.get("guard")
    if code is None:
        return True
    try:
        return not Guard(code).withholds_claim
    except ValueError:
        return False
