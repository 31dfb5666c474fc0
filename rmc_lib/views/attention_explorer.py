"""The attention row explorer of lesson 01: one query's attention over the
keys, with sliders for the query, the head and the temperature, redrawn in
place (FigureView); and its static twin at several temperatures."""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from ..nn.attention import check_head_sizes, softmax, split_heads
from ..nn.checks import check_array
from ..nn.layers import layer_norm_forward, linear_forward
from .attention_views import (ROW_VIEW_FIGSIZE, attention_row_artists, attention_row_view,
                              row_view_axes, update_attention_row_view)
from .common import slot_labels
from .figure_view import FigureView


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


def row_views_at_temperatures(q, k, v, temperatures, query_row=0, row_labels=None,
                              col_labels=None, title=None):
    """`attention_row_view` once per temperature, one row of panels each,
    on a new figure; the weights are `attention_weights(q, k, T)`.

    q: [Lq, dk], k: [Lk, dk], v: [Lk, dv] (one head). The output panels
    share one value axis. Returns the array of axes [len(temperatures), 3].
    """
    fig = plt.figure(figsize=(ROW_VIEW_FIGSIZE[0], 3.4 * len(temperatures)), layout="constrained")
    fig.get_layout_engine().set(wspace=0.06)
    axes = fig.subplots(len(temperatures), 3, width_ratios=[1.25, 1, 1], squeeze=False)
    for row_axes, T in zip(axes, temperatures):
        attention_row_view(attention_weights(q, k, temperature=T), v, query_row, axes=row_axes,
                           row_labels=row_labels, col_labels=col_labels, value_range=(v.min(), v.max()))
        row_axes[0].set_title(f"all weights, T = {T:.2f}")
    if title:
        fig.suptitle(title)
    return axes


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
      figure       the matplotlib Figure shown (attention_row_view, the
                   static counterpart); `view.image` is the PNG widget
      summary      title(), also shown under the figure

    Build it with `attention_explorer(q, k, v, ...)` or, for the RMC's
    multi-head attention over [memory; input], `rmc_attention_explorer(...)`.
    """

    css_class = "rmc-row-explorer"

    def __init__(self, q, k, v, row_labels=None, col_labels=None, query_row=0, head=0,
                 temperature=1.0, scaled=True, figsize=ROW_VIEW_FIGSIZE):
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
            update_attention_row_view(self.axes, self.weights, self.v[h], self.query_row,
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
        self.axes = attention_row_view(self.weights, self.v[self.head], self.query_row,
                                       axes=row_view_axes(self.figure), row_labels=self.row_labels,
                                       col_labels=self.col_labels, value_range=(self.v.min(), self.v.max()))
        self.view.set_changing(attention_row_artists(self.axes))


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
    labels = slot_labels(L - 1, input_row=True) if input_row else [f"row {i}" for i in range(L)]
    return AttentionExplorer(q[0], k[0], v[0], row_labels=labels, col_labels=labels, **kwargs)
