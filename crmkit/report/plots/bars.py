"""Bar charts: values, scores against a threshold, groups, shares and the tornado."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from crmkit.report.plots.canvas import (
    _bars_height,
    _chart,
    _columns_axis,
    _empty,
    _literal_text,
    _missing_columns,
    _percent_axis,
    _readable_numbers,
    _rows_axis,
    _series_colours,
    _text_colour,
)
from crmkit.report.plots.style import _TEXT, ACCENT, MUTED, WARNING
from crmkit.words.formats import is_missing
from crmkit.words.language import tr

__all__ = [
    "bar_chart",
    "grouped_bar_chart",
    "score_chart",
    "stacked_share_chart",
    "tornado_chart",
]


@_literal_text
def bar_chart(
    values: pd.Series,
    *,
    title: str,
    xlabel: str,
    value_format: str = "{:,.0f}",
    horizontal: bool = True,
    highlight: Iterable[Any] | None = None,
) -> Figure:
    """Bars with their values written at the bar ends.

    Parameters
    ----------
    values : pandas.Series
        One bar per item, in the Series' order (top to bottom, or left to right); the index
        gives the bar labels. NaN values get no bar and the label ``n/a``.
    title : str
        The finding the chart shows.
    xlabel : str
        Label of the value axis, with its unit (the x axis of horizontal bars, the y axis of
        vertical bars), e.g. ``"Revenue (CNY)"``.
    value_format : str, default ``"{:,.0f}"``
        :meth:`str.format` pattern for the value labels.
    horizontal : bool, default True
        Horizontal bars (best for long category names) or vertical bars.
    highlight : iterable, optional
        Index labels drawn in :data:`ACCENT` while the others turn :data:`MUTED`; without
        it all bars are :data:`ACCENT`.

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot; display it as the cell's last expression (see the module notes).

    Examples
    --------
    >>> s = pd.Series({"East": 1200.0, "West": 800.0})
    >>> fig = bar_chart(s, title="East sells most", xlabel="Revenue (CNY)")
    >>> fig.axes[0].get_title(loc="left")
    'East sells most'
    """
    values = pd.Series(values)
    height = _bars_height(len(values)) if horizontal else None
    with _chart(title, height=height) as (fig, ax):
        if values.empty:
            _empty(ax)
            return fig
        labels = [str(label) for label in values.index]
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        drawn = np.nan_to_num(numbers, nan=0.0)
        marked = set(highlight) if highlight is not None else None
        colors = [ACCENT if marked is None or label in marked else MUTED for label in values.index]
        positions = np.arange(len(values))
        if horizontal:
            bars = ax.barh(positions, drawn, color=colors, height=0.65)
            _rows_axis(ax, labels)
            ax.set_xlabel(xlabel)
            ax.margins(x=0.14)
        else:
            bars = ax.bar(positions, drawn, color=colors, width=0.65)
            _columns_axis(ax, labels)
            ax.set_ylabel(xlabel)
        text = [tr("n/a") if is_missing(v) else value_format.format(v) for v in numbers]
        ax.bar_label(bars, labels=text, padding=3, fontsize=9, color=_TEXT)
        _readable_numbers(ax.xaxis if horizontal else ax.yaxis, numbers)
    return fig


@_literal_text
def score_chart(
    scores: pd.Series,
    *,
    title: str,
    threshold: float = 0.9,
    xlabel: str | None = None,
) -> Figure:
    """Scores between 0 and 1 as horizontal percentage bars against a threshold.

    Parameters
    ----------
    scores : pandas.Series
        Fractions (0.964 means 96.4 %), one bar per item in the Series' order; NaN gets no
        bar and the label ``n/a``.
    title : str
        The finding the chart shows.
    threshold : float, default 0.9
        Bars below it are drawn in :data:`WARNING`; drawn as a dashed line.
    xlabel : str, optional
        Label of the value axis (default ``"Score (%)"`` in the report's language).

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot; display it as the cell's last expression (see the module notes).
    """
    scores = pd.Series(scores)
    xlabel = tr("Score (%)") if xlabel is None else xlabel
    with _chart(title, height=_bars_height(len(scores))) as (fig, ax):
        if scores.empty:
            _empty(ax)
            return fig
        numbers = pd.to_numeric(scores, errors="coerce").to_numpy(dtype=float)
        drawn = np.nan_to_num(numbers, nan=0.0)
        colors = [WARNING if (not is_missing(v) and v < threshold) else ACCENT for v in numbers]
        positions = np.arange(len(scores))
        bars = ax.barh(positions, drawn, color=colors, height=0.65)
        _rows_axis(ax, [str(label) for label in scores.index])
        labels = [tr("n/a") if is_missing(v) else f"{v * 100:.1f} %" for v in numbers]
        ax.bar_label(bars, labels=labels, padding=3, fontsize=9, color=_TEXT)
        upper = max(1.0, float(np.nanmax(numbers)) if np.isfinite(numbers).any() else 1.0)
        ax.set_xlim(0, upper * 1.12)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v * 100:.0f} %"))
        ax.set_xlabel(xlabel)
        line = ax.axvline(threshold, color=_TEXT, linestyle="--", linewidth=1.2, zorder=3)
        line.set_gid("threshold")
        handles = [
            Line2D([], [], color=_TEXT, linestyle="--", linewidth=1.2),
            Patch(color=ACCENT),
            Patch(color=WARNING),
        ]
        names = [
            tr("Threshold {threshold}", threshold=f"{threshold * 100:.0f} %"),
            tr("At or above the threshold"),
            tr("Below the threshold"),
        ]
        fig.legend(handles, names, loc="outside lower left", ncols=3)
    return fig


@_literal_text
def grouped_bar_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    xlabel: str | None = None,
    value_format: str = "{:,.0f}",
    colors: Iterable[str] | None = None,
) -> Figure:
    """Vertical bars side by side: one group per row, one bar per column (e.g. actual vs predicted).

    Parameters
    ----------
    frame : pandas.DataFrame
        One group per row (left to right; the index gives the group labels), one series per
        column (the column names go into the legend). NaN draws no bar.
    title : str
        The finding the chart shows.
    ylabel : str
        Label of the value axis, with its unit.
    xlabel : str, optional
        Label of the group axis.
    value_format : str, default ``"{:,.0f}"``
        :meth:`str.format` pattern for the values written on the bars.
    colors : iterable of str, optional
        One colour per column (default: :data:`PALETTE` in order, so the first column is
        :data:`ACCENT` and the second :data:`MUTED`).

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot.

    Examples
    --------
    >>> f = pd.DataFrame({"Predicted": [1.5, 2.1], "Actual": [1.3, 2.0]}, index=["0", "1"])
    >>> grouped_bar_chart(f, title="The model fits", ylabel="Purchases").axes[0].get_title(loc="left")
    'The model fits'
    """
    with _chart(title, ylabel=ylabel, xlabel=xlabel, no_break_percent=True) as (fig, ax):
        if frame.empty or frame.shape[1] == 0:
            _empty(ax)
            return fig
        values = frame.apply(pd.to_numeric, errors="coerce").to_numpy(float)
        colours = _series_colours(frame.shape[1], colors)
        k = frame.shape[1]
        width = 0.8 / k
        positions = np.arange(len(frame))
        small = len(frame) * k > 24
        for j, column in enumerate(frame.columns):
            heights = values[:, j]
            bars = ax.bar(
                positions + (j - (k - 1) / 2) * width,
                np.nan_to_num(heights),
                width=width * 0.92,
                color=colours[j],
                label=str(column),
            )
            text = ["" if is_missing(v) else value_format.format(v) for v in heights]
            ax.bar_label(bars, labels=text, padding=2, fontsize=7 if small else 8, color=_TEXT)
        _columns_axis(ax, [str(v) for v in frame.index])
        _readable_numbers(ax.yaxis, values)
        fig.legend(loc="outside lower left", ncols=min(4, k))
    return fig


@_literal_text
def stacked_share_chart(
    shares: pd.DataFrame,
    *,
    title: str,
    xlabel: str | None = None,
    colors: Iterable[str] | None = None,
    min_label: float = 0.05,
) -> Figure:
    """Horizontal 100 % bars: how each row splits into parts (e.g. detractors, passives, promoters).

    Parameters
    ----------
    shares : pandas.DataFrame
        One bar per row (top to bottom, the index gives the bar labels), one part per column
        (left to right, the column names go into the legend), as fractions of the row
        (0.25 is drawn as 25 %). Rows need not sum exactly to 1; NaN counts as 0.
    title : str
        The finding the chart shows.
    xlabel : str, optional
        Label of the value axis (default ``"Share (%)"`` in the report's language).
    colors : iterable of str, optional
        One colour per column (default: :data:`PALETTE` in order).
    min_label : float, default 0.05
        Parts at least this wide get their percentage written inside.

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot.

    Examples
    --------
    >>> s = pd.DataFrame({"Detractors": [0.2], "Passives": [0.4], "Promoters": [0.4]},
    ...                  index=["After go-live"])
    >>> stacked_share_chart(s, title="Two in five are promoters").axes[0].get_title(loc="left")
    'Two in five are promoters'
    """
    xlabel = tr("Share (%)") if xlabel is None else xlabel
    with _chart(
        title, height=_bars_height(len(shares)) + 0.4, xlabel=xlabel, no_break_percent=True
    ) as (fig, ax):
        if shares.empty or shares.shape[1] == 0:
            _empty(ax)
            return fig
        values = shares.apply(pd.to_numeric, errors="coerce").fillna(0.0).to_numpy(float)
        colours = _series_colours(shares.shape[1], colors)
        positions = np.arange(len(shares))
        left = np.zeros(len(shares))
        for j, column in enumerate(shares.columns):
            width = values[:, j]
            bars = ax.barh(
                positions, width, left=left, height=0.6, color=colours[j], label=str(column)
            )
            text = [f"{w * 100:.0f} %" if w >= min_label else "" for w in width]
            ax.bar_label(
                bars, labels=text, label_type="center", fontsize=9, color=_text_colour(colours[j])
            )
            left += width
        _rows_axis(ax, [str(v) for v in shares.index])
        ax.set_xlim(0, max(1.0, float(left.max())))
        _percent_axis(ax.xaxis)
        fig.legend(loc="outside lower left", ncols=min(5, shares.shape[1]))
    return fig


@_literal_text
def tornado_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    label: str = "driver",
    low: str = "low_npv",
    high: str = "high_npv",
    base: float,
    max_bars: int = 12,
) -> Figure:
    """A tornado: how far a result moves when each input moves, largest swing on top.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per input with its label and the result at its low and high setting
        (:func:`crmkit.domains.finance.sensitivity`), drawn in the frame's order.
    title : str
        The finding the chart shows.
    xlabel : str
        Label of the value axis, with its unit.
    label, low, high : str
        Column names.
    base : float
        The result with every input at its base value: the bars start there.
    max_bars : int
        Only the first rows are drawn.

    Returns
    -------
    matplotlib.figure.Figure
        Bars from ``base`` to the lower result in :data:`WARNING` and to the higher one in
        :data:`ACCENT`, a dashed line at ``base`` and one at zero when it is in range. Closed
        for pyplot.
    """
    _missing_columns(frame, (label, low, high), "tornado_chart")
    shown = frame.head(max_bars)
    with _chart(title, height=_bars_height(len(shown))) as (fig, ax):
        if shown.empty:
            _empty(ax)
            return fig
        positions = np.arange(len(shown))
        lows = pd.to_numeric(shown[low]).to_numpy(float)
        highs = pd.to_numeric(shown[high]).to_numpy(float)
        lower, higher = tr("input lower"), tr("input higher")
        ax.barh(positions, lows - base, left=base, color=WARNING, height=0.6, label=lower)
        ax.barh(positions, highs - base, left=base, color=ACCENT, height=0.6, label=higher)
        ax.axvline(base, color=_TEXT, linestyle="--", linewidth=1.0).set_gid("base")
        if min(lows.min(), highs.min()) < 0 < max(lows.max(), highs.max()):
            ax.axvline(0, color=_TEXT, linewidth=1.0)
        _rows_axis(ax, [str(v) for v in shown[label]])
        ax.set_xlabel(xlabel)
        _readable_numbers(ax.xaxis, np.concatenate([lows, highs]))
        handles = [
            Patch(color=WARNING),
            Patch(color=ACCENT),
            Line2D([], [], color=_TEXT, linestyle="--"),
        ]
        names = [lower, higher, tr("base case")]
        fig.legend(handles, names, loc="outside lower left", ncols=3)
    return fig
