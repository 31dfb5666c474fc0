"""Make tests/data/act_reference.npz: what Sonnet v1's ACTCore computes, forward and backward.

Run with a Python that has TensorFlow and dm-sonnet 1.36 (the environment of
make_sonnet_reference.py, whose import shims this script reuses):

    PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python OMP_NUM_THREADS=1 \\
        /tmp/sonnet-env/bin/python bench/make_act_reference.py

For each configuration of CONFIGS it builds, in a float64 TF1 graph, Sonnet's
own `snt.ACTCore(snt.LSTM(H), output_size, threshold, get_state_for_halting=
lambda state: state.hidden, max_steps)` (sonnet/python/modules/pondering_rnn.py,
used as it is), steps it over T time steps of an input x [B, T, D] (standard
normal) from an initial LSTM state (zeros, or standard normal), overwrites
every variable with numpy draws (weight_scale * standard_normal; the halting
bias a constant, so that the examples ponder for different numbers of steps),
and records the outputs, the iterations and remainders, the final state and
the gradients of

    L = sum(outputs * R_y) + sum(remainders * R_r) + sum(final h * R_h) + sum(final c * R_c)

(R standard normal) with respect to every variable, x and the initial state.
tests/cores/test_act_reference.py runs rmc_lib's ACT on the same numbers.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from make_sonnet_reference import import_sonnet  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "data", "act_reference.npz")

# name, B, T, D, H, output size, threshold, max_steps, halting bias, weight scale, halting weight
# scale, random initial state
CONFIGS = [
    ("a", 6, 3, 3, 5, 2, 0.9, 0, -1.0, 0.8, 3.0, False),    # examples ponder for 1 to several steps
    ("b", 6, 3, 3, 5, 2, 0.9, 3, -2.0, 0.8, 3.0, False),    # max_steps stops some of them
    ("c", 3, 2, 2, 4, 3, 0.5, 0, 6.0, 0.5, 0.5, False),     # every example halts at its first step
    ("d", 5, 2, 4, 3, 2, 0.99, 4, -0.5, 1.0, 1.0, True),    # Graves's threshold, a random initial state
]


def run(tf, snt, name, B, T, D, H, O, threshold, max_steps, halting_bias, scale, halting_scale, random_state, rng):
    graph = tf.Graph()
    with graph.as_default():
        x_value = rng.standard_normal((B, T, D))
        x = tf.constant(x_value, dtype=tf.float64)
        lstm = snt.LSTM(H, name="lstm")
        act = snt.ACTCore(lstm, O, threshold, get_state_for_halting=lambda state: state.hidden,
                          max_steps=max_steps, name="act_core")
        h0_value = rng.standard_normal((B, H)) if random_state else np.zeros((B, H))
        c0_value = rng.standard_normal((B, H)) if random_state else np.zeros((B, H))
        h0, c0 = tf.constant(h0_value), tf.constant(c0_value)
        state = snt.LSTMState(hidden=h0, cell=c0)
        outputs, iterations, remainders = [], [], []
        for t in range(T):
            (out, (iteration, remainder)), state = act(x[:, t], state)
            outputs.append(out)
            iterations.append(iteration[:, 0])
            remainders.append(remainder[:, 0])
        outputs, iterations, remainders = tf.stack(outputs, 1), tf.stack(iterations, 1), tf.stack(remainders, 1)
        variables = sorted(tf.trainable_variables(), key=lambda v: v.name)
        weights = {}
        for v in variables:
            shape = v.shape.as_list()
            value = scale * rng.standard_normal(shape)
            if v.name.startswith("act_core/halting_linear/w"):
                value = halting_scale / scale * value
            if v.name.startswith("act_core/halting_linear/b"):
                value = np.full(shape, halting_bias)
            weights[v.name.split(":")[0]] = value
        R = {"y": rng.standard_normal((B, T, O)), "r": rng.standard_normal((B, T)),
             "h": rng.standard_normal((B, H)), "c": rng.standard_normal((B, H))}
        loss = (tf.reduce_sum(outputs * R["y"]) + tf.reduce_sum(remainders * R["r"])
                + tf.reduce_sum(state.hidden * R["h"]) + tf.reduce_sum(state.cell * R["c"]))
        grads = tf.gradients(loss, variables + [x, h0, c0])
        with tf.Session() as session:
            session.run(tf.global_variables_initializer())
            for v in variables:
                v.load(weights[v.name.split(":")[0]], session)
            results = session.run([outputs, iterations, remainders, state.hidden, state.cell] + grads)
    record = {"x": x_value, "h0": h0_value, "c0": c0_value,
              "config": np.array([B, T, D, H, O, threshold, max_steps], float)}
    record.update({f"R_{k}": v for k, v in R.items()})
    record.update({f"var/{k}": v for k, v in weights.items()})
    out_values, it_values, rem_values, h_final, c_final = results[:5]
    record.update(outputs=out_values, iterations=it_values, remainders=rem_values, h=h_final, c=c_final)
    names = [v.name.split(":")[0] for v in variables] + ["x", "h0", "c0"]
    record.update({f"grad/{n}": g for n, g in zip(names, results[5:])})
    print(f"{name}: variables {sorted(weights)}; iterations per example and step {it_values.astype(int).tolist()}")
    return {f"{name}/{k}": v for k, v in record.items()}


def main():
    tf, snt = import_sonnet()
    rng = np.random.default_rng(2016)
    arrays = {}
    for config in CONFIGS:
        arrays.update(run(tf, snt, *config, rng=rng))
    arrays["configs"] = np.array([c[0] for c in CONFIGS])
    arrays["sonnet_version"] = np.array(snt.__version__)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({len(arrays)} arrays)")


if __name__ == "__main__":
    main()
