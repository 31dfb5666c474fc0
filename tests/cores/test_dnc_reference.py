"""rmc_lib's DNC against DeepMind's own code (deepmind/dnc at commit d3d94b3,
run by bench/make_dnc_reference.py in float64 through TensorFlow, stored in
tests/data/dnc_reference.npz): outputs, every part of the final state, and
the gradient of a scalar loss with respect to every variable, the input and
every part of the initial state, in ten configurations (1-2 write heads,
1-3 read heads, no clip, a clip that never bites and one that does, zero
and random initial states). No TensorFlow is needed to run this."""

import json
from pathlib import Path

import numpy as np
import pytest

from rmc_lib.cores.dnc import DNC, DNCState, SONNET_STATE

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "dnc_reference.npz"
TOLERANCE = 1e-10         # relative to the largest value of each array


def configs():
    with np.load(REFERENCE, allow_pickle=False) as data:
        return [f"c{i}" for i in range(int(data["num_configs"]))]


def load(c):
    data = np.load(REFERENCE, allow_pickle=False)
    ref = {key[len(c) + 1:]: data[key] for key in data.files if key.startswith(c + "/")}
    return ref, json.loads(str(ref["config"]))


def build(ref, config):
    access = config["access_config"]
    variables = {key[len("var/"):]: value for key, value in ref.items() if key.startswith("var/")}
    return DNC.from_sonnet(variables, memory_size=access["memory_size"], word_size=access["word_size"],
                           num_reads=access["num_reads"], num_writes=access["num_writes"],
                           hidden_size=config["controller_config"]["hidden_size"],
                           output_size=config["output_size"], clip_value=config["clip_value"],
                           input_size=config["input_size"])


def state(ref, prefix):
    return DNCState(*(ref[f"{prefix}/{SONNET_STATE[i]}"] for i in range(len(DNCState._fields))))


def relative(ours, theirs):
    scale = max(np.abs(theirs).max(), 1e-300)
    return float(np.abs(np.asarray(ours) - theirs).max() / scale)


def run(c):
    """Every comparison of configuration c: name -> relative error."""
    ref, config = load(c)
    core = build(ref, config)
    state0 = state(ref, "state0")
    outputs, final, cache = core.forward(ref["x"], state0)
    grads, dx, d_state0 = core.backward(ref["R/outputs"], state(ref, "R/final"), cache)
    errors = {"outputs": relative(outputs, ref["outputs"]), "grad x": relative(dx, ref["grad_x"])}
    for field, ours in zip(DNCState._fields, final):
        errors[f"final {field}"] = relative(ours, ref[f"final/{getattr(SONNET_STATE, field)}"])
    names = core.sonnet_names()
    for ours, theirs in names.items():
        errors[f"grad {theirs}"] = relative(grads[ours], ref[f"grad/{theirs}"])
    for field, ours in zip(DNCState._fields, d_state0):
        theirs = ref[f"grad_state0/{getattr(SONNET_STATE, field)}"]
        if not np.any(theirs):               # deepmind stops this gradient (the write weights in usage)
            errors[f"grad state0 {field} (zero)"] = float(np.abs(ours).max())
        else:
            errors[f"grad state0 {field}"] = relative(ours, theirs)
    return errors


@pytest.mark.parametrize("c", configs())
def test_the_dnc_matches_deepminds_code_to_round_off(c):
    errors = run(c)
    worst = max(errors, key=errors.get)
    assert errors[worst] < TOLERANCE, f"{c}: {worst} differs by {errors[worst]:.2e} (relative); all: {errors}"


def test_the_reference_covers_what_it_should():
    seen = [load(c)[1] for c in configs()]
    assert len(seen) >= 10
    assert {cfg["access_config"]["num_writes"] for cfg in seen} == {1, 2}
    assert {cfg["access_config"]["num_reads"] for cfg in seen} >= {1, 2, 3}
    assert any(cfg["clip_value"] and sum(cfg["clip_counts"]["output"][:1]) > 0 for cfg in seen), \
        "no configuration has a clip that changes an output"
    assert {cfg["initial_state"] for cfg in seen} >= {"zeros"} and len({cfg["initial_state"] for cfg in seen}) == 2


def _swap_directions(monkeypatch):
    from rmc_lib.cores import dnc as module
    original = module.directional_read_weights_forward
    monkeypatch.setattr(module, "directional_read_weights_forward",
                        lambda link, weights, forward: original(link, weights, not forward))


def _head_by_head_write(monkeypatch):
    from rmc_lib.cores import dnc as module
    from rmc_lib.nn.memory_access import write_forward
    monkeypatch.setattr(module, "erase_and_write_forward", write_forward)   # the NTM's form


def _forget_bias_zero(core):
    core.controller.forget_bias = 0.0


def _no_clip(core):
    core.clip_value = None


@pytest.mark.parametrize("mistake, c", [
    ("forget bias 0 instead of Sonnet's constant 1", "c0"),
    ("forward and backward link weights swapped", "c5"),
    ("the NTM's head-by-head write instead of deepmind's product of erases", "c7"),
    ("no clipping where deepmind clips at 0.5", "c3"),
])
def test_deliberate_mistakes_move_the_result_far_beyond_round_off(mistake, c, monkeypatch):
    ref, config = load(c)
    core = build(ref, config)
    if mistake.startswith("forget"):
        _forget_bias_zero(core)
    elif mistake.startswith("forward"):
        _swap_directions(monkeypatch)
    elif mistake.startswith("the NTM"):
        _head_by_head_write(monkeypatch)
    else:
        _no_clip(core)
    outputs, final, _ = core.forward(ref["x"], state(ref, "state0"))
    worst = max([relative(outputs, ref["outputs"])]
                + [relative(ours, ref[f"final/{getattr(SONNET_STATE, f)}"]) for f, ours in zip(DNCState._fields, final)])
    assert worst > 1e3 * TOLERANCE, f"{mistake}: only {worst:.1e} from deepmind's result"
