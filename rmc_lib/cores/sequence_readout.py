"""A recurrent core with a readout at every step, for tasks whose answer is a
sequence of bit vectors (copy, repeat copy, associative recall), whichever
core (RelationalMemory, LSTM, RelationalRNN, NTM, DNC):

    outputs, _, _ = core.forward(x)              [B, T, core.output_size]
    logits = outputs @ W + b                     [B, T, O], the same linear layer at every step
    loss   = sigmoid cross-entropy(logits, targets) on the answer steps only (the mask)

A core that already ends in its own output layer of the right width (the
NTM's and the DNC's y_t) is read as it is (readout=False): a second linear
layer on top of a linear layer would add parameters and nothing else.

Labels are the targets [B, T, O] (bits, 0 or 1) and the mask [B, T] (1 on
the answer steps): an object with `.targets` and `.mask` (the tasks'
SequenceTargets) or a pair (targets, mask).
"""

import numpy as np

from ..nn.checks import check_generator, check_positive_int
from ..nn.init import truncated_normal
from ..nn.layers import linear_backward, linear_forward, sigmoid
from ..nn.losses import masked_sigmoid_cross_entropy_backward, masked_sigmoid_cross_entropy_forward
from .classifier import build_core

STEPS_PER_EVALUATION_BATCH = 10_000    # sequences x steps: bounds the memory a forward's cache takes


def targets_and_mask(labels):
    """(targets [B, T, O], mask [B, T]) from SequenceTargets or a pair."""
    if hasattr(labels, "targets") and hasattr(labels, "mask"):
        return np.asarray(labels.targets), np.asarray(labels.mask)
    if isinstance(labels, tuple) and len(labels) == 2:
        return np.asarray(labels[0]), np.asarray(labels[1])
    raise ValueError(f"labels must have .targets and .mask, or be a pair (targets, mask), "
                     f"got {type(labels).__name__}")


class SequenceTagger:
    """core + a per-step linear readout. Parameters: 'core.*' (the core's own
    names) and, with readout=True, 'readout.W' [core.output_size,
    num_outputs] and 'readout.b'. Arrays are shared with the core, so update
    them in place (as rmc_lib's optimisers do)."""

    def __init__(self, core, num_outputs, *, rng, readout=True):
        self.core = core
        self.num_outputs = check_positive_int("num_outputs", num_outputs)
        self.readout = bool(readout)
        check_generator(rng)
        self.dtype = core.dtype
        if not self.readout and core.output_size != self.num_outputs:
            raise ValueError(f"readout=False reads the core's outputs as they are: core.output_size must be "
                             f"num_outputs={self.num_outputs}, got {core.output_size}")
        self.params = {f"core.{k}": v for k, v in core.params.items()}
        if self.readout:
            n_in = core.output_size
            self.params["readout.W"] = truncated_normal(rng, (n_in, self.num_outputs), 1 / np.sqrt(n_in), self.dtype)
            self.params["readout.b"] = np.zeros(self.num_outputs, dtype=self.dtype)

    def num_params(self):
        return sum(p.size for p in self.params.values())

    def logits(self, x):
        """x: [B, T, D] -> (logits [B, T, num_outputs], cache)."""
        outputs, _, core_cache = self.core.forward(x)
        if not self.readout:
            return outputs, (core_cache, None)
        logits, readout_cache = linear_forward(outputs, self.params["readout.W"], self.params["readout.b"])
        return logits, (core_cache, readout_cache)

    def predict(self, x):
        """The bits the model answers at every step, [B, T, num_outputs] (0 or 1)."""
        return (self.logits(x)[0] > 0).astype(np.int8)

    def predict_proba(self, x):
        """The probability of a 1 for every output at every step (the sigmoid of the logits)."""
        return sigmoid(self.logits(x)[0])

    def loss_and_grads(self, x, labels):
        """Mean cross-entropy per answer bit, and its gradient for every parameter.

        Returns (loss, grads, logits); grads has the keys of `params`.
        """
        targets, mask = targets_and_mask(labels)
        logits, (core_cache, readout_cache) = self.logits(x)
        loss, loss_cache = masked_sigmoid_cross_entropy_forward(logits, targets, mask)
        d_logits = masked_sigmoid_cross_entropy_backward(1.0, loss_cache).astype(self.dtype)
        grads = {}
        if self.readout:
            d_outputs, grads["readout.W"], grads["readout.b"] = linear_backward(d_logits, readout_cache)
        else:
            d_outputs = d_logits
        core_grads, _, _ = self.core.backward(d_outputs, None, core_cache)
        grads.update({f"core.{k}": v for k, v in core_grads.items()})
        return loss, grads, logits

    @staticmethod
    def bit_errors(logits, labels):
        """Wrong bits on the answer steps of each sequence, [B] (a bit is
        answered 1 where its logit is > 0). The NTM paper's measure: "cost per
        sequence" in bits."""
        targets, mask = targets_and_mask(labels)
        wrong = (np.asarray(logits) > 0) != (targets > 0.5)
        return (wrong * mask[..., None]).sum(axis=(1, 2))

    def accuracy(self, logits, labels):
        """The fraction of sequences answered without a single wrong bit."""
        return float(np.mean(self.bit_errors(logits, labels) == 0))

    def evaluate(self, x, labels, batch_size=None):
        """Loss, accuracy and bit errors on (x, labels), in batches.

        batch_size: sequences per forward pass (default: as many as keep
        batch x steps at most 10,000, so long sequences do not fill memory).
        Returns a dict: loss (mean per answer bit), accuracy (the fraction of
        sequences without a wrong bit), bit_errors (mean wrong bits per
        sequence) and predictions (the answered bits, [B, T, num_outputs]).
        """
        targets, mask = targets_and_mask(labels)
        B, T = mask.shape
        if batch_size is None:
            batch_size = max(1, STEPS_PER_EVALUATION_BATCH // max(T, 1))
        losses, errors, predictions = [], [], []
        for start in range(0, B, batch_size):
            part = slice(start, start + batch_size)
            logits, _ = self.logits(x[part])
            loss, _ = masked_sigmoid_cross_entropy_forward(logits, targets[part], mask[part])
            losses.append(loss * float(mask[part].sum()))
            errors.append(self.bit_errors(logits, (targets[part], mask[part])))
            predictions.append((logits > 0).astype(np.int8))
        errors = np.concatenate(errors)
        return {"loss": float(sum(losses) / max(float(mask.sum()), 1.0)), "accuracy": float(np.mean(errors == 0)),
                "bit_errors": float(errors.mean()), "predictions": np.concatenate(predictions)}


def build_tagger(kind, input_size, num_outputs, rng, dtype=np.float32, **sizes):
    """A SequenceTagger around a core of the given kind (the sizes of
    rmc_lib.cores.classifier.build_core). The NTM and the DNC are built with
    output_size = num_outputs and read as they are (deepmind's DNC emits the
    repeat-copy logits itself, as y_t); the other cores get a linear readout."""
    if kind in ("ntm", "dnc"):
        if sizes.get("output_size", num_outputs) != num_outputs:
            name = "an NTM" if kind == "ntm" else "a DNC"
            raise ValueError(f"{name} tagger's output_size is num_outputs={num_outputs}, got {sizes['output_size']}")
        core = build_core(kind, input_size, rng, dtype, **dict(sizes, output_size=num_outputs))
        return SequenceTagger(core, num_outputs, rng=rng, readout=False)
    return SequenceTagger(build_core(kind, input_size, rng, dtype, **sizes), num_outputs, rng=rng)
