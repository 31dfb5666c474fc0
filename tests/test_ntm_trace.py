"""What record() gathers from an NTM's forward pass."""

import numpy as np

from rmc_lib.cores.ntm import NTM
from rmc_lib.nn.addressing import content_weights_forward
from rmc_lib.trace import NTMTrace, record


def test_ntm_trace_shapes_and_values(rng):
    ntm = NTM(6, 4, num_reads=2, num_writes=1, hidden_size=5, shift_range=1, output_size=3, input_size=3, rng=rng)
    x = rng.normal(size=(2, 5, 3))
    outputs, final, trace = record(ntm, x)
    assert isinstance(trace, NTMTrace) and trace.num_steps == 5
    assert trace.memory.shape == (6, 2, 6, 4) and trace.reads.shape == (6, 2, 2, 4)
    np.testing.assert_array_equal(trace.memory[0], ntm.initial_state(2).memory)
    np.testing.assert_array_equal(trace.memory[-1], final.memory)
    np.testing.assert_array_equal(trace.read.weights[-1], final.read_weights)
    np.testing.assert_array_equal(trace.write.weights[0], ntm.initial_state(2).write_weights)
    assert trace.read.weights.shape == (6, 2, 2, 6) and trace.write.weights.shape == (6, 2, 1, 6)
    for head in (trace.read, trace.write):
        assert head.content.shape == head.gated.shape == head.shifted.shape == head.weights[1:].shape
        np.testing.assert_allclose(head.weights.sum(-1), 1.0)
        np.testing.assert_allclose(head.shifts.sum(-1), 1.0)
        assert head.shifts.shape[-1] == 3 and head.shift_offsets == [-1, 0, 1]
        assert np.all((head.gate > 0) & (head.gate < 1)) and np.all(head.gamma >= 1)
        assert head.focus().shape == head.weights.shape[:-1]
    assert trace.read.erase is None and trace.read.add is None
    assert trace.write.erase.shape == trace.write.add.shape == (5, 2, 1, 4)
    assert np.all((trace.write.erase > 0) & (trace.write.erase < 1))
    # step 2's write-head content weights, recomputed from the recorded memory, key and strength
    w, _ = content_weights_forward(trace.memory[2], trace.write.keys[2], trace.write.strengths[2])
    np.testing.assert_allclose(trace.write.content[2], w)
    # and the read heads address the memory after this step's write
    w, _ = content_weights_forward(trace.memory[3], trace.read.keys[2], trace.read.strengths[2])
    np.testing.assert_allclose(trace.read.content[2], w)
    np.testing.assert_allclose(trace.reads[3], trace.read.weights[3] @ trace.memory[3])
