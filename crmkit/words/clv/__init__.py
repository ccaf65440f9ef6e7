"""The words of the customer-value stage: tables with units, chart frames, titles, paragraphs.

Built from what :mod:`crmkit.domains.clv` returns: tables with units
(``*_view``, :class:`crmkit.words.formats.TableView`), the frames its charts draw
(``*_frame``), chart titles that state the finding (``*_title``), "What it means" paragraphs
written from the numbers (``*_text``) and the findings paragraph (:func:`clv_findings`).

======================= ========================================================================
module                  words for
======================= ========================================================================
:mod:`~.models`         the fitted models' parameters, the spend model's assumption, the
                        per-customer predictions (P(alive), expected purchases, CLV)
:mod:`~.holdout`        the holdout check of the purchase model
:mod:`~.not_fitted`     why the purchase model or its holdout check could not be run
:mod:`~.simple`         the simple CLV per window
:mod:`~.segments`       the RFM segments and the CLV tiers
:mod:`~.concentration`  the concentration of revenue
:mod:`~.findings`       the findings paragraph
:mod:`~.percentages`    how shares and changes are written in these texts
======================= ========================================================================
"""

from crmkit.words.clv.concentration import (
    concentration_degree,
    concentration_text,
    concentration_title,
    concentration_view,
)
from crmkit.words.clv.findings import clv_findings
from crmkit.words.clv.holdout import (
    validation_frame,
    validation_text,
    validation_title,
    validation_view,
)
from crmkit.words.clv.models import (
    alive_bands,
    alive_title,
    independence_note,
    independence_text,
    model_text,
    parameters_view,
    prediction_text,
    prediction_view,
    top_customers_view,
)
from crmkit.words.clv.not_fitted import not_fitted_reason
from crmkit.words.clv.segments import (
    segment_frame,
    segment_text,
    segment_title,
    segment_view,
    tier_frame,
    tier_text,
    tier_title,
    tier_view,
)
from crmkit.words.clv.simple import simple_clv_frame, simple_clv_text, simple_clv_view

__all__ = [
    "alive_bands",
    "alive_title",
    "clv_findings",
    "concentration_degree",
    "concentration_text",
    "concentration_title",
    "concentration_view",
    "independence_note",
    "independence_text",
    "model_text",
    "not_fitted_reason",
    "parameters_view",
    "prediction_text",
    "prediction_view",
    "segment_frame",
    "segment_text",
    "segment_title",
    "segment_view",
    "simple_clv_frame",
    "simple_clv_text",
    "simple_clv_view",
    "tier_frame",
    "tier_text",
    "tier_title",
    "tier_view",
    "top_customers_view",
    "validation_frame",
    "validation_text",
    "validation_title",
    "validation_view",
]
