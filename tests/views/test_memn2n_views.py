"""Lesson 10's MemN2N pictures and widget, on the generated task 1 (and task
2 for long stories) with a small random MemN2N: a question is asked as the
file asks it (or typed), the hops' picture draws the model's own attention
and answer, fits a ~960 px output area with readable, separate texts
(layout_problems), and the widget shows what the static view draws."""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rmc_lib.cores.memn2n import MemN2N
from rmc_lib.nn.memory_hops import position_encoding, released_position_encoding
from rmc_lib.tasks.babi_task import BabiTask
from rmc_lib.views import memn2n_views as mv

from .pixels import assert_shows_full_drawing, drawn_in_full, drawn_tick_labels_lie_within
from .test_task_views import fits


@pytest.fixture(scope="module")
def task():
    return BabiTask(1)


@pytest.fixture(scope="module")
def model(task):
    model = MemN2N(task.vocab_size, rng=np.random.default_rng(0), hops=3, memory_size=task.memory_size)
    for value in model.params.values():
        value *= 10             # sharper attention than at the start, so that some weights are near 1
    return model


def shown_rows(ax):
    return [label.get_text() for label in ax.get_yticklabels()]


def test_question_batch_asks_the_files_question(task, model):
    batch, answer = mv.question_batch(task, 3)
    story, question, right = task.text(3)
    n = len(story)
    assert batch.stories.shape[:2] == (1, task.slots) and answer == task.vocab[right]
    assert np.all(batch.times[0, n:] == 0) and np.all(batch.stories[0, n:] == 0)    # the empty slots
    np.testing.assert_array_equal(batch.times[0, :n], np.arange(n, 0, -1))      # the latest sentence is 1
    assert [task.words[w] for w in batch.stories[0, n - 1] if w] == story[-1].split()
    # the same question as the test set's row: the same answer probabilities
    x, labels = task.test_set(size=4)
    assert labels[3] == answer
    np.testing.assert_allclose(model.predict_proba(batch)[0], model.predict_proba(x)[3], rtol=1e-5)
    # typed with capitals and a question mark, it is the same question (but has no known answer)
    typed, none = mv.question_batch(task, 3, question=question.capitalize() + "?")
    assert none is None
    for a, b in zip(typed, batch):
        np.testing.assert_array_equal(a, b)


def test_question_batch_refuses_unknown_words_and_empty_questions(task):
    with pytest.raises(ValueError, match=r"'bob', which is not in the task's vocabulary .*'bathroom'"):
        mv.question_batch(task, 0, question="Where is Bob?")
    with pytest.raises(ValueError, match="at least one word"):
        mv.question_batch(task, 0, question=" ? ")
    with pytest.raises(ValueError, match="index must be an integer"):
        mv.question_batch(task, len(task.test_questions))
    with pytest.raises(ValueError, match="part must be"):
        mv.question_batch(task, 0, part="dev")


def test_hops_view_draws_each_hops_attention_and_the_answer(task, model):
    index = next(i for i, q in enumerate(task.test_questions) if len(q.story) >= 5)
    story, question, answer = task.text(index)
    trace = model.trace(mv.question_batch(task, index)[0])
    K, n = model.hops, len(story)
    attention_ax, answer_ax = mv.hops_view(model, task, index)
    shown = attention_ax.images[0].get_array()
    assert shown.shape == (n, K)
    np.testing.assert_allclose(shown, trace.attention[:, 0, :n].T)
    assert [t.get_text() for t in attention_ax.get_xticklabels()] == [f"hop {k + 1}" for k in range(K)]
    # the supporting fact is starred and bold, the other sentences plain
    supporting = task.test_questions[index].supporting
    for row, label in enumerate(attention_ax.get_yticklabels()):
        starred = row in supporting
        assert label.get_text() == (f"{mv.STAR} " if starred else "") + story[row]
        assert (label.get_fontweight() == "bold") == starred
    # every weight >= 0.1, and only those, is written in its cell
    written = sorted(t.get_text() for t in attention_ax.texts)
    assert written == sorted(f"{w:.2f}" for w in shown.ravel() if w >= 0.1) and written
    # the answer's bars: the 8 likeliest words, the right one green
    probabilities = trace.probabilities[0]
    words = [t.get_text() for t in answer_ax.get_yticklabels()]
    heights = [bar.get_width() for bar in answer_ax.patches]
    assert len(words) == mv.TOP_WORDS and set(words) > {answer}
    np.testing.assert_allclose(heights, [probabilities[task.vocab[w]] for w in words])
    assert answer_ax.patches[words.index(answer)].get_facecolor()[:3] == pytest.approx((0.172, 0.627, 0.172),
                                                                                      abs=1e-3)
    said = task.words[int(np.argmax(probabilities))]
    title = attention_ax.figure._suptitle.get_text()
    assert question in title and said in title and ("right" if said == answer else "wrong") in title
    assert drawn_tick_labels_lie_within(attention_ax, "y")
    assert fits(attention_ax.figure) == []


def test_a_typed_question_is_drawn_without_an_answer(task, model):
    attention_ax, answer_ax = mv.hops_view(model, task, 2, question="where is daniel")
    assert not any(label.get_text().startswith(mv.STAR) for label in attention_ax.get_yticklabels())
    assert "typed question" in attention_ax.figure._suptitle.get_text()
    assert len({bar.get_facecolor() for bar in answer_ax.patches}) == 1         # no right answer to mark
    assert fits(attention_ax.figure) == []


def test_a_long_story_fits_and_a_longer_one_is_cut_with_a_note():
    long_task = BabiTask(2)
    model = MemN2N(long_task.vocab_size, rng=np.random.default_rng(1), hops=3)
    index = int(np.argmax([len(q.story) for q in long_task.test_questions]))
    n = len(long_task.text(index)[0])
    assert n >= 25
    axes = mv.hops_view(model, long_task, index)
    assert len(shown_rows(axes[0])) == n
    assert fits(axes[0].figure) == []
    fig = Figure(figsize=mv.hops_figsize(long_task), dpi=90, layout="constrained")
    FigureCanvasAgg(fig)
    assert fits(mv.hops_view(model, long_task, index, fig=fig)[0].figure, dpi=90, widget=True) == []
    axes = mv.hops_view(model, long_task, index, max_rows=10)
    assert shown_rows(axes[0])[-1].endswith(long_task.text(index)[0][-1]) and len(shown_rows(axes[0])) == 10
    assert f"{n - 10} earlier sentences not shown" in axes[0].get_title(loc="left")
    assert fits(axes[0].figure) == []


def test_update_draws_what_a_fresh_view_draws(task, model):
    size = mv.hops_figsize(task)
    fig = Figure(figsize=size, dpi=90, layout="constrained")
    FigureCanvasAgg(fig)
    mv.hops_view(model, task, 0, fig=fig)
    fig.canvas.draw()
    mv.update_hops_view(fig, model, task, 7, question="where is john")
    fig.canvas.draw()
    fresh = drawn_in_full(size, lambda f: mv.hops_view(model, task, 7, question="where is john", fig=f))
    np.testing.assert_array_equal(np.asarray(fig.canvas.buffer_rgba()), fresh)


def test_describe_answer_names_each_hops_sentence(task, model):
    story, _, answer = task.text(4)
    trace = model.trace(mv.question_batch(task, 4)[0])
    line = mv.describe_answer(model, task, 4)
    for k, p in enumerate(trace.attention[:, 0, :len(story)]):
        assert f"hop {k + 1} reads '{story[int(np.argmax(p))]}' ({p.max():.2f})" in line
    said = task.words[int(np.argmax(trace.probabilities[0]))]
    assert f"answer '{said}'" in line and line.endswith(": right" if said == answer else f"'{answer}'")


def test_position_encoding_view_shows_both_on_one_scale():
    paper_ax, released_ax = mv.position_encoding_view(num_words=6, dim=20)
    np.testing.assert_array_equal(paper_ax.images[0].get_array(), position_encoding(6, 20))
    np.testing.assert_array_equal(released_ax.images[0].get_array(), released_position_encoding(6, 20))
    assert paper_ax.images[0].get_clim() == released_ax.images[0].get_clim()
    for ax in (paper_ax, released_ax):
        assert ax.get_xlabel() == "dimension k" and ax.get_ylabel() == "word j"
    assert len(paper_ax.figure.axes) == 3                      # and the colour bar
    assert fits(paper_ax.figure) == []


def test_widget_shows_the_static_view_after_moving_and_typing(task, model):
    explorer = mv.MemN2NExplorer(model, task)
    assert "rmc-memn2n-explorer" in explorer._dom_classes
    assert explorer.slider.max == len(task.test_questions) - 1 and explorer.text.value == task.text(0)[1]
    assert_shows_full_drawing(explorer, drawn_in_full(explorer.figsize, lambda f: mv.hops_view(model, task, 0, fig=f)))
    first = explorer.view.image.value
    explorer.slider.value = 5
    assert explorer.view.image.value != first and explorer.index == 5 and explorer.question is None
    assert explorer.text.value == task.text(5)[1]
    assert_shows_full_drawing(explorer, drawn_in_full(explorer.figsize, lambda f: mv.hops_view(model, task, 5, fig=f)))
    assert explorer.summary == mv.describe_answer(model, task, 5) == explorer.summary_label.value
    explorer.text.value = "Where is Sandra?"                   # as Enter sends it
    assert explorer.question == "Where is Sandra?" and explorer.message == ""
    assert_shows_full_drawing(explorer, drawn_in_full(
        explorer.figsize, lambda f: mv.hops_view(model, task, 5, question="Where is Sandra?", fig=f)))
    assert explorer.summary == mv.describe_answer(model, task, 5, question="Where is Sandra?")
    assert fits(explorer.figure, dpi=90, widget=True) == []


def test_widget_reports_a_bad_word_and_keeps_its_picture(task, model):
    explorer = mv.MemN2NExplorer(model, task, index=2)
    before, summary = explorer.view.image.value, explorer.summary
    explorer.text.value = "where is <bob>"
    assert "cannot ask" in explorer.message and "'<bob>'" in explorer.message
    assert "&lt;bob&gt;" in explorer.message_label.value and "vocabulary" in explorer.message_label.value
    assert explorer.view.image.value == before and explorer.summary == summary and explorer.question is None
    explorer.button.click()                                   # the button asks the box's text again
    assert "cannot ask" in explorer.message
    explorer.text.value = ""
    assert "at least one word" in explorer.message
    explorer.text.value = "where is john"
    assert explorer.message == "" and explorer.message_label.value == ""
    with pytest.raises(ValueError, match="index must be an integer"):
        mv.MemN2NExplorer(model, task, index=len(task.test_questions))
