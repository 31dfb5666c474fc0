"""Figures of lesson 06: problems side by side (their points, distances
and the models' probabilities, built from task_views), and the training
runs on Nth farthest: runs that stay on the plateau, the two stages of the
curriculum, accuracy for each n, and models compared against training
examples and against time.

Runs are what rmc_lib.train.runs.load_runs gives: model -> list of (seed,
columns), columns a dict of arrays (examples, seconds, eval_accuracy,
eval_loss, ...). Every figure fits a ~960 px output area, and its legend
sits under the panels, never over a curve.
"""

import numpy as np

from . import task_views
from .training_views import MODEL_COLOURS, MODEL_LABELS, plot_runs

GUIDE = dict(lw=1.2, zorder=1)


def _figure(figsize, ncols):
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, ncols, figsize=figsize, layout="constrained", squeeze=False)
    return axes[0]


def _legend_below(fig, axes):
    """One legend for all the axes, under the figure (no duplicate labels)."""
    handles, labels = [], []
    for ax in axes:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    return fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 3), fontsize=9,
                      frameon=False)


def plateau_accuracy(C):
    """Accuracy of the plateau of Nth farthest with every n asked: 2/C."""
    return 2 / C


def plateau_loss(C):
    """Cross-entropy of the plateau with every n asked: (C-1)/C ln(C-1)."""
    return (C - 1) / C * np.log(C - 1)


def plateau_curves(runs, num_objects, axes=None):
    """Runs trained on every n from the first step: held-out accuracy (left)
    and loss (right) against training examples, with the plateau (2/C and
    (C-1)/C ln(C-1)) and guessing (1/C and ln C) as horizontal lines.
    runs: label -> columns (one run each). Returns the two axes."""
    C = num_objects
    axes = _figure((9.4, 3.7), 2) if axes is None else axes
    ax_acc, ax_loss = axes
    for index, (label, columns) in enumerate(runs.items()):
        millions = columns["examples"] / 1e6
        ax_acc.plot(millions, columns["eval_accuracy"], color=f"C{index}", label=label)
        ax_loss.plot(millions, columns["eval_loss"], color=f"C{index}", label=label)
    ax_acc.axhline(plateau_accuracy(C), color="k", ls="--", label="the plateau", **GUIDE)
    ax_acc.axhline(1 / C, color="0.5", ls=":", label="guessing", **GUIDE)
    ax_loss.axhline(plateau_loss(C), color="k", ls="--", **GUIDE)
    ax_loss.axhline(np.log(C), color="0.5", ls=":", **GUIDE)
    ax_acc.set(xlabel="training examples (millions)", ylabel="held-out accuracy", ylim=(0, 1),
               title=f"accuracy (plateau 2/C = {plateau_accuracy(C):.2f})")
    ax_loss.set(xlabel="training examples (millions)", ylabel="held-out loss", ylim=(0, 1.15 * np.log(C)),
                title=f"loss (plateau (C-1)/C ln(C-1) = {plateau_loss(C):.3f})")
    for ax in axes:
        ax.grid(True, alpha=0.3)
    _legend_below(ax_acc.figure, axes)
    return axes


def _seed_lines(ax, runs, models, field="eval_accuracy"):
    for model in models:
        for seed, columns in runs[model]:
            ax.plot(columns["examples"], columns[field], color=MODEL_COLOURS.get(model, "k"), lw=1.2,
                    label=f"{MODEL_LABELS.get(model, model)} (one line per seed)" if seed == runs[model][0][0] else None)


def curriculum_curves(stage1, stage2, num_objects, stop_at=0.9, axes=None):
    """The curriculum's two stages side by side, every seed of every model:
    stage 1 (only n = 1, measured on n = 1) with its own plateau 1/(C-1),
    "not the reference", and the accuracy at which it stopped; stage 2
    (every n, from stage 1's parameters, measured on every n) with the
    plateau 2/C. Each guide line is drawn only where it belongs.
    Returns the two axes."""
    C = num_objects
    axes = _figure((9.4, 3.8), 2) if axes is None else axes
    ax1, ax2 = axes
    models = [m for m in MODEL_COLOURS if m in stage1]
    _seed_lines(ax1, stage1, models)
    _seed_lines(ax2, stage2, models)
    ax1.axhline(1 / (C - 1), color="k", ls="--", label="plateau of the stage", **GUIDE)
    ax1.axhline(stop_at, color="0.5", ls=":", label=f"stage 1 stops at {stop_at:.0%}", **GUIDE)
    ax2.axhline(plateau_accuracy(C), color="k", ls="--", **GUIDE)
    ax1.set(title=f"stage 1: n = 1 only (plateau 1/(C-1) = {1 / (C - 1):.2f})", ylabel="held-out accuracy")
    ax2.set(title=f"stage 2: every n (plateau 2/C = {plateau_accuracy(C):.2f})")
    for ax, stage in zip(axes, ("stage-1", "stage-2")):
        ax.set(xscale="log", xlabel=f"{stage} training examples (log scale)", ylim=(0, 1))
        ax.grid(True, alpha=0.3)
    _legend_below(ax1.figure, axes)
    return axes


def accuracy_by_n_bars(final, num_objects, ax=None, title="accuracy for each n"):
    """Bars of held-out accuracy for each n, one bar per (model, seed):
    final: dict (model, seed) -> {n: (accuracy, count)} (as
    rmc_lib.train.runs.accuracy_by_n gives). The plateau's guess for n < C,
    1/(C-1), is drawn over those n only. Returns the axes."""
    C = num_objects
    ax = _figure((9.4, 3.6), 1)[0] if ax is None else ax
    width = 0.8 / len(final)
    seeds = {}
    for index, ((model, seed), by_n) in enumerate(final.items()):
        seeds.setdefault(model, []).append(seed)
        shade = 0.45 + 0.5 * (len(seeds[model]) - 1) / 2
        ns = sorted(by_n)
        ax.bar(np.array(ns) - 0.4 + (index + 0.5) * width, [by_n[n][0] for n in ns], width=width,
               color=MODEL_COLOURS.get(model, "k"), alpha=min(shade, 1.0),
               label=f"{MODEL_LABELS.get(model, model)} seed {seed}")
    ax.hlines(1 / (C - 1), 0.5, C - 0.5, color="0.3", ls=":", lw=1.5,
              label="1/(C-1): the plateau's guess for n < C")
    ax.set(xticks=range(1, C + 1), xlim=(0.5, C + 0.5), xlabel="n (which farthest)",
           ylabel="held-out accuracy", ylim=(0, 1.05), title=title)
    ax.grid(True, axis="y", alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    ax.figure.legend(handles, labels, loc="outside right center", fontsize=9, frameon=False)
    return ax


def runs_by_examples_and_time(runs, models, num_objects, title=None, axes=None):
    """Models compared two ways, side by side: held-out accuracy against
    training examples (log scale) and against seconds of training, a thin
    line per seed and a thick one for the mean (training_views.plot_runs).
    The dotted line is the plateau of "farthest from the reference" (only
    n = 1 is asked): 1/(C-1), "not the reference". Returns the two axes."""
    C = num_objects
    axes = _figure((9.4, 3.8), 2) if axes is None else axes
    ax_examples, ax_seconds = axes
    plot_runs(runs, ax=ax_examples, models=models, title=title or "against training examples")
    plot_runs(runs, ax=ax_seconds, models=models, by="seconds", log_x=False, title="against seconds of training")
    for ax in axes:
        ax.get_legend().remove()
        for line in ax.lines:               # plot_runs names a single run a "mean of 1 seeds"
            line.set_label(line.get_label().replace("(mean of 1 seeds)", "(one seed)"))
        ax.axhline(1 / (C - 1), color="0.4", ls=":", label="1/(C-1): not the reference", **GUIDE)
        ax.set_ylim(0.2, 1.0)
    ax_seconds.set_ylabel("")
    _legend_below(ax_examples.figure, axes)
    return axes


def problem_with_distances(p, fig=None, prediction=None):
    """One problem, two panels side by side: the points (draw_problem) and the
    distance bars (draw_distances). Returns the two axes."""
    if fig is None:
        import matplotlib.pyplot as plt
        fig = plt.figure(figsize=(8.6, 3.9), layout="constrained")
    ax_points, ax_bars = fig.subplots(1, 2, width_ratios=[1, 1.1])
    task_views.draw_problem(p, ax=ax_points, prediction=prediction, legend=False)
    task_views.draw_distances(p, ax=ax_bars)
    task_views.marker_legend(ax_points)
    return ax_points, ax_bars


def problems_figure(problems, titles=None, probabilities=None, colours=None, points=True, distances=True,
                    show_answer=True, fig=None):
    """Several problems, one column each: the points (if `points`), the
    distance bars (if `distances`) and, with `probabilities` (one dict
    name -> [C] per problem, or one [C] array per problem), the models'
    probabilities at the bottom. The columns share one distance axis.
    titles: one per problem, over its top panel (default: draw_problem's).
    show_answer: ring and colour the answer (off for problems the reader is
    to solve first: then the bars are drawn without colouring it either,
    so draw points only). A legend under the picture names the markers or
    the models. Returns the axes as an array [rows, problems]."""
    count = len(problems)
    for name, given in [("titles", titles), ("probabilities", probabilities)]:
        if given is not None and len(given) != count:
            raise ValueError(f"{name} must have one entry per problem ({count}), got {len(given)}")
    panels = [kind for kind, wanted in [("points", points), ("distances", distances),
                                        ("probabilities", probabilities is not None)] if wanted]
    if not panels:
        raise ValueError("draw at least one of points, distances or probabilities")
    if not show_answer and panels != ["points"]:
        raise ValueError("show_answer=False draws points only: bars would show the answer")
    heights = {"points": 2.6, "distances": 1.6, "probabilities": 1.4}
    if fig is None:
        import matplotlib.pyplot as plt
        fig = plt.figure(figsize=(min(3.1 * count + 0.4, 9.4), sum(heights[k] for k in panels) + 0.6),
                         layout="constrained")
    axes = fig.subplots(len(panels), count, height_ratios=[heights[k] for k in panels], squeeze=False)
    ymax = task_views.HEADROOM * max(float(q["distances"].max()) for q in problems)
    for column, q in enumerate(problems):
        title = None if titles is None else titles[column]
        for row, kind in enumerate(panels):
            ax = axes[row, column]
            if kind == "points":
                task_views.draw_problem(q, ax=ax, title=title, legend=False, show_answer=show_answer)
            elif kind == "distances":
                task_views.draw_distances(q, ax=ax, title=title if row == 0 else "", ymax=ymax,
                                          rank_labels=probabilities is None)
            else:
                task_views.draw_probabilities(q, probabilities[column], ax=ax, colours=colours,
                                              title=title if row == 0 else None)
            if column and kind != "points":
                ax.set_ylabel("")
    if probabilities is not None and isinstance(probabilities[0], dict) and len(probabilities[0]) > 1:
        fig.legend(*axes[-1, 0].get_legend_handles_labels(), loc="outside lower center",
                   ncols=len(probabilities[0]), frameon=False, fontsize=9)
    elif points:
        task_views.marker_legend(axes[0, 0])
    return axes
