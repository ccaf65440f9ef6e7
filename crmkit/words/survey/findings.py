"""The survey's results in one paragraph, with the limits of a survey as evidence."""

from __future__ import annotations

import pandas as pd

from crmkit.data.verdicts import Verdict
from crmkit.domains.survey.reliability import ACCEPTABLE_ALPHA, alpha_reading
from crmkit.domains.survey.responses import SMALL_SAMPLE
from crmkit.stats.primitives import check_alpha
from crmkit.words.formats import (
    format_number,
    format_p_statement,
    format_percent,
    format_signed,
    is_missing,
)
from crmkit.words.language import term, tr
from crmkit.words.notes import shown_notes
from crmkit.words.phrases import Findings
from crmkit.words.quality.terms import joined_sentences, lowercase_first
from crmkit.words.survey.fragments import interval_text, listed, moved
from crmkit.words.survey.respondents import representativeness_message

__all__ = ["SurveyFindings", "survey_findings"]


SurveyFindings = Findings
"""The survey's findings: a paragraph and its limitations (:class:`crmkit.words.phrases.Findings`)."""


def survey_findings(
    changes: pd.DataFrame,
    *,
    representativeness: pd.DataFrame | None = None,
    reliability: pd.DataFrame | None = None,
    scale_name: str = "loyalty scale",
    alpha: float = 0.05,
    has_control_group: bool = True,
) -> SurveyFindings:
    """The survey results in plain words: a paragraph and a list of limitations.

    Parameters
    ----------
    changes : pandas.DataFrame
        The rows of :func:`survey_changes` (``kpi`` and the comparison columns).
    representativeness : pandas.DataFrame, optional
        The result of :func:`representativeness`.
    reliability : pandas.DataFrame, optional
        The result of :func:`cronbach_alpha` for the scale named ``scale_name``.
    scale_name : str, default "loyalty scale"
        How the multi-item scale is called in the text.
    alpha : float, default 0.05
        Significance level used in the words ("rose", "no detectable change") and the
        confidence level of the intervals quoted (1 − alpha). The p-values are the rows'
        own, not corrected across KPIs.
    has_control_group : bool, default True
        Whether the comparisons left out a control group (only changes the limitations).

    Returns
    -------
    SurveyFindings
        ``paragraph``: a few sentences on NPS level and change, CSAT, CES, the sample sizes,
        representativeness and scale reliability; ``limitations``: one sentence per caveat.

    Notes
    -----
    Every number in the text comes from the inputs, rounded only here: NPS to 0.1 point,
    shares to 0.1 percentage point, p-values as :func:`crmkit.words.formats.format_p_value`.

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. HBR 81(12), 46–54.

    Examples
    --------
    >>> changes = pd.DataFrame({"kpi": ["nps"], "before": [20.0], "after": [28.0],
    ...     "change": [8.0], "ci_low": [2.0], "ci_high": [14.0], "p_value": [0.009],
    ...     "n_before": [900], "n_after": [950], "note": [None]})
    >>> survey_findings(changes).paragraph
    'The Net Promoter Score rose from 20.0 to 28.0 (+8.0 points; 95 % confidence interval +2.0 to +14.0; p = 0.009; 900 and 950 answers before and after go-live).'
    """
    check_alpha(alpha)
    confidence = 1 - alpha
    by_kpi = {row["kpi"]: row for row in changes.to_dict("records")}
    sentences: list[str] = []
    limitations: list[str] = []
    row = by_kpi.get("nps")
    if row is not None:
        sentences.append(_nps_sentence(row, alpha))
    row = by_kpi.get("csat_top2_share")
    if row is not None and not is_missing(row["p_value"]):
        sentences.append(_csat_sentence(row, alpha))
    row = by_kpi.get("ces")
    if row is not None and not is_missing(row["p_value"]):
        sentences.append(_ces_sentence(row, alpha))
    small = [
        r for r in by_kpi.values() if min(int(r["n_before"]), int(r["n_after"])) < SMALL_SAMPLE
    ]
    if small:
        counts = [
            tr(
                "{kpi} ({n_before} before, {n_after} after)",
                kpi=term(r["kpi"]),
                n_before=r["n_before"],
                n_after=r["n_after"],
            )
            for r in small
        ]
        limitations.append(
            tr(
                "Few answers: {counts} rest on fewer than 30 answers in a window, so their "
                "intervals are wide and rough.",
                counts=listed(counts),
            )
        )
    flat = [
        term(r["kpi"])
        for r in by_kpi.values()
        if not is_missing(r["p_value"]) and r["p_value"] >= alpha
    ]
    if flat:
        limitations.append(
            tr(
                "No detectable change is not proof of no change: for {kpis} the data could only "
                "have detected changes at least as large as the minimum detectable effect.",
                kpis=listed(flat),
            )
        )
    if representativeness is not None and len(representativeness):
        message = representativeness_message(representativeness)
        sentences.append(message)
        if bool(representativeness["flag"].iloc[0]):
            limitations.append(
                tr(
                    "The respondents may not represent the customer base: {message}",
                    message=lowercase_first(message),
                )
            )
    if reliability is not None and len(reliability):
        sentences.extend(_reliability_sentences(reliability, scale_name, confidence, limitations))
    limitations.append(
        tr(
            "Survey answers come from customers who chose to answer, usually after a purchase; "
            "customers who left or never bought are missing, which flatters the scores."
        )
    )
    if not has_control_group:
        limitations.append(
            tr(
                "Without a control group the changes are before-after only: anything else that "
                "changed at go-live is mixed into them."
            )
        )
    limitations.append(
        tr(
            "The p-values here are not corrected for the number of KPIs tested; the impact "
            "overview corrects them across the whole family."
        )
    )
    return SurveyFindings(joined_sentences(sentences), limitations)


def _nps_sentence(row: dict, alpha: float) -> str:
    """The NPS before and after go-live, with its change, interval, p-value and answers."""
    verdict = moved(row, alpha)
    if verdict is None:
        return tr(
            "The Net Promoter Score could not be compared before and after go-live ({reason}).",
            reason=shown_notes(row) or tr("too few answers"),
        )
    fields = {
        "before": f"{row['before']:.1f}",
        "after": f"{row['after']:.1f}",
        "change": format_signed(row["change"]),
        "interval": interval_text(row["ci_low"], row["ci_high"], format_signed, 1 - alpha),
        "p": format_p_statement(row["p_value"]),
        "n_before": f"{row['n_before']:,}",
        "n_after": f"{row['n_after']:,}",
    }
    if verdict == Verdict.IMPROVED:
        return tr(
            "The Net Promoter Score rose from {before} to {after} ({change} points; {interval}; "
            "{p}; {n_before} and {n_after} answers before and after go-live).",
            **fields,
        )
    if verdict == Verdict.WORSENED:
        return tr(
            "The Net Promoter Score fell from {before} to {after} ({change} points; {interval}; "
            "{p}; {n_before} and {n_after} answers before and after go-live).",
            **fields,
        )
    return tr(
        "The Net Promoter Score shows no detectable change: it went from {before} to {after} "
        "({change} points; {interval}; {p}; {n_before} and {n_after} answers before and after "
        "go-live).",
        **fields,
    )


def _csat_sentence(row: dict, alpha: float) -> str:
    """The share of satisfied customers before and after go-live."""
    verdict = moved(row, alpha)
    fields = {
        "before": format_percent(row["before"]),
        "after": format_percent(row["after"]),
        "change": format_signed(row["change"], 100),
        "interval": interval_text(
            row["ci_low"], row["ci_high"], lambda v: format_signed(v, 100), 1 - alpha
        ),
        "p": format_p_statement(row["p_value"]),
    }
    if verdict == Verdict.IMPROVED:
        return tr(
            "The share of satisfied customers (CSAT 4–5) rose from {before} to {after} "
            "({change} percentage points; {interval}; {p}).",
            **fields,
        )
    if verdict == Verdict.WORSENED:
        return tr(
            "The share of satisfied customers (CSAT 4–5) fell from {before} to {after} "
            "({change} percentage points; {interval}; {p}).",
            **fields,
        )
    return tr(
        "The share of satisfied customers (CSAT 4–5) shows no detectable change: it went from "
        "{before} to {after} ({change} percentage points; {interval}; {p}).",
        **fields,
    )


def _ces_sentence(row: dict, alpha: float) -> str:
    """The Customer Effort Score before and after go-live."""
    verdict = moved(row, alpha)
    fields = {
        "before": format_number(row["before"]),
        "after": format_number(row["after"]),
        "p": format_p_statement(row["p_value"]),
    }
    if verdict == Verdict.IMPROVED:
        return tr(
            "The Customer Effort Score (1–7, higher = easier) rose from {before} to {after} ({p}).",
            **fields,
        )
    if verdict == Verdict.WORSENED:
        return tr(
            "The Customer Effort Score (1–7, higher = easier) fell from {before} to {after} ({p}).",
            **fields,
        )
    return tr(
        "The Customer Effort Score (1–7, higher = easier) shows no detectable change: it went "
        "from {before} to {after} ({p}).",
        **fields,
    )


def _reliability_sentences(
    reliability: pd.DataFrame, scale_name: str, confidence: float, limitations: list[str]
) -> list[str]:
    """The scale's reliability in a sentence; a limitation added when it is below 0.7."""
    value = float(reliability["alpha"].iloc[0])
    if is_missing(value):
        return [tr("The reliability of the {scale} could not be estimated.", scale=scale_name)]
    reading = term(str(alpha_reading(value)))
    sentence = tr(
        "The {scale} is {reading} in reliability: Cronbach's alpha {alpha} ({level} % "
        "confidence interval {low} to {high}; {k} items, {n} respondents).",
        scale=scale_name,
        reading=reading,
        alpha=f"{value:.2f}",
        level=f"{confidence * 100:g}",
        low=f"{float(reliability['ci_low'].iloc[0]):.2f}",
        high=f"{float(reliability['ci_high'].iloc[0]):.2f}",
        k=int(reliability["k"].iloc[0]),
        n=f"{int(reliability['n'].iloc[0]):,}",
    )
    if value < ACCEPTABLE_ALPHA:
        limitations.append(
            tr(
                "The {scale}'s items do not hang together well (alpha {alpha}, {reading}); its "
                "total score is a noisy measure.",
                scale=scale_name,
                alpha=f"{value:.2f}",
                reading=reading,
            )
        )
    return [sentence]
