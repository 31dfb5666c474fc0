"""rmc_lib's ACT against Sonnet v1's own ACTCore (dm-sonnet 1.36, around
snt.LSTM), run in float64 by bench/make_act_reference.py and stored in
tests/data/act_reference.npz: outputs, ponder steps, remainders, final state and
every gradient (variables, input, initial state), to 1e-10 of each array's
largest value, in four configurations (examples pondering 2 to 86 steps in one
batch; max_steps stopping some; every example halting at its first step;
Graves's threshold 0.99 from a random initial state)."""

from pathlib import Path

import numpy as np
import pytest

from rmc_lib.cores.act import ACT
from rmc_lib.cores.sonnet_lstm import SonnetLSTM

DATA = Path(__file__).resolve().parent.parent / "data" / "act_reference.npz"
REFERENCE = dict(np.load(DATA, allow_pickle=False))
CONFIGS = [str(c) for c in REFERENCE["configs"]]
NAMES = {"core.w_gates": "lstm/w_gates", "core.b_gates": "lstm/b_gates",
         "halting.W": "act_core/halting_linear/w", "halting.b": "act_core/halting_linear/b",
         "out.W": "act_core/act_output_linear/w", "out.b": "act_core/act_output_linear/b"}
TOLERANCE = 1e-10


def ours(name):
    ref = {k[len(name) + 1:]: v for k, v in REFERENCE.items() if k.startswith(name + "/")}
    B, T, D, H, O, threshold, max_steps = ref["config"]
    core = SonnetLSTM(int(H), input_size=int(D) + 1, rng=np.random.default_rng(0))
    act = ACT(core, int(O), rng=np.random.default_rng(0), threshold=float(threshold), max_steps=int(max_steps))
    for ours_name, sonnet_name in NAMES.items():
        act.params[ours_name][...] = ref[f"var/{sonnet_name}"]
    return act, ref


def relative(a, b):
    scale = max(np.abs(b).max(), 1e-300)
    return float(np.abs(a - b).max() / scale)


@pytest.mark.parametrize("name", CONFIGS)
def test_forward_and_every_gradient_match_sonnet(name):
    act, ref = ours(name)
    y, (h, c), (N, R), cache = act.forward(ref["x"], (ref["h0"], ref["c0"]))
    np.testing.assert_array_equal(N, ref["iterations"])
    for mine, theirs in ((y, "outputs"), (R, "remainders"), (h, "h"), (c, "c")):
        assert relative(mine, ref[theirs]) < TOLERANCE, theirs
    grads, dx, (dh0, dc0) = act.backward(ref["R_y"], (ref["R_h"], ref["R_c"]), ref["R_r"], cache)
    for ours_name, sonnet_name in NAMES.items():
        assert relative(grads[ours_name], ref[f"grad/{sonnet_name}"]) < TOLERANCE, ours_name
    for mine, theirs in ((dx, "grad/x"), (dh0, "grad/h0"), (dc0, "grad/c0")):
        assert relative(mine, ref[theirs]) < TOLERANCE, theirs


def test_the_reference_covers_what_it_should():
    its = {name: REFERENCE[f"{name}/iterations"] for name in CONFIGS}
    assert len(np.unique(its["a"])) > 3                       # one batch, very different ponder times
    assert its["b"].max() == 3 and its["b"].min() < 3         # max_steps = 3 stops some, not all
    assert np.all(its["c"] == 1) and np.all(REFERENCE["c/remainders"] == 0)   # Sonnet's remainder at N = 1
    assert np.abs(REFERENCE["d/h0"]).max() > 0                # a random initial state
