"""The words of the customer domain: every table, chart label, title and paragraph of the
loyalty-and-retention stage, built from the numbers of :mod:`crmkit.domains.customers`.

- :mod:`~crmkit.words.customers.readings`: was a change detected; percentage points;
- :mod:`~crmkit.words.customers.retention`: churn per window, cohorts, survival curves;
- :mod:`~crmkit.words.customers.drivers`: the churn model's readings, chart and table;
- :mod:`~crmkit.words.customers.loyalty`: repeat purchases, spend, revenue of relationships;
- :mod:`~crmkit.words.customers.findings`: the findings and the results.json record.
"""

from __future__ import annotations

from crmkit.words.customers.drivers import (
    driver_caveat,
    driver_caveats,
    driver_label,
    driver_reading,
    driver_readings,
    drivers_frame,
    drivers_text,
    drivers_title,
    drivers_view,
    not_fitted_reason,
)
from crmkit.words.customers.findings import CustomerFindings, customer_findings, retention_record
from crmkit.words.customers.loyalty import (
    acquisition_view,
    loyalty_text,
    loyalty_view,
    relationship_mix,
    relationship_text,
    relationship_title,
    relationship_view,
)
from crmkit.words.customers.readings import change_detected, interval_cells
from crmkit.words.customers.retention import (
    churn_frame,
    churn_text,
    churn_view,
    cohort_compare_view,
    cohort_text,
    cohort_title,
    cohort_view,
    survival_labels,
    survival_text,
    survival_title,
    survival_view,
)

__all__ = [
    "CustomerFindings",
    "acquisition_view",
    "change_detected",
    "churn_frame",
    "churn_text",
    "churn_view",
    "cohort_compare_view",
    "cohort_text",
    "cohort_title",
    "cohort_view",
    "customer_findings",
    "driver_caveat",
    "driver_caveats",
    "driver_label",
    "driver_reading",
    "driver_readings",
    "drivers_frame",
    "drivers_text",
    "drivers_title",
    "drivers_view",
    "interval_cells",
    "loyalty_text",
    "loyalty_view",
    "not_fitted_reason",
    "relationship_mix",
    "relationship_text",
    "relationship_title",
    "relationship_view",
    "retention_record",
    "survival_labels",
    "survival_text",
    "survival_title",
    "survival_view",
]
