"""Matplotlib figures for the lessons.

Every function draws one kind of picture. It draws on the axes it is given,
or, when none are given, on a new figure of a fixed size; it returns the
axes it drew on (the figure is `ax.figure`). Lessons combine panels by
making one figure with several axes and passing them in; the widgets in
`rmc_lib.widgets` draw through these same functions, so a static figure in
a notebook and a live widget show exactly the same view.

Shapes follow rmc_lib's conventions: attention weights are [queries, keys]
with each row summing to 1 (row i: how much query i reads from each key).
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from .checks import check_array

# Colours of the three parts of a head in the qkv projection.
QKV_COLOURS = {"q": "#4C72B0", "k": "#DD8452", "v": "#55A868"}


def _new_axes(figsize, ncols=1, **kwargs):
    """A new figure with `ncols` axes side by side (constrained layout)."""
    fig, axes = plt.subplots(1, ncols, figsize=figsize, layout="constrained", **kwargs)
    return axes


def _panel_axes(axes, count, what, figsize):
    """The given axes (checked to be `count` of them, one per `what`) or a
    new row of `count` axes of the given figure size."""
    if axes is None:
        return _new_axes(figsize, ncols=count, squeeze=False)[0]
    axes = np.atleast_1d(axes)
    if len(axes) != count:
        raise ValueError(f"axes must hold {count} axes (one per {what}), got {len(axes)}")
    return axes


def slot_labels(num_slots, input_row=True):
    """Row names for the RMC's attention matrix A = [M; x']:
    "slot 0" ... "slot N-1", then "input" when `input_row` is True."""
    labels = [f"slot {i}" for i in range(num_slots)]
    return labels + ["input"] if input_row else labels


def attention_heatmap(weights, ax=None, row_labels=None, col_labels=None, title=None,
                      annotate=None, highlight_row=None, colorbar=True, vmin=0.0, vmax=1.0,
                      cmap="viridis", xlabel="key (attended to)", ylabel="query (attending)"):
    """Draw attention weights as a heatmap, one row per query, one column per key.

    weights: [Lq, Lk] (each row usually sums to 1).
    row_labels, col_labels: names of the queries and keys (default: indices).
    annotate: write each weight in its cell; by default only when the matrix
        is small enough to read (at most 12 x 12).
    highlight_row: index of a query row to outline in red, or None.
    colorbar: add a colorbar beside the axes.
    Returns the axes; the image is `ax.images[0]`.
    """
    weights = check_array("weights", weights, ndim=2)
    Lq, Lk = weights.shape
    if ax is None:
        ax = _new_axes((1.0 + 0.7 * Lk, 0.6 + 0.6 * Lq))
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
                ax.text(j, i, f"{weights[i, j]:.2f}", ha="center", va="center", fontsize=8,
                        color=_annotation_colour(weights[i, j], vmin, vmax))
    if highlight_row is not None:
        if not 0 <= highlight_row < Lq:
            raise ValueError(f"highlight_row must lie in [0, {Lq}), got {highlight_row}")
        ax.add_patch(Rectangle((-0.5, highlight_row - 0.5), Lk, 1, fill=False,
                               edgecolor="red", linewidth=2.5, gid="highlight"))
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="attention weight")
    return ax


def _annotation_colour(value, vmin, vmax):
    """Dark text on the bright (high) end of viridis, light on the dark end."""
    return "black" if value > (vmin + vmax) / 2 else "white"


def update_heatmap(ax, weights):
    """Show new weights, of the same shape, in a heatmap drawn by
    `attention_heatmap` on `ax`: its image and, if annotated, its numbers.
    (Faster than drawing it anew; the widgets use it.)"""
    image = ax.images[0]
    if np.shape(weights) != image.get_array().shape:
        raise ValueError(f"weights must have the heatmap's shape {image.get_array().shape}, got {np.shape(weights)}")
    image.set_data(weights)
    vmin, vmax = image.get_clim()
    for text, value in zip(ax.texts, np.ravel(weights)):
        text.set_text(f"{value:.2f}")
        text.set_color(_annotation_colour(value, vmin, vmax))
    return ax


def heatmap_artists(ax):
    """The artists of a heatmap drawn by `attention_heatmap` (or
    `trace_attention`) that change with its weights or settings, or lie on
    the image (outlines, lines, numbers), and its title. A widget that
    redraws only what changes (widgets.FigureView) redraws these."""
    return [ax.images[0], *ax.patches, *ax.lines, *ax.texts, ax.title]


def head_heatmaps(weights, axes=None, row_labels=None, col_labels=None, title=None):
    """One attention heatmap per head, side by side, with one shared colorbar.

    weights: [H, Lq, Lk]. axes: H axes to draw on (default: a new figure).
    Returns the array of H axes.
    """
    weights = check_array("weights", weights, ndim=3)
    H = weights.shape[0]
    axes = _panel_axes(axes, H, "head", (0.5 + 3.6 * H, 3.6))
    for h, ax in enumerate(axes):
        attention_heatmap(weights[h], ax=ax, row_labels=row_labels, col_labels=col_labels,
                          title=f"head {h}", colorbar=False,
                          ylabel="query (attending)" if h == 0 else "")
    axes[0].figure.colorbar(axes[0].images[0], ax=list(axes), label="attention weight", shrink=0.9)
    if title:
        axes[0].figure.suptitle(title)
    return axes


def softmax_temperature_bars(logits, temperatures, ax=None, labels=None, title=None):
    """Grouped bar chart of softmax(logits / T) for several temperatures T.

    logits: [n] scores. temperatures: a list of positive numbers.
    labels: names of the n entries (default: the logits' values).
    Returns the axes; `ax.containers[t]` holds the bars of temperatures[t],
    whose heights are the probabilities.
    """
    logits = check_array("logits", logits, ndim=1)
    temperatures = [float(t) for t in temperatures]
    if any(t <= 0 for t in temperatures):
        raise ValueError(f"temperatures must be positive, got {temperatures}")
    n = logits.shape[0]
    if ax is None:
        ax = _new_axes((7, 3.6))
    width = 0.8 / len(temperatures)
    colours = plt.cm.plasma(np.linspace(0.1, 0.8, len(temperatures)))
    for t, (T, colour) in enumerate(zip(temperatures, colours)):
        shifted = logits / T - np.max(logits / T)
        p = np.exp(shifted) / np.exp(shifted).sum()
        ax.bar(np.arange(n) + (t - (len(temperatures) - 1) / 2) * width, p, width,
               color=colour, label=f"T = {T:g}")
    if labels is None:
        labels = [f"{x:g}" for x in logits]
    ax.set_xticks(range(n), labels)
    ax.set_xlabel("score (logit)")
    ax.set_ylabel("softmax(score / T)")
    ax.set_ylim(0, 1)
    ax.legend(title="temperature")
    ax.set_title(title or "Softmax at several temperatures")
    return ax


def similarity_picture(query, keys, key_labels=None, axes=None):
    """Two panels on dot products as similarity, for 2-d vectors.

    Left: the query and the keys as arrows from the origin. Right: for each
    key, its dot product with the query and their cosine similarity.
    query: [2]. keys: [n, 2]. axes: two axes (default: a new figure).
    Returns the two axes; `axes[1].containers[0]` holds the dot products,
    `axes[1].containers[1]` the cosines.
    """
    query = check_array("query", query, ndim=1, last_dim=2)
    keys = check_array("keys", keys, ndim=2, last_dim=2)
    n = keys.shape[0]
    if key_labels is None:
        key_labels = [f"k{i}" for i in range(n)]
    if axes is None:
        axes = _new_axes((10, 4), ncols=2)
    ax, bx = axes
    colours = plt.cm.tab10(np.arange(1, n + 1) % 10)

    def label_at(vector, text, side, **style):
        # Beside the arrow's tip, pushed off the arrow's line, so that labels of
        # arrows pointing the same way do not overlap.
        normal = np.array([-vector[1], vector[0]]) / (np.linalg.norm(vector) or 1.0)
        ax.annotate(text, xy=vector, xytext=tuple(side * 12 * normal), textcoords="offset points",
                    ha="center", va="center", fontsize=11, **style)

    for key, label, colour in zip(keys, key_labels, colours):
        ax.annotate("", xy=key, xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", color=colour, lw=2))
        label_at(key, label, +1, color=colour)
    # The query last, on top of any key pointing the same way.
    ax.annotate("", xy=query, xytext=(0, 0),
                arrowprops=dict(arrowstyle="-|>", color="black", lw=2.5, alpha=0.8))
    label_at(query, "query", -1, color="black", fontweight="bold")
    reach = 1.3 * max(np.abs(keys).max(), np.abs(query).max())
    ax.set_xlim(-reach, reach)
    ax.set_ylim(-reach, reach)
    ax.set_aspect("equal")
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("feature 0")
    ax.set_ylabel("feature 1")
    ax.set_title("query and keys")

    dots = keys @ query
    cosines = dots / (np.linalg.norm(keys, axis=1) * np.linalg.norm(query))
    x = np.arange(n)
    for offset, heights, colour, label in [(-0.2, dots, "0.35", "dot product q·k"),
                                           (0.2, cosines, "0.75", "cosine similarity")]:
        bars = bx.bar(x + offset, heights, 0.4, color=colour, label=label)
        bx.bar_label(bars, fmt="%.2f", fontsize=8, padding=2)
    bx.margins(y=0.15)
    bx.axhline(0, color="black", lw=0.8)
    bx.set_xticks(x, key_labels)
    bx.set_xlabel("key")
    bx.set_ylabel("similarity to the query")
    bx.set_title("dot product vs cosine")
    bx.legend()
    return axes


def qkv_layout(num_heads, key_size, head_size, ax=None):
    """The columns of the RMC's qkv projection, coloured by role.

    The projection has num_heads * (2 key_size + head_size) columns; head h
    owns a contiguous block, inside which come its key_size query columns,
    key_size key columns, then head_size value columns (Sonnet's layout).
    Returns the axes; one rectangle per column, in `ax.patches`, labelled
    (`get_label()`) "q", "k" or "v".
    """
    per_head = 2 * key_size + head_size
    width = num_heads * per_head
    if ax is None:
        ax = _new_axes((max(6, 0.32 * width + 1), 1.9))
    roles = ["q"] * key_size + ["k"] * key_size + ["v"] * head_size
    for column in range(width):
        role = roles[column % per_head]
        ax.add_patch(Rectangle((column, 0), 1, 1, facecolor=QKV_COLOURS[role],
                               edgecolor="white", label=role))
    for h in range(num_heads):
        start = h * per_head
        ax.plot([start, start], [-0.15, 1.15], color="black", lw=2)
        ax.text(start + per_head / 2, 1.3, f"head {h}", ha="center", va="bottom", fontsize=10)
        for offset, size, role in [(0, key_size, "q"), (key_size, key_size, "k"),
                                   (2 * key_size, head_size, "v")]:
            ax.text(start + offset + size / 2, 0.5, role, ha="center", va="center",
                    color="white", fontsize=11, fontweight="bold")
    ax.plot([width, width], [-0.15, 1.15], color="black", lw=2)
    ax.set_xlim(-0.5, width + 0.5)
    ax.set_ylim(-0.3, 1.9)
    ticks = list(range(0, width + 1, per_head))
    ax.set_xticks(ticks)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("column of qkv")
    ax.set_title(f"qkv columns: {num_heads} heads × (q: {key_size}, k: {key_size}, v: {head_size})")
    return ax


def attention_row_view(weights, values, query_row, axes=None, row_labels=None,
                       col_labels=None, title=None, value_range=None):
    """What one query does, in three panels.

    1. The heatmap of all the weights, the chosen query row outlined.
    2. That row's weights as bars: how much the query reads from each key.
    3. The output for that query, weights[query_row] @ values, as bars, with
       two references: the mean of the value rows (what uniform attention
       gives) and the value row of the most-attended key (what a one-hot
       attention gives). As the weights concentrate on one key, the output
       moves from the first towards the second.

    weights: [Lq, Lk]. values: [Lk, dv]. query_row: an index into the rows.
    axes: three axes (default: a new figure). value_range: (low, high), the
    values the third panel must hold (default: these values' range; the
    output, a weighted mean of value rows, always lies inside it).
    Returns the three axes; `axes[1].containers[0]` holds the weight bars
    and `axes[2].containers[0]` the output bars.
    `update_attention_row_view` shows other weights in the same picture.
    """
    weights, values = _check_row_view(weights, values, query_row)
    Lq, Lk = weights.shape
    if axes is None:
        axes = _new_axes((13, 3.9), ncols=3, width_ratios=[1.25, 1, 1])
    hx, wx, ox = axes
    if row_labels is None:
        row_labels = [str(i) for i in range(Lq)]
    if col_labels is None:
        col_labels = [str(j) for j in range(Lk)]

    attention_heatmap(weights, ax=hx, row_labels=row_labels, col_labels=col_labels,
                      highlight_row=query_row, title="all weights")

    wx.bar(range(Lk), np.zeros(Lk), color="#4C72B0")
    wx.set_xticks(range(Lk), col_labels)
    if max(len(str(c)) for c in col_labels) > 3:
        wx.tick_params(axis="x", labelrotation=45)
    wx.set_ylim(0, 1.05)
    wx.set_xlabel("key (attended to)")
    wx.set_ylabel("weight of each key")

    dv = values.shape[1]
    ox.bar(range(dv), np.zeros(dv), color="0.4", label="output = Σ weight · value")
    ox.plot(range(dv), np.zeros(dv), "o", mfc="none", mec="#55A868", mew=1.5, label="mean of the values")
    ox.plot(range(dv), np.zeros(dv), "x", color="#C44E52", mew=1.5, label="value of the top key")
    ox.axhline(0, color="black", lw=0.8)
    # Leave room above the data for the legend.
    low, high = value_range if value_range is not None else (values.min(), values.max())
    low, high = min(low, 0.0), max(high, 0.0)
    span = (high - low) or 1.0
    ox.set_ylim(low - 0.08 * span, high + 0.5 * span)
    ox.set_xticks(range(dv))
    ox.set_xlabel("feature of the value / output")
    ox.set_ylabel("value")
    ox.legend(fontsize=8, loc="upper center", ncols=1)
    if title:
        hx.figure.suptitle(title)
    return update_attention_row_view(axes, weights, values, query_row, row_labels)


def _check_row_view(weights, values, query_row):
    weights = check_array("weights", weights, ndim=2)
    values = check_array("values", values, ndim=2)
    Lq, Lk = weights.shape
    if values.shape[0] != Lk:
        raise ValueError(f"values must have {Lk} rows (one per key, the columns of weights), got shape {values.shape}")
    if not 0 <= query_row < Lq:
        raise ValueError(f"query_row must lie in [0, {Lq}), got {query_row}")
    return weights, values


def update_attention_row_view(axes, weights, values, query_row, row_labels=None):
    """Show other weights, values or query row (of the same shapes) in a
    picture drawn by `attention_row_view`, changing only its data and
    titles; the axes stay as drawn (the widgets' fast path)."""
    weights, values = _check_row_view(weights, values, query_row)
    hx, wx, ox = axes
    if len(wx.patches) != weights.shape[1] or len(ox.patches) != values.shape[1]:
        raise ValueError(f"axes must hold a picture of {weights.shape[1]} keys and values of size "
                         f"{values.shape[1]}, got {len(wx.patches)} and {len(ox.patches)}")
    name = row_labels[query_row] if row_labels is not None else str(query_row)
    update_heatmap(hx, weights)
    outline = next(patch for patch in hx.patches if patch.get_gid() == "highlight")
    outline.set_y(query_row - 0.5)                         # around the query's row
    row = weights[query_row]
    top = int(np.argmax(row))
    for j, bar in enumerate(wx.patches):
        bar.set_height(row[j])
        bar.set_color("#C44E52" if j == top else "#4C72B0")
    wx.set_title(f"weights of query '{name}'")
    for bar, height in zip(ox.patches, row @ values):
        bar.set_height(height)
    mean_marks, top_marks = ox.lines[:2]
    mean_marks.set_ydata(values.mean(axis=0))
    top_marks.set_ydata(values[top])
    ox.set_title(f"output of query '{name}'")
    return axes


def attention_row_artists(axes):
    """What `update_attention_row_view` changes (and the zero line, which
    lies on the output bars), for widgets.FigureView."""
    hx, wx, ox = axes
    return [*heatmap_artists(hx), *wx.patches, wx.title, *ox.patches, *ox.lines, ox.title]


# ----------------------------------------------------------------------------
# Views of a recorded forward pass (rmc_lib.trace.Trace)
# ----------------------------------------------------------------------------

def _check_index(name, value, size):
    """Raise ValueError unless value is an integer in [0, size)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < size:
        raise ValueError(f"{name} must be an integer in [0, {size}), got {value!r}")
    return int(value)


def trace_weights(trace, step, block, head, example=0):
    """The attention weights [N+1, N+1] a trace recorded at one step, block and head.

    trace.attention is [T, blocks, B, H, N+1, N+1]; this is
    trace.attention[step, block, example, head], after checking each index.
    Rows are queries, columns keys; row and column N are the input row.
    """
    T, num_blocks, B, H = trace.attention.shape[:4]
    step = _check_index("step", step, T)
    block = _check_index("block", block, num_blocks)
    example = _check_index("example", example, B)
    head = _check_index("head", head, H)
    return trace.attention[step, block, example, head]


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
        ax = _new_axes((1.6 + 0.75 * L, 0.9 + 0.6 * L))
    attention_heatmap(weights, ax=ax, row_labels=labels, col_labels=labels, title=title,
                      annotate=annotate, colorbar=colorbar, ylabel=ylabel)
    return mark_input_row(ax, len(labels) - 1)


def trace_attention_grid(trace, example=0, block=0, head=0, axes=None, title=None):
    """One attention heatmap per time step, side by side, with a shared colorbar.

    trace: a Trace over T steps. Draws trace_attention(trace, t, block, head,
    example) for t = 0..T-1. axes: T axes (default: a new figure).
    Returns the array of T axes.
    """
    T = trace.attention.shape[0]
    axes = _panel_axes(axes, T, "step", (0.8 + 3.2 * T, 3.7))
    for t, ax in enumerate(axes):
        trace_attention(trace, t, block, head, example, ax=ax, colorbar=False, title=f"step {t}",
                        ylabel="query (attending)" if t == 0 else "")
    axes[0].figure.colorbar(axes[0].images[0], ax=list(axes), label="attention weight", shrink=0.9)
    if title is None:
        title = f"attention over [memory; input] at every step: block {block}, head {head}"
        if trace.attention.shape[2] > 1:
            title += f", example {example}"
    axes[0].figure.suptitle(title)
    return axes


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
        ax = _new_axes((1.5 + 0.35 * F, 1.0 + 0.4 * N))
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


def memory_over_time(trace, example=0, axes=None, vmax=None, title=None):
    """The memory before the first step and after every step, one heatmap each.

    trace.memory is [T+1, B, N, F]: memory[0] is the initial state,
    memory[t+1] the memory after step t. The T+1 heatmaps are stacked from
    top to bottom on one colour scale (vmax: default the largest |value|
    over all of them) with one colorbar. axes: T+1 axes (default: a new
    figure). Returns the array of T+1 axes.
    """
    T1, B, N, F = trace.memory.shape
    example = _check_index("example", example, B)
    memories = trace.memory[:, example]
    if axes is None:
        figsize = (min(2.0 + 0.4 * F, 12), 0.6 + (0.3 * N + 0.5) * T1)
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
        ax = _new_axes((1.0 + 0.4 * D, 1.3))
    if vmax is None:
        vmax = float(np.abs(values).max()) or 1.0
    image = ax.imshow(values[None], cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto")
    ax.set_yticks([])
    ax.set_xticks(range(D), [str(i) for i in range(D)], fontsize=7)
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
    step = _check_index("step", step, T)
    example = _check_index("example", example, B)
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
    the input strip), for widgets.FigureView."""
    ax_attention, ax_input = axes
    return heatmap_artists(ax_attention) + [ax_input.images[0], *ax_input.lines, ax_input.title]


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
    step = _check_index("step", step, T1 - 1)
    example = _check_index("example", example, B)
    if fig is None:
        fig = plt.figure(figsize=(12, 3.6), layout="constrained")
    axes = fig.subplots(1, 4, width_ratios=[3, 2, 2, 2])
    if vmax is None:
        vmax = float(np.abs(trace.memory[:, example]).max()) or 1.0
    memory_heatmap(trace.memory[step + 1, example], ax=axes[0], vmax=vmax, title=_memory_title(step))
    slots = slot_labels(N, input_row=False)
    for ax, gate, name in [(axes[1], trace.input_gate, "input gate"), (axes[2], trace.forget_gate, "forget gate")]:
        if gate is None:
            ax.text(0.5, 0.5, "no gates\n(gate_style None)", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        values = gate[step, example]                                  # [N, g]
        image = ax.imshow(values, cmap="Greens", vmin=0, vmax=1, aspect="auto")
        ax.set_yticks(range(N), slots)
        ax.set_xticks(range(0, values.shape[1], max(1, values.shape[1] // 6)))
        ax.set_xlabel("unit" if values.shape[1] > 1 else "one gate per slot")
        ax.set_title(_gate_title(name, values))
        fig.colorbar(image, ax=ax, label="gate value")
    change = trace.memory_change()[:, example]                        # [T, N]
    axes[3].barh(range(N), change[step], color="tab:purple")
    axes[3].set_yticks(range(N), slots)
    axes[3].invert_yaxis()
    if change_max is None:
        change_max = float(change.max())
    axes[3].set_xlim(0, change_max * 1.05 or 1.0)
    axes[3].set_xlabel(r"$\|M_{t+1} - M_t\|$ per slot")
    axes[3].set_title("move per slot")
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
    step = _check_index("step", step, T1 - 1)
    example = _check_index("example", example, B)
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
    """What `update_memory_and_gates` changes, for widgets.FigureView."""
    memory_ax, input_ax, forget_ax, change_ax = axes
    changing = [memory_ax.images[0], memory_ax.title, *change_ax.patches]
    for ax in (input_ax, forget_ax):
        if ax.images:                          # a gate panel (empty without gates)
            changing += [ax.images[0], ax.title]
    return changing
