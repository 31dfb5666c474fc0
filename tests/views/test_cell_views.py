"""Lesson 04's pictures (rmc_lib.views.cell_views), headless: each draws the
numbers it is given, refuses inconsistent ones, and fits a ~960 px output
area with readable, non-overlapping texts (common.layout_problems)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rmc_lib.views import cell_views
from rmc_lib.views.common import layout_problems

COUNTS = {"1 block": {"input projection": 288, "qkv projections": 3168, "shared MLP": 2112, "gates": 4224},
          "2 blocks": {"input projection": 288, "qkv projections": 6336, "shared MLP": 2112, "gates": 4224}}


def test_parameter_bars_draw_every_count_with_its_label():
    ax = cell_views.parameter_bars(COUNTS, title="where the parameters are")
    widths = [round(bar.get_width()) for container in ax.containers for bar in container]
    assert widths == [288, 3168, 2112, 4224, 288, 6336, 2112, 4224]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(COUNTS["1 block"])
    assert "6,336" in [t.get_text() for t in ax.texts]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1 block (9,792 in all)", "2 blocks (12,960 in all)"]
    assert layout_problems(ax.figure, dpi=100) == []
    with pytest.raises(ValueError, match="components"):
        cell_views.parameter_bars({"a": {"x": 1}, "b": {"y": 2}})


def test_gradient_check_bars_show_each_error_and_the_bound():
    errors = {f"block0.array{i}": 10.0 ** -(9 + i % 4) for i in range(20)}
    errors["exact"] = 0.0
    ax = cell_views.gradient_check_bars(errors, bound=1e-6, title="check")
    np.testing.assert_allclose([bar.get_width() for bar in ax.patches][:20], list(errors.values())[:20])
    assert ax.patches[20].get_width() == 1e-14           # an exact zero still shows, at the left edge
    assert ax.lines[0].get_xdata()[0] == 1e-6 and ax.get_xscale() == "log"
    assert layout_problems(ax.figure, dpi=100) == []


def flow_curves(T=30):
    t = np.arange(T + 1)
    return {f"forget_bias {fb:+.0f} (mean f = {f:.2f})": (32 * f ** (T - t), 30 + 5 * np.cos(t) + 40 * f ** t)
            for fb, f in [(-2, 0.15), (1, 0.69), (3, 0.92)]}


def test_gradient_flow_reads_back_in_time_with_one_legend_below():
    curves = flow_curves()
    axes = cell_views.gradient_flow(curves, title="gradient flow")
    for ax, part in zip(axes, [0, 1]):
        assert ax.get_xlim() == (30, 0)                   # inverted: back in time to the right
        assert len(ax.lines) == 3 and ax.get_legend() is None
        for line, curve in zip(ax.lines, curves.values()):
            np.testing.assert_allclose(line.get_ydata(), curve[part])
        low, high = ax.get_ylim()
        assert all(low <= tick <= high for tick in ax.get_yticks())
    assert len(axes[0].figure.legends) == 1
    assert layout_problems(axes[0].figure, dpi=100) == []
    with pytest.raises(ValueError, match="31 points"):
        cell_views.gradient_flow({"a": (np.ones(31), np.ones(31)), "b": (np.ones(30), np.ones(31))})
    with pytest.raises(ValueError, match="2 axes"):
        cell_views.gradient_flow(curves, axes=plt.subplots(1, 3)[1])


def test_state_size_plot_draws_each_family_on_log_scales():
    series = {"LSTM": (2 * np.array([4, 8, 16]), [208, 672, 2368], "o"),
              "RMC": (np.array([32, 64, 128]), [10112, 10112, 10112], "s")}
    ax = cell_views.state_size_plot(series, title="parameters against state size")
    assert ax.get_xscale() == ax.get_yscale() == "log"
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [10112, 10112, 10112])
    assert layout_problems(ax.figure, dpi=100) == []
    with pytest.raises(ValueError, match="state sizes"):
        cell_views.state_size_plot({"bad": ([1, 2], [3], "o")})
