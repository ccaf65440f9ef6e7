"""Plain-language findings generated from before/after results.

A client's manager reads the report, so each KPI's result is also said in words: what the KPI
was before and after go-live, whether the change is larger than chance explains, how large it
is with its confidence interval and, for "no detectable change", the smallest change the data
could have detected. The sentences are generated from the result rows of
:func:`crmkit.measure.measure_kpis` and never contain a number that is not in the row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from crmkit.formats import (
    format_change_pct,
    format_kpi_change,
    format_kpi_value,
    format_p_value,
    is_missing,
)

__all__ = ["area_findings", "describe_change", "verdict_counts"]

VERDICTS = ("improved", "worsened", "no detectable change", "insufficient data")


def _moved(row: Mapping[str, Any]) -> str:
    change = row["change"]
    if is_missing(change) or change == 0:
        return "stayed at"
    return "rose" if change > 0 else "fell"


def describe_change(row: Mapping[str, Any], *, currency: str = "", confidence: float = 0.95) -> str:
    """One KPI's before/after result as one or two plain sentences.

    Parameters
    ----------
    row : mapping
        A result row with at least ``label``, ``unit``, ``before``, ``after``, ``change``,
        ``change_pct``, ``ci_low``, ``ci_high``, ``p_adjusted``, ``mde``, ``verdict`` and
        ``note`` (as :func:`crmkit.measure.measure_kpis` returns them).
    currency : str
        The client's currency code, for money KPIs.
    confidence : float
        The confidence level of the interval (1 − alpha).

    Returns
    -------
    str

    Examples
    --------
    >>> row = {"label": "Win rate", "unit": "share", "before": 0.20, "after": 0.26,
    ...        "change": 0.06, "change_pct": 0.30, "ci_low": 0.045, "ci_high": 0.075,
    ...        "p_adjusted": 0.0001, "mde": 0.012, "verdict": "improved", "note": None}
    >>> print(describe_change(row))
    Win rate rose from 20.0 % to 26.0 % (+6.0 percentage points, +30.0 %; 95 % confidence interval +4.5 to +7.5 percentage points). This is more than chance explains (p < 0.001 after correcting for the number of KPIs tested): an improvement.
    """
    label, unit = str(row["label"]), str(row["unit"])
    verdict = row["verdict"]
    if verdict == "insufficient data":
        reason = row.get("note") or "too few observations in one of the windows"
        return f"{label} could not be compared: {reason}."
    before = format_kpi_value(row["before"], unit, currency)
    after = format_kpi_value(row["after"], unit, currency)
    change = format_kpi_change(row["change"], unit, currency)
    relative = "" if is_missing(row["change_pct"]) else f", {format_change_pct(row['change_pct'])}"
    interval = ""
    if not (is_missing(row["ci_low"]) or is_missing(row["ci_high"])):
        low = format_kpi_change(row["ci_low"], unit, currency)
        high = format_kpi_change(row["ci_high"], unit, currency)
        interval = f"; {confidence * 100:.0f} % confidence interval {_shared_unit(low, high)}"
    p_text = format_p_value(row["p_adjusted"])
    p_text = f"p {p_text}" if p_text.startswith("<") else f"p = {p_text}"
    moved = _moved(row)
    if moved == "stayed at":
        opening = f"{label} stayed at {after}"
    else:
        opening = f"{label} {moved} from {before} to {after}"
    if verdict in ("improved", "worsened"):
        meaning = "an improvement" if verdict == "improved" else "a deterioration"
        return (
            f"{opening} ({change}{relative}{interval}). This is more than chance explains "
            f"({p_text} after correcting for the number of KPIs tested): {meaning}."
        )
    detectable = ""
    if not is_missing(row.get("mde")):
        mde = format_kpi_change(row["mde"], unit, currency).lstrip("+\u2212\u00b1")
        detectable = f" With this much data, a change of about {mde} or more would have been detected."
    return (
        f"{opening} ({change}{relative}{interval}), a difference that chance alone could "
        f"produce ({p_text} after correction): no detectable change.{detectable}"
    )


def _shared_unit(low: str, high: str) -> str:
    """'+4.5 to +7.5 percentage points' rather than repeating the unit on both limits."""
    low_number, _, low_unit = low.partition(" ")
    high_number, _, high_unit = high.partition(" ")
    if low_unit and low_unit == high_unit and not low_number.lstrip("+\u2212\u00b1")[:1].isalpha():
        return f"{low_number} to {high_number} {low_unit}"
    return f"{low} to {high}"


def verdict_counts(results: pd.DataFrame) -> dict[str, int]:
    """How many KPIs got each verdict, in the order improved, worsened, no change, insufficient.

    Examples
    --------
    >>> verdict_counts(pd.DataFrame({"verdict": ["improved", "improved", "worsened"]}))
    {'improved': 2, 'worsened': 1, 'no detectable change': 0, 'insufficient data': 0}
    """
    counts = results["verdict"].value_counts()
    return {v: int(counts.get(v, 0)) for v in VERDICTS}


def area_findings(results: pd.DataFrame, *, area: str, currency: str = "", confidence: float = 0.95) -> str:
    """The findings paragraph of one report area (sales, service …) in markdown.

    Parameters
    ----------
    results : DataFrame
        The area's result rows (see :func:`describe_change` for the columns needed).
    area : str
        How the area is named in the text, e.g. "sales".
    currency : str
        The client's currency code.
    confidence : float
        The confidence level of the intervals.

    Returns
    -------
    str
        A count of verdicts, then one bullet per KPI (improvements and deteriorations first),
        then what it means.
    """
    if results.empty:
        return f"No {area} KPI could be measured with the data provided."
    counts = verdict_counts(results)
    measured = len(results) - counts["insufficient data"]
    parts = [f"{counts['improved']} improved", f"{counts['worsened']} worsened"]
    parts.append(f"{counts['no detectable change']} show no detectable change")
    summary = f"Of the {measured} {area} KPIs that could be compared, " + ", ".join(parts[:-1])
    summary += f" and {parts[-1]}."
    if counts["insufficient data"]:
        summary += f" {counts['insufficient data']} could not be compared."
    order = {v: i for i, v in enumerate(VERDICTS)}
    ranked = results.assign(_order=results["verdict"].map(order)).sort_values("_order", kind="stable")
    bullets = [f"- {describe_change(row, currency=currency, confidence=confidence)}" for _, row in ranked.iterrows()]
    return "\n".join([summary, "", *bullets, "", _meaning(counts, area)])


def _meaning(counts: Mapping[str, int], area: str) -> str:
    improved, worsened = counts["improved"], counts["worsened"]
    if improved and not worsened:
        text = (
            f"**What it means:** {area.capitalize()} performance is measurably better after go-live "
            "on the KPIs marked improved. A before/after comparison alone does not prove that the "
            "CRM caused it; the comparison with units that did not get the CRM (where the data "
            "has one) and the limits listed in the impact overview say how far it can be credited."
        )
    elif worsened and not improved:
        text = (
            f"**What it means:** {area.capitalize()} performance is measurably worse after "
            "go-live on the KPIs marked worsened; find out why before crediting the CRM with value "
            "in this area."
        )
    elif improved and worsened:
        text = (
            f"**What it means:** the picture in {area} is mixed: some KPIs improved and others "
            "worsened after go-live. Look at the worsened ones first; they may be the price of "
            "the changes that improved the others, or a separate problem."
        )
    else:
        text = (
            f"**What it means:** no {area} KPI changed by more than chance explains. Either the "
            "CRM has not moved these KPIs yet, or its effect is smaller than this data can detect "
            "(the smallest detectable change is given for each)."
        )
    return text
