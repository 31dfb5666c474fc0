"""Copy, repeat copy and associative recall: shapes, the answers checked by
slow loops written from the paper's description, seeding, held-out sets,
sizes beyond training, padding and clear errors."""

import numpy as np
import pytest

from rmc_lib.tasks import TASKS, AssociativeRecall, Copy, RepeatCopy, SequenceTargets, make_task


def slow_copy(seq, L, bits):
    """One copy sequence, step by step."""
    x, y, m = np.zeros((2 * L + 1, bits + 1)), np.zeros((2 * L + 1, bits)), np.zeros(2 * L + 1)
    for t in range(L):
        x[t, :bits] = seq[t]
    x[L, bits] = 1
    for t in range(L):
        y[L + 1 + t] = seq[t]
        m[L + 1 + t] = 1
    return x, y, m


def slow_repeat_copy(seq, L, n, bits, scale):
    T = L + 1 + n * L + 1
    x, y, m = np.zeros((T, bits + 2)), np.zeros((T, bits + 1)), np.zeros(T)
    for t in range(L):
        x[t, :bits] = seq[t]
    x[L, bits], x[L, bits + 1] = 1, n / scale
    t = L + 1
    for _ in range(n):
        for j in range(L):
            y[t, :bits] = seq[j]
            m[t] = 1
            t += 1
    y[t, bits], m[t] = 1, 1
    return x, y, m


def slow_recall(items, K, q, m, bits):
    rows, answers = [], []
    for i in range(K):
        rows.append(np.eye(bits + 2)[bits])
        rows.extend(np.concatenate([v, [0, 0]]) for v in items[i])
    rows.append(np.eye(bits + 2)[bits + 1])
    rows.extend(np.concatenate([v, [0, 0]]) for v in items[q])
    rows.append(np.eye(bits + 2)[bits + 1])
    T = len(rows) + m
    x = np.zeros((T, bits + 2))
    x[:len(rows)] = rows
    y, mask = np.zeros((T, bits)), np.zeros(T)
    y[len(rows):], mask[len(rows):] = items[q + 1], 1
    return x, y, mask


def check_padded(x, labels, b, x_b, y_b, m_b):
    T = len(m_b)
    np.testing.assert_array_equal(x[b, :T], x_b)
    np.testing.assert_array_equal(labels.targets[b, :T], y_b)
    np.testing.assert_array_equal(labels.mask[b, :T], m_b)
    assert not np.any(x[b, T:]) and not np.any(labels.mask[b, T:]) and not np.any(labels.targets[b, T:])


def test_copy_matches_a_slow_loop(rng):
    task = Copy(num_bits=5, min_length=1, max_length=7)
    x, labels, d = task.sample(30, rng, return_details=True)
    assert x.shape == (30, 2 * d["lengths"].max() + 1, 6) and labels.shape == (30, x.shape[1], 5)
    assert set(np.unique(x)) <= {0.0, 1.0}
    for b in range(30):
        L = d["lengths"][b]
        check_padded(x, labels, b, *slow_copy(d["sequences"][b], L, 5))
    np.testing.assert_array_equal(labels.answer_lengths(), d["lengths"])


def test_repeat_copy_matches_a_slow_loop(rng):
    task = RepeatCopy(num_bits=4, min_length=1, max_length=5, min_repeats=1, max_repeats=4)
    x, labels, d = task.sample(30, rng, return_details=True)
    assert x.shape[2] == 6 and labels.shape[2] == 5
    for b in range(30):
        check_padded(x, labels, b, *slow_repeat_copy(d["sequences"][b], d["lengths"][b], d["repeats"][b], 4, 4.0))
    np.testing.assert_array_equal(labels.answer_lengths(), d["lengths"] * d["repeats"] + 1)


def test_associative_recall_matches_a_slow_loop(rng):
    task = AssociativeRecall(num_bits=3, item_length=2, min_items=2, max_items=6)
    x, labels, d = task.sample(40, rng, return_details=True)
    assert x.shape[2] == 5 and labels.shape[2] == 3
    for b in range(40):
        K, q = d["num_items"][b], d["query"][b]
        assert 0 <= q < K - 1
        items = d["items"][b, :K]
        assert len({item.tobytes() for item in items}) == K          # all different
        check_padded(x, labels, b, *slow_recall(items, K, q, 2, 3))


def test_defaults_are_the_papers():
    copy, repeat, recall = Copy(), RepeatCopy(), AssociativeRecall()
    assert (copy.num_bits, copy.min_length, copy.max_length, copy.input_size, copy.num_outputs) == (8, 1, 20, 9, 8)
    assert (repeat.max_length, repeat.max_repeats, repeat.input_size, repeat.num_outputs) == (10, 10, 10, 9)
    assert (recall.num_bits, recall.item_length, recall.min_items, recall.max_items) == (6, 3, 2, 6)
    assert recall.input_size == 8 and recall.num_outputs == 6
    assert all(TASKS[name].per_step for name in ("copy", "repeat-copy", "associative-recall"))
    assert make_task("copy", max_length=5).config() == {"num_bits": 8, "min_length": 1, "max_length": 5}


@pytest.mark.parametrize("task", [Copy(), RepeatCopy(), AssociativeRecall()], ids=lambda t: type(t).__name__)
def test_seeding_and_held_out_sets(task):
    a = task.sample(8, np.random.default_rng(3))
    b = task.sample(8, np.random.default_rng(3))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1].targets, b[1].targets)
    t1, t2 = task.test_set(50), task.test_set(50)
    np.testing.assert_array_equal(t1[0], t2[0])
    assert not np.array_equal(task.test_set(50, seed=1)[0][:, :5], t1[0][:, :5])
    train = task.sample(50, np.random.default_rng(12345))
    assert train[0].shape != t1[0].shape or not np.array_equal(train[0], t1[0])


def test_sizes_beyond_training():
    x, labels = Copy(max_length=20).test_set(4, length=120)
    assert x.shape == (4, 241, 9) and np.all(labels.answer_lengths() == 120)
    x, labels, d = RepeatCopy().test_set(3, length=4, repeats=15, return_details=True)
    np.testing.assert_allclose(x[:, 4, 9], 1.5)          # 15 copies on the scale of 10
    assert np.all(labels.answer_lengths() == 61)
    x, labels, d = AssociativeRecall().test_set(3, num_items=12, return_details=True)
    assert np.all(d["num_items"] == 12) and x.shape[1] == 12 * 4 + 8
    lengths = Copy(min_length=3, max_length=5).sample(500, np.random.default_rng(0), return_details=True)[2]["lengths"]
    assert set(lengths) == {3, 4, 5}


def test_sequence_targets_slice_like_an_array(rng):
    x, labels = Copy(max_length=4).sample(10, rng)
    part = labels[2:5]
    assert isinstance(part, SequenceTargets) and len(part) == 3 and len(labels) == 10
    np.testing.assert_array_equal(part.mask, labels.mask[2:5])
    assert len(labels[-1]) == 1 and "answer steps" in repr(labels)


def test_errors():
    with pytest.raises(ValueError, match="min_length must be <= max_length, got 5 > 3"):
        Copy(min_length=5, max_length=3)
    with pytest.raises(ValueError, match="num_bits must be a positive integer"):
        Copy(num_bits=0)
    with pytest.raises(ValueError, match="min_items must be an integer >= 2"):
        AssociativeRecall(min_items=1)
    with pytest.raises(ValueError, match="do not exist"):
        AssociativeRecall(num_bits=1, item_length=1, max_items=3)
    with pytest.raises(ValueError, match="repeat_scale must be a number > 0"):
        RepeatCopy(repeat_scale=0)
    with pytest.raises(ValueError, match=r"lengths must lie in \[1, 3\]"):
        Copy(num_bits=2).encode(np.zeros((2, 3, 2)), np.array([1, 4]))
    with pytest.raises(ValueError, match="sequences must have last axis of size 2"):
        Copy(num_bits=2).encode(np.zeros((2, 3, 3)), np.array([1, 2]))
    with pytest.raises(ValueError, match="query must be"):
        AssociativeRecall(2, 1, max_items=3).encode(np.zeros((1, 3, 1, 2)), np.array([3]), np.array([2]))
    with pytest.raises(ValueError, match="length must be a positive integer or None"):
        Copy().sample(2, np.random.default_rng(0), length=0)
    with pytest.raises(ValueError, match="task must be one of"):
        make_task("reverse")
