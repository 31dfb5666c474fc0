"""FigureView's PNG: views.figure_view.png_bytes, headless."""

import numpy as np
import pytest

from rmc_lib.views import figure_view

from .pixels import png_pixels


def test_png_bytes_is_a_png_of_the_pixels(rng):
    rgba = rng.integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    np.testing.assert_array_equal(png_pixels(figure_view.png_bytes(rgba)), rgba)
    flat = np.full((40, 60, 4), 255, dtype=np.uint8)
    assert len(figure_view.png_bytes(flat)) < 200                  # flat colour compresses
    with pytest.raises(ValueError, match=r"\[height, width, 4\] array of uint8, got shape \(7, 5, 3\)"):
        figure_view.png_bytes(rgba[..., :3])
    with pytest.raises(ValueError, match="of float64"):
        figure_view.png_bytes(rgba.astype(float))


def test_a_view_shows_its_figure_pixel_for_pixel(rng):
    view = figure_view.FigureView(dpi=50)
    fig = view.new_figure((2.0, 1.0))
    ax = fig.add_subplot()
    image = ax.imshow(rng.random((3, 4)))
    view.set_changing([image])
    first = png_pixels(view.render())
    assert first.shape == (50, 100, 4)
    assert view.image.layout.width == "100px"
    np.testing.assert_array_equal(first, np.asarray(fig.canvas.buffer_rgba()))
    image.set_data(rng.random((3, 4)))
    second = png_pixels(view.render())
    assert (second != first).any()
    np.testing.assert_array_equal(second, np.asarray(fig.canvas.buffer_rgba()))


def test_a_figure_explorer_lays_out_its_lines_and_escapes_them():
    import ipywidgets as widgets

    from rmc_lib.views.figure_view import FigureExplorer, cleared

    class Explorer(FigureExplorer):
        css_class = "rmc-test-explorer"

    control = widgets.Button()
    explorer = Explorer([control], (2, 1))
    assert explorer.children == (control, explorer.message_label, explorer.view.image, explorer.summary_label)
    assert "rmc-test-explorer" in explorer._dom_classes
    explorer.figure.subplots().plot([0, 1])
    explorer._say_message("cannot use 'a<b'")
    explorer._show("3 < 4")
    assert explorer.message == "cannot use 'a<b'" and explorer.message_label.value == "cannot use 'a&lt;b'"
    assert explorer.summary == "3 < 4" and explorer.summary_label.value == "3 &lt; 4"
    assert explorer.view.image.value[:4] == b"\x89PNG"
    assert cleared(explorer.figure) is explorer.figure and not explorer.figure.axes
    assert explorer.figure.get_layout_engine().__class__.__name__ == "ConstrainedLayoutEngine"
