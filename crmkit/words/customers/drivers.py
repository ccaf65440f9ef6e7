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
from crmkit.domains.customers.drivers import (
    AliasedTerms,
    ComplaintsOverFollowUp,
    CustomersLeftOut,
    DriverCaveat,
    FirstResponseSelection,
    FitterWarning,
    NothingToEstimate,
    TermsWithoutVariation,
)
from crmkit.words.customers.readings import interval_cells, listing
from crmkit.words.formats import (
    TableView,
    format_change_pct,
    format_p_statement,
    format_p_value,
    format_percent,
    is_missing,
)
from crmkit.words.joining import listed_by_semicolons
from crmkit.words.language import tr
from crmkit.words.phrases import what_it_means


def _numeric_reading(name: str, higher: bool, change: str, ci: str) -> str:
    """A numeric driver's reading: "each extra complaint raises the hazard of leaving by ..."."""
    fields = {"change": change, "ci": ci}
    if name == "complaints":
        return (
            tr("each extra complaint raises the hazard of leaving by {change} ({ci})", **fields)
            if higher
            else tr(
                "each extra complaint lowers the hazard of leaving by {change} ({ci})", **fields
            )
        )
    if name == "tickets":
        return (
            tr("each extra ticket raises the hazard of leaving by {change} ({ci})", **fields)
            if higher
            else tr("each extra ticket lowers the hazard of leaving by {change} ({ci})", **fields)
        )
    if name == "first_response_hours":
        return (
            tr(
                "each extra hour of first-response time raises the hazard of leaving by "
                "{change} ({ci})",
                **fields,
            )
            if higher
            else tr(
                "each extra hour of first-response time lowers the hazard of leaving by "
                "{change} ({ci})",
                **fields,
            )
        )
    if name == "tenure_years":
        return (
            tr(
                "each extra year of tenure raises the hazard of leaving by {change} ({ci})",
                **fields,
            )
            if higher
            else tr(
                "each extra year of tenure lowers the hazard of leaving by {change} ({ci})",
                **fields,
            )
        )
    if name == "orders":
        return (
            tr("each extra order raises the hazard of leaving by {change} ({ci})", **fields)
            if higher
            else tr("each extra order lowers the hazard of leaving by {change} ({ci})", **fields)
        )
    return (
        tr(
            "each extra unit of {name} raises the hazard of leaving by {change} ({ci})",
            name=name,
            **fields,
        )
        if higher
        else tr(
            "each extra unit of {name} lowers the hazard of leaving by {change} ({ci})",
            name=name,
            **fields,
        )
    )


def _covariate_name(name: str) -> str:
    """A covariate as a sentence names it ("region"); a client's own column as written."""
    if name == "segment":
        return tr("segment")
    if name == "region":
        return tr("region")
    return name


def _covariate_title(name: str) -> str:
    """A covariate as a chart or table names it ("Region")."""
    if name == "segment":
        return tr("Segment")
    if name == "region":
        return tr("Region")
    return name.replace("_", " ").capitalize()


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
        return tr("not estimable")
    change = format_change_pct(hr - 1, decimals=0).replace("+", "").replace("−", "")
    higher = hr > 1
    ci = tr(
        "{level} % CI {low} to {high}",
        level=f"{(1 - alpha) * 100:g}",
        low=format_change_pct(low - 1, 0),
        high=format_change_pct(high - 1, 0),
    )
    name = term["covariate"]
    if name == "after_go_live":
        text = (
            tr(
                "after go-live the hazard of leaving is {change} higher than before ({ci})",
                change=change,
                ci=ci,
            )
            if higher
            else tr(
                "after go-live the hazard of leaving is {change} lower than before ({ci})",
                change=change,
                ci=ci,
            )
        )
    elif name == "crm_after_go_live":
        text = (
            tr(
                "in the CRM units after go-live the hazard of leaving is {change} higher than the "
                "control group's change predicts ({ci}): the CRM's estimated effect on churn",
                change=change,
                ci=ci,
            )
            if higher
            else tr(
                "in the CRM units after go-live the hazard of leaving is {change} lower than the "
                "control group's change predicts ({ci}): the CRM's estimated effect on churn",
                change=change,
                ci=ci,
            )
        )
    elif term["kind"] == "numeric":
        text = _numeric_reading(name, higher, change, ci)
    elif term["kind"] == "binary":
        shown = _covariate_name(name)
        text = (
            tr(
                "customers with {name} have a {change} higher hazard of leaving than those "
                "without ({ci})",
                name=shown,
                change=change,
                ci=ci,
            )
            if higher
            else tr(
                "customers with {name} have a {change} lower hazard of leaving than those "
                "without ({ci})",
                name=shown,
                change=change,
                ci=ci,
            )
        )
    else:
        fields = {
            "name": _covariate_name(name),
            "level": term["level"],
            "reference": term["reference"],
            "change": change,
            "ci": ci,
        }
        text = (
            tr(
                "customers with {name} = {level} have a {change} higher hazard of leaving "
                "than {name} = {reference} ({ci})",
                **fields,
            )
            if higher
            else tr(
                "customers with {name} = {level} have a {change} lower hazard of leaving "
                "than {name} = {reference} ({ci})",
                **fields,
            )
        )
    if not p < alpha:
        text = tr(
            "{reading}; not distinguishable from no effect ({p})",
            reading=text,
            p=format_p_statement(p),
        )
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
        return tr(
            "only {events} churn event(s); at least {needed} are needed to model churn",
            events=not_fitted.events,
            needed=not_fitted.min_events,
        )
    if not_fitted.reason == NotFittedReason.NO_COVARIATES:
        return tr("the data hold no characteristic of the customers to relate churn to")
    return tr("it needs the customers table")


def driver_label(term: Mapping[str, Any]) -> str:
    """A term of the churn model as its chart and table name it: "Segment: SMB (vs Consumer)".

    Examples
    --------
    >>> driver_label({"covariate": "region", "level": "West", "reference": "North"})
    'Region: West (vs North)'
    """
    name = str(term["covariate"])
    if name == "after_go_live":
        return tr("After go-live (all units)")
    if name == "crm_after_go_live":
        return tr("CRM units after go-live (the CRM's effect)")
    if name == "complaints":
        return tr("Each complaint so far")
    if name == "tenure_years":
        return tr("Each year as a customer")
    if name == "arm":
        return tr("CRM units (vs control)")
    level, reference = term.get("level"), term.get("reference")
    if level is not None and not is_missing(level) and reference is not None:
        return tr(
            "{name}: {level} (vs {reference})",
            name=_covariate_title(name),
            level=level,
            reference=reference,
        )
    return _covariate_title(name)


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
        return tr("No factor in the data is clearly linked to churn")
    size = np.abs(np.log(clear["estimate"].to_numpy(float)))
    row = clear.iloc[int(np.argmax(size))]
    hr = float(row["estimate"])
    change = f"{abs(hr - 1) * 100:.0f} %"
    if hr > 1:
        return tr(
            "What drives churn: {driver} raises the hazard of leaving by {change}",
            driver=row["label"],
            change=change,
        )
    return tr(
        "What drives churn: {driver} lowers the hazard of leaving by {change}",
        driver=row["label"],
        change=change,
    )


def drivers_view(drivers: ChurnDrivers) -> TableView:
    """The churn model as a table: hazard ratios with intervals and their readings."""
    table = drivers.table
    ratio, interval = tr("Hazard ratio"), tr("Confidence interval")
    frame = pd.DataFrame(
        {
            tr("Driver"): [driver_label(t) for t in table.to_dict("records")],
            ratio: table["hazard_ratio"].to_numpy(float),
            interval: interval_cells(table["ci_low"], table["ci_high"], "{:.2f}".format),
            tr("p-value"): table["p_value"].map(format_p_value),
            tr("Reading"): driver_readings(drivers),
        }
    )
    return TableView(
        frame,
        {ratio: tr("× hazard"), interval: tr("× hazard")},
        {ratio: "{:.2f}"},
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
    text = tr(
        "a hazard ratio above 1 means customers with that trait leave faster (1.20 = 20 % more "
        "leave in any given month), below 1 slower. "
    )
    if clear.empty:
        linked = tr("None of the factors in the data is clearly linked to churn.")
    else:
        faster = listing(clear.loc[clear["estimate"] > 1, "label"])
        slower = listing(clear.loc[clear["estimate"] < 1, "label"])
        if faster and slower:
            linked = tr(
                "Clearly linked to leaving faster: {faster}, and slower: {slower}.",
                faster=faster,
                slower=slower,
            )
        elif faster:
            linked = tr("Clearly linked to leaving faster: {faster}.", faster=faster)
        else:
            linked = tr("Clearly linked to leaving slower: {slower}.", slower=slower)
        did = frame.loc[(drivers.table["covariate"] == "crm_after_go_live").to_numpy()]
        if len(did) and bool(did["significant"].iloc[0]):
            hr = float(did["estimate"].iloc[0])
            change = f"{abs(hr - 1) * 100:.0f} %"
            effect = (
                tr(
                    " Against the control group, the CRM lowered the hazard of leaving by "
                    "{change}: the clearest evidence here of the CRM's own effect on churn.",
                    change=change,
                )
                if hr < 1
                else tr(
                    " Against the control group, the CRM raised the hazard of leaving by "
                    "{change}: the clearest evidence here of the CRM's own effect on churn.",
                    change=change,
                )
            )
            linked += effect
    text += linked
    c = drivers.concordance
    if not is_missing(c):
        strength = (
            tr("churn is hard to predict from these factors alone")
            if c < 0.6
            else tr("the factors explain a fair part of who leaves")
            if c < 0.7
            else tr("the factors predict well who leaves")
        )
        ranking = tr(
            " The model ranks who leaves first correctly for {share} of pairs of customers "
            "(50 % is chance): {strength}.",
            share=format_percent(c),
            strength=strength,
        )
        text += ranking
    return what_it_means(text)


def driver_caveat(caveat: DriverCaveat) -> str:
    """A caveat of the churn model in the report's language.

    Term names are the model's own (``segment[Retail]``) and the fitter's warnings its own
    English message, as given.

    Examples
    --------
    >>> driver_caveat(CustomersLeftOut(customers=42))
    '42 customer(s) with a missing covariate left out'
    """
    if isinstance(caveat, ComplaintsOverFollowUp):
        return tr(
            "complaints counted over the whole follow-up (no tickets given): customers who stay "
            "longer have more time to complain, which biases its hazard ratio downwards"
        )
    if isinstance(caveat, CustomersLeftOut):
        return tr(
            "{customers} customer(s) with a missing covariate left out",
            customers=caveat.customers,
        )
    if isinstance(caveat, FirstResponseSelection):
        return tr(
            "first_response_hours is missing for customers without tickets during their "
            "follow-up: keeping only customers with tickets selects on what happened after "
            "entry and biases the other hazard ratios"
        )
    if isinstance(caveat, TermsWithoutVariation):
        return tr("left out for lack of variation: {terms}", terms=", ".join(caveat.terms))
    if isinstance(caveat, AliasedTerms):
        return tr(
            "left out as a combination of earlier terms (aliased): {terms}",
            terms=", ".join(caveat.terms),
        )
    if isinstance(caveat, NothingToEstimate):
        return tr("nothing to estimate: no varying covariate or no churn event")
    if isinstance(caveat, FitterWarning):
        return tr("statsmodels: {message}", message=caveat.message)
    return caveat.english()


def driver_caveats(drivers: ChurnDrivers) -> str | None:
    """The churn model's caveats in the report's language, joined by semicolons; None if none.

    A model without typed caveats shows its English note as written.
    """
    if drivers.caveats:
        return listed_by_semicolons([driver_caveat(c) for c in drivers.caveats])
    return drivers.note
