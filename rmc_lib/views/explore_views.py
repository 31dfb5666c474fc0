"""Pictures and widgets of lesson 07 (a trained model explored): memory and
gates at each step and their explorer, and the measurements over a
held-out set. A model's answer to one problem and the task explorer are in
answer_views (TaskExplorer is also importable from here).
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..nn.checks import check_array
from .common import check_index, keep_room_at_top, new_axes, panel_axes, slot_labels
from .heatmaps import attention_heatmap, memory_heatmap
from .answer_views import TaskExplorer, answer, draw_answer  # noqa: F401  (lesson 07 uses them from here)
from .memory_views import TraceAttentionExplorer

#: The memory and gates view's size: it fits a ~960 px output area inline
#: (100 dpi) and in a FigureView (90 dpi).
MEMORY_FIGSIZE = (9.4, 3.0)


def memory_and_gates(trace, step, example=0, fig=None, vmax=None, change_max=None):
    """The memory and gates view of one step: four panels.

    1. the memory after the step, M_{t+1} [N, F] (colour scale: +-vmax,
       default the largest |value| over all steps of this example, so that
       steps can be compared);
    2. the input gate and 3. the forget gate of each slot at this step
       ([N, g]: g = F for 'unit' gates, 1 for 'memory' gates), from 0 to 1;
    4. how far each slot moved at this step, ||M_{t+1} - M_t|| per slot,
       on an axis up to change_max (default: the largest move of any slot
       at any step of this example).

    fig: an empty Figure (default: a new one). Returns the four axes.
    A trace of an RMC without gates draws the gate panels empty, saying so.
    """
    T1, B, N, F = trace.memory.shape
    step = check_index("step", step, T1 - 1)
    example = check_index("example", example, B)
    if fig is None:
        fig = plt.figure(figsize=MEMORY_FIGSIZE, layout="constrained")
    axes = fig.subplots(1, 4, width_ratios=[2.3, 2.1, 2.1, 1.4])
    if vmax is None:
        vmax = float(np.abs(trace.memory[:, example]).max()) or 1.0
    memory_heatmap(trace.memory[step + 1, example], ax=axes[0], vmax=vmax, title=_memory_title(step))
    axes[0].title.set_fontsize(10)
    axes[0].set_xticks(range(0, F, max(1, F // 4)))
    # the gate and move panels share the memory's rows: one row per slot,
    # named once, on the memory panel
    gate_images = []
    for ax, gate, name in [(axes[1], trace.input_gate, "input gate"), (axes[2], trace.forget_gate, "forget gate")]:
        if gate is None:
            ax.text(0.5, 0.5, "no gates\n(gate_style None)", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        values = gate[step, example]                                  # [N, g]
        gate_images.append(ax.imshow(values, cmap="Greens", vmin=0, vmax=1, aspect="auto"))
        ax.set_yticks(range(N), [])
        ax.set_xticks(range(0, values.shape[1], max(1, values.shape[1] // 4)))
        ax.set_xlabel("unit" if values.shape[1] > 1 else "one gate per slot")
        ax.set_title(_gate_title(name, values), fontsize=10)
    if gate_images:
        fig.colorbar(gate_images[0], ax=[axes[1], axes[2]], label="gate value", shrink=0.9)
    change = trace.memory_change()[:, example]                        # [T, N]
    axes[3].barh(range(N), change[step], color="tab:purple")
    axes[3].set_yticks(range(N), [])
    axes[3].set_ylim(N - 0.5, -0.5)                                   # slot 0 on top, as in the heatmaps
    if change_max is None:
        change_max = float(change.max())
    axes[3].set_xlim(0, change_max * 1.05 or 1.0)
    axes[3].set_xlabel(r"$\|M_{t+1} - M_t\|$")
    axes[3].set_title("move per slot", fontsize=10)
    # the titles change with the step: out of the layout, in a band above the
    # panels; and the frames too, as the widget redraws them with what changes
    keep_room_at_top(fig, 0.3, [ax.title for ax in axes] + [spine for ax in axes for spine in ax.spines.values()])
    return axes


def _memory_title(step):
    return f"memory after step {step}"


def _gate_title(name, values):
    return f"{name}, mean {values.mean():.2f}"


def update_memory_and_gates(axes, trace, step, example=0):
    """Show another step or example of the same trace in a picture drawn by
    `memory_and_gates` (axes: the four it returned), changing only its data
    and titles; the colour scale and the axis of the moves stay as drawn."""
    T1, B = trace.memory.shape[:2]
    step = check_index("step", step, T1 - 1)
    example = check_index("example", example, B)
    memory_ax, input_ax, forget_ax, change_ax = axes
    memory_ax.images[0].set_data(trace.memory[step + 1, example])
    memory_ax.title.set_text(_memory_title(step))
    for ax, gate, name in [(input_ax, trace.input_gate, "input gate"), (forget_ax, trace.forget_gate, "forget gate")]:
        if gate is not None:
            ax.images[0].set_data(gate[step, example])
            ax.title.set_text(_gate_title(name, gate[step, example]))
    for bar, width in zip(change_ax.patches, trace.memory_change()[step, example]):
        bar.set_width(width)
    return axes


def memory_and_gates_artists(axes):
    """What `update_memory_and_gates` changes, for FigureView."""
    memory_ax, input_ax, forget_ax, change_ax = axes
    changing = [memory_ax.images[0], memory_ax.title, *change_ax.patches]
    for ax in (input_ax, forget_ax):
        if ax.images:                          # a gate panel (empty without gates)
            changing += [ax.images[0], ax.title]
    return changing


class MemoryGatesExplorer(TraceAttentionExplorer):
    """Step through a recorded run and watch the memory and the gates.

    The same controls as TraceAttentionExplorer without block and head:
    step (with a play button) and example. For the current step it shows
    (static counterpart: memory_and_gates) the memory after the step,
    the input and forget gate of every slot, and how far each slot moved.

    Attributes: memory [N, F] (after the step), input_gate and forget_gate
    [N, g] (None without gates), change [N] (how far each slot moved), figure.
    """

    css_class = "rmc-memory-explorer"

    def __init__(self, trace, step=0, example=0, figsize=None, interval=800):
        figsize = figsize or MEMORY_FIGSIZE
        super().__init__(trace, step=step, example=example, figsize=figsize, interval=interval)

    def controls(self):
        return [self.step_slider, self.example_slider]

    def layout_rows(self):
        return [widgets.HBox([self.play, self.step_slider, self.example_slider])]

    def compute(self):
        t, i = self.step, self.example
        self.memory = self.trace.memory[t + 1, i]
        self.input_gate = None if self.trace.input_gate is None else self.trace.input_gate[t, i]
        self.forget_gate = None if self.trace.forget_gate is None else self.trace.forget_gate[t, i]
        self.change = self.trace.memory_change()[t, i]

    def describe(self):
        moved = int(np.argmax(self.change))
        text = f"step {self.step}: slot {moved} moved the most ({self.change[moved]:.2f})"
        if self.input_gate is not None:
            text += (f"; mean input gate {self.input_gate.mean():.2f}, "
                     f"mean forget gate {self.forget_gate.mean():.2f}")
        return text

    def draw_panels(self, fig):
        # one colour scale and one axis for the moves over the whole trace,
        # so that steps and examples can be compared (and the colorbar stays put)
        self.axes = memory_and_gates(self.trace, self.step, self.example, fig=fig,
                                           vmax=float(np.abs(self.trace.memory).max()) or 1.0,
                                           change_max=float(self.trace.memory_change().max()))
        return memory_and_gates_artists(self.axes)

    def refresh(self):
        update_memory_and_gates(self.axes, self.trace, self.step, self.example)


# ----------------------------------------------------------------------
# Measurements over a held-out set (section 4 of lesson 07)
# ----------------------------------------------------------------------

def input_weight_by_step(weights, ax=None):
    """The mean weight the slots give the input row, step by step, one line
    per head: weights [T, H] (e.g. trace.attention[:, block, :, :, :-1, -1]
    averaged over problems and slots). Returns the axes."""
    weights = check_array("weights", weights, ndim=2)
    T, H = weights.shape
    if ax is None:
        ax = new_axes((5.6, 3.2))
    for head in range(H):
        ax.plot(range(T), weights[:, head], "o-", label=f"head {head}")
    ax.set(xlabel="step", ylabel="mean weight on the input row", ylim=(0, 1), xticks=range(T),
           title="the slots' attention to the input, all problems")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", ncols=H, fontsize=9)
    return ax


def input_weight_by_id(by_id, axes=None):
    """How much each slot attends to the input row when the object read has
    a given id: by_id [H, C, N] (head, id, slot), one annotated heatmap per
    head with a shared colour scale from 0 to 1. Returns the H axes."""
    by_id = check_array("by_id", by_id, ndim=3)
    H, C, N = by_id.shape
    axes = panel_axes(axes, H, "head", (min(0.9 + 3.4 * H, 9.4), 0.9 + 0.45 * C))
    for head, ax in enumerate(axes):
        attention_heatmap(by_id[head], ax=ax, row_labels=[f"id {c}" for c in range(C)],
                          col_labels=slot_labels(N, input_row=False), title=f"head {head}", colorbar=False,
                          xlabel="slot (attending)", ylabel="id of the object read" if head == 0 else "")
    axes[0].figure.colorbar(axes[0].images[0], ax=list(axes), label="weight on the input row", shrink=0.9)
    return axes


def slot_shares(shares, ax=None, title="slot that moved most"):
    """Grouped bars: for each slot, the share of cases in which it moved the
    most, one bar per condition. shares: dict condition -> [N] shares
    (e.g. 'at the reference's step', 'at the other steps'). Returns the axes."""
    if not shares:
        raise ValueError("shares must name at least one condition, got none")
    N = len(next(iter(shares.values())))
    if ax is None:
        ax = new_axes((5.6, 3.2))
    width = 0.8 / len(shares)
    for index, (condition, values) in enumerate(shares.items()):
        values = check_array(f"shares[{condition!r}]", values, ndim=1, last_dim=N)
        ax.bar(np.arange(N) - 0.4 + (index + 0.5) * width, values, width=width, label=condition,
               color=["tab:purple", "0.6", "tab:olive", "tab:cyan"][index % 4])
    ax.hlines(1 / N, -0.5, N - 0.5, color="k", ls=":", lw=1, label=f"1/N = {1 / N:.2f}: no preference")
    ax.set(xticks=range(N), xlim=(-0.5, N - 0.5), ylabel="share of cases", title=title)
    ax.set_xticks(range(N), slot_labels(N, input_row=False))
    ax.set_ylim(0, max(0.6, 1.25 * max(float(np.max(v)) for v in shares.values())))
    ax.legend(loc="upper center", ncols=len(shares) + 1, fontsize=8, frameon=False)
    return ax
