"""Why the purchase model or its holdout check could not be run, as typed facts.

:func:`crmkit.domains.clv.fit_value_models` and :func:`crmkit.domains.clv.holdout_check`
return one of these facts instead of a result when they cannot run; the words layer says it
in the report's language (:func:`crmkit.words.clv.not_fitted_reason`), and each fact's
``english()`` is the sentence the report printed before it had a language.

Examples
--------
>>> PurchaseModelFailed(error=NO_REPEAT_PURCHASE).english()
'the purchase model cannot be fitted: no customer made a repeat purchase: the BG/NBD parameters cannot be estimated'
>>> isinstance(HistoryTooShort(), NotFitted)
True
"""

from __future__ import annotations

from dataclasses import dataclass

from crmkit.domains.clv.fitters.beta_geo import NO_REPEAT_PURCHASE

__all__ = [
    "NO_CALIBRATION_BUYERS",
    "NO_REPEAT_PURCHASE",
    "CalibrationFitFailed",
    "HistoryTooShort",
    "NoBuyers",
    "NoOrders",
    "NotFitted",
    "PurchaseModelFailed",
]

#: The holdout check's error when no customer bought in the calibration period.
NO_CALIBRATION_BUYERS = "no customers bought in the calibration period"


@dataclass(frozen=True)
class NotFitted:
    """Why a model could not be fitted; subclasses name the reason and hold its facts."""

    def english(self) -> str:
        """The reason in English."""
        raise NotImplementedError


@dataclass(frozen=True)
class NoBuyers(NotFitted):
    """No customer bought in the period: there is nothing to fit."""

    def english(self) -> str:
        return "no customer bought in the period"


@dataclass(frozen=True)
class PurchaseModelFailed(NotFitted):
    """The BG/NBD model cannot be fitted; ``error`` is the fitter's own message."""

    error: str

    def english(self) -> str:
        return f"the purchase model cannot be fitted: {self.error}"


@dataclass(frozen=True)
class NoOrders(NotFitted):
    """No orders: the holdout check has nothing to split."""

    def english(self) -> str:
        return "there are no orders"


@dataclass(frozen=True)
class HistoryTooShort(NotFitted):
    """The order history is too short to hold a period out."""

    def english(self) -> str:
        return "the order history is too short to hold a period out"


@dataclass(frozen=True)
class CalibrationFitFailed(NotFitted):
    """The BG/NBD model cannot be fitted on the calibration period; ``error`` says why."""

    error: str

    def english(self) -> str:
        return f"the purchase model cannot be fitted on the calibration period: {self.error}"
