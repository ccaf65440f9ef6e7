"""What every chart shares: its figure and title, the empty chart, dates and axes.

Private to :mod:`crmkit.report.plots`: the chart modules build on these.

Language
--------
Every text crmkit writes on a chart (axis labels, legends, annotations, default labels)
goes through :func:`crmkit.words.language.tr`, so a Chinese report's charts speak Chinese,
drawn with the CJK font the house style puts behind its own
(:func:`crmkit.report.plots.style.font_families`). Where no CJK font is installed, Chinese
would show as empty boxes; :func:`_literal_text`, which every chart function passes
through, then decides once for the whole chart to draw it in English: the chart is built
speaking English, every text passed in that :func:`~crmkit.words.language.tr` built (a
title from the words layer or a notebook) gives back its English
(:func:`~crmkit.words.language.english`), and a drawn text that is a translated name (a
KPI's label in a table, a verdict) is replaced by its English. Client text (a segment or
product name) is drawn as written in either case.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
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
from crmkit.report.plots import style
from crmkit.report.plots.style import _SUBTLE, _TEXT, PALETTE, house_style
from crmkit.words import language
from crmkit.words.language import active_language, english, speaking, template_fields, tr

__all__ = []


_P = ParamSpec("_P")


#: What the chart functions accept as a date.
DateLike = str | dt.date | dt.datetime | pd.Timestamp | np.datetime64


def _literal(text: str) -> str:
    """Text that matplotlib draws as written: every ``$`` escaped, so no mathtext."""
    return text.replace("$", r"\$")


def _literal_text(chart: Callable[_P, Figure]) -> Callable[_P, Figure]:
    """Make every text of a chart show as written, in a language its fonts can draw.

    Language: when the report's language needs a font that is not installed
    (:func:`_draws_language`), the chart is built in English (see the module notes); the
    decision is taken here, once per chart.

    Formulas: matplotlib reads text between two ``$`` as mathtext: a segment or campaign
    named ``$\\frac{a}{b}$`` would be typeset as a fraction, and one with an unknown command
    makes drawing raise. Once the chart is built, every text in it (titles, axis labels,
    legends, value labels, and the fixed tick labels, which are set again while drawing)
    gets its ``$`` escaped. Escaping, not ``parse_math=False``: matplotlib measures the lines
    of wrapped text (the titles) as mathtext whenever they hold an even number of ``$``,
    whatever ``parse_math`` says. No crmkit chart uses mathtext; numbers on the axes that
    matplotlib formats while drawing hold no ``$``.
    """

    @functools.wraps(chart)
    def literal_chart(*args: _P.args, **kwargs: _P.kwargs) -> Figure:
        if _draws_language():
            fig = chart(*args, **kwargs)
            _rewrite_texts(fig, _literal)
            return fig
        shown_language = active_language()
        with speaking(language.SOURCE_LANGUAGE):
            fig = chart(
                *(_in_english(value) for value in args),
                **{name: _in_english(value) for name, value in kwargs.items()},
            )
        names = _english_names(shown_language)
        _rewrite_texts(fig, lambda text: _literal(names.get(text, text)))
        return fig

    return literal_chart


def _draws_language() -> bool:
    """Whether the charts can draw the active language: English, or a CJK font is installed.

    Examples
    --------
    >>> _draws_language()
    True
    """
    return active_language() == language.SOURCE_LANGUAGE or style.cjk_font() is not None


def _in_english(value: Any) -> Any:
    """A chart's argument with every text :func:`~crmkit.words.language.tr` built in English
    (also inside a tuple, list or dict, e.g. ``labels`` or ``markers``).

    Examples
    --------
    >>> with speaking("zh"):
    ...     label = tr("improved")
    >>> _in_english({label: 1.0}), _in_english((label, "East"))
    ({'improved': 1.0}, ('improved', 'East'))
    """
    if isinstance(value, str):
        return english(value)
    if isinstance(value, tuple | list):
        return type(value)(_in_english(item) for item in value)
    if isinstance(value, dict):
        return {_in_english(key): _in_english(item) for key, item in value.items()}
    return value


@functools.cache
def _english_names(shown_language: str) -> dict[str, str]:
    """Translation → English of every name of ``shown_language``'s catalogs that has no
    fields (terms such as KPI labels, single words such as verdicts): the texts a chart
    takes from a table, where a translation loses its English.

    Examples
    --------
    >>> _english_names("zh")["改善"]
    'improved'
    """
    pairs = {
        template: translated
        for template, translated in language.catalog(shown_language).items()
        if not template_fields(template)
    }
    for path in sorted((language.CATALOGS / shown_language).glob(language.TERMS_FILES)):
        with path.open(encoding="utf-8") as handle:
            pairs.update(json.load(handle))
    names: dict[str, str] = {}
    for template, translated in pairs.items():
        names.setdefault(translated, template)
    return names


def _rewrite_texts(fig: Figure, rewrite: Callable[[str], str]) -> None:
    """Pass every text of ``fig`` through ``rewrite``: its text objects and the fixed tick
    labels (which matplotlib sets again while drawing: a :class:`FixedFormatter`'s labels,
    or the labels by position that ``set_ticks(ticks, labels)`` keeps in a
    :class:`FuncFormatter`)."""
    for text in fig.findobj(Text):
        text.set_parse_math(True)
        text.set_text(rewrite(text.get_text()))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for formatter in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if isinstance(formatter, FixedFormatter):
                    formatter.seq = [rewrite(str(label)) for label in formatter.seq]
                for labels in _labels_by_position(formatter):
                    labels.update({at: rewrite(str(label)) for at, label in labels.items()})


def _labels_by_position(formatter: Any) -> list[dict[Any, Any]]:
    """The tick labels by position a :class:`FuncFormatter` made by ``set_ticks(ticks,
    labels)`` holds (none for any other formatter)."""
    function = getattr(formatter, "func", None) if isinstance(formatter, FuncFormatter) else None
    if isinstance(function, functools.partial):
        return [argument for argument in function.args if isinstance(argument, dict)]
    return []


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
        tr("No data to show"),
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
        tr("Go-live"),
        transform=ax.get_xaxis_transform(),
        ha="center",
        va="bottom",
        fontsize=9,
        color=_TEXT,
        gid="go-live-label",
    )


def _date_axis(axis: Any) -> None:
    """Dates on ``axis``: at most ten ticks, written concisely in the report's language.

    The :func:`time.strftime` patterns of years, months and days are templates, so a Chinese
    chart writes "2024年" and "03月" where an English one writes "2024" and "Mar".
    """
    locator = mdates.AutoDateLocator(maxticks=10)
    axis.set_major_locator(locator)
    if active_language() == language.SOURCE_LANGUAGE:
        axis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        return
    year, month, day = tr("%Y"), tr("%b"), tr("%d")
    month_day, year_month, year_month_day = tr("%b-%d"), tr("%Y-%b"), tr("%Y-%b-%d")
    formatter = mdates.ConciseDateFormatter(
        locator,
        formats=[year, month, day, "%H:%M", "%H:%M", "%S.%f"],
        zero_formats=["", year, month, month_day, "%H:%M", "%H:%M"],
        offset_formats=["", year, year_month, year_month_day, year_month_day, "%Y-%m-%d %H:%M"],
    )
    axis.set_major_formatter(formatter)


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
