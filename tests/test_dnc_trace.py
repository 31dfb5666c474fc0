"""What record() gathers from a DNC's forward pass: shapes, and every array
equal to what the step caches and the states hold."""

import numpy as np

from rmc_lib.cores.dnc import DNC, DNCState
from rmc_lib.nn.dnc_addressing import cosine_weights_forward
from rmc_lib.nn.dnc_linkage import read_weights_forward
from rmc_lib.trace import DNCTrace, record


def make_dnc(rng):
    core = DNC(memory_size=6, word_size=4, num_reads=3, num_writes=2, hidden_size=5, output_size=3, clip_value=20,
               input_size=3, rng=rng)
    for value in core.params.values():
        value += 0.5 * rng.normal(size=value.shape)        # gates off 0.5, so the steps differ
    return core


def test_dnc_trace_shapes(rng):
    core = make_dnc(rng)
    x = rng.normal(size=(2, 5, 3))
    outputs, final, trace = record(core, x)
    T, B, N, W, R, V = 5, 2, 6, 4, 3, 2
    assert isinstance(trace, DNCTrace) and trace.num_steps == T and outputs.shape == (B, T, 3)
    shapes = dict(memory=(T + 1, B, N, W), usage=(T + 1, B, N), link=(T + 1, B, V, N, N),
                  precedence=(T + 1, B, V, N), write_weights=(T + 1, B, V, N), read_weights=(T + 1, B, R, N),
                  reads=(T + 1, B, R, W), allocation_weights=(T, B, V, N), write_content_weights=(T, B, V, N),
                  read_content_weights=(T, B, R, N), forward_weights=(T, B, R, V, N),
                  backward_weights=(T, B, R, V, N), read_modes=(T, B, R, 1 + 2 * V), free_gate=(T, B, R),
                  allocation_gate=(T, B, V), write_gate=(T, B, V), erase_vectors=(T, B, V, W),
                  write_vectors=(T, B, V, W), write_keys=(T, B, V, W), write_strengths=(T, B, V),
                  read_keys=(T, B, R, W), read_strengths=(T, B, R), x=(B, T, 3))
    assert {name: getattr(trace, name).shape for name in shapes} == shapes
    assert trace.mode_labels() == ["backward 0", "backward 1", "forward 0", "forward 1", "content"]
    np.testing.assert_allclose(trace.read_modes.sum(-1), 1.0)
    for weights in (trace.write_content_weights, trace.read_content_weights):
        np.testing.assert_allclose(weights.sum(-1), 1.0)
    assert np.all((trace.free_gate > 0) & (trace.free_gate < 1)) and np.all(trace.read_strengths > 0)


def test_dnc_trace_equals_the_states_and_the_step_caches(rng):
    core = make_dnc(rng)
    x = rng.normal(size=(2, 4, 3))
    start = core.initial_state(2)._replace(memory=rng.normal(size=(2, 6, 4)))    # a given state0
    outputs, final, trace = record(core, x, start)
    _, _, cache = core.forward(x, start)
    for field in DNCState._fields:
        if field in ("h", "c"):
            continue
        recorded = getattr(trace, field)
        for t, state in enumerate(cache["states"]):
            np.testing.assert_array_equal(recorded[t], getattr(state, field))
        np.testing.assert_array_equal(recorded[0], getattr(start, field))
        np.testing.assert_array_equal(recorded[-1], getattr(final, field))
    for t, step in enumerate(cache["steps"]):
        iface = step["interface"]
        np.testing.assert_array_equal(trace.allocation_weights[t], step["allocation_weights"])
        np.testing.assert_array_equal(trace.forward_weights[t], step["forward_weights"])
        np.testing.assert_array_equal(trace.backward_weights[t], step["backward_weights"])
        np.testing.assert_array_equal(trace.read_modes[t], iface["read_mode"])
        for name in ("free_gate", "allocation_gate", "write_gate", "erase_vectors", "write_vectors",
                     "write_keys", "read_keys"):
            np.testing.assert_array_equal(getattr(trace, name)[t], iface[name])
        # the lookups, recomputed: writes look in the memory before this step's write, reads after it
        c, _ = cosine_weights_forward(trace.memory[t], iface["write_keys"], iface["write_strengths"])
        np.testing.assert_array_equal(trace.write_content_weights[t], c)
        np.testing.assert_allclose(trace.write_strengths[t], np.log1p(np.exp(iface["write_strengths"])))
        c, _ = cosine_weights_forward(trace.memory[t + 1], iface["read_keys"], iface["read_strengths"])
        np.testing.assert_array_equal(trace.read_content_weights[t], c)
        np.testing.assert_allclose(trace.read_strengths[t], np.log1p(np.exp(iface["read_strengths"])))
        # forward weights follow this step's links from the last read weights; the modes mix them
        np.testing.assert_allclose(trace.forward_weights[t][:, :, 0],
                                   np.einsum("bij,brj->bri", trace.link[t + 1][:, 0], trace.read_weights[t]))
        mixed, _ = read_weights_forward(trace.read_modes[t], trace.read_content_weights[t],
                                        trace.forward_weights[t], trace.backward_weights[t])
        np.testing.assert_array_equal(trace.read_weights[t + 1], mixed)
        np.testing.assert_allclose(trace.reads[t + 1], trace.read_weights[t + 1] @ trace.memory[t + 1])
    np.testing.assert_array_equal(trace.x, x)
    np.testing.assert_array_equal(outputs, core.forward(x, start)[0])
