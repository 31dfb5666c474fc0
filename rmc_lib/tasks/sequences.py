"""What the algorithmic tasks share: targets with a mask of answer steps, how
a batch of sequences of different lengths is padded, the checks of the
sizes and the given sequences an `encode` takes, and the sampling the two
repeat-copy tasks share.

Every sequence of a batch is padded at its end to the longest one: its input
is zero and its mask 0 after its own last step. A recurrent model reads left
to right, so padding after a sequence cannot change its answers.
"""

import numpy as np

from ..nn.checks import check_array


class SequenceTargets:
    """The answers of a batch of sequence tasks.

    targets: [B, T, O], the bits the model should output at every step (0
    where nothing is asked); mask: [B, T], 1 on the answer steps, 0 on input
    steps and padding. Slicing (`labels[10:20]`) and len() act on the batch,
    like an array of labels, so the training loop can batch it.
    """

    def __init__(self, targets, mask):
        targets, mask = np.asarray(targets), np.asarray(mask)
        if targets.ndim != 3 or mask.shape != targets.shape[:2]:
            raise ValueError(f"targets must be [B, T, O] and mask [B, T], got shapes {list(targets.shape)} "
                             f"and {list(mask.shape)}")
        self.targets, self.mask = targets, mask

    def __len__(self):
        return self.targets.shape[0]

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)):
            index = slice(index, index + 1 if index != -1 else None)
        return type(self)(self.targets[index], self.mask[index])      # a subclass slices to its own kind

    @property
    def shape(self):
        return self.targets.shape

    def answer_lengths(self):
        """The number of answer steps of each sequence, [B]."""
        return self.mask.sum(axis=1).astype(int)

    def __repr__(self):
        return f"SequenceTargets(targets {list(self.targets.shape)}, {int(self.mask.sum())} answer steps)"


def check_range(name_min, low, name_max, high, smallest=1):
    """Both integers, smallest <= low <= high; returns (low, high) as ints."""
    for name, value in ((name_min, low), (name_max, high)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < smallest:
            raise ValueError(f"{name} must be an integer >= {smallest}, got {value!r}")
    if low > high:
        raise ValueError(f"{name_min} must be <= {name_max}, got {low} > {high}")
    return int(low), int(high)


def check_sequences_and_lengths(sequences, lengths, num_bits):
    """Given bit sequences [B, L, num_bits] and their lengths [B] (integers in
    1..L), checked; returns both as arrays."""
    sequences = check_array("sequences", sequences, ndim=3, last_dim=num_bits, finite=True)
    lengths = np.asarray(lengths)
    if lengths.shape != (sequences.shape[0],) or not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(f"lengths must be [B] = [{sequences.shape[0]}] integers, got {lengths.tolist()}")
    if lengths.min() < 1 or lengths.max() > sequences.shape[1]:
        raise ValueError(f"lengths must lie in [1, {sequences.shape[1]}] (the sequences' second axis), "
                         f"got values from {lengths.min()} to {lengths.max()}")
    return sequences, lengths


def check_repeats(repeats, lengths):
    """Numbers of copies [B], one per sequence, each an integer >= 1."""
    repeats = np.asarray(repeats)
    if repeats.shape != lengths.shape or not np.issubdtype(repeats.dtype, np.integer) or repeats.min() < 1:
        raise ValueError(f"repeats must be [B] = [{len(lengths)}] integers >= 1, got {repeats.tolist()}")
    return repeats


def draw_sizes(rng, batch_size, low, high, fixed=None, name="length"):
    """[B] sizes drawn uniformly from low..high, or all `fixed` if given."""
    if fixed is not None:
        if isinstance(fixed, bool) or not isinstance(fixed, (int, np.integer)) or fixed < 1:
            raise ValueError(f"{name} must be a positive integer or None, got {fixed!r}")
        return np.full(batch_size, int(fixed))
    return rng.integers(low, high + 1, size=batch_size)


def random_bits(rng, shape):
    """Random 0/1 values (each 1 with probability 1/2), as float64."""
    return rng.integers(0, 2, size=shape).astype(np.float64)


def sample_repeat_copy(task, batch_size, rng, length=None, repeats=None, return_details=False):
    """A batch of a repeat-copy task (RepeatCopy, DMRepeatCopy): lengths [B]
    and numbers of copies [B] from the task's ranges (or all `length`,
    `repeats` if given), random patterns [B, L, num_bits] of the longest
    length, laid out by the task's own `encode`. The order of the draws
    (lengths, copies, bits) fixes the batch a seed gives: another order
    would change every recorded run."""
    lengths = draw_sizes(rng, batch_size, task.min_length, task.max_length, length)
    counts = draw_sizes(rng, batch_size, task.min_repeats, task.max_repeats, repeats, name="repeats")
    sequences = random_bits(rng, (batch_size, int(lengths.max()), task.num_bits))
    return task.encode(sequences, lengths, counts, return_details)


def held_out_generator(seed, *salt):
    """The generator of a task's held-out set: its own stream, never the
    training one (salt, a few integers, tells tasks and fixed sizes apart)."""
    return np.random.default_rng([seed, 999, *salt])
