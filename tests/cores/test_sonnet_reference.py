"""rmc_lib against outputs computed by DeepMind's Sonnet v1 itself.

tests/data/sonnet_reference.npz was made by bench/make_sonnet_reference.py,
which runs the unmodified `relational_memory.py` of dm-sonnet 1.36 (on
TensorFlow 2's v1 compatibility mode, float64) on weights and inputs saved
in the file. Here the same weights are loaded by their Sonnet names and the
same inputs run through rmc_lib: outputs must agree to float64 round-off.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from rmc_lib import RelationalMemory

REFERENCE = Path(__file__).parent.parent / "data" / "sonnet_reference.npz"


def load_configs():
    with np.load(REFERENCE, allow_pickle=False) as data:
        count = int(data["num_configs"])
        configs = []
        for c in range(count):
            prefix = f"c{c}/"
            variables = {k[len(prefix + "var/"):]: data[k] for k in data.files if k.startswith(prefix + "var/")}
            configs.append(dict(
                config=json.loads(str(data[prefix + "config"])),
                variables=variables,
                x=data[prefix + "x"], outputs=data[prefix + "outputs"],
                final_memory=data[prefix + "final_memory"], initial_state=data[prefix + "initial_state"],
                names=json.loads(str(data[prefix + "sonnet_names"])),
                num_params=int(data[prefix + "num_trainable_params"]),
            ))
    return configs


CONSTRUCTOR_ARGS = ("mem_slots", "head_size", "num_heads", "num_blocks", "forget_bias", "input_bias",
                    "gate_style", "attention_mlp_layers", "key_size", "input_size")
CONFIGS = load_configs()
for _ref in CONFIGS:   # the file also records batch size, seed and versions: keep the constructor's
    _ref["config"] = {k: _ref["config"][k] for k in CONSTRUCTOR_ARGS}


def test_the_reference_covers_every_gate_style_and_several_blocks():
    seen = {(c["config"]["gate_style"], c["config"]["num_blocks"]) for c in CONFIGS}
    assert {s for s, _ in seen} == {"unit", "memory", None}
    assert {b for _, b in seen} >= {1, 2, 3}


@pytest.mark.parametrize("ref", CONFIGS, ids=[f"config{i}" for i in range(len(CONFIGS))])
def test_forward_equals_sonnets(ref):
    core = RelationalMemory.from_sonnet(ref["variables"], **ref["config"])
    B = ref["x"].shape[0]
    np.testing.assert_array_equal(core.initial_state(B), ref["initial_state"])
    outputs, final_memory, _ = core.forward(ref["x"])
    np.testing.assert_allclose(outputs, ref["outputs"], rtol=0, atol=1e-12)
    np.testing.assert_allclose(final_memory, ref["final_memory"], rtol=0, atol=1e-12)
    assert core.num_params() == ref["num_params"]


@pytest.mark.parametrize("ref", CONFIGS, ids=[f"config{i}" for i in range(len(CONFIGS))])
def test_variable_names_shapes_and_order_equal_sonnets(ref):
    core = RelationalMemory.from_sonnet(ref["variables"], **ref["config"])
    ours = [[name, list(value.shape)] for name, value in core.to_sonnet().items()]
    assert ours == [[name, list(shape)] for name, shape in ref["names"]]


def test_a_wrong_gain_is_detected():
    """The comparison has teeth: resetting the layer-norm gains moves the outputs."""
    ref = CONFIGS[0]
    core = RelationalMemory.from_sonnet(ref["variables"], **ref["config"])
    for name, value in core.params.items():
        if name.endswith(".gamma"):
            value[...] = 1.0
    outputs, _, _ = core.forward(ref["x"])
    assert np.abs(outputs - ref["outputs"]).max() > 0.1
