"""The masked cross-entropies of the per-step tasks: sigmoid (bits) and softmax (symbols)."""

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


def test_masked_softmax_cross_entropy_value_and_gradient(rng):
    from rmc_lib.nn.losses import masked_softmax_cross_entropy_backward, masked_softmax_cross_entropy_forward
    logits = rng.normal(size=(3, 4, 5))
    labels = rng.integers(5, size=(3, 4))
    mask = np.array([[0, 1, 1, 0], [1, 1, 1, 1], [0, 0, 0, 1]], dtype=float)
    loss, cache = masked_softmax_cross_entropy_forward(logits, labels, mask)
    p = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    by_hand = -sum(np.log(p[b, t, labels[b, t]]) for b in range(3) for t in range(4) if mask[b, t]) / mask.sum()
    assert loss == pytest.approx(by_hand, rel=1e-12)
    d = masked_softmax_cross_entropy_backward(1.0, cache)
    errors = check_gradients(lambda: masked_softmax_cross_entropy_forward(logits, labels, mask)[0],
                             {"logits": logits}, {"logits": d})
    assert errors["logits"] < 1e-7
    assert np.all(d[mask == 0] == 0)
    huge, _ = masked_softmax_cross_entropy_forward(1e4 * logits, labels, mask)
    assert np.isfinite(huge)
    assert masked_softmax_cross_entropy_forward(logits, labels, 0 * mask)[0] == 0.0
    with pytest.raises(ValueError, match="labels must lie in"):
        masked_softmax_cross_entropy_forward(logits, labels + 5, mask)
    with pytest.raises(ValueError, match="labels and mask must have shape"):
        masked_softmax_cross_entropy_forward(logits, labels[:, :2], mask)
