"""Lesson 08's NTM copy explorer: words as bits, one copy run of the trained
NTM in data/ntm_copy, the titles computed from the weightings, the static
view and its in-place update, and the widget (its pixels against the static
view, its redraws, its messages for words it cannot copy); every picture fits
a ~960 px output area with readable, separate texts (layout_problems)."""

import re
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rmc_lib.cores.ntm import NTM
from rmc_lib.cores.sequence_readout import SequenceTagger, build_tagger
from rmc_lib.tasks import Copy, RepeatCopy
from rmc_lib.trace import HeadTrace, NTMTrace
from rmc_lib.train.runs import load_trained
from rmc_lib.views import ntm_explorer as ne

from .pixels import assert_shows_full_drawing, drawn_in_full, png_pixels
from .test_task_views import fits

CHECKPOINT = Path(__file__).resolve().parents[2] / "data" / "ntm_copy" / "ntm-seed0" / "best.npz"


@pytest.fixture(scope="module")
def trained():
    model, task, _ = load_trained(CHECKPOINT)
    return model, task


@pytest.fixture(scope="module")
def ntm_run(trained):
    model, task = trained
    return ne.copy_run(model, "NTM", task)


@pytest.fixture
def small(rng):
    """A small untrained NTM tagger in float64 (memory 16 x 6)."""
    return build_tagger("ntm", 9, 8, rng, dtype=np.float64, memory_size=16, word_size=6, hidden_size=12)


def location_named(title):
    return int(re.search(r"location (\d+)", title).group(1))


def test_text_to_bits_and_back():
    np.testing.assert_array_equal(ne.text_to_bits("A"), [[0, 1, 0, 0, 0, 0, 0, 1]])   # 65, high bit first
    printable = "".join(chr(code) for code in range(256) if chr(code).isprintable())
    assert ne.bits_to_text(ne.text_to_bits(printable)) == printable
    assert ne.bits_to_text(ne.text_to_bits("NTM")) == "NTM"
    assert ne.bits_to_text([[0.1, 0.9, 0.2, 0.3, 0.4, 0.45, 0.49, 0.51]]) == "A"         # rounded at 0.5
    assert ne.bits_to_text(ne.text_to_bits("a\nb\x7f")) == "a?b?"                       # unprintable bytes
    with pytest.raises(ValueError, match="at least one character"):
        ne.text_to_bits("")
    with pytest.raises(ValueError, match="'€' \\(code 8364\\)"):
        ne.text_to_bits("n€t")
    with pytest.raises(ValueError, match=r"\[L, 8\]"):
        ne.bits_to_text(np.zeros((2, 7)))


def test_the_trained_ntm_copies_ntm_without_a_wrong_bit(trained, ntm_run):
    model, _ = trained
    run = ntm_run
    assert (run.output_text, run.wrong_bits, run.length, run.num_steps) == ("NTM", 0, 3, 7)
    bits = ne.text_to_bits("NTM")
    np.testing.assert_array_equal(run.x[:3, :8], bits)
    np.testing.assert_array_equal(run.x[:, 8], [0, 0, 0, 1, 0, 0, 0])                  # the delimiter
    np.testing.assert_array_equal(run.mask, [0, 0, 0, 0, 1, 1, 1])
    np.testing.assert_array_equal(run.targets[4:], bits)
    np.testing.assert_allclose(run.probabilities, model.predict_proba(run.x[None])[0])
    assert run.trace.memory.shape == (8, 1, 128, 20) and run.trace.read.weights.shape == (8, 1, 1, 128)


def test_copy_run_with_a_readout_layer_in_float64(rng):
    core = NTM(16, 6, hidden_size=12, output_size=5, input_size=9, rng=rng, dtype=np.float64)
    model = SequenceTagger(core, 8, rng=rng)                                         # with a linear readout
    run = ne.copy_run(model, "Hi")
    np.testing.assert_allclose(run.probabilities, model.predict_proba(run.x[None])[0], rtol=1e-12)
    logits, _ = model.logits(run.x[None])
    assert run.wrong_bits == model.bit_errors(logits, (run.targets[None], run.mask[None]))[0]
    assert run.probabilities.dtype == np.float64


def test_copy_run_refuses_other_models_tasks_and_words(rng, small):
    lstm = build_tagger("lstm", 9, 8, rng, hidden_size=4)
    with pytest.raises(ValueError, match="NTM core, got SequenceTagger with a LSTM core"):
        ne.copy_run(lstm, "NTM")
    with pytest.raises(ValueError, match="SequenceTagger with an NTM core, got NTM"):
        ne.copy_run(small.core, "NTM")
    with pytest.raises(ValueError, match="Copy task of 8-bit vectors"):
        ne.copy_run(small, "NTM", RepeatCopy())
    with pytest.raises(ValueError, match="Copy task of 8-bit vectors"):
        ne.copy_run(small, "NTM", Copy(num_bits=6))
    with pytest.raises(ValueError, match="at most 16 characters"):
        ne.copy_run(small, "x" * 17)
    assert ne.copy_run(small, "x" * 16).length == 16            # as many as locations: allowed


def constructed_run():
    """A run of 'ab' (T = 5) over N = 8 locations with weightings set by hand."""
    T, N = 5, 8
    write, read = np.zeros((T + 1, 1, 1, N)), np.zeros((T + 1, 1, 1, N))
    write[0, 0, 0, 0] = read[0, 0, 0, 0] = 1.0
    write[1, 0, 0, 5] = 1.0                                      # step 0 writes at 5
    write[2, 0, 0, [6, 7]] = 0.9, 0.1                            # step 1 at 6
    write[3:, 0, 0, 3:] = [0.15, 0.15, 0.2, 0.2, 0.3]            # then spread out
    read[1:4, 0, 0, [1, 2]] = 0.8, 0.2                           # steps 0-2 read location 1
    read[4, 0, 0, [5, 4]] = 0.95, 0.05
    read[5, 0, 0, [6, 5]] = 0.7, 0.3
    heads = [HeadTrace(weights=w, content=None, gated=None, shifted=None, keys=None, strengths=None,
                       gate=None, gamma=None, shifts=None) for w in (write, read)]
    trace = NTMTrace(read=heads[1], write=heads[0], memory=np.zeros((T + 1, 1, N, 4)), reads=None, x=None)
    probabilities = np.full((T, 8), 0.2)
    probabilities[3] = ne.text_to_bits("a") * 0.6 + 0.2
    probabilities[4] = ne.text_to_bits("c") * 0.6 + 0.2              # wrong: 'c' for 'b'
    x, labels = Copy().encode(ne.text_to_bits("ab")[None], np.array([2]))
    return ne.CopyRun(x=x[0], targets=labels.targets[0], mask=labels.mask[0], probabilities=probabilities,
                      trace=trace, text="ab", output_text="ac", wrong_bits=2)


def test_titles_say_what_the_weightings_show():
    run = constructed_run()
    assert ne.write_title(run, 0) == "step 0: input 0 'a' arrives; writing at location 5 (1.00)"
    assert ne.write_title(run, 1) == "step 1: input 1 'b' arrives; writing at location 6 (0.90)"
    assert ne.write_title(run, 2) == ("step 2: the delimiter arrives; writing spread out "
                                      "(at most 0.30, at location 7)")
    assert ne.write_title(run, 4).startswith("step 4: no input; writing spread out")
    assert ne.read_title(run, 0) == "step 0: no output yet; reading at location 1 (0.80), not written yet"
    assert ne.read_title(run, 3) == ("step 3: output 0 'a' (target 'a') read from location 5 (0.95), "
                                     "written at step 0")
    assert ne.read_title(run, 4) == ("step 4: output 1 'c' (target 'b') read from location 6 (0.70), "
                                     "written at step 1")
    assert ne.last_written(run, 6, 0) is None and ne.last_written(run, 6, 4) == 1
    with pytest.raises(ValueError, match="step"):
        ne.write_title(run, 5)


def test_titles_of_the_trained_run_name_the_argmax(trained):
    run = ne.copy_run(trained[0], "Hello", trained[1])
    for step in range(run.num_steps):
        write, read = run.trace.write.weights[step + 1, 0, 0], run.trace.read.weights[step + 1, 0, 0]
        assert location_named(ne.write_title(run, step)) == np.argmax(write)
        assert location_named(ne.read_title(run, step)) == np.argmax(read)
    # each output is read where the write head was one step after its input came
    # (this NTM's way of copying: a result of data/, not an assumption of the view)
    for answer in range(run.length):
        step = run.length + 1 + answer
        assert f"output {answer} '{'Hello'[answer]}'" in ne.read_title(run, step)
        assert ne.read_title(run, step).endswith(f"written at step {answer + 1}")


def test_memory_window_follows_the_heads_around_the_memory(ntm_run):
    window = ne.memory_window(ntm_run)
    N = 128
    assert np.all(np.diff(window) % N == 1) and len(window) >= 8       # neighbours, wrapping around
    focus = np.concatenate([ntm_run.trace.write.focus().ravel(), ntm_run.trace.read.focus().ravel()])
    assert set(focus) <= set(window) and {0, 127} <= set(window)
    np.testing.assert_array_equal(ne.memory_window(ntm_run, locations=5), window[:5])
    np.testing.assert_array_equal(ne.memory_window(ntm_run, locations=N), np.arange(N))
    for bad in (0, N + 1, 2.5):
        with pytest.raises(ValueError, match=r"locations must be an integer in \[1, 128\]"):
            ne.memory_window(ntm_run, locations=bad)
    assert len(ne.memory_window(constructed_run())) == 8


def test_static_view_draws_the_step(ntm_run):
    run, step = ntm_run, 5
    axes = ne.copy_step_view(run, step)
    input_ax, target_ax, output_ax, write_ax, memory_ax, read_ax = axes
    window = ne.memory_window(run)
    np.testing.assert_array_equal(input_ax.images[0].get_array(), run.x.T)
    shown = output_ax.images[0].get_array()
    assert np.ma.getmaskarray(shown[:, :4]).all()                           # unscored steps left blank
    np.testing.assert_allclose(shown[:, 4:], run.probabilities[4:].T)
    np.testing.assert_allclose([bar.get_height() for bar in write_ax.patches],
                               run.trace.write.weights[step + 1, 0, 0, window])
    np.testing.assert_allclose([bar.get_height() for bar in read_ax.patches],
                               run.trace.read.weights[step + 1, 0, 0, window])
    np.testing.assert_array_equal(memory_ax.images[0].get_array(), run.trace.memory[step + 1, 0][window].T)
    assert [t.get_text() for t in read_ax.get_xticklabels()] == [str(location) for location in window]
    assert memory_ax.get_title(loc="right") == f"memory $M_t$: {len(window)} of 128 locations shown"
    stories = [ax.texts[0].get_text() for ax in axes[3:]]
    assert stories == [ne.write_title(run, step), "memory after step 5", ne.read_title(run, step)]
    for ax in axes[:3]:
        assert ne._cursor(ax).get_x() == step - 0.5
    assert axes[0].figure.get_figwidth() <= 9.4


def test_update_gives_the_pixels_of_a_fresh_view(ntm_run):
    fig = Figure(figsize=ne.COPY_FIGSIZE, dpi=90, layout="constrained")
    FigureCanvasAgg(fig)
    axes = ne.copy_step_view(ntm_run, 0, fig=fig)
    fig.canvas.draw()
    fig.set_layout_engine("none")                                # laid out once, as in FigureView
    ne.update_copy_step_view(axes, ntm_run, 5)
    fig.canvas.draw()
    fresh = drawn_in_full(ne.COPY_FIGSIZE, lambda f: ne.copy_step_view(ntm_run, 5, fig=f))
    np.testing.assert_array_equal(np.asarray(fig.canvas.buffer_rgba()), fresh)


@pytest.mark.parametrize("text, step, widget", [("a", 0, False), ("a", 2, True), ("NTM", 3, False),
                                                ("Hello, world!", 20, True), ("abcdefghijklmnopqrst", 0, True),
                                                ("abcdefghijklmnopqrst", 30, False)])
def test_the_view_fits_960_px(trained, text, step, widget):
    """Inline at 100 dpi, or as the widget shows it (90 dpi, pixel for pixel)."""
    run = ne.copy_run(trained[0], text, trained[1])
    if widget:
        fig = Figure(figsize=ne.COPY_FIGSIZE, dpi=90, layout="constrained")
        FigureCanvasAgg(fig)
        assert fits(ne.copy_step_view(run, step, fig=fig)[0].figure, dpi=90, widget=True) == []
    else:
        assert fits(ne.copy_step_view(run, step)[0].figure) == []


def test_widget_shows_the_static_view_and_redraws_on_the_slider(trained, ntm_run):
    explorer = ne.NTMCopyExplorer(*trained)
    assert "rmc-ntm-explorer" in explorer._dom_classes
    assert explorer.word.value == "NTM" and not explorer.word.continuous_update
    assert explorer.play.max == explorer.step_slider.max == 6
    first = explorer.view.image.value
    explorer.step_slider.value = 5
    assert explorer.view.image.value != first and explorer.step == 5
    np.testing.assert_array_equal(explorer.axes[4].images[0].get_array(),
                                  ntm_run.trace.memory[6, 0][ne.memory_window(ntm_run)].T)
    full = drawn_in_full(explorer.figsize, lambda fig: ne.copy_step_view(ntm_run, 5, fig=fig))
    assert_shows_full_drawing(explorer, full)
    fresh = ne.NTMCopyExplorer(*trained, step=5)
    np.testing.assert_array_equal(png_pixels(explorer.view.image.value), png_pixels(fresh.view.image.value))
    write = int(np.argmax(ntm_run.trace.write.weights[6, 0, 0]))
    read = int(np.argmax(ntm_run.trace.read.weights[6, 0, 0]))
    assert explorer.summary == (f"step 5 of 6: writing at location {write} / reading at location {read}; "
                                f"output so far 'NT'; 0 wrong bits in the whole copy")
    assert explorer.summary_label.value == explorer.summary


def test_widget_copies_a_new_word_and_explains_a_bad_one(trained):
    explorer = ne.NTMCopyExplorer(*trained)
    figure, picture = explorer.figure, explorer.view.image.value
    explorer.step_slider.value = 4
    explorer.word.value = "Hi there"
    assert explorer.run.text == "Hi there" and explorer.run.output_text == "Hi there"
    assert explorer.step == 0 and explorer.step_slider.max == explorer.play.max == 16
    assert explorer.figure is not figure and explorer.view.image.value != picture
    assert explorer.summary.startswith("step 0 of 16: ")
    picture = explorer.view.image.value
    for word, message in [("€uro", "'€' (code 8364)"), ("", "at least one character"),
                          ("x" * 129, "at most 128 characters")]:
        explorer.word.value = word                               # must not raise
        assert explorer.summary.startswith(f"cannot copy {word!r}: ") and message in explorer.summary
        assert explorer.run.text == "Hi there" and explorer.view.image.value == picture
    explorer.word.value = "<b>€"                                  # shown as text, not as HTML
    assert "'&lt;b&gt;€'" in explorer.summary_label.value and "'<b>€'" in explorer.summary
    explorer.word.value = "generalisation beyond 20"                # longer than the training words
    assert "longer than any word in training, 1-20 characters" in explorer.summary
    assert fits(explorer.figure, dpi=90, widget=True) == []
    with pytest.raises(ValueError, match="NTM core"):
        ne.NTMCopyExplorer(build_tagger("lstm", 9, 8, np.random.default_rng(0), hidden_size=4))
