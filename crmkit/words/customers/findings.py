"""The loyalty stage's findings in plain words, and its retention figures for results.json."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmkit.data.io import jsonable
from crmkit.domains.customers import (
    ChurnDrivers,
    ChurnSummary,
    SurvivalAnalysis,
)
from crmkit.stats.primitives import check_alpha as _check_alpha
from crmkit.words.customers.drivers import driver_label, driver_readings
from crmkit.words.formats import (
    format_money,
    format_number,
    format_p_statement,
    format_percent,
    format_signed,
    is_missing,
)
from crmkit.words.phrases import Findings

CustomerFindings = Findings
"""Customers' findings: a paragraph and its limitations (:class:`crmkit.words.phrases.Findings`)."""


def customer_findings(
    *,
    churn: pd.DataFrame | None = None,
    rates: pd.DataFrame | None = None,
    loyalty: pd.DataFrame | None = None,
    drivers: ChurnDrivers | None = None,
    revenue: pd.DataFrame | None = None,
    acquisition: pd.DataFrame | None = None,
    currency: str = "",
    alpha: float = 0.05,
    has_control_group: bool = True,
) -> CustomerFindings:
    """Retention, loyalty and churn drivers in plain words: a paragraph and the limitations.

    Parameters
    ----------
    churn : pandas.DataFrame, optional
        The row of :func:`compare_churn`.
    rates : pandas.DataFrame, optional
        The result of :func:`churn_rates` (says where churn came from and the exposure).
    loyalty : pandas.DataFrame, optional
        The rows of :func:`compare_loyalty`.
    drivers : ChurnDrivers, optional
        The result of :func:`churn_drivers`.
    revenue : pandas.DataFrame, optional
        The result of :func:`revenue_by_relationship`.
    acquisition : pandas.DataFrame, optional
        The result of :func:`acquisition_cost`.
    currency : str
        The client's currency code, for money.
    alpha : float, default 0.05
        Significance level used in the words and the intervals' level (1 − alpha).
    has_control_group : bool, default True
        Whether the comparisons left out a control group (only changes the limitations).

    Returns
    -------
    CustomerFindings
        ``paragraph`` and ``limitations`` (one sentence each). Every number comes from the
        inputs, rounded only here.

    Examples
    --------
    >>> churn = pd.DataFrame({"before": [0.18], "after": [0.13], "change": [-0.05],
    ...     "ci_low": [-0.07], "ci_high": [-0.03], "p_value": [0.0001]})
    >>> customer_findings(churn=churn).paragraph
    'Annual churn fell from 18.0 % to 13.0 % (−5.0 percentage points; 95 % confidence interval −7.0 to −3.0; p < 0.001), so annual retention went from 82.0 % to 87.0 %.'
    """
    _check_alpha(alpha)
    confidence = f"{(1 - alpha) * 100:g} %"
    sentences: list[str] = []
    limitations: list[str] = []
    if churn is not None and len(churn):
        row = churn.iloc[0]
        p = row["p_value"]
        if is_missing(p):
            sentences.append("Churn could not be compared before and after go-live.")
        else:
            moved = "fell" if row["change"] < 0 else "rose"
            verb = moved if p < alpha else f"shows no detectable change ({moved} slightly)"
            sentences.append(
                f"Annual churn {verb} from {format_percent(row['before'])} to "
                f"{format_percent(row['after'])} ({format_signed(row['change'], 100)} percentage points; "
                f"{confidence} confidence interval {format_signed(row['ci_low'], 100)} to {format_signed(row['ci_high'], 100)}; "
                f"{format_p_statement(p)}), so annual retention went from {format_percent(1 - row['before'])} "
                f"to {format_percent(1 - row['after'])}."
            )
    if rates is not None and len(rates):
        source = str(rates["source"].iloc[0])
        if source == "inactivity":
            limitations.append(
                "Churn is inferred from inactivity (no order for a set number of days), not "
                "recorded: slow buyers count as lost and the last months of data cannot show "
                "churn yet."
            )
        years = rates["customer_years"].sum()
        if years < 100:
            limitations.append(
                f"Churn rests on only {format_number(years)} customer-years of exposure; its "
                "intervals are wide."
            )
        if (pd.to_datetime(rates["observed_until"]) < pd.to_datetime(rates["end"])).any():
            limitations.append(
                "The data stop before the end of a window, so that window's churn covers only "
                "part of it."
            )
    if loyalty is not None and len(loyalty):
        for row in loyalty.to_dict("records"):
            p = row["p_value"]
            if is_missing(p):
                continue
            moved = "rose" if row["change"] > 0 else "fell"
            verb = moved if p < alpha else "shows no detectable change"
            if row["kpi"] == "repeat_purchase_rate":
                sentences.append(
                    f"The share of buying customers who bought at least twice {verb} "
                    f"({format_percent(row['before'])} before, {format_percent(row['after'])} after; "
                    f"{format_p_statement(p)})."
                )
            elif row["kpi"] == "purchase_interval_days":
                sentences.append(
                    f"The median time between a customer's purchases {verb} "
                    f"({format_number(row['before'])} days before, {format_number(row['after'])} "
                    f"after; {format_p_statement(p)})."
                )
            elif row["kpi"] == "spend_per_customer":
                sentences.append(
                    f"Spend per buying customer {verb} ({format_money(row['before'], currency)} "
                    f"before, {format_money(row['after'], currency)} after; {format_p_statement(p)})."
                )
    if drivers is not None and len(drivers.table):
        table = drivers.table.assign(reading=driver_readings(drivers))
        strong = table.loc[table["p_value"] < alpha]
        if len(strong):
            readings = "; ".join(strong["reading"])
            sentences.append(f"In the churn model, {readings}.")
        else:
            sentences.append("None of the churn model's factors is distinguishable from no effect.")
        if not is_missing(drivers.concordance):
            sentences.append(
                f"The model ranks who leaves first correctly for {format_percent(drivers.concordance)} "
                "of comparable pairs of customers (50 % is chance)."
            )
        limitations.append(
            "The churn model shows associations, not causes (except the go-live terms against "
            "the control group), and assumes each factor's effect is the same at every tenure."
        )
        if drivers.note:
            limitations.append(f"Churn model: {drivers.note}.")
    if revenue is not None and len(revenue):
        after = revenue.loc[revenue["window"] == "after"]
        if len(after) and after["revenue"].sum() > 0:
            parts = [
                f"{format_percent(r['revenue_share'])} from {r['relationship'].replace('_', '-')} customers"
                for r in after.to_dict("records")
            ]
            sentences.append("After go-live, revenue came " + ", ".join(parts) + ".")
    if acquisition is not None and len(acquisition):
        rows = acquisition.set_index("window")
        if {"before", "after"} <= set(rows.index):
            sentences.append(
                f"Campaign cost per new customer was {format_money(rows.loc['before', 'cost_per_new_customer'], currency)} "
                f"before and {format_money(rows.loc['after', 'cost_per_new_customer'], currency)} after go-live."
            )
        limitations.append(
            "Acquisition cost counts campaign spend only (not sales time) and all new "
            "customers, whatever brought them."
        )
    if not has_control_group:
        limitations.append(
            "Without a control group the changes are before-after only: anything else that "
            "changed at go-live is mixed into them."
        )
    limitations.append(
        "The p-values here are not corrected for the number of KPIs tested; the impact "
        "overview corrects them across the whole family."
    )
    return CustomerFindings(" ".join(sentences), limitations)


def retention_record(
    *,
    churn: ChurnSummary | None = None,
    change: pd.DataFrame | None = None,
    cohorts: pd.DataFrame | None = None,
    survival: SurvivalAnalysis | None = None,
    drivers: ChurnDrivers | str | None = None,
    revenue: pd.DataFrame | None = None,
    acquisition: pd.DataFrame | None = None,
    loyalty: pd.DataFrame | None = None,
    alpha: float = 0.05,
    top_drivers: int = 3,
) -> dict[str, Any]:
    """The retention figures for results.json (``customers.retention``).

    Parameters
    ----------
    churn : ChurnSummary, optional
        :func:`churn_summary`.
    change : pandas.DataFrame, optional
        The churn KPI's row (or :func:`compare_churn`): the change and its interval.
    cohorts : pandas.DataFrame, optional
        :func:`compare_cohorts`.
    survival : SurvivalAnalysis, optional
        :func:`survival_analysis`.
    drivers : ChurnDrivers or str, optional
        :func:`fit_churn_drivers` (a reason string records nothing).
    revenue : pandas.DataFrame, optional
        :func:`revenue_by_relationship`.
    acquisition : pandas.DataFrame, optional
        :func:`acquisition_cost`.
    loyalty : pandas.DataFrame, optional
        :func:`loyalty_metrics`.
    alpha : float
        Drivers with p below it are "clear".
    top_drivers : int, default 3
        How many clear drivers to list, largest effect first.

    Returns
    -------
    dict
        JSON-able (NaN → None): ``churn_source``; ``churn_rate_annual`` {window:
        {``churn_probability``, ``ci_low``, ``ci_high``, ``retention``, ``churned``,
        ``customer_years``}}; ``churn_change`` {``change``, ``ci_low``, ``ci_high``,
        ``p_value``, ``hazard_ratio``}; ``control_churn_rate_annual`` (as the first);
        ``cohort_retention`` {``month_<k>``: {``before``, ``after``, ``change``, ``ci_low``,
        ``ci_high``, ``p_value``, ``n_before``, ``n_after``}}; ``survival`` {window:
        {``n``, ``events``, ``median_days``, ``retained_at_horizon``, ``horizon_days``},
        ``logrank_chi_square``, ``logrank_p_value``}; ``churn_drivers`` {``concordance``,
        ``n``, ``events``, ``top`` [{``driver``, ``term``, ``hazard_ratio``, ``ci_low``,
        ``ci_high``, ``p_value``, ``reading``}]}; ``revenue_by_relationship`` {window:
        {relationship: {``revenue``, ``revenue_share``, ``customers``}}};
        ``acquisition_cost`` {window: {``cost``, ``new_customers``,
        ``cost_per_new_customer``}}; ``loyalty`` {window: {``buyers``, ``repeat_rate``,
        ``purchase_interval_days``, ``spend_per_buyer``}}.
    """
    out: dict[str, Any] = {}

    def per_window(frame: pd.DataFrame) -> dict[str, Any]:
        return {
            r["window"]: {
                "churn_probability": r["churn_probability"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "retention": r["retention"],
                "churned": r["churned"],
                "customer_years": r["customer_years"],
            }
            for r in frame.to_dict("records")
        }

    if churn is not None:
        out["churn_source"] = str(churn.rates["source"].iloc[0])
        out["churn_rate_annual"] = per_window(churn.rates)
        if churn.control_rates is not None:
            out["control_churn_rate_annual"] = per_window(churn.control_rates)
    if change is not None and len(change):
        r = change.iloc[0]
        out["churn_change"] = {
            "change": r["change"],
            "ci_low": r["ci_low"],
            "ci_high": r["ci_high"],
            "p_value": r["p_value"],
            "hazard_ratio": r["effect_size"],
        }
    if cohorts is not None and len(cohorts):
        out["cohort_retention"] = {
            f"month_{int(r['period'])}": {
                k: r[k]
                for k in (
                    "before",
                    "after",
                    "change",
                    "ci_low",
                    "ci_high",
                    "p_value",
                    "n_before",
                    "n_after",
                )
            }
            for r in cohorts.to_dict("records")
        }
    if survival is not None:
        test = survival.test
        part: dict[str, Any] = {
            str(r["group"]): {
                "n": r["n"],
                "events": r["events"],
                "median_days": r["median"],
                "retained_at_horizon": r["survival_at_horizon"],
                "horizon_days": r["horizon"],
            }
            for r in survival.km.summary.to_dict("records")
        }
        if len(test):
            part["logrank_chi_square"] = test["statistic"].iloc[0]
            part["logrank_p_value"] = test["p_value"].iloc[0]
        out["survival"] = part
    if isinstance(drivers, ChurnDrivers):
        table = drivers.table.assign(reading=driver_readings(drivers))
        clear = table.loc[table["p_value"] < alpha].copy()
        clear["size"] = np.abs(np.log(clear["hazard_ratio"].astype(float)))
        clear = clear.sort_values("size", ascending=False, kind="stable").head(top_drivers)
        out["churn_drivers"] = {
            "concordance": drivers.concordance,
            "n": drivers.n,
            "events": drivers.events,
            "top": [
                {
                    "driver": driver_label(t),
                    "term": t["term"],
                    "hazard_ratio": t["hazard_ratio"],
                    "ci_low": t["ci_low"],
                    "ci_high": t["ci_high"],
                    "p_value": t["p_value"],
                    "reading": t["reading"],
                }
                for t in clear.to_dict("records")
            ],
        }
    if revenue is not None and len(revenue):
        split: dict[str, Any] = {}
        for r in revenue.to_dict("records"):
            split.setdefault(r["window"], {})[r["relationship"]] = {
                "revenue": r["revenue"],
                "revenue_share": r["revenue_share"],
                "customers": r["customers"],
            }
        out["revenue_by_relationship"] = split
    if acquisition is not None and len(acquisition):
        out["acquisition_cost"] = {
            r["window"]: {
                "cost": r["cost"],
                "new_customers": r["new_customers"],
                "cost_per_new_customer": r["cost_per_new_customer"],
            }
            for r in acquisition.to_dict("records")
        }
    if loyalty is not None and len(loyalty):
        out["loyalty"] = {
            r["window"]: {
                "buyers": r["buyers"],
                "repeat_rate": r["repeat_rate"],
                "purchase_interval_days": r["purchase_interval_days"],
                "spend_per_buyer": r["spend_per_buyer"],
            }
            for r in loyalty.to_dict("records")
        }
    return jsonable(out)
