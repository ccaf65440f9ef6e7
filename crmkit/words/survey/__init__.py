"""The satisfaction stage in words: tables with units, chart data, titles and readings.

Built from the numbers of :mod:`crmkit.domains.survey`: tables with units in their headers
(``*_view``, :class:`crmkit.words.formats.TableView`), the frames the charts draw (``*_frame``,
``*_mix``), chart titles that state the finding (``*_title``), "What it means" paragraphs
(``*_text``), the respondents' mix in one sentence (:func:`representativeness_message`) and
the survey's findings with their limitations (:func:`survey_findings`).

=========================== ===================================================================
module                      what it words
=========================== ===================================================================
:mod:`~.nps`                the NPS per window and by group
:mod:`~.satisfaction`       CSAT and CES, and the response counts
:mod:`~.respondents`        the respondents' mix against the customer base
:mod:`~.reliability`        multi-item scales: names, item fit, Cronbach's alpha
:mod:`~.findings`           the findings paragraph and its limitations
:mod:`~.fragments`          window and group names, signed changes, intervals
=========================== ===================================================================
"""

from __future__ import annotations

from crmkit.words.survey.findings import SurveyFindings, survey_findings
from crmkit.words.survey.nps import (
    nps_by_frame,
    nps_by_text,
    nps_by_title,
    nps_by_view,
    nps_mix,
    nps_text,
    nps_view,
)
from crmkit.words.survey.reliability import (
    item_frame,
    item_labels,
    item_view,
    reliability_text,
    reliability_title,
    scale_name,
)
from crmkit.words.survey.respondents import (
    representativeness_frame,
    representativeness_message,
    representativeness_text,
    representativeness_title,
    representativeness_view,
)
from crmkit.words.survey.satisfaction import counts_view, csat_mix, csat_text, csat_view

__all__ = [
    "SurveyFindings",
    "counts_view",
    "csat_mix",
    "csat_text",
    "csat_view",
    "item_frame",
    "item_labels",
    "item_view",
    "nps_by_frame",
    "nps_by_text",
    "nps_by_title",
    "nps_by_view",
    "nps_mix",
    "nps_text",
    "nps_view",
    "reliability_text",
    "reliability_title",
    "representativeness_frame",
    "representativeness_message",
    "representativeness_text",
    "representativeness_title",
    "representativeness_view",
    "scale_name",
    "survey_findings",
]
