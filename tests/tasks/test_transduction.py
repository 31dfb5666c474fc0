"""Copy, reversal and bigram flipping of symbol strings, and parity: the
encoding step by step, the targets, the lengths, seeds and errors."""

import numpy as np
import pytest

from rmc_lib.tasks.transduction import Parity, Transduction, transform


def test_transforms():
    assert transform("copy", [1, 2, 3]) == [1, 2, 3]
    assert transform("reversal", [1, 2, 3]) == [3, 2, 1]
    assert transform("bigram-flip", [1, 2, 3, 4]) == [2, 1, 4, 3]
    with pytest.raises(ValueError, match="kind must be one of"):
        transform("sort", [1])


@pytest.mark.parametrize("kind", ["copy", "reversal", "bigram-flip"])
def test_encoding(kind):
    task = Transduction(kind, num_symbols=5)
    x, labels = task.encode([[0, 1, 2, 3], [4, 4]])
    targets, mask = labels.targets, labels.mask
    assert x.shape == (2, 9, 6) and targets.shape == mask.shape == (2, 9)
    np.testing.assert_array_equal(x[0, :4].argmax(1), [0, 1, 2, 3])
    assert x[0, 4, 5] == 1 and x[0, 5:].sum() == 0               # the separator, then nothing
    np.testing.assert_array_equal(mask[0], [0, 0, 0, 0, 0, 1, 1, 1, 1])
    np.testing.assert_array_equal(targets[0, 5:], transform(kind, [0, 1, 2, 3]))
    np.testing.assert_array_equal(mask[1], [0, 0, 0, 1, 1, 0, 0, 0, 0])   # the short one, padded
    with pytest.raises(ValueError, match="symbols must lie in 0..4"):
        task.encode([[5]])


def test_lengths_seeds_and_a_test_beyond_training():
    task = Transduction("bigram-flip", num_symbols=8, min_length=8, max_length=64)
    x, labels = task.sample(200, np.random.default_rng(0))
    lengths = labels.mask.sum(1)
    assert lengths.min() >= 8 and lengths.max() <= 64 and np.all(lengths % 2 == 0)
    (xa, la), (xb, lb) = task.test_set(5, seed=1), task.test_set(5, seed=1)
    np.testing.assert_array_equal(xa, xb)
    np.testing.assert_array_equal(la.targets, lb.targets)
    assert len(la[1:3]) == 2 and la[1:3].mask.shape == (2, xa.shape[1])
    longer = task.test_set(50, seed=2, min_length=65, max_length=128)[1].mask.sum(1)
    assert longer.min() >= 65 and longer.max() <= 128
    with pytest.raises(ValueError, match="max_length must be at least"):
        Transduction(min_length=9, max_length=8)


def test_parity():
    task = Parity(16)
    x, labels = task.sample(500, np.random.default_rng(0))
    assert x.shape == (500, 1, 16)
    x = x[:, 0]
    nonzero = (x != 0).sum(1)
    assert nonzero.min() >= 1 and nonzero.max() <= 16 and len(np.unique(nonzero)) > 10
    assert set(np.unique(x)) <= {-1.0, 0.0, 1.0}
    np.testing.assert_array_equal(labels, (x == 1).sum(1) % 2)
    assert 0.4 < labels.mean() < 0.6
