"""Self-checks for the exercises of lesson 11 (the continuous stack and queue, ACT).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints one line: the first case that fails and,
when the answer matches a typical mistake, which one; or that it passed.
It returns True or False. Everything is one example: plain 1-D arrays.

    check_stack_update(fn)    the strengths after a pop and a push      nn.neural_stack.stack_step_forward
    check_stack_read(fn)      the stack's read, from the top down       nn.neural_stack.stack_step_forward
    check_queue_read(fn)      the queue's read, from the bottom up      stack_step_forward(..., queue=True)
    check_halting(fn)         ACT's N, R and weights p^n                halting_weights (as cores.act.ACT.step)
    check_stack_prediction(strengths, read)
                              a prediction, no function: the stack after the program show_stack_program prints
"""

import numpy as np

from ..nn.neural_stack import stack_step_forward
from ._cases import run_cases


def _run(name, cases, names=None):
    """run_cases over (description, learner_call, expected, mistakes), where
    expected is an array, or a tuple of them when `names` names its items,
    and mistakes a list of (what the mistake is, the answer it gives, or
    None). Each learner call is made once here first, so that an answer that
    is not numbers gets a clear line (numpy would fail on it inside the
    comparison); the mistakes are looked up item by item, as run_cases
    compares a tuple."""
    known, replay = {}, []
    for description, call, expected, mistakes in cases:
        try:
            got = call()
        except Exception as exc:       # the learner's code may raise anything; run_cases reports it
            replay.append((description, lambda exc=exc: _raise(exc), lambda e=expected: e))
            break
        problem, got = _as_numbers(got, names)
        if problem:
            print(f"{name}: failed on {description}: {problem}")
            return False
        replay.append((description, lambda g=got: g, lambda e=expected: e))
        items = expected if names else (expected,)
        for index, item in enumerate(items):
            known[id(item)] = [(what, wrong[index] if names else wrong) for what, wrong in mistakes
                               if wrong is not None]

    def hint(got, expected):
        for what, value in known.get(id(expected), []):
            if np.shape(value) == got.shape and np.allclose(got, value, rtol=1e-6, atol=1e-8):
                return f"; it looks like {what}"
        return ""
    return run_cases(name, replay, hint=hint)


def _raise(exc):
    raise exc


def _as_numbers(got, names):
    """(problem or None, got as float arrays)."""
    if names:
        if not isinstance(got, (tuple, list)) or len(got) != len(names):
            return f"expected a tuple of {len(names)} results ({', '.join(names)}), got {type(got).__name__}", None
        items = got
    else:
        items, names = (got,), ("your result",)
    arrays = []
    for what, item in zip(names, items):
        if item is None:
            return f"{what} is None (is a return statement missing?)", None
        try:
            array = np.asarray(item)
        except ValueError:             # a ragged list
            array = None
        if array is None or array.dtype.kind not in "biuf":
            return f"expected numbers for {what}, got {type(item).__name__} {repr(item)[:40]}", None
        arrays.append(array.astype(float))
    return None, tuple(arrays) if len(arrays) > 1 else arrays[0]


# ----------------------------------------------------------------------------
# Exercise 1: the strengths after a step
# ----------------------------------------------------------------------------

def _ahead(s, from_bottom):
    """For each element, the strength that comes off before it: the sum of
    the ones above it (stack, j > i) or below it (queue, j < i)."""
    below = np.cumsum(s) - s
    return below if from_bottom else np.sum(s) - below - s


def _update(s, u, d, from_bottom=False, inner=True, outer=True, push_first=False, whole=False):
    """s_i <- max(0, s_i - max(0, u - ahead_i)), then d pushed; the keywords
    reproduce typical mistakes (inner/outer=False: that max(0, .) left out)."""
    s = np.append(s, d) if push_first else np.asarray(s, dtype=float)
    left = u - _ahead(s, from_bottom)
    left = np.maximum(0.0, left) if inner else left
    kept = np.where(left > 0, 0.0, s) if whole else s - left
    kept = np.maximum(0.0, kept) if outer else kept
    return kept if push_first else np.append(kept, d)


def _library_update(strengths, pop, push, queue=False):
    """stack_step_forward on a batch of one (the values play no part)."""
    t = len(strengths)
    _, new, _, _ = stack_step_forward(np.zeros((1, t, 1)), np.asarray(strengths, dtype=float)[None],
                                      np.array([push]), np.array([pop]), np.zeros((1, 1)), queue=queue)
    return new[0]


NO_MAX = ("no max(0, .): s_i <- max(0, s_i - max(0, u - sum_{j>i} s_j)); the inner max stops the pop from "
          "adding to the values it does not reach, the outer one a strength from going below 0")
UPDATE_MISTAKES = [
    ("popping from the bottom (the queue's order): the stack pops from the top down, the last value pushed "
     "first; v_i loses what the values above it leave of the pop, u - sum_{j>i} s_j", dict(from_bottom=True)),
    (NO_MAX, dict(outer=False)), (NO_MAX, dict(inner=False)), (NO_MAX, dict(inner=False, outer=False)),
    ("pushing before popping: the pop comes first and takes from the old values only; the new value then "
     "goes on top with its whole strength d", dict(push_first=True)),
    ("whole values removed: the pop takes strength, not values; a value it reaches keeps "
     "s_i - (u - sum_{j>i} s_j) when that is above 0", dict(whole=True))]


def _update_mistakes(s, u, d):
    return [(what, _update(s, u, d, **keywords)) for what, keywords in UPDATE_MISTAKES]


def check_stack_update(fn):
    """fn(strengths, pop, push) must return the stack's strengths after one
    step: strengths [t] (bottom first, t >= 0), pop u and push d numbers in
    [0, 1] -> [t + 1]. First the pop takes u of strength from the top down,

        s_i <- max(0, s_i - max(0, u - sum_{j>i} s_j))      i = 1..t

    then the new value goes on top with strength d. Paper: Grefenstette et
    al. 2015, equation (2); rmc_lib: nn.neural_stack.stack_step_forward."""
    settings = [("an empty stack (t = 0): pop 0.5, push 0.7", [], 0.5, 0.7),
                ("pop 0 (nothing comes off): strengths 0.6, 0.3, 0.8, push 0.5", [0.6, 0.3, 0.8], 0.0, 0.5),
                ("a pop spanning several values: strengths 0.5, 0.4, 0.3, pop 0.6, push 0.2",
                 [0.5, 0.4, 0.3], 0.6, 0.2),
                ("a pop larger than everything held: strengths 0.3, 0.2, pop 0.9, push 0.4", [0.3, 0.2], 0.9, 0.4),
                ("push 0 (the new value holds nothing): strengths 0.2, 0.7, pop 0.4", [0.2, 0.7], 0.4, 0.0),
                ("a pop ending inside the top value: strengths 0.9, 0.8, pop 0.3, push 1", [0.9, 0.8], 0.3, 1.0),
                ("a popped value (strength 0) inside: strengths 0.4, 0, 0.3, pop 0.5, push 0.6",
                 [0.4, 0.0, 0.3], 0.5, 0.6)]
    cases = [(description, lambda a=(s, u, d): fn(np.array(a[0], dtype=float), a[1], a[2]),
              _library_update(s, u, d), _update_mistakes(s, u, d)) for description, s, u, d in settings]
    return _run("check_stack_update", cases)


# ----------------------------------------------------------------------------
# Exercises 2 and 3: the read of the stack and of the queue
# ----------------------------------------------------------------------------

def _read(s, v, from_bottom=False, budget=True, clamp=True):
    """sum_i min(s_i, max(0, 1 - ahead_i)) v_i; the keywords reproduce
    typical mistakes (budget=False: sum_i s_i v_i; clamp=False: no max)."""
    s = np.asarray(s, dtype=float)
    room = 1.0 - _ahead(s, from_bottom)
    weights = np.minimum(s, np.maximum(0.0, room) if clamp else room) if budget else s
    return weights @ v


def _library_read(strengths, values, queue=False):
    """stack_step_forward's read: the last element pushed, nothing popped."""
    s, v = np.asarray(strengths, dtype=float), np.asarray(values, dtype=float)
    _, _, read, _ = stack_step_forward(v[None, :-1], s[None, :-1], s[-1:], np.zeros(1), v[None, -1], queue=queue)
    return read[0]


READ_SETTINGS = [("one value of strength 1, m = 3", [1.0], 3),
                 ("two values whose strengths add up to less than 1, m = 3", [0.2, 0.3], 3),
                 ("strengths 0.5, 0.4, 0.3 (more than 1 in all), m = 3", [0.5, 0.4, 0.3], 3),
                 ("a value deeper than the budget of 1 reaches: strengths 0.6, 0.5, 0.4, 0.3, m = 2",
                  [0.6, 0.5, 0.4, 0.3], 2),
                 ("a popped value (strength 0) between two others: strengths 0.7, 0, 0.6, m = 2", [0.7, 0.0, 0.6], 2),
                 ("a strength of 1 at the far end: strengths 1, 0.4, 0.9, m = 1", [1.0, 0.4, 0.9], 1)]


def _read_mistakes(s, v, queue):
    near, far, order = ("bottom", "top", "j<i") if queue else ("top", "bottom", "j>i")
    end = 0 if queue else -1
    plain = ("the plain weighted sum sum_i s_i v_i: the read has a budget of 1, taken from the "
             f"{near}: weight min(s_i, max(0, 1 - sum_{{{order}}} s_j))")
    only = (f"the {near} value only: the read mixes the values from the {near} on until their strengths "
            "add up to 1")
    this, other, before = ("queue", "stack", "below") if queue else ("stack", "queue", "above")
    return [(f"reading from the {far} (the {other}'s order): the {this} reads from the {near}; v_i gets what "
             f"the values {before} it leave of the budget, 1 - sum_{{{order}}} s_j",
             _read(s, v, from_bottom=not queue)),
            (plain, _read(s, v, from_bottom=queue, budget=False)), (only, v[end]), (only, s[end] * v[end]),
            (f"no max(0, .) around the budget left, 1 - sum_{{{order}}} s_j: the values beyond the budget "
             "get weight 0, not a negative one", _read(s, v, from_bottom=queue, clamp=False))]


def _check_read(name, fn, queue):
    rng = np.random.default_rng(11)
    cases = []
    for description, s, m in READ_SETTINGS:
        v = rng.normal(size=(len(s), m))
        cases.append((description, lambda a=(s, v): fn(np.array(a[0]), a[1].copy()),
                      _library_read(s, v, queue), _read_mistakes(np.array(s), v, queue)))
    return _run(name, cases)


def check_stack_read(fn):
    """fn(strengths, values) must return the stack's read: strengths [t] and
    values [t, m] (bottom first, t >= 1) -> r [m], a mix of the values from
    the top down whose weights add up to at most 1:

        r = sum_i min(s_i, max(0, 1 - sum_{j>i} s_j)) v_i

    Paper: Grefenstette et al. 2015, equation (3); rmc_lib:
    nn.neural_stack.stack_step_forward."""
    return _check_read("check_stack_read", fn, queue=False)


def check_queue_read(fn):
    """fn(strengths, values) must return the queue's read: as the stack's,
    from the bottom (the first value pushed) up instead:

        r = sum_i min(s_i, max(0, 1 - sum_{j<i} s_j)) v_i

    Paper: Grefenstette et al. 2015, section 3.2; rmc_lib:
    nn.neural_stack.stack_step_forward(..., queue=True)."""
    return _check_read("check_queue_read", fn, queue=True)


# ----------------------------------------------------------------------------
# Exercise 4: ACT's halting
# ----------------------------------------------------------------------------

def halting_weights(halting, threshold, max_steps=0):
    """ACT's halting for one example (Graves 2016, equations 7 to 9, as
    Sonnet v1's ACTCore decides it): halting [n] holds h^1, h^2, ... (at
    least up to the step that halts); C^n = h^1 + ... + h^n. Returns
    (N, R, p): N the first n with C^{n-1} + h^n > threshold (strict, as
    Sonnet tests it) or n = max_steps (0: no limit); R = 1 - C^{N-1} the
    remainder; p [N] the weights, p^n = h^n before N and p^N = R, adding
    up to 1.
    Sonnet reports R = 0 when N = 1 (its weight p^1 is still 1); this is
    the paper's R, 1 there. rmc_lib: cores.act.ACT.step."""
    halting = np.asarray(halting, dtype=float)
    if halting.ndim != 1 or not np.all((halting >= 0) & (halting <= 1)):       # NaN fails this test too
        raise ValueError(f"halting must be a 1-D array of values in [0, 1], got {halting!r}")
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer)) or max_steps < 0:
        raise ValueError(f"max_steps must be an integer >= 0 (0: no limit), got {max_steps!r}")
    C = 0.0
    for n, h in enumerate(halting, start=1):
        if C + h > threshold or n == max_steps:
            R = 1.0 - C
            return n, R, np.append(halting[:n - 1], R)
        C = C + h
    raise ValueError(f"halting: the {len(halting)} values add up to {C:g} without passing the threshold "
                     f"{threshold:g} (give more steps or a max_steps)")


def _halting(halting, threshold, max_steps, strict=True, remainder="paper", last="R", limit=0):
    """(N, R, p) with typical mistakes: strict=False (>=); remainder 'after'
    (1 - C^N) or 'sonnet' (0 at N = 1); last='h' (p^N = h^N); limit None
    (max_steps ignored) or 1 (one step late). None if the values run out."""
    C = 0.0
    for n, h in enumerate(halting, start=1):
        halts = C + h > threshold if strict else C + h >= threshold
        if halts or (limit is not None and max_steps > 0 and n == max_steps + limit):
            R = {"paper": 1.0 - C, "after": 1.0 - C - h, "sonnet": 1.0 - C if n > 1 else 0.0}[remainder]
            return np.array(float(n)), np.array(R), np.append(halting[:n - 1], h if last == "h" else R)
        C = C + h
    return None


def _halting_mistakes(h, threshold, max_steps):
    N, R, p = _halting(h, threshold, max_steps)
    return [("C^{n-1} + h^n >= threshold: Sonnet's test (and this exercise's) is strict, >: a sum equal to "
             "the threshold does not halt yet", _halting(h, threshold, max_steps, strict=False)),
            ("R = 1 - C^N, after the last step's h^N: the remainder is what is left before it, 1 - C^{N-1}, "
             "so that the weights add up to 1", _halting(h, threshold, max_steps, remainder="after")),
            ("p^N = h^N: the last step's weight is the remainder R = 1 - C^{N-1}, so that the weights add up "
             "to 1", _halting(h, threshold, max_steps, last="h")),
            ("max_steps ignored: the pondering stops at n = max_steps even if C^{n-1} + h^n has not passed "
             "the threshold", _halting(h, threshold, max_steps, limit=None)),
            ("max_steps one step late: n = max_steps is the last step", _halting(h, threshold, max_steps, limit=1)),
            ("R = 0 at N = 1, as Sonnet's ACTCore reports it (its remainder keeps its initial 0 when the first "
             "step halts, though that step's weight is 1); this exercise asks for the paper's "
             "R = 1 - C^0 = 1 there", _halting(h, threshold, max_steps, remainder="sonnet")),
            ("N counted from 0: N is the number of steps, the first one n = 1", (N - 1, R, p))]


def check_halting(fn):
    """fn(halting, threshold, max_steps) must return (N, R, p) for one
    example, as halting_weights computes them: halting [n] (h^1, h^2, ...;
    often more than needed: stop at N), threshold in (0, 1], max_steps
    (0: no limit) -> N the number of steps (the first n with
    C^{n-1} + h^n > threshold, or n = max_steps), R = 1 - C^{N-1} and the
    weights p [N] (p^n = h^n before N, p^N = R). Paper: Graves 2016,
    equations 7 to 9; Sonnet reports R = 0 when N = 1, the exercise the
    paper's R (1 there). rmc_lib: cores.act.ACT.step."""
    settings = [("halting at step 3 of the 6 values given, threshold 0.9", [0.3, 0.4, 0.5, 0.2, 0.9, 0.1], 0.9, 0),
                ("C^2 + h^3 equal to the threshold 0.75 (6 values of 0.25 given)", [0.25] * 6, 0.75, 0),
                ("max_steps = 3 stopping it first (6 values given, threshold 0.99)",
                 [0.1, 0.1, 0.1, 0.5, 0.6, 0.9], 0.99, 3),
                ("halting at its first step, h^1 = 0.995 > 0.99 (3 values given)", [0.995, 0.3, 0.8], 0.99, 0),
                ("max_steps = 1 (3 values given, threshold 0.9)", [0.2, 0.5, 0.9], 0.9, 1),
                ("a long ponder: 11 steps of the 12 values given, threshold 0.99, max_steps = 20",
                 [0.05] * 10 + [0.7, 0.3], 0.99, 20)]
    cases = []
    for description, h, threshold, max_steps in settings:
        N, R, p = halting_weights(h, threshold, max_steps)
        cases.append((description, lambda a=(h, threshold, max_steps): fn(np.array(a[0]), a[1], a[2]),
                      (np.array(float(N)), np.array(R), p), _halting_mistakes(np.array(h), threshold, max_steps)))
    return _run("check_halting", cases, names=("N", "R", "weights p"))


# ----------------------------------------------------------------------------
# Exercise 5: predict a stack
# ----------------------------------------------------------------------------

#: (pop u, push d, value) per step: the order views.transduction_views.program_trace takes
PROGRAM = [(0.0, 0.8, "a"), (0.0, 0.5, "b"), (0.7, 0.6, "c"), (0.4, 0.3, "d")]
NAMES = [value for _, _, value in PROGRAM]


def _after_program():
    """The strengths [4] and the read [4] (the weights of a, b, c, d: the
    values are one-hot) after the program, as stack_step_forward runs it."""
    n = len(PROGRAM)
    values, strengths = np.zeros((1, 0, n)), np.zeros((1, 0))
    for step, (u, d, _) in enumerate(PROGRAM):
        values, strengths, read, _ = stack_step_forward(values, strengths, np.array([d]), np.array([u]),
                                                        np.eye(n)[None, step])
    return strengths[0], read[0]


def show_stack_program():
    """Print the program check_stack_prediction asks about."""
    print("An empty stack; each step pops u, then pushes a value with strength d, then reads:")
    for step, (u, d, value) in enumerate(PROGRAM, start=1):
        print(f"  step {step}: pop {u:g}, push {value} with strength {d:g}")
    print("After step 1 the strengths are [0.8] and the read is 0.8 a. After step 4? Write the strengths "
          "bottom first, one per value (a popped one keeps its place with 0), and the read as a dict: "
          "check_stack_prediction([0.8, ...], {'a': 0.8, ...})")


def _mix(weights):
    return " + ".join(f"{w:g} {name}" for name, w in zip(NAMES, weights) if abs(w) > 1e-9) or "0"


def _looks_like(got, mistakes):
    for what, value in mistakes:
        if np.allclose(got, value, atol=1e-3, rtol=0):
            return f"; it looks like {what}"
    return ""


def check_stack_prediction(strengths, read):
    """strengths: your list of the 4 strengths after the last step of the
    program show_stack_program prints (bottom first: a, b, c, d); read: the
    read after that step as a dict of value names and weights, e.g.
    {"a": 0.3, "c": 0.6} (a name left out weighs 0). Predictions within
    0.001 pass; otherwise the check names the first strength or the read
    that is wrong, what it is, and the mistake it looks like."""
    name = "check_stack_prediction"
    if strengths is None or read is None:
        print(f"{name}: write your predictions (the 4 strengths and the read) in place of None")
        return False
    expected_s, expected_r = _after_program()
    problem, got_s = _as_numbers(strengths, None)
    if problem or got_s.shape != (len(NAMES),):
        print(f"{name}: expected the strengths as a list of {len(NAMES)} numbers, one per value pushed "
              f"({', '.join(NAMES)}; a popped value keeps its place with strength 0), got {strengths!r}")
        return False
    if not np.allclose(got_s, expected_s, atol=1e-3, rtol=0):
        wrong = int(np.argmax(np.abs(got_s - expected_s) > 1e-3))
        mistakes = [("the strengths written top first: write them bottom first (a, b, c, d)", expected_s[::-1])]
        for what, keywords in UPDATE_MISTAKES:
            s = np.zeros(0)
            for u, d, _ in PROGRAM:
                s = _update(s, u, d, **keywords)
            mistakes.append((what, s))
        print(f"{name}: the strength of {NAMES[wrong]}: you wrote {got_s[wrong]:g}, it is {expected_s[wrong]:g}"
              f"{_looks_like(got_s, mistakes)}")
        return False
    if not isinstance(read, dict) or not all(isinstance(k, str) for k in read):
        print(f"{name}: expected the read as a dict of value names and weights, e.g. {{'a': 0.3, 'c': 0.6}}, "
              f"got {read!r}")
        return False
    unknown = sorted(set(read) - set(NAMES))
    problem, weights = _as_numbers([read.get(k, 0.0) for k in NAMES], None)
    if unknown or problem:
        print(f"{name}: the read's names are {', '.join(NAMES)} and its weights numbers, got {read!r}")
        return False
    if not np.allclose(weights, expected_r, atol=1e-3, rtol=0):
        extra = _looks_like(weights, _read_mistakes(expected_s, np.eye(len(NAMES)), queue=False))
        if not extra and weights.sum() > 1 + 1e-3:
            extra = "; a read's weights add up to at most 1 (its budget)"
        print(f"{name}: the read: you wrote {_mix(weights)}, it is {_mix(expected_r)}{extra}")
        return False
    print(f"{name}: passed (strengths {[round(float(x), 6) for x in expected_s]}, read {_mix(expected_r)})")
    return True
