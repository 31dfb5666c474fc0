"""Parameter initialisation, as Sonnet v1 does it."""

import numpy as np


def truncated_normal(rng, shape, stddev, dtype=np.float64):
    """Normal(0, stddev) samples, redrawn until every one lies within 2 stddev.

    This is TensorFlow's `truncated_normal_initializer`, which Sonnet uses
    for every weight matrix with stddev = 1 / sqrt(fan_in).
    """
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2
    while np.any(outside):
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return (values * stddev).astype(dtype)
