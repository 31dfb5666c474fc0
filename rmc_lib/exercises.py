"""Self-checks for the notebooks' exercises.

Each `check_*` function runs a learner's function against rmc_lib's own on
random inputs (including awkward ones: large values, odd shapes), prints
what is wrong or that it passed, and returns True or False.

    >>> from rmc_lib import exercises
    >>> exercises.check_softmax(my_softmax)
    check_softmax: passed (5 cases)
"""

import numpy as np

from . import attention, gates, layers


def _run_cases(name, cases, rtol=1e-6, atol=1e-8):
    """cases: list of (description, learner_call, expected_call)."""
    for description, learner_call, expected_call in cases:
        expected = expected_call()
        try:
            got = learner_call()
        except Exception as exc:  # the learner's code may raise anything
            print(f"{name}: failed on {description}: your function raised {type(exc).__name__}: {exc}")
            return False
        if isinstance(expected, tuple):
            if not isinstance(got, tuple) or len(got) != len(expected):
                print(f"{name}: failed on {description}: expected a tuple of {len(expected)} arrays, got {type(got).__name__}")
                return False
        else:
            expected, got = (expected,), (got,)
        for index, (e, g) in enumerate(zip(expected, got)):
            g = np.asarray(g)
            part = f" (item {index} of the result)" if len(expected) > 1 else ""
            if g.shape != np.shape(e):
                print(f"{name}: failed on {description}{part}: expected shape {np.shape(e)}, got {g.shape}")
                return False
            if not np.all(np.isfinite(g)):
                print(f"{name}: failed on {description}{part}: your result holds NaN or inf")
                return False
            if not np.allclose(g, e, rtol=rtol, atol=atol):
                worst = float(np.max(np.abs(g - e)))
                print(f"{name}: failed on {description}{part}: values differ by up to {worst:.3g}")
                return False
    print(f"{name}: passed ({len(cases)} cases)")
    return True


def check_softmax(fn):
    """fn(x) must return softmax over the last axis, safely for huge values."""
    rng = np.random.default_rng(1)
    inputs = [
        ("a vector of 5 values", rng.normal(size=5)),
        ("a [3, 4] matrix (softmax of each row)", rng.normal(size=(3, 4))),
        ("a [2, 3, 6] array", rng.normal(size=(2, 3, 6))),
        ("values of +-1000 (does it overflow?)", np.array([[1000.0, -1000.0, 999.0]])),
        ("a row of equal values", np.zeros((2, 4))),
    ]
    cases = [(d, lambda x=x: fn(x.copy()), lambda x=x: attention.softmax(x)) for d, x in inputs]
    return _run_cases("check_softmax", cases)


def check_attention(fn):
    """fn(q, k, v) must return softmax(q k^T / sqrt(d_k)) v."""
    rng = np.random.default_rng(2)
    shapes = [
        ("one query, 3 keys", (1, 4), (3, 4), (3, 2)),
        ("4 queries, 4 keys", (4, 8), (4, 8), (4, 8)),
        ("a batch of 2, 5 queries, 3 keys, d_k != d_v", (2, 5, 6), (2, 3, 6), (2, 3, 3)),
    ]
    cases = []
    for d, sq, sk, sv in shapes:
        q, k, v = rng.normal(size=sq), rng.normal(size=sk), rng.normal(size=sv)
        cases.append((d, lambda q=q, k=k, v=v: fn(q, k, v),
                       lambda q=q, k=k, v=v: attention.scaled_dot_product_attention_forward(q, k, v)[0]))
    return _run_cases("check_attention", cases)


def check_softmax_backward(fn):
    """fn(dout, p) must return the gradient with respect to the softmax's input,
    given dout (gradient with respect to p = softmax(x)) and p itself."""
    rng = np.random.default_rng(3)
    cases = []
    for d, shape in [("a [1, 5] row", (1, 5)), ("a [4, 3] matrix", (4, 3)), ("a [2, 3, 7] array", (2, 3, 7))]:
        p = attention.softmax(rng.normal(size=shape))
        dout = rng.normal(size=shape)
        cases.append((d, lambda p=p, dout=dout: fn(dout.copy(), p.copy()),
                      lambda p=p, dout=dout: attention.softmax_backward(dout, p)))
    return _run_cases("check_softmax_backward", cases)


def check_sigmoid(fn):
    """fn(x) must return 1 / (1 + exp(-x)) without overflow for |x| up to 1e4."""
    rng = np.random.default_rng(4)
    inputs = [
        ("small values", rng.normal(size=7)),
        ("a [3, 4] matrix", rng.normal(scale=5, size=(3, 4))),
        ("values of +-1e4 (does it overflow or give NaN?)", np.array([-1e4, -800.0, 0.0, 800.0, 1e4])),
    ]
    cases = [(d, lambda x=x: fn(x.copy()), lambda x=x: layers.sigmoid(x)) for d, x in inputs]
    return _run_cases("check_sigmoid", cases, atol=1e-12)


def check_gates(fn):
    """fn(x_proj, memory, W_gi, b_gi, W_gm, b_gm, input_bias, forget_bias) must
    return (input_gate, forget_gate) exactly as Sonnet's RMC computes them."""
    rng = np.random.default_rng(5)
    cases = []
    for d, B, N, F, g in [("'unit' gates, B=2, N=3, F=4", 2, 3, 4, 4),
                          ("'memory' gates, B=1, N=5, F=6", 1, 5, 6, 1),
                          ("'unit' gates with biases 0.5 and 2", 3, 2, 3, 3)]:
        args = (rng.normal(size=(B, F)), rng.normal(size=(B, N, F)),
                rng.normal(size=(F, 2 * g)), rng.normal(size=2 * g),
                rng.normal(size=(F, 2 * g)), rng.normal(size=2 * g))
        biases = (0.5, 2.0) if "biases" in d else (0.0, 1.0)
        cases.append((d, lambda a=args, bs=biases: tuple(fn(*[x.copy() for x in a], *bs)),
                      lambda a=args, bs=biases: gates.gates_forward(*a, *bs)[0]))
    return _run_cases("check_gates", cases)


def check_half_life(fn):
    """fn(forget_gate) must return how many steps until f ** t falls to one half."""
    values = np.array([0.5, 0.73105858, 0.9, 0.99])
    cases = [(f"forget gate {f:.3f}", lambda f=f: fn(f), lambda f=f: gates.half_life(f)) for f in values]
    return _run_cases("check_half_life", cases)
