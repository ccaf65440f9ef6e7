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
import functools
import math
from collections.abc import Callable, Iterable, Iterator
from types import MappingProxyType
from typing import Any, ParamSpec

import matplotlib as mpl
import matplotlib.colors as mcolors
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, FuncFormatter, LogLocator, NullFormatter

__all__ = [
    "ACCENT",
    "CJK_FONTS",
    "MUTED",
    "PALETTE",
    "VERDICT_COLOURS",
    "WARNING",
    "font_families",
    "apply_house_style",
    "bar_chart",
    "concentration_chart",
    "coverage_chart",
    "distribution_chart",
    "event_study_chart",
    "forest_plot",
    "grouped_bar_chart",
    "heatmap_chart",
    "histogram_chart",
    "house_rc",
    "house_style",
    "interval_chart",
    "line_chart",
    "score_chart",
    "stacked_share_chart",
    "survival_chart",
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

_P = ParamSpec("_P")

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
    return {**_HOUSE_RC, "font.family": font_families()}


#: Fonts that draw Chinese, Japanese and Korean text, most preferred first, as Linux, macOS
#: and Windows name them; the first installed one backs up the house font.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "PingFang SC",
    "Microsoft YaHei",
    "SimHei",
)


def font_families() -> list[str]:
    """The house font, then the first installed font of :data:`CJK_FONTS` as its fallback.

    matplotlib draws each character with the first family in the list that has it, so a
    client's Chinese segment or product name shows as written, not as empty boxes.

    Examples
    --------
    >>> font_families()[0]
    'DejaVu Sans'
    """
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *[name for name in CJK_FONTS if name in installed][:1]]


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


def _literal(text: str) -> str:
    """Text that matplotlib draws as written: every ``$`` escaped, so no mathtext."""
    return text.replace("$", r"\$")


def _literal_text(chart: Callable[_P, Figure]) -> Callable[_P, Figure]:
    """Make every text of a chart show as written: client text is never a formula.

    matplotlib reads text between two ``$`` as mathtext: a segment or campaign named
    ``$\\frac{a}{b}$`` would be typeset as a fraction, and one with an unknown command
    makes drawing raise. Once the chart is built, every text in it (titles, axis labels,
    legends, value labels, and the fixed tick labels, which are set again while drawing)
    gets its ``$`` escaped. Escaping, not ``parse_math=False``: matplotlib measures the lines
    of wrapped text (the titles) as mathtext whenever they hold an even number of ``$``,
    whatever ``parse_math`` says. No crmkit chart uses mathtext; numbers on the axes that
    matplotlib formats while drawing hold no ``$``.
    """

    @functools.wraps(chart)
    def literal_chart(*args: _P.args, **kwargs: _P.kwargs) -> Figure:
        fig = chart(*args, **kwargs)
        for text in fig.findobj(Text):
            text.set_parse_math(True)
            text.set_text(_literal(text.get_text()))
        for ax in fig.axes:
            for axis in (ax.xaxis, ax.yaxis):
                for formatter in (axis.get_major_formatter(), axis.get_minor_formatter()):
                    if isinstance(formatter, FixedFormatter):
                        formatter.seq = [_literal(str(label)) for label in formatter.seq]
        return fig

    return literal_chart


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


@_literal_text
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


#: Colour of each before/after verdict (see :func:`crmkit.stats.impact.finalize`).
VERDICT_COLOURS = MappingProxyType(
    {
        "improved": ACCENT,
        "worsened": WARNING,
        "no detectable change": MUTED,
        "insufficient data": "#d5dae0",
    }
)


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
        fractions (0.08 is drawn as +8 %). Rows without an estimate (a relative change that
        was withheld, e.g. of a base near zero) are left out.
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
    missing = {label, estimate, low, high, verdict} - set(frame.columns)
    if missing:
        raise ValueError(f"forest_plot needs the columns {sorted(missing)}")
    points_all = pd.to_numeric(frame[estimate], errors="coerce").to_numpy(float) * 100
    frame = frame.loc[np.isfinite(points_all)]
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
        ax.set_yticks(positions, [str(v) for v in frame[label]])
        ax.set_ylim(len(frame) - 0.5, -0.7)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:+,.0f} %"))
        ax.set_xlabel(xlabel)
        shown = [v for v in VERDICT_COLOURS if v in set(frame[verdict])]
        handles = [
            Line2D([], [], color=VERDICT_COLOURS[v], marker="o", linewidth=2.2) for v in shown
        ]
        if handles:
            fig.legend(handles, shown, loc="outside lower left", ncols=len(handles))
    return fig


@_literal_text
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


@_literal_text
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


# --------------------------------------------------------------------------- customer charts


def _title(ax: Axes, title: str) -> None:
    """:func:`_finish` with a no-break space before "%", so a title never wraps between a
    number and its unit."""
    _finish(ax, title.replace(" %", "\u00a0%"))


def _log_ticks(ax: Axes) -> None:
    """Readable ticks on a logarithmic x axis that spans less than a few powers of ten."""
    low, high = ax.get_xlim()
    nice = [b * 10.0**e for e in range(-3, 4) for b in (1, 2, 3, 5)]
    nice += [0.6, 0.7, 0.8, 0.9, 1.1, 1.2, 1.3, 1.5]
    inside = sorted({round(v, 6) for v in nice if low <= v <= high})
    if len(inside) > 9:
        step = math.ceil(len(inside) / 9)
        keep = set(inside[::step]) | ({1.0} if 1.0 in inside else set())
        inside = sorted(keep)
    if len(inside) >= 2:
        ax.set_xticks(inside, [f"{v:g}" for v in inside])
        ax.xaxis.set_minor_formatter(NullFormatter())


def _percent_axis(axis: Any) -> None:
    """Tick labels of fractions as whole percentages (0.25 → "25 %")."""
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v * 100:.0f} %"))


def _text_colour(colour: str) -> str:
    """White on dark fills, the text colour on light ones (for labels inside bars and cells)."""
    red, green, blue = mcolors.to_rgb(colour)
    return "white" if 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.55 else _TEXT


def _series_colours(n: int, colors: Iterable[str] | None) -> list[str]:
    chosen = list(colors) if colors is not None else []
    return [chosen[i] if i < len(chosen) else PALETTE[i % len(PALETTE)] for i in range(n)]


def _missing_columns(frame: pd.DataFrame, columns: Iterable[str], chart: str) -> None:
    missing = set(columns) - set(frame.columns)
    if missing:
        raise ValueError(f"{chart} needs the columns {sorted(missing)}")


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
    with house_style():
        fig, ax = _new_figure(_bars_height(len(frame)))
        _title(ax, title)
        ax.set_xlabel(xlabel)
        if frame.empty:
            _empty(ax)
            return fig
        marked = set(highlight) if highlight is not None else None
        points = pd.to_numeric(frame[estimate], errors="coerce").to_numpy(float)
        lows = pd.to_numeric(frame[low], errors="coerce").to_numpy(float)
        highs = pd.to_numeric(frame[high], errors="coerce").to_numpy(float)
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
                ax.text(anchor, y, " n/a", va="center", color=_SUBTLE, fontsize=9)
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
        ax.set_yticks(np.arange(len(frame)), labels)
        ax.set_ylim(len(frame) - 0.5, -0.5)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        if log_scale:
            ax.set_xscale("log")
        ax.margins(x=0.12)
        if log_scale:
            _log_ticks(ax)
    return fig


@_literal_text
def stacked_share_chart(
    shares: pd.DataFrame,
    *,
    title: str,
    xlabel: str = "Share (%)",
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
    xlabel : str, default ``"Share (%)"``
        Label of the value axis.
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
    with house_style():
        fig, ax = _new_figure(_bars_height(len(shares)) + 0.4)
        _title(ax, title)
        ax.set_xlabel(xlabel)
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
        ax.set_yticks(positions, [str(v) for v in shares.index])
        ax.invert_yaxis()
        ax.set_xlim(0, max(1.0, float(left.max())))
        _percent_axis(ax.xaxis)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="y", visible=False)
        fig.legend(loc="outside lower left", ncols=min(5, shares.shape[1]))
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
    with house_style():
        fig, ax = _new_figure()
        _title(ax, title)
        ax.set_ylabel(ylabel)
        if xlabel:
            ax.set_xlabel(xlabel)
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
            text = ["" if _is_nan(v) else value_format.format(v) for v in heights]
            ax.bar_label(bars, labels=text, padding=2, fontsize=7 if small else 8, color=_TEXT)
        labels = [str(v) for v in frame.index]
        ax.set_xticks(positions, labels)
        if max(len(t) for t in labels) * len(labels) > 70:
            ax.tick_params(axis="x", labelrotation=30)
            for tick in ax.get_xticklabels():
                tick.set_horizontalalignment("right")
        ax.tick_params(axis="x", length=0)
        ax.grid(axis="x", visible=False)
        ax.margins(y=0.12)
        _readable_numbers(ax.yaxis, values)
        fig.legend(loc="outside lower left", ncols=min(4, k))
    return fig


def _row_label(value: Any) -> str:
    if isinstance(value, pd.Timestamp | dt.date | np.datetime64):
        return f"{pd.Timestamp(value):%Y-%m}"
    return str(value)


@_literal_text
def heatmap_chart(
    matrix: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    colorbar_label: str,
    percent: bool = True,
    value_format: str = "{:.0f}",
    split_at: DateLike | None = None,
    split_label: str = "Go-live",
) -> Figure:
    """A table of numbers as coloured cells, e.g. acquisition month × months since acquisition.

    Parameters
    ----------
    matrix : pandas.DataFrame
        The cells; rows top to bottom and columns left to right in the frame's order. A
        datetime index is labelled by month ("2024-01"). NaN cells (periods not observed
        yet) stay blank.
    title : str
        The finding the chart shows.
    xlabel, ylabel : str
        Axis labels.
    colorbar_label : str
        Label of the colour scale, with its unit.
    percent : bool, default True
        The cells hold fractions, shown and labelled in percent (0.35 → "35").
    value_format : str, default ``"{:.0f}"``
        :meth:`str.format` pattern for the values written in the cells (written when there
        are at most 700 cells).
    split_at : date-like, optional
        Draw a dashed line above the first row whose index is on or after this date (the
        cohorts acquired from go-live on), labelled ``split_label``.
    split_label : str, default "Go-live"
        The line's label.

    Returns
    -------
    matplotlib.figure.Figure
        Cells from white to :data:`ACCENT`, with a colour bar. Closed for pyplot.

    Examples
    --------
    >>> m = pd.DataFrame([[1.0, 0.4], [1.0, np.nan]], index=pd.to_datetime(["2024-01-01", "2024-02-01"]))
    >>> heatmap_chart(m, title="Retention", xlabel="Months", ylabel="Cohort",
    ...               colorbar_label="Active (%)").axes[0].get_title(loc="left")
    'Retention'
    """
    rows, columns = matrix.shape
    with house_style():
        height = float(min(max(3.2, 0.27 * rows + 1.8), 14.0))
        fig, ax = _new_figure(height)
        _title(ax, title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if matrix.empty:
            _empty(ax)
            return fig
        values = matrix.apply(pd.to_numeric, errors="coerce").to_numpy(float)
        shown = values * 100 if percent else values
        cmap = mcolors.LinearSegmentedColormap.from_list(
            "crmkit", ["#f4f8fb", ACCENT]
        ).with_extremes(bad="white")
        finite = shown[np.isfinite(shown)]
        low = float(finite.min()) if finite.size else 0.0
        high = float(finite.max()) if finite.size else 1.0
        image = ax.imshow(
            np.ma.masked_invalid(shown),
            cmap=cmap,
            vmin=low,
            vmax=high if high > low else low + 1,
            aspect="auto",
            interpolation="nearest",
        )
        image.set_gid("cells")
        if rows * columns <= 700:
            size = 9 if columns <= 12 else 7 if columns <= 18 else 6
            middle = (low + high) / 2
            for i in range(rows):
                for j in range(columns):
                    v = shown[i, j]
                    if np.isfinite(v):
                        ax.text(
                            j,
                            i,
                            value_format.format(v),
                            ha="center",
                            va="center",
                            fontsize=size,
                            color="white" if v > middle and high > low else _TEXT,
                        )
        step_x = max(1, int(math.ceil(columns / 24)))
        step_y = max(1, int(math.ceil(rows / 36)))
        ax.set_xticks(np.arange(0, columns, step_x), [str(c) for c in matrix.columns[::step_x]])
        ax.set_yticks(np.arange(0, rows, step_y), [_row_label(v) for v in matrix.index[::step_y]])
        ax.tick_params(length=0)
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        bar = fig.colorbar(image, ax=ax, shrink=0.8, pad=0.02)
        bar.set_label(colorbar_label)
        bar.outline.set_visible(False)
        if split_at is not None:
            split = _timestamp(split_at, "split_at")
            try:
                index = pd.DatetimeIndex(pd.to_datetime(matrix.index))
            except (TypeError, ValueError) as error:
                raise ValueError("split_at needs a date index") from error
            after = np.flatnonzero(index >= split)
            if after.size and after[0] > 0:
                line = ax.axhline(after[0] - 0.5, color=_TEXT, linestyle="--", linewidth=1.2)
                line.set_gid("split")
                ax.annotate(
                    split_label,
                    (1.0, after[0] - 0.5),
                    xycoords=("axes fraction", "data"),
                    xytext=(-4, 3),
                    textcoords="offset points",
                    ha="right",
                    va="bottom",
                    fontsize=9,
                    color=_TEXT,
                    gid="split-label",
                )
    return fig


@_literal_text
def survival_chart(
    curve: pd.DataFrame,
    *,
    title: str,
    xlabel: str,
    ylabel: str = "Customers still active (%)",
    group: str = "group",
    time: str = "time",
    survival: str = "survival",
    low: str = "ci_low",
    high: str = "ci_high",
    labels: dict[Any, str] | None = None,
    colors: Iterable[str] | None = None,
) -> Figure:
    """Kaplan–Meier survival (retention) curves as steps, with their confidence bands.

    Parameters
    ----------
    curve : pandas.DataFrame
        The curves in long form (:attr:`crmkit.domains.customers.KaplanMeierResult.curve`): one row
        per group and time, with the survival and its confidence limits as fractions.
    title : str
        The finding the chart shows.
    xlabel : str
        Label of the time axis, with its unit, e.g. ``"Days since the window began"``.
    ylabel : str, default ``"Customers still active (%)"``
        Label of the survival axis.
    group, time, survival, low, high : str
        Column names.
    labels : dict, optional
        Legend text for each group value (default: the value itself).
    colors : iterable of str, optional
        One colour per group in order of appearance; default :data:`MUTED` for the first
        (before go-live), :data:`ACCENT` for the second (after go-live), then the rest of
        :data:`PALETTE`.

    Returns
    -------
    matplotlib.figure.Figure
        Step curves with shaded bands; the survival axis in percent, from 100 % down to just
        below the lowest band. Closed for pyplot.

    Raises
    ------
    ValueError
        If a column is missing.

    Examples
    --------
    >>> c = pd.DataFrame({"group": ["before"] * 2 + ["after"] * 2, "time": [0, 30, 0, 30],
    ...                   "survival": [1, 0.9, 1, 0.95], "ci_low": [1, 0.85, 1, 0.9],
    ...                   "ci_high": [1, 0.94, 1, 0.98]})
    >>> survival_chart(c, title="Fewer leave", xlabel="Days").axes[0].get_title(loc="left")
    'Fewer leave'
    """
    _missing_columns(curve, (group, time, survival, low, high), "survival_chart")
    with house_style():
        fig, ax = _new_figure()
        _title(ax, title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        if curve.empty:
            _empty(ax)
            return fig
        groups = list(dict.fromkeys(curve[group]))
        default = [MUTED, ACCENT, *PALETTE[2:]]
        colours = _series_colours(len(groups), colors if colors is not None else default)
        bottom = 1.0
        for name, colour in zip(groups, colours, strict=True):
            rows = curve.loc[curve[group] == name].sort_values(time, kind="stable")
            x = pd.to_numeric(rows[time]).to_numpy(float)
            y = pd.to_numeric(rows[survival], errors="coerce").to_numpy(float)
            lo = pd.to_numeric(rows[low], errors="coerce").to_numpy(float)
            hi = pd.to_numeric(rows[high], errors="coerce").to_numpy(float)
            text = (labels or {}).get(name, str(name))
            ax.step(x, y, where="post", color=colour, linewidth=2.0, label=text)
            band = np.isfinite(lo) & np.isfinite(hi)
            if band.any():
                ax.fill_between(
                    x, lo, hi, where=band, step="post", color=colour, alpha=0.2, linewidth=0
                )
            present = np.concatenate([y[np.isfinite(y)], lo[band]])
            if present.size:
                bottom = min(bottom, float(present.min()))
        ax.set_ylim(max(0.0, math.floor(bottom * 10 - 0.5) / 10), 1.005)
        ax.set_xlim(left=0)
        _percent_axis(ax.yaxis)
        fig.legend(loc="outside lower left", ncols=min(4, len(groups)))
    return fig


@_literal_text
def concentration_chart(
    curve: pd.DataFrame,
    *,
    title: str,
    xlabel: str = "Customers, largest first (% of all customers)",
    ylabel: str = "Cumulative share of revenue (%)",
    customer_share: str = "customer_share",
    cumulative_share: str = "cumulative_share",
    marks: Iterable[float] = (0.2,),
    max_points: int = 1000,
) -> Figure:
    """The concentration (Lorenz-style) curve: what share of value the largest customers hold.

    Parameters
    ----------
    curve : pandas.DataFrame
        :func:`crmkit.domains.clv.concentration_curve`: per customer, largest first, the share of
        customers so far and their cumulative share of value (fractions).
    title : str
        The finding the chart shows.
    xlabel, ylabel : str
        Axis labels.
    customer_share, cumulative_share : str
        Column names.
    marks : iterable of float, default (0.2,)
        Shares of customers to mark and label with the value they hold ("top 20 %: 74 %").
    max_points : int, default 1000
        The curve is thinned to about this many points (it is smooth).

    Returns
    -------
    matplotlib.figure.Figure
        The curve in :data:`ACCENT` from (0, 0), the line of equal spend dashed in
        :data:`MUTED`, the gap between them shaded. Closed for pyplot.

    Raises
    ------
    ValueError
        If a column is missing.

    Examples
    --------
    >>> c = pd.DataFrame({"customer_share": [0.5, 1.0], "cumulative_share": [0.8, 1.0]})
    >>> concentration_chart(c, title="Half the customers bring most").axes[0].get_title(loc="left")
    'Half the customers bring most'
    """
    _missing_columns(curve, (customer_share, cumulative_share), "concentration_chart")
    with house_style():
        fig, ax = _new_figure()
        _title(ax, title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        x = pd.to_numeric(curve[customer_share], errors="coerce").to_numpy(float)
        y = pd.to_numeric(curve[cumulative_share], errors="coerce").to_numpy(float)
        ok = np.isfinite(x) & np.isfinite(y)
        x, y = x[ok], y[ok]
        if x.size == 0:
            _empty(ax)
            return fig
        if x.size > max_points:
            keep = np.unique(np.linspace(0, x.size - 1, max_points).round().astype(np.int64))
            x, y = x[keep], y[keep]
        x, y = np.r_[0.0, x], np.r_[0.0, y]
        equal = ax.plot([0, 1], [0, 1], color=MUTED, linestyle="--", linewidth=1.2)[0]
        equal.set_gid("equality")
        ax.fill_between(x, x, y, color=ACCENT, alpha=0.12, linewidth=0)
        ax.plot(x, y, color=ACCENT, linewidth=2.2)
        for mark in marks:
            held = float(np.interp(mark, x, y))
            ax.plot([mark], [held], marker="o", markersize=7, color=ACCENT, zorder=4)
            ax.annotate(
                f"top {mark * 100:.0f} % of customers: {held * 100:.0f} %",
                (mark, held),
                xytext=(10, -14),
                textcoords="offset points",
                fontsize=9,
                color=_TEXT,
                gid="mark",
            )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        _percent_axis(ax.xaxis)
        _percent_axis(ax.yaxis)
        handles = [
            Line2D([], [], color=ACCENT, linewidth=2.2),
            Line2D([], [], color=MUTED, linestyle="--"),
        ]
        fig.legend(
            handles,
            ["Largest customers first", "If every customer bought the same"],
            loc="outside lower left",
            ncols=2,
        )
    return fig
