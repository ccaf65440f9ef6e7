"""The survey's results in one paragraph, with the limits of a survey as evidence."""

from __future__ import annotations

import pandas as pd

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
from crmkit.words.phrases import Findings
from crmkit.words.survey.fragments import interval_text, moved_from
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
        verb = moved_from(row, alpha)
        if verb is None:
            sentences.append(
                f"The Net Promoter Score could not be compared before and after go-live "
                f"({row.get('note') or 'too few answers'})."
            )
        else:
            sentences.append(
                f"The Net Promoter Score {verb} {row['before']:.1f} to {row['after']:.1f} "
                f"({format_signed(row['change'])} points; "
                f"{interval_text(row['ci_low'], row['ci_high'], format_signed, confidence)}; "
                f"{format_p_statement(row['p_value'])}; {row['n_before']:,} and "
                f"{row['n_after']:,} answers before and after go-live)."
            )
    row = by_kpi.get("csat_top2_share")
    if row is not None and not is_missing(row["p_value"]):
        verb = moved_from(row, alpha)
        sentences.append(
            f"The share of satisfied customers (CSAT 4–5) {verb} {format_percent(row['before'])} "
            f"to {format_percent(row['after'])} ({format_signed(row['change'], 100)} percentage points; "
            f"{interval_text(row['ci_low'], row['ci_high'], lambda v: format_signed(v, 100), confidence)}; "
            f"{format_p_statement(row['p_value'])})."
        )
    row = by_kpi.get("ces")
    if row is not None and not is_missing(row["p_value"]):
        verb = moved_from(row, alpha)
        sentences.append(
            f"The Customer Effort Score (1–7, higher = easier) {verb} "
            f"{format_number(row['before'])} to {format_number(row['after'])} "
            f"({format_p_statement(row['p_value'])})."
        )
    small = [
        r for r in by_kpi.values() if min(int(r["n_before"]), int(r["n_after"])) < SMALL_SAMPLE
    ]
    if small:
        limitations.append(
            "Few answers: "
            + ", ".join(f"{r['kpi']} ({r['n_before']} before, {r['n_after']} after)" for r in small)
            + " rest on fewer than 30 answers in a window, so their intervals are wide and rough."
        )
    flat = [
        r["kpi"] for r in by_kpi.values() if not is_missing(r["p_value"]) and r["p_value"] >= alpha
    ]
    if flat:
        limitations.append(
            f"No detectable change is not proof of no change: for {', '.join(flat)} the data "
            "could only have detected changes at least as large as the minimum detectable effect."
        )
    if representativeness is not None and len(representativeness):
        message = representativeness_message(representativeness)
        sentences.append(message)
        if bool(representativeness["flag"].iloc[0]):
            limitations.append(
                "The respondents may not represent the customer base: "
                + message[0].lower()
                + message[1:]
            )
    if reliability is not None and len(reliability):
        value = float(reliability["alpha"].iloc[0])
        reading = alpha_reading(value)
        if is_missing(value):
            sentences.append(f"The reliability of the {scale_name} could not be estimated.")
        else:
            sentences.append(
                f"The {scale_name} is {reading} in reliability: Cronbach's alpha "
                f"{value:.2f} ({confidence * 100:g} % confidence interval "
                f"{float(reliability['ci_low'].iloc[0]):.2f} to "
                f"{float(reliability['ci_high'].iloc[0]):.2f}; {int(reliability['k'].iloc[0])} items, "
                f"{int(reliability['n'].iloc[0]):,} respondents)."
            )
            if value < ACCEPTABLE_ALPHA:
                limitations.append(
                    f"The {scale_name}'s items do not hang together well (alpha {value:.2f}, "
                    f"{reading}); its total score is a noisy measure."
                )
    limitations.append(
        "Survey answers come from customers who chose to answer, usually after a purchase; "
        "customers who left or never bought are missing, which flatters the scores."
    )
    if not has_control_group:
        limitations.append(
            "Without a control group the changes are before-after only: anything else that "
            "changed at go-live is mixed into them."
        )
    limitations.append(
        "The p-values here are not corrected for the number of KPIs tested; the impact "
        "overview corrects them across the whole family."
    )
    return SurveyFindings(" ".join(sentences), limitations)
