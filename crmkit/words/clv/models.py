"""The words of the customer-value models: parameters, predictions and the spend model's check.

Tables with units (:class:`crmkit.words.formats.TableView`), chart titles and "What it means"
paragraphs for :class:`crmkit.domains.clv.ValueModels` and its predictions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.domains.clv import (
    ClvNotFinite,
    SpendModelFailed,
    SpendModelUndefined,
    ValueModels,
    alive_shares,
    share_probably_lost,
)
from crmkit.words.clv.percentages import whole_percent
from crmkit.words.formats import TableView, format_money, format_number, is_missing
from crmkit.words.language import tr
from crmkit.words.phrases import what_it_means

__all__ = [
    "alive_bands",
    "alive_title",
    "clv_dropped_reason",
    "independence_note",
    "independence_text",
    "model_text",
    "parameters_view",
    "prediction_text",
    "prediction_view",
    "top_customers_view",
]


def _parameter_meaning(model: str, name: str) -> str:
    """What a parameter of the purchase (BG/NBD) or spend (Gamma–Gamma) model measures."""
    meanings = {
        ("BG/NBD", "r"): tr("shape of how purchase rates vary between customers"),
        ("BG/NBD", "alpha"): tr("scale of the purchase rates (mean rate = r / α per week)"),
        ("BG/NBD", "a"): tr(
            "dropout: with b, the chance of leaving after a purchase (a / (a + b))"
        ),
        ("BG/NBD", "b"): tr("dropout: see a"),
        ("Gamma–Gamma", "p"): tr("shape of the spend of one purchase"),
        ("Gamma–Gamma", "q"): tr("how customers' average spends vary (larger = more alike)"),
        ("Gamma–Gamma", "v"): tr("scale of spend (mean spend per purchase = p · v / (q − 1))"),
    }
    return meanings[(model, name)]


def parameters_view(models: ValueModels) -> TableView:
    """The two models' parameters with their intervals and what each measures."""
    rows = []
    estimate, interval = tr("Estimate"), tr("Confidence interval")
    for model, fitter in (("BG/NBD", models.bgf), ("Gamma–Gamma", models.ggf)):
        if fitter is None:
            continue
        summary = fitter.summary
        for name, r in summary.iterrows():
            rows.append(
                {
                    tr("Model"): model,
                    tr("Parameter"): "γ (v)" if name == "v" else ("α" if name == "alpha" else name),
                    estimate: r["estimate"],
                    interval: tr(
                        "{low} to {high}",
                        low=format_number(r["ci_low"]),
                        high=format_number(r["ci_high"]),
                    ),
                    tr("What it measures"): _parameter_meaning(model, str(name)),
                }
            )
    frame = pd.DataFrame(rows)
    return TableView(
        frame,
        {estimate: tr("model units"), interval: tr("model units")},
        {estimate: "{:,.4g}"},
    )


def model_text(models: ValueModels, *, currency: str = "") -> str:
    """The "What it means" paragraph for the fitted models: purchase rate, dropout, spend.

    Examples
    --------
    >>> import numpy as np
    >>> class M:  # a stand-in with fitted parameters
    ...     bgf = type("B", (), {"params_": pd.Series({"r": 1.0, "alpha": 5.0, "a": 0.2, "b": 4.8})})()
    ...     ggf = type("G", (), {"params_": pd.Series({"p": 2.0, "q": 3.0, "v": 100.0})})()
    ...     note = None
    >>> print(model_text(M(), currency="CNY"))
    **What it means:** while they are active, customers buy on average 0.2 times a week (about once every 5.0 weeks), and after each purchase about 4 % of them stop buying for good. A purchase is worth CNY 100 on average, and customers who have bought more often get predictions closer to their own average spend.
    """
    r, alpha, a, b = (float(models.bgf.params_[k]) for k in ("r", "alpha", "a", "b"))
    rate = r / alpha
    text = tr(
        "while they are active, customers buy on average {rate} times a week (about once "
        "every {weeks} weeks), and after each purchase about {dropout} of them stop buying for "
        "good.",
        rate=f"{rate:.2g}",
        weeks=f"{1 / rate:.1f}",
        dropout=whole_percent(a / (a + b)),
    )
    if models.ggf is not None:
        p, q, v = (float(models.ggf.params_[k]) for k in ("p", "q", "v"))
        text += tr(
            " A purchase is worth {spend} on average, and customers who have bought more often "
            "get predictions closer to their own average spend.",
            spend=format_money(p * v / (q - 1), currency),
        )
    elif getattr(models, "dropped", None) is not None:
        text += tr(
            " No value per customer could be predicted: {note}.",
            note=clv_dropped_reason(models.dropped),
        )
    elif models.note:
        text += tr(" No value per customer could be predicted: {note}.", note=models.note)
    return what_it_means(text)


def clv_dropped_reason(fact: SpendModelUndefined | SpendModelFailed | ClvNotFinite) -> str:
    """Why the spend model, or the CLV per customer, was dropped, in the report's language.

    Examples
    --------
    >>> clv_dropped_reason(SpendModelUndefined(q=0.84))
    "the spend model's q is 0.84 (≤ 1): mean spend per purchase is undefined, so no CLV is predicted"
    """
    if isinstance(fact, SpendModelUndefined):
        return tr(
            "the spend model's q is {q} (≤ 1): mean spend per purchase is undefined, so no CLV "
            "is predicted",
            q=f"{fact.q:.2f}",
        )
    if isinstance(fact, SpendModelFailed):
        return tr("the spend model cannot be fitted: {error}", error=fact.error)
    return tr(
        "the lifetime value cannot be computed for {customers} customers (the fitted purchase "
        "model's expectation is not finite), so no CLV is predicted",
        customers=f"{fact.customers:,}",
    )


def independence_text(independence: pd.DataFrame) -> str:
    """The Gamma–Gamma assumption check in words, as a warning when it fails.

    Examples
    --------
    >>> c = pd.DataFrame({"n": [900], "pearson_r": [0.44], "assumption_ok": [False]})
    >>> print(independence_text(c))
    **Warning:** Customers who buy more often also spend more per purchase (correlation 0.44 over 900 repeat customers). The spend model assumes the two are unrelated, so it pulls the spend of customers with few purchases towards an average that the frequent buyers raise: the lifetime value of customers with few purchases is overstated. Rank customers by lifetime value with confidence; read the amounts of customers with few purchases with care.
    """
    row = independence.iloc[0]
    r = row["pearson_r"]
    if is_missing(r):
        return what_it_means(
            tr(
                "too few repeat customers to check whether spend per purchase depends on how "
                "often customers buy."
            )
        )
    fields = {"r": f"{r:.2f}", "n": f"{int(row['n']):,}"}
    if bool(row["assumption_ok"]):
        return what_it_means(
            tr(
                "how much customers spend per purchase hardly depends on how often they buy "
                "(correlation {r} over {n} repeat customers), as the spend model assumes: its "
                "values can be used as they are.",
                **fields,
            )
        )
    if r > 0:
        return tr(
            "**Warning:** Customers who buy more often also spend more per purchase "
            "(correlation {r} over {n} repeat customers). The spend model assumes the two are "
            "unrelated, so it pulls the spend of customers with few purchases towards an "
            "average that the frequent buyers raise: the lifetime value of customers with few "
            "purchases is overstated. Rank customers by lifetime value with confidence; read "
            "the amounts of customers with few purchases with care.",
            **fields,
        )
    return tr(
        "**Warning:** Customers who buy more often also spend less per purchase "
        "(correlation {r} over {n} repeat customers). The spend model assumes the two are "
        "unrelated, so it pulls the spend of customers with few purchases towards an "
        "average that the frequent buyers lower: the lifetime value of customers with few "
        "purchases is understated. Rank customers by lifetime value with confidence; read "
        "the amounts of customers with few purchases with care.",
        **fields,
    )


def independence_note(independence: pd.DataFrame) -> str:
    """The spend model's assumption check in one clause, for the findings.

    Parameters
    ----------
    independence : pandas.DataFrame
        :func:`crmkit.domains.clv.independence_check` (``GammaGammaFitter.independence_``).

    Examples
    --------
    >>> independence_note(pd.DataFrame({"pearson_r": [0.11], "assumption_ok": [True]}))
    "spend and frequency are nearly uncorrelated (r = 0.11); the Gamma–Gamma model's assumption is plausible"
    """
    row = independence.iloc[0]
    r = row["pearson_r"]
    if is_missing(r):
        return tr("insufficient data: fewer than 3 repeat customers or no variation")
    if bool(row["assumption_ok"]):
        return tr(
            "spend and frequency are nearly uncorrelated (r = {r}); the Gamma–Gamma model's "
            "assumption is plausible",
            r=f"{r:.2f}",
        )
    return tr(
        "spend and frequency are correlated (r = {r}); Gamma–Gamma values are biased: read "
        "them with care",
        r=f"{r:.2f}",
    )


def alive_bands(predictions: pd.DataFrame) -> pd.Series:
    """Share of customers by their probability of still being a customer (for a bar chart).

    The bands of :data:`crmkit.domains.clv.ALIVE_BANDS`, labelled.

    Returns
    -------
    pandas.Series
        Index "below 25 %", "25–50 %", "50–75 %", "75 % or more"; values: percent of customers.

    Examples
    --------
    >>> alive_bands(pd.DataFrame({"p_alive": [0.1, 0.6, 0.9, 0.95]})).tolist()
    [25.0, 0.0, 25.0, 50.0]
    """
    labels = [tr("below 25 %"), "25–50 %", "50–75 %", tr("75 % or more")]
    shares = alive_shares(predictions).tolist()
    return pd.Series(shares, index=pd.Index(labels, name="probability still a customer"))


def alive_title(predictions: pd.DataFrame) -> str:
    """The P(alive) chart's title: how many customers have probably stopped buying.

    Examples
    --------
    >>> alive_title(pd.DataFrame({"p_alive": [0.1, 0.6, 0.9, 0.95]}))
    '25 % of customers have probably stopped buying (below 50 % chance they are still customers)'
    """
    share = share_probably_lost(predictions)
    return tr(
        "{share} % of customers have probably stopped buying (below 50 % chance they are still "
        "customers)",
        share=f"{share * 100:.0f}",
    )


def prediction_view(models: ValueModels, *, currency: str = "") -> TableView:
    """Per-customer predictions summarised: mean, spread and total, one row per measure.

    Returns
    -------
    crmkit.words.formats.TableView
        Rows: probability of still being a customer (%), expected purchases over the horizon,
        and with the spend model expected spend per purchase and CLV (``currency``); columns
        Unit, Mean, 10th percentile, Median, 90th percentile, All customers (sum, for
        purchases and CLV), as text in each row's unit.
    """
    p = models.predictions
    months = models.horizon_months
    rows = [
        (tr("Probability of still being a customer"), "%", p["p_alive"] * 100, False, "{:.1f}"),
        (
            tr("Expected purchases in the next {months} months", months=months),
            tr("purchases"),
            p["expected_purchases"],
            True,
            "{:,.1f}",
        ),
    ]
    if models.has_clv:
        rows.append(
            (
                tr("Expected spend per purchase"),
                currency,
                p["expected_average_value"],
                False,
                "{:,.0f}",
            )
        )
        rows.append(
            (
                tr("Customer lifetime value ({months} months, margin, discounted)", months=months),
                currency,
                p["clv"],
                True,
                "{:,.0f}",
            )
        )
    records = []
    for name, unit, values, total, fmt in rows:
        v = values.to_numpy(float)
        records.append(
            {
                tr("Prediction per customer"): name,
                tr("Unit"): unit,
                tr("Mean"): fmt.format(np.nanmean(v)),
                tr("10th percentile"): fmt.format(np.nanpercentile(v, 10)),
                tr("Median"): fmt.format(np.nanmedian(v)),
                tr("90th percentile"): fmt.format(np.nanpercentile(v, 90)),
                tr("All customers"): fmt.format(np.nansum(v)) if total else "",
            }
        )
    return TableView(pd.DataFrame(records), {}, {})


def prediction_text(models: ValueModels, *, currency: str = "") -> str:
    """The "What it means" paragraph for the per-customer predictions.

    Examples
    --------
    >>> class M:
    ...     predictions = pd.DataFrame({"p_alive": [0.1, 0.9, 0.95, 0.99],
    ...                                 "clv": [0.0, 100.0, 300.0, 600.0]})
    ...     has_clv = True
    ...     horizon_months = 36
    >>> print(prediction_text(M(), currency="CNY"))
    **What it means:** 1 of 4 customers (25 %) have probably stopped buying; they are where win-back effort pays only if cheap. The average customer is worth CNY 250 in margin over the next 36 months (discounted), the median one CNY 200: a few very valuable customers pull the average up.
    """
    p = models.predictions
    alive = p["p_alive"].to_numpy(float)
    gone = int((alive < 0.5).sum())
    text = tr(
        "{gone} of {customers} customers ({share} %) have probably stopped buying; they are "
        "where win-back effort pays only if cheap.",
        gone=f"{gone:,}",
        customers=f"{len(p):,}",
        share=f"{gone / max(len(p), 1) * 100:.0f}",
    )
    if models.has_clv:
        clv = p["clv"].to_numpy(float)
        mean, median = float(np.nanmean(clv)), float(np.nanmedian(clv))
        fields = {
            "mean": format_money(mean, currency),
            "months": models.horizon_months,
            "median": format_money(median, currency),
        }
        text += (
            tr(
                " The average customer is worth {mean} in margin over the next {months} months "
                "(discounted), the median one {median}: a few very valuable customers pull the "
                "average up.",
                **fields,
            )
            if mean > 1.2 * median
            else tr(
                " The average customer is worth {mean} in margin over the next {months} months "
                "(discounted), the median one {median}.",
                **fields,
            )
        )
    return what_it_means(text)


def top_customers_view(
    models: ValueModels, *, show_ids: bool, n: int = 10, currency: str = ""
) -> TableView | None:
    """The ``n`` customers with the highest CLV, with their ids — only when ids may be shown.

    Parameters
    ----------
    models : ValueModels
        Fitted with CLV.
    show_ids : bool
        ``assessment.privacy.show_record_ids``; False gives None (no ids in the report).
    n : int, default 10
        How many customers.
    currency : str
        The client's currency code.
    """
    if not show_ids or not models.has_clv:
        return None
    top = models.predictions.sort_values("clv", ascending=False, kind="stable").head(n)
    repeat, weeks, alive = (
        tr("Repeat purchases"),
        tr("Weeks since the last purchase"),
        tr("Probability still a customer"),
    )
    expected, value = tr("Expected purchases"), tr("Lifetime value")
    frame = pd.DataFrame(
        {
            tr("Customer"): [str(i) for i in top.index],
            repeat: top["frequency"].astype("Int64").to_numpy(),
            weeks: (top["T"] - top["recency"]).to_numpy(float),
            alive: top["p_alive"].to_numpy(float) * 100,
            expected: top["expected_purchases"].to_numpy(float),
            value: top["clv"].to_numpy(float),
        }
    )
    units = {
        repeat: tr("count"),
        weeks: tr("weeks"),
        alive: "%",
        expected: tr("next {months} months", months=models.horizon_months),
        value: currency,
    }
    formats = {
        repeat: "{:,}",
        weeks: "{:.1f}",
        alive: "{:.0f}",
        expected: "{:.1f}",
        value: "{:,.0f}",
    }
    return TableView(frame, units, formats)
