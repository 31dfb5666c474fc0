"""Pictures of a continuous stack or queue at work (lesson 11): what a
StackLSTM pushed, popped and read at every step of a string, and what its
memory held.

    trace = stack_trace(model.core, x)        # model: a SymbolTagger around a StackLSTM
    stack_view(trace, example=0, symbols=...)  # strengths over time, with push, pop and the answer

Every figure fits a ~960 px output area (at most 9.4 inches at 100 dpi).
"""

import matplotlib.pyplot as plt
import numpy as np

from ..cores.stack_rnn import StackLSTM
from ..nn.checks import check_array
from .common import check_index

WIDE = 9.4
PUSH_COLOUR, POP_COLOUR = "tab:green", "tab:red"


def stack_trace(core, x):
    """Run a StackLSTM on x [B, T, D] and gather, from its cache, every step's
    push d [B, T], pop u [B, T], the strengths after the step [B, T, T]
    (strengths[b, t, i]: how much of the value pushed at step i is there after
    step t; 0 for i > t) and the read's weight on each value [B, T, T]."""
    if not isinstance(core, StackLSTM):
        raise ValueError(f"core must be a StackLSTM, got {type(core).__name__}")
    x = check_array("x", x, ndim=3)
    _, _, cache = core.forward(x)
    B, T, _ = x.shape
    push, pop = np.zeros((B, T)), np.zeros((B, T))
    strengths, reads = np.zeros((B, T, T)), np.zeros((B, T, T))
    for t, (_, _, d, u, _, _, stack_cache) in enumerate(cache["steps"]):
        push[:, t], pop[:, t] = d, u
        new_strengths, weights = stack_cache[4], stack_cache[7]
        strengths[:, t, :t + 1], reads[:, t, :t + 1] = new_strengths, weights
    return {"push": push, "pop": pop, "strengths": strengths, "reads": reads, "queue": core.queue, "x": x}


def stack_view(trace, example=0, symbols=None, answer=None, fig=None):
    """The memory of one example over time: push and pop at every step (top),
    and each value's strength after every step (bottom: rows the values, in the
    order pushed, columns the steps), with the read's weights outlined.

    symbols: a label per step (the input read, e.g. 'a b c <sep> . . .');
    answer: a label per step of what the model answered. Returns the axes.
    """
    example = check_index("example", example, trace["push"].shape[0])
    T = trace["push"].shape[1]
    if fig is None:
        fig = plt.figure(figsize=(WIDE, min(2.0 + 0.22 * T, 7.5)), layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=[1, 3.2], sharex=True)
    steps = np.arange(T)
    top.bar(steps - 0.2, trace["push"][example], width=0.4, color=PUSH_COLOUR, label="push $d_t$")
    top.bar(steps + 0.2, trace["pop"][example], width=0.4, color=POP_COLOUR, label="pop $u_t$")
    top.set(ylim=(0, 1.05), ylabel="strength")
    top.legend(loc="upper right", fontsize=8, ncol=2)
    memory = trace["strengths"][example].T                       # [value i, step t]
    bottom.imshow(memory, aspect="auto", cmap="Blues", vmin=0, vmax=1, origin="lower",
                  extent=(-0.5, T - 0.5, -0.5, T - 0.5))
    read_i, read_t = np.nonzero(trace["reads"][example].T > 0.5)
    bottom.scatter(read_t, read_i, marker="s", s=30, facecolors="none", edgecolors="tab:orange",
                   label="read (weight > 0.5)")
    kind = "queue" if trace["queue"] else "stack"
    bottom.set(xlabel="step", ylabel="value pushed at step",
               title=f"what the {kind} holds after each step (darker: stronger)")
    bottom.legend(loc="upper left", fontsize=8)
    if symbols is not None:
        bottom.set_xticks(steps, [str(s) for s in symbols], fontsize=8)
    if answer is not None:
        top.set_title("answered: " + " ".join(str(a) for a in answer), fontsize=9)
    return [top, bottom]
