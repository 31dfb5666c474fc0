"""Helpers for the pixel tests of the widgets: a PNG's pixels, a figure drawn in full,
the check that a widget shows what its static counterpart draws, and where
the drawn tick labels lie."""

import io

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from rmc_lib.views.common import _visible_texts


def png_pixels(data):
    return np.asarray(Image.open(io.BytesIO(data)))


def drawn_in_full(figsize, draw):
    """The pixels of a static picture drawn in full, as FigureView draws its
    first frame: a constrained-layout Figure at 90 dpi, drawn once."""
    fig = Figure(figsize=figsize, dpi=90, layout="constrained")
    FigureCanvasAgg(fig)
    draw(fig)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())


def assert_shows_full_drawing(widget, full):
    """A widget's PNG against a full drawing of its static counterpart.

    The one allowed difference: where an image changes, its tick marks end a
    pixel inside the frame; a full drawing draws them over the image, the
    widget (tick marks in its background) under it. So at most one pixel per
    tick of an axes that shows an image may differ."""
    shown = png_pixels(widget.view.image.value)
    assert shown.shape == full.shape
    ticks = sum(len(ax.get_xticks()) + len(ax.get_yticks()) for ax in widget.figure.axes if ax.images)
    differing = int((shown != full).any(axis=-1).sum())
    assert differing <= ticks, f"{differing} pixels differ from a full drawing (ticks on images: {ticks})"


def drawn_tick_labels_lie_within(ax, axis):
    """Every tick label matplotlib draws on `axis` ('x' or 'y') is centred
    within the axes' span on that axis (there is at least one)."""
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    drawn = {id(t) for t in _visible_texts(ax.figure)}
    labels = ax.get_xticklabels() if axis == "x" else ax.get_yticklabels()
    frame = ax.get_window_extent(renderer)
    centres = [(t.get_window_extent(renderer).x0 + t.get_window_extent(renderer).x1) / 2 if axis == "x"
               else (t.get_window_extent(renderer).y0 + t.get_window_extent(renderer).y1) / 2
               for t in labels if id(t) in drawn]
    low, high = (frame.x0, frame.x1) if axis == "x" else (frame.y0, frame.y1)
    return bool(centres) and all(low - 3 <= c <= high + 3 for c in centres)   # a label sits a px or two off its tick
