"""Losses for outputs at every step: sigmoid cross-entropy on the steps that
are scored (a mask), as the algorithmic tasks of the NTM paper use them."""

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
