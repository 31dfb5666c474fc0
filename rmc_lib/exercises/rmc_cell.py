"""Self-checks for the exercises of lesson 04 (the RMC cell).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints what is wrong or that it passed, and
returns True or False.
"""

import numpy as np

from ..cores.rmc import RelationalMemory
from ..nn import gates, layers
from ._cases import run_cases


def check_rmc_num_params(fn):
    """fn(mem_slots, head_size, num_heads, num_blocks, input_size, gate_style,
    attention_mlp_layers, key_size) must return how many trainable numbers the
    RMC with these arguments has (RelationalMemory(...).num_params())."""

    settings = [
        ("the example: N=4, head_size=16, H=2, D=8, one block", 4, 16, 2, 1, 8, "unit", 2, 16),
        ("the example with 2 blocks (the MLP is shared)", 4, 16, 2, 2, 8, "unit", 2, 16),
        ("'memory' gates (one per slot)", 4, 16, 2, 1, 8, "memory", 2, 16),
        ("no gates (gate_style=None)", 4, 16, 2, 1, 8, None, 2, 16),
        ("key_size 5 != head_size 3, 3 heads, 3 MLP layers, 3 blocks", 6, 3, 3, 3, 7, "unit", 3, 5),
        ("one slot instead of 9, otherwise equal", 1, 8, 4, 2, 5, "memory", 1, 8),
        ("9 slots instead of 1, otherwise equal", 9, 8, 4, 2, 5, "memory", 1, 8),
    ]

    def reference(N, hs, H, nb, D, gate_style, layers_, k):
        return RelationalMemory(N, hs, H, nb, gate_style=gate_style, attention_mlp_layers=layers_,
                                key_size=k, input_size=D, rng=np.random.default_rng(0)).num_params()

    cases = [(d, lambda a=args: fn(*a), lambda a=args: reference(*a)) for d, *args in settings]
    return run_cases("check_rmc_num_params", cases, rtol=0, atol=0)


def check_gated_update_backward(fn):
    """fn(dout, candidate, memory, input_gate, forget_gate) must return
    (d_candidate, d_memory, d_input_gate, d_forget_gate), the gradients of the
    gated update M_t = input_gate * tanh(candidate) + forget_gate * memory,
    given dout = dL/dM_t. Gates are [B, N, g] with g = F ('unit') or 1
    ('memory': one gate serves all F features of a slot)."""
    rng = np.random.default_rng(7)
    settings = [("'unit' gates, B=2, N=3, F=4", 2, 3, 4, 4, 1.0),
                ("'memory' gates (g = 1), B=2, N=3, F=5", 2, 3, 5, 1, 1.0),
                ("'unit' gates, a large candidate (tanh saturates)", 1, 4, 3, 3, 4.0)]
    cases = []
    for d, B, N, F, g, scale in settings:
        dout = rng.normal(size=(B, N, F))
        candidate = scale * rng.normal(size=(B, N, F))
        mem = rng.normal(size=(B, N, F))
        i = layers.sigmoid(rng.normal(size=(B, N, g)))
        f = layers.sigmoid(rng.normal(size=(B, N, g)))

        def expected(dout=dout, c=candidate, m=mem, i=i, f=f):
            _, cache = gates.gated_update_forward(c, m, i, f)
            return tuple(gates.gated_update_backward(dout, cache))

        def learner(dout=dout, c=candidate, m=mem, i=i, f=f):
            got = fn(dout.copy(), c.copy(), m.copy(), i.copy(), f.copy())
            return tuple(got) if isinstance(got, (tuple, list)) else got

        cases.append((d, learner, expected))
    return run_cases("check_gated_update_backward", cases)


def _memory_gradients(core, d_outputs, cache):
    """dL/dM_t for t = 0..T, [T+1, B, N, F], by one backward walk over the steps."""
    B, T, _ = cache["x_shape"]
    N, F = core.mem_slots, core.mem_size
    grads = {name: np.zeros_like(value) for name, value in core.params.items()}
    result = np.zeros((T + 1, B, N, F))
    d_memory = np.zeros((B, N, F))
    for t in reversed(range(T)):
        d_memory = d_memory + d_outputs[:, t].reshape(B, N, F)
        result[t + 1] = d_memory
        _, d_memory = core.step_backward(d_memory, cache["steps"][t], grads)
    result[0] = d_memory
    return result


def check_memory_gradients(fn):
    """fn(core, d_outputs, cache) must return dL/dM_t for every t = 0..T as one
    array [T+1, B, N, F]: M_0 is the initial memory, M_T the last. cache is
    from core.forward(x); d_outputs [B, T, N*F] is dL/d output_t (the loss
    reaches the memory only through the outputs)."""

    settings = [("'unit' gates, a loss on every output, T=4", "unit", 4, "all"),
                ("'unit' gates, a loss on the last output only, T=5", "unit", 5, "last"),
                ("'memory' gates, 2 blocks, a loss on every output, T=3", "memory", 3, "all"),
                ("no gates, a loss on the first and the last output, T=4", None, 4, "ends")]
    rng = np.random.default_rng(8)
    cases = []
    for d, gate_style, T, which in settings:
        core = RelationalMemory(3, 2, 2, num_blocks=2 if gate_style == "memory" else 1,
                                gate_style=gate_style, input_size=3, rng=rng)
        x = rng.normal(size=(2, T, 3))
        d_outputs = rng.normal(size=(2, T, core.output_size))
        if which == "last":
            d_outputs[:, :-1] = 0
        elif which == "ends":
            d_outputs[:, 1:-1] = 0

        def learner(core=core, x=x, d_outputs=d_outputs):
            _, _, cache = core.forward(x)
            return fn(core, d_outputs.copy(), cache)

        def expected(core=core, x=x, d_outputs=d_outputs):
            _, _, cache = core.forward(x)
            return _memory_gradients(core, d_outputs, cache)

        cases.append((d, learner, expected))
    return run_cases("check_memory_gradients", cases)
