"""Gradient checks, shapes and stability of rmc_lib.layers."""

import numpy as np
import pytest

from rmc_lib.nn import layers
from rmc_lib.nn.gradcheck import check_gradients, numerical_gradient, rel_error

TOL = 1e-7


def assert_grads_ok(errors, tol=TOL):
    bad = {name: err for name, err in errors.items() if not err < tol}
    assert not bad, f"relative errors above {tol}: {bad}"


def test_linear_gradients(rng):
    x, W, b = rng.normal(size=(3, 2, 5)), rng.normal(size=(5, 4)), rng.normal(size=4)
    dout = rng.normal(size=(3, 2, 4))
    out, cache = layers.linear_forward(x, W, b)
    assert out.shape == (3, 2, 4)
    dx, dW, db = layers.linear_backward(dout, cache)
    f = lambda: np.sum(layers.linear_forward(x, W, b)[0] * dout)
    assert_grads_ok(check_gradients(f, {"x": x, "W": W, "b": b}, {"x": dx, "W": dW, "b": db}))


def test_layer_norm_gradients(rng):
    x = rng.normal(size=(2, 3, 6)) * 3 + 1
    gamma, beta = rng.normal(size=6), rng.normal(size=6)
    dout = rng.normal(size=x.shape)
    _, cache = layers.layer_norm_forward(x, gamma, beta)
    dx, dgamma, dbeta = layers.layer_norm_backward(dout, cache)
    f = lambda: np.sum(layers.layer_norm_forward(x, gamma, beta)[0] * dout)
    assert_grads_ok(check_gradients(f, {"x": x, "gamma": gamma, "beta": beta},
                                    {"x": dx, "gamma": dgamma, "beta": dbeta}))


def test_layer_norm_normalises_each_row(rng):
    x = rng.normal(size=(4, 5, 8)) * 10 - 3
    out, _ = layers.layer_norm_forward(x, np.ones(8), np.zeros(8))
    np.testing.assert_allclose(out.mean(axis=-1), 0, atol=1e-12)
    # population variance plus eps in the denominator: slightly below 1
    np.testing.assert_allclose(out.var(axis=-1), 1, atol=1e-4)
    # rows are independent: changing one row leaves the others alone
    x2 = x.copy()
    x2[0, 0] += 100
    out2, _ = layers.layer_norm_forward(x2, np.ones(8), np.zeros(8))
    np.testing.assert_array_equal(out2[1:], out[1:])
    np.testing.assert_array_equal(out2[0, 1:], out[0, 1:])


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid"])
def test_activation_gradients(rng, name):
    forward = getattr(layers, f"{name}_forward")
    backward = getattr(layers, f"{name}_backward")
    x = rng.normal(size=(4, 7))
    if name == "relu":  # keep away from the kink at 0, where no derivative exists
        x = np.where(np.abs(x) < 1e-3, 0.1, x)
    dout = rng.normal(size=x.shape)
    _, cache = forward(x)
    dx = backward(dout, cache)
    f = lambda: np.sum(forward(x)[0] * dout)
    assert rel_error(dx, numerical_gradient(f, x)) < TOL


def test_sigmoid_is_stable_for_huge_inputs():
    x = np.array([-1e4, -745.0, -50.0, 0.0, 50.0, 745.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = layers.sigmoid(x)
    assert np.all(np.isfinite(out))
    assert out[0] == 0.0 and out[-1] == 1.0 and out[3] == 0.5
    np.testing.assert_allclose(layers.sigmoid(x[2:5]), 1 / (1 + np.exp(-x[2:5])))


@pytest.mark.parametrize("num_layers", [1, 2, 3])
def test_mlp_gradients(rng, num_layers):
    sizes = [5, 6, 4, 3][: num_layers + 1]
    Ws = [rng.normal(size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [rng.normal(size=b) for b in sizes[1:]]
    x = rng.normal(size=(2, 3, 5))
    dout = rng.normal(size=(2, 3, sizes[-1]))
    out, cache = layers.mlp_forward(x, Ws, bs)
    assert out.shape == (2, 3, sizes[-1])
    dx, dWs, dbs = layers.mlp_backward(dout, cache)
    f = lambda: np.sum(layers.mlp_forward(x, Ws, bs)[0] * dout)
    arrays = {"x": x, **{f"W{i}": W for i, W in enumerate(Ws)}, **{f"b{i}": b for i, b in enumerate(bs)}}
    grads = {"x": dx, **{f"W{i}": g for i, g in enumerate(dWs)}, **{f"b{i}": g for i, g in enumerate(dbs)}}
    assert_grads_ok(check_gradients(f, arrays, grads))


def test_mlp_has_no_relu_after_last_layer(rng):
    W, b = np.eye(3), np.array([-5.0, 0.0, 5.0])
    out, _ = layers.mlp_forward(np.zeros((1, 3)), [W], [b])
    assert out[0, 0] == -5.0  # a final ReLU would have made this 0


def test_softmax_cross_entropy_gradient_and_value(rng):
    logits = rng.normal(size=(5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    loss, cache = layers.softmax_cross_entropy_forward(logits, labels)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(5), labels])))
    dlogits = layers.softmax_cross_entropy_backward(1.0, cache)
    f = lambda: layers.softmax_cross_entropy_forward(logits, labels)[0]
    assert rel_error(dlogits, numerical_gradient(f, logits)) < TOL


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, cache = layers.softmax_cross_entropy_forward(logits, np.array([0, 1]))
        dlogits = layers.softmax_cross_entropy_backward(1.0, cache)
    assert np.isfinite(loss) and np.all(np.isfinite(dlogits))
    assert loss == pytest.approx(1e4)  # the second example is wrong by 2e4, averaged over 2


@pytest.mark.parametrize("labels, message", [
    (np.array([0, 1, 2]), "labels must have shape"),
    (np.array([0.0, 1.0]), "labels must be integers"),
    (np.array([0, 3]), r"labels must lie in \[0, 3\)"),
])
def test_softmax_cross_entropy_rejects_bad_labels(labels, message):
    with pytest.raises(ValueError, match=message):
        layers.softmax_cross_entropy_forward(np.zeros((2, 3)), labels)


def test_linear_rejects_mismatched_sizes(rng):
    with pytest.raises(ValueError, match=r"x must have last axis of size 5 .* got shape \(2, 4\)"):
        layers.linear_forward(rng.normal(size=(2, 4)), rng.normal(size=(5, 3)), np.zeros(3))
    with pytest.raises(ValueError, match=r"b must have last axis of size 3"):
        layers.linear_forward(rng.normal(size=(2, 5)), rng.normal(size=(5, 3)), np.zeros(4))


def test_layer_norm_rejects_wrong_gain(rng):
    with pytest.raises(ValueError, match="gamma must have last axis of size 6"):
        layers.layer_norm_forward(rng.normal(size=(2, 6)), np.ones(5), np.zeros(6))


def test_mlp_rejects_unequal_lists(rng):
    with pytest.raises(ValueError, match="1 weights and 2 biases"):
        layers.mlp_forward(np.zeros((1, 2)), [np.eye(2)], [np.zeros(2), np.zeros(2)])
