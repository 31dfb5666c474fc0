"""Interactive ipywidgets views for the lessons.

A widget here is an ipywidgets box whose state can be read and set from
Python as well as from its controls: set a control's `.value` and the
widget recomputes what it shows and redraws. What it currently shows is
kept in plain attributes (numpy arrays), so tests and notebook cells can
check it without a browser. Drawing goes through `rmc_lib.plots`, so the
static figure a lesson puts beside a widget is the same picture.
"""

import struct
import zlib

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import plots, task_views
from .attention import check_head_sizes, softmax, split_heads
from .checks import check_array
from .layers import layer_norm_forward, linear_forward
from .rmc import RelationalMemory


def attention_weights(q, k, temperature=1.0, scaled=True):
    """softmax(q k^T * scale / temperature) over the last axis.

    q: [..., Lq, dk], k: [..., Lk, dk] -> [..., Lq, Lk]. scale is
    dk ** -0.5 when `scaled`, else 1. At temperature 1 and scaled=True this
    is the weights of `attention.scaled_dot_product_attention_forward`.
    """
    if temperature <= 0:
        raise ValueError(f"temperature must be positive, got {temperature}")
    scale = q.shape[-1] ** -0.5 if scaled else 1.0
    scores = q @ np.swapaxes(k, -1, -2)
    return softmax(scores * (scale / temperature), axis=-1)


class AttentionExplorer(widgets.VBox):
    """Pick a head and a query row, change temperature and scale, and watch
    the attention weights and the query's output change.

    Controls (ipywidgets, settable from Python through `.value`):
      query_dropdown      which query row to follow (by its label)
      head_slider         which head
      temperature_slider  T in softmax(q k^T * scale / T), log scale 0.05..10
      scale_checkbox      scale = 1/sqrt(d_k) when ticked, 1 when not

    What it shows (attributes, recomputed on every change):
      weights      [Lq, Lk]  the chosen head's weights at the current settings
      row_weights  [Lk]      weights[query_row]
      attended     [dv]      row_weights @ v[head], the query's output
      figure       the matplotlib Figure shown (plots.attention_row_view, the
                   static counterpart); `view.image` is the PNG widget
      summary      title(), also shown under the figure

    Build it with `attention_explorer(q, k, v, ...)` or, for the RMC's
    multi-head attention over [memory; input], `rmc_attention_explorer(...)`.
    """

    css_class = "rmc-row-explorer"

    def __init__(self, q, k, v, row_labels=None, col_labels=None, query_row=0, head=0,
                 temperature=1.0, scaled=True, figsize=(13, 3.9)):
        q = check_array("q", q, ndim=(2, 3), finite=True)
        k = check_array("k", k, ndim=q.ndim, finite=True)
        v = check_array("v", v, ndim=q.ndim, finite=True)
        if q.ndim == 2:  # a single head
            q, k, v = q[None], k[None], v[None]
        if k.shape[0] != q.shape[0] or v.shape[0] != q.shape[0]:
            raise ValueError(f"q, k and v must have the same number of heads, got shapes {q.shape}, {k.shape}, {v.shape}")
        if k.shape[2] != q.shape[2]:
            raise ValueError(f"k must have the key size of q ({q.shape[2]}) as its last axis, got shape {k.shape}")
        if v.shape[1] != k.shape[1]:
            raise ValueError(f"v must have one row per key ({k.shape[1]}), got shape {v.shape}")
        H, Lq, _ = q.shape
        Lk = k.shape[1]
        self.q, self.k, self.v = q, k, v
        self.row_labels = list(row_labels) if row_labels is not None else [f"query {i}" for i in range(Lq)]
        self.col_labels = list(col_labels) if col_labels is not None else [f"key {j}" for j in range(Lk)]
        if len(self.row_labels) != Lq:
            raise ValueError(f"row_labels must have {Lq} entries, got {len(self.row_labels)}")
        if len(self.col_labels) != Lk:
            raise ValueError(f"col_labels must have {Lk} entries, got {len(self.col_labels)}")
        if not 0 <= query_row < Lq:
            raise ValueError(f"query_row must lie in [0, {Lq}), got {query_row}")
        if not 0 <= head < H:
            raise ValueError(f"head must lie in [0, {H}), got {head}")
        self.figsize = figsize
        self.figure = None

        style = {"description_width": "initial"}
        self.query_dropdown = widgets.Dropdown(
            options=[(label, i) for i, label in enumerate(self.row_labels)], value=query_row,
            description="query row", style=style)
        self.head_slider = widgets.IntSlider(
            value=head, min=0, max=H - 1, description="head", disabled=H == 1, style=style)
        self.temperature_slider = widgets.FloatLogSlider(
            value=temperature, base=10, min=-1.3, max=1, step=0.05,
            description="temperature T", readout_format=".2f", style=style)
        self.scale_checkbox = widgets.Checkbox(
            value=scaled, description="divide scores by sqrt(d_k)", style=style)
        self.view = FigureView()
        self.summary_label = widgets.HTML()
        for control in (self.query_dropdown, self.head_slider, self.temperature_slider,
                        self.scale_checkbox):
            control.observe(self._on_change, names="value")
        super().__init__([
            widgets.HBox([self.query_dropdown, self.head_slider]),
            widgets.HBox([self.temperature_slider, self.scale_checkbox]),
            self.view.image, self.summary_label,
        ])
        self.add_class(self.css_class)
        self.update()

    # The current settings, read from the controls.
    @property
    def query_row(self):
        return self.query_dropdown.value

    @property
    def head(self):
        return self.head_slider.value

    @property
    def temperature(self):
        return self.temperature_slider.value

    @property
    def scaled(self):
        return self.scale_checkbox.value

    def _on_change(self, change):
        self.update()

    def update(self):
        """Recompute the weights and the output for the current settings, then redraw."""
        h = self.head
        self.weights = attention_weights(self.q[h], self.k[h], self.temperature, self.scaled)
        self.row_weights = self.weights[self.query_row]
        self.attended = self.row_weights @ self.v[h]
        self.summary = self.summary_label.value = self.title()
        if self.figure is None:
            self.draw()
        else:
            plots.update_attention_row_view(self.axes, self.weights, self.v[h], self.query_row,
                                            row_labels=self.row_labels)
        self.view.render()

    def title(self):
        """A one-line description of the current settings."""
        scale = "1/sqrt(d_k)" if self.scaled else "1 (unscaled)"
        return f"head {self.head}, query '{self.row_labels[self.query_row]}', T = {self.temperature:.2f}, scale {scale}"

    def draw(self):
        """Draw the whole picture (the values' axis holds every head's
        values), and mark what later changes redraw."""
        self.figure = self.view.new_figure(self.figsize)
        axes = self.figure.subplots(1, 3, width_ratios=[1.25, 1, 1])
        self.axes = plots.attention_row_view(self.weights, self.v[self.head], self.query_row, axes=axes,
                                             row_labels=self.row_labels, col_labels=self.col_labels,
                                             value_range=(self.v.min(), self.v.max()))
        self.view.set_changing(plots.attention_row_artists(self.axes))


def attention_explorer(q, k, v, row_labels=None, col_labels=None, query_row=0, head=0,
                       temperature=1.0, scaled=True):
    """An AttentionExplorer over given queries, keys and values.

    q: [H, Lq, dk] (or [Lq, dk] for one head), k: [H, Lk, dk], v: [H, Lk, dv].
    Queries are NOT pre-scaled: the explorer applies 1/sqrt(dk) itself when
    its checkbox is ticked. Returns the widget (display it as a cell's value).
    """
    return AttentionExplorer(q, k, v, row_labels=row_labels, col_labels=col_labels,
                             query_row=query_row, head=head, temperature=temperature,
                             scaled=scaled)


def rmc_attention_explorer(A, W_qkv, b_qkv, gamma, beta, num_heads, key_size, head_size,
                           batch_index=0, input_row=True, **kwargs):
    """An AttentionExplorer of the RMC's multi-head attention over A = [M; x'].

    A: [B, L, F] (with input_row, the last of the L rows is the input row,
    the others are memory slots); W_qkv: [F, H (2k + v)]; b_qkv, gamma,
    beta: [H (2k + v)]. q, k and v are made as in
    `attention.multihead_attention_forward` (projection, layer norm per row,
    split per head), so at temperature 1 with the scale ticked the explorer
    shows exactly that function's `cache["weights"][batch_index]`.
    Rows and columns are labelled "slot 0" ... and "input".
    kwargs go to AttentionExplorer (query_row, head, temperature, scaled).
    """
    A = check_array("A", A, ndim=3)
    W_qkv = check_array("W_qkv", W_qkv, ndim=2)
    check_head_sizes(W_qkv.shape[1], num_heads, key_size, head_size)
    if not 0 <= batch_index < A.shape[0]:
        raise ValueError(f"batch_index must lie in [0, {A.shape[0]}), got {batch_index}")
    proj, _ = linear_forward(A[batch_index:batch_index + 1], W_qkv, b_qkv)
    qkv, _ = layer_norm_forward(proj, gamma, beta)
    q, k, v = split_heads(qkv, num_heads, key_size, head_size)
    L = A.shape[1]
    labels = plots.slot_labels(L - 1, input_row=True) if input_row else [f"row {i}" for i in range(L)]
    return AttentionExplorer(q[0], k[0], v[0], row_labels=labels, col_labels=labels, **kwargs)


class FigureView:
    """A matplotlib Figure shown as a PNG in an ipywidgets.Image, and redrawn fast.

    A slider move should redraw in well under a second, and most of the cost
    of drawing a figure is its text: tick labels, axis labels, colorbars.
    Those rarely change. So a view can name the artists that do change
    (`changing`, e.g. a heatmap's image and its numbers): the first render
    draws everything else once and keeps that picture as a background
    (`copy_from_bbox`); every later render pastes the background back and
    draws only the changing artists on top. This is "blitting", the trick
    matplotlib's own animations use. The layout is fixed after the first
    render and the changing artists take no part in it (what they show
    must not move the axes), so they must keep their size and place.

    Without `changing`, every render draws the whole figure (still without
    recomputing the layout, and without a second pass for a tight bounding
    box as `display(fig)` would do).

    figure: the Figure; image: the ipywidgets.Image that shows it; dpi: the
    resolution of the PNG.
    """

    def __init__(self, dpi=90):
        self.dpi = dpi
        self.image = widgets.Image(format="png")
        self.figure = None
        self.changing = []
        self.background = None

    def new_figure(self, figsize):
        """A new, empty Figure to draw on; name its changing artists with
        `set_changing` once they exist."""
        self.figure = Figure(figsize=figsize, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.image.layout.width = f"{round(figsize[0] * self.dpi)}px"   # pixel for pixel, not stretched
        self.changing, self.background = [], None
        return self.figure

    def set_changing(self, artists):
        """The artists that change from one render to the next; the rest is
        drawn once, as a background.

        They are redrawn in the order a full drawing of the figure draws
        them, so that the picture is the same: axes by axes, and within an
        axes by zorder, ties in the order the axes holds them (as
        `Axes.draw` does). The frame (spines) of their axes is redrawn with
        them, since a full drawing puts it over bars and images.
        """
        chosen = list(artists)
        ordered = []
        for ax in self.figure.axes:
            mine = {artist for artist in chosen if artist.axes is ax}
            if mine:
                mine |= set(ax.spines.values())
                in_axes = [artist for artist in ax.get_children() if artist in mine]
                ordered += sorted(in_axes, key=lambda artist: artist.get_zorder())
        ordered += [artist for artist in chosen if artist.axes is None]      # the figure's own, e.g. suptitle
        missing = [artist for artist in chosen if artist not in ordered]
        if missing:
            raise ValueError(f"changing artists must belong to this view's figure, got {missing}")
        self.changing = ordered
        for artist in self.changing:
            artist.set_animated(True)          # left out of the background
            artist.set_in_layout(False)        # and of the layout: it must not depend on what they show

    def render(self):
        """Draw (the changing artists, or everything) and show the PNG."""
        canvas = self.figure.canvas
        if self.background is None:
            canvas.draw()                      # lays out and draws everything but `changing`
            self.figure.set_layout_engine("none")
            if self.changing:
                self.background = canvas.copy_from_bbox(self.figure.bbox)
        elif self.changing:
            canvas.restore_region(self.background)
        else:
            canvas.draw()
        for artist in self.changing:
            self.figure.draw_artist(artist)
        self.image.value = png_bytes(np.asarray(canvas.buffer_rgba()))
        return self.image.value


def png_bytes(rgba, level=1):
    """A PNG file of an RGBA image [height, width, 4] of uint8, made fast.

    A PNG is a signature and chunks, each `length, type, data, CRC`: IHDR
    (size, 8 bits per channel, colour type 6 = RGBA), IDAT (the rows, each
    preceded by its filter byte, compressed with zlib) and IEND. Choosing a
    filter per row, as general encoders do, shrinks photographs; a figure's
    flat colours compress as well without, at a third of the time. zlib
    level 1 is the fastest compression.
    """
    rgba = np.asarray(rgba)
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"rgba must be a [height, width, 4] array of uint8, got shape {rgba.shape} "
                         f"of {rgba.dtype}")
    height, width, _ = rgba.shape
    rows = np.zeros((height, 1 + 4 * width), dtype=np.uint8)     # filter byte 0: "none"
    rows[:, 1:] = rgba.reshape(height, 4 * width)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), level)) + chunk(b"IEND", b""))


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
               input row of that step (plots.attention_step_view, the static
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

        def slider(description, value, size):
            if not 0 <= value < size:
                raise ValueError(f"{description} must lie in [0, {size}), got {value}")
            return widgets.IntSlider(value=value, min=0, max=max(size - 1, 0), description=description,
                                     disabled=size == 1, continuous_update=False, style=style)

        self.step_slider = slider("step", step, T)
        self.block_slider = slider("block", block, num_blocks)
        self.head_slider = slider("head", head, H)
        self.example_slider = slider("example", example, B)
        # The play button runs in the browser and moves the step slider;
        # the slider's change then redraws, as if moved by hand.
        self.play = widgets.Play(value=step, min=0, max=max(T - 1, 0), step=1, interval=interval,
                                 description="play", disabled=T == 1)
        widgets.jslink((self.play, "value"), (self.step_slider, "value"))
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
        self.weights = plots.trace_weights(self.trace, self.step, self.block, self.head, self.example)

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
        self.heatmap_ax, self.input_ax = plots.attention_step_view(
            self.trace, self.step, self.block, self.head, self.example, fig=fig,
            groups=self.input_groups, title=self.title())
        return plots.attention_step_artists((self.heatmap_ax, self.input_ax))

    def refresh(self):
        """Update the artists `draw_panels` returned to the current settings."""
        plots.update_attention_step_view((self.heatmap_ax, self.input_ax), self.trace, self.step,
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


class MemoryGatesExplorer(TraceAttentionExplorer):
    """Step through a recorded run and watch the memory and the gates.

    The same controls as TraceAttentionExplorer without block and head:
    step (with a play button) and example. For the current step it shows
    (static counterpart: plots.memory_and_gates) the memory after the step,
    the input and forget gate of every slot, and how far each slot moved.

    Attributes: memory [N, F] (after the step), input_gate and forget_gate
    [N, g] (None without gates), change [N] (how far each slot moved), figure.
    """

    css_class = "rmc-memory-explorer"

    def __init__(self, trace, step=0, example=0, figsize=(12, 3.6), interval=800):
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
        self.axes = plots.memory_and_gates(self.trace, self.step, self.example, fig=fig,
                                           vmax=float(np.abs(self.trace.memory).max()) or 1.0,
                                           change_max=float(self.trace.memory_change().max()))
        return plots.memory_and_gates_artists(self.axes)

    def refresh(self):
        plots.update_memory_and_gates(self.axes, self.trace, self.step, self.example)


class TaskExplorer(widgets.VBox):
    """Nth-farthest problems and what a trained model answers.

    model: a trained SequenceClassifier (e.g. from rmc_lib.runs.load_trained);
    task: its NthFarthest task; details: the problems to offer (the details
    dict of `task.sample`/`test_set` with return_details), by default the
    first `problems` of the task's fixed test set; seed: for the "new
    problem" button.

    Controls (settable from Python through `.value`, except the button):
      problem_slider  which problem of the set (the button appends a fresh
                      random one and moves the slider to it)
      n_dropdown      which n to ask for the same vectors (the task's n_choices)
      head_slider     the attention head shown (RMC only)
      new_button      draw a fresh problem (also: `new_problem()`)

    What it shows (static counterpart: task_views.draw_answer):
      answer   the dict of task_views.answer: problem, probabilities,
               prediction, right, trace
      figure   the problem with the prediction, the distances with the
               probabilities and (RMC) the attention of the last step
      summary  one line: the answer, the prediction, its probability
    """

    css_class = "rmc-task-explorer"

    def __init__(self, model, task, details=None, problems=50, seed=0, name="model", figsize=None, example=0):
        self.model, self.task, self.name = model, task, name
        if details is None:
            _, _, details = task.test_set(problems, return_details=True)
        self.details = {key: np.asarray(value) for key, value in details.items()}
        problems = len(self.details["n"])
        self.rng = np.random.default_rng(seed)
        is_rmc = isinstance(model.core, RelationalMemory)      # the cores whose attention is drawn
        self.figsize = figsize or ((15.5, 4.6) if is_rmc else (10.5, 4.6))
        self.figure = self.frame = None
        style = {"description_width": "initial"}
        if not 0 <= example < problems:
            raise ValueError(f"example must lie in [0, {problems}), got {example}")
        self.problem_slider = widgets.IntSlider(value=example, min=0, max=problems - 1, description="problem",
                                                continuous_update=False, style=style)
        self.n_dropdown = widgets.Dropdown(options=list(task.n_choices),
                                           value=int(self.details["n"][example]),
                                           description="ask for n", style=style,
                                           disabled=len(task.n_choices) == 1)
        heads = model.core.num_heads if is_rmc else 1
        self.head_slider = widgets.IntSlider(value=0, min=0, max=max(heads - 1, 0), description="head",
                                             disabled=heads == 1, continuous_update=False, style=style)
        self.new_button = widgets.Button(description="new problem", icon="refresh")
        self.new_button.on_click(lambda _: self.new_problem())
        self.view = FigureView()
        self.summary_label = widgets.HTML()
        self._choosing_problem = False
        self.problem_slider.observe(self._on_problem, names="value")
        for control in (self.n_dropdown, self.head_slider):
            control.observe(self._on_control, names="value")
        super().__init__([widgets.HBox([self.problem_slider, self.new_button]),
                          widgets.HBox([self.n_dropdown, self.head_slider]),
                          self.view.image, self.summary_label])
        self.add_class(self.css_class)
        self.update()

    def _on_problem(self, change):
        # another problem: ask the n its own entry asks (without redrawing
        # for that change), then redraw once
        self._choosing_problem = True
        self.n_dropdown.value = int(self.details["n"][self.problem_slider.value])
        self._choosing_problem = False
        self.update()

    def _on_control(self, change):
        if not self._choosing_problem:
            self.update()

    def new_problem(self):
        """Append a fresh random problem to the set and show it."""
        _, _, fresh = self.task.sample(1, self.rng, return_details=True)
        self.details = {k: np.concatenate([self.details[k], fresh[k]]) for k in self.details}
        self.problem_slider.max = len(self.details["n"]) - 1
        self.problem_slider.value = self.problem_slider.max       # redraws through _on_problem

    def compute(self):
        i, d = self.problem_slider.value, self.details
        one = {k: v[i:i + 1] for k, v in d.items()}
        x, _, asked = self.task.encode(one["vectors"], one["ids"], self.n_dropdown.value, one["reference"],
                                       return_details=True)
        self.answer = task_views.answer(self.model, x, asked, 0)

    def describe(self):
        a, p = self.answer, self.answer["problem"]
        return (f"problem {self.problem_slider.value}, n = {p['n']}: the answer is id {p['label']}; "
                f"the {self.name} says id {a['prediction']} ({'right' if a['right'] else 'wrong'}), "
                f"probability {a['probabilities'][a['prediction']]:.2f}")

    def update(self):
        self.compute()
        self.summary = self.describe()
        self.summary_label.value = self.summary
        if self.frame is None or not task_views.in_frame(self.frame, self.answer["problem"]):
            self.draw_first()
        else:
            self.refresh()
        self.view.render()

    def draw_first(self):
        """Draw the whole picture, in a frame that holds every problem offered
        so far, and mark what later moves redraw."""
        self.frame = task_views.problem_frame(self.details)
        self.figure = self.view.new_figure(self.figsize)
        self.axes = task_views.draw_answer(self.answer, fig=self.figure, head=self.head_slider.value,
                                           name=self.name, frame=self.frame)
        self.view.set_changing(task_views.answer_artists(self.axes))

    def refresh(self):
        """Show the current answer in the picture already drawn."""
        task_views.update_answer(self.axes, self.answer, head=self.head_slider.value, name=self.name)
