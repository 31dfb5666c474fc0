"""The Differentiable Neural Computer (Graves et al. 2016, Nature 538) as
DeepMind's released code computes it (github.com/deepmind/dnc: dnc.py,
access.py, addressing.py), to float round-off.

One time step, with memory M: [B, N, W], R read heads, V write heads:

    h_t, c_t = SonnetLSTM([x_t, r_{t-1}], h_{t-1}, c_{t-1}); both clipped   DNC._build
    interface = the linears of MemoryAccess._read_inputs on h_t
    u_t   = usage(u_{t-1}, w^w_{t-1}, free gates, w^r_{t-1})                Freeness
    w^w_t = write_gate (allocation_gate a_t + (1 - allocation_gate) c^w_t)  MemoryAccess._write_weights
            a_t from u_t (allocation), c^w_t by content on M_{t-1}
    M_t   = M_{t-1} * prod_v (1 - w^w_v e_v^T) + sum_v w^w_v^T v_v          _erase_and_write
    L_t, p_t = the temporal links and precedence after w^w_t                 TemporalLinkage
    w^r_t = modes: backward L_t^T w^r_{t-1}, forward L_t w^r_{t-1},
            content c^r_t on M_t                                            MemoryAccess._read_weights
    r_t   = w^r_t M_t
    y_t   = clip([h_t, r_t] @ W_out + b_out)

with `clip` to [-clip_value, clip_value] when clip_value > 0 (the controller
output, its state h and c, and y). The blocks are in rmc_lib.nn.dnc_addressing
and rmc_lib.nn.dnc_linkage; each says where DeepMind's code and the paper differ.
"""

from typing import NamedTuple

import numpy as np

from ..nn.attention import softmax, softmax_backward
from ..nn.checks import check_float_dtype, check_generator, check_positive_int, check_sequence
from ..nn.checks import check_shape, check_state
from ..nn.dnc_addressing import (cosine_weights_backward, cosine_weights_forward, erase_and_write_backward,
                                 erase_and_write_forward, usage_backward, usage_forward,
                                 write_allocation_weights_backward, write_allocation_weights_forward,
                                 write_weights_backward, write_weights_forward)
from ..nn.dnc_linkage import (directional_read_weights_backward, directional_read_weights_forward,
                              link_backward, link_forward, precedence_backward, precedence_forward,
                              read_weights_backward, read_weights_forward)
from ..nn.init import truncated_normal
from ..nn.layers import clip_backward, clip_forward, linear_backward, linear_forward, sigmoid
from ..nn.memory_access import read_backward, read_forward
from .sonnet_lstm import SonnetLSTM


class DNCState(NamedTuple):
    """The DNC's state between steps; SONNET_STATE gives DeepMind's name of each part."""
    reads: np.ndarray            # [B, R, W]     r_t, the read vectors
    memory: np.ndarray           # [B, N, W]
    read_weights: np.ndarray     # [B, R, N]
    write_weights: np.ndarray    # [B, V, N]
    link: np.ndarray             # [B, V, N, N]  L[i, j]: i was written right after j
    precedence: np.ndarray       # [B, V, N]
    usage: np.ndarray            # [B, N]
    h: np.ndarray                # [B, H]        the controller's output (clipped)
    c: np.ndarray                # [B, H]        the controller's cell (clipped)


SONNET_STATE = DNCState(
    reads="access_output", memory="access_state/memory", read_weights="access_state/read_weights",
    write_weights="access_state/write_weights", link="access_state/linkage/link",
    precedence="access_state/linkage/precedence_weights", usage="access_state/usage",
    h="controller_state/hidden", c="controller_state/cell")

#: The interface linears in the order MemoryAccess._read_inputs creates them.
INTERFACE = ("write_vectors", "erase_vectors", "free_gate", "allocation_gate", "write_gate", "read_mode",
             "write_keys", "write_strengths", "read_keys", "read_strengths")


class DNC:
    """A DNC with Sonnet's LSTM as controller, as deepmind/dnc's `DNC`.

    Arguments (deepmind's access_config and controller_config flattened):
      memory_size (N), word_size (W), num_reads (R), num_writes (V),
      hidden_size (H, the controller's), output_size, clip_value (0 or None:
      no clipping), input_size (D), rng, dtype.

    Parameters: 'controller.w_gates' [D + R W + H, 4H], 'controller.b_gates';
    for each NAME of INTERFACE 'access.NAME.W' [H, width], 'access.NAME.b';
    'output.W' [H + R W, output_size], 'output.b'. Initialised as Sonnet's
    modules are: truncated normal with std 1/sqrt(fan_in), zero biases.
    The whole initial state is zeros, as deepmind's.

    stop_write_gradient (an attribute, True as in deepmind's code): the
    usage takes no gradient through the previous write weights. So the
    backward pass is deepmind's, not the exact derivative of the loss; set
    it to False for the exact derivative (what a finite-difference check
    measures).
    """

    stop_write_gradient = True

    def __init__(self, memory_size, word_size, num_reads=1, num_writes=1, hidden_size=64, output_size=None,
                 clip_value=None, *, input_size, rng, dtype=np.float64):
        self.memory_size = check_positive_int("memory_size", memory_size)
        self.word_size = check_positive_int("word_size", word_size)
        self.num_reads = check_positive_int("num_reads", num_reads)
        self.num_writes = check_positive_int("num_writes", num_writes)
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.output_size = check_positive_int("output_size", output_size)
        self.input_size = check_positive_int("input_size", input_size)
        if clip_value is not None and (not np.isscalar(clip_value) or clip_value < 0):
            raise ValueError(f"clip_value must be a number >= 0 or None (no clipping), got {clip_value!r}")
        self.clip_value = float(clip_value) if clip_value else None
        self.dtype = check_float_dtype(dtype)
        check_generator(rng)
        R, V, W, H = self.num_reads, self.num_writes, self.word_size, self.hidden_size
        self.controller = SonnetLSTM(H, input_size=self.input_size + R * W, rng=rng, dtype=self.dtype)
        self.params = {f"controller.{k}": v for k, v in self.controller.params.items()}
        for name in INTERFACE:
            self._linear(f"access.{name}", H, self.interface_widths()[name], rng)
        self._linear("output", H + R * W, self.output_size, rng)

    def _linear(self, name, n_in, n_out, rng):
        self.params[f"{name}.W"] = truncated_normal(rng, (n_in, n_out), 1 / np.sqrt(n_in), self.dtype)
        self.params[f"{name}.b"] = np.zeros(n_out, dtype=self.dtype)

    def interface_widths(self):
        """How many numbers each interface linear emits per step."""
        R, V, W = self.num_reads, self.num_writes, self.word_size
        return {"write_vectors": V * W, "erase_vectors": V * W, "free_gate": R, "allocation_gate": V,
                "write_gate": V, "read_mode": R * (1 + 2 * V), "write_keys": V * W, "write_strengths": V,
                "read_keys": R * W, "read_strengths": R}

    def config(self):
        """The constructor arguments (without rng), e.g. for a checkpoint."""
        return dict(memory_size=self.memory_size, word_size=self.word_size, num_reads=self.num_reads,
                    num_writes=self.num_writes, hidden_size=self.hidden_size, output_size=self.output_size,
                    clip_value=self.clip_value, input_size=self.input_size)

    def num_params(self):
        return sum(p.size for p in self.params.values())

    # ------------------------------------------------------------------
    # State
    # ------------------------------------------------------------------

    def state_shapes(self, batch_size):
        B, N, W, R, V, H = (batch_size, self.memory_size, self.word_size, self.num_reads, self.num_writes,
                            self.hidden_size)
        return DNCState((B, R, W), (B, N, W), (B, R, N), (B, V, N), (B, V, N, N), (B, V, N), (B, N), (B, H), (B, H))

    def initial_state(self, batch_size):
        """All zeros, as deepmind's DNC.initial_state."""
        B = check_positive_int("batch_size", batch_size)
        return DNCState(*(np.zeros(shape, self.dtype) for shape in self.state_shapes(B)))

    def _check_state(self, state, batch_size, name="state0"):
        return check_state(name, state, self.state_shapes(batch_size), self.dtype)

    # ------------------------------------------------------------------
    # Forward
    # ------------------------------------------------------------------

    def _interface(self, h):
        """MemoryAccess._read_inputs: each linear on h, reshaped per head, squashed."""
        B, R, V, W = h.shape[0], self.num_reads, self.num_writes, self.word_size
        shapes = {"write_vectors": (V, W), "erase_vectors": (V, W), "free_gate": (R,), "allocation_gate": (V,),
                  "write_gate": (V,), "read_mode": (R, 1 + 2 * V), "write_keys": (V, W),
                  "write_strengths": (V,), "read_keys": (R, W), "read_strengths": (R,)}
        parts, caches = {}, {}
        for name in INTERFACE:
            raw, caches[name] = linear_forward(h, self.params[f"access.{name}.W"], self.params[f"access.{name}.b"])
            raw = raw.reshape(B, *shapes[name])
            if name in ("erase_vectors", "free_gate", "allocation_gate", "write_gate"):
                raw = sigmoid(raw)
            elif name == "read_mode":
                raw = softmax(raw)
            parts[name] = raw
        return parts, caches

    def _interface_backward(self, dparts, parts, caches, grads):
        dh = 0.0
        for name in INTERFACE:
            d = dparts[name]
            if name in ("erase_vectors", "free_gate", "allocation_gate", "write_gate"):
                d = d * parts[name] * (1 - parts[name])
            elif name == "read_mode":
                d = softmax_backward(d, parts[name])
            dx, dW, db = linear_backward(d.reshape(d.shape[0], -1), caches[name])
            grads[f"access.{name}.W"] += dW
            grads[f"access.{name}.b"] += db
            dh = dh + dx
        return dh

    def step(self, x_t, state):
        """One step. x_t: [B, D], state: a DNCState. Returns (y_t, the new DNCState, cache)."""
        B = x_t.shape[0]
        p = self.params
        controller_in = np.concatenate([x_t, state.reads.reshape(B, -1)], axis=1)
        h, (_, c), controller_cache = self.controller.step(controller_in, (state.h, state.c))
        h, h_inside = clip_forward(h, self.clip_value)
        c, c_inside = clip_forward(c, self.clip_value)
        iface, iface_caches = self._interface(h)
        usage, usage_cache = usage_forward(state.usage, state.write_weights, iface["free_gate"], state.read_weights)
        write_content, write_content_cache = cosine_weights_forward(state.memory, iface["write_keys"],
                                                                    iface["write_strengths"])
        allocation, allocation_cache = write_allocation_weights_forward(
            usage, iface["allocation_gate"] * iface["write_gate"])
        write_weights, write_weights_cache = write_weights_forward(write_content, allocation,
                                                                   iface["allocation_gate"], iface["write_gate"])
        memory, memory_cache = erase_and_write_forward(state.memory, write_weights, iface["erase_vectors"],
                                                       iface["write_vectors"])
        link, link_cache = link_forward(state.link, state.precedence, write_weights)
        precedence, precedence_cache = precedence_forward(state.precedence, write_weights)
        read_content, read_content_cache = cosine_weights_forward(memory, iface["read_keys"], iface["read_strengths"])
        forward_w, forward_cache = directional_read_weights_forward(link, state.read_weights, True)
        backward_w, backward_cache = directional_read_weights_forward(link, state.read_weights, False)
        read_weights, read_weights_cache = read_weights_forward(iface["read_mode"], read_content, forward_w,
                                                                backward_w)
        reads, read_cache = read_forward(memory, read_weights)
        y, output_cache = linear_forward(np.concatenate([h, reads.reshape(B, -1)], axis=1), p["output.W"],
                                         p["output.b"])
        y, y_inside = clip_forward(y, self.clip_value)
        cache = {"controller": controller_cache, "clip": (h_inside, c_inside, y_inside), "interface": iface,
                 "interface_caches": iface_caches, "usage": usage_cache, "write_content": write_content_cache,
                 "allocation": allocation_cache, "allocation_weights": allocation,
                 "write_weights": write_weights_cache, "memory": memory_cache, "link": link_cache,
                 "precedence": precedence_cache, "read_content": read_content_cache, "forward": forward_cache,
                 "backward": backward_cache, "forward_weights": forward_w, "backward_weights": backward_w,
                 "read_weights": read_weights_cache, "read": read_cache, "output": output_cache}
        new_state = DNCState(reads, memory, read_weights, write_weights, link, precedence, usage, h, c)
        return y, new_state, cache

    def forward(self, x, state0=None):
        """Unroll over time. x: [B, T, D]; state0: a DNCState (default: zeros).
        Returns (outputs [B, T, output_size], final DNCState, cache)."""
        x = check_sequence(x, self.input_size, self.dtype)
        B, T, _ = x.shape
        state = self.initial_state(B) if state0 is None else self._check_state(state0, B)
        outputs = np.empty((B, T, self.output_size), dtype=self.dtype)
        states, caches = [state], []
        for t in range(T):
            outputs[:, t], state, step_cache = self.step(x[:, t], state)
            states.append(state)
            caches.append(step_cache)
        return outputs, state, {"steps": caches, "states": states, "x_shape": x.shape}

    # ------------------------------------------------------------------
    # Backward
    # ------------------------------------------------------------------

    def step_backward(self, dy, d_state, cache, grads):
        """Backward through one step, given the gradients of y_t and of the new
        state (a DNCState of arrays). Adds parameter gradients into grads;
        returns (dx_t [B, D], the gradient of the previous state as a DNCState)."""
        B, D, H, R, W = dy.shape[0], self.input_size, self.hidden_size, self.num_reads, self.word_size
        h_inside, c_inside, y_inside = cache["clip"]
        d_joined, dW, db = linear_backward(clip_backward(dy, y_inside), cache["output"])
        grads["output.W"] += dW
        grads["output.b"] += db
        dh = d_state.h + d_joined[:, :H]
        d_reads = d_state.reads + d_joined[:, H:].reshape(B, R, W)
        diface = {}
        # reads and read weights (on the new memory and the new links)
        d_memory, d_read_weights = read_backward(d_reads, cache["read"])
        d_memory = d_memory + d_state.memory
        d_mode, d_read_content, d_forward, d_backward = read_weights_backward(d_read_weights + d_state.read_weights,
                                                                              cache["read_weights"])
        diface["read_mode"] = d_mode
        d_link_f, d_prev_read_f = directional_read_weights_backward(d_forward, cache["forward"])
        d_link_b, d_prev_read_b = directional_read_weights_backward(d_backward, cache["backward"])
        dm, diface["read_keys"], diface["read_strengths"] = cosine_weights_backward(d_read_content,
                                                                                    cache["read_content"])
        d_memory = d_memory + dm
        # links and precedence
        d_link = d_state.link + d_link_f + d_link_b
        d_prev_precedence, d_write_weights = precedence_backward(d_state.precedence, cache["precedence"])
        d_prev_link, d_prev_precedence_l, d_write_weights_l = link_backward(d_link, cache["link"])
        d_write_weights = d_write_weights + d_write_weights_l + d_state.write_weights
        # the write
        d_prev_memory, d_ww_memory, diface["erase_vectors"], diface["write_vectors"] = erase_and_write_backward(
            d_memory, cache["memory"])
        d_write_weights = d_write_weights + d_ww_memory
        d_content, d_allocation, d_alloc_gate, d_write_gate = write_weights_backward(d_write_weights,
                                                                                     cache["write_weights"])
        d_usage_alloc, d_gates = write_allocation_weights_backward(d_allocation, cache["allocation"])
        iface = cache["interface"]
        diface["allocation_gate"] = d_alloc_gate + d_gates * iface["write_gate"]
        diface["write_gate"] = d_write_gate + d_gates * iface["allocation_gate"]
        dm, diface["write_keys"], diface["write_strengths"] = cosine_weights_backward(d_content,
                                                                                      cache["write_content"])
        d_prev_memory = d_prev_memory + dm
        # usage (the previous write weights' gradient is stopped, as deepmind's)
        d_prev_usage, d_prev_write_weights, diface["free_gate"], d_prev_read_u = usage_backward(
            d_state.usage + d_usage_alloc, cache["usage"], stop_gradient=self.stop_write_gradient)
        # the interface and the controller
        dh = dh + self._interface_backward(diface, iface, cache["interface_caches"], grads)
        dh = clip_backward(dh, h_inside)
        dc = clip_backward(d_state.c, c_inside)
        controller_grads = {k: grads[f"controller.{k}"] for k in self.controller.params}
        d_in, dh_prev, dc_prev = self.controller.step_backward(dh, dc, cache["controller"], controller_grads)
        d_prev = DNCState(reads=d_in[:, D:].reshape(B, R, W), memory=d_prev_memory,
                          read_weights=d_prev_read_f + d_prev_read_b + d_prev_read_u,
                          write_weights=d_prev_write_weights, link=d_prev_link,
                          precedence=d_prev_precedence + d_prev_precedence_l, usage=d_prev_usage,
                          h=dh_prev, c=dc_prev)
        return d_in[:, :D], d_prev

    def backward(self, d_outputs, d_final_state, cache):
        """Backpropagation through time. d_outputs: [B, T, output_size];
        d_final_state: a DNCState or None. Returns (grads, dx [B, T, D], d_state0)."""
        B, T, D = cache["x_shape"]
        d_outputs = check_shape("d_outputs", d_outputs, (B, T, self.output_size))
        grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        if d_final_state is None:
            d_state = DNCState(*(np.zeros(shape, self.dtype) for shape in self.state_shapes(B)))
        else:
            d_state = self._check_state(d_final_state, B, name="d_final_state")
        dx = np.empty((B, T, D), dtype=self.dtype)
        for t in reversed(range(T)):
            dx[:, t], d_state = self.step_backward(d_outputs[:, t], d_state, cache["steps"][t], grads)
        return grads, dx, d_state

    # ------------------------------------------------------------------
    # deepmind/dnc's variable names
    # ------------------------------------------------------------------

    def sonnet_names(self, scope="dnc/"):
        """rmc_lib name -> deepmind/dnc variable name, in the order deepmind creates them."""
        names = {"controller.w_gates": scope + "lstm/w_gates", "controller.b_gates": scope + "lstm/b_gates"}
        for name in INTERFACE:
            names[f"access.{name}.W"] = f"{scope}memory_access/{name}/w"
            names[f"access.{name}.b"] = f"{scope}memory_access/{name}/b"
        names["output.W"], names["output.b"] = scope + "output_linear/w", scope + "output_linear/b"
        return names

    def to_sonnet(self, scope="dnc/"):
        """The parameters keyed by deepmind/dnc's variable names (copies)."""
        return {theirs: self.params[ours].copy() for ours, theirs in self.sonnet_names(scope).items()}

    @classmethod
    def from_sonnet(cls, variables, scope="dnc/", dtype=np.float64, **config):
        """A DNC with the given configuration and deepmind/dnc's variables
        (name -> array; a ':0' suffix accepted). Every variable the
        configuration needs must be there with its shape, and nothing else."""
        core = cls(**config, rng=np.random.default_rng(0), dtype=dtype)
        given = {(name[:-2] if name.endswith(":0") else name): np.asarray(value) for name, value in variables.items()}
        names = core.sonnet_names(scope)
        missing = sorted(set(names.values()) - set(given))
        extra = sorted(set(given) - set(names.values()))
        if missing or extra:
            raise ValueError(f"the variables do not match this configuration: missing {missing}, unexpected {extra}")
        for ours, theirs in names.items():
            if given[theirs].shape != core.params[ours].shape:
                raise ValueError(f"variable {theirs} must have shape {list(core.params[ours].shape)}, "
                                 f"got {list(given[theirs].shape)}")
            core.params[ours][...] = given[theirs]        # in place: the controller shares these arrays
        return core
