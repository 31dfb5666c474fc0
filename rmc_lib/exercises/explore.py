"""Self-checks for the exercises of lesson 07 (explore).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints what is wrong or that it passed, and
returns True or False.
"""

import numpy as np

from ..views import task_views
from ._cases import run_cases


def check_memory_change(fn):
    """fn(memory) must return, for memory [T+1, N, F] (the initial memory,
    then the memory after each step), how far each slot moved at each step:
    [T, N], entry [t, i] = ||memory[t+1, i] - memory[t, i]|| (Euclidean)."""
    rng = np.random.default_rng(23)
    cases = []
    for description, shape in [("T = 4 steps, N = 4 slots of F = 8", (5, 4, 8)),
                               ("T = 1 step, N = 2 slots of F = 3", (2, 2, 3)),
                               ("T = 8 steps, N = 1 slot of F = 16", (9, 1, 16))]:
        memory = rng.normal(size=shape)
        cases.append((description, lambda m=memory: fn(m.copy()),
                      lambda m=memory: np.linalg.norm(np.diff(m, axis=0), axis=-1)))
    return run_cases("check_memory_change", cases)


def check_pca_2d(fn):
    """fn(vectors) must return [K, 2]: the coordinates of the rows of vectors
    [K, F] (F > 2) on their two principal axes, after centring (the first
    column along the direction of largest spread). A principal axis has no
    preferred sign, so each column is compared up to its sign."""
    rng = np.random.default_rng(24)
    cases = []
    for description, vectors in [("4 vectors of 4 features", rng.uniform(-1, 1, size=(4, 4))),
                                 ("8 vectors of 16 features", rng.uniform(-1, 1, size=(8, 16))),
                                 ("6 vectors spread mostly along feature 2",
                                  rng.normal(size=(6, 3)) * [0.1, 0.2, 3.0])]:
        want = task_views.project_2d(vectors)
        cases.append((description, lambda v=vectors, w=want: _signs_as(fn(v.copy()), w), lambda w=want: w))
    return run_cases("check_pca_2d", cases,
                      hint=lambda got, want: ("" if np.allclose(got.mean(axis=0), 0)
                                              else " (did you centre the vectors first?)"))


def _signs_as(got, want):
    """got with each column's sign flipped to agree with want's (a principal
    axis has no preferred sign); as it is when the shapes differ."""
    got = np.asarray(got, dtype=float)
    if got.shape != want.shape:
        return got
    return got * np.where(np.sum(got * want, axis=0) < 0, -1.0, 1.0)
