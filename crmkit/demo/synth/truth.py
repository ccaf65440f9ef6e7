"""The true (data-generating) value of every KPI of the demo company, before and after go-live."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from crmkit.demo.synth.company import (
    CAMPAIGN_CHANNEL_PROBS,
    CAMPAIGN_CONTACTS_MEDIAN,
    CAMPAIGN_CONTACTS_SIGMA,
    CAMPAIGN_RESPONSE,
    CES_LOAD,
    CES_MU,
    CES_NOISE,
    CHURN_AFTER_TREATED,
    CHURN_BEFORE,
    COMPLAINT_EFFECT,
    COMPLAINT_RATE,
    CONTROL_REGIONS,
    CONTROL_SHARE,
    CSAT_LOAD,
    CSAT_MU,
    CSAT_NOISE,
    CSAT_SHIFT,
    CYCLE_EFFECT,
    CYCLE_WON_MEDIAN,
    DEAL_MEDIAN,
    DEAL_SIGMA,
    DEMO_AFTER,
    DEMO_BEFORE,
    DEMO_CLIENT,
    DEMO_CURRENCY,
    DEMO_GO_LIVE,
    DEMO_SEED,
    FIRST_RESPONSE_EFFECT,
    FIRST_RESPONSE_MEDIAN,
    FIRST_RESPONSE_SIGMA,
    FREQUENCY_EFFECT,
    GO_LIVE_DAY,
    N_DAYS,
    NPS_LOAD,
    NPS_MU,
    NPS_NOISE,
    QTY_EXTRA_MEAN,
    RESOLUTION_EFFECT,
    RESOLUTION_MEDIAN,
    RESOLUTION_SIGMA,
    SEGMENT_SHARE,
    SUS_AFTER,
    SUS_BEFORE,
    SUS_USER_SD,
    SUS_WAVE_SD,
    TICKET_SAT_PROBS,
    TREATED_REGIONS,
    TREATED_SHARE,
    USER_SAT_AFTER,
    USER_SAT_BEFORE,
    USER_SAT_NOISE,
    WIN_AFTER_TREATED,
    WIN_BEFORE,
    bisect,
    check_scale,
    demo_model,
    expected_active,
    normal_cdf,
    nps_of,
    nps_shift,
    order_segment_weights,
    rounded_mean,
    true_aov,
)

__all__ = ["demo_truth"]


def _first_response_median(after: bool) -> float:
    """Median of min(first-response, resolution) hours (two independent lognormals)."""
    m1 = math.log(FIRST_RESPONSE_MEDIAN * (FIRST_RESPONSE_EFFECT if after else 1.0))
    m2 = math.log(RESOLUTION_MEDIAN * (RESOLUTION_EFFECT if after else 1.0))

    def cdf_minus_half(log_x: float) -> float:
        s1 = 1.0 - normal_cdf((log_x - m1) / FIRST_RESPONSE_SIGMA)
        s2 = 1.0 - normal_cdf((log_x - m2) / RESOLUTION_SIGMA)
        return (1.0 - s1 * s2) - 0.5

    return math.exp(bisect(cdf_minus_half, -10.0, 10.0))


def _revenue_monthly(model: dict[str, Any], treated: bool, effects: bool) -> tuple[float, float]:
    """Expected mean monthly revenue (before, after) of the treated or the control regions."""
    n_e, n_n = model["n_existing"], model["n_new"]
    share = TREATED_SHARE if treated else CONTROL_SHARE
    with_effect = treated and effects
    active = share * expected_active(n_e, n_n, treated=with_effect)
    after = np.arange(N_DAYS) >= GO_LIVE_DAY
    freq = np.where(after & with_effect, FREQUENCY_EFFECT, 1.0)
    aov = np.where(after & with_effect, true_aov(True), true_aov(False))
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
    scale = check_scale(scale)
    model = demo_model(scale)
    aov0, aov1 = true_aov(False), true_aov(True)
    rev_t = _revenue_monthly(model, treated=True, effects=True)
    rev_cf = _revenue_monthly(model, treated=True, effects=False)
    rev_c = _revenue_monthly(model, treated=False, effects=False)
    weight = model["calendar"]["weight"]
    w_before = float(weight[:GO_LIVE_DAY].mean())
    w_after = float(weight[GO_LIVE_DAY:].mean())
    freq_unit = 365.0 * model["base_rate"]
    fr0, fr1 = _first_response_median(False), _first_response_median(True)
    nps_sd = math.hypot(NPS_LOAD, NPS_NOISE)
    nps0 = nps_of(NPS_MU, nps_sd)
    nps1 = nps_of(NPS_MU + nps_shift(), nps_sd)
    csat_sd = math.hypot(CSAT_LOAD, CSAT_NOISE)
    csat0 = 1.0 - normal_cdf((3.5 - CSAT_MU) / csat_sd)
    csat1 = 1.0 - normal_cdf((3.5 - CSAT_MU - CSAT_SHIFT) / csat_sd)
    ces = rounded_mean(CES_MU, math.hypot(CES_LOAD, CES_NOISE), 1, 7)
    sat_sd = math.sqrt(SUS_USER_SD**2 + SUS_WAVE_SD**2 + USER_SAT_NOISE**2)
    usat0 = rounded_mean(USER_SAT_BEFORE, sat_sd, 1, 5)
    usat1 = rounded_mean(USER_SAT_AFTER, sat_sd, 1, 5)
    q = np.asarray(SEGMENT_SHARE) * order_segment_weights()
    units = float(np.dot(q, 1.0 + np.asarray(QTY_EXTRA_MEAN)))
    tsat = float(np.dot(TICKET_SAT_PROBS, np.arange(1, 6)))
    ch = np.asarray(CAMPAIGN_CHANNEL_PROBS)
    contacts = np.asarray(CAMPAIGN_CONTACTS_MEDIAN) * math.exp(CAMPAIGN_CONTACTS_SIGMA**2 / 2)
    resp_rate = float(np.dot(ch * contacts, CAMPAIGN_RESPONSE) / np.dot(ch, contacts))
    deal = DEAL_MEDIAN * math.exp(DEAL_SIGMA**2 / 2.0)
    cyc0, cyc1 = CYCLE_WON_MEDIAN, CYCLE_WON_MEDIAN * CYCLE_EFFECT
    res0, res1 = RESOLUTION_MEDIAN, RESOLUTION_MEDIAN * RESOLUTION_EFFECT
    comp0, comp1 = 1000 * COMPLAINT_RATE, 1000 * COMPLAINT_RATE * COMPLAINT_EFFECT

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
            freq_unit * w_after * FREQUENCY_EFFECT,
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
            WIN_BEFORE,
            WIN_AFTER_TREATED,
            "absolute",
            "Won with probability 0.20, 0.26 for opportunities of treated regions created "
            "on or after go-live (cohort by created_date). Deals not closed by the export "
            "date (2025-12-31) are 'open'; closing is faster for lost deals, so late cohorts "
            "are censored; use won / (won + lost) on mature cohorts.",
            control=(WIN_BEFORE, WIN_BEFORE),
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
            CHURN_BEFORE,
            CHURN_AFTER_TREATED,
            "absolute",
            "Constant churn hazard -ln(1 - 0.18) per year, -ln(1 - 0.13) for treated "
            "regions' customers from go-live (piecewise exponential). Customers are at risk "
            "from max(created_date, 2024-01-01); churned_date empty when active at export.",
            control=(CHURN_BEFORE, CHURN_BEFORE),
        ),
        "sus_score": _kpi(
            "System Usability Scale",
            "points (0..100)",
            "mean",
            SUS_BEFORE,
            SUS_AFTER,
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
