"""Time one training step of the RMC: forward over T steps + full BPTT backward.

    python bench/speed.py            # both dtypes, the issue's configuration
    python bench/speed.py --repeats 50

Configuration: batch 64, T 8, mem_slots 4, head_size 32, num_heads 4,
input 32 (1 block, 'unit' gates, 2 MLP layers). Reports the median and the
spread (min, max) over the repeats, after warm-up, in milliseconds.
Thread count: whatever the BLAS library uses (set OMP_NUM_THREADS /
OPENBLAS_NUM_THREADS to pin it).
"""

import argparse
import platform
import time

import numpy as np

from rmc_lib import RelationalMemory


def time_fn(fn, repeats, warmup=3):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * np.array(times)


def bench_forward_backward(dtype, repeats):
    rng = np.random.default_rng(0)
    core = RelationalMemory(4, 32, num_heads=4, input_size=32, rng=rng, dtype=dtype)
    x = rng.normal(size=(64, 8, 32)).astype(dtype)
    d_out = rng.normal(size=(64, 8, core.output_size)).astype(dtype)

    def step():
        _, _, cache = core.forward(x)
        core.backward(d_out, None, cache)

    return time_fn(step, repeats)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.system()}, python {platform.python_version()}, numpy {np.__version__}")
    for dtype in (np.float32, np.float64):
        ms = bench_forward_backward(dtype, args.repeats)
        print(f"forward+backward, {np.dtype(dtype).name}: median {np.median(ms):.1f} ms "
              f"(min {ms.min():.1f}, max {ms.max():.1f}, {args.repeats} repeats)")


if __name__ == "__main__":
    main()
