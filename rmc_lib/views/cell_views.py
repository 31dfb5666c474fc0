"""Pictures of lesson 04 (the RMC cell): where the parameters are, the
gradient check of backpropagation through time, how far back a gradient
reaches, and parameters against state size for the three cores.

Each function takes numbers the lesson computed and only draws them; each
draws on the axes it is given or on a new figure at most 9.4 in wide (it
fits a ~960 px output area at 100 dpi) and returns the axes.
"""

import matplotlib.pyplot as plt
import numpy as np

from .common import new_axes


def parameter_bars(counts, ax=None, title=None):
    """Trainable parameters per component, one group of horizontal bars per
    core, each bar labelled with its count.

    counts: {core label: {component: count}}, every core with the same
    components in the same order. Returns the axes.
    """
    labels = list(counts)
    components = list(counts[labels[0]])
    for label in labels:
        if list(counts[label]) != components:
            raise ValueError(f"every core must count the components {components}, "
                             f"{label!r} counts {list(counts[label])}")
    if ax is None:
        ax = new_axes((9.0, 0.8 + 0.5 * len(components)))
    positions = np.arange(len(components))
    height = 0.8 / len(labels)
    for i, label in enumerate(labels):
        values = [counts[label][c] for c in components]
        offset = (i - (len(labels) - 1) / 2) * height
        bars = ax.barh(positions + offset, values, height=height,
                       label=f"{label} ({sum(values):,} in all)")
        ax.bar_label(bars, labels=[f"{v:,}" for v in values], padding=3, fontsize=8)
    ax.set_yticks(positions, components)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.18 * max(max(c.values()) for c in counts.values()))
    ax.set_xlabel("number of trainable parameters")
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right")
    return ax


def gradient_check_bars(errors, bound, ax=None, title=None, xlim=(1e-14, 1e-2)):
    """The relative error of every checked array (analytic against
    finite-difference gradient), on a log scale, with the bound as a
    dashed line. errors: {array name: relative error}. Returns the axes."""
    names = list(errors)
    if ax is None:
        ax = new_axes((9.0, 1.0 + 0.2 * len(names)))
    values = [max(errors[n], xlim[0]) for n in names]     # an exact zero still shows as a stub
    ax.barh(range(len(names)), values, color="#4C72B0")
    ax.axvline(bound, color="#c0392b", linestyle="--", label=f"bound {bound:.0e}")
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(*xlim)
    ax.set_xlabel("relative error, analytic vs. finite-difference gradient (log scale)")
    if title:
        ax.set_title(title)
    ax.legend(loc="lower right")
    return ax


def _decades(values):
    """Log-axis limits at whole decades around the positive values."""
    values = np.asarray(values, dtype=float)
    values = values[values > 0]
    return 10.0 ** np.floor(np.log10(values.min())), 10.0 ** np.ceil(np.log10(values.max()))


def gradient_flow(curves, axes=None, title=None):
    """How far back a gradient reaches: ||dL/dM_t|| for t = T, T-1, ..., 0,
    along the direct path through the forget gates (left) and along all
    paths (right), one line per setting, read left to right as backwards in
    time. One legend below both panels, none over the curves.

    curves: {label: (direct [T+1], full [T+1])}. axes: two axes (default: a
    new figure). Returns the two axes.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9.4, 4.2), layout="constrained")
    if len(axes) != 2:
        raise ValueError(f"axes must hold 2 axes (direct path, all paths), got {len(axes)}")
    T = len(next(iter(curves.values()))[0]) - 1
    steps = np.arange(T + 1)
    for label, (direct, full) in curves.items():
        if len(direct) != T + 1 or len(full) != T + 1:
            raise ValueError(f"curves must all have {T + 1} points (t = 0..{T}); {label!r} has "
                             f"{len(direct)} and {len(full)}")
        axes[0].semilogy(steps, direct, marker=".", label=label)
        axes[1].semilogy(steps, full, marker=".", label=label)
    for ax, part, lines in [(axes[0], "direct path only: through the forget gates", 0),
                            (axes[1], "all paths (BPTT)", 1)]:
        ax.set_title(part)
        ax.set_xlim(T, 0)                                     # back in time, left to right
        low, high = _decades(np.concatenate([c[lines] for c in curves.values()]))
        ax.set_ylim(low, high)
        ax.set_yticks([t for t in ax.get_yticks() if low <= t <= high])    # no label beyond the axes
        ax.set_xlabel("t (the memory after step t)")
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel(r"$\|\partial L / \partial M_t\|$ (log scale)")
    axes[0].figure.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center",
                          ncols=len(curves), fontsize=9)
    if title:
        axes[0].figure.suptitle(title)
    return axes


def state_size_plot(series, ax=None, title=None):
    """Trainable parameters against the numbers a core keeps in its state,
    both on log scales, one line per family of cores.

    series: {label: (state sizes, parameter counts, marker)}. Returns the axes.
    """
    if ax is None:
        ax = new_axes((8.0, 4.5))
    for label, (sizes, params, marker) in series.items():
        if len(sizes) != len(params):
            raise ValueError(f"{label!r}: {len(sizes)} state sizes but {len(params)} parameter counts")
        ax.loglog(sizes, params, marker=marker, label=label)
    ax.set_xlabel("numbers kept in the state per sequence (log scale)")
    ax.set_ylabel("trainable parameters (log scale)")
    if title:
        ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return ax
