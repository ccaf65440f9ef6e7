"""The ranking of improvement actions by benefit index, each with its low–high range."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from crmkit.report.plots.canvas import (
    _bars_height,
    _chart,
    _empty,
    _literal_text,
    _missing_columns,
    _numbers,
    _rows_axis,
)
from crmkit.report.plots.style import _TEXT, ACCENT, WARNING
from crmkit.words.language import tr

__all__ = ["benefit_ranking_chart"]


def _percent_tick(value: float, _position: object = None) -> str:
    """A tick of the index axis: signed percent, zero without a sign.

    Examples
    --------
    >>> _percent_tick(150.0), _percent_tick(0.0), _percent_tick(-50.0)
    ('+150 %', '0 %', '-50 %')
    """
    return "0 %" if round(value) == 0 else f"{value:+,.0f} %"


@_literal_text
def benefit_ranking_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    label: str = "action",
    estimate: str = "benefit_index",
    low: str = "benefit_index_low",
    high: str = "benefit_index_high",
    xlabel: str | None = None,
) -> Figure:
    """Actions ranked by benefit index, best on top, each with the range of its effect.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per action in rank order, with the columns named by ``label``, ``estimate``,
        ``low`` and ``high`` (fractions: 1.5 is drawn as +150 %). Rows without an estimate
        (actions not valued in money) are left out.
    title : str
        The finding the chart shows.
    label, estimate, low, high : str
        Column names.
    xlabel : str, optional
        Label of the value axis (default "Benefit index: (effect − cost) / cost, first full
        year (%)" in the report's language).

    Returns
    -------
    matplotlib.figure.Figure
        A dot per action (:data:`ACCENT` when it repays its cost, :data:`WARNING` when not)
        with its low–high range as a line, and a dashed line at break-even (0 %). Closed for
        pyplot.

    Examples
    --------
    >>> f = pd.DataFrame({"action": ["Coaching", "Training"], "benefit_index": [1.5, -0.2],
    ...                   "benefit_index_low": [0.5, -0.6], "benefit_index_high": [3.0, 0.4]})
    >>> benefit_ranking_chart(f, title="Coaching pays best").axes[0].get_title(loc="left")
    'Coaching pays best'
    """
    _missing_columns(frame, (label, estimate, low, high), "benefit_ranking_chart")
    points_all = pd.to_numeric(frame[estimate], errors="coerce").to_numpy(float)
    frame = frame.loc[np.isfinite(points_all)]
    if xlabel is None:
        xlabel = tr("Benefit index: (effect − cost) / cost, first full year (%)")
    with _chart(title, height=_bars_height(len(frame)), xlabel=xlabel, no_break_percent=True) as (
        fig,
        ax,
    ):
        if frame.empty:
            _empty(ax)
            return fig
        points, lows, highs = (v * 100 for v in _numbers(frame, estimate, low, high))
        for y, (point, lo, hi) in enumerate(zip(points, lows, highs, strict=True)):
            colour = ACCENT if point >= 0 else WARNING
            if np.isfinite(lo) and np.isfinite(hi):
                ax.plot([lo, hi], [y, y], color=colour, linewidth=2.4, solid_capstyle="round")
            ax.plot([point], [y], marker="o", markersize=7, color=colour, zorder=4)
            right = hi if np.isfinite(hi) else point
            ax.annotate(
                f"{point:+,.0f} %",
                (right, y),
                xytext=(6, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                color=_TEXT,
            )
        line = ax.axvline(0, color=_TEXT, linestyle="--", linewidth=1.0, zorder=2)
        line.set_gid("break-even")
        _rows_axis(ax, [str(v) for v in frame[label]], top=-0.5)
        ax.xaxis.set_major_formatter(FuncFormatter(_percent_tick))
        ax.margins(x=0.15)
    return fig
