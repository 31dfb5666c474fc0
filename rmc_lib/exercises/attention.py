"""Self-checks for the exercises of lesson 01 (attention).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints what is wrong or that it passed, and
returns True or False.
"""

import numpy as np

from ..nn import attention
from ._cases import run_cases


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
    return run_cases("check_softmax", cases)


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
    return run_cases("check_attention", cases)


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
    return run_cases("check_softmax_backward", cases)
