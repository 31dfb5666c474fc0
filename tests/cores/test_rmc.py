"""The Relational Memory Core: shapes, Sonnet's parameter counts and names,
end-to-end gradient checks through time, and clear errors."""

import numpy as np
import pytest

from rmc_lib.nn.gradcheck import check_gradients
from rmc_lib.cores.rmc import RelationalMemory, truncated_normal

CONFIGS = [
    # gate_style, num_blocks, key_size, mem_slots, attention_mlp_layers
    ("unit", 1, None, 3, 2),
    ("memory", 1, None, 3, 2),
    (None, 1, None, 3, 2),
    ("unit", 2, 3, 3, 2),     # key_size 3 != head_size 2
    ("unit", 3, None, 5, 1),  # mem_size 4 < mem_slots 5
    ("memory", 2, 1, 2, 3),   # mem_size 4 > mem_slots 2
    (None, 3, 3, 5, 3),
]


def small_core(gate_style, num_blocks, key_size, mem_slots, mlp_layers, seed=0):
    rng = np.random.default_rng(seed)
    core = RelationalMemory(mem_slots, head_size=2, num_heads=2, num_blocks=num_blocks,
                            forget_bias=1.0, input_bias=0.2, gate_style=gate_style,
                            attention_mlp_layers=mlp_layers, key_size=key_size,
                            input_size=3, rng=rng)
    # non-trivial gains and biases, so that their gradients are exercised
    for name, value in core.params.items():
        if not name.endswith(".W"):
            core.params[name] = value + 0.3 * rng.normal(size=value.shape)
    return core, rng


@pytest.mark.parametrize("config", CONFIGS, ids=[str(c) for c in CONFIGS])
def test_end_to_end_gradients_through_time(config):
    core, rng = small_core(*config)
    B, T = 2, 3
    x = rng.normal(size=(B, T, 3))
    memory0 = core.initial_state(B) + 0.1 * rng.normal(size=(B, core.mem_slots, core.mem_size))
    outputs, final, cache = core.forward(x, memory0)
    d_out, d_final = rng.normal(size=outputs.shape), rng.normal(size=final.shape)
    grads, dx, d_memory0 = core.backward(d_out, d_final, cache)
    assert set(grads) == set(core.params)

    def loss():
        out, fin, _ = core.forward(x, memory0)
        return np.sum(out * d_out) + np.sum(fin * d_final)

    arrays = {**core.params, "x": x, "memory0": memory0}
    analytic = {**grads, "x": dx, "memory0": d_memory0}
    errors = check_gradients(loss, arrays, analytic)
    bad = {k: v for k, v in errors.items() if not v < 1e-6}
    assert not bad, bad
    # every gradient is really exercised (a zero gradient would pass trivially)
    assert all(np.any(g != 0) for g in analytic.values())


def test_shapes_and_initial_state():
    core = RelationalMemory(4, 16, num_heads=2, input_size=8, rng=np.random.default_rng(0))
    assert core.mem_size == 32
    M0 = core.initial_state(3)
    np.testing.assert_array_equal(M0[1], np.eye(4, 32))
    outputs, final, _ = core.forward(np.zeros((3, 5, 8)))
    assert outputs.shape == (3, 5, 128) and final.shape == (3, 4, 32)
    np.testing.assert_array_equal(outputs[:, -1], final.reshape(3, -1))


@pytest.mark.parametrize("num_blocks, expected", [(1, 10_112), (2, 13_600)])
def test_parameter_counts_equal_sonnets(num_blocks, expected):
    core = RelationalMemory(4, 16, num_heads=2, num_blocks=num_blocks, input_size=8,
                            rng=np.random.default_rng(0))
    assert core.num_params() == expected


def test_sonnet_names_for_one_and_two_blocks():
    one = RelationalMemory(4, 16, num_heads=2, input_size=8, rng=np.random.default_rng(0)).to_sonnet()
    shapes = {k: v.shape for k, v in one.items()}
    p = "relational_memory/"
    assert shapes == {
        p + "linear/w": (8, 32), p + "linear/b": (32,),
        p + "linear_1/w": (32, 96), p + "linear_1/b": (96,),
        p + "layer_norm/gamma": (96,), p + "layer_norm/beta": (96,),
        p + "layer_norm_1/gamma": (32,), p + "layer_norm_1/beta": (32,),
        p + "mlp/linear_0/w": (32, 32), p + "mlp/linear_0/b": (32,),
        p + "mlp/linear_1/w": (32, 32), p + "mlp/linear_1/b": (32,),
        p + "layer_norm_2/gamma": (32,), p + "layer_norm_2/beta": (32,),
        p + "linear_2/w": (32, 64), p + "linear_2/b": (64,),
        p + "linear_3/w": (32, 64), p + "linear_3/b": (64,),
    }
    two = RelationalMemory(4, 16, num_heads=2, num_blocks=2, input_size=8,
                           rng=np.random.default_rng(0)).to_sonnet()
    shapes2 = {k[len(p):]: v.shape for k, v in two.items()}
    assert shapes2["linear_2/w"] == (32, 96)          # block 1's qkv
    assert shapes2["layer_norm_3/gamma"] == (96,)      # block 1's qkv norm
    assert shapes2["layer_norm_4/gamma"] == (32,) and shapes2["layer_norm_5/beta"] == (32,)
    assert shapes2["linear_3/w"] == (32, 64) and shapes2["linear_4/w"] == (32, 64)  # gates
    assert len(shapes2) == len(shapes) + 8


@pytest.mark.parametrize("config", CONFIGS, ids=[str(c) for c in CONFIGS])
def test_sonnet_round_trip_is_exact(config):
    core, rng = small_core(*config)
    variables = core.to_sonnet()
    again = RelationalMemory.from_sonnet(variables, **core.config())
    assert again.params.keys() == core.params.keys()
    for name in core.params:
        np.testing.assert_array_equal(again.params[name], core.params[name])
    x = rng.normal(size=(2, 3, 3))
    np.testing.assert_array_equal(again.forward(x)[0], core.forward(x)[0])


def test_from_sonnet_accepts_tensorflow_suffix():
    core, _ = small_core("unit", 1, None, 3, 2)
    variables = {k + ":0": v for k, v in core.to_sonnet().items()}
    again = RelationalMemory.from_sonnet(variables, **core.config())
    np.testing.assert_array_equal(again.params["input.W"], core.params["input.W"])


def test_from_sonnet_rejects_missing_extra_and_misshaped():
    core, _ = small_core("unit", 1, None, 3, 2)
    variables = core.to_sonnet()
    missing = dict(variables)
    del missing["relational_memory/linear_3/w"]
    with pytest.raises(ValueError, match=r"missing \['linear_3/w'\], unexpected \[\]"):
        RelationalMemory.from_sonnet(missing, **core.config())
    extra = {**variables, "relational_memory/linear_9/w": np.zeros(2)}
    with pytest.raises(ValueError, match=r"unexpected \['linear_9/w'\]"):
        RelationalMemory.from_sonnet(extra, **core.config())
    bad = {**variables, "relational_memory/linear/w": np.zeros((4, 4))}
    with pytest.raises(ValueError, match=r"relational_memory/linear/w must have shape \[3, 4\], got \[4, 4\]"):
        RelationalMemory.from_sonnet(bad, **core.config())
    with pytest.raises(ValueError, match="not under the scope"):
        RelationalMemory.from_sonnet({"rnn/linear/w": np.zeros(1)}, **core.config())


def test_float32_matches_float64():
    core64 = RelationalMemory(4, 8, num_heads=2, num_blocks=2, input_size=5, rng=np.random.default_rng(1))
    core32 = RelationalMemory.from_sonnet(core64.to_sonnet(), dtype=np.float32, **core64.config())
    x = np.random.default_rng(2).normal(size=(3, 6, 5))
    out64, _, cache64 = core64.forward(x)
    out32, _, cache32 = core32.forward(x)
    assert out32.dtype == np.float32
    np.testing.assert_allclose(out32, out64, atol=1e-4)
    d_out = np.ones_like(out64)
    g64, _, _ = core64.backward(d_out, None, cache64)
    g32, _, _ = core32.backward(d_out.astype(np.float32), None, cache32)
    for name in g64:
        assert g32[name].dtype == np.float32
        np.testing.assert_allclose(g32[name], g64[name], rtol=1e-3, atol=1e-3)


def test_truncated_normal_stays_within_two_stddev():
    values = truncated_normal(np.random.default_rng(0), (200, 50), stddev=0.5)
    assert np.abs(values).max() <= 1.0
    assert 0.4 < values.std() < 0.47  # a normal truncated at 2 sigma has std 0.88 sigma


@pytest.mark.parametrize("kwargs, message", [
    (dict(gate_style="units"), "gate_style must be one of 'unit', 'memory' or None, got 'units'"),
    (dict(mem_slots=0), "mem_slots must be a positive integer, got 0"),
    (dict(head_size=-2), "head_size must be a positive integer, got -2"),
    (dict(num_heads=1.5), "num_heads must be a positive integer, got 1.5"),
    (dict(key_size=0), "key_size must be a positive integer, got 0"),
    (dict(num_blocks=0), "num_blocks must be a positive integer, got 0"),
    (dict(attention_mlp_layers=0), "attention_mlp_layers must be a positive integer, got 0"),
    (dict(input_size=0), "input_size must be a positive integer, got 0"),
    (dict(dtype=np.int32), "dtype must be float32 or float64"),
])
def test_constructor_rejects_bad_arguments(kwargs, message):
    args = dict(mem_slots=4, head_size=8, input_size=5, rng=np.random.default_rng(0))
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        RelationalMemory(**args)


def test_forward_rejects_bad_input():
    core = RelationalMemory(4, 8, input_size=5, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"x must have 3 axes, got shape \(2, 5\)"):
        core.forward(np.zeros((2, 5)))
    with pytest.raises(ValueError, match=r"x must have shape \[B, T, input_size=5\], got \[2, 3, 4\]"):
        core.forward(np.zeros((2, 3, 4)))
    x = np.zeros((2, 3, 5))
    x[1, 2, 0] = np.nan
    with pytest.raises(ValueError, match="x contains NaN or inf"):
        core.forward(x)
    with pytest.raises(ValueError, match=r"memory must have shape \[B, mem_slots, mem_size\] = \[2, 4, 8\], got \[2, 3, 8\]"):
        core.forward(np.zeros((2, 3, 5)), np.zeros((2, 3, 8)))
    with pytest.raises(ValueError, match="memory contains NaN or inf"):
        core.forward(np.zeros((2, 3, 5)), np.full((2, 4, 8), np.inf))


def test_an_explicit_generator_is_required():
    with pytest.raises(ValueError, match=r"rng must be an np.random.Generator, e.g. np.random.default_rng\(0\), got int"):
        RelationalMemory(4, 8, input_size=5, rng=0)
    with pytest.raises(TypeError):
        RelationalMemory(4, 8, input_size=5)   # no rng at all: Python itself refuses
