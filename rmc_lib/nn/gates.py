"""The RMC's input and forget gates, as Sonnet computes them.

Sonnet's `RelationalMemory._create_gates` makes both gates from two
sources: the projected input x' (the same for every slot) and tanh of the
previous memory (one row per slot):

    gates = (x' @ W_gi + b_gi)[:, None, :] + tanh(M_prev) @ W_gm + b_gm
    i, f  = split(gates, 2, axis=-1)
    i     = sigmoid(i + input_bias)        input_bias  = 0 by default
    f     = sigmoid(f + forget_bias)       forget_bias = 1 by default

and the new memory is

    M_t = i * tanh(M~) + f * M_prev

where M~ is what attention proposed. The two biases are constants, not
trained: a forget bias of 1 makes f start near sigmoid(1) = 0.73, so at
the start of training a slot keeps 73% of itself per step rather than 50%
(a half-life of 2.2 steps instead of 1), the same trick as the LSTM's
forget-gate bias.

`gate_style='unit'` gives every feature of every slot its own gate
(width g = mem_size); `'memory'` gives one scalar gate per slot (g = 1).
"""

import numpy as np

from .checks import check_array
from .layers import linear_backward, linear_forward, sigmoid

GATE_STYLES = ("unit", "memory", None)


def check_gate_style(gate_style):
    """Raise ValueError unless gate_style is 'unit', 'memory' or None."""
    if gate_style not in GATE_STYLES:
        raise ValueError(f"gate_style must be one of 'unit', 'memory' or None, got {gate_style!r}")


def gate_size(gate_style, mem_size):
    """Width of one gate: mem_size for 'unit', 1 for 'memory', 0 for None."""
    check_gate_style(gate_style)
    return {"unit": mem_size, "memory": 1, None: 0}[gate_style]


def gates_forward(x_proj, memory, W_gi, b_gi, W_gm, b_gm, input_bias=0.0, forget_bias=1.0):
    """Input and forget gates from the projected input and the previous memory.

    x_proj: [B, F] (the input after the RMC's input projection),
    memory: [B, N, F] (the previous memory M_{t-1}),
    W_gi, W_gm: [F, 2g]; b_gi, b_gm: [2g]  (g = F for 'unit', 1 for 'memory').
    Returns (input_gate, forget_gate), each [B, N, g], and a cache.
    Sonnet: `_create_gates`, variables `linear_2` (input side) and
    `linear_3` (memory side) when num_blocks = 1.
    """
    x_proj = check_array("x_proj", x_proj, ndim=2)
    memory = check_array("memory", memory, ndim=3)
    if x_proj.shape[0] != memory.shape[0] or x_proj.shape[1] != memory.shape[2]:
        raise ValueError(
            f"x_proj must have shape [B, F] = [{memory.shape[0]}, {memory.shape[2]}] "
            f"to match memory {memory.shape}, got {x_proj.shape}"
        )
    W_gi = check_array("W_gi", W_gi, ndim=2)
    W_gm = check_array("W_gm", W_gm, ndim=2)
    if W_gm.shape[1] % 2:
        raise ValueError(f"W_gm must have an even number of columns (input and forget gate), got {W_gm.shape}")
    if W_gi.shape != W_gm.shape:
        raise ValueError(f"W_gi must have the shape of W_gm {W_gm.shape}, got {W_gi.shape}")
    tanh_mem = np.tanh(memory)
    from_input, in_cache = linear_forward(x_proj, W_gi, b_gi)      # [B, 2g]
    from_memory, mem_cache = linear_forward(tanh_mem, W_gm, b_gm)  # [B, N, 2g]
    g = W_gm.shape[1] // 2
    constant_bias = np.repeat(np.array([input_bias, forget_bias], dtype=from_memory.dtype), g)
    gates = sigmoid(from_memory + from_input[:, None, :] + constant_bias)   # one call for both
    input_gate, forget_gate = gates[..., :g], gates[..., g:]
    cache = (in_cache, mem_cache, tanh_mem, input_gate, forget_gate)
    return (input_gate, forget_gate), cache


def gates_backward(d_input_gate, d_forget_gate, cache):
    """Returns dx_proj, dmemory, dW_gi, db_gi, dW_gm, db_gm."""
    in_cache, mem_cache, tanh_mem, i, f = cache
    dgates = np.concatenate([d_input_gate * i * (1 - i), d_forget_gate * f * (1 - f)], axis=-1)
    dtanh_mem, dW_gm, db_gm = linear_backward(dgates, mem_cache)
    dx_proj, dW_gi, db_gi = linear_backward(dgates.sum(axis=1), in_cache)
    dmemory = dtanh_mem * (1 - tanh_mem ** 2)
    return dx_proj, dmemory, dW_gi, db_gi, dW_gm, db_gm


def gated_update_forward(candidate, memory, input_gate, forget_gate):
    """M_t = input_gate * tanh(candidate) + forget_gate * memory.

    candidate: [B, N, F] (M~, attention's proposal), memory: [B, N, F]
    (M_{t-1}); gates [B, N, g] with g = F or 1 (broadcast over features).
    """
    tanh_cand = np.tanh(candidate)
    out = input_gate * tanh_cand + forget_gate * memory
    return out, (tanh_cand, memory, input_gate, forget_gate)


def gated_update_backward(dout, cache):
    """Returns dcandidate, dmemory, dinput_gate, dforget_gate."""
    tanh_cand, memory, i, f = cache
    dcandidate = dout * i * (1 - tanh_cand ** 2)
    dmemory = dout * f
    di = dout * tanh_cand
    df = dout * memory
    if i.shape[-1] == 1:  # 'memory' style: one gate served every feature
        di = di.sum(axis=-1, keepdims=True)
        df = df.sum(axis=-1, keepdims=True)
    return dcandidate, dmemory, di, df


def half_life(forget_gate):
    """Steps until a memory kept by forget gate f (and nothing written) halves.

    With the input gate shut, M_t = f * M_{t-1}, so M_t = f ** t * M_0 and
    f ** t = 1/2 at t = log(1/2) / log(f). forget_gate: a value (or array)
    in (0, 1).
    """
    f = np.asarray(forget_gate, dtype=np.float64)
    if np.any((f <= 0) | (f >= 1)):
        raise ValueError(f"forget_gate must lie strictly between 0 and 1, got {forget_gate!r}")
    return np.log(0.5) / np.log(f)
