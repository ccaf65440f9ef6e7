"""The demo company's canonical tables, drawn from the process of :mod:`crmkit.demo.synth`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from crmkit.demo.synth.company import (
    ABANDONED_SHARE,
    ADOPTION_MEAN_DAYS,
    ADOPTION_TAU_DAYS,
    AOV_EFFECT,
    CAMPAIGN_CHANNEL_PROBS,
    CAMPAIGN_CHANNELS,
    CAMPAIGN_CONTACTS_MEDIAN,
    CAMPAIGN_CONTACTS_SIGMA,
    CAMPAIGN_CONVERSION,
    CAMPAIGN_COST_PER_CONTACT,
    CAMPAIGN_FIXED_COST,
    CAMPAIGN_RESPONSE,
    CES_LOAD,
    CES_MU,
    CES_NOISE,
    CHURN_AFTER_TREATED,
    CHURN_BEFORE,
    COMPLAINT_EFFECT,
    COMPLAINT_RATE,
    CSAT_LOAD,
    CSAT_MU,
    CSAT_NOISE,
    CSAT_SHIFT,
    CYCLE_EFFECT,
    CYCLE_LOST_MEDIAN,
    CYCLE_LOST_SIGMA,
    CYCLE_WON_MEDIAN,
    CYCLE_WON_SIGMA,
    DEAL_MEDIAN,
    DEAL_SIGMA,
    DEMO_SEED,
    END_SECONDS,
    EXISTING_FROM,
    FEATURE_PROBS,
    FEATURES,
    FIRST_RESPONSE_EFFECT,
    FIRST_RESPONSE_MEDIAN,
    FIRST_RESPONSE_MISSING,
    FIRST_RESPONSE_SIGMA,
    FRAILTY_SHAPE,
    FREQUENCY_EFFECT,
    GO_LIVE_DAY,
    HOUR_WEIGHTS,
    LATE_ADOPTER_SHARE,
    LEAD_SOURCE_PROBS,
    LEAD_SOURCES,
    LOY_FACTOR_CORR,
    LOY_LOAD,
    LOY_MU,
    LOY_NOISE,
    N_CAMPAIGNS,
    N_DAYS,
    NPS_LOAD,
    NPS_MU,
    NPS_NOISE,
    OPP_TREND_PER_YEAR,
    ORDER_CHANNEL_PROBS,
    ORDER_CHANNELS,
    PRICE_MEDIAN,
    PRICE_SIGMA,
    QTY_EXTRA_MEAN,
    REGION_SHARE,
    REGIONS,
    RESOLUTION_EFFECT,
    RESOLUTION_MEDIAN,
    RESOLUTION_SIGMA,
    SEGMENT_SHARE,
    SEGMENTS,
    START,
    STREAMS,
    SURVEY_MAX_LAG,
    SUS_AFTER,
    SUS_BEFORE,
    SUS_ITEM_SD,
    SUS_USER_SD,
    SUS_WAVE_SD,
    TICKET_CHANNEL_PROBS,
    TICKET_CHANNELS,
    TICKET_RATE,
    TICKET_SAT_PROBS,
    TICKET_SURVEYED,
    TREATED_REGIONS,
    USER_SAT_AFTER,
    USER_SAT_BEFORE,
    USER_SAT_NOISE,
    USER_SURVEY_RESPONSE,
    WAVES,
    WIN_AFTER_TREATED,
    WIN_BEFORE,
    calendar_arrays,
    check_scale,
    day_dates,
    demo_model,
    draw_categorical,
    make_ids,
    nps_shift,
    order_segment_weights,
    second_dates,
    sus_item_mean,
    true_aov,
)

__all__ = ["generate_tables"]


def _staff(model: dict[str, Any]) -> pd.DataFrame:
    """Sales reps and service agents per region (ids EMP0001 ..; used as rep_id / user_id)."""
    region, role = [], []
    for r, name in enumerate(REGIONS):
        region += [name] * (model["sales_reps"][r] + model["service_agents"][r])
        role += ["sales"] * model["sales_reps"][r] + ["service"] * model["service_agents"][r]
    return pd.DataFrame(
        {"user_id": make_ids("EMP", len(region), 4), "region": region, "role": role}
    )


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
    segment = draw_categorical(rng, SEGMENT_SHARE, n)
    region = draw_categorical(rng, REGION_SHARE, n)
    treated = region < 3
    span_existing = int((START - EXISTING_FROM).astype(int))
    created_day = np.empty(n, dtype="int64")  # relative to 2024-01-01 (negative: before)
    created_day[:n_existing] = -rng.integers(1, span_existing + 1, n_existing)
    created_day[n_existing:] = rng.integers(0, N_DAYS, n - n_existing)
    # churn: piecewise-constant hazard from max(created, 2024-01-01)
    lam0 = -math.log(1.0 - CHURN_BEFORE) / 365.0
    lam1 = -math.log(1.0 - CHURN_AFTER_TREATED) / 365.0
    start = np.maximum(created_day, 0).astype(float)
    target = churn_rng.exponential(1.0, n)
    h_go = lam0 * GO_LIVE_DAY
    h_start = np.where(
        treated & (start >= GO_LIVE_DAY), h_go + lam1 * (start - GO_LIVE_DAY), lam0 * start
    )
    h_end = h_start + target
    churn_t = np.where(treated & (h_end > h_go), GO_LIVE_DAY + (h_end - h_go) / lam1, h_end / lam0)
    churned = churn_t < N_DAYS
    active_end = np.where(churned, np.floor(churn_t), N_DAYS).astype("int64")
    frailty = rng.gamma(FRAILTY_SHAPE, 1.0 / FRAILTY_SHAPE, n)
    owner = _pick_rep(rng, region, reps)
    created = (START + created_day.astype("timedelta64[D]")).astype("datetime64[s]")
    churn_date = np.where(
        churned, day_dates(np.where(churned, active_end, 0)), np.datetime64("NaT")
    )
    df = pd.DataFrame(
        {
            "customer_id": make_ids("C", n, 6),
            "created_date": created,
            "segment": np.asarray(SEGMENTS, dtype=object)[segment],
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
    after = np.arange(N_DAYS) >= GO_LIVE_DAY
    cum0 = np.concatenate([[0.0], np.cumsum(weight)])
    cum1 = np.concatenate([[0.0], np.cumsum(weight * np.where(after, FREQUENCY_EFFECT, 1.0))])
    treated = cust["region"] < 3
    a, b = cust["start"], cust["end"]
    span = np.where(b > a, np.where(treated, cum1[b] - cum1[a], cum0[b] - cum0[a]), 0.0)
    seg_w = order_segment_weights()[cust["segment"]]
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
    quantity = 1 + rng.poisson(np.asarray(QTY_EXTRA_MEAN)[seg])
    price = np.exp(np.log(np.asarray(PRICE_MEDIAN)[seg]) + PRICE_SIGMA * rng.standard_normal(n))
    effect = np.where((region < 3) & (day >= GO_LIVE_DAY), AOV_EFFECT, 1.0)
    amount = np.maximum(np.round(quantity * price * effect, 2), 0.01)
    channel = draw_categorical(rng, np.asarray(ORDER_CHANNEL_PROBS)[seg])
    df = pd.DataFrame(
        {
            "order_id": make_ids("O", n, 7),
            "customer_id": customer_ids[idx],
            "order_date": day_dates(day),
            "amount": amount,
            "quantity": quantity.astype("int64"),
            "rep_id": cust["owner"][idx],
            "channel": np.asarray(ORDER_CHANNELS, dtype=object)[channel],
            "region": np.asarray(REGIONS, dtype=object)[region],
        }
    )
    return df, {"customer": idx, "day": day, "region": region}


def _opportunities(
    rng: np.random.Generator, model: dict[str, Any], reps: list[np.ndarray]
) -> pd.DataFrame:
    n = model["n_opportunities"]
    days = np.arange(N_DAYS)
    intensity = model["calendar"]["weight"] * (1.0 + OPP_TREND_PER_YEAR * days / 365.0)
    cum = np.concatenate([[0.0], np.cumsum(intensity)])
    created = np.searchsorted(cum, rng.random(n) * cum[-1], side="right") - 1
    created = np.clip(created, 0, N_DAYS - 1)
    region = draw_categorical(rng, REGION_SHARE, n)
    treated_after = (region < 3) & (created >= GO_LIVE_DAY)
    p_win = np.where(treated_after, WIN_AFTER_TREATED, WIN_BEFORE)
    won = rng.random(n) < p_win
    z = rng.standard_normal(n)
    won_median = CYCLE_WON_MEDIAN * np.where(treated_after, CYCLE_EFFECT, 1.0)
    cycle = np.where(
        won,
        won_median * np.exp(CYCLE_WON_SIGMA * z),
        CYCLE_LOST_MEDIAN * np.exp(CYCLE_LOST_SIGMA * z),
    )
    closed = created + np.round(cycle).astype("int64")
    is_open = closed >= N_DAYS
    status = np.where(is_open, "open", np.where(won, "won", "lost")).astype(object)
    closed_date = np.where(
        is_open, np.datetime64("NaT", "s"), day_dates(np.where(is_open, 0, closed))
    )
    amount = np.round(DEAL_MEDIAN * np.exp(DEAL_SIGMA * rng.standard_normal(n)), -1)
    amount = np.maximum(amount, 100.0)
    lead = draw_categorical(rng, LEAD_SOURCE_PROBS, n)
    rep = _pick_rep(rng, region, reps)
    order = np.lexsort((np.arange(n), created))
    return pd.DataFrame(
        {
            "opportunity_id": make_ids("OP", n, 6),
            "created_date": day_dates(created[order]),
            "status": status[order],
            "closed_date": closed_date[order].astype("datetime64[s]"),
            "amount": amount[order],
            "lead_source": np.asarray(LEAD_SOURCES, dtype=object)[lead[order]],
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
    peak = TICKET_RATE + COMPLAINT_RATE
    cand, day = _customer_events(rng, model, cust, peak)
    treated_after = (cust["region"][cand] < 3) & (day >= GO_LIVE_DAY)
    complaint_rate = COMPLAINT_RATE * np.where(treated_after, COMPLAINT_EFFECT, 1.0)
    v = rng.random(len(cand)) * peak
    keep = v < TICKET_RATE + complaint_rate
    is_complaint = v[keep] >= TICKET_RATE
    src = cand[keep]
    opened_day = day[keep]
    tr = treated_after[keep]
    n = len(src)
    hour = draw_categorical(rng, HOUR_WEIGHTS, n)
    opened_s = opened_day * 86_400 + hour * 3_600 + rng.integers(0, 3_600, n)
    z1, z2 = rng.standard_normal(n), rng.standard_normal(n)
    first_h = FIRST_RESPONSE_MEDIAN * np.where(tr, FIRST_RESPONSE_EFFECT, 1.0)
    first_h = first_h * np.exp(FIRST_RESPONSE_SIGMA * z1)
    resolve_h = RESOLUTION_MEDIAN * np.where(tr, RESOLUTION_EFFECT, 1.0)
    resolve_h = resolve_h * np.exp(RESOLUTION_SIGMA * z2)
    first_h = np.minimum(first_h, resolve_h)  # resolved at first contact
    first_s = opened_s + np.round(first_h * 3_600).astype("int64")
    resolve_s = opened_s + np.round(resolve_h * 3_600).astype("int64")
    has_first = (first_s < END_SECONDS) & (rng.random(n) >= FIRST_RESPONSE_MISSING)
    resolved = (resolve_s < END_SECONDS) & (rng.random(n) >= ABANDONED_SHARE)
    rated = resolved & (rng.random(n) < TICKET_SURVEYED)
    sat = draw_categorical(rng, TICKET_SAT_PROBS, n) + 1
    channel = draw_categorical(rng, TICKET_CHANNEL_PROBS, n)
    order = np.lexsort((src, opened_s))
    nat = np.datetime64("NaT", "s")
    src = src[order]
    return pd.DataFrame(
        {
            "ticket_id": make_ids("T", n, 7),
            "opened_at": second_dates(opened_s[order]),
            "customer_id": customer_ids[src],
            "first_response_at": np.where(has_first, second_dates(first_s), nat)[order],
            "resolved_at": np.where(resolved, second_dates(resolve_s), nat)[order],
            "channel": np.asarray(TICKET_CHANNELS, dtype=object)[channel[order]],
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
    room = np.minimum(SURVEY_MAX_LAG, np.minimum(N_DAYS, active_end) - 1 - day)
    day = day + np.floor(rng.random(n) * (room + 1)).astype("int64")
    tr = (order_hidden["region"][src] < 3) & (day >= GO_LIVE_DAY)
    f = rng.standard_normal(n)
    nps_latent = (
        NPS_MU + np.where(tr, nps_shift(), 0.0) + NPS_LOAD * f + NPS_NOISE * rng.standard_normal(n)
    )
    csat_latent = (
        CSAT_MU
        + np.where(tr, CSAT_SHIFT, 0.0)
        + CSAT_LOAD * f
        + CSAT_NOISE * rng.standard_normal(n)
    )
    ces_latent = CES_MU + CES_LOAD * f + CES_NOISE * rng.standard_normal(n)
    g = LOY_FACTOR_CORR * f + math.sqrt(1 - LOY_FACTOR_CORR**2) * rng.standard_normal(n)
    loyalty = LOY_MU + LOY_LOAD * g[:, None] + LOY_NOISE * rng.standard_normal((n, 4))

    def score(x: np.ndarray, low: int, high: int) -> np.ndarray:
        return np.clip(np.rint(x), low, high).astype("int64")

    order = np.lexsort((src, day))
    data = {
        "response_id": make_ids("R", n, 7),
        "response_date": day_dates(day[order]),
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
    days = np.arange(GO_LIVE_DAY, N_DAYS)
    t = days - GO_LIVE_DAY
    weekday = calendar_arrays()["weekday"][days]
    late = rng.random(n_users) < LATE_ADOPTER_SHARE
    adopt = np.where(
        late, rng.uniform(60.0, 180.0, n_users), rng.exponential(ADOPTION_MEAN_DAYS, n_users)
    )
    p_max = rng.beta(8.0, 1.5, n_users)
    ramp = 1.0 - np.exp(-np.maximum(t[None, :] - adopt[:, None], 0.0) / ADOPTION_TAU_DAYS)
    ramp = np.where(t[None, :] >= adopt[:, None], ramp, 0.0)
    day_factor = np.where(weekday >= 5, 0.05, 1.0)
    active = rng.random((n_users, len(days))) < p_max[:, None] * ramp * day_factor[None, :]
    u_idx, d_idx = np.nonzero(active)
    role = (users["role"].to_numpy() == "service").astype(int)[u_idx]
    # breadth of feature use grows with adoption
    breadth = 0.4 + 0.6 * ramp[u_idx, d_idx]
    probs = np.asarray(FEATURE_PROBS)[role] * breadth[:, None]
    used = rng.random(probs.shape) < probs
    primary = np.where(role == 1, FEATURES.index("tickets"), FEATURES.index("contacts"))
    none = ~used.any(axis=1)
    used[np.flatnonzero(none), primary[none]] = True
    row, feat = np.nonzero(used)
    n = len(row)
    sessions = 1 + rng.poisson(0.8, n)
    actions = sessions + rng.poisson(5.0 * sessions)
    out = pd.DataFrame(
        {
            "user_id": users["user_id"].to_numpy(dtype=object)[u_idx[row]],
            "date": day_dates(days[d_idx[row]]),
            "sessions": sessions.astype("int64"),
            "actions": actions.astype("int64"),
            "feature": np.asarray(FEATURES, dtype=object)[feat],
        }
    )
    return out.sort_values(["user_id", "date", "feature"], kind="stable").reset_index(drop=True)


def _user_survey(rng: np.random.Generator, staff: pd.DataFrame) -> pd.DataFrame:
    users = staff[staff["region"].isin(TREATED_REGIONS)]["user_id"].to_numpy(dtype=object)
    n_users = len(users)
    trait = SUS_USER_SD * rng.standard_normal(n_users)
    frames = []
    for wave, (first, n_days) in enumerate(WAVES):
        respond = rng.random(n_users) < USER_SURVEY_RESPONSE
        if respond.sum() == 0:
            respond[0] = True
        k = int(respond.sum())
        day0 = int((np.datetime64(first, "D") - START).astype(int))
        day = day0 + rng.integers(0, n_days, k)
        mood = trait[respond] + SUS_WAVE_SD * rng.standard_normal(k)
        m = sus_item_mean(SUS_BEFORE if wave == 0 else SUS_AFTER)
        contrib = np.clip(
            np.rint(m + mood[:, None] + SUS_ITEM_SD * rng.standard_normal((k, 10))), 0, 4
        ).astype("int64")
        items = np.where(np.arange(10) % 2 == 0, contrib + 1, 5 - contrib)  # sus_1 odd: c + 1
        mu_sat = USER_SAT_BEFORE if wave == 0 else USER_SAT_AFTER
        sat = np.clip(np.rint(mu_sat + mood + USER_SAT_NOISE * rng.standard_normal(k)), 1, 5)
        data = {"user_id": users[respond], "response_date": day_dates(day)}
        for i in range(10):
            data[f"sus_{i + 1}"] = items[:, i]
        data["satisfaction"] = sat.astype("int64")
        frames.append(pd.DataFrame(data))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["user_id", "response_date"], kind="stable").reset_index(drop=True)


def _campaigns(rng: np.random.Generator) -> pd.DataFrame:
    n = N_CAMPAIGNS
    month = np.arange(n) // 2  # two campaigns a month
    month_start = (np.datetime64("2024-01", "M") + month).astype("datetime64[D]")
    start = (
        month_start
        + rng.integers(0, 14, n).astype("timedelta64[D]")
        + np.where(np.arange(n) % 2 == 1, 14, 0).astype("timedelta64[D]")
    )
    ch = draw_categorical(rng, CAMPAIGN_CHANNEL_PROBS, n)
    contacts = np.round(
        np.asarray(CAMPAIGN_CONTACTS_MEDIAN)[ch]
        * np.exp(CAMPAIGN_CONTACTS_SIGMA * rng.standard_normal(n))
    ).astype("int64")
    contacts = np.maximum(contacts, 50)
    responses = rng.binomial(contacts, np.asarray(CAMPAIGN_RESPONSE)[ch])
    conversions = rng.binomial(responses, np.asarray(CAMPAIGN_CONVERSION)[ch])
    aov = true_aov(after=False)
    revenue = np.round(conversions * aov * np.exp(0.25 * rng.standard_normal(n)), 2)
    cost = np.round(
        np.asarray(CAMPAIGN_FIXED_COST)[ch]
        + contacts * np.asarray(CAMPAIGN_COST_PER_CONTACT)[ch] * rng.uniform(0.9, 1.1, n),
        -1,
    )
    return pd.DataFrame(
        {
            "campaign_id": make_ids("CMP", n, 3),
            "start_date": start.astype("datetime64[s]"),
            "cost": cost,
            "channel": np.asarray(CAMPAIGN_CHANNELS, dtype=object)[ch],
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


def _actions() -> pd.DataFrame:
    """The client's own improvement actions: one overrides a catalog action, two are new."""
    return pd.DataFrame(
        {
            "action": ["Service playbooks", "Key-account days", "Welcome calls"],
            "kpi": ["resolution_hours", "win_rate", "churn_rate_annual"],
            "expected_effect": [0.08, 0.04, 0.06],
            "expected_cost": [60000.0, 90000.0, 45000.0],
            "owner": ["Head of Customer Service", "Head of Sales", "Head of Customer Success"],
            "horizon_months": [4, 6, 6],
        }
    )


def generate_tables(*, scale: float = 1.0, seed: int = DEMO_SEED) -> dict[str, pd.DataFrame]:
    """Generate the demo client's canonical tables (pure: no I/O).

    Parameters
    ----------
    scale : float, default 1.0
        Size multiplier. At 1.0 about 20,000 customers, 200,000 orders, 20,000
        opportunities, 24,000 tickets, 10,000 survey responses and 60 staff (the 48 in
        treated regions use the CRM). Campaigns, costs, benefits, benchmarks and actions do not
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
    scale = check_scale(scale)
    model = demo_model(scale)
    # one independent stream per process, so changing one table leaves the others alone
    rng = dict(zip(STREAMS, np.random.default_rng(seed).spawn(len(STREAMS)), strict=True))
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
        "actions": _actions(),
    }
