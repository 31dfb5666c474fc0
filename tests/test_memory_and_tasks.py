import numpy as np
import pytest

from rmc_lib.memory import initial_memory
from rmc_lib.tasks import nth_farthest_index


@pytest.mark.parametrize("N, F", [(4, 4), (3, 5), (5, 3)])
def test_initial_memory_is_padded_or_cut_identity(N, F):
    M = initial_memory(2, N, F)
    assert M.shape == (2, N, F)
    for b in range(2):
        for r in range(N):
            for c in range(F):
                assert M[b, r, c] == (1.0 if r == c else 0.0)
    M[0, 0, 0] = 7  # a real copy per batch element, not a view
    assert M[1, 0, 0] == 1.0


def test_initial_memory_rejects_bad_sizes():
    with pytest.raises(ValueError, match="mem_slots must be a positive integer, got 0"):
        initial_memory(1, 0, 4)


def test_nth_farthest_index_on_a_line():
    # points at 0, 1, 3, 6 on a line; reference 0 (at 0)
    v = np.array([[0.0], [1.0], [3.0], [6.0]])
    assert nth_farthest_index(v, 0, 1) == 3
    assert nth_farthest_index(v, 0, 2) == 2
    assert nth_farthest_index(v, 0, 4) == 0  # the reference itself is the nearest
    assert nth_farthest_index(v, 2, 1) == 0  # from 3: 0 is at 3, 6 at 3 too: tie, lower index


def test_nth_farthest_index_batched_matches_loop(rng):
    v = rng.uniform(-1, 1, size=(20, 5, 3))
    ref, n = rng.integers(0, 5, size=20), rng.integers(1, 6, size=20)
    batched = nth_farthest_index(v, ref, n)
    for b in range(20):
        d = np.linalg.norm(v[b] - v[b, ref[b]], axis=1)
        assert batched[b] == np.argsort(-d)[n[b] - 1]


def test_nth_farthest_index_rejects_bad_n():
    with pytest.raises(ValueError, match=r"n must lie in \[1, 2\]"):
        nth_farthest_index(np.zeros((2, 3)), 0, 0)
