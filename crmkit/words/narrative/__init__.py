"""Plain-language findings generated from before/after results, by concern.

- :mod:`~crmkit.words.narrative.kpi`: one KPI's change, verdict and guard in words.
- :mod:`~crmkit.words.narrative.areas`: an area's findings and the impact overview.
- :mod:`~crmkit.words.narrative.designs`: the time series and the control group in words.
- :mod:`~crmkit.words.narrative.rollout`: how the CRM was rolled out and what the data allow.
- :mod:`~crmkit.words.narrative.finance`: the financial appraisal's headline and findings.
- :mod:`~crmkit.words.narrative.summary`: the index page's executive summary (its data-quality
  sentence in :mod:`~crmkit.words.narrative.data_quality`, its financial one in ``finance``).
- :mod:`~crmkit.words.narrative.synthesis`: the summary's lead: the balanced scorecard and its
  strongest and weakest KPIs;
- :mod:`~crmkit.words.narrative.actions`: the top actions by benefit index;
- :mod:`~crmkit.words.narrative.history`: the change since the last assessment.
- :mod:`~crmkit.words.narrative.naming`: how names (KPI labels, areas) and lists sit in a
  sentence, in the report's language.

Every sentence goes through :func:`crmkit.words.language.tr`; the Chinese lives in
``crmkit/words/catalogs/zh/narrative.json``.

The phrasing every report text shares (the window labels, the "What it means" paragraph, the
findings with their limitations) is defined in :mod:`crmkit.words.phrases` and offered here too.
"""

from __future__ import annotations

from crmkit.words.narrative.actions import (
    TOP_ACTIONS,
    benefit_index_text,
    summary_actions,
    top_action_figure_text,
    top_actions,
)
from crmkit.words.narrative.areas import (
    ageing_caveat,
    area_findings,
    channel_title,
    limitations,
    overview_findings,
    overview_title,
    trend_title,
)
from crmkit.words.narrative.data_quality import issue_count, quality_score_text, summary_quality
from crmkit.words.narrative.designs import (
    assignment_sentence,
    control_finding,
    control_title,
    guarded_control_finding,
    guarded_control_title,
    guarded_series_finding,
    guarded_series_title,
    no_control_comparison,
    series_finding,
    series_title,
)
from crmkit.words.narrative.finance import (
    breakeven_text,
    cost_title,
    finance_findings,
    finance_title,
    measured_benefits_established,
    money_cannot_show,
    simulation_title,
    summary_financial,
    tornado_title,
)
from crmkit.words.narrative.history import summary_history
from crmkit.words.narrative.kpi import (
    GUARD_REASONS,
    VERDICTS,
    change_title,
    describe_change,
    guard_reason,
    kpi_verdict_text,
    verdict_counts,
)
from crmkit.words.narrative.purchase_rate import (
    purchase_rate_finding,
    purchase_rate_placebo_title,
    purchase_rate_table,
    summary_purchase_rate,
)
from crmkit.words.narrative.rollout import (
    claim_reason,
    design_without_rollout,
    placebo_title,
    rollout_chart_title,
    rollout_design,
    rollout_figure,
    rollout_finding,
    summary_rollout,
)
from crmkit.words.narrative.summary import (
    STANDINGS,
    kpi_change_text,
    kpi_standing,
    series_problem,
    summary_ageing,
    summary_control,
    summary_failed_stages,
    summary_kpis,
    summary_series,
    top_findings,
)
from crmkit.words.narrative.synthesis import (
    LOW_COVERAGE,
    SCORED,
    ScoreReading,
    coverage_text,
    perspective_words,
    read_scorecard,
    score_status_words,
    scorecard_extremes,
    scorecard_figure_text,
    summary_scorecard,
    summary_scorecard_extremes,
)
from crmkit.words.phrases import WINDOW_LABELS, findings_markdown, what_it_means


def __getattr__(name: str) -> str:
    """``MONEY_CANNOT_SHOW``: :func:`money_cannot_show` in the language active when read."""
    if name == "MONEY_CANNOT_SHOW":
        return money_cannot_show()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "purchase_rate_finding",
    "purchase_rate_placebo_title",
    "purchase_rate_table",
    "summary_purchase_rate",
    "claim_reason",
    "placebo_title",
    "design_without_rollout",
    "rollout_chart_title",
    "rollout_design",
    "rollout_figure",
    "rollout_finding",
    "summary_rollout",
    "GUARD_REASONS",
    "LOW_COVERAGE",
    "SCORED",
    "STANDINGS",
    "TOP_ACTIONS",
    "ScoreReading",
    "VERDICTS",
    "WINDOW_LABELS",
    "ageing_caveat",
    "area_findings",
    "benefit_index_text",
    "breakeven_text",
    "change_title",
    "channel_title",
    "assignment_sentence",
    "control_finding",
    "control_title",
    "cost_title",
    "coverage_text",
    "describe_change",
    "finance_findings",
    "finance_title",
    "findings_markdown",
    "guard_reason",
    "guarded_control_finding",
    "guarded_control_title",
    "guarded_series_finding",
    "guarded_series_title",
    "no_control_comparison",
    "issue_count",
    "kpi_change_text",
    "kpi_standing",
    "kpi_verdict_text",
    "limitations",
    "measured_benefits_established",
    "money_cannot_show",
    "overview_findings",
    "overview_title",
    "perspective_words",
    "quality_score_text",
    "read_scorecard",
    "score_status_words",
    "scorecard_extremes",
    "scorecard_figure_text",
    "series_finding",
    "series_problem",
    "series_title",
    "simulation_title",
    "summary_actions",
    "summary_ageing",
    "summary_control",
    "summary_failed_stages",
    "summary_financial",
    "summary_history",
    "summary_kpis",
    "summary_quality",
    "summary_scorecard",
    "summary_scorecard_extremes",
    "summary_series",
    "top_action_figure_text",
    "top_actions",
    "top_findings",
    "tornado_title",
    "trend_title",
    "verdict_counts",
    "what_it_means",
]
