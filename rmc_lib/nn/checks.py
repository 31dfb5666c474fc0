"""Input checks that turn a user's mistake into a clear ValueError.

Every public function of rmc_lib checks what a user can get wrong (shapes,
sizes, NaN) before doing any arithmetic, so that the error names the
argument, what was expected and what came, instead of a numpy broadcasting
error three calls deep.
"""

import numpy as np


def check_positive_int(name, value):
    """Raise ValueError unless `value` is an integer >= 1."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_array(name, x, ndim=None, last_dim=None, finite=False):
    """Check an array argument and return it as an np.ndarray.

    ndim: the number of axes expected (an int or a tuple of allowed ints).
    last_dim: the size expected for the last axis.
    finite: if True, NaN and inf are refused.
    """
    x = np.asarray(x)
    if x.dtype.kind not in "biufc":   # bool, (unsigned) integer, float, complex
        raise ValueError(f"{name} must hold numbers, got an array of dtype {x.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if x.ndim not in allowed:
            wanted = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {wanted} axes, got shape {x.shape} ({x.ndim} axes)")
    if last_dim is not None and (x.ndim == 0 or x.shape[-1] != last_dim):
        raise ValueError(f"{name} must have last axis of size {last_dim}, got shape {x.shape}")
    if finite and not np.all(np.isfinite(x)):
        raise ValueError(f"{name} contains NaN or inf")
    return x


def check_same_shape(name_a, a, name_b, b):
    """Raise ValueError unless arrays a and b have the same shape."""
    if np.shape(a) != np.shape(b):
        raise ValueError(f"{name_b} must have the shape of {name_a} {np.shape(a)}, got {np.shape(b)}")


def check_float_dtype(dtype):
    """Return np.dtype(dtype) if it is float32 or float64, else raise ValueError."""
    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float32 or float64, got {dtype}")
    return dtype


def check_sequence(x, input_size, dtype):
    """Check an input sequence x of shape [B, T, input_size] with no NaN or inf,
    and return it as an array of `dtype`."""
    x = check_array("x", x, ndim=3, finite=True)
    if x.shape[2] != input_size:
        raise ValueError(f"x must have shape [B, T, input_size={input_size}], got {list(x.shape)}")
    return x.astype(dtype, copy=False)


def check_generator(rng):
    """Raise ValueError unless rng is an np.random.Generator: rmc_lib never
    draws from a global or unseeded source, so every result can be repeated."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be an np.random.Generator, e.g. np.random.default_rng(0), "
                         f"got {type(rng).__name__}")


def check_shape(name, x, expected):
    """Check that x has exactly the shape `expected`; return it as an array."""
    x = check_array(name, x)
    if x.shape != tuple(expected):
        raise ValueError(f"{name} must have shape {list(expected)}, got {list(x.shape)}")
    return x


def check_state(name, state, shapes, dtype):
    """A recurrent core's state, a NamedTuple: the same kind of tuple as
    `shapes` (a NamedTuple of the expected shapes), each part a finite array
    of its shape, cast to dtype. Returns it as that NamedTuple."""
    kind = type(shapes)
    if not isinstance(state, tuple) or len(state) != len(kind._fields):
        article = "an" if kind.__name__[0] in "AEFHILMNORSX" else "a"      # an NTMState, a DNCState
        raise ValueError(f"{name} must be {article} {kind.__name__} ({', '.join(kind._fields)}), "
                         f"got {type(state).__name__}")
    checked = []
    for field, value, shape in zip(kind._fields, state, shapes):
        value = check_array(f"{name}.{field}", value, finite=True)
        if value.shape != tuple(shape):
            raise ValueError(f"{name}.{field} must have shape {list(shape)}, got {list(value.shape)}")
        checked.append(value.astype(dtype, copy=False))
    return kind(*checked)
