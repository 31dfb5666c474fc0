"""The Neural Turing Machine: end-to-end gradient checks through time (every
parameter, the input and the initial state), the step against the formulas
written out, the initial state, shapes and clear errors."""

import numpy as np
import pytest

from rmc_lib.cores.ntm import NTM, NTMState
from rmc_lib.nn.addressing import address_forward
from rmc_lib.nn.gradcheck import check_gradients
from rmc_lib.nn.layers import sigmoid
from rmc_lib.nn.memory_access import softplus

TOL = 1e-6    # end to end through several steps (see rmc_lib.nn.gradcheck)


def small_ntm(rng, num_reads=2, num_writes=2, shift_range=1, clip_value=20.0, memory_size=5):
    return NTM(memory_size=memory_size, word_size=3, num_reads=num_reads, num_writes=num_writes, hidden_size=4,
               shift_range=shift_range, output_size=3, clip_value=clip_value, input_size=2, rng=rng)


def random_state(ntm, rng, B):
    """A state away from the special initial one (random memory and weightings)."""
    def weighting(heads):
        e = np.exp(rng.normal(size=(B, heads, ntm.memory_size)))
        return e / e.sum(-1, keepdims=True)
    return NTMState(h=rng.normal(size=(B, ntm.hidden_size)) * 0.5, c=rng.normal(size=(B, ntm.hidden_size)),
                    memory=rng.normal(size=(B, ntm.memory_size, ntm.word_size)),
                    read_weights=weighting(ntm.num_reads), write_weights=weighting(ntm.num_writes),
                    reads=rng.normal(size=(B, ntm.num_reads, ntm.word_size)))


def perturb_biases(ntm, rng):
    for name, value in ntm.params.items():
        if name.endswith("b"):
            value += 0.3 * rng.normal(size=value.shape)     # in place: shared with the controller


CONFIGS = [  # num_reads, num_writes, shift_range, clip_value, memory_size
    (1, 1, 1, 20.0, 5),
    (2, 2, 1, 20.0, 5),
    (1, 3, 2, None, 6),
    (2, 1, 1, 0.3, 4),     # a tight clip: some heads' parameters are clipped (zero gradient there)
]


@pytest.mark.parametrize("config", CONFIGS, ids=[str(c) for c in CONFIGS])
def test_end_to_end_gradients_through_time(config):
    rng = np.random.default_rng(1)
    R, V, shift_range, clip, N = config
    ntm = small_ntm(rng, R, V, shift_range, clip, N)
    perturb_biases(ntm, rng)
    B, T = 2, 4
    x = rng.normal(size=(B, T, ntm.input_size))
    state0 = random_state(ntm, rng, B)
    outputs, final, cache = ntm.forward(x, state0)
    if clip is not None and clip < 1:
        assert not all(step["read_heads"][1].all() for step in cache["steps"])   # really clipped
    d_out = rng.normal(size=outputs.shape)
    d_final = NTMState(*(rng.normal(size=s.shape) for s in final))
    grads, dx, d_state0 = ntm.backward(d_out, d_final, cache)
    assert set(grads) == set(ntm.params)

    def loss():
        out, fin, _ = ntm.forward(x, state0)
        return np.sum(out * d_out) + sum(np.sum(f * d) for f, d in zip(fin, d_final))

    arrays = {**ntm.params, "x": x, **{f"state0.{k}": v for k, v in state0._asdict().items()}}
    analytic = {**grads, "x": dx, **{f"state0.{k}": v for k, v in d_state0._asdict().items()}}
    errors = check_gradients(loss, arrays, analytic)
    bad = {k: v for k, v in errors.items() if not v < TOL}
    assert not bad, bad
    assert all(np.any(g != 0) for g in analytic.values())


def test_gradients_from_the_initial_state(rng):
    """From the real initial state (constant memory, one-hot weightings), and
    without a gradient of the final state."""
    ntm = small_ntm(rng)
    perturb_biases(ntm, rng)
    x = rng.normal(size=(1, 3, 2))
    outputs, _, cache = ntm.forward(x)
    d_out = rng.normal(size=outputs.shape)
    grads, dx, _ = ntm.backward(d_out, None, cache)
    errors = check_gradients(lambda: np.sum(ntm.forward(x)[0] * d_out), {**ntm.params, "x": x}, {**grads, "x": dx})
    assert max(errors.values()) < TOL, errors


def test_initial_state(rng):
    ntm = small_ntm(rng)
    s = ntm.initial_state(3)
    assert isinstance(s, NTMState)
    np.testing.assert_array_equal(s.memory, np.full((3, 5, 3), 1e-6))
    np.testing.assert_array_equal(s.read_weights, np.tile([1.0, 0, 0, 0, 0], (3, 2, 1)))
    np.testing.assert_array_equal(s.write_weights, np.tile([1.0, 0, 0, 0, 0], (3, 2, 1)))
    assert not np.any(s.reads) and not np.any(s.h) and not np.any(s.c)


def test_one_step_by_hand(rng):
    """The step written out from the formulas, with the paper's head order:
    write on the previous memory, then read the new one."""
    ntm = small_ntm(rng, num_reads=1, num_writes=1, clip_value=None)
    p, W, S = ntm.params, 3, 3
    x = rng.normal(size=(1, 1, 2))
    y, state, _ = ntm.forward(x)
    s0 = ntm.initial_state(1)
    z = np.concatenate([x[0], s0.reads[0].ravel()[None]], 1) @ p["controller.x.W"] + p["controller.b"]
    H = 4
    c = sigmoid(z[:, :H]) * np.tanh(z[:, 2 * H:3 * H])
    h = sigmoid(z[:, 3 * H:]) * np.tanh(c)

    def head(raw, memory, previous):
        k, beta, g = raw[:W], softplus(raw[W]), sigmoid(raw[W + 1])
        s = np.exp(raw[W + 2:W + 2 + S]) / np.exp(raw[W + 2:W + 2 + S]).sum()
        gamma = 1 + softplus(raw[W + 2 + S])
        w, _ = address_forward(memory[None], k[None, None], np.array([[beta]]), np.array([[g]]),
                               s[None, None], np.array([[gamma]]), previous[None, None])
        return w[0, 0]

    raw_w = (h @ p["write_heads.W"] + p["write_heads.b"])[0]
    ww = head(raw_w, s0.memory[0], s0.write_weights[0, 0])
    e, a = sigmoid(raw_w[W + 3 + S:2 * W + 3 + S]), raw_w[2 * W + 3 + S:]
    M = s0.memory[0] * (1 - np.outer(ww, e)) + np.outer(ww, a)
    raw_r = (h @ p["read_heads.W"] + p["read_heads.b"])[0]
    wr = head(raw_r, M, s0.read_weights[0, 0])
    r = wr @ M
    y_expected = np.concatenate([h[0], r]) @ p["output.W"] + p["output.b"]
    np.testing.assert_allclose(state.memory[0], M, rtol=1e-12)
    np.testing.assert_allclose(state.write_weights[0, 0], ww, rtol=1e-12)
    np.testing.assert_allclose(state.reads[0, 0], r, rtol=1e-10)
    np.testing.assert_allclose(y[0, 0], y_expected, rtol=1e-10)


def test_shapes_parameters_and_float32(rng):
    ntm = NTM(128, 20, 1, 1, 100, 1, output_size=8, input_size=9, rng=rng, dtype=np.float32)
    assert ntm.params["controller.x.W"].shape == (9 + 20, 400)
    assert ntm.params["write_heads.W"].shape == (100, 3 * 20 + 6)
    assert ntm.params["read_heads.W"].shape == (100, 20 + 6)
    assert ntm.params["output.W"].shape == (120, 8)
    assert ntm.num_params() == 29 * 400 + 100 * 400 + 400 + 100 * 66 + 66 + 100 * 26 + 26 + 120 * 8 + 8
    outputs, final, cache = ntm.forward(np.zeros((2, 7, 9)))
    assert outputs.shape == (2, 7, 8) and outputs.dtype == np.float32
    assert final.memory.shape == (2, 128, 20) and final.memory.dtype == np.float32
    assert len(cache["states"]) == 8
    np.testing.assert_allclose(final.read_weights.sum(-1), 1.0, rtol=1e-5)
    grads, dx, d0 = ntm.backward(np.ones_like(outputs), None, cache)
    assert all(g.dtype == np.float32 and np.all(np.isfinite(g)) for g in grads.values())
    assert ntm.config()["memory_size"] == 128


def test_clip_value_bounds_the_output(rng):
    ntm = small_ntm(rng, clip_value=0.01)
    ntm.params["output.b"][...] = 5.0
    outputs, _, _ = ntm.forward(rng.normal(size=(2, 3, 2)))
    np.testing.assert_allclose(outputs, 0.01)
    assert small_ntm(rng, clip_value=0).clip_value is None


def test_errors(rng):
    ntm = small_ntm(rng)
    with pytest.raises(ValueError, match=r"x must have shape \[B, T, input_size=2\]"):
        ntm.forward(np.zeros((1, 3, 4)))
    bad = ntm.initial_state(2)._replace(memory=np.zeros((2, 5, 4)))
    with pytest.raises(ValueError, match=r"state0.memory must have shape \[2, 5, 3\], got \[2, 5, 4\]"):
        ntm.forward(np.zeros((2, 3, 2)), bad)
    with pytest.raises(ValueError, match="state0 must be an NTMState"):
        ntm.forward(np.zeros((2, 3, 2)), (np.zeros((2, 4)), np.zeros((2, 4))))
    with pytest.raises(ValueError, match="memory_size must be a positive integer"):
        NTM(0, 3, output_size=2, input_size=2, rng=rng)
    with pytest.raises(ValueError, match="output_size must be a positive integer, got None"):
        NTM(4, 3, input_size=2, rng=rng)
    with pytest.raises(ValueError, match="clip_value must be a number >= 0"):
        NTM(4, 3, output_size=2, clip_value=-1, input_size=2, rng=rng)
    with pytest.raises(ValueError, match="rng must be an np.random.Generator"):
        NTM(4, 3, output_size=2, input_size=2, rng=0)
    _, _, cache = ntm.forward(np.zeros((2, 3, 2)))
    with pytest.raises(ValueError, match=r"d_outputs must have shape \[2, 3, 3\]"):
        ntm.backward(np.zeros((2, 3, 4)), None, cache)
