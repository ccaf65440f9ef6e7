"""Charts of a rollout: the event study, the pilot against its synthetic twin, the placebos."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from crmkit.report.plots.canvas import (
    DateLike,
    _chart,
    _empty,
    _go_live_line,
    _literal_text,
    _missing_columns,
    _numbers,
    _percent_axis,
    _readable_numbers,
)
from crmkit.report.plots.style import _TEXT, ACCENT, MUTED
from crmkit.words.language import tr

__all__ = ["placebo_chart", "rollout_event_study_chart", "synthetic_control_chart"]


@_literal_text
def rollout_event_study_chart(frame: pd.DataFrame, *, title: str) -> Figure:
    """The effect by months since each unit's own go-live, the months before as the check.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``months`` (since go-live; negative before), ``estimate_pct``,
        ``ci_low_pct``, ``ci_high_pct`` (fractions; a missing bound draws the point alone).
    title : str
        The finding the chart shows.

    Returns
    -------
    matplotlib.figure.Figure
        Months before go-live in :data:`MUTED` (they should lie near zero), after in
        :data:`ACCENT`; a line at zero and a dashed line at go-live. Closed for pyplot.
    """
    _missing_columns(frame, ("months", "estimate_pct", "ci_low_pct", "ci_high_pct"), "event study")
    with _chart(
        title,
        ylabel=tr("Effect on monthly revenue (%)"),
        xlabel=tr("Months since the unit's go-live"),
    ) as (fig, ax):
        x = pd.to_numeric(frame["months"], errors="coerce").to_numpy(float)
        y, lo, hi = _numbers(frame, "estimate_pct", "ci_low_pct", "ci_high_pct")
        if not np.isfinite(y).any():
            _empty(ax)
            return fig
        for post, colour, label in (
            (False, MUTED, tr("before go-live (should be near zero)")),
            (True, ACCENT, tr("after go-live")),
        ):
            sel = ((x >= 0) == post) & np.isfinite(y)
            bounded = sel & np.isfinite(lo) & np.isfinite(hi)
            ax.plot(x[sel], y[sel], "o", color=colour, markersize=5, label=label)
            ax.vlines(x[bounded], lo[bounded], hi[bounded], color=colour, linewidth=1.4)
        ax.axhline(0, color=_TEXT, linewidth=1.0, zorder=1)
        ax.axvline(-0.5, color=_TEXT, linestyle="--", linewidth=1.2).set_gid("go-live")
        ax.grid(axis="x", visible=False)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        _percent_axis(ax.yaxis)
        fig.legend(loc="outside lower left", ncols=2)
    return fig


@_literal_text
def synthetic_control_chart(
    path: pd.DataFrame,
    placebo_gaps: pd.DataFrame,
    *,
    title: str,
    ylabel: str,
    go_live: DateLike,
) -> Figure:
    """The pilot's gap to its synthetic twin month by month, each placebo unit's grey behind.

    Parameters
    ----------
    path : pandas.DataFrame
        ``period`` (month start) and ``gap`` (pilot − twin, in the outcome's unit).
    placebo_gaps : pandas.DataFrame
        ``unit``, ``is_treated``, ``period``, ``gap``: every unit's gap when treated as if it
        had gone live (the pilot's rows, ``is_treated``, are drawn from ``path``).
    title, ylabel : str
        The finding; the y axis label with its unit.
    go_live : date
        Drawn as a dashed line.

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot.
    """
    _missing_columns(path, ("period", "gap"), "synthetic control chart")
    _missing_columns(placebo_gaps, ("unit", "is_treated", "period", "gap"), "placebo gaps")
    with _chart(title, ylabel=ylabel) as (fig, ax):
        if path.empty:
            _empty(ax)
            return fig
        placebos = placebo_gaps.loc[~placebo_gaps["is_treated"].astype(bool)]
        first = True
        for _, rows in placebos.groupby("unit", sort=True):
            ax.plot(
                pd.to_datetime(rows["period"]),
                rows["gap"].to_numpy(float),
                color=MUTED,
                linewidth=0.9,
                alpha=0.7,
                label=tr("placebo units (as if each had gone live)") if first else None,
            )
            first = False
        ax.plot(
            pd.to_datetime(path["period"]),
            path["gap"].to_numpy(float),
            color=ACCENT,
            linewidth=2.2,
            label=tr("the pilot against its synthetic twin"),
        )
        ax.axhline(0, color=_TEXT, linewidth=1.0, zorder=1)
        _go_live_line(ax, go_live)
        _readable_numbers(ax.yaxis, path["gap"].to_numpy(float))
        fig.legend(loc="outside lower left", ncols=2)
    return fig


@_literal_text
def placebo_chart(
    placebos: pd.DataFrame, real_effect: float, *, title: str, xlabel: str | None = None
) -> Figure:
    """The effects at fake go-live dates (grey) beside the real effect (a line).

    Parameters
    ----------
    placebos : pandas.DataFrame
        ``effect``: one row per fake go-live date (fractions; missing ones are left out).
    real_effect : float
        The effect at the real go-live, measured alike (not drawn when missing).
    title : str
        The finding.
    xlabel : str, optional
        What the effect is of (default: "Effect on monthly revenue (%)").

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot.
    """
    _missing_columns(placebos, ("effect",), "placebo chart")
    xlabel = tr("Effect on monthly revenue (%)") if xlabel is None else xlabel
    with _chart(title, height=2.8, xlabel=xlabel) as (fig, ax):
        (values,) = _numbers(placebos, "effect")
        values = values[np.isfinite(values)]
        if not values.size:
            _empty(ax)
            return fig
        jitter = np.linspace(-0.25, 0.25, values.size) if values.size > 1 else np.zeros(1)
        ax.plot(values, jitter, "o", color=MUTED, markersize=6, label=tr("fake go-live dates"))
        if np.isfinite(real_effect):
            ax.axvline(real_effect, color=ACCENT, linewidth=2.2, label=tr("the real go-live"))
        ax.axvline(0, color=_TEXT, linewidth=1.0, zorder=1)
        ax.set_ylim(-1, 1)
        ax.set_yticks([])
        ax.grid(axis="y", visible=False)
        _percent_axis(ax.xaxis)
        fig.legend(loc="outside lower left", ncols=2)
    return fig
