"""The repeat-copy task as DeepMind's DNC code defines it (github.com/deepmind/dnc,
dnc/repeat_copy.py, the task its train.py trains the DNC on): a start marker,
a random bit pattern, the number of copies; then the pattern that many times
and an end marker.

One sequence of L vectors of `num_bits` bits to be copied n times takes
L (n + 1) + 3 steps (S = num_bits):

    step              0        1 .. L       L + 1           L + 2 .. L + 1 + nL    L + 2 + nL
    input  [S + 2]    start    pattern      n / norm_max    zeros                  zeros
                      (ch. S)  (ch. 0..S-1) (ch. S + 1)
    target [S + 1]    zeros    zeros        zeros           pattern, n times       end marker (ch. S)
    mask              0        0            0               1                      1

so nL + 1 steps are scored, every output channel at each. A batch is padded
at its end to its longest sequence (input, target and mask zero). deepmind's
tensors are time-major [T, B, D]; these are batch-first [B, T, D], like every
rmc_lib task, and float64 (deepmind's float32).

How it differs from rmc_lib's RepeatCopy (the NTM paper's task,
rmc_lib.tasks.copy): there the pattern comes first, at steps 0..L-1, and one
step after it carries both the delimiter (channel S) and the count (channel
S + 1), so a sequence is one step shorter, L (n + 1) + 2; the answer and the
end marker are the same. And there the count is divided by repeat_scale (by
default max_repeats, so the training counts lie in (0, 1]); here by norm_max,
10 by default whatever the training range (with deepmind's 1-2 copies the
counts fed are 0.1 and 0.2).

The loss deepmind trains on (`cost`, its masked_sigmoid_cross_entropy): the
sigmoid cross-entropy summed over the bits and the scored steps of each
sequence, summed over the batch and divided by the batch size, in nats (or in
bits with log_prob_in_bits; time_average_cost divides each sequence's sum by
its number of scored steps first). rmc_lib's SequenceTagger trains on the mean
per scored bit instead, the same sum divided by (scored steps x (S + 1))
rather than by the batch size: within a batch the gradient has the same
direction, but the factor between the two changes from batch to batch with the
lengths and counts drawn (it is constant only if they are fixed). deepmind's
code measures no bit errors; its train.py shows round(mask * sigmoid(logits)),
and the bits where that differs from the target are what
SequenceTagger.bit_errors counts (a logit of exactly 0 answers 0 in both).
"""

import numpy as np

from ..nn.checks import check_positive_int
from ..nn.losses import masked_sigmoid_cross_entropy_forward
from .sequences import (SequenceTargets, check_range, check_repeats, check_sequences_and_lengths,
                        held_out_generator, sample_repeat_copy)

FLOAT32_EPS = float(np.finfo(np.float32).eps)   # what deepmind adds to a sequence's count of scored steps


class DMRepeatCopy:
    """deepmind/dnc's RepeatCopy, batch-first (the layout is the module's docstring).

    Arguments (deepmind's names):
      num_bits: bits per pattern vector.
      min_length, max_length: the pattern's length L, drawn uniformly.
      min_repeats, max_repeats: the number of copies n, drawn uniformly.
      norm_max: the count is fed as n / norm_max.
      log_prob_in_bits, time_average_cost: how `cost` reports the loss.

    The defaults are those deepmind's train.py trains with (num_bits 4,
    lengths 1-2, 1-2 copies; norm_max 10, the class's own); deepmind's class
    alone defaults to num_bits 6, lengths 1-1, 1-2 copies. deepmind's class
    checks none of its arguments; here lengths and counts start at 1 and
    bad values raise ValueError.
    """

    per_step = True
    size_argument = "length"     # what test_set can fix, to test beyond the training lengths

    def __init__(self, num_bits=4, min_length=1, max_length=2, min_repeats=1, max_repeats=2, norm_max=10,
                 log_prob_in_bits=False, time_average_cost=False):
        self.num_bits = check_positive_int("num_bits", num_bits)
        self.min_length, self.max_length = check_range("min_length", min_length, "max_length", max_length)
        self.min_repeats, self.max_repeats = check_range("min_repeats", min_repeats, "max_repeats", max_repeats)
        is_number = isinstance(norm_max, (int, float, np.integer, np.floating)) and not isinstance(norm_max, bool)
        if not (is_number and norm_max > 0):
            raise ValueError(f"norm_max must be a number > 0, got {norm_max!r}")
        self.norm_max = float(norm_max)
        for name, value in (("log_prob_in_bits", log_prob_in_bits), ("time_average_cost", time_average_cost)):
            if not isinstance(value, (bool, np.bool_)):
                raise ValueError(f"{name} must be True or False, got {value!r}")
        self.log_prob_in_bits, self.time_average_cost = bool(log_prob_in_bits), bool(time_average_cost)
        self.input_size = self.num_bits + 2          # the pattern, the start marker, the count
        self.num_outputs = self.num_bits + 1         # the pattern, the end marker (deepmind's target_size)

    def config(self):
        return dict(num_bits=self.num_bits, min_length=self.min_length, max_length=self.max_length,
                    min_repeats=self.min_repeats, max_repeats=self.max_repeats, norm_max=self.norm_max,
                    log_prob_in_bits=self.log_prob_in_bits, time_average_cost=self.time_average_cost)

    def sample(self, batch_size, rng, length=None, repeats=None, return_details=False):
        """A batch: x [B, T, num_bits + 2] and SequenceTargets (targets [B, T,
        num_bits + 1], mask [B, T]), T = max of L (n + 1) + 3. length, repeats:
        the same for every sequence (default: drawn from the task's ranges).
        With return_details also lengths [B], repeats [B], sequences [B, L, num_bits]."""
        return sample_repeat_copy(self, batch_size, rng, length, repeats, return_details)

    def encode(self, sequences, lengths, repeats, return_details=False):
        """The inputs and targets of given patterns [B, L, num_bits] (0/1) of
        the given lengths [B] to be copied repeats [B] times (entries past a
        pattern's length are ignored)."""
        sequences, lengths = check_sequences_and_lengths(sequences, lengths, self.num_bits)
        repeats = check_repeats(repeats, lengths)
        B, bits, rows = sequences.shape[0], self.num_bits, np.arange(sequences.shape[0])
        answer = repeats * lengths                                          # copied steps per sequence
        T = int((lengths + answer).max()) + 3
        valid = np.arange(sequences.shape[1])[None] < lengths[:, None]
        x = np.zeros((B, T, bits + 2))
        x[:, 0, bits] = 1.0                                                 # the start marker
        x[:, 1:1 + sequences.shape[1], :bits] = sequences * valid[..., None]
        x[rows, lengths + 1, bits + 1] = repeats / self.norm_max            # the count, after the pattern
        targets, mask = np.zeros((B, T, bits + 1)), np.zeros((B, T))
        b, j = np.nonzero(np.arange(int(answer.max()))[None] < answer[:, None])
        t = lengths[b] + 2 + j
        targets[b, t, :bits] = sequences[b, j % lengths[b]]                 # copy step j shows vector j mod L
        mask[b, t] = 1.0
        end = lengths + 2 + answer
        targets[rows, end, bits] = 1.0
        mask[rows, end] = 1.0
        labels = SequenceTargets(targets, mask)
        if return_details:
            return x, labels, dict(lengths=lengths, repeats=repeats, sequences=sequences * valid[..., None])
        return x, labels

    def test_set(self, size=500, seed=12345, length=None, repeats=None, return_details=False):
        """A fixed held-out set: the same `size` sequences for the same seed
        (length and repeats as in sample), from a generator of its own."""
        rng = held_out_generator(seed, 4, length or 0, repeats or 0)
        return self.sample(size, rng, length, repeats, return_details)

    def cost(self, logits, labels):
        """deepmind's training loss (masked_sigmoid_cross_entropy) of logits
        [B, T, num_bits + 1] for labels (SequenceTargets or a pair (targets,
        mask)): each sequence's
        cross-entropy summed over bits and scored steps (divided by its
        number of scored steps with time_average_cost), summed over the batch,
        divided by B; in nats, or in bits with log_prob_in_bits. A float."""
        targets, mask = (labels.targets, labels.mask) if hasattr(labels, "mask") else labels
        logits = np.asarray(logits)
        per_sequence = []
        for b in range(len(mask)):
            mean, _ = masked_sigmoid_cross_entropy_forward(logits[b:b + 1], targets[b:b + 1], mask[b:b + 1])
            scored = float(mask[b].sum())
            total = mean * scored * self.num_outputs                        # the mean per scored bit, summed
            if self.time_average_cost:
                total /= scored + FLOAT32_EPS                               # deepmind's guard against 0
            per_sequence.append(total)
        loss = sum(per_sequence) / len(mask)
        return loss / np.log(2.0) if self.log_prob_in_bits else loss
