"""The demo company: its public facts, the design parameters of its data-generating process,
and the calendar and expected customer base that the tables and the truth share.

Every number here is a parameter of the process described in :mod:`crmkit.demo.synth`.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

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
    "demo_model",
    "true_aov",
]

# The company's public facts (immutable)

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

# Design parameters of the data-generating process (immutable)

START = np.datetime64("2024-01-01", "D")
N_DAYS = 731  # 2024-01-01 .. 2025-12-31 (2024 is a leap year)
GO_LIVE_DAY = 366  # day index of 2025-01-01
END_SECONDS = N_DAYS * 86_400  # export time: 2026-01-01 00:00:00, exclusive
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)

STREAMS = (
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
REGION_SHARE = (0.34, 0.24, 0.20, 0.22)  # North, South, East, West
TREATED_SHARE = sum(REGION_SHARE[:3])
CONTROL_SHARE = REGION_SHARE[3]

# customers
N_CUSTOMERS = 20_000
EXISTING_SHARE = 0.65  # created 2021-2023, still active on 2024-01-01
EXISTING_FROM = np.datetime64("2021-01-01", "D")
SEGMENTS = ("Enterprise", "SMB", "Consumer")
SEGMENT_SHARE = (0.10, 0.35, 0.55)
SEGMENT_ORDER_WEIGHT_RAW = (3.0, 1.5, 0.6)  # relative order frequency
FRAILTY_SHAPE = 2.0  # gamma frailty of order frequency, mean 1
CHURN_BEFORE = 0.18  # annual churn probability
CHURN_AFTER_TREATED = 0.13

# orders
N_ORDERS = 200_000  # expected over the two years at scale 1
QTY_EXTRA_MEAN = (9.0, 3.0, 0.5)  # quantity = 1 + Poisson(mean), by segment
PRICE_MEDIAN = (900.0, 800.0, 500.0)  # unit price, CNY, lognormal median by segment
PRICE_SIGMA = 0.7
AOV_EFFECT = 1.08
FREQUENCY_EFFECT = 1.05  # level change of order frequency per active customer
MONTH_FACTOR = (0.95, 0.78, 1.00, 1.00, 1.02, 1.05, 0.95, 0.93, 1.05, 1.02, 1.07, 1.30)
WEEKDAY_FACTOR = (1.10, 1.10, 1.10, 1.10, 1.05, 0.40, 0.25)  # Monday .. Sunday
ORDER_CHANNELS = ("online", "phone", "field", "partner")
ORDER_CHANNEL_PROBS = (  # by segment
    (0.10, 0.20, 0.50, 0.20),
    (0.35, 0.30, 0.20, 0.15),
    (0.70, 0.20, 0.02, 0.08),
)

# staff (sales reps own accounts and opportunities; service agents handle tickets)
SALES_REPS = (12, 9, 8, 7)  # per region at scale 1
SERVICE_AGENTS = (8, 6, 5, 5)

# opportunities
N_OPPORTUNITIES = 20_000
OPP_TREND_PER_YEAR = 0.06
WIN_BEFORE = 0.20
WIN_AFTER_TREATED = 0.26
CYCLE_WON_MEDIAN = 60.0  # days
CYCLE_WON_SIGMA = 0.8
CYCLE_EFFECT = 0.85
CYCLE_LOST_MEDIAN = 45.0
CYCLE_LOST_SIGMA = 0.9
DEAL_MEDIAN = 60_000.0
DEAL_SIGMA = 1.0
LEAD_SOURCES = ("web", "referral", "trade show", "cold call", "partner")
LEAD_SOURCE_PROBS = (0.35, 0.20, 0.15, 0.15, 0.15)

# tickets
TICKET_RATE = 0.10  # non-complaint tickets per order
COMPLAINT_RATE = 0.024  # complaint tickets per order
COMPLAINT_EFFECT = 0.75
FIRST_RESPONSE_MEDIAN = 4.0  # hours (before the min with resolution time)
FIRST_RESPONSE_SIGMA = 1.0
FIRST_RESPONSE_EFFECT = 0.70
RESOLUTION_MEDIAN = 30.0  # hours
RESOLUTION_SIGMA = 0.9
RESOLUTION_EFFECT = 0.80
ABANDONED_SHARE = 0.02  # never resolved
FIRST_RESPONSE_MISSING = 0.01  # not recorded
TICKET_SURVEYED = 0.35  # share of resolved tickets with a satisfaction rating
TICKET_SAT_PROBS = (0.06, 0.08, 0.16, 0.35, 0.35)  # 1..5
TICKET_CHANNELS = ("email", "phone", "chat", "portal")
TICKET_CHANNEL_PROBS = (0.35, 0.30, 0.20, 0.15)
HOUR_WEIGHTS = (
    (0.2,) * 7 + (2.0, 6.0, 9.0, 9.0, 8.0, 6.0, 8.0, 9.0, 8.0, 7.0, 5.0, 3.0, 2.0) + (1.0,) * 4
)

# customer surveys: latent-variable model, F ~ N(0, 1) shared satisfaction factor
N_SURVEYS = 10_000
SURVEY_MAX_LAG = 14
NPS_MU, NPS_LOAD, NPS_NOISE = 8.2, 1.2, 1.6
NPS_GAIN = 8.0  # NPS points, treated after
CSAT_MU, CSAT_LOAD, CSAT_NOISE, CSAT_SHIFT = 3.9, 0.6, 0.66, 0.15
CES_MU, CES_LOAD, CES_NOISE = 5.2, 0.7, 1.0
LOY_MU, LOY_LOAD, LOY_NOISE, LOY_FACTOR_CORR = 3.6, 0.85, 0.75, 0.6

# CRM users: usage log and SUS survey
FEATURES = ("contacts", "opportunities", "quotes", "tickets", "knowledge_base", "reports")
FEATURE_PROBS = (  # per active user-day at full adoption: sales rep, service agent
    (0.80, 0.70, 0.35, 0.05, 0.05, 0.30),
    (0.60, 0.02, 0.02, 0.90, 0.45, 0.15),
)
ADOPTION_MEAN_DAYS = 20.0
LATE_ADOPTER_SHARE = 0.10
ADOPTION_TAU_DAYS = 30.0
SUS_BEFORE, SUS_AFTER = 55.0, 72.0
SUS_USER_SD, SUS_WAVE_SD, SUS_ITEM_SD = 0.5, 0.3, 0.8
USER_SAT_BEFORE, USER_SAT_AFTER, USER_SAT_NOISE = 3.0, 3.6, 0.7
USER_SURVEY_RESPONSE = 0.90
WAVES = (("2024-11-04", 20), ("2025-11-03", 20))  # first day, number of days

# campaigns (company-wide, not scaled)
N_CAMPAIGNS = 48
CAMPAIGN_CHANNELS = ("email", "social", "events", "direct mail", "search")
CAMPAIGN_CHANNEL_PROBS = (0.35, 0.20, 0.15, 0.15, 0.15)
CAMPAIGN_CONTACTS_MEDIAN = (20_000.0, 15_000.0, 800.0, 5_000.0, 10_000.0)
CAMPAIGN_CONTACTS_SIGMA = 0.5
CAMPAIGN_RESPONSE = (0.030, 0.015, 0.250, 0.020, 0.040)
CAMPAIGN_CONVERSION = (0.10, 0.08, 0.15, 0.12, 0.10)
CAMPAIGN_COST_PER_CONTACT = (0.3, 0.8, 45.0, 4.5, 1.5)
CAMPAIGN_FIXED_COST = (5_000.0, 8_000.0, 30_000.0, 6_000.0, 5_000.0)


# Small numeric helpers


def normal_cdf(x: float) -> float:
    """Standard normal CDF."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def bisect(f: Any, lo: float, hi: float, tol: float = 1e-12) -> float:
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


def rounded_mean(mu: float, sd: float, low: int, high: int) -> float:
    """Mean of clip(round(X), low, high) for X ~ N(mu, sd)."""
    return low + sum(normal_cdf((mu - (k - 0.5)) / sd) for k in range(low + 1, high + 1))


def nps_of(mu: float, sd: float) -> float:
    """NPS (-100..100) of clip(round(X), 0, 10) for X ~ N(mu, sd)."""
    promoters = 1.0 - normal_cdf((8.5 - mu) / sd)
    detractors = normal_cdf((6.5 - mu) / sd)
    return 100.0 * (promoters - detractors)


def scaled_count(base: float, scale: float, minimum: int) -> int:
    return max(minimum, int(round(base * scale)))


def make_ids(prefix: str, n: int, width: int) -> np.ndarray:
    """Ids like C000001 .. (vectorised; the width grows if n needs more digits)."""
    width = max(width, len(str(n)))
    numbers = np.char.zfill(np.arange(1, n + 1).astype(str), width)
    return np.char.add(prefix, numbers).astype(object)


def draw_categorical(
    rng: np.random.Generator, probs: np.ndarray, n: int | None = None
) -> np.ndarray:
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


def day_dates(day: np.ndarray) -> np.ndarray:
    """Day indices (0 = 2024-01-01) to datetime64[s]."""
    return (START + np.asarray(day, dtype="int64").astype("timedelta64[D]")).astype("datetime64[s]")


def second_dates(seconds: np.ndarray) -> np.ndarray:
    """Seconds since 2024-01-01 00:00:00 to datetime64[s]."""
    return START.astype("datetime64[s]") + np.asarray(seconds, dtype="int64").astype(
        "timedelta64[s]"
    )


def check_scale(scale: float) -> float:
    scale = float(scale)
    if not math.isfinite(scale) or scale <= 0:
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    return scale


# The calendar and the expected customer base (shared by the tables and the truth)


def calendar_arrays() -> dict[str, np.ndarray]:
    """Day-level calendar of the two-year window and the order-intensity day weights."""
    dates = START + np.arange(N_DAYS).astype("timedelta64[D]")
    months = dates.astype("datetime64[M]").astype(int) % 12  # 0 = January
    weekday = (dates.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    weight = np.asarray(MONTH_FACTOR)[months] * np.asarray(WEEKDAY_FACTOR)[weekday]
    weight = weight / weight.mean()
    month_index = (dates.astype("datetime64[M]") - np.datetime64("2024-01", "M")).astype(int)
    return {"weight": weight, "month": month_index, "weekday": weekday}


def daily_hazard(treated: bool) -> np.ndarray:
    """Churn hazard per day on each day of the window."""
    before = -math.log(1.0 - CHURN_BEFORE) / 365.0
    after = -math.log(1.0 - CHURN_AFTER_TREATED) / 365.0 if treated else before
    h = np.full(N_DAYS, before)
    h[GO_LIVE_DAY:] = after
    return h


def expected_active(n_existing: int, n_new: int, treated: bool) -> np.ndarray:
    """Expected number of active customers per day (all regions, before the region share).

    A customer created on day c (existing customers: c = 0) is active on day j >= c if its
    churn time T satisfies T >= j + 1; P = exp(-(H(j + 1) - H(c))) with H the cumulative
    hazard. New customers' creation day is uniform on the window's days.
    """
    h = daily_hazard(treated)
    big_h = np.concatenate([[0.0], np.cumsum(h)])  # H at the start of day k, k = 0..731
    arrivals = np.cumsum(np.exp(big_h[:-1]))  # sum_{c <= j} exp(H(c))
    return np.exp(-big_h[1:]) * (n_existing + n_new / N_DAYS * arrivals)


def order_segment_weights() -> np.ndarray:
    raw = np.asarray(SEGMENT_ORDER_WEIGHT_RAW)
    return raw / float(np.dot(SEGMENT_SHARE, raw))  # E[weight] = 1 over customers


def demo_model(scale: float) -> dict[str, Any]:
    """Derived quantities of the design at a given scale (counts, order base rate ...)."""
    n_customers = scaled_count(N_CUSTOMERS, scale, 20)
    n_existing = int(round(EXISTING_SHARE * n_customers))
    n_new = n_customers - n_existing
    cal = calendar_arrays()
    after = np.arange(N_DAYS) >= GO_LIVE_DAY
    act_t = TREATED_SHARE * expected_active(n_existing, n_new, treated=True)
    act_c = CONTROL_SHARE * expected_active(n_existing, n_new, treated=False)
    freq_t = np.where(after, FREQUENCY_EFFECT, 1.0)
    expected_units = float(np.sum(cal["weight"] * (act_t * freq_t + act_c)))
    n_orders = scaled_count(N_ORDERS, scale, 100)
    base_rate = n_orders / expected_units  # orders per active customer-day at weight 1
    return {
        "n_customers": n_customers,
        "n_existing": n_existing,
        "n_new": n_new,
        "n_orders": n_orders,
        "base_rate": base_rate,
        "calendar": cal,
        "n_opportunities": scaled_count(N_OPPORTUNITIES, scale, 20),
        "n_surveys": scaled_count(N_SURVEYS, scale, 20),
        "sales_reps": tuple(max(2, int(round(n * scale))) for n in SALES_REPS),
        "service_agents": tuple(max(1, int(round(n * scale))) for n in SERVICE_AGENTS),
    }


def nps_shift() -> float:
    """Latent shift that raises the NPS by exactly ``NPS_GAIN`` points."""
    sd = math.hypot(NPS_LOAD, NPS_NOISE)
    target = nps_of(NPS_MU, sd) + NPS_GAIN
    return bisect(lambda d: nps_of(NPS_MU + d, sd) - target, 0.0, 5.0)


def sus_item_mean(sus: float) -> float:
    """Latent item mean m so that E[SUS] = sus (items score clip(round(N(m, sd)), 0, 4))."""
    sd = math.sqrt(SUS_USER_SD**2 + SUS_WAVE_SD**2 + SUS_ITEM_SD**2)
    return bisect(lambda m: 25.0 * rounded_mean(m, sd, 0, 4) - sus, -3.0, 7.0)


def true_aov(after: bool) -> float:
    q = np.asarray(SEGMENT_SHARE) * order_segment_weights()  # share of orders by segment
    per_seg = (1.0 + np.asarray(QTY_EXTRA_MEAN)) * np.asarray(PRICE_MEDIAN)
    aov = float(np.dot(q, per_seg)) * math.exp(PRICE_SIGMA**2 / 2.0)
    return aov * (AOV_EFFECT if after else 1.0)
