"""Pieces every lesson's pictures share.

Every drawing function in rmc_lib.views draws on the axes it is given, or,
when none are given, on a new figure of a fixed size; it returns the axes it
drew on (the figure is `ax.figure`). Lessons combine panels by making one
figure with several axes and passing them in; the widgets draw through these
same functions, so a static figure in a notebook and a live widget show
exactly the same view.
"""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np


def new_axes(figsize, ncols=1, **kwargs):
    """A new figure with `ncols` axes side by side (constrained layout)."""
    fig, axes = plt.subplots(1, ncols, figsize=figsize, layout="constrained", **kwargs)
    return axes


def panel_axes(axes, count, what, figsize):
    """The given axes (checked to be `count` of them, one per `what`) or a
    new row of `count` axes of the given figure size."""
    if axes is None:
        return new_axes(figsize, ncols=count, squeeze=False)[0]
    axes = np.atleast_1d(axes)
    if len(axes) != count:
        raise ValueError(f"axes must hold {count} axes (one per {what}), got {len(axes)}")
    return axes


def panel_grid(count, per_row, panel, height, extra_width=1.4, width=9.4):
    """A new figure (constrained layout) with `count` axes in rows of at
    most `per_row`, each about `panel` inches wide (narrower if the row would
    not fit in `width` inches, so that the figure fits a ~960 px output area)
    and `height` times as high, plus `extra_width` inches for labels and a
    colorbar. Returns (the axes as a flat array, the number of columns)."""
    cols = min(count, per_row)
    rows = -(-count // cols)
    panel = min(panel, (width - extra_width) / cols)
    figsize = (extra_width + panel * cols, 0.5 + rows * (panel * height + 0.7))
    _, grid = plt.subplots(rows, cols, figsize=figsize, layout="constrained", squeeze=False)
    for ax in grid.ravel()[count:]:
        ax.remove()
    return grid.ravel()[:count], cols


def check_index(name, value, size):
    """Raise ValueError unless value is an integer in [0, size)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value < size:
        raise ValueError(f"{name} must be an integer in [0, {size}), got {value!r}")
    return int(value)


def index_slider(name, value, size, **kwargs):
    """A widget slider over the indices 0 .. size-1 (value checked as
    check_index does), redrawing on release, disabled when there is only
    one index."""
    return widgets.IntSlider(value=check_index(name, value, size), min=0, max=max(size - 1, 0), description=name,
                             disabled=size == 1, continuous_update=False, **kwargs)


def play_button(slider, interval):
    """A play button for an index slider: it runs in the browser and moves
    the slider, whose change then redraws as if it were moved by hand."""
    play = widgets.Play(value=slider.value, min=0, max=slider.max, step=1, interval=interval, description="play",
                        disabled=slider.disabled)
    widgets.jslink((play, "value"), (slider, "value"))
    return play


def slot_labels(num_slots, input_row=True):
    """Row names for the RMC's attention matrix A = [M; x']:
    "slot 0" ... "slot N-1", then "input" when `input_row` is True."""
    labels = [f"slot {i}" for i in range(num_slots)]
    return labels + ["input"] if input_row else labels


#: What a figure must fit: JupyterLab's output area is about 960 px wide, and
#: a notebook shows a figure's PNG pixel for pixel (the inline backend saves
#: at figure.dpi = 100 with a tight bounding box; FigureView at its own dpi).
MAX_WIDTH_PX = 960
MIN_TEXT_PX = 9


def _undrawn_tick_labels(fig):
    """The tick labels matplotlib keeps but does not draw: those of ticks
    outside their axis' view interval (a locator makes a few beyond it)."""
    undrawn = set()
    for ax in fig.axes:
        for axis in ax._axis_map.values():
            low, high = sorted(axis.get_view_interval())
            slack = 1e-9 * max(abs(low), abs(high), 1.0)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - slack <= tick.get_loc() <= high + slack:
                    undrawn.update({id(tick.label1), id(tick.label2)})
    return undrawn


def _visible_texts(fig):
    from matplotlib.text import Text
    undrawn = _undrawn_tick_labels(fig)
    texts = []
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip() and text.figure is not None and id(text) not in undrawn:
            ancestors_visible = text.axes is None or text.axes.get_visible()
            if ancestors_visible:
                texts.append(text)
    return texts


def layout_problems(fig, dpi=None, tight=True, max_width_px=MAX_WIDTH_PX, min_text_px=MIN_TEXT_PX):
    """What keeps a figure from being read at 100% in a ~960 px output area:
    a list of sentences, empty when there is nothing to fix.

    Checks that the picture is at most `max_width_px` wide (with a tight
    bounding box, as the inline backend saves it, when `tight`; else the
    figure as it is, as a FigureView shows it, where a text outside the
    figure would be cut off, and is reported), that every
    visible text is at least `min_text_px` tall (its font size in pixels at
    `dpi`, default the figure's), and that no two visible texts overlap
    (tick labels, titles, axis labels, annotations, legends; two labels
    slanted at the same angle are not compared, since their upright boxes
    overlap where their letters do not).
    """
    dpi = fig.dpi if dpi is None else dpi
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    scale = dpi / fig.dpi
    problems = []
    if tight:
        width = fig.get_tightbbox(renderer).width * dpi           # inches -> px at dpi
    else:
        width = fig.get_figwidth() * dpi
    if round(width) > max_width_px:
        problems.append(f"the figure is {round(width)} px wide at {dpi:g} dpi (at most {max_width_px})")
    texts = _visible_texts(fig)
    for text in texts:
        px = text.get_fontsize() * dpi / 72
        if px < min_text_px - 1e-9:
            problems.append(f"text {text.get_text()!r} is {px:.1f} px tall (at least {min_text_px})")
    boxes = []
    for text in texts:
        box = text.get_window_extent(renderer)
        if box.width > 0 and box.height > 0:
            boxes.append((text, box))
        if not tight:       # shown pixel for pixel (a widget): what lies outside the figure is cut off
            frame = fig.bbox
            if min(box.x0 - frame.x0, box.y0 - frame.y0, frame.x1 - box.x1, frame.y1 - box.y1) < -1:
                problems.append(f"text {text.get_text()!r} lies outside the figure")
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1:]:
            slanted = a.get_rotation() % 90 != 0
            if slanted and a.get_rotation() == b.get_rotation():
                continue    # parallel slanted labels: their upright boxes overlap, the letters do not
            overlap_w = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            overlap_h = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if overlap_w * scale > 1 and overlap_h * scale > 1:
                problems.append(f"texts {a.get_text()!r} and {b.get_text()!r} overlap "
                                f"({overlap_w * scale:.0f} x {overlap_h * scale:.0f} px)")
    return problems


def keep_room_at_top(fig, inches, texts=()):
    """Keep the top `inches` of a constrained-layout figure out of its layout,
    for titles that change, and take those `texts` out of the layout.

    A widget that redraws in place (FigureView) lays a figure out once,
    without its changing artists, so that what they say cannot move the
    axes; a static drawing of the same view must do the same to look alike.
    The band at the top is where such titles go."""
    engine = fig.get_layout_engine()
    if engine is None or not hasattr(engine, "set"):
        raise ValueError(f"fig must use the constrained layout, got {type(engine).__name__}")
    engine.set(rect=(0, 0, 1, 1 - inches / fig.get_figheight()))
    for text in texts:
        text.set_in_layout(False)
    return fig


