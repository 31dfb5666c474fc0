"""Self-checks for the exercises of lesson 06 (tasks).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints what is wrong or that it passed, and
returns True or False.
"""

import numpy as np

from ..train.runs import value_at
from ..views import task_views
from ._cases import run_cases


def check_distance_ranks(fn):
    """fn(vectors, reference) must return, for each of the K objects of
    vectors [K, F], its rank of distance from vectors[reference]: 1 for the
    farthest, ..., K for the reference itself (Euclidean distances)."""
    rng = np.random.default_rng(21)
    settings = [("4 objects of 4 features, reference 0", 4, 4, 0),
                ("4 objects in 2-D, reference 2", 4, 2, 2),
                ("8 objects of 16 features (the paper's size), reference 5", 8, 16, 5),
                ("3 objects in 1-D, reference 1", 3, 1, 1)]
    cases = []
    for description, K, F, reference in settings:
        vectors = rng.uniform(-1, 1, size=(K, F))
        cases.append((description, lambda v=vectors, r=reference: fn(v.copy(), r),
                      lambda v=vectors, r=reference: task_views.distance_ranks(v, r)[1]))
    return run_cases("check_distance_ranks", cases)


def _reference_accuracy_by_n(predictions, labels, n, num_objects):
    result = np.full(num_objects, np.nan)
    for value in range(1, num_objects + 1):
        mask = n == value
        if mask.any():
            result[value - 1] = np.mean(predictions[mask] == labels[mask])
    return result


def check_accuracy_by_n(fn):
    """fn(predictions, labels, n, num_objects) must return an array of
    num_objects accuracies: entry n-1 is the fraction of right predictions
    among the problems that asked for that n (nan when none did)."""
    rng = np.random.default_rng(22)
    cases = []
    for description, K, size, missing in [("K = 4, 400 problems", 4, 400, None),
                                          ("K = 8, 50 problems", 8, 50, None),
                                          ("K = 4, no problem asks n = 3 (that entry is nan)", 4, 100, 3)]:
        labels = rng.integers(0, K, size=size)
        predictions = np.where(rng.random(size) < 0.6, labels, rng.integers(0, K, size=size))
        n = rng.integers(1, K + 1, size=size)
        if missing is not None:
            n[n == missing] = 1
        cases.append((description,
                      lambda p=predictions, y=labels, n=n, K=K: fn(p.copy(), y.copy(), n.copy(), K),
                      lambda p=predictions, y=labels, n=n, K=K: _reference_accuracy_by_n(p, y, n, K)))
    return run_cases("check_accuracy_by_n", cases, allow_nan=True,
                      hint=lambda got, want: (f": expected {np.round(want, 4).tolist()}, got "
                                              f"{np.round(got, 4).tolist()} (entry n-1 is the accuracy for n)"))


def check_accuracy_at(fn):
    """fn(examples, accuracy, budget) must return the last accuracy logged at
    or before `budget` training examples (examples increasing), or nan if the
    first evaluation came later. Reference: rmc_lib.train.runs.value_at."""

    examples = np.array([64_000, 128_000, 192_000, 256_000], dtype=float)
    accuracy = np.array([0.33, 0.41, 0.72, 0.86])
    cases = []
    for budget, description in [(128_000, "a budget exactly at an evaluation"),
                                (200_000, "a budget between two evaluations"),
                                (10_000_000, "a budget after the last evaluation"),
                                (1_000, "a budget before the first evaluation (nan)")]:
        cases.append((f"{description}, {budget:,} examples",
                      lambda b=budget: fn(examples.copy(), accuracy.copy(), b),
                      lambda b=budget: value_at({"examples": examples, "eval_accuracy": accuracy}, b)))
    return run_cases("check_accuracy_at", cases, allow_nan=True)
