"""The canonical tables of a shaped client, drawn from the behaviour its shape states."""

from __future__ import annotations

import datetime as dt
import math
import zlib

import numpy as np
import pandas as pd

from crmkit.demo.shapes.shape import (
    ALL_TABLES,
    HOSTILE_TEXTS,
    ClientShape,
    Timeline,
    add_months,
    crm_regions,
    rep_ids,
    timeline,
)

__all__ = ["generate_tables", "stable_hash"]

_SEGMENTS = ("Enterprise", "SMB", "Consumer")
_SEGMENT_SHARE = (0.10, 0.35, 0.55)
_SEGMENT_MEDIAN = (900.0, 350.0, 120.0)  # order amount, lognormal median
_AMOUNT_SIGMA = 0.8
_PRICE_POINTS = (49.0, 99.0, 199.0, 499.0)  # tied amounts: quantity x one of these
_CHANNELS = ("online", "phone", "field")
_DAYS_PER_YEAR = 365.25
_OPEN_ENDED = np.iinfo(np.int64).max // 4  # churn day of a customer who never stops


def stable_hash(text: str) -> int:
    """A hash of ``text`` that does not change between processes (unlike ``hash``)."""
    return zlib.crc32(text.encode("utf-8"))


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
    waves = [add_months(t.go_live, -2), add_months(t.go_live, min(10, shape.after_months - 1))]
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
    rng = np.random.default_rng([int(seed), stable_hash(shape.name)])
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
        "actions": lambda: pd.DataFrame(
            {
                "action": ["CRM user training"],
                "kpi": ["active_user_rate"],
                "expected_effect": [0.1],
                "expected_cost": [12_000.0],
            }
        ),  # fmt: skip
    }
    return {name: makers[name]() for name in ALL_TABLES if name in shape.tables}
