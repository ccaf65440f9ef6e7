"""The words of the holdout check: its chart, table and what it means for the forecasts.

Built from :func:`crmkit.domains.clv.holdout_check` (or ``holdout_validation``).
"""

from __future__ import annotations

import pandas as pd

from crmkit.words.formats import TableView, is_missing
from crmkit.words.language import tr
from crmkit.words.phrases import what_it_means

__all__ = ["validation_frame", "validation_text", "validation_title", "validation_view"]


def validation_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The holdout check as :func:`crmkit.report.plots.grouped_bar_chart` draws it.

    Returns
    -------
    pandas.DataFrame
        Index: calibration-period repeat purchases ("0", …, "7+"); columns "Predicted by the
        model" and "Actual": mean repeat purchases per customer in the holdout.
    """
    rows = table.drop(index="all", errors="ignore")
    return pd.DataFrame(
        {
            tr("Predicted by the model"): rows["predicted_mean"].to_numpy(float),
            tr("Actual"): rows["actual_mean"].to_numpy(float),
        },
        index=pd.Index(list(rows.index), name="repeat purchases in the calibration period"),
    )


def _period(table: pd.DataFrame) -> str:
    cut, end = table.attrs.get("calibration_end"), table.attrs.get("observation_end")
    if cut is None or end is None:
        return tr("the holdout period")
    start = pd.Timestamp(cut) + pd.Timedelta(days=1)
    return tr("{start} to {end}", start=_date(start), end=_date(pd.Timestamp(end)))


def _date(day: pd.Timestamp) -> str:
    """A day as the texts write it: "01 Mar 2025".

    Examples
    --------
    >>> _date(pd.Timestamp("2025-03-01"))
    '01 Mar 2025'
    """
    months = (
        tr("Jan"),
        tr("Feb"),
        tr("Mar"),
        tr("Apr"),
        tr("May"),
        tr("Jun"),
        tr("Jul"),
        tr("Aug"),
        tr("Sep"),
        tr("Oct"),
        tr("Nov"),
        tr("Dec"),
    )
    return tr(
        "{day} {month} {year}", day=f"{day:%d}", month=months[day.month - 1], year=f"{day:%Y}"
    )


def validation_title(table: pd.DataFrame) -> str:
    """The holdout chart's title: predicted against observed repeat purchases in total.

    Examples
    --------
    >>> t = pd.DataFrame({"predicted_total": [63740.6], "actual_total": [64648.0],
    ...                   "error_pct": [-0.014]}, index=pd.Index(["all"], name="bucket"))
    >>> validation_title(t)
    'Held-out check: the model predicted 63,741 repeat purchases, 64,648 happened (−1.4 %)'
    """
    row = table.loc["all"]
    error = row["error_pct"]
    gap = tr("n/a") if is_missing(error) else f"{error * 100:+.1f} %".replace("-", "−")
    return tr(
        "Held-out check: the model predicted {predicted} repeat purchases, {actual} happened "
        "({gap})",
        predicted=f"{row['predicted_total']:,.0f}",
        actual=f"{row['actual_total']:,.0f}",
        gap=gap,
    )


def validation_view(table: pd.DataFrame) -> TableView:
    """:func:`crmkit.domains.clv.holdout_validation` as a table with units."""
    customers, predicted, actual = (
        tr("Customers"),
        tr("Predicted per customer"),
        tr("Actual per customer"),
    )
    predicted_total, actual_total = tr("Predicted in total"), tr("Actual in total")
    error, correlation = tr("Error"), tr("Correlation per customer")
    frame = pd.DataFrame(
        {
            tr("Repeat purchases in the calibration period"): [
                tr("all customers") if b == "all" else str(b) for b in table.index
            ],
            customers: table["customers"].astype("Int64").to_numpy(),
            predicted: table["predicted_mean"].to_numpy(float),
            actual: table["actual_mean"].to_numpy(float),
            predicted_total: table["predicted_total"].to_numpy(float),
            actual_total: table["actual_total"].to_numpy(float),
            error: table["error_pct"].to_numpy(float) * 100,
            correlation: table["correlation"].to_numpy(float),
        }
    )
    purchases = tr("purchases")
    units = {
        customers: tr("count"),
        predicted: purchases,
        actual: purchases,
        predicted_total: purchases,
        actual_total: purchases,
        error: "%",
        correlation: "r",
    }
    formats = {
        customers: "{:,}",
        predicted: "{:.2f}",
        actual: "{:.2f}",
        predicted_total: "{:,.0f}",
        actual_total: "{:,.0f}",
        error: "{:+.1f}",
        correlation: "{:.2f}",
    }
    return TableView(frame, units, formats)


def validation_text(table: pd.DataFrame) -> str:
    """The "What it means" paragraph for the holdout check: can the model's forecasts be trusted?

    Examples
    --------
    >>> t = pd.DataFrame({"predicted_total": [63740.5], "actual_total": [64648.0],
    ...     "error_pct": [-0.014], "correlation": [0.81], "customers": [15333]},
    ...     index=pd.Index(["all"], name="bucket"))
    >>> print(validation_text(t))
    **What it means:** fitted on the earlier orders only, the model forecast the purchases of the 15,333 customers in the holdout period (the holdout period) within 1.4 % in total, and it ranks customers well (correlation 0.81 between predicted and actual purchases per customer). Its forecasts of future purchases, and the CLV built on them, can be relied on for planning.
    """
    row = table.loc["all"]
    error, corr = row["error_pct"], row["correlation"]
    if is_missing(error):
        return what_it_means(
            tr("no repeat purchases happened in the holdout period to check the model on.")
        )
    size = abs(error)
    ranks_well = not is_missing(corr) and corr >= 0.5
    fields = {
        "customers": f"{int(row['customers']):,}",
        "period": _period(table),
        "error": f"{size * 100:.1f}",
        "correlation": f"{corr:.2f}",
    }
    forecast = (
        tr(
            "fitted on the earlier orders only, the model forecast the purchases of the "
            "{customers} customers in the holdout period ({period}) within {error} % in total, "
            "and it ranks customers well (correlation {correlation} between predicted and "
            "actual purchases per customer).",
            **fields,
        )
        if ranks_well
        else tr(
            "fitted on the earlier orders only, the model forecast the purchases of the "
            "{customers} customers in the holdout period ({period}) within {error} % in total, "
            "and it ranks customers poorly (correlation {correlation} between predicted and "
            "actual purchases per customer).",
            **fields,
        )
    )
    quality = (
        tr(
            " Its forecasts of future purchases, and the CLV built on them, can be relied on "
            "for planning."
        )
        if size < 0.1 and ranks_well
        else tr(
            " Its forecasts of future purchases, and the CLV built on them, are a rough guide only."
        )
        if size < 0.25
        else tr(
            " Its forecasts of future purchases, and the CLV built on them, should not be "
            "relied on."
        )
    )
    return what_it_means(forecast + quality)
