"""Distributions: before/after boxes, simulated results and the concentration curve."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from crmkit.report.plots.canvas import (
    _chart,
    _empty,
    _literal_text,
    _missing_columns,
    _numbers,
    _percent_axis,
    _readable_numbers,
    _rows_axis,
)
from crmkit.report.plots.style import _TEXT, ACCENT, MUTED, WARNING
from crmkit.words.language import tr

__all__ = [
    "concentration_chart",
    "distribution_chart",
    "histogram_chart",
]


@_literal_text
def distribution_chart(
    before: pd.Series,
    after: pd.Series,
    *,
    title: str,
    xlabel: str,
    log_scale: bool = False,
    labels: tuple[str, str] | None = None,
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
    labels : tuple of str, optional
        The names of the two windows (default "Before go-live" and "After go-live" in the
        report's language).

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
    if labels is None:
        labels = (tr("Before go-live"), tr("After go-live"))
    with _chart(title, height=2.9) as (fig, ax):
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
                tr("median {value}", value=f"{median:,.3g}" if median < 1000 else f"{median:,.0f}"),
                (median, i - 0.31),  # just above the box (the y axis is inverted)
                ha="center",
                va="bottom",
                fontsize=9,
                color=_TEXT,
            )
        ax.set_ylim(-0.65, 1.45)
        _rows_axis(
            ax,
            [
                tr("{window}\n(n = {n})", window=label, n=f"{group.size:,}")
                for label, group in zip(labels, groups, strict=True)
            ],
        )
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
    with _chart(title, xlabel=xlabel, ylabel=tr("Share of simulations (%)")) as (fig, ax):
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


@_literal_text
def concentration_chart(
    curve: pd.DataFrame,
    *,
    title: str,
    xlabel: str | None = None,
    ylabel: str | None = None,
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
    xlabel, ylabel : str, optional
        Axis labels (default "Customers, largest first (% of all customers)" and
        "Cumulative share of revenue (%)" in the report's language).
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
    if xlabel is None:
        xlabel = tr("Customers, largest first (% of all customers)")
    if ylabel is None:
        ylabel = tr("Cumulative share of revenue (%)")
    with _chart(title, xlabel=xlabel, ylabel=ylabel, no_break_percent=True) as (fig, ax):
        x, y = _numbers(curve, customer_share, cumulative_share)
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
                tr(
                    "top {share} of customers: {held}",
                    share=f"{mark * 100:.0f} %",
                    held=f"{held * 100:.0f} %",
                ),
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
            [tr("Largest customers first"), tr("If every customer bought the same")],
            loc="outside lower left",
            ncols=2,
        )
    return fig
