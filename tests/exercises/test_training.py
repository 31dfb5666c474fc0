"""The self-checks of 05_training pass correct answers and catch typical mistakes."""

import numpy as np

from rmc_lib.nn.layers import softmax_cross_entropy_backward, softmax_cross_entropy_forward
from rmc_lib.train.optimizers import clip_by_global_norm
from rmc_lib.exercises import training as exercises


# ----------------------------------------------------------------------------
# check_cross_entropy_gradient
# ----------------------------------------------------------------------------

def numpy_cross_entropy_gradient(logits, labels, mean=True, stable=True):
    """(softmax(logits) - one_hot(labels)) / B; the flags reproduce typical mistakes."""
    shifted = logits - logits.max(axis=1, keepdims=True) if stable else logits
    e = np.exp(shifted)
    p = e / e.sum(axis=1, keepdims=True)
    p[np.arange(len(labels)), labels] -= 1
    return p / len(labels) if mean else p


def test_cross_entropy_check_passes_the_library_and_numpy(capsys):
    def library(logits, labels):
        return softmax_cross_entropy_backward(1.0, softmax_cross_entropy_forward(logits, labels)[1])

    assert exercises.check_cross_entropy_gradient(library)
    assert exercises.check_cross_entropy_gradient(numpy_cross_entropy_gradient)
    assert "check_cross_entropy_gradient: passed (4 cases)" in capsys.readouterr().out


def test_forgetting_the_mean_is_caught(capsys):
    assert not exercises.check_cross_entropy_gradient(
        lambda z, y: numpy_cross_entropy_gradient(z, y, mean=False))
    assert "1/B" in capsys.readouterr().out


def test_an_overflowing_softmax_is_caught(capsys):
    with np.errstate(over="ignore", invalid="ignore"):
        assert not exercises.check_cross_entropy_gradient(
            lambda z, y: numpy_cross_entropy_gradient(z, y, stable=False))
    assert "NaN or inf" in capsys.readouterr().out


def test_the_gradient_of_minus_the_targets_only_is_caught(capsys):
    assert not exercises.check_cross_entropy_gradient(lambda z, y: -np.eye(z.shape[1])[y] / len(y))
    assert "failed" in capsys.readouterr().out


def test_a_stub_that_raises_is_reported(capsys):
    def stub(logits, labels):
        raise NotImplementedError("replace this line with your code")

    assert not exercises.check_cross_entropy_gradient(stub)
    assert "raised NotImplementedError" in capsys.readouterr().out


# ----------------------------------------------------------------------------
# check_adam_step
# ----------------------------------------------------------------------------

def textbook_adam_step(param, grad, m, v, t, lr, beta1, beta2, eps, correct=True):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat, v_hat = (m / (1 - beta1 ** t), v / (1 - beta2 ** t)) if correct else (m, v)
    return param - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def test_adam_check_passes_the_textbook_form(capsys):
    assert exercises.check_adam_step(textbook_adam_step)
    assert "check_adam_step: passed (4 cases)" in capsys.readouterr().out


def test_adam_check_passes_the_library_class(capsys):
    # the check's reference drives rmc_lib.train.Adam itself
    assert exercises.check_adam_step(exercises._reference_adam_step)
    assert "passed" in capsys.readouterr().out


def test_missing_bias_correction_is_caught(capsys):
    assert not exercises.check_adam_step(lambda *a: textbook_adam_step(*a, correct=False))
    assert "the first step (t = 1)" in capsys.readouterr().out


def test_bias_correction_with_the_wrong_power_is_caught(capsys):
    # using t - 1 (or a count that starts at 0) in the correction
    def off_by_one(param, grad, m, v, t, lr, beta1, beta2, eps):
        return textbook_adam_step(param, grad, m, v, t + 1, lr, beta1, beta2, eps)[0], \
            beta1 * m + (1 - beta1) * grad, beta2 * v + (1 - beta2) * grad * grad

    assert not exercises.check_adam_step(off_by_one)
    assert "item 0 of the result" in capsys.readouterr().out


def test_swapped_betas_are_caught(capsys):
    def swapped(param, grad, m, v, t, lr, beta1, beta2, eps):
        return textbook_adam_step(param, grad, m, v, t, lr, beta2, beta1, eps)

    assert not exercises.check_adam_step(swapped)
    assert "failed" in capsys.readouterr().out


def test_returning_only_the_parameter_is_caught(capsys):
    assert not exercises.check_adam_step(lambda *a: textbook_adam_step(*a)[0])
    assert "expected a tuple of 3 arrays" in capsys.readouterr().out


# ----------------------------------------------------------------------------
# check_clip_by_global_norm
# ----------------------------------------------------------------------------

def numpy_clip(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
    scale = min(1.0, max_norm / norm)
    return {k: g * scale for k, g in grads.items()}, norm


def test_clip_check_passes_numpy_and_the_library(capsys):
    assert exercises.check_clip_by_global_norm(numpy_clip)
    assert exercises.check_clip_by_global_norm(clip_by_global_norm)
    assert "check_clip_by_global_norm: passed (4 cases)" in capsys.readouterr().out


def test_clipping_each_array_separately_is_caught(capsys):
    def separately(grads, max_norm):
        clipped = {k: numpy_clip({k: g}, max_norm)[0][k] for k, g in grads.items()}
        return clipped, numpy_clip(grads, max_norm)[1]

    assert not exercises.check_clip_by_global_norm(separately)
    assert "each below max_norm but jointly above it" in capsys.readouterr().out


def test_returning_the_norm_after_clipping_is_caught(capsys):
    def norm_after(grads, max_norm):
        clipped, norm = numpy_clip(grads, max_norm)
        return clipped, min(norm, max_norm)

    assert not exercises.check_clip_by_global_norm(norm_after)
    assert "the norm should be" in capsys.readouterr().out


def test_always_scaling_to_max_norm_is_caught(capsys):
    def always(grads, max_norm):
        norm = numpy_clip(grads, max_norm)[1]
        return {k: g * max_norm / norm for k, g in grads.items()}, norm

    assert not exercises.check_clip_by_global_norm(always)
    assert "nothing changes" in capsys.readouterr().out


def test_a_wrong_return_type_is_reported(capsys):
    assert not exercises.check_clip_by_global_norm(lambda grads, c: list(grads.values()))
    assert "expected a pair (clipped, norm)" in capsys.readouterr().out
    assert not exercises.check_clip_by_global_norm(lambda grads, c: ({"W": grads["W"]}, 1.0))
    assert "keys" in capsys.readouterr().out
