"""Lesson 06's pictures of training runs: guide lines only where they belong,
legends under the panels (never over a curve), and every figure fits a
~960 px output area."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rmc_lib.views import run_views
from rmc_lib.views.common import keep_room_at_top

from .pixels import drawn_tick_labels_lie_within
from .test_task_views import fits


def run(rng, steps=40, start=0.33, end=0.9):
    examples = 64_000.0 * np.arange(1, steps + 1)
    accuracy = np.clip(np.linspace(start, end, steps) + rng.normal(scale=0.01, size=steps), 0, 1)
    return {"examples": examples, "seconds": examples / 4000.0, "step": examples / 64, "eval_accuracy": accuracy,
            "eval_loss": -np.log(accuracy)}


@pytest.fixture
def runs(rng):
    return {model: [(seed, run(rng)) for seed in range(3)] for model in ("rmc", "lstm")}


def guide_levels(ax):
    """The heights of the horizontal guide lines (axhline and hlines) of ax."""
    levels = [line.get_ydata()[0] for line in ax.lines if len(set(np.ravel(line.get_ydata()))) == 1
              and line.get_linestyle() in ("--", ":")]
    for collection in ax.collections:
        for segment in collection.get_segments():
            levels.append(segment[0][1])
    return sorted(round(float(level), 6) for level in levels)


def test_plateau_curves_draw_the_plateau_and_guessing(rng):
    axes = run_views.plateau_curves({"batch 64": run(rng, end=0.5), "batch 32": run(rng, end=0.5)}, 4)
    assert guide_levels(axes[0]) == [0.25, 0.5]
    assert guide_levels(axes[1]) == sorted([round(0.75 * np.log(3), 6), round(np.log(4), 6)])
    assert all(ax.get_legend() is None for ax in axes) and len(axes[0].figure.legends) == 1
    assert run_views.plateau_accuracy(8) == 0.25
    assert run_views.plateau_loss(8) == pytest.approx(7 / 8 * np.log(7))
    assert fits(axes[0].figure) == []


def test_each_stage_of_the_curriculum_gets_its_own_plateau(runs):
    axes = run_views.curriculum_curves(runs, runs, 4)
    assert guide_levels(axes[0]) == [round(1 / 3, 6), 0.9]       # stage 1: "not the reference", the stop
    assert guide_levels(axes[1]) == [0.5]                         # stage 2: 2/C, nothing else
    assert all(ax.get_legend() is None for ax in axes) and len(axes[0].figure.legends) == 1
    assert sum(1 for line in axes[0].lines if line.get_linestyle() == "-") == 6      # every seed
    assert fits(axes[0].figure) == []


def test_accuracy_by_n_bars_draw_the_guess_over_n_below_C_only():
    final = {(model, seed): {n: (0.9 if n < 4 else 1.0, 100) for n in range(1, 5)}
             for model in ("rmc", "lstm") for seed in range(3)}
    ax = run_views.accuracy_by_n_bars(final, 4)
    assert len(ax.patches) == 24
    (segment,) = ax.collections[0].get_segments()
    np.testing.assert_allclose(segment, [[0.5, 1 / 3], [3.5, 1 / 3]])     # over n = 1, 2, 3
    assert ax.get_legend() is None and len(ax.figure.legends) == 1
    assert fits(ax.figure) == []


def test_runs_by_examples_and_time(runs):
    axes = run_views.runs_by_examples_and_time(runs, ["rmc", "lstm"], 4)
    assert axes[0].get_xscale() == "log" and axes[1].get_xscale() == "linear"
    for ax in axes:
        assert ax.get_legend() is None and round(1 / 3, 6) in guide_levels(ax)
        assert drawn_tick_labels_lie_within(ax, "x")
    single = run_views.runs_by_examples_and_time({"rmc": runs["rmc"][:1], "lstm": runs["lstm"][:1]}, ["rmc", "lstm"], 4)
    labels = [t.get_text() for t in single[0].figure.legends[0].get_texts()]
    assert "RMC (one seed)" in labels and not any("mean of 1" in label for label in labels)
    assert fits(axes[0].figure) == [] and fits(single[0].figure) == []


def test_keep_room_at_top_keeps_a_band_for_changing_titles():
    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    ax.set_title("a title that changes")
    keep_room_at_top(fig, 0.3, [ax.title])
    fig.canvas.draw()
    assert not ax.title.get_in_layout()
    assert ax.get_position().y1 <= 1 - 0.3 / 3 + 1e-9            # the band is kept free of axes
    plain, _ = plt.subplots()
    with pytest.raises(ValueError, match="fig must use the constrained layout"):
        keep_room_at_top(plain, 0.3)
    plt.close("all")
