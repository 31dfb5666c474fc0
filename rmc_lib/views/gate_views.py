"""Figures and the bias widget for the gating lesson (notebook 02).

The views draw what `rmc_lib.views.gate_curves` computes: `plot_sigmoid`,
`plot_retention`, `plot_half_life`, `plot_gate_heatmaps`, `plot_simulation`,
`plot_bias_view` and the widget `bias_widget`. Each takes optional axes to
draw into and returns the matplotlib figure (or the widget).

The widget and the static figure beside it in the notebook call the same
`plot_bias_view`, so what GitHub shows is what the sliders show.
"""

import matplotlib.pyplot as plt
import numpy as np

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
# What a constant bias does when nothing else moves the gates
# ----------------------------------------------------------------------------


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
    for all of them stands to the right of the panels; on the caller's axes
    each panel gets its own legend.
    """
    if vary not in ("forget_bias", "input_bias"):
        raise ValueError(f"vary must be 'forget_bias' or 'input_bias', got {vary!r}")
    own_figure = axes is None
    fig, axes = _figure_and_axes_list(axes, len(quantities), (5.2 * len(quantities) + 1.8, 3.9),
                                      layout="constrained")
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
        fig.legend(list(entries.values()), list(entries), loc="outside right upper", fontsize=8,
                   title="colours shared by the panels", title_fontsize=8)
    else:
        for ax in axes:
            ax.legend(fontsize=8)
    return fig


# ----------------------------------------------------------------------------
# The bias view and its widget
# ----------------------------------------------------------------------------

def plot_bias_view(forget_bias=1.0, input_bias=0.0, steps=50, axes=None):
    """Two panels for one setting of the biases (zero gate weights).

    Left: the retention curve f**t of M_0 (gid 'retention'), its half-life
    marked, a thin guide at 0.5 (gid 'half'), and, when the forget bias is
    not Sonnet's default of 1, the default's curve in grey for comparison
    (gid 'default retention'). Right: the fraction kept (f) and the
    fraction of the proposal written (i) per step.
    axes: optional pair of axes. Returns the figure.
    """
    data = bias_view_data(forget_bias, input_bias, steps)
    fig, (left, right) = _figure_and_axes_list(axes, 2, (9.0, 3.6))
    left.axhline(0.5, color="0.82", lw=1, zorder=0, gid="half")
    left.annotate("0.5", xy=(steps, 0.5), xytext=(-3, 2), textcoords="offset points",
                  ha="right", va="bottom", color="0.45", fontsize=8)
    if not np.isclose(data["forget_bias"], 1.0):
        default = bias_view_data(1.0, 0.0, steps)
        left.plot(default["steps"], default["retention"], color="0.5", lw=1.2, ls=":",
                  label="Sonnet's default, forget_bias = 1", gid="default retention")
    left.plot(data["steps"], data["retention"], color="C0", lw=2,
              label=f"forget_bias = {data['forget_bias']:.1f}", gid="retention")
    if data["half_life"] <= steps:
        left.plot([data["half_life"]], [0.5], "o", color="C3",
                  label=f"half-life {data['half_life']:.1f} steps")
    else:
        left.plot([], [], "o", color="C3", label=f"half-life {data['half_life']:.1f} steps (off the plot)")
    left.set_xlim(0, steps)
    left.set_ylim(0, 1.02)
    left.set_xlabel("time step t")
    left.set_ylabel(r"retention $f^{\,t}$")
    left.set_title(r"What is left of $M_0$ (input gate shut)")
    left.legend(fontsize=8, loc="best")

    values = [data["forget_gate"], data["input_gate"]]
    bars = right.bar([0, 1], values, color=["C0", "C2"], width=0.6)
    for bar, v in zip(bars, values):
        right.text(bar.get_x() + bar.get_width() / 2, v + 0.02, f"{v:.3f}", ha="center")
    right.set_xticks([0, 1], [f"kept: f = σ({data['forget_bias']:.1f})",
                              f"written: i = σ({data['input_bias']:.1f})"])
    right.set_ylim(0, 1.25)
    right.set_yticks(np.linspace(0, 1, 6))
    right.set_ylabel("fraction per step")
    right.set_title("One step: fraction kept and fraction written")
    right.text(0.5, 1.17, f"long-run weight of new content i/(1-f) = "
               f"{data['input_gate'] / max(1 - data['forget_gate'], 1e-300):.2f}",
               ha="center", fontsize=9)
    if axes is None:
        fig.tight_layout()                     # a caller's axes keep the caller's layout
    return fig


def bias_widget(forget_bias=1.0, input_bias=0.0, steps=50, bias_range=(-3.0, 5.0)):
    """Sliders for forget_bias and input_bias over the view of `plot_bias_view`.

    Returns an ipywidgets.VBox with extra attributes:
      .forget_slider, .input_slider  the two FloatSliders;
      .view   the FigureView that shows the figure (a PNG in
              `.view.image`; `.view.figure` is the matplotlib Figure);
      .update(forget_bias, input_bias)  moves both sliders, redraws once and
          returns the `bias_view_data` of the new setting (the values the
          sliders hold after rounding to their step and range).
    """
    import ipywidgets as widgets


    lo, hi = bias_range
    style = {"description_width": "initial"}
    layout = widgets.Layout(width="340px")
    forget_slider = widgets.FloatSlider(value=forget_bias, min=lo, max=hi, step=0.1, description="forget_bias",
                                        continuous_update=False, style=style, layout=layout)
    input_slider = widgets.FloatSlider(value=input_bias, min=lo, max=hi, step=0.1, description="input_bias",
                                       continuous_update=False, style=style, layout=layout)
    view = FigureView()
    box = widgets.VBox([widgets.HBox([forget_slider, input_slider]), view.image])
    holding = {"on": False}

    def redraw(_change=None):
        # everything changes with the biases (curves, labels, legend), so
        # each move draws a new figure
        if holding["on"]:
            return None
        fig = view.new_figure((9.0, 3.6))
        fig.set_layout_engine("tight")
        plot_bias_view(forget_slider.value, input_slider.value, steps, axes=fig.subplots(1, 2))
        view.render()
        return bias_view_data(forget_slider.value, input_slider.value, steps)

    def update(forget_bias, input_bias):
        holding["on"] = True
        try:
            forget_slider.value = forget_bias
            input_slider.value = input_bias
        finally:
            holding["on"] = False
        return redraw()

    forget_slider.observe(redraw, names="value")
    input_slider.observe(redraw, names="value")
    box.forget_slider, box.input_slider, box.update, box.view = forget_slider, input_slider, update, view
    redraw()
    return box
