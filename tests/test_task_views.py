"""Pictures of one Nth-farthest problem."""

import numpy as np
import pytest

from rmc_lib import task_views
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
    wrong = (p["label"] + 1) % 4
    ax = task_views.draw_problem(p, prediction=wrong)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(f"id {p['label']}" in t for t in legend) and f"prediction: id {wrong}" in legend
    ax = task_views.draw_problem(p, prediction=p["label"])      # a right prediction adds no ring
    assert not any("prediction" in t.get_text() for t in ax.get_legend().get_texts())
    ax = task_views.draw_distances(p, probabilities=np.full(4, 0.25))
    heights = [bar.get_height() for bar in ax.patches]
    np.testing.assert_allclose(heights, np.sort(p["distances"])[::-1])
    with pytest.raises(ValueError, match="probabilities must have last axis of size 4"):
        task_views.draw_distances(p, probabilities=np.ones(3) / 3)
    assert [task_views.ordinal(n) for n in (1, 2, 3, 4, 8)] == ["1st", "2nd", "3rd", "4th", "8th"]
