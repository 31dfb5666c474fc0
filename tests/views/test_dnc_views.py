"""Lesson 09's DNC pictures and widget, on a small random DNC (6 locations of
3 numbers, 2 read heads, 1 write head) with its parameters moved away from
the start, so that no gate sits at 0.5: each picture draws the trace's own
arrays (allocation from allocation_forward, the sort a stable argsort), fits
a ~960 px output area with readable, separate texts (layout_problems), and
the widget shows what the static view draws at the same step."""

import dataclasses

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rmc_lib.cores.dnc import DNC
from rmc_lib.nn.dnc_addressing import allocation_forward
from rmc_lib.nn.dnc_linkage import link_forward, precedence_forward
from rmc_lib.trace import record
from rmc_lib.views import dnc_views as dv

from .pixels import assert_shows_full_drawing, drawn_in_full, png_pixels
from .test_task_views import fits

T, B = 7, 2


@pytest.fixture(scope="module")
def trace():
    rng = np.random.default_rng(3)
    core = DNC(memory_size=6, word_size=3, num_reads=2, num_writes=1, hidden_size=5, output_size=3, input_size=4,
               rng=rng)
    for value in core.params.values():
        value += rng.normal(size=value.shape)        # in place: the controller shares these arrays
    _, _, recorded = record(core, rng.normal(size=(B, T, 4)))
    assert np.abs(recorded.allocation_gate - 0.5).max() > 0.1 and np.abs(recorded.write_gate - 0.5).max() > 0.1
    return recorded


def heights(ax):
    return np.array([bar.get_height() for bar in ax.patches])


@pytest.mark.parametrize("usage", [None, [0.5, 0.2, 0.5, 0.2, 0.9, 0.0], [0.3, 0.3, 0.3]])
def test_allocation_view_shows_allocation_forward_as_a_sort(trace, usage):
    usage = trace.usage[4, 0] if usage is None else np.array(usage)
    axes = dv.allocation_view(usage)
    allocation, (order, _, sorted_usage, before) = allocation_forward(usage[None])
    np.testing.assert_array_equal(heights(axes[0]), usage)
    np.testing.assert_array_equal(order[0], np.argsort(usage, kind="stable"))     # ties: lower index first
    assert [label.get_text() for label in axes[1].get_xticklabels()] == [str(i) for i in order[0]]
    np.testing.assert_array_equal(heights(axes[1]), sorted_usage[0])
    np.testing.assert_array_equal(axes[1].lines[0].get_ydata(), before[0])
    np.testing.assert_array_equal(heights(axes[2]), allocation[0])
    top = int(np.argmax(allocation[0]))
    assert axes[0].figure._suptitle.get_text().startswith(f"location {top} gets the most allocation")
    assert fits(axes[0].figure) == []


def test_allocation_view_refuses_bad_usage():
    with pytest.raises(ValueError, match="usage"):
        dv.allocation_view(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"usage must lie in \[0, 1\]"):
        dv.allocation_view([0.2, 1.5])


def test_link_view_rows_are_written_after(trace):
    # write fully at location 0, then at 1: L[1, 0] = 1, "1 was written right after 0"
    link, precedence = np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 4))
    for location in (0, 1):
        w = np.zeros((1, 1, 4))
        w[0, 0, location] = 1
        link, precedence = link_forward(link, precedence, w)[0], precedence_forward(precedence, w)[0]
    strip, ax = dv.link_view(link[0, 0], precedence[0, 0])
    assert ax.images[0].get_array()[1, 0] == 1 and ax.images[0].get_array().sum() == 1
    assert "after" in ax.get_ylabel() and "before" in ax.get_xlabel()
    np.testing.assert_array_equal(heights(strip), [0, 1, 0, 0])
    assert fits(ax.figure) == []
    strip, ax = dv.link_view(trace.link[5, 1, 0], title="the links after step 4")
    assert strip is None and ax.figure._suptitle.get_text() == "the links after step 4"
    np.testing.assert_array_equal(ax.images[0].get_array(), trace.link[5, 1, 0])
    assert fits(ax.figure) == []


def test_link_view_refuses_bad_shapes():
    with pytest.raises(ValueError, match="link must be square"):
        dv.link_view(np.zeros((3, 4)))
    with pytest.raises(ValueError, match="precedence"):
        dv.link_view(np.zeros((3, 3)), np.zeros(4))


def test_usage_and_weights_over_time_draws_the_trace(trace):
    axes = dv.usage_and_weights_over_time(trace, example=1)
    expected = [trace.usage[1:, 1], trace.write_weights[1:, 1, 0], trace.read_weights[1:, 1, 0],
                trace.read_weights[1:, 1, 1]]
    assert len(axes) == len(expected) + 2
    for ax, values in zip(axes, expected):
        np.testing.assert_array_equal(ax.images[0].get_array(), values.T)       # steps across, locations down
    for r, ax in enumerate(axes[4:]):
        assert len(ax.collections) == 3                                          # one area per mode
        # the top of the stack is 1 at every step (the modes are a softmax)
        top = ax.collections[-1].get_paths()[0].vertices[:, 1].max()
        assert top == pytest.approx(1.0)
    assert [text.get_text() for text in axes[4].get_legend().get_texts()] == trace.mode_labels()
    assert fits(axes[0].figure) == []
    with pytest.raises(ValueError, match="example"):
        dv.usage_and_weights_over_time(trace, example=B)


def test_step_view_draws_the_step(trace):
    step, example = 4, 1
    axes = dv.dnc_step_view(trace, step, example)
    memory_ax, usage_ax, write_ax, read_ax, modes_ax, link_ax = axes
    np.testing.assert_array_equal(memory_ax.images[0].get_array(), trace.memory[step + 1, example])
    np.testing.assert_array_equal(link_ax.images[0].get_array(), trace.link[step + 1, example, 0])
    np.testing.assert_array_equal(heights(usage_ax), trace.usage[step + 1, example])
    np.testing.assert_array_equal(heights(write_ax), np.concatenate([trace.allocation_weights[step, example, 0],
                                                                     trace.write_weights[step + 1, example, 0]]))
    np.testing.assert_array_equal(heights(read_ax), trace.read_weights[step + 1, example].ravel())
    np.testing.assert_array_equal(heights(modes_ax), trace.read_modes[step, example].T.ravel())
    assert [t.get_text() for t in modes_ax.get_legend().get_texts()] == trace.mode_labels()
    assert dv._story(axes).get_text() == "after step 4, example 1"
    assert fits(memory_ax.figure) == []
    fig = Figure(figsize=dv.STEP_FIGSIZE, dpi=90, layout="constrained")
    FigureCanvasAgg(fig)
    assert fits(dv.dnc_step_view(trace, T - 1, 0, fig=fig)[0].figure, dpi=90, widget=True) == []


def test_step_view_refuses_bad_indices(trace):
    for step, example, name in [(T, 0, "step"), (-1, 0, "step"), (0, B, "example"), (1.0, 0, "step")]:
        with pytest.raises(ValueError, match=f"{name} must be an integer"):
            dv.dnc_step_view(trace, step, example)
        axes = dv.dnc_step_view(trace, 0)
        with pytest.raises(ValueError, match=f"{name} must be an integer"):
            dv.update_dnc_step_view(axes, trace, step, example)


def test_update_draws_what_a_fresh_view_draws(trace):
    fig = Figure(figsize=dv.STEP_FIGSIZE, dpi=90, layout="constrained")
    FigureCanvasAgg(fig)
    dv.update_dnc_step_view(dv.dnc_step_view(trace, 0, 0, fig=fig), trace, 5, 1)
    fig.canvas.draw()
    fresh = drawn_in_full(dv.STEP_FIGSIZE, lambda f: dv.dnc_step_view(trace, 5, 1, fig=f))
    np.testing.assert_array_equal(np.asarray(fig.canvas.buffer_rgba()), fresh)


def test_describe_step_says_what_the_trace_holds(trace):
    step = 3
    write_weights, read_weights = trace.write_weights[step + 1, 0, 0], trace.read_weights[step + 1, 0, 0]
    write, read = int(np.argmax(write_weights)), int(np.argmax(read_weights))

    def weight(w):
        return f"weight {w:.2f}{', spread' if w < 0.5 else ''}"

    modes = trace.read_modes[step, 0, 0]              # backward 0, forward 0, content
    kind = ["backward", "forward", "content"][int(np.argmax(modes))]
    assert dv.describe_step(trace, step) == (
        f"step 3: writing mostly at location {write} ({weight(write_weights.max())}), allocation gate "
        f"{trace.allocation_gate[step, 0, 0]:.2f}, write gate {trace.write_gate[step, 0, 0]:.2f}; read head 0 mostly "
        f"{kind} ({modes.max():.2f}), at location {read} ({weight(read_weights.max())})")


def test_describe_step_calls_a_weighting_with_no_clear_peak_spread(trace):
    flat = trace.read_weights.copy()
    flat[4, 0, 0] = 1.0 / flat.shape[-1]                  # after step 3: every location alike
    spread = dataclasses.replace(trace, read_weights=flat)
    assert dv.describe_step(spread, 3).endswith(f"(weight {1 / flat.shape[-1]:.2f}, spread)")


def test_widget_shows_the_static_view_and_redraws_on_the_sliders(trace):
    explorer = dv.DNCExplorer(trace)
    assert "rmc-dnc-explorer" in explorer._dom_classes
    assert explorer.play.max == explorer.step_slider.max == T - 1 and explorer.example_slider.max == B - 1
    first = explorer.view.image.value
    explorer.step_slider.value = 5
    assert explorer.view.image.value != first and explorer.step == 5
    np.testing.assert_array_equal(explorer.axes[0].images[0].get_array(), trace.memory[6, 0])
    assert_shows_full_drawing(explorer, drawn_in_full(explorer.figsize, lambda f: dv.dnc_step_view(trace, 5, fig=f)))
    assert explorer.summary == dv.describe_step(trace, 5) == explorer.summary_label.value
    moved = explorer.view.image.value
    explorer.example_slider.value = 1
    assert explorer.view.image.value != moved and explorer.summary == dv.describe_step(trace, 5, 1)
    assert_shows_full_drawing(explorer, drawn_in_full(explorer.figsize,
                                                      lambda f: dv.dnc_step_view(trace, 5, 1, fig=f)))
    fresh = dv.DNCExplorer(trace, step=5, example=1)
    np.testing.assert_array_equal(png_pixels(explorer.view.image.value), png_pixels(fresh.view.image.value))
    assert fits(explorer.figure, dpi=90, widget=True) == []
    with pytest.raises(ValueError, match="step must be an integer"):
        dv.DNCExplorer(trace, step=T)


def test_a_bigger_dnc_fits_too():
    """16 locations, 4 read heads, 2 write heads (five read modes): ticks thinned, legends inside their panels."""
    rng = np.random.default_rng(0)
    core = DNC(memory_size=16, word_size=8, num_reads=4, num_writes=2, hidden_size=8, output_size=3, input_size=4,
               rng=rng)
    _, _, big = record(core, rng.normal(size=(1, 12, 4)))
    assert fits(dv.allocation_view(big.usage[4, 0])[0].figure) == []
    assert fits(dv.link_view(big.link[4, 0, 1], big.precedence[4, 0, 1])[1].figure) == []
    assert fits(dv.usage_and_weights_over_time(big)[0].figure) == []
    assert fits(dv.dnc_step_view(big, 11)[0].figure) == []
