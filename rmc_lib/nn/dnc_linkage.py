"""The Differentiable Neural Computer's read side: the temporal links that
record in which order locations were written, the weightings that follow
them forwards and backwards, and the read weights that mix those with a
content lookup (Graves et al. 2016, Nature 538, Methods), computed as
DeepMind's released code computes them (github deepmind/dnc,
`dnc/addressing.py` TemporalLinkage and `dnc/access.py`; each block's
docstring names the function it matches).

One step, after the write, with N locations, R read heads and V write heads
(each write head keeps its own link matrix and precedence):

    L_t[v][i, j] = (1 - w_v(i) - w_v(j)) L_{t-1}[v][i, j] + w_v(i) p_{t-1}[v](j),
                   L_t[v][i, i] = 0                                     link_forward
    p_t[v] = (1 - sum_i w_v(i)) p_{t-1}[v] + w_v                         precedence_forward
    f[r, v] = L_t[v] w^r_{t-1, r},   b[r, v] = L_t[v]^T w^r_{t-1, r}     directional_read_weights_forward
    w^r_r = sum_v pi_r[v] b[r, v] + sum_v pi_r[V + v] f[r, v] + pi_r[2V] c^r_r
                                                                         read_weights_forward
    reads = w^r M_t                                                      memory_access.read_forward

(w_v = the write weights w^w_t of head v; p the precedence, how much each
location was the last one written; pi_r the read modes of read head r.)

Which index is which: L[v][i, j] says how much location i was written right
after location j (the row is the later write, the column the earlier). So
after writing fully at j and then at i, L[i, j] = 1; the forward weighting
L w from j is then at i (what was written next), the backward weighting
L^T w from i at j (what was written before).

Where deepmind's code differs from the paper's Methods: the paper has one
write head; deepmind keeps a link matrix and a precedence per write head and
gives every read head a forward and a backward weighting for each of them,
and orders the 1 + 2V read modes [backward x V, forward x V, content]
(the paper's three, for one write head: backward, content, forward).
The formulas are the paper's.

The reads themselves are rmc_lib.nn.memory_access.read_forward (deepmind:
`tf.matmul(read_weights, memory)` in MemoryAccess._build), on the memory
after this step's write.
"""

import numpy as np

from .checks import check_array, check_shape


def _check_write_weights(write_weights):
    return check_array("write_weights", write_weights, ndim=3)        # [B, V, N]


# ----------------------------------------------------------------------------
# Link matrices and precedence
# ----------------------------------------------------------------------------

def link_forward(prev_link, prev_precedence, write_weights):
    """The new link matrices, one per write head:

        L[i, j] = (1 - w(i) - w(j)) L_prev[i, j] + w(i) p_prev(j),   L[i, i] = 0

    Writing at i moves row i and column j towards "i came right after what
    was written before" (p_prev, the previous precedence); the diagonal is
    zero, as a location does not follow itself.

    prev_link: [B, V, N, N]; prev_precedence, write_weights: [B, V, N]
    -> link [B, V, N, N]. Use the previous precedence: the core computes
    link_forward and precedence_forward from the same p_prev.
    deepmind: addressing.TemporalLinkage._link. Paper: L_t.
    """
    write_weights = _check_write_weights(write_weights)
    B, V, N = write_weights.shape
    prev_link = check_shape("prev_link", prev_link, (B, V, N, N))
    prev_precedence = check_shape("prev_precedence", prev_precedence, (B, V, N))
    w_i, w_j = write_weights[..., :, None], write_weights[..., None, :]
    scale = 1 - w_i - w_j
    link = scale * prev_link + w_i * prev_precedence[..., None, :]
    diagonal = np.arange(N)
    link[..., diagonal, diagonal] = 0
    return link, (prev_link, prev_precedence, write_weights, scale)


def link_backward(dlink, cache):
    """Returns dprev_link [B, V, N, N], dprev_precedence [B, V, N],
    dwrite_weights [B, V, N]."""
    prev_link, prev_precedence, write_weights, scale = cache
    dlink = dlink.copy()
    diagonal = np.arange(dlink.shape[-1])
    dlink[..., diagonal, diagonal] = 0          # the zeroed diagonal depends on nothing
    dscale = dlink * prev_link
    dwrite_weights = (np.einsum("bvij,bvj->bvi", dlink, prev_precedence)     # from w(i) p_prev(j)
                      - dscale.sum(axis=-1) - dscale.sum(axis=-2))           # from -w(i) and -w(j)
    dprev_precedence = np.einsum("bvij,bvi->bvj", dlink, write_weights)
    return dlink * scale, dprev_precedence, dwrite_weights


def precedence_forward(prev_precedence, write_weights):
    """p = (1 - sum_i w(i)) p_prev + w: where the last write went. A full
    write (sum 1) replaces the precedence, no write (sum 0) keeps it.

    prev_precedence, write_weights: [B, V, N] -> precedence [B, V, N].
    deepmind: addressing.TemporalLinkage._precedence_weights. Paper: p_t.
    """
    write_weights = _check_write_weights(write_weights)
    prev_precedence = check_shape("prev_precedence", prev_precedence, write_weights.shape)
    write_sum = write_weights.sum(axis=2, keepdims=True)
    return (1 - write_sum) * prev_precedence + write_weights, (prev_precedence, write_sum)


def precedence_backward(dprecedence, cache):
    """Returns dprev_precedence [B, V, N], dwrite_weights [B, V, N]."""
    prev_precedence, write_sum = cache
    dwrite_sum = -np.sum(dprecedence * prev_precedence, axis=2, keepdims=True)
    return dprecedence * (1 - write_sum), dprecedence + dwrite_sum


# ----------------------------------------------------------------------------
# Following the links
# ----------------------------------------------------------------------------

def directional_read_weights_forward(link, prev_read_weights, forward):
    """Each read head's previous weighting moved one write along every write
    head's link graph:

        forward (True):   f[b, r, v] = L[b, v] w^r[b, r]      (f(i) = sum_j L[i, j] w^r(j))
        backward (False): b[b, r, v] = L[b, v]^T w^r[b, r]    (b(j) = sum_i L[i, j] w^r(i))

    link: [B, V, N, N] (this step's, from link_forward); prev_read_weights:
    [B, R, N] (the previous step's) -> [B, R, V, N].
    deepmind: addressing.TemporalLinkage.directional_read_weights (which
    computes w^r L^T for forward and w^r L for backward, the same with row
    vectors). Paper: f_t^i = L_t w^{r,i}_{t-1}, b_t^i = L_t^T w^{r,i}_{t-1}.
    """
    link = check_array("link", link, ndim=4)
    B, V, N = link.shape[:3]
    if link.shape[3] != N:
        raise ValueError(f"link must have shape [B, V, N, N], got {list(link.shape)}")
    prev_read_weights = check_array("prev_read_weights", prev_read_weights, ndim=3)
    if prev_read_weights.shape[0] != B or prev_read_weights.shape[2] != N:
        raise ValueError(f"prev_read_weights must have shape [B, R, N] = [{B}, R, {N}] to match link "
                         f"{list(link.shape)}, got {list(prev_read_weights.shape)}")
    # Row vectors: w^r L^T is (L w^r)^T. The [B, 1, R, N] read weights meet every write head's graph.
    graph = link.transpose(0, 1, 3, 2) if forward else link
    result = prev_read_weights[:, None] @ graph                      # [B, V, R, N]
    return result.transpose(0, 2, 1, 3), (graph, prev_read_weights, forward)


def directional_read_weights_backward(dweights, cache):
    """Returns dlink [B, V, N, N], dprev_read_weights [B, R, N]."""
    graph, prev_read_weights, forward = cache
    dresult = dweights.transpose(0, 2, 1, 3)                          # [B, V, R, N]
    dprev_read_weights = (dresult @ graph.transpose(0, 1, 3, 2)).sum(axis=1)
    dgraph = prev_read_weights[:, None].transpose(0, 1, 3, 2) @ dresult  # [B, V, N, N]
    return (dgraph.transpose(0, 1, 3, 2) if forward else dgraph), dprev_read_weights


# ----------------------------------------------------------------------------
# Read weights
# ----------------------------------------------------------------------------

def read_weights_forward(read_mode, content_weights, forward_weights, backward_weights):
    """Each read head's weighting, its read modes mixing the content lookup
    with following the links backwards or forwards:

        w^r = sum_v pi[v] b[:, v] + sum_v pi[V + v] f[:, v] + pi[2V] c^r

    read_mode: [B, R, 1 + 2V], a softmax over the last axis in deepmind's
    order [backward x V, forward x V, content] (MemoryAccess._read_inputs
    takes the softmax; take it before this block); content_weights:
    [B, R, N] (cosine_weights_forward on the new memory); forward_weights,
    backward_weights: [B, R, V, N] (directional_read_weights_forward)
    -> read weights [B, R, N].
    deepmind: access.MemoryAccess._read_weights. Paper: w^{r,i}_t, with one
    write head and the modes in the order backward, content, forward.
    """
    forward_weights = check_array("forward_weights", forward_weights, ndim=4)
    B, R, V, N = forward_weights.shape
    backward_weights = check_shape("backward_weights", backward_weights, (B, R, V, N))
    content_weights = check_shape("content_weights", content_weights, (B, R, N))
    read_mode = check_shape("read_mode", read_mode, (B, R, 1 + 2 * V))
    backward_mode, forward_mode = read_mode[..., :V, None], read_mode[..., V:2 * V, None]
    content_mode = read_mode[..., 2 * V, None]
    # Summed in deepmind's order (content, forward, backward), so that the rounding agrees.
    weights = (content_mode * content_weights + np.sum(forward_mode * forward_weights, axis=2)
               + np.sum(backward_mode * backward_weights, axis=2))
    return weights, (read_mode, content_weights, forward_weights, backward_weights)


def read_weights_backward(dweights, cache):
    """Returns dread_mode [B, R, 1 + 2V], dcontent_weights [B, R, N],
    dforward_weights, dbackward_weights [B, R, V, N]."""
    read_mode, content_weights, forward_weights, backward_weights = cache
    V = forward_weights.shape[2]
    d = dweights[:, :, None, :]                                       # [B, R, 1, N]
    dread_mode = np.concatenate([np.sum(d * backward_weights, axis=3), np.sum(d * forward_weights, axis=3),
                                 np.sum(dweights * content_weights, axis=2, keepdims=True)], axis=2)
    dcontent = dweights * read_mode[..., 2 * V, None]
    dforward = d * read_mode[..., V:2 * V, None]
    dbackward = d * read_mode[..., :V, None]
    return dread_mode, dcontent, dforward, dbackward
