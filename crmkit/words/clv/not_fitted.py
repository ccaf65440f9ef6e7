"""Why the purchase model or its holdout check could not be run, in the report's language.

Says the facts of :mod:`crmkit.domains.clv.not_fitted`; in English each reads as its
``english()``.

Examples
--------
>>> from crmkit.domains.clv import HistoryTooShort
>>> not_fitted_reason(HistoryTooShort())
'the order history is too short to hold a period out'
>>> from crmkit.words.language import speaking
>>> with speaking("zh"):
...     not_fitted_reason(HistoryTooShort())
'订单历史太短，无法留出一段时期做检验'
"""

from __future__ import annotations

from crmkit.domains.clv.not_fitted import (
    NO_CALIBRATION_BUYERS,
    NO_REPEAT_PURCHASE,
    CalibrationFitFailed,
    HistoryTooShort,
    NoBuyers,
    NoOrders,
    NotFitted,
    PurchaseModelFailed,
)
from crmkit.words.language import tr

__all__ = ["not_fitted_reason"]


def _fitter_error(error: str) -> str:
    """The fitter's reason in the report's language where it is one crmkit states; as
    written otherwise (an error of the numerical library)."""
    if error == NO_REPEAT_PURCHASE:
        return tr("no customer made a repeat purchase: the BG/NBD parameters cannot be estimated")
    if error == NO_CALIBRATION_BUYERS:
        return tr("no customers bought in the calibration period")
    return error


def not_fitted_reason(fact: NotFitted) -> str:
    """Why the purchase model (or its holdout check) could not be run, without a full stop."""
    if isinstance(fact, NoBuyers):
        return tr("no customer bought in the period")
    if isinstance(fact, PurchaseModelFailed):
        return tr("the purchase model cannot be fitted: {error}", error=_fitter_error(fact.error))
    if isinstance(fact, NoOrders):
        return tr("there are no orders")
    if isinstance(fact, HistoryTooShort):
        return tr("the order history is too short to hold a period out")
    if isinstance(fact, CalibrationFitFailed):
        return tr(
            "the purchase model cannot be fitted on the calibration period: {error}",
            error=_fitter_error(fact.error),
        )
    return fact.english()
