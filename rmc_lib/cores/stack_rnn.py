"""An LSTM with a continuous stack or queue (Grefenstette, Hermann, Suleyman &
Blunsom 2015), as a recurrent core with the family's interface.

One step, with the previous read r_{t-1} fed back into the controller:

    h_t     = LSTM([x_t, r_{t-1}], (h_{t-1}, c_{t-1}))
    d_t     = sigmoid(h_t W_push + b_push)        how much of v_t to push   [B]
    u_t     = sigmoid(h_t W_pop + b_pop)          how much to pop first     [B]
    v_t     = tanh(h_t W_value + b_value)         the value pushed          [B, m]
    y_t     = tanh(h_t W_out + b_out)             the step's output         [B, output_size]
    (V_t, s_t, r_t) = stack step (V_{t-1}, s_{t-1}, d_t, u_t, v_t)     nn.neural_stack

The paper computes d, u, v and y from an output o'_t of the controller; here
o'_t is the LSTM's h_t itself. The memory grows by one value per step, so the
state is (h, c, r, V, s) with V [B, t, m] and s [B, t] after t steps.
"""

import numpy as np

from ..nn.checks import check_float_dtype, check_generator, check_positive_int, check_sequence, check_shape
from ..nn.init import truncated_normal
from ..nn.layers import sigmoid
from ..nn.neural_stack import stack_step_backward, stack_step_forward
from .lstm import LSTM, unroll


class StackLSTM:
    """An LSTM controller with a stack (queue=False) or a queue (queue=True).

    Parameters: the controller's 'lstm.x.W' [D + m, 4H], 'lstm.h.W', 'lstm.b',
    and 'push.W' [H, 1], 'push.b' [1], 'pop.W', 'pop.b', 'value.W' [H, m],
    'value.b' [m], 'out.W' [H, output_size], 'out.b'.
    """

    def __init__(self, hidden_size, *, input_size, rng, value_size=8, output_size=None, queue=False,
                 forget_bias=1.0, dtype=np.float64):
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.input_size = check_positive_int("input_size", input_size)
        self.value_size = check_positive_int("value_size", value_size)
        self.output_size = check_positive_int("output_size", hidden_size if output_size is None else output_size)
        self.queue = bool(queue)
        self.dtype = check_float_dtype(dtype)
        check_generator(rng)
        H, m = self.hidden_size, self.value_size
        self.controller = LSTM(H, input_size=self.input_size + m, rng=rng, forget_bias=forget_bias,
                               dtype=self.dtype)
        self.params = {f"lstm.{k}": v for k, v in self.controller.params.items()}
        for name, width in (("push", 1), ("pop", 1), ("value", m), ("out", self.output_size)):
            self.params[f"{name}.W"] = truncated_normal(rng, (H, width), 1 / np.sqrt(H), self.dtype)
            self.params[f"{name}.b"] = np.zeros(width, dtype=self.dtype)

    def num_params(self):
        return sum(p.size for p in self.params.values())

    def initial_state(self, batch_size):
        """(h, c, r, V, s): zeros, and an empty memory (V [B, 0, m], s [B, 0])."""
        h, c = self.controller.initial_state(batch_size)
        B, m = h.shape[0], self.value_size
        return (h, c, np.zeros((B, m), self.dtype), np.zeros((B, 0, m), self.dtype), np.zeros((B, 0), self.dtype))

    def _heads(self, h):
        p = self.params
        push = sigmoid(h @ p["push.W"] + p["push.b"])[:, 0]
        pop = sigmoid(h @ p["pop.W"] + p["pop.b"])[:, 0]
        value = np.tanh(h @ p["value.W"] + p["value.b"])
        out = np.tanh(h @ p["out.W"] + p["out.b"])
        return push, pop, value, out

    def step(self, x_t, state):
        """One step: x_t [B, D], state (h, c, r, V, s) -> (y_t, new state, cache)."""
        h, c, r, V, s = state
        controller_in = np.concatenate([x_t, r], axis=1)
        h, (_, c), lstm_cache = self.controller.step(controller_in, (h, c))
        push, pop, value, out = self._heads(h)
        V, s, r, stack_cache = stack_step_forward(V, s, push, pop, value, queue=self.queue)
        return out, (h, c, r, V, s), (lstm_cache, h, push, pop, value, out, stack_cache)

    def step_backward(self, d_out, d_state, cache, grads):
        """Backward through one step given d_out [B, output_size] and the
        gradients of the new state (dh, dc, dr, dV, ds); adds into grads and
        returns (dx_t, gradients of the previous state)."""
        lstm_cache, h, push, pop, value, out, stack_cache = cache
        dh, dc, dr, dV, ds = d_state
        dV_prev, ds_prev, d_push, d_pop, d_value = stack_step_backward(dV, ds, dr, stack_cache)
        p = self.params
        dz = {"push": (d_push * push * (1 - push))[:, None], "pop": (d_pop * pop * (1 - pop))[:, None],
              "value": d_value * (1 - value ** 2), "out": d_out * (1 - out ** 2)}
        for name, d in dz.items():
            grads[f"{name}.W"] += h.T @ d
            grads[f"{name}.b"] += d.sum(axis=0)
            dh = dh + d @ p[f"{name}.W"].T
        lstm_grads = {k: grads[f"lstm.{k}"] for k in self.controller.params}
        d_in, dh_prev, dc_prev = self.controller.step_backward(dh, dc, lstm_cache, lstm_grads)
        D = self.input_size
        return d_in[:, :D], (dh_prev, dc_prev, d_in[:, D:], dV_prev, ds_prev)

    def forward(self, x, state0=None):
        """x: [B, T, D] -> (outputs [B, T, output_size], final state, cache)."""
        x = check_sequence(x, self.input_size, self.dtype)
        B = x.shape[0]
        if state0 is not None:
            raise ValueError("StackLSTM starts from its initial state (an empty memory); state0 must be None")
        outputs, state, caches = unroll(self, x, self.initial_state(B))
        return outputs, state, {"steps": caches, "x_shape": x.shape}

    def backward(self, d_outputs, d_final_state, cache):
        """BPTT through the controller and the memory. d_final_state must be
        None (nothing downstream reads the final state). Returns (grads, dx,
        None)."""
        B, T, D = cache["x_shape"]
        d_outputs = check_shape("d_outputs", d_outputs, (B, T, self.output_size))
        if d_final_state is not None:
            raise ValueError("d_final_state must be None: StackLSTM's final state is not read downstream")
        grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        H, m = self.hidden_size, self.value_size
        zeros = np.zeros((B, H), self.dtype)
        d_state = (zeros, zeros.copy(), np.zeros((B, m), self.dtype), None, None)
        dx = np.empty((B, T, D), dtype=self.dtype)
        for t in reversed(range(T)):
            dx[:, t], d_state = self.step_backward(d_outputs[:, t], d_state, cache["steps"][t], grads)
        return grads, dx, None
