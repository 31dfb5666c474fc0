"""What a training run writes: its checkpoint (.npz: parameters, optimiser
and RNG state, the configuration as JSON; loaded with allow_pickle=False)
and its history (a CSV row per evaluation).
"""

import csv
import json
import os
import tempfile

import numpy as np

CHECKPOINT_FORMAT = 1


def save_checkpoint(path, model, optimizer, step, rng, meta):
    """Write one .npz (compressed): parameters, optimiser state, step, RNG state
    and `meta` (a JSON-able dict: model and task configuration, training settings).

    Written to a temporary file in the same folder, then renamed, so a crash
    mid-write never leaves a half checkpoint behind.
    """
    record = dict(meta, format=CHECKPOINT_FORMAT, step=int(step), optimizer_kind=optimizer.kind,
                  optimizer_t=optimizer.t, optimizer_hyperparameters=optimizer.hyperparameters(),
                  rng_state=rng.bit_generator.state)
    arrays = {f"param/{k}": v for k, v in model.params.items()}
    arrays.update({f"optim/{k}": v for k, v in optimizer.state_arrays().items()})
    arrays["meta"] = np.array(json.dumps(record))
    _write(path, arrays)


def _write(path, arrays):
    """np.savez_compressed to a temporary file in the same folder, then a rename:
    a crash mid-write never leaves a half checkpoint behind."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp.npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez_compressed(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def finalize_checkpoint(path):
    """Rewrite a finished run's checkpoint without its optimiser state (Adam's
    or RMSprop's running averages, two thirds of the file): the parameters, the
    step, the RNG state and the configuration stay. Such a checkpoint is read,
    evaluated and started from (--init-from) as before, but not resumed.
    Returns (bytes before, bytes after)."""
    before = os.path.getsize(path)
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files if not k.startswith("optim/")}
    meta = json.loads(str(arrays["meta"]))
    meta["optimizer_state"] = "dropped when the run was finished"
    arrays["meta"] = np.array(json.dumps(meta))
    _write(path, arrays)
    return before, os.path.getsize(path)


def read_checkpoint(path):
    """Load a checkpoint written by save_checkpoint: returns (meta, params, optim)."""
    with np.load(path, allow_pickle=False) as data:
        if "meta" not in data.files:
            raise ValueError(f"{path} is not an rmc_lib checkpoint (it has no 'meta' entry)")
        meta = json.loads(str(data["meta"]))
        params = {k[len("param/"):]: data[k] for k in data.files if k.startswith("param/")}
        optim = {k[len("optim/"):]: data[k] for k in data.files if k.startswith("optim/")}
    if meta.get("format") != CHECKPOINT_FORMAT:
        raise ValueError(f"{path} has checkpoint format {meta.get('format')}, this rmc_lib reads {CHECKPOINT_FORMAT}")
    return meta, params, optim


def load_params(model, params, source="the checkpoint"):
    """Copy params (name -> array) into model.params in place, after checking
    that names and shapes match exactly."""
    missing = sorted(set(model.params) - set(params))
    extra = sorted(set(params) - set(model.params))
    if missing or extra:
        raise ValueError(f"{source} does not fit this model: missing {missing[:5]}, unexpected {extra[:5]}")
    for name, value in params.items():
        if value.shape != model.params[name].shape:
            raise ValueError(f"{source} does not fit this model: {name} has shape "
                             f"{list(value.shape)}, the model wants {list(model.params[name].shape)}")
        model.params[name][...] = value


def restore(path, model, optimizer, rng, expected_meta):
    """Load a checkpoint into model, optimizer and rng, after checking that it
    was written for the same model and task (the keys of expected_meta).
    Returns the checkpoint's meta."""
    meta, params, optim = read_checkpoint(path)
    if "optimizer_state" in meta:
        raise ValueError(f"{path} holds a finished run's parameters without its optimiser state (kept small); "
                         f"continue from it with --init-from, which starts a fresh optimiser")
    for key, value in expected_meta.items():
        if meta.get(key) != value:
            raise ValueError(f"{path} was written for another {key}: it has {meta.get(key)!r}, "
                             f"this run has {value!r}")
    if meta["optimizer_kind"] != optimizer.kind:
        raise ValueError(f"{path} holds {meta['optimizer_kind']} state, this run uses {optimizer.kind}")
    load_params(model, params)
    optimizer.load_state_arrays(optim, meta["optimizer_t"])
    rng.bit_generator.state = meta["rng_state"]
    return meta


HISTORY_FIELDS = ["step", "examples", "seconds", "lr", "loss", "train_accuracy",
                  "grad_norm", "eval_loss", "eval_accuracy"]
# Models that measure more than loss and accuracy (SequenceTagger: bit errors)
# add columns after these, named eval_<measure>.


def _fieldnames(rows):
    """HISTORY_FIELDS, then any other fields of the rows in order of appearance."""
    extra = []
    for row in rows:
        extra.extend(k for k in row if k not in HISTORY_FIELDS and k not in extra)
    return HISTORY_FIELDS + extra


def read_history(path):
    """Rows of a history CSV as a list of dicts of floats (empty fields -> nan)."""
    with open(path, newline="") as f:
        return [{k: float(v) if v != "" else float("nan") for k, v in row.items()} for row in csv.DictReader(f)]


def write_history(path, rows, append=False):
    """Write rows (dicts with the fields HISTORY_FIELDS, and perhaps more) as
    CSV; with append, add them to an existing file (writing the header if it
    is new, else keeping the file's columns)."""
    new_file = not append or not os.path.exists(path)
    if new_file:
        fieldnames = _fieldnames(rows)
    else:
        with open(path, newline="") as f:
            fieldnames = next(csv.reader(f), None) or _fieldnames(rows)
    with open(path, "a" if append else "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fieldnames)
        if new_file:
            writer.writeheader()
        writer.writerows(rows)


def history_columns(rows):
    """A list of row dicts -> dict of numpy arrays, one per field (HISTORY_FIELDS
    and any others the rows have; nan where a row lacks a field)."""
    return {k: np.array([r.get(k, np.nan) for r in rows], dtype=float) for k in _fieldnames(rows)}
