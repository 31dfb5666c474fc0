"""Self-checks for the exercises of lesson 04 (the RMC cell).

Each check runs a learner's function against rmc_lib's own on several cases
(including awkward ones), prints what is wrong or that it passed, and
returns True or False.
"""

import numpy as np

from ..cores.rmc import RelationalMemory
from ..nn import gates, layers
from ._cases import run_cases


def check_rmc_num_params(fn):
    """fn(mem_slots, head_size, num_heads, num_blocks, input_size, gate_style,
    attention_mlp_layers, key_size) must return how many trainable numbers the
    RMC with these arguments has (RelationalMemory(...).num_params())."""

    settings = [
        ("the example: N=4, head_size=16, H=2, D=8, one block", 4, 16, 2, 1, 8, "unit", 2, 16),
        ("the example with 2 blocks (the MLP is shared)", 4, 16, 2, 2, 8, "unit", 2, 16),
        ("'memory' gates (one per slot)", 4, 16, 2, 1, 8, "memory", 2, 16),
        ("no gates (gate_style=None)", 4, 16, 2, 1, 8, None, 2, 16),
        ("key_size 5 != head_size 3, 3 heads, 3 MLP layers, 3 blocks", 6, 3, 3, 3, 7, "unit", 3, 5),
        ("one slot instead of 9, otherwise equal", 1, 8, 4, 2, 5, "memory", 1, 8),
        ("9 slots instead of 1, otherwise equal", 9, 8, 4, 2, 5, "memory", 1, 8),
    ]

    def reference(N, hs, H, nb, D, gate_style, layers_, k):
        return RelationalMemory(N, hs, H, nb, gate_style=gate_style, attention_mlp_layers=layers_,
                                key_size=k, input_size=D, rng=np.random.default_rng(0)).num_params()

    cases = [(d, lambda a=args: fn(*a), lambda a=args: reference(*a)) for d, *args in settings]
    return run_cases("check_rmc_num_params", cases, rtol=0, atol=0)


def _gate_setting(rng, B, N, F, gate_style, forget_bias):
    """Random inputs of one RMC gating step: (x', M_{t-1}, the gates' weights,
    the proposal M~, dL/dM_t) and the constant forget bias."""
    g = gates.gate_size(gate_style, F)
    scale = 1.0 / np.sqrt(F)
    return dict(x_proj=rng.normal(size=(B, F)), memory=rng.normal(size=(B, N, F)),
                W_gi=scale * rng.normal(size=(F, 2 * g)), b_gi=0.1 * rng.normal(size=2 * g),
                W_gm=scale * rng.normal(size=(F, 2 * g)), b_gm=0.1 * rng.normal(size=2 * g),
                candidate=rng.normal(size=(B, N, F)), dout=rng.normal(size=(B, N, F)),
                forget_bias=forget_bias)


def _gated_loss(s, forget_bias):
    """L = sum(dout * M_t) through rmc_lib's gates and gated update, so that
    dL/dM_t = dout; returns L and the two gates."""
    (i, f), _ = gates.gates_forward(s["x_proj"], s["memory"], s["W_gi"], s["b_gi"], s["W_gm"], s["b_gm"],
                                    input_bias=0.0, forget_bias=forget_bias)
    new_memory, _ = gates.gated_update_forward(s["candidate"], s["memory"], i, f)
    return float(np.sum(s["dout"] * new_memory)), i, f


def _forget_bias_mistakes(dout, candidate, memory, i, f):
    """What typical wrong derivations of dL/d beta_f give, with what each one missed."""
    s_f = layers.sigmoid(f)
    mistakes = [
        (np.sum(dout * memory), "the sigmoid's slope sigma'(z) = f (1 - f) is missing"),
        (np.sum(dout * memory * i * (1 - i)), "the slope of the input gate, i (1 - i), instead of the forget gate's"),
        (np.sum(dout * np.tanh(candidate) * i * (1 - i)), "that is dL/d beta_i, the input gate's bias"),
        (np.sum(dout * np.tanh(candidate) * f * (1 - f)), "the forget gate multiplies M_{t-1}, not tanh(M~)"),
        (np.sum(dout * f * (1 - f)), "the factor M_{t-1} (what f multiplies) is missing"),
        (np.sum(dout * memory * s_f * (1 - s_f)), "sigma applied twice: f is already sigma(z)"),
        (np.mean(dout * memory * f * (1 - f)), "a mean where the chain rule sums"),
        (np.sum(dout * memory * f * (1 - f)) / dout.shape[0], "divided by the batch size: L sums over the batch"),
    ]
    if f.shape[-1] == 1:  # 'memory' gates: one gate serves a slot's F features
        per_slot = np.mean(dout * memory, axis=-1, keepdims=True)
        mistakes.append((np.sum(per_slot * f * (1 - f)),
                         "a mean over the slot's features: a 'memory' gate serves all F of them, so they sum"))
    return mistakes


def check_forget_bias_gradient(fn):
    """fn(dout, candidate, memory, input_gate, forget_gate) must return dL/d beta_f,
    one number: the gradient of the loss with respect to the forget bias, if
    beta_f (one constant added to every forget gate's pre-activation,
    f = sigma(G_f + beta_f)) were trained. dout = dL/dM_t [B, N, F] for the
    update M_t = input_gate * tanh(candidate) + forget_gate * memory; the gates
    are [B, N, g] with g = F ('unit') or 1 ('memory'). The reference is a
    centred finite difference of L through rmc_lib's own gates and update."""
    rng = np.random.default_rng(7)
    settings = [("'unit' gates, B=2, N=3, F=4, beta_f = 1 (Sonnet's default)", 2, 3, 4, "unit", 1.0),
                ("'memory' gates (one gate per slot, g = 1), B=2, N=3, F=5, beta_f = 1", 2, 3, 5, "memory", 1.0),
                ("'unit' gates, B=3, N=2, F=3, beta_f = 0 (f near 1/2)", 3, 2, 3, "unit", 0.0),
                ("'memory' gates, B=1, N=4, F=4, beta_f = 3 (f near 0.95)", 1, 4, 4, "memory", 3.0)]
    last = {}  # the inputs and result of the case run last, to name a mistake
    cases = []
    for d, B, N, F, gate_style, beta in settings:
        s = _gate_setting(rng, B, N, F, gate_style, beta)

        def expected(s=s, h=1e-5):
            return (_gated_loss(s, s["forget_bias"] + h)[0] - _gated_loss(s, s["forget_bias"] - h)[0]) / (2 * h)

        def learner(s=s):
            _, i, f = _gated_loss(s, s["forget_bias"])
            args = (s["dout"], s["candidate"], s["memory"], i, f)
            last.clear()
            got = _as_number(fn(*(a.copy() for a in args)))
            last.update(args=args, got=got)
            return got

        cases.append((d, learner, expected))
    if run_cases("check_forget_bias_gradient", cases):
        return True
    if "got" in last:
        print(f"  likely mistake: {_likely_forget_bias_mistake(last['got'], last['args'])}")
    return False


def _as_number(got):
    """A one-element numeric result as a float; anything else unchanged."""
    try:
        return float(np.reshape(np.asarray(got, dtype=np.float64), ()))
    except (TypeError, ValueError):
        return got


def _likely_forget_bias_mistake(got, args):
    """Name the typical mistake a wrong answer matches, or say what to check."""
    if not isinstance(got, float):
        return (f"your result has shape {np.shape(got)}; beta_f is one number shared by every gate, "
                "so its gradient sums over the batch, the slots and the units")
    if not np.isfinite(got):
        return "your result is not a finite number (did the function return nothing?)"
    for value, mistake in _forget_bias_mistakes(*args):
        if np.isclose(got, value, rtol=1e-6, atol=1e-8):
            return mistake
    return "none of the usual ones; write z = G_f + beta_f and apply the chain rule from M_t to z to beta_f"


def _memory_gradients(core, d_outputs, cache):
    """dL/dM_t for t = 0..T, [T+1, B, N, F], by one backward walk over the steps."""
    B, T, _ = cache["x_shape"]
    N, F = core.mem_slots, core.mem_size
    grads = {name: np.zeros_like(value) for name, value in core.params.items()}
    result = np.zeros((T + 1, B, N, F))
    d_memory = np.zeros((B, N, F))
    for t in reversed(range(T)):
        d_memory = d_memory + d_outputs[:, t].reshape(B, N, F)
        result[t + 1] = d_memory
        _, d_memory = core.step_backward(d_memory, cache["steps"][t], grads)
    result[0] = d_memory
    return result


def check_memory_gradients(fn):
    """fn(core, d_outputs, cache) must return dL/dM_t for every t = 0..T as one
    array [T+1, B, N, F]: M_0 is the initial memory, M_T the last. cache is
    from core.forward(x); d_outputs [B, T, N*F] is dL/d output_t (the loss
    reaches the memory only through the outputs)."""

    settings = [("'unit' gates, a loss on every output, T=4", "unit", 4, "all"),
                ("'unit' gates, a loss on the last output only, T=5", "unit", 5, "last"),
                ("'memory' gates, 2 blocks, a loss on every output, T=3", "memory", 3, "all"),
                ("no gates, a loss on the first and the last output, T=4", None, 4, "ends")]
    rng = np.random.default_rng(8)
    cases = []
    for d, gate_style, T, which in settings:
        core = RelationalMemory(3, 2, 2, num_blocks=2 if gate_style == "memory" else 1,
                                gate_style=gate_style, input_size=3, rng=rng)
        x = rng.normal(size=(2, T, 3))
        d_outputs = rng.normal(size=(2, T, core.output_size))
        if which == "last":
            d_outputs[:, :-1] = 0
        elif which == "ends":
            d_outputs[:, 1:-1] = 0

        def learner(core=core, x=x, d_outputs=d_outputs):
            _, _, cache = core.forward(x)
            return fn(core, d_outputs.copy(), cache)

        def expected(core=core, x=x, d_outputs=d_outputs):
            _, _, cache = core.forward(x)
            return _memory_gradients(core, d_outputs, cache)

        cases.append((d, learner, expected))
    return run_cases("check_memory_gradients", cases)
