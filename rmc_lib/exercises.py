"""Self-checks for the notebooks' exercises.

Each `check_*` function runs a learner's function against rmc_lib's own on
random inputs (including awkward ones: large values, odd shapes), prints
what is wrong or that it passed, and returns True or False.

    >>> from rmc_lib import exercises
    >>> exercises.check_softmax(my_softmax)
    check_softmax: passed (5 cases)
"""

import numpy as np

from . import attention, gates, layers, memory, task_views, tasks


def _run_cases(name, cases, rtol=1e-6, atol=1e-8, allow_nan=False, hint=None):
    """cases: list of (description, learner_call, expected_call).
    allow_nan: nan is a possible answer, right where the expected one is nan.
    hint: optional hint(got, expected) -> text added to the message when
    the values differ (e.g. a likely mistake)."""
    for description, learner_call, expected_call in cases:
        expected = expected_call()
        try:
            got = learner_call()
        except Exception as exc:  # the learner's code may raise anything
            print(f"{name}: failed on {description}: your function raised {type(exc).__name__}: {exc}")
            return False
        if isinstance(expected, tuple):
            if not isinstance(got, tuple) or len(got) != len(expected):
                print(f"{name}: failed on {description}: expected a tuple of {len(expected)} arrays, got {type(got).__name__}")
                return False
        else:
            expected, got = (expected,), (got,)
        for index, (e, g) in enumerate(zip(expected, got)):
            g = np.asarray(g)
            part = f" (item {index} of the result)" if len(expected) > 1 else ""
            if g.shape != np.shape(e):
                print(f"{name}: failed on {description}{part}: expected shape {np.shape(e)}, got {g.shape}")
                return False
            if allow_nan and not np.array_equal(np.isnan(g), np.isnan(e)):
                print(f"{name}: failed on {description}{part}: expected {e}, got {g}")
                return False
            if not allow_nan and not np.all(np.isfinite(g)):
                print(f"{name}: failed on {description}{part}: your result holds NaN or inf")
                return False
            if not np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=allow_nan):
                worst = float(np.nanmax(np.abs(g - e)))
                extra = hint(g, e) if hint is not None else ""
                print(f"{name}: failed on {description}{part}: values differ by up to {worst:.3g}{extra}")
                return False
    print(f"{name}: passed ({len(cases)} cases)")
    return True


def check_softmax(fn):
    """fn(x) must return softmax over the last axis, safely for huge values."""
    rng = np.random.default_rng(1)
    inputs = [
        ("a vector of 5 values", rng.normal(size=5)),
        ("a [3, 4] matrix (softmax of each row)", rng.normal(size=(3, 4))),
        ("a [2, 3, 6] array", rng.normal(size=(2, 3, 6))),
        ("values of +-1000 (does it overflow?)", np.array([[1000.0, -1000.0, 999.0]])),
        ("a row of equal values", np.zeros((2, 4))),
    ]
    cases = [(d, lambda x=x: fn(x.copy()), lambda x=x: attention.softmax(x)) for d, x in inputs]
    return _run_cases("check_softmax", cases)


def check_attention(fn):
    """fn(q, k, v) must return softmax(q k^T / sqrt(d_k)) v."""
    rng = np.random.default_rng(2)
    shapes = [
        ("one query, 3 keys", (1, 4), (3, 4), (3, 2)),
        ("4 queries, 4 keys", (4, 8), (4, 8), (4, 8)),
        ("a batch of 2, 5 queries, 3 keys, d_k != d_v", (2, 5, 6), (2, 3, 6), (2, 3, 3)),
    ]
    cases = []
    for d, sq, sk, sv in shapes:
        q, k, v = rng.normal(size=sq), rng.normal(size=sk), rng.normal(size=sv)
        cases.append((d, lambda q=q, k=k, v=v: fn(q, k, v),
                       lambda q=q, k=k, v=v: attention.scaled_dot_product_attention_forward(q, k, v)[0]))
    return _run_cases("check_attention", cases)


def check_softmax_backward(fn):
    """fn(dout, p) must return the gradient with respect to the softmax's input,
    given dout (gradient with respect to p = softmax(x)) and p itself."""
    rng = np.random.default_rng(3)
    cases = []
    for d, shape in [("a [1, 5] row", (1, 5)), ("a [4, 3] matrix", (4, 3)), ("a [2, 3, 7] array", (2, 3, 7))]:
        p = attention.softmax(rng.normal(size=shape))
        dout = rng.normal(size=shape)
        cases.append((d, lambda p=p, dout=dout: fn(dout.copy(), p.copy()),
                      lambda p=p, dout=dout: attention.softmax_backward(dout, p)))
    return _run_cases("check_softmax_backward", cases)


def check_sigmoid(fn):
    """fn(x) must return 1 / (1 + exp(-x)) without overflow for |x| up to 1e4."""
    rng = np.random.default_rng(4)
    inputs = [
        ("small values", rng.normal(size=7)),
        ("a [3, 4] matrix", rng.normal(scale=5, size=(3, 4))),
        ("values of +-1e4 (does it overflow or give NaN?)", np.array([-1e4, -800.0, 0.0, 800.0, 1e4])),
    ]
    cases = [(d, lambda x=x: fn(x.copy()), lambda x=x: layers.sigmoid(x)) for d, x in inputs]
    return _run_cases("check_sigmoid", cases, atol=1e-12)


def check_gates(fn):
    """fn(x_proj, memory, W_gi, b_gi, W_gm, b_gm, input_bias, forget_bias) must
    return (input_gate, forget_gate) exactly as Sonnet's RMC computes them."""
    rng = np.random.default_rng(5)
    cases = []
    for d, B, N, F, g in [("'unit' gates, B=2, N=3, F=4", 2, 3, 4, 4),
                          ("'memory' gates, B=1, N=5, F=6", 1, 5, 6, 1),
                          ("'unit' gates with biases 0.5 and 2", 3, 2, 3, 3)]:
        args = (rng.normal(size=(B, F)), rng.normal(size=(B, N, F)),
                rng.normal(size=(F, 2 * g)), rng.normal(size=2 * g),
                rng.normal(size=(F, 2 * g)), rng.normal(size=2 * g))
        biases = (0.5, 2.0) if "biases" in d else (0.0, 1.0)
        cases.append((d, lambda a=args, bs=biases: tuple(fn(*[x.copy() for x in a], *bs)),
                      lambda a=args, bs=biases: gates.gates_forward(*a, *bs)[0]))
    return _run_cases("check_gates", cases)


def check_half_life(fn):
    """fn(forget_gate) must return how many steps until f ** t falls to one half."""
    values = np.array([0.5, 0.73105858, 0.9, 0.99])
    cases = [(f"forget gate {f:.3f}", lambda f=f: fn(f), lambda f=f: gates.half_life(f)) for f in values]
    return _run_cases("check_half_life", cases)


# ----------------------------------------------------------------------------
# 00_overview: relations, the Nth-farthest task, the initial memory
# ----------------------------------------------------------------------------

def check_num_relations(fn):
    """fn(num_objects) must return how many unordered pairs of distinct objects
    there are, N (N - 1) / 2: the number of pairwise relations among N objects."""
    cases = [(f"{n} object{'s' if n > 1 else ''}", lambda n=n: fn(n), lambda n=n: n * (n - 1) // 2)
             for n in (1, 2, 3, 8, 100)]
    return _run_cases("check_num_relations", cases)


def check_nth_farthest(fn):
    """fn(vectors, reference, n) must return the index of the n-th farthest of
    vectors [num_objects, num_features] from vectors[reference] (n = 1: the
    farthest; the reference itself, at distance 0, is the num_objects-th)."""
    rng = np.random.default_rng(6)
    settings = [
        ("8 points in 2-D, n = 1 (the farthest)", 8, 2, 0, 1),
        ("8 points in 2-D, n = 3", 8, 2, 5, 3),
        ("8 points in 2-D, n = 8 (the reference itself)", 8, 2, 2, 8),
        ("8 points with 16 features (as in the paper), n = 5", 8, 16, 7, 5),
        ("3 points in 3-D, n = 2", 3, 3, 1, 2),
    ]
    cases = []
    for description, num_objects, num_features, reference, n in settings:
        vectors = rng.uniform(-1, 1, size=(num_objects, num_features))
        cases.append((f"{description}, reference {reference}",
                      lambda v=vectors, r=reference, n=n: fn(v.copy(), r, n),
                      lambda v=vectors, r=reference, n=n: tasks.nth_farthest_index(v, r, n)))
    return _run_cases("check_nth_farthest", cases)


def check_initial_memory(fn):
    """fn(mem_slots, mem_size) must return the RMC's initial memory for one
    sequence, [mem_slots, mem_size]: the identity, zero-padded on the right
    when mem_size > mem_slots and cut to mem_size columns when smaller."""
    settings = [("4 slots of size 4 (square)", 4, 4),
                ("3 slots of size 8 (padded with zeros)", 3, 8),
                ("6 slots of size 4 (cut to 4 columns)", 6, 4),
                ("1 slot of size 1", 1, 1),
                ("4 slots of size 32, as in the parameter-count example", 4, 32)]
    cases = [(d, lambda N=N, F=F: fn(N, F), lambda N=N, F=F: memory.initial_memory(1, N, F)[0])
             for d, N, F in settings]
    return _run_cases("check_initial_memory", cases)


# ----------------------------------------------------------------------------
# 04_rmc_cell: counting parameters, the gated update backward, BPTT's carry
# ----------------------------------------------------------------------------

def check_rmc_num_params(fn):
    """fn(mem_slots, head_size, num_heads, num_blocks, input_size, gate_style,
    attention_mlp_layers, key_size) must return how many trainable numbers the
    RMC with these arguments has (RelationalMemory(...).num_params())."""
    from .rmc import RelationalMemory

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
    return _run_cases("check_rmc_num_params", cases, rtol=0, atol=0)


def check_gated_update_backward(fn):
    """fn(dout, candidate, memory, input_gate, forget_gate) must return
    (d_candidate, d_memory, d_input_gate, d_forget_gate), the gradients of the
    gated update M_t = input_gate * tanh(candidate) + forget_gate * memory,
    given dout = dL/dM_t. Gates are [B, N, g] with g = F ('unit') or 1
    ('memory': one gate serves all F features of a slot)."""
    rng = np.random.default_rng(7)
    settings = [("'unit' gates, B=2, N=3, F=4", 2, 3, 4, 4, 1.0),
                ("'memory' gates (g = 1), B=2, N=3, F=5", 2, 3, 5, 1, 1.0),
                ("'unit' gates, a large candidate (tanh saturates)", 1, 4, 3, 3, 4.0)]
    cases = []
    for d, B, N, F, g, scale in settings:
        dout = rng.normal(size=(B, N, F))
        candidate = scale * rng.normal(size=(B, N, F))
        mem = rng.normal(size=(B, N, F))
        i = layers.sigmoid(rng.normal(size=(B, N, g)))
        f = layers.sigmoid(rng.normal(size=(B, N, g)))

        def expected(dout=dout, c=candidate, m=mem, i=i, f=f):
            _, cache = gates.gated_update_forward(c, m, i, f)
            return tuple(gates.gated_update_backward(dout, cache))

        def learner(dout=dout, c=candidate, m=mem, i=i, f=f):
            got = fn(dout.copy(), c.copy(), m.copy(), i.copy(), f.copy())
            return tuple(got) if isinstance(got, (tuple, list)) else got

        cases.append((d, learner, expected))
    return _run_cases("check_gated_update_backward", cases)


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
    from .rmc import RelationalMemory

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
    return _run_cases("check_memory_gradients", cases)


# ----------------------------------------------------------------------------
# 03_relational_memory: layer norm per row, attend and crop, reading a trace
# ----------------------------------------------------------------------------

def check_layer_norm_rows(fn):
    """fn(x, gamma, beta) must return the RMC's layer norm of x [..., F]: each
    row (the last axis) on its own to mean 0 and variance 1, with the biased
    variance and eps = 1e-5 inside the square root, (x - mean) / sqrt(var + eps),
    then times gamma [F] plus beta [F]. Reference: layers.layer_norm_forward."""
    rng = np.random.default_rng(9)
    settings = [
        ("one row of 6 features, gamma 1 and beta 0", (6,), False, 1.0),
        ("a [5, 8] matrix (each row on its own)", (5, 8), True, 1.0),
        ("a [2, 5, 16] batch of [memory; input], rows of very different scales", (2, 5, 16), True, None),
        ("rows of equal values (variance 0: eps keeps the result finite)", (2, 4), True, 0.0),
    ]
    cases = []
    for description, shape, random_affine, scale in settings:
        F = shape[-1]
        if scale is None:                  # row r scaled by 10 ** (r - 2): 0.01 ... 100
            x = rng.normal(size=shape) * 10.0 ** (np.arange(shape[-2]) - 2)[:, None]
        elif scale == 0.0:
            x = np.broadcast_to(rng.normal(size=shape[:-1] + (1,)), shape).copy()
        else:
            x = rng.normal(size=shape)
        gamma = 1 + 0.5 * rng.normal(size=F) if random_affine else np.ones(F)
        beta = 0.5 * rng.normal(size=F) if random_affine else np.zeros(F)
        cases.append((description,
                      lambda x=x, g=gamma, b=beta: fn(x.copy(), g.copy(), b.copy()),
                      lambda x=x, g=gamma, b=beta: layers.layer_norm_forward(x, g, b)[0]))
    return _run_cases("check_layer_norm_rows", cases)


def _memory_core(rng, **config):
    """A gate-less RelationalMemory whose biases, gains and shifts are random too
    (freshly initialised they are 0 and 1, which would hide a missing term)."""
    from .rmc import RelationalMemory

    core = RelationalMemory(gate_style=None, rng=rng, **config)
    for name, value in core.params.items():
        if name.endswith(".gamma"):
            core.params[name] = 1 + 0.2 * rng.normal(size=value.shape)
        elif not name.endswith(".W"):
            core.params[name] = 0.2 * rng.normal(size=value.shape)
    return core


def check_attend_and_crop(fn):
    """fn(core, x_t, memory) must return the memory M~ [B, N, F] that the
    attention + MLP blocks propose, before any gating: project x_t [B, D]
    to a row x' = x_t W_in + b_in, append it to memory [B, N, F], apply the
    core's num_blocks blocks with core.params (each its own attention and
    layer norms, one MLP shared by all), then drop the input row. The cores
    have gate_style=None, so the reference is core.step(x_t, memory)[1]."""
    rng = np.random.default_rng(10)
    settings = [
        ("one block, one head, B=1, N=3, D=5", 1, 5,
         dict(mem_slots=3, head_size=4, num_heads=1, num_blocks=1)),
        ("one block, 2 heads, B=2, N=4, D=7", 2, 7,
         dict(mem_slots=4, head_size=4, num_heads=2, num_blocks=1)),
        ("two blocks (the MLP is shared), B=2, N=4, D=3", 2, 3,
         dict(mem_slots=4, head_size=3, num_heads=2, num_blocks=2)),
        ("three blocks, key_size 3 != head_size 4, a 3-layer MLP, N=2", 1, 6,
         dict(mem_slots=2, head_size=4, num_heads=2, num_blocks=3, key_size=3,
              attention_mlp_layers=3)),
    ]
    cases = []
    for description, B, D, config in settings:
        core = _memory_core(rng, input_size=D, **config)
        x_t = rng.normal(size=(B, D))
        memory_ = rng.normal(size=(B, core.mem_slots, core.mem_size))
        cases.append((description,
                      lambda c=core, x=x_t, m=memory_: fn(c, x.copy(), m.copy()),
                      lambda c=core, x=x_t, m=memory_: c.step(x, m)[1]))
    return _run_cases("check_attend_and_crop", cases)


def check_input_attention(fn):
    """fn(trace) must return how much each memory slot attends to the input
    row, averaged over the heads: an array [T, blocks, B, N], from
    trace.attention [T, blocks, B, H, N+1, N+1] (axis -2: the querying row,
    axis -1: the row attended to; index N is the input row)."""
    from .trace import record

    rng = np.random.default_rng(11)
    settings = [
        ("T=3 steps, 1 block, B=1, 1 head, N=2", 3, 1, 1,
         dict(mem_slots=2, head_size=3, num_heads=1, num_blocks=1)),
        ("T=4 steps, 2 blocks, B=2, 2 heads, N=4", 4, 2, 2,
         dict(mem_slots=4, head_size=2, num_heads=2, num_blocks=2)),
        ("T=2 steps, 3 blocks, B=3, 4 heads, N=3", 2, 3, 3,
         dict(mem_slots=3, head_size=2, num_heads=4, num_blocks=3)),
    ]
    cases = []
    for description, T, B, D, config in settings:
        core = _memory_core(rng, input_size=D, **config)
        x = rng.normal(size=(B, T, D))

        def learner(core=core, x=x):
            return fn(record(core, x)[2])

        def expected(core=core, x=x):
            weights = record(core, x)[2].attention
            N = weights.shape[-1] - 1
            return weights[..., :N, N].mean(axis=3)

        cases.append((description, learner, expected))
    return _run_cases("check_input_attention", cases)


# ----------------------------------------------------------------------------
# 05_training: the loss gradient, one Adam step, clipping by the global norm
# ----------------------------------------------------------------------------

def check_cross_entropy_gradient(fn):
    """fn(logits, labels) must return dL/dlogits [B, C] for the mean softmax
    cross-entropy L = -(1/B) sum_i log softmax(logits_i)[labels_i], taken on
    raw logits: (softmax(logits) - one_hot(labels)) / B, finite for large
    logits. Reference: layers.softmax_cross_entropy_backward."""
    rng = np.random.default_rng(12)
    settings = [
        ("a batch of 5 examples, 4 classes (is the mean's 1/B there?)", 5, 4, 1.0),
        ("one example, 3 classes", 1, 3, 1.0),
        ("a batch of 64 examples, 8 classes", 64, 8, 3.0),
        ("logits of size 1000 (does the softmax overflow?)", 3, 4, 1000.0),
    ]
    cases = []
    for description, B, C, scale in settings:
        logits = scale * rng.normal(size=(B, C))
        labels = rng.integers(0, C, size=B)

        def expected(z=logits, y=labels):
            return layers.softmax_cross_entropy_backward(1.0, layers.softmax_cross_entropy_forward(z, y)[1])

        cases.append((description, lambda z=logits, y=labels: fn(z.copy(), y.copy()), expected))
    return _run_cases("check_cross_entropy_gradient", cases)


def _reference_adam_step(param, grad, m, v, t, lr, beta1, beta2, eps):
    from .train import Adam

    params = {"p": param.copy()}
    optimizer = Adam(params, lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    optimizer.m["p"][...] = m
    optimizer.v["p"][...] = v
    optimizer.t = t - 1
    optimizer.step({"p": grad})
    return params["p"], optimizer.m["p"], optimizer.v["p"]


def check_adam_step(fn):
    """fn(param, grad, m, v, t, lr, beta1, beta2, eps) must return
    (param, m, v) after Adam's step number t (t = 1 for the first step) with
    bias correction: m = beta1 m + (1 - beta1) grad, v = beta2 v + (1 - beta2)
    grad^2, param - lr m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - beta1^t),
    v_hat = v / (1 - beta2^t). Reference: rmc_lib.train.Adam."""
    rng = np.random.default_rng(13)
    settings = [
        ("the first step (t = 1) from m = v = 0, default betas", (3, 4), 1, 1e-3, 0.9, 0.999, 1e-8, True),
        ("step t = 10 with earlier moments, lr 0.01", (5,), 10, 1e-2, 0.9, 0.999, 1e-8, False),
        ("step t = 3, beta1 0.5, beta2 0.9, eps 1e-3", (2, 3), 3, 1e-1, 0.5, 0.9, 1e-3, False),
        ("step t = 1000 (bias correction still matters)", (4,), 1000, 3e-3, 0.9, 0.999, 1e-8, False),
    ]
    cases = []
    for description, shape, t, lr, b1, b2, eps, fresh in settings:
        param, grad = rng.normal(size=shape), rng.normal(size=shape)
        m = np.zeros(shape) if fresh else 0.1 * rng.normal(size=shape)
        v = np.zeros(shape) if fresh else 0.01 * rng.uniform(0.1, 1.0, size=shape)
        args = (param, grad, m, v)

        def learner(a=args, t=t, lr=lr, b1=b1, b2=b2, eps=eps):
            got = fn(*[x.copy() for x in a], t, lr, b1, b2, eps)
            return tuple(got) if isinstance(got, (tuple, list)) else got

        def expected(a=args, t=t, lr=lr, b1=b1, b2=b2, eps=eps):
            return _reference_adam_step(*[x.copy() for x in a], t, lr, b1, b2, eps)

        cases.append((description, learner, expected))
    return _run_cases("check_adam_step", cases, rtol=1e-6, atol=1e-10)


def check_clip_by_global_norm(fn):
    """fn(grads, max_norm) must return (clipped, norm): norm is the global
    norm, the square root of the sum of every squared entry of every array in
    the dict grads, and clipped is a dict with the same keys in which every
    array is scaled by the same factor max_norm / norm when norm > max_norm
    (and left as it is otherwise). Reference: rmc_lib.train.clip_by_global_norm."""
    from .train import clip_by_global_norm

    name = "check_clip_by_global_norm"
    rng = np.random.default_rng(14)
    settings = [
        ("two arrays, each below max_norm but jointly above it", {"W": (3, 4), "b": (4,)}, 0.8, 1.0),
        ("three arrays, each far above max_norm", {"a.W": (5, 5), "a.b": (5,), "c": (2, 3, 2)}, 10.0, 1.0),
        ("a joint norm below max_norm: nothing changes", {"W": (2, 2), "b": (2,)}, 0.1, 5.0),
        ("one array, max_norm 0.5", {"W": (6,)}, 3.0, 0.5),
    ]
    for description, shapes, scale, max_norm in settings:
        grads = {}
        for key, shape in shapes.items():
            g = rng.normal(size=shape)
            grads[key] = scale * g / np.linalg.norm(g)      # each array's own norm is `scale`
        want_clipped, want_norm = clip_by_global_norm(grads, max_norm)
        try:
            result = fn({k: v.copy() for k, v in grads.items()}, max_norm)
        except Exception as exc:  # the learner's code may raise anything
            print(f"{name}: failed on {description}: your function raised {type(exc).__name__}: {exc}")
            return False
        if not isinstance(result, (tuple, list)) or len(result) != 2 or not isinstance(result[0], dict):
            print(f"{name}: failed on {description}: expected a pair (clipped, norm) with clipped a dict, "
                  f"got {type(result).__name__}")
            return False
        clipped, norm = result
        if sorted(clipped) != sorted(grads):
            print(f"{name}: failed on {description}: clipped has the keys {sorted(clipped)}, "
                  f"expected {sorted(grads)}")
            return False
        if np.ndim(norm) != 0 or not np.isclose(float(norm), want_norm, rtol=1e-6):
            print(f"{name}: failed on {description}: the norm should be {want_norm:.4f} "
                  f"(before clipping, over all arrays together), got {norm}")
            return False
        for key in grads:
            got = np.asarray(clipped[key])
            if got.shape != grads[key].shape:
                print(f"{name}: failed on {description}: clipped[{key!r}] has shape {got.shape}, "
                      f"expected {grads[key].shape}")
                return False
            if not np.allclose(got, want_clipped[key], rtol=1e-6, atol=1e-12):
                worst = float(np.max(np.abs(got - want_clipped[key])))
                print(f"{name}: failed on {description}: clipped[{key!r}] differs by up to {worst:.3g}")
                return False
    print(f"{name}: passed ({len(settings)} cases)")
    return True


# ----------------------------------------------------------------------------
# 06_tasks
# ----------------------------------------------------------------------------

def check_distance_ranks(fn):
    """fn(vectors, reference) must return, for each of the K objects of
    vectors [K, F], its rank of distance from vectors[reference]: 1 for the
    farthest, ..., K for the reference itself (Euclidean distances)."""
    rng = np.random.default_rng(21)
    settings = [("4 objects of 4 features, reference 0", 4, 4, 0),
                ("4 objects in 2-D, reference 2", 4, 2, 2),
                ("8 objects of 16 features (the paper's size), reference 5", 8, 16, 5),
                ("3 objects in 1-D, reference 1", 3, 1, 1)]
    cases = []
    for description, K, F, reference in settings:
        vectors = rng.uniform(-1, 1, size=(K, F))
        cases.append((description, lambda v=vectors, r=reference: fn(v.copy(), r),
                      lambda v=vectors, r=reference: task_views.distance_ranks(v, r)[1]))
    return _run_cases("check_distance_ranks", cases)


def _reference_accuracy_by_n(predictions, labels, n, num_objects):
    result = np.full(num_objects, np.nan)
    for value in range(1, num_objects + 1):
        mask = n == value
        if mask.any():
            result[value - 1] = np.mean(predictions[mask] == labels[mask])
    return result


def check_accuracy_by_n(fn):
    """fn(predictions, labels, n, num_objects) must return an array of
    num_objects accuracies: entry n-1 is the fraction of right predictions
    among the problems that asked for that n (nan when none did)."""
    rng = np.random.default_rng(22)
    cases = []
    for description, K, size, missing in [("K = 4, 400 problems", 4, 400, None),
                                          ("K = 8, 50 problems", 8, 50, None),
                                          ("K = 4, no problem asks n = 3 (that entry is nan)", 4, 100, 3)]:
        labels = rng.integers(0, K, size=size)
        predictions = np.where(rng.random(size) < 0.6, labels, rng.integers(0, K, size=size))
        n = rng.integers(1, K + 1, size=size)
        if missing is not None:
            n[n == missing] = 1
        cases.append((description,
                      lambda p=predictions, y=labels, n=n, K=K: fn(p.copy(), y.copy(), n.copy(), K),
                      lambda p=predictions, y=labels, n=n, K=K: _reference_accuracy_by_n(p, y, n, K)))
    return _run_cases("check_accuracy_by_n", cases, allow_nan=True,
                      hint=lambda got, want: (f": expected {np.round(want, 4).tolist()}, got "
                                              f"{np.round(got, 4).tolist()} (entry n-1 is the accuracy for n)"))


def check_accuracy_at(fn):
    """fn(examples, accuracy, budget) must return the last accuracy logged at
    or before `budget` training examples (examples increasing), or nan if the
    first evaluation came later. Reference: rmc_lib.runs.value_at."""
    from .runs import value_at

    examples = np.array([64_000, 128_000, 192_000, 256_000], dtype=float)
    accuracy = np.array([0.33, 0.41, 0.72, 0.86])
    cases = []
    for budget, description in [(128_000, "a budget exactly at an evaluation"),
                                (200_000, "a budget between two evaluations"),
                                (10_000_000, "a budget after the last evaluation"),
                                (1_000, "a budget before the first evaluation (nan)")]:
        cases.append((f"{description}, {budget:,} examples",
                      lambda b=budget: fn(examples.copy(), accuracy.copy(), b),
                      lambda b=budget: value_at({"examples": examples, "eval_accuracy": accuracy}, b)))
    return _run_cases("check_accuracy_at", cases, allow_nan=True)


# ----------------------------------------------------------------------------
# 07_explore
# ----------------------------------------------------------------------------

def check_memory_change(fn):
    """fn(memory) must return, for memory [T+1, N, F] (the initial memory,
    then the memory after each step), how far each slot moved at each step:
    [T, N], entry [t, i] = ||memory[t+1, i] - memory[t, i]|| (Euclidean)."""
    rng = np.random.default_rng(23)
    cases = []
    for description, shape in [("T = 4 steps, N = 4 slots of F = 8", (5, 4, 8)),
                               ("T = 1 step, N = 2 slots of F = 3", (2, 2, 3)),
                               ("T = 8 steps, N = 1 slot of F = 16", (9, 1, 16))]:
        memory = rng.normal(size=shape)
        cases.append((description, lambda m=memory: fn(m.copy()),
                      lambda m=memory: np.linalg.norm(np.diff(m, axis=0), axis=-1)))
    return _run_cases("check_memory_change", cases)


def check_pca_2d(fn):
    """fn(vectors) must return [K, 2]: the coordinates of the rows of vectors
    [K, F] (F > 2) on their two principal axes, after centring (the first
    column along the direction of largest spread). A principal axis has no
    preferred sign, so each column is compared up to its sign."""
    rng = np.random.default_rng(24)
    cases = []
    for description, vectors in [("4 vectors of 4 features", rng.uniform(-1, 1, size=(4, 4))),
                                 ("8 vectors of 16 features", rng.uniform(-1, 1, size=(8, 16))),
                                 ("6 vectors spread mostly along feature 2",
                                  rng.normal(size=(6, 3)) * [0.1, 0.2, 3.0])]:
        want = task_views.project_2d(vectors)
        cases.append((description, lambda v=vectors, w=want: _signs_as(fn(v.copy()), w), lambda w=want: w))
    return _run_cases("check_pca_2d", cases,
                      hint=lambda got, want: ("" if np.allclose(got.mean(axis=0), 0)
                                              else " (did you centre the vectors first?)"))


def _signs_as(got, want):
    """got with each column's sign flipped to agree with want's (a principal
    axis has no preferred sign); as it is when the shapes differ."""
    got = np.asarray(got, dtype=float)
    if got.shape != want.shape:
        return got
    return got * np.where(np.sum(got * want, axis=0) < 0, -1.0, 1.0)
