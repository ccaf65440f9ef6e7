"""A client's shape: which data it has, how its customers behave, and its dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from crmkit.data.schemas import TABLES as _SCHEMAS

__all__ = [
    "ALL_TABLES",
    "HOSTILE_TEXTS",
    "ClientShape",
    "Timeline",
    "add_months",
    "crm_regions",
    "rep_ids",
    "timeline",
]

ALL_TABLES = tuple(_SCHEMAS)

#: Text that breaks a page that does not escape it: markup, script, attribute breakers,
#: template and formula syntax, a markdown link, quotes and non-ASCII letters.
HOSTILE_TEXTS = (
    "<script>window.x=1</script>",
    '"><img src=x onerror="window.x=2">',
    "{{7*7}} ${x} & <b>bold</b>",
    "[click](javascript:window.x=3)",
    "=SUM(A1:A9); DROP TABLE orders; --",
    "Zoë & Søn 'Ltd' \"<i>\"",
)


@dataclass(frozen=True)
class ClientShape:
    """One differently shaped client: which data it has and how its customers behave.

    Attributes
    ----------
    name : str
        Key in :data:`SHAPES`; also the client folder's name in the matrix.
    stresses : str
        What the shape stresses in the kit, in one sentence.
    tables : tuple of str
        The canonical tables written (``customers`` and ``orders`` at least for most).
    order_columns : tuple of str
        The optional columns of orders.csv written: any of quantity, rep_id, channel, region.
    regions : tuple of str
        The customers' regions (or branches), equally likely.
    reps_per_region : int
        Sales reps (account managers) per region; each customer has one.
    control_column : {"region", "rep_id"} or None
        The column of params.yaml's ``control``; None: no control group, every unit got the
        CRM.
    control_regions : tuple of str
        Regions that never got the CRM (their reps when ``control_column`` is rep_id).
    go_live : datetime.date
        The CRM's go-live (may fall in mid-month).
    before_months, after_months : int
        Lengths of the before and after windows, in months.
    extra_history_months : int
        Months of data before the before window.
    data_start : {"history", "go_live"}
        "go_live": the orders (and every dated table) start at go-live, the before window
        is empty.
    n_customers : int
        Customers present when the history starts (one cohort: the cohort's size).
    purchases_per_year : float
        Mean yearly purchase rate of a customer.
    rate_shape : float or None
        Gamma shape of the customers' rates (small = very unequal); None: every customer the
        same rate.
    seasonality : float
        Relative amplitude of a yearly cycle of the purchase rate (peak in December).
    churn_annual : float
        Annual probability that a customer stops buying for good; 0: nobody ever stops.
    churn_recorded : bool
        customers.csv gives the day a customer stopped (``churned_date``, a contract's end);
        False: customers leave without a word, as in a shop (``churned_date`` absent).
    acquisition_per_year : float or None
        New customers per year as a share of ``n_customers``; None: as many as churn takes
        (a stationary base).
    one_cohort : bool
        Every customer is acquired, and places its first order, in the history's first
        quarter; nobody is acquired later.
    effect : float
        Relative change of the purchase rate from go-live in the units that got the CRM
        (0.12 = +12 %).
    effect_in_control : bool
        The same change happens in the control group too (a market-wide change).
    amount_ties : bool
        Amounts are quantity x one of four list prices: many exact ties.
    zero_amount_share : float
        Share of orders with amount 0 (free samples, warranty replacements).
    refund_share : float
        Share of orders refunded later by a row with the negative amount.
    duplicate_order_ids : int
        Orders whose order_id is reused by another, different order.
    hostile_text : bool
        Markup and script in every text column, the client's name and control labels.
    dayfirst : {None, "mixed", "ambiguous"}
        orders.csv's dates written day first (31/12/2024); "ambiguous": every day of the
        month 12 or less, so no row tells the order of day and month.
    declare_dayfirst : bool
        params.yaml says ``dayfirst: true``.
    expected : {"report", "rejected"}
        What the kit should do: write a report (exit 0), or stop at validation (exit 1, no
        report folder).
    currency : str
        The client's currency.
    """

    name: str
    stresses: str
    tables: tuple[str, ...] = ("customers", "orders")
    order_columns: tuple[str, ...] = ("quantity", "rep_id", "channel", "region")
    regions: tuple[str, ...] = ("North", "South", "West")
    reps_per_region: int = 3
    control_column: Literal["region", "rep_id"] | None = "region"
    control_regions: tuple[str, ...] = ("West",)
    go_live: dt.date = dt.date(2025, 1, 1)
    before_months: int = 12
    after_months: int = 12
    extra_history_months: int = 0
    data_start: Literal["history", "go_live"] = "history"
    n_customers: int = 600
    purchases_per_year: float = 4.0
    rate_shape: float | None = 1.5
    seasonality: float = 0.0
    churn_annual: float = 0.2
    churn_recorded: bool = True
    acquisition_per_year: float | None = None
    one_cohort: bool = False
    effect: float = 0.0
    effect_in_control: bool = False
    amount_ties: bool = False
    zero_amount_share: float = 0.0
    refund_share: float = 0.0
    duplicate_order_ids: int = 0
    hostile_text: bool = False
    dayfirst: Literal["mixed", "ambiguous"] | None = None
    declare_dayfirst: bool = False
    expected: Literal["report", "rejected"] = "report"
    currency: str = "USD"

    def __post_init__(self) -> None:
        unknown = set(self.tables) - set(ALL_TABLES)
        if unknown:
            raise ValueError(f"{self.name}: unknown tables {sorted(unknown)}")
        if not set(self.control_regions) <= set(self.regions):
            raise ValueError(f"{self.name}: control regions must be among the regions")
        if self.control_column is not None and len(self.control_regions) == len(self.regions):
            raise ValueError(f"{self.name}: every region is control; none got the CRM")
        if not 0 <= self.churn_annual < 1:
            raise ValueError(f"{self.name}: churn_annual must be in [0, 1)")
        if self.before_months < 1 or self.after_months < 1:
            raise ValueError(f"{self.name}: windows need at least one month")


@dataclass(frozen=True)
class Timeline:
    """The dates of a shape: windows, the span of its data (``data_end`` inclusive)."""

    go_live: dt.date
    before_start: dt.date
    before_end: dt.date
    after_start: dt.date
    after_end: dt.date
    data_start: dt.date
    data_end: dt.date


def add_months(day: dt.date, months: int) -> dt.date:
    return (pd.Timestamp(day) + pd.DateOffset(months=months)).date()


def timeline(shape: ClientShape) -> Timeline:
    """The windows and the data's span of ``shape``.

    The before window is the ``before_months`` months before go-live, the after window the
    ``after_months`` months from go-live; the data end with the after window (the export's
    day) and start ``extra_history_months`` before the before window, or at go-live.

    Examples
    --------
    >>> t = timeline(ClientShape("x", "", go_live=dt.date(2025, 3, 15), after_months=5))
    >>> t.before_start, t.before_end, t.after_end
    (datetime.date(2024, 3, 15), datetime.date(2025, 3, 14), datetime.date(2025, 8, 14))
    """
    before_start = add_months(shape.go_live, -shape.before_months)
    after_end = add_months(shape.go_live, shape.after_months) - dt.timedelta(days=1)
    data_start = (
        shape.go_live
        if shape.data_start == "go_live"
        else add_months(before_start, -shape.extra_history_months)
    )
    return Timeline(
        go_live=shape.go_live,
        before_start=before_start,
        before_end=shape.go_live - dt.timedelta(days=1),
        after_start=shape.go_live,
        after_end=after_end,
        data_start=data_start,
        data_end=after_end,
    )


def crm_regions(shape: ClientShape) -> tuple[str, ...]:
    """The regions that got the CRM: all but the control regions (all without control)."""
    if shape.control_column is None:
        return shape.regions
    return tuple(r for r in shape.regions if r not in shape.control_regions)


def rep_ids(shape: ClientShape, region: str) -> tuple[str, ...]:
    """The sales reps of ``region``: ``R`` + the region's number + the rep's number.

    Examples
    --------
    >>> rep_ids(ClientShape("x", ""), "South")
    ('R201', 'R202', 'R203')
    """
    number = shape.regions.index(region) + 1
    return tuple(f"R{number}{k + 1:02d}" for k in range(shape.reps_per_region))
