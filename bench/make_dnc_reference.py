"""Make tests/data/dnc_reference.npz: what DeepMind's released DNC computes, forward and backward.

What it does
------------
Stage ``reference`` (run with a Python that has TensorFlow and dm-sonnet 1.36)
imports DeepMind's own DNC (github deepmind/dnc: ``dnc/dnc.py``, ``access.py``,
``addressing.py``, ``util.py``) from a checkout given on the command line and,
for each configuration (``configs()``: the five SHAPES a-e, first from
deepmind's zero initial state as c0-c4, then from a random one as c5-c9),

1. builds ``dnc.DNC(access_config, controller_config, output_size,
   clip_value)`` in a float64 TF1 graph (deepmind's code hard-codes no float
   dtype on the data path: Sonnet creates every variable in the input's dtype,
   and ``DNC.initial_state`` takes a dtype);
2. unrolls it with ``tf.nn.dynamic_rnn`` over an input x [B, T, D] (standard
   normal, numpy) from an initial state that is either deepmind's own
   ``initial_state(B, tf.float64)`` (all zeros) or a random valid state
   (``initial_state = "random"``, see ``random_state``);
3. initialises the variables with Sonnet's own initialisers (``tf.set_random_seed``)
   and then overwrites every one of them with numpy draws, ``weight_scale *
   standard_normal`` (0.5, or 1.0 for shape e; biases included, so no gate
   sits at 0.5 and none is saturated), drawn in deepmind's creation order;
4. records the outputs, every part of the final ``DNCState`` and the gradients
   of the scalar loss
       L = sum(outputs * R/outputs) + sum over final-state parts p of sum(p * R/final/p)
   (R standard normal) with respect to every variable, x and every part of
   the initial state;
5. unrolls a second copy of the same core (same variables) step by step in a
   Python loop, records every step's state and the intermediate quantities
   that are not part of the state (the interface vectors, allocation weights,
   content weights, forward/backward weights, usage after the write, the
   values before each clip) and reports the largest difference between the
   loop and ``dynamic_rnn`` in outputs, final state and all gradients
   (a cross-check of the unroll; the loop's own gradients are not saved).

``all`` runs stage ``reference`` with ``--tf-python``; a ``compare`` stage
(rmc_lib's DNC against this file) comes with rmc_lib's DNC.

DeepMind's code is used as it is, read from ``--dnc-src`` (the directory that
holds the ``dnc`` package); nothing of it is copied here. The git blob hashes
of its four files are checked against DNC_SOURCE_BLOBS (commit
d3d94b3b1f1efc282481910054f82047caf37f65 of 6 Aug 2018, the head of
deepmind/dnc's master) and saved in every configuration.

The saved file (np.load(..., allow_pickle=False)), for configuration c:
  num_configs                 0-d int64
  ops/softplus/x, /y, /dy     TF's float64 softplus and its gradient at a few points (see below)
  c{c}/config                 JSON (0-d unicode): access_config, controller_config, output_size,
                              clip_value, input_size, batch_size, time_steps, initial_state
                              ("zeros" or "random"), seed, weight_scale, the versions used,
                              the dnc source blobs and commit, clip counts ([changed, of] per
                              clip point), the loop-vs-dynamic_rnn differences, and
                              grad_state0_disconnected (initial-state parts the loss does not
                              depend on through any differentiable path: tf.gradients of the
                              Python loop returns None for them; dynamic_rnn returns zeros,
                              which are what grad_state0 holds)
  c{c}/names                  JSON list of [name, shape] of the variables in creation order
  c{c}/state_parts            JSON list of [part, shape] of the state in nest.flatten order
  c{c}/x                      [B, T, D] input
  c{c}/outputs                [B, T, output_size] from dynamic_rnn
  c{c}/state0/<part>          the initial state used (zeros for deepmind's initial_state)
  c{c}/final/<part>           the final state from dynamic_rnn
  c{c}/var/<name>             the weights, under deepmind's variable names (no ':0'):
                              dnc/lstm/w_gates, dnc/lstm/b_gates,
                              dnc/memory_access/<linear>/w and /b, dnc/output_linear/w and /b
  c{c}/grad/<name>            dL/d variable
  c{c}/grad_x                 dL/dx [B, T, D]
  c{c}/grad_state0/<part>     dL/d initial-state part
  c{c}/R/outputs, c{c}/R/final/<part>   the random weights of the loss
  c{c}/steps/output           [T, B, output_size]      (Python loop, step by step)
  c{c}/steps/state/<part>     [T, ...]  the state after each step (steps/state/<p>[-1] = final/<p>)
  c{c}/steps/interface/<key>  [T, ...]  MemoryAccess._read_inputs: read_content_keys,
                              read_content_strengths (before softplus), write_content_keys,
                              write_content_strengths (before softplus), write_vectors,
                              erase_vectors, free_gate, allocation_gate, write_gate, read_mode
  c{c}/steps/usage_after_write        [T, B, N]    before the free gates act
  c{c}/steps/allocation_weights       [T, B, num_writes, N]  (not yet scaled by the gates)
  c{c}/steps/write_content_weights    [T, B, num_writes, N]
  c{c}/steps/read_content_weights     [T, B, num_reads, N]
  c{c}/steps/forward_weights, backward_weights   [T, B, num_reads, num_writes, N]
  c{c}/steps/unclipped/<point>  [T, B, ...]  the input of each _clip_if_enabled call, for
                              point in controller_output, hidden, cell, output
State parts (deepmind's DNCState, AccessState, TemporalLinkageState, LSTMState):
  access_output [B, R, W] (the read words), access_state/memory [B, N, W],
  access_state/read_weights [B, R, N], access_state/write_weights [B, num_writes, N],
  access_state/linkage/link [B, num_writes, N, N],
  access_state/linkage/precedence_weights [B, num_writes, N], access_state/usage [B, N],
  controller_state/hidden [B, H], controller_state/cell [B, H].

What deepmind's code does that the paper (Graves et al. 2016, Methods) does not say
-----------------------------------------------------------------------------------
* Read modes: softmax over 1 + 2 num_writes per read head, ordered
  [backward x num_writes, forward x num_writes, content]; the paper's pi_t is
  (backward, content, forward).
* Strengths: content strengths go through softplus (>= 0); the paper's
  oneplus is 1 + softplus (>= 1).
* The interface is one snt.Linear per quantity, each with a bias, on the
  (clipped) controller output; the paper's W_xi has no bias. The output is
  one Linear (with bias) on [controller output, this step's read words]; the
  paper's y = W_y h + W_r r has none.
* Controller: one snt.LSTM with the constant forget bias 1.0 (not in
  b_gates), no peepholes; input [x, previous read words flattened].
* Clipping (clip_value > 0, not in the paper): tf.clip_by_value of the
  controller output, of both parts of the LSTM's next state (hidden and cell,
  so the next step's LSTM sees the clipped cell), and of the final output.
  The hidden state and the controller output are the same tensor, clipped
  twice alike. clip_value None or 0 means no clipping. clip_by_value is
  minimum then maximum; at a value exactly on the bound the gradient passes.
* Usage: ``tf.stop_gradient`` on the previous write weights (the only
  stop_gradient in the code); they are used nowhere else, so the gradient
  with respect to the initial write weights is exactly zero (the link uses
  this step's write weights, not the previous ones). Several write heads
  combine as 1 - prod_w (1 - ww_w). The gradient still flows through the previous usage, the free gates and the
  previous read weights.
* Allocation: usage is first mapped to 1e-6 + (1 - 1e-6) u (so the cumulative
  product never meets an exact 0), sorted by tf.nn.top_k of the non-usage 1 - u
  (descending; ties keep the lower index first, as top_k documents), then an
  exclusive tf.cumprod, then unsorted with a gather. From deepmind's all-zero
  initial state the first step's usage is exactly 0 everywhere, so the very
  first allocation is a tie of all slots and goes to slot 0:
  a = (1 - 1e-6) [1, 1e-6, 1e-12, ...]. The gradient flows through the sorted
  values with the permutation held fixed (top_k's gradient scatters back).
  With several write heads, head k's allocation uses the usage updated by the
  heads before it: u += (1 - u) * allocation_gate_k * write_gate_k * a_k.
* Epsilons: 1e-6 everywhere: vector norms sqrt(sum m^2 + 1e-6), the cosine
  denominator |k||m| + 1e-6, the usage floor above. The paper has none.
  A zero memory row has norm sqrt(1e-6) = 1e-3, so at deepmind's all-zero
  initial memory the first write lookup's cosine has a gradient about 1000
  times |k|^-1 with respect to the memory: grad_state0/access_state/memory
  reaches 25-170 in the zero-state configurations (about 2 from a random
  memory). It is the right value, not noise; compare it relatively.
* From deepmind's zero state, the first step's usage and link are exactly 0,
  so the gradient with respect to the initial read weights is exactly 0
  too (they act only through usage * (1 - f w) and L w).
* Memory: erase by the product over write heads prod_w (1 - ww_w e_w^T), then
  add sum_w ww_w^T v_w. Write content lookup uses the previous memory, read
  lookup the new one.
* Links: L' = (1 - w_i - w_j) L + w_i p_prev_j, then the diagonal set to zero
  with tf.matrix_set_diag (as the paper says); precedence updated after the
  link. Forward weights L w, backward L^T w, from the NEW link and the
  PREVIOUS read weights, one per (read head, write head) pair.
* Products (util.reduce_prod, this commit) are a reverse tf.cumprod followed by
  a gather of the first entry, correct only for axis 1 (the only one used).
  TF's cumprod gradient is cumsum(prod * grad) / x with div_no_nan, so a
  factor that is exactly 0 gets gradient 0 rather than the product of the
  others (it would need an erase or free weight of exactly 1; it never
  happens here). Elsewhere this agrees with the product rule to round-off.
* util.batch_invert_permutation does its index arithmetic in float32 (exact
  below 2^24 entries).
* The output Linear and the interface Linears are constructed inside _build on
  every call; Sonnet reuses their variables (the Python loop makes none new).
* TF softplus (float64 kernel): x for x > -(log(eps) + 2) = 34.04, exp(x) for
  x < -34.04, log1p(exp(x)) between; its gradient is sigmoid(x) everywhere.
  Any stable log1p(exp(x)) agrees to the last bit or one ulp (ops/softplus
  shows it). In float32 the threshold is 13.94.

Setting up the TF/Sonnet environment (outside the repository)
-------------------------------------------------------------
Exactly what was used (Python 3.11.7, Linux x86-64, CPU), as for
make_sonnet_reference.py:

    python3 -m venv /tmp/sonnet-env
    /tmp/sonnet-env/bin/pip install tensorflow-cpu==2.15.1 tensorflow-probability==0.23.0
    /tmp/sonnet-env/bin/pip install --no-deps dm-sonnet==1.36 semantic_version==2.10.0 contextlib2==21.6.0

(it brought numpy 1.26.4, protobuf 4.25.9, wrapt 1.14.2, absl-py 2.5.1, dm-tree 0.1.10).
DeepMind's code, unpacked (no install: it is imported from --dnc-src) from a
clone ``dnc`` of deepmind/dnc (GitHub) at the commit above:

    mkdir -p /tmp/dnc-src
    git -C dnc archive d3d94b3b1f1efc282481910054f82047caf37f65 | tar -x -C /tmp/dnc-src

Then, from the repository root:

    OMP_NUM_THREADS=1 python bench/make_dnc_reference.py all \\
        --tf-python /tmp/sonnet-env/bin/python --dnc-src /tmp/dnc-src

(or ``/tmp/sonnet-env/bin/python bench/make_dnc_reference.py reference --dnc-src /tmp/dnc-src``).
It takes under two minutes on one core (1 min 46 s measured).

Shims (all at import time; none edits deepmind's or Sonnet's files, none
changes what they compute):

* Sonnet 1.36 on TF 2.15: the shims of ``make_sonnet_reference.import_sonnet``
  (imported from there, described in its docstring): the pure-Python protobuf
  backend, a stand-in ``tensorflow.contrib`` package (``framework.nest`` =
  ``tensorflow.python.util.nest``, ``framework.smart_cond``, ``rnn.LSTMBlockCell``
  as a placeholder, ``eager.python.tfe.defun``), and ``collections.Mapping`` /
  ``Iterable`` / ``Sequence`` restored from ``collections.abc``.
* DeepMind's modules say ``import tensorflow as tf`` and use the TF1 API
  (``tf.cumprod``, ``tf.matrix_set_diag``, ``tf.name_scope(name, values=...)``,
  ``tf.contrib.framework.nest.map_structure``). While they are imported,
  ``sys.modules["tensorflow"]`` is ``tensorflow.compat.v1``, so that their
  ``tf`` is the TF1 API they were written for (restored right after); the
  stand-in ``contrib`` is attached to that module too. dnc.py's
  ``nest.map_structure`` is TF's own nest.
* Recording (Python-loop copy only): for the loop, a few methods of the
  module objects (``_read_inputs``, ``_clip_if_enabled``, ``_usage_after_write``,
  ``write_allocation_weights``, ``directional_read_weights`` and the two
  CosineWeights' ``_build``) are replaced on the instance by wrappers that call
  the original and keep its result. dynamic_rnn's graph is built before they
  are set, and they are removed right after the loop.

This file is not a test and is not imported by the tests; the tests read only
the .npz it writes.
"""

import argparse
import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(ROOT, "tests", "data", "dnc_reference.npz")
BATCH = 2
TF_SEED = 1234

DNC_COMMIT = "d3d94b3b1f1efc282481910054f82047caf37f65"
# git blob hashes (git hash-object) of deepmind/dnc's files at DNC_COMMIT.
DNC_SOURCE_BLOBS = {
    "dnc/dnc.py": "db14b2a68ad23bb6248af2d97383c7f67a065446",
    "dnc/access.py": "211d454a1896b86f4ab77fe3787262b3b1d3c2a7",
    "dnc/addressing.py": "97365b13c584bc4de78baaf6c7d6b58f7fa1ddcd",
    "dnc/util.py": "5009c779a0406f1e5ee77e8f9a8fc3941283fa91",
}

# (memory_size, word_size, num_reads, num_writes, hidden_size, input_size, output_size, clip_value, T,
#  weight_scale)
SHAPES = [
    (6, 4, 1, 1, 8, 4, 3, None, 5, 0.5),  # a: one write head, one read head, no clipping
    (5, 3, 2, 1, 6, 3, 3, 20.0, 6, 0.5),  # b: a clip that never bites
    (8, 4, 3, 2, 7, 4, 3, 0, 5, 0.5),     # c: two write heads, three read heads; clip_value 0 = none
    (6, 3, 2, 1, 6, 3, 3, 0.5, 6, 0.5),   # d: a clip that bites (counts printed)
    (7, 3, 2, 2, 8, 3, 3, None, 6, 1.0),  # e: larger weights: sharper lookups, gates nearer 0 and 1
]
CLIP_POINTS = ("controller_output", "hidden", "cell", "output")


def configs():
    """Each shape from deepmind's zero initial state, then again from a random valid one."""
    out = []
    for initial_state in ("zeros", "random"):
        for n, w, r, nw, h, d, o, clip, t, scale in SHAPES:
            out.append(dict(access_config=dict(memory_size=n, word_size=w, num_reads=r, num_writes=nw),
                            controller_config=dict(hidden_size=h), output_size=o, clip_value=clip,
                            input_size=d, batch_size=BATCH, time_steps=t, initial_state=initial_state,
                            weight_scale=scale))
    return out


def git_blob_hash(path):
    with open(path, "rb") as f:
        data = f.read()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


# ----------------------------------------------------------------------
# Stage reference: run deepmind's DNC (TF/Sonnet Python)
# ----------------------------------------------------------------------

def import_dnc(dnc_src):
    """Import Sonnet 1.36 and deepmind's dnc package with the shims described at the top."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from make_sonnet_reference import import_sonnet
    tf, _ = import_sonnet()
    import tensorflow as tf_root
    tf.contrib = tf_root.contrib            # the stand-in package, for dnc.py's nest.map_structure

    sys.path.insert(0, os.path.abspath(dnc_src))
    saved = sys.modules["tensorflow"]
    sys.modules["tensorflow"] = tf          # deepmind's `import tensorflow as tf` gets the TF1 API
    try:
        from dnc import access, addressing, dnc, util
    finally:
        sys.modules["tensorflow"] = saved
    for mod in (dnc, access, addressing, util):
        assert mod.tf is tf, mod.__name__
    return tf, dnc


def random_state(rng, cfg):
    """A valid non-zero DNC state: weightings that are sub-stochastic, usage in (0, 1), no self-links."""
    a = cfg["access_config"]
    B, N, W, R, NW = BATCH, a["memory_size"], a["word_size"], a["num_reads"], a["num_writes"]
    H = cfg["controller_config"]["hidden_size"]

    def weighting(*shape):
        logits = rng.standard_normal(shape)
        soft = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
        return soft * rng.uniform(0.5, 1.0, shape[:-1] + (1,))

    memory = 0.5 * rng.standard_normal((B, N, W))
    read_weights = weighting(B, R, N)
    link = rng.uniform(0.0, 1.0 / N, (B, NW, N, N)) * (1.0 - np.eye(N))
    return {
        "access_output": read_weights @ memory,
        "access_state/memory": memory,
        "access_state/read_weights": read_weights,
        "access_state/write_weights": weighting(B, NW, N),
        "access_state/linkage/link": link,
        "access_state/linkage/precedence_weights": weighting(B, NW, N),
        "access_state/usage": rng.uniform(0.05, 0.95, (B, N)),
        "controller_state/hidden": rng.uniform(-0.9, 0.9, (B, H)),
        "controller_state/cell": 0.5 * rng.standard_normal((B, H)),
    }


def state_paths(state):
    """Names of the state parts in nest.flatten order, from deepmind's namedtuple fields."""
    def walk(value, prefix):
        if isinstance(value, tuple) and hasattr(value, "_fields"):
            out = []
            for field in value._fields:
                out += walk(getattr(value, field), prefix + [field])
            return out
        return ["/".join(prefix)]
    return walk(state, [])


class Recorder:
    """Wrappers set on deepmind's module instances (loop copy only); each keeps what the original returned."""

    def __init__(self, core):
        self.core, self.access = core, core._access
        self.records = {}
        self.originals = []

    def wrap(self, obj, attr, keep):
        original = getattr(obj, attr)

        def wrapper(*args, **kwargs):
            result = original(*args, **kwargs)
            keep(self.records, result, *args, **kwargs)
            return result
        self.originals.append((obj, attr))
        setattr(obj, attr, wrapper)

    def install(self):
        def put(name):
            return lambda rec, result, *a, **k: rec.setdefault(name, []).append(result)

        self.wrap(self.access, "_read_inputs", put("interface"))
        self.wrap(self.access._freeness, "_usage_after_write", put("usage_after_write"))
        self.wrap(self.access._freeness, "write_allocation_weights", put("allocation_weights"))
        self.wrap(self.access._write_content_weights_mod, "_build", put("write_content_weights"))
        self.wrap(self.access._read_content_weights_mod, "_build", put("read_content_weights"))
        self.wrap(self.access._linkage, "directional_read_weights",
                  lambda rec, result, link, prev, forward: rec.setdefault(
                      "forward_weights" if forward else "backward_weights", []).append(result))
        self.wrap(self.core, "_clip_if_enabled",
                  lambda rec, result, x: rec.setdefault("unclipped", []).append(x))

    def remove(self):
        for obj, attr in self.originals:
            delattr(obj, attr)                # back to the class's method
        self.originals = []


def run_reference(tf, dnc, cfg, seed):
    """Build deepmind's DNC in a fresh float64 graph, run it, differentiate it, unroll it by hand."""
    rng = np.random.default_rng(seed)
    B, T, D = cfg["batch_size"], cfg["time_steps"], cfg["input_size"]
    nest = tf.nest
    x = rng.standard_normal((B, T, D))

    graph = tf.Graph()
    with graph.as_default():
        tf.set_random_seed(TF_SEED)
        core = dnc.DNC(cfg["access_config"], cfg["controller_config"], cfg["output_size"],
                       cfg["clip_value"])                       # name='dnc'
        zero_state = core.initial_state(B, dtype=tf.float64)
        parts = state_paths(zero_state)
        if cfg["initial_state"] == "zeros":
            state0 = zero_state
            state0_values = None
        else:
            state0_values = random_state(rng, cfg)
            state0 = nest.pack_sequence_as(
                zero_state, [tf.constant(state0_values[p], dtype=tf.float64) for p in parts])
        state0_flat = nest.flatten(state0)
        x_t = tf.constant(x, dtype=tf.float64)

        outputs, final = tf.nn.dynamic_rnn(core, x_t, initial_state=state0, dtype=tf.float64,
                                           time_major=False)
        all_vars = tf.global_variables()                        # in creation order
        names = [(v.op.name, [int(s) for s in v.shape]) for v in all_vars]
        final_flat = nest.flatten(final)
        shapes = [[int(s) for s in t.shape] for t in state0_flat]

        # The loss's random weights (after the initial state, so zeros/random runs share x).
        r_out = rng.standard_normal((B, T, cfg["output_size"]))
        r_final = {p: rng.standard_normal(s) for p, s in zip(parts, shapes)}

        def loss_of(outs, fin_flat):
            total = tf.reduce_sum(outs * r_out)
            for p, t in zip(parts, fin_flat):
                total += tf.reduce_sum(t * r_final[p])
            return total

        wrt = list(all_vars) + [x_t] + state0_flat
        loss = loss_of(outputs, final_flat)
        grads = tf.gradients(loss, wrt)

        # The same core unrolled by hand, recording every step.
        recorder = Recorder(core)
        recorder.install()
        state, loop_outputs, loop_states = state0, [], []
        for t in range(T):
            out_t, state = core(x_t[:, t], state)
            loop_outputs.append(out_t)
            loop_states.append(nest.flatten(state))
        recorder.remove()
        records = recorder.records
        assert len(tf.global_variables()) == len(all_vars), "the loop made new variables"
        loop_outputs_t = tf.stack(loop_outputs, axis=1)
        loop_grads = tf.gradients(loss_of(loop_outputs_t, loop_states[-1]), wrt)

        # Sonnet's initialisers ran; now every variable gets numpy numbers.
        values = {n: cfg["weight_scale"] * rng.standard_normal(s) for n, s in names}
        session_config = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
        with tf.Session(graph=graph, config=session_config) as sess:
            sess.run(tf.global_variables_initializer())
            for v in all_vars:
                v.load(values[v.op.name], sess)
            for v in all_vars:
                assert np.array_equal(sess.run(v), values[v.op.name]), v.op.name
            fetch = dict(outputs=outputs, final=final_flat, state0=state0_flat,
                         grads=[g if g is not None else tf.zeros_like(w) for g, w in zip(grads, wrt)],
                         loop_outputs=loop_outputs, loop_states=loop_states,
                         loop_grads=[g if g is not None else tf.zeros_like(w)
                                     for g, w in zip(loop_grads, wrt)],
                         records=records)
            res = sess.run(fetch)
        dtypes = sorted({v.dtype.base_dtype.name for v in all_vars} |
                        {t.dtype.base_dtype.name for t in final_flat + [outputs]})

    n_vars = len(all_vars)
    # dynamic_rnn's while loop returns zeros for an unused initial-state part; the loop returns None.
    disconnected = [p for p, g in zip(parts, loop_grads[n_vars + 1:]) if g is None]
    assert all(g is not None for g in loop_grads[:n_vars + 1]), "a variable or x without gradient"
    if state0_values is None:
        assert all(not np.any(s) for s in res["state0"]), "deepmind's initial state is not all zeros"
    return dict(x=x, names=names, parts=parts, shapes=shapes, values=values, r_out=r_out,
                r_final=r_final, disconnected=disconnected, n_vars=n_vars, dtypes=dtypes, **res)


def steps_arrays(prefix, res, parts):
    """The Python loop's per-step records, time first."""
    out = {}
    T = len(res["loop_outputs"])
    out[prefix + "output"] = np.stack(res["loop_outputs"])
    for k, p in enumerate(parts):
        out[prefix + "state/" + p] = np.stack([res["loop_states"][t][k] for t in range(T)])
    rec = res["records"]
    for key in rec["interface"][0]:
        out[prefix + "interface/" + key] = np.stack([step[key] for step in rec["interface"]])
    for name in ("usage_after_write", "allocation_weights", "write_content_weights",
                 "read_content_weights", "forward_weights", "backward_weights"):
        assert len(rec[name]) == T, name
        out[prefix + name] = np.stack(rec[name])
    unclipped = rec["unclipped"]
    assert len(unclipped) == len(CLIP_POINTS) * T, len(unclipped)
    for k, point in enumerate(CLIP_POINTS):
        out[prefix + "unclipped/" + point] = np.stack(unclipped[k::len(CLIP_POINTS)])
    return out


def softplus_probe(tf):
    """TF's float64 softplus and its gradient around the kernel's thresholds (+-34.04)."""
    x = np.array([-800.0, -40.0, -34.1, -34.0, -20.0, -1.0, 0.0, 1.0, 20.0, 30.0, 34.0, 34.04,
                  34.05, 34.1, 40.0, 800.0])
    with tf.Graph().as_default():
        x_t = tf.constant(x, dtype=tf.float64)
        y = tf.nn.softplus(x_t)
        dy = tf.gradients(y, x_t)[0]
        with tf.Session() as sess:
            y_v, dy_v = sess.run([y, dy])
    return x, y_v, dy_v


def stage_reference(dnc_src, out_path):
    tf, dnc = import_dnc(dnc_src)
    import tensorflow as tf_root
    blobs = {name: git_blob_hash(os.path.join(dnc_src, name)) for name in DNC_SOURCE_BLOBS}
    known = blobs == DNC_SOURCE_BLOBS
    if not known:
        print("WARNING: deepmind's files differ from commit", DNC_COMMIT, blobs)
    versions = dict(tensorflow=tf_root.__version__, dm_sonnet=importlib.metadata.version("dm-sonnet"),
                    python=sys.version.split()[0], numpy=np.__version__)
    print("versions:", versions)
    print("dnc source blobs:", blobs)

    out = {}
    sx, sy, sdy = softplus_probe(tf)
    out["ops/softplus/x"], out["ops/softplus/y"], out["ops/softplus/dy"] = sx, sy, sdy
    print("softplus(x) - log1p(exp(x)) (stable) at", sx, ":", sy - np.logaddexp(0.0, sx))

    cfgs = configs()
    for c, cfg in enumerate(cfgs):
        seed = 5000 + c
        res = run_reference(tf, dnc, cfg, seed)
        parts, names, n_vars = res["parts"], res["names"], res["n_vars"]
        T = cfg["time_steps"]

        # Unroll cross-check: the Python loop against dynamic_rnn.
        d_out = np.abs(np.stack(res["loop_outputs"], 1) - res["outputs"]).max()
        d_final = max(np.abs(a - b).max() for a, b in zip(res["loop_states"][-1], res["final"]))
        d_grad = max(np.abs(a - b).max() for a, b in zip(res["loop_grads"], res["grads"]))
        steps = steps_arrays(f"c{c}/steps/", res, parts)
        clip = cfg["clip_value"] or 0
        clip_counts = {}
        for point in CLIP_POINTS:
            pre = steps[f"c{c}/steps/unclipped/{point}"]
            clip_counts[point] = [int((np.abs(pre) > clip).sum()) if clip > 0 else 0, int(pre.size)]
        # The recorded pre-clip values, clipped, are what the loop produced.
        np.testing.assert_array_equal(
            np.clip(steps[f"c{c}/steps/unclipped/output"], -clip, clip) if clip > 0
            else steps[f"c{c}/steps/unclipped/output"], steps[f"c{c}/steps/output"])

        alloc0 = steps[f"c{c}/steps/allocation_weights"][0]
        print(f"config {c}: {json.dumps(cfg)}\n"
              f"  variables {n_vars} ({sum(int(np.prod(s)) for _, s in names)} numbers, dtypes {res['dtypes']}); "
              f"max|output| {np.abs(res['outputs']).max():.4g}; clipped (count, of) {clip_counts}\n"
              f"  python loop vs dynamic_rnn: outputs {d_out:.3g}, final state {d_final:.3g}, "
              f"gradients {d_grad:.3g}; gradient None (saved as 0) for initial {res['disconnected']}\n"
              f"  first step's allocation, head 0, batch 0: {np.array2string(alloc0[0, 0], precision=3)}")

        meta = dict(cfg, seed=seed, tf_seed=TF_SEED, versions=versions,
                    dnc_commit=DNC_COMMIT if known else "unknown", dnc_source_blobs=blobs,
                    unroll="tf.nn.dynamic_rnn", dtypes=res["dtypes"], clip_counts=clip_counts,
                    loop_vs_dynamic_rnn=dict(outputs=float(d_out), final=float(d_final),
                                             grads=float(d_grad)),
                    grad_state0_disconnected=res["disconnected"],
                    loss="sum(outputs * R/outputs) + sum_p sum(final/p * R/final/p)")
        p = f"c{c}/"
        out[p + "config"] = np.array(json.dumps(meta))
        out[p + "names"] = np.array(json.dumps(names))
        out[p + "state_parts"] = np.array(json.dumps([[q, s] for q, s in zip(parts, res["shapes"])]))
        out[p + "x"] = res["x"]
        out[p + "outputs"] = res["outputs"]
        out[p + "R/outputs"] = res["r_out"]
        for k, q in enumerate(parts):
            out[p + "state0/" + q] = res["state0"][k]
            out[p + "final/" + q] = res["final"][k]
            out[p + "R/final/" + q] = res["r_final"][q]
            out[p + "grad_state0/" + q] = res["grads"][n_vars + 1 + k]
        for k, (name, _) in enumerate(names):
            out[p + "var/" + name] = res["values"][name]
            out[p + "grad/" + name] = res["grads"][k]
        out[p + "grad_x"] = res["grads"][n_vars]
        out.update(steps)
        assert all(np.array_equal(steps[f"{p}steps/state/{q}"][T - 1], res["loop_states"][-1][k])
                   for k, q in enumerate(parts))
    out["num_configs"] = np.array(len(cfgs), dtype=np.int64)
    for k, v in out.items():
        assert v.dtype != object, k
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    np.savez_compressed(out_path, **out)
    print(f"wrote {out_path} ({os.path.getsize(out_path)} bytes, {len(out)} arrays)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("stage", choices=["reference", "all"])
    parser.add_argument("--dnc-src", default="/tmp/dnc-src",
                        help="directory holding deepmind's dnc package (dnc/dnc.py, ...)")
    parser.add_argument("--out", default=DEFAULT_OUT)
    parser.add_argument("--tf-python", default="/tmp/sonnet-env/bin/python")
    args = parser.parse_args()
    if args.stage == "reference":
        stage_reference(args.dnc_src, args.out)
    else:
        subprocess.run([args.tf_python, os.path.abspath(__file__), "reference",
                        "--dnc-src", args.dnc_src, "--out", args.out], check=True)


if __name__ == "__main__":
    main()
