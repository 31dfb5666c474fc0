"""The self-checks of 05_training pass correct answers and catch typical mistakes."""

import numpy as np
import pytest

from rmc_lib.cores.classifier import build_classifier
from rmc_lib.exercises import training as exercises
from rmc_lib.tasks import NthFarthest
from rmc_lib.train.optimizers import Adam, clip_by_global_norm

# ----------------------------------------------------------------------------
# check_adam_prediction
# ----------------------------------------------------------------------------

# worked by hand from the formulas of section 3.1 (lr 0.1, beta1 0.9, beta2 0.999):
# step 1 moves every parameter with a gradient by lr against its sign; at step 2 a
# steady gradient moves it by lr again, a flipped one by lr * 0.01 / 0.19, and one that
# appears only at step 2 by lr * (0.5 / 0.19) / sqrt(0.025 / 0.001999).
BY_HAND_STEP1 = [-0.1, 0.1, -0.1, 0.0]
BY_HAND_STEP2 = [-0.1, 0.1, 0.1 * 0.01 / 0.19, -0.1 * (0.5 / 0.19) / np.sqrt(0.025 / 0.001999)]


def test_adam_prediction_passes_the_worked_answer(capsys):
    assert exercises.check_adam_prediction(BY_HAND_STEP1, BY_HAND_STEP2)
    assert "check_adam_prediction: passed" in capsys.readouterr().out


def test_the_worked_answer_is_what_adam_does():
    step1, step2 = exercises.adam_two_steps(**exercises.ADAM_PREDICTION)
    np.testing.assert_allclose(step1, BY_HAND_STEP1, rtol=1e-4, atol=1e-8)
    np.testing.assert_allclose(step2, BY_HAND_STEP2, rtol=1e-4, atol=1e-8)


def test_a_step_proportional_to_the_gradient_is_caught(capsys):
    sgd_like = [-0.1 * g for g in exercises.ADAM_PREDICTION["g1"]]
    assert not exercises.check_adam_prediction(sgd_like, BY_HAND_STEP2)
    assert "step 1, parameter 0 (gradient 2): you predicted -0.20000, Adam moves it by -0.10000" \
        in capsys.readouterr().out


def test_forgetting_the_momentum_after_a_flip_is_caught(capsys):
    flipped = BY_HAND_STEP2[:2] + [0.1, BY_HAND_STEP2[3]]        # "the new gradient decides": a full step back
    assert not exercises.check_adam_prediction(BY_HAND_STEP1, flipped)
    assert "step 2, parameter 2 (gradients 300 then -300)" in capsys.readouterr().out


def test_a_full_step_for_a_late_gradient_is_caught(capsys):
    late = BY_HAND_STEP2[:3] + [-0.1]
    assert not exercises.check_adam_prediction(BY_HAND_STEP1, late)
    assert "parameter 3 (gradients 0 then 5)" in capsys.readouterr().out


def test_missing_or_misshapen_predictions_are_reported(capsys):
    assert not exercises.check_adam_prediction(None, None)
    assert "in place of None" in capsys.readouterr().out
    assert not exercises.check_adam_prediction(BY_HAND_STEP1[:3], BY_HAND_STEP2)
    assert "expected 4 numbers" in capsys.readouterr().out


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
# check_failing_learning_rate
# ----------------------------------------------------------------------------


def fake_overfit(threshold):
    """An overfit stand-in that memorises exactly below `threshold`."""
    def overfit(lr):
        right = lr < threshold
        return None, np.array([1.0, 1e-6 if right else 0.8]), np.array([0.25, 1.0 if right else 0.5])
    return overfit


def test_failing_rate_check_passes_the_smallest_failing_rung(capsys):
    assert exercises.check_failing_learning_rate(0.3, fake_overfit(0.2))
    assert "passed: at lr 0.1 all 16 right" in capsys.readouterr().out


def test_a_rate_that_still_memorises_is_caught(capsys):
    assert not exercises.check_failing_learning_rate(0.1, fake_overfit(0.2))
    assert "failed at lr 0.1: the run still gets all 16 right" in capsys.readouterr().out


def test_a_rate_above_the_smallest_failing_one_is_caught(capsys):
    assert not exercises.check_failing_learning_rate(1.0, fake_overfit(0.2))
    assert "failed at lr 0.3: one rung below your answer the run already fails" in capsys.readouterr().out


def test_rates_off_the_ladder_and_no_answer_are_reported(capsys):
    assert not exercises.check_failing_learning_rate(0.2, fake_overfit(0.2))
    assert "0.2 is not on the ladder" in capsys.readouterr().out
    assert not exercises.check_failing_learning_rate(None, fake_overfit(0.2))
    assert "in place of None" in capsys.readouterr().out
    assert not exercises.check_failing_learning_rate(1e-3, fake_overfit(1e-4))
    assert "the ladder's lowest rate" in capsys.readouterr().out


def lesson_overfit(lr, steps=300, seed=4):
    """Section 4's tiny-batch run, as lesson 05 defines it."""
    task = NthFarthest(4, 4, n_choices=(1,))
    rng = np.random.default_rng(seed)
    small = build_classifier("rmc", task.input_size, task.num_classes, rng, head_hidden=32,
                             mem_slots=2, head_size=8, num_heads=2)
    optimizer = Adam(small.params, lr=lr)
    x16, y16 = task.sample(16, rng)
    losses, accuracies = [], []
    for _ in range(steps):
        loss, grads, logits = small.loss_and_grads(x16, y16)
        optimizer.step(clip_by_global_norm(grads, 1.0)[0])
        losses.append(loss)
        accuracies.append(np.mean(logits.argmax(axis=1) == y16))
    return small, np.array(losses), np.array(accuracies)


@pytest.mark.slow
def test_the_lessons_run_fails_first_at_three_tenths(capsys):
    assert exercises.check_failing_learning_rate(0.3, lesson_overfit)
    assert "passed" in capsys.readouterr().out
