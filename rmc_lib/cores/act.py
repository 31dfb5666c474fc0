"""Adaptive Computation Time (Graves 2016) around an LSTM core, computed as
Sonnet v1's `ACTCore` computes it (sonnet/python/modules/pondering_rnn.py,
dm-sonnet 1.36).

At every time step the core "ponders": it runs on the same input again and
again, n = 1, 2, ..., until the halting probabilities add up past a threshold:

    x^n     = [x_t, flag]       flag 0 at n = 1 and 1 after (Sonnet; the paper: 1 at n = 1)
    s^n     = core(x^n, s^{n-1})                 s^0 = the previous time step's state
    h^n     = sigmoid(s^n.hidden W_halt + b_halt)
    C^n     = C^{n-1} + h^n, set to 1 once it passes the threshold (or n reaches max_steps)
    p^n     = C^n - C^{n-1}                       the weight of step n (the last one gets 1 - C^{N-1})
    state   = sum_n p^n s^n,   out = sum_n p^n y^n,   y_t = out W_out + b_out
    N       = the number of steps, R = 1 - C^{N-1}: the ponder cost is N + R

Sonnet's details, kept: the whole batch ponders until every example has halted
(an example that has halted still runs the core, with weight 0); the
threshold test is strict (C^{n-1} + h^n > threshold); the remainder an
example reports is 0 if it halts at its first step (Sonnet's initial value,
though its weight p^1 is 1); N and R come out as floats, [B].
"""

import numpy as np

from ..nn.checks import check_float_dtype, check_generator, check_positive_int, check_sequence, check_shape
from ..nn.init import truncated_normal
from ..nn.layers import sigmoid, softmax_cross_entropy_backward, softmax_cross_entropy_forward
from .lstm import LSTM


class ACT:
    """ACT around `core`, an LSTM-like core (rmc_lib's LSTM or SonnetLSTM:
    state (h, c), output h) whose input_size is the task's input size + 1 (the
    flag). Parameters: 'core.*', 'halting.W' [H, 1], 'halting.b' [1],
    'out.W' [H, output_size], 'out.b' [output_size]. threshold in (0, 1]
    (Graves: 1 - 0.01); max_steps 0 means no limit (Sonnet's convention).
    flag: 'sonnet' (the input's extra entry is 0 at the first ponder step and
    1 after, as ACTCore feeds it) or 'paper' (1 at the first step, 0 after, as
    Graves 2016 describes it).
    """

    FLAGS = {"sonnet": (0.0, 1.0), "paper": (1.0, 0.0)}     # (first ponder step, later ones)

    def __init__(self, core, output_size, *, rng, threshold=0.99, max_steps=0, halting_bias=0.0, flag="sonnet"):
        if not isinstance(core, LSTM):
            raise ValueError(f"core must be an LSTM-like core (LSTM or SonnetLSTM), got {type(core).__name__}")
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
        if isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer)) or max_steps < 0:
            raise ValueError(f"max_steps must be an integer >= 0 (0: no limit), got {max_steps!r}")
        if flag not in self.FLAGS:
            raise ValueError(f"flag must be 'sonnet' or 'paper', got {flag!r}")
        check_generator(rng)
        self.flag = flag
        self.core, self.threshold, self.max_steps = core, float(threshold), int(max_steps)
        self.output_size = check_positive_int("output_size", output_size)
        self.dtype = check_float_dtype(core.dtype)
        self.input_size = core.input_size - 1
        H = core.hidden_size
        self.params = {f"core.{k}": v for k, v in core.params.items()}
        self.params.update({
            "halting.W": truncated_normal(rng, (H, 1), 1 / np.sqrt(H), self.dtype),
            "halting.b": np.full(1, halting_bias, dtype=self.dtype),
            "out.W": truncated_normal(rng, (H, self.output_size), 1 / np.sqrt(H), self.dtype),
            "out.b": np.zeros(self.output_size, dtype=self.dtype),
        })

    def num_params(self):
        return sum(p.size for p in self.params.values())

    def initial_state(self, batch_size):
        return self.core.initial_state(batch_size)

    def step(self, x_t, state):
        """One time step, pondered: x_t [B, D], state (h, c) -> (y_t [B, output_size],
        the halting-weighted state, (iterations N [B], remainders R [B]), cache)."""
        B = x_t.shape[0]
        flags = [np.concatenate([x_t, np.full((B, 1), v, self.dtype)], axis=1) for v in self.FLAGS[self.flag]]
        p = self.params
        C, N, R = (np.zeros(B, self.dtype) for _ in range(3))
        total_out = np.zeros((B, self.core.hidden_size), self.dtype)
        total_state = [np.zeros_like(s) for s in state]
        prev, steps = state, []
        while np.any(C < 1):
            out, new_state, core_cache = self.core.step(flags[min(len(steps), 1)], prev)
            N = np.where(C == 1, N, N + 1)
            halting = sigmoid(new_state[0] @ p["halting.W"] + p["halting.b"])[:, 0]
            raw = C + halting
            over = raw > self.threshold
            if self.max_steps > 0:
                over |= N >= self.max_steps
            C_next = np.where(over, 1.0, raw)
            R = np.where(over, R, 1.0 - raw)
            weight = C_next - C
            total_out += weight[:, None] * out
            total_state = [t + weight[:, None] * s for t, s in zip(total_state, new_state)]
            steps.append((core_cache, out, new_state, halting, over, weight))
            C, prev = C_next, new_state
        y = total_out @ p["out.W"] + p["out.b"]
        return y, tuple(total_state), (N, R), (steps, total_out)

    def step_backward(self, dy, d_state, dR, cache, grads):
        """Backward through one pondered time step given dy [B, output_size], the
        gradient of the weighted state (dh, dc) and of the remainder dR [B]
        (the ponder cost's; N has none). Adds into grads; returns (dx_t, (dh, dc)
        of the previous time step's state)."""
        steps, total_out = cache
        p = self.params
        grads["out.W"] += total_out.T @ dy
        grads["out.b"] += dy.sum(axis=0)
        d_total_out = dy @ p["out.W"].T
        core_grads = {k: grads[f"core.{k}"] for k in self.core.params}
        dC, dR = np.zeros_like(dR), dR.copy()      # gradients of C^n and R^n, from the later steps
        d_next = None                              # the gradient reaching s^n from step n + 1's core input
        dx = np.zeros((dy.shape[0], self.input_size), self.dtype)
        for core_cache, out, new_state, halting, over, weight in reversed(steps):
            d_weight = np.sum(d_total_out * out, axis=1) + sum(np.sum(d * s, axis=1) for d, s in zip(d_state, new_state))
            d_new = [weight[:, None] * d for d in d_state]
            if d_next is not None:
                d_new = [a + b for a, b in zip(d_new, d_next)]
            d_new[0] = d_new[0] + weight[:, None] * d_total_out          # the core's output is h
            dC_here = dC + d_weight                                       # weight = C^n - C^{n-1}
            d_raw = np.where(over, 0.0, dC_here - dR)                     # C^n = raw, R^n = 1 - raw when not over
            dR = np.where(over, dR, 0.0)                                  # R^n = R^{n-1} when over
            dC = d_raw - d_weight                                         # raw = C^{n-1} + h^n
            d_a = d_raw * halting * (1 - halting)
            grads["halting.W"] += new_state[0].T @ d_a[:, None]
            grads["halting.b"] += d_a.sum(keepdims=True)
            d_new[0] = d_new[0] + d_a[:, None] @ p["halting.W"].T
            d_in, dh_prev, dc_prev = self.core.step_backward(d_new[0], d_new[1], core_cache, core_grads)
            dx += d_in[:, :self.input_size]
            d_next = [dh_prev, dc_prev]
        return dx, tuple(d_next)

    def forward(self, x, state0=None):
        """x [B, T, D] -> (outputs [B, T, output_size], final state, (N, R) each
        [B, T], cache)."""
        x = check_sequence(x, self.input_size, self.dtype)
        B, T, _ = x.shape
        state = self.initial_state(B) if state0 is None else self.core._check_state(state0, B)
        outputs = np.empty((B, T, self.output_size), self.dtype)
        N, R = np.empty((B, T), self.dtype), np.empty((B, T), self.dtype)
        caches = []
        for t in range(T):
            outputs[:, t], state, (N[:, t], R[:, t]), step_cache = self.step(x[:, t], state)
            caches.append(step_cache)
        return outputs, state, (N, R), {"steps": caches, "x_shape": x.shape}

    def backward(self, d_outputs, d_final_state, d_remainders, cache):
        """BPTT through the time steps and their ponder steps. d_remainders [B, T]
        (the ponder cost's gradient with respect to R; None for zeros). Returns
        (grads, dx [B, T, D], the gradient of the initial state (dh, dc))."""
        B, T, D = cache["x_shape"]
        d_outputs = check_shape("d_outputs", d_outputs, (B, T, self.output_size))
        dR = np.zeros((B, T), self.dtype) if d_remainders is None else check_shape("d_remainders", d_remainders, (B, T))
        grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        H = self.core.hidden_size
        d_state = (np.zeros((B, H), self.dtype), np.zeros((B, H), self.dtype)) if d_final_state is None \
            else tuple(d_final_state)
        dx = np.empty((B, T, D), self.dtype)
        for t in reversed(range(T)):
            dx[:, t], d_state = self.step_backward(d_outputs[:, t], d_state, dR[:, t], cache["steps"][t], grads)
        return grads, dx, d_state


def decision_margin(act, cache):
    """How close any still-running example's C^{n-1} + h^n came to the
    threshold in a forward pass (its cache): finite differences measure ACT's
    gradient only where no halting decision is within their step of flipping."""
    closest = np.inf
    for steps, _ in cache["steps"]:
        C = np.zeros(len(steps[0][3]))
        for _, _, _, halting, over, weight in steps:
            running = C < 1
            closest = min(closest, np.min(np.abs(C + halting - act.threshold)[running], initial=np.inf))
            C = C + weight
    return float(closest)


class ACTClassifier:
    """An ACT core whose output at the last time step is a class's logits, trained
    on cross-entropy plus the ponder cost (Graves 2016, eq. 12):

        loss = cross-entropy(y_T, label) + ponder_penalty * mean over the batch of sum_t (N_t + R_t)

    N has no gradient; R's is ponder_penalty / B at every step. params are the
    ACT's ('core.*', 'halting.*', 'out.*', out.W of width num_classes)."""

    def __init__(self, act, ponder_penalty=1e-3):
        if not isinstance(act, ACT):
            raise ValueError(f"act must be an ACT, got {type(act).__name__}")
        if not ponder_penalty >= 0:
            raise ValueError(f"ponder_penalty must be >= 0, got {ponder_penalty!r}")
        self.act, self.ponder_penalty = act, float(ponder_penalty)
        self.params, self.dtype, self.num_classes = act.params, act.dtype, act.output_size

    def num_params(self):
        return self.act.num_params()

    def logits(self, x):
        """x [B, T, D] -> (logits [B, num_classes], (N, R) each [B, T], cache)."""
        outputs, _, ponder, cache = self.act.forward(x)
        return outputs[:, -1], ponder, cache

    def loss_and_grads(self, x, labels):
        """(loss, grads, logits): the cross-entropy and the ponder cost together."""
        logits, (N, R), cache = self.logits(x)
        loss, loss_cache = softmax_cross_entropy_forward(logits, labels)
        B, T = N.shape
        loss += self.ponder_penalty * float(np.sum(N + R)) / B
        d_outputs = np.zeros((B, T, self.num_classes), self.dtype)
        d_outputs[:, -1] = softmax_cross_entropy_backward(1.0, loss_cache)
        d_remainders = np.full((B, T), self.ponder_penalty / B, self.dtype)
        grads, _, _ = self.act.backward(d_outputs, None, d_remainders, cache)
        return loss, grads, logits

    def evaluate(self, x, labels, batch_size=None):
        """Loss (cross-entropy and ponder cost), accuracy, predictions, and the
        mean ponder steps (steps: N) and ponder cost (ponder: N + R) per time step."""
        batch_size = batch_size or 500
        losses, predictions, steps, ponder = [], [], [], []
        for start in range(0, len(labels), batch_size):
            part = slice(start, start + batch_size)
            logits, (N, R), _ = self.logits(x[part])
            loss, _ = softmax_cross_entropy_forward(logits, labels[part])
            losses.append((loss + self.ponder_penalty * float(np.sum(N + R)) / len(logits)) * len(logits))
            predictions.append(logits.argmax(axis=1))
            steps.append(N.mean(axis=1))
            ponder.append((N + R).mean(axis=1))
        predictions = np.concatenate(predictions)
        return {"loss": float(sum(losses) / len(labels)), "accuracy": float(np.mean(predictions == labels)),
                "predictions": predictions, "steps": float(np.concatenate(steps).mean()),
                "ponder": float(np.concatenate(ponder).mean())}
