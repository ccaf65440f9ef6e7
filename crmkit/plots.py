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
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from collections.abc import Iterable, Iterator
from types import MappingProxyType
from typing import Any

import matplotlib as mpl
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

__all__ = [
    "ACCENT",
    "MUTED",
    "PALETTE",
    "VERDICT_COLOURS",
    "WARNING",
    "apply_house_style",
    "bar_chart",
    "coverage_chart",
    "distribution_chart",
    "event_study_chart",
    "forest_plot",
    "histogram_chart",
    "house_rc",
    "house_style",
    "line_chart",
    "score_chart",
    "tornado_chart",
]

#: The accent colour: the CRM, "after", treated units, the figure that matters.
ACCENT = "#1b6ca8"
#: Grey for "before", control units and context.
MUTED = "#9aa5b1"
#: Values that need attention (below a threshold, partial coverage).
WARNING = "#d9822b"
#: Colour order for charts with several series (accent and grey first).
PALETTE = (ACCENT, MUTED, "#e0a040", "#4f9d69", "#8c6bb1", "#c05a6a", "#3b3b3b")

#: What the chart functions accept as a date.
DateLike = str | dt.date | dt.datetime | pd.Timestamp | np.datetime64

_TEXT = "#1f2328"
_SUBTLE = "#5b636e"
_COVERAGE_SLACK = pd.Timedelta(
    days=31
)  # a table reaching into the first and last month covers the window
_GRID = "#e3e6ea"
_EMPTY_MESSAGE = "No data to show"

_HOUSE_RC = MappingProxyType(
    {
        "figure.figsize": (8.0, 4.5),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "savefig.bbox": "tight",
        "savefig.facecolor": "white",
        "figure.facecolor": "white",
        "figure.constrained_layout.use": True,
        "font.size": 10,
        "axes.titlesize": 12.5,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.titlepad": 18,
        "axes.titlecolor": _TEXT,
        "axes.labelsize": 10,
        "axes.labelcolor": _TEXT,
        "axes.edgecolor": "#8a939d",
        "axes.linewidth": 0.8,
        "axes.facecolor": "white",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "axes.axisbelow": True,
        "axes.prop_cycle": cycler(color=list(PALETTE)),
        "grid.color": _GRID,
        "grid.linewidth": 0.8,
        "xtick.labelsize": 9,
        "ytick.labelsize": 9,
        "xtick.color": _SUBTLE,
        "ytick.color": _SUBTLE,
        "legend.frameon": False,
        "legend.fontsize": 9,
        "lines.linewidth": 2.0,
        "svg.fonttype": "none",
    }
)


def house_rc() -> dict[str, Any]:
    """The house style as a new dict of matplotlib rcParams.

    Returns
    -------
    dict
        rcParams: PNG at 100 dpi (``figure.dpi``, ``savefig.dpi``), figure size 8 × 4.5 in,
        no top or right spines, a light grid, left-aligned titles, :data:`PALETTE` as the
        colour cycle.

    Examples
    --------
    >>> house_rc()["figure.dpi"]
    100
    """
    return dict(_HOUSE_RC)


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style inside a ``with`` block; the previous rcParams come back after.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> with house_style():
    ...     mpl.rcParams["savefig.dpi"]
    100.0
    """
    interactive = mpl.is_interactive()
    try:
        with mpl.rc_context(house_rc()):
            try:
                yield
            finally:
                # The house style does not set "interactive": a change made inside the block
                # is the backend's (IPython's inline backend switches it on when the first
                # figure loads it) and must outlive the block, or later pyplot charts of the
                # notebook are never shown.
                interactive = mpl.is_interactive()
    finally:
        mpl.interactive(interactive)


def apply_house_style() -> None:
    """Apply the house style to the global rcParams, for the rest of the session.

    Meant for a notebook's own ad-hoc charts; crmkit's chart functions do not need it.
    Undo with ``matplotlib.rcdefaults()``.
    """
    mpl.rcParams.update(house_rc())


# --------------------------------------------------------------------------- helpers


def _new_figure(height: float | None = None) -> tuple[Figure, Axes]:
    """A figure in the house style (call inside ``house_style()``), closed for pyplot."""
    width = mpl.rcParams["figure.figsize"][0]
    size = (width, height) if height is not None else None
    fig, ax = plt.subplots(figsize=size)
    plt.close(fig)
    return fig, ax


def _finish(ax: Axes, title: str) -> None:
    ax.set_title(title, loc="left", wrap=True)


def _empty(ax: Axes) -> None:
    ax.text(
        0.5,
        0.5,
        _EMPTY_MESSAGE,
        transform=ax.transAxes,
        ha="center",
        va="center",
        color=_SUBTLE,
        fontsize=11,
    )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)


def _bars_height(n: int) -> float:
    return float(min(max(2.4, 0.38 * n + 1.4), 14.0))


def _timestamp(value: Any, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a date, got {value!r}") from error
    if pd.isna(stamp):
        raise ValueError(f"{name} must be a date, got {value!r}")
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _date_index(index: pd.Index) -> pd.DatetimeIndex:
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp()
    if isinstance(index, pd.DatetimeIndex):
        return index.tz_localize(None) if index.tz is not None else index
    try:
        return pd.DatetimeIndex(pd.to_datetime(index, format="ISO8601"))
    except (TypeError, ValueError) as error:
        raise ValueError(
            "line_chart needs a date index (monthly DatetimeIndex or PeriodIndex); "
            f"got {type(index).__name__}"
        ) from error


def _go_live_line(ax: Axes, go_live: DateLike) -> None:
    x = mdates.date2num(_timestamp(go_live, "go_live").to_pydatetime())
    line = ax.axvline(x, color=_TEXT, linestyle="--", linewidth=1.2, zorder=3)
    line.set_gid("go-live")
    ax.text(
        x,
        1.0,
        "Go-live",
        transform=ax.get_xaxis_transform(),
        ha="center",
        va="bottom",
        fontsize=9,
        color=_TEXT,
        gid="go-live-label",
    )


def _readable_numbers(axis: Any, values: np.ndarray) -> None:
    """Thousands separators instead of a scientific offset for large values."""
    finite = np.abs(values[np.isfinite(values)])
    if finite.size and finite.max() >= 1000:
        axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))


def _is_nan(value: Any) -> bool:
    try:
        return math.isnan(value)
    except TypeError:
        return value is None


# --------------------------------------------------------------------------- charts


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
    with house_style():
        height = _bars_height(len(values)) if horizontal else None
        fig, ax = _new_figure(height)
        _finish(ax, title)
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
            ax.set_yticks(positions, labels)
            ax.invert_yaxis()
            ax.set_xlabel(xlabel)
            ax.grid(axis="y", visible=False)
            ax.tick_params(axis="y", length=0)
            ax.margins(x=0.14)
        else:
            bars = ax.bar(positions, drawn, color=colors, width=0.65)
            ax.set_xticks(positions, labels)
            ax.set_ylabel(xlabel)
            ax.grid(axis="x", visible=False)
            ax.tick_params(axis="x", length=0)
            ax.margins(y=0.12)
            if max(len(label) for label in labels) * len(labels) > 70:
                ax.tick_params(axis="x", labelrotation=30)
                for tick in ax.get_xticklabels():
                    tick.set_horizontalalignment("right")
        text = ["n/a" if _is_nan(v) else value_format.format(v) for v in numbers]
        ax.bar_label(bars, labels=text, padding=3, fontsize=9, color=_TEXT)
        _readable_numbers(ax.xaxis if horizontal else ax.yaxis, numbers)
    return fig


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
    with house_style():
        fig, ax = _new_figure()
        _finish(ax, title)
        ax.set_ylabel(ylabel)
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
        locator = mdates.AutoDateLocator(maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.grid(axis="x", visible=False)
        _readable_numbers(ax.yaxis, frame.apply(pd.to_numeric, errors="coerce").to_numpy(float))
        if go_live is not None:
            _go_live_line(ax, go_live)
        if len(frame.columns) > 1:
            fig.legend(loc="outside lower left", ncols=min(4, frame.shape[1]))
    return fig


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
    missing = {"first_date", "last_date"} - set(coverage.columns)
    if missing:
        raise ValueError(f"coverage needs the columns {sorted(missing)}")
    start = _timestamp(window_start, "window_start")
    end = _timestamp(window_end, "window_end")
    with house_style():
        fig, ax = _new_figure(_bars_height(len(coverage)))
        _finish(ax, title)
        if coverage.empty:
            _empty(ax)
            return fig
        first = pd.to_datetime(coverage["first_date"], errors="coerce", format="ISO8601")
        last = pd.to_datetime(coverage["last_date"], errors="coerce", format="ISO8601")
        positions = np.arange(len(coverage))
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
                    " no dates",
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
        ax.set_yticks(positions, [str(name) for name in coverage.index])
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        ax.xaxis_date()
        locator = mdates.AutoDateLocator(maxticks=10)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_xlabel("Date")
        _go_live_line(ax, go_live)
        handles = [Patch(color=ACCENT, alpha=0.15, label="Assessment window")]
        if True in kinds:
            handles.append(Patch(color=ACCENT, label="Covers the window"))
        if False in kinds:
            handles.append(Patch(color=WARNING, label="Covers part of the window"))
        fig.legend(handles=handles, loc="outside lower left", ncols=len(handles))
    return fig


def score_chart(
    scores: pd.Series,
    *,
    title: str,
    threshold: float = 0.9,
    xlabel: str = "Score (%)",
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
    xlabel : str, default ``"Score (%)"``
        Label of the value axis.

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot; display it as the cell's last expression (see the module notes).
    """
    scores = pd.Series(scores)
    with house_style():
        fig, ax = _new_figure(_bars_height(len(scores)))
        _finish(ax, title)
        if scores.empty:
            _empty(ax)
            return fig
        numbers = pd.to_numeric(scores, errors="coerce").to_numpy(dtype=float)
        drawn = np.nan_to_num(numbers, nan=0.0)
        colors = [WARNING if (not _is_nan(v) and v < threshold) else ACCENT for v in numbers]
        positions = np.arange(len(scores))
        bars = ax.barh(positions, drawn, color=colors, height=0.65)
        ax.set_yticks(positions, [str(label) for label in scores.index])
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        labels = ["n/a" if _is_nan(v) else f"{v * 100:.1f} %" for v in numbers]
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
            f"Threshold {threshold * 100:.0f} %",
            "At or above the threshold",
            "Below the threshold",
        ]
        fig.legend(handles, names, loc="outside lower left", ncols=3)
    return fig


#: Colour of each before/after verdict (see :func:`crmkit.impact.finalize`).
VERDICT_COLOURS = MappingProxyType(
    {
        "improved": ACCENT,
        "worsened": WARNING,
        "no detectable change": MUTED,
        "insufficient data": "#d5dae0",
    }
)


def forest_plot(
    frame: pd.DataFrame,
    *,
    title: str,
    xlabel: str = "Change after go-live (%)",
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
        fractions (0.08 is drawn as +8 %). A row without an estimate is listed as ``n/a``.
    title : str
        The finding the chart shows.
    xlabel : str
        Label of the x axis.
    label, estimate, low, high, verdict : str
        Column names.

    Returns
    -------
    matplotlib.figure.Figure
        A dot per estimate with its interval as a line, coloured by verdict
        (:data:`VERDICT_COLOURS`), and a dashed line at no change. Closed for pyplot.

    Examples
    --------
    >>> f = pd.DataFrame({"label": ["Win rate"], "change_pct": [0.3], "change_pct_ci_low": [0.2],
    ...                   "change_pct_ci_high": [0.4], "verdict": ["improved"]})
    >>> forest_plot(f, title="Win rate improved").axes[0].get_title(loc="left")
    'Win rate improved'
    """
    missing = {label, estimate, low, high, verdict} - set(frame.columns)
    if missing:
        raise ValueError(f"forest_plot needs the columns {sorted(missing)}")
    with house_style():
        fig, ax = _new_figure(_bars_height(len(frame)))
        _finish(ax, title)
        if frame.empty:
            _empty(ax)
            return fig
        positions = np.arange(len(frame))
        points = pd.to_numeric(frame[estimate], errors="coerce").to_numpy(float) * 100
        lows = pd.to_numeric(frame[low], errors="coerce").to_numpy(float) * 100
        highs = pd.to_numeric(frame[high], errors="coerce").to_numpy(float) * 100
        colours = [VERDICT_COLOURS.get(v, MUTED) for v in frame[verdict]]
        for y, point, lo, hi, colour in zip(positions, points, lows, highs, colours, strict=True):
            if np.isfinite(lo) and np.isfinite(hi):
                ax.plot([lo, hi], [y, y], color=colour, linewidth=2.2, solid_capstyle="round")
            if np.isfinite(point):
                ax.plot([point], [y], marker="o", markersize=7, color=colour, zorder=4)
            else:
                ax.text(0, y, " n/a", va="center", color=_SUBTLE, fontsize=9)
        zero = ax.axvline(0, color=_TEXT, linestyle="--", linewidth=1.0, zorder=2)
        zero.set_gid("no-change")
        ax.set_yticks(positions, [str(v) for v in frame[label]])
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:+.0f} %"))
        ax.set_xlabel(xlabel)
        shown = [v for v in VERDICT_COLOURS if v in set(frame[verdict])]
        handles = [
            Line2D([], [], color=VERDICT_COLOURS[v], marker="o", linewidth=2.2) for v in shown
        ]
        if handles:
            fig.legend(handles, shown, loc="outside lower left", ncols=len(handles))
    return fig


def distribution_chart(
    before: pd.Series,
    after: pd.Series,
    *,
    title: str,
    xlabel: str,
    log_scale: bool = False,
    labels: tuple[str, str] = ("Before go-live", "After go-live"),
) -> Figure:
    """Two horizontal box plots, before (grey) and after (accent), with the medians written.

    Boxes span the quartiles, whiskers the 5th to 95th percentiles; points beyond are not
    drawn (with skewed amounts they would hide the boxes).

    Parameters
    ----------
    before, after : pandas.Series
        The observations of each window (NaN dropped).
    title : str
        The finding the chart shows.
    xlabel : str
        Label of the value axis, with its unit.
    log_scale : bool, default False
        A logarithmic value axis, for amounts and durations that span orders of magnitude.
    labels : tuple of str
        The names of the two windows.

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot; display it as the cell's last expression.
    """
    groups = [
        pd.to_numeric(pd.Series(s), errors="coerce").dropna().to_numpy(float)
        for s in (before, after)
    ]
    if log_scale:
        groups = [g[g > 0] for g in groups]
    with house_style():
        fig, ax = _new_figure(2.9)
        _finish(ax, title)
        if all(g.size == 0 for g in groups):
            _empty(ax)
            return fig
        present = [i for i, g in enumerate(groups) if g.size]
        boxes = ax.boxplot(
            [groups[i] for i in present],
            positions=present,
            orientation="horizontal",
            whis=(5, 95),
            showfliers=False,
            widths=0.55,
            patch_artist=True,
            medianprops={"color": _TEXT, "linewidth": 1.6},
        )
        for patch, i in zip(boxes["boxes"], present, strict=True):
            patch.set_facecolor((MUTED, ACCENT)[i])
            patch.set_edgecolor((MUTED, ACCENT)[i])
            patch.set_alpha(0.85)
        for i in present:
            median = float(np.median(groups[i]))
            ax.annotate(
                f"median {median:,.3g}" if median < 1000 else f"median {median:,.0f}",
                (median, i - 0.31),  # just above the box (the y axis is inverted)
                ha="center",
                va="bottom",
                fontsize=9,
                color=_TEXT,
            )
        ax.set_yticks(
            [0, 1],
            [f"{labels[0]}\n(n = {groups[0].size:,})", f"{labels[1]}\n(n = {groups[1].size:,})"],
        )
        ax.set_ylim(-0.65, 1.45)
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        if log_scale:
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.10g}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
        else:
            _readable_numbers(ax.xaxis, np.concatenate([g for g in groups if g.size]))
    return fig


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
    missing = {period, estimate, low, high} - set(frame.columns)
    if missing:
        raise ValueError(f"event_study_chart needs the columns {sorted(missing)}")
    with house_style():
        fig, ax = _new_figure()
        _finish(ax, title)
        ax.set_ylabel(ylabel)
        ax.set_xlabel("Months relative to go-live")
        if frame.empty:
            _empty(ax)
            return fig
        x = pd.to_numeric(frame[period]).to_numpy(float)
        y = pd.to_numeric(frame[estimate], errors="coerce").to_numpy(float)
        lo = pd.to_numeric(frame[low], errors="coerce").to_numpy(float)
        hi = pd.to_numeric(frame[high], errors="coerce").to_numpy(float)
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
                label="after go-live" if post else "before go-live (should be near zero)",
            )
        ax.axhline(0, color=_TEXT, linewidth=1.0, zorder=1)
        boundary = ax.axvline(-0.5, color=_TEXT, linestyle="--", linewidth=1.2)
        boundary.set_gid("go-live")
        ax.grid(axis="x", visible=False)
        _readable_numbers(ax.yaxis, np.concatenate([lo, hi]))
        fig.legend(loc="outside lower left", ncols=2)
    return fig


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
        (:func:`crmkit.finance.sensitivity`), drawn in the frame's order.
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
    missing = {label, low, high} - set(frame.columns)
    if missing:
        raise ValueError(f"tornado_chart needs the columns {sorted(missing)}")
    shown = frame.head(max_bars)
    with house_style():
        fig, ax = _new_figure(_bars_height(len(shown)))
        _finish(ax, title)
        if shown.empty:
            _empty(ax)
            return fig
        positions = np.arange(len(shown))
        lows = pd.to_numeric(shown[low]).to_numpy(float)
        highs = pd.to_numeric(shown[high]).to_numpy(float)
        ax.barh(positions, lows - base, left=base, color=WARNING, height=0.6, label="input lower")
        ax.barh(positions, highs - base, left=base, color=ACCENT, height=0.6, label="input higher")
        ax.axvline(base, color=_TEXT, linestyle="--", linewidth=1.0).set_gid("base")
        if min(lows.min(), highs.min()) < 0 < max(lows.max(), highs.max()):
            ax.axvline(0, color=_TEXT, linewidth=1.0)
        ax.set_yticks(positions, [str(v) for v in shown[label]])
        ax.invert_yaxis()
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(xlabel)
        _readable_numbers(ax.xaxis, np.concatenate([lows, highs]))
        handles = [
            Patch(color=WARNING),
            Patch(color=ACCENT),
            Line2D([], [], color=_TEXT, linestyle="--"),
        ]
        fig.legend(
            handles, ["input lower", "input higher", "base case"], loc="outside lower left", ncols=3
        )
    return fig


def histogram_chart(
    values: np.ndarray | pd.Series,
    *,
    title: str,
    xlabel: str,
    markers: dict[str, float] | None = None,
    bins: int = 50,
) -> Figure:
    """The distribution of simulated results, with labelled vertical markers.

    Parameters
    ----------
    values : array-like
        The simulated values (NaN dropped).
    title : str
        The finding the chart shows.
    xlabel : str
        Label of the value axis, with its unit.
    markers : dict of str to float, optional
        Vertical dashed lines with a label each (e.g. the 5th and 95th percentiles).
    bins : int
        Histogram bins.

    Returns
    -------
    matplotlib.figure.Figure
        Bars below zero in :data:`WARNING`, the rest in :data:`ACCENT`. Closed for pyplot.
    """
    data = (
        pd.to_numeric(pd.Series(np.asarray(values).ravel()), errors="coerce")
        .dropna()
        .to_numpy(float)
    )
    with house_style():
        fig, ax = _new_figure()
        _finish(ax, title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("Share of simulations (%)")
        if data.size == 0:
            _empty(ax)
            return fig
        weights = np.full(data.size, 100.0 / data.size)
        counts, edges, patches = ax.hist(data, bins=bins, weights=weights, color=ACCENT)
        for patch, left in zip(patches, edges[:-1], strict=True):
            if left < 0:
                patch.set_facecolor(WARNING)
        ax.grid(axis="x", visible=False)
        for name, x in (markers or {}).items():
            line = ax.axvline(x, color=_TEXT, linestyle="--", linewidth=1.0)
            line.set_gid("marker")
            ax.text(
                x,
                1.0,
                name,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=9,
            )
        _readable_numbers(ax.xaxis, data)
    return fig
