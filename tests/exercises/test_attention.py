"""Lesson 01's self-checks pass a correct answer and name typical mistakes."""

import numpy as np

from rmc_lib.exercises import attention as checks
from rmc_lib.nn import attention
from rmc_lib.nn.layers import layer_norm_forward, linear_forward


def test_check_softmax_passes_the_library_and_catches_overflow(capsys):
    assert checks.check_softmax(attention.softmax)

    def naive(x):
        with np.errstate(all="ignore"):
            e = np.exp(x)
            return e / e.sum(axis=-1, keepdims=True)
    assert not checks.check_softmax(naive)
    assert "+-1000" in capsys.readouterr().out
    assert not checks.check_softmax(lambda x: attention.softmax(x, axis=0))


# Exercise 1 ------------------------------------------------------------------

def no_layer_norm(A, W_qkv, b_qkv, num_heads, key_size, head_size):
    """A learner's answer, written from the lesson (not from the reference)."""
    proj, _ = linear_forward(A, W_qkv, b_qkv)
    q, k, _ = attention.split_heads(proj, num_heads, key_size, head_size)
    return attention.softmax(q @ np.swapaxes(k, -1, -2) / np.sqrt(key_size))


def test_weights_without_layer_norm_differ_from_the_rmc_only_by_the_layer_norm(rng):
    A, W, b = rng.normal(size=(1, 5, 8)), rng.normal(size=(8, 20)), rng.normal(size=20)
    _, cache = attention.multihead_attention_forward(A, W, b, np.ones(20), np.zeros(20), 2, 3, 4)
    normed, _ = layer_norm_forward(A @ W + b, np.ones(20), np.zeros(20))
    q, k, _ = attention.split_heads(normed, 2, 3, 4)
    np.testing.assert_allclose(cache["weights"], attention.softmax(q @ np.swapaxes(k, -1, -2) / np.sqrt(3)))
    np.testing.assert_allclose(checks.weights_without_layer_norm(A, W, b, 2, 3, 4), no_layer_norm(A, W, b, 2, 3, 4))


def test_check_weights_without_layer_norm(capsys):
    assert checks.check_weights_without_layer_norm(no_layer_norm)
    assert "passed (3 cases)" in capsys.readouterr().out

    def kept_layer_norm(A, W, b, H, k, v):
        normed, _ = layer_norm_forward(A @ W + b, np.ones(W.shape[1]), np.zeros(W.shape[1]))
        q, kk, _ = attention.split_heads(normed, H, k, v)
        return attention.softmax(q @ np.swapaxes(kk, -1, -2) / np.sqrt(k))

    def unscaled(A, W, b, H, k, v):
        q, kk, _ = attention.split_heads(A @ W + b, H, k, v)
        return attention.softmax(q @ np.swapaxes(kk, -1, -2))

    def no_bias(A, W, b, H, k, v):
        return no_layer_norm(A, W, np.zeros_like(b), H, k, v)

    def over_queries(A, W, b, H, k, v):
        q, kk, _ = attention.split_heads(A @ W + b, H, k, v)
        return attention.softmax(q @ np.swapaxes(kk, -1, -2) / np.sqrt(k), axis=-2)

    def outputs(A, W, b, H, k, v):
        return attention.multihead_attention_forward(A, W, b, np.ones(W.shape[1]), np.zeros(W.shape[1]), H, k, v)[0]

    for wrong, named in [(kept_layer_norm, "the layer norm is still there"),
                         (unscaled, "not divided by sqrt(key_size)"),
                         (no_bias, "the bias b_qkv is left out"),
                         (over_queries, "over the queries"),
                         (outputs, "expected shape (1, 2, 5, 5)")]:
        assert not checks.check_weights_without_layer_norm(wrong)
        out = capsys.readouterr().out
        assert named in out, out


def test_compare_entropy_without_layer_norm(rng, capsys):
    A, W = rng.normal(size=(1, 5, 8)), rng.normal(size=(8, 20)) / np.sqrt(8)
    zeros, ones = np.zeros(20), np.ones(20)
    table = checks.compare_entropy_without_layer_norm(no_layer_norm, A, W, zeros, ones, zeros, 2, 3, 4,
                                                      scales=(0.01, 1.0, 100.0))
    with_ln, without = table["with"], table["without"]
    # the layer norm makes the entropy (nearly) independent of the scale ...
    assert max(with_ln) - min(with_ln) < 0.05
    # ... without it the rows flatten when the memory is small and saturate when it is large
    assert without[0] > 0.99 * np.log(5) and without[2] < 0.2
    assert "without it" in capsys.readouterr().out

    def stub(*args):
        raise NotImplementedError("replace this line with your code")
    assert checks.compare_entropy_without_layer_norm(stub, A, W, zeros, ones, zeros, 2, 3, 4) is None
    assert "NotImplementedError" in capsys.readouterr().out


def test_attention_entropy():
    assert checks.attention_entropy(np.array([[0.0, 1.0, 0.0]])) == 0.0
    assert np.isclose(checks.attention_entropy(np.full((2, 4), 0.25)), np.log(4))


# Exercise 2 ------------------------------------------------------------------

def test_twin_key_weights_are_the_softmax_with_the_key_appended(rng):
    scores = rng.normal(size=6)
    for j in [0, 3]:
        direct = attention.softmax(np.append(scores, scores[j]))
        np.testing.assert_allclose(checks.twin_key_weights(attention.softmax(scores), j), direct)


def test_check_twin_key_weights(capsys):
    assert checks.check_twin_key_weights(lambda w, j: attention.softmax(np.append(np.log(w + 1e-300), np.log(w[j] + 1e-300))))
    assert "passed (4 cases)" in capsys.readouterr().out

    def split(w, j):
        w = w.copy()
        w[j] /= 2
        return np.append(w, w[j])
    assert not checks.check_twin_key_weights(split)
    assert "split between the two copies" in capsys.readouterr().out
    assert not checks.check_twin_key_weights(lambda w, j: np.append(w, w[j]))
    assert "not renormalised" in capsys.readouterr().out
    assert not checks.check_twin_key_weights(lambda w, j: w)
    assert "expected shape (5,), got (4,)" in capsys.readouterr().out


# Exercise 3 ------------------------------------------------------------------

def test_entropy_limits_are_where_the_softmax_goes(rng):
    for scores in [np.array([2.0, 1.0, -1.0]), np.array([3.0, 3.0, 0.0, 1.0])]:
        cold, hot = checks.entropy_limits(scores)
        assert np.isclose(checks.attention_entropy(attention.softmax(scores / 1e-3)), cold, atol=1e-6)
        assert np.isclose(checks.attention_entropy(attention.softmax(scores / 1e6)), hot, atol=1e-5)


def test_check_entropy_limits(capsys):
    def right(scores):
        return np.log(np.sum(scores == scores.max())), np.log(len(scores))
    assert checks.check_entropy_limits(right)
    assert "passed (4 cases)" in capsys.readouterr().out
    assert not checks.check_entropy_limits(lambda s: (0.0, np.log(len(s))))
    out = capsys.readouterr().out
    assert "two scores tied" in out and "spreads evenly over the tied keys" in out
    assert not checks.check_entropy_limits(lambda s: right(s)[::-1])
    assert "swapped" in capsys.readouterr().out
    assert not checks.check_entropy_limits(lambda s: np.array(right(s)) / np.log(2))
    assert "base 2" in capsys.readouterr().out
    assert not checks.check_entropy_limits(lambda s: None)
    assert "expected shape (2,)" in capsys.readouterr().out
