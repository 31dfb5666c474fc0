"""The continuous stack and queue: the paper's worked example, a plain loop
written from the paper's sums, and finite-difference gradients through several
steps, on inputs chosen away from the kinks of min and max."""

import numpy as np
import pytest

from rmc_lib.nn.gradcheck import check_gradients
from rmc_lib.nn.neural_stack import kink_margin, stack_step_backward, stack_step_forward


def plain_step(values, strengths, push, pop, value, queue):
    """One step for one sequence, written as the paper's sums with loops."""
    n = len(strengths)
    ahead = [sum(strengths[j] for j in range(n) if (j < i if queue else j > i)) for i in range(n)]
    kept = [max(0.0, strengths[i] - max(0.0, pop - ahead[i])) for i in range(n)]
    s = kept + [push]
    V = list(values) + [value]
    ahead = [sum(s[j] for j in range(n + 1) if (j < i if queue else j > i)) for i in range(n + 1)]
    read = sum(min(s[i], max(0.0, 1 - ahead[i])) * V[i] for i in range(n + 1))
    return V, s, read


def test_the_papers_example():
    v = np.eye(3)[:, None, :]                                    # three one-hot values, one sequence
    V, s = np.zeros((1, 0, 3)), np.zeros((1, 0))
    reads = []
    for push, pop, value in ((0.8, 0.0, v[0]), (0.5, 0.1, v[1]), (0.9, 0.9, v[2])):
        V, s, r, _ = stack_step_forward(V, s, np.array([push]), np.array([pop]), value)
        reads.append(r[0])
    np.testing.assert_allclose(s[0], [0.3, 0.0, 0.9])
    np.testing.assert_allclose(reads, [[0.8, 0, 0], [0.5, 0.5, 0], [0.1, 0, 0.9]])


@pytest.mark.parametrize("queue", [False, True])
def test_against_the_plain_sums(rng, queue):
    B, m, steps = 4, 3, 6
    V, s = np.zeros((B, 0, m)), np.zeros((B, 0))
    plain = [([], []) for _ in range(B)]
    for _ in range(steps):
        push, pop, value = rng.uniform(size=B), rng.uniform(size=B), rng.normal(size=(B, m))
        V, s, r, _ = stack_step_forward(V, s, push, pop, value, queue=queue)
        for b in range(B):
            Vb, sb, rb = plain_step(*plain[b], push[b], pop[b], value[b], queue)
            plain[b] = (Vb, sb)
            np.testing.assert_allclose(r[b], rb, atol=1e-12)
            np.testing.assert_allclose(s[b], sb, atol=1e-12)


def test_a_queue_reads_first_in_first_out():
    V, s = np.zeros((1, 0, 2)), np.zeros((1, 0))
    for value in ([1.0, 0.0], [0.0, 1.0]):
        V, s, r, _ = stack_step_forward(V, s, np.ones(1), np.zeros(1), np.array([value]), queue=True)
    np.testing.assert_allclose(r[0], [1.0, 0.0])                 # the first value pushed
    V, s, r, _ = stack_step_forward(V, s, np.zeros(1), np.ones(1), np.zeros((1, 2)), queue=True)
    np.testing.assert_allclose(s[0], [0.0, 1.0, 0.0])            # popped from the bottom
    np.testing.assert_allclose(r[0], [0.0, 1.0])


def unroll(pushes, pops, vals, queue):
    B, T, m = vals.shape
    V, s = np.zeros((B, 0, m)), np.zeros((B, 0))
    reads, caches = [], []
    for t in range(T):
        V, s, r, cache = stack_step_forward(V, s, pushes[:, t], pops[:, t], vals[:, t], queue=queue)
        reads.append(r)
        caches.append(cache)
    return np.stack(reads, axis=1), s, caches


@pytest.mark.parametrize("queue", [False, True])
def test_gradients_through_several_steps(queue):
    B, T, m = 3, 5, 2
    for seed in range(500):           # inputs whose mins and maxes all stay 0.01 from a kink
        rng = np.random.default_rng(seed)
        pushes, pops = rng.uniform(0.3, 0.95, size=(B, T)), rng.uniform(0.05, 0.45, size=(B, T))   # values survive
        vals = rng.normal(size=(B, T, m))
        _, _, caches = unroll(pushes, pops, vals, queue)
        if kink_margin(caches) > 0.01:
            break
    else:
        pytest.fail("no inputs away from the kinks found")
    d_reads, d_final = rng.normal(size=(B, T, m)), rng.normal(size=(B, T))

    def loss():
        reads, s, _ = unroll(pushes, pops, vals, queue)
        return np.sum(reads * d_reads) + np.sum(s * d_final)

    _, _, caches = unroll(pushes, pops, vals, queue)
    grads = {"push": np.zeros((B, T)), "pop": np.zeros((B, T)), "value": np.zeros((B, T, m))}
    d_values, d_strengths = None, d_final
    for t in reversed(range(T)):
        d_values, d_strengths, dd, du, dv = stack_step_backward(d_values, d_strengths, d_reads[:, t], caches[t])
        grads["push"][:, t], grads["pop"][:, t], grads["value"][:, t] = dd, du, dv
    assert d_values.shape == (B, 0, m) and d_strengths.shape == (B, 0)
    errors = check_gradients(loss, {"push": pushes, "pop": pops, "value": vals}, grads)
    assert max(errors.values()) < 1e-7, errors


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="strengths must have shape"):
        stack_step_forward(np.zeros((2, 3, 4)), np.zeros((2, 2)), np.ones(2), np.ones(2), np.ones((2, 4)))
    with pytest.raises(ValueError, match="push and pop must have shape"):
        stack_step_forward(np.zeros((2, 0, 4)), np.zeros((2, 0)), np.ones(3), np.ones(2), np.ones((2, 4)))


def test_kink_margin_finds_a_pop_that_takes_exactly_the_top_value():
    V, s = np.zeros((1, 0, 2)), np.zeros((1, 0))
    caches = []
    for push, pop in ((0.6, 0.0), (0.3, 0.3)):       # step 2's pop of 0.3 reaches value 1 (nothing above it) ...
        V, s, _, cache = stack_step_forward(V, s, np.array([push]), np.array([pop]), np.ones((1, 2)))
        caches.append(cache)
    assert kink_margin(caches) == pytest.approx(0.3)          # ... is 0.3 from its kink, the closest one
    V, s, _, cache = stack_step_forward(V, s, np.array([0.5]), np.array([0.3]), np.ones((1, 2)))
    assert kink_margin(caches + [cache]) == pytest.approx(0.0, abs=1e-12)   # a pop of 0.3 with 0.3 on top: u = ahead
