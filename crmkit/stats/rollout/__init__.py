"""Rollout designs: staggered go-lives, a pilot unit, placebo go-lives.

Numbers only (tidy frames, frozen dataclasses, typed statuses); the words are built elsewhere.

============================ ===============================================================
design                       entry point
============================ ===============================================================
staggered go-lives           :class:`StaggeredDiD` (imputation estimator of Borusyak,
                             Jaravel and Spiess; cluster-robust or randomization inference)
one or a few treated units   :class:`SyntheticControl` (placebos in space, p by rank)
any before/after estimator   :func:`placebo_go_lives` (fake go-live dates before the real one)
counts per customer, one     :class:`PoissonDiD` (Poisson with customer and month fixed
go-live, a control group     effects, errors clustered by customer)
============================ ===============================================================

Statuses a caller branches on: :class:`Inference` (ok, too_few_units, unbounded_interval,
no_estimate), :class:`InferenceMethod`, :class:`PreTrend`, :class:`Fit`,
:class:`PlaceboStatus`. A status other than ok comes with NaN intervals, never an exception.

Modules: :mod:`~crmkit.stats.rollout.panel` (checking and coding a long panel),
:mod:`~crmkit.stats.rollout.fixed_effects` (exact two-way fixed effects),
:mod:`~crmkit.stats.rollout.imputation` (the estimator and its BJS variance),
:mod:`~crmkit.stats.rollout.pre_trend`, :mod:`~crmkit.stats.rollout.randomization`,
:mod:`~crmkit.stats.rollout.staggered`, :mod:`~crmkit.stats.rollout.synthetic_control`,
:mod:`~crmkit.stats.rollout.placebo_in_time`, :mod:`~crmkit.stats.rollout.poisson`,
:mod:`~crmkit.stats.rollout.status`.
"""

from crmkit.stats.rollout.placebo_in_time import PlaceboResult, minimum_placebos, placebo_go_lives
from crmkit.stats.rollout.poisson import POISSON_MIN_CLUSTERS, POISSON_SUMMARY_COLUMNS, PoissonDiD
from crmkit.stats.rollout.staggered import (
    ASYMPTOTIC_MIN_TREATED,
    ASYMPTOTIC_MIN_UNITS,
    SUMMARY_COLUMNS,
    StaggeredDiD,
)
from crmkit.stats.rollout.status import Fit, Inference, InferenceMethod, PlaceboStatus, PreTrend
from crmkit.stats.rollout.synthetic_control import (
    POOR_FIT_RELATIVE_RMSPE,
    SYNTHETIC_SUMMARY_COLUMNS,
    SyntheticControl,
    placebo_interval,
    simplex_weights,
)

__all__ = [
    "POISSON_MIN_CLUSTERS",
    "POISSON_SUMMARY_COLUMNS",
    "PoissonDiD",
    "ASYMPTOTIC_MIN_TREATED",
    "ASYMPTOTIC_MIN_UNITS",
    "POOR_FIT_RELATIVE_RMSPE",
    "SUMMARY_COLUMNS",
    "SYNTHETIC_SUMMARY_COLUMNS",
    "Fit",
    "Inference",
    "InferenceMethod",
    "PlaceboResult",
    "PlaceboStatus",
    "PreTrend",
    "StaggeredDiD",
    "SyntheticControl",
    "minimum_placebos",
    "placebo_go_lives",
    "placebo_interval",
    "simplex_weights",
]
