"""Lesson 08's static pictures: reading, writing, the addressing stages, the
copy over time, and the trained runs. Each must draw what it is given, fit
a ~960 px output area (layout_problems) and refuse inputs of the wrong shape."""

import numpy as np
import pytest

from rmc_lib import NTM
from rmc_lib.tasks.copy import Copy
from rmc_lib.trace import record
from rmc_lib.views import ntm_views

from .test_task_views import fits


def one_hots(locations, N):
    w = np.zeros((len(locations), N))
    w[np.arange(len(locations)), locations] = 1.0
    return w


def test_visited_locations_is_the_shortest_circular_run_with_a_margin():
    # a head that walked backwards from 0 and wrapped around to 110
    np.testing.assert_array_equal(ntm_views.visited_locations([one_hots([0, 0, 127, 126, 110], 128)], margin=0),
                                  list(range(110, 128)) + [0])
    np.testing.assert_array_equal(ntm_views.visited_locations([one_hots([0, 1, 5], 16)], margin=1),
                                  [15, 0, 1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(ntm_views.visited_locations([one_hots([3], 16)], margin=2), [1, 2, 3, 4, 5])
    # two heads: the union of their locations; everything when the run would cover the memory
    np.testing.assert_array_equal(ntm_views.visited_locations([one_hots([2], 8), one_hots([4], 8)], margin=0),
                                  [2, 3, 4])
    assert len(ntm_views.visited_locations([one_hots(list(range(0, 16, 2)), 16)])) == 16


def test_read_view_draws_the_weighted_mean(rng):
    memory, w = rng.normal(size=(8, 6)), rng.dirichlet(np.ones(8))
    w_ax, memory_ax, read_ax = ntm_views.read_view(memory, w, title="read")
    np.testing.assert_allclose(read_ax.images[0].get_array()[0], w @ memory)
    np.testing.assert_allclose([bar.get_width() for bar in w_ax.patches], w)
    assert fits(memory_ax.figure) == []
    with pytest.raises(ValueError, match="one entry per memory location"):
        ntm_views.read_view(memory, w[:5])


def test_write_view_shows_before_after_and_the_change(rng):
    before, w = rng.normal(size=(8, 6)), np.eye(8)[5]
    e, a = np.ones(6), np.linspace(-1, 1, 6)
    after = before * (1 - np.outer(w, e)) + np.outer(w, a)
    axes = ntm_views.write_view(before, w, e, a, after, title="write")
    np.testing.assert_allclose(axes[3].images[0].get_array(), after - before)
    assert fits(axes[0].figure) == []
    with pytest.raises(ValueError, match="erase must have shape"):
        ntm_views.write_view(before, w, e[:3], a, after)
    with pytest.raises(ValueError, match="after must have the shape"):
        ntm_views.write_view(before, w, e, a, after[:4])


def test_addressing_stages_marks_the_largest_weight(rng):
    stages = [(f"stage {i}", rng.dirichlet(np.ones(16))) for i in range(5)]
    axes = ntm_views.addressing_stages(stages, title="stages")
    for ax, (_, w) in zip(axes, stages):
        assert f"largest {w.max():.2f} at {w.argmax()}" in ax.get_title()
        np.testing.assert_allclose([bar.get_height() for bar in ax.patches], w)
    assert fits(axes[0].figure) == []
    with pytest.raises(ValueError, match="at least one"):
        ntm_views.addressing_stages([])
    with pytest.raises(ValueError, match="one entry per memory location"):
        ntm_views.addressing_stages([("a", np.ones(4) / 4), ("b", np.ones(5) / 5)])


def test_weightings_by_step_draws_each_panel(rng):
    panels = [("a", rng.dirichlet(np.ones(16), size=13)), ("b", rng.dirichlet(np.ones(16), size=13))]
    axes = ntm_views.weightings_by_step(panels, title="walk")
    for ax, (_, w) in zip(axes, panels):
        np.testing.assert_allclose(ax.images[0].get_array(), w)
    assert fits(axes[0].figure) == []


def test_copy_over_time_draws_the_visited_band_of_both_heads(rng):
    task = Copy(num_bits=4, min_length=1, max_length=6)
    core = NTM(memory_size=32, word_size=5, hidden_size=8, output_size=4, input_size=5, rng=rng)
    x, labels = task.sample(2, rng, length=6)
    _, _, trace = record(core, x)
    probabilities = rng.uniform(size=labels.targets.shape)
    axes = ntm_views.copy_over_time(trace, probabilities, labels.mask, example=1, title="copy")
    rows = ntm_views.visited_locations([trace.write.weights[1:, 1, 0], trace.read.weights[1:, 1, 0]])
    np.testing.assert_allclose(axes[2].images[0].get_array(), trace.write.weights[1:, 1, 0][:, rows].T)
    np.testing.assert_allclose(axes[1].images[0].get_array(), (probabilities[1] * labels.mask[1][:, None]).T)
    assert fits(axes[0].figure) == []
    with pytest.raises(ValueError, match="must cover the trace"):
        ntm_views.copy_over_time(trace, probabilities[:1], labels.mask)
    with pytest.raises(ValueError, match="example must be"):
        ntm_views.copy_over_time(trace, probabilities, labels.mask, example=2)


def run(errors, losses=None):
    errors = np.asarray(errors, dtype=float)
    return {"examples": 500.0 * np.arange(1, len(errors) + 1), "eval_bit_errors": errors,
            "eval_loss": np.asarray(losses if losses is not None else errors, dtype=float)}


def test_errors_by_length_and_curves_draw_every_seed():
    tables = {"NTM": [{30: 0.0, 60: 1.0}, {30: 0.5, 60: 3.0}], "LSTM": [{30: 90.0, 60: 200.0}]}
    ax = ntm_views.errors_by_length(tables, title="lengths")
    means = [line.get_ydata() for line in ax.lines if line.get_label().startswith("NTM")]
    np.testing.assert_allclose(means[0], [0.25, 2.0])
    assert fits(ax.figure) == []
    axes = ntm_views.error_curves({"task a": [(0, run([9, 5, 0])), (1, run([9, 8, 7]))], "task b": [(0, run([3, 1]))]})
    assert [len(ax.lines) for ax in axes] == [2, 1]
    assert fits(axes[0].figure) == []
    with pytest.raises(ValueError, match="has no runs"):
        ntm_views.error_curves({"empty": []})


def test_stability_view_marks_spikes_after_convergence_and_the_best_checkpoint():
    # below 0.5 at the third evaluation, above 1 again at the fifth and sixth; best loss at the fourth
    columns = run([20, 3, 0.2, 0.0, 4.0, 2.0, 0.1], losses=[9, 5, 1, 0.1, 2, 1, 0.5])
    ax = ntm_views.stability_view([(0, columns)], title="stability")
    spikes = [line for line in ax.lines if line.get_marker() == "o" and len(line.get_xdata())]
    np.testing.assert_allclose(spikes[0].get_xdata(), [2500, 3000])
    stars = [line for line in ax.lines if line.get_marker() == "*" and len(line.get_xdata())]
    np.testing.assert_allclose(stars[0].get_xdata(), [2000])
    assert fits(ax.figure) == []
