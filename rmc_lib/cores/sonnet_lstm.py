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

from ..nn.checks import check_float_dtype, check_generator, check_positive_int
from ..nn.init import truncated_normal
from ..nn.layers import sigmoid
from .lstm import LSTM


class SonnetLSTM(LSTM):
    """snt.LSTM(hidden_size, forget_bias=1.0). input_size D; params
    'w_gates' [D + H, 4H] and 'b_gates' [4H]; state (h, c), each [B, H].
    Only the parameters and the step differ from rmc_lib's LSTM: the state,
    the unroll (forward) and BPTT (backward) are LSTM's."""

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
