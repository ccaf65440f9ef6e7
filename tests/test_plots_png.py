"""Tests for crmkit.report.plots.png: a chart drawn once, with the pixels savefig would give."""

from __future__ import annotations

import base64
import io
import logging
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from IPython.core.formatters import PNGFormatter  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from crmkit.report import plots  # noqa: E402
from crmkit.report.plots.png import figure_png, show_figures_as_png  # noqa: E402


def _chart() -> Figure:
    values = pd.Series({"North": 1_250_000.0, "South": 830_000.0, "West": 415_500.0})
    return plots.bar_chart(
        values,
        title="North sells three times what West sells, after a year with the CRM in every "
        "region of the company",
        xlabel="Revenue (CNY)",
    )


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _savefig_png(fig: Figure) -> bytes:
    """matplotlib's own PNG of the figure at its size (no bounding box)."""
    buffer = io.BytesIO()
    with mpl.rc_context({"savefig.bbox": None}):
        fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _count_draws(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    draw = Figure.draw

    def counted(self, renderer):
        calls[0] += 1
        return draw(self, renderer)

    monkeypatch.setattr(Figure, "draw", counted)
    return calls


def test_same_pixels_as_savefig_at_the_figure_size():
    png = figure_png(_chart())
    reference = _savefig_png(_chart())
    width, height = _chart().get_size_inches() * 100  # the house style's 100 dpi
    assert Image.open(io.BytesIO(png)).size == (round(width), round(height))
    assert np.array_equal(_pixels(png), _pixels(reference))


def test_a_chart_is_drawn_once_where_savefig_draws_it_twice(monkeypatch):
    calls = _count_draws(monkeypatch)
    figure_png(_chart())
    assert calls[0] == 1
    calls[0] = 0
    _savefig_png(_chart())
    assert calls[0] == 2  # the layout pass with drawing switched off, then the pixels


def test_opaque_figures_are_rgb_and_transparent_ones_keep_their_alpha():
    assert Image.open(io.BytesIO(figure_png(_chart()))).mode == "RGB"
    fig, ax = plt.subplots(figsize=(2, 1), dpi=100, layout="constrained")
    fig.patch.set_alpha(0.0)
    ax.patch.set_alpha(0.0)
    image = Image.open(io.BytesIO(figure_png(fig)))
    plt.close(fig)
    assert image.mode == "RGBA"
    assert np.asarray(image)[..., 3].min() == 0


def test_a_figure_without_layout_engine_is_saved_with_a_tight_box():
    """A plain pyplot figure whose label lies outside the figure keeps that label."""
    fig = Figure(figsize=(2, 1), dpi=100)
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_ylabel("a label left of the figure")
    size = Image.open(io.BytesIO(figure_png(fig))).size
    assert size[0] > 200  # wider than the figure: the box reaches out to the label


def test_a_shell_shows_figures_with_figure_png():
    class Shell:
        class display_formatter:  # noqa: N801 (IPython's attribute name)
            formatters = {"image/png": PNGFormatter()}

    show_figures_as_png(Shell)
    shown = Shell.display_formatter.formatters["image/png"](_chart())
    assert np.array_equal(_pixels(base64.b64decode(shown)), _pixels(figure_png(_chart())))
    show_figures_as_png(None)  # plain Python: nothing to register, no error


def test_font_notices_stay_out_of_the_output(caplog):
    """matplotlib's own notices, as it words them: neither reaches a notebook's output."""
    from matplotlib import _text_helpers

    from crmkit.report.plots.png import _quiet_fonts

    with caplog.at_level(logging.WARNING, logger="matplotlib.font_manager"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # any warning let through would raise here
            with _quiet_fonts():
                _text_helpers.warn_on_missing_glyph(0x0D9E, "DejaVu Sans")
                logging.getLogger("matplotlib.font_manager").warning(
                    "findfont: Failed to find font weight %s for %s, now using %s.",
                    "bold",
                    "WenQuanYi Micro Hei",
                    400,
                )
    assert caplog.records == []
    assert logging.getLogger("matplotlib.font_manager").level == logging.NOTSET  # restored
    with pytest.warns(UserWarning, match="missing from font"):  # outside: as matplotlib does
        _text_helpers.warn_on_missing_glyph(0x0D9E, "DejaVu Sans")
