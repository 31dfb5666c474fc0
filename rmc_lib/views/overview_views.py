"""Lesson 00's pictures: one Nth-farthest question drawn in the plane, and
the RMC's initial memory.

`plot_nth_farthest_example(points, reference, n)` draws two panels side by
side: on the left the question (every object's distance to the reference,
and a circle through the answer, so that exactly n - 1 objects lie outside
it); on the right every pairwise distance among the same objects, the
C (C - 1) / 2 relations a model might need before it knows the reference.

`plot_initial_memories(shapes)` draws the initial memory eye(N, F) for
each (N, F): zero-padded when F > N, cut when F < N.

Labels are placed where they stay inside their panel and clear of the
points and of each other (`place_labels`), so that no label sits on a tick
label or on another label, whatever the points.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Circle

from ..cores.memory import initial_memory
from ..nn.checks import check_array
from ..tasks import nth_farthest_index
from .common import check_index, panel_axes

POINT_COLOUR = "#6baed6"
ANSWER_COLOUR = "#d62728"
REFERENCE_COLOUR = "gold"
LINE_GREY = "0.7"     # lines from the reference
PAIR_GREY = "0.6"     # lines between pairs
LIMIT = 1.25          # the axes show [-LIMIT, LIMIT]^2, around the task's [-1, 1]^2
LABEL_GAP = 3         # points between a marker's edge and its label
POINT_SIZE, STAR_SIZE, RING_SIZE = 60, 350, 170   # scatter sizes (area in points squared)
FIGSIZE = (9.4, 5.4)  # at most 940 px wide at 100 dpi: fits a ~960 px output area at 100%


def ordinal(n):
    """1 -> '1st', 2 -> '2nd', 3 -> '3rd', 4 -> '4th', 11 -> '11th', 21 -> '21st'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _directions(preferred):
    """Eight label directions (unit vectors), the one nearest `preferred` first."""
    angles = np.arange(8) * np.pi / 4
    units = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    if np.linalg.norm(preferred) > 0:
        preferred = preferred / np.linalg.norm(preferred)
        units = units[np.argsort(-(units @ preferred), kind="stable")]
    return units


def _alignment(direction):
    ha = "left" if direction[0] > 0.3 else "right" if direction[0] < -0.3 else "center"
    va = "bottom" if direction[1] > 0.3 else "top" if direction[1] < -0.3 else "center"
    return ha, va


def place_labels(ax, points, labels, sizes=POINT_SIZE, fontsize=9):
    """Write labels[j] beside points[j] ([C, 2] data coordinates) on `ax`.

    sizes: each point's marker size, as scatter's `s` (area in points
    squared), one number or one per point. Each label goes in the first of
    eight directions (away from the point's nearest neighbour first) in
    which it lies inside the axes and overlaps neither an earlier label nor
    any marker; if no direction is free, in the one that overlaps least.
    The labels are kept out of the figure's layout, so the layout (already
    done when this runs) stays as it is. Returns the annotations.
    """
    fig = ax.figure
    fig.canvas.draw()                        # settle the layout: positions are final
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    frame = (frame.x0, frame.y0, frame.x1, frame.y1)
    radii = np.sqrt(np.broadcast_to(np.asarray(sizes, dtype=float), (len(points),))) / 2   # in points
    centres = ax.transData.transform(points)
    halves = radii * fig.dpi / 72
    markers = [(x - h, y - h, x + h, y + h) for (x, y), h in zip(centres, halves)]
    taken = []

    def overlap(a, b):
        return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))

    def cost(box, j):
        area = (box[2] - box[0]) * (box[3] - box[1])
        crowd = sum(overlap(box, m) for i, m in enumerate(markers) if i != j)
        return area - overlap(box, frame) + crowd + sum(overlap(box, t) for t in taken)

    annotations = []
    for j, label in enumerate(labels):
        others = np.delete(np.arange(len(points)), j)
        if len(others):
            nearest = others[np.argmin(np.linalg.norm(points[others] - points[j], axis=1))]
            preferred = points[j] - points[nearest]
        else:
            preferred = np.array([1.0, 1.0])
        best = None
        for direction in _directions(preferred):
            ha, va = _alignment(direction)
            text = ax.annotate(label, points[j], xytext=(radii[j] + LABEL_GAP) * direction,
                               textcoords="offset points", ha=ha, va=va, fontsize=fontsize, zorder=5)
            text.set_in_layout(False)
            extent = text.get_window_extent(renderer)
            box = (extent.x0, extent.y0, extent.x1, extent.y1)
            score = cost(box, j)
            if best is None or score < best[0]:
                if best is not None:
                    best[1].remove()
                best = (score, text, box)
            else:
                text.remove()
            if score == 0:
                break
        taken.append(best[2])
        annotations.append(best[1])
    return annotations


def _frame(ax):
    ax.set_xlim(-LIMIT, LIMIT)
    ax.set_ylim(-LIMIT, LIMIT)
    ax.set_aspect("equal")
    ticks = [-1, -0.5, 0, 0.5, 1]
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_xlabel("feature 0")
    ax.set_ylabel("feature 1")


def _check_problem(points, reference, n):
    points = check_array("points", points, ndim=2, finite=True)
    if points.shape[1] != 2 or len(points) < 2:
        raise ValueError(f"points must have shape [C, 2] with C >= 2 objects of 2 features, "
                         f"got {list(points.shape)}")
    reference = check_index("reference", reference, len(points))
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= len(points):
        raise ValueError(f"n must be an integer rank in [1, {len(points)}], got {n!r}")
    return points, reference, int(n)


def plot_nth_farthest_example(points, reference, n, axes=None):
    """Draw the Nth-farthest question for 2-feature objects, in two panels.

    points: [C, 2], the objects' vectors; reference: the index m of the
    reference object; n: the rank asked (1 = the farthest, C = the
    reference itself). The answer is `rmc_lib.tasks.nth_farthest_index`.

    Left panel: a line from the reference to every object, each object
    labelled "j: dist 1.23" (its Euclidean distance to the reference), the
    reference as a star, the answer ringed, and a dashed circle of radius
    the answer's distance. Right panel: a line for every one of the
    C (C - 1) / 2 pairs. A legend below the panels names the marks.

    axes: two Axes to draw on, or None for a new figure of size FIGSIZE
    (constrained layout; the legend then goes below both panels). Returns
    the two Axes.
    """
    points, reference, n = _check_problem(points, reference, n)
    ax_task, ax_pairs = panel_axes(axes, 2, "panel", FIGSIZE)
    count = len(points)
    answer = nth_farthest_index(points, reference, n)
    distances = np.linalg.norm(points - points[reference], axis=1)
    ref = points[reference]

    for j in range(count):
        ax_task.plot([ref[0], points[j, 0]], [ref[1], points[j, 1]], color=LINE_GREY, lw=1, zorder=1)
    for a in range(count):
        for b in range(a + 1, count):
            ax_pairs.plot(points[[a, b], 0], points[[a, b], 1], color=PAIR_GREY, lw=0.8, zorder=1)
    for ax in (ax_task, ax_pairs):
        ax.scatter(points[:, 0], points[:, 1], s=POINT_SIZE, color=POINT_COLOUR, edgecolor="k", zorder=3)
        _frame(ax)
    ax_task.scatter(*ref, marker="*", s=STAR_SIZE, color=REFERENCE_COLOUR, edgecolor="k", zorder=4,
                    label=f"reference (m = {reference})")
    ax_task.scatter(*points[answer], s=RING_SIZE, facecolor="none", edgecolor=ANSWER_COLOUR, lw=2.5, zorder=4,
                    label=f"answer (object {answer})")
    ax_task.add_patch(Circle(ref, distances[answer], fill=False, ls="--", color=ANSWER_COLOUR,
                             label=f"circle of radius dist = {distances[answer]:.2f}"))
    ax_task.set_title(f"n = {n}: the {ordinal(n)} farthest from object {reference} is object {answer}\n"
                      f"(dist: distance to the reference)", fontsize=10)
    pairs = count * (count - 1) // 2
    ax_pairs.set_title(f"all pairwise distances:\n{pairs} pairs among {count} objects", fontsize=10)

    fig = ax_task.figure
    fig.legend(*ax_task.get_legend_handles_labels(), loc="outside lower center", ncols=3,
               fontsize=9, frameon=False)
    task_labels = [f"{j}" if j == reference else f"{j}: dist {distances[j]:.2f}" for j in range(count)]
    sizes = np.full(count, POINT_SIZE)
    sizes[answer], sizes[reference] = RING_SIZE, STAR_SIZE
    place_labels(ax_task, points, task_labels, sizes)
    place_labels(ax_pairs, points, [f"{j}" for j in range(count)])
    return np.array([ax_task, ax_pairs])


def plot_initial_memories(shapes=((4, 8), (6, 4)), axes=None):
    """The RMC's initial memory M_0 = eye(N, F) for each (N, F) in `shapes`,
    one heatmap per shape (a row per slot, a column per feature), on one
    colour scale from 0 to 1 with one colorbar. Titles say whether the
    identity is square, zero-padded (F > N) or cut (F < N).

    axes: one Axes per shape, or None for a new figure 8.6 inches wide.
    Returns the axes.
    """
    shapes = [tuple(shape) for shape in shapes]
    if not shapes or any(len(shape) != 2 for shape in shapes):
        raise ValueError(f"shapes must be (mem_slots, mem_size) pairs, at least one, got {shapes}")
    if axes is None:      # each panel as wide as its memory has columns
        _, axes = plt.subplots(1, len(shapes), figsize=(8.6, 3.4), layout="constrained", squeeze=False,
                               width_ratios=[F for _, F in shapes])
        axes = axes[0]
    axes = panel_axes(axes, len(shapes), "shape", None)
    for ax, (N, F) in zip(axes, shapes):
        M = initial_memory(1, N, F)[0]
        image = ax.imshow(M, cmap="Blues", vmin=0, vmax=1)
        ax.set_xticks(range(F))
        ax.set_yticks(range(N))
        ax.set_xlabel("feature")
        ax.set_ylabel("slot")
        how = "square" if F == N else "zero-padded" if F > N else "cut"
        ax.set_title(f"N = {N} slots, F = {F}: identity, {how}", fontsize=10)
    axes[0].figure.colorbar(image, ax=list(axes), label="value", shrink=0.8)
    return axes
