"""Figures of lesson 05 (training) and of training runs in general.

    runs = rmc_lib.train.runs.load_runs("data/laptop_scale")
    ax = plot_runs(runs)                         # held-out accuracy against training examples
    axes = plot_history(history, threshold=0.9)  # one run: loss and accuracy
    live = LivePlot("title")                     # the same two panels, redrawn during training

and the pictures of the lesson's sections: the loss with one and with two
softmaxes (plot_double_softmax), the gradient flowing back in time
(plot_gradient_through_time), Adam's bias correction and its steps around a
gradient spike (plot_bias_correction, plot_adam_steps), gradient norms and
clipping (plot_gradient_norms), learning-rate schedules (plot_schedules),
the tiny-batch sanity check (plot_overfit), and the long runs with one run
drawn over them (plot_runs_and_run). Every figure fits a ~960 px output
area (9.4 inches at 100 dpi).

A run's columns are the dict of arrays that rmc_lib.train.checkpoints.history_columns
(or load_runs) gives: step, examples, seconds, loss, eval_loss,
eval_accuracy, ...
"""

import numpy as np

from ..train.checkpoints import history_columns

MODEL_COLOURS = {"rmc": "tab:red", "lstm": "tab:blue", "relational-rnn": "tab:green", "ntm": "tab:purple",
                 "dnc": "tab:brown",
                 "memn2n": "tab:orange"}
MODEL_LABELS = {"rmc": "RMC", "lstm": "LSTM", "relational-rnn": "Relational RNN", "ntm": "NTM", "dnc": "DNC",
                "memn2n": "MemN2N"}
AXIS_LABELS = {"examples": "training examples", "seconds": "seconds of training", "step": "training steps",
               "eval_accuracy": "held-out accuracy", "eval_loss": "held-out cross-entropy",
               "loss": "training cross-entropy", "train_accuracy": "training accuracy",
               "eval_bit_errors": "held-out wrong bits per sequence"}
WIDE = 9.4          # inches: the widest figure that fits the output area at 100 dpi


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


def _two_panels(axes, figsize, title=None):
    """The given pair of axes, or a new figure with two side by side."""
    import matplotlib.pyplot as plt

    if axes is not None:
        if len(axes) != 2:
            raise ValueError(f"axes must hold 2 axes (one per panel), got {len(axes)}")
        return axes
    fig, axes = plt.subplots(1, 2, figsize=figsize, layout="constrained")
    if title is not None:
        fig.suptitle(title)
    return axes


def _thousands(ax):
    """Tick labels of large counts as 200k, 400k, ... with at most 5 of them, so that they never collide."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda value, _: f"{value / 1000:,.4g}k" if abs(value) >= 1000 else f"{value:,.0f}"))


def plot_history(history, axes=None, by="examples", threshold=None, chance=None, title=None,
                 figsize=(WIDE, 3.8), marks=None):
    """One run: training and held-out loss (left), held-out accuracy (right).

    history: the list of rows train() returns (or columns as a dict of arrays).
    threshold: an accuracy to mark (e.g. 0.9, where the run stopped);
    chance: a dict label -> accuracy of a guess, drawn as dotted lines and,
    as -log(accuracy), on the loss panel too; marks: a dict label -> x (in
    units of `by`) drawn as a vertical line on both panels (e.g. where a
    linear start ended). Returns the two axes.
    """
    columns = history if isinstance(history, dict) else history_columns(history)
    if len(columns["step"]) == 0:
        raise ValueError("history is empty: train for at least one evaluation first")
    ax_loss, ax_acc = _two_panels(axes, figsize, title)
    x = columns[by]
    has_eval = ~np.isnan(columns["eval_accuracy"])
    ax_loss.plot(x, columns["loss"], color="tab:blue", label="training (mean since the last point)")
    ax_loss.plot(x[has_eval], columns["eval_loss"][has_eval], "o-", color="tab:red", ms=3, label="held-out")
    ax_acc.plot(x[has_eval], columns["eval_accuracy"][has_eval], "o-", color="tab:red", ms=3, label="held-out")
    for index, (label, accuracy) in enumerate((chance or {}).items()):
        style = dict(color="0.45", ls=":" if index == 0 else "-.", lw=1.2)
        ax_acc.axhline(accuracy, label=label, **style)
        ax_loss.axhline(-np.log(accuracy), label=f"{label}: -log {accuracy:.2f}", **style)
    if threshold is not None:
        ax_acc.axhline(threshold, color="k", ls="--", lw=1, label=f"{threshold:.0%}")
    for label, at in (marks or {}).items():
        for ax in (ax_loss, ax_acc):
            ax.axvline(at, color="tab:green", ls="--", lw=1.2, label=label)
    ax_loss.set(xlabel=AXIS_LABELS.get(by, by), ylabel="cross-entropy", title="loss")
    ax_acc.set(xlabel=AXIS_LABELS.get(by, by), ylabel="accuracy", title="held-out accuracy", ylim=(0, 1))
    highest = max([np.nanmax(columns["loss"])] + [-np.log(a) for a in (chance or {}).values()]
                  + ([np.nanmax(columns["eval_loss"][has_eval])] if has_eval.any() else []))
    ax_loss.set_ylim(0, 1.6 * highest)             # every curve shown, and room for the legend above them
    for ax in (ax_loss, ax_acc):
        ax.grid(True, alpha=0.3)
        if by in ("examples", "step"):
            _thousands(ax)
    ax_loss.legend(loc="upper right", fontsize=8)
    ax_acc.legend(loc="lower right", fontsize=8)
    return ax_loss, ax_acc


class LivePlot:
    """plot_history's two panels, redrawn in place in a notebook at every evaluation.

    Uses IPython's display handle (display(fig, display_id=True) and
    handle.update(fig)), which strict nbval accepts. Outside IPython (a
    script) display gives no handle, and the panels are only redrawn, so a
    training run given a LivePlot still runs there.
    """

    def __init__(self, title="training", threshold=None, chance=None, figsize=(WIDE, 3.6)):
        import matplotlib.pyplot as plt
        from IPython.display import display

        self.fig, axes = plt.subplots(1, 2, figsize=figsize, layout="constrained")
        self.axes = tuple(axes)
        self.fig.suptitle(title)
        self.threshold, self.chance = threshold, chance
        plt.close(self.fig)     # drawn only through the handle, not again at cell end
        self.handle = display(self.fig, display_id=True)

    def update(self, rows):
        for ax in self.axes:
            ax.clear()
        plot_history(rows, axes=self.axes, threshold=self.threshold, chance=self.chance)
        if self.handle is not None:
            self.handle.update(self.fig)


def plot_runs_and_run(runs, history, label, models=None, title=None, figsize=(WIDE, 4.2)):
    """plot_runs (held-out accuracy against training examples, log scale)
    with one more run drawn over it as a black dashed line labelled `label`
    (history: train()'s rows or columns); y from 0.25 (guessing, 4 classes)
    to 1, the legend beside the plot. Returns the axes."""
    columns = history if isinstance(history, dict) else history_columns(history)
    ax = _axes(None, figsize)
    plot_runs(runs, ax=ax, models=models, title=title)
    has_eval = ~np.isnan(columns["eval_accuracy"])
    ax.plot(columns["examples"][has_eval], columns["eval_accuracy"][has_eval], color="k", lw=1.2, ls="--",
            label=label)
    ax.set_ylim(0.25, 1.0)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return ax


def plot_double_softmax(margins, curves, floor, axes=None, figsize=(WIDE, 3.6)):
    """The loss of one example (left) and the gradient on its right logit
    (right) against the margin s of the right class, one line per entry of
    curves: name -> (losses, gradients), the first blue, the second red;
    floor: the double softmax's lowest loss, drawn dotted. Returns the axes."""
    ax_loss, ax_grad = _two_panels(axes, figsize)
    for (name, (losses, gradients)), colour in zip(curves.items(), ["tab:blue", "tab:red"]):
        ax_loss.plot(margins, losses, color=colour, label=name)
        ax_grad.plot(margins, gradients, color=colour, label=name)
    ax_loss.axhline(floor, color="tab:red", ls=":", lw=1, label=f"floor of the double softmax ({floor:.3f})")
    ax_loss.set(xlabel="margin s of the right class", ylabel="loss L", title="the loss of one example, 4 classes")
    ax_grad.set(xlabel="margin s of the right class", ylabel=r"$\partial L / \partial s$",
                title="the gradient on the right class's logit")
    for ax in (ax_loss, ax_grad):
        ax.axvline(0, color="0.6", lw=0.8)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    return ax_loss, ax_grad


def plot_gradient_through_time(memory_grad, input_grad, axes=None, figsize=(WIDE, 3.8)):
    """BPTT in a classifier whose loss reads the last output: ||dL/dM_t|| for
    t = 0..T (left, memory_grad) and ||dL/dx_t|| for t = 1..T (right,
    input_grad), both read right to left in time (back in time, left to
    right). Returns the axes."""
    memory_grad, input_grad = np.asarray(memory_grad), np.asarray(input_grad)
    T = len(input_grad)
    if len(memory_grad) != T + 1:
        raise ValueError(f"memory_grad must have T + 1 = {T + 1} entries (t = 0..T), got {len(memory_grad)}")
    ax_m, ax_x = _two_panels(axes, figsize, title="BPTT in a fresh classifier (read left to right: back in time)")
    ax_m.plot(range(T + 1), memory_grad, "o-", color="tab:red")
    ax_m.annotate("enters here,\nfrom the head", (T, memory_grad[T]), xytext=(12, 30),
                  textcoords="offset points", ha="left", fontsize=9, arrowprops=dict(arrowstyle="->"))
    ax_m.set(xlabel="t (memory after step t; 0: the initial memory)", xticks=range(T + 1),
             ylabel=r"$\|\partial L / \partial M_t\|$", title="the gradient of the memory")
    ax_x.bar(range(1, T + 1), input_grad, color="tab:blue")
    ax_x.set(xlabel="t (the step that reads input $x_t$)", ylabel=r"$\|\partial L / \partial x_t\|$",
             title="the gradient that reaches each input", xticks=range(1, T + 1))
    for ax in (ax_m, ax_x):
        ax.invert_xaxis()
        ax.set_ylim(0, 1.25 * max(np.max(memory_grad) if ax is ax_m else np.max(input_grad), 1e-12))
        ax.grid(True, alpha=0.3)
    return ax_m, ax_x


def plot_bias_correction(t, factor, ax=None, figsize=(8, 3.6)):
    """Adam's uncorrected step over its corrected one, (1 - beta1^t) / sqrt(1 - beta2^t),
    against the step t (log scale). Returns the axes."""
    ax = _axes(ax, figsize)
    ax.semilogx(t, factor, color="tab:purple")
    ax.axhline(1, color="0.5", ls="--", lw=1, label="with bias correction (1 by construction)")
    ax.set(xlabel="Adam step t (log scale)", ylabel="uncorrected step / corrected step",
           title="Without bias correction, early steps are too large\n"
                 r"($\beta_1 = 0.9$, $\beta_2 = 0.999$, a constant gradient)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return ax


def plot_adam_steps(steps, bound, spike_at, ax=None, figsize=(WIDE, 3.4)):
    """Adam's step of one parameter in units of the learning rate, |change| / lr,
    step by step around a gradient spike, with the bound drawn dashed.
    steps: the sizes in units of lr; spike_at: the index of the spike's step
    in steps (the x axis counts the steps since the spike). Returns the axes."""
    steps = np.asarray(steps)
    if not 0 <= spike_at < len(steps):
        raise ValueError(f"spike_at must index steps (0 to {len(steps) - 1}), got {spike_at!r}")
    since = np.arange(len(steps)) - spike_at
    ax = _axes(ax, figsize)
    ax.plot(since, steps, "o-", ms=3, color="tab:purple", label="|step| / learning rate")
    ax.axhline(bound, color="k", ls="--", lw=1, label=rf"bound $(1 - \beta_1) / \sqrt{{1 - \beta_2}}$ = {bound:.2f}")
    ax.axhline(1, color="0.5", ls=":", lw=1, label="one learning rate")
    ax.annotate(f"the spike's step: {steps[spike_at]:.2f}", (0, steps[spike_at]), xytext=(-12, 8),
                textcoords="offset points", ha="right", va="bottom", fontsize=9)
    ax.set(xlabel="steps since the spike", ylabel="|step| / learning rate", ylim=(0, 1.6 * bound))
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_gradient_norms(norms, clip, ax=None, figsize=(WIDE, 3.6)):
    """The global gradient norm of every training step before clipping (grey)
    and after (orange, what the optimiser sees), with the clip level dashed."""
    norms = np.asarray(norms)
    ax = _axes(ax, figsize)
    ax.plot(norms, color="0.6", lw=0.8, label="global norm before clipping")
    ax.plot(np.minimum(norms, clip), color="tab:orange", lw=1, label="after clipping (what Adam sees)")
    ax.axhline(clip, color="k", ls="--", lw=1, label=f"clip level c = {clip:g}")
    ax.set(xlabel="training step", ylabel=r"$\|g\|$", ylim=(0, 1.15 * norms.max()),
           title=f"Gradient norms over the first {len(norms)} steps of training the RMC")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_schedules(steps, schedules, ax=None, figsize=(8, 3.6), title=None):
    """Learning-rate schedules: schedules is a dict name -> the rate at each of
    `steps`, drawn in order (the second dashed); title, if given, goes above
    the axes. Returns the axes."""
    ax = _axes(ax, figsize)
    if title is not None:
        ax.set_title(title)
    highest = 0.0
    for (name, rates), style in zip(schedules.items(), ["-", "--", "-", ":"]):
        ax.plot(steps, rates, style, lw=2 if style == "-" else 1.5, label=name)
        highest = max(highest, float(np.max(rates)))
    ax.set(xlabel="training step", ylabel="learning rate", ylim=(0, 1.1 * highest))
    ax.ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
    _thousands(ax)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="center right", fontsize=8)
    return ax


def plot_overfit(losses, accuracies, axes=None, figsize=(WIDE, 3.6),
                 title="Sanity check: a small RMC memorises one batch of 16 examples"):
    """The tiny-batch check: training loss (log scale, left) and training
    accuracy (right) at every step on the same batch. Returns the axes."""
    ax_loss, ax_acc = _two_panels(axes, figsize, title)
    ax_loss.semilogy(losses, color="tab:blue")
    ax_loss.set(xlabel="step (the same 16 examples every step)", ylabel="training loss (log scale)",
                title="the loss falls towards 0")
    ax_acc.plot(accuracies, color="tab:red")
    ax_acc.set(xlabel="step (the same 16 examples every step)", ylabel="training accuracy",
               title="the accuracy reaches 100%", ylim=(0, 1.05))
    for ax in (ax_loss, ax_acc):
        ax.grid(True, which="both", alpha=0.3)
    return ax_loss, ax_acc
