"""The DNC's read side (rmc_lib.nn.dnc_linkage): float64 gradient checks of
every block, the links' convention on small writes worked by hand (which
index is the later write, where forward and backward lead), values against
deepmind's formulas written as loops, and clear errors."""

import numpy as np
import pytest

from rmc_lib.nn import dnc_linkage as dl
from rmc_lib.nn import memory_access as ma
from rmc_lib.nn.gradcheck import check_gradients

TOL = 1e-7
B, N, W = 2, 5, 3


def weighting(rng, *shape):
    """Random rows that are > 0 and sum to 1 (softmaxes)."""
    e = np.exp(rng.normal(size=shape))
    return e / e.sum(axis=-1, keepdims=True)


def random_link(rng, batch, writes, n):
    """Entries in [0, 1), zero diagonal, as link_forward leaves them."""
    link = rng.uniform(size=(batch, writes, n, n)) / n
    link[..., np.arange(n), np.arange(n)] = 0
    return link


def gradcheck(block_forward, block_backward, arrays, rng, **options):
    """Check block_backward(dout, cache) (gradients in the order of `arrays`)
    against finite differences of sum(block_forward(**arrays, **options) * dout)."""
    out, cache = block_forward(**arrays, **options)
    dout = rng.normal(size=np.shape(out))
    analytic = dict(zip(arrays, block_backward(dout, cache)))

    def loss():
        return np.sum(block_forward(**arrays, **options)[0] * dout)

    errors = check_gradients(loss, arrays, analytic)
    assert max(errors.values()) < TOL, errors
    return errors


def one_hot(n, *indices):
    """[1, len(indices), n]: one full write (or read) per head."""
    return np.eye(n)[list(indices)][None]


# ----------------------------------------------------------------------------
# Gradient checks
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("writes", [1, 2])
def test_link_gradients(rng, writes):
    gradcheck(dl.link_forward, dl.link_backward,
              dict(prev_link=random_link(rng, B, writes, N), prev_precedence=weighting(rng, B, writes, N) * 0.8,
                   write_weights=weighting(rng, B, writes, N) * 0.9), rng)


def test_precedence_gradients(rng):
    gradcheck(dl.precedence_forward, dl.precedence_backward,
              dict(prev_precedence=weighting(rng, B, 2, N) * 0.7, write_weights=weighting(rng, B, 2, N) * 0.9), rng)


@pytest.mark.parametrize("forward", [True, False])
@pytest.mark.parametrize("reads, writes", [(1, 1), (3, 2)])
def test_directional_read_weights_gradients(rng, forward, reads, writes):
    gradcheck(dl.directional_read_weights_forward, dl.directional_read_weights_backward,
              dict(link=random_link(rng, B, writes, N), prev_read_weights=weighting(rng, B, reads, N)),
              rng, forward=forward)


@pytest.mark.parametrize("writes", [1, 2])
def test_read_weights_gradients(rng, writes):
    R = 3
    gradcheck(dl.read_weights_forward, dl.read_weights_backward,
              dict(read_mode=weighting(rng, B, R, 1 + 2 * writes), content_weights=weighting(rng, B, R, N),
                   forward_weights=weighting(rng, B, R, writes, N), backward_weights=weighting(rng, B, R, writes, N)),
              rng)


def test_reads_are_the_ntms_read(rng):
    memory, rw = rng.normal(size=(B, N, W)), weighting(rng, B, 4, N)
    reads, _ = ma.read_forward(memory, rw)                      # deepmind: tf.matmul(read_weights, memory)
    np.testing.assert_allclose(reads[1, 2], sum(rw[1, 2, i] * memory[1, i] for i in range(N)), rtol=1e-13)
    gradcheck(ma.read_forward, ma.read_backward, dict(memory=memory, weights=rw), rng)


# ----------------------------------------------------------------------------
# The convention, by hand
# ----------------------------------------------------------------------------

def write_steps(n, *locations):
    """Link and precedence of one write head after full writes at `locations` in turn."""
    link, precedence = np.zeros((1, 1, n, n)), np.zeros((1, 1, n))
    for i in locations:
        ww = one_hot(n, i)
        link, _ = dl.link_forward(link, precedence, ww)
        precedence, _ = dl.precedence_forward(precedence, ww)
    return link, precedence


def test_writing_at_i_then_j_links_j_after_i():
    i, j = 1, 3
    link, precedence = write_steps(N, i, j)
    expected = np.zeros((N, N))
    expected[j, i] = 1.0                                   # row: the later write, column: the earlier
    np.testing.assert_array_equal(link[0, 0], expected)
    np.testing.assert_array_equal(precedence[0, 0], np.eye(N)[j])
    fwd, _ = dl.directional_read_weights_forward(link, one_hot(N, i), forward=True)
    bwd, _ = dl.directional_read_weights_forward(link, one_hot(N, j), forward=False)
    np.testing.assert_array_equal(fwd[0, 0, 0], np.eye(N)[j])   # forward from i: what was written next
    np.testing.assert_array_equal(bwd[0, 0, 0], np.eye(N)[i])   # backward from j: what was written before
    stuck, _ = dl.directional_read_weights_forward(link, one_hot(N, j), forward=True)
    np.testing.assert_array_equal(stuck, 0.0)                    # nothing was written after j


def test_a_sequence_of_writes_is_followed_step_by_step():
    order = [4, 0, 2, 1]
    link, _ = write_steps(N, *order)
    for earlier, later in zip(order, order[1:]):
        fwd, _ = dl.directional_read_weights_forward(link, one_hot(N, earlier), forward=True)
        bwd, _ = dl.directional_read_weights_forward(link, one_hot(N, later), forward=False)
        np.testing.assert_array_equal(fwd[0, 0, 0], np.eye(N)[later])
        np.testing.assert_array_equal(bwd[0, 0, 0], np.eye(N)[earlier])


def test_rewriting_a_location_cuts_its_old_links():
    link, _ = write_steps(N, 1, 3, 1)          # 3 after 1, then 1 again after 3
    assert link[0, 0, 1, 3] == 1.0 and link[0, 0, 3, 1] == 0.0


def test_the_diagonal_is_zero(rng):
    link, _ = dl.link_forward(rng.uniform(size=(B, 2, N, N)), weighting(rng, B, 2, N), weighting(rng, B, 2, N))
    np.testing.assert_array_equal(link[..., np.arange(N), np.arange(N)], 0.0)
    link, _ = write_steps(N, 2, 2)
    np.testing.assert_array_equal(link, 0.0)   # writing at the same place twice links nothing


def test_link_and_precedence_follow_the_formula(rng):
    L0, p0, w = random_link(rng, 1, 2, N), weighting(rng, 1, 2, N) * 0.6, weighting(rng, 1, 2, N) * 0.8
    link, _ = dl.link_forward(L0, p0, w)
    precedence, _ = dl.precedence_forward(p0, w)
    for v in range(2):
        for i in range(N):
            for j in range(N):
                value = 0.0 if i == j else (1 - w[0, v, i] - w[0, v, j]) * L0[0, v, i, j] + w[0, v, i] * p0[0, v, j]
                assert np.isclose(link[0, v, i, j], value, rtol=1e-14, atol=0)
        np.testing.assert_allclose(precedence[0, v], (1 - w[0, v].sum()) * p0[0, v] + w[0, v], rtol=1e-14)
    assert np.all(precedence.sum(-1) <= 1 + 1e-12)


def test_directional_read_weights_are_L_w_and_L_transpose_w_per_pair_of_heads(rng):
    link, rw = random_link(rng, B, 2, N), weighting(rng, B, 3, N)
    fwd, _ = dl.directional_read_weights_forward(link, rw, forward=True)
    bwd, _ = dl.directional_read_weights_forward(link, rw, forward=False)
    assert fwd.shape == bwd.shape == (B, 3, 2, N)
    for b in range(B):
        for r in range(3):
            for v in range(2):
                np.testing.assert_allclose(fwd[b, r, v], link[b, v] @ rw[b, r], rtol=1e-13)
                np.testing.assert_allclose(bwd[b, r, v], link[b, v].T @ rw[b, r], rtol=1e-13)


def test_read_modes_are_backward_then_forward_then_content(rng):
    V, R = 2, 1
    content, fwd, bwd = weighting(rng, 1, R, N), weighting(rng, 1, R, V, N), weighting(rng, 1, R, V, N)
    modes = np.eye(1 + 2 * V)[:, None, None, :]             # each mode alone
    picked = [dl.read_weights_forward(m, content, fwd, bwd)[0][0, 0] for m in modes]
    for v in range(V):
        np.testing.assert_array_equal(picked[v], bwd[0, 0, v])
        np.testing.assert_array_equal(picked[V + v], fwd[0, 0, v])
    np.testing.assert_array_equal(picked[2 * V], content[0, 0])
    mode = weighting(rng, 1, R, 1 + 2 * V)
    rw, _ = dl.read_weights_forward(mode, content, fwd, bwd)
    expected = (mode[0, 0, 4] * content[0, 0] + mode[0, 0, 2] * fwd[0, 0, 0] + mode[0, 0, 3] * fwd[0, 0, 1]
                + mode[0, 0, 0] * bwd[0, 0, 0] + mode[0, 0, 1] * bwd[0, 0, 1])
    np.testing.assert_allclose(rw[0, 0], expected, rtol=1e-14)


# ----------------------------------------------------------------------------
# Errors
# ----------------------------------------------------------------------------

def test_bad_shapes_name_the_argument(rng):
    w = weighting(rng, B, 1, N)
    with pytest.raises(ValueError, match=r"prev_link must have shape \[2, 1, 5, 5\], got \[2, 1, 5, 4\]"):
        dl.link_forward(np.zeros((B, 1, N, N - 1)), w, w)
    with pytest.raises(ValueError, match=r"prev_precedence must have shape \[2, 1, 5\], got \[2, 2, 5\]"):
        dl.link_forward(np.zeros((B, 1, N, N)), np.zeros((B, 2, N)), w)
    with pytest.raises(ValueError, match="write_weights must have 3 axes"):
        dl.precedence_forward(w, w[0])
    with pytest.raises(ValueError, match=r"link must have shape \[B, V, N, N\], got \[2, 1, 5, 4\]"):
        dl.directional_read_weights_forward(np.zeros((B, 1, N, N - 1)), w, forward=True)
    with pytest.raises(ValueError, match=r"prev_read_weights must have shape \[B, R, N\] = \[2, R, 5\]"):
        dl.directional_read_weights_forward(np.zeros((B, 1, N, N)), w[..., :3], forward=True)
    fb = weighting(rng, B, 1, 1, N)
    with pytest.raises(ValueError, match=r"read_mode must have shape \[2, 1, 3\], got \[2, 1, 4\]"):
        dl.read_weights_forward(np.zeros((B, 1, 4)), w, fb, fb)
    with pytest.raises(ValueError, match=r"content_weights must have shape \[2, 1, 5\]"):
        dl.read_weights_forward(np.zeros((B, 1, 3)), w[..., :3], fb, fb)
