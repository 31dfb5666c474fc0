"""Softmax, scaled dot-product and multi-head attention."""

import numpy as np
import pytest

from rmc_lib.nn import attention
from rmc_lib.nn.gradcheck import check_gradients, numerical_gradient, rel_error

TOL = 1e-7


def test_softmax_rows_sum_to_one_even_for_huge_logits(rng):
    x = np.concatenate([rng.normal(size=(3, 5)), [[1e4, -1e4, 0, 1e4, 5]], [[-1e4] * 5]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = attention.softmax(x)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)
    np.testing.assert_allclose(p[3], [0.5, 0, 0, 0.5, 0])
    np.testing.assert_allclose(p[4], 0.2)


def test_softmax_backward(rng):
    x, dout = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 3, 4))
    _, cache = attention.softmax_forward(x)
    dx = attention.softmax_backward(dout, cache)
    f = lambda: np.sum(attention.softmax_forward(x)[0] * dout)
    assert rel_error(dx, numerical_gradient(f, x)) < TOL


def test_scaled_dot_product_attention_value(rng):
    q, k, v = rng.normal(size=(2, 4)), rng.normal(size=(3, 4)), rng.normal(size=(3, 5))
    out, cache = attention.scaled_dot_product_attention_forward(q, k, v)
    scores = q @ k.T / 2.0  # sqrt(4)
    w = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(out, w @ v)
    np.testing.assert_allclose(cache["weights"], w)


@pytest.mark.parametrize("scale", [None, 0.3])
def test_scaled_dot_product_attention_gradients(rng, scale):
    q, k, v = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 5, 6))
    dout = rng.normal(size=(2, 3, 6))
    _, cache = attention.scaled_dot_product_attention_forward(q, k, v, scale)
    dq, dk, dv = attention.scaled_dot_product_attention_backward(dout, cache)
    f = lambda: np.sum(attention.scaled_dot_product_attention_forward(q, k, v, scale)[0] * dout)
    errors = check_gradients(f, {"q": q, "k": k, "v": v}, {"q": dq, "k": dk, "v": dv})
    assert max(errors.values()) < TOL, errors


def test_split_and_merge_heads_follow_sonnets_layout():
    # head 0 owns columns 0..7 (q: 0,1  k: 2,3  v: 4..7), head 1 owns 8..15
    num_heads, key_size, head_size = 2, 2, 4
    qkv = np.arange(16.0).reshape(1, 1, 16)
    q, k, v = attention.split_heads(qkv, num_heads, key_size, head_size)
    assert q.shape == (1, 2, 1, 2) and v.shape == (1, 2, 1, 4)
    np.testing.assert_array_equal(q[0, :, 0], [[0, 1], [8, 9]])
    np.testing.assert_array_equal(k[0, :, 0], [[2, 3], [10, 11]])
    np.testing.assert_array_equal(v[0, :, 0], [[4, 5, 6, 7], [12, 13, 14, 15]])
    np.testing.assert_array_equal(attention.merge_heads(q, k, v), qkv)


def make_mha(rng, B=2, L=4, F=6, H=2, key_size=3, head_size=3):
    width = H * (2 * key_size + head_size)
    return dict(
        A=rng.normal(size=(B, L, F)),
        W_qkv=rng.normal(size=(F, width)) / np.sqrt(F),
        b_qkv=rng.normal(size=width) * 0.1,
        gamma=1 + 0.1 * rng.normal(size=width),
        beta=0.1 * rng.normal(size=width),
    ), dict(num_heads=H, key_size=key_size, head_size=head_size)


@pytest.mark.parametrize("H, key_size, head_size", [(1, 4, 4), (2, 3, 3), (3, 2, 5)])
def test_multihead_attention_gradients(rng, H, key_size, head_size):
    arrays, sizes = make_mha(rng, H=H, key_size=key_size, head_size=head_size)
    out, cache = attention.multihead_attention_forward(**arrays, **sizes)
    assert out.shape == (2, 4, H * head_size)
    assert cache["weights"].shape == (2, H, 4, 4)
    np.testing.assert_allclose(cache["weights"].sum(axis=-1), 1.0)
    dout = rng.normal(size=out.shape)
    grads = dict(zip(["A", "W_qkv", "b_qkv", "gamma", "beta"],
                     attention.multihead_attention_backward(dout, cache)))
    f = lambda: np.sum(attention.multihead_attention_forward(**arrays, **sizes)[0] * dout)
    errors = check_gradients(f, arrays, grads)
    assert max(errors.values()) < TOL, errors


def test_multihead_attention_matches_a_plain_loop(rng):
    """Each head computed on its own, by the textbook formula, gives the same output."""
    arrays, sizes = make_mha(rng, H=2, key_size=3, head_size=4)
    out, _ = attention.multihead_attention_forward(**arrays, **sizes)
    proj = arrays["A"] @ arrays["W_qkv"] + arrays["b_qkv"]
    mu, var = proj.mean(-1, keepdims=True), proj.var(-1, keepdims=True)
    qkv = (proj - mu) / np.sqrt(var + 1e-5) * arrays["gamma"] + arrays["beta"]
    heads = []
    for h in range(2):
        block = qkv[..., h * 10:(h + 1) * 10]
        q, k, v = block[..., :3] / np.sqrt(3), block[..., 3:6], block[..., 6:]
        s = q @ k.transpose(0, 2, 1)
        w = np.exp(s - s.max(-1, keepdims=True))
        heads.append((w / w.sum(-1, keepdims=True)) @ v)
    np.testing.assert_allclose(out, np.concatenate(heads, axis=-1), rtol=1e-12, atol=1e-12)


def test_multihead_attention_rejects_a_width_that_does_not_split(rng):
    arrays, sizes = make_mha(rng)
    with pytest.raises(ValueError, match=r"W_qkv has 18 output columns.*num_heads=3.*expected 27"):
        attention.multihead_attention_forward(**arrays, num_heads=3, key_size=3, head_size=3)


@pytest.mark.parametrize("bad", [0, -1, 2.5])
def test_multihead_attention_rejects_bad_key_size(rng, bad):
    arrays, _ = make_mha(rng)
    with pytest.raises(ValueError, match=f"key_size must be a positive integer, got {bad}"):
        attention.multihead_attention_forward(**arrays, num_heads=2, key_size=bad, head_size=3)


def test_attention_rejects_mismatched_qk(rng):
    with pytest.raises(ValueError, match="q and k must have the same last axis"):
        attention.scaled_dot_product_attention_forward(np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((2, 4)))
    with pytest.raises(ValueError, match="k and v must have the same number of rows"):
        attention.scaled_dot_product_attention_forward(np.zeros((2, 3)), np.zeros((2, 3)), np.zeros((3, 4)))
