"""The house style: palette, fonts and matplotlib rcParams every crmkit chart uses."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import matplotlib as mpl
from cycler import cycler

from crmkit.data.verdicts import Verdict

__all__ = [
    "ACCENT",
    "CJK_FONTS",
    "HOUSE_FONT",
    "MUTED",
    "PALETTE",
    "VERDICT_COLOURS",
    "WARNING",
    "apply_house_style",
    "cjk_font",
    "font_families",
    "house_rc",
    "house_style",
]


#: The accent colour: the CRM, "after", treated units, the figure that matters.
ACCENT = "#1b6ca8"


#: Grey for "before", control units and context.
MUTED = "#9aa5b1"


#: Values that need attention (below a threshold, partial coverage).
WARNING = "#d9822b"


#: Colour order for charts with several series (accent and grey first).
PALETTE = (ACCENT, MUTED, "#e0a040", "#4f9d69", "#8c6bb1", "#c05a6a", "#3b3b3b")


_TEXT = "#1f2328"


_SUBTLE = "#5b636e"


_GRID = "#e3e6ea"


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


#: The font every chart's text is drawn with (matplotlib ships it).
HOUSE_FONT = "DejaVu Sans"


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


def cjk_font() -> str | None:
    """The first installed font of :data:`CJK_FONTS`, or None when none is installed.

    Without one, a chart cannot draw Chinese: the charts of a Chinese report then draw
    the English of every text crmkit wrote (see :mod:`crmkit.report.plots.canvas`).

    Examples
    --------
    >>> cjk_font() is None or cjk_font() in CJK_FONTS
    True
    """
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def font_families() -> list[str]:
    """The house font, then the first installed font of :data:`CJK_FONTS` as its fallback.

    matplotlib draws each character with the first family in the list that has it, so a
    client's Chinese segment or product name, and a Chinese report's labels, show as
    written, not as empty boxes.

    Examples
    --------
    >>> font_families()[0]
    'DejaVu Sans'
    """
    fallback = cjk_font()
    return [HOUSE_FONT, *([fallback] if fallback is not None else [])]


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


#: Colour of each before/after verdict (see :func:`crmkit.stats.impact.finalize`).
VERDICT_COLOURS = MappingProxyType(
    {
        Verdict.IMPROVED: ACCENT,
        Verdict.WORSENED: WARNING,
        Verdict.NO_CHANGE: MUTED,
        Verdict.INSUFFICIENT: "#d5dae0",
    }
)
