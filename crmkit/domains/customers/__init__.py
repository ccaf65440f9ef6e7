"""Customers: loyalty, churn and retention, cohorts, survival, and the revenue of relationships.

Every function is pure (no I/O, no printing, no state), vectorised (a million orders take
seconds), and returns a tidy DataFrame whose columns are listed in its docstring, or a small
frozen result holding such frames. Numbers stay at full precision (round only for display);
the sentences, titles and tables that explain them are in :mod:`crmkit.words.customers`.

Modules, by concern:

- :mod:`~crmkit.domains.customers.inputs`: day numbers, windows, required columns;
- :mod:`~crmkit.domains.customers.scope`: the CRM units, the control group, or all;
- :mod:`~crmkit.domains.customers.churn`: churn dates (register or inactivity);
- :mod:`~crmkit.domains.customers.churn_windows`: churn per window and its change;
- :mod:`~crmkit.domains.customers.loyalty`: repeat purchases, purchase interval, spend;
- :mod:`~crmkit.domains.customers.cohorts`: acquisition cohorts and their retention;
- :mod:`~crmkit.domains.customers.relationships`: new, retained, won-back revenue; cost of a
  new customer;
- :mod:`~crmkit.domains.customers.survival`: survival frame, Kaplan–Meier, log-rank;
- :mod:`~crmkit.domains.customers.concordance`: Harrell's C;
- :mod:`~crmkit.domains.customers.drivers`: the Cox model of churn.
"""

from __future__ import annotations

from crmkit.domains.customers.churn import CHURN_SOURCES, churn_dates
from crmkit.domains.customers.churn_windows import (
    ChurnSummary,
    churn_rates,
    churn_summary,
    compare_churn,
)
from crmkit.domains.customers.cohorts import cohort_matrix, cohort_retention, compare_cohorts
from crmkit.domains.customers.concordance import concordance_index
from crmkit.domains.customers.drivers import (
    MIN_DRIVER_EVENTS,
    ChurnDrivers,
    DriversNotFitted,
    NotFittedReason,
    churn_drivers,
    driver_covariates,
    fit_churn_drivers,
)
from crmkit.domains.customers.inputs import DAYS_PER_YEAR
from crmkit.domains.customers.inputs import day_number as _day  # noqa: F401 (clv: cu._day)
from crmkit.domains.customers.inputs import day_numbers as _days  # noqa: F401 (clv: cu._days)
from crmkit.domains.customers.loyalty import buyer_values, compare_loyalty, loyalty_metrics
from crmkit.domains.customers.relationships import (
    RELATIONSHIPS,
    acquisition_cost,
    revenue_by_relationship,
)
from crmkit.domains.customers.scope import Scope, control_mask, scoped_customers
from crmkit.domains.customers.survival import (
    KaplanMeierResult,
    SurvivalAnalysis,
    kaplan_meier,
    logrank,
    survival_analysis,
    survival_frame,
    window_survival,
)

__all__ = [
    "CHURN_SOURCES",
    "DAYS_PER_YEAR",
    "MIN_DRIVER_EVENTS",
    "RELATIONSHIPS",
    "ChurnDrivers",
    "ChurnSummary",
    "DriversNotFitted",
    "KaplanMeierResult",
    "NotFittedReason",
    "Scope",
    "SurvivalAnalysis",
    "acquisition_cost",
    "buyer_values",
    "churn_dates",
    "churn_drivers",
    "churn_rates",
    "churn_summary",
    "cohort_matrix",
    "cohort_retention",
    "compare_churn",
    "compare_cohorts",
    "compare_loyalty",
    "concordance_index",
    "control_mask",
    "driver_covariates",
    "fit_churn_drivers",
    "kaplan_meier",
    "logrank",
    "loyalty_metrics",
    "revenue_by_relationship",
    "scoped_customers",
    "survival_analysis",
    "survival_frame",
    "window_survival",
]
