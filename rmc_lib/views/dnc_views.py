"""Pictures of lesson 09 (the Differentiable Neural Computer), drawn from a
recorded run (rmc_lib.trace.record gives a DNCTrace): allocation as sorting,
the temporal link matrix, usage and weightings over time, one step of the
run, and DNCExplorer, the widget that steps through a run (the static twin
of its picture is dnc_step_view).

Every figure fits a ~960 px output area (at most 9.4 inches at 100 dpi).
"""

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..nn.checks import check_array
from ..nn.dnc_addressing import allocation_forward
from .common import check_index, index_slider, play_button
from .figure_view import FigureView

WIDE = 9.4
#: fits a ~960 px output area inline (100 dpi) and in a FigureView (90 dpi)
STEP_FIGSIZE = (9.4, 5.6)
USAGE_COLOUR, ALLOCATION_COLOUR, WRITE_COLOUR = "tab:gray", "tab:green", "tab:red"
MODE_COLOURS = {"backward": "tab:purple", "forward": "tab:orange", "content": "tab:cyan"}


def _location_bars(ax, values, colour, title, ylabel="weight"):
    N = len(values)
    ax.bar(range(N), values, color=colour, width=0.8)
    ax.set(xlim=(-0.5, N - 0.5), ylim=(0, 1.05), xlabel="location")
    ax.set_xticks(range(0, N, max(1, N // 8)))
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)


def allocation_view(usage, title=None):
    """Allocation as sorting, for one usage vector u [N] in [0, 1].

    Left: the usage of each location. Middle: the locations sorted by usage,
    least used first (deepmind's order: descending non-usage, equal usages
    lower index first), the sorted usages as bars and their exclusive
    cumulative product prod_{k<j} u[phi_k] as a line. Right: the allocation
    a[phi_j] = (1 - u[phi_j]) prod_{k<j} u[phi_k], put back at its locations.
    All three come from rmc_lib.nn.dnc_addressing.allocation_forward (so with
    its 1e-6 floor on the usage). Returns the axes (usage, sorted, allocation).
    """
    usage = check_array("usage", usage, ndim=1)
    if ((usage < 0) | (usage > 1)).any():
        raise ValueError(f"usage must lie in [0, 1], got values from {usage.min():g} to {usage.max():g}")
    N = len(usage)
    allocation, (order, _, sorted_usage, before) = allocation_forward(usage[None])
    allocation, order, sorted_usage, before = allocation[0], order[0], sorted_usage[0], before[0]
    fig, axes = plt.subplots(1, 3, figsize=(WIDE, 3.2), layout="constrained")
    _location_bars(axes[0], usage, USAGE_COLOUR, "usage u", ylabel="value")
    axes[1].bar(range(N), sorted_usage, color=USAGE_COLOUR, width=0.8, label="usage, sorted")
    axes[1].plot(range(N), before, color="black", marker="o", ms=4, label="product of the usages before")
    axes[1].set(xlim=(-0.5, N - 0.5), ylim=(0, 1.05), xlabel="location, least used first")
    # the sorted order is irregular: every location named, upright while they fit, else turned
    axes[1].set_xticks(range(N), [str(i) for i in order] if N <= 20 else [""] * N, rotation=0 if N <= 10 else 90,
                       fontsize=10 if N <= 16 else 9)
    axes[1].set_title("sorted by usage", fontsize=10)
    axes[1].set(ylim=(0, 1.45), yticks=np.linspace(0, 1, 6))          # room above 1 for the legend
    axes[1].legend(loc="upper right", fontsize=9)
    top = int(np.argmax(allocation))
    colours = [ALLOCATION_COLOUR if i == top else "tab:gray" for i in range(N)]
    axes[2].bar(range(N), allocation, color=colours, width=0.8)
    axes[2].set(xlim=(-0.5, N - 0.5), ylim=(0, 1.05), xlabel="location")
    axes[2].set_xticks(range(0, N, max(1, N // 8)))
    axes[2].set_title("allocation a = (1 - u) x product", fontsize=10)
    fig.suptitle(title or f"location {top} gets the most allocation ({allocation[top]:.2f}): "
                 f"usage {usage[top]:.2f}, the least used")
    return axes


def link_view(link, precedence=None, title=None):
    """The temporal link matrix L [N, N] as a heatmap: L[i, j] says how much
    location i was written right after location j (rmc_lib.nn.dnc_linkage),
    so rows are "written after", columns "written before". The precedence p
    [N] (how much each location was the last written) is a bar strip above
    the columns, since the next write at i adds w(i) p(j) to L[i, j].
    Returns the axes (precedence, link), precedence None when not given.
    """
    link = check_array("link", link, ndim=2)
    N = link.shape[0]
    if link.shape != (N, N):
        raise ValueError(f"link must be square [N, N], got {list(link.shape)}")
    if precedence is not None:
        precedence = check_array("precedence", precedence, ndim=1)
        if precedence.shape != (N,):
            raise ValueError(f"precedence must have one entry per location ({N}), got {precedence.shape[0]}")
    fig = plt.figure(figsize=(5.6, 1.6 + 0.32 * N + (1.0 if precedence is not None else 0)), layout="constrained")
    if precedence is None:
        link_ax, strip = fig.subplots(), None
    else:
        strip, link_ax = fig.subplots(2, 1, sharex=True, height_ratios=[1.0, max(N * 0.32, 1.5)])
        strip.bar(range(N), precedence, color=WRITE_COLOUR, width=0.8)
        strip.set(ylim=(0, 1.05), yticks=[0, 1])
        strip.set_ylabel("p", fontsize=9)
        strip.set_title("precedence p: how much each location was the last written", fontsize=9)
        strip.tick_params(labelbottom=False)
    image = link_ax.imshow(link, cmap="Greys", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    every = max(1, N // 8)
    link_ax.set_xticks(range(0, N, every))
    link_ax.set_yticks(range(0, N, every))
    link_ax.set_xlabel("location j, written before")
    link_ax.set_ylabel("location i, written after")
    fig.colorbar(image, ax=link_ax, label="L[i, j]")
    fig.suptitle(title or "temporal link matrix L", fontsize=11)
    return strip, link_ax


def _check_example(trace, example):
    return check_index("example", example, trace.memory.shape[1])


def _mode_families(modes, V):
    """Read modes [..., 1 + 2V] summed by kind: backward, forward, content."""
    return {"backward": modes[..., :V].sum(-1), "forward": modes[..., V:2 * V].sum(-1), "content": modes[..., 2 * V]}


def usage_and_weights_over_time(trace, example=0, title=None):
    """One example's run over time (steps across, locations down): the usage
    u_t, write head 0's weighting, each read head's weighting, and each read
    head's read modes as stacked areas (trace.mode_labels()). Returns the axes."""
    example = _check_example(trace, example)
    T, R = trace.num_steps, trace.read_weights.shape[2]
    N = trace.memory.shape[2]
    maps = [("usage $u_t$", trace.usage[1:, example], "Greys"),
            ("write weighting $w^w_t$ (head 0)", trace.write_weights[1:, example, 0], "Reds")]
    maps += [(f"read weighting $w^r_t$ (head {r})", trace.read_weights[1:, example, r], "Blues") for r in range(R)]
    fig, axes = plt.subplots(len(maps) + R, 1, figsize=(WIDE, 1.0 + 1.3 * (len(maps) + R)), layout="constrained",
                             sharex=True, height_ratios=[min(max(N, 3), 12)] * len(maps) + [3] * R)
    every = 1 if N <= 8 else 2 if N <= 16 else N // 4        # a label for every location that fits
    for ax, (name, values, cmap) in zip(axes, maps):
        image = ax.imshow(values.T, cmap=cmap, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        ax.set_yticks(range(0, N, every))
        ax.set_ylabel("location", fontsize=9)
        ax.set_title(name, loc="left", fontsize=9)
        fig.colorbar(image, ax=ax, ticks=[0, 1], pad=0.01)
    labels = trace.mode_labels()
    colours = [MODE_COLOURS[label.split()[0]] for label in labels]
    edges = np.arange(T + 1) - 0.5          # each step's modes fill its column, as in the heatmaps above
    for r, ax in enumerate(axes[len(maps):]):
        modes = trace.read_modes[:, example, r]
        ax.stackplot(edges, np.concatenate([modes, modes[-1:]]).T, labels=labels, colors=colours, alpha=0.85,
                     step="post")
        ax.set(ylim=(0, 1), yticks=[0, 1], xlim=(-0.5, T - 0.5))
        ax.set_ylabel("mode", fontsize=9)
        ax.set_title(f"read modes $\\pi_t$ (read head {r})", loc="left", fontsize=9)
    # on the line of the first modes panel's title, at the right: the areas fill the panel
    axes[len(maps)].legend(loc="lower right", bbox_to_anchor=(1, 1), ncol=len(labels), fontsize=9,
                           frameon=False, borderaxespad=0.1)
    axes[-1].set_xlabel("step t")
    axes[-1].set_xticks(range(0, T, max(1, T // 10)))
    if title:
        fig.suptitle(title)
    return axes


def _grouped_bars(ax, rows, colours, legend=None):
    """rows [k, n] as k bars side by side at each of n places; a legend
    (one label per row) goes in a band above 1, where no bar reaches."""
    k, n = rows.shape
    width = 0.8 / k
    for row, values in enumerate(rows):
        ax.bar(np.arange(n) - 0.4 + (row + 0.5) * width, values, width=width, color=colours[row])
    # two legend entries a row keep the legend inside its axes, under the frame the widget redraws
    columns = 1 if legend is None else min(len(legend), 2)
    top = 1.05 if legend is None else 1.2 + 0.2 * -(-len(legend) // columns)
    ax.set(ylim=(0, top), yticks=[0, 0.5, 1], xlim=(-0.5, n - 0.5))
    if legend is not None:
        ax.legend(legend, loc="upper center", ncol=columns, fontsize=9, handlelength=1, columnspacing=0.8,
                  borderaxespad=0.2)


def _step_values(trace, step, example):
    """What dnc_step_view shows at a step, panel by panel."""
    return {"memory": trace.memory[step + 1, example], "usage": trace.usage[step + 1, example][None],
            "write": np.stack([trace.allocation_weights[step, example, 0], trace.write_weights[step + 1, example, 0]]),
            "read": trace.read_weights[step + 1, example],
            "modes": trace.read_modes[step, example].T,          # [1 + 2V, R]: each mode's bars by head
            "link": trace.link[step + 1, example, 0]}


def step_title(trace, step, example=0):
    """The changing title of dnc_step_view, e.g. "after step 3, example 0"."""
    return f"after step {step}, example {example}"


def dnc_step_view(trace, step, example=0, fig=None):
    """One step of a recorded run: the memory M_t after the step [N, W], the
    usage u_t, the allocation a_t (head 0, before the gates) beside the write
    weighting w^w_t, each read head's weighting w^r_t, each read head's read
    modes pi_t (bars, trace.mode_labels()), and write head 0's link matrix
    L_t. fig: an empty constrained-layout Figure (default a new one of
    STEP_FIGSIZE). Returns the six axes (memory, usage, write, read, modes,
    link); update_dnc_step_view shows another step on them."""
    example = _check_example(trace, example)
    step = check_index("step", step, trace.num_steps)
    fig = plt.figure(figsize=STEP_FIGSIZE, layout="constrained") if fig is None else fig
    R, (N, W) = trace.read_weights.shape[2], trace.memory.shape[2:]
    values = _step_values(trace, step, example)
    axes = fig.subplots(2, 3, width_ratios=[1.3, 1, 1])         # room for the memory panel's two titles
    memory_ax, usage_ax, write_ax, read_ax, modes_ax, link_ax = axes.ravel()
    vmax = float(np.abs(trace.memory).max()) or 1.0       # one scale for every step and example
    image = memory_ax.imshow(values["memory"], cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto",
                             interpolation="nearest")
    memory_ax.set(xlabel="position in the word", ylabel="location")
    memory_ax.set_title("memory $M_t$", loc="right")
    memory_ax.set_xticks(range(0, W, max(1, W // 8)))
    memory_ax.set_yticks(range(0, N, max(1, N // 8)))
    fig.colorbar(image, ax=memory_ax, pad=0.01)
    _grouped_bars(usage_ax, values["usage"], [USAGE_COLOUR])
    usage_ax.set(xlabel="location", title="usage $u_t$")
    _grouped_bars(write_ax, values["write"], [ALLOCATION_COLOUR, WRITE_COLOUR], legend=["allocation", "write"])
    write_ax.set(xlabel="location", title="allocation $a_t$, write $w^w_t$")
    _grouped_bars(read_ax, values["read"], plt.cm.Blues(np.linspace(0.9, 0.45, R)),       # darkest: head 0
                  legend=[f"head {r}" for r in range(R)])
    read_ax.set(xlabel="location", title="read weightings $w^r_t$")
    labels = trace.mode_labels()
    _grouped_bars(modes_ax, values["modes"], [MODE_COLOURS[label.split()[0]] for label in labels], legend=labels)
    modes_ax.set_xticks(range(R), [f"head {r}" for r in range(R)])
    modes_ax.set(xlabel="read head", title="read modes $\\pi_t$")
    for ax in (usage_ax, write_ax, read_ax):
        ax.set_xticks(range(0, N, max(1, N // 8)))
    link = link_ax.imshow(values["link"], cmap="Greys", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    link_ax.set(xlabel="written before", ylabel="written after", title="link $L_t$ (write head 0)")
    link_ax.set_xticks(range(0, N, max(1, N // 8)))
    link_ax.set_yticks(range(0, N, max(1, N // 8)))
    fig.colorbar(link, ax=link_ax, pad=0.01)
    for ax in axes.ravel():
        ax.title.set_fontsize(10)
        ax._right_title.set_fontsize(10)
    # the title that changes with the step goes at the top left of the memory panel, on the
    # line of its fixed title at the right (which keeps the room for it)
    memory_ax.annotate(step_title(trace, step, example), (0, 1), xycoords="axes fraction", xytext=(0, 6),
                       textcoords="offset points", fontsize=10, va="baseline", gid="story")
    axes = list(axes.ravel())
    # what changes with the step stays out of the layout, as in the widget (FigureView)
    for artist in dnc_step_artists(axes) + [spine for ax in axes for spine in ax.spines.values()]:
        artist.set_in_layout(False)
    return axes


def update_dnc_step_view(axes, trace, step, example=0):
    """Show another step (or example) of the run drawn by dnc_step_view on its six axes."""
    example = _check_example(trace, example)
    step = check_index("step", step, trace.num_steps)
    values = _step_values(trace, step, example)
    memory_ax, usage_ax, write_ax, read_ax, modes_ax, link_ax = axes
    memory_ax.images[0].set_data(values["memory"])
    link_ax.images[0].set_data(values["link"])
    for ax, name in ((usage_ax, "usage"), (write_ax, "write"), (read_ax, "read"), (modes_ax, "modes")):
        for bar, height in zip(ax.patches, values[name].ravel()):
            bar.set_height(height)
    _story(axes).set_text(step_title(trace, step, example))
    return axes


def _story(axes):
    """The title that changes with the step (an annotation, see dnc_step_view)."""
    return next(text for text in axes[0].texts if text.get_gid() == "story")


def dnc_step_artists(axes):
    """What update_dnc_step_view changes, for FigureView.set_changing."""
    memory_ax, usage_ax, write_ax, read_ax, modes_ax, link_ax = axes
    return ([memory_ax.images[0], link_ax.images[0], _story(axes)]
            + [bar for ax in (usage_ax, write_ax, read_ax, modes_ax) for bar in ax.patches])


def _where(weights):
    """'location i (weight w)' for a weighting's largest entry, ', spread' added below 0.5."""
    location = int(np.argmax(weights))
    weight = float(weights[location])
    return f"location {location} (weight {weight:.2f}{', spread' if weight < 0.5 else ''})"


def describe_step(trace, step, example=0):
    """A step in one line, from the trace: where write head 0 writes most
    (and how much), its gates, and read head 0's strongest kind of mode and
    where it reads most; a largest weight below 0.5 is called spread."""
    example = _check_example(trace, example)
    step = check_index("step", step, trace.num_steps)
    V = trace.write_weights.shape[2]
    families = _mode_families(trace.read_modes[step, example, 0], V)
    mode = max(families, key=lambda kind: families[kind])
    return (f"step {step}: writing mostly at {_where(trace.write_weights[step + 1, example, 0])}, allocation gate "
            f"{trace.allocation_gate[step, example, 0]:.2f}, write gate {trace.write_gate[step, example, 0]:.2f}; "
            f"read head 0 mostly {mode} ({families[mode]:.2f}), at {_where(trace.read_weights[step + 1, example, 0])}")


class DNCExplorer(widgets.VBox):
    """Step through a recorded DNC run (a DNCTrace): a step slider with a play
    button, an example slider, the picture (dnc_step_view, redrawn in place)
    and a summary line (describe_step). Attributes: trace, step, example,
    summary, figure, axes, view (FigureView)."""

    css_class = "rmc-dnc-explorer"

    def __init__(self, trace, step=0, example=0, figsize=STEP_FIGSIZE, interval=600):
        self.trace, self.figsize = trace, figsize
        T, B = trace.num_steps, trace.memory.shape[1]
        self.step_slider, self.example_slider = index_slider("step", step, T), index_slider("example", example, B)
        self.play = play_button(self.step_slider, interval)
        self.view, self.summary_label = FigureView(), widgets.HTML()
        self.axes = dnc_step_view(trace, self.step, self.example, fig=self.view.new_figure(figsize))
        self.view.set_changing(dnc_step_artists(self.axes))
        self.figure = self.view.figure
        for slider in (self.step_slider, self.example_slider):
            slider.observe(self._on_move, names="value")
        super().__init__([widgets.HBox([self.play, self.step_slider, self.example_slider]), self.view.image,
                          self.summary_label])
        self.add_class(self.css_class)
        self._show()

    @property
    def step(self):
        return self.step_slider.value

    @property
    def example(self):
        return self.example_slider.value

    def _on_move(self, change):
        update_dnc_step_view(self.axes, self.trace, self.step, self.example)
        self._show()

    def _show(self):
        self.view.render()
        self.summary = describe_step(self.trace, self.step, self.example)
        self.summary_label.value = html.escape(self.summary, quote=False)
