"""The LSTM baseline, with the same conventions as the RMC.

One step (gates in the order input, forget, cell candidate, output):

    [i, f, g, o] = x_t @ W_x + h_{t-1} @ W_h + b
    c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g)
    h_t = sigmoid(o) * tanh(c_t)

The forget-gate slice of b starts at 1.0 (and is trained), so that at
initialisation the cell keeps most of its state, as Gers et al. (2000) and
Jozefowicz et al. (2015) recommend. The state is the pair (h, c), each [B, H];
the output at each step is h_t.
"""

import numpy as np

from ..nn.checks import (check_array, check_float_dtype, check_generator, check_positive_int, check_sequence,
                         check_shape)
from ..nn.init import truncated_normal
from ..nn.layers import sigmoid


def unroll(core, x, state):
    """Run core.step over the time steps of x [B, T, D] from `state`: returns
    (outputs [B, T, core.output_size], the final state, each step's cache)."""
    B, T, _ = x.shape
    outputs = np.empty((B, T, core.output_size), dtype=core.dtype)
    caches = []
    for t in range(T):
        outputs[:, t], state, step_cache = core.step(x[:, t], state)
        caches.append(step_cache)
    return outputs, state, caches


class LSTM:
    """An LSTM layer. input_size D, hidden_size H; params 'x.W' [D, 4H],
    'h.W' [H, 4H], 'b' [4H]."""

    def __init__(self, hidden_size, *, input_size, rng, forget_bias=1.0, dtype=np.float64):
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.input_size = check_positive_int("input_size", input_size)
        self.forget_bias = float(forget_bias)
        self.dtype = check_float_dtype(dtype)
        check_generator(rng)
        D, H = self.input_size, self.hidden_size
        b = np.zeros(4 * H, dtype=self.dtype)
        b[H:2 * H] = self.forget_bias
        self.params = {
            "x.W": truncated_normal(rng, (D, 4 * H), 1 / np.sqrt(D), self.dtype),
            "h.W": truncated_normal(rng, (H, 4 * H), 1 / np.sqrt(H), self.dtype),
            "b": b,
        }
        self.output_size = H

    def config(self):
        return dict(hidden_size=self.hidden_size, input_size=self.input_size, forget_bias=self.forget_bias)

    def num_params(self):
        return sum(p.size for p in self.params.values())

    def initial_state(self, batch_size):
        """(h, c), both zeros [B, H]."""
        batch_size = check_positive_int("batch_size", batch_size)
        zeros = np.zeros((batch_size, self.hidden_size), dtype=self.dtype)
        return zeros, zeros.copy()

    def _check_state(self, state, batch_size):
        if not isinstance(state, tuple) or len(state) != 2:
            raise ValueError(f"state must be a pair (h, c), got {type(state).__name__}")
        expected = (batch_size, self.hidden_size)
        checked = []
        for name, s in zip(("h", "c"), state):
            s = check_array(f"state {name}", s, ndim=2, finite=True)
            if s.shape != expected:
                raise ValueError(f"state {name} must have shape {list(expected)}, got {list(s.shape)}")
            checked.append(s.astype(self.dtype, copy=False))
        return tuple(checked)

    def step(self, x_t, state):
        """One step. x_t: [B, D], state: (h, c). Returns (h_t, (h_t, c_t), cache)."""
        h, c = state
        H = self.hidden_size
        p = self.params
        z = x_t @ p["x.W"] + h @ p["h.W"] + p["b"]
        i, f, o = sigmoid(z[:, :H]), sigmoid(z[:, H:2 * H]), sigmoid(z[:, 3 * H:])
        g = np.tanh(z[:, 2 * H:3 * H])
        c_new = f * c + i * g
        tanh_c = np.tanh(c_new)
        h_new = o * tanh_c
        cache = (x_t, h, c, i, f, g, o, tanh_c)
        return h_new, (h_new, c_new), cache

    def step_backward(self, dh, dc, cache, grads):
        """Backward through one step given the gradients of h_t and c_t.

        Adds parameter gradients into grads; returns (dx_t, dh_prev, dc_prev).
        """
        x_t, h, c, i, f, g, o, tanh_c = cache
        dc = dc + dh * o * (1 - tanh_c ** 2)
        dz = np.concatenate([
            dc * g * i * (1 - i),          # input gate
            dc * c * f * (1 - f),          # forget gate
            dc * i * (1 - g ** 2),         # cell candidate
            dh * tanh_c * o * (1 - o),     # output gate
        ], axis=1)
        grads["x.W"] += x_t.T @ dz
        grads["h.W"] += h.T @ dz
        grads["b"] += dz.sum(axis=0)
        return dz @ self.params["x.W"].T, dz @ self.params["h.W"].T, dc * f

    def forward(self, x, state0=None):
        """x: [B, T, D] -> (outputs [B, T, H], final state (h, c), cache)."""
        x = check_sequence(x, self.input_size, self.dtype)
        B, T, _ = x.shape
        state = self.initial_state(B) if state0 is None else self._check_state(state0, B)
        outputs, state, caches = unroll(self, x, state)
        return outputs, state, {"steps": caches, "x_shape": x.shape}

    def backward(self, d_outputs, d_final_state, cache):
        """BPTT. Returns (grads, dx [B, T, D], (dh0, dc0))."""
        B, T, D = cache["x_shape"]
        H = self.hidden_size
        d_outputs = check_shape("d_outputs", d_outputs, (B, T, H))
        grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        if d_final_state is None:
            dh, dc = np.zeros((B, H), self.dtype), np.zeros((B, H), self.dtype)
        else:
            dh, dc = (s.copy() for s in self._check_state(d_final_state, B))
        dx = np.empty((B, T, D), dtype=self.dtype)
        for t in reversed(range(T)):
            dx[:, t], dh, dc = self.step_backward(dh + d_outputs[:, t], dc, cache["steps"][t], grads)
        return grads, dx, (dh, dc)
