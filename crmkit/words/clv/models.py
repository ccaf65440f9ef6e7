"""The words of the customer-value models: parameters, predictions and the spend model's check.

Tables with units (:class:`crmkit.words.formats.TableView`), chart titles and "What it means"
paragraphs for :class:`crmkit.domains.clv.ValueModels` and its predictions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmkit.domains.clv import ValueModels, alive_shares, share_probably_lost
from crmkit.words.clv.percentages import whole_percent
from crmkit.words.formats import TableView, format_money, format_number, is_missing
from crmkit.words.phrases import what_it_means

__all__ = [
    "alive_bands",
    "alive_title",
    "independence_note",
    "independence_text",
    "model_text",
    "parameters_view",
    "prediction_text",
    "prediction_view",
    "top_customers_view",
]


_PARAMETER_MEANINGS = {
    ("BG/NBD", "r"): "shape of how purchase rates vary between customers",
    ("BG/NBD", "alpha"): "scale of the purchase rates (mean rate = r / α per week)",
    ("BG/NBD", "a"): "dropout: with b, the chance of leaving after a purchase (a / (a + b))",
    ("BG/NBD", "b"): "dropout: see a",
    ("Gamma–Gamma", "p"): "shape of the spend of one purchase",
    ("Gamma–Gamma", "q"): "how customers' average spends vary (larger = more alike)",
    ("Gamma–Gamma", "v"): "scale of spend (mean spend per purchase = p · v / (q − 1))",
}


def parameters_view(models: ValueModels) -> TableView:
    """The two models' parameters with their intervals and what each measures."""
    rows = []
    for model, fitter in (("BG/NBD", models.bgf), ("Gamma–Gamma", models.ggf)):
        if fitter is None:
            continue
        summary = fitter.summary
        for name, r in summary.iterrows():
            rows.append(
                {
                    "Model": model,
                    "Parameter": "γ (v)" if name == "v" else ("α" if name == "alpha" else name),
                    "Estimate": r["estimate"],
                    "Confidence interval": (
                        f"{format_number(r['ci_low'])} to {format_number(r['ci_high'])}"
                    ),
                    "What it measures": _PARAMETER_MEANINGS[(model, str(name))],
                }
            )
    frame = pd.DataFrame(rows)
    return TableView(
        frame,
        {"Estimate": "model units", "Confidence interval": "model units"},
        {"Estimate": "{:,.4g}"},
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
    text = (
        f"while they are active, customers buy on average {rate:.2g} times a week (about once "
        f"every {1 / rate:.1f} weeks), and after each purchase about "
        f"{whole_percent(a / (a + b))} of them stop buying for good."
    )
    if models.ggf is not None:
        p, q, v = (float(models.ggf.params_[k]) for k in ("p", "q", "v"))
        text += (
            f" A purchase is worth {format_money(p * v / (q - 1), currency)} on average, and customers "
            "who have bought more often get predictions closer to their own average spend."
        )
    elif models.note:
        text += f" No value per customer could be predicted: {models.note}."
    return what_it_means(text)


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
            "too few repeat customers to check whether spend per purchase depends on how often "
            "customers buy."
        )
    if bool(row["assumption_ok"]):
        return what_it_means(
            f"how much customers spend per purchase hardly depends on how often they buy "
            f"(correlation {r:.2f} over {int(row['n']):,} repeat customers), as the spend model "
            "assumes: its values can be used as they are."
        )
    way, push, effect = (
        ("more", "raise", "overstated") if r > 0 else ("less", "lower", "understated")
    )
    return (
        f"**Warning:** Customers who buy more often also spend {way} per purchase (correlation "
        f"{r:.2f} over {int(row['n']):,} repeat customers). The spend model assumes the two are "
        "unrelated, so it pulls the spend of customers with few purchases towards an average "
        f"that the frequent buyers {push}: the lifetime value of customers with few purchases is "
        f"{effect}. Rank customers by lifetime value with confidence; read the amounts of "
        "customers with few purchases with care."
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
        return "insufficient data: fewer than 3 repeat customers or no variation"
    if bool(row["assumption_ok"]):
        return (
            f"spend and frequency are nearly uncorrelated (r = {r:.2f}); the Gamma–Gamma "
            "model's assumption is plausible"
        )
    return (
        f"spend and frequency are correlated (r = {r:.2f}); Gamma–Gamma values are "
        "biased: read them with care"
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
    labels = ["below 25 %", "25–50 %", "50–75 %", "75 % or more"]
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
    return (
        f"{share * 100:.0f} % of customers have probably stopped buying (below 50 % chance they "
        "are still customers)"
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
        ("Probability of still being a customer", "%", p["p_alive"] * 100, False, "{:.1f}"),
        (
            f"Expected purchases in the next {months} months",
            "purchases",
            p["expected_purchases"],
            True,
            "{:,.1f}",
        ),
    ]
    if models.has_clv:
        rows.append(
            ("Expected spend per purchase", currency, p["expected_average_value"], False, "{:,.0f}")
        )
        rows.append(
            (
                f"Customer lifetime value ({months} months, margin, discounted)",
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
                "Prediction per customer": name,
                "Unit": unit,
                "Mean": fmt.format(np.nanmean(v)),
                "10th percentile": fmt.format(np.nanpercentile(v, 10)),
                "Median": fmt.format(np.nanmedian(v)),
                "90th percentile": fmt.format(np.nanpercentile(v, 90)),
                "All customers": fmt.format(np.nansum(v)) if total else "",
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
    text = (
        f"{gone:,} of {len(p):,} customers ({gone / max(len(p), 1) * 100:.0f} %) have probably "
        "stopped buying; they are where win-back effort pays only if cheap."
    )
    if models.has_clv:
        clv = p["clv"].to_numpy(float)
        mean, median = float(np.nanmean(clv)), float(np.nanmedian(clv))
        text += (
            f" The average customer is worth {format_money(mean, currency)} in margin over the next "
            f"{models.horizon_months} months (discounted), the median one {format_money(median, currency)}"
            + (
                ": a few very valuable customers pull the average up."
                if mean > 1.2 * median
                else "."
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
    frame = pd.DataFrame(
        {
            "Customer": [str(i) for i in top.index],
            "Repeat purchases": top["frequency"].astype("Int64").to_numpy(),
            "Weeks since the last purchase": (top["T"] - top["recency"]).to_numpy(float),
            "Probability still a customer": top["p_alive"].to_numpy(float) * 100,
            "Expected purchases": top["expected_purchases"].to_numpy(float),
            "Lifetime value": top["clv"].to_numpy(float),
        }
    )
    units = {
        "Repeat purchases": "count",
        "Weeks since the last purchase": "weeks",
        "Probability still a customer": "%",
        "Expected purchases": f"next {models.horizon_months} months",
        "Lifetime value": currency,
    }
    formats = {
        "Repeat purchases": "{:,}",
        "Weeks since the last purchase": "{:.1f}",
        "Probability still a customer": "{:.0f}",
        "Expected purchases": "{:.1f}",
        "Lifetime value": "{:,.0f}",
    }
    return TableView(frame, units, formats)
