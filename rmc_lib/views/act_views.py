"""Pictures of Adaptive Computation Time (lesson 11): how long an ACT core
ponders on an input, how its halting probabilities add up to the threshold
and what weight each ponder step gets; how the ponder steps grow with the
number of nonzero entries of a parity vector; and ParityExplorer, the widget
where a learner sets the 16 entries and watches the model ponder (its static
twin is parity_figure).

    trace = ponder_trace(model, x)             # model: an ACTClassifier (or ACT), x [B, T, D]
    ponder_view(trace, example=0)              # one example's ponder steps as a staircase
    ponder_by_count_view({"1e-3": a, "1e-2": b}, x, labels)   # steps and accuracy per nonzero count
    parity_figure(model, "++-0 0000 0000 0000")               # one vector, drawn
    ParityExplorer(model)                      # 16 buttons, each cycles 0 -> +1 -> -1

Every figure fits a ~960 px output area (at most 9.4 inches at 100 dpi).
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from ..cores.act import ACT, ACTClassifier
from ..nn.attention import softmax
from ..nn.checks import check_array
from .common import check_index, panel_axes
from .figure_view import FigureExplorer, cleared

WIDE = 9.4
STEP_COLOUR, REMAINDER_COLOUR, UNUSED_COLOUR = "tab:blue", "tab:orange", "0.8"
MINUS, PLUS, ZERO = "tab:red", "tab:green", "white"
PARITY_FIGSIZE = (WIDE, 4.4)
MINUS_SIGN = "\u2212"
SHOWN = {0.0: "0", 1.0: "+1", -1.0: MINUS_SIGN + "1"}          # an entry as a button and a cell show it


def _act_of(model):
    act = model.act if isinstance(model, ACTClassifier) else model
    if not isinstance(act, ACT):
        raise ValueError(f"model must be an ACT or an ACTClassifier, got {type(model).__name__}")
    return act


def _check_classifier(model):
    """The answers (probabilities, predictions) come from an ACTClassifier only."""
    if not isinstance(model, ACTClassifier):
        raise ValueError(f"model must be an ACTClassifier, got {type(model).__name__}")
    return model


def ponder_trace(model, x):
    """Run an ACT (or an ACTClassifier's) on x [B, T, D] (parity: [B, 1, D])
    and gather, from ACT.step's cache, for every example and time step:

      halting    [B, T, P]  h^n of each ponder step (0 after the example halted)
      weights    [B, T, P]  p^n, the weight of step n in the output and state
      cumulative [B, T, P]  C^n = p^1 + ... + p^n (1 from the halting step on)
      N          [B, T]     the ponder steps taken (an integer)
      R          [B, T]     the remainder 1 - C^{N-1} (Sonnet's 0 when N = 1)
      outputs    [B, T, output_size]

    P is the most ponder steps any example took. A classifier's trace also
    has probabilities [B, num_classes] and predictions [B] (read at the last
    time step). threshold and max_steps are the ACT's."""
    act = _act_of(model)
    x = check_array("x", x, ndim=3)
    outputs, _, (N, R), cache = act.forward(x)
    B, T, _ = x.shape
    P = int(N.max())
    halting, weights = np.zeros((B, T, P)), np.zeros((B, T, P))
    for t, (steps, _) in enumerate(cache["steps"]):
        for n, (_, _, _, h, _, p) in enumerate(steps[:P]):
            own = n < N[:, t]                   # the batch ponders on until its slowest example halts
            halting[:, t, n], weights[:, t, n] = np.where(own, h, 0.0), np.where(own, p, 0.0)
    trace = {"halting": halting, "weights": weights, "cumulative": np.cumsum(weights, axis=2),
             "N": N.astype(int), "R": R.astype(float), "outputs": outputs, "x": x,
             "threshold": act.threshold, "max_steps": act.max_steps}
    if isinstance(model, ACTClassifier):
        probabilities = softmax(outputs[:, -1].astype(float))
        trace.update(probabilities=probabilities, predictions=probabilities.argmax(axis=1))
    return trace


def _output_text(trace, b):
    if "probabilities" in trace:
        said = int(trace["predictions"][b])
        return f"answers {said} (p = {trace['probabilities'][b, said]:.2f})"
    y = trace["outputs"][b, -1]
    shown = ", ".join(f"{v:.2f}" for v in y[:3])
    return f"output [{shown}{', ...' if len(y) > 3 else ''}]"


def ponder_view(trace, example=0, time=None, fig=None, ax=None, label=None):
    """One example's ponder steps at one time step (default the last) as a
    staircase: step n's bar rises from C^{n-1} by its halting probability
    h^n (written above it: its weight p^n), until the sum passes the
    threshold (dashed); the last step's bar is the remainder R = 1 - C^{N-1}
    (orange), its h^N beyond 1 grey (not used). The title gives N, R, the
    ponder cost N + R and the answer (with `label`, the right class: right or
    wrong). At N = 1 the one bar has weight 1 while R is Sonnet's 0 (see
    cores.act); the title says so. ax: the axes to draw on; else fig's (a new
    axes) or a new figure. Returns the axes."""
    b = check_index("example", example, trace["N"].shape[0])
    T = trace["N"].shape[1]
    t = T - 1 if time is None else check_index("time", time, T)
    if label is not None and "predictions" in trace:
        label = check_index("label", label, trace["probabilities"].shape[1])
    n, R = int(trace["N"][b, t]), float(trace["R"][b, t])
    h, p = trace["halting"][b, t, :n], trace["weights"][b, t, :n]
    before = np.concatenate([[0.0], trace["cumulative"][b, t, :n - 1]])     # C^{n-1}
    if ax is None:
        fig = plt.figure(figsize=(WIDE, 3.6), layout="constrained") if fig is None else fig
        ax = fig.subplots()
    steps = np.arange(1, n + 1)
    ax.bar(steps[:-1], p[:-1], bottom=before[:-1], width=0.7, color=STEP_COLOUR,
           label="halting probability $h^n$\n= the weight $p^n$")
    ax.bar(n, p[-1], bottom=before[-1], width=0.7, color=REMAINDER_COLOUR,
           label="the last weight: the\nremainder $R = 1 - C^{N-1}$")
    unused = max(0.0, before[-1] + h[-1] - 1.0)
    ax.bar(n, unused, bottom=1.0, width=0.7, color=UNUSED_COLOUR, hatch="//", edgecolor="0.5",
           label="$h^N$ beyond 1 (not used)")
    for step, bottom, weight in zip(steps, before, p):
        if step == n and unused > 0:          # on the remainder's own bar, not above the unused part
            ax.text(step, bottom + weight / 2, f"{weight:.2f}", ha="center", va="center", fontsize=8)
        else:
            ax.text(step, bottom + weight + 0.03, f"{weight:.2f}", ha="center", va="bottom", fontsize=8)
    ax.axhline(trace["threshold"], color="black", linestyle="--", linewidth=1,
               label=f"threshold $1 - \\epsilon$ = {trace['threshold']:g}")
    most = trace["max_steps"] or max(trace["halting"].shape[2], n)
    ax.set(xlim=(0.4, most + 0.6), ylim=(0, max(1.3, 1.0 + unused + 0.2)), xlabel="ponder step $n$",
           ylabel="$C^n$, the halting sum")
    ax.set_xticks(range(1, most + 1, max(1, most // 20)))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    when = f"time step {t}: " if T > 1 else ""
    cost = f"ponder cost {n + R:.2f}"
    remainder = f"R = {R:.2f} ({cost})" if n > 1 else f"R = 0 (Sonnet's at N = 1; {cost})"
    title = f"{when}N = {n} ponder step{'s' if n > 1 else ''}, {remainder}; the model {_output_text(trace, b)}"
    if label is not None and "predictions" in trace:
        right = int(trace["predictions"][b]) == label
        title += ": right" if right else f": wrong (the answer is {label})"
    ax.set_title(title, fontsize=10)
    return ax


# ---- ponder steps against the number of nonzero entries ----

def ponder_by_count(model, x, labels):
    """For a parity model on x [B, 1, D] with labels [B]: per number of
    nonzero entries (count, the ones that occur), the mean and the standard
    deviation of the ponder steps (N, summed over time steps), the accuracy
    and the number of examples. A dict of arrays."""
    trace = ponder_trace(_check_classifier(model), x)
    labels = np.asarray(labels)
    if labels.shape != trace["predictions"].shape:
        raise ValueError(f"labels must have shape [B={len(trace['N'])}] (one per example of x), "
                         f"got {list(labels.shape)}")
    nonzero = np.count_nonzero(trace["x"], axis=(1, 2))
    steps, right = trace["N"].sum(axis=1), trace["predictions"] == labels
    counts = np.unique(nonzero)
    return {"count": counts,
            "mean_steps": np.array([steps[nonzero == c].mean() for c in counts]),
            "std_steps": np.array([steps[nonzero == c].std() for c in counts]),
            "accuracy": np.array([right[nonzero == c].mean() for c in counts]),
            "examples": np.array([np.sum(nonzero == c) for c in counts])}


def ponder_by_count_view(models, x, labels, axes=None):
    """Left: the mean ponder steps (bars: one standard deviation) against the
    number of nonzero entries; right: the accuracy per count. models: one
    ACTClassifier or a dict {name: model} (e.g. two ponder penalties), each
    drawn in its own colour, named in the legend. axes: two axes to draw
    on (default a new figure). Returns the two axes."""
    models = models if isinstance(models, dict) else {"ACT": models}
    if not models:
        raise ValueError("models must hold at least one model, got an empty dict")
    steps_ax, accuracy_ax = axes = panel_axes(axes, 2, "panel: steps, accuracy", (WIDE, 3.4))
    shift = 0.3 / len(models)                     # side by side, so that the error bars do not hide each other
    for i, (name, model) in enumerate(models.items()):
        numbers = ponder_by_count(model, x, labels)
        where = numbers["count"] + (i - (len(models) - 1) / 2) * shift
        steps_ax.errorbar(where, numbers["mean_steps"], yerr=numbers["std_steps"], marker="o", markersize=4,
                          capsize=2, label=name)
        accuracy_ax.plot(numbers["count"], numbers["accuracy"], marker="o", markersize=4, label=name)
    steps_ax.set(xlabel="nonzero entries", ylabel="ponder steps N", title="how long it ponders")
    accuracy_ax.set(xlabel="nonzero entries", ylabel="accuracy", ylim=(0, 1.05), title="how often it is right")
    accuracy_ax.axhline(0.5, color="0.6", linestyle=":", linewidth=1)
    accuracy_ax.text(0.02, 0.52, "chance", fontsize=8, color="0.4", transform=accuracy_ax.get_yaxis_transform())
    steps_ax.legend(fontsize=8, loc="upper left")
    for ax in axes:
        ax.title.set_fontsize(10)
    return axes


# ---- one parity vector ----

def parse_bits(bits, size=16):
    """A parity vector [size] of 0, +1 and -1 from a sequence of numbers, or
    from a string of '+', '-' and '0' (spaces ignored; the minus sign the
    pictures show counts as '-'): '+-00 ...'. Raises ValueError for another
    value or another length."""
    if isinstance(bits, str):
        letters = "".join(bits.split()).replace(MINUS_SIGN, "-")
        bad = [c for c in letters if c not in "+-0"]
        if bad:
            raise ValueError(f"bits as text must hold only '+', '-' and '0', got {bad[0]!r}")
        values = [{"+": 1.0, "-": -1.0, "0": 0.0}[c] for c in letters]
    else:
        try:
            values = [float(v) for v in bits]
        except (TypeError, ValueError):
            raise ValueError(f"bits must be {size} numbers (0, 1 or -1) or a string of +, - and 0, "
                             f"got {bits!r}") from None
        bad = [v for v in values if v not in (0.0, 1.0, -1.0)]
        if bad:
            raise ValueError(f"bits must be 0, 1 or -1, got {bad[0]:g}")
    if len(values) != size:
        raise ValueError(f"bits must hold {size} entries, got {len(values)}")
    return np.array(values)


def _entries(count, what):
    return f"{count} {'entry' if count == 1 else 'entries'} {what}"


def _parity_line(bits):
    plus, minus = int(np.sum(bits == 1)), int(np.sum(bits == -1))
    return plus, minus, plus % 2


def parity_figure(model, bits, fig=None):
    """A parity vector and how the model ponders on it: the entries as a
    strip of cells (+1 green, -1 red) titled with their parity, and
    ponder_view below (right or wrong against the parity). bits: as
    parse_bits takes them. fig: an empty constrained-layout Figure (default
    a new one of PARITY_FIGSIZE, the widget's). Returns (strip, ponder) axes."""
    act = _act_of(model)
    bits = parse_bits(bits, act.input_size)
    trace = ponder_trace(model, bits[None, None, :])
    if fig is None:
        fig = plt.figure(figsize=PARITY_FIGSIZE, layout="constrained")
    strip, ponder = fig.subplots(2, 1, height_ratios=[1, 5])
    strip.imshow(bits[None, :], cmap=ListedColormap([MINUS, ZERO, PLUS]), vmin=-1.5, vmax=1.5, aspect="auto")
    for i, value in enumerate(bits):
        strip.text(i, 0, SHOWN[value], ha="center", va="center", fontsize=9)
    strip.set_xticks(np.arange(len(bits) + 1) - 0.5, minor=True)
    strip.grid(which="minor", color="0.6", linewidth=0.5)
    strip.tick_params(which="both", length=0, labelbottom=False, labelleft=False)
    plus, minus, parity = _parity_line(bits)
    strip.set_title(f"the input: {_entries(plus, '+1')}, {_entries(minus, MINUS_SIGN + '1')}, "
                    f"{_entries(len(bits) - plus - minus, '0')}; "
                    f"parity {parity} ({'odd' if parity else 'even'} number of +1s)", fontsize=10)
    ponder_view(trace, 0, ax=ponder, label=parity)
    return [strip, ponder]


def describe_parity(model, bits):
    """One line: the parity, the model's answer and its probability, N and R.
    model: an ACTClassifier."""
    bits = parse_bits(bits, _check_classifier(model).act.input_size)
    trace = ponder_trace(model, bits[None, None, :])
    plus, _, parity = _parity_line(bits)
    said, n = int(trace["predictions"][0]), int(trace["N"][0, 0])
    verdict = "right" if said == parity else "wrong"
    return (f"{_entries(plus, '+1')}: parity {parity}; the model answers {said} with p = "
            f"{trace['probabilities'][0, said]:.2f} ({verdict}); it pondered N = {n} step{'s' if n > 1 else ''}, "
            f"R = {trace['R'][0, 0]:.2f}")


class ParityExplorer(FigureExplorer):
    """Set a parity vector and watch a trained ACT classifier ponder on it.

    A row of buttons, one per entry, each showing its value and cycling
    0 -> +1 -> -1 -> 0 when clicked; below them the picture (parity_figure,
    redrawn on the same figure) and a summary line (describe_parity).
    set_bits(...) sets them all from code (as parse_bits takes them); a bad
    value is reported in `message_label`, the picture stays.
    Attributes: bits [size], buttons, summary, message, figure, axes, view."""

    css_class = "rmc-parity-explorer"
    NEXT = {0.0: 1.0, 1.0: -1.0, -1.0: 0.0}
    STYLE = {0.0: "", 1.0: "success", -1.0: "danger"}

    def __init__(self, model, bits=None, figsize=PARITY_FIGSIZE):
        self.model, self.figsize = _check_classifier(model), figsize
        size = model.act.input_size
        self.bits = np.zeros(size) if bits is None else parse_bits(bits, size)   # a bad first vector raises
        self.buttons = [widgets.Button(layout=widgets.Layout(width="44px")) for _ in range(size)]
        for i, button in enumerate(self.buttons):
            button.on_click(lambda _, i=i: self.flip(i))
        super().__init__([widgets.HBox(self.buttons)], figsize)
        self._redraw()

    def flip(self, i):
        """Entry i goes on to its next value (0 -> +1 -> -1 -> 0)."""
        self.bits[i] = self.NEXT[float(self.bits[i])]
        self._say_message("")
        self._redraw()

    def set_bits(self, bits):
        """Set every entry (as parse_bits takes them); a bad value is reported, never raised."""
        try:
            values = parse_bits(bits, len(self.bits))
        except ValueError as error:             # say what is wrong; keep the last picture
            self._say_message(f"cannot set {bits!r}: {error}")
            return
        self.bits = values
        self._say_message("")
        self._redraw()

    def _redraw(self):
        for button, value in zip(self.buttons, self.bits):
            button.description, button.button_style = SHOWN[float(value)], self.STYLE[float(value)]
        self.axes = parity_figure(self.model, self.bits, fig=cleared(self.figure))
        self._show(describe_parity(self.model, self.bits))
