"""The Relational RNN: an LSTM whose hidden state is written into a relational
memory, read back, and combined with the LSTM's output.

This follows the design of the numpy Relational RNN in the public
sutskever-30-implementations collection
(github.com/pageman/sutskever-30-implementations, paper 18 of that
collection, "Relational RNNs", as of its commit 225cba7 of March 2026): the
module `relational_rnn_cell.py`, classes `RelationalMemory` and
`RelationalRNNCell` (an LSTM cell, a relational memory fed with the LSTM's
hidden state, a read-out of the memory, and a layer combining the two).
Five defects of that module are corrected here; each is named with the code
it comes from in the original, so that it can be checked there.

1. Every slot is distinct from the start. The original started the memory
   at zeros (`RelationalRNNCell.init_memory` returns `np.zeros(...)`), so all
   slots were identical; attention cannot tell identical rows apart, and the
   slots the input does not reach directly (all but slot 0, see 2.) stay
   identical for ever. Here the memory starts as Sonnet's identity.
2. The input reaches every slot through attention. The original attended
   over the memory rows only (queries, keys and values all from the memory)
   and then added the projected input to slot 0 alone
   (`attended_memory[:, 0, :] = attended_memory[:, 0, :] + projected_input`
   in `RelationalMemory.forward`), so the other slots saw it only one step
   later and indirectly. Here the projected hidden state is appended as an
   extra row that every slot attends to (the RMC's `[memory; input]`), so
   each slot decides how much of it to take.
3. Gates really gate. The original mixed old and new memory with one convex
   gate, `memory_new = gates * updated_memory + (1 - gates) * memory_prev`,
   computed from the attended memory and the raw (unprojected) input, and
   with no input fell back to a constant gate
   (`gates = np.ones(...) * 0.5`), so that each step kept exactly half of
   the old memory. Here the
   memory is updated by the RMC's input and forget gates computed from the
   input and tanh of the previous memory, with a forget bias of 1, so that
   at the start a slot keeps 73% of itself per step rather than 50%.
4. It has a backward pass (BPTT through the LSTM and the memory), checked
   against finite differences in the tests, so it can be trained. The
   original module has forward passes only, and the collection's
   `train_relational_rnn.py` evaluates it without updating any weight (its
   results say "Baseline evaluation - no gradient updates (demo only)").
   (The collection's notebook `18_relational_rnn.ipynb` later gained a
   hand-written backward pass for a different, self-contained version of
   the model; the module followed here has none.)
5. The read-out keeps the slots apart: the original averaged the slots
   (`memory_readout = np.mean(memory_new, axis=1)` in
   `RelationalRNNCell.forward`), which throws away which slot holds what;
   here the whole memory is read through a linear layer.

One step, with state (h, c, M):

    h_t, c_t = LSTM(x_t, h_{t-1}, c_{t-1})
    M_t      = RelationalMemory.step(h_t, M_{t-1})      (h_t is the memory's input)
    r_t      = flatten(M_t) @ W_read + b_read           [B, H]
    out_t    = tanh([h_t ; r_t] @ W_combine + b_combine) [B, H]
"""

import numpy as np

from ..nn.checks import check_generator, check_sequence, check_shape
from ..nn.init import truncated_normal
from .lstm import LSTM
from .rmc import RelationalMemory


class RelationalRNN:
    """LSTM + relational memory. Parameters: 'lstm.*', 'memory.*' (the
    RelationalMemory's own names), 'read.W' [N*F, H], 'read.b', 'combine.W'
    [2H, H], 'combine.b'. Arrays are shared with the two parts, so update
    parameters in place (as rmc_lib's optimisers do)."""

    def __init__(self, hidden_size, mem_slots, head_size, num_heads=1, num_blocks=1,
                 forget_bias=1.0, input_bias=0.0, gate_style="unit", attention_mlp_layers=2,
                 key_size=None, *, input_size, rng, dtype=np.float64):
        check_generator(rng)
        self.lstm = LSTM(hidden_size, input_size=input_size, rng=rng, dtype=dtype)
        self.memory = RelationalMemory(
            mem_slots, head_size, num_heads=num_heads, num_blocks=num_blocks,
            forget_bias=forget_bias, input_bias=input_bias, gate_style=gate_style,
            attention_mlp_layers=attention_mlp_layers, key_size=key_size,
            input_size=hidden_size, rng=rng, dtype=dtype)
        self.dtype = self.lstm.dtype
        self.input_size = self.lstm.input_size
        self.hidden_size = H = self.lstm.hidden_size
        self.output_size = H
        read_in = self.memory.mem_slots * self.memory.mem_size
        self.params = {
            **{f"lstm.{k}": v for k, v in self.lstm.params.items()},
            **{f"memory.{k}": v for k, v in self.memory.params.items()},
            "read.W": truncated_normal(rng, (read_in, H), 1 / np.sqrt(read_in), self.dtype),
            "read.b": np.zeros(H, dtype=self.dtype),
            "combine.W": truncated_normal(rng, (2 * H, H), 1 / np.sqrt(2 * H), self.dtype),
            "combine.b": np.zeros(H, dtype=self.dtype),
        }

    def config(self):
        memory = self.memory.config()
        del memory["input_size"]
        return dict(hidden_size=self.hidden_size, input_size=self.input_size, **memory)

    def num_params(self):
        return sum(p.size for p in self.params.values())

    def initial_state(self, batch_size):
        """(h, c, M): zeros for the LSTM, the identity for the memory."""
        h, c = self.lstm.initial_state(batch_size)
        return h, c, self.memory.initial_state(batch_size)

    def forward(self, x, state0=None):
        """x: [B, T, D] -> (outputs [B, T, H], final state (h, c, M), cache)."""
        x = check_sequence(x, self.input_size, self.dtype)
        B, T, _ = x.shape
        if state0 is None:
            state0 = self.initial_state(B)
        if not isinstance(state0, tuple) or len(state0) != 3:
            raise ValueError("state0 must be a triple (h, c, memory)")
        h, c = self.lstm._check_state(state0[:2], B)
        M = self.memory._check_memory(state0[2], B)
        p = self.params
        outputs = np.empty((B, T, self.hidden_size), dtype=self.dtype)
        caches = []
        for t in range(T):
            h, (h, c), lstm_cache = self.lstm.step(x[:, t], (h, c))
            _, M, memory_cache = self.memory.step(h, M)
            flat = M.reshape(B, -1)
            read = flat @ p["read.W"] + p["read.b"]
            joined = np.concatenate([h, read], axis=1)
            outputs[:, t] = np.tanh(joined @ p["combine.W"] + p["combine.b"])
            caches.append((lstm_cache, memory_cache, flat, joined, outputs[:, t]))
        return outputs, (h, c, M), {"steps": caches, "x_shape": x.shape}

    def backward(self, d_outputs, d_final_state, cache):
        """BPTT. Returns (grads, dx [B, T, D], (dh0, dc0, dM0))."""
        B, T, D = cache["x_shape"]
        H = self.hidden_size
        d_outputs = check_shape("d_outputs", d_outputs, (B, T, H))
        p = self.params
        lstm_grads = {k: np.zeros_like(v) for k, v in self.lstm.params.items()}
        memory_grads = {k: np.zeros_like(v) for k, v in self.memory.params.items()}
        grads = {k: np.zeros_like(p[k]) for k in ("read.W", "read.b", "combine.W", "combine.b")}
        if d_final_state is None:
            dh = np.zeros((B, H), self.dtype)
            dc = np.zeros((B, H), self.dtype)
            dM = np.zeros_like(self.memory.initial_state(B))
        else:
            dh, dc, dM = (np.array(s, dtype=self.dtype) for s in d_final_state)
        dx = np.empty((B, T, D), dtype=self.dtype)
        for t in reversed(range(T)):
            lstm_cache, memory_cache, flat, joined, out = cache["steps"][t]
            d_pre = d_outputs[:, t] * (1 - out ** 2)
            grads["combine.W"] += joined.T @ d_pre
            grads["combine.b"] += d_pre.sum(axis=0)
            d_joined = d_pre @ p["combine.W"].T
            d_read = d_joined[:, H:]
            grads["read.W"] += flat.T @ d_read
            grads["read.b"] += d_read.sum(axis=0)
            dM = dM + (d_read @ p["read.W"].T).reshape(dM.shape)
            dh_from_memory, dM = self.memory.step_backward(dM, memory_cache, memory_grads)
            dh = dh + d_joined[:, :H] + dh_from_memory
            dx[:, t], dh, dc = self.lstm.step_backward(dh, dc, lstm_cache, lstm_grads)
        grads.update({f"lstm.{k}": v for k, v in lstm_grads.items()})
        grads.update({f"memory.{k}": v for k, v in memory_grads.items()})
        return grads, dx, (dh, dc, dM)
