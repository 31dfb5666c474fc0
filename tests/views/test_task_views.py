"""Pictures of one Nth-farthest problem."""

import numpy as np
import pytest

from rmc_lib.views import task_views
from rmc_lib.tasks import NthFarthest


@pytest.fixture
def details(rng):
    return NthFarthest(4, 4).sample(6, rng, return_details=True)[2]


def test_problem_collects_one_example(details):
    for i in range(6):
        p = task_views.problem(details, i)
        # the answer has the rank that n asks for, and the reference is last
        assert p["rank"][p["target_position"]] == p["n"]
        assert p["rank"][p["reference"]] == 4 and p["distances"][p["reference"]] == 0
        assert p["label"] == p["ids"][p["target_position"]]
    with pytest.raises(ValueError, match=r"example must lie in \[0, 6\), got 6"):
        task_views.problem(details, 6)


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
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["the reference", "the answer", "the prediction, when wrong"]
    ax = task_views.draw_problem(p, prediction=p["label"])      # a right prediction adds no ring
    assert len(ax.collections[3].get_offsets()) == 0
    ax = task_views.draw_problem(p)                             # no prediction: not in the legend
    assert len(ax.get_legend().get_texts()) == 2
    ax = task_views.draw_distances(p, probabilities=np.full(4, 0.25))
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, np.sort(p["distances"])[::-1])
    farthest_first = p["ids"][np.argsort(-p["distances"], kind="stable")]
    assert [t.get_text() for t in ax.texts] == [f"id {i}" for i in farthest_first]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["\n1st", "\n2nd", "\n3rd", "\n4th"]
    with pytest.raises(ValueError, match="probabilities must have last axis of size 4"):
        task_views.draw_distances(p, probabilities=np.ones(3) / 3)
    assert [task_views.ordinal(n) for n in (1, 2, 3, 4, 8)] == ["1st", "2nd", "3rd", "4th", "8th"]


def artists_state(ax):
    """What a problem or distances picture shows, as plain values."""
    return ([line.get_xydata().tolist() for line in ax.lines],
            [(t.get_text(), tuple(np.round(t.get_position(), 12)), tuple(np.round(getattr(t, "xy", ()), 12)))
             for t in ax.texts],
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
    bars = task_views.draw_distances(first, probabilities=np.full(4, 0.25), ymax=frame["ymax"])
    probabilities = np.array([0.1, 0.2, 0.3, 0.4])
    task_views.update_distances(bars, other, probabilities)
    fresh = task_views.draw_distances(other, probabilities=probabilities, ymax=frame["ymax"])
    assert artists_state(bars) == artists_state(fresh)
    assert artists_state(bars.probability_axes) == artists_state(fresh.probability_axes)
    # a problem with another number of objects does not fit these pictures
    small = task_views.problem(NthFarthest(3, 4).sample(1, np.random.default_rng(0), return_details=True)[2])
    with pytest.raises(ValueError, match=r"with 3 objects drawn by draw_problem \(2 lines, 5 labels, 4 sets "
                                         r"of points\), got 3 lines, 7 labels and 4 sets of points"):
        task_views.update_problem(ax, small)
    with pytest.raises(ValueError, match="with 3 objects"):
        task_views.update_distances(bars, small)
    with pytest.raises(ValueError, match="drawn without them"):
        task_views.update_distances(task_views.draw_distances(first), other, probabilities)
    with pytest.raises(ValueError, match="drawn with the model's probabilities: give them"):
        task_views.update_distances(bars, other)
    with pytest.raises(ValueError, match="probabilities must have last axis of size 4"):
        task_views.update_distances(bars, other, probabilities[:3])
    assert bars.get_title() == fresh.get_title()            # a refused update changed nothing
    with pytest.raises(ValueError, match=r"prediction must be one of the problem's ids"):
        task_views.update_problem(ax, other, prediction=7)


def test_a_frame_holds_its_problems_and_only_those(details):
    frame = task_views.problem_frame(details)
    x0, x1, y0, y1 = frame["limits"]
    coords = np.concatenate([task_views.project_2d(v) for v in details["vectors"]])
    pad = 0.3 * max(np.ptp(coords[:, 0]), np.ptp(coords[:, 1]))
    np.testing.assert_allclose([x0, x1, y0, y1], [coords[:, 0].min() - pad, coords[:, 0].max() + pad,
                                                  coords[:, 1].min() - pad, coords[:, 1].max() + pad])
    largest = max(task_views.problem(details, i)["distances"].max() for i in range(6))
    assert frame["ymax"] == pytest.approx(1.05 * largest)
    far = task_views.problem(details, 0)
    far["vectors"] = far["vectors"] * 10                    # the same problem, ten times larger
    far["distances"] = far["distances"] * 10
    assert not task_views.in_frame(frame, far)
