"""The Differentiable Neural Computer's write side: content lookup, memory
usage, allocation of unused locations, write weights, erase and write
(Graves et al. 2016, "Hybrid computing using a neural network with dynamic
external memory", Nature 538, Methods), computed as DeepMind's released code
computes them (github deepmind/dnc, `dnc/addressing.py` and `dnc/access.py`;
each block's docstring names the function it matches).

One step's writing, with memory M [B, N, W] (N locations of W numbers),
R read heads and V write heads, in the order MemoryAccess._build runs it:

    u   = usage(u_{t-1}, w^w_{t-1}, f, w^r_{t-1})       usage_forward
    a   = allocations(u, g^a * g^w)                      write_allocation_weights_forward
    c^w = cosine_weights(M_{t-1}, k^w, beta^w)           cosine_weights_forward
    w^w = g^w (g^a a + (1 - g^a) c^w)                    write_weights_forward
    M_t = M_{t-1} * prod_v (1 - w^w_v e_v^T) + sum_v w^w_v^T v_v      erase_and_write_forward

Where deepmind's code differs from the paper's Methods:
  - strengths go through softplus (beta >= 0), the paper's oneplus is
    1 + softplus (beta >= 1); the cosine has eps 1e-6 in both norms and in
    its denominator (CosineWeights, _vector_norms);
  - usage allows several write heads (1 - prod_v (1 - w^w_v)) and passes no
    gradient to the previous write weights (tf.stop_gradient in Freeness._build);
  - allocation first moves usage into [1e-6, 1] (Freeness._allocation: the
    gradient of a cumulative product divides by its factors), and equal
    usages are ranked by index, as tf.nn.top_k does;
  - the paper has one write head; deepmind's heads allocate one after the
    other, each seeing the usage the heads before it would leave
    (Freeness.write_allocation_weights);
  - erase multiplies every write head's erase factors, then adds every
    head's vector (_erase_and_write; rmc_lib.nn.memory_access.write_forward,
    the NTM's, goes head by head instead: the same with one write head).

Every block has a `*_forward` returning `(out, cache)` and a
`*_backward(dout, cache)` returning the gradients in the order of the
forward's arguments. Row vectors, batch first.
"""

import numpy as np

from .attention import softmax, softmax_backward
from .checks import check_array, check_shape
from .layers import sigmoid
from .memory_access import softplus

EPSILON = 1e-6     # deepmind's addressing._EPSILON: in the norms, the cosine and the allocation


def _reduce_prod(x):
    """The product over axis 1 (the heads), in the order of deepmind's
    util.reduce_prod (a reverse cumulative product: the last head first), so
    that even the rounding agrees."""
    out = x[:, -1]
    for v in range(x.shape[1] - 2, -1, -1):
        out = out * x[:, v]
    return out


def _prod_of_others(x):
    """For each head v, the product over the other heads: d prod / d x_v.
    (Dividing the product by x_v would give 0 / 0 where a factor is 0.)"""
    return np.stack([np.prod(np.delete(x, v, axis=1), axis=1) for v in range(x.shape[1])], axis=1)


def _check_heads(name, x, batch, size):
    """x must be [batch, heads, size]; returns it and the number of heads."""
    x = check_array(name, x, ndim=3)
    if x.shape[0] != batch or x.shape[2] != size:
        raise ValueError(f"{name} must have shape [{batch}, heads, {size}], got {list(x.shape)}")
    return x


# ----------------------------------------------------------------------------
# Content lookup
# ----------------------------------------------------------------------------

def _norms(x):
    """sqrt(sum x^2 + 1e-6) along the last axis (deepmind's _vector_norms):
    the eps under the root keeps the norm's gradient x / |x| finite at 0."""
    return np.sqrt(np.sum(x * x, axis=-1) + EPSILON)


def cosine_weights_forward(memory, keys, strengths):
    """c[b, h, i] = softmax_i(softplus(s_h) * k_h . M_i / (|k_h| |M_i| + 1e-6))
    with |x| = sqrt(sum x^2 + 1e-6): which locations look like each key.

    memory: [B, N, W], keys: [B, H, W], strengths: [B, H] before softplus
    (deepmind's CosineWeights applies its strength_op, softplus, itself: pass
    the linear layer's output as it is) -> weights [B, H, N].
    deepmind: addressing.CosineWeights (with _vector_norms, weighted_softmax).
    Paper: C(M, k, beta) with beta = oneplus(.) and a cosine without eps.
    """
    memory = check_array("memory", memory, ndim=3)
    keys = _check_heads("keys", keys, memory.shape[0], memory.shape[2])
    strengths = check_shape("strengths", strengths, keys.shape[:2])
    dots = keys @ memory.transpose(0, 2, 1)                           # [B, H, N]
    mem_norm, key_norm = _norms(memory), _norms(keys)                 # [B, N], [B, H]
    denom = key_norm[:, :, None] * mem_norm[:, None, :] + EPSILON
    similarity = dots / denom
    beta = softplus(strengths)
    weights = softmax(similarity * beta[..., None])
    return weights, (memory, keys, strengths, mem_norm, key_norm, denom, similarity, beta, weights)


def cosine_weights_backward(dweights, cache):
    """Returns dmemory [B, N, W], dkeys [B, H, W], dstrengths [B, H] (of the
    strengths before softplus)."""
    memory, keys, strengths, mem_norm, key_norm, denom, similarity, beta, weights = cache
    dscores = softmax_backward(dweights, weights)
    dstrengths = np.einsum("bhn,bhn->bh", dscores, similarity) * sigmoid(strengths)   # softplus' = sigmoid
    ddots = dscores * beta[..., None] / denom
    ddenom = -ddots * similarity               # d(dots / denom) / d denom = -similarity / denom
    dkey_norm = np.einsum("bhn,bn->bh", ddenom, mem_norm)
    dmem_norm = np.einsum("bhn,bh->bn", ddenom, key_norm)
    dkeys = ddots @ memory + (dkey_norm / key_norm)[..., None] * keys
    dmemory = ddots.transpose(0, 2, 1) @ keys + (dmem_norm / mem_norm)[..., None] * memory
    return dmemory, dkeys, dstrengths


# ----------------------------------------------------------------------------
# Usage
# ----------------------------------------------------------------------------

def usage_forward(prev_usage, prev_write_weights, free_gate, prev_read_weights):
    """How much each location is in use, after last step's writes and the
    frees the read heads allow now:

        u = u_{t-1} + (1 - u_{t-1}) (1 - prod_v (1 - w^w_{t-1, v}))    written: towards 1
        u = u * prod_r (1 - f_r w^r_{t-1, r})                          freed: towards 0

    prev_usage: [B, N] in [0, 1]; prev_write_weights: [B, V, N];
    free_gate: [B, R] in [0, 1]; prev_read_weights: [B, R, N] -> usage [B, N].
    deepmind: addressing.Freeness._build (_usage_after_write, then
    _usage_after_read). Paper: u_t = (u_{t-1} + w^w_{t-1} - u_{t-1} w^w_{t-1}) psi_t,
    for one write head. The usage after the writes alone is cache[2].
    """
    prev_usage = check_array("prev_usage", prev_usage, ndim=2)
    B, N = prev_usage.shape
    prev_write_weights = _check_heads("prev_write_weights", prev_write_weights, B, N)
    prev_read_weights = _check_heads("prev_read_weights", prev_read_weights, B, N)
    free_gate = check_shape("free_gate", free_gate, prev_read_weights.shape[:2])
    written = 1 - _reduce_prod(1 - prev_write_weights)               # all write heads together
    after_write = prev_usage + (1 - prev_usage) * written
    kept = 1 - free_gate[..., None] * prev_read_weights              # [B, R, N]
    phi = _reduce_prod(kept)                                         # the paper's retention psi
    usage = after_write * phi
    return usage, (written, phi, after_write, kept, free_gate, prev_read_weights, prev_write_weights, prev_usage)


def usage_backward(dusage, cache, stop_gradient=True):
    """Returns dprev_usage [B, N], dprev_write_weights [B, V, N], dfree_gate
    [B, R], dprev_read_weights [B, R, N].

    stop_gradient: as deepmind, no gradient for the previous write weights
    (tf.stop_gradient, "Calculation of usage is not differentiable with
    respect to write weights"): dprev_write_weights is zero. False gives the
    true derivative instead, which a finite-difference check can see."""
    written, phi, after_write, kept, free_gate, prev_read_weights, prev_write_weights, prev_usage = cache
    dprev_usage = dusage * phi * (1 - written)
    dkept = (dusage * after_write)[:, None, :] * _prod_of_others(kept)
    dfree_gate = -np.einsum("brn,brn->br", dkept, prev_read_weights)
    dprev_read_weights = -dkept * free_gate[..., None]
    if stop_gradient:
        dprev_write_weights = np.zeros_like(prev_write_weights)
    else:           # d written / d w_v = prod of the other heads' (1 - w)
        dprev_write_weights = (dusage * phi * (1 - prev_usage))[:, None, :] * _prod_of_others(1 - prev_write_weights)
    return dprev_usage, dprev_write_weights, dfree_gate, dprev_read_weights


# ----------------------------------------------------------------------------
# Allocation
# ----------------------------------------------------------------------------

def allocation_forward(usage):
    """Where to write next: the least used location gets most, each next one
    in order of usage gets what the ones before it leave.

        u' = 1e-6 + (1 - 1e-6) u                   no factor of the product below is < 1e-6
        phi = the locations by usage, least used first (nonusage 1 - u' descending;
              equal usages: lower index first, the rule of tf.nn.top_k)
        a[phi_j] = (1 - u'[phi_j]) prod_{k < j} u'[phi_k]

    usage: [B, N] in [0, 1] -> allocation [B, N] (each row sums to at most 1).
    deepmind: addressing.Freeness._allocation. Paper: the allocation
    weighting a_t, with the free list phi_t, without the 1e-6.

    The sort decides the order and has no gradient: the backward goes through
    the sorted values with the order held fixed (as top_k's gradient does),
    so it is exact wherever no two usages are equal.
    """
    usage = check_array("usage", usage, ndim=2)
    usage = EPSILON + (1 - EPSILON) * usage
    nonusage = 1 - usage
    # A stable sort of -nonusage is top_k's order: descending, lower index first among equals.
    order = np.argsort(-nonusage, axis=1, kind="stable")
    sorted_nonusage = np.take_along_axis(nonusage, order, axis=1)
    sorted_usage = 1 - sorted_nonusage          # as deepmind: not u' sorted, which can differ in the last bit
    ones = np.ones_like(sorted_usage[:, :1])
    before = np.cumprod(np.concatenate([ones, sorted_usage[:, :-1]], axis=1), axis=1)   # exclusive cumprod
    allocation = np.empty_like(sorted_usage)
    np.put_along_axis(allocation, order, sorted_nonusage * before, axis=1)               # unsort
    return allocation, (order, sorted_nonusage, sorted_usage, before)


def allocation_backward(dallocation, cache):
    """Returns dusage [B, N]."""
    order, sorted_nonusage, sorted_usage, before = cache
    dsorted = np.take_along_axis(dallocation, order, axis=1)
    dsorted_nonusage = dsorted * before
    # before_j = prod_{k<j} x_k, so d before_j / d x_k = before_j / x_k for k < j: the gradient
    # TensorFlow's cumprod uses. Division is safe because every x_k = u'_k >= 1e-6.
    contributions = dsorted * sorted_nonusage * before
    from_here_on = np.cumsum(contributions[:, ::-1], axis=1)[:, ::-1]               # sum over j >= k
    after_k = np.concatenate([from_here_on[:, 1:], np.zeros_like(from_here_on[:, :1])], axis=1)
    dsorted_nonusage = dsorted_nonusage - after_k / sorted_usage                      # sorted_usage = 1 - it
    dnonusage = np.empty_like(dsorted_nonusage)
    np.put_along_axis(dnonusage, order, dsorted_nonusage, axis=1)
    return -dnonusage * (1 - EPSILON)


def write_allocation_weights_forward(usage, write_gates):
    """Allocation weights for V write heads, one after the other: head v
    allocates from the usage the heads before it would leave,

        a_v = allocation(u);   then   u <- u + (1 - u) g_v a_v

    usage: [B, N] (this step's, from usage_forward); write_gates: [B, V] in
    [0, 1], how much each head writes by allocation (MemoryAccess._write_weights
    passes allocation_gate * write_gate) -> allocation weights [B, V, N], not
    yet scaled by any gate. The usage itself is not changed: the next step
    starts from usage_forward's result.
    deepmind: addressing.Freeness.write_allocation_weights.
    """
    usage = check_array("usage", usage, ndim=2)
    write_gates = check_array("write_gates", write_gates, ndim=2)
    if write_gates.shape[0] != usage.shape[0]:
        raise ValueError(f"write_gates must have shape [B, V] = [{usage.shape[0]}, V], got {list(write_gates.shape)}")
    allocations, usages, caches = [], [], []
    for v in range(write_gates.shape[1]):
        allocation, cache = allocation_forward(usage)
        allocations.append(allocation)
        usages.append(usage)
        caches.append(cache)
        usage = usage + (1 - usage) * write_gates[:, v, None] * allocation
    return np.stack(allocations, axis=1), (usages, allocations, caches, write_gates)


def write_allocation_weights_backward(dallocations, cache):
    """Returns dusage [B, N], dwrite_gates [B, V]."""
    usages, allocations, caches, write_gates = cache
    dusage = np.zeros_like(usages[0])          # the last simulated usage is not an output
    dwrite_gates = np.zeros_like(write_gates)
    for v in reversed(range(write_gates.shape[1])):
        u, a, g = usages[v], allocations[v], write_gates[:, v, None]
        dwrite_gates[:, v] = np.sum(dusage * (1 - u) * a, axis=1)
        dallocation = dallocations[:, v] + dusage * (1 - u) * g
        dusage = dusage * (1 - g * a) + allocation_backward(dallocation, caches[v])
    return dusage, dwrite_gates


# ----------------------------------------------------------------------------
# Write weights, erase and write
# ----------------------------------------------------------------------------

def write_weights_forward(content_weights, allocation_weights, allocation_gate, write_gate):
    """w^w = g^w (g^a a + (1 - g^a) c^w): the allocation gate chooses between
    an unused location and a content match, the write gate how much to write.

    content_weights, allocation_weights: [B, V, N]; allocation_gate,
    write_gate: [B, V] in [0, 1] -> write weights [B, V, N].
    deepmind: access.MemoryAccess._write_weights (its last line). Paper: w^w_t.
    """
    content_weights = check_array("content_weights", content_weights, ndim=3)
    allocation_weights = check_shape("allocation_weights", allocation_weights, content_weights.shape)
    allocation_gate = check_shape("allocation_gate", allocation_gate, content_weights.shape[:2])
    write_gate = check_shape("write_gate", write_gate, content_weights.shape[:2])
    g_a, g_w = allocation_gate[..., None], write_gate[..., None]
    mixed = g_a * allocation_weights + (1 - g_a) * content_weights
    return g_w * mixed, (content_weights, allocation_weights, g_a, g_w, mixed)


def write_weights_backward(dweights, cache):
    """Returns dcontent_weights, dallocation_weights [B, V, N],
    dallocation_gate, dwrite_gate [B, V]."""
    content_weights, allocation_weights, g_a, g_w, mixed = cache
    dmixed = dweights * g_w
    dwrite_gate = np.einsum("bvn,bvn->bv", dweights, mixed)
    dallocation_gate = np.einsum("bvn,bvn->bv", dmixed, allocation_weights - content_weights)
    return dmixed * (1 - g_a), dmixed * g_a, dallocation_gate, dwrite_gate


def erase_and_write_forward(memory, write_weights, erase_vectors, write_vectors):
    """Erase with every write head at once, then add every head's vector:

        M <- M * prod_v (1 - w^w_v e_v^T)     row i keeps prod_v (1 - w^w_v(i) e_v)
        M <- M + sum_v w^w_v^T v_v            and gains sum_v w^w_v(i) v_v

    memory: [B, N, W]; write_weights: [B, V, N]; erase_vectors (in [0, 1]),
    write_vectors: [B, V, W] -> the new memory [B, N, W].
    deepmind: access._erase_and_write (address, reset_weights, values).
    Paper: M_t = M_{t-1} (E - w^w e^T) + w^w v^T, for one write head.
    With one write head this is rmc_lib.nn.memory_access.write_forward (the
    NTM's); with several, that one erases and adds head by head, so a later
    head can erase what an earlier one added, which never happens here.
    """
    memory = check_array("memory", memory, ndim=3)
    B, N, W = memory.shape
    write_weights = _check_heads("write_weights", write_weights, B, N)
    expected = (B, write_weights.shape[1], W)
    erase_vectors = check_shape("erase_vectors", erase_vectors, expected)
    write_vectors = check_shape("write_vectors", write_vectors, expected)
    kept = 1 - write_weights[..., None] * erase_vectors[:, :, None, :]     # [B, V, N, W]
    reset_gate = _reduce_prod(kept)                                      # [B, N, W]
    new_memory = memory * reset_gate + write_weights.transpose(0, 2, 1) @ write_vectors
    return new_memory, (memory, write_weights, erase_vectors, write_vectors, kept, reset_gate)


def erase_and_write_backward(dmemory, cache):
    """Returns dmemory (of the memory before) [B, N, W], dwrite_weights
    [B, V, N], derase_vectors [B, V, W], dwrite_vectors [B, V, W]."""
    memory, write_weights, erase_vectors, write_vectors, kept, reset_gate = cache
    dkept = (dmemory * memory)[:, None] * _prod_of_others(kept)            # [B, V, N, W]
    dwrite_weights = (write_vectors @ dmemory.transpose(0, 2, 1)
                      - np.einsum("bvnw,bvw->bvn", dkept, erase_vectors))
    derase_vectors = -np.einsum("bvnw,bvn->bvw", dkept, write_weights)
    dwrite_vectors = write_weights @ dmemory
    return dmemory * reset_gate, dwrite_weights, derase_vectors, dwrite_vectors
