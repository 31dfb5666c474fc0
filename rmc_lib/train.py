"""Training: optimisers, gradient clipping, a learning-rate schedule,
checkpoints, and the training loop.

Everything works on flat parameter dicts (name -> array). Optimisers update
the arrays in place, so a model whose parameters are shared with its parts
(SequenceClassifier, RelationalRNN) stays consistent.
"""

import csv
import json
import math
import os
import tempfile
import time

import numpy as np

from .layers import softmax_cross_entropy_forward

# ----------------------------------------------------------------------------
# Optimisers
# ----------------------------------------------------------------------------


class SGD:
    """Stochastic gradient descent with (heavy-ball) momentum:
        v = momentum * v + g;   p -= lr * v
    """

    kind = "sgd"

    def __init__(self, params, lr=0.01, momentum=0.9):
        self.params = params
        self.lr = float(lr)
        self.momentum = float(momentum)
        self.velocity = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def hyperparameters(self):
        return {"lr": self.lr, "momentum": self.momentum}

    def step(self, grads, lr=None):
        lr = self.lr if lr is None else lr
        self.t += 1
        for name, p in self.params.items():
            v = self.velocity[name]
            v *= self.momentum
            v += grads[name]
            p -= lr * v

    def state_arrays(self):
        return {f"velocity.{k}": v for k, v in self.velocity.items()}

    def load_state_arrays(self, arrays, t):
        for k, v in self.velocity.items():
            v[...] = arrays[f"velocity.{k}"]
        self.t = int(t)


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction:
        m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
        p -= lr * m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
    """

    kind = "adam"

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        self.params = params
        self.lr = float(lr)
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def hyperparameters(self):
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}

    def step(self, grads, lr=None):
        lr = self.lr if lr is None else lr
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        # fold both bias corrections into one step size (the paper's form)
        step_size = lr * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
        eps = self.eps * math.sqrt(1 - b2 ** self.t)
        for name, p in self.params.items():
            g, m, v = grads[name], self.m[name], self.v[name]
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * (g * g)
            p -= step_size * m / (np.sqrt(v) + eps)

    def state_arrays(self):
        return {**{f"m.{k}": v for k, v in self.m.items()}, **{f"v.{k}": v for k, v in self.v.items()}}

    def load_state_arrays(self, arrays, t):
        for k in self.m:
            self.m[k][...] = arrays[f"m.{k}"]
            self.v[k][...] = arrays[f"v.{k}"]
        self.t = int(t)


OPTIMIZERS = {"adam": Adam, "sgd": SGD}


def clip_by_global_norm(grads, max_norm):
    """Scale all gradients by one factor so that their joint norm is at most max_norm.

    Returns (grads, norm before clipping). The direction of the update is
    kept; only its length is limited (Pascanu et al. 2013).
    """
    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))
    if max_norm is not None and norm > max_norm:
        scale = max_norm / norm
        grads = {k: g * scale for k, g in grads.items()}
    return grads, norm


def learning_rate(step, base_lr, warmup_steps=0, decay_steps=None, final_fraction=0.1):
    """Linear warm-up from 0 over warmup_steps, then (if decay_steps is set) a
    cosine decay to final_fraction * base_lr at warmup_steps + decay_steps,
    constant after. step counts from 0."""
    if warmup_steps and step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    if not decay_steps:
        return base_lr
    progress = min(1.0, (step - warmup_steps) / decay_steps)
    cosine = 0.5 * (1 + math.cos(math.pi * progress))
    return base_lr * (final_fraction + (1 - final_fraction) * cosine)


# ----------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------


def evaluate(model, x, labels, batch_size=500):
    """Mean loss and accuracy of a classifier on (x, labels), in batches.

    Returns (loss, accuracy, predictions).
    """
    losses, predictions = [], []
    for start in range(0, len(labels), batch_size):
        logits, _ = model.logits(x[start:start + batch_size])
        loss, _ = softmax_cross_entropy_forward(logits, labels[start:start + batch_size])
        losses.append(loss * len(logits))
        predictions.append(logits.argmax(axis=1))
    predictions = np.concatenate(predictions)
    return float(sum(losses) / len(labels)), float(np.mean(predictions == labels)), predictions


# ----------------------------------------------------------------------------
# Checkpoints
# ----------------------------------------------------------------------------

CHECKPOINT_FORMAT = 1


def save_checkpoint(path, model, optimizer, step, rng, meta):
    """Write one .npz: parameters, optimiser state, step, RNG state and `meta`
    (a JSON-able dict: model and task configuration, training settings).

    Written to a temporary file in the same folder, then renamed, so a crash
    mid-write never leaves a half checkpoint behind.
    """
    record = dict(meta, format=CHECKPOINT_FORMAT, step=int(step), optimizer_kind=optimizer.kind,
                  optimizer_t=optimizer.t, optimizer_hyperparameters=optimizer.hyperparameters(),
                  rng_state=rng.bit_generator.state)
    arrays = {f"param/{k}": v for k, v in model.params.items()}
    arrays.update({f"optim/{k}": v for k, v in optimizer.state_arrays().items()})
    arrays["meta"] = np.array(json.dumps(record))
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp.npz")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


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


# ----------------------------------------------------------------------------
# History
# ----------------------------------------------------------------------------

HISTORY_FIELDS = ["step", "examples", "seconds", "lr", "loss", "train_accuracy",
                  "grad_norm", "eval_loss", "eval_accuracy"]


def read_history(path):
    """Rows of a history CSV as a list of dicts of floats (empty fields -> nan)."""
    with open(path, newline="") as f:
        return [{k: float(v) if v != "" else float("nan") for k, v in row.items()} for row in csv.DictReader(f)]


def write_history(path, rows, append=False):
    """Write rows (dicts with the fields HISTORY_FIELDS) as CSV; with append,
    add them to an existing file (writing the header if it is new)."""
    new_file = not append or not os.path.exists(path)
    with open(path, "a" if append else "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HISTORY_FIELDS)
        if new_file:
            writer.writeheader()
        writer.writerows(rows)


def history_columns(rows):
    """A list of row dicts -> dict of numpy arrays, one per field."""
    return {k: np.array([r[k] for r in rows], dtype=float) for k in HISTORY_FIELDS}


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


# ----------------------------------------------------------------------------
# The training loop
# ----------------------------------------------------------------------------


def train(model, task, optimizer, rng, *, steps=None, minutes=None, batch_size=64, clip=1.0,
          warmup_steps=0, decay_steps=None, eval_set=None, eval_every=250, history=None,
          history_path=None, checkpoint_path=None, checkpoint_meta=None, checkpoint_every=None,
          start_step=0, start_seconds=0.0, progress=True, live_plot=None, stop_at_accuracy=None):
    """Train `model` on batches of `task` until `steps` or `minutes` (total,
    counting any earlier run being resumed) is reached, whichever comes first.

    Every step: a batch from task.sample(batch_size, rng), the loss and
    gradients (BPTT), global-norm clipping, a step of `optimizer` at the
    scheduled learning rate. Every `eval_every` steps (and at the end) the
    held-out `eval_set` = (x, labels) is evaluated, a row is added to
    `history` (and appended to history_path as CSV), and a checkpoint is
    written to checkpoint_path if given (and every `checkpoint_every` steps).
    Ctrl-C (KeyboardInterrupt) writes a checkpoint, then re-raises.
    stop_at_accuracy ends training once the held-out accuracy reaches it.

    Returns the history: a list of dicts with the fields HISTORY_FIELDS.
    """
    from tqdm.auto import tqdm

    if steps is None and minutes is None:
        raise ValueError("give steps or minutes (or both): training needs a budget")
    history = [] if history is None else history
    step = start_step
    budget_seconds = None if minutes is None else 60.0 * minutes
    t0 = time.perf_counter() - start_seconds

    def elapsed():
        return time.perf_counter() - t0

    def done():
        if steps is not None and step >= steps:
            return True
        return budget_seconds is not None and elapsed() >= budget_seconds

    def save():
        if checkpoint_path is not None:
            meta = dict(checkpoint_meta or {}, seconds=elapsed(), batch_size=batch_size)
            save_checkpoint(checkpoint_path, model, optimizer, step, rng, meta)

    def log(loss, accuracy, lr, grad_norm):
        row = {"step": step, "examples": step * batch_size, "seconds": round(elapsed(), 3), "lr": lr,
               "loss": loss, "train_accuracy": accuracy, "grad_norm": grad_norm,
               "eval_loss": float("nan"), "eval_accuracy": float("nan")}
        if eval_set is not None:
            row["eval_loss"], row["eval_accuracy"], _ = evaluate(model, *eval_set)
        history.append(row)
        if history_path is not None:
            write_history(history_path, [row], append=True)
        if live_plot is not None:
            live_plot.update(history)
        return row

    total = steps if steps is not None else None
    bar = tqdm(total=total, initial=step, disable=not progress, unit="step",
               bar_format=None if total else "{n} steps [{elapsed}, {rate_fmt}{postfix}]")
    recent_loss, recent_acc = [], []
    try:
        while not done():
            x, labels = task.sample(batch_size, rng)
            lr = learning_rate(step, optimizer.lr, warmup_steps, decay_steps)
            loss, grads, logits = model.loss_and_grads(x, labels)
            grads, grad_norm = clip_by_global_norm(grads, clip)
            optimizer.step(grads, lr=lr)
            step += 1
            recent_loss.append(loss)
            recent_acc.append(float(np.mean(logits.argmax(axis=1) == labels)))
            bar.update(1)
            if step % eval_every == 0 or done():
                row = log(float(np.mean(recent_loss)), float(np.mean(recent_acc)), lr, grad_norm)
                recent_loss, recent_acc = [], []
                bar.set_postfix(loss=f"{row['loss']:.3f}", acc=f"{row['eval_accuracy']:.3f}")
                save()
                if stop_at_accuracy is not None and row["eval_accuracy"] >= stop_at_accuracy:
                    break
            elif checkpoint_every and step % checkpoint_every == 0:
                save()
    except KeyboardInterrupt:
        save()
        bar.close()
        raise
    bar.close()
    return history
