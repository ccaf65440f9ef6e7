"""Differently shaped synthetic clients: the inputs of the robustness matrix.

The demo client (:mod:`crmkit.demo.synth`) is one well-behaved company. Real clients are not: their
exports lack tables and columns, their windows are short or unequal, their go-live falls in
mid-month, their files hold a handful of rows or tens of thousands, refunds, ties, zeros,
duplicated ids, hostile text and day-first dates; their customers may all come from one
acquisition cohort or their history may start at go-live. A :class:`ClientShape` states one
such client; :func:`write_client` writes it as a consultant's client folder (``params.yaml``
and ``data/*.csv``, DESIGN §3); :data:`SHAPES` names the catalogue the robustness matrix
(``benchmarks/robustness_matrix.py``) and its fast subset in the tests run end to end.

The customers' behaviour (everything seeded and deterministic):

- a customer buys as a Poisson process at its own yearly rate, gamma-distributed across
  customers (mean :attr:`ClientShape.purchases_per_year`, shape
  :attr:`ClientShape.rate_shape`), constant in time apart from an optional calendar
  seasonality and the effect;
- customers stop buying at a constant hazard (annual churn probability
  :attr:`ClientShape.churn_annual`; 0 = nobody ever stops). With the default acquisition the
  base is stationary: the customers present when the history starts have the ages of a
  steady state, and new customers replace the churned ones at the same rate, so that without
  an effect no KPI of the customer base changes between the windows;
- a new customer's first order falls on its created date; a customer who existed before the
  history starts has orders only from the history's start (the export's first day);
- order amounts are lognormal around a median that depends on the segment;
- the effect multiplies the purchase rate from go-live in the units that got the CRM (and,
  with :attr:`ClientShape.effect_in_control`, in the control group too). Nothing else
  changes: tickets, surveys, opportunities, usage, campaigns and the user survey follow
  the same rules before and after go-live.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import zlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml

from crmkit.data.schemas import TABLES as _SCHEMAS

__all__ = [
    "ALL_TABLES",
    "HOSTILE_TEXTS",
    "SHAPES",
    "ClientShape",
    "Timeline",
    "crm_regions",
    "generate_tables",
    "params_for",
    "rep_ids",
    "shape_truth",
    "timeline",
    "write_client",
]

#: Every canonical table a shape may hold.
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

_SEGMENTS = ("Enterprise", "SMB", "Consumer")
_SEGMENT_SHARE = (0.10, 0.35, 0.55)
_SEGMENT_MEDIAN = (900.0, 350.0, 120.0)  # order amount, lognormal median
_AMOUNT_SIGMA = 0.8
_PRICE_POINTS = (49.0, 99.0, 199.0, 499.0)  # tied amounts: quantity x one of these
_CHANNELS = ("online", "phone", "field")
_DAYS_PER_YEAR = 365.25
_OPEN_ENDED = np.iinfo(np.int64).max // 4  # churn day of a customer who never stops


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


def _add_months(day: dt.date, months: int) -> dt.date:
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
    before_start = _add_months(shape.go_live, -shape.before_months)
    after_end = _add_months(shape.go_live, shape.after_months) - dt.timedelta(days=1)
    data_start = (
        shape.go_live
        if shape.data_start == "go_live"
        else _add_months(before_start, -shape.extra_history_months)
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


def _days(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


def _dates(days: np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(days, dtype="int64"), unit="D"))


def _labels(shape: ClientShape, normal: tuple[str, ...], offset: int) -> tuple[str, ...]:
    """``normal``, or as many hostile texts (rotated by ``offset``) for a hostile shape."""
    if not shape.hostile_text:
        return normal
    return tuple(HOSTILE_TEXTS[(offset + k) % len(HOSTILE_TEXTS)] for k in range(len(normal)))


def _customers(shape: ClientShape, t: Timeline, rng: np.random.Generator) -> pd.DataFrame:
    """Customers with region, segment, rep, yearly rate, created day and churn day."""
    hazard = -math.log(1.0 - shape.churn_annual)  # per year
    start, end = _days(t.data_start), _days(t.data_end) + 1
    if shape.one_cohort:
        created = start + rng.integers(0, 90, shape.n_customers)
        new = np.ones(shape.n_customers, dtype=bool)
    else:
        if hazard > 0:
            age_years = np.minimum(rng.exponential(1.0 / hazard, shape.n_customers), 15.0)
        else:
            age_years = rng.uniform(0.0, 3.0, shape.n_customers)
        existing = start - 1 - np.floor(age_years * _DAYS_PER_YEAR).astype("int64")
        acquisition = hazard if shape.acquisition_per_year is None else shape.acquisition_per_year
        expected_new = acquisition * shape.n_customers * (end - start) / _DAYS_PER_YEAR
        arrivals = start + np.sort(rng.integers(0, end - start, rng.poisson(expected_new)))
        created = np.concatenate([existing, arrivals])
        new = np.concatenate(
            [np.zeros(len(existing), dtype=bool), np.ones(len(arrivals), dtype=bool)]
        )
    n = len(created)
    at_risk_from = np.where(new, created, start)  # memoryless: existing ones from the start
    if hazard > 0:
        lifetime = np.floor(rng.exponential(1.0 / hazard, n) * _DAYS_PER_YEAR).astype("int64")
        churn_day = at_risk_from + 1 + lifetime
    else:
        churn_day = np.full(n, _OPEN_ENDED, dtype="int64")
    if shape.rate_shape is None:
        rate = np.full(n, shape.purchases_per_year)
    else:
        rate = rng.gamma(shape.rate_shape, shape.purchases_per_year / shape.rate_shape, n)
    region = rng.choice(np.array(shape.regions, dtype=object), n)
    rep = np.array([rng.choice(rep_ids(shape, r)) for r in region], dtype=object)
    segment_index = rng.choice(len(_SEGMENTS), n, p=_SEGMENT_SHARE)
    frame = pd.DataFrame(
        {
            "customer_id": [f"CU{k + 1:06d}" for k in range(n)],
            "created_day": created,
            "new": new,
            "churn_day": churn_day,
            "rate": rate,
            "region": region,
            "rep_id": rep,
            "segment_index": segment_index,
        }
    )
    crm = np.isin(frame["region"].to_numpy(), crm_regions(shape))
    frame["gets_effect"] = crm | shape.effect_in_control
    return frame


def _period_bounds(t: Timeline) -> list[int]:
    """Day numbers splitting the data's span into months, also at go-live."""
    bounds = {_days(t.data_start), _days(t.data_end) + 1}
    month = pd.Timestamp(t.data_start).to_period("M").to_timestamp()
    while month.date() <= t.data_end:
        if month.date() > t.data_start:
            bounds.add(_days(month.date()))
        month += pd.DateOffset(months=1)
    if t.data_start < t.go_live <= t.data_end:
        bounds.add(_days(t.go_live))
    return sorted(bounds)


def _order_days(
    shape: ClientShape, t: Timeline, people: pd.DataFrame, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """The (customer row, day) of every order: Poisson counts per customer and period."""
    begin = np.maximum(people["created_day"].to_numpy(), _days(t.data_start))
    stop = np.minimum(people["churn_day"].to_numpy(), _days(t.data_end) + 1)
    rate = people["rate"].to_numpy()
    gets_effect = people["gets_effect"].to_numpy()
    go_live = _days(t.go_live)
    who: list[np.ndarray] = []
    when: list[np.ndarray] = []
    # a new customer's first order is on its created day
    first = np.flatnonzero(people["new"].to_numpy() & (begin < stop))
    who.append(first)
    when.append(begin[first])
    bounds = _period_bounds(t)
    for low, high in zip(bounds[:-1], bounds[1:], strict=True):
        month = pd.Timestamp(_dates(np.array([low])).iloc[0]).month
        season = 1.0 + shape.seasonality * math.cos(2 * math.pi * (month - 12) / 12)
        lo = np.maximum(begin, low)
        exposure = np.clip(np.minimum(stop, high) - lo, 0, None)
        multiplier = np.where(gets_effect & (low >= go_live), 1.0 + shape.effect, 1.0)
        counts = rng.poisson(rate * season * multiplier * exposure / _DAYS_PER_YEAR)
        rows = np.repeat(np.arange(len(people)), counts)
        offset = np.floor(rng.uniform(0.0, 1.0, len(rows)) * exposure[rows]).astype("int64")
        who.append(rows)
        when.append(lo[rows] + offset)
    rows, days = np.concatenate(who), np.concatenate(when)
    order = np.lexsort((rows, days))
    return rows[order], days[order]


def _amounts(
    shape: ClientShape, segment_index: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Order amounts and quantities."""
    n = len(segment_index)
    quantity = 1 + rng.poisson(1.5, n)
    if shape.amount_ties:
        amount = quantity * rng.choice(np.array(_PRICE_POINTS), n)
    else:
        median = np.array(_SEGMENT_MEDIAN)[segment_index]
        amount = np.round(median * rng.lognormal(0.0, _AMOUNT_SIGMA, n), 2)
    if shape.zero_amount_share > 0:
        amount = np.where(rng.uniform(size=n) < shape.zero_amount_share, 0.0, amount)
    return amount.astype(float), quantity.astype("int64")


def _orders(
    shape: ClientShape, t: Timeline, people: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    rows, days = _order_days(shape, t, people, rng)
    amount, quantity = _amounts(shape, people["segment_index"].to_numpy()[rows], rng)
    channels = _labels(shape, _CHANNELS, 2)
    orders = pd.DataFrame(
        {
            "order_id": [f"SO{k + 1:07d}" for k in range(len(rows))],
            "customer_id": people["customer_id"].to_numpy()[rows],
            "order_day": days,
            "amount": amount,
            "quantity": quantity,
            "rep_id": people["rep_id"].to_numpy()[rows],
            "channel": rng.choice(np.array(channels, dtype=object), len(rows)),
            "region": people["region"].to_numpy()[rows],
        }
    )
    if shape.refund_share > 0 and len(orders):
        refunded = orders[rng.uniform(size=len(orders)) < shape.refund_share].copy()
        refunded["order_day"] = np.minimum(
            refunded["order_day"] + rng.integers(1, 30, len(refunded)), _days(t.data_end)
        )
        refunded["amount"] = -refunded["amount"]
        refunded["order_id"] = [f"RF{k + 1:07d}" for k in range(len(refunded))]
        orders = pd.concat([orders, refunded], ignore_index=True)
        orders = orders.sort_values(["order_day", "order_id"], kind="stable", ignore_index=True)
    if shape.duplicate_order_ids and len(orders) > 1:
        k = min(shape.duplicate_order_ids, len(orders) // 2)
        picked = rng.choice(len(orders), 2 * k, replace=False)
        orders.loc[picked[k:], "order_id"] = orders.loc[picked[:k], "order_id"].to_numpy()
    if shape.dayfirst == "ambiguous":  # every day of the month 12 or less
        stamps = _dates(orders["order_day"].to_numpy())
        day = (stamps.dt.day.to_numpy() - 1) % 12 + 1
        shifted = stamps - pd.to_timedelta(stamps.dt.day.to_numpy() - day, unit="D")
        orders["order_day"] = (shifted - pd.Timestamp("1970-01-01")).dt.days.to_numpy()
    orders.insert(2, "order_date", _dates(orders.pop("order_day").to_numpy()).to_numpy())
    keep = ["order_id", "customer_id", "order_date", "amount"]
    keep += [c for c in ("quantity", "rep_id", "channel", "region") if c in shape.order_columns]
    return orders[keep]


def _opportunities(
    shape: ClientShape, t: Timeline, rng: np.random.Generator, sources: tuple[str, ...]
) -> pd.DataFrame:
    """About two opportunities per rep and month; 25 % won; cycles of about six weeks."""
    start, end = _days(t.data_start), _days(t.data_end) + 1
    frames = []
    for region in shape.regions:
        for rep in rep_ids(shape, region):
            n = rng.poisson(2.0 * (end - start) / 30.4)
            created = start + rng.integers(0, end - start, n)
            closed = created + np.ceil(rng.lognormal(math.log(45.0), 0.8, n)).astype("int64")
            frames.append(
                pd.DataFrame(
                    {"created": created, "closed": closed, "rep_id": rep, "region": region}
                )
            )
    frame = pd.concat(frames, ignore_index=True).sort_values(["created", "rep_id"], kind="stable")
    n = len(frame)
    open_ = frame["closed"].to_numpy() >= end
    status = np.where(open_, "open", np.where(rng.uniform(size=n) < 0.25, "won", "lost"))
    closed = _dates(frame["closed"].to_numpy()).where(~open_)
    return pd.DataFrame(
        {
            "opportunity_id": [f"OP{k + 1:06d}" for k in range(n)],
            "created_date": _dates(frame["created"].to_numpy()),
            "status": status,
            "closed_date": closed.to_numpy(),
            "amount": np.round(rng.lognormal(math.log(20_000.0), 0.9, n), 2),
            "lead_source": rng.choice(np.array(sources, dtype=object), n),
            "rep_id": frame["rep_id"].to_numpy(),
            "region": frame["region"].to_numpy(),
        }
    )


def _tickets(
    shape: ClientShape, t: Timeline, orders: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """One ticket per seven orders or so, opened within ten days of its order."""
    source = orders[rng.uniform(size=len(orders)) < 0.15]
    n = len(source)
    opened = source["order_date"].to_numpy() + pd.to_timedelta(
        rng.uniform(0.0, 10.0, n), unit="D"
    ).round("min")
    opened = pd.Series(opened)
    export = pd.Timestamp(t.data_end) + pd.Timedelta(days=1)
    keep = (opened < export).to_numpy()
    opened, source, n = opened[keep].reset_index(drop=True), source[keep], int(keep.sum())
    response = opened + pd.to_timedelta(rng.lognormal(math.log(4.0), 1.0, n), unit="h").round("min")
    resolved = opened + pd.to_timedelta(rng.lognormal(math.log(30.0), 0.9, n), unit="h").round(
        "min"
    )
    response = response.where((response < export) & (response <= resolved), resolved)
    resolved = resolved.where(resolved < export)
    response = response.where(response < export)
    rated = resolved.notna().to_numpy() & (rng.uniform(size=n) < 0.4)
    satisfaction = pd.array(rng.choice(5, n, p=(0.06, 0.08, 0.16, 0.35, 0.35)) + 1, "Int64")
    satisfaction[~rated] = pd.NA
    return pd.DataFrame(
        {
            "ticket_id": [f"TK{k + 1:06d}" for k in range(n)],
            "opened_at": opened,
            "customer_id": source["customer_id"].to_numpy(),
            "first_response_at": response,
            "resolved_at": resolved,
            "channel": rng.choice(np.array(_labels(shape, ("email", "phone", "chat"), 1)), n),
            "is_complaint": rng.uniform(size=n) < 0.2,
            "satisfaction": satisfaction,
        }
    )


def _surveys(t: Timeline, orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """A post-purchase survey of one order in twelve, answered within two weeks."""
    source = orders[rng.uniform(size=len(orders)) < 0.08]
    days = source["order_date"].to_numpy() + pd.to_timedelta(rng.integers(0, 15, len(source)), "D")
    keep = days <= np.datetime64(t.data_end)
    source, days = source[keep], days[keep]
    n = len(source)
    nps_probs = np.array([1, 1, 1, 2, 2, 4, 6, 12, 20, 25, 26], dtype=float)
    return pd.DataFrame(
        {
            "response_id": [f"SV{k + 1:06d}" for k in range(n)],
            "response_date": days,
            "customer_id": source["customer_id"].to_numpy(),
            "nps": rng.choice(11, n, p=nps_probs / nps_probs.sum()),
            "csat": rng.choice(5, n, p=(0.05, 0.10, 0.20, 0.40, 0.25)) + 1,
            "ces": rng.choice(7, n, p=(0.20, 0.25, 0.20, 0.15, 0.10, 0.06, 0.04)) + 1,
        }
    )


def _crm_users(shape: ClientShape) -> list[str]:
    return [rep for region in crm_regions(shape) for rep in rep_ids(shape, region)]


def _usage(shape: ClientShape, t: Timeline, rng: np.random.Generator) -> pd.DataFrame:
    """The CRM's log from go-live: each CRM user active on 70 % of weekdays."""
    days = pd.bdate_range(max(t.go_live, t.data_start), t.data_end)
    users = _crm_users(shape)
    grid = pd.MultiIndex.from_product([users, days], names=["user_id", "date"]).to_frame(
        index=False
    )
    grid = grid[rng.uniform(size=len(grid)) < 0.7].reset_index(drop=True)
    n = len(grid)
    sessions = 1 + rng.poisson(1.5, n)
    features = _labels(shape, ("contacts", "opportunities", "quotes", "reports"), 3)
    grid["sessions"] = sessions
    grid["actions"] = sessions * (3 + rng.poisson(6.0, n))
    grid["feature"] = rng.choice(np.array(features, dtype=object), n)
    return grid


def _user_survey(shape: ClientShape, t: Timeline, rng: np.random.Generator) -> pd.DataFrame:
    """A usability survey of the CRM users two months before and ten months after go-live."""
    waves = [_add_months(t.go_live, -2), _add_months(t.go_live, min(10, shape.after_months - 1))]
    rows = []
    for wave in waves:
        for user in _crm_users(shape):
            if rng.uniform() < 0.9:
                day = wave + dt.timedelta(days=int(rng.integers(0, 14)))
                rows.append({"user_id": user, "response_date": min(day, t.data_end)})
    frame = pd.DataFrame(rows)
    items = rng.choice(5, (len(frame), 10), p=(0.05, 0.15, 0.30, 0.35, 0.15)) + 1
    for k in range(10):
        frame[f"sus_{k + 1}"] = items[:, k]
    frame["satisfaction"] = rng.choice(5, len(frame), p=(0.05, 0.15, 0.30, 0.35, 0.15)) + 1
    frame["response_date"] = pd.to_datetime(frame["response_date"])
    return frame


def _campaigns(shape: ClientShape, t: Timeline, rng: np.random.Generator) -> pd.DataFrame:
    """Two campaigns a month, response and conversion rates unchanged by go-live."""
    start, end = _days(t.data_start), _days(t.data_end) + 1
    n = max(2, int(round(2 * (end - start) / 30.4)))
    contacts = np.round(rng.lognormal(math.log(5000.0), 0.6, n)).astype("int64")
    responses = rng.binomial(contacts, 0.03)
    conversions = rng.binomial(responses, 0.12)
    return pd.DataFrame(
        {
            "campaign_id": [f"MC{k + 1:04d}" for k in range(n)],
            "start_date": _dates(np.sort(start + rng.integers(0, end - start, n))),
            "cost": np.round(2000.0 + contacts * rng.uniform(0.3, 1.5, n), 2),
            "channel": rng.choice(np.array(_labels(shape, ("email", "social", "events"), 4)), n),
            "contacts": contacts,
            "responses": responses,
            "conversions": conversions,
            "revenue": np.round(conversions * rng.lognormal(math.log(400.0), 0.5, n), 2),
        }
    )


def _costs(shape: ClientShape) -> pd.DataFrame:
    size = shape.n_customers / 600
    categories = _labels(shape, ("licences", "implementation", "subscription", "support"), 0)
    phases = _labels(shape, ("implementation", "operation"), 5)
    rows = [
        (0, categories[0], 60_000.0, phases[0]),
        (0, categories[1], 40_000.0, phases[0]),
    ]
    for year in (1, 2, 3):
        rows += [
            (year, categories[2], 20_000.0, phases[1]),
            (year, categories[3], 8_000.0, phases[1]),
        ]
    frame = pd.DataFrame(rows, columns=["year", "category", "amount", "phase"])
    frame["amount"] = np.round(frame["amount"] * size, 2)
    return frame


def _benefits(shape: ClientShape) -> pd.DataFrame:
    size = shape.n_customers / 600
    categories = _labels(shape, ("sales productivity", "service efficiency"), 1)
    rows = [(y, categories[0], 30_000.0 * size, "revenue_monthly") for y in (1, 2, 3)]
    rows += [(y, categories[1], 10_000.0 * size, "first_response_hours") for y in (1, 2, 3)]
    return pd.DataFrame(rows, columns=["year", "category", "amount", "kpi"])


def _benchmarks(shape: ClientShape) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "kpi": ["win_rate", "nps", "average_order_value"],
            "value": [0.22, 30.0, 300.0],
            "source": list(_labels(shape, ("industry survey", "association", "peer group"), 2)),
        }
    )
    if shape.hostile_text:
        hostile = pd.DataFrame({"kpi": [HOSTILE_TEXTS[0]], "value": [1.0], "source": ["x"]})
        frame = pd.concat([frame, hostile], ignore_index=True)
    return frame


def generate_tables(shape: ClientShape, seed: int) -> dict[str, pd.DataFrame]:
    """The tables of ``shape`` with canonical columns and types, before they are written.

    Parameters
    ----------
    shape : ClientShape
        The client.
    seed : int
        Seed of every random draw: the same shape and seed give the same tables.

    Returns
    -------
    dict of str to DataFrame
        One frame per table of ``shape.tables``, in :data:`ALL_TABLES` order. Tickets,
        surveys and orders of customers who order come from the same customers.
    """
    rng = np.random.default_rng([int(seed), _stable_hash(shape.name)])
    t = timeline(shape)
    people = _customers(shape, t, rng)
    orders = _orders(shape, t, people, rng)
    segments = _labels(shape, _SEGMENTS, 0)
    created = _dates(people["created_day"].to_numpy())
    if shape.dayfirst == "ambiguous":  # orders move to days 1-12: no order before its customer
        created = created.dt.to_period("M").dt.to_timestamp()
    customers = pd.DataFrame(
        {
            "customer_id": people["customer_id"],
            "created_date": created,
            "segment": np.array(segments, dtype=object)[people["segment_index"].to_numpy()],
            "region": people["region"],
        }
    )
    if shape.churn_recorded:
        churn_day = people["churn_day"].to_numpy()
        left = churn_day <= _days(t.data_end)
        churned = pd.Series(pd.NaT, index=customers.index, dtype="datetime64[ns]")
        churned[left] = _dates(churn_day[left]).to_numpy()
        customers["churned_date"] = churned
    makers = {
        "customers": lambda: customers,
        "orders": lambda: orders,
        "opportunities": lambda: _opportunities(
            shape, t, rng, _labels(shape, ("web", "referral", "trade show"), 3)
        ),
        "tickets": lambda: _tickets(shape, t, orders, rng),
        "surveys": lambda: _surveys(t, orders, rng),
        "usage": lambda: _usage(shape, t, rng),
        "user_survey": lambda: _user_survey(shape, t, rng),
        "campaigns": lambda: _campaigns(shape, t, rng),
        "costs": lambda: _costs(shape),
        "benefits": lambda: _benefits(shape),
        "benchmarks": lambda: _benchmarks(shape),
    }
    return {name: makers[name]() for name in ALL_TABLES if name in shape.tables}


def _stable_hash(text: str) -> int:
    """A hash of ``text`` that does not change between processes (unlike ``hash``)."""
    return zlib.crc32(text.encode("utf-8"))


def params_for(shape: ClientShape) -> dict[str, Any]:
    """The content of the shape's ``params.yaml``, as a consultant would write it."""
    t = timeline(shape)
    client = f"{shape.name.replace('_', ' ').title()} Ltd"
    if shape.hostile_text:
        client = f"{client} {HOSTILE_TEXTS[0]}"
    params: dict[str, Any] = {
        "client": client,
        "currency": shape.currency,
        "go_live_date": t.go_live,
        "before": {"start": t.before_start, "end": t.before_end},
        "after": {"start": t.after_start, "end": t.after_end},
        "data_dir": "data",
    }
    if shape.control_column == "region":
        params["control"] = {"column": "region", "values": list(shape.control_regions)}
    elif shape.control_column == "rep_id":
        reps = [rep for region in shape.control_regions for rep in rep_ids(shape, region)]
        params["control"] = {"column": "rep_id", "values": reps}
    if shape.declare_dayfirst:
        params["dayfirst"] = True
    params["finance"] = {"discount_rate": 0.10, "horizon_years": 3, "gross_margin": 0.30}
    return params


def shape_truth(shape: ClientShape, seed: int, tables: Mapping[str, pd.DataFrame]) -> dict:
    """What the data were made from, for checks: the shape, the outcome expected, the dates."""
    truth: dict[str, Any] = {
        "shape": shape.name,
        "seed": int(seed),
        "expected": shape.expected,
        "stresses": shape.stresses,
        "effect": shape.effect,
        "effect_in_control": shape.effect_in_control,
        "crm_regions": list(crm_regions(shape)),
        "settings": {k: v for k, v in asdict(shape).items() if k not in ("name", "stresses")},
    }
    if "orders" in tables and len(tables["orders"]):
        dates = tables["orders"]["order_date"]
        truth["orders"] = {
            "rows": len(dates),
            "first_date": dates.min().date().isoformat(),
            "last_date": dates.max().date().isoformat(),
        }
    return json.loads(json.dumps(truth, default=str))


class _PlainDumper(yaml.SafeDumper):
    """YAML as a person writes it: a date used twice is written twice, not as an alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _csv(frame: pd.DataFrame, path: Path, date_format: str) -> None:
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == bool:
            out[column] = np.where(out[column].to_numpy(), "true", "false")
    out.to_csv(path, index=False, date_format=date_format, na_rep="", lineterminator="\n")


def write_client(shape: ClientShape, folder: str | Path, seed: int = 1) -> Path:
    """Write ``shape`` as a client folder: ``params.yaml``, ``data/*.csv`` and ``truth.json``.

    Parameters
    ----------
    shape : ClientShape
        The client.
    folder : str or pathlib.Path
        The client folder (created; files of the same names are overwritten).
    seed : int, default 1
        Seed of the data: the same shape and seed give byte-identical files.

    Returns
    -------
    pathlib.Path
        The folder. ``truth.json`` (beside ``params.yaml``, outside the data) records what
        the data were made from (:func:`shape_truth`).
    """
    root = Path(folder)
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    tables = generate_tables(shape, seed)
    header = f"# Synthetic client of shape {shape.name!r} (seed {int(seed)}): {shape.stresses}\n"
    params_text = yaml.dump(
        params_for(shape), Dumper=_PlainDumper, sort_keys=False, allow_unicode=True
    )
    (root / "params.yaml").write_text(header + params_text, encoding="utf-8")
    for name, frame in tables.items():
        if name == "orders" and shape.dayfirst is not None:
            fmt = "%d/%m/%Y"
        elif name == "tickets":
            fmt = "%Y-%m-%d %H:%M"
        else:
            fmt = "%Y-%m-%d"
        _csv(frame, data / f"{name}.csv", fmt)
    truth = shape_truth(shape, seed, tables)
    (root / "truth.json").write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return root


_BASE = ClientShape("base", "")
_EVERY = ALL_TABLES


def _shape(name: str, stresses: str, **settings: Any) -> ClientShape:
    return replace(_BASE, name=name, stresses=stresses, **settings)


#: The catalogue of shapes the robustness matrix runs, by name.
SHAPES: dict[str, ClientShape] = {
    s.name: s
    for s in (
        _shape(
            "west_control",
            "One go-live, three regions, West control, every table: the ordinary case, with a "
            "+10 % purchase rate in the CRM regions.",
            tables=_EVERY,
            effect=0.10,
        ),
        _shape(
            "no_control",
            "The ordinary case without a control group: only the time series can judge.",
            tables=_EVERY,
            control_column=None,
            effect=0.10,
        ),
        _shape(
            "pilot_branch",
            "One pilot branch of twelve (B01 from go-live, the rest never): one treated unit "
            "among eleven controls, the case for synthetic control and few-cluster inference.",
            regions=tuple(f"B{k:02d}" for k in range(1, 13)),
            control_regions=tuple(f"B{k:02d}" for k in range(2, 13)),
            reps_per_region=1,
            n_customers=1200,
            effect=0.10,
        ),
        _shape(
            "null_with_control",
            "No effect at all, with a control region, every table, a stationary customer "
            "base whose leavers leave without a word: every verdict of change is a false "
            "positive.",
            tables=_EVERY,
            churn_recorded=False,
        ),
        _shape(
            "null_without_control",
            "No effect at all, no control group, every table, a stationary customer base "
            "whose leavers leave without a word.",
            tables=_EVERY,
            control_column=None,
            churn_recorded=False,
        ),
        _shape(
            "no_churn_effect_control",
            "No churn, purchase rate x1.12 in two CRM regions, a third as control: retention "
            "cannot change, so any churn or CLV verdict is an artefact of its definition.",
            churn_annual=0.0,
            acquisition_per_year=0.15,
            effect=0.12,
            n_customers=900,
        ),
        _shape(
            "no_churn_null",
            "No churn, constant purchase rates, no new customers, no effect, with control: "
            "a perfectly stationary client.",
            churn_annual=0.0,
            acquisition_per_year=0.0,
        ),
        _shape(
            "null_churn_recorded",
            "No effect, with control, customers.csv records when each customer left "
            "(churned_date, as under contracts).",
        ),
        _shape(
            "region_without_rep_control",
            "Orders with region but no rep_id, control region West: the difference-in-"
            "differences has three clusters and may have no interval.",
            order_columns=("quantity", "channel", "region"),
            effect=0.10,
            n_customers=300,
        ),
        _shape(
            "rep_control",
            "The control group named by rep_id (West's reps) instead of region.",
            control_column="rep_id",
            effect=0.10,
        ),
        _shape(
            "shared_with_control",
            "The same +10 % in the control group too: a market-wide change that the CRM "
            "must not be credited with.",
            effect=0.10,
            effect_in_control=True,
        ),
        _shape(
            "mid_month_go_live",
            "Go-live on 2025-03-15: windows and months that start in mid-month.",
            tables=("customers", "orders", "tickets", "surveys", "opportunities"),
            go_live=dt.date(2025, 3, 15),
            effect=0.10,
        ),
        _shape(
            "short_windows",
            "Three months before and three after: too little for season and many tests.",
            before_months=3,
            after_months=3,
            effect=0.10,
        ),
        _shape(
            "unequal_windows",
            "Twelve months before, five after: windows of unequal length.",
            tables=("customers", "orders", "tickets", "surveys", "costs"),
            after_months=5,
            effect=0.10,
        ),
        _shape(
            "tiny_handful",
            "A handful of rows: five customers, about a dozen orders, no control.",
            control_column=None,
            n_customers=5,
            purchases_per_year=2.0,
        ),
        _shape(
            "tiny_every_table",
            "Thirty customers and every table, with a control region: every stage on "
            "almost no data.",
            tables=_EVERY,
            n_customers=30,
            reps_per_region=1,
        ),
        _shape(
            "realistic_large",
            "Tens of thousands of customers (about 80,000 orders), seasonality, control.",
            tables=("customers", "orders", "tickets", "surveys", "costs", "benefits"),
            n_customers=20_000,
            purchases_per_year=2.0,
            seasonality=0.2,
            reps_per_region=12,
            effect=0.05,
        ),
        _shape(
            "ties_and_zeros",
            "Amounts from four list prices (ties everywhere) and 10 % zero amounts.",
            amount_ties=True,
            zero_amount_share=0.10,
            effect=0.10,
        ),
        _shape(
            "refunds",
            "Refunds as rows with negative amounts: validation must say so clearly.",
            refund_share=0.03,
            expected="rejected",
        ),
        _shape(
            "duplicated_ids",
            "Three order ids used twice for different orders: validation must name them.",
            duplicate_order_ids=3,
            expected="rejected",
        ),
        _shape(
            "one_cohort_no_control",
            "One acquisition cohort (every first order in one quarter), decaying purchases, "
            "no control: a before/after change is the base's age, not the CRM.",
            control_column=None,
            one_cohort=True,
            churn_recorded=False,
            churn_annual=0.6,
            before_months=9,
            after_months=9,
            n_customers=400,
        ),
        _shape(
            "one_cohort_with_control",
            "One acquisition cohort with a control region: the ageing is common to both "
            "groups and nets out.",
            one_cohort=True,
            churn_recorded=False,
            churn_annual=0.6,
            before_months=9,
            after_months=9,
        ),
        _shape(
            "starts_at_go_live",
            "Data that start at go-live, no control: the before window is empty.",
            tables=("customers", "orders", "tickets", "surveys"),
            control_column=None,
            data_start="go_live",
            n_customers=300,
        ),
        _shape(
            "starts_at_go_live_control",
            "Data that start at go-live, with a control region: nothing to compare before.",
            data_start="go_live",
        ),
        _shape(
            "orders_only_required",
            "Only orders.csv with its four required columns: no customers, regions or reps.",
            tables=("orders",),
            order_columns=(),
            control_column=None,
        ),
        _shape(
            "hostile_text",
            "Markup and script in every text column, in region labels (also the control's) "
            "and in the client's name: nothing may run or render as markup.",
            tables=_EVERY,
            regions=HOSTILE_TEXTS[:3],
            control_regions=(HOSTILE_TEXTS[2],),
            hostile_text=True,
            n_customers=300,
        ),
        _shape(
            "dayfirst_mixed",
            "Orders dated day first (31/12/2024); days above 12 tell the order, so the dates "
            "must be read right without a param.",
            dayfirst="mixed",
        ),
        _shape(
            "dayfirst_ambiguous",
            "Orders dated day first with every day 12 or less: validation must stop and name "
            "the dayfirst param.",
            dayfirst="ambiguous",
            expected="rejected",
        ),
        _shape(
            "dayfirst_declared",
            "The ambiguous day-first dates with dayfirst: true in params.yaml.",
            dayfirst="ambiguous",
            declare_dayfirst=True,
        ),
        _shape(
            "long_history_seasonal",
            "A year of history before the before window, seasonality and a growing base, no "
            "control: placebo go-lives and a seasonal time series.",
            tables=("customers", "orders", "costs", "benefits"),
            control_column=None,
            extra_history_months=12,
            seasonality=0.3,
            acquisition_per_year=0.35,
            effect=0.10,
        ),
    )
}
