"""The words of the holdout check: its chart, table and what it means for the forecasts.

Built from :func:`crmkit.domains.clv.holdout_check` (or ``holdout_validation``).
"""

from __future__ import annotations

import pandas as pd

from crmkit.words.formats import TableView, is_missing
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
            "Predicted by the model": rows["predicted_mean"].to_numpy(float),
            "Actual": rows["actual_mean"].to_numpy(float),
        },
        index=pd.Index(list(rows.index), name="repeat purchases in the calibration period"),
    )


def _period(table: pd.DataFrame) -> str:
    cut, end = table.attrs.get("calibration_end"), table.attrs.get("observation_end")
    if cut is None or end is None:
        return "the holdout period"
    return f"{pd.Timestamp(cut) + pd.Timedelta(days=1):%d %b %Y} to {pd.Timestamp(end):%d %b %Y}"


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
    gap = "n/a" if is_missing(error) else f"{error * 100:+.1f} %".replace("-", "−")
    return (
        f"Held-out check: the model predicted {row['predicted_total']:,.0f} repeat purchases, "
        f"{row['actual_total']:,.0f} happened ({gap})"
    )


def validation_view(table: pd.DataFrame) -> TableView:
    """:func:`crmkit.domains.clv.holdout_validation` as a table with units."""
    frame = pd.DataFrame(
        {
            "Repeat purchases in the calibration period": [
                "all customers" if b == "all" else str(b) for b in table.index
            ],
            "Customers": table["customers"].astype("Int64").to_numpy(),
            "Predicted per customer": table["predicted_mean"].to_numpy(float),
            "Actual per customer": table["actual_mean"].to_numpy(float),
            "Predicted in total": table["predicted_total"].to_numpy(float),
            "Actual in total": table["actual_total"].to_numpy(float),
            "Error": table["error_pct"].to_numpy(float) * 100,
            "Correlation per customer": table["correlation"].to_numpy(float),
        }
    )
    units = {
        "Customers": "count",
        "Predicted per customer": "purchases",
        "Actual per customer": "purchases",
        "Predicted in total": "purchases",
        "Actual in total": "purchases",
        "Error": "%",
        "Correlation per customer": "r",
    }
    formats = {
        "Customers": "{:,}",
        "Predicted per customer": "{:.2f}",
        "Actual per customer": "{:.2f}",
        "Predicted in total": "{:,.0f}",
        "Actual in total": "{:,.0f}",
        "Error": "{:+.1f}",
        "Correlation per customer": "{:.2f}",
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
            "no repeat purchases happened in the holdout period to check the model on."
        )
    size = abs(error)
    quality = (
        "can be relied on for planning"
        if size < 0.1 and not is_missing(corr) and corr >= 0.5
        else "are a rough guide only"
        if size < 0.25
        else "should not be relied on"
    )
    ranking = (
        "it ranks customers well"
        if not is_missing(corr) and corr >= 0.5
        else "it ranks customers poorly"
    )
    return what_it_means(
        f"fitted on the earlier orders only, the model forecast the purchases of the "
        f"{int(row['customers']):,} customers in the holdout period ({_period(table)}) within "
        f"{size * 100:.1f} % in total, and {ranking} (correlation {corr:.2f} between predicted and "
        f"actual purchases per customer). Its forecasts of future purchases, and the CLV built "
        f"on them, {quality}."
    )
