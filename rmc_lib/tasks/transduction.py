"""The transduction tasks of Grefenstette et al. 2015 (copy, reversal, bigram
flipping of symbol strings) and the parity task of Graves 2016 (ACT), seeded,
with fixed held-out sets.

Transduction: a string of symbols is read, then written back transformed.

    input   a_1 ... a_L  <sep>  0 ... 0          one-hot symbols, then a separator step
    target  -   ...  -     -    b_1 ... b_L      b = a (copy), reversed (reversal), or with each
                                                 pair swapped (bigram flip: a2 a1 a4 a3 ...)

The target is a symbol index at every answer step (mask 1), so a model is
trained with a softmax over the symbols at each answer step. The paper trains
on lengths 8-64 and tests on 65-128 (an LSTM alone fails beyond its training
lengths; a stack or queue need not). Parity: a vector of `size` numbers, a
random count (1 to size) of them set to +1 or -1 and the rest 0; the label is
the parity of the number of +1s.
"""

import numpy as np

from ..nn.checks import check_generator, check_positive_int
from .sequences import SequenceTargets

KINDS = ("copy", "reversal", "bigram-flip")


class SymbolTargets(SequenceTargets):
    """The answers of a batch of transduction strings: targets [B, T] symbol
    indices (0 where nothing is asked) and mask [B, T] (1 on the answer
    steps). Slicing and len() act on the batch, as SequenceTargets'."""

    def __init__(self, targets, mask):
        targets, mask = np.asarray(targets), np.asarray(mask)
        if targets.ndim != 2 or mask.shape != targets.shape:
            raise ValueError(f"targets and mask must both be [B, T], got shapes {list(targets.shape)} "
                             f"and {list(mask.shape)}")
        self.targets, self.mask = targets, mask


def transform(kind, string):
    """The target of a source string (a list or array of symbols)."""
    string = list(string)
    if kind == "copy":
        return string
    if kind == "reversal":
        return string[::-1]
    if kind == "bigram-flip":
        pairs = [string[i:i + 2][::-1] for i in range(0, len(string), 2)]
        return [s for pair in pairs for s in pair]
    raise ValueError(f"kind must be one of {list(KINDS)}, got {kind!r}")


class Transduction:
    """Copy, reversal or bigram flipping of strings of `num_symbols` symbols,
    lengths min_length..max_length (bigram flip: even lengths only).

    sample(batch_size, rng) -> (x [B, T, num_symbols + 1], SymbolTargets:
    targets [B, T] symbol indices and mask [B, T]); T = 2 L + 1 for the longest
    string L of the batch, shorter ones padded at the end with mask 0.
    """

    def __init__(self, kind="reversal", num_symbols=32, min_length=8, max_length=64):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {list(KINDS)}, got {kind!r}")
        self.kind = kind
        self.num_symbols = check_positive_int("num_symbols", num_symbols)
        self.min_length = check_positive_int("min_length", min_length)
        self.max_length = check_positive_int("max_length", max_length)
        if self.max_length < self.min_length:
            raise ValueError(f"max_length must be at least min_length={min_length}, got {max_length}")
        if kind == "bigram-flip" and self.min_length == self.max_length and self.min_length % 2:
            raise ValueError(f"bigram flipping needs even lengths, but {min_length}..{max_length} has none")

    @property
    def input_size(self):
        return self.num_symbols + 1           # the symbols' one-hot, and the separator

    def config(self):
        """The sizes that rebuild this task (its kind is in its name: make_task('reversal', ...))."""
        return {"num_symbols": self.num_symbols, "min_length": self.min_length, "max_length": self.max_length}

    def _lengths(self, batch_size, rng, min_length, max_length):
        lengths = rng.integers(min_length, max_length + 1, size=batch_size)
        if self.kind == "bigram-flip":       # an odd length would leave a last symbol without its pair
            lengths = np.where(lengths % 2, np.where(lengths < max_length, lengths + 1, lengths - 1), lengths)
        return lengths

    def encode(self, strings):
        """A batch from given strings (lists of symbol indices): (x, SymbolTargets)."""
        longest = max(len(s) for s in strings)
        B, T, S = len(strings), 2 * longest + 1, self.num_symbols
        x = np.zeros((B, T, S + 1))
        targets = np.zeros((B, T), dtype=np.int64)
        mask = np.zeros((B, T))
        for b, string in enumerate(strings):
            string = np.asarray(string, dtype=np.int64)
            if string.size and (string.min() < 0 or string.max() >= S):
                raise ValueError(f"symbols must lie in 0..{S - 1}, got {string.min()}..{string.max()}")
            L = len(string)
            x[b, np.arange(L), string] = 1.0
            x[b, L, S] = 1.0                                    # the separator
            targets[b, L + 1:2 * L + 1] = transform(self.kind, string)
            mask[b, L + 1:2 * L + 1] = 1.0
        return x, SymbolTargets(targets, mask)

    def sample(self, batch_size, rng, min_length=None, max_length=None):
        """A batch of random strings; lengths from min_length..max_length
        (default: the task's; pass others for a test beyond the training lengths)."""
        batch_size = check_positive_int("batch_size", batch_size)
        check_generator(rng)
        lo = self.min_length if min_length is None else check_positive_int("min_length", min_length)
        hi = self.max_length if max_length is None else check_positive_int("max_length", max_length)
        lengths = self._lengths(batch_size, rng, lo, hi)
        return self.encode([rng.integers(self.num_symbols, size=L) for L in lengths])

    size_argument = "length"      # what `evaluate --lengths` varies

    def test_set(self, size, seed, min_length=None, max_length=None, length=None):
        """A fixed held-out set, drawn from its own generator; length: every
        string of that one length (a test beyond the training lengths)."""
        if length is not None:
            min_length = max_length = length
        return self.sample(size, np.random.default_rng(seed), min_length, max_length)


class Parity:
    """Parity of `size`-number vectors with a random count of +1 and -1 entries
    (Graves 2016, section 3.1, with 16 numbers instead of 64).

    sample(batch_size, rng) -> (x [B, 1, size], labels [B] in {0, 1}): one time
    step per example, so that a recurrent core (and ACT's pondering) reads it.
    """

    def __init__(self, size=16):
        self.size = check_positive_int("size", size)

    num_classes = 2

    @property
    def input_size(self):
        return self.size

    def config(self):
        return {"size": self.size}

    def sample(self, batch_size, rng):
        batch_size = check_positive_int("batch_size", batch_size)
        check_generator(rng)
        B, n = batch_size, self.size
        counts = rng.integers(1, n + 1, size=B)                  # how many entries are nonzero
        signs = rng.choice([-1.0, 1.0], size=(B, n))
        keep = np.argsort(rng.random((B, n)), axis=1) < counts[:, None]   # `count` random places
        x = np.where(keep, signs, 0.0)
        labels = (np.sum(x == 1.0, axis=1) % 2).astype(np.int64)
        return x[:, None, :], labels

    def test_set(self, size, seed):
        return self.sample(size, np.random.default_rng(seed))
