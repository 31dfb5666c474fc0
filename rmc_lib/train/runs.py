"""Reading training runs back: the histories in run folders, and accuracy at
a fixed budget of training examples or of wall time, with mean and spread
over seeds.

A run folder is what `python -m rmc_lib train --out FOLDER` writes:
checkpoint.npz, history.csv and command.txt.
"""

import os
import re

import numpy as np

from ..cores.act import ACT, ACTClassifier
from ..cores.classifier import build_classifier, build_core
from ..cores.memn2n import MemN2N
from ..cores.sequence_readout import build_tagger
from ..cores.sonnet_lstm import SonnetLSTM
from ..cores.symbol_readout import SymbolTagger
from ..tasks import make_task
from .checkpoints import history_columns, load_params, read_checkpoint, read_history
from .loop import evaluate


def build_task(config):
    """The task a run's configuration describes (the "task" entry of a
    checkpoint's meta: its name and arguments)."""
    kwargs = {k: v for k, v in config.items() if k != "name"}
    return make_task(config["name"], **kwargs)


def build_model(config, task, rng):
    """The model a run's configuration describes (the "model" entry of a
    checkpoint's meta), for `task`, initialised from `rng`: a SequenceTagger
    for a task that answers at every step (task.per_step), else a
    SequenceClassifier; a MemN2N (kind 'memn2n') for a bAbI task in its
    'memory' form (any other model reads a bAbI task in its 'sequence' form);
    a SymbolTagger for a transduction task; an ACTClassifier (kind 'act')."""
    form = getattr(task, "form", None)
    if (config["kind"] == "memn2n") != (form == "memory"):
        raise ValueError(f"a {config['kind']!r} model cannot read this task: MemN2N needs a bAbI task in "
                         f"its 'memory' form, the others a task of sequences (this one: {form or 'sequences'})")
    if config["kind"] == "memn2n":
        return MemN2N(task.vocab_size, memory_size=task.memory_size, rng=rng, dtype=np.dtype(config["dtype"]),
                      **config["sizes"])
    if config["kind"] == "act":                  # ACT around Sonnet's LSTM, the ponder cost in the loss
        sizes = dict(config["sizes"])
        core = SonnetLSTM(sizes.pop("hidden_size"), input_size=task.input_size + 1, rng=rng,
                          dtype=np.dtype(config["dtype"]))
        penalty = sizes.pop("ponder_penalty")
        return ACTClassifier(ACT(core, task.num_classes, rng=rng, **sizes), ponder_penalty=penalty)
    if hasattr(task, "num_symbols"):            # a string of symbols to answer (transduction)
        core = build_core(config["kind"], task.input_size, rng, dtype=np.dtype(config["dtype"]), **config["sizes"])
        return SymbolTagger(core, task.num_symbols, rng=rng)
    if getattr(task, "per_step", False):
        return build_tagger(config["kind"], task.input_size, task.num_outputs, rng,
                            dtype=np.dtype(config["dtype"]), **config["sizes"])
    return build_classifier(config["kind"], task.input_size, task.num_classes, rng,
                            dtype=np.dtype(config["dtype"]), head_hidden=config["head_hidden"],
                            **config["sizes"])


def load_runs(folder):
    """Histories of every run in `folder`, grouped by model.

    Run folders are named MODEL-seedK (e.g. rmc-seed0). Returns a dict
    model -> list of (seed, columns), columns being a dict of arrays
    (step, examples, seconds, eval_accuracy, ...), sorted by seed.
    """
    runs = {}
    for name in sorted(os.listdir(folder)):
        match = re.fullmatch(r"(.+)-seed(\d+)", name)
        path = os.path.join(folder, name, "history.csv")
        if match and os.path.exists(path):
            model, seed = match.group(1), int(match.group(2))
            runs.setdefault(model, []).append((seed, history_columns(read_history(path))))
    for model in runs:
        runs[model].sort(key=lambda pair: pair[0])
    return runs


def value_at(columns, budget, by="examples", field="eval_accuracy"):
    """The last recorded `field` at or before `budget` of `by` ('examples'
    or 'seconds'); nan if the run has no evaluation that early."""
    if by not in ("examples", "seconds", "step"):
        raise ValueError(f"by must be 'examples', 'seconds' or 'step', got {by!r}")
    reached = np.flatnonzero(columns[by] <= budget)
    return float(columns[field][reached[-1]]) if reached.size else float("nan")


def summary_at(runs, budget, by="examples", field="eval_accuracy"):
    """For each model: (mean, min, max, values per seed) of `field` at `budget`."""
    table = {}
    for model, seeded in runs.items():
        values = np.array([value_at(columns, budget, by, field) for _, columns in seeded])
        table[model] = (float(values.mean()), float(values.min()), float(values.max()), values)
    return table


def examples_to_reach(columns, threshold, field="eval_accuracy"):
    """Training examples seen when `field` first reached `threshold` (nan if never)."""
    reached = np.flatnonzero(columns[field] >= threshold)
    return float(columns["examples"][reached[0]]) if reached.size else float("nan")


def load_trained(path):
    """A trained model back from a checkpoint: returns (model, task, meta).

    The model and the task are rebuilt from the configuration the checkpoint
    records, and the parameters copied in; meta also gives the step reached
    and the training settings.
    """
    meta, params, _ = read_checkpoint(path)
    task = build_task(meta["task"])
    model = build_model(meta["model"], task, np.random.default_rng(0))
    load_params(model, params, source=path)
    return model, task, meta


def accuracy_by_n(model, task, x, labels, predictions=None):
    """Held-out accuracy for each n of an Nth-farthest test set whose inputs
    carry the one-hot of n (task.include_n). Returns a dict n -> (accuracy,
    number of examples), over the n that occur in x. predictions: the
    model's answers for x [B] if already computed (e.g. by `evaluate`)."""
    if not getattr(task, "include_n", False):
        raise ValueError("accuracy_by_n needs inputs that carry n's one-hot (a task with include_n=True)")
    start = task.num_features + task.num_objects
    if x.ndim != 3 or x.shape[-1] != task.input_size:
        raise ValueError(f"x must be [B, T, {task.input_size}] for this task, got shape {x.shape}")
    n = x[:, 0, start:start + task.num_objects].argmax(-1) + 1
    if predictions is None:
        _, _, predictions = evaluate(model, x, labels)
    elif np.shape(predictions) != np.shape(labels):
        raise ValueError(f"predictions must have the shape of labels {np.shape(labels)}, got {np.shape(predictions)}")
    return {int(value): (float(np.mean(predictions[n == value] == labels[n == value])), int(np.sum(n == value)))
            for value in np.unique(n)}


def read_evaluation(path):
    """What `python -m rmc_lib evaluate CHECKPOINT --lengths ...` printed for
    a per-step task (copy, repeat copy, associative recall), saved as a
    run's evaluate.txt: a dict with "trained" (wrong bits per sequence on
    the held-out set of the training sizes) and, for each size asked,
    size -> wrong bits per sequence (size: the length, or the number of
    items for associative recall)."""
    with open(path) as f:
        text = f.read()
    trained = re.search(r"^\s+([\d.]+) wrong (?:bits|symbols) per sequence$", text, re.M)
    if trained is None:
        raise ValueError(f"{path} holds no 'wrong bits per sequence' line; is it the output of "
                         f"`python -m rmc_lib evaluate` for a per-step task?")
    table = {"trained": float(trained.group(1))}
    for size, errors in re.findall(r"^\s+\w+ (\d+): ([\d.]+) wrong (?:bits|symbols)", text, re.M):
        table[int(size)] = float(errors)
    return table


def read_perfect(path):
    """From the same evaluate.txt: the share of sequences without a single
    wrong bit or symbol, "trained" (the held-out set of the training sizes)
    and for each size asked (size -> share)."""
    with open(path) as f:
        text = f.read()
    trained = re.search(r"^held-out accuracy ([\d.]+)", text, re.M)
    if trained is None:
        raise ValueError(f"{path} holds no 'held-out accuracy' line; is it the output of `python -m rmc_lib evaluate`?")
    table = {"trained": float(trained.group(1))}
    for size, share in re.findall(r"^\s+\w+ (\d+): [\d.]+ wrong \w+ per sequence, ([\d.]+) of sequences perfect",
                                  text, re.M):
        table[int(size)] = float(share)
    return table


#: Test error (%) per bAbI task at 1k of the released MemN2N code (3 hops, PE, LS, RN, adjacent
#: tying, one run per task), on the official data: Facebook's MATLAB code and its numpy port,
#: as the port's benchmark page reports them (vinhkhuc/MemN2N-babi-python). Means over all 20
#: tasks: 13.8 and 15.2.
RELEASED_MEMN2N_ERRORS = {1: (0.1, 0.5), 2: (8.2, 8.9), 3: (41.8, 41.4), 6: (7.9, 7.7), 11: (0.7, 0.5),
                          15: (0.0, 0.0)}


def babi_test_errors(folder):
    """Test errors of the bAbI runs under `folder` (data/babi): a dict task ->
    model -> array of test errors (fractions), one per seed in seed order,
    read from each run's evaluate.txt (`python -m rmc_lib evaluate` on a bAbI
    checkpoint). Folders: qa<task>/<model>-seed<k>/."""
    table = {}
    for task_folder in sorted(os.listdir(folder)):
        match = re.fullmatch(r"qa(\d+)", task_folder)
        if not match:
            continue
        runs = {}
        for name in sorted(os.listdir(os.path.join(folder, task_folder))):
            run = re.fullmatch(r"(.+)-seed(\d+)", name)
            path = os.path.join(folder, task_folder, name, "evaluate.txt")
            if run and os.path.exists(path):
                with open(path) as f:
                    found = re.search(r"test error ([\d.]+)", f.read())
                if found is None:
                    raise ValueError(f"{path} holds no 'test error' line; is it `python -m rmc_lib evaluate` "
                                     f"of a bAbI checkpoint?")
                runs.setdefault(run.group(1), []).append((int(run.group(2)), float(found.group(1))))
        table[int(match.group(1))] = {m: np.array([e for _, e in sorted(v)]) for m, v in runs.items()}
    return dict(sorted(table.items()))
