"""Pictures of Nth-farthest problems (lesson 06): the input a model reads,
the objects and the reference, the distances and the answer, and a model's
probabilities.

`problem(details, i)` collects what one example of a batch says; the
drawing functions take that dict. Like every view in rmc_lib.views, each
function draws on the axes it is given or on a new figure, and returns the
axes. The pictures a widget redraws (points, distance bars, probability
bars) make their artists first and then place them with an `update_*`
function, which can show another problem with as many objects in the same
axes; `*_artists` lists what an update changes (for FigureView).
"""

import numpy as np

from ..nn.checks import check_array
from .common import new_axes

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}
COLOURS = {"answer": "tab:green", "reference": "tab:orange", "other": "tab:blue", "probability": "0.55"}


def ordinal(n):
    """1 -> '1st', 2 -> '2nd', 4 -> '4th' (the words of 'the n-th farthest')."""
    return ORDINALS.get(n, f"{n}th")


def distance_ranks(vectors, reference):
    """Each object's Euclidean distance from vectors[reference] ([C]) and its
    rank ([C] ints): 1 for the farthest, ..., C for the reference itself,
    ties going to the lower index, as the task ranks them."""
    distances = np.linalg.norm(vectors - vectors[reference], axis=1)
    order = np.argsort(-distances, kind="stable")          # farthest first
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(1, len(order) + 1)
    return distances, rank


def rank_margin(distances, n):
    """How far rank n is from changing: the smallest gap between the n-th
    largest of `distances` ([C], any order) and its neighbours in the order,
    the (n-1)-th and the (n+1)-th largest (one neighbour for n = 1 and
    n = C). A problem whose margin is small has its answer decided by a
    small difference of distances."""
    ordered = np.sort(np.asarray(distances, dtype=float))[::-1]
    C = len(ordered)
    if not 1 <= n <= C:
        raise ValueError(f"n must lie in [1, {C}], got {n}")
    gaps = []
    if n > 1:
        gaps.append(ordered[n - 2] - ordered[n - 1])
    if n < C:
        gaps.append(ordered[n - 1] - ordered[n])
    return float(min(gaps))


def problem(details, example=0):
    """One example of a batch drawn with `task.sample(..., return_details=True)`.

    Returns a dict: vectors [C, d], ids [C], reference (its position),
    reference_id, n, distances [C] (Euclidean, to the reference), rank [C]
    (1 = the farthest; the reference itself is rank C), target_position and
    label (the id of the n-th farthest: the answer).
    """
    size = len(details["n"])
    if not 0 <= example < size:
        raise ValueError(f"example must lie in [0, {size}), got {example}")
    vectors = details["vectors"][example]
    reference = int(details["reference"][example])
    distances, rank = distance_ranks(vectors, reference)
    target = int(details["target_position"][example])
    return dict(vectors=vectors, ids=details["ids"][example], reference=reference,
                reference_id=int(details["reference_id"][example]), n=int(details["n"][example]),
                distances=distances, rank=rank, target_position=target,
                label=int(details["ids"][example][target]))


def project_2d(vectors):
    """Coordinates for a flat picture of the vectors [C, d]. With 2 features,
    the vectors themselves (1 feature: on a line). With more, their
    coordinates on their two principal axes (PCA, after centring): the flat
    picture that keeps as much of their spread as any flat picture can,
    though distances in it are only approximately the true ones."""
    vectors = check_array("vectors", vectors, ndim=2, finite=True)
    if vectors.shape[1] <= 2:
        return np.hstack([vectors, np.zeros((len(vectors), 2 - vectors.shape[1]))])
    centred = vectors - vectors.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    return centred @ axes[:2].T


#: The distance axis reaches this far above the largest distance, leaving room
#: for the ids written above the bars.
HEADROOM = 1.25


def problem_frame(details, margin=0.3):
    """Fixed axes for pictures of any of the problems in `details` (a batch
    drawn with return_details): `limits` (xmin, xmax, ymin, ymax), the box
    that holds every problem's flat picture (project_2d) with `margin` of
    its size on each side, and `ymax`, HEADROOM times the largest distance
    to a reference. A picture that must keep its axes while the problem
    changes (the task explorer) draws them all in this frame."""
    vectors = np.asarray(details["vectors"])
    coords = np.concatenate([project_2d(v) for v in vectors])
    low, high = coords.min(axis=0), coords.max(axis=0)
    pad = margin * max(float(np.max(high - low)), 1e-6)     # one pad for both: the axes are equal
    limits = (low[0] - pad, high[0] + pad, low[1] - pad, high[1] + pad)
    largest = max(distance_ranks(v, int(r))[0].max() for v, r in zip(vectors, details["reference"]))
    return dict(limits=limits, ymax=HEADROOM * float(largest) or 1.0)


def in_frame(frame, p):
    """Whether problem p (as `problem`) fits in a frame of `problem_frame`."""
    x0, x1, y0, y1 = frame["limits"]
    coords = project_2d(p["vectors"])
    points_inside = np.all((coords >= [x0, y0]) & (coords <= [x1, y1]))
    bars_fit = p["distances"].max() * HEADROOM <= frame["ymax"] * (1 + 1e-12)
    return bool(points_inside and bars_fit)


def draw_inputs(x, groups, ax=None, title="One problem as the model reads it: one object per step"):
    """The input sequence of one problem, x [T, D], as a heatmap: a row per
    step, a column per input number, the groups of the input ([(name,
    start, stop)], e.g. `task.input_groups()`) named above and separated by
    lines. Values in [-1, 1] on a diverging scale."""
    x = check_array("x", x, ndim=2, finite=True)
    T, D = x.shape
    if ax is None:
        ax = new_axes((min(1.6 + 0.45 * D, 9.2), 1.3 + 0.42 * T))
    image = ax.imshow(x, cmap="RdBu_r", vmin=-1, vmax=1, aspect="auto")
    ticks = []
    for name, start, stop in groups:
        if not 0 <= start < stop <= D:
            raise ValueError(f"group {name!r} must cover columns inside [0, {D}], got [{start}, {stop})")
        if stop < D:
            ax.axvline(stop - 0.5, color="k", lw=1.5)
        ax.text((start + stop - 1) / 2, -0.6, name, ha="center", va="bottom", fontsize=9)
        ticks += [str(i) for i in range(stop - start)]
    if len(ticks) != D:
        raise ValueError(f"groups must cover all {D} columns of x, they cover {len(ticks)}")
    ax.set_xticks(range(D), ticks)
    ax.set_yticks(range(T), [f"step {t}" for t in range(T)])
    ax.set_xlabel("position within each group")
    ax.set_title(title, pad=24)
    ax.figure.colorbar(image, ax=ax, label="value", shrink=0.9)
    return ax


def _integer_ticks(low, high):
    """The integers strictly inside (low, high), at least a tenth of the
    range from either end (so that the corner tick labels never meet)."""
    margin = 0.1 * (high - low)
    return [v for v in range(int(np.floor(low)), int(np.ceil(high)) + 1) if low + margin < v < high - margin]


def draw_problem(p, ax=None, prediction=None, title=None, limits=None, legend=True, show_answer=True):
    """The objects as points (a PCA projection when there are more than 2
    features) with their id written in them; the reference is the star,
    dashed lines join it to the others, the answer is ringed in green and
    `prediction` (an id) in dashed red when it differs from the answer.
    limits: (xmin, xmax, ymin, ymax) to draw in (default: this problem's own
    box, see `problem_frame`); the axes keep equal scales. legend: a legend
    of the markers under the figure (`marker_legend`; pictures of several
    problems draw one for all). show_answer: ring the answer (off for a
    problem the reader is to solve first).

    The artists are made first and then placed by `update_problem`, which
    can place another problem with as many objects in the same picture.
    """
    if ax is None:
        ax = new_axes((4.2, 4.2))
    C = len(p["vectors"])
    if limits is None:
        limits = problem_frame(dict(vectors=[p["vectors"]], reference=[p["reference"]]))["limits"]
    # in the order update_problem finds them: C - 1 dashed lines; the other
    # points, the reference, the answer's ring, the prediction's ring; C ids
    for _ in range(C - 1):
        ax.plot([], [], ls="--", color="0.6", lw=1, zorder=1)
    ax.scatter([], [], s=230, color=COLOURS["other"], zorder=3)
    ax.scatter([], [], s=520, marker="*", color=COLOURS["reference"], zorder=3, label="reference")
    ax.scatter([], [], s=560, facecolors="none", edgecolors=COLOURS["answer"], linewidths=2.5, zorder=4,
               label="answer" if show_answer else None)
    ax.scatter([], [], s=560, facecolors="none", edgecolors="tab:red", linewidths=2, linestyle="--",
               zorder=4, label="wrong prediction" if prediction is not None else None)
    for _ in range(C):
        ax.text(0, 0, "", ha="center", va="center", fontsize=9, fontweight="bold", zorder=5)
    update_problem(ax, p, prediction, title, show_answer)
    ax.set_xlim(limits[0], limits[1])
    ax.set_ylim(limits[2], limits[3])
    ax.set_aspect("equal", adjustable="box")
    if p["vectors"].shape[1] <= 2:           # the true coordinates: integer ticks help measuring
        ax.set_xticks(_integer_ticks(limits[0], limits[1]))
        ax.set_yticks(_integer_ticks(limits[2], limits[3]))
        ax.set_xlabel("feature 1")
        ax.set_ylabel("feature 2")
    else:                                    # a projection: its coordinates mean nothing by themselves
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("first principal axis")
        ax.set_ylabel("second principal axis")
    if legend:
        marker_legend(ax)
    return ax


def marker_legend(ax):
    """The legend of draw_problem's markers (reference, answer, and the wrong
    prediction when drawn), under the whole figure of `ax`."""
    handles, labels = ax.get_legend_handles_labels()
    return ax.figure.legend(handles, labels, loc="outside lower center", ncols=len(handles), fontsize=9,
                            frameon=False, handletextpad=0.3, columnspacing=1.2, markerscale=0.6)


def update_problem(ax, p, prediction=None, title=None, show_answer=True):
    """Place problem p (as `problem`) in a picture drawn by `draw_problem`
    for a problem with as many objects: move its points, lines and ids,
    ring the answer (if show_answer) and a wrong prediction, set the title.
    The axes stay."""
    C = len(p["vectors"])
    if (len(ax.lines), len(ax.texts), len(ax.collections)) != (C - 1, C, 4):
        raise ValueError(f"ax must hold a picture of a problem with {C} objects drawn by draw_problem "
                         f"({C - 1} lines, {C} labels, 4 sets of points), got {len(ax.lines)} lines, "
                         f"{len(ax.texts)} labels and {len(ax.collections)} sets of points")
    if prediction is not None and int(prediction) not in p["ids"]:
        raise ValueError(f"prediction must be one of the problem's ids {list(p['ids'])}, got {prediction}")
    wrong = prediction is not None and int(prediction) != p["label"]
    coords = project_2d(p["vectors"])
    ref, target = p["reference"], p["target_position"]
    others = [k for k in range(C) if k != ref]
    for line, k in zip(ax.lines, others):
        line.set_data([coords[ref, 0], coords[k, 0]], [coords[ref, 1], coords[k, 1]])
    points, star, ring, predicted = ax.collections
    points.set_offsets(coords[others])
    star.set_offsets(coords[[ref]])
    ring.set_offsets(coords[[target]] if show_answer else np.empty((0, 2)))
    # the red ring only when the prediction is wrong: no points otherwise
    predicted.set_offsets(coords[p["ids"] == int(prediction)] if wrong else np.empty((0, 2)))
    for k, label in enumerate(ax.texts):
        label.set_position(coords[k])
        label.set_text(f"{p['ids'][k]}")
        label.set_color("black" if k == ref else "white")
    ax.set_title(title or f"which object is the {ordinal(p['n'])} farthest from the reference?")
    return ax


def problem_artists(ax):
    """What `update_problem` changes in a picture of `draw_problem`: lines,
    ids, points, rings, title."""
    return [*ax.lines, *ax.texts, *ax.collections, ax.title]


def _rank_axis(ax, C, labels=True):
    ax.set_xticks(range(C), [ordinal(r + 1) for r in range(C)] if labels else [])
    ax.set_xlim(-0.6, C - 0.4)
    if labels:
        ax.set_xlabel("rank of distance (1st = farthest)")


def _farthest_first(p):
    return np.argsort(-p["distances"], kind="stable")


def draw_distances(p, ax=None, title=None, ymax=None, rank_labels=True):
    """Bars: each object's distance to the reference, farthest first, with
    its id written above; the answer's bar is green, the reference's (at
    distance 0, the last) orange. ymax: the top of the axis (default:
    HEADROOM times the largest distance). rank_labels: name the ranks under
    the bars (off when a probability panel below names them).

    Like draw_problem, the bars are made first and then set by
    `update_distances`."""
    if ax is None:
        ax = new_axes((4.2, 3.0))
    C = len(p["distances"])
    ax.bar(np.arange(C), np.zeros(C), width=0.7)
    for position in range(C):
        ax.annotate("", (position, 0), xytext=(0, 2), textcoords="offset points", ha="center", va="bottom",
                    fontsize=9)
    top = ymax or HEADROOM * float(p["distances"].max()) or 1.0
    ax.set_ylim(0, top)
    ax.set_ylabel("distance to\nthe reference")
    _rank_axis(ax, C, rank_labels)
    return update_distances(ax, p, title)


def update_distances(ax, p, title=None):
    """Set the bars of a picture drawn by `draw_distances` (for as many
    objects) to problem p."""
    C = len(p["distances"])
    if len(ax.patches) != C or len(ax.texts) != C:
        raise ValueError(f"ax must hold the bars of a problem with {C} objects (from draw_distances), "
                         f"got {len(ax.patches)} bars")
    for position, (bar, label, k) in enumerate(zip(ax.patches, ax.texts, _farthest_first(p))):
        bar.set_height(p["distances"][k])
        bar.set_color(COLOURS["answer"] if k == p["target_position"] else
                      COLOURS["reference"] if k == p["reference"] else COLOURS["other"])
        label.xy = (position, p["distances"][k])
        label.set_text(f"id {p['ids'][k]}")
    ax.set_title(title if title is not None else
                 f"n = {p['n']}: the answer is id {p['label']} (green)")
    return ax


def distances_artists(ax):
    """What `update_distances` changes: the bars, the ids above them, the title."""
    return [*ax.patches, *ax.texts, ax.title]


def _by_model(probabilities, C):
    if not isinstance(probabilities, dict):
        probabilities = {"": probabilities}
    return {name: check_array("probabilities", values, ndim=1, last_dim=C, finite=True)
            for name, values in probabilities.items()}


def draw_probabilities(p, probabilities, ax=None, title=None, colours=None):
    """Bars: the probability a model gives each object, in the order of
    `draw_distances` (farthest first), so that the two pictures read
    column by column. probabilities: [C] by id, or a dict name -> [C] for
    several models, drawn side by side in `colours` (name -> colour) and
    labelled by name for a legend (the caller places it, outside the bars).
    The bars are set by `update_probabilities`."""
    if ax is None:
        ax = new_axes((4.2, 2.6))
    C = len(p["distances"])
    models = _by_model(probabilities, C)
    width = 0.7 / len(models)
    for index, name in enumerate(models):
        offset = (index - (len(models) - 1) / 2) * width
        colour = (colours or {}).get(name, COLOURS["probability"] if len(models) == 1 else f"C{index}")
        ax.bar(np.arange(C) + offset, np.zeros(C), width=width, color=colour, label=name or None)
    ax.set_ylim(0, 1)
    ax.set_yticks([0, 0.5, 1])
    ax.set_ylabel("probability")
    ax.grid(True, axis="y", alpha=0.3)
    _rank_axis(ax, C)
    return update_probabilities(ax, p, probabilities, title)


def update_probabilities(ax, p, probabilities, title=None):
    """Set the bars of a picture drawn by `draw_probabilities` (as many
    objects and models) to problem p and these probabilities."""
    C = len(p["distances"])
    models = _by_model(probabilities, C)
    if len(ax.patches) != C * len(models):
        raise ValueError(f"ax must hold the probability bars of {len(models)} model(s) for {C} objects "
                         f"(from draw_probabilities), got {len(ax.patches)} bars")
    order = p["ids"][_farthest_first(p)]
    for index, values in enumerate(models.values()):
        for bar, identity in zip(ax.patches[index * C:(index + 1) * C], order):
            bar.set_height(values[identity])
    if title is not None:
        ax.set_title(title)
    return ax


def probabilities_artists(ax):
    """What `update_probabilities` changes: the bars and the title."""
    return [*ax.patches, ax.title]
