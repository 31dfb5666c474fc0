"""The continuous stack and queue of Grefenstette, Hermann, Suleyman & Blunsom
2015 ("Learning to Transduce with Unbounded Memory"), one step at a time, as
forward/backward pairs.

The memory after step t holds t values V[1..t] (rows of m numbers), each with a
strength s[i] in [0, 1]: how much of it is still there. A step pops u in [0, 1]
(taken from the elements that come off first, as far as it reaches), pushes
the value v with strength d in [0, 1], and reads r, a mix of the top (stack)
or the bottom (queue) elements whose strengths add up to 1:

    ahead_i = sum of the strengths that come off before element i
              (stack: the ones above it, j > i; queue: the ones below, j < i)
    s_t[i]  = max(0, s_{t-1}[i] - max(0, u_t - ahead_{t-1,i}))     i < t
    s_t[t]  = d_t
    r_t     = sum_i min(s_t[i], max(0, 1 - ahead_{t,i})) V_t[i]

Shapes: B sequences, n elements so far, m numbers per value. The min and max
are piecewise linear: the gradient at a kink takes one side (min: the
strength, when the two are equal; max: 0), as any subgradient would.
"""

import numpy as np

from .checks import check_array


def _ahead(s, queue):
    """For each element, the sum of the strengths that come off before it: [B, n]."""
    if queue:                                         # the ones below it: sum over j < i
        return np.cumsum(s, axis=1) - s
    return np.cumsum(s[:, ::-1], axis=1)[:, ::-1] - s  # the ones above it: sum over j > i


def _ahead_backward(d_ahead, queue):
    """The gradient of _ahead's input given d_ahead [B, n] (its transpose)."""
    if queue:                   # ahead[i] = sum_{j<i} s[j]: s[j] reaches every i > j
        return np.cumsum(d_ahead[:, ::-1], axis=1)[:, ::-1] - d_ahead
    return np.cumsum(d_ahead, axis=1) - d_ahead       # ahead[i] = sum_{j>i} s[j]: s[j] reaches every i < j


def check_step_inputs(values, strengths, push, pop, value):
    values = check_array("values", values, ndim=3)
    B, n, m = values.shape
    strengths = check_array("strengths", strengths, ndim=2)
    if strengths.shape != (B, n):
        raise ValueError(f"strengths must have shape [B={B}, n={n}] (one per value), got {list(strengths.shape)}")
    push, pop = check_array("push", push, ndim=1), check_array("pop", pop, ndim=1)
    value = check_array("value", value, ndim=2)
    if push.shape != (B,) or pop.shape != (B,) or value.shape != (B, m):
        raise ValueError(f"push and pop must have shape [B={B}] and value [B={B}, m={m}], got "
                         f"{list(push.shape)}, {list(pop.shape)} and {list(value.shape)}")
    return values, strengths, push, pop, value


def stack_step_forward(values, strengths, push, pop, value, queue=False):
    """One step of the stack (or, with queue=True, the queue).

    values [B, n, m], strengths [B, n]: the memory after the previous step
    (n = 0 at the start: shapes [B, 0, m] and [B, 0]); push d [B], pop u [B],
    value v [B, m]. Returns (values [B, n+1, m], strengths [B, n+1], read
    [B, m], cache).
    """
    values, strengths, push, pop, value = check_step_inputs(values, strengths, push, pop, value)
    ahead_prev = _ahead(strengths, queue)
    pop_left = np.maximum(0.0, pop[:, None] - ahead_prev)            # what is left of the pop at i
    kept = np.maximum(0.0, strengths - pop_left)
    new_strengths = np.concatenate([kept, push[:, None]], axis=1)
    new_values = np.concatenate([values, value[:, None, :]], axis=1)
    room = np.maximum(0.0, 1.0 - _ahead(new_strengths, queue))        # how much of the read is left for i
    weights = np.minimum(new_strengths, room)
    read = np.einsum("bn,bnm->bm", weights, new_values)
    cache = (strengths, pop, ahead_prev, pop_left, new_strengths, new_values, room, weights, queue)
    return new_values, new_strengths, read, cache


def stack_step_backward(d_values, d_strengths, d_read, cache):
    """Gradients of one step given those of its outputs: d_values [B, n+1, m]
    and d_strengths [B, n+1] (None for zeros), d_read [B, m]. Returns
    (d_values_prev [B, n, m], d_strengths_prev [B, n], d_push [B], d_pop [B],
    d_value [B, m])."""
    strengths, pop, ahead_prev, pop_left, new_strengths, new_values, room, weights, queue = cache
    d_new_values = np.einsum("bn,bm->bnm", weights, d_read)
    if d_values is not None:
        d_new_values = d_new_values + d_values
    d_weights = np.einsum("bnm,bm->bn", new_values, d_read)
    takes_strength = new_strengths <= room                            # min(s, room): which side it is
    d_new_strengths = np.where(takes_strength, d_weights, 0.0)
    d_room = np.where(takes_strength, 0.0, d_weights)
    d_ahead = -d_room * (1.0 - _ahead(new_strengths, queue) > 0)
    d_new_strengths = d_new_strengths + _ahead_backward(d_ahead, queue)
    if d_strengths is not None:
        d_new_strengths = d_new_strengths + d_strengths
    d_kept, d_push = d_new_strengths[:, :-1], d_new_strengths[:, -1]
    alive = strengths - pop_left > 0
    d_strengths_prev = d_kept * alive
    d_pop_left = -d_kept * alive
    reaching = pop[:, None] - ahead_prev > 0
    d_pop = np.sum(d_pop_left * reaching, axis=1)
    d_strengths_prev = d_strengths_prev + _ahead_backward(-d_pop_left * reaching, queue)
    return d_new_values[:, :-1], d_strengths_prev, d_push, d_pop, d_new_values[:, -1]


def kink_margin(caches):
    """How far an unroll's mins and maxes are from their kinks, given the
    caches of its steps: the smallest |argument| of every max(0, .), and
    |s - room| of every min(s, room) whose two sides can both move (s > 0 and
    room > 0). Finite differences measure the gradient only where this is
    larger than their step."""
    out = []
    for strengths, pop, ahead_prev, pop_left, new_strengths, _, room, _, queue in caches:
        out += [np.abs(strengths - pop_left).ravel(), np.abs(pop[:, None] - ahead_prev).ravel()]
        out.append(np.abs(1 - _ahead(new_strengths, queue)).ravel())
        both = (new_strengths > 0) & (room > 0)
        out.append(np.abs(new_strengths - room)[both])
    return min((float(a.min()) for a in out if a.size), default=float("inf"))
