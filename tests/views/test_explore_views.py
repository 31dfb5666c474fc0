"""The widgets that explore a trained model: attention with the input row
and a play button, memory and gates, and the task explorer; their static
counterparts; and lesson 07's measurement pictures. Checked headless,
through their attributes and pixels, and for fitting a ~960 px output area
(layout_problems)."""

import numpy as np
import pytest

from rmc_lib.cores.classifier import build_classifier
from rmc_lib.tasks import NthFarthest
from rmc_lib.trace import record
from rmc_lib.views import answer_views, explore_views, memory_views, task_views

from .test_task_views import fits


@pytest.fixture
def task():
    return NthFarthest(4, 3)


@pytest.fixture
def rmc_model(task, rng):
    return build_classifier("rmc", task.input_size, task.num_classes, rng, mem_slots=4, head_size=4,
                            num_heads=2, head_hidden=8)


@pytest.fixture
def trace(task, rmc_model, rng):
    x, _ = task.sample(2, rng)
    return record(rmc_model.core, x)[2]


def test_attention_explorer_shows_the_input_row_and_plays_the_steps(trace, task):
    explorer = memory_views.TraceAttentionExplorer(trace, input_groups=task.input_groups())
    assert explorer.play.max == explorer.step_slider.max == 3
    assert "rmc-attention-explorer" in explorer._dom_classes
    explorer.step_slider.value = 2
    heatmap, strip = explorer.figure.axes[:2]
    np.testing.assert_array_equal(heatmap.images[0].get_array(), trace.attention[2, 0, 0, 0])
    np.testing.assert_array_equal(strip.images[0].get_array()[0], trace.x[0, 2])
    assert [t.get_text() for t in strip.texts] == ["vector", "id", "n", "reference id"]
    assert explorer.summary.startswith("step 2:") and explorer.summary_label.value == explorer.summary
    share = trace.attention[2, 0, 0, 0, :-1, -1].mean()
    assert f"{share:.2f}" in explorer.summary


def test_memory_gates_explorer_follows_its_sliders(trace):
    explorer = explore_views.MemoryGatesExplorer(trace)
    assert explorer.controls() == [explorer.step_slider, explorer.example_slider]
    explorer.step_slider.value = 3
    explorer.example_slider.value = 1
    np.testing.assert_array_equal(explorer.memory, trace.memory[4, 1])
    np.testing.assert_array_equal(explorer.input_gate, trace.input_gate[3, 1])
    np.testing.assert_array_equal(explorer.forget_gate, trace.forget_gate[3, 1])
    np.testing.assert_allclose(explorer.change, np.linalg.norm(trace.memory[4, 1] - trace.memory[3, 1], axis=-1))
    memory_ax, input_ax, forget_ax, change_ax = explorer.figure.axes[:4]
    np.testing.assert_array_equal(memory_ax.images[0].get_array(), trace.memory[4, 1])
    np.testing.assert_array_equal(forget_ax.images[0].get_array(), trace.forget_gate[3, 1])
    np.testing.assert_allclose([bar.get_width() for bar in change_ax.patches], explorer.change)
    assert f"slot {int(np.argmax(explorer.change))} moved the most" in explorer.summary


def test_memory_and_gates_without_gates(task, rng):
    model = build_classifier("rmc", task.input_size, 4, rng, mem_slots=2, head_size=4, num_heads=1,
                             head_hidden=4, gate_style=None)
    trace = record(model.core, task.sample(1, rng)[0])[2]
    axes = explore_views.memory_and_gates(trace, 0)
    assert "no gates" in axes[1].texts[0].get_text()
    with pytest.raises(ValueError, match="step"):
        explore_views.memory_and_gates(trace, 4)


def test_task_explorer_answers_and_follows_n(rmc_model, task):
    explorer = explore_views.TaskExplorer(rmc_model, task, problems=5, name="RMC")
    assert "rmc-task-explorer" in explorer._dom_classes
    x, labels, details = task.test_set(5, return_details=True)
    np.testing.assert_allclose(explorer.answer["probabilities"], rmc_model.predict_proba(x[:1])[0])
    assert explorer.answer["problem"]["label"] == labels[0]
    # ask another n for the same vectors: the label is the other rank's id
    other = 1 if details["n"][0] != 1 else 2
    explorer.n_dropdown.value = other
    p = explorer.answer["problem"]
    assert p["n"] == other and p["rank"][p["target_position"]] == other
    # another problem brings back its own n
    explorer.problem_slider.value = 3
    assert explorer.answer["problem"]["n"] == details["n"][3]
    assert explorer.summary.startswith("problem 3, n = ")
    # the attention panel is the last step's, of the head chosen
    explorer.head_slider.value = 1
    np.testing.assert_array_equal(explorer.axes[3].images[0].get_array(),
                                  explorer.answer["trace"].attention[-1, -1, 0, 1])
    assert explorer.figure._suptitle.get_text().endswith("attention of head 1")
    # the probabilities, in the order of the distance bars
    order = explorer.answer["problem"]["ids"][np.argsort(-explorer.answer["problem"]["distances"], kind="stable")]
    np.testing.assert_allclose([bar.get_height() for bar in explorer.axes[2].patches],
                               explorer.answer["probabilities"][order])
    explorer.new_problem()
    assert explorer.problem_slider.value == explorer.problem_slider.max == 5


def test_task_explorer_for_an_lstm_has_no_attention_panel(task, rng):
    lstm = build_classifier("lstm", task.input_size, 4, rng, hidden_size=8, head_hidden=4)
    explorer = explore_views.TaskExplorer(lstm, task, problems=3)
    assert explorer.answer["trace"] is None and explorer.head_slider.disabled
    assert len(explorer.axes) == 3 and len(explorer.figure.axes) == 3
    assert explorer.figsize == answer_views.ANSWER_FIGSIZE[False]
    assert fits(explorer.figure, dpi=90, widget=True) == []
    with pytest.raises(ValueError, match="example must lie in"):
        explore_views.TaskExplorer(lstm, task, problems=3, example=3)


def test_draw_answer_is_the_static_view(rmc_model, task):
    x, _, details = task.test_set(4, return_details=True)
    a = explore_views.answer(rmc_model, x, details, 2)
    axes = explore_views.draw_answer(a, head=1)
    assert len(axes) == 4
    np.testing.assert_array_equal(axes[3].images[0].get_array(), a["trace"].attention[-1, -1, 0, 1])
    assert a["prediction"] == int(np.argmax(rmc_model.predict_proba(x[2:3])[0]))
    # inline it fits at 100 dpi, as in a widget at 90
    assert axes[0].figure.get_size_inches()[0] <= 9.4
    assert fits(axes[0].figure) == []


def test_gated_memory_view_refreshed_equals_drawn_afresh(trace):
    """With gates (the trace of test_trace_views has none): after a move, the
    picture is a new explorer's at those settings, and the static view's."""
    from .pixels import assert_shows_full_drawing, drawn_in_full, png_pixels
    moved = explore_views.MemoryGatesExplorer(trace, step=0)
    moved.step_slider.value = 3
    moved.example_slider.value = 1
    fresh = explore_views.MemoryGatesExplorer(trace, step=3, example=1)
    np.testing.assert_array_equal(png_pixels(moved.view.image.value), png_pixels(fresh.view.image.value))
    scales = dict(vmax=float(np.abs(trace.memory).max()), change_max=float(trace.memory_change().max()))
    full = drawn_in_full(moved.figsize, lambda fig: explore_views.memory_and_gates(trace, 3, 1, fig=fig, **scales))
    assert_shows_full_drawing(moved, full)


def test_update_functions_check_their_indices(trace):
    axes = explore_views.memory_and_gates(trace, 0)
    with pytest.raises(ValueError, match="step"):
        explore_views.update_memory_and_gates(axes, trace, 4)
    view = memory_views.attention_step_view(trace, 0, 0, 0)
    with pytest.raises(ValueError, match="head"):
        memory_views.update_attention_step_view(view, trace, 1, 0, 2)
    memory_views.update_attention_step_view(view, trace, 3, 0, 1, example=1)
    np.testing.assert_array_equal(view[0].images[0].get_array(), trace.attention[3, 0, 1, 1])
    assert view[1].get_title() == "the input at step 3"


def test_task_explorer_refreshed_equals_drawn_afresh(rmc_model, task):
    from .pixels import png_pixels
    moved = explore_views.TaskExplorer(rmc_model, task, problems=6, name="RMC")
    moved.problem_slider.value = 4
    moved.n_dropdown.value = 1
    moved.head_slider.value = 1
    fresh = explore_views.TaskExplorer(rmc_model, task, problems=6, name="RMC", example=4)
    fresh.n_dropdown.value = 1
    fresh.head_slider.value = 1
    np.testing.assert_array_equal(png_pixels(moved.view.image.value), png_pixels(fresh.view.image.value))
    # and the moved picture is not the first one
    first = explore_views.TaskExplorer(rmc_model, task, problems=6, name="RMC")
    assert not np.array_equal(png_pixels(moved.view.image.value), png_pixels(first.view.image.value))
    # it is the static view, draw_answer, drawn in full in the same frame
    from .pixels import assert_shows_full_drawing, drawn_in_full
    full = drawn_in_full(moved.figsize, lambda fig: answer_views.draw_answer(moved.answer, fig=fig, head=1,
                                                                             name="RMC", frame=moved.frame))
    assert_shows_full_drawing(moved, full)


def test_task_explorer_widens_its_frame_for_a_new_problem_outside_it(rmc_model, task):
    _, _, one = task.test_set(1, return_details=True)
    explorer = explore_views.TaskExplorer(rmc_model, task, details=one, seed=3)
    figure = explorer.figure
    for _ in range(5):
        explorer.new_problem()
        assert task_views.in_frame(explorer.frame, explorer.answer["problem"])
    # one problem's own frame cannot hold five fresh random ones: it was widened,
    # on a new figure, to hold every problem offered
    assert explorer.figure is not figure
    assert all(task_views.in_frame(explorer.frame, task_views.problem(explorer.details, i)) for i in range(6))


def test_the_widgets_fit_960_px_with_readable_separate_texts(trace, rmc_model, task):
    """At their 90 dpi, pixel for pixel: at most 10.6 inches wide, every text
    at least 9 px tall, no two overlapping, none cut off at the edge."""
    for widget in [explore_views.TaskExplorer(rmc_model, task, problems=8, name="RMC"),
                   explore_views.MemoryGatesExplorer(trace)]:
        assert widget.figsize[0] * widget.view.dpi <= 960
        assert fits(widget.figure, dpi=widget.view.dpi, widget=True) == []
    explorer = explore_views.TaskExplorer(rmc_model, task, problems=8, name="RMC")
    for value in range(1, 8):                 # the titles that change stay inside the picture
        explorer.problem_slider.value = value
        assert fits(explorer.figure, dpi=90, widget=True) == []


def test_static_memory_view_fits(trace):
    axes = explore_views.memory_and_gates(trace, 1)
    assert fits(axes[0].figure) == []
    assert [ax.get_yticklabels()[0].get_text() for ax in axes] == ["slot 0", "", "", ""]   # named once


def test_measurement_pictures_draw_what_they_are_given_and_fit():
    weights = np.array([[0.5, 0.6], [0.55, 0.5], [0.52, 0.54], [0.56, 0.55]])
    ax = explore_views.input_weight_by_step(weights)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), weights[:, 1])
    assert fits(ax.figure) == []
    by_id = np.random.default_rng(0).uniform(size=(2, 4, 4))
    axes = explore_views.input_weight_by_id(by_id)
    np.testing.assert_array_equal(axes[1].images[0].get_array(), by_id[1])
    assert axes[0].get_yticklabels()[2].get_text() == "id 2" and fits(axes[0].figure) == []
    shares = {"at the reference's step": np.array([0.4, 0.1, 0.1, 0.4]),
              "at the other steps": np.array([0.3, 0.2, 0.2, 0.3])}
    ax = explore_views.slot_shares(shares)
    np.testing.assert_allclose([bar.get_height() for bar in ax.patches[4:]], shares["at the other steps"])
    assert fits(ax.figure) == []
    with pytest.raises(ValueError, match="shares must name at least one condition"):
        explore_views.slot_shares({})
    with pytest.raises(ValueError, match="by_id must have 3 axes"):
        explore_views.input_weight_by_id(by_id[0])
