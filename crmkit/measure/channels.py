"""The contact-channel mix and each campaign's response, before and after go-live."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crmkit import kpis
from crmkit.data.config import Assessment
from crmkit.stats import impact


def channel_mix(
    tables: Mapping[str, pd.DataFrame], assessment: Assessment, *, table: str = "tickets"
) -> pd.DataFrame | None:
    """The contact-channel mix before and after go-live, tested (CRM units only).

    Returns
    -------
    DataFrame or None
        :data:`crmkit.stats.impact.DISTRIBUTION_COLUMNS`, one row per channel; None when the table
        is absent or has no channel column.
    """
    frame = tables.get(table)
    if frame is None or "channel" not in frame or frame["channel"].isna().all():
        return None
    counts = [
        kpis.channel_counts(tables, window, exclude=assessment.control, table=table)
        for window in (assessment.before, assessment.after)
    ]
    return impact.compare_distributions(*counts, alpha=assessment.stats.alpha)


def campaign_responses(tables: Mapping[str, pd.DataFrame], assessment: Assessment) -> pd.DataFrame:
    """Each campaign of the two windows with its response rate, in start order.

    Returns
    -------
    DataFrame
        ``campaign_id``, ``start_date``, ``after`` (started on or after go-live), ``contacts``,
        ``responses``, ``response_rate`` (fraction; NaN without contacts).
    """
    c = tables["campaigns"]
    c = c.loc[assessment.window.contains(c["start_date"])].sort_values("start_date", kind="stable")

    def counts(column: str) -> pd.Series:
        return c[column].astype("float64") if column in c else pd.Series(np.nan, index=c.index)

    contacts, responses = counts("contacts"), counts("responses")
    return pd.DataFrame(
        {
            "campaign_id": c["campaign_id"].astype(str),
            "start_date": c["start_date"],
            "after": c["start_date"] >= pd.Timestamp(assessment.go_live_date),
            "contacts": contacts,
            "responses": responses,
            "response_rate": responses / contacts.where(contacts > 0),
        }
    ).reset_index(drop=True)
