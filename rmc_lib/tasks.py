"""Tasks: seeded, vectorised data generators.

The Nth-farthest task (Santoro et al. 2018, appendix A.1): given a set of
vectors, which one is the n-th farthest from a reference vector m?
"""

import numpy as np

from .checks import check_array


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
