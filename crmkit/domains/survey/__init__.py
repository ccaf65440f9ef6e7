"""Customer surveys: NPS, CSAT, CES, the respondents' representativeness and scale reliability.

Every function is pure (no I/O, no printing, no state) and returns numbers: a tidy DataFrame
whose columns are listed in its docstring, at full precision (round only for display). Scores
outside their scale, or not whole numbers, raise :class:`ValueError`; missing scores are
dropped. The words the satisfaction stage prints about them are in :mod:`crmkit.words.survey`.

=================================== ===========================================================
module                              what it holds
=================================== ===========================================================
:mod:`~.responses`                  scales, answer checks, CRM/control scope, windows, counts
:mod:`~.nps`                        :func:`nps`, :func:`nps_by`, :func:`compare_nps`,
                                    :func:`nps_windows`, :func:`nps_by_window`,
                                    :func:`nps_group_test` (Wald chi-square of equal NPS)
:mod:`~.satisfaction`               :func:`csat` (top-2 share, Wilson; mean, t), :func:`ces`,
                                    :func:`csat_windows`, :func:`csat_shares`
:mod:`~.changes`                    :func:`survey_changes` (NPS, CSAT, CES before vs after, one
                                    row per KPI) and the verdict of a row (:func:`row_verdict`)
:mod:`~.representativeness`         respondent mix vs customer base, chi-square goodness of fit
:mod:`~.reliability`                :func:`cronbach_alpha` (Feldt interval),
                                    :func:`item_analysis`, :func:`alpha_reading`,
                                    :func:`item_scales`
:mod:`~.record`                     :func:`satisfaction_record`, for results.json
=================================== ===========================================================

Scales (DESIGN §3, table ``surveys``): ``nps`` 0–10 (promoters 9–10, passives 7–8,
detractors 0–6), ``csat`` 1–5 (top-2 box: 4–5), ``ces`` 1–7 read as the CES 2.0 agreement
scale ("the company made it easy for me", 7 = strongly agree), so higher is better. The
System Usability Scale is scored by :func:`crmkit.kpis.sus_scores` and not repeated here.

The before/after comparisons return the one-row format of :mod:`crmkit.stats.impact`
(:data:`crmkit.stats.impact.CHANGE_COLUMNS`), without verdicts: the measure stage corrects a
family's p-values and gives the verdicts (:func:`crmkit.stats.impact.finalize`).
"""

from __future__ import annotations

from crmkit.domains.survey.changes import CSAT_MEAN, change_verdict, row_verdict, survey_changes
from crmkit.domains.survey.nps import (
    NPS_COLUMNS,
    compare_nps,
    nps,
    nps_by,
    nps_by_window,
    nps_group_test,
    nps_windows,
)
from crmkit.domains.survey.record import satisfaction_record
from crmkit.domains.survey.reliability import (
    AlphaReading,
    alpha_reading,
    cronbach_alpha,
    item_analysis,
    item_scales,
)
from crmkit.domains.survey.representativeness import (
    representativeness,
    representativeness_check,
)
from crmkit.domains.survey.responses import (
    CES_SCALE,
    CSAT_SCALE,
    NPS_SCALE,
    response_counts,
)
from crmkit.domains.survey.satisfaction import ces, csat, csat_shares, csat_windows

__all__ = [
    "CES_SCALE",
    "CSAT_MEAN",
    "CSAT_SCALE",
    "NPS_COLUMNS",
    "NPS_SCALE",
    "AlphaReading",
    "alpha_reading",
    "ces",
    "change_verdict",
    "compare_nps",
    "cronbach_alpha",
    "csat",
    "csat_shares",
    "csat_windows",
    "item_analysis",
    "item_scales",
    "nps",
    "nps_by",
    "nps_by_window",
    "nps_group_test",
    "nps_windows",
    "representativeness",
    "representativeness_check",
    "response_counts",
    "row_verdict",
    "satisfaction_record",
    "survey_changes",
]
