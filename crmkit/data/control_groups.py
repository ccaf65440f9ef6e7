"""Where the control group of params.yaml is found, and at which level the CRM was assigned.

A client names its control group by a column (``control.column``) of customers, orders or
opportunities: a canonical one (``region``, ``rep_id``) or one kept under the client's own
name (``Campaign Group``, a pilot flag, a segment). Rows of a table without the column inherit
their customer's group through ``customer_id`` (orders, tickets, surveys, opportunities), as
the KPI scope does (:mod:`crmkit.kpis.scope`).

The level of the assignment (``control.unit``, :class:`AssignmentUnit`) sets the units of the
difference-in-differences of monthly revenue, and so its clusters: customers (hundreds of
clusters; the panel is customer × month), the groups named by the column's values (regions,
branches: a handful), or sales reps. When params.yaml does not say, :func:`default_unit`
takes it from where the column is found.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from crmkit.data.config import Control
from crmkit.data.labels import is_label, lookup

__all__ = [
    "CONTROL_TABLES",
    "AssignmentUnit",
    "ControlPlacement",
    "Found",
    "NOT_COMPARED",
    "UNIT_EXPECTED",
    "GroupCount",
    "UnitNeedsColumn",
    "assignment_facts",
    "assignment_problems",
    "counts_frame",
    "default_unit",
    "locate_control",
]

#: The tables whose columns may name the control group, in the order they are searched.
CONTROL_TABLES = ("customers", "orders", "opportunities")
#: The tables whose rows inherit their customer's group through ``customer_id``.
INHERITING_TABLES = ("orders", "opportunities", "tickets", "surveys")


class AssignmentUnit(StrEnum):
    """The level at which the CRM was assigned (params ``control.unit``)."""

    CUSTOMER = "customer"
    REGION = "region"
    REP = "rep"


class Found(StrEnum):
    """How a table's rows find their group: their own column, or their customer's."""

    OWN = "own column"
    CUSTOMER = "through customer_id"


@dataclass(frozen=True)
class GroupCount:
    """How many rows of one table fall in each group.

    Attributes
    ----------
    table : str
    found : Found
    control_rows : int
        Rows in the control group (their label, or their customer's, is one of the values).
    crm_rows : int
        The other rows: the units that got the CRM (including rows without a label).
    unlabelled_rows : int
        Of ``crm_rows``, rows whose group is not known (empty label, or a customer that
        customers does not list or labels nothing).
    """

    table: str
    found: Found
    control_rows: int
    crm_rows: int
    unlabelled_rows: int


@dataclass(frozen=True)
class ControlPlacement:
    """Where the control column was found, the level of the assignment, and the groups' sizes.

    Attributes
    ----------
    column : str
    holding : tuple of str
        The tables (of :data:`CONTROL_TABLES`) that hold the column.
    unit : AssignmentUnit
        The level of the assignment: as params.yaml says, else :func:`default_unit`.
    unit_given : bool
        Whether params.yaml says it (``control.unit``).
    counts : tuple of GroupCount
        Per table that holds the column or inherits it through ``customer_id``.
    control_customers, crm_customers : int or None
        Distinct customers in each group (from customers when it holds the column, else from
        the first table of ``counts`` with ``customer_id``); None when no table says.
    """

    column: str
    holding: tuple[str, ...]
    unit: AssignmentUnit
    unit_given: bool
    counts: tuple[GroupCount, ...]
    control_customers: int | None
    crm_customers: int | None

    @property
    def inherited(self) -> tuple[str, ...]:
        """The tables whose rows find their group through ``customer_id``."""
        return tuple(c.table for c in self.counts if c.found == Found.CUSTOMER)


def default_unit(column: str, holding: Collection[str]) -> AssignmentUnit:
    """The level of the assignment when params.yaml does not say it.

    ``rep_id`` → rep; ``customer_id`` → customer; a column of orders or opportunities (a
    region, a branch) → region; a column of customers only → customer.

    Examples
    --------
    >>> str(default_unit("Campaign Group", ["customers"])), str(default_unit("region", ["orders"]))
    ('customer', 'region')
    >>> str(default_unit("rep_id", ["orders", "opportunities"]))
    'rep'
    """
    if column == "rep_id":
        return AssignmentUnit.REP
    if column == "customer_id":
        return AssignmentUnit.CUSTOMER
    if {"orders", "opportunities"} & set(holding):
        return AssignmentUnit.REGION
    if "customers" in holding:
        return AssignmentUnit.CUSTOMER
    return AssignmentUnit.REGION


def _customer_flags(customers: pd.DataFrame, control: Control) -> tuple[pd.Series, pd.Series]:
    """Per customer (unique index, first row wins): in the control group, and labelled."""
    first = customers.drop_duplicates("customer_id")
    index = first["customer_id"].to_numpy()
    flags = pd.Series(is_label(first[control.column], control.values), index=index)
    labelled = pd.Series(first[control.column].notna().to_numpy(), index=index)
    return flags, labelled


def locate_control(tables: Mapping[str, pd.DataFrame], control: Control) -> ControlPlacement | None:
    """Where ``control.column`` is found, the assignment's level, and each group's size.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables (a control column kept under the client's name).
    control : Control
        The control group of params.yaml.

    Returns
    -------
    ControlPlacement or None
        None when no table of :data:`CONTROL_TABLES` holds the column.

    Examples
    --------
    >>> customers = pd.DataFrame({"customer_id": ["C1", "C2", "C3"],
    ...                           "Campaign Group": ["Test", "Control", None]})
    >>> orders = pd.DataFrame({"order_id": ["O1", "O2", "O3", "O4"],
    ...                        "customer_id": ["C1", "C2", "C2", "C9"]})
    >>> where = locate_control({"customers": customers, "orders": orders},
    ...                        Control("Campaign Group", ("control",)))
    >>> where.holding, str(where.unit), where.inherited
    (('customers',), 'customer', ('orders',))
    >>> [(c.table, c.control_rows, c.crm_rows, c.unlabelled_rows) for c in where.counts]
    [('customers', 1, 2, 1), ('orders', 2, 2, 1)]
    >>> where.control_customers, where.crm_customers
    (1, 2)
    """
    holding = tuple(
        name
        for name in CONTROL_TABLES
        if tables.get(name) is not None and control.column in tables[name].columns
    )
    if not holding:
        return None
    customers = tables.get("customers")
    linked = "customers" in holding and "customer_id" in customers.columns
    flags, labelled = _customer_flags(customers, control) if linked else (None, None)
    counts = []
    for name in dict.fromkeys((*CONTROL_TABLES, *INHERITING_TABLES)):
        frame = tables.get(name)
        if frame is None:
            continue
        if control.column in frame.columns:
            found = Found.OWN
            in_control = is_label(frame[control.column], control.values)
            known = frame[control.column].notna().to_numpy()
        elif linked and "customer_id" in frame.columns:
            found = Found.CUSTOMER
            in_control = lookup(frame["customer_id"], flags, False)
            known = lookup(frame["customer_id"], labelled, False)
        else:
            continue
        n_control = int(in_control.sum())
        counts.append(
            GroupCount(name, found, n_control, len(frame) - n_control, int((~known).sum()))
        )
    control_customers = crm_customers = None
    if linked:
        control_customers = int(flags.sum())
        crm_customers = int(len(flags) - control_customers)
    else:
        for name in holding:
            frame = tables[name]
            if "customer_id" in frame.columns:
                ids = frame["customer_id"]
                in_control = is_label(frame[control.column], control.values)
                control_ids = set(ids[in_control].dropna())
                control_customers = len(control_ids)
                crm_customers = len(set(ids[~in_control].dropna()) - control_ids)
                break
    unit = AssignmentUnit(control.unit) if control.unit else default_unit(control.column, holding)
    return ControlPlacement(
        column=control.column,
        holding=holding,
        unit=unit,
        unit_given=control.unit is not None,
        counts=tuple(counts),
        control_customers=control_customers,
        crm_customers=crm_customers,
    )


#: What validation expects when the orders do not allow ``control.unit``.
UNIT_EXPECTED = "control.unit customer, region or rep, as the orders allow"
#: What validation adds to :class:`UnitNeedsColumn`'s text in its warning.
NOT_COMPARED = "the revenue comparison with the control group is not made"

_UNIT_NEEDS = re.compile(
    r"control\.unit (?P<unit>\w+) needs (?P<column>\w+) in orders: (?:the sales rep|the customer)"
    r" of each order"
)


@dataclass(frozen=True)
class UnitNeedsColumn:
    """``control.unit`` needs a column the orders lack (``rep_id`` for reps, ``customer_id``
    for customers), so the monthly revenue comparison cannot use that level.

    Examples
    --------
    >>> UnitNeedsColumn(unit="rep", column="rep_id").english()
    'control.unit rep needs rep_id in orders: the sales rep of each order'
    >>> UnitNeedsColumn.read(UnitNeedsColumn("rep", "rep_id").warning())
    UnitNeedsColumn(unit='rep', column='rep_id')
    """

    unit: str
    column: str

    def english(self) -> str:
        """The fact in English, as :func:`assignment_problems` states it."""
        what = "the sales rep" if self.column == "rep_id" else "the customer"
        return f"control.unit {self.unit} needs {self.column} in orders: {what} of each order"

    def warning(self) -> str:
        """The fact as validation's warning says it (:data:`NOT_COMPARED` after it)."""
        return f"{self.english()}; {NOT_COMPARED}"

    @classmethod
    def read(cls, text: object) -> UnitNeedsColumn | None:
        """The fact of a text :meth:`english` or :meth:`warning` wrote; None for another."""
        if not isinstance(text, str):
            return None
        head = text.removesuffix(f"; {NOT_COMPARED}")
        match = _UNIT_NEEDS.fullmatch(head)
        if match is None:
            return None
        fact = cls(unit=match["unit"], column=match["column"])
        return fact if text in (fact.english(), fact.warning()) else None


def assignment_facts(
    placement: ControlPlacement, tables: Mapping[str, pd.DataFrame]
) -> list[UnitNeedsColumn]:
    """Why the monthly revenue comparison cannot use ``placement.unit``, as typed facts."""
    orders = tables.get("orders")
    if orders is None:
        return []
    needs = {AssignmentUnit.REP: "rep_id", AssignmentUnit.CUSTOMER: "customer_id"}
    column = needs.get(placement.unit)
    if column is None or column in orders.columns:
        return []
    return [UnitNeedsColumn(unit=str(placement.unit), column=column)]


def assignment_problems(
    placement: ControlPlacement, tables: Mapping[str, pd.DataFrame]
) -> list[str]:
    """Why the monthly revenue comparison cannot use ``placement.unit`` (empty when it can).

    The English of :func:`assignment_facts`.

    Examples
    --------
    >>> orders = pd.DataFrame({"order_id": ["O1"], "customer_id": ["C1"], "region": ["West"]})
    >>> where = locate_control({"orders": orders}, Control("region", ("West",), "rep"))
    >>> assignment_problems(where, {"orders": orders})
    ['control.unit rep needs rep_id in orders: the sales rep of each order']
    """
    return [fact.english() for fact in assignment_facts(placement, tables)]


def counts_frame(placement: ControlPlacement) -> pd.DataFrame:
    """The groups' sizes as a tidy table: one row per table (rows in each group)."""
    return pd.DataFrame(
        [
            {
                "table": c.table,
                "found": str(c.found),
                "control_rows": c.control_rows,
                "crm_rows": c.crm_rows,
                "unlabelled_rows": c.unlabelled_rows,
            }
            for c in placement.counts
        ],
        columns=["table", "found", "control_rows", "crm_rows", "unlabelled_rows"],
    )
