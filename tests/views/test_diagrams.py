"""The diagrams (one RMC step, the unrolled graph of BPTT): drawn where asked, with the
labels the notebooks refer to, legible."""

import itertools

import matplotlib.pyplot as plt
import pytest

from rmc_lib.views.common import layout_problems
from rmc_lib.views.diagrams import draw_bptt, draw_rmc


@pytest.fixture
def drawn():
    fig, ax = plt.subplots(figsize=(11, 6))
    returned = draw_rmc(ax)
    yield fig, ax, returned
    plt.close(fig)


def _texts(ax):
    return [t.get_text() for t in ax.texts]


def test_draws_on_the_given_axes_and_returns_it(drawn):
    fig, ax, returned = drawn
    assert returned is ax
    assert len(fig.axes) == 1
    assert len(ax.patches) > 20  # rows, boxes and arrows
    assert ax.get_title() == "The Relational Memory Core: one time step"


def test_every_step_of_the_spec_is_labelled(drawn):
    _, ax, _ = drawn
    joined = "\n".join(_texts(ax))
    for label in ["M_{t-1}", "x' = x_t W_{in} + b_{in}", "[M_{t-1};\\ x']", "Q, K, V", "W_{qkv}",
                  "softmax", "\\sqrt{d_k}", "A + \\mathrm{attended}", "\\mathrm{MLP}(A)",
                  "num_blocks", "cropped", "\\tanh(M_{t-1})", "G_i + \\beta_i", "G_f + \\beta_f",
                  "M_t = i \\odot \\tanh(\\tilde M) + f \\odot M_{t-1}", "\\mathrm{flatten}(M_t)"]:
        assert label in joined, f"no label containing {label!r}"


def test_memory_rows_stand_for_the_slots(drawn):
    _, ax, _ = drawn
    texts = _texts(ax)
    # M_{t-1} and A each show slots 0..3; A also shows the input row x'
    for r in range(4):
        assert texts.count(f"slot {r}") == 2
    assert "$x'$" in texts


def assert_labels_fit(ax):
    """No two text labels of ax overlap, and all lie inside the figure."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    figure_box = fig.bbox
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts + [ax.title]]
    for text, box in boxes:
        assert figure_box.x0 <= box.x0 and box.x1 <= figure_box.x1, f"{text!r} leaves the figure"
        assert figure_box.y0 <= box.y0 and box.y1 <= figure_box.y1, f"{text!r} leaves the figure"
    for (text_a, a), (text_b, b) in itertools.combinations(boxes, 2):
        assert not a.overlaps(b), f"{text_a!r} overlaps {text_b!r}"


def test_no_two_labels_overlap_and_all_lie_inside_the_figure(drawn):
    _, ax, _ = drawn
    assert_labels_fit(ax)


def test_the_symbols_follow_the_notation_page(drawn):
    # K is the key matrix (never a count), d_k the key size, beta_i and beta_f the gate biases
    _, ax, _ = drawn
    joined = "\n".join(_texts(ax))
    for old in ["key\\_size", "input\\_bias", "forget\\_bias", "q, k, v", "\\mathrm{gates}"]:
        assert old not in joined, f"label still uses {old!r}"


def test_the_cell_fits_a_notebook_at_100_percent(drawn):
    fig, _, _ = drawn
    assert layout_problems(fig, dpi=100) == []


def test_without_axes_it_makes_a_figure_of_the_documented_size():
    ax = draw_rmc()
    try:
        width, height = ax.figure.get_size_inches()
        assert (width, height) == (11, 6)
    finally:
        plt.close(ax.figure)


# ---------------------------------------------------------------------------
# draw_bptt: the RMC unrolled over time, with the flow of gradients
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("steps", [1, 3, 4, 6])
def test_bptt_draws_on_the_given_axes_with_every_label(steps):
    fig, ax = plt.subplots(figsize=(11, 4.4))
    try:
        assert draw_bptt(ax, steps=steps) is ax
        assert len(fig.axes) == 1
        texts = _texts(ax)
        assert texts.count("RMC step\n(θ)") == steps
        for t in range(steps + 1):
            assert f"$M_{{{t}}}$" in texts
            assert f"$\\bar M_{{{t}}}$" in texts
        for t in range(1, steps + 1):
            assert f"$x_{{{t}}}$" in texts
            assert any(f"\\ell_{{{t}}}" in text for text in texts)
            assert any(f"\\mathrm{{out}}_{{{t}}}" in text for text in texts)
        assert f"$x_{{{steps + 1}}}$" not in texts
        assert ax.get_title().startswith(f"The RMC unrolled over T = {steps} step")
    finally:
        plt.close(fig)


@pytest.mark.parametrize("steps", [1, 2, 3, 4])
def test_bptt_up_to_four_steps_fits_a_notebook_at_100_percent(steps):
    # lesson 04 draws four steps
    ax = draw_bptt(steps=steps)
    assert layout_problems(ax.figure, dpi=100) == []


@pytest.mark.parametrize("steps", [1, 2, 3, 4, 6])
def test_bptt_labels_do_not_overlap_and_lie_inside_the_figure(steps):
    ax = draw_bptt(steps=steps)
    fig = ax.figure
    try:
        assert_labels_fit(ax)
    finally:
        plt.close(fig)


def test_bptt_default_is_three_steps_and_the_figure_fits_them():
    ax = draw_bptt()
    try:
        assert ax.get_title() == "The RMC unrolled over T = 3 steps"
        assert tuple(ax.figure.get_size_inches()) == (8.6, 4.4)
    finally:
        plt.close(ax.figure)
    ax = draw_bptt(steps=4)
    try:
        assert tuple(ax.figure.get_size_inches()) == (11, 4.4)
    finally:
        plt.close(ax.figure)


@pytest.mark.parametrize("steps", [0, -1, 2.0, True, "3"])
def test_bptt_rejects_a_step_count_that_is_not_a_positive_int(steps):
    with pytest.raises(ValueError, match="steps must be a positive int"):
        draw_bptt(steps=steps)


# ----------------------------------------------------------------------------
# draw_memn2n: the memory network with its tied tables
# ----------------------------------------------------------------------------

def test_memn2n_diagram_labels_every_hop_and_colours_tied_tables_alike():
    from matplotlib.colors import to_rgba
    from matplotlib.patches import FancyBboxPatch

    from rmc_lib.views.diagrams import TABLE_COLOURS, draw_memn2n
    ax = draw_memn2n(hops=3)
    texts = [t.get_text() for t in ax.texts]
    for k in (1, 2, 3):
        assert f"$m_i$ with $E_{{{k - 1}}}$\n(A$^{k}$)" in texts and f"$c_i$ with $E_{{{k}}}$\n(C$^{k}$)" in texts
        assert f"$u^{k}$" in texts and f"$o^{k}$" in texts
    assert "$u^{4}$" in texts and "the answer" in texts
    # each table's colour appears on both of its boxes: C^k and A^{k+1} are one table
    colours = [tuple(p.get_facecolor()) for p in ax.patches if isinstance(p, FancyBboxPatch)]
    for k, colour in enumerate(TABLE_COLOURS[:4]):   # E_0: B and A^1; E_1, E_2: C^k and A^{k+1}; E_3: C^3 and W
        assert colours.count(to_rgba(colour)) == 2, k
    assert ax.figure.get_size_inches()[0] <= 9.4
    for hops in (1, 2, 3, 4):
        assert layout_problems(draw_memn2n(hops=hops).figure) == [], hops


def test_memn2n_diagram_refuses_a_bad_number_of_hops():
    from rmc_lib.views.diagrams import draw_memn2n
    for hops in (0, 5, 2.0, True):
        with pytest.raises(ValueError, match="hops must be an int from 1 to 4"):
            draw_memn2n(hops=hops)
