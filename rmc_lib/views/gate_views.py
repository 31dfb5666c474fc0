"""Figures and the bias widget for the gating lesson (notebook 02).

The views draw what `rmc_lib.views.gate_curves` computes: `plot_sigmoid`,
`plot_retention`, `plot_half_life`, `plot_gate_heatmaps`, `plot_simulation`,
`plot_bias_view` and the widget `bias_widget`. Each takes optional axes to
draw into and returns the matplotlib figure (or the widget).

The widget draws the static figure beside it in the notebook with the same
`plot_bias_view` and shows another setting with `update_bias_view`, which
changes only the artists that depend on the biases (FigureView redraws
those in place): what GitHub shows is what the sliders show.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..nn.checks import check_positive_int
from ..nn.gates import half_life
from ..nn.layers import sigmoid
from .figure_view import FigureView
from .gate_curves import FORGET_BIASES, bias_view_data, retention_curve


def _figure_and_axes(ax, figsize):
    """Use the caller's axes if given, otherwise make a new figure."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _figure_and_axes_list(axes, count, figsize, layout=None):
    """Use the caller's list of `count` axes, otherwise a 1 x count figure."""
    if axes is None:
        fig, axes = plt.subplots(1, count, figsize=figsize, layout=layout)
        return fig, list(np.atleast_1d(axes))
    axes = list(np.ravel(axes))
    if len(axes) != count:
        raise ValueError(f"axes must hold {count} axes, got {len(axes)}")
    return axes[0].figure, axes


# ----------------------------------------------------------------------------
# Static figures
# ----------------------------------------------------------------------------

def plot_sigmoid(ax=None, mark=(0.0, 1.0)):
    """The sigmoid as a soft switch, with its slope, for x in [-8, 8].

    `mark`: pre-activations to mark on the curve (by default 0, where a gate
    is half open, and 1, Sonnet's default forget bias).
    """
    fig, ax = _figure_and_axes(ax, (6.4, 3.6))
    x = np.linspace(-8, 8, 401)
    s = sigmoid(x)
    ax.plot(x, s, color="C0", lw=2, label=r"$\sigma(x)$")
    ax.plot(x, s * (1 - s), color="C1", lw=1.5, ls="--", label=r"slope $\sigma(x)(1-\sigma(x))$")
    for m in mark:
        v = float(sigmoid(m))
        ax.plot([m], [v], "o", color="C3")
        ax.annotate(f"σ({m:g}) = {v:.3f}", (m, v), xytext=(10, -14), textcoords="offset points")
    ax.axhline(0, color="0.7", lw=0.8)
    ax.axhline(1, color="0.7", lw=0.8)
    ax.text(-7.8, 0.06, "closed: lets ~0 through", fontsize=9)
    ax.text(7.8, 0.90, "open: lets ~all through", fontsize=9, ha="right")
    ax.set_xlabel("pre-activation x")
    ax.set_ylabel("gate value")
    ax.set_title("The sigmoid: a soft, differentiable switch")
    ax.set_ylim(-0.05, 1.05)
    ax.legend(loc="center left")
    fig.tight_layout()
    return fig


def plot_retention(forget_biases=FORGET_BIASES, steps=50, ax=None):
    """Retention f**t of M_0 over `steps` steps, one line per forget bias.

    The gates are set by the bias alone (zero weights, input gate shut);
    each line's half-life is marked where it crosses 1/2.
    """
    fig, ax = _figure_and_axes(ax, (7.0, 4.0))
    for k, b in enumerate(forget_biases):
        data = bias_view_data(b, 0.0, steps)
        ax.plot(data["steps"], data["retention"], color=f"C{k}", lw=2,
                label=f"forget_bias = {b:g}: f = {data['forget_gate']:.3f}, half-life {data['half_life']:.1f}")
        if data["half_life"] <= steps:
            ax.plot([data["half_life"]], [0.5], "o", color=f"C{k}")
    ax.axhline(0.5, color="0.5", lw=0.8, ls=":")
    ax.set_xlim(0, steps)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("time step t")
    ax.set_ylabel(r"retention $f^{\,t}$ (share of $M_0$ left)")
    ax.set_title("How long a memory lasts: input gate shut, gates set by the bias")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_half_life(forget_biases=None, ax=None, mark=FORGET_BIASES):
    """Half-life (steps) against forget bias, on a log scale.

    Also draws the large-bias approximation ln(2) * e**b: for large b,
    log f = -log(1 + e**-b) is close to -e**-b, so the half-life grows
    exponentially with the bias.
    """
    if forget_biases is None:
        forget_biases = np.linspace(-3, 6, 181)
    fig, ax = _figure_and_axes(ax, (6.4, 3.8))
    b = np.asarray(forget_biases, dtype=np.float64)
    lives = half_life(sigmoid(b))
    ax.semilogy(b, lives, color="C0", lw=2, label=r"half-life $\log\frac{1}{2} / \log \sigma(b)$")
    ax.semilogy(b, np.log(2) * np.exp(b), color="C1", ls="--", lw=1.2, label=r"$\ln 2 \cdot e^{b}$ (large $b$)")
    for m in mark:
        ax.plot([m], [half_life(sigmoid(m))], "o", color="C3")
    ax.set_xlim(b.min(), b.max())
    ax.set_xlabel("forget_bias b")
    ax.set_ylabel("half-life (steps, log scale)")
    ax.set_title("Half-life of a memory against the forget bias")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_gate_heatmaps(gates_by_style, batch_index=0, axes=None):
    """Heatmaps of the input and forget gates, [N slots x g], for each gate style.

    gates_by_style: {style: (input_gate, forget_gate)}, each [B, N, g] as
    returned by `gates.gates_forward`. One row per gate, one column per
    style (column widths follow g), a shared colour scale from 0 to 1.
    axes: optional 2-d array [2, number of styles] of axes to draw into.
    """
    styles = list(gates_by_style)
    if axes is None:
        widths = [max(gates_by_style[s][0].shape[-1], 6) for s in styles]
        fig, axes = plt.subplots(2, len(styles), figsize=(9.5, 5.0), squeeze=False,
                                 gridspec_kw={"width_ratios": widths}, layout="constrained")
    else:
        axes = np.asarray(axes).reshape(2, len(styles))
        fig = axes[0, 0].figure
    image = None
    for col, style in enumerate(styles):
        for row, (name, gate) in enumerate(zip(["input gate i", "forget gate f"], gates_by_style[style])):
            values = np.asarray(gate)[batch_index]
            ax = axes[row, col]
            image = ax.imshow(values, vmin=0, vmax=1, cmap="viridis", aspect="auto", interpolation="nearest")
            N, g = values.shape
            ax.set_title(f"'{style}' style\n{name}  [{N} x {g}]", fontsize=10)
            ax.set_ylabel("memory slot")
            ax.set_yticks(range(N))
            ax.set_xlabel("memory feature" if g > 1 else "one gate\nper slot")
            if g == 1:
                ax.set_xticks([0])
    fig.colorbar(image, ax=list(np.ravel(axes)), label="gate value", shrink=0.9)
    fig.suptitle("The same input and memory, gated two ways")
    return fig


# ----------------------------------------------------------------------------
# A simulation with random weights, inputs and proposals
# ----------------------------------------------------------------------------


_QUANTITY_LABELS = {
    "traced": (r"share of $M_0$ kept, $\|f_t\cdots f_1 \odot M_0\| / \|M_0\|$", "What is left of $M_0$"),
    "correlation": (r"corr($M_t$, $M_0$)", "How recognisable $M_0$ still is"),
    "rms": (r"RMS of $M_t$", "How large the memory grows"),
    "input_gate": ("mean input gate i", "Mean input gate"),
    "forget_gate": ("mean forget gate f", "Mean forget gate"),
}


def plot_simulation(results, vary="forget_bias", quantities=("traced", "correlation"), axes=None, ideal=True):
    """Curves from `simulate_memory`, one line per run, one panel per quantity.

    results: list of dicts from `simulate_memory`; vary: 'forget_bias' or
    'input_bias', the bias named in the legend. With ideal=True the panel
    'traced' also shows, dashed, the zero-weight curve f**t for each
    forget bias (`retention_curve`).

    The panels share their colours (one per run). On a new figure one legend
    for all of them stands below the panels; on the caller's axes
    each panel gets its own legend.
    """
    if vary not in ("forget_bias", "input_bias"):
        raise ValueError(f"vary must be 'forget_bias' or 'input_bias', got {vary!r}")
    own_figure = axes is None
    fig, axes = _figure_and_axes_list(axes, len(quantities), (9.4, 4.3), layout="constrained")
    for ax, quantity in zip(axes, quantities):
        if quantity not in _QUANTITY_LABELS:
            raise ValueError(f"quantity must be one of {sorted(_QUANTITY_LABELS)}, got {quantity!r}")
        for k, res in enumerate(results):
            t = np.arange(res[quantity].size)
            ax.plot(t, res[quantity], color=f"C{k}", lw=2, label=f"{vary} = {res[vary]:g}")
            if ideal and quantity == "traced":
                ax.plot(t, retention_curve(res["forget_bias"], t.size - 1), color=f"C{k}", lw=1, ls="--")
        ylabel, title = _QUANTITY_LABELS[quantity]
        ax.set_xlabel("time step t")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.set_xlim(0, t.size - 1)
        if quantity == "traced" and ideal:
            ax.plot([], [], color="k", lw=1, ls="--", label=r"dashed: zero weights, $\sigma(b)^t$")
        if quantity in ("traced", "correlation"):
            ax.axhline(0, color="0.7", lw=0.8)
    if own_figure:
        entries = {}
        for ax in axes:
            for handle, label in zip(*ax.get_legend_handles_labels()):
                entries.setdefault(label, handle)
        fig.legend(list(entries.values()), list(entries), loc="outside lower center", fontsize=8,
                   ncols=3, title="colours shared by the panels", title_fontsize=8)
    else:
        for ax in axes:
            ax.legend(fontsize=8)
    return fig


# ----------------------------------------------------------------------------
# The bias view and its widget
# ----------------------------------------------------------------------------

#: The bias view's size: it fits a ~960 px output area at 100 dpi (a static
#: figure) and at FigureView's 90 dpi (the widget).
BIAS_VIEW_FIGSIZE = (9.4, 3.8)
BIAS_FORMAT = ".4g"


def bias_text(bias):
    """A bias as the view (and the widget's slider readout) writes it: the
    value it computes with, to four significant digits (1, 2.4, 2.37, 2.375)."""
    return f"{bias:{BIAS_FORMAT}}"


def plot_bias_view(forget_bias=1.0, input_bias=0.0, steps=50, axes=None):
    """Two panels for one setting of the biases (zero gate weights).

    Left: the retention curve f**t of M_0 (gid 'retention') with its
    half-life marked (gid 'half-life'; off the plot beyond `steps`), a thin
    guide at 0.5 (gid 'half') and Sonnet's default, forget_bias = 1, dotted
    grey for comparison (gid 'default retention'); the title gives the
    forget bias, f and the half-life. Right: the fraction kept (f) and the
    fraction of the proposal written (i) per step, each bar labelled
    sigma(bias) = value, and the long-run weight of new content i / (1 - f).
    Every number is written from the exact biases (`bias_text`).

    The axes, ticks and legend do not depend on the biases, so
    `update_bias_view` can show another setting in the same picture.
    axes: optional pair of axes (default: a new figure of BIAS_VIEW_FIGSIZE).
    Returns the figure.
    """
    if axes is None:
        fig = plt.figure(figsize=BIAS_VIEW_FIGSIZE, layout="constrained")
        axes = fig.subplots(1, 2)
    fig, (left, right) = _figure_and_axes_list(axes, 2, None)
    t = np.arange(check_positive_int("steps", steps) + 1)
    left.axhline(0.5, color="0.82", lw=1, zorder=0, gid="half")
    left.annotate("0.5", xy=(steps, 0.5), xytext=(-3, 2), textcoords="offset points",
                  ha="right", va="bottom", color="0.45", fontsize=8)
    left.plot(t, retention_curve(1.0, steps), color="0.5", lw=1.2, ls=":",
              label="Sonnet's default, forget_bias = 1", gid="default retention")
    left.plot(t, np.zeros_like(t, dtype=float), color="C0", lw=2, label=r"this forget_bias: $f^{\,t}$",
              gid="retention")
    left.plot([], [], "o", color="C3", label="half-life (where half is left)", gid="half-life")
    left.set_xlim(0, steps)
    left.set_ylim(0, 1.02)
    left.set_xlabel("time step t (input gate shut)")
    left.set_ylabel(r"retention $f^{\,t}$, share of $M_0$ left")
    left.set_title(" ", fontsize=10)
    left.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)

    bars = right.bar([0, 1], [0.0, 0.0], color=["C0", "C2"], width=0.6)
    for bar in bars:
        right.text(bar.get_x() + bar.get_width() / 2, 0.0, "", ha="center", va="bottom", fontsize=9)
    right.text(0.5, 1.17, "", ha="center", fontsize=9)
    right.set_xticks([0, 1], ["kept per step: f", "written per step: i"])
    right.set_ylim(0, 1.25)
    right.set_yticks(np.linspace(0, 1, 6))
    right.set_ylabel("fraction per step")
    right.set_title("One step: fraction kept and written", fontsize=10)
    update_bias_view((left, right), forget_bias, input_bias)
    return fig


def update_bias_view(axes, forget_bias, input_bias):
    """Show other biases in a picture drawn by `plot_bias_view` (axes: its
    two), changing only the artists `bias_view_artists` lists. Returns the
    `bias_view_data` of the setting."""
    left, right = axes
    lines = {line.get_gid(): line for line in left.get_lines()}
    steps = int(lines["retention"].get_xdata()[-1])
    data = bias_view_data(forget_bias, input_bias, steps)
    lines["retention"].set_ydata(data["retention"])
    life = data["half_life"]
    lines["half-life"].set_data([life], [0.5]) if life <= steps else lines["half-life"].set_data([], [])
    where = f"half-life {life:.2f} steps" if life <= steps else f"half-life {life:.3g} steps (off the plot)"
    left.title.set_text(f"forget_bias = {bias_text(forget_bias)}: f = {data['forget_gate']:.4f}, {where}")
    values = [data["forget_gate"], data["input_gate"]]
    for bar, label, value, bias in zip(right.patches, right.texts, values, [forget_bias, input_bias]):
        bar.set_height(value)
        label.set_position((label.get_position()[0], value + 0.02))
        label.set_text(f"σ({bias_text(bias)}) = {value:.3f}")
    right.texts[2].set_text(f"long-run weight of new content i/(1-f) = "
                            f"{data['input_gate'] / max(1 - data['forget_gate'], 1e-300):.3g}")
    return data


def bias_view_artists(axes):
    """What `update_bias_view` changes (and the 0.5 guide, which it covers), for FigureView."""
    left, right = axes
    return [*left.get_lines(), left.title, *right.patches, *right.texts]


class BiasExplorer(widgets.VBox):
    """Sliders for forget_bias and input_bias over the view of `plot_bias_view`,
    redrawn in place (FigureView): one code path with the static figure.

    Attributes: forget_slider, input_slider (FloatSliders; a value typed
    into a slider's box is used as typed, within the range, and written
    from its exact value); view (the FigureView; view.figure, view.image);
    data (the `bias_view_data` shown); summary (one line of its numbers,
    also shown under the picture).
    """

    css_class = "rmc-bias-explorer"

    def __init__(self, forget_bias=1.0, input_bias=0.0, steps=50, bias_range=(-3.0, 5.0),
                 figsize=BIAS_VIEW_FIGSIZE):
        lo, hi = bias_range
        style, layout = {"description_width": "initial"}, widgets.Layout(width="340px")
        self.forget_slider, self.input_slider = (
            widgets.FloatSlider(value=value, min=lo, max=hi, step=0.1, description=name, readout_format=BIAS_FORMAT,
                                continuous_update=False, style=style, layout=layout)
            for name, value in [("forget_bias", forget_bias), ("input_bias", input_bias)])
        self.view = FigureView()
        self.summary_label = widgets.HTML()
        fig = self.view.new_figure(figsize)
        self.axes = fig.subplots(1, 2)
        plot_bias_view(self.forget_slider.value, self.input_slider.value, steps, axes=self.axes)
        self.view.set_changing(bias_view_artists(self.axes))
        self._holding = False
        for slider in (self.forget_slider, self.input_slider):
            slider.observe(self._on_change, names="value")
        super().__init__([widgets.HBox([self.forget_slider, self.input_slider]), self.view.image,
                          self.summary_label])
        self.add_class(self.css_class)
        self.redraw()

    @property
    def figure(self):
        return self.view.figure

    def _on_change(self, change):
        if not self._holding:
            self.redraw()

    def redraw(self):
        """Show the sliders' setting; returns its `bias_view_data`."""
        fb, ib = self.forget_slider.value, self.input_slider.value
        self.data = update_bias_view(self.axes, fb, ib)
        self.summary = self.summary_label.value = (
            f"forget_bias {bias_text(fb)}: f = {self.data['forget_gate']:.4f} kept per step, "
            f"half-life {self.data['half_life']:.3g} steps; input_bias {bias_text(ib)}: "
            f"i = {self.data['input_gate']:.4f} written per step")
        self.view.render()
        return self.data

    def update(self, forget_bias, input_bias):
        """Move both sliders, redraw once, and return the `bias_view_data` of
        the values the sliders hold (clamped to their range)."""
        self._holding = True
        try:
            self.forget_slider.value, self.input_slider.value = forget_bias, input_bias
        finally:
            self._holding = False
        return self.redraw()


def bias_widget(forget_bias=1.0, input_bias=0.0, steps=50, bias_range=(-3.0, 5.0)):
    """A BiasExplorer (display it as a cell's value)."""
    return BiasExplorer(forget_bias, input_bias, steps, bias_range)
