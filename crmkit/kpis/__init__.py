"""The KPI catalog: every KPI defined once, and its observations in an assessment window.

Each :class:`KPI` names itself (the key ``kpis.<name>`` of results.json), says how a reader
sees it (label, unit, which direction is better, balanced-scorecard perspective, report area),
which canonical tables and optional columns it needs, how it is tested (``kind``, and its unit
of ``observation``), its formula in words, and one function, ``observe``, that returns its raw
observations in a window. The value of a KPI is always :func:`kpi_value` of those
observations, so the sales, service, impact, scorecard and summary stages cannot disagree.

Kinds and what ``observe`` returns
----------------------------------
============ ================================================= ===============================
kind         observations                                      value (:func:`kpi_value`)
============ ================================================= ===============================
mean         Series of float, one per observation              their mean
median       Series of float (durations)                       their median
proportion   :class:`Proportion` (successes, n)                successes / n
rate         :class:`Rate` (events, exposure, per)             events / exposure × per
paired       Series indexed by unit id (rep_id, user_id)       mean over units
series       Series indexed by month start, one per month      mean over months (per month)
============ ================================================= ===============================

``mean`` and ``median`` observations are indexed by the unit they cluster in (not unique):
``customer_id`` for orders and tickets (a ticket without a customer column: its ticket_id),
``opportunity_id`` for deals, ``user_id`` for survey responses, (``user_id``, ``month``) for
usage. Orders of one customer are not independent (a few large customers order often), so a
test that treats orders as independent overstates its precision; the index lets the
statistics resample or cluster by customer. A ``paired`` Series is indexed by its unit id.

A ``series`` KPI also states ``aggregate`` ("sum" or "mean"): how the window's figure is formed
from its months (:func:`window_aggregate`; the window's revenue is the sum of its months). Its
value is always the **monthly mean**, so windows of different length compare fairly: the value
of ``revenue_monthly`` is revenue per month. Months the data do not cover (before the first or
after the last dated row of the table) are left out, so a table that starts at go-live gives an
empty before series rather than a row of zeros; months inside the data's span with no activity
are 0. A window starting or ending mid-month counts only its own days of that month.

``Proportion`` and ``Rate`` may carry ``by_unit``: the same sums broken down by the unit that
is the independent observation (a campaign, a customer). The statistics should then resample
or model those units; contacts of one campaign, or orders of one customer, are not
independent. A ``Rate``'s ``events`` need not be a count: ``cost_per_response`` is a ratio of
two sums (cost / responses), and its test must come from ``by_unit``, never from a Poisson
model.

Units (``KPI.unit``)
--------------------
What a reader sees next to the number. ``currency`` is replaced by the client's currency when
displayed (:func:`display_unit`). Shares, rates and ratios are fractions (0.25 = 25 %), as in
results.json. The vocabulary: ``currency``, ``currency per month``, ``currency per rep-month``,
``share``, ``ratio``, ``days``, ``hours``, ``units per order``, ``orders per customer-year``,
``orders per buying customer``, ``customers per month``, ``opportunities per rep-month``,
``per 1,000 orders``, ``tickets per customer-year``, ``sessions per user-month``,
``features per user-month``, ``points (0–100)``, ``score (1–5)``.

Scope: the units that got the CRM
---------------------------------
``observe(..., exclude=control)`` drops rows of the control group (the units that did NOT get
the CRM). A row's unit is found, in this order: the table's own control column (e.g.
``orders.region``); else through its customer (``customer_id`` → ``customers.<column>``, e.g.
tickets); else through its member of staff (``rep_id`` or ``user_id``: a member of staff
belongs to the control group when most of their orders and opportunities do, e.g. the usage
log and the staff survey); else the KPI is company-wide for that table (campaigns have no
region). Labels are compared ignoring case and surrounding spaces. Rows whose unit cannot be
determined (a customer missing from customers) are kept: the scope is "not known to be in the
control group". :func:`scope_of` says, per KPI, which of these applied.

Censoring (outcomes not known yet at the export date)
-----------------------------------------------------
Opportunities still open and tickets not yet answered or resolved when the data were exported
are right-censored. Deals that close fast (lost ones, in most pipelines) would otherwise be
over-represented in the latest cohorts. The rule, :data:`MATURITY_QUANTILE`: the data's end is
the latest date in the table; the maturity horizon is the 95th percentile of the observed
durations (created → closed, taken for won and for lost deals and the longer of the two kept;
opened → first response; opened → resolved); only rows started at least one horizon before the
data's end count towards the outcome KPIs (win rate, deal size, sales cycle, first response,
resolution, share resolved). A window that ended long before the export loses nothing; the
last months of an after window that ends at the export are left out. Within that mature
cohort, still-open rows are excluded (win rate: won / (won + lost)) or, for share resolved,
count as not resolved. What remains is small but not nil: the slowest ~5 % of the youngest
mature cohorts are still unknown, which shortens a median duration by a few per cent (about
−2 % for the demo's sales cycle after go-live); the survival methods of the statistics stage
remove it where it matters.

Not defined here, on purpose
----------------------------
- Revenue growth rate = (after − before) / before is ``revenue_monthly``'s relative change
  (``change_pct`` in results.json), not a second KPI; so is any "growth" of another KPI.
- Loss rate = 1 − win rate.
- NPS, CSAT, CES, churn, retention and customer-value KPIs belong to :mod:`crmkit.domains.survey`,
  :mod:`crmkit.domains.customers` and :mod:`crmkit.domains.clv`.
- Quota attainment needs quotas, which no canonical table holds.

Examples
--------
>>> import pandas as pd
>>> from crmkit.data.config import Window
>>> orders = pd.DataFrame({
...     "order_id": ["O1", "O2", "O3"], "customer_id": ["C1", "C2", "C1"],
...     "order_date": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-03-01"]),
...     "amount": [100.0, 200.0, 300.0]})
>>> aov = get_kpi("average_order_value")
>>> obs = aov.observe({"orders": orders}, Window(pd.Timestamp("2024-01-01").date(),
...                   pd.Timestamp("2024-12-31").date()), exclude=None)
>>> kpi_value(aov, obs)
200.0
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.config import Assessment, Control, Window
from crmkit.data.labels import is_label, lookup
from crmkit.stats.comparable import INACTIVITY_DAYS

__all__ = [
    "AGE_SENSITIVE",
    "AGGREGATES",
    "AREAS",
    "CATALOG",
    "DIRECTIONS",
    "KINDS",
    "KPI",
    "MATURITY_QUANTILE",
    "MEASURING_DOMAINS",
    "PERSPECTIVES",
    "Proportion",
    "Rate",
    "available",
    "catalog_frame",
    "channel_counts",
    "control_view",
    "display_unit",
    "get_kpi",
    "kpi_value",
    "monthly_panel",
    "needs",
    "observation_count",
    "observe_windows",
    "rows_in_window",
    "scope_of",
    "sus_scores",
    "window_aggregate",
]

Tables = Mapping[str, pd.DataFrame]

KINDS = ("mean", "median", "proportion", "rate", "paired", "series", "nps")
DIRECTIONS = ("higher", "lower")
PERSPECTIVES = ("financial", "customer", "internal_process", "learning_and_growth")
AREAS = ("sales", "service", "adoption", "marketing", "satisfaction", "loyalty", "value")
AGGREGATES = ("sum", "mean")
#: The domains that measure a KPI's change themselves (``KPI.measured_by``).
MEASURING_DOMAINS = ("survey", "customers", "clv")

#: Quantile of observed durations that sets the maturity horizon (see "Censoring").
MATURITY_QUANTILE = 0.95
_DAYS_PER_YEAR = 365.0  # customer-years, as the demo's truth counts them
_DAYS_PER_MONTH = 365.25 / 12.0
_NOT_RECORDED = "(not recorded)"
_SUS_ITEMS = tuple(f"sus_{i}" for i in range(1, 11))


# ---------------------------------------------------------------------------------------------
# Observation containers
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proportion:
    """Observations of a ``proportion`` KPI: ``successes`` out of ``n`` trials.

    Attributes
    ----------
    successes : int
        Trials with the outcome (won deals, resolved tickets, responses).
    n : int
        All trials (won + lost deals, tickets, contacts).
    by_unit : DataFrame, optional
        When the trials are clustered in independent units (campaigns), the same counts per
        unit: index = unit id, columns ``successes`` and ``n`` (their sums are the totals).
    """

    successes: int
    n: int
    by_unit: pd.DataFrame | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.n < 0 or self.successes < 0 or self.successes > self.n:
            raise ValueError(f"need 0 <= successes <= n, got {self.successes} of {self.n}")


@dataclass(frozen=True)
class Rate:
    """Observations of a ``rate`` KPI: ``events`` per ``exposure``, times ``per``.

    Attributes
    ----------
    events : float
        The numerator's sum: complaints, orders, or money (cost, net return).
    exposure : float
        The denominator's sum: orders, customer-years, responses, cost.
    per : float
        The scale: 1000 for "per 1,000 orders", 1 otherwise.
    by_unit : DataFrame, optional
        The same sums per independent unit (customer, campaign): index = unit id, columns
        ``events`` and ``exposure``.
    """

    events: float
    exposure: float
    per: float = 1.0
    by_unit: pd.DataFrame | None = field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------------------------------------
# The KPI
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KPI:
    """One key performance indicator, defined once.

    Attributes
    ----------
    name : str
        snake_case key (``kpis.<name>`` in results.json).
    label : str
        How the report names it.
    unit : str
        How a reader sees it (vocabulary in the module docstring).
    direction : {'higher', 'lower'}
        Which direction is better.
    perspective : str
        Balanced-scorecard perspective, one of :data:`PERSPECTIVES`.
    area : str
        The report area (notebook) that shows it, one of :data:`AREAS`.
    tables : tuple of str
        Canonical tables it needs, all of them.
    kind : str
        How it is tested, one of :data:`KINDS`.
    observation : str
        Its unit of observation for testing ("order", "ticket", "user-month", "month", …).
    definition : str
        The formula in plain words, shown in the report.
    observe : callable or None
        ``observe(tables, window, *, exclude) -> observations`` (see the module docstring);
        None for a KPI measured by its domain (``measured_by``).
    columns : tuple of (table, column)
        Optional columns of those tables it also needs.
    aggregate : {'sum', 'mean'} or None
        For ``series`` KPIs: how the window's figure is formed from its months.
    notes : str
        Judgment calls a reader should know: scope, censoring, denominators.
    measured_by : str or None
        The domain that measures the KPI's before/after change itself, one of
        :data:`MEASURING_DOMAINS`, for KPIs whose comparison needs both windows at once
        (churn follows customers across them) or lives in a domain module; None for a KPI
        measured from its ``observe`` observations. The catalog defines the KPI and names its
        domain; it imports no domain module: :mod:`crmkit.measure`, above both, joins each
        such KPI to its domain's compare function.
    """

    name: str
    label: str
    unit: str
    direction: str
    perspective: str
    area: str
    tables: tuple[str, ...]
    kind: str
    observation: str
    definition: str
    observe: Callable[..., Any] | None = field(repr=False, compare=False)
    columns: tuple[tuple[str, str], ...] = ()
    aggregate: str | None = None
    notes: str = ""
    measured_by: str | None = None

    def __post_init__(self) -> None:
        for attr, allowed in (
            ("kind", KINDS),
            ("direction", DIRECTIONS),
            ("perspective", PERSPECTIVES),
            ("area", AREAS),
        ):
            if getattr(self, attr) not in allowed:
                raise ValueError(f"KPI {self.name}: {attr} must be one of {allowed}")
        if (self.kind == "series") != (self.aggregate in AGGREGATES):
            raise ValueError(f"KPI {self.name}: a series needs aggregate sum or mean, others none")
        if (self.observe is None) == (self.measured_by is None):
            raise ValueError(f"KPI {self.name}: give exactly one of observe and measured_by")
        if self.measured_by is not None and self.measured_by not in MEASURING_DOMAINS:
            raise ValueError(f"KPI {self.name}: measured_by must be one of {MEASURING_DOMAINS}")


# ---------------------------------------------------------------------------------------------
# Small helpers: windows, months, control scope
# ---------------------------------------------------------------------------------------------


def _ns(dates: pd.Series) -> np.ndarray:
    return dates.to_numpy(dtype="datetime64[ns]")


def _in_window(dates: pd.Series, window: Window) -> np.ndarray:
    """True where a date or time falls on a day of the inclusive window (NaT: False)."""
    return window.contains(dates)


def _month_starts(dates: pd.Series) -> np.ndarray:
    """Each date's month start as datetime64[ns] (NaT stays NaT)."""
    return _ns(dates).astype("datetime64[M]").astype("datetime64[ns]")


def _window_months(window: Window) -> pd.DatetimeIndex:
    first = pd.Timestamp(window.start).to_period("M").to_timestamp()
    months = pd.date_range(first, pd.Timestamp(window.end), freq="MS", name="month")
    return months.as_unit("ns")


def _window_months_length(window: Window) -> float:
    """The window's length in average months (365.25 / 12 days)."""
    return ((window.end - window.start).days + 1) / _DAYS_PER_MONTH


def _fill_months(
    per_month: pd.Series, window: Window, coverage: pd.Series | None, name: str
) -> pd.Series:
    """``per_month`` on every month of the window that ``coverage`` spans, 0 where absent."""
    months = _window_months(window)
    if coverage is not None:
        known = coverage.dropna()
        if known.empty:
            months = months[:0]
        else:
            first = known.min().to_period("M").to_timestamp()
            last = known.max().to_period("M").to_timestamp()
            months = months[(months >= first) & (months <= last)]
    out = per_month.astype("float64").reindex(months, fill_value=0.0)
    out.index.name = "month"
    return out.rename(name)


def _links_customers(tables: Tables, control: Control) -> bool:
    customers = tables.get("customers")
    return customers is not None and {"customer_id", control.column} <= set(customers.columns)


def _links_staff(tables: Tables, control: Control) -> bool:
    for name in ("orders", "opportunities"):
        frame = tables.get(name)
        if frame is not None and "rep_id" in frame:
            if control.column in frame or (
                "customer_id" in frame and _links_customers(tables, control)
            ):
                return True
    return False


def _customers_in_control(tables: Tables, control: Control) -> pd.Series:
    """Whether each customer (index, unique) is in the control group."""
    customers = tables["customers"]
    flags = pd.Series(
        is_label(customers[control.column], control.values),
        index=customers["customer_id"].to_numpy(),
    )
    return flags[~flags.index.duplicated()]


def _row_flags_direct(frame: pd.DataFrame, tables: Tables, control: Control) -> np.ndarray | None:
    """Control flags from the row's own column or its customer; None if neither exists."""
    if control.column in frame:
        return is_label(frame[control.column], control.values)
    if "customer_id" in frame and _links_customers(tables, control):
        return lookup(frame["customer_id"], _customers_in_control(tables, control), False)
    return None


def _staff_in_control(tables: Tables, control: Control) -> pd.Series:
    """Whether each member of staff (index: rep_id) is in the control group.

    A member of staff belongs to the control group when more than half of their orders and
    opportunities do.
    """
    staff, flags = [], []
    for name in ("orders", "opportunities"):
        frame = tables.get(name)
        if frame is None or "rep_id" not in frame:
            continue
        row_flags = _row_flags_direct(frame, tables, control)
        if row_flags is not None:
            staff.append(frame["rep_id"].astype("str"))
            flags.append(row_flags)
    if not staff:
        return pd.Series(False, index=pd.Index([], dtype="str"))
    codes, uniques = pd.factorize(pd.concat(staff, ignore_index=True))
    known = codes >= 0
    rows = np.bincount(codes[known], minlength=len(uniques))
    in_control = np.bincount(
        codes[known], weights=np.concatenate(flags)[known], minlength=len(uniques)
    )
    return pd.Series(in_control > 0.5 * rows, index=pd.Index(uniques))


def _control_route(columns: Collection[str], tables: Tables, control: Control) -> str | None:
    """How rows with these columns are tied to the control column (see the module docstring)."""
    if control.column in columns:
        return "own"
    if "customer_id" in columns and _links_customers(tables, control):
        return "customer"
    for key in ("rep_id", "user_id"):
        if key in columns and _links_staff(tables, control):
            return key
    return None


def _control_flags(frame: pd.DataFrame, tables: Tables, control: Control) -> np.ndarray:
    """True for rows known to belong to the control group."""
    route = _control_route(frame.columns, tables, control)
    if route in ("own", "customer"):
        return _row_flags_direct(frame, tables, control)
    if route in ("rep_id", "user_id"):
        return lookup(frame[route], _staff_in_control(tables, control), False)
    return np.zeros(len(frame), dtype=bool)


def _crm_rows(frame: pd.DataFrame, tables: Tables, exclude: Control | None) -> pd.DataFrame:
    """``frame`` without the rows of the control group (all rows when ``exclude`` is None)."""
    if exclude is None or frame.empty:
        return frame
    return frame.loc[~_control_flags(frame, tables, exclude)]


def _rows_in(
    tables: Tables, table: str, date_column: str, window: Window, exclude: Control | None
) -> pd.DataFrame:
    frame = tables[table]
    return _crm_rows(frame.loc[_in_window(frame[date_column], window)], tables, exclude)


def rows_in_window(
    tables: Tables, table: str, date_column: str, window: Window, *, exclude: Control | None
) -> pd.DataFrame:
    """The rows of ``table`` dated in ``window`` that belong to the CRM units.

    The same scope as every KPI's observations (see "Scope"): rows of the control group
    ``exclude`` are left out, found through the row's own column, its customer or its rep.
    Used for volumes (tickets resolved, deals won) that turn a KPI change into money.
    """
    return _rows_in(tables, table, date_column, window, exclude)


def _maturity_cutoff(
    started: pd.Series, ended: pd.Series, outcome: pd.Series | None = None
) -> pd.Timestamp | None:
    """The latest start whose outcome the data can be expected to show (see "Censoring").

    data end = latest date in ``started`` or ``ended``; horizon = the
    :data:`MATURITY_QUANTILE` of the observed durations ``ended - started`` (with ``outcome``,
    the largest of that quantile per outcome, e.g. won and lost: the slower outcome sets the
    horizon); cutoff = data end - horizon. None when no duration is observed (nothing can be
    said, nothing is cut).
    """
    durations = ended - started
    known = durations.notna() & (durations >= pd.Timedelta(0))
    if not known.any():
        return None
    if outcome is None:
        horizon = durations[known].quantile(MATURITY_QUANTILE)
    else:
        horizon = durations[known].groupby(outcome[known]).quantile(MATURITY_QUANTILE).max()
    data_end = max(started.max(), ended.max())
    return data_end - horizon


def _mature(
    frame: pd.DataFrame, started: str, ended: str, outcome: str | None = None
) -> np.ndarray:
    """True for rows started early enough to have an observable outcome."""
    if ended not in frame:
        return np.ones(len(frame), dtype=bool)
    by = frame[outcome] if outcome is not None else None
    cutoff = _maturity_cutoff(frame[started], frame[ended], by)
    if cutoff is None:
        return np.ones(len(frame), dtype=bool)
    return (frame[started] <= cutoff).to_numpy(dtype=bool)


def _values(values: pd.Series, ids: pd.Series, name: str) -> pd.Series:
    """Float values indexed by the unit they cluster in, without missing values.

    ``values`` and ``ids`` are columns of the same rows (aligned by position).
    """
    out = pd.Series(
        values.to_numpy(dtype="float64", na_value=np.nan),
        index=pd.Index(ids.to_numpy(), name=ids.name),
        name=name,
    )
    return out[out.notna().to_numpy()]


def _hours(later: pd.Series, earlier: pd.Series) -> pd.Series:
    hours = (later - earlier) / pd.Timedelta(hours=1)
    return hours.where(hours >= 0)  # a negative duration is a data error (validation warns)


def _ticket_ids(rows: pd.DataFrame) -> pd.Series:
    """The unit tickets cluster in: their customer where known, else the ticket itself."""
    return rows["customer_id"] if "customer_id" in rows else rows["ticket_id"]


# ---------------------------------------------------------------------------------------------
# Reusable observers (callable objects, so monthly_panel can read what they total)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _MonthlyTotal:
    """Observer of a ``series`` KPI: a table's rows (or a column's sum) per calendar month.

    ``covered`` = True leaves out months outside the table's dated span (an export that starts
    or stops inside the window); False fills every month of the window (a month without a new
    customer is a fact, not a gap).
    """

    name: str
    table: str
    date_column: str
    value_column: str | None
    covered: bool = True

    def values(self, frame: pd.DataFrame) -> pd.Series:
        if self.value_column is None:
            return pd.Series(1.0, index=frame.index)
        return frame[self.value_column].astype("float64")

    def __call__(
        self, tables: Tables, window: Window, *, exclude: Control | None = None
    ) -> pd.Series:
        rows = _rows_in(tables, self.table, self.date_column, window, exclude)
        per_month = self.values(rows).groupby(_month_starts(rows[self.date_column])).sum()
        coverage = tables[self.table][self.date_column] if self.covered else None
        return _fill_months(per_month, window, coverage, self.name)


@dataclass(frozen=True)
class _PerRepMonth:
    """Observer of a ``paired`` KPI: a monthly total per sales rep, averaged over the window.

    Value per rep = the rep's total in the window / the window's length in months. Reps with
    no row in a window are absent from it (a rep who joined or left is not a zero).
    """

    total: _MonthlyTotal

    def __call__(
        self, tables: Tables, window: Window, *, exclude: Control | None = None
    ) -> pd.Series:
        t = self.total
        rows = _rows_in(tables, t.table, t.date_column, window, exclude)
        rows = rows.loc[rows["rep_id"].notna()]
        per_rep = t.values(rows).groupby(rows["rep_id"].to_numpy()).sum()
        per_rep = per_rep / _window_months_length(window)
        per_rep.index.name = "rep_id"
        return per_rep.astype("float64").sort_index().rename(t.name)


# ---------------------------------------------------------------------------------------------
# Observers: sales
# ---------------------------------------------------------------------------------------------


def _observe_average_order_value(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _rows_in(tables, "orders", "order_date", window, exclude)
    return _values(rows["amount"], rows["customer_id"], "average_order_value")


def _observe_units_per_order(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _rows_in(tables, "orders", "order_date", window, exclude)
    return _values(rows["quantity"], rows["customer_id"], "units_per_order")


def _observe_orders_per_buyer(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _rows_in(tables, "orders", "order_date", window, exclude)
    counts = rows["customer_id"].value_counts().astype("float64")  # missing ids left out
    counts.index.name = "customer_id"
    return counts.sort_index().rename("orders_per_buyer")


def _churn_recorded(customers: pd.DataFrame) -> bool:
    return "churned_date" in customers and bool(customers["churned_date"].notna().any())


def _customer_years(
    tables: Tables, window: Window, exclude: Control | None
) -> tuple[pd.Series, pd.Series | None]:
    """Each CRM customer's years active in the window (index customer_id; only > 0).

    Returns the years and, where activity is judged by inactivity, the first day on which each
    customer's activity can be known (else None).

    Active from ``created_date`` (inclusive) until ``churned_date`` (exclusive; empty: still
    active), clipped to the window's days; years of 365 days. Where the customers table records
    no churn at all (no ``churned_date`` column, or every cell empty) and orders are given, a
    customer is active on the days within :data:`~crmkit.stats.comparable.INACTIVITY_DAYS` after
    their creation or one of their orders — the churn KPI's rule — so that customers who left
    without a word do not count as customers for ever (which would make every per-customer
    rate fall as the history grows, whatever the CRM does). For a customer created before the
    orders' history begins, activity can be known only from ``INACTIVITY_DAYS`` after that
    beginning: days and events before it are left out of the rate, in both windows alike
    (otherwise the days before their first order seen would be missing from the exposure and
    the first window's rate would be too high).
    """
    customers = _crm_rows(tables["customers"], tables, exclude)
    start = np.datetime64(pd.Timestamp(window.start), "ns")
    stop = np.datetime64(pd.Timestamp(window.end) + pd.Timedelta(days=1), "ns")
    orders = tables.get("orders")
    if not _churn_recorded(tables["customers"]) and orders is not None and len(orders):
        return _active_years_by_inactivity(customers, orders, start, stop)
    begins = np.maximum(_ns(customers["created_date"]), start)
    if "churned_date" in customers:
        churned = _ns(customers["churned_date"])
        ends = np.where(np.isnat(churned), stop, np.minimum(churned, stop))
    else:
        ends = np.full(len(customers), stop)
    days = (ends - begins) / np.timedelta64(1, "D")
    years = pd.Series(days / _DAYS_PER_YEAR, index=customers["customer_id"].to_numpy())
    years = years[years > 0]
    years.index.name = "customer_id"
    return years.groupby(level=0).sum(), None


def _active_years_by_inactivity(
    customers: pd.DataFrame, orders: pd.DataFrame, start: np.datetime64, stop: np.datetime64
) -> tuple[pd.Series, pd.Series]:
    """Years each customer is active in [start, stop) by the inactivity rule, and from when.

    Every activity a_j (creation or order, sorted per customer) opens the interval
    [a_j, min(a_j + INACTIVITY_DAYS, a_(j+1))); the intervals are disjoint, and their parts
    inside the window, from the day the customer's activity can be known, add up to the
    customer's active days.
    """
    history = _ns(orders["order_date"])
    history_start = history[~np.isnat(history)].min()
    created = _ns(customers["created_date"])
    lapse_days = np.timedelta64(INACTIVITY_DAYS, "D")
    known = np.where(created < history_start, history_start + lapse_days, created)
    known_from = pd.Series(known, index=pd.Index(customers["customer_id"], name="customer_id"))
    known_from = known_from.groupby(level=0, sort=False).min()
    ids = customers["customer_id"]
    linked = orders["customer_id"].isin(ids)
    events = pd.DataFrame(
        {
            "customer_id": np.concatenate(
                [ids.to_numpy(object), orders.loc[linked, "customer_id"].to_numpy(object)]
            ),
            "day": np.concatenate([created, _ns(orders.loc[linked, "order_date"])]),
        }
    )
    events = events.loc[~np.isnat(events["day"].to_numpy("datetime64[ns]"))]
    events = events.sort_values(["customer_id", "day"], kind="stable")
    day = events["day"].to_numpy("datetime64[ns]")
    same = events["customer_id"].to_numpy(object)
    following = np.empty_like(day)
    following[:-1] = day[1:]
    last = np.ones(len(day), dtype=bool)
    last[:-1] = same[1:] != same[:-1]
    lapse = day + lapse_days
    ends = np.minimum(np.where(last, lapse, np.minimum(lapse, following)), stop)
    first_known = known_from.reindex(same).to_numpy("datetime64[ns]")
    begins = np.maximum(np.maximum(day, start), first_known)
    days = np.maximum((ends - begins) / np.timedelta64(1, "D"), 0.0)
    years = pd.Series(days / _DAYS_PER_YEAR, index=pd.Index(same, name="customer_id"))
    years = years.groupby(level=0, sort=False).sum()
    return years[years > 0], known_from


def _per_customer_year(
    tables: Tables, window: Window, exclude: Control | None, table: str, date_column: str
) -> Rate:
    """Rows of ``table`` dated in the window per active customer-year of the CRM customers."""
    exposure, known_from = _customer_years(tables, window, exclude)
    frame = tables[table]
    rows = frame.loc[_in_window(frame[date_column], window), ["customer_id", date_column]]
    if known_from is not None:  # events before a customer's activity can be known are left out
        first = known_from.reindex(rows["customer_id"]).to_numpy("datetime64[ns]")
        rows = rows.loc[~(_ns(rows[date_column]) < first)]
    positions = exposure.index.get_indexer(rows["customer_id"].to_numpy())
    events = np.bincount(positions[positions >= 0], minlength=len(exposure))
    by_customer = pd.DataFrame(
        {"events": events.astype("float64"), "exposure": exposure.to_numpy()},
        index=exposure.index,
    )
    return Rate(
        events=float(by_customer["events"].sum()),
        exposure=float(by_customer["exposure"].sum()),
        per=1.0,
        by_unit=by_customer,
    )


def _observe_purchase_frequency(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> Rate:
    return _per_customer_year(tables, window, exclude, "orders", "order_date")


def _mature_opportunities(tables: Tables, window: Window, exclude: Control | None) -> pd.DataFrame:
    """Opportunities created in the window, mature (see "Censoring"), of CRM units."""
    opps = tables["opportunities"]
    keep = _in_window(opps["created_date"], window) & _mature(
        opps, "created_date", "closed_date", "status"
    )
    rows = _crm_rows(opps.loc[keep], tables, exclude)
    return rows.assign(status=rows["status"].astype("str").str.strip().str.lower())


def _observe_win_rate(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> Proportion:
    status = _mature_opportunities(tables, window, exclude)["status"]
    won, lost = int((status == "won").sum()), int((status == "lost").sum())
    return Proportion(successes=won, n=won + lost)


def _observe_average_deal_size(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _mature_opportunities(tables, window, exclude)
    won = rows.loc[rows["status"] == "won"]
    return _values(won["amount"], won["opportunity_id"], "average_deal_size")


def _observe_sales_cycle_days(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _mature_opportunities(tables, window, exclude)
    won = rows.loc[rows["status"] == "won"]
    days = (won["closed_date"] - won["created_date"]) / pd.Timedelta(days=1)
    return _values(days.where(days >= 0), won["opportunity_id"], "sales_cycle_days")


# ---------------------------------------------------------------------------------------------
# Observers: service
# ---------------------------------------------------------------------------------------------


def _tickets_in(
    tables: Tables, window: Window, exclude: Control | None, *, outcome: str | None = None
) -> pd.DataFrame:
    """Tickets opened in the window, of CRM units; mature for ``outcome`` when given."""
    tickets = tables["tickets"]
    keep = _in_window(tickets["opened_at"], window)
    if outcome is not None:
        keep &= _mature(tickets, "opened_at", outcome)
    return _crm_rows(tickets.loc[keep], tables, exclude)


def _observe_first_response_hours(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _tickets_in(tables, window, exclude, outcome="first_response_at")
    hours = _hours(rows["first_response_at"], rows["opened_at"])
    return _values(hours, _ticket_ids(rows), "first_response_hours")


def _observe_resolution_hours(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _tickets_in(tables, window, exclude, outcome="resolved_at")
    hours = _hours(rows["resolved_at"], rows["opened_at"])
    return _values(hours, _ticket_ids(rows), "resolution_hours")


def _observe_ticket_resolved_share(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> Proportion:
    rows = _tickets_in(tables, window, exclude, outcome="resolved_at")
    return Proportion(successes=int(rows["resolved_at"].notna().sum()), n=len(rows))


def _observe_complaints_per_1000_orders(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> Rate:
    if exclude is not None and _control_route(tables["tickets"].columns, tables, exclude) is None:
        exclude = None  # tickets cannot be scoped: count orders company-wide too, like them
    tickets = _tickets_in(tables, window, exclude)
    complaints = tickets["is_complaint"].astype("boolean").fillna(False).astype(bool).sum()
    orders = _rows_in(tables, "orders", "order_date", window, exclude)
    return Rate(events=float(complaints), exposure=float(len(orders)), per=1000.0)


def _observe_ticket_satisfaction(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _tickets_in(tables, window, exclude)
    return _values(rows["satisfaction"], _ticket_ids(rows), "ticket_satisfaction")


def _observe_tickets_per_customer(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> Rate:
    return _per_customer_year(tables, window, exclude, "tickets", "opened_at")


def channel_counts(
    tables: Tables, window: Window, *, exclude: Control | None = None, table: str = "tickets"
) -> pd.Series:
    """How many tickets (or orders) of the CRM units came through each channel in the window.

    A distribution, not a KPI: the channel mix of the interaction-effectiveness analysis.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables; ``table`` must be among them.
    window : Window
        Inclusive dates; tickets count by ``opened_at``, orders by ``order_date``.
    exclude : Control, optional
        The control group, whose rows are left out.
    table : {'tickets', 'orders'}
        Whose channel to count.

    Returns
    -------
    Series of int
        Index ``channel`` (rows without a channel, or a table without the column, count under
        "(not recorded)"), sorted by count (largest first) then name; named ``table``.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmkit.data.config import Window
    >>> t = pd.DataFrame({"ticket_id": ["T1", "T2", "T3"],
    ...     "opened_at": pd.to_datetime(["2024-01-02", "2024-01-03", "2024-01-04"]),
    ...     "channel": ["email", "phone", "email"]})
    >>> w = Window(pd.Timestamp("2024-01-01").date(), pd.Timestamp("2024-01-31").date())
    >>> channel_counts({"tickets": t}, w).to_dict()
    {'email': 2, 'phone': 1}
    """
    dates = {"tickets": "opened_at", "orders": "order_date"}
    if table not in dates:
        raise ValueError(f"channel_counts counts tickets or orders, not {table!r}")
    date_column = dates[table]
    rows = _rows_in(tables, table, date_column, window, exclude)
    if "channel" in rows:
        channel = rows["channel"].astype("str").fillna(_NOT_RECORDED)
    else:
        channel = pd.Series(_NOT_RECORDED, index=rows.index, dtype="str")
    counts = channel.value_counts().rename(table)
    counts.index.name = "channel"
    counts = counts.sort_index().sort_values(ascending=False, kind="stable")  # ties by name
    return counts.astype("int64")


# ---------------------------------------------------------------------------------------------
# Observers: adoption
# ---------------------------------------------------------------------------------------------


def _observe_active_user_rate(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    usage = _crm_rows(tables["usage"], tables, exclude)
    users = usage["user_id"].nunique()
    rows = usage.loc[_in_window(usage["date"], window)]
    active = rows.groupby(_month_starts(rows["date"]))["user_id"].nunique()
    rate = active / users if users else active.astype("float64")
    return _fill_months(rate, window, tables["usage"]["date"], "active_user_rate")


def _usage_rows(
    tables: Tables, window: Window, exclude: Control | None, column: str
) -> pd.DataFrame:
    rows = _rows_in(tables, "usage", "date", window, exclude)
    return rows.loc[rows["user_id"].notna() & rows[column].notna()]


def _observe_sessions_per_active_user(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _usage_rows(tables, window, exclude, "sessions")
    # a day's sessions once, even where the log repeats them on each feature row of the day
    per_day = rows.groupby([rows["user_id"].to_numpy(), _ns(rows["date"])])["sessions"].max()
    months = per_day.index.get_level_values(1).to_numpy().astype("datetime64[M]")
    users = per_day.index.get_level_values(0)
    per_month = per_day.groupby([users, months.astype("datetime64[ns]")]).sum()
    per_month.index.names = ["user_id", "month"]
    return per_month.astype("float64").rename("sessions_per_active_user")


def _observe_features_per_active_user(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _usage_rows(tables, window, exclude, "feature")
    keys = [rows["user_id"].to_numpy(), _month_starts(rows["date"])]
    per_month = rows["feature"].groupby(keys).nunique()
    per_month.index.names = ["user_id", "month"]
    return per_month.astype("float64").rename("features_per_active_user")


def sus_scores(items: pd.DataFrame) -> pd.Series:
    """System Usability Scale score (0–100) of each response, by Brooke's rule.

    Parameters
    ----------
    items : DataFrame
        Columns ``sus_1`` … ``sus_10``, each 1–5 (strongly disagree … strongly agree).

    Returns
    -------
    Series of float
        One score per row, same index; NaN where any item is missing.

    Notes
    -----
    Odd items are positively worded and contribute (response − 1); even items are negatively
    worded and contribute (5 − response); score = 2.5 × the sum of the ten contributions.

    References
    ----------
    Brooke, J. (1996). SUS: a "quick and dirty" usability scale. In P. W. Jordan et al.
    (eds.), *Usability Evaluation in Industry*, 189–194. Taylor & Francis.

    Examples
    --------
    >>> import pandas as pd
    >>> sus_scores(pd.DataFrame([[3] * 10], columns=[f"sus_{i}" for i in range(1, 11)]))
    0    50.0
    dtype: float64
    """
    values = items[list(_SUS_ITEMS)].to_numpy(dtype="float64")
    contributions = np.where(np.arange(10) % 2 == 0, values - 1.0, 5.0 - values)
    return pd.Series(contributions.sum(axis=1) * 2.5, index=items.index)  # NaN propagates


def _observe_sus_score(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _rows_in(tables, "user_survey", "response_date", window, exclude)
    return _values(sus_scores(rows), rows["user_id"], "sus_score")


def _observe_user_satisfaction(
    tables: Tables, window: Window, *, exclude: Control | None = None
) -> pd.Series:
    rows = _rows_in(tables, "user_survey", "response_date", window, exclude)
    return _values(rows["satisfaction"], rows["user_id"], "user_satisfaction")


# ---------------------------------------------------------------------------------------------
# Observers: marketing (the campaign is the unit of observation)
# ---------------------------------------------------------------------------------------------


def _campaign_sums(
    tables: Tables, window: Window, exclude: Control | None, numerator: str, denominator: str
) -> pd.DataFrame:
    """Per campaign started in the window: numerator and denominator (both known)."""
    rows = _rows_in(tables, "campaigns", "start_date", window, exclude)
    if numerator == "net_return":
        top = rows["revenue"] - rows["cost"]
    else:
        top = rows[numerator]
    out = pd.DataFrame(
        {
            "top": top.astype("float64").to_numpy(),
            "bottom": rows[denominator].astype("float64").to_numpy(),
        },
        index=pd.Index(rows["campaign_id"].to_numpy(), name="campaign_id"),
    )
    return out.dropna()


def _campaign_proportion(numerator: str, denominator: str) -> Callable[..., Proportion]:
    def observe(tables: Tables, window: Window, *, exclude: Control | None = None) -> Proportion:
        sums = _campaign_sums(tables, window, exclude, numerator, denominator)
        by_unit = sums.round().astype("int64").set_axis(["successes", "n"], axis=1)
        return Proportion(
            successes=int(by_unit["successes"].sum()), n=int(by_unit["n"].sum()), by_unit=by_unit
        )

    return observe


def _campaign_ratio(numerator: str, denominator: str) -> Callable[..., Rate]:
    def observe(tables: Tables, window: Window, *, exclude: Control | None = None) -> Rate:
        sums = _campaign_sums(tables, window, exclude, numerator, denominator)
        by_unit = sums.set_axis(["events", "exposure"], axis=1)
        return Rate(
            events=float(by_unit["events"].sum()),
            exposure=float(by_unit["exposure"].sum()),
            per=1.0,
            by_unit=by_unit,
        )

    return observe


# ---------------------------------------------------------------------------------------------
# The catalog
# ---------------------------------------------------------------------------------------------

_REVENUE = _MonthlyTotal("revenue_monthly", "orders", "order_date", "amount")
_NEW_CUSTOMERS = _MonthlyTotal(
    "new_customers_monthly", "customers", "created_date", None, covered=False
)
_REP_REVENUE = _MonthlyTotal("revenue_per_rep", "orders", "order_date", "amount")
_REP_OPPORTUNITIES = _MonthlyTotal("opportunities_per_rep", "opportunities", "created_date", None)

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
        _observe_average_order_value,
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
        _observe_units_per_order,
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
        _observe_purchase_frequency,
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
        _observe_orders_per_buyer,
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
        _observe_win_rate,
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
        _observe_average_deal_size,
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
        _observe_sales_cycle_days,
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
        _PerRepMonth(_REP_OPPORTUNITIES),
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
        _PerRepMonth(_REP_REVENUE),
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
        _observe_first_response_hours,
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
        _observe_resolution_hours,
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
        _observe_ticket_resolved_share,
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
        _observe_complaints_per_1000_orders,
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
        _observe_ticket_satisfaction,
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
        _observe_tickets_per_customer,
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
        _observe_active_user_rate,
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
        _observe_sessions_per_active_user,
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
        _observe_features_per_active_user,
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
        _observe_sus_score,
        columns=tuple(("user_survey", item) for item in _SUS_ITEMS),
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
        _observe_user_satisfaction,
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
        _campaign_proportion("responses", "contacts"),
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
        _campaign_proportion("conversions", "responses"),
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
        _campaign_ratio("cost", "responses"),
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
        _campaign_ratio("cost", "conversions"),
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
        _campaign_ratio("net_return", "cost"),
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


# ---------------------------------------------------------------------------------------------
# Public functions
# ---------------------------------------------------------------------------------------------


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


def display_unit(kpi: KPI, currency: str) -> str:
    """The KPI's unit as a reader sees it, "currency" replaced by the client's currency.

    Examples
    --------
    >>> display_unit(get_kpi("revenue_monthly"), "CNY")
    'CNY per month'
    """
    return kpi.unit.replace("currency", currency)


def _gaps(
    kpi: KPI, tables: Mapping[str, pd.DataFrame] | Collection[str]
) -> tuple[list[str], dict[str, list[str]], list[tuple[str, str]]]:
    """What ``kpi`` lacks: absent tables; absent columns by table; columns without values."""
    missing = [t for t in kpi.tables if t not in tables]
    if missing or not isinstance(tables, Mapping):
        return missing, {}, []
    absent: dict[str, list[str]] = {}
    for t, c in kpi.columns:
        if c not in tables[t]:
            absent.setdefault(t, []).append(c)
    if absent:
        return [], absent, []
    empty = [(t, c) for t, c in kpi.columns if len(tables[t]) and tables[t][c].isna().all()]
    return [], {}, empty


def available(kpi: KPI, tables: Mapping[str, pd.DataFrame] | Collection[str]) -> str | None:
    """Why ``kpi`` cannot be computed from ``tables``, or None when it can.

    Parameters
    ----------
    kpi : KPI
    tables : mapping of str to DataFrame, or collection of str
        The tables present. Given only names, columns cannot be checked.

    Returns
    -------
    str or None
        E.g. "needs tickets", "needs tickets and orders", "needs column quantity in orders",
        "needs values in column quantity of orders" (the column is there but empty).

    Examples
    --------
    >>> available(get_kpi("complaints_per_1000_orders"), ["orders"])
    'needs tickets'
    """
    missing, absent, empty = _gaps(kpi, tables)
    if missing:
        return "needs " + " and ".join(missing)
    if absent:
        parts = [
            f"column{'s' if len(cs) > 1 else ''} {', '.join(cs)} in {t}" for t, cs in absent.items()
        ]
        return "needs " + " and ".join(parts)
    if empty:
        t, c = empty[0]
        return f"needs values in column {c} of {t}"
    return None


def needs(kpi: KPI, tables: Mapping[str, pd.DataFrame] | Collection[str]) -> str | None:
    """The data that would let ``kpi`` be measured, named as the client provides it.

    The ``needs`` of a "not measured" KPI in results.json: the files (``<table>.csv``, the
    name ``crmkit init`` gives them; ``.xlsx`` and ``.parquet`` do as well) or columns absent.

    Returns
    -------
    str or None
        E.g. "tickets.csv", "tickets.csv and orders.csv", "column is_complaint of
        tickets.csv", "columns nps, csat of surveys.csv", "values in column quantity of
        orders.csv"; None when nothing is missing.

    Examples
    --------
    >>> needs(get_kpi("complaints_per_1000_orders"), ["orders"])
    'tickets.csv'
    >>> import pandas as pd
    >>> needs(get_kpi("units_per_order"), {"orders": pd.DataFrame(columns=["order_id"])})
    'column quantity of orders.csv'
    """
    missing, absent, empty = _gaps(kpi, tables)
    if missing:
        return " and ".join(f"{t}.csv" for t in missing)
    if absent:
        parts = [
            f"column{'s' if len(cs) > 1 else ''} {', '.join(cs)} of {t}.csv"
            for t, cs in absent.items()
        ]
        return " and ".join(parts)
    if empty:
        t, c = empty[0]
        return f"values in column {c} of {t}.csv"
    return None


def kpi_value(kpi: KPI, observations: Any) -> float:
    """The KPI's value from its observations: the one definition used everywhere.

    Parameters
    ----------
    kpi : KPI
    observations
        What ``kpi.observe`` returned.

    Returns
    -------
    float
        mean: the mean; median: the median; proportion: successes / n; rate: events /
        exposure × per; paired: the mean over units; series: the mean over months (for a
        ``sum`` series the monthly level, e.g. revenue per month). NaN when there is nothing
        to compute it from (no observation, n = 0, exposure = 0).

    Examples
    --------
    >>> kpi_value(get_kpi("win_rate"), Proportion(successes=1, n=4))
    0.25
    >>> kpi_value(get_kpi("complaints_per_1000_orders"), Rate(3, 200, per=1000))
    15.0
    """
    if kpi.kind == "proportion":
        return observations.successes / observations.n if observations.n else float("nan")
    if kpi.kind == "rate":
        if not observations.exposure:
            return float("nan")
        return observations.events / observations.exposure * observations.per
    values = pd.Series(observations, dtype="float64").dropna()
    if values.empty:
        return float("nan")
    return float(values.median() if kpi.kind == "median" else values.mean())


def window_aggregate(kpi: KPI, observations: pd.Series) -> float:
    """A ``series`` KPI's figure for the whole window: the sum or mean of its months.

    E.g. the window's revenue (``revenue_monthly``: sum) or its average active-user rate
    (``active_user_rate``: mean). NaN when the window has no observed month.

    Raises
    ------
    ValueError
        For a KPI that is not a series.
    """
    if kpi.kind != "series":
        raise ValueError(f"{kpi.name} is a {kpi.kind} KPI; only series have a window aggregate")
    values = pd.Series(observations, dtype="float64").dropna()
    if values.empty:
        return float("nan")
    return float(values.sum() if kpi.aggregate == "sum" else values.mean())


def observation_count(kpi: KPI, observations: Any) -> int:
    """How many observations, in the KPI's unit of observation (``n_before`` / ``n_after``).

    Series: months; mean, median, paired: values (units for paired); proportion: trials ``n``;
    rate: the exposure rounded (orders, customer-years); either of these with ``by_unit``: the
    units (campaigns, customers).
    """
    if kpi.kind in ("proportion", "rate"):
        if observations.by_unit is not None:
            return len(observations.by_unit)
        if kpi.kind == "proportion":
            return int(observations.n)
        return int(round(observations.exposure))
    return int(pd.Series(observations, dtype="float64").notna().sum())


def scope_of(kpi: KPI, tables: Tables, control: Control | None) -> str:
    """How the KPI's rows are restricted to the units that got the CRM, in words.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmkit.data.config import Control
    >>> tables = {"campaigns": pd.DataFrame(columns=["campaign_id", "start_date", "cost"])}
    >>> scope_of(get_kpi("campaign_roi"), tables, Control("region", ("West",)))
    'campaigns: company-wide (no link to region)'
    """
    if control is None:
        return "all units (no control group)"
    parts = []
    for name in kpi.tables:
        frame = tables.get(name)
        if frame is None:
            continue
        route = _control_route(frame.columns, tables, control)
        what = {
            "own": f"{control.column} of each row",
            "customer": f"{control.column} of the row's customer",
            "rep_id": f"{control.column} of the rep's orders and opportunities",
            "user_id": f"{control.column} of the user's orders and opportunities (as rep)",
            None: f"company-wide (no link to {control.column})",
        }[route]
        excluded = "" if route is None else f" not in {', '.join(control.values)}"
        parts.append(f"{name}: {what}{excluded}")
    return "; ".join(parts)


def control_view(tables: Tables, control: Control) -> dict[str, pd.DataFrame]:
    """The control group's rows of every table that can be tied to it.

    The same tie as the CRM scope (see "Scope": the row's own column, its customer, or its
    member of staff, decided on the full tables); a table that cannot be tied (campaigns
    without the control column, costs) is left out, so a KPI that needs it is not measured on
    the control group. Measured with no control group to exclude, a KPI's observations of
    this view are the control group's own.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables.
    control : Control
        The units that did not get the CRM.

    Returns
    -------
    dict of str to DataFrame
        Table name → its rows known to belong to the control group (possibly none).

    Examples
    --------
    >>> import pandas as pd
    >>> customers = pd.DataFrame({"customer_id": ["C1", "C2"], "region": ["West", "North"]})
    >>> tickets = pd.DataFrame({"ticket_id": ["T1", "T2", "T3"],
    ...                         "customer_id": ["C2", "C1", "C1"]})
    >>> campaigns = pd.DataFrame({"campaign_id": ["K1"]})
    >>> view = control_view({"customers": customers, "tickets": tickets,
    ...                      "campaigns": campaigns}, Control("region", ("west",)))
    >>> sorted(view), view["tickets"]["ticket_id"].tolist()
    (['customers', 'tickets'], ['T2', 'T3'])
    """
    view = {}
    for name, frame in tables.items():
        if _control_route(frame.columns, tables, control) is None:
            continue
        view[name] = frame.loc[_control_flags(frame, tables, control)]
    return view


def observe_windows(
    tables: Tables, assessment: Assessment, kpis: Iterable[KPI | str] | None = None
) -> dict[str, tuple[Any, Any] | str]:
    """Observations of each KPI in the before and after windows, for the CRM units.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables present.
    assessment : Assessment
        Supplies ``before``, ``after`` and ``control`` (whose rows are left out).
    kpis : iterable of KPI or str, optional
        Which KPIs (default: the whole catalog), in the order wanted.

    Returns
    -------
    dict
        name → ``(before_observations, after_observations)``, or the reason it is skipped
        (see :func:`available`).
    """
    chosen = CATALOG if kpis is None else [k if isinstance(k, KPI) else get_kpi(k) for k in kpis]
    out: dict[str, tuple[Any, Any] | str] = {}
    for kpi in chosen:
        reason = available(kpi, tables)
        if reason is not None:
            out[kpi.name] = reason
            continue
        if kpi.observe is None:
            continue  # measured by its domain, not by observations per window
        out[kpi.name] = tuple(
            kpi.observe(tables, window, exclude=assessment.control)
            for window in (assessment.before, assessment.after)
        )
    return out


def _panel_source(kpi: KPI) -> _MonthlyTotal:
    observer = kpi.observe
    if isinstance(observer, _PerRepMonth):
        return observer.total
    if isinstance(observer, _MonthlyTotal):
        return observer
    supported = ", ".join(
        k.name for k in CATALOG if isinstance(k.observe, _MonthlyTotal | _PerRepMonth)
    )
    raise ValueError(f"monthly_panel has no panel for {kpi.name}; it supports {supported}")


def monthly_panel(
    tables: Tables, assessment: Assessment, kpi_name: str, *, unit: str
) -> pd.DataFrame:
    """Monthly values of a KPI per unit (region, rep, …), for difference-in-differences.

    Parameters
    ----------
    tables : mapping of str to DataFrame
        The validated canonical tables.
    assessment : Assessment
        Supplies the windows and the control group.
    kpi_name : str
        A KPI whose observations are monthly totals: ``revenue_monthly``,
        ``new_customers_monthly``, ``revenue_per_rep``, ``opportunities_per_rep``.
    unit : str
        The column that names the units: a column of the KPI's table (``region``,
        ``rep_id`` — also spelled ``rep`` —, ``channel``), or a column of customers reached
        through ``customer_id`` (e.g. ``segment``).

    Returns
    -------
    DataFrame
        One row per unit and month of the before and after windows, sorted by unit, month:
        ``unit`` (str), ``month`` (month start), ``value`` (float: the month's total within
        the window; 0 for a month without rows), ``treated`` (bool: the unit is not in the
        control group; for a unit other than the control column, when at most half of its
        rows are the control group's; all True without a control group), ``after`` (bool:
        the row belongs to the after window; a month split by go-live appears once per
        window). Months before a unit's first or after its last row in the whole table are
        left out (the unit did not exist yet, or any more).

    Raises
    ------
    ValueError
        When the KPI has no monthly panel or ``unit`` is not a column it can reach.
    """
    source = _panel_source(get_kpi(kpi_name))
    unit_column = "rep_id" if unit == "rep" else unit
    frame = tables[source.table]
    if unit_column in frame:
        units = frame[unit_column]
    elif (
        "customer_id" in frame
        and "customers" in tables
        and unit_column in tables["customers"]
        and "customer_id" in tables["customers"]
    ):
        customers = tables["customers"].drop_duplicates("customer_id")
        units = frame["customer_id"].map(customers.set_index("customer_id")[unit_column])
    else:
        raise ValueError(f"{source.table} has no column {unit_column} to group {kpi_name} by")
    work = pd.DataFrame(
        {
            "unit": units.astype("str").to_numpy(),
            "date": _ns(frame[source.date_column]),
            "value": source.values(frame).to_numpy(),
        }
    )
    has_unit = units.notna().to_numpy()
    if assessment.control is None:
        control = np.zeros(len(frame), dtype=bool)
    else:
        control = _control_flags(frame, tables, assessment.control)
    work["control"] = control
    work = work.loc[has_unit & work["date"].notna().to_numpy()]
    work["month"] = work["date"].to_numpy().astype("datetime64[M]").astype("datetime64[ns]")
    per_unit = work.groupby("unit").agg(
        first=("month", "min"), last=("month", "max"), control=("control", "mean")
    )
    treated = per_unit["control"] <= 0.5
    panels = []
    for is_after, window in ((False, assessment.before), (True, assessment.after)):
        rows = work.loc[_in_window(work["date"], window)]
        totals = rows.groupby(["unit", "month"])["value"].sum()
        grid = pd.MultiIndex.from_product(
            [per_unit.index, _window_months(window)], names=["unit", "month"]
        )
        panel = totals.reindex(grid, fill_value=0.0).rename("value").reset_index()
        span = per_unit.loc[panel["unit"]]
        alive = (panel["month"].to_numpy() >= span["first"].to_numpy()) & (
            panel["month"].to_numpy() <= span["last"].to_numpy()
        )
        panel = panel.loc[alive]
        panel["treated"] = treated.reindex(panel["unit"]).to_numpy(dtype=bool)
        panel["after"] = is_after
        panels.append(panel)
    out = pd.concat(panels, ignore_index=True)
    out["value"] = out["value"].astype("float64")
    return out.sort_values(["unit", "month", "after"], kind="stable").reset_index(drop=True)
