"""stack_trace reads a StackLSTM's cache faithfully; stack_view draws it within
the output area, its labels readable; a typed string is encoded as the task
encodes its own, drawn with the model's answer, and the explorer shows what
stack_figure draws (a bad string reported, not raised)."""

import numpy as np
import pytest

from rmc_lib.cores.lstm import LSTM
from rmc_lib.cores.stack_rnn import StackLSTM
from rmc_lib.cores.symbol_readout import SymbolTagger
from rmc_lib.nn.neural_stack import stack_step_forward
from rmc_lib.tasks.transduction import Transduction
from rmc_lib.train.runs import load_trained
from rmc_lib.views import stack_views as sv
from rmc_lib.views.common import layout_problems
from rmc_lib.views.stack_views import stack_trace, stack_view

from .pixels import assert_shows_full_drawing, drawn_in_full
from .test_task_views import fits


@pytest.fixture
def run(rng):
    task = Transduction("reversal", num_symbols=4, min_length=5, max_length=5)
    x, _ = task.sample(2, rng)
    core = StackLSTM(6, input_size=task.input_size, value_size=3, rng=rng)
    return core, x


def test_trace_replays_the_stack(run):
    core, x = run
    trace = stack_trace(core, x)
    T = x.shape[1]
    assert trace["strengths"].shape == (2, T, T) and trace["push"].shape == (2, T)
    V, s = np.zeros((2, 0, 3)), np.zeros((2, 0))
    for t in range(T):                       # replaying the recorded pushes and pops gives the same strengths
        V, s, _, _ = stack_step_forward(V, s, trace["push"][:, t], trace["pop"][:, t], np.zeros((2, 3)))
        np.testing.assert_allclose(trace["strengths"][:, t, :t + 1], s)
        assert np.all(trace["strengths"][:, t, t + 1:] == 0)
    np.testing.assert_allclose(trace["reads"].sum(-1), np.minimum(1, trace["strengths"].sum(-1)), atol=1e-12)


def test_view_fits_and_labels_the_steps(run):
    core, x = run
    trace = stack_trace(core, x)
    symbols = list("abcde") + ["|"] + ["."] * 5
    top, bottom = stack_view(trace, example=1, symbols=symbols, answer=list("edcba"))
    assert [t.get_text() for t in bottom.get_xticklabels()] == symbols
    assert "stack holds" in bottom.get_title() and top.get_title().startswith("answered:")
    fig = bottom.figure
    assert fig.get_size_inches()[0] <= 9.4 and layout_problems(fig) == []
    with pytest.raises(ValueError, match="core must be a StackLSTM"):
        stack_trace(LSTM(3, input_size=5, rng=np.random.default_rng(0)), x)
    with pytest.raises(ValueError, match="x must hold at least one step, got shape \\[2, 0, 5\\]"):
        stack_trace(core, x[:, :0])
    with pytest.raises(ValueError, match="symbols must hold one label per step \\(11\\), got 5"):
        stack_view(trace, symbols=list("abcde"))


def test_a_queue_is_drawn_as_a_queue(rng):
    task = Transduction("copy", num_symbols=4, min_length=3, max_length=3)
    x, _ = task.sample(1, rng)
    core = StackLSTM(6, input_size=task.input_size, value_size=3, rng=rng, queue=True)
    trace = stack_trace(core, x)
    assert trace["queue"]
    V, s = np.zeros((1, 0, 3)), np.zeros((1, 0))
    for t in range(x.shape[1]):               # the strengths are the queue's, not a stack's
        V, s, _, _ = stack_step_forward(V, s, trace["push"][:, t], trace["pop"][:, t], np.zeros((1, 3)), queue=True)
        np.testing.assert_allclose(trace["strengths"][:, t, :t + 1], s)
    top, bottom = stack_view(trace)
    assert bottom.get_title().startswith("what the queue holds")
    assert fits(bottom.figure) == []


# ---- a typed string, its picture and the explorer ----

TRAINED = "data/stack_tasks/reversal/stack-lstm-seed0/checkpoint.npz"


@pytest.fixture(scope="module")
def small():
    """A random stack LSTM with a symbol readout, on reversal of 4 symbols (a-d)."""
    rng = np.random.default_rng(1)
    task = Transduction("reversal", num_symbols=4, min_length=2, max_length=8)
    core = StackLSTM(6, input_size=task.input_size, value_size=3, rng=rng)
    return SymbolTagger(core, task.num_symbols, rng=rng), task


def test_typed_strings_use_letters_and_bad_ones_are_refused(small):
    _, task = small
    assert sv.alphabet(task) == "abcd" and sv.parse_text(task, " ab ca d") == [0, 1, 2, 0, 3]
    for text, message in (("abe", "'e' is not one of the task's 4 symbols \\(a-d\\)"), ("aB", "'B' is not one"),
                          ("  ", "at least one symbol"), ("a" * 33, "at most 32 symbols, got 33")):
        with pytest.raises(ValueError, match=message):
            sv.parse_text(task, text)
    assert sv.alphabet(Transduction("copy", num_symbols=30)).endswith("zABCD")
    with pytest.raises(ValueError, match="'b' is not one of the task's 1 symbols \\(a\\)"):
        sv.parse_text(Transduction("copy", num_symbols=1), "ab")
    with pytest.raises(ValueError, match="model must be a SymbolTagger"):
        sv.run_text(small[0].core, task, "ab")               # the core alone has no symbol readout


def test_run_text_encodes_as_the_task_does_and_the_trained_model_reverses():
    model, task, _ = load_trained(TRAINED)
    x, right, answer = sv.run_text(model, task, "abc defgh hh")
    expected, targets = task.encode([[0, 1, 2, 3, 4, 5, 6, 7, 7, 7]])
    np.testing.assert_array_equal(x, expected)
    assert right == "hhhgfedcba" == "".join("abcdefgh"[i] for i in targets.targets[0, 11:])
    assert answer == right                                  # the shipped stack LSTM reverses it
    line = sv.describe_text(task, sv.Typed(x, right, answer))
    assert line == "reversal of 'abcdefghhh' (10 symbols): the model answers 'hhhgfedcba': right"
    line = sv.describe_text(task, sv.Typed(x, right, "hhhgfedcab"))
    assert line.endswith("'hhhgfedcab': 2 of 10 symbols wrong (the reversal is 'hhhgfedcba')")


def test_stack_figure_labels_the_string_and_marks_wrong_symbols(small):
    model, task = small
    typed = sv.run_text(model, task, "abcd")
    top, bottom = sv.stack_figure(model, task, "abcd")
    labels = bottom.get_xticklabels()
    assert [t.get_text() for t in labels] == list("abcd") + ["|"] + list(typed.answer)
    for label, said, right in zip(labels[5:], typed.answer, typed.right):
        assert (label.get_color() == sv.WRONG_COLOUR) == (said != right)
    assert any(said != right for said, right in zip(typed.answer, typed.right))      # a random model errs
    trace = sv.stack_trace(model.core, typed.x)
    np.testing.assert_allclose([bar.get_height() for bar in top.containers[0]], trace["push"][0])
    title = top.figure._suptitle.get_text()
    assert f"the right answer is '{typed.right}'" in title and f"answers '{typed.answer}'" in title
    assert tuple(top.figure.get_size_inches()) == sv.STACK_FIGSIZE
    assert fits(top.figure) == []


def test_widget_shows_the_static_figure_after_typing(small):
    model, task = small
    explorer = sv.StackExplorer(model, task, text="ab")
    assert "rmc-stack-explorer" in explorer._dom_classes and explorer.box.value == "ab"
    explorer.box.value = "dcb a"                            # as Enter sends it
    assert explorer.text == "dcb a" and explorer.message == ""
    assert_shows_full_drawing(explorer, drawn_in_full(explorer.figsize,
                                                      lambda f: sv.stack_figure(model, task, "dcb a", fig=f)))
    assert explorer.summary == sv.describe_text(task, sv.run_text(model, task, "dcba")) == explorer.summary_label.value
    assert fits(explorer.figure, dpi=90, widget=True) == []


def test_widget_reports_a_bad_string_and_keeps_its_picture(small):
    model, task = small
    explorer = sv.StackExplorer(model, task, text="abc")
    before, summary = explorer.view.image.value, explorer.summary
    explorer.box.value = "ab<e>"
    assert "cannot run 'ab<e>'" in explorer.message and "'&lt;' is not one" in explorer.message_label.value
    explorer.box.value = ""
    assert "at least one symbol" in explorer.message
    explorer.box.value = "a" * 40
    assert "at most 32" in explorer.message
    assert explorer.view.image.value == before and explorer.summary == summary and explorer.text == "abc"
    explorer.box.value = "abc"
    assert explorer.message == "" and explorer.text == "abc"
    explorer.run("ab<")                                     # a message, while the box still holds "abc"
    assert "cannot run 'ab<'" in explorer.message
    explorer.button.click()                                 # the button runs the box's text again
    assert explorer.message == "" and explorer.message_label.value == "" and explorer.text == "abc"
    with pytest.raises(ValueError, match="SymbolTagger around a StackLSTM"):
        sv.StackExplorer(SymbolTagger(LSTM(3, input_size=5, rng=np.random.default_rng(0)), 4,
                                      rng=np.random.default_rng(0)), task)
