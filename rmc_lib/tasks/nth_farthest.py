"""Tasks: seeded, vectorised data generators.

The Nth-farthest task (Santoro et al. 2018, appendix A.1): given a set of
vectors, which one is the n-th farthest from a reference vector m?
"""

import numpy as np

from ..nn.checks import check_array


def nth_farthest_index(vectors, reference, n):
    """Index of the n-th farthest vector from vectors[reference] (n = 1: the farthest).

    vectors: [num_objects, num_features] (or [B, num_objects, num_features]
    with reference and n of shape [B]). Distances are Euclidean. The
    reference itself is one of the candidates: it is at distance 0, so it is
    the num_objects-th farthest.
    """
    vectors = check_array("vectors", vectors, ndim=(2, 3), finite=True)
    batched = vectors.ndim == 3
    if not batched:
        vectors = vectors[None]
    B, num_objects, _ = vectors.shape
    reference = np.broadcast_to(np.asarray(reference), (B,))
    n = np.broadcast_to(np.asarray(n), (B,))
    if np.any((reference < 0) | (reference >= num_objects)):
        raise ValueError(f"reference must lie in [0, {num_objects}), got {reference}")
    if np.any((n < 1) | (n > num_objects)):
        raise ValueError(f"n must lie in [1, {num_objects}] (1 = the farthest), got {n}")
    ref_vectors = vectors[np.arange(B), reference]                # [B, F]
    distances = np.linalg.norm(vectors - ref_vectors[:, None], axis=-1)
    # stable sort, farthest first; ties (rare with continuous data) go to the lower index
    order = np.argsort(-distances, axis=1, kind="stable")
    result = order[np.arange(B), n - 1]
    return result if batched else int(result[0])


def one_hot(indices, size, dtype=np.float64):
    """[..., size] with a 1 at each index."""
    return np.eye(size, dtype=dtype)[indices]


class NthFarthest:
    """The Nth-farthest task (Santoro et al. 2018, appendix A.1).

    Each example is a sequence of `num_objects` vectors of `num_features`
    values drawn uniformly from [-1, 1]. The objects get ids, a random
    permutation of 0..num_objects-1. Step t feeds

        [vector_t ; one_hot(id_t) ; one_hot(n - 1) ; one_hot(m)]

    where n says which farthest to find (n = 1: the farthest) and m is the id
    of the reference object; n and m are the same at every step. The label is
    the id of the n-th farthest object from the reference (Euclidean
    distance; the reference itself, at distance 0, is the num_objects-th).

    n_choices: the values n may take (default: all of 1..num_objects, as in
    the paper). When only one value is allowed its one-hot is left out of the
    input, since it carries no information: `NthFarthest(4, 4, n_choices=(1,))`
    is the "farthest from the reference" task, 12 inputs per step.

    include_n: keep the one-hot of n in the input even when only one n is
    allowed (default: only when several are). A curriculum over n needs it:
    a model trained on n_choices=(1,) with include_n=True has the input size
    of the full task, so its parameters can start the next stage.
    """

    def __init__(self, num_objects=8, num_features=16, n_choices=None, include_n=None):
        if not isinstance(num_objects, (int, np.integer)) or num_objects < 2:
            raise ValueError(f"num_objects must be an integer >= 2, got {num_objects!r}")
        if not isinstance(num_features, (int, np.integer)) or num_features < 1:
            raise ValueError(f"num_features must be a positive integer, got {num_features!r}")
        self.num_objects = int(num_objects)
        self.num_features = int(num_features)
        if n_choices is None:
            n_choices = range(1, self.num_objects + 1)
        self.n_choices = tuple(int(n) for n in n_choices)
        if not self.n_choices or any(n < 1 or n > self.num_objects for n in self.n_choices):
            raise ValueError(f"n_choices must be values in [1, {self.num_objects}], got {n_choices!r}")
        if include_n is None:
            include_n = len(self.n_choices) > 1
        if not isinstance(include_n, (bool, np.bool_)):
            raise ValueError(f"include_n must be True, False or None, got {include_n!r}")
        if not include_n and len(self.n_choices) > 1:
            raise ValueError(f"include_n=False needs a single n, got n_choices={self.n_choices}")
        self.include_n = bool(include_n)
        self.input_size = self.num_features + self.num_objects * (3 if self.include_n else 2)
        self.num_classes = self.num_objects
        self.seq_len = self.num_objects

    def config(self):
        return dict(num_objects=self.num_objects, num_features=self.num_features,
                    n_choices=list(self.n_choices), include_n=self.include_n)

    def sample(self, batch_size, rng, return_details=False):
        """A batch: x [B, num_objects, input_size], labels [B] (ints).

        With return_details, also a dict of vectors [B, K, F], ids [B, K],
        n [B], reference [B] (the reference's position in the sequence) and
        reference_id [B] (its id, m).
        """
        B, K, F = batch_size, self.num_objects, self.num_features
        vectors = rng.uniform(-1, 1, size=(B, K, F))
        ids = rng.permuted(np.tile(np.arange(K), (B, 1)), axis=1)
        n = rng.choice(np.array(self.n_choices), size=B)
        reference = rng.integers(0, K, size=B)
        return self.encode(vectors, ids, n, reference, return_details)

    def encode(self, vectors, ids, n, reference, return_details=False):
        """The inputs and labels of given problems: vectors [B, K, F], ids [B, K]
        (each row a permutation of 0..K-1), n [B] and reference [B] (the
        reference's position in the sequence). Returns x, labels (and the
        details dict with return_details), as `sample` does."""
        K, F = self.num_objects, self.num_features
        vectors = check_array("vectors", vectors, ndim=3, last_dim=F, finite=True)
        B = vectors.shape[0]
        if vectors.shape[1] != K:
            raise ValueError(f"vectors must be [B, {K}, {F}] for this task, got shape {vectors.shape}")
        ids = np.asarray(ids)
        if ids.shape != (B, K) or np.any(np.sort(ids, axis=1) != np.arange(K)):
            raise ValueError(f"ids must be [B, {K}] with each row a permutation of 0..{K - 1}, got {ids.tolist()}")
        n, reference = np.broadcast_to(np.asarray(n), (B,)), np.broadcast_to(np.asarray(reference), (B,))
        if not np.all(np.isin(n, self.n_choices)):
            raise ValueError(f"n must be one of {list(self.n_choices)} for this task, got {n.tolist()}")
        target_position = nth_farthest_index(vectors, reference, n)
        labels = ids[np.arange(B), target_position]
        reference_id = ids[np.arange(B), reference]
        parts = [vectors, one_hot(ids, K)]
        if self.include_n:
            parts.append(np.broadcast_to(one_hot(n - 1, K)[:, None], (B, K, K)))
        parts.append(np.broadcast_to(one_hot(reference_id, K)[:, None], (B, K, K)))
        x = np.concatenate(parts, axis=-1)
        if return_details:
            details = dict(vectors=vectors, ids=ids, n=np.array(n), reference=np.array(reference),
                           reference_id=reference_id, target_position=target_position)
            return x, labels, details
        return x, labels

    def input_groups(self):
        """The parts of one input row: [(name, start, stop)], for labelling
        pictures of the input (rmc_lib.views.heatmaps.input_row)."""
        F, K = self.num_features, self.num_objects
        groups = [("vector", 0, F), ("id", F, F + K)]
        if self.include_n:
            groups.append(("n", F + K, F + 2 * K))
        groups.append(("reference id", self.input_size - K, self.input_size))
        return groups

    def test_set(self, size=2000, seed=12345, return_details=False):
        """A fixed held-out set: the same `size` examples for the same seed,
        drawn from a generator of its own (never the training stream)."""
        return self.sample(size, np.random.default_rng([seed, 999]), return_details)
