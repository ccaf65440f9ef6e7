"""The placebo go-lives of every checked KPI and of the impact designs: fake dates' effects as
dots, the real one marked."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from crmkit.report.plots.canvas import (
    _bars_height,
    _chart,
    _empty,
    _literal_text,
    _missing_columns,
    _percent_axis,
    _rows_axis,
)
from crmkit.report.plots.rollout import placebo_chart
from crmkit.report.plots.style import _TEXT, ACCENT, MUTED
from crmkit.words.language import tr

__all__ = ["checked_placebo_chart", "kpi_placebo_chart"]


def checked_placebo_chart(check: Any, *, title: str, xlabel: str | None = None) -> Figure | None:
    """The placebo chart of an impact design's check, or None where the check did not run.

    Parameters
    ----------
    check : KpiPlacebo or None
        The ``placebo`` of a :class:`crmkit.measure.SeriesAnalysis` or
        :class:`crmkit.measure.ControlAnalysis`.
    title : str
        The finding.
    xlabel : str, optional
        What the effect is of (default: "Effect on monthly revenue (%)").

    Returns
    -------
    matplotlib.figure.Figure or None
        The fake dates' effects (grey) beside the real effect (a line), as
        :func:`crmkit.report.plots.placebo_chart` draws them; None without a check that ran.
    """
    result = getattr(check, "result", None)
    if result is None or str(check.status) != "ok":
        return None
    return placebo_chart(result.placebos, result.real_effect, title=title, xlabel=xlabel)


@_literal_text
def kpi_placebo_chart(placebos: pd.DataFrame, real: pd.DataFrame, *, title: str) -> Figure:
    """One row per KPI: its relative change at fake go-live dates (grey dots) and the real one.

    Parameters
    ----------
    placebos : pandas.DataFrame
        Columns ``label`` (the KPI as the report names it) and ``effect`` (a fraction): one
        row per KPI and fake go-live date; missing effects are left out.
    real : pandas.DataFrame
        Columns ``label`` and ``effect``: one row per KPI, the change at the real go-live;
        the rows of the chart follow its order.
    title : str
        The finding.

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot.

    Examples
    --------
    >>> placebos = pd.DataFrame({"label": ["Revenue"] * 3, "effect": [0.1, -0.05, 0.2]})
    >>> real = pd.DataFrame({"label": ["Revenue"], "effect": [0.15]})
    >>> fig = kpi_placebo_chart(placebos, real, title="Revenue's rise lies inside its placebos")
    >>> len(fig.axes[0].lines) >= 2
    True
    """
    _missing_columns(placebos, ("label", "effect"), "placebo chart")
    _missing_columns(real, ("label", "effect"), "placebo chart")
    labels = [str(label) for label in real["label"]]
    height = _bars_height(max(len(labels), 1)) + 0.6
    xlabel = tr("Change after go-live (%)")
    with _chart(title, height=height, xlabel=xlabel) as (fig, ax):
        if not labels:
            _empty(ax)
            return fig
        placebo_label, real_label = tr("fake go-live dates"), tr("the real go-live")
        for row, label in enumerate(labels):
            values = pd.to_numeric(
                placebos.loc[placebos["label"].astype(str) == label, "effect"], errors="coerce"
            ).to_numpy(float)
            values = values[np.isfinite(values)]
            jitter = (
                np.linspace(-0.2, 0.2, values.size) if values.size > 1 else np.zeros(values.size)
            )
            ax.plot(
                values, row + jitter, "o", color=MUTED, markersize=5, alpha=0.8,
                label=placebo_label if row == 0 else None,
            )  # fmt: skip
            effect = pd.to_numeric(real["effect"].iloc[row], errors="coerce")
            if np.isfinite(effect):
                ax.plot(
                    [effect], [row], "D", color=ACCENT, markersize=9,
                    label=real_label if row == 0 else None,
                )  # fmt: skip
        ax.axvline(0, color=_TEXT, linewidth=1.0, zorder=1)
        _rows_axis(ax, labels)
        _percent_axis(ax.xaxis)
        fig.legend(loc="outside lower left", ncols=2)
    return fig
