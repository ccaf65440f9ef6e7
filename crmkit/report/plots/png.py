"""A chart as the PNG a report shows: laid out and drawn once.

matplotlib's ``savefig`` draws a figure that has a layout engine twice: once with drawing
switched off, only so that the layout engine places the axes, and once more for the pixels;
a tight bounding box (``savefig.bbox: tight``, the house style's rcParams) measures every
text a third time. crmkit's charts lay themselves out (constrained layout) and keep every
text inside the figure, so :func:`figure_png` draws each figure once, on its own Agg canvas —
the layout engine runs at the start of that draw — and encodes the canvas: the same pixels as
``savefig`` without a bounding box, in about two thirds of the time.

:func:`show_figures_as_png` makes a notebook display figures this way (the inline backend's
own formatter calls ``savefig``). A figure without a layout engine (one a consultant draws
with plain pyplot in a notebook) is still saved with a tight box, as the inline backend
would, so that its labels are not cut.
"""

from __future__ import annotations

import base64
import contextlib
import io
import logging
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

__all__ = ["figure_png", "show_figures_as_png"]


def figure_png(fig: Figure) -> bytes:
    """The figure as PNG bytes at its own size and dpi, drawn once.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure with a layout engine (every crmkit chart), or any other figure (saved with
        a tight bounding box).

    Returns
    -------
    bytes
        The PNG: ``fig``'s width × height in inches times its dpi, in pixels; RGB when
        every pixel is opaque (the house style's white background), RGBA otherwise.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(2, 1.5), dpi=100, layout="constrained")
    >>> Image.open(io.BytesIO(figure_png(fig))).size
    (200, 150)
    >>> plt.close(fig)
    """
    if fig.get_layout_engine() is None:
        buffer = io.BytesIO()
        with _quiet_fonts():
            fig.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    with _quiet_fonts():
        canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    opaque = bool(rgba[..., 3].min() == 255)
    image = Image.fromarray(np.ascontiguousarray(rgba[..., :3]) if opaque else rgba)
    buffer = io.BytesIO()
    image.save(buffer, format="png", dpi=(fig.dpi, fig.dpi))
    return buffer.getvalue()


@contextlib.contextmanager
def _quiet_fonts() -> Iterator[None]:
    """Draw without matplotlib's font notices: a font without a bold face ("findfont: Failed
    to find font weight bold"), a character no installed font has ("Glyph … missing"). The
    text is drawn all the same (regular weight; a box for the missing character); the notice
    would only fill the executed notebook's output."""
    font_log = logging.getLogger("matplotlib.font_manager")
    level = font_log.level
    font_log.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
            warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support")
            yield
    finally:
        font_log.setLevel(level)


def _png_base64(fig: Figure) -> str:
    return base64.b64encode(figure_png(fig)).decode("ascii")


def show_figures_as_png(shell: Any) -> None:
    """Make an IPython shell display every figure with :func:`figure_png`.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell or None
        The notebook's shell (``get_ipython()``); None (plain Python) does nothing.
    """
    if shell is None:
        return
    shell.display_formatter.formatters["image/png"].for_type(Figure, _png_base64)
