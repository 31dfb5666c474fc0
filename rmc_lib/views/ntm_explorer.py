"""Lesson 08's picture and widget: a trained NTM copies a word the learner types.

A word is a sequence of 8-bit vectors, one per character (`text_to_bits`);
`copy_run` copies it (rmc_lib.tasks.Copy) and records the run (a CopyRun);
`copy_step_view` draws one step: input, target and output over time, and the
write weighting, the memory and the read weighting over the locations the
heads visited. NTMCopyExplorer is the widget. What a title says about a step
is computed from the recorded weightings, not assumed: a trained NTM need not
write vector t at step t (the one in data/ntm_copy writes it one step later).
"""

import html
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from ..cores.ntm import NTM
from ..cores.sequence_readout import SequenceTagger
from ..nn.layers import linear_forward, sigmoid
from ..tasks.copy import Copy
from ..trace import NTMTrace, record
from .common import check_index, index_slider, play_button
from .figure_view import FigureView

BITS = 8                     # one character, one byte
FOCUSED = 0.5                # a head whose largest weight is below this is "spread out"
VISITED = 0.1                # a location a head gave at least this much is shown by default
MARGIN = 2                   # locations shown on either side of the visited ones
MIN_LOCATIONS = 8
MAX_CHARACTER_LABELS = 30    # above this many characters their labels would overlap
#: fits a ~960 px output area inline (100 dpi) and in a FigureView (90 dpi)
COPY_FIGSIZE = (9.4, 7.0)
WRITE_COLOUR, READ_COLOUR, CURSOR_COLOUR = "tab:red", "tab:blue", "tab:orange"


def text_to_bits(text):
    """The bits of a text, [L, 8] of 0/1: each character's code (below 256,
    Latin-1) in 8 bits, most significant bit first ('A' = 65 = 01000001)."""
    if not isinstance(text, str) or not text:
        raise ValueError(f"text must be a word of at least one character, got {text!r}")
    codes = np.array([ord(char) for char in text])
    if codes.max() >= 2 ** BITS:
        char = text[int(np.argmax(codes >= 2 ** BITS))]
        raise ValueError(f"every character must have a code below 256 (8 bits), got {char!r} (code {ord(char)})")
    return (codes[:, None] >> np.arange(BITS - 1, -1, -1)) & 1


def bits_to_text(bits):
    """The text of bit vectors [L, 8] (bits, or probabilities: above 0.5 is a 1); unprintable bytes show as '?'."""
    bits = np.asarray(bits, dtype=float)
    if bits.ndim != 2 or bits.shape[1] != BITS:
        raise ValueError(f"bits must be [L, {BITS}], got shape {list(bits.shape)}")
    codes = (bits > 0.5).astype(int) @ (2 ** np.arange(BITS - 1, -1, -1))
    return "".join(chr(code) if chr(code).isprintable() else "?" for code in codes)


def _shown(char):
    """A character as a title or tick label shows it: a space as '␣'."""
    return "␣" if char == " " else (char if char.isprintable() else "?")


@dataclass
class CopyRun:
    """One word of L characters copied by an NTM in T = 2L + 1 steps: x [T, 9]
    (8 bits, then the delimiter channel); targets [T, 8], mask [T] (1 on the
    answer steps L+1..2L); probabilities [T, 8] of a 1 at every step; trace
    (NTMTrace, batch of one); text; output_text (bits_to_text of the answer
    steps); wrong_bits on the answer steps (the NTM paper's cost per sequence)."""

    x: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    probabilities: np.ndarray
    trace: NTMTrace
    text: str
    output_text: str
    wrong_bits: int

    @property
    def length(self):          # L
        return len(self.text)

    @property
    def num_steps(self):       # T
        return self.x.shape[0]


def copy_run(model, text, task=None):
    """Copy `text` with a SequenceTagger whose core is an NTM; returns a CopyRun.

    task: the Copy task it was trained on (default Copy(): 8 bits), whose
    `encode` builds the input. A word may be longer than the training words
    (the NTM's generalisation test), but not longer than the memory.
    """
    if not isinstance(model, SequenceTagger) or not isinstance(model.core, NTM):
        raise ValueError(f"model must be a SequenceTagger with an NTM core, got {type(model).__name__}"
                         f" with a {type(getattr(model, 'core', None)).__name__} core")
    task, N = Copy() if task is None else task, model.core.memory_size
    if not isinstance(task, Copy) or task.num_bits != BITS or model.core.input_size != task.input_size:
        raise ValueError(f"task must be a Copy task of {BITS}-bit vectors ({model.core.input_size} inputs, the "
                         f"model's), got a {type(task).__name__} of {getattr(task, 'input_size', '?')} inputs")
    bits = text_to_bits(text)
    if len(text) > N:
        raise ValueError(f"text must have at most {N} characters (one per memory location), got {len(text)}")
    x, labels = task.encode(bits[None], np.array([len(text)]))
    outputs, _, trace = record(model.core, x)
    logits = outputs if not model.readout else linear_forward(outputs, model.params["readout.W"],
                                                              model.params["readout.b"])[0]
    probabilities, mask = sigmoid(logits)[0], labels.mask[0]
    return CopyRun(x=x[0], targets=labels.targets[0], mask=mask, probabilities=probabilities, trace=trace,
                   text=text, output_text=bits_to_text(probabilities[mask > 0]),
                   wrong_bits=int(model.bit_errors(logits, labels)[0]))


def memory_window(run, locations=None):
    """The memory locations the view shows, in order: [n] indices.

    Shifts wrap around (location N-1 is next to 0) and a head may move down
    as well as up, so the window is the shortest run of neighbours, wrapping
    around, that holds every location a head gave at least 0.1 at some step,
    with 2 more on either side, and at least 8. locations: how many to show
    instead (from where the default window starts)."""
    N = run.trace.memory.shape[2]
    weights = np.concatenate([run.trace.write.weights[:, 0], run.trace.read.weights[:, 0]], axis=1)
    visited = np.flatnonzero((weights >= VISITED).any(axis=(0, 1)))
    # the window leaves out the widest gap between visited locations (around the circle)
    gaps = np.where(visited.size > 1, (np.roll(visited, -1) - visited) % N, N)   # one visited: gap N
    widest = int(np.argmax(gaps))
    start = int(visited[(widest + 1) % len(visited)]) - MARGIN
    count = min(max(N - int(gaps[widest]) + 1 + 2 * MARGIN, MIN_LOCATIONS), N)
    if locations is not None:
        if isinstance(locations, bool) or not isinstance(locations, (int, np.integer)) or not 1 <= locations <= N:
            raise ValueError(f"locations must be an integer in [1, {N}], got {locations!r}")
        count = int(locations)
    return (start + np.arange(count)) % N if count < N else np.arange(N)


def _place(weights):
    """Where a weighting [N] is: 'at location 3 (0.99)' or 'spread out (at most 0.29, at location 3)'."""
    where = int(np.argmax(weights))
    if weights[where] < FOCUSED:
        return f"spread out (at most {weights[where]:.2f}, at location {where})"
    return f"at location {where} ({weights[where]:.2f})"


def last_written(run, location, step):
    """The last step <= step at which a write head gave `location` at least 0.5, or None."""
    steps = np.flatnonzero((run.trace.write.weights[1:step + 2, 0, :, location] >= FOCUSED).any(axis=1))
    return int(steps[-1]) if steps.size else None


def write_title(run, step):
    """What the write head does at a step, e.g. "step 2: input 2 'M'
    arrives; writing at location 127 (1.00)", from its weighting."""
    step = check_index("step", step, run.num_steps)
    what = (f"input {step} '{_shown(run.text[step])}' arrives" if step < run.length
            else "the delimiter arrives" if step == run.length else "no input")
    places = " and ".join(_place(w) for w in run.trace.write.weights[step + 1, 0])
    return f"step {step}: {what}; writing {places}"


def read_title(run, step):
    """What the read head does at a step, e.g. "step 4: output 0 'N'
    (target 'N') read from location 0 (0.99), written at step 1": from its
    weighting, and the last step the write head was there (last_written)."""
    step = check_index("step", step, run.num_steps)
    places = []
    for weights in run.trace.read.weights[step + 1, 0]:          # one per read head
        place = _place(weights)
        written = last_written(run, int(np.argmax(weights)), step)
        if weights.max() >= FOCUSED:
            place += ", not written yet" if written is None else f", written at step {written}"
        places.append(place)
    places = " and ".join(places)
    answer = step - run.length - 1
    if answer < 0:
        return f"step {step}: no output yet; reading {places}"
    said = _shown(bits_to_text(run.probabilities[step][None]))
    output = f"step {step}: output {answer} '{said}' (target '{_shown(run.text[answer])}')"
    if places.startswith("at "):
        return f"{output} read from {places.removeprefix('at ')}"
    return f"{output}; reading {places}"


# ---- the view of one step ----

def _tick_step(count, most):
    return next(s for s in (1, 2, 5, 10, 20, 50, 100) if count / s <= most)


def _strip(ax, values, title, cursor_step, labels=("bit 0", "bit 4")):
    """A [rows, T] heatmap over time, 0 white to 1 black (blank: grey), with the cursor."""
    image = ax.imshow(values, cmap="Greys", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    ax.set_title(title, loc="left", fontsize=9)
    ax.add_patch(Rectangle((cursor_step - 0.5, -0.5), 1, values.shape[0], fill=False, lw=1.8,
                           edgecolor=CURSOR_COLOUR, zorder=4, gid="cursor"))
    ax.set_yticks(range(0, 4 * len(labels), 4), labels)
    ax.set_facecolor("0.93")
    ax.tick_params(labelsize=8, labelbottom=False)
    return image


def _bars(ax, weights, colour, name, labelbottom=False):
    """One head's (or each head's) weighting over the shown locations, as bars."""
    n, width = weights.shape[1], 0.8 / len(weights)
    for head in range(len(weights)):
        ax.bar(np.arange(n) - 0.4 + (head + 0.5) * width, weights[head], width=width, color=colour,
               alpha=1.0 if head == 0 else 0.6)
    ax.set(ylim=(0, 1), yticks=[0, 1], xlim=(-0.5, n - 0.5))
    ax.set_ylabel("weight", fontsize=8)
    ax.set_title(name, loc="right", fontsize=9, color=colour)
    ax.tick_params(labelbottom=labelbottom, labelsize=8)


def copy_step_view(run, step, fig=None, locations=None):
    """The copy at one step: six panels in one column.

    Over time (a cursor at `step`): 1. the input x_t, 2. the target, 3. the
    output probabilities (wrong bits outlined in red). Over the locations of
    `memory_window(run, locations)`: 4. the write weighting w^w_t, 5. the
    memory M_t after the step [W, n] (colours: +- the largest |value| of the
    run there), 6. the read weighting w^r_t; their titles say what happens
    at the step (write_title, read_title). fig: an empty constrained-layout
    Figure (default: a new one of COPY_FIGSIZE). Returns the six axes.
    """
    step = check_index("step", step, run.num_steps)
    window = memory_window(run, locations)
    (T, L), (N, W) = (run.num_steps, run.length), run.trace.memory.shape[2:]
    fig = plt.figure(figsize=COPY_FIGSIZE, layout="constrained") if fig is None else fig
    axes = fig.subplots(6, 1, height_ratios=[0.9, 0.8, 0.8, 0.55, 1.2, 0.55])
    input_ax, target_ax, output_ax, write_ax, memory_ax, read_ax = axes
    for ax, other in ((target_ax, input_ax), (output_ax, input_ax), (write_ax, memory_ax), (read_ax, memory_ax)):
        ax.sharex(other)
    scored = run.mask[:, None] > 0                                       # unscored steps left blank
    image = _strip(input_ax, run.x.T, "input: the bits of each character, then the delimiter", step,
                   labels=("bit 0", "bit 4", "end"))
    _strip(target_ax, np.where(scored, run.targets, np.nan).T, "target: the word again, after the delimiter", step)
    said = run.output_text if len(run.output_text) <= 40 else run.output_text[:37] + "..."
    wrong = "no wrong bit" if run.wrong_bits == 0 else f"{_wrong_bits(run)}, outlined in red"
    _strip(output_ax, np.where(scored, run.probabilities, np.nan).T, f"output probabilities: '{said}' ({wrong})", step)
    for t, bit in zip(*np.nonzero(((run.probabilities > 0.5) != (run.targets > 0.5)) & scored)):
        output_ax.add_patch(Rectangle((t - 0.5, bit - 0.5), 1, 1, fill=False, edgecolor="red", lw=1.2))
    output_ax.tick_params(labelbottom=True)
    output_ax.set_xticks(range(0, T, _tick_step(T, most=25)))
    output_ax.set_xlabel("step t", fontsize=9)
    if L <= MAX_CHARACTER_LABELS:         # each character above its input step
        top = input_ax.secondary_xaxis("top")
        top.set_xticks(range(L), [_shown(c) for c in run.text])
        top.tick_params(labelsize=8, length=0)
    fig.colorbar(image, ax=list(axes[:3]), label="bit / probability", shrink=0.8, ticks=[0, 1])
    n = len(window)
    _bars(write_ax, run.trace.write.weights[step + 1, 0][:, window], WRITE_COLOUR, "write weighting $w^w_t$")
    _bars(read_ax, run.trace.read.weights[step + 1, 0][:, window], READ_COLOUR, "read weighting $w^r_t$",
          labelbottom=True)
    vmax = float(np.abs(run.trace.memory[:, 0][:, window]).max()) or 1.0
    memory = memory_ax.imshow(run.trace.memory[step + 1, 0][window].T, cmap="RdBu_r", vmin=-vmax, vmax=vmax,
                              aspect="auto", interpolation="nearest")
    memory_ax.set_title(f"memory $M_t$: {n} of {N} locations shown", loc="right", fontsize=9)
    memory_ax.set_yticks([0, W - 1])
    memory_ax.set_ylabel("number", fontsize=8)
    memory_ax.tick_params(labelbottom=False, labelsize=8)
    ticks = [i for i, location in enumerate(window) if location % _tick_step(n, most=20) == 0]
    read_ax.set_xticks(ticks, [str(window[i]) for i in ticks])
    read_ax.set_xlabel("memory location", fontsize=9)
    fig.colorbar(memory, ax=list(axes[3:]), label="memory value", shrink=0.8)
    # the titles that change with the step go at the top left of their panel,
    # on the line of its fixed title at the right (which keeps the room for them)
    for ax, text in zip(axes[3:], (write_title(run, step), f"memory after step {step}", read_title(run, step))):
        ax.annotate(text, (0, 1), xycoords="axes fraction", xytext=(0, 6), textcoords="offset points",
                    fontsize=9, va="baseline", gid="story")
    # what changes with the step stays out of the layout, as in the widget (FigureView,
    # which also redraws the frames of the axes it redraws in)
    for artist in copy_step_artists(axes) + [spine for ax in axes for spine in ax.spines.values()]:
        artist.set_in_layout(False)
    return axes


def _wrong_bits(run):
    return f"{run.wrong_bits} wrong bit{'s' if run.wrong_bits != 1 else ''}"


def update_copy_step_view(axes, run, step, locations=None):
    """Show another step of the run drawn by copy_step_view (axes: the six it returned,
    locations: as given to it), changing only cursors, weightings, memory and titles."""
    step = check_index("step", step, run.num_steps)
    window = memory_window(run, locations)
    input_ax, target_ax, output_ax, write_ax, memory_ax, read_ax = axes
    for ax in axes[:3]:
        _cursor(ax).set_x(step - 0.5)
    for ax, head in ((write_ax, run.trace.write), (read_ax, run.trace.read)):
        heights = head.weights[step + 1, 0][:, window].ravel()
        for bar, height in zip(ax.patches, heights):
            bar.set_height(height)
    memory_ax.images[0].set_data(run.trace.memory[step + 1, 0][window].T)
    _story(write_ax).set_text(write_title(run, step))
    _story(memory_ax).set_text(f"memory after step {step}")
    _story(read_ax).set_text(read_title(run, step))
    return axes


def _cursor(ax):
    return next(patch for patch in ax.patches if patch.get_gid() == "cursor")


def _story(ax):
    """The title that changes with the step (an annotation, see copy_step_view)."""
    return next(text for text in ax.texts if text.get_gid() == "story")


def copy_step_artists(axes):
    """What update_copy_step_view changes, for FigureView.set_changing."""
    input_ax, target_ax, output_ax, write_ax, memory_ax, read_ax = axes
    return ([_cursor(ax) for ax in axes[:3]] + [*write_ax.patches, _story(write_ax), memory_ax.images[0],
            _story(memory_ax), *read_ax.patches, _story(read_ax)])


# ---- the widget ----

class NTMCopyExplorer(widgets.VBox):
    """Type a word; a trained NTM copies it; step through the copy.

    model: a SequenceTagger with an NTM core; task: its Copy task (default
    Copy()). Controls: `word` (a Text box, read on Enter or when left) and
    `step_slider` with a play button; below them the picture (copy_step_view,
    the static counterpart) and a one-line summary. A word the model cannot
    take (a character beyond 8 bits, more characters than memory locations)
    leaves the picture as it was and says why in the summary.
    Attributes: run (the CopyRun shown), step, summary, figure, view (FigureView).
    """

    css_class = "rmc-ntm-explorer"

    def __init__(self, model, task=None, text="NTM", step=0, figsize=COPY_FIGSIZE, interval=600):
        self.model, self.task, self.figsize = model, task if task is not None else Copy(), figsize
        self.run = copy_run(model, text, self.task)          # a bad first word raises, as a bad argument should
        T = self.run.num_steps
        self.word = widgets.Text(value=text, description="word", continuous_update=False)
        self.step_slider = index_slider("step", step, T)
        self.play = play_button(self.step_slider, interval)
        self.view, self.summary_label, self.figure, self._new_word = FigureView(), widgets.HTML(), None, False
        self.word.observe(self._on_word, names="value")
        self.step_slider.observe(self._on_step, names="value")
        super().__init__([widgets.HBox([self.word, self.play, self.step_slider]), self.view.image,
                          self.summary_label])
        self.add_class(self.css_class)
        self.redraw()

    @property
    def step(self):
        return self.step_slider.value

    def _on_word(self, change):
        try:
            run = copy_run(self.model, change["new"], self.task)
        except ValueError as error:             # say what is wrong; keep the last picture
            self._say(f"cannot copy {change['new']!r}: {error}")
            return
        self.run = run
        self._new_word = True                   # the slider's range changes: no redraw until it is set
        self.step_slider.value = 0
        self.play.max = self.step_slider.max = run.num_steps - 1
        self._new_word = False
        self.redraw()

    def _on_step(self, change):
        if self._new_word:
            return
        update_copy_step_view(self.axes, self.run, self.step)
        self.view.render()
        self._say(self.describe())

    def redraw(self):
        """Draw the current run and step on a new figure."""
        self.axes = copy_step_view(self.run, self.step, fig=self.view.new_figure(self.figsize))
        self.view.set_changing(copy_step_artists(self.axes))
        self.figure = self.view.figure
        self.view.render()
        self._say(self.describe())

    def _say(self, text):
        self.summary = text
        self.summary_label.value = html.escape(text, quote=False)   # a word may hold '<' or '&'

    def describe(self):
        """The summary line: where the heads are, the output so far, the wrong bits."""
        run, t = self.run, self.step
        places = [_place(w).split(" (")[0] for w in (run.trace.write.weights[t + 1, 0, 0],
                                                     run.trace.read.weights[t + 1, 0, 0])]
        so_far = run.output_text[:max(0, t - run.length)]
        text = (f"step {t} of {run.num_steps - 1}: writing {places[0]} / reading {places[1]}; "
                f"output so far '{so_far}'; {_wrong_bits(run)} in the whole copy")
        if run.length > self.task.max_length:
            text += f" (longer than any word in training, {self.task.min_length}-{self.task.max_length} characters)"
        return text
