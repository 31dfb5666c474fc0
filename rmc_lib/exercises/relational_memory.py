"""Self-checks for the exercises of lesson 03 (relational memory).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints what is wrong or that it passed, and
returns True or False.
"""

import numpy as np

from ..cores.rmc import RelationalMemory
from ..nn import layers
from ..trace import record
from ._cases import run_cases


def check_layer_norm_rows(fn):
    """fn(x, gamma, beta) must return the RMC's layer norm of x [..., F]: each
    row (the last axis) on its own to mean 0 and variance 1, with the biased
    variance and eps = 1e-5 inside the square root, (x - mean) / sqrt(var + eps),
    then times gamma [F] plus beta [F]. Reference: layers.layer_norm_forward."""
    rng = np.random.default_rng(9)
    settings = [
        ("one row of 6 features, gamma 1 and beta 0", (6,), False, 1.0),
        ("a [5, 8] matrix (each row on its own)", (5, 8), True, 1.0),
        ("a [2, 5, 16] batch of [memory; input], rows of very different scales", (2, 5, 16), True, None),
        ("rows of equal values (variance 0: eps keeps the result finite)", (2, 4), True, 0.0),
    ]
    cases = []
    for description, shape, random_affine, scale in settings:
        F = shape[-1]
        if scale is None:                  # row r scaled by 10 ** (r - 2): 0.01 ... 100
            x = rng.normal(size=shape) * 10.0 ** (np.arange(shape[-2]) - 2)[:, None]
        elif scale == 0.0:
            x = np.broadcast_to(rng.normal(size=shape[:-1] + (1,)), shape).copy()
        else:
            x = rng.normal(size=shape)
        gamma = 1 + 0.5 * rng.normal(size=F) if random_affine else np.ones(F)
        beta = 0.5 * rng.normal(size=F) if random_affine else np.zeros(F)
        cases.append((description,
                      lambda x=x, g=gamma, b=beta: fn(x.copy(), g.copy(), b.copy()),
                      lambda x=x, g=gamma, b=beta: layers.layer_norm_forward(x, g, b)[0]))
    return run_cases("check_layer_norm_rows", cases)


def _memory_core(rng, **config):
    """A gate-less RelationalMemory whose biases, gains and shifts are random too
    (freshly initialised they are 0 and 1, which would hide a missing term)."""

    core = RelationalMemory(gate_style=None, rng=rng, **config)
    for name, value in core.params.items():
        if name.endswith(".gamma"):
            core.params[name] = 1 + 0.2 * rng.normal(size=value.shape)
        elif not name.endswith(".W"):
            core.params[name] = 0.2 * rng.normal(size=value.shape)
    return core


def check_attend_and_crop(fn):
    """fn(core, x_t, memory) must return the memory M~ [B, N, F] that the
    attention + MLP blocks propose, before any gating: project x_t [B, D]
    to a row x' = x_t W_in + b_in, append it to memory [B, N, F], apply the
    core's num_blocks blocks with core.params (each its own attention and
    layer norms, one MLP shared by all), then drop the input row. The cores
    have gate_style=None, so the reference is core.step(x_t, memory)[1]."""
    rng = np.random.default_rng(10)
    settings = [
        ("one block, one head, B=1, N=3, D=5", 1, 5,
         dict(mem_slots=3, head_size=4, num_heads=1, num_blocks=1)),
        ("one block, 2 heads, B=2, N=4, D=7", 2, 7,
         dict(mem_slots=4, head_size=4, num_heads=2, num_blocks=1)),
        ("two blocks (the MLP is shared), B=2, N=4, D=3", 2, 3,
         dict(mem_slots=4, head_size=3, num_heads=2, num_blocks=2)),
        ("three blocks, key_size 3 != head_size 4, a 3-layer MLP, N=2", 1, 6,
         dict(mem_slots=2, head_size=4, num_heads=2, num_blocks=3, key_size=3,
              attention_mlp_layers=3)),
    ]
    cases = []
    for description, B, D, config in settings:
        core = _memory_core(rng, input_size=D, **config)
        x_t = rng.normal(size=(B, D))
        memory_ = rng.normal(size=(B, core.mem_slots, core.mem_size))
        cases.append((description,
                      lambda c=core, x=x_t, m=memory_: fn(c, x.copy(), m.copy()),
                      lambda c=core, x=x_t, m=memory_: c.step(x, m)[1]))
    return run_cases("check_attend_and_crop", cases)


def check_input_attention(fn):
    """fn(trace) must return how much each memory slot attends to the input
    row, averaged over the heads: an array [T, blocks, B, N], from
    trace.attention [T, blocks, B, H, N+1, N+1] (axis -2: the querying row,
    axis -1: the row attended to; index N is the input row)."""

    rng = np.random.default_rng(11)
    settings = [
        ("T=3 steps, 1 block, B=1, 1 head, N=2", 3, 1, 1,
         dict(mem_slots=2, head_size=3, num_heads=1, num_blocks=1)),
        ("T=4 steps, 2 blocks, B=2, 2 heads, N=4", 4, 2, 2,
         dict(mem_slots=4, head_size=2, num_heads=2, num_blocks=2)),
        ("T=2 steps, 3 blocks, B=3, 4 heads, N=3", 2, 3, 3,
         dict(mem_slots=3, head_size=2, num_heads=4, num_blocks=3)),
    ]
    cases = []
    for description, T, B, D, config in settings:
        core = _memory_core(rng, input_size=D, **config)
        x = rng.normal(size=(B, T, D))

        def learner(core=core, x=x):
            return fn(record(core, x)[2])

        def expected(core=core, x=x):
            weights = record(core, x)[2].attention
            N = weights.shape[-1] - 1
            return weights[..., :N, N].mean(axis=3)

        cases.append((description, learner, expected))
    return run_cases("check_input_attention", cases)
