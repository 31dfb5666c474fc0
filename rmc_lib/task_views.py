"""Pictures of one Nth-farthest problem: the objects, the reference, the
distances and the answer (and, when given, a model's prediction).

`problem(task, x, details, i)` collects what one example of a batch says;
the drawing functions take that dict. Like rmc_lib.plots, each function
draws on the axes it is given or on a new figure, and returns the axes.
"""

import numpy as np

from .checks import check_array
from .plots import _new_axes

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


def draw_problem(p, ax=None, prediction=None, title=None):
    """The objects as points (a PCA projection when there are more than 2
    features), labelled by id and by rank of distance from the reference
    (starred); dashed lines to the reference carry the true distances, and
    the answer is ringed in green. `prediction` (an id) is ringed in red
    when it differs from the answer."""
    if ax is None:
        ax = _new_axes((5.2, 4.6))
    coords = project_2d(p["vectors"])
    ref = p["reference"]
    for k, (cx, cy) in enumerate(coords):
        if k != ref:
            ax.plot([coords[ref, 0], cx], [coords[ref, 1], cy], ls="--", color="0.6", lw=1, zorder=1)
            mx, my = (coords[ref] + coords[k]) / 2
            ax.text(mx, my, f"{p['distances'][k]:.2f}", fontsize=8, color="0.35", ha="center",
                    va="center", bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
    others = [k for k in range(len(coords)) if k != ref]
    ax.scatter(coords[others, 0], coords[others, 1], s=80, color="tab:blue", zorder=3)
    ax.scatter([coords[ref, 0]], [coords[ref, 1]], s=260, marker="*", color="tab:orange", zorder=3,
               label=f"reference (id {p['reference_id']})")
    target = p["target_position"]
    ax.scatter([coords[target, 0]], [coords[target, 1]], s=420, facecolors="none", edgecolors="tab:green",
               linewidths=2.5, zorder=4, label=f"answer: the {ordinal(p['n'])} farthest, id {p['label']}")
    if prediction is not None and int(prediction) != p["label"]:
        where = int(np.flatnonzero(p["ids"] == int(prediction))[0])
        ax.scatter([coords[where, 0]], [coords[where, 1]], s=420, facecolors="none", edgecolors="tab:red",
                   linewidths=2, linestyle="--", zorder=4, label=f"prediction: id {int(prediction)}")
    for k, (cx, cy) in enumerate(coords):
        ax.annotate(f"id {p['ids'][k]}\n{ordinal(p['rank'][k])}", (cx, cy), textcoords="offset points",
                    xytext=(9, 7), fontsize=9)
    ax.margins(0.3)
    ax.set_aspect("equal", adjustable="datalim")
    exact = p["vectors"].shape[1] <= 2
    ax.set_xlabel("feature 1" if exact else "first principal axis")
    ax.set_ylabel("feature 2" if exact else "second principal axis")
    # below the picture, where it hides no point
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncols=2, fontsize=8, frameon=False)
    ax.set_title(title or f"which object is the {ordinal(p['n'])} farthest from the reference?")
    return ax


def draw_distances(p, ax=None, probabilities=None, title=None, right_ax=None):
    """Bars: each object's distance to the reference, farthest first, labelled
    by id; the answer's bar is green. With `probabilities` (per id), a second
    bar per object shows the model's probability for it, on a right axis
    (`right_ax`, default: a new twin of ax, found as `ax.probability_axes`)."""
    if ax is None:
        ax = _new_axes((5.2, 3.6))
    order = np.argsort(-p["distances"], kind="stable")
    colours = ["tab:green" if k == p["target_position"] else
               ("tab:orange" if k == p["reference"] else "tab:blue") for k in order]
    positions = np.arange(len(order))
    width = 0.4 if probabilities is not None else 0.7
    ax.bar(positions - (width / 2 if probabilities is not None else 0), p["distances"][order],
           width=width, color=colours)
    ax.set_xticks(positions, [f"id {p['ids'][k]}\n{ordinal(r + 1)}" for r, k in enumerate(order)])
    ax.set_ylabel("distance to the reference")
    if probabilities is not None:
        probabilities = check_array("probabilities", probabilities, ndim=1, last_dim=len(order), finite=True)
        right = ax.twinx() if right_ax is None else right_ax
        ax.probability_axes = right
        right.bar(positions + width / 2, probabilities[p["ids"][order]], width=width, color="0.5",
                  alpha=0.7, label="model's probability")
        right.set_ylim(0, 1)
        right.set_ylabel("model's probability (grey)")
    ax.set_title(title or f"n = {p['n']}: the answer is id {p['label']} (green); the reference is orange")
    return ax


def answer(model, x, details, example=0):
    """What a trained classifier answers for one problem of a batch.

    model: a SequenceClassifier; x [B, K, D] and details from the task's
    `sample(..., return_details=True)` (or `encode`). Returns a dict:
    problem (as `problem`), probabilities [K] (by id), prediction (an id),
    right (bool), and trace: the recorded run of an RMC core
    (rmc_lib.trace.Trace of this one problem) or None for other cores.
    """
    from .rmc import RelationalMemory
    from .trace import record

    p = problem(details, example)
    one = x[example:example + 1]
    probabilities = model.predict_proba(one)[0]
    trace = record(model.core, one)[2] if isinstance(model.core, RelationalMemory) else None
    prediction = int(np.argmax(probabilities))
    return dict(problem=p, probabilities=probabilities, prediction=prediction,
                right=prediction == p["label"], trace=trace)


def draw_answer(a, fig=None, head=0, block=None, name="model", axes=None):
    """The task explorer's picture of `answer(...)`: the problem with the
    prediction ringed (left), distances with the model's probabilities
    (middle) and, for an RMC, the attention of the last step (right: the
    last block unless `block` is given, head `head`).

    fig: an empty Figure (default: a new one). Returns the axes.
    axes: draw on these instead (the axes an earlier call returned, cleared
    by the caller; the attention panel is then updated in place).
    """
    from . import plots

    panels = 3 if a["trace"] is not None else 2
    fresh = axes is None
    if fresh:
        if fig is None:
            import matplotlib.pyplot as plt
            fig = plt.figure(figsize=(5.2 * panels, 4.6), layout="constrained")
        axes = fig.subplots(1, panels, width_ratios=[1.1, 1, 1][:panels])
    p = a["problem"]
    verdict = "right" if a["right"] else "wrong"
    draw_problem(p, ax=axes[0], prediction=a["prediction"],
                 title=f"n = {p['n']}: answer id {p['label']}, {name} says {a['prediction']} ({verdict})")
    draw_distances(p, ax=axes[1], probabilities=a["probabilities"],
                   right_ax=None if fresh else getattr(axes[1], "probability_axes", None),
                   title=f"{name}'s probability for the answer: {a['probabilities'][p['label']]:.2f}")
    if a["trace"] is not None:
        trace = a["trace"]
        last_step = trace.num_steps - 1
        block = trace.attention.shape[1] - 1 if block is None else block
        title = f"attention at the last step (block {block}, head {head})"
        if fresh:
            plots.trace_attention(trace, last_step, block, head, 0, ax=axes[2], title=title)
        else:
            plots.update_heatmap(axes[2], plots.trace_weights(trace, last_step, block, head, 0))
            axes[2].title.set_text(title)
    return axes
