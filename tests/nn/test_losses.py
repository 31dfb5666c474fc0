"""The masked sigmoid cross-entropy of the per-step tasks."""

import numpy as np
import pytest

from rmc_lib.nn.gradcheck import check_gradients
from rmc_lib.nn.losses import masked_sigmoid_cross_entropy_backward, masked_sigmoid_cross_entropy_forward


def test_gradient_and_value(rng):
    logits = rng.normal(size=(3, 5, 4)) * 3
    targets = rng.integers(0, 2, size=(3, 5, 4)).astype(float)
    mask = np.zeros((3, 5))
    mask[:, 2:] = 1
    mask[1, 4] = 0
    loss, cache = masked_sigmoid_cross_entropy_forward(logits, targets, mask)
    p = 1 / (1 + np.exp(-logits))
    per_bit = -(targets * np.log(p) + (1 - targets) * np.log(1 - p))
    assert loss == pytest.approx((per_bit * mask[..., None]).sum() / (mask.sum() * 4), rel=1e-12)
    dlogits = masked_sigmoid_cross_entropy_backward(1.0, cache)
    assert not np.any(dlogits[:, :2]) and not np.any(dlogits[1, 4])      # unscored steps get nothing
    f = lambda: masked_sigmoid_cross_entropy_forward(logits, targets, mask)[0]
    assert check_gradients(f, {"logits": logits}, {"logits": dlogits})["logits"] < 1e-7


def test_huge_logits_and_no_scored_step():
    logits = np.array([[[1e4, -1e4]]])
    loss, cache = masked_sigmoid_cross_entropy_forward(logits, np.array([[[0.0, 1.0]]]), np.ones((1, 1)))
    assert loss == pytest.approx(1e4) and np.all(np.isfinite(masked_sigmoid_cross_entropy_backward(1.0, cache)))
    loss, _ = masked_sigmoid_cross_entropy_forward(logits, np.zeros((1, 1, 2)), np.zeros((1, 1)))
    assert loss == 0.0


def test_errors():
    with pytest.raises(ValueError, match=r"targets must have the shape of logits \[1, 2, 3\]"):
        masked_sigmoid_cross_entropy_forward(np.zeros((1, 2, 3)), np.zeros((1, 2, 4)), np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"mask must have shape \[B, T\] = \[1, 2\]"):
        masked_sigmoid_cross_entropy_forward(np.zeros((1, 2, 3)), np.zeros((1, 2, 3)), np.ones((1, 3)))
