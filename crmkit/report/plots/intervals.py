"""Estimates with their confidence intervals: the forest plot and the interval chart."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from crmkit.data.verdicts import Verdict
from crmkit.report.plots.canvas import (
    _bars_height,
    _chart,
    _empty,
    _literal_text,
    _log_ticks,
    _missing_columns,
    _numbers,
    _rows_axis,
)
from crmkit.report.plots.style import _SUBTLE, _TEXT, ACCENT, MUTED, VERDICT_COLOURS
from crmkit.words.language import tr

__all__ = [
    "forest_plot",
    "forest_scale",
    "interval_chart",
]


#: Off the scale: an estimate more than this many times as far from zero as the next estimate
#: towards zero (and as :data:`_FOREST_FLOOR`) sits at the edge of a forest plot, its value
#: written, instead of stretching the axis.
_FOREST_GAP = 10.0


#: Percentage points: changes this small never put a larger one off the scale.
_FOREST_FLOOR = 20.0


#: The axis reaches at most this many times the largest estimate on the scale (or
#: :data:`_FOREST_FLOOR`); longer intervals run into the edge.
_FOREST_REACH = 3.0


def forest_scale(points: np.ndarray) -> float:
    """How far from zero a forest plot's axis may reach, in the estimates' unit.

    Parameters
    ----------
    points : numpy.ndarray
        The estimates (NaN ignored), e.g. relative changes in percent.

    Returns
    -------
    float
        The reach ``R``: estimates and interval limits within ``[−R, R]`` are drawn where they
        are; the others at the axis edge. Sorted by distance from zero, the estimates are on
        the scale up to the first that lies more than :data:`_FOREST_GAP` times as far out as
        the one before it (and as :data:`_FOREST_FLOOR`); ``R`` is :data:`_FOREST_REACH` times
        the largest distance on the scale, at least :data:`_FOREST_FLOOR` times that factor.

    Examples
    --------
    >>> float(forest_scale(np.array([30.0, -20.0, 1.0, 350_000.0])))  # 350,000 % is off
    90.0
    >>> float(forest_scale(np.array([5.0, 150.0])))  # 150 is within ten times 20
    450.0
    """
    distances = np.sort(np.abs(points[np.isfinite(points)]))
    on_scale = 0.0
    for distance in distances:
        if distance > _FOREST_GAP * max(on_scale, _FOREST_FLOOR):
            break
        on_scale = float(distance)
    return _FOREST_REACH * max(on_scale, _FOREST_FLOOR)


def _verdict_name(verdict: Verdict) -> str:
    """A verdict as a forest plot's legend names it, in the report's language.

    Examples
    --------
    >>> _verdict_name(Verdict.NO_CHANGE)
    'no detectable change'
    """
    if verdict == Verdict.IMPROVED:
        return tr("improved")
    if verdict == Verdict.WORSENED:
        return tr("worsened")
    if verdict == Verdict.NO_CHANGE:
        return tr("no detectable change")
    if verdict == Verdict.INSUFFICIENT:
        return tr("insufficient data")
    return str(verdict)


def _forest_limits(values: np.ndarray, reach: float) -> tuple[float, float]:
    """Axis limits around zero and every value within the reach, with a margin."""
    shown = values[np.isfinite(values) & (np.abs(values) <= reach)]
    low = float(min(0.0, shown.min())) if shown.size else 0.0
    high = float(max(0.0, shown.max())) if shown.size else 0.0
    span = max(high - low, 1.0)
    return low - 0.08 * span, high + 0.08 * span


@_literal_text
def forest_plot(
    frame: pd.DataFrame,
    *,
    title: str,
    xlabel: str | None = None,
    label: str = "label",
    estimate: str = "change_pct",
    low: str = "change_pct_ci_low",
    high: str = "change_pct_ci_high",
    verdict: str = "verdict",
) -> Figure:
    """Relative changes with their confidence intervals, one row per KPI.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per KPI, drawn top to bottom in the frame's order, with the columns named by
        ``label``, ``estimate``, ``low``, ``high`` and ``verdict``. Estimates and limits are
        fractions (0.08 is drawn as +8 %). Rows without an estimate (a relative change that
        was withheld, e.g. of a base near zero) are left out.
    title : str
        The finding the chart shows.
    xlabel : str, optional
        Label of the x axis (default ``"Change after go-live (%)"`` in the report's
        language).
    label, estimate, low, high, verdict : str
        Column names.

    Returns
    -------
    matplotlib.figure.Figure
        A dot per estimate with its interval as a line, coloured by verdict
        (:data:`VERDICT_COLOURS`), and a dashed line at no change. Closed for pyplot.

    Notes
    -----
    One estimate far from the others would squeeze them all into one dot. The axis spans
    zero and the values within :func:`forest_scale` of it; an estimate beyond is drawn as a
    triangle at the axis edge with its value written beside it (gid ``"off-scale"``), and an
    interval reaching beyond runs into the edge.

    Examples
    --------
    >>> f = pd.DataFrame({"label": ["Win rate"], "change_pct": [0.3], "change_pct_ci_low": [0.2],
    ...                   "change_pct_ci_high": [0.4], "verdict": ["improved"]})
    >>> forest_plot(f, title="Win rate improved").axes[0].get_title(loc="left")
    'Win rate improved'
    """
    _missing_columns(frame, (label, estimate, low, high, verdict), "forest_plot")
    points_all = pd.to_numeric(frame[estimate], errors="coerce").to_numpy(float) * 100
    frame = frame.loc[np.isfinite(points_all)]
    xlabel = tr("Change after go-live (%)") if xlabel is None else xlabel
    with _chart(title, height=_bars_height(len(frame))) as (fig, ax):
        if frame.empty:
            _empty(ax)
            return fig
        positions = np.arange(len(frame))
        points, lows, highs = (v * 100 for v in _numbers(frame, estimate, low, high))
        reach = forest_scale(points)
        left, right = _forest_limits(np.concatenate([points, lows, highs]), reach)
        colours = [VERDICT_COLOURS.get(v, MUTED) for v in frame[verdict]]
        for y, point, lo, hi, colour in zip(positions, points, lows, highs, colours, strict=True):
            if np.isfinite(lo) and np.isfinite(hi):
                ax.plot([lo, hi], [y, y], color=colour, linewidth=2.2, solid_capstyle="round")
            if abs(point) <= reach:
                ax.plot([point], [y], marker="o", markersize=7, color=colour, zorder=4)
                continue
            edge = right if point > 0 else left
            ax.plot(
                [edge],
                [y],
                marker=">" if point > 0 else "<",
                markersize=8,
                color=colour,
                zorder=4,
                clip_on=False,
                gid="off-scale",
            )
            ax.annotate(
                f"{point:+,.0f} %",
                (edge, y),
                xytext=(-9 if point > 0 else 9, 4),
                textcoords="offset points",
                ha="right" if point > 0 else "left",
                va="bottom",
                fontsize=8,
                color=_TEXT,
                gid="off-scale-value",
            )
        ax.set_xlim(left, right)
        zero = ax.axvline(0, color=_TEXT, linestyle="--", linewidth=1.0, zorder=2)
        zero.set_gid("no-change")
        _rows_axis(ax, [str(v) for v in frame[label]], top=-0.7)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:+,.0f} %"))
        ax.set_xlabel(xlabel)
        shown = [v for v in VERDICT_COLOURS if v in set(frame[verdict])]
        handles = [
            Line2D([], [], color=VERDICT_COLOURS[v], marker="o", linewidth=2.2) for v in shown
        ]
        if handles:
            names = [_verdict_name(v) for v in shown]
            fig.legend(handles, names, loc="outside lower left", ncols=len(handles))
    return fig


@_literal_text
def interval_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    label: str = "label",
    estimate: str = "estimate",
    low: str = "ci_low",
    high: str = "ci_high",
    highlight: Iterable[Any] | None = None,
    reference: float | None = None,
    reference_label: str | None = None,
    value_format: str = "{:,.1f}",
    log_scale: bool = False,
) -> Figure:
    """Estimates with their confidence intervals, one row per item, values written beside them.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per item, drawn top to bottom in the frame's order, with the columns named by
        ``label``, ``estimate``, ``low`` and ``high`` (in the unit of the axis). A row without
        an estimate is listed as ``n/a``; a row without limits gets a dot only.
    title : str
        The finding the chart shows.
    xlabel : str
        Label of the value axis, with its unit, e.g. ``"NPS (points, −100 to 100)"``.
    label, estimate, low, high : str
        Column names.
    highlight : iterable, optional
        Labels drawn in :data:`ACCENT` while the others turn :data:`MUTED` (e.g. the rows
        after go-live); without it every row is :data:`ACCENT`.
    reference : float, optional
        A dashed vertical line (the overall value, no change, a hazard ratio of 1).
    reference_label : str, optional
        Its label, written above the axes.
    value_format : str, default ``"{:,.1f}"``
        :meth:`str.format` pattern for the value written right of each interval.
    log_scale : bool, default False
        A logarithmic value axis (for ratios such as hazard ratios).

    Returns
    -------
    matplotlib.figure.Figure
        A dot per estimate and its interval as a line. Closed for pyplot.

    Raises
    ------
    ValueError
        If a column is missing.

    Examples
    --------
    >>> f = pd.DataFrame({"label": ["East", "West"], "estimate": [30.7, 23.0],
    ...                   "ci_low": [27.6, 19.8], "ci_high": [33.8, 26.2]})
    >>> interval_chart(f, title="East recommends most", xlabel="NPS (points)").axes[0].get_title(loc="left")
    'East recommends most'
    """
    _missing_columns(frame, (label, estimate, low, high), "interval_chart")
    with _chart(title, height=_bars_height(len(frame)), xlabel=xlabel, no_break_percent=True) as (
        fig,
        ax,
    ):
        if frame.empty:
            _empty(ax)
            return fig
        marked = set(highlight) if highlight is not None else None
        points, lows, highs = _numbers(frame, estimate, low, high)
        labels = [str(v) for v in frame[label]]
        finite = np.concatenate([points, lows, highs])
        finite = finite[np.isfinite(finite)]
        if log_scale:
            finite = finite[finite > 0]
        anchor = float(np.min(finite)) if finite.size else (1.0 if log_scale else 0.0)
        for y, (point, lo, hi) in enumerate(zip(points, lows, highs, strict=True)):
            colour = ACCENT if marked is None or frame[label].iloc[y] in marked else MUTED
            has_interval = np.isfinite(lo) and np.isfinite(hi)
            if has_interval:
                ax.plot([lo, hi], [y, y], color=colour, linewidth=2.4, solid_capstyle="round")
            if np.isfinite(point):
                ax.plot([point], [y], marker="o", markersize=7, color=colour, zorder=4)
                right = hi if has_interval else point
                ax.annotate(
                    value_format.format(point),
                    (right, y),
                    xytext=(6, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=9,
                    color=_TEXT,
                )
            else:
                ax.text(anchor, y, " " + tr("n/a"), va="center", color=_SUBTLE, fontsize=9)
        if reference is not None:
            line = ax.axvline(reference, color=_TEXT, linestyle="--", linewidth=1.0, zorder=2)
            line.set_gid("reference")
            if reference_label:
                ax.text(
                    reference,
                    1.0,
                    reference_label,
                    transform=ax.get_xaxis_transform(),
                    ha="center",
                    va="bottom",
                    fontsize=9,
                    color=_TEXT,
                )
        _rows_axis(ax, labels, top=-0.5)
        if log_scale:
            ax.set_xscale("log")
        ax.margins(x=0.12)
        if log_scale:
            _log_ticks(ax)
    return fig
