"""Lesson 11's ACT pictures and widget, with a small random ACT classifier on
parity (a negative halting bias, so that it ponders several steps): the
trace holds ACT.step's own halting values and weights, the staircase draws
them, the count view draws the numbers ponder_by_count gives, and the
widget shows what parity_figure draws after every change."""

import numpy as np
import pytest

from rmc_lib.cores.act import ACT, ACTClassifier
from rmc_lib.cores.lstm import LSTM
from rmc_lib.tasks.transduction import Parity
from rmc_lib.views import act_views as av

from .pixels import assert_shows_full_drawing, drawn_in_full
from .test_task_views import fits


def small_model(seed=0, halting_bias=-2.0, max_steps=12):
    rng = np.random.default_rng(seed)
    act = ACT(LSTM(8, input_size=17, rng=rng), 2, rng=rng, halting_bias=halting_bias, max_steps=max_steps)
    return ACTClassifier(act)


@pytest.fixture(scope="module")
def model():
    return small_model()


@pytest.fixture(scope="module")
def data():
    return Parity(16).test_set(200, seed=3)


def test_trace_holds_act_steps_own_values(model, data):
    x = data[0][:6]
    trace = av.ponder_trace(model, x)
    y, _, (N, R), (steps, _) = model.act.step(x[:, 0], model.act.initial_state(6))
    np.testing.assert_array_equal(trace["N"][:, 0], N)
    np.testing.assert_allclose(trace["R"][:, 0], R)
    np.testing.assert_allclose(trace["outputs"][:, 0], y)
    assert trace["halting"].shape == (6, 1, int(N.max())) and N.min() >= 2        # it ponders
    for b in range(6):
        n = int(N[b])
        halting = [step[3][b] for step in steps[:n]]
        weights = [step[5][b] for step in steps[:n]]
        np.testing.assert_allclose(trace["halting"][b, 0, :n], halting)
        np.testing.assert_allclose(trace["weights"][b, 0, :n], weights)
        assert np.all(trace["weights"][b, 0, n:] == 0) and np.all(trace["halting"][b, 0, n:] == 0)
        np.testing.assert_allclose(trace["cumulative"][b, 0, :n], np.cumsum(weights))
        assert trace["cumulative"][b, 0, n - 1] == pytest.approx(1.0)
        # the weights are the halting probabilities, then the remainder (Sonnet reports R = 0 for N = 1)
        np.testing.assert_allclose(weights[:-1], halting[:-1])
        assert weights[-1] == pytest.approx(R[b] if n > 1 else 1.0)
    probabilities = np.exp(y) / np.exp(y).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(trace["probabilities"], probabilities, rtol=1e-6)
    np.testing.assert_array_equal(trace["predictions"], y.argmax(axis=1))


def test_trace_of_several_time_steps(model, rng):
    x = rng.choice([-1.0, 0.0, 1.0], size=(3, 4, 16))
    trace = av.ponder_trace(model.act, x)                     # the core alone: no probabilities
    _, _, (N, R), _ = model.act.forward(x)
    np.testing.assert_array_equal(trace["N"], N)
    np.testing.assert_allclose(trace["R"], R)
    assert trace["weights"].shape == (3, 4, int(N.max())) and "probabilities" not in trace
    np.testing.assert_allclose(trace["weights"].sum(axis=2), 1.0)
    with pytest.raises(ValueError, match="model must be an ACT or an ACTClassifier"):
        av.ponder_trace(LSTM(3, input_size=16, rng=rng), x)


def test_staircase_draws_the_weights_it_was_given(model, data):
    trace = av.ponder_trace(model, data[0][:4])
    n = int(trace["N"][2, 0])
    ax = av.ponder_view(trace, example=2, label=data[1][2])
    steps, last, unused = ax.containers
    weights, cumulative = trace["weights"][2, 0, :n], trace["cumulative"][2, 0, :n]
    np.testing.assert_allclose([bar.get_height() for bar in steps] + [last[0].get_height()], weights)
    np.testing.assert_allclose([bar.get_y() for bar in steps] + [last[0].get_y()], np.r_[0, cumulative[:-1]])
    assert last[0].get_x() + last[0].get_width() / 2 == n                 # the remainder is the last step
    overshoot = cumulative[-2] + trace["halting"][2, 0, n - 1] - 1
    assert unused[0].get_y() == 1 and unused[0].get_height() == pytest.approx(max(overshoot, 0))
    assert sorted(t.get_text() for t in ax.texts) == sorted(f"{w:.2f}" for w in weights)
    assert ax.lines[0].get_ydata()[0] == trace["threshold"]
    title = ax.get_title()
    assert title.startswith(f"N = {n} ponder steps, R = {trace['R'][2, 0]:.2f}")
    said = trace["predictions"][2]
    assert f"answers {said} (p = {trace['probabilities'][2, said]:.2f})" in title
    assert title.endswith("right" if said == data[1][2] else f"(the answer is {data[1][2]})")
    assert ax.get_xlim() == (0.4, 12.6)                       # room for max_steps, whatever N is
    assert fits(ax.figure) == []
    with pytest.raises(ValueError, match="example must be an integer"):
        av.ponder_view(trace, example=4)
    with pytest.raises(ValueError, match="label must be an integer in \\[0, 2\\), got 'odd'"):
        av.ponder_view(trace, example=0, label="odd")


def test_staircase_of_one_step_says_that_R_is_sonnets_0(data):
    model = small_model(max_steps=1)                          # every example halts at its first step
    trace = av.ponder_trace(model, data[0][:2])
    assert np.all(trace["N"] == 1) and np.all(trace["R"] == 0)
    ax = av.ponder_view(trace, example=0)
    steps, last, unused = ax.containers
    assert len(steps) == 0 and last[0].get_height() == 1.0 and unused[0].get_height() == 0.0
    assert ax.get_title().startswith("N = 1 ponder step, R = 0 (Sonnet's at N = 1; ponder cost 1.00)")
    assert fits(ax.figure) == []
    assert "it pondered N = 1 step, R = 0.00" in av.describe_parity(model, "+" * 16)


def test_count_view_draws_ponder_by_count(model, data):
    x, labels = data
    numbers = av.ponder_by_count(model, x, labels)
    nonzero = np.count_nonzero(x, axis=(1, 2))
    trace = av.ponder_trace(model, x)
    c = numbers["count"][3]
    assert numbers["mean_steps"][3] == pytest.approx(trace["N"][nonzero == c, 0].mean())
    assert numbers["accuracy"][3] == pytest.approx(np.mean(trace["predictions"][nonzero == c] == labels[nonzero == c]))
    assert numbers["examples"].sum() == len(labels)
    other = small_model(seed=1, halting_bias=-1.0)
    steps_ax, accuracy_ax = av.ponder_by_count_view({"bias -2": model, "bias -1": other}, x, labels)
    assert [t.get_text() for t in steps_ax.get_legend().get_texts()] == ["bias -2", "bias -1"]
    np.testing.assert_allclose(steps_ax.containers[0].lines[0].get_ydata(), numbers["mean_steps"])
    np.testing.assert_allclose(accuracy_ax.lines[0].get_ydata(), numbers["accuracy"])
    np.testing.assert_allclose(accuracy_ax.lines[0].get_xdata(), numbers["count"])
    np.testing.assert_allclose(accuracy_ax.lines[1].get_ydata(), av.ponder_by_count(other, x, labels)["accuracy"])
    assert fits(steps_ax.figure) == []
    with pytest.raises(ValueError, match=r"labels must have shape \[B=200\] \(one per example of x\), got \[5\]"):
        av.ponder_by_count(model, x, labels[:5])
    with pytest.raises(ValueError, match="model must be an ACTClassifier, got ACT"):
        av.ponder_by_count(model.act, x, labels)
    with pytest.raises(ValueError, match="axes must hold 2 axes"):
        av.ponder_by_count_view(model, x, labels, axes=[steps_ax])


def test_parse_bits_takes_numbers_or_signs_and_refuses_the_rest():
    np.testing.assert_array_equal(av.parse_bits("+-0+ 0000 0000 000-"), [1, -1, 0, 1] + [0] * 11 + [-1])
    np.testing.assert_array_equal(av.parse_bits([1, 0, -1] + [0] * 13), [1, 0, -1] + [0] * 13)
    np.testing.assert_array_equal(av.parse_bits("\u22120" + "+" * 14), [-1, 0] + [1] * 14)   # the minus shown
    for bad, message in (([2] + [0] * 15, "must be 0, 1 or -1, got 2"), ("+-x", "only '\\+', '-' and '0'"),
                         ([1, 0], "must hold 16 entries, got 2"), (5, "must be 16 numbers"),
                         (["a"] * 16, "must be 16 numbers")):
        with pytest.raises(ValueError, match=message):
            av.parse_bits(bad)


def test_parity_figure_shows_the_input_and_its_parity(model):
    bits = "++-0 +000 0000 0000"
    strip, ponder = av.parity_figure(model, bits)
    np.testing.assert_array_equal(strip.images[0].get_array()[0], av.parse_bits(bits))
    assert [t.get_text() for t in strip.texts[:4]] == ["+1", "+1", "\u22121", "0"]
    assert "3 entries +1, 1 entry \u22121, 12 entries 0; parity 1" in strip.get_title()
    assert ponder.get_title().startswith("N = ")
    assert fits(strip.figure) == []
    line = av.describe_parity(model, bits)
    trace = av.ponder_trace(model, av.parse_bits(bits)[None, None])
    assert line.startswith("3 entries +1: parity 1") and f"N = {trace['N'][0, 0]} steps" in line
    with pytest.raises(ValueError, match="model must be an ACTClassifier, got ACT"):
        av.describe_parity(model.act, bits)                   # an ACT alone gives no answer to describe


def test_widget_shows_the_static_figure_after_a_click(model):
    explorer = av.ParityExplorer(model, bits="+000 0000 0000 0000")
    assert "rmc-parity-explorer" in explorer._dom_classes and len(explorer.buttons) == 16
    assert [b.description for b in explorer.buttons[:2]] == ["+1", "0"]
    explorer.buttons[0].click()                               # +1 -> -1
    assert list(explorer.bits[:2]) == [-1, 0]
    assert [b.description for b in explorer.buttons[:2]] == ["\u22121", "0"]
    assert explorer.buttons[0].button_style == "danger" and explorer.buttons[1].button_style == ""
    assert_shows_full_drawing(explorer, drawn_in_full(explorer.figsize,
                                                      lambda f: av.parity_figure(model, explorer.bits, fig=f)))
    assert explorer.summary == av.describe_parity(model, explorer.bits) == explorer.summary_label.value


def test_widget_reports_bad_bits_and_keeps_its_picture(model):
    explorer = av.ParityExplorer(model)
    assert not explorer.bits.any() and explorer.buttons[0].description == "0"
    explorer.set_bits("-+++ ++++ ++++ ++++")
    before, summary = explorer.view.image.value, explorer.summary
    assert explorer.buttons[1].button_style == "success"
    explorer.set_bits("++<")
    assert "cannot set '++<'" in explorer.message and "&lt;" in explorer.message_label.value
    explorer.set_bits([1] * 15)
    assert "16 entries, got 15" in explorer.message
    assert explorer.view.image.value == before and explorer.summary == summary and explorer.bits[1:].all()
    explorer.buttons[0].click()                               # -1 -> 0, and the message goes
    assert explorer.bits[0] == 0 and explorer.buttons[0].description == "0"
    assert explorer.message == "" and explorer.message_label.value == ""
    assert fits(explorer.figure, dpi=90, widget=True) == []
    with pytest.raises(ValueError, match="must be an ACTClassifier"):
        av.ParityExplorer(model.act)
