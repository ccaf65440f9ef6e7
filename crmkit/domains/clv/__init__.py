"""Customer lifetime value (CLV) and customer segmentation.

What a consultant needs to say "which customers are worth what, and how should the company
treat each group": per-customer recency / frequency / monetary summaries, the probabilistic
"buy till you die" models of repeat buying and spend, a holdout check of those models, the
simple retention-based CLV formula, RFM scores and segments, CLV tiers with a relationship
strategy each, and the concentration of revenue across customers. The sentences, titles and
tables the report shows of them are in :mod:`crmkit.words.clv`.

=============================== =================================================================
module                          holds
=============================== =================================================================
:mod:`~.summary`                :func:`rfm_summary` (orders → frequency, recency, T, monetary
                                value per customer, optionally split into calibration and
                                holdout), :func:`customer_summary` (the same in weeks)
:mod:`~.fitters`                :class:`BetaGeoFitter` (BG/NBD, Fader, Hardie & Lee 2005a),
                                :class:`GammaGammaFitter` (Gamma–Gamma, FHL 2005b; Fader & Hardie
                                2013) and the discounted CLV, :func:`independence_check`
:mod:`~.value_models`           :func:`customer_value_table` (P(alive), expected purchases, value,
                                CLV), :func:`fit_value_models` (both models with the assessment's
                                horizon, margin and monthly discount rate), :class:`ValueModels`
:mod:`~.holdout`                :func:`holdout_validation` (fit on a calibration period, predict
                                the holdout), :func:`holdout_check` (on two thirds of the history)
:mod:`~.simple`                 :func:`simple_clv` m·r / (1 + d − r) (Gupta & Lehmann 2003), per
                                row and per window, and :func:`compare_average_clv` (the KPI)
:mod:`~.segments`               :func:`rfm_scores` (R / F / M scores and named segments),
                                :func:`segment_table` (customers, revenue, value per segment)
:mod:`~.tiers`                  :func:`clv_tiers`: top 20 % / next 30 % / rest, with a strategy
:mod:`~.concentration`          :func:`concentration_curve`, :func:`top_share`,
                                :func:`gini_coefficient`
:mod:`~.record`                 :func:`clv_record`: the figures for results.json
=============================== =================================================================

Time units
----------
The models work in whatever unit ``recency`` and ``T`` are given in. :func:`rfm_summary`
counts purchase *periods* of ``freq`` ("D": days, "W": weeks, "M": months), and divides ages
by ``freq_multiplier``: daily periods measured in weeks (as in the CDNOW studies) are
``freq="D", freq_multiplier=7``. :meth:`GammaGammaFitter.customer_lifetime_value` needs that
unit (its ``freq``) to turn months into model time: a month is 30 days, 4.345 weeks or 1
month, as in the lifetimes package.

Conventions
-----------
Every function is pure: no I/O, no printing, no state. Numbers are kept at full precision.
Bad arguments raise :class:`ValueError`; an orders table without a required column raises
:class:`crmkit.data.exceptions.InputError`. Model methods accept scalars, NumPy arrays or pandas
Series (Series passed together must share one index); they return a float for scalar inputs,
a Series on that index when any input is a Series, else an array.

References
----------
Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005a). "Counting your customers" the easy way:
an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275–284.

Fader, P. S., Hardie, B. G. S. & Lee, K. L. (2005b). RFM and CLV: using iso-value curves for
customer base analysis. *Journal of Marketing Research* 42(4), 415–430.

Fader, P. S. & Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value. Note,
brucehardie.com.

Gupta, S. & Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive Marketing*
17(1), 9–24.

Davidson-Pilon, C. et al. lifetimes: measure customer lifetime value in Python (the API the
fitters follow).
"""

from crmkit.domains.clv.concentration import concentration_curve, gini_coefficient, top_share
from crmkit.domains.clv.fitters import (
    MONTH_IN_UNITS,
    BetaGeoFitter,
    GammaGammaFitter,
    independence_check,
)
from crmkit.domains.clv.holdout import (
    VALIDATION_COLUMNS,
    calibration_end,
    holdout_check,
    holdout_validation,
)
from crmkit.domains.clv.not_fitted import (
    CalibrationFitFailed,
    HistoryTooShort,
    NoBuyers,
    NoOrders,
    NotFitted,
    PurchaseModelFailed,
)
from crmkit.domains.clv.record import clv_record
from crmkit.domains.clv.segments import SEGMENT_ACTIONS, SEGMENTS, rfm_scores, segment_table
from crmkit.domains.clv.simple import (
    compare_average_clv,
    simple_clv,
    simple_clv_summary,
    simple_clv_table,
)
from crmkit.domains.clv.summary import HOLDOUT_COLUMNS, RFM_COLUMNS, customer_summary, rfm_summary
from crmkit.domains.clv.tiers import TIER_STRATEGIES, assign_clv_tiers, clv_tiers
from crmkit.domains.clv.value_models import (
    ALIVE_BANDS,
    TIME_UNIT,
    ClvNotFinite,
    SpendModelFailed,
    SpendModelUndefined,
    ValueModels,
    alive_shares,
    customer_value_table,
    fit_value_models,
    share_probably_lost,
    yearly_to_monthly,
)

__all__ = [
    "ALIVE_BANDS",
    "HOLDOUT_COLUMNS",
    "MONTH_IN_UNITS",
    "RFM_COLUMNS",
    "SEGMENTS",
    "SEGMENT_ACTIONS",
    "TIER_STRATEGIES",
    "TIME_UNIT",
    "VALIDATION_COLUMNS",
    "BetaGeoFitter",
    "CalibrationFitFailed",
    "ClvNotFinite",
    "GammaGammaFitter",
    "HistoryTooShort",
    "NoBuyers",
    "NoOrders",
    "NotFitted",
    "PurchaseModelFailed",
    "SpendModelFailed",
    "SpendModelUndefined",
    "ValueModels",
    "alive_shares",
    "assign_clv_tiers",
    "calibration_end",
    "clv_record",
    "clv_tiers",
    "compare_average_clv",
    "concentration_curve",
    "customer_summary",
    "customer_value_table",
    "fit_value_models",
    "gini_coefficient",
    "holdout_check",
    "holdout_validation",
    "independence_check",
    "rfm_scores",
    "rfm_summary",
    "segment_table",
    "share_probably_lost",
    "simple_clv",
    "simple_clv_summary",
    "simple_clv_table",
    "top_share",
    "yearly_to_monthly",
]
