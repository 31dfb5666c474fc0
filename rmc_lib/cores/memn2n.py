"""The end-to-end memory network of Sukhbaatar, Szlam, Weston & Fergus 2015
(MemN2N), with K hops and adjacent weight tying, for bAbI-style questions.

With E_0 .. E_K the K+1 embedding matrices [V, d] and T_0 .. T_K the
temporal ones [M, d] (the paper's names in brackets):

    u_1    = sum_j l_j * E_0[q_j]                            (B = A^1)
    mem_k  = sum_j l_j * E_k[x_ij] + T_k[t_i]  for each slot i   (A^{k+1} = C^k)
    hop k = 1..K:  p_k = softmax(mem_{k-1} u_k)  over the sentences
                   o_k = sum_i p_k,i mem_k,i
                   u_{k+1} = u_k + o_k
    logits = u_{K+1} E_K^T                                      (W^T = C^K)

l_j is the position encoding of word j (nn.memory_hops.position_weights),
t_i the temporal index of sentence i (1 = the latest before the question).
Adjacent tying makes hop k's output memories the next hop's input memories:
one array, mem_k, serves both.

A batch x is anything with three integer arrays (tasks.babi_task.BabiBatch):
x.stories [B, M, W] (0 = padding), x.times [B, M] (0 = an empty slot, else
1..memory_size) and x.questions [B, W'].
"""

from collections import namedtuple
from types import SimpleNamespace

import numpy as np

from ..nn.attention import softmax
from ..nn.checks import check_float_dtype, check_generator, check_positive_int
from ..nn.layers import softmax_cross_entropy_backward, softmax_cross_entropy_forward
from ..nn.memory_hops import (check_tokens, embed_backward, embed_forward, hop_backward, hop_forward,
                              position_weights)

MemN2NTrace = namedtuple("MemN2NTrace", "attention states probabilities")
MemN2NTrace.__doc__ = """What one forward pass of a MemN2N computed.

attention [K, B, M]: hop k's weight on each sentence slot (0 on empty slots);
states [K+1, B, d]: u_1 .. u_{K+1}; probabilities [B, V]: the answer's."""


class MemN2N:
    """An end-to-end memory network. Parameters: 'embed.0' .. 'embed.K'
    [vocab_size, d] and, with temporal encoding, 'time.0' .. 'time.K'
    [memory_size, d], all drawn from N(0, 0.1^2) as the paper.

    encoding: 'position' (the paper's PE) or 'bag' (a plain bag of words).
    temporal: add the learned temporal embeddings T_k.
    attend_empty: let the empty slots of a batch take part in each hop's
    softmax, with a score of 0 and nothing to read, as in the released code
    (its memory always has the same number of slots, empty ones embedded as
    zeros); they act as a "nothing matched" option. Default: masked out.
    linear: no softmax in the hops (linear start); the training sets and
    clears it, it is not a parameter.
    """

    def __init__(self, vocab_size, *, rng, embedding_size=20, hops=3, memory_size=50,
                 encoding="position", temporal=True, attend_empty=False, init_scale=0.1, dtype=np.float32):
        self.vocab_size = check_positive_int("vocab_size", vocab_size)
        self.embedding_size = check_positive_int("embedding_size", embedding_size)
        self.hops = check_positive_int("hops", hops)
        self.memory_size = check_positive_int("memory_size", memory_size)
        if encoding not in ("position", "bag"):
            raise ValueError(f"encoding must be 'position' or 'bag', got {encoding!r}")
        if not init_scale > 0:
            raise ValueError(f"init_scale must be positive, got {init_scale!r}")
        check_generator(rng)
        self.encoding, self.temporal, self.attend_empty = encoding, bool(temporal), bool(attend_empty)
        self.dtype = check_float_dtype(dtype)
        self.linear = False
        V, d, M = self.vocab_size, self.embedding_size, self.memory_size
        self.params = {f"embed.{k}": (init_scale * rng.standard_normal((V, d))).astype(self.dtype)
                       for k in range(self.hops + 1)}
        if self.temporal:
            self.params.update({f"time.{k}": (init_scale * rng.standard_normal((M, d))).astype(self.dtype)
                                for k in range(self.hops + 1)})

    def num_params(self):
        return sum(p.size for p in self.params.values())

    # ------------------------------------------------------------------
    def check_batch(self, x):
        """(stories, times, questions) of a batch, checked."""
        missing = [a for a in ("stories", "times", "questions") if not hasattr(x, a)]
        if missing:
            raise ValueError(f"x must have stories, times and questions (a tasks.BabiBatch); "
                             f"{type(x).__name__} has no {missing}")
        stories = check_tokens("x.stories", x.stories, self.vocab_size)
        questions = check_tokens("x.questions", x.questions, self.vocab_size)
        times = check_tokens("x.times", x.times, self.memory_size + 1, what="temporal",
                             table=f"a memory of {self.memory_size} sentences")
        if stories.ndim != 3 or questions.ndim != 2 or times.shape != stories.shape[:2] \
                or questions.shape[0] != stories.shape[0]:
            raise ValueError(f"x must hold stories [B, M, W], times [B, M] and questions [B, W'], got shapes "
                             f"{list(stories.shape)}, {list(times.shape)} and {list(questions.shape)}")
        return stories, times, questions

    def _memories(self, k, stories, times, weights):
        """mem_k = sum_j l_j E_k[x_ij] + T_k[t_i] on every non-empty slot: [B, M, d]."""
        mem, cache = embed_forward(self.params[f"embed.{k}"], stories, weights)
        if self.temporal:
            mem = mem + self.params[f"time.{k}"][np.maximum(times - 1, 0)] * (times > 0)[..., None]
        return mem, cache

    def logits(self, x):
        """x a batch -> (logits [B, vocab_size], cache)."""
        stories, times, questions = self.check_batch(x)
        d, dt = self.embedding_size, self.dtype
        weights = position_weights(stories, d, self.encoding).astype(dt)
        q_weights = position_weights(questions, d, self.encoding).astype(dt)
        u, q_cache = embed_forward(self.params["embed.0"], questions, q_weights)
        mems, mem_caches = zip(*(self._memories(k, stories, times, weights) for k in range(self.hops + 1)))
        # the slots a hop attends to: those holding a sentence, or every slot (attend_empty)
        mask = np.ones(times.shape, dtype=bool) if self.attend_empty else times > 0
        states, hop_caches = [u], []
        for k in range(self.hops):
            o, _, cache = hop_forward(u, mems[k], mems[k + 1], mask, linear=self.linear)
            u = u + o
            states.append(u)
            hop_caches.append(cache)
        logits = u @ self.params[f"embed.{self.hops}"].T
        return logits, (q_cache, mem_caches, hop_caches, states, times)

    def backward(self, dlogits, cache):
        """The gradient of every parameter given dlogits [B, vocab_size]."""
        q_cache, mem_caches, hop_caches, states, times = cache
        K = self.hops
        grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        grads[f"embed.{K}"] += dlogits.T @ states[-1]
        du = dlogits @ self.params[f"embed.{K}"]
        dmems = [np.zeros(mem_caches[0][2].shape[:2] + (self.embedding_size,), dtype=du.dtype)
                 for _ in range(K + 1)]
        for k in reversed(range(K)):
            # u_{k+1} = u_k + o_k: du reaches u_k directly and through the hop
            du_hop, dm, dc = hop_backward(du, None, hop_caches[k])
            du = du + du_hop
            dmems[k] += dm
            dmems[k + 1] += dc
        grads["embed.0"] += embed_backward(du, q_cache)
        mask = times > 0
        for k in range(K + 1):
            grads[f"embed.{k}"] += embed_backward(dmems[k], mem_caches[k])
            if self.temporal:
                np.add.at(grads[f"time.{k}"], times[mask] - 1, dmems[k][mask])
        return grads

    def loss_and_grads(self, x, labels):
        """Mean cross-entropy of the answers and its gradient: (loss, grads, logits)."""
        logits, cache = self.logits(x)
        loss, loss_cache = softmax_cross_entropy_forward(logits, labels)
        return loss, self.backward(softmax_cross_entropy_backward(1.0, loss_cache), cache), logits

    def trace(self, x):
        """A MemN2NTrace: each hop's attention over the sentences, the states
        u_1 .. u_{K+1} and the answer's probabilities."""
        logits, (_, _, hop_caches, states, _) = self.logits(x)
        attention = np.stack([cache[4] for cache in hop_caches])
        return MemN2NTrace(attention, np.stack(states), softmax(logits))

    def predict(self, x):
        """The most likely answer (a word index) of each question, [B]."""
        return self.logits(x)[0].argmax(axis=1)

    def predict_proba(self, x):
        """The probability of each word as the answer, [B, vocab_size]."""
        return softmax(self.logits(x)[0])

    def evaluate(self, x, labels, batch_size=None):
        """Mean loss, accuracy and predictions on a set of questions, in batches of batch_size (500)."""
        stories, times, questions = self.check_batch(x)
        labels = np.asarray(labels)
        batch_size = batch_size or 500
        losses, predictions = [], []
        for start in range(0, len(labels), batch_size):
            part = slice(start, start + batch_size)
            logits, _ = self.logits(SimpleNamespace(stories=stories[part], times=times[part],
                                                    questions=questions[part]))
            loss, _ = softmax_cross_entropy_forward(logits, labels[part])
            losses.append(loss * len(logits))
            predictions.append(logits.argmax(axis=1))
        predictions = np.concatenate(predictions)
        return {"loss": float(sum(losses) / len(labels)), "accuracy": float(np.mean(predictions == labels)),
                "predictions": predictions}
