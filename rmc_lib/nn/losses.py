"""Losses for outputs at every step, on the steps that are scored (a mask):
sigmoid cross-entropy for bits, as the algorithmic tasks of the NTM paper use
them, and softmax cross-entropy for a symbol per step (the transduction tasks)."""

import numpy as np

from .checks import check_array
from .layers import sigmoid


def masked_sigmoid_cross_entropy_forward(logits, targets, mask):
    """Mean binary cross-entropy per scored bit.

    logits: [B, T, O] (raw scores: the sigmoid is applied here), targets:
    [B, T, O] in [0, 1], mask: [B, T] (1 where a step is scored, 0 where it
    is not: input steps, padding). Each scored bit costs
        -y log sigmoid(z) - (1 - y) log(1 - sigmoid(z))
          = max(z, 0) - z y + log(1 + exp(-|z|))      (never overflows)
    and the loss is their mean over the scored steps' bits. With no scored
    step the loss is 0.
    """
    logits = check_array("logits", logits, ndim=3)
    targets = check_array("targets", targets)
    mask = check_array("mask", mask)
    if targets.shape != logits.shape:
        raise ValueError(f"targets must have the shape of logits {list(logits.shape)}, got {list(targets.shape)}")
    if mask.shape != logits.shape[:2]:
        raise ValueError(f"mask must have shape [B, T] = {list(logits.shape[:2])}, got {list(mask.shape)}")
    weight = mask[..., None].astype(logits.dtype)
    count = max(float(mask.sum()) * logits.shape[2], 1.0)
    per_bit = np.maximum(logits, 0) - logits * targets + np.log1p(np.exp(-np.abs(logits)))
    loss = float(np.sum(per_bit * weight) / count)
    return loss, (logits, targets, weight, count)


def masked_sigmoid_cross_entropy_backward(dloss, cache):
    """Returns dlogits [B, T, O] = (sigmoid(z) - y) * mask / count, times dloss."""
    logits, targets, weight, count = cache
    return dloss * (sigmoid(logits) - targets) * weight / count


def masked_softmax_cross_entropy_forward(logits, labels, mask):
    """Mean cross-entropy per scored step, for a class (a symbol) at every step.

    logits: [B, T, C] (raw scores: the softmax is applied here, once), labels:
    [B, T] integers in [0, C), mask: [B, T] (1 where a step is scored). The
    loss is -log softmax(z)[label] averaged over the scored steps (0 if none).
    """
    logits = check_array("logits", logits, ndim=3)
    labels = np.asarray(labels)
    mask = check_array("mask", mask)
    B, T, C = logits.shape
    if labels.shape != (B, T) or mask.shape != (B, T):
        raise ValueError(f"labels and mask must have shape [B, T] = {[B, T]}, got {list(labels.shape)} "
                         f"and {list(mask.shape)}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be integers, got dtype {labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() >= C):
        raise ValueError(f"labels must lie in [0, {C}), got values from {labels.min()} to {labels.max()}")
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_probs, labels[..., None], axis=-1)[..., 0]
    count = max(float(mask.sum()), 1.0)
    loss = float(-np.sum(picked * mask) / count)
    return loss, (log_probs, labels, mask.astype(logits.dtype), count)


def masked_softmax_cross_entropy_backward(dloss, cache):
    """Returns dlogits [B, T, C] = (softmax(z) - one_hot(label)) * mask / count, times dloss."""
    log_probs, labels, mask, count = cache
    d = np.exp(log_probs)
    np.put_along_axis(d, labels[..., None], np.take_along_axis(d, labels[..., None], axis=-1) - 1, axis=-1)
    return dloss * d * mask[..., None] / count
