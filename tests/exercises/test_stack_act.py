"""The self-checks of 11 (stack, queue and ACT) pass correct answers and catch typical mistakes;
halting_weights decides as ACT.step does."""

import numpy as np
import pytest

from rmc_lib.cores.act import ACT
from rmc_lib.cores.sonnet_lstm import SonnetLSTM
from rmc_lib.exercises import stack_act as exercises
from rmc_lib.nn.neural_stack import stack_step_forward
from rmc_lib.views.transduction_views import program_trace

from .messages import fails_naming, one_line, reports_an_error, reports_the_stub


# ----------------------------------------------------------------------------
# check_stack_update
# ----------------------------------------------------------------------------

def library_update(strengths, pop, push):
    t = len(strengths)
    _, new, _, _ = stack_step_forward(np.zeros((1, t, 2)), np.reshape(strengths, (1, t)), np.array([push]),
                                      np.array([pop]), np.ones((1, 2)))
    return new[0]


def update(strengths, pop, push, *, bottom_first=False, inner=True, outer=True, push_first=False, whole=False):
    """The pop element by element in the order they come off, then the push;
    the keywords reproduce typical mistakes."""
    s = list(strengths) + ([push] if push_first else [])
    order = range(len(s)) if bottom_first else reversed(range(len(s)))
    taken = 0.0                                   # the strength of the elements that came off before
    for i in list(order):
        left = pop - taken
        left = max(0.0, left) if inner else left
        taken += s[i]
        if whole:
            s[i] = 0.0 if left > 0 else s[i]
        else:
            s[i] = max(0.0, s[i] - left) if outer else s[i] - left
    return np.array(s if push_first else s + [push])


def test_stack_update_check_passes_rmc_lib_and_a_plain_loop(capsys):
    assert exercises.check_stack_update(library_update)
    assert one_line(capsys) == "check_stack_update: passed (7 cases)\n"
    assert exercises.check_stack_update(update), capsys.readouterr()
    assert exercises.check_stack_update(lambda s, u, d: list(update(s, u, d))), capsys.readouterr()


@pytest.mark.parametrize("keywords, case, words", [
    (dict(bottom_first=True), "a pop spanning several values", "popping from the bottom (the queue's order)"),
    (dict(outer=False), "a pop spanning several values", "no max(0, .)"),
    (dict(inner=False), "pop 0 (nothing comes off)", "no max(0, .)"),
    (dict(inner=False, outer=False), "pop 0 (nothing comes off)", "no max(0, .)"),
    (dict(push_first=True), "an empty stack (t = 0)", "pushing before popping"),
    (dict(whole=True), "a pop spanning several values", "whole values removed"),
])
def test_stack_update_mistakes_are_named(capsys, keywords, case, words):
    fails_naming(capsys, exercises.check_stack_update, lambda s, u, d: update(s, u, d, **keywords), case, words)


def test_a_stack_update_without_the_push_is_reported_by_its_shape(capsys):
    out = fails_naming(capsys, exercises.check_stack_update, lambda s, u, d: update(s, u, d)[:-1],
                       "an empty stack", "expected shape (1,), got (0,)")
    assert "looks like" not in out


# ----------------------------------------------------------------------------
# check_stack_read and check_queue_read
# ----------------------------------------------------------------------------

def library_read(strengths, values, queue=False):
    s, v = np.asarray(strengths), np.asarray(values)
    _, _, r, _ = stack_step_forward(v[None, :-1], s[None, :-1], s[-1:], np.zeros(1), v[None, -1], queue=queue)
    return r[0]


def read(strengths, values, *, queue=False, budget=True, clamp=True):
    """The read element by element in the order they come off; the keywords
    reproduce typical mistakes."""
    r, taken = np.zeros(values.shape[1]), 0.0
    for i in (range(len(strengths)) if queue else reversed(range(len(strengths)))):
        room = max(0.0, 1.0 - taken) if clamp else 1.0 - taken
        r += (min(strengths[i], room) if budget else strengths[i]) * values[i]
        taken += strengths[i]
    return r


def test_read_checks_pass_rmc_lib_and_a_plain_loop(capsys):
    assert exercises.check_stack_read(library_read)
    assert one_line(capsys) == "check_stack_read: passed (6 cases)\n"
    assert exercises.check_stack_read(read), capsys.readouterr()
    capsys.readouterr()
    assert exercises.check_queue_read(lambda s, v: library_read(s, v, queue=True))
    assert one_line(capsys) == "check_queue_read: passed (6 cases)\n"
    assert exercises.check_queue_read(lambda s, v: read(s, v, queue=True)), capsys.readouterr()


@pytest.mark.parametrize("fn, case, words", [
    (lambda s, v: read(s, v, queue=True), "strengths 0.5, 0.4, 0.3", "reading from the bottom (the queue's order)"),
    (lambda s, v: read(s, v, budget=False), "strengths 0.5, 0.4, 0.3", "the plain weighted sum"),
    (lambda s, v: s @ v, "strengths 0.5, 0.4, 0.3", "the plain weighted sum"),
    (lambda s, v: v[-1], "two values whose strengths add up to less than 1", "the top value only"),
    (lambda s, v: s[-1] * v[-1], "two values whose strengths add up to less than 1", "the top value only"),
    (lambda s, v: read(s, v, clamp=False), "a value deeper than the budget", "no max(0, .) around the budget"),
])
def test_stack_read_mistakes_are_named(capsys, fn, case, words):
    fails_naming(capsys, exercises.check_stack_read, fn, case, words)


@pytest.mark.parametrize("fn, case, words", [
    (read, "strengths 0.5, 0.4, 0.3", "reading from the top (the stack's order)"),
    (lambda s, v: read(s, v, queue=True, budget=False), "strengths 0.5, 0.4, 0.3", "the plain weighted sum"),
    (lambda s, v: v[0], "two values whose strengths add up to less than 1", "the bottom value only"),
    (lambda s, v: read(s, v, queue=True, clamp=False), "a value deeper than the budget", "no max(0, .)"),
])
def test_queue_read_mistakes_are_named(capsys, fn, case, words):
    fails_naming(capsys, exercises.check_queue_read, fn, case, words)


# ----------------------------------------------------------------------------
# halting_weights against ACT.step, and check_halting
# ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed, threshold, max_steps, halting_bias", [
    (0, 0.9, 0, -1.0),       # 2 to 4 steps
    (1, 0.5, 0, 0.0),        # some halt at their first step, some at the second
    (5, 0.5, 0, 8.0),        # every example halts at its first step
    (6, 0.99, 0, -2.0),      # long ponders, 4 to 15 steps
    (2, 0.99, 3, -1.0),      # max_steps stops them all
    (3, 0.99, 2, -8.0),      # max_steps with halting values near 0
    (4, 0.9, 1, 0.0),        # max_steps = 1
    (7, 0.7, 4, -1.5),       # the threshold stops some, max_steps the others
])
def test_halting_weights_decide_as_act_step(seed, threshold, max_steps, halting_bias):
    rng = np.random.default_rng(seed)
    core = SonnetLSTM(5, input_size=3 + 1, rng=rng)
    act = ACT(core, 2, rng=rng, threshold=threshold, max_steps=max_steps, halting_bias=halting_bias)
    act.params["halting.W"] *= 3.0            # examples that ponder for different numbers of steps
    B = 8
    _, _, (N, R), (steps, _) = act.step(rng.normal(size=(B, 3)), act.initial_state(B))
    halting = np.stack([step[3] for step in steps], axis=1)     # h^n of every step the batch ran, [B, n]
    weights = np.stack([step[5] for step in steps], axis=1)     # p^n, 0 after an example halted
    for b in range(B):
        n, r, p = exercises.halting_weights(halting[b], threshold, max_steps)
        assert n == N[b]
        np.testing.assert_allclose(p, weights[b, :n], rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(weights[b, n:], 0.0)
        assert R[b] == (r if n > 1 else 0.0)  # Sonnet reports 0 at N = 1, the paper (and halting_weights) 1
        assert n > 1 or r == 1.0
        assert max_steps == 0 or n <= max_steps


@pytest.mark.parametrize("args, words", [
    (([0.5, 1.2], 0.9), "halting must be a 1-D array of values in"),
    (([[0.5]], 0.9), "halting must be a 1-D array"),
    (([0.5, np.nan], 0.9), "halting must be a 1-D array of values in"),
    (([0.5], 0.0), "threshold must be in"),
    (([0.5], 0.9, -1), "max_steps must be an integer"),
    (([0.5], 0.9, 1.5), "max_steps must be an integer"),
    (([0.2, 0.3], 0.9), "the 2 values add up to 0.5 without passing the threshold"),
])
def test_halting_weights_refuse_bad_arguments(args, words):
    with pytest.raises(ValueError, match=words):
        exercises.halting_weights(*args)


def halting(h, threshold, max_steps, *, strict=True, remainder="paper", last="R", limit=True, late=0):
    """A learner's loop; the keywords reproduce typical mistakes."""
    C, n = 0.0, 0
    while True:
        n += 1
        over = C + h[n - 1] > threshold if strict else C + h[n - 1] >= threshold
        if over or (limit and n == max_steps + late and max_steps > 0):
            break
        C += h[n - 1]
    R = {"paper": 1 - C, "after": 1 - C - h[n - 1], "sonnet": 0.0 if n == 1 else 1 - C}[remainder]
    return n, R, np.append(h[:n - 1], R if last == "R" else h[n - 1])


def test_halting_check_passes_halting_weights_and_a_loop(capsys):
    assert exercises.check_halting(exercises.halting_weights)
    assert one_line(capsys) == "check_halting: passed (6 cases)\n"
    assert exercises.check_halting(halting), capsys.readouterr()
    assert exercises.check_halting(lambda *a: list(halting(*a))), capsys.readouterr()


@pytest.mark.parametrize("keywords, case, words", [
    (dict(strict=False), "C^2 + h^3 equal to the threshold", ">= threshold: Sonnet's test (and this exercise's) is strict"),
    (dict(remainder="after"), "halting at step 3 of the 6", "R = 1 - C^N, after the last step"),
    (dict(last="h"), "halting at step 3 of the 6", "p^N = h^N"),
    (dict(limit=False), "max_steps = 3 stopping it first", "max_steps ignored"),
    (dict(late=1), "max_steps = 3 stopping it first", "max_steps one step late"),
    (dict(remainder="sonnet"), "halting at its first step", "R = 0 at N = 1, as Sonnet's ACTCore reports it"),
])
def test_halting_mistakes_are_named(capsys, keywords, case, words):
    out = fails_naming(capsys, exercises.check_halting, lambda *a: halting(*a, **keywords), case, words)
    if keywords.get("remainder") == "sonnet":
        assert "the paper's R = 1 - C^0 = 1 there" in out, out


def test_n_counted_from_0_is_named(capsys):
    def from_zero(*args):
        n, r, p = halting(*args)
        return n - 1, r, p
    fails_naming(capsys, exercises.check_halting, from_zero, "halting at step 3", "N counted from 0")


def test_weights_for_every_value_given_are_reported_by_their_shape(capsys):
    def no_stop(h, threshold, max_steps):
        n, r, _ = halting(h, threshold, max_steps)
        return n, r, h
    out = fails_naming(capsys, exercises.check_halting, no_stop, "halting at step 3 of the 6 values given",
                       "(item 2 of the result): expected shape (3,), got (6,)")
    assert "looks like" not in out


# ----------------------------------------------------------------------------
# every function check: stubs, errors, answers that are not numbers
# ----------------------------------------------------------------------------

CHECKS = [exercises.check_stack_update, exercises.check_stack_read, exercises.check_queue_read,
          exercises.check_halting]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_a_stub_that_raises_is_reported(capsys, check):
    reports_the_stub(capsys, check)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_a_function_that_raises_is_reported(capsys, check):
    def indexes_too_far(*args):
        return [][len(args)]
    reports_an_error(capsys, check, indexes_too_far)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("answer, words", [
    (None, "is None (is a return statement missing?)"),
    ("0.5", "expected numbers for your result, got str"),
    ([[0.5, 0.2], [0.1]], "expected numbers for your result, got list"),
])
def test_an_answer_that_is_not_numbers_is_reported(capsys, check, answer, words):
    assert not check(lambda *args: answer)
    out = one_line(capsys)
    assert "failed on" in out, out
    if check is exercises.check_halting:
        assert f"expected a tuple of 3 results (N, R, weights p), got {type(answer).__name__}" in out, out
    else:
        assert words in out, out


@pytest.mark.parametrize("answer, words", [
    ((3, None, [0.3, 0.4, 0.3]), "R is None"),
    ((3, 0.3, "abc"), "expected numbers for weights p, got str"),
    ((3, 0.3), "expected a tuple of 3 results (N, R, weights p), got tuple"),
])
def test_a_wrong_halting_tuple_is_reported(capsys, answer, words):
    fails_naming(capsys, exercises.check_halting, lambda *args: answer, "halting at step 3", words)


def test_a_wrong_shape_is_reported(capsys):
    fails_naming(capsys, exercises.check_stack_read, lambda s, v: v, "one value of strength 1",
                 "expected shape (3,), got (1, 3)")


# ----------------------------------------------------------------------------
# show_stack_program and check_stack_prediction
# ----------------------------------------------------------------------------

def test_show_stack_program_prints_the_program(capsys):
    exercises.show_stack_program()
    out = capsys.readouterr().out
    for line in ("step 1: pop 0, push a with strength 0.8", "step 3: pop 0.7, push c with strength 0.6",
                 "step 4: pop 0.4, push d with strength 0.3"):
        assert line in out, out


def test_the_right_prediction_passes(capsys):
    assert exercises.check_stack_prediction([0.6, 0, 0.2, 0.3], {"a": 0.5, "c": 0.2, "d": 0.3})
    assert one_line(capsys) == ("check_stack_prediction: passed (strengths [0.6, 0.0, 0.2, 0.3], "
                                "read 0.5 a + 0.2 c + 0.3 d)\n")
    assert exercises.check_stack_prediction(np.array([0.6, 0.0, 0.2, 0.3]), {"a": 0.5, "b": 0, "c": 0.2, "d": 0.3})
    capsys.readouterr()


def test_the_program_is_one_program_trace_runs():
    trace = program_trace(exercises.PROGRAM)                 # the same (pop, push, value) order
    assert trace["alphabet"] == exercises.NAMES
    np.testing.assert_allclose(trace["strengths"][0, -1], [0.6, 0, 0.2, 0.3], atol=1e-12)
    np.testing.assert_allclose(trace["read"][-1], [0.5, 0, 0.2, 0.3], atol=1e-12)


def test_the_prediction_matches_stack_step_forward():
    values, strengths = np.zeros((1, 0, 4)), np.zeros((1, 0))
    for step, (u, d, _) in enumerate(exercises.PROGRAM):
        values, strengths, r, _ = stack_step_forward(values, strengths, np.array([d]), np.array([u]),
                                                     np.eye(4)[None, step])
    np.testing.assert_allclose(strengths[0], [0.6, 0, 0.2, 0.3], atol=1e-12)
    np.testing.assert_allclose(r[0], [0.5, 0, 0.2, 0.3], atol=1e-12)


@pytest.mark.parametrize("strengths, words", [
    ([0.3, 0.2, 0, 0.6], "the strengths written top first"),
    ([0, 0.2, 0.6, 0.3], "popping from the bottom"),
    ([0.6, -0.2, 0.2, 0.3], "no max(0, .)"),
    ([0.8, 0.3, 0, 0], "pushing before popping"),
    ([0, 0, 0, 0.3], "whole values removed"),
])
def test_strength_mistakes_are_named(capsys, strengths, words):
    assert not exercises.check_stack_prediction(strengths, {"a": 0.5, "c": 0.2, "d": 0.3})
    out = one_line(capsys)
    assert "the strength of" in out and "it looks like" in out and words in out, out


def test_a_wrong_strength_is_named_with_its_value(capsys):
    assert not exercises.check_stack_prediction([0.6, 0.1, 0.2, 0.3], {})
    assert one_line(capsys) == "check_stack_prediction: the strength of b: you wrote 0.1, it is 0\n"


@pytest.mark.parametrize("read, words", [
    ({"a": 0.6, "c": 0.2, "d": 0.3}, "the plain weighted sum"),
    ({"d": 1}, "the top value only"),
    ({"d": 0.3}, "the top value only"),
    ({"a": 0.6, "c": 0.2, "d": 0.2}, "reading from the bottom"),
    ({"a": 0.7, "c": 0.2, "d": 0.3}, "a read's weights add up to at most 1"),
])
def test_read_mistakes_are_named(capsys, read, words):
    assert not exercises.check_stack_prediction([0.6, 0, 0.2, 0.3], read)
    out = one_line(capsys)
    assert "it is 0.5 a + 0.2 c + 0.3 d" in out and words in out, out


@pytest.mark.parametrize("strengths, read, words", [
    (None, {}, "in place of None"), ([0.6, 0, 0.2, 0.3], None, "in place of None"),
    ([0.6, 0.2, 0.3], {}, "expected the strengths as a list of 4 numbers"),
    ("0.6 0 0.2 0.3", {}, "expected the strengths as a list of 4 numbers"),
    ([0.6, 0, 0.2, 0.3], [0.5, 0, 0.2, 0.3], "expected the read as a dict"),
    ([0.6, 0, 0.2, 0.3], {"e": 0.5}, "the read's names are a, b, c, d"),
    ([0.6, 0, 0.2, 0.3], {"a": "half"}, "its weights numbers"),
])
def test_a_prediction_of_the_wrong_form_is_reported(capsys, strengths, read, words):
    assert not exercises.check_stack_prediction(strengths, read)
    assert words in one_line(capsys)
