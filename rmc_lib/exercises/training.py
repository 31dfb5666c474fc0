"""Self-checks for the exercises of lesson 05 (training).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints what is wrong or that it passed, and
returns True or False.
"""

import numpy as np

from ..nn import layers
from ..train.optimizers import Adam, clip_by_global_norm
from ._cases import run_cases


def check_cross_entropy_gradient(fn):
    """fn(logits, labels) must return dL/dlogits [B, C] for the mean softmax
    cross-entropy L = -(1/B) sum_i log softmax(logits_i)[labels_i], taken on
    raw logits: (softmax(logits) - one_hot(labels)) / B, finite for large
    logits. Reference: layers.softmax_cross_entropy_backward."""
    rng = np.random.default_rng(12)
    settings = [
        ("a batch of 5 examples, 4 classes (is the mean's 1/B there?)", 5, 4, 1.0),
        ("one example, 3 classes", 1, 3, 1.0),
        ("a batch of 64 examples, 8 classes", 64, 8, 3.0),
        ("logits of size 1000 (does the softmax overflow?)", 3, 4, 1000.0),
    ]
    cases = []
    for description, B, C, scale in settings:
        logits = scale * rng.normal(size=(B, C))
        labels = rng.integers(0, C, size=B)

        def expected(z=logits, y=labels):
            return layers.softmax_cross_entropy_backward(1.0, layers.softmax_cross_entropy_forward(z, y)[1])

        cases.append((description, lambda z=logits, y=labels: fn(z.copy(), y.copy()), expected))
    return run_cases("check_cross_entropy_gradient", cases)


def _reference_adam_step(param, grad, m, v, t, lr, beta1, beta2, eps):

    params = {"p": param.copy()}
    optimizer = Adam(params, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    optimizer.m["p"][...] = m
    optimizer.v["p"][...] = v
    optimizer.t = t - 1
    optimizer.step({"p": grad})
    return params["p"], optimizer.m["p"], optimizer.v["p"]


def check_adam_step(fn):
    """fn(param, grad, m, v, t, lr, beta1, beta2, eps) must return
    (param, m, v) after Adam's step number t (t = 1 for the first step) with
    bias correction: m = beta1 m + (1 - beta1) grad, v = beta2 v + (1 - beta2)
    grad^2, param - lr m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - beta1^t),
    v_hat = v / (1 - beta2^t). Reference: rmc_lib.train.optimizers.Adam."""
    rng = np.random.default_rng(13)
    settings = [
        ("the first step (t = 1) from m = v = 0, default betas", (3, 4), 1, 1e-3, 0.9, 0.999, 1e-8, True),
        ("step t = 10 with earlier moments, lr 0.01", (5,), 10, 1e-2, 0.9, 0.999, 1e-8, False),
        ("step t = 3, beta1 0.5, beta2 0.9, eps 1e-3", (2, 3), 3, 1e-1, 0.5, 0.9, 1e-3, False),
        ("step t = 1000 (bias correction still matters)", (4,), 1000, 3e-3, 0.9, 0.999, 1e-8, False),
    ]
    cases = []
    for description, shape, t, lr, b1, b2, eps, fresh in settings:
        param, grad = rng.normal(size=shape), rng.normal(size=shape)
        m = np.zeros(shape) if fresh else 0.1 * rng.normal(size=shape)
        v = np.zeros(shape) if fresh else 0.01 * rng.uniform(0.1, 1.0, size=shape)
        args = (param, grad, m, v)

        def learner(a=args, t=t, lr=lr, b1=b1, b2=b2, eps=eps):
            got = fn(*[x.copy() for x in a], t, lr, b1, b2, eps)
            return tuple(got) if isinstance(got, (tuple, list)) else got

        def expected(a=args, t=t, lr=lr, b1=b1, b2=b2, eps=eps):
            return _reference_adam_step(*[x.copy() for x in a], t, lr, b1, b2, eps)

        cases.append((description, learner, expected))
    return run_cases("check_adam_step", cases, rtol=1e-6, atol=1e-10)


def check_clip_by_global_norm(fn):
    """fn(grads, max_norm) must return (clipped, norm): norm is the global
    norm, the square root of the sum of every squared entry of every array in
    the dict grads, and clipped is a dict with the same keys in which every
    array is scaled by the same factor max_norm / norm when norm > max_norm
    (and left as it is otherwise). Reference: rmc_lib.train.optimizers.clip_by_global_norm."""

    name = "check_clip_by_global_norm"
    rng = np.random.default_rng(14)
    settings = [
        ("two arrays, each below max_norm but jointly above it", {"W": (3, 4), "b": (4,)}, 0.8, 1.0),
        ("three arrays, each far above max_norm", {"a.W": (5, 5), "a.b": (5,), "c": (2, 3, 2)}, 10.0, 1.0),
        ("a joint norm below max_norm: nothing changes", {"W": (2, 2), "b": (2,)}, 0.1, 5.0),
        ("one array, max_norm 0.5", {"W": (6,)}, 3.0, 0.5),
    ]
    for description, shapes, scale, max_norm in settings:
        grads = {}
        for key, shape in shapes.items():
            g = rng.normal(size=shape)
            grads[key] = scale * g / np.linalg.norm(g)      # each array's own norm is `scale`
        want_clipped, want_norm = clip_by_global_norm(grads, max_norm)
        try:
            result = fn({k: v.copy() for k, v in grads.items()}, max_norm)
        except Exception as exc:  # the learner's code may raise anything
            print(f"{name}: failed on {description}: your function raised {type(exc).__name__}: {exc}")
            return False
        if not isinstance(result, (tuple, list)) or len(result) != 2 or not isinstance(result[0], dict):
            print(f"{name}: failed on {description}: expected a pair (clipped, norm) with clipped a dict, "
                  f"got {type(result).__name__}")
            return False
        clipped, norm = result
        if sorted(clipped) != sorted(grads):
            print(f"{name}: failed on {description}: clipped has the keys {sorted(clipped)}, "
                  f"expected {sorted(grads)}")
            return False
        if np.ndim(norm) != 0 or not np.isclose(float(norm), want_norm, rtol=1e-6):
            print(f"{name}: failed on {description}: the norm should be {want_norm:.4f} "
                  f"(before clipping, over all arrays together), got {norm}")
            return False
        for key in grads:
            got = np.asarray(clipped[key])
            if got.shape != grads[key].shape:
                print(f"{name}: failed on {description}: clipped[{key!r}] has shape {got.shape}, "
                      f"expected {grads[key].shape}")
                return False
            if not np.allclose(got, want_clipped[key], rtol=1e-6, atol=1e-12):
                worst = float(np.max(np.abs(got - want_clipped[key])))
                print(f"{name}: failed on {description}: clipped[{key!r}] differs by up to {worst:.3g}")
                return False
    print(f"{name}: passed ({len(settings)} cases)")
    return True
