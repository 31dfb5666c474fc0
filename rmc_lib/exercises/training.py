"""Self-checks for the exercises of lesson 05 (training).

Exercise 1 predicts Adam's first two steps, exercise 2 writes one Adam step,
exercise 3 finds the learning rate at which the tiny-batch sanity check
fails. Each check prints what is wrong (naming the case) or that it passed,
and returns True or False.
"""

import numpy as np

from ..train.optimizers import Adam
from ._cases import run_cases

# ----------------------------------------------------------------------------
# Exercise 1: predict Adam's first two steps
# ----------------------------------------------------------------------------

#: the setting of exercise 1: four parameters starting at 0, Adam's default betas and eps
ADAM_PREDICTION = {
    "lr": 0.1,
    "g1": np.array([2.0, -0.001, 300.0, 0.0]),
    "g2": np.array([2.0, -0.001, -300.0, 5.0]),
}


def adam_two_steps(lr, g1, g2):
    """How far rmc_lib's Adam moves each parameter at its first and its second
    step, given the gradients g1 and g2: (change at step 1, change at step 2)."""
    params = {"w": np.zeros(len(g1))}
    optimizer = Adam(params, lr=lr)
    optimizer.step({"w": np.asarray(g1, dtype=float)})
    after_first = params["w"].copy()
    optimizer.step({"w": np.asarray(g2, dtype=float)})
    return after_first, params["w"] - after_first


def check_adam_prediction(step1, step2, rtol=0.02, atol=1e-4):
    """step1, step2: your predictions of how far Adam (lr 0.1, default betas)
    moves each of the four parameters of ADAM_PREDICTION at its first and
    its second step (the change, with its sign). A prediction within 2% (or
    1e-4) of the truth passes; otherwise the check names the step and the
    entry and shows the true change."""
    name = "check_adam_prediction"
    if step1 is None or step2 is None:
        print(f"{name}: write your predictions of both steps (four numbers each) in place of None")
        return False
    setting = ADAM_PREDICTION
    truth = adam_two_steps(setting["lr"], setting["g1"], setting["g2"])
    for label, predicted, want in zip(("step 1", "step 2"), (step1, step2), truth):
        predicted = np.asarray(predicted, dtype=float)
        if predicted.shape != want.shape:
            print(f"{name}: {label}: expected {len(want)} numbers (one per parameter), got shape {predicted.shape}")
            return False
        for entry, (p, w) in enumerate(zip(predicted, want)):
            if not abs(p - w) <= atol + rtol * abs(w):
                g = f"gradient {setting['g1'][entry]:g}" if label == "step 1" else \
                    f"gradients {setting['g1'][entry]:g} then {setting['g2'][entry]:g}"
                print(f"{name}: {label}, parameter {entry} ({g}): you predicted {p:+.5f}, "
                      f"Adam moves it by {w:+.5f}")
                return False
    print(f"{name}: passed (both steps of all {len(truth[0])} parameters)")
    return True


# ----------------------------------------------------------------------------
# Exercise 2: one Adam step
# ----------------------------------------------------------------------------


def _reference_adam_step(param, grad, m, v, t, lr, beta1, beta2, eps):
    params = {"p": param.copy()}
    optimizer = Adam(params, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    optimizer.m["p"][...] = m
    optimizer.v["p"][...] = v
    optimizer.t = t - 1
    optimizer.step({"p": grad})
    return params["p"], optimizer.m["p"], optimizer.v["p"]


def check_adam_step(fn):
    """fn(param, grad, m, v, t, lr, beta1, beta2, eps) must return
    (param, m, v) after Adam's step number t (t = 1 for the first step) with
    bias correction: m = beta1 m + (1 - beta1) grad, v = beta2 v + (1 - beta2)
    grad^2, param - lr m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - beta1^t),
    v_hat = v / (1 - beta2^t). Reference: rmc_lib.train.optimizers.Adam."""
    rng = np.random.default_rng(13)
    settings = [
        ("the first step (t = 1) from m = v = 0, default betas", (3, 4), 1, 1e-3, 0.9, 0.999, 1e-8, True),
        ("step t = 10 with earlier moments, lr 0.01", (5,), 10, 1e-2, 0.9, 0.999, 1e-8, False),
        ("step t = 3, beta1 0.5, beta2 0.9, eps 1e-3", (2, 3), 3, 1e-1, 0.5, 0.9, 1e-3, False),
        ("step t = 1000 (bias correction still matters)", (4,), 1000, 3e-3, 0.9, 0.999, 1e-8, False),
    ]
    cases = []
    for description, shape, t, lr, b1, b2, eps, fresh in settings:
        param, grad = rng.normal(size=shape), rng.normal(size=shape)
        m = np.zeros(shape) if fresh else 0.1 * rng.normal(size=shape)
        v = np.zeros(shape) if fresh else 0.01 * rng.uniform(0.1, 1.0, size=shape)
        args = (param, grad, m, v)

        def learner(a=args, t=t, lr=lr, b1=b1, b2=b2, eps=eps):
            got = fn(*[x.copy() for x in a], t, lr, b1, b2, eps)
            return tuple(got) if isinstance(got, (tuple, list)) else got

        def expected(a=args, t=t, lr=lr, b1=b1, b2=b2, eps=eps):
            return _reference_adam_step(*[x.copy() for x in a], t, lr, b1, b2, eps)

        cases.append((description, learner, expected))
    return run_cases("check_adam_step", cases, rtol=1e-6, atol=1e-10)


# ----------------------------------------------------------------------------
# Exercise 3: the learning rate at which the sanity check fails
# ----------------------------------------------------------------------------

#: the learning rates exercise 3 tries, each 3 or 3.3 times the one before
LADDER = (1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0)


def memorises(overfit, lr):
    """Whether overfit(lr) ends with every example of its batch right:
    overfit returns (model, losses, accuracies), one loss and one training
    accuracy per step, as lesson 05's section 4 defines it. Returns
    (True or False, the last loss, the last accuracy)."""
    _, losses, accuracies = overfit(lr)
    return bool(accuracies[-1] == 1.0), float(losses[-1]), float(accuracies[-1])


def check_failing_learning_rate(lr, overfit):
    """lr: the smallest rate of LADDER at which overfit (section 4's tiny-batch
    run, 300 steps on the same 16 examples) no longer ends with all 16 right.
    The check runs overfit at lr and at the rate one rung below: the first must
    fail, the second must memorise."""
    name = "check_failing_learning_rate"
    if lr is None:
        print(f"{name}: write the learning rate you found in place of None")
        return False
    matches = [rate for rate in LADDER if np.isclose(lr, rate, rtol=1e-6)]
    if not matches:
        print(f"{name}: {lr!r} is not on the ladder; choose one of {list(LADDER)}")
        return False
    rung = LADDER.index(matches[0])
    ok, loss, accuracy = memorises(overfit, LADDER[rung])
    if ok:
        print(f"{name}: failed at lr {LADDER[rung]:g}: the run still gets all 16 right after its last step "
              f"(loss {loss:.1e}), so the failing rate is larger")
        return False
    if rung == 0:
        print(f"{name}: failed at lr {LADDER[0]:g}: it is the ladder's lowest rate and the run fails there; "
              f"check your overfit function")
        return False
    below_ok, below_loss, below_accuracy = memorises(overfit, LADDER[rung - 1])
    if not below_ok:
        print(f"{name}: failed at lr {LADDER[rung - 1]:g}: one rung below your answer the run already fails "
              f"(accuracy {below_accuracy:.2f} at the end), so the smallest failing rate is lower")
        return False
    print(f"{name}: passed: at lr {LADDER[rung - 1]:g} all 16 right at the end (loss {below_loss:.1e}); "
          f"at lr {LADDER[rung]:g} only {accuracy:.0%} (loss {loss:.2f})")
    return True
