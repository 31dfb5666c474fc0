"""The DNC core: BPTT against finite differences through several steps (every
parameter, the input and every part of a non-zero starting state), the
initial state, bad input, and deepmind's variable names in and out."""

import numpy as np
import pytest

from rmc_lib.cores.dnc import DNC, DNCState
from rmc_lib.nn.gradcheck import check_gradients


def random_state(core, rng, B):
    """A valid, non-zero DNC state: weightings from softmaxes, usage in (0, 1)."""
    N, R, V = core.memory_size, core.num_reads, core.num_writes
    soft = lambda shape: np.exp(s := rng.normal(size=shape)) / np.exp(s).sum(-1, keepdims=True)
    link = rng.uniform(0, 0.3, size=(B, V, N, N)) * (1 - np.eye(N))
    return DNCState(reads=rng.normal(size=(B, R, core.word_size)), memory=rng.normal(size=(B, N, core.word_size)),
                    read_weights=soft((B, R, N)), write_weights=soft((B, V, N)), link=link,
                    precedence=soft((B, V, N)) * 0.8, usage=rng.uniform(0.05, 0.95, size=(B, N)),
                    h=rng.normal(size=(B, core.hidden_size)) * 0.5, c=rng.normal(size=(B, core.hidden_size)))


@pytest.mark.parametrize("num_reads, num_writes, clip_value", [(1, 1, None), (2, 2, 0.8)])
def test_backward_matches_finite_differences(rng, num_reads, num_writes, clip_value):
    core = DNC(memory_size=5, word_size=3, num_reads=num_reads, num_writes=num_writes, hidden_size=4,
               output_size=2, clip_value=clip_value, input_size=3, rng=rng)
    for value in core.params.values():
        value += 0.3 * rng.normal(size=value.shape)        # biases off zero, gates off 0.5
    x = rng.normal(size=(2, 4, 3))
    start = random_state(core, rng, 2)
    arrays0 = {f"state0.{f}": v.copy() for f, v in zip(DNCState._fields, start)}
    R_out = rng.normal(size=(2, 4, 2))
    R_state = [rng.normal(size=v.shape) for v in start]

    def state_from(arrays):
        return DNCState(*(arrays[f"state0.{f}"] for f in DNCState._fields))

    def loss():
        out, final, _ = core.forward(x, state_from(arrays0))
        return np.sum(out * R_out) + sum(np.sum(v * r) for v, r in zip(final, R_state))

    _, _, cache = core.forward(x, state_from(arrays0))
    # deepmind's backward stops the gradient through the previous write weights
    # in the usage; the exact derivative, which finite differences measure, has it
    assert np.all(core.backward(R_out, DNCState(*R_state), cache)[2].write_weights == 0)
    core.stop_write_gradient = False
    grads, dx, d0 = core.backward(R_out, DNCState(*R_state), cache)
    analytic = {**grads, "x": dx, **{f"state0.{f}": v for f, v in zip(DNCState._fields, d0)}}
    errors = check_gradients(loss, {**core.params, "x": x, **arrays0}, analytic)
    assert max(errors.values()) < 1e-7, {k: v for k, v in errors.items() if v >= 1e-7}


def test_initial_state_is_zeros_and_bad_input_is_refused(rng):
    core = DNC(memory_size=4, word_size=2, hidden_size=3, output_size=2, input_size=3, rng=rng)
    state = core.initial_state(2)
    assert all(np.all(v == 0) for v in state)
    assert state.link.shape == (2, 1, 4, 4)
    with pytest.raises(ValueError, match="x must"):
        core.forward(np.zeros((2, 5, 4)))
    with pytest.raises(ValueError, match="state0.usage must have shape \\[2, 4\\]"):
        core.forward(np.zeros((2, 5, 3)), state._replace(usage=np.zeros((2, 5))))
    with pytest.raises(ValueError, match="clip_value must be"):
        DNC(memory_size=4, word_size=2, output_size=2, input_size=3, clip_value=-1, rng=rng)
    with pytest.raises(ValueError, match="output_size"):
        DNC(memory_size=4, word_size=2, input_size=3, rng=rng)


def test_deepminds_variable_names_round_trip_and_mismatches_are_named(rng):
    config = dict(memory_size=4, word_size=2, num_reads=2, num_writes=1, hidden_size=3, output_size=2, input_size=3)
    core = DNC(**config, rng=rng)
    variables = core.to_sonnet()
    assert "dnc/lstm/w_gates" in variables and "dnc/memory_access/read_mode/w" in variables
    assert variables["dnc/memory_access/read_mode/w"].shape == (3, 2 * 3)      # R (1 + 2V) modes
    again = DNC.from_sonnet({k + ":0": v for k, v in variables.items()}, **config)
    x = rng.normal(size=(1, 3, 3))
    np.testing.assert_array_equal(again.forward(x)[0], core.forward(x)[0])
    missing = dict(variables)
    del missing["dnc/memory_access/free_gate/b"]
    with pytest.raises(ValueError, match="missing \\['dnc/memory_access/free_gate/b'\\]"):
        DNC.from_sonnet(missing, **config)
    with pytest.raises(ValueError, match="unexpected \\['dnc/extra'\\]"):
        DNC.from_sonnet({**variables, "dnc/extra": np.zeros(1)}, **config)
    with pytest.raises(ValueError, match="dnc/output_linear/w must have shape \\[7, 2\\]"):
        DNC.from_sonnet({**variables, "dnc/output_linear/w": np.zeros((6, 2))}, **config)
