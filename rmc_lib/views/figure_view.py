"""FigureView: a matplotlib Figure shown in an ipywidgets.Image, redrawn fast;
FigureExplorer, what the widgets that redraw one whole picture share; cleared,
a figure emptied to be drawn anew."""

import html
import io

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image


class FigureView:
    """A matplotlib Figure shown as a PNG in an ipywidgets.Image, and redrawn fast.

    A slider move should redraw in well under a second, and most of the cost
    of drawing a figure is its text: tick labels, axis labels, colorbars.
    Those rarely change. So a view can name the artists that do change
    (`changing`, e.g. a heatmap's image and its numbers): the first render
    draws everything else once and keeps that picture as a background
    (`copy_from_bbox`); every later render pastes the background back and
    draws only the changing artists on top. This is "blitting", the trick
    matplotlib's own animations use. The layout is fixed after the first
    render and the changing artists take no part in it (what they show
    must not move the axes), so they must keep their size and place.

    Without `changing`, every render draws the whole figure (still without
    recomputing the layout, and without a second pass for a tight bounding
    box as `display(fig)` would do).

    figure: the Figure; image: the ipywidgets.Image that shows it; dpi: the
    resolution of the PNG.
    """

    def __init__(self, dpi=90):
        self.dpi = dpi
        self.image = widgets.Image(format="png")
        self.figure = None
        self.changing = []
        self.background = None

    def new_figure(self, figsize):
        """A new, empty Figure to draw on; name its changing artists with
        `set_changing` once they exist."""
        self.figure = Figure(figsize=figsize, dpi=self.dpi, layout="constrained")
        FigureCanvasAgg(self.figure)
        self.image.layout.width = f"{round(figsize[0] * self.dpi)}px"   # pixel for pixel, not stretched
        self.changing, self.background = [], None
        return self.figure

    def set_changing(self, artists):
        """The artists that change from one render to the next; the rest is
        drawn once, as a background.

        They are redrawn in the order a full drawing of the figure draws
        them, so that the picture is the same: axes by axes, and within an
        axes by zorder, ties in the order the axes holds them (as
        `Axes.draw` does). The frame (spines) of their axes is redrawn with
        them, since a full drawing puts it over bars and images.
        """
        chosen = list(artists)
        ordered = []
        for ax in self.figure.axes:
            mine = {artist for artist in chosen if artist.axes is ax}
            if mine:
                mine |= set(ax.spines.values())
                in_axes = [artist for artist in ax.get_children() if artist in mine]
                ordered += sorted(in_axes, key=lambda artist: artist.get_zorder())
        ordered += [artist for artist in chosen if artist.axes is None]      # the figure's own, e.g. suptitle
        missing = [artist for artist in chosen if artist not in ordered]
        if missing:
            raise ValueError(f"changing artists must belong to this view's figure, got {missing}")
        self.changing = ordered
        for artist in self.changing:
            artist.set_animated(True)          # left out of the background
            artist.set_in_layout(False)        # and of the layout: it must not depend on what they show

    def render(self):
        """Draw (the changing artists, or everything) and show the PNG."""
        canvas = self.figure.canvas
        if self.background is None:
            canvas.draw()                      # lays out and draws everything but `changing`
            self.figure.set_layout_engine("none")
            if self.changing:
                self.background = canvas.copy_from_bbox(self.figure.bbox)
        elif self.changing:
            canvas.restore_region(self.background)
        else:
            canvas.draw()
        for artist in self.changing:
            self.figure.draw_artist(artist)
        self.image.value = png_bytes(np.asarray(canvas.buffer_rgba()))
        return self.image.value


def png_bytes(rgba, level=1):
    """A PNG file of an RGBA image [height, width, 4] of uint8, encoded by Pillow.

    level: the zlib compression level, 0-9; 1, the fastest that still
    compresses, suits a widget that re-encodes its picture at every move
    (a figure's flat colours compress well even so).
    """
    rgba = np.asarray(rgba)
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"rgba must be a [height, width, 4] array of uint8, got shape {rgba.shape} "
                         f"of {rgba.dtype}")
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="PNG", compress_level=level)
    return buffer.getvalue()


def cleared(fig):
    """`fig` emptied and laid out anew (constrained), as a new figure would
    be: for a widget that draws a whole new picture on the figure it shows."""
    fig.clear()
    fig.set_layout_engine("constrained")
    return fig


class FigureExplorer(widgets.VBox):
    """A widget around one picture that is drawn anew for each input: its
    controls, a message line (what was wrong with the last input; the picture
    then stays as it was), the picture (a FigureView) and a summary line.

    A subclass sets `css_class`, builds its controls and calls
    `super().__init__(controls, figsize)`, draws on `self.figure`, and after
    every drawing calls `self._show(summary)`; `self._say_message(text)` sets
    the message line ("" clears it). Attributes: view, figure, message,
    message_label, summary, summary_label."""

    css_class = None

    def __init__(self, controls, figsize):
        self.view, self.summary_label, self.message_label = FigureView(), widgets.HTML(), widgets.HTML()
        self.message, self.summary = "", ""
        self.figure = self.view.new_figure(figsize)
        super().__init__([*controls, self.message_label, self.view.image, self.summary_label])
        if self.css_class:
            self.add_class(self.css_class)

    def _say_message(self, text):
        self.message = text
        self.message_label.value = html.escape(text, quote=False)

    def _show(self, summary):
        self.view.render()
        self.summary = summary
        self.summary_label.value = html.escape(summary, quote=False)
