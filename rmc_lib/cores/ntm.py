"""The Neural Turing Machine (Graves, Wayne & Danihelka 2014), with the
implementation choices of Collier & Beel (2018), "Implementing Neural Turing
Machines", which made it train reliably.

One time step, with memory M: [B, N, W] (N locations of W numbers), R read
heads and V write heads, S = 2 * shift_range + 1 shift weights:

    h_t, c_t = LSTM([x_t, r_{t-1}], h_{t-1}, c_{t-1})      the controller sees the last reads
    write heads (on the previous memory):
        k, beta, g, s, gamma, e, a = parts(clip(h_t @ W_write + b_write))
        w^w_t = address(M_{t-1}, k, beta, g, s, gamma, w^w_{t-1})
        M_t   = write(M_{t-1}, w^w_t, e, a)                erase, then add
    read heads (after writing, on the new memory):
        k, beta, g, s, gamma = parts(clip(h_t @ W_read + b_read))
        w^r_t = address(M_t, k, beta, g, s, gamma, w^r_{t-1})
        r_t   = w^r_t M_t
    y_t = clip([h_t, r_t] @ W_out + b_out)

`address` is content addressing, interpolation, shift and sharpening
(rmc_lib.nn.addressing); `parts` cuts a head's vector into its parts and
squashes each into its range (rmc_lib.nn.memory_access). `clip` limits to
[-clip_value, clip_value] (Collier & Beel clip the heads' parameters and the
output at 20; 0 or None: no clipping), so that no pre-activation can grow
without bound. The unroll is `forward`; `backward` is backpropagation
through time through all of it.
"""

from typing import NamedTuple

import numpy as np

from ..nn.addressing import address_backward, address_forward
from ..nn.checks import check_float_dtype, check_generator, check_positive_int, check_sequence
from ..nn.checks import check_shape, check_state
from ..nn.init import truncated_normal
from ..nn.layers import clip_backward, clip_forward, linear_backward, linear_forward
from ..nn.memory_access import (head_parameters_backward, head_parameters_forward, head_width, read_backward,
                                read_forward, write_backward, write_forward)
from .lstm import LSTM

INITIAL_MEMORY = 1e-6   # Collier & Beel's best memory initialisation: a small constant


class NTMState(NamedTuple):
    """The NTM's state between steps (a tuple, so it unpacks as one)."""
    h: np.ndarray                # [B, hidden_size]  controller output
    c: np.ndarray                # [B, hidden_size]  controller cell
    memory: np.ndarray           # [B, N, W]
    read_weights: np.ndarray     # [B, num_reads, N]
    write_weights: np.ndarray    # [B, num_writes, N]
    reads: np.ndarray            # [B, num_reads, W]  the read vectors r


class NTM:
    """A Neural Turing Machine with an LSTM controller.

    Arguments:
      memory_size (N): memory locations.
      word_size (W): numbers per location.
      num_reads, num_writes: read and write heads.
      hidden_size: LSTM controller units.
      shift_range: the shifts a head may make, -shift_range .. +shift_range
        (1, the paper's choice for copying: -1, 0, +1).
      output_size: width of y_t.
      clip_value: bound on the heads' parameters and on y_t (0 or None: none).
      input_size (D): width of each x_t.
      rng: np.random.Generator for initialisation (truncated normal with std
        1/sqrt(fan_in) for weights, zeros for biases; the LSTM's forget bias 1).
      dtype: np.float64 (gradient checks) or np.float32 (speed).

    Parameters: 'controller.x.W' [D + R*W, 4H], 'controller.h.W', 'controller.b'
    (the LSTM's, shared with self.controller), 'write_heads.W' [H, V*Pw],
    'write_heads.b', 'read_heads.W' [H, R*Pr], 'read_heads.b', 'output.W'
    [H + R*W, output_size], 'output.b'; Pw, Pr = head_width(W, S, write).

    The initial state (`initial_state`): the memory a small constant, 1e-6
    everywhere (Collier & Beel found it trains faster and more reliably than
    random or learned memories); every head's weighting all on location 0;
    the read vectors and the controller's h and c zero. Nothing of it is
    learned. Why location 0: a constant memory gives every location the same
    content, so content addressing alone cannot tell them apart, and a
    weighting spread evenly stays even under every shift; a head that starts
    at one location, like a tape head at the start of a tape, can move from
    there by shifts from the first step.
    """

    def __init__(self, memory_size, word_size, num_reads=1, num_writes=1, hidden_size=100, shift_range=1,
                 output_size=None, clip_value=20.0, *, input_size, rng, dtype=np.float64):
        self.memory_size = check_positive_int("memory_size", memory_size)
        self.word_size = check_positive_int("word_size", word_size)
        self.num_reads = check_positive_int("num_reads", num_reads)
        self.num_writes = check_positive_int("num_writes", num_writes)
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.shift_range = check_positive_int("shift_range", shift_range)
        self.output_size = check_positive_int("output_size", output_size)
        self.input_size = check_positive_int("input_size", input_size)
        if clip_value is not None and (not np.isscalar(clip_value) or clip_value < 0):
            raise ValueError(f"clip_value must be a number >= 0 or None (no clipping), got {clip_value!r}")
        self.clip_value = None if not clip_value else float(clip_value)
        self.dtype = check_float_dtype(dtype)
        check_generator(rng)
        self.num_shifts = 2 * self.shift_range + 1
        R, V, W, H = self.num_reads, self.num_writes, self.word_size, self.hidden_size
        self.read_width = head_width(W, self.num_shifts, write=False)
        self.write_width = head_width(W, self.num_shifts, write=True)
        self.controller = LSTM(H, input_size=self.input_size + R * W, rng=rng, dtype=self.dtype)
        self.params = {f"controller.{k}": v for k, v in self.controller.params.items()}
        for name, shape in (("write_heads", (H, V * self.write_width)), ("read_heads", (H, R * self.read_width)),
                            ("output", (H + R * W, self.output_size))):
            self.params[f"{name}.W"] = truncated_normal(rng, shape, 1 / np.sqrt(shape[0]), self.dtype)
            self.params[f"{name}.b"] = np.zeros(shape[1], dtype=self.dtype)

    def config(self):
        """The constructor arguments (without rng), e.g. for a checkpoint."""
        return dict(memory_size=self.memory_size, word_size=self.word_size, num_reads=self.num_reads,
                    num_writes=self.num_writes, hidden_size=self.hidden_size, shift_range=self.shift_range,
                    output_size=self.output_size, clip_value=self.clip_value, input_size=self.input_size)

    def num_params(self):
        """Number of trainable numbers."""
        return sum(p.size for p in self.params.values())

    # ------------------------------------------------------------------
    # State
    # ------------------------------------------------------------------

    def initial_state(self, batch_size):
        """The NTMState described in the class docstring, for batch_size sequences."""
        B = check_positive_int("batch_size", batch_size)
        N, W, H = self.memory_size, self.word_size, self.hidden_size
        weights = [np.zeros((B, heads, N), dtype=self.dtype) for heads in (self.num_reads, self.num_writes)]
        for w in weights:
            w[:, :, 0] = 1.0
        return NTMState(h=np.zeros((B, H), self.dtype), c=np.zeros((B, H), self.dtype),
                        memory=np.full((B, N, W), INITIAL_MEMORY, dtype=self.dtype),
                        read_weights=weights[0], write_weights=weights[1],
                        reads=np.zeros((B, self.num_reads, W), self.dtype))

    def state_shapes(self, batch_size):
        """The shape of each part of the state, as an NTMState of tuples."""
        B, N, W, H = batch_size, self.memory_size, self.word_size, self.hidden_size
        return NTMState((B, H), (B, H), (B, N, W), (B, self.num_reads, N), (B, self.num_writes, N),
                        (B, self.num_reads, W))

    def _check_state(self, state, batch_size, name="state0"):
        return check_state(name, state, self.state_shapes(batch_size), self.dtype)

    # ------------------------------------------------------------------
    # Forward
    # ------------------------------------------------------------------

    def _head_parameters(self, h, kind, heads, width, write):
        raw, linear_cache = linear_forward(h, self.params[f"{kind}.W"], self.params[f"{kind}.b"])
        raw, inside = clip_forward(raw.reshape(h.shape[0], heads, width), self.clip_value)
        parts, parts_cache = head_parameters_forward(raw, self.word_size, self.num_shifts, write)
        return parts, (linear_cache, inside, parts_cache)

    def _head_parameters_backward(self, dparts, cache, kind, grads):
        linear_cache, inside, parts_cache = cache
        draw = clip_backward(head_parameters_backward(dparts, parts_cache), inside)
        dh, dW, db = linear_backward(draw.reshape(draw.shape[0], -1), linear_cache)
        grads[f"{kind}.W"] += dW
        grads[f"{kind}.b"] += db
        return dh

    @staticmethod
    def _address(memory, parts, previous):
        return address_forward(memory, parts["keys"], parts["strengths"], parts["gate"], parts["shifts"],
                               parts["gamma"], previous)

    def step(self, x_t, state):
        """One step. x_t: [B, D], state: an NTMState.

        Returns (y_t [B, output_size], the new NTMState, cache). The cache
        keeps every head's parameters and addressing stages ("write", "read"),
        which `rmc_lib.trace` records.
        """
        B = x_t.shape[0]
        p = self.params
        controller_in = np.concatenate([x_t, state.reads.reshape(B, -1)], axis=1)
        h, (h, c), controller_cache = self.controller.step(controller_in, (state.h, state.c))
        write, write_heads = self._head_parameters(h, "write_heads", self.num_writes, self.write_width, True)
        write_weights, write_address = self._address(state.memory, write, state.write_weights)
        memory, write_cache = write_forward(state.memory, write_weights, write["erase"], write["add"])
        read, read_heads = self._head_parameters(h, "read_heads", self.num_reads, self.read_width, False)
        read_weights, read_address = self._address(memory, read, state.read_weights)
        reads, read_cache = read_forward(memory, read_weights)
        y, output_cache = linear_forward(np.concatenate([h, reads.reshape(B, -1)], axis=1),
                                         p["output.W"], p["output.b"])
        y, output_inside = clip_forward(y, self.clip_value)
        cache = {"controller": controller_cache, "write": write, "write_heads": write_heads,
                 "write_address": write_address, "write_memory": write_cache, "read": read,
                 "read_heads": read_heads, "read_address": read_address, "read_memory": read_cache,
                 "output": (output_cache, output_inside)}
        return y, NTMState(h, c, memory, read_weights, write_weights, reads), cache

    def forward(self, x, state0=None):
        """Unroll over time. x: [B, T, D]; state0: an NTMState (default: initial_state).

        Returns (outputs [B, T, output_size], final NTMState, cache); cache
        holds what `backward` needs and what `rmc_lib.trace` records
        (cache["states"]: the T + 1 states, the first being state0).
        """
        x = check_sequence(x, self.input_size, self.dtype)
        B, T, _ = x.shape
        state = self.initial_state(B) if state0 is None else self._check_state(state0, B)
        outputs = np.empty((B, T, self.output_size), dtype=self.dtype)
        states, step_caches = [state], []
        for t in range(T):
            outputs[:, t], state, step_cache = self.step(x[:, t], state)
            states.append(state)
            step_caches.append(step_cache)
        return outputs, state, {"steps": step_caches, "states": states, "x_shape": x.shape}

    # ------------------------------------------------------------------
    # Backward
    # ------------------------------------------------------------------

    def step_backward(self, dy, d_state, cache, grads):
        """Backward through one step, given the gradients of y_t and of the new
        state (an NTMState of arrays). Adds the parameter gradients into grads;
        returns (dx_t [B, D], the gradient of the previous state as an NTMState)."""
        B, D = dy.shape[0], self.input_size
        H, R, W = self.hidden_size, self.num_reads, self.word_size
        output_cache, output_inside = cache["output"]
        d_joined, dW, db = linear_backward(clip_backward(dy, output_inside), output_cache)
        grads["output.W"] += dW
        grads["output.b"] += db
        dh = d_state.h + d_joined[:, :H]
        d_reads = d_state.reads + d_joined[:, H:].reshape(B, R, W)
        # read heads
        d_memory, d_read_weights = read_backward(d_reads, cache["read_memory"])
        d_memory = d_memory + d_state.memory
        (dm, dk, dbeta, dg, ds, dgamma, d_read_prev) = address_backward(
            d_read_weights + d_state.read_weights, cache["read_address"])
        d_memory += dm
        dh = dh + self._head_parameters_backward(
            dict(keys=dk, strengths=dbeta, gate=dg, shifts=ds, gamma=dgamma), cache["read_heads"], "read_heads", grads)
        # write heads
        d_memory_prev, d_write_weights, d_erase, d_add = write_backward(d_memory, cache["write_memory"])
        (dm, dk, dbeta, dg, ds, dgamma, d_write_prev) = address_backward(
            d_write_weights + d_state.write_weights, cache["write_address"])
        d_memory_prev += dm
        dh = dh + self._head_parameters_backward(
            dict(keys=dk, strengths=dbeta, gate=dg, shifts=ds, gamma=dgamma, erase=d_erase, add=d_add),
            cache["write_heads"], "write_heads", grads)
        # controller (its gradients go straight into grads' shared entries)
        controller_grads = {k: grads[f"controller.{k}"] for k in self.controller.params}
        d_in, dh_prev, dc_prev = self.controller.step_backward(dh, d_state.c, cache["controller"], controller_grads)
        d_prev = NTMState(dh_prev, dc_prev, d_memory_prev, d_read_prev, d_write_prev,
                          d_in[:, D:].reshape(B, R, W))
        return d_in[:, :D], d_prev

    def backward(self, d_outputs, d_final_state, cache):
        """Backpropagation through time.

        d_outputs: [B, T, output_size]; d_final_state: an NTMState or None.
        Returns (grads, dx [B, T, D], d_state0 as an NTMState).
        """
        B, T, D = cache["x_shape"]
        d_outputs = check_shape("d_outputs", d_outputs, (B, T, self.output_size))
        grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        if d_final_state is None:
            d_state = NTMState(*(np.zeros(shape, self.dtype) for shape in self.state_shapes(B)))
        else:
            d_state = self._check_state(d_final_state, B, name="d_final_state")
        dx = np.empty((B, T, D), dtype=self.dtype)
        for t in reversed(range(T)):
            dx[:, t], d_state = self.step_backward(d_outputs[:, t], d_state, cache["steps"][t], grads)
        return grads, dx, d_state
