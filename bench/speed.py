"""Time one training step of the RMC: forward over T steps, full BPTT
backward, and (for `train`) an Adam update.

    python bench/speed.py                 # 2 threads and 1 thread, both dtypes
    python bench/speed.py --threads 2 --repeats 50

Configuration (issues 3 and 4): batch 64, T 8, mem_slots 4, head_size 32,
num_heads 4, input 32; 1 block, 'unit' gates, 2 MLP layers. Reports the
median and the spread (min-max) over the repeats, after warm-up, in ms.
Each thread count runs in a fresh process, because the BLAS library reads
its thread count (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS) only at start.
"""

import argparse
import os
import platform
import subprocess
import sys
import time


def time_fn(fn, repeats, warmup=5):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return [1000 * t for t in times]


def measure(threads, repeats):
    import numpy as np

    from rmc_lib import RelationalMemory
    from rmc_lib.train.optimizers import Adam

    for dtype in (np.float32, np.float64):
        rng = np.random.default_rng(0)
        core = RelationalMemory(4, 32, num_heads=4, input_size=32, rng=rng, dtype=dtype)
        x = rng.normal(size=(64, 8, 32)).astype(dtype)
        d_out = rng.normal(size=(64, 8, core.output_size)).astype(dtype) * 1e-3
        optimizer = Adam(core.params, lr=1e-4)

        def forward_backward():
            _, _, cache = core.forward(x)
            return core.backward(d_out, None, cache)[0]

        def train_step():
            optimizer.step(forward_backward())

        for name, fn in [("forward+backward", forward_backward), ("forward+backward+Adam", train_step)]:
            ms = np.array(time_fn(fn, repeats))
            print(f"{threads} thread(s), {np.dtype(dtype).name:7s} {name:22s}: median {np.median(ms):6.1f} ms "
                  f"(min {ms.min():.1f}, max {ms.max():.1f}, {repeats} repeats)", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=None, help="only this thread count (default: 2, then 1)")
    args = parser.parse_args()
    if args.threads is not None and os.environ.get("RMC_BENCH_CHILD"):
        measure(args.threads, args.repeats)
        return
    import numpy as np
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}, "
          f"python {platform.python_version()}, numpy {np.__version__}")
    for threads in ([args.threads] if args.threads else [2, 1]):
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads), RMC_BENCH_CHILD="1")
        subprocess.run([sys.executable, __file__, "--threads", str(threads), "--repeats", str(args.repeats)],
                       env=env, check=True)


if __name__ == "__main__":
    main()
