"""The pieces of an end-to-end memory network (Sukhbaatar et al. 2015), each
a forward/backward pair: sentences embedded as weighted bags of words, and
one hop of attention over the memories they make.

Shapes: B questions, M memory slots (sentences), W words per sentence
(padded with 0), d the embedding size, V the vocabulary (index 0 is the
padding, whose weight is always 0).

    weights  = position_weights(tokens, d)          [..., W, d]   l_kj (0 on padding)
    m        = sum_j weights_j * E[token_j]         [..., d]      embed_forward
    p        = softmax(m u)  over the valid slots   [B, M]        hop_forward
    o        = sum_i p_i c_i                        [B, d]
"""

import numpy as np

from .checks import check_array, check_positive_int


# ----------------------------------------------------------------------------
# Position encoding
# ----------------------------------------------------------------------------

def position_encoding(num_words, dim):
    """The paper's l_kj = (1 - j/J) - (k/d)(1 - 2j/J) for a sentence of J =
    num_words words: [J, d], row j-1 for word j, column k-1 for dimension k
    (Sukhbaatar et al. 2015, section 4.1; j and k count from 1)."""
    J, d = check_positive_int("num_words", num_words), check_positive_int("dim", dim)
    j = np.arange(1, J + 1)[:, None]
    k = np.arange(1, d + 1)[None, :]
    return (1 - j / J) - (k / d) * (1 - 2 * j / J)


def released_position_encoding(max_words, dim):
    """The weights of the released MATLAB code (and its numpy port), for
    comparison: 1 + 4 (k - (d+1)/2)(j - (J+1)/2) / (d J), with J fixed to the
    longest sentence of the data set plus one (a "time word" at the end),
    whatever the sentence's own length. [J, d]."""
    J, d = check_positive_int("max_words", max_words), check_positive_int("dim", dim)
    j = np.arange(1, J + 1)[:, None]
    k = np.arange(1, d + 1)[None, :]
    return 1 + 4 * (k - (d + 1) / 2) * (j - (J + 1) / 2) / (d * J)


def check_tokens(name, tokens, vocab_size=None, what="word", table="the vocabulary"):
    """Integer indices >= 0 (and < vocab_size if given), as an array; `what`
    and `table` name them in the error ('word', 'the vocabulary')."""
    tokens = check_array(name, tokens)
    if tokens.ndim == 0 or not np.issubdtype(tokens.dtype, np.integer):
        raise ValueError(f"{name} must be an array of integer {what} indices, got dtype {tokens.dtype} "
                         f"and shape {tokens.shape}")
    if tokens.size and tokens.min() < 0:
        raise ValueError(f"{name} must hold {what} indices >= 0 (0 = none), got {tokens.min()}")
    if vocab_size is not None and tokens.size and tokens.max() >= vocab_size:
        raise ValueError(f"{name} holds {what} index {tokens.max()}, but {table} has indices "
                         f"0..{vocab_size - 1}")
    return tokens


def position_weights(tokens, dim, encoding="position"):
    """The weight of each word of each sentence: [..., W, d].

    tokens [..., W]: word indices, 0 = padding after the last word. With
    encoding 'position', a sentence of J words gets position_encoding(J, d)
    in its first J rows; with 'bag' every word weighs 1 (a bag of words).
    Padding always weighs 0, so it adds nothing to an embedding.
    """
    tokens = check_tokens("tokens", tokens)
    dim = check_positive_int("dim", dim)
    if encoding not in ("position", "bag"):
        raise ValueError(f"encoding must be 'position' or 'bag', got {encoding!r}")
    is_word = tokens > 0
    if encoding == "bag":
        return np.repeat(is_word[..., None].astype(float), dim, axis=-1)
    J = np.maximum(is_word.sum(axis=-1, keepdims=True), 1)[..., None]        # [..., 1, 1]
    j = np.arange(1, tokens.shape[-1] + 1)[:, None]                         # [W, 1]
    k = np.arange(1, dim + 1)[None, :]                                      # [1, d]
    weights = (1 - j / J) - (k / dim) * (1 - 2 * j / J)
    return weights * is_word[..., None]


# ----------------------------------------------------------------------------
# Sentence embedding
# ----------------------------------------------------------------------------

def embed_forward(E, tokens, weights):
    """sum_j weights_j * E[token_j] over the words of each sentence.

    E [V, d], tokens [..., W], weights [..., W, d] -> [..., d].
    """
    E = check_array("E", E, ndim=2)
    tokens = check_tokens("tokens", tokens, vocab_size=E.shape[0])
    weights = check_array("weights", weights)
    if weights.shape != tokens.shape + (E.shape[1],):
        raise ValueError(f"weights must have shape {list(tokens.shape + (E.shape[1],))} (tokens' shape "
                         f"and the embedding size), got {list(weights.shape)}")
    out = np.sum(E[tokens] * weights, axis=-2)
    return out, (E.shape, tokens, weights)


def embed_backward(dout, cache):
    """Returns dE [V, d]: each word's row collects dout * its weight, summed over
    every place the word occurs."""
    shape, tokens, weights = cache
    dE = np.zeros(shape, dtype=dout.dtype)
    np.add.at(dE, tokens.reshape(-1), (dout[..., None, :] * weights).reshape(-1, shape[1]))
    return dE


# ----------------------------------------------------------------------------
# One hop
# ----------------------------------------------------------------------------

def masked_softmax(scores, mask):
    """softmax over the last axis, among the entries where mask is True; the
    others get 0. A row with no True entry is all 0 (not NaN)."""
    shifted = np.where(mask, scores, -np.inf)
    top = np.max(shifted, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    e = np.where(mask, np.exp(np.where(mask, scores, 0.0) - top), 0.0)
    total = e.sum(axis=-1, keepdims=True)
    return e / np.where(total > 0, total, 1.0)


def hop_forward(u, m, c, mask, linear=False):
    """One memory hop: p = softmax(m u) over the slots where mask is True,
    o = sum_i p_i c_i.

    u [B, d] the controller state, m [B, M, d] the input memories, c [B, M, d]
    the output memories, mask [B, M] the slots that hold a sentence.
    linear: no softmax, p = m u on the valid slots (the paper's linear start).
    Returns (o [B, d], p [B, M], cache).
    """
    u = check_array("u", u, ndim=2)
    m = check_array("m", m, ndim=3)
    c = check_array("c", c, ndim=3)
    B, d = u.shape
    if m.shape[0] != B or m.shape[2] != d or c.shape != m.shape:
        raise ValueError(f"m and c must have shape [B={B}, M, d={d}], got {list(m.shape)} and {list(c.shape)}")
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != m.shape[:2]:
        raise ValueError(f"mask must have shape {list(m.shape[:2])} (one entry per slot), got {list(mask.shape)}")
    scores = np.einsum("bmd,bd->bm", m, u)
    p = scores * mask if linear else masked_softmax(scores, mask)
    o = np.einsum("bm,bmd->bd", p, c)
    return o, p, (u, m, c, mask, p, linear)


def hop_backward(do, dp_extra, cache):
    """Returns du [B, d], dm [B, M, d], dc [B, M, d] given do [B, d] (and
    dp_extra [B, M] or None: a gradient reaching p directly)."""
    u, m, c, mask, p, linear = cache
    dp = np.einsum("bmd,bd->bm", c, do)
    if dp_extra is not None:
        dp = dp + dp_extra
    dc = p[..., None] * do[:, None, :]
    if linear:
        dscores = dp * mask
    else:
        dscores = p * (dp - np.sum(p * dp, axis=-1, keepdims=True))
    dm = dscores[..., None] * u[:, None, :]
    du = np.einsum("bm,bmd->bd", dscores, m)
    return du, dm, dc
