"""The verdict of a KPI comparison and the status of a KPI's measurement, as typed values.

Estimators and the measure layer set these; the words layer (:mod:`crmkit.words.narrative`) turns
them into sentences. Both are :class:`enum.StrEnum`, so a member *is* its string: it compares
equal to it, prints as it and is written to ``results.json`` as it. Code decides by comparing
against the members, never by reading a note's English text.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["COMPARED", "CLAIMED", "TEST_VERDICTS", "VERDICTS", "Status", "Verdict"]


class Verdict(StrEnum):
    """What a before/after comparison of one KPI found.

    Examples
    --------
    >>> Verdict("improved") is Verdict.IMPROVED, Verdict.NO_CHANGE == "no detectable change"
    (True, True)
    >>> f"{Verdict.INSUFFICIENT}"
    'insufficient data'
    """

    #: Significant change in the KPI's good direction.
    IMPROVED = "improved"
    #: Significant change in the KPI's bad direction.
    WORSENED = "worsened"
    #: Compared, and no change the data could detect (see the row's ``mde``).
    NO_CHANGE = "no detectable change"
    #: Measured, but too little data for a test (the row has no p-value).
    INSUFFICIENT = "insufficient data"
    #: Not measured: the source table or column is absent.
    NOT_MEASURED = "not measured"


class Status(StrEnum):
    """Whether a KPI's measurement ran.

    Examples
    --------
    >>> [str(s) for s in Status]
    ['measured', 'skipped', 'failed']
    """

    #: The KPI was compared (its verdict may still be "insufficient data").
    MEASURED = "measured"
    #: Its data is absent; the verdict is "not measured".
    SKIPPED = "skipped"
    #: Its measurement raised an error.
    FAILED = "failed"


#: Every verdict, in the order reports list them.
VERDICTS: tuple[Verdict, ...] = tuple(Verdict)
#: The verdicts a statistical comparison gives (:func:`crmkit.stats.impact.finalize`).
TEST_VERDICTS: tuple[Verdict, ...] = (
    Verdict.IMPROVED,
    Verdict.WORSENED,
    Verdict.NO_CHANGE,
    Verdict.INSUFFICIENT,
)
#: The verdicts that claim a change.
CLAIMED: tuple[Verdict, ...] = (Verdict.IMPROVED, Verdict.WORSENED)
#: The verdicts of a KPI that was actually compared by a test.
COMPARED: tuple[Verdict, ...] = (Verdict.IMPROVED, Verdict.WORSENED, Verdict.NO_CHANGE)
