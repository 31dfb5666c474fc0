"""Views of a recorded RMC run: memory_views.trace_attention, trace_attention_grid,
attention_blocks_heads, memory_over_time, lesson 03's other pictures,
heatmaps.memory_heatmap(s) and memory_views.TraceAttentionExplorer, headless.

Each test checks what is drawn (image data, labels, marks) or what the
widget holds after its sliders change, not only that nothing raises; and
that lesson-sized pictures fit a ~960 px output area with readable,
non-overlapping texts (common.layout_problems).
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rmc_lib import tasks
from rmc_lib.cores.rmc import RelationalMemory
from rmc_lib.trace import record
from rmc_lib.views.common import layout_problems
from rmc_lib.views import explore_views
from rmc_lib.views import heatmaps
from rmc_lib.views import memory_views

from .pixels import assert_shows_full_drawing, drawn_in_full, png_pixels


@pytest.fixture
def trace(rng):
    """T=3 steps, 2 blocks, B=2 examples, H=2 heads, N=3 slots of F=4."""
    core = RelationalMemory(3, 2, num_heads=2, num_blocks=2, gate_style=None, input_size=5, rng=rng)
    return record(core, rng.normal(size=(2, 3, 5)))[2]


@pytest.fixture
def task():
    return tasks.NthFarthest(num_objects=4, num_features=4)


def lesson_trace(rng, task, steps=4):
    """Lesson 03's (and 07's) sizes: N=4 slots of F=16, 2 blocks, 2 heads, D=16, B=2."""
    core = RelationalMemory(4, 8, num_heads=2, num_blocks=2, gate_style=None, input_size=task.input_size, rng=rng)
    return record(core, rng.normal(size=(2, steps, task.input_size)))[2]


def tick_texts(labels):
    return [label.get_text() for label in labels]


# ----------------------------------------------------------------------------
# plots
# ----------------------------------------------------------------------------

def test_trace_weights_indexes_step_block_example_head(trace):
    np.testing.assert_array_equal(memory_views.trace_weights(trace, 2, 1, 0, example=1),
                                  trace.attention[2, 1, 1, 0])
    for name, args in [("step", (3, 0, 0)), ("block", (0, 2, 0)), ("head", (0, 0, 2)),
                       ("step", (-1, 0, 0)), ("step", (1.0, 0, 0))]:
        with pytest.raises(ValueError, match=name):
            memory_views.trace_weights(trace, *args)
    with pytest.raises(ValueError, match="example"):
        memory_views.trace_weights(trace, 0, 0, 0, example=2)


def test_trace_attention_draws_the_weights_with_slot_labels(trace):
    ax = memory_views.trace_attention(trace, step=1, block=1, head=0, example=1)
    np.testing.assert_array_equal(ax.images[0].get_array(), trace.attention[1, 1, 1, 0])
    labels = ["slot 0", "slot 1", "slot 2", "input"]
    assert tick_texts(ax.get_yticklabels()) == labels
    assert tick_texts(ax.get_xticklabels()) == labels
    assert ax.get_title() == "step 1, block 1, head 0, example 1"
    # the weights are written in the cells, row by row
    texts = [t.get_text() for t in ax.texts]
    assert texts[:4] == [f"{w:.2f}" for w in trace.attention[1, 1, 1, 0, 0]]
    assert len(ax.figure.axes) == 2   # the heatmap and its colorbar


def test_trace_attention_marks_the_input_row(trace):
    ax = memory_views.trace_attention(trace, 0, 0, 1)
    marks = [p for p in ax.patches if p.get_gid() == "input_row"]
    assert len(marks) == 1
    assert marks[0].get_y() == pytest.approx(2.5) and marks[0].get_height() == 1
    assert marks[0].get_width() == 4
    assert ax.get_yticklabels()[3].get_color() == "#d62728"
    assert ax.get_yticklabels()[0].get_color() != "#d62728"


def test_trace_attention_on_given_axes_without_colorbar(trace):
    fig, ax = plt.subplots()
    out = memory_views.trace_attention(trace, 2, 0, 0, ax=ax, colorbar=False, title="mine")
    assert out is ax and len(fig.axes) == 1 and ax.get_title() == "mine"


def test_trace_attention_grid_has_one_panel_per_step(trace):
    axes = memory_views.trace_attention_grid(trace, example=1, block=1, head=1)
    assert len(axes) == 3
    for t, ax in enumerate(axes):
        np.testing.assert_array_equal(ax.images[0].get_array(), trace.attention[t, 1, 1, 1])
        assert ax.get_title() == f"step {t}"
    assert len(axes[0].figure.axes) == 4   # three steps and one shared colorbar
    assert "block 1, head 1, example 1" in axes[0].figure.get_suptitle()
    fig, two = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="axes"):
        memory_views.trace_attention_grid(trace, axes=two)


@pytest.mark.parametrize("steps, rows", [(1, 1), (4, 1), (5, 2), (8, 2), (12, 3)])
def test_the_grid_wraps_into_rows_of_four_and_fits_960_px(rng, task, steps, rows):
    trace = lesson_trace(rng, task, steps)
    axes = memory_views.trace_attention_grid(trace, example=1, block=1, head=0)
    fig = axes[0].figure
    assert len(axes) == steps and len(fig.axes) == steps + 1          # no empty panels left over
    assert len({round(ax.get_position().y0, 3) for ax in axes}) == rows
    for t, ax in enumerate(axes):
        np.testing.assert_array_equal(ax.images[0].get_array(), trace.attention[t, 1, 1, 0])
        assert bool(tick_texts(ax.get_yticklabels())) == (t % 4 == 0)     # rows named on the left only
        assert len(ax.texts) == 25                                     # 5 x 5 weights written out
    assert fig.get_figwidth() <= 9.4
    assert layout_problems(fig, dpi=100) == []


def test_the_grid_writes_no_numbers_in_large_matrices(rng):
    core = RelationalMemory(8, 2, num_heads=1, gate_style=None, input_size=3, rng=rng)
    trace = record(core, rng.normal(size=(1, 3, 3)))[2]
    axes = memory_views.trace_attention_grid(trace)
    assert all(len(ax.texts) == 0 for ax in axes)
    assert layout_problems(axes[0].figure, dpi=100) == []


def test_blocks_and_heads_of_one_step(rng, task):
    trace = lesson_trace(rng, task, 1)
    grid = memory_views.attention_blocks_heads(trace, step=0, example=1)
    assert grid.shape == (2, 2)
    for (b, h), ax in np.ndenumerate(grid):
        np.testing.assert_array_equal(ax.images[0].get_array(), trace.attention[0, b, 1, h])
        assert ax.get_title() == f"block {b}, head {h}"
    assert len(grid[0, 0].figure.axes) == 5                            # four maps, one colorbar
    assert layout_problems(grid[0, 0].figure, dpi=100) == []
    with pytest.raises(ValueError, match="block and head"):
        memory_views.attention_blocks_heads(trace, 0, axes=plt.subplots(1, 3)[1])


def test_input_sensitivity_scatter(rng):
    measured = {"first block only": (rng.random((64, 4)) * 0.6, rng.random((64, 4)) * 3.6),
                "both blocks": (rng.random((64, 4)) * 0.6, rng.random((64, 4)) * 3.6)}
    axes = memory_views.input_sensitivity_scatter(measured)
    for ax, (name, (w, s)) in zip(axes, measured.items()):
        np.testing.assert_array_equal(ax.collections[0].get_offsets(), np.c_[w.ravel(), s.ravel()])
        assert ax.get_title() == name and ax.get_xlim()[0] == 0 and ax.get_ylim()[0] == 0
    assert axes[0].get_ylim() == axes[1].get_ylim()
    assert layout_problems(axes[0].figure, dpi=100) == []
    with pytest.raises(ValueError, match="one shape"):
        memory_views.input_sensitivity_scatter({"bad": (np.zeros(3), np.zeros(4))})


def test_row_correlation_maps_write_signed_numbers_readably(rng):
    C = np.corrcoef(rng.normal(size=(5, 16)))
    C[0, 1] = -0.001                                                  # rounds to zero: no "-0.00"
    labels = ["slot 0", "slot 1", "slot 2", "slot 3", "input"]
    axes = memory_views.row_correlation_maps({"with": C, "without": -C}, labels)
    assert axes[0].texts[1].get_text() == "0.00"
    assert axes[0].texts[0].get_text() == "1.00" and axes[0].texts[0].get_color() == "white"   # dark red
    assert axes[0].images[0].get_clim() == (-1, 1)
    assert layout_problems(axes[0].figure, dpi=100) == []


def test_memory_heatmaps_share_one_scale(rng):
    memories = [np.eye(4, 16), 3 * rng.normal(size=(4, 16))]
    axes = heatmaps.memory_heatmaps(memories, titles=["a", "b"])
    vmax = np.abs(memories[1]).max()
    for ax, memory in zip(axes, memories):
        np.testing.assert_array_equal(ax.images[0].get_array(), memory)
        assert ax.images[0].get_clim() == pytest.approx((-vmax, vmax))
    assert len(axes[0].figure.axes) == 3
    assert layout_problems(axes[0].figure, dpi=100) == []
    with pytest.raises(ValueError, match="titles"):
        heatmaps.memory_heatmaps(memories, titles=["a"])


def test_lesson_sized_pictures_fit(rng, task):
    trace = lesson_trace(rng, task)
    for fig in [memory_views.memory_over_time(trace)[0].figure,
                memory_views.trace_attention(trace, 2, 1, 1).figure]:
        assert layout_problems(fig, dpi=100) == []


def test_memory_heatmap_is_centred_at_zero(rng):
    memory = rng.normal(size=(3, 5))
    ax = heatmaps.memory_heatmap(memory, title="M")
    np.testing.assert_array_equal(ax.images[0].get_array(), memory)
    low, high = ax.images[0].get_clim()
    assert high == pytest.approx(np.abs(memory).max()) and low == pytest.approx(-high)
    assert tick_texts(ax.get_yticklabels()) == ["slot 0", "slot 1", "slot 2"]
    ax = heatmaps.memory_heatmap(np.zeros((2, 2)), vmax=None)
    assert ax.images[0].get_clim() == (-1.0, 1.0)
    with pytest.raises(ValueError, match="memory"):
        heatmaps.memory_heatmap(rng.normal(size=(1, 3, 5)))
    with pytest.raises(ValueError, match="row_labels"):
        heatmaps.memory_heatmap(memory, row_labels=["a"])


def test_memory_over_time_shows_every_memory_on_one_scale(trace):
    axes = memory_views.memory_over_time(trace, example=1)
    assert len(axes) == 4   # the initial memory and one per step
    vmax = np.abs(trace.memory[:, 1]).max()
    for t, ax in enumerate(axes):
        np.testing.assert_array_equal(ax.images[0].get_array(), trace.memory[t, 1])
        assert ax.images[0].get_clim() == pytest.approx((-vmax, vmax))
    np.testing.assert_array_equal(axes[0].images[0].get_array(), np.eye(3, 4))
    assert "initial" in axes[0].get_title() and "after step 2" in axes[3].get_title()
    with pytest.raises(ValueError, match="example"):
        memory_views.memory_over_time(trace, example=2)


# ----------------------------------------------------------------------------
# the widget
# ----------------------------------------------------------------------------

def test_explorer_starts_at_the_recorded_weights(trace):
    explorer = memory_views.TraceAttentionExplorer(trace)
    np.testing.assert_array_equal(explorer.weights, trace.attention[0, 0, 0, 0])
    assert (explorer.step_slider.max, explorer.block_slider.max, explorer.head_slider.max,
            explorer.example_slider.max) == (2, 1, 1, 1)
    assert not any(c.disabled for c in explorer.controls())
    np.testing.assert_array_equal(explorer.figure.axes[0].images[0].get_array(), explorer.weights)


def test_the_explorer_fits_960_px_at_its_dpi_with_readable_labels(rng, task):
    """Lessons 03 and 07 show it with the task's input groups (D = 16 columns)."""
    explorer = memory_views.TraceAttentionExplorer(lesson_trace(rng, task), input_groups=task.input_groups())
    assert explorer.figure.get_figwidth() * explorer.view.dpi <= 960
    assert layout_problems(explorer.figure, dpi=explorer.view.dpi, tight=False) == []
    explorer.step_slider.value = 3
    assert layout_problems(explorer.figure, dpi=explorer.view.dpi, tight=False) == []


def test_explorer_follows_its_sliders(trace):
    explorer = memory_views.TraceAttentionExplorer(trace, step=1)
    before = explorer.view.image.value
    explorer.step_slider.value = 2
    explorer.block_slider.value = 1
    explorer.head_slider.value = 1
    explorer.example_slider.value = 1
    assert (explorer.step, explorer.block, explorer.head, explorer.example) == (2, 1, 1, 1)
    np.testing.assert_array_equal(explorer.weights, trace.attention[2, 1, 1, 1])
    assert explorer.view.image.value != before
    ax = explorer.figure.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), trace.attention[2, 1, 1, 1])
    assert ax.get_title() == explorer.title() == "step 2, block 1, head 1, example 1"
    assert [p.get_gid() for p in ax.patches].count("input_row") == 1
    explorer.step_slider.value = 0
    np.testing.assert_array_equal(explorer.weights, trace.attention[0, 1, 1, 1])


def test_explorer_disables_sliders_with_one_value(rng):
    core = RelationalMemory(2, 3, num_heads=1, num_blocks=1, gate_style=None, input_size=2, rng=rng)
    explorer = memory_views.TraceAttentionExplorer(record(core, rng.normal(size=(1, 4, 2)))[2], step=3)
    assert explorer.block_slider.disabled and explorer.head_slider.disabled
    assert explorer.example_slider.disabled and not explorer.step_slider.disabled
    np.testing.assert_array_equal(explorer.weights[2], explorer.trace.attention[3, 0, 0, 0, 2])


def test_explorer_refuses_settings_out_of_range(trace):
    with pytest.raises(ValueError, match="head"):
        memory_views.TraceAttentionExplorer(trace, head=2)
    with pytest.raises(ValueError, match="step"):
        memory_views.TraceAttentionExplorer(trace, step=3)


def test_explorer_can_be_extended(trace):
    class WithMemory(memory_views.TraceAttentionExplorer):
        def compute(self):
            super().compute()
            self.memory = self.trace.memory[self.step + 1, self.example]

        def draw_panels(self, fig):
            left, right = fig.subplots(1, 2)
            memory_views.trace_attention(self.trace, self.step, self.block, self.head, self.example, ax=left)
            heatmaps.memory_heatmap(self.memory, ax=right)

    explorer = WithMemory(trace)
    explorer.step_slider.value = 1
    np.testing.assert_array_equal(explorer.memory, trace.memory[2, 0])
    np.testing.assert_array_equal(explorer.figure.axes[1].images[0].get_array(), trace.memory[2, 0])


def test_a_refreshed_picture_equals_one_drawn_afresh(trace):
    """The explorers redraw only what changes (blitting); the picture must be
    the one a new explorer at the same settings draws from scratch."""
    groups = [("first", 0, 2), ("second", 2, 5)]
    moved = memory_views.TraceAttentionExplorer(trace, step=0, input_groups=groups)
    moved.step_slider.value = 2
    moved.head_slider.value = 1
    fresh = memory_views.TraceAttentionExplorer(trace, step=2, head=1, input_groups=groups)
    np.testing.assert_array_equal(png_pixels(moved.view.image.value), png_pixels(fresh.view.image.value))
    # (the memory explorer: tests/test_explore_widgets.py, on a trace with gates)


def test_a_widget_shows_its_static_counterpart_pixel_for_pixel(trace):
    """What a widget shows after a move (its changing artists redrawn over a
    kept background) is exactly the static picture of those settings, drawn
    in full: same artists, same drawing order, nothing stale."""
    groups = [("first", 0, 2), ("second", 2, 5)]
    explorer = memory_views.TraceAttentionExplorer(trace, input_groups=groups)
    explorer.step_slider.value = 2
    explorer.head_slider.value = 1
    full = drawn_in_full(explorer.figsize, lambda fig: memory_views.attention_step_view(trace, 2, 0, 1, 0, fig=fig,
                                                                                groups=groups))
    assert_shows_full_drawing(explorer, full)


def test_the_memory_explorer_shows_its_static_counterpart_pixel_for_pixel(trace):
    """The same for lesson 07's memory explorer, built on this explorer."""
    memory = explore_views.MemoryGatesExplorer(trace)
    memory.step_slider.value = 2
    memory.example_slider.value = 1
    scales = dict(vmax=float(np.abs(trace.memory).max()), change_max=float(trace.memory_change().max()))
    full = drawn_in_full(memory.figsize, lambda fig: explore_views.memory_and_gates(trace, 2, 1, fig=fig, **scales))
    assert_shows_full_drawing(memory, full)
