"""Heatmaps: attention weights (a row per query, a column per key, each row
summing to 1) and memory matrices (a row per slot), and the strip of one
input row; with the in-place updates the fast widgets use.
"""

import numpy as np
from matplotlib.patches import Rectangle

from ..nn.checks import check_array
from .common import new_axes, panel_axes, slot_labels


def attention_heatmap(weights, ax=None, row_labels=None, col_labels=None, title=None,
                      annotate=None, highlight_row=None, colorbar=True, vmin=0.0, vmax=1.0,
                      cmap="viridis", xlabel="key (attended to)", ylabel="query (attending)",
                      fmt=".2f", colorbar_label="attention weight"):
    """Draw attention weights as a heatmap, one row per query, one column per key.

    weights: [Lq, Lk] (each row usually sums to 1).
    row_labels, col_labels: names of the queries and keys (default: indices).
    annotate: write each weight in its cell (with format `fmt`, dark on light
        colours, light on dark ones); by default only when the matrix is
        small enough to read (at most 12 x 12).
    highlight_row: index of a query row to outline in red, or None.
    colorbar: add a colorbar beside the axes (labelled `colorbar_label`).
    Any other matrix drawn the same way (e.g. correlations, with
    cmap="RdBu_r", vmin=-1) works too.
    Returns the axes; the image is `ax.images[0]`.
    """
    weights = check_array("weights", weights, ndim=2)
    Lq, Lk = weights.shape
    if ax is None:
        ax = new_axes((1.0 + 0.7 * Lk, 0.6 + 0.6 * Lq))
    if row_labels is not None and len(row_labels) != Lq:
        raise ValueError(f"row_labels must have {Lq} entries (one per row of weights), got {len(row_labels)}")
    if col_labels is not None and len(col_labels) != Lk:
        raise ValueError(f"col_labels must have {Lk} entries (one per column of weights), got {len(col_labels)}")
    image = ax.imshow(weights, cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(Lk), col_labels if col_labels is not None else range(Lk))
    ax.set_yticks(range(Lq), row_labels if row_labels is not None else range(Lq))
    if col_labels is not None and max(len(str(c)) for c in col_labels) > 3:
        ax.tick_params(axis="x", labelrotation=45)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if annotate is None:
        annotate = Lq <= 12 and Lk <= 12
    if annotate:
        for i in range(Lq):
            for j in range(Lk):
                ax.text(j, i, _annotation(weights[i, j], fmt), ha="center", va="center", fontsize=8,
                        color=_annotation_colour(weights[i, j], image))
    if highlight_row is not None:
        if not 0 <= highlight_row < Lq:
            raise ValueError(f"highlight_row must lie in [0, {Lq}), got {highlight_row}")
        ax.add_patch(Rectangle((-0.5, highlight_row - 0.5), Lk, 1, fill=False,
                               edgecolor="red", linewidth=2.5, gid="highlight"))
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label=colorbar_label)
    return ax


def _annotation(value, fmt):
    """A cell's number; one that rounds to zero is written without a sign
    ("0.00" or "+0.00", never "-0.00")."""
    text = f"{value:{fmt}}"
    if float(text) == 0:
        text = f"{0.0:{fmt}}"
    return text


def _annotation_colour(value, image):
    """Dark text on the light colours of the image's colour map, light text
    on the dark ones: on viridis, dark above the middle of the scale."""
    vmin, vmax = image.get_clim()
    if image.get_cmap().name == "viridis":
        return "black" if value > (vmin + vmax) / 2 else "white"
    r, g, b, _ = image.get_cmap()(image.norm(value))
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def update_heatmap(ax, weights, fmt=".2f"):
    """Show new weights, of the same shape, in a heatmap drawn by
    `attention_heatmap` on `ax`: its image and, if annotated, its numbers
    (in the format it was drawn with, `fmt`). (Faster than drawing it anew;
    the widgets use it.)"""
    image = ax.images[0]
    if np.shape(weights) != image.get_array().shape:
        raise ValueError(f"weights must have the heatmap's shape {image.get_array().shape}, got {np.shape(weights)}")
    image.set_data(weights)
    for text, value in zip(ax.texts, np.ravel(weights)):
        text.set_text(_annotation(value, fmt))
        text.set_color(_annotation_colour(value, image))
    return ax


def heatmap_artists(ax):
    """The artists of a heatmap drawn by `attention_heatmap` (or
    `trace_attention`) that change with its weights or settings, or lie on
    the image (outlines, lines, numbers), and its title. A widget that
    redraws only what changes (FigureView) redraws these."""
    return [ax.images[0], *ax.patches, *ax.lines, *ax.texts, ax.title]


def head_heatmaps(weights, axes=None, row_labels=None, col_labels=None, title=None):
    """One attention heatmap per head, side by side, with one shared colorbar.

    weights: [H, Lq, Lk]. axes: H axes to draw on (default: a new figure).
    Returns the array of H axes.
    """
    weights = check_array("weights", weights, ndim=3)
    H = weights.shape[0]
    axes = panel_axes(axes, H, "head", (0.5 + 3.6 * H, 3.6))
    for h, ax in enumerate(axes):
        attention_heatmap(weights[h], ax=ax, row_labels=row_labels, col_labels=col_labels,
                          title=f"head {h}", colorbar=False,
                          ylabel="query (attending)" if h == 0 else "")
    axes[0].figure.colorbar(axes[0].images[0], ax=list(axes), label="attention weight", shrink=0.9)
    if title:
        axes[0].figure.suptitle(title)
    return axes


def mark_input_row(ax, num_slots):
    """Mark the input row and column of an (N+1) x (N+1) attention heatmap.

    A dashed red outline around the last row (the input row, which the RMC
    crops after the last block), thin white lines between the slots and
    the input, and red "input" tick labels. The outline has gid "input_row".
    """
    N = num_slots
    ax.axhline(N - 0.5, color="white", lw=1.2)
    ax.axvline(N - 0.5, color="white", lw=1.2)
    ax.add_patch(Rectangle((-0.5, N - 0.5), N + 1, 1, fill=False, edgecolor="#d62728",
                           linestyle="--", linewidth=2, gid="input_row", clip_on=False))
    for label in [ax.get_yticklabels()[N], ax.get_xticklabels()[N]]:
        label.set_color("#d62728")
    return ax


def memory_heatmap(memory, ax=None, title=None, vmax=None, colorbar=True, row_labels=None,
                   cmap="RdBu_r", xlabel="feature"):
    """Draw one memory matrix [N, F]: a row per slot, a column per feature.

    Colours are diverging and centred at 0: red positive, blue negative, at
    +-vmax (default: the largest |value|, or 1 for an all-zero memory).
    row_labels: names of the slots (default "slot 0", ...).
    Returns the axes; the image is `ax.images[0]`.
    """
    memory = check_array("memory", memory, ndim=2)
    N, F = memory.shape
    if ax is None:
        ax = new_axes((1.5 + 0.35 * F, 1.0 + 0.4 * N))
    if row_labels is None:
        row_labels = slot_labels(N, input_row=False)
    if len(row_labels) != N:
        raise ValueError(f"row_labels must have {N} entries (one per slot), got {len(row_labels)}")
    if vmax is None:
        vmax = float(np.abs(memory).max()) or 1.0
    image = ax.imshow(memory, cmap=cmap, vmin=-vmax, vmax=vmax, aspect="auto")
    ax.set_yticks(range(N), row_labels)
    step = max(1, F // 8)
    ax.set_xticks(range(0, F, step))
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="value")
    return ax


def memory_heatmaps(memories, titles=None, axes=None, vmax=None, title=None, figsize=None):
    """Several memory matrices [N, F] side by side, on one colour scale
    (+-vmax, default the largest |value| of them all) with one colorbar.

    memories: a list of [N, F] arrays (or an array [count, N, F]).
    titles: one per memory. axes: that many axes (default: a new figure,
    9.4 in wide at most). Returns the array of axes.
    """
    memories = [check_array("memories", m, ndim=2) for m in memories]
    count = len(memories)
    if titles is not None and len(titles) != count:
        raise ValueError(f"titles must have {count} entries (one per memory), got {len(titles)}")
    N, F = memories[0].shape
    if figsize is None:
        figsize = (min(0.8 + count * (1.0 + 0.22 * F), 9.4), 0.9 + 0.35 * N)
    axes = panel_axes(axes, count, "memory", figsize)
    if vmax is None:
        vmax = max(float(np.abs(m).max()) for m in memories) or 1.0
    for i, (ax, memory) in enumerate(zip(axes, memories)):
        memory_heatmap(memory, ax=ax, vmax=vmax, colorbar=False, title=titles[i] if titles else None)
        if i > 0:
            ax.tick_params(labelleft=False)
    axes[0].figure.colorbar(axes[0].images[0], ax=list(axes), label="value")
    if title:
        axes[0].figure.suptitle(title)
    return axes


def input_row(values, ax=None, groups=None, title=None, vmax=None, colorbar=False):
    """One input vector x_t [D] as a strip of coloured cells.

    groups: optional list of (name, start, stop) naming column ranges, e.g.
    an Nth-farthest task's `input_groups()`: [("vector", 0, 4), ("id", 4, 8),
    ...]; each group is labelled above the strip and separated by a line.
    Colours are diverging, centred at 0, at +-vmax (default: the largest
    |value|, or 1). Returns the axes; the image is `ax.images[0]`.
    """
    values = check_array("values", values, ndim=1)
    D = len(values)
    if ax is None:
        ax = new_axes((1.0 + 0.4 * D, 1.3))
    if vmax is None:
        vmax = float(np.abs(values).max()) or 1.0
    image = ax.imshow(values[None], cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto")
    ax.set_yticks([])
    ax.set_xticks(range(D), [str(i) for i in range(D)], fontsize=8)
    for name, start, stop in groups or []:
        if not 0 <= start < stop <= D:
            raise ValueError(f"group {name!r} must cover columns inside [0, {D}], got [{start}, {stop})")
        if stop < D:
            ax.axvline(stop - 0.5, color="k", lw=1.5)
        ax.text((start + stop - 1) / 2, -0.62, name, ha="center", va="bottom", fontsize=8)
    if title:
        ax.set_title(title, pad=20 if groups else 6)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="value")
    return ax
