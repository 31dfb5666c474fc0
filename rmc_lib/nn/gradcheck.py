"""Finite-difference gradient checking.

The analytic gradient of every backward pass in rmc_lib is compared with
a centred finite difference,

    df/dx_i  ~=  (f(x + h e_i) - f(x - h e_i)) / (2h),

whose error is O(h^2). In float64 with h = 1e-5 the truncation error is
about 1e-10 and the round-off about 1e-11, so a correct backward pass
agrees to a relative error of about 1e-8 or better. The tests use 1e-7 for
a single layer and 1e-6 end to end through several time steps, where the
difference quotients of many layers in a row meet the curvature of layer
norms and softmaxes (correct code measures about 1e-9 there). An error of
1e-3 or more almost always means a bug.
"""

import numpy as np


def numerical_gradient(f, x, h=1e-5):
    """Centred finite-difference gradient of the scalar function f at x.

    f takes no arguments and reads x, which is changed in place one entry
    at a time and restored afterwards. Returns an array shaped like x.
    """
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"x must be a floating-point array, got dtype {x.dtype}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = f()
        x[i] = old - h
        f_minus = f()
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
        it.iternext()
    return grad


def rel_error(a, b):
    """Relative error ||a - b|| / (||a|| + ||b||) of two arrays (0 when both are 0).

    A norm over the whole array, not a maximum over entries: an entry whose
    true gradient is almost zero would otherwise turn harmless round-off
    into a large ratio.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    if denom == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / denom)


def check_gradients(f, arrays, analytic, h=1e-5):
    """Relative error of analytic gradients, for each named array.

    f: a function of no arguments returning the scalar loss, reading the
    arrays in `arrays` (a dict name -> array, perturbed in place).
    analytic: a dict name -> analytic gradient of the same shape.
    Returns a dict name -> relative error.
    """
    errors = {}
    for name, x in arrays.items():
        if name not in analytic:
            raise ValueError(f"analytic has no gradient for {name!r}")
        errors[name] = rel_error(analytic[name], numerical_gradient(f, x, h))
    return errors
