"""The self-checks of 06_tasks pass correct answers and catch typical mistakes."""

import numpy as np

from rmc_lib.views import task_views
from rmc_lib.train.runs import value_at
from rmc_lib.exercises import explore as explore_checks
from rmc_lib.exercises import tasks as tasks_checks


def numpy_ranks(vectors, reference, farthest_first=True):
    distances = np.linalg.norm(vectors - vectors[reference], axis=1)
    order = np.argsort(-distances if farthest_first else distances)
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(1, len(order) + 1)
    return rank


def test_distance_ranks_check(capsys):
    assert tasks_checks.check_distance_ranks(numpy_ranks)
    # the library's own problem() gives the same ranks
    def via_problem(vectors, reference):
        details = dict(vectors=vectors[None], ids=np.arange(len(vectors))[None], reference=np.array([reference]),
                       reference_id=np.array([reference]), n=np.array([1]), target_position=np.array([0]))
        return task_views.problem(details)["rank"]
    assert tasks_checks.check_distance_ranks(via_problem)
    assert "check_distance_ranks: passed (4 cases)" in capsys.readouterr().out
    # nearest first (ascending order) is caught
    assert not tasks_checks.check_distance_ranks(lambda v, r: numpy_ranks(v, r, farthest_first=False))
    # 0-based ranks are caught
    assert not tasks_checks.check_distance_ranks(lambda v, r: numpy_ranks(v, r) - 1)


def accuracy_by_n(predictions, labels, n, K):
    out = np.full(K, np.nan)
    for value in range(1, K + 1):
        if np.any(n == value):
            out[value - 1] = np.mean(predictions[n == value] == labels[n == value])
    return out


def test_accuracy_by_n_check(capsys):
    assert tasks_checks.check_accuracy_by_n(accuracy_by_n)
    assert "passed (3 cases)" in capsys.readouterr().out
    # 0 instead of nan for an n never asked
    assert not tasks_checks.check_accuracy_by_n(lambda p, y, n, K: np.nan_to_num(accuracy_by_n(p, y, n, K)))
    assert "nan" in capsys.readouterr().out
    # indexing by n instead of n - 1 (shifted by one)
    assert not tasks_checks.check_accuracy_by_n(lambda p, y, n, K: np.roll(accuracy_by_n(p, y, n, K), 1))
    # the overall accuracy repeated
    assert not tasks_checks.check_accuracy_by_n(lambda p, y, n, K: np.full(K, np.mean(p == y)))


def test_accuracy_at_check(capsys):
    assert tasks_checks.check_accuracy_at(
        lambda e, a, b: value_at({"examples": e, "eval_accuracy": a}, b))

    def numpy_answer(examples, accuracy, budget):
        reached = examples <= budget
        return accuracy[reached][-1] if reached.any() else np.nan
    assert tasks_checks.check_accuracy_at(numpy_answer)
    assert "check_accuracy_at: passed (4 cases)" in capsys.readouterr().out
    # the first evaluation after the budget (one too far)
    assert not tasks_checks.check_accuracy_at(
        lambda e, a, b: a[min(np.searchsorted(e, b, side="right"), len(a) - 1)])
    # 0 instead of nan before the first evaluation
    assert not tasks_checks.check_accuracy_at(lambda e, a, b: numpy_answer(e, a, b) if b >= e[0] else 0.0)


def test_memory_change_check(capsys):
    assert explore_checks.check_memory_change(lambda m: np.sqrt(((m[1:] - m[:-1]) ** 2).sum(-1)))
    assert "passed (3 cases)" in capsys.readouterr().out
    # the change from the initial memory left out (one step short)
    assert not explore_checks.check_memory_change(lambda m: np.linalg.norm(np.diff(m, axis=0), axis=-1)[1:])
    # squared distance
    assert not explore_checks.check_memory_change(lambda m: ((m[1:] - m[:-1]) ** 2).sum(-1))


def test_pca_check(capsys):
    def pca(vectors):
        centred = vectors - vectors.mean(axis=0)
        _, _, axes = np.linalg.svd(centred)
        return -centred @ axes[:2].T            # sign flipped: still right
    assert explore_checks.check_pca_2d(pca)
    assert "passed (3 cases)" in capsys.readouterr().out
    # forgetting to centre is caught, with a hint
    assert not explore_checks.check_pca_2d(lambda v: v @ np.linalg.svd(v - v.mean(0))[2][:2].T)
    assert "centre" in capsys.readouterr().out
    # the first two features instead of the principal axes
    assert not explore_checks.check_pca_2d(lambda v: (v - v.mean(0))[:, :2])
