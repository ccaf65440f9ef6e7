"""The ``kpis`` and ``impact`` sections of results.json, from the measured results."""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.data.io import jsonable
from crmkit.measure.control import CONTROL_COLUMNS, ControlAnalysis
from crmkit.measure.placebo_kpis import KpiPlacebo, placebo_block, placebo_columns
from crmkit.measure.time_series import SeriesAnalysis

#: The keys of ``kpis.<name>`` in results.json (DESIGN §3), taken from the result row.
RESULTS_JSON_KEYS = (
    "label",
    "unit",
    "area",
    "perspective",
    "direction",
    "before",
    "after",
    "change",
    "change_pct",
    "test",
    "statistic",
    "p_value",
    "p_adjusted",
    "ci_low",
    "ci_high",
    "effect_size",
    "effect_size_name",
    "n_before",
    "n_after",
    "mde",
    "verdict",
    "change_pct_ci_low",
    "change_pct_ci_high",
    "check_test",
    "check_p_value",
    "interval_method",
    "note",
    "guard",
    "needs",
    *CONTROL_COLUMNS,
)


def kpis_for_results(results: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The ``kpis`` section of results.json from result rows: ``{name: {before, after, …}}``.

    Values are JSON-ready (NaN → None); shares stay fractions. ``placebo`` is the KPI's
    placebo go-lives (:func:`crmkit.measure.placebo_kpis.placebo_block`) where the rows carry
    them.
    """
    section = {}
    for name, row in results.iterrows():
        entry = {key: row.get(key) for key in RESULTS_JSON_KEYS}
        entry["status"] = row["status"]
        if "placebo_status" in row:
            entry["placebo"] = placebo_block(
                status=row["placebo_status"],
                n=row["placebo_n"],
                p_value=row["placebo_p_value"],
                outside=row["placebo_outside"],
                go_lives=row["placebo_go_lives"],
                effects_pct=row["placebo_effects_pct"],
            )
        section[str(name)] = entry
    return jsonable(section)


def impact_summary(
    series: SeriesAnalysis | None, control: ControlAnalysis | None
) -> dict[str, Any]:
    """The ``impact`` section of results.json: the headline time series and control comparison.

    Every number is finite or None. ``time_series``: the model's average monthly effect in the
    KPI's unit (``effect_per_month``, with ``ci_low`` / ``ci_high``) and relative to the
    expected path (``effect_pct``, with ``effect_pct_ci_low`` / ``effect_pct_ci_high``; None when
    a guard withholds it), ``model`` ("linear" or "log-linear"), ``comparative`` (modelled as
    the ratio to the control group) and ``guard``. ``difference_in_differences``: the relative
    effect and its bounds (both None when the data cannot bound it), its p-value (None when
    no valid test exists) and ``guard``.

    Each carries ``placebo``: the same estimate's relative effect at fake go-lives before the
    real one, in the shape of every KPI's block (:func:`crmkit.measure.placebo_kpis.placebo_block`:
    n, p_value, outside, status, reason, effects_pct, go_lives), plus ``history_months`` and
    ``needed_months`` (months of data before go-live, and what the check needs).
    """
    out: dict[str, Any] = {}
    if series is not None:
        row = series.row.iloc[0]
        out["time_series"] = {
            "kpi": series.kpi.name,
            "model": series.model,
            "comparative": series.comparative,
            "effect_per_month": row["change"],
            "effect_pct": row["change_pct"],
            "ci_low": row["ci_low"],
            "ci_high": row["ci_high"],
            "effect_pct_ci_low": row["change_pct_ci_low"],
            "effect_pct_ci_high": row["change_pct_ci_high"],
            "p_value": row["p_value"],
            "months_before": series.its.n_pre,
            "months_after": series.its.n_post,
            "durbin_watson": series.its.durbin_watson,
            "ljung_box_p": series.its.ljung_box_p,
            "guard": series.guard,
        }
        if series.placebo is not None:
            out["time_series"]["placebo"] = impact_placebo_block(series.placebo)
    if control is not None:
        effect, low, high = control.relative_effect
        out["difference_in_differences"] = {
            "kpi": control.kpi.name,
            "unit": control.unit_column,
            "treated_units": list(control.treated_units),
            "control_units": list(control.control_units),
            "effect_pct": effect,
            "ci_low_pct": low,
            "ci_high_pct": high,
            "p_value": control.did.p_value,
            "pre_trend_p": control.did.pre_trend_p,
            "n_clusters": control.did.n_clusters,
            "inference": control.did.inference,
            "guard": control.guard,
        }
        if control.placebo is not None:
            out["difference_in_differences"]["placebo"] = impact_placebo_block(control.placebo)
    return jsonable(out)


def impact_placebo_block(check: KpiPlacebo) -> dict[str, Any]:
    """results.json's ``placebo`` block of an impact design, with the months of history.

    Examples
    --------
    >>> from crmkit.measure.placebo_kpis import KpiPlaceboStatus
    >>> block = impact_placebo_block(
    ...     KpiPlacebo("revenue_monthly", KpiPlaceboStatus.HISTORY_TOO_SHORT, None, 12, 42))
    >>> block["status"], block["n"], block["history_months"], block["needed_months"]
    ('history_too_short', 0, 12, 42)
    """
    columns = placebo_columns(check)
    block = placebo_block(
        status=columns["placebo_status"],
        n=columns["placebo_n"],
        p_value=columns["placebo_p_value"],
        outside=columns["placebo_outside"],
        go_lives=columns["placebo_go_lives"],
        effects_pct=columns["placebo_effects_pct"],
    )
    block["history_months"] = columns["placebo_history_months"]
    block["needed_months"] = columns["placebo_needed_months"]
    return block
