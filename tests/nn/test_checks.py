"""The shared input checks of recurrent states, and the clip of the NTM and the DNC."""

from typing import NamedTuple

import numpy as np
import pytest

from rmc_lib.nn.checks import check_state
from rmc_lib.nn.gradcheck import check_gradients
from rmc_lib.nn.layers import clip_backward, clip_forward


class PairState(NamedTuple):
    h: np.ndarray
    memory: np.ndarray


def test_check_state_returns_the_same_kind_of_tuple_cast_and_refuses_bad_parts():
    shapes = PairState((2, 3), (2, 4, 5))
    state = check_state("state0", (np.zeros((2, 3)), np.ones((2, 4, 5), np.float32)), shapes, np.float64)
    assert isinstance(state, PairState) and state.memory.dtype == np.float64
    with pytest.raises(ValueError, match="state0 must be a PairState \\(h, memory\\), got list"):
        check_state("state0", [np.zeros((2, 3))], shapes, np.float64)
    with pytest.raises(ValueError, match="state0.memory must have shape \\[2, 4, 5\\], got \\[2, 4\\]"):
        check_state("state0", PairState(np.zeros((2, 3)), np.zeros((2, 4))), shapes, np.float64)
    with pytest.raises(ValueError, match="state0.h"):
        check_state("state0", PairState(np.full((2, 3), np.nan), np.zeros((2, 4, 5))), shapes, np.float64)


def test_clip_passes_the_gradient_inside_the_bounds_only(rng):
    x = np.array([-3.0, -1.0, 0.5, 1.0, 2.5])
    y, inside = clip_forward(x, 1.0)
    np.testing.assert_array_equal(y, [-1.0, -1.0, 0.5, 1.0, 1.0])
    np.testing.assert_array_equal(clip_backward(np.ones(5), inside), [0, 1, 1, 1, 0])   # the bound itself passes
    same, none = clip_forward(x, None)
    assert same is x and none is None and clip_backward(x, none) is x
    z = rng.normal(size=6) * 3                      # away from the kinks at +-1
    z = z[np.abs(np.abs(z) - 1) > 1e-3]
    dout = rng.normal(size=z.shape)
    errors = check_gradients(lambda: float(np.sum(clip_forward(z, 1.0)[0] * dout)), {"z": z},
                             {"z": clip_backward(dout, clip_forward(z, 1.0)[1])})
    assert errors["z"] < 1e-9
