"""LSTM, the corrected Relational RNN and the sequence classifier:
end-to-end gradient checks through time, and what the corrections promise."""

import numpy as np
import pytest

from rmc_lib.nn.gates import gates_forward
from rmc_lib.nn.gradcheck import check_gradients
from rmc_lib.cores.lstm import LSTM
from rmc_lib.cores.classifier import SequenceClassifier
from rmc_lib.cores.relational_rnn import RelationalRNN
from rmc_lib.cores.rmc import RelationalMemory

TOL = 1e-6


def perturb_non_weights(params, rng):
    for name, value in params.items():
        if not name.endswith("W"):
            value += 0.3 * rng.normal(size=value.shape)   # in place: shared arrays stay shared


def gradcheck_core(core, state0, rng, B=2, T=3):
    x = rng.normal(size=(B, T, core.input_size))
    outputs, final, cache = core.forward(x, state0)
    d_out = rng.normal(size=outputs.shape)
    d_final = tuple(rng.normal(size=s.shape) for s in final)
    grads, dx, d_state0 = core.backward(d_out, d_final, cache)

    def loss():
        out, fin, _ = core.forward(x, state0)
        return np.sum(out * d_out) + sum(np.sum(f * d) for f, d in zip(fin, d_final))

    arrays = {**core.params, "x": x, **{f"state0[{i}]": s for i, s in enumerate(state0)}}
    analytic = {**grads, "x": dx, **{f"state0[{i}]": s for i, s in enumerate(d_state0)}}
    errors = check_gradients(loss, arrays, analytic)
    bad = {k: v for k, v in errors.items() if not v < TOL}
    assert not bad, bad
    assert all(np.any(g != 0) for g in analytic.values())


def test_lstm_gradients_through_time(rng):
    lstm = LSTM(4, input_size=3, rng=rng)
    perturb_non_weights(lstm.params, rng)
    state0 = (rng.normal(size=(2, 4)), rng.normal(size=(2, 4)))
    gradcheck_core(lstm, state0, rng)


def test_lstm_forget_bias_starts_at_one(rng):
    lstm = LSTM(5, input_size=3, rng=rng)
    np.testing.assert_array_equal(lstm.params["b"][5:10], 1.0)
    np.testing.assert_array_equal(np.delete(lstm.params["b"], np.s_[5:10]), 0.0)


def test_lstm_matches_the_textbook_step(rng):
    lstm = LSTM(3, input_size=2, rng=rng)
    x = rng.normal(size=(1, 1, 2))
    out, (h, c), _ = lstm.forward(x)
    z = x[0, 0] @ lstm.params["x.W"] + lstm.params["b"]   # h0 = c0 = 0
    s = lambda v: 1 / (1 + np.exp(-v))
    c_expected = s(z[:3]) * np.tanh(z[6:9])
    np.testing.assert_allclose(c[0], c_expected)
    np.testing.assert_allclose(h[0], s(z[9:]) * np.tanh(c_expected))


@pytest.mark.parametrize("gate_style", ["unit", "memory", None])
def test_relational_rnn_gradients_through_time(rng, gate_style):
    model = RelationalRNN(4, mem_slots=3, head_size=2, num_heads=2, gate_style=gate_style,
                          input_size=3, rng=rng)
    perturb_non_weights(model.params, rng)
    h0, c0, M0 = model.initial_state(2)
    state0 = (h0 + 0.1 * rng.normal(size=h0.shape), c0 + 0.1 * rng.normal(size=c0.shape),
              M0 + 0.1 * rng.normal(size=M0.shape))
    gradcheck_core(model, state0, rng)


def test_relational_rnn_corrections(rng):
    model = RelationalRNN(6, mem_slots=4, head_size=4, num_heads=2, input_size=3, rng=rng)
    _, _, M0 = model.initial_state(2)
    # 1. slots start distinct
    assert len({row.tobytes() for row in M0[0]}) == 4
    # 2. the input reaches every slot in the same step
    x = rng.normal(size=(1, 1, 3))
    _, (_, _, M_a), _ = model.forward(x)
    _, (_, _, M_b), _ = model.forward(x + 1.0)
    assert np.all(np.abs(M_a - M_b).max(axis=-1) > 1e-6)
    # 3. gates really gate: with no input signal the memory is kept, not halved
    p = model.params
    for name in p:
        if name.startswith("memory.gate_"):
            p[name][...] = 0.0
    (_, f), _ = gates_forward(
        np.zeros((1, 8)), M0[:1], p["memory.gate_input.W"], p["memory.gate_input.b"],
        p["memory.gate_memory.W"], p["memory.gate_memory.b"], 0.0, 1.0)
    assert np.all(f > 0.7)


def test_parameter_dicts_are_shared_with_the_parts(rng):
    model = RelationalRNN(4, mem_slots=2, head_size=2, input_size=3, rng=rng)
    assert model.params["lstm.b"] is model.lstm.params["b"]
    assert model.params["memory.input.W"] is model.memory.params["input.W"]


@pytest.mark.parametrize("kind", ["rmc", "lstm", "relational_rnn"])
def test_sequence_classifier_gradients(rng, kind):
    if kind == "rmc":
        core = RelationalMemory(2, 2, num_heads=2, input_size=3, rng=rng)
    elif kind == "lstm":
        core = LSTM(4, input_size=3, rng=rng)
    else:
        # mem_size 4, not 2: a layer norm over 2 features maps every row to
        # +-gamma + beta, whose slope explodes when the two values nearly tie,
        # and finite differences there measure that cliff, not a bug
        core = RelationalRNN(4, mem_slots=2, head_size=2, num_heads=2, input_size=3, rng=rng)
    model = SequenceClassifier(core, num_classes=3, head_hidden=5, rng=rng)
    perturb_non_weights(model.params, rng)
    x = rng.normal(size=(4, 3, 3))
    labels = np.array([0, 2, 1, 2])
    loss, grads, logits = model.loss_and_grads(x, labels)
    assert logits.shape == (4, 3) and np.isfinite(loss)
    f = lambda: model.loss_and_grads(x, labels)[0]
    errors = check_gradients(f, model.params, grads)
    bad = {k: v for k, v in errors.items() if not v < TOL}
    assert not bad, bad
    np.testing.assert_array_equal(model.predict(x), logits.argmax(axis=1))
    probabilities = model.predict_proba(x)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.log(probabilities[np.arange(4), labels]).mean(), -loss, rtol=1e-10)


def test_lstm_rejects_bad_state(rng):
    lstm = LSTM(4, input_size=3, rng=rng)
    with pytest.raises(ValueError, match=r"state c must have shape \[2, 4\], got \[2, 5\]"):
        lstm.forward(np.zeros((2, 3, 3)), (np.zeros((2, 4)), np.zeros((2, 5))))
    with pytest.raises(ValueError, match=r"x must have shape \[B, T, input_size=3\]"):
        lstm.forward(np.zeros((2, 3, 4)))
