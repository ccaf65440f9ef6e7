"""Customer retention: cohort heatmaps and Kaplan–Meier survival curves."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from crmkit.report.plots.canvas import (
    DateLike,
    _chart,
    _empty,
    _literal_text,
    _missing_columns,
    _numbers,
    _percent_axis,
    _row_label,
    _series_colours,
    _timestamp,
)
from crmkit.report.plots.style import _TEXT, ACCENT, MUTED, PALETTE
from crmkit.words.language import tr

__all__ = [
    "heatmap_chart",
    "survival_chart",
]


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
    split_label: str | None = None,
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
    split_label : str, optional
        The line's label (default "Go-live" in the report's language).

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
    split_label = tr("Go-live") if split_label is None else split_label
    height = float(min(max(3.2, 0.27 * rows + 1.8), 14.0))
    with _chart(title, height=height, xlabel=xlabel, ylabel=ylabel, no_break_percent=True) as (
        fig,
        ax,
    ):
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
    ylabel: str | None = None,
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
    ylabel : str, optional
        Label of the survival axis (default ``"Customers still active (%)"`` in the report's
        language).
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
    ylabel = tr("Customers still active (%)") if ylabel is None else ylabel
    with _chart(title, xlabel=xlabel, ylabel=ylabel, no_break_percent=True) as (fig, ax):
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
            y, lo, hi = _numbers(rows, survival, low, high)
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
