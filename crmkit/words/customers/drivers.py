"""The words of the churn model: each term's reading, its name, the chart, the table and the
paragraph, and why the model was not fitted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmkit.domains.customers import (
    ChurnDrivers,
    DriversNotFitted,
    NotFittedReason,
)
from crmkit.words.customers.readings import interval_cells
from crmkit.words.formats import (
    TableView,
    format_change_pct,
    format_p_statement,
    format_p_value,
    format_percent,
    is_missing,
)
from crmkit.words.phrases import what_it_means

#: How a numeric driver's unit is named in a reading ("each extra complaint ...").
_UNITS = {
    "complaints": "complaint",
    "tickets": "ticket",
    "first_response_hours": "hour of first-response time",
    "tenure_years": "year of tenure",
    "orders": "order",
}


def driver_reading(term: Mapping[str, Any], alpha: float = 0.05) -> str:
    """One term of the churn model in words, with its interval (and "not distinguishable ...").

    Parameters
    ----------
    term : mapping
        A row of :attr:`crmkit.domains.customers.ChurnDrivers.table`: ``covariate``, ``kind``,
        ``level``, ``reference``, ``hazard_ratio``, ``ci_low``, ``ci_high``, ``p_value``.
    alpha : float, default 0.05
        The model's significance level (:attr:`ChurnDrivers.alpha`); the interval's level is
        1 − alpha.

    Examples
    --------
    >>> term = {"covariate": "complaints", "kind": "numeric", "hazard_ratio": 4.62,
    ...         "ci_low": 1.07, "ci_high": 19.95, "p_value": 0.04}
    >>> driver_reading(term)
    'each extra complaint raises the hazard of leaving by 362 % (95 % CI +7 % to +1,895 %)'
    """
    hr, low, high, p = term["hazard_ratio"], term["ci_low"], term["ci_high"], term["p_value"]
    if not math.isfinite(hr):
        return "not estimable"
    change = format_change_pct(hr - 1, decimals=0).replace("+", "").replace("−", "")
    way = "raises" if hr > 1 else "lowers"
    more = "higher" if hr > 1 else "lower"
    ci = (
        f"{(1 - alpha) * 100:g} % CI {format_change_pct(low - 1, 0)} to "
        f"{format_change_pct(high - 1, 0)}"
    )
    name = term["covariate"]
    if name == "after_go_live":
        text = f"after go-live the hazard of leaving is {change} {more} than before ({ci})"
    elif name == "crm_after_go_live":
        text = (
            f"in the CRM units after go-live the hazard of leaving is {change} {more} than the "
            f"control group's change predicts ({ci}): the CRM's estimated effect on churn"
        )
    elif term["kind"] == "numeric":
        unit = _UNITS.get(name, f"unit of {name}")
        text = f"each extra {unit} {way} the hazard of leaving by {change} ({ci})"
    elif term["kind"] == "binary":
        text = (
            f"customers with {name} have a {change} {more} hazard of leaving than those "
            f"without ({ci})"
        )
    else:
        text = (
            f"customers with {name} = {term['level']} have a {change} {more} hazard of leaving "
            f"than {name} = {term['reference']} ({ci})"
        )
    if not p < alpha:
        text += f"; not distinguishable from no effect ({format_p_statement(p)})"
    return text


def driver_readings(drivers: ChurnDrivers) -> list[str]:
    """Every term of the churn model in words (:func:`driver_reading`), in the table's order."""
    return [driver_reading(t, drivers.alpha) for t in drivers.table.to_dict("records")]


def not_fitted_reason(not_fitted: DriversNotFitted) -> str:
    """Why the churn model was not fitted, in words.

    Examples
    --------
    >>> not_fitted_reason(DriversNotFitted(NotFittedReason.FEW_EVENTS, 3, 10))
    'only 3 churn event(s); at least 10 are needed to model churn'
    """
    if not_fitted.reason == NotFittedReason.FEW_EVENTS:
        return (
            f"only {not_fitted.events} churn event(s); at least {not_fitted.min_events} are "
            "needed to model churn"
        )
    if not_fitted.reason == NotFittedReason.NO_COVARIATES:
        return "the data hold no characteristic of the customers to relate churn to"
    return "it needs the customers table"


def driver_label(term: Mapping[str, Any]) -> str:
    """A term of the churn model as its chart and table name it: "Segment: SMB (vs Consumer)".

    Examples
    --------
    >>> driver_label({"covariate": "region", "level": "West", "reference": "North"})
    'Region: West (vs North)'
    """
    name = str(term["covariate"])
    special_names = {
        "after_go_live": "After go-live (all units)",
        "crm_after_go_live": "CRM units after go-live (the CRM's effect)",
        "complaints": "Each complaint so far",
        "tenure_years": "Each year as a customer",
        "arm": "CRM units (vs control)",
    }
    if name in special_names and name != "arm":
        return special_names[name]
    if name == "arm":
        return special_names["arm"]
    level, reference = term.get("level"), term.get("reference")
    if level is not None and not is_missing(level) and reference is not None:
        return f"{name.replace('_', ' ').capitalize()}: {level} (vs {reference})"
    return name.replace("_", " ").capitalize()


def drivers_frame(drivers: ChurnDrivers) -> pd.DataFrame:
    """The churn model's hazard ratios as :func:`crmkit.report.plots.interval_chart` draws them.

    Returns
    -------
    pandas.DataFrame
        One row per term: ``label`` (in words: "Segment: SMB (vs Consumer)"), ``estimate``
        (hazard ratio), ``ci_low``, ``ci_high``, ``significant`` (p below the model's alpha,
        :attr:`ChurnDrivers.significant`).
    """
    table = drivers.table
    return pd.DataFrame(
        {
            "label": [driver_label(t) for t in table.to_dict("records")],
            "estimate": table["hazard_ratio"].to_numpy(float),
            "ci_low": table["ci_low"].to_numpy(float),
            "ci_high": table["ci_high"].to_numpy(float),
            "significant": drivers.significant,
        }
    )


def drivers_title(drivers: ChurnDrivers) -> str:
    """The hazard-ratio chart's title: the strongest clear driver of churn.

    Examples
    --------
    >>> t = pd.DataFrame({"term": ["region[West]"], "covariate": ["region"], "level": ["West"],
    ...     "reference": ["North"], "hazard_ratio": [1.18], "ci_low": [1.1], "ci_high": [1.27],
    ...     "p_value": [0.001], "reading": ["customers with region = West have ..."]})
    >>> drivers_title(ChurnDrivers(t, 0.53, 100, 40, 100, "efron", None))
    'What drives churn: Region: West (vs North) raises the hazard of leaving by 18 %'
    """
    frame = drivers_frame(drivers)
    clear = frame.loc[frame["significant"] & frame["estimate"].notna()]
    if clear.empty:
        return "No factor in the data is clearly linked to churn"
    size = np.abs(np.log(clear["estimate"].to_numpy(float)))
    row = clear.iloc[int(np.argmax(size))]
    hr = float(row["estimate"])
    way = "raises" if hr > 1 else "lowers"
    return (
        f"What drives churn: {row['label']} {way} the hazard of leaving by "
        f"{abs(hr - 1) * 100:.0f} %"
    )


def drivers_view(drivers: ChurnDrivers) -> TableView:
    """The churn model as a table: hazard ratios with intervals and their readings."""
    table = drivers.table
    frame = pd.DataFrame(
        {
            "Driver": [driver_label(t) for t in table.to_dict("records")],
            "Hazard ratio": table["hazard_ratio"].to_numpy(float),
            "Confidence interval": interval_cells(
                table["ci_low"], table["ci_high"], "{:.2f}".format
            ),
            "p-value": table["p_value"].map(format_p_value),
            "Reading": driver_readings(drivers),
        }
    )
    return TableView(
        frame,
        {"Hazard ratio": "× hazard", "Confidence interval": "× hazard"},
        {"Hazard ratio": "{:.2f}"},
    )


def drivers_text(drivers: ChurnDrivers) -> str:
    """The "What it means" paragraph for the churn model.

    Examples
    --------
    >>> t = pd.DataFrame({"term": ["complaints"], "covariate": ["complaints"], "level": [None],
    ...     "reference": [None], "hazard_ratio": [1.0], "ci_low": [0.9], "ci_high": [1.1],
    ...     "p_value": [0.9], "reading": ["each extra complaint ...; not distinguishable from no effect (p = 0.900)"]})
    >>> print(drivers_text(ChurnDrivers(t, 0.53, 100, 40, 100, "efron", None)))
    **What it means:** a hazard ratio above 1 means customers with that trait leave faster (1.20 = 20 % more leave in any given month), below 1 slower. None of the factors in the data is clearly linked to churn. The model ranks who leaves first correctly for 53.0 % of pairs of customers (50 % is chance): churn is hard to predict from these factors alone.
    """
    frame = drivers_frame(drivers)
    clear = frame.loc[frame["significant"] & frame["estimate"].notna()]
    text = (
        "a hazard ratio above 1 means customers with that trait leave faster (1.20 = 20 % more "
        "leave in any given month), below 1 slower. "
    )
    if clear.empty:
        text += "None of the factors in the data is clearly linked to churn."
    else:
        faster = clear.loc[clear["estimate"] > 1, "label"].tolist()
        slower = clear.loc[clear["estimate"] < 1, "label"].tolist()
        parts = []
        if faster:
            parts.append("faster: " + "; ".join(faster))
        if slower:
            parts.append("slower: " + "; ".join(slower))
        text += "Clearly linked to leaving " + ", and ".join(parts) + "."
        did = frame.loc[frame["label"].str.startswith("CRM units after go-live")]
        if len(did) and bool(did["significant"].iloc[0]):
            hr = float(did["estimate"].iloc[0])
            text += (
                f" Against the control group, the CRM {'lowered' if hr < 1 else 'raised'} the "
                f"hazard of leaving by {abs(hr - 1) * 100:.0f} %: the clearest evidence here of "
                "the CRM's own effect on churn."
            )
    c = drivers.concordance
    if not is_missing(c):
        strength = (
            "churn is hard to predict from these factors alone"
            if c < 0.6
            else "the factors explain a fair part of who leaves"
            if c < 0.7
            else "the factors predict well who leaves"
        )
        text += (
            f" The model ranks who leaves first correctly for {format_percent(c)} of pairs of "
            f"customers (50 % is chance): {strength}."
        )
    return what_it_means(text)
