"""Charts of monitoring: the control chart of a monthly KPI, and values across assessments."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from crmkit.report.plots.canvas import (
    _chart,
    _columns_axis,
    _date_axis,
    _date_index,
    _empty,
    _literal_text,
    _missing_columns,
    _numbers,
    _percent_axis,
    _readable_numbers,
)
from crmkit.report.plots.style import _SUBTLE, _TEXT, ACCENT, PALETTE, WARNING
from crmkit.words.language import tr

__all__ = ["control_chart", "history_chart"]


@_literal_text
def control_chart(
    points: pd.DataFrame,
    *,
    centre: float,
    lower: float,
    upper: float,
    title: str,
    ylabel: str,
    percent: bool = False,
) -> Figure:
    """An individuals (XmR) control chart: monthly values, centre line, limits, signals.

    Parameters
    ----------
    points : DataFrame
        Index: month (DatetimeIndex, PeriodIndex or ISO strings). Columns ``value`` and
        ``outside`` (bool: the month is outside the limits, drawn in :data:`WARNING`).
    centre, lower, upper : float
        The centre line (solid) and the natural process limits (dashed).
    title : str
        The finding the chart shows.
    ylabel : str
        The y axis label with its unit.
    percent : bool
        Show the values (fractions) as percentages.

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot; display it as the cell's last expression.

    Raises
    ------
    ValueError
        If a column is missing or the index cannot be read as dates.
    """
    _missing_columns(points, ("value", "outside"), "control_chart")
    with _chart(title, ylabel=ylabel) as (fig, ax):
        if points.empty:
            _empty(ax)
            return fig
        months = _date_index(points.index).to_pydatetime()
        (values,) = _numbers(points, "value")
        outside = points["outside"].fillna(False).astype(bool).to_numpy()
        ax.plot(months, values, color=ACCENT, marker="o", markersize=4, label=tr("Month"))
        if outside.any():
            ax.scatter(
                months[outside],
                values[outside],
                color=WARNING,
                s=60,
                zorder=4,
                label=tr("Outside the limits"),
                gid="outside",
            )
        ax.axhline(centre, color=_TEXT, linewidth=1.2, label=tr("Centre (mean)"), gid="centre")
        for limit, name in ((upper, "upper"), (lower, "lower")):
            ax.axhline(limit, color=_SUBTLE, linestyle="--", linewidth=1.1, gid=f"{name}-limit")
        ax.plot([], [], color=_SUBTLE, linestyle="--", label=tr("Control limits"))
        _date_axis(ax.xaxis)
        ax.grid(axis="x", visible=False)
        if percent:
            _percent_axis(ax.yaxis)
        else:
            _readable_numbers(ax.yaxis, np.append(values, [centre, lower, upper]))
        fig.legend(loc="outside lower left", ncols=4)
    return fig


@_literal_text
def history_chart(
    values: pd.DataFrame | pd.Series,
    *,
    title: str,
    ylabel: str,
    percent: bool = False,
) -> Figure:
    """Values at each assessment: one point per run, a line per series.

    Parameters
    ----------
    values : Series or DataFrame
        Index: the runs in order (their labels, e.g. the run ids), one column per series.
        Missing values leave a gap.
    title : str
        The finding the chart shows.
    ylabel : str
        The y axis label with its unit.
    percent : bool
        Show the values (fractions) as percentages, on an axis from 0 to 100 % (or more).

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot; display it as the cell's last expression.
    """
    frame = values.to_frame() if isinstance(values, pd.Series) else values
    with _chart(title, ylabel=ylabel, xlabel=tr("Assessment")) as (fig, ax):
        if frame.empty:
            _empty(ax)
            return fig
        x = np.arange(len(frame))
        for position, column in enumerate(frame.columns):
            (numbers,) = _numbers(frame, column)
            ax.plot(
                x,
                numbers,
                color=PALETTE[position % len(PALETTE)],
                marker="o",
                markersize=5,
                label=str(column),
            )
        _columns_axis(ax, [str(label) for label in frame.index])
        ax.set_xlim(-0.5, len(frame) - 0.5)
        if percent:  # a score of 0..1 on its whole scale, so small moves do not look large
            top = np.nanmax(frame.apply(pd.to_numeric, errors="coerce").to_numpy(float))
            ax.set_ylim(0.0, max(1.0, float(top) * 1.05) if np.isfinite(top) else 1.0)
            _percent_axis(ax.yaxis)
        if len(frame.columns) > 1:
            fig.legend(loc="outside lower left", ncols=min(4, frame.shape[1]))
    return fig
