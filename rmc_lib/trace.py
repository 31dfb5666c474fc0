"""What a forward pass of the RMC did, step by step, for plots and widgets.

`record(core, x)` runs the RMC and gathers, from the cache that the
backward pass needs anyway, the attention weights of every step, block and
head, the gates and the memory. `RelationalMemory.forward` itself stores
nothing extra, so training pays nothing for this.
"""

from dataclasses import dataclass

import numpy as np


@dataclass
class Trace:
    """Arrays recorded from one unroll of a RelationalMemory over T steps.

    attention:   [T, blocks, B, H, N+1, N+1]  weights[t, b, i, h, q, k]: how much
                 row q attends to row k (rows 0..N-1 are the slots, row N the input)
    input_gate:  [T, B, N, g] or None (gate_style None); g = F ('unit') or 1 ('memory')
    forget_gate: [T, B, N, g] or None
    memory:      [T+1, B, N, F]  memory[0] is the initial memory, memory[t+1] after step t
    x:           [B, T, D]  the input sequence
    """

    attention: np.ndarray
    input_gate: np.ndarray | None
    forget_gate: np.ndarray | None
    memory: np.ndarray
    x: np.ndarray

    @property
    def num_steps(self):
        return self.attention.shape[0]

    def row_labels(self):
        """Names of the N+1 attention rows: 'slot 0', ..., 'input'."""
        N = self.memory.shape[2]
        return [f"slot {i}" for i in range(N)] + ["input"]

    def memory_change(self):
        """[T, B, N]: how far each slot moved at each step (Euclidean norm)."""
        return np.linalg.norm(np.diff(self.memory, axis=0), axis=-1)


def trace_from_cache(cache, x):
    """Build a Trace from the cache returned by RelationalMemory.forward."""
    steps = cache["steps"]
    attention = np.stack([
        np.stack([block[0]["weights"] for block in step["blocks"]]) for step in steps
    ])
    if "gates" in steps[0]:
        input_gate = np.stack([step["gates"][3] for step in steps])
        forget_gate = np.stack([step["gates"][4] for step in steps])
    else:
        input_gate = forget_gate = None
    return Trace(attention=attention, input_gate=input_gate, forget_gate=forget_gate,
                 memory=np.stack(cache["memories"]), x=np.asarray(x))


def record(core, x, memory0=None):
    """Run core.forward(x, memory0) and return (outputs, final memory, Trace)."""
    outputs, final_memory, cache = core.forward(x, memory0)
    return outputs, final_memory, trace_from_cache(cache, x)
