"""The self-checks of A1_backward_passes pass correct answers and catch typical
mistakes; their references and the slipped RMC backward pass are right."""

import numpy as np
import pytest

from rmc_lib import RelationalMemory
from rmc_lib.exercises import backward_passes as exercises
from rmc_lib.nn.gradcheck import check_gradients
from rmc_lib.nn.layers import sigmoid

# ----------------------------------------------------------------------------
# The references, against finite differences
# ----------------------------------------------------------------------------


def test_the_rms_norm_reference_matches_finite_differences(rng):
    x = rng.normal(size=(2, 3, 5))
    gamma = 1 + 0.3 * rng.normal(size=5)
    G = rng.normal(size=x.shape)
    dx, dgamma = exercises.rms_norm_backward(G, x, gamma, 1e-3)
    errors = check_gradients(lambda: np.sum(exercises.rms_norm_forward(x, gamma, 1e-3) * G),
                             {"x": x, "gamma": gamma}, {"x": dx, "gamma": dgamma})
    assert max(errors.values()) < 1e-7


@pytest.mark.parametrize("g", [4, 1])
def test_the_gate_reference_matches_finite_differences(rng, g):
    memory, W, c = rng.normal(size=(2, 3, 4)), rng.normal(size=(4, g)), 0.7
    G = rng.normal(size=(2, 3, g))
    d_memory, dW = exercises.gate_backward(G, memory, W, c)
    errors = check_gradients(lambda: np.sum(sigmoid(np.tanh(memory) @ W + c) * G),
                             {"memory": memory, "W": W}, {"memory": d_memory, "W": dW})
    assert max(errors.values()) < 1e-7


# ----------------------------------------------------------------------------
# check_rms_norm_backward
# ----------------------------------------------------------------------------


def numpy_rms_norm_backward(dy, x, gamma, eps, through_r=True, eps_inside=True, sum_rows=True):
    """The derived answer; the flags reproduce typical mistakes."""
    F = x.shape[-1]
    mean_square = np.mean(x * x, axis=-1, keepdims=True)
    r = 1 / np.sqrt(mean_square + eps) if eps_inside else 1 / (np.sqrt(mean_square) + eps)
    x_hat = x * r
    g = dy * gamma
    dx = r * (g - x_hat * np.mean(g * x_hat, axis=-1, keepdims=True)) if through_r else r * g
    dgamma = (dy * x_hat).reshape(-1, F).sum(axis=0) if sum_rows else (dy * x_hat).sum(axis=0)
    return dx, dgamma


def test_rms_norm_check_passes_a_correct_answer(capsys):
    assert exercises.check_rms_norm_backward(numpy_rms_norm_backward)
    assert "check_rms_norm_backward: passed (5 cases)" in capsys.readouterr().out


def test_treating_r_as_a_constant_is_caught(capsys):
    assert not exercises.check_rms_norm_backward(
        lambda *a: numpy_rms_norm_backward(*a, through_r=False))
    assert "the path through r" in capsys.readouterr().out


def test_eps_outside_the_square_root_is_caught(capsys):
    assert not exercises.check_rms_norm_backward(
        lambda *a: numpy_rms_norm_backward(*a, eps_inside=False))
    assert "failed on 3 rows of 5 features" in capsys.readouterr().out     # visible already at eps = 1e-5


def test_dgamma_summed_over_the_first_axis_only_is_caught(capsys):
    assert not exercises.check_rms_norm_backward(
        lambda *a: numpy_rms_norm_backward(*a, sum_rows=False))
    out = capsys.readouterr().out
    assert "dgamma sums over every row" in out and "item 1 of the result" in out


def test_the_layer_norm_answer_is_not_taken_for_rms_norm(capsys):
    def layer_norm(dy, x, gamma, eps):
        centred = x - x.mean(axis=-1, keepdims=True)
        return numpy_rms_norm_backward(dy, centred, gamma, eps)

    assert not exercises.check_rms_norm_backward(layer_norm)
    assert "failed" in capsys.readouterr().out


def test_an_rms_norm_stub_is_reported(capsys):
    def stub(dy, x, gamma, eps):
        raise NotImplementedError("replace this line with your code")

    assert not exercises.check_rms_norm_backward(stub)
    assert "raised NotImplementedError" in capsys.readouterr().out


# ----------------------------------------------------------------------------
# check_gate_backward
# ----------------------------------------------------------------------------


def numpy_gate_backward(d_gate, memory, W, c, sigmoid_prime=True, tanh_prime=True):
    t = np.tanh(memory)
    s = sigmoid(t @ W + c)
    dz = d_gate * s * (1 - s) if sigmoid_prime else d_gate * s
    d_t = dz @ W.T
    d_memory = d_t * (1 - t ** 2) if tanh_prime else d_t
    dW = t.reshape(-1, W.shape[0]).T @ dz.reshape(-1, W.shape[1])
    return d_memory, dW


def test_gate_check_passes_a_correct_answer(capsys):
    assert exercises.check_gate_backward(numpy_gate_backward)
    assert "check_gate_backward: passed (4 cases)" in capsys.readouterr().out


def test_a_wrong_sigmoid_derivative_is_caught(capsys):
    assert not exercises.check_gate_backward(lambda *a: numpy_gate_backward(*a, sigmoid_prime=False))
    assert "'unit' width g = F = 4" in capsys.readouterr().out


def test_a_forgotten_tanh_derivative_is_caught(capsys):
    assert not exercises.check_gate_backward(lambda *a: numpy_gate_backward(*a, tanh_prime=False))
    assert "item 0 of the result" in capsys.readouterr().out


def test_the_constant_left_out_is_caught(capsys):
    # c changes the sigmoid's slope: the case with c = 0 passes, the next one must not
    assert not exercises.check_gate_backward(lambda d, m, W, c: numpy_gate_backward(d, m, W, 0.0))
    assert "'memory' width g = 1 (one gate per slot), c = 1" in capsys.readouterr().out


def test_dW_of_the_first_example_only_is_caught(capsys):
    def first_example(d_gate, memory, W, c):
        d_memory, _ = numpy_gate_backward(d_gate, memory, W, c)
        t, s = np.tanh(memory[0]), sigmoid(np.tanh(memory[0]) @ W + c)
        return d_memory, t.T @ (d_gate[0] * s * (1 - s))

    assert not exercises.check_gate_backward(first_example)
    assert "item 1 of the result" in capsys.readouterr().out


# ----------------------------------------------------------------------------
# The RMC step's backward with a slip
# ----------------------------------------------------------------------------


@pytest.mark.parametrize("gate_style, num_blocks", [("unit", 1), ("memory", 2)])
def test_without_a_slip_the_composition_is_rmc_libs_backward(rng, gate_style, num_blocks):
    core = RelationalMemory(3, 2, 2, num_blocks=num_blocks, gate_style=gate_style, input_size=3, rng=rng)
    x = rng.normal(size=(2, 4, 3))
    d_outputs = rng.normal(size=(2, 4, core.output_size))
    _, _, cache = core.forward(x)
    grads, dx, d_memory0 = exercises.backward_with_slip(core, d_outputs, cache)
    want_grads, want_dx, want_memory0 = core.backward(d_outputs, None, cache)
    for name in want_grads:
        np.testing.assert_array_equal(grads[name], want_grads[name], err_msg=name)
    np.testing.assert_array_equal(dx, want_dx)
    np.testing.assert_array_equal(d_memory0, want_memory0)


def test_every_slip_breaks_something_and_the_slip_names_are_checked():
    for slip in exercises.ALL_SLIPS:
        assert exercises.broken_gradients(slip), slip
    with pytest.raises(ValueError, match="slip must be None or one of"):
        exercises.broken_gradients("no such slip")
    with pytest.raises(ValueError, match="slip must name a slip"):
        exercises.broken_gradients(None)


def test_an_ungated_core_is_refused(rng):
    core = RelationalMemory(2, 2, 1, gate_style=None, input_size=2, rng=rng)
    _, _, cache = core.forward(rng.normal(size=(1, 2, 2)))
    with pytest.raises(ValueError, match="needs a gated core"):
        exercises.backward_with_slip(core, np.zeros((1, 2, core.output_size)), cache)


def test_the_forget_path_breaks_only_the_memory_in_one_step_and_everything_in_three():
    assert exercises.broken_gradients("forget path") == ["memory"]
    assert exercises.broken_gradients("forget path", steps=3) == sorted(exercises.GRADIENT_NAMES)


# ----------------------------------------------------------------------------
# check_broken_gradients
# ----------------------------------------------------------------------------

ATTENTION = {"block0.qkv.W", "block0.qkv.b", "block0.qkv_norm.gamma", "block0.qkv_norm.beta",
             "block0.attention_norm.gamma", "block0.attention_norm.beta"}
GATES = {"gate_input.W", "gate_input.b", "gate_memory.W", "gate_memory.b"}
INPUT = {"input.W", "input.b", "x_t"}
REASONED = {  # what going through the backward pass in order predicts
    "mlp residual": ATTENTION | INPUT | {"memory"},
    "input row": INPUT,
    "sigmoid derivative": GATES | INPUT | {"memory"},
    "gates' memory path": {"memory"},
}


def test_broken_gradients_check_passes_reasoned_predictions(capsys):
    assert exercises.check_broken_gradients(lambda slip: REASONED[slip])
    assert "check_broken_gradients: passed (4 slips)" in capsys.readouterr().out


def test_a_wrong_prediction_names_the_slip_and_counts_without_revealing(capsys):
    def forgets_the_input(slip):
        return REASONED[slip] - INPUT if slip == "mlp residual" else REASONED[slip]

    assert not exercises.check_broken_gradients(forgets_the_input)
    out = capsys.readouterr().out
    assert "failed on 'mlp residual'" in out and "3 wrong gradient(s) not listed, 0 listed" in out
    assert "input.W" not in out


def test_reveal_says_which_names(capsys):
    def everything(slip):
        return set(exercises.GRADIENT_NAMES)

    assert not exercises.check_broken_gradients(everything, reveal=True)
    out = capsys.readouterr().out
    assert "listed but right: ['block0.mlp_norm.beta'" in out


def test_predicting_that_the_mlp_breaks_too_is_caught(capsys):
    def with_mlp(slip):
        return REASONED[slip] | {"mlp.0.W"} if slip == "mlp residual" else REASONED[slip]

    assert not exercises.check_broken_gradients(with_mlp)
    assert "0 wrong gradient(s) not listed, 1 listed that stay right" in capsys.readouterr().out


def test_bad_answers_are_reported(capsys):
    assert not exercises.check_broken_gradients(lambda slip: "memory")
    assert "expected a set or list of gradient names, got str" in capsys.readouterr().out
    assert not exercises.check_broken_gradients(lambda slip: {"M_prev"})
    assert "['M_prev'] are not gradient names" in capsys.readouterr().out

    def stub(slip):
        raise NotImplementedError("replace this line with your code")

    assert not exercises.check_broken_gradients(stub)
    assert "failed on 'mlp residual': your function raised NotImplementedError" in capsys.readouterr().out
