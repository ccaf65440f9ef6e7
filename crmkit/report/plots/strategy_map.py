"""The strategy map: the scorecard's KPIs by perspective, coloured by status, and the chain."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch, Patch

from crmkit.report.plots.canvas import _chart, _literal_text, _missing_columns, _text_colour
from crmkit.report.plots.style import _SUBTLE, _TEXT, ACCENT, MUTED, WARNING
from crmkit.words.language import tr

__all__ = ["STATUS_COLOURS", "strategy_map"]

#: Box colour per KPI status (the values of :class:`crmkit.synthesis.status.ScoreStatus`).
STATUS_COLOURS = {
    "met": ACCENT,
    "on track": "#7fb3d9",
    "behind": WARNING,
    "not measured": "#e3e6ea",
}

#: Perspectives from the top row to the bottom one.
_ROWS = ("financial", "customer", "internal_process", "learning_and_growth")


def _row_names() -> tuple[str, ...]:
    """The perspectives' names, in the order of :data:`_ROWS`, in the report's language."""
    return (tr("Financial"), tr("Customer"), tr("Internal process"), tr("Learning and growth"))


def _status_name(status: str) -> str:
    """A KPI status as the legend names it, in the report's language.

    Examples
    --------
    >>> _status_name("on track")
    'on track'
    """
    if status == "met":
        return tr("met")
    if status == "on track":
        return tr("on track")
    if status == "behind":
        return tr("behind")
    if status == "not measured":
        return tr("not measured")
    return status


def _free_spot(
    tail: tuple[float, float], head: tuple[float, float], placed: list[tuple[float, float]]
) -> tuple[float, float]:
    """A point along the arrow for its label, away from the labels already placed."""
    spots = [
        (tail[0] + t * (head[0] - tail[0]), tail[1] + t * (head[1] - tail[1]))
        for t in (0.5, 0.25, 0.75)
    ]
    for x, y in spots:
        if all(abs(x - px) > 0.09 or abs(y - py) > 0.12 for px, py in placed):
            return x, y
    return spots[0]


@_literal_text
def strategy_map(
    kpis: pd.DataFrame,
    links: pd.DataFrame | None = None,
    *,
    title: str,
    max_per_row: int = 8,
) -> Figure:
    """Four rows of KPI boxes (financial on top, learning and growth at the bottom) and arrows.

    Parameters
    ----------
    kpis : DataFrame
        Index KPI name; columns ``label``, ``perspective`` and ``status`` (a
        :class:`~crmkit.synthesis.status.ScoreStatus` value), as
        :attr:`crmkit.synthesis.scorecard.BalancedScorecard.kpis`.
    links : DataFrame, optional
        The chain (:func:`crmkit.synthesis.chain.evaluate_chain`): ``cause``, ``effect``,
        ``r`` and ``status``; an arrow per link whose two KPIs have a box, labelled with r when
        it was tested, solid when supported.
    title : str
        The finding the chart shows.
    max_per_row : int, default 8
        At most this many boxes per row: the KPIs of the chain first, then the measured ones.

    Returns
    -------
    matplotlib.figure.Figure
        Closed for pyplot; display it as the cell's last expression.

    Examples
    --------
    >>> k = pd.DataFrame({"label": ["Win rate", "Revenue"],
    ...     "perspective": ["internal_process", "financial"], "status": ["met", "behind"]},
    ...     index=["win_rate", "revenue_monthly"])
    >>> chain = pd.DataFrame({"cause": ["win_rate"], "effect": ["revenue_monthly"],
    ...     "r": [0.6], "status": ["supported"]})
    >>> fig = strategy_map(k, chain, title="Sales lead")
    >>> fig.axes[0].get_title(loc="left")
    'Sales lead'
    """
    _missing_columns(kpis, ("label", "perspective", "status"), "strategy_map")
    links = links if links is not None else pd.DataFrame(columns=["cause", "effect", "r", "status"])
    in_chain = set(links["cause"]) | set(links["effect"])
    positions: dict[str, tuple[float, float]] = {}
    placed: list[tuple[float, float]] = []
    with _chart(title, height=6.2) as (fig, ax):
        ax.set_xlim(-0.02, 1.0)
        ax.set_ylim(-0.6, len(_ROWS) - 0.4)
        ax.axis("off")
        for level, (perspective, name) in enumerate(zip(_ROWS, _row_names(), strict=True)):
            y = len(_ROWS) - 1 - level
            ax.text(0.0, y, name, ha="left", va="center", fontsize=9, color=_SUBTLE)
            members = kpis[kpis["perspective"] == perspective]
            order = sorted(
                range(len(members)),
                key=lambda i: (
                    members.index[i] not in in_chain,
                    members["status"].iloc[i] == "not measured",
                    i,
                ),
            )
            shown = members.iloc[order[:max_per_row]]
            n = max(len(shown), 1)
            width = 0.76 / n
            for i, (kpi, row) in enumerate(shown.iterrows()):
                x = 0.24 + width * (i + 0.5)
                colour = STATUS_COLOURS.get(str(row["status"]), MUTED)
                ax.add_patch(
                    FancyBboxPatch(
                        (x - width * 0.45, y - 0.28), width * 0.9, 0.56,
                        boxstyle="round,pad=0.005,rounding_size=0.02",
                        facecolor=colour, edgecolor="white", zorder=2,
                    )
                )  # fmt: skip
                label = textwrap.fill(
                    str(row["label"]), max(int(width * 100), 8), break_long_words=False
                )
                ax.text(
                    x, y, label, ha="center", va="center", fontsize=7,
                    color=_text_colour(colour), zorder=3,
                )  # fmt: skip
                positions[str(kpi)] = (x, y)
        for _, link in links.iterrows():
            start, end = positions.get(str(link["cause"])), positions.get(str(link["effect"]))
            if start is None or end is None:
                continue
            supported = str(link["status"]) == "supported"
            up = 0.3 if end[1] > start[1] else -0.3
            tail, head = (start[0], start[1] + up), (end[0], end[1] - up)
            ax.annotate(
                "",
                xy=head,
                xytext=tail,
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": _TEXT if supported else MUTED,
                    "linestyle": "-" if supported else "--",
                    "linewidth": 1.4 if supported else 0.9,
                },
                zorder=1,
            )
            r = pd.to_numeric(pd.Series([link["r"]]), errors="coerce")[0]
            if np.isfinite(r):
                x, y = _free_spot(tail, head, placed)
                placed.append((x, y))
                ax.text(
                    x, y, f"r = {r:+.2f}",
                    fontsize=7, ha="center", va="center", color=_TEXT, zorder=4,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
                )  # fmt: skip
        ax.legend(
            handles=[Patch(color=c, label=_status_name(s)) for s, c in STATUS_COLOURS.items()],
            loc="upper center", bbox_to_anchor=(0.5, -0.02), ncol=4, frameon=False, fontsize=8,
        )  # fmt: skip
    return fig
