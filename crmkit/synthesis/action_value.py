"""What an action is worth and what it costs, in the client's currency, from the client's sizes.

The money value of a KPI change follows the finance stage's conventions
(:mod:`crmkit.domains.benefits`), per year, with the client's after window as the base and the
CRM units only (the control group left out):

=========================== =================================================================
KPI                         money a year per unit of improvement
=========================== =================================================================
revenue_monthly             12 × gross margin
average_order_value         orders a year × gross margin
purchase_frequency          active customers × average order value × gross margin
win_rate                    deals closed a year × average won deal size × gross margin
average_deal_size           deals won a year × gross margin
churn_rate_annual           active customers × revenue per customer-year × gross margin
sales_cycle_days            deals won a year × deal hours per day × hourly cost
resolution_hours            tickets resolved a year × handling share × hourly cost
complaints_per_1000_orders  orders a year / 1,000 × hours a complaint takes (median
                            resolution × handling share) × hourly cost
cost_per_acquisition        customers acquired by campaigns a year
=========================== =================================================================

Revenue per customer-year is purchase frequency × average order value. Staff time is money
only with ``finance.hourly_cost``; other KPIs (satisfaction, adoption, NPS …) are not
monetised. An action's cost is its catalog formula (hours per driver unit × the driver's size
× hourly cost) or the client's own figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data.config import Assessment, Finance
from crmkit.synthesis.action_catalog import Action, CostDriver

__all__ = ["ClientSizes", "action_cost", "client_sizes", "money_per_unit"]


@dataclass(frozen=True)
class ClientSizes:
    """Counts from the client's after window (CRM units), per year where it says so.

    Every count is None when its table or column is absent.
    """

    orders_per_year: float | None = None
    active_customers: float | None = None
    deals_closed_per_year: float | None = None
    deals_won_per_year: float | None = None
    tickets_per_year: float | None = None
    tickets_resolved_per_year: float | None = None
    conversions_per_year: float | None = None
    contacts_per_year: float | None = None
    survey_responses_per_year: float | None = None
    crm_users: float | None = None
    sales_reps: float | None = None

    def to_dict(self) -> dict[str, float | None]:
        """The counts by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _years(assessment: Assessment) -> float:
    window = assessment.after
    return ((window.end - window.start).days + 1) / 365.25


def _count(
    tables: Mapping[str, pd.DataFrame],
    assessment: Assessment,
    table: str,
    date: str,
    count: Callable[[pd.DataFrame], float],
    *,
    needs: tuple[str, ...] = (),
) -> float | None:
    frame = tables.get(table)
    if frame is None or date not in frame or any(c not in frame for c in needs):
        return None
    rows = kpis.rows_in_window(tables, table, date, assessment.after, exclude=assessment.control)
    return float(count(rows))


def client_sizes(tables: Mapping[str, pd.DataFrame], assessment: Assessment) -> ClientSizes:
    """The counts that value KPI changes and cost actions, from the after window.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables.
    assessment : Assessment
        The after window and the control group (left out).

    Returns
    -------
    ClientSizes
    """
    years = _years(assessment)

    def yearly(value: float | None) -> float | None:
        return None if value is None else value / years

    def reps(rows: pd.DataFrame) -> float:
        return float(rows["rep_id"].nunique())

    sales_reps = _count(tables, assessment, "opportunities", "created_date", reps,
                        needs=("rep_id",))  # fmt: skip
    if sales_reps is None:
        sales_reps = _count(tables, assessment, "orders", "order_date", reps, needs=("rep_id",))
    closed = _count(tables, assessment, "opportunities", "created_date",
                    lambda o: o["status"].isin(["won", "lost"]).sum())  # fmt: skip
    won = _count(tables, assessment, "opportunities", "created_date",
                 lambda o: (o["status"] == "won").sum())  # fmt: skip
    return ClientSizes(
        orders_per_year=yearly(_count(tables, assessment, "orders", "order_date", len)),
        active_customers=_count(
            tables, assessment, "orders", "order_date", lambda o: o["customer_id"].nunique()
        ),
        deals_closed_per_year=yearly(closed),
        deals_won_per_year=yearly(won),
        tickets_per_year=yearly(_count(tables, assessment, "tickets", "opened_at", len)),
        tickets_resolved_per_year=yearly(
            _count(
                tables,
                assessment,
                "tickets",
                "opened_at",
                lambda t: t["resolved_at"].notna().sum(),
                needs=("resolved_at",),
            )
        ),  # fmt: skip
        conversions_per_year=yearly(
            _count(
                tables,
                assessment,
                "campaigns",
                "start_date",
                lambda c: c["conversions"].sum(),
                needs=("conversions",),
            )
        ),  # fmt: skip
        contacts_per_year=yearly(
            _count(
                tables,
                assessment,
                "campaigns",
                "start_date",
                lambda c: c["contacts"].sum(),
                needs=("contacts",),
            )
        ),  # fmt: skip
        survey_responses_per_year=yearly(
            _count(tables, assessment, "surveys", "response_date", len)
        ),
        crm_users=_count(tables, assessment, "usage", "date", lambda u: u["user_id"].nunique()),
        sales_reps=sales_reps,
    )


def _product(*terms: Any) -> float | None:
    values = []
    for term in terms:
        if term is None:
            return None
        try:
            value = float(term)
        except (TypeError, ValueError):
            return None
        if not np.isfinite(value):
            return None
        values.append(value)
    return float(np.prod(values))


def money_per_unit(
    kpi: str, sizes: ClientSizes, after: Mapping[str, Any], finance: Finance
) -> float | None:
    """Money a year that one unit of improvement of ``kpi`` is worth (see the module table).

    Parameters
    ----------
    kpi : str
        The KPI's catalog name.
    sizes : ClientSizes
        The client's counts.
    after : mapping of str to float
        Each KPI's value in the after window (the ``after`` column of the KPI results).
    finance : Finance
        Gross margin, hourly cost, handling share and deal hours per day.

    Returns
    -------
    float or None
        Client currency a year per unit of the KPI (a point of share is 0.01); None when the
        KPI cannot be monetised or an input is missing.

    Examples
    --------
    >>> sizes = ClientSizes(deals_won_per_year=200.0)
    >>> money_per_unit("sales_cycle_days", sizes, {}, Finance(hourly_cost=100.0))
    5000.0
    >>> money_per_unit("nps", sizes, {}, Finance()) is None
    True
    """
    f, s, a = finance, sizes, after
    m = f.gross_margin
    formulas: dict[str, Callable[[], float | None]] = {
        "revenue_monthly": lambda: _product(12.0, m),
        "average_order_value": lambda: _product(s.orders_per_year, m),
        "purchase_frequency": lambda: _product(s.active_customers, a.get("average_order_value"), m),
        "win_rate": lambda: _product(s.deals_closed_per_year, a.get("average_deal_size"), m),
        "average_deal_size": lambda: _product(s.deals_won_per_year, m),
        "churn_rate_annual": lambda: _product(
            s.active_customers, a.get("purchase_frequency"), a.get("average_order_value"), m
        ),
        "sales_cycle_days": lambda: _product(
            s.deals_won_per_year, f.deal_hours_per_day, f.hourly_cost
        ),
        "resolution_hours": lambda: _product(
            s.tickets_resolved_per_year, f.handling_share, f.hourly_cost
        ),
        "complaints_per_1000_orders": lambda: _product(
            None if s.orders_per_year is None else s.orders_per_year / 1000.0,
            a.get("resolution_hours"),
            f.handling_share,
            f.hourly_cost,
        ),
        "cost_per_acquisition": lambda: _product(s.conversions_per_year),
    }
    formula = formulas.get(kpi)
    return None if formula is None else formula()


def _driver_size(driver: CostDriver, sizes: ClientSizes) -> float | None:
    return 1.0 if driver is CostDriver.FIXED else getattr(sizes, driver.value)


def action_cost(action: Action, sizes: ClientSizes, finance: Finance) -> float | None:
    """The expected cost of ``action`` in the client's currency.

    The client's own figure when it gave one; else Σ hours × driver size × hourly cost over
    the action's cost terms. None when the hourly cost or a driver's size is not available.

    Examples
    --------
    >>> from crmkit.synthesis.action_catalog import CostTerm
    >>> act = Action("Training", "", ("active_user_rate",), 0.05, 0.1, 0.2,
    ...              (CostTerm(CostDriver.CRM_USERS, 8.0), CostTerm(CostDriver.FIXED, 40.0)),
    ...              "Lead", 3)
    >>> action_cost(act, ClientSizes(crm_users=50.0), Finance(hourly_cost=100.0))
    44000.0
    """
    if action.cost is not None:
        return float(action.cost)
    if finance.hourly_cost is None or not action.cost_terms:
        return None
    total = 0.0
    for term in action.cost_terms:
        size = _driver_size(term.driver, sizes)
        if size is None:
            return None
        total += term.hours * size
    return total * float(finance.hourly_cost)
