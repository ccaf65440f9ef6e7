"""CSAT and CES in words, and the response counts as a table."""

from __future__ import annotations

import pandas as pd

from crmkit.data.verdicts import CLAIMED, Verdict
from crmkit.domains.survey.changes import row_verdict
from crmkit.domains.survey.satisfaction import CSAT_SHARES
from crmkit.words.formats import TableView, format_signed
from crmkit.words.phrases import what_it_means
from crmkit.words.survey.fragments import interval_column, window_label

__all__ = ["counts_view", "csat_mix", "csat_text", "csat_view"]

#: The CSAT answer groups of :func:`crmkit.domains.survey.satisfaction.csat_shares`.
_CSAT_GROUPS = dict(
    zip(CSAT_SHARES, ("Satisfied (4–5)", "Neutral (3)", "Dissatisfied (1–2)"), strict=True)
)


def csat_mix(shares: pd.DataFrame) -> pd.DataFrame:
    """Satisfied (4–5), neutral (3) and dissatisfied (1–2) CSAT answers per window, for a chart.

    Parameters
    ----------
    shares : pandas.DataFrame
        :func:`crmkit.domains.survey.satisfaction.csat_shares`.

    Returns
    -------
    pandas.DataFrame
        Index: the window with its number of answers; columns "Satisfied (4–5)", "Neutral (3)",
        "Dissatisfied (1–2)" as fractions (NaN without answers). Empty without a csat column.

    Examples
    --------
    >>> shares = pd.DataFrame({"window": ["before"], "n": [4], "satisfied_share": [0.5],
    ...                        "neutral_share": [0.25], "dissatisfied_share": [0.25]})
    >>> csat_mix(shares).to_dict("index")
    {'Before go-live (n = 4)': {'Satisfied (4–5)': 0.5, 'Neutral (3)': 0.25, 'Dissatisfied (1–2)': 0.25}}
    """
    if shares.empty:
        return pd.DataFrame(columns=list(_CSAT_GROUPS.values()))
    index = [window_label(w, int(n)) for w, n in zip(shares["window"], shares["n"], strict=True)]
    return pd.DataFrame(
        shares[list(CSAT_SHARES)].to_numpy(float),
        columns=list(_CSAT_GROUPS.values()),
        index=pd.Index(index, name="window"),
    )


def csat_view(windows: pd.DataFrame) -> TableView:
    """:func:`csat_windows` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [window_label(w) for w in windows["window"]],
            "CSAT answers": windows["csat_n"].astype("Int64"),
            "Satisfied (4–5)": windows["top2_share"].to_numpy(float) * 100,
            "Satisfied, confidence interval": interval_column(
                windows["top2_ci_low"], windows["top2_ci_high"], scale=100
            ),
            "CSAT mean": windows["csat_mean"].to_numpy(float),
            "CSAT mean, confidence interval": interval_column(
                windows["csat_mean_ci_low"], windows["csat_mean_ci_high"], "{:.2f}"
            ),
            "CES answers": windows["ces_n"].astype("Int64"),
            "CES mean": windows["ces_mean"].to_numpy(float),
            "CES mean, confidence interval": interval_column(
                windows["ces_ci_low"], windows["ces_ci_high"], "{:.2f}"
            ),
        }
    )
    units = {
        "CSAT answers": "count",
        "Satisfied (4–5)": "%",
        "Satisfied, confidence interval": "%",
        "CSAT mean": "score 1–5",
        "CSAT mean, confidence interval": "score 1–5",
        "CES answers": "count",
        "CES mean": "score 1–7, higher = easier",
        "CES mean, confidence interval": "score 1–7",
    }
    formats = {
        "CSAT answers": "{:,}",
        "Satisfied (4–5)": "{:.1f}",
        "CSAT mean": "{:.2f}",
        "CES answers": "{:,}",
        "CES mean": "{:.2f}",
    }
    return TableView(frame, units, formats)


def csat_text(changes: pd.DataFrame, *, alpha: float = 0.05) -> str:
    """The "What it means" paragraph for CSAT and CES before and after go-live.

    Parameters
    ----------
    changes : pandas.DataFrame
        Rows with ``kpi`` ("csat_top2_share", "ces"), ``change`` and either ``verdict`` (the
        KPI results of :func:`crmkit.measure.measure_kpis`, reset to a column) or
        ``p_value`` (:func:`survey_changes`).
    alpha : float
        Significance level for rows without a verdict.

    Examples
    --------
    >>> c = pd.DataFrame({"kpi": ["csat_top2_share", "ces"], "change": [0.05, -0.05],
    ...                   "verdict": ["improved", "no detectable change"]})
    >>> print(csat_text(c))
    **What it means:** more customers are satisfied with what they bought since go-live (+5.0 percentage points rate it 4 or 5), more than chance explains. How easy customers find it to deal with the company has not changed detectably.
    """
    rows = {r["kpi"]: r for r in changes.to_dict("records")}
    sentences = []

    if "csat_top2_share" in rows:
        r = rows["csat_top2_share"]
        v = row_verdict(r, alpha)
        if v == Verdict.INSUFFICIENT:
            sentences.append("there are too few CSAT answers to compare the two windows.")
        elif v in CLAIMED:
            more = "more" if v == Verdict.IMPROVED else "fewer"
            sentences.append(
                f"{more} customers are satisfied with what they bought since go-live "
                f"({format_signed(r['change'], 100)} percentage points rate it 4 or 5), more than chance "
                "explains."
            )
        else:
            sentences.append(
                "the share of satisfied customers has not changed detectably since go-live "
                f"({format_signed(r['change'], 100)} percentage points)."
            )
    if "ces" in rows:
        r = rows["ces"]
        v = row_verdict(r, alpha)
        if v in CLAIMED:
            way = "easier" if v == Verdict.IMPROVED else "harder"
            sentences.append(
                f"Customers find it {way} to deal with the company since go-live (CES "
                f"{format_signed(r['change'])} points on the 1–7 scale)."
            )
        elif v == Verdict.NO_CHANGE:
            sentences.append(
                "How easy customers find it to deal with the company has not changed detectably."
            )
    if not sentences:
        return what_it_means("the survey has no CSAT or CES answers to compare.")
    text = " ".join(sentences)
    return what_it_means(text[0].lower() + text[1:])


def counts_view(counts: pd.DataFrame) -> TableView:
    """:func:`response_counts` as a table with units."""
    frame = pd.DataFrame(
        {
            "Window": [window_label(w) for w in counts["window"]],
            "Responses": counts["responses"].astype("Int64"),
            "Customers who answered": counts["respondents"].astype("Float64").astype("Int64"),
            "NPS answers": counts["nps_answers"].astype("Int64"),
            "CSAT answers": counts["csat_answers"].astype("Int64"),
            "CES answers": counts["ces_answers"].astype("Int64"),
        }
    )
    numbers = [c for c in frame.columns if c != "Window"]
    return TableView(frame, dict.fromkeys(numbers, "count"), dict.fromkeys(numbers, "{:,}"))
