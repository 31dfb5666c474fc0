"""Time one training step of the DNC in rmc_lib against a PyTorch CPU eager
DNC of the same configuration, in the same run.

    python bench/dnc_speed.py                      # 1 and 2 threads, batch 1 and 16, T 32 and 8
    python bench/dnc_speed.py --repeats 40 --threads 1 --batch-sizes 16
    python bench/dnc_speed.py --profile --shapes 5x5 --repeats 20   # where each step's time goes (1 thread)

PyTorch is needed by this script only (`pip install -e .[bench]`); the
library and its tests never import it.

The configuration is the defaults of deepmind/dnc's train.py (the repeat
copy example, github.com/deepmind/dnc at d3d94b3), float32:

    --hidden_size 64 --memory_size 16 --word_size 16 --num_write_heads 1
    --num_read_heads 4 --clip_value 20 --batch_size 16 --max_grad_norm 50
    --learning_rate 1e-4 --optimizer_epsilon 1e-10

and tf.train.RMSPropOptimizer's own defaults for what train.py leaves out:
decay 0.9, momentum 0, the mean square started at ones. The input is one
fixed batch of rmc_lib's repeat copy (tasks.RepeatCopy: 8-bit vectors plus
2 flag channels, 9 outputs: 8 bits and the end marker), every sequence of
pattern length L copied n times, T = L + nL + 2 steps (the default shapes:
L 5, n 5, T 32; and L 2, n 2, T 8, the longest sequence of train.py's own
defaults, lengths 1-2 and 1-2 copies, though with 8 bits instead of its 4).

One step is what one step of rmc_lib.train.loop does: forward over the T
steps, the masked sigmoid cross-entropy (rmc_lib's: the mean over the
scored bits, as SequenceTagger computes it; deepmind's cost sums over bits
and steps and divides by the batch, a constant factor), backpropagation
through time, clipping to a global norm of 50, an RMSprop update. The batch
is made once, outside the timing. rmc_lib's side is rmc_lib.cores.DNC with
the loss written below as SequenceTagger(core, readout=False) computes it.

The PyTorch DNC below is written from deepmind's dnc.py, access.py,
addressing.py and Sonnet's LSTM, with torch tensors and autograd, starting
from a copy of rmc_lib's parameters: the previous write weights enter the
usage detached (deepmind's tf.stop_gradient), the allocation sorts with
torch.sort(descending=True, stable=True) (tf.nn.top_k's order: equal
usages, as at the first step, lower index first), the erase multiplies every
write head's erase factors, the links' diagonal is zeroed. The script prints
both losses, the largest gradient difference and the largest parameter
difference after one update, in float32 and in float64, and what the
gradients would differ by without the detach, which shows that it is the
same model and that the comparison would see a mistake. Its optimiser is
torch.optim.RMSprop (momentum 0) with the mean square started at ones; the
two differ only in where eps = 1e-10 goes (sqrt(ms + eps) against
sqrt(ms) + eps), which costs the same.

The machine may be shared, so absolute times from one run mean little: the
two implementations' steps are interleaved (one of each, in alternating
order), and the result is their ratio in the same run. Each thread count
runs in a fresh process, because OpenBLAS reads its thread count only when
numpy is imported. That harness is bench/timing.py, shared with
bench/ntm_speed.py.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))      # bench/timing.py, beside this script
from timing import (import_torch, machine_line, profile_rmc_lib, profile_torch, ratio_text,  # noqa: E402
                    run_each_thread_count, start_threads, time_interleaved)

SCRIPT = "bench/dnc_speed.py"   # for import_torch's message

# deepmind/dnc train.py's flag defaults (and RMSPropOptimizer's for decay and momentum)
CONFIG = dict(hidden_size=64, memory_size=16, word_size=16, num_writes=1, num_reads=4, clip_value=20)
MAX_GRAD_NORM = 50.0
OPTIMIZER = dict(lr=1e-4, momentum=0.0, decay=0.9, eps=1e-10)
NUM_BITS = 8
EPSILON = 1e-6          # deepmind's addressing._EPSILON


# ----------------------------------------------------------------------------
# rmc_lib's step
# ----------------------------------------------------------------------------

def build_rmc_lib(seed=0, dtype="float32"):
    """(core, optimizer, task): the DNC of CONFIG and an RMSprop on its parameters."""
    import numpy as np

    from rmc_lib.cores.dnc import DNC
    from rmc_lib.tasks.copy import RepeatCopy
    from rmc_lib.train.optimizers import RMSprop

    task = RepeatCopy(num_bits=NUM_BITS)
    core = DNC(**CONFIG, output_size=task.num_outputs, input_size=task.input_size,
               rng=np.random.default_rng(seed), dtype=dtype)
    return core, RMSprop(core.params, **OPTIMIZER), task


def sample(task, batch_size, shape, dtype):
    """One fixed batch: every sequence of pattern length L and n copies."""
    import numpy as np

    length, copies = shape
    x, labels = task.sample(batch_size, np.random.default_rng(1), length=length, repeats=copies)
    return x.astype(dtype), labels


def rmc_lib_loss_and_grads(core, x, labels):
    """SequenceTagger(core, readout=False).loss_and_grads: the mean
    cross-entropy per scored bit and its gradient for every parameter."""
    from rmc_lib.nn.losses import masked_sigmoid_cross_entropy_backward, masked_sigmoid_cross_entropy_forward

    outputs, _, cache = core.forward(x)
    loss, loss_cache = masked_sigmoid_cross_entropy_forward(outputs, labels.targets, labels.mask)
    d_outputs = masked_sigmoid_cross_entropy_backward(1.0, loss_cache).astype(core.dtype)
    grads, _, _ = core.backward(d_outputs, None, cache)
    return loss, grads


def rmc_lib_step(core, optimizer, x, labels):
    """One step of rmc_lib.train.loop.train (learning rate constant)."""
    from rmc_lib.train.optimizers import clip_by_global_norm

    loss, grads = rmc_lib_loss_and_grads(core, x, labels)
    grads, _ = clip_by_global_norm(grads, MAX_GRAD_NORM)
    optimizer.step(grads)
    return loss


# ----------------------------------------------------------------------------
# The same DNC in PyTorch (eager, autograd), as deepmind/dnc computes it
# ----------------------------------------------------------------------------

def torch_dnc(torch, core, stop_write_gradient=True):
    """A function (params, x [B, T, D] tensor) -> outputs [B, T, output_size]:
    the forward of rmc_lib's DNC `core` (its sizes; params by rmc_lib's names),
    written after deepmind's DNC._build and MemoryAccess._build.
    stop_write_gradient=False leaves out deepmind's stop_gradient (to show
    that the gradient comparison notices)."""
    from rmc_lib.cores.dnc import INTERFACE

    F = torch.nn.functional
    N, W, R, V, H = core.memory_size, core.word_size, core.num_reads, core.num_writes, core.hidden_size
    clip = core.clip_value
    shapes = {"write_vectors": (V, W), "erase_vectors": (V, W), "free_gate": (R,), "allocation_gate": (V,),
              "write_gate": (V,), "read_mode": (R, 1 + 2 * V), "write_keys": (V, W), "write_strengths": (V,),
              "read_keys": (R, W), "read_strengths": (R,)}

    def clamp(v):                 # DNC._clip_if_enabled
        return v if clip is None else torch.clamp(v, -clip, clip)

    def read_inputs(p, h):        # MemoryAccess._read_inputs: one linear each, in deepmind's order
        parts = {}
        for name in INTERFACE:
            raw = torch.addmm(p[f"access.{name}.b"], h, p[f"access.{name}.W"]).reshape(h.shape[0], *shapes[name])
            if name in ("erase_vectors", "free_gate", "allocation_gate", "write_gate"):
                raw = torch.sigmoid(raw)
            elif name == "read_mode":
                raw = torch.softmax(raw, -1)
            parts[name] = raw
        return parts

    def vector_norms(m):          # addressing._vector_norms
        return torch.sqrt(torch.sum(m * m, dim=2, keepdim=True) + EPSILON)

    def cosine_weights(memory, keys, strengths):      # addressing.CosineWeights
        dot = keys @ memory.transpose(1, 2)
        norm = vector_norms(keys) @ vector_norms(memory).transpose(1, 2)
        similarity = dot / (norm + EPSILON)
        return torch.softmax(similarity * F.softplus(strengths)[..., None], -1)

    def allocation(usage):        # Freeness._allocation
        usage = EPSILON + (1 - EPSILON) * usage
        nonusage = 1 - usage
        # tf.nn.top_k's order: descending, and among equal values the lower index first
        sorted_nonusage, indices = torch.sort(nonusage, dim=1, descending=True, stable=True)
        sorted_usage = 1 - sorted_nonusage
        exclusive = torch.cat([torch.ones_like(sorted_usage[:, :1]), sorted_usage[:, :-1]], dim=1)
        sorted_allocation = sorted_nonusage * torch.cumprod(exclusive, dim=1)
        return torch.zeros_like(sorted_allocation).scatter(1, indices, sorted_allocation)   # unsort

    def forward(p, x):
        B, T, _ = x.shape
        zeros = x.new_zeros
        reads, memory, read_w, write_w = zeros(B, R, W), zeros(B, N, W), zeros(B, R, N), zeros(B, V, N)
        link, precedence, usage, h, c = zeros(B, V, N, N), zeros(B, V, N), zeros(B, N), zeros(B, H), zeros(B, H)
        off_diagonal = 1 - torch.eye(N, dtype=x.dtype)
        outputs = []
        for t in range(T):
            # Sonnet's LSTM on [x_t, r_{t-1}], gates i, j, f, o, forget bias 1; then the clips
            gates = torch.addmm(p["controller.b_gates"], torch.cat([x[:, t], reads.reshape(B, -1), h], 1),
                                p["controller.w_gates"])
            i, j, f, o = gates.chunk(4, dim=1)
            c = torch.sigmoid(f + 1.0) * c + torch.sigmoid(i) * torch.tanh(j)
            h = clamp(torch.tanh(c) * torch.sigmoid(o))
            c = clamp(c)
            iface = read_inputs(p, h)
            # Freeness._build: usage, with the previous write weights' gradient stopped
            prev_write = write_w.detach() if stop_write_gradient else write_w
            usage = usage + (1 - usage) * (1 - torch.prod(1 - prev_write, dim=1))
            usage = usage * torch.prod(1 - iface["free_gate"][..., None] * read_w, dim=1)
            # MemoryAccess._write_weights, with Freeness.write_allocation_weights
            write_content = cosine_weights(memory, iface["write_keys"], iface["write_strengths"])
            write_gates = iface["allocation_gate"] * iface["write_gate"]
            simulated, allocations = usage, []
            for v in range(V):
                allocations.append(allocation(simulated))
                simulated = simulated + (1 - simulated) * write_gates[:, v, None] * allocations[v]
            allocation_gate, write_gate = iface["allocation_gate"][..., None], iface["write_gate"][..., None]
            write_w = write_gate * (allocation_gate * torch.stack(allocations, 1)
                                    + (1 - allocation_gate) * write_content)
            # _erase_and_write: the product of every write head's erase factors, then every head's add
            reset_gate = torch.prod(1 - write_w[..., None] * iface["erase_vectors"][:, :, None, :], dim=1)
            memory = memory * reset_gate + write_w.transpose(1, 2) @ iface["write_vectors"]
            # TemporalLinkage: the link (zero diagonal) and the precedence
            w_i, w_j = write_w[..., :, None], write_w[..., None, :]
            link = ((1 - w_i - w_j) * link + w_i * precedence[..., None, :]) * off_diagonal
            precedence = (1 - write_w.sum(2, keepdim=True)) * precedence + write_w
            # MemoryAccess._read_weights: modes [backward x V, forward x V, content]
            read_content = cosine_weights(memory, iface["read_keys"], iface["read_strengths"])
            forward_w = (read_w[:, None] @ link.transpose(2, 3)).transpose(1, 2)     # [B, R, V, N]
            backward_w = (read_w[:, None] @ link).transpose(1, 2)
            mode = iface["read_mode"]
            read_w = (mode[..., 2 * V, None] * read_content + torch.sum(mode[..., V:2 * V, None] * forward_w, 2)
                      + torch.sum(mode[..., :V, None] * backward_w, 2))
            reads = read_w @ memory
            outputs.append(clamp(torch.addmm(p["output.b"], torch.cat([h, reads.reshape(B, -1)], 1), p["output.W"])))
        return torch.stack(outputs, 1)

    return forward


def masked_bce(torch, logits, targets, mask):
    """rmc_lib's masked sigmoid cross-entropy: the mean over the scored bits."""
    per_bit = torch.nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    return (per_bit * mask[..., None]).sum() / (mask.sum() * logits.shape[2]).clamp(min=1)


def build_torch(torch, core, stop_write_gradient=True):
    """(params, optimizer, forward) for PyTorch, from a copy of core's parameters."""
    params = {k: torch.tensor(v, requires_grad=True) for k, v in core.params.items()}
    optimizer = torch.optim.RMSprop(list(params.values()), lr=OPTIMIZER["lr"], alpha=OPTIMIZER["decay"],
                                    eps=OPTIMIZER["eps"], momentum=OPTIMIZER["momentum"])
    for v in params.values():   # TensorFlow's (and rmc_lib's) start: ms = 1, not 0
        optimizer.state[v] = {"step": torch.tensor(0.0), "square_avg": torch.ones_like(v)}
    return params, optimizer, torch_dnc(torch, core, stop_write_gradient)


def torch_tensors(torch, x, labels, dtype):
    return (torch.from_numpy(x), torch.from_numpy(labels.targets.astype(dtype)),
            torch.from_numpy(labels.mask.astype(dtype)))


def torch_step(torch, params, optimizer, forward, x, targets, mask):
    """The same training step in PyTorch, on tensors."""
    optimizer.zero_grad(set_to_none=True)
    loss = masked_bce(torch, forward(params, x), targets, mask)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(list(params.values()), MAX_GRAD_NORM)
    optimizer.step()
    return float(loss.detach())


# ----------------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------------

def compare(torch, batch_size, shape, dtype, stop_write_gradient=True):
    """(rmc_lib's loss, torch's loss, largest gradient difference over the
    largest gradient of each parameter, largest parameter difference after
    one update, parameter with the largest gradient difference)."""
    import numpy as np

    core, optimizer, task = build_rmc_lib(dtype=dtype)
    params, t_optimizer, forward = build_torch(torch, core, stop_write_gradient)
    x, labels = sample(task, batch_size, shape, dtype)
    tx, targets, mask = torch_tensors(torch, x, labels, dtype)
    loss, grads = rmc_lib_loss_and_grads(core, x, labels)
    wrong = [k for k, g in grads.items() if g.dtype != core.dtype]
    if wrong:
        raise RuntimeError(f"rmc_lib's gradients of {wrong} are not {core.dtype}")
    t_loss = masked_bce(torch, forward(params, tx), targets, mask)
    t_loss.backward()
    diffs = {k: float(np.abs(grads[k] - params[k].grad.numpy()).max() / np.abs(grads[k]).max()) for k in grads}
    worst = max(diffs, key=diffs.get)
    for v in params.values():
        v.grad = None
    rmc_lib_step(core, optimizer, x, labels)
    torch_step(torch, params, t_optimizer, forward, tx, targets, mask)
    param_diff = max(float(np.abs(core.params[k] - params[k].detach().numpy()).max()) for k in params)
    return loss, float(t_loss.detach()), diffs[worst], param_diff, worst


def check_same_model(torch, batch_size, shape):
    """Print rmc_lib's and PyTorch's loss, gradients and updated parameters on one batch."""
    for dtype in ("float32", "float64"):
        loss, t_loss, grad_diff, param_diff, worst = compare(torch, batch_size, shape, dtype)
        print(f"  same model? {dtype}, batch {batch_size}, L {shape[0]} n {shape[1]}: loss rmc_lib {loss:.16g}, "
              f"torch {t_loss:.16g}; largest gradient difference {grad_diff:.1e} of the parameter's largest "
              f"gradient ({worst}); largest parameter difference after one step {param_diff:.1e}", flush=True)
    _, _, grad_diff, _, worst = compare(torch, batch_size, shape, "float64", stop_write_gradient=False)
    print(f"  (torch without deepmind's stop_gradient, float64: gradients differ by up to {grad_diff:.1e} "
          f"({worst}))", flush=True)


def measure(threads, repeats, batch_sizes, shapes, warmup=3):
    """For each batch size and shape: check that both are the same model,
    then time both steps interleaved and print a RESULT line."""
    torch = import_torch(SCRIPT)
    start_threads(torch, threads)
    for batch_size in batch_sizes:
        for shape in shapes:
            check_same_model(torch, batch_size, shape)
            core, optimizer, task = build_rmc_lib()
            params, t_optimizer, forward = build_torch(torch, core)
            x, labels = sample(task, batch_size, shape, "float32")
            tensors = torch_tensors(torch, x, labels, "float32")
            ours, theirs = time_interleaved(lambda: rmc_lib_step(core, optimizer, x, labels),
                                            lambda: torch_step(torch, params, t_optimizer, forward, *tensors),
                                            repeats, warmup)
            print(f"RESULT threads {threads} batch {batch_size:2d} L {shape[0]} n {shape[1]} (T {x.shape[1]}): "
                  f"{ratio_text(ours, theirs)}", flush=True)


def profile(batch_size, shape, repeats, top=30):
    """cProfile of rmc_lib's step (float32, one thread): every rmc_lib function
    by cumulative time, then the `top` by own time; then PyTorch's profiler
    on its step."""
    core, optimizer, task = build_rmc_lib()
    x, labels = sample(task, batch_size, shape, "float32")
    title = f"batch {batch_size}, L {shape[0]} n {shape[1]}"
    profile_rmc_lib(lambda: rmc_lib_step(core, optimizer, x, labels), repeats, f"{title} (T {x.shape[1]})", top)

    torch = import_torch(SCRIPT)
    torch.set_num_threads(1)
    params, t_optimizer, forward = build_torch(torch, core)
    tensors = torch_tensors(torch, x, labels, "float32")
    profile_torch(torch, lambda: torch_step(torch, params, t_optimizer, forward, *tensors), repeats, title)


def parse_shapes(text):
    """'5x5,2x2' -> [(5, 5), (2, 2)]: pattern length L x copies n."""
    try:
        shapes = [tuple(int(n) for n in part.split("x")) for part in text.split(",")]
    except ValueError:
        shapes = []
    if not shapes or any(len(shape) != 2 or min(shape) < 1 for shape in shapes):
        raise SystemExit(f"--shapes must be like 5x5,2x2 (pattern length x copies, each >= 1), got {text!r}")
    return shapes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30, help="timed steps of each implementation")
    parser.add_argument("--threads", default="1,2", help="thread counts, each in its own process (default 1,2)")
    parser.add_argument("--batch-sizes", default="1,16", help="default 1,16 (16: deepmind's train.py)")
    parser.add_argument("--shapes", default="5x5,2x2",
                        help="pattern length L x copies n of the repeat copy batch, T = L + nL + 2 (default 5x5,2x2)")
    parser.add_argument("--profile", action="store_true", help="profile both steps instead (one thread)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    shapes = parse_shapes(args.shapes)
    if args.child:
        if args.profile:
            for batch_size in batch_sizes:
                profile(batch_size, shapes[0], args.repeats)
        else:
            measure(int(args.threads), args.repeats, batch_sizes, shapes)
        return
    print(machine_line(import_torch(SCRIPT)))
    print(f"configuration: deepmind/dnc train.py's defaults {CONFIG}, max_grad_norm {MAX_GRAD_NORM}, "
          f"RMSprop {OPTIMIZER}; repeat copy of {NUM_BITS}-bit vectors (float32)")
    arguments = ["--repeats", str(args.repeats), "--batch-sizes", args.batch_sizes, "--shapes", args.shapes]
    arguments += ["--profile"] if args.profile else []
    thread_counts = [1] if args.profile else [int(t) for t in args.threads.split(",")]
    run_each_thread_count(__file__, thread_counts, arguments)


if __name__ == "__main__":
    main()
