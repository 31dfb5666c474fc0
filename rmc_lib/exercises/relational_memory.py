"""Self-checks for the exercises of lesson 03 (relational memory).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints what is wrong or that it passed, and
returns True or False.
"""

import numpy as np

from ..cores.rmc import RelationalMemory
from ..trace import record
from ._cases import run_cases


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


def _uncropped_run(core, x, memory):
    """The memories [B, N0+1, F], [B, N0+2, F], ... of a gate-less core run
    over x [B, T, D] from memory [B, N0, F] without ever cropping the input row."""
    p = core.params
    memories = []
    for t in range(x.shape[1]):
        x_proj = x[:, t] @ p["input.W"] + p["input.b"]
        memory = core._attend_over_memory(np.concatenate([memory, x_proj[:, None]], axis=1))[0]
        memories.append(memory)
    return tuple(memories)


def check_uncropped_run(fn, core=None, x=None):
    """fn(core, x, memory0) must run the gate-less `core` over x [B, T, D]
    from memory0 [B, N0, F] WITHOUT cropping: at each step append the
    projected input x' = x_t W_in + b_in as a row, apply all the blocks
    (core._attend_over_memory), and keep every row, the input row
    included, as the next memory. It returns the T memories after the
    steps, a list of arrays [B, N0+1, F], [B, N0+2, F], ..., [B, N0+T, F].

    With `core` and `x` (the notebook's), a passing function is also run
    on them from the identity, and what changed is printed: the rows after
    each step, the attention weights per head and block at the last step,
    and how far the first N rows are from the cropped memory's slots."""
    rng = np.random.default_rng(12)
    settings = [
        ("one step, one block, B=1, N0=3, D=5", 1, 1, 5, False,
         dict(mem_slots=3, head_size=4, num_heads=1, num_blocks=1)),
        ("3 steps, two blocks (the MLP is shared), B=2, N0=2, D=3", 3, 2, 3, False,
         dict(mem_slots=2, head_size=3, num_heads=2, num_blocks=2)),
        ("4 steps from a random memory, key_size 3 != head_size 4, a 3-layer MLP", 4, 2, 6, True,
         dict(mem_slots=3, head_size=4, num_heads=2, num_blocks=1, key_size=3, attention_mlp_layers=3)),
    ]
    cases = []
    for description, T, B, D, random_start, config in settings:
        c = _memory_core(rng, input_size=D, **config)
        xs = rng.normal(size=(B, T, D))
        m0 = rng.normal(size=(B, c.mem_slots, c.mem_size)) if random_start else c.initial_state(B)
        cases.append((description,
                      lambda c=c, xs=xs, m0=m0: _as_tuple(fn(c, xs.copy(), m0.copy())),
                      lambda c=c, xs=xs, m0=m0: _uncropped_run(c, xs, m0)))
    if core is not None and core.gate_style is not None:
        raise ValueError(f"core must be gate-less (gate_style=None), got gate_style={core.gate_style!r}")
    passed = run_cases("check_uncropped_run", cases)
    if passed and core is not None and x is not None:
        N = core.mem_slots
        grown = _as_tuple(fn(core, np.array(x), core.initial_state(len(x))))
        slots = record(core, x)[2].memory[1:]                      # [T, B, N, F]: the cropped run
        gaps = [float(np.abs(np.asarray(m)[:, :N] - s).max()) for m, s in zip(grown, slots)]
        rows = [np.shape(m)[1] for m in grown]
        print(f"on this notebook's core: rows after each step {rows}; the last step weighs "
              f"{rows[-1] ** 2} pairs per head and block (cropped: {(N + 1) ** 2})")
        print("first N rows against the cropped memory's slots, largest difference after each step: "
              + ", ".join(f"{g:.1e}" for g in gaps))
    return passed


def _as_tuple(result):
    return tuple(result) if isinstance(result, (list, tuple)) else result


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
