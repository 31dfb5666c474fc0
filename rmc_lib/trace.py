"""What a forward pass of the RMC, the NTM or the DNC did, step by step, for plots and widgets.

`record(core, x)` runs the core and gathers, from the cache that the
backward pass needs anyway, for the RMC the attention weights of every step,
block and head, the gates and the memory (a Trace); for the NTM every head's
weightings and addressing stages, its parameters (key, strength, gate,
shifts, sharpening), the erase and add vectors, the reads and the memory (an
NTMTrace); for the DNC its state at every step (memory, usage, links,
precedence, weightings) and what each step computed on the way (allocation,
content and forward/backward weights, read modes, gates, erase and write
vectors; a DNCTrace). `forward` itself stores nothing extra, so training
pays nothing for this. The memory network, not a recurrent core, has its own:
`MemN2N.trace(x)` gives each hop's attention over the story's sentences.
"""

from dataclasses import dataclass

import numpy as np

from .cores.dnc import DNC
from .cores.ntm import NTM
from .nn.addressing import shift_offsets


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


@dataclass
class HeadTrace:
    """The read heads or the write heads of an NTM over T steps (H heads).

    weights:   [T+1, B, H, N]  the weighting w_t; weights[0] is the initial one
    content:   [T, B, H, N]    w_c, content addressing alone
    gated:     [T, B, H, N]    w_g, after interpolation with w_{t-1}
    shifted:   [T, B, H, N]    w~, after the shift (before sharpening)
    keys:      [T, B, H, W]
    strengths, gate, gamma: [T, B, H]   beta, g, gamma
    shifts:    [T, B, H, 2R+1]  the shift weights, offsets -R..R (shift_offsets)
    erase, add: [T, B, H, W] for write heads, None for read heads
    """

    weights: np.ndarray
    content: np.ndarray
    gated: np.ndarray
    shifted: np.ndarray
    keys: np.ndarray
    strengths: np.ndarray
    gate: np.ndarray
    gamma: np.ndarray
    shifts: np.ndarray
    erase: np.ndarray | None = None
    add: np.ndarray | None = None

    @property
    def shift_offsets(self):
        """The offset of each shift weight: [-R, ..., R]."""
        return list(shift_offsets(self.shifts.shape[-1]))

    def focus(self):
        """[T+1, B, H]: the location each head weights most at each step."""
        return self.weights.argmax(axis=-1)


@dataclass
class NTMTrace:
    """Arrays recorded from one unroll of an NTM over T steps.

    read, write: HeadTrace of the read and the write heads
    memory:      [T+1, B, N, W]  memory[0] is the initial memory, memory[t+1] after step t
    reads:       [T+1, B, R, W]  the read vectors; reads[0] the initial ones
    x:           [B, T, D]  the input sequence
    """

    read: HeadTrace
    write: HeadTrace
    memory: np.ndarray
    reads: np.ndarray
    x: np.ndarray

    @property
    def num_steps(self):
        return self.memory.shape[0] - 1


def _head_trace(steps, states, kind):
    """kind: 'read' or 'write'."""
    parts = [step[kind] for step in steps]
    stages = [step[f"{kind}_address"] for step in steps]
    stacked = {name: np.stack([p[name] for p in parts]) for name in parts[0]}
    return HeadTrace(weights=np.stack([getattr(s, f"{kind}_weights") for s in states]),
                     content=np.stack([s["content"] for s in stages]),
                     gated=np.stack([s["gated"] for s in stages]),
                     shifted=np.stack([s["shifted"] for s in stages]),
                     keys=stacked["keys"], strengths=stacked["strengths"], gate=stacked["gate"],
                     gamma=stacked["gamma"], shifts=stacked["shifts"],
                     erase=stacked.get("erase"), add=stacked.get("add"))


def ntm_trace_from_cache(cache, x):
    """Build an NTMTrace from the cache returned by NTM.forward."""
    steps, states = cache["steps"], cache["states"]
    return NTMTrace(read=_head_trace(steps, states, "read"), write=_head_trace(steps, states, "write"),
                    memory=np.stack([s.memory for s in states]), reads=np.stack([s.reads for s in states]),
                    x=np.asarray(x))


@dataclass
class DNCTrace:
    """Arrays recorded from one unroll of a DNC over T steps: N locations of
    W numbers, R read heads, V write heads (deepmind's names in brackets).

    The state, [T+1, ...]: index 0 the initial state, t+1 after step t.
      memory:        [T+1, B, N, W]
      usage:         [T+1, B, N]        u_t (access_state/usage)
      link:          [T+1, B, V, N, N]  L_t[i, j]: i was written right after j
      precedence:    [T+1, B, V, N]     p_t
      write_weights: [T+1, B, V, N]     w^w_t
      read_weights:  [T+1, B, R, N]     w^r_t
      reads:         [T+1, B, R, W]     r_t (access_output)
    What step t computed on the way, [T, ...]:
      allocation_weights:    [T, B, V, N]     a_t, before the gates
      write_content_weights: [T, B, V, N]     c^w_t, looked up in memory[t] (before the write)
      read_content_weights:  [T, B, R, N]     c^r_t, looked up in memory[t+1] (after it)
      forward_weights, backward_weights: [T, B, R, V, N]  L_t w^r_{t-1} and L_t^T w^r_{t-1}
      read_modes:     [T, B, R, 1 + 2V]  pi_t in deepmind's order: backward x V, forward x V, content
      free_gate:      [T, B, R];  allocation_gate, write_gate: [T, B, V]
      erase_vectors, write_vectors: [T, B, V, W]
      write_keys [T, B, V, W], write_strengths [T, B, V], read_keys [T, B, R, W],
      read_strengths [T, B, R]: the strengths after softplus, as the lookups use them
    x: [B, T, D]  the input sequence
    """

    memory: np.ndarray
    usage: np.ndarray
    link: np.ndarray
    precedence: np.ndarray
    write_weights: np.ndarray
    read_weights: np.ndarray
    reads: np.ndarray
    allocation_weights: np.ndarray
    write_content_weights: np.ndarray
    read_content_weights: np.ndarray
    forward_weights: np.ndarray
    backward_weights: np.ndarray
    read_modes: np.ndarray
    free_gate: np.ndarray
    allocation_gate: np.ndarray
    write_gate: np.ndarray
    erase_vectors: np.ndarray
    write_vectors: np.ndarray
    write_keys: np.ndarray
    write_strengths: np.ndarray
    read_keys: np.ndarray
    read_strengths: np.ndarray
    x: np.ndarray

    @property
    def num_steps(self):
        return self.memory.shape[0] - 1

    def mode_labels(self):
        """Names of the 1 + 2V read modes, in the order of read_modes' last axis."""
        V = self.write_weights.shape[2]
        return [f"backward {v}" for v in range(V)] + [f"forward {v}" for v in range(V)] + ["content"]


def _lookup(cosine_cache):
    """(weights, strengths after softplus) from a cosine_weights_forward cache,
    which ends with (..., beta, weights)."""
    return cosine_cache[-1], cosine_cache[-2]


def dnc_trace_from_cache(cache, x):
    """Build a DNCTrace from the cache returned by DNC.forward."""
    steps, states = cache["steps"], cache["states"]

    def state(field):
        return np.stack([getattr(s, field) for s in states])

    def per_step(get):
        return np.stack([get(step) for step in steps])

    iface = {name: np.stack([step["interface"][name] for step in steps]) for name in steps[0]["interface"]}
    write_lookups = [_lookup(step["write_content"]) for step in steps]
    read_lookups = [_lookup(step["read_content"]) for step in steps]
    return DNCTrace(
        memory=state("memory"), usage=state("usage"), link=state("link"), precedence=state("precedence"),
        write_weights=state("write_weights"), read_weights=state("read_weights"), reads=state("reads"),
        allocation_weights=per_step(lambda step: step["allocation_weights"]),
        write_content_weights=np.stack([w for w, _ in write_lookups]),
        read_content_weights=np.stack([w for w, _ in read_lookups]),
        forward_weights=per_step(lambda step: step["forward_weights"]),
        backward_weights=per_step(lambda step: step["backward_weights"]),
        read_modes=iface["read_mode"], free_gate=iface["free_gate"], allocation_gate=iface["allocation_gate"],
        write_gate=iface["write_gate"], erase_vectors=iface["erase_vectors"], write_vectors=iface["write_vectors"],
        write_keys=iface["write_keys"], write_strengths=np.stack([beta for _, beta in write_lookups]),
        read_keys=iface["read_keys"], read_strengths=np.stack([beta for _, beta in read_lookups]),
        x=np.asarray(x))


def record(core, x, memory0=None):
    """Run core.forward(x, memory0) and return (outputs, final state, trace):
    an NTMTrace for an NTM (memory0 is then its initial NTMState), a
    DNCTrace for a DNC (memory0 its initial DNCState), a Trace for a
    RelationalMemory."""
    outputs, final_state, cache = core.forward(x, memory0)
    if isinstance(core, NTM):
        return outputs, final_state, ntm_trace_from_cache(cache, x)
    if isinstance(core, DNC):
        return outputs, final_state, dnc_trace_from_cache(cache, x)
    return outputs, final_state, trace_from_cache(cache, x)
