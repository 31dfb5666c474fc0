"""The timing harness of bench/ntm_speed.py and bench/dnc_speed.py: one
training step of rmc_lib against the same step written in PyTorch, timed in
the same run. Each script keeps its own model, checks, arguments and output
lines; this module holds only what measures.

What is measured: the wall-clock time (time.perf_counter) of one call of a
step function, in milliseconds, for `repeats` calls of each implementation
after a few warm-up calls (the first calls pay for allocating buffers and
filling caches, which a training run pays once).

Why interleaved: the machine may be shared, and its speed drifts while a
run goes on. Timing all of rmc_lib's steps and then all of PyTorch's would
give one of them whatever load came later. Here one step of each runs in
turn, in alternating order (rmc_lib first, then torch first), so both see
the same load, and the result is their ratio in the same run: the ratio of
the medians, and the median, middle half and range of the paired ratios
(repeat r of rmc_lib over repeat r of torch). Absolute times from one run
mean little; the ratio means more.

Why one process per thread count: OpenBLAS reads its thread count
(OMP_NUM_THREADS, OPENBLAS_NUM_THREADS) only when numpy is imported, so a
script runs itself again in a fresh process for each thread count, with
those variables set from the start (`--child --threads T`).

The scripts import this file as a sibling module (`from timing import ...`),
with their own folder, bench/, put first on sys.path.
"""

import cProfile
import os
import platform
import pstats
import subprocess
import sys
import time

import numpy as np   # in a child process the thread variables are already set when this runs


def import_torch(script):
    """PyTorch, or exit with a message that says how to install it: only the
    bench scripts need it (script: the script's path, for the message)."""
    try:
        import torch
    except ImportError:
        sys.exit(f"{script} needs PyTorch, which rmc_lib itself does not: "
                 "pip install -e '.[bench]' (or pip install torch)")
    return torch


def machine_line(torch):
    """One line naming the machine and the versions the times depend on."""
    return (f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()}, python "
            f"{platform.python_version()}, numpy {np.__version__}, torch {torch.__version__}")


def run_each_thread_count(script, thread_counts, arguments):
    """Run `python script --child --threads T arguments...` once for each T
    in thread_counts, each in a fresh process whose OpenBLAS, OpenMP and MKL
    thread counts are T from its start; stop if one fails."""
    for threads in thread_counts:
        env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads),
                   MKL_NUM_THREADS=str(threads))
        command = [sys.executable, script, "--child", "--threads", str(threads), *arguments]
        subprocess.run(command, env=env, check=True)


def start_threads(torch, threads):
    """Give PyTorch `threads` threads (numpy's OpenBLAS has its count from
    the environment) and print the heading of this thread count's results."""
    torch.set_num_threads(threads)
    print(f"\n{threads} thread(s) (OpenBLAS for numpy, torch.set_num_threads({threads})), "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)


def time_interleaved(rmc_lib_step, torch_step, repeats, warmup=3):
    """Time two step functions (no arguments each) in turn: `warmup` untimed
    calls of each, then `repeats` timed calls of each, rmc_lib first on even
    repeats and torch first on odd ones. Returns (rmc_lib's, torch's) times,
    two arrays [repeats] in milliseconds, entry r of both from repeat r."""
    steps = {"rmc_lib": rmc_lib_step, "torch": torch_step}
    for _ in range(warmup):
        for step in steps.values():
            step()
    times = {name: [] for name in steps}
    for r in range(repeats):
        for name in (("rmc_lib", "torch") if r % 2 == 0 else ("torch", "rmc_lib")):
            start = time.perf_counter()
            steps[name]()
            times[name].append(1000 * (time.perf_counter() - start))
    return np.array(times["rmc_lib"]), np.array(times["torch"])


def ratio_text(ours, theirs):
    """What a RESULT line says after its label, from time_interleaved's two
    arrays: both medians, the ratio of the medians, the paired ratios'
    median, middle half and range, and the load average now."""
    paired = ours / theirs
    q25, q75 = np.percentile(paired, [25, 75])
    return (f"rmc_lib {np.median(ours):6.1f} ms, torch {np.median(theirs):6.1f} ms, "
            f"ratio rmc_lib/torch {np.median(ours) / np.median(theirs):.2f} "
            f"(paired ratios: median {np.median(paired):.2f}, middle half {q25:.2f}-{q75:.2f}, "
            f"range {paired.min():.2f}-{paired.max():.2f}; {len(ours)} repeats), "
            f"load average {os.getloadavg()[0]:.2f}")


def profile_rmc_lib(step, repeats, title, top):
    """cProfile of `repeats` calls of rmc_lib's step (after one untimed
    call): every rmc_lib function by cumulative time, then the `top`
    functions by their own time. title: what the steps were, for the heading."""
    step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeats):
        step()
    profiler.disable()
    print(f"\ncProfile of {repeats} rmc_lib steps, {title}:")
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats("rmc_lib")
    stats.sort_stats("tottime").print_stats(top)


def profile_torch(torch, step, repeats, title, rows=15):
    """PyTorch's own profiler on `repeats` calls of its step (after one
    untimed call): the `rows` operators with the most CPU time of their own."""
    step()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as torch_profiler:
        for _ in range(repeats):
            step()
    print(f"\nPyTorch's profiler, {repeats} PyTorch steps, {title}:")
    print(torch_profiler.key_averages().table(sort_by="self_cpu_time_total", row_limit=rows))
