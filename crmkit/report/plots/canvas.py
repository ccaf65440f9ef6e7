"""What every chart shares: its figure and title, the empty chart, dates and axes.

Private to :mod:`crmkit.report.plots`: the chart modules build on these.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ParamSpec

import matplotlib as mpl
import matplotlib.colors as mcolors
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import FixedFormatter, FuncFormatter, NullFormatter

from crmkit.data.dates import as_timestamp
from crmkit.report.plots.style import _SUBTLE, _TEXT, PALETTE, house_style

__all__ = []


_P = ParamSpec("_P")


#: What the chart functions accept as a date.
DateLike = str | dt.date | dt.datetime | pd.Timestamp | np.datetime64


_EMPTY_MESSAGE = "No data to show"


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


def _title(ax: Axes, title: str) -> None:
    """:func:`_finish` with a no-break space before "%", so a title never wraps between a
    number and its unit."""
    _finish(ax, title.replace(" %", "\u00a0%"))


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
    """A chart's date parameter, without a time zone (the axes are naive)."""
    return as_timestamp(value, name, drop_timezone=True)


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


def _numbers(frame: pd.DataFrame, *columns: str) -> list[np.ndarray]:
    """The columns as float arrays, anything that is not a number as NaN."""
    return [pd.to_numeric(frame[column], errors="coerce").to_numpy(float) for column in columns]


def _row_label(value: Any) -> str:
    if isinstance(value, pd.Timestamp | dt.date | np.datetime64):
        return f"{pd.Timestamp(value):%Y-%m}"
    return str(value)


@contextlib.contextmanager
def _chart(
    title: str,
    *,
    height: float | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    no_break_percent: bool = False,
) -> Iterator[tuple[Figure, Axes]]:
    """A chart's figure and axes inside :func:`house_style`, titled, its axes labelled.

    ``no_break_percent`` titles with :func:`_title` (a number stays with its "%"), else with
    :func:`_finish`. The labels given are set before the chart draws anything, so an empty
    chart shows them too.
    """
    with house_style():
        fig, ax = _new_figure(height)
        (_title if no_break_percent else _finish)(ax, title)
        if xlabel:
            ax.set_xlabel(xlabel)
        if ylabel:
            ax.set_ylabel(ylabel)
        yield fig, ax


def _rows_axis(ax: Axes, labels: list[str], *, top: float | None = None) -> None:
    """One category a row on the y axis, the first on top, without ticks or horizontal grid.

    ``top`` sets the y limits from below the last row to ``top`` (room above the first row)
    instead of inverting the axis as it stands.
    """
    ax.set_yticks(np.arange(len(labels)), labels)
    if top is None:
        ax.invert_yaxis()
    else:
        ax.set_ylim(len(labels) - 0.5, top)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", visible=False)


def _columns_axis(ax: Axes, labels: list[str]) -> None:
    """One category a column on the x axis, slanted when the labels would run into each other."""
    ax.set_xticks(np.arange(len(labels)), labels)
    if max(len(label) for label in labels) * len(labels) > 70:
        ax.tick_params(axis="x", labelrotation=30)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
    ax.tick_params(axis="x", length=0)
    ax.grid(axis="x", visible=False)
    ax.margins(y=0.12)
