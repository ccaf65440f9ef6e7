"""The satisfaction stage's figures for results.json (``customers.satisfaction``)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmkit.data.io import jsonable
from crmkit.domains.survey.reliability import alpha_reading

__all__ = ["satisfaction_record"]


def satisfaction_record(
    *,
    changes: pd.DataFrame | None = None,
    windows: pd.DataFrame | None = None,
    by_group: dict[str, pd.DataFrame] | None = None,
    representativeness: pd.DataFrame | str | None = None,
    representativeness_message: str | None = None,
    scales: dict[str, pd.DataFrame] | None = None,
    counts: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The satisfaction figures for results.json (``customers.satisfaction``).

    Parameters
    ----------
    changes : pandas.DataFrame, optional
        :func:`survey_changes`.
    windows : pandas.DataFrame, optional
        :func:`nps_windows`.
    by_group : dict, optional
        Grouping column → :func:`nps_by_window` table.
    representativeness : pandas.DataFrame or str, optional
        :func:`~crmkit.domains.survey.representativeness.representativeness` (a reason string
        records nothing).
    representativeness_message : str, optional
        Its sentence (:func:`crmkit.words.survey.representativeness_message`), recorded as
        ``message``.
    scales : dict, optional
        Scale prefix → :func:`cronbach_alpha` row.
    counts : pandas.DataFrame, optional
        :func:`response_counts`.

    Returns
    -------
    dict
        JSON-able (NaN → None): ``nps`` {``before``, ``after`` (each ``nps``, ``se``,
        ``ci_low``, ``ci_high``, ``n``, the three shares), ``change``, ``change_ci_low``,
        ``change_ci_high``, ``p_value``}; ``csat_top2_share``, ``csat_mean``, ``ces`` {``before``,
        ``after``, ``change``, ``ci_low``, ``ci_high``, ``p_value``, ``n_before``,
        ``n_after``}; ``nps_by_<column>`` {group: {``nps``, ``ci_low``, ``ci_high``, ``n``}};
        ``representativeness`` {``variable``, ``n``, ``chi_square``, ``df``, ``p_value``,
        ``cohens_w``, ``too_small``, ``unrepresentative``, ``flag``, ``message``};
        ``reliability`` {scale: {``cronbach_alpha``, ``ci_low``, ``ci_high``, ``items``,
        ``n``, ``reading``}}; ``responses`` {window: {``responses``, ``respondents``}}.
    """
    out: dict[str, Any] = {}
    if windows is not None:
        nps_part: dict[str, Any] = {}
        for row in windows.to_dict("records"):
            nps_part[row["window"]] = {
                k: row[k]
                for k in (
                    "nps",
                    "se",
                    "ci_low",
                    "ci_high",
                    "n",
                    "promoter_share",
                    "passive_share",
                    "detractor_share",
                )
            }
        out["nps"] = nps_part
    if changes is not None:
        for row in changes.to_dict("records"):
            part = {
                "before": row["before"],
                "after": row["after"],
                "change": row["change"],
                "ci_low": row["ci_low"],
                "ci_high": row["ci_high"],
                "p_value": row["p_value"],
                "test": row["test"],
                "n_before": row["n_before"],
                "n_after": row["n_after"],
            }
            if row["kpi"] == "nps":
                out.setdefault("nps", {}).update(
                    {
                        "change": row["change"],
                        "change_ci_low": row["ci_low"],
                        "change_ci_high": row["ci_high"],
                        "p_value": row["p_value"],
                        "test": row["test"],
                    }
                )
            else:
                out[row["kpi"]] = part
    for column, table in (by_group or {}).items():
        out[f"nps_by_{column}"] = {
            str(r[column]): {
                "nps": r["nps"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "n": r["n"],
            }
            for r in table.to_dict("records")
        }
    if isinstance(representativeness, pd.DataFrame) and len(representativeness):
        r = representativeness.iloc[0]
        out["representativeness"] = {
            "variable": r["variable"],
            "n": r["n"],
            "chi_square": r["statistic"],
            "df": r["df"],
            "p_value": r["p_value"],
            "cohens_w": r["effect_size"],
            "too_small": bool(r["too_small"]),
            "unrepresentative": bool(r["unrepresentative"]),
            "flag": bool(r["flag"]),
            "message": representativeness_message,
        }
    if scales:
        out["reliability"] = {
            prefix: {
                "cronbach_alpha": float(row["alpha"].iloc[0]),
                "ci_low": float(row["ci_low"].iloc[0]),
                "ci_high": float(row["ci_high"].iloc[0]),
                "items": int(row["k"].iloc[0]),
                "n": int(row["n"].iloc[0]),
                "reading": alpha_reading(float(row["alpha"].iloc[0])),
            }
            for prefix, row in scales.items()
        }
    if counts is not None:
        out["responses"] = {
            r["window"]: {"responses": r["responses"], "respondents": r["respondents"]}
            for r in counts.to_dict("records")
        }
    return jsonable(out)
