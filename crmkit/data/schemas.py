"""The canonical tables: their columns, types and constraints (DESIGN §3, a contract).

A client's exports are mapped onto these tables (see :mod:`crmkit.data.io`); every stage reads
only canonical names. Each table is optional; a stage states which tables it needs.

Column kinds
------------
``id``        text identifier, never parsed as a number ("007" stays "007")
``text``      free text or a label
``category``  a label from a fixed list (``allowed``), compared case-insensitively
``date``      a calendar date
``datetime``  a date and time
``number``    a real number (amounts, durations, scores)
``integer``   a whole number (counts, scale points, years)
``bool``      true / false (also 1 / 0, yes / no)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["Column", "Reference", "TableSchema", "TABLES", "found_in", "table_schema"]

ColumnKind = Literal["id", "text", "category", "date", "datetime", "number", "integer", "bool"]


@dataclass(frozen=True)
class Column:
    """One column of a canonical table.

    Attributes
    ----------
    name : str
        Canonical snake_case name.
    kind : str
        One of the kinds listed in the module docstring.
    description : str
        What the column holds, with its unit.
    examples : tuple
        Two example values, written into the template CSV files.
    required : bool
        Whether the table is unusable without it.
    minimum, maximum : float, optional
        Inclusive bounds for numbers.
    allowed : tuple of str, optional
        Allowed labels for ``category`` columns (lower case).
    aliases : tuple of str
        Other headers read as this column (``horizon`` for ``horizon_months``).
    fraction : bool
        A number that is a share (0.125): a value written ``12.5%`` is read as 0.125.
    """

    name: str
    kind: ColumnKind
    description: str
    examples: tuple[object, object]
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    aliases: tuple[str, ...] = ()
    fraction: bool = False

    @property
    def expected(self) -> str:
        """The rule in words, as validation messages state it."""
        if self.kind == "category" and self.allowed:
            return "one of " + " / ".join(self.allowed)
        if self.kind in ("number", "integer"):
            noun = "a whole number" if self.kind == "integer" else "a number"
            if self.minimum is not None and self.maximum is not None:
                return f"{noun} from {self.minimum:g} to {self.maximum:g}"
            if self.minimum is not None:
                return f"{noun} ≥ {self.minimum:g}"
            return noun
        return {
            "id": "an identifier",
            "text": "text",
            "category": "a label",
            "date": "a date such as 2025-01-31",
            "datetime": "a date and time such as 2025-01-31 14:05",
            "bool": "true or false (also 1 / 0, yes / no)",
        }[self.kind]


@dataclass(frozen=True)
class Reference:
    """A foreign key: ``column`` of this table must exist in ``table.target``."""

    column: str
    table: str
    target: str


def found_in(values: pd.Series, keys: pd.Series) -> np.ndarray:
    """Whether each of ``values`` is among ``keys``: ``values.isin(keys)`` as a bool array.

    References are checked on every row (a million orders against their customers): text
    identifiers held by Arrow are matched by Arrow itself, where pandas' ``isin`` would
    first turn every key into a Python string. Missing values are found only among
    missing keys, as with ``isin``.

    Examples
    --------
    >>> ids = pd.Series(["c1", "c2", "c9"], dtype="string[pyarrow]")
    >>> found_in(ids, pd.Series(["c1", "c2"], dtype="string[pyarrow]")).tolist()
    [True, True, False]
    >>> found_in(pd.Series([1, 2, 9]), pd.Series([1, 2])).tolist()
    [True, True, False]
    """
    if isinstance(values.array, pd.arrays.ArrowStringArray) and isinstance(
        keys.array, pd.arrays.ArrowStringArray
    ):
        child = pa.array(values.array)
        found = pc.is_in(child, value_set=pa.array(keys.array).cast(child.type))
        return found.to_numpy(zero_copy_only=False).astype(bool)
    return values.isin(keys).to_numpy(dtype=bool)


@dataclass(frozen=True)
class TableSchema:
    """A canonical table.

    Attributes
    ----------
    name : str
        The table's name, also its file name without extension.
    description : str
        What the table holds.
    columns : tuple of Column
        Required columns first, then the optional ones.
    id_column : str, optional
        The column that must be unique.
    date_column : str, optional
        The column that places a row in time (assessment window, coverage).
    references : tuple of Reference
        Foreign keys into other tables.
    extra_columns_allowed : bool
        Whether columns beyond the schema are expected (e.g. survey items).
    used_for : str
        Which parts of the assessment the table informs, in plain words.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    id_column: str | None = None
    date_column: str | None = None
    references: tuple[Reference, ...] = ()
    extra_columns_allowed: bool = False
    used_for: str = ""
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required columns."""
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Names of all schema columns, required first."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name`` (KeyError if the schema has none)."""
        return self._by_name[name]


def _c(name: str, kind: ColumnKind, description: str, examples: tuple, **rules) -> Column:
    return Column(name, kind, description, examples, **rules)


def _req(name: str, kind: ColumnKind, description: str, examples: tuple, **rules) -> Column:
    return Column(name, kind, description, examples, required=True, **rules)


_SUS_ITEMS = tuple(
    _c(
        f"sus_{i}",
        "integer",
        f"System Usability Scale item {i} (1–5)",
        (4, 3),
        minimum=1,
        maximum=5,
    )
    for i in range(1, 11)
)

TABLES: dict[str, TableSchema] = {
    t.name: t
    for t in (
        TableSchema(
            "customers",
            "One row per customer.",
            (
                _req("customer_id", "id", "customer identifier", ("C0001", "C0002")),
                _req(
                    "created_date",
                    "date",
                    "date the customer was acquired",
                    ("2023-04-02", "2024-11-20"),
                ),
                _c("segment", "text", "customer segment", ("Enterprise", "SMB")),
                _c("region", "text", "sales region", ("North", "West")),
                _c(
                    "churned_date",
                    "date",
                    "date the customer left; empty while active",
                    ("", "2025-06-30"),
                ),
            ),
            id_column="customer_id",
            date_column="created_date",
            used_for="retention and churn, cohorts, customer value, segments",
        ),
        TableSchema(
            "orders",
            "One row per sales order.",
            (
                _req("order_id", "id", "order identifier", ("O0001", "O0002")),
                _req("customer_id", "id", "customer who ordered", ("C0001", "C0002")),
                _req("order_date", "date", "date of the order", ("2024-03-15", "2025-02-01")),
                _req(
                    "amount",
                    "number",
                    "order value in the client's currency",
                    (1250.0, 380.5),
                    minimum=0,
                ),
                _c("quantity", "number", "units ordered", (3, 1), minimum=0),
                _c("rep_id", "id", "sales rep responsible", ("R01", "R07")),
                _c("channel", "text", "sales channel", ("online", "field")),
                _c("region", "text", "sales region", ("North", "West")),
            ),
            id_column="order_id",
            date_column="order_date",
            references=(Reference("customer_id", "customers", "customer_id"),),
            used_for="revenue and sales KPIs, purchase frequency, customer lifetime value",
        ),
        TableSchema(
            "opportunities",
            "One row per sales opportunity (deal) in the pipeline.",
            (
                _req("opportunity_id", "id", "opportunity identifier", ("P0001", "P0002")),
                _req(
                    "created_date",
                    "date",
                    "date the opportunity was opened",
                    ("2024-02-01", "2025-03-10"),
                ),
                _req(
                    "status",
                    "category",
                    "won / lost / open",
                    ("won", "lost"),
                    allowed=("won", "lost", "open"),
                ),
                _c(
                    "closed_date",
                    "date",
                    "date won or lost; empty while open",
                    ("2024-04-18", "2025-04-02"),
                ),
                _c(
                    "amount",
                    "number",
                    "deal value in the client's currency",
                    (25000.0, 8000.0),
                    minimum=0,
                ),
                _c("lead_source", "text", "where the lead came from", ("web", "referral")),
                _c("rep_id", "id", "sales rep responsible", ("R01", "R07")),
                _c("region", "text", "sales region", ("North", "West")),
            ),
            id_column="opportunity_id",
            date_column="created_date",
            used_for="win rate, deal size, sales cycle, sales productivity",
        ),
        TableSchema(
            "tickets",
            "One row per service ticket (request or complaint).",
            (
                _req("ticket_id", "id", "ticket identifier", ("T0001", "T0002")),
                _req(
                    "opened_at",
                    "datetime",
                    "when the ticket was opened",
                    ("2024-05-02 09:15", "2025-01-20 16:40"),
                ),
                _c("customer_id", "id", "customer who raised it", ("C0001", "C0002")),
                _c(
                    "first_response_at",
                    "datetime",
                    "first reply to the customer",
                    ("2024-05-02 11:00", "2025-01-20 17:05"),
                ),
                _c(
                    "resolved_at",
                    "datetime",
                    "when it was resolved; empty while open",
                    ("2024-05-03 10:00", ""),
                ),
                _c("channel", "text", "contact channel", ("email", "phone")),
                _c("is_complaint", "bool", "whether it is a complaint", ("false", "true")),
                _c(
                    "satisfaction",
                    "number",
                    "customer's rating of the ticket (1–5)",
                    (5, 3),
                    minimum=1,
                    maximum=5,
                ),
            ),
            id_column="ticket_id",
            date_column="opened_at",
            references=(Reference("customer_id", "customers", "customer_id"),),
            used_for="response and resolution times, complaints, service satisfaction",
        ),
        TableSchema(
            "surveys",
            "One row per customer survey response; extra columns hold multi-item scale items.",
            (
                _req("response_id", "id", "response identifier", ("S0001", "S0002")),
                _req("response_date", "date", "date of the response", ("2024-06-30", "2025-06-30")),
                _c("customer_id", "id", "responding customer", ("C0001", "C0002")),
                _c(
                    "nps",
                    "integer",
                    "likelihood to recommend (0–10)",
                    (9, 6),
                    minimum=0,
                    maximum=10,
                ),
                _c("csat", "integer", "satisfaction (1–5)", (4, 3), minimum=1, maximum=5),
                _c("ces", "integer", "customer effort (1–7)", (2, 5), minimum=1, maximum=7),
            ),
            id_column="response_id",
            date_column="response_date",
            references=(Reference("customer_id", "customers", "customer_id"),),
            extra_columns_allowed=True,
            used_for="NPS, CSAT, CES, loyalty scales",
        ),
        TableSchema(
            "usage",
            "CRM usage log: one row per user, day (and feature).",
            (
                _req("user_id", "id", "CRM user", ("U001", "U002")),
                _req("date", "date", "day of use", ("2025-01-06", "2025-01-06")),
                _c("sessions", "number", "sessions that day", (3, 1), minimum=0),
                _c("actions", "number", "actions recorded that day", (42, 7), minimum=0),
                _c("feature", "text", "feature used", ("pipeline", "service_console")),
            ),
            date_column="date",
            used_for="CRM adoption: active users, sessions, features",
        ),
        TableSchema(
            "user_survey",
            "CRM users' survey: System Usability Scale items and satisfaction.",
            (
                _req("user_id", "id", "responding CRM user", ("U001", "U002")),
                _req("response_date", "date", "date of the response", ("2024-11-15", "2025-11-15")),
                *_SUS_ITEMS,
                _c(
                    "satisfaction",
                    "number",
                    "overall satisfaction with the CRM (1–5)",
                    (4, 3),
                    minimum=1,
                    maximum=5,
                ),
            ),
            date_column="response_date",
            extra_columns_allowed=True,
            used_for="CRM users' satisfaction and usability (SUS)",
        ),
        TableSchema(
            "campaigns",
            "One row per marketing campaign.",
            (
                _req("campaign_id", "id", "campaign identifier", ("M001", "M002")),
                _req("start_date", "date", "campaign start", ("2024-03-01", "2025-03-01")),
                _req(
                    "cost",
                    "number",
                    "campaign cost in the client's currency",
                    (12000.0, 8000.0),
                    minimum=0,
                ),
                _c("channel", "text", "marketing channel", ("email", "events")),
                _c("contacts", "number", "people contacted", (5000, 1200), minimum=0),
                _c("responses", "number", "people who responded", (400, 90), minimum=0),
                _c(
                    "conversions",
                    "number",
                    "responses that became customers or orders",
                    (40, 12),
                    minimum=0,
                ),
                _c(
                    "revenue",
                    "number",
                    "revenue attributed, in the client's currency",
                    (60000.0, 15000.0),
                    minimum=0,
                ),
            ),
            id_column="campaign_id",
            date_column="start_date",
            used_for="marketing response, conversion, cost per acquisition, campaign ROI",
        ),
        TableSchema(
            "costs",
            "The CRM investment's costs per year (year 0 = initial).",
            (
                _req("year", "integer", "0 = initial, then year 1, 2, …", (0, 1), minimum=0),
                _req(
                    "category",
                    "text",
                    "economic use: licences, hardware, training, …",
                    ("licences", "training"),
                ),
                _req(
                    "amount",
                    "number",
                    "cost in the client's currency",
                    (150000.0, 20000.0),
                    minimum=0,
                ),
                _c(
                    "phase",
                    "text",
                    "lifecycle phase: planning, implementation, operation",
                    ("implementation", "operation"),
                ),
                _c(
                    "risk_adjustment",
                    "number",
                    "fraction by which the cost may be higher (0–1)",
                    (0.1, 0.05),
                    minimum=0,
                    maximum=1,
                    fraction=True,
                ),
            ),
            used_for="total cost of ownership, NPV, ROI, payback",
        ),
        TableSchema(
            "benefits",
            "Declared or estimated benefits per year.",
            (
                _req("year", "integer", "year 1, 2, …", (1, 2), minimum=0),
                _req(
                    "category",
                    "text",
                    "kind of benefit",
                    ("sales productivity", "service efficiency"),
                ),
                _req(
                    "amount",
                    "number",
                    "benefit in the client's currency",
                    (120000.0, 90000.0),
                    minimum=0,
                ),
                _c(
                    "risk_adjustment",
                    "number",
                    "fraction by which the benefit may be lower (0–1)",
                    (0.15, 0.1),
                    minimum=0,
                    maximum=1,
                    fraction=True,
                ),
                _c(
                    "kpi",
                    "text",
                    "the KPI whose measured change supports it",
                    ("revenue", "first_response_hours"),
                ),
            ),
            used_for="declared benefits for NPV, ROI, payback",
        ),
        TableSchema(
            "benchmarks",
            "Industry benchmark values for KPIs.",
            (
                _req("kpi", "text", "KPI name", ("win_rate", "nps")),
                _req(
                    "value",
                    "number",
                    "benchmark value, in the KPI's unit",
                    (0.22, 35),
                    fraction=True,
                ),
                _c(
                    "source",
                    "text",
                    "where the figure comes from",
                    ("industry survey 2024", "association report"),
                ),
            ),
            id_column="kpi",
            used_for="comparison with industry benchmarks",
        ),
        TableSchema(
            "actions",
            "Improvement actions the client considers; a row named as a catalog action "
            "overrides it, the others extend the catalog.",
            (
                _req(
                    "action",
                    "text",
                    "name of the action",
                    ("CRM user training", "Key-account days"),
                ),
                _req("kpi", "text", "KPI name the action moves", ("active_user_rate", "win_rate")),
                _req(
                    "expected_effect",
                    "number",
                    "expected relative improvement of the KPI (0.10 = 10 % better)",
                    (0.12, 0.05),
                    minimum=0,
                    fraction=True,
                ),
                _req(
                    "expected_cost",
                    "number",
                    "expected cost in the client's currency",
                    (18000.0, 40000.0),
                    minimum=0,
                ),
                _c("owner", "text", "who owns the action", ("CRM training lead", "Head of Sales")),
                _c(
                    "horizon_months",
                    "integer",
                    "months until the effect is reached (a column named horizon is read as this)",
                    (3, 6),
                    minimum=0,
                    aliases=("horizon",),
                ),
            ),
            id_column="action",
            used_for="next best activity: actions, their effect, cost, owner and horizon",
        ),
    )
}


def table_schema(name: str) -> TableSchema:
    """The schema of the canonical table ``name``.

    Raises
    ------
    KeyError
        With the list of known tables when ``name`` is not one of them.
    """
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}") from None
