"""A recurrent core with a symbol readout at every step, for tasks whose
answer is a string of symbols (the transduction tasks: copy, reversal,
bigram flipping):

    outputs, _, _ = core.forward(x)              [B, T, core.output_size]
    logits = outputs @ W + b                     [B, T, C], one score per symbol
    loss   = softmax cross-entropy(logits, targets) on the answer steps only (the mask)

Labels are a pair (targets [B, T] symbol indices, mask [B, T]), or an object
with .targets and .mask. A string counts as right only if every one of its
answer symbols is (Grefenstette et al.'s "coarse" accuracy).
"""

import numpy as np

from ..nn.attention import softmax
from ..nn.layers import linear_backward
from ..nn.losses import masked_softmax_cross_entropy_backward, masked_softmax_cross_entropy_forward
from .sequence_readout import SequenceTagger, targets_and_mask


class SymbolTagger(SequenceTagger):
    """core + a per-step linear readout to num_symbols scores: SequenceTagger's
    parameters ('core.*', 'readout.W' [core.output_size, C], 'readout.b' [C])
    and logits, with a softmax over the symbols in place of a sigmoid per bit."""

    def __init__(self, core, num_symbols, *, rng):
        super().__init__(core, num_symbols, rng=rng)
        self.num_symbols = self.num_outputs

    def predict(self, x):
        """The symbol answered at every step, [B, T]."""
        return self.logits(x)[0].argmax(axis=-1)

    def predict_proba(self, x):
        """The probability of each symbol at every step, [B, T, num_symbols]."""
        return softmax(self.logits(x)[0])

    def loss_and_grads(self, x, labels):
        """Mean cross-entropy per answer step and its gradient: (loss, grads, logits)."""
        targets, mask = targets_and_mask(labels)
        logits, (core_cache, readout_cache) = self.logits(x)
        loss, loss_cache = masked_softmax_cross_entropy_forward(logits, targets, mask)
        d_logits = masked_softmax_cross_entropy_backward(1.0, loss_cache).astype(self.dtype)
        d_outputs, dW, db = linear_backward(d_logits, readout_cache)
        core_grads, _, _ = self.core.backward(d_outputs, None, core_cache)
        grads = {f"core.{k}": v for k, v in core_grads.items()}
        grads.update({"readout.W": dW, "readout.b": db})
        return loss, grads, logits

    @staticmethod
    def symbol_errors(logits, labels):
        """Wrong symbols on the answer steps of each string, [B]."""
        targets, mask = targets_and_mask(labels)
        return ((np.asarray(logits).argmax(axis=-1) != targets) * mask).sum(axis=1)

    def accuracy(self, logits, labels):
        """The fraction of strings answered without a wrong symbol."""
        return float(np.mean(self.symbol_errors(logits, labels) == 0))

    def evaluate(self, x, labels, batch_size=None):
        """Loss (per answer step), accuracy (whole strings right), symbol_errors
        (mean wrong symbols per string) and predictions [B, T], in batches."""
        targets, mask = targets_and_mask(labels)
        batch_size = batch_size or 100
        losses, errors, predictions = [], [], []
        for start in range(0, len(mask), batch_size):
            part = slice(start, start + batch_size)
            logits, _ = self.logits(x[part])
            loss, _ = masked_softmax_cross_entropy_forward(logits, targets[part], mask[part])
            losses.append(loss * max(float(mask[part].sum()), 1.0))
            errors.append(self.symbol_errors(logits, (targets[part], mask[part])))
            predictions.append(logits.argmax(axis=-1))
        errors = np.concatenate(errors)
        return {"loss": float(sum(losses) / max(float(mask.sum()), 1.0)), "accuracy": float(np.mean(errors == 0)),
                "symbol_errors": float(errors.mean()), "predictions": np.concatenate(predictions)}
