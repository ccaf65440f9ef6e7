"""Charts over time: monthly lines, the data-inventory timeline and the event study."""

from __future__ import annotations

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from crmkit.report.plots.canvas import (
    DateLike,
    _bars_height,
    _chart,
    _date_axis,
    _date_index,
    _empty,
    _go_live_line,
    _literal_text,
    _missing_columns,
    _numbers,
    _readable_numbers,
    _rows_axis,
    _timestamp,
)
from crmkit.report.plots.style import _SUBTLE, _TEXT, ACCENT, MUTED, PALETTE, WARNING
from crmkit.words.language import tr

__all__ = [
    "coverage_chart",
    "event_study_chart",
    "line_chart",
]


@_literal_text
def line_chart(
    series: pd.DataFrame | pd.Series,
    *,
    title: str,
    ylabel: str,
    go_live: DateLike | None = None,
) -> Figure:
    """Monthly series as lines, with an optional dashed go-live line.

    Parameters
    ----------
    series : pandas.Series or pandas.DataFrame
        A date-indexed series, or one column per line (the first column in :data:`ACCENT`,
        the second in :data:`MUTED`, then the rest of :data:`PALETTE`). The index may be a
        DatetimeIndex, a PeriodIndex or ISO 8601 date strings (``"2024-01"``).
    title : str
        The finding the chart shows.
    ylabel : str
        Label of the y axis, with its unit, e.g. ``"Orders per month"``.
    go_live : date-like, optional
        Where to draw the dashed vertical line labelled "Go-live" (str, date, datetime,
        Timestamp).

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot; display it as the cell's last expression (see the module notes).

    Raises
    ------
    ValueError
        If the index cannot be read as dates or ``go_live`` is not a date.
    """
    frame = series.to_frame() if isinstance(series, pd.Series) else series
    with _chart(title, ylabel=ylabel) as (fig, ax):
        if frame.empty:
            _empty(ax)
            return fig
        index = _date_index(frame.index)
        for position, column in enumerate(frame.columns):
            ax.plot(
                index.to_pydatetime(),
                pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float),
                color=PALETTE[position % len(PALETTE)],
                label=str(column),
                marker="o" if len(frame) <= 36 else None,
                markersize=3.5,
            )
        _date_axis(ax.xaxis)
        ax.grid(axis="x", visible=False)
        _readable_numbers(ax.yaxis, frame.apply(pd.to_numeric, errors="coerce").to_numpy(float))
        if go_live is not None:
            _go_live_line(ax, go_live)
        if len(frame.columns) > 1:
            fig.legend(loc="outside lower left", ncols=min(4, frame.shape[1]))
    return fig


_COVERAGE_SLACK = pd.Timedelta(
    days=31
)  # a table reaching into the first and last month covers the window


@_literal_text
def coverage_chart(
    coverage: pd.DataFrame,
    *,
    title: str,
    window_start: DateLike,
    window_end: DateLike,
    go_live: DateLike,
) -> Figure:
    """A data-inventory timeline: which table covers which dates.

    Parameters
    ----------
    coverage : pandas.DataFrame
        One row per table (the index is the table name) with columns ``first_date`` and
        ``last_date``. A row whose dates are missing is shown as "no dates".
    title : str
        The finding the chart shows.
    window_start, window_end : date-like
        The assessment window (before start to after end), shaded.
    go_live : date-like
        The go-live date, a dashed line labelled "Go-live".

    Returns
    -------
    matplotlib.figure.Figure
        Tables whose dates reach into the window's first and last month are drawn in
        :data:`ACCENT`, the others in :data:`WARNING`. Closed for pyplot; display it as the cell's last expression.

    Raises
    ------
    ValueError
        If a column is missing or a window date is not a date.
    """
    _missing_columns(coverage, ("first_date", "last_date"), "coverage")
    start = _timestamp(window_start, "window_start")
    end = _timestamp(window_end, "window_end")
    with _chart(title, height=_bars_height(len(coverage))) as (fig, ax):
        if coverage.empty:
            _empty(ax)
            return fig
        first = pd.to_datetime(coverage["first_date"], errors="coerce", format="ISO8601")
        last = pd.to_datetime(coverage["last_date"], errors="coerce", format="ISO8601")
        ax.axvspan(
            mdates.date2num(start.to_pydatetime()),
            mdates.date2num(end.to_pydatetime()),
            color=ACCENT,
            alpha=0.08,
            zorder=0,
            gid="assessment-window",
        )
        kinds = set()
        for y, (a, b) in enumerate(zip(first, last, strict=True)):
            if pd.isna(a) or pd.isna(b):
                ax.text(
                    mdates.date2num(start.to_pydatetime()),
                    y,
                    " " + tr("no dates"),
                    va="center",
                    color=_SUBTLE,
                    fontsize=9,
                )
                continue
            # a table "covers" the window when its dates reach into its first and last month
            full = (
                a.normalize() <= start + _COVERAGE_SLACK and b.normalize() >= end - _COVERAGE_SLACK
            )
            kinds.add(full)
            left = mdates.date2num(a.to_pydatetime())
            width = max(mdates.date2num(b.to_pydatetime()) - left, 1.0)
            ax.barh(y, width, left=left, height=0.55, color=ACCENT if full else WARNING)
        _rows_axis(ax, [str(name) for name in coverage.index])
        ax.xaxis_date()
        _date_axis(ax.xaxis)
        ax.set_xlabel(tr("Date"))
        _go_live_line(ax, go_live)
        handles = [Patch(color=ACCENT, alpha=0.15, label=tr("Assessment window"))]
        if True in kinds:
            handles.append(Patch(color=ACCENT, label=tr("Covers the window")))
        if False in kinds:
            handles.append(Patch(color=WARNING, label=tr("Covers part of the window")))
        fig.legend(handles=handles, loc="outside lower left", ncols=len(handles))
    return fig


@_literal_text
def event_study_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    period: str = "relative_period",
    estimate: str = "estimate",
    low: str = "ci_low",
    high: str = "ci_high",
) -> Figure:
    """Difference between CRM and control units per month relative to go-live, with intervals.

    Before go-live the estimates should scatter around zero (parallel trends); after go-live
    they show the effect as it built up.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per month relative to go-live (0 is the go-live month, −1 the reference month,
        which may be absent), with the estimate and its confidence limits.
    title : str
        The finding the chart shows.
    ylabel : str
        Label of the y axis, with its unit.
    period, estimate, low, high : str
        Column names.

    Returns
    -------
    matplotlib.figure.Figure
        Pre-period points in :data:`MUTED`, post-period points in :data:`ACCENT`, a line at
        zero and a dashed line between month −1 and month 0. Closed for pyplot.
    """
    _missing_columns(frame, (period, estimate, low, high), "event_study_chart")
    with _chart(title, ylabel=ylabel, xlabel=tr("Months relative to go-live")) as (fig, ax):
        if frame.empty:
            _empty(ax)
            return fig
        x = pd.to_numeric(frame[period]).to_numpy(float)
        y, lo, hi = _numbers(frame, estimate, low, high)
        for post, colour in ((False, MUTED), (True, ACCENT)):
            sel = (x >= 0) == post
            ax.errorbar(
                x[sel],
                y[sel],
                yerr=np.vstack([y[sel] - lo[sel], hi[sel] - y[sel]]),
                fmt="o",
                color=colour,
                ecolor=colour,
                elinewidth=1.4,
                markersize=5,
                capsize=0,
                label=tr("after go-live") if post else tr("before go-live (should be near zero)"),
            )
        ax.axhline(0, color=_TEXT, linewidth=1.0, zorder=1)
        boundary = ax.axvline(-0.5, color=_TEXT, linestyle="--", linewidth=1.2)
        boundary.set_gid("go-live")
        ax.grid(axis="x", visible=False)
        _readable_numbers(ax.yaxis, np.concatenate([lo, hi]))
        fig.legend(loc="outside lower left", ncols=2)
    return fig
