"""Lesson 01's figures (views.attention_views) and its attention row explorer
(views.attention_explorer), headless.

Each test checks what is drawn (image data, bar heights, labels) or what a
widget holds after its controls change, not only that nothing raises.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rmc_lib.nn import attention
from rmc_lib.views import attention_explorer, attention_views
from rmc_lib.views import common
from rmc_lib.views import heatmaps


def heights(container):
    return np.array([bar.get_height() for bar in container])


def random_weights(rng, rows, cols):
    return attention.softmax(rng.normal(size=(rows, cols)))


# ----------------------------------------------------------------------------
# plots
# ----------------------------------------------------------------------------

def test_slot_labels():
    assert common.slot_labels(3) == ["slot 0", "slot 1", "slot 2", "input"]
    assert common.slot_labels(2, input_row=False) == ["slot 0", "slot 1"]


def test_attention_heatmap_draws_the_weights_with_labels_and_values(rng):
    w = random_weights(rng, 3, 4)
    rows, cols = ["a", "b", "c"], ["k0", "k1", "k2", "k3"]
    ax = heatmaps.attention_heatmap(w, row_labels=rows, col_labels=cols, title="my title")
    np.testing.assert_array_equal(ax.images[0].get_array(), w)
    assert [t.get_text() for t in ax.get_yticklabels()] == rows
    assert [t.get_text() for t in ax.get_xticklabels()] == cols
    assert ax.get_title() == "my title"
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == sorted(f"{x:.2f}" for x in w.ravel())
    assert len(ax.figure.axes) == 2  # the heatmap and its colorbar


def test_attention_heatmap_annotation_and_colorbar_switches(rng):
    ax = heatmaps.attention_heatmap(random_weights(rng, 20, 20))
    assert len(ax.texts) == 0  # too big to annotate by default
    _, ax = plt.subplots()
    heatmaps.attention_heatmap(random_weights(rng, 2, 2), ax=ax, colorbar=False, annotate=False)
    assert len(ax.texts) == 0 and len(ax.figure.axes) == 1


def test_attention_heatmap_highlights_the_chosen_row(rng):
    ax = heatmaps.attention_heatmap(random_weights(rng, 5, 3), highlight_row=3)
    boxes = [p for p in ax.patches if p.get_gid() == "highlight"]
    assert len(boxes) == 1
    assert boxes[0].get_y() == pytest.approx(2.5)  # rows are centred on integers
    assert boxes[0].get_width() == 3


def test_attention_heatmap_refuses_bad_input(rng):
    with pytest.raises(ValueError, match="weights"):
        heatmaps.attention_heatmap(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="row_labels"):
        heatmaps.attention_heatmap(random_weights(rng, 2, 3), row_labels=["a"])
    with pytest.raises(ValueError, match="highlight_row"):
        heatmaps.attention_heatmap(random_weights(rng, 2, 3), highlight_row=2)


def test_head_heatmaps_one_panel_per_head(rng):
    w = np.stack([random_weights(rng, 4, 4) for _ in range(3)])
    axes = heatmaps.head_heatmaps(w, row_labels=list("abcd"), col_labels=list("abcd"))
    assert len(axes) == 3
    for h, ax in enumerate(axes):
        np.testing.assert_array_equal(ax.images[0].get_array(), w[h])
        assert ax.get_title() == f"head {h}"
    assert len(axes[0].figure.axes) == 4  # three heads and one shared colorbar


def test_softmax_temperature_bars_heights_are_the_probabilities():
    logits = np.array([2.0, 1.0, -1.0])
    temperatures = [0.5, 1.0, 3.0]
    ax = attention_views.softmax_temperature_bars(logits, temperatures)
    assert len(ax.containers) == 3
    for T, container in zip(temperatures, ax.containers):
        np.testing.assert_allclose(heights(container), attention.softmax(logits / T))
    # a lower temperature puts more weight on the largest score
    assert heights(ax.containers[0])[0] > heights(ax.containers[1])[0] > heights(ax.containers[2])[0]
    with pytest.raises(ValueError, match="temperatures"):
        attention_views.softmax_temperature_bars(logits, [1.0, 0.0])


def test_similarity_picture_bars_are_dot_products_and_cosines():
    query = np.array([1.0, 0.0])
    keys = np.array([[2.0, 0.0], [0.0, 3.0], [-1.0, 1.0]])
    axes = attention_views.similarity_picture(query, keys)
    np.testing.assert_allclose(heights(axes[1].containers[0]), [2.0, 0.0, -1.0])
    np.testing.assert_allclose(heights(axes[1].containers[1]), [1.0, 0.0, -np.sqrt(0.5)])
    assert [t.get_text() for t in axes[1].texts] == ["2.000", "0.000", "-1.000", "1.000", "0.000", "-0.707"]
    axes = attention_views.similarity_picture(query, keys, decimals=1)
    assert axes[1].texts[-1].get_text() == "-0.7"


def test_qkv_layout_colours_columns_by_role():
    ax = attention_views.qkv_layout(num_heads=2, key_size=2, head_size=3)
    roles = [p.get_label() for p in ax.patches]
    assert roles == ["q", "q", "k", "k", "v", "v", "v"] * 2


def test_attention_row_view_shows_the_row_and_its_weighted_sum(rng):
    w = random_weights(rng, 4, 5)
    values = rng.normal(size=(5, 3))
    axes = attention_views.attention_row_view(w, values, query_row=2, title="a title as long as the notebook's")
    assert common.layout_problems(axes[0].figure, dpi=100) == []
    np.testing.assert_array_equal(axes[0].images[0].get_array(), w)
    np.testing.assert_allclose(heights(axes[1].containers[0]), w[2])
    np.testing.assert_allclose(heights(axes[2].containers[0]), w[2] @ values)
    with pytest.raises(ValueError, match="values"):
        attention_views.attention_row_view(w, values[:4], query_row=0)
    with pytest.raises(ValueError, match="query_row"):
        attention_views.attention_row_view(w, values, query_row=4)


# ----------------------------------------------------------------------------
# widgets
# ----------------------------------------------------------------------------

def make_qkv(rng, H=2, L=5, dk=3, dv=4):
    return rng.normal(size=(H, L, dk)), rng.normal(size=(H, L, dk)), rng.normal(size=(H, L, dv))


def test_attention_weights_matches_scaled_dot_product_attention(rng):
    q, k, v = make_qkv(rng)
    _, cache = attention.scaled_dot_product_attention_forward(q, k, v)
    np.testing.assert_allclose(attention_explorer.attention_weights(q, k), cache["weights"])
    # temperature T divides the scores; no scaling multiplies them by sqrt(d_k)
    np.testing.assert_allclose(attention_explorer.attention_weights(q, k, temperature=0.5),
                               attention.softmax(q @ np.swapaxes(k, -1, -2) / np.sqrt(3) / 0.5))
    np.testing.assert_allclose(attention_explorer.attention_weights(q, k, scaled=False),
                               attention.softmax(q @ np.swapaxes(k, -1, -2)))
    with pytest.raises(ValueError, match="temperature"):
        attention_explorer.attention_weights(q, k, temperature=0)


def test_explorer_starts_at_the_library_weights(rng):
    q, k, v = make_qkv(rng)
    explorer = attention_explorer.attention_explorer(q, k, v)
    _, cache = attention.scaled_dot_product_attention_forward(q, k, v)
    np.testing.assert_allclose(explorer.weights, cache["weights"][0])
    np.testing.assert_allclose(explorer.row_weights, cache["weights"][0, 0])
    np.testing.assert_allclose(explorer.attended, cache["weights"][0, 0] @ v[0])


def test_explorer_follows_its_controls(rng):
    q, k, v = make_qkv(rng)
    explorer = attention_explorer.attention_explorer(q, k, v)
    explorer.head_slider.value = 1
    explorer.query_dropdown.value = 3
    explorer.temperature_slider.value = 0.5
    expected = attention.softmax(q[1] @ k[1].T / np.sqrt(3) / 0.5)
    np.testing.assert_allclose(explorer.weights, expected)
    np.testing.assert_allclose(explorer.row_weights, expected[3])
    np.testing.assert_allclose(explorer.attended, expected[3] @ v[1])

    explorer.scale_checkbox.value = False
    unscaled = attention.softmax(q[1] @ k[1].T / 0.5)
    np.testing.assert_allclose(explorer.weights, unscaled)
    assert "unscaled" in explorer.title()


def test_explorer_redraws_what_it_holds(rng):
    q, k, v = make_qkv(rng)
    explorer = attention_explorer.attention_explorer(q, k, v)
    before = explorer.view.image.value
    explorer.query_dropdown.value = 4
    explorer.temperature_slider.value = 2.0
    explorer.head_slider.value = 1
    assert explorer.view.image.value != before
    heat, bars, out = explorer.figure.axes[:3]
    np.testing.assert_allclose(heat.images[0].get_array(), explorer.weights)
    highlight = [p for p in heat.patches if p.get_gid() == "highlight"][0]
    assert highlight.get_y() == pytest.approx(3.5)
    np.testing.assert_allclose(heights(bars.containers[0]), explorer.row_weights)
    np.testing.assert_allclose(heights(out.containers[0]), explorer.attended)
    np.testing.assert_allclose(out.lines[1].get_ydata(), v[1][np.argmax(explorer.row_weights)])
    assert "T = 2.00" in explorer.summary and explorer.summary_label.value == explorer.summary
    # the picture, updated in place, is the one a new explorer draws at these settings
    from .pixels import png_pixels
    fresh = attention_explorer.attention_explorer(q, k, v, query_row=4, head=1, temperature=2.0)
    np.testing.assert_array_equal(png_pixels(explorer.view.image.value), png_pixels(fresh.view.image.value))
    from .pixels import assert_shows_full_drawing, drawn_in_full

    def draw(fig):
        attention_views.attention_row_view(explorer.weights, v[1], 4, axes=attention_views.row_view_axes(fig),
                                           row_labels=explorer.row_labels, col_labels=explorer.col_labels,
                                           value_range=(v.min(), v.max()))
    assert_shows_full_drawing(explorer, drawn_in_full(explorer.figsize, draw))


def test_attention_row_view_updates_in_place(rng):
    w, other = random_weights(rng, 4, 5), random_weights(rng, 4, 5)
    values = rng.normal(size=(5, 3))
    axes = attention_views.attention_row_view(w, values, query_row=0, value_range=(-3, 3))
    attention_views.update_attention_row_view(axes, other, values, 2, row_labels=list("abcd"))
    assert axes[1].get_title() == "weights of query 'c'"
    np.testing.assert_allclose(heights(axes[1].containers[0]), other[2])
    np.testing.assert_allclose(heights(axes[2].containers[0]), other[2] @ values)
    assert axes[2].get_ylim()[1] == pytest.approx(3 + 0.5 * 6)
    with pytest.raises(ValueError, match="axes must hold a picture of 4 keys"):
        attention_views.update_attention_row_view(axes, other[:, :4], values[:4], 2)


def test_explorer_temperature_extremes(rng):
    q, k, v = make_qkv(rng, H=1)
    explorer = attention_explorer.attention_explorer(q[0], k[0], v[0])  # one head, 2-d arrays
    assert explorer.head_slider.disabled
    explorer.temperature_slider.value = explorer.temperature_slider.max
    high_t = explorer.row_weights.copy()
    explorer.temperature_slider.value = explorer.temperature_slider.min
    low_t = explorer.row_weights.copy()
    scores = q[0, 0] @ k[0].T
    # cold: nearly all weight on the best key; hot: closer to uniform
    assert np.argmax(low_t) == np.argmax(scores)
    assert low_t.max() > 0.9
    assert high_t.max() - high_t.min() < low_t.max() - low_t.min()


def test_explorer_refuses_inconsistent_shapes(rng):
    q, k, v = make_qkv(rng)
    with pytest.raises(ValueError, match="k"):
        attention_explorer.attention_explorer(q, k[..., :2], v)
    with pytest.raises(ValueError, match="v"):
        attention_explorer.attention_explorer(q, k, v[:, :4])
    with pytest.raises(ValueError, match="heads"):
        attention_explorer.attention_explorer(q, k[:1], v)
    with pytest.raises(ValueError, match="row_labels"):
        attention_explorer.attention_explorer(q, k, v, row_labels=["a"])


def test_rmc_attention_explorer_matches_multihead_attention(rng):
    B, N, F, H, key_size, head_size = 2, 3, 6, 2, 2, 3
    width = H * (2 * key_size + head_size)
    A = rng.normal(size=(B, N + 1, F))
    params = dict(W_qkv=rng.normal(size=(F, width)), b_qkv=0.1 * rng.normal(size=width),
                  gamma=1 + 0.1 * rng.normal(size=width), beta=0.1 * rng.normal(size=width))
    _, cache = attention.multihead_attention_forward(A, **params, num_heads=H, key_size=key_size,
                                                     head_size=head_size)
    explorer = attention_explorer.rmc_attention_explorer(A, **params, num_heads=H, key_size=key_size,
                                              head_size=head_size, batch_index=1, head=1)
    np.testing.assert_allclose(explorer.weights, cache["weights"][1, 1])
    assert explorer.row_labels == ["slot 0", "slot 1", "slot 2", "input"]
    explorer.head_slider.value = 0
    explorer.query_dropdown.value = N  # the input row
    np.testing.assert_allclose(explorer.row_weights, cache["weights"][1, 0, N])
    with pytest.raises(ValueError, match="W_qkv"):
        attention_explorer.rmc_attention_explorer(A, **{**params, "W_qkv": params["W_qkv"][:, :-1]},
                                       num_heads=H, key_size=key_size, head_size=head_size)


# ----------------------------------------------------------------------------
# the lesson's other figures
# ----------------------------------------------------------------------------


def test_row_views_at_temperatures_one_row_per_temperature(rng):
    q, k, v = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
    labels = common.slot_labels(4)
    axes = attention_explorer.row_views_at_temperatures(q, k, v, [0.2, 5.0], query_row=1, row_labels=labels,
                                                        col_labels=labels, title="cold (top) and hot (bottom)")
    assert axes.shape == (2, 3)
    for row_axes, T in zip(axes, [0.2, 5.0]):
        expected = attention_explorer.attention_weights(q, k, temperature=T)
        np.testing.assert_allclose(row_axes[0].images[0].get_array(), expected)
        np.testing.assert_allclose(heights(row_axes[2].containers[0]), expected[1] @ v)
        assert row_axes[0].get_title() == f"all weights, T = {T:.2f}"
    assert axes[0, 2].get_ylim() == axes[1, 2].get_ylim()
    assert common.layout_problems(axes[0, 0].figure, dpi=100) == []


def test_score_scaling_view_plots_the_measurements():
    key_sizes = [4, 16, 64]
    unscaled, scaled = np.array([[0.5, 0.3], [0.7, 0.2], [0.9, 0.1]]), np.full((3, 2), 0.35)
    axes = attention_views.score_scaling_view(key_sizes, [4.0, 16.0, 64.0], [1.0, 1.0, 1.0], unscaled, scaled)
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), [4, 16, 64])
    np.testing.assert_allclose(axes[2].lines[0].get_ydata(), unscaled[:, 1])
    assert [t.get_text() for t in axes[1].get_xticklabels()] == ["4", "16", "64"]
    assert common.layout_problems(axes[0].figure, dpi=100) == []
    with pytest.raises(ValueError, match=r"unscaled must have shape \(3, 2\)"):
        attention_views.score_scaling_view(key_sizes, [1, 1, 1], [1, 1, 1], unscaled[:2], scaled)


def test_memory_scale_view_plots_the_measurements():
    scales = [0.1, 1.0, 10.0, 100.0]
    axes = attention_views.memory_scale_view(scales, [0.1, 1, 10, 100], [1.0] * 4, [1.2] * 4, np.log(5))
    np.testing.assert_allclose(axes[0].lines[0].get_ydata(), [0.1, 1, 10, 100])
    np.testing.assert_allclose(axes[1].lines[0].get_ydata(), [1.2] * 4)
    assert axes[1].lines[1].get_ydata()[0] == pytest.approx(np.log(5))
    assert common.layout_problems(axes[0].figure, dpi=100) == []


def test_gradient_check_bars_one_bar_per_check_and_the_failing_one_red():
    errors = {"dQ": 1e-10, "dK": 2e-11, "dQ, rowsum forgotten": 0.4, "dA (multi-head)": 3e-10}
    ax = attention_views.gradient_check_bars(errors, 1e-7, failing=["dQ, rowsum forgotten"])
    np.testing.assert_allclose([bar.get_width() for bar in ax.patches], list(errors.values()))
    assert [t.get_text() for t in ax.get_yticklabels()] == list(errors)
    red = [bar for bar in ax.patches if bar.get_facecolor() == plt.matplotlib.colors.to_rgba("C3")]
    assert len(red) == 1 and red[0].get_width() == 0.4
    assert common.layout_problems(ax.figure, dpi=100) == []


def test_the_lesson_figures_fit_a_960_px_output_area(rng):
    query, keys = np.array([1.0, 0.5]), np.array([[2.0, 1.0], [0.5, 0.25], [-0.5, 1.0], [-1.0, -0.6], [2.5, -1.5]])
    figures = {"similarity": attention_views.similarity_picture(query, keys)[0].figure,
               "softmax": attention_views.softmax_temperature_bars(np.array([2.0, 1.0, 0.5, -1.0]),
                                                                   [0.25, 1.0, 4.0]).figure,
               "qkv": attention_views.qkv_layout(2, 3, 4).figure}
    for name, fig in figures.items():
        assert common.layout_problems(fig, dpi=100) == [], name
    q, k, v = make_qkv(rng)
    explorer = attention_explorer.attention_explorer(q, k, v, row_labels=common.slot_labels(4),
                                                     col_labels=common.slot_labels(4))
    assert common.layout_problems(explorer.figure, dpi=explorer.view.dpi, tight=False) == []
