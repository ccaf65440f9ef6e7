"""The catalog of improvement actions, and the client's own ``actions`` table merged into it.

Each :class:`Action` names the KPIs it moves, its typical effect as a *relative* improvement
of each of those KPIs (low, central, high: fractions of the KPI's current value, in its good
direction), what it costs as a formula of cost drivers counted in the client's own data, the
role that owns it, and the months it takes to show its effect.

Every number in :data:`CATALOG` is an **assumption**: a typical range from practice, not a
measurement of this client. The report labels it so. Costs are stated in staff-hour
equivalents (staff time plus outside spend, expressed in hours) per unit of a driver, so the
catalog holds no currency; :func:`crmkit.synthesis.action_value.action_cost` values them at
the client's ``finance.hourly_cost``.

The optional client table ``actions`` (``action, kpi, expected_effect, expected_cost`` ·
``owner, horizon_months``, see :mod:`crmkit.data.schemas`) overrides a catalog action of the
same name (compared ignoring case and surrounding spaces) and adds the others; its effect is
a single figure (low = central = high) and its cost a money amount in the client's currency.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from crmkit.data.exceptions import InputError

__all__ = [
    "CATALOG",
    "Action",
    "ActionSource",
    "CostDriver",
    "CostTerm",
    "merge_client_actions",
]


class CostDriver(StrEnum):
    """What an action's cost is counted by, in the client's data of the after window."""

    #: Distinct CRM users in the usage log.
    CRM_USERS = "crm_users"
    #: Distinct sales reps in opportunities or orders.
    SALES_REPS = "sales_reps"
    #: Distinct customers who ordered.
    ACTIVE_CUSTOMERS = "active_customers"
    #: Service tickets opened, per year.
    TICKETS_PER_YEAR = "tickets_per_year"
    #: Customer survey responses, per year.
    SURVEY_RESPONSES_PER_YEAR = "survey_responses_per_year"
    #: People contacted by campaigns, per year.
    CONTACTS_PER_YEAR = "contacts_per_year"
    #: Once, whatever the client's size.
    FIXED = "fixed"


class ActionSource(StrEnum):
    """Where an action comes from."""

    CATALOG = "catalog"
    CLIENT = "client"


@dataclass(frozen=True)
class CostTerm:
    """One term of an action's cost: staff-hour equivalents per unit of a driver.

    Examples
    --------
    >>> CostTerm(CostDriver.CRM_USERS, 8.0).hours
    8.0
    """

    driver: CostDriver
    hours: float


@dataclass(frozen=True)
class Action:
    """An improvement action.

    Attributes
    ----------
    name : str
        The action's name (unique; the client table overrides by it).
    description : str
        What is done, in a sentence.
    kpis : tuple of str
        The KPIs (catalog names) it moves.
    effect_low, effect_central, effect_high : float
        Relative improvement of each KPI in its good direction (0.06 = 6 % better).
    cost_terms : tuple of CostTerm
        The cost formula (catalog actions); empty for a client action.
    owner : str
        The role that owns it.
    horizon_months : int
        Months from the start until the effect is reached.
    cost : float or None
        The expected cost in the client's currency, as the client gives it (client actions);
        None when the cost comes from ``cost_terms``.
    source : ActionSource
    """

    name: str
    description: str
    kpis: tuple[str, ...]
    effect_low: float
    effect_central: float
    effect_high: float
    cost_terms: tuple[CostTerm, ...]
    owner: str
    horizon_months: int
    cost: float | None = None
    source: ActionSource = ActionSource.CATALOG


def _hours(**terms: float) -> tuple[CostTerm, ...]:
    return tuple(CostTerm(CostDriver(driver), hours) for driver, hours in terms.items())


#: The improvement actions crmkit proposes, by balanced-scorecard perspective of their KPIs.
#: Effects and costs are typical assumptions (see the module docstring).
CATALOG: tuple[Action, ...] = (
    # learning and growth
    Action("CRM user training", "Role-based CRM training and refresher sessions for every user.",
           ("active_user_rate", "features_per_active_user", "sessions_per_active_user",
            "user_satisfaction"),
           0.05, 0.10, 0.20, _hours(crm_users=8.0, fixed=40.0), "CRM training lead", 3),
    Action("CRM usability fixes", "Simplify the screens and fields users struggle with most.",
           ("sus_score", "user_satisfaction"),
           0.03, 0.06, 0.10, _hours(fixed=240.0), "CRM product owner", 6),
    # internal process
    Action("Sales-process coaching", "Coach reps on qualifying, following up and closing deals.",
           ("win_rate", "sales_cycle_days", "average_deal_size"),
           0.03, 0.06, 0.10, _hours(sales_reps=24.0, fixed=80.0), "Head of Sales", 6),
    Action("Pipeline hygiene routine", "Weekly pipeline reviews and lead-assignment rules.",
           ("opportunities_per_rep", "new_customers_monthly", "revenue_per_rep"),
           0.03, 0.06, 0.10, _hours(sales_reps=8.0, fixed=40.0), "Sales operations", 4),
    Action("Service playbooks", "Standard answers, routing and escalation rules for tickets.",
           ("first_response_hours", "resolution_hours", "ticket_resolved_share"),
           0.05, 0.10, 0.15, _hours(tickets_per_year=0.02, fixed=160.0),
           "Head of Customer Service", 4),
    # customer
    Action("Complaint root-cause programme", "Analyse complaint causes monthly and fix the top ones.",
           ("complaints_per_1000_orders", "ticket_satisfaction", "tickets_per_customer"),
           0.05, 0.10, 0.20, _hours(fixed=200.0), "Quality manager", 6),
    Action("Retention campaign", "Contact customers showing churn signals with tailored offers.",
           ("churn_rate_annual", "repeat_purchase_rate"),
           0.05, 0.10, 0.15, _hours(active_customers=0.1, fixed=40.0),
           "Head of Customer Success", 6),
    Action("Loyalty programme", "Reward repeat purchases with points and member offers.",
           ("purchase_frequency", "orders_per_buyer", "purchase_interval_days",
            "spend_per_customer"),
           0.02, 0.04, 0.08, _hours(active_customers=0.2, fixed=200.0), "Head of Marketing", 9),
    Action("Survey follow-up", "Call back detractors and close the loop on every survey answer.",
           ("nps", "csat_top2_share", "ces"),
           0.02, 0.05, 0.10, _hours(survey_responses_per_year=0.5, fixed=20.0),
           "Customer experience manager", 6),
    Action("Customer data cleansing", "Deduplicate and complete contact data; verify addresses.",
           ("campaign_response_rate", "cost_per_response"),
           0.02, 0.05, 0.10, _hours(contacts_per_year=0.001, fixed=80.0), "CRM data steward", 3),
    Action("Campaign targeting by segment", "Target campaigns by customer value and response.",
           ("campaign_conversion_rate", "cost_per_acquisition", "campaign_roi"),
           0.05, 0.10, 0.20, _hours(contacts_per_year=0.0005, fixed=120.0),
           "Head of Marketing", 6),
    Action("Cross-sell and up-sell prompts", "Next-product suggestions in the CRM at each order.",
           ("average_order_value", "units_per_order", "revenue_monthly", "average_clv"),
           0.02, 0.04, 0.07, _hours(sales_reps=16.0, fixed=40.0), "Head of Sales", 6),
)  # fmt: skip


def _key(name: object) -> str:
    return " ".join(str(name).split()).casefold()


def _client_action(row: pd.Series, base: Action | None) -> Action:
    effect = float(row["expected_effect"])
    owner = row.get("owner")
    horizon = row.get("horizon_months")
    return Action(
        name=str(row["action"]).strip(),
        description=base.description if base else "",
        kpis=(str(row["kpi"]).strip(),),
        effect_low=effect,
        effect_central=effect,
        effect_high=effect,
        cost_terms=(),
        owner=str(owner).strip() if pd.notna(owner) else (base.owner if base else ""),
        horizon_months=int(horizon) if pd.notna(horizon) else (base.horizon_months if base else 12),
        cost=float(row["expected_cost"]),
        source=ActionSource.CLIENT,
    )


def merge_client_actions(
    client: pd.DataFrame | None, catalog: tuple[Action, ...] = CATALOG, *, file: str = "actions"
) -> tuple[Action, ...]:
    """The catalog with the client's actions: same names override, new names extend.

    Parameters
    ----------
    client : DataFrame or None
        The validated ``actions`` table (see :mod:`crmkit.data.schemas`), or None.
    catalog : tuple of Action
        The actions to start from.
    file : str
        How an error names the table.

    Returns
    -------
    tuple of Action
        Catalog order, each overridden action in its place, then the client's new actions in
        the table's order. A client action without owner or horizon keeps the catalog's (a new
        one: no owner, 12 months).

    Raises
    ------
    InputError
        When a required column is missing or a row has no usable effect or cost (a table that
        did not pass validation).

    Examples
    --------
    >>> table = pd.DataFrame({"action": ["Retention campaign"], "kpi": ["churn_rate_annual"],
    ...                       "expected_effect": [0.2], "expected_cost": [5000.0]})
    >>> merged = merge_client_actions(table)
    >>> [a.cost for a in merged if a.name == "Retention campaign"]
    [5000.0]
    """
    if client is None or client.empty:
        return catalog
    required = ("action", "kpi", "expected_effect", "expected_cost")
    missing = [c for c in required if c not in client.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)}; expected {', '.join(required)}", file=file
        )
    numbers = client[["expected_effect", "expected_cost"]].apply(pd.to_numeric, errors="coerce")
    bad = numbers.isna().any(axis=1) | (numbers["expected_cost"] < 0)
    if bad.any():
        rows = [int(i) + 2 for i in client.index[bad]]
        raise InputError(
            "expected_effect and expected_cost must be numbers, the cost not negative",
            file=file,
            rows=rows,
        )
    client = client.assign(**numbers)
    by_key = {_key(a.name): a for a in catalog}
    overrides: dict[str, Action] = {}
    added: list[Action] = []
    for _, row in client.iterrows():
        key = _key(row["action"])
        action = _client_action(row, by_key.get(key))
        if key in by_key:
            overrides[key] = action
        elif key not in {_key(a.name) for a in added}:
            added.append(action)
    return tuple(overrides.get(_key(a.name), a) for a in catalog) + tuple(added)
