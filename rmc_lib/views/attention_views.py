"""Pictures of lesson 01 (attention): softmax and temperature, similarity of
a query to keys, why the scores are scaled, the qkv layout of the heads, what
the layer norm on qkv does as the memory grows, one query's attention row and
what it reads (the picture the attention row explorer redraws), and the
gradient checks.

Shapes follow rmc_lib's conventions: attention weights are [queries, keys]
with each row summing to 1 (row i: how much query i reads from each key).
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from ..nn.checks import check_array
from .common import new_axes
from .heatmaps import attention_heatmap, heatmap_artists, update_heatmap

# Colours of the three parts of a head in the qkv projection.
QKV_COLOURS = {"q": "#4C72B0", "k": "#DD8452", "v": "#55A868"}

#: The row view's size: it fits a ~960 px output area at 100 dpi (a static
#: figure) and at FigureView's 90 dpi (the explorer, attention_explorer).
ROW_VIEW_FIGSIZE = (9.4, 3.6)


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
        ax = new_axes((7, 3.6))
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


def similarity_picture(query, keys, key_labels=None, axes=None, decimals=3):
    """Two panels on dot products as similarity, for 2-d vectors.

    Left: the query and the keys as arrows from the origin. Right: for each
    key, its dot product with the query and their cosine similarity, each
    bar labelled with its value to `decimals` places.
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
        axes = new_axes((9.4, 4), ncols=2, width_ratios=[1, 1.35])
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
        bx.bar_label(bars, fmt=f"%.{decimals}f", fontsize=7.5, padding=2)
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
        ax = new_axes((max(6, 0.32 * width + 1), 1.9))
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


def row_view_axes(fig):
    """The three axes of `attention_row_view` on an empty figure (constrained
    layout): the heatmap with its colorbar, the weight bars, the output bars."""
    fig.get_layout_engine().set(wspace=0.06)    # room between the colorbar and the next panel
    return fig.subplots(1, 3, width_ratios=[1.25, 1, 1])


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
    axes: three axes (default: a new figure of ROW_VIEW_FIGSIZE, laid out by
    `row_view_axes`). value_range: (low, high), the values the third panel
    must hold (default: these values' range; the output, a weighted mean of
    value rows, always lies inside it).
    Returns the three axes; `axes[1].containers[0]` holds the weight bars
    and `axes[2].containers[0]` the output bars.
    `update_attention_row_view` shows other weights in the same picture.
    """
    weights, values = _check_row_view(weights, values, query_row)
    Lq, Lk = weights.shape
    if axes is None:
        axes = row_view_axes(plt.figure(figsize=ROW_VIEW_FIGSIZE, layout="constrained"))
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
    lies on the output bars), for FigureView."""
    hx, wx, ox = axes
    return [*heatmap_artists(hx), *wx.patches, wx.title, *ox.patches, *ox.lines, ox.title]


def _key_size_axis(ax, key_sizes):
    ax.set_xscale("log", base=2)
    ax.set_xticks(key_sizes, [str(d) for d in key_sizes])
    ax.minorticks_off()
    ax.set_xlabel("key size $d_k$")


def score_scaling_view(key_sizes, variances, scaled_variances, unscaled, scaled):
    """Why the scores are divided by sqrt(d_k), in three panels over the key size.

    variances, scaled_variances: [n] the variance of q·k and of q·k / sqrt(d_k);
    unscaled, scaled: [n, 2], per key size the mean largest weight and the
    mean norm of the softmax's Jacobian, without and with the scale.
    Returns the three axes.
    """
    unscaled, scaled = np.asarray(unscaled), np.asarray(scaled)
    n = len(key_sizes)
    for name, array in [("unscaled", unscaled), ("scaled", scaled)]:
        if array.shape != (n, 2):
            raise ValueError(f"{name} must have shape ({n}, 2) (one row per key size), got {array.shape}")
    axes = new_axes((9.4, 3.3), ncols=3)
    axes[0].plot(key_sizes, variances, "o-", label="q·k")
    axes[0].plot(key_sizes, scaled_variances, "s-", label=r"q·k / $\sqrt{d_k}$")
    axes[0].set_yscale("log")
    axes[0].set(ylabel="variance of the score", title="score variance")
    for ax, column, name, title in [(axes[1], 0, "mean largest weight", "largest weight (8 keys)"),
                                    (axes[2], 1, "mean |softmax Jacobian|", "softmax Jacobian (8 keys)")]:
        ax.plot(key_sizes, unscaled[:, column], "o-", label="unscaled")
        ax.plot(key_sizes, scaled[:, column], "s-", label=r"scaled by 1/$\sqrt{d_k}$")
        ax.set(ylabel=name, title=title)
    axes[1].set_ylim(0, 1.05)
    axes[2].set_ylim(0, 1.15 * max(unscaled[:, 1].max(), scaled[:, 1].max()))
    for ax in axes:
        _key_size_axis(ax, key_sizes)
        ax.legend(fontsize=8)
    return axes


def memory_scale_view(scales, spread_before, spread_after, entropy, max_entropy):
    """What the layer norm on qkv does as the memory grows: two panels over
    the factor c that multiplies A.

    spread_before, spread_after: [n] the standard deviation of the qkv
    entries before the layer norm (A W + b) and after it; entropy: [n] the
    mean entropy of the attention rows (with the layer norm, as in the RMC);
    max_entropy: log(number of keys), the entropy of uniform attention.
    Returns the two axes.
    """
    axes = new_axes((9.4, 3.3), ncols=2)
    sx, ex = axes
    sx.loglog(scales, spread_before, "o-", color="C3", label="before the layer norm: A W + b")
    sx.loglog(scales, spread_after, "s-", color="C0", label="after it: qkv")
    sx.set(xlabel="scale c of the input A", ylabel="std of the qkv entries", title="spread of qkv")
    sx.legend(fontsize=8)
    ex.semilogx(scales, entropy, "s-", color="C0", label="with the layer norm (the RMC)")
    ex.axhline(max_entropy, color="0.5", ls="--", lw=1, label=f"uniform: log {round(np.exp(max_entropy))}")
    ex.axhline(0, color="0.5", ls=":", lw=1, label="one-hot: 0")
    ex.set_ylim(-0.05 * max_entropy, 1.75 * max_entropy)     # room for the legend
    ex.set(xlabel="scale c of the input A", ylabel="mean entropy of a row",
           title="entropy of the attention weights")
    ex.legend(fontsize=8, loc="upper right")
    for ax in axes:
        ax.set_xticks(scales, [f"{c:g}" for c in scales])
        ax.minorticks_off()
    return axes


def gradient_check_bars(errors, bound, failing=(), ax=None):
    """The relative errors of gradient checks as horizontal bars on a log axis.

    errors: {name: relative error}, drawn top to bottom in this order;
    bound: the tolerance, a dashed line; failing: the names of checks that
    are meant to fail (a backward pass with a deliberate slip), drawn red.
    Returns the axes; `ax.patches` holds the bars.
    """
    names, sizes = list(errors), [float(e) for e in errors.values()]
    if ax is None:
        ax = new_axes((8.0, 0.5 + 0.32 * len(names)))
    colours = ["C3" if name in failing else "C0" for name in names]
    ax.barh(range(len(names)), sizes, color=colours)
    ax.axvline(bound, color="black", lw=1, ls="--", label=f"bound {bound:.0e}")
    ax.set_xscale("log")
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set(xlabel="relative error (log scale)", title="gradient checks: analytic against numerical gradients")
    ax.legend(loc="lower right", fontsize=8)
    return ax
