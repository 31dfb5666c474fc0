"""The layout check every lesson figure is held to: width, text size, overlaps."""

import matplotlib.pyplot as plt

from rmc_lib.views.common import _visible_texts, layout_problems


def test_a_small_clean_figure_has_no_problems():
    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
    ax.plot([0, 1], [0, 1])
    ax.set(title="a line", xlabel="x", ylabel="y")
    assert layout_problems(fig, dpi=100) == []


def test_a_wide_figure_is_reported_with_its_width():
    fig, ax = plt.subplots(figsize=(12, 3))
    problems = layout_problems(fig, dpi=100, tight=False)
    assert problems == ["the figure is 1200 px wide at 100 dpi (at most 960)"]


def test_small_text_and_overlapping_texts_are_named():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xlabel("tiny", fontsize=5)
    ax.text(0.5, 0.5, "aaa")
    ax.text(0.52, 0.5, "bbb")
    problems = layout_problems(fig, dpi=100)
    assert any("'tiny' is 6.9 px tall" in p for p in problems)
    assert any("'aaa' and 'bbb' overlap" in p for p in problems)
    assert len(problems) == 2


def test_parallel_slanted_labels_are_not_compared_but_upright_ones_are():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.set_xticks(range(8), [f"label {i}" for i in range(8)], rotation=45)
    assert layout_problems(fig, dpi=100) == []
    ax.set_xticks(range(8), [f"label {i}" for i in range(8)], rotation=0)
    assert any("overlap" in p for p in layout_problems(fig, dpi=100))


def test_tick_labels_outside_the_view_are_not_counted():
    # a locator makes ticks just beyond the limits; matplotlib keeps their
    # labels (at stale places) but never draws them
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0.05, 0.95], [0.05, 0.95])
    ax.set_xlim(0.05, 0.95)
    ax.set_xticks([0.0, 0.5, 1.0])
    ax.set_xlim(0.05, 0.95)
    assert layout_problems(fig, dpi=100) == []
    fig.canvas.draw()
    checked = {t.get_text() for t in _visible_texts(fig)}
    assert "0.5" in checked and not {"0.0", "1.0"} & checked


def test_a_text_outside_a_widget_figure_is_reported_as_cut_off():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.text(1.3, 0.5, "beyond the edge", transform=ax.transAxes)
    assert "text 'beyond the edge' lies outside the figure" in layout_problems(fig, dpi=100, tight=False)
    assert not any("outside" in p for p in layout_problems(fig, dpi=100, tight=True))
