"""Sonnet v1's LSTM: its backward pass against finite differences, its
relation to rmc_lib's own LSTM, and Sonnet's variable names."""

import numpy as np
import pytest

from rmc_lib.cores.lstm import LSTM
from rmc_lib.cores.sonnet_lstm import SonnetLSTM
from rmc_lib.nn.gradcheck import check_gradients


def test_backward_matches_finite_differences_for_every_parameter_the_input_and_the_state(rng):
    core = SonnetLSTM(4, input_size=3, rng=rng)
    core.params["b_gates"][...] = rng.normal(size=16)
    x = rng.normal(size=(2, 5, 3))
    h0, c0 = rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    R_out, R_h, R_c = rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))

    def loss():
        out, (h, c), _ = core.forward(x, (h0, c0))
        return np.sum(out * R_out) + np.sum(h * R_h) + np.sum(c * R_c)

    _, _, cache = core.forward(x, (h0, c0))
    grads, dx, (dh0, dc0) = core.backward(R_out, (R_h, R_c), cache)
    errors = check_gradients(loss, {**core.params, "x": x, "h0": h0, "c0": c0},
                             {**grads, "x": dx, "h0": dh0, "c0": dc0})
    assert max(errors.values()) < 1e-7, errors


def test_it_is_rmc_libs_lstm_with_the_gates_reordered_and_a_constant_forget_bias(rng):
    sonnet = SonnetLSTM(5, input_size=3, rng=rng)
    sonnet.params["b_gates"][...] = rng.normal(size=20)
    ours = LSTM(5, input_size=3, rng=rng)
    H, W, b = 5, sonnet.params["w_gates"], sonnet.params["b_gates"]
    i, j, f, o = (slice(k * H, (k + 1) * H) for k in range(4))
    order = np.r_[i, f, j, o]                              # rmc_lib's LSTM: i, f, g, o
    ours.params["x.W"][...] = W[:3, order]
    ours.params["h.W"][...] = W[3:, order]
    ours.params["b"][...] = b[order] + np.r_[np.zeros(H), np.ones(H), np.zeros(2 * H)]
    x = rng.normal(size=(2, 6, 3))
    np.testing.assert_allclose(sonnet.forward(x)[0], ours.forward(x)[0], rtol=1e-12, atol=1e-12)


def test_sonnet_names_round_trip_and_mismatches_are_refused(rng):
    core = SonnetLSTM(4, input_size=3, rng=rng)
    variables = core.to_sonnet("dnc/lstm/")
    assert sorted(variables) == ["dnc/lstm/b_gates", "dnc/lstm/w_gates"]
    assert variables["dnc/lstm/w_gates"].shape == (7, 16)
    again = SonnetLSTM.from_sonnet({k + ":0": v for k, v in variables.items()}, scope="dnc/lstm/",
                                   hidden_size=4, input_size=3)
    x = rng.normal(size=(1, 3, 3))
    np.testing.assert_array_equal(again.forward(x)[0], core.forward(x)[0])
    with pytest.raises(ValueError, match="missing \\['dnc/lstm/b_gates'\\]"):
        SonnetLSTM.from_sonnet({"dnc/lstm/w_gates": variables["dnc/lstm/w_gates"]}, scope="dnc/lstm/",
                               hidden_size=4, input_size=3)
    with pytest.raises(ValueError, match="must have shape \\[7, 16\\]"):
        SonnetLSTM.from_sonnet({**variables, "dnc/lstm/w_gates": np.zeros((6, 16))}, scope="dnc/lstm/",
                               hidden_size=4, input_size=3)
    with pytest.raises(ValueError, match="not under the scope"):
        SonnetLSTM.from_sonnet({"other/w": np.zeros(1)}, scope="dnc/lstm/", hidden_size=4, input_size=3)
