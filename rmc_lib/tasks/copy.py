"""The copy and repeat-copy tasks of the Neural Turing Machine paper (Graves,
Wayne & Danihelka 2014, sections 4.1 and 4.2): see a sequence of random bit
vectors, then write it back (once, or as many times as asked).
"""

import numpy as np

from ..nn.checks import check_positive_int
from .sequences import (SequenceTargets, check_range, check_repeats, check_sequences_and_lengths, draw_sizes,
                        held_out_generator, random_bits, sample_repeat_copy)


class Copy:
    """Copy: read a sequence of random `num_bits`-bit vectors, then output it.

    A sequence of length L takes 2L + 1 steps. Steps 0..L-1 feed the vectors
    (channels 0..num_bits-1); step L feeds the delimiter (channel num_bits,
    a 1, nothing else); steps L+1..2L feed zeros, and there the model must
    output the vectors in order. Only those L answer steps are scored (the
    mask). Lengths are drawn uniformly from min_length..max_length; batches
    are padded to their longest sequence.

    The measure is the NTM paper's: wrong bits per sequence on held-out
    sequences (`SequenceTagger.bit_errors`). Generalisation: a model trained
    on lengths 1-20 is tested on `test_set(length=30)`, 60, 120, ...
    """

    per_step = True
    size_argument = "length"     # what test_set can fix, to test beyond the training lengths

    def __init__(self, num_bits=8, min_length=1, max_length=20):
        self.num_bits = check_positive_int("num_bits", num_bits)
        self.min_length, self.max_length = check_range("min_length", min_length, "max_length", max_length)
        self.input_size = self.num_bits + 1
        self.num_outputs = self.num_bits

    def config(self):
        return dict(num_bits=self.num_bits, min_length=self.min_length, max_length=self.max_length)

    def sample(self, batch_size, rng, length=None, return_details=False):
        """A batch: x [B, T, num_bits + 1] and SequenceTargets (targets [B, T,
        num_bits], mask [B, T]), T = 2 * (longest length) + 1. length: every
        sequence this long (default: drawn from the task's range). With
        return_details also a dict of lengths [B] and sequences [B, L, num_bits]."""
        lengths = draw_sizes(rng, batch_size, self.min_length, self.max_length, length)
        sequences = random_bits(rng, (batch_size, int(lengths.max()), self.num_bits))
        return self.encode(sequences, lengths, return_details)

    def encode(self, sequences, lengths, return_details=False):
        """The inputs and targets of given sequences [B, L, num_bits] (0/1)
        of the given lengths [B] (entries past a sequence's length are ignored)."""
        sequences, lengths = check_sequences_and_lengths(sequences, lengths, self.num_bits)
        B, L, bits = sequences.shape[0], int(lengths.max()), self.num_bits
        sequences = sequences[:, :L]
        T = 2 * L + 1
        valid = np.arange(L)[None] < lengths[:, None]                     # [B, L]
        x = np.zeros((B, T, bits + 1))
        x[:, :L, :bits] = sequences * valid[..., None]
        x[np.arange(B), lengths, bits] = 1.0                               # the delimiter
        b, j = np.nonzero(valid)
        t = lengths[b] + 1 + j                                             # answer step of vector j
        targets, mask = np.zeros((B, T, bits)), np.zeros((B, T))
        targets[b, t] = sequences[b, j]
        mask[b, t] = 1.0
        labels = SequenceTargets(targets, mask)
        if return_details:
            return x, labels, dict(lengths=lengths, sequences=sequences * valid[..., None])
        return x, labels

    def test_set(self, size=500, seed=12345, length=None, return_details=False):
        """A fixed held-out set: the same `size` sequences for the same seed
        (and length), from a generator of its own (never the training stream)."""
        return self.sample(size, held_out_generator(seed, 1, length or 0), length, return_details)


class RepeatCopy:
    """Repeat copy: read a sequence, then output it n times, then an end marker.

    A sequence of length L asked for n copies takes L + 1 + nL + 1 steps.
    Steps 0..L-1 feed the vectors; step L feeds the delimiter (channel
    num_bits) and, on its own channel (num_bits + 1), the number of copies as
    n / repeat_scale (by default repeat_scale = max_repeats, so the training
    counts lie in (0, 1]; a test with more copies than in training feeds
    more than 1). Then the model must output the sequence n times (channels
    0..num_bits-1) and finally a 1 on the end-marker channel (output
    num_bits) with zero bits: nL + 1 scored steps, every output channel
    scored at each. NTM paper, section 4.2: lengths 1-10, 1-10 copies.
    """

    per_step = True
    size_argument = "length"

    def __init__(self, num_bits=8, min_length=1, max_length=10, min_repeats=1, max_repeats=10, repeat_scale=None):
        self.num_bits = check_positive_int("num_bits", num_bits)
        self.min_length, self.max_length = check_range("min_length", min_length, "max_length", max_length)
        self.min_repeats, self.max_repeats = check_range("min_repeats", min_repeats, "max_repeats", max_repeats)
        scale = self.max_repeats if repeat_scale is None else repeat_scale
        if not np.isscalar(scale) or not scale > 0:
            raise ValueError(f"repeat_scale must be a number > 0 (or None: max_repeats), got {repeat_scale!r}")
        self.repeat_scale = float(scale)
        self.input_size = self.num_bits + 2
        self.num_outputs = self.num_bits + 1

    def config(self):
        return dict(num_bits=self.num_bits, min_length=self.min_length, max_length=self.max_length,
                    min_repeats=self.min_repeats, max_repeats=self.max_repeats, repeat_scale=self.repeat_scale)

    def sample(self, batch_size, rng, length=None, repeats=None, return_details=False):
        """A batch: x [B, T, num_bits + 2] and SequenceTargets (targets [B, T,
        num_bits + 1], mask [B, T]), padded to the longest. length, repeats:
        fix them for every sequence (default: drawn from the task's ranges).
        With return_details also lengths [B], repeats [B], sequences [B, L, num_bits]."""
        return sample_repeat_copy(self, batch_size, rng, length, repeats, return_details)

    def encode(self, sequences, lengths, repeats, return_details=False):
        """The inputs and targets of given sequences [B, L, num_bits], lengths [B]
        and numbers of copies [B] (each >= 1)."""
        sequences, lengths = check_sequences_and_lengths(sequences, lengths, self.num_bits)
        repeats = check_repeats(repeats, lengths)
        B, bits = sequences.shape[0], self.num_bits
        answer = repeats * lengths                                          # copied steps per sequence
        T = int((lengths + answer).max()) + 2
        valid = np.arange(sequences.shape[1])[None] < lengths[:, None]
        x = np.zeros((B, T, bits + 2))
        x[:, :sequences.shape[1], :bits] = sequences * valid[..., None]
        rows = np.arange(B)
        x[rows, lengths, bits] = 1.0
        x[rows, lengths, bits + 1] = repeats / self.repeat_scale
        targets, mask = np.zeros((B, T, bits + 1)), np.zeros((B, T))
        b, j = np.nonzero(np.arange(int(answer.max()))[None] < answer[:, None])
        t = lengths[b] + 1 + j
        targets[b, t, :bits] = sequences[b, j % lengths[b]]                 # copy j reads vector j mod L
        mask[b, t] = 1.0
        end = lengths + answer + 1
        targets[rows, end, bits] = 1.0
        mask[rows, end] = 1.0
        labels = SequenceTargets(targets, mask)
        if return_details:
            return x, labels, dict(lengths=lengths, repeats=repeats, sequences=sequences * valid[..., None])
        return x, labels

    def test_set(self, size=500, seed=12345, length=None, repeats=None, return_details=False):
        """A fixed held-out set (its own generator; length and repeats as in sample)."""
        rng = held_out_generator(seed, 2, length or 0, repeats or 0)
        return self.sample(size, rng, length, repeats, return_details)
