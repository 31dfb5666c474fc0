"""The memory network's pieces: position encoding (the paper's formula,
checked entry by entry), sentence embedding and one hop, each with a
finite-difference gradient check, and the edge cases of the masked softmax."""

import numpy as np
import pytest

from rmc_lib.nn import memory_hops as mh
from rmc_lib.nn.gradcheck import check_gradients

TOL = 1e-7


def test_position_encoding_is_the_papers_formula():
    J, d = 4, 3
    pe = mh.position_encoding(J, d)
    for j in range(1, J + 1):
        for k in range(1, d + 1):
            assert pe[j - 1, k - 1] == pytest.approx((1 - j / J) - (k / d) * (1 - 2 * j / J))
    # the last word's weights rise with k, the first word's fall: order becomes visible
    assert np.all(np.diff(pe[-1]) > 0) and np.all(np.diff(pe[0]) < 0)


def test_released_encoding_differs_from_the_papers():
    released, paper = mh.released_position_encoding(5, 4), mh.position_encoding(5, 4)
    assert released.shape == paper.shape
    assert np.isclose(released[2], 1.0).all()         # the middle word weighs 1 in every dimension
    assert not np.allclose(released, paper)


def test_position_weights_follow_each_sentences_own_length():
    tokens = np.array([[3, 5, 0, 0], [4, 2, 7, 1]])
    w = mh.position_weights(tokens, 6)
    np.testing.assert_allclose(w[0, :2], mh.position_encoding(2, 6))
    np.testing.assert_array_equal(w[0, 2:], 0.0)
    np.testing.assert_allclose(w[1], mh.position_encoding(4, 6))
    bag = mh.position_weights(tokens, 6, encoding="bag")
    np.testing.assert_array_equal(bag[0, :, 0], [1, 1, 0, 0])


def test_embedding_gradients(rng):
    E = rng.normal(size=(7, 5))
    tokens = np.array([[[1, 2, 2, 0], [6, 0, 0, 0]], [[3, 4, 5, 1], [0, 0, 0, 0]]])
    weights = mh.position_weights(tokens, 5)
    out, cache = mh.embed_forward(E, tokens, weights)
    np.testing.assert_allclose(out[0, 1], weights[0, 1, 0] * E[6])
    np.testing.assert_array_equal(out[1, 1], 0.0)       # an empty sentence embeds to 0
    dout = rng.normal(size=out.shape)
    dE = mh.embed_backward(dout, cache)
    assert np.all(dE[0] == 0)                           # the padding row never learns
    errors = check_gradients(lambda: np.sum(mh.embed_forward(E, tokens, weights)[0] * dout), {"E": E}, {"E": dE})
    assert errors["E"] < TOL


@pytest.mark.parametrize("linear", [False, True])
def test_hop_gradients(rng, linear):
    B, M, d = 3, 4, 5
    u, m, c = rng.normal(size=(B, d)), rng.normal(size=(B, M, d)), rng.normal(size=(B, M, d))
    mask = np.array([[1, 1, 1, 1], [1, 1, 0, 0], [1, 0, 0, 0]], dtype=bool)
    do, dp = rng.normal(size=(B, d)), rng.normal(size=(B, M))
    o, p, cache = mh.hop_forward(u, m, c, mask, linear)
    du, dm, dc = mh.hop_backward(do, dp, cache)

    def f():
        o, p, _ = mh.hop_forward(u, m, c, mask, linear)
        return np.sum(o * do) + np.sum(p * dp)
    errors = check_gradients(f, {"u": u, "m": m, "c": c}, {"u": du, "m": dm, "c": dc})
    assert max(errors.values()) < TOL, errors
    assert np.all(p[~mask] == 0)
    if not linear:
        np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_masked_softmax_edge_cases():
    scores = np.array([[1000.0, -1000.0, 3.0], [1.0, 2.0, 3.0]])
    mask = np.array([[True, True, False], [False, False, False]])
    p = mh.masked_softmax(scores, mask)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p[0], [1.0, 0.0, 0.0])
    np.testing.assert_array_equal(p[1], 0.0)            # no sentence at all: no attention, no NaN


def test_bad_input_gets_a_clear_error(rng):
    E = rng.normal(size=(5, 3))
    with pytest.raises(ValueError, match="vocabulary has indices 0..4"):
        mh.embed_forward(E, np.array([[1, 5]]), np.ones((1, 2, 3)))
    with pytest.raises(ValueError, match="integer word indices"):
        mh.position_weights(np.array([[1.0, 2.0]]), 3)
    with pytest.raises(ValueError, match="weights must have shape"):
        mh.embed_forward(E, np.array([[1, 2]]), np.ones((1, 2, 4)))
    with pytest.raises(ValueError, match="mask must have shape"):
        mh.hop_forward(np.ones((2, 3)), np.ones((2, 4, 3)), np.ones((2, 4, 3)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="encoding must be"):
        mh.position_weights(np.array([[1]]), 3, encoding="positional")
