"""The self-checks of 03_relational_memory pass correct answers and catch typical mistakes."""

import numpy as np
import pytest

from rmc_lib.nn import attention
from rmc_lib.exercises import relational_memory as exercises


# ----------------------------------------------------------------------------
# check_uncropped_run
# ----------------------------------------------------------------------------

def row_norm(x, gamma, beta, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=-1, keepdims=True) + eps) * gamma + beta


def uncropped_run(core, x, memory, *, crop=False, keep_projection=False, restart=False,
                  from_identity=False, raw_input=False):
    """The uncropped run in numpy; the keyword flags reproduce typical mistakes."""
    p = core.params
    start = core.initial_state(len(x)) if from_identity else memory
    memory, memories = start, []
    for t in range(x.shape[1]):
        x_proj = x[:, t] if raw_input else x[:, t] @ p["input.W"] + p["input.b"]
        A = np.concatenate([start if restart else memory, x_proj[:, None]], axis=1)
        out = core._attend_over_memory(A)[0]
        if crop:
            out = out[:, :-1]
        elif keep_projection:
            out = np.concatenate([out[:, :-1], x_proj[:, None]], axis=1)
        memory = out
        memories.append(memory)
    return memories


@pytest.fixture
def notebook_core(rng):
    from rmc_lib import tasks
    from rmc_lib.cores.rmc import RelationalMemory
    task = tasks.NthFarthest(num_objects=4, num_features=4)
    core = RelationalMemory(mem_slots=4, head_size=8, num_heads=2, num_blocks=2, gate_style=None,
                            input_size=task.input_size, rng=rng)
    return core, task.sample(2, rng)[0]


def test_uncropped_run_check_passes_a_correct_answer_and_reports_the_growth(capsys, notebook_core):
    core, x = notebook_core
    assert exercises.check_uncropped_run(uncropped_run)
    assert exercises.check_uncropped_run(lambda *a: tuple(uncropped_run(*a)), core=core, x=x)
    out = capsys.readouterr().out
    assert out.count("check_uncropped_run: passed (3 cases)") == 2
    assert "rows after each step [5, 6, 7, 8]; the last step weighs 64 pairs per head and block (cropped: 25)" in out
    # after the first step the slots are the cropped core's; from the second on the kept rows change them
    gaps = [float(g) for g in out.split("after each step: ")[-1].split(", ")]
    assert gaps[0] == 0 and min(gaps[1:]) > 0.01


def test_cropping_anyway_is_caught(capsys):
    assert not exercises.check_uncropped_run(lambda *a: uncropped_run(*a, crop=True))
    assert "failed on one step, one block, B=1, N0=3, D=5: expected shape (1, 4, 4), got (1, 3, 4)" in capsys.readouterr().out


def test_keeping_the_input_row_from_before_the_blocks_is_caught(capsys):
    assert not exercises.check_uncropped_run(lambda *a: uncropped_run(*a, keep_projection=True))
    assert "failed on one step, one block" in capsys.readouterr().out


def test_starting_every_step_from_memory0_is_caught(capsys):
    assert not exercises.check_uncropped_run(lambda *a: uncropped_run(*a, restart=True))
    out = capsys.readouterr().out
    assert "failed on 3 steps, two blocks (the MLP is shared), B=2, N0=2, D=3 (item 1 of the result)" in out


def test_ignoring_the_given_memory_is_caught(capsys):
    assert not exercises.check_uncropped_run(lambda *a: uncropped_run(*a, from_identity=True))
    assert "failed on 4 steps from a random memory" in capsys.readouterr().out


def test_appending_the_raw_input_or_returning_only_the_last_memory_is_caught(capsys):
    assert not exercises.check_uncropped_run(lambda *a: uncropped_run(*a, raw_input=True))
    assert not exercises.check_uncropped_run(lambda *a: uncropped_run(*a)[-1])
    out = capsys.readouterr().out
    assert "failed on one step, one block, B=1, N0=3, D=5: your function raised ValueError" in out
    assert "expected a tuple of 1 arrays, got ndarray" in out


def test_the_summary_needs_a_gate_less_core(rng):
    from rmc_lib.cores.rmc import RelationalMemory
    gated = RelationalMemory(2, 2, input_size=3, rng=rng)
    with pytest.raises(ValueError, match="gate_style=None"):
        exercises.check_uncropped_run(uncropped_run, core=gated, x=np.zeros((1, 2, 3)))


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
    assert not exercises.check_uncropped_run(stub)
    assert not exercises.check_attend_and_crop(stub)
    assert not exercises.check_input_attention(stub)
    out = capsys.readouterr().out
    assert out.count("NotImplementedError: replace this line with your code") == 3
