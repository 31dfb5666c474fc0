import numpy as np
import pytest

from rmc_lib.cores.memory import initial_memory
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


from rmc_lib.tasks import NthFarthest, make_task


def test_nth_farthest_inputs_follow_the_paper(rng):
    task = NthFarthest(8, 16)
    assert task.input_size == 40  # the paper: 16 features + 3 one-hots of 8
    x, labels, d = task.sample(50, rng, return_details=True)
    assert x.shape == (50, 8, 40) and labels.shape == (50,)
    np.testing.assert_array_equal(x[..., :16], d["vectors"])
    np.testing.assert_array_equal(x[..., 16:24].argmax(-1), d["ids"])
    np.testing.assert_array_equal(x[..., 24:32].argmax(-1), d["n"][:, None] - 1 + 0 * d["ids"])
    np.testing.assert_array_equal(x[..., 32:40].argmax(-1), d["reference_id"][:, None] + 0 * d["ids"])
    for b in range(50):
        assert sorted(d["ids"][b]) == list(range(8))
        v, ref, n = d["vectors"][b], d["reference"][b], d["n"][b]
        dist = np.linalg.norm(v - v[ref], axis=1)
        assert labels[b] == d["ids"][b][np.argsort(-dist)[n - 1]]
        assert d["reference_id"][b] == d["ids"][b][ref]


def test_farthest_from_reference_task_omits_n(rng):
    task = NthFarthest(4, 4, n_choices=(1,))
    assert task.input_size == 12
    x, labels, d = task.sample(100, rng, return_details=True)
    assert np.all(d["n"] == 1)
    # the label is never the reference itself, and classes are balanced-ish
    assert np.all(labels != d["reference_id"])
    assert set(np.unique(labels)) == {0, 1, 2, 3}


def test_test_set_is_fixed_and_separate_from_training(rng):
    task = NthFarthest(4, 4)
    x1, y1 = task.test_set(100)
    x2, y2 = task.test_set(100)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    x3, _ = task.test_set(100, seed=1)
    assert not np.array_equal(x1, x3)
    x4, _ = task.sample(100, np.random.default_rng(12345))
    assert not np.array_equal(x1, x4)


def test_task_arguments_are_checked():
    with pytest.raises(ValueError, match="num_objects must be an integer >= 2"):
        NthFarthest(1, 4)
    with pytest.raises(ValueError, match=r"n_choices must be values in \[1, 4\]"):
        NthFarthest(4, 4, n_choices=(0,))
    with pytest.raises(ValueError, match="task must be one of"):
        make_task("no-such-task")


def test_encode_rebuilds_a_sample_and_asks_another_n(rng):
    task = NthFarthest(4, 3)
    x, labels, d = task.sample(20, rng, return_details=True)
    x2, labels2, d2 = task.encode(d["vectors"], d["ids"], d["n"], d["reference"], return_details=True)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(labels, labels2)
    # the same problems asking n = 1: the farthest, whatever was asked before
    x1, labels1 = task.encode(d["vectors"], d["ids"], 1, d["reference"])
    dist = np.linalg.norm(d["vectors"] - d["vectors"][np.arange(20), d["reference"]][:, None], axis=-1)
    np.testing.assert_array_equal(labels1, d["ids"][np.arange(20), dist.argmax(axis=1)])
    assert np.all(x1[:, :, 3 + 4:3 + 8].argmax(-1) == 0)
    with pytest.raises(ValueError, match="ids must be"):
        task.encode(d["vectors"], np.zeros((20, 4), dtype=int), 1, d["reference"])
    with pytest.raises(ValueError, match=r"n must be one of \[1\]"):
        NthFarthest(4, 3, n_choices=(1,)).encode(d["vectors"], d["ids"], 2, d["reference"])
    with pytest.raises(ValueError, match="vectors must"):
        task.encode(d["vectors"][:, :3], d["ids"], 1, d["reference"])


def test_input_groups_cover_the_input():
    for task in (NthFarthest(4, 4), NthFarthest(4, 4, n_choices=(1,)), NthFarthest(8, 16)):
        groups = task.input_groups()
        assert groups[0][1] == 0 and groups[-1][2] == task.input_size
        assert all(a[2] == b[1] for a, b in zip(groups, groups[1:]))
    assert [g[0] for g in NthFarthest(4, 4, n_choices=(1,)).input_groups()] == ["vector", "id", "reference id"]
