"""Softmax, scaled dot-product attention and the RMC's multi-head attention.

Multi-head attention here is the form Sonnet's RelationalMemory uses
(`_multihead_attention` in `relational_memory.py`): one linear projection
makes queries, keys and values for every head at once, a layer norm is
applied to that projection, it is split per head, queries are scaled by
`key_size ** -0.5`, and the heads' outputs are concatenated. There is no
output projection after the heads.
"""

import numpy as np

from .checks import check_array, check_positive_int
from .layers import layer_norm_backward, layer_norm_forward, linear_backward, linear_forward


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along `axis`, stable for any magnitude of x.

    Subtracting the row maximum changes nothing mathematically (it cancels
    between numerator and denominator) but keeps exp from overflowing.
    """
    x = np.asarray(x)
    shifted = x - x.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)


def softmax_forward(x):
    """softmax over the last axis; returns (out, cache)."""
    out = softmax(x, axis=-1)
    return out, out


def softmax_backward(dout, cache):
    """dx = p * (dout - sum(dout * p)) along the last axis (p = softmax(x))."""
    p = cache
    return p * (dout - (dout * p).sum(axis=-1, keepdims=True))


def scaled_dot_product_attention_forward(q, k, v, scale=None):
    """softmax(q k^T * scale) v.

    q: [..., Lq, dk], k: [..., Lk, dk], v: [..., Lk, dv] -> out [..., Lq, dv].
    scale defaults to dk ** -0.5. The attention weights, [..., Lq, Lk]
    (each row sums to 1), are in cache["weights"].
    """
    q = check_array("q", q)
    k = check_array("k", k)
    v = check_array("v", v)
    if q.ndim < 2 or q.ndim != k.ndim or q.ndim != v.ndim:
        raise ValueError(
            f"q, k and v must have the same number of axes (at least 2), "
            f"got shapes {q.shape}, {k.shape}, {v.shape}"
        )
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q and k must have the same last axis (the key size), got {q.shape} and {k.shape}")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k and v must have the same number of rows, got {k.shape} and {v.shape}")
    if scale is None:
        scale = q.shape[-1] ** -0.5
    scores = (q * scale) @ np.swapaxes(k, -1, -2)
    weights = softmax(scores, axis=-1)
    out = weights @ v
    cache = {"q": q, "k": k, "v": v, "scale": scale, "weights": weights}
    return out, cache


def scaled_dot_product_attention_backward(dout, cache):
    """Returns dq, dk, dv.

    With S = scale * q k^T, P = softmax(S), out = P v:
        dv = P^T dout,   dP = dout v^T,   dS = P * (dP - rowsum(dP * P)),
        dq = scale * dS k,   dk = scale * dS^T q.
    """
    q, k, v, scale, P = cache["q"], cache["k"], cache["v"], cache["scale"], cache["weights"]
    dv = np.swapaxes(P, -1, -2) @ dout
    dP = dout @ np.swapaxes(v, -1, -2)
    dS = softmax_backward(dP, P)
    dq = scale * (dS @ k)
    dk = scale * (np.swapaxes(dS, -1, -2) @ q)
    return dq, dk, dv


def split_heads(qkv, num_heads, key_size, head_size):
    """Split a projection [B, L, H * (2k + v)] into q, k, v of shape [B, H, L, size].

    Heads are laid out one after another; within a head come the k query
    columns, the k key columns, then the v value columns (Sonnet's
    `BatchReshape([L, H, qkv_size])` followed by a transpose and split).
    """
    B, L, _ = qkv.shape
    per_head = qkv.reshape(B, L, num_heads, 2 * key_size + head_size).transpose(0, 2, 1, 3)
    q = per_head[..., :key_size]
    k = per_head[..., key_size:2 * key_size]
    v = per_head[..., 2 * key_size:]
    return q, k, v


def merge_heads(dq, dk, dv):
    """Inverse of split_heads: [B, H, L, size] x 3 -> [B, L, H * (2k + v)]."""
    B, H, L, _ = dq.shape
    per_head = np.concatenate([dq, dk, dv], axis=-1)
    return per_head.transpose(0, 2, 1, 3).reshape(B, L, -1)


def check_head_sizes(width, num_heads, key_size, head_size, name="W_qkv"):
    """Raise ValueError unless `width` splits into num_heads * (2 key_size + head_size)."""
    num_heads = check_positive_int("num_heads", num_heads)
    key_size = check_positive_int("key_size", key_size)
    head_size = check_positive_int("head_size", head_size)
    expected = num_heads * (2 * key_size + head_size)
    if width != expected:
        raise ValueError(
            f"{name} has {width} output columns, which does not split into "
            f"num_heads={num_heads} heads of (2 * key_size + head_size) = "
            f"{2 * key_size + head_size}: expected {expected}"
        )


def multihead_attention_forward(A, W_qkv, b_qkv, gamma, beta, num_heads, key_size, head_size):
    """The RMC's multi-head attention of every row of A over every row of A.

    A: [B, L, F] (memory rows and the input row), W_qkv: [F, H * (2k + v)],
    b_qkv, gamma, beta: [H * (2k + v)] -> out [B, L, H * v].

    Steps (Sonnet's `_multihead_attention`):
      qkv = LayerNorm(A @ W_qkv + b_qkv); split per head into q, k, v;
      q = q * key_size ** -0.5;  out_h = softmax(q k^T) v;  concatenate heads.
    The weights [B, H, L, L] are in cache["weights"].
    """
    A = check_array("A", A, ndim=3)
    W_qkv = check_array("W_qkv", W_qkv, ndim=2)
    check_head_sizes(W_qkv.shape[1], num_heads, key_size, head_size)
    proj, lin_cache = linear_forward(A, W_qkv, b_qkv)
    qkv, ln_cache = layer_norm_forward(proj, gamma, beta)
    q, k, v = split_heads(qkv, num_heads, key_size, head_size)
    heads, att_cache = scaled_dot_product_attention_forward(q, k, v, scale=key_size ** -0.5)
    B, H, L, _ = heads.shape
    out = heads.transpose(0, 2, 1, 3).reshape(B, L, H * head_size)
    cache = {"lin": lin_cache, "ln": ln_cache, "att": att_cache,
             "weights": att_cache["weights"], "num_heads": num_heads, "head_size": head_size}
    return out, cache


def multihead_attention_backward(dout, cache):
    """Returns dA [B, L, F], dW_qkv, db_qkv, dgamma, dbeta."""
    B, L, _ = dout.shape
    H, v = cache["num_heads"], cache["head_size"]
    dheads = dout.reshape(B, L, H, v).transpose(0, 2, 1, 3)
    dq, dk, dv = scaled_dot_product_attention_backward(dheads, cache["att"])
    dqkv = merge_heads(dq, dk, dv)
    dproj, dgamma, dbeta = layer_norm_backward(dqkv, cache["ln"])
    dA, dW_qkv, db_qkv = linear_backward(dproj, cache["lin"])
    return dA, dW_qkv, db_qkv, dgamma, dbeta
