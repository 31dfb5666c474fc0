"""Self-checks for the exercises of appendix A1 (backward passes), and the
RMC step's backward with one term left out, which the appendix and its
third exercise use to show which gradients a missing term breaks.

Each check runs a learner's function against a reference built from
rmc_lib's own blocks on several cases (including awkward ones), prints what
is wrong or that it passed, and returns True or False.
"""

import numpy as np

from ..cores.rmc import RelationalMemory
from ..nn import gates, layers
from ..nn.attention import multihead_attention_backward
from ..nn.gradcheck import rel_error
from ._cases import run_cases

# ----------------------------------------------------------------------------
# Exercise 1: RMSNorm
# ----------------------------------------------------------------------------


def rms_norm_forward(x, gamma, eps=1e-5):
    """RMSNorm (Zhang and Sennrich 2019) of each row: gamma * x / sqrt(mean(x^2) + eps).

    x: [..., F], gamma: [F] -> [..., F]. Layer norm without the mean and the offset.
    """
    return gamma * x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)


def rms_norm_backward(dy, x, gamma, eps=1e-5):
    """The reference answer: (dx [..., F], dgamma [F]).

    With r = 1 / sqrt(mean(x^2) + eps), x_hat = x r and g = dy * gamma:
    dx = r (g - x_hat mean(g x_hat)), dgamma = the sum over rows of dy * x_hat.
    """
    F = x.shape[-1]
    r = 1 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    x_hat = x * r
    g = dy * gamma
    dx = r * (g - x_hat * np.mean(g * x_hat, axis=-1, keepdims=True))
    dgamma = (dy * x_hat).reshape(-1, F).sum(axis=0)
    return dx, dgamma


def check_rms_norm_backward(fn):
    """fn(dy, x, gamma, eps) must return (dx, dgamma) for y = rms_norm_forward(x, gamma, eps):
    dx [..., F] like x, dgamma [F] summed over every row."""
    rng = np.random.default_rng(21)
    settings = [
        ("3 rows of 5 features (does dx include the path through r?)", (3, 5), 1.0, 1e-5),
        ("a [2, 3, 4] array (dgamma sums over every row of every example)", (2, 3, 4), 1.0, 1e-5),
        ("rows of values about 1e-3 (is eps inside the square root?)", (2, 6), 1e-3, 1e-5),
        ("eps = 0.5, rows of size about 1", (3, 4), 1.0, 0.5),
        ("one feature per row (F = 1)", (4, 1), 1.0, 1e-5),
    ]
    cases = []
    for description, shape, scale, eps in settings:
        x = scale * rng.normal(size=shape)
        gamma = 1 + 0.5 * rng.normal(size=shape[-1])
        dy = rng.normal(size=shape)

        def learner(dy=dy, x=x, gamma=gamma, eps=eps):
            got = fn(dy.copy(), x.copy(), gamma.copy(), eps)
            return tuple(got) if isinstance(got, (tuple, list)) else got

        cases.append((description, learner, lambda dy=dy, x=x, gamma=gamma, eps=eps:
                      rms_norm_backward(dy, x, gamma, eps)))
    return run_cases("check_rms_norm_backward", cases)


# ----------------------------------------------------------------------------
# Exercise 2: a gate without a trainable bias
# ----------------------------------------------------------------------------


def gate_backward(d_gate, memory, W, c):
    """The reference answer for gate = sigmoid(tanh(memory) @ W + c), c a constant:
    (d_memory [B, N, F], dW [F, g]), from rmc_lib's linear, sigmoid and tanh blocks."""
    tanh_memory, tanh_cache = layers.tanh_forward(memory)
    pre, linear_cache = layers.linear_forward(tanh_memory, W, np.zeros(W.shape[1]))
    _, sigmoid_cache = layers.sigmoid_forward(pre + c)
    d_tanh, dW, _ = layers.linear_backward(layers.sigmoid_backward(d_gate, sigmoid_cache), linear_cache)
    return layers.tanh_backward(d_tanh, tanh_cache), dW


def check_gate_backward(fn):
    """fn(d_gate, memory, W, c) must return (d_memory, dW) for
    gate = sigmoid(tanh(memory) @ W + c): memory [B, N, F], W [F, g] (g = F
    or 1), c a constant number (not trained), d_gate [B, N, g]."""
    rng = np.random.default_rng(22)
    settings = [
        ("'unit' width g = F = 4, B = 2, N = 3, c = 0", 2, 3, 4, 4, 1.0, 0.0),
        ("'memory' width g = 1 (one gate per slot), c = 1", 2, 3, 4, 1, 1.0, 1.0),
        ("a large memory (tanh saturates), c = -2", 2, 2, 3, 3, 4.0, -2.0),
        ("one example, one slot, F = 5, g = 5", 1, 1, 5, 5, 1.0, 0.5),
    ]
    cases = []
    for description, B, N, F, g, scale, c in settings:
        memory = scale * rng.normal(size=(B, N, F))
        W = rng.normal(size=(F, g)) / np.sqrt(F)
        d_gate = rng.normal(size=(B, N, g))

        def learner(d=d_gate, m=memory, W=W, c=c):
            got = fn(d.copy(), m.copy(), W.copy(), c)
            return tuple(got) if isinstance(got, (tuple, list)) else got

        cases.append((description, learner, lambda d=d_gate, m=memory, W=W, c=c: gate_backward(d, m, W, c)))
    return run_cases("check_gate_backward", cases)


# ----------------------------------------------------------------------------
# The RMC step's backward, with one term left out
# ----------------------------------------------------------------------------

#: slips the appendix shows (section 6) or asks about (exercise 3): name -> what is left out
ALL_SLIPS = {
    "forget path": "the forget gate's path f * dM_t is left out of dM_{t-1}",
    "mlp residual": "the residual around the MLP is forgotten: dA_1 = MLP backward of dS_2 only",
    "input row": "the input row's gradient from the blocks, dA[:, N], is not added to dx'",
    "sigmoid derivative": "the gates' sigmoid derivative is left out: dz = [d_i, d_f]",
    "gates' memory path": "the gates' gradient to the memory (through tanh(M_{t-1})) is left out",
}
#: the slips of exercise 3 (the appendix shows "forget path" itself)
SLIPS = {name: text for name, text in ALL_SLIPS.items() if name != "forget path"}


def _check_slip(slip):
    if slip is not None and slip not in ALL_SLIPS:
        raise ValueError(f"slip must be None or one of {list(ALL_SLIPS)}, got {slip!r}")


def step_backward_with_slip(core, d_new_memory, cache, grads, slip=None):
    """RelationalMemory.step_backward (gated cores), composed from rmc_lib's
    blocks in the same order, with the term named by `slip` left out
    (None: none, and the result equals step_backward's).

    Adds the parameter gradients into grads; returns (dx_t, d_memory).
    """
    _check_slip(slip)
    if core.gate_style is None:
        raise ValueError("step_backward_with_slip needs a gated core (gate_style 'unit' or 'memory'), got None")
    N = core.mem_slots
    d_candidate, d_memory, d_input_gate, d_forget_gate = gates.gated_update_backward(d_new_memory, cache["update"])
    if slip == "forget path":
        d_memory = np.zeros_like(d_memory)
    in_cache, mem_cache, tanh_mem, i, f = cache["gates"]
    if slip == "sigmoid derivative":
        dz = np.concatenate([d_input_gate, d_forget_gate], axis=-1)
    else:
        dz = np.concatenate([d_input_gate * i * (1 - i), d_forget_gate * f * (1 - f)], axis=-1)
    d_tanh, dW_gm, db_gm = layers.linear_backward(dz, mem_cache)
    dx_proj, dW_gi, db_gi = layers.linear_backward(dz.sum(axis=1), in_cache)
    if slip != "gates' memory path":
        d_memory = d_memory + d_tanh * (1 - tanh_mem ** 2)
    for name, value in [("gate_input.W", dW_gi), ("gate_input.b", db_gi),
                        ("gate_memory.W", dW_gm), ("gate_memory.b", db_gm)]:
        grads[name] += value
    B, _, F = d_candidate.shape
    dA = np.zeros((B, N + 1, F), dtype=d_candidate.dtype)
    dA[:, :N] = d_candidate
    for b in reversed(range(core.num_blocks)):
        att_cache, ln1_cache, mlp_cache, ln2_cache = cache["blocks"][b]
        d_sum, dgamma, dbeta = layers.layer_norm_backward(dA, ln2_cache)
        grads[f"block{b}.mlp_norm.gamma"] += dgamma
        grads[f"block{b}.mlp_norm.beta"] += dbeta
        dA, dWs, dbs = layers.mlp_backward(d_sum, mlp_cache)
        if slip != "mlp residual":
            dA = dA + d_sum
        for layer, (dW, db) in enumerate(zip(dWs, dbs)):
            grads[f"mlp.{layer}.W"] += dW
            grads[f"mlp.{layer}.b"] += db
        d_sum, dgamma, dbeta = layers.layer_norm_backward(dA, ln1_cache)
        grads[f"block{b}.attention_norm.gamma"] += dgamma
        grads[f"block{b}.attention_norm.beta"] += dbeta
        dA, dW, db, dgamma, dbeta = multihead_attention_backward(d_sum, att_cache)
        dA = dA + d_sum
        grads[f"block{b}.qkv.W"] += dW
        grads[f"block{b}.qkv.b"] += db
        grads[f"block{b}.qkv_norm.gamma"] += dgamma
        grads[f"block{b}.qkv_norm.beta"] += dbeta
    d_memory = d_memory + dA[:, :N]
    if slip != "input row":
        dx_proj = dx_proj + dA[:, N]
    dx_t, dW_in, db_in = layers.linear_backward(dx_proj, cache["input"])
    grads["input.W"] += dW_in
    grads["input.b"] += db_in
    return dx_t, d_memory


def backward_with_slip(core, d_outputs, cache, slip=None):
    """RelationalMemory.backward (no gradient on the final memory) with
    step_backward_with_slip at every step. Returns (grads, dx, d_memory0)."""
    _check_slip(slip)
    B, T, D = cache["x_shape"]
    N, F = core.mem_slots, core.mem_size
    grads = {name: np.zeros_like(value) for name, value in core.params.items()}
    dx = np.empty((B, T, D))
    d_memory = np.zeros((B, N, F))
    for t in reversed(range(T)):
        d_memory = d_memory + d_outputs[:, t].reshape(B, N, F)
        dx[:, t], d_memory = step_backward_with_slip(core, d_memory, cache["steps"][t], grads, slip)
    return grads, dx, d_memory


def _example_core():
    """The small float64 core of exercise 3: one block, 'unit' gates, gains and
    biases moved away from 1 and 0 so that every term matters."""
    rng = np.random.default_rng(23)
    core = RelationalMemory(mem_slots=3, head_size=2, num_heads=2, input_size=3, rng=rng)
    for name, value in core.params.items():
        if not name.endswith(".W"):
            value += 0.3 * rng.normal(size=value.shape)
    return core, rng


#: the gradients of one step that exercise 3 asks about: every parameter, x_t, and the memory M_{t-1}
GRADIENT_NAMES = tuple(_example_core()[0].params) + ("x_t", "memory")


def broken_gradients(slip, steps=1, threshold=1e-6):
    """The names whose gradient `slip` makes wrong (relative error above
    threshold) when the loss reads every output of `steps` steps of the
    example core; for steps > 1, x_t is the input of every step together
    and memory is M_0. Returns a sorted list."""
    _check_slip(slip)
    if slip is None:
        raise ValueError("slip must name a slip, one of " + str(list(ALL_SLIPS)))
    core, rng = _example_core()
    x = rng.normal(size=(2, steps, core.input_size))
    memory = core.initial_state(2) + 0.3 * rng.normal(size=(2, core.mem_slots, core.mem_size))
    d_outputs = rng.normal(size=(2, steps, core.output_size))
    _, _, cache = core.forward(x, memory)
    right = backward_with_slip(core, d_outputs, cache)
    wrong = backward_with_slip(core, d_outputs, cache, slip)

    def named(result):
        grads, dx, d_memory = result
        return {**grads, "x_t": dx, "memory": d_memory}

    right, wrong = named(right), named(wrong)
    return sorted(name for name in GRADIENT_NAMES if rel_error(wrong[name], right[name]) > threshold)


def check_broken_gradients(fn, reveal=False):
    """fn(slip) must return the names (from GRADIENT_NAMES) of the gradients
    of one RMC step (example core: one block, 'unit' gates) that are wrong
    when the term `slip` (a key of SLIPS) is left out of the backward pass.
    On a wrong answer the check says for which slip and how many names are
    missing or wrongly listed; reveal=True also says which."""
    name = "check_broken_gradients"
    for slip, description in SLIPS.items():
        try:
            got = fn(slip)
        except Exception as exc:  # the learner's code may raise anything
            print(f"{name}: failed on {slip!r}: your function raised {type(exc).__name__}: {exc}")
            return False
        if isinstance(got, str) or not hasattr(got, "__iter__"):
            print(f"{name}: failed on {slip!r}: expected a set or list of gradient names, got {type(got).__name__}")
            return False
        got = set(got)
        unknown = sorted(got - set(GRADIENT_NAMES))
        if unknown:
            print(f"{name}: failed on {slip!r}: {unknown} are not gradient names; the names are {list(GRADIENT_NAMES)}")
            return False
        truth = set(broken_gradients(slip))
        missing, extra = sorted(truth - got), sorted(got - truth)
        if missing or extra:
            message = (f"{name}: failed on {slip!r} ({description}): {len(missing)} wrong gradient(s) "
                       f"not listed, {len(extra)} listed that stay right")
            if reveal:
                message += f"; not listed: {missing}; listed but right: {extra}"
            else:
                message += "; ask: which computations of the backward pass come after the slip?"
            print(message)
            return False
    print(f"{name}: passed ({len(SLIPS)} slips)")
    return True
