"""Self-checks for the exercises of lesson 01 (attention).

Each check runs a learner's function against a reference on several cases
(including awkward ones), prints the first case that fails and, when the
answer matches a typical mistake, which one; or that it passed. It returns
True or False.
"""

import numpy as np

from ..nn import attention
from ..nn.layers import layer_norm_forward, linear_forward
from ._cases import run_cases, run_with_mistakes


def check_softmax(fn):
    """fn(x) must return softmax over the last axis, safely for huge values."""
    rng = np.random.default_rng(1)
    inputs = [
        ("a vector of 5 values", rng.normal(size=5)),
        ("a [3, 4] matrix (softmax of each row)", rng.normal(size=(3, 4))),
        ("a [2, 3, 6] array", rng.normal(size=(2, 3, 6))),
        ("values of +-1000 (does it overflow?)", np.array([[1000.0, -1000.0, 999.0]])),
        ("a row of equal values", np.zeros((2, 4))),
    ]
    cases = [(d, lambda x=x: fn(x.copy()), lambda x=x: attention.softmax(x)) for d, x in inputs]
    return run_cases("check_softmax", cases)


# ----------------------------------------------------------------------------
# Exercise 1: the RMC's attention without the layer norm on qkv
# ----------------------------------------------------------------------------

def _weights(qkv, num_heads, key_size, head_size, scale=None, axis=-1):
    q, k, _ = attention.split_heads(qkv, num_heads, key_size, head_size)
    scale = key_size ** -0.5 if scale is None else scale
    return attention.softmax(scale * q @ np.swapaxes(k, -1, -2), axis=axis)


def weights_without_layer_norm(A, W_qkv, b_qkv, num_heads, key_size, head_size):
    """The attention weights [B, H, L, L] of `multihead_attention_forward`
    with its layer norm on qkv removed: qkv = A W_qkv + b_qkv, split per
    head, softmax(q k^T / sqrt(key_size))."""
    qkv, _ = linear_forward(A, W_qkv, b_qkv)
    return _weights(qkv, num_heads, key_size, head_size)


def check_weights_without_layer_norm(fn):
    """fn(A, W_qkv, b_qkv, num_heads, key_size, head_size) must return the
    attention weights [B, H, L, L] of the RMC's attention without the layer
    norm on qkv."""
    rng = np.random.default_rng(11)
    settings = [("2 heads, key size 3, head size 4, one input of 5 rows", 1, 5, 2, 3, 4, 1.0),
                ("a batch of 2, 1 head, a non-zero bias", 2, 4, 1, 2, 3, 1.0),
                ("the same rows times 10 (large scores)", 1, 5, 2, 3, 4, 10.0)]
    cases = []
    for description, B, L, H, k, v, c in settings:
        F, width = H * v, H * (2 * k + v)
        A = c * rng.normal(size=(B, L, F))
        W, b = rng.normal(size=(F, width)) / np.sqrt(F), 0.3 * rng.normal(size=width)
        proj = A @ W + b
        normed, _ = layer_norm_forward(proj, np.ones(width), np.zeros(width))
        mistakes = [("the layer norm is still there", _weights(normed, H, k, v)),
                    ("the scores are not divided by sqrt(key_size)", _weights(proj, H, k, v, scale=1.0)),
                    ("the bias b_qkv is left out", _weights(A @ W, H, k, v)),
                    ("the softmax runs over the queries (axis -2), not the keys", _weights(proj, H, k, v, axis=-2))]
        cases.append((description, lambda A=A, W=W, b=b, H=H, k=k, v=v: fn(A.copy(), W.copy(), b.copy(), H, k, v),
                      weights_without_layer_norm(A, W, b, H, k, v), mistakes))
    return run_with_mistakes("check_weights_without_layer_norm", cases)


def attention_entropy(weights):
    """The mean over rows of -sum_j p_j log p_j, for weights [..., Lk]
    (0 for one-hot rows, log Lk for uniform ones)."""
    weights = np.asarray(weights)
    logs = np.log(np.where(weights > 0, weights, 1.0))       # 0 log 0 = 0
    return float(np.mean(-np.sum(weights * logs, axis=-1)))


def compare_entropy_without_layer_norm(fn, A, W_qkv, b_qkv, gamma, beta, num_heads, key_size, head_size,
                                       scales=(0.1, 1.0, 10.0, 100.0)):
    """Print the mean entropy of the attention rows over A * c for each scale
    c, with the layer norm (rmc_lib) and without it (fn, a function like
    `weights_without_layer_norm`). Returns {"with": [...], "without": [...]},
    or None if fn raises (the message says so)."""
    table = {"with": [], "without": []}
    for c in scales:
        _, cache = attention.multihead_attention_forward(c * A, W_qkv, b_qkv, gamma, beta,
                                                         num_heads, key_size, head_size)
        table["with"].append(attention_entropy(cache["weights"]))
        try:
            weights = fn(c * A, W_qkv, b_qkv, num_heads, key_size, head_size)
        except Exception as exc:  # the learner's code may raise anything
            print(f"your function raised {type(exc).__name__}: {exc}")
            return None
        table["without"].append(attention_entropy(weights))
    print(f"uniform attention over {A.shape[1]} keys: entropy log {A.shape[1]} = {np.log(A.shape[1]):.3f}")
    print("     c   entropy with the layer norm   without it")
    for c, with_ln, without in zip(scales, table["with"], table["without"]):
        print(f"{c:6g}   {with_ln:27.3f}   {without:10.3f}")
    return table


# ----------------------------------------------------------------------------
# Exercise 2: two identical keys
# ----------------------------------------------------------------------------

def twin_key_weights(weights, j):
    """One query's weights over Lk keys -> its Lk + 1 weights once a copy of
    key j is appended as key Lk: the copy scores what key j scores, so the
    softmax's denominator grows by exp(s_j), i.e. by a share w_j."""
    weights = np.asarray(weights, dtype=np.float64)
    return np.append(weights, weights[j]) / (1.0 + weights[j])


def check_twin_key_weights(fn):
    """fn(weights, j) must return the Lk + 1 attention weights of a query whose
    Lk weights were `weights`, after a copy of key j is appended."""
    rng = np.random.default_rng(12)
    rows = [("4 keys, key 1 copied", attention.softmax(rng.normal(size=4)), 1),
            ("5 keys, the most attended key copied", attention.softmax(2 * rng.normal(size=5)), None),
            ("uniform weights over 3 keys, key 2 copied", np.full(3, 1 / 3), 2),
            ("a one-hot row, a key with weight 0 copied", np.array([0.0, 1.0, 0.0]), 0)]
    cases = []
    for description, w, j in rows:
        j = int(np.argmax(w)) if j is None else j
        mistakes = [("key j's weight is split between the two copies (each copy scores as much as key j did)",
                     np.append(np.where(np.arange(len(w)) == j, w / 2, w), w[j] / 2)),
                    ("the weights are not renormalised (they must sum to 1)", np.append(w, w[j]))]
        cases.append((description, lambda w=w, j=j: fn(w.copy(), j), twin_key_weights(w, j), mistakes))
    return run_with_mistakes("check_twin_key_weights", cases)


# ----------------------------------------------------------------------------
# Exercise 3: the entropy at the two ends of the temperature
# ----------------------------------------------------------------------------

def entropy_limits(scores):
    """(entropy as T -> 0, entropy as T -> infinity) of softmax(scores / T):
    cold, the weight goes evenly to the m scores tied at the maximum (log m);
    hot, evenly to all L_k (log L_k)."""
    scores = np.asarray(scores, dtype=np.float64)
    tied = int(np.sum(scores == scores.max()))
    return float(np.log(tied)), float(np.log(scores.size))


def check_entropy_limits(fn):
    """fn(scores) must return (cold, hot): the entropy of softmax(scores / T)
    as T -> 0 and as T -> infinity."""
    inputs = [("scores [2, 1, 0.5, -1]", np.array([2.0, 1.0, 0.5, -1.0])),
              ("two scores tied at the maximum, [3, 3, 1]", np.array([3.0, 3.0, 1.0])),
              ("three of five tied at the maximum", np.array([0.5, 2.0, 2.0, -1.0, 2.0])),
              ("all scores equal, [1, 1, 1, 1]", np.ones(4))]
    cases = []
    for description, s in inputs:
        cold, hot = entropy_limits(s)
        mistakes = [("with several scores tied at the maximum, cold attention is not one-hot: "
                     "it spreads evenly over the tied keys", [0.0, hot]),
                    ("cold and hot are swapped: T -> 0 is the sharp end", [hot, cold]),
                    ("the logarithm is to base 2; this series uses the natural log",
                     [cold / np.log(2), hot / np.log(2)])]
        cases.append((description, lambda s=s: np.asarray(fn(s.copy())), np.array([cold, hot]),
                      [(what, np.array(value)) for what, value in mistakes]))
    return run_with_mistakes("check_entropy_limits", cases)
