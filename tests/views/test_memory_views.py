"""Views of a recorded RMC run: memory_views.trace_attention, trace_attention_grid,
memory_heatmap, memory_over_time and memory_views.TraceAttentionExplorer, headless.

Each test checks what is drawn (image data, labels, marks) or what the
widget holds after its sliders change, not only that nothing raises.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rmc_lib.cores.rmc import RelationalMemory
from rmc_lib.trace import record
from rmc_lib.views import explore_views
from rmc_lib.views import heatmaps
from rmc_lib.views import memory_views

from .pixels import assert_shows_full_drawing, drawn_in_full, png_pixels


@pytest.fixture
def trace(rng):
    """T=3 steps, 2 blocks, B=2 examples, H=2 heads, N=3 slots of F=4."""
    core = RelationalMemory(3, 2, num_heads=2, num_blocks=2, gate_style=None, input_size=5, rng=rng)
    return record(core, rng.normal(size=(2, 3, 5)))[2]


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
    memory = explore_views.MemoryGatesExplorer(trace)
    memory.step_slider.value = 2
    memory.example_slider.value = 1
    scales = dict(vmax=float(np.abs(trace.memory).max()), change_max=float(trace.memory_change().max()))
    full = drawn_in_full(memory.figsize, lambda fig: explore_views.memory_and_gates(trace, 2, 1, fig=fig, **scales))
    assert_shows_full_drawing(memory, full)
