"""The NTM's addressing, reading, writing and head parameters: float64
gradient checks of every block, its values against the paper's formulas
written as slow loops, the edges (zero rows, zero keys, zero weights, huge
strengths) and clear errors."""

import numpy as np
import pytest

from rmc_lib.nn import addressing as ad
from rmc_lib.nn import memory_access as ma
from rmc_lib.nn.gradcheck import check_gradients

TOL = 1e-7
B, H, N, W = 2, 3, 5, 4


def weighting(rng, *shape):
    """Random rows that are >= 0 and sum to 1."""
    e = np.exp(rng.normal(size=shape))
    return e / e.sum(axis=-1, keepdims=True)


def gradcheck(forward, backward, arrays, rng, tol=TOL):
    """Check backward(dout, cache) (returning gradients in the order of
    `arrays`) against finite differences of sum(forward(**arrays) * dout)."""
    out, cache = forward(**arrays)
    dout = rng.normal(size=np.shape(out))
    grads = backward(dout, cache)
    grads = grads if isinstance(grads, tuple) else (grads,)
    analytic = dict(zip(arrays, grads))

    def loss():
        return np.sum(forward(**arrays)[0] * dout)

    errors = check_gradients(loss, arrays, analytic)
    assert max(errors.values()) < tol, errors
    return errors


def address_arrays(rng):
    return dict(memory=rng.normal(size=(B, N, W)), keys=rng.normal(size=(B, H, W)),
                strengths=rng.uniform(0.5, 3, size=(B, H)), gate=rng.uniform(0.1, 0.9, size=(B, H)),
                shifts=weighting(rng, B, H, 3), gamma=rng.uniform(1, 3, size=(B, H)),
                previous=weighting(rng, B, H, N))


# ----------------------------------------------------------------------------
# Gradient checks
# ----------------------------------------------------------------------------

def test_cosine_similarity_gradients(rng):
    gradcheck(ad.cosine_similarity_forward, ad.cosine_similarity_backward,
              dict(memory=rng.normal(size=(B, N, W)), keys=rng.normal(size=(B, H, W))), rng)


def test_content_weights_gradients(rng):
    gradcheck(ad.content_weights_forward, ad.content_weights_backward,
              dict(memory=rng.normal(size=(B, N, W)), keys=rng.normal(size=(B, H, W)),
                   strengths=rng.uniform(0.5, 3, size=(B, H))), rng)


def test_interpolation_gradients(rng):
    gradcheck(ad.interpolate_forward, ad.interpolate_backward,
              dict(content=weighting(rng, B, H, N), previous=weighting(rng, B, H, N),
                   gate=rng.uniform(size=(B, H))), rng)


@pytest.mark.parametrize("num_shifts, n", [(3, 5), (5, 7), (3, 2), (1, 4), (5, 2), (7, 2)])
def test_shift_gradients(rng, num_shifts, n):
    gradcheck(ad.shift_forward, ad.shift_backward,
              dict(weights=weighting(rng, B, H, n), shifts=weighting(rng, B, H, num_shifts)), rng)


def test_sharpen_gradients(rng):
    gradcheck(ad.sharpen_forward, ad.sharpen_backward,
              dict(weights=weighting(rng, B, H, N), gamma=rng.uniform(1, 4, size=(B, H))), rng)


def test_address_pipeline_gradients(rng):
    gradcheck(ad.address_forward, ad.address_backward, address_arrays(rng), rng)


def test_read_gradients(rng):
    gradcheck(ma.read_forward, ma.read_backward,
              dict(memory=rng.normal(size=(B, N, W)), weights=weighting(rng, B, H, N)), rng)


@pytest.mark.parametrize("heads", [1, 3])
def test_write_gradients(rng, heads):
    gradcheck(ma.write_forward, ma.write_backward,
              dict(memory=rng.normal(size=(B, N, W)), weights=weighting(rng, B, heads, N),
                   erase=rng.uniform(size=(B, heads, W)), add=rng.normal(size=(B, heads, W))), rng)


@pytest.mark.parametrize("write", [False, True])
def test_head_parameters_gradients(rng, write):
    P = ma.head_width(W, 3, write)
    raw = rng.normal(size=(B, H, P)) * 2
    parts, cache = ma.head_parameters_forward(raw, W, 3, write)
    dparts = {name: rng.normal(size=value.shape) for name, value in parts.items()}
    draw = ma.head_parameters_backward(dparts, cache)

    def loss():
        p, _ = ma.head_parameters_forward(raw, W, 3, write)
        return sum(np.sum(p[name] * dparts[name]) for name in p)

    errors = check_gradients(loss, {"raw": raw}, {"raw": draw})
    assert errors["raw"] < TOL, errors


# ----------------------------------------------------------------------------
# Values: the paper's formulas, written as loops
# ----------------------------------------------------------------------------

def test_content_weights_follow_the_formula(rng):
    memory, keys, beta = rng.normal(size=(1, N, W)), rng.normal(size=(1, 1, W)), np.array([[2.5]])
    w, _ = ad.content_weights_forward(memory, keys, beta)
    k = keys[0, 0]
    cos = [k @ m / (np.linalg.norm(k) * np.linalg.norm(m) + 1e-8) for m in memory[0]]
    expected = np.exp(2.5 * np.array(cos)) / np.exp(2.5 * np.array(cos)).sum()
    np.testing.assert_allclose(w[0, 0], expected, rtol=1e-12)


def test_the_best_match_wins_as_the_strength_grows(rng):
    memory = rng.normal(size=(1, N, W))
    keys = memory[:, 3:4] * 2.0           # the direction of row 3
    w, _ = ad.content_weights_forward(memory, keys, np.array([[50.0]]))
    assert w[0, 0].argmax() == 3 and w[0, 0, 3] > 0.99
    w, _ = ad.content_weights_forward(memory, keys, np.array([[0.0]]))
    np.testing.assert_allclose(w[0, 0], 1 / N)


def test_shift_is_the_papers_circular_convolution(rng):
    w, s = weighting(rng, 1, 1, 6), weighting(rng, 1, 1, 3)
    out, _ = ad.shift_forward(w, s)
    offsets = {5: -1, 0: 0, 1: 1}        # (i - j) mod 6 -> offset; s holds offsets -1, 0, +1
    expected = np.zeros(6)
    for i in range(6):
        for j in range(6):
            if (i - j) % 6 in offsets:
                expected[i] += w[0, 0, j] * s[0, 0, offsets[(i - j) % 6] + 1]
    np.testing.assert_allclose(out[0, 0], expected, rtol=1e-12)
    np.testing.assert_allclose(out.sum(), 1.0)


@pytest.mark.parametrize("num_shifts, n", [(3, 6), (5, 3), (7, 2)])
def test_shift_equals_rolling_by_each_offset(rng, num_shifts, n):
    w, s = weighting(rng, 2, 2, n), weighting(rng, 2, 2, num_shifts)
    out, _ = ad.shift_forward(w, s)
    R = num_shifts // 2
    expected = sum(s[..., k:k + 1] * np.roll(w, k - R, axis=-1) for k in range(num_shifts))
    np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_shift_plus_one_moves_the_head_forward_and_wraps():
    w = np.zeros((1, 1, 4))
    w[0, 0, 3] = 1.0
    out, _ = ad.shift_forward(w, np.array([[[0.0, 0.0, 1.0]]]))
    np.testing.assert_array_equal(out[0, 0], [1, 0, 0, 0])
    out, _ = ad.shift_forward(w, np.array([[[1.0, 0.0, 0.0]]]))
    np.testing.assert_array_equal(out[0, 0], [0, 0, 1, 0])


def test_sharpen_follows_the_formula(rng):
    w, gamma = weighting(rng, 1, 1, N), np.array([[2.7]])
    out, _ = ad.sharpen_forward(w, gamma)
    powered = (w[0, 0] + 1e-8) ** 2.7
    np.testing.assert_allclose(out[0, 0], powered / powered.sum(), rtol=1e-12)
    out1, _ = ad.sharpen_forward(w, np.array([[1.0]]))
    np.testing.assert_allclose(out1, w, atol=1e-7)   # gamma = 1 leaves a weighting as it is


def test_read_and_write_follow_the_formulas(rng):
    memory, w = rng.normal(size=(1, N, W)), weighting(rng, 1, 2, N)
    erase, add = rng.uniform(size=(1, 2, W)), rng.normal(size=(1, 2, W))
    reads, _ = ma.read_forward(memory, w)
    np.testing.assert_allclose(reads[0, 1], sum(w[0, 1, i] * memory[0, i] for i in range(N)))
    new, _ = ma.write_forward(memory, w, erase, add)
    M = memory[0].copy()
    for h in range(2):
        for i in range(N):
            M[i] = M[i] * (1 - w[0, h, i] * erase[0, h]) + w[0, h, i] * add[0, h]
    np.testing.assert_allclose(new[0], M, rtol=1e-12)


def test_head_parameters_land_in_their_ranges(rng):
    raw = rng.normal(size=(B, H, ma.head_width(W, 3, True))) * 10
    parts, _ = ma.head_parameters_forward(raw, W, 3, True)
    assert set(parts) == {"keys", "strengths", "gate", "shifts", "gamma", "erase", "add"}
    assert parts["keys"].shape == parts["erase"].shape == (B, H, W)
    assert np.all(parts["strengths"] >= 0) and np.all(parts["gamma"] >= 1)
    assert np.all((parts["gate"] >= 0) & (parts["gate"] <= 1))
    np.testing.assert_allclose(parts["shifts"].sum(-1), 1.0)
    np.testing.assert_array_equal(parts["keys"], raw[..., :W])
    assert ma.head_width(W, 3, False) == W + 6 and ma.head_width(W, 3, True) == 3 * W + 6


# ----------------------------------------------------------------------------
# The edges: no NaN, no inf
# ----------------------------------------------------------------------------

def all_finite(*arrays):
    return all(np.all(np.isfinite(a)) for a in arrays)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_zero_memory_rows_and_a_zero_key_are_safe(rng, dtype):
    arrays = {k: v.astype(dtype) for k, v in address_arrays(rng).items()}
    arrays["memory"][0, 1] = 0.0               # one zero row
    arrays["memory"][1] = 0.0                  # a whole zero memory
    arrays["keys"][0, 2] = 0.0                 # a zero key
    w, cache = ad.address_forward(**arrays)
    grads = ad.address_backward(np.ones_like(w), cache)
    assert all_finite(w, *grads)
    np.testing.assert_allclose(w.sum(-1), 1.0, rtol=1e-5)
    content = cache["content"]
    np.testing.assert_allclose(content[1], 1 / N, rtol=1e-5)        # nothing to match: even weighting
    np.testing.assert_allclose(content[0, 2], 1 / N, rtol=1e-5)     # a zero key matches nothing


@pytest.mark.parametrize("gamma", [1.0, 20.0, 1e4])
def test_zero_weights_with_any_gamma_are_safe(gamma):
    w = np.array([[[0.0, 0.5, 0.0, 0.5, 0.0]]])
    out, cache = ad.sharpen_forward(w, np.array([[gamma]]))
    dw, dgamma = ad.sharpen_backward(np.arange(5.0)[None, None], cache)
    assert all_finite(out, dw, dgamma)
    np.testing.assert_allclose(out.sum(), 1.0)
    assert np.all(out[0, 0, [0, 2, 4]] < 1e-7)


def test_extreme_strengths_are_safe(rng):
    arrays = address_arrays(rng)
    arrays["strengths"][...] = 1e4
    arrays["gamma"][...] = 1e4
    w, cache = ad.address_forward(**arrays)
    grads = ad.address_backward(rng.normal(size=w.shape), cache)
    assert all_finite(w, *grads)
    np.testing.assert_allclose(w.sum(-1), 1.0)
    raw = np.full((1, 1, ma.head_width(W, 3, True)), 1e4)
    parts, cache = ma.head_parameters_forward(raw, W, 3, True)
    draw = ma.head_parameters_backward({k: np.ones_like(v) for k, v in parts.items()}, cache)
    assert all_finite(draw, *parts.values())
    parts, _ = ma.head_parameters_forward(-raw, W, 3, True)
    assert all_finite(*parts.values()) and np.all(parts["strengths"] >= 0)


# ----------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------

def test_errors_name_the_argument_and_the_shapes(rng):
    memory = rng.normal(size=(B, N, W))
    with pytest.raises(ValueError, match=r"keys must have shape \[B, H, W\] = \[2, H, 4\]"):
        ad.content_weights_forward(memory, np.zeros((B, H, W + 1)), np.ones((B, H)))
    with pytest.raises(ValueError, match=r"strengths must have shape \[2, 3\], got \[2\]"):
        ad.content_weights_forward(memory, np.zeros((B, H, W)), np.ones(B))
    with pytest.raises(ValueError, match="must be odd"):
        ad.shift_forward(weighting(rng, B, H, N), weighting(rng, B, H, 2))
    with pytest.raises(ValueError, match="weights must be >= 0"):
        ad.sharpen_forward(-weighting(rng, B, H, N), np.ones((B, H)))
    with pytest.raises(ValueError, match=r"previous must have the shape of content"):
        ad.interpolate_forward(weighting(rng, B, H, N), weighting(rng, B, H, N + 1), np.ones((B, H)))
    with pytest.raises(ValueError, match=r"weights must have shape \[B, H, N\] = \[2, H, 5\]"):
        ma.read_forward(memory, weighting(rng, B, H, N + 1))
    with pytest.raises(ValueError, match=r"erase must have shape \[B, H, W\] = \[2, 1, 4\]"):
        ma.write_forward(memory, weighting(rng, B, 1, N), np.zeros((B, 1, 3)), np.zeros((B, 1, W)))
    with pytest.raises(ValueError, match="raw must have last axis of size 10"):
        ma.head_parameters_forward(np.zeros((B, H, 9)), W, 3, False)
