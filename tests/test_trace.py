import numpy as np
import pytest

from rmc_lib.cores.rmc import RelationalMemory
from rmc_lib.trace import record


@pytest.mark.parametrize("gate_style, g", [("unit", 8), ("memory", 1), (None, None)])
def test_trace_shapes_and_values(rng, gate_style, g):
    core = RelationalMemory(3, 4, num_heads=2, num_blocks=2, gate_style=gate_style, input_size=5, rng=rng)
    x = rng.normal(size=(2, 4, 5))
    outputs, final, trace = record(core, x)
    assert trace.attention.shape == (4, 2, 2, 2, 4, 4)
    np.testing.assert_allclose(trace.attention.sum(axis=-1), 1.0)
    assert trace.memory.shape == (5, 2, 3, 8)
    np.testing.assert_array_equal(trace.memory[0], core.initial_state(2))
    np.testing.assert_array_equal(trace.memory[-1], final)
    np.testing.assert_array_equal(trace.memory[1:].transpose(1, 0, 2, 3).reshape(2, 4, -1), outputs)
    if g is None:
        assert trace.input_gate is None and trace.forget_gate is None
    else:
        assert trace.input_gate.shape == trace.forget_gate.shape == (4, 2, 3, g)
        assert np.all((trace.forget_gate > 0) & (trace.forget_gate < 1))
    assert trace.row_labels() == ["slot 0", "slot 1", "slot 2", "input"]
    assert trace.memory_change().shape == (4, 2, 3)


def test_trace_attention_matches_a_recomputation(rng):
    """The recorded weights of step 0 are softmax(q k^T / sqrt(k)) of [M0; x W + b]."""
    core = RelationalMemory(2, 3, num_heads=1, input_size=2, rng=rng)
    x = rng.normal(size=(1, 1, 2))
    _, _, trace = record(core, x)
    p = core.params
    A = np.concatenate([core.initial_state(1), (x[:, 0] @ p["input.W"] + p["input.b"])[:, None]], axis=1)
    proj = A @ p["block0.qkv.W"] + p["block0.qkv.b"]
    qkv = (proj - proj.mean(-1, keepdims=True)) / np.sqrt(proj.var(-1, keepdims=True) + 1e-5)
    q, k = qkv[0, :, :3] / np.sqrt(3), qkv[0, :, 3:6]
    s = q @ k.T
    w = np.exp(s) / np.exp(s).sum(-1, keepdims=True)
    np.testing.assert_allclose(trace.attention[0, 0, 0, 0], w)
