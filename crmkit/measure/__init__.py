"""Every KPI of the catalog measured before and after go-live, and its change tested.

The measure layer joins the KPI catalog (:mod:`crmkit.kpis`) to the statistics
(:mod:`crmkit.stats.impact`) and to the domains that measure some KPIs themselves:
:mod:`~crmkit.measure.comparison` (one KPI: its observations and the test its kind calls for),
:mod:`~crmkit.measure.domain_kpis` (the KPIs a domain measures), :mod:`~crmkit.measure.control`
(the control group: each change net of its, and the difference-in-differences),
:mod:`~crmkit.measure.kpi_results` (every KPI, corrected and guarded: :func:`measure_kpis`),
:mod:`~crmkit.measure.placebo_kpis` (each claimed change at fake go-live dates),
:mod:`~crmkit.measure.time_series` (the interrupted time series of a monthly KPI),
:mod:`~crmkit.measure.rollout` (a rollout's design and verdict),
:mod:`~crmkit.measure.channels` (the contact-channel mix, each campaign's response) and
:mod:`~crmkit.measure.results_json` (the results.json sections). It returns numbers only:
the tables and sentences a page shows are in :mod:`crmkit.words.kpi_tables`.
"""

from __future__ import annotations

from crmkit.measure.channels import campaign_responses, channel_mix
from crmkit.measure.comparison import compare_observations, observations
from crmkit.measure.control import (
    CONTROL_COLUMNS,
    ControlAnalysis,
    control_comparison,
    customer_panel,
    net_of_control,
)
from crmkit.measure.domain_kpis import DOMAIN_MEASURES
from crmkit.measure.kpi_results import (
    DESCRIPTIVE_COLUMNS,
    area_results,
    measure_kpis,
    measured_results,
)
from crmkit.measure.placebo_kpis import (
    KpiPlacebo,
    KpiPlaceboStatus,
    checked_placebos,
    kpi_placebo,
    kpi_placebos,
    placebo_block,
)
from crmkit.measure.purchase_rate import (
    PurchaseRateClaim,
    PurchaseRateComparison,
    purchase_rate_comparison,
    purchase_rate_results,
)
from crmkit.measure.results_json import RESULTS_JSON_KEYS, impact_summary, kpis_for_results
from crmkit.measure.rollout import RolloutAnalysis, rollout_analysis
from crmkit.measure.rollout_results import (
    ROLLOUT_KPI,
    placebo_results,
    rollout_results,
    synthetic_control_results,
)
from crmkit.measure.time_series import SeriesAnalysis, monthly_values, months, time_series

__all__ = [
    "PurchaseRateClaim",
    "PurchaseRateComparison",
    "purchase_rate_comparison",
    "purchase_rate_results",
    "CONTROL_COLUMNS",
    "DESCRIPTIVE_COLUMNS",
    "DOMAIN_MEASURES",
    "RESULTS_JSON_KEYS",
    "ControlAnalysis",
    "KpiPlacebo",
    "KpiPlaceboStatus",
    "RolloutAnalysis",
    "SeriesAnalysis",
    "area_results",
    "campaign_responses",
    "channel_mix",
    "checked_placebos",
    "compare_observations",
    "control_comparison",
    "customer_panel",
    "impact_summary",
    "kpi_placebo",
    "kpi_placebos",
    "kpis_for_results",
    "measure_kpis",
    "measured_results",
    "monthly_values",
    "months",
    "net_of_control",
    "observations",
    "rollout_analysis",
    "ROLLOUT_KPI",
    "placebo_block",
    "placebo_results",
    "rollout_results",
    "synthetic_control_results",
    "time_series",
]
