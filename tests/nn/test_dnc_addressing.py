"""The DNC's write side (rmc_lib.nn.dnc_addressing): float64 gradient checks
of every block, the stopped gradient of the usage, values against deepmind's
formulas written as slow loops, small examples worked by hand, and clear
errors."""

import numpy as np
import pytest

from rmc_lib.nn import dnc_addressing as da
from rmc_lib.nn import memory_access as ma
from rmc_lib.nn.gradcheck import check_gradients

TOL = 1e-7
EPS = 1e-6
B, N, W = 2, 6, 4


def weighting(rng, *shape):
    """Random rows that are > 0 and sum to 1 (softmaxes)."""
    e = np.exp(rng.normal(size=shape))
    return e / e.sum(axis=-1, keepdims=True)


def distinct_usages(rng, batch, n):
    """Usages in (0.05, 0.95), at least 0.9 / n apart in every row: far from
    ties, so a finite difference of 1e-5 never changes the sort."""
    return np.stack([rng.permutation(np.linspace(0.05, 0.95, n)) for _ in range(batch)])


def gradcheck(forward, backward, arrays, rng, stopped=(), h=1e-5):
    """Check backward(dout, cache) (gradients in the order of `arrays`)
    against finite differences of sum(forward(**arrays) * dout); the names in
    `stopped` must instead get a gradient of exactly zero."""
    out, cache = forward(**arrays)
    dout = rng.normal(size=np.shape(out))
    grads = backward(dout, cache)
    analytic = dict(zip(arrays, grads if isinstance(grads, tuple) else (grads,)))
    for name in stopped:
        assert np.all(analytic[name] == 0), name

    def loss():
        return np.sum(forward(**arrays)[0] * dout)

    checked = {name: x for name, x in arrays.items() if name not in stopped}
    errors = check_gradients(loss, checked, analytic, h=h)
    assert max(errors.values()) < TOL, errors
    return errors


# ----------------------------------------------------------------------------
# Gradient checks
# ----------------------------------------------------------------------------

def test_cosine_weights_gradients(rng):
    gradcheck(da.cosine_weights_forward, da.cosine_weights_backward,
              dict(memory=rng.normal(size=(B, N, W)), keys=rng.normal(size=(B, 3, W)),
                   strengths=rng.normal(size=(B, 3)) * 2), rng)


def test_cosine_weights_gradients_at_zero_rows_and_keys(rng):
    memory, keys = rng.normal(size=(B, N, W)), rng.normal(size=(B, 3, W))
    memory[0, 2] = 0.0
    keys[1, 0] = 0.0            # the eps under the root makes the norm smooth at 0
    # ... but curved on the scale sqrt(1e-6) = 1e-3 there: a step of 1e-5 would err by about
    # (1e-5 / 1e-3)^2 = 1e-4, a step of 1e-7 by 1e-8 (and its round-off is still about 1e-9).
    gradcheck(da.cosine_weights_forward, da.cosine_weights_backward,
              dict(memory=memory, keys=keys, strengths=rng.normal(size=(B, 3))), rng, h=1e-7)


@pytest.mark.parametrize("writes, reads", [(1, 1), (2, 3)])
def test_usage_gradients_and_the_stopped_write_weights(rng, writes, reads):
    gradcheck(da.usage_forward, da.usage_backward,
              dict(prev_usage=rng.uniform(size=(B, N)), prev_write_weights=weighting(rng, B, writes, N),
                   free_gate=rng.uniform(size=(B, reads)), prev_read_weights=weighting(rng, B, reads, N)),
              rng, stopped=("prev_write_weights",))


@pytest.mark.parametrize("writes", [1, 2])
def test_usage_without_the_stop_has_the_exact_gradient_for_the_write_weights(rng, writes):
    gradcheck(da.usage_forward, lambda dout, cache: da.usage_backward(dout, cache, stop_gradient=False),
              dict(prev_usage=rng.uniform(size=(B, N)), prev_write_weights=weighting(rng, B, writes, N),
                   free_gate=rng.uniform(size=(B, 2)), prev_read_weights=weighting(rng, B, 2, N)), rng)


def test_the_stopped_gradient_is_zero_though_the_usage_depends_on_the_write_weights(rng):
    u0, ww, f, rw = rng.uniform(size=(B, N)), weighting(rng, B, 2, N), rng.uniform(size=(B, 1)), weighting(rng, B, 1, N)
    usage, cache = da.usage_forward(u0, ww, f, rw)
    dww = da.usage_backward(np.ones_like(usage), cache)[1]
    assert dww.shape == ww.shape and dww.dtype == ww.dtype and not np.any(dww)
    halved, _ = da.usage_forward(u0, ww * 0.5, f, rw)
    assert not np.allclose(halved, usage)       # as deepmind: the value depends on them, the gradient is stopped


def test_allocation_gradients(rng):
    gradcheck(da.allocation_forward, da.allocation_backward, dict(usage=distinct_usages(rng, B, N)), rng)


def test_allocation_gradients_with_a_nearly_full_and_an_empty_memory(rng):
    usage = np.stack([1 - distinct_usages(rng, 1, N)[0] * 1e-3, distinct_usages(rng, 1, N)[0] * 1e-3])
    gradcheck(da.allocation_forward, da.allocation_backward, dict(usage=usage), rng)


@pytest.mark.parametrize("writes", [1, 2, 3])
def test_write_allocation_weights_gradients(rng, writes):
    gradcheck(da.write_allocation_weights_forward, da.write_allocation_weights_backward,
              dict(usage=distinct_usages(rng, B, N), write_gates=rng.uniform(0.1, 0.9, size=(B, writes))), rng)


def test_write_weights_gradients(rng):
    gradcheck(da.write_weights_forward, da.write_weights_backward,
              dict(content_weights=weighting(rng, B, 2, N), allocation_weights=weighting(rng, B, 2, N),
                   allocation_gate=rng.uniform(size=(B, 2)), write_gate=rng.uniform(size=(B, 2))), rng)


@pytest.mark.parametrize("writes", [1, 3])
def test_erase_and_write_gradients(rng, writes):
    gradcheck(da.erase_and_write_forward, da.erase_and_write_backward,
              dict(memory=rng.normal(size=(B, N, W)), write_weights=weighting(rng, B, writes, N),
                   erase_vectors=rng.uniform(size=(B, writes, W)), write_vectors=rng.normal(size=(B, writes, W))),
              rng)


def test_erase_and_write_gradients_where_a_factor_is_zero(rng):
    ww, erase = weighting(rng, B, 2, N), rng.uniform(size=(B, 2, W))
    ww[0, 0] = np.eye(N)[1]
    erase[0, 0, 2] = 1.0        # head 0 erases M[0, 1, 2] completely: a factor 1 - w e of 0
    gradcheck(da.erase_and_write_forward, da.erase_and_write_backward,
              dict(memory=rng.normal(size=(B, N, W)), write_weights=ww, erase_vectors=erase,
                   write_vectors=rng.normal(size=(B, 2, W))), rng)


# ----------------------------------------------------------------------------
# Values: deepmind's formulas, written as loops
# ----------------------------------------------------------------------------

def test_cosine_weights_follow_deepminds_formula(rng):
    memory, keys, s = rng.normal(size=(1, N, W)), rng.normal(size=(1, 2, W)), np.array([[0.3, -1.2]])
    w, _ = da.cosine_weights_forward(memory, keys, s)
    for h in range(2):
        k = keys[0, h]
        sim = [k @ m / (np.sqrt(k @ k + EPS) * np.sqrt(m @ m + EPS) + EPS) for m in memory[0]]
        scores = np.log1p(np.exp(s[0, h])) * np.array(sim)       # softplus of the strength
        np.testing.assert_allclose(w[0, h], np.exp(scores) / np.exp(scores).sum(), rtol=1e-12)


def test_cosine_weights_of_a_zero_memory_are_even_and_finite():
    w, cache = da.cosine_weights_forward(np.zeros((1, N, W)), np.zeros((1, 1, W)), np.array([[50.0]]))
    np.testing.assert_allclose(w, 1 / N)
    assert all(np.all(np.isfinite(g)) for g in da.cosine_weights_backward(np.ones_like(w), cache))


def test_usage_follows_the_formula(rng):
    u0, ww = rng.uniform(size=(1, N)), weighting(rng, 1, 2, N)
    f, rw = rng.uniform(size=(1, 3)), weighting(rng, 1, 3, N)
    usage, cache = da.usage_forward(u0, ww, f, rw)
    for i in range(N):
        written = 1 - (1 - ww[0, 0, i]) * (1 - ww[0, 1, i])
        after = u0[0, i] + (1 - u0[0, i]) * written
        assert np.isclose(cache[2][0, i], after, rtol=1e-14)
        kept = np.prod([1 - f[0, r] * rw[0, r, i] for r in range(3)])
        assert np.isclose(usage[0, i], after * kept, rtol=1e-14)


def test_writing_fills_and_freeing_empties():
    u0 = np.array([[0.0, 0.5, 0.5]])
    full = np.array([[[1.0, 0.0, 0.0]]])
    usage, _ = da.usage_forward(u0, full, np.zeros((1, 1)), full)
    np.testing.assert_array_equal(usage, [[1.0, 0.5, 0.5]])        # written: fully used
    usage, _ = da.usage_forward(u0, np.zeros((1, 1, 3)), np.ones((1, 1)), np.array([[[0.0, 1.0, 0.0]]]))
    np.testing.assert_array_equal(usage, [[0.0, 0.0, 0.5]])        # read with free gate 1: freed


def allocation_by_hand(usage):
    """deepmind's Freeness._allocation for one row, as a loop."""
    u = EPS + (1 - EPS) * np.asarray(usage, dtype=float)
    order = sorted(range(len(u)), key=lambda i: (u[i], i))   # least used first, ties by index
    a, prod = np.zeros(len(u)), 1.0
    for i in order:
        a[i] = (1 - u[i]) * prod
        prod *= u[i]
    return a


def test_allocation_of_a_small_example():
    a, _ = da.allocation_forward(np.array([[0.1, 0.9, 0.5]]))
    u = EPS + (1 - EPS) * np.array([0.1, 0.9, 0.5])
    expected = [1 - u[0], (1 - u[1]) * u[0] * u[2], (1 - u[2]) * u[0]]      # order: 0, 2, 1
    np.testing.assert_allclose(a[0], expected, rtol=1e-14)
    np.testing.assert_allclose(a[0], [0.9, 0.005, 0.05], atol=1e-5)
    assert a[0].argmax() == 0                                          # the most free location gets most


def test_allocation_ties_keep_the_lower_index_first():
    a, cache = da.allocation_forward(np.array([[0.5, 0.2, 0.2, 0.5, 0.2]]))
    np.testing.assert_array_equal(cache[0][0], [1, 2, 4, 0, 3])        # tf.nn.top_k's order
    np.testing.assert_allclose(a[0], allocation_by_hand([0.5, 0.2, 0.2, 0.5, 0.2]), rtol=1e-14)
    assert a[0, 1] > a[0, 2] > a[0, 4] and a[0, 0] > a[0, 3]
    a, _ = da.allocation_forward(np.zeros((1, 4)))                     # an empty memory: location 0 first
    assert a[0].argmax() == 0 and a[0, 0] > 0.99


def test_allocation_matches_the_loop_and_sums_to_at_most_one(rng):
    usage = rng.uniform(size=(5, 7))
    usage[0, :3] = 0.3                                                  # ties as well
    a, _ = da.allocation_forward(usage)
    for row in range(5):
        np.testing.assert_allclose(a[row], allocation_by_hand(usage[row]), rtol=1e-13)
    assert np.all(a >= 0) and np.all(a.sum(-1) <= 1 + 1e-12)
    a, _ = da.allocation_forward(np.ones((1, 3)))                       # a full memory: nothing to give
    assert a.max() < 1e-5


def test_write_allocation_weights_of_two_heads_take_two_locations():
    usage = np.array([[0.1, 0.9, 0.5]])
    a, _ = da.write_allocation_weights_forward(usage, np.array([[1.0, 1.0]]))
    first, _ = da.allocation_forward(usage)
    np.testing.assert_array_equal(a[:, 0], first)                      # head 0: the plain allocation
    simulated = usage + (1 - usage) * first                             # head 0 would use location 0
    np.testing.assert_allclose(a[:, 1], da.allocation_forward(simulated)[0], rtol=1e-14)
    assert a[0, 0].argmax() == 0 and a[0, 1].argmax() == 2
    a, _ = da.write_allocation_weights_forward(usage, np.array([[0.0, 0.0]]))
    np.testing.assert_array_equal(a[:, 1], first)                      # gate 0: head 0 uses nothing


def test_write_weights_follow_the_formula(rng):
    c, a = weighting(rng, 1, 2, N), weighting(rng, 1, 2, N)
    ga, gw = np.array([[0.3, 1.0]]), np.array([[0.8, 0.0]])
    ww, _ = da.write_weights_forward(c, a, ga, gw)
    np.testing.assert_allclose(ww[0, 0], 0.8 * (0.3 * a[0, 0] + 0.7 * c[0, 0]), rtol=1e-14)
    np.testing.assert_array_equal(ww[0, 1], 0.0)


def test_erase_and_write_is_deepminds_product_of_erases_then_sum_of_adds(rng):
    memory, ww = rng.normal(size=(1, N, W)), weighting(rng, 1, 2, N)
    erase, values = rng.uniform(size=(1, 2, W)), rng.normal(size=(1, 2, W))
    new, _ = da.erase_and_write_forward(memory, ww, erase, values)
    expected = memory[0].copy()
    for i in range(N):
        expected[i] = (memory[0, i] * (1 - ww[0, 0, i] * erase[0, 0]) * (1 - ww[0, 1, i] * erase[0, 1])
                       + ww[0, 0, i] * values[0, 0] + ww[0, 1, i] * values[0, 1])
    np.testing.assert_allclose(new[0], expected, rtol=1e-13)
    head_by_head, _ = ma.write_forward(memory, ww, erase, values)        # the NTM's order differs
    assert not np.allclose(new, head_by_head)
    one = slice(0, 1)
    single, _ = da.erase_and_write_forward(memory, ww[:, one], erase[:, one], values[:, one])
    np.testing.assert_allclose(single, ma.write_forward(memory, ww[:, one], erase[:, one], values[:, one])[0],
                               rtol=1e-14)                              # one head: the same write


def test_float32_stays_float32(rng):
    f32 = np.float32
    w, _ = da.cosine_weights_forward(rng.normal(size=(B, N, W)).astype(f32), rng.normal(size=(B, 1, W)).astype(f32),
                                     np.ones((B, 1), f32))
    a, _ = da.write_allocation_weights_forward(distinct_usages(rng, B, N).astype(f32), np.ones((B, 1), f32))
    assert w.dtype == f32 and a.dtype == f32


# ----------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------

def test_bad_shapes_name_the_argument(rng):
    memory = rng.normal(size=(B, N, W))
    with pytest.raises(ValueError, match=r"keys must have shape \[2, heads, 4\], got \[2, 1, 5\]"):
        da.cosine_weights_forward(memory, np.zeros((B, 1, 5)), np.zeros((B, 1)))
    with pytest.raises(ValueError, match=r"strengths must have shape \[2, 1\], got \[2\]"):
        da.cosine_weights_forward(memory, np.zeros((B, 1, W)), np.zeros(B))
    u, w = np.zeros((B, N)), weighting(rng, B, 1, N)
    with pytest.raises(ValueError, match=r"prev_write_weights must have shape \[2, heads, 6\]"):
        da.usage_forward(u, w[..., :3], np.zeros((B, 1)), w)
    with pytest.raises(ValueError, match=r"free_gate must have shape \[2, 1\], got \[2, 2\]"):
        da.usage_forward(u, w, np.zeros((B, 2)), w)
    with pytest.raises(ValueError, match="usage must have 2 axes"):
        da.allocation_forward(np.zeros(N))
    with pytest.raises(ValueError, match=r"write_gates must have shape \[B, V\] = \[2, V\]"):
        da.write_allocation_weights_forward(u, np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"allocation_gate must have shape \[2, 1\]"):
        da.write_weights_forward(w, w, np.zeros((B, 2)), np.zeros((B, 1)))
    with pytest.raises(ValueError, match=r"erase_vectors must have shape \[2, 1, 4\], got \[2, 1, 3\]"):
        da.erase_and_write_forward(memory, w, np.zeros((B, 1, 3)), np.zeros((B, 1, W)))
