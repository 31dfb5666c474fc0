"""The self-checks of 03_relational_memory pass correct answers and catch typical mistakes."""

import numpy as np
import pytest

from rmc_lib.nn import attention
from rmc_lib.nn import layers
from rmc_lib.exercises import relational_memory as exercises


# ----------------------------------------------------------------------------
# check_layer_norm_rows
# ----------------------------------------------------------------------------

def row_norm(x, gamma, beta, eps=1e-5, axes=(-1,), ddof=0, eps_outside=False):
    """Layer norm over `axes`; the keyword flags reproduce typical mistakes."""
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True, ddof=ddof)
    std = np.sqrt(var) + eps if eps_outside else np.sqrt(var + eps)
    return (x - mean) / std * gamma + beta


def test_layer_norm_check_passes_the_library_and_plain_numpy(capsys):
    assert exercises.check_layer_norm_rows(lambda x, g, b: layers.layer_norm_forward(x, g, b)[0])
    assert exercises.check_layer_norm_rows(row_norm)
    assert "check_layer_norm_rows: passed (4 cases)" in capsys.readouterr().out


def test_normalising_the_whole_matrix_is_caught(capsys):
    def whole_matrix(x, gamma, beta):
        return row_norm(x, gamma, beta, axes=tuple(range(max(x.ndim - 2, 0), x.ndim)))
    assert not exercises.check_layer_norm_rows(whole_matrix)
    assert "failed on a [5, 8] matrix (each row on its own)" in capsys.readouterr().out


def test_normalising_the_columns_is_caught(capsys):
    assert not exercises.check_layer_norm_rows(lambda x, g, b: row_norm(x, g, b, axes=(0,)))
    assert "failed on" in capsys.readouterr().out


def test_unbiased_variance_and_eps_outside_the_root_are_caught(capsys):
    assert not exercises.check_layer_norm_rows(lambda x, g, b: row_norm(x, g, b, ddof=1))
    assert not exercises.check_layer_norm_rows(lambda x, g, b: row_norm(x, g, b, eps_outside=True))
    assert capsys.readouterr().out.count("failed on one row of 6 features") == 2


def test_a_missing_eps_is_caught(capsys):
    with np.errstate(divide="ignore", invalid="ignore"):
        assert not exercises.check_layer_norm_rows(lambda x, g, b: row_norm(x, g, b, eps=0.0))

        # right wherever the variance is positive: only the constant rows catch it
        def eps_only_when_needed(x, g, b):
            if np.all(np.ptp(x, axis=-1) > 0):
                return layers.layer_norm_forward(x, g, b)[0]
            return row_norm(x, g, b, eps=0.0)

        assert not exercises.check_layer_norm_rows(eps_only_when_needed)
    out = capsys.readouterr().out
    assert "failed on one row of 6 features" in out
    assert "failed on rows of equal values (variance 0: eps keeps the result finite): your result holds NaN" in out


def test_gamma_and_beta_swapped_or_dropped_are_caught(capsys):
    assert not exercises.check_layer_norm_rows(lambda x, g, b: row_norm(x, b, g))
    assert not exercises.check_layer_norm_rows(lambda x, g, b: row_norm(x, 1.0, 0.0))
    out = capsys.readouterr().out
    assert "failed on one row of 6 features" in out and "failed on a [5, 8] matrix" in out


# ----------------------------------------------------------------------------
# check_attend_and_crop
# ----------------------------------------------------------------------------

def attend_and_crop(core, x_t, memory, *, crop=True, blocks=None, crop_first=False,
                    final_relu=False, residual=True):
    """The gate-less update in numpy; the keyword flags reproduce typical mistakes."""
    p, N = core.params, core.mem_slots
    A = np.concatenate([memory, (x_t @ p["input.W"] + p["input.b"])[:, None]], axis=1)
    if crop_first:
        A = A[:, :N]
    for b in range(core.num_blocks if blocks is None else blocks):
        attended, _ = attention.multihead_attention_forward(
            A, p[f"block{b}.qkv.W"], p[f"block{b}.qkv.b"], p[f"block{b}.qkv_norm.gamma"],
            p[f"block{b}.qkv_norm.beta"], core.num_heads, core.key_size, core.head_size)
        A = row_norm(residual * A + attended, p[f"block{b}.attention_norm.gamma"],
                     p[f"block{b}.attention_norm.beta"])
        h = A
        for layer in range(core.attention_mlp_layers):
            h = h @ p[f"mlp.{layer}.W"] + p[f"mlp.{layer}.b"]
            if final_relu or layer < core.attention_mlp_layers - 1:
                h = np.maximum(h, 0)
        A = row_norm(residual * A + h, p[f"block{b}.mlp_norm.gamma"], p[f"block{b}.mlp_norm.beta"])
    return A[:, :N] if crop else A


def test_attend_and_crop_check_passes_a_numpy_answer_and_the_library(capsys):
    assert exercises.check_attend_and_crop(attend_and_crop)
    assert exercises.check_attend_and_crop(lambda core, x, m: core._attend_over_memory(
        np.concatenate([m, (x @ core.params["input.W"] + core.params["input.b"])[:, None]], 1))[0]
        [:, :core.mem_slots])
    assert "check_attend_and_crop: passed (4 cases)" in capsys.readouterr().out


def test_the_cores_of_the_check_have_no_gates_and_random_norms(rng):
    core = exercises._memory_core(rng, mem_slots=2, head_size=3, num_heads=1, input_size=2)
    assert core.gate_style is None
    assert not np.allclose(core.params["block0.mlp_norm.gamma"], 1)
    assert not np.allclose(core.params["mlp.1.b"], 0)


def test_a_forgotten_crop_is_caught(capsys):
    assert not exercises.check_attend_and_crop(lambda *a: attend_and_crop(*a, crop=False))
    assert "expected shape (1, 3, 4), got (1, 4, 4)" in capsys.readouterr().out


def test_only_one_block_is_caught(capsys):
    assert not exercises.check_attend_and_crop(lambda *a: attend_and_crop(*a, blocks=1))
    assert "failed on two blocks (the MLP is shared)" in capsys.readouterr().out


@pytest.mark.parametrize("mistake", [dict(crop_first=True), dict(final_relu=True), dict(residual=False)])
def test_other_mistakes_are_caught(capsys, mistake):
    assert not exercises.check_attend_and_crop(lambda *a: attend_and_crop(*a, **mistake))
    assert "failed on one block, one head" in capsys.readouterr().out


# ----------------------------------------------------------------------------
# check_input_attention
# ----------------------------------------------------------------------------

def test_input_attention_check_passes_a_correct_answer(capsys):
    def mine(trace):
        N = trace.memory.shape[2]
        return trace.attention[:, :, :, :, :N, N].mean(axis=3)
    assert exercises.check_input_attention(mine)
    assert "check_input_attention: passed (3 cases)" in capsys.readouterr().out


def test_the_input_row_instead_of_the_input_column_is_caught(capsys):
    assert not exercises.check_input_attention(lambda tr: tr.attention[..., -1, :-1].mean(axis=3))
    assert "values differ" in capsys.readouterr().out


def test_forgetting_to_average_or_to_drop_the_input_query_is_caught(capsys):
    assert not exercises.check_input_attention(lambda tr: tr.attention[..., :-1, -1])
    assert not exercises.check_input_attention(lambda tr: tr.attention[..., :, -1].mean(axis=3))
    assert not exercises.check_input_attention(lambda tr: tr.attention[..., :-1, -1].mean(axis=2))
    out = capsys.readouterr().out
    assert out.count("expected shape") == 2 and "failed on T=4 steps" in out


def test_stubs_that_raise_are_reported(capsys):
    def stub(*args):
        raise NotImplementedError("replace this line with your code")
    assert not exercises.check_layer_norm_rows(stub)
    assert not exercises.check_attend_and_crop(stub)
    assert not exercises.check_input_attention(stub)
    out = capsys.readouterr().out
    assert out.count("NotImplementedError: replace this line with your code") == 3
