"""The standing of one KPI against its scorecard target, as a typed value.

The scorecard sets it, the action list and the history read it, and the words layer turns it
into words. It is a :class:`enum.StrEnum`: a member *is* its string, so it is written to
``results.json`` as that string.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ScoreStatus"]


class ScoreStatus(StrEnum):
    """Where a KPI stands against its target.

    Examples
    --------
    >>> ScoreStatus("on track") is ScoreStatus.ON_TRACK
    True
    >>> [str(s) for s in ScoreStatus]
    ['met', 'on track', 'behind', 'not measured']
    """

    #: The actual value reaches the target.
    MET = "met"
    #: Short of the target, but moving towards it: a statistically supported change in the
    #: KPI's good direction.
    ON_TRACK = "on track"
    #: Short of the target without a supported change towards it.
    BEHIND = "behind"
    #: No usable value: its data are absent, or too few to measure.
    NOT_MEASURED = "not measured"
