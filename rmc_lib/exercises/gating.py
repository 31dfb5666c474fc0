"""Self-checks for the exercises of lesson 02 (gating).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints what is wrong (naming a typical mistake
when the answer matches one) or that it passed, and returns True or False.
"""

import numpy as np

from ..nn import gates, layers
from ._cases import run_cases, run_with_mistakes


def check_sigmoid(fn):
    """fn(x) must return 1 / (1 + exp(-x)) without overflow for |x| up to 1e4."""
    rng = np.random.default_rng(4)
    inputs = [
        ("small values", rng.normal(size=7)),
        ("a [3, 4] matrix", rng.normal(scale=5, size=(3, 4))),
        ("values of +-1e4 (does it overflow or give NaN?)", np.array([-1e4, -800.0, 0.0, 800.0, 1e4])),
    ]
    cases = [(d, lambda x=x: fn(x.copy()), lambda x=x: layers.sigmoid(x)) for d, x in inputs]
    return run_cases("check_sigmoid", cases, atol=1e-12)


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
    return run_cases("check_gates", cases)


def check_half_life(fn):
    """fn(forget_gate) must return how many steps until f ** t falls to one half."""
    values = np.array([0.5, 0.73105858, 0.9, 0.99])
    cases = [(f"forget gate {f:.3f}", lambda f=f: fn(f), lambda f=f: gates.half_life(f)) for f in values]
    return run_cases("check_half_life", cases)


def forget_bias_for(half_life):
    """The forget bias b whose gate f = sigmoid(b) keeps half of a memory
    for `half_life` steps: f = 2 ** (-1 / half_life), b = log(f / (1 - f))."""
    f = 2.0 ** (-1.0 / np.asarray(half_life, dtype=np.float64))
    return np.log(f) - np.log1p(-f)


def check_forget_bias_for(fn):
    """fn(half_life) must return the forget bias whose half-life, with zero
    gate weights and the input gate shut, is `half_life` steps."""
    cases = []
    for life in [1.0, 2.5, 8.0, 100.0]:
        expected = forget_bias_for(life)
        mistakes = [("the large-bias approximation half-life = ln 2 * e^b, which is off for small biases",
                     np.log(life / np.log(2))),
                    ("sigmoid(b) = 1/2 ** half_life instead of 2 ** (-1 / half_life)",
                     np.log(0.5 ** life) - np.log1p(-(0.5 ** life)))]
        cases.append((f"a half-life of {life:g} step{'' if life == 1 else 's'}", lambda life=life: fn(life), expected, mistakes))
    return run_with_mistakes("check_forget_bias_for", cases)
