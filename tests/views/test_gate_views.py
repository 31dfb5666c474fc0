"""The gating lesson's figures and widget draw what the RMC's gates do."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from rmc_lib.views import common, gate_curves, gate_views
from rmc_lib.nn import gates
from rmc_lib.nn.layers import sigmoid
from rmc_lib.cores.memory import initial_memory


def run_zero_weight_rmc(forget_bias, input_bias, memory, candidate, steps):
    """Run gates_forward + gated_update_forward with every gate weight zero."""
    B, N, F = memory.shape
    zeros = dict(W_gi=np.zeros((F, 2 * F)), b_gi=np.zeros(2 * F), W_gm=np.zeros((F, 2 * F)), b_gm=np.zeros(2 * F))
    history = [memory]
    for _ in range(steps):
        (i, f), _ = gates.gates_forward(np.zeros((B, F)), memory, **zeros,
                                        input_bias=input_bias, forget_bias=forget_bias)
        memory, _ = gates.gated_update_forward(candidate, memory, i, f)
        history.append(memory)
    return np.stack(history)


def test_retention_curve_values():
    np.testing.assert_allclose(gate_curves.retention_curve(0.0, 3), [1, 0.5, 0.25, 0.125])
    curve = gate_curves.retention_curve(1.0, 50)
    assert curve.shape == (51,)
    np.testing.assert_allclose(curve, (1 / (1 + np.exp(-1.0))) ** np.arange(51))


@pytest.mark.parametrize("forget_bias", [-1.0, 0.0, 1.0, 3.0])
def test_retention_is_what_the_gated_update_keeps_of_m0(forget_bias):
    # Input gate shut (input_bias very negative), nothing proposed: M_t = f**t M_0.
    m0 = initial_memory(2, 3, 4)
    history = run_zero_weight_rmc(forget_bias, -60.0, m0, np.zeros_like(m0), 20)
    ratio = history[:, 0, 0, 0] / m0[0, 0, 0]
    np.testing.assert_allclose(ratio, gate_curves.retention_curve(forget_bias, 20), rtol=1e-12)


@pytest.mark.parametrize("forget_bias, input_bias", [(1.0, 0.0), (3.0, -2.0), (-1.0, 2.0)])
def test_written_weight_is_what_the_gated_update_writes(forget_bias, input_bias):
    # From M_0 = 0 with the same proposal each step, M_t = w_t * tanh(M~).
    candidate = np.full((1, 2, 3), 0.7)
    history = run_zero_weight_rmc(forget_bias, input_bias, np.zeros((1, 2, 3)), candidate, 30)
    weights = history[:, 0, 0, 0] / np.tanh(0.7)
    np.testing.assert_allclose(weights, gate_curves.written_weight_curve(forget_bias, input_bias, 30), rtol=1e-12)
    i, f = sigmoid(input_bias), sigmoid(forget_bias)
    closed_form = i * (1 - f ** np.arange(31)) / (1 - f)
    np.testing.assert_allclose(gate_curves.written_weight_curve(forget_bias, input_bias, 30), closed_form)


def test_written_weight_survives_a_gate_that_rounds_to_one():
    w = gate_curves.written_weight_curve(40.0, 0.0, 10)
    assert np.all(np.isfinite(w))
    np.testing.assert_allclose(w, 0.5 * np.arange(11))


def test_bias_view_data():
    data = gate_curves.bias_view_data(2.0, -1.0, 40)
    assert data["forget_gate"] == pytest.approx(1 / (1 + np.exp(-2.0)))
    assert data["input_gate"] == pytest.approx(1 / (1 + np.exp(1.0)))
    assert data["half_life"] == pytest.approx(np.log(0.5) / np.log(data["forget_gate"]))
    assert data["forget_gate"] ** data["half_life"] == pytest.approx(0.5)
    np.testing.assert_array_equal(data["steps"], np.arange(41))
    assert gate_curves.bias_view_data(40.0, 0.0)["half_life"] == np.inf


def test_half_life_grows_like_exp_of_bias():
    for b in [4.0, 6.0, 8.0]:
        life = gates.half_life(sigmoid(b))
        assert life == pytest.approx(np.log(2) * np.exp(b), rel=np.exp(-b))


def test_crossing_time():
    for f in [0.3, 0.5, 0.9, 0.97]:
        curve = f ** np.arange(200)
        assert gate_curves.crossing_time(curve) == pytest.approx(gates.half_life(f))
    assert np.isnan(gate_curves.crossing_time(np.ones(5)))
    with pytest.raises(ValueError, match="level must lie between 0 and curve"):
        gate_curves.crossing_time(np.ones(5), level=2.0)


@pytest.mark.parametrize("style, g", [("unit", 32), ("memory", 1)])
def test_init_gate_params(rng, style, g):
    p = gate_curves.init_gate_params(rng, 32, style)
    assert p["W_gi"].shape == p["W_gm"].shape == (32, 2 * g)
    assert p["b_gi"].shape == p["b_gm"].shape == (2 * g,)
    assert sum(v.size for v in p.values()) == 4 * g * (32 + 1)
    assert np.all(np.abs(p["W_gi"]) <= 2 / np.sqrt(32))
    assert not np.any(p["b_gi"]) and not np.any(p["b_gm"])
    with pytest.raises(ValueError, match="gate_style=None has no gates"):
        gate_curves.init_gate_params(rng, 32, None)


def test_param_count_matches_the_spec_shapes(rng):
    # Sonnet, mem_size 32, 'unit': linear_2 and linear_3 are [32, 64] + [64] each.
    p = gate_curves.init_gate_params(rng, 32, "unit")
    assert sum(v.size for v in p.values()) == 2 * (32 * 64 + 64)


def test_simulation_with_zero_weights_follows_the_ideal_curve(rng):
    inputs = gate_curves.simulation_inputs(rng, steps=25, batch_size=3, mem_slots=4, mem_size=8, weight_std=0.0)
    res = gate_curves.simulate_memory(2.0, 0.0, inputs)
    np.testing.assert_allclose(res["traced"], gate_curves.retention_curve(2.0, 25))
    np.testing.assert_allclose(res["forget_gate"][1:], sigmoid(2.0))
    np.testing.assert_allclose(res["input_gate"][1:], 0.5)
    assert res["correlation"][0] == pytest.approx(1.0)


def test_simulation_traces_the_product_of_forget_gates(rng):
    inputs = gate_curves.simulation_inputs(rng, steps=10, batch_size=2, mem_slots=3, mem_size=4, gate_style="memory")
    res = gate_curves.simulate_memory(1.0, 0.5, inputs)
    p = inputs["params"]
    memory = m0 = initial_memory(2, 3, 4)
    kept = np.ones((2, 3, 1))
    for t in range(10):
        (i, f), _ = gates.gates_forward(inputs["x_proj"][t], memory, **p, input_bias=0.5, forget_bias=1.0)
        memory = i * np.tanh(inputs["candidates"][t]) + f * memory
        kept = kept * f
    np.testing.assert_allclose(res["memory"], memory)
    assert res["traced"][-1] == pytest.approx(np.linalg.norm(kept * m0) / np.linalg.norm(m0))
    assert res["rms"][-1] == pytest.approx(np.sqrt(np.mean(memory ** 2)))


def test_higher_forget_bias_keeps_more_and_higher_input_bias_writes_more(rng):
    inputs = gate_curves.simulation_inputs(rng, steps=30)
    kept = [gate_curves.simulate_memory(b, 0.0, inputs)["traced"][-1] for b in gate_curves.FORGET_BIASES]
    assert np.all(np.diff(kept) > 0)
    rms = [gate_curves.simulate_memory(1.0, b, inputs)["rms"][-1] for b in [-3.0, 0.0, 3.0]]
    assert np.all(np.diff(rms) > 0)


def test_plot_retention_draws_the_retention_curves():
    fig = gate_views.plot_retention((0.0, 2.0), steps=30)
    lines = [l for l in fig.axes[0].get_lines() if len(l.get_xdata()) == 31]
    assert len(lines) == 2
    np.testing.assert_allclose(lines[0].get_ydata(), 0.5 ** np.arange(31))
    np.testing.assert_allclose(lines[1].get_ydata(), gate_curves.retention_curve(2.0, 30))


def lines_by_gid(ax):
    return {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}


def test_plot_bias_view_draws_the_data():
    fig = gate_views.plot_bias_view(3.0, -1.0, steps=40)
    left, right = fig.axes
    lines = lines_by_gid(left)
    np.testing.assert_allclose(lines["retention"].get_ydata(), gate_curves.retention_curve(3.0, 40))
    # Sonnet's default for comparison, in grey and labelled as such.
    default = lines["default retention"]
    np.testing.assert_allclose(default.get_ydata(), gate_curves.retention_curve(1.0, 40))
    assert "default" in default.get_label()
    # The 0.5 guide: a thin solid line, styled unlike the default's dotted curve, and annotated.
    half = lines["half"]
    np.testing.assert_allclose(half.get_ydata(), [0.5, 0.5])
    assert half.get_linestyle() == "-" and half.get_linestyle() != default.get_linestyle()
    assert any(text.get_text() == "0.5" for text in left.texts)
    life = gates.half_life(sigmoid(3.0))
    np.testing.assert_allclose(lines["half-life"].get_xydata(), [[life, 0.5]])
    assert left.get_title() == f"forget_bias = 3: f = {sigmoid(3.0):.4f}, half-life {life:.2f} steps"
    heights = [bar.get_height() for bar in right.patches]
    np.testing.assert_allclose(heights, [sigmoid(3.0), sigmoid(-1.0)])
    texts = [text.get_text() for text in right.texts]
    assert texts[:2] == [f"σ(3) = {sigmoid(3.0):.3f}", f"σ(-1) = {sigmoid(-1.0):.3f}"]
    assert texts[2].endswith(f"= {sigmoid(-1.0) / (1 - sigmoid(3.0)):.3g}")
    assert common.layout_problems(fig, dpi=100) == []


def test_plot_bias_view_marks_a_half_life_beyond_the_plot():
    fig = gate_views.plot_bias_view(5.0, 0.0, steps=30)
    left = fig.axes[0]
    assert len(lines_by_gid(left)["half-life"].get_xdata()) == 0
    assert "(off the plot)" in left.get_title()


def test_plot_bias_view_writes_the_exact_biases():
    fig = gate_views.plot_bias_view(2.37, -0.125, steps=30)
    left, right = fig.axes
    assert left.get_title().startswith("forget_bias = 2.37: f = ")
    assert [text.get_text()[:9] for text in right.texts[:2]] == ["σ(2.37) =", "σ(-0.125)"]


def test_plot_bias_view_uses_given_axes():
    fig, axes = plt.subplots(1, 2)
    assert gate_views.plot_bias_view(1.0, 0.0, axes=axes) is fig
    with pytest.raises(ValueError, match="axes must hold 2 axes, got 1"):
        gate_views.plot_bias_view(1.0, 0.0, axes=[axes[0]])


def test_bias_widget_update_moves_sliders_and_returns_the_curves():
    widget = gate_views.bias_widget(steps=30)
    assert widget.forget_slider.value == pytest.approx(1.0)
    data = widget.update(2.5, -1.5)
    assert widget.forget_slider.value == pytest.approx(2.5)
    assert widget.input_slider.value == pytest.approx(-1.5)
    np.testing.assert_allclose(data["retention"], sigmoid(2.5) ** np.arange(31))
    assert data["input_gate"] == pytest.approx(sigmoid(-1.5))
    # Values outside the sliders' range are clamped, and the data says so.
    data = widget.update(9.0, 0.0)
    assert data["forget_bias"] == pytest.approx(5.0)
    assert plt.get_fignums() == []  # the widget draws on its own Figure, not through pyplot


def test_the_bias_widget_fits_and_a_typed_value_is_shown_as_typed():
    widget = gate_views.bias_widget()
    assert common.layout_problems(widget.figure, dpi=widget.view.dpi, tight=False) == []
    widget.forget_slider.value = 2.37            # off the slider's step of 0.1, as a typed value is
    assert widget.data["forget_bias"] == 2.37
    assert widget.data["forget_gate"] == pytest.approx(sigmoid(2.37))
    assert "forget_bias 2.37: f = " + f"{sigmoid(2.37):.4f}" in widget.summary
    assert widget.summary_label.value == widget.summary
    left, right = widget.figure.axes
    assert left.get_title().startswith("forget_bias = 2.37: ")
    assert right.texts[0].get_text() == f"σ(2.37) = {sigmoid(2.37):.3f}"
    assert f"{2.37:{widget.forget_slider.readout_format}}" == "2.37"      # the slider's readout agrees


def test_a_moved_bias_widget_shows_a_fresh_drawing_pixel_for_pixel():
    from .pixels import assert_shows_full_drawing, drawn_in_full, png_pixels
    moved = gate_views.bias_widget(steps=40)
    before = moved.view.image.value
    moved.forget_slider.value = 2.37
    moved.input_slider.value = -1.5
    assert moved.view.image.value != before
    fresh = gate_views.bias_widget(2.37, -1.5, steps=40)
    np.testing.assert_array_equal(png_pixels(moved.view.image.value), png_pixels(fresh.view.image.value))
    full = drawn_in_full(gate_views.BIAS_VIEW_FIGSIZE,
                         lambda fig: gate_views.plot_bias_view(2.37, -1.5, steps=40, axes=fig.subplots(1, 2)))
    assert_shows_full_drawing(moved, full)
    # a half-life off the plot, and back
    moved.update(4.8, 3.0)
    moved.update(0.5, 0.0)
    full = drawn_in_full(gate_views.BIAS_VIEW_FIGSIZE,
                         lambda fig: gate_views.plot_bias_view(0.5, 0.0, steps=40, axes=fig.subplots(1, 2)))
    assert_shows_full_drawing(moved, full)


def test_plot_gate_heatmaps_shows_the_gate_values(rng):
    x, memory = rng.normal(size=(2, 8)), rng.normal(size=(2, 4, 8))
    by_style = {}
    for style in ["unit", "memory"]:
        p = gate_curves.init_gate_params(rng, 8, style)
        by_style[style] = gates.gates_forward(x, memory, **p)[0]
    fig = gate_views.plot_gate_heatmaps(by_style, batch_index=1)
    images = [ax.get_images()[0] for ax in fig.axes if ax.get_images()]
    # Rows: input gate, forget gate; columns: 'unit', 'memory'.
    assert [im.get_array().shape for im in images] == [(4, 8), (4, 1), (4, 8), (4, 1)]
    np.testing.assert_allclose(images[1].get_array(), by_style["memory"][0][1])
    np.testing.assert_allclose(images[2].get_array(), by_style["unit"][1][1])
    assert any(ax.get_ylabel() == "gate value" for ax in fig.axes)


def test_plot_simulation(rng):
    inputs = gate_curves.simulation_inputs(rng, steps=12, batch_size=2)
    results = [gate_curves.simulate_memory(b, 0.0, inputs) for b in (0.0, 2.0)]
    fig = gate_views.plot_simulation(results)
    assert len(fig.axes) == 2
    np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), results[0]["traced"])
    np.testing.assert_allclose(fig.axes[1].get_lines()[0].get_ydata(), results[0]["correlation"])
    # One legend for both panels (they share their colours), none inside a panel.
    assert [ax.get_legend() for ax in fig.axes] == [None, None]
    labels = [text.get_text() for text in fig.legends[0].get_texts()]
    assert labels[:2] == ["forget_bias = 0", "forget_bias = 2"]
    # On the caller's axes, every panel has its own legend.
    fig, axes = plt.subplots(1, 2)
    gate_views.plot_simulation(results, vary="input_bias", quantities=("rms", "correlation"), axes=axes)
    for ax in axes:
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["input_bias = 0", "input_bias = 0"]
    with pytest.raises(ValueError, match="vary must be"):
        gate_views.plot_simulation(results, vary="bias")


def test_moving_a_slider_redraws_the_view_in_place():
    widget = gate_views.bias_widget(steps=20)
    before, figure = widget.view.image.value, widget.view.figure
    widget.input_slider.value = 2.0
    assert widget.view.image.value != before and widget.view.figure is figure
    bars = widget.view.figure.axes[1].patches
    assert bars[1].get_height() == pytest.approx(sigmoid(2.0))


def test_every_figure_of_the_lesson_fits_a_960_px_output_area(rng):
    x, memory = rng.normal(size=(2, 32)), rng.normal(size=(2, 4, 32))
    by_style = {style: gates.gates_forward(x, memory, **gate_curves.init_gate_params(rng, 32, style))[0]
                for style in ["unit", "memory"]}
    inputs = gate_curves.simulation_inputs(rng, steps=50, batch_size=4, mem_slots=4, mem_size=32)
    runs = [gate_curves.simulate_memory(b, 0.0, inputs) for b in gate_curves.FORGET_BIASES]
    figures = {"sigmoid": gate_views.plot_sigmoid(), "retention": gate_views.plot_retention(),
               "half-life": gate_views.plot_half_life(), "gates": gate_views.plot_gate_heatmaps(by_style),
               "simulation": gate_views.plot_simulation(runs),
               "simulation, rms": gate_views.plot_simulation(runs, quantities=("rms", "correlation"))}
    for name, fig in figures.items():
        assert common.layout_problems(fig, dpi=100) == [], name
