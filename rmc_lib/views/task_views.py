"""Pictures of one Nth-farthest problem: the objects, the reference, the
distances and the answer (and, when given, a model's prediction).

`problem(task, x, details, i)` collects what one example of a batch says;
the drawing functions take that dict. Like every view in rmc_lib.views, each function
draws on the axes it is given or on a new figure, and returns the axes.
"""

import matplotlib as mpl
import numpy as np

from ..cores.rmc import RelationalMemory
from ..nn.checks import check_array
from ..trace import record
from .common import new_axes
from .heatmaps import heatmap_artists, update_heatmap
from .memory_views import trace_attention, trace_weights

ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}


def ordinal(n):
    """1 -> '1st', 2 -> '2nd', 4 -> '4th' (the words of 'the n-th farthest')."""
    return ORDINALS.get(n, f"{n}th")


def distance_ranks(vectors, reference):
    """Each object's Euclidean distance from vectors[reference] ([K]) and its
    rank ([K] ints): 1 for the farthest, ..., K for the reference itself,
    ties going to the lower index, as the task ranks them."""
    distances = np.linalg.norm(vectors - vectors[reference], axis=1)
    order = np.argsort(-distances, kind="stable")          # farthest first
    rank = np.empty(len(order), dtype=int)
    rank[order] = np.arange(1, len(order) + 1)
    return distances, rank


def problem(details, example=0):
    """One example of a batch drawn with `task.sample(..., return_details=True)`.

    Returns a dict: vectors [K, F], ids [K], reference (its position),
    reference_id, n, distances [K] (Euclidean, to the reference), rank [K]
    (1 = the farthest; the reference itself is rank K), target_position and
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
    """Coordinates for a flat picture of the vectors [K, F]. With 2 features,
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


def problem_frame(details, margin=0.3):
    """Fixed axes for pictures of any of the problems in `details` (a batch
    drawn with return_details): `limits` (xmin, xmax, ymin, ymax), the box
    that holds every problem's flat picture (project_2d) with `margin` of
    its size on each side, and `ymax`, a little above the largest distance
    to a reference. A picture that must keep its axes while the problem
    changes (the task explorer) draws them all in this frame."""
    vectors = np.asarray(details["vectors"])
    coords = np.concatenate([project_2d(v) for v in vectors])
    low, high = coords.min(axis=0), coords.max(axis=0)
    pad = margin * max(float(np.max(high - low)), 1e-6)     # one pad for both: the axes are equal
    limits = (low[0] - pad, high[0] + pad, low[1] - pad, high[1] + pad)
    largest = max(distance_ranks(v, int(r))[0].max() for v, r in zip(vectors, details["reference"]))
    return dict(limits=limits, ymax=1.05 * float(largest) or 1.0)


def in_frame(frame, p):
    """Whether problem p (as `problem`) fits in a frame of `problem_frame`."""
    x0, x1, y0, y1 = frame["limits"]
    coords = project_2d(p["vectors"])
    points_inside = np.all((coords >= [x0, y0]) & (coords <= [x1, y1]))
    bars_fit = p["distances"].max() <= frame["ymax"]
    return bool(points_inside and bars_fit)


def draw_problem(p, ax=None, prediction=None, title=None, limits=None):
    """The objects as points (a PCA projection when there are more than 2
    features), labelled by id and by rank of distance from the reference
    (starred); dashed lines to the reference carry the true distances, and
    the answer is ringed in green. `prediction` (an id) is ringed in red
    when it differs from the answer. limits: (xmin, xmax, ymin, ymax) to
    draw in (default: this problem's own box, see `problem_frame`); the
    axes keep equal scales.

    The artists are made first and then placed by `update_problem`, which
    can place another problem with as many objects in the same picture.
    """
    if ax is None:
        ax = new_axes((5.2, 4.6))
    K = len(p["vectors"])
    if limits is None:
        limits = problem_frame(dict(vectors=[p["vectors"]], reference=[p["reference"]]))["limits"]
    # in the order update_problem finds them: K - 1 dashed lines and their
    # distance labels, the other points, the reference, the answer's ring,
    # the prediction's ring, then K labels "id, rank"
    for _ in range(K - 1):
        ax.plot([], [], ls="--", color="0.6", lw=1, zorder=1)
        ax.text(0, 0, "", fontsize=8, color="0.35", ha="center", va="center",
                bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
    ax.scatter([], [], s=80, color="tab:blue", zorder=3)
    ax.scatter([], [], s=260, marker="*", color="tab:orange", zorder=3, label="the reference")
    ax.scatter([], [], s=420, facecolors="none", edgecolors="tab:green", linewidths=2.5, zorder=4,
               label="the answer")
    ax.scatter([], [], s=420, facecolors="none", edgecolors="tab:red", linewidths=2, linestyle="--",
               zorder=4, label="the prediction, when wrong" if prediction is not None else None)
    for _ in range(K):
        ax.annotate("", (0, 0), textcoords="offset points", xytext=(9, 7), fontsize=9)
    update_problem(ax, p, prediction, title)
    ax.set_xlim(limits[0], limits[1])
    ax.set_ylim(limits[2], limits[3])
    ax.set_aspect("equal", adjustable="box")
    exact = p["vectors"].shape[1] <= 2
    ax.set_xlabel("feature 1" if exact else "first principal axis")
    ax.set_ylabel("feature 2" if exact else "second principal axis")
    # below the picture, where it hides no point
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=3, fontsize=8, frameon=False)
    return ax


def update_problem(ax, p, prediction=None, title=None):
    """Place problem p (as `problem`) in a picture drawn by `draw_problem`
    for a problem with as many objects: move its points, lines and labels,
    ring the answer and a wrong prediction, set the title. The axes stay."""
    K = len(p["vectors"])
    if (len(ax.lines), len(ax.texts), len(ax.collections)) != (K - 1, 2 * K - 1, 4):
        raise ValueError(f"ax must hold a picture of a problem with {K} objects drawn by draw_problem "
                         f"({K - 1} lines, {2 * K - 1} labels, 4 sets of points), got {len(ax.lines)} lines, "
                         f"{len(ax.texts)} labels and {len(ax.collections)} sets of points")
    wrong = prediction is not None and int(prediction) != p["label"]
    if prediction is not None and int(prediction) not in p["ids"]:
        raise ValueError(f"prediction must be one of the problem's ids {list(p['ids'])}, got {prediction}")
    coords = project_2d(p["vectors"])
    ref, target = p["reference"], p["target_position"]
    others = [k for k in range(K) if k != ref]
    for line, label, k in zip(ax.lines, ax.texts[:K - 1], others):
        line.set_data([coords[ref, 0], coords[k, 0]], [coords[ref, 1], coords[k, 1]])
        label.set_position((coords[ref] + coords[k]) / 2)
        label.set_text(f"{p['distances'][k]:.2f}")
    points, star, ring, predicted = ax.collections
    points.set_offsets(coords[others])
    star.set_offsets(coords[[ref]])
    ring.set_offsets(coords[[target]])
    # the red ring only when the prediction is wrong: no points otherwise
    predicted.set_offsets(coords[p["ids"] == int(prediction)] if wrong else np.empty((0, 2)))
    for k, label in enumerate(ax.texts[K - 1:]):
        label.xy = coords[k]
        label.set_text(f"id {p['ids'][k]}\n{ordinal(p['rank'][k])}")
    ax.set_title(title or f"which object is the {ordinal(p['n'])} farthest from the reference?")
    return ax


def problem_artists(ax):
    """What `update_problem` changes in a picture of `draw_problem`: lines,
    labels, points, rings, title."""
    return [*ax.lines, *ax.texts, *ax.collections, ax.title]


def draw_distances(p, ax=None, probabilities=None, title=None, right_ax=None, ymax=None):
    """Bars: each object's distance to the reference, farthest first, labelled
    by id; the answer's bar is green. With `probabilities` (per id), a second
    bar per object shows the model's probability for it, on a right axis
    (`right_ax`, default: a new twin of ax, found as `ax.probability_axes`).
    ymax: the top of the distance axis (default: just above the largest).

    Like draw_problem, the bars are made first and then set by
    `update_distances`."""
    K = len(p["distances"])
    if probabilities is not None:
        check_array("probabilities", probabilities, ndim=1, last_dim=K, finite=True)
    if ax is None:
        ax = new_axes((5.2, 3.6))
    positions = np.arange(K)
    width = 0.4 if probabilities is not None else 0.7
    ax.bar(positions - (width / 2 if probabilities is not None else 0), np.zeros(K), width=width)
    ax.set_ylim(0, ymax or 1.05 * float(p["distances"].max()) or 1.0)
    ax.set_ylabel("distance to the reference")
    # each bar is named by the object's id over its rank (1st = farthest):
    # the ranks are fixed tick labels under an empty first line, where the
    # ids, which change with the problem, are written as separate labels.
    # (Tick labels that change would make a widget redraw the whole x axis
    # at every move, which takes longer than the rest of this picture.)
    ax.set_xticks(positions, [f"\n{ordinal(r + 1)}" for r in range(K)])
    below_axis = -(mpl.rcParams["xtick.major.size"] + mpl.rcParams["xtick.major.pad"])
    for position in positions:
        ax.annotate("", (position, 0), xycoords=("data", "axes fraction"), xytext=(0, below_axis),
                    textcoords="offset points", ha="center", va="top", fontsize=mpl.rcParams["xtick.labelsize"])
    ax.probability_axes = None
    if probabilities is not None:
        right = ax.twinx() if right_ax is None else right_ax
        ax.probability_axes = right
        right.bar(positions + width / 2, np.zeros(K), width=width, color="0.5", alpha=0.7,
                  label="model's probability")
        right.set_ylim(0, 1)
        right.set_ylabel("model's probability (grey)")
    return update_distances(ax, p, probabilities, title)


def update_distances(ax, p, probabilities=None, title=None):
    """Set the bars of a picture drawn by `draw_distances` (with as many
    objects, and probabilities if it had them) to problem p."""
    K = len(p["distances"])
    if len(ax.patches) != K:
        raise ValueError(f"ax must hold the bars of a problem with {K} objects (from draw_distances), "
                         f"got {len(ax.patches)}")
    right = getattr(ax, "probability_axes", None)
    if probabilities is not None:
        probabilities = check_array("probabilities", probabilities, ndim=1, last_dim=K, finite=True)
        if right is None:
            raise ValueError("probabilities given, but ax was drawn without them")
    elif right is not None:
        raise ValueError("ax was drawn with the model's probabilities: give them (probabilities)")
    order = np.argsort(-p["distances"], kind="stable")
    for bar, k in zip(ax.patches, order):
        bar.set_height(p["distances"][k])
        bar.set_color("tab:green" if k == p["target_position"] else
                      ("tab:orange" if k == p["reference"] else "tab:blue"))
    for label, k in zip(ax.texts, order):
        label.set_text(f"id {p['ids'][k]}")
    if probabilities is not None:
        for bar, k in zip(right.patches, order):
            bar.set_height(probabilities[p["ids"][k]])
    ax.set_title(title or f"n = {p['n']}: the answer is id {p['label']} (green); the reference is orange")
    return ax


def distances_artists(ax):
    """What `update_distances` changes: the bars (both axes), the ids under
    them, the title."""
    right = ax.probability_axes.patches if ax.probability_axes is not None else []
    return [*ax.patches, *right, *ax.texts, ax.title]


def answer(model, x, details, example=0):
    """What a trained classifier answers for one problem of a batch.

    model: a SequenceClassifier; x [B, K, D] and details from the task's
    `sample(..., return_details=True)` (or `encode`). Returns a dict:
    problem (as `problem`), probabilities [K] (by id), prediction (an id),
    right (bool), and trace: the recorded run of an RMC core
    (rmc_lib.trace.Trace of this one problem) or None for other cores.
    """

    p = problem(details, example)
    one = x[example:example + 1]
    probabilities = model.predict_proba(one)[0]
    trace = record(model.core, one)[2] if isinstance(model.core, RelationalMemory) else None
    prediction = int(np.argmax(probabilities))
    return dict(problem=p, probabilities=probabilities, prediction=prediction,
                right=prediction == p["label"], trace=trace)


def draw_answer(a, fig=None, head=0, block=None, name="model", frame=None):
    """The task explorer's picture of `answer(...)`: the problem with the
    prediction ringed (left), distances with the model's probabilities
    (middle) and, for an RMC, the attention of the last step (right: the
    last block unless `block` is given, head `head`; colours only, without
    the numbers the attention explorer writes in each cell, which would
    double the time the task explorer takes to redraw).

    fig: an empty Figure (default: a new one). frame: fixed axes for the
    problem and the distances (`problem_frame`; default: this problem's).
    Returns the axes; `update_answer` shows another answer in them.
    """

    panels = 3 if a["trace"] is not None else 2
    if fig is None:
        import matplotlib.pyplot as plt
        fig = plt.figure(figsize=(5.2 * panels, 4.6), layout="constrained")
    axes = fig.subplots(1, panels, width_ratios=[1.1, 1, 1][:panels])
    frame = frame or {}
    p = a["problem"]
    draw_problem(p, ax=axes[0], prediction=a["prediction"], limits=frame.get("limits"))
    draw_distances(p, ax=axes[1], probabilities=a["probabilities"], ymax=frame.get("ymax"))
    if a["trace"] is not None:
        trace = a["trace"]
        block = trace.attention.shape[1] - 1 if block is None else block
        trace_attention(trace, trace.num_steps - 1, block, head, 0, ax=axes[2], annotate=False)
    return update_answer(axes, a, head, block, name)


def update_answer(axes, a, head=0, block=None, name="model"):
    """Show another answer (of a problem with as many objects, from the same
    kind of model) in the axes of `draw_answer`: titles, points, bars and
    the heatmap change; the axes stay."""

    p = a["problem"]
    verdict = "right" if a["right"] else "wrong"
    update_problem(axes[0], p, a["prediction"],
                   title=f"n = {p['n']}: answer id {p['label']}, {name} says {a['prediction']} ({verdict})")
    update_distances(axes[1], p, a["probabilities"],
                     title=f"{name}'s probability for the answer: {a['probabilities'][p['label']]:.2f}")
    if a["trace"] is not None:
        trace = a["trace"]
        block = trace.attention.shape[1] - 1 if block is None else block
        update_heatmap(axes[2], trace_weights(trace, trace.num_steps - 1, block, head, 0))
        axes[2].set_title(f"attention at the last step (block {block}, head {head})")
    return axes


def answer_artists(axes):
    """What `update_answer` changes, for FigureView."""

    changing = problem_artists(axes[0]) + distances_artists(axes[1])
    if len(axes) == 3:
        changing += heatmap_artists(axes[2])
    return changing
