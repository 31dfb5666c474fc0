"""Associative recall, the NTM paper's third task (Graves, Wayne & Danihelka
2014, section 4.3): see a list of items, then one of them again; answer the
item that came after it.
"""

import numpy as np

from ..nn.checks import check_array, check_positive_int
from .sequences import SequenceTargets, check_range, draw_sizes, held_out_generator, random_bits


class AssociativeRecall:
    """Items of `item_length` random `num_bits`-bit vectors; between
    min_items and max_items of them (the paper: 3 vectors of 6 bits, 2-6 items).

    With K items of m vectors a sequence takes K(m + 1) + 2m + 2 steps:
    each item is fed as an item delimiter (channel num_bits) followed by its
    m vectors; then the query, one of the first K - 1 items again, between
    two query delimiters (channel num_bits + 1); then, on m steps of zero
    input, the model must output the item that followed the query in the
    list. Only those m steps are scored. The items of a sequence are all
    different, so the answer is never ambiguous.

    Generalisation: `test_set(num_items=12)` asks about longer lists than
    the training ones.
    """

    per_step = True
    size_argument = "num_items"

    def __init__(self, num_bits=6, item_length=3, min_items=2, max_items=6):
        self.num_bits = check_positive_int("num_bits", num_bits)
        self.item_length = check_positive_int("item_length", item_length)
        self.min_items, self.max_items = check_range("min_items", min_items, "max_items", max_items, smallest=2)
        self._check_distinct_possible(self.max_items)
        self.input_size = self.num_bits + 2
        self.num_outputs = self.num_bits

    def _check_distinct_possible(self, num_items):
        if 2 ** (self.num_bits * self.item_length) < num_items:
            raise ValueError(f"{num_items} different items of {self.item_length} x {self.num_bits} bits "
                             f"do not exist: make items larger or lists shorter")

    def config(self):
        return dict(num_bits=self.num_bits, item_length=self.item_length, min_items=self.min_items,
                    max_items=self.max_items)

    def _distinct_items(self, rng, num_items):
        """[B, K_max, m, bits] random items, every sequence's own K all different."""
        B, K = len(num_items), int(num_items.max())
        items = random_bits(rng, (B, K, self.item_length, self.num_bits))
        while True:
            flat = items.reshape(B, K, -1)
            same = np.all(flat[:, :, None] == flat[:, None, :], axis=-1)           # [B, K, K]
            counted = np.arange(K)[None] < num_items[:, None]
            same &= counted[:, :, None] & counted[:, None, :]
            same &= ~np.eye(K, dtype=bool)
            redo = np.flatnonzero(same.any(axis=(1, 2)))
            if redo.size == 0:
                return items
            items[redo] = random_bits(rng, (redo.size, K, self.item_length, self.num_bits))

    def sample(self, batch_size, rng, num_items=None, return_details=False):
        """A batch: x [B, T, num_bits + 2] and SequenceTargets (targets [B, T,
        num_bits], mask [B, T]), padded to the longest. num_items: fix the
        number of items (default: drawn from the task's range). With
        return_details also num_items [B], items [B, K, m, bits], query [B]."""
        counts = draw_sizes(rng, batch_size, self.min_items, self.max_items, num_items, name="num_items")
        if counts.min() < 2:
            raise ValueError(f"num_items must be >= 2 (a query needs an item after it), got {num_items}")
        self._check_distinct_possible(int(counts.max()))
        items = self._distinct_items(rng, counts)
        query = rng.integers(0, counts - 1)                 # any item but the last
        return self.encode(items, counts, query, return_details)

    def encode(self, items, num_items, query, return_details=False):
        """The inputs and targets of given items [B, K, m, bits], numbers of
        items [B] and queried item indices [B] (each < its num_items - 1)."""
        m, bits = self.item_length, self.num_bits
        items = check_array("items", items, ndim=4, finite=True)
        if items.shape[2:] != (m, bits):
            raise ValueError(f"items must be [B, K, {m}, {bits}] for this task, got shape {list(items.shape)}")
        B, K = items.shape[:2]
        num_items, query = np.asarray(num_items), np.asarray(query)
        if num_items.shape != (B,) or num_items.min() < 2 or num_items.max() > K:
            raise ValueError(f"num_items must be [B] = [{B}] integers in [2, {K}], got {num_items.tolist()}")
        if query.shape != (B,) or np.any(query < 0) or np.any(query >= num_items - 1):
            raise ValueError(f"query must be [B] = [{B}] indices below num_items - 1, got {query.tolist()}")
        block = m + 1
        starts = num_items * block                          # where the query's delimiter goes
        T = int(starts.max()) + 2 * m + 2
        x = np.zeros((B, T, bits + 2))
        rows = np.arange(B)
        for i in range(K):                                  # a loop over item positions, not over the batch
            here = rows[i < num_items]
            x[here, i * block, bits] = 1.0
            x[here, i * block + 1:i * block + 1 + m, :bits] = items[here, i]
        steps = np.arange(m)
        x[rows, starts, bits + 1] = 1.0
        x[rows[:, None], starts[:, None] + 1 + steps, :bits] = items[rows, query]
        x[rows, starts + m + 1, bits + 1] = 1.0
        targets, mask = np.zeros((B, T, bits)), np.zeros((B, T))
        answer = starts[:, None] + m + 2 + steps            # [B, m]
        targets[rows[:, None], answer] = items[rows, query + 1]
        mask[rows[:, None], answer] = 1.0
        labels = SequenceTargets(targets, mask)
        if return_details:
            return x, labels, dict(num_items=num_items, items=items, query=query)
        return x, labels

    def test_set(self, size=500, seed=12345, num_items=None, return_details=False):
        """A fixed held-out set: the same `size` sequences for the same seed
        (and num_items), from a generator of its own."""
        return self.sample(size, held_out_generator(seed, 3, num_items or 0), num_items, return_details)
