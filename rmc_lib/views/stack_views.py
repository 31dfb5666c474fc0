"""Pictures of a continuous stack or queue at work (lesson 11): what a
StackLSTM pushed, popped and read at every step of a string, and what its
memory held; and StackExplorer, the widget where a learner types a string
for a trained model to transform (its static twin is stack_figure).

    trace = stack_trace(model.core, x)        # model: a SymbolTagger around a StackLSTM
    stack_view(trace, example=0, symbols=...)  # strengths over time, with push, pop and the answer
    x, right, answer = run_text(model, task, "abcabd")    # a typed string, its answer and the model's
    stack_figure(model, task, "abcabd")        # the same picture for a typed string
    StackExplorer(model, task, text="abcabd")  # type, press Enter, see it

Typed strings use the letters a, b, c, ... for the task's symbols 0, 1, 2,
... (a-h for 8 symbols; after z come A-Z, then the digits); spaces are
ignored. Every figure fits a ~960 px output area (at most 9.4 inches at 100 dpi).
"""

import string
from collections import namedtuple

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..cores.stack_rnn import StackLSTM
from ..cores.symbol_readout import SymbolTagger
from ..nn.checks import check_array
from .common import check_index
from .figure_view import FigureExplorer, cleared

WIDE = 9.4
PUSH_COLOUR, POP_COLOUR = "tab:green", "tab:red"
WRONG_COLOUR = "tab:red"
#: the letter typed for each symbol: symbol 0 is 'a', 1 is 'b', ...
ALPHABET = string.ascii_lowercase + string.ascii_uppercase + string.digits
#: the longest string typed: its picture has a column per step (2 L + 1), readable up to here
MAX_TYPED = 32
SEPARATOR = "|"            # the label of the separator step, between the string and the answer
STACK_FIGSIZE = (WIDE, 6.0)


def step_memory(stack_cache):
    """From the cache of one nn.neural_stack.stack_step_forward: (the
    strengths after the step [B, n+1], the read's weight on each value [B, n+1])."""
    _, _, _, _, new_strengths, _, _, weights, _ = stack_cache
    return new_strengths, weights


def stack_trace(core, x):
    """Run a StackLSTM on x [B, T, D] and gather, from its cache, every step's
    push d [B, T], pop u [B, T], the strengths after the step [B, T, T]
    (strengths[b, t, i]: how much of the value pushed at step i is there after
    step t; 0 for i > t) and the read's weight on each value [B, T, T]."""
    if not isinstance(core, StackLSTM):
        raise ValueError(f"core must be a StackLSTM, got {type(core).__name__}")
    x = check_array("x", x, ndim=3)
    if x.shape[1] == 0:
        raise ValueError(f"x must hold at least one step, got shape {list(x.shape)}")
    _, _, cache = core.forward(x)
    B, T, _ = x.shape
    push, pop = np.zeros((B, T)), np.zeros((B, T))
    strengths, reads = np.zeros((B, T, T)), np.zeros((B, T, T))
    for t, (_, _, push_t, pop_t, _, _, stack_cache) in enumerate(cache["steps"]):     # StackLSTM.step's cache
        push[:, t], pop[:, t] = push_t, pop_t
        strengths[:, t, :t + 1], reads[:, t, :t + 1] = step_memory(stack_cache)
    return {"push": push, "pop": pop, "strengths": strengths, "reads": reads, "queue": core.queue, "x": x}


def stack_view(trace, example=0, symbols=None, answer=None, fig=None):
    """The memory of one example over time: push and pop at every step (top),
    and each value's strength after every step (bottom: rows the values, in the
    order pushed, columns the steps; a colour bar gives the strength), each
    value the read weighs more than 0.5 outlined; with symbols, the rows of
    traces up to 40 steps are labelled with the step that pushed them. A queue's trace is drawn the same way (the title says queue).

    symbols: a label per step (the input read, e.g. 'a b c | . . .'), T of
    them; answer: the model's answer (a string or a list of symbols), shown
    in the top panel's title. fig: an empty figure to draw on (default a new
    one, taller for longer traces). Returns the two axes [top, bottom].
    """
    example = check_index("example", example, trace["push"].shape[0])
    T = trace["push"].shape[1]
    if symbols is not None and len(symbols) != T:
        raise ValueError(f"symbols must hold one label per step ({T}), got {len(symbols)}")
    if fig is None:
        fig = plt.figure(figsize=(WIDE, min(2.0 + 0.22 * T, 7.5)), layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=[1, 3.2], sharex=True)
    steps = np.arange(T)
    top.bar(steps - 0.2, trace["push"][example], width=0.4, color=PUSH_COLOUR, label="push $d_t$")
    top.bar(steps + 0.2, trace["pop"][example], width=0.4, color=POP_COLOUR, label="pop $u_t$")
    top.set(ylim=(0, 1.5), yticks=[0, 0.5, 1], ylabel="strength")
    top.legend(loc="upper right", fontsize=8, ncol=2)             # above the bars, which end at 1
    memory = trace["strengths"][example].T                       # [value i, step t]
    image = bottom.imshow(memory, aspect="auto", cmap="Blues", vmin=0, vmax=1, origin="lower",
                          extent=(-0.5, T - 0.5, -0.5, T - 0.5))
    fig.colorbar(image, ax=bottom, label="strength $s_t[i]$", shrink=0.8, pad=0.01)
    read_i, read_t = np.nonzero(trace["reads"][example].T > 0.5)
    bottom.scatter(read_t, read_i, marker="s", s=30, facecolors="none", edgecolors="tab:orange",
                   label="read (weight > 0.5)")
    kind = "queue" if trace["queue"] else "stack"
    bottom.set(xlabel="step", ylabel="value pushed at step",
               title=f"what the {kind} holds after each step (darker: stronger)")
    bottom.legend(loc="upper left", fontsize=8)
    if symbols is not None:
        bottom.set_xticks(steps, [str(s) for s in symbols], fontsize=8)
        if T <= 40:                          # row i holds the value pushed at step i: label it by that step
            bottom.set_yticks(steps, [str(s) for s in symbols], fontsize=8)
    if answer is not None:
        top.set_title("answered: " + " ".join(str(a) for a in answer), fontsize=9)
    return [top, bottom]


# ---- a typed string ----

def alphabet(task):
    """The letters that stand for the task's symbols, in order ('abcdefgh' for 8)."""
    if task.num_symbols > len(ALPHABET):
        raise ValueError(f"task.num_symbols must be at most {len(ALPHABET)} to be typed, got {task.num_symbols}")
    return ALPHABET[:task.num_symbols]


def _letters_named(letters):
    """'a-h' for a run of lowercase letters, else the letters themselves."""
    return f"{letters[0]}-{letters[-1]}" if len(letters) > 1 and letters in string.ascii_lowercase else letters


def parse_text(task, text, max_length=MAX_TYPED):
    """The symbol indices of a typed string (spaces ignored): 'ab ca' -> [0, 1, 2, 0].
    Raises ValueError for a character that is not one of the task's symbols,
    an empty string or one longer than max_length symbols."""
    letters = alphabet(task)
    typed = "".join(str(text).split())
    bad = [c for c in typed if c not in letters]
    if bad:
        raise ValueError(f"{bad[0]!r} is not one of the task's {task.num_symbols} symbols "
                         f"({_letters_named(letters)})")
    if not typed:
        raise ValueError(f"text must hold at least one symbol ({_letters_named(letters)}), got {text!r}")
    if len(typed) > max_length:
        raise ValueError(f"text must hold at most {max_length} symbols, got {len(typed)}")
    return [letters.index(c) for c in typed]


Typed = namedtuple("Typed", "x right answer")
Typed.__doc__ = """A typed string run through a model: x [1, T, num_symbols + 1] (the string,
the separator, then T - L - 1 empty answer steps), right (the task's answer, in letters)
and answer (the model's, in letters), each L long."""


def run_text(model, task, text, max_length=MAX_TYPED):
    """Encode a typed string for the task (parse_text, then task.encode) and
    run the model, a SymbolTagger, on it: a Typed (x, the right answer, the
    model's answer)."""
    if not isinstance(model, SymbolTagger):
        raise ValueError(f"model must be a SymbolTagger (a core with a symbol readout), got {type(model).__name__}")
    symbols = parse_text(task, text, max_length)
    x, targets = task.encode([symbols])
    letters = alphabet(task)
    answer_steps = targets.mask[0] > 0                       # the L steps after the separator
    said = model.predict(x)[0][answer_steps]
    right = targets.targets[0][answer_steps]
    return Typed(x, "".join(letters[i] for i in right), "".join(letters[i] for i in said))


def source_text(task, typed):
    """The string typed (without spaces), read back from typed.x."""
    return "".join(alphabet(task)[i] for i in typed.x[0, :len(typed.right), :-1].argmax(-1))


def _verdict(typed):
    """'right', or how many of the answer's symbols are wrong."""
    wrong = sum(a != b for a, b in zip(typed.answer, typed.right))
    return "right" if wrong == 0 else f"{wrong} of {len(typed.right)} symbols wrong"


def describe_text(task, typed):
    """One line: "reversal of 'abc' (3 symbols): the model answers 'cba': right"
    (or how many symbols are wrong, and the right answer)."""
    source, verdict = source_text(task, typed), _verdict(typed)
    line = f"{task.kind} of '{source}' ({len(source)} symbols): the model answers '{typed.answer}': {verdict}"
    return line if verdict == "right" else line + f" (the {task.kind} is '{typed.right}')"


def stack_figure(model, task, text, fig=None):
    """stack_view for a typed string: push and pop, what the stack or queue
    holds after every step (columns labelled with the symbol read, the
    separator '|', then the model's answer, its wrong symbols red), titled
    with the right answer, the model's and how many of its symbols are
    wrong. fig: an empty constrained-layout Figure
    (default a new one of STACK_FIGSIZE, the widget's). Returns the axes."""
    _check_stack_model(model)
    typed = run_text(model, task, text)
    L = len(typed.right)
    trace = stack_trace(model.core, typed.x)
    if fig is None:
        fig = plt.figure(figsize=STACK_FIGSIZE, layout="constrained")
    symbols = list(source_text(task, typed)) + [SEPARATOR] + list(typed.answer)
    axes = stack_view(trace, 0, symbols=symbols, fig=fig)
    for label, said, right in zip(axes[1].get_xticklabels()[L + 1:], typed.answer, typed.right):
        if said != right:
            label.set_color(WRONG_COLOUR)
            label.set_fontweight("bold")
    fig.suptitle(f"{task.kind} of '{source_text(task, typed)}' ({L} symbols): the right answer is '{typed.right}'\n"
                 f"the model answers '{typed.answer}': {_verdict(typed)}", fontsize=10)
    axes[1].set_xlabel(f"step: the string read, the separator {SEPARATOR}, the model's answer (wrong symbols red)")
    return axes


def _check_stack_model(model):
    core = getattr(model, "core", None)
    if not isinstance(model, SymbolTagger) or not isinstance(core, StackLSTM):
        got = type(model).__name__ + ("" if core is None else f" around {type(core).__name__}")
        raise ValueError(f"model must be a SymbolTagger around a StackLSTM, got {got}")
    return model


def update_stack_figure(fig, model, task, text):
    """Draw another string on stack_figure's figure: cleared and laid out
    anew, as a fresh figure would be."""
    return stack_figure(model, task, text, fig=cleared(fig))


class StackExplorer(FigureExplorer):
    """Type a string; a trained stack (or queue) LSTM transforms it.

    model: a SymbolTagger around a StackLSTM, task: its Transduction. A Text
    box takes the string (letters a, b, ... for the symbols, spaces ignored,
    at most MAX_TYPED), read on Enter or with the 'run' button; below it the
    picture (stack_figure, redrawn on the same figure) and a summary line
    (describe_text). A character that is not a symbol, an empty or too long
    string is reported in `message_label`; the picture stays.
    Attributes: text (the string shown), typed (its Typed), summary, message,
    figure, axes, view (FigureView)."""

    css_class = "rmc-stack-explorer"

    def __init__(self, model, task, text="abcdefgh", figsize=STACK_FIGSIZE):
        self.model, self.task, self.figsize = _check_stack_model(model), task, figsize
        self.typed = run_text(model, task, text)             # a bad first string raises, as a bad argument should
        self.text = text
        self.box = widgets.Text(value=text, description="string", continuous_update=False,
                                placeholder=f"symbols {_letters_named(alphabet(task))}",
                                layout=widgets.Layout(width="420px"))
        self.button = widgets.Button(description="run")
        super().__init__([widgets.HBox([self.box, self.button])], figsize)
        self.axes = stack_figure(model, task, text, fig=self.figure)
        self.box.observe(lambda change: self.run(change["new"]), names="value")
        self.button.on_click(lambda _: self.run(self.box.value))
        self._show(describe_text(task, self.typed))

    def run(self, text):
        """Run the model on `text` and draw it; a bad string is reported, never raised."""
        try:
            typed = run_text(self.model, self.task, text)
        except ValueError as error:             # say what is wrong; keep the last picture
            self._say_message(f"cannot run {text!r}: {error}")
            return
        self.axes = update_stack_figure(self.figure, self.model, self.task, text)
        self.text, self.typed = text, typed
        self._say_message("")
        self._show(describe_text(self.task, typed))
