"""Self-checks for the exercises of lesson 00 (overview).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints what is wrong or that it passed, and
returns True or False.
"""

import numpy as np

from .. import tasks
from ..cores import memory
from ._cases import run_cases


def check_num_relations(fn):
    """fn(num_objects) must return how many unordered pairs of distinct objects
    there are, N (N - 1) / 2: the number of pairwise relations among N objects."""
    cases = [(f"{n} object{'s' if n > 1 else ''}", lambda n=n: fn(n), lambda n=n: n * (n - 1) // 2)
             for n in (1, 2, 3, 8, 100)]
    return run_cases("check_num_relations", cases)


def check_nth_farthest(fn):
    """fn(vectors, reference, n) must return the index of the n-th farthest of
    vectors [num_objects, num_features] from vectors[reference] (n = 1: the
    farthest; the reference itself, at distance 0, is the num_objects-th)."""
    rng = np.random.default_rng(6)
    settings = [
        ("8 points in 2-D, n = 1 (the farthest)", 8, 2, 0, 1),
        ("8 points in 2-D, n = 3", 8, 2, 5, 3),
        ("8 points in 2-D, n = 8 (the reference itself)", 8, 2, 2, 8),
        ("8 points with 16 features (as in the paper), n = 5", 8, 16, 7, 5),
        ("3 points in 3-D, n = 2", 3, 3, 1, 2),
    ]
    cases = []
    for description, num_objects, num_features, reference, n in settings:
        vectors = rng.uniform(-1, 1, size=(num_objects, num_features))
        cases.append((f"{description}, reference {reference}",
                      lambda v=vectors, r=reference, n=n: fn(v.copy(), r, n),
                      lambda v=vectors, r=reference, n=n: tasks.nth_farthest_index(v, r, n)))
    return run_cases("check_nth_farthest", cases)


def check_initial_memory(fn):
    """fn(mem_slots, mem_size) must return the RMC's initial memory for one
    sequence, [mem_slots, mem_size]: the identity, zero-padded on the right
    when mem_size > mem_slots and cut to mem_size columns when smaller."""
    settings = [("4 slots of size 4 (square)", 4, 4),
                ("3 slots of size 8 (padded with zeros)", 3, 8),
                ("6 slots of size 4 (cut to 4 columns)", 6, 4),
                ("1 slot of size 1", 1, 1),
                ("4 slots of size 32, as in the parameter-count example", 4, 32)]
    cases = [(d, lambda N=N, F=F: fn(N, F), lambda N=N, F=F: memory.initial_memory(1, N, F)[0])
             for d, N, F in settings]
    return run_cases("check_initial_memory", cases)
