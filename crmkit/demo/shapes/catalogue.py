"""The catalogue of shapes the robustness matrix runs (:data:`SHAPES`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from crmkit.demo.shapes.shape import ALL_TABLES, HOSTILE_TEXTS, ClientShape

__all__ = ["SHAPES"]

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
