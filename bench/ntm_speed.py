"""Time one training step of the NTM in rmc_lib against a PyTorch CPU eager
NTM of the same configuration, in the same run.

    python bench/ntm_speed.py                      # 1 and 2 threads, batch 1 and 16, lengths 20 and 10
    python bench/ntm_speed.py --repeats 40 --threads 1 --batch-sizes 1
    python bench/ntm_speed.py --profile            # where each step's time goes (1 thread)

PyTorch is needed by this script only (`pip install -e .[bench]`); the
library and its tests never import it.

The configuration is the one data/make_ntm_copy.py trains, built here from
that command line by rmc_lib's own parser (float32):

    --task copy --bits 8 --min-length 1 --max-length 20 --model ntm
    --hidden-size 100 --memory-size 128 --word-size 20 --num-reads 1
    --num-writes 1 --shift-range 1 --clip-value 20 --optimizer rmsprop
    --lr 1e-4 --momentum 0.9 --rmsprop-decay 0.9 --clip 10

One step is what one step of rmc_lib.train.loop does, on a fixed copy batch
of one length L (T = 2L + 1 steps): forward, masked sigmoid cross-entropy,
backpropagation through time, clipping to a global norm of 10, an RMSprop
update. The batch is made once, outside the timing (the loop's sampling is
the same numpy code for both).

The PyTorch NTM below does the same arithmetic with torch tensors and
autograd, starting from a copy of rmc_lib's parameters; the script prints
both losses, the largest gradient difference and the largest difference of
the parameters after one update, which shows that it is the same model.
Its optimiser is torch.optim.RMSprop with the mean square started at ones,
as rmc_lib's (TensorFlow's) RMSprop starts it; the two differ only in where
eps = 1e-10 goes (sqrt(ms + eps) against sqrt(ms) + eps), which costs the
same.

The machine may be shared, so absolute times from one run mean little: the
two implementations' steps are interleaved (one of each, in alternating
order), and the result is their ratio in the same run. Each thread count
runs in a fresh process, because OpenBLAS reads its thread count only when
numpy is imported. That harness is bench/timing.py, shared with
bench/dnc_speed.py.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))      # bench/timing.py, beside this script
from timing import (import_torch, machine_line, profile_rmc_lib, profile_torch, ratio_text,  # noqa: E402
                    run_each_thread_count, start_threads, time_interleaved)

SCRIPT = "bench/ntm_speed.py"   # for import_torch's message

COMMAND = ("train --task copy --bits 8 --min-length 1 --max-length 20 --model ntm --hidden-size 100 "
           "--memory-size 128 --word-size 20 --num-reads 1 --num-writes 1 --shift-range 1 --clip-value 20 "
           "--optimizer rmsprop --lr 1e-4 --momentum 0.9 --rmsprop-decay 0.9 --batch-size 1 --clip 10 "
           "--steps 1 --out unused")


# ----------------------------------------------------------------------------
# rmc_lib's step
# ----------------------------------------------------------------------------

def build_rmc_lib(seed=0):
    """(model, optimizer, task, clip) exactly as `python -m rmc_lib train` builds them."""
    import numpy as np

    from rmc_lib.train.cli import build_parser, make_optimizer, model_config, task_config
    from rmc_lib.train.runs import build_model, build_task

    args = build_parser().parse_args(COMMAND.split())
    task = build_task(task_config(args))
    model = build_model(model_config(args), task, np.random.default_rng(seed))
    return model, make_optimizer(args, model.params), task, args.clip


def rmc_lib_step(model, optimizer, clip, x, labels):
    """One step of rmc_lib.train.loop.train (learning rate constant)."""
    from rmc_lib.train.optimizers import clip_by_global_norm

    loss, grads, _ = model.loss_and_grads(x, labels)
    grads, _ = clip_by_global_norm(grads, clip)
    optimizer.step(grads)
    return loss


# ----------------------------------------------------------------------------
# The same NTM in PyTorch (eager, autograd)
# ----------------------------------------------------------------------------

def torch_ntm(torch, core):
    """A function (params, x [B, T, D] tensor) -> logits [B, T, O]: the
    forward of rmc_lib's NTM `core` (its sizes; params by rmc_lib's names)."""
    F = torch.nn.functional
    N, W, R, V, H = core.memory_size, core.word_size, core.num_reads, core.num_writes, core.hidden_size
    S, clip = core.num_shifts, core.clip_value
    offsets = range(-core.shift_range, core.shift_range + 1)

    def clamp(v):
        return v if clip is None else torch.clamp(v, -clip, clip)

    def head_parts(p, h, kind, heads, write):
        raw = clamp(h @ p[f"{kind}.W"] + p[f"{kind}.b"]).reshape(h.shape[0], heads, -1)
        sizes = [W, 1, 1, S, 1] + ([W, W] if write else [])
        k, beta, g, s, gamma, *erase_add = torch.split(raw, sizes, dim=-1)
        parts = dict(k=k, beta=F.softplus(beta), g=torch.sigmoid(g), s=torch.softmax(s, -1),
                     gamma=1 + F.softplus(gamma))
        if write:
            parts.update(e=torch.sigmoid(erase_add[0]), a=erase_add[1])
        return parts

    def address(memory, parts, previous):
        dots = parts["k"] @ memory.transpose(1, 2)                              # [B, heads, N]
        norms = (torch.linalg.vector_norm(parts["k"], dim=-1, keepdim=True)
                 * torch.linalg.vector_norm(memory, dim=-1)[:, None, :])
        content = torch.softmax(parts["beta"] * dots / (norms + 1e-8), -1)
        gated = parts["g"] * content + (1 - parts["g"]) * previous
        shifted = sum(parts["s"][..., j:j + 1] * torch.roll(gated, o, dims=-1) for j, o in enumerate(offsets))
        return torch.softmax(parts["gamma"] * torch.log(shifted + 1e-8), -1)

    def forward(p, x):
        B, T, _ = x.shape
        h, c = x.new_zeros(B, H), x.new_zeros(B, H)
        memory = x.new_full((B, N, W), 1e-6)
        read_w, write_w = x.new_zeros(B, R, N), x.new_zeros(B, V, N)
        read_w[:, :, 0], write_w[:, :, 0] = 1.0, 1.0
        reads = x.new_zeros(B, R * W)
        outputs = []
        for t in range(T):
            z = torch.cat([x[:, t], reads], 1) @ p["core.controller.x.W"] + h @ p["core.controller.h.W"] \
                + p["core.controller.b"]
            i, f, g, o = z.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            wp = head_parts(p, h, "core.write_heads", V, True)
            write_w = address(memory, wp, write_w)
            for head in range(V):
                w = write_w[:, head, :, None]
                memory = memory * (1 - w * wp["e"][:, head, None, :]) + w * wp["a"][:, head, None, :]
            read_w = address(memory, head_parts(p, h, "core.read_heads", R, False), read_w)
            reads = (read_w @ memory).reshape(B, R * W)
            outputs.append(clamp(torch.cat([h, reads], 1) @ p["core.output.W"] + p["core.output.b"]))
        return torch.stack(outputs, 1)

    return forward


def masked_bce(torch, logits, targets, mask):
    """rmc_lib's masked sigmoid cross-entropy: the mean over the scored bits."""
    per_bit = torch.nn.functional.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    return (per_bit * mask[..., None]).sum() / (mask.sum() * logits.shape[2]).clamp(min=1)


def build_torch(torch, model, rmc_optimizer):
    """(params, optimizer, forward) for PyTorch, from a copy of model's parameters."""
    params = {k: torch.tensor(v, requires_grad=True) for k, v in model.params.items()}
    o = rmc_optimizer
    optimizer = torch.optim.RMSprop(list(params.values()), lr=o.lr, alpha=o.decay, eps=o.eps, momentum=o.momentum)
    for v in params.values():   # TensorFlow's (and rmc_lib's) start: ms = 1, not 0
        optimizer.state[v] = {"step": torch.tensor(0.0), "square_avg": torch.ones_like(v),
                              "momentum_buffer": torch.zeros_like(v)}
    return params, optimizer, torch_ntm(torch, model.core)


def torch_step(torch, params, optimizer, forward, clip, x, labels):
    """The same training step in PyTorch; x and labels as numpy arrays."""
    x = torch.from_numpy(x.astype("float32"))
    targets, mask = (torch.from_numpy(a.astype("float32")) for a in (labels.targets, labels.mask))
    optimizer.zero_grad(set_to_none=True)
    loss = masked_bce(torch, forward(params, x), targets, mask)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(list(params.values()), clip)
    optimizer.step()
    return float(loss.detach())


# ----------------------------------------------------------------------------
# Measuring
# ----------------------------------------------------------------------------

def check_same_model(torch, batch_size, length):
    """Print rmc_lib's and PyTorch's loss, gradients and updated parameters on one batch."""
    import numpy as np

    model, optimizer, task, clip = build_rmc_lib()
    params, t_optimizer, forward = build_torch(torch, model, optimizer)
    x, labels = task.sample(batch_size, np.random.default_rng(1), length=length)
    loss, grads, _ = model.loss_and_grads(x, labels)
    t_loss = masked_bce(torch, forward(params, torch.from_numpy(x.astype("float32"))),
                        torch.from_numpy(labels.targets.astype("float32")),
                        torch.from_numpy(labels.mask.astype("float32")))
    t_loss.backward()
    grad_diff = max(float(np.abs(grads[k] - params[k].grad.numpy()).max() / np.abs(grads[k]).max()) for k in grads)
    for v in params.values():
        v.grad = None
    rmc_lib_step(model, optimizer, clip, x, labels)
    torch_step(torch, params, t_optimizer, forward, clip, x, labels)
    param_diff = max(float(np.abs(model.params[k] - params[k].detach().numpy()).max()) for k in params)
    print(f"  same model? batch {batch_size}, length {length}: loss rmc_lib {loss:.7f}, "
          f"torch {float(t_loss.detach()):.7f}; "
          f"largest gradient difference {grad_diff:.1e} of the largest gradient; "
          f"largest parameter difference after one step {param_diff:.1e}", flush=True)


def measure(threads, repeats, batch_sizes, lengths, warmup=3):
    """For each batch size and length: check that both are the same model,
    then time both steps interleaved and print a RESULT line."""
    import numpy as np

    torch = import_torch(SCRIPT)
    start_threads(torch, threads)
    for batch_size in batch_sizes:
        for length in lengths:
            check_same_model(torch, batch_size, length)
            model, optimizer, task, clip = build_rmc_lib()
            params, t_optimizer, forward = build_torch(torch, model, optimizer)
            x, labels = task.sample(batch_size, np.random.default_rng(1), length=length)
            ours, theirs = time_interleaved(lambda: rmc_lib_step(model, optimizer, clip, x, labels),
                                            lambda: torch_step(torch, params, t_optimizer, forward, clip, x, labels),
                                            repeats, warmup)
            print(f"RESULT threads {threads} batch {batch_size:2d} length {length:2d} (T {2 * length + 1}): "
                  f"{ratio_text(ours, theirs)}", flush=True)


def profile(batch_size, length, repeats, top=25):
    """cProfile of rmc_lib's step (float32, one thread): every rmc_lib function
    by cumulative time, then the `top` by own time; then PyTorch's profiler
    on its step."""
    import numpy as np

    model, optimizer, task, clip = build_rmc_lib()
    x, labels = task.sample(batch_size, np.random.default_rng(1), length=length)
    title = f"batch {batch_size}, length {length}"
    profile_rmc_lib(lambda: rmc_lib_step(model, optimizer, clip, x, labels), repeats, title, top)

    torch = import_torch(SCRIPT)
    torch.set_num_threads(1)
    params, t_optimizer, forward = build_torch(torch, model, optimizer)
    profile_torch(torch, lambda: torch_step(torch, params, t_optimizer, forward, clip, x, labels), repeats, title)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30, help="timed steps of each implementation")
    parser.add_argument("--threads", default="1,2", help="thread counts, each in its own process (default 1,2)")
    parser.add_argument("--batch-sizes", default="1,16")
    parser.add_argument("--lengths", default="20,10", help="copy lengths L (T = 2L + 1)")
    parser.add_argument("--profile", action="store_true", help="profile both steps instead (one thread)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    lengths = [int(n) for n in args.lengths.split(",")]
    if args.child:
        if args.profile:
            for batch_size in batch_sizes:
                profile(batch_size, lengths[0], args.repeats)
        else:
            measure(int(args.threads), args.repeats, batch_sizes, lengths)
        return
    print(machine_line(import_torch(SCRIPT)))
    print(f"configuration: python -m rmc_lib {COMMAND.split(' --steps')[0]} (float32)")
    arguments = ["--repeats", str(args.repeats), "--batch-sizes", args.batch_sizes, "--lengths", args.lengths]
    arguments += ["--profile"] if args.profile else []
    thread_counts = [1] if args.profile else [int(t) for t in args.threads.split(",")]
    run_each_thread_count(__file__, thread_counts, arguments)


if __name__ == "__main__":
    main()
