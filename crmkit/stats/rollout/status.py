"""Typed statuses and reasons of the rollout designs: what a caller branches on, never text."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Fit", "Inference", "InferenceMethod", "PlaceboStatus", "PreTrend"]


class InferenceMethod(StrEnum):
    """How an interval and a p-value were obtained."""

    #: Borusyak, Jaravel and Spiess (2024) conservative cluster-robust variance, normal interval.
    CLUSTER_ROBUST = "cluster_robust"
    #: Randomization inference over which units got which go-live date; interval by inversion.
    RANDOMIZATION = "randomization"
    #: Placebos in space (synthetic control): p-value from the rank of the treated unit.
    PLACEBO_RANK = "placebo_rank"


class Inference(StrEnum):
    """Whether the interval and p-value can be used to make a claim, and if not, why."""

    OK = "ok"
    #: So few units that the smallest attainable p-value exceeds alpha: "cannot say".
    TOO_FEW_UNITS = "too_few_units"
    #: The inverted randomization test accepts arbitrarily large effects: no finite interval.
    UNBOUNDED_INTERVAL = "unbounded_interval"
    #: No treated cell could be imputed (no untreated observation of its unit or period).
    NO_ESTIMATE = "no_estimate"


class Fit(StrEnum):
    """The pre-period fit of a synthetic control."""

    GOOD = "good"
    #: Relative pre-period RMSPE above the threshold: the effect is not to be claimed.
    POOR = "poor"


class PreTrend(StrEnum):
    """The outcome of the pre-trend test (leads estimated on untreated observations)."""

    PASSED = "passed"
    FAILED = "failed"
    #: No lead could be estimated, or too few clusters for the test.
    NOT_TESTABLE = "not_testable"


class PlaceboStatus(StrEnum):
    """Whether placebo go-lives could calibrate a verdict."""

    OK = "ok"
    #: Fewer placebo dates fit in the history than the documented minimum.
    HISTORY_TOO_SHORT = "history_too_short"
