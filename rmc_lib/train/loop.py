"""The training loop, and evaluation of a model on a held-out set."""

import math
import time

import numpy as np

from ..nn.layers import softmax_cross_entropy_forward
from .checkpoints import save_checkpoint, write_history
from .optimizers import clip_by_global_norm, clip_each_by_norm, halving_rate, learning_rate


def evaluate_metrics(model, x, labels, batch_size=None):
    """Everything a model measures on (x, labels): a dict with loss, accuracy,
    predictions, and whatever else the model measures.

    A model with its own `evaluate` method (SequenceTagger: also bit_errors)
    is asked for it; a classifier's loss is the mean cross-entropy and its
    accuracy the fraction of right classes, in batches of batch_size (500).
    """
    if hasattr(model, "evaluate"):
        return model.evaluate(x, labels, batch_size)
    batch_size = batch_size or 500
    losses, predictions = [], []
    for start in range(0, len(labels), batch_size):
        logits, _ = model.logits(x[start:start + batch_size])
        loss, _ = softmax_cross_entropy_forward(logits, labels[start:start + batch_size])
        losses.append(loss * len(logits))
        predictions.append(logits.argmax(axis=1))
    predictions = np.concatenate(predictions)
    return {"loss": float(sum(losses) / len(labels)), "accuracy": float(np.mean(predictions == labels)),
            "predictions": predictions}


def evaluate(model, x, labels, batch_size=None):
    """Mean loss and accuracy of a model on (x, labels), in batches.

    Returns (loss, accuracy, predictions); `evaluate_metrics` gives any
    other measures the model has too.
    """
    metrics = evaluate_metrics(model, x, labels, batch_size)
    return metrics["loss"], metrics["accuracy"], metrics["predictions"]


def batch_accuracy(model, logits, labels):
    """The accuracy of a training batch: the model's own measure if it has one
    (SequenceTagger.accuracy), else the fraction of right classes."""
    if hasattr(model, "accuracy"):
        return model.accuracy(logits, labels)
    return float(np.mean(logits.argmax(axis=1) == labels))


def train(model, task, optimizer, rng, *, steps=None, minutes=None, batch_size=64, clip=1.0,
          warmup_steps=0, decay_steps=None, eval_set=None, eval_every=250, history=None,
          history_path=None, checkpoint_path=None, checkpoint_meta=None, checkpoint_every=None,
          start_step=0, start_seconds=0.0, progress=True, live_plot=None, stop_at_accuracy=None,
          best_path=None, halve_every=None, on_evaluation=None, clip_each=False):
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
    best_path: also write the checkpoint there after every evaluation whose
    held-out loss is the lowest yet, so that a loss spike later (NTMs have
    them even after they have converged) cannot lose the best model.
    A loss or gradient that is NaN or inf stops training with a
    FloatingPointError before the step is applied: the parameters and the
    checkpoints stay as they were.
    clip_each: clip each parameter's gradient to norm `clip` on its own
    (clip_each_by_norm) instead of all of them jointly.
    halve_every: halve the learning rate every this many steps (instead of
    warm-up and decay). on_evaluation(row): called after each evaluation,
    before the row is written; it may add fields to the row or change the
    model (linear start ends this way).

    Returns the history: a list of dicts with the fields HISTORY_FIELDS.
    """
    from tqdm.auto import tqdm

    if steps is None and minutes is None:
        raise ValueError("give steps or minutes (or both): training needs a budget")
    if halve_every and (warmup_steps or decay_steps):
        raise ValueError("give halve_every, or warmup_steps and decay_steps, not both")
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

    def save(path=checkpoint_path):
        if path is not None:
            meta = dict(checkpoint_meta or {}, seconds=elapsed(), batch_size=batch_size)
            save_checkpoint(path, model, optimizer, step, rng, meta)

    best_loss = min((r["eval_loss"] for r in history if math.isfinite(r["eval_loss"])), default=math.inf)

    def log(loss, accuracy, lr, grad_norm):
        row = {"step": step, "examples": step * batch_size, "seconds": round(elapsed(), 3), "lr": lr,
               "loss": loss, "train_accuracy": accuracy, "grad_norm": grad_norm,
               "eval_loss": float("nan"), "eval_accuracy": float("nan")}
        if eval_set is not None:
            metrics = evaluate_metrics(model, *eval_set)
            row["eval_loss"], row["eval_accuracy"] = metrics["loss"], metrics["accuracy"]
            row.update({f"eval_{k}": v for k, v in metrics.items()
                        if k not in ("loss", "accuracy", "predictions")})
        if on_evaluation is not None:
            on_evaluation(row)
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
            if halve_every:
                lr = halving_rate(step, optimizer.lr, halve_every)
            else:
                lr = learning_rate(step, optimizer.lr, warmup_steps, decay_steps)
            loss, grads, logits = model.loss_and_grads(x, labels)
            grads, grad_norm = (clip_each_by_norm if clip_each else clip_by_global_norm)(grads, clip)
            if not (math.isfinite(loss) and math.isfinite(grad_norm)):
                raise FloatingPointError(f"step {step + 1}: the loss ({loss}) or the gradient norm ({grad_norm}) "
                                         f"is not finite; the step was not applied")
            optimizer.step(grads, lr=lr)
            step += 1
            recent_loss.append(loss)
            recent_acc.append(batch_accuracy(model, logits, labels))
            bar.update(1)
            if step % eval_every == 0 or done():
                row = log(float(np.mean(recent_loss)), float(np.mean(recent_acc)), lr, grad_norm)
                recent_loss, recent_acc = [], []
                bar.set_postfix(loss=f"{row['loss']:.3f}", acc=f"{row['eval_accuracy']:.3f}")
                save()
                if best_path is not None and row["eval_loss"] < best_loss:
                    best_loss = row["eval_loss"]
                    save(best_path)
                if stop_at_accuracy is not None and row["eval_accuracy"] >= stop_at_accuracy:
                    break
            elif checkpoint_every and step % checkpoint_every == 0:
                save()
    except KeyboardInterrupt:
        save()
        bar.close()
        raise
    except FloatingPointError:
        bar.close()
        raise
    bar.close()
    return history


def linear_start_switch(model, meta, history, end_step=None):
    """The on_evaluation of a linear start: records in each history row
    whether the hops were linear ('linear' 1 or 0) and puts the softmax back
    (model.linear = False), noting the step in meta (which the checkpoint
    keeps): at the first evaluation whose validation loss is not below the
    one before (the paper's rule), or, given end_step, at the first
    evaluation at or after that step (the released code's fixed 20 epochs)."""
    def on_evaluation(row):
        row["linear"] = float(model.linear)
        previous = [r["eval_loss"] for r in history if r.get("linear", 0.0) == 1.0]
        if not model.linear:
            return
        if end_step is not None:
            ended = row["step"] >= end_step
            reason = f"{end_step} steps"
        else:
            ended = bool(previous) and not row["eval_loss"] < previous[-1]
            reason = f"validation loss {row['eval_loss']:.4f} after {previous[-1]:.4f}" if ended else ""
        if ended:
            model.linear = False
            meta["linear_start_ended"] = int(row["step"])
            print(f"\nstep {int(row['step'])}: {reason}: the linear start ends, the softmax is back")
    return on_evaluation
