"""Benchmark: the customer computations of the three customer stages on a large demo client.

    .venv/bin/python benchmarks/bench_customers.py --scale 5    # about 1,000,000 orders

Generates the demo client (not timed), validates it (timed apart), then times each step the
satisfaction (07), loyalty-and-retention (08) and customer-value (09) stages run, with the
arguments they use: the customer KPIs of the catalog, tested and corrected; the survey
scores, groups, representativeness and scale reliability; churn, cohorts, survival curves,
the churn model and the revenue split; the simple CLV, both probabilistic models with their
holdout check, RFM segments, CLV tiers and revenue concentration. Charts and tables are not
timed (they take milliseconds). Memory: the resident size with the validated tables loaded,
and the peak during the computation (the kernel's high-water mark, reset after loading).
Prints a Markdown table for the README.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from memory import peak_mib, reset_peak, resident_mib

from crmkit import measure
from crmkit.data.validation import validate_client
from crmkit.demo.synth import generate_demo_client
from crmkit.domains import clv, survey
from crmkit.domains import customers as cu

#: The KPIs the three stages show (areas satisfaction, loyalty and value of the catalog).
CUSTOMER_KPIS = (
    "nps",
    "csat_top2_share",
    "ces",
    "churn_rate_annual",
    "repeat_purchase_rate",
    "purchase_interval_days",
    "spend_per_customer",
    "average_clv",
)


def _steps(tables: dict[str, Any], a: Any) -> list[tuple[str, str, Callable[[], Any]]]:
    """(stage, step, call) in the order the notebooks run them; later steps reuse results."""
    s, c, o, t = tables["surveys"], tables["customers"], tables["orders"], tables["tickets"]
    alpha, f = a.stats.alpha, a.finance
    done: dict[str, Any] = {}

    def keep(name: str, call: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            done[name] = call()
            return done[name]

        return run

    def satisfaction_groups() -> None:
        for by in ("segment", "region"):
            table = survey.nps_by_window(s, by, a, customers=c, alpha=alpha)
            survey.nps_group_test(table)

    def scales() -> None:
        for items in survey.item_scales(s).values():
            survey.cronbach_alpha(s[items], alpha=alpha)
            survey.item_analysis(s[items])

    def cohorts() -> None:
        cu.cohort_retention(cu.scoped_customers(c, a, orders=o), o, alpha=alpha)
        cu.compare_cohorts(c, o, a, alpha=alpha)

    def segments() -> None:
        summary = done["summary"]
        models = done["models"]
        clv.segment_table(clv.rfm_scores(summary), summary, models.predictions)
        clv.clv_tiers(models.predictions["clv"], revenue=summary["revenue"])

    def concentration() -> None:
        revenue = done["summary"]["revenue"]
        clv.concentration_curve(revenue)
        clv.gini_coefficient(revenue)

    return [
        (
            "all",
            "customer KPIs before and after, tested and corrected",
            lambda: measure.measure_kpis(tables, a, kpis_wanted=CUSTOMER_KPIS),
        ),
        (
            "07",
            "NPS, CSAT and CES per window, and their changes",
            lambda: (
                survey.survey_changes(s, a, customers=c, alpha=alpha, seed=a.stats.seed),
                survey.nps_windows(s, a, customers=c, alpha=alpha),
                survey.csat_windows(s, a, customers=c, alpha=alpha),
                survey.csat_mix(s, a, customers=c),
            ),
        ),
        ("07", "NPS by segment and by region, with their tests", satisfaction_groups),
        (
            "07",
            "response counts and representativeness",
            lambda: (
                survey.response_counts(s, a, customers=c),
                survey.representativeness_check(s, c, alpha=alpha),
            ),
        ),
        ("07", "multi-item scales: Cronbach's alpha and item analysis", scales),
        (
            "08",
            "repeat purchases, purchase interval, spend per customer",
            lambda: (
                cu.buyer_values(o, a, customers=c),
                cu.loyalty_metrics(o, a, customers=c, alpha=alpha),
            ),
        ),
        (
            "08",
            "churn per window, CRM units and control group",
            lambda: cu.churn_summary(c, a, orders=o),
        ),
        ("08", "cohort retention and cohorts before vs after", cohorts),
        (
            "08",
            "survival frame, Kaplan–Meier per window, log-rank",
            keep("survival", lambda: cu.survival_analysis(c, o, a, tickets=t)),
        ),
        (
            "08",
            "churn drivers (Cox, time-varying complaints)",
            lambda: cu.fit_churn_drivers(done["survival"].frame, a, tickets=t),
        ),
        (
            "08",
            "revenue by relationship and acquisition cost",
            lambda: (
                cu.revenue_by_relationship(c, o, a),
                cu.acquisition_cost(tables["campaigns"], c, a),
            ),
        ),
        ("09", "simple CLV per window", lambda: clv.simple_clv_summary(o, c, a)),
        (
            "09",
            "customer summary (recency, frequency, value)",
            keep("summary", lambda: clv.customer_summary(o)),
        ),
        (
            "09",
            "BG/NBD and Gamma–Gamma fits, per-customer CLV",
            keep(
                "models",
                lambda: clv.fit_value_models(
                    done["summary"],
                    margin=f.gross_margin,
                    yearly_discount_rate=f.discount_rate,
                    horizon_months=12 * f.horizon_years,
                ),
            ),
        ),
        ("09", "holdout check (refit on two thirds of the history)", lambda: clv.holdout_check(o)),
        ("09", "RFM segments and CLV tiers", segments),
        ("09", "revenue concentration and Gini", concentration),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=5.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = generate_demo_client(Path(tmp) / "demo", scale=args.scale)
        started = time.perf_counter()
        report = validate_client(folder)
        validate_s = time.perf_counter() - started
    tables, assessment = report.tables, report.assessment
    loaded = resident_mib()
    reset_peak()
    timings: list[tuple[str, str, float]] = []
    for stage, name, step in _steps(tables, assessment):
        started = time.perf_counter()
        step()
        timings.append((stage, name, time.perf_counter() - started))
    print(
        f"scale {args.scale:g}: {len(tables['orders']):,} orders, "
        f"{len(tables['customers']):,} customers, {len(tables['surveys']):,} survey responses, "
        f"{len(tables['tickets']):,} tickets, {os.cpu_count()} cores\n"
    )
    print("| stage | step | time (s) |")
    print("|---|---|---:|")
    print(f"| – | validate the client folder (once per run) | {validate_s:.2f} |")
    for stage, name, seconds in timings:
        print(f"| {stage} | {name} | {seconds:.2f} |")
    for stage in ("07", "08", "09"):
        total = sum(s for st, _, s in timings if st == stage)
        print(f"| {stage} | *stage {stage} in all* | *{total:.2f}* |")
    print(f"| | **customer computations in all** | **{sum(s for *_, s in timings):.2f}** |")
    print(
        f"\nmemory: {loaded:,.0f} MiB resident with the tables loaded; "
        f"peak {peak_mib():,.0f} MiB during the computation"
    )


if __name__ == "__main__":
    main()
