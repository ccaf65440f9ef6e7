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
from crmkit.words.customers.drivers import driver_caveats, driver_label, driver_readings
from crmkit.words.customers.readings import listing, series
from crmkit.words.formats import (
    format_money,
    format_number,
    format_p_statement,
    format_percent,
    format_signed,
    is_missing,
)
from crmkit.words.language import english, tr
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
            sentences.append(tr("Churn could not be compared before and after go-live."))
        else:
            sentences.append(_churn_sentence(row, p < alpha, confidence))
    if rates is not None and len(rates):
        source = str(rates["source"].iloc[0])
        if source == "inactivity":
            limitations.append(
                tr(
                    "Churn is inferred from inactivity (no order for a set number of days), not "
                    "recorded: slow buyers count as lost and the last months of data cannot show "
                    "churn yet."
                )
            )
        years = rates["customer_years"].sum()
        if years < 100:
            limitations.append(
                tr(
                    "Churn rests on only {years} customer-years of exposure; its intervals are "
                    "wide.",
                    years=format_number(years),
                )
            )
        if (pd.to_datetime(rates["observed_until"]) < pd.to_datetime(rates["end"])).any():
            limitations.append(
                tr(
                    "The data stop before the end of a window, so that window's churn covers "
                    "only part of it."
                )
            )
    if loyalty is not None and len(loyalty):
        for row in loyalty.to_dict("records"):
            p = row["p_value"]
            if is_missing(p):
                continue
            sentence = _loyalty_sentence(row, p < alpha, currency)
            if sentence:
                sentences.append(sentence)
    if drivers is not None and len(drivers.table):
        table = drivers.table.assign(reading=driver_readings(drivers))
        strong = table.loc[table["p_value"] < alpha]
        if len(strong):
            sentences.append(
                tr("In the churn model, {readings}.", readings=listing(strong["reading"]))
            )
        else:
            sentences.append(
                tr("None of the churn model's factors is distinguishable from no effect.")
            )
        if not is_missing(drivers.concordance):
            sentences.append(
                tr(
                    "The model ranks who leaves first correctly for {share} of comparable pairs "
                    "of customers (50 % is chance).",
                    share=format_percent(drivers.concordance),
                )
            )
        limitations.append(
            tr(
                "The churn model shows associations, not causes (except the go-live terms "
                "against the control group), and assumes each factor's effect is the same at "
                "every tenure."
            )
        )
        caveats = driver_caveats(drivers)
        if caveats:
            limitations.append(tr("Churn model: {note}.", note=caveats))
    if revenue is not None and len(revenue):
        after = revenue.loc[revenue["window"] == "after"]
        if len(after) and after["revenue"].sum() > 0:
            parts = series(
                _share_from(format_percent(r["revenue_share"]), str(r["relationship"]))
                for r in after.to_dict("records")
            )
            sentences.append(tr("After go-live, revenue came {parts}.", parts=parts))
    if acquisition is not None and len(acquisition):
        rows = acquisition.set_index("window")
        if {"before", "after"} <= set(rows.index):
            sentences.append(
                tr(
                    "Campaign cost per new customer was {before} before and {after} after go-live.",
                    before=format_money(rows.loc["before", "cost_per_new_customer"], currency),
                    after=format_money(rows.loc["after", "cost_per_new_customer"], currency),
                )
            )
        limitations.append(
            tr(
                "Acquisition cost counts campaign spend only (not sales time) and all new "
                "customers, whatever brought them."
            )
        )
    if not has_control_group:
        limitations.append(
            tr(
                "Without a control group the changes are before-after only: anything else that "
                "changed at go-live is mixed into them."
            )
        )
    limitations.append(
        tr(
            "The p-values here are not corrected for the number of KPIs tested; the impact "
            "overview corrects them across the whole family."
        )
    )
    return CustomerFindings(_paragraph(sentences), limitations)


def _paragraph(sentences: list[str]) -> str:
    """Sentences one after the other, as a paragraph."""
    paragraph = ""
    for sentence in sentences:
        paragraph = (
            tr("{earlier} {later}", earlier=paragraph, later=sentence) if paragraph else sentence
        )
    return paragraph


def _churn_sentence(row: Any, detected: bool, confidence: str) -> str:
    """Annual churn before and after go-live, with its change, interval and p-value."""
    fields = {
        "before": format_percent(row["before"]),
        "after": format_percent(row["after"]),
        "change": format_signed(row["change"], 100),
        "confidence": confidence,
        "low": format_signed(row["ci_low"], 100),
        "high": format_signed(row["ci_high"], 100),
        "p": format_p_statement(row["p_value"]),
        "kept_before": format_percent(1 - row["before"]),
        "kept_after": format_percent(1 - row["after"]),
    }
    fell = row["change"] < 0
    if detected and fell:
        return tr(
            "Annual churn fell from {before} to {after} ({change} percentage points; "
            "{confidence} confidence interval {low} to {high}; {p}), so annual retention went "
            "from {kept_before} to {kept_after}.",
            **fields,
        )
    if detected:
        return tr(
            "Annual churn rose from {before} to {after} ({change} percentage points; "
            "{confidence} confidence interval {low} to {high}; {p}), so annual retention went "
            "from {kept_before} to {kept_after}.",
            **fields,
        )
    if fell:
        return tr(
            "Annual churn shows no detectable change (fell slightly) from {before} to {after} "
            "({change} percentage points; {confidence} confidence interval {low} to {high}; "
            "{p}), so annual retention went from {kept_before} to {kept_after}.",
            **fields,
        )
    return tr(
        "Annual churn shows no detectable change (rose slightly) from {before} to {after} "
        "({change} percentage points; {confidence} confidence interval {low} to {high}; {p}), "
        "so annual retention went from {kept_before} to {kept_after}.",
        **fields,
    )


def _loyalty_sentence(row: dict[str, Any], detected: bool, currency: str) -> str | None:
    """A loyalty KPI before and after go-live with its p-value (None for another KPI)."""
    p = format_p_statement(row["p_value"])
    rose = row["change"] > 0
    kpi = row["kpi"]
    if kpi == "repeat_purchase_rate":
        fields = {"before": format_percent(row["before"]), "after": format_percent(row["after"])}
        if not detected:
            return tr(
                "The share of buying customers who bought at least twice shows no detectable "
                "change ({before} before, {after} after; {p}).",
                p=p,
                **fields,
            )
        if rose:
            return tr(
                "The share of buying customers who bought at least twice rose ({before} before, "
                "{after} after; {p}).",
                p=p,
                **fields,
            )
        return tr(
            "The share of buying customers who bought at least twice fell ({before} before, "
            "{after} after; {p}).",
            p=p,
            **fields,
        )
    if kpi == "purchase_interval_days":
        fields = {"before": format_number(row["before"]), "after": format_number(row["after"])}
        if not detected:
            return tr(
                "The median time between a customer's purchases shows no detectable change "
                "({before} days before, {after} after; {p}).",
                p=p,
                **fields,
            )
        if rose:
            return tr(
                "The median time between a customer's purchases rose ({before} days before, "
                "{after} after; {p}).",
                p=p,
                **fields,
            )
        return tr(
            "The median time between a customer's purchases fell ({before} days before, "
            "{after} after; {p}).",
            p=p,
            **fields,
        )
    if kpi == "spend_per_customer":
        fields = {
            "before": format_money(row["before"], currency),
            "after": format_money(row["after"], currency),
        }
        if not detected:
            return tr(
                "Spend per buying customer shows no detectable change ({before} before, "
                "{after} after; {p}).",
                p=p,
                **fields,
            )
        if rose:
            return tr(
                "Spend per buying customer rose ({before} before, {after} after; {p}).",
                p=p,
                **fields,
            )
        return tr(
            "Spend per buying customer fell ({before} before, {after} after; {p}).",
            p=p,
            **fields,
        )
    return None


def _share_from(share: str, relationship: str) -> str:
    """ "85.0 % from retained customers"."""
    if relationship == "retained":
        return tr("{share} from retained customers", share=share)
    if relationship == "new":
        return tr("{share} from new customers", share=share)
    if relationship == "won_back":
        return tr("{share} from won-back customers", share=share)
    return tr(
        "{share} from {relationship} customers",
        share=share,
        relationship=relationship.replace("_", "-"),
    )


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
        ``ci_high``, ``p_value``, ``reading``}]} (``driver`` and ``reading`` in English, whatever
        the report's language); ``revenue_by_relationship`` {window:
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
        readings = [english(reading) for reading in driver_readings(drivers)]
        table = drivers.table.assign(reading=readings)
        clear = table.loc[table["p_value"] < alpha].copy()
        clear["size"] = np.abs(np.log(clear["hazard_ratio"].astype(float)))
        clear = clear.sort_values("size", ascending=False, kind="stable").head(top_drivers)
        out["churn_drivers"] = {
            "concordance": drivers.concordance,
            "n": drivers.n,
            "events": drivers.events,
            "top": [
                {
                    "driver": english(driver_label(t)),
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
