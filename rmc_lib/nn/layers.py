"""Building blocks, each a forward/backward pair (the CS231n layout).

Every `*_forward` returns `(out, cache)`; the matching `*_backward(dout,
cache)` returns the gradient of the loss with respect to each input and
parameter, given `dout`, the gradient with respect to `out`.

Conventions: row vectors, `y = x @ W + b` with `W` of shape `(in, out)`.
Inputs may have any number of leading axes (batch, slots, ...); a layer
acts on the last axis only.
"""

import numpy as np

from .checks import check_array

# ----------------------------------------------------------------------------
# Linear
# ----------------------------------------------------------------------------

def linear_forward(x, W, b):
    """y = x @ W + b.  x: [..., in], W: [in, out], b: [out] -> y: [..., out].

    Sonnet: `snt.Linear` (variables `w` and `b`).
    """
    x = check_array("x", x)
    W = check_array("W", W, ndim=2)
    b = check_array("b", b, ndim=1, last_dim=W.shape[1])
    if x.ndim == 0 or x.shape[-1] != W.shape[0]:
        raise ValueError(
            f"x must have last axis of size {W.shape[0]} (the rows of W), got shape {x.shape}"
        )
    # One 2-D product over all rows: numpy would otherwise loop over the
    # leading axes with one small matrix product each, which is much slower.
    rows = x.reshape(-1, x.shape[-1])
    out = (rows @ W + b).reshape(*x.shape[:-1], W.shape[1])
    return out, (x, W)


def linear_backward(dout, cache):
    """Returns dx [..., in], dW [in, out], db [out]."""
    x, W = cache
    rows = x.reshape(-1, x.shape[-1])
    drows = dout.reshape(-1, dout.shape[-1])
    dx = (drows @ W.T).reshape(x.shape)
    dW = rows.T @ drows          # every row's contribution, summed
    db = drows.sum(axis=0)
    return dx, dW, db


# ----------------------------------------------------------------------------
# Layer norm
# ----------------------------------------------------------------------------

def layer_norm_forward(x, gamma, beta, eps=1e-5):
    """Normalise each row (the last axis) to mean 0 and variance 1, then
    scale by gamma and shift by beta.

    x: [..., F], gamma, beta: [F] -> [..., F].  The variance is the biased
    (population) one, as in Sonnet's `snt.LayerNorm` (eps 1e-5).
    """
    x = check_array("x", x)
    F = x.shape[-1] if x.ndim else None
    gamma = check_array("gamma", gamma, ndim=1, last_dim=F)
    beta = check_array("beta", beta, ndim=1, last_dim=F)
    # Row means as sums / F: np.mean does the same with more overhead.
    centred = x - x.sum(axis=-1, keepdims=True) / F
    var = np.einsum("...i,...i->...", centred, centred)[..., None] / F
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = centred
    x_hat *= inv_std                 # in place: centred is not needed any more
    out = x_hat * gamma
    out += beta
    return out, (x_hat, inv_std, gamma)


def layer_norm_backward(dout, cache):
    """Returns dx [..., F], dgamma [F], dbeta [F].

    With x_hat = (x - mean) * inv_std and g = dout * gamma, the gradient
    through the mean and the variance of each row collapses to
        dx = inv_std * (g - mean(g) - x_hat * mean(g * x_hat)),
    the means taken over the row.
    """
    x_hat, inv_std, gamma = cache
    F = x_hat.shape[-1]
    dout_rows, x_hat_rows = dout.reshape(-1, F), x_hat.reshape(-1, F)
    dgamma = np.einsum("ij,ij->j", dout_rows, x_hat_rows)
    dbeta = dout_rows.sum(axis=0)
    g = dout * gamma
    mean_g = g.sum(axis=-1, keepdims=True) / F
    mean_g_x_hat = np.einsum("...i,...i->...", g, x_hat)[..., None] / F
    dx = g
    dx -= mean_g                     # in place: g is not needed any more
    dx -= x_hat * mean_g_x_hat
    dx *= inv_std
    return dx, dgamma, dbeta


# ----------------------------------------------------------------------------
# Element-wise non-linearities
# ----------------------------------------------------------------------------

def relu_forward(x):
    """max(0, x), element-wise."""
    out = np.maximum(x, 0)
    return out, x


def relu_backward(dout, cache):
    x = cache
    return dout * (x > 0)


def tanh_forward(x):
    """tanh(x), element-wise."""
    out = np.tanh(x)
    return out, out


def tanh_backward(dout, cache):
    out = cache
    return dout * (1 - out ** 2)


def clip_forward(x, value):
    """Clip to [-value, value] (value 0 or None: no clipping), as
    tf.clip_by_value; the cache marks where the gradient passes (inside the
    bounds, the bounds included, as TensorFlow's gradient does)."""
    if not value:
        return x, None
    inside = np.abs(x) <= value
    return np.clip(x, -value, value), inside


def clip_backward(dout, inside):
    return dout if inside is None else dout * inside


def sigmoid(x):
    """1 / (1 + exp(-x)), computed without overflow for any |x|.

    exp is only ever taken of -|x| <= 0, so it lies in [0, 1]: for x >= 0
    use 1 / (1 + e^-x), for x < 0 the equal form e^x / (1 + e^x).
    """
    x = np.asarray(x)
    e = np.exp(-np.abs(x))          # in [0, 1]: never overflows
    r = 1 / (1 + e)
    return np.where(x >= 0, r, e * r)


def sigmoid_forward(x):
    """sigmoid(x), element-wise, stable for large |x|."""
    out = sigmoid(x)
    return out, out


def sigmoid_backward(dout, cache):
    out = cache
    return dout * out * (1 - out)


# ----------------------------------------------------------------------------
# MLP
# ----------------------------------------------------------------------------

def mlp_forward(x, weights, biases):
    """A stack of linear layers with ReLU between them and none after the last.

    x: [..., in]; weights: list of [in_l, out_l]; biases: list of [out_l].
    Sonnet: `snt.nets.MLP(output_sizes, activate_final=False)`.
    """
    if len(weights) != len(biases) or len(weights) == 0:
        raise ValueError(
            f"weights and biases must be non-empty lists of equal length, "
            f"got {len(weights)} weights and {len(biases)} biases"
        )
    caches = []
    h = x
    for layer, (W, b) in enumerate(zip(weights, biases)):
        h, lin_cache = linear_forward(h, W, b)
        relu_cache = None
        if layer < len(weights) - 1:
            h, relu_cache = relu_forward(h)
        caches.append((lin_cache, relu_cache))
    return h, caches


def mlp_backward(dout, cache):
    """Returns dx and the lists dweights, dbiases (same order as the forward)."""
    dweights, dbiases = [], []
    dh = dout
    for lin_cache, relu_cache in reversed(cache):
        if relu_cache is not None:
            dh = relu_backward(dh, relu_cache)
        dh, dW, db = linear_backward(dh, lin_cache)
        dweights.append(dW)
        dbiases.append(db)
    return dh, dweights[::-1], dbiases[::-1]


# ----------------------------------------------------------------------------
# Softmax cross-entropy
# ----------------------------------------------------------------------------

def log_softmax(logits):
    """log(softmax(logits)) over the last axis, without overflow."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax_cross_entropy_forward(logits, labels):
    """Mean cross-entropy between softmax(logits) and integer labels.

    logits: [B, C] (raw scores, NOT probabilities: the softmax is applied
    here, once), labels: [B] ints in [0, C) -> scalar loss.
    """
    logits = check_array("logits", logits, ndim=2)
    labels = np.asarray(labels)
    B, C = logits.shape
    if labels.shape != (B,):
        raise ValueError(f"labels must have shape ({B},) to match logits {logits.shape}, got {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integers, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= C):
        raise ValueError(f"labels must lie in [0, {C}), got values from {labels.min()} to {labels.max()}")
    logp = log_softmax(logits)
    loss = -logp[np.arange(B), labels].mean()
    return loss, (logp, labels)


def softmax_cross_entropy_backward(dloss, cache):
    """Returns dlogits [B, C]: (softmax(logits) - one_hot(labels)) / B, times dloss."""
    logp, labels = cache
    B = logp.shape[0]
    dlogits = np.exp(logp)
    dlogits[np.arange(B), labels] -= 1
    return dloss * dlogits / B
