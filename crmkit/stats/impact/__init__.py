"""Before/after statistics: did a KPI really change after go-live, by how much, how surely.

Each test answers that question for one KPI and returns one row with the same columns
(:data:`CHANGE_COLUMNS`), so the rows of a KPI family stack into one frame that
:func:`finalize` corrects for multiple testing and turns into verdicts.

======================= ==================================== ============================
KPI kind                function                             primary test · check test
======================= ==================================== ============================
mean of amounts         :func:`compare_means`                Welch t · Mann–Whitney U
median of durations     :func:`compare_medians`              Mann–Whitney U · Welch on logs
share (proportion)      :func:`compare_proportions`          z-test or Fisher · the other
rate per exposure       :func:`compare_rates`                exact conditional · Wald
the same units twice    :func:`compare_paired`               paired t · Wilcoxon signed-rank
category mix            :func:`compare_distributions`        chi-square (one row per category)
monthly series          :func:`interrupted_time_series`      segmented regression, Newey–West
treated vs control      :func:`difference_in_differences`    two-way FE, clustered / wild bootstrap
======================= ==================================== ============================

The comparison row
------------------
=================== =========================================================================
before, after       the KPI in each window (mean, median, share, rate …)
change              after − before (for the models: the estimated effect)
change_pct          change relative to the counterfactual level: change / before for plain
                    comparisons; NaN when that level is 0
ci_low, ci_high     interval of ``change`` at level 1 − alpha
change_pct_ci_low,  interval of ``change_pct`` (delta method on the log ratio, or exact where
change_pct_ci_high  the test gives a ratio interval)
test                the primary test, whose two-sided p-value drives the verdict
statistic, p_value  that test's statistic and two-sided p-value
effect_size,        a standardised size of the change and its name (Hedges' g, Cliff's delta,
effect_size_name    risk difference, rate ratio …)
n_before, n_after   observations (values, trials, events, pairs, months) in each window
mde                 minimum detectable absolute change: 80 % power, two-sided alpha, these n
                    and this variance
check_test,         a robustness test of the same hypothesis and its p-value (None / NaN when
check_p_value       there is none)
interval_method     how ``ci_low`` / ``ci_high`` were computed
note                the caveats in English, joined by "; " (results.json keeps it), or None
note_facts          the same caveats as typed facts (:mod:`crmkit.stats.impact.notes`), as
                    JSON text; None when the row has none or a caveat is only text
guard               None, or the code (:class:`crmkit.data.guards.Guard`) of the first check that
                    says the estimate is not to be claimed as it stands; the row's
                    ``change_pct`` is then NaN when the guard withholds the percentage
=================== =========================================================================

Conventions: every interval has level 1 − alpha; every p-value is two-sided; too little data
gives NaN statistics and a note starting "insufficient data:", never an exception; bad
arguments (negative counts, alpha outside (0, 1) …) raise :class:`ValueError`. Every function
is pure: no I/O, no printing, no state; random numbers come from a generator seeded with the
caller's ``seed``; numbers are kept at full precision (round only for display). The text

The package's modules, one per method family: :mod:`~crmkit.stats.impact.two_sample`
(means, medians), :mod:`~crmkit.stats.impact.proportions` (shares, category mix),
:mod:`~crmkit.stats.impact.rates` (events per exposure, ratios of sums),
:mod:`~crmkit.stats.impact.paired`, :mod:`~crmkit.stats.impact.time_series` (with the fit in
:mod:`~crmkit.stats.impact.segmented_regression`), :mod:`~crmkit.stats.impact.diff_in_diff`
(with :mod:`~crmkit.stats.impact.clustered` and :mod:`~crmkit.stats.impact.event_study`),
:mod:`~crmkit.stats.impact.multiple_testing` (the family's correction and verdicts), and the
shared row (:mod:`~crmkit.stats.impact.row`) and argument checks
(:mod:`~crmkit.stats.impact.inputs`).
"""

from __future__ import annotations

from crmkit.stats.impact.diff_in_diff import (
    FEW_CLUSTERS,
    DidInference,
    DiDResult,
    difference_in_differences,
)
from crmkit.stats.impact.event_study import EVENT_STUDY_COLUMNS
from crmkit.stats.impact.multiple_testing import CORRECTIONS, VERDICTS, adjust_pvalues, finalize
from crmkit.stats.impact.paired import compare_paired
from crmkit.stats.impact.proportions import (
    DISTRIBUTION_COLUMNS,
    compare_distributions,
    compare_proportions,
)
from crmkit.stats.impact.rates import compare_rates, compare_ratio_of_sums
from crmkit.stats.impact.row import CHANGE_COLUMNS, change_row
from crmkit.stats.impact.time_series import (
    COEFFICIENT_COLUMNS,
    ITS_MODELS,
    ITSResult,
    interrupted_time_series,
)
from crmkit.stats.impact.two_sample import SMALL_SAMPLE, compare_means, compare_medians
from crmkit.stats.primitives import POWER, wilson_interval

__all__ = [
    "CHANGE_COLUMNS",
    "COEFFICIENT_COLUMNS",
    "CORRECTIONS",
    "DISTRIBUTION_COLUMNS",
    "EVENT_STUDY_COLUMNS",
    "FEW_CLUSTERS",
    "ITS_MODELS",
    "POWER",
    "SMALL_SAMPLE",
    "VERDICTS",
    "DiDResult",
    "DidInference",
    "ITSResult",
    "adjust_pvalues",
    "compare_distributions",
    "compare_means",
    "compare_medians",
    "compare_paired",
    "compare_proportions",
    "compare_rates",
    "compare_ratio_of_sums",
    "change_row",
    "difference_in_differences",
    "finalize",
    "interrupted_time_series",
    "wilson_interval",
]
