"""A recurrent core with a readout head: one model class for sequence
classification, whichever core (RelationalMemory, LSTM, RelationalRNN, NTM, DNC).

    outputs, _, _ = core.forward(x)              [B, T, core.output_size]
    logits = MLP(outputs[:, -1])                 Linear(hidden) - ReLU - Linear(classes)
    loss   = softmax cross-entropy(logits, labels)

For the RMC the last output is the flattened final memory; for the LSTM it
is the last hidden state; for the NTM and the DNC it is their output y_t.
"""

import numpy as np

from ..nn.attention import softmax
from ..nn.checks import check_generator, check_positive_int
from ..nn.init import truncated_normal
from ..nn.layers import (mlp_backward, mlp_forward, softmax_cross_entropy_backward,
                         softmax_cross_entropy_forward)
from .dnc import DNC
from .lstm import LSTM
from .ntm import NTM
from .relational_rnn import RelationalRNN
from .rmc import RelationalMemory
from .stack_rnn import StackLSTM


class SequenceClassifier:
    """core + readout head. Parameters: 'core.*' (the core's own names) and
    'head.0.W' [core.output_size, hidden], 'head.0.b', 'head.1.W'
    [hidden, num_classes], 'head.1.b'. Arrays are shared with the core, so
    update them in place (as rmc_lib's optimisers do)."""

    def __init__(self, core, num_classes, *, rng, head_hidden=128):
        self.core = core
        self.num_classes = check_positive_int("num_classes", num_classes)
        self.head_hidden = check_positive_int("head_hidden", head_hidden)
        check_generator(rng)
        dtype, n_in = core.dtype, core.output_size
        self.dtype = dtype
        self.params = {f"core.{k}": v for k, v in core.params.items()}
        self.params.update({
            "head.0.W": truncated_normal(rng, (n_in, head_hidden), 1 / np.sqrt(n_in), dtype),
            "head.0.b": np.zeros(head_hidden, dtype=dtype),
            "head.1.W": truncated_normal(rng, (head_hidden, num_classes), 1 / np.sqrt(head_hidden), dtype),
            "head.1.b": np.zeros(num_classes, dtype=dtype),
        })

    def num_params(self):
        return sum(p.size for p in self.params.values())

    def _head(self):
        p = self.params
        return [p["head.0.W"], p["head.1.W"]], [p["head.0.b"], p["head.1.b"]]

    def logits(self, x):
        """x: [B, T, D] -> (logits [B, num_classes], cache)."""
        outputs, _, core_cache = self.core.forward(x)
        logits, head_cache = mlp_forward(outputs[:, -1], *self._head())
        return logits, (core_cache, head_cache, outputs.shape)

    def predict(self, x):
        """The most likely class of each sequence, [B]."""
        return self.logits(x)[0].argmax(axis=1)

    def predict_proba(self, x):
        """The probability of each class for each sequence, [B, num_classes]
        (the softmax of the logits)."""
        return softmax(self.logits(x)[0])

    def loss_and_grads(self, x, labels):
        """Mean cross-entropy and its gradient for every parameter.

        Returns (loss, grads, logits); grads has the keys of `params`.
        """
        logits, (core_cache, head_cache, out_shape) = self.logits(x)
        loss, loss_cache = softmax_cross_entropy_forward(logits, labels)
        d_logits = softmax_cross_entropy_backward(1.0, loss_cache)
        d_last, dWs, dbs = mlp_backward(d_logits, head_cache)
        d_outputs = np.zeros(out_shape, dtype=self.dtype)
        d_outputs[:, -1] = d_last          # only the last output reaches the head
        core_grads, _, _ = self.core.backward(d_outputs, None, core_cache)
        grads = {f"core.{k}": v for k, v in core_grads.items()}
        grads.update({"head.0.W": dWs[0], "head.0.b": dbs[0], "head.1.W": dWs[1], "head.1.b": dbs[1]})
        return loss, grads, logits


MODEL_KINDS = ("rmc", "lstm", "relational-rnn", "ntm", "dnc", "stack-lstm", "queue-lstm")

_RMC_ARGS = {"mem_slots", "head_size", "num_heads", "num_blocks", "gate_style", "attention_mlp_layers",
             "key_size", "forget_bias", "input_bias"}
CORE_ARGS = {
    "rmc": _RMC_ARGS,
    "lstm": {"hidden_size", "forget_bias"},
    "relational-rnn": _RMC_ARGS | {"hidden_size"},
    "ntm": {"memory_size", "word_size", "num_reads", "num_writes", "hidden_size", "shift_range",
            "output_size", "clip_value"},
    "dnc": {"memory_size", "word_size", "num_reads", "num_writes", "hidden_size", "output_size", "clip_value"},
    "stack-lstm": {"hidden_size", "value_size", "output_size", "forget_bias"},
    "queue-lstm": {"hidden_size", "value_size", "output_size", "forget_bias"},
}

#: hidden_size when none is given, for the default output_size of a classifier's NTM or DNC (the cores' own)
_DEFAULT_HIDDEN = {"ntm": 100, "dnc": 64}


def build_core(kind, input_size, rng, dtype=np.float32, **sizes):
    """A recurrent core of the given kind: 'rmc', 'lstm', 'relational-rnn',
    'ntm', 'dnc', 'stack-lstm' or 'queue-lstm' (an LSTM with a continuous stack
    or queue), with the sizes CORE_ARGS[kind] allows (others are refused)."""
    if kind not in CORE_ARGS:
        raise ValueError(f"model kind must be one of {list(MODEL_KINDS)}, got {kind!r}")
    unknown = sorted(set(sizes) - CORE_ARGS[kind])
    if unknown:
        raise ValueError(f"a {kind!r} model takes no {unknown}; it takes {sorted(CORE_ARGS[kind])}")
    if kind in ("stack-lstm", "queue-lstm"):
        return StackLSTM(**sizes, queue=kind == "queue-lstm", input_size=input_size, rng=rng, dtype=dtype)
    core_class = {"rmc": RelationalMemory, "lstm": LSTM, "relational-rnn": RelationalRNN, "ntm": NTM,
                  "dnc": DNC}[kind]
    return core_class(**sizes, input_size=input_size, rng=rng, dtype=dtype)


def build_classifier(kind, input_size, num_classes, rng, dtype=np.float32, head_hidden=128, **sizes):
    """A SequenceClassifier around a core of the given kind.

    kind: 'rmc' (sizes: mem_slots, head_size, num_heads, num_blocks,
    gate_style, attention_mlp_layers, key_size, forget_bias, input_bias),
    'lstm' (sizes: hidden_size, forget_bias), 'relational-rnn' (hidden_size
    and the RMC's sizes), 'ntm' (memory_size, word_size, num_reads,
    num_writes, hidden_size, shift_range, clip_value, and output_size) or
    'dnc' (the NTM's sizes but shift_range). Sizes that do not apply to the
    kind are refused.

    The NTM's and the DNC's output_size, the width of the y_t that the head
    reads, is by default hidden_size (the core's own default hidden_size if
    none is given): the head then sees as many numbers as it sees from an
    LSTM of that size, and y_t, a linear map of [h_t, r_t], can still pass on
    what the controller and the reads hold. (deepmind's DNC only ever feeds
    per-step logits, so it has no classifier default to follow.)
    """
    if kind in _DEFAULT_HIDDEN and "output_size" not in sizes:
        sizes = dict(sizes, output_size=sizes.get("hidden_size", _DEFAULT_HIDDEN[kind]))
    core = build_core(kind, input_size, rng, dtype, **sizes)
    return SequenceClassifier(core, num_classes, head_hidden=head_hidden, rng=rng)
