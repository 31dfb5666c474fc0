"""deepmind/dnc's repeat copy: the layout against the picture in deepmind's
docstring and a small batch written out by hand, sampling, the fixed held-out
set, sizes as arguments, deepmind's cost and clear errors."""

import numpy as np
import pytest

from rmc_lib.nn.losses import masked_sigmoid_cross_entropy_forward
from rmc_lib.tasks import TASKS, DMRepeatCopy, RepeatCopy, make_task


def channels(rows):
    """deepmind's pictures draw one channel per row over time: ' ' is 0, a digit its value."""
    return np.array([[0.0 if c == " " else float(c) for c in row] for row in rows]).T


def test_the_layout_is_the_picture_in_deepminds_docstring():
    # dnc/repeat_copy.py, class RepeatCopy: a pattern of 7 two-bit vectors, 3 copies (the
    # count drawn unnormalised; the target's end-marker channel drawn first)
    observation = channels([" 1011001                       ",
                            " 0101010                       ",
                            "1                              ",      # start marker
                            "        3                      "])     # number of copies
    target = channels(["         101100110110011011001 ",
                       "         010101001010100101010 ",
                       "                              1"])         # end marker
    mask = np.array([float(c) for c in "0000000001111111111111111111111"])
    task = DMRepeatCopy(num_bits=2, max_length=7, max_repeats=3, norm_max=10)
    pattern = observation[1:8, :2][None]
    x, labels = task.encode(pattern, np.array([7]), np.array([3]))
    assert x.shape == (1, 7 * 4 + 3, 4)
    observation[:, 3] /= 10                                                 # fed as 3 / norm_max
    np.testing.assert_array_equal(x[0], observation)
    np.testing.assert_array_equal(labels.targets[0], target)
    np.testing.assert_array_equal(labels.mask[0], mask)


def test_a_small_batch_written_out_by_hand():
    task = DMRepeatCopy(num_bits=2, norm_max=5)
    patterns = np.array([[[1, 0], [0, 1]], [[1, 1], [9, 9]]])            # the 9s lie past length 1
    x, labels = task.encode(patterns, np.array([2, 1]), np.array([2, 1]))
    x_expected = np.zeros((2, 9, 4))
    x_expected[0, :4] = [[0, 0, 1, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0.4]]
    x_expected[1, :3] = [[0, 0, 1, 0], [1, 1, 0, 0], [0, 0, 0, 0.2]]     # then zeros: padding
    y_expected = np.zeros((2, 9, 3))
    y_expected[0, 4:] = [[1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]
    y_expected[1, 3:5] = [[1, 1, 0], [0, 0, 1]]
    m_expected = np.array([[0, 0, 0, 0, 1, 1, 1, 1, 1], [0, 0, 0, 1, 1, 0, 0, 0, 0]])
    np.testing.assert_array_equal(x, x_expected)
    np.testing.assert_array_equal(labels.targets, y_expected)
    np.testing.assert_array_equal(labels.mask, m_expected)


def test_sample_is_encode_of_its_draws(rng):
    task = DMRepeatCopy(num_bits=3, min_length=2, max_length=5, min_repeats=1, max_repeats=4, norm_max=8)
    x, labels, d = task.sample(40, rng, return_details=True)
    lengths, repeats = d["lengths"], d["repeats"]
    assert x.shape == (40, int((lengths * (repeats + 1)).max()) + 3, 5) and labels.shape == (40, x.shape[1], 4)
    assert set(lengths) <= {2, 3, 4, 5} and set(repeats) <= {1, 2, 3, 4} and len(set(lengths)) > 1
    again_x, again_labels = task.encode(d["sequences"], lengths, repeats)
    np.testing.assert_array_equal(again_x, x)
    np.testing.assert_array_equal(again_labels.targets, labels.targets)
    np.testing.assert_array_equal(labels.answer_lengths(), lengths * repeats + 1)
    np.testing.assert_array_equal(x[np.arange(40), lengths + 1, 4], repeats / 8)
    assert np.all(x[:, 0, 3] == 1) and set(np.unique(x[..., :4])) <= {0.0, 1.0}


def test_the_defaults_are_deepminds_train_py():
    task = TASKS["dm-repeat-copy"]()
    assert task.config() == dict(num_bits=4, min_length=1, max_length=2, min_repeats=1, max_repeats=2,
                                 norm_max=10.0, log_prob_in_bits=False, time_average_cost=False)
    assert (task.input_size, task.num_outputs, task.per_step, task.size_argument) == (6, 5, True, "length")
    again = make_task("dm-repeat-copy", **task.config())
    assert isinstance(again, DMRepeatCopy) and again.config() == task.config()


def test_sizes_are_arguments():
    task = make_task("dm-repeat-copy", num_bits=7, min_length=3, max_length=3, min_repeats=4, max_repeats=4,
                     norm_max=2)
    x, labels = task.sample(3, np.random.default_rng(0))
    assert x.shape == (3, 3 * 5 + 3, 9) and labels.shape == (3, 18, 8)
    np.testing.assert_array_equal(x[:, 4, 8], 2.0)                        # 4 copies / norm_max 2


def test_the_held_out_set_is_fixed_and_apart_from_training():
    task = DMRepeatCopy(max_length=5, max_repeats=3)
    (x1, l1), (x2, l2) = task.test_set(50), task.test_set(50)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(l1.targets, l2.targets)
    assert not np.array_equal(task.test_set(50, seed=1)[0][:, :4], x1[:, :4])
    train = task.sample(50, np.random.default_rng(12345))[0]
    assert train.shape != x1.shape or not np.array_equal(train, x1)
    x, labels, d = task.test_set(4, length=6, repeats=12, return_details=True)     # beyond training
    assert np.all(d["lengths"] == 6) and np.all(d["repeats"] == 12) and x.shape == (4, 6 * 13 + 3, 6)
    np.testing.assert_allclose(x[:, 7, 5], 1.2)
    np.testing.assert_array_equal(task.test_set(4, length=6, repeats=12)[0], x)


def test_cost_is_deepminds_and_a_batch_dependent_multiple_of_the_taggers_loss(rng):
    task = DMRepeatCopy(num_bits=3, max_length=4, max_repeats=3)
    x, labels = task.sample(6, rng)
    logits = rng.normal(size=labels.shape) * 2
    y, mask = labels.targets, labels.mask
    xent = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))   # TF's, per bit
    per_step = xent.sum(axis=2) * mask                                    # [B, T]
    assert task.cost(logits, labels) == pytest.approx(per_step.sum() / 6, rel=1e-12)
    averaged = DMRepeatCopy(num_bits=3, max_length=4, max_repeats=3, time_average_cost=True)
    expected = np.sum(per_step.sum(1) / (mask.sum(1) + np.finfo(np.float32).eps)) / 6
    assert averaged.cost(logits, (y, mask)) == pytest.approx(expected, rel=1e-12)
    in_bits = DMRepeatCopy(num_bits=3, max_length=4, max_repeats=3, log_prob_in_bits=True)
    assert in_bits.cost(logits, labels) == pytest.approx(per_step.sum() / 6 / np.log(2), rel=1e-12)
    # SequenceTagger's loss, the mean per scored bit, times scored bits per sequence
    mean, _ = masked_sigmoid_cross_entropy_forward(logits, y, mask)
    assert task.cost(logits, labels) == pytest.approx(mean * mask.sum() * 4 / 6, rel=1e-12)


def test_it_is_not_rmc_libs_repeat_copy():
    ours, theirs = RepeatCopy(num_bits=2, max_length=3, max_repeats=2), DMRepeatCopy(num_bits=2, max_length=3)
    patterns = np.array([[[1, 0], [0, 1], [1, 1]]])
    x_ntm, l_ntm = ours.encode(patterns, np.array([3]), np.array([2]))
    x_dm, l_dm = theirs.encode(patterns, np.array([3]), np.array([2]))
    assert x_dm.shape[1] == x_ntm.shape[1] + 1                           # the start marker's step
    np.testing.assert_array_equal(x_dm[0, 1:4, :2], x_ntm[0, :3, :2])   # the pattern one step later
    np.testing.assert_array_equal(l_dm.targets[0, 1:], l_ntm.targets[0])  # the same answer, one step later
    assert x_ntm[0, 3, 3] == 1.0 and x_dm[0, 4, 3] == 0.2               # 2 / max_repeats, 2 / norm_max


def test_errors():
    with pytest.raises(ValueError, match="num_bits must be a positive integer"):
        DMRepeatCopy(num_bits=0)
    with pytest.raises(ValueError, match="min_length must be <= max_length, got 3 > 2"):
        DMRepeatCopy(min_length=3)
    with pytest.raises(ValueError, match="min_repeats must be an integer >= 1"):
        DMRepeatCopy(min_repeats=0)
    for bad in (0, -1.0, "10", True, None):
        with pytest.raises(ValueError, match="norm_max must be a number > 0"):
            DMRepeatCopy(norm_max=bad)
    with pytest.raises(ValueError, match="time_average_cost must be True or False, got 'yes'"):
        DMRepeatCopy(time_average_cost="yes")
    with pytest.raises(ValueError, match="repeats must be \\[B\\] = \\[2\\] integers >= 1"):
        DMRepeatCopy(num_bits=2).encode(np.zeros((2, 3, 2)), np.array([1, 2]), np.array([1, 0]))
    with pytest.raises(ValueError, match="sequences must have last axis of size 2"):
        DMRepeatCopy(num_bits=2).encode(np.zeros((2, 3, 3)), np.array([1, 2]), np.array([1, 1]))
    with pytest.raises(ValueError, match="repeats must be a positive integer or None"):
        DMRepeatCopy().sample(2, np.random.default_rng(0), repeats=0)
