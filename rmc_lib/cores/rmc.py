"""The Relational Memory Core (Santoro et al. 2018), exactly as Sonnet v1 computes it.

One time step, `(x_t, M_{t-1}) -> (output_t, M_t)`, with x_t: [B, D] and
M: [B, N, F] (N = mem_slots, F = mem_size = head_size * num_heads):

    x'  = x_t @ W_in + b_in                         project the input to a memory row
    A   = [M_{t-1}; x']                             [B, N+1, F]: memory plus one input row
    repeat num_blocks times:
        A = LN_1(A + MHA(A))                        every row attends over every row
        A = LN_2(A + MLP(A))                        a row-wise MLP (shared by the blocks)
    M~  = A[:, :N]                                  drop the input row
    i, f = gates(x', tanh(M_{t-1}))                 see rmc_lib.nn.gates
    M_t = i * tanh(M~) + f * M_{t-1}                (M_t = M~ when gate_style is None)
    output_t = M_t.reshape(B, N * F)

The unroll over time is `forward`, and `backward` is backpropagation through
time: it walks the steps in reverse, carrying the gradient of the memory
from each step to the one before.
"""

import numpy as np

from ..nn.attention import multihead_attention_backward, multihead_attention_forward
from ..nn.checks import (check_array, check_float_dtype, check_generator, check_positive_int, check_sequence,
                         check_shape)
from ..nn.gates import (check_gate_style, gate_size, gated_update_backward, gated_update_forward,
                        gates_backward, gates_forward)
from ..nn.init import truncated_normal
from ..nn.layers import (layer_norm_backward, layer_norm_forward, linear_backward, linear_forward,
                         mlp_backward, mlp_forward)
from .memory import initial_memory


class RelationalMemory:
    """The RMC cell with Sonnet's arguments and defaults.

    Arguments (Sonnet's `RelationalMemory.__init__`):
      mem_slots (N): number of memory rows.
      head_size: value size per attention head; mem_size F = head_size * num_heads.
      num_heads (H): attention heads.
      num_blocks: attention + MLP blocks applied per time step. Each block has
        its own attention weights and layer norms; the MLP is shared.
      forget_bias, input_bias: constants added before the gate sigmoids (not trained).
      gate_style: 'unit' (a gate per memory unit), 'memory' (one per slot) or None.
      attention_mlp_layers: linear layers in the row-wise MLP (width F each).
      key_size: query/key size per head (default head_size).
    Added here:
      input_size (D): width of each input x_t (Sonnet infers it at first call).
      rng: np.random.Generator for initialisation (truncated normal with
        std 1/sqrt(fan_in) for weights, zeros for biases, ones for gains).
      dtype: np.float64 (for gradient checks) or np.float32 (for speed).

    Parameters live in `self.params`, a flat dict of arrays with dotted names;
    `to_sonnet` and `from_sonnet` translate to and from Sonnet's variable names.
    """

    def __init__(self, mem_slots, head_size, num_heads=1, num_blocks=1, forget_bias=1.0,
                 input_bias=0.0, gate_style="unit", attention_mlp_layers=2, key_size=None,
                 *, input_size, rng, dtype=np.float64):
        self.mem_slots = check_positive_int("mem_slots", mem_slots)
        self.head_size = check_positive_int("head_size", head_size)
        self.num_heads = check_positive_int("num_heads", num_heads)
        self.num_blocks = check_positive_int("num_blocks", num_blocks)
        self.attention_mlp_layers = check_positive_int("attention_mlp_layers", attention_mlp_layers)
        self.key_size = check_positive_int("key_size", head_size if key_size is None else key_size)
        self.input_size = check_positive_int("input_size", input_size)
        check_gate_style(gate_style)
        self.gate_style = gate_style
        self.forget_bias = float(forget_bias)
        self.input_bias = float(input_bias)
        self.dtype = check_float_dtype(dtype)
        self.mem_size = self.head_size * self.num_heads
        self.gate_size = gate_size(gate_style, self.mem_size)
        self.output_size = self.mem_slots * self.mem_size
        check_generator(rng)
        self.params = {name: self._init_param(rng, name, shape)
                       for name, shape in self.param_shapes().items()}

    # ------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------

    def config(self):
        """The constructor arguments (without rng), e.g. for a checkpoint."""
        return dict(mem_slots=self.mem_slots, head_size=self.head_size, num_heads=self.num_heads,
                    num_blocks=self.num_blocks, forget_bias=self.forget_bias,
                    input_bias=self.input_bias, gate_style=self.gate_style,
                    attention_mlp_layers=self.attention_mlp_layers, key_size=self.key_size,
                    input_size=self.input_size)

    def param_shapes(self):
        """Every parameter's dotted name and shape, in Sonnet's creation order."""
        F, D = self.mem_size, self.input_size
        qkv = self.num_heads * (2 * self.key_size + self.head_size)
        shapes = {"input.W": (D, F), "input.b": (F,)}
        for b in range(self.num_blocks):
            shapes.update({
                f"block{b}.qkv.W": (F, qkv), f"block{b}.qkv.b": (qkv,),
                f"block{b}.qkv_norm.gamma": (qkv,), f"block{b}.qkv_norm.beta": (qkv,),
                f"block{b}.attention_norm.gamma": (F,), f"block{b}.attention_norm.beta": (F,),
            })
            if b == 0:  # Sonnet creates the shared MLP's variables inside block 0
                for layer in range(self.attention_mlp_layers):
                    shapes.update({f"mlp.{layer}.W": (F, F), f"mlp.{layer}.b": (F,)})
            shapes.update({f"block{b}.mlp_norm.gamma": (F,), f"block{b}.mlp_norm.beta": (F,)})
        if self.gate_style is not None:
            g2 = 2 * self.gate_size
            shapes.update({"gate_input.W": (F, g2), "gate_input.b": (g2,),
                           "gate_memory.W": (F, g2), "gate_memory.b": (g2,)})
        return shapes

    def _init_param(self, rng, name, shape):
        if name.endswith(".W"):
            return truncated_normal(rng, shape, 1 / np.sqrt(shape[0]), self.dtype)
        if name.endswith(".gamma"):
            return np.ones(shape, dtype=self.dtype)
        return np.zeros(shape, dtype=self.dtype)

    def num_params(self):
        """Number of trainable numbers."""
        return sum(p.size for p in self.params.values())

    # ------------------------------------------------------------------
    # Forward
    # ------------------------------------------------------------------

    def initial_state(self, batch_size):
        """[B, N, F]: the identity, zero-padded or cut (Sonnet's initial_state)."""
        return initial_memory(batch_size, self.mem_slots, self.mem_size, self.dtype)

    def _check_memory(self, memory, batch_size):
        memory = check_array("memory", memory, ndim=3, finite=True)
        expected = (batch_size, self.mem_slots, self.mem_size)
        if memory.shape != expected:
            raise ValueError(
                f"memory must have shape [B, mem_slots, mem_size] = {list(expected)}, got {list(memory.shape)}"
            )
        return memory.astype(self.dtype, copy=False)

    def _attend_over_memory(self, A):
        """num_blocks x (attention + MLP), each with a residual and a layer norm."""
        p = self.params
        mlp_W = [p[f"mlp.{layer}.W"] for layer in range(self.attention_mlp_layers)]
        mlp_b = [p[f"mlp.{layer}.b"] for layer in range(self.attention_mlp_layers)]
        caches = []
        for b in range(self.num_blocks):
            attended, att_cache = multihead_attention_forward(
                A, p[f"block{b}.qkv.W"], p[f"block{b}.qkv.b"],
                p[f"block{b}.qkv_norm.gamma"], p[f"block{b}.qkv_norm.beta"],
                self.num_heads, self.key_size, self.head_size)
            A, ln1_cache = layer_norm_forward(A + attended, p[f"block{b}.attention_norm.gamma"],
                                              p[f"block{b}.attention_norm.beta"])
            mlp_out, mlp_cache = mlp_forward(A, mlp_W, mlp_b)
            A, ln2_cache = layer_norm_forward(A + mlp_out, p[f"block{b}.mlp_norm.gamma"],
                                              p[f"block{b}.mlp_norm.beta"])
            caches.append((att_cache, ln1_cache, mlp_cache, ln2_cache))
        return A, caches

    def step(self, x_t, memory):
        """One time step. x_t: [B, D], memory: [B, N, F].

        Returns (output [B, N*F], new memory [B, N, F], cache for step_backward).
        """
        p = self.params
        N = self.mem_slots
        x_proj, input_cache = linear_forward(x_t, p["input.W"], p["input.b"])    # [B, F]
        A = np.concatenate([memory, x_proj[:, None, :]], axis=1)                 # [B, N+1, F]
        A, block_caches = self._attend_over_memory(A)
        candidate = A[:, :N]                                                     # drop the input row
        cache = {"input": input_cache, "blocks": block_caches}
        if self.gate_style is None:
            new_memory = candidate
        else:
            (input_gate, forget_gate), cache["gates"] = gates_forward(
                x_proj, memory, p["gate_input.W"], p["gate_input.b"],
                p["gate_memory.W"], p["gate_memory.b"], self.input_bias, self.forget_bias)
            new_memory, cache["update"] = gated_update_forward(candidate, memory, input_gate, forget_gate)
        output = new_memory.reshape(new_memory.shape[0], -1)
        return output, new_memory, cache

    def forward(self, x, memory0=None):
        """Unroll over time. x: [B, T, D]; memory0: [B, N, F] (default: initial_state).

        Returns (outputs [B, T, N*F], final memory [B, N, F], cache). The cache
        holds what `backward` needs and what `rmc_lib.trace` records.
        """
        x = check_sequence(x, self.input_size, self.dtype)
        B, T, _ = x.shape
        memory = self.initial_state(B) if memory0 is None else self._check_memory(memory0, B)
        outputs = np.empty((B, T, self.mem_slots * self.mem_size), dtype=self.dtype)
        memories, step_caches = [memory], []
        for t in range(T):
            outputs[:, t], memory, step_cache = self.step(x[:, t], memory)
            memories.append(memory)
            step_caches.append(step_cache)
        cache = {"steps": step_caches, "memories": memories, "x_shape": x.shape}
        return outputs, memory, cache

    # ------------------------------------------------------------------
    # Backward
    # ------------------------------------------------------------------

    def _attend_over_memory_backward(self, dA, caches, grads):
        for b in reversed(range(self.num_blocks)):
            att_cache, ln1_cache, mlp_cache, ln2_cache = caches[b]
            d_sum, dgamma, dbeta = layer_norm_backward(dA, ln2_cache)
            grads[f"block{b}.mlp_norm.gamma"] += dgamma
            grads[f"block{b}.mlp_norm.beta"] += dbeta
            dA, dWs, dbs = mlp_backward(d_sum, mlp_cache)
            dA += d_sum                                   # the residual path around the MLP
            for layer, (dW, db) in enumerate(zip(dWs, dbs)):
                grads[f"mlp.{layer}.W"] += dW
                grads[f"mlp.{layer}.b"] += db
            d_sum, dgamma, dbeta = layer_norm_backward(dA, ln1_cache)
            grads[f"block{b}.attention_norm.gamma"] += dgamma
            grads[f"block{b}.attention_norm.beta"] += dbeta
            dA, dW, db, dgamma, dbeta = multihead_attention_backward(d_sum, att_cache)
            dA += d_sum                                   # the residual path around attention
            grads[f"block{b}.qkv.W"] += dW
            grads[f"block{b}.qkv.b"] += db
            grads[f"block{b}.qkv_norm.gamma"] += dgamma
            grads[f"block{b}.qkv_norm.beta"] += dbeta
        return dA

    def step_backward(self, d_new_memory, cache, grads):
        """Backward through one step, given the gradient of its new memory.

        Adds the parameter gradients into `grads` (a dict like params) and
        returns (dx_t [B, D], d_memory [B, N, F] for the previous memory).
        """
        N = self.mem_slots
        if self.gate_style is None:
            d_candidate = d_new_memory
            d_memory = 0
            dx_proj = 0
        else:
            d_candidate, d_memory, d_input_gate, d_forget_gate = gated_update_backward(
                d_new_memory, cache["update"])
            dx_proj, d_memory_gates, dW_gi, db_gi, dW_gm, db_gm = gates_backward(
                d_input_gate, d_forget_gate, cache["gates"])
            d_memory = d_memory + d_memory_gates
            grads["gate_input.W"] += dW_gi
            grads["gate_input.b"] += db_gi
            grads["gate_memory.W"] += dW_gm
            grads["gate_memory.b"] += db_gm
        B, _, F = d_candidate.shape
        dA = np.zeros((B, N + 1, F), dtype=d_candidate.dtype)
        dA[:, :N] = d_candidate                           # the input row was dropped: no gradient
        dA = self._attend_over_memory_backward(dA, cache["blocks"], grads)
        d_memory = d_memory + dA[:, :N]
        dx_proj = dx_proj + dA[:, N]
        dx_t, dW_in, db_in = linear_backward(dx_proj, cache["input"])
        grads["input.W"] += dW_in
        grads["input.b"] += db_in
        return dx_t, d_memory

    def backward(self, d_outputs, d_final_memory, cache):
        """Backpropagation through time.

        d_outputs: [B, T, N*F], the loss gradient for every output (zeros where
        an output is unused); d_final_memory: [B, N, F] or None.
        Returns (grads, dx, d_memory0): grads has the keys of `params`;
        dx is [B, T, D]; d_memory0 is [B, N, F].
        """
        B, T, D = cache["x_shape"]
        N, F = self.mem_slots, self.mem_size
        d_outputs = check_shape("d_outputs", d_outputs, (B, T, N * F))
        grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        dx = np.empty((B, T, D), dtype=self.dtype)
        if d_final_memory is None:
            d_memory = np.zeros((B, N, F), dtype=self.dtype)
        else:
            d_memory = self._check_memory(d_final_memory, B).copy()
        for t in reversed(range(T)):
            # M_t reaches the loss twice: as output_t, and through every later step
            d_memory = d_memory + d_outputs[:, t].reshape(B, N, F)
            dx[:, t], d_memory = self.step_backward(d_memory, cache["steps"][t], grads)
        return grads, dx, d_memory

    # ------------------------------------------------------------------
    # Sonnet's variable names
    # ------------------------------------------------------------------

    def sonnet_names(self):
        """Dict: our dotted name -> Sonnet v1 variable name (without scope and ':0').

        Sonnet names modules in the order they are built: the input projection
        `linear`, then per block a qkv `linear_{1+b}` and three layer norms,
        the shared MLP `mlp/linear_{j}`, and the gate projections last.
        """
        def ln(index):
            return "layer_norm" if index == 0 else f"layer_norm_{index}"

        names = {"input.W": "linear/w", "input.b": "linear/b"}
        for b in range(self.num_blocks):
            names[f"block{b}.qkv.W"] = f"linear_{1 + b}/w"
            names[f"block{b}.qkv.b"] = f"linear_{1 + b}/b"
            for offset, part in enumerate(["qkv_norm", "attention_norm", "mlp_norm"]):
                names[f"block{b}.{part}.gamma"] = f"{ln(3 * b + offset)}/gamma"
                names[f"block{b}.{part}.beta"] = f"{ln(3 * b + offset)}/beta"
        for layer in range(self.attention_mlp_layers):
            names[f"mlp.{layer}.W"] = f"mlp/linear_{layer}/w"
            names[f"mlp.{layer}.b"] = f"mlp/linear_{layer}/b"
        if self.gate_style is not None:
            gi, gm = self.num_blocks + 1, self.num_blocks + 2
            names.update({"gate_input.W": f"linear_{gi}/w", "gate_input.b": f"linear_{gi}/b",
                          "gate_memory.W": f"linear_{gm}/w", "gate_memory.b": f"linear_{gm}/b"})
        return {ours: names[ours] for ours in self.param_shapes()}   # Sonnet's creation order

    def to_sonnet(self, scope="relational_memory/"):
        """The parameters as a dict keyed by Sonnet variable names (copies)."""
        return {scope + sonnet: self.params[ours].copy() for ours, sonnet in self.sonnet_names().items()}

    @classmethod
    def from_sonnet(cls, variables, scope="relational_memory/", dtype=np.float64, **config):
        """Build a core from Sonnet v1 variables (name -> array) and its config.

        Names may carry TensorFlow's ':0' suffix. config holds the constructor
        arguments (mem_slots, head_size, ..., input_size). Every variable the
        configuration needs must be there with its shape, and nothing else.
        """
        core = cls(**config, rng=np.random.default_rng(0), dtype=dtype)
        given = {}
        for name, value in variables.items():
            key = name[:-2] if name.endswith(":0") else name
            if not key.startswith(scope):
                raise ValueError(f"variable {name!r} is not under the scope {scope!r}")
            given[key[len(scope):]] = np.asarray(value)
        names = core.sonnet_names()
        expected = set(names.values())
        missing = sorted(expected - set(given))
        extra = sorted(set(given) - expected)
        if missing or extra:
            raise ValueError(
                f"the Sonnet variables do not match this configuration: "
                f"missing {missing}, unexpected {extra}"
            )
        for ours, sonnet in names.items():
            want = core.params[ours].shape
            if given[sonnet].shape != want:
                raise ValueError(f"variable {scope}{sonnet} must have shape {list(want)}, "
                                 f"got {list(given[sonnet].shape)}")
            core.params[ours] = given[sonnet].astype(core.dtype)
        return core
