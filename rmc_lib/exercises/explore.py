"""Self-checks for the exercises of lesson 07 (explore).

1. The forget bias that lets a memory survive the whole sequence: what is
   left of step 0's write at the end, and the smallest bias keeping half.
2. Take part of the input away: a copy of a trained RMC classifier that
   ignores some input columns, to predict and measure what each part is for.

Each check runs a learner's function (or value) against rmc_lib's own,
prints what is wrong or that it passed, and returns True or False.
"""

import copy

import numpy as np

from ..cores.classifier import build_classifier
from ..tasks import NthFarthest
from ..trace import record
from ..train.loop import evaluate
from ..train.runs import accuracy_by_n
from ._cases import run_cases

#: The share of step 0's write that exercise 1 asks to keep.
KEEP = 0.5
#: How close to the smallest such bias an answer must be.
BIAS_TOLERANCE = 0.05


def survival(forget_gate):
    """What is left, on the direct path, of what step 0 wrote: the product of
    the forget gates of steps 1..T-1 (M_t = i * tanh(M~) + f * M_{t-1}
    carries M_0's write through every later f), averaged over problems,
    slots and units. forget_gate: [T, B, N, g], as trace.forget_gate."""
    forget_gate = np.asarray(forget_gate, dtype=float)
    if forget_gate.ndim != 4:
        raise ValueError(f"forget_gate must be [T, B, N, g], got shape {forget_gate.shape}")
    return float(np.prod(forget_gate[1:], axis=0).mean())


def check_survival(fn):
    """fn(forget_gate) must return `survival(forget_gate)`: the mean over
    problems, slots and units of the product of the forget gates of every
    step after step 0."""
    rng = np.random.default_rng(27)
    settings = [("T = 4 steps, 'unit' gates [4, 5, 4, 8]", rng.uniform(0.5, 1.0, size=(4, 5, 4, 8))),
                ("T = 8 steps, 'memory' gates (one per slot) [8, 3, 2, 1]", rng.uniform(0.6, 1.0, size=(8, 3, 2, 1))),
                ("T = 1 step: nothing comes after step 0, so all of it is left", rng.uniform(0, 1, size=(1, 2, 2, 3)))]
    cases = [(description, lambda g=g: fn(g.copy()), lambda g=g: survival(g)) for description, g in settings]
    return run_cases("check_survival", cases, hint=_survival_hint(settings[0][1]))


def _survival_hint(gates):
    mistakes = {float(np.prod(gates, axis=0).mean()): "the product includes step 0's own gate",
                float(np.mean(gates[1:]) ** (len(gates) - 1)): "that is the mean gate to the power T-1: "
                                                                  "take the product first, then the mean"}

    def hint(got, want):
        for value, text in mistakes.items():
            if np.isclose(float(got), value):
                return f" ({text})"
        return ""
    return hint


def survival_at(model, x, forget_bias):
    """survival() of the trace of `model` (an RMC classifier) on x with its
    forget bias set to forget_bias (the model is left as it was)."""
    kept = model.core.forget_bias
    try:
        model.core.forget_bias = float(forget_bias)
        return survival(record(model.core, x)[2].forget_gate)
    finally:
        model.core.forget_bias = kept


def smallest_bias(model, x, keep=KEEP, low=-6.0, high=6.0, tolerance=1e-3):
    """The smallest forget bias at which survival_at(model, x, bias) >= keep
    (survival grows with the bias), by bisection."""
    if survival_at(model, x, high) < keep:
        raise ValueError(f"even a forget bias of {high} keeps less than {keep} of step 0's write")
    while high - low > tolerance:
        middle = (low + high) / 2
        low, high = (low, middle) if survival_at(model, x, middle) >= keep else (middle, high)
    return high


def check_forget_bias(bias, model, x, keep=KEEP, tolerance=BIAS_TOLERANCE):
    """Whether `bias` is the smallest forget bias (to `tolerance`) with which
    the RMC `model` keeps at least `keep` of step 0's write on inputs x."""
    name = "check_forget_bias"
    if bias is None:
        print(f"{name}: write your answer first (my_forget_bias = a number)")
        return False
    bias = float(bias)
    kept = survival_at(model, x, bias)
    if kept < keep:
        print(f"{name}: failed: a forget bias of {bias:.2f} keeps {kept:.3f} of step 0's write, less than {keep}")
        return False
    lower = survival_at(model, x, bias - tolerance)
    if lower >= keep:
        print(f"{name}: failed: {bias:.2f} keeps {kept:.3f}, but {bias - tolerance:.2f} keeps {lower:.3f}, "
              f"still at least {keep}: look for a smaller bias")
        return False
    print(f"{name}: passed: {bias:.2f} keeps {kept:.3f} of step 0's write, {bias - tolerance:.2f} only {lower:.3f}")
    return True


def without_inputs(model, columns):
    """A copy of an RMC classifier whose input projection ignores the input
    columns `columns` (a slice or indices): those rows of core.input.W are
    zero in the copy (x' = x W_in + b_in no longer depends on them).
    The model itself is not changed."""
    ablated = copy.deepcopy(model)        # params and core.params stay one set of arrays in the copy
    ablated.core.params["input.W"][columns] = 0.0
    return ablated


def check_without_inputs(fn):
    """fn(model, columns) must return a copy of the RMC classifier `model`
    that ignores the input columns `columns`, leaving `model` unchanged
    (see `without_inputs`). Checked on a small random model of a 4-object
    task, for each group of its input."""
    task = NthFarthest(4, 3)
    rng = np.random.default_rng(28)
    model = build_classifier("rmc", task.input_size, task.num_classes, rng, dtype=np.float64, head_hidden=8,
                             mem_slots=2, head_size=4, num_heads=2)
    x, _ = task.sample(6, rng)
    before = {name: value.copy() for name, value in model.params.items()}
    for group, start, stop in task.input_groups():
        where = f"the {group!r} columns {start}:{stop}"
        try:
            ablated = fn(model, slice(start, stop))
        except Exception as exc:    # the learner's code may raise anything
            print(f"check_without_inputs: failed on {where}: your function raised {type(exc).__name__}: {exc}")
            return False
        changed = [name for name, value in model.params.items() if not np.array_equal(value, before[name])]
        if changed:
            print(f"check_without_inputs: failed on {where}: the original model changed ({', '.join(changed)}): "
                  f"change a copy (copy.deepcopy)")
            return False
        if ablated is model or not hasattr(ablated, "predict_proba"):
            print(f"check_without_inputs: failed on {where}: return a copy of the classifier, not "
                  f"{'the model itself' if ablated is model else type(ablated).__name__}")
            return False
        shuffled = x.copy()
        shuffled[:, :, start:stop] = rng.uniform(-1, 1, size=shuffled[:, :, start:stop].shape)
        got, moved = ablated.predict_proba(x), ablated.predict_proba(shuffled)
        want = without_inputs(model, slice(start, stop)).predict_proba(x)
        if not np.allclose(moved, got, rtol=1e-9, atol=1e-12):
            print(f"check_without_inputs: failed on {where}: the copy still depends on them (its answers change "
                  f"when they do, by up to {np.abs(moved - got).max():.3g})")
            return False
        if not np.allclose(got, want, rtol=1e-9, atol=1e-12):
            print(f"check_without_inputs: failed on {where}: the copy's probabilities differ from a model that "
                  f"only ignores these columns, by up to {np.abs(got - want).max():.3g} (zero the rows of "
                  f"core.input.W for these input columns, nothing else)")
            return False
    print(f"check_without_inputs: passed ({len(task.input_groups())} groups of the input)")
    return True


def accuracy_without(fn, model, task, x, labels):
    """For each group of the task's input: the held-out accuracy of `model`
    without it (fn as in check_without_inputs, or rmc_lib's own
    `without_inputs` when fn is not written yet or fails its check), overall
    and for each n. Returns (which function was used, {group: (accuracy,
    {n: accuracy})})."""
    used, ablate = "yours", fn
    try:
        fn(copy.deepcopy(model), slice(0, 1))
    except Exception:       # a stub or a mistake: the measurement is shown all the same
        used, ablate = "rmc_lib's", without_inputs
    results = {}
    for group, start, stop in task.input_groups():
        ablated = ablate(model, slice(start, stop))
        _, accuracy, predictions = evaluate(ablated, x, labels)
        results[group] = (accuracy, {n: a for n, (a, _) in accuracy_by_n(ablated, task, x, labels, predictions).items()})
    return used, results
