"""Pictures and the widget of lesson 03 (relational memory), built on a
recorded forward pass (rmc_lib.trace.Trace): attention over [memory; input]
at one step, block and head, at every step (trace_attention_grid, also used
in lesson 07), for every block and head of a step, the memory over time, and
the attention explorer that steps through a run (also used in lesson 07);
and two pictures of lesson 03's experiments (how far a slot moves with the
input, how a block's output rows correlate with its input rows). Every new
figure is at most 9.4 in wide, to fit a ~960 px output area.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..nn.checks import check_array
from .common import check_index, index_slider, new_axes, panel_axes, panel_grid, play_button
from .figure_view import FigureView
from .heatmaps import (attention_heatmap, heatmap_artists, input_row, mark_input_row, memory_heatmap,
                       update_heatmap)


def trace_weights(trace, step, block, head, example=0):
    """The attention weights [N+1, N+1] a trace recorded at one step, block and head.

    trace.attention is [T, blocks, B, H, N+1, N+1]; this is
    trace.attention[step, block, example, head], after checking each index.
    Rows are queries, columns keys; row and column N are the input row.
    """
    T, num_blocks, B, H = trace.attention.shape[:4]
    step = check_index("step", step, T)
    block = check_index("block", block, num_blocks)
    example = check_index("example", example, B)
    head = check_index("head", head, H)
    return trace.attention[step, block, example, head]


def _trace_title(trace, step, block, head, example):
    title = f"step {step}, block {block}, head {head}"
    if trace.attention.shape[2] > 1:
        title += f", example {example}"
    return title


def trace_attention(trace, step, block, head, example=0, ax=None, colorbar=True, title=None,
                    annotate=None, ylabel="query (attending)"):
    """Heatmap of the RMC's attention over [memory; input] at one step, block and head.

    trace: a rmc_lib.trace.Trace (attention [T, blocks, B, H, N+1, N+1]).
    step, block, head, example: which weights to draw (see `trace_weights`).
    Rows and columns are named by trace.row_labels() ("slot 0", ..., "input");
    the input row, which is cropped after the last block, is outlined
    (`mark_input_row`). title: default "step t, block b, head h" (and the
    example when the trace holds several).
    Returns the axes; the image is `ax.images[0]`, its array the weights.
    """
    weights = trace_weights(trace, step, block, head, example)
    labels = trace.row_labels()
    if title is None:
        title = _trace_title(trace, step, block, head, example)
    if ax is None:
        L = len(labels)
        ax = new_axes((1.6 + 0.75 * L, 0.9 + 0.6 * L))
    attention_heatmap(weights, ax=ax, row_labels=labels, col_labels=labels, title=title,
                      annotate=annotate, colorbar=colorbar, ylabel=ylabel)
    return mark_input_row(ax, len(labels) - 1)


def trace_attention_grid(trace, example=0, block=0, head=0, axes=None, title=None, per_row=4,
                         annotate=None):
    """One attention heatmap per time step, in rows of at most `per_row`
    panels, with a shared colorbar.

    trace: a Trace over T steps. Draws trace_attention(trace, t, block, head,
    example) for t = 0..T-1. axes: T axes (default: a new figure at most
    9.4 in wide, so it fits a ~960 px output area for any T; only the first
    panel of each row names the rows). annotate: write the weights in the
    cells (default: when there are at most 6 rows, i.e. N <= 5 slots).
    Returns the array of T axes.
    """
    T, L = trace.attention.shape[0], trace.attention.shape[-1]
    if axes is None:
        axes, cols = panel_grid(T, per_row, panel=2.1, height=0.9)
    else:
        axes = panel_axes(axes, T, "step", None)
        cols = T
    if annotate is None:
        annotate = L <= 6
    for t, ax in enumerate(axes):
        first = t % cols == 0
        trace_attention(trace, t, block, head, example, ax=ax, colorbar=False, title=f"step {t}",
                        annotate=annotate, ylabel="query (attending)" if first else "")
        if not first:
            ax.tick_params(labelleft=False)
    axes[0].figure.colorbar(axes[0].images[0], ax=list(axes), label="attention weight", shrink=0.9)
    if title is None:
        title = f"attention over [memory; input] at every step: block {block}, head {head}"
        if trace.attention.shape[2] > 1:
            title += f", example {example}"
    axes[0].figure.suptitle(title)
    return axes


def attention_blocks_heads(trace, step, example=0, axes=None, title=None):
    """The attention of one step for every block (rows) and head (columns),
    with a shared colorbar. axes: blocks x H axes (default: a new figure at
    most 9.4 in wide). Returns the array [blocks, H] of axes."""
    _, num_blocks, _, H = trace.attention.shape[:4]
    if axes is None:
        flat, _ = panel_grid(num_blocks * H, H, panel=2.7, height=0.85)
    else:
        flat = panel_axes(np.ravel(axes), num_blocks * H, "block and head", None)
    grid = np.asarray(flat).reshape(num_blocks, H)
    for (b, h), ax in np.ndenumerate(grid):
        trace_attention(trace, step, b, h, example, ax=ax, colorbar=False, title=f"block {b}, head {h}",
                        ylabel="query (attending)" if h == 0 else "")
        if h > 0:
            ax.tick_params(labelleft=False)
    grid[0, 0].figure.colorbar(grid[0, 0].images[0], ax=list(flat), label="attention weight", shrink=0.6)
    grid[0, 0].figure.suptitle(title or f"step {step}: every block (rows) and head (columns)")
    return grid


def input_sensitivity_scatter(measured, axes=None):
    """Lesson 03's test of "the input lives on in the slots that read it":
    for each core, every slot's attention weight on the input row against
    how far its new row moves with the input, ||d M~_i / d x_t||.

    measured: {name: (weight, sensitivity)}, two arrays of the same shape
    (one entry per slot and example). axes: one per entry (default: a new
    figure). Returns the axes (they share the y axis).
    """
    count = len(measured)
    if axes is None:
        axes, _ = panel_grid(count, count, panel=4.0, height=0.75, extra_width=1.0)
        for ax in axes[1:]:
            ax.sharey(axes[0])
            ax.tick_params(labelleft=False)
    axes = panel_axes(axes, count, "core", None)
    for ax, (name, (weight, sensitivity)) in zip(axes, measured.items()):
        if np.shape(weight) != np.shape(sensitivity):
            raise ValueError(f"weight and sensitivity of {name!r} must have one shape, got "
                             f"{np.shape(weight)} and {np.shape(sensitivity)}")
        ax.scatter(np.ravel(weight), np.ravel(sensitivity), s=12, alpha=0.6)
        ax.set_xlabel("slot's weight on the input row\n(block 0, mean over heads)")
        ax.set_title(name)
    for ax in axes:                              # limits on ticks: no tick label beyond the axes
        with plt.rc_context({"axes.autolimit_mode": "round_numbers"}):
            ax.autoscale_view()
    for ax in axes:
        ax.set(xlim=(0, ax.get_xlim()[1]), ylim=(0, ax.get_ylim()[1]))
    axes[0].set_ylabel(r"$\|\partial \tilde M_i / \partial x_t\|$")
    axes[0].figure.suptitle("how far a slot moves with the input")
    return axes


def row_correlation_maps(correlations, labels, axes=None):
    """Correlation of every output row of a block with every input row,
    one annotated map per case, on one scale from -1 to 1.

    correlations: {title: [L, L] array}; labels: the L row names.
    axes: one per entry (default: a new figure). Returns the axes.
    """
    count = len(correlations)
    if axes is None:
        axes, _ = panel_grid(count, count, panel=3.6, height=0.8)
    axes = panel_axes(axes, count, "map", None)
    for i, (ax, (title, matrix)) in enumerate(zip(axes, correlations.items())):
        attention_heatmap(matrix, ax=ax, row_labels=labels, col_labels=labels, vmin=-1, vmax=1,
                          cmap="RdBu_r", colorbar=False, title=title, xlabel="row of the block's input",
                          ylabel="row of the block's output" if i == 0 else "")
        if i > 0:
            ax.tick_params(labelleft=False)
    axes[0].figure.colorbar(axes[0].images[0], ax=list(axes), label="correlation")
    return axes


def memory_over_time(trace, example=0, axes=None, vmax=None, title=None):
    """The memory before the first step and after every step, one heatmap each.

    trace.memory is [T+1, B, N, F]: memory[0] is the initial state,
    memory[t+1] the memory after step t. The T+1 heatmaps are stacked from
    top to bottom on one colour scale (vmax: default the largest |value|
    over all of them) with one colorbar. axes: T+1 axes (default: a new
    figure). Returns the array of T+1 axes.
    """
    T1, B, N, F = trace.memory.shape
    example = check_index("example", example, B)
    memories = trace.memory[:, example]
    if axes is None:
        figsize = (min(2.0 + 0.4 * F, 9.4), 0.6 + (0.3 * N + 0.5) * T1)
        _, axes = plt.subplots(T1, 1, figsize=figsize, layout="constrained", sharex=True,
                               squeeze=False)
        axes = axes[:, 0]
    axes = np.atleast_1d(axes)
    if len(axes) != T1:
        raise ValueError(f"axes must hold {T1} axes (the initial memory and one per step), got {len(axes)}")
    if vmax is None:
        vmax = float(np.abs(memories).max()) or 1.0
    for t, ax in enumerate(axes):
        name = "$M_0$: the initial state" if t == 0 else f"$M_{{{t}}}$: after step {t - 1}"
        memory_heatmap(memories[t], ax=ax, vmax=vmax, colorbar=False, title=name,
                       xlabel="feature" if t == T1 - 1 else "")
        ax.title.set_fontsize(9)
    axes[0].figure.colorbar(axes[0].images[0], ax=list(axes), label="value", shrink=0.6)
    if title is None:
        title = "the memory over time" + (f", example {example}" if B > 1 else "")
    axes[0].figure.suptitle(title)
    return axes


def attention_step_view(trace, step, block, head, example=0, fig=None, groups=None, title=None):
    """The attention explorer's picture: the attention heatmap of one step,
    block and head (as `trace_attention`), and below it the input row x_t
    that the step read (as `input_row`, with `groups` naming its parts).

    fig: an empty Figure to draw on (default: a new one).
    Returns (heatmap axes, input axes).
    """
    if fig is None:
        fig = plt.figure(figsize=(6.4, 5.6), layout="constrained")
    T, B = trace.attention.shape[0], trace.attention.shape[2]
    step = check_index("step", step, T)
    example = check_index("example", example, B)
    ax_attention, ax_input = fig.subplots(2, 1, height_ratios=[5, 1])
    trace_attention(trace, step, block, head, example, ax=ax_attention, title=title)
    input_row(trace.x[example, step], ax=ax_input, groups=groups, vmax=1.0, title=_input_title(step))
    return ax_attention, ax_input


def _input_title(step):
    return f"the input at step {step}"


def update_attention_step_view(axes, trace, step, block, head, example=0, title=None):
    """Show another step, block, head or example of the same trace in a
    picture drawn by `attention_step_view` (axes: the two it returned),
    changing only its data and titles (the widgets' fast path)."""
    ax_attention, ax_input = axes
    update_heatmap(ax_attention, trace_weights(trace, step, block, head, example))
    ax_attention.title.set_text(title or _trace_title(trace, step, block, head, example))
    ax_input.images[0].set_data(trace.x[example, step][None])
    ax_input.title.set_text(_input_title(step))
    return axes


def attention_step_artists(axes):
    """What `update_attention_step_view` changes (and the group lines on
    the input strip), for FigureView."""
    ax_attention, ax_input = axes
    return heatmap_artists(ax_attention) + [ax_input.images[0], *ax_input.lines, ax_input.title]


class TraceAttentionExplorer(widgets.VBox):
    """Step through a recorded run of the RMC and see which rows attend to which.

    trace: a rmc_lib.trace.Trace (attention [T, blocks, B, H, N+1, N+1]).
    input_groups: optional names of the input's parts, [(name, start, stop)],
        e.g. `task.input_groups()`, to label the input strip.

    Controls (ipywidgets, settable from Python through `.value`):
      step_slider     time step t, 0..T-1 (the play button beside it
                      animates it: one step per `interval` ms)
      block_slider    attention block, 0..blocks-1
      head_slider     attention head, 0..H-1
      example_slider  which sequence of the batch, 0..B-1
    A slider whose range has a single value is disabled.

    What it shows (attributes, recomputed on every change):
      weights  [N+1, N+1]  trace.attention[step, block, example, head]
      figure   the matplotlib Figure shown: the heatmap, and below it the
               input row of that step (attention_step_view, the static
               counterpart); `view.image` is the PNG widget that shows it
      summary  a one-line text of the current view, also shown under the figure

    Extending it: `controls()` lists the controls, `compute()` sets the
    attributes for the current settings, `draw_panels(fig)` draws on a new
    Figure and `refresh()` updates that drawing for new settings; override
    them to show something else for the same controls (see
    MemoryGatesExplorer). A `draw_panels` that returns nothing gets a whole
    new drawing at every change, and needs no `refresh`.
    """

    css_class = "rmc-attention-explorer"

    def __init__(self, trace, step=0, block=0, head=0, example=0, figsize=(6.4, 5.6),
                 input_groups=None, interval=800):
        attention = check_array("trace.attention", trace.attention, ndim=6)
        T, num_blocks, B, H = attention.shape[:4]
        self.trace = trace
        self.figsize = figsize
        self.input_groups = input_groups
        self.figure = None
        style = {"description_width": "initial"}

        self.step_slider = index_slider("step", step, T, style=style)
        self.block_slider = index_slider("block", block, num_blocks, style=style)
        self.head_slider = index_slider("head", head, H, style=style)
        self.example_slider = index_slider("example", example, B, style=style)
        self.play = play_button(self.step_slider, interval)
        self.view = FigureView()
        self.summary_label = widgets.HTML()
        for control in self.controls():
            control.observe(self._on_change, names="value")
        super().__init__(self.layout_rows() + [self.view.image, self.summary_label])
        self.add_class(self.css_class)
        self.update()

    def controls(self):
        """The controls that change the view."""
        return [self.step_slider, self.block_slider, self.head_slider, self.example_slider]

    def layout_rows(self):
        """The rows of controls above the figure."""
        return [widgets.HBox([self.play, self.step_slider, self.block_slider]),
                widgets.HBox([self.head_slider, self.example_slider])]

    # The current settings, read from the controls.
    @property
    def step(self):
        return self.step_slider.value

    @property
    def block(self):
        return self.block_slider.value

    @property
    def head(self):
        return self.head_slider.value

    @property
    def example(self):
        return self.example_slider.value

    def _on_change(self, change):
        self.update()

    def compute(self):
        """Set what is shown for the current settings (here: `weights`)."""
        self.weights = trace_weights(self.trace, self.step, self.block, self.head, self.example)

    def describe(self):
        """The one-line summary shown under the figure."""
        input_weights = self.weights[:-1, -1]
        strongest = int(np.argmax(input_weights))
        return (f"step {self.step}: the slots give the input row {input_weights.mean():.2f} of their "
                f"attention on average; slot {strongest} the most ({input_weights[strongest]:.2f})")

    def update(self):
        """Recompute for the current settings, then redraw."""
        self.compute()
        self.summary = self.describe()
        self.summary_label.value = self.summary
        self.draw()

    def title(self):
        """A one-line description of the current settings."""
        return f"step {self.step}, block {self.block}, head {self.head}, example {self.example}"

    def draw_panels(self, fig):
        """Draw the current view on the empty Figure `fig`; return the
        artists that `refresh` updates (the rest never changes)."""
        self.heatmap_ax, self.input_ax = attention_step_view(
            self.trace, self.step, self.block, self.head, self.example, fig=fig,
            groups=self.input_groups, title=self.title())
        return attention_step_artists((self.heatmap_ax, self.input_ax))

    def refresh(self):
        """Update the artists `draw_panels` returned to the current settings."""
        update_attention_step_view((self.heatmap_ax, self.input_ax), self.trace, self.step,
                                         self.block, self.head, self.example, title=self.title())

    def draw(self):
        """Show the current view: the first time (or when draw_panels returned
        nothing) draw it on a new Figure; afterwards refresh what changes."""
        if self.view.changing:
            self.refresh()
        else:
            changing = self.draw_panels(self.view.new_figure(self.figsize))
            if changing:
                self.view.set_changing(changing)
        self.figure = self.view.figure
        self.view.render()
