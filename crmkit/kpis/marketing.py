"""Observers of the marketing KPIs: the campaign is the unit of observation."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from crmkit.data.config import Control, Window
from crmkit.kpis.definition import Proportion, Rate, Tables
from crmkit.kpis.scope import rows_in_window


def _campaign_sums(
    tables: Tables, window: Window, exclude: Control | None, numerator: str, denominator: str
) -> pd.DataFrame:
    """Per campaign started in the window: numerator and denominator (both known)."""
    rows = rows_in_window(tables, "campaigns", "start_date", window, exclude=exclude)
    if numerator == "net_return":
        top = rows["revenue"] - rows["cost"]
    else:
        top = rows[numerator]
    out = pd.DataFrame(
        {
            "top": top.astype("float64").to_numpy(),
            "bottom": rows[denominator].astype("float64").to_numpy(),
        },
        index=pd.Index(rows["campaign_id"].to_numpy(), name="campaign_id"),
    )
    return out.dropna()


def campaign_proportion(numerator: str, denominator: str) -> Callable[..., Proportion]:
    def observe(tables: Tables, window: Window, *, exclude: Control | None = None) -> Proportion:
        sums = _campaign_sums(tables, window, exclude, numerator, denominator)
        by_unit = sums.round().astype("int64").set_axis(["successes", "n"], axis=1)
        return Proportion(
            successes=int(by_unit["successes"].sum()), n=int(by_unit["n"].sum()), by_unit=by_unit
        )

    return observe


def campaign_ratio(numerator: str, denominator: str) -> Callable[..., Rate]:
    def observe(tables: Tables, window: Window, *, exclude: Control | None = None) -> Rate:
        sums = _campaign_sums(tables, window, exclude, numerator, denominator)
        by_unit = sums.set_axis(["events", "exposure"], axis=1)
        return Rate(
            events=float(by_unit["events"].sum()),
            exposure=float(by_unit["exposure"].sum()),
            per=1.0,
            by_unit=by_unit,
        )

    return observe
