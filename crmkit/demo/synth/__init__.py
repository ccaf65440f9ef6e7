"""The synthetic demo client, with known injected effects.

"Demo Manufacturing Co." is a fictional B2B/B2C manufacturer (currency CNY) whose CRM went
live on 2025-01-01 in the regions North, South and East; the region West kept its old tools
and serves as the control group. The generator writes every canonical table (see
``DESIGN.md`` section 3) with realistic structure -- unequal region sizes, a growing customer
base, seasonality, lognormal amounts, heavy-tailed durations, censoring at the export date --
and injects a known set of CRM effects, only in the treated regions and only from go-live.
``demo_truth`` states the true (data-generating) value of every KPI before and after, so the
statistics of the assessment can be checked against it.

Design of the data-generating process (all effects are step changes at go-live):

- customers: 65 % existed before 2024 (created 2021-2023), the rest arrive uniformly over
  2024-2025; each churns with a constant hazard (annual churn 18 %; 13 % in treated regions
  after go-live). Segment and region are drawn independently of everything else.
- orders: each customer orders as a Poisson process, rate = base x segment weight x gamma
  frailty x day-of-year seasonality x weekday factor (x 1.05 in treated regions after
  go-live), while active. amount = quantity x lognormal unit price (x 1.08 treated after).
- opportunities: won with probability 0.20 (0.26 treated after, by created date); lognormal
  sales cycles; deals not closed by the export date (2025-12-31) are ``open``.
- tickets: each customer's Poisson process at a fixed multiple of its order intensity
  (per order: 0.10 non-complaint, 0.024 complaint tickets; 0.018 treated after);
  lognormal first-response and resolution times, censored at the export date.
- surveys: post-purchase surveys of sampled orders, scores from a latent-variable model
  (NPS, CSAT shifted treated after; CES and the loyalty scale unchanged).
- usage / user_survey: the CRM's usage log of treated-region staff from go-live (adoption
  ramps up); a SUS survey of the same staff in November 2024 (old tools) and 2025 (the CRM).

Modules: :mod:`~crmkit.demo.synth.company` (the company's facts, the process's parameters,
the calendar and expected customer base), :mod:`~crmkit.demo.synth.tables` (the canonical
tables), :mod:`~crmkit.demo.synth.truth` (every KPI's true value) and
:mod:`~crmkit.demo.synth.client` (the client folder: params, data files, truth).
"""

from crmkit.demo.synth.client import demo_params, ensure_demo_client, generate_demo_client
from crmkit.demo.synth.company import (
    CONTROL_REGIONS,
    DEMO_AFTER,
    DEMO_BEFORE,
    DEMO_CLIENT,
    DEMO_CURRENCY,
    DEMO_GO_LIVE,
    DEMO_SEED,
    REGIONS,
    TABLES,
    TREATED_REGIONS,
)
from crmkit.demo.synth.tables import generate_tables
from crmkit.demo.synth.truth import demo_truth

__all__ = [
    "CONTROL_REGIONS",
    "DEMO_AFTER",
    "DEMO_BEFORE",
    "DEMO_CLIENT",
    "DEMO_CURRENCY",
    "DEMO_GO_LIVE",
    "DEMO_SEED",
    "REGIONS",
    "TABLES",
    "TREATED_REGIONS",
    "demo_params",
    "demo_truth",
    "ensure_demo_client",
    "generate_demo_client",
    "generate_tables",
]
