"""Sonnet v1's LSTM (`snt.LSTM`), exactly: the controller of DeepMind's DNC.

One step, with one weight matrix over the input and the previous output
together, the gates in the order i, j, f, o, and a forget bias that is a
constant added inside the sigmoid (not a trained parameter):

    [i, j, f, o] = [x_t, h_{t-1}] @ w_gates + b_gates
    c_t = sigmoid(f + forget_bias) * c_{t-1} + sigmoid(i) * tanh(j)
    h_t = tanh(c_t) * sigmoid(o)

Where it differs from rmc_lib's own LSTM (cores/lstm.py): that one has two
weight matrices (x.W, h.W), the order i, f, g, o, and its forget bias is
the trained bias's starting value; here the bias is a constant 1.0 and
b_gates starts at zero. Both compute the same family of functions; this one
matches Sonnet's numbers and names (`lstm/w_gates`, `lstm/b_gates`).
Initialisation as Sonnet's: a truncated normal with standard deviation
1 / sqrt(D + H) for w_gates, zeros for b_gates. No peepholes, no cell clip.
"""

import numpy as np

from ..nn.checks import check_array, check_float_dtype, check_generator, check_positive_int, check_sequence
from ..nn.checks import check_shape
from ..nn.init import truncated_normal
from ..nn.layers import sigmoid


class SonnetLSTM:
    """snt.LSTM(hidden_size, forget_bias=1.0). input_size D; params
    'w_gates' [D + H, 4H] and 'b_gates' [4H]; state (h, c), each [B, H]."""

    def __init__(self, hidden_size, *, input_size, rng, forget_bias=1.0, dtype=np.float64):
        self.hidden_size = check_positive_int("hidden_size", hidden_size)
        self.input_size = check_positive_int("input_size", input_size)
        self.forget_bias = float(forget_bias)
        self.dtype = check_float_dtype(dtype)
        check_generator(rng)
        n_in, H = self.input_size + self.hidden_size, self.hidden_size
        self.params = {"w_gates": truncated_normal(rng, (n_in, 4 * H), 1 / np.sqrt(n_in), self.dtype),
                       "b_gates": np.zeros(4 * H, dtype=self.dtype)}
        self.output_size = H

    def config(self):
        return dict(hidden_size=self.hidden_size, input_size=self.input_size, forget_bias=self.forget_bias)

    def num_params(self):
        return sum(p.size for p in self.params.values())

    def initial_state(self, batch_size):
        """(h, c), both zeros [B, H], as Sonnet's initial_state."""
        batch_size = check_positive_int("batch_size", batch_size)
        zeros = np.zeros((batch_size, self.hidden_size), dtype=self.dtype)
        return zeros, zeros.copy()

    def _check_state(self, state, batch_size, name="state"):
        if not isinstance(state, tuple) or len(state) != 2:
            raise ValueError(f"{name} must be a pair (h, c), got {type(state).__name__}")
        expected = (batch_size, self.hidden_size)
        checked = []
        for part, s in zip(("h", "c"), state):
            s = check_array(f"{name} {part}", s, ndim=2, finite=True)
            if s.shape != expected:
                raise ValueError(f"{name} {part} must have shape {list(expected)}, got {list(s.shape)}")
            checked.append(s.astype(self.dtype, copy=False))
        return tuple(checked)

    def step(self, x_t, state):
        """One step. x_t: [B, D], state: (h, c). Returns (h_t, (h_t, c_t), cache)."""
        h, c = state
        H = self.hidden_size
        joined = np.concatenate([x_t, h], axis=1)
        gates = joined @ self.params["w_gates"] + self.params["b_gates"]
        i, j = sigmoid(gates[:, :H]), np.tanh(gates[:, H:2 * H])
        f, o = sigmoid(gates[:, 2 * H:3 * H] + self.forget_bias), sigmoid(gates[:, 3 * H:])
        c_new = f * c + i * j
        tanh_c = np.tanh(c_new)
        h_new = tanh_c * o
        return h_new, (h_new, c_new), (joined, c, i, j, f, o, tanh_c)

    def step_backward(self, dh, dc, cache, grads):
        """Backward through one step given the gradients of h_t and c_t.
        Adds into grads['w_gates'], grads['b_gates']; returns (dx_t, dh_prev, dc_prev)."""
        joined, c, i, j, f, o, tanh_c = cache
        dc = dc + dh * o * (1 - tanh_c ** 2)
        dgates = np.concatenate([
            dc * j * i * (1 - i),          # i
            dc * i * (1 - j ** 2),         # j
            dc * c * f * (1 - f),          # f (the constant bias has no gradient)
            dh * tanh_c * o * (1 - o),     # o
        ], axis=1)
        grads["w_gates"] += joined.T @ dgates
        grads["b_gates"] += dgates.sum(axis=0)
        djoined = dgates @ self.params["w_gates"].T
        D = self.input_size
        return djoined[:, :D], djoined[:, D:], dc * f

    def forward(self, x, state0=None):
        """x: [B, T, D] -> (outputs [B, T, H], final state (h, c), cache)."""
        x = check_sequence(x, self.input_size, self.dtype)
        B, T, _ = x.shape
        state = self.initial_state(B) if state0 is None else self._check_state(state0, B, "state0")
        outputs = np.empty((B, T, self.hidden_size), dtype=self.dtype)
        caches = []
        for t in range(T):
            outputs[:, t], state, step_cache = self.step(x[:, t], state)
            caches.append(step_cache)
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
            dh, dc = (s.copy() for s in self._check_state(d_final_state, B, "d_final_state"))
        dx = np.empty((B, T, D), dtype=self.dtype)
        for t in reversed(range(T)):
            dx[:, t], dh, dc = self.step_backward(dh + d_outputs[:, t], dc, cache["steps"][t], grads)
        return grads, dx, (dh, dc)

    # ------------------------------------------------------------------
    # Sonnet's names
    # ------------------------------------------------------------------

    def to_sonnet(self, scope="lstm/"):
        """The parameters as a dict keyed by Sonnet variable names (copies)."""
        return {scope + name: value.copy() for name, value in self.params.items()}

    def load_sonnet(self, variables, scope="lstm/"):
        """Copy Sonnet variables (name -> array; a ':0' suffix accepted) into
        this core's parameters, in place. Every variable must be there with
        its shape, and nothing else under the scope."""
        given = {}
        for name, value in variables.items():
            key = name[:-2] if name.endswith(":0") else name
            if not key.startswith(scope):
                raise ValueError(f"variable {name!r} is not under the scope {scope!r}")
            given[key[len(scope):]] = np.asarray(value)
        missing, extra = sorted(set(self.params) - set(given)), sorted(set(given) - set(self.params))
        if missing or extra:
            raise ValueError(f"the Sonnet variables under {scope!r} do not match this LSTM: "
                             f"missing {[scope + m for m in missing]}, unexpected {[scope + e for e in extra]}")
        for name, value in given.items():
            if value.shape != self.params[name].shape:
                raise ValueError(f"variable {scope}{name} must have shape {list(self.params[name].shape)}, "
                                 f"got {list(value.shape)}")
            self.params[name][...] = value
        return self

    @classmethod
    def from_sonnet(cls, variables, scope="lstm/", dtype=np.float64, **config):
        """A SonnetLSTM with the given configuration (hidden_size, input_size,
        forget_bias) and Sonnet's variables."""
        return cls(**config, rng=np.random.default_rng(0), dtype=dtype).load_sonnet(variables, scope)
