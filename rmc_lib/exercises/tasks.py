"""Self-checks for the exercises of lesson 06 (tasks).

1. Predict the plateau: the accuracy and loss of a model that knows only the
   reference's id, for any number of objects and any set of n asked.
2. Predict which n a trained model gets wrong most: the margin of a rank.

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints what is wrong or that it passed, and
returns True or False.
"""

import numpy as np

from ..train.runs import accuracy_by_n
from ..views.task_views import rank_margin
from ._cases import run_cases


def plateau(num_objects, n_choices):
    """Accuracy and loss of the plateau's model on Nth farthest with C =
    num_objects objects and n drawn uniformly from n_choices: it answers
    n = C (the reference's own id) always right and, for any other n,
    guesses uniformly among the C - 1 objects that are not the reference.

        accuracy = q + (1 - q) / (C - 1),   loss = (1 - q) ln(C - 1),

    q being the share of n = C among n_choices. Returns (accuracy, loss)."""
    C = num_objects
    q = np.mean(np.asarray(n_choices) == C)
    return float(q + (1 - q) / (C - 1)), float((1 - q) * np.log(C - 1))


def check_plateau(fn):
    """fn(num_objects, n_choices) must return (accuracy, loss) of the
    plateau's model (see `plateau`) on a task asking n uniformly from
    n_choices, e.g. fn(4, (1, 2, 3, 4)) -> (0.5, 0.824)."""
    settings = [("C = 4, every n (section 3)", 4, (1, 2, 3, 4)),
                ("C = 6, every n", 6, tuple(range(1, 7))),
                ("C = 8, every n (the paper's size)", 8, tuple(range(1, 9))),
                ("C = 4, only n = 1 (stage 1 of the curriculum)", 4, (1,)),
                ("C = 5, n in (1, 5): farthest or the reference itself", 5, (1, 5)),
                ("C = 3, only n = 3 (always the reference)", 3, (3,))]
    cases = [(description, lambda C=C, s=s: _as_pair(fn(C, s)), lambda C=C, s=s: plateau(C, s))
             for description, C, s in settings]
    return run_cases("check_plateau", cases, rtol=1e-9, atol=1e-9, hint=_plateau_hint)


def _as_pair(result):
    if not isinstance(result, tuple) or len(result) != 2:
        return result
    return tuple(float(value) for value in result)


def _plateau_hint(got, want):
    return f": expected {float(want):.4f}, got {float(got):.4f}"


def compare_plateau(fn, num_objects, n_choices, accuracy, loss):
    """Print a learner's predicted plateau (fn as in check_plateau) beside
    the accuracy and loss a run measured; say so if fn is not written yet."""
    try:
        predicted = _as_pair(fn(num_objects, n_choices))
        text = f"your prediction: accuracy {predicted[0]:.3f}, loss {predicted[1]:.3f}"
    except Exception as exc:    # a stub, or a mistake: the run is shown all the same
        text = f"your prediction: none yet ({type(exc).__name__})"
    print(f"{text}; the run: accuracy {accuracy:.3f}, loss {loss:.3f}")


def check_margin(fn):
    """fn(distances, n) must return the margin of rank n: for the distances
    [C] of the objects to the reference (any order; the reference's own 0
    is one of them), the smallest gap between the n-th largest distance and
    its neighbours in the order (the (n-1)-th and (n+1)-th largest; one
    neighbour for n = 1 and n = C). Reference: task_views.rank_margin."""
    rng = np.random.default_rng(26)

    def distances(C):
        values = np.linalg.norm(rng.uniform(-1, 1, size=(C, 4)) - rng.uniform(-1, 1, size=4), axis=1)
        values[rng.integers(C)] = 0.0               # the reference, at distance 0 from itself
        return values

    settings = [("C = 4, n = 1 (the farthest: one neighbour)", distances(4), 1),
                ("C = 4, n = 2 (two neighbours)", distances(4), 2),
                ("C = 4, n = 4 (the reference: its gap to the nearest other)", distances(4), 4),
                ("C = 8, n = 5, distances in no particular order", distances(8), 5),
                ("C = 5, n = 3, two equal distances (margin 0)", np.array([0.9, 0.0, 0.5, 0.5, 1.4]), 3)]
    cases = [(description, lambda d=d, n=n: fn(d.copy(), n), lambda d=d, n=n: rank_margin(d, n))
             for description, d, n in settings]
    return run_cases("check_margin", cases, hint=lambda got, want: f": expected {float(want):.4f}, got {float(got):.4f}")


def check_hardest_n(guess, model, task, x, labels, details):
    """Whether `guess` (an n) is the n that `model` answers worst on the
    held-out problems (x, labels and details of an Nth-farthest task with
    include_n, from `test_set(..., return_details=True)`), showing the
    accuracy and the mean margin for each n."""
    by_n = accuracy_by_n(model, task, x, labels)
    n = np.asarray(details["n"])
    margins = np.array([rank_margin(np.linalg.norm(v - v[r], axis=1), k)
                        for v, r, k in zip(details["vectors"], details["reference"], n)])
    hardest = min(by_n, key=lambda value: by_n[value][0])
    table = ", ".join(f"n = {value}: {by_n[value][0]:.3f} (mean margin {margins[n == value].mean():.3f})"
                      for value in sorted(by_n))
    if guess is None:
        print("check_hardest_n: write your prediction first (my_hardest_n = an n)")
        return False
    if guess not in by_n:
        print(f"check_hardest_n: failed: n = {guess} is not asked by this task; it asks {sorted(by_n)}")
        return False
    if guess != hardest:
        print(f"check_hardest_n: failed: n = {guess} is not the hardest; accuracy for each n: {table}")
        return False
    print(f"check_hardest_n: passed: n = {guess} is the hardest; accuracy for each n: {table}")
    return True
