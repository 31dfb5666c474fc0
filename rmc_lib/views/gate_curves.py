"""The numbers lesson 02's pictures plot: how much of a memory the forget
gate keeps over time, how much of a write survives, when a curve crosses a
level, and a small simulation of a gated memory under random inputs. Each
returns plain numpy arrays (what the tests check); rmc_lib.views.gate_views
draws them."""

import numpy as np

from ..cores.memory import initial_memory
from ..nn.checks import check_positive_int
from ..nn.gates import check_gate_style, gate_size, gated_update_forward, gates_forward, half_life
from ..nn.init import truncated_normal
from ..nn.layers import sigmoid

#: The forget biases the lesson compares (Sonnet's default is 1).
FORGET_BIASES = (-1.0, 0.0, 1.0, 2.0, 3.0)


def retention_curve(forget_bias, steps=50):
    """How much of M_0 is left after t steps when only the bias sets the gates.

    With every gate weight zero and the input gate shut, the update is
    M_t = f * M_{t-1} with f = sigmoid(forget_bias), so M_t = f**t * M_0.
    Returns f**t for t = 0, 1, ..., steps (shape [steps + 1]).
    """
    steps = check_positive_int("steps", steps)
    f = float(sigmoid(forget_bias))
    return f ** np.arange(steps + 1, dtype=np.float64)


def written_weight_curve(forget_bias, input_bias, steps=50):
    """Weight of a constant proposal tanh(M~) in M_t, starting from M_0 = 0.

    With every gate weight zero, i = sigmoid(input_bias) and
    f = sigmoid(forget_bias) at every step, and if attention proposes the
    same tanh(M~) = c each step then M_t = w_t * c with
        w_t = i * (1 + f + ... + f**(t-1)) = i * (1 - f**t) / (1 - f).
    w_t grows towards i / (1 - f): unlike a probability it can exceed 1,
    since nothing bounds the RMC's memory. Returns w_t for t = 0..steps.
    """
    steps = check_positive_int("steps", steps)
    i = float(sigmoid(input_bias))
    powers = retention_curve(forget_bias, steps)
    # A running sum of f**s, not the closed form: f can round to exactly 1.
    return i * np.concatenate([[0.0], np.cumsum(powers[:-1])])


def bias_view_data(forget_bias, input_bias, steps=50):
    """Everything the bias view draws, for zero gate weights.

    Returns a dict with
      'steps'       t = 0..steps,
      'retention'   f**t, the part of M_0 still in M_t (`retention_curve`),
      'written'     the weight of a constant proposal (`written_weight_curve`),
      'forget_gate' f = sigmoid(forget_bias), the fraction kept per step,
      'input_gate'  i = sigmoid(input_bias), the fraction of tanh(M~) written per step,
      'half_life'   log(1/2) / log(f), in steps (inf if f rounds to 1).
    """
    f = float(sigmoid(forget_bias))
    i = float(sigmoid(input_bias))
    life = float(half_life(f)) if f < 1.0 else np.inf
    return {
        "forget_bias": float(forget_bias),
        "input_bias": float(input_bias),
        "steps": np.arange(check_positive_int("steps", steps) + 1),
        "retention": retention_curve(forget_bias, steps),
        "written": written_weight_curve(forget_bias, input_bias, steps),
        "forget_gate": f,
        "input_gate": i,
        "half_life": life,
    }


def crossing_time(curve, level=0.5):
    """First time a decreasing curve (sampled at t = 0, 1, ...) falls to `level`.

    Between the two samples around the crossing the curve is taken to decay
    geometrically (linear interpolation of its logarithm), so for
    curve = f**t the answer is exactly `half_life(f)` when level = 0.5.
    Returns nan if the curve never falls to `level`.
    """
    curve = np.asarray(curve, dtype=np.float64)
    if curve.ndim != 1 or curve.size < 2:
        raise ValueError(f"curve must be a 1-d array of at least 2 samples, got shape {curve.shape}")
    if not 0 < level < curve[0]:
        raise ValueError(f"level must lie between 0 and curve[0] = {curve[0]:.4g}, got {level!r}")
    below = np.nonzero(curve <= level)[0]
    if below.size == 0:
        return np.nan
    k = int(below[0])
    hi, lo = np.log(curve[k - 1]), np.log(max(curve[k], np.finfo(float).tiny))
    return float(k - 1 + (hi - np.log(level)) / (hi - lo))


def init_gate_params(rng, mem_size, gate_style="unit", weight_std=None):
    """The two gate projections, initialised as Sonnet does.

    Weights from a normal truncated at two standard deviations with
    std = 1 / sqrt(fan_in) (unless `weight_std` is given), biases zero.
    Returns {'W_gi': [F, 2g], 'b_gi': [2g], 'W_gm': [F, 2g], 'b_gm': [2g]}
    (Sonnet: `linear_2` and `linear_3` when num_blocks = 1).
    """
    check_gate_style(gate_style)
    if gate_style is None:
        raise ValueError("gate_style=None has no gates and so no gate parameters")
    mem_size = check_positive_int("mem_size", mem_size)
    g = gate_size(gate_style, mem_size)
    std = 1.0 / np.sqrt(mem_size) if weight_std is None else float(weight_std)

    return {"W_gi": truncated_normal(rng, (mem_size, 2 * g), std), "b_gi": np.zeros(2 * g),
            "W_gm": truncated_normal(rng, (mem_size, 2 * g), std), "b_gm": np.zeros(2 * g)}


def simulation_inputs(rng, steps=50, batch_size=16, mem_slots=4, mem_size=32,
                      gate_style="unit", weight_std=None):
    """Random gate weights, projected inputs x'_t and proposals M~_t for a run.

    Draw them once and pass them to `simulate_memory` for several biases,
    so that every bias sees the same weights and the same sequence.
    Returns {'params': (init_gate_params), 'x_proj': [T, B, F] ~ N(0, 1),
    'candidates': [T, B, N, F] ~ N(0, 1)}.
    """
    steps = check_positive_int("steps", steps)
    batch_size = check_positive_int("batch_size", batch_size)
    mem_slots = check_positive_int("mem_slots", mem_slots)
    return {
        "params": init_gate_params(rng, mem_size, gate_style, weight_std),
        "x_proj": rng.normal(size=(steps, batch_size, mem_size)),
        "candidates": rng.normal(size=(steps, batch_size, mem_slots, mem_size)),
    }


def simulate_memory(forget_bias, input_bias, inputs):
    """Run the gated update M_t = i * tanh(M~_t) + f * M_{t-1} from Sonnet's M_0.

    inputs: from `simulation_inputs`. The gates come from
    `gates.gates_forward` (so they depend on x'_t and on tanh(M_{t-1})) and
    the update from `gates.gated_update_forward`. Unrolling the update, the
    part of M_t that is M_0 carried along is (f_t * ... * f_1) * M_0.

    Returns a dict of arrays over t = 0..T:
      'traced'       ||(f_t ... f_1) * M_0|| / ||M_0||, the share of M_0 kept,
      'correlation'  correlation of M_t with M_0 (per sequence, averaged),
      'rms'          root mean square of M_t's entries,
      'input_gate', 'forget_gate'  the mean gate values (nan at t = 0);
    and 'memory', the final M_T [B, N, F], plus the two biases.
    """
    p = inputs["params"]
    x_proj, candidates = inputs["x_proj"], inputs["candidates"]
    T, B, N, F = candidates.shape
    memory = initial_memory(B, N, F)
    m0 = memory.copy()
    kept = np.ones((B, N, p["W_gm"].shape[1] // 2))   # running product of forget gates
    out = {name: np.full(T + 1, np.nan) for name in ["traced", "correlation", "rms", "input_gate", "forget_gate"]}

    def record(t, memory, kept):
        out["traced"][t] = np.linalg.norm(kept * m0) / np.linalg.norm(m0)
        a = memory.reshape(B, -1) - memory.reshape(B, -1).mean(axis=1, keepdims=True)
        b = m0.reshape(B, -1) - m0.reshape(B, -1).mean(axis=1, keepdims=True)
        out["correlation"][t] = np.mean((a * b).sum(1) / np.sqrt((a * a).sum(1) * (b * b).sum(1)))
        out["rms"][t] = np.sqrt(np.mean(memory ** 2))

    record(0, memory, kept)
    for t in range(T):
        (i, f), _ = gates_forward(x_proj[t], memory, p["W_gi"], p["b_gi"], p["W_gm"], p["b_gm"],
                                  input_bias=input_bias, forget_bias=forget_bias)
        memory, _ = gated_update_forward(candidates[t], memory, i, f)
        kept = kept * f
        out["input_gate"][t + 1] = i.mean()
        out["forget_gate"][t + 1] = f.mean()
        record(t + 1, memory, kept)
    out.update(memory=memory, forget_bias=float(forget_bias), input_bias=float(input_bias))
    return out
