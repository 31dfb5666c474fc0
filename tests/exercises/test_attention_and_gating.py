"""The self-checks pass the library's own functions and catch typical mistakes."""

import numpy as np

from rmc_lib.nn import attention
from rmc_lib.nn import gates
from rmc_lib.nn import layers
from rmc_lib.exercises import attention as attention_checks
from rmc_lib.exercises import gating as gating_checks


def test_checks_pass_correct_functions(capsys):
    assert attention_checks.check_softmax(attention.softmax)
    assert attention_checks.check_attention(lambda q, k, v: attention.scaled_dot_product_attention_forward(q, k, v)[0])
    assert attention_checks.check_softmax_backward(attention.softmax_backward)
    assert gating_checks.check_sigmoid(layers.sigmoid)
    assert gating_checks.check_gates(lambda *a: gates.gates_forward(*a)[0])
    assert gating_checks.check_half_life(gates.half_life)
    assert "passed" in capsys.readouterr().out


def test_naive_softmax_overflow_is_caught(capsys):
    def naive(x):
        with np.errstate(all="ignore"):
            e = np.exp(x)
            return e / e.sum(axis=-1, keepdims=True)
    assert not attention_checks.check_softmax(naive)
    assert "+-1000" in capsys.readouterr().out


def test_softmax_over_wrong_axis_is_caught(capsys):
    assert not attention_checks.check_softmax(lambda x: attention.softmax(x, axis=0))
    assert "failed" in capsys.readouterr().out


def test_attention_without_scaling_is_caught(capsys):
    def unscaled(q, k, v):
        return attention.softmax(q @ np.swapaxes(k, -1, -2)) @ v
    assert not attention_checks.check_attention(unscaled)
    assert "values differ" in capsys.readouterr().out


def test_naive_sigmoid_is_caught(capsys):
    def naive(x):
        with np.errstate(all="ignore"):
            return np.exp(x) / (1 + np.exp(x))
    assert not gating_checks.check_sigmoid(naive)
    assert "NaN" in capsys.readouterr().out


def test_gates_with_swapped_halves_are_caught(capsys):
    def swapped(*a):
        i, f = gates.gates_forward(*a)[0]
        return f, i
    assert not gating_checks.check_gates(swapped)


def test_a_function_that_raises_is_reported(capsys):
    def broken(x):
        raise RuntimeError("not yet written")
    assert not gating_checks.check_half_life(broken)
    assert "RuntimeError: not yet written" in capsys.readouterr().out
