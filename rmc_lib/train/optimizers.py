"""Optimisers (SGD, Adam, RMSprop), gradient clipping and the learning-rate schedule.

Everything works on flat parameter dicts (name -> array). Optimisers update
the arrays in place, so a model whose parameters are shared with its parts
(SequenceClassifier, RelationalRNN) stays consistent.
"""

import math

import numpy as np

from ..nn.checks import check_positive_int


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
        # without momentum the velocity is just the last gradient, which the next step
        # overwrites: there is nothing to keep (and checkpoints stay half the size)
        if self.momentum == 0:
            return {}
        return {f"velocity.{k}": v for k, v in self.velocity.items()}

    def load_state_arrays(self, arrays, t):
        if self.momentum != 0:
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


class RMSprop:
    """RMSprop with momentum, in the form TensorFlow's RMSPropOptimizer computes
    it (Tieleman & Hinton 2012; Graves 2013 for recurrent nets), the optimiser
    the NTM and DNC references train with:

        ms  = decay * ms + (1 - decay) g^2          a running mean of g^2
        mom = momentum * mom + lr * g / sqrt(ms + eps)
        p  -= mom

    ms starts at ones, as in TensorFlow 1 (`initial_mean_square`): the first
    steps are about lr * g, not the lr * g / |g| * 3 a zero start would give
    (1 / sqrt(1 - decay) with decay 0.9), until ms has seen the gradients.
    """

    kind = "rmsprop"

    def __init__(self, params, lr=1e-4, momentum=0.9, decay=0.9, eps=1e-10, initial_mean_square=1.0):
        self.params = params
        self.lr = float(lr)
        self.momentum, self.decay, self.eps = float(momentum), float(decay), float(eps)
        self.initial_mean_square = float(initial_mean_square)
        self.mean_square = {k: np.full_like(v, self.initial_mean_square) for k, v in params.items()}
        self.moment = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def hyperparameters(self):
        return {"lr": self.lr, "momentum": self.momentum, "decay": self.decay, "eps": self.eps,
                "initial_mean_square": self.initial_mean_square}

    def step(self, grads, lr=None):
        lr = self.lr if lr is None else lr
        self.t += 1
        for name, p in self.params.items():
            g, ms, mom = grads[name], self.mean_square[name], self.moment[name]
            ms *= self.decay
            ms += (1 - self.decay) * (g * g)
            mom *= self.momentum
            mom += lr * g / np.sqrt(ms + self.eps)
            p -= mom

    def state_arrays(self):
        return {**{f"ms.{k}": v for k, v in self.mean_square.items()},
                **{f"mom.{k}": v for k, v in self.moment.items()}}

    def load_state_arrays(self, arrays, t):
        for k in self.mean_square:
            self.mean_square[k][...] = arrays[f"ms.{k}"]
            self.moment[k][...] = arrays[f"mom.{k}"]
        self.t = int(t)


OPTIMIZERS = {"adam": Adam, "rmsprop": RMSprop, "sgd": SGD}


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


def clip_each_by_norm(grads, max_norm):
    """Scale each gradient array on its own so that its norm is at most
    max_norm, as the released MemN2N code does (each weight matrix clipped
    separately): a large gradient in one array no longer shrinks the steps of
    all the others. Returns (grads, the joint norm before clipping)."""
    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads.values()))
    if max_norm is not None:
        grads = {k: _clipped(g, max_norm) for k, g in grads.items()}
    return grads, norm


def _clipped(g, max_norm):
    norm = math.sqrt(float(np.vdot(g, g)))
    return g * (max_norm / norm) if norm > max_norm else g


def halving_rate(step, base_lr, halve_every):
    """base_lr halved every halve_every steps, as Sukhbaatar et al. 2015 halve
    theirs every 25 epochs. step counts from 0."""
    return base_lr * 0.5 ** (step // check_positive_int("halve_every", halve_every))


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
