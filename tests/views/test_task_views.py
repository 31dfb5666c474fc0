"""Pictures of Nth-farthest problems (task_views) and lesson 06's figures
(run_views): what they draw, that an updated picture equals a fresh one,
and that each fits a ~960 px output area with readable, separate texts."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rmc_lib.tasks import NthFarthest
from rmc_lib.views import run_views, task_views

from .pixels import drawn_tick_labels_lie_within
from rmc_lib.views.common import layout_problems


@pytest.fixture
def details(rng):
    return NthFarthest(4, 4).sample(6, rng, return_details=True)[2]


def fits(fig, dpi=100, widget=False):
    """layout_problems as the picture is shown: inline at 100 dpi with a tight
    bounding box, or (widget) at a FigureView's dpi, pixel for pixel, where a
    text outside the figure would be cut off."""
    problems = layout_problems(fig, dpi=dpi, tight=not widget)
    plt.close(fig)
    return problems


def test_problem_collects_one_example(details):
    for i in range(6):
        p = task_views.problem(details, i)
        # the answer has the rank that n asks for, and the reference is last
        assert p["rank"][p["target_position"]] == p["n"]
        assert p["rank"][p["reference"]] == 4 and p["distances"][p["reference"]] == 0
        assert p["label"] == p["ids"][p["target_position"]]
    with pytest.raises(ValueError, match=r"example must lie in \[0, 6\), got 6"):
        task_views.problem(details, 6)


def test_rank_margin_is_the_gap_to_the_nearest_neighbour_in_the_order():
    distances = np.array([0.9, 0.0, 1.5, 1.0])        # order: 1.5, 1.0, 0.9, 0.0
    assert task_views.rank_margin(distances, 1) == pytest.approx(0.5)          # one neighbour
    assert task_views.rank_margin(distances, 2) == pytest.approx(0.1)          # min(0.5, 0.1)
    assert task_views.rank_margin(distances, 3) == pytest.approx(0.1)          # min(0.1, 0.9)
    assert task_views.rank_margin(distances, 4) == pytest.approx(0.9)          # the reference
    assert task_views.rank_margin([1.0, 0.0, 1.0], 1) == 0.0
    with pytest.raises(ValueError, match=r"n must lie in \[1, 4\], got 5"):
        task_views.rank_margin(distances, 5)


def test_projection_draws_two_features_as_they_are_and_more_by_pca(rng):
    points = rng.normal(size=(5, 2))
    np.testing.assert_array_equal(task_views.project_2d(points), points)    # drawn as they are
    line = task_views.project_2d(points[:, :1])
    np.testing.assert_array_equal(line, np.hstack([points[:, :1], np.zeros((5, 1))]))
    # more features: the two directions of largest spread, centred
    many = rng.normal(size=(6, 4)) * np.array([5.0, 0.1, 3.0, 0.1])
    coords = task_views.project_2d(many)
    assert coords.shape == (6, 2) and np.allclose(coords.mean(axis=0), 0)
    assert coords[:, 0].var() > coords[:, 1].var() > (many[:, 1].var() + many[:, 3].var())


def test_drawings_mark_the_answer_and_the_prediction(details):
    p = task_views.problem(details, 0)
    coords = task_views.project_2d(p["vectors"])
    wrong = (p["label"] + 1) % 4
    ax = task_views.draw_problem(p, prediction=wrong)
    points, star, ring, predicted = ax.collections[:4]
    np.testing.assert_array_equal(star.get_offsets(), coords[[p["reference"]]])
    np.testing.assert_array_equal(ring.get_offsets(), coords[[p["target_position"]]])
    np.testing.assert_array_equal(predicted.get_offsets(), coords[p["ids"] == wrong])
    assert len(points.get_offsets()) == 3
    # each point carries its id, at the point
    assert [t.get_text() for t in ax.texts] == [str(i) for i in p["ids"]]
    np.testing.assert_allclose([t.get_position() for t in ax.texts], coords)
    legend = [t.get_text() for t in ax.figure.legends[0].get_texts()]
    assert legend == ["reference", "answer", "wrong prediction"]
    assert fits(ax.figure) == []
    ax = task_views.draw_problem(p, prediction=p["label"])      # a right prediction adds no ring
    assert len(ax.collections[3].get_offsets()) == 0
    ax = task_views.draw_problem(p)                             # no prediction: not in the legend
    assert len(ax.figure.legends[0].get_texts()) == 2
    ax = task_views.draw_problem(p, show_answer=False)          # a problem to solve: no ring
    assert len(ax.collections[2].get_offsets()) == 0 and len(ax.figure.legends[0].get_texts()) == 1
    assert task_views.draw_problem(p).get_xticks().size == 0    # a projection's coordinates: no ticks
    assert [task_views.ordinal(n) for n in (1, 2, 3, 4, 8)] == ["1st", "2nd", "3rd", "4th", "8th"]


def test_exact_pictures_have_integer_ticks_inside_the_axes(rng):
    p = task_views.problem(NthFarthest(4, 2).sample(1, rng, return_details=True)[2])
    ax = task_views.draw_problem(p)
    low, high = ax.get_xlim()
    ticks = ax.get_xticks()
    assert len(ticks) and np.all(ticks == np.round(ticks)) and np.all((ticks > low) & (ticks < high))
    assert fits(ax.figure) == []


def test_distance_and_probability_bars_read_column_by_column(details):
    p = task_views.problem(details, 0)
    farthest_first = np.argsort(-p["distances"], kind="stable")
    ax = task_views.draw_distances(p)
    np.testing.assert_allclose([bar.get_height() for bar in ax.patches], p["distances"][farthest_first])
    assert [t.get_text() for t in ax.texts] == [f"id {i}" for i in p["ids"][farthest_first]]
    np.testing.assert_allclose([t.xy[1] for t in ax.texts], p["distances"][farthest_first])   # above each bar
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1st", "2nd", "3rd", "4th"]
    assert ax.get_ylim()[1] == pytest.approx(task_views.HEADROOM * p["distances"].max())
    assert drawn_tick_labels_lie_within(ax, "y")
    assert fits(ax.figure) == []
    probabilities = np.array([0.1, 0.2, 0.3, 0.4])                    # by id
    bars = task_views.draw_probabilities(p, probabilities)
    np.testing.assert_allclose([bar.get_height() for bar in bars.patches], probabilities[p["ids"][farthest_first]])
    assert bars.get_ylim() == (0, 1) and fits(bars.figure) == []
    both = task_views.draw_probabilities(p, {"RMC": probabilities, "LSTM": probabilities[::-1]})
    assert len(both.patches) == 8
    assert both.get_legend_handles_labels()[1] == ["RMC", "LSTM"]
    with pytest.raises(ValueError, match="probabilities must have last axis of size 4"):
        task_views.draw_probabilities(p, np.ones(3) / 3)


def artists_state(ax):
    """What a problem or bars picture shows, as plain values."""
    return ([line.get_xydata().tolist() for line in ax.lines],
            [(t.get_text(), tuple(np.round(t.get_position(), 12)), tuple(np.round(getattr(t, "xy", ()), 12)),
              t.get_color()) for t in ax.texts],
            [c.get_offsets().tolist() for c in ax.collections],
            [(round(b.get_height(), 12), b.get_facecolor()) for b in ax.patches],
            ax.get_title())


def test_an_updated_picture_shows_what_a_fresh_one_does(details):
    frame = task_views.problem_frame(details)
    for i in range(6):
        assert task_views.in_frame(frame, task_views.problem(details, i))
    first, other = task_views.problem(details, 0), task_views.problem(details, 4)
    wrong = (other["label"] + 1) % 4
    ax = task_views.draw_problem(first, prediction=first["label"], limits=frame["limits"])
    task_views.update_problem(ax, other, prediction=wrong)
    fresh = task_views.draw_problem(other, prediction=wrong, limits=frame["limits"])
    assert artists_state(ax) == artists_state(fresh)
    bars = task_views.draw_distances(first, ymax=frame["ymax"])
    task_views.update_distances(bars, other)
    assert artists_state(bars) == artists_state(task_views.draw_distances(other, ymax=frame["ymax"]))
    probabilities = np.array([0.1, 0.2, 0.3, 0.4])
    shown = task_views.draw_probabilities(first, np.full(4, 0.25))
    task_views.update_probabilities(shown, other, probabilities)
    assert artists_state(shown) == artists_state(task_views.draw_probabilities(other, probabilities))
    # a problem with another number of objects does not fit these pictures
    small = task_views.problem(NthFarthest(3, 4).sample(1, np.random.default_rng(0), return_details=True)[2])
    with pytest.raises(ValueError, match=r"with 3 objects drawn by draw_problem \(2 lines, 3 labels, 4 sets "
                                         r"of points\), got 3 lines, 4 labels and 4 sets of points"):
        task_views.update_problem(ax, small)
    with pytest.raises(ValueError, match="with 3 objects"):
        task_views.update_distances(bars, small)
    with pytest.raises(ValueError, match=r"1 model\(s\) for 3 objects"):
        task_views.update_probabilities(shown, small, np.full(3, 1 / 3))
    with pytest.raises(ValueError, match="probabilities must have last axis of size 4"):
        task_views.update_probabilities(shown, other, probabilities[:3])
    with pytest.raises(ValueError, match=r"prediction must be one of the problem's ids"):
        task_views.update_problem(ax, other, prediction=7)
    assert ax.get_title() == fresh.get_title()              # a refused update changed nothing


def test_a_frame_holds_its_problems_and_only_those(details):
    frame = task_views.problem_frame(details)
    x0, x1, y0, y1 = frame["limits"]
    coords = np.concatenate([task_views.project_2d(v) for v in details["vectors"]])
    pad = 0.3 * max(np.ptp(coords[:, 0]), np.ptp(coords[:, 1]))
    np.testing.assert_allclose([x0, x1, y0, y1], [coords[:, 0].min() - pad, coords[:, 0].max() + pad,
                                                  coords[:, 1].min() - pad, coords[:, 1].max() + pad])
    largest = max(task_views.problem(details, i)["distances"].max() for i in range(6))
    assert frame["ymax"] == pytest.approx(task_views.HEADROOM * largest)
    far = task_views.problem(details, 0)
    far["vectors"] = far["vectors"] * 10                    # the same problem, ten times larger
    far["distances"] = far["distances"] * 10
    assert not task_views.in_frame(frame, far)


def test_the_input_picture_names_its_groups(rng):
    task = NthFarthest(4, 4)
    x, _ = task.sample(1, rng)
    ax = task_views.draw_inputs(x[0], task.input_groups())
    np.testing.assert_array_equal(ax.images[0].get_array(), x[0])
    assert [t.get_text() for t in ax.texts] == ["vector", "id", "n", "reference id"]
    assert fits(ax.figure) == []
    with pytest.raises(ValueError, match="must cover all 16 columns"):
        task_views.draw_inputs(x[0], task.input_groups()[:2])


def test_lesson_06_problem_figures_fit(details):
    problems = [task_views.problem(details, i) for i in range(3)]
    axes = run_views.problem_with_distances(problems[0])
    assert fits(axes[0].figure) == []
    axes = run_views.problems_figure(problems, titles=[f"problem {i}" for i in range(3)])
    assert axes.shape == (2, 3) and fits(axes[0, 0].figure) == []
    # the columns share one distance axis
    assert len({ax.get_ylim() for ax in axes[1]}) == 1
    given = [{"RMC": np.full(4, 0.25), "LSTM": np.eye(4)[q["label"]]} for q in problems]
    axes = run_views.problems_figure(problems, points=False, probabilities=given)
    assert axes.shape == (2, 3) and fits(axes[0, 0].figure) == []
    assert [t.get_text() for t in axes[0, 0].figure.legends[0].get_texts()] == ["RMC", "LSTM"]
    axes = run_views.problems_figure(problems, distances=False, show_answer=False)
    assert axes.shape == (1, 3) and all(len(ax.collections[2].get_offsets()) == 0 for ax in axes[0])
    with pytest.raises(ValueError, match="show_answer=False draws points only"):
        run_views.problems_figure(problems, show_answer=False)
    with pytest.raises(ValueError, match=r"titles must have one entry per problem \(3\), got 2"):
        run_views.problems_figure(problems, titles=["a", "b"])
