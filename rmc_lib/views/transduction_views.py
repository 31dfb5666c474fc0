"""Pictures of lesson 11's string tasks: a hand-written program of pushes and
pops run through the continuous stack (or queue), which answer symbols a
trained model gets right, and the share of strings right at each length.

    trace = program_trace([(0.0, 0.8, "a"), (0.0, 0.5, "b"), (0.9, 0.6, "c")])
    stack_view(trace, symbols=trace["symbols"])        # views.stack_views draws it
    describe_read(trace, step=2)                       # {'c': 0.6, 'a': 0.4}
    position_view({"LSTM": answer_positions(model, x, targets)})
    strings_right_view({"stack LSTM": [read_perfect(path) for path in seeds]})

Every figure fits a ~960 px output area (at most 9.4 inches at 100 dpi).
"""

import matplotlib.pyplot as plt
import numpy as np

from ..nn.neural_stack import stack_step_forward

WIDE = 9.4


def program_trace(program, queue=False):
    """Run a program of steps (pop u, push d, symbol) through the continuous
    stack (queue=True: the queue), one example, with each symbol's value a
    one-hot vector. Returns the trace views.stack_views.stack_view draws (push,
    pop [1, T], strengths and read weights [1, T, T]) plus "symbols" (the one
    pushed at each step), "alphabet" (the one-hot order) and "read" [T, m]."""
    if not program:
        raise ValueError("program must hold at least one step (pop, push, symbol)")
    for t, step in enumerate(program):
        if len(step) != 3 or not all(0 <= float(v) <= 1 for v in step[:2]):
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
        trace["push"][0, t], trace["pop"][0, t] = push, pop
        trace["strengths"][0, t, :t + 1], trace["reads"][0, t, :t + 1] = strengths[0], cache[7][0]
        trace["read"][t] = read[0]
    return trace


def describe_read(trace, step):
    """The read of a program_trace at `step` as {symbol: weight} (weights above 1e-9)."""
    if not 0 <= step < len(trace["symbols"]):
        raise ValueError(f"step must be in 0..{len(trace['symbols']) - 1}, got {step!r}")
    return {symbol: round(float(w), 6) for symbol, w in zip(trace["alphabet"], trace["read"][step]) if w > 1e-9}


def answer_positions(model, x, targets):
    """The share of right symbols at each position of the answer (1 = the
    first symbol after the separator), over the strings of a test set whose
    answers are long enough. model: a SymbolTagger; x [B, T, D]; targets: the
    test set's SymbolTargets. Returns an array [longest answer]."""
    predictions = model.predict(x)
    mask = np.asarray(targets.mask, bool)
    if predictions.shape != mask.shape:
        raise ValueError(f"targets must match x's steps {mask.shape}, got {predictions.shape}")
    right = (predictions == targets.targets) & mask
    start = mask.argmax(axis=1)                                   # each string's first answer step
    longest = int(mask.sum(axis=1).max())
    hits, counts = np.zeros(longest), np.zeros(longest)
    for b in range(len(x)):
        n = int(mask[b].sum())
        hits[:n] += right[b, start[b]:start[b] + n]
        counts[:n] += 1
    return hits / np.maximum(counts, 1)


def position_view(curves, ax=None, title="which answer symbols come out right"):
    """Curves {label: share right at each answer position} on one axis."""
    if ax is None:
        _, ax = plt.subplots(figsize=(WIDE, 3.2), layout="constrained")
    for label, curve in curves.items():
        ax.plot(np.arange(1, len(curve) + 1), curve, label=label, lw=1.8)
    ax.set(xlabel="position in the answer (1: the first symbol after the separator)",
           ylabel="share of symbols right", ylim=(0, 1.05), title=title)
    ax.axhline(1 / 8, color="grey", lw=0.8, ls=":")
    ax.legend(fontsize=9)
    return ax


def strings_right_view(tables, ax=None, title="strings answered without a wrong symbol"):
    """Grouped bars: for each model {label: [read_perfect table per seed]},
    the mean share of perfect strings at the training lengths (8-64) and each
    longer length, one dot per seed."""
    if ax is None:
        _, ax = plt.subplots(figsize=(WIDE, 3.4), layout="constrained")
    if not tables:
        raise ValueError("tables must hold at least one model's seeds")
    columns = ["trained"] + sorted({k for seeds in tables.values() for t in seeds for k in t if k != "trained"})
    width = 0.8 / len(tables)
    for i, (label, seeds) in enumerate(tables.items()):
        if not seeds:
            raise ValueError(f"model {label!r} has no seeds")
        shares = np.array([[t[c] for c in columns] for t in seeds])          # [seed, column]
        where = np.arange(len(columns)) - 0.4 + width * (i + 0.5)
        bars = ax.bar(where, shares.mean(axis=0), width=width * 0.9, label=f"{label} ({len(seeds)} seeds)")
        for row in shares:
            ax.scatter(where, row, s=12, color="black", zorder=3)
        bars[0].set_edgecolor("black")
    ax.set_xticks(np.arange(len(columns)), ["8-64 (trained)"] + [f"length {c}" for c in columns[1:]])
    ax.set(ylabel="share of 200 strings", ylim=(0, 1.08), title=title)
    ax.legend(fontsize=8, ncol=min(len(tables), 4), loc="upper right")
    return ax
