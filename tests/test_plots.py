"""Tests for crmkit.report.plots: the house style and the chart functions."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from crmkit.report import plots  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _title(fig: Figure) -> str:
    return fig.axes[0].get_title(loc="left")


def _texts(fig: Figure) -> list[str]:
    return [text.get_text() for text in fig.axes[0].texts]


def _by_gid(fig: Figure, gid: str) -> list:
    return [artist for artist in fig.axes[0].get_children() if artist.get_gid() == gid]


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _same_colour(a, b) -> bool:
    return mcolors.to_hex(a) == mcolors.to_hex(b)


@pytest.fixture
def monthly() -> pd.DataFrame:
    index = pd.period_range("2024-01", "2025-12", freq="M")
    return pd.DataFrame(
        {"East (CRM)": np.arange(24, dtype=float) + 100, "West (control)": np.arange(24) + 90.0},
        index=index,
    )


@pytest.fixture
def coverage() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "first_date": ["2023-06-01", "2024-03-01", None],
            "last_date": ["2025-12-31", "2025-12-31", None],
        },
        index=["orders", "opportunities", "costs"],
    )


# --------------------------------------------------------------------------- house style


def test_house_style_sets_dpi_100_and_restores_rcparams():
    mpl.rcParams["figure.dpi"] = 72
    try:
        with plots.house_style():
            assert mpl.rcParams["figure.dpi"] == 100
            assert mpl.rcParams["savefig.dpi"] == 100
            assert list(mpl.rcParams["figure.figsize"]) == [8.0, 4.5]
            assert not mpl.rcParams["axes.spines.top"]
            assert not mpl.rcParams["axes.spines.right"]
        assert mpl.rcParams["figure.dpi"] == 72
        assert mpl.rcParams["axes.spines.top"]
    finally:
        mpl.rcdefaults()


def test_house_style_keeps_an_interactive_switch_made_inside():
    # IPython's inline backend turns interactive mode on when the first figure loads it;
    # undoing that on exit would stop the notebook's own pyplot charts from showing.
    was = mpl.is_interactive()
    try:
        mpl.interactive(False)
        with plots.house_style():
            mpl.interactive(True)
        assert mpl.is_interactive()
    finally:
        mpl.interactive(was)


def test_apply_house_style_sets_global_rcparams():
    try:
        plots.apply_house_style()
        assert mpl.rcParams["figure.dpi"] == 100
        assert mpl.rcParams["savefig.dpi"] == 100
    finally:
        mpl.rcdefaults()


def test_house_rc_is_a_fresh_copy():
    rc = plots.house_rc()
    rc["figure.dpi"] = 1
    assert plots.house_rc()["figure.dpi"] == 100


def test_chart_functions_leave_global_state_alone(monthly, coverage):
    before = dict(mpl.rcParams)
    open_figures = plt.get_fignums()
    plots.bar_chart(pd.Series({"a": 1.0}), title="t", xlabel="x")
    plots.line_chart(monthly, title="t", ylabel="y", go_live="2025-01-01")
    plots.coverage_chart(
        coverage, title="t", window_start="2024-01-01", window_end="2025-12-31", go_live="2025"
    )
    plots.score_chart(pd.Series({"a": 0.5}), title="t")
    assert dict(mpl.rcParams) == before
    # closed for pyplot: the inline backend will not show them a second time
    assert plt.get_fignums() == open_figures


# --------------------------------------------------------------------------- bar_chart


def test_bar_chart_title_labels_and_values():
    values = pd.Series({"East": 1234567.0, "West": 800000.0, "North": np.nan})
    fig = plots.bar_chart(values, title="East sells most", xlabel="Revenue (CNY)")
    assert isinstance(fig, Figure)
    assert _title(fig) == "East sells most"
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Revenue (CNY)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["East", "West", "North"]
    assert _texts(fig) == ["1,234,567", "800,000", "n/a"]
    assert fig.dpi == 100
    assert fig.get_figwidth() == 8.0


def test_bar_chart_value_format_vertical_and_highlight():
    values = pd.Series({"Q1": 0.25, "Q2": 0.3125})
    fig = plots.bar_chart(
        values,
        title="Q2 is best",
        xlabel="Win rate (fraction)",
        value_format="{:.1%}",
        horizontal=False,
        highlight=["Q2"],
    )
    ax = fig.axes[0]
    assert ax.get_ylabel() == "Win rate (fraction)"
    assert _texts(fig) == ["25.0%", "31.2%"]
    colours = [patch.get_facecolor() for patch in ax.patches]
    assert _same_colour(colours[0], plots.MUTED)
    assert _same_colour(colours[1], plots.ACCENT)


def test_bar_chart_empty_series_says_so():
    fig = plots.bar_chart(pd.Series(dtype=float), title="Nothing", xlabel="x")
    assert _title(fig) == "Nothing"
    assert "No data to show" in _texts(fig)


# --------------------------------------------------------------------------- line_chart


def test_line_chart_with_go_live_line(monthly):
    fig = plots.line_chart(
        monthly, title="Orders rose after go-live", ylabel="Orders per month", go_live="2025-01-01"
    )
    ax = fig.axes[0]
    assert _title(fig) == "Orders rose after go-live"
    assert ax.get_ylabel() == "Orders per month"
    assert len(ax.get_lines()) == 3  # two series and the go-live line
    (line,) = _by_gid(fig, "go-live")
    assert line.get_linestyle() == "--"
    assert mpl.dates.num2date(line.get_xdata()[0]).date().isoformat() == "2025-01-01"
    assert "Go-live" in _texts(fig)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["East (CRM)", "West (control)"]
    assert _same_colour(ax.get_lines()[0].get_color(), plots.ACCENT)
    assert _same_colour(ax.get_lines()[1].get_color(), plots.MUTED)


def test_line_chart_series_without_go_live():
    series = pd.Series(
        [1500.0, 2500.0, 1800.0], index=pd.date_range("2024-01-01", periods=3, freq="MS")
    )
    fig = plots.line_chart(series, title="Flat", ylabel="Revenue (CNY)")
    assert _by_gid(fig, "go-live") == []
    assert not fig.legends
    tick = fig.axes[0].yaxis.get_major_formatter()(2000.0, 0)
    assert tick == "2,000"


def test_line_chart_rejects_a_non_date_index():
    with pytest.raises(ValueError, match="date index"):
        plots.line_chart(pd.Series([1.0, 2.0], index=["a", "b"]), title="t", ylabel="y")


# --------------------------------------------------------------------------- coverage_chart


def test_coverage_chart(coverage):
    fig = plots.coverage_chart(
        coverage,
        title="Opportunities start in March 2024",
        window_start="2024-01-01",
        window_end="2025-12-31",
        go_live="2025-01-01",
    )
    ax = fig.axes[0]
    assert _title(fig) == "Opportunities start in March 2024"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["orders", "opportunities", "costs"]
    assert len(_by_gid(fig, "go-live")) == 1
    assert len(_by_gid(fig, "assessment-window")) == 1
    bars = [p for p in ax.patches if p.get_gid() != "assessment-window"]
    assert len(bars) == 2  # costs has no dates
    assert _same_colour(bars[0].get_facecolor(), plots.ACCENT)  # covers the window
    assert _same_colour(bars[1].get_facecolor(), plots.WARNING)  # starts late
    assert " no dates" in _texts(fig)


def test_coverage_chart_counts_a_table_reaching_into_the_first_and_last_month_as_covering():
    coverage = pd.DataFrame(
        {
            "first_date": ["2024-01-01 07:30:06", "2024-02-15"],
            "last_date": ["2025-12-24", "2025-12-31"],
        },
        index=["tickets", "campaigns"],
    )
    fig = plots.coverage_chart(
        coverage,
        title="t",
        window_start="2024-01-01",
        window_end="2025-12-31",
        go_live="2025-01-01",
    )
    bars = [p for p in fig.axes[0].patches if p.get_gid() != "assessment-window"]
    assert _same_colour(bars[0].get_facecolor(), plots.ACCENT)  # first hour of the window: covers
    assert _same_colour(bars[1].get_facecolor(), plots.WARNING)  # six weeks late: does not


def test_coverage_chart_needs_its_columns():
    with pytest.raises(ValueError, match="last_date"):
        plots.coverage_chart(
            pd.DataFrame({"first_date": ["2024-01-01"]}),
            title="t",
            window_start="2024-01-01",
            window_end="2024-12-31",
            go_live="2024-06-01",
        )


# --------------------------------------------------------------------------- score_chart


def test_score_chart_percent_labels_threshold_and_colours():
    scores = pd.Series({"orders": 0.982, "customers": 0.85, "surveys": np.nan})
    fig = plots.score_chart(scores, title="Customers fall below the threshold", threshold=0.9)
    ax = fig.axes[0]
    assert _title(fig) == "Customers fall below the threshold"
    assert _texts(fig) == ["98.2 %", "85.0 %", "n/a"]
    (line,) = _by_gid(fig, "threshold")
    assert line.get_xdata()[0] == 0.9
    assert line.get_linestyle() == "--"
    assert _same_colour(ax.patches[0].get_facecolor(), plots.ACCENT)
    assert _same_colour(ax.patches[1].get_facecolor(), plots.WARNING)
    assert ax.xaxis.get_major_formatter()(0.5, 0) == "50 %"
    assert ax.get_xlabel() == "Score (%)"


# --------------------------------------------------------------------------- output


def test_every_chart_renders_to_png_at_100_dpi(monthly, coverage):
    figures = [
        plots.bar_chart(pd.Series({"a": 3.0, "b": 5.0}), title="t", xlabel="Orders (count)"),
        plots.line_chart(monthly, title="t", ylabel="Orders per month", go_live="2025-01-01"),
        plots.coverage_chart(
            coverage,
            title="t",
            window_start="2024-01-01",
            window_end="2025-12-31",
            go_live="2025-01-01",
        ),
        plots.score_chart(pd.Series({"a": 0.95}), title="t"),
    ]
    for fig in figures:
        assert fig.dpi == 100
        data = _png(fig)
        assert data.startswith(PNG_SIGNATURE)
        width = int.from_bytes(data[16:20], "big")
        assert 500 < width <= 820  # 8 in at 100 dpi, trimmed by bbox "tight"


@pytest.mark.slow
def test_each_chart_is_displayed_exactly_once_in_a_notebook():
    nbclient = pytest.importorskip("nbclient")
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("ipykernel")
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook()
    nb.cells = [
        new_code_cell(
            "import pandas as pd\nfrom crmkit.report import plots\ns = pd.Series({'a': 1.0, 'b': 2.0})"
        ),
        new_code_cell("plots.bar_chart(s, title='t', xlabel='x')"),
        new_code_cell("fig = plots.score_chart(s / 2, title='t')"),
        new_code_cell("display(fig)"),
        new_code_cell("import matplotlib.pyplot as plt\nplt.plot([1, 2]);"),
    ]
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=120)
    client.execute()
    images = [
        sum("image/png" in output.get("data", {}) for output in cell.outputs) for cell in nb.cells
    ]
    # the notebook's own pyplot chart still shows after crmkit's charts
    assert images == [0, 1, 0, 1, 1]
    assert nbformat.validate(nb) is None


# --------------------------------------------------------------------------- before/after charts


@pytest.fixture
def kpi_changes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["Win rate", "Resolution time", "Units per order", "SUS score"],
            "change_pct": [0.30, -0.20, 0.01, np.nan],
            "change_pct_ci_low": [0.20, -0.25, -0.02, np.nan],
            "change_pct_ci_high": [0.40, -0.15, 0.04, np.nan],
            "verdict": ["improved", "improved", "no detectable change", "insufficient data"],
        }
    )


def test_forest_plot_draws_each_interval_coloured_by_verdict(kpi_changes):
    fig = plots.forest_plot(kpi_changes, title="Three KPIs moved")
    ax = fig.axes[0]
    assert _title(fig) == "Three KPIs moved"
    # the KPI without a relative change is left out, not drawn at zero
    assert [t.get_text() for t in ax.get_yticklabels()] == list(kpi_changes["label"][:3])
    intervals = [line for line in ax.lines if len(line.get_xdata()) == 2 and line.get_gid() is None]
    assert [tuple(line.get_xdata()) for line in intervals] == [
        (20.0, 40.0),
        (-25.0, -15.0),
        (-2.0, 4.0),
    ]
    assert _same_colour(intervals[2].get_color(), plots.MUTED)  # no detectable change is grey
    assert len(_by_gid(fig, "no-change")) == 1
    assert _by_gid(fig, "off-scale") == []
    # the axis spans zero and every interval: -25 % to +40 %, padded by 8 % of the span (65)
    assert ax.get_xlim() == pytest.approx((-25 - 5.2, 40 + 5.2))
    assert _png(fig).startswith(PNG_SIGNATURE)


def test_forest_plot_puts_a_change_on_a_near_zero_base_at_the_edge(kpi_changes):
    """One +350,000 % row (a before value near zero) must not flatten the other KPIs."""
    outlier = pd.DataFrame(
        {
            "label": ["Average CLV"],
            "change_pct": [3500.0],
            "change_pct_ci_low": [2800.0],
            "change_pct_ci_high": [4200.0],
            "verdict": ["improved"],
        }
    )
    fig = plots.forest_plot(pd.concat([kpi_changes, outlier]), title="t")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "Average CLV"
    # the axis is the one without the outlier: -25 % to +40 %, padded by 8 % of 65
    left, right = ax.get_xlim()
    assert (left, right) == pytest.approx((-30.2, 45.2))
    (marker,) = _by_gid(fig, "off-scale")
    assert tuple(marker.get_xdata()) == (right,) and tuple(marker.get_ydata()) == (3,)
    assert marker.get_marker() == ">"
    assert "+350,000 %" in _texts(fig)
    # without the outlier's row the other rows are drawn exactly as before
    assert [
        tuple(line.get_xdata())
        for line in ax.lines
        if len(line.get_xdata()) == 2 and line.get_gid() is None
    ][:3] == [(20.0, 40.0), (-25.0, -15.0), (-2.0, 4.0)]


def test_forest_plot_keeps_large_changes_that_are_not_far_from_the_others():
    frame = pd.DataFrame(
        {
            "label": ["a", "b", "c"],
            "change_pct": [-0.6, 0.05, 1.5],  # -60 %, +5 %, +150 %: no gap of ten times
            "change_pct_ci_low": [-0.7, 0.0, 1.0],
            "change_pct_ci_high": [-0.5, 0.1, 2.0],
            "verdict": ["worsened", "no detectable change", "improved"],
        }
    )
    ax = plots.forest_plot(frame, title="t").axes[0]
    assert _by_gid(ax.figure, "off-scale") == []
    left, right = ax.get_xlim()
    assert left < -70 and right > 200  # every interval fits


def test_forest_plot_lets_a_very_wide_interval_run_into_the_edge():
    frame = pd.DataFrame(
        {
            "label": ["a", "b"],
            "change_pct": [0.10, -0.05],
            "change_pct_ci_low": [0.05, -9.0],  # -900 %: beyond 3 × the 20 % floor
            "change_pct_ci_high": [0.15, 8.0],
            "verdict": ["improved", "no detectable change"],
        }
    )
    ax = plots.forest_plot(frame, title="t").axes[0]
    left, right = ax.get_xlim()
    # reach = 3 × max(10 %, floor 20 %) = 60 %: no limit within it beyond -5 % and +15 %
    assert (left, right) == pytest.approx((-5 - 1.6, 15 + 1.6))
    assert _by_gid(ax.figure, "off-scale") == []  # the estimates are on the scale


@pytest.mark.parametrize(
    ("points", "reach"),
    [
        ([30.0, -20.0, 1.0, 350_000.0], 90.0),  # 350,000 > 10 × 30: off the scale
        ([5.0, 150.0], 450.0),  # 150 <= 10 × max(5, 20)
        ([5.0, 250.0], 60.0),  # 250 > 10 × max(5, 20): off; the floor of 20 stays
        ([1.0, 2.0, 500.0, 600.0], 60.0),  # both far ones are off the scale
        ([np.nan, 0.0], 60.0),
        ([], 60.0),
    ],
)
def test_forest_scale_reaches_three_times_the_largest_change_on_the_scale(points, reach):
    assert plots.forest_scale(np.array(points, dtype=float)) == pytest.approx(reach)


def test_forest_plot_of_no_relative_change_says_so(kpi_changes):
    fig = plots.forest_plot(kpi_changes.iloc[3:], title="t")
    assert "No data to show" in _texts(fig)


def test_forest_plot_needs_its_columns(kpi_changes):
    with pytest.raises(ValueError, match="verdict"):
        plots.forest_plot(kpi_changes.drop(columns="verdict"), title="t")


def test_distribution_chart_labels_medians_and_counts():
    before = pd.Series([1.0, 2.0, 3.0, 4.0, 100.0])
    after = pd.Series([1.0, 1.5, 2.0, np.nan])
    fig = plots.distribution_chart(before, after, title="Faster", xlabel="Hours", log_scale=True)
    ax = fig.axes[0]
    assert "median 3" in _texts(fig) and "median 1.5" in _texts(fig)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == ["Before go-live\n(n = 5)", "After go-live\n(n = 3)"]
    assert ax.get_xscale() == "log"
    assert _png(fig).startswith(PNG_SIGNATURE)


def test_distribution_chart_of_empty_windows_says_so():
    fig = plots.distribution_chart(
        pd.Series([], dtype=float), pd.Series([], dtype=float), title="t", xlabel="x"
    )
    assert "No data to show" in _texts(fig)


def test_event_study_chart_separates_before_and_after():
    frame = pd.DataFrame(
        {
            "relative_period": [-3, -2, 0, 1],
            "estimate": [0.1, -0.1, 2.0, 2.5],
            "ci_low": [-0.5, -0.7, 1.4, 1.9],
            "ci_high": [0.7, 0.5, 2.6, 3.1],
        }
    )
    fig = plots.event_study_chart(
        frame, title="Revenue rose only where the CRM went live", ylabel="CNY"
    )
    ax = fig.axes[0]
    assert len(_by_gid(fig, "go-live")) == 1
    assert ax.get_xlabel() == "Months relative to go-live"
    assert _png(fig).startswith(PNG_SIGNATURE)


# --------------------------------------------------------------------------- customer charts


def _png_width(fig: Figure) -> int:
    data = _png(fig)
    assert data.startswith(PNG_SIGNATURE)
    return int.from_bytes(data[16:20], "big")


@pytest.fixture
def intervals() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["East", "North", "West (no CRM)", "South"],
            "estimate": [30.7, 32.5, 22.4, np.nan],
            "ci_low": [27.6, 29.1, 17.9, np.nan],
            "ci_high": [33.8, 35.9, 27.0, np.nan],
        }
    )


def test_interval_chart_draws_dots_intervals_values_and_highlight(intervals):
    fig = plots.interval_chart(
        intervals,
        title="NPS is lowest in West",
        xlabel="NPS (points)",
        highlight=["East", "North"],
        reference=28.0,
        reference_label="overall",
    )
    ax = fig.axes[0]
    assert _title(fig) == "NPS is lowest in West"
    assert [t.get_text() for t in ax.get_yticklabels()] == list(intervals["label"])
    segments = [line for line in ax.lines if len(line.get_xdata()) == 2 and line.get_gid() is None]
    assert [tuple(line.get_xdata()) for line in segments] == [
        (27.6, 33.8),
        (29.1, 35.9),
        (17.9, 27.0),
    ]
    assert _same_colour(segments[0].get_color(), plots.ACCENT)
    assert _same_colour(segments[2].get_color(), plots.MUTED)  # not highlighted
    labels = [t.get_text() for t in ax.texts]
    assert {"30.7", "32.5", "22.4", " n/a", "overall"} <= set(labels)
    assert len(_by_gid(fig, "reference")) == 1
    assert ax.yaxis_inverted()  # first row on top
    assert 500 < _png_width(fig) <= 820


def test_interval_chart_on_a_log_scale_keeps_readable_ticks():
    frame = pd.DataFrame(
        {
            "label": ["a", "b"],
            "estimate": [0.67, 1.15],
            "ci_low": [0.59, 1.0],
            "ci_high": [0.77, 1.32],
        }
    )
    fig = plots.interval_chart(
        frame, title="t", xlabel="Hazard ratio", reference=1.0, log_scale=True
    )
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert "1" in ticks and len(ticks) >= 3
    with pytest.raises(ValueError, match="ci_high"):
        plots.interval_chart(frame.drop(columns="ci_high"), title="t", xlabel="x")
    empty = plots.interval_chart(frame.iloc[:0], title="t", xlabel="x")
    assert "No data to show" in _texts(empty)


def test_stacked_share_chart_stacks_to_100_percent_and_labels_wide_parts():
    shares = pd.DataFrame(
        {"Promoters": [0.45, 0.48], "Passives": [0.35, 0.36], "Detractors": [0.20, 0.02]},
        index=["Before go-live", "After go-live"],
    )
    fig = plots.stacked_share_chart(shares, title="More promoters after go-live")
    ax = fig.axes[0]
    assert _title(fig) == "More promoters after go-live"
    bars = ax.patches
    assert len(bars) == 6
    # the parts of a row sit side by side: promoters from 0, passives from 0.45 (row 1)
    assert bars[0].get_x() == pytest.approx(0.0) and bars[2].get_x() == pytest.approx(0.45)
    assert bars[4].get_x() + bars[4].get_width() == pytest.approx(1.0)
    assert _same_colour(bars[0].get_facecolor(), plots.ACCENT)
    assert _same_colour(bars[2].get_facecolor(), plots.MUTED)
    labels = [t.get_text() for t in ax.texts]
    assert "45 %" in labels and "20 %" in labels and "2 %" not in labels  # below 5 %: unlabelled
    assert [t.get_text() for t in fig.legends[0].get_texts()] == list(shares.columns)
    assert ax.xaxis.get_major_formatter()(0.5, 0) == "50 %"
    assert 500 < _png_width(fig) <= 820


def test_chart_titles_keep_a_number_and_its_percent_sign_together():
    fig = plots.stacked_share_chart(
        pd.DataFrame({"a": [1.0]}), title="Respondents are 18 % Enterprise"
    )
    assert _title(fig) == "Respondents are 18\u00a0% Enterprise"


def test_grouped_bar_chart_puts_series_side_by_side():
    frame = pd.DataFrame(
        {"Predicted by the model": [1.54, 1.73, 7.40], "Actual": [1.32, 1.63, 7.76]},
        index=["0", "1", "7+"],
    )
    fig = plots.grouped_bar_chart(
        frame, title="The model fits", ylabel="Purchases", value_format="{:.1f}"
    )
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 6
    assert [round(b.get_height(), 2) for b in bars] == [1.54, 1.73, 7.4, 1.32, 1.63, 7.76]
    assert bars[0].get_x() < bars[3].get_x() < bars[1].get_x()  # predicted then actual per group
    assert _same_colour(bars[0].get_facecolor(), plots.ACCENT)
    assert _same_colour(bars[3].get_facecolor(), plots.MUTED)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "7+"]
    assert "7.8" in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == list(frame.columns)
    custom = plots.grouped_bar_chart(frame, title="t", ylabel="y", colors=[plots.WARNING])
    assert _same_colour(custom.axes[0].patches[0].get_facecolor(), plots.WARNING)
    assert _same_colour(custom.axes[0].patches[3].get_facecolor(), plots.MUTED)  # palette after
    assert 500 < _png_width(fig) <= 820


def test_heatmap_chart_colours_cells_writes_percentages_and_marks_go_live():
    matrix = pd.DataFrame(
        [[0.23, 0.30, 0.41], [0.21, 0.33, np.nan], [0.25, np.nan, np.nan]],
        index=pd.to_datetime(["2024-11-01", "2024-12-01", "2025-01-01"]),
        columns=[0, 1, 2],
    )
    fig = plots.heatmap_chart(
        matrix,
        title="New customers order more often after their first month",
        xlabel="Months since acquisition",
        ylabel="Month of acquisition",
        colorbar_label="Ordered (%)",
        split_at="2025-01-01",
    )
    ax = fig.axes[0]
    image = _by_gid(fig, "cells")[0]
    shown = image.get_array()
    assert shown[0, 2] == pytest.approx(41.0) and np.ma.is_masked(shown[1, 2])
    assert sorted(t.get_text() for t in ax.texts if t.get_text().isdigit()) == sorted(
        ["23", "30", "41", "21", "33", "25"]
    )
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2024-11", "2024-12", "2025-01"]
    split = _by_gid(fig, "split")[0]
    assert split.get_ydata()[0] == pytest.approx(1.5)  # between December and January
    assert len(fig.axes) == 2 and fig.axes[1].get_ylabel() == "Ordered (%)"  # the colour bar
    assert _png_width(fig) > 500
    empty = plots.heatmap_chart(
        pd.DataFrame(), title="t", xlabel="x", ylabel="y", colorbar_label="c"
    )
    assert "No data to show" in _texts(empty)


def test_survival_chart_draws_steps_bands_and_go_live_colours():
    curve = pd.DataFrame(
        {
            "group": ["before"] * 3 + ["after"] * 3,
            "time": [0.0, 100.0, 300.0, 0.0, 150.0, 320.0],
            "survival": [1.0, 0.9, 0.82, 1.0, 0.93, 0.87],
            "ci_low": [1.0, 0.88, 0.80, 1.0, 0.91, 0.85],
            "ci_high": [1.0, 0.92, 0.84, 1.0, 0.95, 0.89],
        }
    )
    fig = plots.survival_chart(
        curve,
        title="More customers stay after go-live",
        xlabel="Days",
        labels={"before": "Before go-live (3 customers)", "after": "After go-live (3 customers)"},
    )
    ax = fig.axes[0]
    steps = [line for line in ax.lines]
    assert len(steps) == 2
    assert steps[0].get_drawstyle() == "steps-post"
    assert _same_colour(steps[0].get_color(), plots.MUTED)
    assert _same_colour(steps[1].get_color(), plots.ACCENT)
    assert len(ax.collections) == 2  # one confidence band per curve
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "Before go-live (3 customers)",
        "After go-live (3 customers)",
    ]
    low, high = ax.get_ylim()
    assert low == pytest.approx(0.7) and high > 1.0  # starts just below the lowest band
    assert ax.yaxis.get_major_formatter()(0.8, 0) == "80 %"
    with pytest.raises(ValueError, match="ci_low"):
        plots.survival_chart(curve.drop(columns="ci_low"), title="t", xlabel="x")
    assert 500 < _png_width(fig) <= 820


def test_concentration_chart_draws_the_curve_equality_line_and_marks():
    values = np.array([60.0, 20.0, 10.0, 5.0, 5.0])
    curve = pd.DataFrame(
        {
            "customer_share": np.arange(1, 6) / 5,
            "cumulative_share": np.cumsum(values) / values.sum(),
        }
    )
    fig = plots.concentration_chart(curve, title="The top fifth bring most revenue")
    ax = fig.axes[0]
    assert len(_by_gid(fig, "equality")) == 1
    main = [line for line in ax.lines if line.get_gid() is None and len(line.get_xdata()) > 2][0]
    assert main.get_xdata()[0] == 0.0 and main.get_ydata()[0] == 0.0  # the curve starts at (0, 0)
    assert _same_colour(main.get_color(), plots.ACCENT)
    marks = [t.get_text() for t in ax.texts if t.get_gid() == "mark"]
    assert marks == ["top 20 % of customers: 60 %"]
    assert ax.get_xlim() == (0.0, 1.0)
    with pytest.raises(ValueError, match="cumulative_share"):
        plots.concentration_chart(curve.drop(columns="cumulative_share"), title="t")
    big = pd.DataFrame(
        {
            "customer_share": np.linspace(0.0001, 1, 10_000),
            "cumulative_share": np.linspace(0.0001, 1, 10_000) ** 0.3,
        }
    )
    thinned = plots.concentration_chart(big, title="t", max_points=500)
    longest = max(len(line.get_xdata()) for line in thinned.axes[0].lines)
    assert longest <= 501
    assert 500 < _png_width(fig) <= 820


def test_customer_charts_leave_global_state_alone():
    before = dict(matplotlib.rcParams)
    figures_before = plt.get_fignums()
    plots.heatmap_chart(
        pd.DataFrame([[0.5]]), title="t", xlabel="x", ylabel="y", colorbar_label="c"
    )
    plots.survival_chart(
        pd.DataFrame(
            {"group": ["a"], "time": [0.0], "survival": [1.0], "ci_low": [1.0], "ci_high": [1.0]}
        ),
        title="t",
        xlabel="x",
    )
    assert plt.get_fignums() == figures_before
    assert dict(matplotlib.rcParams) == before


# --------------------------------------------------------------------------- client text


#: Client text that matplotlib would read as mathtext (typeset, or raise while drawing) or
#: that would be markup in an SVG file.
FORMULA = r"$\frac{a}{b}$"
BROKEN = r"$\nosuchcommand{x}$ and $"
MARKUP = '"><script>window.__x=1</script><!--'
ENTITY = "&amp;lt;"
HOSTILE = (FORMULA, BROKEN, MARKUP, ENTITY)
TITLE = " ".join(HOSTILE)


def _dates(n: int) -> pd.PeriodIndex:
    return pd.period_range("2024-01", periods=n, freq="M")


def _hostile_curve() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": [FORMULA, FORMULA, MARKUP, MARKUP],
            "time": [0.0, 30.0, 0.0, 30.0],
            "survival": [1.0, 0.9, 1.0, 0.95],
            "ci_low": [1.0, 0.85, 1.0, 0.9],
            "ci_high": [1.0, 0.94, 1.0, 0.98],
        }
    )


#: Every chart function, with client text in each place it shows text.
HOSTILE_CHARTS = {
    "bar_chart": lambda: plots.bar_chart(
        pd.Series(dict.fromkeys(HOSTILE, 1.0)), title=TITLE, xlabel=BROKEN
    ),
    "bar_chart vertical": lambda: plots.bar_chart(
        pd.Series(dict.fromkeys(HOSTILE, 1.0)), title=TITLE, xlabel=BROKEN, horizontal=False
    ),
    "line_chart": lambda: plots.line_chart(
        pd.DataFrame({FORMULA: [1.0, 2.0], MARKUP: [2.0, 1.0]}, index=_dates(2)),
        title=TITLE,
        ylabel=BROKEN,
        go_live="2024-02-01",
    ),
    "coverage_chart": lambda: plots.coverage_chart(
        pd.DataFrame(
            {"first_date": ["2024-01-01"] * 4, "last_date": ["2024-12-31"] * 4}, index=HOSTILE
        ),
        title=TITLE,
        window_start="2024-01-01",
        window_end="2024-12-31",
        go_live="2024-07-01",
    ),
    "score_chart": lambda: plots.score_chart(
        pd.Series(dict.fromkeys(HOSTILE, 0.9)), title=TITLE, xlabel=BROKEN
    ),
    "forest_plot": lambda: plots.forest_plot(
        pd.DataFrame(
            {
                "label": list(HOSTILE),
                "change_pct": [0.1] * 4,
                "change_pct_ci_low": [0.0] * 4,
                "change_pct_ci_high": [0.2] * 4,
                "verdict": ["improved"] * 4,
            }
        ),
        title=TITLE,
        xlabel=BROKEN,
    ),
    "distribution_chart": lambda: plots.distribution_chart(
        pd.Series([1.0, 2.0]),
        pd.Series([2.0, 3.0]),
        title=TITLE,
        xlabel=BROKEN,
        labels=(FORMULA, MARKUP),
    ),
    "event_study_chart": lambda: plots.event_study_chart(
        pd.DataFrame(
            {
                "relative_period": [-1, 0],
                "estimate": [0.0, 1.0],
                "ci_low": [-1, 0],
                "ci_high": [1, 2],
            }
        ),
        title=TITLE,
        ylabel=BROKEN,
    ),
    "tornado_chart": lambda: plots.tornado_chart(
        pd.DataFrame({"driver": list(HOSTILE), "low_npv": [-1.0] * 4, "high_npv": [1.0] * 4}),
        title=TITLE,
        xlabel=BROKEN,
        base=0.0,
    ),
    "histogram_chart": lambda: plots.histogram_chart(
        np.arange(10.0), title=TITLE, xlabel=BROKEN, markers={FORMULA: 2.0, MARKUP: 5.0}
    ),
    "interval_chart": lambda: plots.interval_chart(
        pd.DataFrame(
            {
                "label": list(HOSTILE),
                "estimate": [1.0] * 4,
                "ci_low": [0.0] * 4,
                "ci_high": [2.0] * 4,
            }
        ),
        title=TITLE,
        xlabel=BROKEN,
        highlight=[FORMULA],
        reference=1.0,
        reference_label=ENTITY,
    ),
    "stacked_share_chart": lambda: plots.stacked_share_chart(
        pd.DataFrame({FORMULA: [0.5, 0.5], MARKUP: [0.5, 0.5]}, index=[BROKEN, ENTITY]),
        title=TITLE,
        xlabel=BROKEN,
    ),
    "grouped_bar_chart": lambda: plots.grouped_bar_chart(
        pd.DataFrame({FORMULA: [1.0, 2.0], MARKUP: [2.0, 1.0]}, index=[BROKEN, ENTITY]),
        title=TITLE,
        ylabel=BROKEN,
        xlabel=ENTITY,
    ),
    "heatmap_chart": lambda: plots.heatmap_chart(
        pd.DataFrame([[0.5, 0.4], [0.3, 0.2]], columns=[FORMULA, MARKUP], index=[BROKEN, ENTITY]),
        title=TITLE,
        xlabel=FORMULA,
        ylabel=BROKEN,
        colorbar_label=MARKUP,
    ),
    "survival_chart": lambda: plots.survival_chart(
        _hostile_curve(), title=TITLE, xlabel=BROKEN, labels={MARKUP: ENTITY}
    ),
    "benefit_ranking_chart": lambda: plots.benefit_ranking_chart(
        pd.DataFrame(
            {
                "action": list(HOSTILE),
                "benefit_index": [1.0, 0.5, -0.2, 0.0],
                "benefit_index_low": [0.5, 0.0, -0.5, -0.1],
                "benefit_index_high": [2.0, 1.0, 0.1, 0.1],
            }
        ),
        title=TITLE,
        xlabel=BROKEN,
    ),
    "concentration_chart": lambda: plots.concentration_chart(
        pd.DataFrame({"customer_share": [0.5, 1.0], "cumulative_share": [0.8, 1.0]}),
        title=TITLE,
        xlabel=BROKEN,
        ylabel=MARKUP,
    ),
    "control_chart": lambda: plots.control_chart(
        pd.DataFrame({"value": [1.0, 2.0, 9.0], "outside": [False, False, True]}, index=_dates(3)),
        centre=2.0,
        lower=0.0,
        upper=5.0,
        title=TITLE,
        ylabel=BROKEN,
    ),
    "history_chart": lambda: plots.history_chart(
        pd.DataFrame({FORMULA: [0.5, 0.6], MARKUP: [0.4, 0.5]}, index=[BROKEN, ENTITY]),
        title=TITLE,
        ylabel=BROKEN,
        percent=True,
    ),
    "rollout_event_study_chart": lambda: plots.rollout_event_study_chart(
        pd.DataFrame(
            {
                "months": [-2, -1, 0, 1],
                "estimate_pct": [0.0, 0.01, 0.10, 0.12],
                "ci_low_pct": [-0.05, -0.04, 0.02, np.nan],
                "ci_high_pct": [0.05, 0.06, 0.18, np.nan],
            }
        ),
        title=TITLE,
    ),
    "synthetic_control_chart": lambda: plots.synthetic_control_chart(
        pd.DataFrame({"period": _dates(4).to_timestamp(), "gap": [1.0, -1.0, 5.0, 6.0]}),
        pd.DataFrame(
            {
                "unit": [BROKEN] * 4 + [MARKUP] * 4,
                "is_treated": [False] * 8,
                "period": list(_dates(4).to_timestamp()) * 2,
                "gap": [0.5, -0.5, 1.0, 0.0, -1.0, 1.0, -2.0, 1.0],
            }
        ),
        title=TITLE,
        ylabel=BROKEN,
        go_live=_dates(4).to_timestamp()[2],
    ),
    "placebo_chart": lambda: plots.placebo_chart(
        pd.DataFrame({"effect": [0.01, -0.02, 0.03]}), 0.1, title=TITLE, xlabel=FORMULA
    ),
    "kpi_placebo_chart": lambda: plots.kpi_placebo_chart(
        pd.DataFrame(
            {"label": [BROKEN] * 3 + [MARKUP] * 3, "effect": [0.01, -0.02, 0.03, 0.0, 0.05, -0.01]}
        ),
        pd.DataFrame({"label": [BROKEN, MARKUP], "effect": [0.1, -0.04]}),
        title=TITLE,
    ),
}


def test_every_chart_function_is_checked_with_client_text():
    checked = {name.split()[0] for name in HOSTILE_CHARTS}
    charts = {name for name in plots.__all__ if name.endswith(("_chart", "_plot"))}
    assert charts == checked


def _svg_texts(fig: Figure) -> tuple[ET.Element, str]:
    """The SVG of a chart (text kept as text) and all its text, whitespace collapsed."""
    buffer = io.StringIO()
    # matplotlib's defaults, as when a caller draws the figure outside the house style
    with mpl.rc_context({"text.parse_math": True, "svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg")
    root = ET.fromstring(buffer.getvalue())  # well-formed XML: the text was escaped
    words = " ".join("".join(e.itertext()) for e in root.iter("{http://www.w3.org/2000/svg}text"))
    return root, " ".join(words.split())


@pytest.mark.parametrize("chart", sorted(HOSTILE_CHARTS))
def test_charts_show_client_text_as_written(chart):
    fig = HOSTILE_CHARTS[chart]()
    assert _png(fig).startswith(PNG_SIGNATURE)  # a stray $ or unknown command does not raise
    root, words = _svg_texts(fig)
    for text in HOSTILE:
        assert " ".join(text.split()) in words, (chart, text)
    for element in root.iter():
        assert not element.tag.endswith("script"), chart
        assert not any(name.lower().startswith("on") for name in element.attrib), chart


def test_chinese_text_draws_without_missing_glyphs_when_a_cjk_font_is_installed():
    """A client's Chinese labels show as written: the house style backs its font with a CJK one.

    .ci/run installs Debian's fonts-wqy-microhei; without any CJK font the test is skipped.
    """
    import warnings

    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    if not installed.intersection(plots.CJK_FONTS):
        pytest.skip("no CJK font installed")
    assert plots.font_families()[1] in plots.CJK_FONTS
    frame = pd.DataFrame({"value": [3.0, 5.0]}, index=["华东 区", "华北 区"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" would raise
        fig = plots.bar_chart(frame["value"], title="客户满意度：华东最高", xlabel="分数")
        fig.savefig(io.BytesIO(), format="png")
    plt.close(fig)
