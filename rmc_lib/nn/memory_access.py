"""Reading and writing an external memory, and the heads' parameters, as the
Neural Turing Machine does them (Graves, Wayne & Danihelka 2014, sections
3.1, 3.2 and 3.3.2).

    read:   r = w M                                   r_t = sum_i w_t(i) M_t(i)      (2)
    write:  M <- M * (1 - w e^T), then M <- M + w a^T  erase, then add              (3), (4)

A head is told what to do by one vector of numbers per step (the output of a
linear layer on the controller), cut into its parts and squashed into their
ranges by `head_parameters_forward`:

    key k (W, as it is), strength beta = softplus(.) >= 0, gate g = sigmoid(.)
    in (0, 1), shift weights s = softmax(.) over 2R + 1 offsets, sharpening
    gamma = 1 + softplus(.) >= 1; a write head also erase e = sigmoid(.) (W)
    and add a (W, as it is).

Shapes: memory [B, N, W]; H heads: weightings [B, H, N], read vectors,
erase and add vectors [B, H, W].
"""

import numpy as np

from .attention import softmax, softmax_backward
from .checks import check_array
from .layers import sigmoid

# ----------------------------------------------------------------------------
# Read and write
# ----------------------------------------------------------------------------


def _check_weightings(weights, memory):
    weights = check_array("weights", weights, ndim=3)
    if weights.shape[0] != memory.shape[0] or weights.shape[2] != memory.shape[1]:
        raise ValueError(f"weights must have shape [B, H, N] = [{memory.shape[0]}, H, {memory.shape[1]}] "
                         f"to match memory {list(memory.shape)}, got {list(weights.shape)}")
    return weights


def read_forward(memory, weights):
    """r_h = sum_i w_h(i) M_i, a weighted mean of the rows for each head.

    memory: [B, N, W], weights: [B, H, N] -> reads [B, H, W]. NTM paper: (2).
    """
    memory = check_array("memory", memory, ndim=3)
    weights = _check_weightings(weights, memory)
    return weights @ memory, (memory, weights)


def read_backward(dreads, cache):
    """Returns dmemory [B, N, W], dweights [B, H, N]."""
    memory, weights = cache
    return weights.transpose(0, 2, 1) @ dreads, dreads @ memory.transpose(0, 2, 1)


def write_forward(memory, weights, erase, add):
    """Erase, then add, one write head after the other (head 0 first):

        M <- M * (1 - w_h e_h^T)      every row i loses the fraction w_h(i) e_h
        M <- M + w_h a_h^T            and gains w_h(i) a_h

    memory: [B, N, W]; weights: [B, H, N]; erase (in [0, 1]), add: [B, H, W]
    -> the new memory [B, N, W]. With one write head this is the paper's
    equations (3) and (4); with several, the paper does every head's erase
    before any add, here head h + 1 may also erase what head h added.
    """
    memory = check_array("memory", memory, ndim=3)
    weights = _check_weightings(weights, memory)
    expected = (weights.shape[0], weights.shape[1], memory.shape[2])
    erase = check_array("erase", erase)
    add = check_array("add", add)
    for name, v in (("erase", erase), ("add", add)):
        if v.shape != expected:
            raise ValueError(f"{name} must have shape [B, H, W] = {list(expected)}, got {list(v.shape)}")
    before = []                   # the memory each head found
    for h in range(weights.shape[1]):
        before.append(memory)
        w = weights[:, h, :, None]                                    # [B, N, 1]
        memory = memory * (1 - w * erase[:, h, None, :]) + w * add[:, h, None, :]
    return memory, (before, weights, erase, add)


def write_backward(dmemory, cache):
    """Returns dmemory (of the memory before the writes) [B, N, W], dweights
    [B, H, N], derase [B, H, W], dadd [B, H, W]."""
    before, weights, erase, add = cache
    dweights, derase, dadd = np.zeros_like(weights), np.zeros_like(erase), np.zeros_like(add)
    for h in reversed(range(weights.shape[1])):
        w, e, a = weights[:, h], erase[:, h], add[:, h]               # [B, N], [B, W], [B, W]
        d_kept = dmemory * before[h]                                  # gradient of the kept fraction
        dweights[:, h] = np.einsum("bnw,bw->bn", dmemory, a) - np.einsum("bnw,bw->bn", d_kept, e)
        dadd[:, h] = np.einsum("bnw,bn->bw", dmemory, w)
        derase[:, h] = -np.einsum("bnw,bn->bw", d_kept, w)
        dmemory = dmemory * (1 - w[:, :, None] * e[:, None, :])
    return dmemory, dweights, derase, dadd


# ----------------------------------------------------------------------------
# The heads' parameters
# ----------------------------------------------------------------------------

def softplus(x):
    """log(1 + exp(x)), without overflow for large x."""
    return np.logaddexp(0, x)


def head_layout(word_size, num_shifts, write):
    """[(name, width)] of one head's parameter vector, in order."""
    parts = [("keys", word_size), ("strengths", 1), ("gate", 1), ("shifts", num_shifts), ("gamma", 1)]
    if write:
        parts += [("erase", word_size), ("add", word_size)]
    return parts


def head_width(word_size, num_shifts, write):
    """How many numbers a read (write=False) or write head needs per step."""
    return sum(width for _, width in head_layout(word_size, num_shifts, write))


def head_parameters_forward(raw, word_size, num_shifts, write):
    """Cut each head's raw vector into its parts and squash them into range.

    raw: [B, H, P] with P = head_width(word_size, num_shifts, write).
    Returns a dict of keys [B, H, W], strengths, gate, gamma [B, H], shifts
    [B, H, num_shifts] (and, for write heads, erase and add [B, H, W]), and
    a cache. NTM paper: section 3.3 (the ranges of beta, g, s, gamma), with
    beta and gamma through softplus as Collier & Beel (2018) do.
    """
    raw = check_array("raw", raw, ndim=3, last_dim=head_width(word_size, num_shifts, write))
    parts, start = {}, 0
    for name, width in head_layout(word_size, num_shifts, write):
        piece = raw[..., start:start + width]
        start += width
        if name in ("keys", "add"):
            parts[name] = piece
        elif name == "shifts":
            parts[name] = softmax(piece)
        elif name == "erase":
            parts[name] = sigmoid(piece)
        elif name == "gate":
            parts[name] = sigmoid(piece[..., 0])
        elif name == "strengths":
            parts[name] = softplus(piece[..., 0])
        else:                                  # gamma
            parts[name] = 1 + softplus(piece[..., 0])
    return parts, (raw, parts, word_size, num_shifts, write)


def head_parameters_backward(dparts, cache):
    """dparts: a dict with the keys of the forward's parts (missing: zero
    gradient). Returns draw [B, H, P]."""
    raw, parts, word_size, num_shifts, write = cache
    draw = np.zeros_like(raw)
    start = 0
    for name, width in head_layout(word_size, num_shifts, write):
        piece = slice(start, start + width)
        start += width
        if name not in dparts:
            continue
        d = dparts[name]
        if name in ("keys", "add"):
            draw[..., piece] = d
        elif name == "shifts":
            draw[..., piece] = softmax_backward(d, parts[name])
        elif name == "erase":                  # sigmoid' = s (1 - s)
            draw[..., piece] = d * parts[name] * (1 - parts[name])
        elif name == "gate":
            draw[..., piece.start] = d * parts[name] * (1 - parts[name])
        else:                                  # strengths, gamma: softplus' = sigmoid
            draw[..., piece.start] = d * sigmoid(raw[..., piece.start])
    return draw
