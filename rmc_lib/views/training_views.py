"""Figures of training runs: a run's history, and several runs of several
models compared, one thin line per seed and a thick line for their mean.

    runs = rmc_lib.train.runs.load_runs("data/laptop_scale")
    ax = plot_runs(runs)                       # held-out accuracy against training examples
    axes = plot_history(history, threshold=0.9)  # one run: loss and accuracy

A run's columns are the dict of arrays that rmc_lib.train.checkpoints.history_columns
(or load_runs) gives: step, examples, seconds, loss, eval_loss,
eval_accuracy, ...
"""

import numpy as np

from ..train.checkpoints import history_columns

MODEL_COLOURS = {"rmc": "tab:red", "lstm": "tab:blue", "relational-rnn": "tab:green"}
MODEL_LABELS = {"rmc": "RMC", "lstm": "LSTM", "relational-rnn": "Relational RNN"}
AXIS_LABELS = {"examples": "training examples", "seconds": "seconds of training", "step": "training steps",
               "eval_accuracy": "held-out accuracy", "eval_loss": "held-out cross-entropy",
               "loss": "training cross-entropy", "train_accuracy": "training accuracy"}


def _axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def mean_curve(seeded, by="examples", field="eval_accuracy"):
    """The mean over seeds of `field` against `by`, on the range every seed covers.

    seeded: a list of (seed, columns) as load_runs gives for one model. The
    grid is the `by` values of the run that stops earliest; the other runs
    are interpolated linearly onto it (runs evaluated at the same steps, as
    rmc_lib's are, need no interpolation when by is 'examples' or 'step').
    Returns (grid, mean), two arrays.
    """
    if not seeded:
        raise ValueError("seeded must hold at least one (seed, columns) pair, got none")
    for _, columns in seeded:
        for key in (by, field):
            if key not in columns:
                raise ValueError(f"a run has no column {key!r}; it has {sorted(columns)}")
    curves = []
    for _, columns in seeded:
        keep = ~np.isnan(columns[field])
        curves.append((columns[by][keep], columns[field][keep]))
    shortest = min(curves, key=lambda curve: curve[0][-1] if len(curve[0]) else -np.inf)
    grid = shortest[0]
    mean = np.mean([np.interp(grid, x, y) for x, y in curves], axis=0) if len(grid) else grid
    return grid, mean


def plot_runs(runs, ax=None, by="examples", field="eval_accuracy", models=None, log_x=True,
              title=None, figsize=(9, 4.5)):
    """Every run of every model: a thin line per seed, a thick line for the mean
    over seeds (on the range all seeds reach).

    runs: model -> list of (seed, columns), as rmc_lib.train.runs.load_runs gives.
    by: the x axis ('examples', 'seconds' or 'step'); field: the y axis.
    models: which models, in which order (default: all, sorted).
    Returns the axes.
    """
    if by not in ("examples", "seconds", "step"):
        raise ValueError(f"by must be 'examples', 'seconds' or 'step', got {by!r}")
    models = sorted(runs) if models is None else list(models)
    unknown = [m for m in models if m not in runs]
    if unknown:
        raise ValueError(f"no runs for {unknown}; the runs are of {sorted(runs)}")
    ax = _axes(ax, figsize)
    for index, model in enumerate(models):
        colour = MODEL_COLOURS.get(model, f"C{index}")
        label = MODEL_LABELS.get(model, model)
        seeded = runs[model]
        for _, columns in seeded:
            keep = ~np.isnan(columns[field])
            ax.plot(columns[by][keep], columns[field][keep], color=colour, lw=0.8, alpha=0.45)
        grid, mean = mean_curve(seeded, by, field)
        ax.plot(grid, mean, color=colour, lw=2.6, label=f"{label} (mean of {len(seeded)} seeds)")
    if log_x:
        ax.set_xscale("log")
    ax.set_xlabel(AXIS_LABELS.get(by, by) + (" (log scale)" if log_x else ""))
    ax.set_ylabel(AXIS_LABELS.get(field, field))
    if field.endswith("accuracy"):
        ax.set_ylim(0, 1)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_history(history, axes=None, by="examples", threshold=None, chance=None, title=None,
                 figsize=(11, 4)):
    """One run: training and held-out loss (left), held-out accuracy (right).

    history: the list of rows train() returns (or columns as a dict of arrays).
    threshold: an accuracy to mark (e.g. 0.9, where the run stopped);
    chance: a dict label -> accuracy of a guess, drawn as dotted lines and,
    as -log(accuracy), on the loss panel too. Returns the two axes.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    columns = history if isinstance(history, dict) else history_columns(history)
    if len(columns["step"]) == 0:
        raise ValueError("history is empty: train for at least one evaluation first")
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=figsize, layout="constrained")
        if title is not None:
            fig.suptitle(title)
    ax_loss, ax_acc = axes
    x = columns[by]
    has_eval = ~np.isnan(columns["eval_accuracy"])
    ax_loss.plot(x, columns["loss"], color="tab:blue", label="training (mean over the batches since the last row)")
    ax_loss.plot(x[has_eval], columns["eval_loss"][has_eval], "o-", color="tab:red", ms=3, label="held-out")
    ax_acc.plot(x[has_eval], columns["eval_accuracy"][has_eval], "o-", color="tab:red", ms=3, label="held-out")
    for index, (label, accuracy) in enumerate((chance or {}).items()):
        style = dict(color="0.45", ls=":" if index == 0 else "-.", lw=1.2)
        ax_acc.axhline(accuracy, label=label, **style)
        ax_loss.axhline(-np.log(accuracy), label=f"{label}: -log {accuracy:.2f}", **style)
    if threshold is not None:
        ax_acc.axhline(threshold, color="k", ls="--", lw=1, label=f"{threshold:.0%}")
    ax_loss.set(xlabel=AXIS_LABELS.get(by, by), ylabel="cross-entropy", title="loss")
    ax_acc.set(xlabel=AXIS_LABELS.get(by, by), ylabel="accuracy", title="held-out accuracy", ylim=(0, 1))
    highest = max([np.nanmax(columns["loss"])] + [-np.log(a) for a in (chance or {}).values()])
    ax_loss.set_ylim(0, 1.5 * highest)             # room for the legend above the curves
    for ax in axes:
        ax.grid(True, alpha=0.3)
        if by in ("examples", "step"):
            ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    ax_loss.legend(loc="upper right", fontsize=8)
    ax_acc.legend(loc="lower right", fontsize=8)
    return axes


class LivePlot:
    """A loss/accuracy figure that redraws in place in a notebook.

    Uses IPython's display handle (display(fig, display_id=True) and
    handle.update(fig)), which strict nbval accepts.
    """

    def __init__(self, title="training"):
        import matplotlib.pyplot as plt
        from IPython.display import display

        self.fig, (self.ax_loss, self.ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
        self.fig.suptitle(title)
        plt.close(self.fig)     # drawn only through the handle, not again at cell end
        self.handle = display(self.fig, display_id=True)

    def update(self, rows):
        cols = history_columns(rows)
        self.ax_loss.clear()
        self.ax_acc.clear()
        self.ax_loss.plot(cols["examples"], cols["loss"], color="tab:blue", alpha=0.5, label="train (batch)")
        has_eval = ~np.isnan(cols["eval_loss"])
        self.ax_loss.plot(cols["examples"][has_eval], cols["eval_loss"][has_eval], "o-", color="tab:red", label="held-out")
        self.ax_acc.plot(cols["examples"][has_eval], cols["eval_accuracy"][has_eval], "o-", color="tab:red", label="held-out")
        self.ax_loss.set(xlabel="training examples", ylabel="cross-entropy", title="loss")
        self.ax_acc.set(xlabel="training examples", ylabel="accuracy", title="accuracy", ylim=(0, 1))
        self.ax_loss.legend(loc="upper right")
        self.ax_acc.legend(loc="lower right")
        self.handle.update(self.fig)
