"""What a KPI is: its definition, and the containers of its observations.

Each :class:`KPI` names itself (the key ``kpis.<name>`` of results.json), says how a reader
sees it (label, unit, which direction is better, balanced-scorecard perspective, report area),
which canonical tables and optional columns it needs, how it is tested (``kind``, and its unit
of ``observation``), its formula in words, and one function, ``observe``, that returns its raw
observations in a window. The value of a KPI is always :func:`crmkit.kpis.kpi_value` of those
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
from its months (:func:`crmkit.kpis.window_aggregate`; the window's revenue is the sum of its
months). Its value is always the **monthly mean**, so windows of different length compare
fairly: the value of ``revenue_monthly`` is revenue per month. Months the data do not cover
(before the first or after the last dated row of the table) are left out, so a table that
starts at go-live gives an empty before series rather than a row of zeros; months inside the
data's span with no activity are 0. A window starting or ending mid-month counts only its own
days of that month.

``Proportion`` and ``Rate`` may carry ``by_unit``: the same sums broken down by the unit that
is the independent observation (a campaign, a customer). The statistics should then resample
or model those units; contacts of one campaign, or orders of one customer, are not
independent. A ``Rate``'s ``events`` need not be a count: ``cost_per_response`` is a ratio of
two sums (cost / responses), and its test must come from ``by_unit``, never from a Poisson
model.

Units (``KPI.unit``)
--------------------
What a reader sees next to the number. ``currency`` is replaced by the client's currency when
displayed (:func:`crmkit.kpis.display_unit`). Shares, rates and ratios are fractions (0.25 =
25 %), as in results.json. The vocabulary: ``currency``, ``currency per month``, ``currency per
rep-month``, ``share``, ``ratio``, ``days``, ``hours``, ``units per order``, ``orders per
customer-year``, ``orders per buying customer``, ``customers per month``, ``opportunities per
rep-month``, ``per 1,000 orders``, ``tickets per customer-year``, ``sessions per user-month``,
``features per user-month``, ``points (0–100)``, ``score (1–5)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

__all__ = [
    "AGGREGATES",
    "AREAS",
    "DIRECTIONS",
    "KINDS",
    "KPI",
    "MEASURING_DOMAINS",
    "PERSPECTIVES",
    "Proportion",
    "Rate",
    "Tables",
]

#: The canonical tables by name, as every observer takes them.
Tables = Mapping[str, pd.DataFrame]

KINDS = ("mean", "median", "proportion", "rate", "paired", "series", "nps")
DIRECTIONS = ("higher", "lower")
PERSPECTIVES = ("financial", "customer", "internal_process", "learning_and_growth")
AREAS = ("sales", "service", "adoption", "marketing", "satisfaction", "loyalty", "value")
AGGREGATES = ("sum", "mean")
#: The domains that measure a KPI's change themselves (``KPI.measured_by``).
MEASURING_DOMAINS = ("survey", "customers", "clv")


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
