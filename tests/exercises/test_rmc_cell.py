"""The self-checks of 04_rmc_cell pass correct answers and catch typical mistakes."""

import numpy as np

from rmc_lib.nn.gates import gated_update_backward, gated_update_forward
from rmc_lib.cores.rmc import RelationalMemory
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
# check_gated_update_backward
# ----------------------------------------------------------------------------

def library_update_backward(dout, candidate, memory, i, f):
    return gated_update_backward(dout, gated_update_forward(candidate, memory, i, f)[1])


def test_update_backward_check_passes_the_library(capsys):
    assert exercises.check_gated_update_backward(library_update_backward)
    assert "check_gated_update_backward: passed (3 cases)" in capsys.readouterr().out


def test_a_plain_numpy_answer_passes(capsys):
    def mine(dout, candidate, memory, i, f):
        t = np.tanh(candidate)
        di, df = dout * t, dout * memory
        if i.shape[-1] == 1:
            di, df = di.sum(-1, keepdims=True), df.sum(-1, keepdims=True)
        return dout * i * (1 - t ** 2), dout * f, di, df
    assert exercises.check_gated_update_backward(mine)


def test_a_missing_tanh_derivative_is_caught(capsys):
    def no_tanh_slope(dout, candidate, memory, i, f):
        dc, dm, di, df = library_update_backward(dout, candidate, memory, i, f)
        return dout * i, dm, di, df
    assert not exercises.check_gated_update_backward(no_tanh_slope)
    assert "(item 0 of the result)" in capsys.readouterr().out


def test_memory_style_gates_not_summed_are_caught(capsys):
    def unsummed(dout, candidate, memory, i, f):
        t = np.tanh(candidate)
        return dout * i * (1 - t ** 2), dout * f, dout * t, dout * memory
    assert not exercises.check_gated_update_backward(unsummed)
    assert "'memory' gates (g = 1)" in capsys.readouterr().out


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
    assert not exercises.check_gated_update_backward(stub)
    assert not exercises.check_memory_gradients(stub)
    out = capsys.readouterr().out
    assert out.count("NotImplementedError: replace this line with your code") == 3
