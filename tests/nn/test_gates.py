"""The RMC's input and forget gates."""

import numpy as np
import pytest

from rmc_lib.nn import gates
from rmc_lib.nn.gradcheck import check_gradients

TOL = 1e-7


def make_gate_arrays(rng, B=2, N=3, F=4, g=4):
    return dict(
        x_proj=rng.normal(size=(B, F)),
        memory=rng.normal(size=(B, N, F)),
        W_gi=rng.normal(size=(F, 2 * g)) * 0.5,
        b_gi=rng.normal(size=2 * g) * 0.1,
        W_gm=rng.normal(size=(F, 2 * g)) * 0.5,
        b_gm=rng.normal(size=2 * g) * 0.1,
    )


@pytest.mark.parametrize("g", [4, 1])
def test_gates_gradients(rng, g):
    arrays = make_gate_arrays(rng, g=g)
    (i, f), cache = gates.gates_forward(**arrays, input_bias=0.3, forget_bias=1.0)
    assert i.shape == f.shape == (2, 3, g)
    di, df = rng.normal(size=i.shape), rng.normal(size=f.shape)
    grads = dict(zip(["x_proj", "memory", "W_gi", "b_gi", "W_gm", "b_gm"], gates.gates_backward(di, df, cache)))

    def loss():
        (i, f), _ = gates.gates_forward(**arrays, input_bias=0.3, forget_bias=1.0)
        return np.sum(i * di) + np.sum(f * df)

    errors = check_gradients(loss, arrays, grads)
    assert max(errors.values()) < TOL, errors


def test_gates_follow_sonnets_formula(rng):
    a = make_gate_arrays(rng)
    (i, f), _ = gates.gates_forward(**a, input_bias=0.5, forget_bias=2.0)
    pre = (a["x_proj"] @ a["W_gi"] + a["b_gi"])[:, None] + np.tanh(a["memory"]) @ a["W_gm"] + a["b_gm"]
    np.testing.assert_allclose(i, 1 / (1 + np.exp(-(pre[..., :4] + 0.5))))
    np.testing.assert_allclose(f, 1 / (1 + np.exp(-(pre[..., 4:] + 2.0))))


def test_forget_bias_alone_sets_the_starting_gate(rng):
    a = make_gate_arrays(rng)
    a = {k: np.zeros_like(v) for k, v in a.items()}
    (i, f), _ = gates.gates_forward(**a, input_bias=0.0, forget_bias=1.0)
    np.testing.assert_allclose(i, 0.5)
    np.testing.assert_allclose(f, 1 / (1 + np.exp(-1.0)))


@pytest.mark.parametrize("g", [4, 1])
def test_gated_update_gradients(rng, g):
    arrays = dict(candidate=rng.normal(size=(2, 3, 4)), memory=rng.normal(size=(2, 3, 4)),
                  input_gate=rng.uniform(size=(2, 3, g)), forget_gate=rng.uniform(size=(2, 3, g)))
    out, cache = gates.gated_update_forward(**arrays)
    dout = rng.normal(size=out.shape)
    grads = dict(zip(["candidate", "memory", "input_gate", "forget_gate"], gates.gated_update_backward(dout, cache)))
    f = lambda: np.sum(gates.gated_update_forward(**arrays)[0] * dout)
    errors = check_gradients(f, arrays, grads)
    assert max(errors.values()) < TOL, errors


def test_gate_style_and_size():
    assert gates.gate_size("unit", 8) == 8
    assert gates.gate_size("memory", 8) == 1
    assert gates.gate_size(None, 8) == 0
    with pytest.raises(ValueError, match="gate_style must be one of 'unit', 'memory' or None, got 'units'"):
        gates.gate_size("units", 8)


def test_half_life():
    assert gates.half_life(0.5) == pytest.approx(1.0)
    assert 0.9 ** gates.half_life(0.9) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        gates.half_life(1.0)


def test_gates_reject_mismatched_input(rng):
    a = make_gate_arrays(rng)
    a["x_proj"] = a["x_proj"][:, :3]
    with pytest.raises(ValueError, match=r"x_proj must have shape \[B, F\] = \[2, 4\]"):
        gates.gates_forward(**a)


def test_gates_reject_mismatched_gate_widths(rng):
    a = make_gate_arrays(rng)
    a["W_gi"] = a["W_gi"][:, :6]
    with pytest.raises(ValueError, match=r"W_gi must have the shape of W_gm \(4, 8\), got \(4, 6\)"):
        gates.gates_forward(**a)
