"""The synthetic demo client, with known injected effects.

"Demo Manufacturing Co." is a fictional B2B/B2C manufacturer (currency CNY) whose CRM went
live on 2025-01-01 in the regions North, South and East; the region West kept its old tools
and serves as the control group. The generator writes every canonical table (see
``DESIGN.md`` section 3) with realistic structure -- unequal region sizes, a growing customer
base, seasonality, lognormal amounts, heavy-tailed durations, censoring at the export date --
and injects a known set of CRM effects, only in the treated regions and only from go-live.
``demo_truth`` states the true (data-generating) value of every KPI before and after, so the
statistics of the assessment can be checked against it.

Design of the data-generating process (all effects are step changes at go-live):

- customers: 65 % existed before 2024 (created 2021-2023), the rest arrive uniformly over
  2024-2025; each churns with a constant hazard (annual churn 18 %; 13 % in treated regions
  after go-live). Segment and region are drawn independently of everything else.
- orders: each customer orders as a Poisson process, rate = base x segment weight x gamma
  frailty x day-of-year seasonality x weekday factor (x 1.05 in treated regions after
  go-live), while active. amount = quantity x lognormal unit price (x 1.08 treated after).
- opportunities: won with probability 0.20 (0.26 treated after, by created date); lognormal
  sales cycles; deals not closed by the export date (2025-12-31) are ``open``.
- tickets: each customer's Poisson process at a fixed multiple of its order intensity
  (per order: 0.10 non-complaint, 0.024 complaint tickets; 0.018 treated after);
  lognormal first-response and resolution times, censored at the export date.
- surveys: post-purchase surveys of sampled orders, scores from a latent-variable model
  (NPS, CSAT shifted treated after; CES and the loyalty scale unchanged).
- usage / user_survey: the CRM's usage log of treated-region staff from go-live (adoption
  ramps up); a SUS survey of the same staff in November 2024 (old tools) and 2025 (the CRM).
"""

from __future__ import annotations

import datetime as _dt
import io as _io
import json
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from crmkit.data.schemas import TABLES as _SCHEMAS

__all__ = [
    "CONTROL_REGIONS",
    "DEMO_AFTER",
    "DEMO_BEFORE",
    "DEMO_CLIENT",
    "DEMO_CURRENCY",
    "DEMO_GO_LIVE",
    "DEMO_SEED",
    "REGIONS",
    "TABLES",
    "TREATED_REGIONS",
    "demo_params",
    "demo_truth",
    "ensure_demo_client",
    "generate_demo_client",
    "generate_tables",
]

# ---------------------------------------------------------------------------------------------
# Public constants (immutable)
# ---------------------------------------------------------------------------------------------

DEMO_CLIENT = "Demo Manufacturing Co."
DEMO_CURRENCY = "CNY"
DEMO_SEED = 20250101
DEMO_GO_LIVE = "2025-01-01"
DEMO_BEFORE = ("2024-01-01", "2024-12-31")
DEMO_AFTER = ("2025-01-01", "2025-12-31")
REGIONS = ("North", "South", "East", "West")
TREATED_REGIONS = ("North", "South", "East")
CONTROL_REGIONS = ("West",)
TABLES = tuple(_SCHEMAS)

# ---------------------------------------------------------------------------------------------
# Design parameters of the data-generating process (private, immutable)
# ---------------------------------------------------------------------------------------------

_START = np.datetime64("2024-01-01", "D")
_N_DAYS = 731  # 2024-01-01 .. 2025-12-31 (2024 is a leap year)
_GO_LIVE_DAY = 366  # day index of 2025-01-01
_END_SECONDS = _N_DAYS * 86_400  # export time: 2026-01-01 00:00:00, exclusive
_FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)

_STREAMS = (
    "customers",
    "churn",
    "orders",
    "opportunities",
    "tickets",
    "surveys",
    "usage",
    "user_survey",
    "campaigns",
)
_REGION_SHARE = (0.34, 0.24, 0.20, 0.22)  # North, South, East, West
_TREATED_SHARE = sum(_REGION_SHARE[:3])
_CONTROL_SHARE = _REGION_SHARE[3]

# customers
_N_CUSTOMERS = 20_000
_EXISTING_SHARE = 0.65  # created 2021-2023, still active on 2024-01-01
_EXISTING_FROM = np.datetime64("2021-01-01", "D")
_SEGMENTS = ("Enterprise", "SMB", "Consumer")
_SEGMENT_SHARE = (0.10, 0.35, 0.55)
_SEGMENT_ORDER_WEIGHT_RAW = (3.0, 1.5, 0.6)  # relative order frequency
_FRAILTY_SHAPE = 2.0  # gamma frailty of order frequency, mean 1
_CHURN_BEFORE = 0.18  # annual churn probability
_CHURN_AFTER_TREATED = 0.13

# orders
_N_ORDERS = 200_000  # expected over the two years at scale 1
_QTY_EXTRA_MEAN = (9.0, 3.0, 0.5)  # quantity = 1 + Poisson(mean), by segment
_PRICE_MEDIAN = (900.0, 800.0, 500.0)  # unit price, CNY, lognormal median by segment
_PRICE_SIGMA = 0.7
_AOV_EFFECT = 1.08
_FREQUENCY_EFFECT = 1.05  # level change of order frequency per active customer
_MONTH_FACTOR = (0.95, 0.78, 1.00, 1.00, 1.02, 1.05, 0.95, 0.93, 1.05, 1.02, 1.07, 1.30)
_WEEKDAY_FACTOR = (1.10, 1.10, 1.10, 1.10, 1.05, 0.40, 0.25)  # Monday .. Sunday
_ORDER_CHANNELS = ("online", "phone", "field", "partner")
_ORDER_CHANNEL_PROBS = (  # by segment
    (0.10, 0.20, 0.50, 0.20),
    (0.35, 0.30, 0.20, 0.15),
    (0.70, 0.20, 0.02, 0.08),
)

# staff (sales reps own accounts and opportunities; service agents handle tickets)
_SALES_REPS = (12, 9, 8, 7)  # per region at scale 1
_SERVICE_AGENTS = (8, 6, 5, 5)

# opportunities
_N_OPPORTUNITIES = 20_000
_OPP_TREND_PER_YEAR = 0.06
_WIN_BEFORE = 0.20
_WIN_AFTER_TREATED = 0.26
_CYCLE_WON_MEDIAN = 60.0  # days
_CYCLE_WON_SIGMA = 0.8
_CYCLE_EFFECT = 0.85
_CYCLE_LOST_MEDIAN = 45.0
_CYCLE_LOST_SIGMA = 0.9
_DEAL_MEDIAN = 60_000.0
_DEAL_SIGMA = 1.0
_LEAD_SOURCES = ("web", "referral", "trade show", "cold call", "partner")
_LEAD_SOURCE_PROBS = (0.35, 0.20, 0.15, 0.15, 0.15)

# tickets
_TICKET_RATE = 0.10  # non-complaint tickets per order
_COMPLAINT_RATE = 0.024  # complaint tickets per order
_COMPLAINT_EFFECT = 0.75
_FIRST_RESPONSE_MEDIAN = 4.0  # hours (before the min with resolution time)
_FIRST_RESPONSE_SIGMA = 1.0
_FIRST_RESPONSE_EFFECT = 0.70
_RESOLUTION_MEDIAN = 30.0  # hours
_RESOLUTION_SIGMA = 0.9
_RESOLUTION_EFFECT = 0.80
_ABANDONED_SHARE = 0.02  # never resolved
_FIRST_RESPONSE_MISSING = 0.01  # not recorded
_TICKET_SURVEYED = 0.35  # share of resolved tickets with a satisfaction rating
_TICKET_SAT_PROBS = (0.06, 0.08, 0.16, 0.35, 0.35)  # 1..5
_TICKET_CHANNELS = ("email", "phone", "chat", "portal")
_TICKET_CHANNEL_PROBS = (0.35, 0.30, 0.20, 0.15)
_HOUR_WEIGHTS = (
    (0.2,) * 7 + (2.0, 6.0, 9.0, 9.0, 8.0, 6.0, 8.0, 9.0, 8.0, 7.0, 5.0, 3.0, 2.0) + (1.0,) * 4
)

# customer surveys: latent-variable model, F ~ N(0, 1) shared satisfaction factor
_N_SURVEYS = 10_000
_SURVEY_MAX_LAG = 14
_NPS_MU, _NPS_LOAD, _NPS_NOISE = 8.2, 1.2, 1.6
_NPS_GAIN = 8.0  # NPS points, treated after
_CSAT_MU, _CSAT_LOAD, _CSAT_NOISE, _CSAT_SHIFT = 3.9, 0.6, 0.66, 0.15
_CES_MU, _CES_LOAD, _CES_NOISE = 5.2, 0.7, 1.0
_LOY_MU, _LOY_LOAD, _LOY_NOISE, _LOY_FACTOR_CORR = 3.6, 0.85, 0.75, 0.6

# CRM users: usage log and SUS survey
_FEATURES = ("contacts", "opportunities", "quotes", "tickets", "knowledge_base", "reports")
_FEATURE_PROBS = (  # per active user-day at full adoption: sales rep, service agent
    (0.80, 0.70, 0.35, 0.05, 0.05, 0.30),
    (0.60, 0.02, 0.02, 0.90, 0.45, 0.15),
)
_ADOPTION_MEAN_DAYS = 20.0
_LATE_ADOPTER_SHARE = 0.10
_ADOPTION_TAU_DAYS = 30.0
_SUS_BEFORE, _SUS_AFTER = 55.0, 72.0
_SUS_USER_SD, _SUS_WAVE_SD, _SUS_ITEM_SD = 0.5, 0.3, 0.8
_USER_SAT_BEFORE, _USER_SAT_AFTER, _USER_SAT_NOISE = 3.0, 3.6, 0.7
_USER_SURVEY_RESPONSE = 0.90
_WAVES = (("2024-11-04", 20), ("2025-11-03", 20))  # first day, number of days

# campaigns (company-wide, not scaled)
_N_CAMPAIGNS = 48
_CAMPAIGN_CHANNELS = ("email", "social", "events", "direct mail", "search")
_CAMPAIGN_CHANNEL_PROBS = (0.35, 0.20, 0.15, 0.15, 0.15)
_CAMPAIGN_CONTACTS_MEDIAN = (20_000.0, 15_000.0, 800.0, 5_000.0, 10_000.0)
_CAMPAIGN_CONTACTS_SIGMA = 0.5
_CAMPAIGN_RESPONSE = (0.030, 0.015, 0.250, 0.020, 0.040)
_CAMPAIGN_CONVERSION = (0.10, 0.08, 0.15, 0.12, 0.10)
_CAMPAIGN_COST_PER_CONTACT = (0.3, 0.8, 45.0, 4.5, 1.5)
_CAMPAIGN_FIXED_COST = (5_000.0, 8_000.0, 30_000.0, 6_000.0, 5_000.0)


# ---------------------------------------------------------------------------------------------
# Small numeric helpers
# ---------------------------------------------------------------------------------------------


def _phi(x: float) -> float:
    """Standard normal CDF."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _bisect(f: Any, lo: float, hi: float, tol: float = 1e-12) -> float:
    """Root of an increasing function ``f`` on [lo, hi] by bisection."""
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if f(mid) < 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < tol:
            break
    return 0.5 * (lo + hi)


def _rounded_mean(mu: float, sd: float, low: int, high: int) -> float:
    """Mean of clip(round(X), low, high) for X ~ N(mu, sd)."""
    return low + sum(_phi((mu - (k - 0.5)) / sd) for k in range(low + 1, high + 1))


def _nps_of(mu: float, sd: float) -> float:
    """NPS (-100..100) of clip(round(X), 0, 10) for X ~ N(mu, sd)."""
    promoters = 1.0 - _phi((8.5 - mu) / sd)
    detractors = _phi((6.5 - mu) / sd)
    return 100.0 * (promoters - detractors)


def _count(base: float, scale: float, minimum: int) -> int:
    return max(minimum, int(round(base * scale)))


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    """Ids like C000001 .. (vectorised; the width grows if n needs more digits)."""
    width = max(width, len(str(n)))
    numbers = np.char.zfill(np.arange(1, n + 1).astype(str), width)
    return np.char.add(prefix, numbers).astype(object)


def _categorical(rng: np.random.Generator, probs: np.ndarray, n: int | None = None) -> np.ndarray:
    """Vectorised categorical draws.

    ``probs`` is either one probability vector (then ``n`` draws) or a matrix with one
    probability vector per row (one draw per row). Returns category indices.
    """
    probs = np.asarray(probs, dtype=float)
    if probs.ndim == 1:
        cum = np.cumsum(probs / probs.sum())
        u = rng.random(n)
        return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1)
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(probs.shape[0])
    return np.minimum((u[:, None] >= cum).sum(axis=1), probs.shape[1] - 1)


def _day_dates(day: np.ndarray) -> np.ndarray:
    """Day indices (0 = 2024-01-01) to datetime64[s]."""
    return (_START + np.asarray(day, dtype="int64").astype("timedelta64[D]")).astype(
        "datetime64[s]"
    )


def _second_dates(seconds: np.ndarray) -> np.ndarray:
    """Seconds since 2024-01-01 00:00:00 to datetime64[s]."""
    return _START.astype("datetime64[s]") + np.asarray(seconds, dtype="int64").astype(
        "timedelta64[s]"
    )


def _check_scale(scale: float) -> float:
    scale = float(scale)
    if not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    return scale


# ---------------------------------------------------------------------------------------------
# The calendar and the expected customer base (shared by the generator and the truth)
# ---------------------------------------------------------------------------------------------


def _calendar() -> dict[str, np.ndarray]:
    """Day-level calendar of the two-year window and the order-intensity day weights."""
    dates = _START + np.arange(_N_DAYS).astype("timedelta64[D]")
    months = dates.astype("datetime64[M]").astype(int) % 12  # 0 = January
    weekday = (dates.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    weight = np.asarray(_MONTH_FACTOR)[months] * np.asarray(_WEEKDAY_FACTOR)[weekday]
    weight = weight / weight.mean()
    month_index = (dates.astype("datetime64[M]") - np.datetime64("2024-01", "M")).astype(int)
    return {"weight": weight, "month": month_index, "weekday": weekday}


def _daily_hazard(treated: bool) -> np.ndarray:
    """Churn hazard per day on each day of the window."""
    before = -math.log(1.0 - _CHURN_BEFORE) / 365.0
    after = -math.log(1.0 - _CHURN_AFTER_TREATED) / 365.0 if treated else before
    h = np.full(_N_DAYS, before)
    h[_GO_LIVE_DAY:] = after
    return h


def _expected_active(n_existing: int, n_new: int, treated: bool) -> np.ndarray:
    """Expected number of active customers per day (all regions, before the region share).

    A customer created on day c (existing customers: c = 0) is active on day j >= c if its
    churn time T satisfies T >= j + 1; P = exp(-(H(j + 1) - H(c))) with H the cumulative
    hazard. New customers' creation day is uniform on the window's days.
    """
    h = _daily_hazard(treated)
    big_h = np.concatenate([[0.0], np.cumsum(h)])  # H at the start of day k, k = 0..731
    arrivals = np.cumsum(np.exp(big_h[:-1]))  # sum_{c <= j} exp(H(c))
    return np.exp(-big_h[1:]) * (n_existing + n_new / _N_DAYS * arrivals)


def _order_segment_weights() -> np.ndarray:
    raw = np.asarray(_SEGMENT_ORDER_WEIGHT_RAW)
    return raw / float(np.dot(_SEGMENT_SHARE, raw))  # E[weight] = 1 over customers


def _model(scale: float) -> dict[str, Any]:
    """Derived quantities of the design at a given scale (counts, order base rate ...)."""
    n_customers = _count(_N_CUSTOMERS, scale, 20)
    n_existing = int(round(_EXISTING_SHARE * n_customers))
    n_new = n_customers - n_existing
    cal = _calendar()
    after = np.arange(_N_DAYS) >= _GO_LIVE_DAY
    act_t = _TREATED_SHARE * _expected_active(n_existing, n_new, treated=True)
    act_c = _CONTROL_SHARE * _expected_active(n_existing, n_new, treated=False)
    freq_t = np.where(after, _FREQUENCY_EFFECT, 1.0)
    expected_units = float(np.sum(cal["weight"] * (act_t * freq_t + act_c)))
    n_orders = _count(_N_ORDERS, scale, 100)
    base_rate = n_orders / expected_units  # orders per active customer-day at weight 1
    return {
        "n_customers": n_customers,
        "n_existing": n_existing,
        "n_new": n_new,
        "n_orders": n_orders,
        "base_rate": base_rate,
        "calendar": cal,
        "n_opportunities": _count(_N_OPPORTUNITIES, scale, 20),
        "n_surveys": _count(_N_SURVEYS, scale, 20),
        "sales_reps": tuple(max(2, int(round(n * scale))) for n in _SALES_REPS),
        "service_agents": tuple(max(1, int(round(n * scale))) for n in _SERVICE_AGENTS),
    }


def _nps_shift() -> float:
    """Latent shift that raises the NPS by exactly ``_NPS_GAIN`` points."""
    sd = math.hypot(_NPS_LOAD, _NPS_NOISE)
    target = _nps_of(_NPS_MU, sd) + _NPS_GAIN
    return _bisect(lambda d: _nps_of(_NPS_MU + d, sd) - target, 0.0, 5.0)


def _sus_item_mean(sus: float) -> float:
    """Latent item mean m so that E[SUS] = sus (items score clip(round(N(m, sd)), 0, 4))."""
    sd = math.sqrt(_SUS_USER_SD**2 + _SUS_WAVE_SD**2 + _SUS_ITEM_SD**2)
    return _bisect(lambda m: 25.0 * _rounded_mean(m, sd, 0, 4) - sus, -3.0, 7.0)


# ---------------------------------------------------------------------------------------------
# Table generators
# ---------------------------------------------------------------------------------------------


def _staff(model: dict[str, Any]) -> pd.DataFrame:
    """Sales reps and service agents per region (ids EMP0001 ..; used as rep_id / user_id)."""
    region, role = [], []
    for r, name in enumerate(REGIONS):
        region += [name] * (model["sales_reps"][r] + model["service_agents"][r])
        role += ["sales"] * model["sales_reps"][r] + ["service"] * model["service_agents"][r]
    return pd.DataFrame({"user_id": _ids("EMP", len(region), 4), "region": region, "role": role})


def _reps_by_region(staff: pd.DataFrame) -> list[np.ndarray]:
    sales = staff[staff["role"] == "sales"]
    return [sales.loc[sales["region"] == r, "user_id"].to_numpy(dtype=object) for r in REGIONS]


def _pick_rep(rng: np.random.Generator, region: np.ndarray, reps: list[np.ndarray]) -> np.ndarray:
    """A random sales rep of each row's region (region as index into REGIONS)."""
    counts = np.array([len(r) for r in reps])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    flat = np.concatenate(reps)
    k = np.floor(rng.random(len(region)) * counts[region]).astype(int)
    return flat[offsets[region] + k]


def _customers(
    rng: np.random.Generator,
    churn_rng: np.random.Generator,
    model: dict[str, Any],
    reps: list[np.ndarray],
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    n, n_existing = model["n_customers"], model["n_existing"]
    segment = _categorical(rng, _SEGMENT_SHARE, n)
    region = _categorical(rng, _REGION_SHARE, n)
    treated = region < 3
    span_existing = int((_START - _EXISTING_FROM).astype(int))
    created_day = np.empty(n, dtype="int64")  # relative to 2024-01-01 (negative: before)
    created_day[:n_existing] = -rng.integers(1, span_existing + 1, n_existing)
    created_day[n_existing:] = rng.integers(0, _N_DAYS, n - n_existing)
    # churn: piecewise-constant hazard from max(created, 2024-01-01)
    lam0 = -math.log(1.0 - _CHURN_BEFORE) / 365.0
    lam1 = -math.log(1.0 - _CHURN_AFTER_TREATED) / 365.0
    start = np.maximum(created_day, 0).astype(float)
    target = churn_rng.exponential(1.0, n)
    h_go = lam0 * _GO_LIVE_DAY
    h_start = np.where(
        treated & (start >= _GO_LIVE_DAY), h_go + lam1 * (start - _GO_LIVE_DAY), lam0 * start
    )
    h_end = h_start + target
    churn_t = np.where(treated & (h_end > h_go), _GO_LIVE_DAY + (h_end - h_go) / lam1, h_end / lam0)
    churned = churn_t < _N_DAYS
    active_end = np.where(churned, np.floor(churn_t), _N_DAYS).astype("int64")
    frailty = rng.gamma(_FRAILTY_SHAPE, 1.0 / _FRAILTY_SHAPE, n)
    owner = _pick_rep(rng, region, reps)
    created = (_START + created_day.astype("timedelta64[D]")).astype("datetime64[s]")
    churn_date = np.where(
        churned, _day_dates(np.where(churned, active_end, 0)), np.datetime64("NaT")
    )
    df = pd.DataFrame(
        {
            "customer_id": _ids("C", n, 6),
            "created_date": created,
            "segment": np.asarray(_SEGMENTS, dtype=object)[segment],
            "region": np.asarray(REGIONS, dtype=object)[region],
            "churned_date": churn_date.astype("datetime64[s]"),
        }
    )
    hidden = {
        "segment": segment,
        "region": region,
        "start": np.maximum(created_day, 0),
        "end": active_end,
        "frailty": frailty,
        "owner": owner,
    }
    return df, hidden


def _customer_events(
    rng: np.random.Generator, model: dict[str, Any], cust: dict[str, np.ndarray], rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Events of every customer's Poisson process with the order intensity x ``rate``.

    Intensity of customer i on day j (while active): base rate x segment weight x frailty x
    day weight (x the frequency effect in treated regions from go-live) x ``rate``.
    Returns the customer index and day index of each event, sorted by day then customer.
    """
    weight = model["calendar"]["weight"]
    after = np.arange(_N_DAYS) >= _GO_LIVE_DAY
    cum0 = np.concatenate([[0.0], np.cumsum(weight)])
    cum1 = np.concatenate([[0.0], np.cumsum(weight * np.where(after, _FREQUENCY_EFFECT, 1.0))])
    treated = cust["region"] < 3
    a, b = cust["start"], cust["end"]
    span = np.where(b > a, np.where(treated, cum1[b] - cum1[a], cum0[b] - cum0[a]), 0.0)
    seg_w = _order_segment_weights()[cust["segment"]]
    counts = rng.poisson(rate * model["base_rate"] * seg_w * cust["frailty"] * span)
    idx = np.repeat(np.arange(len(counts)), counts)
    tr = treated[idx]
    lo = np.where(tr, cum1[a[idx]], cum0[a[idx]])
    hi = np.where(tr, cum1[b[idx]], cum0[b[idx]])
    target = lo + rng.random(len(idx)) * (hi - lo)
    day = np.where(
        tr,
        np.searchsorted(cum1, target, side="right") - 1,
        np.searchsorted(cum0, target, side="right") - 1,
    )
    day = np.clip(day, a[idx], b[idx] - 1)
    order = np.lexsort((idx, day))
    return idx[order], day[order]


def _orders(
    rng: np.random.Generator,
    model: dict[str, Any],
    cust: dict[str, np.ndarray],
    customer_ids: np.ndarray,
) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    idx, day = _customer_events(rng, model, cust, 1.0)
    n = len(idx)
    region = cust["region"][idx]
    seg = cust["segment"][idx]
    quantity = 1 + rng.poisson(np.asarray(_QTY_EXTRA_MEAN)[seg])
    price = np.exp(np.log(np.asarray(_PRICE_MEDIAN)[seg]) + _PRICE_SIGMA * rng.standard_normal(n))
    effect = np.where((region < 3) & (day >= _GO_LIVE_DAY), _AOV_EFFECT, 1.0)
    amount = np.maximum(np.round(quantity * price * effect, 2), 0.01)
    channel = _categorical(rng, np.asarray(_ORDER_CHANNEL_PROBS)[seg])
    df = pd.DataFrame(
        {
            "order_id": _ids("O", n, 7),
            "customer_id": customer_ids[idx],
            "order_date": _day_dates(day),
            "amount": amount,
            "quantity": quantity.astype("int64"),
            "rep_id": cust["owner"][idx],
            "channel": np.asarray(_ORDER_CHANNELS, dtype=object)[channel],
            "region": np.asarray(REGIONS, dtype=object)[region],
        }
    )
    return df, {"customer": idx, "day": day, "region": region}


def _opportunities(
    rng: np.random.Generator, model: dict[str, Any], reps: list[np.ndarray]
) -> pd.DataFrame:
    n = model["n_opportunities"]
    days = np.arange(_N_DAYS)
    intensity = model["calendar"]["weight"] * (1.0 + _OPP_TREND_PER_YEAR * days / 365.0)
    cum = np.concatenate([[0.0], np.cumsum(intensity)])
    created = np.searchsorted(cum, rng.random(n) * cum[-1], side="right") - 1
    created = np.clip(created, 0, _N_DAYS - 1)
    region = _categorical(rng, _REGION_SHARE, n)
    treated_after = (region < 3) & (created >= _GO_LIVE_DAY)
    p_win = np.where(treated_after, _WIN_AFTER_TREATED, _WIN_BEFORE)
    won = rng.random(n) < p_win
    z = rng.standard_normal(n)
    won_median = _CYCLE_WON_MEDIAN * np.where(treated_after, _CYCLE_EFFECT, 1.0)
    cycle = np.where(
        won,
        won_median * np.exp(_CYCLE_WON_SIGMA * z),
        _CYCLE_LOST_MEDIAN * np.exp(_CYCLE_LOST_SIGMA * z),
    )
    closed = created + np.round(cycle).astype("int64")
    is_open = closed >= _N_DAYS
    status = np.where(is_open, "open", np.where(won, "won", "lost")).astype(object)
    closed_date = np.where(
        is_open, np.datetime64("NaT", "s"), _day_dates(np.where(is_open, 0, closed))
    )
    amount = np.round(_DEAL_MEDIAN * np.exp(_DEAL_SIGMA * rng.standard_normal(n)), -1)
    amount = np.maximum(amount, 100.0)
    lead = _categorical(rng, _LEAD_SOURCE_PROBS, n)
    rep = _pick_rep(rng, region, reps)
    order = np.lexsort((np.arange(n), created))
    return pd.DataFrame(
        {
            "opportunity_id": _ids("OP", n, 6),
            "created_date": _day_dates(created[order]),
            "status": status[order],
            "closed_date": closed_date[order].astype("datetime64[s]"),
            "amount": amount[order],
            "lead_source": np.asarray(_LEAD_SOURCES, dtype=object)[lead[order]],
            "rep_id": rep[order],
            "region": np.asarray(REGIONS, dtype=object)[region[order]],
        }
    )


def _tickets(
    rng: np.random.Generator,
    model: dict[str, Any],
    cust: dict[str, np.ndarray],
    customer_ids: np.ndarray,
) -> pd.DataFrame:
    # Tickets follow each customer's order intensity (x 0.124), so tickets per order is
    # exact in every window: non-complaints 0.10, complaints 0.024 (0.018 treated after).
    peak = _TICKET_RATE + _COMPLAINT_RATE
    cand, day = _customer_events(rng, model, cust, peak)
    treated_after = (cust["region"][cand] < 3) & (day >= _GO_LIVE_DAY)
    complaint_rate = _COMPLAINT_RATE * np.where(treated_after, _COMPLAINT_EFFECT, 1.0)
    v = rng.random(len(cand)) * peak
    keep = v < _TICKET_RATE + complaint_rate
    is_complaint = v[keep] >= _TICKET_RATE
    src = cand[keep]
    opened_day = day[keep]
    tr = treated_after[keep]
    n = len(src)
    hour = _categorical(rng, _HOUR_WEIGHTS, n)
    opened_s = opened_day * 86_400 + hour * 3_600 + rng.integers(0, 3_600, n)
    z1, z2 = rng.standard_normal(n), rng.standard_normal(n)
    first_h = _FIRST_RESPONSE_MEDIAN * np.where(tr, _FIRST_RESPONSE_EFFECT, 1.0)
    first_h = first_h * np.exp(_FIRST_RESPONSE_SIGMA * z1)
    resolve_h = _RESOLUTION_MEDIAN * np.where(tr, _RESOLUTION_EFFECT, 1.0)
    resolve_h = resolve_h * np.exp(_RESOLUTION_SIGMA * z2)
    first_h = np.minimum(first_h, resolve_h)  # resolved at first contact
    first_s = opened_s + np.round(first_h * 3_600).astype("int64")
    resolve_s = opened_s + np.round(resolve_h * 3_600).astype("int64")
    has_first = (first_s < _END_SECONDS) & (rng.random(n) >= _FIRST_RESPONSE_MISSING)
    resolved = (resolve_s < _END_SECONDS) & (rng.random(n) >= _ABANDONED_SHARE)
    rated = resolved & (rng.random(n) < _TICKET_SURVEYED)
    sat = _categorical(rng, _TICKET_SAT_PROBS, n) + 1
    channel = _categorical(rng, _TICKET_CHANNEL_PROBS, n)
    order = np.lexsort((src, opened_s))
    nat = np.datetime64("NaT", "s")
    src = src[order]
    return pd.DataFrame(
        {
            "ticket_id": _ids("T", n, 7),
            "opened_at": _second_dates(opened_s[order]),
            "customer_id": customer_ids[src],
            "first_response_at": np.where(has_first, _second_dates(first_s), nat)[order],
            "resolved_at": np.where(resolved, _second_dates(resolve_s), nat)[order],
            "channel": np.asarray(_TICKET_CHANNELS, dtype=object)[channel[order]],
            "is_complaint": is_complaint[order],
            "satisfaction": pd.arrays.IntegerArray(
                np.where(rated, sat, 0)[order].astype("int64"), ~rated[order]
            ),
        }
    )


def _surveys(
    rng: np.random.Generator,
    model: dict[str, Any],
    order_hidden: dict[str, np.ndarray],
    customer_ids: np.ndarray,
    cust_end: np.ndarray,
) -> pd.DataFrame:
    n_orders = len(order_hidden["day"])
    n = min(model["n_surveys"], n_orders)
    src = np.sort(rng.choice(n_orders, size=n, replace=False))
    day = order_hidden["day"][src]
    active_end = cust_end[order_hidden["customer"][src]]  # answered before churning
    room = np.minimum(_SURVEY_MAX_LAG, np.minimum(_N_DAYS, active_end) - 1 - day)
    day = day + np.floor(rng.random(n) * (room + 1)).astype("int64")
    tr = (order_hidden["region"][src] < 3) & (day >= _GO_LIVE_DAY)
    f = rng.standard_normal(n)
    nps_latent = (
        _NPS_MU
        + np.where(tr, _nps_shift(), 0.0)
        + _NPS_LOAD * f
        + _NPS_NOISE * rng.standard_normal(n)
    )
    csat_latent = (
        _CSAT_MU
        + np.where(tr, _CSAT_SHIFT, 0.0)
        + _CSAT_LOAD * f
        + _CSAT_NOISE * rng.standard_normal(n)
    )
    ces_latent = _CES_MU + _CES_LOAD * f + _CES_NOISE * rng.standard_normal(n)
    g = _LOY_FACTOR_CORR * f + math.sqrt(1 - _LOY_FACTOR_CORR**2) * rng.standard_normal(n)
    loyalty = _LOY_MU + _LOY_LOAD * g[:, None] + _LOY_NOISE * rng.standard_normal((n, 4))

    def score(x: np.ndarray, low: int, high: int) -> np.ndarray:
        return np.clip(np.rint(x), low, high).astype("int64")

    order = np.lexsort((src, day))
    data = {
        "response_id": _ids("R", n, 7),
        "response_date": _day_dates(day[order]),
        "customer_id": customer_ids[order_hidden["customer"][src[order]]],
        "nps": score(nps_latent, 0, 10)[order],
        "csat": score(csat_latent, 1, 5)[order],
        "ces": score(ces_latent, 1, 7)[order],
    }
    loy = score(loyalty, 1, 5)[order]
    for k in range(4):
        data[f"loyalty_{k + 1}"] = loy[:, k]
    return pd.DataFrame(data)


def _usage(rng: np.random.Generator, staff: pd.DataFrame) -> pd.DataFrame:
    users = staff[staff["region"].isin(TREATED_REGIONS)].reset_index(drop=True)
    n_users = len(users)
    days = np.arange(_GO_LIVE_DAY, _N_DAYS)
    t = days - _GO_LIVE_DAY
    weekday = _calendar()["weekday"][days]
    late = rng.random(n_users) < _LATE_ADOPTER_SHARE
    adopt = np.where(
        late, rng.uniform(60.0, 180.0, n_users), rng.exponential(_ADOPTION_MEAN_DAYS, n_users)
    )
    p_max = rng.beta(8.0, 1.5, n_users)
    ramp = 1.0 - np.exp(-np.maximum(t[None, :] - adopt[:, None], 0.0) / _ADOPTION_TAU_DAYS)
    ramp = np.where(t[None, :] >= adopt[:, None], ramp, 0.0)
    day_factor = np.where(weekday >= 5, 0.05, 1.0)
    active = rng.random((n_users, len(days))) < p_max[:, None] * ramp * day_factor[None, :]
    u_idx, d_idx = np.nonzero(active)
    role = (users["role"].to_numpy() == "service").astype(int)[u_idx]
    # breadth of feature use grows with adoption
    breadth = 0.4 + 0.6 * ramp[u_idx, d_idx]
    probs = np.asarray(_FEATURE_PROBS)[role] * breadth[:, None]
    used = rng.random(probs.shape) < probs
    primary = np.where(role == 1, _FEATURES.index("tickets"), _FEATURES.index("contacts"))
    none = ~used.any(axis=1)
    used[np.flatnonzero(none), primary[none]] = True
    row, feat = np.nonzero(used)
    n = len(row)
    sessions = 1 + rng.poisson(0.8, n)
    actions = sessions + rng.poisson(5.0 * sessions)
    out = pd.DataFrame(
        {
            "user_id": users["user_id"].to_numpy(dtype=object)[u_idx[row]],
            "date": _day_dates(days[d_idx[row]]),
            "sessions": sessions.astype("int64"),
            "actions": actions.astype("int64"),
            "feature": np.asarray(_FEATURES, dtype=object)[feat],
        }
    )
    return out.sort_values(["user_id", "date", "feature"], kind="stable").reset_index(drop=True)


def _user_survey(rng: np.random.Generator, staff: pd.DataFrame) -> pd.DataFrame:
    users = staff[staff["region"].isin(TREATED_REGIONS)]["user_id"].to_numpy(dtype=object)
    n_users = len(users)
    trait = _SUS_USER_SD * rng.standard_normal(n_users)
    frames = []
    for wave, (first, n_days) in enumerate(_WAVES):
        respond = rng.random(n_users) < _USER_SURVEY_RESPONSE
        if respond.sum() == 0:
            respond[0] = True
        k = int(respond.sum())
        day0 = int((np.datetime64(first, "D") - _START).astype(int))
        day = day0 + rng.integers(0, n_days, k)
        mood = trait[respond] + _SUS_WAVE_SD * rng.standard_normal(k)
        m = _sus_item_mean(_SUS_BEFORE if wave == 0 else _SUS_AFTER)
        contrib = np.clip(
            np.rint(m + mood[:, None] + _SUS_ITEM_SD * rng.standard_normal((k, 10))), 0, 4
        ).astype("int64")
        items = np.where(np.arange(10) % 2 == 0, contrib + 1, 5 - contrib)  # sus_1 odd: c + 1
        mu_sat = _USER_SAT_BEFORE if wave == 0 else _USER_SAT_AFTER
        sat = np.clip(np.rint(mu_sat + mood + _USER_SAT_NOISE * rng.standard_normal(k)), 1, 5)
        data = {"user_id": users[respond], "response_date": _day_dates(day)}
        for i in range(10):
            data[f"sus_{i + 1}"] = items[:, i]
        data["satisfaction"] = sat.astype("int64")
        frames.append(pd.DataFrame(data))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["user_id", "response_date"], kind="stable").reset_index(drop=True)


def _campaigns(rng: np.random.Generator) -> pd.DataFrame:
    n = _N_CAMPAIGNS
    month = np.arange(n) // 2  # two campaigns a month
    month_start = (np.datetime64("2024-01", "M") + month).astype("datetime64[D]")
    start = (
        month_start
        + rng.integers(0, 14, n).astype("timedelta64[D]")
        + np.where(np.arange(n) % 2 == 1, 14, 0).astype("timedelta64[D]")
    )
    ch = _categorical(rng, _CAMPAIGN_CHANNEL_PROBS, n)
    contacts = np.round(
        np.asarray(_CAMPAIGN_CONTACTS_MEDIAN)[ch]
        * np.exp(_CAMPAIGN_CONTACTS_SIGMA * rng.standard_normal(n))
    ).astype("int64")
    contacts = np.maximum(contacts, 50)
    responses = rng.binomial(contacts, np.asarray(_CAMPAIGN_RESPONSE)[ch])
    conversions = rng.binomial(responses, np.asarray(_CAMPAIGN_CONVERSION)[ch])
    aov = _true_aov(after=False)
    revenue = np.round(conversions * aov * np.exp(0.25 * rng.standard_normal(n)), 2)
    cost = np.round(
        np.asarray(_CAMPAIGN_FIXED_COST)[ch]
        + contacts * np.asarray(_CAMPAIGN_COST_PER_CONTACT)[ch] * rng.uniform(0.9, 1.1, n),
        -1,
    )
    return pd.DataFrame(
        {
            "campaign_id": _ids("CMP", n, 3),
            "start_date": start.astype("datetime64[s]"),
            "cost": cost,
            "channel": np.asarray(_CAMPAIGN_CHANNELS, dtype=object)[ch],
            "contacts": contacts,
            "responses": responses.astype("int64"),
            "conversions": conversions.astype("int64"),
            "revenue": revenue,
        }
    )


def _costs(scale: float) -> pd.DataFrame:
    """The CRM programme's costs: a company twice the size pays about twice as much."""
    rows = [
        (0, "licences", 2_400_000.0, "implementation", 0.10),
        (0, "hardware", 600_000.0, "implementation", 0.05),
        (0, "implementation services", 4_500_000.0, "implementation", 0.15),
        (0, "integration", 1_800_000.0, "implementation", 0.20),
        (0, "training", 600_000.0, "implementation", 0.10),
        (0, "internal staff", 1_200_000.0, "planning", 0.10),
    ]
    for year in (1, 2, 3):
        rows += [
            (year, "licences", 1_200_000.0, "operation", 0.05),
            (year, "maintenance", 500_000.0, "operation", 0.10),
            (year, "internal staff", 900_000.0, "operation", 0.10),
            (year, "training", 250_000.0 if year == 1 else 150_000.0, "operation", 0.10),
        ]
    df = pd.DataFrame(rows, columns=["year", "category", "amount", "phase", "risk_adjustment"])
    df["amount"] = (df["amount"] * scale).round(-3)
    return df.sort_values(["year", "category"], kind="stable").reset_index(drop=True)


def _benefits(scale: float) -> pd.DataFrame:
    """The benefits the client declares (ramping up over three years), each tied to a KPI.

    Deliberately conservative against the injected effects: the claims are below what the
    data measure, so that "claimed against measured" has something to show.
    """
    full_year = (
        ("incremental gross margin", 12_000_000.0, 0.20, "revenue_monthly"),
        ("retained customers' margin", 3_000_000.0, 0.20, "churn_rate_annual"),
        ("sales productivity", 800_000.0, 0.15, "win_rate"),
        ("service efficiency", 600_000.0, 0.10, "first_response_hours"),
        ("fewer complaints handled", 150_000.0, 0.10, "complaints_per_1000_orders"),
    )
    rows = [
        (year, category, round(amount * ramp * scale, -3), risk, kpi)
        for year, ramp in ((1, 0.7), (2, 0.9), (3, 1.0))
        for category, amount, risk, kpi in full_year
    ]
    df = pd.DataFrame(rows, columns=["year", "category", "amount", "risk_adjustment", "kpi"])
    return df.sort_values(["year", "category"], kind="stable").reset_index(drop=True)


def _benchmarks() -> pd.DataFrame:
    source = "Illustrative industry benchmark (synthetic demo)"
    rows = [
        ("average_order_value", 5000.0),
        ("campaign_response_rate", 0.03),
        ("ces", 5.0),
        ("churn_rate_annual", 0.15),
        ("complaints_per_1000_orders", 20.0),
        ("csat_top2_share", 0.75),
        ("first_response_hours", 6.0),
        ("nps", 32.0),
        ("sales_cycle_days", 70.0),
        ("sus_score", 68.0),
        ("win_rate", 0.22),
    ]
    return pd.DataFrame(
        {"kpi": [r[0] for r in rows], "value": [r[1] for r in rows], "source": source}
    )


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------


def generate_tables(*, scale: float = 1.0, seed: int = DEMO_SEED) -> dict[str, pd.DataFrame]:
    """Generate the demo client's canonical tables (pure: no I/O).

    Parameters
    ----------
    scale : float, default 1.0
        Size multiplier. At 1.0 about 20,000 customers, 200,000 orders, 20,000
        opportunities, 24,000 tickets, 10,000 survey responses and 60 staff (the 48 in
        treated regions use the CRM). Campaigns, costs, benefits and benchmarks do not
        scale. Small values (e.g. 0.02) give small but valid tables.
    seed : int, default 20250101
        Seed of ``numpy.random.default_rng``; the same seed and scale give identical tables.

    Returns
    -------
    dict of str to pandas.DataFrame
        One frame per name in :data:`TABLES`, columns in canonical order (required first),
        rows sorted by the table's id. Dates are ``datetime64[s]`` (missing: ``NaT``),
        ``satisfaction`` of tickets is nullable ``Int64``.

    Raises
    ------
    ValueError
        If ``scale`` is not a positive finite number.
    """
    scale = _check_scale(scale)
    model = _model(scale)
    # one independent stream per process, so changing one table leaves the others alone
    rng = dict(zip(_STREAMS, np.random.default_rng(seed).spawn(len(_STREAMS)), strict=True))
    staff = _staff(model)
    reps = _reps_by_region(staff)
    customers, cust = _customers(rng["customers"], rng["churn"], model, reps)
    customer_ids = customers["customer_id"].to_numpy(dtype=object)
    orders, order_hidden = _orders(rng["orders"], model, cust, customer_ids)
    return {
        "customers": customers,
        "orders": orders,
        "opportunities": _opportunities(rng["opportunities"], model, reps),
        "tickets": _tickets(rng["tickets"], model, cust, customer_ids),
        "surveys": _surveys(rng["surveys"], model, order_hidden, customer_ids, cust["end"]),
        "usage": _usage(rng["usage"], staff),
        "user_survey": _user_survey(rng["user_survey"], staff),
        "campaigns": _campaigns(rng["campaigns"]),
        "costs": _costs(scale),
        "benefits": _benefits(scale),
        "benchmarks": _benchmarks(),
    }


def _true_aov(after: bool) -> float:
    q = np.asarray(_SEGMENT_SHARE) * _order_segment_weights()  # share of orders by segment
    per_seg = (1.0 + np.asarray(_QTY_EXTRA_MEAN)) * np.asarray(_PRICE_MEDIAN)
    aov = float(np.dot(q, per_seg)) * math.exp(_PRICE_SIGMA**2 / 2.0)
    return aov * (_AOV_EFFECT if after else 1.0)


def _first_response_median(after: bool) -> float:
    """Median of min(first-response, resolution) hours (two independent lognormals)."""
    m1 = math.log(_FIRST_RESPONSE_MEDIAN * (_FIRST_RESPONSE_EFFECT if after else 1.0))
    m2 = math.log(_RESOLUTION_MEDIAN * (_RESOLUTION_EFFECT if after else 1.0))

    def cdf_minus_half(log_x: float) -> float:
        s1 = 1.0 - _phi((log_x - m1) / _FIRST_RESPONSE_SIGMA)
        s2 = 1.0 - _phi((log_x - m2) / _RESOLUTION_SIGMA)
        return (1.0 - s1 * s2) - 0.5

    return math.exp(_bisect(cdf_minus_half, -10.0, 10.0))


def _revenue_monthly(model: dict[str, Any], treated: bool, effects: bool) -> tuple[float, float]:
    """Expected mean monthly revenue (before, after) of the treated or the control regions."""
    n_e, n_n = model["n_existing"], model["n_new"]
    share = _TREATED_SHARE if treated else _CONTROL_SHARE
    with_effect = treated and effects
    active = share * _expected_active(n_e, n_n, treated=with_effect)
    after = np.arange(_N_DAYS) >= _GO_LIVE_DAY
    freq = np.where(after & with_effect, _FREQUENCY_EFFECT, 1.0)
    aov = np.where(after & with_effect, _true_aov(True), _true_aov(False))
    daily = model["base_rate"] * model["calendar"]["weight"] * active * freq * aov
    monthly = np.bincount(model["calendar"]["month"], weights=daily, minlength=24)
    return float(monthly[:12].mean()), float(monthly[12:].mean())


def _kpi(
    label: str,
    unit: str,
    statistic: str,
    before: float,
    after: float,
    kind: str,
    note: str,
    *,
    injected: bool = True,
    scope: str = "treated regions",
    counterfactual_after: float | None = None,
    control: tuple[float, float] | None = None,
    digits: int = 6,
) -> dict[str, Any]:
    cf = before if counterfactual_after is None else counterfactual_after
    effect = after - before
    entry: dict[str, Any] = {
        "label": label,
        "injected": injected,
        "unit": unit,
        "statistic": statistic,
        "scope": scope,
        "before": round(before, digits),
        "after": round(after, digits),
        "effect": round(effect, digits),
        "relative_effect": round(effect / before, digits) if before else None,
        "effect_kind": kind if injected else "none",
        "counterfactual_after": round(cf, digits),
        "causal_effect": round(after - cf, digits),
        "causal_relative_effect": round((after - cf) / cf, digits) if cf else None,
        "control": None
        if control is None
        else {"before": round(control[0], digits), "after": round(control[1], digits)},
        "note": note,
    }
    return entry


def demo_truth(*, scale: float = 1.0, seed: int = DEMO_SEED) -> dict[str, Any]:
    """The true (data-generating) KPI values of the demo client, before and after go-live.

    Values are stated analytically from the generator's design (e.g. the lognormal mean
    ``exp(mu + sigma**2 / 2)``, a win probability, a median from the distribution function),
    not estimated from a sample. ``before`` / ``after`` are the treated regions' values in
    the before (2024) and after (2025) windows; ``effect = after - before`` and
    ``relative_effect = effect / before``. Where a KPI also moves without the CRM (only
    ``revenue_monthly``, through customer-base growth and the calendar, and
    ``purchase_frequency`` through the calendar), ``counterfactual_after`` is the value the
    treated regions would have had without the CRM, and ``causal_effect`` /
    ``causal_relative_effect`` compare ``after`` with it (for every other KPI the
    counterfactual equals ``before``). ``control`` holds the West region's true values.

    Parameters
    ----------
    scale : float, default 1.0
        As in :func:`generate_tables` (only ``revenue_monthly`` depends on it).
    seed : int, default 20250101
        Recorded in the document; the true values do not depend on it.

    Returns
    -------
    dict
        A JSON-serialisable document: seed, scale, go_live_date, treated_regions,
        control_regions, before / after windows, and ``kpis``: name -> {label, injected,
        unit, statistic, scope, before, after, effect, relative_effect, effect_kind,
        counterfactual_after, causal_effect, causal_relative_effect, control, note}.
    """
    scale = _check_scale(scale)
    model = _model(scale)
    aov0, aov1 = _true_aov(False), _true_aov(True)
    rev_t = _revenue_monthly(model, treated=True, effects=True)
    rev_cf = _revenue_monthly(model, treated=True, effects=False)
    rev_c = _revenue_monthly(model, treated=False, effects=False)
    weight = model["calendar"]["weight"]
    w_before = float(weight[:_GO_LIVE_DAY].mean())
    w_after = float(weight[_GO_LIVE_DAY:].mean())
    freq_unit = 365.0 * model["base_rate"]
    fr0, fr1 = _first_response_median(False), _first_response_median(True)
    nps_sd = math.hypot(_NPS_LOAD, _NPS_NOISE)
    nps0 = _nps_of(_NPS_MU, nps_sd)
    nps1 = _nps_of(_NPS_MU + _nps_shift(), nps_sd)
    csat_sd = math.hypot(_CSAT_LOAD, _CSAT_NOISE)
    csat0 = 1.0 - _phi((3.5 - _CSAT_MU) / csat_sd)
    csat1 = 1.0 - _phi((3.5 - _CSAT_MU - _CSAT_SHIFT) / csat_sd)
    ces = _rounded_mean(_CES_MU, math.hypot(_CES_LOAD, _CES_NOISE), 1, 7)
    sat_sd = math.sqrt(_SUS_USER_SD**2 + _SUS_WAVE_SD**2 + _USER_SAT_NOISE**2)
    usat0 = _rounded_mean(_USER_SAT_BEFORE, sat_sd, 1, 5)
    usat1 = _rounded_mean(_USER_SAT_AFTER, sat_sd, 1, 5)
    q = np.asarray(_SEGMENT_SHARE) * _order_segment_weights()
    units = float(np.dot(q, 1.0 + np.asarray(_QTY_EXTRA_MEAN)))
    tsat = float(np.dot(_TICKET_SAT_PROBS, np.arange(1, 6)))
    ch = np.asarray(_CAMPAIGN_CHANNEL_PROBS)
    contacts = np.asarray(_CAMPAIGN_CONTACTS_MEDIAN) * math.exp(_CAMPAIGN_CONTACTS_SIGMA**2 / 2)
    resp_rate = float(np.dot(ch * contacts, _CAMPAIGN_RESPONSE) / np.dot(ch, contacts))
    deal = _DEAL_MEDIAN * math.exp(_DEAL_SIGMA**2 / 2.0)
    cyc0, cyc1 = _CYCLE_WON_MEDIAN, _CYCLE_WON_MEDIAN * _CYCLE_EFFECT
    res0, res1 = _RESOLUTION_MEDIAN, _RESOLUTION_MEDIAN * _RESOLUTION_EFFECT
    comp0, comp1 = 1000 * _COMPLAINT_RATE, 1000 * _COMPLAINT_RATE * _COMPLAINT_EFFECT

    kpis = {
        "average_order_value": _kpi(
            "Average order value",
            DEMO_CURRENCY,
            "mean",
            aov0,
            aov1,
            "relative",
            "Order amounts (quantity x lognormal unit price, segment mix fixed) multiplied "
            "by 1.08 for orders of treated regions dated on or after go-live. True value: "
            "sum over segments of order share x E[quantity] x exp(mu + sigma^2/2).",
            control=(aov0, aov0),
        ),
        "revenue_monthly": _kpi(
            "Monthly revenue",
            f"{DEMO_CURRENCY} per month",
            "mean of expected monthly totals",
            rev_t[0],
            rev_t[1],
            "relative",
            "Consequence of the +8 % order value, a +5 % level change in order frequency per "
            "active customer and lower churn (larger active base), on top of customer-base "
            "growth and seasonality that also raise the control region. Causal relative "
            "effect = after / counterfactual_after - 1; before-after in the raw series "
            "also includes the growth trend. Expected values given the design, not a sample.",
            counterfactual_after=rev_cf[1],
            control=rev_c,
        ),
        "purchase_frequency": _kpi(
            "Orders per active customer-year",
            "orders per customer-year",
            "expected orders per active customer per 365 days",
            freq_unit * w_before,
            freq_unit * w_after * _FREQUENCY_EFFECT,
            "relative",
            "Each active customer's Poisson order rate is multiplied by 1.05 in treated "
            "regions from go-live. Exposure-based (active customer-days, i.e. created and "
            "not churned); the before/after calendars differ slightly (weekday mix), see "
            "counterfactual_after. Orders / distinct buyers in a window is a different "
            "(exposure-dependent) figure.",
            counterfactual_after=freq_unit * w_after,
            control=(freq_unit * w_before, freq_unit * w_after),
        ),
        "win_rate": _kpi(
            "Win rate",
            "share",
            "probability that an opportunity is won",
            _WIN_BEFORE,
            _WIN_AFTER_TREATED,
            "absolute",
            "Won with probability 0.20, 0.26 for opportunities of treated regions created "
            "on or after go-live (cohort by created_date). Deals not closed by the export "
            "date (2025-12-31) are 'open'; closing is faster for lost deals, so late cohorts "
            "are censored; use won / (won + lost) on mature cohorts.",
            control=(_WIN_BEFORE, _WIN_BEFORE),
        ),
        "sales_cycle_days": _kpi(
            "Sales cycle of won deals",
            "days",
            "median",
            cyc0,
            cyc1,
            "relative",
            "Won deals' cycle lognormal (median 60 days, sigma 0.8), multiplied by 0.85 for "
            "treated regions' opportunities created on or after go-live; rounded to whole "
            "days; censored at the export date (then status open).",
            control=(cyc0, cyc0),
        ),
        "first_response_hours": _kpi(
            "First response time",
            "hours",
            "median",
            fr0,
            fr1,
            "relative",
            "First response = min(lognormal(median 4 h, sigma 1.0), resolution time); the "
            "lognormal x 0.70 and resolution x 0.80 for treated regions' tickets opened on "
            "or after go-live; the true medians of the minimum are computed from its "
            "distribution function. 1 % not recorded; censored at the export date.",
            control=(fr0, fr0),
        ),
        "resolution_hours": _kpi(
            "Resolution time",
            "hours",
            "median",
            res0,
            res1,
            "relative",
            "Lognormal (median 30 h, sigma 0.9), x 0.80 for treated regions' tickets opened "
            "on or after go-live. 2 % never resolved; tickets unresolved at the export date "
            "have an empty resolved_at (right-censored).",
            control=(res0, res0),
        ),
        "complaints_per_1000_orders": _kpi(
            "Complaints per 1,000 orders",
            "complaints per 1000 orders",
            "rate",
            comp0,
            comp1,
            "relative",
            "Tickets arrive as each customer's Poisson process at 0.124 x its order "
            "intensity; 0.024 complaints per order (0.018 = -25 % for treated regions' "
            "tickets opened on or after go-live), 0.10 non-complaint tickets per order "
            "throughout.",
            control=(comp0, comp0),
        ),
        "nps": _kpi(
            "Net Promoter Score",
            "points (-100..100)",
            "NPS",
            nps0,
            nps1,
            "absolute",
            "nps = clip(round(latent), 0, 10), latent ~ N(8.2, 2.0); shifted so the NPS "
            "rises by 8 points for treated regions' responses on or after go-live.",
            control=(nps0, nps0),
        ),
        "csat_top2_share": _kpi(
            "CSAT top-2-box share",
            "share",
            "share of csat 4-5",
            csat0,
            csat1,
            "absolute",
            "csat = clip(round(latent), 1, 5), latent ~ N(3.9, 0.89), +0.15 for treated "
            "regions' responses on or after go-live.",
            control=(csat0, csat0),
        ),
        "churn_rate_annual": _kpi(
            "Annual churn rate",
            "share",
            "probability of churning within a year at risk",
            _CHURN_BEFORE,
            _CHURN_AFTER_TREATED,
            "absolute",
            "Constant churn hazard -ln(1 - 0.18) per year, -ln(1 - 0.13) for treated "
            "regions' customers from go-live (piecewise exponential). Customers are at risk "
            "from max(created_date, 2024-01-01); churned_date empty when active at export.",
            control=(_CHURN_BEFORE, _CHURN_BEFORE),
        ),
        "sus_score": _kpi(
            "System Usability Scale",
            "points (0..100)",
            "mean",
            _SUS_BEFORE,
            _SUS_AFTER,
            "absolute",
            "Staff survey of treated-region sales and service staff: wave 1 (Nov 2024, old "
            "tools), wave 2 (Nov 2025, the CRM); items from an ordinal latent model "
            "calibrated to mean SUS 55 and 72 (Brooke scoring).",
            scope="treated regions' CRM users (staff survey waves)",
        ),
        "user_satisfaction": _kpi(
            "CRM user satisfaction",
            "mean score 1-5",
            "mean",
            usat0,
            usat1,
            "absolute",
            "user_survey.satisfaction = clip(round(latent), 1, 5); latent mean 3.0 in wave 1 "
            "and 3.6 in wave 2.",
            scope="treated regions' CRM users (staff survey waves)",
        ),
        "units_per_order": _kpi(
            "Units per order",
            "units",
            "mean",
            units,
            units,
            "none",
            "quantity = 1 + Poisson(9 / 3 / 0.5) by segment; the segment mix of orders is "
            "stationary, so no change anywhere.",
            injected=False,
            control=(units, units),
        ),
        "ticket_satisfaction": _kpi(
            "Ticket satisfaction",
            "mean score 1-5",
            "mean",
            tsat,
            tsat,
            "none",
            "Drawn from fixed probabilities (0.06, 0.08, 0.16, 0.35, 0.35) for 1..5, "
            "independent of region, time and ticket; 35 % of resolved tickets rated.",
            injected=False,
            control=(tsat, tsat),
        ),
        "campaign_response_rate": _kpi(
            "Campaign response rate",
            "share",
            "expected responses / expected contacts",
            resp_rate,
            resp_rate,
            "none",
            "Company-wide campaigns (no region); response probability by channel, fixed "
            "over time. Few, unequal campaigns: the sample rate is noisy.",
            injected=False,
            scope="all campaigns (company-wide)",
        ),
        "ces": _kpi(
            "Customer Effort Score",
            "mean score 1-7",
            "mean",
            ces,
            ces,
            "none",
            "ces = clip(round(latent), 1, 7), latent ~ N(5.2, 1.22), unchanged.",
            injected=False,
            control=(ces, ces),
        ),
        "average_deal_size": _kpi(
            "Average deal size (won)",
            DEMO_CURRENCY,
            "mean",
            deal,
            deal,
            "none",
            "Opportunity amounts lognormal (median 60,000, sigma 1.0), independent of "
            "outcome, region and time: exp(mu + sigma^2/2).",
            injected=False,
            control=(deal, deal),
        ),
    }
    return {
        "client": DEMO_CLIENT,
        "currency": DEMO_CURRENCY,
        "seed": int(seed),
        "scale": scale,
        "go_live_date": DEMO_GO_LIVE,
        "before": {"start": DEMO_BEFORE[0], "end": DEMO_BEFORE[1]},
        "after": {"start": DEMO_AFTER[0], "end": DEMO_AFTER[1]},
        "treated_regions": list(TREATED_REGIONS),
        "control_regions": list(CONTROL_REGIONS),
        "effect_timing": "step change at go-live (no ramp); usage adoption ramps up",
        "kpis": kpis,
    }


def demo_params() -> dict[str, Any]:
    """The demo client's ``params.yaml`` content as a mapping (dates as ``datetime.date``)."""
    d = _dt.date.fromisoformat
    return {
        "client": DEMO_CLIENT,
        "currency": DEMO_CURRENCY,
        "go_live_date": d(DEMO_GO_LIVE),
        "before": {"start": d(DEMO_BEFORE[0]), "end": d(DEMO_BEFORE[1])},
        "after": {"start": d(DEMO_AFTER[0]), "end": d(DEMO_AFTER[1])},
        "data_dir": "data",
        "control": {"column": "region", "values": list(CONTROL_REGIONS)},
        "stats": {"alpha": 0.05, "correction": "holm"},
        "finance": {
            "discount_rate": 0.10,
            "horizon_years": 3,
            "gross_margin": 0.30,
            "hourly_cost": 120.0,
        },
        "objectives": [
            {
                "name": "Raise the win rate of opportunities in CRM regions to 25 %",
                "kpi": "win_rate",
                "target": 0.25,
                "unit": "share",
                "deadline": d("2025-12-31"),
                "owner": "Head of Sales",
            },
            {
                "name": "Cut the median first response to service tickets to 3 hours",
                "kpi": "first_response_hours",
                "target": 3.0,
                "unit": "hours",
                "deadline": d("2025-12-31"),
                "owner": "Head of Customer Service",
            },
            {
                "name": "Lift the Net Promoter Score of CRM regions by 5 points",
                "kpi": "nps",
                "target": 5.0,
                "unit": "points",
                "deadline": d("2025-12-31"),
                "owner": "Chief Customer Officer",
            },
        ],
        "team": [
            {
                "name": "Wang Fang",
                "role": "Engagement lead (consultant)",
                "responsibility": "method, findings and recommendations",
            },
            {
                "name": "Li Wei",
                "role": "Data analyst (consultant)",
                "responsibility": "data preparation, statistics and report",
            },
            {
                "name": "Zhang Min",
                "role": "CRM programme owner (client)",
                "responsibility": "objectives, costs and declared benefits",
            },
            {
                "name": "Chen Jie",
                "role": "Data owner, CRM and ERP exports (client)",
                "responsibility": "exports and answers to data-quality issues",
            },
        ],
        "scope": {
            "description": "Value delivered by the CRM in sales, service and marketing, "
            "in the three regions that went live on 2025-01-01, against West, which did not.",
            "included": ["sales", "service", "marketing", "CRM adoption", "costs and benefits"],
            "excluded": ["the e-commerce shop (not connected to the CRM)"],
        },
    }


def _deterministic_xlsx(frame: pd.DataFrame, sheet: str) -> bytes:
    """An .xlsx file whose bytes depend only on ``frame`` (fixed timestamps)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([v.item() if isinstance(v, np.generic) else v for v in row])
    fixed = _dt.datetime(*_FIXED_ZIP_TIME)
    wb.properties.created = fixed
    wb.properties.creator = "crmkit"
    buf = _io.BytesIO()
    wb.save(buf)
    stamp = fixed.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = _io.BytesIO()
    with (
        zipfile.ZipFile(_io.BytesIO(buf.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rf"\g<1>{stamp}\g<2>", text
                )
                data = text.encode("utf-8")
            zinfo = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            zinfo.compress_type = zipfile.ZIP_DEFLATED
            zinfo.external_attr = 0o600 << 16
            dst.writestr(zinfo, data)
    return out.getvalue()


def _csv_text(frame: pd.DataFrame, date_format: str) -> str:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == bool:
            out[col] = np.where(out[col].to_numpy(), "true", "false")
    return out.to_csv(index=False, date_format=date_format, na_rep="", lineterminator="\n")


def generate_demo_client(path: str | Path, *, scale: float = 1.0, seed: int = DEMO_SEED) -> Path:
    """Write a complete demo client folder at ``path`` and return it.

    Writes ``path/params.yaml``, ``path/data/<table>.csv`` for every canonical table except
    costs, which is written as ``path/data/costs.xlsx`` (to exercise the Excel reader), and
    ``path/truth.json`` (the document of :func:`demo_truth`). Existing files of those names
    are overwritten; other files are left alone. The same seed and scale give byte-identical
    files.

    Parameters
    ----------
    path : str or pathlib.Path
        The client folder (created if absent).
    scale : float, default 1.0
        Size multiplier, see :func:`generate_tables`.
    seed : int, default 20250101
        Random seed.

    Returns
    -------
    pathlib.Path
        ``path`` as a Path.
    """
    tables = generate_tables(scale=scale, seed=seed)
    truth = demo_truth(scale=scale, seed=seed)
    root = Path(path)
    data_dir = root / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    params_text = (
        f"# Synthetic demo client generated by crmkit.demo.synth (seed {int(seed)}, scale "
        f"{float(scale):g}).\n# truth.json holds the true effects injected into the data.\n"
        + yaml.safe_dump(demo_params(), sort_keys=False, allow_unicode=True)
    )
    (root / "params.yaml").write_text(params_text, encoding="utf-8")
    for name, frame in tables.items():
        if name == "costs":
            (data_dir / "costs.xlsx").write_bytes(_deterministic_xlsx(frame, "costs"))
            continue
        fmt = "%Y-%m-%d %H:%M:%S" if name == "tickets" else "%Y-%m-%d"
        (data_dir / f"{name}.csv").write_text(_csv_text(frame, fmt), encoding="utf-8")
    (root / "truth.json").write_text(
        json.dumps(truth, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return root


def ensure_demo_client(path: str | Path, *, scale: float = 1.0, seed: int = DEMO_SEED) -> Path:
    """The demo client at ``path``, generated only when it is absent or of another scale or seed.

    ``truth.json`` is written last by :func:`generate_demo_client`, so a folder whose
    ``truth.json`` names this scale and seed is complete and is reused as it is.
    """
    root = Path(path)
    truth_file = root / "truth.json"
    if truth_file.is_file():
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        if truth.get("scale") == float(scale) and truth.get("seed") == int(seed):
            return root
    return generate_demo_client(root, scale=scale, seed=seed)
