"""The self-checks of 04_rmc_cell pass correct answers and catch typical mistakes."""

import numpy as np

from rmc_lib.cores.rmc import RelationalMemory
from rmc_lib.nn import gates
from rmc_lib.exercises import rmc_cell as exercises


# ----------------------------------------------------------------------------
# check_rmc_num_params
# ----------------------------------------------------------------------------

def library_count(N, hs, H, nb, D, gate_style, mlp_layers, key_size):
    return RelationalMemory(N, hs, H, nb, gate_style=gate_style, attention_mlp_layers=mlp_layers,
                            key_size=key_size, input_size=D, rng=np.random.default_rng(0)).num_params()


def formula_count(N, hs, H, nb, D, gate_style, mlp_layers, key_size, *, qkv_width=None,
                  mlp_per_block=False, memory_gates_as_unit=False):
    """The count from the formula; the keyword flags reproduce typical mistakes."""
    F = H * hs
    Q = H * (2 * key_size + hs) if qkv_width is None else qkv_width(F)
    g = {"unit": F, "memory": 1, None: 0}[gate_style]
    if memory_gates_as_unit and gate_style == "memory":
        g = F
    mlp = mlp_layers * (F * F + F) * (nb if mlp_per_block else 1)
    gates = 2 * (F * 2 * g + 2 * g)
    return D * F + F + nb * (F * Q + Q + 2 * Q + 4 * F) + mlp + gates


def test_num_params_check_passes_the_library_and_the_formula(capsys):
    assert exercises.check_rmc_num_params(library_count)
    assert exercises.check_rmc_num_params(formula_count)
    assert "check_rmc_num_params: passed (7 cases)" in capsys.readouterr().out


def test_num_params_example_matches_the_spec():
    assert library_count(4, 16, 2, 1, 8, "unit", 2, 16) == 10_112
    assert library_count(4, 16, 2, 2, 8, "unit", 2, 16) == 13_600


def test_an_mlp_per_block_is_caught(capsys):
    assert not exercises.check_rmc_num_params(
        lambda *a: formula_count(*a, mlp_per_block=True))
    assert "2 blocks (the MLP is shared)" in capsys.readouterr().out


def test_qkv_width_of_three_f_is_caught(capsys):
    # right only when key_size == head_size
    assert not exercises.check_rmc_num_params(
        lambda *a: formula_count(*a, qkv_width=lambda F: 3 * F))
    assert "key_size 5 != head_size 3" in capsys.readouterr().out


def test_memory_gates_counted_as_unit_gates_are_caught(capsys):
    assert not exercises.check_rmc_num_params(
        lambda *a: formula_count(*a, memory_gates_as_unit=True))
    assert "'memory' gates" in capsys.readouterr().out


def test_a_count_that_grows_with_the_slots_is_caught(capsys):
    assert not exercises.check_rmc_num_params(
        lambda N, *a: formula_count(N, *a) + N * 4)
    assert "failed on the example" in capsys.readouterr().out


# ----------------------------------------------------------------------------
# check_forget_bias_gradient
# ----------------------------------------------------------------------------

def forget_bias_gradient(dout, candidate, memory, i, f):
    """dL/d beta_f = sum over batch, slots and units of dL/dM_t * M_{t-1} * f (1 - f)."""
    return np.sum(dout * memory * f * (1 - f))


def test_forget_bias_check_passes_the_derived_answer(capsys):
    assert exercises.check_forget_bias_gradient(forget_bias_gradient)
    assert "check_forget_bias_gradient: passed (4 cases)" in capsys.readouterr().out


def test_forget_bias_check_accepts_a_per_gate_sum_and_a_one_element_array(capsys):
    def per_slot_first(dout, candidate, memory, i, f):
        d_forget_gate = dout * memory
        if f.shape[-1] == 1:
            d_forget_gate = d_forget_gate.sum(axis=-1, keepdims=True)
        return np.array([np.sum(d_forget_gate * f * (1 - f))])
    assert exercises.check_forget_bias_gradient(per_slot_first)


def test_the_reference_is_the_gradient_of_a_trained_bias():
    # a trained beta_f is a constant added to the forget half of b_gm, so its
    # gradient is the sum of the forget half of db_gm
    rng = np.random.default_rng(3)
    s = exercises._gate_setting(rng, 2, 3, 4, "unit", 1.0)
    (i, f), cache = gates.gates_forward(s["x_proj"], s["memory"], s["W_gi"], s["b_gi"], s["W_gm"], s["b_gm"],
                                        forget_bias=1.0)
    db_gm = gates.gates_backward(np.zeros_like(i), s["dout"] * s["memory"], cache)[5]
    assert np.isclose(db_gm[4:].sum(), forget_bias_gradient(s["dout"], s["candidate"], s["memory"], i, f))


def mistake_is_named(capsys, fn, case, words):
    assert not exercises.check_forget_bias_gradient(fn)
    out = capsys.readouterr().out
    assert f"failed on {case}" in out, out
    assert "likely mistake: " + words in out, out


def test_forgetting_the_sum_over_slots_and_units_is_caught(capsys):
    mistake_is_named(capsys, lambda d, c, m, i, f: np.sum(d * m * f * (1 - f), axis=0),
                     "'unit' gates, B=2, N=3, F=4", "your result has shape (3, 4); beta_f is one number")


def test_returning_the_gate_gradient_unsummed_is_caught(capsys):
    mistake_is_named(capsys, lambda d, c, m, i, f: d * m * f * (1 - f),
                     "'unit' gates", "your result has shape (2, 3, 4)")


def test_forgetting_the_sigmoid_slope_is_caught(capsys):
    mistake_is_named(capsys, lambda d, c, m, i, f: np.sum(d * m),
                     "'unit' gates", "the sigmoid's slope")


def test_the_input_gate_slope_is_caught(capsys):
    mistake_is_named(capsys, lambda d, c, m, i, f: np.sum(d * m * i * (1 - i)),
                     "'unit' gates", "the slope of the input gate")


def test_the_input_bias_gradient_is_caught(capsys):
    mistake_is_named(capsys, lambda d, c, m, i, f: np.sum(d * np.tanh(c) * i * (1 - i)),
                     "'unit' gates", "that is dL/d beta_i")


def test_the_wrong_factor_is_caught(capsys):
    mistake_is_named(capsys, lambda d, c, m, i, f: np.sum(d * np.tanh(c) * f * (1 - f)),
                     "'unit' gates", "the forget gate multiplies M_{t-1}")
    mistake_is_named(capsys, lambda d, c, m, i, f: np.sum(d * f * (1 - f)),
                     "'unit' gates", "the factor M_{t-1}")


def test_sigma_applied_twice_is_caught(capsys):
    def twice(d, c, m, i, f):
        s = 1 / (1 + np.exp(-f))
        return np.sum(d * m * s * (1 - s))
    mistake_is_named(capsys, twice, "'unit' gates", "sigma applied twice")


def test_a_mean_instead_of_a_sum_is_caught(capsys):
    mistake_is_named(capsys, lambda d, c, m, i, f: np.mean(d * m * f * (1 - f)),
                     "'unit' gates", "a mean where the chain rule sums")
    mistake_is_named(capsys, lambda d, c, m, i, f: np.sum(d * m * f * (1 - f)) / d.shape[0],
                     "'unit' gates", "divided by the batch size")


def test_a_mean_over_a_memory_gates_features_is_caught(capsys):
    def averaged(d, c, m, i, f):
        d_forget_gate = d * m
        if f.shape[-1] == 1:
            d_forget_gate = d_forget_gate.mean(axis=-1, keepdims=True)
        return np.sum(d_forget_gate * f * (1 - f))
    mistake_is_named(capsys, averaged, "'memory' gates (one gate per slot, g = 1)", "a mean over the slot's features")


def test_an_unknown_mistake_and_no_result_are_reported(capsys):
    mistake_is_named(capsys, lambda d, c, m, i, f: 2 * forget_bias_gradient(d, c, m, i, f),
                     "'unit' gates", "none of the usual ones")
    mistake_is_named(capsys, lambda d, c, m, i, f: None, "'unit' gates", "your result is not a finite number")


# ----------------------------------------------------------------------------
# check_memory_gradients
# ----------------------------------------------------------------------------

def one_pass(core, d_outputs, cache, *, add_outputs=True, carry=True, shift=False):
    """The backward walk; the flags reproduce typical mistakes."""
    B, T, _ = cache["x_shape"]
    N, F = core.mem_slots, core.mem_size
    grads = {k: np.zeros_like(v) for k, v in core.params.items()}
    out = np.zeros((T + 1, B, N, F))
    d = d_outputs[:, -1].reshape(B, N, F).copy()
    for t in reversed(range(T)):
        if t < T - 1:
            step_grad = d_outputs[:, t].reshape(B, N, F) if add_outputs else 0
            d = d + step_grad if carry else d_outputs[:, t].reshape(B, N, F)
        out[t if shift else t + 1] = d
        _, d = core.step_backward(d, cache["steps"][t], grads)
    if not shift:
        out[0] = d
    return out


def test_memory_gradients_check_passes_a_correct_walk(capsys):
    assert exercises.check_memory_gradients(one_pass)
    assert "check_memory_gradients: passed (4 cases)" in capsys.readouterr().out


def test_the_reference_agrees_with_backward():
    rng = np.random.default_rng(0)
    core = RelationalMemory(3, 2, 2, input_size=3, rng=rng)
    x = rng.normal(size=(2, 4, 3))
    outputs, _, cache = core.forward(x)
    d_outputs = rng.normal(size=outputs.shape)
    _, _, d_memory0 = core.backward(d_outputs, None, cache)
    result = exercises._memory_gradients(core, d_outputs, cache)
    np.testing.assert_allclose(result[0], d_memory0, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(result[-1], d_outputs[:, -1].reshape(2, 3, 4))


def test_only_the_last_output_is_caught(capsys):
    assert not exercises.check_memory_gradients(lambda *a: one_pass(*a, add_outputs=False))
    assert "a loss on every output, T=4" in capsys.readouterr().out


def test_not_carrying_the_gradient_is_caught(capsys):
    assert not exercises.check_memory_gradients(lambda *a: one_pass(*a, carry=False))
    assert "failed on" in capsys.readouterr().out


def test_an_off_by_one_record_is_caught(capsys):
    assert not exercises.check_memory_gradients(lambda *a: one_pass(*a, shift=True))
    assert "failed on" in capsys.readouterr().out


def test_stubs_that_raise_are_reported(capsys):
    def stub(*args):
        raise NotImplementedError("replace this line with your code")
    assert not exercises.check_rmc_num_params(stub)
    assert not exercises.check_forget_bias_gradient(stub)
    assert not exercises.check_memory_gradients(stub)
    out = capsys.readouterr().out
    assert out.count("NotImplementedError: replace this line with your code") == 3
