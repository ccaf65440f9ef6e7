"""The catalog: every KPI defined once, in report order, and how to look one up.

Not defined here, on purpose
----------------------------
- Revenue growth rate = (after − before) / before is ``revenue_monthly``'s relative change
  (``change_pct`` in results.json), not a second KPI; so is any "growth" of another KPI.
- Loss rate = 1 − win rate.
- NPS, CSAT, CES, churn, retention and customer-value KPIs belong to :mod:`crmkit.domains.survey`,
  :mod:`crmkit.domains.customers` and :mod:`crmkit.domains.clv`.
- Quota attainment needs quotas, which no canonical table holds.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import fields

import pandas as pd

from crmkit.kpis import adoption, marketing, sales, service
from crmkit.kpis.adoption import SUS_ITEMS
from crmkit.kpis.definition import KPI
from crmkit.kpis.monthly import MonthlyTotal, PerRepMonth

__all__ = ["AGE_SENSITIVE", "CATALOG", "catalog_frame", "get_kpi"]

_REVENUE = MonthlyTotal("revenue_monthly", "orders", "order_date", "amount")
_NEW_CUSTOMERS = MonthlyTotal(
    "new_customers_monthly", "customers", "created_date", None, covered=False
)
_REP_REVENUE = MonthlyTotal("revenue_per_rep", "orders", "order_date", "amount")
_REP_OPPORTUNITIES = MonthlyTotal("opportunities_per_rep", "opportunities", "created_date", None)

_MATURE = (
    "Cohort by created_date; only opportunities created at least the maturity horizon (95th "
    "percentile of observed created → closed durations) before the data's end count, so "
    "late cohorts whose slow deals are still open do not bias it."
)
_CAMPAIGNS = (
    "The campaign is the unit of observation (a ratio of sums over the window's campaigns, "
    "with by_unit per campaign for testing). Campaigns carry no region: company-wide unless "
    "the table has the control column."
)

CATALOG: tuple[KPI, ...] = (
    # --- sales -----------------------------------------------------------------------------
    KPI(
        "revenue_monthly",
        "Monthly revenue",
        "currency per month",
        "higher",
        "financial",
        "sales",
        ("orders",),
        "series",
        "month",
        "sum of order amounts per calendar month; value = mean over the window's months",
        _REVENUE,
        aggregate="sum",
        notes="Revenue growth rate is this KPI's relative change. Months outside the orders' "
        "dated span are left out; empty months inside it are 0.",
    ),
    KPI(
        "average_order_value",
        "Average order value",
        "currency",
        "higher",
        "financial",
        "sales",
        ("orders",),
        "mean",
        "order",
        "revenue / orders",
        sales.observe_average_order_value,
    ),
    KPI(
        "units_per_order",
        "Units per order",
        "units per order",
        "higher",
        "financial",
        "sales",
        ("orders",),
        "mean",
        "order",
        "units ordered / orders",
        sales.observe_units_per_order,
        columns=(("orders", "quantity"),),
    ),
    KPI(
        "purchase_frequency",
        "Purchase frequency",
        "orders per customer-year",
        "higher",
        "customer",
        "sales",
        ("orders", "customers"),
        "rate",
        "customer-year",
        "orders / active customer-years (active from created_date until churned_date)",
        sales.observe_purchase_frequency,
        notes="Exposure-based: a customer counts for the days of the window on which they were "
        "a customer, so a growing or churning base does not move it. Only orders of customers "
        "in the customers table count. by_unit holds orders and years per customer.",
    ),
    KPI(
        "orders_per_buyer",
        "Orders per buying customer",
        "orders per buying customer",
        "higher",
        "customer",
        "sales",
        ("orders",),
        "mean",
        "buying customer",
        "orders / distinct customers who ordered in the window",
        sales.observe_orders_per_buyer,
        notes="Needs only orders; depends on the window's length and on how many occasional "
        "buyers it catches. Prefer purchase_frequency when customers are given.",
    ),
    KPI(
        "new_customers_monthly",
        "New customers per month",
        "customers per month",
        "higher",
        "customer",
        "sales",
        ("customers",),
        "series",
        "month",
        "customers created per calendar month; value = mean over the window's months",
        _NEW_CUSTOMERS,
        aggregate="sum",
        notes="Every month of the window counts; a month without a new customer is 0.",
    ),
    KPI(
        "win_rate",
        "Win rate",
        "share",
        "higher",
        "internal_process",
        "sales",
        ("opportunities",),
        "proportion",
        "closed opportunity",
        "won / (won + lost) of opportunities created in the window; open ones excluded",
        sales.observe_win_rate,
        notes=_MATURE + " Without closed_date no such cut is possible. Loss rate = 1 − win rate.",
    ),
    KPI(
        "average_deal_size",
        "Average deal size (won)",
        "currency",
        "higher",
        "financial",
        "sales",
        ("opportunities",),
        "mean",
        "won opportunity",
        "amount of won opportunities / won opportunities",
        sales.observe_average_deal_size,
        columns=(("opportunities", "amount"),),
        notes=_MATURE,
    ),
    KPI(
        "sales_cycle_days",
        "Sales cycle of won deals",
        "days",
        "lower",
        "internal_process",
        "sales",
        ("opportunities",),
        "median",
        "won opportunity",
        "median days from created_date to closed_date of won opportunities",
        sales.observe_sales_cycle_days,
        columns=(("opportunities", "closed_date"),),
        notes=_MATURE,
    ),
    KPI(
        "opportunities_per_rep",
        "Opportunities per rep per month",
        "opportunities per rep-month",
        "higher",
        "internal_process",
        "sales",
        ("opportunities",),
        "paired",
        "rep",
        "opportunities created / months in the window, per rep; value = mean over reps",
        PerRepMonth(_REP_OPPORTUNITIES),
        columns=(("opportunities", "rep_id"),),
        notes="Paired by rep_id; a rep with no opportunity in a window is absent from it.",
    ),
    KPI(
        "revenue_per_rep",
        "Revenue per rep per month",
        "currency per rep-month",
        "higher",
        "internal_process",
        "sales",
        ("orders",),
        "paired",
        "rep",
        "order amounts / months in the window, per rep; value = mean over reps",
        PerRepMonth(_REP_REVENUE),
        columns=(("orders", "rep_id"),),
        notes="Paired by rep_id; a rep with no order in a window is absent from it.",
    ),
    # --- service ---------------------------------------------------------------------------
    KPI(
        "first_response_hours",
        "First response time",
        "hours",
        "lower",
        "internal_process",
        "service",
        ("tickets",),
        "median",
        "ticket",
        "median hours from opened_at to first_response_at",
        service.ticket_hours("first_response_at", "first_response_hours"),
        columns=(("tickets", "first_response_at"),),
        notes="Tickets without a recorded first response are left out; only tickets opened "
        "at least the maturity horizon (95th percentile of observed response times) before "
        "the data's end count. Scope through the ticket's customer.",
    ),
    KPI(
        "resolution_hours",
        "Resolution time",
        "hours",
        "lower",
        "internal_process",
        "service",
        ("tickets",),
        "median",
        "resolved ticket",
        "median hours from opened_at to resolved_at of resolved tickets",
        service.ticket_hours("resolved_at", "resolution_hours"),
        columns=(("tickets", "resolved_at"),),
        notes="Unresolved tickets are censored and left out; only tickets opened at least the "
        "maturity horizon (95th percentile of observed resolution times) before the data's "
        "end count, so the censoring left is small. ticket_resolved_share reports the rest.",
    ),
    KPI(
        "ticket_resolved_share",
        "Share of tickets resolved",
        "share",
        "higher",
        "internal_process",
        "service",
        ("tickets",),
        "proportion",
        "ticket",
        "tickets resolved / tickets opened in the window",
        service.observe_ticket_resolved_share,
        columns=(("tickets", "resolved_at"),),
        notes="Mature tickets only (as resolution_hours): resolved by the data's end.",
    ),
    KPI(
        "complaints_per_1000_orders",
        "Complaints per 1,000 orders",
        "per 1,000 orders",
        "lower",
        "customer",
        "service",
        ("tickets", "orders"),
        "rate",
        "order",
        "complaint tickets opened / orders in the window × 1,000",
        service.observe_complaints_per_1000_orders,
        columns=(("tickets", "is_complaint"),),
        notes="A ticket with an empty is_complaint is not a complaint. Tickets are scoped "
        "through their customer, orders by their own region; where tickets cannot be tied "
        "to the control column, both are counted company-wide, so the ratio stays "
        "like-for-like.",
    ),
    KPI(
        "ticket_satisfaction",
        "Ticket satisfaction",
        "score (1–5)",
        "higher",
        "customer",
        "service",
        ("tickets",),
        "mean",
        "rated ticket",
        "mean satisfaction rating of tickets opened in the window",
        service.observe_ticket_satisfaction,
        columns=(("tickets", "satisfaction"),),
    ),
    KPI(
        "tickets_per_customer",
        "Tickets per customer-year",
        "tickets per customer-year",
        "lower",
        "customer",
        "service",
        ("tickets", "customers"),
        "rate",
        "customer-year",
        "tickets opened / active customer-years (as purchase_frequency)",
        service.observe_tickets_per_customer,
        columns=(("tickets", "customer_id"),),
        notes="Service demand per customer; fewer tickets per customer is read as less "
        "friction. It moves with purchase frequency where tickets follow orders.",
    ),
    # --- adoption --------------------------------------------------------------------------
    KPI(
        "active_user_rate",
        "Active CRM users",
        "share",
        "higher",
        "learning_and_growth",
        "adoption",
        ("usage",),
        "series",
        "month",
        "users active in the month / users seen in the usage log; value = mean over months",
        adoption.observe_active_user_rate,
        aggregate="mean",
        notes="Denominator: every (CRM-unit) user who appears anywhere in the usage log, as "
        "the log has no licence list. Months before the log starts are not observed: a log "
        "that begins at go-live gives an empty before series.",
    ),
    KPI(
        "sessions_per_active_user",
        "Sessions per active user per month",
        "sessions per user-month",
        "higher",
        "learning_and_growth",
        "adoption",
        ("usage",),
        "mean",
        "active user-month",
        "sessions in the month, per user active that month",
        adoption.observe_sessions_per_active_user,
        columns=(("usage", "sessions"),),
        notes="A day's sessions are its largest sessions value: a log with one row per user, "
        "day and feature repeats the day's sessions on each row (a log that splits them by "
        "feature is undercounted). Empty before go-live when the log starts then.",
    ),
    KPI(
        "features_per_active_user",
        "Features used per active user per month",
        "features per user-month",
        "higher",
        "learning_and_growth",
        "adoption",
        ("usage",),
        "mean",
        "active user-month",
        "distinct features used in the month, per user active that month",
        adoption.observe_features_per_active_user,
        columns=(("usage", "feature"),),
        notes="Empty before go-live when the log starts then.",
    ),
    KPI(
        "sus_score",
        "System Usability Scale",
        "points (0–100)",
        "higher",
        "learning_and_growth",
        "adoption",
        ("user_survey",),
        "mean",
        "survey response",
        "2.5 × (Σ(odd item − 1) + Σ(5 − even item)) per response (Brooke 1996), averaged",
        adoption.observe_sus_score,
        columns=tuple(("user_survey", item) for item in SUS_ITEMS),
        notes="Responses missing any of the ten items are left out. Before go-live the survey "
        "rates the old tools. Scope through the user as a sales rep.",
    ),
    KPI(
        "user_satisfaction",
        "CRM user satisfaction",
        "score (1–5)",
        "higher",
        "learning_and_growth",
        "adoption",
        ("user_survey",),
        "mean",
        "survey response",
        "mean of user_survey.satisfaction",
        adoption.observe_user_satisfaction,
        columns=(("user_survey", "satisfaction"),),
    ),
    # --- marketing -------------------------------------------------------------------------
    KPI(
        "campaign_response_rate",
        "Campaign response rate",
        "share",
        "higher",
        "customer",
        "marketing",
        ("campaigns",),
        "proportion",
        "campaign",
        "Σ responses / Σ contacts of campaigns started in the window",
        marketing.campaign_proportion("responses", "contacts"),
        columns=(("campaigns", "contacts"), ("campaigns", "responses")),
        notes=_CAMPAIGNS,
    ),
    KPI(
        "campaign_conversion_rate",
        "Campaign conversion rate",
        "share",
        "higher",
        "customer",
        "marketing",
        ("campaigns",),
        "proportion",
        "campaign",
        "Σ conversions / Σ responses of campaigns started in the window",
        marketing.campaign_proportion("conversions", "responses"),
        columns=(("campaigns", "responses"), ("campaigns", "conversions")),
        notes=_CAMPAIGNS,
    ),
    KPI(
        "cost_per_response",
        "Cost per response",
        "currency",
        "lower",
        "financial",
        "marketing",
        ("campaigns",),
        "rate",
        "campaign",
        "Σ cost / Σ responses of campaigns started in the window",
        marketing.campaign_ratio("cost", "responses"),
        columns=(("campaigns", "responses"),),
        notes=_CAMPAIGNS + " A ratio of money to counts: test it by campaign, not as Poisson.",
    ),
    KPI(
        "cost_per_acquisition",
        "Cost per acquisition",
        "currency",
        "lower",
        "financial",
        "marketing",
        ("campaigns",),
        "rate",
        "campaign",
        "Σ cost / Σ conversions of campaigns started in the window",
        marketing.campaign_ratio("cost", "conversions"),
        columns=(("campaigns", "conversions"),),
        notes=_CAMPAIGNS + " A ratio of money to counts: test it by campaign, not as Poisson.",
    ),
    KPI(
        "campaign_roi",
        "Campaign ROI",
        "ratio",
        "higher",
        "financial",
        "marketing",
        ("campaigns",),
        "rate",
        "campaign",
        "(Σ attributed revenue − Σ cost) / Σ cost of campaigns started in the window",
        marketing.campaign_ratio("net_return", "cost"),
        columns=(("campaigns", "revenue"),),
        notes=_CAMPAIGNS + " Attributed revenue, not margin; 1.5 means 150 %.",
    ),
    # --- satisfaction (surveys) -----------------------------------------------------------
    KPI(
        "nps",
        "Net Promoter Score",
        "points (−100–100)",
        "higher",
        "customer",
        "satisfaction",
        ("surveys",),
        "nps",
        "survey response",
        "% promoters (9–10) − % detractors (0–6) of the 0–10 answers",
        None,
        columns=(("surveys", "nps"),),
        notes="Responses of customers of the CRM units (through customers when the survey "
        "has no region). Compared with a z-test on the difference of two NPS values.",
        measured_by="survey",
    ),
    KPI(
        "csat_top2_share",
        "CSAT top-2-box share",
        "share",
        "higher",
        "customer",
        "satisfaction",
        ("surveys",),
        "proportion",
        "survey response",
        "answers of 4 or 5 / all CSAT answers (1–5 scale)",
        None,
        columns=(("surveys", "csat"),),
        measured_by="survey",
    ),
    KPI(
        "ces",
        "Customer Effort Score",
        "score (1–7)",
        "higher",
        "customer",
        "satisfaction",
        ("surveys",),
        "mean",
        "survey response",
        "mean CES answer (1–7, agreement that the company made it easy)",
        None,
        columns=(("surveys", "ces"),),
        measured_by="survey",
    ),
    # --- loyalty and retention (customers, orders) -------------------------------------------
    KPI(
        "churn_rate_annual",
        "Annual churn rate",
        "share",
        "lower",
        "customer",
        "loyalty",
        ("customers",),
        "rate",
        "customer-year",
        "1 − exp(−churned customers / customer-years at risk); retention = 1 − churn",
        None,
        notes="Churn from churned_date where the customers table has it, else from inactivity "
        "(no order for 180 days). Retention is this KPI's complement, not a second KPI.",
        measured_by="customers",
    ),
    KPI(
        "repeat_purchase_rate",
        "Repeat-purchase rate",
        "share",
        "higher",
        "customer",
        "loyalty",
        ("orders",),
        "proportion",
        "buying customer",
        "buying customers with 2 or more orders in the window / buying customers",
        None,
        measured_by="customers",
    ),
    KPI(
        "purchase_interval_days",
        "Days between purchases (median)",
        "days",
        "lower",
        "customer",
        "loyalty",
        ("orders",),
        "median",
        "repeat customer",
        "median over customers of each one's median days between consecutive orders",
        None,
        measured_by="customers",
    ),
    KPI(
        "spend_per_customer",
        "Spend per buying customer",
        "currency",
        "higher",
        "financial",
        "loyalty",
        ("orders",),
        "mean",
        "buying customer",
        "revenue in the window / buying customers",
        None,
        measured_by="customers",
    ),
    # --- customer value ------------------------------------------------------------------
    KPI(
        "average_clv",
        "Average customer lifetime value",
        "currency",
        "higher",
        "financial",
        "value",
        ("orders", "customers"),
        "mean",
        "buying customer",
        "mean over buying customers of gross margin × yearly spend × r / (1 + d − r), "
        "r = retention, d = discount rate",
        None,
        notes="Simple margin × retention formula (crmkit.domains.clv.simple_clv); the probabilistic "
        "BG/NBD and Gamma–Gamma values are in the customer-value stage.",
        measured_by="clv",
    ),
)

_BY_NAME: Mapping[str, KPI] = {k.name: k for k in CATALOG}
if len(_BY_NAME) != len(CATALOG):  # pragma: no cover - a defect of this module
    raise RuntimeError("duplicate KPI names in the catalog")

#: The KPIs of customers' buying behaviour, which move as a customer base ages whatever the
#: CRM does (see :mod:`crmkit.domains.confounds`): purchase activity, spend, churn and the values
#: built on them, the revenue and new customers of the base, and the size of orders (in an
#: ageing cohort the customers still buying are a selected few, so even the average order
#: changes with the mix of buyers).
AGE_SENSITIVE: tuple[str, ...] = (
    "revenue_monthly",
    "revenue_per_rep",
    "average_order_value",
    "units_per_order",
    "purchase_frequency",
    "orders_per_buyer",
    "new_customers_monthly",
    "churn_rate_annual",
    "repeat_purchase_rate",
    "purchase_interval_days",
    "spend_per_customer",
    "average_clv",
)


def get_kpi(name: str) -> KPI:
    """The catalog's KPI called ``name``.

    Raises
    ------
    KeyError
        Naming the closest known KPI when there is one.

    Examples
    --------
    >>> get_kpi("win_rate").kind
    'proportion'
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        hint = difflib.get_close_matches(str(name), list(_BY_NAME), n=1)
        more = f"; did you mean '{hint[0]}'?" if hint else ""
        raise KeyError(f"no KPI called {name!r}{more}") from None


def catalog_frame() -> pd.DataFrame:
    """The catalog as a table for the report, one row per KPI in catalog order.

    Returns
    -------
    DataFrame
        Columns: ``name``, ``label``, ``unit``, ``direction``, ``perspective``, ``area``,
        ``tables`` (comma-separated), ``columns`` (``table.column``, comma-separated; empty
        when none), ``kind``, ``observation``, ``aggregate`` (None unless a series),
        ``definition``, ``notes``.
    """
    rows = []
    for kpi in CATALOG:
        row = {f.name: getattr(kpi, f.name) for f in fields(KPI) if f.name != "observe"}
        row["tables"] = ", ".join(kpi.tables)
        row["columns"] = ", ".join(f"{t}.{c}" for t, c in kpi.columns)
        rows.append(row)
    order = [
        "name",
        "label",
        "unit",
        "direction",
        "perspective",
        "area",
        "tables",
        "columns",
        "kind",
        "observation",
        "aggregate",
        "definition",
        "notes",
    ]
    return pd.DataFrame(rows)[order]
