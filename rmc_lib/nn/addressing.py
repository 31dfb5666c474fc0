"""The Neural Turing Machine's addressing, one block per step of the paper's
pipeline (Graves, Wayne & Danihelka 2014, section 3.3, figure 2):

    w_c = softmax(beta * cos(k, M_i))                 content addressing   (3.3.1)
    w_g = g * w_c + (1 - g) * w_{t-1}                 interpolation        (3.3.2)
    w~(i) = sum_j w_g(j) s((i - j) mod N)             convolutional shift  (3.3.2)
    w(i) = (w~(i) + eps)^gamma / sum_j (w~(j) + eps)^gamma    sharpening

`address_forward` chains the four. Every block has a `*_forward` returning
`(out, cache)` and a `*_backward(dout, cache)`.

Shapes: a batch of B memories M: [B, N, W] (N locations of W numbers each),
H heads: keys k [B, H, W], strengths beta, gates g and sharpening gamma
[B, H], shift weights s [B, H, 2 * shift_range + 1] (offsets -shift_range ..
+shift_range), weightings w [B, H, N] (each row >= 0, summing to 1).

The edges where public ports report NaN are safe here: a zero memory row or
a zero key (the eps in the cosine's denominator, and a zero gradient of |v|
at v = 0, the value a centred finite difference measures), `0 ** gamma` (the
eps in the sharpening, computed in log space so that no power under- or
overflows) and large strengths (softmaxes with the maximum subtracted).
"""

import numpy as np

from .attention import softmax, softmax_backward
from .checks import check_array

COSINE_EPS = 1e-8      # in cos = k.M_i / (|k| |M_i| + eps)
SHARPEN_EPS = 1e-8     # in (w~ + eps) ** gamma


def _check_heads(name, x, batch, heads, last=None):
    """x must be [batch, heads] (last None) or [batch, heads, last]."""
    x = check_array(name, x)
    expected = (batch, heads) if last is None else (batch, heads, last)
    if x.shape != expected:
        raise ValueError(f"{name} must have shape {list(expected)}, got {list(x.shape)}")
    return x


def _safe_unit(v, norm):
    """v / |v| along the last axis, and 0 where |v| = 0: the gradient of |v|
    (at v = 0 the norm has no derivative; its centred difference is 0).
    Dividing by max(|v|, tiny) gives exactly that: 0 / tiny = 0."""
    return v / np.maximum(norm, np.finfo(norm.dtype).tiny)[..., None]


# ----------------------------------------------------------------------------
# Content addressing
# ----------------------------------------------------------------------------

def cosine_similarity_forward(memory, keys, eps=COSINE_EPS):
    """cos[b, h, i] = k_h . M_i / (|k_h| |M_i| + eps).

    memory: [B, N, W], keys: [B, H, W] -> [B, H, N]. A zero row or a zero key
    gives a similarity of 0, not NaN. NTM paper: K[u, v], equation (6).
    """
    memory = check_array("memory", memory, ndim=3)
    keys = check_array("keys", keys, ndim=3)
    if keys.shape[0] != memory.shape[0] or keys.shape[2] != memory.shape[2]:
        raise ValueError(f"keys must have shape [B, H, W] = [{memory.shape[0]}, H, {memory.shape[2]}] "
                         f"to match memory {list(memory.shape)}, got {list(keys.shape)}")
    mem_norm = np.sqrt(np.einsum("bnw,bnw->bn", memory, memory))      # [B, N]
    key_norm = np.sqrt(np.einsum("bhw,bhw->bh", keys, keys))          # [B, H]
    dots = keys @ memory.transpose(0, 2, 1)                           # [B, H, N]
    denom = key_norm[:, :, None] * mem_norm[:, None, :] + eps
    cos = dots / denom
    return cos, (memory, keys, mem_norm, key_norm, denom, cos)


def cosine_similarity_backward(dcos, cache):
    """Returns dmemory [B, N, W], dkeys [B, H, W]."""
    memory, keys, mem_norm, key_norm, denom, cos = cache
    ddots = dcos / denom
    ddenom = -ddots * cos                      # d(dots / denom) / d denom = -cos / denom
    dkey_norm = np.einsum("bhn,bn->bh", ddenom, mem_norm)
    dmem_norm = np.einsum("bhn,bh->bn", ddenom, key_norm)
    dkeys = ddots @ memory + dkey_norm[..., None] * _safe_unit(keys, key_norm)
    dmemory = ddots.transpose(0, 2, 1) @ keys + dmem_norm[..., None] * _safe_unit(memory, mem_norm)
    return dmemory, dkeys


def content_weights_forward(memory, keys, strengths, eps=COSINE_EPS):
    """w_c = softmax_i(beta_h * cos(k_h, M_i)): which locations look like the key.

    memory: [B, N, W], keys: [B, H, W], strengths (beta >= 0): [B, H] ->
    w_c [B, H, N]. A large beta focuses on the best match, beta = 0 spreads
    the weighting evenly. NTM paper: equation (5). (The DNC's CosineWeights,
    rmc_lib.nn.dnc_addressing, differs: eps 1e-6 in the norms too, softplus on beta.)
    """
    cos, cos_cache = cosine_similarity_forward(memory, keys, eps)
    strengths = _check_heads("strengths", strengths, *cos.shape[:2])
    weights = softmax(strengths[..., None] * cos)
    return weights, (cos_cache, cos, strengths, weights)


def content_weights_backward(dweights, cache):
    """Returns dmemory [B, N, W], dkeys [B, H, W], dstrengths [B, H]."""
    cos_cache, cos, strengths, weights = cache
    dscores = softmax_backward(dweights, weights)
    dstrengths = np.einsum("bhn,bhn->bh", dscores, cos)
    dmemory, dkeys = cosine_similarity_backward(dscores * strengths[..., None], cos_cache)
    return dmemory, dkeys, dstrengths


# ----------------------------------------------------------------------------
# Location addressing: interpolation, shift, sharpening
# ----------------------------------------------------------------------------

def interpolate_forward(content, previous, gate):
    """w_g = g * w_c + (1 - g) * w_{t-1}: the gate g chooses between finding a
    location by content (g = 1) and staying where the head was (g = 0).

    content, previous: [B, H, N]; gate: [B, H] in [0, 1] -> [B, H, N].
    NTM paper: equation (7).
    """
    content = check_array("content", content, ndim=3)
    previous = check_array("previous", previous)
    if previous.shape != content.shape:
        raise ValueError(f"previous must have the shape of content {list(content.shape)}, "
                         f"got {list(previous.shape)}")
    gate = _check_heads("gate", gate, *content.shape[:2])
    g = gate[..., None]
    return g * content + (1 - g) * previous, (content, previous, g)


def interpolate_backward(dout, cache):
    """Returns dcontent, dprevious [B, H, N], dgate [B, H]."""
    content, previous, g = cache
    dgate = np.einsum("bhn,bhn->bh", dout, content - previous)
    return dout * g, dout * (1 - g), dgate


def shift_offsets(num_shifts):
    """The offsets of 2R + 1 shift weights: -R, ..., 0, ..., +R."""
    if num_shifts < 1 or num_shifts % 2 == 0:
        raise ValueError(f"the number of shift weights must be odd (2 * shift_range + 1), got {num_shifts}")
    R = num_shifts // 2
    return range(-R, R + 1)


def _rolls(x, offsets):
    """A function o -> np.roll(x, o, axis=-1) for the offsets -R..R, as views
    of one array with R entries wrapped onto each end (np.roll copies every
    time, and is the slowest part of an NTM step otherwise)."""
    R, N = max(offsets), x.shape[-1]
    if R > N:                                 # a shift wider than the memory wraps more than once
        return lambda offset: np.roll(x, offset, axis=-1)
    padded = np.concatenate([x[..., N - R:], x, x[..., :R]], axis=-1)
    return lambda offset: padded[..., R - offset:R - offset + N]


def shift_forward(weights, shifts):
    """Circular convolution w~(i) = sum_j w_g(j) s((i - j) mod N): the weighting
    moved by each offset o in -R..R, mixed with the shift weights s_o.

    weights: [B, H, N], shifts: [B, H, 2R + 1] (offsets -R..R, each row >= 0
    summing to 1) -> [B, H, N]. Offset +1 moves every weight one location up
    (from i to i + 1, wrapping around). NTM paper: equation (8).
    """
    weights = check_array("weights", weights, ndim=3)
    shifts = check_array("shifts", shifts, ndim=3)
    if shifts.shape[:2] != weights.shape[:2]:
        raise ValueError(f"shifts must have shape [{weights.shape[0]}, {weights.shape[1]}, 2R + 1] "
                         f"to match weights {list(weights.shape)}, got {list(shifts.shape)}")
    offsets = shift_offsets(shifts.shape[2])
    out = np.zeros(weights.shape, dtype=np.result_type(weights, shifts))
    rolled = _rolls(weights, offsets)
    for k, offset in enumerate(offsets):
        out += shifts[..., k:k + 1] * rolled(offset)                      # rolled(o)[i] = w[i - o]
    return out, (weights, shifts)


def shift_backward(dout, cache):
    """Returns dweights [B, H, N], dshifts [B, H, 2R + 1]."""
    weights, shifts = cache
    offsets = shift_offsets(shifts.shape[2])
    dweights = np.zeros_like(dout)
    dshifts = np.empty(shifts.shape, dtype=dout.dtype)
    rolled_w, rolled_d = _rolls(weights, offsets), _rolls(dout, offsets)
    for k, offset in enumerate(offsets):
        dweights += shifts[..., k:k + 1] * rolled_d(-offset)
        dshifts[..., k] = np.einsum("bhn,bhn->bh", dout, rolled_w(offset))
    return dweights, dshifts


def sharpen_forward(weights, gamma, eps=SHARPEN_EPS):
    """w(i) = (w~(i) + eps)^gamma / sum_j (w~(j) + eps)^gamma: undo the blur
    of the shift (gamma >= 1 makes the weighting more peaked).

    weights: [B, H, N] (>= 0), gamma: [B, H] -> [B, H, N]. Computed as
    softmax(gamma * log(w~ + eps)), the same value without powers that
    underflow to 0 (a zero weight, a large gamma) or divide 0 by 0.
    NTM paper: equation (9), with the eps the paper leaves out.
    """
    weights = check_array("weights", weights, ndim=3)
    gamma = _check_heads("gamma", gamma, *weights.shape[:2])
    if weights.size and weights.min() < 0:
        raise ValueError(f"weights must be >= 0 (a weighting), got a minimum of {weights.min()}")
    base = weights + eps
    log_base = np.log(base)
    out = softmax(gamma[..., None] * log_base)
    return out, (base, log_base, gamma, out)


def sharpen_backward(dout, cache):
    """Returns dweights [B, H, N], dgamma [B, H]."""
    base, log_base, gamma, out = cache
    dscores = softmax_backward(dout, out)
    dgamma = np.einsum("bhn,bhn->bh", dscores, log_base)
    return dscores * gamma[..., None] / base, dgamma


# ----------------------------------------------------------------------------
# The whole pipeline
# ----------------------------------------------------------------------------

def address_forward(memory, keys, strengths, gate, shifts, gamma, previous):
    """One head's new weighting: content, interpolation, shift, sharpening.

    memory: [B, N, W]; keys: [B, H, W]; strengths, gate, gamma: [B, H];
    shifts: [B, H, 2R + 1]; previous (w_{t-1}): [B, H, N] -> w_t [B, H, N].
    The cache keeps each stage's weighting (cache["content"],
    cache["gated"], cache["shifted"]) for pictures of the pipeline.
    NTM paper: figure 2.
    """
    content, content_cache = content_weights_forward(memory, keys, strengths)
    gated, gate_cache = interpolate_forward(content, previous, gate)
    shifted, shift_cache = shift_forward(gated, shifts)
    weights, sharpen_cache = sharpen_forward(shifted, gamma)
    cache = {"content": content, "gated": gated, "shifted": shifted, "weights": weights,
             "caches": (content_cache, gate_cache, shift_cache, sharpen_cache)}
    return weights, cache


def address_backward(dweights, cache):
    """Returns (dmemory, dkeys, dstrengths, dgate, dshifts, dgamma, dprevious)."""
    content_cache, gate_cache, shift_cache, sharpen_cache = cache["caches"]
    dshifted, dgamma = sharpen_backward(dweights, sharpen_cache)
    dgated, dshifts = shift_backward(dshifted, shift_cache)
    dcontent, dprevious, dgate = interpolate_backward(dgated, gate_cache)
    dmemory, dkeys, dstrengths = content_weights_backward(dcontent, content_cache)
    return dmemory, dkeys, dstrengths, dgate, dshifts, dgamma, dprevious
