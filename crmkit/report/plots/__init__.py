"""One house style for every chart in a crmkit report.

The reader of a report is a client's manager, so every chart states its finding in its
title (the caller writes it, e.g. ``"Win rate rose from 20 % to 26 % after go-live"``),
labels its axes with units, and uses one restrained palette: :data:`ACCENT` for the CRM /
"after" / treated units, :data:`MUTED` grey for "before" / control units and
:data:`WARNING` for values that need attention.

Displaying a chart in a notebook
--------------------------------
Each function creates its figure with :func:`matplotlib.pyplot.subplots` inside
:func:`house_style` (so the inline backend is loaded and the figure gets the house
look) and then *closes* it with :func:`matplotlib.pyplot.close` before returning it.
A closed figure is no longer managed by pyplot, so the inline backend does not show it
again at the end of the cell, but it can still be drawn and saved. In a notebook executed
by papermill, write the call as the **last expression of its cell** (or pass the figure to
``IPython.display.display``): the figure is then shown exactly once, as the cell's result,
as a PNG at 100 dpi::

    plots.bar_chart(revenue_by_region, title="East sells most", xlabel="Revenue (CNY)")

Assigning the result without displaying it (``fig = plots.bar_chart(...)``) shows nothing.
Call ``fig.savefig(path)`` to write a file; the figure's dpi is 100.

Style
-----
:func:`house_style` is a context manager that applies the style temporarily (global
rcParams are restored afterwards); :func:`apply_house_style` applies it for the rest of
the session (for ad-hoc plotting in a notebook). The module keeps no mutable state.

Language
--------
Every text a chart writes itself (axis labels, legends, annotations, default labels) is in
the report's language (:func:`crmkit.words.language.tr`); in Chinese it is drawn with the
first installed font of :data:`CJK_FONTS`. With none installed, a Chinese report's charts
are drawn in English rather than as empty boxes (:func:`cjk_font` is None; see
:mod:`~crmkit.report.plots.canvas`).

Modules
-------
:mod:`~crmkit.report.plots.style` (palette, fonts, rcParams), :mod:`~crmkit.report.plots.canvas`
(what every chart shares), :mod:`~crmkit.report.plots.bars`, :mod:`~crmkit.report.plots.timelines`,
:mod:`~crmkit.report.plots.intervals`, :mod:`~crmkit.report.plots.distributions`,
:mod:`~crmkit.report.plots.retention`, :mod:`~crmkit.report.plots.strategy_map`,
:mod:`~crmkit.report.plots.ranking`, :mod:`~crmkit.report.plots.rollout`,
:mod:`~crmkit.report.plots.placebo` and
:mod:`~crmkit.report.plots.monitoring` (the charts
by kind).
"""

from __future__ import annotations

from crmkit.report.plots.bars import (
    bar_chart,
    grouped_bar_chart,
    score_chart,
    stacked_share_chart,
    tornado_chart,
)
from crmkit.report.plots.distributions import (
    concentration_chart,
    distribution_chart,
    histogram_chart,
)
from crmkit.report.plots.intervals import forest_plot, forest_scale, interval_chart
from crmkit.report.plots.monitoring import control_chart, history_chart
from crmkit.report.plots.placebo import kpi_placebo_chart
from crmkit.report.plots.ranking import benefit_ranking_chart
from crmkit.report.plots.retention import heatmap_chart, survival_chart
from crmkit.report.plots.rollout import (
    placebo_chart,
    rollout_event_study_chart,
    synthetic_control_chart,
)
from crmkit.report.plots.strategy_map import strategy_map
from crmkit.report.plots.style import (
    ACCENT,
    CJK_FONTS,
    HOUSE_FONT,
    MUTED,
    PALETTE,
    VERDICT_COLOURS,
    WARNING,
    apply_house_style,
    cjk_font,
    font_families,
    house_rc,
    house_style,
)
from crmkit.report.plots.timelines import coverage_chart, event_study_chart, line_chart

__all__ = [
    "ACCENT",
    "CJK_FONTS",
    "HOUSE_FONT",
    "MUTED",
    "PALETTE",
    "VERDICT_COLOURS",
    "WARNING",
    "apply_house_style",
    "bar_chart",
    "benefit_ranking_chart",
    "cjk_font",
    "concentration_chart",
    "control_chart",
    "coverage_chart",
    "distribution_chart",
    "event_study_chart",
    "font_families",
    "forest_plot",
    "forest_scale",
    "grouped_bar_chart",
    "heatmap_chart",
    "histogram_chart",
    "history_chart",
    "house_rc",
    "house_style",
    "interval_chart",
    "kpi_placebo_chart",
    "line_chart",
    "placebo_chart",
    "rollout_event_study_chart",
    "score_chart",
    "stacked_share_chart",
    "strategy_map",
    "survival_chart",
    "synthetic_control_chart",
    "tornado_chart",
]
