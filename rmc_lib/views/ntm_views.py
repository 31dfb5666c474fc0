"""Pictures of lesson 08 (the Neural Turing Machine): reading and writing a
memory, the addressing pipeline stage by stage, the heads' weightings over
a whole copy (the NTM paper's figure 6), and the trained runs (length
generalisation, training curves). The widget that steps through a copy is
in ntm_explorer.

Every figure fits a ~960 px output area (at most 9.4 inches at 100 dpi).
"""

import matplotlib.pyplot as plt
import numpy as np

from ..nn.checks import check_array
from .common import check_index

WIDE = 9.4
WRITE_COLOUR, READ_COLOUR = "tab:red", "tab:blue"
STYLES = ["-", "--", ":"]          # line styles, so that models whose means coincide stay apart


def _location_labels(N, every=1):
    return [str(i) if i % every == 0 else "" for i in range(N)]


def _check_weighting(name, weights, N):
    weights = check_array(name, weights, ndim=1)
    if weights.shape[0] != N:
        raise ValueError(f"{name} must have one entry per memory location ({N}), got {weights.shape[0]}")
    return weights


def _weighting_column(ax, weights, colour, title):
    """A weighting [N] as horizontal bars, location 0 on top (as in a heatmap's rows)."""
    N = len(weights)
    ax.barh(range(N), weights, color=colour, height=0.8)
    ax.set_ylim(N - 0.5, -0.5)
    ax.set_xlim(0, 1.05)
    ax.set_xticks([0, 0.5, 1])
    ax.set_yticks(range(N), _location_labels(N, every=1 if N <= 16 else 4))
    ax.set_ylabel("location")
    ax.set_title(title, fontsize=10)


def _memory_panel(ax, memory, vmax, title, labels=False):
    image = ax.imshow(memory, cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto")
    ax.set_xlabel("position in the word")
    ax.set_xticks(range(0, memory.shape[1], max(1, memory.shape[1] // 6)))
    ax.set_yticks(range(memory.shape[0]), _location_labels(memory.shape[0]) if labels else [])
    ax.set_title(title, fontsize=10)
    return image


def read_view(memory, weights, title=None):
    """Reading with one head: the weighting w over the locations, the memory
    M [N, W], and the read vector r = w M [W] under it.

    memory: [N, W]; weights: [N]. Returns the axes (weighting, memory, read).
    """
    memory = check_array("memory", memory, ndim=2)
    N, W = memory.shape
    weights = _check_weighting("weights", weights, N)
    read = weights @ memory
    vmax = float(np.abs(memory).max()) or 1.0
    fig = plt.figure(figsize=(7.5, 1.6 + 0.28 * N), layout="constrained")
    axes = fig.subplot_mosaic([["w", "M"], [".", "r"]], width_ratios=[1, 3], height_ratios=[N, 1.6])
    _weighting_column(axes["w"], weights, READ_COLOUR, "weighting w")
    image = _memory_panel(axes["M"], memory, vmax, "memory M")
    axes["M"].set_xlabel("")
    axes["r"].imshow(read[None], cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto")
    axes["r"].set_yticks([0], ["r = w M"])
    axes["r"].set_xticks(range(0, W, max(1, W // 6)))
    axes["r"].set_xlabel("position in the word")
    fig.colorbar(image, ax=[axes["M"], axes["r"]], label="value")
    if title:
        fig.suptitle(title)
    return axes["w"], axes["M"], axes["r"]


def write_view(before, weights, erase, add, after, title=None):
    """One write head: the weighting, the memory before, after, and what changed.

    before, after: [N, W]; weights: [N]; erase, add: [W] (checked against
    the memory's width; the caller says what they were, e.g. in the title).
    Returns the four axes.
    """
    before = check_array("before", before, ndim=2)
    after = check_array("after", after, ndim=2)
    if after.shape != before.shape:
        raise ValueError(f"after must have the shape of before {list(before.shape)}, got {list(after.shape)}")
    N, W = before.shape
    weights = _check_weighting("weights", weights, N)
    for name, v in (("erase", erase), ("add", add)):
        if np.shape(v) != (W,):
            raise ValueError(f"{name} must have shape [W] = [{W}], got {list(np.shape(v))}")
    vmax = float(max(np.abs(before).max(), np.abs(after).max())) or 1.0
    fig, axes = plt.subplots(1, 4, figsize=(WIDE, 1.4 + 0.26 * N), layout="constrained",
                             width_ratios=[1, 2, 2, 2])
    _weighting_column(axes[0], weights, WRITE_COLOUR, "weighting w")
    _memory_panel(axes[1], before, vmax, "before")
    image = _memory_panel(axes[2], after, vmax, "after: erase, then add")
    _memory_panel(axes[3], after - before, vmax, "after - before")
    fig.colorbar(image, ax=list(axes[1:]), label="value", shrink=0.9)
    if title:
        fig.suptitle(title)
    return axes


def addressing_stages(stages, title=None, ymax=1.0):
    """The weighting after each stage of addressing, one bar panel per stage.

    stages: a list of (label, weighting [N]), e.g. [("previous w_{t-1}", ...),
    ("content w_c", ...), ("interpolated w_g", ...), ("shifted", ...),
    ("sharpened w_t", ...)]. Each panel marks its largest weight and says
    where it is. Returns the axes.
    """
    if not stages:
        raise ValueError("stages must hold at least one (label, weighting) pair, got none")
    N = len(stages[0][1])
    vectors = [_check_weighting(f"the weighting of {label!r}", w, N) for label, w in stages]
    count = len(stages)
    per_row = min(count, 5)
    rows = -(-count // per_row)
    fig, axes = plt.subplots(rows, per_row, figsize=(WIDE, 2.3 * rows + 0.4), layout="constrained",
                             sharey=True, squeeze=False)
    axes = axes.ravel()
    for ax, (label, _), w in zip(axes, stages, vectors):
        top = int(np.argmax(w))
        colours = ["tab:orange" if i == top else "tab:gray" for i in range(N)]
        ax.bar(range(N), w, color=colours, width=0.8)
        ax.set_ylim(0, ymax)
        ax.set_xticks(range(0, N, max(1, N // 4)))
        ax.set_xlabel("location")
        ax.set_title(f"{label}\nlargest {w[top]:.2f} at {top}", fontsize=9)
    for ax in axes[count:]:
        ax.set_visible(False)
    axes[0].set_ylabel("weight")
    if title:
        fig.suptitle(title)
    return axes[:count]


def weightings_by_step(panels, title=None, xlabel="location"):
    """Weightings over several steps as heatmaps (steps down, locations
    across), side by side: e.g. a head shifted step after step with and
    without sharpening.

    panels: a list of (label, weightings [steps, N]). Returns the axes.
    """
    if not panels:
        raise ValueError("panels must hold at least one (label, weightings) pair, got none")
    arrays = [check_array(f"the weightings of {label!r}", w, ndim=2) for label, w in panels]
    fig, axes = plt.subplots(1, len(panels), figsize=(WIDE, 3.4), layout="constrained", squeeze=False)
    axes = axes[0]
    for ax, (label, _), w in zip(axes, panels, arrays):
        image = ax.imshow(w, cmap="Greys", vmin=0, vmax=1, aspect="auto")
        ax.set_title(label, fontsize=10)
        ax.set_xlabel(xlabel)
        ax.set_ylabel("step")
    fig.colorbar(image, ax=list(axes), label="weight")
    if title:
        fig.suptitle(title)
    return axes


def visited_locations(weightings, margin=3):
    """The locations to show for heads that visited part of a circular memory:
    the shortest circular run of locations that holds every location some
    head weighted most at some step, widened by `margin` on each side.

    weightings: a list of arrays [..., N] (e.g. every head's weighting at
    every step). Returns the location indices in order, e.g. [125, 126, 127,
    0, 1, ...] for a head that walked backwards from 0 and wrapped around.
    """
    N = weightings[0].shape[-1]
    visited = np.unique(np.concatenate([np.ravel(np.argmax(w, axis=-1)) for w in weightings]))
    if len(visited) == 1:
        first, length = visited[0], 1
    else:
        gaps = np.diff(np.append(visited, visited[0] + N))        # from each visited location to the next
        widest = int(np.argmax(gaps))                            # the run starts after the widest gap
        first = visited[(widest + 1) % len(visited)]
        length = N - gaps[widest] + 1
    length = min(N, length + 2 * margin)
    return (first - margin + np.arange(length)) % N if length < N else np.arange(N)


def copy_over_time(trace, probabilities, mask, example=0, locations=None, title=None):
    """The NTM paper's figure 6 for one copy: inputs and outputs over time,
    and the write and read weightings over the memory's locations.

    trace: an NTMTrace of the run (head 0 of the read and of the write heads
    shown); probabilities: the model's output probabilities [B, T, bits];
    mask: [B, T], 1 at the answer steps. locations: the memory locations to
    show, in order (default: visited_locations of both heads, so that a head
    that wraps around from location 0 to N - 1 is drawn as one band).
    Returns the axes (input, output, write, read).
    """
    x = check_array("trace.x", trace.x, ndim=3)
    B, T, D = x.shape
    example = check_index("example", example, B)
    probabilities = check_array("probabilities", probabilities, ndim=3)
    mask = check_array("mask", mask, ndim=2)
    if probabilities.shape[:2] != (B, T) or mask.shape != (B, T):
        raise ValueError(f"probabilities and mask must cover the trace's [B, T] = [{B}, {T}], "
                         f"got {list(probabilities.shape)} and {list(mask.shape)}")
    write = trace.write.weights[1:, example, 0]           # [T, N]
    read = trace.read.weights[1:, example, 0]
    N = write.shape[1]
    rows = visited_locations([write, read]) if locations is None else np.asarray(locations)
    band = max(len(rows), 8)
    # the bit panels keep at least a fifth of a location panel's height, so that a wide band
    # of locations does not squash them
    fig, axes = plt.subplots(4, 1, figsize=(WIDE, 7.8), layout="constrained", sharex=True,
                             height_ratios=[max(D, band / 5), max(probabilities.shape[2], band / 5), band, band])
    axes[0].imshow(x[example].T, cmap="Greys", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    axes[0].set_yticks([0, D - 1])
    axes[0].set_ylabel("input\nchannel")
    axes[0].set_title("input: the bits, then the delimiter (last channel)", fontsize=10)
    shown_output = probabilities[example] * mask[example][:, None]
    axes[1].imshow(shown_output.T, cmap="Greys", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    axes[1].set_yticks([0, probabilities.shape[2] - 1])
    axes[1].set_ylabel("output\nbit")
    axes[1].set_title("output: the probability of each bit on the answer steps", fontsize=10)
    every = max(1, len(rows) // 8)
    for ax, weights, name, cmap in ((axes[2], write, "write", "Reds"), (axes[3], read, "read", "Blues")):
        ax.imshow(weights[:, rows].T, cmap=cmap, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
        ax.set_yticks(range(0, len(rows), every), [str(r) for r in rows[::every]])
        ax.set_ylabel("location")
        shown = "all" if len(rows) == N else f"{len(rows)}"
        ax.set_title(f"{name} weighting of each location at each step ({shown} of the {N} locations)",
                     fontsize=10)
    axes[3].set_xlabel("time step")
    if title:
        fig.suptitle(title)
    return axes


def errors_by_length(tables, ax=None, title=None, colours=None):
    """Wrong bits per sequence against the sequence length, one line per model.

    tables: model label -> a list (one per seed) of {length: wrong bits};
    a thin line per seed, a thick one for the mean over seeds. The y axis is
    symmetric-log, so that 0 (a perfect copy) is on it; the models' mean
    lines are solid, dashed, dotted in turn, so that two that coincide are
    both seen. Returns the axes.
    """
    if not tables:
        raise ValueError("tables must hold at least one model, got none")
    if ax is None:
        _, ax = plt.subplots(figsize=(WIDE, 4.0), layout="constrained")
    colours = colours or {}
    for index, (label, seeds) in enumerate(tables.items()):
        if not seeds:
            raise ValueError(f"model {label!r} has no seeds")
        lengths = sorted(seeds[0])
        colour = colours.get(label, f"C{index}")
        values = np.array([[seed[n] for n in lengths] for seed in seeds])
        for row in values:
            ax.plot(lengths, row, color=colour, lw=0.8, alpha=0.5, marker="o", ms=3)
        ax.plot(lengths, values.mean(axis=0), color=colour, lw=2.6, marker="o", ls=STYLES[index % len(STYLES)],
                label=f"{label} (mean of {len(seeds)} seeds)")
    ax.set_yscale("symlog", linthresh=0.1)
    ax.set_xlabel("sequence length (trained on 1-20)")
    ax.set_ylabel("wrong bits per sequence")
    ax.axvspan(0, 20, color="0.9", zorder=0)
    ax.set_xlim(0, None)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right")
    if title:
        ax.set_title(title)
    return ax


def _symlog_errors(ax, ylabel="held-out wrong bits per sequence"):
    ax.set_yscale("symlog", linthresh=0.1)
    ax.set_ylim(0, None)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)


def error_curves(runs_by_name, title=None):
    """Held-out wrong bits per sequence against training sequences, one panel
    per task (or group of runs): a thin line per seed.

    runs_by_name: panel title -> a list of (seed, columns) as
    rmc_lib.train.runs.load_runs gives for one model (columns must have
    'examples' and 'eval_bit_errors'). The y axis is symmetric-log, so that
    0 is on it. Returns the axes.
    """
    if not runs_by_name:
        raise ValueError("runs_by_name must hold at least one group of runs, got none")
    fig, axes = plt.subplots(1, len(runs_by_name), figsize=(WIDE, 3.8), layout="constrained", squeeze=False)
    axes = axes[0]
    for ax, (name, seeded) in zip(axes, runs_by_name.items()):
        if not seeded:
            raise ValueError(f"{name!r} has no runs")
        for index, (seed, columns) in enumerate(seeded):
            for key in ("examples", "eval_bit_errors"):
                if key not in columns:
                    raise ValueError(f"a run of {name!r} has no column {key!r}; it has {sorted(columns)}")
            ax.plot(columns["examples"], columns["eval_bit_errors"], color=f"C{index}", lw=1.2,
                    label=f"seed {seed}")
        _symlog_errors(ax)
        ax.set_xlabel("training sequences")
        ax.set_title(name, fontsize=10)
        ax.legend(loc="upper right", fontsize=8)
    if title:
        fig.suptitle(title)
    return axes


def stability_view(seeded, threshold=0.5, spike=1.0, title=None):
    """Each run's held-out wrong bits per sequence over training, marking
    the evaluations that went back above `spike` after the run had first got
    below `threshold` (loss spikes, red) and the evaluation whose checkpoint
    is kept as the best (lowest held-out loss, a star).

    seeded: a list of (seed, columns) with 'examples', 'eval_bit_errors' and
    'eval_loss'. Returns the axes.
    """
    if not seeded:
        raise ValueError("seeded must hold at least one (seed, columns) pair, got none")
    fig, ax = plt.subplots(figsize=(WIDE, 4.0), layout="constrained")
    for index, (seed, columns) in enumerate(seeded):
        examples, errors = columns["examples"], columns["eval_bit_errors"]
        colour = f"C{index}"
        ax.plot(examples, errors, color=colour, lw=1.2, label=f"seed {seed}")
        below = np.flatnonzero(errors < threshold)
        if below.size:
            later = np.arange(below[0], len(errors))
            spikes = later[errors[later] > spike]
            ax.plot(examples[spikes], errors[spikes], "o", color="tab:red", ms=6, mfc="none")
        best = int(np.nanargmin(columns["eval_loss"]))
        ax.plot(examples[best], errors[best], "*", color=colour, ms=14, mec="k")
    ax.plot([], [], "o", color="tab:red", mfc="none", label=f"above {spike:g} bit after first below {threshold:g}")
    ax.plot([], [], "*", color="0.6", mec="k", ms=12, label="best checkpoint (lowest held-out loss)")
    _symlog_errors(ax)
    ax.axhline(threshold, color="0.4", ls=":", lw=1)
    ax.set_xlabel("training sequences")
    ax.legend(loc="upper right", fontsize=8, ncols=2)
    if title:
        ax.set_title(title)
    return ax
