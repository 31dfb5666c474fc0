"""The gradient checker itself must catch a wrong gradient."""

import numpy as np
import pytest

from rmc_lib.nn.gradcheck import check_gradients, numerical_gradient, rel_error


def test_numerical_gradient_of_a_known_function(rng):
    x = rng.normal(size=(3, 4))
    g = numerical_gradient(lambda: np.sum(np.sin(x) * x), x)
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-8, atol=1e-10)


def test_a_wrong_gradient_is_caught(rng):
    x = rng.normal(size=5)
    f = lambda: np.sum(x ** 3)
    right, wrong = 3 * x ** 2, 3 * x ** 2 * 1.01
    errors = check_gradients(f, {"x": x}, {"x": right})
    assert errors["x"] < 1e-8
    assert check_gradients(f, {"x": x}, {"x": wrong})["x"] > 1e-3


def test_rel_error():
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    assert rel_error(np.array([1.0]), np.array([-1.0])) == 1.0
    with pytest.raises(ValueError, match="same shape"):
        rel_error(np.zeros(2), np.zeros(3))


def test_numerical_gradient_needs_floats():
    with pytest.raises(ValueError, match="floating-point"):
        numerical_gradient(lambda: 0.0, np.arange(3))
