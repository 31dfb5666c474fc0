"""ACT around an LSTM: BPTT through the time steps and the ponder steps
(including the ponder cost's remainder) against finite differences, on inputs
where no halting decision sits near the threshold; and Sonnet's conventions."""

import numpy as np
import pytest

from rmc_lib.cores.act import ACT, decision_margin
from rmc_lib.cores.sonnet_lstm import SonnetLSTM
from rmc_lib.nn.gradcheck import check_gradients


def make(seed, max_steps=0, threshold=0.9, halting_bias=-1.0):
    rng = np.random.default_rng(seed)
    core = SonnetLSTM(4, input_size=3 + 1, rng=rng)
    act = ACT(core, 2, rng=rng, threshold=threshold, max_steps=max_steps, halting_bias=halting_bias)
    act.params["halting.W"] *= 3.0            # examples that ponder for different numbers of steps
    return act, rng


@pytest.mark.parametrize("max_steps", [0, 3])
def test_bptt_gradients_with_the_ponder_cost(max_steps):
    B, T = 4, 2
    for seed in range(200):
        act, rng = make(seed, max_steps)
        x = rng.normal(size=(B, T, 3))
        _, _, (N, R), _ = act.forward(x)
        if decision_margin(act, act.forward(x)[3]) > 1e-3 and len(np.unique(N)) > 1:
            break
    else:
        pytest.fail("no inputs away from the threshold found")
    dy, dh, dc, dR = rng.normal(size=(B, T, 2)), rng.normal(size=(B, 4)), rng.normal(size=(B, 4)), rng.normal(size=(B, T))

    def loss():
        y, (h, c), (_, R), _ = act.forward(x)
        return np.sum(y * dy) + np.sum(h * dh) + np.sum(c * dc) + np.sum(R * dR)

    _, _, _, cache = act.forward(x)
    grads, dx, _ = act.backward(dy, (dh, dc), dR, cache)
    errors = check_gradients(loss, {**act.params, "x": x}, {**grads, "x": dx})
    assert max(errors.values()) < 1e-7, errors


def test_sonnets_conventions():
    act, rng = make(0, threshold=0.5, halting_bias=8.0)      # every example halts at its first step
    y, state, (N, R), cache = act.forward(rng.normal(size=(3, 1, 3)))
    np.testing.assert_array_equal(N, 1.0)
    np.testing.assert_array_equal(R, 0.0)                     # Sonnet's remainder then stays at its initial 0
    steps, _ = cache["steps"][0]
    np.testing.assert_array_equal(steps[0][5], 1.0)           # though the step's weight is 1
    act, rng = make(1, max_steps=2, halting_bias=-8.0)        # nobody would halt: max_steps stops them
    _, _, (N, R), cache = act.forward(rng.normal(size=(3, 1, 3)))
    np.testing.assert_array_equal(N, 2.0)
    steps, _ = cache["steps"][0]
    D = act.core.input_size
    first_input = steps[0][0][0][:, :D]                       # the core's input at ponder step 1 ([x, flag] of
    second_input = steps[1][0][0][:, :D]                      # SonnetLSTM's [x, flag, h]) ...
    assert np.all(first_input[:, -1] == 0) and np.all(second_input[:, -1] == 1)   # ... flag 0, then 1
    np.testing.assert_allclose(sum(s[5] for s in steps), 1.0)                     # the weights add up to 1


def test_the_papers_flag_is_sonnets_with_the_flag_weights_turned_round():
    """The paper's flag (1, then 0) is 1 - Sonnet's (0, then 1): a network with
    the paper's flag computes exactly what a Sonnet one computes whose weights
    on the flag are negated and added to the gate biases."""
    act, rng = make(2, halting_bias=0.0)
    x = rng.normal(size=(3, 2, 3))
    core = SonnetLSTM(4, input_size=3 + 1, rng=rng)
    paper = ACT(core, 2, rng=rng, threshold=act.threshold, flag="paper")
    for name, value in act.params.items():                    # in place: the core's arrays are shared
        paper.params[name][...] = value
    flag_row = act.core.input_size - 1                        # [x, flag, h] @ w_gates
    paper.params["core.w_gates"][flag_row] *= -1
    paper.params["core.b_gates"] += act.params["core.w_gates"][flag_row]
    y, _, (N, R), _ = act.forward(x)
    y_paper, _, (N_paper, R_paper), _ = paper.forward(x)
    np.testing.assert_allclose(y_paper, y, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(N_paper, N)
    np.testing.assert_allclose(R_paper, R, rtol=0, atol=1e-12)
    assert np.any(N > 1)                                      # later ponder steps (flag 0 for the paper) ran


@pytest.mark.parametrize("flag", ["paper"])
def test_bptt_gradients_with_the_papers_flag(flag):
    act, rng = make(3, halting_bias=-1.0)
    act = ACT(act.core, 2, rng=rng, threshold=act.threshold, flag=flag)
    act.params["halting.W"] *= 3.0
    x = rng.normal(size=(2, 2, 3))
    assert decision_margin(act, act.forward(x)[3]) > 1e-4
    dy = rng.normal(size=(2, 2, 2))

    def loss():
        return np.sum(act.forward(x)[0] * dy)

    grads, dx, _ = act.backward(dy, None, None, act.forward(x)[3])
    errors = check_gradients(loss, {**act.params, "x": x}, {**grads, "x": dx})
    assert max(errors.values()) < 1e-7, errors


def test_bad_arguments_are_refused():
    core = SonnetLSTM(4, input_size=4, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="threshold must be in"):
        ACT(core, 2, rng=np.random.default_rng(0), threshold=0.0)
    with pytest.raises(ValueError, match="max_steps must be an integer"):
        ACT(core, 2, rng=np.random.default_rng(0), max_steps=-1)
    with pytest.raises(ValueError, match="LSTM-like core"):
        ACT(object(), 2, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="flag must be 'sonnet' or 'paper', got 'graves'"):
        ACT(core, 2, rng=np.random.default_rng(0), flag="graves")


def test_the_classifier_with_its_ponder_cost():
    from rmc_lib.cores.act import ACTClassifier
    for seed in range(200):
        act, rng = make(seed, max_steps=0)
        x = rng.normal(size=(4, 1, 3))
        _, _, (N, _), _ = act.forward(x)
        if decision_margin(act, act.forward(x)[3]) > 1e-3 and len(np.unique(N)) > 1:
            break
    model = ACTClassifier(act, ponder_penalty=0.05)
    labels = np.array([0, 1, 1, 0])
    loss, grads, logits = model.loss_and_grads(x, labels)
    errors = check_gradients(lambda: model.loss_and_grads(x, labels)[0], model.params, grads)
    assert max(errors.values()) < 1e-7, errors
    metrics = model.evaluate(x, labels)
    assert metrics["loss"] == pytest.approx(loss) and metrics["steps"] == pytest.approx(N.mean())
    with pytest.raises(ValueError, match="ponder_penalty must be >= 0"):
        ACTClassifier(act, ponder_penalty=-1.0)


def test_decision_margin_finds_a_sum_that_lands_on_the_threshold():
    act, rng = make(0, threshold=0.9)
    act.params["halting.W"][...] = 0.0
    act.params["halting.b"][...] = np.log(0.45 / 0.55)       # h = 0.45 at every ponder step
    x = rng.normal(size=(2, 1, 3))
    assert decision_margin(act, act.forward(x)[3]) == pytest.approx(0.0, abs=1e-12)   # 0.45 + 0.45 = 0.9
    act.params["halting.b"][...] = np.log(0.4 / 0.6)          # 0.4, 0.8, then 1.2: 0.1 below, 0.3 above
    assert decision_margin(act, act.forward(x)[3]) == pytest.approx(0.1)
