"""The chart of A1's gradient checks."""

import numpy as np
import pytest

from rmc_lib.views.backward_views import FLOOR, plot_gradient_checks
from rmc_lib.views.common import layout_problems


def checks_of(sections, per_section=5, seed=0):
    rng = np.random.default_rng(seed)
    return [(section, f"d{k}", float(10 ** rng.uniform(-12, -9)))
            for section in sections for k in range(per_section)]


def test_one_column_per_section_and_one_dot_per_gradient():
    checks = checks_of(["linear", "layer norm", "RMC step"], per_section=4) + [("linear", "dz", 0.0)]
    ax = plot_gradient_checks(checks, bounds={"one layer: 1e-7": 1e-7, "through time: 1e-6": 1e-6},
                              title="checks")
    dots = [line for line in ax.get_lines() if line.get_marker() == "o"]
    assert [len(line.get_ydata()) for line in dots] == [5, 4, 4]
    assert min(dots[0].get_ydata()) == FLOOR                     # the error of exactly 0
    assert [t.get_text() for t in ax.get_xticklabels()] == ["linear", "layer norm", "RMC step"]
    levels = sorted(line.get_ydata()[0] for line in ax.get_lines() if line.get_marker() != "o")
    assert levels == [1e-7, 1e-6]
    assert ax.get_yscale() == "log" and ax.get_title() == "checks"
    low, high = ax.get_ylim()
    assert low <= FLOOR and high >= 1e-6


def test_the_appendix_chart_fits_the_output_area():
    sections = ["linear", "layer norm", "MLP", "MLP block", "gates (unit)", "gates (memory)",
                "LSTM step", "RMC step", "RMC, 3 steps"]
    ax = plot_gradient_checks(checks_of(sections, per_section=28),
                              bounds={"one layer: 1e-7": 1e-7, "through time: 1e-6": 1e-6},
                              title="Derived gradients against centred finite differences")
    assert layout_problems(ax.figure, dpi=100) == []


def test_bad_checks_are_refused():
    with pytest.raises(ValueError, match="at least one"):
        plot_gradient_checks([])
    with pytest.raises(ValueError, match="finite error >= 0"):
        plot_gradient_checks([("linear", "dx", float("nan"))])
    with pytest.raises(ValueError, match="finite error >= 0"):
        plot_gradient_checks([("linear", "dx")])
