"""StackLSTM: BPTT through the controller and the stack (or queue) against
finite differences, on inputs whose mins and maxes stay away from their kinks;
one step written out by hand; and the memory growing by one value a step."""

import numpy as np
import pytest

from rmc_lib.cores.lstm import LSTM
from rmc_lib.cores.stack_rnn import StackLSTM
from rmc_lib.nn.gradcheck import check_gradients
from rmc_lib.nn.layers import sigmoid
from rmc_lib.nn.neural_stack import kink_margin, stack_step_forward


def stack_caches(cache):
    return [step[-1] for step in cache["steps"]]


@pytest.mark.parametrize("queue", [False, True])
def test_bptt_gradients(queue):
    B, T, D = 2, 4, 3
    for seed in range(300):
        rng = np.random.default_rng(seed)
        core = StackLSTM(5, input_size=D, value_size=2, output_size=3, queue=queue, rng=rng)
        for name in ("push.W", "pop.W"):
            core.params[name] *= 6.0          # pushes and pops far from 1/2, where ties are likely
        x = rng.normal(size=(B, T, D))
        _, _, cache = core.forward(x)
        if kink_margin(stack_caches(cache)) > 1e-3:
            break
    else:
        pytest.fail("no inputs away from the kinks found")
    d_out = rng.normal(size=(B, T, 3))
    grads, dx, _ = core.backward(d_out, None, cache)
    f = lambda: np.sum(core.forward(x)[0] * d_out)
    errors = check_gradients(f, {**core.params, "x": x}, {**grads, "x": dx})
    assert max(errors.values()) < 1e-7, errors


def test_one_step_by_hand(rng):
    core = StackLSTM(4, input_size=3, value_size=2, output_size=5, rng=rng)
    x = rng.normal(size=(2, 3))
    state = core.initial_state(2)
    out, (h, c, r, V, s), _ = core.step(x, state)
    lstm = LSTM(4, input_size=5, rng=np.random.default_rng(1))
    lstm.params.update({k: core.params[f"lstm.{k}"] for k in lstm.params})
    h_hand, (_, c_hand), _ = lstm.step(np.concatenate([x, np.zeros((2, 2))], axis=1), (state[0], state[1]))
    p = core.params
    push, pop = sigmoid(h_hand @ p["push.W"] + p["push.b"])[:, 0], sigmoid(h_hand @ p["pop.W"] + p["pop.b"])[:, 0]
    value = np.tanh(h_hand @ p["value.W"] + p["value.b"])
    V_hand, s_hand, r_hand, _ = stack_step_forward(np.zeros((2, 0, 2)), np.zeros((2, 0)), push, pop, value)
    np.testing.assert_allclose(h, h_hand)
    np.testing.assert_allclose(out, np.tanh(h_hand @ p["out.W"] + p["out.b"]))
    np.testing.assert_allclose(r, r_hand)
    np.testing.assert_allclose(r, push[:, None] * value)     # one value pushed: the read is d v
    assert V.shape == (2, 1, 2) and s.shape == (2, 1)


def test_the_memory_grows_one_value_a_step_and_bad_calls_are_refused(rng):
    core = StackLSTM(4, input_size=3, rng=rng, queue=True)
    outputs, (h, c, r, V, s), _ = core.forward(rng.normal(size=(2, 6, 3)))
    assert outputs.shape == (2, 6, 4) and V.shape == (2, 6, 8) and s.shape == (2, 6)
    assert np.all((s >= 0) & (s <= 1))
    with pytest.raises(ValueError, match="state0 must be None"):
        core.forward(rng.normal(size=(2, 6, 3)), core.initial_state(2))
    with pytest.raises(ValueError, match="input_size=3"):
        core.forward(rng.normal(size=(2, 6, 4)))
