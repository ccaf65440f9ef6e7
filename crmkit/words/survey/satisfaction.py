"""CSAT and CES in words, and the response counts as a table."""

from __future__ import annotations

import pandas as pd

from crmkit.data.verdicts import Verdict
from crmkit.domains.survey.changes import row_verdict
from crmkit.domains.survey.satisfaction import CSAT_SHARES
from crmkit.words.formats import TableView, format_signed
from crmkit.words.language import tr
from crmkit.words.phrases import what_it_means
from crmkit.words.quality.terms import joined_sentences, lowercase_first
from crmkit.words.survey.fragments import interval_column, window_label

__all__ = ["counts_view", "csat_mix", "csat_text", "csat_view"]


def _csat_groups() -> list[str]:
    """The names of the CSAT answer groups of :data:`CSAT_SHARES`, in its order."""
    return [tr("Satisfied (4–5)"), tr("Neutral (3)"), tr("Dissatisfied (1–2)")]


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
        return pd.DataFrame(columns=_csat_groups())
    index = [window_label(w, int(n)) for w, n in zip(shares["window"], shares["n"], strict=True)]
    return pd.DataFrame(
        shares[list(CSAT_SHARES)].to_numpy(float),
        columns=_csat_groups(),
        index=pd.Index(index, name="window"),
    )


def csat_view(windows: pd.DataFrame) -> TableView:
    """:func:`csat_windows` as a table with units."""
    csat_n, satisfied = tr("CSAT answers"), tr("Satisfied (4–5)")
    satisfied_ci = tr("Satisfied, confidence interval")
    csat_mean, csat_ci = tr("CSAT mean"), tr("CSAT mean, confidence interval")
    ces_n, ces_mean, ces_ci = tr("CES answers"), tr("CES mean"), tr("CES mean, confidence interval")
    frame = pd.DataFrame(
        {
            tr("Window"): [window_label(w) for w in windows["window"]],
            csat_n: windows["csat_n"].astype("Int64"),
            satisfied: windows["top2_share"].to_numpy(float) * 100,
            satisfied_ci: interval_column(
                windows["top2_ci_low"], windows["top2_ci_high"], scale=100
            ),
            csat_mean: windows["csat_mean"].to_numpy(float),
            csat_ci: interval_column(
                windows["csat_mean_ci_low"], windows["csat_mean_ci_high"], "{:.2f}"
            ),
            ces_n: windows["ces_n"].astype("Int64"),
            ces_mean: windows["ces_mean"].to_numpy(float),
            ces_ci: interval_column(windows["ces_ci_low"], windows["ces_ci_high"], "{:.2f}"),
        }
    )
    units = {
        csat_n: tr("count"),
        satisfied: "%",
        satisfied_ci: "%",
        csat_mean: tr("score 1–5"),
        csat_ci: tr("score 1–5"),
        ces_n: tr("count"),
        ces_mean: tr("score 1–7, higher = easier"),
        ces_ci: tr("score 1–7"),
    }
    formats = {
        csat_n: "{:,}",
        satisfied: "{:.1f}",
        csat_mean: "{:.2f}",
        ces_n: "{:,}",
        ces_mean: "{:.2f}",
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
        change = format_signed(r["change"], 100)
        if v == Verdict.INSUFFICIENT:
            sentences.append(tr("there are too few CSAT answers to compare the two windows."))
        elif v == Verdict.IMPROVED:
            sentences.append(
                tr(
                    "more customers are satisfied with what they bought since go-live ({change} "
                    "percentage points rate it 4 or 5), more than chance explains.",
                    change=change,
                )
            )
        elif v == Verdict.WORSENED:
            sentences.append(
                tr(
                    "fewer customers are satisfied with what they bought since go-live ({change} "
                    "percentage points rate it 4 or 5), more than chance explains.",
                    change=change,
                )
            )
        else:
            sentences.append(
                tr(
                    "the share of satisfied customers has not changed detectably since go-live "
                    "({change} percentage points).",
                    change=change,
                )
            )
    if "ces" in rows:
        r = rows["ces"]
        v = row_verdict(r, alpha)
        change = format_signed(r["change"])
        if v == Verdict.IMPROVED:
            sentences.append(
                tr(
                    "Customers find it easier to deal with the company since go-live (CES "
                    "{change} points on the 1–7 scale).",
                    change=change,
                )
            )
        elif v == Verdict.WORSENED:
            sentences.append(
                tr(
                    "Customers find it harder to deal with the company since go-live (CES "
                    "{change} points on the 1–7 scale).",
                    change=change,
                )
            )
        elif v == Verdict.NO_CHANGE:
            sentences.append(
                tr(
                    "How easy customers find it to deal with the company has not changed "
                    "detectably."
                )
            )
    if not sentences:
        return what_it_means(tr("the survey has no CSAT or CES answers to compare."))
    return what_it_means(lowercase_first(joined_sentences(sentences)))


def counts_view(counts: pd.DataFrame) -> TableView:
    """:func:`response_counts` as a table with units."""
    window = tr("Window")
    frame = pd.DataFrame(
        {
            window: [window_label(w) for w in counts["window"]],
            tr("Responses"): counts["responses"].astype("Int64"),
            tr("Customers who answered"): counts["respondents"].astype("Float64").astype("Int64"),
            tr("NPS answers"): counts["nps_answers"].astype("Int64"),
            tr("CSAT answers"): counts["csat_answers"].astype("Int64"),
            tr("CES answers"): counts["ces_answers"].astype("Int64"),
        }
    )
    numbers = [c for c in frame.columns if c != window]
    return TableView(frame, dict.fromkeys(numbers, tr("count")), dict.fromkeys(numbers, "{:,}"))
