"""Pictures of lesson 10 (end-to-end memory networks on bAbI-style tasks):
where each hop of a MemN2N reads in the story and what it answers
(hops_view), the two position encodings side by side
(position_encoding_view), and MemN2NExplorer, the widget that walks through
the questions and takes typed ones (its static twin is hops_view).

A question is asked through question_batch: the story of one question of
the task's file, with the file's question or one typed by the reader.

Every figure fits a ~960 px output area (at most 9.4 inches at 100 dpi).
"""

from collections import namedtuple

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..nn.memory_hops import position_encoding, released_position_encoding
from ..tasks.babi import tokenize
from ..tasks.babi_task import BabiBatch
from .common import check_index, index_slider
from .figure_view import FigureExplorer, cleared

WIDE = 9.4
#: at most this many sentences are drawn; earlier ones are left out, with a note
MAX_ROWS = 30
TOP_WORDS = 8
ROW_INCHES = 0.2           # a sentence's row: its 9 pt label and a gap, at 90 and 100 dpi
FRAME_INCHES = 1.9         # titles, hop labels and the axis label around the rows
MAX_LABEL = 42             # characters of a sentence shown (a longer one ends in '...')
RIGHT, WRONG, OTHER = "tab:green", "tab:red", "tab:gray"
STAR = "\u2605"            # marks a supporting fact


def _questions(task, part):
    if part not in ("train", "validation", "test"):
        raise ValueError(f"part must be 'train', 'validation' or 'test', got {part!r}")
    return getattr(task, f"{part}_questions")


def _word_indices(task, words, what):
    unknown = [w for w in words if w not in task.vocab]
    if unknown:
        examples = ", ".join(repr(w) for w in task.words[1:9])
        raise ValueError(f"{what} holds the word {unknown[0]!r}, which is not in the task's vocabulary of "
                         f"{len(task.vocab)} words ({examples}, ...)")
    return [task.vocab[w] for w in words]


def question_batch(task, index, part="test", question=None):
    """A one-question BabiBatch: the story of question `index` of `part`
    (the statements its memory holds) and that question, or `question`,
    a text typed instead (tokenised as the files are: 'Where is Mary?' ->
    where is mary). stories [1, S, W] with the story's n sentences in the
    first n of the task's S slots (task.slots, so that a model attending to
    empty slots sees as many as in training), times [1, S] (n .. 1, the
    latest 1, then 0), questions [1, W'].

    Returns (batch, the answer's word index), the answer None for a typed
    question. A typed word not in the vocabulary raises ValueError naming it.
    """
    questions = _questions(task, part)
    index = check_index("index", index, len(questions))
    story, file_question, answer = task.text(index, part)
    if question is None:
        words, answer_index = file_question.split(), task.vocab[answer]
    else:
        words, answer_index = tokenize(str(question)), None
        if not words:
            raise ValueError(f"question must hold at least one word, got {question!r}")
    sentences = [_word_indices(task, s.split(), "the story") for s in story]
    question_tokens = _word_indices(task, words, "the question")
    n = len(sentences)
    width = max([len(s) for s in sentences] + [1])
    slots = max(n, getattr(task, "slots", n), 1)    # as many slots as the task's batches: alike empty ones
    stories = np.zeros((1, slots, width), dtype=np.int64)
    for i, sentence in enumerate(sentences):
        stories[0, i, :len(sentence)] = sentence
    times = np.zeros((1, slots), dtype=np.int64)
    times[0, :n] = np.arange(n, 0, -1)
    return BabiBatch(stories, times, np.array([question_tokens], dtype=np.int64)), answer_index


Asked = namedtuple("Asked", "story question answer supporting attention probabilities")
Asked.__doc__ = """One question put to a MemN2N, for display: story (its sentences), question
(the words asked), answer (the right word, None for a typed question), supporting (rows of
story), attention [K, n] (each hop's weight on each sentence), probabilities [V]."""


def answer_question(model, task, index, part="test", question=None):
    """Put one question to the model (question_batch, then model.trace): an Asked."""
    batch, answer = question_batch(task, index, part, question)
    story, file_question, _ = task.text(index, part)
    trace = model.trace(batch)
    # the file's supporting facts belong to the file's question only
    supporting = task.supporting(part)[index] if question is None else []
    words = file_question if question is None else " ".join(tokenize(question))
    return Asked(story, words, None if answer is None else task.words[answer], supporting,
                 trace.attention[:, 0, :len(story)], trace.probabilities[0])


def hops_figsize(task, part="test", max_rows=MAX_ROWS):
    """The size of hops_view's figure for any question of `part`: room for
    its longest story (at most max_rows sentences)."""
    longest = max(len(task.text(i, part)[0]) for i in range(len(_questions(task, part))))
    return rows_figsize(min(longest, max_rows))


def rows_figsize(rows):
    """A figure of hops_view with room for `rows` sentences (and the answer's bars)."""
    return (WIDE, FRAME_INCHES + ROW_INCHES * max(rows, TOP_WORDS))


def _label(sentence, supporting):
    text = sentence if len(sentence) <= MAX_LABEL else sentence[:MAX_LABEL - 3] + "..."
    return f"{STAR} {text}" if supporting else text


def hops_title(asked, task):
    """'"where is mary?" -> "kitchen": right' (or wrong, with the answer; or, typed, no answer to check)."""
    said = task.words[int(np.argmax(asked.probabilities))]
    head = f"\u201c{asked.question}?\u201d  model: \u201c{said}\u201d"
    if asked.answer is None:
        return head + "  (a typed question: no answer to check)"
    if said == asked.answer:
        return head + ": right"
    return head + f": wrong, the answer is \u201c{asked.answer}\u201d"


def hops_view(model, task, index, part="test", question=None, fig=None, max_rows=MAX_ROWS):
    """Where each hop of a MemN2N reads, and what it answers, for question
    `index` of `part` (or a typed `question` on its story).

    Left: the story's sentences down (story order, the latest at the bottom,
    supporting facts starred and bold), one column per hop, the attention
    p_k [n] of each hop as a heatmap with the weights >= 0.1 written in;
    stories longer than max_rows show their last max_rows sentences and say
    how much each hop reads in the rest. Right: the answer's probabilities
    over the TOP_WORDS most likely words (the right answer green, a wrong
    answer red). fig: an empty constrained-layout Figure (default a new one
    of rows_figsize, room for this story). Returns the axes (attention, answer);
    update_hops_view draws another question on the same figure.
    """
    asked = answer_question(model, task, index, part, question)
    if fig is None:
        fig = plt.figure(figsize=rows_figsize(min(len(asked.story), max_rows)), layout="constrained")
    attention_ax, answer_ax = fig.subplots(1, 2, width_ratios=[1.15, 1])
    # as many rows as the figure has room for, so that every question shown on it (the widget's)
    # has rows of one height; a shorter story leaves empty rows at the top, as empty memory slots
    slots = int(round((fig.get_figheight() - FRAME_INCHES) / ROW_INCHES))
    _draw_attention(attention_ax, asked, max_rows, slots)
    _draw_answer(answer_ax, asked, task)
    fig.suptitle(hops_title(asked, task), fontsize=11)
    return [attention_ax, answer_ax]


def _draw_attention(ax, asked, max_rows, slots):
    K, n = asked.attention.shape
    first = max(0, n - max_rows)                  # the earliest sentence shown
    shown = asked.attention[:, first:].T          # [rows, K]
    ax.imshow(shown, cmap="Blues", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    for (row, hop), value in np.ndenumerate(shown):
        if value >= 0.1:
            ax.text(hop, row, f"{value:.2f}", ha="center", va="center", fontsize=8,
                    color="white" if value > 0.6 else "black")
    labels = [_label(s, first + i in asked.supporting) for i, s in enumerate(asked.story[first:])]
    ax.set_yticks(range(len(labels)), labels, fontsize=9)
    for tick, row in zip(ax.get_yticklabels(), range(first, n)):
        if row in asked.supporting:
            tick.set_fontweight("bold")
    ax.set_xticks(range(K), [f"hop {k + 1}" for k in range(K)], fontsize=9)
    ax.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False)
    ax.set_ylim(len(labels) - 0.5, len(labels) - max(slots, len(labels)) - 0.5)
    ax.set_xlabel("the latest sentence is at the bottom", fontsize=9)
    notes = [f"{STAR} supporting fact"] if asked.supporting else []
    if first:
        earlier = ", ".join(f"{w:.2f}" for w in asked.attention[:, :first].sum(axis=1))
        notes.append(f"{first} earlier sentences not shown (read there: {earlier})")
    if notes:
        ax.set_title("\n".join(notes), fontsize=9, loc="left")


def _draw_answer(ax, asked, task):
    order = _word_order(asked, task)
    said = int(np.argmax(asked.probabilities))
    right = None if asked.answer is None else task.vocab[asked.answer]
    colours = [RIGHT if w == right else WRONG if w == said and right is not None else OTHER for w in order]
    values = asked.probabilities[order]
    rows = np.arange(len(order))
    ax.barh(rows, values, color=colours, height=0.7)
    for row, value in zip(rows, values):
        ax.text(min(value, 1.0) + 0.02, row, f"{value:.2f}", va="center", fontsize=8)
    ax.set_yticks(rows, [task.words[w] for w in order], fontsize=9)
    ax.set(xlim=(0, 1.2), ylim=(len(order) - 0.5, -0.5), xticks=[0, 0.5, 1])
    ax.set_xlabel("probability of the answer", fontsize=9)
    ax.set_title(f"the {len(order)} likeliest answers" + ("" if right is None else " (the right one green)"),
                 fontsize=9, loc="left")


def _word_order(asked, task, count=TOP_WORDS):
    """The `count` most likely words (indices), most likely first; the right
    answer takes the last place if it is not among them."""
    order = [int(w) for w in np.argsort(-asked.probabilities, kind="stable")[:count]]
    if asked.answer is not None and task.vocab[asked.answer] not in order:
        order[-1] = task.vocab[asked.answer]
    return order


def update_hops_view(fig, model, task, index, part="test", question=None, max_rows=MAX_ROWS):
    """Draw another question on hops_view's figure `fig` (or on the figure of
    its axes): cleared and drawn anew with the constrained layout, so that a
    longer story or another label width is laid out as a fresh figure would be."""
    fig = fig[0].figure if isinstance(fig, (list, tuple, np.ndarray)) else fig
    return hops_view(model, task, index, part, question, fig=cleared(fig), max_rows=max_rows)


def describe_answer(model, task, index, part="test", question=None):
    """The answer in one line: the sentence each hop reads most (and its
    weight), then the answer and whether it is right, e.g.
    "hop 1 reads 'mary went to the kitchen' (0.93); ...; answer 'kitchen' (0.97): right"."""
    asked = answer_question(model, task, index, part, question)
    hops = [f"hop {k + 1} reads '{asked.story[int(np.argmax(p))]}' ({p.max():.2f})"
            for k, p in enumerate(asked.attention)]
    said = int(np.argmax(asked.probabilities))
    verdict = "" if asked.answer is None else ": right" if task.words[said] == asked.answer else \
        f": wrong, the answer is '{asked.answer}'"
    return "; ".join(hops) + f"; answer '{task.words[said]}' ({asked.probabilities[said]:.2f}){verdict}"


def position_encoding_view(num_words=6, dim=20):
    """The weight of dimension k of word j in a sentence of num_words words:
    left, the paper's l_kj = (1 - j/J) - (k/d)(1 - 2j/J) (position_encoding);
    right, the released code's 1 + 4(k - (d+1)/2)(j - (J+1)/2)/(dJ)
    (released_position_encoding, J = num_words here). One colour scale and
    colour bar for both. Returns the two axes."""
    paper, released = position_encoding(num_words, dim), released_position_encoding(num_words, dim)
    low, high = min(paper.min(), released.min()), max(paper.max(), released.max())
    fig, axes = plt.subplots(1, 2, figsize=(WIDE, 1.6 + 0.3 * num_words), layout="constrained")
    titles = ["the paper: $l_{kj} = (1 - j/J) - (k/d)(1 - 2j/J)$",
              "the released code: $1 + 4(k - \\frac{d+1}{2})(j - \\frac{J+1}{2}) / (dJ)$"]
    for ax, values, title in zip(axes, (paper, released), titles):
        image = ax.imshow(values, cmap="viridis", vmin=low, vmax=high, aspect="auto", interpolation="nearest",
                          extent=(0.5, dim + 0.5, num_words + 0.5, 0.5))
        ax.set_xticks(range(1, dim + 1, max(1, dim // 10)))
        ax.set_yticks(range(1, num_words + 1, max(1, num_words // 8)))
        ax.set_xlabel("dimension k")
        ax.set_ylabel("word j")
        ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=axes, label="weight", pad=0.02)
    fig.suptitle(f"position encodings of a sentence of J = {num_words} words, d = {dim}", fontsize=11)
    return axes


class MemN2NExplorer(FigureExplorer):
    """Walk through a task's questions with a trained MemN2N: a slider over
    the questions of `part`, a text box to ask another question about the
    same story (applied on Enter or with the 'ask' button; a word the task
    does not know is reported in `message_label`, the picture stays), the
    picture (hops_view, redrawn on the same figure) and a summary line
    (describe_answer). Moving the slider goes back to the file's question.
    Attributes: index, question (the typed text, None for the file's),
    summary, message, figure, axes, view (FigureView)."""

    css_class = "rmc-memn2n-explorer"

    def __init__(self, model, task, index=0, part="test", figsize=None):
        self.model, self.task, self.part = model, task, part
        size = len(_questions(task, part))
        self.figsize = hops_figsize(task, part) if figsize is None else figsize
        self.slider = index_slider("question", check_index("index", index, size), size, layout=widgets.Layout(width="420px"))
        self.text = widgets.Text(value=task.text(self.index, part)[1], description="ask",
                                 continuous_update=False, layout=widgets.Layout(width="320px"))
        self.button = widgets.Button(description="ask")
        self.question, self._quiet = None, False
        super().__init__([widgets.HBox([self.slider]), widgets.HBox([self.text, self.button])], self.figsize)
        self.axes = hops_view(model, task, self.index, part, fig=self.figure)
        self.slider.observe(self._on_move, names="value")
        self.text.observe(lambda change: self.ask(change["new"]), names="value")
        self.button.on_click(lambda _: self.ask(self.text.value))
        self._show_answer()

    @property
    def index(self):
        return self.slider.value

    def ask(self, text):
        """Ask `text` about the current story (the file's question if it is
        the same words); a bad question is reported, never raised."""
        if self._quiet:
            return
        file_question = self.task.text(self.index, self.part)[1]
        question = None if tokenize(str(text)) == file_question.split() else text
        try:
            axes = update_hops_view(self.figure, self.model, self.task, self.index, self.part, question)
        except ValueError as error:             # say what is wrong; keep the last picture
            self._say_message(f"cannot ask {text!r}: {error}")
            return
        self.axes, self.question = axes, question
        self._say_message("")
        self._show_answer()

    def _on_move(self, change):
        self._quiet = True                      # showing the file's question is no typed question
        self.text.value = self.task.text(self.index, self.part)[1]
        self._quiet = False
        self.question = None
        self.axes = update_hops_view(self.figure, self.model, self.task, self.index, self.part)
        self._say_message("")
        self._show_answer()

    def _show_answer(self):
        self._show(describe_answer(self.model, self.task, self.index, self.part, self.question))
