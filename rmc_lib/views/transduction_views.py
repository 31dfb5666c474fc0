"""Pictures of lesson 11's string tasks: a hand-written program of pushes and
pops run through the continuous stack (or queue), which answer symbols a
trained model gets right, and the share of strings right at each length.

    trace = program_trace([(0.0, 0.8, "a"), (0.0, 0.5, "b"), (0.9, 0.6, "c")])
    stack_view(trace, symbols=trace["symbols"])        # views.stack_views draws it
    describe_read(trace, step=2)                       # {'a': 0.4, 'c': 0.6}
    position_view({"LSTM": answer_positions(model, x, targets)})
    strings_right_view({"stack LSTM": [read_perfect(path) for path in seeds]})

Every figure fits a ~960 px output area (at most 9.4 inches at 100 dpi).
"""

import matplotlib.pyplot as plt
import numpy as np

from ..cores.sequence_readout import targets_and_mask
from ..nn.neural_stack import stack_step_forward
from .common import check_index
from .stack_views import WIDE, step_memory


def program_trace(program, queue=False):
    """Run a program of steps (pop u, push d, symbol) through the continuous
    stack (queue=True: the queue), one example, with each symbol's value a
    one-hot vector. Returns the trace views.stack_views.stack_view draws (push,
    pop [1, T], strengths and read weights [1, T, T]) plus "symbols" (the one
    pushed at each step), "alphabet" (the one-hot order) and "read" [T, m]."""
    if not program:
        raise ValueError("program must hold at least one step (pop, push, symbol)")
    for t, step in enumerate(program):
        try:
            pop, push, _ = step
            fine = 0 <= float(pop) <= 1 and 0 <= float(push) <= 1
        except (TypeError, ValueError):         # not three things, or a pop or push that is not a number
            fine = False
        if not fine:
            raise ValueError(f"each step must be (pop in [0, 1], push in [0, 1], symbol); step {t} is {step!r}")
    symbols = [str(step[2]) for step in program]
    alphabet = sorted(set(symbols))
    T, m = len(program), len(alphabet)
    values, strengths = np.zeros((1, 0, m)), np.zeros((1, 0))
    trace = {"push": np.zeros((1, T)), "pop": np.zeros((1, T)), "strengths": np.zeros((1, T, T)),
             "reads": np.zeros((1, T, T)), "read": np.zeros((T, m)), "queue": queue,
             "symbols": symbols, "alphabet": alphabet}
    for t, (pop, push, symbol) in enumerate(program):
        value = np.eye(m)[[alphabet.index(str(symbol))]]
        values, strengths, read, cache = stack_step_forward(values, strengths, np.array([float(push)]),
                                                            np.array([float(pop)]), value, queue=queue)
        _, weights = step_memory(cache)                   # the read's weight on each value
        trace["push"][0, t], trace["pop"][0, t] = push, pop
        trace["strengths"][0, t, :t + 1], trace["reads"][0, t, :t + 1] = strengths[0], weights[0]
        trace["read"][t] = read[0]
    return trace


def describe_read(trace, step):
    """The read of a program_trace at `step` as {symbol: weight} (weights
    above 1e-9, rounded to 6 decimals; the symbols in sorted order)."""
    step = check_index("step", step, len(trace["symbols"]))
    return {symbol: round(float(w), 6) for symbol, w in zip(trace["alphabet"], trace["read"][step]) if w > 1e-9}


def answer_positions(model, x, targets):
    """The share of right symbols at each position of the answer (1 = the
    first symbol after the separator), over the strings of a test set whose
    answers are long enough. model: a SymbolTagger; x [B, T, D]; targets: the
    test set's SymbolTargets (or a pair (targets, mask), each [B, T]).
    Returns an array [longest answer]."""
    targets, mask = targets_and_mask(targets)
    mask = mask.astype(bool)
    predictions = model.predict(x)
    if predictions.shape != mask.shape:
        raise ValueError(f"targets must have the steps of x: [B, T] = {list(predictions.shape)} (the model's "
                         f"answers to x), got {list(mask.shape)}")
    right = (predictions == targets) & mask
    start = mask.argmax(axis=1)                                   # each string's first answer step
    longest = int(mask.sum(axis=1).max())
    hits, counts = np.zeros(longest), np.zeros(longest)
    for b in range(len(x)):
        n = int(mask[b].sum())
        hits[:n] += right[b, start[b]:start[b] + n]
        counts[:n] += 1
    return hits / np.maximum(counts, 1)


def position_view(curves, ax=None, title="which answer symbols come out right"):
    """Curves {label: share right at each answer position (answer_positions)}
    on one axis, with the chance level of the lesson's 8 symbols (1/8) dotted.
    Returns the axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=(WIDE, 3.2), layout="constrained")
    for label, curve in curves.items():
        ax.plot(np.arange(1, len(curve) + 1), curve, label=label, lw=1.8)
    ax.set(xlabel="position in the answer (1: the first symbol after the separator)",
           ylabel="share of symbols right", ylim=(0, 1.05), title=title)
    ax.axhline(1 / 8, color="grey", lw=0.8, ls=":", label="chance (1 of 8 symbols)")
    ax.legend(fontsize=9)
    return ax


def strings_right_view(tables, ax=None, title="strings answered without a wrong symbol"):
    """Grouped bars: for each model {label: [read_perfect table per seed]},
    the mean share of perfect strings at the training lengths (8-64) and each
    longer length, one dot per seed. Every table must hold "trained" and the
    same lengths. Returns the axes."""
    if not tables:
        raise ValueError("tables must hold at least one model's seeds")
    columns = ["trained"] + sorted({k for seeds in tables.values() for t in seeds for k in t if k != "trained"})
    for label, seeds in tables.items():
        if not seeds:
            raise ValueError(f"model {label!r} has no seeds")
        for seed, table in enumerate(seeds):
            missing = [c for c in columns if c not in table]
            if missing:
                raise ValueError(f"every table must hold {columns}; model {label!r}'s table {seed} lacks {missing}")
    if ax is None:
        _, ax = plt.subplots(figsize=(WIDE, 3.4), layout="constrained")
    width = 0.8 / len(tables)
    for i, (label, seeds) in enumerate(tables.items()):
        shares = np.array([[t[c] for c in columns] for t in seeds])          # [seed, column]
        where = np.arange(len(columns)) - 0.4 + width * (i + 0.5)
        bars = ax.bar(where, shares.mean(axis=0), width=width * 0.9, label=f"{label} ({len(seeds)} seeds)")
        for row in shares:
            ax.scatter(where, row, s=12, color="black", zorder=3)
        bars[0].set_edgecolor("black")                 # the training lengths' bar, outlined
    ax.set_xticks(np.arange(len(columns)), ["8-64 (trained)"] + [f"length {c}" for c in columns[1:]])
    ax.set(ylabel="share of 200 strings", ylim=(0, 1.25), yticks=np.linspace(0, 1, 6), title=title)   # room for the legend
    ax.legend(fontsize=8, ncol=min(len(tables), 4), loc="upper right")
    return ax
