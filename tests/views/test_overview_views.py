"""Lesson 00's picture of one Nth-farthest question: what it marks, that it fits a
notebook at 100% whatever the points, and that bad input is refused."""

import itertools

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Circle

from rmc_lib.tasks import nth_farthest_index
from rmc_lib.views.common import layout_problems
from rmc_lib.views.overview_views import (FIGSIZE, ordinal, place_labels, plot_initial_memories,
                                          plot_nth_farthest_example)


@pytest.fixture
def points(rng):
    return rng.uniform(-1, 1, size=(8, 2))


def _annotations(ax):
    return [t.get_text() for t in ax.texts]


def test_without_axes_it_makes_one_figure_of_two_panels(points):
    axes = plot_nth_farthest_example(points, 2, 3)
    assert len(axes) == 2
    fig = axes[0].figure
    assert axes[1].figure is fig and len(fig.axes) == 2
    assert tuple(fig.get_size_inches()) == FIGSIZE


def test_draws_on_the_given_axes(points):
    fig, given = plt.subplots(1, 2, figsize=(9, 5), layout="constrained")
    axes = plot_nth_farthest_example(points, 0, 1, axes=given)
    assert list(axes) == list(given) and len(fig.axes) == 2


def test_the_left_panel_labels_each_distance_and_rings_the_answer(points):
    reference, n = 2, 3
    ax_task, _ = plot_nth_farthest_example(points, reference, n)
    answer = nth_farthest_index(points, reference, n)
    distances = np.linalg.norm(points - points[reference], axis=1)
    labels = _annotations(ax_task)
    assert len(labels) == len(points)
    for j, label in enumerate(labels):
        assert label == (f"{j}" if j == reference else f"{j}: dist {distances[j]:.2f}")
    circles = [p for p in ax_task.patches if isinstance(p, Circle)]
    assert len(circles) == 1
    np.testing.assert_allclose(circles[0].center, points[reference])
    np.testing.assert_allclose(circles[0].radius, distances[answer])
    # exactly n - 1 objects lie outside the circle through the answer
    assert np.sum(distances > circles[0].radius) == n - 1
    assert f"is object {answer}" in ax_task.get_title() and "3rd farthest" in ax_task.get_title()
    legend = ax_task.figure.legends[0]
    assert [t.get_text() for t in legend.get_texts()] == [
        f"reference (m = {reference})", f"answer (object {answer})",
        f"circle of radius dist = {distances[answer]:.2f}"]


def test_the_right_panel_draws_every_pair_once(points):
    _, ax_pairs = plot_nth_farthest_example(points, 2, 3)
    segments = {tuple(sorted(map(tuple, np.round(line.get_xydata(), 12)))) for line in ax_pairs.lines}
    expected = {tuple(sorted(map(tuple, np.round(points[[a, b]], 12))))
                for a, b in itertools.combinations(range(len(points)), 2)}
    assert len(ax_pairs.lines) == 28 and segments == expected
    assert _annotations(ax_pairs) == [f"{j}" for j in range(8)]
    assert "28 pairs among 8 objects" in ax_pairs.get_title()


@pytest.mark.parametrize("seed", range(12))
def test_it_fits_a_notebook_at_100_percent_whatever_the_points(seed):
    # width at most 960 px, every text at least 9 px tall, no two texts overlapping,
    # for random problems of 3 to 10 objects (the points near the edges included)
    rng = np.random.default_rng(seed)
    count = int(rng.integers(3, 11))
    points = rng.uniform(-1, 1, size=(count, 2))
    axes = plot_nth_farthest_example(points, int(rng.integers(count)), int(rng.integers(1, count + 1)))
    assert layout_problems(axes[0].figure, dpi=100) == []


def test_labels_stay_inside_the_axes_and_off_the_markers():
    # points in the corners and on the edges, where a label on the outward side
    # would sit on the tick labels
    points = np.array([[-1, -1], [1, 1], [-1, 1], [1, -1], [0, 1], [-1, 0], [0.05, 0.0], [0.0, 0.0]])
    fig, ax = plt.subplots(figsize=(4, 4), layout="constrained")
    ax.set(xlim=(-1.25, 1.25), ylim=(-1.25, 1.25), aspect="equal")
    ax.scatter(points[:, 0], points[:, 1], s=60)
    texts = place_labels(ax, points, [f"object {j}" for j in range(len(points))])
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    boxes = [t.get_window_extent(renderer) for t in texts]
    for box in boxes:
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    centres = ax.transData.transform(points)
    for box in boxes:
        assert not any(box.contains(x, y) for x, y in centres)


def test_bad_input_is_refused_with_what_was_expected(points):
    with pytest.raises(ValueError, match=r"points must have shape \[C, 2\].*got \[8, 3\]"):
        plot_nth_farthest_example(np.zeros((8, 3)), 0, 1)
    with pytest.raises(ValueError, match=r"reference must be an integer in \[0, 8\), got 8"):
        plot_nth_farthest_example(points, 8, 1)
    for n in (0, 9, 2.0, True):
        with pytest.raises(ValueError, match=r"n must be an integer rank in \[1, 8\]"):
            plot_nth_farthest_example(points, 0, n)
    with pytest.raises(ValueError, match="axes must hold 2 axes"):
        plot_nth_farthest_example(points, 0, 1, axes=plt.subplots()[1])


def test_ordinals_read_as_words():
    assert [ordinal(n) for n in (1, 2, 3, 4, 8, 11, 12, 13, 21, 22, 23, 101, 111)] == [
        "1st", "2nd", "3rd", "4th", "8th", "11th", "12th", "13th", "21st", "22nd", "23rd", "101st", "111th"]


def test_initial_memories_show_the_identity_padded_and_cut():
    axes = plot_initial_memories([(4, 8), (6, 4), (3, 3)])
    assert len(axes) == 3
    shown = [ax.images[0].get_array() for ax in axes]
    np.testing.assert_array_equal(shown[0], np.eye(4, 8))
    np.testing.assert_array_equal(shown[1], np.eye(6, 4))
    np.testing.assert_array_equal(shown[2], np.eye(3))
    titles = [ax.get_title() for ax in axes]
    assert titles == ["N = 4 slots, F = 8: identity, zero-padded", "N = 6 slots, F = 4: identity, cut",
                      "N = 3 slots, F = 3: identity, square"]
    assert all(ax.images[0].get_clim() == (0, 1) for ax in axes)
    assert layout_problems(axes[0].figure, dpi=100) == []


def test_initial_memories_draw_on_given_axes_and_refuse_bad_shapes():
    fig, given = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
    assert list(plot_initial_memories([(2, 2), (3, 2)], axes=given)) == list(given)
    with pytest.raises(ValueError, match="axes must hold 1 axes"):
        plot_initial_memories([(2, 2)], axes=given)
    with pytest.raises(ValueError, match=r"shapes must be \(mem_slots, mem_size\) pairs"):
        plot_initial_memories([])
    with pytest.raises(ValueError, match=r"shapes must be \(mem_slots, mem_size\) pairs"):
        plot_initial_memories([(4, 8, 1)])
