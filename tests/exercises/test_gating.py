"""Lesson 02's self-checks pass a correct answer and catch typical mistakes."""

import numpy as np

from rmc_lib.exercises import gating as checks
from rmc_lib.nn import gates, layers


def test_checks_pass_correct_functions(capsys):
    assert checks.check_sigmoid(lambda x: 0.5 * (1 + np.tanh(x / 2)))
    assert checks.check_gates(lambda *a: gates.gates_forward(*a)[0])
    assert checks.check_half_life(lambda f: np.log(0.5) / np.log(f))
    assert checks.check_forget_bias_for(lambda t: -np.log(1 / 2 ** (-1 / t) - 1))
    assert "passed" in capsys.readouterr().out


def test_naive_sigmoid_is_caught(capsys):
    def naive(x):
        with np.errstate(all="ignore"):
            return np.exp(x) / (1 + np.exp(x))
    assert not checks.check_sigmoid(naive)
    assert "NaN" in capsys.readouterr().out


def test_gates_with_swapped_halves_are_caught(capsys):
    def swapped(*a):
        i, f = gates.gates_forward(*a)[0]
        return f, i
    assert not checks.check_gates(swapped)
    assert "values differ" in capsys.readouterr().out


def test_a_function_that_raises_is_reported(capsys):
    def broken(x):
        raise RuntimeError("not yet written")
    assert not checks.check_half_life(broken)
    assert "RuntimeError: not yet written" in capsys.readouterr().out


def test_forget_bias_for_inverts_the_half_life():
    for life in [0.7, 3.0, 42.0]:
        assert np.isclose(gates.half_life(layers.sigmoid(checks.forget_bias_for(life))), life)


def test_forget_bias_mistakes_are_named(capsys):
    assert not checks.check_forget_bias_for(lambda t: np.log(t / np.log(2)))
    assert "large-bias approximation" in capsys.readouterr().out
    assert not checks.check_forget_bias_for(lambda t: np.log(0.5 ** t / (1 - 0.5 ** t)))
    out = capsys.readouterr().out
    assert "a half-life of 2.5 steps" in out and "1/2 ** half_life" in out
